//! Exactly-once publishing across real processes: two `renum worker` and one `renum serve` on
//! one PostgreSQL, a receiver that counts every delivery per post (the `Idempotency-Key` is
//! only used to identify the post, never to hide a second delivery), deliveries slower than the
//! lease, and one process SIGKILLed while a delivery it sent is in flight, with more of its
//! claimed posts not yet delivered.

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use renum::worker::publisher::IDEMPOTENCY_HEADER;
use renum_db::ids::{OrganizationId, PostId, UserId};
use renum_db::sql_types::Timestamp;
use renum_db::testing::{TestDb, scheduled_posts};
use renum_db::{Access, Db, Engine, OrgScope};
use serde_json::json;
use tokio::sync::{Notify, oneshot};

use crate::process::{comes_up, command, sign_up_ops};

const MASTER_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
const POSTS: usize = 1000;
const LEASE: Duration = Duration::from_secs(2);
/// The delivery (by arrival) that is held until its sender has been killed.
const HELD_AT: usize = 400;

/// Counts deliveries per post. Every 97th delivery takes 1.5 leases; the `HELD_AT`-th is held
/// (its post id handed to the test) until the test says its sender is dead.
#[derive(Clone, Default)]
struct Receiver {
    counts: Arc<Mutex<HashMap<String, usize>>>,
    arrivals: Arc<Mutex<usize>>,
    held: Arc<Mutex<Option<oneshot::Sender<String>>>>,
    release: Arc<Notify>,
}

impl Receiver {
    async fn start(&self) -> String {
        let me = self.clone();
        let app = axum::Router::new().route(
            "/publish",
            axum::routing::post(move |headers: HeaderMap| {
                let me = me.clone();
                async move {
                    let key = headers[IDEMPOTENCY_HEADER].to_str().unwrap().to_owned();
                    *me.counts.lock().unwrap().entry(key.clone()).or_default() += 1;
                    let n = {
                        let mut arrivals = me.arrivals.lock().unwrap();
                        *arrivals += 1;
                        *arrivals
                    };
                    if n == HELD_AT {
                        let held = me.held.lock().unwrap().take().unwrap();
                        let released = me.release.notified();
                        held.send(key.clone()).unwrap();
                        released.await;
                    } else if n % 97 == 0 {
                        tokio::time::sleep(LEASE * 3 / 2).await;
                    }
                    axum::Json(json!({"external_post_id": format!("ext-{key}")}))
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/publish", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    }
}

/// The organization `renum serve` signed up, with one video and `POSTS` posts due now.
async fn seed(db: &Db, organization_id: &str, user_id: &str) -> Vec<PostId> {
    let scope = OrgScope::trusted(organization_id.parse::<OrganizationId>().unwrap());
    let user: UserId = user_id.parse().unwrap();
    let due = Timestamp::from(chrono::Utc::now() - chrono::Duration::seconds(1));
    scheduled_posts(db, &scope, user, POSTS, due).await
}

async fn scalar(db: &Db, sql: &'static str) -> i64 {
    match db {
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_and_a_server_deliver_each_post_once_through_a_sigkill() {
    let t = TestDb::new(Engine::Postgres).await;
    let receiver = Receiver::default();
    let (held_tx, held_rx) = oneshot::channel();
    *receiver.held.lock().unwrap() = Some(held_tx);
    let hook = receiver.start().await;
    let data = tempfile::tempdir().unwrap();
    let lease = format!("{}s", LEASE.as_secs());
    let common = [
        "--allow-private-urls",
        "--publish-webhook-url",
        hook.as_str(),
        "--publish-webhook-secret",
        "s3cret-s3cret-s3cret",
        "--worker-lease",
        lease.as_str(),
        "--worker-poll",
        "50ms",
    ];
    let bind = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let spawn = |args: Vec<&str>| {
        command(&t.url, &args)
            .env("RENUM_MASTER_KEY", MASTER_KEY)
            .env("RENUM_DATA_DIR", data.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap()
    };
    let mut processes = vec![spawn(
        [&["serve", "--bind", bind.as_str()][..], &common].concat(),
    )];
    let api = format!("http://{bind}");
    let http = reqwest::Client::new();
    assert!(
        comes_up(&http, &format!("{api}/readyz"), Duration::from_secs(30)).await,
        "renum serve did not come up"
    );
    for _ in 0..2 {
        processes.push(spawn([&["worker"][..], &common].concat()));
    }
    let acct = sign_up_ops(&http, &api).await;
    let ids = seed(
        &t.db,
        acct["organization"]["id"].as_str().unwrap(),
        acct["user"]["id"].as_str().unwrap(),
    )
    .await;

    // The held delivery's sender dies before it can record the outcome; the rest of its
    // batch, claimed but not yet delivered, dies with it.
    let held = tokio::time::timeout(Duration::from_secs(60), held_rx)
        .await
        .unwrap()
        .unwrap();
    let held_id: PostId = held.parse().unwrap();
    let scope = OrgScope::trusted(
        acct["organization"]["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap(),
    );
    let holder =
        t.db.conn()
            .await
            .unwrap()
            .posts(&scope)
            .get(held_id)
            .await
            .unwrap()
            .locked_by
            .unwrap();
    let pid: u32 = holder.split('-').next().unwrap().parse().unwrap();
    let victim = processes
        .iter_mut()
        .find(|p| p.id() == Some(pid))
        .expect("a process of this test holds it");
    victim.kill().await.unwrap();
    receiver.release.notify_waiters();

    let started = Instant::now();
    while scalar(
        &t.db,
        "SELECT count(*) FROM posts WHERE status = 'published'",
    )
    .await
        < i64::try_from(POSTS).unwrap()
    {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "not every post was published in time"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let counts = receiver.counts.lock().unwrap().clone();
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    let delivered: usize = counts.values().sum();
    eprintln!(
        "{POSTS} posts, {delivered} deliveries, delivered more than once: {twice:?} (held: {held})"
    );
    for id in &ids {
        let n = counts.get(&id.to_string()).copied().unwrap_or(0);
        if *id == held_id {
            assert!((1..=2).contains(&n), "the held post: {n} deliveries");
        } else {
            assert_eq!(n, 1, "post {id} was delivered {n} times");
        }
    }
    assert_eq!(
        scalar(&t.db, "SELECT count(*) FROM posts WHERE status = 'published' AND external_post_id LIKE 'ext-%' AND locked_by IS NULL").await,
        i64::try_from(POSTS).unwrap(),
        "each recorded once"
    );
    for mut p in processes {
        let _ = p.kill().await;
    }
    t.cleanup().await;
}
