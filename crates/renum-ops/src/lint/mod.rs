//! `renum migrate lint`: PostgreSQL migrations parsed by the real PostgreSQL parser
//! (`pg_query`, feature `migration-lint`) and checked for locking and downtime hazards.
//!
//! "Existing table" means one the file does not create itself: schema v1 creates its tables
//! and indexes in one migration, which is safe, and must not be flagged.

pub mod rules;

use std::collections::HashSet;

use pg_query::NodeEnum;
use pg_query::protobuf::{AlterTableType, ConstrType, Node, ObjectType};

use rules::Rule;

/// One hazard found in a migration.
#[derive(Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static Rule,
    /// 1-based line of the statement's first token.
    pub line: usize,
    /// What the rule saw (`ALTER TABLE posts ALTER COLUMN ... SET NOT NULL`, shortened).
    pub subject: String,
}

/// Whether the code (the query catalogue) still reads `table.column`.
pub type ReadByCode<'a> = &'a dyn Fn(&str, &str) -> bool;

/// The session settings a migration must only `SET LOCAL`.
const TIMEOUTS: &[&str] = &[
    "lock_timeout",
    "statement_timeout",
    "idle_in_transaction_session_timeout",
];

/// The shipped migrations up to this version `SET lock_timeout` for the session. They stay as
/// they are (editing an applied migration is a checksum mismatch on every database that has
/// it), which is safe because `migrate up` closes its connection instead of returning it to the
/// pool; `session-level-timeout` is not reported for them.
pub const SESSION_TIMEOUT_ALLOWED_THROUGH: i64 = 20261128200000;

/// Whether `finding` in the shipped migration `version` is one of those tolerated above.
pub fn tolerated_in_shipped(version: i64, finding: &Finding) -> bool {
    version <= SESSION_TIMEOUT_ALLOWED_THROUGH && finding.rule == &rules::SESSION_TIMEOUT
}

/// Lints one migration's SQL; a parse error is returned as the parser's message.
pub fn lint(sql: &str, read_by_code: ReadByCode<'_>) -> Result<Vec<Finding>, String> {
    let parsed = pg_query::parse(sql, 0).map_err(|e| e.to_string())?;
    let mut created: HashSet<String> = HashSet::new();
    let mut validated_in_file: HashSet<String> = HashSet::new();
    let mut lock_timeout = false;
    let mut timeout_reported = false;
    // sqlx runs a migration in one transaction unless its first line says otherwise.
    let no_transaction = sql.trim_start().starts_with("-- no-transaction");
    let mut out = Vec::new();
    for raw in &parsed.protobuf.stmts {
        let Some(node) = raw.stmt.as_ref().and_then(|n| n.node.as_ref()) else {
            continue;
        };
        let line = line_of(sql, raw.stmt_location as usize);
        let mut found: Vec<(&'static Rule, String)> = Vec::new();
        // Whether the statement takes a lock on a table that already holds data.
        let mut locks_existing = false;
        match node {
            NodeEnum::VariableSetStmt(set) if TIMEOUTS.contains(&set.name.as_str()) => {
                lock_timeout |= set.name == "lock_timeout";
                if !set.is_local && !no_transaction {
                    found.push((&rules::SESSION_TIMEOUT, format!("SET {}", set.name)));
                }
            }
            NodeEnum::CreateStmt(create) => {
                if let Some(r) = &create.relation {
                    created.insert(r.relname.clone());
                }
            }
            NodeEnum::IndexStmt(index) => {
                let table = index
                    .relation
                    .as_ref()
                    .map(|r| r.relname.clone())
                    .unwrap_or_default();
                // A concurrent build takes no lock that blocks reads or writes (and cannot run
                // beside a SET in one implicit transaction), so it needs no lock_timeout.
                if !created.contains(&table) {
                    locks_existing |= !index.concurrent;
                    if !index.concurrent {
                        found.push((
                            &rules::INDEX_NOT_CONCURRENT,
                            format!("CREATE INDEX {} ON {table}", index.idxname),
                        ));
                    }
                }
            }
            NodeEnum::RenameStmt(rename) => {
                let table = rename
                    .relation
                    .as_ref()
                    .map(|r| r.relname.clone())
                    .unwrap_or_default();
                let kind =
                    ObjectType::try_from(rename.rename_type).unwrap_or(ObjectType::Undefined);
                if matches!(kind, ObjectType::ObjectColumn | ObjectType::ObjectTable)
                    && !created.contains(&table)
                {
                    locks_existing = true;
                    let what = if kind == ObjectType::ObjectColumn {
                        format!("{table}.{} RENAME TO {}", rename.subname, rename.newname)
                    } else {
                        format!("{table} RENAME TO {}", rename.newname)
                    };
                    found.push((&rules::RENAME, what));
                }
            }
            NodeEnum::AlterTableStmt(alter) => {
                let table = alter
                    .relation
                    .as_ref()
                    .map(|r| r.relname.clone())
                    .unwrap_or_default();
                if !created.contains(&table) {
                    locks_existing = true;
                    for cmd in &alter.cmds {
                        let Some(NodeEnum::AlterTableCmd(cmd)) = cmd.node.as_ref() else {
                            continue;
                        };
                        alter_cmd(&table, cmd, &validated_in_file, read_by_code, &mut found);
                        if AlterTableType::try_from(cmd.subtype)
                            == Ok(AlterTableType::AtValidateConstraint)
                        {
                            validated_in_file.insert(table.clone());
                        }
                    }
                }
            }
            NodeEnum::DropStmt(_) => locks_existing = true,
            _ => {}
        }
        if locks_existing && !lock_timeout && !timeout_reported {
            timeout_reported = true;
            found.push((
                &rules::MISSING_LOCK_TIMEOUT,
                "no SET lock_timeout before this statement".to_owned(),
            ));
        }
        out.extend(found.into_iter().map(|(rule, subject)| Finding {
            rule,
            line,
            subject,
        }));
    }
    Ok(out)
}

fn alter_cmd(
    table: &str,
    cmd: &pg_query::protobuf::AlterTableCmd,
    validated_in_file: &HashSet<String>,
    read_by_code: ReadByCode<'_>,
    found: &mut Vec<(&'static Rule, String)>,
) {
    let def = cmd.def.as_ref().and_then(|d| d.node.as_ref());
    match AlterTableType::try_from(cmd.subtype) {
        Ok(AlterTableType::AtAddColumn) => {
            let Some(NodeEnum::ColumnDef(col)) = def else {
                return;
            };
            let serial = col
                .type_name
                .as_ref()
                .map(|t| strings(&t.names))
                .is_some_and(|n| {
                    n.iter().any(|n| {
                        matches!(
                            n.as_str(),
                            "serial" | "bigserial" | "smallserial" | "serial4" | "serial8"
                        )
                    })
                });
            let volatile_default = col.constraints.iter().any(|c| {
                matches!(c.node.as_ref(), Some(NodeEnum::Constraint(c))
                    if ConstrType::try_from(c.contype) == Ok(ConstrType::ConstrDefault)
                        && c.raw_expr.as_deref().is_some_and(calls_volatile))
            });
            if serial || volatile_default {
                found.push((
                    &rules::VOLATILE_DEFAULT,
                    format!("ADD COLUMN {table}.{}", col.colname),
                ));
            }
            for c in &col.constraints {
                if let Some(NodeEnum::Constraint(c)) = c.node.as_ref() {
                    constraint(table, c, found);
                }
            }
        }
        Ok(AlterTableType::AtSetNotNull) if !validated_in_file.contains(table) => {
            found.push((
                &rules::SET_NOT_NULL,
                format!("{table}.{} SET NOT NULL", cmd.name),
            ));
        }
        Ok(AlterTableType::AtAlterColumnType) => {
            found.push((
                &rules::CHANGE_COLUMN_TYPE,
                format!("{table}.{} TYPE", cmd.name),
            ));
        }
        Ok(AlterTableType::AtDropColumn) if read_by_code(table, &cmd.name) => {
            found.push((
                &rules::DROP_COLUMN_IN_USE,
                format!("DROP COLUMN {table}.{}", cmd.name),
            ));
        }
        Ok(AlterTableType::AtAddConstraint) => {
            if let Some(NodeEnum::Constraint(c)) = def {
                constraint(table, c, found);
            }
        }
        _ => {}
    }
}

fn constraint(
    table: &str,
    c: &pg_query::protobuf::Constraint,
    found: &mut Vec<(&'static Rule, String)>,
) {
    let name = if c.conname.is_empty() {
        table.to_owned()
    } else {
        c.conname.clone()
    };
    match ConstrType::try_from(c.contype) {
        Ok(ConstrType::ConstrForeign | ConstrType::ConstrCheck) if !c.skip_validation => {
            found.push((
                &rules::CONSTRAINT_WITHOUT_NOT_VALID,
                format!("ADD CONSTRAINT {name}"),
            ));
        }
        Ok(ConstrType::ConstrUnique | ConstrType::ConstrPrimary) if c.indexname.is_empty() => {
            found.push((
                &rules::UNIQUE_WITHOUT_INDEX,
                format!("ADD CONSTRAINT {name}"),
            ));
        }
        _ => {}
    }
}

/// Functions whose value differs per row: a default calling one rewrites the table.
const VOLATILE: &[&str] = &[
    "random",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v4",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "txid_current",
];

fn calls_volatile(expr: &Node) -> bool {
    let tree = serde_json::to_value(expr).unwrap_or_default();
    let mut names = Vec::new();
    function_names(&tree, &mut names);
    names.iter().any(|n| VOLATILE.contains(&n.as_str()))
}

/// The names of every function called in a serialized expression tree.
fn function_names(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            if let Some(call) = map.get("FuncCall") {
                let mut svals = Vec::new();
                collect_svals(
                    call.get("funcname").unwrap_or(&serde_json::Value::Null),
                    &mut svals,
                );
                out.extend(svals);
            }
            map.values().for_each(|v| function_names(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| function_names(v, out)),
        _ => {}
    }
}

fn collect_svals(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(s)) = map.get("sval") {
                out.push(s.clone());
            }
            map.values().for_each(|v| collect_svals(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_svals(v, out)),
        _ => {}
    }
}

fn strings(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .collect()
}

/// The line of the first token at or after `offset`, skipping blanks and `--` comments (a
/// statement's location starts right after the previous `;`).
fn line_of(sql: &str, offset: usize) -> usize {
    let mut pos = offset.min(sql.len());
    let bytes = sql.as_bytes();
    loop {
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if sql[pos..].starts_with("--") {
            pos += sql[pos..].find('\n').unwrap_or(sql.len() - pos);
        } else {
            break;
        }
    }
    sql[..pos].matches('\n').count() + 1
}

/// Whether a catalogue statement (PostgreSQL spelling) mentions both `table` and `column`
/// as words: the code still reads or writes that column.
pub fn catalogue_reads(table: &str, column: &str) -> bool {
    renum_db::catalogue::postgres::ALL.iter().any(|s| {
        let words: HashSet<&str> = s
            .sql
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .collect();
        words.contains(table) && words.contains(column)
    })
}

#[cfg(test)]
mod tests;
