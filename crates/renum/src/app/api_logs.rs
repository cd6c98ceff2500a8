//! Reading the caller's organization's API logs (`GET /v1/api-logs`). Owners and admins only:
//! the bodies, redacted as they are, show what every member did.

use renum_db::enums::Role;
use renum_db::models::{ApiLogRow, Page};
use renum_db::repo::ApiLogFilter;
use renum_db::sql_types::Timestamp;
use renum_db::{Access, Conn, OrgScope};

use super::auth::Caller;
use super::organization::require;
use super::{AppError, validate};

/// The keyset of the list: created_at, then id, both descending.
pub type ApiLogKey = (Timestamp, i64);

/// Leave to read one organization's logs, given only to an owner or an admin. Checked before
/// the request's filters are read, so a member is refused (403) whatever else is wrong.
pub struct ApiLogReader<'a> {
    scope: &'a OrgScope,
}

impl<'a> ApiLogReader<'a> {
    pub fn for_caller(caller: &'a Caller) -> Result<Self, AppError> {
        require(
            caller,
            &[Role::Owner, Role::Admin],
            "only the owner or an admin can read API logs",
        )?;
        Ok(Self {
            scope: &caller.scope,
        })
    }

    /// `filter` once its free text is safe to bind (PostgreSQL refuses a NUL in a text
    /// parameter): checked before the cursor is read, as the route's errors come in that order.
    pub fn filter(&self, filter: ApiLogFilter) -> Result<CheckedFilter, AppError> {
        validate::line("service", filter.service.as_deref())?;
        Ok(CheckedFilter(filter))
    }

    /// A page of the organization's logs matching `filter`, newest first, after `after`.
    pub async fn list(
        &self,
        conn: &mut Conn,
        filter: &CheckedFilter,
        after: Option<ApiLogKey>,
        limit: i64,
    ) -> Result<Page<ApiLogRow, ApiLogKey>, AppError> {
        Ok(conn
            .api_logs_of(self.scope)
            .list(&filter.0, after, limit)
            .await?)
    }
}

/// An [`ApiLogFilter`] that [`ApiLogReader::filter`] checked.
pub struct CheckedFilter(ApiLogFilter);
