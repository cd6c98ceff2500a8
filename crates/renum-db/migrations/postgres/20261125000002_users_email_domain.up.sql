-- Expand step of users.email_domain (the part of the email after '@'), which lets an
-- organization see its members grouped by company domain.
--
-- The column is added nullable and without a default: instant, no table rewrite. New rows get
-- it from users.INSERT; existing rows are filled by `renum backfill users_email_domain` in
-- key-ordered batches that never hold a lock for long. Once every environment has run the
-- backfill, a contract migration can make it NOT NULL (validated CHECK first).
SET LOCAL lock_timeout = '5s';

ALTER TABLE users ADD COLUMN email_domain text;

-- Progress of resumable backfills (`renum backfill NAME`): a killed run resumes after
-- last_key. Tooling state, not schema: the contract and `renum doctor` skip `_` tables.
CREATE TABLE _renum_backfills (
    name        text        NOT NULL,
    last_key    text,
    rows_done   bigint      NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL,
    finished_at timestamptz,
    CONSTRAINT _renum_backfills_pkey PRIMARY KEY (name)
);
