//! `renum worker`: the publishing scheduler alone (`renum serve` also runs one). Its
//! publisher's calls are recorded as outbound API logs through its own log writer.

use std::process::ExitCode;

use clap::Args;

use crate::api_log::{ApiLogArgs, ApiLogSink};
use crate::config::DatabaseArgs;
use crate::worker::{Worker, WorkerArgs};

#[derive(Args, Debug)]
pub struct WorkerCmdArgs {
    #[command(flatten)]
    pub worker: WorkerArgs,
    #[command(flatten)]
    pub api_log: ApiLogArgs,
}

pub async fn run(db_args: &DatabaseArgs, args: WorkerCmdArgs) -> anyhow::Result<ExitCode> {
    let db = db_args.connect().await?;
    let (sink, writer) = ApiLogSink::spawn(db.clone(), args.api_log.sink_config()?);
    let publisher = args.worker.publisher(Some(sink));
    let worker = Worker::new(db.clone(), publisher, args.worker.config());
    worker.run(crate::http::shutdown_signal()).await;
    writer.shutdown().await;
    db.close().await;
    Ok(ExitCode::SUCCESS)
}
