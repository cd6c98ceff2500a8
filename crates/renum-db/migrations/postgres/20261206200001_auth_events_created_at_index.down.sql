-- no-transaction
DROP INDEX CONCURRENTLY IF EXISTS auth_events_created_at_idx;
