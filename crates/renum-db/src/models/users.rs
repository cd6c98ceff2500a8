//! `users` rows, whose `Debug` leaves out the password hash, and `UserWithOrganization`
//! (`GET /v1/me`), read in one query with no secret column.

use serde::Serialize;

use crate::enums::{Plan, Role};
use crate::ids::{OrganizationId, UserId};
use crate::sql_types::Timestamp;

#[derive(Clone, PartialEq, sqlx::FromRow)]
pub struct UserRow {
    pub id: UserId,
    pub organization_id: OrganizationId,
    pub email: String,
    pub password_hash: String,
    pub full_name: String,
    pub role: Role,
    pub last_login_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub deleted_at: Option<Timestamp>,
    /// The email's domain (after '@'); null only for rows older than its migration that the
    /// `users_email_domain` backfill has not reached yet.
    pub email_domain: Option<String>,
    /// When the user followed the verification link; `None`: unverified.
    pub email_verified_at: Option<Timestamp>,
}

/// Hand-written so the password hash never reaches a log line.
impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("organization_id", &self.organization_id)
            .field("email", &self.email)
            .field("role", &self.role)
            .field("deleted_at", &self.deleted_at)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
pub struct UserInsert {
    pub id: UserId,
    /// Normalized (trimmed, lowercased) by the caller; the schema refuses anything else.
    pub email: String,
    pub password_hash: String,
    pub full_name: String,
    pub role: Role,
}

#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub full_name: Option<String>,
    pub role: Option<Role>,
    pub password_hash: Option<String>,
}

/// `GET /v1/me`: a user with its organization, read in one query, with no secret column:
/// neither the password hash nor the API key ciphertext, only whether a key is configured.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct UserWithOrganization {
    pub id: UserId,
    pub organization_id: OrganizationId,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub last_login_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub email_verified_at: Option<Timestamp>,
    pub organization_name: String,
    pub organization_slug: String,
    pub organization_plan: Plan,
    pub organization_has_opusclip_key: bool,
    pub organization_created_at: Timestamp,
}
