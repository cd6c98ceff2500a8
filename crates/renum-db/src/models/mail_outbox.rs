//! `mail_outbox`: a message waiting for the sender, being delivered, sent or given up.

use crate::enums::{MailKind, MailStatus};
use crate::ids::MailId;
use crate::sql_types::Timestamp;

/// A message to send, enqueued in the transaction of the action that causes it.
#[derive(Clone)]
pub struct MailInsert {
    pub id: MailId,
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
}

#[derive(Clone, PartialEq, sqlx::FromRow)]
pub struct MailRow {
    pub id: MailId,
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    /// Holds the message's single-use link until it is sent (then emptied).
    pub body_text: String,
    pub body_html: String,
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: Timestamp,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<Timestamp>,
    pub last_error: Option<String>,
    pub sent_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

/// The bodies carry live links: never printed by `Debug` (tracing, panics).
impl std::fmt::Debug for MailRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailRow")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("status", &self.status)
            .field("attempts", &self.attempts)
            .field("next_attempt_at", &self.next_attempt_at)
            .field("claimed_by", &self.claimed_by)
            .field("claimed_until", &self.claimed_until)
            .field("last_error", &self.last_error)
            .field("sent_at", &self.sent_at)
            .finish_non_exhaustive()
    }
}
