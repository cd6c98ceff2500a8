//! `auth_events`, the append-only authentication audit trail: what an entry records, and
//! the recent failed sign-ins the per-account throttle reads back.

use crate::enums::AuthEventKind;
use crate::ids::{AuthEventId, OrganizationId, UserId};
use crate::sql_types::{JsonValue, Timestamp};

/// One entry of the authentication audit trail (append-only).
#[derive(Debug, Clone)]
pub struct AuthEventInsert {
    pub id: AuthEventId,
    pub organization_id: Option<OrganizationId>,
    pub user_id: Option<UserId>,
    pub actor_id: Option<UserId>,
    pub kind: AuthEventKind,
    /// SHA-256 of the normalized email, for sign-in events; never the email itself.
    pub email_hash: Option<Vec<u8>>,
    pub ip: Option<String>,
    pub detail: Option<JsonValue>,
    pub created_at: Timestamp,
}

/// A recent failed sign-in, as the throttle sees it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SigninFailure {
    pub created_at: Timestamp,
    pub ip: Option<String>,
}

/// One event of an organization's trail as the audit route reads it (no email hash).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AuthEventRow {
    pub id: AuthEventId,
    pub organization_id: Option<OrganizationId>,
    pub user_id: Option<UserId>,
    pub actor_id: Option<UserId>,
    pub kind: AuthEventKind,
    /// Whole for 30 days, then the network only (audit retention).
    pub ip: Option<String>,
    pub detail: Option<JsonValue>,
    pub created_at: Timestamp,
}
