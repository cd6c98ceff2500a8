//! `renum doctor`: everything a database specialist checks on a live database, as findings.
//!
//! Four families: integrity (orphans, duplicates, enum values outside their CHECK,
//! constraints left NOT VALID, rows breaking a cross-column rule), indexes (foreign keys
//! without a supporting index, duplicate or redundant indexes, invalid ones), plans (every
//! catalogue statement EXPLAINed, generic and with a typical call's values; a full scan of a
//! big table or a join that discards most of what it makes is an error) and drift (schema
//! versus migrations, `docs/schema.md`, the TypeScript contract and the Rust models).
//! Any error-level finding makes the command exit non-zero.

mod drift;
mod indexes;
mod integrity;
mod plans;
pub mod queries;

use serde::Serialize;

use crate::introspect;
pub use plans::Judged;
use renum_db::Db;
use renum_db::Result;
use renum_db::catalogue::Statement;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One thing the doctor found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// `integrity`, `indexes`, `plans` or `drift`.
    pub family: &'static str,
    /// A stable rule name (`orphan_rows`, `fk_without_index`, `seq_scan`, ...).
    pub rule: &'static str,
    /// What it is about: a table, constraint, index or statement name.
    pub subject: String,
    pub detail: String,
}

impl Finding {
    fn error(
        family: &'static str,
        rule: &'static str,
        subject: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            family,
            rule,
            subject: subject.into(),
            detail: detail.into(),
        }
    }

    fn warning(
        family: &'static str,
        rule: &'static str,
        subject: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            family,
            rule,
            subject: subject.into(),
            detail: detail.into(),
        }
    }
}

/// What to compare the database with.
pub struct Options<'a> {
    /// The statements to EXPLAIN (the engine's catalogue, `catalogue::<engine>::ALL`).
    pub statements: &'a [Statement],
    /// Plans are judged on tables with more rows than this: a full scan of one is an error.
    pub seq_scan_rows: i64,
    /// A table some statement reads that holds no more rows than `seq_scan_rows` is an
    /// error (`table_not_judged`): for a plan gate on seeded data, where every table must be
    /// big enough for its plans to mean something.
    pub judge_every_table: bool,
    /// The text of `docs/schema.md`, when it is at hand.
    pub schema_doc: Option<String>,
    /// The text of the committed TypeScript contract, when it is at hand.
    pub contract: Option<String>,
    /// The database's URL: PostgreSQL builds the migrations' schema in a scratch database
    /// on the same server to compare with (SQLite uses memory). `None` skips that check.
    pub database_url: Option<String>,
}

/// What the doctor found, and which tables the plans were judged on.
#[derive(Debug)]
pub struct Examination {
    /// Sorted: errors first, then by family and subject.
    pub findings: Vec<Finding>,
    /// Every table the statements read, by name.
    pub judged: Vec<Judged>,
}

/// Runs every check.
pub async fn examine(db: &Db, options: &Options<'_>) -> Result<Examination> {
    let schema = introspect::read(db).await?;
    let mut findings = Vec::new();
    integrity::check(db, &schema, &mut findings).await?;
    indexes::check(&schema, &mut findings);
    let judged = plans::check(
        db,
        &schema,
        options.statements,
        options.seq_scan_rows,
        options.judge_every_table,
        &mut findings,
    )
    .await?;
    drift::check(db, &schema, options, &mut findings).await?;
    findings.sort_by(|a, b| {
        (a.severity, a.family, &a.subject, a.rule).cmp(&(b.severity, b.family, &b.subject, b.rule))
    });
    findings.dedup_by(|a, b| a.rule == b.rule && a.subject == b.subject && a.family == b.family);
    Ok(Examination { findings, judged })
}

/// Runs a count query (tool SQL from [`queries`]) on either engine.
async fn count(db: &Db, sql: String) -> Result<i64> {
    Ok(match db {
        Db::Postgres(pool) => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(pool)
                .await?
        }
        Db::Sqlite(pool) => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(pool)
                .await?
        }
    })
}
