-- Per-session stats kept incrementally: each raw table's view adds its share on insert and
-- AggregatingMergeTree merges shares in the background. Read with GROUP BY (or FINAL).
-- Session attributes take the value of the latest event that carried one (argMax by event
-- time), so a `session` event arriving after its messages, or out of order, still wins or
-- loses by its own timestamp.
CREATE TABLE IF NOT EXISTS {{db}}.session_stats
(
    project LowCardinality(String),
    session_id String,
    first_event_at SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_event_at SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    events SimpleAggregateFunction(sum, UInt64),
    messages_user SimpleAggregateFunction(sum, UInt64),
    messages_assistant SimpleAggregateFunction(sum, UInt64),
    tokens_in SimpleAggregateFunction(sum, UInt64),
    tokens_out SimpleAggregateFunction(sum, UInt64),
    tokens_reasoning SimpleAggregateFunction(sum, UInt64),
    tokens_cache_read SimpleAggregateFunction(sum, UInt64),
    tokens_cache_write SimpleAggregateFunction(sum, UInt64),
    cost_usd SimpleAggregateFunction(sum, Float64),
    unknown_model_messages SimpleAggregateFunction(sum, UInt64),
    title AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
    directory AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
    parent_session_id AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
    status AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
    -- epoch 0 when no session event carried the field
    started_at AggregateFunction(argMax, DateTime64(3, 'UTC'), DateTime64(3, 'UTC')),
    ended_at AggregateFunction(argMax, DateTime64(3, 'UTC'), DateTime64(3, 'UTC'))
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
    sum(tokens_input) AS tokens_in,
    sum(tokens_output) AS tokens_out,
    sum(tokens_reasoning) AS tokens_reasoning,
    sum(tokens_cache_read) AS tokens_cache_read,
    sum(tokens_cache_write) AS tokens_cache_write,
    sum(cost_usd) AS cost_usd,
    countIf(cost_source = 'unknown_model') AS unknown_model_messages
FROM {{db}}.messages
GROUP BY project, session_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_stats_from_session_events TO {{db}}.session_stats AS
SELECT
    project,
    session_id,
    min(ts) AS first_event_at,
    max(ts) AS last_event_at,
    count() AS events,
    argMaxStateIf(title, ts, title != '') AS title,
    argMaxStateIf(directory, ts, directory != '') AS directory,
    argMaxStateIf(parent_session_id, ts, parent_session_id != '') AS parent_session_id,
    argMaxStateIf(status, ts, status != '') AS status,
    argMaxStateIf(assumeNotNull(started_at), ts, started_at IS NOT NULL) AS started_at,
    argMaxStateIf(assumeNotNull(ended_at), ts, ended_at IS NOT NULL) AS ended_at
FROM {{db}}.session_events
GROUP BY project, session_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_stats_from_tool_calls TO {{db}}.session_stats AS
SELECT project, session_id, min(ts) AS first_event_at, max(ts) AS last_event_at, count() AS events
FROM {{db}}.tool_calls GROUP BY project, session_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_stats_from_file_operations TO {{db}}.session_stats AS
SELECT project, session_id, min(ts) AS first_event_at, max(ts) AS last_event_at, count() AS events
FROM {{db}}.file_operations GROUP BY project, session_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_stats_from_skill_loads TO {{db}}.session_stats AS
SELECT project, session_id, min(ts) AS first_event_at, max(ts) AS last_event_at, count() AS events
FROM {{db}}.skill_loads GROUP BY project, session_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_stats_from_agent_traces TO {{db}}.session_stats AS
SELECT project, session_id, min(ts) AS first_event_at, max(ts) AS last_event_at, count() AS events
FROM {{db}}.agent_traces GROUP BY project, session_id;
