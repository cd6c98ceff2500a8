//! The statements of `renum backup` and `renum restore`, as named consts (the tooling's
//! catalogue habit, see `seed_catalogue`). Apart from `renum_db::catalogue` because they are
//! operator statements on whole databases (`VACUUM INTO`, catalog reads), never the product's.

/// SQLite: a consistent copy of the whole database into the file `?` (which must not exist).
/// It runs in one read transaction, so a writer beside it (`renum serve`) keeps committing
/// and the copy is the database as of the moment the statement started.
pub const SQLITE_VACUUM_INTO: &str = "VACUUM INTO ?";

/// SQLite: one row `ok`, or one row per problem found in the file's pages and indexes.
pub const SQLITE_INTEGRITY_CHECK: &str = "PRAGMA integrity_check";

/// SQLite: the tables in the file; a restore target must have none.
pub const SQLITE_TABLES: &str =
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";

/// PostgreSQL: the tables outside the system schemas; a restore target must have none.
pub const PG_TABLES: &str = "\
    SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
    WHERE c.relkind IN ('r', 'p') \
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
      AND n.nspname NOT LIKE 'pg_toast%'";

/// PostgreSQL: one `ANALYZE` statement per restored table, spelled by the server
/// (`format('%I')`): `pg_restore` restores no planner statistics, the doctor's plan checks
/// read the estimates, and a bare `ANALYZE` would also visit (and warn about) the shared
/// catalogs the restoring role does not own.
pub const PG_ANALYZE_STATEMENTS: &str = "\
    SELECT format('ANALYZE %I.%I', n.nspname, c.relname) \
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
    WHERE c.relkind IN ('r', 'p') \
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
      AND n.nspname NOT LIKE 'pg_toast%' \
    ORDER BY 1";
