//! Drift findings: the live schema against what should describe it: the migrations (their
//! status, and the schema they build in a scratch database), `docs/schema.md` (regenerated
//! and compared on PostgreSQL), the TypeScript contract and the Rust models.

use std::collections::BTreeMap;

use super::queries;
use super::{Finding, Options};
use crate::contract::{diff, rust, typescript};
use crate::introspect::{self, Schema};
use crate::schema_doc;
use renum_db::Result;
use renum_db::migrate::{self, State};
use renum_db::{Db, PoolSettings};

const FAMILY: &str = "drift";

pub(super) async fn check(
    db: &Db,
    schema: &Schema,
    options: &Options<'_>,
    findings: &mut Vec<Finding>,
) -> Result<()> {
    for s in migrate::status(db).await? {
        if s.state != State::Applied {
            findings.push(Finding::error(
                FAMILY,
                "migration_not_applied",
                s.version.to_string(),
                format!("{} is {}", s.description, s.state.as_str()),
            ));
        }
    }
    if let Some(url) = &options.database_url {
        match reference_schema(db, url).await {
            Ok(reference) => compare(&reference, schema, findings),
            Err(err) => findings.push(Finding::warning(
                FAMILY,
                "schema_vs_migrations_skipped",
                "database",
                format!("could not build the migrations' schema in a scratch database: {err}"),
            )),
        }
    }
    if let Some(doc) = &options.schema_doc {
        match db {
            // The generator's output is the document: any difference is drift.
            Db::Postgres(_) => {
                let changes = diff::lines(doc, &schema_doc::generate(db).await?);
                if !changes.is_empty() {
                    findings.push(Finding::error(
                        FAMILY,
                        "schema_doc_stale",
                        schema_doc::DOC_PATH,
                        format!(
                            "{} line(s) differ from the schema; run `renum schema docs --check` for the diff",
                            changed_lines(&changes)
                        ),
                    ));
                }
            }
            // SQLite keeps no comments to generate from: check that the document at least
            // names every column, constraint and index of the live schema.
            Db::Sqlite(_) => names_in_doc(doc, schema, findings),
        }
    }
    if let Some(committed) = &options.contract {
        let generated = typescript::render(schema)?;
        let changes = diff::lines(committed, &generated);
        if !changes.is_empty() {
            findings.push(Finding::error(
                FAMILY,
                "contract_stale",
                typescript::CONTRACT_PATH,
                format!(
                    "{} line(s) differ from the schema; run `renum types ts --check` for the diff",
                    changed_lines(&changes)
                ),
            ));
        }
    }
    for problem in rust::check(schema) {
        findings.push(Finding::error(
            FAMILY,
            "rust_model_drift",
            "models",
            problem,
        ));
    }
    Ok(())
}

/// The schema the embedded migrations build from nothing, on the same engine.
async fn reference_schema(db: &Db, url: &str) -> Result<Schema> {
    let one = PoolSettings {
        max_connections: 1,
        ..PoolSettings::default()
    };
    match db {
        Db::Sqlite(_) => {
            let scratch = Db::connect_with("sqlite::memory:", &one).await?;
            migrate::up(&scratch).await?;
            let schema = introspect::read(&scratch).await;
            scratch.close().await;
            schema
        }
        Db::Postgres(pool) => {
            let name = format!("renum_doctor_{}", uuid::Uuid::now_v7().simple());
            let create = queries::postgres::CREATE_DATABASE.replace("{name}", &name);
            sqlx::raw_sql(sqlx::AssertSqlSafe(create))
                .execute(pool)
                .await?;
            let base = url.split('?').next().unwrap_or(url);
            let scratch_url = match base.rsplit_once('/') {
                Some((server, _)) => format!("{server}/{name}"),
                None => base.to_owned(),
            };
            let built = async {
                let scratch = Db::connect_with(&scratch_url, &one).await?;
                let result = async {
                    migrate::up(&scratch).await?;
                    introspect::read(&scratch).await
                }
                .await;
                scratch.close().await;
                result
            }
            .await;
            let drop = queries::postgres::DROP_DATABASE.replace("{name}", &name);
            sqlx::raw_sql(sqlx::AssertSqlSafe(drop))
                .execute(pool)
                .await?;
            built
        }
    }
}

/// The `-`/`+` lines of a [`diff::lines`] result.
fn changed_lines(changes: &str) -> usize {
    changes
        .lines()
        .filter(|l| l.starts_with(['-', '+']))
        .count()
}

/// Everything the schema is made of, as `(kind, table.name) -> description`: what each object
/// is and what it enforces (a default, a foreign key's actions, a CHECK's text, a partial
/// index's predicate), so a live change to any of them is drift.
fn inventory(schema: &Schema) -> BTreeMap<(&'static str, String), String> {
    let mut out = BTreeMap::new();
    for t in &schema.tables {
        out.insert(("table", t.name.clone()), String::new());
        for c in &t.columns {
            out.insert(
                ("column", format!("{}.{}", t.name, c.name)),
                format!(
                    "{}{}{}{}{}",
                    c.ty,
                    if c.nullable { " null" } else { " not null" },
                    c.default
                        .as_ref()
                        .map(|d| format!(" default {d}"))
                        .unwrap_or_default(),
                    if c.generated { " generated" } else { "" },
                    c.enum_values
                        .as_ref()
                        .map(|v| format!(" in {v:?}"))
                        .unwrap_or_default()
                ),
            );
        }
        for fk in &t.foreign_keys {
            out.insert(
                ("foreign key", format!("{}.{}", t.name, fk.name)),
                format!(
                    "({}) -> {} ({}) on delete {} on update {}",
                    fk.columns.join(", "),
                    fk.referenced_table,
                    fk.referenced_columns.join(", "),
                    fk.on_delete,
                    fk.on_update
                ),
            );
        }
        for c in &t.checks {
            out.insert(
                ("check", format!("{}.{}", t.name, c.name)),
                c.definition.clone(),
            );
        }
        for i in &t.indexes {
            out.insert(
                ("index", format!("{}.{}", t.name, i.name)),
                format!(
                    "({}){}{}",
                    i.columns.join(", "),
                    if i.unique { " unique" } else { "" },
                    i.predicate
                        .as_ref()
                        .map(|p| format!(" where {p}"))
                        .unwrap_or_default()
                ),
            );
        }
    }
    out
}

fn compare(reference: &Schema, live: &Schema, findings: &mut Vec<Finding>) {
    let want = inventory(reference);
    let have = inventory(live);
    for ((kind, name), description) in &have {
        match want.get(&(kind, name.clone())) {
            None => findings.push(Finding::error(
                FAMILY,
                "schema_not_in_migrations",
                name.clone(),
                format!(
                    "{kind} {name} {description} exists in the database but no migration creates it"
                ),
            )),
            Some(expected) if expected != description => findings.push(Finding::error(
                FAMILY,
                "schema_differs_from_migrations",
                name.clone(),
                format!("{kind} is {description}; the migrations make it {expected}"),
            )),
            Some(_) => {}
        }
    }
    for ((kind, name), description) in &want {
        if !have.contains_key(&(kind, name.clone())) {
            findings.push(Finding::error(
                FAMILY,
                "schema_missing_from_database",
                name.clone(),
                format!("the migrations create {kind} {name} {description}, the database lacks it"),
            ));
        }
    }
}

/// Every column, constraint and index must be named (in backquotes) in its table's section.
fn names_in_doc(doc: &str, schema: &Schema, findings: &mut Vec<Finding>) {
    for t in &schema.tables {
        let heading = format!("\n## {}\n", t.name);
        let Some(start) = doc.find(&heading) else {
            findings.push(Finding::warning(
                FAMILY,
                "doc_missing",
                t.name.clone(),
                format!("docs/schema.md has no `## {}` section", t.name),
            ));
            continue;
        };
        let rest = &doc[start + heading.len()..];
        let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
        let names = t
            .columns
            .iter()
            .map(|c| &c.name)
            .chain(t.foreign_keys.iter().map(|f| &f.name))
            .chain(t.checks.iter().map(|c| &c.name))
            .chain(t.indexes.iter().map(|i| &i.name));
        for name in names {
            if !section.contains(&format!("`{name}`")) {
                findings.push(Finding::warning(
                    FAMILY,
                    "doc_missing",
                    format!("{}.{name}", t.name),
                    format!(
                        "docs/schema.md does not mention `{name}` under `## {}`",
                        t.name
                    ),
                ));
            }
        }
    }
}
