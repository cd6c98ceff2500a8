-- See the PostgreSQL migration of the same name.
CREATE INDEX auth_events_whole_ip_idx ON auth_events (created_at) WHERE ip NOT LIKE '%/%';
