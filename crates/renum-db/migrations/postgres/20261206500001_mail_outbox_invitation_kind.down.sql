SET LOCAL lock_timeout = '5s';
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check CHECK (kind IN ('password_reset', 'email_verification')) NOT VALID;
COMMENT ON CONSTRAINT mail_outbox_kind_check ON mail_outbox IS $$The known templates$$;
COMMENT ON COLUMN mail_outbox.kind IS $$Which template the message was rendered from: `password_reset` or `email_verification`$$;
