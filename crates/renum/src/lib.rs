//! renum: API server, worker and operator tools of the social-media video platform.
//! The persistence layer is the `renum-db` crate; this crate owns the command line.

pub mod api_log;
pub mod app;
pub mod cli;
pub mod config;
pub mod http;
#[cfg(feature = "migration-lint")]
pub mod lint;
pub mod metrics;
pub mod net;
pub mod opusclip;
pub mod seed;
pub mod supervisor;
pub mod telemetry;
pub mod worker;
