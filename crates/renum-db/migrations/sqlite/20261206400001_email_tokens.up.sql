-- Single-use tokens mailed to a user; see the PostgreSQL migration of the same name.
CREATE TABLE email_tokens (
    id         UUID        NOT NULL,
    user_id    UUID        NOT NULL,
    purpose    TEXT        NOT NULL,
    token_hash BYTEA       NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL CHECK (expires_at GLOB '????-??-??T??:??:??.??????Z'),
    used_at    TIMESTAMPTZ CHECK (used_at GLOB '????-??-??T??:??:??.??????Z'),
    created_at TIMESTAMPTZ NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')) CHECK (created_at GLOB '????-??-??T??:??:??.??????Z'),
    CONSTRAINT email_tokens_pkey PRIMARY KEY (id),
    CONSTRAINT email_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT email_tokens_token_hash_key UNIQUE (token_hash),
    CONSTRAINT email_tokens_purpose_check CHECK (purpose IN ('password_reset', 'email_verification')),
    CONSTRAINT email_tokens_token_hash_check CHECK (typeof(token_hash) = 'blob' AND length(token_hash) = 32)
);
CREATE INDEX email_tokens_user_id_idx ON email_tokens (user_id);
