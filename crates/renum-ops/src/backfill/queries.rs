//! The backfill tool's statement catalogue: the checkpoint table and, per backfill, the
//! statements of one batch. Keys are compared in their stored order (UUIDv7: time order;
//! on SQLite the fixed-width hyphenated text sorts the same way).

/// Checkpoint table (`_renum_backfills`), portable.
pub mod checkpoint {
    pub const GET: &str =
        "SELECT last_key, rows_done, finished_at FROM _renum_backfills WHERE name = $1";
    pub const START: &str = "INSERT INTO _renum_backfills (name, rows_done, updated_at) \
         VALUES ($1, 0, $2) ON CONFLICT (name) DO NOTHING";
    pub const SAVE: &str = "UPDATE _renum_backfills SET last_key = $2, rows_done = rows_done + $3, \
         updated_at = $4 WHERE name = $1";
    pub const FINISH: &str =
        "UPDATE _renum_backfills SET finished_at = $2, updated_at = $2 WHERE name = $1";
}

/// `users_email_domain`: users.email_domain from the email, for rows that predate it.
pub mod users_email_domain {
    /// Keys still to visit after $1 (the progress bar's length).
    pub const REMAINING: &str = "SELECT count(*) FROM users WHERE id > $1";
    /// Rows the backfill would change (the dry run's answer).
    pub const PENDING: &str = "SELECT count(*) FROM users WHERE email_domain IS NULL";
    /// The last key of the next batch of $2 keys after $1 (no row: none left). Not max(id):
    /// PostgreSQL has no max(uuid).
    pub const BATCH_END: &str = "SELECT id FROM (SELECT id FROM users WHERE id > $1 ORDER BY id LIMIT $2) b \
         ORDER BY id DESC LIMIT 1";
    /// Fills the batch ($1, $2]; rows already filled (by users.INSERT) are left alone.
    pub mod apply {
        pub const POSTGRES: &str = "UPDATE users SET email_domain = split_part(email, '@', 2) \
             WHERE id > $1 AND id <= $2 AND email_domain IS NULL";
        pub const SQLITE: &str = "UPDATE users SET email_domain = substr(email, instr(email, '@') + 1) \
             WHERE id > $1 AND id <= $2 AND email_domain IS NULL";
    }
}
