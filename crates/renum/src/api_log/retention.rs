//! How long API logs are kept (`RENUM_LOG_RETENTION`, default 90 days) and the maintenance
//! the server runs at start and daily: create the coming months' partitions, purge the past,
//! and apply the audit trail's retention (`RENUM_AUDIT_RETENTION`, default 365 days;
//! `app::audit`). The database work itself is `renum_db::retention`.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use renum_db::Db;
use renum_db::retention::{self, CreatedPartition, PurgeProgress, PurgeReport};
use renum_db::sql_types::Timestamp;

use crate::app::audit::{self, AuditRetention};

/// The default retention window, as `RENUM_LOG_RETENTION` spells it.
pub const DEFAULT_WINDOW: &str = "90d";
/// The audit trail's default window, as `RENUM_AUDIT_RETENTION` spells it.
pub const DEFAULT_AUDIT_WINDOW: &str = "365d";
/// Months of partitions created ahead of the current one.
pub const DEFAULT_MONTHS_AHEAD: u32 = 3;
/// Rows per DELETE of a purge: small enough that each transaction is short.
pub const DEFAULT_PURGE_BATCH: i64 = 10_000;

/// A retention window: a positive whole number and a unit, `s`, `m`, `h`, `d` or `w`
/// (`90d`, `12h`, `2w`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window(Duration);

impl Window {
    pub fn duration(self) -> Duration {
        self.0
    }

    /// Rows created before this instant are past the window.
    pub fn cutoff(self, now: Timestamp) -> Timestamp {
        let window = chrono::Duration::from_std(self.0).unwrap_or(chrono::Duration::MAX);
        now.as_datetime()
            .checked_sub_signed(window)
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC)
            .into()
    }
}

/// Why a window did not parse; the message names the accepted form.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid retention window {0:?}: expected a positive number and a unit s, m, h, d or w (e.g. 90d, 12h)"
)]
pub struct InvalidWindow(String);

impl FromStr for Window {
    type Err = InvalidWindow;

    fn from_str(s: &str) -> Result<Window, InvalidWindow> {
        let invalid = || InvalidWindow(s.to_owned());
        let text = s.trim();
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(invalid)?;
        let (number, unit) = text.split_at(split);
        let number: u64 = number.parse().map_err(|_| invalid())?;
        let seconds_per_unit = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3_600,
            "d" => 86_400,
            "w" => 604_800,
            _ => return Err(invalid()),
        };
        let seconds = number
            .checked_mul(seconds_per_unit)
            .filter(|&s| s > 0 && s <= MAX_WINDOW_SECONDS)
            .ok_or_else(invalid)?;
        Ok(Window(Duration::from_secs(seconds)))
    }
}

/// 100 years: beyond it a window is a typo, and chrono's arithmetic stays far from its limits.
const MAX_WINDOW_SECONDS: u64 = 100 * 366 * 86_400;

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.as_secs();
        match [(604_800, "w"), (86_400, "d"), (3_600, "h"), (60, "m")]
            .into_iter()
            .find(|(unit, _)| secs.is_multiple_of(*unit))
        {
            Some((unit, suffix)) => write!(f, "{}{suffix}", secs / unit),
            None => write!(f, "{secs}s"),
        }
    }
}

impl Default for Window {
    fn default() -> Self {
        DEFAULT_WINDOW.parse().expect("the default window parses")
    }
}

/// What the server's daily maintenance applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetentionConfig {
    pub window: Window,
    pub months_ahead: u32,
    pub purge_batch: i64,
    /// How long `auth_events` rows are kept.
    pub audit_window: Window,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            window: Window::default(),
            months_ahead: DEFAULT_MONTHS_AHEAD,
            purge_batch: DEFAULT_PURGE_BATCH,
            audit_window: DEFAULT_AUDIT_WINDOW
                .parse()
                .expect("the default window parses"),
        }
    }
}

/// What one maintenance run did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Maintenance {
    pub created: Vec<CreatedPartition>,
    pub purged: PurgeReport,
    pub audit: AuditRetention,
}

/// Creates the partitions of this month and the next `months_ahead`, then purges what is past
/// the window, then applies the audit trail's retention. The server runs it at start and once
/// a day.
pub async fn maintain(
    db: &Db,
    config: &RetentionConfig,
    now: Timestamp,
) -> renum_db::Result<Maintenance> {
    let created = retention::ensure_partitions(db, now, config.months_ahead).await?;
    let purged = retention::purge(
        db,
        config.window.cutoff(now),
        config.purge_batch,
        &mut |_: PurgeProgress| {},
    )
    .await?;
    let audit =
        audit::apply_retention(db, now, config.audit_window.duration(), config.purge_batch).await?;
    Ok(Maintenance {
        created,
        purged,
        audit,
    })
}

#[cfg(test)]
mod tests {
    use renum_db::Engine;
    use renum_db::testing::TestDb;

    use super::*;

    #[test]
    fn windows_parse_from_a_number_and_a_unit() {
        let secs = |s: &str| s.parse::<Window>().unwrap().duration().as_secs();
        assert_eq!(secs("90d"), 90 * 86_400);
        assert_eq!(secs("12h"), 12 * 3_600);
        assert_eq!(secs("2w"), 14 * 86_400);
        assert_eq!(secs("30m"), 1_800);
        assert_eq!(secs(" 45s "), 45);
        assert_eq!(Window::default().to_string(), "90d");
        assert_eq!("36h".parse::<Window>().unwrap().to_string(), "36h");
        for bad in [
            "",
            "90",
            "d",
            "0d",
            "-1d",
            "1.5d",
            "90x",
            "90 d",
            "99999999999999w",
        ] {
            let err = bad.parse::<Window>().unwrap_err().to_string();
            assert!(err.contains("e.g. 90d"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn the_cutoff_is_the_window_before_now() {
        let now: Timestamp = chrono::DateTime::parse_from_rfc3339("2026-04-10T12:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc)
            .into();
        let cutoff = "10d".parse::<Window>().unwrap().cutoff(now);
        assert_eq!(cutoff.to_string(), "2026-03-31T12:00:00.000000Z");
    }

    #[tokio::test]
    async fn maintenance_creates_the_coming_partitions_on_postgres() {
        let t = TestDb::new(Engine::Postgres).await;
        let now = Timestamp::now();
        let done = maintain(&t.db, &RetentionConfig::default(), now)
            .await
            .unwrap();
        assert_eq!(done.created.len(), 1 + DEFAULT_MONTHS_AHEAD as usize);
        assert_eq!(done.purged, PurgeReport::default());
        assert_eq!(done.audit, AuditRetention::default());
        let again = maintain(&t.db, &RetentionConfig::default(), now)
            .await
            .unwrap();
        assert!(again.created.is_empty());
        t.cleanup().await;
    }
}
