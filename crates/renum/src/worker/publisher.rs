//! Publishers: what the scheduler hands a claimed post to. The webhook publisher POSTs the post
//! with its clip URL to a configured URL, signed with HMAC-SHA256 over a timestamp and the body
//! (so a captured delivery cannot be replayed past the receiver's tolerance), with the post id
//! as the idempotency key on every attempt (so a retried delivery is recognisable downstream);
//! the log publisher only logs (development). [`verify`] is the receiver's side
//! (`docs/SECURITY.md`, "Verifying deliveries").

use std::future::Future;
use std::time::Duration;

use hmac::{Hmac, Mac};
use renum_db::enums::HttpMethod;
use renum_db::models::PostWithVideo;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::api_log::{ApiLogSink, Call};
use crate::app::outbound::OutboundPolicy;

/// A delivery that did not succeed; the scheduler retries with backoff, then fails the post.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PublishError(pub String);

pub trait Publisher: Send + Sync + 'static {
    /// Publishes the post; returns the platform's id of it (`external_post_id`).
    fn publish(
        &self,
        post: &PostWithVideo,
    ) -> impl Future<Output = Result<String, PublishError>> + Send;
}

/// Logs the post and pretends it was published as `log-<post id>`.
pub struct LogPublisher;

impl Publisher for LogPublisher {
    async fn publish(&self, post: &PostWithVideo) -> Result<String, PublishError> {
        tracing::info!(post_id = %post.post.id, platform = %post.post.platform, "publish (log only)");
        Ok(format!("log-{}", post.post.id))
    }
}

/// The signature header, as Stripe's: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
pub const SIGNATURE_HEADER: &str = "x-renum-signature";
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";
/// Shortest accepted webhook secret, in bytes (`--publish-webhook-secret`).
pub const MIN_SECRET_LEN: usize = 16;
/// How far a receiver should let a signature's timestamp be from its own clock.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

pub struct WebhookPublisher {
    client: reqwest::Client,
    url: String,
    secret: String,
    sink: Option<ApiLogSink>,
}

impl WebhookPublisher {
    /// `url` is checked against `outbound` at start-up (`WorkerArgs::publisher`); the client
    /// keeps to it after DNS and on redirects.
    pub fn new(
        url: String,
        secret: String,
        timeout: Duration,
        sink: Option<ApiLogSink>,
        outbound: OutboundPolicy,
    ) -> Self {
        let client = crate::net::client_builder(outbound)
            .timeout(timeout)
            .build()
            .expect("a client with a timeout builds");
        Self {
            client,
            url,
            secret,
            sink,
        }
    }

    /// The body the receiver gets.
    pub fn body(post: &PostWithVideo) -> Value {
        json!({
            "post_id": post.post.id,
            "organization_id": post.post.organization_id,
            "platform": post.post.platform,
            "description": post.post.description,
            "hashtags": post.post.hashtags.0,
            "scheduled_at": post.post.scheduled_at,
            "attempt": post.post.attempts,
            "video_title": post.video.title,
            "clip_url": post.video.processed_url,
        })
    }
}

/// HMAC-SHA256 keyed with the shared secret, not yet fed.
fn mac(secret: &str) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key")
}

/// The MAC of one delivery: over `"<timestamp>.<body>"`.
fn signed_payload(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = mac(secret);
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The [`SIGNATURE_HEADER`] value of `body` sent at `timestamp` (unix seconds).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mac = signed_payload(secret, timestamp, body)
        .finalize()
        .into_bytes();
    format!("t={timestamp},v1={}", hex::encode(mac))
}

/// Why a delivery's signature was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature header is not t=<unix seconds>,v1=<hex>")]
    Malformed,
    #[error("the signature timestamp is outside the tolerance")]
    Stale,
    #[error("no signature matches the body")]
    Mismatch,
}

/// Checks a [`SIGNATURE_HEADER`] value against `body` at `now` (unix seconds): the timestamp
/// must be within `tolerance` of `now` either way, and one `v1` must be the HMAC of
/// `"<t>.<body>"` (compared in constant time). Further `v1` entries are allowed, for a
/// sender that signs with an old and a new secret while rotating.
pub fn verify(
    secret: &str,
    header: &str,
    body: &[u8],
    now: i64,
    tolerance: Duration,
) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => {
                let t = t.parse::<i64>().map_err(|_| SignatureError::Malformed)?;
                if timestamp.replace(t).is_some() {
                    return Err(SignatureError::Malformed);
                }
            }
            Some(("v1", v)) => {
                signatures.push(hex::decode(v).map_err(|_| SignatureError::Malformed)?);
            }
            // Other schemes (a future v2) are for other receivers.
            Some(_) => {}
            None => return Err(SignatureError::Malformed),
        }
    }
    let Some(timestamp) = timestamp else {
        return Err(SignatureError::Malformed);
    };
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if now.abs_diff(timestamp) > tolerance.as_secs() {
        return Err(SignatureError::Stale);
    }
    let expected = signed_payload(secret, timestamp, body);
    if signatures
        .iter()
        .any(|sig| expected.clone().verify_slice(sig).is_ok())
    {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

impl Publisher for WebhookPublisher {
    async fn publish(&self, post: &PostWithVideo) -> Result<String, PublishError> {
        let body = Self::body(post);
        let bytes = serde_json::to_vec(&body).expect("a JSON value serializes");
        let call = Call::outbound("webhook", "publish", HttpMethod::Post)
            .organization(post.post.organization_id)
            .request_body(body);
        let sent = self
            .client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(IDEMPOTENCY_HEADER, post.post.id.to_string())
            .header(
                SIGNATURE_HEADER,
                sign(&self.secret, chrono::Utc::now().timestamp(), &bytes),
            )
            .body(bytes)
            .send()
            .await;
        let resp = match sent {
            Ok(resp) => resp,
            Err(err) => {
                if let Some(sink) = &self.sink {
                    call.finish(sink, None, None);
                }
                // Without the URL: the error becomes the post's `last_error`.
                return Err(PublishError(format!(
                    "webhook unreachable: {}",
                    crate::net::describe(err)
                )));
            }
        };
        let status = resp.status();
        let answer: Option<Value> = resp.json().await.ok();
        if let Some(sink) = &self.sink {
            call.finish(sink, Some(status.as_u16()), answer.clone());
        }
        if !status.is_success() {
            return Err(PublishError(format!("webhook answered {status}")));
        }
        answer
            .as_ref()
            .and_then(|a| a["external_post_id"].as_str())
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| PublishError("webhook answer has no external_post_id".into()))
    }
}

/// The publisher `renum serve` / `renum worker` run: the webhook when configured.
pub enum AnyPublisher {
    Webhook(WebhookPublisher),
    Log(LogPublisher),
}

impl Publisher for AnyPublisher {
    async fn publish(&self, post: &PostWithVideo) -> Result<String, PublishError> {
        match self {
            AnyPublisher::Webhook(p) => p.publish(post).await,
            AnyPublisher::Log(p) => p.publish(post).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "a webhook secret of 32 bytes....";
    const BODY: &[u8] = br#"{"post_id":"p1"}"#;
    const T: i64 = 1_764_806_400;

    #[test]
    fn the_mac_is_the_rfc_4231_hmac_sha256() {
        // RFC 4231 test case 2.
        let mut mac = mac("Jefe");
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn the_header_carries_the_timestamp_and_the_mac_of_timestamp_dot_body() {
        let mut mac = mac(SECRET);
        mac.update(format!("{T}.").as_bytes());
        mac.update(BODY);
        assert_eq!(
            sign(SECRET, T, BODY),
            format!("t={T},v1={}", hex::encode(mac.finalize().into_bytes()))
        );
    }

    #[test]
    fn a_fresh_signature_of_the_same_body_and_secret_verifies() {
        let header = sign(SECRET, T, BODY);
        assert_eq!(verify(SECRET, &header, BODY, T, DEFAULT_TOLERANCE), Ok(()));
        assert_eq!(
            verify(SECRET, &header, BODY, T + 300, DEFAULT_TOLERANCE),
            Ok(()),
            "at the edge of the tolerance"
        );
        // A rotating sender's second signature.
        let rotating = format!("{header},v1={}", "00".repeat(32));
        assert_eq!(
            verify(SECRET, &rotating, BODY, T, DEFAULT_TOLERANCE),
            Ok(())
        );
    }

    #[test]
    fn a_tampered_body_or_a_wrong_secret_is_refused() {
        let header = sign(SECRET, T, BODY);
        let tampered = br#"{"post_id":"p2"}"#;
        assert_eq!(
            verify(SECRET, &header, tampered, T, DEFAULT_TOLERANCE),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(
                "another secret of 32 bytes......",
                &header,
                BODY,
                T,
                DEFAULT_TOLERANCE
            ),
            Err(SignatureError::Mismatch)
        );
        // The timestamp is signed too: moving it forward breaks the MAC.
        let moved = header.replacen(&format!("t={T}"), &format!("t={}", T + 60), 1);
        assert_eq!(
            verify(SECRET, &moved, BODY, T + 60, DEFAULT_TOLERANCE),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_signature_older_or_newer_than_the_tolerance_is_refused() {
        let header = sign(SECRET, T, BODY);
        assert_eq!(
            verify(SECRET, &header, BODY, T + 301, DEFAULT_TOLERANCE),
            Err(SignatureError::Stale),
            "a replay six minutes later"
        );
        assert_eq!(
            verify(SECRET, &header, BODY, T - 301, DEFAULT_TOLERANCE),
            Err(SignatureError::Stale)
        );
    }

    #[test]
    fn a_malformed_header_is_refused() {
        let v1 = sign(SECRET, T, BODY).split_once(',').unwrap().1.to_owned();
        for header in [
            "",
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            &v1,
            &format!("t={T}"),
            &format!("t=yesterday,{v1}"),
            &format!("t={T},v1=not-hex"),
            &format!("t={T},t={T},{v1}"),
            &format!("t={T};{v1}"),
        ] {
            assert_eq!(
                verify(SECRET, header, BODY, T, DEFAULT_TOLERANCE),
                Err(SignatureError::Malformed),
                "{header:?}"
            );
        }
    }
}
