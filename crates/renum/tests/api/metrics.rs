//! `GET /metrics`: Prometheus text from the server's registry. Requests are counted per route
//! template (never per path), with their latency; the pool and the API log queue are read at
//! each scrape. Each server has its own registry, so counts here are exact.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use reqwest::{Method, StatusCode};

use crate::helpers::TestApp;

/// One sample line: the metric name, its labels, its value.
#[derive(Debug)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// A scraped page, parsed.
#[derive(Debug)]
pub struct Page {
    pub text: String,
    pub samples: Vec<Sample>,
}

impl Page {
    /// The value of the sample with exactly these labels, if there is one.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let wanted: BTreeMap<String, String> = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.samples
            .iter()
            .find(|s| s.name == name && s.labels == wanted)
            .map(|s| s.value)
    }

    /// The value of the sample with exactly these labels; fails the test when absent.
    #[track_caller]
    pub fn get(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.value(name, labels)
            .unwrap_or_else(|| panic!("no {name}{labels:?} in:\n{}", self.text))
    }
}

/// Scrapes the server's `/metrics` and parses the Prometheus text format.
pub async fn scrape(app: &TestApp) -> Page {
    let resp = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let content_type = resp.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = resp.text().await.unwrap();
    let samples = text
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| parse_sample(line).unwrap_or_else(|| panic!("not a sample: {line:?}")))
        .collect();
    Page { text, samples }
}

/// `name{label="value",...} 1.5` or `name 1.5`; label values may hold `{`, `}`, `,` and
/// escaped quotes (`/v1/videos/{id}`).
fn parse_sample(line: &str) -> Option<Sample> {
    let name_end = line.find(['{', ' '])?;
    let name = line[..name_end].to_owned();
    let mut labels = BTreeMap::new();
    let mut rest = &line[name_end..];
    if let Some(after) = rest.strip_prefix('{') {
        rest = after;
        loop {
            if let Some(after) = rest.strip_prefix('}') {
                rest = after;
                break;
            }
            let (key, after) = rest.split_once("=\"")?;
            let mut value = String::new();
            let mut chars = after.char_indices();
            let end = loop {
                match chars.next()? {
                    (_, '\\') => match chars.next()?.1 {
                        'n' => value.push('\n'),
                        c => value.push(c),
                    },
                    (i, '"') => break i,
                    (_, c) => value.push(c),
                }
            };
            labels.insert(key.to_owned(), value);
            rest = &after[end + 1..];
            rest = rest.strip_prefix(',').unwrap_or(rest);
        }
    }
    let value = rest.trim().parse().ok()?;
    Some(Sample {
        name,
        labels,
        value,
    })
}

/// Both ways: a metric the server reports that `docs/METRICS.md` does not list, or one it lists
/// that the server does not report, fails.
#[tokio::test]
async fn docs_metrics_md_lists_exactly_the_metrics_served() {
    let app = TestApp::spawn(renum_db::Engine::Sqlite, &[]).await;
    // A family shows once it has a sample: the first request is counted after it is answered.
    scrape(&app).await;
    let page = scrape(&app).await;
    let served: BTreeSet<&str> = page
        .text
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|line| line.split(' ').next())
        .collect();
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/METRICS.md"
    ))
    .unwrap();
    let listed: BTreeSet<&str> = doc
        .lines()
        .filter(|line| line.starts_with("| `renum_"))
        .flat_map(|line| line.split('|').nth(1).unwrap().split(','))
        .map(|name| name.trim().trim_matches('`'))
        .collect();
    assert_eq!(served, listed);
    app.stop().await;
}

api_test! {
    async fn requests_are_counted_and_timed_per_route_template_never_per_path(app) {
        let owner = app.signup("metrics@example.com", "Metrics").await;
        let missing = uuid::Uuid::now_v7().to_string();
        for _ in 0..3 {
            let (status, _) = app.call(Method::GET, &format!("/v1/videos/{missing}"), Some(&owner.token), None).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
        for _ in 0..2 {
            let (status, _) = app.call(Method::GET, &format!("/no/such/{missing}"), None, None).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
        let (status, _) = app.call(Method::DELETE, "/healthz", None, None).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);

        let page = scrape(app).await;
        let requests = "renum_http_requests_total";
        let video = [("method", "GET"), ("route", "/v1/videos/{id}")];
        assert_eq!(page.get(requests, &[video[0], video[1], ("status", "404")]), 3.0);
        assert_eq!(page.get(requests, &[("method", "POST"), ("route", "/v1/auth/signup"), ("status", "201")]), 1.0);
        assert_eq!(page.get(requests, &[("method", "GET"), ("route", "unmatched"), ("status", "404")]), 2.0);
        assert_eq!(page.get(requests, &[("method", "DELETE"), ("route", "/healthz"), ("status", "405")]), 1.0);
        assert!(!page.text.contains(&missing), "a path's id became a label:\n{}", page.text);

        let duration = "renum_http_request_duration_seconds";
        assert_eq!(page.get(&format!("{duration}_count"), &video), 3.0);
        assert_eq!(page.get(&format!("{duration}_bucket"), &[video[0], video[1], ("le", "+Inf")]), 3.0);
        assert!(page.get(&format!("{duration}_sum"), &video) > 0.0);
        let buckets: Vec<f64> = page.samples.iter()
            .filter(|s| s.name == format!("{duration}_bucket") && s.labels.get("route").map(String::as_str) == Some("/v1/videos/{id}"))
            .map(|s| s.value)
            .collect();
        assert!(buckets.len() > 5, "latency buckets: {buckets:?}");
        assert!(buckets.windows(2).all(|w| w[0] <= w[1]), "cumulative: {buckets:?}");
    }

    async fn the_pool_and_the_api_log_queue_are_read_at_each_scrape(app) {
        let owner = app.signup("pool@example.com", "Pool").await;
        let (status, _) = app.call(Method::GET, "/v1/me", Some(&owner.token), None).await;
        assert_eq!(status, StatusCode::OK);
        let page = scrape(app).await;
        let size = page.get("renum_db_pool_connections", &[]);
        let idle = page.get("renum_db_pool_idle_connections", &[]);
        let max = page.get("renum_db_pool_max_connections", &[]);
        assert!(size >= 1.0 && idle <= size && size <= max, "size {size}, idle {idle}, max {max}");
        // Other tests' pools in this process wait too; the gauge only has to be there.
        assert!(page.get("renum_db_pool_waiting", &[]) >= 0.0);

        assert_eq!(page.get("renum_api_logs_recorded_total", &[]), 2.0, "the sign-up and /v1/me");
        assert_eq!(page.get("renum_api_logs_queue_capacity", &[]), 50_000.0);
        for counter in ["dropped", "failed", "refused", "sampled_out", "unauthenticated_unstored"] {
            assert_eq!(page.get(&format!("renum_api_logs_{counter}_total"), &[]), 0.0, "{counter}");
        }
        // Once the writer has run, the queue is empty again (/metrics itself is not logged).
        let mut page = page;
        for _ in 0..100 {
            if page.get("renum_api_logs_written_total", &[]) == 2.0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            page = scrape(app).await;
        }
        assert_eq!(page.get("renum_api_logs_written_total", &[]), 2.0, "{}", page.text);
        assert!(page.get("renum_api_logs_batches_total", &[]) >= 1.0);
        assert!(page.get("renum_api_logs_written_bytes_total", &[]) > 0.0);
        assert_eq!(page.get("renum_api_logs_queued", &[]), 0.0);
        assert_eq!(page.get("renum_api_logs_queued_bytes", &[]), 0.0);
    }
}
