//! `renum backup` and `renum restore`: the restore drill on both engines. Seed, back up
//! while a writer inserts videos, restore into a fresh database, and show that every row
//! committed before the backup started is there and the doctor is clean.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::process::renum;
use renum_db::enums::AuthEventKind;
use renum_db::ids::{AuthEventId, OrganizationId, SessionId, UserId, VideoId};
use renum_db::models::{AuthEventInsert, SessionInsert, VideoInsert};
use renum_db::sql_types::Timestamp;
use renum_db::testing::TestDb;
use renum_db::{Access, Db, Engine, OrgScope};

/// About three thousand rows over the seeded tables.
const SEED: &[&str] = &[
    "seed",
    "--organizations",
    "3",
    "--users-per-org",
    "5",
    "--videos-per-org",
    "60",
    "--posts-per-video",
    "4",
    "--api-logs",
    "2000",
    "--anchor",
    "2026-06-01",
];

/// The writer's videos carry this title, so the drill can find them in the restore.
const DRILL_TITLE: &str = "written during the backup drill";

/// Every table the migrations create (sqlx's bookkeeping aside), with its row count.
async fn counts(db: &Db) -> Vec<(String, i64)> {
    let tables = match db {
        Db::Postgres(pool) => sqlx::query_scalar(
            "SELECT relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition \
             ORDER BY 1",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        Db::Sqlite(pool) => sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY 1",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    };
    let mut out = Vec::new();
    for table in tables {
        let sql = sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}"));
        let n: i64 = match db {
            Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
            Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        };
        out.push((table, n));
    }
    out
}

async fn drill_videos(db: &Db) -> Vec<VideoId> {
    let sql = "SELECT id FROM videos WHERE title = $1";
    match db {
        Db::Postgres(pool) => {
            sqlx::query_scalar(sql)
                .bind(DRILL_TITLE)
                .fetch_all(pool)
                .await
        }
        Db::Sqlite(pool) => {
            sqlx::query_scalar(sql)
                .bind(DRILL_TITLE)
                .fetch_all(pool)
                .await
        }
    }
    .unwrap()
}

async fn an_owner(db: &Db) -> (OrganizationId, UserId) {
    let sql = "SELECT organization_id, id FROM users WHERE role = 'owner' ORDER BY id LIMIT 1";
    match db {
        Db::Postgres(pool) => sqlx::query_as(sql).fetch_one(pool).await,
        Db::Sqlite(pool) => sqlx::query_as(sql).fetch_one(pool).await,
    }
    .unwrap()
}

/// What the seed leaves empty: a session and a sign-in event of `owner`, and a backfill's
/// checkpoint, so every table has rows to lose.
async fn fill_the_rest(url: &str, db: &Db, owner: (OrganizationId, UserId)) {
    let mut tx = db.begin().await.unwrap();
    tx.sessions()
        .insert(&SessionInsert {
            id: SessionId::new(),
            user_id: owner.1,
            token_hash: vec![7; 32],
            expires_at: Timestamp::now(),
            ip: Some("192.0.2.1".into()),
            user_agent: None,
        })
        .await
        .unwrap();
    tx.auth_events()
        .insert(&AuthEventInsert {
            id: AuthEventId::new(),
            organization_id: Some(owner.0),
            user_id: Some(owner.1),
            actor_id: Some(owner.1),
            kind: AuthEventKind::SigninSuccess,
            email_hash: Some(vec![9; 32]),
            ip: None,
            detail: Some(sqlx::types::Json(serde_json::json!({"drill": true}))),
            created_at: Timestamp::now(),
        })
        .await
        .unwrap();
    let mail = renum::mail::PASSWORD_RESET.render("drill@example.com", &[("name", "Drill")]);
    tx.mail_outbox().enqueue(&mail).await.unwrap();
    tx.email_tokens()
        .insert(&renum_db::models::EmailTokenInsert {
            id: renum_db::ids::EmailTokenId::new(),
            user_id: owner.1,
            purpose: renum_db::enums::TokenPurpose::PasswordReset,
            token_hash: vec![8; 32],
            expires_at: Timestamp::now(),
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let backfill = renum(url, &["backfill", "users_email_domain"]).await;
    assert!(backfill.status.success(), "{backfill:?}");
}

/// Inserts a video at a time, each its own commit, recording the id once committed.
fn start_writer(
    db: Db,
    owner: (OrganizationId, UserId),
    committed: Arc<Mutex<Vec<VideoId>>>,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let scope = OrgScope::trusted(owner.0);
        while !stop.load(Ordering::Relaxed) {
            let mut conn = db.conn().await.unwrap();
            let video = conn
                .videos(&scope)
                .insert(&VideoInsert::new(owner.1, DRILL_TITLE))
                .await
                .unwrap();
            committed.lock().unwrap().push(video.id);
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
    })
}

async fn wait_for_commits(committed: &Mutex<Vec<VideoId>>, at_least: usize) {
    for _ in 0..1000 {
        if committed.lock().unwrap().len() >= at_least {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the writer did not reach {at_least} commits");
}

async fn doctor_is_clean(url: &str) {
    let out = crate::doctor::doctor(url, &[]).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "doctor on the restore: {text} {out:?}"
    );
    assert!(text.contains("no findings"), "{text}");
}

/// A fresh target: a new file on SQLite (in `dir`), a new empty database on PostgreSQL.
async fn fresh_target(engine: Engine, dir: &Path) -> (String, Option<TestDb>) {
    match engine {
        Engine::Sqlite => (
            format!("sqlite://{}", dir.join("restored.db").display()),
            None,
        ),
        Engine::Postgres => {
            let t = TestDb::empty(Engine::Postgres).await;
            (t.url.clone(), Some(t))
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_a_writer_inserts_restores_every_row_committed_before_it() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let source = TestDb::empty(engine).await;
        let seeded = renum(&source.url, SEED).await;
        assert!(seeded.status.success(), "{engine:?}: {seeded:?}");
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("renum.backup");
        let out = out.to_str().unwrap();

        let owner = an_owner(&source.db).await;
        fill_the_rest(&source.url, &source.db, owner).await;

        let committed = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let writer = start_writer(source.db.clone(), owner, committed.clone(), stop.clone());
        wait_for_commits(&committed, 20).await;
        let before_backup: Vec<VideoId> = committed.lock().unwrap().clone();
        let backup = renum(&source.url, &["backup", "--out", out, "--jobs", "2"]).await;
        assert!(backup.status.success(), "{engine:?}: {backup:?}");
        // The writer was never blocked by the backup: it goes on committing.
        wait_for_commits(&committed, before_backup.len() + 20).await;
        stop.store(true, Ordering::Relaxed);
        writer.await.unwrap();
        let all_written = committed.lock().unwrap().len();

        let again = renum(&source.url, &["backup", "--out", out]).await;
        assert_eq!(again.status.code(), Some(1), "{engine:?}: {again:?}");
        assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

        let (target_url, target) = fresh_target(engine, dir.path()).await;
        let restore = renum(&target_url, &["restore", out, "--jobs", "2"]).await;
        assert!(restore.status.success(), "{engine:?}: {restore:?}");
        assert!(
            String::from_utf8_lossy(&restore.stdout).contains("checksums match"),
            "{restore:?}"
        );
        let restored = Db::connect(&target_url).await.unwrap();
        let found = drill_videos(&restored).await;
        for id in &before_backup {
            assert!(
                found.contains(id),
                "{engine:?}: {id:?}, committed before the backup, is missing"
            );
        }
        assert!(found.len() <= all_written, "{engine:?}: rows from nowhere");
        // Every other table holds exactly what the source holds (the writer only adds videos).
        let (source_counts, restored_counts) = (counts(&source.db).await, counts(&restored).await);
        assert_eq!(
            source_counts.iter().map(|(t, _)| t).collect::<Vec<_>>(),
            restored_counts.iter().map(|(t, _)| t).collect::<Vec<_>>(),
            "{engine:?}: the same tables"
        );
        let seeded_rows: i64 = source_counts.iter().map(|(_, n)| n).sum();
        assert!(seeded_rows > 2500, "{engine:?}: {source_counts:?}");
        assert!(
            source_counts.iter().all(|(_, n)| *n > 0),
            "{engine:?}: every table has rows: {source_counts:?}"
        );
        for ((table, n), (_, m)) in source_counts.iter().zip(&restored_counts) {
            if table == "videos" {
                let lost = i64::try_from(all_written - found.len()).unwrap();
                assert_eq!(*m, n - lost, "{engine:?}: videos");
            } else {
                assert_eq!(n, m, "{engine:?}: rows in {table}");
            }
        }
        restored.close().await;
        doctor_is_clean(&target_url).await;

        let twice = renum(&target_url, &["restore", out]).await;
        assert_eq!(twice.status.code(), Some(1), "{engine:?}: {twice:?}");
        let stderr = String::from_utf8_lossy(&twice.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains("not empty"), "{stderr}");

        source.cleanup().await;
        if let Some(t) = target {
            t.cleanup().await;
        }
    }
}
