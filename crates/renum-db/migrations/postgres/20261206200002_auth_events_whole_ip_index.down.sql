-- no-transaction
DROP INDEX CONCURRENTLY IF EXISTS auth_events_whole_ip_idx;
