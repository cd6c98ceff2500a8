-- Invitations are audited (expand): auth_events.kind accepts `invitation_sent` and
-- `invitation_revoked` (an accepted invitation is the `member_added` it creates). The wider
-- CHECK is added NOT VALID (instant; every existing row passes it) and validated by the next
-- migration; the narrower one goes in the same transaction, so there is never a moment
-- without a CHECK.
SET LOCAL lock_timeout = '5s';
ALTER TABLE auth_events DROP CONSTRAINT auth_events_kind_check;
ALTER TABLE auth_events ADD CONSTRAINT auth_events_kind_check CHECK (kind IN (
        'signup', 'signin_success', 'signin_failure', 'signout', 'signout_all',
        'member_added', 'member_removed', 'role_change', 'ownership_transfer',
        'organization_deleted', 'opusclip_key_set', 'opusclip_key_removed',
        'invitation_sent', 'invitation_revoked')) NOT VALID;
COMMENT ON CONSTRAINT auth_events_kind_check ON auth_events IS $$The known event kinds (`invitation_sent` and `invitation_revoked` since `20261206500003_auth_events_invitation_kinds`)$$;
