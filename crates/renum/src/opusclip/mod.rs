//! OpusClip: the typed client of its HTTP API (`client`), the bodies as its OpenAPI
//! description spells them (`types`), the per-key rate limiter every task shares (`limiter`),
//! the typed error (`error`), and a faithful local simulator of the same surface (`sim`) that
//! tests, `renum seed --demo` and developers without an account use.

pub mod client;
pub mod error;
pub mod limiter;
pub mod sim;
pub mod types;

pub use client::{ApiKey, ClientConfig, Credentials, OpusClipClient};
pub use error::{ErrorKind, Operation, OpusClipError};
pub use limiter::{KeyLimiter, RateQuota};
pub use types::{ClipProject, CreateClipProject, ExportableClip, Stage};
