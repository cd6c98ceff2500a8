//! `renum schema docs [--out PATH | --check PATH]`: `docs/schema.md` generated from a live
//! PostgreSQL database (structure from the catalog, prose from its COMMENT ON text).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use renum_db::contract::diff;
use renum_db::schema_doc;

use crate::config::DatabaseArgs;

#[derive(Args, Debug)]
pub struct SchemaArgs {
    #[command(subcommand)]
    target: Target,
}

#[derive(Subcommand, Debug)]
enum Target {
    /// The schema document (Markdown); printed to stdout unless --out or --check.
    Docs {
        /// Write the document to this file.
        #[arg(long, conflicts_with = "check")]
        out: Option<PathBuf>,
        /// Compare this file with the schema; exit 1 with a diff when they differ.
        #[arg(long)]
        check: Option<PathBuf>,
    },
}

pub async fn run(db_args: &DatabaseArgs, args: SchemaArgs) -> anyhow::Result<ExitCode> {
    let Target::Docs { out, check } = args.target;
    let db = db_args.connect().await?;
    let generated = schema_doc::generate(&db).await;
    db.close().await;
    let generated = generated?;
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
                "renum: {} is stale; regenerate it with `renum schema docs --out {}`",
                path.display(),
                path.display()
            );
            return Ok(ExitCode::FAILURE);
        }
        println!("{} matches the schema", path.display());
    } else {
        print!("{generated}");
    }
    Ok(ExitCode::SUCCESS)
}
