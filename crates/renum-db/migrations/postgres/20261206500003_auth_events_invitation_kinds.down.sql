SET LOCAL lock_timeout = '5s';
ALTER TABLE auth_events DROP CONSTRAINT auth_events_kind_check;
ALTER TABLE auth_events ADD CONSTRAINT auth_events_kind_check CHECK (kind IN (
        'signup', 'signin_success', 'signin_failure', 'signout', 'signout_all',
        'member_added', 'member_removed', 'role_change', 'ownership_transfer',
        'organization_deleted', 'opusclip_key_set', 'opusclip_key_removed')) NOT VALID;
COMMENT ON CONSTRAINT auth_events_kind_check ON auth_events IS $$The known event kinds$$;
