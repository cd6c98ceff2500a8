//! Keyset pagination keys. A page continues strictly after the previous page's last key, so
//! rows inserted between requests cause neither duplicates nor gaps, and page N costs the
//! same as page 1. The first page uses a sentinel beyond every real key, so a single
//! statement (and a single plan) serves all pages.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::sql_types::Timestamp;

/// Later than any stored timestamp: the start of a newest-first list.
pub fn max_timestamp() -> Timestamp {
    DateTime::<Utc>::from_timestamp(253_402_300_799, 999_999_000)
        .expect("9999-12-31T23:59:59.999999Z is representable")
        .into()
}

/// Earlier than any stored timestamp: the start of an oldest-first list.
pub fn min_timestamp() -> Timestamp {
    DateTime::<Utc>::from_timestamp(0, 0)
        .expect("the epoch is representable")
        .into()
}

pub fn max_uuid() -> Uuid {
    Uuid::max()
}

pub fn min_uuid() -> Uuid {
    Uuid::nil()
}
