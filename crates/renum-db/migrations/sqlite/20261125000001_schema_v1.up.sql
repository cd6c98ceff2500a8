-- Schema v1, SQLite spelling. Same tables, columns, nullability, defaults, constraint names and
-- ON DELETE choices as migrations/postgres (the reasons are written there and in docs/schema.md).
--
-- How PostgreSQL types are spelled here (declared types keep the logical type visible to
-- introspection, while the affinity stays right for the stored values):
-- * UUID          hyphenated lowercase text.
-- * TIMESTAMPTZ   UTC text 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (fixed width, so text order is time order;
--                 the GLOB checks keep other spellings out).
-- * JSON_TEXT     JSON text, checked with json_valid.
-- * TEXT_ARRAY    a JSON array of strings (PostgreSQL text[]).
-- * BYTEA         BLOB.
-- Defaults use strftime with microseconds padded from SQLite's millisecond clock.

CREATE TABLE organizations (
    id                          UUID        NOT NULL,
    name                        TEXT        NOT NULL,
    slug                        TEXT        NOT NULL,
    plan                        TEXT        NOT NULL DEFAULT 'free',
    opusclip_api_key_ciphertext BYTEA,
    created_at                  TIMESTAMPTZ NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')) CHECK (created_at GLOB '????-??-??T??:??:??.??????Z'),
    updated_at                  TIMESTAMPTZ NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')) CHECK (updated_at GLOB '????-??-??T??:??:??.??????Z'),
    deleted_at                  TIMESTAMPTZ CHECK (deleted_at GLOB '????-??-??T??:??:??.??????Z'),
    CONSTRAINT organizations_pkey PRIMARY KEY (id),
    CONSTRAINT organizations_slug_key UNIQUE (slug),
    CONSTRAINT organizations_name_check CHECK (length(name) BETWEEN 1 AND 200),
    CONSTRAINT organizations_slug_check CHECK (
        length(slug) BETWEEN 1 AND 100 AND slug NOT GLOB '*[^a-z0-9-]*'
        AND slug NOT GLOB '-*' AND slug NOT GLOB '*-' AND slug NOT GLOB '*--*'),
    CONSTRAINT organizations_plan_check CHECK (plan IN ('free', 'starter', 'pro'))
);

CREATE TABLE users (
    id              UUID        NOT NULL,
    organization_id UUID        NOT NULL,
    email           TEXT        NOT NULL,
    password_hash   TEXT        NOT NULL,
    full_name       TEXT        NOT NULL,
    role            TEXT        NOT NULL DEFAULT 'member',
    last_login_at   TIMESTAMPTZ CHECK (last_login_at GLOB '????-??-??T??:??:??.??????Z'),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')) CHECK (created_at GLOB '????-??-??T??:??:??.??????Z'),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')) CHECK (updated_at GLOB '????-??-??T??:??:??.??????Z'),
    deleted_at      TIMESTAMPTZ CHECK (deleted_at GLOB '????-??-??T??:??:??.??????Z'),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE RESTRICT,
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_organization_id_id_key UNIQUE (organization_id, id),
    CONSTRAINT users_email_check CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%'),
    CONSTRAINT users_full_name_check CHECK (length(full_name) BETWEEN 1 AND 200),
    CONSTRAINT users_role_check CHECK (role IN ('owner', 'admin', 'member'))
);
CREATE UNIQUE INDEX users_one_owner_per_organization ON users (organization_id) WHERE role = 'owner' AND deleted_at IS NULL;

CREATE TABLE sessions (
    id           UUID        NOT NULL,
    user_id      UUID        NOT NULL,
    token_hash   BYTEA       NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL CHECK (expires_at GLOB '????-??-??T??:??:??.??????Z'),
    last_seen_at TIMESTAMPTZ NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')) CHECK (last_seen_at GLOB '????-??-??T??:??:??.??????Z'),
    revoked_at   TIMESTAMPTZ CHECK (revoked_at GLOB '????-??-??T??:??:??.??????Z'),
    ip           TEXT,
    user_agent   TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')) CHECK (created_at GLOB '????-??-??T??:??:??.??????Z'),
    CONSTRAINT sessions_pkey PRIMARY KEY (id),
    CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT sessions_token_hash_key UNIQUE (token_hash),
    CONSTRAINT sessions_token_hash_check CHECK (typeof(token_hash) = 'blob' AND length(token_hash) = 32),
    CONSTRAINT sessions_user_agent_check CHECK (length(user_agent) <= 512)
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE videos (
    id                  UUID        NOT NULL,
    organization_id     UUID        NOT NULL,
    user_id             UUID        NOT NULL,
    title               TEXT        NOT NULL,
    script              TEXT,
    video_raw_url       TEXT,
    video_processed_url TEXT,
    thumbnail_url       TEXT,
    status              TEXT        NOT NULL DEFAULT 'draft',
    module_type         TEXT,
    duration_seconds    DOUBLE PRECISION,
    size_bytes          BIGINT,
    captions            JSON_TEXT CHECK (json_valid(captions)),
    parent_video_id     UUID,
    opusclip_clip_id    TEXT,
    score               DOUBLE PRECISION,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')) CHECK (created_at GLOB '????-??-??T??:??:??.??????Z'),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')) CHECK (updated_at GLOB '????-??-??T??:??:??.??????Z'),
    CONSTRAINT videos_pkey PRIMARY KEY (id),
    CONSTRAINT videos_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE RESTRICT,
    CONSTRAINT videos_organization_id_id_key UNIQUE (organization_id, id),
    CONSTRAINT videos_organization_id_opusclip_clip_id_key UNIQUE (organization_id, opusclip_clip_id),
    CONSTRAINT videos_user_fkey FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE RESTRICT,
    CONSTRAINT videos_parent_video_fkey FOREIGN KEY (organization_id, parent_video_id) REFERENCES videos (organization_id, id) ON DELETE RESTRICT,
    CONSTRAINT videos_title_check CHECK (length(title) BETWEEN 1 AND 300),
    CONSTRAINT videos_status_check CHECK (status IN ('draft', 'processing', 'ready', 'posted', 'failed')),
    CONSTRAINT videos_module_type_check CHECK (module_type IN ('research', 'upload', 'avatar', 'clip')),
    CONSTRAINT videos_duration_seconds_check CHECK (duration_seconds >= 0),
    CONSTRAINT videos_size_bytes_check CHECK (size_bytes >= 0),
    CONSTRAINT videos_parent_video_check CHECK (parent_video_id IS NULL OR (module_type = 'clip' AND parent_video_id <> id))
);
CREATE INDEX videos_organization_id_created_at_idx ON videos (organization_id, created_at DESC, id DESC);
CREATE INDEX videos_organization_id_user_id_idx ON videos (organization_id, user_id);
CREATE INDEX videos_organization_id_parent_video_id_idx ON videos (organization_id, parent_video_id) WHERE parent_video_id IS NOT NULL;

CREATE TABLE clip_projects (
    id                  UUID        NOT NULL,
    organization_id     UUID        NOT NULL,
    video_id            UUID        NOT NULL,
    opusclip_project_id TEXT,
    stage               TEXT,
    status              TEXT        NOT NULL DEFAULT 'processing',
    options             JSON_TEXT   NOT NULL DEFAULT '{}' CHECK (json_valid(options)),
    attempts            INTEGER     NOT NULL DEFAULT 0,
    next_poll_at        TIMESTAMPTZ CHECK (next_poll_at GLOB '????-??-??T??:??:??.??????Z'),
    last_error          TEXT,
    completed_at        TIMESTAMPTZ CHECK (completed_at GLOB '????-??-??T??:??:??.??????Z'),
    created_at          TIMESTAMPTZ NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')) CHECK (created_at GLOB '????-??-??T??:??:??.??????Z'),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')) CHECK (updated_at GLOB '????-??-??T??:??:??.??????Z'),
    CONSTRAINT clip_projects_pkey PRIMARY KEY (id),
    CONSTRAINT clip_projects_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE RESTRICT,
    CONSTRAINT clip_projects_organization_id_id_key UNIQUE (organization_id, id),
    CONSTRAINT clip_projects_opusclip_project_id_key UNIQUE (opusclip_project_id),
    CONSTRAINT clip_projects_video_fkey FOREIGN KEY (organization_id, video_id) REFERENCES videos (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT clip_projects_status_check CHECK (status IN ('processing', 'completed', 'failed')),
    CONSTRAINT clip_projects_attempts_check CHECK (attempts >= 0),
    CONSTRAINT clip_projects_completed_at_check CHECK ((status = 'completed') = (completed_at IS NOT NULL))
);
CREATE INDEX clip_projects_poll_idx ON clip_projects (next_poll_at) WHERE status = 'processing';
CREATE INDEX clip_projects_organization_id_video_id_idx ON clip_projects (organization_id, video_id);

CREATE TABLE posts (
    id               UUID        NOT NULL,
    organization_id  UUID        NOT NULL,
    video_id         UUID        NOT NULL,
    created_by       UUID        NOT NULL,
    platform         TEXT        NOT NULL,
    description      TEXT        NOT NULL DEFAULT '',
    hashtags         TEXT_ARRAY  NOT NULL DEFAULT '[]',
    scheduled_at     TIMESTAMPTZ NOT NULL CHECK (scheduled_at GLOB '????-??-??T??:??:??.??????Z'),
    status           TEXT        NOT NULL DEFAULT 'draft',
    published_at     TIMESTAMPTZ CHECK (published_at GLOB '????-??-??T??:??:??.??????Z'),
    external_post_id TEXT,
    attempts         INTEGER     NOT NULL DEFAULT 0,
    last_error       TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')) CHECK (created_at GLOB '????-??-??T??:??:??.??????Z'),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')) CHECK (updated_at GLOB '????-??-??T??:??:??.??????Z'),
    CONSTRAINT posts_pkey PRIMARY KEY (id),
    CONSTRAINT posts_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE RESTRICT,
    CONSTRAINT posts_organization_id_id_key UNIQUE (organization_id, id),
    CONSTRAINT posts_platform_external_post_id_key UNIQUE (platform, external_post_id),
    CONSTRAINT posts_video_fkey FOREIGN KEY (organization_id, video_id) REFERENCES videos (organization_id, id) ON DELETE RESTRICT,
    CONSTRAINT posts_created_by_fkey FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id) ON DELETE RESTRICT,
    CONSTRAINT posts_platform_check CHECK (platform IN ('instagram', 'tiktok', 'facebook', 'youtube', 'linkedin', 'x')),
    CONSTRAINT posts_status_check CHECK (status IN ('draft', 'scheduled', 'publishing', 'published', 'failed', 'cancelled')),
    CONSTRAINT posts_description_check CHECK (length(description) <= 65535),
    CONSTRAINT posts_hashtags_check CHECK (json_valid(hashtags) AND json_type(hashtags) = 'array' AND json_array_length(hashtags) <= 100),
    CONSTRAINT posts_attempts_check CHECK (attempts >= 0),
    CONSTRAINT posts_published_at_check CHECK ((status = 'published') = (published_at IS NOT NULL)),
    CONSTRAINT posts_external_post_id_check CHECK (status <> 'published' OR external_post_id IS NOT NULL)
);
CREATE INDEX posts_organization_id_scheduled_at_idx ON posts (organization_id, scheduled_at DESC, id DESC);
CREATE INDEX posts_due_idx ON posts (scheduled_at) WHERE status = 'scheduled';
CREATE INDEX posts_organization_id_video_id_idx ON posts (organization_id, video_id);
CREATE INDEX posts_organization_id_created_by_idx ON posts (organization_id, created_by);

-- No foreign keys (see the PostgreSQL migration); no partitions on SQLite: retention deletes in
-- bounded batches by created_at.
CREATE TABLE api_logs (
    id              INTEGER          NOT NULL,
    organization_id UUID,
    direction       TEXT             NOT NULL,
    service         TEXT             NOT NULL,
    endpoint        TEXT             NOT NULL,
    method          TEXT             NOT NULL,
    status_code     INTEGER,
    duration_ms     DOUBLE PRECISION NOT NULL,
    request_id      TEXT,
    user_id         UUID,
    request_body    JSON_TEXT CHECK (json_valid(request_body)),
    response_body   JSON_TEXT CHECK (json_valid(response_body)),
    created_at      TIMESTAMPTZ      NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')) CHECK (created_at GLOB '????-??-??T??:??:??.??????Z'),
    CONSTRAINT api_logs_pkey PRIMARY KEY (id),
    CONSTRAINT api_logs_direction_check CHECK (direction IN ('inbound', 'outbound')),
    CONSTRAINT api_logs_service_check CHECK (length(service) BETWEEN 1 AND 100),
    CONSTRAINT api_logs_method_check CHECK (method IN ('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE')),
    CONSTRAINT api_logs_status_code_check CHECK (status_code BETWEEN 100 AND 599),
    CONSTRAINT api_logs_duration_ms_check CHECK (duration_ms >= 0)
);
CREATE INDEX api_logs_organization_id_created_at_idx ON api_logs (organization_id, created_at DESC, id DESC);
-- Retention deletes by age; PostgreSQL drops partitions instead and needs no such index.
CREATE INDEX api_logs_created_at_idx ON api_logs (created_at);
