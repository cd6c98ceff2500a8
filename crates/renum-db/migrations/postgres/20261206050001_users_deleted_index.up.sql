-- no-transaction
-- Removed members, the rows `purge.DELETED_USERS` looks for (oldest removal first), which
-- otherwise reads every user. Partial, so it holds only removed ones. Built CONCURRENTLY in
-- its own file (see `20261125200001_post_lease_index`).
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_deleted_at_idx ON users (deleted_at) WHERE deleted_at IS NOT NULL;
