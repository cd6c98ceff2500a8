//! `renum migrate lint [FILES]`: prints each hazard with its rule, line, why it hurts and the
//! safe alternative. The parser is behind the `migration-lint` feature (it needs libclang to
//! build); a binary built without it says so and exits 1.

use std::path::PathBuf;
use std::process::ExitCode;

#[cfg(feature = "migration-lint")]
pub fn run(files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    use anyhow::Context;

    use crate::lint;

    // (name, SQL, the shipped version: see lint::tolerated_in_shipped)
    let sources: Vec<(String, String, Option<i64>)> = if files.is_empty() {
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
        files
            .iter()
            .map(|f| {
                std::fs::read_to_string(f)
                    .map(|sql| (f.display().to_string(), sql, None))
                    .with_context(|| format!("cannot read {}", f.display()))
            })
            .collect::<anyhow::Result<_>>()?
    };
    let mut total = 0;
    for (name, sql, shipped) in &sources {
        let findings: Vec<_> = lint::lint(sql, &lint::catalogue_reads)
            .map_err(|e| anyhow::anyhow!("{name}: cannot parse: {e}"))?
            .into_iter()
            .filter(|f| !shipped.is_some_and(|v| lint::tolerated_in_shipped(v, f)))
            .collect();
        for f in &findings {
            println!("{name}:{}: {}: {}", f.line, f.rule.name, f.subject);
            println!("    why: {}", f.rule.why);
            println!("    instead: {}", f.rule.instead);
        }
        total += findings.len();
    }
    if total > 0 {
        eprintln!(
            "renum: {total} migration hazard(s) in {} file(s)",
            sources.len()
        );
        Ok(ExitCode::FAILURE)
    } else {
        println!("{} migration(s) checked: no hazards", sources.len());
        Ok(ExitCode::SUCCESS)
    }
}

#[cfg(not(feature = "migration-lint"))]
pub fn run(_files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    anyhow::bail!(
        "this renum was built without migration linting; rebuild with \
         `cargo build --features migration-lint` (needs libclang-dev)"
    )
}
