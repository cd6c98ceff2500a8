//! renum's persistence layer, shared by the server, the worker and the operator tools.
//!
//! It owns the schema (migrations for PostgreSQL and SQLite), the named query catalogue of
//! each engine, the typed rows (`Row` / `Insert` / `Update` per table) and the repositories.
//! Architecture invariant: no SQL text exists outside [`catalogue`] (and the bulk loader's
//! [`seed_catalogue`]), and a tenant table is reachable only through an [`OrgScope`].

pub mod backfill;
pub mod catalogue;
pub mod contract;
mod db;
pub mod doctor;
pub mod enums;
mod error;
pub mod ids;
pub mod introspect;
pub mod migrate;
pub mod models;
pub mod repo;
pub mod retention;
pub mod schema_doc;
mod scope;
pub mod seed_catalogue;
pub mod sql_types;
#[cfg(feature = "testing")]
pub mod testing;

pub use db::{Access, Conn, Db, Engine, Executor, Tx};
pub use db::{PoolSettings, PoolStats, redact_url};
pub use error::{Error, Result};
pub use scope::OrgScope;
