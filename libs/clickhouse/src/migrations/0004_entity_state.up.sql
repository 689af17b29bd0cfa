-- The latest state of every tool call, agent trace, file and pipeline step, kept incrementally.
-- A tool call or trace is reported by several events (pending → running → completed); counting
-- events would count it several times, so these tables hold one mergeable row per entity and
-- the gateway groups them at query time (a session has at most a few thousand of them).
-- Latest values are argMax by (event time, event id), as in session_stats.

-- One row per (session, call). Sorted for "the calls of this session" and per-tool grouping.
CREATE TABLE IF NOT EXISTS {{db}}.tool_call_state
(
    project LowCardinality(String),
    session_id String,
    call_id String,
    first_seen SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    tool AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    status AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    agent AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    message_id AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    trace_id AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    -- the latest reported duration; duration_reports = 0 means none was reported
    duration_ms AggregateFunction(argMax, Float64, Tuple(DateTime64(3, 'UTC'), String)),
    duration_reports SimpleAggregateFunction(sum, UInt64),
    started_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    ended_at SimpleAggregateFunction(max, Nullable(DateTime64(3, 'UTC'))),
    error AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String))
)
ENGINE = AggregatingMergeTree
ORDER BY (project, session_id, call_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.tool_call_state_mv TO {{db}}.tool_call_state AS
SELECT
    project,
    session_id,
    call_id,
    min(ts) AS first_seen,
    max(ts) AS last_seen,
    argMaxStateIf(tool, (ts, id), tool != '') AS tool,
    argMaxStateIf(status, (ts, id), status != '') AS status,
    argMaxStateIf(agent, (ts, id), agent != '') AS agent,
    argMaxStateIf(message_id, (ts, id), message_id != '') AS message_id,
    argMaxStateIf(trace_id, (ts, id), trace_id != '') AS trace_id,
    argMaxStateIf(assumeNotNull(duration_ms), (ts, id), duration_ms IS NOT NULL) AS duration_ms,
    countIf({{db}}.tool_calls.duration_ms IS NOT NULL) AS duration_reports,
    min(started_at) AS started_at,
    max(ended_at) AS ended_at,
    argMaxStateIf(toJSONString(error), (ts, id), toJSONString(error) != '{}') AS error
FROM {{db}}.tool_calls
GROUP BY project, session_id, call_id;

-- One row per (session, trace): the delegation tree and per-agent time.
CREATE TABLE IF NOT EXISTS {{db}}.agent_trace_state
(
    project LowCardinality(String),
    session_id String,
    trace_id String,
    first_seen SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    agent AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    parent_trace_id AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    parent_agent AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    child_session_id AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    status AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    started_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    ended_at SimpleAggregateFunction(max, Nullable(DateTime64(3, 'UTC')))
)
ENGINE = AggregatingMergeTree
ORDER BY (project, session_id, trace_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.agent_trace_state_mv TO {{db}}.agent_trace_state AS
SELECT
    project,
    session_id,
    trace_id,
    min(ts) AS first_seen,
    max(ts) AS last_seen,
    argMaxStateIf(agent, (ts, id), agent != '') AS agent,
    argMaxStateIf(parent_trace_id, (ts, id), parent_trace_id != '') AS parent_trace_id,
    argMaxStateIf(parent_agent, (ts, id), parent_agent != '') AS parent_agent,
    argMaxStateIf(child_session_id, (ts, id), child_session_id != '') AS child_session_id,
    argMaxStateIf(status, (ts, id), status != '') AS status,
    min(started_at) AS started_at,
    max(ended_at) AS ended_at
FROM {{db}}.agent_traces
GROUP BY project, session_id, trace_id;

-- One row per (session, path): reads, writes, the highest risk seen (rank 1 low … 4 critical)
-- and its reason. Files by extension and risky files are a GROUP BY over a session's rows.
CREATE TABLE IF NOT EXISTS {{db}}.session_file_stats
(
    project LowCardinality(String),
    session_id String,
    path String,
    -- computed on read: it depends on the path alone
    extension String ALIAS lower(extract(path, '\\.([A-Za-z0-9]{1,10})$')),
    reads SimpleAggregateFunction(sum, UInt64),
    writes SimpleAggregateFunction(sum, UInt64),
    edits SimpleAggregateFunction(sum, UInt64),
    deletes SimpleAggregateFunction(sum, UInt64),
    first_seen SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    risk_rank SimpleAggregateFunction(max, UInt8),
    risk_reason AggregateFunction(argMax, String, Tuple(UInt8, DateTime64(3, 'UTC'), String))
)
ENGINE = AggregatingMergeTree
ORDER BY (project, session_id, path)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_file_stats_mv TO {{db}}.session_file_stats AS
SELECT
    project,
    session_id,
    path,
    countIf(operation = 'read') AS reads,
    countIf(operation = 'write') AS writes,
    countIf(operation = 'edit') AS edits,
    countIf(operation = 'delete') AS deletes,
    min(ts) AS first_seen,
    max(ts) AS last_seen,
    max(rank) AS risk_rank,
    argMaxState(risk_reason, (rank, ts, id)) AS risk_reason
FROM
(
    SELECT *, transform(risk_level, ['low', 'medium', 'high', 'critical'], [1, 2, 3, 4], 0) AS rank
    FROM {{db}}.file_operations
)
GROUP BY project, session_id, path;

-- Per session and agent ('' is the main agent): messages, tokens and cost from messages, tool
-- calls (distinct) from tool calls, traces (distinct) from agent traces. Time per agent comes
-- from agent_trace_state (a trace's start and end can arrive in different events).
CREATE TABLE IF NOT EXISTS {{db}}.session_agent_stats
(
    project LowCardinality(String),
    session_id String,
    agent String,
    messages SimpleAggregateFunction(sum, UInt64),
    tokens_in SimpleAggregateFunction(sum, UInt64),
    tokens_out SimpleAggregateFunction(sum, UInt64),
    tokens_cache_read SimpleAggregateFunction(sum, UInt64),
    tokens_cache_write SimpleAggregateFunction(sum, UInt64),
    cost_usd SimpleAggregateFunction(sum, Float64),
    tool_calls AggregateFunction(uniqExact, String),
    traces AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
ORDER BY (project, session_id, agent)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_agent_stats_from_messages TO {{db}}.session_agent_stats AS
SELECT
    project,
    session_id,
    agent,
    count() AS messages,
    sum(tokens_input) AS tokens_in,
    sum(tokens_output) AS tokens_out,
    sum(tokens_cache_read) AS tokens_cache_read,
    sum(tokens_cache_write) AS tokens_cache_write,
    sum(cost_usd) AS cost_usd
FROM {{db}}.messages
GROUP BY project, session_id, agent;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_agent_stats_from_tool_calls TO {{db}}.session_agent_stats AS
SELECT project, session_id, agent, uniqExactState(call_id) AS tool_calls
FROM {{db}}.tool_calls
GROUP BY project, session_id, agent;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_agent_stats_from_agent_traces TO {{db}}.session_agent_stats AS
SELECT project, session_id, agent, uniqExactState(trace_id) AS traces
FROM {{db}}.agent_traces
GROUP BY project, session_id, agent;

-- Parent → child session edges, for resolving a session's family without scanning the
-- project. A child whose parent changes leaves a stale edge here; readers confirm each child's
-- current parent in session_stats.
CREATE TABLE IF NOT EXISTS {{db}}.session_children
(
    project LowCardinality(String),
    parent_session_id String,
    session_id String
)
ENGINE = ReplacingMergeTree
ORDER BY (project, parent_session_id, session_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_children_mv TO {{db}}.session_children AS
SELECT DISTINCT project, parent_session_id, session_id
FROM {{db}}.session_events
WHERE parent_session_id != '';

-- One row per pipeline: later hooks for the same pipeline update it.
CREATE TABLE IF NOT EXISTS {{db}}.pipeline_state
(
    project LowCardinality(String),
    pipeline_id String,
    first_seen SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    status AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    trigger_type AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    trigger_source AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    environment AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    git_branch AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    git_commit_sha AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    git_commit_message AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    git_author AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    git_project AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String))
)
ENGINE = AggregatingMergeTree
ORDER BY (project, pipeline_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.pipeline_state_mv TO {{db}}.pipeline_state AS
SELECT
    project,
    pipeline_id,
    min(ts) AS first_seen,
    max(ts) AS last_seen,
    argMaxStateIf(status, (ts, id), status != '') AS status,
    argMaxStateIf(trigger_type, (ts, id), trigger_type != '') AS trigger_type,
    argMaxStateIf(trigger_source, (ts, id), trigger_source != '') AS trigger_source,
    argMaxStateIf(environment, (ts, id), environment != '') AS environment,
    argMaxStateIf(git_branch, (ts, id), git_branch != '') AS git_branch,
    argMaxStateIf(git_commit_sha, (ts, id), git_commit_sha != '') AS git_commit_sha,
    argMaxStateIf(git_commit_message, (ts, id), git_commit_message != '') AS git_commit_message,
    argMaxStateIf(git_author, (ts, id), git_author != '') AS git_author,
    argMaxStateIf(git_project, (ts, id), git_project != '') AS git_project
FROM {{db}}.pipelines
GROUP BY project, pipeline_id;

-- One row per (pipeline, step name): the step's latest status, duration and error. Step
-- statistics (duration percentiles, failure counts) group these by step at query time.
CREATE TABLE IF NOT EXISTS {{db}}.pipeline_step_state
(
    project LowCardinality(String),
    pipeline_id String,
    step String,
    first_seen SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    status AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    started_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    -- the latest reported duration; duration_reports = 0 means none was reported
    duration_ms AggregateFunction(argMax, Float64, Tuple(DateTime64(3, 'UTC'), String)),
    duration_reports SimpleAggregateFunction(sum, UInt64),
    error AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String))
)
ENGINE = AggregatingMergeTree
ORDER BY (project, pipeline_id, step)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.pipeline_step_state_mv TO {{db}}.pipeline_step_state AS
SELECT
    project,
    pipeline_id,
    step.name AS step,
    min(ts) AS first_seen,
    argMaxStateIf(step.status, (ts, id), step.status != '') AS status,
    min(step.started_at) AS started_at,
    argMaxStateIf(assumeNotNull(step.duration_ms), (ts, id), step.duration_ms IS NOT NULL) AS duration_ms,
    countIf(step.duration_ms IS NOT NULL) AS duration_reports,
    argMaxStateIf(step.error, (ts, id), step.error NOT IN ('', '{}', 'null')) AS error
FROM {{db}}.pipelines
ARRAY JOIN steps AS step
GROUP BY project, pipeline_id, step;
