//! `api_logs` rows: one inbound or outbound HTTP call. The organization and user are
//! optional (a failed sign-in has neither), and the bodies arrive already redacted.

use serde::Serialize;

use crate::enums::{Direction, HttpMethod};
use crate::ids::{OrganizationId, UserId};
use crate::sql_types::{JsonValue, Timestamp};

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ApiLogRow {
    pub id: i64,
    pub organization_id: Option<OrganizationId>,
    pub direction: Direction,
    pub service: String,
    pub endpoint: String,
    pub method: HttpMethod,
    pub status_code: Option<i32>,
    pub duration_ms: f64,
    pub request_id: Option<String>,
    pub user_id: Option<UserId>,
    pub request_body: Option<JsonValue>,
    pub response_body: Option<JsonValue>,
    pub created_at: Timestamp,
}

/// One log record; bodies must already be redacted (the logging layer's job).
#[derive(Debug, Clone)]
pub struct ApiLogInsert {
    pub organization_id: Option<OrganizationId>,
    pub direction: Direction,
    pub service: String,
    pub endpoint: String,
    pub method: HttpMethod,
    pub status_code: Option<i32>,
    pub duration_ms: f64,
    pub request_id: Option<String>,
    pub user_id: Option<UserId>,
    pub request_body: Option<JsonValue>,
    pub response_body: Option<JsonValue>,
    pub created_at: Timestamp,
}
