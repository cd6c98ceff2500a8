//! The statements of `renum seed` (kept out of the main catalogue because COPY cannot be
//! prepared) run against the migrated schema: every COPY with zero rows on PostgreSQL, every
//! INSERT prepared on SQLite, and the counts and ANALYZE on both.

use renum_db::Db;
use renum_db::testing::TestDb;
use renum_ops::seed_catalogue::{
    ALL, COUNTS, ORGANIZATIONS_EXIST, PG_DEFERRED_SCHEMA, PG_INDEX_BUILD_MEMORY,
};
use sqlx::{Executor, SqlSafeStr};

both_engines! {
    async fn every_seed_statement_runs_on_the_migrated_schema(t) {
        for table in ALL {
            bulk_statement_runs(&t.db, table.pg_copy, table.sqlite_insert).await;
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

/// The seed's drop-and-rebuild list names every non-unique index and foreign key of the bulk
/// tables, and each statement runs: drop all, recreate all, in one transaction.
#[tokio::test]
async fn the_deferred_schema_of_the_bulk_tables_drops_and_recreates() {
    let t = TestDb::new(renum_db::Engine::Postgres).await;
    let Db::Postgres(pool) = &t.db else {
        unreachable!("a PostgreSQL test database")
    };
    let tables: Vec<&str> = ALL.iter().map(|t| t.table).collect();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(PG_INDEX_BUILD_MEMORY)
        .execute(&mut *tx)
        .await
        .unwrap();
    let rows: Vec<(String, String, String)> = sqlx::query_as(PG_DEFERRED_SCHEMA)
        .bind(&tables)
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    let creates: Vec<&str> = rows.iter().map(|(_, c, _)| c.as_str()).collect();
    for expected in [
        "CREATE INDEX posts_organization_id_scheduled_at_idx ON public.posts ",
        "CREATE INDEX api_logs_organization_id_created_at_idx ON public.api_logs ",
        "ALTER TABLE posts ADD CONSTRAINT posts_video_fkey FOREIGN KEY",
    ] {
        assert!(
            creates.iter().any(|c| c.starts_with(expected)),
            "{expected} in {creates:#?}"
        );
    }
    assert!(
        !creates
            .iter()
            .any(|c| c.contains("_pkey") || c.contains("UNIQUE"))
    );
    let first_fk = creates.iter().position(|c| c.starts_with("ALTER")).unwrap();
    assert!(creates[first_fk..].iter().all(|c| c.starts_with("ALTER")));
    for (drop, ..) in &rows {
        sqlx::raw_sql(sqlx::AssertSqlSafe(drop.as_str()))
            .execute(&mut *tx)
            .await
            .unwrap_or_else(|err| panic!("{drop}: {err}"));
    }
    for (_, create, comment) in &rows {
        for sql in [create, comment] {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.as_str()))
                .execute(&mut *tx)
                .await
                .unwrap_or_else(|err| panic!("{sql}: {err}"));
        }
    }
    tx.rollback().await.unwrap();
    t.cleanup().await;
}

/// A bulk write statement fits the migrated schema: its COPY takes zero rows on PostgreSQL,
/// its INSERT prepares on SQLite. Shared with the copy's catalogue test.
pub async fn bulk_statement_runs(db: &Db, pg_copy: &'static str, sqlite_insert: &'static str) {
    match db {
        Db::Postgres(pool) => {
            let mut conn = pool.acquire().await.unwrap();
            let copy = conn
                .copy_in_raw(pg_copy)
                .await
                .unwrap_or_else(|err| panic!("{pg_copy}: {err}"));
            assert_eq!(copy.finish().await.unwrap(), 0);
        }
        Db::Sqlite(pool) => {
            pool.prepare(sqlite_insert.into_sql_str())
                .await
                .unwrap_or_else(|err| panic!("{sqlite_insert}: {err}"));
        }
    }
}
