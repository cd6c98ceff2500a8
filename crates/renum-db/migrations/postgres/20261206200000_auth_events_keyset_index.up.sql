-- no-transaction
-- `GET /v1/organization/audit-events`: an organization's trail in keyset pages on
-- (created_at, id). The index it replaces (auth_events_organization_id_created_at_idx, dropped
-- by 20261206200003) ends at created_at, so every page had to sort the organization's events
-- of equal timestamps by id (SQLite: the whole trail). Built CONCURRENTLY (auth_events takes a
-- row per sign-in), alone in its file; IF NOT EXISTS lets a retry pass after a failed build's
-- invalid index is dropped.
CREATE INDEX CONCURRENTLY IF NOT EXISTS auth_events_organization_id_created_at_id_idx ON auth_events (organization_id, created_at, id);
