//! The plan gate, as an operator runs it: `renum seed` fills a database, then `renum doctor
//! --judge-every-table` EXPLAINs every catalogue statement on it and fails on a full scan
//! of a big table, on join waste, and on any table the statements read that holds too few
//! rows for its plans to mean anything. The seed is sized so every table the catalogue
//! reads passes the threshold, which scales with it: half the organizations, the smallest
//! table. Then the gate is shown live on the same data: statements that scan or waste fail.

use renum_db::catalogue::Statement;
use renum_db::testing::TestDb;
use renum_db::{Db, Engine};
use renum_ops::doctor::{self, Options, Severity};

use crate::process::renum;

const ORGANIZATIONS: u32 = 1_000;
/// Half the smallest seeded table (organizations): the planner's choices on tables this
/// size are the ones it makes in production.
const THRESHOLD: u32 = ORGANIZATIONS / 2;

/// The feed as it was written before it went page first (`posts.LIST_WITH_VIDEO`): the
/// join comes before the LIMIT, and PostgreSQL joins every video of the organization with
/// each post of the page.
const JOIN_FIRST_FEED: Statement = Statement {
    name: "fixture.JOIN_FIRST_FEED",
    sql: "SELECT p.id, p.description, p.scheduled_at, v.id, v.title FROM posts p JOIN videos v \
          ON v.organization_id = p.organization_id AND v.id = p.video_id \
          WHERE p.organization_id = $1 AND p.scheduled_at >= $2 AND p.scheduled_at < $3 \
          AND (CAST($4 AS TEXT) IS NULL OR p.status = $4) \
          AND (CAST($5 AS TEXT) IS NULL OR p.platform = $5) \
          AND (p.scheduled_at, p.id) < ($6, $7) \
          ORDER BY p.scheduled_at DESC, p.id DESC LIMIT $8",
};

async fn seed(t: &TestDb) {
    let orgs = ORGANIZATIONS.to_string();
    let out = renum(
        &t.url,
        &[
            "seed",
            "--organizations",
            &orgs,
            "--users-per-org",
            "3",
            "--videos-per-org",
            "20",
            "--posts-per-video",
            "5",
            "--api-logs",
            "50000",
            "--anchor",
            "2026-06-01",
        ],
    )
    .await;
    assert!(out.status.success(), "{out:?}");
}

fn options(statements: &[Statement]) -> Options<'_> {
    Options {
        statements,
        seq_scan_rows: i64::from(THRESHOLD),
        judge_every_table: true,
        schema_doc: None,
        contract: None,
        database_url: None,
    }
}

#[tokio::test]
async fn every_catalogue_statement_is_judged_on_seeded_data_and_none_scans_or_wastes() {
    for engine in [Engine::Postgres, Engine::Sqlite] {
        let t = TestDb::empty(engine).await;
        seed(&t).await;
        let threshold = THRESHOLD.to_string();
        let out = renum(
            &t.url,
            &[
                "doctor",
                "--json",
                "--judged",
                "--judge-every-table",
                "--seq-scan-rows",
                &threshold,
                "--schema-doc",
                "/nonexistent",
                "--contract",
                "/nonexistent",
            ],
        )
        .await;
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{engine:?}: {e}: {out:?}"));
        let errors: Vec<_> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error")
            .collect();
        assert!(errors.is_empty(), "{engine:?}: {errors:#?}");
        assert!(out.status.success(), "{engine:?}: {out:?}");

        // Every table a statement reads is judged; the figures go to the test's output.
        let judged = report["judged"].as_array().unwrap();
        let tables: Vec<&str> = judged.iter().filter_map(|j| j["table"].as_str()).collect();
        for table in [
            "organizations",
            "users",
            "sessions",
            "videos",
            "clip_projects",
            "posts",
            "api_logs",
            "auth_events",
            "email_tokens",
            "mail_outbox",
            "invitations",
        ] {
            assert!(
                tables.contains(&table),
                "{engine:?}: {table} unread: {tables:?}"
            );
        }
        for j in judged {
            assert_eq!(j["judged"], true, "{engine:?}: {j}");
            eprintln!(
                "{engine:?} {:<14} {:>7} rows {:>3} statements",
                j["table"].as_str().unwrap(),
                j["rows"],
                j["statements"].as_array().unwrap().len()
            );
        }

        // The gate is live on this data: a statement that scans a big table or joins
        // wastefully fails, on every table that was never judged before.
        let unindexed = [
            Statement {
                name: "fixture.SESSIONS_BY_AGENT",
                sql: "SELECT id FROM sessions WHERE user_agent = $1",
            },
            Statement {
                name: "fixture.AUTH_EVENTS_BY_IP",
                sql: "SELECT id FROM auth_events WHERE ip = $1",
            },
        ];
        let found = doctor::examine(&t.db, &options(&unindexed)).await.unwrap();
        for s in &unindexed {
            assert!(
                found
                    .findings
                    .iter()
                    .any(|f| f.rule == "seq_scan" && f.subject == s.name),
                "{engine:?}: {:#?}",
                found.findings
            );
        }
        if let Db::Postgres(_) = t.db {
            let found = doctor::examine(&t.db, &options(&[JOIN_FIRST_FEED]))
                .await
                .unwrap();
            let waste = found
                .findings
                .iter()
                .find(|f| f.rule == "join_waste")
                .unwrap_or_else(|| panic!("{:#?}", found.findings));
            assert_eq!(waste.severity, Severity::Error);
            assert_eq!(waste.subject, JOIN_FIRST_FEED.name);
            assert!(waste.detail.contains("custom plan"), "{}", waste.detail);
            eprintln!("{}", waste.detail);
        }
        t.cleanup().await;
    }
}
