//! Domain errors: each says what went wrong in terms a client can act on. The HTTP layer
//! turns them into status codes; internal failures carry no detail to the client.

use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A field of the request is invalid; `field` names it.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// Missing, malformed, expired or revoked credentials.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// Authenticated, but this role may not do this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// Absent, or belonging to another organization (indistinguishable on purpose).
    #[error("not found")]
    NotFound,
    /// The request conflicts with the current state (a unique value taken, a rule of the
    /// state machine); `code` is stable for clients.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// A 400 with its own stable `code` (an invalid or spent token).
    #[error("{message}")]
    BadRequest {
        code: &'static str,
        message: &'static str,
    },
    /// A 403 with its own stable `code` (a wrong current password, an unverified email).
    #[error("{message}")]
    Denied {
        code: &'static str,
        message: &'static str,
    },
    #[error("too many requests")]
    TooManyRequests { retry_after: Duration },
    /// The database cannot be reached right now (restarting, failing over): retry shortly.
    #[error("temporarily unavailable")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field,
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            message: message.into(),
        }
    }
}

impl From<renum_db::Error> for AppError {
    fn from(err: renum_db::Error) -> Self {
        use renum_db::Error as E;
        match err {
            E::NotFound => AppError::NotFound,
            E::Conflict { constraint } => match constraint.as_str() {
                "users_email_key" => {
                    AppError::conflict("email_taken", "an account with this email already exists")
                }
                "users_one_owner_per_organization" => {
                    AppError::conflict("owner_exists", "the organization already has an owner")
                }
                _ => AppError::conflict(
                    "conflict",
                    format!("conflicts with existing data ({constraint})"),
                ),
            },
            // The application validates first, so a CHECK or FK refusal here is a bug or a race;
            // the constraint name helps the operator and reveals nothing sensitive.
            E::Invalid { constraint } => {
                AppError::conflict("constraint_violation", format!("refused by {constraint}"))
            }
            E::Unavailable(err) => {
                tracing::warn!(error = %err, "database unavailable");
                AppError::Unavailable
            }
            other => AppError::Internal(other.into()),
        }
    }
}
