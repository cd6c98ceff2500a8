//! Introspection of the live schema on either engine, into one engine-neutral model.
//!
//! PostgreSQL is read from its catalog; SQLite from its pragmas plus the `CREATE TABLE`
//! text (the only place SQLite keeps constraint names and CHECKs). The SQLite migrations
//! declare PostgreSQL's type names (`UUID`, `TIMESTAMPTZ`, `JSON_TEXT`, ...), so both engines
//! yield the same [`LogicalType`]s and the same [`Schema`] for the same migrations: that is
//! what makes the generated contract identical from either engine.

pub mod checks;
pub mod expression;
pub mod queries;

use std::collections::BTreeMap;
use std::fmt;

use sqlx::Row;

use renum_db::{Db, Engine};
use renum_db::{Error, Result};

/// A column's type as the contract sees it, whatever the engine's spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogicalType {
    Uuid,
    Text,
    Timestamp,
    Json,
    TextArray,
    Bytes,
    Double,
    BigInt,
    Integer,
    Boolean,
}

impl LogicalType {
    /// PostgreSQL's name for the type (what docs and messages show).
    pub fn pg_name(self) -> &'static str {
        match self {
            LogicalType::Uuid => "uuid",
            LogicalType::Text => "text",
            LogicalType::Timestamp => "timestamptz",
            LogicalType::Json => "jsonb",
            LogicalType::TextArray => "text[]",
            LogicalType::Bytes => "bytea",
            LogicalType::Double => "double precision",
            LogicalType::BigInt => "bigint",
            LogicalType::Integer => "integer",
            LogicalType::Boolean => "boolean",
        }
    }

    fn from_postgres(name: &str) -> Option<Self> {
        Some(match name {
            "uuid" => LogicalType::Uuid,
            "text" => LogicalType::Text,
            "timestamp with time zone" => LogicalType::Timestamp,
            "jsonb" | "json" => LogicalType::Json,
            "text[]" => LogicalType::TextArray,
            "bytea" => LogicalType::Bytes,
            "double precision" => LogicalType::Double,
            "bigint" => LogicalType::BigInt,
            "integer" => LogicalType::Integer,
            "boolean" => LogicalType::Boolean,
            _ => return None,
        })
    }

    fn from_sqlite(declared: &str) -> Option<Self> {
        Some(match declared.to_ascii_uppercase().as_str() {
            "UUID" => LogicalType::Uuid,
            "TEXT" => LogicalType::Text,
            "TIMESTAMPTZ" => LogicalType::Timestamp,
            "JSON_TEXT" => LogicalType::Json,
            "TEXT_ARRAY" => LogicalType::TextArray,
            "BYTEA" => LogicalType::Bytes,
            "DOUBLE PRECISION" => LogicalType::Double,
            "BIGINT" => LogicalType::BigInt,
            "INTEGER" => LogicalType::Integer,
            "BOOLEAN" => LogicalType::Boolean,
            _ => return None,
        })
    }
}

impl fmt::Display for LogicalType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.pg_name())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub ty: LogicalType,
    pub nullable: bool,
    /// The default expression, normalised ([`expression::normalise`]) so that both engines'
    /// spellings of one default are one string.
    pub default: Option<String>,
    /// Filled by the database (identity, generated, SQLite rowid alias).
    pub generated: bool,
    /// The allowed values when a CHECK constrains the column to a list.
    pub enum_values: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub referenced_table: String,
    pub referenced_columns: Vec<String>,
    /// False for a PostgreSQL constraint added NOT VALID and never validated.
    pub validated: bool,
    pub on_delete: FkAction,
    pub on_update: FkAction,
}

/// What a foreign key does to the referencing rows when the referenced key is deleted or
/// updated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FkAction {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    /// From `pg_constraint.confdeltype` / `confupdtype`.
    fn from_postgres(code: &str) -> Option<Self> {
        Some(match code {
            "a" => FkAction::NoAction,
            "r" => FkAction::Restrict,
            "c" => FkAction::Cascade,
            "n" => FkAction::SetNull,
            "d" => FkAction::SetDefault,
            _ => return None,
        })
    }

    /// From `pragma_foreign_key_list`'s `on_delete` / `on_update`.
    fn from_sqlite(action: &str) -> Option<Self> {
        Some(match action {
            "NO ACTION" => FkAction::NoAction,
            "RESTRICT" => FkAction::Restrict,
            "CASCADE" => FkAction::Cascade,
            "SET NULL" => FkAction::SetNull,
            "SET DEFAULT" => FkAction::SetDefault,
            _ => return None,
        })
    }

    /// The SQL keywords (`ON DELETE <this>`).
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

impl fmt::Display for FkAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sql())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    /// `CHECK (...)` as the engine prints it.
    pub definition: String,
    /// The condition, normalised ([`expression::check_body`]): what is compared across
    /// engines, since the two print the same condition differently.
    pub body: String,
    pub validated: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    /// Key columns in order (expressions as the engine prints them).
    pub columns: Vec<String>,
    pub unique: bool,
    pub primary: bool,
    pub partial: bool,
    /// The `WHERE` condition of a partial index, normalised ([`expression::normalise`]).
    pub predicate: Option<String>,
    /// False for an index a failed `CREATE INDEX CONCURRENTLY` left behind.
    pub valid: bool,
    /// Owned by a PRIMARY KEY or UNIQUE constraint (named after it).
    pub constraint: bool,
    /// The CREATE INDEX text (empty for SQLite's constraint-owned indexes).
    pub definition: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    /// In declaration order.
    pub columns: Vec<Column>,
    pub foreign_keys: Vec<ForeignKey>,
    pub checks: Vec<Check>,
    pub indexes: Vec<Index>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// True when `columns` (in any order) are exactly the key of a total unique index.
    pub fn is_unique_key(&self, columns: &[String]) -> bool {
        let mut wanted = columns.to_vec();
        wanted.sort();
        self.indexes.iter().any(|i| {
            let mut key = i.columns.clone();
            key.sort();
            i.unique && !i.partial && i.valid && key == wanted
        }) || self.rowid_key(columns)
    }

    /// SQLite's `INTEGER PRIMARY KEY` is the rowid, unique without an index.
    fn rowid_key(&self, columns: &[String]) -> bool {
        matches!(columns, [one] if self.column(one).is_some_and(|c| c.generated && c.ty == LogicalType::BigInt))
    }
}

/// The tables of the live schema, sorted by name (tooling tables excluded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    pub tables: Vec<Table>,
}

impl Schema {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }
}

/// Reads the live schema of `db`.
pub async fn read(db: &Db) -> Result<Schema> {
    let mut tables = match db {
        Db::Postgres(pool) => read_postgres(pool).await?,
        Db::Sqlite(pool) => read_sqlite(pool).await?,
    };
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    for table in &mut tables {
        let enums: Vec<(String, Vec<String>)> = table
            .checks
            .iter()
            .filter_map(|c| checks::enumeration(&c.definition))
            .collect();
        for (column, values) in enums {
            if let Some(c) = table.columns.iter_mut().find(|c| c.name == column) {
                c.enum_values.get_or_insert(values);
            }
        }
    }
    Ok(Schema { tables })
}

fn unsupported(table: &str, column: &str, ty: &str) -> Error {
    Error::Config(format!(
        "{table}.{column} has type {ty:?}, which the contract does not map; add it to introspect::LogicalType"
    ))
}

async fn read_postgres(pool: &sqlx::PgPool) -> Result<Vec<Table>> {
    use queries::postgres as q;
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    let new_table = |name: &str| Table {
        name: name.to_owned(),
        columns: Vec::new(),
        foreign_keys: Vec::new(),
        checks: Vec::new(),
        indexes: Vec::new(),
    };
    for row in sqlx::query(q::COLUMNS).fetch_all(pool).await? {
        let table: String = row.try_get(0)?;
        let name: String = row.try_get(1)?;
        let ty: String = row.try_get(2)?;
        let column = Column {
            ty: LogicalType::from_postgres(&ty).ok_or_else(|| unsupported(&table, &name, &ty))?,
            name,
            nullable: row.try_get(3)?,
            default: row
                .try_get::<Option<String>, _>(4)?
                .map(|d| expression::normalise(&d, Engine::Postgres)),
            generated: row.try_get(5)?,
            enum_values: None,
        };
        tables
            .entry(table.clone())
            .or_insert_with(|| new_table(&table))
            .columns
            .push(column);
    }
    for row in sqlx::query(q::CONSTRAINTS).fetch_all(pool).await? {
        let table: String = row.try_get(0)?;
        let Some(t) = tables.get_mut(&table) else {
            continue;
        };
        let name: String = row.try_get(1)?;
        let kind: String = row.try_get(2)?;
        let definition: String = row.try_get(3)?;
        let validated: bool = row.try_get(4)?;
        if kind == "c" {
            t.checks.push(Check {
                body: expression::check_body(&definition, Engine::Postgres),
                name,
                definition,
                validated,
            });
        } else {
            let action = |code: String| {
                FkAction::from_postgres(&code).ok_or_else(|| {
                    Error::Config(format!(
                        "{table}.{name}: unknown foreign key action {code:?}"
                    ))
                })
            };
            t.foreign_keys.push(ForeignKey {
                on_delete: action(row.try_get(8)?)?,
                on_update: action(row.try_get(9)?)?,
                name,
                columns: row.try_get(5)?,
                referenced_table: row.try_get(6)?,
                referenced_columns: row.try_get(7)?,
                validated,
            });
        }
    }
    for row in sqlx::query(q::INDEXES).fetch_all(pool).await? {
        let table: String = row.try_get(0)?;
        let Some(t) = tables.get_mut(&table) else {
            continue;
        };
        t.indexes.push(Index {
            name: row.try_get(1)?,
            unique: row.try_get(2)?,
            primary: row.try_get(3)?,
            valid: row.try_get(4)?,
            partial: row.try_get(5)?,
            columns: row.try_get(6)?,
            constraint: row.try_get(7)?,
            definition: row.try_get(8)?,
            predicate: row
                .try_get::<Option<String>, _>(9)?
                .map(|p| expression::normalise(&p, Engine::Postgres)),
        });
    }
    Ok(tables.into_values().collect())
}

async fn read_sqlite(pool: &sqlx::SqlitePool) -> Result<Vec<Table>> {
    use checks::ConstraintKind;
    use queries::sqlite as q;
    let mut tables = Vec::new();
    for row in sqlx::query(q::TABLES).fetch_all(pool).await? {
        let name: String = row.try_get(0)?;
        let sql: String = row.try_get(1)?;
        let named = checks::named_constraints(&sql);
        let named_with = |kind: ConstraintKind, columns: &[String]| {
            named
                .iter()
                .find(|c| c.kind == kind && c.columns == columns)
                .map(|c| c.name.clone())
        };

        let mut columns = Vec::new();
        let mut pk_columns = 0;
        for c in sqlx::query(q::COLUMNS).bind(&name).fetch_all(pool).await? {
            let column: String = c.try_get(0)?;
            let declared: String = c.try_get(1)?;
            let pk: i64 = c.try_get(4)?;
            pk_columns += i64::from(pk > 0);
            columns.push((
                Column {
                    ty: LogicalType::from_sqlite(&declared)
                        .ok_or_else(|| unsupported(&name, &column, &declared))?,
                    name: column,
                    nullable: c.try_get::<i64, _>(2)? == 0,
                    default: c
                        .try_get::<Option<String>, _>(3)?
                        .map(|d| expression::normalise(&d, Engine::Sqlite)),
                    generated: false,
                    enum_values: None,
                },
                pk > 0,
            ));
        }
        // A single-column INTEGER PRIMARY KEY is the rowid: 64-bit and filled by SQLite.
        let columns: Vec<Column> = columns
            .into_iter()
            .map(|(mut c, pk)| {
                if pk && pk_columns == 1 && c.ty == LogicalType::Integer {
                    c.ty = LogicalType::BigInt;
                    c.generated = true;
                }
                c
            })
            .collect();

        let mut foreign_keys: Vec<ForeignKey> = Vec::new();
        let mut last_id = None;
        for fk in sqlx::query(q::FOREIGN_KEYS)
            .bind(&name)
            .fetch_all(pool)
            .await?
        {
            let id: i64 = fk.try_get(0)?;
            if last_id != Some(id) {
                last_id = Some(id);
                let action = |action: String| {
                    FkAction::from_sqlite(&action).ok_or_else(|| {
                        Error::Config(format!("{name}: unknown foreign key action {action:?}"))
                    })
                };
                foreign_keys.push(ForeignKey {
                    name: String::new(),
                    columns: Vec::new(),
                    referenced_table: fk.try_get(1)?,
                    referenced_columns: Vec::new(),
                    validated: true,
                    on_update: action(fk.try_get(4)?)?,
                    on_delete: action(fk.try_get(5)?)?,
                });
            }
            let current = foreign_keys.last_mut().expect("pushed above");
            current.columns.push(fk.try_get(2)?);
            current.referenced_columns.push(fk.try_get(3)?);
        }
        for fk in &mut foreign_keys {
            fk.name = named_with(ConstraintKind::ForeignKey, &fk.columns)
                .unwrap_or_else(|| format!("{name}_{}_fkey", fk.columns.join("_")));
        }
        // pragma_foreign_key_list lists the newest first; keep a stable order.
        foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));

        let checks = named
            .iter()
            .filter(|c| c.kind == ConstraintKind::Check)
            .map(|c| Check {
                name: c.name.clone(),
                definition: c.definition.clone(),
                body: expression::check_body(&c.definition, Engine::Sqlite),
                validated: true,
            })
            .collect();

        let mut indexes = Vec::new();
        for ix in sqlx::query(q::INDEXES).bind(&name).fetch_all(pool).await? {
            let index_name: String = ix.try_get(0)?;
            let origin: String = ix.try_get(2)?;
            let key: String = ix.try_get(4)?;
            let key: Vec<String> = serde_json::from_str(&key)
                .map_err(|e| Error::Config(format!("index {index_name}: {e}")))?;
            let kind = match origin.as_str() {
                "pk" => Some(ConstraintKind::PrimaryKey),
                "u" => Some(ConstraintKind::Unique),
                _ => None,
            };
            let constraint_name = kind.and_then(|k| named_with(k, &key));
            let definition: String = ix.try_get(5)?;
            indexes.push(Index {
                name: constraint_name.clone().unwrap_or(index_name),
                columns: key,
                unique: ix.try_get::<i64, _>(1)? != 0,
                primary: origin == "pk",
                partial: ix.try_get::<i64, _>(3)? != 0,
                valid: true,
                constraint: constraint_name.is_some(),
                predicate: checks::index_predicate(&definition)
                    .map(|p| expression::normalise(&p, Engine::Sqlite)),
                definition,
            });
        }
        indexes.sort_by(|a: &Index, b: &Index| a.name.cmp(&b.name));

        tables.push(Table {
            name,
            columns,
            foreign_keys,
            checks,
            indexes,
        });
    }
    Ok(tables)
}
