//! A bad and a good migration per rule; the shipped migrations are clean.

use super::{catalogue_reads, lint, rules, tolerated_in_shipped};

const TIMEOUT: &str = "SET LOCAL lock_timeout = '5s';\n";

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
    flags(
        &rules::VOLATILE_DEFAULT,
        "ALTER TABLE posts ADD COLUMN seq bigserial;",
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
    passes("CREATE INDEX CONCURRENTLY posts_status_idx ON posts (status);");
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
    passes(
        "CREATE UNIQUE INDEX CONCURRENTLY posts_external_post_id_key ON posts (external_post_id);\n\
         ALTER TABLE posts ADD CONSTRAINT posts_external_post_id_key UNIQUE USING INDEX posts_external_post_id_key;",
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
    let sql = "SET LOCAL lock_timeout = '5s';\n\n-- why we need it\n-- (two lines)\nCREATE INDEX posts_status_idx\n  ON posts (status);\n";
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
    let sql = "-- no-transaction\nCREATE INDEX CONCURRENTLY posts_status_idx ON posts (status);\n";
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
    let no_tx = "-- no-transaction\nSET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY posts_status_idx ON posts (status);\n";
    assert!(rules_of(no_tx).is_empty(), "{:?}", rules_of(no_tx));
    let shipped = lint("SET lock_timeout = '5s';\n", &catalogue_reads).unwrap();
    assert!(tolerated_in_shipped(20261128100001, &shipped[0]));
    assert!(
        !tolerated_in_shipped(20261201000000, &shipped[0]),
        "new migrations use SET LOCAL"
    );
}
