//! Per-test databases on both engines.

pub use renum_db::testing::{Tenant, TestDb, tenant};

/// Asserts that a write was refused by the named constraint (`Invalid` or `Conflict`).
/// SQLite does not name foreign keys in its errors, so FK checks pass `None`.
#[track_caller]
pub fn assert_refused<T: std::fmt::Debug>(
    result: Result<T, renum_db::Error>,
    constraint: Option<&str>,
) {
    match result {
        Err(err @ (renum_db::Error::Invalid { .. } | renum_db::Error::Conflict { .. })) => {
            if let Some(name) = constraint {
                assert_eq!(
                    err.constraint(),
                    Some(name),
                    "refused by another constraint"
                );
            }
        }
        other => panic!("expected the database to refuse the write, got {other:?}"),
    }
}
