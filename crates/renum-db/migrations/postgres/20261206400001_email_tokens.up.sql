-- Single-use tokens mailed to a user: password reset links (an hour) and email verification
-- links. Like sessions, only a SHA-256 of the token is stored: a copy of the table opens no
-- account. A token is spent by setting used_at in the statement that checks it
-- (`email_tokens.CONSUME`), so two concurrent uses cannot both succeed.
CREATE TABLE email_tokens (
    id         uuid        NOT NULL,
    user_id    uuid        NOT NULL,
    purpose    text        NOT NULL,
    token_hash bytea       NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT email_tokens_pkey PRIMARY KEY (id),
    CONSTRAINT email_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT email_tokens_token_hash_key UNIQUE (token_hash),
    CONSTRAINT email_tokens_purpose_check CHECK (purpose IN ('password_reset', 'email_verification')),
    CONSTRAINT email_tokens_token_hash_check CHECK (octet_length(token_hash) = 32)
);
-- A new link supersedes the user's older ones (`email_tokens.SUPERSEDE`); the cascade from users.
CREATE INDEX email_tokens_user_id_idx ON email_tokens (user_id);

COMMENT ON TABLE email_tokens IS $$Single-use tokens mailed to a user (migration `20261206400001_email_tokens`): password reset links (valid an hour) and email verification links. Only the SHA-256 of a token is stored. A token is spent by the statement that checks it (`email_tokens.CONSUME` sets `used_at` only while it is unused and unexpired), so it works once even under concurrent use; a new link supersedes the user's older unused ones of the same purpose (`email_tokens.SUPERSEDE`).$$;
COMMENT ON COLUMN email_tokens.id IS $$UUIDv7, primary key$$;
COMMENT ON COLUMN email_tokens.user_id IS $$The user the link was mailed to$$;
COMMENT ON COLUMN email_tokens.purpose IS $$`password_reset` or `email_verification`: a token works only for its own purpose$$;
COMMENT ON COLUMN email_tokens.token_hash IS $$SHA-256 of the token (the token itself is only in the mail)$$;
COMMENT ON COLUMN email_tokens.expires_at IS $$Past it the token no longer works$$;
COMMENT ON COLUMN email_tokens.used_at IS $$When the token was spent or superseded by a newer one; a token with `used_at` set never works again$$;
COMMENT ON CONSTRAINT email_tokens_pkey ON email_tokens IS $$Identity of a token$$;
COMMENT ON CONSTRAINT email_tokens_user_id_fkey ON email_tokens IS $$A user's tokens go with the user (the purge), like its sessions$$;
COMMENT ON CONSTRAINT email_tokens_token_hash_key ON email_tokens IS $$One row per token hash, so `email_tokens.CONSUME` finds at most one$$;
COMMENT ON CONSTRAINT email_tokens_purpose_check ON email_tokens IS $$The known purposes$$;
COMMENT ON CONSTRAINT email_tokens_token_hash_check ON email_tokens IS $$A SHA-256 digest is 32 bytes$$;
COMMENT ON INDEX email_tokens_pkey IS $$Identity; no catalogue statement reads by id$$;
COMMENT ON INDEX email_tokens_token_hash_key IS $$`email_tokens.CONSUME`: the lookup by token hash$$;
COMMENT ON INDEX email_tokens_user_id_idx IS $$`email_tokens.SUPERSEDE`, and the cascade when a user is purged$$;
