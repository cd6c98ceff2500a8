//! Session tokens: 256 bits from the OS CSPRNG, shown to the client once, stored only as a
//! SHA-256 hash. The `rnm_` prefix lets secret scanners recognize a leaked token.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

const PREFIX: &str = "rnm_";
/// 32 random bytes in unpadded base64url.
const ENCODED_LEN: usize = 43;

/// A new token (give it to the client) and its hash (store it).
pub fn generate() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash(&token);
    (token, hash)
}

pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// True when the token has the shape renum issues; anything else is refused without a
/// database lookup.
pub fn well_formed(token: &str) -> bool {
    token
        .strip_prefix(PREFIX)
        .is_some_and(|rest| rest.len() == ENCODED_LEN && URL_SAFE_NO_PAD.decode(rest).is_ok())
}

/// SHA-256 of a normalized email: counts failures per account without storing the address.
pub fn email_hash(email: &str) -> Vec<u8> {
    Sha256::digest(email.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_well_formed_and_hashed() {
        let (a, ha) = generate();
        let (b, _) = generate();
        assert_ne!(a, b);
        assert!(well_formed(&a), "{a}");
        assert_eq!(ha, hash(&a));
        assert_eq!(ha.len(), 32);
        assert!(!well_formed("rnm_short"));
        assert!(!well_formed(&a.replacen("rnm_", "xyz_", 1)));
    }
}
