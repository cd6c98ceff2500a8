//! `renum backup` and `renum restore`: keeping the data. A backup is the engine's own
//! consistent copy (SQLite `VACUUM INTO`, PostgreSQL `pg_dump` in directory format), checked
//! before success is reported; a restore fills an empty target and then verifies that its
//! migrations are this binary's, checksum for checksum. Continuous archiving (WAL, point in
//! time) is PostgreSQL's business, not renum's: `docs/OPERATIONS.md` says when to prefer it.

mod postgres;
pub mod queries;
pub(crate) mod sqlite;
pub mod verify;

use std::path::Path;
use std::time::{Duration, Instant};

use renum_db::{Db, Engine};

pub use verify::Migrations;

/// What a backup wrote.
#[derive(Debug)]
pub struct BackupReport {
    pub engine: Engine,
    /// Bytes on disk (the file, or the directory's files).
    pub bytes: u64,
    pub elapsed: Duration,
}

/// What a restore put in place.
#[derive(Debug)]
pub struct RestoreReport {
    pub engine: Engine,
    pub migrations: Migrations,
    pub elapsed: Duration,
}

/// Backs up the database at `url` into `out` (a file on SQLite, a new directory on
/// PostgreSQL, dumped by `jobs` parallel jobs).
pub async fn backup(url: &str, out: &Path, jobs: u32) -> anyhow::Result<BackupReport> {
    let started = Instant::now();
    let engine = Engine::from_url(url)?;
    let bytes = match engine {
        Engine::Sqlite => sqlite::backup(url, out).await?,
        Engine::Postgres => postgres::backup(url, out, jobs).await?,
    };
    Ok(BackupReport {
        engine,
        bytes,
        elapsed: started.elapsed(),
    })
}

/// Restores the backup `from` into the empty database at `url` and verifies its migrations.
pub async fn restore(from: &Path, url: &str, jobs: u32) -> anyhow::Result<RestoreReport> {
    let started = Instant::now();
    let engine = Engine::from_url(url)?;
    match engine {
        Engine::Sqlite => sqlite::restore(from, url).await?,
        Engine::Postgres => postgres::restore(from, url, jobs).await?,
    }
    let db = Db::connect(url).await?;
    let migrations = verify::migrations(&db).await;
    db.close().await;
    Ok(RestoreReport {
        engine,
        migrations: migrations?,
        elapsed: started.elapsed(),
    })
}
