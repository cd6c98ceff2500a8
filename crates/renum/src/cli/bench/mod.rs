//! `renum bench`: load scenarios against a running `renum serve`, each beside its baseline
//! measured in the same run (the same SQL under pgbench), so the ratio survives a noisy
//! machine. Loopback only; every run is bounded by `--duration`.

mod load;
mod pgbench;

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use serde::Serialize;
use serde_json::json;

use crate::config::DatabaseArgs;
use load::Measured;

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// The running server (loopback only).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Scenarios to run, in order.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "me,signin")]
    scenario: Vec<Scenario>,
    /// How long each side of each scenario runs.
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    duration: Duration,
    /// Concurrent connections of the load generator (and pgbench clients).
    #[arg(long, default_value_t = 4)]
    connections: usize,
    /// The account the scenarios sign in as (`renum seed --demo` prints one).
    #[arg(long, default_value = "demo@renum.example")]
    email: String,
    #[arg(long, env = "RENUM_BENCH_PASSWORD", default_value = crate::seed::PASSWORD)]
    password: String,
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scenario {
    /// GET /v1/me vs users.WITH_ORGANIZATION under pgbench.
    Me,
    /// POST /v1/auth/signin, reported per core: argon2 dominates by design.
    Signin,
}

#[derive(Serialize)]
struct Report {
    scenario: Scenario,
    app: Measured,
    baseline: Option<Baseline>,
    /// app throughput / baseline throughput.
    ratio: Option<f64>,
    note: String,
}

#[derive(Serialize)]
struct Baseline {
    what: String,
    tps: f64,
}

pub async fn run(db_args: &DatabaseArgs, args: BenchArgs) -> anyhow::Result<ExitCode> {
    let host = reqwest::Url::parse(&args.url).context("--url")?;
    if !matches!(
        host.host_str(),
        Some("127.0.0.1" | "localhost" | "::1" | "[::1]")
    ) {
        bail!("renum bench only loads loopback servers, not {}", args.url);
    }
    let client = reqwest::Client::new();
    let signin = client
        .post(format!("{}/v1/auth/signin", args.url))
        .json(&json!({"email": args.email, "password": args.password}))
        .send()
        .await
        .with_context(|| format!("cannot reach {}", args.url))?;
    if !signin.status().is_success() {
        bail!(
            "cannot sign in as {} ({}): seed the database first (renum seed --demo)",
            args.email,
            signin.status()
        );
    }
    let session: serde_json::Value = signin.json().await?;
    let token = session["session"]["token"]
        .as_str()
        .context("signin answered no token")?
        .to_owned();
    let org = session["user"]["organization_id"]
        .as_str()
        .context("no organization id")?
        .to_owned();
    let user = session["user"]["id"]
        .as_str()
        .context("no user id")?
        .to_owned();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;

    let mut reports = Vec::new();
    for scenario in &args.scenario {
        let report = match scenario {
            Scenario::Me => {
                let url = format!("{}/v1/me", args.url);
                let token = token.clone();
                let app = load::run(args.connections, args.duration, move |c| {
                    c.get(&url).bearer_auth(&token)
                })
                .await?;
                let baseline = pgbench::baseline(
                    &db_args.database_url,
                    renum_db::catalogue::postgres::users::WITH_ORGANIZATION,
                    &[("p1", &org), ("p2", &user)],
                    args.connections,
                    args.duration,
                )
                .await?;
                report(
                    *scenario,
                    app,
                    baseline,
                    "the app adds the session check (one indexed read) to the same query".into(),
                )
            }
            Scenario::Signin => {
                let url = format!("{}/v1/auth/signin", args.url);
                let body = json!({"email": args.email, "password": args.password});
                let app = load::run(args.connections, args.duration, move |c| {
                    c.post(&url).json(&body)
                })
                .await?;
                let per_core = app.rps / cores;
                Report {
                    scenario: *scenario,
                    ratio: None,
                    baseline: None,
                    note: format!(
                        "{per_core:.1} sign-ins/s per core ({cores} cores): argon2id m=19 MiB t=2 dominates, by design"
                    ),
                    app,
                }
            }
        };
        reports.push(report);
    }

    if args.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    } else {
        println!(
            "{:<8} {:>9} {:>10} {:>9} {:>9} {:>9} {:>12} {:>7}  note",
            "scenario", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "baseline/s", "ratio"
        );
        for r in &reports {
            println!(
                "{:<8} {:>9} {:>10.0} {:>9.2} {:>9.2} {:>9.2} {:>12} {:>7}  {}",
                format!("{:?}", r.scenario).to_lowercase(),
                r.app.requests,
                r.app.rps,
                r.app.p50_ms,
                r.app.p95_ms,
                r.app.p99_ms,
                r.baseline
                    .as_ref()
                    .map_or("-".into(), |b| format!("{:.0}", b.tps)),
                r.ratio.map_or("-".into(), |x| format!("{:.2}", x)),
                r.note
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn report(scenario: Scenario, app: Measured, baseline: Option<f64>, note: String) -> Report {
    Report {
        scenario,
        ratio: baseline.map(|tps| app.rps / tps),
        baseline: baseline.map(|tps| Baseline {
            what: "pgbench -M prepared, same SQL".into(),
            tps,
        }),
        note,
        app,
    }
}
