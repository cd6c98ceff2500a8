//! The publishing scheduler: exactly-once publication with concurrent workers, lease expiry
//! after a crash, backoff and failure. Workers are drained with `try_run_once`, not slept on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode as AxumStatus};
use renum::api_log::{ApiLogSink, SinkConfig};
use renum::app::outbound::OutboundPolicy;
use renum::worker::publisher::{DEFAULT_TOLERANCE, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify};
use renum::worker::{PublishError, Publisher, WebhookPublisher, Worker, WorkerConfig};
use renum_db::enums::PostStatus;
use renum_db::ids::{OrganizationId, PostId, UserId};
use renum_db::models::{PostUpdate, PostWithVideo};
use renum_db::sql_types::Timestamp;
use renum_db::testing::scheduled_posts;
use renum_db::{Access, Db, Engine, OrgScope};

use crate::helpers::{Account, TestApp, count};

const SECRET: &str = "webhook secret, 16+ bytes";

/// A fake platform: counts deliveries per idempotency key, verifies the signature as
/// `docs/SECURITY.md` tells receivers to, answers an external id.
#[derive(Clone, Default)]
struct Receiver {
    seen: Arc<Mutex<HashMap<String, usize>>>,
}

impl Receiver {
    async fn start(&self) -> String {
        let seen = self.seen.clone();
        let app = axum::Router::new().route(
            "/publish",
            axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
                let seen = seen.clone();
                async move {
                    let signature = headers[SIGNATURE_HEADER].to_str().unwrap();
                    let now = chrono::Utc::now().timestamp();
                    if verify(SECRET, signature, &body, now, DEFAULT_TOLERANCE).is_err() {
                        return (AxumStatus::UNAUTHORIZED, axum::Json(serde_json::json!({})));
                    }
                    let key = headers[IDEMPOTENCY_HEADER].to_str().unwrap().to_owned();
                    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
                    assert_eq!(json["post_id"].as_str(), Some(key.as_str()));
                    *seen.lock().unwrap().entry(key.clone()).or_default() += 1;
                    (
                        AxumStatus::OK,
                        axum::Json(serde_json::json!({"external_post_id": format!("ext-{key}")})),
                    )
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/publish", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    }

    fn counts(&self) -> HashMap<String, usize> {
        self.seen.lock().unwrap().clone()
    }
}

fn config(lease: Duration, max_attempts: i32, backoff: Duration) -> WorkerConfig {
    WorkerConfig {
        batch: 10,
        lease,
        max_attempts,
        backoff,
        poll: Duration::from_millis(50),
    }
}

/// An organization with one video and `n` posts due a minute ago.
async fn seed(app: &TestApp, n: usize) -> (OrgScope, Vec<PostId>) {
    let (_, scope, ids) = seed_with_owner(app, n).await;
    (scope, ids)
}

/// [`seed`], with the owner's account (to act on the organization through the API).
async fn seed_with_owner(app: &TestApp, n: usize) -> (Account, OrgScope, Vec<PostId>) {
    let acct = app.signup("w@example.com", "Worker").await;
    let scope = OrgScope::trusted(acct.organization_id.parse::<OrganizationId>().unwrap());
    let user: UserId = acct.user_id.parse().unwrap();
    let due = Timestamp::from(chrono::Utc::now() - chrono::Duration::minutes(1));
    let ids = scheduled_posts(app.db(), &scope, user, n, due).await;
    (acct, scope, ids)
}

/// The receivers of these tests are on loopback.
const LOOPBACK: OutboundPolicy = OutboundPolicy {
    allow_private: true,
};

fn webhook(url: &str) -> WebhookPublisher {
    WebhookPublisher::new(
        url.to_owned(),
        SECRET.to_owned(),
        Duration::from_secs(10),
        None,
        LOOPBACK,
    )
}

/// The webhook publisher recording its calls as outbound API logs.
fn logged_webhook(url: &str, sink: ApiLogSink) -> WebhookPublisher {
    WebhookPublisher::new(
        url.to_owned(),
        SECRET.to_owned(),
        Duration::from_secs(10),
        Some(sink),
        LOOPBACK,
    )
}

/// Never answers: a worker stuck (then killed) in the middle of a publish.
struct Hangs;
impl Publisher for Hangs {
    async fn publish(&self, _: &PostWithVideo) -> Result<String, PublishError> {
        std::future::pending().await
    }
}

/// Takes `delay` per delivery and counts the ones that complete; answers `ext-<post id>`, or
/// the same `fixed` id for every post.
#[derive(Clone, Default)]
struct Counting {
    delay: Duration,
    fixed: Option<&'static str>,
    done: Arc<Mutex<HashMap<PostId, usize>>>,
}

impl Counting {
    fn slow(delay: Duration) -> Self {
        Counting {
            delay,
            ..Counting::default()
        }
    }

    fn deliveries(&self, id: PostId) -> usize {
        self.done.lock().unwrap().get(&id).copied().unwrap_or(0)
    }
}

impl Publisher for Counting {
    async fn publish(&self, post: &PostWithVideo) -> Result<String, PublishError> {
        tokio::time::sleep(self.delay).await;
        *self.done.lock().unwrap().entry(post.post.id).or_default() += 1;
        Ok(self
            .fixed
            .map_or_else(|| format!("ext-{}", post.post.id), str::to_owned))
    }
}

/// Always refuses.
struct Refuses;
impl Publisher for Refuses {
    async fn publish(&self, _: &PostWithVideo) -> Result<String, PublishError> {
        Err(PublishError("platform said no".into()))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_workers_publish_each_of_1000_due_posts_exactly_once() {
    let app = TestApp::spawn(Engine::Postgres, &[]).await;
    let (_, ids) = seed(&app, 1000).await;
    let receiver = Receiver::default();
    let url = receiver.start().await;
    let mut tasks = Vec::new();
    for _ in 0..4 {
        // Each worker has its own pool: separate connections, as on separate machines.
        let db = Db::connect(&app.t.url).await.unwrap();
        let worker = Worker::new(
            db,
            webhook(&url),
            config(Duration::from_secs(300), 5, Duration::from_secs(60)),
        );
        tasks.push(tokio::spawn(async move {
            let mut published = 0;
            loop {
                let outcome = worker.try_run_once().await.unwrap();
                assert_eq!((outcome.retried, outcome.failed, outcome.lost), (0, 0, 0));
                if outcome.is_idle() {
                    return published;
                }
                published += outcome.published;
            }
        }));
    }
    let mut per_worker = Vec::new();
    for task in tasks {
        per_worker.push(task.await.unwrap());
    }
    assert_eq!(per_worker.iter().sum::<usize>(), 1000, "{per_worker:?}");
    assert!(
        per_worker.iter().filter(|&&n| n > 0).count() >= 2,
        "the work was shared: {per_worker:?}"
    );
    let counts = receiver.counts();
    assert_eq!(counts.len(), 1000);
    assert!(
        ids.iter().all(|id| counts.get(&id.to_string()) == Some(&1)),
        "each post delivered exactly once"
    );
    assert_eq!(count(app.db(), "SELECT count(*) FROM posts WHERE status = 'published' AND external_post_id LIKE 'ext-%' AND locked_by IS NULL").await, 1000);
    assert_eq!(
        count(
            app.db(),
            "SELECT count(*) FROM posts WHERE status <> 'published'"
        )
        .await,
        0,
        "none left behind"
    );
    app.stop().await;
}

api_test! {
    async fn a_worker_killed_mid_publish_loses_its_lease_and_another_completes_the_post_once(app) {
        let (scope, ids) = seed(app, 1).await;
        let receiver = Receiver::default();
        let url = receiver.start().await;
        // Long enough that a loaded CI machine reaches the "live lease" check before it expires.
        let lease = Duration::from_secs(2);
        let stuck = Worker::new(app.db().clone(), Hangs, config(lease, 5, Duration::from_secs(60)));
        let stuck_id = stuck.id().to_owned();
        let task = tokio::spawn(async move { stuck.try_run_once().await });
        while count(app.db(), "SELECT count(*) FROM posts WHERE status = 'publishing'").await == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        task.abort(); // killed mid-publish: the lease stays behind
        let _ = task.await;

        let (sink, writer) = ApiLogSink::spawn(app.db().clone(), SinkConfig::default());
        let other = Worker::new(app.db().clone(), logged_webhook(&url, sink), config(lease, 5, Duration::from_secs(60)));
        assert!(other.try_run_once().await.unwrap().is_idle(), "a live lease is respected");
        tokio::time::sleep(lease + Duration::from_millis(200)).await;
        let outcome = other.try_run_once().await.unwrap();
        assert_eq!((outcome.claimed, outcome.published), (1, 1));
        assert!(other.try_run_once().await.unwrap().is_idle());
        assert_eq!(receiver.counts().get(&ids[0].to_string()), Some(&1));
        writer.shutdown().await;
        assert_eq!(count(app.db(), "SELECT count(*) FROM api_logs WHERE direction = 'outbound' AND service = 'webhook' AND status_code = 200").await, 1, "the publish is an outbound API log");
        let mut conn = app.db().conn().await.unwrap();
        let post = conn.posts(&scope).get(ids[0]).await.unwrap();
        assert_eq!((post.status, post.attempts), (PostStatus::Published, 2));
        // The killed worker, had it come back, could not overwrite the outcome.
        let late = renum_db::repo::Outcome::Failed { error: "late".into() };
        assert!(!conn.scheduler().finish(post.organization_id, post.id, &stuck_id, &late).await.unwrap());
        assert_eq!(conn.posts(&scope).get(ids[0]).await.unwrap().status, PostStatus::Published);
    }

    async fn failed_publishes_back_off_exponentially_then_fail_with_the_last_error(app) {
        let (scope, ids) = seed(app, 1).await;
        let backoff = Duration::from_secs(3600);
        let worker = Worker::new(app.db().clone(), Refuses, config(Duration::from_secs(60), 3, backoff));
        let mut conn = app.db().conn().await.unwrap();
        for attempt in 1..=2i32 {
            let before = chrono::Utc::now();
            let outcome = worker.try_run_once().await.unwrap();
            assert_eq!((outcome.claimed, outcome.retried), (1, 1));
            let post = conn.posts(&scope).get(ids[0]).await.unwrap();
            assert_eq!((post.status, post.attempts), (PostStatus::Scheduled, attempt));
            assert_eq!(post.last_error.as_deref(), Some("platform said no"));
            let delay = post.scheduled_at.as_datetime() - before;
            let expected = chrono::Duration::from_std(backoff * (1 << (attempt - 1))).unwrap();
            assert!(delay >= expected && delay < expected + chrono::Duration::seconds(5), "attempt {attempt}: {delay}");
            assert!(worker.try_run_once().await.unwrap().is_idle(), "not due before the backoff");
            let due_now = PostUpdate { scheduled_at: Some(Timestamp::now()), ..PostUpdate::default() };
            conn.posts(&scope).update(ids[0], &due_now).await.unwrap();
        }
        let outcome = worker.try_run_once().await.unwrap();
        assert_eq!((outcome.claimed, outcome.failed), (1, 1));
        let post = conn.posts(&scope).get(ids[0]).await.unwrap();
        assert_eq!((post.status, post.attempts, post.last_error.as_deref()), (PostStatus::Failed, 3, Some("platform said no")));
        assert!(worker.try_run_once().await.unwrap().is_idle());
    }
}

api_test! {
    async fn the_webhook_publisher_refuses_a_name_that_resolves_to_loopback(app) {
        let (scope, ids) = seed(app, 1).await;
        let receiver = Receiver::default();
        let url = receiver.start().await;
        // `localhost` passes no literal-address check: only the resolver can see 127.0.0.1.
        let url = format!("{}?token=hook-s3cret", url.replace("127.0.0.1", "localhost"));
        let guarded = WebhookPublisher::new(url.clone(), SECRET.to_owned(), Duration::from_secs(10), None, OutboundPolicy::default());
        let worker = Worker::new(app.db().clone(), guarded, config(Duration::from_secs(60), 5, Duration::from_secs(3600)));
        let outcome = worker.try_run_once().await.unwrap();
        assert_eq!((outcome.claimed, outcome.retried), (1, 1));
        assert!(receiver.counts().is_empty(), "nothing reached the receiver");
        let mut conn = app.db().conn().await.unwrap();
        let error = conn.posts(&scope).get(ids[0]).await.unwrap().last_error.unwrap();
        assert!(error.contains("localhost resolves to no public address"), "{error}");
        assert!(!error.contains("hook-s3cret") && !error.contains("http://"), "the URL is not in last_error: {error}");
        // The same receiver, allowed: the refusal above was the guard's.
        let due_now = PostUpdate { scheduled_at: Some(Timestamp::now()), ..PostUpdate::default() };
        conn.posts(&scope).update(ids[0], &due_now).await.unwrap();
        let allowed = Worker::new(app.db().clone(), webhook(&url), config(Duration::from_secs(60), 5, Duration::from_secs(3600)));
        assert_eq!(allowed.try_run_once().await.unwrap().published, 1);
        assert_eq!(receiver.counts().get(&ids[0].to_string()), Some(&1));
    }

    async fn an_unreachable_webhook_leaves_no_url_in_last_error(app) {
        let (scope, ids) = seed(app, 1).await;
        let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
        let worker = Worker::new(
            app.db().clone(),
            webhook(&format!("http://{closed}/hooks/tok-s3cret?token=q-s3cret")),
            config(Duration::from_secs(60), 5, Duration::from_secs(3600)),
        );
        assert_eq!(worker.try_run_once().await.unwrap().retried, 1);
        let mut conn = app.db().conn().await.unwrap();
        let error = conn.posts(&scope).get(ids[0]).await.unwrap().last_error.unwrap();
        assert!(error.starts_with("webhook unreachable: error sending request"), "{error}");
        assert!(!error.contains("s3cret") && !error.contains(&closed.to_string()), "{error}");
    }

    async fn a_redirect_to_a_refused_url_is_not_followed(app) {
        let (scope, ids) = seed(app, 1).await;
        let receiver = Receiver::default();
        let url = receiver.start().await;
        let target = url.replace("http://", "http://bot:pw-s3cret@");
        let redirects = axum::Router::new().route(
            "/moved",
            axum::routing::post(move || {
                let target = target.clone();
                async move { (AxumStatus::TEMPORARY_REDIRECT, [(axum::http::header::LOCATION, target)]) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let moved = format!("http://{}/moved", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, redirects).await.unwrap() });
        let worker = Worker::new(app.db().clone(), webhook(&moved), config(Duration::from_secs(60), 5, Duration::from_secs(3600)));
        assert_eq!(worker.try_run_once().await.unwrap().retried, 1);
        assert!(receiver.counts().is_empty(), "the redirect was not followed");
        let mut conn = app.db().conn().await.unwrap();
        let error = conn.posts(&scope).get(ids[0]).await.unwrap().last_error.unwrap();
        assert!(error.contains("redirect refused: the target must not carry credentials"), "{error}");
        assert!(!error.contains("s3cret"), "{error}");
    }
}

api_test! {
    async fn a_delivery_slower_than_the_lease_keeps_it_and_no_post_is_delivered_twice(app) {
        let (_, ids) = seed(app, 3).await;
        let lease = Duration::from_millis(600);
        // Every delivery takes 1.5 leases; a batch of three takes 4.5.
        let publisher = Counting::slow(lease * 3 / 2);
        let slow = Worker::new(app.db().clone(), publisher.clone(), config(lease, 5, Duration::from_secs(3600)));
        let other = Worker::new(app.db().clone(), publisher.clone(), config(lease, 5, Duration::from_secs(3600)));
        let first = tokio::spawn(async move { slow.try_run_once().await.unwrap() });
        while count(app.db(), "SELECT count(*) FROM posts WHERE status = 'publishing'").await < 3 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let started = std::time::Instant::now();
        let mut second = renum::worker::Outcome::default();
        while started.elapsed() < lease * 8 {
            let round = other.try_run_once().await.unwrap();
            second.claimed += round.claimed;
            second.published += round.published;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let first = first.await.unwrap();
        assert_eq!(first.claimed, 3, "the first worker claimed the whole batch");
        assert_eq!(first.published + second.published, 3, "{first:?} {second:?}");
        assert_eq!(first.published + first.lost, 3, "what it did not publish it skipped: {first:?}");
        for id in &ids {
            assert_eq!(publisher.deliveries(*id), 1, "post {id} delivered once");
        }
        assert_eq!(count(app.db(), "SELECT count(*) FROM posts WHERE status = 'published'").await, 3);
    }

    async fn a_platform_id_another_post_holds_fails_the_post_instead_of_redelivering_it(app) {
        let (scope, ids) = seed(app, 2).await;
        let publisher = Counting { fixed: Some("same-id"), ..Counting::default() };
        let worker = Worker::new(app.db().clone(), publisher.clone(), config(Duration::from_millis(300), 5, Duration::from_secs(3600)));
        let outcome = worker.try_run_once().await.unwrap();
        assert_eq!((outcome.claimed, outcome.published, outcome.failed), (2, 1, 1), "{outcome:?}");
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(worker.try_run_once().await.unwrap().is_idle(), "nothing is left under a lease to redeliver");
        let mut conn = app.db().conn().await.unwrap();
        let mut posts = Vec::new();
        for id in &ids {
            posts.push(conn.posts(&scope).get(*id).await.unwrap());
        }
        let failed: Vec<_> = posts.iter().filter(|p| p.status == PostStatus::Failed).collect();
        assert_eq!(failed.len(), 1);
        let error = failed[0].last_error.as_deref().unwrap();
        assert!(error.contains("same-id") && error.contains("posts_platform_external_post_id_key"), "{error}");
        assert_eq!(ids.iter().map(|id| publisher.deliveries(*id)).sum::<usize>(), 2, "each delivered once");
    }

    async fn posts_of_an_organization_deleted_mid_batch_are_not_delivered(app) {
        let (owner, scope, ids) = seed_with_owner(app, 2).await;
        let lease = Duration::from_millis(600);
        let publisher = Counting::slow(Duration::from_millis(1500));
        let worker = Worker::new(app.db().clone(), publisher.clone(), config(lease, 5, Duration::from_secs(3600)));
        let round = tokio::spawn(async move { worker.try_run_once().await.unwrap() });
        while count(app.db(), "SELECT count(*) FROM posts WHERE status = 'publishing'").await < 2 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let (status, _) = app.call(reqwest::Method::DELETE, "/v1/organization", Some(&owner.token),
            Some(serde_json::json!({"confirm_slug": owner.slug}))).await;
        assert_eq!(status, reqwest::StatusCode::NO_CONTENT);
        let outcome = round.await.unwrap();
        assert_eq!((outcome.claimed, outcome.published, outcome.lost), (2, 0, 2), "{outcome:?}");
        assert_eq!(ids.iter().map(|id| publisher.deliveries(*id)).sum::<usize>(), 0, "the delivery in flight was abandoned");
        let mut conn = app.db().conn().await.unwrap();
        for id in &ids {
            assert_eq!(conn.posts(&scope).get(*id).await.unwrap().status, PostStatus::Cancelled);
        }
    }

    async fn a_post_whose_leases_keep_running_out_fails_after_max_attempts(app) {
        let (scope, ids) = seed(app, 1).await;
        let lease = Duration::from_millis(300);
        for claimed in ["SELECT count(*) FROM posts WHERE attempts = 1", "SELECT count(*) FROM posts WHERE attempts = 2"] {
            // A worker that dies mid-delivery, twice.
            let stuck = Worker::new(app.db().clone(), Hangs, config(lease, 2, Duration::from_secs(3600)));
            let task = tokio::spawn(async move { stuck.try_run_once().await });
            while count(app.db(), claimed).await == 0 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            task.abort();
            let _ = task.await;
            tokio::time::sleep(lease + Duration::from_millis(100)).await;
        }
        let publisher = Counting::default();
        let worker = Worker::new(app.db().clone(), publisher.clone(), config(lease, 2, Duration::from_secs(3600)));
        let outcome = worker.try_run_once().await.unwrap();
        assert_eq!((outcome.claimed, outcome.failed), (1, 1), "{outcome:?}");
        assert_eq!(publisher.deliveries(ids[0]), 0);
        let post = app.db().conn().await.unwrap().posts(&scope).get(ids[0]).await.unwrap();
        assert_eq!((post.status, post.attempts), (PostStatus::Failed, 3));
        assert_eq!(post.last_error.as_deref(), Some("no outcome after 2 attempts"));
    }
}

/// A failed post scheduled again through the API.
async fn retry(app: &TestApp, owner: &Account, id: PostId) {
    let (status, body) = app
        .call(
            reqwest::Method::POST,
            &format!("/v1/posts/{id}/retry"),
            Some(&owner.token),
            None,
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");
}

api_test! {
    async fn the_worker_counts_claims_publishes_failures_and_lease_losses_on_the_servers_metrics(app) {
        let (owner, _, ids) = seed_with_owner(app, 2).await;
        let metrics = app.metrics().worker;
        // Two attempts each: the first is retried (no backoff), the second ends the post failed.
        let refuses = Worker::new(app.db().clone(), Refuses, config(Duration::from_secs(60), 2, Duration::ZERO))
            .with_metrics(metrics.clone());
        assert_eq!((refuses.try_run_once().await.unwrap().retried, refuses.try_run_once().await.unwrap().failed), (2, 2));
        retry(app, &owner, ids[0]).await;
        let publishes = Worker::new(app.db().clone(), Counting::default(), config(Duration::from_secs(60), 2, Duration::ZERO))
            .with_metrics(metrics.clone());
        assert_eq!(publishes.try_run_once().await.unwrap().published, 1);
        // A delivery still running when its organization is deleted loses the lease.
        retry(app, &owner, ids[1]).await;
        let slow = Worker::new(app.db().clone(), Counting::slow(Duration::from_millis(1500)), config(Duration::from_millis(600), 2, Duration::ZERO))
            .with_metrics(metrics);
        let round = tokio::spawn(async move { slow.try_run_once().await.unwrap() });
        while count(app.db(), "SELECT count(*) FROM posts WHERE status = 'publishing'").await == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let (status, _) = app.call(reqwest::Method::DELETE, "/v1/organization", Some(&owner.token),
            Some(serde_json::json!({"confirm_slug": owner.slug}))).await;
        assert_eq!(status, reqwest::StatusCode::NO_CONTENT);
        assert_eq!(round.await.unwrap().lost, 1);

        let page = crate::metrics::scrape(app).await;
        assert_eq!(page.get("renum_worker_claims_total", &[]), 6.0, "2 + 2 refused, 1 published, 1 lost");
        assert_eq!(page.get("renum_worker_published_total", &[]), 1.0);
        assert_eq!(page.get("renum_worker_failures_total", &[("outcome", "retried")]), 2.0);
        assert_eq!(page.get("renum_worker_failures_total", &[("outcome", "failed")]), 2.0);
        assert_eq!(page.get("renum_worker_lease_losses_total", &[]), 1.0);
    }
}
