//! The data layer's error type: database failures are classified so callers can answer a
//! unique or check violation with a client error instead of a 500.

use sqlx::error::ErrorKind;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The row does not exist, or belongs to another organization (indistinguishable on purpose).
    #[error("not found")]
    NotFound,
    /// A UNIQUE constraint refused the write; `constraint` is its schema name on both engines.
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    /// A CHECK, NOT NULL or FOREIGN KEY constraint refused the write.
    #[error("invalid data: {constraint}")]
    Invalid { constraint: String },
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database could not be reached: connection refused or lost, pool timeout, the server
    /// shutting down or starting up, SQLite busy. Worth retrying shortly (HTTP: 503).
    #[error("database unavailable: {0}")]
    Unavailable(sqlx::Error),
    #[error("database: {0}")]
    Database(sqlx::Error),
    #[error("{0}")]
    Config(String),
}

impl Error {
    /// The constraint behind a `Conflict` or `Invalid`, for mapping to a field-level message.
    pub fn constraint(&self) -> Option<&str> {
        match self {
            Error::Conflict { constraint } | Error::Invalid { constraint } => Some(constraint),
            _ => None,
        }
    }

    /// The connection the statement ran on is gone (see [`lost_connection`]): the statement
    /// may or may not have run, and a fresh connection may well work. Only a statement that is
    /// safe to repeat may be retried on it.
    pub fn is_lost_connection(&self) -> bool {
        matches!(self, Error::Unavailable(err) if lost_connection(err))
    }
}

impl From<sqlx::Error> for Error {
    /// Also where a lost connection is noticed: every pooled connection that went idle before
    /// it becomes suspect, pinged before it is handed out (`db.rs`).
    fn from(err: sqlx::Error) -> Self {
        if lost_connection(&err) {
            crate::db::connection_lost();
            return Error::Unavailable(err);
        }
        let sqlx::Error::Database(db) = &err else {
            return match err {
                sqlx::Error::RowNotFound => Error::NotFound,
                sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => {
                    Error::Unavailable(err)
                }
                other => Error::Database(other),
            };
        };
        if unavailable(db.as_ref()) {
            return Error::Unavailable(err);
        }
        let constraint = constraint_name(db.constraint(), db.message());
        match db.kind() {
            ErrorKind::UniqueViolation => Error::Conflict { constraint },
            ErrorKind::CheckViolation
            | ErrorKind::NotNullViolation
            | ErrorKind::ForeignKeyViolation => Error::Invalid { constraint },
            // SQLite reports an ON DELETE RESTRICT refusal with the "trigger" result code.
            _ if db.message() == SQLITE_FOREIGN_KEY => Error::Invalid { constraint },
            _ => Error::Database(err),
        }
    }
}

/// A server that cannot serve right now: PostgreSQL's class 08 (connection exception) and
/// 57P01-57P03 (shutting down, crashed, starting up); SQLite's BUSY and LOCKED.
fn unavailable(db: &dyn sqlx::error::DatabaseError) -> bool {
    let code = db.code().unwrap_or_default();
    if is_postgres(db) {
        code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03")
    } else {
        matches!(code.parse::<u32>().map(|c| c & 0xff), Ok(5 | 6))
    }
}

/// The connection itself failed: an I/O error (the server closed it: a restart, a failover), a
/// crashed SQLite worker, or PostgreSQL ending the session (class 08, 57P01 terminated by an
/// administrator or a fast shutdown, 57P02 after a crash). A busy SQLite, a pool timeout or a
/// TLS handshake refused at connect is not one: the pooled connections are fine.
pub(crate) fn lost_connection(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_) | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) if is_postgres(db.as_ref()) => {
            let code = db.code().unwrap_or_default();
            code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02")
        }
        _ => false,
    }
}

fn is_postgres(db: &dyn sqlx::error::DatabaseError) -> bool {
    db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
        .is_some()
}

/// PostgreSQL names the violated constraint; SQLite only says it in the message
/// ("CHECK constraint failed: posts_status_check", "UNIQUE constraint failed: users.email").
/// SQLite's unique failures list columns, so they are mapped back to the schema's names.
fn constraint_name(pg_name: Option<&str>, message: &str) -> String {
    if let Some(name) = pg_name {
        return name.to_owned();
    }
    let detail = message
        .split_once(": ")
        .map(|(_, d)| d.trim())
        .unwrap_or(message);
    SQLITE_UNIQUE_COLUMNS
        .iter()
        .find(|(columns, _)| *columns == detail)
        .map(|(_, name)| (*name).to_owned())
        .unwrap_or_else(|| detail.to_owned())
}

const SQLITE_FOREIGN_KEY: &str = "FOREIGN KEY constraint failed";

/// SQLite's "UNIQUE constraint failed: <columns>" detail → the constraint name used on both engines.
const SQLITE_UNIQUE_COLUMNS: &[(&str, &str)] = &[
    ("organizations.id", "organizations_pkey"),
    ("organizations.slug", "organizations_slug_key"),
    ("users.id", "users_pkey"),
    ("users.email", "users_email_key"),
    ("users.organization_id", "users_one_owner_per_organization"),
    (
        "users.organization_id, users.id",
        "users_organization_id_id_key",
    ),
    ("sessions.id", "sessions_pkey"),
    (
        "invitations.organization_id, invitations.email",
        "invitations_pending_email_key",
    ),
    ("sessions.token_hash", "sessions_token_hash_key"),
    ("videos.id", "videos_pkey"),
    (
        "videos.organization_id, videos.opusclip_clip_id",
        "videos_organization_id_opusclip_clip_id_key",
    ),
    ("clip_projects.id", "clip_projects_pkey"),
    (
        "clip_projects.opusclip_project_id",
        "clip_projects_opusclip_project_id_key",
    ),
    ("posts.id", "posts_pkey"),
    (
        "posts.platform, posts.external_post_id",
        "posts_platform_external_post_id_key",
    ),
];

#[cfg(test)]
mod tests {
    use super::{Error, constraint_name};

    /// A dead connection and a pool timeout are both a 503, but only the first may be worth
    /// repeating a statement on a fresh connection for.
    #[test]
    fn a_lost_connection_is_unavailable_and_told_apart_from_a_pool_timeout() {
        let lost = Error::from(sqlx::Error::Io(std::io::ErrorKind::UnexpectedEof.into()));
        assert!(matches!(lost, Error::Unavailable(_)) && lost.is_lost_connection());
        let timeout = Error::from(sqlx::Error::PoolTimedOut);
        assert!(matches!(timeout, Error::Unavailable(_)) && !timeout.is_lost_connection());
    }

    #[test]
    fn sqlite_unique_messages_map_to_schema_names() {
        assert_eq!(
            constraint_name(None, "UNIQUE constraint failed: users.email"),
            "users_email_key"
        );
        assert_eq!(
            constraint_name(None, "CHECK constraint failed: posts_status_check"),
            "posts_status_check"
        );
        assert_eq!(
            constraint_name(Some("users_email_key"), "duplicate key value"),
            "users_email_key"
        );
    }
}
