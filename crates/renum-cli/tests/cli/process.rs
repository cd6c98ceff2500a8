//! Running the `renum` binary as an operator would, against one database.

use std::process::Output;

/// The binary with `DATABASE_URL` set and logs quiet, not yet started.
pub fn command(url: &str, args: &[&str]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_renum"));
    cmd.args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn");
    cmd
}

/// Runs the binary to completion.
pub async fn renum(url: &str, args: &[&str]) -> Output {
    command(url, args).output().await.expect("run renum")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
