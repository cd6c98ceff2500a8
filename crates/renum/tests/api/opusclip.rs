//! The OpusClip client against the simulator: the stage sequence and clips, the per-key
//! limit, retries (429 with Retry-After, 5xx, timeouts), no retry on other 4xx, malformed
//! bodies, and the outbound API logs without the key.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use renum::api_log::{ApiLogSink, SinkConfig};
use renum::app::outbound::OutboundPolicy;
use renum::opusclip::sim::{
    Faults, OpusClipSim, STALL_REASON, SimConfig, SimHandle, sample_command,
};
use renum::opusclip::types::{ConclusionAction, ConclusionActionType};
use renum::opusclip::{
    ApiKey, ClientConfig, Credentials, ErrorKind, Operation, OpusClipClient, RateQuota, Stage,
};
use renum_db::ids::OrganizationId;
use renum_db::testing::TestDb;
use renum_db::{Access, Engine, OrgScope};

const KEY: &str = "sim-key-1";

async fn sim(config: SimConfig) -> SimHandle {
    let config = SimConfig {
        keys: vec![KEY.into(), "sim-key-limit".into(), "sim-key-storm".into()],
        exhausted_keys: vec!["sim-key-broke".into()],
        ..config
    };
    OpusClipSim::spawn(config, "127.0.0.1:0".parse::<SocketAddr>().unwrap())
        .await
        .unwrap()
}

fn client(sim: &SimHandle, tweak: impl FnOnce(&mut ClientConfig)) -> OpusClipClient {
    // The simulator is on loopback.
    let loopback = OutboundPolicy {
        allow_private: true,
    };
    client_with(sim, loopback, tweak)
}

fn client_with(
    sim: &SimHandle,
    outbound: OutboundPolicy,
    tweak: impl FnOnce(&mut ClientConfig),
) -> OpusClipClient {
    let mut config = ClientConfig {
        base_url: sim.base_url(),
        timeout: Duration::from_secs(5),
        backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(100),
        // Tests that are not about the limit are not slowed by it.
        quota: RateQuota::new(1000, Duration::from_secs(1)),
        outbound,
        ..ClientConfig::default()
    };
    tweak(&mut config);
    OpusClipClient::new(config, None)
}

fn creds(key: &str) -> Credentials {
    Credentials {
        key: ApiKey::new(key),
        organization: None,
    }
}

#[tokio::test]
async fn a_project_runs_through_the_stages_and_exposes_its_clips() {
    let sim = sim(SimConfig {
        stage_interval: Duration::from_millis(40),
        clips_per_project: 7,
        ..SimConfig::default()
    })
    .await;
    let client = client(&sim, |_| {});
    let creds = creds(KEY);
    let project = client
        .create_project(&creds, &sample_command())
        .await
        .unwrap();
    assert_eq!(project.stage, Stage::Pending);
    assert_eq!(project.id, project.project_id);
    // Unknown fields are kept.
    assert_eq!(project.extra["productTier"], "PRO");
    assert_eq!(project.extra["renderPref"]["layoutAspectRatio"], "square");
    assert!(
        client
            .all_clips(&creds, &project.id)
            .await
            .unwrap()
            .is_empty()
    );

    let mut seen = vec![project.stage.clone()];
    while !seen.last().unwrap().is_final() {
        tokio::time::sleep(Duration::from_millis(15)).await;
        let stage = client.get_project(&creds, &project.id).await.unwrap().stage;
        if *seen.last().unwrap() != stage {
            seen.push(stage);
        }
    }
    let order = |s: &Stage| Stage::SEQUENCE.iter().position(|x| x == s).unwrap();
    assert!(
        seen.windows(2).all(|w| order(&w[0]) < order(&w[1])),
        "{seen:?}"
    );
    assert_eq!(seen.last(), Some(&Stage::Complete));

    let mut paged = Vec::new();
    for page in 1..=4 {
        let batch = client
            .list_clips(&creds, &project.id, page, 3)
            .await
            .unwrap();
        assert_eq!(batch.len(), [3, 3, 1, 0][page as usize - 1]);
        paged.extend(batch);
    }
    let all = client.all_clips(&creds, &project.id).await.unwrap();
    assert_eq!(all, paged, "pages concatenate to the full list, in order");
    for clip in &all {
        assert_eq!(clip.id, format!("{}.{}", project.id, clip.curation_id));
        assert!(
            (30_000.0..61_000.0).contains(&clip.duration_ms),
            "{}",
            clip.duration_ms
        );
        assert_eq!(clip.keywords, ["pricing"]);
        assert_eq!(clip.genre.as_deref(), Some("Podcast"));
        assert_eq!(clip.hashtag_list(), ["pricing", "Shorts"]);
        assert!(
            clip.uri_for_preview
                .as_deref()
                .unwrap()
                .ends_with("/esd.mp4")
        );
        assert!(clip.extra.contains_key("runId") && clip.extra.contains_key("timeRanges"));
    }
    let file = client.download_clip(&creds, &all[0]).await.unwrap();
    assert!(String::from_utf8(file).unwrap().contains(&all[0].id));
    // A client that keeps to public hosts does not fetch the simulator's loopback CDN URL.
    let public_only = client_with(&sim, OutboundPolicy::default(), |_| {});
    let err = public_only
        .download_clip(&creds, &all[0])
        .await
        .unwrap_err();
    assert!(matches!(err.kind, ErrorKind::UnsafeUrl(_)), "{err}");
    sim.shutdown();
}

#[tokio::test]
async fn a_stalled_project_reports_the_providers_reason() {
    let sim = sim(SimConfig {
        stage_interval: Duration::from_millis(10),
        faults: Faults {
            failure_rate: 1.0,
            ..Faults::default()
        },
        ..SimConfig::default()
    })
    .await;
    let client = client(&sim, |_| {});
    let creds = creds(KEY);
    let project = client
        .create_project(&creds, &sample_command())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(60)).await;
    let project = client.get_project(&creds, &project.id).await.unwrap();
    assert_eq!(project.stage, Stage::Stalled);
    assert_eq!(project.error.as_deref(), Some(STALL_REASON));
    sim.shutdown();
}

#[tokio::test]
async fn the_conclusion_webhook_is_called_when_the_project_completes() {
    let received = Arc::new(Mutex::new(Vec::<serde_json::Value>::new()));
    let store = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |axum::Json(body): axum::Json<serde_json::Value>| {
            let store = store.clone();
            async move { store.lock().unwrap().push(body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let sim = sim(SimConfig {
        stage_interval: Duration::from_millis(10),
        ..SimConfig::default()
    })
    .await;
    let client = client(&sim, |_| {});
    let mut cmd = sample_command();
    cmd.conclusion_actions = vec![ConclusionAction {
        kind: ConclusionActionType::Webhook,
        notify_failure: Some(true),
        email: None,
        url: Some(hook),
    }];
    let project = client.create_project(&creds(KEY), &cmd).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while received.lock().unwrap().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let bodies = received.lock().unwrap().clone();
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0]["projectId"], project.id.as_str());
    assert_eq!(bodies[0]["stage"], "COMPLETE");
    sim.shutdown();
}

/// Two clients and ten tasks on one key: the simulator never sees more than the quota in
/// any window and never answers 429, and every call succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_key_limit_is_never_exceeded() {
    let quota = RateQuota::new(30, Duration::from_secs(2));
    let sim = sim(SimConfig {
        quota,
        ..SimConfig::default()
    })
    .await;
    let a = client(&sim, |c| c.quota = quota);
    let b = client(&sim, |c| c.quota = quota);
    let creds = creds("sim-key-limit");
    let project = a.create_project(&creds, &sample_command()).await.unwrap();
    let started = Instant::now();
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let client = if i % 2 == 0 { a.clone() } else { b.clone() };
            let (creds, id) = (creds.clone(), project.id.clone());
            tokio::spawn(async move {
                for _ in 0..4 {
                    client.get_project(&creds, &id).await.unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let stats = sim.stats();
    assert_eq!(stats.accepted, 41);
    assert_eq!(stats.rate_limited, 0, "{stats:?}");
    assert!(stats.max_in_window <= 30, "{stats:?}");
    // 41 requests at 30 per 2 s cannot all go at once.
    assert!(started.elapsed() > Duration::from_millis(800));
    sim.shutdown();
}

/// A 429 storm: the client waits out every `Retry-After` and the work completes; a
/// simulator stricter than the client's quota is also waited out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_is_waited_out() {
    let sim = sim(SimConfig {
        quota: RateQuota::new(4, Duration::from_secs(1)),
        faults: Faults {
            rate_limited_next: 2,
            ..Faults::default()
        },
        ..SimConfig::default()
    })
    .await;
    let client = client(&sim, |c| {
        c.quota = RateQuota::new(100, Duration::from_secs(1));
        c.max_attempts = 6;
    });
    let creds = creds("sim-key-storm");
    let started = Instant::now();
    let project = client
        .create_project(&creds, &sample_command())
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "Retry-After: 1, twice"
    );
    assert_eq!(sim.stats().injected_429, 2);

    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let (client, creds, id) = (client.clone(), creds.clone(), project.id.clone());
            tokio::spawn(async move { client.get_project(&creds, &id).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let stats = sim.stats();
    assert!(
        stats.rate_limited > 0,
        "the simulator's quota was hit: {stats:?}"
    );
    assert!(stats.max_in_window <= 4);
    sim.shutdown();
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    let sim = sim(SimConfig::default()).await;
    let client = client(&sim, |c| c.max_attempts = 3);
    let creds = creds(KEY);
    sim.set_faults(Faults {
        server_errors_next: 2,
        ..Faults::default()
    });
    let project = client
        .create_project(&creds, &sample_command())
        .await
        .unwrap();
    assert_eq!((sim.stats().server_errors, sim.stats().requests), (2, 3));

    sim.set_faults(Faults {
        server_errors_next: 10,
        ..Faults::default()
    });
    let err = client.get_project(&creds, &project.id).await.unwrap_err();
    assert_eq!(err.op, Operation::GetProject);
    assert!(matches!(err.kind, ErrorKind::ProviderDown(_)), "{err}");
    assert_eq!(sim.stats().requests, 6, "three attempts");
    sim.shutdown();
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let sim = sim(SimConfig::default()).await;
    let client = client(&sim, |_| {});
    let err = client
        .create_project(&creds("wrong-key"), &sample_command())
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::BadKey { status: 401 });
    assert_eq!(
        err.to_string(),
        "OpusClip create clip project failed: the API key was refused (HTTP 401)"
    );
    let err = client
        .create_project(&creds("sim-key-broke"), &sample_command())
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::OutOfCredits);
    let err = client.get_project(&creds(KEY), "Pnope").await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
    let mut bad = sample_command();
    bad.video_url = "ftp://media.example/x".into();
    let err = client.create_project(&creds(KEY), &bad).await.unwrap_err();
    assert!(
        matches!(&err.kind, ErrorKind::Rejected { status: 400, message } if message.contains("videoUrl")),
        "{err}"
    );
    assert_eq!(sim.stats().requests, 4, "one request each");
    sim.shutdown();
}

#[tokio::test]
async fn timeouts_are_retried_then_reported() {
    let sim = sim(SimConfig {
        faults: Faults {
            latency: Duration::from_millis(400),
            ..Faults::default()
        },
        ..SimConfig::default()
    })
    .await;
    let client = client(&sim, |c| {
        c.timeout = Duration::from_millis(100);
        c.max_attempts = 2;
    });
    let err = client.get_project(&creds(KEY), "P1").await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout(Duration::from_millis(100)));
    assert_eq!(sim.stats().requests, 2);
    sim.shutdown();
}

#[tokio::test]
async fn malformed_bodies_are_reported_and_not_retried() {
    let sim = sim(SimConfig::default()).await;
    let client = client(&sim, |_| {});
    sim.set_faults(Faults {
        malformed_next: 1,
        ..Faults::default()
    });
    let err = client
        .create_project(&creds(KEY), &sample_command())
        .await
        .unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Malformed(_)), "{err}");
    assert_eq!(sim.stats().requests, 1);
    sim.shutdown();
}

#[tokio::test]
async fn every_attempt_is_logged_without_the_key() {
    let t = TestDb::new(Engine::Sqlite).await;
    let (sink, writer) = ApiLogSink::spawn(t.db.clone(), SinkConfig::default());
    let sim = sim(SimConfig::default()).await;
    let client = OpusClipClient::new(
        ClientConfig {
            base_url: sim.base_url(),
            backoff: Duration::from_millis(5),
            outbound: OutboundPolicy {
                allow_private: true,
            },
            ..ClientConfig::default()
        },
        Some(sink),
    );
    let org = OrganizationId::new();
    let creds = Credentials {
        key: ApiKey::new(KEY),
        organization: Some(org),
    };
    sim.set_faults(Faults {
        server_errors_next: 1,
        ..Faults::default()
    });
    let project = client
        .create_project(&creds, &sample_command())
        .await
        .unwrap();
    client.get_project(&creds, &project.id).await.unwrap();
    drop(client);
    writer.shutdown().await;

    let rows =
        t.db.conn()
            .await
            .unwrap()
            .api_logs_of(&OrgScope::trusted(org))
            .list(&Default::default(), None, 10)
            .await
            .unwrap()
            .items;
    let mut seen: Vec<_> = rows
        .iter()
        .map(|r| (r.endpoint.as_str(), r.status_code.unwrap_or(0) / 100))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("/api/clip-projects", 2),
            ("/api/clip-projects", 5),
            ("/api/clip-projects/{projectId}", 2),
        ],
        "the failed attempt is logged too"
    );
    assert!(rows.iter().all(|r| r.service == "opusclip"));
    assert!(
        !format!("{rows:?}").contains(KEY),
        "the key is never logged"
    );
    assert!(!format!("{:?}", creds).contains(KEY));
    t.cleanup().await;
    sim.shutdown();
}
