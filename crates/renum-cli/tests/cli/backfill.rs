//! `renum backfill users_email_domain` end to end: a dry run writes nothing, and a run killed
//! midway resumes from its checkpoint to the same result as an uninterrupted one.

use std::process::Stdio;
use std::time::Duration;

use crate::process::{command, renum};
use renum_db::enums::Role;
use renum_db::ids::UserId;
use renum_db::models::UserInsert;
use renum_db::testing::{TestDb, tenant};
use renum_db::{Access, Db, Engine};

const USERS: i64 = 300;

async fn scalar(db: &Db, sql: &'static str) -> i64 {
    match db {
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

/// 300 users (an owner and 299 members) whose email_domain is null, as rows written before
/// its migration would be.
async fn users_from_before_the_migration(db: &Db) {
    let acme = tenant(db, "acme").await;
    let mut tx = db.begin().await.unwrap();
    for i in 1..USERS {
        tx.users(&acme.scope)
            .insert(&UserInsert {
                id: UserId::new(),
                email: format!("member{i}@team{}.example", i % 7),
                password_hash: "x".into(),
                full_name: format!("Member {i}"),
                role: Role::Member,
            })
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    renum_db::raw!(db, "UPDATE users SET email_domain = NULL").unwrap();
}

const FILLED: &str = "SELECT count(*) FROM users WHERE email_domain IS NOT NULL";
/// Rows whose domain is exactly what follows the '@' of their email.
const CORRECT: &str = "SELECT count(*) FROM users WHERE email LIKE '%@' || email_domain";
const CHECKPOINT_ROWS: &str = "SELECT COALESCE((SELECT rows_done FROM _renum_backfills WHERE name = 'users_email_domain'), -1)";

#[tokio::test]
async fn a_backfill_killed_midway_resumes_from_its_checkpoint_to_the_same_result() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = TestDb::new(engine).await;
        users_from_before_the_migration(&t.db).await;

        let dry = renum(
            &t.url,
            &[
                "backfill",
                "users_email_domain",
                "--dry-run",
                "--batch-size",
                "10",
            ],
        )
        .await;
        assert!(dry.status.success(), "{engine:?}: {dry:?}");
        let text = String::from_utf8_lossy(&dry.stdout);
        assert!(
            text.contains("300 row(s) to fill") && text.contains("30 batch(es)"),
            "{text}"
        );
        assert_eq!(scalar(&t.db, FILLED).await, 0, "a dry run writes nothing");
        assert_eq!(
            scalar(&t.db, CHECKPOINT_ROWS).await,
            -1,
            "not even a checkpoint"
        );

        // Slow batches of 10, killed (SIGKILL) once some but not all have committed.
        let mut child = command(
            &t.url,
            &[
                "backfill",
                "users_email_domain",
                "--batch-size",
                "10",
                "--throttle-ms",
                "100",
            ],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
        let mut waited = 0;
        while scalar(&t.db, CHECKPOINT_ROWS).await < 50 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            waited += 1;
            assert!(waited < 1500, "{engine:?}: the backfill made no progress");
        }
        child.kill().await.unwrap();
        let done = scalar(&t.db, CHECKPOINT_ROWS).await;
        assert!(
            (50..USERS).contains(&done),
            "{engine:?}: killed after {done} rows"
        );
        // The checkpoint moves in the batch's transaction: it counts exactly the filled rows.
        assert_eq!(scalar(&t.db, FILLED).await, done, "{engine:?}");

        let resumed = renum(
            &t.url,
            &["backfill", "users_email_domain", "--batch-size", "10"],
        )
        .await;
        assert!(resumed.status.success(), "{engine:?}: {resumed:?}");
        let stderr = String::from_utf8_lossy(&resumed.stderr);
        assert!(
            stderr.contains("resuming after")
                && stderr.contains(&format!("({done} row(s) already filled)")),
            "{stderr}"
        );
        let stdout = String::from_utf8_lossy(&resumed.stdout);
        assert!(
            stdout.contains(&format!(
                "{} row(s) filled by this run, 300 in all",
                USERS - done
            )),
            "{stdout}"
        );

        assert_eq!(scalar(&t.db, CORRECT).await, USERS);
        assert_eq!(scalar(&t.db, CHECKPOINT_ROWS).await, USERS);
        t.cleanup().await;
    }
}
