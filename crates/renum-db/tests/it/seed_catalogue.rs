//! The statements of `renum seed` (kept out of the main catalogue because COPY cannot be
//! prepared) run against the migrated schema: every COPY with zero rows on PostgreSQL, every
//! INSERT prepared on SQLite, and the counts and ANALYZE on both.

use renum_db::Db;
use renum_db::seed_catalogue::{ALL, COUNTS, ORGANIZATIONS_EXIST};
use sqlx::{Executor, SqlSafeStr};

both_engines! {
    async fn every_seed_statement_runs_on_the_migrated_schema(t) {
        for table in ALL {
            match &t.db {
                Db::Postgres(pool) => {
                    let mut conn = pool.acquire().await.unwrap();
                    let copy = conn.copy_in_raw(table.pg_copy).await
                        .unwrap_or_else(|err| panic!("{}: {err}", table.pg_copy));
                    assert_eq!(copy.finish().await.unwrap(), 0);
                }
                Db::Sqlite(pool) => {
                    pool.prepare(table.sqlite_insert.into_sql_str()).await
                        .unwrap_or_else(|err| panic!("{}: {err}", table.sqlite_insert));
                }
            }
            raw!(&t.db, table.analyze).unwrap();
        }
        for (table, sql) in COUNTS {
            let n: i64 = match &t.db {
                Db::Postgres(pool) => sqlx::query_scalar(*sql).fetch_one(pool).await.unwrap(),
                Db::Sqlite(pool) => sqlx::query_scalar(*sql).fetch_one(pool).await.unwrap(),
            };
            assert_eq!(n, 0, "{table}");
        }
        let exist: bool = match &t.db {
            Db::Postgres(pool) => sqlx::query_scalar(ORGANIZATIONS_EXIST).fetch_one(pool).await.unwrap(),
            Db::Sqlite(pool) => sqlx::query_scalar(ORGANIZATIONS_EXIST).fetch_one(pool).await.unwrap(),
        };
        assert!(!exist);
    }
}
