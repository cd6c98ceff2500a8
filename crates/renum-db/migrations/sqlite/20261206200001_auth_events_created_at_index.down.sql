DROP INDEX IF EXISTS auth_events_created_at_idx;
