-- See the PostgreSQL migration of the same name (SQLite builds it in place).
CREATE INDEX users_deleted_at_idx ON users (deleted_at) WHERE deleted_at IS NOT NULL;
