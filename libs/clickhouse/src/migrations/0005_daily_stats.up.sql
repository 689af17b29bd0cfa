-- Per-project daily stats (UTC days of event time), kept incrementally. Distinct sessions are
-- exact uniqExact states. What depends on an entity's final state (calls and traces first seen
-- that day, their error rate, average session duration) is read from the state tables at query
-- time (docs/kpis.md).
CREATE TABLE IF NOT EXISTS {{db}}.daily_stats
(
    project LowCardinality(String),
    day Date,
    sessions AggregateFunction(uniqExact, String),
    events SimpleAggregateFunction(sum, UInt64),
    messages SimpleAggregateFunction(sum, UInt64),
    tokens_in SimpleAggregateFunction(sum, UInt64),
    tokens_out SimpleAggregateFunction(sum, UInt64),
    tokens_reasoning SimpleAggregateFunction(sum, UInt64),
    tokens_cache_read SimpleAggregateFunction(sum, UInt64),
    tokens_cache_write SimpleAggregateFunction(sum, UInt64),
    cost_usd SimpleAggregateFunction(sum, Float64)
)
ENGINE = AggregatingMergeTree
ORDER BY (project, day)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.daily_stats_from_messages TO {{db}}.daily_stats AS
SELECT
    project,
    toDate(ts) AS day,
    uniqExactState(session_id) AS sessions,
    count() AS events,
    count() AS messages,
    sum(tokens_input) AS tokens_in,
    sum(tokens_output) AS tokens_out,
    sum(tokens_reasoning) AS tokens_reasoning,
    sum(tokens_cache_read) AS tokens_cache_read,
    sum(tokens_cache_write) AS tokens_cache_write,
    sum(cost_usd) AS cost_usd
FROM {{db}}.messages
GROUP BY project, day;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.daily_stats_from_session_events TO {{db}}.daily_stats AS
SELECT project, toDate(ts) AS day, uniqExactState(session_id) AS sessions, count() AS events
FROM {{db}}.session_events GROUP BY project, day;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.daily_stats_from_tool_calls TO {{db}}.daily_stats AS
SELECT project, toDate(ts) AS day, uniqExactState(session_id) AS sessions, count() AS events
FROM {{db}}.tool_calls GROUP BY project, day;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.daily_stats_from_file_operations TO {{db}}.daily_stats AS
SELECT project, toDate(ts) AS day, uniqExactState(session_id) AS sessions, count() AS events
FROM {{db}}.file_operations GROUP BY project, day;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.daily_stats_from_skill_loads TO {{db}}.daily_stats AS
SELECT project, toDate(ts) AS day, uniqExactState(session_id) AS sessions, count() AS events
FROM {{db}}.skill_loads GROUP BY project, day;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.daily_stats_from_agent_traces TO {{db}}.daily_stats AS
SELECT project, toDate(ts) AS day, uniqExactState(session_id) AS sessions, count() AS events
FROM {{db}}.agent_traces GROUP BY project, day;
