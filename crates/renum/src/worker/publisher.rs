//! Publishers: what the scheduler hands a claimed post to. The webhook publisher POSTs the post
//! with its clip URL to a configured URL, signed with HMAC-SHA256, with the post id as the
//! idempotency key on every attempt (so a retried delivery is recognisable downstream); the
//! log publisher only logs (development).

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

/// The signature header: `sha256=<hex HMAC-SHA256 of the body with the shared secret>`.
pub const SIGNATURE_HEADER: &str = "x-renum-signature";
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

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

pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
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
            .header(SIGNATURE_HEADER, sign(&self.secret, &bytes))
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

    #[test]
    fn signatures_are_the_rfc_4231_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
