//! Repositories: one type per table, each a thin, typed face over its catalogue entries.
//!
//! Tenant repositories hold an [`OrgScope`](crate::OrgScope) and bind its id as `$1` of
//! every statement; they cannot be built without one (see [`crate::Access`]).

use crate::error::{Error, Result};

mod api_logs;
mod auth_events;
mod clip_projects;
mod email_tokens;
mod invitations;
pub mod keyset;
mod mail_outbox;
mod organizations;
mod posts;
mod purge;
mod scheduler;
mod sessions;
mod users;
mod videos;

pub use api_logs::{ApiLogFilter, ApiLogs, OrgApiLogs};
pub use auth_events::{AuthEventFilter, AuthEventKey, AuthEvents, OrgAuthEvents};
pub use clip_projects::{ClipPoller, ClipProjects};
pub use email_tokens::EmailTokens;
pub use invitations::{InvitationKey, InvitationTokens, Invitations};
pub use mail_outbox::{MailOutbox, MailOutcome};
pub use organizations::{Organization, Organizations};
pub use posts::{PostFilter, Posts};
pub use purge::{Purge, TenantTable};
pub use scheduler::{Outcome, Scheduler};
pub use sessions::{SessionKey, Sessions};
pub use users::{Accounts, Users};
pub use videos::{VideoFilter, Videos};

/// Splits a patch field of a nullable column into the (flag, value) pair that the
/// catalogue's `CASE WHEN $flag THEN $value ELSE column END` expects.
fn patch<T: Clone>(field: &Option<Option<T>>) -> (bool, Option<T>) {
    match field {
        Some(value) => (true, value.clone()),
        None => (false, None),
    }
}

/// The page size bound shared by every list: callers clamp, the database never sees more.
pub const MAX_PAGE: i64 = 200;

fn page_limit(limit: i64) -> i64 {
    limit.clamp(1, MAX_PAGE)
}

/// An UPDATE or DELETE by key that touched no row means the row is not there (for this scope).
fn found(rows_affected: u64) -> Result<()> {
    if rows_affected == 0 {
        Err(Error::NotFound)
    } else {
        Ok(())
    }
}

/// The key to continue after, when the page came back full.
fn next_key<T, K>(items: &[T], limit: i64, key: impl Fn(&T) -> K) -> Option<K> {
    if i64::try_from(items.len()) == Ok(limit) {
        items.last().map(key)
    } else {
        None
    }
}
