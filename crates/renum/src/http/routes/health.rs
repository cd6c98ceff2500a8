//! Liveness and readiness probes.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::health;
use crate::http::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", operation_id = "healthz", tag = "health", responses((status = 200, body = Health)))]
pub async fn healthz() -> axum::Json<Health> {
    axum::Json(Health { status: "ok" })
}

/// Readiness, with the applied migrations only a newer release knows.
#[derive(Serialize, ToSchema)]
pub struct Readiness {
    status: &'static str,
    /// Versions applied by a newer binary during a rolling deploy: expand-only for this one,
    /// so they do not make it unready.
    newer_migrations: Vec<i64>,
}

fn readiness(
    status: StatusCode,
    text: &'static str,
    newer: Vec<i64>,
) -> (StatusCode, axum::Json<Readiness>) {
    (
        status,
        axum::Json(Readiness {
            status: text,
            newer_migrations: newer,
        }),
    )
}

/// The database is reachable and every migration of this binary is applied (newer ones,
/// applied by a newer release, are listed and tolerated).
#[utoipa::path(get, path = "/readyz", operation_id = "readyz", tag = "health",
    responses((status = 200, body = Readiness), (status = 503, body = Readiness)))]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, axum::Json<Readiness>) {
    match health::readiness(&state.db).await {
        health::Readiness::Ready { newer_migrations } => {
            readiness(StatusCode::OK, "ready", newer_migrations)
        }
        health::Readiness::MigrationsPending { newer_migrations } => readiness(
            StatusCode::SERVICE_UNAVAILABLE,
            "migrations pending",
            newer_migrations,
        ),
        health::Readiness::DatabaseUnreachable => readiness(
            StatusCode::SERVICE_UNAVAILABLE,
            "database unreachable",
            Vec::new(),
        ),
    }
}

/// Metrics in the Prometheus text format: requests per route template and their latency, the
/// database pool (connections, idle, waiting), the publishing worker (claims, published,
/// failures, lease losses), clip project follows and the API log queue (records handed over,
/// written, dropped, queued records and bytes, ...). Operational data only; no tenant data.
/// `docs/METRICS.md` lists them.
#[utoipa::path(get, path = "/metrics", operation_id = "metrics", tag = "health",
    responses((status = 200, content_type = "text/plain")))]
pub async fn metrics(
    State(state): State<AppState>,
) -> ([(axum::http::HeaderName, &'static str); 1], String) {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            crate::metrics::CONTENT_TYPE,
        )],
        state.metrics.render(),
    )
}
