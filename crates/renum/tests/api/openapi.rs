//! The OpenAPI document describes every route, and every route it describes exists.

use reqwest::{Method, StatusCode};

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
