-- See the PostgreSQL migration of the same name (SQLite builds it in place).
CREATE INDEX organizations_deleted_at_idx ON organizations (deleted_at) WHERE deleted_at IS NOT NULL;
