//! Readiness: whether this process can serve, as load balancers ask (`GET /readyz`). Ready
//! means the database answers and every migration this binary knows is applied; migrations
//! only a newer release knows are tolerated (expand-only during a rolling deploy) and listed.

use renum_db::{Db, migrate};

/// What the readiness probe found.
pub enum Readiness {
    Ready { newer_migrations: Vec<i64> },
    MigrationsPending { newer_migrations: Vec<i64> },
    DatabaseUnreachable,
}

pub async fn readiness(db: &Db) -> Readiness {
    match migrate::status(db).await {
        Ok(statuses) => {
            let newer_migrations = migrate::newer(&statuses);
            if migrate::is_current(&statuses) {
                Readiness::Ready { newer_migrations }
            } else {
                Readiness::MigrationsPending { newer_migrations }
            }
        }
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            Readiness::DatabaseUnreachable
        }
    }
}
