//! Inbound API logging: every `/v1` request becomes one `api_logs` record (route template,
//! method, status, duration, request id, organization and user when authenticated, the
//! redacted request body, and the response body when the policy keeps it), queued on the
//! sink: the request never waits on the database for it. Unauthenticated requests are logged
//! within a per-source budget ([`UnauthenticatedBudget`]); beyond it they are only counted.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use renum_db::enums::HttpMethod;
use renum_db::ids::{OrganizationId, UserId};
use serde_json::Value;

use super::AppState;
use super::error::ApiError;
use super::extract::client_ip;
use crate::api_log::Call;
use crate::app::throttle::IpLimiter;

/// Filled by the `Caller` extractor, read back by the middleware once the handler is done:
/// the only way who-called travels from inside the handler to the log record.
#[derive(Clone, Default)]
pub struct CallerSlot(Arc<OnceLock<(OrganizationId, UserId)>>);

impl CallerSlot {
    pub fn set(&self, organization_id: OrganizationId, user_id: UserId) {
        let _ = self.0.set((organization_id, user_id));
    }
}

/// How many unauthenticated `/v1` requests a source may have logged: without it anyone could
/// write rows of up to the body limit into `api_logs` as fast as they can send requests.
pub struct UnauthenticatedBudget {
    limiter: IpLimiter,
    unstored: AtomicU64,
}

/// Its limiter holds one bucket per source address, nothing worth printing.
impl std::fmt::Debug for UnauthenticatedBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnauthenticatedBudget")
            .field("unstored", &self.unstored)
            .finish_non_exhaustive()
    }
}

impl UnauthenticatedBudget {
    /// `per_minute` sustained, in bursts of as many.
    pub fn new(per_minute: u32) -> Self {
        Self {
            limiter: IpLimiter::new(per_minute, per_minute),
            unstored: AtomicU64::new(0),
        }
    }

    /// Whether this unauthenticated request from `ip` is logged; counts the ones that are not.
    fn admits(&self, ip: Option<std::net::IpAddr>) -> bool {
        let admitted = ip.is_none_or(|ip| self.limiter.check(ip).is_ok());
        if !admitted {
            self.unstored.fetch_add(1, Ordering::Relaxed);
        }
        admitted
    }

    /// Unauthenticated requests over their source's budget so far, for `/metrics`.
    pub fn unstored(&self) -> u64 {
        self.unstored.load(Ordering::Relaxed)
    }
}

pub async fn capture(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or_else(
        || request.uri().path().to_owned(),
        |p| p.as_str().to_owned(),
    );
    let Ok(method) = request.method().as_str().parse::<HttpMethod>() else {
        return next.run(request).await;
    };
    let request_id = request
        .headers()
        .get(super::REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let slot = CallerSlot::default();

    let (mut parts, body) = request.into_parts();
    let ip = client_ip(&parts, &state);
    let bytes = match to_bytes(body, state.body_limit).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "request body is too large",
            )
            .into_response();
        }
    };
    parts.extensions.insert(slot.clone());
    let call = Call::inbound(&route, method);

    let response = next
        .run(Request::from_parts(parts, Body::from(bytes.clone())))
        .await;

    let (parts, body) = response.into_parts();
    let caller = slot.0.get().copied();
    // The budget and sampling first: a call that is left out costs no body parsing.
    if (caller.is_none() && !state.unauthenticated_logs.admits(ip))
        || !call.kept(&state.logs, Some(parts.status.as_u16()))
    {
        return Response::from_parts(parts, body);
    }
    let request_body = json_of(&bytes);
    let keep_response = parts
        .headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"))
        && state
            .logs
            .policy()
            .keeps_inbound_response_body(parts.status.as_u16());
    let (body, response_body) = if keep_response {
        let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
        let json = json_of(&bytes);
        (Body::from(bytes), json)
    } else {
        (body, None)
    };

    let mut call = call;
    if let Some((organization_id, user_id)) = caller {
        call = call.organization(organization_id).user(user_id);
    }
    if let Some(id) = request_id {
        call = call.request_id(id);
    }
    if let Some(body) = request_body {
        call = call.request_body(body);
    }
    call.record(&state.logs, Some(parts.status.as_u16()), response_body);
    Response::from_parts(parts, body)
}

fn json_of(bytes: &Bytes) -> Option<Value> {
    if bytes.is_empty() {
        None
    } else {
        serde_json::from_slice(bytes).ok()
    }
}
