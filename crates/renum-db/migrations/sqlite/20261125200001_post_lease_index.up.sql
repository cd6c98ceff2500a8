-- See the PostgreSQL migration of the same name (SQLite builds it in place).
CREATE INDEX posts_lease_expiry_idx ON posts (locked_until) WHERE status = 'publishing';
