-- no-transaction
DROP INDEX CONCURRENTLY IF EXISTS posts_lease_expiry_idx;
