//! The `renum` binary. Everything lives in the library so tests and tools reuse it.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    renum::telemetry::init();
    match renum::cli::run().await {
        Ok(code) => code,
        Err(err) => {
            // One line, the whole cause chain, no backtrace: operators read this.
            eprintln!("renum: {err:#}");
            ExitCode::FAILURE
        }
    }
}
