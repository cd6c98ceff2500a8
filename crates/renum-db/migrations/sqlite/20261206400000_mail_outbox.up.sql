-- The mail outbox; see the PostgreSQL migration of the same name for why it exists and how
-- the sender uses it.
CREATE TABLE mail_outbox (
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
-- Led by status: SQLite reads `WHERE status = 'pending' ORDER BY next_attempt_at`
-- (`mail_outbox.LIST_PENDING`, no bound on the time) as a SCAN of a partial index on
-- next_attempt_at alone, which the plan gate cannot tell from a full scan; with status first
-- it is a SEARCH. Still partial: it holds the pending messages only.
CREATE INDEX mail_outbox_due_idx ON mail_outbox (status, next_attempt_at) WHERE status = 'pending';
