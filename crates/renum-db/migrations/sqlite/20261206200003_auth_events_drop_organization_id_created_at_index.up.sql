-- See the PostgreSQL migration of the same name.
DROP INDEX IF EXISTS auth_events_organization_id_created_at_idx;
