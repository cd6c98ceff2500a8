//! The provider's callback: the per-project token in the callback URL renum hands OpusClip,
//! and the webhook that checks it and follows the project. The token is a MAC of the project
//! id under the master key ([`MasterKey::mac`]), so nothing is stored per project and a key
//! rotation retires every outstanding URL. The callback's body is never trusted: a verified
//! call only makes the project followed now ([`ClipService::follow`] asks the provider).
//!
//! [`MasterKey::mac`]: crate::app::crypto::MasterKey::mac

use renum_db::ids::ClipProjectId;
use renum_db::{Access, Db};

use super::{ClipService, Step};
use crate::app::AppError;
use crate::metrics::FollowVia;

/// The webhook token's purpose in [`MasterKey::mac`](crate::app::crypto::MasterKey::mac).
const WEBHOOK_PURPOSE: &str = "opusclip-webhook";

impl ClipService {
    /// The secret of a project's callback URL.
    pub fn webhook_token(&self, project: ClipProjectId) -> String {
        hex::encode(self.master_key.mac(WEBHOOK_PURPOSE, project.0.as_bytes()))
    }

    /// The URL the provider calls when `project` concludes; `None` without a public URL.
    pub(super) fn callback_url(&self, project: ClipProjectId) -> Option<String> {
        self.public_url.as_ref().map(|base| {
            format!(
                "{}/v1/webhooks/opusclip?project={project}&token={}",
                base.trim_end_matches('/'),
                self.webhook_token(project)
            )
        })
    }

    /// Whether `token` is the secret of `project` (constant time).
    pub fn verify_webhook(&self, project: ClipProjectId, token: &str) -> bool {
        let expected = self.webhook_token(project);
        expected.len() == token.len()
            && expected
                .bytes()
                .zip(token.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }

    /// The webhook: a verified callback makes the project followed now.
    pub async fn webhook(
        &self,
        db: &Db,
        project: ClipProjectId,
        token: &str,
    ) -> Result<Step, AppError> {
        if !self.verify_webhook(project, token) {
            return Err(AppError::Unauthorized(
                "the callback token does not match the project",
            ));
        }
        let row = db.conn().await?.clip_poller().find(project).await?;
        let Some((_, row)) = row else {
            return Err(AppError::NotFound);
        };
        let step = self.follow(db, row).await;
        self.metrics
            .followed(FollowVia::Webhook, step.as_ref().ok());
        step
    }
}
