//! Typed ids: a `VideoId` cannot be passed where a `PostId` is expected.
//!
//! All are UUIDv7 (time-ordered) so new rows append at the right edge of B-tree indexes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sqlx::error::BoxDynError;
use uuid::Uuid;

use crate::sql_types::pg_native_sqlite_text;

macro_rules! id_type {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            fn to_sql_text(self) -> String {
                self.0.hyphenated().to_string()
            }

            fn from_sql_text(text: &str) -> Result<Self, BoxDynError> {
                Ok(Self(Uuid::parse_str(text)?))
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl From<Uuid> for $name {
            fn from(value: Uuid) -> Self {
                Self(value)
            }
        }

        impl From<$name> for Uuid {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        pg_native_sqlite_text!($name, Uuid);
    )+};
}

id_type! {
    OrganizationId;
    UserId;
    SessionId;
    VideoId;
    ClipProjectId;
    PostId;
    AuthEventId;
    MailId;
    EmailTokenId;
    InvitationId;
}
