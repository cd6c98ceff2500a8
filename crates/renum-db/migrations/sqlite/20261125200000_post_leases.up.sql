-- Publishing leases: see the PostgreSQL migration of the same name.
ALTER TABLE posts ADD COLUMN locked_by TEXT;
ALTER TABLE posts ADD COLUMN locked_until TEXT;

CREATE INDEX posts_lease_expiry_idx ON posts (locked_until) WHERE status = 'publishing';
