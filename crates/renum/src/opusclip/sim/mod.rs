//! A faithful local stand-in of the OpusClip API surface renum uses: `POST /api/clip-projects`,
//! `GET /api/clip-projects/{projectId}`, `GET /api/exportable-clips?q=findByProjectId`, and a
//! CDN for the clips' `uriForPreview` / `uriForExport`. Projects advance through the real stage
//! sequence, one stage per `stage_interval`, then expose `clips_per_project` clips; a WEBHOOK
//! conclusion action is called when a project concludes. It enforces the bearer key and the
//! per-key quota (429 with `Retry-After`), and injects faults on demand ([`Faults`]).
//!
//! Tests spawn it on port 0 ([`OpusClipSim::spawn`]); `renum opusclip-sim` runs it alone.

mod world;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::Notify;

use world::Project;
pub use world::STALL_REASON;

use super::limiter::RateQuota;
use super::types::{
    AspectRatio, ConclusionActionType, CreateClipProject, CurationPref, ImportPref, RenderPref,
    Stage,
};

/// Faults to inject; changeable while running ([`SimHandle::set_faults`]).
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Share of API requests answered 500/502/503.
    pub server_error_rate: f64,
    /// Share of successful answers whose body is cut short (invalid JSON).
    pub malformed_rate: f64,
    /// Delay before every API answer.
    pub latency: Duration,
    /// Share of new projects that stall while curating.
    pub failure_rate: f64,
    /// The next N API requests get 503.
    pub server_errors_next: u32,
    /// The next N successful answers are malformed.
    pub malformed_next: u32,
    /// The next N API requests get 429 with `Retry-After: 1` (a storm beyond the quota).
    pub rate_limited_next: u32,
}

#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Accepted bearer keys; empty: any non-empty key.
    pub keys: Vec<String>,
    /// Keys accepted but out of credits (402).
    pub exhausted_keys: Vec<String>,
    pub stage_interval: Duration,
    pub clips_per_project: usize,
    pub quota: RateQuota,
    pub faults: Faults,
    /// Seeds fault draws and clip generation.
    pub seed: u64,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            keys: Vec::new(),
            exhausted_keys: Vec::new(),
            stage_interval: Duration::from_secs(2),
            clips_per_project: 5,
            quota: RateQuota::OPUSCLIP,
            faults: Faults::default(),
            seed: 7,
        }
    }
}

/// What the simulator saw; `max_in_window` is the most requests one key had accepted within
/// one sliding window, the figure a client's limiter must keep at or under the quota.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimStats {
    pub requests: u64,
    pub accepted: u64,
    pub unauthorized: u64,
    /// 429s because a key went past the quota.
    pub rate_limited: u64,
    /// 429s injected by `Faults::rate_limited_next`.
    pub injected_429: u64,
    pub server_errors: u64,
    pub malformed: u64,
    pub max_in_window: u64,
    pub projects_created: u64,
    pub webhooks_sent: u64,
}

struct Sim {
    config: SimConfig,
    public_base: String,
    faults: Mutex<Faults>,
    projects: Mutex<HashMap<String, Project>>,
    windows: Mutex<HashMap<String, VecDeque<Instant>>>,
    stats: Mutex<SimStats>,
    rng: Mutex<Xoshiro256PlusPlus>,
    http: reqwest::Client,
}

pub struct OpusClipSim;

/// A running simulator; clones share it.
#[derive(Clone)]
pub struct SimHandle {
    sim: Arc<Sim>,
    addr: SocketAddr,
    stop: Arc<Notify>,
}

impl OpusClipSim {
    /// Binds `bind` (port 0 for any) and serves in a background task until
    /// [`SimHandle::shutdown`].
    pub async fn spawn(config: SimConfig, bind: SocketAddr) -> std::io::Result<SimHandle> {
        let listener = TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let sim = Arc::new(Sim {
            public_base: format!("http://{addr}"),
            faults: Mutex::new(config.faults.clone()),
            rng: Mutex::new(Xoshiro256PlusPlus::seed_from_u64(config.seed)),
            config,
            projects: Mutex::default(),
            windows: Mutex::default(),
            stats: Mutex::default(),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .expect("a client with a timeout builds"),
        });
        let app = Router::new()
            .route("/api/clip-projects", post(create_project))
            .route("/api/clip-projects/{project_id}", get(get_project))
            .route("/api/exportable-clips", get(list_clips))
            .route("/media/{project_id}/{clip}/{file}", get(media))
            .with_state(sim.clone());
        let stop = Arc::new(Notify::new());
        let stopped = stop.clone();
        tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move { stopped.notified().await })
                .await;
            if let Err(err) = served {
                tracing::error!(error = %err, "opusclip simulator stopped");
            }
        });
        Ok(SimHandle { sim, addr, stop })
    }
}

impl SimHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What a client's base URL is set to (`RENUM_OPUSCLIP_BASE_URL`).
    pub fn base_url(&self) -> String {
        format!("{}/api", self.sim.public_base)
    }

    pub fn stats(&self) -> SimStats {
        lock(&self.sim.stats).clone()
    }

    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.sim.faults) = faults;
    }

    pub fn shutdown(&self) {
        self.stop.notify_one();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A NestJS-shaped error, as the provider answers.
fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"statusCode": status.as_u16(), "message": message})),
    )
        .into_response()
}

impl Sim {
    fn draw(&self, rate: f64) -> bool {
        rate > 0.0 && lock(&self.rng).random_range(0.0..1.0) < rate
    }

    /// Latency, key, quota and server-error faults, in that order; the key on success.
    async fn gate(&self, headers: &HeaderMap) -> Result<String, Response> {
        lock(&self.stats).requests += 1;
        let faults = lock(&self.faults).clone();
        if !faults.latency.is_zero() {
            tokio::time::sleep(faults.latency).await;
        }
        let key = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_owned);
        let known = |k: &String| {
            self.config.keys.is_empty()
                || self.config.keys.contains(k)
                || self.config.exhausted_keys.contains(k)
        };
        let Some(key) = key.filter(known) else {
            lock(&self.stats).unauthorized += 1;
            return Err(error(StatusCode::UNAUTHORIZED, "Unauthorized"));
        };
        {
            let mut f = lock(&self.faults);
            if f.rate_limited_next > 0 {
                f.rate_limited_next -= 1;
                lock(&self.stats).injected_429 += 1;
                return Err(too_many(Duration::from_secs(1)));
            }
        }
        {
            let now = Instant::now();
            let window = self.config.quota.window;
            let mut windows = lock(&self.windows);
            let log = windows.entry(key.clone()).or_default();
            while log
                .front()
                .is_some_and(|t| now.duration_since(*t) >= window)
            {
                log.pop_front();
            }
            if log.len() >= self.config.quota.requests.get() as usize {
                let wait = window.saturating_sub(now.duration_since(log[0]));
                lock(&self.stats).rate_limited += 1;
                return Err(too_many(wait));
            }
            log.push_back(now);
            let mut stats = lock(&self.stats);
            stats.max_in_window = stats.max_in_window.max(log.len() as u64);
        }
        let injected = {
            let mut f = lock(&self.faults);
            let next = f.server_errors_next > 0;
            f.server_errors_next = f.server_errors_next.saturating_sub(1);
            next
        };
        if injected || self.draw(faults.server_error_rate) {
            lock(&self.stats).server_errors += 1;
            let status = [
                StatusCode::INTERNAL_SERVER_ERROR,
                StatusCode::BAD_GATEWAY,
                StatusCode::SERVICE_UNAVAILABLE,
            ][lock(&self.rng).random_range(0..3)];
            return Err(error(status, "Internal server error"));
        }
        if self.config.exhausted_keys.contains(&key) {
            return Err(error(
                StatusCode::PAYMENT_REQUIRED,
                "Insufficient credits for this operation",
            ));
        }
        lock(&self.stats).accepted += 1;
        Ok(key)
    }

    /// A successful JSON answer, cut short when a malformed body is due.
    fn answer(&self, status: StatusCode, body: Value) -> Response {
        let injected = {
            let mut f = lock(&self.faults);
            let next = f.malformed_next > 0;
            f.malformed_next = f.malformed_next.saturating_sub(1);
            next || {
                let rate = f.malformed_rate;
                drop(f);
                self.draw(rate)
            }
        };
        if injected {
            lock(&self.stats).malformed += 1;
            let text = body.to_string();
            let cut = text[..text.len() / 2].to_owned();
            return (status, [(header::CONTENT_TYPE, "application/json")], cut).into_response();
        }
        (status, axum::Json(body)).into_response()
    }
}

fn too_many(wait: Duration) -> Response {
    let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
    let mut resp = error(
        StatusCode::TOO_MANY_REQUESTS,
        "ThrottlerException: Too Many Requests",
    );
    resp.headers_mut().insert(
        header::RETRY_AFTER,
        secs.to_string().parse().expect("digits"),
    );
    resp
}

async fn create_project(State(sim): State<Arc<Sim>>, headers: HeaderMap, body: Bytes) -> Response {
    let key = match sim.gate(&headers).await {
        Ok(key) => key,
        Err(resp) => return resp,
    };
    let command: CreateClipProject = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(err) => return error(StatusCode::BAD_REQUEST, &format!("invalid body: {err}")),
    };
    let url = command.video_url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return error(StatusCode::BAD_REQUEST, "videoUrl must be an http(s) URL");
    }
    let failure_rate = lock(&sim.faults).failure_rate;
    let stalls = sim.draw(failure_rate);
    let id = format!("P{:011X}", lock(&sim.rng).random_range(0..1u64 << 44));
    let webhook = command
        .conclusion_actions
        .iter()
        .find(|a| a.kind == ConclusionActionType::Webhook)
        .and_then(|a| {
            a.url
                .clone()
                .map(|u| (u, a.notify_failure.unwrap_or(false)))
        });
    let project = Project {
        id: id.clone(),
        key,
        created: Instant::now(),
        created_at: chrono::Utc::now(),
        command,
        stalls,
        clips: sim.config.clips_per_project,
    };
    let body = project.representation(&project.stage(Instant::now(), sim.config.stage_interval));
    // A stalled project calls back only when `notifyFailure` asked for it.
    if let Some((url, _)) = webhook.filter(|(_, notify_failure)| !stalls || *notify_failure) {
        let wait = project.concludes_after(sim.config.stage_interval);
        tokio::spawn(call_webhook(sim.clone(), id.clone(), url, wait));
    }
    lock(&sim.projects).insert(id, project);
    lock(&sim.stats).projects_created += 1;
    sim.answer(StatusCode::CREATED, body)
}

/// The conclusion action: POSTs the project's representation, three tries.
async fn call_webhook(sim: Arc<Sim>, id: String, url: String, wait: Duration) {
    tokio::time::sleep(wait).await;
    let body = {
        let projects = lock(&sim.projects);
        let Some(p) = projects.get(&id) else { return };
        p.representation(&p.stage(Instant::now(), sim.config.stage_interval))
    };
    for _ in 0..3 {
        match sim.http.post(&url).json(&body).send().await {
            Ok(resp) if resp.status().is_success() => {
                lock(&sim.stats).webhooks_sent += 1;
                return;
            }
            _ => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

async fn get_project(
    State(sim): State<Arc<Sim>>,
    Path(project_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let key = match sim.gate(&headers).await {
        Ok(key) => key,
        Err(resp) => return resp,
    };
    let body = {
        let projects = lock(&sim.projects);
        match projects.get(&project_id).filter(|p| p.key == key) {
            Some(p) => p.representation(&p.stage(Instant::now(), sim.config.stage_interval)),
            None => return error(StatusCode::NOT_FOUND, "Project not found"),
        }
    };
    sim.answer(StatusCode::OK, body)
}

async fn list_clips(
    State(sim): State<Arc<Sim>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let key = match sim.gate(&headers).await {
        Ok(key) => key,
        Err(resp) => return resp,
    };
    let page = |name: &str, default: usize| -> Option<usize> {
        match query.get(name) {
            None => Some(default),
            Some(v) => v.parse::<usize>().ok().filter(|n| *n >= 1),
        }
    };
    let (Some(page_num), Some(page_size)) = (page("pageNum", 1), page("pageSize", 10)) else {
        return error(StatusCode::BAD_REQUEST, "pageNum and pageSize must be >= 1");
    };
    let page_size = page_size.min(100);
    let clips = match query.get("q").map(String::as_str) {
        Some("findByCollectionId") => Vec::new(),
        Some("findByProjectId") => {
            let Some(project_id) = query.get("projectId") else {
                return error(StatusCode::BAD_REQUEST, "projectId is required");
            };
            let projects = lock(&sim.projects);
            let Some(p) = projects.get(project_id).filter(|p| p.key == key) else {
                return error(StatusCode::NOT_FOUND, "Project not found");
            };
            if p.stage(Instant::now(), sim.config.stage_interval) == Stage::Complete {
                p.clips(sim.config.seed, &sim.public_base)
            } else {
                Vec::new()
            }
        }
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "q must be findByProjectId or findByCollectionId",
            );
        }
    };
    let page: Vec<Value> = clips
        .into_iter()
        .skip((page_num - 1) * page_size)
        .take(page_size)
        .collect();
    sim.answer(StatusCode::OK, Value::Array(page))
}

/// The CDN: a completed project's clip files (no key, no quota).
async fn media(
    State(sim): State<Arc<Sim>>,
    Path((project_id, clip, file)): Path<(String, String, String)>,
) -> Response {
    let projects = lock(&sim.projects);
    let known = projects.get(&project_id).is_some_and(|p| {
        p.stage(Instant::now(), sim.config.stage_interval) == Stage::Complete
            && clip.starts_with("c.")
            && (file == "ehd.mp4" || file == "esd.mp4")
    });
    if !known {
        return StatusCode::NOT_FOUND.into_response();
    }
    (
        [(header::CONTENT_TYPE, "video/mp4")],
        format!("SIMULATED MP4 {project_id}.{} {file}", &clip[2..]),
    )
        .into_response()
}

/// The create command tests send the simulator (or spell the API with): a podcast in English,
/// cut into 30 to 60 s clips about pricing, rendered square, with no conclusion action. Tests
/// change what they look at: `CreateClipProject { video_url, ..sample_command() }`.
pub fn sample_command() -> CreateClipProject {
    CreateClipProject {
        video_url: "https://media.example/talk.mp4".into(),
        curation_pref: Some(CurationPref {
            clip_durations: vec![[30, 60]],
            topic_keywords: vec!["pricing".into()],
            genre: Some("Podcast".into()),
            ..Default::default()
        }),
        import_pref: Some(ImportPref {
            source_lang: Some("en".into()),
            ..Default::default()
        }),
        render_pref: Some(RenderPref {
            layout_aspect_ratio: Some(AspectRatio::Square),
            ..Default::default()
        }),
        ..Default::default()
    }
}
