-- no-transaction
DROP INDEX CONCURRENTLY IF EXISTS users_deleted_at_idx;
