//! CORS (`RENUM_CORS_ORIGINS`): a listed origin's preflight is answered with the headers, an
//! unlisted origin gets none, and by default no origin gets any.

use clap::Parser;
use renum::cli::serve::ServeArgs;
use reqwest::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE,
};
use reqwest::{Method, Response, StatusCode};

use crate::helpers::TestApp;

const APP: &str = "https://app.example.com";
const EVIL: &str = "https://evil.example.net";

/// A browser's preflight of `PATCH /v1/me` with a bearer token, from `origin`.
async fn preflight(app: &TestApp, origin: &str) -> Response {
    app.client
        .request(Method::OPTIONS, format!("{}/v1/me", app.base))
        .header("origin", origin)
        .header("access-control-request-method", "PATCH")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap()
}

/// The actual request after it: `GET /v1/me` with the token, from `origin`.
async fn get_me(app: &TestApp, origin: &str, token: &str) -> Response {
    app.client
        .get(format!("{}/v1/me", app.base))
        .header("origin", origin)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

fn header<'a>(resp: &'a Response, name: &reqwest::header::HeaderName) -> Option<&'a str> {
    resp.headers().get(name).map(|v| v.to_str().unwrap())
}

api_test! {
    async fn a_listed_origins_preflight_gets_the_headers_and_an_unlisted_one_none(app, ["--cors-origins", "https://app.example.com,http://localhost:5173"]) {
        let acct = app.signup("cors@example.com", "Cors").await;

        let resp = preflight(app, APP).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(header(&resp, &ACCESS_CONTROL_ALLOW_ORIGIN), Some(APP), "the origin itself, never *");
        let methods = header(&resp, &ACCESS_CONTROL_ALLOW_METHODS).unwrap().to_ascii_uppercase();
        assert!(methods.contains("PATCH") && methods.contains("DELETE"), "{methods}");
        let headers = header(&resp, &ACCESS_CONTROL_ALLOW_HEADERS).unwrap().to_ascii_lowercase();
        assert!(headers.contains("authorization") && headers.contains("content-type"), "{headers}");
        assert_eq!(header(&resp, &ACCESS_CONTROL_MAX_AGE), Some("600"));
        assert_eq!(header(&resp, &ACCESS_CONTROL_ALLOW_CREDENTIALS), None, "credentials are never allowed");
        let resp = get_me(app, APP, &acct.token).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(header(&resp, &ACCESS_CONTROL_ALLOW_ORIGIN), Some(APP));
        let resp = preflight(app, "http://localhost:5173").await;
        assert_eq!(header(&resp, &ACCESS_CONTROL_ALLOW_ORIGIN), Some("http://localhost:5173"));

        // Not listed (a lookalike included): no CORS header, so the browser withholds the answer.
        for origin in [EVIL, "https://app.example.com.evil.example.net", "http://app.example.com"] {
            let resp = preflight(app, origin).await;
            assert_eq!(header(&resp, &ACCESS_CONTROL_ALLOW_ORIGIN), None, "{origin}");
            assert_eq!(header(&resp, &ACCESS_CONTROL_ALLOW_METHODS), None, "{origin}");
            let resp = get_me(app, origin, &acct.token).await;
            assert_eq!(resp.status(), StatusCode::OK, "served; only the browser withholds it");
            assert_eq!(header(&resp, &ACCESS_CONTROL_ALLOW_ORIGIN), None, "{origin}");
        }
    }

    async fn by_default_no_origin_gets_a_cors_header(app) {
        let acct = app.signup("nocors@example.com", "No Cors").await;
        let resp = preflight(app, APP).await;
        assert_eq!(header(&resp, &ACCESS_CONTROL_ALLOW_ORIGIN), None);
        assert_eq!(header(&resp, &ACCESS_CONTROL_ALLOW_METHODS), None);
        let resp = get_me(app, APP, &acct.token).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert!(resp.headers().keys().all(|k| !k.as_str().starts_with("access-control-")), "{:?}", resp.headers());
    }
}

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    serve: ServeArgs,
}

/// `*` never reaches the layer: `renum serve` refuses it at start, naming the flag.
#[test]
fn a_wildcard_origin_is_refused_when_the_flags_are_read() {
    let err = Args::try_parse_from(["renum", "--cors-origins", "https://app.example.com,*"])
        .err()
        .expect("refused")
        .to_string();
    assert!(
        err.contains("--cors-origins") && err.contains("`*` is not accepted"),
        "{err}"
    );
    let err = Args::try_parse_from(["renum", "--cors-origins", "https://app.example.com/"])
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("not an origin"), "{err}");
}
