//! `renum types ts [--out PATH | --check PATH]` and `renum types rust --check`: the schema
//! contract, generated from and checked against the live database.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use renum_db::contract::{diff, rust, typescript};
use renum_db::introspect;

use crate::config::DatabaseArgs;

#[derive(Args, Debug)]
pub struct TypesArgs {
    #[command(subcommand)]
    target: Target,
}

#[derive(Subcommand, Debug)]
enum Target {
    /// The TypeScript contract (Supabase shape); printed to stdout unless --out or --check.
    Ts {
        /// Write the contract to this file.
        #[arg(long, conflicts_with = "check")]
        out: Option<PathBuf>,
        /// Compare this file with the schema; exit 1 with a diff when they differ.
        #[arg(long)]
        check: Option<PathBuf>,
    },
    /// Check that the hand-written Rust models match the schema; exit 1 on any drift.
    Rust {
        /// Required: checking is the only thing this target does.
        #[arg(long, required = true)]
        check: bool,
    },
}

pub async fn run(db_args: &DatabaseArgs, args: TypesArgs) -> anyhow::Result<ExitCode> {
    let db = db_args.connect().await?;
    let schema = introspect::read(&db).await;
    db.close().await;
    let schema = schema?;
    match args.target {
        Target::Ts { out, check } => {
            let generated = typescript::render(&schema)?;
            if let Some(path) = out {
                std::fs::write(&path, &generated)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                eprintln!("wrote {}", path.display());
            } else if let Some(path) = check {
                let committed = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                let changes = diff::lines(&committed, &generated);
                if !changes.is_empty() {
                    println!(
                        "{} does not match the schema (- file, + schema):\n{changes}",
                        path.display()
                    );
                    eprintln!(
                        "renum: {} is stale; regenerate it with `renum types ts --out {}`",
                        path.display(),
                        path.display()
                    );
                    return Ok(ExitCode::FAILURE);
                }
                println!("{} matches the schema", path.display());
            } else {
                print!("{generated}");
            }
        }
        Target::Rust { check: _ } => {
            let problems = rust::check(&schema);
            if !problems.is_empty() {
                for p in &problems {
                    println!("{p}");
                }
                eprintln!(
                    "renum: {} difference(s) between the Rust models and the schema",
                    problems.len()
                );
                return Ok(ExitCode::FAILURE);
            }
            println!("the Rust models match the schema");
        }
    }
    Ok(ExitCode::SUCCESS)
}
