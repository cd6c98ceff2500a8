-- Invitations are mailed (expand): mail_outbox.kind accepts `invitation`. The wider CHECK is
-- added NOT VALID (instant; every existing row passes it) and validated by the next migration;
-- the narrower one goes in the same transaction, so there is never a moment without a CHECK.
SET LOCAL lock_timeout = '5s';
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check CHECK (kind IN ('password_reset', 'email_verification', 'invitation')) NOT VALID;
COMMENT ON CONSTRAINT mail_outbox_kind_check ON mail_outbox IS $$The known templates (`invitation` since `20261206500001_mail_outbox_invitation_kind`)$$;
COMMENT ON COLUMN mail_outbox.kind IS $$Which template the message was rendered from: `password_reset`, `email_verification` or `invitation`$$;
