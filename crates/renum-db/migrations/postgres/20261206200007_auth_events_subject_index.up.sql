-- no-transaction
-- The audit route's `actor` filter, second half: the events a user did to itself (no `actor_id`), in keyset order.
-- Built CONCURRENTLY, alone in its file, like 20261206200000.
CREATE INDEX CONCURRENTLY IF NOT EXISTS auth_events_organization_id_user_id_created_at_id_idx ON auth_events (organization_id, user_id, created_at, id) WHERE actor_id IS NULL;
