//! `renum seed`: fills an empty database with realistic, deterministic data.
//!
//! The same seed and anchor day give the same rows, UUIDs included (api_logs' bigint id is
//! the database's identity, assigned in load order): the tenants are built in
//! memory from one PRNG stream ([`world`]), posts and api_logs are streamed from their own
//! ([`rows`]), and everything is written through the bulk paths of [`load`]. Every row
//! satisfies the schema's constraints: the database checks them all during the load.
//!
//! On PostgreSQL the tenant tables load in one transaction and api_logs in another; each
//! first drops its tables' foreign keys and non-unique indexes and, after the COPYs,
//! recreates them from the server's own definitions: each index is built with one sort and
//! each foreign key is validated against every row by one join when it is added, instead of
//! an index insertion and a locking parent lookup per row. Nothing outside the transaction sees the tables without them, and
//! a failed seed rolls back to the migrated schema. CHECK, NOT NULL and UNIQUE are enforced
//! row by row as before.
//!
//! This is an operator tool: it writes whole tenants with the statements of
//! `crate::seed_catalogue` and never reads tenant data on anyone's behalf, so it does not
//! go through `OrgScope`.

mod accounts;
pub(crate) mod load;
mod password;
mod rows;
pub(crate) mod value;
mod words;
mod world;

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::seed_catalogue::{self, BulkTable};
use chrono::NaiveDate;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use renum_db::retention::{self, Month};
use renum_db::sql_types::Timestamp;
use renum_db::{Db, migrate};

pub use password::PASSWORD;
pub use world::DEMO_EMAIL;

use rows::Rows;
use world::World;

/// How much data to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sizes {
    pub organizations: u32,
    /// One owner, about a fifth admins, the rest members.
    pub users_per_org: u32,
    /// Source videos and the clips cut from them, together.
    pub videos_per_org: u32,
    /// Average over all videos; posts go to the ready and posted ones.
    pub posts_per_video: u32,
    pub api_logs: u64,
}

impl Sizes {
    /// `--demo`: small enough to read through by hand, big enough to page through.
    pub const DEMO: Sizes = Sizes {
        organizations: 3,
        users_per_org: 4,
        videos_per_org: 12,
        posts_per_video: 3,
        api_logs: 2_000,
    };
}

pub struct Options {
    pub sizes: Sizes,
    pub seed: u64,
    /// The day the data ends (midnight UTC): a year of videos and posts and six months of
    /// api_logs lead up to it, and some posts are scheduled after it.
    pub anchor: NaiveDate,
    /// Names the first organization and its owner so the demo login is known in advance.
    pub demo: bool,
    pub progress: bool,
}

/// What one step of the seed did and how long it took.
pub struct Step {
    pub name: &'static str,
    /// Rows in the table afterwards (counted, not assumed); `None` for non-table steps.
    pub rows: Option<i64>,
    pub elapsed: Duration,
}

pub struct Report {
    pub steps: Vec<Step>,
    pub elapsed: Duration,
    pub login_email: String,
}

/// Progress bars are drawn only for a person watching: stderr is a terminal and not CI.
pub fn progress_wanted() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

pub async fn run(db: &Db, options: &Options) -> anyhow::Result<Report> {
    let started = Instant::now();
    migrate::up(db).await?;
    if organizations_exist(db).await? {
        anyhow::bail!("the database already has organizations; renum seed fills an empty database");
    }

    let mut steps = Vec::new();
    let step = Instant::now();
    let (world, hash) = {
        let (sizes, seed, demo) = (options.sizes, options.seed, options.demo);
        let anchor = options
            .anchor
            .and_time(chrono::NaiveTime::MIN)
            .and_utc()
            .timestamp_micros();
        tokio::task::spawn_blocking(move || {
            (
                Arc::new(World::build(&sizes, seed, anchor, demo)),
                password::shared_hash(seed),
            )
        })
        .await?
    };
    steps.push(Step {
        name: "generate tenants",
        rows: None,
        elapsed: step.elapsed(),
    });

    let sizes = options.sizes;
    let hash: Arc<str> = hash.into();
    let streams: Vec<(BulkTable, u64, Box<dyn Rows>)> = vec![
        (
            seed_catalogue::ORGANIZATIONS,
            world.orgs.len() as u64,
            Box::new(rows::Organizations::new(world.clone())),
        ),
        (
            seed_catalogue::USERS,
            world.orgs.iter().map(|o| o.users.len() as u64).sum(),
            Box::new(rows::Users::new(world.clone(), hash)),
        ),
        (
            seed_catalogue::SESSIONS,
            accounts::total(&world, accounts::SESSIONS_PER_USER),
            Box::new(accounts::sessions(world.clone(), options.seed)),
        ),
        (
            seed_catalogue::VIDEOS,
            world.orgs.iter().map(|o| o.videos.len() as u64).sum(),
            Box::new(rows::Videos::new(world.clone())),
        ),
        (
            seed_catalogue::CLIP_PROJECTS,
            world.orgs.iter().map(|o| o.projects.len() as u64).sum(),
            Box::new(rows::ClipProjects::new(world.clone())),
        ),
        (
            seed_catalogue::POSTS,
            rows::Posts::total(&world, sizes.posts_per_video),
            Box::new(rows::Posts::new(
                world.clone(),
                options.seed,
                sizes.posts_per_video,
            )),
        ),
        (
            seed_catalogue::AUTH_EVENTS,
            accounts::total(&world, accounts::EVENTS_PER_USER),
            Box::new(accounts::auth_events(world.clone(), options.seed)),
        ),
        (
            seed_catalogue::EMAIL_TOKENS,
            accounts::total(&world, accounts::MAILS_PER_USER),
            Box::new(accounts::email_tokens(world.clone(), options.seed)),
        ),
        (
            seed_catalogue::MAIL_OUTBOX,
            accounts::total(&world, accounts::MAILS_PER_USER),
            Box::new(accounts::mail_outbox(world.clone(), options.seed)),
        ),
        (
            seed_catalogue::INVITATIONS,
            accounts::total(&world, accounts::INVITATIONS_PER_USER),
            Box::new(accounts::invitations(world.clone(), options.seed)),
        ),
    ];
    let logs = seed_catalogue::API_LOGS;
    let [early_logs, late_logs] = rows::ApiLogs::halves(&world, options.seed, sizes.api_logs);

    let bars = if options.progress {
        MultiProgress::new()
    } else {
        MultiProgress::with_draw_target(ProgressDrawTarget::hidden())
    };
    let mut loaded = Vec::new();
    // Non-table steps after the loads (PostgreSQL), in the order they ran.
    let mut after_load = Vec::new();
    match db {
        Db::Postgres(pool) => {
            // Monthly partitions first, as `renum logs partitions` would make them: rows
            // land in their month's partition instead of the default one (which would then
            // block creating that month's partition). They are created (empty, committed)
            // before the load, so a failed seed may leave them behind, as harmless as those
            // `renum logs partitions` makes ahead of time.
            let step = Instant::now();
            let (first, months) = log_months(options.anchor);
            retention::ensure_partitions(db, first, months).await?;
            steps.push(Step {
                name: "partitions",
                rows: None,
                elapsed: step.elapsed(),
            });

            // Two connections, one transaction each, so the server works on both cores:
            // the tenant tables on one, api_logs (no foreign keys) on the other. Both commit
            // only once every load succeeded, so a failed seed leaves nothing behind. Each
            // transaction drops its tables' non-unique indexes (and foreign keys) and
            // rebuilds them after the COPY: on api_logs, inserting every row into
            // api_logs_organization_id_created_at_idx at a random place took 34 s per month
            // of logs against 11 s without it plus 3 s to build it (docs/BENCHMARKS.md).
            anyhow::ensure!(
                pool.options().get_max_connections() >= 2,
                "renum seed loads on two connections; raise --db-max-connections to 2 or more"
            );
            let mut tenants_tx = pool.begin().await?;
            let mut logs_tx = pool.begin().await?;
            let tenants = async {
                let mut loaded = Vec::new();
                let tables: Vec<&str> = streams.iter().map(|(t, ..)| t.table).collect();
                let deferred = load::defer_schema(&mut tenants_tx, &tables).await?;
                for (table, total, rows) in streams {
                    let bar = progress_bar(&bars, table.table, total);
                    let step = Instant::now();
                    load::copy_postgres(&mut tenants_tx, &table, rows, &bar).await?;
                    bar.finish();
                    loaded.push((table.table, step.elapsed()));
                }
                let rebuilt = load::restore_schema(&mut tenants_tx, &deferred).await?;
                anyhow::Ok((loaded, rebuilt))
            };
            let log_bar = progress_bar(&bars, logs.table, sizes.api_logs);
            let api_logs = async {
                let deferred = load::defer_schema(&mut logs_tx, &[logs.table]).await?;
                let step = Instant::now();
                for part in [early_logs, late_logs] {
                    load::copy_postgres(&mut logs_tx, &logs, Box::new(part), &log_bar).await?;
                }
                log_bar.finish();
                let copied = step.elapsed();
                let [(_, indexed), _] = load::restore_schema(&mut logs_tx, &deferred).await?;
                anyhow::Ok((copied, indexed))
            };
            let (tenants, api_logs) = tokio::join!(tenants, api_logs);
            let (tenants, rebuilt) = tenants?;
            let (copied, indexed) = api_logs?;
            loaded.extend(tenants);
            loaded.push((logs.table, copied));
            after_load.extend(rebuilt);
            after_load.push(("api_logs index", indexed));
            let step = Instant::now();
            tenants_tx.commit().await?;
            logs_tx.commit().await?;
            after_load.push(("commit", step.elapsed()));
        }
        Db::Sqlite(pool) => {
            let mut conn = pool.acquire().await?;
            for (table, total, rows) in streams {
                let bar = progress_bar(&bars, table.table, total);
                let step = Instant::now();
                load::insert_sqlite(&mut conn, &table, rows, &bar).await?;
                bar.finish();
                loaded.push((table.table, step.elapsed()));
            }
            let bar = progress_bar(&bars, logs.table, sizes.api_logs);
            let step = Instant::now();
            for part in [early_logs, late_logs] {
                load::insert_sqlite(&mut conn, &logs, Box::new(part), &bar).await?;
            }
            bar.finish();
            loaded.push((logs.table, step.elapsed()));
        }
    }

    // Fresh statistics, so the first queries on the seeded data get sensible plans.
    let step = Instant::now();
    for table in seed_catalogue::ALL {
        execute(db, table.analyze).await?;
    }
    let analyze = step.elapsed();

    for (name, elapsed) in loaded {
        let rows = count(db, name).await?;
        steps.push(Step {
            name,
            rows: Some(rows),
            elapsed,
        });
    }
    for (name, elapsed) in after_load {
        steps.push(Step {
            name,
            rows: None,
            elapsed,
        });
    }
    steps.push(Step {
        name: "analyze",
        rows: None,
        elapsed: analyze,
    });
    Ok(Report {
        steps,
        elapsed: started.elapsed(),
        login_email: world.login_email().to_owned(),
    })
}

/// The first month of api_logs before `anchor` and how many months follow it up to the
/// anchor's own (the arguments of `retention::ensure_partitions`).
fn log_months(anchor: NaiveDate) -> (Timestamp, u32) {
    let end = anchor.and_time(chrono::NaiveTime::MIN).and_utc();
    let start = end - chrono::Duration::microseconds(rows::ApiLogs::SPAN);
    let (mut month, last) = (Month::containing(start), Month::containing(end));
    let mut after = 0;
    while month < last {
        month = month.next();
        after += 1;
    }
    (Timestamp::from(start), after)
}

pub(crate) fn progress_bar(bars: &MultiProgress, table: &'static str, total: u64) -> ProgressBar {
    let bar = bars.add(ProgressBar::new(total).with_prefix(table));
    bar.set_style(
        ProgressStyle::with_template(
            "{prefix:>14} [{bar:30}] {human_pos:>11}/{human_len:11} {per_sec:>14} eta {eta}",
        )
        .expect("a valid progress template")
        .progress_chars("=> "),
    );
    bar
}

async fn organizations_exist(db: &Db) -> anyhow::Result<bool> {
    let sql = seed_catalogue::ORGANIZATIONS_EXIST;
    Ok(match db {
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await?,
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await?,
    })
}

async fn count(db: &Db, table: &str) -> anyhow::Result<i64> {
    let (_, sql) = seed_catalogue::COUNTS
        .iter()
        .find(|(t, _)| *t == table)
        .expect("every bulk table has a count statement");
    Ok(match db {
        Db::Postgres(pool) => sqlx::query_scalar(*sql).fetch_one(pool).await?,
        Db::Sqlite(pool) => sqlx::query_scalar(*sql).fetch_one(pool).await?,
    })
}

async fn execute(db: &Db, sql: &'static str) -> anyhow::Result<()> {
    match db {
        Db::Postgres(pool) => {
            sqlx::query(sql).execute(pool).await?;
        }
        Db::Sqlite(pool) => {
            sqlx::query(sql).execute(pool).await?;
        }
    }
    Ok(())
}
