//! api_logs: `ApiLogs` writes records (global, as a record may have no organization; one
//! statement per batch on both engines) and `OrgApiLogs` lists the caller's organization's
//! records, newest first with keyset pages and filters.

use serde::Serialize;

use crate::catalogue;
use crate::db::{Executor, on_engine};
use crate::enums::Direction;
use crate::error::Result;
use crate::ids::{OrganizationId, UserId};
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

impl ApiLogs<'_> {
    /// Inserts every record in one statement (`api_logs.INSERT_BATCH`): all or none.
    /// Returns the number of rows written.
    pub async fn insert_batch(&mut self, records: &[ApiLogInsert]) -> Result<u64> {
        if records.is_empty() {
            return Ok(0);
        }
        let done = match &mut self.ex {
            Executor::Postgres(c) => sqlx::query(catalogue::postgres::api_logs::INSERT_BATCH)
                .bind(column(records, |r| r.organization_id.map(|id| id.0)))
                .bind(column(records, |r| r.direction.as_str()))
                .bind(column(records, |r| r.service.as_str()))
                .bind(column(records, |r| r.endpoint.as_str()))
                .bind(column(records, |r| r.method.as_str()))
                .bind(column(records, |r| r.status_code))
                .bind(column(records, |r| r.duration_ms))
                .bind(column(records, |r| r.request_id.as_deref()))
                .bind(column(records, |r| r.user_id.map(|id| id.0)))
                .bind(column(records, |r| r.request_body.as_ref()))
                .bind(column(records, |r| r.response_body.as_ref()))
                .bind(column(records, |r| r.created_at.as_datetime()))
                .execute(&mut **c)
                .await?
                .rows_affected(),
            Executor::Sqlite(c) => {
                let rows: Vec<SqliteBatchRow<'_>> =
                    records.iter().map(SqliteBatchRow::from).collect();
                let json = serde_json::to_string(&rows)
                    .map_err(|e| crate::Error::Database(sqlx::Error::Encode(Box::new(e))))?;
                sqlx::query(catalogue::sqlite::api_logs::INSERT_BATCH)
                    .bind(json)
                    .execute(&mut **c)
                    .await?
                    .rows_affected()
            }
        };
        Ok(done)
    }
}

/// One column of a batch, as the array PostgreSQL's `UNNEST` takes.
fn column<'a, T>(records: &'a [ApiLogInsert], f: impl Fn(&'a ApiLogInsert) -> T) -> Vec<T> {
    records.iter().map(f).collect()
}

/// One element of the JSON array `api_logs.INSERT_BATCH` reads on SQLite (short keys: the
/// array of a 1,000-record batch is parsed once per batch). Bodies travel as JSON text.
#[derive(Serialize)]
struct SqliteBatchRow<'a> {
    o: Option<OrganizationId>,
    d: &'a str,
    s: &'a str,
    e: &'a str,
    m: &'a str,
    c: Option<i32>,
    ms: f64,
    r: Option<&'a str>,
    u: Option<UserId>,
    qb: Option<String>,
    rb: Option<String>,
    t: String,
}

impl<'a> From<&'a ApiLogInsert> for SqliteBatchRow<'a> {
    fn from(r: &'a ApiLogInsert) -> Self {
        Self {
            o: r.organization_id,
            d: r.direction.as_str(),
            s: &r.service,
            e: &r.endpoint,
            m: r.method.as_str(),
            c: r.status_code,
            ms: r.duration_ms,
            r: r.request_id.as_deref(),
            u: r.user_id,
            qb: r.request_body.as_ref().map(|b| b.0.to_string()),
            rb: r.response_body.as_ref().map(|b| b.0.to_string()),
            t: r.created_at.to_sql_text(),
        }
    }
}

/// Reading the caller's organization's logs.
pub struct OrgApiLogs<'c> {
    ex: Executor<'c>,
    scope: &'c OrgScope,
}

/// Key of the log list (newest first): the last row's (created_at, id).
pub type ApiLogKey = (Timestamp, i64);

/// Filters of an organization's log list; `from` inclusive, `to` exclusive.
#[derive(Debug, Clone, Default)]
pub struct ApiLogFilter {
    pub direction: Option<Direction>,
    pub service: Option<String>,
    /// The first code of a status class: 200 for 2xx, 400 for 4xx, ...
    pub status_class: Option<i32>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
}

impl<'c> OrgApiLogs<'c> {
    pub(crate) fn new(ex: Executor<'c>, scope: &'c OrgScope) -> Self {
        Self { ex, scope }
    }

    pub async fn list(
        &mut self,
        filter: &ApiLogFilter,
        after: Option<ApiLogKey>,
        limit: i64,
    ) -> Result<Page<ApiLogRow, ApiLogKey>> {
        let org = self.scope.organization_id();
        let from = filter.from.unwrap_or_else(keyset::min_timestamp);
        let to = filter.to.unwrap_or_else(keyset::max_timestamp);
        let (at, id) = after.unwrap_or((keyset::max_timestamp(), i64::MAX));
        let limit = page_limit(limit);
        let items: Vec<ApiLogRow> = on_engine!(&mut self.ex, |c, q| {
            sqlx::query_as(q::api_logs::LIST)
                .bind(org)
                .bind(filter.direction)
                .bind(&filter.service)
                .bind(filter.status_class)
                .bind(from)
                .bind(to)
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
