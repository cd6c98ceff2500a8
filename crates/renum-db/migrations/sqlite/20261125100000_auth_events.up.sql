-- The authentication audit trail; see the PostgreSQL migration for the reasons (no FKs, no
-- plaintext emails, the per-account sign-in throttle reads it).
CREATE TABLE auth_events (
    id              UUID        NOT NULL,
    organization_id UUID,
    user_id         UUID,
    actor_id        UUID,
    kind            TEXT        NOT NULL,
    email_hash      BYTEA,
    ip              TEXT,
    detail          JSON_TEXT CHECK (json_valid(detail)),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')) CHECK (created_at GLOB '????-??-??T??:??:??.??????Z'),
    CONSTRAINT auth_events_pkey PRIMARY KEY (id),
    CONSTRAINT auth_events_kind_check CHECK (kind IN (
        'signup', 'signin_success', 'signin_failure', 'signout', 'signout_all',
        'member_added', 'member_removed', 'role_change', 'ownership_transfer',
        'organization_deleted', 'opusclip_key_set', 'opusclip_key_removed')),
    CONSTRAINT auth_events_email_hash_check CHECK (email_hash IS NULL OR (typeof(email_hash) = 'blob' AND length(email_hash) = 32))
);
CREATE INDEX auth_events_signin_failure_idx ON auth_events (email_hash, created_at) WHERE kind = 'signin_failure';
CREATE INDEX auth_events_organization_id_created_at_idx ON auth_events (organization_id, created_at DESC);
