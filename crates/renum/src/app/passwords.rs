//! Password policy and hashing.
//!
//! argon2id with m = 19 MiB, t = 2, p = 1 (the OWASP minimum), computed on the blocking pool
//! so a burst of sign-ins cannot stall the async runtime, and only through a [`Hasher`], which
//! bounds how many run and wait at once (each holds 19 MiB and a core for tens of
//! milliseconds; an unbounded queue would let one client delay every sign-in and grow memory
//! without limit). Length is checked on the password
//! exactly as given (no trimming, no normalization), in characters, 8..=128. The 10,000 most
//! common passwords of 8+ characters are refused (`data/common-passwords.txt`).

use std::collections::HashSet;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

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

/// What a refused hash answers: 429 with this `Retry-After`. About the time the queue ahead
/// of it takes to drain.
const BUSY_RETRY_AFTER: Duration = Duration::from_secs(1);

/// The process's door to argon2: at most `workers` hashes run at once and at most `queue` more
/// wait for a turn; a call beyond both is refused at once with 429 and `Retry-After` instead
/// of waiting behind an unbounded line. Cheap to clone (one per process, shared).
#[derive(Clone, Debug)]
pub struct Hasher {
    /// Permits for running or waiting: `workers + queue`.
    admitted: Arc<Semaphore>,
    /// Permits for running.
    running: Arc<Semaphore>,
}

impl Hasher {
    pub fn new(workers: usize, queue: usize) -> Self {
        let workers = workers.max(1);
        Self {
            admitted: Arc::new(Semaphore::new(workers + queue)),
            running: Arc::new(Semaphore::new(workers)),
        }
    }

    /// `workers` (default: one per core) and `queue` (default: four per worker, so a wait
    /// of four hashes at most).
    pub fn sized(workers: Option<usize>, queue: Option<usize>) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let workers = workers.unwrap_or(cores).max(1);
        Self::new(workers, queue.unwrap_or(4 * workers))
    }

    /// Runs `f` on the blocking pool once a worker is free, or refuses when the line is full.
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _admitted = self
            .admitted
            .try_acquire()
            .map_err(|_| AppError::TooManyRequests {
                retry_after: BUSY_RETRY_AFTER,
            })?;
        let _running = self
            .running
            .acquire()
            .await
            .map_err(|err| AppError::Internal(err.into()))?;
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|err| AppError::Internal(err.into()))
    }

    /// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`) to store.
    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move || hash_blocking(&password)).await
    }

    /// Verifies against `stored`, or against the dummy hash when there is no account, so both
    /// paths take the same time. Returns false for `None`.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, AppError> {
        self.run(move || {
            let known = stored.is_some();
            let phc = stored.unwrap_or_else(|| DUMMY_HASH.clone());
            // Verify first: `known && ...` would skip the work for an unknown account.
            let ok = matches(&password, &phc);
            known && ok
        })
        .await
    }
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
        let hasher = Hasher::new(1, 0);
        let phc = hasher
            .hash("correct horse battery staple".into())
            .await
            .unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(
            hasher
                .verify("correct horse battery staple".into(), Some(phc.clone()))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("wrong horse battery staple".into(), Some(phc))
                .await
                .unwrap()
        );
        assert!(!hasher.verify("anything at all".into(), None).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_line_is_refused_at_once_with_retry_after() {
        // One running and two waiting: of eight at once, five are refused without waiting.
        let hasher = Hasher::new(1, 2);
        let calls = (0..8).map(|_| {
            let hasher = hasher.clone();
            tokio::spawn(async move {
                let slow = || std::thread::sleep(Duration::from_millis(300));
                hasher.run(slow).await
            })
        });
        let mut refused = 0;
        for call in calls.collect::<Vec<_>>() {
            match call.await.unwrap() {
                Ok(()) => {}
                Err(AppError::TooManyRequests { retry_after }) => {
                    assert!(retry_after >= Duration::from_secs(1));
                    refused += 1;
                }
                Err(err) => panic!("{err:?}"),
            }
        }
        assert_eq!(refused, 5);
        // The line drains: a later call is admitted again.
        assert!(!hasher.verify("y".repeat(12), None).await.unwrap());
    }
}
