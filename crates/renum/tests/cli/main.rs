//! The `renum` binary as an operator runs it: real processes, real databases.

mod logs;
mod migrate;
mod purge;
mod seed;
