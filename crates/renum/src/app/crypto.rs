//! Encryption of stored third-party secrets (the OpusClip API key) with AES-256-GCM.
//!
//! The master key comes from `RENUM_MASTER_KEY` (32 bytes, base64; `renum key generate` makes
//! one). On PostgreSQL it is required: replicas on other hosts must share it to read each
//! other's ciphertexts and webhook tokens. On SQLite (one machine), when it is unset, a
//! development key file is generated in the data directory with mode 0600 and a warning is
//! logged. The organization id is the associated data, so a ciphertext copied onto another
//! organization's row does not decrypt. Layout: version (1) || nonce (12) || ciphertext+tag.

use std::fmt;
use std::path::Path;

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use anyhow::{Context, bail};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use renum_db::Engine;

const VERSION: u8 = 1;
const NONCE_LEN: usize = 12;
const KEY_FILE: &str = "master.key";

#[derive(Clone)]
pub struct MasterKey(Key<Aes256Gcm>);

/// Never prints the key.
impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

impl MasterKey {
    pub fn from_base64(encoded: &str) -> anyhow::Result<Self> {
        let bytes = STANDARD
            .decode(encoded.trim())
            .context("RENUM_MASTER_KEY is not valid base64")?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
            anyhow::anyhow!("RENUM_MASTER_KEY must decode to 32 bytes, got {}", b.len())
        })?;
        Ok(Self(Key::<Aes256Gcm>::from(bytes)))
    }

    /// A fresh key from the OS CSPRNG, base64: what `RENUM_MASTER_KEY` takes.
    pub fn generate_base64() -> String {
        STANDARD.encode(Aes256Gcm::generate_key(OsRng))
    }

    /// The key `serve` and `worker` run with on `engine`: [`Self::load`], after
    /// [`require_shared`].
    pub fn load_for(
        engine: Engine,
        configured: Option<&str>,
        data_dir: &Path,
    ) -> anyhow::Result<Self> {
        require_shared(engine, configured)?;
        Self::load(configured, data_dir)
    }

    /// The configured key, or the development key file in `data_dir` (created if missing).
    pub fn load(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        if let Some(encoded) = configured {
            return Self::from_base64(encoded);
        }
        let path = data_dir.join(KEY_FILE);
        if path.exists() {
            let encoded = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            return Self::from_base64(&encoded);
        }
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create {}", data_dir.display()))?;
        let key = Aes256Gcm::generate_key(OsRng);
        write_private(&path, STANDARD.encode(key).as_bytes())?;
        tracing::warn!(
            path = %path.display(),
            "RENUM_MASTER_KEY is not set: generated a development master key file; \
             set RENUM_MASTER_KEY in production and keep it out of the data directory"
        );
        Ok(Self(key))
    }

    pub fn encrypt(&self, plaintext: &[u8], associated_data: &[u8]) -> Vec<u8> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let ciphertext = Aes256Gcm::new(&self.0)
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: associated_data,
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        out
    }

    /// HMAC-SHA256 of `data` under a key derived from the master key for `purpose`: a secret
    /// renum can recompute instead of storing (the per-project webhook token).
    pub fn mac(&self, purpose: &str, data: &[u8]) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        let key: &[u8] = &self.0;
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        mac.finalize().into_bytes().into()
    }

    pub fn decrypt(&self, blob: &[u8], associated_data: &[u8]) -> anyhow::Result<Vec<u8>> {
        let Some((&VERSION, rest)) = blob.split_first() else {
            bail!("unknown ciphertext version");
        };
        if rest.len() < NONCE_LEN {
            bail!("ciphertext too short");
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("split at NONCE_LEN");
        Aes256Gcm::new(&self.0)
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: associated_data,
                },
            )
            .map_err(|_| {
                anyhow::anyhow!("ciphertext does not decrypt with this key and organization")
            })
    }
}

/// Refuses PostgreSQL without a configured key: a key file generated per host would leave each
/// replica unable to read the others' stored keys and webhook tokens.
pub fn require_shared(engine: Engine, configured: Option<&str>) -> anyhow::Result<()> {
    if engine == Engine::Postgres && configured.is_none() {
        bail!(
            "RENUM_MASTER_KEY is required on PostgreSQL (every serve and worker process must share \
             it); make one with `renum key generate`"
        );
    }
    Ok(())
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(contents)?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, contents).with_context(|| format!("cannot create {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ciphertext_is_bound_to_its_organization() {
        let dir = tempfile::tempdir().unwrap();
        let key = MasterKey::load(None, dir.path()).unwrap();
        let blob = key.encrypt(b"sk-live-123", b"org-a");
        assert!(
            !blob.windows(11).any(|w| w == b"sk-live-123"),
            "no plaintext inside"
        );
        assert_eq!(key.decrypt(&blob, b"org-a").unwrap(), b"sk-live-123");
        assert!(key.decrypt(&blob, b"org-b").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn the_development_key_file_is_private_and_reused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let first = MasterKey::load(None, dir.path()).unwrap();
        let mode = std::fs::metadata(dir.path().join(KEY_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let second = MasterKey::load(None, dir.path()).unwrap();
        let blob = first.encrypt(b"x", b"a");
        assert_eq!(second.decrypt(&blob, b"a").unwrap(), b"x");
    }

    #[test]
    fn postgres_requires_a_configured_key_and_sqlite_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let err = MasterKey::load_for(Engine::Postgres, None, dir.path()).unwrap_err();
        assert!(err.to_string().contains("renum key generate"), "{err}");
        assert!(
            !dir.path().join(KEY_FILE).exists(),
            "no key file on PostgreSQL"
        );
        let key = MasterKey::generate_base64();
        assert!(MasterKey::load_for(Engine::Postgres, Some(&key), dir.path()).is_ok());
        assert!(MasterKey::load_for(Engine::Sqlite, None, dir.path()).is_ok());
        assert!(dir.path().join(KEY_FILE).exists());
    }

    #[test]
    fn a_configured_key_must_be_32_bytes_of_base64() {
        assert!(MasterKey::from_base64("not base64!").is_err());
        assert!(MasterKey::from_base64(&STANDARD.encode([0u8; 16])).is_err());
        assert!(MasterKey::from_base64(&STANDARD.encode([7u8; 32])).is_ok());
        assert_eq!(
            format!(
                "{:?}",
                MasterKey::from_base64(&STANDARD.encode([7u8; 32])).unwrap()
            ),
            "MasterKey(***)"
        );
    }
}
