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
        let err = migrate::up_with(&t.db, &edited).await.unwrap_err();
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
