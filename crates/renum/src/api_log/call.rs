//! Recording one HTTP call, inbound or outbound, into the API log sink.
//!
//! A [`Call`] is started when the request goes out (or comes in) and finished with its status
//! (`None` when no response arrived: timeout, connection error). Finishing measures the
//! duration, applies the sink's redaction policy to both bodies and queues the record; it
//! never waits on the database. The OpusClip client and the publishers use
//! [`Call::outbound`]; the HTTP middleware can use [`Call::inbound`].

use std::time::Instant;

use renum_db::enums::{Direction, HttpMethod};
use renum_db::ids::{OrganizationId, UserId};
use renum_db::models::ApiLogInsert;
use renum_db::sql_types::{Json, Timestamp};
use serde_json::Value;

use super::sink::ApiLogSink;

/// The service name of renum's own API in inbound records.
pub const INBOUND_SERVICE: &str = "renum";

/// A call being recorded (see the module documentation).
#[derive(Debug)]
#[must_use = "a call is recorded only when finished"]
pub struct Call {
    direction: Direction,
    service: String,
    endpoint: String,
    method: HttpMethod,
    organization_id: Option<OrganizationId>,
    user_id: Option<UserId>,
    request_id: Option<String>,
    request_body: Option<Value>,
    created_at: Timestamp,
    started: Instant,
}

impl Call {
    /// A request to renum's API; `route` is the route template (`/v1/videos/{id}`), never the
    /// raw path, so ids and query strings are not logged.
    pub fn inbound(route: &str, method: HttpMethod) -> Call {
        Call::start(Direction::Inbound, INBOUND_SERVICE, route, method)
    }

    /// A call to a third party: `service` names it (`opusclip`, `tiktok`, ...) and `endpoint`
    /// is the endpoint template (`/api/clip-projects/{id}`).
    pub fn outbound(service: &str, endpoint: &str, method: HttpMethod) -> Call {
        Call::start(Direction::Outbound, service, endpoint, method)
    }

    fn start(direction: Direction, service: &str, endpoint: &str, method: HttpMethod) -> Call {
        Call {
            direction,
            service: service.to_owned(),
            endpoint: endpoint.to_owned(),
            method,
            organization_id: None,
            user_id: None,
            request_id: None,
            request_body: None,
            created_at: Timestamp::now(),
            started: Instant::now(),
        }
    }

    pub fn organization(mut self, id: OrganizationId) -> Call {
        self.organization_id = Some(id);
        self
    }

    pub fn user(mut self, id: UserId) -> Call {
        self.user_id = Some(id);
        self
    }

    pub fn request_id(mut self, id: impl Into<String>) -> Call {
        self.request_id = Some(id.into());
        self
    }

    /// The raw request body; it is redacted when the call is finished.
    pub fn request_body(mut self, body: Value) -> Call {
        self.request_body = Some(body);
        self
    }

    /// Queues the record: `status` is `None` when no response arrived. A successful inbound
    /// call may be left out by the sink's sampling; errors are always kept.
    pub fn finish(self, sink: &ApiLogSink, status: Option<u16>, response_body: Option<Value>) {
        if self.kept(sink, status) {
            self.record(sink, status, response_body);
        }
    }

    /// The sampling decision of [`Call::finish`], taken once per call (it counts what it
    /// leaves out): the HTTP middleware asks first, so it reads no body of a call it drops.
    pub fn kept(&self, sink: &ApiLogSink, status: Option<u16>) -> bool {
        let success = status.is_some_and(|s| s < 400);
        !(self.direction == Direction::Inbound && success && !sink.keep_success())
    }

    /// Queues the record of a call [`Call::kept`] kept.
    pub fn record(self, sink: &ApiLogSink, status: Option<u16>, response_body: Option<Value>) {
        let duration_ms = self.started.elapsed().as_secs_f64() * 1000.0;
        let policy = sink.policy();
        let request_body = policy.body(&self.endpoint, self.request_body).map(Json);
        let response_body = policy.body(&self.endpoint, response_body).map(Json);
        sink.record(ApiLogInsert {
            organization_id: self.organization_id,
            direction: self.direction,
            service: self.service,
            endpoint: self.endpoint,
            method: self.method,
            status_code: status.map(i32::from),
            duration_ms,
            request_id: self.request_id,
            user_id: self.user_id,
            request_body,
            response_body,
            created_at: self.created_at,
        });
    }
}

#[cfg(test)]
mod tests {
    use renum_db::testing::TestDb;
    use renum_db::{Access, Db, Engine, OrgScope};
    use serde_json::json;

    use super::*;
    use crate::api_log::sink::SinkConfig;

    async fn rows(db: &Db, org: OrganizationId) -> Vec<renum_db::models::ApiLogRow> {
        let mut conn = db.conn().await.unwrap();
        let scope = OrgScope::trusted(org);
        conn.api_logs_of(&scope)
            .list(&Default::default(), None, 10)
            .await
            .unwrap()
            .items
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn outbound_calls_are_stored_redacted_with_a_null_status_on_timeout() {
        for engine in [Engine::Sqlite, Engine::Postgres] {
            let t = TestDb::new(engine).await;
            let (sink, writer) = ApiLogSink::spawn(t.db.clone(), SinkConfig::default());
            let org = OrganizationId::new();
            Call::outbound("opusclip", "/api/clip-projects", HttpMethod::Post)
                .organization(org)
                .request_id("r-1")
                .request_body(json!({"videoUrl": "https://x.example/v.mp4", "apiKey": "k-123"}))
                .finish(
                    &sink,
                    Some(201),
                    Some(json!({"id": "p1", "owner": "ada@acme.example"})),
                );
            Call::outbound("tiktok", "/v2/post/publish/video/init/", HttpMethod::Post)
                .organization(org)
                .finish(&sink, None, None);
            writer.shutdown().await;

            let rows = rows(&t.db, org).await;
            assert_eq!(rows.len(), 2, "{engine:?}");
            let opus = rows.iter().find(|r| r.service == "opusclip").unwrap();
            assert_eq!(opus.direction, Direction::Outbound);
            assert_eq!(
                (opus.status_code, opus.request_id.as_deref()),
                (Some(201), Some("r-1"))
            );
            assert_eq!(
                opus.request_body.as_ref().unwrap().0,
                json!({"videoUrl": "https://x.example/v.mp4", "apiKey": "[REDACTED]"})
            );
            assert_eq!(
                opus.response_body.as_ref().unwrap().0,
                json!({"id": "p1", "owner": "[EMAIL]"})
            );
            let timeout = rows.iter().find(|r| r.service == "tiktok").unwrap();
            assert_eq!(timeout.status_code, None);
            assert!(timeout.duration_ms >= 0.0);
            t.cleanup().await;
        }
    }

    #[test]
    fn sampling_keeps_a_share_of_successful_inbound_calls_and_every_error() {
        let sink = ApiLogSink::new(SinkConfig {
            success_sample_rate: 0.25,
            ..Default::default()
        });
        for _ in 0..100 {
            Call::inbound("/v1/videos", HttpMethod::Get).finish(&sink, Some(200), None);
        }
        for status in [Some(404), Some(500), None] {
            Call::inbound("/v1/videos", HttpMethod::Get).finish(&sink, status, None);
        }
        for _ in 0..10 {
            Call::outbound("opusclip", "/api/x", HttpMethod::Get).finish(&sink, Some(200), None);
        }
        let m = sink.metrics();
        assert_eq!((m.recorded, m.sampled_out), (25 + 3 + 10, 75));
    }

    #[tokio::test]
    async fn inbound_auth_calls_keep_no_body() {
        let t = TestDb::new(Engine::Sqlite).await;
        let (sink, writer) = ApiLogSink::spawn(t.db.clone(), SinkConfig::default());
        let org = OrganizationId::new();
        Call::inbound("/v1/auth/login", HttpMethod::Post)
            .organization(org)
            .request_body(json!({"email": "a@b.example", "password": "p"}))
            .finish(&sink, Some(200), Some(json!({"token": "t"})));
        writer.shutdown().await;
        let rows = rows(&t.db, org).await;
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (&rows[0].request_body, &rows[0].response_body),
            (&None, &None)
        );
        assert_eq!(rows[0].service, INBOUND_SERVICE);
        t.cleanup().await;
    }
}
