//! `renum doctor [--json] [--judged]`: integrity, index, plan and drift findings on the live
//! database, as a table or JSON, and with `--judged` the statements whose plans were judged
//! per table; exits 1 when any finding is an error.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::doctor::{self, Finding, Judged, Options, Severity};
use clap::Args;
use renum_db::Engine;
use renum_db::catalogue;

use renum::config::DatabaseArgs;

#[derive(Args, Debug)]
pub struct DoctorArgs {
    /// Print the findings as a JSON array instead of a table.
    #[arg(long)]
    json: bool,
    /// Plans are judged on tables with more rows than this: a full scan of one, or a join
    /// on it that discards most of the rows it makes, is an error.
    #[arg(long, default_value_t = 10_000)]
    seq_scan_rows: i64,
    /// A table some statement reads that holds no more than --seq-scan-rows rows is an error
    /// (a plan gate on seeded data: no table escapes by being small).
    #[arg(long)]
    judge_every_table: bool,
    /// Also list, per table, the statements whose plans read it and whether they were
    /// judged (with --json: an object with "findings" and "judged").
    #[arg(long)]
    judged: bool,
    /// The schema documentation to check (skipped when the file is absent).
    #[arg(long, default_value = "docs/schema.md")]
    schema_doc: PathBuf,
    /// The committed TypeScript contract to check (skipped when the file is absent).
    #[arg(long, default_value = "contract/database.types.ts")]
    contract: PathBuf,
}

pub async fn run(db_args: &DatabaseArgs, args: DoctorArgs) -> anyhow::Result<ExitCode> {
    let db = db_args.connect().await?;
    let statements = match db.engine() {
        Engine::Postgres => catalogue::postgres::ALL,
        Engine::Sqlite => catalogue::sqlite::ALL,
    };
    let options = Options {
        statements,
        seq_scan_rows: args.seq_scan_rows,
        judge_every_table: args.judge_every_table,
        schema_doc: std::fs::read_to_string(&args.schema_doc).ok(),
        contract: std::fs::read_to_string(&args.contract).ok(),
        database_url: Some(db_args.database_url.expose().to_owned()),
    };
    let examination = doctor::examine(&db, &options).await;
    db.close().await;
    let doctor::Examination { findings, judged } = examination?;
    match (args.json, args.judged) {
        (true, false) => println!("{}", serde_json::to_string_pretty(&findings)?),
        (true, true) => println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "findings": findings, "judged": judged })
            )?
        ),
        (false, judged_too) => {
            print_table(&findings);
            if judged_too {
                print_judged(&judged, args.seq_scan_rows);
            }
        }
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn print_table(findings: &[Finding]) {
    if findings.is_empty() {
        println!("no findings: integrity, indexes, plans and drift are clean");
        return;
    }
    let width = |f: fn(&Finding) -> &str, title: &str| {
        findings
            .iter()
            .map(|x| f(x).len())
            .chain([title.len()])
            .max()
            .unwrap_or(0)
    };
    let (w_rule, w_subject) = (
        width(|f| f.rule, "rule"),
        width(|f| f.subject.as_str(), "subject"),
    );
    println!(
        "{:<8} {:<10} {:<w_rule$} {:<w_subject$} detail",
        "severity", "family", "rule", "subject"
    );
    for f in findings {
        println!(
            "{:<8} {:<10} {:<w_rule$} {:<w_subject$} {}",
            f.severity.as_str(),
            f.family,
            f.rule,
            f.subject,
            f.detail
        );
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    println!("{errors} error(s), {} warning(s)", findings.len() - errors);
}

fn print_judged(judged: &[Judged], threshold: i64) {
    println!("\nplans per table (judged above {threshold} rows):");
    for t in judged {
        println!(
            "{:<16} {:>12} rows  {:<10} {:>3} statement(s): {}",
            t.table,
            t.rows,
            if t.judged { "judged" } else { "not judged" },
            t.statements.len(),
            t.statements.join(", ")
        );
    }
}
