//! Arguments for a custom plan: values taken from the data, so PostgreSQL plans the
//! statement as it does for a typical call on this database.
//!
//! A generic plan does not see values, and its estimates for range predicates are fixed
//! guesses: the feed written join-first got a harmless generic plan, while every call
//! planned with its values (the first five of a pooled statement, and every call once those
//! cost less) ran a nested loop that discarded ~60 joined rows per row returned. So each
//! parameter gets the value a typical call passes, read from the text around it:
//!
//! - `col = $n`: a value of that column (the first row's);
//! - `col >= $n` (or `>`): the column's smallest value, and `col < $n` (or `<=`) its
//!   largest, so a window is the whole history (the unfiltered feed) and a keyset cursor
//!   starts at the first page; a row comparison `(a, b) < ($x, $y)` pairs up element-wise;
//! - `$n IS NULL` (or `CAST($n AS ...) IS NULL`): an optional filter, NULL as the
//!   unfiltered default call passes it;
//! - `LIMIT $n`: a page (20), `OFFSET $n`: 0;
//! - anything else: a plain value of the parameter's type (`now()` for a timestamp).

use std::collections::HashMap;

use super::super::queries::{self, ident};
use crate::introspect::Schema;

/// A page, as the API's list routes take it by default.
const PAGE: &str = "20";

/// How a parameter is used in the statement.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Role {
    Equals(Column),
    /// The parameter bounds the column from below (`col >= $n`).
    Lower(Column),
    /// The parameter bounds the column from above (`col < $n`).
    Upper(Column),
    Limit,
    Offset,
    /// An optional filter (`$n IS NULL OR ...`): absent in the default call.
    Optional,
    Unknown,
}

/// A column of a table the statement reads.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Column {
    pub table: String,
    pub column: String,
}

/// One token of a statement: what the role reader needs to tell apart.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    /// A word or a dotted name (`p.scheduled_at`), as written.
    Word(String),
    Param(usize),
    Op(&'static str),
    Open,
    Close,
    Comma,
    Other,
}

fn tokens(sql: &str) -> Vec<Token> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            // A string literal: skip it whole ('' is an escaped quote inside).
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' && chars.get(i + 1) != Some(&'\'') {
                    break;
                }
                i += if chars[i] == '\'' { 2 } else { 1 };
            }
            i += 1;
            out.push(Token::Other);
        } else if c == '$' {
            let digits: String = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            i += 1 + digits.len();
            out.push(digits.parse().map_or(Token::Other, Token::Param));
        } else if c.is_ascii_alphanumeric() || c == '_' || c == '"' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '_' | '.' | '"'))
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().filter(|c| **c != '"').collect();
            out.push(Token::Word(word));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let (token, width) = match (two.as_str(), c) {
                ("<=", _) => (Token::Op("<="), 2),
                (">=", _) => (Token::Op(">="), 2),
                ("<>" | "!=", _) => (Token::Op("<>"), 2),
                ("::", _) => (Token::Op("::"), 2),
                (_, '<') => (Token::Op("<"), 1),
                (_, '>') => (Token::Op(">"), 1),
                (_, '=') => (Token::Op("="), 1),
                (_, '(') => (Token::Open, 1),
                (_, ')') => (Token::Close, 1),
                (_, ',') => (Token::Comma, 1),
                _ => (Token::Other, 1),
            };
            out.push(token);
            i += width;
        }
    }
    out
}

/// The role of each parameter `$1..=$count`, read from the statement's text. `tables` maps
/// the names and aliases the statement uses to tables; an unqualified column belongs to the
/// first of the statement's tables that has it.
pub(super) fn roles(
    sql: &str,
    count: usize,
    tables: &HashMap<String, String>,
    schema: &Schema,
) -> Vec<Role> {
    let toks = tokens(sql);
    let mut roles = vec![Role::Unknown; count];
    let column = |word: &str| resolve(word, tables, schema);
    let mut set = |n: usize, role: Role| {
        if let Some(slot) = roles.get_mut(n.wrapping_sub(1))
            && *slot == Role::Unknown
        {
            *slot = role;
        }
    };
    for (i, t) in toks.iter().enumerate() {
        if let Token::Param(n) = *t
            && tested_for_null(&toks, i)
        {
            set(n, Role::Optional);
        }
    }
    for (i, t) in toks.iter().enumerate() {
        let Token::Param(n) = *t else { continue };
        let before = |k: usize| i.checked_sub(k).and_then(|j| toks.get(j));
        let after = |k: usize| toks.get(i + k);
        match (before(2), before(1), after(1), after(2)) {
            (_, Some(Token::Word(w)), _, _) if w.eq_ignore_ascii_case("limit") => {
                set(n, Role::Limit)
            }
            (_, Some(Token::Word(w)), _, _) if w.eq_ignore_ascii_case("offset") => {
                set(n, Role::Offset)
            }
            (Some(Token::Word(w)), Some(Token::Op(op)), _, _) => {
                if let Some(c) = column(w) {
                    set(n, bound(op, c, false));
                }
            }
            (_, _, Some(Token::Op(op)), Some(Token::Word(w))) => {
                if let Some(c) = column(w) {
                    set(n, bound(op, c, true));
                }
            }
            _ => {}
        }
    }
    // Row comparisons: `( a , b ) op ( $x , $y )`.
    for (i, t) in toks.iter().enumerate() {
        let Token::Op(op) = t else { continue };
        let (Some(left), Some(right)) = (group_before(&toks, i), group_after(&toks, i + 1)) else {
            continue;
        };
        for (w, p) in left.iter().zip(&right) {
            if let (Token::Word(w), Token::Param(n)) = (w, p)
                && let Some(c) = column(w)
            {
                set(*n, bound(op, c, false));
            }
        }
    }
    roles
}

/// True when the parameter at `i` is followed by `IS NULL`, directly or as the operand of
/// a `CAST(... AS type)`.
fn tested_for_null(toks: &[Token], i: usize) -> bool {
    let word = |k: usize, w: &str| matches!(toks.get(k), Some(Token::Word(x)) if x.eq_ignore_ascii_case(w));
    let is_null = |k: usize| word(k, "is") && word(k + 1, "null");
    let in_cast = i >= 2 && toks[i - 1] == Token::Open && word(i - 2, "cast") && word(i + 1, "as");
    if in_cast {
        let close = toks[i..].iter().position(|t| *t == Token::Close);
        close.is_some_and(|c| is_null(i + c + 1))
    } else {
        is_null(i + 1)
    }
}

/// `col op $n` (or, `flipped`, `$n op col`) as a role of `$n`.
fn bound(op: &str, column: Column, flipped: bool) -> Role {
    match (op, flipped) {
        ("=", _) => Role::Equals(column),
        (">" | ">=", false) | ("<" | "<=", true) => Role::Lower(column),
        ("<" | "<=", false) | (">" | ">=", true) => Role::Upper(column),
        _ => Role::Unknown,
    }
}

/// The single tokens of the parenthesised list that ends just before `end`.
fn group_before(toks: &[Token], end: usize) -> Option<Vec<Token>> {
    let close = end.checked_sub(1)?;
    (toks.get(close)? == &Token::Close).then_some(())?;
    let open = toks[..close].iter().rposition(|t| *t == Token::Open)?;
    list(&toks[open + 1..close])
}

/// The single tokens of the parenthesised list that starts at `start`.
fn group_after(toks: &[Token], start: usize) -> Option<Vec<Token>> {
    (toks.get(start)? == &Token::Open).then_some(())?;
    let close = start + toks[start..].iter().position(|t| *t == Token::Close)?;
    list(&toks[start + 1..close])
}

/// `a , b , c` as `[a, b, c]`; `None` unless it is such a list of at least two.
fn list(inner: &[Token]) -> Option<Vec<Token>> {
    let items: Vec<Token> = inner
        .iter()
        .enumerate()
        .filter(|(k, _)| k % 2 == 0)
        .map(|(_, t)| t.clone())
        .collect();
    let commas = inner.iter().skip(1).step_by(2).all(|t| *t == Token::Comma);
    (items.len() >= 2 && inner.len() == 2 * items.len() - 1 && commas).then_some(items)
}

fn resolve(word: &str, tables: &HashMap<String, String>, schema: &Schema) -> Option<Column> {
    let (table, column) = match word.split_once('.') {
        Some((alias, column)) => (tables.get(alias)?.clone(), column),
        None => {
            let mut names: Vec<&String> = tables.values().collect();
            names.sort();
            let table = names
                .into_iter()
                .find(|t| schema.table(t).is_some_and(|t| t.column(word).is_some()))?;
            (table.clone(), word)
        }
    };
    schema.table(&table)?.column(column)?;
    Some(Column {
        table,
        column: column.to_owned(),
    })
}

/// The statement that reads the sample value of `role` as a quoted literal (or NULL when
/// the table is empty); `None` for roles that need no data.
pub(super) fn sample_query(role: &Role) -> Option<String> {
    let (c, order) = match role {
        Role::Equals(c) => (c, ""),
        Role::Lower(c) => (c, " ORDER BY {column}"),
        Role::Upper(c) => (c, " ORDER BY {column} DESC"),
        _ => return None,
    };
    let (table, column) = (ident(&c.table)?, ident(&c.column)?);
    Some(
        queries::postgres::SAMPLE_VALUE
            .replace("{order}", order)
            .replace("{table}", table)
            .replace("{column}", column),
    )
}

/// The argument expression for a parameter of type `ty` (as `pg_prepared_statements`
/// names it) whose role has no sample (`sampled` is the quoted literal when it has one).
pub(super) fn argument(role: &Role, ty: &str, sampled: Option<String>) -> String {
    if let Some(value) = sampled {
        return value;
    }
    match role {
        Role::Limit => return PAGE.to_owned(),
        Role::Offset => return "0".to_owned(),
        Role::Optional => return "NULL".to_owned(),
        _ => {}
    }
    match ty {
        "uuid" => "'00000000-0000-7000-8000-000000000000'",
        "timestamp with time zone" | "timestamp without time zone" => "now()",
        "smallint" | "integer" | "bigint" | "numeric" | "double precision" | "real" => PAGE,
        "boolean" => "true",
        "text" | "character varying" => "'renum'",
        "bytea" => "'\\x00'::bytea",
        "jsonb" | "json" => "'{}'",
        t if t.ends_with("[]") => "'{}'",
        "interval" => "'1 day'",
        _ => "NULL",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::introspect::{Column as Col, LogicalType, Table};

    fn schema() -> Schema {
        let table = |name: &str, cols: &[&str]| Table {
            name: name.into(),
            columns: cols
                .iter()
                .map(|c| Col {
                    name: (*c).into(),
                    ty: LogicalType::Text,
                    nullable: true,
                    default: None,
                    generated: false,
                    enum_values: None,
                })
                .collect(),
            foreign_keys: vec![],
            checks: vec![],
            indexes: vec![],
        };
        Schema {
            tables: vec![
                table(
                    "posts",
                    &[
                        "id",
                        "organization_id",
                        "scheduled_at",
                        "status",
                        "video_id",
                    ],
                ),
                table("videos", &["id", "organization_id", "title"]),
            ],
        }
    }

    fn col(table: &str, column: &str) -> Column {
        Column {
            table: table.into(),
            column: column.into(),
        }
    }

    #[test]
    fn roles_are_read_from_comparisons_rows_and_limits() {
        let sql = "SELECT p.id FROM posts p JOIN videos v ON v.id = p.video_id \
                   WHERE p.organization_id = $1 AND p.scheduled_at >= $2 AND $3 > p.scheduled_at \
                   AND (CAST($4 AS TEXT) IS NULL OR status = $4) AND (p.scheduled_at, p.id) < ($5, $6) \
                   AND v.title <> 'a = $9' ORDER BY p.scheduled_at DESC LIMIT $7 OFFSET $8";
        let tables = HashMap::from([
            ("p".to_owned(), "posts".to_owned()),
            ("v".to_owned(), "videos".to_owned()),
            ("posts".to_owned(), "posts".to_owned()),
            ("videos".to_owned(), "videos".to_owned()),
        ]);
        let roles = roles(sql, 8, &tables, &schema());
        assert_eq!(
            roles,
            vec![
                Role::Equals(col("posts", "organization_id")),
                Role::Lower(col("posts", "scheduled_at")),
                Role::Upper(col("posts", "scheduled_at")),
                Role::Optional,
                Role::Upper(col("posts", "scheduled_at")),
                Role::Upper(col("posts", "id")),
                Role::Limit,
                Role::Offset,
            ]
        );
    }

    #[test]
    fn unknown_columns_and_unused_parameters_get_typed_defaults() {
        let tables = HashMap::from([("posts".to_owned(), "posts".to_owned())]);
        let roles = roles(
            "UPDATE posts SET nope = $2 WHERE id = $1",
            3,
            &tables,
            &schema(),
        );
        assert_eq!(roles[0], Role::Equals(col("posts", "id")));
        assert_eq!(roles[1], Role::Unknown);
        assert_eq!(roles[2], Role::Unknown);
        assert_eq!(
            argument(&roles[1], "timestamp with time zone", None),
            "now()"
        );
        assert_eq!(argument(&Role::Limit, "bigint", None), PAGE);
        assert_eq!(argument(&roles[0], "uuid", Some("'x'".into())), "'x'");
        assert!(sample_query(&roles[0]).unwrap().contains("FROM posts"));
        assert_eq!(sample_query(&Role::Limit), None);

        let optional = super::roles(
            "SELECT id FROM posts WHERE ($1 IS NULL OR id = $1) AND status = $2",
            2,
            &tables,
            &schema(),
        );
        assert_eq!(
            optional,
            [Role::Optional, Role::Equals(col("posts", "status"))]
        );
        assert_eq!(argument(&optional[0], "uuid", None), "NULL");
    }
}
