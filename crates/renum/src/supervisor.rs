//! One supervisor per process (`serve`, `worker`). Its tasks share one shutdown signal; a task
//! that stops on its own is logged by name and takes the process down with a non-zero exit
//! (a server whose scheduler died must not go on answering as if it were whole); and a stop
//! is bounded, so a process manager's SIGKILL after its grace period finds the work done.
//!
//! A stop has two phases within the grace period (`--shutdown-grace`): the tasks (the HTTP
//! drain, the scheduler's current round, the poller) get all of it but a reserve, after which
//! the ones still running are aborted; the reserve is then the API log flush's
//! ([`Stopped::remaining`]), so the records of every answered request are written last.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

/// The longest share of the grace period kept back for the API log flush.
const MAX_FLUSH_RESERVE: Duration = Duration::from_secs(5);

/// The shutdown signal as a task sees it. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
    /// Resolves once a stop has begun (at once if it already has).
    pub async fn requested(mut self) {
        // An error means the supervisor is gone: nothing is left to wait for.
        let _ = self.0.wait_for(|stopping| *stopping).await;
    }
}

/// Named tasks under one shutdown signal.
pub struct Supervisor {
    trigger: watch::Sender<bool>,
    tasks: JoinSet<(&'static str, anyhow::Result<()>)>,
}

/// How a supervised run ended.
pub struct Stopped {
    /// When the stop began; the grace period counts from here.
    began: Instant,
    grace: Duration,
    /// The task that stopped on its own, and why; `None` after a signal.
    early_exit: Option<anyhow::Error>,
}

impl Stopped {
    /// What is left of the grace period (for the API log flush).
    pub fn remaining(&self) -> Duration {
        (self.began + self.grace).saturating_duration_since(Instant::now())
    }

    /// The stop's last steps, in what is left of the grace period: `flush` (the API log
    /// queue, whose records every answered request has queued by now), then closing `db`'s
    /// pool (a request aborted at the deadline may still hold a connection). `Ok(None)` when
    /// the flush ran out of time; `Err` naming the task when one stopped on its own.
    pub async fn finish<T>(
        self,
        flush: impl Future<Output = T>,
        db: &renum_db::Db,
    ) -> anyhow::Result<Option<T>> {
        let budget = self.remaining();
        let flushed = tokio::time::timeout(budget, flush).await.ok();
        if flushed.is_none() {
            tracing::error!(
                ?budget,
                "the API log queue was not flushed within the shutdown grace period"
            );
        }
        let _ = tokio::time::timeout(self.remaining(), db.close()).await;
        self.early_exit.map_or(Ok(flushed), Err)
    }
}

impl Default for Supervisor {
    fn default() -> Self {
        Self::new()
    }
}

impl Supervisor {
    pub fn new() -> Self {
        Self {
            trigger: watch::channel(false).0,
            tasks: JoinSet::new(),
        }
    }

    /// The signal to hand a task.
    pub fn shutdown(&self) -> Shutdown {
        Shutdown(self.trigger.subscribe())
    }

    /// Runs `task` under `name`. It should return only once [`Shutdown::requested`] has
    /// resolved; returning earlier (even with `Ok`) stops the process.
    pub fn spawn<F>(&mut self, name: &'static str, task: F)
    where
        F: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        self.tasks.spawn(async move { (name, task.await) });
    }

    /// Runs until `signal` resolves or a task stops on its own, then asks every task to stop
    /// and waits for them for `grace` less the flush reserve, aborting the rest.
    pub async fn run(mut self, signal: impl Future<Output = ()>, grace: Duration) -> Stopped {
        let early_exit = tokio::select! {
            () = signal => None,
            Some(joined) = self.tasks.join_next() => Some(early_exit(joined)),
        };
        let began = Instant::now();
        let _ = self.trigger.send(true);
        let reserve = (grace / 4).min(MAX_FLUSH_RESERVE);
        let tasks_deadline = began + grace.saturating_sub(reserve);
        loop {
            match tokio::time::timeout_at(tasks_deadline, self.tasks.join_next()).await {
                Ok(None) => break,
                Ok(Some(joined)) => log_stopped(joined),
                Err(_) => {
                    tracing::warn!(
                        tasks = self.tasks.len(),
                        "tasks still running at the end of the shutdown grace period; aborting them"
                    );
                    self.tasks.abort_all();
                    while self.tasks.join_next().await.is_some() {}
                    break;
                }
            }
        }
        Stopped {
            began,
            grace,
            early_exit,
        }
    }
}

type Joined = Result<(&'static str, anyhow::Result<()>), tokio::task::JoinError>;

/// A task that returned (or panicked) before any stop was asked for.
fn early_exit(joined: Joined) -> anyhow::Error {
    let err = match joined {
        Ok((name, Ok(()))) => anyhow::anyhow!("{name} stopped on its own"),
        Ok((name, Err(err))) => err.context(format!("{name} failed")),
        Err(err) => anyhow::anyhow!("a task panicked: {err}"),
    };
    tracing::error!(error = %format!("{err:#}"), "a task stopped early; shutting down");
    err
}

/// A task that stopped after the stop was asked for: an error is still worth a line.
fn log_stopped(joined: Joined) {
    match joined {
        Ok((name, Ok(()))) => tracing::debug!(task = name, "stopped"),
        Ok((name, Err(err))) => {
            tracing::error!(task = name, error = %format!("{err:#}"), "failed while stopping");
        }
        Err(err) => tracing::error!(error = %err, "a task panicked while stopping"),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;

    async fn db() -> renum_db::Db {
        renum_db::Db::connect("sqlite::memory:").await.unwrap()
    }

    /// A task that stops when asked and says it did.
    fn polite(
        sup: &Supervisor,
        stopped: &Arc<AtomicBool>,
    ) -> impl Future<Output = anyhow::Result<()>> + use<> {
        let shutdown = sup.shutdown();
        let stopped = stopped.clone();
        async move {
            shutdown.requested().await;
            stopped.store(true, Ordering::SeqCst);
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_signal_stops_every_task_and_the_run_succeeds() {
        let mut sup = Supervisor::new();
        let stopped = [
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicBool::new(false)),
        ];
        sup.spawn("a", polite(&sup, &stopped[0]));
        sup.spawn("b", polite(&sup, &stopped[1]));
        let run = sup.run(
            tokio::time::sleep(Duration::from_millis(20)),
            Duration::from_secs(5),
        );
        let result = tokio::time::timeout(Duration::from_secs(5), run)
            .await
            .unwrap();
        assert!(stopped.iter().all(|s| s.load(Ordering::SeqCst)));
        let flushed = result.finish(async { "flushed" }, &db().await).await;
        assert_eq!(flushed.unwrap(), Some("flushed"));
    }

    #[tokio::test]
    async fn a_task_that_stops_on_its_own_is_named_and_stops_the_others() {
        let mut sup = Supervisor::new();
        let stopped = Arc::new(AtomicBool::new(false));
        sup.spawn("the scheduler", polite(&sup, &stopped));
        sup.spawn("the clip poller", async {
            anyhow::bail!("lost its database")
        });
        let never = std::future::pending::<()>();
        let run = sup.run(never, Duration::from_secs(5));
        let result = tokio::time::timeout(Duration::from_secs(5), run)
            .await
            .unwrap();
        let err = format!(
            "{:#}",
            result.finish(async {}, &db().await).await.unwrap_err()
        );
        assert!(err.contains("the clip poller failed"), "{err}");
        assert!(err.contains("lost its database"), "{err}");
        assert!(
            stopped.load(Ordering::SeqCst),
            "the other task was asked to stop"
        );

        let mut sup = Supervisor::new();
        sup.spawn("the HTTP server", async { Ok(()) });
        let result = sup
            .run(std::future::pending(), Duration::from_secs(5))
            .await;
        let err = result
            .finish(async {}, &db().await)
            .await
            .unwrap_err()
            .to_string();
        assert_eq!(err, "the HTTP server stopped on its own");
    }

    #[tokio::test]
    async fn a_task_that_ignores_the_stop_is_aborted_and_leaves_the_reserve_for_the_flush() {
        let mut sup = Supervisor::new();
        sup.spawn("stubborn", async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(())
        });
        let grace = Duration::from_millis(800);
        let started = Instant::now();
        let stopped = sup.run(async {}, grace).await;
        let took = started.elapsed();
        // The tasks get the grace period less a quarter of it (the flush reserve).
        assert!(took >= Duration::from_millis(550), "{took:?}");
        assert!(took < Duration::from_millis(790), "{took:?}");
        let left = stopped.remaining();
        assert!(
            left > Duration::ZERO && left <= Duration::from_millis(250),
            "{left:?}"
        );
        // A flush that outlasts the reserve is given up, and the stop is still orderly.
        let flush = tokio::time::sleep(Duration::from_secs(3600));
        let started = Instant::now();
        let flushed = stopped.finish(flush, &db().await).await;
        assert_eq!(
            flushed.unwrap(),
            None,
            "a signalled stop is not an early exit"
        );
        assert!(started.elapsed() < Duration::from_millis(400));
    }
}
