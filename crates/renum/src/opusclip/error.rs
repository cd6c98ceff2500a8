//! The client's typed error: which call failed and why.

use std::fmt;
use std::time::Duration;

/// The OpusClip operation a failure belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    CreateProject,
    GetProject,
    ListClips,
    DownloadClip,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operation::CreateProject => "create clip project",
            Operation::GetProject => "get clip project",
            Operation::ListClips => "list exportable clips",
            Operation::DownloadClip => "download clip",
        })
    }
}

/// Why a call failed. Only `RateLimited`, `ProviderDown` and `Timeout` are retried.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ErrorKind {
    #[error("the API key was refused (HTTP {status})")]
    BadKey { status: u16 },
    #[error("the OpusClip account is out of credits")]
    OutOfCredits,
    #[error("not found")]
    NotFound,
    #[error("rate limited")]
    RateLimited { retry_after: Option<Duration> },
    #[error("provider unavailable: {0}")]
    ProviderDown(String),
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("malformed response: {0}")]
    Malformed(String),
    #[error("request refused (HTTP {status}): {message}")]
    Rejected { status: u16, message: String },
    /// A URL the outbound rule refuses (`app::outbound`), not fetched.
    #[error("not fetched: the URL {0}")]
    UnsafeUrl(String),
}

impl ErrorKind {
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ErrorKind::RateLimited { .. } | ErrorKind::ProviderDown(_) | ErrorKind::Timeout(_)
        )
    }
}

/// A failed OpusClip call (after any retries).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("OpusClip {op} failed: {kind}")]
pub struct OpusClipError {
    pub op: Operation,
    pub kind: ErrorKind,
}
