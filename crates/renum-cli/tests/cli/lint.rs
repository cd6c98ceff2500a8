//! `renum migrate lint` end to end (feature `migration-lint`, which scripts/test enables).

use std::process::Output;

async fn lint(args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_renum"))
        .args(["migrate", "lint"])
        .args(args)
        // Linting must not open, let alone create, a database.
        .env("DATABASE_URL", "postgres://nobody:secret@127.0.0.1:1/none")
        .output()
        .await
        .expect("run renum")
}

#[tokio::test]
async fn the_shipped_migrations_are_clean_and_a_hazard_is_shown_with_rule_line_why_and_fix() {
    let shipped = lint(&[]).await;
    assert!(shipped.status.success(), "{shipped:?}");
    assert!(String::from_utf8_lossy(&shipped.stdout).contains("no hazards"));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("20270101000000_status_index.up.sql");
    std::fs::write(
        &bad,
        "SET lock_timeout = '5s';\n\nCREATE INDEX posts_status_idx ON posts (status);\n",
    )
    .unwrap();
    let out = lint(&[bad.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("20270101000000_status_index.up.sql:3: creating-index-without-concurrently"),
        "{text}"
    );
    assert!(
        text.contains("why: ") && text.contains("instead: CREATE INDEX CONCURRENTLY"),
        "{text}"
    );
}
