//! Introspection reads the same logical schema from both engines: the premise of a contract
//! that is identical whichever engine generated it, and of invariants that hold whichever
//! engine stores the data.

use std::collections::BTreeSet;

use renum_db::Engine;
use renum_db::testing::TestDb;
use renum_ops::introspect::{self, Schema};

/// Every fact the engines must agree on, one line each: columns (type, nullability, normalised
/// default, enum values), foreign keys (columns, target, ON DELETE / ON UPDATE, validity),
/// CHECKs (normalised body, validity) and indexes (key columns, uniqueness, normalised
/// predicate). A line names its table and object, so a difference says what differs.
fn facts(schema: &Schema) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for t in &schema.tables {
        for c in &t.columns {
            out.insert(format!(
                "column {}.{} {} null={} default={:?} generated={} enum={:?}",
                t.name, c.name, c.ty, c.nullable, c.default, c.generated, c.enum_values
            ));
        }
        for fk in &t.foreign_keys {
            out.insert(format!(
                "foreign key {}.{} ({}) -> {} ({}) on delete {} on update {} valid={}",
                t.name,
                fk.name,
                fk.columns.join(", "),
                fk.referenced_table,
                fk.referenced_columns.join(", "),
                fk.on_delete,
                fk.on_update,
                fk.validated
            ));
        }
        for c in &t.checks {
            out.insert(format!(
                "check {}.{} {} valid={}",
                t.name, c.name, c.body, c.validated
            ));
        }
        for i in &t.indexes {
            out.insert(format!(
                "index {}.{} ({}){}{}{}",
                t.name,
                i.name,
                i.columns.join(", "),
                if i.unique { " unique" } else { "" },
                if i.primary { " primary" } else { "" },
                i.predicate
                    .as_ref()
                    .map(|p| format!(" where {p}"))
                    .unwrap_or_default()
            ));
        }
    }
    out
}

/// A fact the engines state differently on purpose, and why. Anything else that differs is
/// drift. Each fact must still be found exactly as written here (else it is reported in
/// [`Drift::excuses_gone`]), so an entry cannot outlive the difference it excuses, nor
/// excuse a changed one.
struct Apart {
    sqlite: Option<&'static str>,
    postgres: Option<&'static str>,
    why: &'static str,
}

const APART: &[Apart] = &[
    Apart {
        sqlite: None,
        postgres: Some("index api_logs.api_logs_pkey (created_at, id) unique primary"),
        why: "a partitioned table's key must include the partition key; SQLite's key is the \
              rowid, which has no index to list",
    },
    Apart {
        sqlite: Some("index api_logs.api_logs_created_at_idx (created_at)"),
        postgres: None,
        why: "SQLite's retention deletes by age on it; PostgreSQL drops partitions",
    },
    Apart {
        sqlite: Some(
            "check organizations.organizations_slug_check (char_length(slug) >= 1) and \
             (char_length(slug) <= 100) and (not (slug glob '*[^a-z0-9-]*')) and \
             (not (slug glob '-*')) and (not (slug glob '*-')) and (not (slug glob '*--*')) \
             valid=true",
        ),
        postgres: Some(
            "check organizations.organizations_slug_check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$') \
             and (char_length(slug) <= 100) valid=true",
        ),
        why: "SQLite has no regular expressions: the GLOBs say the same (lowercase letters, \
              digits and single inner hyphens, at least one character)",
    },
    Apart {
        sqlite: Some(
            "check sessions.sessions_token_hash_check (typeof(token_hash) = 'blob') and \
             (char_length(token_hash) = 32) valid=true",
        ),
        postgres: Some(
            "check sessions.sessions_token_hash_check octet_length(token_hash) = 32 valid=true",
        ),
        why: "32 bytes; SQLite's length() counts a blob's bytes, and typeof() stands in for \
              the bytea type",
    },
    Apart {
        sqlite: Some(
            "check email_tokens.email_tokens_token_hash_check (typeof(token_hash) = 'blob') and \
             (char_length(token_hash) = 32) valid=true",
        ),
        postgres: Some(
            "check email_tokens.email_tokens_token_hash_check octet_length(token_hash) = 32 valid=true",
        ),
        why: "as sessions_token_hash_check",
    },
    Apart {
        sqlite: Some(
            "check invitations.invitations_token_hash_check (typeof(token_hash) = 'blob') and \
             (char_length(token_hash) = 32) valid=true",
        ),
        postgres: Some(
            "check invitations.invitations_token_hash_check octet_length(token_hash) = 32 valid=true",
        ),
        why: "as sessions_token_hash_check",
    },
    Apart {
        sqlite: Some(
            "check auth_events.auth_events_email_hash_check (email_hash is null) or \
             ((typeof(email_hash) = 'blob') and (char_length(email_hash) = 32)) valid=true",
        ),
        postgres: Some(
            "check auth_events.auth_events_email_hash_check octet_length(email_hash) = 32 valid=true",
        ),
        why: "as sessions_token_hash_check, on a nullable column: typeof(NULL) is not 'blob', \
              so SQLite lets NULL through explicitly where PostgreSQL's NULL passes by itself",
    },
    Apart {
        sqlite: Some(
            "check posts.posts_hashtags_check json_valid(hashtags) and \
             (json_type(hashtags) = 'array') and (json_array_length(hashtags) <= 100) valid=true",
        ),
        postgres: Some("check posts.posts_hashtags_check cardinality(hashtags) <= 100 valid=true"),
        why: "text[] is a JSON array on SQLite: at most 100 elements, and an array at all",
    },
    Apart {
        sqlite: Some(
            "check videos.videos_hashtags_check json_valid(hashtags) and \
             (json_type(hashtags) = 'array') and (json_array_length(hashtags) <= 100) valid=true",
        ),
        postgres: Some(
            "check videos.videos_hashtags_check cardinality(hashtags) <= 100 valid=true",
        ),
        why: "as posts_hashtags_check",
    },
];

/// The facts only one engine states, once the [`APART`] ones are set aside, and the
/// [`APART`] facts no longer found (with why they were excused).
#[derive(Debug, Default, PartialEq)]
struct Drift {
    sqlite_only: Vec<String>,
    postgres_only: Vec<String>,
    excuses_gone: Vec<String>,
}

async fn drift(sqlite: &TestDb, postgres: &TestDb) -> Drift {
    let mut a = facts(&introspect::read(&sqlite.db).await.unwrap());
    let mut b = facts(&introspect::read(&postgres.db).await.unwrap());
    let mut excuses_gone = Vec::new();
    for apart in APART {
        for (facts, fact) in [(&mut a, apart.sqlite), (&mut b, apart.postgres)] {
            if let Some(fact) = fact
                && !facts.remove(fact)
            {
                excuses_gone.push(format!("{fact} ({})", apart.why));
            }
        }
    }
    Drift {
        sqlite_only: a.difference(&b).cloned().collect(),
        postgres_only: b.difference(&a).cloned().collect(),
        excuses_gone,
    }
}

/// Fresh databases on both engines, with `plant` run on `engine`'s, and what then differs.
async fn planted(engine: Engine, plant: &[&'static str]) -> Drift {
    let sqlite = TestDb::new(Engine::Sqlite).await;
    let postgres = TestDb::new(Engine::Postgres).await;
    let target = if engine == Engine::Sqlite {
        &sqlite
    } else {
        &postgres
    };
    for statement in plant {
        raw!(&target.db, *statement).unwrap();
    }
    let found = drift(&sqlite, &postgres).await;
    sqlite.cleanup().await;
    postgres.cleanup().await;
    found
}

#[tokio::test]
async fn both_engines_introspect_to_the_same_logical_schema() {
    let sqlite = TestDb::new(Engine::Sqlite).await;
    let pg = TestDb::new(Engine::Postgres).await;
    assert_eq!(drift(&sqlite, &pg).await, Drift::default());

    let a = introspect::read(&sqlite.db).await.unwrap();
    let b = introspect::read(&pg.db).await.unwrap();
    let names: Vec<_> = a.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "api_logs",
            "auth_events",
            "clip_projects",
            "email_tokens",
            "invitations",
            "mail_outbox",
            "organizations",
            "posts",
            "sessions",
            "users",
            "videos"
        ]
    );
    // The facts compared are really read, on both engines, not absent on both.
    for schema in [&a, &b] {
        let users = schema.table("users").unwrap();
        let owner = users
            .indexes
            .iter()
            .find(|i| i.name == "users_one_owner_per_organization")
            .unwrap();
        assert_eq!(
            owner.predicate.as_deref(),
            Some("(role = 'owner') and (deleted_at is null)")
        );
        assert!(owner.unique);
        let sessions = schema.table("sessions").unwrap();
        assert_eq!(
            sessions.foreign_keys[0].on_delete,
            introspect::FkAction::Cascade
        );
        assert_eq!(
            sessions.foreign_keys[0].on_update,
            introspect::FkAction::NoAction
        );
        let organizations = schema.table("organizations").unwrap();
        let default = |column: &str| organizations.column(column).unwrap().default.clone();
        assert_eq!(default("plan").as_deref(), Some("'free'"));
        assert_eq!(default("created_at").as_deref(), Some("now()"));
        assert_eq!(default("deleted_at"), None);
        let name_check = organizations
            .checks
            .iter()
            .find(|c| c.name == "organizations_name_check")
            .unwrap();
        assert_eq!(
            name_check.body,
            "(char_length(name) >= 1) and (char_length(name) <= 200)"
        );
    }
    let posts = a.table("posts").unwrap();
    assert_eq!(
        posts
            .column("platform")
            .unwrap()
            .enum_values
            .as_deref()
            .map(<[String]>::len),
        Some(6)
    );
    assert_eq!(posts.foreign_keys.len(), 3);
    // Constraint-owned indexes carry the constraint's name on SQLite too.
    assert!(
        b.table("users")
            .unwrap()
            .indexes
            .iter()
            .any(|i| i.name == "users_email_key")
    );
    assert!(
        a.table("users")
            .unwrap()
            .indexes
            .iter()
            .any(|i| i.name == "users_email_key" && i.unique)
    );
    sqlite.cleanup().await;
    pg.cleanup().await;
}

/// A difference planted on one engine: the statements, and the one fact that then reads
/// `sqlite` on SQLite and `postgres` on PostgreSQL.
struct Plant {
    kind: &'static str,
    engine: Engine,
    statements: &'static [&'static str],
    sqlite: &'static str,
    postgres: &'static str,
}

/// One planted difference of each kind engine equality covers. SQLite cannot alter a
/// constraint or a default in place, so those are planted on PostgreSQL; indexes on SQLite.
const PLANTS: &[Plant] = &[
    Plant {
        kind: "partial unique index predicate",
        engine: Engine::Sqlite,
        statements: &[
            "DROP INDEX users_one_owner_per_organization",
            "CREATE UNIQUE INDEX users_one_owner_per_organization ON users (organization_id) \
             WHERE role = 'owner'",
        ],
        sqlite: "index users.users_one_owner_per_organization (organization_id) unique \
                 where role = 'owner'",
        postgres: "index users.users_one_owner_per_organization (organization_id) unique \
                   where (role = 'owner') and (deleted_at is null)",
    },
    Plant {
        kind: "uniqueness",
        engine: Engine::Sqlite,
        statements: &[
            "DROP INDEX users_one_owner_per_organization",
            "CREATE INDEX users_one_owner_per_organization ON users (organization_id) \
             WHERE role = 'owner' AND deleted_at IS NULL",
        ],
        sqlite: "index users.users_one_owner_per_organization (organization_id) \
                 where (role = 'owner') and (deleted_at is null)",
        postgres: "index users.users_one_owner_per_organization (organization_id) unique \
                   where (role = 'owner') and (deleted_at is null)",
    },
    Plant {
        kind: "unique key columns",
        engine: Engine::Postgres,
        statements: &[
            "ALTER TABLE posts DROP CONSTRAINT posts_platform_external_post_id_key, \
                       ADD CONSTRAINT posts_platform_external_post_id_key UNIQUE (external_post_id)",
        ],
        sqlite: "index posts.posts_platform_external_post_id_key (platform, external_post_id) unique",
        postgres: "index posts.posts_platform_external_post_id_key (external_post_id) unique",
    },
    Plant {
        kind: "CHECK body",
        engine: Engine::Postgres,
        statements: &[
            "ALTER TABLE posts DROP CONSTRAINT posts_external_post_id_check, \
                       ADD CONSTRAINT posts_external_post_id_check \
                       CHECK (status <> 'published' AND external_post_id IS NOT NULL)",
        ],
        sqlite: "check posts.posts_external_post_id_check \
                 (status <> 'published') or (external_post_id is not null) valid=true",
        postgres: "check posts.posts_external_post_id_check \
                   (status <> 'published') and (external_post_id is not null) valid=true",
    },
    Plant {
        kind: "default",
        engine: Engine::Postgres,
        statements: &["ALTER TABLE organizations ALTER COLUMN plan SET DEFAULT 'starter'"],
        sqlite: "column organizations.plan text null=false default=Some(\"'free'\") \
                 generated=false enum=Some([\"free\", \"starter\", \"pro\"])",
        postgres: "column organizations.plan text null=false default=Some(\"'starter'\") \
                   generated=false enum=Some([\"free\", \"starter\", \"pro\"])",
    },
    Plant {
        kind: "ON DELETE",
        engine: Engine::Postgres,
        statements: &[
            "ALTER TABLE sessions DROP CONSTRAINT sessions_user_id_fkey, \
                       ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) \
                       REFERENCES users (id) ON DELETE RESTRICT",
        ],
        sqlite: "foreign key sessions.sessions_user_id_fkey (user_id) -> users (id) \
                 on delete CASCADE on update NO ACTION valid=true",
        postgres: "foreign key sessions.sessions_user_id_fkey (user_id) -> users (id) \
                   on delete RESTRICT on update NO ACTION valid=true",
    },
    Plant {
        kind: "ON UPDATE",
        engine: Engine::Postgres,
        statements: &[
            "ALTER TABLE sessions DROP CONSTRAINT sessions_user_id_fkey, \
                       ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) \
                       REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE",
        ],
        sqlite: "foreign key sessions.sessions_user_id_fkey (user_id) -> users (id) \
                 on delete CASCADE on update NO ACTION valid=true",
        postgres: "foreign key sessions.sessions_user_id_fkey (user_id) -> users (id) \
                   on delete CASCADE on update CASCADE valid=true",
    },
];

#[tokio::test]
async fn a_planted_difference_of_each_kind_is_drift() {
    for plant in PLANTS {
        let expected = Drift {
            sqlite_only: vec![plant.sqlite.to_owned()],
            postgres_only: vec![plant.postgres.to_owned()],
            excuses_gone: Vec::new(),
        };
        let found = planted(plant.engine, plant.statements).await;
        assert_eq!(found, expected, "planted {}", plant.kind);
    }
}

#[tokio::test]
async fn a_check_the_engines_spell_apart_is_still_compared() {
    let found = planted(
        Engine::Postgres,
        &[
            "ALTER TABLE organizations DROP CONSTRAINT organizations_slug_check, \
           ADD CONSTRAINT organizations_slug_check \
           CHECK (slug ~ '^[a-z0-9-]+$' AND char_length(slug) <= 100)",
        ],
    )
    .await;
    assert_eq!(found.sqlite_only, Vec::<String>::new());
    assert_eq!(
        found.postgres_only,
        [
            "check organizations.organizations_slug_check (slug ~ '^[a-z0-9-]+$') and (char_length(slug) <= 100) valid=true"
        ]
    );
    assert_eq!(found.excuses_gone.len(), 1);
    assert!(
        found.excuses_gone[0].starts_with(
            "check organizations.organizations_slug_check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$')"
        ),
        "{:?}",
        found.excuses_gone
    );
}
