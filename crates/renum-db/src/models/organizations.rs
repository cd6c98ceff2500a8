//! `organizations` rows: the tenant itself. The OpusClip key is held only as ciphertext,
//! and the name and plan are the only fields an update may change.

use serde::Serialize;

use crate::enums::Plan;
use crate::ids::OrganizationId;
use crate::sql_types::Timestamp;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OrganizationRow {
    pub id: OrganizationId,
    pub name: String,
    pub slug: String,
    pub plan: Plan,
    /// Encrypted; decrypting it is the auth layer's business, and it never leaves the server.
    pub opusclip_api_key_ciphertext: Option<Vec<u8>>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub deleted_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrganizationInsert {
    pub id: OrganizationId,
    pub name: String,
    pub slug: String,
    pub plan: Plan,
}

#[derive(Debug, Clone, Default)]
pub struct OrganizationUpdate {
    pub name: Option<String>,
    pub plan: Option<Plan>,
}
