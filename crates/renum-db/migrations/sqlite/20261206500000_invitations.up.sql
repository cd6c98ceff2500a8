-- Invitations to join an organization; see the PostgreSQL migration of the same name.
CREATE TABLE invitations (
    id              UUID        NOT NULL,
    organization_id UUID        NOT NULL,
    email           TEXT        NOT NULL,
    role            TEXT        NOT NULL,
    invited_by      UUID        NOT NULL,
    token_hash      BYTEA       NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL CHECK (expires_at GLOB '????-??-??T??:??:??.??????Z'),
    accepted_at     TIMESTAMPTZ CHECK (accepted_at GLOB '????-??-??T??:??:??.??????Z'),
    revoked_at      TIMESTAMPTZ CHECK (revoked_at GLOB '????-??-??T??:??:??.??????Z'),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')) CHECK (created_at GLOB '????-??-??T??:??:??.??????Z'),
    CONSTRAINT invitations_pkey PRIMARY KEY (id),
    CONSTRAINT invitations_organization_id_id_key UNIQUE (organization_id, id),
    CONSTRAINT invitations_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE RESTRICT,
    CONSTRAINT invitations_invited_by_fkey FOREIGN KEY (organization_id, invited_by) REFERENCES users (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT invitations_token_hash_key UNIQUE (token_hash),
    CONSTRAINT invitations_email_check CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%'),
    CONSTRAINT invitations_role_check CHECK (role IN ('admin', 'member')),
    CONSTRAINT invitations_token_hash_check CHECK (typeof(token_hash) = 'blob' AND length(token_hash) = 32),
    CONSTRAINT invitations_settled_check CHECK (accepted_at IS NULL OR revoked_at IS NULL)
);
CREATE UNIQUE INDEX invitations_pending_email_key ON invitations (organization_id, email) WHERE accepted_at IS NULL AND revoked_at IS NULL;
CREATE INDEX invitations_pending_idx ON invitations (organization_id, created_at, id) WHERE accepted_at IS NULL AND revoked_at IS NULL;
CREATE INDEX invitations_invited_by_idx ON invitations (organization_id, invited_by);
