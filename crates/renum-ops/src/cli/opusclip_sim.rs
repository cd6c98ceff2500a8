//! `renum opusclip-sim`: the OpusClip simulator on its own, for developers without an
//! OpusClip account (point `RENUM_OPUSCLIP_BASE_URL` at the URL it prints).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use renum::opusclip::RateQuota;
use renum::opusclip::sim::{Faults, OpusClipSim, SimConfig};

#[derive(Args, Debug)]
pub struct OpusClipSimArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8090")]
    pub bind: SocketAddr,
    /// Accepted API key (repeatable); none: any non-empty key.
    #[arg(long = "key")]
    pub keys: Vec<String>,
    /// A key that is accepted but out of credits (repeatable).
    #[arg(long = "exhausted-key")]
    pub exhausted_keys: Vec<String>,
    /// Time a project spends in each stage.
    #[arg(long, default_value = "2s", value_parser = humantime::parse_duration)]
    pub stage_interval: Duration,
    /// Clips a completed project exposes.
    #[arg(long, default_value_t = 5)]
    pub clips: usize,
    /// Requests per window per key before 429.
    #[arg(long, default_value_t = 30)]
    pub rate_limit: u32,
    #[arg(long, default_value = "60s", value_parser = humantime::parse_duration)]
    pub rate_window: Duration,
    /// Share (0..1) of API requests answered 5xx.
    #[arg(long, default_value_t = 0.0)]
    pub error_rate: f64,
    /// Share (0..1) of successful answers with a malformed body.
    #[arg(long, default_value_t = 0.0)]
    pub malformed_rate: f64,
    /// Delay before every API answer.
    #[arg(long, default_value = "0s", value_parser = humantime::parse_duration)]
    pub latency: Duration,
    /// Share (0..1) of projects that stall.
    #[arg(long, default_value_t = 0.0)]
    pub failure_rate: f64,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

pub async fn run(args: OpusClipSimArgs) -> anyhow::Result<ExitCode> {
    for (name, rate) in [
        ("--error-rate", args.error_rate),
        ("--malformed-rate", args.malformed_rate),
        ("--failure-rate", args.failure_rate),
    ] {
        anyhow::ensure!((0.0..=1.0).contains(&rate), "{name} must be within 0..1");
    }
    let config = SimConfig {
        keys: args.keys,
        exhausted_keys: args.exhausted_keys,
        stage_interval: args.stage_interval,
        clips_per_project: args.clips,
        quota: RateQuota::new(args.rate_limit, args.rate_window),
        faults: Faults {
            server_error_rate: args.error_rate,
            malformed_rate: args.malformed_rate,
            latency: args.latency,
            failure_rate: args.failure_rate,
            ..Faults::default()
        },
        seed: args.seed,
    };
    let sim = OpusClipSim::spawn(config, args.bind)
        .await
        .map_err(|err| anyhow::anyhow!("cannot listen on {}: {err}", args.bind))?;
    println!(
        "opusclip-sim listening; RENUM_OPUSCLIP_BASE_URL={}",
        sim.base_url()
    );
    renum::http::shutdown_signal().await;
    sim.shutdown();
    Ok(ExitCode::SUCCESS)
}
