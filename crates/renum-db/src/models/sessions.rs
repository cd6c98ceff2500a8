//! `sessions` rows, kept by token hash (never the token), and `SessionAuth`, what the
//! per-request session check returns: the caller, its organization and its role.

use crate::enums::Role;
use crate::ids::{OrganizationId, SessionId, UserId};
use crate::sql_types::Timestamp;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SessionRow {
    pub id: SessionId,
    pub user_id: UserId,
    /// SHA-256 of the bearer token (not the token).
    pub token_hash: Vec<u8>,
    pub expires_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct SessionInsert {
    pub id: SessionId,
    pub user_id: UserId,
    pub token_hash: Vec<u8>,
    pub expires_at: Timestamp,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// What the per-request session check returns: who is calling, for which organization.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SessionAuth {
    pub session_id: SessionId,
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
    pub user_id: UserId,
    pub organization_id: OrganizationId,
    pub role: Role,
}
