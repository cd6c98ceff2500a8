-- Expand step of users.email_domain; SQLite spelling of the PostgreSQL migration (the reasons
-- are written there).
ALTER TABLE users ADD COLUMN email_domain TEXT;

CREATE TABLE _renum_backfills (
    name        TEXT        NOT NULL,
    last_key    TEXT,
    rows_done   BIGINT      NOT NULL DEFAULT 0,
    updated_at  TIMESTAMPTZ NOT NULL CHECK (updated_at GLOB '????-??-??T??:??:??.??????Z'),
    finished_at TIMESTAMPTZ CHECK (finished_at GLOB '????-??-??T??:??:??.??????Z'),
    CONSTRAINT _renum_backfills_pkey PRIMARY KEY (name)
);
