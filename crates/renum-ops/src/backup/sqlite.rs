//! SQLite backups: `VACUUM INTO` a file beside the destination, `PRAGMA integrity_check` on
//! that file, then a rename, so `--out` names a checked backup or nothing. `VACUUM INTO`
//! reads in one transaction, so it is consistent while `renum serve` writes (WAL mode lets
//! the writer go on). A restore checks the backup the same way, copies it beside the target
//! and renames it into place.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};

use super::queries;

/// The file a `sqlite:` URL names.
pub fn path_of(url: &str) -> anyhow::Result<PathBuf> {
    Ok(SqliteConnectOptions::from_str(url)?
        .get_filename()
        .to_path_buf())
}

/// Copies the database at `url` into `out` and checks the copy; returns the bytes written.
pub async fn backup(url: &str, out: &Path) -> anyhow::Result<u64> {
    anyhow::ensure!(!out.exists(), "{} already exists", out.display());
    let source = path_of(url)?;
    anyhow::ensure!(
        source.exists(),
        "no SQLite database at {}",
        source.display()
    );
    let partial = partial_path(out);
    std::fs::remove_file(&partial).ok();
    let result = async {
        let mut conn = SqliteConnectOptions::from_str(url)?
            .create_if_missing(false)
            .log_slow_statements(log::LevelFilter::Off, Duration::ZERO)
            .connect()
            .await?;
        sqlx::query(queries::SQLITE_VACUUM_INTO)
            .bind(partial.to_string_lossy().into_owned())
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        integrity_check(&partial).await?;
        std::fs::rename(&partial, out)?;
        Ok(std::fs::metadata(out)?.len())
    }
    .await;
    if result.is_err() {
        std::fs::remove_file(&partial).ok();
    }
    result
}

/// Puts the backup `file` in place of the database at `url`, which must hold no tables.
pub async fn restore(file: &Path, url: &str) -> anyhow::Result<()> {
    integrity_check(file).await?;
    let target = path_of(url)?;
    if target.exists() {
        let mut conn = open_existing(&target).await?;
        let tables: i64 = sqlx::query_scalar(queries::SQLITE_TABLES)
            .fetch_one(&mut conn)
            .await?;
        conn.close().await?;
        anyhow::ensure!(
            tables == 0,
            "{} is not empty ({tables} tables): restore into a new file",
            target.display()
        );
        // An empty database file (and its WAL files) holds nothing to keep.
        for suffix in ["", "-wal", "-shm"] {
            let mut p = target.clone().into_os_string();
            p.push(suffix);
            std::fs::remove_file(PathBuf::from(p)).ok();
        }
    }
    let partial = partial_path(&target);
    let copied = std::fs::copy(file, &partial).and_then(|_| std::fs::rename(&partial, &target));
    if copied.is_err() {
        std::fs::remove_file(&partial).ok();
    }
    Ok(copied?)
}

/// Fails unless `PRAGMA integrity_check` on `file` answers exactly `ok`.
async fn integrity_check(file: &Path) -> anyhow::Result<()> {
    let mut conn = open_existing(file).await?;
    let rows: Vec<String> = sqlx::query_scalar(queries::SQLITE_INTEGRITY_CHECK)
        .fetch_all(&mut conn)
        .await?;
    conn.close().await?;
    anyhow::ensure!(
        rows == ["ok"],
        "integrity check of {} failed: {}",
        file.display(),
        rows.join("; ")
    );
    Ok(())
}

/// Opens a file that must already be a database (never creates one, never changes its
/// journal mode). Whole-file statements are slow by nature: no slow-statement warnings.
async fn open_existing(file: &Path) -> anyhow::Result<SqliteConnection> {
    Ok(SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(false)
        .log_slow_statements(log::LevelFilter::Off, Duration::ZERO)
        .connect()
        .await?)
}

/// Where a file is written before it is renamed into place.
fn partial_path(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf().into_os_string();
    p.push(".partial");
    PathBuf::from(p)
}
