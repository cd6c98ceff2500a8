//! DDL built from dates: the one place renum-db formats SQL text at run time.
//!
//! Why it is not in the catalogue: a month's partition is named `api_logs_YYYY_MM` and bounded
//! by that month's first instants, and PostgreSQL takes neither identifiers nor the bounds of
//! `PARTITION OF ... FOR VALUES` as bind parameters, so these statements cannot be static
//! text. They are built only from a [`Month`] (two integers formatted as digits), never from
//! caller-supplied text, so nothing here can carry an injection.

use sqlx::AssertSqlSafe;

use super::Month;

/// `CREATE TABLE IF NOT EXISTS api_logs_YYYY_MM PARTITION OF api_logs FOR VALUES FROM .. TO ..`.
pub(super) fn create_partition(month: Month) -> AssertSqlSafe<String> {
    AssertSqlSafe(format!(
        "CREATE TABLE IF NOT EXISTS {} PARTITION OF api_logs FOR VALUES FROM ('{}') TO ('{}')",
        month.partition_name(),
        bound(month),
        bound(month.next()),
    ))
}

/// Detaching first makes the drop a catalogue change on a standalone table.
pub(super) fn detach_partition(month: Month) -> AssertSqlSafe<String> {
    AssertSqlSafe(format!(
        "ALTER TABLE api_logs DETACH PARTITION {}",
        month.partition_name()
    ))
}

pub(super) fn drop_partition(month: Month) -> AssertSqlSafe<String> {
    AssertSqlSafe(format!("DROP TABLE {}", month.partition_name()))
}

/// The month's first instant as a timestamptz literal in UTC.
fn bound(month: Month) -> String {
    month.start().format("%Y-%m-%d 00:00:00+00").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ddl_names_the_month_and_bounds_it_by_the_next_one() {
        let dec = Month::new(2026, 12).unwrap();
        assert_eq!(
            create_partition(dec).0,
            "CREATE TABLE IF NOT EXISTS api_logs_2026_12 PARTITION OF api_logs \
             FOR VALUES FROM ('2026-12-01 00:00:00+00') TO ('2027-01-01 00:00:00+00')"
        );
        assert_eq!(
            detach_partition(dec).0,
            "ALTER TABLE api_logs DETACH PARTITION api_logs_2026_12"
        );
        assert_eq!(drop_partition(dec).0, "DROP TABLE api_logs_2026_12");
    }
}
