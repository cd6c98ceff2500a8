//! `renum logs partitions | purge` end to end on both engines.

use std::process::Output;

use renum_db::sql_types::Timestamp;
use renum_db::testing::{TestDb, sample_api_log};
use renum_db::{Access, Db, Engine};

async fn renum(url: &str, args: &[&str], retention: Option<&str>) -> Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_renum"));
    cmd.args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .env_remove("RENUM_LOG_RETENTION");
    if let Some(window) = retention {
        cmd.env("RENUM_LOG_RETENTION", window);
    }
    cmd.output().await.expect("run renum")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn days_ago(days: i64) -> Timestamp {
    (chrono::Utc::now() - chrono::Duration::days(days)).into()
}

async fn insert_aged(db: &Db, ages_in_days: &[i64]) {
    let batch: Vec<_> = ages_in_days
        .iter()
        .map(|&days| sample_api_log(days_ago(days)))
        .collect();
    let mut conn = db.conn().await.unwrap();
    conn.api_logs().insert_batch(&batch).await.unwrap();
}

async fn count(db: &Db) -> i64 {
    let sql = "SELECT count(*) FROM api_logs";
    match db {
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

#[tokio::test]
async fn partitions_are_created_ahead_on_postgres_and_skipped_on_sqlite() {
    let t = TestDb::new(Engine::Postgres).await;
    let out = renum(&t.url, &["logs", "partitions", "--ahead", "2"], None).await;
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        stdout(&out).matches("created api_logs_").count(),
        3,
        "{}",
        stdout(&out)
    );
    let again = renum(&t.url, &["logs", "partitions", "--ahead", "2"], None).await;
    assert!(!stdout(&again).contains("created"), "{}", stdout(&again));
    t.cleanup().await;

    let t = TestDb::new(Engine::Sqlite).await;
    let out = renum(&t.url, &["logs", "partitions"], None).await;
    assert!(out.status.success() && stdout(&out).contains("SQLite has no partitions"));
    t.cleanup().await;
}

#[tokio::test]
async fn purge_keeps_only_the_logs_inside_the_window_on_each_engine() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = TestDb::new(engine).await;
        let out = renum(&t.url, &["logs", "partitions"], None).await;
        assert!(out.status.success(), "{out:?}");
        insert_aged(&t.db, &[400, 200, 120, 95, 89, 10, 0]).await;

        let out = renum(&t.url, &["logs", "purge", "--batch-size", "2"], None).await;
        assert!(out.status.success(), "{engine:?}: {out:?}");
        assert!(stdout(&out).contains("older than 90d"), "{}", stdout(&out));
        assert_eq!(count(&t.db).await, 3, "{engine:?}");

        let out = renum(&t.url, &["logs", "purge"], Some("7d")).await;
        assert!(out.status.success(), "{out:?}");
        assert_eq!(
            count(&t.db).await,
            1,
            "RENUM_LOG_RETENTION=7d on {engine:?}"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_bad_retention_window_is_a_one_line_error() {
    let t = TestDb::new(Engine::Sqlite).await;
    for (args, env) in [
        (&["logs", "purge", "--older-than", "90x"][..], None),
        (&["logs", "purge"][..], Some("soon")),
    ] {
        let out = renum(&t.url, args, env).await;
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains("invalid retention window"), "{stderr}");
    }
    t.cleanup().await;
}
