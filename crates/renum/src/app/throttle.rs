//! Sign-in and sign-up throttling.
//!
//! Two layers: a per-IP token bucket in memory (governor), which slows any one client; and a
//! per-account rule read from the `auth_events` trail in the database, so it holds across every
//! server process. The account rule counts failures per (account, IP) over a short window and
//! per account over a longer one: one attacker cannot guess at speed, and cannot lock the
//! real user out from the user's own address; a distributed attack that trips the account-wide
//! limit locks it only until the window passes once the attack stops, never forever.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use renum_db::models::SigninFailure;
use renum_db::sql_types::Timestamp;

use super::AppError;

/// A per-IP token bucket.
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

    pub fn check(&self, ip: IpAddr) -> Result<(), AppError> {
        // Forget idle addresses now and then so the map stays bounded.
        if self.limiter.len() > 100_000 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&ip)
            .map_err(|not_until| AppError::TooManyRequests {
                retry_after: not_until.wait_time_from(DefaultClock::default().now()),
            })
    }
}

/// The per-account rule.
#[derive(Clone, Debug)]
pub struct AccountPolicy {
    pub per_ip_failures: usize,
    pub per_ip_window: Duration,
    pub total_failures: usize,
    pub total_window: Duration,
}

impl Default for AccountPolicy {
    fn default() -> Self {
        Self {
            per_ip_failures: 5,
            per_ip_window: Duration::from_secs(15 * 60),
            total_failures: 100,
            total_window: Duration::from_secs(60 * 60),
        }
    }
}

impl AccountPolicy {
    /// How far back, and how many rows, the failure query must read.
    pub fn lookback(&self) -> (Duration, i64) {
        (
            self.per_ip_window.max(self.total_window),
            self.total_failures as i64 + 1,
        )
    }

    /// Refuses the attempt when either limit is reached; `failures` are newest first.
    pub fn check(
        &self,
        failures: &[SigninFailure],
        ip: &str,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let now = now.as_datetime();
        let since =
            |window: Duration| now - chrono::Duration::from_std(window).expect("small window");
        let from_ip: Vec<_> = failures
            .iter()
            .filter(|f| {
                f.ip.as_deref() == Some(ip)
                    && f.created_at.as_datetime() > since(self.per_ip_window)
            })
            .collect();
        let all: Vec<_> = failures
            .iter()
            .filter(|f| f.created_at.as_datetime() > since(self.total_window))
            .collect();
        let blocked_until = [
            (from_ip.len() >= self.per_ip_failures).then(|| {
                from_ip[self.per_ip_failures - 1].created_at.as_datetime()
                    + chrono::Duration::from_std(self.per_ip_window).expect("small window")
            }),
            (all.len() >= self.total_failures).then(|| {
                all[self.total_failures - 1].created_at.as_datetime()
                    + chrono::Duration::from_std(self.total_window).expect("small window")
            }),
        ]
        .into_iter()
        .flatten()
        .max();
        match blocked_until {
            Some(until) => Err(AppError::TooManyRequests {
                retry_after: (until - now)
                    .to_std()
                    .unwrap_or(Duration::from_secs(1))
                    .max(Duration::from_secs(1)),
            }),
            None => Ok(()),
        }
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

    #[test]
    fn five_recent_failures_from_one_ip_block_that_ip_only() {
        let policy = AccountPolicy::default();
        let failures: Vec<_> = (0..5).map(|i| failure(60 * i, "10.0.0.1")).collect();
        let err = policy
            .check(&failures, "10.0.0.1", Timestamp::now())
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
                .check(&failures, "10.0.0.2", Timestamp::now())
                .is_ok(),
            "the owner's own address still works"
        );
    }

    #[test]
    fn failures_older_than_the_window_do_not_count() {
        let policy = AccountPolicy::default();
        let failures: Vec<_> = (0..5).map(|i| failure(16 * 60 + i, "10.0.0.1")).collect();
        assert!(
            policy
                .check(&failures, "10.0.0.1", Timestamp::now())
                .is_ok()
        );
    }

    #[test]
    fn a_distributed_attack_trips_the_account_limit_for_a_bounded_time() {
        let policy = AccountPolicy {
            total_failures: 3,
            ..AccountPolicy::default()
        };
        let failures = vec![
            failure(10, "1.1.1.1"),
            failure(20, "2.2.2.2"),
            failure(30, "3.3.3.3"),
        ];
        let err = policy
            .check(&failures, "9.9.9.9", Timestamp::now())
            .unwrap_err();
        let AppError::TooManyRequests { retry_after } = err else {
            panic!("{err:?}")
        };
        assert!(
            retry_after <= Duration::from_secs(3600),
            "never forever: {retry_after:?}"
        );
    }

    #[test]
    fn the_ip_bucket_refuses_past_its_burst() {
        let limiter = IpLimiter::new(1, 2);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(limiter.check(ip).is_ok());
        assert!(limiter.check(ip).is_ok());
        assert!(matches!(
            limiter.check(ip),
            Err(AppError::TooManyRequests { .. })
        ));
        assert!(
            limiter.check("127.0.0.2".parse().unwrap()).is_ok(),
            "per address"
        );
    }
}
