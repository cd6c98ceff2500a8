//! CORS for browser front ends on other origins (`RENUM_CORS_ORIGINS`). Off by default: with no
//! origin listed the router has no CORS layer and answers no CORS headers at all.
//!
//! Origins are exact (`https://app.example.com`, scheme, host and port as the browser sends
//! them); `*` is refused when the flag is parsed. renum authenticates with a bearer token in
//! `Authorization`, never a cookie, so no origin is ever allowed credentials; refusing `*`
//! still keeps an unlisted site's scripts from reading the API's answers with a token they
//! got some other way, and keeps a wildcard from ever meeting credentials should cookies come.

use std::str::FromStr;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// One allowed origin: `scheme://host[:port]`, exactly as a browser's `Origin` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorsOrigin(HeaderValue);

/// Why an origin was refused; the message is the one line `renum serve` prints.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidOrigin(String);

impl FromStr for CorsOrigin {
    type Err = InvalidOrigin;

    fn from_str(s: &str) -> Result<Self, InvalidOrigin> {
        let origin = s.trim();
        if origin == "*" {
            return Err(InvalidOrigin(
                "`*` is not accepted: list the exact origins allowed, e.g. https://app.example.com"
                    .into(),
            ));
        }
        let invalid = || {
            InvalidOrigin(format!(
                "{origin:?} is not an origin: expected scheme://host[:port], e.g. https://app.example.com"
            ))
        };
        let (scheme, rest) = origin.split_once("://").ok_or_else(invalid)?;
        let host_ok = !rest.is_empty()
            && !rest.contains(['/', '?', '#', '@', '*'])
            && !rest.chars().any(|c| c.is_whitespace() || c.is_control());
        if !matches!(scheme, "http" | "https") || !host_ok {
            return Err(invalid());
        }
        // Browsers send the origin's scheme and host in lower case.
        HeaderValue::from_str(&origin.to_ascii_lowercase())
            .map(CorsOrigin)
            .map_err(|_| invalid())
    }
}

/// `router` answering CORS for `origins`, as its outermost layer so a preflight is answered
/// before routing (which would 405 an OPTIONS); unchanged when no origin is listed.
pub fn apply(router: Router, origins: &[CorsOrigin]) -> Router {
    match layer(origins) {
        Some(cors) => router
            .layer(cors)
            .layer(middleware::from_fn(only_for_allowed_origins)),
        None => router,
    }
}

/// The layer answers a preflight from an origin it does not allow with the methods and headers
/// all the same (only `Access-Control-Allow-Origin` is left out); useless without it, they go,
/// so an unlisted origin gets no CORS header at all.
async fn only_for_allowed_origins(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    if !resp
        .headers()
        .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
    {
        let cors: Vec<HeaderName> = resp
            .headers()
            .keys()
            .filter(|k| k.as_str().starts_with("access-control-"))
            .cloned()
            .collect();
        for name in cors {
            resp.headers_mut().remove(name);
        }
    }
    resp
}

/// The layer for `origins`, or none when no origin is listed (no CORS headers at all).
fn layer(origins: &[CorsOrigin]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins.iter().map(|o| o.0.clone())))
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
            .expose_headers([header::RETRY_AFTER, HeaderName::from_static("x-request-id")])
            .allow_credentials(false)
            .max_age(Duration::from_secs(600)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_origins_parse_and_a_wildcard_or_a_url_is_refused() {
        let ok: CorsOrigin = "https://App.Example.com".parse().unwrap();
        assert_eq!(ok.0, "https://app.example.com");
        assert!("http://localhost:5173".parse::<CorsOrigin>().is_ok());
        let star = "*".parse::<CorsOrigin>().unwrap_err().to_string();
        assert!(star.contains("`*` is not accepted"), "{star}");
        for bad in [
            "",
            "app.example.com",
            "https://app.example.com/",
            "https://app.example.com/path",
            "ftp://app.example.com",
            "https://*.example.com",
            "https://user@app.example.com",
        ] {
            let err = bad.parse::<CorsOrigin>().unwrap_err().to_string();
            assert!(err.contains("not an origin"), "{bad:?}: {err}");
        }
        assert!(layer(&[]).is_none(), "no origins, no layer");
    }
}
