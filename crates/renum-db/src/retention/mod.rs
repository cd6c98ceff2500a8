//! Retention of `api_logs`: monthly partitions created ahead of time (PostgreSQL) and the
//! purge of rows older than the retention window (both engines).
//!
//! PostgreSQL: a purge detaches and drops every monthly partition that lies entirely before the
//! cutoff (a catalogue change: fast, and the disk space returns at once), then deletes in
//! bounded batches what is left before the cutoff, which can only be in the boundary month's
//! partition or the default one. SQLite has no partitions: it deletes in bounded batches, each
//! its own short transaction, so the write lock is released between batches.

mod partition_ddl;

use crate::catalogue;
use crate::db::Db;
use crate::error::Result;
use crate::sql_types::Timestamp;
use chrono::{DateTime, Datelike, TimeZone, Utc};

/// A calendar month (UTC): the unit of api_logs partitions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    /// `None` unless `month` is 1..=12 and the year has four digits (partition names do).
    pub fn new(year: i32, month: u32) -> Option<Month> {
        ((1000..=9999).contains(&year) && (1..=12).contains(&month))
            .then_some(Month { year, month })
    }

    pub fn containing(at: DateTime<Utc>) -> Month {
        Month {
            year: at.year(),
            month: at.month(),
        }
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// The first instant of the month; the partition holds `[start, next().start())`.
    pub fn start(self) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(self.year, self.month, 1, 0, 0, 0)
            .single()
            .expect("the first of a month exists")
    }

    pub fn partition_name(self) -> String {
        format!("api_logs_{:04}_{:02}", self.year, self.month)
    }

    /// The month of a partition named by [`Month::partition_name`]; `None` for other tables
    /// (the default partition, anything an operator attached by hand).
    pub fn from_partition_name(name: &str) -> Option<Month> {
        let rest = name.strip_prefix("api_logs_")?;
        let (year, month) = rest.split_once('_')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        Month::new(year.parse().ok()?, month.parse().ok()?)
    }
}

/// What [`ensure_partitions`] did for one month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedPartition {
    pub name: String,
    /// Rows of that month that were in the default partition and now live in the new one.
    pub moved_from_default: u64,
}

/// The partitions attached to api_logs (PostgreSQL; empty on SQLite).
pub async fn partitions(db: &Db) -> Result<Vec<String>> {
    match db {
        Db::Postgres(pool) => Ok(sqlx::query_scalar(
            catalogue::postgres_only::api_log_partitions::LIST,
        )
        .fetch_all(pool)
        .await?),
        Db::Sqlite(_) => Ok(Vec::new()),
    }
}

/// Creates the partitions of the month containing `now` and of the `months_ahead` following
/// months, when missing (PostgreSQL; nothing to do on SQLite). The server calls it at start and
/// daily; `renum logs partitions` on demand.
///
/// PostgreSQL refuses to create a month's partition while the default partition holds rows of
/// that month. Then, in one transaction, the default partition is detached, the partition
/// created, those rows moved into it and the default partition attached again.
pub async fn ensure_partitions(
    db: &Db,
    now: Timestamp,
    months_ahead: u32,
) -> Result<Vec<CreatedPartition>> {
    let Db::Postgres(pool) = db else {
        return Ok(Vec::new());
    };
    use catalogue::postgres_only::api_log_partitions as q;
    let mut created = Vec::new();
    let mut month = Month::containing(now.as_datetime());
    for _ in 0..=months_ahead {
        let existing = partitions(db).await?;
        if !existing.contains(&month.partition_name()) {
            let (from, to) = (
                Timestamp::from(month.start()),
                Timestamp::from(month.next().start()),
            );
            let mut tx = pool.begin().await?;
            sqlx::query(q::LOCK).execute(&mut *tx).await?;
            // Another process may have created it while this one waited for the lock.
            let attached: Vec<String> = sqlx::query_scalar(q::LIST).fetch_all(&mut *tx).await?;
            if attached.contains(&month.partition_name()) {
                tx.commit().await?;
                month = month.next();
                continue;
            }
            let stranded: bool = sqlx::query_scalar(q::DEFAULT_HAS_ROWS)
                .bind(from)
                .bind(to)
                .fetch_one(&mut *tx)
                .await?;
            let mut moved = 0;
            if stranded {
                sqlx::query(q::DETACH_DEFAULT).execute(&mut *tx).await?;
                sqlx::query(partition_ddl::create_partition(month))
                    .execute(&mut *tx)
                    .await?;
                moved = sqlx::query(q::MOVE_FROM_DEFAULT)
                    .bind(from)
                    .bind(to)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                sqlx::query(q::DELETE_FROM_DEFAULT)
                    .bind(from)
                    .bind(to)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(q::ATTACH_DEFAULT).execute(&mut *tx).await?;
            } else {
                sqlx::query(partition_ddl::create_partition(month))
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            created.push(CreatedPartition {
                name: month.partition_name(),
                moved_from_default: moved,
            });
        }
        month = month.next();
    }
    Ok(created)
}

/// Progress of a purge, for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PurgeProgress {
    /// Rows left to delete in batches once whole partitions are gone.
    Counted(u64),
    /// One batch deleted this many rows.
    Deleted(u64),
}

/// What a purge removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PurgeReport {
    pub partitions_dropped: Vec<String>,
    pub rows_deleted: u64,
    pub batches: u64,
}

/// Removes every api_logs row created before `cutoff` (see the module documentation).
pub async fn purge(
    db: &Db,
    cutoff: Timestamp,
    batch_size: i64,
    progress: &mut (dyn FnMut(PurgeProgress) + Send),
) -> Result<PurgeReport> {
    let partitions_dropped = drop_partitions_before(db, cutoff).await?;
    let mut report = delete_older_than(db, cutoff, batch_size, progress).await?;
    report.partitions_dropped = partitions_dropped;
    Ok(report)
}

/// Detaches and drops, each in its own short transaction, the monthly partitions whose whole
/// range is before `cutoff` (PostgreSQL; nothing on SQLite). Returns their names.
pub async fn drop_partitions_before(db: &Db, cutoff: Timestamp) -> Result<Vec<String>> {
    let Db::Postgres(pool) = db else {
        return Ok(Vec::new());
    };
    use catalogue::postgres_only::api_log_partitions as q;
    let mut dropped = Vec::new();
    for name in partitions(db).await? {
        let Some(month) = Month::from_partition_name(&name) else {
            continue;
        };
        if month.next().start() > cutoff.as_datetime() {
            continue;
        }
        let mut tx = pool.begin().await?;
        // Detaching locks api_logs this way anyway; taking it first lets a concurrent purge
        // (several servers run the daily maintenance) find the partition already gone.
        sqlx::query(q::LOCK).execute(&mut *tx).await?;
        let attached: Vec<String> = sqlx::query_scalar(q::LIST).fetch_all(&mut *tx).await?;
        if !attached.contains(&name) {
            tx.commit().await?;
            continue;
        }
        sqlx::query(partition_ddl::detach_partition(month))
            .execute(&mut *tx)
            .await?;
        sqlx::query(partition_ddl::drop_partition(month))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        dropped.push(name);
    }
    Ok(dropped)
}

/// Deletes rows created before `cutoff` in batches of `batch_size`, each batch its own
/// statement and transaction, until none is left.
pub async fn delete_older_than(
    db: &Db,
    cutoff: Timestamp,
    batch_size: i64,
    progress: &mut (dyn FnMut(PurgeProgress) + Send),
) -> Result<PurgeReport> {
    let batch_size = batch_size.max(1);
    let total: i64 = match db {
        Db::Postgres(pool) => {
            sqlx::query_scalar(catalogue::postgres::api_logs::COUNT_OLDER)
                .bind(cutoff)
                .fetch_one(pool)
                .await?
        }
        Db::Sqlite(pool) => {
            sqlx::query_scalar(catalogue::sqlite::api_logs::COUNT_OLDER)
                .bind(cutoff)
                .fetch_one(pool)
                .await?
        }
    };
    progress(PurgeProgress::Counted(total as u64));
    let mut report = PurgeReport::default();
    loop {
        let deleted = match db {
            Db::Postgres(pool) => sqlx::query(catalogue::postgres::api_logs::DELETE_OLDER_BATCH)
                .bind(cutoff)
                .bind(batch_size)
                .execute(pool)
                .await?
                .rows_affected(),
            Db::Sqlite(pool) => sqlx::query(catalogue::sqlite::api_logs::DELETE_OLDER_BATCH)
                .bind(cutoff)
                .bind(batch_size)
                .execute(pool)
                .await?
                .rows_affected(),
        };
        if deleted == 0 {
            return Ok(report);
        }
        report.rows_deleted += deleted;
        report.batches += 1;
        progress(PurgeProgress::Deleted(deleted));
        // Let the log writer and requests take the (SQLite) write lock between batches.
        tokio::task::yield_now().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_roll_over_the_year_and_round_trip_through_partition_names() {
        let dec = Month::new(2026, 12).unwrap();
        assert_eq!(dec.next(), Month::new(2027, 1).unwrap());
        assert_eq!(dec.partition_name(), "api_logs_2026_12");
        assert_eq!(Month::from_partition_name("api_logs_2026_12"), Some(dec));
        for other in [
            "api_logs_default",
            "api_logs_2026_13",
            "api_logs_26_01",
            "videos",
        ] {
            assert_eq!(Month::from_partition_name(other), None, "{other}");
        }
        assert_eq!(dec.start().to_rfc3339(), "2026-12-01T00:00:00+00:00");
        let at = Utc.with_ymd_and_hms(2026, 2, 28, 23, 59, 59).unwrap();
        assert_eq!(Month::containing(at), Month::new(2026, 2).unwrap());
    }
}
