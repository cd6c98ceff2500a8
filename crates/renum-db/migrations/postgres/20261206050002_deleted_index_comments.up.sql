-- The prose of docs/schema.md for the two indexes of the migrations before this one (a
-- CONCURRENTLY build is alone in its file, so its comment comes here).
COMMENT ON INDEX organizations_deleted_at_idx IS $$Soft-deleted organizations only: `purge.DELETED_ORGANIZATIONS`, and the "not in a deleted organization" anti-joins of `scheduler.CLAIM` and `purge.DELETED_USERS`. Built CONCURRENTLY by `20261206050000_organizations_deleted_index`$$;
COMMENT ON INDEX users_deleted_at_idx IS $$Removed members only: `purge.DELETED_USERS`, oldest removal first. Built CONCURRENTLY by `20261206050001_users_deleted_index`$$;
