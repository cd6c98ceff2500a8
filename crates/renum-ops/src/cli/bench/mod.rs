//! `renum bench`: scenarios each beside its baseline measured in the same run (the same SQL
//! under pgbench, or the same statement through renum_db on SQLite), so the ratio survives a
//! noisy machine. The HTTP scenarios (feed, me, signin) load a running `renum serve` on
//! loopback; ingest and purge work on `--database-url` directly. Every scenario is bounded by
//! `--duration` (purge by its row counts). `--doc` writes the figures into
//! `docs/BENCHMARKS.md` (`doc.rs`).

mod doc;
mod load;
mod logs;
mod machine;
mod pgbench;
mod queries;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use clap::{Args, ValueEnum};
use renum_db::ids::{OrganizationId, UserId};
use renum_db::repo::PostFilter;
use renum_db::{Access, Db, Engine, OrgScope};
use serde::Serialize;
use serde_json::json;

use load::Measured;
use machine::Machine;
use renum::api_log::retention::DEFAULT_PURGE_BATCH;
use renum::app::auth::AuthConfig;
use renum::config::DatabaseArgs;

/// The feed scenario's page: the calendar's newest 20 posts with their videos.
const FEED_PAGE: i64 = 20;

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// The running server of the HTTP scenarios (loopback only), on the same database.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Scenarios to run, in order.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "feed,me,signin"
    )]
    scenario: Vec<Scenario>,
    /// The engine `--database-url` must be (a guard against benchmarking the wrong one).
    #[arg(long, value_enum)]
    engine: Option<EngineArg>,
    /// How long each side of each scenario runs (purge is bounded by its row counts).
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    duration: Duration,
    /// Concurrent connections of the HTTP load generator and pgbench clients.
    #[arg(long, default_value_t = 4)]
    connections: usize,
    /// feed and me: alternate the app and its baseline this many times (each for
    /// `--duration`) and report the round with the median ratio.
    #[arg(long, default_value_t = 1)]
    rounds: usize,
    /// The process id of the server at `--url`: feed and me then report its CPU time per
    /// request (and the load generator's), the figure that decides throughput when the
    /// server, the generator and the database share the cores.
    #[arg(long)]
    server_pid: Option<u32>,
    /// The account the HTTP scenarios sign in as (`renum seed` prints one).
    #[arg(long, default_value = "demo@renum.example")]
    email: String,
    #[arg(long, env = "RENUM_BENCH_PASSWORD", default_value = crate::seed::PASSWORD)]
    password: String,
    /// Records per batch of the log writer (ingest).
    #[arg(long, default_value_t = 1_000)]
    log_batch_size: usize,
    /// Rows purged by dropping their partition (purge, PostgreSQL).
    #[arg(long, default_value_t = 1_000_000)]
    purge_rows: u64,
    /// Rows purged by the batched delete (purge); default --purge-rows.
    #[arg(long)]
    purge_delete_rows: Option<u64>,
    /// Rows per DELETE statement of the batched delete.
    #[arg(long, default_value_t = DEFAULT_PURGE_BATCH)]
    purge_batch_size: i64,
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
    /// Also write the figures, machine and command into this Markdown file, replacing its
    /// section (between `<!-- renum bench: BEGIN <section> -->` and END).
    #[arg(long, value_name = "PATH")]
    doc: Option<PathBuf>,
    /// The section `--doc` writes (default: the engine's name), e.g. one per server
    /// configuration: `postgres-sampled` for a server run with RENUM_LOG_SAMPLE_RATE=0.
    #[arg(long, value_name = "NAME", requires = "doc")]
    doc_section: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum EngineArg {
    Sqlite,
    Postgres,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scenario {
    /// GET /v1/posts?limit=20 (the calendar / feed) vs posts.LIST_WITH_VIDEO.
    Feed,
    /// GET /v1/me vs users.WITH_ORGANIZATION.
    Me,
    /// POST /v1/auth/signin, reported per core: argon2 dominates by design.
    Signin,
    /// GET /healthz: the server's floor (HTTP, routing, middleware, loopback; no session, no
    /// database, no API log), to read the server CPU of feed and me against.
    Floor,
    /// The API log writer (batches) vs single-row api_logs.INSERT.
    Ingest,
    /// Retention: partition drop vs the batched delete.
    Purge,
}

impl Scenario {
    fn is_http(self) -> bool {
        matches!(self, Scenario::Feed | Scenario::Me | Scenario::Signin)
    }

    fn name(self) -> String {
        format!("{self:?}").to_lowercase()
    }
}

#[derive(Serialize)]
struct Report {
    scenario: Scenario,
    engine: &'static str,
    /// Throughput of renum's side, in `unit`.
    rate: f64,
    unit: &'static str,
    /// Requests and latencies (HTTP scenarios).
    http: Option<Measured>,
    baseline: Option<Baseline>,
    /// rate / baseline rate.
    ratio: Option<f64>,
    /// Scenario-specific figures (ingest, purge).
    details: Option<serde_json::Value>,
    note: String,
}

#[derive(Serialize)]
struct Baseline {
    what: String,
    rate: f64,
    /// PostgreSQL HTTP scenarios: pgbench running the statements the request runs,
    /// `sessions.AUTHENTICATE` and then the baseline's statement, in transactions per second.
    /// The gap between `rate` and this is the session check's round trip; the gap between
    /// this and the app is the server's own work.
    #[serde(skip_serializing_if = "Option::is_none")]
    with_session: Option<f64>,
    /// feed and me: the whole machine's busy CPU milliseconds per operation of `rate`'s run.
    #[serde(skip_serializing_if = "Option::is_none")]
    machine_cpu_ms: Option<f64>,
}

/// The signed-in account of the HTTP scenarios.
struct Session {
    token: String,
    org: String,
    user: String,
}

pub async fn run(db_args: &DatabaseArgs, args: BenchArgs) -> anyhow::Result<ExitCode> {
    let engine = Engine::from_url(db_args.database_url.expose())?;
    if let Some(wanted) = args.engine {
        let wanted = match wanted {
            EngineArg::Sqlite => Engine::Sqlite,
            EngineArg::Postgres => Engine::Postgres,
        };
        ensure!(
            wanted == engine,
            "--engine {} but --database-url is {}",
            wanted.as_str(),
            engine.as_str()
        );
    }
    ensure!(args.connections > 0, "--connections must be positive");
    ensure!(args.rounds > 0, "--rounds must be positive");
    ensure!(args.log_batch_size > 0, "--log-batch-size must be positive");
    ensure!(
        args.purge_batch_size > 0,
        "--purge-batch-size must be positive"
    );
    let section = doc::section_name(engine, args.doc_section.as_deref())?;
    if let Some(path) = &args.doc {
        doc::check(path, &section)?;
    }
    let at = chrono::Utc::now();
    let mut machine = Machine::read();
    let session = if args.scenario.iter().any(|s| s.is_http()) {
        Some(signin(&args).await?)
    } else {
        None
    };
    let db = db_args.connect().await?;
    let result = scenarios(&db, engine, db_args, &args, session.as_ref(), machine.cores).await;
    machine.finish();
    let server_version = db.server_version().await;
    db.close().await;
    let reports = result?;
    print(&reports, args.json)?;
    if let Some(path) = &args.doc {
        let command =
            doc::command_line(std::env::args_os().map(|a| a.to_string_lossy().into_owned()));
        let run = doc::Run {
            engine,
            section: &section,
            at,
            machine: &machine,
            server_version: &server_version?,
            command: &command,
            database_url: &renum_db::redact_url(db_args.database_url.expose()),
        };
        doc::write(path, &section, &doc::render(&run, &reports))?;
        eprintln!("wrote the {section} section of {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

async fn signin(args: &BenchArgs) -> anyhow::Result<Session> {
    let host = reqwest::Url::parse(&args.url).context("--url")?;
    if !matches!(
        host.host_str(),
        Some("127.0.0.1" | "localhost" | "::1" | "[::1]")
    ) {
        bail!("renum bench only loads loopback servers, not {}", args.url);
    }
    let signin = reqwest::Client::new()
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
    let body: serde_json::Value = signin.json().await?;
    let field = |v: &serde_json::Value, what| {
        v.as_str()
            .map(str::to_owned)
            .with_context(|| format!("signin answered no {what}"))
    };
    Ok(Session {
        token: field(&body["session"]["token"], "token")?,
        org: field(&body["user"]["organization_id"], "organization id")?,
        user: field(&body["user"]["id"], "user id")?,
    })
}

async fn scenarios(
    db: &Db,
    engine: Engine,
    db_args: &DatabaseArgs,
    args: &BenchArgs,
    session: Option<&Session>,
    cores: usize,
) -> anyhow::Result<Vec<Report>> {
    let url = db_args.database_url.expose();
    let cores = cores as f64;
    let mut reports = Vec::new();
    for &scenario in &args.scenario {
        let http = |rate, m, baseline: Option<Baseline>, note| Report {
            scenario,
            engine: engine.as_str(),
            rate,
            unit: "requests/s",
            http: Some(m),
            ratio: baseline.as_ref().map(|b| rate / b.rate),
            baseline,
            details: None,
            note,
        };
        let report = match scenario {
            Scenario::Feed => {
                let s = session.context("the HTTP scenarios need a session")?;
                let page = format!("{}/v1/posts?limit={FEED_PAGE}", args.url);
                check_feed(&page, &s.token).await?;
                let target = load::Target::get(&page)?.bearer(&s.token)?;
                let (app, baseline, rounds) = alternate(
                    args.rounds,
                    async || load_app(args, &target).await,
                    async || match engine {
                        Engine::Postgres => feed_pgbench(url, s, args).await,
                        Engine::Sqlite => feed_repo(db, s, args).await,
                    },
                )
                .await?;
                let note = format!(
                    "{rounds}{}{}",
                    session_note(app.rps, &baseline),
                    cpu_note(&app, Some(&baseline))
                );
                http(app.rps, app, Some(baseline), note)
            }
            Scenario::Me => {
                let s = session.context("the HTTP scenarios need a session")?;
                let me = format!("{}/v1/me", args.url);
                let target = load::Target::get(&me)?.bearer(&s.token)?;
                let (app, baseline, rounds) = alternate(
                    args.rounds,
                    async || load_app(args, &target).await,
                    async || match engine {
                        Engine::Postgres => {
                            pgbench_pair(
                                url,
                                s,
                                "users.WITH_ORGANIZATION",
                                renum_db::catalogue::postgres::users::WITH_ORGANIZATION,
                                &[("p1", Some(&s.org)), ("p2", Some(&s.user))],
                                args,
                            )
                            .await
                        }
                        Engine::Sqlite => me_repo(db, s, args).await,
                    },
                )
                .await?;
                let note = format!(
                    "{rounds}{}{}",
                    session_note(app.rps, &baseline),
                    cpu_note(&app, Some(&baseline))
                );
                http(app.rps, app, Some(baseline), note)
            }
            Scenario::Floor => {
                let health = format!("{}/healthz", args.url);
                let app = load_app(args, &load::Target::get(&health)?).await?;
                let note = format!(
                    "no database and no baseline: what every request costs before its own work{}",
                    cpu_note(&app, None)
                );
                http(app.rps, app, None, note)
            }
            Scenario::Signin => {
                let signin = format!("{}/v1/auth/signin", args.url);
                let body = json!({"email": args.email, "password": args.password});
                let target = load::Target::post_json(&signin, &body)?;
                let app = load::run(args.connections, args.duration, &target).await?;
                let per_core = app.rps / cores;
                http(
                    app.rps,
                    app,
                    None,
                    format!(
                        "{per_core:.1} sign-ins/s per core ({cores} cores): argon2id m=19 MiB t=2 dominates, by design"
                    ),
                )
            }
            Scenario::Ingest => ingest(db, engine, url, args).await?,
            Scenario::Purge => purge(db, engine, args).await?,
        };
        reports.push(report);
    }
    Ok(reports)
}

/// The HTTP side of feed or me, with the CPU time per request of the server (when
/// `--server-pid` names it) and of this process, which is only the load generator meanwhile.
async fn load_app(args: &BenchArgs, target: &load::Target) -> anyhow::Result<Measured> {
    let server = args.server_pid.map(|pid| pid.to_string());
    let server_cpu = || server.as_deref().and_then(machine::cpu_time);
    let before = (
        server_cpu(),
        machine::cpu_time("self"),
        machine::busy_time(),
    );
    let mut m = load::run(args.connections, args.duration, target).await?;
    let after = (
        server_cpu(),
        machine::cpu_time("self"),
        machine::busy_time(),
    );
    let requests = (m.requests + m.errors) as f64;
    let per_request = |before: Option<Duration>, after: Option<Duration>| {
        let spent = after?.saturating_sub(before?).as_secs_f64() * 1000.0;
        (requests > 0.0).then(|| spent / requests)
    };
    m.server_cpu_ms = per_request(before.0, after.0);
    m.generator_cpu_ms = per_request(before.1, after.1);
    m.machine_cpu_ms = per_request(before.2, after.2);
    Ok(m)
}

/// The CPU figures of the reported round, when measured.
fn cpu_note(app: &Measured, baseline: Option<&Baseline>) -> String {
    let mut note = String::new();
    if let Some(ms) = app.server_cpu_ms {
        note.push_str(&format!("; server CPU {ms:.3} ms per request"));
    }
    if let Some(ms) = app.generator_cpu_ms {
        note.push_str(&format!("; load generator CPU {ms:.3} ms per request"));
    }
    if let Some(ms) = app.machine_cpu_ms {
        note.push_str(&format!(
            "; the whole machine {ms:.3} ms of CPU per request"
        ));
    }
    if let Some(ms) = baseline.and_then(|b| b.machine_cpu_ms) {
        note.push_str(&format!(", {ms:.3} ms per baseline operation"));
    }
    note
}

/// The HTTP side and its baseline, alternated `rounds` times; the round with the median
/// ratio is reported (the upper one of an even count), with every round's ratio in the note.
/// The host's speed drifts over seconds (other tenants of the machine), so short alternating
/// rounds expose both sides to the same drift where one long round each would compare two
/// different machines.
async fn alternate(
    rounds: usize,
    mut app: impl AsyncFnMut() -> anyhow::Result<Measured>,
    mut baseline: impl AsyncFnMut() -> anyhow::Result<Baseline>,
) -> anyhow::Result<(Measured, Baseline, String)> {
    let mut runs = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let a = app().await?;
        let b = baseline().await?;
        runs.push((a.rps / b.rate, a, b));
    }
    runs.sort_by(|x, y| x.0.total_cmp(&y.0));
    let ratios: Vec<String> = runs.iter().map(|(r, ..)| format!("{r:.2}")).collect();
    let note = if rounds > 1 {
        format!(
            "median of {rounds} alternating rounds (ratios {}); ",
            ratios.join(", ")
        )
    } else {
        String::new()
    };
    let (_, a, b) = runs.swap_remove(rounds / 2);
    Ok((a, b, note))
}

/// The feed must be a full page, or the scenario measures an empty organization.
async fn check_feed(page: &str, token: &str) -> anyhow::Result<()> {
    let resp = reqwest::Client::new()
        .get(page)
        .bearer_auth(token)
        .send()
        .await?;
    ensure!(
        resp.status().is_success(),
        "GET /v1/posts answered {}",
        resp.status()
    );
    let body: serde_json::Value = resp.json().await?;
    let items = body["items"].as_array().map_or(0, Vec::len);
    ensure!(
        items == FEED_PAGE as usize,
        "the signed-in organization's feed has {items} posts, not a page of {FEED_PAGE}: \
         seed with --posts-per-video (and --email a seeded user)"
    );
    Ok(())
}

/// posts.LIST_WITH_VIDEO with the parameters of the first page of `GET /v1/posts?limit=20`.
async fn feed_pgbench(url: &str, s: &Session, args: &BenchArgs) -> anyhow::Result<Baseline> {
    use renum_db::repo::keyset;
    let (from, to) = (
        keyset::min_timestamp().to_string(),
        keyset::max_timestamp().to_string(),
    );
    let (max_id, limit) = (keyset::max_uuid().to_string(), FEED_PAGE.to_string());
    pgbench_pair(
        url,
        s,
        "posts.LIST_WITH_VIDEO",
        renum_db::catalogue::postgres::posts::LIST_WITH_VIDEO,
        &[
            ("p1", Some(&s.org)),
            ("p2", Some(&from)),
            ("p3", Some(&to)),
            ("p4", None),
            ("p5", None),
            ("p6", Some(&to)),
            ("p7", Some(&max_id)),
            ("p8", Some(&limit)),
        ],
        args,
    )
    .await
}

/// pgbench on `sql` alone (the scenario's baseline), then on the request's statements:
/// `sessions.AUTHENTICATE` with the parameters the server binds for `s`, then `sql`.
async fn pgbench_pair(
    url: &str,
    s: &Session,
    name: &str,
    sql: &str,
    params: &[(&str, Option<&str>)],
    args: &BenchArgs,
) -> anyhow::Result<Baseline> {
    let (rate, machine_cpu_ms) = machine::busy_per_op(
        async {
            pgbench::baseline(url, sql, params, args.connections, args.duration)
                .await?
                .context("pgbench needs PostgreSQL")
        },
        |rate| rate * args.duration.as_secs_f64(),
    )
    .await?;
    let (hash, now, idle_since) = session_check_params(&s.token);
    let check = [
        ("a1", Some(hash.as_str())),
        ("a2", Some(now.as_str())),
        ("a3", Some(idle_since.as_str())),
    ];
    let with_session = pgbench::baseline_of(
        url,
        &[
            pgbench::Statement {
                sql: renum_db::catalogue::postgres::sessions::AUTHENTICATE,
                params: &check,
                one_row: true,
            },
            pgbench::Statement {
                sql,
                params,
                one_row: false,
            },
        ],
        args.connections,
        args.duration,
    )
    .await?;
    Ok(Baseline {
        what: format!("pgbench -M prepared, {name}"),
        rate,
        with_session,
        machine_cpu_ms,
    })
}

/// `sessions.AUTHENTICATE`'s parameters as `Auth::authenticate` binds them for `token`: the
/// token's hash (bytea in hex input form), now, and the cutoff of the default idle timeout.
fn session_check_params(token: &str) -> (String, String, String) {
    let hash = format!("\\x{}", hex::encode(renum::app::tokens::hash(token)));
    let now = renum_db::sql_types::Timestamp::now();
    let idle_since = renum::app::auth::ago(now, AuthConfig::default().idle_timeout);
    (hash, now.to_string(), idle_since.to_string())
}

/// What the HTTP scenarios' note says of the session check, with the request-statements
/// baseline when pgbench ran it.
fn session_note(app_rps: f64, baseline: &Baseline) -> String {
    let mut note = "the app checks the session before the same query (PostgreSQL: from its \
                    session cache; SQLite: one indexed read)"
        .to_owned();
    if let Some(tps) = baseline.with_session {
        note.push_str(&format!(
            "; pgbench running the request's two statements (sessions.AUTHENTICATE, then this \
             one): {tps:.0} tps, ratio {:.2}",
            app_rps / tps
        ));
    }
    note
}

/// SQLite has no pgbench: the same statement through renum_db, from as many tasks.
async fn feed_repo(db: &Db, s: &Session, args: &BenchArgs) -> anyhow::Result<Baseline> {
    let org: OrganizationId = s.org.parse().context("organization id")?;
    let db = db.clone();
    let ops = |rate: &f64| rate * args.duration.as_secs_f64();
    let side = load::repeat(args.connections, args.duration, move || {
        let db = db.clone();
        async move {
            let page = db
                .conn()
                .await?
                .posts(&OrgScope::trusted(org))
                .list_with_video(&PostFilter::default(), None, FEED_PAGE)
                .await?;
            ensure!(page.items.len() == FEED_PAGE as usize, "a short page");
            Ok(())
        }
    });
    let (rate, machine_cpu_ms) = machine::busy_per_op(side, ops).await?;
    Ok(Baseline {
        what: "posts.LIST_WITH_VIDEO through renum_db, same connection count".into(),
        rate,
        with_session: None,
        machine_cpu_ms,
    })
}

/// `me`'s statement through renum_db on SQLite (no pgbench), from as many tasks.
async fn me_repo(db: &Db, s: &Session, args: &BenchArgs) -> anyhow::Result<Baseline> {
    let org: OrganizationId = s.org.parse().context("organization id")?;
    let user: UserId = s.user.parse().context("user id")?;
    let db = db.clone();
    let ops = |rate: &f64| rate * args.duration.as_secs_f64();
    let side = load::repeat(args.connections, args.duration, move || {
        let db = db.clone();
        async move {
            db.conn()
                .await?
                .users(&OrgScope::trusted(org))
                .with_organization(user)
                .await?;
            Ok(())
        }
    });
    let (rate, machine_cpu_ms) = machine::busy_per_op(side, ops).await?;
    Ok(Baseline {
        what: "users.WITH_ORGANIZATION through renum_db, same connection count".into(),
        rate,
        with_session: None,
        machine_cpu_ms,
    })
}

async fn ingest(db: &Db, engine: Engine, url: &str, args: &BenchArgs) -> anyhow::Result<Report> {
    let baseline = match engine {
        Engine::Postgres => {
            let (org, user) = (OrganizationId::new(), UserId::new());
            let params = logs::sample_params(org, user);
            let params: Vec<(&str, Option<&str>)> = params
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_deref()))
                .collect();
            let rate = pgbench::baseline(
                url,
                renum_db::catalogue::postgres::api_logs::INSERT,
                &params,
                1,
                args.duration,
            )
            .await?
            .context("pgbench needs PostgreSQL")?;
            Baseline {
                what: "pgbench -M prepared -c 1, single-row api_logs.INSERT".into(),
                rate,
                with_session: None,
                machine_cpu_ms: None,
            }
        }
        Engine::Sqlite => Baseline {
            what: "single-row api_logs.INSERT through renum_db, one connection".into(),
            rate: logs::single_rows(db, args.duration).await?,
            with_session: None,
            machine_cpu_ms: None,
        },
    };
    let m = logs::writer(db, args.duration, args.log_batch_size).await?;
    let note = format!(
        "{} records in {} batches of {}, {} dropped, {} failed, queue peak {:.1} MiB",
        m.written,
        m.batches,
        args.log_batch_size,
        m.dropped,
        m.failed,
        m.queue_peak_bytes as f64 / MIB
    );
    Ok(Report {
        scenario: Scenario::Ingest,
        engine: engine.as_str(),
        rate: m.records_per_second,
        unit: "records/s",
        http: None,
        ratio: Some(m.records_per_second / baseline.rate),
        baseline: Some(baseline),
        details: Some(serde_json::to_value(&m)?),
        note,
    })
}

const MIB: f64 = 1024.0 * 1024.0;

async fn purge(db: &Db, engine: Engine, args: &BenchArgs) -> anyhow::Result<Report> {
    let delete_rows = args.purge_delete_rows.unwrap_or(args.purge_rows);
    let p = logs::purge(db, args.purge_rows, delete_rows, args.purge_batch_size).await?;
    let delete_rate = p.delete_rows as f64 / p.delete_seconds;
    let mib = |b: Option<i64>| b.map_or("-".into(), |b| format!("{:.0} MiB", b as f64 / MIB));
    let deleted = format!(
        "batched delete: {} rows in {:.2} s ({} x {}), freed {}",
        p.delete_rows,
        p.delete_seconds,
        p.delete_batches,
        args.purge_batch_size,
        mib(p.delete_freed_bytes)
    );
    let report = match p.drop_seconds {
        Some(drop_seconds) => {
            let drop_rate = p.drop_rows as f64 / drop_seconds;
            Report {
                scenario: Scenario::Purge,
                engine: engine.as_str(),
                rate: drop_rate,
                unit: "rows/s",
                http: None,
                ratio: Some(drop_rate / delete_rate),
                baseline: Some(Baseline {
                    what: "batched delete (api_logs.DELETE_OLDER_BATCH)".into(),
                    rate: delete_rate,
                    with_session: None,
                    machine_cpu_ms: None,
                }),
                note: format!(
                    "partition drop: {} rows in {drop_seconds:.3} s, freed {}; {deleted}",
                    p.drop_rows,
                    mib(p.drop_freed_bytes)
                ),
                details: Some(serde_json::to_value(&p)?),
            }
        }
        None => Report {
            scenario: Scenario::Purge,
            engine: engine.as_str(),
            rate: delete_rate,
            unit: "rows/s",
            http: None,
            ratio: None,
            baseline: None,
            note: format!("no partitions on SQLite; {deleted}"),
            details: Some(serde_json::to_value(&p)?),
        },
    };
    Ok(report)
}

fn print(reports: &[Report], json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(reports)?);
        return Ok(());
    }
    println!(
        "{:<8} {:<8} {:>12} {:<11} {:>8} {:>8} {:>8} {:>12} {:>8}  note",
        "scenario", "engine", "rate", "unit", "p50 ms", "p95 ms", "p99 ms", "baseline", "ratio"
    );
    let ms = |r: &Report, f: fn(&Measured) -> f64| {
        r.http
            .as_ref()
            .map_or("-".into(), |m| format!("{:.2}", f(m)))
    };
    for r in reports {
        println!(
            "{:<8} {:<8} {:>12.0} {:<11} {:>8} {:>8} {:>8} {:>12} {:>8}  {}",
            r.scenario.name(),
            r.engine,
            r.rate,
            r.unit,
            ms(r, |m| m.p50_ms),
            ms(r, |m| m.p95_ms),
            ms(r, |m| m.p99_ms),
            r.baseline
                .as_ref()
                .map_or("-".into(), |b| format!("{:.0}", b.rate)),
            r.ratio.map_or("-".into(), |x| format!("{x:.2}")),
            r.note
        );
    }
    Ok(())
}
