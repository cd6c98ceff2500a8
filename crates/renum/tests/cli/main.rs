//! The `renum` binary as an operator runs it: real processes, real databases.

mod migrate;
mod types;
