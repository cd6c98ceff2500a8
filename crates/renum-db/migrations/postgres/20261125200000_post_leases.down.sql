DROP INDEX posts_lease_expiry_idx;
ALTER TABLE posts DROP COLUMN locked_until;
ALTER TABLE posts DROP COLUMN locked_by;
