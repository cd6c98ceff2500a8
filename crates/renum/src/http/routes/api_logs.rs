//! `GET /v1/api-logs`: the caller's organization's API logs (owner and admins).

use axum::http::StatusCode;
use renum_db::enums::Direction;
use renum_db::repo::ApiLogFilter;
use renum_db::sql_types::Timestamp;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::app::api_logs::ApiLogReader;
use crate::http::cursor;
use crate::http::dto::{ApiLog, Page};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiQuery, Reader};
use crate::http::schema;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApiLogQuery {
    #[param(value_type = Option<schema::Direction>)]
    direction: Option<Direction>,
    /// `renum` for inbound calls; `opusclip`, a publisher, ... for outbound ones.
    service: Option<String>,
    /// `1xx`, `2xx`, `3xx`, `4xx` or `5xx`.
    #[param(pattern = "^[1-5]xx$")]
    status: Option<String>,
    /// Inclusive lower bound on created_at (RFC 3339).
    from: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Exclusive upper bound on created_at (RFC 3339).
    to: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    cursor: Option<String>,
}

/// The organization's API logs, newest first (keyset pagination). Bodies are redacted.
#[utoipa::path(get, path = "/v1/api-logs", operation_id = "listApiLogs", tag = "api-logs", security(("bearer" = [])), params(ApiLogQuery),
    responses((status = 200, body = Page<ApiLog>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    Reader { caller, mut conn }: Reader,
    ApiQuery(q): ApiQuery<ApiLogQuery>,
) -> Result<axum::Json<Page<ApiLog>>, ApiError> {
    let reader = ApiLogReader::for_caller(&caller)?;
    let status_class = match q.status.as_deref() {
        None => None,
        Some(class @ ("1xx" | "2xx" | "3xx" | "4xx" | "5xx")) => {
            Some(i32::from(class.as_bytes()[0] - b'0') * 100)
        }
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                "status: must be 1xx, 2xx, 3xx, 4xx or 5xx",
            ));
        }
    };
    let utc =
        |t: chrono::DateTime<chrono::FixedOffset>| Timestamp::from(t.with_timezone(&chrono::Utc));
    let filter = reader.filter(ApiLogFilter {
        direction: q.direction,
        service: q.service,
        status_class,
        from: q.from.map(utc),
        to: q.to.map(utc),
    })?;
    let after = q.cursor.as_deref().map(cursor::decode).transpose()?;
    let page = reader
        .list(&mut conn, &filter, after, cursor::limit(q.limit)?)
        .await?;
    Ok(axum::Json(Page {
        next_cursor: page.next.as_ref().map(cursor::encode),
        items: page.items.into_iter().map(ApiLog::from).collect(),
    }))
}
