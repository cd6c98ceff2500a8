//! `renum worker`: the publishing scheduler alone (`renum serve` also runs one).

use std::process::ExitCode;

use clap::Args;

use crate::config::DatabaseArgs;
use crate::worker::{Worker, WorkerArgs};

#[derive(Args, Debug)]
pub struct WorkerCmdArgs {
    #[command(flatten)]
    pub worker: WorkerArgs,
}

pub async fn run(db_args: &DatabaseArgs, args: WorkerCmdArgs) -> anyhow::Result<ExitCode> {
    let db = db_args.connect().await?;
    let worker = Worker::new(
        db.clone(),
        args.worker.publisher(None),
        args.worker.config(),
    );
    worker.run(crate::http::shutdown_signal()).await;
    db.close().await;
    Ok(ExitCode::SUCCESS)
}
