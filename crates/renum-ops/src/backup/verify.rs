//! What a restore checks before it reports success: the restored migrations are the ones
//! this binary embeds, checksum for checksum (sqlx's `_sqlx_migrations` records each applied
//! file's SHA-384; `renum_db::migrate::status` compares them with the embedded files).

use renum_db::Db;
use renum_db::migrate::{self, State};

/// The migration state of a restored database.
#[derive(Debug)]
pub struct Migrations {
    /// The newest applied version.
    pub latest: Option<i64>,
    /// Applied migrations whose checksum matched.
    pub applied: usize,
    /// Embedded migrations the backup predates (`renum migrate up` applies them).
    pub pending: usize,
}

/// Fails on a checksum mismatch (the backup's schema is not what this binary's files
/// describe) or on versions this binary does not know (a newer binary took the backup).
pub async fn migrations(db: &Db) -> anyhow::Result<Migrations> {
    let statuses = migrate::status(db).await?;
    let mut out = Migrations {
        latest: None,
        applied: 0,
        pending: 0,
    };
    for s in &statuses {
        match s.state {
            State::Applied => {
                out.applied += 1;
                out.latest = Some(s.version);
            }
            State::Pending => out.pending += 1,
            State::ChecksumMismatch => anyhow::bail!(
                "migration {} of the restored database does not match this binary's file \
                 (checksum mismatch)",
                s.version
            ),
            State::Unknown => anyhow::bail!(
                "the restored database has migration {}, unknown to this binary: restore \
                 with the release that took the backup",
                s.version
            ),
        }
    }
    anyhow::ensure!(
        out.applied > 0,
        "the restored database has no renum migrations"
    );
    Ok(out)
}
