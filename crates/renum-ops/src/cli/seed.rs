//! `renum seed --organizations N --users-per-org U --videos-per-org V --posts-per-video P
//! --api-logs L [--seed S] [--anchor DAY]` and `renum seed --demo`.

use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;

use crate::seed::{self, Options, Sizes};
use renum::config::DatabaseArgs;

#[derive(Args, Debug)]
pub struct SeedArgs {
    /// A small dataset with a known login (printed at the end), for trying the API by hand.
    #[arg(long, conflicts_with_all = ["organizations", "users_per_org", "videos_per_org", "posts_per_video", "api_logs"])]
    demo: bool,
    /// Organizations, each with its own name, slug and plan.
    #[arg(long, required_unless_present = "demo", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    organizations: Option<u32>,
    /// Each organization has one owner, about a fifth admins, the rest members.
    #[arg(long, required_unless_present = "demo", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    users_per_org: Option<u32>,
    /// Source videos and their clips together.
    #[arg(long, required_unless_present = "demo", value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    videos_per_org: Option<u32>,
    /// Average per video; posts go to the ready and posted videos.
    #[arg(long, required_unless_present = "demo", value_parser = clap::value_parser!(u32).range(0..=1_000))]
    posts_per_video: Option<u32>,
    /// API log rows over the six months before the anchor day.
    #[arg(long, required_unless_present = "demo", value_parser = clap::value_parser!(u64).range(0..=1_000_000_000))]
    api_logs: Option<u64>,
    /// The same seed and anchor give the same data, UUIDs included.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The day the data ends, YYYY-MM-DD (UTC); default today.
    #[arg(long)]
    anchor: Option<NaiveDate>,
}

pub async fn run(db_args: &DatabaseArgs, args: SeedArgs) -> anyhow::Result<ExitCode> {
    let sizes = if args.demo {
        Sizes::DEMO
    } else {
        // clap enforces presence unless --demo.
        Sizes {
            organizations: args.organizations.unwrap_or_default(),
            users_per_org: args.users_per_org.unwrap_or_default(),
            videos_per_org: args.videos_per_org.unwrap_or_default(),
            posts_per_video: args.posts_per_video.unwrap_or_default(),
            api_logs: args.api_logs.unwrap_or_default(),
        }
    };
    let anchor = args
        .anchor
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let options = Options {
        sizes,
        seed: args.seed,
        anchor,
        demo: args.demo,
        progress: seed::progress_wanted(),
    };
    let db = db_args.connect().await?;
    let report = seed::run(&db, &options).await;
    db.close().await;
    let report = report?;

    println!(
        "seeded {} with --seed {} --anchor {anchor} in {:.1} s",
        renum_db::redact_url(db_args.database_url.expose()),
        args.seed,
        report.elapsed.as_secs_f64()
    );
    println!(
        "{:<16} {:>12} {:>9} {:>12}",
        "step", "rows", "seconds", "rows/s"
    );
    for step in &report.steps {
        let secs = step.elapsed.as_secs_f64();
        match step.rows {
            Some(rows) => println!(
                "{:<16} {rows:>12} {secs:>9.2} {:>12.0}",
                step.name,
                rows as f64 / secs.max(1e-9)
            ),
            None => println!("{:<16} {:>12} {secs:>9.2}", step.name, ""),
        }
    }
    println!(
        "sign in as {} with password {} (every seeded user has this password)",
        report.login_email,
        seed::PASSWORD
    );
    Ok(ExitCode::SUCCESS)
}
