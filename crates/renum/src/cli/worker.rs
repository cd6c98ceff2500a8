//! `renum worker`: the publishing scheduler, the clip poller and the mail sender, without the
//! API (`renum serve` also runs them). Their outbound calls are recorded as API logs through the
//! worker's own log writer.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::api_log::{ApiLogArgs, ApiLogSink};
use crate::app::crypto::MasterKey;
use crate::config::{DatabaseArgs, OutboundArgs, Secret, ShutdownArgs};
use crate::mail::MailArgs;
use crate::supervisor::Supervisor;
use crate::worker::clips::ClipArgs;
use crate::worker::{Worker, WorkerArgs};

#[derive(Args, Debug)]
pub struct WorkerCmdArgs {
    #[command(flatten)]
    pub worker: WorkerArgs,
    #[command(flatten)]
    pub clips: ClipArgs,
    #[command(flatten)]
    pub mail: MailArgs,
    #[command(flatten)]
    pub api_log: ApiLogArgs,
    #[command(flatten)]
    pub outbound: OutboundArgs,
    #[command(flatten)]
    pub shutdown: ShutdownArgs,
    /// Where the development master key file is (see `renum serve`).
    #[arg(long, env = "RENUM_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// 32 bytes, base64: decrypts the organizations' OpusClip keys; required on PostgreSQL.
    #[arg(long, env = "RENUM_MASTER_KEY", hide_env_values = true)]
    pub master_key: Option<Secret>,
}

pub async fn run(db_args: &DatabaseArgs, args: WorkerCmdArgs) -> anyhow::Result<ExitCode> {
    args.worker.check_webhook_secret()?;
    let db = db_args.connect().await?;
    let master_key = MasterKey::load_for(
        db.engine(),
        args.master_key.as_ref().map(Secret::expose),
        &args.data_dir,
    )?;
    let (sink, writer) = ApiLogSink::spawn(db.clone(), args.api_log.sink_config()?);
    let outbound = args.outbound.policy();
    let publisher = args.worker.publisher(Some(sink.clone()), outbound)?;
    let worker = Worker::new(db.clone(), publisher, args.worker.config());
    let clips = args.clips.service(master_key, Some(sink), outbound)?;
    let mut tasks = Supervisor::new();
    tasks.spawn(
        "the publishing worker",
        worker.run(tasks.shutdown().requested()),
    );
    tasks.spawn(
        "the clip poller",
        crate::worker::clips::run(
            db.clone(),
            clips,
            args.clips.clip_poll_tick,
            tasks.shutdown().requested(),
        ),
    );
    if let Some(sender) = args.mail.sender(db.clone())? {
        tasks.spawn(
            "the mail sender",
            sender.run(args.mail.mail_tick, tasks.shutdown().requested()),
        );
    }
    let stopped = tasks
        .run(crate::http::shutdown_signal(), args.shutdown.shutdown_grace)
        .await;
    stopped.finish(writer.shutdown(), &db).await?;
    Ok(ExitCode::SUCCESS)
}
