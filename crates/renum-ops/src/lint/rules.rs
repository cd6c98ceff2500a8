//! The migration lint's rules: what each one flags, why it hurts on a live table, and the
//! expand/contract way to get the same result.

/// One rule, as the lint reports it.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub name: &'static str,
    pub why: &'static str,
    pub instead: &'static str,
}

pub const VOLATILE_DEFAULT: Rule = Rule {
    name: "adding-column-with-volatile-default",
    why: "a volatile default (random(), gen_random_uuid(), clock_timestamp(), a serial's nextval()) \
          is evaluated per row, so PostgreSQL rewrites the whole table under an ACCESS EXCLUSIVE lock",
    instead: "add the column without a default (or with a constant one), set the default in a second \
              statement, and fill existing rows with a batched backfill (`renum backfill`)",
};

pub const SET_NOT_NULL: Rule = Rule {
    name: "setting-not-null-without-validated-check",
    why: "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock to prove there is no null",
    instead: "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c (no write lock); \
              then SET NOT NULL uses the validated CHECK and skips the scan; finally drop the CHECK",
};

pub const CONSTRAINT_WITHOUT_NOT_VALID: Rule = Rule {
    name: "adding-constraint-without-not-valid",
    why: "adding a FOREIGN KEY or CHECK validates every existing row while holding a lock that \
          blocks writes (a FK also locks the referenced table)",
    instead: "ADD CONSTRAINT ... NOT VALID (instant, enforced for new rows), then \
              ALTER TABLE ... VALIDATE CONSTRAINT ... in a later step (SHARE UPDATE EXCLUSIVE: writes go on)",
};

pub const INDEX_NOT_CONCURRENT: Rule = Rule {
    name: "creating-index-without-concurrently",
    why: "CREATE INDEX on an existing table blocks every write to it for as long as the build takes",
    instead: "CREATE INDEX CONCURRENTLY in its own migration whose first line is `-- no-transaction` \
              (it cannot run in a transaction); check `renum doctor` for an invalid index if it fails",
};

pub const CHANGE_COLUMN_TYPE: Rule = Rule {
    name: "changing-column-type",
    why: "ALTER COLUMN ... TYPE usually rewrites the table and its indexes under an ACCESS EXCLUSIVE \
          lock, and breaks code that reads the old type",
    instead: "expand/contract: add a column of the new type, write both, backfill (`renum backfill`), \
              switch reads, then drop the old column in a later release",
};

pub const RENAME: Rule = Rule {
    name: "renaming-column-or-table",
    why: "the running code still uses the old name: every statement naming it fails from the moment \
          the migration commits until the new binary is deployed",
    instead: "add the new column (or a view for a table), write both, backfill, move the code over, \
              then drop the old name in a later release",
};

pub const DROP_COLUMN_IN_USE: Rule = Rule {
    name: "dropping-column-still-read",
    why: "the query catalogue of this binary still reads the column, so those statements fail as soon \
          as the migration commits",
    instead: "first ship code that no longer reads or writes the column, then drop it in a later \
              migration (contract step)",
};

pub const UNIQUE_WITHOUT_INDEX: Rule = Rule {
    name: "adding-unique-without-prebuilt-index",
    why: "ADD CONSTRAINT ... UNIQUE / PRIMARY KEY builds its index while blocking writes to the table",
    instead: "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... UNIQUE USING INDEX \
              (or PRIMARY KEY USING INDEX), which is instant",
};

pub const MISSING_LOCK_TIMEOUT: Rule = Rule {
    name: "missing-lock-timeout",
    why: "a DDL lock waits behind any long transaction, and every query on the table queues behind \
          the waiting DDL: a small migration can stall the whole API",
    instead: "start the migration with SET LOCAL lock_timeout = '5s' (and retry it) so it gives up \
              instead of queueing everyone behind it",
};

pub const SESSION_TIMEOUT: Rule = Rule {
    name: "session-level-timeout",
    why: "a bare SET of a timeout outlives the migration's transaction and stays on the session: \
          any other code that runs on that connection afterwards inherits the migration's limit",
    instead: "SET LOCAL lock_timeout = '5s' (the migration runs in one transaction, so it ends with \
              it); only a `-- no-transaction` migration needs a bare SET",
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
];
