import { useState } from 'preact/hooks';
import { withQuery, type Envelope } from '../api-client';
import { RiskBadge, StatusBadge } from '../components/badges';
import { ChartCanvas, PALETTE } from '../components/chart-canvas';
import { useQuery } from '../dashboard-context';
import {
  formatCount,
  formatDuration,
  formatRatio,
  formatTime,
  formatTokens,
  formatUsd,
} from '../format';

export const SESSION_TABS = [
  { name: 'tokens', label: 'Tokens and cost' },
  { name: 'tools', label: 'Tools' },
  { name: 'files', label: 'Files' },
  { name: 'agents', label: 'Agents' },
  { name: 'timeline', label: 'Timeline' },
] as const;
export type SessionTabName = (typeof SESSION_TABS)[number]['name'];

interface TabProps {
  id: string;
  version: number;
}

/** One category of the session in depth, refetched with the session's live pushes. */
export function SessionTab({ name, ...props }: TabProps & { name: SessionTabName }) {
  switch (name) {
    case 'tokens':
      return <TokensTab {...props} />;
    case 'tools':
      return <ToolsTab {...props} />;
    case 'files':
      return <FilesTab {...props} />;
    case 'agents':
      return <AgentsTab {...props} />;
    case 'timeline':
      return <TimelineTab {...props} />;
  }
}

function useView<D>(id: string, view: string, version: number, query = {}) {
  return useQuery<Envelope<Record<string, unknown>, D, Record<string, unknown>>>(
    withQuery(`/v1/sessions/${encodeURIComponent(id)}/${view}`, query),
    version,
  );
}

function Failure({ error }: { error?: { message: string } }) {
  return error ? <p class="alert">{error.message}</p> : null;
}

interface TokenRow {
  tokens_in: number;
  tokens_out: number;
  tokens_reasoning: number;
  tokens_cache_read: number;
  tokens_cache_write: number;
  total_tokens: number;
  cost_usd: number;
  messages: number;
}

function TokenTable({ rows, name }: { rows: Array<TokenRow & { label: string }>; name: string }) {
  const heading = name[0].toUpperCase() + name.slice(1);
  return (
    <div class="table-wrap">
      <table data-testid={`tokens-by-${name}`}>
        <thead>
          <tr>
            <th>{heading}</th>
            <th class="num">Messages</th>
            <th class="num">Input</th>
            <th class="num">Output</th>
            <th class="num">Cache read</th>
            <th class="num">Cache write</th>
            <th class="num">Total</th>
            <th class="num">Cost</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <td>{row.label || '(none)'}</td>
              <td class="num">{formatCount(row.messages)}</td>
              <td class="num">{formatTokens(row.tokens_in)}</td>
              <td class="num">{formatTokens(row.tokens_out)}</td>
              <td class="num">{formatTokens(row.tokens_cache_read)}</td>
              <td class="num">{formatTokens(row.tokens_cache_write)}</td>
              <td class="num">{formatTokens(row.total_tokens)}</td>
              <td class="num">{formatUsd(row.cost_usd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TokensTab({ id, version }: TabProps) {
  const { data, error } = useView<{
    by_agent: Array<TokenRow & { agent: string }>;
    by_model: Array<TokenRow & { model: string }>;
    cumulative: Array<{ at: string; total_tokens: number; cost_usd: number }>;
  }>(id, 'tokens', version);
  const byAgent = data?.details.by_agent ?? [];
  const byModel = data?.details.by_model ?? [];
  const cumulative = (data?.charts.cumulative ?? []) as Array<{ at: string; total_tokens: number }>;
  return (
    <div data-testid="tab-panel-tokens">
      <Failure error={error} />
      <div class="charts">
        <ChartCanvas
          type="bar"
          label="Tokens by agent"
          testId="session-chart-tokens-by-agent"
          data={{
            labels: byAgent.map((row) => row.agent || '(none)'),
            datasets: [
              {
                label: 'tokens',
                data: byAgent.map((row) => row.total_tokens),
                backgroundColor: PALETTE[0],
              },
            ],
          }}
          options={{ indexAxis: 'y', plugins: { legend: { display: false } } }}
        />
        <ChartCanvas
          type="line"
          label="Tokens over the session"
          testId="session-chart-cumulative"
          data={{
            labels: cumulative.map((point) => formatTime(point.at)),
            datasets: [
              {
                label: 'total tokens',
                data: cumulative.map((point) => point.total_tokens),
                borderColor: PALETTE[0],
                backgroundColor: PALETTE[0],
              },
            ],
          }}
          options={{ plugins: { legend: { display: false } }, scales: { x: { display: false } } }}
        />
      </div>
      <h3>By agent</h3>
      <TokenTable rows={byAgent.map((row) => ({ ...row, label: row.agent }))} name="agent" />
      <h3>By model</h3>
      <TokenTable rows={byModel.map((row) => ({ ...row, label: row.model }))} name="model" />
    </div>
  );
}

interface ToolRow {
  tool: string;
  calls: number;
  errors: number;
  ended: number;
  failure_rate: number;
  avg_duration_ms: number | null;
  cost_usd: number;
}
interface CallRow {
  call_id: string;
  tool: string;
  status: string;
  agent: string;
  first_seen: string | null;
  duration_ms: number | null;
}

function ToolsTab({ id, version }: TabProps) {
  const { data, error } = useView<{ tools: ToolRow[]; calls: CallRow[] }>(id, 'tools', version);
  const tools = data?.details.tools ?? [];
  const calls = data?.details.calls ?? [];
  return (
    <div data-testid="tab-panel-tools">
      <Failure error={error} />
      <div class="table-wrap">
        <table data-testid="tools-table">
          <thead>
            <tr>
              <th>Tool</th>
              <th class="num">Calls</th>
              <th class="num">Errors</th>
              <th class="num">Failure rate</th>
              <th class="num">Avg duration</th>
              <th class="num">Cost share</th>
            </tr>
          </thead>
          <tbody>
            {tools.map((row) => (
              <tr key={row.tool} data-testid="tool-row" data-tool={row.tool}>
                <td>{row.tool}</td>
                <td class="num">{formatCount(row.calls)}</td>
                <td class="num">{formatCount(row.errors)}</td>
                <td class="num" data-testid="tool-failure-rate">
                  {row.ended === 0 ? '—' : formatRatio(row.failure_rate)}
                </td>
                <td class="num">{formatDuration(row.avg_duration_ms)}</td>
                <td class="num">{formatUsd(row.cost_usd)}</td>
              </tr>
            ))}
            {data && tools.length === 0 && <EmptyRow columns={6} text="No tool calls" />}
          </tbody>
        </table>
      </div>
      <h3>Calls</h3>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Started</th>
              <th>Tool</th>
              <th>Status</th>
              <th>Agent</th>
              <th class="num">Duration</th>
              <th>Call id</th>
            </tr>
          </thead>
          <tbody>
            {calls.map((call) => (
              <tr key={call.call_id}>
                <td>{formatTime(call.first_seen)}</td>
                <td>{call.tool}</td>
                <td>
                  <StatusBadge status={call.status} />
                </td>
                <td>{call.agent || '—'}</td>
                <td class="num">{formatDuration(call.duration_ms)}</td>
                <td class="muted small">{call.call_id}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

interface FileRow {
  path: string;
  reads: number;
  writes: number;
  edits: number;
  deletes: number;
  risk_level: string;
  risk_reason: string;
}

function FilesTab({ id, version }: TabProps) {
  const { data, error } = useView<{ files: FileRow[] }>(id, 'files', version);
  const files = data?.details.files ?? [];
  return (
    <div data-testid="tab-panel-files">
      <Failure error={error} />
      <div class="table-wrap">
        <table data-testid="files-table">
          <thead>
            <tr>
              <th>Path</th>
              <th>Risk</th>
              <th class="num">Reads</th>
              <th class="num">Writes</th>
              <th class="num">Edits</th>
              <th class="num">Deletes</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {files.map((file) => (
              <tr key={file.path} data-testid="file-row" data-path={file.path}>
                <td class="path">{file.path}</td>
                <td>
                  <RiskBadge level={file.risk_level} />
                </td>
                <td class="num">{formatCount(file.reads)}</td>
                <td class="num">{formatCount(file.writes)}</td>
                <td class="num">{formatCount(file.edits)}</td>
                <td class="num">{formatCount(file.deletes)}</td>
                <td class="muted small">{file.risk_reason}</td>
              </tr>
            ))}
            {data && files.length === 0 && <EmptyRow columns={7} text="No file operations" />}
          </tbody>
        </table>
      </div>
    </div>
  );
}

interface AgentRow {
  agent: string;
  messages: number;
  tool_calls: number;
  traces: number;
  total_tokens: number;
  cost_usd: number;
  time_ms: number;
}
interface TraceNode {
  trace_id: string;
  session_id: string;
  agent: string;
  status: string;
  started_at: string | null;
  ended_at: string | null;
  children: TraceNode[];
}

function AgentsTab({ id, version }: TabProps) {
  const { data, error } = useView<{ agents: AgentRow[]; tree: TraceNode[] }>(id, 'agents', version);
  const agents = data?.details.agents ?? [];
  const tree = data?.details.tree ?? [];
  return (
    <div data-testid="tab-panel-agents">
      <Failure error={error} />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Agent</th>
              <th class="num">Messages</th>
              <th class="num">Tool calls</th>
              <th class="num">Traces</th>
              <th class="num">Time</th>
              <th class="num">Tokens</th>
              <th class="num">Cost</th>
            </tr>
          </thead>
          <tbody>
            {agents.map((agent) => (
              <tr key={agent.agent}>
                <td>{agent.agent || '(none)'}</td>
                <td class="num">{formatCount(agent.messages)}</td>
                <td class="num">{formatCount(agent.tool_calls)}</td>
                <td class="num">{formatCount(agent.traces)}</td>
                <td class="num">{formatDuration(agent.time_ms)}</td>
                <td class="num">{formatTokens(agent.total_tokens)}</td>
                <td class="num">{formatUsd(agent.cost_usd)}</td>
              </tr>
            ))}
            {data && agents.length === 0 && <EmptyRow columns={7} text="No agents named" />}
          </tbody>
        </table>
      </div>
      <h3>Delegation tree</h3>
      {tree.length === 0 ? <p class="muted">No agent traces.</p> : <TraceTree nodes={tree} />}
    </div>
  );
}

function TraceTree({ nodes }: { nodes: TraceNode[] }) {
  return (
    <ul class="tree" data-testid="delegation-tree">
      {nodes.map((node) => (
        <li key={`${node.session_id}/${node.trace_id}`}>
          <strong>{node.agent}</strong> <StatusBadge status={node.status} />{' '}
          <span class="muted small">
            {node.trace_id}
            {node.started_at && node.ended_at
              ? ` · ${formatDuration(Date.parse(node.ended_at) - Date.parse(node.started_at))}`
              : ''}
          </span>
          {node.children.length > 0 && <TraceTree nodes={node.children} />}
        </li>
      ))}
    </ul>
  );
}

interface TimelineRow {
  at: string;
  session_id: string;
  type: string;
  id: string;
  label: string;
}

const TIMELINE_PAGE = 200;
const TIMELINE_MAX = 2_000;

function TimelineTab({ id, version }: TabProps) {
  const [limit, setLimit] = useState(TIMELINE_PAGE);
  const { data, error } = useView<{ events: TimelineRow[]; next_cursor: string | null }>(
    id,
    'timeline',
    version,
    { limit },
  );
  const rows = data?.details.events ?? [];
  const activity = (data?.charts.activity ?? []) as Array<{ at: string; events: number }>;
  return (
    <div data-testid="tab-panel-timeline">
      <Failure error={error} />
      <div class="charts">
        <ChartCanvas
          type="bar"
          label="Events over time"
          testId="session-chart-activity"
          data={{
            labels: activity.map((bucket) => formatTime(bucket.at)),
            datasets: [
              {
                label: 'events',
                data: activity.map((bucket) => bucket.events),
                backgroundColor: PALETTE[2],
              },
            ],
          }}
          options={{ plugins: { legend: { display: false } }, scales: { x: { display: false } } }}
        />
      </div>
      <div class="table-wrap">
        <table data-testid="timeline-table">
          <thead>
            <tr>
              <th>At</th>
              <th>Type</th>
              <th>What</th>
              <th>Session</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((event) => (
              <tr key={`${event.session_id}/${event.id}`}>
                <td>{formatTime(event.at)}</td>
                <td>
                  <span class="badge tone-none">{event.type}</span>
                </td>
                <td>{event.label}</td>
                <td class="muted small">{event.session_id}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data?.details.next_cursor && limit < TIMELINE_MAX && (
        <button type="button" class="link" onClick={() => setLimit(limit + TIMELINE_PAGE)}>
          Show more
        </button>
      )}
    </div>
  );
}

function EmptyRow({ columns, text }: { columns: number; text: string }) {
  return (
    <tr>
      <td colSpan={columns} class="muted">
        {text}
      </td>
    </tr>
  );
}
