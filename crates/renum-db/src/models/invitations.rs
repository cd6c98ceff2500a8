//! `invitations`: an address invited into an organization with a role. The token's hash is
//! written once and never read back: no row type carries it.

use crate::enums::Role;
use crate::ids::{InvitationId, OrganizationId, UserId};
use crate::sql_types::Timestamp;

#[derive(Debug, Clone)]
pub struct InvitationInsert {
    pub id: InvitationId,
    pub email: String,
    pub role: Role,
    pub invited_by: UserId,
    /// SHA-256 of the token (not the token).
    pub token_hash: Vec<u8>,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct InvitationRow {
    pub id: InvitationId,
    pub organization_id: OrganizationId,
    pub email: String,
    pub role: Role,
    pub invited_by: UserId,
    pub expires_at: Timestamp,
    pub accepted_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    pub created_at: Timestamp,
}
