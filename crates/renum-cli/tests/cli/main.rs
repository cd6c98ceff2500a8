//! The `renum` binary as an operator runs it: real processes, real databases.

mod backfill;
mod backup;
mod bench;
mod clip_worker;
mod copy;
mod doctor;
mod exactly_once;
mod keys;
#[cfg(feature = "migration-lint")]
mod lint;
mod logs;
mod mail;
mod migrate;
mod opusclip_sim;
mod pg_restart;
mod plan_gate;
mod process;
mod purge;
mod schema_docs;
mod seed;
mod shutdown;
mod types;
