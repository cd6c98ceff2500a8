-- Back to the two kinds (fails if an invitation message is still in the outbox).
CREATE TABLE mail_outbox_new (
    id              UUID        NOT NULL,
    kind            TEXT        NOT NULL,
    recipient       TEXT        NOT NULL,
    subject         TEXT        NOT NULL,
    body_text       TEXT        NOT NULL,
    body_html       TEXT        NOT NULL,
    status          TEXT        NOT NULL DEFAULT 'pending',
    attempts        INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')) CHECK (next_attempt_at GLOB '????-??-??T??:??:??.??????Z'),
    claimed_by      TEXT,
    claimed_until   TIMESTAMPTZ CHECK (claimed_until GLOB '????-??-??T??:??:??.??????Z'),
    last_error      TEXT,
    sent_at         TIMESTAMPTZ CHECK (sent_at GLOB '????-??-??T??:??:??.??????Z'),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')) CHECK (created_at GLOB '????-??-??T??:??:??.??????Z'),
    CONSTRAINT mail_outbox_pkey PRIMARY KEY (id),
    CONSTRAINT mail_outbox_kind_check CHECK (kind IN ('password_reset', 'email_verification')),
    CONSTRAINT mail_outbox_status_check CHECK (status IN ('pending', 'sent', 'failed')),
    CONSTRAINT mail_outbox_recipient_check CHECK (length(recipient) BETWEEN 3 AND 254),
    CONSTRAINT mail_outbox_attempts_check CHECK (attempts >= 0),
    CONSTRAINT mail_outbox_sent_at_check CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
    CONSTRAINT mail_outbox_claim_check CHECK ((claimed_by IS NULL) = (claimed_until IS NULL))
);
INSERT INTO mail_outbox_new (id, kind, recipient, subject, body_text, body_html, status, attempts, next_attempt_at, claimed_by, claimed_until, last_error, sent_at, created_at)
SELECT id, kind, recipient, subject, body_text, body_html, status, attempts, next_attempt_at, claimed_by, claimed_until, last_error, sent_at, created_at FROM mail_outbox;
DROP TABLE mail_outbox;
ALTER TABLE mail_outbox_new RENAME TO mail_outbox;
CREATE INDEX mail_outbox_due_idx ON mail_outbox (status, next_attempt_at) WHERE status = 'pending';
