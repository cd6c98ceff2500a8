//! The measurement behind the choice of `api_logs.INSERT_BATCH` (docs/BENCHMARKS.md): the
//! chosen statement against the alternatives on each engine, COPY on PostgreSQL and one
//! prepared INSERT per row inside one `BEGIN IMMEDIATE` transaction on SQLite. It writes
//! 200,000 rows per engine into throwaway databases (PostgreSQL from `RENUM_TEST_PG_URL`):
//! `cargo bench -p renum-db --bench insert_strategies`.
use std::time::Instant;

use renum_db::models::ApiLogInsert;
use renum_db::sql_types::{Json, Timestamp};
use renum_db::testing::{TestDb, sample_api_log};
use renum_db::{Access, Db, Engine};
use serde_json::json;

/// A typical inbound record (as `renum bench`'s): ids, a route template, a small response body.
fn sample(n: usize) -> ApiLogInsert {
    ApiLogInsert {
        organization_id: Some(renum_db::ids::OrganizationId::new()),
        endpoint: "/v1/videos/{id}".to_owned(),
        duration_ms: 3.25,
        request_id: Some(format!("bench-{n:09}")),
        user_id: Some(renum_db::ids::UserId::new()),
        response_body: Some(Json(
            json!({"id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "title": "Launch video", "status": "ready", "duration_seconds": 94.5}),
        )),
        ..sample_api_log(Timestamp::now())
    }
}

const N: usize = 100_000;
const B: usize = 1_000;

/// COPY's text format escapes.
fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let recs: Vec<_> = (0..N).map(sample).collect();
    for engine in [Engine::Postgres, Engine::Sqlite] {
        let t = TestDb::new(engine).await;
        let mut conn = t.db.conn().await.unwrap();
        let s = Instant::now();
        for c in recs.chunks(B) {
            conn.api_logs().insert_batch(c).await.unwrap();
        }
        println!(
            "{engine:?} INSERT_BATCH: {:.0}/s",
            N as f64 / s.elapsed().as_secs_f64()
        );
        drop(conn);
        match &t.db {
            Db::Postgres(pool) => {
                let s = Instant::now();
                for c in recs.chunks(B) {
                    let mut conn = pool.acquire().await.unwrap();
                    let mut copy = conn.copy_in_raw("COPY api_logs (organization_id, direction, service, endpoint, method, status_code, duration_ms, request_id, user_id, request_body, response_body, created_at) FROM STDIN").await.unwrap();
                    let mut buf = String::new();
                    for r in c {
                        let opt =
                            |o: Option<String>| o.map(|v| esc(&v)).unwrap_or_else(|| "\\N".into());
                        buf.push_str(
                            &[
                                opt(r.organization_id.map(|i| i.0.to_string())),
                                r.direction.as_str().into(),
                                esc(&r.service),
                                esc(&r.endpoint),
                                r.method.as_str().into(),
                                opt(r.status_code.map(|c| c.to_string())),
                                r.duration_ms.to_string(),
                                opt(r.request_id.clone()),
                                opt(r.user_id.map(|i| i.0.to_string())),
                                opt(r.request_body.as_ref().map(|b| b.0.to_string())),
                                opt(r.response_body.as_ref().map(|b| b.0.to_string())),
                                r.created_at.to_string(),
                            ]
                            .join("\t"),
                        );
                        buf.push('\n');
                    }
                    copy.send(buf.into_bytes()).await.unwrap();
                    copy.finish().await.unwrap();
                }
                println!(
                    "{engine:?} COPY: {:.0}/s",
                    N as f64 / s.elapsed().as_secs_f64()
                );
            }
            Db::Sqlite(pool) => {
                let s = Instant::now();
                for c in recs.chunks(B) {
                    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
                    for r in c {
                        sqlx::query("INSERT INTO api_logs (organization_id, direction, service, endpoint, method, status_code, duration_ms, request_id, user_id, request_body, response_body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
                            .bind(r.organization_id).bind(r.direction).bind(&r.service).bind(&r.endpoint).bind(r.method).bind(r.status_code).bind(r.duration_ms)
                            .bind(&r.request_id).bind(r.user_id).bind(&r.request_body).bind(&r.response_body).bind(r.created_at)
                            .execute(&mut *tx).await.unwrap();
                    }
                    tx.commit().await.unwrap();
                }
                println!(
                    "{engine:?} per-row in one tx: {:.0}/s",
                    N as f64 / s.elapsed().as_secs_f64()
                );
            }
        }
        let n: i64 = match &t.db {
            Db::Postgres(p) => sqlx::query_scalar("SELECT count(*) FROM api_logs")
                .fetch_one(p)
                .await
                .unwrap(),
            Db::Sqlite(p) => sqlx::query_scalar("SELECT count(*) FROM api_logs")
                .fetch_one(p)
                .await
                .unwrap(),
        };
        assert_eq!(n as usize, 2 * N);
        t.cleanup().await;
    }
}
