//! Password policy and hashing.
//!
//! argon2id with m = 19 MiB, t = 2, p = 1 (the OWASP minimum), computed on the blocking pool
//! so a burst of sign-ins cannot stall the async runtime. Length is checked on the password
//! exactly as given (no trimming, no normalization), in characters, 8..=128. The 10,000 most
//! common passwords of 8+ characters are refused (`data/common-passwords.txt`).

use std::collections::HashSet;
use std::sync::LazyLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use super::AppError;

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/common-passwords.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect()
});

/// A hash of a random password, verified against when the email is unknown, so that an
/// unknown account costs the same argon2 time as a wrong password (no timing oracle).
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_blocking("renum timing equalizer, never a real password"));

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks the policy; the error names the `field` the password came in.
pub fn check_policy(field: &'static str, password: &str) -> Result<(), AppError> {
    let chars = password.chars().count();
    if !(MIN_CHARS..=MAX_CHARS).contains(&chars) {
        return Err(AppError::invalid(
            field,
            format!("must be {MIN_CHARS} to {MAX_CHARS} characters"),
        ));
    }
    if COMMON.contains(password.to_lowercase().as_str()) {
        return Err(AppError::invalid(
            field,
            "is one of the most common passwords; choose another",
        ));
    }
    Ok(())
}

/// A hash with a caller-chosen salt, for reproducible data (`renum seed`); everything else
/// uses a random salt through [`hash`].
pub fn hash_with_salt(password: &str, salt: &[u8]) -> String {
    let salt = SaltString::encode_b64(salt).expect("a 16-byte salt encodes");
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing with valid parameters cannot fail")
        .to_string()
}

/// Whether `password` matches the PHC string `stored` (blocking: tens of milliseconds).
pub fn matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

fn hash_blocking(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing with valid parameters cannot fail")
        .to_string()
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`) to store.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|err| AppError::Internal(err.into()))
}

/// Verifies against `stored`, or against the dummy hash when there is no account, so both
/// paths take the same time. Returns false for `None`.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let phc = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let ok = PasswordHash::new(&phc)
            .map(|parsed| {
                argon2()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        known && ok
    })
    .await
    .map_err(|err| AppError::Internal(err.into()))
}

/// Computes the dummy hash ahead of the first sign-in (server start).
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
    LazyLock::force(&COMMON);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_list_is_large_and_refused_case_insensitively() {
        assert!(COMMON.len() >= 1_000, "{} entries", COMMON.len());
        assert!(check_policy("password", "password1").is_err());
        assert!(check_policy("password", "PassWord1").is_err());
        assert!(check_policy("password", "correct horse battery staple").is_ok());
    }

    #[test]
    fn length_is_counted_in_characters_exactly_as_given() {
        assert!(check_policy("password", "ñ1ñ2ñ3ñ").is_err(), "7 characters");
        assert!(
            check_policy("password", "ñ1ñ2ñ3ñ4").is_ok(),
            "8 characters, 12 bytes"
        );
        assert!(
            check_policy("password", "       x").is_ok(),
            "spaces count, nothing is trimmed"
        );
        assert!(check_policy("password", &"z".repeat(129)).is_err());
        assert!(check_policy("password", &"zq".repeat(64)).is_ok());
    }

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let phc = hash("correct horse battery staple".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(
            verify("correct horse battery staple".into(), Some(phc.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify("wrong horse battery staple".into(), Some(phc))
                .await
                .unwrap()
        );
        assert!(!verify("anything at all".into(), None).await.unwrap());
    }
}
