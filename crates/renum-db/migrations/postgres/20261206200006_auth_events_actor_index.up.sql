-- no-transaction
-- The audit route's `actor` filter, first half: the events a member did to someone else (`actor_id`), in keyset order. Partial: most events have no actor.
-- Built CONCURRENTLY, alone in its file, like 20261206200000.
CREATE INDEX CONCURRENTLY IF NOT EXISTS auth_events_organization_id_actor_id_created_at_id_idx ON auth_events (organization_id, actor_id, created_at, id) WHERE actor_id IS NOT NULL;
