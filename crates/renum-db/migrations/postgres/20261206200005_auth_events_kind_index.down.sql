-- no-transaction
DROP INDEX CONCURRENTLY IF EXISTS auth_events_organization_id_kind_created_at_id_idx;
