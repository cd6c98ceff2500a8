//! Typed rows, per table: `Row` (what a SELECT returns), `Insert` (what a caller supplies;
//! columns with a database default are filled by it) and `Update` (a patch: `None` leaves the
//! column alone; for nullable columns `Some(None)` clears it). This mirrors the
//! Row/Insert/Update triple of the TypeScript contract.
//!
//! Composite read types for the common joins live here too.

mod api_logs;
mod auth_events;
mod clip_projects;
mod columns;
mod email_tokens;
mod invitations;
mod mail_outbox;
mod organizations;
mod posts;
mod sessions;
mod users;
mod videos;

pub use api_logs::{ApiLogInsert, ApiLogRow};
pub use auth_events::{AuthEventInsert, AuthEventRow, SigninFailure};
pub use clip_projects::{ClipProjectInsert, ClipProjectRow, ClipProjectUpdate};
pub use email_tokens::{EmailTokenInsert, TokenOwner};
pub use invitations::{InvitationInsert, InvitationRow};
pub use mail_outbox::{MailInsert, MailRow};
pub use organizations::{OrganizationInsert, OrganizationRow, OrganizationUpdate};
pub use posts::{PostInsert, PostRow, PostUpdate, PostWithVideo, VideoSummary};
pub use sessions::{SessionAuth, SessionInsert, SessionRow};
pub use users::{UserInsert, UserRow, UserUpdate, UserWithOrganization};
pub use videos::{ClipInsert, VideoInsert, VideoRow, VideoUpdate};

/// A page of a keyset-paginated list: `next` is the key of the last row, to pass back as
/// `after` for the following page; `None` when this page is the last.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T, K> {
    pub items: Vec<T>,
    pub next: Option<K>,
}
