//! `renum migrate lint [FILES]`: prints each hazard with its rule, line, why it hurts and the
//! safe alternative, and its severity. With a postgres:// `--database-url`, the findings whose
//! harm grows with the table are weighed by that table's size (`lint::severity`). The parser is
//! behind the `migration-lint` feature (it needs libclang to build); a binary built without it
//! says so and exits 1.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use renum::config::DatabaseArgs;

#[derive(Args, Debug)]
pub struct LintArgs {
    /// Migration files to lint (default: the shipped PostgreSQL migrations).
    files: Vec<PathBuf>,
    /// With a postgres:// --database-url: a table with more planner rows than this is large,
    /// and a blocking scan, build or rewrite of it an error (below both limits: a warning). The
    /// default is about where such a statement stops being a blink and becomes a stall.
    #[arg(long, default_value_t = 100_000)]
    large_table_rows: i64,
    /// With a postgres:// --database-url: a table taking more than this many MiB on disk
    /// (indexes included) is large, whatever its row count.
    #[arg(long, default_value_t = 100)]
    large_table_mib: i64,
}

#[cfg(feature = "migration-lint")]
pub async fn run(db_args: &DatabaseArgs, args: &LintArgs) -> anyhow::Result<ExitCode> {
    use anyhow::Context;

    use crate::lint;
    use crate::lint::severity::{self, Severity, Threshold};

    // (name, SQL, the shipped version: see lint::tolerated_in_shipped)
    let sources: Vec<(String, String, Option<i64>)> = if args.files.is_empty() {
        renum_db::migrate::POSTGRES
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .map(|m| {
                (
                    format!("{}_{}.up.sql", m.version, m.description),
                    m.sql.as_str().to_owned(),
                    Some(m.version),
                )
            })
            .collect()
    } else {
        args.files
            .iter()
            .map(|f| {
                std::fs::read_to_string(f)
                    .map(|sql| (f.display().to_string(), sql, None))
                    .with_context(|| format!("cannot read {}", f.display()))
            })
            .collect::<anyhow::Result<_>>()?
    };
    let mut findings = Vec::new();
    for (name, sql, shipped) in &sources {
        let found = lint::lint(sql, &lint::catalogue_reads)
            .map_err(|e| anyhow::anyhow!("{name}: cannot parse: {e}"))?;
        findings.extend(
            found
                .into_iter()
                .filter(|f| !shipped.is_some_and(|v| lint::tolerated_in_shipped(v, f)))
                .map(|f| (name, f)),
        );
    }
    let sizes = match renum_db::Engine::from_url(db_args.database_url.expose()) {
        Ok(renum_db::Engine::Postgres) if !findings.is_empty() => {
            let db = db_args.connect().await?;
            let renum_db::Db::Postgres(pool) = &db else {
                anyhow::bail!("a postgres:// URL opened another engine");
            };
            let mut tables: Vec<String> = findings.iter().map(|(_, f)| f.table.clone()).collect();
            tables.sort();
            tables.dedup();
            let sizes = severity::table_sizes(pool, &tables)
                .await
                .context("cannot read table sizes")?;
            db.close().await;
            Some(sizes)
        }
        _ => None,
    };
    let threshold = Threshold {
        rows: args.large_table_rows,
        bytes: args.large_table_mib.saturating_mul(1 << 20),
    };
    let mut errors = 0;
    for (name, f) in &findings {
        let (level, size) = severity::severity(f, sizes.as_ref(), &threshold);
        errors += usize::from(level == Severity::Error);
        println!("{name}:{}: {}: {}", f.line, f.rule.name, f.subject);
        println!("    why: {}", f.rule.why);
        println!("    instead: {}", f.rule.instead);
        match size {
            Some(size) if f.rule.sized => println!(
                "    {}: {} has ~{} rows, {} MiB ({} the threshold of {} rows or {} MiB)",
                level.as_str(),
                f.table,
                size.rows,
                size.bytes >> 20,
                if level == Severity::Error {
                    "above"
                } else {
                    "below"
                },
                args.large_table_rows,
                args.large_table_mib,
            ),
            _ => println!("    {}", level.as_str()),
        }
    }
    let warnings = findings.len() - errors;
    if errors > 0 {
        eprintln!(
            "renum: {errors} migration hazard(s) and {warnings} warning(s) in {} file(s)",
            sources.len()
        );
        Ok(ExitCode::FAILURE)
    } else if warnings > 0 {
        println!(
            "{} migration(s) checked: {warnings} warning(s) on small tables, no errors",
            sources.len()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{} migration(s) checked: no hazards", sources.len());
        Ok(ExitCode::SUCCESS)
    }
}

#[cfg(not(feature = "migration-lint"))]
pub async fn run(_db_args: &DatabaseArgs, _args: &LintArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!(
        "this renum was built without migration linting; rebuild with \
         `cargo build --features migration-lint` (needs libclang-dev)"
    )
}
