-- The schema documents itself: the prose of docs/schema.md (what each table is for, what
-- each column means, what each constraint guarantees, which access pattern each index
-- serves, why each foreign key deletes the way it does) lives here as COMMENT ON, so that
-- `renum schema docs` regenerates docs/schema.md from the live database and the document
-- cannot drift from the schema. Within a comment, the first paragraph is the table cell;
-- further paragraphs (after a blank line) are printed below the table.
-- COMMENT ON takes a SHARE UPDATE EXCLUSIVE lock (reads and writes go on), but it still
-- queues behind a long-running ALTER: give up quickly rather than wait.
SET lock_timeout = '5s';

-- organizations
COMMENT ON TABLE organizations IS $$The tenant root. Created at signup (`organizations.INSERT`), read and changed only through the caller's own scope. Referenced `ON DELETE RESTRICT` by every tenant table, so a stray `DELETE FROM organizations` can never wipe a tenant in one statement: it fails until the batched purge (`renum purge-deleted`) has emptied the tenant child-first.

Soft delete: deleting an organization through the API only sets `deleted_at` (`organizations.SOFT_DELETE`). Soft-deleted organizations are invisible to the catalogue's reads and updates (`organizations.GET`, `organizations.UPDATE`, `organizations.SET_OPUSCLIP_KEY`, and `users.WITH_ORGANIZATION`, which requires both the user and its organization to be live). Their slug stays taken (`organizations_slug_key` has no `deleted_at` filter) until the purge.$$;
COMMENT ON COLUMN organizations.id IS $$UUIDv7, primary key$$;
COMMENT ON COLUMN organizations.name IS $$Display name, 1–200 characters$$;
COMMENT ON COLUMN organizations.slug IS $$URL slug: lowercase `a-z0-9` words joined by single hyphens, at most 100 characters; globally unique$$;
COMMENT ON COLUMN organizations.plan IS $$`free`, `starter` or `pro`$$;
COMMENT ON COLUMN organizations.opusclip_api_key_ciphertext IS $$AES-256-GCM ciphertext (`nonce ‖ ciphertext ‖ tag`) of the organization's OpusClip API key; the plaintext is never stored. The API exposes only whether it is set (`users.WITH_ORGANIZATION` returns `organization_has_opusclip_key`)$$;
COMMENT ON COLUMN organizations.updated_at IS $$Set by every catalogue update$$;
COMMENT ON COLUMN organizations.deleted_at IS $$Soft-delete mark (`organizations.SOFT_DELETE`)$$;
COMMENT ON CONSTRAINT organizations_pkey ON organizations IS $$Identity of an organization$$;
COMMENT ON CONSTRAINT organizations_slug_key ON organizations IS $$One organization per slug, including soft-deleted ones until purged$$;
COMMENT ON CONSTRAINT organizations_name_check ON organizations IS $$Display names are 1–200 characters$$;
COMMENT ON CONSTRAINT organizations_slug_check ON organizations IS $$Slugs are URL-safe and at most 100 characters (SQLite spells the same rule with `GLOB`s)$$;
COMMENT ON CONSTRAINT organizations_plan_check ON organizations IS $$The known plans$$;
COMMENT ON INDEX organizations_pkey IS $$`organizations.GET`, `organizations.UPDATE`, `organizations.SET_OPUSCLIP_KEY`, `organizations.SOFT_DELETE` and the join in `users.WITH_ORGANIZATION`$$;
COMMENT ON INDEX organizations_slug_key IS $$Enforces uniqueness; no catalogue statement reads by slug$$;

-- users
COMMENT ON TABLE users IS $$Members of an organization. Sign-in looks a user up by email before any organization is known (`accounts.FIND_BY_EMAIL`); everything else goes through the organization's scope.

Soft delete: deleting a member only sets `deleted_at` (`users.SOFT_DELETE`); `users.GET`, `users.LIST`, `users.UPDATE`, `users.SET_LAST_LOGIN`, `users.WITH_ORGANIZATION` and `accounts.FIND_BY_EMAIL` all filter `deleted_at IS NULL`. The email stays taken until the purge; videos and posts created by a soft-deleted user keep their authorship (`videos_user_fkey`, `posts_created_by_fkey` are RESTRICT). The purge removes a user's sessions by cascade, and must deal with the user's videos and posts first.$$;
COMMENT ON COLUMN users.id IS $$UUIDv7, primary key$$;
COMMENT ON COLUMN users.organization_id IS $$Owning organization$$;
COMMENT ON COLUMN users.email IS $$Stored lowercased (the application normalizes; the CHECK refuses anything else), globally unique$$;
COMMENT ON COLUMN users.password_hash IS $$Password hash (never the password)$$;
COMMENT ON COLUMN users.full_name IS $$1–200 characters$$;
COMMENT ON COLUMN users.role IS $$`owner`, `admin` or `member`$$;
COMMENT ON COLUMN users.last_login_at IS $$Set by `users.SET_LAST_LOGIN` at sign-in$$;
COMMENT ON COLUMN users.deleted_at IS $$Soft-delete mark (`users.SOFT_DELETE`)$$;
COMMENT ON COLUMN users.email_domain IS $$The email's domain (after `@`), to group members by company. Added by `20261125000002_users_email_domain` (expand step): `users.INSERT` derives it; rows older than that migration are filled by `renum backfill users_email_domain`, so null means "not backfilled yet"$$;
COMMENT ON CONSTRAINT users_pkey ON users IS $$Identity of a user; target of `sessions_user_id_fkey`$$;
COMMENT ON CONSTRAINT users_email_key ON users IS $$Because emails are stored lowercased, this is case-insensitive uniqueness across **all** organizations, **including soft-deleted users until they are purged**: a soft-deleted user's address cannot sign up again before the purge. `accounts.FIND_BY_EMAIL` relies on it to return at most one row$$;
COMMENT ON CONSTRAINT users_organization_id_id_key ON users IS $$Target of the composite FKs that mean "a user of this organization" (`videos_user_fkey`, `posts_created_by_fkey`)$$;
COMMENT ON CONSTRAINT users_email_check ON users IS $$Emails are lowercase, 3–254 characters and shaped like `%_@_%`. `lower()` is ASCII-only on SQLite, so there the CHECK accepts non-ASCII uppercase letters that PostgreSQL refuses: the application normalizes emails before either engine sees them$$;
COMMENT ON CONSTRAINT users_full_name_check ON users IS $$Names are 1–200 characters$$;
COMMENT ON CONSTRAINT users_role_check ON users IS $$The known roles$$;
COMMENT ON CONSTRAINT users_organization_id_fkey ON users IS $$Users go with their organization only through the batched purge; a stray `DELETE FROM organizations` cannot remove them$$;
COMMENT ON INDEX users_pkey IS $$The `sessions_user_id_fkey` check on every `sessions.INSERT`$$;
COMMENT ON INDEX users_email_key IS $$`accounts.FIND_BY_EMAIL` (sign-in)$$;
COMMENT ON INDEX users_organization_id_id_key IS $$`users.GET`, `users.UPDATE`, `users.SET_LAST_LOGIN`, `users.SOFT_DELETE`, `users.WITH_ORGANIZATION`; also narrows `users.LIST` to one organization (it then sorts by `(created_at, id)`; an organization has few members, so there is no dedicated index)$$;
COMMENT ON INDEX users_one_owner_per_organization IS $$At most one live owner per organization. Ownership transfer demotes the old owner, then promotes the new one, in one transaction. A soft-deleted owner does not block a new one$$;

-- sessions
COMMENT ON TABLE sessions IS $$Bearer-token sessions. Looked up by token hash before the organization is known, so this is a global table keyed by user (no `organization_id`).

`sessions.GET_BY_TOKEN_HASH` does not look at the user's `deleted_at`; a session of a soft-deleted user is refused by resolving the user through `users.WITH_ORGANIZATION`, which hides soft-deleted users and organizations (and soft-deleting a user revokes its sessions with `sessions.REVOKE_ALL_FOR_USER`).$$;
COMMENT ON COLUMN sessions.id IS $$UUIDv7, primary key$$;
COMMENT ON COLUMN sessions.user_id IS $$The signed-in user$$;
COMMENT ON COLUMN sessions.token_hash IS $$SHA-256 of the bearer token (32 bytes); the token itself is never stored$$;
COMMENT ON COLUMN sessions.expires_at IS $$Absolute expiry$$;
COMMENT ON COLUMN sessions.last_seen_at IS $$Updated by `sessions.TOUCH`$$;
COMMENT ON COLUMN sessions.revoked_at IS $$Set by `sessions.REVOKE` / `sessions.REVOKE_ALL_FOR_USER` (sign-out)$$;
COMMENT ON COLUMN sessions.ip IS $$Client address at creation$$;
COMMENT ON COLUMN sessions.user_agent IS $$At most 512 characters$$;
COMMENT ON CONSTRAINT sessions_pkey ON sessions IS $$Identity of a session$$;
COMMENT ON CONSTRAINT sessions_token_hash_key ON sessions IS $$A token resolves to at most one session$$;
COMMENT ON CONSTRAINT sessions_token_hash_check ON sessions IS $$A SHA-256 digest: 32 bytes (SQLite also requires `typeof(token_hash) = 'blob'`)$$;
COMMENT ON CONSTRAINT sessions_user_agent_check ON sessions IS $$Bounded user agents$$;
COMMENT ON CONSTRAINT sessions_user_id_fkey ON sessions IS $$A session is meaningless without its user; purging a user removes its sessions in the same statement$$;
COMMENT ON INDEX sessions_pkey IS $$`sessions.TOUCH`, `sessions.REVOKE`$$;
COMMENT ON INDEX sessions_token_hash_key IS $$`sessions.GET_BY_TOKEN_HASH`, every authenticated request$$;
COMMENT ON INDEX sessions_user_id_idx IS $$FK `sessions_user_id_fkey`: `sessions.REVOKE_ALL_FOR_USER` ("revoke every session of a user") and the cascade from `users`$$;

-- videos
COMMENT ON TABLE videos IS $$The video library: uploads, generated videos and clips cut from them.

Deleting a video also meets `clip_projects_video_fkey` (CASCADE: its clip projects go with it) and `posts_video_fkey` (RESTRICT: see the delete rule of videos under `posts`).$$;
COMMENT ON COLUMN videos.id IS $$UUIDv7, primary key$$;
COMMENT ON COLUMN videos.organization_id IS $$Owning organization$$;
COMMENT ON COLUMN videos.user_id IS $$Member who created it (same organization, via `videos_user_fkey`)$$;
COMMENT ON COLUMN videos.title IS $$1–300 characters$$;
COMMENT ON COLUMN videos.script IS $$Script / text the video was made from$$;
COMMENT ON COLUMN videos.video_raw_url IS $$Location of the raw (unprocessed) file$$;
COMMENT ON COLUMN videos.video_processed_url IS $$Location of the processed file$$;
COMMENT ON COLUMN videos.thumbnail_url IS $$Location of the thumbnail image$$;
COMMENT ON COLUMN videos.status IS $$`draft`, `processing`, `ready`, `posted`, `failed`$$;
COMMENT ON COLUMN videos.module_type IS $$How it was made: `research`, `upload`, `avatar`, `clip`$$;
COMMENT ON COLUMN videos.duration_seconds IS $$≥ 0$$;
COMMENT ON COLUMN videos.size_bytes IS $$≥ 0$$;
COMMENT ON COLUMN videos.captions IS $$Caption data as JSON$$;
COMMENT ON COLUMN videos.parent_video_id IS $$For a clip: the source video it was cut from (same organization)$$;
COMMENT ON COLUMN videos.opusclip_clip_id IS $$OpusClip's id of the clip this row was ingested from$$;
COMMENT ON COLUMN videos.score IS $$Clip score as ingested from the provider$$;
COMMENT ON CONSTRAINT videos_pkey ON videos IS $$Identity of a video$$;
COMMENT ON CONSTRAINT videos_organization_id_id_key ON videos IS $$Target of `videos_parent_video_fkey`, `clip_projects_video_fkey`, `posts_video_fkey`$$;
COMMENT ON CONSTRAINT videos_organization_id_opusclip_clip_id_key ON videos IS $$Ingesting the same OpusClip clip twice (webhook and poller racing) stores it once; the loser gets `Error::Conflict`. Rows with a null `opusclip_clip_id` are not constrained$$;
COMMENT ON CONSTRAINT videos_title_check ON videos IS $$Titles are 1–300 characters$$;
COMMENT ON CONSTRAINT videos_status_check ON videos IS $$The known statuses$$;
COMMENT ON CONSTRAINT videos_module_type_check ON videos IS $$The known ways a video is made (null allowed)$$;
COMMENT ON CONSTRAINT videos_duration_seconds_check ON videos IS $$No negative durations$$;
COMMENT ON CONSTRAINT videos_size_bytes_check ON videos IS $$No negative sizes$$;
COMMENT ON CONSTRAINT videos_parent_video_check ON videos IS $$Only clips have a parent, and never themselves$$;
COMMENT ON CONSTRAINT videos_organization_id_fkey ON videos IS $$Tenant rows go only through the batched purge$$;
COMMENT ON CONSTRAINT videos_user_fkey ON videos IS $$Users are soft-deleted; a hard delete (purge) must first deal with what they created. The composite key guarantees the creator belongs to the same organization$$;
COMMENT ON CONSTRAINT videos_parent_video_fkey ON videos IS $$A source video cannot disappear from under its clips: delete the clips first (the purge deletes clips before their source videos). Same organization by construction$$;
COMMENT ON INDEX videos_pkey IS $$Uniqueness of ids$$;
COMMENT ON INDEX videos_organization_id_id_key IS $$`videos.GET`, `videos.UPDATE`, `videos.DELETE`; the video side of the join in `posts.GET_WITH_VIDEO` and `posts.LIST_WITH_VIDEO`$$;
COMMENT ON INDEX videos_organization_id_opusclip_clip_id_key IS $$Idempotent clip ingestion (no catalogue statement reads by it)$$;
COMMENT ON INDEX videos_organization_id_created_at_idx IS $$`videos.LIST`: the library, newest first, keyset on `(created_at, id)`; `status` / `module_type` filters are applied on the way$$;
COMMENT ON INDEX videos_organization_id_user_id_idx IS $$FK `videos_user_fkey`: "videos of a member" and the RESTRICT check when a user is purged$$;
COMMENT ON INDEX videos_organization_id_parent_video_id_idx IS $$FK `videos_parent_video_fkey`: "clips of a video" and the RESTRICT check of `videos.DELETE`; partial, so non-clips cost nothing$$;

-- clip_projects
COMMENT ON TABLE clip_projects IS $$Bookkeeping of an OpusClip clipping job started from a source video; the poller follows it until the provider reports completion.$$;
COMMENT ON COLUMN clip_projects.id IS $$UUIDv7, primary key$$;
COMMENT ON COLUMN clip_projects.organization_id IS $$Owning organization$$;
COMMENT ON COLUMN clip_projects.video_id IS $$The source video$$;
COMMENT ON COLUMN clip_projects.opusclip_project_id IS $$The provider's project id; null until the provider has accepted the project$$;
COMMENT ON COLUMN clip_projects.stage IS $$The provider's stage text (`PENDING`, `QUEUED`, `IMPORT`, ... `COMPLETE`, `STALLED`), kept verbatim, not constrained$$;
COMMENT ON COLUMN clip_projects.status IS $$renum's own state: `processing`, `completed`, `failed`$$;
COMMENT ON COLUMN clip_projects.options IS $$Options the project was created with$$;
COMMENT ON COLUMN clip_projects.attempts IS $$Poll / submit attempts so far, ≥ 0$$;
COMMENT ON COLUMN clip_projects.next_poll_at IS $$When the poller should look again$$;
COMMENT ON COLUMN clip_projects.last_error IS $$Last provider or transport error$$;
COMMENT ON COLUMN clip_projects.completed_at IS $$Set exactly when `status = 'completed'`$$;
COMMENT ON CONSTRAINT clip_projects_pkey ON clip_projects IS $$Identity of a clip project$$;
COMMENT ON CONSTRAINT clip_projects_organization_id_id_key ON clip_projects IS $$Tenant key: a clip project is addressed within its organization$$;
COMMENT ON CONSTRAINT clip_projects_opusclip_project_id_key ON clip_projects IS $$One row per provider project, across all organizations (nulls not constrained)$$;
COMMENT ON CONSTRAINT clip_projects_status_check ON clip_projects IS $$The known states$$;
COMMENT ON CONSTRAINT clip_projects_attempts_check ON clip_projects IS $$No negative attempt counts$$;
COMMENT ON CONSTRAINT clip_projects_completed_at_check ON clip_projects IS $$`completed_at` is set exactly when the project is completed$$;
COMMENT ON CONSTRAINT clip_projects_organization_id_fkey ON clip_projects IS $$Tenant rows go only through the batched purge$$;
COMMENT ON CONSTRAINT clip_projects_video_fkey ON clip_projects IS $$A clip project is bookkeeping of its source video and means nothing without it$$;
COMMENT ON INDEX clip_projects_pkey IS $$Uniqueness of ids$$;
COMMENT ON INDEX clip_projects_organization_id_id_key IS $$`clip_projects.GET`, `clip_projects.UPDATE`$$;
COMMENT ON INDEX clip_projects_opusclip_project_id_key IS $$Uniqueness of the provider id (no catalogue statement reads by it)$$;
COMMENT ON INDEX clip_projects_poll_idx IS $$The poller: processing projects whose next poll is due, across organizations. Partial, so it holds only live projects$$;
COMMENT ON INDEX clip_projects_organization_id_video_id_idx IS $$FK `clip_projects_video_fkey`: `clip_projects.LIST_FOR_VIDEO` ("projects of a video", then sorted by `created_at DESC, id DESC`) and the cascade from `videos`$$;

-- posts
COMMENT ON TABLE posts IS $$A video scheduled for (or published to) one social platform.$$;
COMMENT ON COLUMN posts.id IS $$UUIDv7, primary key$$;
COMMENT ON COLUMN posts.organization_id IS $$Owning organization$$;
COMMENT ON COLUMN posts.video_id IS $$The video to publish (same organization)$$;
COMMENT ON COLUMN posts.created_by IS $$Member who created the post (same organization)$$;
COMMENT ON COLUMN posts.platform IS $$`instagram`, `tiktok`, `facebook`, `youtube`, `linkedin`, `x`$$;
COMMENT ON COLUMN posts.description IS $$Post text, at most 65 535 characters$$;
COMMENT ON COLUMN posts.hashtags IS $$At most 100 hashtags (SQLite: a JSON array, default `'[]'`)$$;
COMMENT ON COLUMN posts.scheduled_at IS $$When to publish; also the calendar position$$;
COMMENT ON COLUMN posts.status IS $$`draft`, `scheduled`, `publishing`, `published`, `failed`, `cancelled`$$;
COMMENT ON COLUMN posts.published_at IS $$Set exactly when `status = 'published'`$$;
COMMENT ON COLUMN posts.external_post_id IS $$The platform's id of the published post; required once published$$;
COMMENT ON COLUMN posts.attempts IS $$Publish attempts so far, ≥ 0$$;
COMMENT ON COLUMN posts.last_error IS $$Last publish error$$;
COMMENT ON COLUMN posts.locked_by IS $$The worker holding the publishing lease (migration `20261125200000_post_leases`)$$;
COMMENT ON COLUMN posts.locked_until IS $$When that lease runs out; after it another worker may claim the post again$$;
COMMENT ON CONSTRAINT posts_pkey ON posts IS $$Identity of a post$$;
COMMENT ON CONSTRAINT posts_organization_id_id_key ON posts IS $$Tenant key: a post is addressed within its organization$$;
COMMENT ON CONSTRAINT posts_platform_external_post_id_key ON posts IS $$Backs "never published twice": a platform's post id is recorded once (nulls, i.e. unpublished posts, not constrained)$$;
COMMENT ON CONSTRAINT posts_platform_check ON posts IS $$The supported platforms$$;
COMMENT ON CONSTRAINT posts_status_check ON posts IS $$The known statuses$$;
COMMENT ON CONSTRAINT posts_description_check ON posts IS $$Post text is bounded$$;
COMMENT ON CONSTRAINT posts_hashtags_check ON posts IS $$At most 100 hashtags (SQLite: valid JSON, an array, `json_array_length <= 100`)$$;
COMMENT ON CONSTRAINT posts_attempts_check ON posts IS $$No negative attempt counts$$;
COMMENT ON CONSTRAINT posts_published_at_check ON posts IS $$`published_at` is set exactly when the post is published$$;
COMMENT ON CONSTRAINT posts_external_post_id_check ON posts IS $$A published post has the platform's id$$;
COMMENT ON CONSTRAINT posts_organization_id_fkey ON posts IS $$Tenant rows go only through the batched purge$$;
COMMENT ON CONSTRAINT posts_created_by_fkey ON posts IS $$Authorship survives a member's soft delete; a purge must deal with the posts first$$;
COMMENT ON CONSTRAINT posts_video_fkey ON posts IS $$The database never removes a post because its video went away; see the delete rule of videos below

The delete rule of videos: deleting a video that has a post in `scheduled`, `publishing` or `published` is refused (**409** `video_has_posts`): such a post was sent, or may be sent at any moment. A video whose posts never left renum (`draft`, `failed` and `cancelled`: a failed post was never published, a cancelled one never will be) is deleted together with those posts in one transaction. The application (`app::videos::delete`), in one transaction (`Db::begin`; `BEGIN IMMEDIATE` on SQLite), counts the blocking posts (`posts.COUNT_BLOCKING_FOR_VIDEO`, on `posts_organization_id_video_id_idx`), answers 409 if there is any, otherwise deletes the others (`posts.DELETE_UNSENT_FOR_VIDEO`) and then the video (`videos.DELETE`; its `clip_projects` cascade). RESTRICT is the backstop: a post inserted or scheduled concurrently makes `videos.DELETE` fail rather than orphan or silently drop it. PostgreSQL reports the FK violation as `posts_video_fkey`, while SQLite reports only "FOREIGN KEY constraint failed", so the 409 comes from the application's own check, not from mapping the error.$$;
COMMENT ON INDEX posts_pkey IS $$Uniqueness of ids$$;
COMMENT ON INDEX posts_organization_id_id_key IS $$`posts.GET`, `posts.GET_WITH_VIDEO`, `posts.UPDATE`, `posts.DELETE`$$;
COMMENT ON INDEX posts_platform_external_post_id_key IS $$"Never published twice" (no catalogue statement reads by it)$$;
COMMENT ON INDEX posts_organization_id_scheduled_at_idx IS $$`posts.LIST_WITH_VIDEO`: the calendar / feed, a `scheduled_at` window newest first, keyset on `(scheduled_at, id)`, each post joined to its video on `videos_organization_id_id_key` in the same query; `status` / `platform` filters applied on the way$$;
COMMENT ON INDEX posts_due_idx IS $$The scheduler's claim of due posts across organizations (`scheduler.CLAIM`: `FOR UPDATE SKIP LOCKED` on PostgreSQL). Partial, so it stays as small as the set of scheduled posts however many posts exist$$;
COMMENT ON INDEX posts_lease_expiry_idx IS $$`scheduler.CLAIM`'s second arm: posts whose worker's lease ran out (a crashed worker). Partial: only in-flight posts. Built CONCURRENTLY by its own no-transaction migration `20261125200001_post_lease_index`$$;
COMMENT ON INDEX posts_organization_id_video_id_idx IS $$FK `posts_video_fkey`: "posts of a video", the delete rule of videos, and the RESTRICT check of `videos.DELETE`$$;
COMMENT ON INDEX posts_organization_id_created_by_idx IS $$FK `posts_created_by_fkey`: the RESTRICT check when a user is purged$$;

-- api_logs
COMMENT ON TABLE api_logs IS $$Inbound and outbound HTTP calls (the API's own requests and calls to providers such as OpusClip). The highest-volume table; written in batches by `api_logs.INSERT_BATCH` (the log writer, `docs/API_LOGS.md`) or one row at a time by `api_logs.INSERT`, read per organization by `api_logs.LIST` (`GET /v1/api-logs`).

**No foreign keys, on purpose.** `organization_id` and `user_id` only *mention* rows: every FK check would cost a lookup per inserted row on the hottest write path; logs must outlive the rows they mention until retention expires them (a purged user's calls stay auditable until then); partitions are dropped wholesale, which FKs would obstruct. `renum doctor` reports orphans (log rows mentioning organizations or users that no longer exist) instead of the database refusing them. `api_logs` rows are not purged with their tenant; they expire with retention.

**Partitioning (PostgreSQL).** `api_logs` is `PARTITION BY RANGE (created_at)`, one partition per month. The v1 migration creates only the default partition, `api_logs_default`, which catches any row outside the monthly partitions created ahead of time (`renum logs partitions`). Retention drops whole monthly partitions instead of deleting rows (`renum logs purge`, `docs/API_LOGS.md`). Monthly partitions must be created *before* their month starts: PostgreSQL refuses to create a partition whose range already has rows in the default partition. The primary key is `(created_at, id)` rather than `(id)` because a unique constraint on a partitioned table must include the partition key. Constraints and indexes declared on `api_logs` are created on every partition (on `api_logs_default` PostgreSQL names them `api_logs_default_pkey` and `api_logs_default_organization_id_created_at_id_idx`; the CHECKs keep their names).

**SQLite** has no partitions: `api_logs` is one table with `PRIMARY KEY (id)` on the rowid, and retention deletes by age in bounded batches on an extra index, `api_logs_created_at_idx` on `(created_at)`, which PostgreSQL does not need.$$;
COMMENT ON COLUMN api_logs.id IS $$Database-generated sequence number (SQLite: `INTEGER` rowid alias); the one id not generated by the application$$;
COMMENT ON COLUMN api_logs.organization_id IS $$Organization the call belongs to; null when none is known (e.g. a failed sign-in). **No FK**$$;
COMMENT ON COLUMN api_logs.direction IS $$`inbound` or `outbound`$$;
COMMENT ON COLUMN api_logs.service IS $$Service called or calling, 1–100 characters$$;
COMMENT ON COLUMN api_logs.endpoint IS $$Path or URL called$$;
COMMENT ON COLUMN api_logs.method IS $$HTTP method$$;
COMMENT ON COLUMN api_logs.status_code IS $$HTTP status 100–599; null when no response arrived (timeout, connection error)$$;
COMMENT ON COLUMN api_logs.duration_ms IS $$≥ 0$$;
COMMENT ON COLUMN api_logs.request_id IS $$Correlation id$$;
COMMENT ON COLUMN api_logs.user_id IS $$Acting user, if any. **No FK**$$;
COMMENT ON COLUMN api_logs.request_body IS $$Request payload as JSON (truncated beyond the configured limit, secrets redacted)$$;
COMMENT ON COLUMN api_logs.response_body IS $$Response payload as JSON (truncated beyond the configured limit, secrets redacted)$$;
COMMENT ON COLUMN api_logs.created_at IS $$Partition key on PostgreSQL; `api_logs.INSERT` passes it explicitly$$;
COMMENT ON CONSTRAINT api_logs_pkey ON api_logs IS $$Identity of a row. SQLite: `PRIMARY KEY (id)`$$;
COMMENT ON CONSTRAINT api_logs_direction_check ON api_logs IS $$The two directions$$;
COMMENT ON CONSTRAINT api_logs_service_check ON api_logs IS $$Service names are 1–100 characters$$;
COMMENT ON CONSTRAINT api_logs_method_check ON api_logs IS $$The HTTP methods$$;
COMMENT ON CONSTRAINT api_logs_status_code_check ON api_logs IS $$Real HTTP statuses (null allowed)$$;
COMMENT ON CONSTRAINT api_logs_duration_ms_check ON api_logs IS $$No negative durations$$;
COMMENT ON INDEX api_logs_pkey IS $$Identity of a row$$;
COMMENT ON INDEX api_logs_organization_id_created_at_idx IS $$`api_logs.LIST`: an organization's logs, newest first, keyset on `(created_at, id)`$$;

-- auth_events
COMMENT ON TABLE auth_events IS $$The authentication audit trail (migration `20261125100000_auth_events`): signups, sign-ins (success and failure), sign-outs, member and role changes, ownership transfers, OpusClip key changes and organization deletions. It also backs the per-account sign-in throttle, which must hold across every server process (see docs/SECURITY.md).

No foreign keys, on purpose, like `api_logs`: the trail must outlive the users and organizations it mentions (the purge does not rewrite history) and failed sign-ins name no user at all.$$;
COMMENT ON COLUMN auth_events.id IS $$UUIDv7, primary key$$;
COMMENT ON COLUMN auth_events.organization_id IS $$The organization concerned, when known$$;
COMMENT ON COLUMN auth_events.user_id IS $$The user the event is about (none for a failed sign-in of an unknown email)$$;
COMMENT ON COLUMN auth_events.actor_id IS $$The member who acted, when someone else (an admin changing a role)$$;
COMMENT ON COLUMN auth_events.kind IS $$What happened (see `auth_events_kind_check`)$$;
COMMENT ON COLUMN auth_events.email_hash IS $$SHA-256 of the normalized email for sign-in events; never the email itself$$;
COMMENT ON COLUMN auth_events.ip IS $$Client address$$;
COMMENT ON COLUMN auth_events.detail IS $$Small event-specific detail (role from/to, counts)$$;
COMMENT ON CONSTRAINT auth_events_pkey ON auth_events IS $$Identity of an event$$;
COMMENT ON CONSTRAINT auth_events_kind_check ON auth_events IS $$The known event kinds$$;
COMMENT ON CONSTRAINT auth_events_email_hash_check ON auth_events IS $$A SHA-256 digest: 32 bytes$$;
COMMENT ON INDEX auth_events_pkey IS $$Uniqueness of ids$$;
COMMENT ON INDEX auth_events_signin_failure_idx IS $$`auth_events.RECENT_SIGNIN_FAILURES`: the throttle reads one account's recent failures on every sign-in$$;
COMMENT ON INDEX auth_events_organization_id_created_at_idx IS $$An organization's trail, newest first (operators; a later audit route)$$;
