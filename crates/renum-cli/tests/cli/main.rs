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
mod session_cache;
mod shutdown;
// The loopback SMTP server of the API tests, shared rather than copied; those tests use all
// of it, this crate only what a process-level test needs.
#[allow(dead_code)]
#[path = "../../../renum/tests/api/smtp.rs"]
mod smtp;
mod types;
