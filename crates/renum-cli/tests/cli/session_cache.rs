//! The session cache across processes (docs/SECURITY.md, "Session cache"): two `renum serve`
//! on one PostgreSQL database. A session revoked through one server is refused by the other
//! within 1 s, and a server whose listener lost its connection checks sessions in the database
//! again rather than trust what it may have missed.

use std::process::Stdio;
use std::time::{Duration, Instant};

use renum_db::Engine;
use renum_db::testing::TestDb;
use serde_json::json;

use crate::process::{comes_up, command, free_bind};

const MASTER_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
const PASSWORD: &str = "correct horse battery staple";
/// The bound on how long another process may still accept a revoked session.
const BOUND: Duration = Duration::from_secs(1);

async fn serve(url: &str, data: &std::path::Path) -> (tokio::process::Child, String) {
    let bind = free_bind();
    let child = command(url, &["serve", "--bind", &bind])
        .env("RENUM_MASTER_KEY", MASTER_KEY)
        .env("RENUM_DATA_DIR", data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start renum serve");
    let api = format!("http://{bind}");
    assert!(
        comes_up(
            &reqwest::Client::new(),
            &format!("{api}/readyz"),
            Duration::from_secs(30)
        )
        .await,
        "renum serve did not come up"
    );
    (child, api)
}

async fn me(http: &reqwest::Client, api: &str, token: &str) -> u16 {
    http.get(format!("{api}/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// How long after `since` (the moment the change was known committed) the first request
/// that `api` refused was sent; fails on an acceptance of a request sent `BOUND` or more after
/// `since`, and if the refusal does not last. The bound constrains when a request was sent, not
/// when its answer came: on a loaded machine an answer can arrive long after the check.
async fn first_refused(http: &reqwest::Client, api: &str, token: &str, since: Instant) -> Duration {
    loop {
        let sent = Instant::now();
        let status = me(http, api, token).await;
        if status == 401 {
            assert_eq!(me(http, api, token).await, 401, "the refusal did not last");
            return sent.duration_since(since);
        }
        assert_eq!(status, 200);
        let after = sent.duration_since(since);
        assert!(
            after < BOUND,
            "a request sent {after:?} after the change was accepted"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Sets or clears the revocation of `token`'s session with the triggers off, so that no
/// server hears of it (the caller has disabled `sessions_auth_changed`).
async fn set_revoked_quietly(db: &renum_db::Db, token: &str, revoked: bool) {
    let changed = renum_db::raw!(
        db,
        "UPDATE sessions SET revoked_at = CASE WHEN $2 THEN now() END \
         WHERE token_hash = sha256(convert_to($1, 'UTF8'))",
        token.to_owned(),
        revoked
    )
    .unwrap();
    assert_eq!(changed, 1);
}

async fn session(http: &reqwest::Client, api: &str) -> String {
    let signin = http
        .post(format!("{api}/v1/auth/signin"))
        .json(&json!({"email": "cache@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(signin.status(), 200);
    let body: serde_json::Value = signin.json().await.unwrap();
    body["session"]["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_session_revoked_through_one_server_is_refused_by_another_within_a_second() {
    let t = TestDb::new(Engine::Postgres).await;
    let (data_a, data_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (_a, a) = serve(&t.url, data_a.path()).await;
    let (_b, b) = serve(&t.url, data_b.path()).await;
    let http = reqwest::Client::new();
    let signup = http
        .post(format!("{a}/v1/auth/signup"))
        .json(&json!({"email": "cache@example.com", "password": PASSWORD,
            "full_name": "Cache", "organization_name": "Cache"}))
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), 201);
    let signed_out = signup.json::<serde_json::Value>().await.unwrap()["session"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let unheard = session(&http, &a).await;
    let cut_off = session(&http, &a).await;

    // B serves from its cache: once its listener is current (it heard its own heartbeat), a
    // check stores the session, and a revocation that bypasses the triggers goes unseen. How
    // soon the listener is current depends on the machine's load, so try until it is, undoing
    // the quiet revocation after each miss.
    renum_db::raw!(
        &t.db,
        "ALTER TABLE sessions DISABLE TRIGGER sessions_auth_changed"
    )
    .unwrap();
    let trying = Instant::now();
    loop {
        assert_eq!(me(&http, &b, &unheard).await, 200);
        set_revoked_quietly(&t.db, &unheard, true).await;
        let status = me(&http, &b, &unheard).await;
        if status == 200 {
            break;
        }
        assert_eq!(status, 401);
        assert!(
            trying.elapsed() < Duration::from_secs(30),
            "B never answered from its cache"
        );
        set_revoked_quietly(&t.db, &unheard, false).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    renum_db::raw!(
        &t.db,
        "ALTER TABLE sessions ENABLE TRIGGER sessions_auth_changed"
    )
    .unwrap();
    println!("B answered from its cache after {:?}", trying.elapsed());
    for token in [&signed_out, &cut_off] {
        assert_eq!(me(&http, &b, token).await, 200);
    }

    // Signing out through A: B refuses the token within the bound.
    let answer = http
        .post(format!("{a}/v1/auth/signout"))
        .bearer_auth(&signed_out)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 204);
    let took = first_refused(&http, &b, &signed_out, Instant::now()).await;
    println!("signed out through A: refused by B after {took:?}");
    assert_eq!(me(&http, &a, &signed_out).await, 401);

    // B's listener loses its connection and a revocation is announced to no one: B checks
    // the database until it listens again, and starts over with an empty cache.
    let killed = renum_db::raw!(
        &t.db,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND query LIKE 'LISTEN%'"
    )
    .unwrap();
    assert_eq!(killed, 2, "each server has one listener");
    renum_db::raw!(
        &t.db,
        "UPDATE sessions SET revoked_at = now() WHERE token_hash = sha256(convert_to($1, 'UTF8'))",
        cut_off.clone()
    )
    .unwrap();
    let took = first_refused(&http, &b, &cut_off, Instant::now()).await;
    println!("revoked with B's listener cut off: refused by B after {took:?}");
    assert_eq!(
        me(&http, &b, &unheard).await,
        401,
        "the quietly revoked session outlived the reconnection"
    );
    t.cleanup().await;
}
