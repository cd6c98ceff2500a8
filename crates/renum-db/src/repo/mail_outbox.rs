//! mail_outbox: enqueueing a message in the action's transaction, and the sender's claim and
//! outcomes, each fenced by the claiming sender's id. Global: a message is addressed to an
//! email, not read through any organization.

use crate::db::{Executor, on_engine};
use crate::error::Result;
use crate::ids::MailId;
use crate::models::{MailInsert, MailRow};
use crate::sql_types::Timestamp;

pub struct MailOutbox<'c> {
    ex: Executor<'c>,
}

/// A message's fate after one delivery attempt.
#[derive(Debug, Clone)]
pub enum MailOutcome {
    Sent {
        at: Timestamp,
    },
    /// Still pending, due again at `at`.
    Retry {
        at: Timestamp,
        error: String,
    },
    /// Given up.
    Failed {
        error: String,
    },
}

impl<'c> MailOutbox<'c> {
    pub(crate) fn new(ex: Executor<'c>) -> Self {
        Self { ex }
    }

    pub async fn enqueue(&mut self, mail: &MailInsert) -> Result<()> {
        on_engine!(&mut self.ex, |c, q| {
            sqlx::query(q::mail_outbox::INSERT)
                .bind(mail.id)
                .bind(mail.kind)
                .bind(&mail.recipient)
                .bind(&mail.subject)
                .bind(&mail.body_text)
                .bind(&mail.body_html)
                .execute(&mut **c)
                .await?;
        });
        Ok(())
    }

    /// Claims up to `limit` due messages for `sender` until `lease_until`. On SQLite run it in
    /// a transaction (`BEGIN IMMEDIATE`).
    pub async fn claim(
        &mut self,
        now: Timestamp,
        limit: i64,
        sender: &str,
        lease_until: Timestamp,
    ) -> Result<Vec<MailRow>> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::mail_outbox::CLAIM)
                .bind(now)
                .bind(limit)
                .bind(sender)
                .bind(lease_until)
                .fetch_all(&mut **c)
                .await?
        }))
    }

    /// Records the outcome; false when `sender` no longer holds the claim (nothing changed).
    pub async fn finish(
        &mut self,
        id: MailId,
        sender: &str,
        outcome: &MailOutcome,
    ) -> Result<bool> {
        let done = match outcome {
            MailOutcome::Sent { at } => on_engine!(&mut self.ex, |c, q| {
                sqlx::query(q::mail_outbox::SENT)
                    .bind(id)
                    .bind(sender)
                    .bind(*at)
                    .execute(&mut **c)
                    .await?
                    .rows_affected()
            }),
            MailOutcome::Retry { at, error } => on_engine!(&mut self.ex, |c, q| {
                sqlx::query(q::mail_outbox::RETRY)
                    .bind(id)
                    .bind(sender)
                    .bind(*at)
                    .bind(error)
                    .execute(&mut **c)
                    .await?
                    .rows_affected()
            }),
            MailOutcome::Failed { error } => on_engine!(&mut self.ex, |c, q| {
                sqlx::query(q::mail_outbox::FAILED)
                    .bind(id)
                    .bind(sender)
                    .bind(error)
                    .execute(&mut **c)
                    .await?
                    .rows_affected()
            }),
        };
        Ok(done == 1)
    }

    /// Pending messages, oldest due first (`renum mail outbox`).
    pub async fn pending(&mut self, limit: i64) -> Result<Vec<MailRow>> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::mail_outbox::LIST_PENDING)
                .bind(limit)
                .fetch_all(&mut **c)
                .await?
        }))
    }
}
