//! The query catalogue: every statement of each engine prepares against the migrated schema (so a typo or a dropped column fails here,
//! not in production).

use renum_db::Db;
use renum_db::catalogue::{Statement, postgres, sqlite};
use sqlx::{Executor, SqlSafeStr};

async fn prepare_all(db: &Db, statements: &[Statement]) -> Vec<String> {
    let mut failures = Vec::new();
    for s in statements {
        let result = match db {
            Db::Postgres(pool) => pool.prepare(s.sql.into_sql_str()).await.map(|_| ()),
            Db::Sqlite(pool) => pool.prepare(s.sql.into_sql_str()).await.map(|_| ()),
        };
        if let Err(err) = result {
            failures.push(format!("{}: {err}", s.name));
        }
    }
    failures
}

both_engines! {
    async fn every_statement_prepares_on_the_migrated_schema(t) {
        let statements = match t.engine() {
            renum_db::Engine::Postgres => postgres::ALL,
            renum_db::Engine::Sqlite => sqlite::ALL,
        };
        assert!(statements.len() >= 30, "the catalogue lists {} statements", statements.len());
        let failures = prepare_all(&t.db, statements).await;
        assert!(failures.is_empty(), "statements that do not prepare:\n{}", failures.join("\n"));
    }
}

both_engines! {
    async fn server_version_names_a_release(t) {
        let version = t.db.server_version().await.unwrap();
        let (major, _) = version.split_once('.').unwrap_or_else(|| panic!("{version:?}"));
        assert!(major.parse::<u32>().is_ok(), "{version:?}");
    }
}
