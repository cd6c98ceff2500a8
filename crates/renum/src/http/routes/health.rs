//! Liveness and readiness probes.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, body = Health)))]
pub async fn healthz() -> axum::Json<Health> {
    axum::Json(Health { status: "ok" })
}

/// The database is reachable and every migration of this binary is applied.
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, axum::Json<Health>) {
    match renum_db::migrate::status(&state.db).await {
        Ok(statuses) if renum_db::migrate::is_current(&statuses) => {
            (StatusCode::OK, axum::Json(Health { status: "ready" }))
        }
        Ok(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(Health {
                status: "migrations pending",
            }),
        ),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(Health {
                    status: "database unreachable",
                }),
            )
        }
    }
}

/// Counters in Prometheus text format: the API log queue (recorded, written, dropped, queued
/// records and bytes, ...). Operational data only; no tenant data.
#[utoipa::path(get, path = "/metrics", tag = "health", responses((status = 200, content_type = "text/plain")))]
pub async fn metrics(
    State(state): State<AppState>,
) -> ([(axum::http::HeaderName, &'static str); 1], String) {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        state.logs.metrics().prometheus() + &state.unauthenticated_logs.prometheus(),
    )
}
