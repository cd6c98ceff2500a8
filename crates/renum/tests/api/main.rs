//! The HTTP API over real HTTP against a server running in this process, on each engine.

#[macro_use]
mod helpers;

mod abuse;
mod api_logs;
mod audit;
mod auth;
mod clips;
mod cors;
mod errors;
mod hostile_input;
mod invitations;
mod isolation;
mod mail;
mod me;
mod metrics;
mod openapi;
mod opusclip;
mod organization;
mod outbound;
mod password;
mod posts;
mod smtp;
mod statements;
mod verification;
mod videos;
mod worker;
