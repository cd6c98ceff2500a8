//! The `--out PATH | --check PATH | stdout` contract shared by the commands that generate a
//! committed file from the live schema (`renum types ts`, `renum schema docs`), so both fail
//! the same way when the committed copy is stale.

use std::path::Path;
use std::process::ExitCode;

use crate::contract::diff;
use anyhow::Context;

/// Writes `generated` to `out`, compares it with `check` (exit 1 and a line diff when they
/// differ), or prints it. `command` is what regenerates the file, named in the stale message.
pub fn emit(
    generated: &str,
    out: Option<&Path>,
    check: Option<&Path>,
    command: &str,
) -> anyhow::Result<ExitCode> {
    if let Some(path) = out {
        std::fs::write(path, generated)
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    } else if let Some(path) = check {
        let committed = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let changes = diff::lines(&committed, generated);
        if !changes.is_empty() {
            println!(
                "{} does not match the schema (- file, + schema):\n{changes}",
                path.display()
            );
            eprintln!(
                "renum: {} is stale; regenerate it with `{command} --out {}`",
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
