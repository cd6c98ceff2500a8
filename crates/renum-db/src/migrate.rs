//! Schema migrations: versioned, reversible, checksummed SQL per engine, embedded in the
//! binary and applied by sqlx's migrator. On PostgreSQL the migrator holds an advisory lock,
//! so processes migrating at the same moment apply each migration once, and waits for it at
//! most a bounded time. A changed file of an applied migration is reported as a checksum
//! mismatch and never re-run.
//!
//! Rolling deploys run old and new binaries on one schema: migrations applied by a newer
//! binary are tolerated (`up` ignores them, [`is_current`] does not count them), since
//! expand/contract migrations keep the old code working. On PostgreSQL migrations run on a connection that
//! is closed afterwards, never returned to the pool, so a session setting a migration makes
//! (`SET lock_timeout`) cannot leak into the product's queries.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use sqlx::Connection;
use sqlx::migrate::{AppliedMigration, Migrate, Migrator};

use crate::db::{Db, Engine};
use crate::error::{Error, Result};

pub static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");
pub static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");

/// sqlx's bookkeeping table, the same on both engines.
const TABLE: &str = "_sqlx_migrations";

pub fn migrator(engine: Engine) -> &'static Migrator {
    match engine {
        Engine::Postgres => &POSTGRES,
        Engine::Sqlite => &SQLITE,
    }
}

/// Where one migration stands on a database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Applied,
    Pending,
    /// Applied, but the embedded file differs from what was applied: tampered or edited.
    ChecksumMismatch,
    /// Applied on the database, unknown to this binary (a newer binary migrated it).
    Unknown,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Applied => "applied",
            State::Pending => "pending",
            State::ChecksumMismatch => "checksum mismatch",
            State::Unknown => "unknown to this binary",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationStatus {
    pub version: i64,
    pub description: String,
    pub state: State,
}

/// How long `up` waits for another process's migration lock by default.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(5 * 60);

/// Applies every pending migration, waiting at most [`DEFAULT_LOCK_WAIT`] for the lock.
pub async fn up(db: &Db) -> Result<()> {
    up_with(db, migrator(db.engine()), DEFAULT_LOCK_WAIT).await
}

/// Applies `migrator`'s pending migrations; on PostgreSQL, fails once another process has
/// held the migration lock for `lock_wait`.
pub async fn up_with(db: &Db, migrator: &Migrator, lock_wait: Duration) -> Result<()> {
    let mut unlocked = Migrator::with_migrations(migrator.iter().cloned().collect());
    // Versions a newer binary applied are its business (module documentation).
    unlocked.set_ignore_missing(true);
    match db {
        Db::Postgres(pool) => {
            // Our own lock (see catalogue::postgres_only::migration_lock); the migrations run on
            // the connection that holds it, so a pool of one connection is enough.
            use crate::catalogue::postgres_only::migration_lock;
            let mut lock = pool.acquire().await?.detach();
            let started = Instant::now();
            while !sqlx::query_scalar::<_, bool>(migration_lock::TRY_LOCK)
                .bind(MIGRATION_LOCK_KEY)
                .fetch_one(&mut lock)
                .await?
            {
                if started.elapsed() >= lock_wait {
                    return Err(Error::Config(format!(
                        "another process has held the migration lock for {}s (a migration still \
                         running, or a stuck session: see pg_locks for advisory lock {MIGRATION_LOCK_KEY}); \
                         retry, or raise --lock-wait",
                        lock_wait.as_secs()
                    )));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            unlocked.set_locking(false);
            let result = unlocked.run(&mut lock).await;
            // Closing the session releases the lock and forgets whatever the migrations SET.
            lock.close().await?;
            result?
        }
        // Each connection to an in-memory database is a database of its own (the doctor's
        // scratch replay), so SQLite migrates through the pool; it has no lock_timeout to leak.
        Db::Sqlite(pool) => unlocked.run(pool).await?,
    }
    Ok(())
}

/// The advisory lock key of `renum migrate up` ("renum" in ASCII).
pub const MIGRATION_LOCK_KEY: i64 = 0x72_65_6e_75_6d;

/// Reverts applied migrations newer than `target` (0 reverts everything), newest first.
pub async fn down(db: &Db, target: i64) -> Result<()> {
    let migrator = migrator(db.engine());
    match db {
        Db::Postgres(pool) => migrator.undo(pool, target).await?,
        Db::Sqlite(pool) => migrator.undo(pool, target).await?,
    }
    Ok(())
}

/// The status of every migration known to the binary or recorded in the database.
pub async fn status(db: &Db) -> Result<Vec<MigrationStatus>> {
    status_with(db, migrator(db.engine())).await
}

pub async fn status_with(db: &Db, migrator: &Migrator) -> Result<Vec<MigrationStatus>> {
    let applied = applied(db).await?;
    Ok(compare(migrator, &applied))
}

/// Versions recorded as applied (creates the empty bookkeeping table if it is missing).
async fn applied(db: &Db) -> Result<Vec<AppliedMigration>> {
    Ok(match db {
        Db::Postgres(pool) => {
            let mut conn = pool.acquire().await?;
            conn.ensure_migrations_table(TABLE).await?;
            conn.list_applied_migrations(TABLE).await?
        }
        Db::Sqlite(pool) => {
            let mut conn = pool.acquire().await?;
            conn.ensure_migrations_table(TABLE).await?;
            conn.list_applied_migrations(TABLE).await?
        }
    })
}

fn compare(migrator: &Migrator, applied: &[AppliedMigration]) -> Vec<MigrationStatus> {
    let applied_by_version: HashMap<i64, &AppliedMigration> =
        applied.iter().map(|m| (m.version, m)).collect();
    let mut out: Vec<MigrationStatus> = migrator
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| {
            let state = match applied_by_version.get(&m.version) {
                None => State::Pending,
                Some(a) if a.checksum == m.checksum => State::Applied,
                Some(_) => State::ChecksumMismatch,
            };
            MigrationStatus {
                version: m.version,
                description: m.description.to_string(),
                state,
            }
        })
        .collect();
    for a in applied {
        if !migrator.version_exists(a.version) {
            out.push(MigrationStatus {
                version: a.version,
                description: String::new(),
                state: State::Unknown,
            });
        }
    }
    out.sort_by_key(|s| s.version);
    out
}

/// True when every embedded migration is applied unchanged (what `/readyz` asks). Versions
/// only a newer binary knows do not count: its migrations are expand-only for this one.
pub fn is_current(statuses: &[MigrationStatus]) -> bool {
    statuses
        .iter()
        .all(|s| matches!(s.state, State::Applied | State::Unknown))
}

/// The applied versions this binary does not know (a newer release applied them).
pub fn newer(statuses: &[MigrationStatus]) -> Vec<i64> {
    statuses
        .iter()
        .filter(|s| s.state == State::Unknown)
        .map(|s| s.version)
        .collect()
}
