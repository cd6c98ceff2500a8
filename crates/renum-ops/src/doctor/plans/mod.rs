//! Plan findings: every catalogue statement EXPLAINed on the current data.
//!
//! Two rules, both errors: a full scan of a table holding more than the threshold of rows
//! in the generic plan (that statement gets slower with every row), and join waste, a nested loop that makes
//! [`reading::WASTE_RATIO`] rows or more for each one it keeps (the statement does the work
//! of a much bigger result). Statements are judged on the tables they read that hold more
//! rows than the threshold; the others are listed as not judged, and with
//! `Options::judge_every_table` each one is an error, so a gate cannot pass by leaving a
//! table too small to plan honestly.
//!
//! PostgreSQL plans each statement twice, the two ways a pooled prepared statement runs:
//! generic (`plan_cache_mode = force_generic_plan`, no values needed) and custom, with the
//! values of a typical call read from the data ([`arguments`]). SQLite plans with every
//! parameter bound to NULL (its planner does not look at values) and has no row estimates,
//! so only full scans are judged there.

mod arguments;
mod reading;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use serde_json::Value;
use sqlx::Row;
use sqlx::postgres::PgConnection;

use super::queries::{self, ident};
use super::{Finding, count};
use crate::introspect::Schema;
use arguments::Role;
use renum_db::Db;
use renum_db::Result;
use renum_db::catalogue::Statement;

const FAMILY: &str = "plans";

/// A table the catalogue's statements read, and whether their plans were judged on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Judged {
    pub table: String,
    /// Rows (the planner's count on PostgreSQL; partitions summed into their table).
    pub rows: i64,
    /// True when the table holds more rows than the threshold.
    pub judged: bool,
    /// The statements whose plans read it.
    pub statements: Vec<&'static str>,
}

pub(super) async fn check(
    db: &Db,
    schema: &Schema,
    statements: &[Statement],
    threshold: i64,
    judge_every_table: bool,
    findings: &mut Vec<Finding>,
) -> Result<Vec<Judged>> {
    let (rows, parents) = table_rows(db, schema).await?;
    let table_of = |relation: &str| {
        parents
            .get(relation)
            .cloned()
            .unwrap_or_else(|| relation.to_owned())
    };
    let mut readers: BTreeMap<String, BTreeSet<&'static str>> = BTreeMap::new();
    let mut samples = HashMap::new();
    let mut pg = match db {
        Db::Postgres(pool) => Some(pool.acquire().await?),
        Db::Sqlite(_) => None,
    };
    for s in statements {
        let read = match pg.as_deref_mut() {
            Some(conn) => postgres_plans(conn, schema, s, &mut samples).await,
            None => sqlite_plan(db, s).await,
        };
        let read = match read {
            Ok(read) => read,
            Err(err) => {
                findings.push(Finding::error(
                    FAMILY,
                    "statement_does_not_plan",
                    s.name,
                    err.to_string(),
                ));
                continue;
            }
        };
        for relation in &read.relations {
            readers
                .entry(table_of(relation))
                .or_default()
                .insert(s.name);
        }
        for relation in read.seq_scans {
            let n = rows.get(&relation).copied().unwrap_or(0);
            if n > threshold {
                findings.push(Finding::error(
                    FAMILY,
                    "seq_scan",
                    s.name,
                    format!(
                        "scans all of {relation} ({n} rows > {threshold}): add an index for its \
                         predicate or ORDER BY"
                    ),
                ));
            }
        }
        for (plan, waste) in read.waste {
            let n = rows.get(&waste.inner).copied().unwrap_or(0);
            if n > threshold {
                findings.push(Finding::error(
                    FAMILY,
                    "join_waste",
                    s.name,
                    format!(
                        "its {plan} plan joins by a nested loop that makes ~{:.0} rows with {} \
                         to keep ~{:.0} ({:.0} per row kept): join on an index, or take the \
                         page before joining",
                        waste.made,
                        waste.inner,
                        waste.kept,
                        waste.made / waste.kept
                    ),
                ));
            }
        }
    }

    let mut judged = Vec::new();
    for (table, names) in readers {
        let n = rows
            .iter()
            .filter(|(relation, _)| table_of(relation) == table)
            .map(|(_, n)| *n)
            .sum::<i64>();
        let entry = Judged {
            rows: n,
            judged: n > threshold,
            statements: names.into_iter().collect(),
            table,
        };
        if judge_every_table && !entry.judged {
            findings.push(Finding::error(
                FAMILY,
                "table_not_judged",
                entry.table.clone(),
                format!(
                    "{} statement(s) read it but it holds {n} rows (threshold {threshold}): \
                     their plans say nothing about a real database; load more data",
                    entry.statements.len()
                ),
            ));
        }
        judged.push(entry);
    }
    Ok(judged)
}

/// What a statement's plans read.
#[derive(Default)]
struct Read {
    relations: Vec<String>,
    seq_scans: Vec<String>,
    /// Join waste, with the plan it was found in (`generic` or `custom`).
    waste: Vec<(&'static str, reading::Waste)>,
}

/// Rows per table and partition, and each partition's table.
async fn table_rows(
    db: &Db,
    schema: &Schema,
) -> Result<(HashMap<String, i64>, HashMap<String, String>)> {
    match db {
        Db::Postgres(pool) => {
            let rows: Vec<(String, i64)> = sqlx::query_as(queries::postgres::TABLE_ROWS)
                .fetch_all(pool)
                .await?;
            let parents: Vec<(String, String)> =
                sqlx::query_as(queries::postgres::PARTITION_PARENTS)
                    .fetch_all(pool)
                    .await?;
            Ok((rows.into_iter().collect(), parents.into_iter().collect()))
        }
        Db::Sqlite(_) => {
            let mut out = HashMap::new();
            for t in &schema.tables {
                let Some(table) = ident(&t.name) else {
                    continue;
                };
                let n = count(db, queries::COUNT_ROWS.replace("{table}", table)).await?;
                out.insert(t.name.clone(), n);
            }
            Ok((out, HashMap::new()))
        }
    }
}

/// The highest `$n` in the statement: how many parameters it takes.
fn parameter_count(sql: &str) -> usize {
    let bytes = sql.as_bytes();
    let mut max = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'$' {
            let digits: String = sql[i + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            max = max.max(digits.parse().unwrap_or(0));
        }
    }
    max
}

/// The statement's generic and custom plans on one connection; the session settings are
/// restored whatever happens.
async fn postgres_plans(
    conn: &mut PgConnection,
    schema: &Schema,
    s: &Statement,
    samples: &mut HashMap<Role, Option<String>>,
) -> Result<Read> {
    let prepare = queries::postgres::PREPARE.replace("{sql}", s.sql);
    sqlx::raw_sql(sqlx::AssertSqlSafe(prepare))
        .execute(&mut *conn)
        .await?;
    let plans = explain_both(conn, schema, s, samples).await;
    sqlx::raw_sql(queries::postgres::DEALLOCATE)
        .execute(&mut *conn)
        .await?;
    sqlx::raw_sql(queries::postgres::RESET_PLANS)
        .execute(&mut *conn)
        .await?;
    let (generic, custom) = plans?;
    let mut read = Read::default();
    // Full scans are judged on the generic plan only: it has no values, so a full scan
    // there is one for every call (a missing index), while a custom plan may rightly scan
    // a partition its values select whole (counting every row older than a cutoff).
    reading::seq_scans(&generic, &mut read.seq_scans);
    for (kind, plan) in [("generic", generic), ("custom", custom)] {
        reading::relations(&plan, &mut read.relations);
        let mut waste = Vec::new();
        reading::join_waste(&plan, &mut waste);
        read.waste.extend(waste.into_iter().map(|w| (kind, w)));
    }
    read.relations.sort();
    read.relations.dedup();
    read.seq_scans.sort();
    read.seq_scans.dedup();
    Ok(read)
}

/// EXPLAIN of the prepared statement, generic then custom.
async fn explain_both(
    conn: &mut PgConnection,
    schema: &Schema,
    s: &Statement,
    samples: &mut HashMap<Role, Option<String>>,
) -> Result<(Value, Value)> {
    let params = parameter_count(s.sql);
    let types: Vec<String> = sqlx::query_scalar(queries::postgres::PARAMETER_TYPES)
        .fetch_one(&mut *conn)
        .await?;
    let roles = arguments::roles(s.sql, params, &aliases(s.sql), schema);
    let mut custom = Vec::with_capacity(params);
    for (role, ty) in roles.iter().zip(&types) {
        if !samples.contains_key(role) {
            let value = match arguments::sample_query(role) {
                Some(sql) => {
                    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                        .fetch_optional(&mut *conn)
                        .await?
                }
                None => None,
            };
            samples.insert(role.clone(), value);
        }
        custom.push(arguments::argument(role, ty, samples[role].clone()));
    }
    let generic = vec!["NULL".to_owned(); params];
    let mut plans = Vec::new();
    for (mode, args) in [
        (queries::postgres::GENERIC_PLANS, generic),
        (queries::postgres::CUSTOM_PLANS, custom),
    ] {
        sqlx::raw_sql(mode).execute(&mut *conn).await?;
        let args = if args.is_empty() {
            String::new()
        } else {
            format!("({})", args.join(", "))
        };
        let explain = queries::postgres::EXPLAIN.replace("{params}", &args);
        let plan = sqlx::query_scalar::<_, sqlx::types::Json<Value>>(sqlx::AssertSqlSafe(explain))
            .fetch_one(&mut *conn)
            .await?;
        plans.push(plan.0);
    }
    let custom = plans.pop().unwrap_or_default();
    let generic = plans.pop().unwrap_or_default();
    Ok((generic, custom))
}

/// The tables SQLite's plan reads, and those it reads in full.
async fn sqlite_plan(db: &Db, s: &Statement) -> Result<Read> {
    let Db::Sqlite(pool) = db else {
        unreachable!("called for SQLite databases only")
    };
    let explain = queries::sqlite::EXPLAIN.replace("{sql}", s.sql);
    let mut query = sqlx::query(sqlx::AssertSqlSafe(explain));
    for _ in 0..parameter_count(s.sql) {
        query = query.bind(None::<String>);
    }
    let rows = query.fetch_all(pool).await?;
    let aliases = aliases(s.sql);
    let mut read = Read::default();
    for row in rows {
        let detail: String = row.try_get("detail")?;
        let mut words = detail.split_whitespace();
        let full = match words.next() {
            Some("SCAN") => !scans_a_partial_index(pool, &detail).await?,
            Some("SEARCH") => false,
            _ => continue,
        };
        if let Some(table) = words.next().and_then(|w| aliases.get(w)) {
            read.relations.push(table.clone());
            if full {
                read.seq_scans.push(table.clone());
            }
        }
    }
    read.relations.sort();
    read.relations.dedup();
    Ok(read)
}

/// Whether a `SCAN t USING [COVERING] INDEX i` step walks a partial index, which holds only
/// the rows its predicate keeps.
async fn scans_a_partial_index(pool: &sqlx::SqlitePool, detail: &str) -> Result<bool> {
    let Some((_, rest)) = detail.split_once(" INDEX ") else {
        return Ok(false);
    };
    let Some(index) = rest.split_whitespace().next() else {
        return Ok(false);
    };
    Ok(sqlx::query_scalar(queries::sqlite::INDEX_IS_PARTIAL)
        .bind(index)
        .fetch_one(pool)
        .await?)
}

/// Table names and aliases (`FROM posts p JOIN videos v`) mapped to the table, because
/// SQLite's plan names a table by its alias.
fn aliases(sql: &str) -> HashMap<String, String> {
    const NOT_ALIAS: &[&str] = &[
        "WHERE",
        "JOIN",
        "ON",
        "SET",
        "ORDER",
        "LIMIT",
        "GROUP",
        "LEFT",
        "INNER",
        "VALUES",
        "RETURNING",
        "USING",
        "(",
    ];
    let words: Vec<&str> = sql.split_whitespace().collect();
    let mut out = HashMap::new();
    for (i, w) in words.iter().enumerate() {
        if !["FROM", "JOIN", "UPDATE", "INTO"].contains(&w.to_ascii_uppercase().as_str()) {
            continue;
        }
        let Some(table) = words.get(i + 1).map(|t| t.trim_end_matches(['(', ','])) else {
            continue;
        };
        out.insert(table.to_owned(), table.to_owned());
        if let Some(alias) = words.get(i + 2) {
            let upper = alias.to_ascii_uppercase();
            if !NOT_ALIAS.contains(&upper.as_str()) && ident(alias).is_some() {
                out.insert((*alias).to_owned(), table.to_owned());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_and_aliases_are_read_from_the_statement() {
        assert_eq!(
            parameter_count("SELECT 1 WHERE a = $1 AND b = $12 AND c = $3"),
            12
        );
        assert_eq!(parameter_count("SELECT 1"), 0);
        let a =
            aliases("SELECT p.id FROM posts p JOIN videos v ON v.id = p.video_id WHERE p.x = $1");
        assert_eq!(a.get("p").map(String::as_str), Some("posts"));
        assert_eq!(a.get("v").map(String::as_str), Some("videos"));
        assert_eq!(a.get("posts").map(String::as_str), Some("posts"));
        let b = aliases("SELECT id FROM users WHERE email = $1");
        assert_eq!(b.len(), 1);
    }
}
