//! The statements of `renum copy` against the migrated schema of both engines: the copy
//! names every table and every column the migrations create (so a new column fails here
//! until the copy carries it), with the kind its logical type calls for, and each statement
//! runs (a zero-row COPY on PostgreSQL, a prepared INSERT on SQLite, the SELECT and count).

use renum_db::Db;
use renum_ops::copy::queries::{
    ALL, API_LOGS_SPAN, Kind, PG_API_LOGS_IDENTITY, SQLITE_DEFER_FOREIGN_KEYS,
};
use renum_ops::introspect::{self, LogicalType};

use crate::seed_catalogue::bulk_statement_runs;

both_engines! {
    async fn the_copy_names_every_column_of_every_table_and_its_statements_run(t) {
        let schema = introspect::read(&t.db).await.unwrap();
        // Introspection leaves out the `_` tooling tables; the copy carries `_renum_backfills`
        // too (a backfill's checkpoint), which its statements below still run against.
        let mut tables: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
        let mut copied: Vec<&str> = ALL.iter().map(|t| t.table)
            .filter(|name| !name.starts_with('_')).collect();
        tables.sort_unstable();
        copied.sort_unstable();
        assert_eq!(tables, copied);
        for table in ALL {
            if let Some(live) = schema.table(table.table) {
                let live_columns: Vec<&str> = live.columns.iter().map(|c| c.name.as_str()).collect();
                let columns: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
                assert_eq!(columns, live_columns, "{}", table.table);
                for (name, kind) in table.columns {
                    let ty = live.column(name).unwrap().ty;
                    assert_eq!(*kind, kind_of(ty), "{}.{name} is {ty:?}", table.table);
                }
            }
            bulk_statement_runs(&t.db, table.pg_copy, table.sqlite_insert).await;
            raw!(&t.db, table.select).unwrap();
            raw!(&t.db, table.count).unwrap();
            raw!(&t.db, table.analyze).unwrap();
        }
        raw!(&t.db, API_LOGS_SPAN).unwrap();
        match &t.db {
            Db::Postgres(_) => raw!(&t.db, PG_API_LOGS_IDENTITY).map(|_| ()).unwrap(),
            Db::Sqlite(_) => raw!(&t.db, SQLITE_DEFER_FOREIGN_KEYS).map(|_| ()).unwrap(),
        }
    }
}

fn kind_of(ty: LogicalType) -> Kind {
    match ty {
        LogicalType::Uuid => Kind::Uuid,
        LogicalType::Text => Kind::Text,
        LogicalType::Integer => Kind::Int4,
        LogicalType::BigInt => Kind::Int8,
        LogicalType::Double => Kind::Float,
        LogicalType::Timestamp => Kind::Time,
        LogicalType::Json => Kind::Json,
        LogicalType::TextArray => Kind::List,
        LogicalType::Bytes => Kind::Bytes,
        LogicalType::Boolean => panic!("the copy has no kind for booleans"),
    }
}
