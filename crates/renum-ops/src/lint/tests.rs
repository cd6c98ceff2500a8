//! A bad and a good migration per rule; the shipped migrations are clean.

use std::collections::{HashMap, HashSet};

use super::severity::{Severity, TableSize, Threshold, severity};
use super::{catalogue_reads, lint, rules, tolerated_in_shipped};

const TIMEOUT: &str = "SET LOCAL lock_timeout = '5s';\nSET LOCAL statement_timeout = '30s';\n";

fn rules_of(sql: &str) -> Vec<&'static str> {
    lint(sql, &catalogue_reads)
        .unwrap_or_else(|e| panic!("{e}: {sql}"))
        .iter()
        .map(|f| f.rule.name)
        .collect()
}

#[track_caller]
fn flags(rule: &rules::Rule, bad: &str) {
    let found = rules_of(&format!("{TIMEOUT}{bad}"));
    assert_eq!(found, vec![rule.name], "{bad}");
}

#[track_caller]
fn passes(good: &str) {
    let found = rules_of(&format!("{TIMEOUT}{good}"));
    assert!(found.is_empty(), "{good}: {found:?}");
}

#[test]
fn a_volatile_default_is_flagged_and_a_constant_or_later_default_is_not() {
    flags(
        &rules::VOLATILE_DEFAULT,
        "ALTER TABLE posts ADD COLUMN token uuid DEFAULT gen_random_uuid();",
    );
    assert_eq!(
        rules_of(&format!(
            "{TIMEOUT}ALTER TABLE posts ADD COLUMN seq bigserial;"
        )),
        vec![rules::VOLATILE_DEFAULT.name, rules::PREFER_IDENTITY.name]
    );
    flags(
        &rules::VOLATILE_DEFAULT,
        "ALTER TABLE api_logs ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;",
    );
    flags(
        &rules::VOLATILE_DEFAULT,
        "ALTER TABLE posts ADD COLUMN title_len integer GENERATED ALWAYS AS (length(description)) STORED;",
    );
    passes(
        "ALTER TABLE posts ADD COLUMN token uuid;\n\
         ALTER TABLE posts ALTER COLUMN token SET DEFAULT gen_random_uuid();\n\
         ALTER TABLE posts ADD COLUMN retries integer NOT NULL DEFAULT 0;\n\
         ALTER TABLE posts ADD COLUMN noted_at timestamptz DEFAULT now();",
    );
}

#[test]
fn set_not_null_needs_a_validated_check_first() {
    flags(
        &rules::SET_NOT_NULL,
        "ALTER TABLE posts ALTER COLUMN last_error SET NOT NULL;",
    );
    passes(
        "ALTER TABLE posts ADD CONSTRAINT posts_last_error_not_null CHECK (last_error IS NOT NULL) NOT VALID;\n\
         ALTER TABLE posts VALIDATE CONSTRAINT posts_last_error_not_null;\n\
         ALTER TABLE posts ALTER COLUMN last_error SET NOT NULL;\n\
         ALTER TABLE posts DROP CONSTRAINT posts_last_error_not_null;",
    );
}

#[test]
fn foreign_keys_and_checks_on_existing_tables_must_be_added_not_valid() {
    flags(
        &rules::CONSTRAINT_WITHOUT_NOT_VALID,
        "ALTER TABLE posts ADD CONSTRAINT posts_attempts_max CHECK (attempts < 100);",
    );
    flags(
        &rules::CONSTRAINT_WITHOUT_NOT_VALID,
        "ALTER TABLE api_logs ADD CONSTRAINT api_logs_org_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id);",
    );
    passes(
        "ALTER TABLE posts ADD CONSTRAINT posts_attempts_max CHECK (attempts < 100) NOT VALID;\n\
         ALTER TABLE posts VALIDATE CONSTRAINT posts_attempts_max;",
    );
}

#[test]
fn indexes_on_existing_tables_are_built_concurrently_but_new_tables_need_not() {
    flags(
        &rules::INDEX_NOT_CONCURRENT,
        "CREATE INDEX posts_status_idx ON posts (status);",
    );
    let alone = "-- no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS posts_status_idx ON posts (status);";
    assert!(rules_of(alone).is_empty(), "{:?}", rules_of(alone));
    passes(
        "CREATE TABLE tags (id uuid PRIMARY KEY, name text);\nCREATE INDEX tags_name_idx ON tags (name);",
    );
}

#[test]
fn changing_a_column_type_is_flagged_and_adding_a_new_column_is_not() {
    flags(
        &rules::CHANGE_COLUMN_TYPE,
        "ALTER TABLE posts ALTER COLUMN attempts TYPE bigint;",
    );
    passes("ALTER TABLE posts ADD COLUMN attempts_big bigint;");
}

#[test]
fn renaming_a_column_or_table_in_use_is_flagged() {
    flags(
        &rules::RENAME,
        "ALTER TABLE posts RENAME COLUMN description TO body;",
    );
    flags(&rules::RENAME, "ALTER TABLE posts RENAME TO publications;");
    passes("CREATE TABLE drafts (id uuid PRIMARY KEY);\nALTER TABLE drafts RENAME TO sketches;");
}

#[test]
fn dropping_a_column_the_catalogue_reads_is_flagged_and_an_unread_one_is_not() {
    flags(
        &rules::DROP_COLUMN_IN_USE,
        "ALTER TABLE posts DROP COLUMN last_error;",
    );
    passes("ALTER TABLE posts DROP COLUMN legacy_flag;");
}

#[test]
fn unique_constraints_need_a_prebuilt_index() {
    flags(
        &rules::UNIQUE_WITHOUT_INDEX,
        "ALTER TABLE posts ADD CONSTRAINT posts_external_post_id_key UNIQUE (external_post_id);",
    );
    // Two migrations: the concurrent build alone outside a transaction, then the constraint.
    let build = "-- no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS posts_external_post_id_key ON posts (external_post_id);";
    assert!(rules_of(build).is_empty(), "{:?}", rules_of(build));
    passes(
        "ALTER TABLE posts ADD CONSTRAINT posts_external_post_id_key UNIQUE USING INDEX posts_external_post_id_key;",
    );
}

#[test]
fn ddl_on_existing_tables_needs_a_lock_timeout_first() {
    let found = rules_of(
        "ALTER TABLE posts ADD COLUMN note text;\nALTER TABLE videos ADD COLUMN note text;",
    );
    assert_eq!(
        found,
        vec![rules::MISSING_LOCK_TIMEOUT.name],
        "reported once per file"
    );
    passes("ALTER TABLE posts ADD COLUMN note text;");
    assert!(rules_of("CREATE TABLE tags (id uuid PRIMARY KEY);").is_empty());
}

#[test]
fn findings_point_at_the_statement_line_past_comments() {
    let sql = "SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '30s';\n\n-- why we need it\n-- (two lines)\nCREATE INDEX posts_status_idx\n  ON posts (status);\n";
    let found = lint(sql, &catalogue_reads).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].line, 5);
    assert_eq!(found[0].subject, "CREATE INDEX posts_status_idx ON posts");
}

#[test]
fn a_parse_error_is_returned_with_the_parsers_message() {
    let err = lint("ALTER TABLE posts ADD COLUM x text;", &catalogue_reads).unwrap_err();
    assert!(err.contains("syntax error"), "{err}");
}

#[test]
fn every_shipped_postgres_migration_is_clean() {
    let ups: Vec<_> = renum_db::migrate::POSTGRES
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .collect();
    assert!(!ups.is_empty());
    for m in ups {
        let found: Vec<_> = lint(m.sql.as_str(), &catalogue_reads)
            .unwrap()
            .into_iter()
            .filter(|f| !tolerated_in_shipped(m.version, f))
            .collect();
        assert!(
            found.is_empty(),
            "{} {}: {found:?}",
            m.version,
            m.description
        );
    }
}

#[test]
fn a_concurrent_index_build_needs_no_lock_timeout() {
    let sql = "-- no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS posts_status_idx ON posts (status);\n";
    assert!(rules_of(sql).is_empty(), "{:?}", rules_of(sql));
    let blocking = "CREATE INDEX posts_status_idx ON posts (status);\n";
    assert!(rules_of(blocking).contains(&"missing-lock-timeout"));
}

#[test]
fn a_timeout_set_for_the_session_is_flagged_unless_local_or_outside_a_transaction() {
    let ddl = "ALTER TABLE posts ADD COLUMN note text;\n";
    for bare in [
        "SET lock_timeout = '5s';\n",
        "SET statement_timeout = '1min';\n",
    ] {
        let found = rules_of(&format!("{bare}{TIMEOUT}{ddl}"));
        assert_eq!(found, vec![rules::SESSION_TIMEOUT.name], "{bare}");
    }
    assert!(rules_of(&format!("{TIMEOUT}{ddl}")).is_empty());
    let no_tx =
        "-- no-transaction\nSET lock_timeout = '5s';\nALTER TABLE posts ADD COLUMN note text;\n";
    assert!(rules_of(no_tx).is_empty(), "{:?}", rules_of(no_tx));
    let shipped = lint("SET lock_timeout = '5s';\n", &catalogue_reads).unwrap();
    assert!(tolerated_in_shipped(20261128100001, &shipped[0]));
    assert!(
        !tolerated_in_shipped(20261201000000, &shipped[0]),
        "new migrations use SET LOCAL"
    );
}

/// The rules added after squawk's list: (rule, a migration it flags, the safe way to the same
/// end). Each bad migration is prefixed with the timeouts, so it is flagged by its rule alone.
const FIXTURES: &[(&rules::Rule, &str, &str)] = &[
    (
        &rules::DROP_INDEX_NOT_CONCURRENT,
        "DROP INDEX videos_organization_id_parent_video_id_idx;",
        "CREATE TABLE tags (id uuid PRIMARY KEY, name text);\n\
         CREATE INDEX tags_name_idx ON tags (name);\nDROP INDEX tags_name_idx;",
    ),
    (
        &rules::DETACH_PARTITION_NOT_CONCURRENT,
        "ALTER TABLE api_logs DETACH PARTITION api_logs_2026_11;",
        "ALTER TABLE api_logs ADD COLUMN note text;",
    ),
    (
        &rules::REINDEX_NOT_CONCURRENT,
        "REINDEX TABLE posts;",
        "CREATE TABLE tags (id uuid PRIMARY KEY, name text);\nREINDEX TABLE tags;",
    ),
    (
        &rules::REQUIRED_COLUMN,
        "ALTER TABLE posts ADD COLUMN priority integer NOT NULL;",
        "ALTER TABLE posts ADD COLUMN priority integer NOT NULL DEFAULT 0;\n\
         ALTER TABLE posts ADD COLUMN note text;",
    ),
    (
        &rules::DROP_TABLE_IN_USE,
        "DROP TABLE sessions;",
        "DROP TABLE legacy_exports;",
    ),
    (
        &rules::DROP_DATABASE,
        "DROP DATABASE renum;",
        "CREATE TABLE tags (id uuid PRIMARY KEY);",
    ),
    (
        &rules::DROP_NOT_NULL,
        "ALTER TABLE posts ALTER COLUMN description DROP NOT NULL;",
        "ALTER TABLE posts ALTER COLUMN description SET DEFAULT '';",
    ),
    (
        &rules::TRUNCATE_CASCADE,
        "TRUNCATE organizations CASCADE;",
        "TRUNCATE auth_events;",
    ),
    (
        &rules::TRANSACTION_NESTING,
        "COMMIT;\nALTER TABLE posts ADD COLUMN note text;",
        "SAVEPOINT before_note;\nALTER TABLE posts ADD COLUMN note text;\nRELEASE before_note;",
    ),
    (
        &rules::PREFER_IDENTITY,
        "CREATE TABLE exports (id bigserial PRIMARY KEY);",
        "CREATE TABLE exports (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);",
    ),
    (
        &rules::PREFER_BIGINT_KEY,
        "CREATE TABLE exports (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tries integer);",
        "CREATE TABLE exports (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tries integer);",
    ),
    (
        &rules::PREFER_TIMESTAMPTZ,
        "ALTER TABLE posts ADD COLUMN seen_at timestamp;",
        "ALTER TABLE posts ADD COLUMN seen_at timestamptz;",
    ),
    (
        &rules::PREFER_TEXT,
        "CREATE TABLE tags (id uuid PRIMARY KEY, name varchar(40));",
        "CREATE TABLE tags (id uuid PRIMARY KEY, name text CHECK (char_length(name) <= 40));",
    ),
    (
        &rules::VACUUM_FULL_OR_CLUSTER,
        "CLUSTER posts USING posts_pkey;",
        "CREATE TABLE tags (id uuid PRIMARY KEY);\nCLUSTER tags USING tags_pkey;",
    ),
    (
        &rules::IDENTIFIER_TOO_LONG,
        "CREATE TABLE tags (id uuid, CONSTRAINT tags_name_must_be_unique_within_each_organization_for_the_tag_picker UNIQUE (id));",
        "CREATE TABLE tags (id uuid, CONSTRAINT tags_id_key UNIQUE (id));",
    ),
];

#[test]
fn each_new_rule_flags_its_bad_migration_and_passes_the_safe_one() {
    for (rule, bad, good) in FIXTURES {
        flags(rule, bad);
        passes(good);
    }
}

#[test]
fn every_rule_has_a_fixture_and_a_unique_name() {
    let names: HashSet<&str> = rules::ALL.iter().map(|r| r.name).collect();
    assert_eq!(names.len(), rules::ALL.len(), "duplicate rule name");
    // The rules with their own test functions above.
    let tested_apart = [
        &rules::VOLATILE_DEFAULT,
        &rules::SET_NOT_NULL,
        &rules::CONSTRAINT_WITHOUT_NOT_VALID,
        &rules::INDEX_NOT_CONCURRENT,
        &rules::CHANGE_COLUMN_TYPE,
        &rules::RENAME,
        &rules::DROP_COLUMN_IN_USE,
        &rules::UNIQUE_WITHOUT_INDEX,
        &rules::MISSING_LOCK_TIMEOUT,
        &rules::SESSION_TIMEOUT,
        &rules::CONCURRENTLY_IN_TRANSACTION,
        &rules::UNCOMMITTED_TRANSACTION,
        &rules::MISSING_STATEMENT_TIMEOUT,
        &rules::NOT_RERUNNABLE,
    ];
    for rule in rules::ALL {
        assert!(
            tested_apart.contains(rule) || FIXTURES.iter().any(|(r, _, _)| r == rule),
            "{} has no fixture",
            rule.name
        );
    }
}

#[test]
fn concurrent_statements_must_run_alone_outside_a_transaction() {
    for bad in [
        // sqlx's transaction
        "CREATE INDEX CONCURRENTLY posts_status_idx ON posts (status);",
        // the implicit block of several statements sent together
        "-- no-transaction\nSET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY posts_status_idx ON posts (status);",
        "-- no-transaction\nDROP INDEX CONCURRENTLY a_idx;\nDROP INDEX CONCURRENTLY b_idx;",
        "ALTER TABLE api_logs DETACH PARTITION api_logs_2026_11 CONCURRENTLY;",
    ] {
        assert!(
            rules_of(bad).contains(&rules::CONCURRENTLY_IN_TRANSACTION.name),
            "{bad}: {:?}",
            rules_of(bad)
        );
    }
    for good in [
        "-- no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS posts_status_idx ON posts (status);",
        "-- no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS posts_status_idx;",
        "-- no-transaction\nREINDEX INDEX CONCURRENTLY posts_status_idx;",
        "-- no-transaction\nALTER TABLE api_logs DETACH PARTITION api_logs_2026_11 CONCURRENTLY;",
    ] {
        assert!(rules_of(good).is_empty(), "{good}: {:?}", rules_of(good));
    }
}

#[test]
fn a_no_transaction_migration_must_survive_a_rerun() {
    for (bad, good) in [
        (
            "-- no-transaction\nCREATE INDEX CONCURRENTLY posts_status_idx ON posts (status);",
            "-- no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS posts_status_idx ON posts (status);",
        ),
        (
            "-- no-transaction\nDROP INDEX CONCURRENTLY posts_status_idx;",
            "-- no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS posts_status_idx;",
        ),
    ] {
        assert_eq!(rules_of(bad), vec![rules::NOT_RERUNNABLE.name], "{bad}");
        assert!(rules_of(good).is_empty(), "{good}: {:?}", rules_of(good));
    }
    // In a transaction a failure rolls everything back: a rerun starts clean.
    passes("CREATE TABLE tags (id uuid);\nCREATE INDEX tags_id_idx ON tags (id);");
}

#[test]
fn a_begin_in_a_no_transaction_file_must_be_committed() {
    let open = "-- no-transaction\nBEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE posts ADD COLUMN note text;\n";
    let found = lint(open, &catalogue_reads).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule, &rules::UNCOMMITTED_TRANSACTION);
    assert_eq!(found[0].line, 2);
    assert!(rules_of(&format!("{open}COMMIT;\n")).is_empty());
}

#[test]
fn a_blocking_scan_or_rewrite_needs_a_statement_timeout_and_a_catalog_change_does_not() {
    let index = "SET LOCAL lock_timeout = '5s';\nCREATE INDEX posts_status_idx ON posts (status);";
    assert_eq!(
        rules_of(index),
        vec![
            rules::INDEX_NOT_CONCURRENT.name,
            rules::MISSING_STATEMENT_TIMEOUT.name
        ]
    );
    assert!(
        rules_of("SET LOCAL lock_timeout = '5s';\nALTER TABLE posts ADD COLUMN note text;")
            .is_empty()
    );
}

fn finding_on(table: &str, rule: &'static rules::Rule) -> super::Finding {
    super::Finding {
        rule,
        line: 1,
        subject: String::new(),
        table: table.to_owned(),
    }
}

#[test]
fn severity_follows_the_table_size_only_for_rules_whose_harm_grows_with_it() {
    let threshold = Threshold {
        rows: 100_000,
        bytes: 100 << 20,
    };
    let sizes: HashMap<String, TableSize> = [
        (
            "tiny".to_owned(),
            TableSize {
                rows: 10,
                bytes: 16_384,
            },
        ),
        (
            "huge".to_owned(),
            TableSize {
                rows: 100_000_000,
                bytes: 40 << 30,
            },
        ),
        // Few rows, many bytes (wide rows, bloat): large.
        (
            "wide".to_owned(),
            TableSize {
                rows: 500,
                bytes: 1 << 30,
            },
        ),
    ]
    .into_iter()
    .collect();
    let index = &rules::INDEX_NOT_CONCURRENT;
    let cases = [
        ("tiny", index, Some(&sizes), Severity::Warning),
        ("huge", index, Some(&sizes), Severity::Error),
        ("wide", index, Some(&sizes), Severity::Error),
        // A table the database does not have, or no database: today's behaviour.
        ("absent", index, Some(&sizes), Severity::Error),
        ("tiny", index, None, Severity::Error),
        // A lock queue or broken running code does not shrink with the table.
        ("tiny", &rules::RENAME, Some(&sizes), Severity::Error),
    ];
    for (table, rule, sizes, expected) in cases {
        let found = severity(&finding_on(table, rule), sizes, &threshold).0;
        assert_eq!(found, expected, "{} on {table}", rule.name);
    }
}

#[test]
fn sized_findings_carry_their_table_and_the_others_none() {
    let found = lint(
        "SET LOCAL statement_timeout = '30s';\nCREATE INDEX posts_status_idx ON posts (status);",
        &catalogue_reads,
    )
    .unwrap();
    let tables: Vec<(&str, &str)> = found
        .iter()
        .map(|f| (f.rule.name, f.table.as_str()))
        .collect();
    assert_eq!(
        tables,
        vec![
            (rules::INDEX_NOT_CONCURRENT.name, "posts"),
            (rules::MISSING_LOCK_TIMEOUT.name, "")
        ]
    );
}
