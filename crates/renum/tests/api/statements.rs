//! Counts the SQL statements and the pool checkouts of one request: sqlx emits one
//! `sqlx::query` event per statement and one `sqlx::pool::acquire` event per checkout; a
//! tracing layer attributes each to the `request` span (by its request id) it ran under, so
//! requests of tests running in parallel do not mix.

use std::collections::HashMap;
use std::sync::{Mutex, Once};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

use crate::helpers::TestApp;

static COUNTS: Mutex<Option<HashMap<String, Counts>>> = Mutex::new(None);

/// What one request did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub statements: usize,
    /// Pool checkouts; each costs a ping when the connection goes back.
    pub acquires: usize,
}
static INSTALL: Once = Once::new();

struct RequestId(String);

struct FindRequestId(Option<String>);

impl Visit for FindRequestId {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "request_id" {
            self.0 = Some(value.to_owned());
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "request_id" {
            self.0 = Some(format!("{value:?}").trim_matches('"').to_owned());
        }
    }
}

struct CountStatements;

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for CountStatements {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() != "request" {
            return;
        }
        let mut find = FindRequestId(None);
        attrs.record(&mut find);
        if let (Some(request_id), Some(span)) = (find.0, ctx.span(id)) {
            span.extensions_mut().insert(RequestId(request_id));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let count: fn(&mut Counts) = match event.metadata().target() {
            "sqlx::query" => |c| c.statements += 1,
            "sqlx::pool::acquire" => |c| c.acquires += 1,
            _ => return,
        };
        let Some(scope) = ctx.event_scope(event) else {
            return;
        };
        for span in scope {
            if let Some(RequestId(id)) = span.extensions().get::<RequestId>() {
                count(
                    COUNTS
                        .lock()
                        .unwrap()
                        .get_or_insert_with(HashMap::new)
                        .entry(id.clone())
                        .or_default(),
                );
                return;
            }
        }
    }
}

/// The fewest statements and checkouts a GET of `path` took over three requests: a request
/// that happens to open a pool connection (SQLite's connect pragmas) or refresh the
/// session's last_seen_at issues a few more, while an N+1 list issues more on every request.
pub async fn during(app: &TestApp, token: &str, path: &str) -> Counts {
    let mut fewest = Counts {
        statements: usize::MAX,
        acquires: usize::MAX,
    };
    for _ in 0..3 {
        let c = once(app, token, path).await;
        fewest.statements = fewest.statements.min(c.statements);
        fewest.acquires = fewest.acquires.min(c.acquires);
    }
    fewest
}

async fn once(app: &TestApp, token: &str, path: &str) -> Counts {
    INSTALL.call_once(|| {
        tracing::subscriber::set_global_default(
            tracing_subscriber::registry().with(CountStatements),
        )
        .expect("no other global subscriber in the api tests");
    });
    let request_id = uuid::Uuid::now_v7().to_string();
    let resp = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(token)
        .header("x-request-id", &request_id)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    COUNTS
        .lock()
        .unwrap()
        .get_or_insert_with(HashMap::new)
        .remove(&request_id)
        .unwrap_or_default()
}
