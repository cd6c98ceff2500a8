//! The product's own subcommands, the long-running processes: `serve` and `worker`. The
//! binary (`renum-cli`) puts them on one command line with the tooling's (`renum-ops`).

pub mod serve;
pub mod worker;
