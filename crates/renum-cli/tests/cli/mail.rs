//! `renum mail outbox`: the messages waiting in the outbox, with their links, on both engines
//! (how a developer without SMTP follows a reset or verification link). And the sender as a
//! process: a `renum worker` killed (SIGKILL) mid-delivery, then restarted, neither loses
//! nor silently duplicates the message.

use std::process::Stdio;
use std::time::{Duration, Instant};

use renum::mail::PASSWORD_RESET;
use renum_db::enums::MailStatus;
use renum_db::models::MailRow;
use renum_db::testing::TestDb;
use renum_db::{Access, Db, Engine};

use crate::process::{command, renum, stdout};
use crate::smtp::{Mode, SmtpSink};

const MASTER_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
/// The worker's SMTP timeout; its lease on a claimed message is four times that (12 s).
const MAIL_TIMEOUT: &str = "3s";

async fn the_outbox_lists_pending_messages_with_their_links(engine: Engine) {
    let t = TestDb::new(engine).await;
    let out = renum(&t.url, &["mail", "outbox"]).await;
    assert!(out.status.success(), "{out:?}");
    assert_eq!(stdout(&out).trim(), "the outbox is empty");

    let link = "http://app.test/reset-password#token=rnm_abc";
    let mut tx = t.db.begin().await.unwrap();
    let mail = PASSWORD_RESET.render("ada@example.com", &[("name", "Ada"), ("link", link)]);
    tx.mail_outbox().enqueue(&mail).await.unwrap();
    tx.commit().await.unwrap();
    let out = renum(&t.url, &["mail", "outbox"]).await;
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(
        text.contains(
            "password_reset  to ada@example.com  \"Reset your renum password\"  attempts 0"
        ),
        "{text}"
    );
    assert!(text.lines().any(|l| l.trim() == link), "{text}");
    t.cleanup().await;
}

#[tokio::test]
async fn the_outbox_lists_pending_messages_with_their_links_postgres() {
    the_outbox_lists_pending_messages_with_their_links(Engine::Postgres).await;
}

#[tokio::test]
async fn the_outbox_lists_pending_messages_with_their_links_sqlite() {
    the_outbox_lists_pending_messages_with_their_links(Engine::Sqlite).await;
}

/// The one outbox row.
async fn the_message(db: &Db) -> MailRow {
    const SQL: &str = "SELECT id, kind, recipient, subject, body_text, body_html, status, \
        attempts, next_attempt_at, claimed_by, claimed_until, last_error, sent_at, created_at \
        FROM mail_outbox";
    match db {
        Db::Postgres(pool) => sqlx::query_as(SQL).fetch_one(pool).await.unwrap(),
        Db::Sqlite(pool) => sqlx::query_as(SQL).fetch_one(pool).await.unwrap(),
    }
}

fn worker(url: &str, sink: &SmtpSink) -> tokio::process::Child {
    command(
        url,
        &[
            "worker",
            "--mail-timeout",
            MAIL_TIMEOUT,
            "--mail-tick",
            "50ms",
        ],
    )
    .env("RENUM_MASTER_KEY", MASTER_KEY)
    .env("RENUM_SMTP_URL", &sink.url)
    .stdout(Stdio::null())
    .kill_on_drop(true)
    .spawn()
    .expect("start renum worker")
}

async fn a_worker_killed_mid_delivery_delivers_the_message_again_after_a_restart(engine: Engine) {
    let t = TestDb::new(engine).await;
    let link = "http://app.test/reset-password#token=rnm_abc";
    let mut tx = t.db.begin().await.unwrap();
    let mail = PASSWORD_RESET.render("ada@example.com", &[("name", "Ada"), ("link", link)]);
    tx.mail_outbox().enqueue(&mail).await.unwrap();
    tx.commit().await.unwrap();

    // The SMTP server takes the message and never confirms it: the worker is killed while it
    // waits for the answer, as a crash or an OOM kill would, with no chance to record anything.
    let sink = SmtpSink::start().await;
    sink.set_mode(Mode::StallAfterData);
    let mut first = worker(&t.url, &sink);
    sink.wait_for(1).await;
    first.kill().await.unwrap();
    let row = the_message(&t.db).await;
    assert_eq!(
        (row.status, row.attempts),
        (MailStatus::Pending, 1),
        "{engine:?}: the attempt is recorded"
    );
    assert!(
        row.claimed_by.is_some(),
        "{engine:?}: still claimed by the dead worker"
    );
    assert_eq!(
        row.last_error, None,
        "{engine:?}: the kill, not the SMTP timeout, ended the attempt"
    );

    // A new worker delivers it again once the dead one's lease is over, and records it sent.
    sink.set_mode(Mode::Accept);
    let restarted_at = Instant::now();
    let mut second = worker(&t.url, &sink);
    let sent = loop {
        let row = the_message(&t.db).await;
        if row.status == MailStatus::Sent {
            break row;
        }
        assert!(
            restarted_at.elapsed() < Duration::from_secs(40),
            "{engine:?}: not delivered again: {row:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    eprintln!(
        "{engine:?}: delivered again {:?} after the restart",
        restarted_at.elapsed()
    );
    assert_eq!(sent.attempts, 2, "{engine:?}: both attempts counted");
    assert_eq!(sent.claimed_by, None, "{engine:?}: the claim is released");

    // Exactly two deliveries, recognisably the same message; none after the row says sent.
    tokio::time::sleep(Duration::from_millis(500)).await;
    second.kill().await.unwrap();
    let got = sink.received();
    assert_eq!(got.len(), 2, "{engine:?}");
    for message in &got {
        assert_eq!(message.to, ["ada@example.com"]);
        assert_eq!(
            message.header("Message-ID").unwrap(),
            format!("<{}@renum>", sent.id)
        );
    }
    t.cleanup().await;
}

#[tokio::test]
async fn a_worker_killed_mid_delivery_delivers_the_message_again_after_a_restart_postgres() {
    a_worker_killed_mid_delivery_delivers_the_message_again_after_a_restart(Engine::Postgres).await;
}

#[tokio::test]
async fn a_worker_killed_mid_delivery_delivers_the_message_again_after_a_restart_sqlite() {
    a_worker_killed_mid_delivery_delivers_the_message_again_after_a_restart(Engine::Sqlite).await;
}
