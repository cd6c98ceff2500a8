//! Per-test databases on both engines.

use renum_db::models::{OrganizationInsert, OrganizationRow, UserInsert, UserRow};
use renum_db::{Access, Db, OrgScope, enums::Plan, enums::Role, ids};

pub use renum_db::testing::TestDb;

/// Generates `mod <name> { postgres, sqlite }`: the same body on each engine, each in a
/// fresh migrated database.
macro_rules! both_engines {
    ($($(#[$meta:meta])* async fn $name:ident($t:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            $(#[$meta])*
            async fn body($t: &renum_db::testing::TestDb) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let t = renum_db::testing::TestDb::new(renum_db::Engine::Postgres).await;
                body(&t).await;
                t.cleanup().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = renum_db::testing::TestDb::new(renum_db::Engine::Sqlite).await;
                body(&t).await;
                t.cleanup().await;
            }
        }
    )*};
}

/// Runs one raw statement (tests only: the product's SQL lives in the catalogue) and
/// returns the rows affected, or the classified data-layer error.
macro_rules! raw {
    ($db:expr, $sql:expr $(, $bind:expr)* $(,)?) => {
        match $db {
            renum_db::Db::Postgres(pool) => sqlx::query($sql)$(.bind($bind))*.execute(pool).await
                .map(|r| r.rows_affected()).map_err(renum_db::Error::from),
            renum_db::Db::Sqlite(pool) => sqlx::query($sql)$(.bind($bind))*.execute(pool).await
                .map(|r| r.rows_affected()).map_err(renum_db::Error::from),
        }
    };
}

/// An organization with its owner, the starting point of most tests.
pub struct Tenant {
    pub org: OrganizationRow,
    pub owner: UserRow,
    pub scope: OrgScope,
}

pub async fn tenant(db: &Db, slug: &str) -> Tenant {
    let mut tx = db.begin().await.unwrap();
    let org = tx
        .organizations()
        .insert(&OrganizationInsert {
            id: ids::OrganizationId::new(),
            name: format!("Org {slug}"),
            slug: slug.to_owned(),
            plan: Plan::Free,
        })
        .await
        .unwrap();
    let scope = OrgScope::trusted(org.id);
    let owner = tx
        .users(&scope)
        .insert(&UserInsert {
            id: ids::UserId::new(),
            email: format!("owner@{slug}.example"),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
            full_name: format!("Owner of {slug}"),
            role: Role::Owner,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    Tenant { org, owner, scope }
}

/// Asserts that a write was refused by the named constraint (`Invalid` or `Conflict`).
/// SQLite does not name foreign keys in its errors, so FK checks pass `None`.
#[track_caller]
pub fn assert_refused<T: std::fmt::Debug>(
    result: Result<T, renum_db::Error>,
    constraint: Option<&str>,
) {
    match result {
        Err(err @ (renum_db::Error::Invalid { .. } | renum_db::Error::Conflict { .. })) => {
            if let Some(name) = constraint {
                assert_eq!(
                    err.constraint(),
                    Some(name),
                    "refused by another constraint"
                );
            }
        }
        other => panic!("expected the database to refuse the write, got {other:?}"),
    }
}
