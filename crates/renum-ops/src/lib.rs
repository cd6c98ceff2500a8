//! renum's tooling wing: what operators and developers run beside the product, never inside
//! it. Introspection of the live schema and what is built on it (the doctor, schema docs, the
//! TypeScript and Rust contract checks), resumable backfills, backup and restore, the copy between engines, the seed generator and its bulk
//! loader, the benchmark scenarios, the migration lint, and their subcommands.
//!
//! Architecture invariant: this crate depends on the product (`renum-db`, `renum`), never the
//! reverse, so the server builds and ships without any of it (a cargo dependency cycle is a
//! build error). Its own SQL lives in named catalogues too: [`introspect::queries`],
//! [`seed_catalogue`], [`backup::queries`], [`copy::queries`], and the bench's statements in `cli::bench`.

pub mod backfill;
pub mod backup;
pub mod cli;
pub mod contract;
pub mod copy;
pub mod doctor;
pub mod introspect;
#[cfg(feature = "migration-lint")]
pub mod lint;
pub mod schema_doc;
pub mod seed;
pub mod seed_catalogue;
