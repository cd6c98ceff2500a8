//! Value types whose storage differs between the engines, with one Rust spelling.
//!
//! PostgreSQL stores them natively (uuid, timestamptz, text[]); SQLite stores text in a
//! fixed format (see the header of `migrations/sqlite`). Implementing the sqlx codecs
//! here keeps every repository body identical for both engines.

use std::fmt;

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgTypeInfo, PgValueRef};
use sqlx::sqlite::{SqliteTypeInfo, SqliteValueRef};
use sqlx::{Database, Decode, Encode, Postgres, Sqlite, Type};

pub use sqlx::types::Json;

/// A JSON column value (jsonb on PostgreSQL, checked JSON text on SQLite).
pub type JsonValue = Json<serde_json::Value>;

/// Implements the sqlx codecs for a type that PostgreSQL stores as `$native` and SQLite
/// as text. The type provides `to_sql_text`, `from_sql_text`, and `From`/`Into` `$native`.
macro_rules! pg_native_sqlite_text {
    ($ty:ty, $native:ty) => {
        impl sqlx::Type<sqlx::Postgres> for $ty {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <$native as sqlx::Type<sqlx::Postgres>>::type_info()
            }
            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <$native as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }
        impl sqlx::Encode<'_, sqlx::Postgres> for $ty {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Postgres as sqlx::Database>::ArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                let native: $native = (*self).into();
                sqlx::Encode::<sqlx::Postgres>::encode(native, buf)
            }
        }
        impl<'r> sqlx::Decode<'r, sqlx::Postgres> for $ty {
            fn decode(
                value: sqlx::postgres::PgValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                Ok(<$native as sqlx::Decode<sqlx::Postgres>>::decode(value)?.into())
            }
        }
        impl sqlx::Type<sqlx::Sqlite> for $ty {
            fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
                <String as sqlx::Type<sqlx::Sqlite>>::type_info()
            }
            fn compatible(ty: &sqlx::sqlite::SqliteTypeInfo) -> bool {
                <String as sqlx::Type<sqlx::Sqlite>>::compatible(ty)
            }
        }
        impl sqlx::Encode<'_, sqlx::Sqlite> for $ty {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Sqlite as sqlx::Database>::ArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                sqlx::Encode::<sqlx::Sqlite>::encode(self.to_sql_text(), buf)
            }
        }
        impl<'r> sqlx::Decode<'r, sqlx::Sqlite> for $ty {
            fn decode(
                value: sqlx::sqlite::SqliteValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let text = <&str as sqlx::Decode<sqlx::Sqlite>>::decode(value)?;
                Self::from_sql_text(text)
            }
        }
    };
}
pub(crate) use pg_native_sqlite_text;

/// A UTC instant with microsecond precision (PostgreSQL's), serialized as RFC 3339 with `Z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    pub fn now() -> Self {
        Utc::now().into()
    }

    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }

    /// SQLite's fixed-width spelling: text order equals time order.
    pub fn to_sql_text(&self) -> String {
        self.rfc3339(Fraction::Micros).into()
    }

    /// RFC 3339 in UTC with `Z`. Written digit by digit: a feed page serializes sixty of
    /// these, and chrono's `fmt`-based writer was about 5 % of the server's CPU per request.
    /// Years outside 0..=9999 (which the API never produces) go through chrono.
    fn rfc3339(&self, fraction: Fraction) -> Rfc3339 {
        use chrono::{Datelike, Timelike};
        let t = self.0;
        let year = t.year();
        let mut out = Rfc3339 {
            buf: [0; 27],
            len: 0,
            fallback: None,
        };
        if !(0..=9999).contains(&year) {
            let format = match fraction {
                Fraction::Micros => SecondsFormat::Micros,
                Fraction::Shortest => SecondsFormat::AutoSi,
            };
            out.fallback = Some(t.to_rfc3339_opts(format, true));
            return out;
        }
        let micros = t.nanosecond() / 1_000 % 1_000_000;
        let digits = match fraction {
            Fraction::Micros => 6,
            Fraction::Shortest if micros == 0 => 0,
            Fraction::Shortest if micros.is_multiple_of(1_000) => 3,
            Fraction::Shortest => 6,
        };
        out.write_num(year as u32, 4);
        out.write_byte(b'-');
        out.write_num(t.month(), 2);
        out.write_byte(b'-');
        out.write_num(t.day(), 2);
        out.write_byte(b'T');
        out.write_num(t.hour(), 2);
        out.write_byte(b':');
        out.write_num(t.minute(), 2);
        out.write_byte(b':');
        out.write_num(t.second(), 2);
        if digits > 0 {
            out.write_byte(b'.');
            out.write_num(micros / 10u32.pow(6 - digits as u32), digits);
        }
        out.write_byte(b'Z');
        out
    }

    fn from_sql_text(text: &str) -> Result<Self, BoxDynError> {
        Ok(DateTime::parse_from_rfc3339(text)?
            .with_timezone(&Utc)
            .into())
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(value: DateTime<Utc>) -> Self {
        Self(value.trunc_subsecs(6))
    }
}

impl From<Timestamp> for DateTime<Utc> {
    fn from(value: Timestamp) -> Self {
        value.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.rfc3339(Fraction::Micros).as_str())
    }
}

/// The API's spelling: the shortest of no, 3 or 6 fractional digits (as chrono's serde).
impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.rfc3339(Fraction::Shortest).as_str())
    }
}

#[derive(Clone, Copy)]
enum Fraction {
    /// Always six digits: SQLite's sortable text, `Display`.
    Micros,
    /// None, 3 or 6 digits, whichever is exact.
    Shortest,
}

/// A timestamp's text on the stack (`YYYY-MM-DDTHH:MM:SS.ffffffZ` is 27 bytes).
struct Rfc3339 {
    buf: [u8; 27],
    len: usize,
    fallback: Option<String>,
}

impl Rfc3339 {
    fn write_byte(&mut self, b: u8) {
        self.buf[self.len] = b;
        self.len += 1;
    }

    /// `value`'s last `width` decimal digits, zero-padded.
    fn write_num(&mut self, mut value: u32, width: usize) {
        for i in (0..width).rev() {
            self.buf[self.len + i] = b'0' + (value % 10) as u8;
            value /= 10;
        }
        self.len += width;
    }

    fn as_str(&self) -> &str {
        match &self.fallback {
            Some(text) => text,
            // Only ASCII digits and punctuation were written.
            None => std::str::from_utf8(&self.buf[..self.len]).expect("ASCII"),
        }
    }
}

impl From<Rfc3339> for String {
    fn from(text: Rfc3339) -> String {
        match text.fallback {
            Some(text) => text,
            None => text.as_str().to_owned(),
        }
    }
}

pg_native_sqlite_text!(Timestamp, DateTime<Utc>);

/// A list of strings: `text[]` on PostgreSQL, a JSON array on SQLite.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StringList(pub Vec<String>);

impl Type<Postgres> for StringList {
    fn type_info() -> PgTypeInfo {
        <Vec<String> as Type<Postgres>>::type_info()
    }
    fn compatible(ty: &PgTypeInfo) -> bool {
        <Vec<String> as Type<Postgres>>::compatible(ty)
    }
}

impl Encode<'_, Postgres> for StringList {
    fn encode_by_ref(
        &self,
        buf: &mut <Postgres as Database>::ArgumentBuffer,
    ) -> Result<IsNull, BoxDynError> {
        Encode::<Postgres>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> Decode<'r, Postgres> for StringList {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Self(<Vec<String> as Decode<Postgres>>::decode(value)?))
    }
}

impl Type<Sqlite> for StringList {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <String as Type<Sqlite>>::compatible(ty)
    }
}

impl Encode<'_, Sqlite> for StringList {
    fn encode_by_ref(
        &self,
        buf: &mut <Sqlite as Database>::ArgumentBuffer,
    ) -> Result<IsNull, BoxDynError> {
        Encode::<Sqlite>::encode(serde_json::to_string(&self.0)?, buf)
    }
}

impl<'r> Decode<'r, Sqlite> for StringList {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<Sqlite>>::decode(value)?;
        Ok(Self(serde_json::from_str(text)?))
    }
}

#[cfg(test)]
mod tests {
    use proptest::strategy::Strategy as _;

    use super::*;

    #[test]
    fn sqlite_timestamp_text_is_fixed_width_and_round_trips() {
        let ts: Timestamp = DateTime::parse_from_rfc3339("2026-01-02T03:04:05.1Z")
            .unwrap()
            .with_timezone(&Utc)
            .into();
        let text = ts.to_sql_text();
        assert_eq!(text, "2026-01-02T03:04:05.100000Z");
        assert_eq!(Timestamp::from_sql_text(&text).unwrap(), ts);
    }

    proptest::proptest! {
        /// The hand-written spelling is chrono's, byte for byte: the API's (serde: no, 3 or 6
        /// fractional digits), `Display`'s and SQLite's (always 6), over years 0 to 9999 and
        /// beyond (chrono's fallback), with whole seconds and whole milliseconds drawn often.
        #[test]
        fn timestamps_are_spelled_as_chrono_spells_them(
            secs in -62_167_219_200i64..253_402_300_800 + 86_400 * 366,
            micros in proptest::prop_oneof![
                proptest::strategy::Just(0u32),
                (0u32..1_000).prop_map(|ms| ms * 1_000),
                0u32..1_000_000,
            ],
        ) {
            let dt = DateTime::from_timestamp(secs, micros * 1_000).unwrap();
            let ts = Timestamp::from(dt);
            proptest::prop_assert_eq!(
                serde_json::to_string(&ts).unwrap(),
                serde_json::to_string(&dt).unwrap()
            );
            let micros_text = dt.to_rfc3339_opts(SecondsFormat::Micros, true);
            proptest::prop_assert_eq!(ts.to_string(), micros_text.clone());
            proptest::prop_assert_eq!(ts.to_sql_text(), micros_text);
        }
    }

    #[test]
    fn timestamps_keep_microseconds_only() {
        let dt = DateTime::parse_from_rfc3339("2026-01-02T03:04:05.123456789Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            Timestamp::from(dt).to_string(),
            "2026-01-02T03:04:05.123456Z"
        );
    }
}
