-- The same on both databases: the filters of GET /api/connections and the apply history.
CREATE INDEX connection_log_port ON connection_log (port);
CREATE INDEX connection_log_client ON connection_log (client);
CREATE INDEX policy_apply_version ON policy_apply (version_id);
