//! The OpenAPI document describes every route, and every route it describes exists.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::TestApp;

#[tokio::test]
async fn every_documented_route_is_served() {
    let app = TestApp::spawn(renum_db::Engine::Sqlite, &[]).await;
    let (status, doc) = app.call(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let concrete = path.replace("{id}", &uuid::Uuid::now_v7().to_string());
            let method: Method = method.to_uppercase().parse().unwrap();
            let (status, body) = app.call(method.clone(), &concrete, None, None).await;
            assert!(
                status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED
                    || body["error"]["code"] == "unauthorized",
                "{method} {path} is documented but not served: {status} {body}"
            );
            operations += 1;
        }
    }
    assert!(operations >= 16, "{operations} operations documented");
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    app.stop().await;
}

/// A hostile request: its name, whether it carries the token, its body (media type, text),
/// whether its `{id}` is malformed.
type Case = (&'static str, bool, Option<(&'static str, String)>, bool);

/// The statuses the document lists for `method path`.
fn documented(doc: &Value, path: &str, method: &str) -> Vec<u16> {
    doc["paths"][path][method]["responses"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.parse().unwrap())
        .collect()
}

/// Hostile requests to every operation (no token, no body, broken JSON, an oversized body,
/// the wrong media type, a malformed id) are answered with statuses the operation documents,
/// each with the error body. The fuzzer (scripts/schemathesis) invents ids that never exist,
/// so this is also where each `{id}` route's 404 is checked.
#[tokio::test]
async fn every_status_a_hostile_request_gets_is_documented() {
    let app = TestApp::spawn(renum_db::Engine::Sqlite, &["--body-limit", "1024"]).await;
    let owner = app.signup("hostile@example.com", "Hostile").await;
    let (_, doc) = app.call(Method::GET, "/openapi.json", None, None).await;
    let big = format!("{{\"title\": \"{}\"}}", "x".repeat(2048));
    let cases: [Case; 6] = [
        ("no token", false, None, false),
        ("no body", true, None, false),
        (
            "broken JSON",
            true,
            Some(("application/json", "{".to_owned())),
            false,
        ),
        (
            "oversized body",
            true,
            Some(("application/json", big)),
            false,
        ),
        (
            "text body",
            true,
            Some(("text/plain", "x".to_owned())),
            false,
        ),
        ("malformed id", true, None, true),
    ];
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            for (case, with_token, body, bad_id) in &cases {
                // Signing out with the token would end the session the other cases use.
                if *with_token && path.starts_with("/v1/auth/signout") {
                    continue;
                }
                if *bad_id && !path.contains("{id}") {
                    continue;
                }
                let id = if *bad_id {
                    "not-a-uuid".to_owned()
                } else {
                    uuid::Uuid::now_v7().to_string()
                };
                let url = format!("{}{}", app.base, path.replace("{id}", &id));
                let mut req = app
                    .client
                    .request(method.to_uppercase().parse().unwrap(), url);
                if *with_token {
                    req = req.bearer_auth(&owner.token);
                }
                if let Some((content_type, text)) = body {
                    req = req.header("content-type", *content_type).body(text.clone());
                }
                let resp = req.send().await.unwrap();
                let status = resp.status().as_u16();
                let text = resp.text().await.unwrap();
                let listed = documented(&doc, path, method);
                assert!(
                    listed.contains(&status),
                    "{method} {path} ({case}) answered {status}, documented {listed:?}: {text}"
                );
                if status >= 400 && path.starts_with("/v1/") {
                    let body: Value = serde_json::from_str(&text).unwrap();
                    assert!(body["error"]["code"].is_string(), "{method} {path}: {text}");
                }
                if *bad_id {
                    assert_eq!(status, 404, "{method} {path} with a malformed id: {text}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked} requests");
    app.stop().await;
}

/// Every operation documents what its shape implies, and the document names things the
/// way the server spells them.
#[tokio::test]
async fn the_document_is_exact_about_errors_enums_ids_and_parameters() {
    let app = TestApp::spawn(renum_db::Engine::Sqlite, &[]).await;
    let (_, doc) = app.call(Method::GET, "/openapi.json", None, None).await;
    let mut ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let listed = documented(&doc, path, method);
            let id = op["operationId"].as_str().unwrap();
            assert!(ids.insert(id.to_owned()), "operationId {id} is used twice");
            if op["security"].is_array() {
                assert!(listed.contains(&401), "{method} {path}: no 401");
            }
            if op["requestBody"].is_object() {
                for s in [400, 413, 415] {
                    assert!(listed.contains(&s), "{method} {path}: no {s}");
                }
            }
            for p in op["parameters"].as_array().into_iter().flatten() {
                let expected = if p["in"] == "path" { 404 } else { 400 };
                assert!(listed.contains(&expected), "{method} {path}: no {expected}");
                if p["in"] == "path" {
                    assert!(path.contains(&format!("{{{}}}", p["name"].as_str().unwrap())));
                }
            }
            if listed.contains(&429) {
                let name = op["responses"]["429"]["$ref"].as_str().unwrap();
                let shared = name.rsplit('/').next().unwrap();
                assert!(
                    doc["components"]["responses"][shared]["headers"]["Retry-After"].is_object(),
                    "{method} {path}: 429 without Retry-After"
                );
            }
        }
    }
    // The list filters are query parameters, not (required) path parameters.
    let params = doc["paths"]["/v1/videos"]["get"]["parameters"]
        .as_array()
        .unwrap();
    assert!(
        params
            .iter()
            .all(|p| p["in"] == "query" && p["required"] != true)
    );
    let platforms: Vec<&str> = renum_db::enums::Platform::ALL
        .iter()
        .map(|p| p.as_str())
        .collect();
    assert_eq!(
        doc["components"]["schemas"]["Platform"]["enum"],
        serde_json::json!(platforms)
    );
    app.stop().await;
}
