//! One copied value: read from either engine by its column's [`Kind`], written to either
//! engine, and spelled canonically. The canonical spelling is the COPY text line itself
//! (UUIDs hyphenated lowercase, timestamps RFC 3339 with microseconds in UTC, JSON with
//! sorted keys and no spaces, bytea as `\x` hex, floats in Rust's shortest round-trip
//! form), so what is hashed for the verification is exactly what a PostgreSQL target is
//! sent, and a SQLite target's values hash the same way once read back.

use std::io::Write;

use chrono::{DateTime, Utc};
use renum_db::sql_types::{StringList, Timestamp};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use sqlx::postgres::PgRow;
use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Row, Sqlite};
use uuid::Uuid;

use super::queries::Kind;
use crate::seed::value::write_copy_text;

#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Null,
    Uuid(Uuid),
    Text(String),
    Int(i64),
    Float(f64),
    Time(DateTime<Utc>),
    Json(Json),
    List(Vec<String>),
    Bytes(Vec<u8>),
}

/// Reads the columns of a PostgreSQL row.
pub fn from_pg(row: &PgRow, columns: &[(&str, Kind)]) -> anyhow::Result<Vec<Cell>> {
    from_row(row, columns, |row, i, _, kind| {
        Ok(match kind {
            Kind::Uuid => row.try_get::<Option<Uuid>, _>(i)?.map(Cell::Uuid),
            Kind::Int4 => row
                .try_get::<Option<i32>, _>(i)?
                .map(|n| Cell::Int(n.into())),
            Kind::Json => row
                .try_get::<Option<sqlx::types::Json<Json>>, _>(i)?
                .map(|j| Cell::Json(j.0)),
            _ => row.try_get::<Option<i64>, _>(i)?.map(Cell::Int),
        })
    })
}

/// Reads the columns of a SQLite row (UUIDs and JSON are text there, integers all 64-bit).
pub fn from_sqlite(row: &SqliteRow, columns: &[(&str, Kind)]) -> anyhow::Result<Vec<Cell>> {
    from_row(row, columns, |row, i, name, kind| {
        Ok(match kind {
            Kind::Uuid => match row.try_get::<Option<String>, _>(i)? {
                Some(text) => Some(Cell::Uuid(Uuid::parse_str(&text).map_err(|err| {
                    anyhow::anyhow!("column {name} holds {text:?}, not a UUID: {err}")
                })?)),
                None => None,
            },
            Kind::Json => match row.try_get::<Option<String>, _>(i)? {
                Some(text) => Some(Cell::Json(serde_json::from_str(&text).map_err(|err| {
                    anyhow::anyhow!("column {name} holds invalid JSON: {err}")
                })?)),
                None => None,
            },
            _ => row.try_get::<Option<i64>, _>(i)?.map(Cell::Int),
        })
    })
}

/// Reads a row: the kinds both engines decode alike here; UUIDs, integers and JSON, whose
/// storage differs, through the engine's `specific` reader (its `_` arm is the integers it
/// has not matched: only those four kinds reach it).
fn from_row<'r, R>(
    row: &'r R,
    columns: &[(&str, Kind)],
    specific: impl Fn(&'r R, usize, &str, Kind) -> anyhow::Result<Option<Cell>>,
) -> anyhow::Result<Vec<Cell>>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Timestamp: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    StringList: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Vec<u8>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let mut cells = Vec::with_capacity(columns.len());
    for (i, (name, kind)) in columns.iter().enumerate() {
        let cell = match kind {
            Kind::Text => row.try_get::<Option<String>, _>(i)?.map(Cell::Text),
            Kind::Float => row.try_get::<Option<f64>, _>(i)?.map(Cell::Float),
            Kind::Time => row
                .try_get::<Option<Timestamp>, _>(i)?
                .map(|t| Cell::Time(t.into())),
            Kind::List => row
                .try_get::<Option<StringList>, _>(i)?
                .map(|l| Cell::List(l.0)),
            Kind::Bytes => row.try_get::<Option<Vec<u8>>, _>(i)?.map(Cell::Bytes),
            Kind::Uuid | Kind::Int4 | Kind::Int8 | Kind::Json => specific(row, i, name, *kind)?,
        };
        cells.push(cell.unwrap_or(Cell::Null));
    }
    Ok(cells)
}

/// Appends one row in COPY text format, which is also the canonical form (module header).
pub fn write_copy_row(row: &[Cell], out: &mut Vec<u8>) {
    for (i, cell) in row.iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        match cell {
            Cell::Null => out.extend_from_slice(b"\\N"),
            Cell::Uuid(id) => {
                let mut buf = [0u8; 36];
                out.extend_from_slice(id.hyphenated().encode_lower(&mut buf).as_bytes());
            }
            Cell::Text(s) => write_copy_text(s, out),
            Cell::Int(n) => write!(out, "{n}").expect("writing to a Vec cannot fail"),
            Cell::Float(x) => write!(out, "{x}").expect("writing to a Vec cannot fail"),
            Cell::Time(at) => write!(out, "{}", at.format("%Y-%m-%dT%H:%M:%S%.6fZ"))
                .expect("writing to a Vec cannot fail"),
            Cell::Json(j) => write_copy_text(&j.to_string(), out),
            Cell::List(items) => write_copy_text(&array_literal(items), out),
            Cell::Bytes(bytes) => {
                // `\x` + hex, the backslash doubled by COPY's own escaping.
                out.extend_from_slice(b"\\\\x");
                out.extend_from_slice(hex::encode(bytes).as_bytes());
            }
        }
    }
    out.push(b'\n');
}

/// A `text[]` literal with every element quoted, so commas, braces, quotes and backslashes
/// inside an element survive.
fn array_literal(items: &[String]) -> String {
    let mut out = String::from("{");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        for c in item.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    }
    out.push('}');
    out
}

/// Binds one value to a SQLite INSERT in the stored spelling of its column type.
pub fn bind_sqlite<'q>(
    query: Query<'q, Sqlite, SqliteArguments>,
    cell: Cell,
) -> Query<'q, Sqlite, SqliteArguments> {
    match cell {
        Cell::Null => query.bind(None::<String>),
        Cell::Uuid(id) => query.bind(id.hyphenated().to_string()),
        Cell::Text(s) => query.bind(s),
        Cell::Int(n) => query.bind(n),
        Cell::Float(x) => query.bind(x),
        Cell::Time(at) => query.bind(Timestamp::from(at)),
        Cell::Json(j) => query.bind(j.to_string()),
        Cell::List(items) => query.bind(StringList(items)),
        Cell::Bytes(bytes) => query.bind(bytes),
    }
}

/// An order-independent checksum of a table's rows: the wrapping sum of the first 128 bits
/// of each canonical row's SHA-256. Independent of order because the engines sort text by
/// different collations (`_renum_backfills` is keyed by name); rows are distinct (each has
/// a primary key), so the sum of their hashes identifies the set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checksum(u128);

impl Checksum {
    pub fn add(&mut self, canonical_row: &[u8]) {
        let digest = Sha256::digest(canonical_row);
        let mut first = [0u8; 16];
        first.copy_from_slice(&digest[..16]);
        self.0 = self.0.wrapping_add(u128::from_be_bytes(first));
    }
}

impl std::fmt::Display for Checksum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_rows_spell_every_kind_once() {
        let at = DateTime::parse_from_rfc3339("2026-06-01T10:20:30.123456+02:00")
            .unwrap()
            .with_timezone(&Utc);
        let mut out = Vec::new();
        write_copy_row(
            &[
                Cell::Uuid(Uuid::nil()),
                Cell::Time(at),
                Cell::Json(serde_json::json!({"b": 1, "a": "x\ty"})),
                Cell::List(vec!["a,b".into(), "c\"d".into()]),
                Cell::Bytes(vec![0, 255]),
                Cell::Null,
            ],
            &mut out,
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "00000000-0000-0000-0000-000000000000\t2026-06-01T08:20:30.123456Z\t\
             {\"a\":\"x\\\\ty\",\"b\":1}\t{\"a,b\",\"c\\\\\"d\"}\t\\\\x00ff\t\\N\n"
        );
    }

    #[test]
    fn the_checksum_ignores_row_order_and_sees_any_change() {
        let (mut a, mut b, mut c) = (
            Checksum::default(),
            Checksum::default(),
            Checksum::default(),
        );
        a.add(b"1\n");
        a.add(b"2\n");
        b.add(b"2\n");
        b.add(b"1\n");
        c.add(b"1\n");
        c.add(b"3\n");
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
