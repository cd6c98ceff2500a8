//! renum's persistence layer, shared by the server, the worker and the operator tools.
//!
//! It owns the schema (migrations for PostgreSQL and SQLite), the named query catalogue of
//! each engine, the typed rows (`Row` / `Insert` / `Update` per table), the repositories and
//! API log retention. The tooling that reads the schema back (introspection, doctor, schema
//! docs, contract generators, backfills, the bulk loader) is `renum-ops`.
//! Architecture invariant: no SQL text the product runs exists outside [`catalogue`], and a
//! tenant table is reachable only through an [`OrgScope`].

pub mod auth_changes;
pub mod catalogue;
mod db;
pub mod enums;
mod error;
pub mod ids;
pub mod migrate;
pub mod models;
pub mod repo;
pub mod retention;
mod scope;
pub mod sql_types;
#[cfg(feature = "testing")]
pub mod testing;

pub use db::{Access, Conn, Db, Engine, Executor, Tx};
pub use db::{PoolSettings, PoolStats, redact_url};
pub use error::{Error, Result};
pub use scope::OrgScope;
