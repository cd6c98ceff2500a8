//! The mail outbox and its sender against a real SMTP server on loopback ([`SmtpSink`]):
//! delivery and what is recorded, retries with backoff and giving up, and a sender killed
//! mid-delivery whose message is delivered again, never lost.

use std::time::Duration;

use renum::mail::{MailSender, PASSWORD_RESET, SenderConfig};
use renum_db::enums::MailStatus;
use renum_db::models::MailRow;
use renum_db::sql_types::Timestamp;
use renum_db::testing::TestDb;
use renum_db::{Access, Db, both_engines};

use crate::smtp::{Mode, SmtpSink};

/// Every outbox row, oldest first (tests only).
pub async fn outbox(db: &Db) -> Vec<MailRow> {
    const SQL: &str = "SELECT id, kind, recipient, subject, body_text, body_html, status, \
        attempts, next_attempt_at, claimed_by, claimed_until, last_error, sent_at, created_at \
        FROM mail_outbox ORDER BY created_at, id";
    match db {
        Db::Postgres(pool) => sqlx::query_as(SQL).fetch_all(pool).await.unwrap(),
        Db::Sqlite(pool) => sqlx::query_as(SQL).fetch_all(pool).await.unwrap(),
    }
}

pub fn config() -> SenderConfig {
    SenderConfig {
        batch: 10,
        lease: Duration::from_secs(60),
        max_attempts: 3,
        backoff: Duration::from_secs(30),
        max_backoff: Duration::from_secs(3600),
        timeout: Duration::from_secs(10),
    }
}

/// A sender running rounds every 20 ms for as long as it is kept (the flows' tests).
pub struct Pump(tokio::task::JoinHandle<()>);

impl Pump {
    pub fn start(db: &Db, sink: &SmtpSink) -> Pump {
        let sender = sender(db, sink, config());
        Pump(tokio::spawn(async move {
            let _ = sender
                .run(Duration::from_millis(20), std::future::pending())
                .await;
        }))
    }
}

impl Drop for Pump {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A sender delivering to `sink`.
pub fn sender(db: &Db, sink: &SmtpSink, config: SenderConfig) -> MailSender {
    MailSender::new(db.clone(), &sink.url, "renum <noreply@renum.test>", config).unwrap()
}

async fn enqueue_reset(t: &TestDb, to: &str) -> MailRow {
    let mut tx = t.db.begin().await.unwrap();
    let mail = PASSWORD_RESET.render(
        to,
        &[
            ("name", "Ada <Lovelace>"),
            ("link", "http://app.test/reset-password#token=abc_DEF-123"),
        ],
    );
    tx.mail_outbox().enqueue(&mail).await.unwrap();
    tx.commit().await.unwrap();
    outbox(&t.db).await.pop().unwrap()
}

both_engines! {
    async fn a_message_is_delivered_over_smtp_and_its_attempt_recorded(t) {
        let sink = SmtpSink::start().await;
        let queued = enqueue_reset(t, "ada@example.com").await;
        assert_eq!((queued.status, queued.attempts), (MailStatus::Pending, 0));

        let done = sender(&t.db, &sink, config()).run_once().await.unwrap();
        assert_eq!((done.claimed, done.sent), (1, 1));
        let got = sink.wait_for(1).await;
        let mail = &got[0];
        assert_eq!(mail.from, "noreply@renum.test");
        assert_eq!(mail.to, ["ada@example.com"]);
        assert_eq!(mail.header("Subject").unwrap(), "Reset your renum password");
        assert_eq!(mail.header("Message-ID").unwrap(), format!("<{}@renum>", queued.id));
        assert!(mail.part("text/plain").contains("Hello Ada <Lovelace>,"));
        assert!(mail.part("text/html").contains("Hello Ada &lt;Lovelace&gt;,"));
        assert_eq!(mail.token(), "abc_DEF-123");

        let row = outbox(&t.db).await.pop().unwrap();
        assert_eq!((row.status, row.attempts), (MailStatus::Sent, 1));
        assert!(row.sent_at.is_some() && row.claimed_by.is_none() && row.last_error.is_none());
        assert_eq!((row.body_text.as_str(), row.body_html.as_str()), ("", ""), "the link is not kept once sent");

        // Nothing is due any more.
        let done = sender(&t.db, &sink, config()).run_once().await.unwrap();
        assert_eq!(done.claimed, 0);
        assert_eq!(sink.received().len(), 1);
    }

    async fn a_refused_message_is_retried_with_backoff_then_given_up(t) {
        let sink = SmtpSink::start().await;
        sink.set_mode(Mode::Refuse("451 4.3.0 try again later"));
        enqueue_reset(t, "ada@example.com").await;
        let before = chrono::Utc::now();
        let done = sender(&t.db, &sink, config()).run_once().await.unwrap();
        assert_eq!(done.retried, 1);
        let row = outbox(&t.db).await.pop().unwrap();
        assert_eq!((row.status, row.attempts), (MailStatus::Pending, 1));
        assert!(row.last_error.as_deref().unwrap().contains("try again later"), "{row:?}");
        let wait = row.next_attempt_at.as_datetime() - before;
        assert!(wait >= chrono::Duration::seconds(29) && wait <= chrono::Duration::seconds(40), "{wait}");
        assert!(!row.body_text.is_empty(), "a pending message keeps its body");
        // Not due yet: a second round leaves it alone.
        assert_eq!(sender(&t.db, &sink, config()).run_once().await.unwrap().claimed, 0);

        // Once due (the clock moved on), and then with no backoff, it is tried again at once;
        // the third refusal (max_attempts) is the last.
        renum_db::raw!(&t.db, "UPDATE mail_outbox SET next_attempt_at = $1", Timestamp::now()).unwrap();
        let quick = SenderConfig { backoff: Duration::ZERO, ..config() };
        assert_eq!(sender(&t.db, &sink, quick.clone()).run_once().await.unwrap().retried, 1);
        assert_eq!(sender(&t.db, &sink, quick.clone()).run_once().await.unwrap().failed, 1);
        let row = outbox(&t.db).await.pop().unwrap();
        assert_eq!((row.status, row.attempts), (MailStatus::Failed, 3));
        assert!(row.sent_at.is_none() && row.body_text.is_empty());
        assert_eq!(sender(&t.db, &sink, quick).run_once().await.unwrap().claimed, 0);
        assert!(sink.received().is_empty());

        // A permanent refusal (5xx) is given up at once.
        sink.set_mode(Mode::Refuse("550 5.1.1 no such mailbox"));
        enqueue_reset(t, "nobody@example.com").await;
        assert_eq!(sender(&t.db, &sink, config()).run_once().await.unwrap().failed, 1);
        let row = outbox(&t.db).await.pop().unwrap();
        assert_eq!((row.status, row.attempts), (MailStatus::Failed, 1));
        assert!(row.last_error.as_deref().unwrap().contains("no such mailbox"), "{row:?}");
    }

    async fn a_sender_killed_mid_delivery_has_its_message_delivered_again(t) {
        let sink = SmtpSink::start().await;
        let queued = enqueue_reset(t, "ada@example.com").await;
        // The server takes the message but never confirms it; the sender is killed meanwhile.
        sink.set_mode(Mode::StallAfterData);
        let lease = SenderConfig { lease: Duration::from_secs(2), ..config() };
        let first = sender(&t.db, &sink, lease.clone());
        let delivering = tokio::spawn(async move { first.run_once().await });
        sink.wait_for(1).await;
        delivering.abort();
        assert!(delivering.await.unwrap_err().is_cancelled());
        let row = outbox(&t.db).await.pop().unwrap();
        assert_eq!((row.status, row.attempts), (MailStatus::Pending, 1), "the attempt is recorded");
        assert!(row.claimed_by.is_some() && row.claimed_until.is_some());

        // Another sender leaves it alone while the lease holds, then delivers it again.
        sink.set_mode(Mode::Accept);
        let second = sender(&t.db, &sink, lease);
        assert_eq!(second.run_once().await.unwrap().claimed, 0);
        tokio::time::sleep(Duration::from_millis(2100)).await;
        assert_eq!(second.run_once().await.unwrap().sent, 1);
        let got = sink.wait_for(2).await;
        assert_eq!(got.len(), 2);
        let ids: Vec<_> = got.iter().map(|m| m.header("Message-ID").unwrap()).collect();
        assert_eq!(ids, [format!("<{}@renum>", queued.id), format!("<{}@renum>", queued.id)], "the same message, recognisably");
        let row = outbox(&t.db).await.pop().unwrap();
        assert_eq!((row.status, row.attempts), (MailStatus::Sent, 2));
    }
}
