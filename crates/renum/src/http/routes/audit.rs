//! `GET /v1/organization/audit-events`: the caller's organization's audit trail (owner and
//! admins).

use renum_db::enums::AuthEventKind;
use renum_db::ids::UserId;
use renum_db::repo::AuthEventFilter;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::app::audit;
use crate::http::cursor;
use crate::http::dto::{AuditEvent, Page};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiQuery, Reader};
use crate::http::schema;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only events of this kind.
    #[param(value_type = Option<schema::AuthEventKind>)]
    kind: Option<AuthEventKind>,
    /// Only events this member did: its `actor_id`, or for an event without one its `user_id`.
    #[param(value_type = Option<schema::UserId>)]
    actor: Option<UserId>,
    /// 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The organization's audit trail, newest first (keyset pagination on created_at, id).
#[utoipa::path(get, path = "/v1/organization/audit-events", operation_id = "listAuditEvents", tag = "organization", security(("bearer" = [])),
    params(AuditQuery),
    responses((status = 200, body = Page<AuditEvent>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    Reader { caller, mut conn }: Reader,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<axum::Json<Page<AuditEvent>>, ApiError> {
    let filter = AuthEventFilter {
        kind: q.kind,
        actor: q.actor,
    };
    let after = q.cursor.as_deref().map(cursor::decode).transpose()?;
    let page = audit::list(&mut conn, &caller, &filter, after, cursor::limit(q.limit)?).await?;
    Ok(axum::Json(Page {
        next_cursor: page.next.as_ref().map(cursor::encode),
        items: page.items.into_iter().map(AuditEvent::from).collect(),
    }))
}
