//! The migration lint's rules: what each one flags, why it hurts on a live table, and the
//! expand/contract way to get the same result.
//!
//! They cover squawk's rules that apply to renum's migrations (README.md, "Migration lint",
//! maps them to squawk's names and says why the others are left out), some made more precise
//! for renum (a dropped column or table
//! is flagged only while this binary's catalogue still reads it; `bigint` is asked of
//! generated keys, not of every counter).

/// One rule, as the lint reports it.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub name: &'static str,
    pub why: &'static str,
    pub instead: &'static str,
    /// The harm grows with the table: the statement blocks writes (or reads) for as long as it
    /// scans, builds or rewrites it. With `--database-url` such a finding is an error only on
    /// a table above the size threshold; every other rule's harm does not depend on size (a
    /// lock queue, broken running code, lost data) and is always an error.
    pub sized: bool,
}

pub const VOLATILE_DEFAULT: Rule = Rule {
    name: "adding-column-with-volatile-default",
    why: "a volatile default (random(), gen_random_uuid(), clock_timestamp(), a serial's nextval()), \
          an identity or a stored generated column is computed per row, so PostgreSQL rewrites the \
          whole table under an ACCESS EXCLUSIVE lock",
    instead: "add the column without a default (or with a constant one), set the default in a second \
              statement, and fill existing rows with a batched backfill (`renum backfill`)",
    sized: true,
};

pub const SET_NOT_NULL: Rule = Rule {
    name: "setting-not-null-without-validated-check",
    why: "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock to prove there is no null",
    instead: "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c (no write lock); \
              then SET NOT NULL uses the validated CHECK and skips the scan; finally drop the CHECK",
    sized: true,
};

pub const CONSTRAINT_WITHOUT_NOT_VALID: Rule = Rule {
    name: "adding-constraint-without-not-valid",
    why: "adding a FOREIGN KEY or CHECK validates every existing row while holding a lock that \
          blocks writes (a FK also locks the referenced table)",
    instead: "ADD CONSTRAINT ... NOT VALID (instant, enforced for new rows), then \
              ALTER TABLE ... VALIDATE CONSTRAINT ... in a later step (SHARE UPDATE EXCLUSIVE: writes go on)",
    sized: true,
};

pub const INDEX_NOT_CONCURRENT: Rule = Rule {
    name: "creating-index-without-concurrently",
    why: "CREATE INDEX on an existing table blocks every write to it for as long as the build takes",
    instead: "CREATE INDEX CONCURRENTLY in its own migration whose first line is `-- no-transaction` \
              (it cannot run in a transaction); check `renum doctor` for an invalid index if it fails",
    sized: true,
};

pub const CHANGE_COLUMN_TYPE: Rule = Rule {
    name: "changing-column-type",
    why: "ALTER COLUMN ... TYPE usually rewrites the table and its indexes under an ACCESS EXCLUSIVE \
          lock, and breaks code that reads the old type",
    instead: "expand/contract: add a column of the new type, write both, backfill (`renum backfill`), \
              switch reads, then drop the old column in a later release",
    sized: true,
};

pub const RENAME: Rule = Rule {
    name: "renaming-column-or-table",
    why: "the running code still uses the old name: every statement naming it fails from the moment \
          the migration commits until the new binary is deployed",
    instead: "add the new column (or a view for a table), write both, backfill, move the code over, \
              then drop the old name in a later release",
    sized: false,
};

pub const DROP_COLUMN_IN_USE: Rule = Rule {
    name: "dropping-column-still-read",
    why: "the query catalogue of this binary still reads the column, so those statements fail as soon \
          as the migration commits",
    instead: "first ship code that no longer reads or writes the column, then drop it in a later \
              migration (contract step)",
    sized: false,
};

pub const UNIQUE_WITHOUT_INDEX: Rule = Rule {
    name: "adding-unique-without-prebuilt-index",
    why: "ADD CONSTRAINT ... UNIQUE / PRIMARY KEY builds its index while blocking writes to the table",
    instead: "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... UNIQUE USING INDEX \
              (or PRIMARY KEY USING INDEX), which is instant",
    sized: true,
};

pub const MISSING_LOCK_TIMEOUT: Rule = Rule {
    name: "missing-lock-timeout",
    why: "a DDL lock waits behind any long transaction, and every query on the table queues behind \
          the waiting DDL: a small migration can stall the whole API",
    instead: "start the migration with SET LOCAL lock_timeout = '5s' (and retry it) so it gives up \
              instead of queueing everyone behind it",
    sized: false,
};

pub const SESSION_TIMEOUT: Rule = Rule {
    name: "session-level-timeout",
    why: "a bare SET of a timeout outlives the migration's transaction and stays on the session: \
          any other code that runs on that connection afterwards inherits the migration's limit",
    instead: "SET LOCAL lock_timeout = '5s' (the migration runs in one transaction, so it ends with \
              it); only a `-- no-transaction` migration needs a bare SET",
    sized: false,
};

pub const CONCURRENTLY_IN_TRANSACTION: Rule = Rule {
    name: "concurrently-in-transaction",
    why: "CREATE INDEX, DROP INDEX, REINDEX and DETACH PARTITION ... CONCURRENTLY refuse to run in a \
          transaction block, and PostgreSQL runs a migration in one: sqlx's transaction unless the \
          file starts with `-- no-transaction`, an explicit BEGIN, or the implicit block of several \
          statements sent together; the migration fails on deploy",
    instead: "put the concurrent statement alone in its own migration whose first line is \
              `-- no-transaction` (no SET, no BEGIN beside it)",
    sized: false,
};

pub const DROP_INDEX_NOT_CONCURRENT: Rule = Rule {
    name: "dropping-index-without-concurrently",
    why: "DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table: reads and writes queue \
          behind it, and behind any transaction it waits for",
    instead: "DROP INDEX CONCURRENTLY IF EXISTS, alone in a `-- no-transaction` migration",
    sized: false,
};

pub const DETACH_PARTITION_NOT_CONCURRENT: Rule = Rule {
    name: "detaching-partition-without-concurrently",
    why: "DETACH PARTITION takes an ACCESS EXCLUSIVE lock on the partitioned table: every read and \
          write of every partition waits",
    instead: "ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY, alone in a `-- no-transaction` \
              migration (FINALIZE it if it is interrupted)",
    sized: false,
};

pub const REINDEX_NOT_CONCURRENT: Rule = Rule {
    name: "reindexing-without-concurrently",
    why: "REINDEX without CONCURRENTLY rebuilds the index while blocking writes to its table (and \
          reads that would use the index) for as long as the build takes",
    instead: "REINDEX ... CONCURRENTLY, alone in a `-- no-transaction` migration",
    sized: true,
};

pub const REQUIRED_COLUMN: Rule = Rule {
    name: "adding-required-column",
    why: "a NOT NULL column without a default fails on any table with rows, and once it exists \
          every INSERT of the running binary (which does not know the column) fails",
    instead: "add it nullable, or NOT NULL with a constant DEFAULT (catalog-only since PostgreSQL 11); \
              make it required later with a validated CHECK (see setting-not-null-without-validated-check)",
    sized: false,
};

pub const DROP_TABLE_IN_USE: Rule = Rule {
    name: "dropping-table-still-read",
    why: "the query catalogue of this binary still reads the table, so those statements fail as soon \
          as the migration commits, and the data is gone for good",
    instead: "first ship code that no longer reads or writes the table, then drop it in a later \
              migration (contract step), after a backup if its rows matter",
    sized: false,
};

pub const DROP_DATABASE: Rule = Rule {
    name: "dropping-database",
    why: "a migration runs against every environment, production included: DROP DATABASE there \
          loses everything",
    instead: "drop databases by hand, never from a migration",
    sized: false,
};

pub const DROP_NOT_NULL: Rule = Rule {
    name: "dropping-not-null",
    why: "the running binary decodes the column as never null: once the new release writes a NULL, \
          every read of that row by the old binary fails (sqlx: unexpected null)",
    instead: "first ship code that reads the column as optional (Option<T>), then drop NOT NULL in a \
              later migration",
    sized: false,
};

pub const TRUNCATE_CASCADE: Rule = Rule {
    name: "truncating-with-cascade",
    why: "TRUNCATE ... CASCADE also empties every table that references it by foreign key, and \
          theirs in turn: with renum's organization-scoped foreign keys that is most of the schema",
    instead: "name every table to truncate explicitly (TRUNCATE a, b), or delete the rows you mean",
    sized: false,
};

pub const TRANSACTION_NESTING: Rule = Rule {
    name: "transaction-nesting",
    why: "sqlx already runs the migration in a transaction: a BEGIN inside it only warns, and a \
          COMMIT or ROLLBACK ends sqlx's transaction early, so what follows runs outside it and \
          sqlx's own COMMIT no longer covers the migration's bookkeeping",
    instead: "drop BEGIN / COMMIT / ROLLBACK from the file; a migration that manages its own \
              transactions starts with `-- no-transaction`",
    sized: false,
};

pub const UNCOMMITTED_TRANSACTION: Rule = Rule {
    name: "uncommitted-transaction",
    why: "in a `-- no-transaction` migration, a BEGIN with no COMMIT after it leaves the changes \
          uncommitted: the migration is recorded as applied while its changes roll back",
    instead: "end every BEGIN with a COMMIT in the same file",
    sized: false,
};

pub const MISSING_STATEMENT_TIMEOUT: Rule = Rule {
    name: "missing-statement-timeout",
    why: "a statement that scans, builds or rewrites a table while blocking it holds its lock for as \
          long as the table takes; without a statement_timeout nothing bounds that stall if the \
          table is larger than expected",
    instead: "SET LOCAL statement_timeout = '30s' before it (a bound that a small table meets and a \
              large one trips, rolling the migration back); on a large table use the concurrent or \
              NOT VALID form instead (not under a statement_timeout: those may take long by design)",
    sized: false,
};

pub const PREFER_IDENTITY: Rule = Rule {
    name: "prefer-identity",
    why: "serial creates a sequence the column does not own by the SQL standard's rules: grants, \
          dumps and type changes treat the two apart, and inserts may set the key by hand",
    instead: "bigint GENERATED ALWAYS AS IDENTITY (as api_logs.id), or an application UUIDv7 id",
    sized: false,
};

pub const PREFER_BIGINT_KEY: Rule = Rule {
    name: "prefer-bigint-for-generated-keys",
    why: "a generated int or smallint key runs out (2^31 for int) on a busy table, and widening it \
          then rewrites the table and every index that holds it",
    instead: "bigint GENERATED ALWAYS AS IDENTITY (or bigserial); bounded counters such as attempts \
              can stay integer",
    sized: false,
};

pub const PREFER_TIMESTAMPTZ: Rule = Rule {
    name: "prefer-timestamptz",
    why: "timestamp without time zone stores wall-clock time with no zone: the same instant reads \
          differently per session TimeZone, and renum's Timestamp codec expects timestamptz",
    instead: "timestamptz (every renum timestamp is one)",
    sized: false,
};

pub const PREFER_TEXT: Rule = Rule {
    name: "prefer-text-field",
    why: "varchar(n) and char(n) put a limit in the type: changing it later takes an ACCESS \
          EXCLUSIVE lock (a rewrite when shrinking), and char(n) pads with spaces that compare \
          and return surprisingly",
    instead: "text, with a CHECK (char_length(col) <= n) added NOT VALID and validated when the \
              limit must change",
    sized: false,
};

pub const VACUUM_FULL_OR_CLUSTER: Rule = Rule {
    name: "vacuum-full-or-cluster",
    why: "VACUUM FULL and CLUSTER rewrite the whole table under an ACCESS EXCLUSIVE lock: no read \
          or write gets through until the copy is done (and VACUUM cannot run in sqlx's \
          transaction at all)",
    instead: "leave bloat to autovacuum, or rebuild online outside migrations (pg_repack; REPACK \
              CONCURRENTLY from PostgreSQL 19)",
    sized: true,
};

pub const NOT_RERUNNABLE: Rule = Rule {
    name: "prefer-robust-stmts",
    why: "a `-- no-transaction` migration is not rolled back when it fails: a failed CREATE INDEX \
          CONCURRENTLY leaves its index behind (INVALID), so the rerun fails on the name, and a \
          DROP INDEX that already happened fails the rerun too",
    instead: "CREATE INDEX CONCURRENTLY IF NOT EXISTS / DROP INDEX CONCURRENTLY IF EXISTS; after a \
              failed build, drop the INVALID index `renum doctor` reports before rerunning",
    sized: false,
};

pub const IDENTIFIER_TOO_LONG: Rule = Rule {
    name: "identifier-too-long",
    why: "PostgreSQL silently truncates names longer than 63 bytes: the constraint or index then \
          has another name than the one the code maps errors by (`Conflict { constraint }`) and \
          the one the SQLite tree spells",
    instead: "a name of at most 63 bytes",
    sized: false,
};

pub const ALL: &[&Rule] = &[
    &VOLATILE_DEFAULT,
    &SET_NOT_NULL,
    &CONSTRAINT_WITHOUT_NOT_VALID,
    &INDEX_NOT_CONCURRENT,
    &CHANGE_COLUMN_TYPE,
    &RENAME,
    &DROP_COLUMN_IN_USE,
    &UNIQUE_WITHOUT_INDEX,
    &MISSING_LOCK_TIMEOUT,
    &SESSION_TIMEOUT,
    &CONCURRENTLY_IN_TRANSACTION,
    &DROP_INDEX_NOT_CONCURRENT,
    &DETACH_PARTITION_NOT_CONCURRENT,
    &REINDEX_NOT_CONCURRENT,
    &REQUIRED_COLUMN,
    &DROP_TABLE_IN_USE,
    &DROP_DATABASE,
    &DROP_NOT_NULL,
    &TRUNCATE_CASCADE,
    &TRANSACTION_NESTING,
    &UNCOMMITTED_TRANSACTION,
    &MISSING_STATEMENT_TIMEOUT,
    &PREFER_IDENTITY,
    &PREFER_BIGINT_KEY,
    &PREFER_TIMESTAMPTZ,
    &PREFER_TEXT,
    &VACUUM_FULL_OR_CLUSTER,
    &NOT_RERUNNABLE,
    &IDENTIFIER_TOO_LONG,
];
