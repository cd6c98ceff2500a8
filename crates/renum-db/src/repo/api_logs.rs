use crate::db::{Executor, on_engine};
use crate::error::Result;
use crate::models::{ApiLogInsert, ApiLogRow, Page};
use crate::repo::{keyset, next_key, page_limit};
use crate::scope::OrgScope;
use crate::sql_types::Timestamp;

/// Writing api_logs: records may have no organization (a failed sign-in), so this is global.
pub struct ApiLogs<'c> {
    ex: Executor<'c>,
}

impl<'c> ApiLogs<'c> {
    pub(crate) fn new(ex: Executor<'c>) -> Self {
        Self { ex }
    }

    pub async fn insert(&mut self, r: &ApiLogInsert) -> Result<ApiLogRow> {
        Ok(on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::api_logs::INSERT)
                .bind(r.organization_id)
                .bind(r.direction)
                .bind(&r.service)
                .bind(&r.endpoint)
                .bind(r.method)
                .bind(r.status_code)
                .bind(r.duration_ms)
                .bind(&r.request_id)
                .bind(r.user_id)
                .bind(&r.request_body)
                .bind(&r.response_body)
                .bind(r.created_at)
                .fetch_one(&mut **c)
                .await?
        }))
    }
}

/// Reading the caller's organization's logs.
pub struct OrgApiLogs<'c> {
    ex: Executor<'c>,
    scope: &'c OrgScope,
}

/// Key of the log list (newest first): the last row's (created_at, id).
pub type ApiLogKey = (Timestamp, i64);

impl<'c> OrgApiLogs<'c> {
    pub(crate) fn new(ex: Executor<'c>, scope: &'c OrgScope) -> Self {
        Self { ex, scope }
    }

    pub async fn list(
        &mut self,
        after: Option<ApiLogKey>,
        limit: i64,
    ) -> Result<Page<ApiLogRow, ApiLogKey>> {
        let org = self.scope.organization_id();
        let (at, id) = after.unwrap_or((keyset::max_timestamp(), i64::MAX));
        let limit = page_limit(limit);
        let items: Vec<ApiLogRow> = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::api_logs::LIST)
                .bind(org)
                .bind(at)
                .bind(id)
                .bind(limit)
                .fetch_all(&mut **c)
                .await?
        });
        let next = next_key(&items, limit, |r| (r.created_at, r.id));
        Ok(Page { items, next })
    }
}
