-- The prose of the audit trail's new indexes and of the address column retention now cuts
-- (docs/schema.md is generated from these).
SET LOCAL lock_timeout = '5s';
COMMENT ON INDEX auth_events_organization_id_created_at_id_idx IS $$`auth_events.LIST`: an organization's trail in keyset pages on (created_at, id), newest first (`GET /v1/organization/audit-events`)$$;
COMMENT ON INDEX auth_events_created_at_idx IS $$`auth_events.DELETE_OLDER_BATCH`: audit retention deletes the events past `RENUM_AUDIT_RETENTION`, oldest first, in bounded batches$$;
COMMENT ON INDEX auth_events_whole_ip_idx IS $$`auth_events.WHOLE_IPS_OLDER`: the events whose address is still whole, so retention finds those turning 30 days old without walking the ones already cut$$;
COMMENT ON COLUMN auth_events.ip IS $$Client address; cut to its network (/24 for IPv4, /48 for IPv6) once the event is 30 days old$$;
