COMMENT ON INDEX organizations_deleted_at_idx IS NULL;
COMMENT ON INDEX users_deleted_at_idx IS NULL;
