-- no-transaction
DROP INDEX CONCURRENTLY IF EXISTS organizations_deleted_at_idx;
