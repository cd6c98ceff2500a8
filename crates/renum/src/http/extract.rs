//! Request extractors: the authenticated caller, client metadata, and JSON / query / path
//! extractors whose rejections use the API's error shape.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;

use super::AppState;
use super::error::ApiError;
use super::logging::CallerSlot;
use renum_db::Conn;

use crate::app::AppError;
use crate::app::auth::{Caller, ClientMeta};

/// `axum::Json` with API-shaped errors (400 naming the field, 413, 415).
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// `axum::extract::Query` with API-shaped errors.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// `axum::extract::Path` with API-shaped errors (a malformed id is a 404).
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// The caller, from `Authorization: Bearer <token>`: the organization always comes from the
/// session, never from the request. Write handlers take this: their transaction takes a
/// connection of its own, so the one the session was checked on goes back first.
impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts)?;
        let mut conn = state.db.conn().await.map_err(AppError::from)?;
        authenticate(parts, state, &mut conn, token).await
    }
}

/// The caller and the pooled connection its session was checked on. Read handlers take
/// this and run their statements on the same connection: one pool checkout per request, so
/// one release ping (sqlx pings every connection it takes back) instead of two.
pub struct Reader {
    pub caller: Caller,
    pub conn: Conn,
}

impl FromRequestParts<AppState> for Reader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts)?;
        let mut conn = state.db.conn().await.map_err(AppError::from)?;
        let caller = authenticate(parts, state, &mut conn, token).await?;
        Ok(Reader { caller, conn })
    }
}

/// The bearer token, read before any connection is taken.
fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "unauthorized",
                "missing Authorization: Bearer <token>",
            )
        })
}

/// Checks the token on `conn` and tells the request log who called.
async fn authenticate(
    parts: &Parts,
    state: &AppState,
    conn: &mut Conn,
    token: &str,
) -> Result<Caller, ApiError> {
    let caller = state.auth.authenticate(conn, token).await?;
    if let Some(slot) = parts.extensions.get::<CallerSlot>() {
        slot.set(caller.scope.organization_id(), caller.user_id);
    }
    Ok(caller)
}

/// The client's address (the peer, or what a trusted proxy forwarded for, see
/// `client_addr.rs`) and user agent.
impl FromRequestParts<AppState> for ClientMeta {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(ClientMeta {
            ip: client_ip(parts, state),
            user_agent,
        })
    }
}

/// The client address of a request, `None` when served without connect info.
pub fn client_ip(parts: &Parts, state: &AppState) -> Option<IpAddr> {
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>()?.0.ip();
    Some(state.trusted_proxies.client_ip(peer, &parts.headers))
}
