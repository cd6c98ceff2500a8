//! Route handlers, one module per resource.

pub mod account;
pub mod api_logs;
pub mod audit;
pub mod auth;
pub mod clips;
pub mod health;
pub mod invitations;
pub mod me;
pub mod organization;
pub mod posts;
pub mod videos;
