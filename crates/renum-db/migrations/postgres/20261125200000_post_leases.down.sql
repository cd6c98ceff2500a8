ALTER TABLE posts DROP COLUMN locked_until;
ALTER TABLE posts DROP COLUMN locked_by;
