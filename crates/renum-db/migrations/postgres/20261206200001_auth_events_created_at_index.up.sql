-- no-transaction
-- Audit retention (RENUM_AUDIT_RETENTION): the daily maintenance deletes events older than the
-- window in bounded batches, oldest first, across organizations (failed sign-ins have none).
CREATE INDEX CONCURRENTLY IF NOT EXISTS auth_events_created_at_idx ON auth_events (created_at);
