//! `renum mail outbox`: the messages waiting in the outbox, with their links, on both engines
//! (how a developer without SMTP follows a reset or verification link).

use renum::mail::PASSWORD_RESET;
use renum_db::testing::TestDb;
use renum_db::{Access, Engine};

use crate::process::{renum, stdout};

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
