//! The domain: what renum does, independent of HTTP. Functions here take the database, an
//! `OrgScope` or an authenticated `Caller`, and return `AppError`; no axum types appear.

pub mod account;
pub mod addresses;
pub mod api_logs;
pub mod audit;
pub mod auth;
pub mod clips;
pub mod crypto;
mod error;
pub mod health;
pub mod organization;
pub mod outbound;
pub mod passwords;
pub mod posts;
pub mod session_cache;
pub mod throttle;
pub mod tokens;
pub mod validate;
pub mod videos;

pub use error::AppError;
