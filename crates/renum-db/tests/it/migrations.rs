//! Migrations: up, down to zero and up again leave the same schema; a tampered applied
//! migration is reported and never re-run.

use renum_db::migrate::{self, State};
use renum_db::{Db, Engine};
use sqlx::SqlSafeStr;
use sqlx::migrate::Migrator;

use crate::harness::TestDb;

/// A textual snapshot of the schema: tables, columns, constraints and indexes.
async fn schema_snapshot(db: &Db) -> Vec<String> {
    match db {
        Db::Postgres(pool) => sqlx::query_scalar(
            "SELECT format('column %s.%s %s %s %s', table_name, column_name, data_type, is_nullable, \
                    coalesce(column_default, '')) \
             FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations' \
             UNION ALL \
             SELECT format('constraint %s %s', conname, pg_get_constraintdef(oid)) \
             FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid <> '_sqlx_migrations'::regclass \
             UNION ALL \
             SELECT format('index %s %s', indexname, indexdef) FROM pg_indexes \
             WHERE schemaname = 'public' AND tablename <> '_sqlx_migrations' \
             ORDER BY 1",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        Db::Sqlite(pool) => sqlx::query_scalar(
            "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master \
             WHERE name NOT LIKE '_sqlx%' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    }
}

/// The embedded migrations with the first one's SQL changed, as an edited file would be.
fn tampered(engine: Engine) -> Migrator {
    let mut migrations: Vec<_> = migrate::migrator(engine).iter().cloned().collect();
    let first = &mut migrations[0];
    first.sql = sqlx::AssertSqlSafe(format!("{}\n-- edited", first.sql.as_str())).into_sql_str();
    first.checksum = vec![0u8; 48].into();
    Migrator::with_migrations(migrations)
}

both_engines! {
    async fn down_to_zero_and_up_again_leaves_the_same_schema(t) {
        let before = schema_snapshot(&t.db).await;
        assert!(before.iter().any(|l| l.contains("posts_published_at_check")), "snapshot sees constraints");
        migrate::down(&t.db, 0).await.unwrap();
        assert!(schema_snapshot(&t.db).await.is_empty(), "down removes every object");
        let statuses = migrate::status(&t.db).await.unwrap();
        assert!(statuses.iter().all(|s| s.state == State::Pending));
        migrate::up(&t.db).await.unwrap();
        assert_eq!(schema_snapshot(&t.db).await, before);
        assert!(migrate::is_current(&migrate::status(&t.db).await.unwrap()));
    }

    async fn a_tampered_applied_migration_is_reported_and_not_rerun(t) {
        let edited = tampered(t.engine());
        let statuses = migrate::status_with(&t.db, &edited).await.unwrap();
        assert_eq!(statuses[0].state, State::ChecksumMismatch);
        assert!(!migrate::is_current(&statuses));
        let err = migrate::up_with(&t.db, &edited, migrate::DEFAULT_LOCK_WAIT).await.unwrap_err();
        assert!(err.to_string().contains("previously applied but has been modified"), "{err}");
    }
}

#[tokio::test]
async fn a_fresh_database_lists_every_migration_as_pending() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = TestDb::empty(engine).await;
        let statuses = migrate::status(&t.db).await.unwrap();
        assert!(!statuses.is_empty());
        assert!(
            statuses.iter().all(|s| s.state == State::Pending),
            "{engine:?}: {statuses:?}"
        );
        t.cleanup().await;
    }
}

/// Records `version` as applied, as a newer release of renum would have.
async fn apply_from_the_future(db: &Db, version: i64) {
    let sql = "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
               VALUES ($1, 'from a newer release', true, $2, 1)";
    let checksum = vec![7u8; 48];
    match db {
        Db::Postgres(pool) => sqlx::query(sql)
            .bind(version)
            .bind(checksum)
            .execute(pool)
            .await
            .map(|_| ()),
        Db::Sqlite(pool) => sqlx::query(sql)
            .bind(version)
            .bind(checksum)
            .execute(pool)
            .await
            .map(|_| ()),
    }
    .unwrap();
}

both_engines! {
    async fn migrations_a_newer_release_applied_leave_this_one_current_and_migrating(t) {
        apply_from_the_future(&t.db, 99_991_231_000_000).await;
        let statuses = migrate::status(&t.db).await.unwrap();
        assert_eq!(statuses.last().unwrap().state, State::Unknown);
        assert!(migrate::is_current(&statuses), "expand-only for this binary: still ready");
        assert_eq!(migrate::newer(&statuses), [99_991_231_000_000]);
        migrate::up(&t.db).await.expect("an old binary still starts (it migrates at start)");
    }
}

#[tokio::test]
async fn the_migration_session_is_closed_so_its_settings_never_reach_the_pool() {
    let t = TestDb::empty(Engine::Postgres).await;
    // One connection: if the migrator's went back to the pool, this is the one we would get.
    let settings = renum_db::PoolSettings {
        max_connections: 1,
        ..Default::default()
    };
    let db = Db::connect_with(&t.url, &settings).await.unwrap();
    migrate::up(&db).await.unwrap();
    let Db::Postgres(pool) = &db else {
        unreachable!()
    };
    let timeout: String = sqlx::query_scalar("SHOW lock_timeout")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(
        timeout, "0",
        "a migration's SET lock_timeout leaked into the pool"
    );
    db.close().await;
    t.cleanup().await;
}

#[tokio::test]
async fn the_wait_for_another_migrators_lock_is_bounded() {
    let t = TestDb::empty(Engine::Postgres).await;
    let Db::Postgres(pool) = &t.db else {
        unreachable!()
    };
    let mut holder = pool.acquire().await.unwrap();
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(migrate::MIGRATION_LOCK_KEY)
        .execute(&mut *holder)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let err = migrate::up_with(
        &t.db,
        migrate::migrator(Engine::Postgres),
        std::time::Duration::from_secs(1),
    )
    .await
    .unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(
        err.to_string().contains("held the migration lock for 1s"),
        "{err}"
    );
    assert!(
        migrate::status(&t.db)
            .await
            .unwrap()
            .iter()
            .all(|s| s.state == State::Pending),
        "nothing applied"
    );
    drop(holder);
    t.cleanup().await;
}
