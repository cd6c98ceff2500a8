//! Table-size-aware severity. A statement that blocks a table while it scans, builds or
//! rewrites it ([`Rule::sized`](super::rules::Rule::sized)) blocks a 10-row table for a
//! moment and a 100M-row table for minutes; with `--database-url` the lint reads each table's
//! size and reports such a finding as an error only above a threshold. Every other finding, and
//! every finding whose table's size is unknown (no database given, or a table the database
//! does not have yet), stays an error: the lint never guesses a table small.

use std::collections::HashMap;

use super::Finding;
/// The doctor's two levels, with the same meaning: an error fails the run, a warning is printed.
pub use crate::doctor::Severity;

/// A table's size as the catalog estimates it ([`super::queries::TABLE_SIZES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSize {
    pub rows: i64,
    pub bytes: i64,
}

/// The size above which a blocking scan, build or rewrite is an error: either measure
/// exceeding its limit is enough.
#[derive(Debug, Clone, Copy)]
pub struct Threshold {
    pub rows: i64,
    pub bytes: i64,
}

impl TableSize {
    pub fn is_large(&self, t: &Threshold) -> bool {
        self.rows > t.rows || self.bytes > t.bytes
    }
}

/// The severity of `finding` given the sizes read from the database (`None` without one) and
/// the size of its table, if known.
pub fn severity(
    finding: &Finding,
    sizes: Option<&HashMap<String, TableSize>>,
    threshold: &Threshold,
) -> (Severity, Option<TableSize>) {
    let size = sizes.and_then(|s| s.get(&finding.table)).copied();
    match size {
        Some(size) if finding.rule.sized && !size.is_large(threshold) => {
            (Severity::Warning, Some(size))
        }
        _ => (Severity::Error, size),
    }
}

/// Reads the sizes of `tables` from PostgreSQL; tables it does not have are absent.
pub async fn table_sizes(
    pool: &sqlx::PgPool,
    tables: &[String],
) -> sqlx::Result<HashMap<String, TableSize>> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(super::queries::TABLE_SIZES)
        .bind(tables)
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(name, rows, bytes)| (name, TableSize { rows, bytes }))
        .collect())
}
