//! `renum migrate lint`: PostgreSQL migrations parsed by the real PostgreSQL parser
//! (`pg_query`, feature `migration-lint`) and checked for locking and downtime hazards.
//!
//! "Existing table" means one the file does not create itself: schema v1 creates its tables
//! and indexes in one migration, which is safe, and must not be flagged.

pub mod queries;
pub mod rules;
pub mod severity;

use std::collections::HashSet;

use pg_query::NodeEnum;
use pg_query::protobuf::{
    AlterTableType, ConstrType, DropBehavior, Node, ObjectType, ReindexObjectType,
};

use rules::Rule;

/// One hazard found in a migration.
#[derive(Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static Rule,
    /// 1-based line of the statement's first token.
    pub line: usize,
    /// What the rule saw (`ALTER TABLE posts ALTER COLUMN ... SET NOT NULL`, shortened).
    pub subject: String,
    /// The existing table the statement locks or rewrites (empty when it names none): its
    /// size decides the severity of a [`Rule::sized`] finding under `--database-url`.
    pub table: String,
}

/// Whether the code (the query catalogue) still reads `table`, or `table.column` when a
/// column is given.
pub type ReadByCode<'a> = &'a dyn Fn(&str, Option<&str>) -> bool;

/// The session settings a migration must only `SET LOCAL`.
const TIMEOUTS: &[&str] = &[
    "lock_timeout",
    "statement_timeout",
    "idle_in_transaction_session_timeout",
];

/// PostgreSQL's identifier limit (NAMEDATALEN - 1): longer names are truncated silently.
const MAX_IDENTIFIER_BYTES: usize = 63;

/// The shipped migrations up to this version `SET lock_timeout` for the session. They stay as
/// they are (editing an applied migration is a checksum mismatch on every database that has
/// it), which is safe because `migrate up` closes its connection instead of returning it to the
/// pool; `session-level-timeout` is not reported for them.
pub const SESSION_TIMEOUT_ALLOWED_THROUGH: i64 = 20261128200000;

/// Whether `finding` in the shipped migration `version` is one of those tolerated above.
pub fn tolerated_in_shipped(version: i64, finding: &Finding) -> bool {
    version <= SESSION_TIMEOUT_ALLOWED_THROUGH && finding.rule == &rules::SESSION_TIMEOUT
}

/// What the statements seen so far in a file have set up or opened.
#[derive(Default)]
struct FileState {
    created_tables: HashSet<String>,
    created_indexes: HashSet<String>,
    validated_in_file: HashSet<String>,
    lock_timeout: bool,
    statement_timeout: bool,
    lock_timeout_reported: bool,
    statement_timeout_reported: bool,
    /// The line of a BEGIN not yet committed (`-- no-transaction` files).
    open_begin: Option<usize>,
}

/// Lints one migration's SQL; a parse error is returned as the parser's message.
pub fn lint(sql: &str, read_by_code: ReadByCode<'_>) -> Result<Vec<Finding>, String> {
    let parsed = pg_query::parse(sql, 0).map_err(|e| e.to_string())?;
    let stmts = &parsed.protobuf.stmts;
    // sqlx runs a migration in one transaction unless its first line says otherwise, and
    // PostgreSQL runs several statements sent together in one implicit transaction block.
    let no_transaction = sql.trim_start().starts_with("-- no-transaction");
    let mut st = FileState::default();
    let mut out = long_identifiers(sql)?;
    for raw in stmts {
        let Some(node) = raw.stmt.as_ref().and_then(|n| n.node.as_ref()) else {
            continue;
        };
        let line = line_of(sql, raw.stmt_location as usize);
        let in_transaction = !no_transaction || stmts.len() > 1 || st.open_begin.is_some();
        let mut found: Vec<(&'static Rule, String)> = Vec::new();
        // The existing table the statement works on, if any.
        let mut table = String::new();
        // Whether the statement takes a lock on a table that already holds data.
        let mut locks_existing = false;
        // Whether it runs CONCURRENTLY (refused in a transaction block).
        let mut concurrent = false;
        match node {
            NodeEnum::VariableSetStmt(set) if TIMEOUTS.contains(&set.name.as_str()) => {
                st.lock_timeout |= set.name == "lock_timeout";
                st.statement_timeout |= set.name == "statement_timeout";
                if !set.is_local && !no_transaction {
                    found.push((&rules::SESSION_TIMEOUT, format!("SET {}", set.name)));
                }
            }
            NodeEnum::CreateStmt(create) => {
                if let Some(r) = &create.relation {
                    st.created_tables.insert(r.relname.clone());
                }
                for elt in &create.table_elts {
                    if let Some(NodeEnum::ColumnDef(col)) = elt.node.as_ref() {
                        column_types(&relname(&create.relation), col, &mut found);
                    }
                }
            }
            NodeEnum::IndexStmt(index) => {
                let on = relname(&index.relation);
                concurrent = index.concurrent;
                if no_transaction && !index.if_not_exists {
                    found.push((
                        &rules::NOT_RERUNNABLE,
                        format!("CREATE INDEX {} without IF NOT EXISTS", index.idxname),
                    ));
                }
                st.created_indexes.insert(index.idxname.clone());
                // A concurrent build takes no lock that blocks reads or writes (and cannot run
                // beside a SET in one implicit transaction), so it needs no lock_timeout.
                if !st.created_tables.contains(&on) {
                    locks_existing |= !index.concurrent;
                    if !index.concurrent {
                        found.push((
                            &rules::INDEX_NOT_CONCURRENT,
                            format!("CREATE INDEX {} ON {on}", index.idxname),
                        ));
                    }
                    table = on;
                }
            }
            NodeEnum::RenameStmt(rename) => {
                let on = relname(&rename.relation);
                let kind =
                    ObjectType::try_from(rename.rename_type).unwrap_or(ObjectType::Undefined);
                if matches!(kind, ObjectType::ObjectColumn | ObjectType::ObjectTable)
                    && !st.created_tables.contains(&on)
                {
                    locks_existing = true;
                    let what = if kind == ObjectType::ObjectColumn {
                        format!("{on}.{} RENAME TO {}", rename.subname, rename.newname)
                    } else {
                        format!("{on} RENAME TO {}", rename.newname)
                    };
                    found.push((&rules::RENAME, what));
                }
            }
            NodeEnum::AlterTableStmt(alter) => {
                let on = relname(&alter.relation);
                if !st.created_tables.contains(&on) {
                    let cmds: Vec<_> = alter
                        .cmds
                        .iter()
                        .filter_map(|c| match c.node.as_ref() {
                            Some(NodeEnum::AlterTableCmd(cmd)) => Some(cmd.as_ref()),
                            _ => None,
                        })
                        .collect();
                    // DETACH ... CONCURRENTLY takes only SHARE UPDATE EXCLUSIVE on the parent.
                    let detaches_concurrently = cmds.iter().any(|c| detach(c) == Some(true));
                    concurrent = detaches_concurrently;
                    locks_existing = !(detaches_concurrently && cmds.len() == 1);
                    for cmd in cmds {
                        alter_cmd(&on, cmd, &st.validated_in_file, read_by_code, &mut found);
                        if AlterTableType::try_from(cmd.subtype)
                            == Ok(AlterTableType::AtValidateConstraint)
                        {
                            st.validated_in_file.insert(on.clone());
                        }
                    }
                    table = on;
                }
            }
            NodeEnum::DropStmt(drop) => {
                concurrent = drop.concurrent;
                locks_existing = !drop.concurrent;
                let index = ObjectType::try_from(drop.remove_type) == Ok(ObjectType::ObjectIndex);
                if no_transaction && index && !drop.missing_ok {
                    found.push((
                        &rules::NOT_RERUNNABLE,
                        "DROP INDEX without IF EXISTS".to_owned(),
                    ));
                }
                drop_stmt(drop, &st, read_by_code, &mut found);
            }
            NodeEnum::DropdbStmt(db) => {
                found.push((
                    &rules::DROP_DATABASE,
                    format!("DROP DATABASE {}", db.dbname),
                ));
            }
            NodeEnum::TruncateStmt(truncate) => {
                locks_existing = true;
                if DropBehavior::try_from(truncate.behavior) == Ok(DropBehavior::DropCascade) {
                    let names: Vec<String> = truncate
                        .relations
                        .iter()
                        .filter_map(|r| match r.node.as_ref() {
                            Some(NodeEnum::RangeVar(r)) => Some(r.relname.clone()),
                            _ => None,
                        })
                        .collect();
                    found.push((
                        &rules::TRUNCATE_CASCADE,
                        format!("TRUNCATE {} CASCADE", names.join(", ")),
                    ));
                }
            }
            NodeEnum::ReindexStmt(reindex) => {
                concurrent = reindex.params.iter().any(|p| {
                    matches!(p.node.as_ref(), Some(NodeEnum::DefElem(d)) if d.defname == "concurrently")
                });
                let kind = ReindexObjectType::try_from(reindex.kind)
                    .unwrap_or(ReindexObjectType::Undefined);
                let target = match kind {
                    ReindexObjectType::ReindexObjectTable => relname(&reindex.relation),
                    ReindexObjectType::ReindexObjectIndex => String::new(),
                    _ => reindex.name.clone(),
                };
                let new_index = kind == ReindexObjectType::ReindexObjectIndex
                    && st.created_indexes.contains(&relname(&reindex.relation));
                if !concurrent && !new_index && !st.created_tables.contains(&target) {
                    locks_existing = true;
                    let what = match kind {
                        ReindexObjectType::ReindexObjectIndex => {
                            format!("REINDEX INDEX {}", relname(&reindex.relation))
                        }
                        _ => format!("REINDEX {target}"),
                    };
                    found.push((&rules::REINDEX_NOT_CONCURRENT, what));
                    if kind == ReindexObjectType::ReindexObjectTable {
                        table = target;
                    }
                }
            }
            NodeEnum::VacuumStmt(vacuum) => {
                let full = vacuum.options.iter().any(|o| {
                    matches!(o.node.as_ref(), Some(NodeEnum::DefElem(d)) if d.defname == "full")
                });
                if full {
                    for rel in &vacuum.rels {
                        if let Some(NodeEnum::VacuumRelation(r)) = rel.node.as_ref() {
                            let on = relname(&r.relation);
                            if !st.created_tables.contains(&on) {
                                locks_existing = true;
                                found.push((
                                    &rules::VACUUM_FULL_OR_CLUSTER,
                                    format!("VACUUM FULL {on}"),
                                ));
                                table = on;
                            }
                        }
                    }
                }
            }
            NodeEnum::ClusterStmt(cluster) => {
                let on = relname(&cluster.relation);
                if !st.created_tables.contains(&on) {
                    locks_existing = true;
                    found.push((&rules::VACUUM_FULL_OR_CLUSTER, format!("CLUSTER {on}")));
                    table = on;
                }
            }
            NodeEnum::TransactionStmt(tx) => {
                transaction(tx, line, no_transaction, &mut st, &mut found);
            }
            _ => {}
        }
        if concurrent && in_transaction {
            found.push((
                &rules::CONCURRENTLY_IN_TRANSACTION,
                if no_transaction {
                    format!("{} statements in one file", stmts.len())
                } else {
                    "the file runs in sqlx's transaction".to_owned()
                },
            ));
        }
        if locks_existing && !st.lock_timeout && !st.lock_timeout_reported {
            st.lock_timeout_reported = true;
            found.push((
                &rules::MISSING_LOCK_TIMEOUT,
                "no SET lock_timeout before this statement".to_owned(),
            ));
        }
        if found.iter().any(|(r, _)| r.sized)
            && !st.statement_timeout
            && !st.statement_timeout_reported
        {
            st.statement_timeout_reported = true;
            found.push((
                &rules::MISSING_STATEMENT_TIMEOUT,
                "no SET statement_timeout before this statement".to_owned(),
            ));
        }
        out.extend(found.into_iter().map(|(rule, subject)| Finding {
            rule,
            line,
            subject,
            table: if rule.sized {
                table.clone()
            } else {
                String::new()
            },
        }));
    }
    if let Some(line) = st.open_begin {
        out.push(Finding {
            rule: &rules::UNCOMMITTED_TRANSACTION,
            line,
            subject: "BEGIN without COMMIT".to_owned(),
            table: String::new(),
        });
    }
    out.sort_by_key(|f| f.line);
    Ok(out)
}

fn relname(r: &Option<pg_query::protobuf::RangeVar>) -> String {
    r.as_ref().map(|r| r.relname.clone()).unwrap_or_default()
}

/// `Some(concurrently)` for an `ALTER TABLE ... DETACH PARTITION`.
fn detach(cmd: &pg_query::protobuf::AlterTableCmd) -> Option<bool> {
    if AlterTableType::try_from(cmd.subtype) != Ok(AlterTableType::AtDetachPartition) {
        return None;
    }
    match cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
        Some(NodeEnum::PartitionCmd(p)) => Some(p.concurrent),
        _ => Some(false),
    }
}

/// BEGIN / COMMIT inside sqlx's transaction nest; in a `-- no-transaction` file a BEGIN must
/// be committed before the file ends.
fn transaction(
    tx: &pg_query::protobuf::TransactionStmt,
    line: usize,
    no_transaction: bool,
    st: &mut FileState,
    found: &mut Vec<(&'static Rule, String)>,
) {
    use pg_query::protobuf::TransactionStmtKind as K;
    let kind = K::try_from(tx.kind).unwrap_or(K::Undefined);
    let (opens, closes) = (
        matches!(kind, K::TransStmtBegin | K::TransStmtStart),
        matches!(
            kind,
            K::TransStmtCommit | K::TransStmtRollback | K::TransStmtPrepare
        ),
    );
    if !no_transaction && (opens || closes) {
        found.push((&rules::TRANSACTION_NESTING, kind.as_str_name().to_owned()));
    } else if opens {
        st.open_begin = Some(line);
    } else if closes {
        st.open_begin = None;
    }
}

fn drop_stmt(
    drop: &pg_query::protobuf::DropStmt,
    st: &FileState,
    read_by_code: ReadByCode<'_>,
    found: &mut Vec<(&'static Rule, String)>,
) {
    let kind = ObjectType::try_from(drop.remove_type).unwrap_or(ObjectType::Undefined);
    for object in &drop.objects {
        // A qualified name is a list of strings; the last one is the object's own name.
        let name = match object.node.as_ref() {
            Some(NodeEnum::List(l)) => strings(&l.items).pop().unwrap_or_default(),
            _ => continue,
        };
        match kind {
            ObjectType::ObjectIndex if !drop.concurrent && !st.created_indexes.contains(&name) => {
                found.push((
                    &rules::DROP_INDEX_NOT_CONCURRENT,
                    format!("DROP INDEX {name}"),
                ));
            }
            ObjectType::ObjectTable
                if !st.created_tables.contains(&name) && read_by_code(&name, None) =>
            {
                found.push((&rules::DROP_TABLE_IN_USE, format!("DROP TABLE {name}")));
            }
            _ => {}
        }
    }
}

/// The type rules, for a column of a new table or one added to an existing table.
fn column_types(
    table: &str,
    col: &pg_query::protobuf::ColumnDef,
    found: &mut Vec<(&'static Rule, String)>,
) {
    let Some(type_name) = col.type_name.as_ref() else {
        return;
    };
    let names = strings(&type_name.names);
    let Some(ty) = names.last().map(String::as_str) else {
        return;
    };
    let subject = format!("{table}.{} {ty}", col.colname);
    let identity = col.constraints.iter().any(|c| {
        matches!(c.node.as_ref(), Some(NodeEnum::Constraint(c))
            if ConstrType::try_from(c.contype) == Ok(ConstrType::ConstrIdentity))
    });
    if SERIALS.contains(&ty) {
        found.push((&rules::PREFER_IDENTITY, subject.clone()));
    }
    if matches!(ty, "serial" | "serial4" | "smallserial" | "serial2")
        || (identity && matches!(ty, "int4" | "int2"))
    {
        found.push((&rules::PREFER_BIGINT_KEY, subject.clone()));
    }
    match ty {
        "timestamp" => found.push((&rules::PREFER_TIMESTAMPTZ, subject)),
        "bpchar" => found.push((&rules::PREFER_TEXT, subject)),
        "varchar" if !type_name.typmods.is_empty() => found.push((&rules::PREFER_TEXT, subject)),
        _ => {}
    }
}

const SERIALS: &[&str] = &[
    "serial",
    "bigserial",
    "smallserial",
    "serial2",
    "serial4",
    "serial8",
];

/// Identifiers longer than PostgreSQL keeps. The parser has already truncated them in the
/// tree, so they are measured in the source tokens.
fn long_identifiers(sql: &str) -> Result<Vec<Finding>, String> {
    let scanned = pg_query::scan(sql).map_err(|e| e.to_string())?;
    Ok(scanned
        .tokens
        .iter()
        .filter(|t| t.token == pg_query::protobuf::Token::Ident as i32)
        .filter_map(|t| {
            let text = sql.get(t.start as usize..t.end as usize)?;
            let name = text.trim_matches('"');
            (name.len() > MAX_IDENTIFIER_BYTES).then(|| Finding {
                rule: &rules::IDENTIFIER_TOO_LONG,
                line: sql[..t.start as usize].matches('\n').count() + 1,
                subject: format!("{name} ({} bytes)", name.len()),
                table: String::new(),
            })
        })
        .collect())
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
                .is_some_and(|n| n.iter().any(|n| SERIALS.contains(&n.as_str())));
            let kinds: Vec<(ConstrType, &pg_query::protobuf::Constraint)> = col
                .constraints
                .iter()
                .filter_map(|c| match c.node.as_ref() {
                    Some(NodeEnum::Constraint(c)) => {
                        Some((ConstrType::try_from(c.contype).ok()?, c.as_ref()))
                    }
                    _ => None,
                })
                .collect();
            let has = |kind: ConstrType| kinds.iter().any(|(k, _)| *k == kind);
            let volatile_default = kinds.iter().any(|(k, c)| {
                *k == ConstrType::ConstrDefault && c.raw_expr.as_deref().is_some_and(calls_volatile)
            });
            // An identity or a stored generated column is filled in for every existing row.
            let computed = has(ConstrType::ConstrIdentity) || has(ConstrType::ConstrGenerated);
            if serial || volatile_default || computed {
                found.push((
                    &rules::VOLATILE_DEFAULT,
                    format!("ADD COLUMN {table}.{}", col.colname),
                ));
            }
            let not_null = col.is_not_null || has(ConstrType::ConstrNotnull);
            if not_null && !serial && !computed && !has(ConstrType::ConstrDefault) {
                found.push((
                    &rules::REQUIRED_COLUMN,
                    format!("ADD COLUMN {table}.{} NOT NULL", col.colname),
                ));
            }
            column_types(table, col, found);
            for (_, c) in kinds {
                constraint(table, c, found);
            }
        }
        Ok(AlterTableType::AtDropNotNull) => {
            found.push((
                &rules::DROP_NOT_NULL,
                format!("{table}.{} DROP NOT NULL", cmd.name),
            ));
        }
        Ok(AlterTableType::AtDetachPartition) if detach(cmd) == Some(false) => {
            let partition = match def {
                Some(NodeEnum::PartitionCmd(p)) => relname(&p.name),
                _ => String::new(),
            };
            found.push((
                &rules::DETACH_PARTITION_NOT_CONCURRENT,
                format!("{table} DETACH PARTITION {partition}"),
            ));
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
        Ok(AlterTableType::AtDropColumn) if read_by_code(table, Some(&cmd.name)) => {
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

/// Whether a catalogue statement (PostgreSQL spelling) mentions `table` (and `column`, when
/// given) as words: the code still reads or writes that table or column.
pub fn catalogue_reads(table: &str, column: Option<&str>) -> bool {
    renum_db::catalogue::postgres::ALL.iter().any(|s| {
        let words: HashSet<&str> = s
            .sql
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .collect();
        words.contains(table) && column.is_none_or(|c| words.contains(c))
    })
}

#[cfg(test)]
mod tests;
