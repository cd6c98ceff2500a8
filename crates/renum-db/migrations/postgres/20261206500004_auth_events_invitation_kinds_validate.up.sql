-- Validates the CHECK 20261206500003_auth_events_invitation_kinds added NOT VALID. VALIDATE
-- CONSTRAINT takes only SHARE UPDATE EXCLUSIVE: sign-ins go on recording while it scans.
SET LOCAL lock_timeout = '5s';
ALTER TABLE auth_events VALIDATE CONSTRAINT auth_events_kind_check;
