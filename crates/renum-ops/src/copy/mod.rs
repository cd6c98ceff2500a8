//! `renum copy --from URL --to URL`: a whole renum database moved to the other engine
//! (SQLite to PostgreSQL when a team outgrows the file; the reverse for local debugging),
//! every id, timestamp and ciphertext kept.
//!
//! The target is migrated by this binary to the version the source is at and must hold no
//! rows. The source is read in one snapshot, table by table in dependency order, by a task
//! that hashes each row's canonical form (`cell`) as it goes; the target is written in one
//! transaction (COPY on PostgreSQL, with foreign keys and non-unique indexes dropped and
//! rebuilt as `renum seed` does; deferred foreign keys on SQLite), so a failure leaves it
//! empty. After the commit the target is read back through the same code: the row count and
//! checksum of every table must match, and `renum doctor` must find no error.

mod cell;
pub mod queries;
mod read;
mod write;

use std::time::{Duration, Instant};

use indicatif::MultiProgress;
use renum_db::migrate::{self, State};
use renum_db::retention::{self, Month};
use renum_db::{Db, Engine};
use tokio::sync::mpsc;

pub use cell::Checksum;
use queries::{ALL, CopyTable};

/// Rows handed from the reader to the writer at a time.
const BATCH_ROWS: usize = 2_000;

/// What the reader sends for a table: batches of rows, then how many and their checksum.
enum Msg {
    Rows(Vec<Vec<cell::Cell>>),
    End { rows: u64, checksum: Checksum },
}

pub struct Options {
    pub from: String,
    pub to: String,
    /// Progress bars on stderr (`seed::progress_wanted`).
    pub progress: bool,
}

/// One copied table, verified.
#[derive(Debug)]
pub struct TableReport {
    pub table: &'static str,
    pub rows: u64,
    /// Time spent writing it (COPY or INSERTs), the source read overlapping.
    pub elapsed: Duration,
    /// Equal on both sides, or the copy failed.
    pub checksum: Checksum,
}

#[derive(Debug)]
pub struct Report {
    pub tables: Vec<TableReport>,
    /// The migration both databases are at.
    pub version: i64,
    /// PostgreSQL target: rebuilding the dropped indexes and foreign keys.
    pub rebuild: Duration,
    pub verify: Duration,
    /// The doctor's warnings on the target (errors fail the copy).
    pub doctor_warnings: usize,
    pub elapsed: Duration,
}

pub async fn run(options: &Options) -> anyhow::Result<Report> {
    // Opening a SQLite URL creates the file: a mistyped source must not become an empty one.
    if Engine::from_url(&options.from)? == Engine::Sqlite {
        let path = crate::backup::sqlite::path_of(&options.from)?;
        anyhow::ensure!(path.exists(), "no SQLite database at {}", path.display());
    }
    let source = Db::connect(&options.from).await?;
    let target = Db::connect(&options.to).await?;
    let result = copy(&source, &target, options).await;
    source.close().await;
    target.close().await;
    result
}

async fn copy(source: &Db, target: &Db, options: &Options) -> anyhow::Result<Report> {
    let started = Instant::now();
    let version = current_version(source)
        .await
        .map_err(|err| anyhow::anyhow!("source: {err}"))?;
    migrate::up(target).await?;
    let target_version = current_version(target)
        .await
        .map_err(|err| anyhow::anyhow!("target: {err}"))?;
    anyhow::ensure!(
        version == target_version,
        "the source is at migration {version}, the target at {target_version}"
    );
    for table in ALL {
        let rows = read::count(target, table).await?;
        anyhow::ensure!(
            rows == 0,
            "the target is not empty ({rows} rows in {}): copy into a new database",
            table.table
        );
    }
    if target.engine() == Engine::Postgres {
        log_partitions(source, target).await?;
    }

    let bars = MultiProgress::new();
    if !options.progress {
        bars.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut totals = Vec::with_capacity(ALL.len());
    for table in ALL {
        totals.push(read::count(source, table).await?);
    }
    let (sender, receiver) = mpsc::channel(4);
    let reader = tokio::spawn(read::all(source.clone(), sender, true));
    let written = write::all(target, receiver, &bars, &totals).await;
    let read = reader.await?;
    // The reader's error is the cause when both failed (the writer only saw the channel end).
    read?;
    let (written, rebuild) = written?;
    write::analyze(target).await?;

    let verify_started = Instant::now();
    let (sender, mut receiver) = mpsc::channel(4);
    let reader = tokio::spawn(read::all(target.clone(), sender, false));
    let mut tables = Vec::with_capacity(ALL.len());
    for (table, (rows, checksum, elapsed)) in ALL.iter().zip(written) {
        let Some(Msg::End {
            rows: back,
            checksum: back_sum,
        }) = receiver.recv().await
        else {
            break;
        };
        anyhow::ensure!(
            back == rows,
            "{}: {rows} rows copied, {back} in the target",
            table.table
        );
        anyhow::ensure!(
            back_sum == checksum,
            "{}: checksum {checksum} on the source, {back_sum} on the target",
            table.table
        );
        tables.push(TableReport {
            table: table.table,
            rows,
            elapsed,
            checksum,
        });
    }
    reader.await??;
    anyhow::ensure!(
        tables.len() == ALL.len(),
        "the target read back ended early"
    );
    let doctor_warnings = doctor(target, &options.to).await?;
    Ok(Report {
        tables,
        version,
        rebuild,
        verify: verify_started.elapsed(),
        doctor_warnings,
        elapsed: started.elapsed(),
    })
}

/// The newest migration, when every migration this binary embeds is applied unchanged.
async fn current_version(db: &Db) -> anyhow::Result<i64> {
    let statuses = migrate::status(db).await?;
    if let Some(s) = statuses.iter().find(|s| s.state != State::Applied) {
        anyhow::bail!(
            "migration {} is {}: run `renum migrate up` with this release first",
            s.version,
            s.state.as_str()
        );
    }
    statuses
        .last()
        .map(|s| s.version)
        .ok_or_else(|| anyhow::anyhow!("no renum migrations"))
}

/// Creates the monthly api_logs partitions the source's logs need (empty, committed before
/// the copy, as `renum logs partitions` would).
async fn log_partitions(source: &Db, target: &Db) -> anyhow::Result<()> {
    let Some((first, last)) = read::log_span(source).await? else {
        return Ok(());
    };
    let (mut month, end) = (Month::containing(first), Month::containing(last));
    let mut after = 0;
    while month < end {
        month = month.next();
        after += 1;
    }
    retention::ensure_partitions(target, first.into(), after).await?;
    Ok(())
}

/// `renum doctor` on the target: an error finding fails the copy; returns the warnings.
async fn doctor(target: &Db, url: &str) -> anyhow::Result<usize> {
    let statements = match target.engine() {
        Engine::Postgres => renum_db::catalogue::postgres::ALL,
        Engine::Sqlite => renum_db::catalogue::sqlite::ALL,
    };
    let options = crate::doctor::Options {
        statements,
        seq_scan_rows: 10_000,
        judge_every_table: false,
        schema_doc: None,
        contract: None,
        database_url: Some(url.to_owned()),
    };
    let findings = crate::doctor::examine(target, &options).await?.findings;
    if let Some(error) = findings
        .iter()
        .find(|f| f.severity == crate::doctor::Severity::Error)
    {
        anyhow::bail!(
            "renum doctor on the target: {} {} {}: {}",
            error.family,
            error.rule,
            error.subject,
            error.detail
        );
    }
    Ok(findings.len())
}

/// The table names, for the statements that take them as `regclass[]`.
fn table_names() -> Vec<&'static str> {
    ALL.iter().map(|t: &CopyTable| t.table).collect()
}
