DROP INDEX users_deleted_at_idx;
