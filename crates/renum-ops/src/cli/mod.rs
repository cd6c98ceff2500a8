//! The tooling's subcommands, one module each with its `Args` and `run(db, args) -> ExitCode`;
//! the binary (`renum-cli`) puts them on one command line with `serve` and `worker`.

pub mod backfill;
pub mod backup;
pub mod bench;
pub mod copy;
pub mod doctor;
mod generated;
pub mod key;
pub mod lint;
pub mod logs;
pub mod mail;
pub mod migrate;
pub mod opusclip_sim;
pub mod purge_deleted;
pub mod schema;
pub mod seed;
pub mod types;
