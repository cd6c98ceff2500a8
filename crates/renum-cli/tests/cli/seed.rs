//! `renum seed` end to end on both engines, at small sizes.

use crate::process::renum;
use renum_db::testing::TestDb;
use renum_db::{Db, Engine};
use renum_ops::seed_catalogue;
use sqlx::AssertSqlSafe;

const SMALL: &[&str] = &[
    "seed",
    "--organizations",
    "3",
    "--users-per-org",
    "4",
    "--videos-per-org",
    "10",
    "--posts-per-video",
    "2",
    "--api-logs",
    "300",
    "--anchor",
    "2026-06-01",
];

async fn seeded(engine: Engine, extra: &[&str]) -> TestDb {
    let t = TestDb::empty(engine).await;
    let args: Vec<&str> = SMALL.iter().chain(extra).copied().collect();
    let out = renum(&t.url, &args).await;
    assert!(out.status.success(), "{engine:?}: {out:?}");
    t
}

async fn scalar(db: &Db, sql: &str) -> i64 {
    let sql = AssertSqlSafe(sql.to_owned());
    match db {
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

/// Every row of every seeded table as text, sorted: two databases with equal dumps hold the
/// same data, UUIDs included, and api_logs.id (the database's identity: the logs load in
/// one stream, in time order, so the ids are the same too).
async fn dump(db: &Db) -> Vec<Vec<String>> {
    let mut tables = Vec::new();
    for table in seed_catalogue::ALL {
        let mut columns = table.columns.join(", ");
        if !table.columns.contains(&"id") {
            columns = format!("id, {columns}");
        }
        let sql = match db {
            Db::Postgres(_) => format!(
                "SELECT CAST(ROW({columns}) AS text) FROM {} ORDER BY 1",
                table.table
            ),
            // quote() spells every value, blobs (token hashes) included, as SQL text.
            Db::Sqlite(_) => format!(
                "SELECT json_array({}) FROM {} ORDER BY 1",
                columns
                    .split(", ")
                    .map(|c| format!("quote({c})"))
                    .collect::<Vec<_>>()
                    .join(", "),
                table.table
            ),
        };
        let sql = AssertSqlSafe(sql);
        let rows: Vec<String> = match db {
            Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
            Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
        };
        tables.push(rows);
    }
    tables
}

#[tokio::test]
async fn the_same_seed_gives_the_same_rows_and_another_seed_does_not() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let a = seeded(engine, &["--seed", "7"]).await;
        let b = seeded(engine, &["--seed", "7"]).await;
        let c = seeded(engine, &["--seed", "8"]).await;
        let (da, db, dc) = (dump(&a.db).await, dump(&b.db).await, dump(&c.db).await);
        assert!(
            da.iter().all(|rows| !rows.is_empty()),
            "{engine:?}: a table is empty"
        );
        assert!(da == db, "{engine:?}: the same seed gave different rows");
        for (i, table) in seed_catalogue::ALL.iter().enumerate() {
            assert_ne!(
                da[i], dc[i],
                "{engine:?}: {} did not change with the seed",
                table.table
            );
        }
        for t in [a, b, c] {
            t.cleanup().await;
        }
    }
}

#[tokio::test]
async fn seeded_tables_have_the_requested_sizes_and_one_owner_per_organization() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = seeded(engine, &[]).await;
        let db = &t.db;
        for (table, expected) in [
            ("organizations", 3),
            ("users", 3 * 4),
            ("sessions", 3 * 4 * 2),
            ("auth_events", 3 * 4 * 5),
            ("email_tokens", 3 * 4 * 2),
            ("mail_outbox", 3 * 4 * 2),
            ("invitations", 3 * 4),
            ("videos", 3 * 10),
            ("posts", 3 * 10 * 2),
            ("api_logs", 300),
        ] {
            let n = scalar(db, &format!("SELECT count(*) FROM {table}")).await;
            assert_eq!(n, expected, "{engine:?}: rows in {table}");
        }
        let owners = "SELECT count(DISTINCT organization_id) FROM users \
                      WHERE role = 'owner' AND deleted_at IS NULL";
        assert_eq!(
            scalar(db, owners).await,
            3,
            "{engine:?}: an organization lacks its owner"
        );
        assert_eq!(
            scalar(db, "SELECT count(*) FROM users WHERE role = 'owner'").await,
            3
        );
        let orphan_clips = "SELECT count(*) FROM videos WHERE module_type = 'clip' \
                            AND parent_video_id IS NULL";
        assert_eq!(scalar(db, orphan_clips).await, 0);
        assert!(scalar(db, "SELECT count(*) FROM videos WHERE module_type = 'clip'").await > 0);
        assert!(scalar(db, "SELECT count(*) FROM clip_projects").await > 0);
        assert!(scalar(db, "SELECT count(DISTINCT status) FROM posts").await >= 4);
        assert_eq!(
            scalar(db, "SELECT count(DISTINCT platform) FROM posts").await,
            6
        );
        let published = "SELECT count(*) FROM posts WHERE status = 'published' \
                         AND external_post_id IS NOT NULL AND published_at IS NOT NULL";
        assert!(scalar(db, published).await > 0);
        let anonymous = "SELECT count(*) FROM api_logs WHERE organization_id IS NULL";
        assert!(scalar(db, anonymous).await > 0);
        let outbound = "SELECT count(DISTINCT service) FROM api_logs WHERE direction = 'outbound'";
        assert!(scalar(db, outbound).await >= 3);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn demo_prints_a_login_that_exists_and_a_second_seed_is_refused() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = TestDb::empty(engine).await;
        let out = renum(&t.url, &["seed", "--demo"]).await;
        assert!(out.status.success(), "{engine:?}: {out:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = stdout
            .lines()
            .find(|l| l.starts_with("sign in as "))
            .unwrap_or_else(|| panic!("no login line in {stdout}"));
        let words: Vec<&str> = line.split_whitespace().collect();
        let (email, password) = (words[3], words[6]);
        assert_eq!(email, renum_ops::seed::DEMO_EMAIL);

        let sql = "SELECT password_hash FROM users \
                   WHERE email = $1 AND role = 'owner' AND deleted_at IS NULL";
        let hash: String = match &t.db {
            Db::Postgres(pool) => sqlx::query_scalar(sql).bind(email).fetch_one(pool).await,
            Db::Sqlite(pool) => sqlx::query_scalar(sql).bind(email).fetch_one(pool).await,
        }
        .expect("the printed login exists");
        assert!(
            renum::app::passwords::matches(password, &hash),
            "the printed password verifies"
        );

        let again = renum(&t.url, &["seed", "--demo"]).await;
        assert_eq!(again.status.code(), Some(1), "{engine:?}: {again:?}");
        let stderr = String::from_utf8_lossy(&again.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains("already has organizations"), "{stderr}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn sizes_out_of_range_or_mixed_with_demo_are_refused() {
    let url = "sqlite:///nonexistent-dir/never-created.db";
    let zero_orgs = renum(
        url,
        &[
            "seed",
            "--organizations",
            "0",
            "--users-per-org",
            "1",
            "--videos-per-org",
            "1",
            "--posts-per-video",
            "1",
            "--api-logs",
            "1",
        ],
    )
    .await;
    assert!(!zero_orgs.status.success());
    assert!(String::from_utf8_lossy(&zero_orgs.stderr).contains("--organizations"));
    let mixed = renum(url, &["seed", "--demo", "--organizations", "5"]).await;
    assert!(!mixed.status.success());
    let missing = renum(url, &["seed", "--organizations", "5"]).await;
    assert!(!missing.status.success());
}

/// The PostgreSQL load drops foreign keys and non-unique indexes and rebuilds them: what it
/// leaves must be exactly the migrated schema (`renum schema docs --check` compares every
/// constraint, index and comment), valid, with the logs in their monthly partitions.
#[tokio::test]
async fn the_postgres_seed_leaves_the_migrated_schema_and_fills_monthly_partitions() {
    let t = seeded(Engine::Postgres, &[]).await;
    let docs = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/schema.md");
    let out = renum(&t.url, &["schema", "docs", "--check", docs]).await;
    assert!(out.status.success(), "{out:?}");
    for (what, sql) in [
        (
            "constraints not validated",
            "SELECT count(*) FROM pg_constraint WHERE NOT convalidated",
        ),
        (
            "invalid indexes",
            "SELECT count(*) FROM pg_index WHERE NOT indisvalid",
        ),
        (
            "logs in the default partition",
            "SELECT count(*) FROM api_logs_default",
        ),
    ] {
        assert_eq!(scalar(&t.db, sql).await, 0, "{what}");
    }
    let partitions = "SELECT count(*) FROM pg_inherits WHERE inhparent = 'api_logs'::regclass";
    assert_eq!(
        scalar(&t.db, partitions).await,
        8,
        "seven months and the default"
    );
    t.cleanup().await;
}
