//! The clip pipeline against the OpusClip simulator, on each engine: upload → clip project →
//! poll → clips stored once → a post of a clip published; refusals (no key, no source URL,
//! bad options); faults (429 storms within the limit, 5xx bursts, timeouts, malformed bodies,
//! a stalled project); and the webhook racing the poller. Clocks are milliseconds.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use renum::app::clips::{ClipService, Step};
use renum::app::outbound::OutboundPolicy;
use renum::opusclip::sim::{Faults, OpusClipSim, STALL_REASON, SimConfig, SimHandle};
use renum::opusclip::{ClientConfig, OpusClipClient, RateQuota};
use renum::worker::{LogPublisher, Worker, WorkerConfig};
use renum_db::{Access, Engine};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, count, error_code};

/// The simulator's (and the client's) quota in these tests: 30 per 2 s, the real limit on a
/// faster clock.
const WINDOW: Duration = Duration::from_secs(2);

async fn sim(stage_interval: Duration, clips: usize) -> SimHandle {
    sim_with(SimConfig {
        stage_interval,
        clips_per_project: clips,
        ..SimConfig::default()
    })
    .await
}

async fn sim_with(config: SimConfig) -> SimHandle {
    let config = SimConfig {
        quota: RateQuota::new(30, WINDOW),
        ..config
    };
    OpusClipSim::spawn(config, "127.0.0.1:0".parse::<SocketAddr>().unwrap())
        .await
        .unwrap()
}

async fn app(engine: Engine, sim: &SimHandle, extra: &[&str]) -> TestApp {
    let base = sim.base_url();
    let mut args = vec![
        // The simulator is on loopback.
        "--allow-private-urls",
        "--opusclip-base-url",
        &base,
        "--opusclip-timeout",
        "2s",
        "--opusclip-backoff",
        "20ms",
        "--opusclip-rate-limit",
        "30",
        "--opusclip-rate-window",
        "2s",
        "--clip-poll-interval",
        "20ms",
        "--clip-poll-max-interval",
        "100ms",
    ];
    args.extend_from_slice(extra);
    TestApp::spawn(engine, &args).await
}

/// An owner whose organization has its own OpusClip key (the limiter is per key, so tests
/// running side by side do not share a bucket).
async fn account(app: &TestApp, email: &str) -> Account {
    let acct = app.signup(email, "Clips").await;
    let key = format!("key-{}", acct.organization_id);
    let (status, body) = app
        .call(
            Method::PUT,
            "/v1/organization/integrations/opusclip",
            Some(&acct.token),
            Some(json!({"api_key": key})),
        )
        .await;
    assert!(status.is_success(), "{body}");
    acct
}

async fn upload(app: &TestApp, acct: &Account) -> String {
    let (status, video) = app
        .call(
            Method::POST,
            "/v1/videos",
            Some(&acct.token),
            Some(json!({"title": "Launch talk", "video_raw_url": "https://media.example/talk.mp4", "module_type": "upload"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{video}");
    video["id"].as_str().unwrap().to_owned()
}

async fn start(app: &TestApp, acct: &Account, video: &str) -> Value {
    let (status, project) = app
        .call(
            Method::POST,
            &format!("/v1/videos/{video}/clip-projects"),
            Some(&acct.token),
            Some(json!({"clip_duration": [30, 60], "aspect_ratio": "portrait", "keywords": ["pricing"], "genre": "Podcast"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{project}");
    project
}

/// Polls until the project is no longer processing (at most `limit`).
async fn poll_until_concluded(
    app: &TestApp,
    clips: &ClipService,
    acct: &Account,
    project: &str,
    limit: Duration,
) -> Value {
    let started = Instant::now();
    loop {
        clips.poll_once(app.db()).await.unwrap();
        let (_, p) = app
            .call(
                Method::GET,
                &format!("/v1/clip-projects/{project}"),
                Some(&acct.token),
                None,
            )
            .await;
        if p["status"] != "processing" {
            return p;
        }
        assert!(
            started.elapsed() < limit,
            "still processing after {limit:?}: {p}"
        );
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
}

async fn clips_of(app: &TestApp, acct: &Account, video: &str) -> Vec<Value> {
    let (status, body) = app
        .call(
            Method::GET,
            &format!("/v1/videos/{video}/clips"),
            Some(&acct.token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().clone()
}

async fn video_status(app: &TestApp, acct: &Account, video: &str) -> String {
    let (_, v) = app
        .call(
            Method::GET,
            &format!("/v1/videos/{video}"),
            Some(&acct.token),
            None,
        )
        .await;
    v["status"].as_str().unwrap().to_owned()
}

/// `mod <name> { postgres, sqlite }`.
macro_rules! clip_test {
    ($($(#[$meta:meta])* async fn $name:ident($engine:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($engine: Engine) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                body(Engine::Postgres).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                body(Engine::Sqlite).await;
            }
        }
    )*};
}

clip_test! {
    async fn upload_to_clips_to_a_published_post(engine) {
        let sim = sim(Duration::from_millis(25), 4).await;
        let mut app = app(engine, &sim, &[]).await;
        let acct = account(&app, "e2e@example.com").await;
        let video = upload(&app, &acct).await;
        let project = start(&app, &acct, &video).await;
        assert_eq!(project["status"], "processing");
        assert!(project["opusclip_project_id"].as_str().unwrap().starts_with('P'));
        assert_eq!(project["options"]["clip_duration"], json!([30, 60]));
        assert_eq!(video_status(&app, &acct, &video).await, "processing");
        // The same video cannot be sent twice while it is processing.
        let (status, body) = app
            .call(Method::POST, &format!("/v1/videos/{video}/clip-projects"), Some(&acct.token), Some(json!({})))
            .await;
        assert_eq!(error_code(status, &body, StatusCode::CONFLICT), "illegal_transition");

        let clips = app.clips();
        let id = project["id"].as_str().unwrap();
        let done = poll_until_concluded(&app, &clips, &acct, id, Duration::from_secs(10)).await;
        assert_eq!(done["status"], "completed", "{done}");
        assert_eq!(done["stage"], "COMPLETE");
        assert_eq!(done["progress"], 1.0);
        assert_eq!(video_status(&app, &acct, &video).await, "ready");

        let stored = clips_of(&app, &acct, &video).await;
        assert_eq!(stored.len(), 4);
        let provider = done["opusclip_project_id"].as_str().unwrap();
        for (i, clip) in stored.iter().enumerate() {
            assert_eq!(clip["module_type"], "clip");
            assert_eq!(clip["status"], "ready");
            assert_eq!(clip["parent_video_id"], video.as_str());
            let clip_id = clip["opusclip_clip_id"].as_str().unwrap();
            assert!(clip_id.starts_with(&format!("{provider}.CU{:04}", i + 1)), "provider order: {clip_id}");
            let seconds = clip["duration_seconds"].as_f64().unwrap();
            assert!((30.0..61.0).contains(&seconds), "{seconds}");
            assert!(clip["video_processed_url"].as_str().unwrap().ends_with("/ehd.mp4"));
            assert!(!clip["description"].as_str().unwrap().is_empty());
            assert_eq!(clip["hashtags"], json!(["pricing", "Shorts"]));
        }
        // Following a concluded project again (a late webhook) changes nothing.
        let again = clips.follow(app.db(), {
            let mut conn = app.db().conn().await.unwrap();
            conn.clip_poller().find(id.parse().unwrap()).await.unwrap().unwrap().1
        }).await.unwrap();
        assert_eq!(again, Step::Concluded);
        assert_eq!(count(app.db(), "SELECT COUNT(*) FROM videos WHERE module_type = 'clip'").await, 4);

        // A post of the first clip, scheduled, then published by the publisher.
        let clip = &stored[0];
        let at = (chrono::Utc::now() + chrono::Duration::milliseconds(300)).to_rfc3339();
        let (status, post) = app
            .call(Method::POST, "/v1/posts", Some(&acct.token), Some(json!({
                "video_id": clip["id"], "platform": "tiktok",
                "description": clip["description"], "hashtags": clip["hashtags"], "scheduled_at": at,
            })))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{post}");
        tokio::time::sleep(Duration::from_millis(350)).await;
        let worker = Worker::new(app.db().clone(), LogPublisher, WorkerConfig {
            batch: 10, lease: Duration::from_secs(60), max_attempts: 3,
            backoff: Duration::from_millis(10), poll: Duration::from_millis(10),
        });
        assert_eq!(worker.try_run_once().await.unwrap().published, 1);
        let (_, post) = app
            .call(Method::GET, &format!("/v1/posts/{}", post["id"].as_str().unwrap()), Some(&acct.token), None)
            .await;
        assert_eq!(post["status"], "published", "{post}");
        assert_eq!(post["video"]["processed_url"], clip["video_processed_url"]);

        // Every provider call is in api_logs, the key nowhere.
        let key = format!("key-{}", acct.organization_id);
        app.shutdown().await;
        let logged = count(app.db(), "SELECT COUNT(*) FROM api_logs WHERE service = 'opusclip' AND direction = 'outbound'").await;
        assert!(logged >= 3, "{logged} outbound opusclip calls logged");
        let leaked: i64 = match app.db() {
            renum_db::Db::Postgres(p) => sqlx::query_scalar("SELECT COUNT(*) FROM api_logs WHERE COALESCE(request_body::text, '') || COALESCE(response_body::text, '') LIKE '%' || $1 || '%'").bind(&key).fetch_one(p).await.unwrap(),
            renum_db::Db::Sqlite(p) => sqlx::query_scalar("SELECT COUNT(*) FROM api_logs WHERE COALESCE(request_body, '') || COALESCE(response_body, '') LIKE '%' || $1 || '%'").bind(&key).fetch_one(p).await.unwrap(),
        };
        assert_eq!(leaked, 0);
        app.t.cleanup().await;
        sim.shutdown();
    }

    async fn refusals_say_what_to_fix(engine) {
        // The provider knows one key, which no organization here has.
        let sim = sim_with(SimConfig { keys: vec!["the-only-key".into()], ..SimConfig::default() }).await;
        let app = app(engine, &sim, &[]).await;
        let acct = app.signup("refuse@example.com", "Refusals").await;
        let video = upload(&app, &acct).await;
        let path = format!("/v1/videos/{video}/clip-projects");
        // No key: 409 naming the endpoint that configures it; the video stays a draft.
        let (status, body) = app.call(Method::POST, &path, Some(&acct.token), Some(json!({}))).await;
        assert_eq!(error_code(status, &body, StatusCode::CONFLICT), "opusclip_not_configured");
        assert!(body["error"]["message"].as_str().unwrap().contains("PUT /v1/organization/integrations/opusclip"));
        assert_eq!(video_status(&app, &acct, &video).await, "draft");
        let key = format!("key-{}", acct.organization_id);
        app.call(Method::PUT, "/v1/organization/integrations/opusclip", Some(&acct.token), Some(json!({"api_key": key}))).await;
        // Bad options.
        let (status, body) = app.call(Method::POST, &path, Some(&acct.token), Some(json!({"clip_duration": [5, 10]}))).await;
        assert_eq!(error_code(status, &body, StatusCode::BAD_REQUEST), "invalid_field");
        // No source URL.
        let (_, bare) = app.call(Method::POST, "/v1/videos", Some(&acct.token), Some(json!({"title": "Bare"}))).await;
        let (status, body) = app
            .call(Method::POST, &format!("/v1/videos/{}/clip-projects", bare["id"].as_str().unwrap()), Some(&acct.token), Some(json!({})))
            .await;
        assert_eq!(error_code(status, &body, StatusCode::CONFLICT), "no_source_url");
        // Another organization's video does not exist.
        let other = account(&app, "other@example.com").await;
        let (status, body) = app.call(Method::POST, &path, Some(&other.token), Some(json!({}))).await;
        error_code(status, &body, StatusCode::NOT_FOUND);
        let (status, body) = app.call(Method::GET, &format!("/v1/videos/{video}/clips"), Some(&other.token), None).await;
        error_code(status, &body, StatusCode::NOT_FOUND);
        assert_eq!(sim.stats().unauthorized, 0, "nothing above reached the provider");
        // A key the provider refuses: 409 saying so, and the project and the video fail.
        let (status, body) = app.call(Method::POST, &path, Some(&acct.token), Some(json!({}))).await;
        assert_eq!(error_code(status, &body, StatusCode::CONFLICT), "opusclip_key_rejected");
        assert_eq!(video_status(&app, &acct, &video).await, "failed");
        let (_, list) = app.call(Method::GET, &path, Some(&acct.token), None).await;
        assert_eq!(list["items"][0]["status"], "failed");
        assert!(list["items"][0]["last_error"].as_str().unwrap().contains("API key was refused"), "{list}");
        assert_eq!(sim.stats().projects_created, 0);
        assert_eq!(sim.stats().unauthorized, 1, "a refused key is not retried");
        app.stop().await;
        sim.shutdown();
    }

    async fn a_stalled_project_fails_the_video_with_the_providers_reason(engine) {
        let sim = sim(Duration::from_millis(20), 3).await;
        sim.set_faults(Faults { failure_rate: 1.0, ..Faults::default() });
        let app = app(engine, &sim, &[]).await;
        let acct = account(&app, "stall@example.com").await;
        let video = upload(&app, &acct).await;
        let project = start(&app, &acct, &video).await;
        let done = poll_until_concluded(&app, &app.clips(), &acct, project["id"].as_str().unwrap(), Duration::from_secs(10)).await;
        assert_eq!(done["status"], "failed");
        assert_eq!(done["stage"], "STALLED");
        assert_eq!(done["last_error"], STALL_REASON);
        assert_eq!(video_status(&app, &acct, &video).await, "failed");
        assert!(clips_of(&app, &acct, &video).await.is_empty());
        // A failed video may be sent again; its projects show why the first attempt failed.
        sim.set_faults(Faults::default());
        let second = start(&app, &acct, &video).await;
        let (_, list) = app
            .call(Method::GET, &format!("/v1/videos/{video}/clip-projects"), Some(&acct.token), None)
            .await;
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{list}");
        assert_eq!(items[0]["id"], second["id"]);
        assert_eq!(items[1]["last_error"], STALL_REASON);
        app.stop().await;
        sim.shutdown();
    }

    async fn the_poller_counts_each_follow_by_the_step_it_led_to(engine) {
        let sim = sim(Duration::from_millis(15), 1).await;
        let app = app(engine, &sim, &[]).await;
        let acct = account(&app, "follows@example.com").await;
        let video = upload(&app, &acct).await;
        start(&app, &acct, &video).await;
        let clips = app.clips();
        let started = Instant::now();
        let mut follows = 0;
        loop {
            let steps = clips.poll_once(app.db()).await.unwrap();
            follows += steps.len();
            if steps.iter().any(|(_, step)| matches!(step, Step::Completed { .. })) {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(10), "not completed after {follows} follows");
            tokio::time::sleep(Duration::from_millis(15)).await;
        }
        let page = crate::metrics::scrape(&app).await;
        let follows_of = |via, step| page.get("renum_clip_follows_total", &[("step", step), ("via", via)]);
        assert_eq!(follows_of("poller", "completed"), 1.0);
        assert_eq!(follows_of("poller", "running") + 1.0, follows as f64, "{}", page.text);
        assert_eq!(follows_of("poller", "error") + follows_of("webhook", "completed"), 0.0);
        app.stop().await;
        sim.shutdown();
    }

    async fn faults_are_retried_and_the_work_completes(engine) {
        let sim = sim(Duration::from_millis(20), 3).await;
        let app = app(engine, &sim, &["--opusclip-timeout", "200ms"]).await;
        let acct = account(&app, "faults@example.com").await;
        let video = upload(&app, &acct).await;
        // A 5xx burst on creation is retried inside the call (a malformed answer to a create
        // is not: the project may exist, and a retry could create a second one).
        sim.set_faults(Faults { server_errors_next: 2, ..Faults::default() });
        let project = start(&app, &acct, &video).await;
        let id = project["id"].as_str().unwrap();
        // A provider slower than the timeout: the poll fails, is recorded, and is retried later.
        sim.set_faults(Faults { latency: Duration::from_millis(400), ..Faults::default() });
        let clips = app.clips();
        let steps = clips.poll_once(app.db()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(30)).await;
        let steps = if steps.is_empty() { clips.poll_once(app.db()).await.unwrap() } else { steps };
        assert_eq!(steps.len(), 1);
        let (_, p) = app.call(Method::GET, &format!("/v1/clip-projects/{id}"), Some(&acct.token), None).await;
        assert_eq!(p["status"], "processing");
        assert!(p["last_error"].as_str().unwrap().contains("no answer within"), "{p}");
        // A 5xx burst longer than one call's retries, then malformed listings: still completes.
        sim.set_faults(Faults { server_errors_next: 8, malformed_next: 3, ..Faults::default() });
        let done = poll_until_concluded(&app, &clips, &acct, id, Duration::from_secs(15)).await;
        assert_eq!(done["status"], "completed", "{done}");
        assert_eq!(done["last_error"], Value::Null);
        assert_eq!(clips_of(&app, &acct, &video).await.len(), 3);
        let stats = sim.stats();
        assert!(stats.server_errors >= 10 && stats.malformed >= 3, "{stats:?}");
        app.stop().await;
        sim.shutdown();
    }

    async fn a_429_storm_is_waited_out_within_the_limit(engine) {
        let sim = sim(Duration::from_millis(20), 2).await;
        let app = app(engine, &sim, &[]).await;
        let acct = account(&app, "storm@example.com").await;
        // Twelve videos sent at once, then followed to the end, after the provider has answered
        // a storm of 429s: more requests than one window allows, none refused for the quota.
        let mut videos = Vec::new();
        for _ in 0..12 {
            videos.push(upload(&app, &acct).await);
        }
        sim.set_faults(Faults { rate_limited_next: 3, ..Faults::default() });
        let started = Instant::now();
        let mut starts = Vec::new();
        for v in &videos {
            let (client, base, token, v) = (app.client.clone(), app.base.clone(), acct.token.clone(), v.clone());
            starts.push(tokio::spawn(async move {
                let resp = client.post(format!("{base}/v1/videos/{v}/clip-projects")).bearer_auth(token).json(&json!({})).send().await.unwrap();
                assert_eq!(resp.status(), StatusCode::CREATED);
                let body: Value = resp.json().await.unwrap();
                body["id"].as_str().unwrap().to_owned()
            }));
        }
        let mut projects = Vec::new();
        for s in starts {
            projects.push(s.await.unwrap());
        }
        let clips = app.clips();
        for p in &projects {
            let done = poll_until_concluded(&app, &clips, &acct, p, Duration::from_secs(20)).await;
            assert_eq!(done["status"], "completed", "{done}");
        }
        for v in &videos {
            assert_eq!(clips_of(&app, &acct, v).await.len(), 2);
        }
        let stats = sim.stats();
        eprintln!("429 storm: {stats:?} in {:?}", started.elapsed());
        assert_eq!(stats.injected_429, 3);
        assert!(stats.accepted > 30, "the work must need more than one window: {stats:?}");
        assert_eq!(stats.rate_limited, 0, "renum went past the quota: {stats:?}");
        assert!(stats.max_in_window <= 30, "{stats:?}");
        assert!(started.elapsed() < Duration::from_secs(20));
        app.stop().await;
        sim.shutdown();
    }

    async fn the_webhook_and_the_poller_racing_store_each_clip_once(engine) {
        let sim = sim(Duration::from_millis(15), 5).await;
        // No callback from the provider and a long first poll: the racers below come first.
        let app = app(engine, &sim, &["--clip-poll-interval", "1h"]).await;
        let acct = account(&app, "race@example.com").await;
        let video = upload(&app, &acct).await;
        let project = start(&app, &acct, &video).await;
        let id: renum_db::ids::ClipProjectId = project["id"].as_str().unwrap().parse().unwrap();
        let clips = app.clips();
        // A forged callback is refused.
        let (status, body) = app
            .call(Method::POST, &format!("/v1/webhooks/opusclip?project={id}&token={}", "0".repeat(64)), None, Some(json!({})))
            .await;
        error_code(status, &body, StatusCode::UNAUTHORIZED);
        // Once the provider has completed it: callbacks and pollers at once.
        tokio::time::sleep(Duration::from_millis(15 * 8 + 30)).await;
        let make_due = match app.db() {
            renum_db::Db::Postgres(p) => sqlx::query("UPDATE clip_projects SET next_poll_at = now() - interval '1 second'").execute(p).await.map(|_| ()),
            renum_db::Db::Sqlite(p) => sqlx::query("UPDATE clip_projects SET next_poll_at = '2000-01-01T00:00:00.000000Z'").execute(p).await.map(|_| ()),
        };
        make_due.unwrap();
        let url = format!("{}/v1/webhooks/opusclip?project={id}&token={}", app.base, clips.webhook_token(id));
        let mut racers = Vec::new();
        for i in 0..6 {
            let (url, clips, db) = (url.clone(), clips.clone(), app.db().clone());
            racers.push(tokio::spawn(async move {
                if i % 2 == 0 {
                    let resp = reqwest::Client::new().post(url).json(&json!({"stage": "COMPLETE"})).send().await.unwrap();
                    assert_eq!(resp.status(), StatusCode::OK);
                    let body: Value = resp.json().await.unwrap();
                    body["outcome"].as_str().unwrap().to_owned()
                } else {
                    match clips.poll_once(&db).await.unwrap().first() {
                        Some((_, Step::Completed { .. })) => "completed".to_owned(),
                        Some((_, step)) => format!("{step:?}"),
                        None => "none".to_owned(),
                    }
                }
            }));
        }
        let mut outcomes = Vec::new();
        for r in racers {
            outcomes.push(r.await.unwrap());
        }
        eprintln!("race outcomes: {outcomes:?}");
        assert_eq!(outcomes.iter().filter(|o| *o == "completed").count(), 1, "{outcomes:?}");
        let stored = clips_of(&app, &acct, &video).await;
        assert_eq!(stored.len(), 5, "{outcomes:?}");
        assert_eq!(count(app.db(), "SELECT COUNT(*) FROM videos WHERE module_type = 'clip'").await, 5);
        assert_eq!(count(app.db(), "SELECT COUNT(DISTINCT opusclip_clip_id) FROM videos WHERE module_type = 'clip'").await, 5);
        assert_eq!(video_status(&app, &acct, &video).await, "ready");
        app.stop().await;
        sim.shutdown();
    }

    async fn the_providers_callback_completes_a_project_without_polling(engine) {
        let sim = sim(Duration::from_millis(15), 2).await;
        let app = app(engine, &sim, &["--public-url", "{base}", "--clip-poll-interval", "1h"]).await;
        let acct = account(&app, "callback@example.com").await;
        let video = upload(&app, &acct).await;
        let project = start(&app, &acct, &video).await;
        let id = project["id"].as_str().unwrap();
        let started = Instant::now();
        loop {
            let (_, p) = app.call(Method::GET, &format!("/v1/clip-projects/{id}"), Some(&acct.token), None).await;
            if p["status"] == "completed" {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(5), "no callback: {p}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(sim.stats().webhooks_sent, 1);
        let follows = crate::metrics::scrape(&app).await;
        assert_eq!(follows.get("renum_clip_follows_total", &[("step", "completed"), ("via", "webhook")]), 1.0);
        assert_eq!(clips_of(&app, &acct, &video).await.len(), 2);
        assert_eq!(video_status(&app, &acct, &video).await, "ready");
        // The secret of the callback URL is not in the logged create command.
        let mut app = app;
        app.shutdown().await;
        let leaked = count(app.db(), "SELECT COUNT(*) FROM api_logs WHERE request_body IS NOT NULL AND CAST(request_body AS TEXT) LIKE '%token=%'").await;
        assert_eq!(leaked, 0);
        app.t.cleanup().await;
        sim.shutdown();
    }
}

/// An OpusClip base URL that refuses connections and carries a token in its path (some
/// gateways take one there).
async fn unreachable_base() -> String {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    format!("http://{closed}/gw-s3cret/api")
}

#[track_caller]
fn assert_no_url(text: &str) {
    assert!(
        !text.contains("s3cret") && !text.contains("http://"),
        "a URL leaked: {text}"
    );
}

clip_test! {
    async fn a_provider_that_cannot_be_reached_leaves_no_url_in_the_409_or_last_error(engine) {
        let sim = sim(Duration::from_millis(20), 2).await;
        let base = unreachable_base().await;
        // The create call fails: the 409 body and the failed project's last_error.
        let broken = app(engine, &sim, &["--opusclip-base-url", &base, "--opusclip-backoff", "1ms"]).await;
        let acct = account(&broken, "unreachable@example.com").await;
        let video = upload(&broken, &acct).await;
        let path = format!("/v1/videos/{video}/clip-projects");
        let (status, body) = broken.call(Method::POST, &path, Some(&acct.token), Some(json!({}))).await;
        assert_eq!(error_code(status, &body, StatusCode::CONFLICT), "opusclip_unavailable");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("connection failed: error sending request"), "{message}");
        assert_no_url(message);
        let (_, list) = broken.call(Method::GET, &path, Some(&acct.token), None).await;
        assert_eq!(list["items"][0]["status"], "failed");
        assert_no_url(list["items"][0]["last_error"].as_str().unwrap());
        broken.stop().await;
        // A poll fails: the processing project's last_error.
        let app = app(engine, &sim, &[]).await;
        let acct = account(&app, "poll-unreachable@example.com").await;
        let video = upload(&app, &acct).await;
        let project = start(&app, &acct, &video).await;
        let clips = app.clips();
        let poller = ClipService {
            client: OpusClipClient::new(
                ClientConfig {
                    base_url: base.clone(),
                    backoff: Duration::from_millis(1),
                    max_attempts: 2,
                    outbound: OutboundPolicy { allow_private: true },
                    ..ClientConfig::default()
                },
                None,
            ),
            ..clips
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(poller.poll_once(app.db()).await.unwrap().len(), 1);
        let (_, p) = app.call(Method::GET, &format!("/v1/clip-projects/{}", project["id"].as_str().unwrap()), Some(&acct.token), None).await;
        assert_eq!(p["status"], "processing");
        let error = p["last_error"].as_str().unwrap();
        assert!(error.contains("connection failed"), "{error}");
        assert_no_url(error);
        app.stop().await;
        sim.shutdown();
    }

}
