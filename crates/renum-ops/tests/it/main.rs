//! Tooling tests on the live schema: the doctor, introspection, the bulk loader's catalogue.
//! Every test runs in its own database, on both engines where the tool supports both.

#[macro_use]
extern crate renum_db;

mod copy_catalogue;
mod doctor;
mod introspect;
mod seed_catalogue;
