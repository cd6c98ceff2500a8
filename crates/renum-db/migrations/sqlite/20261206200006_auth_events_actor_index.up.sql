-- See the PostgreSQL migration of the same name (SQLite builds it in place).
CREATE INDEX auth_events_organization_id_actor_id_created_at_id_idx ON auth_events (organization_id, actor_id, created_at, id) WHERE actor_id IS NOT NULL;
