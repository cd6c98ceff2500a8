//! The one password every seeded user shares, and its argon2id hash.
//!
//! Hashing is slow on purpose (tens of milliseconds), so a seed of ten thousand users hashes
//! once and stores the same PHC string for all of them. The salt comes from the seed, so
//! the hash is as deterministic as the rest of the data. Parameters are the ones the auth
//! layer verifies: argon2id v19, m=19456 KiB, t=2, p=1.

use rand::Rng;

use renum::app::passwords;

use super::world::{self, Stream};

/// Sign-in password of every seeded user: 23 characters, not a dictionary password, so it
/// passes the auth layer's rules (8..128 characters, not a common password).
pub const PASSWORD: &str = "orbit-maple-candle-7319";

/// The PHC string of [`PASSWORD`] with a salt drawn from `seed`.
pub fn shared_hash(seed: u64) -> String {
    let mut salt = [0u8; 16];
    world::rng(seed, Stream::Password).fill_bytes(&mut salt);
    passwords::hash_with_salt(PASSWORD, &salt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_hash_verifies_the_password_with_the_auth_parameters() {
        let hash = shared_hash(7);
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert_eq!(hash, shared_hash(7), "same seed, same hash");
        assert!(passwords::matches(PASSWORD, &hash));
        assert!(!passwords::matches("password123", &hash));
    }
}
