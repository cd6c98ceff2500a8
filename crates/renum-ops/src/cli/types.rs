//! `renum types ts [--out PATH | --check PATH]` and `renum types rust --check`: the schema
//! contract, generated from and checked against the live database; `renum types api [--out
//! PATH | --check PATH]`: the API's bodies, from the server's OpenAPI document (no database).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::contract::{api, rust, typescript};
use crate::introspect;
use clap::{Args, Subcommand};

use super::generated;
use renum::config::DatabaseArgs;

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
    /// The API's bodies as TypeScript, from the OpenAPI document; printed to stdout unless
    /// --out or --check.
    Api {
        /// Write the types to this file.
        #[arg(long, conflicts_with = "check")]
        out: Option<PathBuf>,
        /// Compare this file with the OpenAPI document; exit 1 with a diff when they differ.
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
    if let Target::Api { out, check } = &args.target {
        // The document is built in process: no database needed.
        let generated = api::render_document()?;
        return generated::emit(
            &generated,
            out.as_deref(),
            check.as_deref(),
            "renum types api",
        );
    }
    let db = db_args.connect().await?;
    let schema = introspect::read(&db).await;
    db.close().await;
    let schema = schema?;
    match args.target {
        Target::Ts { out, check } => {
            let generated = typescript::render(&schema)?;
            generated::emit(
                &generated,
                out.as_deref(),
                check.as_deref(),
                "renum types ts",
            )
        }
        Target::Api { .. } => unreachable!("rendered above without a database"),
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
            Ok(ExitCode::SUCCESS)
        }
    }
}
