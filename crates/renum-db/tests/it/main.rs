//! Data-layer tests. Every test runs on both engines (see `both_engines!`), each run in
//! its own database: a fresh SQLite file, or a fresh PostgreSQL database on the server that
//! `scripts/test` starts.

#[macro_use]
extern crate renum_db;

mod harness;

mod api_logs;
mod auth_events;
mod catalogue;
mod crud;
mod invariants;
mod migrations;
