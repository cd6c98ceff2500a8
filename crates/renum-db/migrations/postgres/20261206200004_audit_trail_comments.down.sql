-- Reverts 20261206200004_audit_trail_comments.
SET LOCAL lock_timeout = '5s';
COMMENT ON INDEX auth_events_organization_id_created_at_id_idx IS NULL;
COMMENT ON INDEX auth_events_created_at_idx IS NULL;
COMMENT ON INDEX auth_events_whole_ip_idx IS NULL;
COMMENT ON COLUMN auth_events.ip IS $$Client address$$;
