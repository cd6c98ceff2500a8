//! Resumable, batched backfills: the middle step of expand/contract, filling a column that a
//! migration just added for the rows that predate it.
//!
//! A backfill visits its table in key order, a batch of keys at a time. Each batch is one
//! short transaction that updates the rows of the batch and moves the checkpoint
//! (`_renum_backfills`) past it, so a killed run resumes exactly after the last committed
//! batch and never updates a row twice. Pacing (throttle) and progress display belong to the
//! caller (`renum backfill`).

pub mod queries;

use uuid::Uuid;

use renum_db::ids::UserId;
use renum_db::sql_types::Timestamp;
use renum_db::{Db, Engine, Tx};
use renum_db::{Error, Result};

/// The backfills this binary ships.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backfill {
    /// users.email_domain from users.email (migration 20261125000002).
    UsersEmailDomain,
}

impl Backfill {
    pub const ALL: &[Backfill] = &[Backfill::UsersEmailDomain];

    pub fn name(self) -> &'static str {
        match self {
            Backfill::UsersEmailDomain => "users_email_domain",
        }
    }

    pub fn about(self) -> &'static str {
        match self {
            Backfill::UsersEmailDomain => "users.email_domain from the email (after '@')",
        }
    }

    pub fn from_name(name: &str) -> Option<Backfill> {
        Self::ALL.iter().copied().find(|b| b.name() == name)
    }
}

/// Where a backfill stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The last key of the last committed batch; `None` before the first.
    pub last_key: Option<String>,
    pub rows_done: i64,
    pub finished: bool,
}

/// One committed batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    pub last_key: String,
    /// Rows the batch changed.
    pub rows: u64,
}

/// Runs `$body` with `$x` bound to what the `Db` or `Tx` holds for its engine (a pool, a
/// transaction). The body is compiled once per engine, so it is written once: renum-db's
/// `on_engine!` for the backfill, whose SQL is its own catalogue (`queries`) and whose one
/// engine-specific statement is picked by `Engine` beforehand.
macro_rules! per_engine {
    ($value:expr, $holder:ident, |$x:ident| $body:expr) => {
        match $value {
            $holder::Postgres($x) => $body,
            $holder::Sqlite($x) => $body,
        }
    };
}

/// The checkpoint, if the backfill ever started (read only: dry runs use it).
pub async fn checkpoint(db: &Db, b: Backfill) -> Result<Option<Checkpoint>> {
    let row: Option<(Option<String>, i64, Option<Timestamp>)> = per_engine!(db, Db, |pool| {
        sqlx::query_as(queries::checkpoint::GET)
            .bind(b.name())
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(|(last_key, rows_done, finished_at)| Checkpoint {
        last_key,
        rows_done,
        finished: finished_at.is_some(),
    }))
}

/// Creates the empty checkpoint of a first run (no-op when it exists).
pub async fn start(db: &Db, b: Backfill) -> Result<()> {
    mark(db, b, queries::checkpoint::START).await
}

/// Marks the backfill finished (a later run finds nothing left and says so).
pub async fn finish(db: &Db, b: Backfill) -> Result<()> {
    mark(db, b, queries::checkpoint::FINISH).await
}

/// Runs a checkpoint statement that takes the backfill's name and the time.
async fn mark(db: &Db, b: Backfill, sql: &'static str) -> Result<()> {
    let now = Timestamp::now();
    per_engine!(db, Db, |pool| {
        sqlx::query(sql)
            .bind(b.name())
            .bind(now)
            .execute(pool)
            .await
            .map(drop)?
    });
    Ok(())
}

/// Keys left to visit after the checkpoint (for a progress bar).
pub async fn remaining(db: &Db, b: Backfill, after: Option<&str>) -> Result<i64> {
    let Backfill::UsersEmailDomain = b;
    let after = user_key(after)?;
    let sql = queries::users_email_domain::REMAINING;
    Ok(per_engine!(db, Db, |pool| {
        sqlx::query_scalar(sql).bind(after).fetch_one(pool).await?
    }))
}

/// Rows the backfill would change (what a dry run reports).
pub async fn pending(db: &Db, b: Backfill) -> Result<i64> {
    let Backfill::UsersEmailDomain = b;
    let sql = queries::users_email_domain::PENDING;
    Ok(per_engine!(db, Db, |pool| {
        sqlx::query_scalar(sql).fetch_one(pool).await?
    }))
}

/// Fills the next `size` keys after `after` and moves the checkpoint, in one transaction;
/// `None` when no key is left.
pub async fn next_batch(
    db: &Db,
    b: Backfill,
    after: Option<&str>,
    size: i64,
) -> Result<Option<Batch>> {
    let Backfill::UsersEmailDomain = b;
    use queries::checkpoint as cp;
    use queries::users_email_domain as q;
    let after = user_key(after)?;
    let now = Timestamp::now();
    let apply = match db.engine() {
        Engine::Postgres => q::apply::POSTGRES,
        Engine::Sqlite => q::apply::SQLITE,
    };
    let mut tx = db.begin().await?;
    let batch = per_engine!(&mut tx, Tx, |tx| {
        let end: Option<UserId> = sqlx::query_scalar(q::BATCH_END)
            .bind(after)
            .bind(size)
            .fetch_optional(&mut **tx)
            .await?;
        match end {
            None => None,
            Some(end) => {
                let rows = sqlx::query(apply)
                    .bind(after)
                    .bind(end)
                    .execute(&mut **tx)
                    .await?
                    .rows_affected();
                let key = end.to_string();
                sqlx::query(cp::SAVE)
                    .bind(b.name())
                    .bind(&key)
                    .bind(
                        i64::try_from(rows).expect("a batch changes at most `size` (an i64) rows"),
                    )
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
                Some(Batch {
                    last_key: key,
                    rows,
                })
            }
        }
    });
    tx.commit().await?;
    Ok(batch)
}

/// The checkpoint's key as a users key; before the first batch, the nil UUID (below every
/// UUIDv7, in both engines' order).
fn user_key(after: Option<&str>) -> Result<UserId> {
    match after {
        None => Ok(UserId(Uuid::nil())),
        Some(k) => k
            .parse()
            .map_err(|e| Error::Config(format!("corrupt backfill checkpoint key {k:?}: {e}"))),
    }
}
