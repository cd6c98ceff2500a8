-- See the PostgreSQL migration of the same name. SQLite has no COMMENT ON: the schema's
-- prose lives only in the PostgreSQL catalog, and `renum schema docs` (which writes
-- docs/schema.md) therefore reads a PostgreSQL database. Nothing to do here; the file
-- exists so that both engines have the same migration versions.
SELECT 1;
