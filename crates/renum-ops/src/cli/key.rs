//! `renum key generate`: a fresh secret for `RENUM_MASTER_KEY` (or a webhook secret), so
//! operators need no other tool. Only the key goes to stdout, for `$(renum key generate)`.

use std::process::ExitCode;

use clap::{Args, Subcommand};

use renum::app::crypto::MasterKey;

#[derive(Args, Debug)]
pub struct KeyArgs {
    #[command(subcommand)]
    command: KeyCommand,
}

#[derive(Subcommand, Debug)]
enum KeyCommand {
    /// Print a fresh 32-byte key from the OS CSPRNG, base64, on one line.
    Generate,
}

pub fn run(args: KeyArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        KeyCommand::Generate => println!("{}", MasterKey::generate_base64()),
    }
    Ok(ExitCode::SUCCESS)
}
