-- no-transaction
-- Contract step of 20261206200000: auth_events_organization_id_created_at_id_idx serves every
-- lookup this one did (no catalogue statement named it), so it only cost every insert.
DROP INDEX CONCURRENTLY IF EXISTS auth_events_organization_id_created_at_idx;
