//! Sign-in and sign-up throttling.
//!
//! Two layers: a per-source token bucket in memory (governor), which slows any one client; and
//! a per-account rule read from the `auth_events` trail in the database, so it holds across
//! every server process. A *source* is an IPv4 address or an IPv6 /64 ([`source_of`]): one
//! IPv6 subscriber holds a whole /64, so keying on full addresses would hand an attacker
//! endless buckets.
//!
//! The account rule counts failures per (account, source) over a short window, which refuses
//! that source only; and per account over a longer one, past which the account is *slowed*
//! (one attempt per interval) for sources it has never signed in from. An attacker with many
//! addresses can therefore neither guess at speed nor lock the real user out: the sources the
//! user has live sessions from are exempt from the account-wide ceiling, and everyone else
//! waits seconds, never until the attack stops.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use renum_db::models::SigninFailure;
use renum_db::sql_types::Timestamp;

use super::AppError;

/// The unit the throttles count by: an IPv4 address (an IPv4-mapped IPv6 address counts as
/// its IPv4 address), or the /64 network of an IPv6 address.
pub fn source_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !((1u128 << 64) - 1))),
        },
    }
}

/// A per-source token bucket.
pub struct IpLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
}

impl IpLimiter {
    /// `per_minute` sustained, bursts of `burst`.
    pub fn new(per_minute: u32, burst: u32) -> Self {
        let quota =
            Quota::per_minute(NonZeroU32::new(per_minute.max(1)).expect("max(1) is non-zero"))
                .allow_burst(NonZeroU32::new(burst.max(1)).expect("max(1) is non-zero"));
        Self {
            limiter: RateLimiter::keyed(quota),
        }
    }

    /// Takes one token from `ip`'s source, or says how long until one is free.
    pub fn check(&self, ip: IpAddr) -> Result<(), AppError> {
        // Forget idle sources now and then so the map stays bounded.
        if self.limiter.len() > 100_000 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&source_of(ip))
            .map_err(|not_until| AppError::TooManyRequests {
                retry_after: not_until.wait_time_from(DefaultClock::default().now()),
            })
    }
}

/// A token bucket per key, for throttles of something other than a source: a password reset
/// per email address (known or not), a password change per user.
pub struct KeyLimiter<K: std::hash::Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
}

impl<K: std::hash::Hash + Eq + Clone> KeyLimiter<K> {
    /// `per_hour` sustained, bursts of `burst`.
    pub fn per_hour(per_hour: u32, burst: u32) -> Self {
        let quota = Quota::per_hour(NonZeroU32::new(per_hour.max(1)).expect("max(1) is non-zero"))
            .allow_burst(NonZeroU32::new(burst.max(1)).expect("max(1) is non-zero"));
        Self {
            limiter: RateLimiter::keyed(quota),
        }
    }

    /// Takes one token from `key`'s bucket, or says how long until one is free.
    pub fn check(&self, key: &K) -> Result<(), AppError> {
        if self.limiter.len() > 100_000 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(key)
            .map_err(|not_until| AppError::TooManyRequests {
                retry_after: not_until.wait_time_from(DefaultClock::default().now()),
            })
    }
}

/// The per-account rule.
#[derive(Clone, Debug)]
pub struct AccountPolicy {
    /// Failures of one account from one source within `per_source_window` that refuse that
    /// source until the oldest of them leaves the window.
    pub per_source_failures: usize,
    pub per_source_window: Duration,
    /// Failures of one account from anywhere within `total_window` past which the account is
    /// slowed for sources without a live session of its user.
    pub total_failures: usize,
    pub total_window: Duration,
    /// While slowed, one attempt per this interval (from all unknown sources together).
    pub slowed_interval: Duration,
}

impl Default for AccountPolicy {
    fn default() -> Self {
        Self {
            per_source_failures: 5,
            per_source_window: Duration::from_secs(15 * 60),
            total_failures: 100,
            total_window: Duration::from_secs(60 * 60),
            slowed_interval: Duration::from_secs(30),
        }
    }
}

impl AccountPolicy {
    /// How far back, and how many rows, the failure query must read.
    pub fn lookback(&self) -> (Duration, i64) {
        (
            self.per_source_window.max(self.total_window),
            i64::try_from(self.per_source_failures.max(self.total_failures))
                .unwrap_or(i64::MAX)
                .saturating_add(1),
        )
    }

    /// Refuses the attempt when the source of `ip` has used up its failures for this account;
    /// `failures` are newest first.
    pub fn check_source(
        &self,
        failures: &[SigninFailure],
        ip: Option<IpAddr>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let now = now.as_datetime();
        let source = ip.map(source_of);
        let since = now - chrono_duration(self.per_source_window);
        let from_source: Vec<_> = failures
            .iter()
            .filter(|f| f.created_at.as_datetime() > since && failure_source(f) == source)
            .collect();
        if from_source.len() < self.per_source_failures.max(1) {
            return Ok(());
        }
        let until = from_source[self.per_source_failures.max(1) - 1]
            .created_at
            .as_datetime()
            + chrono_duration(self.per_source_window);
        Err(too_many((until - now).to_std().unwrap_or_default()))
    }

    /// When the account is over its ceiling and the last attempt was less than
    /// `slowed_interval` ago: how long an unknown source must wait. `None`: go ahead.
    pub fn slowed(&self, failures: &[SigninFailure], now: Timestamp) -> Option<AppError> {
        let now = now.as_datetime();
        let since = now - chrono_duration(self.total_window);
        let recent = failures
            .iter()
            .filter(|f| f.created_at.as_datetime() > since)
            .count();
        if recent < self.total_failures.max(1) {
            return None;
        }
        let next =
            failures.first()?.created_at.as_datetime() + chrono_duration(self.slowed_interval);
        (next > now).then(|| too_many((next - now).to_std().unwrap_or_default()))
    }
}

/// The source a recorded failure came from (its stored address, parsed).
fn failure_source(f: &SigninFailure) -> Option<IpAddr> {
    f.ip.as_deref()
        .and_then(|ip| ip.parse().ok())
        .map(source_of)
}

fn chrono_duration(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// 429 with a `Retry-After` of at least a second.
fn too_many(wait: Duration) -> AppError {
    AppError::TooManyRequests {
        retry_after: wait.max(Duration::from_secs(1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(secs_ago: i64, ip: &str) -> SigninFailure {
        SigninFailure {
            created_at: (chrono::Utc::now() - chrono::Duration::seconds(secs_ago)).into(),
            ip: Some(ip.to_owned()),
        }
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn five_recent_failures_from_one_source_block_that_source_only() {
        let policy = AccountPolicy::default();
        let failures: Vec<_> = (0..5).map(|i| failure(60 * i, "10.0.0.1")).collect();
        let err = policy
            .check_source(&failures, ip("10.0.0.1"), Timestamp::now())
            .unwrap_err();
        let AppError::TooManyRequests { retry_after } = err else {
            panic!("{err:?}")
        };
        // The oldest of the five was 4 minutes ago: 11 minutes left of the 15-minute window.
        assert!(
            (650..=661).contains(&retry_after.as_secs()),
            "{retry_after:?}"
        );
        assert!(
            policy
                .check_source(&failures, ip("10.0.0.2"), Timestamp::now())
                .is_ok(),
            "the owner's own address still works"
        );
    }

    #[test]
    fn an_ipv6_source_is_its_slash_64() {
        let policy = AccountPolicy::default();
        let failures: Vec<_> = (0..5)
            .map(|i| failure(i, &format!("2001:db8:1:2::{i:x}")))
            .collect();
        let now = Timestamp::now();
        assert!(
            policy
                .check_source(&failures, ip("2001:db8:1:2:ffff::9"), now)
                .is_err(),
            "five addresses of one /64 are one source"
        );
        assert!(
            policy
                .check_source(&failures, ip("2001:db8:1:3::1"), now)
                .is_ok()
        );
        assert_eq!(
            source_of("::ffff:10.1.2.3".parse().unwrap()),
            ip("10.1.2.3").unwrap()
        );
    }

    #[test]
    fn failures_older_than_the_window_do_not_count() {
        let policy = AccountPolicy::default();
        let failures: Vec<_> = (0..5).map(|i| failure(16 * 60 + i, "10.0.0.1")).collect();
        assert!(
            policy
                .check_source(&failures, ip("10.0.0.1"), Timestamp::now())
                .is_ok()
        );
    }

    #[test]
    fn an_account_over_its_ceiling_is_slowed_not_locked() {
        let policy = AccountPolicy {
            total_failures: 3,
            ..AccountPolicy::default()
        };
        let now = Timestamp::now();
        let attack = vec![
            failure(10, "1.1.1.1"),
            failure(20, "2.2.2.2"),
            failure(30, "3.3.3.3"),
        ];
        let Some(AppError::TooManyRequests { retry_after }) = policy.slowed(&attack, now) else {
            panic!("the last attempt was 10 s ago: slowed")
        };
        assert!(
            (19..=21).contains(&retry_after.as_secs()),
            "the next attempt 30 s after the last: {retry_after:?}"
        );
        let paused: Vec<_> = (0..3).map(|i| failure(40 + i, "1.1.1.1")).collect();
        assert!(
            policy.slowed(&paused, now).is_none(),
            "over the ceiling but quiet for 30 s: one attempt may go"
        );
        assert!(
            policy.slowed(&attack[..2], now).is_none(),
            "under the ceiling"
        );
    }

    #[test]
    fn the_source_bucket_refuses_past_its_burst() {
        let limiter = IpLimiter::new(1, 2);
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_ok());
        assert!(matches!(
            limiter.check(a),
            Err(AppError::TooManyRequests { .. })
        ));
        assert!(
            limiter.check("127.0.0.2".parse().unwrap()).is_ok(),
            "per address"
        );
        let v6 = IpLimiter::new(1, 1);
        assert!(v6.check("2001:db8::1".parse().unwrap()).is_ok());
        assert!(
            v6.check("2001:db8::ffff:2".parse().unwrap()).is_err(),
            "another address of the same /64 shares its bucket"
        );
        assert!(v6.check("2001:db8:0:1::1".parse().unwrap()).is_ok());
    }
}
