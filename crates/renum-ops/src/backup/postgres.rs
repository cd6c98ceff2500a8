//! PostgreSQL backups through PostgreSQL's own tools, never a home-made dump: `pg_dump` in
//! directory format with parallel jobs (one consistent snapshot shared by the jobs), and
//! `pg_restore` with parallel jobs into an empty database. The tools are the installed
//! client's: on `PATH`, else in `pg_config --bindir`, else PostgreSQL 15's Debian directory.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection};

use super::queries;

/// Where Debian and Ubuntu install the PostgreSQL 15 client when it is not on `PATH`.
const DEBIAN_BINDIR: &str = "/usr/lib/postgresql/15/bin";

/// `pg_dump --format=directory --jobs=N` of `url` into the new directory `out`, then
/// `pg_restore --list` of it (the table of contents reads back); returns its size in bytes.
pub async fn backup(url: &str, out: &Path, jobs: u32) -> anyhow::Result<u64> {
    anyhow::ensure!(!out.exists(), "{} already exists", out.display());
    let dumped = run(
        "pg_dump",
        &[
            "--format=directory".into(),
            format!("--jobs={jobs}"),
            "--file".into(),
            out.display().to_string(),
            "--dbname".into(),
            url.to_owned(),
        ],
    )
    .await;
    if let Err(err) = dumped {
        std::fs::remove_dir_all(out).ok();
        return Err(err);
    }
    run("pg_restore", &["--list".into(), out.display().to_string()]).await?;
    dir_size(out)
}

/// `pg_restore --jobs=N --exit-on-error --no-owner` of the directory `dir` into the empty
/// database at `url`, then ANALYZE of each table. Objects belong to the restoring role, as if it had run
/// the migrations.
pub async fn restore(dir: &Path, url: &str, jobs: u32) -> anyhow::Result<()> {
    anyhow::ensure!(
        dir.join("toc.dat").exists(),
        "{} is not a pg_dump directory (no toc.dat)",
        dir.display()
    );
    // ANALYZE of a large table is slow by nature: no slow-statement warnings.
    let mut conn = PgConnectOptions::from_str(url)?
        .log_slow_statements(log::LevelFilter::Off, Duration::ZERO)
        .connect()
        .await?;
    let tables: i64 = sqlx::query_scalar(queries::PG_TABLES)
        .fetch_one(&mut conn)
        .await?;
    anyhow::ensure!(
        tables == 0,
        "the target database is not empty ({tables} tables): restore into a new database"
    );
    run(
        "pg_restore",
        &[
            format!("--jobs={jobs}"),
            "--exit-on-error".into(),
            "--no-owner".into(),
            "--dbname".into(),
            url.to_owned(),
            dir.display().to_string(),
        ],
    )
    .await?;
    let analyze: Vec<String> = sqlx::query_scalar(queries::PG_ANALYZE_STATEMENTS)
        .fetch_all(&mut conn)
        .await?;
    for statement in analyze {
        sqlx::query(AssertSqlSafe(statement))
            .execute(&mut conn)
            .await?;
    }
    conn.close().await?;
    Ok(())
}

/// Runs a PostgreSQL client tool; on failure, the error is its last line of stderr.
async fn run(tool: &str, args: &[String]) -> anyhow::Result<()> {
    let program = find(tool).await?;
    let out = tokio::process::Command::new(&program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .await
        .map_err(|err| anyhow::anyhow!("cannot run {}: {err}", program.display()))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
    anyhow::bail!(
        "{tool} failed ({}): {}",
        out.status,
        last.unwrap_or("no output").trim()
    )
}

/// The tool on `PATH`, else in `pg_config --bindir`, else in [`DEBIAN_BINDIR`].
async fn find(tool: &str) -> anyhow::Result<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    let bindir = tokio::process::Command::new("pg_config")
        .arg("--bindir")
        .output()
        .await
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    on_path
        .into_iter()
        .chain(bindir)
        .chain([PathBuf::from(DEBIAN_BINDIR)])
        .map(|dir| dir.join(tool))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{tool} not found on PATH, in pg_config --bindir or in {DEBIAN_BINDIR}: \
                 install the PostgreSQL client tools"
            )
        })
}

fn dir_size(dir: &Path) -> anyhow::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        total += entry?.metadata()?.len();
    }
    Ok(total)
}
