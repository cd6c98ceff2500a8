-- The authentication audit trail: signups, sign-ins (success and failure), sign-outs, member and
-- role changes. It also backs the per-account sign-in throttle, which must hold across every
-- server process, hence in the database rather than in memory.
--
-- No foreign keys, like api_logs: the trail must outlive the users and organizations it
-- mentions (a purge does not rewrite history), and failed sign-ins name no user at all.
-- Emails are never stored: email_hash is SHA-256 of the normalized email, enough to count
-- failures per account without keeping a list of typed addresses (PII hygiene).
CREATE TABLE auth_events (
    id              uuid        NOT NULL,
    organization_id uuid,
    user_id         uuid,
    -- The member who acted, when another than user_id (an admin changing a role).
    actor_id        uuid,
    kind            text        NOT NULL,
    email_hash      bytea,
    ip              text,
    detail          jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT auth_events_pkey PRIMARY KEY (id),
    CONSTRAINT auth_events_kind_check CHECK (kind IN (
        'signup', 'signin_success', 'signin_failure', 'signout', 'signout_all',
        'member_added', 'member_removed', 'role_change', 'ownership_transfer',
        'organization_deleted', 'opusclip_key_set', 'opusclip_key_removed')),
    CONSTRAINT auth_events_email_hash_check CHECK (octet_length(email_hash) = 32)
);
-- The sign-in throttle: recent failures of one account.
CREATE INDEX auth_events_signin_failure_idx ON auth_events (email_hash, created_at) WHERE kind = 'signin_failure';
-- An organization's trail, newest first.
CREATE INDEX auth_events_organization_id_created_at_idx ON auth_events (organization_id, created_at DESC);
