-- no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS auth_events_organization_id_created_at_idx ON auth_events (organization_id, created_at DESC);
