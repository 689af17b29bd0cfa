-- Per-session stats kept incrementally: each raw table's view adds its share on insert and
-- AggregatingMergeTree merges shares in the background. Read with GROUP BY (never trust a
-- single row before merges). Sorted by (project, session_id): the gateway reads one session
-- family at a time.
--
-- "Latest value" columns are argMax states keyed by (event time, event id): a `session` event
-- arriving after its messages, or out of order, wins or loses by its own timestamp, and ties on
-- time are decided by id, so the answer never depends on arrival order (docs/kpis.md).
-- Distinct counts are exact uniqExact states, so a family's sets can be merged exactly.
CREATE TABLE IF NOT EXISTS {{db}}.session_stats
(
    project LowCardinality(String),
    session_id String,
    first_event_at SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_event_at SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    events SimpleAggregateFunction(sum, UInt64),
    messages_user SimpleAggregateFunction(sum, UInt64),
    messages_assistant SimpleAggregateFunction(sum, UInt64),
    first_user_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    first_assistant_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    tokens_in SimpleAggregateFunction(sum, UInt64),
    tokens_out SimpleAggregateFunction(sum, UInt64),
    tokens_reasoning SimpleAggregateFunction(sum, UInt64),
    tokens_cache_read SimpleAggregateFunction(sum, UInt64),
    tokens_cache_write SimpleAggregateFunction(sum, UInt64),
    cost_usd SimpleAggregateFunction(sum, Float64),
    unknown_model_messages SimpleAggregateFunction(sum, UInt64),
    skill_loads SimpleAggregateFunction(sum, UInt64),
    agents AggregateFunction(uniqExact, String),
    title AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    directory AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    parent_session_id AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    status AggregateFunction(argMax, String, Tuple(DateTime64(3, 'UTC'), String)),
    -- epoch 0 when no session event carried the field
    started_at AggregateFunction(argMax, DateTime64(3, 'UTC'), Tuple(DateTime64(3, 'UTC'), String)),
    ended_at AggregateFunction(argMax, DateTime64(3, 'UTC'), Tuple(DateTime64(3, 'UTC'), String))
)
ENGINE = AggregatingMergeTree
ORDER BY (project, session_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_stats_from_messages TO {{db}}.session_stats AS
SELECT
    project,
    session_id,
    min(ts) AS first_event_at,
    max(ts) AS last_event_at,
    count() AS events,
    countIf(role = 'user') AS messages_user,
    countIf(role = 'assistant') AS messages_assistant,
    minOrNullIf(ts, role = 'user') AS first_user_at,
    minOrNullIf(ts, role = 'assistant') AS first_assistant_at,
    sum(tokens_input) AS tokens_in,
    sum(tokens_output) AS tokens_out,
    sum(tokens_reasoning) AS tokens_reasoning,
    sum(tokens_cache_read) AS tokens_cache_read,
    sum(tokens_cache_write) AS tokens_cache_write,
    sum(cost_usd) AS cost_usd,
    countIf(cost_source = 'unknown_model') AS unknown_model_messages,
    uniqExactStateIf(agent, agent != '') AS agents
FROM {{db}}.messages
GROUP BY project, session_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_stats_from_session_events TO {{db}}.session_stats AS
SELECT
    project,
    session_id,
    min(ts) AS first_event_at,
    max(ts) AS last_event_at,
    count() AS events,
    argMaxStateIf(title, (ts, id), title != '') AS title,
    argMaxStateIf(directory, (ts, id), directory != '') AS directory,
    argMaxStateIf(parent_session_id, (ts, id), parent_session_id != '') AS parent_session_id,
    argMaxStateIf(status, (ts, id), status != '') AS status,
    argMaxStateIf(assumeNotNull(started_at), (ts, id), started_at IS NOT NULL) AS started_at,
    argMaxStateIf(assumeNotNull(ended_at), (ts, id), ended_at IS NOT NULL) AS ended_at
FROM {{db}}.session_events
GROUP BY project, session_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_stats_from_tool_calls TO {{db}}.session_stats AS
SELECT
    project,
    session_id,
    min(ts) AS first_event_at,
    max(ts) AS last_event_at,
    count() AS events,
    uniqExactStateIf(agent, agent != '') AS agents
FROM {{db}}.tool_calls
GROUP BY project, session_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_stats_from_file_operations TO {{db}}.session_stats AS
SELECT project, session_id, min(ts) AS first_event_at, max(ts) AS last_event_at, count() AS events
FROM {{db}}.file_operations GROUP BY project, session_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_stats_from_skill_loads TO {{db}}.session_stats AS
SELECT
    project,
    session_id,
    min(ts) AS first_event_at,
    max(ts) AS last_event_at,
    count() AS events,
    count() AS skill_loads
FROM {{db}}.skill_loads
GROUP BY project, session_id;

-- Two views on agent_traces because a trace names up to two agents (agent, parent_agent);
-- every view must also give first/last times, or the column defaults (1970) would win min().
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_stats_from_agent_traces TO {{db}}.session_stats AS
SELECT
    project,
    session_id,
    min(ts) AS first_event_at,
    max(ts) AS last_event_at,
    count() AS events,
    uniqExactStateIf(agent, agent != '') AS agents
FROM {{db}}.agent_traces
GROUP BY project, session_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_stats_from_agent_trace_parents TO {{db}}.session_stats AS
SELECT
    project,
    session_id,
    min(ts) AS first_event_at,
    max(ts) AS last_event_at,
    uniqExactStateIf(parent_agent, parent_agent != '') AS agents
FROM {{db}}.agent_traces
GROUP BY project, session_id;
