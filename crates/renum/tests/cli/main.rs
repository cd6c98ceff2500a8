//! The `renum` binary as an operator runs it: real processes, real databases.

mod doctor;
mod migrate;
mod types;
