//! The loop every background job runs: a round, then no pause when it found work (there may
//! be more) or `idle_pause` when it found none or failed, until the shutdown signal. The
//! publishing worker and the clip poller differ only in what a stop does to a round in
//! progress ([`OnStop`]), so that choice is a parameter rather than a second loop.
//!
//! A round logs its own failure and reports [`Round::Idle`]: its error line then keeps its
//! job's wording and its module's tracing target, which `RUST_LOG` filters name.

use std::future::Future;
use std::time::Duration;

/// What a round found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Round {
    /// It had work: the next round starts at once.
    Busy,
    /// Nothing was due, or the round failed: the next one waits `idle_pause`.
    Idle,
}

/// What a stop does to the round in progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnStop {
    /// The round finishes first: the publishing worker, so an orderly stop abandons no
    /// claimed post (the supervisor's grace period still bounds it).
    FinishRound,
    /// The round is dropped at once: the clip poller, whose provider waits and retries can
    /// take minutes; its claimed projects' leases run out and a later round follows them.
    CancelRound,
}

/// Runs `round` until `shutdown` resolves. Returns once the stop is done: after the round in
/// progress ([`OnStop::FinishRound`]) or at once ([`OnStop::CancelRound`]), and at once from a
/// pause either way.
pub async fn run_rounds<F, R>(
    shutdown: impl Future<Output = ()>,
    idle_pause: Duration,
    on_stop: OnStop,
    mut round: F,
) where
    F: FnMut() -> R,
    R: Future<Output = Round>,
{
    tokio::pin!(shutdown);
    loop {
        let found = match on_stop {
            OnStop::FinishRound => round().await,
            OnStop::CancelRound => tokio::select! {
                _ = &mut shutdown => break,
                found = round() => found,
            },
        };
        let pause = match found {
            Round::Busy => Duration::ZERO,
            Round::Idle => idle_pause,
        };
        tokio::select! {
            _ = &mut shutdown => break,
            _ = tokio::time::sleep(pause) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use tokio::sync::Notify;

    use super::*;

    /// Whether a round during which the stop is asked for (it asks, then works on) finished.
    async fn round_finished_after_a_stop(on_stop: OnStop) -> bool {
        let stop = Arc::new(Notify::new());
        let finished = Arc::new(AtomicBool::new(false));
        let shutdown = {
            let stop = stop.clone();
            async move { stop.notified().await }
        };
        let round = {
            let (stop, finished) = (stop.clone(), finished.clone());
            move || {
                let (stop, finished) = (stop.clone(), finished.clone());
                async move {
                    stop.notify_one();
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    finished.store(true, Ordering::SeqCst);
                    Round::Idle
                }
            }
        };
        let run = run_rounds(shutdown, Duration::from_secs(3600), on_stop, round);
        tokio::time::timeout(Duration::from_secs(5), run)
            .await
            .expect("the loop stops");
        finished.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn a_stop_lets_the_round_finish_or_cancels_it() {
        assert!(round_finished_after_a_stop(OnStop::FinishRound).await);
        assert!(!round_finished_after_a_stop(OnStop::CancelRound).await);
    }

    #[tokio::test]
    async fn busy_rounds_follow_at_once_and_idle_ones_pause() {
        let rounds = Arc::new(AtomicUsize::new(0));
        let count = rounds.clone();
        let round = move || {
            let n = count.fetch_add(1, Ordering::SeqCst);
            async move { if n < 3 { Round::Busy } else { Round::Idle } }
        };
        let shutdown = tokio::time::sleep(Duration::from_millis(200));
        run_rounds(
            shutdown,
            Duration::from_secs(3600),
            OnStop::FinishRound,
            round,
        )
        .await;
        // Three busy rounds, then one idle round whose pause the stop cut short.
        assert_eq!(rounds.load(Ordering::SeqCst), 4);
    }
}
