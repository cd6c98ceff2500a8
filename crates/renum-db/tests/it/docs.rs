//! `docs/schema.md` must describe the live schema: every column, constraint and index of the
//! migrated PostgreSQL database is named in the section of its table.

use renum_db::{Db, Engine};

use renum_db::testing::TestDb;

fn section<'a>(doc: &'a str, table: &str) -> &'a str {
    let heading = format!("\n## {table}\n");
    let start = doc
        .find(&heading)
        .unwrap_or_else(|| panic!("docs/schema.md has no `## {table}` section"));
    let rest = &doc[start + heading.len()..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

#[tokio::test]
async fn schema_doc_names_every_column_constraint_and_index() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/schema.md"))
        .expect("docs/schema.md exists");
    let t = TestDb::new(Engine::Postgres).await;
    let Db::Postgres(pool) = &t.db else {
        unreachable!()
    };
    // (table, name) of every column, constraint and index, partitions excluded: they inherit
    // their parent's definitions and are documented with it.
    let names: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name NOT IN ('_sqlx_migrations', 'api_logs_default') \
         UNION ALL \
         SELECT conrelid::regclass::text, conname::text FROM pg_constraint \
         WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT IN ('_sqlx_migrations', 'api_logs_default') \
         UNION ALL \
         SELECT tablename::text, indexname::text FROM pg_indexes \
         WHERE schemaname = 'public' AND tablename NOT IN ('_sqlx_migrations', 'api_logs_default')",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(
        names.len() > 100,
        "introspection found {} names",
        names.len()
    );
    let missing: Vec<String> = names
        .iter()
        .filter(|(table, name)| !section(&doc, table).contains(&format!("`{name}`")))
        .map(|(table, name)| format!("{table}.{name}"))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/schema.md does not mention: {missing:?}"
    );
    t.cleanup().await;
}
