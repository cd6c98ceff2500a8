//! `renum copy` from SQLite to PostgreSQL as a team outgrowing the file runs it: the copy
//! serves, its sessions and passwords work, and an OpusClip key stored before the copy
//! decrypts with the same master key (which travels with the operator, not the data). A
//! second copy into the now non-empty target is refused, and a copy that fails leaves its
//! target empty.

use std::time::Duration;

use renum::app::crypto::MasterKey;
use renum_db::testing::TestDb;
use renum_db::{Access, Db, Engine};
use renum_ops::copy::queries::ALL;
use renum_ops::seed::{DEMO_EMAIL, PASSWORD};
use serde_json::{Value, json};
use sqlx::{ConnectOptions, Connection};

use crate::process::{comes_up, command, free_bind, renum, stdout};

const MASTER_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
const OPUSCLIP_KEY: &str = "opus-key-stored-before-the-copy";

/// `renum serve` on `url` with the fixed master key, up and answering; and its base URL.
async fn serve(url: &str, data_dir: &std::path::Path) -> (tokio::process::Child, String) {
    let bind = free_bind();
    let server = command(url, &["serve", "--bind", &bind])
        .env("RENUM_DATA_DIR", data_dir)
        .env("RENUM_MASTER_KEY", MASTER_KEY)
        .kill_on_drop(true)
        .spawn()
        .expect("start renum serve");
    let base = format!("http://{bind}");
    let health = format!("{base}/healthz");
    let up = comes_up(&reqwest::Client::new(), &health, Duration::from_secs(10)).await;
    assert!(up, "renum serve on {url} did not come up");
    (server, base)
}

/// `renum copy --from from --to to`, to completion.
async fn copy(from: &str, to: &str) -> std::process::Output {
    renum(from, &["copy", "--from", from, "--to", to]).await
}

async fn sign_in(client: &reqwest::Client, base: &str) -> String {
    let res = client
        .post(format!("{base}/v1/auth/signin"))
        .json(&json!({"email": DEMO_EMAIL, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{res:?}");
    let body: Value = res.json().await.unwrap();
    body["session"]["token"]
        .as_str()
        .expect("a token")
        .to_owned()
}

async fn get(client: &reqwest::Client, base: &str, path: &str, token: &str) -> Value {
    let res = client
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "GET {path}: {res:?}");
    res.json().await.unwrap()
}

async fn rows(db: &Db, sql: &str) -> i64 {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match db {
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_database_copied_to_postgres_serves_its_accounts_feed_and_opusclip_key() {
    let source = TestDb::empty(Engine::Sqlite).await;
    let seeded = renum(&source.url, &["seed", "--demo"]).await;
    assert!(seeded.status.success(), "{seeded:?}");
    let data_dir = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();

    // Before the move: a session and an OpusClip key, stored through the SQLite server.
    let (mut server, base) = serve(&source.url, data_dir.path()).await;
    let token = sign_in(&client, &base).await;
    let put = client
        .put(format!("{base}/v1/organization/integrations/opusclip"))
        .bearer_auth(&token)
        .json(&json!({"api_key": OPUSCLIP_KEY}))
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "{put:?}");
    let feed_before = get(&client, &base, "/v1/posts", &token).await;
    server.kill().await.unwrap();
    // A reset link waiting in the outbox travels too, with its token.
    let mut tx = source.db.begin().await.unwrap();
    let demo = tx
        .accounts()
        .find_by_email(DEMO_EMAIL)
        .await
        .unwrap()
        .unwrap();
    let links = renum::mail::Links {
        app_url: "http://app.test".into(),
    };
    let link = renum::app::account::Link {
        links: &links,
        page: "reset-password",
    };
    renum::app::account::mail_token(
        &mut tx,
        &demo,
        renum_db::enums::TokenPurpose::PasswordReset,
        Duration::from_secs(3600),
        &renum::mail::PASSWORD_RESET,
        link,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let target = TestDb::empty(Engine::Postgres).await;
    let copied = copy(&source.url, &target.url).await;
    assert!(copied.status.success(), "{copied:?}");
    let report = stdout(&copied);
    assert!(report.contains("checksums of 12 tables match"), "{report}");
    assert!(report.contains("doctor: no errors"), "{report}");
    for table in ALL {
        if table.table == "_renum_backfills" {
            continue;
        }
        let (from, to) = (
            rows(&source.db, table.count).await,
            rows(&target.db, table.count).await,
        );
        assert!(
            from > 0,
            "{}: the test should fill every table",
            table.table
        );
        assert_eq!(from, to, "{}", table.table);
    }

    // After the move: the same session, a fresh sign-in, the feed, the key.
    let (mut server, base) = serve(&target.url, data_dir.path()).await;
    let me = get(&client, &base, "/v1/me", &token).await;
    assert_eq!(me["organization_has_opusclip_key"], true, "{me}");
    let fresh = sign_in(&client, &base).await;
    let feed_after = get(&client, &base, "/v1/posts", &fresh).await;
    assert!(!feed_after["items"].as_array().unwrap().is_empty());
    assert_eq!(
        feed_before, feed_after,
        "the feed reads the same on both engines"
    );
    server.kill().await.unwrap();

    let Db::Postgres(pool) = &target.db else {
        unreachable!()
    };
    let (org, ciphertext): (uuid::Uuid, Vec<u8>) = sqlx::query_as(
        "SELECT id, opusclip_api_key_ciphertext FROM organizations \
         WHERE opusclip_api_key_ciphertext IS NOT NULL",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let key = MasterKey::from_base64(MASTER_KEY).unwrap();
    let plaintext = key.decrypt(&ciphertext, org.as_bytes()).unwrap();
    assert_eq!(plaintext, OPUSCLIP_KEY.as_bytes());

    let again = copy(&source.url, &target.url).await;
    assert_eq!(again.status.code(), Some(1), "{again:?}");
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not empty"), "{stderr}");
    target.cleanup().await;

    // A SQLite file whose foreign keys were off at some point: a post outlives its video.
    // PostgreSQL refuses the orphan when the keys are rebuilt, and nothing stays behind.
    let path = source.url.trim_start_matches("sqlite://");
    let mut raw = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .foreign_keys(false)
        .connect()
        .await
        .unwrap();
    sqlx::query("DELETE FROM videos WHERE id = (SELECT video_id FROM posts LIMIT 1)")
        .execute(&mut raw)
        .await
        .unwrap();
    raw.close().await.unwrap();
    let broken_target = TestDb::empty(Engine::Postgres).await;
    let failed = copy(&source.url, &broken_target.url).await;
    assert_eq!(failed.status.code(), Some(1), "{failed:?}");
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("violates foreign key constraint"),
        "{stderr}"
    );
    for table in ALL {
        assert_eq!(
            rows(&broken_target.db, table.count).await,
            0,
            "{} after a failed copy",
            table.table
        );
    }
    broken_target.cleanup().await;
    source.cleanup().await;
}
