//! `renum migrate lint` end to end (feature `migration-lint`, which scripts/test enables).

use std::process::Output;

use renum_db::Engine;
use renum_db::raw;
use renum_db::testing::TestDb;

async fn lint_on(database_url: &str, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_renum"))
        .args(["migrate", "lint"])
        .args(args)
        .env("DATABASE_URL", database_url)
        .output()
        .await
        .expect("run renum")
}

async fn lint(args: &[&str]) -> Output {
    // Without a PostgreSQL database, linting must not open, let alone create, one.
    lint_on("sqlite:///nonexistent-dir/renum.db", args).await
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

#[tokio::test]
async fn clean_migrations_never_connect_even_to_a_postgres_url() {
    let out = lint_on("postgres://nobody:secret@127.0.0.1:1/none", &[]).await;
    assert!(out.status.success(), "{out:?}");
}

#[tokio::test]
async fn with_a_postgres_url_a_blocking_build_is_an_error_only_on_a_large_table() {
    let t = TestDb::new(Engine::Postgres).await;
    raw!(&t.db, "CREATE TABLE big (n integer)").unwrap();
    raw!(&t.db, "CREATE TABLE small (n integer)").unwrap();
    raw!(&t.db, "INSERT INTO big SELECT generate_series(1, 5000)").unwrap();
    raw!(&t.db, "INSERT INTO small VALUES (1), (2)").unwrap();
    raw!(&t.db, "ANALYZE big, small").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, table: &str| {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            format!(
                "SET LOCAL lock_timeout = '5s';\nSET LOCAL statement_timeout = '30s';\n\
                 CREATE INDEX {table}_n_idx ON {table} (n);\n"
            ),
        )
        .unwrap();
        path.display().to_string()
    };
    let (small, big) = (file("1_small.up.sql", "small"), file("2_big.up.sql", "big"));
    let threshold = ["--large-table-rows", "1000"];

    let out = lint_on(&t.url, &[&small, threshold[0], threshold[1]]).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        text.contains("creating-index-without-concurrently")
            && text.contains("warning: small has ~2 rows"),
        "{text}"
    );

    let out = lint_on(&t.url, &[&big, threshold[0], threshold[1]]).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(text.contains("error: big has ~5000 rows"), "{text}");

    // A partitioned table is as large as its partitions.
    raw!(
        &t.db,
        "INSERT INTO api_logs (organization_id, direction, service, endpoint, method, duration_ms) \
         SELECT NULL, 'inbound', 'renum', '/v1/posts', 'GET', 1 FROM generate_series(1, 3000)"
    )
    .unwrap();
    raw!(&t.db, "ANALYZE api_logs").unwrap();
    let logs = file("3_logs.up.sql", "api_logs");
    let out = lint_on(&t.url, &[&logs, threshold[0], threshold[1]]).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(text.contains("error: api_logs has ~3000 rows"), "{text}");

    // Without the database the same file is an error, as before.
    let out = lint(&[&small]).await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
}
