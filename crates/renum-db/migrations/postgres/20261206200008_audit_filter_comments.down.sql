-- Reverts 20261206200008_audit_filter_comments.
SET LOCAL lock_timeout = '5s';
COMMENT ON INDEX auth_events_organization_id_kind_created_at_id_idx IS NULL;
COMMENT ON INDEX auth_events_organization_id_actor_id_created_at_id_idx IS NULL;
COMMENT ON INDEX auth_events_organization_id_user_id_created_at_id_idx IS NULL;
