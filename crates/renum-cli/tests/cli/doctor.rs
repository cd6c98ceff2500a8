//! `renum doctor` as an operator runs it: a table or JSON, exit 1 on an error finding.

use std::path::Path;
use std::process::Output;

use renum_db::testing::TestDb;
use renum_db::{Db, Engine};

/// `renum doctor` checking the repository's schema documentation and contract.
pub async fn doctor(url: &str, extra: &[&str]) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let doc = root.join("docs/schema.md").display().to_string();
    let contract = root
        .join("contract/database.types.ts")
        .display()
        .to_string();
    tokio::process::Command::new(env!("CARGO_BIN_EXE_renum"))
        .args(["doctor", "--schema-doc", &doc, "--contract", &contract])
        .args(extra)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run renum")
}

#[tokio::test]
async fn doctor_passes_a_fresh_database_and_fails_with_a_table_and_json_on_a_missing_fk_index() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = TestDb::new(engine).await;
        let clean = doctor(&t.url, &[]).await;
        let text = String::from_utf8_lossy(&clean.stdout);
        assert!(clean.status.success(), "{engine:?}: {text}");
        assert!(text.contains("no findings"), "{text}");

        let drop = "DROP INDEX sessions_user_id_idx";
        match &t.db {
            Db::Postgres(pool) => sqlx::raw_sql(drop).execute(pool).await.map(|_| ()),
            Db::Sqlite(pool) => sqlx::raw_sql(drop).execute(pool).await.map(|_| ()),
        }
        .unwrap();
        let table = doctor(&t.url, &[]).await;
        assert_eq!(table.status.code(), Some(1), "{engine:?}: {table:?}");
        let text = String::from_utf8_lossy(&table.stdout);
        let row = text
            .lines()
            .find(|l| l.contains("fk_without_index"))
            .unwrap_or_else(|| panic!("{text}"));
        assert!(
            row.starts_with("error") && row.contains("sessions_user_id_fkey"),
            "{row}"
        );
        assert!(
            text.lines().next().unwrap().starts_with("severity"),
            "{text}"
        );

        let json = doctor(&t.url, &["--json"]).await;
        assert_eq!(json.status.code(), Some(1));
        let findings: serde_json::Value =
            serde_json::from_slice(&json.stdout).expect("JSON output");
        assert!(
            findings
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule"] == "fk_without_index"
                    && f["severity"] == "error"
                    && f["subject"] == "sessions_user_id_fkey"),
            "{findings:#}"
        );
        t.cleanup().await;
    }
}
