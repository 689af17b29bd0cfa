import type { ClickHouseClient } from '@agentpulse/clickhouse';

/** Events per generated session, by raw table. 100 in all. */
export const EVENTS_PER_SESSION = {
  session_events: 2,
  messages: 42,
  tool_calls: 32,
  file_operations: 18,
  skill_loads: 2,
  agent_traces: 4,
} as const;

export interface BulkWorld {
  project: string;
  sessions: number;
  /** first day of the generated period (UTC midnight) */
  from: Date;
  days: number;
}

/**
 * Loads a large synthetic world straight into the raw tables with INSERT … SELECT, so every
 * materialized view fires exactly as on the aggregator's inserts. Session `s{k}` starts on day
 * `k % days`; every tenth session is a child of the one before it. Each event is 20 s after
 * the previous one, with a 10-minute pause every 25 events (idle time). Values are
 * deterministic functions of (session, index) so a load is reproducible; it is for benchmarks,
 * not ground truth (tests use libs/test-support's generators).
 */
export async function loadBulkWorld(
  client: ClickHouseClient,
  database: string,
  world: BulkWorld,
  progress: (table: string, rows: number, ms: number) => void = () => undefined,
): Promise<number> {
  const start = world.from.getTime() / 1000;
  const per = EVENTS_PER_SESSION;
  // Event j of session k (j counts across the session's tables in this order).
  const offsets = {
    session_events: 0,
    messages: per.session_events,
    tool_calls: per.session_events + per.messages,
    file_operations: per.session_events + per.messages + per.tool_calls,
    skill_loads: per.session_events + per.messages + per.tool_calls + per.file_operations,
    agent_traces:
      per.session_events + per.messages + per.tool_calls + per.file_operations + per.skill_loads,
  };
  const envelope = (table: keyof typeof per) => {
    const n = per[table];
    const j = `(number % ${n} + ${offsets[table]})`;
    return {
      k: `intDiv(number, ${n})`,
      j,
      columns: `'${world.project}', concat('s', toString(intDiv(number, ${n}))),
        concat('${table}-', toString(number)),
        toDateTime64(${start} + (intDiv(number, ${n}) % ${world.days}) * 86400
          + (intDiv(number, ${n}) * 7919) % 50000 + ${j} * 20 + intDiv(${j}, 25) * 600, 3, 'UTC'),
        'sdk'`,
      rows: world.sessions * n,
    };
  };
  const envelopeColumns = 'project, session_id, id, ts, source';
  const statements: Array<[keyof typeof per, string]> = [];

  const session = envelope('session_events');
  statements.push([
    'session_events',
    `INSERT INTO ${database}.session_events
       (${envelopeColumns}, title, directory, parent_session_id, started_at, ended_at, status)
     SELECT ${session.columns},
       concat('session ', toString(${session.k})), concat('/repo/', toString(${session.k} % 50)),
       if(${session.k} % 10 = 9, concat('s', toString(${session.k} - 1)), ''),
       NULL, NULL, if(number % 2 = 0, 'running', if(${session.k} % 13 = 0, 'error', 'completed'))
     FROM numbers(${session.rows})`,
  ]);

  const message = envelope('messages');
  const m = `(number % ${per.messages})`;
  statements.push([
    'messages',
    `INSERT INTO ${database}.messages
       (${envelopeColumns}, message_id, role, agent, model, provider, content, trace_id,
        tokens_input, tokens_output, tokens_reasoning, tokens_cache_read, tokens_cache_write,
        cost_usd, cost_source)
     SELECT ${message.columns},
       concat('m', toString(${message.k}), '-', toString(intDiv(${m}, 2))),
       if(${m} % 2 = 0, 'user', 'assistant'),
       ['build', 'plan', 'explore'][${m} % 3 + 1],
       if(${m} % 2 = 0, '', ['claude-sonnet-4-5', 'gpt-5', 'gemini-2.5-pro'][${message.k} % 3 + 1]),
       if(${m} % 2 = 0, '', 'anthropic'),
       if(${m} % 2 = 0, concat('please change file ', toString(${m})), 'done'),
       concat('t', toString(${message.k}), '-', toString(${m} % 2)),
       if(${m} % 2 = 0, 0, 200 + number % 300), if(${m} % 2 = 0, 0, 100 + number % 700),
       if(${m} % 2 = 0, 0, number % 50), if(${m} % 2 = 0, 0, 1000 + number % 5000),
       if(${m} % 2 = 0, 0, number % 400),
       if(${m} % 2 = 0, 0, (number % 1000) / 100000), if(${m} % 2 = 0, 'none', 'computed')
     FROM numbers(${message.rows})`,
  ]);

  const call = envelope('tool_calls');
  const c = `intDiv(number % ${per.tool_calls}, 2)`;
  statements.push([
    'tool_calls',
    `INSERT INTO ${database}.tool_calls
       (${envelopeColumns}, call_id, tool, status, agent, trace_id, message_id, arguments,
        duration_ms, error)
     SELECT ${call.columns},
       concat('c', toString(${call.k}), '-', toString(${c})),
       ['read', 'edit', 'bash', 'grep', 'write'][${c} % 5 + 1],
       if(number % 2 = 0, 'running', if((${c} + ${call.k}) % 7 = 0, 'error', 'completed')),
       ['build', 'explore'][${c} % 2 + 1], concat('t', toString(${call.k}), '-', toString(${c} % 2)),
       concat('m', toString(${call.k}), '-', toString(${c})),
       '{"path": "src/index.ts"}',
       if(number % 2 = 0, NULL, toFloat64(50 + number % 2000)),
       if(number % 2 = 1 AND (${c} + ${call.k}) % 7 = 0, '{"message": "exit code 1"}', '{}')
     FROM numbers(${call.rows})`,
  ]);

  const file = envelope('file_operations');
  const f = `(number % ${per.file_operations})`;
  statements.push([
    'file_operations',
    `INSERT INTO ${database}.file_operations
       (${envelopeColumns}, operation, path, tool_call_id, risk_level, risk_reason)
     SELECT ${file.columns},
       ['read', 'read', 'edit', 'write', 'read', 'delete'][${f} % 6 + 1],
       ['src/index.ts', 'src/app.tsx', 'README.md', '.env', 'package.json', 'src/db.sql',
        'deploy/k8s.yaml', 'src/auth.ts', 'test/app.spec.ts'][${f} % 9 + 1],
       concat('c', toString(${file.k}), '-', toString(${f})),
       ['low', 'low', 'low', 'critical', 'medium', 'high', 'high', 'high', 'low'][${f} % 9 + 1],
       'rule'
     FROM numbers(${file.rows})`,
  ]);

  const skill = envelope('skill_loads');
  statements.push([
    'skill_loads',
    `INSERT INTO ${database}.skill_loads (${envelopeColumns}, skill, duration_ms)
     SELECT ${skill.columns}, ['pdf', 'git'][number % 2 + 1], toFloat64(number % 90)
     FROM numbers(${skill.rows})`,
  ]);

  const trace = envelope('agent_traces');
  const t = `intDiv(number % ${per.agent_traces}, 2)`;
  statements.push([
    'agent_traces',
    `INSERT INTO ${database}.agent_traces
       (${envelopeColumns}, trace_id, agent, parent_trace_id, parent_agent, status)
     SELECT ${trace.columns},
       concat('t', toString(${trace.k}), '-', toString(${t})), ['build', 'explore'][${t} + 1],
       if(${t} = 0, '', concat('t', toString(${trace.k}), '-0')), if(${t} = 0, '', 'build'),
       if(number % 2 = 0, 'running', 'completed')
     FROM numbers(${trace.rows})`,
  ]);

  let total = 0;
  for (const [table, query] of statements) {
    const started = performance.now();
    await client.command({
      query,
      clickhouse_settings: { max_insert_block_size: '1000000', max_block_size: '100000' },
    });
    const rows = world.sessions * per[table];
    total += rows;
    progress(table, rows, performance.now() - started);
  }
  return total;
}
