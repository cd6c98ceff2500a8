-- The mail outbox: every message renum sends (password resets, email verification) is a row
-- written in the same transaction as the action that causes it, so a committed action always
-- has its mail and a rolled-back one never does. The sender (crates/renum/src/mail/sender.rs,
-- in `renum serve` and `renum worker`) claims due rows under a lease, delivers over SMTP and
-- records each attempt. No foreign keys: a message outlives nothing it mentions, and the
-- purge of an organization must not wait on its mail.
CREATE TABLE mail_outbox (
    id              uuid        NOT NULL,
    kind            text        NOT NULL,
    recipient       text        NOT NULL,
    subject         text        NOT NULL,
    body_text       text        NOT NULL,
    body_html       text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending',
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_by      text,
    claimed_until   timestamptz,
    last_error      text,
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT mail_outbox_pkey PRIMARY KEY (id),
    CONSTRAINT mail_outbox_kind_check CHECK (kind IN ('password_reset', 'email_verification')),
    CONSTRAINT mail_outbox_status_check CHECK (status IN ('pending', 'sent', 'failed')),
    CONSTRAINT mail_outbox_recipient_check CHECK (char_length(recipient) BETWEEN 3 AND 254),
    CONSTRAINT mail_outbox_attempts_check CHECK (attempts >= 0),
    CONSTRAINT mail_outbox_sent_at_check CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
    CONSTRAINT mail_outbox_claim_check CHECK ((claimed_by IS NULL) = (claimed_until IS NULL))
);
-- The sender's claim: pending messages by when they are due. Led by status (constant here)
-- for SQLite's sake, where the same index must plan `mail_outbox.LIST_PENDING` as a SEARCH.
CREATE INDEX mail_outbox_due_idx ON mail_outbox (status, next_attempt_at) WHERE status = 'pending';

COMMENT ON TABLE mail_outbox IS $$The mail outbox (migration `20261206400000_mail_outbox`): each message renum sends, written in the transaction of the action that causes it (a password reset request, a signup). The sender claims due rows (`mail_outbox.CLAIM`, `FOR UPDATE SKIP LOCKED` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite) under a lease, delivers over SMTP and records the outcome fenced by its own id.

Delivery is at least once: a sender killed after the SMTP server accepted a message but before `mail_outbox.SENT` leaves the row claimed; when the lease runs out another sender delivers it again, with the same `Message-ID` (the row id) and `attempts` counting both. The bodies hold single-use links, so they are cleared once the message is sent or given up (docs/SECURITY.md). No foreign keys: the purge of an organization must not wait on its mail.$$;
COMMENT ON COLUMN mail_outbox.id IS $$UUIDv7, primary key; also the message's `Message-ID` (`<id@renum>`), so a redelivery after a crash is recognisably the same message$$;
COMMENT ON COLUMN mail_outbox.kind IS $$Which template the message was rendered from: `password_reset` or `email_verification`$$;
COMMENT ON COLUMN mail_outbox.recipient IS $$The address the message goes to (normalized, lowercase)$$;
COMMENT ON COLUMN mail_outbox.subject IS $$Subject line$$;
COMMENT ON COLUMN mail_outbox.body_text IS $$Plain-text body; holds the message's link, so emptied once the message is sent or given up$$;
COMMENT ON COLUMN mail_outbox.body_html IS $$HTML body (the same text, every substituted value escaped); emptied with `body_text`$$;
COMMENT ON COLUMN mail_outbox.status IS $$`pending` (waiting or being delivered), `sent`, or `failed` (given up after the sender's maximum attempts)$$;
COMMENT ON COLUMN mail_outbox.attempts IS $$Deliveries started: each claim adds one, so an attempt cut short by a crash still counts$$;
COMMENT ON COLUMN mail_outbox.next_attempt_at IS $$When the message is due: at creation, then after each failed attempt with exponential backoff$$;
COMMENT ON COLUMN mail_outbox.claimed_by IS $$The sender delivering it now; the outcome statements are fenced by it$$;
COMMENT ON COLUMN mail_outbox.claimed_until IS $$The claim's lease: past it, another sender may claim the message again (its sender died mid-delivery)$$;
COMMENT ON COLUMN mail_outbox.last_error IS $$Why the last attempt failed (the SMTP server's answer or the connection error)$$;
COMMENT ON COLUMN mail_outbox.sent_at IS $$When the SMTP server accepted the message$$;
COMMENT ON CONSTRAINT mail_outbox_pkey ON mail_outbox IS $$Identity of a message$$;
COMMENT ON CONSTRAINT mail_outbox_kind_check ON mail_outbox IS $$The known templates$$;
COMMENT ON CONSTRAINT mail_outbox_status_check ON mail_outbox IS $$The known states$$;
COMMENT ON CONSTRAINT mail_outbox_recipient_check ON mail_outbox IS $$An address is 3–254 characters, like `users.email`$$;
COMMENT ON CONSTRAINT mail_outbox_attempts_check ON mail_outbox IS $$A count$$;
COMMENT ON CONSTRAINT mail_outbox_sent_at_check ON mail_outbox IS $$A message has a `sent_at` exactly when it was sent$$;
COMMENT ON CONSTRAINT mail_outbox_claim_check ON mail_outbox IS $$A claim names its sender and its lease together$$;
COMMENT ON INDEX mail_outbox_pkey IS $$The outcome statements (`mail_outbox.SENT`, `RETRY`, `FAILED`) by id$$;
COMMENT ON INDEX mail_outbox_due_idx IS $$`mail_outbox.CLAIM` and `renum mail outbox`: pending messages by due time; sent and failed ones are not indexed$$;
