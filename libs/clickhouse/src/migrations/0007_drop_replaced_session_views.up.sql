-- Per-session file and agent stats are computed from session_digest (migration 0006) since the
-- session views read it; their views would only cost every insert.
DROP VIEW IF EXISTS {{db}}.session_file_stats_mv;
DROP TABLE IF EXISTS {{db}}.session_file_stats;
DROP VIEW IF EXISTS {{db}}.session_agent_stats_from_messages;
DROP VIEW IF EXISTS {{db}}.session_agent_stats_from_tool_calls;
DROP VIEW IF EXISTS {{db}}.session_agent_stats_from_agent_traces;
DROP TABLE IF EXISTS {{db}}.session_agent_stats;
