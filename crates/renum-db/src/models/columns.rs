//! Decoding rows by column position, for the rows a hot read returns many of (the feed's
//! posts with their videos). sqlx's derived `FromRow` finds every column by name, a hash and
//! a string compare per column per row: 3 % of the server's CPU on the feed
//! (docs/BENCHMARKS.md, issue 19). Each read names its column next to its position, and debug
//! builds (every test) check the name against the statement's, so a reordered SELECT list
//! fails the tests instead of swapping two fields of the same type.

use sqlx::{ColumnIndex, Decode, Row, Type};

/// A cursor over one row's columns, read left to right.
pub(crate) struct Columns<'r, R> {
    row: &'r R,
    next: usize,
}

impl<'r, R: Row> Columns<'r, R>
where
    usize: ColumnIndex<R>,
{
    pub(crate) fn new(row: &'r R) -> Self {
        Self { row, next: 0 }
    }

    /// The next column, which the statement must call `name`.
    pub(crate) fn next<T>(&mut self, name: &str) -> sqlx::Result<T>
    where
        T: Decode<'r, R::Database> + Type<R::Database>,
    {
        let i = self.next;
        self.next += 1;
        debug_assert_eq!(
            sqlx::Column::name(self.row.column(i)),
            name,
            "column {i} of the statement"
        );
        self.row.try_get(i)
    }
}

/// What a row type reads from a [`Columns`] cursor, so a composite reads its parts in turn.
pub(crate) trait ReadColumns<'r, R>: Sized {
    fn read(c: &mut Columns<'r, R>) -> sqlx::Result<Self>;
}

/// Implements [`ReadColumns`] and `sqlx::FromRow` by position on both engines, from one body
/// written against `$c`, the cursor.
macro_rules! by_position {
    ($ty:ty, |$c:ident| $body:expr) => {
        by_position!(@engine $ty, sqlx::postgres::PgRow, |$c| $body);
        by_position!(@engine $ty, sqlx::sqlite::SqliteRow, |$c| $body);
    };
    (@engine $ty:ty, $row:ty, |$c:ident| $body:expr) => {
        impl<'r> $crate::models::columns::ReadColumns<'r, $row> for $ty {
            fn read($c: &mut $crate::models::columns::Columns<'r, $row>) -> sqlx::Result<Self> {
                $body
            }
        }
        impl<'r> sqlx::FromRow<'r, $row> for $ty {
            fn from_row(row: &'r $row) -> sqlx::Result<Self> {
                let mut c = $crate::models::columns::Columns::new(row);
                <Self as $crate::models::columns::ReadColumns<'r, $row>>::read(&mut c)
            }
        }
    };
}
pub(crate) use by_position;

#[cfg(test)]
mod tests {
    use sqlx::{Connection, SqliteConnection};

    use super::Columns;

    async fn row() -> sqlx::sqlite::SqliteRow {
        let mut conn = SqliteConnection::connect("sqlite::memory:").await.unwrap();
        sqlx::query("SELECT 'a' AS title, 7 AS attempts")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn reads_the_columns_left_to_right() {
        let row = row().await;
        let mut c = Columns::new(&row);
        assert_eq!(c.next::<String>("title").unwrap(), "a");
        assert_eq!(c.next::<i32>("attempts").unwrap(), 7);
    }

    /// The check that keeps a reordered SELECT list from swapping two fields.
    #[cfg(debug_assertions)]
    #[tokio::test]
    #[should_panic(expected = "column 0 of the statement")]
    async fn a_column_out_of_place_fails_in_debug_builds() {
        let row = row().await;
        let _: sqlx::Result<i32> = Columns::new(&row).next("attempts");
    }
}
