//! The schema contract: the TypeScript types front ends compile against
//! (`contract/database.types.ts` from [`crate::introspect`], `contract/api.types.ts` from the
//! server's OpenAPI document) and the check that the hand-written Rust models still match
//! the live schema.

pub mod api;
pub mod diff;
pub mod rust;
pub mod shapes;
pub mod typescript;

/// Columns that never leave the server, so the public contract leaves them out.
pub const SECRET_COLUMNS: &[(&str, &str)] = &[
    // A hash of an email is still a key to it (dictionary lookups): server-side only.
    ("auth_events", "email_hash"),
    // Like a session's: a copy of the hash opens nothing, but it never leaves the server.
    ("email_tokens", "token_hash"),
    // An invitation's token opens an account in its organization: its hash stays here too.
    ("invitations", "token_hash"),
    // A message's bodies hold its single-use link until it is sent.
    ("mail_outbox", "body_html"),
    ("mail_outbox", "body_text"),
    ("organizations", "opusclip_api_key_ciphertext"),
    ("sessions", "token_hash"),
    ("users", "password_hash"),
];

pub fn is_secret(table: &str, column: &str) -> bool {
    SECRET_COLUMNS.contains(&(table, column))
}
