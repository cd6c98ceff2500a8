//! api_logs beyond CRUD: the batch insert of the log writer, partitions and retention.

use renum_db::Access;
use renum_db::enums::{Direction, HttpMethod};
use renum_db::ids::UserId;
use renum_db::models::ApiLogInsert;
use renum_db::sql_types::{Json, Timestamp};
use serde_json::json;

use crate::harness::tenant;

pub fn at(s: &str) -> Timestamp {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap()
        .with_timezone(&chrono::Utc)
        .into()
}

pub fn record(created_at: Timestamp, n: usize) -> ApiLogInsert {
    ApiLogInsert {
        organization_id: None,
        direction: Direction::Inbound,
        service: "renum".into(),
        endpoint: "/v1/videos".into(),
        method: HttpMethod::Get,
        status_code: Some(200),
        duration_ms: 1.5,
        request_id: Some(format!("req-{n}")),
        user_id: None,
        request_body: None,
        response_body: None,
        created_at,
    }
}

async fn count(db: &renum_db::Db) -> i64 {
    let sql = "SELECT count(*) FROM api_logs";
    match db {
        renum_db::Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        renum_db::Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

both_engines! {
    async fn a_batch_insert_stores_every_record_as_a_single_insert_would(t) {
        let a = tenant(&t.db, "acme").await;
        let mut conn = t.db.conn().await.unwrap();
        let full = ApiLogInsert {
            organization_id: Some(a.org.id),
            direction: Direction::Outbound,
            service: "opusclip".into(),
            endpoint: "/api/clip-projects/{id}".into(),
            method: HttpMethod::Post,
            status_code: None,
            duration_ms: 1234.25,
            request_id: Some("r1".into()),
            user_id: Some(UserId::new()),
            request_body: Some(Json(json!({"a": [1, "x", null], "s": "quote \" é"}))),
            response_body: Some(Json(json!("a bare string"))),
            created_at: at("2026-03-04T05:06:07.123456Z"),
        };
        let single = conn.api_logs().insert(&full).await.unwrap();
        let mut batch = vec![full.clone()];
        batch.extend((0..99).map(|n| ApiLogInsert {
            organization_id: Some(a.org.id),
            ..record(at("2026-03-04T05:06:08Z"), n)
        }));
        assert_eq!(conn.api_logs().insert_batch(&batch).await.unwrap(), 100);
        assert_eq!(conn.api_logs().insert_batch(&[]).await.unwrap(), 0);
        assert_eq!(count(&t.db).await, 101);

        let page = conn.api_logs_of(&a.scope).list(None, 200).await.unwrap();
        let twin = page.items.iter()
            .find(|r| r.id != single.id && r.request_id.as_deref() == Some("r1"))
            .expect("the batch copy of the full record");
        assert_eq!(ApiLogRowFields::of(twin), ApiLogRowFields::of(&single));
    }

    async fn a_batch_with_one_invalid_record_writes_nothing(t) {
        let mut conn = t.db.conn().await.unwrap();
        let mut batch: Vec<_> = (0..10).map(|n| record(Timestamp::now(), n)).collect();
        batch[7].status_code = Some(42);
        let err = conn.api_logs().insert_batch(&batch).await.unwrap_err();
        assert_eq!(err.constraint(), Some("api_logs_status_code_check"), "{err}");
        assert_eq!(count(&t.db).await, 0);
    }
}

/// A row without its generated id, to compare two inserts of the same record.
#[derive(Debug, PartialEq)]
struct ApiLogRowFields(renum_db::models::ApiLogRow);

impl ApiLogRowFields {
    fn of(row: &renum_db::models::ApiLogRow) -> Self {
        Self(renum_db::models::ApiLogRow {
            id: 0,
            ..row.clone()
        })
    }
}
