//! `renum schema docs` end to end: the committed `docs/schema.md` is exactly what the
//! migrations' schema generates (so it cannot be stale), a schema change or a comment change
//! makes `--check` fail with a readable diff, and SQLite, which keeps no comments, is refused.

use std::path::{Path, PathBuf};

use crate::process::{renum, stdout};
use renum_db::testing::TestDb;
use renum_db::{Db, Engine};

fn schema_doc() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema.md")
}

#[tokio::test]
async fn the_committed_schema_doc_is_what_the_migrations_generate() {
    let t = TestDb::new(Engine::Postgres).await;
    let check = schema_doc().display().to_string();
    let out = renum(&t.url, &["schema", "docs", "--check", &check]).await;
    assert!(
        out.status.success(),
        "docs/schema.md is stale; run `renum schema docs --out docs/schema.md`:\n{}",
        stdout(&out)
    );
    let text = stdout(&renum(&t.url, &["schema", "docs"]).await);
    // The prose of the comments reaches the document, next to the object it describes.
    for expected in [
        "```mermaid\nerDiagram\n",
        "    videos ||--o{ posts : \"posts_video_fkey\"",
        "| `posts_video_fkey` | `(organization_id, video_id)` → `videos (organization_id, id)` | RESTRICT |",
        "The delete rule of videos: deleting a video",
        "| `posts_due_idx` | `(scheduled_at) WHERE (status = 'scheduled'::text)` | The scheduler's claim",
        "| `sessions_user_id_fkey` | `(user_id)` → `users (id)` | CASCADE |",
        "**No foreign keys, on purpose.**",
    ] {
        assert!(text.contains(expected), "missing {expected:?}");
    }
    t.cleanup().await;
}

#[tokio::test]
async fn check_fails_with_a_diff_when_the_schema_or_a_comment_changes() {
    let t = TestDb::new(Engine::Postgres).await;
    let Db::Postgres(pool) = &t.db else {
        unreachable!()
    };
    sqlx::raw_sql(
        "ALTER TABLE videos ADD COLUMN tagline text; \
         COMMENT ON COLUMN videos.tagline IS 'One line under the title'; \
         COMMENT ON INDEX posts_due_idx IS 'Nothing in particular'",
    )
    .execute(pool)
    .await
    .unwrap();
    let check = schema_doc().display().to_string();
    let out = renum(&t.url, &["schema", "docs", "--check", &check]).await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let diff = stdout(&out);
    assert!(diff.contains("does not match the schema"), "{diff}");
    for added in [
        "| `tagline` | `text` | null |  | One line under the title |",
        "| Nothing in particular |",
    ] {
        assert!(
            diff.lines()
                .any(|l| l.starts_with('+') && l.contains(added)),
            "no + line with {added:?}:\n{diff}"
        );
    }
    assert!(
        diff.lines()
            .any(|l| l.starts_with('-') && l.contains("The scheduler's claim of due posts")),
        "{diff}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("renum schema docs --out"), "{stderr}");
    t.cleanup().await;
}

#[tokio::test]
async fn sqlite_is_refused_because_it_keeps_no_comments() {
    let t = TestDb::new(Engine::Sqlite).await;
    let out = renum(&t.url, &["schema", "docs"]).await;
    assert!(!out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("only PostgreSQL keeps"), "{stderr}");
    t.cleanup().await;
}
