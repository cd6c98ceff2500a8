//! The OpenAPI schemas of the value types the API shares with the persistence layer: ids,
//! enums and timestamps. `renum-db` carries no OpenAPI derives (the document is the HTTP
//! layer's business), and Rust's orphan rule keeps this crate from deriving them for its
//! types; so each has a twin here of the same name, whose schema is exactly what the type's
//! JSON is, and a DTO field names it: `#[schema(value_type = schema::VideoId)]`.

use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

/// A UUID string: every `renum_db::ids` type is a UUIDv7 serialized as its hyphenated text.
macro_rules! id_schemas {
    ($($name:ident),+ $(,)?) => {$(
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
                    .into()
            }
        }

        impl ToSchema for $name {}
    )+};
}

id_schemas!(
    AuthEventId,
    ClipProjectId,
    InvitationId,
    OrganizationId,
    PostId,
    SessionId,
    UserId,
    VideoId
);

/// A string of the enum's wire texts, read from the enum itself so the two cannot drift.
macro_rules! enum_schemas {
    ($($name:ident),+ $(,)?) => {$(
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                let texts = renum_db::enums::$name::ALL.iter().map(|v| v.as_str());
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(texts))
                    .into()
            }
        }

        impl ToSchema for $name {}
    )+};
}

enum_schemas!(
    AuthEventKind,
    ClipProjectStatus,
    Direction,
    HttpMethod,
    ModuleType,
    Plan,
    Platform,
    PostStatus,
    Role,
    VideoStatus,
);

/// `renum_db::sql_types::Timestamp`.
pub struct Timestamp;

impl PartialSchema for Timestamp {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .description(Some(
                "A UTC instant with microsecond precision (PostgreSQL's), serialized as RFC \
                 3339 with `Z`.",
            ))
            .into()
    }
}

impl ToSchema for Timestamp {}
