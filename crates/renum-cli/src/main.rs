//! The `renum` binary. Everything lives in the libraries (`renum`, `renum-ops`) so tests and
//! tools reuse it; this crate only joins their subcommands into one command line.

mod cli;

use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: a feed request allocates for every row, string and
/// buffer, and glibc's malloc/free were about a tenth of the server's CPU (docs/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    renum::telemetry::init();
    match cli::run().await {
        Ok(code) => code,
        Err(err) => {
            // One line, the whole cause chain, no backtrace: operators read this.
            eprintln!("renum: {err:#}");
            ExitCode::FAILURE
        }
    }
}
