//! `renum schema docs [--out PATH | --check PATH]`: `docs/schema.md` generated from a live
//! PostgreSQL database (structure from the catalog, prose from its COMMENT ON text).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::schema_doc;
use clap::{Args, Subcommand};

use super::generated;
use renum::config::DatabaseArgs;

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
    generated::emit(
        &generated,
        out.as_deref(),
        check.as_deref(),
        "renum schema docs",
    )
}
