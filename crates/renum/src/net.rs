//! The HTTP clients that fetch tenant-, provider- or operator-supplied URLs (the publish
//! webhook, the OpusClip API and its clip downloads). They keep the outbound rule of
//! [`crate::app::outbound`] after DNS: the resolver drops private addresses, so a public-looking
//! name that resolves to 127.0.0.1 or 169.254.169.254 is never connected to, and every
//! redirect target is checked again. They ignore `HTTP(S)_PROXY`: through a proxy, only the
//! proxy's address would be checked. Their errors are described without the URL.

use std::error::Error as _;
use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect;

use crate::app::outbound::OutboundPolicy;

/// Redirects followed at most (reqwest's default).
const MAX_REDIRECTS: usize = 10;

/// A client builder that keeps to `policy` after resolution and on redirects.
pub fn client_builder(policy: OutboundPolicy) -> reqwest::ClientBuilder {
    let builder = reqwest::Client::builder()
        .no_proxy()
        .redirect(redirect_policy(policy));
    if policy.allow_private {
        builder
    } else {
        builder.dns_resolver(Arc::new(PublicResolver { policy }))
    }
}

/// Follows up to [`MAX_REDIRECTS`] redirects, each to a URL the policy admits.
fn redirect_policy(policy: OutboundPolicy) -> redirect::Policy {
    redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error("too many redirects");
        }
        match policy.check(attempt.url().as_str()) {
            Ok(_) => attempt.follow(),
            Err(refusal) => attempt.error(format!("redirect refused: the target {refusal}")),
        }
    })
}

/// The system resolver, keeping only the addresses the policy allows.
struct PublicResolver {
    policy: OutboundPolicy,
}

impl Resolve for PublicResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let kept = allowed(policy, found);
            if kept.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            Ok(Box::new(kept.into_iter()) as Addrs)
        })
    }
}

fn allowed(policy: OutboundPolicy, addrs: impl Iterator<Item = SocketAddr>) -> Vec<SocketAddr> {
    addrs.filter(|addr| policy.allows(addr.ip())).collect()
}

/// A reqwest error as it may be stored or shown to a tenant: what failed and its causes,
/// never the URL (which can carry credentials or tokens).
pub fn describe(err: reqwest::Error) -> String {
    let err = err.without_url();
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resolver_keeps_only_public_addresses() {
        let deny = OutboundPolicy::default();
        let found: Vec<SocketAddr> = [
            "127.0.0.1:0",
            "[::1]:0",
            "10.0.0.7:0",
            "169.254.169.254:0",
            "[::ffff:192.168.1.1]:0",
            "93.184.215.14:0",
        ]
        .iter()
        .map(|a| a.parse().unwrap())
        .collect();
        assert_eq!(
            allowed(deny, found.clone().into_iter()),
            vec!["93.184.215.14:0".parse::<SocketAddr>().unwrap()]
        );
        let allow = OutboundPolicy {
            allow_private: true,
        };
        assert_eq!(allowed(allow, found.clone().into_iter()), found);
    }

    #[tokio::test]
    async fn a_name_resolving_to_loopback_resolves_to_nothing() {
        let resolver = PublicResolver {
            policy: OutboundPolicy::default(),
        };
        let err = match resolver.resolve("localhost".parse().unwrap()).await {
            Ok(addrs) => panic!("resolved to {:?}", addrs.collect::<Vec<_>>()),
            Err(err) => err,
        };
        assert_eq!(err.to_string(), "localhost resolves to no public address");
    }
}
