-- no-transaction
-- The audit route's `kind` filter: an organization's events of one kind, in keyset order, without walking the rest of its trail.
-- Built CONCURRENTLY, alone in its file, like 20261206200000.
CREATE INDEX CONCURRENTLY IF NOT EXISTS auth_events_organization_id_kind_created_at_id_idx ON auth_events (organization_id, kind, created_at, id);
