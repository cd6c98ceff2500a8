-- The prose of the audit filters' indexes (docs/schema.md is generated from these).
SET LOCAL lock_timeout = '5s';
COMMENT ON INDEX auth_events_organization_id_kind_created_at_id_idx IS $$`auth_events.LIST_BY_KIND`: one kind of an organization's events, newest first in keyset pages$$;
COMMENT ON INDEX auth_events_organization_id_actor_id_created_at_id_idx IS $$`auth_events.LIST_BY_ACTOR`, its first half: what a member did to someone else, newest first in keyset pages. Partial: most events have no actor$$;
COMMENT ON INDEX auth_events_organization_id_user_id_created_at_id_idx IS $$`auth_events.LIST_BY_ACTOR`, its second half: what a user did to itself (no `actor_id`), newest first in keyset pages$$;
