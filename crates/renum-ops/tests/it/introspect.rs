//! Introspection reads the same logical schema from both engines: the premise of a contract
//! that is identical whichever engine generated it.

use renum_db::Engine;
use renum_db::testing::TestDb;
use renum_ops::introspect::{self, Schema};

/// What must agree across engines: columns (type, nullability, default, enum values) and
/// foreign keys. Index sets legitimately differ (SQLite has no partitions and indexes
/// api_logs.created_at for retention).
fn logical(schema: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for t in &schema.tables {
        for c in &t.columns {
            out.push(format!(
                "{}.{} {} null={} default={} generated={} enum={:?}",
                t.name, c.name, c.ty, c.nullable, c.has_default, c.generated, c.enum_values
            ));
        }
        for fk in &t.foreign_keys {
            out.push(format!(
                "{} {} {:?} -> {}{:?} valid={}",
                t.name,
                fk.name,
                fk.columns,
                fk.referenced_table,
                fk.referenced_columns,
                fk.validated
            ));
        }
        let mut checks: Vec<_> = t.checks.iter().map(|c| c.name.clone()).collect();
        checks.sort();
        out.push(format!("{} checks {checks:?}", t.name));
    }
    out
}

#[tokio::test]
async fn both_engines_introspect_to_the_same_logical_schema() {
    let sqlite = TestDb::new(Engine::Sqlite).await;
    let pg = TestDb::new(Engine::Postgres).await;
    let a = introspect::read(&sqlite.db).await.unwrap();
    let b = introspect::read(&pg.db).await.unwrap();
    let names: Vec<_> = a.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "api_logs",
            "auth_events",
            "clip_projects",
            "organizations",
            "posts",
            "sessions",
            "users",
            "videos"
        ]
    );
    assert_eq!(logical(&a), logical(&b));
    let posts = a.table("posts").unwrap();
    assert_eq!(
        posts
            .column("platform")
            .unwrap()
            .enum_values
            .as_deref()
            .map(<[String]>::len),
        Some(6)
    );
    assert_eq!(posts.foreign_keys.len(), 3);
    // Constraint-owned indexes carry the constraint's name on SQLite too.
    assert!(
        b.table("users")
            .unwrap()
            .indexes
            .iter()
            .any(|i| i.name == "users_email_key")
    );
    assert!(
        a.table("users")
            .unwrap()
            .indexes
            .iter()
            .any(|i| i.name == "users_email_key" && i.unique)
    );
    sqlite.cleanup().await;
    pg.cleanup().await;
}
