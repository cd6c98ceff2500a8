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

/// How long until `api` refuses `token` (polled every 10 ms); panics after 5 s.
async fn refused_after(http: &reqwest::Client, api: &str, token: &str, since: Instant) -> Duration {
    loop {
        let status = me(http, api, token).await;
        if status == 401 {
            return since.elapsed();
        }
        assert_eq!(status, 200);
        assert!(
            since.elapsed() < Duration::from_secs(5),
            "still accepted after 5 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
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
    // Once B's listener is current (its first heartbeat), B caches all three.
    tokio::time::sleep(Duration::from_millis(500)).await;
    for token in [&signed_out, &unheard, &cut_off] {
        for _ in 0..3 {
            assert_eq!(me(&http, &b, token).await, 200);
        }
    }

    // B serves from its cache: a revocation that bypasses the triggers goes unseen.
    renum_db::raw!(
        &t.db,
        "ALTER TABLE sessions DISABLE TRIGGER sessions_auth_changed"
    )
    .unwrap();
    let hidden = renum_db::raw!(
        &t.db,
        "UPDATE sessions SET revoked_at = now() WHERE token_hash = sha256(convert_to($1, 'UTF8'))",
        unheard.clone()
    )
    .unwrap();
    renum_db::raw!(
        &t.db,
        "ALTER TABLE sessions ENABLE TRIGGER sessions_auth_changed"
    )
    .unwrap();
    assert_eq!(hidden, 1);
    let revoked_quietly = Instant::now();
    while revoked_quietly.elapsed() < 2 * BOUND {
        assert_eq!(
            me(&http, &b, &unheard).await,
            200,
            "B did not answer from its cache"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Signing out through A: B refuses the token within the bound.
    let signout = Instant::now();
    let answer = http
        .post(format!("{a}/v1/auth/signout"))
        .bearer_auth(&signed_out)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 204);
    let took = refused_after(&http, &b, &signed_out, signout).await;
    assert!(
        took < BOUND,
        "B accepted the signed-out session for {took:?}"
    );
    println!("signed out through A: refused by B after {took:?}");
    assert_eq!(me(&http, &a, &signed_out).await, 401);

    // B's listener loses its connection and a revocation is announced to no one: B checks
    // the database until it listens again, and starts over with an empty cache.
    let cut = Instant::now();
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
    let took = refused_after(&http, &b, &cut_off, cut).await;
    assert!(took < BOUND, "B accepted the revoked session for {took:?}");
    println!("revoked with B's listener cut off: refused by B after {took:?}");
    assert_eq!(
        me(&http, &b, &unheard).await,
        401,
        "the quietly revoked session outlived the reconnection"
    );
    t.cleanup().await;
}
