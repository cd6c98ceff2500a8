//! The outbox sender: claims due messages (`mail_outbox.CLAIM`, under a lease), delivers each
//! over SMTP with `lettre`, and records the outcome fenced by its own id: sent, retried later
//! with exponential backoff, or given up after `max_attempts`.
//!
//! Delivery is at least once. An attempt is counted when it is claimed, so a sender killed
//! mid-delivery (even after the SMTP server took the message, before `mail_outbox.SENT`)
//! leaves a claimed row whose lease runs out; the next claim delivers it again and the count
//! shows both. The message keeps its `Message-ID` (`<row id@renum>`) across attempts, so the
//! rare duplicate is recognisable as one.

use std::future::Future;
use std::time::Duration;

use clap::Args;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use renum_db::models::MailRow;
use renum_db::repo::MailOutcome;
use renum_db::sql_types::Timestamp;
use renum_db::{Access, Db};

use crate::config::Secret;
use crate::worker::rounds::{OnStop, Round, run_rounds};

#[derive(Args, Debug, Clone)]
pub struct MailArgs {
    /// Where mail is delivered: smtp://HOST:PORT (plain), smtp://HOST:587?tls=required
    /// (STARTTLS), smtps://HOST:465 (TLS); credentials as smtp://USER:PASSWORD@HOST. Unset:
    /// messages wait in the outbox (`renum mail outbox` lists them).
    #[arg(long, env = "RENUM_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,
    /// The From of every message.
    #[arg(
        long,
        env = "RENUM_MAIL_FROM",
        default_value = "renum <noreply@localhost>"
    )]
    pub mail_from: String,
    /// The web app's base URL, which the links in messages open.
    #[arg(long, env = "RENUM_APP_URL", default_value = "http://localhost:3000")]
    pub app_url: String,
    /// Delivery attempts of one message before it is given up.
    #[arg(long, env = "RENUM_MAIL_MAX_ATTEMPTS", default_value_t = 8)]
    pub mail_max_attempts: i32,
    /// Wait after the first failed attempt (doubling, up to an hour).
    #[arg(long, env = "RENUM_MAIL_BACKOFF", default_value = "30s", value_parser = humantime::parse_duration)]
    pub mail_backoff: Duration,
    /// Timeout of one SMTP exchange; a claim's lease is four of them.
    #[arg(long, env = "RENUM_MAIL_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration)]
    pub mail_timeout: Duration,
    /// How often the sender looks for due messages.
    #[arg(long, env = "RENUM_MAIL_TICK", default_value = "1s", value_parser = humantime::parse_duration)]
    pub mail_tick: Duration,
}

impl MailArgs {
    /// The links of the messages the server writes.
    pub fn links(&self) -> super::Links {
        super::Links {
            app_url: self.app_url.clone(),
        }
    }

    pub fn sender_config(&self) -> SenderConfig {
        SenderConfig {
            batch: 10,
            lease: self.mail_timeout * 4,
            max_attempts: self.mail_max_attempts.max(1),
            backoff: self.mail_backoff,
            max_backoff: Duration::from_secs(3600),
            timeout: self.mail_timeout,
        }
    }

    /// The sender, or `None` (with a line saying so) when no SMTP server is configured.
    pub fn sender(&self, db: Db) -> anyhow::Result<Option<MailSender>> {
        match &self.smtp_url {
            Some(url) => Ok(Some(MailSender::new(
                db,
                url.expose(),
                &self.mail_from,
                self.sender_config(),
            )?)),
            None => {
                tracing::info!(
                    "RENUM_SMTP_URL is unset: mail stays in the outbox (`renum mail outbox`)"
                );
                Ok(None)
            }
        }
    }
}

#[derive(Clone, Debug)]
pub struct SenderConfig {
    /// Messages claimed per round.
    pub batch: i64,
    /// How long a claimed message is reserved; past it another sender may deliver it.
    pub lease: Duration,
    pub max_attempts: i32,
    /// Wait after the first failure; doubles per attempt, capped at `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// Timeout of one SMTP exchange.
    pub timeout: Duration,
}

/// What one round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivered {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    /// Outcomes not recorded: the claim was another sender's by then.
    pub lost: usize,
}

pub struct MailSender {
    db: Db,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    id: String,
    config: SenderConfig,
}

impl MailSender {
    /// Refuses a malformed SMTP URL or From address (one line, without the URL's password).
    pub fn new(db: Db, smtp_url: &str, from: &str, config: SenderConfig) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|err| anyhow::anyhow!("RENUM_SMTP_URL is not a usable SMTP URL: {err}"))?
            .timeout(Some(config.timeout))
            .build();
        let from = from
            .parse()
            .map_err(|err| anyhow::anyhow!("RENUM_MAIL_FROM {from:?} is not an address: {err}"))?;
        Ok(Self {
            db,
            transport,
            from,
            id: format!("{}-{}", std::process::id(), uuid::Uuid::now_v7()),
            config,
        })
    }

    /// Claims one batch and delivers it, message by message.
    pub async fn run_once(&self) -> anyhow::Result<Delivered> {
        let now = Timestamp::now();
        let lease_until = Timestamp::from(now.as_datetime() + self.config.lease);
        let mut tx = self.db.begin().await?;
        let claimed = tx
            .mail_outbox()
            .claim(now, self.config.batch, &self.id, lease_until)
            .await?;
        tx.commit().await?;
        let mut done = Delivered {
            claimed: claimed.len(),
            ..Delivered::default()
        };
        for row in claimed {
            let outcome = self.deliver(&row).await;
            let recorded = self
                .db
                .conn()
                .await?
                .mail_outbox()
                .finish(row.id, &self.id, &outcome)
                .await?;
            match (recorded, &outcome) {
                (false, _) => {
                    done.lost += 1;
                    tracing::warn!(mail_id = %row.id, "mail claim lost before its outcome was recorded");
                }
                (true, MailOutcome::Sent { .. }) => {
                    done.sent += 1;
                    tracing::info!(mail_id = %row.id, kind = %row.kind, attempts = row.attempts, "mail sent");
                }
                (true, MailOutcome::Retry { error, at }) => {
                    done.retried += 1;
                    tracing::warn!(mail_id = %row.id, attempts = row.attempts, %error, next_attempt_at = %at, "mail delivery failed; will retry");
                }
                (true, MailOutcome::Failed { error }) => {
                    done.failed += 1;
                    tracing::error!(mail_id = %row.id, attempts = row.attempts, %error, "mail given up");
                }
            }
        }
        Ok(done)
    }

    /// One attempt. A permanent refusal (an SMTP 5xx, an unparseable address) gives up at
    /// once; anything else is retried until `max_attempts`.
    async fn deliver(&self, row: &MailRow) -> MailOutcome {
        if row.attempts > self.config.max_attempts {
            // Claims whose sender died count too: give up rather than try forever.
            return MailOutcome::Failed {
                error: format!("no outcome after {} attempts", row.attempts - 1),
            };
        }
        let message = match self.message(row) {
            Ok(message) => message,
            Err(error) => return MailOutcome::Failed { error },
        };
        match self.transport.send(message).await {
            Ok(_) => MailOutcome::Sent {
                at: Timestamp::now(),
            },
            Err(err) if err.is_permanent() || row.attempts >= self.config.max_attempts => {
                MailOutcome::Failed {
                    error: err.to_string(),
                }
            }
            Err(err) => MailOutcome::Retry {
                at: Timestamp::from(Timestamp::now().as_datetime() + self.backoff(row.attempts)),
                error: err.to_string(),
            },
        }
    }

    fn message(&self, row: &MailRow) -> Result<Message, String> {
        let to: Mailbox = row
            .recipient
            .parse()
            .map_err(|err| format!("unusable recipient address: {err}"))?;
        Message::builder()
            .message_id(Some(format!("<{}@renum>", row.id)))
            .from(self.from.clone())
            .to(to)
            .subject(&row.subject)
            .multipart(MultiPart::alternative_plain_html(
                row.body_text.clone(),
                row.body_html.clone(),
            ))
            .map_err(|err| format!("cannot build the message: {err}"))
    }

    /// `backoff * 2^(attempts - 1)`, capped.
    fn backoff(&self, attempts: i32) -> chrono::Duration {
        let exp = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(20);
        let wait = self
            .config
            .backoff
            .saturating_mul(2u32.saturating_pow(exp))
            .min(self.config.max_backoff);
        chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX)
    }

    /// Runs rounds until `shutdown`. A stop lets the round in progress finish (each exchange
    /// is bounded by the timeout, and the supervisor's grace period bounds the rest): a
    /// message is not left claimed by an orderly stop.
    pub async fn run(
        self,
        tick: Duration,
        shutdown: impl Future<Output = ()>,
    ) -> anyhow::Result<()> {
        tracing::info!("mail sender started");
        let sender = &self;
        run_rounds(shutdown, tick, OnStop::FinishRound, move || async move {
            match sender.run_once().await {
                Ok(done) if done.claimed > 0 => Round::Busy,
                Ok(_) => Round::Idle,
                Err(err) => {
                    tracing::error!(error = %format!("{err:#}"), "mail round failed");
                    Round::Idle
                }
            }
        })
        .await;
        tracing::info!("mail sender stopped");
        Ok(())
    }
}
