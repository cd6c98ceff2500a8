//! Rust enums for every CHECK-constrained text column. The string lists here and in the
//! migrations' CHECK constraints must agree; `tests/schema.rs` inserts every variant on both
//! engines and an unknown value is refused.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A stored text value that is not one of the enumeration's variants.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a valid {type_name}")]
pub struct UnknownVariant {
    pub type_name: &'static str,
    pub value: String,
}

macro_rules! text_enum {
    ($($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? })+) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownVariant;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownVariant { type_name: stringify!($name), value: s.to_owned() }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        text_codec!($name, sqlx::Postgres);
        text_codec!($name, sqlx::Sqlite);
    )+};
}

/// Text columns are text on both engines; decoding parses the variant.
macro_rules! text_codec {
    ($name:ident, $db:ty) => {
        impl sqlx::Type<$db> for $name {
            fn type_info() -> <$db as sqlx::Database>::TypeInfo {
                <String as sqlx::Type<$db>>::type_info()
            }
            fn compatible(ty: &<$db as sqlx::Database>::TypeInfo) -> bool {
                <String as sqlx::Type<$db>>::compatible(ty)
            }
        }
        impl sqlx::Encode<'_, $db> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut <$db as sqlx::Database>::ArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                sqlx::Encode::<$db>::encode(self.as_str(), buf)
            }
        }
        impl<'r> sqlx::Decode<'r, $db> for $name {
            fn decode(
                value: <$db as sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                Ok(<&str as sqlx::Decode<$db>>::decode(value)?.parse()?)
            }
        }
    };
}

text_enum! {
    /// organizations.plan
    Plan { Free = "free", Starter = "starter", Pro = "pro" }
    /// users.role
    Role { Owner = "owner", Admin = "admin", Member = "member" }
    /// videos.status
    VideoStatus { Draft = "draft", Processing = "processing", Ready = "ready", Posted = "posted", Failed = "failed" }
    /// videos.module_type
    ModuleType { Research = "research", Upload = "upload", Avatar = "avatar", Clip = "clip" }
    /// clip_projects.status
    ClipProjectStatus { Processing = "processing", Completed = "completed", Failed = "failed" }
    /// posts.platform
    Platform { Instagram = "instagram", Tiktok = "tiktok", Facebook = "facebook", Youtube = "youtube", Linkedin = "linkedin", X = "x" }
    /// posts.status
    PostStatus { Draft = "draft", Scheduled = "scheduled", Publishing = "publishing", Published = "published", Failed = "failed", Cancelled = "cancelled" }
    /// auth_events.kind
    AuthEventKind {
        Signup = "signup", SigninSuccess = "signin_success", SigninFailure = "signin_failure",
        Signout = "signout", SignoutAll = "signout_all", MemberAdded = "member_added",
        MemberRemoved = "member_removed", RoleChange = "role_change",
        OwnershipTransfer = "ownership_transfer", OrganizationDeleted = "organization_deleted",
        OpusclipKeySet = "opusclip_key_set", OpusclipKeyRemoved = "opusclip_key_removed",
        InvitationSent = "invitation_sent", InvitationRevoked = "invitation_revoked",
    }
    /// mail_outbox.kind: the template a message was rendered from
    MailKind { PasswordReset = "password_reset", EmailVerification = "email_verification", Invitation = "invitation" }
    /// email_tokens.purpose: what a mailed token is good for
    TokenPurpose { PasswordReset = "password_reset", EmailVerification = "email_verification" }
    /// mail_outbox.status
    MailStatus { Pending = "pending", Sent = "sent", Failed = "failed" }
    /// api_logs.direction
    Direction { Inbound = "inbound", Outbound = "outbound" }
    /// api_logs.method
    HttpMethod { Get = "GET", Head = "HEAD", Post = "POST", Put = "PUT", Patch = "PATCH", Delete = "DELETE", Options = "OPTIONS", Connect = "CONNECT", Trace = "TRACE" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T: Copy + fmt::Display + FromStr + PartialEq + fmt::Debug>(all: &[T])
    where
        T::Err: fmt::Debug,
    {
        for v in all {
            assert_eq!(v.to_string().parse::<T>().unwrap(), *v);
        }
    }

    #[test]
    fn every_enum_round_trips_through_its_text() {
        round_trips(Plan::ALL);
        round_trips(Role::ALL);
        round_trips(VideoStatus::ALL);
        round_trips(ModuleType::ALL);
        round_trips(ClipProjectStatus::ALL);
        round_trips(Platform::ALL);
        round_trips(PostStatus::ALL);
        round_trips(Direction::ALL);
        round_trips(AuthEventKind::ALL);
        round_trips(HttpMethod::ALL);
        round_trips(MailKind::ALL);
        round_trips(MailStatus::ALL);
        round_trips(TokenPurpose::ALL);
    }

    #[test]
    fn unknown_text_is_refused_with_its_type_name() {
        let err = "superuser".parse::<Role>().unwrap_err();
        assert_eq!(err.to_string(), "\"superuser\" is not a valid Role");
        assert!(
            "Owner".parse::<Role>().is_err(),
            "parsing is case-sensitive"
        );
    }

    #[test]
    fn serde_uses_the_stored_text() {
        assert_eq!(
            serde_json::to_string(&HttpMethod::Patch).unwrap(),
            "\"PATCH\""
        );
        assert_eq!(serde_json::to_string(&Platform::X).unwrap(), "\"x\"");
    }
}
