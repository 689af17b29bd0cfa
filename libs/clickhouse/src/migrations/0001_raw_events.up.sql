-- One raw table per entity, all carrying the project. Sorting keys put (project, session_id)
-- first because almost every gateway query asks for one project's session; then time, then id
-- so one session's rows are stored in event order. Sessionless types sort by what their
-- queries group on (pipeline_id, service).
-- non_replicated_deduplication_window lets a repeated insert with the same
-- insert_deduplication_token (a re-delivered Kafka batch) add nothing.

CREATE TABLE IF NOT EXISTS {{db}}.session_events
(
    project LowCardinality(String),
    session_id String,
    id String,
    ts DateTime64(3, 'UTC'),
    source LowCardinality(String),
    received_at DateTime64(3, 'UTC'),
    title String,
    directory String,
    parent_session_id String,
    started_at Nullable(DateTime64(3, 'UTC')),
    ended_at Nullable(DateTime64(3, 'UTC')),
    status LowCardinality(String)
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (project, session_id, ts, id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS {{db}}.messages
(
    project LowCardinality(String),
    session_id String,
    id String,
    ts DateTime64(3, 'UTC'),
    source LowCardinality(String),
    received_at DateTime64(3, 'UTC'),
    message_id String,
    role LowCardinality(String),
    agent LowCardinality(String),
    model LowCardinality(String),
    provider LowCardinality(String),
    content String CODEC(ZSTD(3)),
    trace_id String,
    exchange_id String,
    tokens_input UInt64,
    tokens_output UInt64,
    tokens_reasoning UInt64,
    tokens_cache_read UInt64,
    tokens_cache_write UInt64,
    cost_usd Float64,
    cost_source LowCardinality(String)
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (project, session_id, ts, id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS {{db}}.tool_calls
(
    project LowCardinality(String),
    session_id String,
    id String,
    ts DateTime64(3, 'UTC'),
    source LowCardinality(String),
    received_at DateTime64(3, 'UTC'),
    call_id String,
    tool LowCardinality(String),
    status LowCardinality(String),
    agent LowCardinality(String),
    trace_id String,
    message_id String,
    arguments JSON,
    result_summary String CODEC(ZSTD(3)),
    started_at Nullable(DateTime64(3, 'UTC')),
    ended_at Nullable(DateTime64(3, 'UTC')),
    duration_ms Nullable(Float64),
    error JSON
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (project, session_id, ts, id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS {{db}}.file_operations
(
    project LowCardinality(String),
    session_id String,
    id String,
    ts DateTime64(3, 'UTC'),
    source LowCardinality(String),
    received_at DateTime64(3, 'UTC'),
    operation LowCardinality(String),
    path String,
    trace_id String,
    tool_call_id String,
    risk_level LowCardinality(String),
    risk_reason String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (project, session_id, ts, id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS {{db}}.skill_loads
(
    project LowCardinality(String),
    session_id String,
    id String,
    ts DateTime64(3, 'UTC'),
    source LowCardinality(String),
    received_at DateTime64(3, 'UTC'),
    skill LowCardinality(String),
    duration_ms Nullable(Float64)
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (project, session_id, ts, id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS {{db}}.agent_traces
(
    project LowCardinality(String),
    session_id String,
    id String,
    ts DateTime64(3, 'UTC'),
    source LowCardinality(String),
    received_at DateTime64(3, 'UTC'),
    trace_id String,
    agent LowCardinality(String),
    parent_trace_id String,
    parent_agent LowCardinality(String),
    child_session_id String,
    status LowCardinality(String),
    started_at Nullable(DateTime64(3, 'UTC')),
    ended_at Nullable(DateTime64(3, 'UTC'))
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (project, session_id, ts, id)
SETTINGS non_replicated_deduplication_window = 1000;

-- A later event for the same pipeline_id updates it; queries take each field's latest value.
CREATE TABLE IF NOT EXISTS {{db}}.pipelines
(
    project LowCardinality(String),
    pipeline_id String,
    id String,
    ts DateTime64(3, 'UTC'),
    source LowCardinality(String),
    received_at DateTime64(3, 'UTC'),
    trigger_type LowCardinality(String),
    trigger_source LowCardinality(String),
    git_commit_sha String,
    git_commit_message String,
    git_branch String,
    git_author String,
    git_author_email String,
    git_project String,
    git_files_changed Array(String),
    environment LowCardinality(String),
    status LowCardinality(String),
    steps Array(Tuple(name String, status String, started_at Nullable(DateTime64(3, 'UTC')), duration_ms Nullable(Float64), error String))
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (project, pipeline_id, ts, id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS {{db}}.http_requests
(
    project LowCardinality(String),
    id String,
    ts DateTime64(3, 'UTC'),
    source LowCardinality(String),
    received_at DateTime64(3, 'UTC'),
    service LowCardinality(String),
    method LowCardinality(String),
    route String,
    status_code UInt16,
    duration_ms Float64,
    trace_id String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (project, service, route, ts, id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS {{db}}.logs
(
    project LowCardinality(String),
    id String,
    ts DateTime64(3, 'UTC'),
    source LowCardinality(String),
    received_at DateTime64(3, 'UTC'),
    service LowCardinality(String),
    level LowCardinality(String),
    message String CODEC(ZSTD(3)),
    fields JSON,
    trace_id String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (project, service, ts, id)
SETTINGS non_replicated_deduplication_window = 1000;
