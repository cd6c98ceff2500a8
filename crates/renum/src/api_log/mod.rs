//! API logs on the application side: what is captured of a call and how it reaches the
//! database without slowing the call down.
//!
//! - [`redact`]: the redaction policy every body passes before it is queued.

pub mod redact;
