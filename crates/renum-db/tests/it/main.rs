//! Data-layer tests. Every test runs on both engines (see `both_engines!`), each run in
//! its own database: a fresh SQLite file, or a fresh PostgreSQL database on the server that
//! `scripts/test` starts.

#[macro_use]
mod harness;

mod api_logs;
mod catalogue;
mod crud;
mod doctor;
mod introspect;
mod invariants;
mod migrations;
mod seed_catalogue;
