//! The per-key rate limiter, shared by every task of the process.
//!
//! OpusClip allows a quota of requests per window per API key (30 a minute). The limiter is a
//! governor GCRA bucket per key (keyed by the key's SHA-256, so no plaintext key sits in the
//! map), sized so that **no sliding window ever holds more than the quota**: a burst of
//! `b = max(1, quota / 3)` then one request per `window / (quota - b)`, hence at most
//! `b + (quota - b) = quota` in any window. Every client built with the same quota gets the
//! same limiter from a process-wide registry, so tasks and clients never add up past it.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};

/// Requests allowed per window per key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RateQuota {
    pub requests: NonZeroU32,
    pub window: Duration,
}

impl RateQuota {
    /// OpusClip's published limit: 30 requests a minute per key.
    pub const OPUSCLIP: RateQuota = RateQuota {
        requests: NonZeroU32::new(30).expect("30 is non-zero"),
        window: Duration::from_secs(60),
    };

    pub fn new(requests: u32, window: Duration) -> RateQuota {
        RateQuota {
            requests: NonZeroU32::new(requests.max(1)).expect("max(1) is non-zero"),
            window: window.max(Duration::from_millis(1)),
        }
    }

    /// The burst and the replenish period of a bucket that never exceeds the quota.
    fn bucket(&self) -> Quota {
        let n = self.requests.get();
        let burst = (n / 3).max(1);
        let refill = (n - burst).max(1);
        let period = self.window / refill;
        Quota::with_period(period.max(Duration::from_nanos(1)))
            .expect("the period is non-zero")
            .allow_burst(NonZeroU32::new(burst).expect("max(1) is non-zero"))
    }
}

pub struct KeyLimiter {
    buckets: DefaultKeyedRateLimiter<[u8; 32]>,
}

impl KeyLimiter {
    /// The process-wide limiter of this quota.
    pub fn shared(quota: RateQuota) -> Arc<KeyLimiter> {
        static REGISTRY: OnceLock<Mutex<HashMap<RateQuota, Arc<KeyLimiter>>>> = OnceLock::new();
        let mut registry = REGISTRY
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        registry
            .entry(quota)
            .or_insert_with(|| {
                Arc::new(KeyLimiter {
                    buckets: RateLimiter::keyed(quota.bucket()),
                })
            })
            .clone()
    }

    /// Waits until `key` may send one more request, and takes that slot.
    pub async fn acquire(&self, key: &str) {
        let id: [u8; 32] = Sha256::digest(key.as_bytes()).into();
        self.buckets.until_key_ready(&id).await;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[tokio::test]
    async fn no_window_holds_more_than_the_quota() {
        let quota = RateQuota::new(9, Duration::from_millis(300));
        let limiter = KeyLimiter::shared(quota);
        let start = Instant::now();
        let mut at = Vec::new();
        for _ in 0..25 {
            limiter.acquire("test-no-window-key").await;
            at.push(start.elapsed());
        }
        for (i, t) in at.iter().enumerate() {
            let in_window = at[i..]
                .iter()
                .filter(|u| u.saturating_sub(*t) < quota.window)
                .count();
            assert!(
                in_window <= 9,
                "{in_window} requests within a window from {t:?}"
            );
        }
        // Another key has its own bucket.
        let other = Instant::now();
        limiter.acquire("test-no-window-other").await;
        assert!(other.elapsed() < Duration::from_millis(50));
    }
}
