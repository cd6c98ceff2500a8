//! PostgreSQL's announcements of changed sessions, users and organizations (the
//! `*_auth_changed` triggers), for the servers' session caches. SQLite has none: one process
//! owns the database, so there is nothing to hear from.

use sqlx::postgres::{PgListener, PgPoolOptions};

use crate::catalogue::postgres_only::auth_changes::{CHANNEL, HEARTBEAT};
use crate::db::Db;
use crate::error::Result;

/// A connection listening on the channel, opened with the pool's settings.
pub struct AuthChanges {
    listener: PgListener,
}

impl AuthChanges {
    /// Starts listening; `None` on SQLite. Notifications committed before this returns are
    /// not heard.
    pub async fn listen(db: &Db) -> Result<Option<AuthChanges>> {
        let Db::Postgres(pool) = db else {
            return Ok(None);
        };
        // A connection of its own, outside the pool it would otherwise hold a slot of.
        let own = PgPoolOptions::new()
            .max_connections(1)
            .max_lifetime(None)
            .idle_timeout(None)
            .connect_with((*pool.connect_options()).clone())
            .await?;
        let mut listener = PgListener::connect_with(&own).await?;
        listener.ignore_pool_close_event(true);
        // A lost connection ends this listener: the caller reconnects knowing it missed some.
        listener.eager_reconnect(false);
        listener.listen(CHANNEL).await?;
        Ok(Some(AuthChanges { listener }))
    }

    /// The next payload: a changed row's id, or a heartbeat. `None` when the connection was
    /// lost (notifications may have been missed).
    pub async fn next(&mut self) -> Result<Option<String>> {
        Ok(self
            .listener
            .try_recv()
            .await?
            .map(|n| n.payload().to_owned()))
    }

    /// Sends `payload` on the channel through the pool; every listener hears it after the
    /// changes committed before it.
    pub async fn heartbeat(db: &Db, payload: &str) -> Result<()> {
        if let Db::Postgres(pool) = db {
            sqlx::query(HEARTBEAT).bind(payload).execute(pool).await?;
        }
        Ok(())
    }
}
