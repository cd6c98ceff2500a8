//! Throwaway databases for tests, on either engine (feature `testing`).
//!
//! PostgreSQL databases are created on the server that `scripts/test` starts and are named
//! `renum_t_<unix seconds>_<random>` so the script can sweep ones a crashed run left behind.
//! An unreachable server is a loud failure: PostgreSQL tests never skip.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::enums::{Direction, HttpMethod, Plan, Platform, PostStatus, Role};
use crate::ids::{OrganizationId, PostId, UserId};
use crate::models::{
    ApiLogInsert, OrganizationInsert, OrganizationRow, PostInsert, UserInsert, UserRow, VideoInsert,
};
use crate::sql_types::{StringList, Timestamp};
use crate::{Access, Db, Engine, OrgScope};

/// The admin URL of the test server; `scripts/test` creates this role.
pub fn pg_admin_url() -> String {
    std::env::var("RENUM_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://renum_test:renum_test@127.0.0.1:5432/postgres".to_owned())
}

/// A database that exists for one test.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    pg_name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A fresh, migrated database.
    pub async fn new(engine: Engine) -> TestDb {
        let t = Self::empty(engine).await;
        crate::migrate::up(&t.db).await.expect("migrations apply");
        t
    }

    /// A fresh database with no schema.
    pub async fn empty(engine: Engine) -> TestDb {
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                let db = Db::connect(&url).await.expect("open sqlite");
                TestDb {
                    db,
                    url,
                    pg_name: None,
                    _dir: Some(dir),
                }
            }
            Engine::Postgres => {
                let name = format!(
                    "renum_t_{}_{}",
                    SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .unwrap()
                        .as_secs(),
                    uuid::Uuid::now_v7().simple()
                );
                let admin = pg_admin();
                let admin = admin.await;
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&admin)
                    .await
                    .expect("create test database");
                admin.close().await;
                let url = with_database(&pg_admin_url(), &name);
                let db = Db::connect(&url).await.expect("connect to test database");
                TestDb {
                    db,
                    url,
                    pg_name: Some(name),
                    _dir: None,
                }
            }
        }
    }

    pub fn engine(&self) -> Engine {
        self.db.engine()
    }

    /// Drops the PostgreSQL database (SQLite's temp dir goes with `self`).
    pub async fn cleanup(self) {
        self.db.close().await;
        if let Some(name) = self.pg_name {
            let admin = pg_admin().await;
            // An autovacuum worker of the superuser may still be in the database (tests that
            // write and count a lot wake it); the test role cannot terminate it, so FORCE fails
            // until it finishes, which takes moments: retry for up to five seconds.
            let mut attempt = 0;
            loop {
                let dropped = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&admin)
                .await;
                match dropped {
                    Ok(_) => break,
                    Err(_) if attempt < 25 => {
                        attempt += 1;
                        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                    }
                    Err(err) => panic!("drop test database: {err}"),
                }
            }
            admin.close().await;
        }
    }
}

/// PostgreSQL tests never skip: an unreachable server is a loud failure.
async fn pg_admin() -> sqlx::PgPool {
    let url = pg_admin_url();
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap_or_else(|err| {
            panic!(
                "PostgreSQL is not reachable at {} ({err}); run scripts/test, which starts \
                 the cluster and creates the test role",
                crate::redact_url(&url)
            )
        })
}

fn with_database(url: &str, name: &str) -> String {
    let base = url.rsplit_once('/').map_or(url, |(base, _)| base);
    format!("{base}/{name}")
}

/// Generates `mod <name> { postgres, sqlite }`: the same body on each engine, each in a
/// fresh migrated database. The caller's crate needs `tokio` (with `macros`).
#[macro_export]
macro_rules! both_engines {
    ($($(#[$meta:meta])* async fn $name:ident($t:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            $(#[$meta])*
            async fn body($t: &$crate::testing::TestDb) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let t = $crate::testing::TestDb::new($crate::Engine::Postgres).await;
                body(&t).await;
                t.cleanup().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = $crate::testing::TestDb::new($crate::Engine::Sqlite).await;
                body(&t).await;
                t.cleanup().await;
            }
        }
    )*};
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
            id: OrganizationId::new(),
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
            id: UserId::new(),
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

/// One video of `user` and `n` TikTok posts of it scheduled at `due` (in the past, they are
/// the publishing worker's work), in one transaction; the posts' ids in insertion order.
pub async fn scheduled_posts(
    db: &Db,
    scope: &OrgScope,
    user: UserId,
    n: usize,
    due: Timestamp,
) -> Vec<PostId> {
    let mut tx = db.begin().await.unwrap();
    let video = tx
        .videos(scope)
        .insert(&VideoInsert::new(user, "clip"))
        .await
        .unwrap();
    let mut ids = Vec::with_capacity(n);
    for _ in 0..n {
        let post = PostInsert {
            id: PostId::new(),
            video_id: video.id,
            created_by: user,
            platform: Platform::Tiktok,
            description: "d".into(),
            hashtags: StringList::default(),
            scheduled_at: due,
            status: PostStatus::Scheduled,
        };
        ids.push(tx.posts(scope).insert(&post).await.unwrap().id);
    }
    tx.commit().await.unwrap();
    ids
}

/// An api_logs record: an inbound `GET /v1/videos` answered 200 in 1.5 ms, with no
/// organization, user, request id or bodies. Tests spell only what they look at:
/// `ApiLogInsert { request_id: Some(..), ..sample_api_log(at) }`.
pub fn sample_api_log(created_at: Timestamp) -> ApiLogInsert {
    ApiLogInsert {
        organization_id: None,
        direction: Direction::Inbound,
        service: "renum".to_owned(),
        endpoint: "/v1/videos".to_owned(),
        method: HttpMethod::Get,
        status_code: Some(200),
        duration_ms: 1.5,
        request_id: None,
        user_id: None,
        request_body: None,
        response_body: None,
        created_at,
    }
}

/// Runs one raw statement (tests only: the product's SQL lives in the catalogue) and
/// returns the rows affected, or the classified data-layer error. The caller's crate needs
/// `sqlx`.
#[macro_export]
macro_rules! raw {
    ($db:expr, $sql:expr $(, $bind:expr)* $(,)?) => {
        match $db {
            $crate::Db::Postgres(pool) => ::sqlx::query($sql)$(.bind($bind))*.execute(pool).await
                .map(|r| r.rows_affected()).map_err($crate::Error::from),
            $crate::Db::Sqlite(pool) => ::sqlx::query($sql)$(.bind($bind))*.execute(pool).await
                .map(|r| r.rows_affected()).map_err($crate::Error::from),
        }
    };
}
