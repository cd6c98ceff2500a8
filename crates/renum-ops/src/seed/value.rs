//! One generated column value and its two spellings: a field of PostgreSQL's COPY text
//! format, and a bind parameter of SQLite's INSERT (in the text formats the SQLite schema
//! stores, see the header of `migrations/sqlite`).

use std::io::Write;

use sqlx::Sqlite;
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use uuid::Uuid;

/// Microseconds since the Unix epoch, UTC (PostgreSQL's timestamp precision).
pub type Micros = i64;

pub const SECOND: Micros = 1_000_000;
pub const MINUTE: Micros = 60 * SECOND;
pub const HOUR: Micros = 60 * MINUTE;
pub const DAY: Micros = 24 * HOUR;

/// A column value as the generator produces it. Static text is borrowed so the hot tables
/// (posts, api_logs) allocate little per row.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Str(&'static str),
    Text(String),
    Int(i64),
    Float(f64),
    Uuid(Uuid),
    Time(Micros),
    /// JSON text (jsonb on PostgreSQL, checked JSON text on SQLite).
    Json(String),
    /// A list of plain lowercase words: `text[]` on PostgreSQL, a JSON array on SQLite.
    Words(Vec<&'static str>),
    /// `bytea` on PostgreSQL, a blob on SQLite (token and email hashes).
    Bytes(Vec<u8>),
}

impl Value {
    pub fn opt_text(text: Option<String>) -> Value {
        text.map_or(Value::Null, Value::Text)
    }

    pub fn opt_time(at: Option<Micros>) -> Value {
        at.map_or(Value::Null, Value::Time)
    }

    pub fn opt_uuid(id: Option<Uuid>) -> Value {
        id.map_or(Value::Null, Value::Uuid)
    }

    pub fn opt_float(x: Option<f64>) -> Value {
        x.map_or(Value::Null, Value::Float)
    }
}

/// Appends one row in COPY text format: tab-separated, `\N` for null, newline-terminated.
pub fn write_copy_row(row: &[Value], out: &mut Vec<u8>) {
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        match value {
            Value::Null => out.extend_from_slice(b"\\N"),
            Value::Str(s) => write_copy_text(s, out),
            Value::Text(s) | Value::Json(s) => write_copy_text(s, out),
            Value::Int(n) => write!(out, "{n}").expect("writing to a Vec cannot fail"),
            Value::Float(x) => write!(out, "{x}").expect("writing to a Vec cannot fail"),
            Value::Uuid(id) => {
                let mut buf = [0u8; 36];
                out.extend_from_slice(id.hyphenated().encode_lower(&mut buf).as_bytes());
            }
            Value::Time(at) => write_timestamp(*at, out),
            Value::Words(words) => {
                // Array literal; the words are plain lowercase ASCII, so no element quoting.
                out.push(b'{');
                for (j, w) in words.iter().enumerate() {
                    if j > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(w.as_bytes());
                }
                out.push(b'}');
            }
            Value::Bytes(bytes) => {
                // bytea's hex input `\x..`, its backslash escaped for COPY.
                out.extend_from_slice(b"\\\\x");
                for b in bytes {
                    write!(out, "{b:02x}").expect("writing to a Vec cannot fail");
                }
            }
        }
    }
    out.push(b'\n');
}

/// COPY text escaping: backslash, and the characters that separate fields and rows.
pub(crate) fn write_copy_text(s: &str, out: &mut Vec<u8>) {
    for &b in s.as_bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ`: the fixed-width spelling SQLite's schema checks, which
/// PostgreSQL also reads as timestamptz. Hand-rolled because it runs for every row.
pub fn write_timestamp(at: Micros, out: &mut Vec<u8>) {
    let days = at.div_euclid(DAY);
    let in_day = at.rem_euclid(DAY);
    let (y, m, d) = civil_from_days(days);
    let secs = in_day / SECOND;
    let frac = in_day % SECOND;
    push_digits(out, y as u64, 4);
    out.push(b'-');
    push_digits(out, m as u64, 2);
    out.push(b'-');
    push_digits(out, d as u64, 2);
    out.push(b'T');
    push_digits(out, (secs / 3600) as u64, 2);
    out.push(b':');
    push_digits(out, (secs / 60 % 60) as u64, 2);
    out.push(b':');
    push_digits(out, (secs % 60) as u64, 2);
    out.push(b'.');
    push_digits(out, frac as u64, 6);
    out.push(b'Z');
}

pub fn timestamp_text(at: Micros) -> String {
    let mut out = Vec::with_capacity(27);
    write_timestamp(at, &mut out);
    String::from_utf8(out).expect("timestamps are ASCII")
}

fn push_digits(out: &mut Vec<u8>, mut n: u64, width: usize) {
    let start = out.len();
    out.resize(start + width, b'0');
    for slot in out[start..].iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Binds one value to a SQLite INSERT, in the stored spelling of its column type.
pub fn bind_sqlite<'q>(
    query: Query<'q, Sqlite, SqliteArguments>,
    value: Value,
) -> Query<'q, Sqlite, SqliteArguments> {
    match value {
        Value::Null => query.bind(None::<String>),
        Value::Str(s) => query.bind(s),
        Value::Text(s) | Value::Json(s) => query.bind(s),
        Value::Int(n) => query.bind(n),
        Value::Float(x) => query.bind(x),
        Value::Uuid(id) => query.bind(id.hyphenated().to_string()),
        Value::Time(at) => query.bind(timestamp_text(at)),
        Value::Words(words) => {
            query.bind(serde_json::to_string(&words).expect("a list of strings serializes to JSON"))
        }
        Value::Bytes(bytes) => query.bind(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_match_chrono_in_the_sqlite_spelling() {
        for at in [
            0,
            951_782_400 * SECOND + 123_456, // 2000-02-29
            1_764_028_800 * SECOND + 86_399_999_999,
            4_102_444_800 * SECOND - 1,
        ] {
            let expected = chrono::DateTime::from_timestamp_micros(at)
                .unwrap()
                .format("%Y-%m-%dT%H:%M:%S%.6fZ")
                .to_string();
            assert_eq!(timestamp_text(at), expected);
        }
    }

    #[test]
    fn copy_rows_escape_separators_and_spell_nulls_and_arrays() {
        let mut out = Vec::new();
        write_copy_row(
            &[
                Value::Str("a\tb\\c\nd"),
                Value::Null,
                Value::Words(vec!["reels", "tips"]),
                Value::Int(-3),
                Value::Float(1.5),
                Value::Bytes(vec![0, 0xab]),
            ],
            &mut out,
        );
        assert_eq!(
            out,
            b"a\\tb\\\\c\\nd\t\\N\t{reels,tips}\t-3\t1.5\t\\\\x00ab\n"
        );
    }
}
