-- See the PostgreSQL migration of the same name.
CREATE INDEX auth_events_created_at_idx ON auth_events (created_at);
