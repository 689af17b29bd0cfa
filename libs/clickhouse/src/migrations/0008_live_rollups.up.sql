-- Rollups for the dashboard and the live `global` scope (docs/kpis.md "Live global KPIs" and
-- "Project breakdowns"). Both are fed by the messages insert, so a re-delivered batch (same
-- deduplication token) adds nothing here either.

-- Tokens and cost per UTC minute of event time: "tokens per minute" reads the last few rows
-- instead of scanning the messages. Only recent minutes are ever read, so rows expire.
CREATE TABLE IF NOT EXISTS {{db}}.minute_stats
(
    project LowCardinality(String),
    minute DateTime('UTC'),
    messages SimpleAggregateFunction(sum, UInt64),
    total_tokens SimpleAggregateFunction(sum, UInt64),
    cost_usd SimpleAggregateFunction(sum, Float64)
)
ENGINE = AggregatingMergeTree
ORDER BY (project, minute)
TTL minute + INTERVAL 7 DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.minute_stats_from_messages TO {{db}}.minute_stats AS
SELECT
    project,
    toStartOfMinute(ts) AS minute,
    count() AS messages,
    sum(tokens_input + tokens_output + tokens_cache_read + tokens_cache_write) AS total_tokens,
    sum(cost_usd) AS cost_usd
FROM {{db}}.messages
GROUP BY project, minute;

-- Tokens and cost per UTC day, agent and model ('' when the message named none): the
-- dashboard's "tokens by agent" and "cost by model" over a range of days.
CREATE TABLE IF NOT EXISTS {{db}}.daily_agent_model_stats
(
    project LowCardinality(String),
    day Date,
    agent LowCardinality(String),
    model LowCardinality(String),
    messages SimpleAggregateFunction(sum, UInt64),
    tokens_in SimpleAggregateFunction(sum, UInt64),
    tokens_out SimpleAggregateFunction(sum, UInt64),
    tokens_cache_read SimpleAggregateFunction(sum, UInt64),
    tokens_cache_write SimpleAggregateFunction(sum, UInt64),
    cost_usd SimpleAggregateFunction(sum, Float64)
)
ENGINE = AggregatingMergeTree
ORDER BY (project, day, agent, model)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.daily_agent_model_stats_from_messages
TO {{db}}.daily_agent_model_stats AS
SELECT
    project,
    toDate(ts) AS day,
    agent,
    model,
    count() AS messages,
    sum(tokens_input) AS tokens_in,
    sum(tokens_output) AS tokens_out,
    sum(tokens_cache_read) AS tokens_cache_read,
    sum(tokens_cache_write) AS tokens_cache_write,
    sum(cost_usd) AS cost_usd
FROM {{db}}.messages
GROUP BY project, day, agent, model;
