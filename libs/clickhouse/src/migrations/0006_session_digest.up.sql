-- One row per session holding the facts of its events that the session views need (times,
-- roles, tokens, call and trace reports, file paths), each fact a compact JSON array whose
-- first element names its kind. The embedded engine pays a fixed cost per table and per column
-- stream read, so a summary read from six raw tables and four state tables costs ten reads
-- (~200 ms at 10M events); one String array column here costs one (~10 ms). The gateway
-- computes the KPIs from these facts exactly as docs/kpis.md defines them.
--
-- groupArrayArray concatenates the arrays of rows with the same key, on merge and at read time,
-- so readers GROUP BY session_id. A small index granularity keeps a point read to a few rows.
-- Times are epoch milliseconds; -1 stands for "not reported". The fact layouts:
--   s: ts, id, title, directory, parent_session_id, status, started_at, ended_at
--   m: ts, id, message_id, role, agent, model, provider, input, output, reasoning, cache_read,
--      cache_write, cost_usd, cost_source
--   c: ts, id, call_id, tool, status, agent, message_id, trace_id, duration_ms, started_at,
--      ended_at
--   f: ts, id, operation, path, risk rank (0 none, 1 low … 4 critical), risk_reason
--   k: ts, id, skill, duration_ms
--   t: ts, id, trace_id, agent, parent_trace_id, parent_agent, child_session_id, status,
--      started_at, ended_at
CREATE TABLE IF NOT EXISTS {{db}}.session_digest
(
    project LowCardinality(String),
    session_id String,
    facts SimpleAggregateFunction(groupArrayArray, Array(String)) CODEC(ZSTD(1)),
    -- sessions whose `session` events named this one as parent (candidates: a child whose
    -- parent changed later leaves a stale entry; readers confirm with the child's own facts)
    children SimpleAggregateFunction(groupUniqArrayArray, Array(String))
)
ENGINE = AggregatingMergeTree
ORDER BY (project, session_id)
SETTINGS index_granularity = 128, non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_digest_from_session_events TO {{db}}.session_digest AS
SELECT
    project,
    session_id,
    groupArray(toJSONString(('s', toUnixTimestamp64Milli(ts), id, title, directory, parent_session_id, toString(status),
                ifNull(toUnixTimestamp64Milli(started_at), -1),
                ifNull(toUnixTimestamp64Milli(ended_at), -1)))) AS facts
FROM {{db}}.session_events
GROUP BY project, session_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_digest_children TO {{db}}.session_digest AS
SELECT project, parent_session_id AS session_id, groupUniqArray(id_of_child) AS children
FROM (SELECT project, parent_session_id, session_id AS id_of_child FROM {{db}}.session_events
      WHERE parent_session_id != '')
GROUP BY project, session_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_digest_from_messages TO {{db}}.session_digest AS
SELECT
    project,
    session_id,
    groupArray(toJSONString(('m', toUnixTimestamp64Milli(ts), id, message_id, toString(role), toString(agent),
                toString(model), toString(provider), tokens_input, tokens_output,
                tokens_reasoning, tokens_cache_read, tokens_cache_write, cost_usd,
                toString(cost_source)))) AS facts
FROM {{db}}.messages
GROUP BY project, session_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_digest_from_tool_calls TO {{db}}.session_digest AS
SELECT
    project,
    session_id,
    groupArray(toJSONString(('c', toUnixTimestamp64Milli(ts), id, call_id, toString(tool), toString(status),
                toString(agent), message_id, trace_id, ifNull(duration_ms, -1),
                ifNull(toUnixTimestamp64Milli(started_at), -1),
                ifNull(toUnixTimestamp64Milli(ended_at), -1)))) AS facts
FROM {{db}}.tool_calls
GROUP BY project, session_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_digest_from_file_operations TO {{db}}.session_digest AS
SELECT
    project,
    session_id,
    groupArray(toJSONString(('f', toUnixTimestamp64Milli(ts), id, toString(operation), path,
                toUInt8(transform(toString(risk_level), ['low', 'medium', 'high', 'critical'], [1, 2, 3, 4], 0)),
                risk_reason))) AS facts
FROM {{db}}.file_operations
GROUP BY project, session_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_digest_from_skill_loads TO {{db}}.session_digest AS
SELECT
    project,
    session_id,
    groupArray(toJSONString(('k', toUnixTimestamp64Milli(ts), id, toString(skill), ifNull(duration_ms, -1)))) AS facts
FROM {{db}}.skill_loads
GROUP BY project, session_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_digest_from_agent_traces TO {{db}}.session_digest AS
SELECT
    project,
    session_id,
    groupArray(toJSONString(('t', toUnixTimestamp64Milli(ts), id, trace_id, toString(agent), parent_trace_id,
                toString(parent_agent), child_session_id, toString(status),
                ifNull(toUnixTimestamp64Milli(started_at), -1),
                ifNull(toUnixTimestamp64Milli(ended_at), -1)))) AS facts
FROM {{db}}.agent_traces
GROUP BY project, session_id;

-- The digest's `children` replaces the parent → child edge table of migration 0004.
DROP VIEW IF EXISTS {{db}}.session_children_mv;
DROP TABLE IF EXISTS {{db}}.session_children;
