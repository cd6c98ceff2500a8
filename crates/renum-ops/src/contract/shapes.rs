//! What each hand-written model mirrors in the schema, read off the Rust types themselves.
//!
//! `renum types rust --check` compares these shapes with the live schema, and `renum types
//! ts` renders the composites from them, so neither contract can drift from the migrations
//! unnoticed. Every shape lists its struct's fields exhaustively: a field added to a model
//! without a line here does not compile.

use crate::introspect::LogicalType;
use renum_db::enums::{
    ClipProjectStatus, Direction, HttpMethod, ModuleType, Plan, Platform, PostStatus, Role,
    VideoStatus,
};
use renum_db::ids::{ClipProjectId, OrganizationId, PostId, SessionId, UserId, VideoId};
use renum_db::models::{
    ApiLogRow, ClipProjectRow, OrganizationRow, PostRow, SessionRow, UserRow, UserWithOrganization,
    VideoRow, VideoSummary,
};
use renum_db::sql_types::{JsonValue, StringList, Timestamp};

/// How a Rust field type is stored.
pub trait FieldType {
    const TYPE: LogicalType;
    const NULLABLE: bool = false;
    /// The variants, for the enums of CHECK-constrained columns.
    fn values() -> Option<Vec<&'static str>> {
        None
    }
}

impl<T: FieldType> FieldType for Option<T> {
    const TYPE: LogicalType = T::TYPE;
    const NULLABLE: bool = true;
    fn values() -> Option<Vec<&'static str>> {
        T::values()
    }
}

macro_rules! plain {
    ($($ty:ty => $logical:ident),* $(,)?) => {$(
        impl FieldType for $ty {
            const TYPE: LogicalType = LogicalType::$logical;
        }
    )*};
}

plain! {
    String => Text, i32 => Integer, i64 => BigInt, f64 => Double, bool => Boolean,
    Vec<u8> => Bytes, Timestamp => Timestamp, JsonValue => Json, StringList => TextArray,
    OrganizationId => Uuid, UserId => Uuid, SessionId => Uuid, VideoId => Uuid,
    ClipProjectId => Uuid, PostId => Uuid,
}

macro_rules! text_enums {
    ($($ty:ty),* $(,)?) => {$(
        impl FieldType for $ty {
            const TYPE: LogicalType = LogicalType::Text;
            fn values() -> Option<Vec<&'static str>> {
                Some(<$ty>::ALL.iter().map(|v| v.as_str()).collect())
            }
        }
    )*};
}

text_enums!(
    Plan,
    Role,
    VideoStatus,
    ModuleType,
    ClipProjectStatus,
    Platform,
    PostStatus,
    Direction,
    HttpMethod
);

/// Where a field's value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A column, copied as is.
    Column {
        table: &'static str,
        column: &'static str,
    },
    /// Computed by the query (`... IS NOT NULL AS organization_has_opusclip_key`).
    Computed,
}

/// One field of a model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldShape {
    pub name: &'static str,
    pub ty: LogicalType,
    pub nullable: bool,
    pub values: Option<Vec<&'static str>>,
    pub source: Source,
}

/// A model: a table's `Row` (`table` set: its fields are exactly the table's columns) or a
/// composite read type whose fields each come from a column or a computation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelShape {
    pub name: &'static str,
    pub table: Option<&'static str>,
    pub fields: Vec<FieldShape>,
}

fn field<M, T: FieldType>(
    name: &'static str,
    source: Source,
    _get: impl Fn(&M) -> &T,
) -> FieldShape {
    FieldShape {
        name,
        ty: T::TYPE,
        nullable: T::NULLABLE,
        values: T::values(),
        source,
    }
}

/// `row!(Model of table { field, ... })`: a table's row, every field a column of that name.
macro_rules! row {
    ($model:ident of $table:ident { $($field:ident),* $(,)? }) => {{
        // Exhaustive on purpose: a new field must be listed (compile error otherwise).
        let _exhaustive = |m: &$model| {
            let $model { $($field: _),* } = m;
        };
        ModelShape {
            name: stringify!($model),
            table: Some(stringify!($table)),
            fields: vec![$(field(
                stringify!($field),
                Source::Column { table: stringify!($table), column: stringify!($field) },
                |m: &$model| &m.$field,
            )),*],
        }
    }};
}

/// `composite!(Model { field = table.column, field = computed, ... })`.
macro_rules! composite {
    (@source computed) => { Source::Computed };
    (@source $table:ident . $column:ident) => {
        Source::Column { table: stringify!($table), column: stringify!($column) }
    };
    ($model:ident { $($field:ident = $($source:ident).+),* $(,)? }) => {{
        let _exhaustive = |m: &$model| {
            let $model { $($field: _),* } = m;
        };
        ModelShape {
            name: stringify!($model),
            table: None,
            fields: vec![$(field(
                stringify!($field),
                composite!(@source $($source).+),
                |m: &$model| &m.$field,
            )),*],
        }
    }};
}

/// Every table's `Row`, in table-name order.
pub fn rows() -> Vec<ModelShape> {
    vec![
        row!(ApiLogRow of api_logs {
            id, organization_id, direction, service, endpoint, method, status_code,
            duration_ms, request_id, user_id, request_body, response_body, created_at,
        }),
        row!(ClipProjectRow of clip_projects {
            id, organization_id, video_id, opusclip_project_id, stage, status, options,
            attempts, next_poll_at, last_error, completed_at, created_at, updated_at,
        }),
        row!(OrganizationRow of organizations {
            id, name, slug, plan, opusclip_api_key_ciphertext, created_at, updated_at,
            deleted_at,
        }),
        row!(PostRow of posts {
            id, organization_id, video_id, created_by, platform, description, hashtags,
            scheduled_at, status, published_at, external_post_id, attempts, last_error,
            created_at, updated_at, locked_by, locked_until,
        }),
        row!(SessionRow of sessions {
            id, user_id, token_hash, expires_at, last_seen_at, revoked_at, ip, user_agent,
            created_at,
        }),
        row!(UserRow of users {
            id, organization_id, email, password_hash, full_name, role, last_login_at,
            created_at, updated_at, deleted_at, email_domain, email_verified_at,
        }),
        row!(VideoRow of videos {
            id, organization_id, user_id, title, script, video_raw_url, video_processed_url,
            thumbnail_url, status, module_type, duration_seconds, size_bytes, captions,
            parent_video_id, opusclip_clip_id, score, created_at, updated_at, description,
            hashtags, clip_position,
        }),
    ]
}

/// The composite read types (`PostWithVideo` is `PostRow` with a nested `VideoSummary`).
pub fn composites() -> Vec<ModelShape> {
    vec![
        composite!(UserWithOrganization {
            id = users.id,
            organization_id = users.organization_id,
            email = users.email,
            full_name = users.full_name,
            role = users.role,
            last_login_at = users.last_login_at,
            created_at = users.created_at,
            updated_at = users.updated_at,
            email_verified_at = users.email_verified_at,
            organization_name = organizations.name,
            organization_slug = organizations.slug,
            organization_plan = organizations.plan,
            organization_has_opusclip_key = computed,
            organization_created_at = organizations.created_at,
        }),
        composite!(VideoSummary {
            title = videos.title,
            status = videos.status,
            module_type = videos.module_type,
            thumbnail_url = videos.thumbnail_url,
            processed_url = videos.video_processed_url,
            duration_seconds = videos.duration_seconds,
        }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_read_nullability_types_and_variants_off_the_rust_fields() {
        let rows = rows();
        let posts = rows.iter().find(|m| m.name == "PostRow").unwrap();
        let by_name = |n: &str| posts.fields.iter().find(|f| f.name == n).unwrap();
        assert_eq!(by_name("published_at").ty, LogicalType::Timestamp);
        assert!(by_name("published_at").nullable);
        assert!(!by_name("hashtags").nullable);
        assert_eq!(by_name("hashtags").ty, LogicalType::TextArray);
        assert_eq!(
            by_name("platform").values.as_deref(),
            Some(
                &[
                    "instagram",
                    "tiktok",
                    "facebook",
                    "youtube",
                    "linkedin",
                    "x"
                ][..]
            )
        );
    }
}
