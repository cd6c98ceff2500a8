-- Back to the kinds before invitations (fails while invitation events remain).
CREATE TABLE auth_events_new (
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
INSERT INTO auth_events_new (id, organization_id, user_id, actor_id, kind, email_hash, ip, detail, created_at)
SELECT id, organization_id, user_id, actor_id, kind, email_hash, ip, detail, created_at FROM auth_events;
DROP TABLE auth_events;
ALTER TABLE auth_events_new RENAME TO auth_events;
CREATE INDEX auth_events_signin_failure_idx ON auth_events (email_hash, created_at) WHERE kind = 'signin_failure';
CREATE INDEX auth_events_organization_id_created_at_id_idx ON auth_events (organization_id, created_at, id);
CREATE INDEX auth_events_created_at_idx ON auth_events (created_at);
CREATE INDEX auth_events_whole_ip_idx ON auth_events (created_at) WHERE ip NOT LIKE '%/%';
CREATE INDEX auth_events_organization_id_kind_created_at_id_idx ON auth_events (organization_id, kind, created_at, id);
CREATE INDEX auth_events_organization_id_actor_id_created_at_id_idx ON auth_events (organization_id, actor_id, created_at, id) WHERE actor_id IS NOT NULL;
CREATE INDEX auth_events_organization_id_user_id_created_at_id_idx ON auth_events (organization_id, user_id, created_at, id) WHERE actor_id IS NULL;
