-- Validates the CHECK 20261206500001_mail_outbox_invitation_kind added NOT VALID. VALIDATE
-- CONSTRAINT takes only SHARE UPDATE EXCLUSIVE: the sender goes on claiming while it scans.
SET LOCAL lock_timeout = '5s';
ALTER TABLE mail_outbox VALIDATE CONSTRAINT mail_outbox_kind_check;
