//! Plan findings: every catalogue statement EXPLAINed on the current data. A full scan of a
//! table holding more than the threshold of rows is an error: that statement gets slower
//! with every row.
//!
//! PostgreSQL plans are generic (`plan_cache_mode = force_generic_plan`), the plan a pooled
//! prepared statement settles on, so no parameter values are needed: the planner uses its
//! statistics for a typical value. SQLite plans with every parameter bound to NULL (its
//! planner does not look at values either).

use std::collections::HashMap;

use sqlx::Row;

use super::queries::{self, ident};
use super::{Finding, count};
use crate::introspect::Schema;
use renum_db::Db;
use renum_db::Result;
use renum_db::catalogue::Statement;

const FAMILY: &str = "plans";

pub(super) async fn check(
    db: &Db,
    schema: &Schema,
    statements: &[Statement],
    threshold: i64,
    findings: &mut Vec<Finding>,
) -> Result<()> {
    let rows = table_rows(db, schema).await?;
    for s in statements {
        match scanned_tables(db, s).await {
            Ok(scanned) => {
                for table in scanned {
                    let n = rows.get(&table).copied().unwrap_or(0);
                    if n > threshold {
                        findings.push(Finding::error(
                            FAMILY,
                            "seq_scan",
                            s.name,
                            format!(
                                "scans all of {table} ({n} rows > {threshold}): add an index for its \
                                 predicate or ORDER BY"
                            ),
                        ));
                    }
                }
            }
            Err(err) => findings.push(Finding::error(
                FAMILY,
                "statement_does_not_plan",
                s.name,
                err.to_string(),
            )),
        }
    }
    Ok(())
}

async fn table_rows(db: &Db, schema: &Schema) -> Result<HashMap<String, i64>> {
    match db {
        Db::Postgres(pool) => {
            let rows: Vec<(String, i64)> = sqlx::query_as(queries::postgres::TABLE_ROWS)
                .fetch_all(pool)
                .await?;
            Ok(rows.into_iter().collect())
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
            Ok(out)
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

/// Tables the statement's plan reads in full.
async fn scanned_tables(db: &Db, s: &Statement) -> Result<Vec<String>> {
    let params = parameter_count(s.sql);
    match db {
        Db::Postgres(pool) => {
            let mut conn = pool.acquire().await?;
            sqlx::raw_sql(queries::postgres::GENERIC_PLANS)
                .execute(&mut *conn)
                .await?;
            let prepare = queries::postgres::PREPARE.replace("{sql}", s.sql);
            sqlx::raw_sql(sqlx::AssertSqlSafe(prepare))
                .execute(&mut *conn)
                .await?;
            let args = if params == 0 {
                String::new()
            } else {
                format!("({})", vec!["NULL"; params].join(", "))
            };
            let explain = queries::postgres::EXPLAIN.replace("{params}", &args);
            let plan = sqlx::query_scalar::<_, sqlx::types::Json<serde_json::Value>>(
                sqlx::AssertSqlSafe(explain),
            )
            .fetch_one(&mut *conn)
            .await;
            sqlx::raw_sql(queries::postgres::DEALLOCATE)
                .execute(&mut *conn)
                .await?;
            sqlx::raw_sql(queries::postgres::RESET_PLANS)
                .execute(&mut *conn)
                .await?;
            let mut out = Vec::new();
            seq_scans(&plan?.0, &mut out);
            Ok(out)
        }
        Db::Sqlite(pool) => {
            let explain = queries::sqlite::EXPLAIN.replace("{sql}", s.sql);
            let mut query = sqlx::query(sqlx::AssertSqlSafe(explain));
            for _ in 0..params {
                query = query.bind(None::<String>);
            }
            let rows = query.fetch_all(pool).await?;
            let aliases = aliases(s.sql);
            let mut out = Vec::new();
            for row in rows {
                let detail: String = row.try_get("detail")?;
                let mut words = detail.split_whitespace();
                if words.next() != Some("SCAN") {
                    continue;
                }
                if let Some(table) = words.next().and_then(|w| aliases.get(w)) {
                    out.push(table.clone());
                }
            }
            Ok(out)
        }
    }
}

/// Relations under `Seq Scan` nodes of a PostgreSQL JSON plan.
fn seq_scans(plan: &serde_json::Value, out: &mut Vec<String>) {
    match plan {
        serde_json::Value::Array(items) => items.iter().for_each(|i| seq_scans(i, out)),
        serde_json::Value::Object(map) => {
            if map.get("Node Type").and_then(|v| v.as_str()) == Some("Seq Scan")
                && let Some(rel) = map.get("Relation Name").and_then(|v| v.as_str())
            {
                out.push(rel.to_owned());
            }
            map.values().for_each(|v| seq_scans(v, out));
        }
        _ => {}
    }
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
