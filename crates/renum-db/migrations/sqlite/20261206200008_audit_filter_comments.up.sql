-- See the PostgreSQL migration of the same name. SQLite has no COMMENT ON; the file exists so
-- that both engines have the same migration versions.
SELECT 1;
