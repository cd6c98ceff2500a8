//! The typed client of the OpusClip HTTP API (`https://api.opus.pro/api`).
//!
//! Every call: waits for the key's slot in the process-wide limiter, has a timeout, is
//! retried with jittered exponential backoff on 429 (waiting at least `Retry-After`), 5xx and
//! connection errors or timeouts, never on another 4xx, and each attempt is recorded as an
//! outbound API log. The key travels only in the `Authorization` header, which is never
//! recorded; request bodies are logged through the sink's redaction policy. Connections keep
//! to the outbound rule (`crate::net`), and transport errors are described without the URL.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use renum_db::enums::HttpMethod;
use renum_db::ids::OrganizationId;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{ErrorKind, Operation, OpusClipError};
use super::limiter::{KeyLimiter, RateQuota};
use super::types::{ClipProject, CreateClipProject, ExportableClip};
use crate::api_log::{ApiLogSink, Call};
use crate::app::outbound::OutboundPolicy;

/// The service name of OpusClip calls in `api_logs`.
pub const SERVICE: &str = "opusclip";
pub const DEFAULT_BASE_URL: &str = "https://api.opus.pro/api";
/// Clips asked for per page when listing all of a project's clips.
pub const PAGE_SIZE: u32 = 50;
/// A `Retry-After` longer than this is cut to it, so one answer cannot park a task for hours.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// An organization's OpusClip key. Its `Debug` and `Display` never show it.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(key.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([REDACTED])")
    }
}

/// Who a call is made for: the key it is sent with and the organization it is logged under.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub key: ApiKey,
    pub organization: Option<OrganizationId>,
}

#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Up to and including `/api`.
    pub base_url: String,
    /// Per attempt, connection to last byte.
    pub timeout: Duration,
    pub quota: RateQuota,
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    /// First retry delay; doubles per attempt up to `max_backoff`, with jitter.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// Where the client may connect (the base URL and clip downloads).
    pub outbound: OutboundPolicy,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: Duration::from_secs(30),
            quota: RateQuota::OPUSCLIP,
            max_attempts: 5,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            outbound: OutboundPolicy::default(),
        }
    }
}

/// Cheap to clone; clones share the HTTP pool and the limiter.
#[derive(Clone)]
pub struct OpusClipClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    config: ClientConfig,
    limiter: Arc<KeyLimiter>,
    sink: Option<ApiLogSink>,
    rng: Mutex<Xoshiro256PlusPlus>,
}

/// One HTTP request of a call.
struct Request<'a> {
    op: Operation,
    method: HttpMethod,
    url: String,
    /// The endpoint template recorded in api_logs (no ids, no query).
    endpoint: &'a str,
    query: Vec<(&'static str, String)>,
    body: Option<Value>,
    /// Sent as a bearer token and counted by the limiter; `None` for the CDN download.
    key: Option<&'a ApiKey>,
    organization: Option<OrganizationId>,
}

impl OpusClipClient {
    pub fn new(config: ClientConfig, sink: Option<ApiLogSink>) -> OpusClipClient {
        let http = crate::net::client_builder(config.outbound)
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .build()
            .expect("a client with timeouts builds");
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        OpusClipClient {
            inner: Arc::new(Inner {
                http,
                limiter: KeyLimiter::shared(config.quota),
                config,
                sink,
                rng: Mutex::new(Xoshiro256PlusPlus::seed_from_u64(seed)),
            }),
        }
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.inner.config.base_url.trim_end_matches('/'))
    }

    /// `POST /clip-projects`.
    pub async fn create_project(
        &self,
        creds: &Credentials,
        command: &CreateClipProject,
    ) -> Result<ClipProject, OpusClipError> {
        let op = Operation::CreateProject;
        let body = serde_json::to_value(command).expect("the command serializes");
        let value = self
            .json(Request {
                op,
                method: HttpMethod::Post,
                url: self.url("/clip-projects"),
                endpoint: "/api/clip-projects",
                query: Vec::new(),
                body: Some(body),
                key: Some(&creds.key),
                organization: creds.organization,
            })
            .await?;
        decode(op, value)
    }

    /// `GET /clip-projects/{projectId}`.
    pub async fn get_project(
        &self,
        creds: &Credentials,
        project_id: &str,
    ) -> Result<ClipProject, OpusClipError> {
        let op = Operation::GetProject;
        let value = self
            .json(Request {
                op,
                method: HttpMethod::Get,
                url: self.url(&format!("/clip-projects/{}", path_segment(project_id))),
                endpoint: "/api/clip-projects/{projectId}",
                query: Vec::new(),
                body: None,
                key: Some(&creds.key),
                organization: creds.organization,
            })
            .await?;
        decode(op, value)
    }

    /// One page of `GET /exportable-clips?q=findByProjectId` (`page_num` from 1).
    pub async fn list_clips(
        &self,
        creds: &Credentials,
        project_id: &str,
        page_num: u32,
        page_size: u32,
    ) -> Result<Vec<ExportableClip>, OpusClipError> {
        let op = Operation::ListClips;
        let value = self
            .json(Request {
                op,
                method: HttpMethod::Get,
                url: self.url("/exportable-clips"),
                endpoint: "/api/exportable-clips",
                query: vec![
                    ("q", "findByProjectId".to_owned()),
                    ("projectId", project_id.to_owned()),
                    ("pageNum", page_num.max(1).to_string()),
                    ("pageSize", page_size.max(1).to_string()),
                ],
                body: None,
                key: Some(&creds.key),
                organization: creds.organization,
            })
            .await?;
        decode(op, value)
    }

    /// Every clip of a project, in the provider's order: pages until a short one.
    pub async fn all_clips(
        &self,
        creds: &Credentials,
        project_id: &str,
    ) -> Result<Vec<ExportableClip>, OpusClipError> {
        let mut clips = Vec::new();
        for page in 1.. {
            let batch = self.list_clips(creds, project_id, page, PAGE_SIZE).await?;
            let last = batch.len() < PAGE_SIZE as usize;
            clips.extend(batch);
            if last {
                break;
            }
        }
        Ok(clips)
    }

    /// Downloads a clip's file from its `uriForExport` (a CDN URL: the key is not sent, and
    /// the API's limiter does not apply).
    pub async fn download_clip(
        &self,
        creds: &Credentials,
        clip: &ExportableClip,
    ) -> Result<Vec<u8>, OpusClipError> {
        let op = Operation::DownloadClip;
        let uri = clip.uri_for_export.clone().ok_or(OpusClipError {
            op,
            kind: ErrorKind::Malformed("the clip has no uriForExport".into()),
        })?;
        self.inner
            .config
            .outbound
            .check(&uri)
            .map_err(|refusal| OpusClipError {
                op,
                kind: ErrorKind::UnsafeUrl(refusal.to_string()),
            })?;
        self.send(Request {
            op,
            method: HttpMethod::Get,
            url: uri,
            endpoint: "{uriForExport}",
            query: Vec::new(),
            body: None,
            key: None,
            organization: creds.organization,
        })
        .await
    }

    async fn json(&self, req: Request<'_>) -> Result<Value, OpusClipError> {
        let op = req.op;
        let bytes = self.send(req).await?;
        serde_json::from_slice(&bytes).map_err(|err| OpusClipError {
            op,
            kind: ErrorKind::Malformed(format!("the body is not JSON: {err}")),
        })
    }

    /// Sends with retries; returns the successful body.
    async fn send(&self, req: Request<'_>) -> Result<Vec<u8>, OpusClipError> {
        let max = self.inner.config.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            let kind = match self.attempt(&req).await {
                Ok(bytes) => return Ok(bytes),
                Err(kind) => kind,
            };
            if !kind.is_retryable() || attempt >= max {
                return Err(OpusClipError { op: req.op, kind });
            }
            let delay = self.delay(attempt, &kind);
            tracing::debug!(op = %req.op, attempt, ?delay, error = %kind, "OpusClip call retried");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// Exponential backoff with full jitter in its upper half; never less than `Retry-After`.
    fn delay(&self, attempt: u32, kind: &ErrorKind) -> Duration {
        let cfg = &self.inner.config;
        let exp = cfg
            .backoff
            .saturating_mul(1 << (attempt - 1).min(16))
            .min(cfg.max_backoff);
        let fraction: f64 = self
            .inner
            .rng
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .random_range(0.5..=1.0);
        let jittered = exp.mul_f64(fraction);
        match kind {
            ErrorKind::RateLimited {
                retry_after: Some(after),
            } => (*after).min(MAX_RETRY_AFTER) + jittered / 4,
            _ => jittered,
        }
    }

    async fn attempt(&self, req: &Request<'_>) -> Result<Vec<u8>, ErrorKind> {
        let mut call = Call::outbound(SERVICE, req.endpoint, req.method);
        if let Some(org) = req.organization {
            call = call.organization(org);
        }
        if let Some(body) = &req.body {
            call = call.request_body(without_callback_secrets(body.clone()));
        }
        let method = match req.method {
            HttpMethod::Post => reqwest::Method::POST,
            _ => reqwest::Method::GET,
        };
        let mut builder = self.inner.http.request(method, &req.url).query(&req.query);
        if let Some(key) = req.key {
            self.inner.limiter.acquire(key.expose()).await;
            builder = builder.bearer_auth(key.expose());
        }
        if let Some(body) = &req.body {
            builder = builder.json(body);
        }
        let sink = self.inner.sink.as_ref();
        let resp = match builder.send().await {
            Ok(resp) => resp,
            Err(err) => {
                if let Some(sink) = sink {
                    call.finish(sink, None, None);
                }
                return Err(self.transport(err));
            }
        };
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let bytes = match resp.bytes().await {
            Ok(b) => b.to_vec(),
            Err(err) => {
                if let Some(sink) = sink {
                    call.finish(sink, Some(status.as_u16()), None);
                }
                return Err(self.transport(err));
            }
        };
        let parsed: Option<Value> = serde_json::from_slice(&bytes).ok();
        if let Some(sink) = sink {
            // The download's body is video bytes: not for the log.
            let logged = if req.key.is_some() {
                parsed.clone()
            } else {
                None
            };
            call.finish(sink, Some(status.as_u16()), logged);
        }
        if status.is_success() {
            return Ok(bytes);
        }
        let message = parsed
            .as_ref()
            .and_then(|v| v.get("message"))
            .map(|m| match m {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_default();
        let message: String = message.chars().take(300).collect();
        Err(match status.as_u16() {
            429 => ErrorKind::RateLimited { retry_after },
            402 => ErrorKind::OutOfCredits,
            403 if message.to_lowercase().contains("credit") => ErrorKind::OutOfCredits,
            s @ (401 | 403) => ErrorKind::BadKey { status: s },
            404 => ErrorKind::NotFound,
            s if s >= 500 => ErrorKind::ProviderDown(format!("HTTP {s}")),
            s => ErrorKind::Rejected { status: s, message },
        })
    }

    /// A transport failure, described without its URL (it reaches tenants in 409 bodies
    /// and `last_error`).
    fn transport(&self, err: reqwest::Error) -> ErrorKind {
        if err.is_timeout() {
            ErrorKind::Timeout(self.inner.config.timeout)
        } else if err.is_decode() || err.is_body() {
            ErrorKind::Malformed(format!(
                "the body could not be read: {}",
                crate::net::describe(err)
            ))
        } else {
            ErrorKind::ProviderDown(format!("connection failed: {}", crate::net::describe(err)))
        }
    }
}

fn decode<T: DeserializeOwned>(op: Operation, value: Value) -> Result<T, OpusClipError> {
    serde_json::from_value(value).map_err(|err| OpusClipError {
        op,
        kind: ErrorKind::Malformed(err.to_string()),
    })
}

/// The logged copy of a create command: a WEBHOOK action's URL carries a per-project secret
/// in its query, which the log must not keep (the redaction policy only sees key names).
fn without_callback_secrets(mut body: Value) -> Value {
    if let Some(actions) = body
        .get_mut("conclusionActions")
        .and_then(Value::as_array_mut)
    {
        for action in actions {
            if let Some(Value::String(url)) = action.get_mut("url")
                && let Some(at) = url.find('?')
            {
                url.truncate(at);
                url.push_str("?[REDACTED]");
            }
        }
    }
    body
}

/// A project id as one path segment: the provider's ids are alphanumeric; anything else is
/// percent-encoded so it cannot change the path.
fn path_segment(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
