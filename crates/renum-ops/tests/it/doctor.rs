//! `renum_ops::doctor`: each finding is planted on a healthy database and must be reported;
//! the healthy database itself has none. The plan gate on seeded data is a binary test
//! (`crates/renum-cli/tests/cli/plan_gate.rs`).

use std::path::Path;

use renum_db::catalogue::{self, Statement};
use renum_db::enums::{Platform, PostStatus};
use renum_db::ids::{OrganizationId, PostId};
use renum_db::models::{ApiLogInsert, PostInsert, VideoInsert};
use renum_db::sql_types::{StringList, Timestamp};
use renum_db::{Access, Db, Engine};
use renum_ops::doctor::{self, Finding, Options, Severity};

use renum_db::testing::{Tenant, TestDb, sample_api_log, tenant};

fn repo_file(path: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(path),
    )
    .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn options<'a>(t: &TestDb, statements: &'a [Statement]) -> Options<'a> {
    Options {
        statements,
        seq_scan_rows: 10_000,
        judge_every_table: false,
        schema_doc: Some(repo_file("docs/schema.md")),
        contract: Some(repo_file("contract/database.types.ts")),
        database_url: Some(t.url.clone()),
    }
}

fn catalogue_of(t: &TestDb) -> &'static [Statement] {
    match t.engine() {
        Engine::Postgres => catalogue::postgres::ALL,
        Engine::Sqlite => catalogue::sqlite::ALL,
    }
}

async fn examine(t: &TestDb) -> Vec<Finding> {
    doctor::examine(&t.db, &options(t, catalogue_of(t)))
        .await
        .unwrap()
        .findings
}

#[track_caller]
fn assert_found(findings: &[Finding], severity: Severity, rule: &str, subject: &str) {
    assert!(
        findings
            .iter()
            .any(|f| f.severity == severity && f.rule == rule && f.subject == subject),
        "expected {severity:?} {rule} on {subject}, got:\n{findings:#?}"
    );
}

/// Raw SQL on one connection (pragmas such as foreign_keys are per connection on SQLite).
async fn on_one_connection(db: &Db, statements: &[&str]) {
    match db {
        Db::Postgres(pool) => {
            let mut c = pool.acquire().await.unwrap();
            for s in statements {
                sqlx::raw_sql(sqlx::AssertSqlSafe(*s))
                    .execute(&mut *c)
                    .await
                    .unwrap_or_else(|e| panic!("{s}: {e}"));
            }
        }
        Db::Sqlite(pool) => {
            let mut c = pool.acquire().await.unwrap();
            for s in statements {
                sqlx::raw_sql(sqlx::AssertSqlSafe(*s))
                    .execute(&mut *c)
                    .await
                    .unwrap_or_else(|e| panic!("{s}: {e}"));
            }
            // Leave the pooled connection as the pool configured it.
            sqlx::raw_sql("PRAGMA foreign_keys = ON; PRAGMA ignore_check_constraints = OFF")
                .execute(&mut *c)
                .await
                .unwrap();
        }
    }
}

/// A tenant with one video and one draft post.
async fn seeded(t: &TestDb) -> (Tenant, PostId) {
    let a = tenant(&t.db, "acme").await;
    let mut conn = t.db.conn().await.unwrap();
    let v = conn
        .videos(&a.scope)
        .insert(&VideoInsert::new(a.owner.id, "Source"))
        .await
        .unwrap();
    let p = conn
        .posts(&a.scope)
        .insert(&PostInsert {
            id: PostId::new(),
            video_id: v.id,
            created_by: a.owner.id,
            platform: Platform::Tiktok,
            description: "Launch".into(),
            hashtags: StringList::default(),
            scheduled_at: Timestamp::now(),
            status: PostStatus::Draft,
        })
        .await
        .unwrap();
    (a, p.id)
}

both_engines! {
    async fn a_healthy_database_has_no_findings(t) {
        seeded(t).await;
        let findings = examine(t).await;
        assert!(findings.is_empty(), "{findings:#?}");
    }

    async fn api_log_rows_naming_unknown_organizations_are_reported_as_orphans(t) {
        seeded(t).await;
        let mut conn = t.db.conn().await.unwrap();
        conn.api_logs().insert(&ApiLogInsert {
            organization_id: Some(OrganizationId::new()),
            ..sample_api_log(Timestamp::now())
        }).await.unwrap();
        let findings = examine(t).await;
        assert_found(&findings, Severity::Warning, "orphan_rows", "api_logs -> organizations");
        assert!(!findings.iter().any(|f| f.subject == "api_logs -> users"), "{findings:#?}");
    }

    async fn a_foreign_key_without_an_index_and_overlapping_indexes_are_reported(t) {
        seeded(t).await;
        on_one_connection(&t.db, &[
            "DROP INDEX sessions_user_id_idx",
            "CREATE INDEX posts_video_again ON posts (organization_id, video_id)",
            "CREATE INDEX posts_organization_only ON posts (organization_id)",
        ]).await;
        let findings = examine(t).await;
        assert_found(&findings, Severity::Error, "fk_without_index", "sessions_user_id_fkey");
        assert_found(&findings, Severity::Warning, "duplicate_index", "posts_video_again");
        assert_found(&findings, Severity::Warning, "redundant_index", "posts_organization_only");
        // The migrations create the dropped index and none of the new ones.
        assert_found(&findings, Severity::Error, "schema_missing_from_database", "sessions.sessions_user_id_idx");
        assert_found(&findings, Severity::Error, "schema_not_in_migrations", "posts.posts_organization_only");
    }

    async fn a_statement_scanning_a_table_above_the_threshold_is_an_error(t) {
        seeded(t).await;
        if let Db::Postgres(pool) = &t.db {
            sqlx::raw_sql("ANALYZE").execute(pool).await.unwrap();
        }
        let statements = [
            Statement { name: "posts.BY_DESCRIPTION", sql: "SELECT id FROM posts WHERE description = $1" },
        ];
        let above = Options { seq_scan_rows: 0, ..options(t, &statements) };
        let findings = doctor::examine(&t.db, &above).await.unwrap().findings;
        assert_found(&findings, Severity::Error, "seq_scan", "posts.BY_DESCRIPTION");
        let below = Options { seq_scan_rows: 1, ..options(t, &statements) };
        let examined = doctor::examine(&t.db, &below).await.unwrap();
        assert!(!examined.findings.iter().any(|f| f.rule == "seq_scan"), "one row is under the threshold: {examined:#?}");
        // Not judged, and listed as such; a gate that must judge every table fails on it.
        let posts = examined.judged.iter().find(|j| j.table == "posts").unwrap();
        assert!(!posts.judged && posts.rows <= 1 && posts.statements == ["posts.BY_DESCRIPTION"], "{posts:?}");
        let gate = Options { judge_every_table: true, ..below };
        let findings = doctor::examine(&t.db, &gate).await.unwrap().findings;
        assert_found(&findings, Severity::Error, "table_not_judged", "posts");
    }

    async fn orphans_enum_values_and_status_disagreements_behind_the_constraints_are_reported(t) {
        let (a, post) = seeded(t).await;
        let org = a.org.id.to_string();
        let post = post.to_string();
        let orphan = renum_db::ids::PostId::new().to_string();
        let missing_video = renum_db::ids::VideoId::new().to_string();
        let owner = a.owner.id.to_string();
        let insert_orphan = format!(
            "INSERT INTO posts (id, organization_id, video_id, created_by, platform, scheduled_at) \
             VALUES ('{orphan}', '{org}', '{missing_video}', '{owner}', 'x', '2026-11-25T12:00:00.000000Z')"
        );
        let bad_status = format!("UPDATE posts SET status = 'bogus' WHERE id = '{post}'");
        let published = format!(
            "UPDATE posts SET status = 'published', external_post_id = 'x-1', published_at = NULL WHERE id = '{orphan}'"
        );
        match t.engine() {
            // PostgreSQL: the way such rows get in is a constraint re-added NOT VALID.
            Engine::Postgres => on_one_connection(&t.db, &[
                "ALTER TABLE posts DROP CONSTRAINT posts_video_fkey",
                "ALTER TABLE posts DROP CONSTRAINT posts_status_check",
                "ALTER TABLE posts DROP CONSTRAINT posts_published_at_check",
                &insert_orphan, &bad_status, &published,
                "ALTER TABLE posts ADD CONSTRAINT posts_video_fkey FOREIGN KEY (organization_id, video_id) \
                 REFERENCES videos (organization_id, id) ON DELETE RESTRICT NOT VALID",
                "ALTER TABLE posts ADD CONSTRAINT posts_status_check CHECK (status IN \
                 ('draft', 'scheduled', 'publishing', 'published', 'failed', 'cancelled')) NOT VALID",
                "ALTER TABLE posts ADD CONSTRAINT posts_published_at_check \
                 CHECK ((status = 'published') = (published_at IS NOT NULL)) NOT VALID",
            ]).await,
            // SQLite: a connection that switched enforcement off.
            Engine::Sqlite => on_one_connection(&t.db, &[
                "PRAGMA foreign_keys = OFF",
                "PRAGMA ignore_check_constraints = ON",
                &insert_orphan, &bad_status, &published,
            ]).await,
        }
        let findings = examine(t).await;
        assert_found(&findings, Severity::Error, "orphan_rows", "posts_video_fkey");
        assert_found(&findings, Severity::Error, "enum_value_outside_check", "posts.status");
        assert_found(&findings, Severity::Error, "status_timestamp_disagree", "posts.status/published_at");
        if t.engine() == Engine::Postgres {
            for name in ["posts_video_fkey", "posts_status_check", "posts_published_at_check"] {
                assert_found(&findings, Severity::Error, "constraint_not_valid", name);
            }
        }
    }

    async fn drift_from_the_contract_the_models_and_the_docs_is_reported(t) {
        seeded(t).await;
        on_one_connection(&t.db, &[
            "ALTER TABLE videos ADD COLUMN tagline TEXT",
            "DROP INDEX users_one_owner_per_organization",
            "CREATE UNIQUE INDEX users_one_owner_per_organization ON users (organization_id) WHERE role = 'owner'",
        ]).await;
        let mut options = options(t, catalogue_of(t));
        options.schema_doc = options.schema_doc.map(|d| d.replace("`thumbnail_url`", "thumbnail_url"));
        let findings = doctor::examine(&t.db, &options).await.unwrap().findings;
        assert_found(&findings, Severity::Error, "schema_not_in_migrations", "videos.tagline");
        // Same name and key, another predicate: the invariant the index keeps changed.
        assert_found(&findings, Severity::Error, "schema_differs_from_migrations", "users.users_one_owner_per_organization");
        assert_found(&findings, Severity::Error, "contract_stale", "contract/database.types.ts");
        assert_found(&findings, Severity::Error, "rust_model_drift", "models");
        match t.engine() {
            // PostgreSQL regenerates the document from the live schema and compares.
            Engine::Postgres => {
                assert_found(&findings, Severity::Error, "schema_doc_stale", "docs/schema.md");
            }
            // SQLite keeps no comments: the document must at least name every object.
            Engine::Sqlite => {
                assert_found(&findings, Severity::Warning, "doc_missing", "videos.tagline");
                assert_found(&findings, Severity::Warning, "doc_missing", "videos.thumbnail_url");
            }
        }
    }
}

#[tokio::test]
async fn a_failed_concurrent_unique_index_is_reported_with_the_duplicates_that_broke_it() {
    let t = TestDb::new(Engine::Postgres).await;
    let a = tenant(&t.db, "acme").await;
    let org = a.org.id.to_string();
    let owner = a.owner.id.to_string();
    let video = |n: u32| {
        format!(
            "INSERT INTO videos (id, organization_id, user_id, title, opusclip_clip_id) \
             VALUES ('{}', '{org}', '{owner}', 'clip {n}', 'clip-1')",
            renum_db::ids::VideoId::new()
        )
    };
    on_one_connection(
        &t.db,
        &[
            "ALTER TABLE videos DROP CONSTRAINT videos_organization_id_opusclip_clip_id_key",
            &video(1),
            &video(2),
        ],
    )
    .await;
    let Db::Postgres(pool) = &t.db else {
        unreachable!()
    };
    let failed = sqlx::raw_sql(
        "CREATE UNIQUE INDEX CONCURRENTLY videos_clip_once ON videos (organization_id, opusclip_clip_id)",
    )
    .execute(pool)
    .await;
    assert!(failed.is_err(), "the duplicates must make the build fail");
    let findings = examine(&t).await;
    assert_found(
        &findings,
        Severity::Error,
        "invalid_index",
        "videos_clip_once",
    );
    assert_found(
        &findings,
        Severity::Error,
        "duplicate_rows",
        "videos_clip_once",
    );
    t.cleanup().await;
}

/// SQLite words a walk of a whole index `SCAN t USING INDEX i`: a full scan of the table when
/// the index holds every row, but only the kept rows when it is partial (a queue's pending
/// messages), which is how `mail_outbox.LIST_PENDING` reads.
#[tokio::test]
async fn on_sqlite_walking_a_partial_index_is_not_a_full_scan_but_a_whole_index_is() {
    let t = TestDb::new(Engine::Sqlite).await;
    seeded(&t).await;
    on_one_connection(
        &t.db,
        &[
            "CREATE INDEX posts_drafts_idx ON posts (scheduled_at) WHERE status = 'draft'",
            "CREATE INDEX posts_every_scheduled_at_idx ON posts (scheduled_at)",
        ],
    )
    .await;
    let statements = [
        Statement {
            name: "posts.DRAFTS",
            sql: "SELECT id FROM posts INDEXED BY posts_drafts_idx WHERE status = 'draft' \
                  ORDER BY scheduled_at LIMIT $1",
        },
        Statement {
            name: "posts.EVERY",
            sql: "SELECT id FROM posts INDEXED BY posts_every_scheduled_at_idx \
                  ORDER BY scheduled_at LIMIT $1",
        },
    ];
    let all = Options {
        seq_scan_rows: 0,
        ..options(&t, &statements)
    };
    let findings = doctor::examine(&t.db, &all).await.unwrap().findings;
    assert_found(&findings, Severity::Error, "seq_scan", "posts.EVERY");
    assert!(
        !findings.iter().any(|f| f.subject == "posts.DRAFTS"),
        "{findings:#?}"
    );
    t.cleanup().await;
}
