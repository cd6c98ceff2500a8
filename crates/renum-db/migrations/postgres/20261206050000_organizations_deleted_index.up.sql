-- no-transaction
-- Soft-deleted organizations, the few rows the purge and the publisher look for: the purge's
-- `purge.DELETED_ORGANIZATIONS` (due for purge, oldest first) and the anti-joins of
-- `scheduler.CLAIM` and `purge.DELETED_USERS` ("not in a deleted organization"), which
-- otherwise read every organization. Partial, so it holds only deleted ones. Built
-- CONCURRENTLY in its own file (see `20261125200001_post_lease_index`).
CREATE INDEX CONCURRENTLY IF NOT EXISTS organizations_deleted_at_idx ON organizations (deleted_at) WHERE deleted_at IS NOT NULL;
