//! `renum migrate` end to end on both engines.

use crate::process::{renum, stdout};
use renum_db::testing::TestDb;
use renum_db::{Db, Engine, migrate};

async fn applied_rows(db: &Db) -> i64 {
    let sql = "SELECT count(*) FROM _sqlx_migrations";
    match db {
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

#[tokio::test]
async fn up_then_status_on_a_fresh_database_of_each_engine() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = TestDb::empty(engine).await;
        let up = renum(&t.url, &["migrate", "up"]).await;
        assert!(up.status.success(), "{engine:?}: {up:?}");
        assert!(stdout(&up).contains("schema is current"), "{}", stdout(&up));
        let status = renum(&t.url, &["migrate", "status"]).await;
        assert!(status.status.success());
        assert!(!stdout(&status).contains("pending"), "{}", stdout(&status));
        assert!(stdout(&status).contains("applied"));

        let down = renum(&t.url, &["migrate", "down", "--to", "0"]).await;
        assert!(down.status.success(), "{down:?}");
        assert!(stdout(&renum(&t.url, &["migrate", "status"]).await).contains("pending"));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn two_processes_migrating_one_postgres_database_at_once_apply_each_migration_once() {
    let t = TestDb::empty(Engine::Postgres).await;
    let (a, b) = tokio::join!(
        renum(&t.url, &["migrate", "up"]),
        renum(&t.url, &["migrate", "up"])
    );
    assert!(a.status.success(), "first: {a:?}");
    assert!(b.status.success(), "second: {b:?}");
    let embedded = migrate::POSTGRES
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .count();
    assert_eq!(applied_rows(&t.db).await, i64::try_from(embedded).unwrap());
    t.cleanup().await;
}

#[tokio::test]
async fn a_tampered_applied_migration_fails_status_and_up_with_a_one_line_error() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = TestDb::new(engine).await;
        let tamper = "UPDATE _sqlx_migrations SET checksum = $1";
        let forged = vec![0u8; 48];
        match &t.db {
            Db::Postgres(pool) => sqlx::query(tamper)
                .bind(&forged)
                .execute(pool)
                .await
                .unwrap()
                .rows_affected(),
            Db::Sqlite(pool) => sqlx::query(tamper)
                .bind(&forged)
                .execute(pool)
                .await
                .unwrap()
                .rows_affected(),
        };
        let status = renum(&t.url, &["migrate", "status"]).await;
        assert_eq!(status.status.code(), Some(1), "{engine:?}: {status:?}");
        assert!(stdout(&status).contains("checksum mismatch"));

        let up = renum(&t.url, &["migrate", "up"]).await;
        assert!(!up.status.success());
        let stderr = String::from_utf8_lossy(&up.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains("modified"), "{stderr}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn an_unknown_database_scheme_is_a_one_line_error_without_the_password() {
    let out = renum("mysql://root:hunter2@localhost/x", &["migrate", "status"]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("unsupported database URL") && !stderr.contains("hunter2"),
        "{stderr}"
    );
}
