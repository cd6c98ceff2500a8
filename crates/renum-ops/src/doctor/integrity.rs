//! Integrity findings: rows the schema's rules should have kept out.

use super::queries::{self, ident};
use super::{Finding, count};
use crate::introspect::Schema;
use renum_db::Db;
use renum_db::Result;

const FAMILY: &str = "integrity";

pub(super) async fn check(db: &Db, schema: &Schema, findings: &mut Vec<Finding>) -> Result<()> {
    not_valid(schema, findings);
    orphans(db, schema, findings).await?;
    duplicates(db, schema, findings).await?;
    enum_values(db, schema, findings).await?;
    cross_column(db, schema, findings).await?;
    if let Db::Sqlite(pool) = db {
        let problems: Vec<String> = sqlx::query_scalar(queries::sqlite::QUICK_CHECK)
            .fetch_all(pool)
            .await?;
        for p in problems.into_iter().filter(|p| p != "ok") {
            findings.push(Finding::error(FAMILY, "storage_corrupt", "database", p));
        }
    }
    Ok(())
}

/// A NOT VALID constraint does not hold for the rows that predate it.
fn not_valid(schema: &Schema, findings: &mut Vec<Finding>) {
    for t in &schema.tables {
        let names = t
            .checks
            .iter()
            .filter(|c| !c.validated)
            .map(|c| &c.name)
            .chain(
                t.foreign_keys
                    .iter()
                    .filter(|f| !f.validated)
                    .map(|f| &f.name),
            );
        for name in names {
            findings.push(Finding::error(
                FAMILY,
                "constraint_not_valid",
                name.clone(),
                format!(
                    "{}.{name} was added NOT VALID and never validated, so older rows may break it; \
                     run ALTER TABLE {} VALIDATE CONSTRAINT {name} (no write lock)",
                    t.name, t.name
                ),
            ));
        }
    }
}

async fn orphans(db: &Db, schema: &Schema, findings: &mut Vec<Finding>) -> Result<()> {
    match db {
        // Validated PostgreSQL FKs hold for every row; only NOT VALID ones can hide orphans.
        Db::Postgres(_) => {
            for t in &schema.tables {
                for fk in t.foreign_keys.iter().filter(|f| !f.validated) {
                    let Some(sql) = orphan_sql(
                        &t.name,
                        &fk.columns,
                        &fk.referenced_table,
                        &fk.referenced_columns,
                    ) else {
                        continue;
                    };
                    let n = count(db, sql).await?;
                    if n > 0 {
                        findings.push(Finding::error(
                            FAMILY,
                            "orphan_rows",
                            fk.name.clone(),
                            format!(
                                "{n} {} row(s) reference a missing {} row",
                                t.name, fk.referenced_table
                            ),
                        ));
                    }
                }
            }
        }
        // SQLite enforces FKs per connection; a connection with foreign_keys off can orphan rows.
        Db::Sqlite(pool) => {
            let rows: Vec<(String, String, i64)> =
                sqlx::query_as(queries::sqlite::FOREIGN_KEY_CHECK)
                    .fetch_all(pool)
                    .await?;
            for (table, parent, n) in rows {
                let name = schema
                    .table(&table)
                    .map(|t| {
                        t.foreign_keys
                            .iter()
                            .filter(|f| f.referenced_table == parent)
                            .map(|f| f.name.as_str())
                            .collect::<Vec<_>>()
                            .join("/")
                    })
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| format!("{table} -> {parent}"));
                findings.push(Finding::error(
                    FAMILY,
                    "orphan_rows",
                    name,
                    format!("{n} {table} row(s) reference a missing {parent} row"),
                ));
            }
        }
    }
    // api_logs carries no FKs by design; its mentions are checked here instead.
    if schema.table("api_logs").is_some() {
        for (sql, parent) in [
            (queries::API_LOGS_UNKNOWN_ORGANIZATION, "organizations"),
            (queries::API_LOGS_UNKNOWN_USER, "users"),
        ] {
            let n = count(db, sql.to_owned()).await?;
            if n > 0 {
                findings.push(Finding::warning(
                    FAMILY,
                    "orphan_rows",
                    format!("api_logs -> {parent}"),
                    format!(
                        "{n} api_logs row(s) mention a {parent} row that does not exist \
                         (no FK by design; expected only for purged tenants until retention drops them)"
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn orphan_sql(
    table: &str,
    columns: &[String],
    parent: &str,
    referenced: &[String],
) -> Option<String> {
    let table = ident(table)?;
    let parent = ident(parent)?;
    let mut not_null = Vec::new();
    let mut join = Vec::new();
    for (c, r) in columns.iter().zip(referenced) {
        not_null.push(format!("c.{} IS NOT NULL", ident(c)?));
        join.push(format!("p.{} = c.{}", ident(r)?, ident(c)?));
    }
    Some(
        queries::FOREIGN_KEY_ORPHANS
            .replace("{table}", table)
            .replace("{parent}", parent)
            .replace("{child_not_null}", &not_null.join(" AND "))
            .replace("{join}", &join.join(" AND ")),
    )
}

/// A valid unique index cannot hold duplicates; an invalid one (a failed concurrent build)
/// enforces nothing, and its duplicates are what made the build fail.
async fn duplicates(db: &Db, schema: &Schema, findings: &mut Vec<Finding>) -> Result<()> {
    for t in &schema.tables {
        for ix in t
            .indexes
            .iter()
            .filter(|i| i.unique && !i.valid && !i.partial)
        {
            let Some(columns) = ix
                .columns
                .iter()
                .map(|c| ident(c))
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            let Some(table) = ident(&t.name) else {
                continue;
            };
            let not_null: Vec<String> =
                columns.iter().map(|c| format!("{c} IS NOT NULL")).collect();
            let sql = queries::DUPLICATE_KEYS
                .replace("{table}", table)
                .replace("{not_null}", &not_null.join(" AND "))
                .replace("{columns}", &columns.join(", "));
            let n = count(db, sql).await?;
            if n > 0 {
                findings.push(Finding::error(
                    FAMILY,
                    "duplicate_rows",
                    ix.name.clone(),
                    format!(
                        "{n} ({}) value(s) of {} occur more than once",
                        columns.join(", "),
                        t.name
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Values outside a CHECK list: possible under a NOT VALID CHECK, or on SQLite when a
/// connection ignored CHECK constraints.
async fn enum_values(db: &Db, schema: &Schema, findings: &mut Vec<Finding>) -> Result<()> {
    for t in &schema.tables {
        for c in &t.columns {
            let Some(values) = &c.enum_values else {
                continue;
            };
            let (Some(table), Some(column)) = (ident(&t.name), ident(&c.name)) else {
                continue;
            };
            let n: i64 = match db {
                Db::Postgres(pool) => {
                    let sql = queries::postgres::ENUM_OUTSIDE_CHECK
                        .replace("{table}", table)
                        .replace("{column}", column);
                    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                        .bind(values)
                        .fetch_one(pool)
                        .await?
                }
                Db::Sqlite(pool) => {
                    let sql = queries::sqlite::ENUM_OUTSIDE_CHECK
                        .replace("{table}", table)
                        .replace("{column}", column);
                    let list = serde_json::to_string(values).expect("strings serialize");
                    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                        .bind(list)
                        .fetch_one(pool)
                        .await?
                }
            };
            if n > 0 {
                findings.push(Finding::error(
                    FAMILY,
                    "enum_value_outside_check",
                    format!("{table}.{column}"),
                    format!("{n} row(s) hold a value outside {values:?}"),
                ));
            }
        }
    }
    Ok(())
}

async fn cross_column(db: &Db, schema: &Schema, findings: &mut Vec<Finding>) -> Result<()> {
    for (table, sql, subject, rule) in [
        (
            "posts",
            queries::POSTS_PUBLISHED_AT_DISAGREES,
            "posts.status/published_at",
            "a post is published exactly when published_at is set",
        ),
        (
            "clip_projects",
            queries::CLIP_PROJECTS_COMPLETED_AT_DISAGREES,
            "clip_projects.status/completed_at",
            "a project is completed exactly when completed_at is set",
        ),
    ] {
        if schema.table(table).is_none() {
            continue;
        }
        let n = count(db, sql.to_owned()).await?;
        if n > 0 {
            findings.push(Finding::error(
                FAMILY,
                "status_timestamp_disagree",
                subject,
                format!("{n} row(s) break the rule: {rule}"),
            ));
        }
    }
    Ok(())
}
