//! The statements of `renum bench --scenario purge` (PostgreSQL): filling a month
//! server-side (a client-side fill of ten million rows takes longer than the purges it
//! prepares) and the disk it occupies. Tooling SQL, so not in the product's catalogue; the
//! bench test runs each of them end to end.

/// `$6` typical inbound records of one organization ($1) and user ($2), response body
/// $3, created `$5` microseconds apart from $4 on, in created_at order like real logs.
pub const FILL_API_LOGS: &str = concat!(
    "INSERT INTO api_logs (organization_id, direction, service, endpoint, method, ",
    "status_code, duration_ms, request_id, user_id, request_body, response_body, ",
    "created_at) SELECT CAST($1 AS UUID), 'inbound', 'renum', '/v1/videos/{id}', 'GET', ",
    "200, 3.25, 'bench-' || n, CAST($2 AS UUID), NULL, CAST($3 AS JSONB), ",
    "CAST($4 AS TIMESTAMPTZ) + n * CAST($5 AS DOUBLE PRECISION) * INTERVAL '1 microsecond' ",
    "FROM generate_series(1, CAST($6 AS BIGINT)) AS n"
);
pub const DATABASE_BYTES: &str = "SELECT pg_database_size(current_database())";
/// The bench's month (January 2000) is filled and purged within seconds; a partition
/// past retention has long been vacuumed, so autovacuum is kept off it: otherwise the
/// drop waits `deadlock_timeout` for the vacuum of the fresh rows to be cancelled.
pub const QUIET_FILL_PARTITION: &str =
    "ALTER TABLE api_logs_2000_01 SET (autovacuum_enabled = off)";
