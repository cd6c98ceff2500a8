//! `renum mail outbox`: the messages waiting in `mail_outbox`, oldest due first, each with the
//! links of its body. Without `RENUM_SMTP_URL` no sender runs and this is how a developer
//! follows a password reset or verification link. The links are live single-use tokens: this
//! is an operator's view of the database, like reading the table itself.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use renum_db::Access;

use renum::config::DatabaseArgs;

#[derive(Args, Debug)]
pub struct MailArgs {
    #[command(subcommand)]
    command: MailCommand,
}

#[derive(Subcommand, Debug)]
enum MailCommand {
    /// List the messages not sent yet, with their links.
    Outbox {
        /// At most this many messages.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

pub async fn run(db_args: &DatabaseArgs, args: MailArgs) -> anyhow::Result<ExitCode> {
    let MailCommand::Outbox { limit } = args.command;
    let db = db_args.connect().await?;
    let pending = db.conn().await?.mail_outbox().pending(limit.max(1)).await?;
    if pending.is_empty() {
        println!("the outbox is empty");
    }
    for mail in &pending {
        println!(
            "{}  {}  to {}  {:?}  attempts {}{}",
            mail.created_at,
            mail.kind,
            mail.recipient,
            mail.subject,
            mail.attempts,
            mail.last_error
                .as_deref()
                .map(|e| format!("  last error: {e}"))
                .unwrap_or_default()
        );
        for link in links(&mail.body_text) {
            println!("    {link}");
        }
    }
    db.close().await;
    Ok(ExitCode::SUCCESS)
}

/// The URLs of a plain-text body (the templates put each link on a line of its own).
fn links(body: &str) -> impl Iterator<Item = &str> {
    body.lines()
        .map(str::trim)
        .filter(|line| line.starts_with("http://") || line.starts_with("https://"))
}
