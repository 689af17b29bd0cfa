-- Every stored event id, for "the same id sent again never counts twice". The aggregator looks
-- ids up here before inserting. Keyed by (project, partition key, id) because retries of an
-- event carry the same session (or, sessionless, the same id) and so land in the same Kafka
-- partition, which one consumer processes in order. Fed by views from the raw tables, in the
-- same insert as the raw rows, so the two cannot disagree after a completed insert.
CREATE TABLE IF NOT EXISTS {{db}}.event_ids
(
    project LowCardinality(String),
    session_id String,
    id String,
    type LowCardinality(String)
)
ENGINE = ReplacingMergeTree
ORDER BY (project, session_id, id)
SETTINGS index_granularity = 1024, non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.event_ids_from_session_events TO {{db}}.event_ids AS
SELECT project, session_id, id, 'session' AS type FROM {{db}}.session_events;
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.event_ids_from_messages TO {{db}}.event_ids AS
SELECT project, session_id, id, 'message' AS type FROM {{db}}.messages;
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.event_ids_from_tool_calls TO {{db}}.event_ids AS
SELECT project, session_id, id, 'tool_call' AS type FROM {{db}}.tool_calls;
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.event_ids_from_file_operations TO {{db}}.event_ids AS
SELECT project, session_id, id, 'file_operation' AS type FROM {{db}}.file_operations;
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.event_ids_from_skill_loads TO {{db}}.event_ids AS
SELECT project, session_id, id, 'skill_load' AS type FROM {{db}}.skill_loads;
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.event_ids_from_agent_traces TO {{db}}.event_ids AS
SELECT project, session_id, id, 'agent_trace' AS type FROM {{db}}.agent_traces;
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.event_ids_from_pipelines TO {{db}}.event_ids AS
SELECT project, '' AS session_id, id, 'pipeline' AS type FROM {{db}}.pipelines;
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.event_ids_from_http_requests TO {{db}}.event_ids AS
SELECT project, '' AS session_id, id, 'http_request' AS type FROM {{db}}.http_requests;
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.event_ids_from_logs TO {{db}}.event_ids AS
SELECT project, '' AS session_id, id, 'log' AS type FROM {{db}}.logs;
