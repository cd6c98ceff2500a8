-- Invitations: an owner or admin invites an address with a role; the mailed single-use link
-- lets whoever holds the mailbox create their own account (their own password) in the
-- organization. Like email_tokens and sessions, only a SHA-256 of the token is stored. A
-- tenant table: organization_id, UNIQUE (organization_id, id), and the inviter referenced by
-- the composite FK so an invitation can never name a user of another organization.
CREATE TABLE invitations (
    id              uuid        NOT NULL,
    organization_id uuid        NOT NULL,
    email           text        NOT NULL,
    role            text        NOT NULL,
    invited_by      uuid        NOT NULL,
    token_hash      bytea       NOT NULL,
    expires_at      timestamptz NOT NULL,
    accepted_at     timestamptz,
    revoked_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT invitations_pkey PRIMARY KEY (id),
    CONSTRAINT invitations_organization_id_id_key UNIQUE (organization_id, id),
    CONSTRAINT invitations_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE RESTRICT,
    CONSTRAINT invitations_invited_by_fkey FOREIGN KEY (organization_id, invited_by) REFERENCES users (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT invitations_token_hash_key UNIQUE (token_hash),
    CONSTRAINT invitations_email_check CHECK (email = lower(email) AND char_length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%'),
    CONSTRAINT invitations_role_check CHECK (role IN ('admin', 'member')),
    CONSTRAINT invitations_token_hash_check CHECK (octet_length(token_hash) = 32),
    CONSTRAINT invitations_settled_check CHECK (accepted_at IS NULL OR revoked_at IS NULL)
);
-- One pending invitation per address and organization: a new one revokes the older first
-- (`invitations.SUPERSEDE`), and the index makes a race between two invites fail loudly.
CREATE UNIQUE INDEX invitations_pending_email_key ON invitations (organization_id, email) WHERE accepted_at IS NULL AND revoked_at IS NULL;
-- The pending list, oldest first (`invitations.LIST_PENDING`).
CREATE INDEX invitations_pending_idx ON invitations (organization_id, created_at, id) WHERE accepted_at IS NULL AND revoked_at IS NULL;
-- The cascade when an inviter is purged.
CREATE INDEX invitations_invited_by_idx ON invitations (organization_id, invited_by);

COMMENT ON TABLE invitations IS $$Invitations to join an organization (migration `20261206500000_invitations`), sent by an owner or admin (`POST /v1/organization/invitations`) and mailed as a single-use link in the same transaction. Only the SHA-256 of a token is stored. Accepting (`invitations.ACCEPT`) spends the token in the statement that checks it, in the transaction that creates the member, so it works once even under concurrent use. A new invitation to the same address revokes the pending one (`invitations.SUPERSEDE`).$$;
COMMENT ON COLUMN invitations.id IS $$UUIDv7, primary key$$;
COMMENT ON COLUMN invitations.organization_id IS $$The organization the invitee joins$$;
COMMENT ON COLUMN invitations.email IS $$The invited address (normalized, lowercase); the account created on acceptance has it, verified$$;
COMMENT ON COLUMN invitations.role IS $$The role the member gets: `admin` or `member` (never `owner`)$$;
COMMENT ON COLUMN invitations.invited_by IS $$The owner or admin who sent it$$;
COMMENT ON COLUMN invitations.token_hash IS $$SHA-256 of the token (the token itself is only in the mail)$$;
COMMENT ON COLUMN invitations.expires_at IS $$Past it the link no longer works (7 days by default, `RENUM_INVITATION_TTL`)$$;
COMMENT ON COLUMN invitations.accepted_at IS $$When the invitee created their account with it$$;
COMMENT ON COLUMN invitations.revoked_at IS $$When a manager revoked it, or a newer invitation to the same address superseded it$$;
COMMENT ON CONSTRAINT invitations_pkey ON invitations IS $$Identity of an invitation$$;
COMMENT ON CONSTRAINT invitations_organization_id_id_key ON invitations IS $$Tenant key, like every tenant table$$;
COMMENT ON CONSTRAINT invitations_organization_id_fkey ON invitations IS $$RESTRICT: tenant rows go with their organization only through the batched purge$$;
COMMENT ON CONSTRAINT invitations_invited_by_fkey ON invitations IS $$The inviter is a user of the same organization; its invitations go with it when the purge deletes it$$;
COMMENT ON CONSTRAINT invitations_token_hash_key ON invitations IS $$One row per token hash, so `invitations.ACCEPT` finds at most one$$;
COMMENT ON CONSTRAINT invitations_email_check ON invitations IS $$Lowercase, 3–254 characters, like `users.email`$$;
COMMENT ON CONSTRAINT invitations_role_check ON invitations IS $$Nobody is invited as the owner: ownership is transferred$$;
COMMENT ON CONSTRAINT invitations_token_hash_check ON invitations IS $$A SHA-256 digest is 32 bytes$$;
COMMENT ON CONSTRAINT invitations_settled_check ON invitations IS $$An invitation is accepted or revoked, never both$$;
COMMENT ON INDEX invitations_pkey IS $$Identity; no catalogue statement reads by id alone$$;
COMMENT ON INDEX invitations_organization_id_id_key IS $$`invitations.REVOKE`: an organization's invitation by id$$;
COMMENT ON INDEX invitations_token_hash_key IS $$`invitations.ACCEPT`: the lookup by token hash$$;
COMMENT ON INDEX invitations_pending_email_key IS $$At most one pending invitation per address and organization; `invitations.SUPERSEDE`$$;
COMMENT ON INDEX invitations_pending_idx IS $$`invitations.LIST_PENDING`: an organization's pending invitations, oldest first$$;
COMMENT ON INDEX invitations_invited_by_idx IS $$The cascade when an inviter is purged$$;
