//! renum's server, the product wing: the HTTP API (`http` -> `app` -> `renum_db`), the
//! publishing worker and the clip poller, the API log pipeline, and the `serve` and `worker`
//! subcommands. The persistence layer is the `renum-db` crate; the operator tooling is
//! `renum-ops`, which depends on this crate (never the reverse); the binary is `renum-cli`.

pub mod api_log;
pub mod app;
pub mod cli;
pub mod config;
pub mod http;
pub mod mail;
pub mod metrics;
pub mod net;
pub mod opusclip;
pub mod supervisor;
pub mod telemetry;
pub mod worker;
