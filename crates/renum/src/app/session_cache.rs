//! The process's cache of live sessions, so that a request's session check is not a second
//! round trip to PostgreSQL (docs/SECURITY.md, "Session cache").
//!
//! Every change to a sessions, users or organizations row is announced by a trigger with the
//! row's id; [`SessionCache::follow`] listens and drops the entries that name it. A hit is
//! served only while the listener is known to be current: it heard, less than [`TRUST_FOR`]
//! ago, a heartbeat this process sent, and PostgreSQL delivers notifications in commit order,
//! so every change committed before that heartbeat was sent has been heard. Otherwise (no
//! listener yet, connection lost, SQLite, which never starts one) every check goes to the
//! database, as without a cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use renum_db::auth_changes::AuthChanges;
use renum_db::models::SessionAuth;
use renum_db::{Db, Engine};
use uuid::Uuid;

/// How often this process sends itself a heartbeat through PostgreSQL.
const HEARTBEAT_EVERY: Duration = Duration::from_millis(250);
/// How long after a heartbeat was sent its echo vouches for the cache: the bound on how long
/// a change made by another process can go unheard (under the 1 s the issue allows).
const TRUST_FOR: Duration = Duration::from_millis(750);
/// Beyond this many sessions the cache starts over rather than grow.
const MAX_ENTRIES: usize = 100_000;

pub struct SessionCache {
    state: Mutex<State>,
    started: Instant,
    /// This process's heartbeat payloads start with it; other processes' are ignored.
    heartbeat_tag: String,
}

#[derive(Default)]
struct State {
    by_token_hash: HashMap<Vec<u8>, SessionAuth>,
    /// Bumped by every change heard and every reset: a check read before it is not stored.
    generation: u64,
    trusted_until: Option<Instant>,
}

impl Default for SessionCache {
    fn default() -> Self {
        Self {
            state: Mutex::default(),
            started: Instant::now(),
            heartbeat_tag: format!("hb:{}:", Uuid::new_v4().simple()),
        }
    }
}

impl SessionCache {
    /// The cached session behind `token_hash`, when the listener is current.
    pub fn get(&self, token_hash: &[u8]) -> Option<SessionAuth> {
        let state = self.state.lock().unwrap();
        if state.trusted_until.is_none_or(|t| Instant::now() >= t) {
            return None;
        }
        state.by_token_hash.get(token_hash).cloned()
    }

    /// Taken before a session is read from the database, and given back to [`Self::put`].
    pub fn generation(&self) -> u64 {
        self.state.lock().unwrap().generation
    }

    /// Keeps a session read from the database, unless a change was heard since the read
    /// began (it may be about this session) or the listener is not current.
    pub fn put(&self, read_at_generation: u64, token_hash: Vec<u8>, auth: SessionAuth) {
        let mut state = self.state.lock().unwrap();
        if state.generation != read_at_generation || state.trusted_until.is_none() {
            return;
        }
        if state.by_token_hash.len() >= MAX_ENTRIES {
            state.by_token_hash.clear();
        }
        state.by_token_hash.insert(token_hash, auth);
    }

    /// Drops every session of `id` (a session, user or organization id). Called by this
    /// process right after its own changes, so that its next request sees them without
    /// waiting for the notification.
    pub fn forget(&self, id: Uuid) {
        let mut state = self.state.lock().unwrap();
        state.generation += 1;
        state
            .by_token_hash
            .retain(|_, s| s.session_id.0 != id && s.user_id.0 != id && s.organization_id.0 != id);
    }

    /// Forgets everything and serves no hit until a heartbeat is heard again.
    fn reset(&self) {
        let mut state = self.state.lock().unwrap();
        state.generation += 1;
        state.trusted_until = None;
        state.by_token_hash.clear();
    }

    fn heard(&self, payload: &str) {
        if let Some(sent) = payload.strip_prefix(&self.heartbeat_tag) {
            if let Ok(ms) = sent.parse() {
                let until = self.started + Duration::from_millis(ms) + TRUST_FOR;
                let mut state = self.state.lock().unwrap();
                state.trusted_until = state.trusted_until.max(Some(until));
            }
        } else if let Ok(id) = Uuid::parse_str(payload) {
            self.forget(id);
        }
    }

    /// Listens to the changes for as long as the process runs (`serve` aborts it), and
    /// reconnects after a lost connection: the cache starts over then, as changes in between
    /// were missed. Returns at once on SQLite.
    pub async fn follow(self: Arc<Self>, db: Db) {
        if db.engine() == Engine::Sqlite {
            return;
        }
        tokio::join!(self.heartbeats(&db), self.listen(&db));
    }

    async fn listen(&self, db: &Db) {
        loop {
            match AuthChanges::listen(db).await {
                Ok(None) => return,
                Ok(Some(mut changes)) => {
                    // Sessions read before the LISTEN may have changed unheard.
                    self.reset();
                    self.beat(db).await;
                    loop {
                        match changes.next().await {
                            Ok(Some(payload)) => self.heard(&payload),
                            Ok(None) => break,
                            Err(err) => {
                                tracing::warn!(error = %err, "session cache: listener failed");
                                break;
                            }
                        }
                    }
                    self.reset();
                }
                Err(err) => tracing::warn!(error = %err, "session cache: cannot listen"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    async fn heartbeats(&self, db: &Db) {
        let mut every = tokio::time::interval(HEARTBEAT_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            self.beat(db).await;
        }
    }

    async fn beat(&self, db: &Db) {
        let sent = self.started.elapsed().as_millis();
        let payload = format!("{}{sent}", self.heartbeat_tag);
        if let Err(err) = AuthChanges::heartbeat(db, &payload).await {
            tracing::debug!(error = %err, "session cache: heartbeat failed");
        }
    }
}
