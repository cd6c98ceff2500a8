//! The HTTP API: routing, middleware, errors and DTOs. Handlers stay thin: they extract,
//! call `app`, and shape the answer. Tenant routes get their organization from the session.

mod client_addr;
pub mod cors;
mod cursor;
pub mod dto;
pub mod error;
mod extract;
mod logging;
mod metrics;
mod openapi;
mod routes;
pub mod schema;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request, StatusCode};
use axum::middleware;
use axum::routing::{delete, get, patch, post, put};
use renum_db::Db;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::api_log::ApiLogSink;
use crate::app::account::AccountService;
use crate::app::auth::Auth;
use crate::app::clips::ClipService;
use crate::app::crypto::MasterKey;
pub use client_addr::TrustedProxies;
use error::ApiError;
pub use logging::UnauthenticatedBudget;
pub use openapi::spec as openapi_spec;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Everything a handler may need, shared: axum clones the state for every extractor and
/// layer of every request, so a clone is one reference count.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl From<Shared> for AppState {
    fn from(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

pub struct Shared {
    pub db: Db,
    pub auth: Arc<Auth>,
    /// Password reset and change, email verification: the account's credentials by mail.
    pub account: Arc<AccountService>,
    pub master_key: MasterKey,
    pub logs: ApiLogSink,
    /// The clip pipeline (OpusClip client, webhook secrets, poll settings).
    pub clips: ClipService,
    /// Largest accepted request body (413 above it).
    pub body_limit: usize,
    /// `--allow-member-passwords`: the owner may add a member with a chosen password.
    pub allow_member_passwords: bool,
    /// Whose forwarded-for headers are believed (`ClientMeta`, the log budget).
    pub trusted_proxies: Arc<TrustedProxies>,
    /// How many unauthenticated requests per source are logged.
    pub unauthenticated_logs: Arc<UnauthenticatedBudget>,
    /// Origins whose browsers may read the API's answers (`RENUM_CORS_ORIGINS`); none: no
    /// CORS headers at all.
    pub cors_origins: Arc<[cors::CorsOrigin]>,
    /// Which hosts tenants' media URLs may point at.
    pub outbound: crate::app::outbound::OutboundPolicy,
    /// What `/metrics` reports; requests are counted into its `http` families.
    pub metrics: crate::metrics::Metrics,
}

pub fn router(state: AppState) -> Router {
    let v1 = Router::new()
        .route("/auth/signup", post(routes::auth::signup))
        .route("/auth/signin", post(routes::auth::signin))
        .route("/auth/signout", post(routes::auth::signout))
        .route("/auth/signout-all", post(routes::auth::signout_all))
        .route("/auth/password-reset", post(routes::account::request_reset))
        .route(
            "/auth/password-reset/confirm",
            post(routes::account::confirm_reset),
        )
        .route("/me", get(routes::me::me).patch(routes::me::update))
        .route("/me/sessions", get(routes::me::sessions))
        .route("/me/sessions/{id}", delete(routes::me::revoke_session))
        .route("/me/password", post(routes::account::change_password))
        .route("/auth/verify-email", post(routes::account::verify_email))
        .route(
            "/me/verification-email",
            post(routes::account::resend_verification),
        )
        .route(
            "/organization",
            get(routes::organization::get)
                .patch(routes::organization::update)
                .delete(routes::organization::delete),
        )
        .route(
            "/organization/members",
            get(routes::organization::members).post(routes::organization::add_member),
        )
        .route(
            "/organization/members/{id}",
            patch(routes::organization::set_role).delete(routes::organization::remove_member),
        )
        .route(
            "/organization/invitations",
            get(routes::invitations::list).post(routes::invitations::invite),
        )
        .route(
            "/organization/invitations/{id}",
            delete(routes::invitations::revoke),
        )
        .route("/invitations/accept", post(routes::invitations::accept))
        .route(
            "/organization/integrations/opusclip",
            put(routes::organization::put_opusclip_key)
                .delete(routes::organization::delete_opusclip_key),
        )
        .route(
            "/videos",
            get(routes::videos::list).post(routes::videos::create),
        )
        .route(
            "/videos/{id}",
            get(routes::videos::get)
                .patch(routes::videos::update)
                .delete(routes::videos::delete),
        )
        .route(
            "/videos/{id}/clip-projects",
            get(routes::clips::of_video).post(routes::clips::create),
        )
        .route("/videos/{id}/clips", get(routes::clips::list))
        .route("/clip-projects/{id}", get(routes::clips::get))
        .route("/webhooks/opusclip", post(routes::clips::webhook))
        .route(
            "/posts",
            get(routes::posts::list).post(routes::posts::create),
        )
        .route(
            "/posts/{id}",
            get(routes::posts::get).patch(routes::posts::update),
        )
        .route("/posts/{id}/cancel", post(routes::posts::cancel))
        .route("/posts/{id}/retry", post(routes::posts::retry))
        .route("/api-logs", get(routes::api_logs::list))
        .route("/organization/audit-events", get(routes::audit::list))
        // A route layer sees the matched route template, which is what the log records.
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            logging::capture,
        ));

    let body_limit = state.body_limit;
    let http_metrics = state.metrics.http.clone();
    let cors_origins = state.cors_origins.clone();
    let router = Router::new()
        .nest("/v1", v1)
        .route("/healthz", get(routes::health::healthz))
        .route("/readyz", get(routes::health::readyz))
        .route("/openapi.json", get(openapi::document))
        .route("/metrics", get(routes::health::metrics))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "method not allowed on this route")
        })
        .with_state(state)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error",
            ))
        }))
        // Outside the panic catcher, so a panic counts as the 500 it becomes; a layer of the
        // router itself, so it sees the matched route template (none for the fallback).
        .layer(middleware::from_fn_with_state(http_metrics, metrics::track))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let request_id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id)
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid));
    cors::apply(router, &cors_origins)
}

/// Serves until `shutdown` resolves, then stops accepting and finishes in-flight requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
