//! `renum purge-deleted --older-than 30d`: hard-deletes organizations soft-deleted before the
//! cutoff, with all their rows, and removes members soft-deleted before it. Work is done in
//! bounded batches, one short transaction each, so the database is never locked for long.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use renum_db::repo::TenantTable;
use renum_db::sql_types::Timestamp;
use renum_db::{Access, Db, OrgScope};

use renum::config::DatabaseArgs;

#[derive(Args, Debug)]
pub struct PurgeArgs {
    /// Grace period: only rows soft-deleted longer ago than this go (e.g. 30d, 12h).
    #[arg(long, value_parser = humantime::parse_duration)]
    older_than: Duration,
    /// Rows per statement.
    #[arg(long, default_value_t = 1000)]
    batch_size: i64,
}

/// What one purge run removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub organizations: u64,
    pub rows: [(&'static str, u64); 4],
    pub users_deleted: u64,
    pub users_anonymized: u64,
}

pub async fn run(db_args: &DatabaseArgs, args: PurgeArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.batch_size > 0, "--batch-size must be positive");
    let db = db_args.connect().await?;
    let cutoff: Timestamp =
        (chrono::Utc::now() - chrono::Duration::from_std(args.older_than)?).into();
    let progress = ProgressBar::new_spinner()
        .with_style(ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")?);
    if std::env::var_os("CI").is_some() {
        progress.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let purged = purge(&db, cutoff, args.batch_size, &progress).await?;
    progress.finish_and_clear();
    println!(
        "purged {} organization(s) soft-deleted before {cutoff}",
        purged.organizations
    );
    for (table, n) in purged.rows {
        println!("  {table}: {n} row(s)");
    }
    println!(
        "members soft-deleted before {cutoff}: {} deleted, {} anonymized (they authored content)",
        purged.users_deleted, purged.users_anonymized
    );
    db.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn purge(
    db: &Db,
    cutoff: Timestamp,
    batch: i64,
    progress: &ProgressBar,
) -> anyhow::Result<Purged> {
    let mut purged = Purged {
        rows: TenantTable::ORDER.map(|t| (t.name(), 0)),
        ..Purged::default()
    };
    loop {
        let orgs = db
            .conn()
            .await?
            .purge()
            .deleted_organizations(cutoff, 100)
            .await?;
        if orgs.is_empty() {
            break;
        }
        for org in orgs {
            // An operator tool acting on an organization it selected itself.
            let scope = OrgScope::trusted(org);
            for (i, table) in TenantTable::ORDER.into_iter().enumerate() {
                loop {
                    let mut tx = db.begin().await?;
                    let n = tx.purge().delete_batch(&scope, table, batch).await?;
                    tx.commit().await?;
                    purged.rows[i].1 += n;
                    progress.set_message(format!("organization {org}: {} {n}", table.name()));
                    progress.tick();
                    if n < batch as u64 {
                        break;
                    }
                }
            }
            purged.organizations += db.conn().await?.purge().delete_organization(&scope).await?;
        }
    }
    loop {
        let users = db
            .conn()
            .await?
            .purge()
            .deleted_users(cutoff, batch)
            .await?;
        if users.is_empty() {
            break;
        }
        for (org, user) in users {
            let mut tx = db.begin().await?;
            let deleted = tx
                .purge()
                .remove_user(&OrgScope::trusted(org), user, Timestamp::now())
                .await?;
            tx.commit().await?;
            if deleted {
                purged.users_deleted += 1;
            } else {
                purged.users_anonymized += 1;
            }
            progress.set_message(format!("member {user}"));
            progress.tick();
        }
    }
    Ok(purged)
}
