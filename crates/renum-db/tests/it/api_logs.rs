//! api_logs beyond CRUD: the batch insert of the log writer, partitions and retention.

use renum_db::Access;
use renum_db::enums::{Direction, HttpMethod};
use renum_db::ids::UserId;
use renum_db::models::ApiLogInsert;
use renum_db::retention::{self, PurgeProgress, PurgeReport};
use renum_db::sql_types::{Json, Timestamp};
use renum_db::testing::{TestDb, sample_api_log};
use renum_db::{Db, Engine};
use serde_json::json;

use crate::harness::tenant;

fn at(s: &str) -> Timestamp {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap()
        .with_timezone(&chrono::Utc)
        .into()
}

fn record(created_at: Timestamp, n: usize) -> ApiLogInsert {
    ApiLogInsert {
        request_id: Some(format!("req-{n}")),
        ..sample_api_log(created_at)
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

        let page = conn.api_logs_of(&a.scope).list(&Default::default(), None, 200).await.unwrap();
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

async fn rows_per_partition(db: &renum_db::Db) -> Vec<(String, i64)> {
    let renum_db::Db::Postgres(pool) = db else {
        unreachable!()
    };
    sqlx::query_as("SELECT tableoid::regclass::text, count(*) FROM api_logs GROUP BY 1 ORDER BY 1")
        .fetch_all(pool)
        .await
        .unwrap()
}

async fn insert_at(db: &renum_db::Db, dates: &[(&str, usize)]) {
    let mut batch = Vec::new();
    for (date, n) in dates {
        batch.extend((0..*n).map(|i| record(at(date), i)));
    }
    db.conn()
        .await
        .unwrap()
        .api_logs()
        .insert_batch(&batch)
        .await
        .unwrap();
}

#[tokio::test]
async fn creating_a_month_whose_rows_sit_in_the_default_partition_moves_them_in() {
    let t = TestDb::new(Engine::Postgres).await;
    insert_at(
        &t.db,
        &[
            ("2026-01-10T00:00:00Z", 3),
            ("2026-02-05T00:00:00Z", 1),
            ("2025-06-01T00:00:00Z", 1),
        ],
    )
    .await;
    let ids_before = ids(&t.db).await;
    assert_eq!(
        rows_per_partition(&t.db).await,
        [("api_logs_default".to_owned(), 5)]
    );

    let created = retention::ensure_partitions(&t.db, at("2026-01-15T00:00:00Z"), 2)
        .await
        .unwrap();
    let moved: Vec<_> = created
        .iter()
        .map(|c| (c.name.as_str(), c.moved_from_default))
        .collect();
    assert_eq!(
        moved,
        [
            ("api_logs_2026_01", 3),
            ("api_logs_2026_02", 1),
            ("api_logs_2026_03", 0)
        ]
    );
    assert_eq!(
        rows_per_partition(&t.db).await,
        [
            ("api_logs_2026_01".to_owned(), 3),
            ("api_logs_2026_02".to_owned(), 1),
            ("api_logs_default".to_owned(), 1)
        ]
    );
    assert_eq!(ids(&t.db).await, ids_before, "rows keep their ids");
    assert_eq!(
        retention::partitions(&t.db).await.unwrap(),
        [
            "api_logs_2026_01",
            "api_logs_2026_02",
            "api_logs_2026_03",
            "api_logs_default"
        ]
    );

    let again = retention::ensure_partitions(&t.db, at("2026-01-15T00:00:00Z"), 2)
        .await
        .unwrap();
    assert!(again.is_empty(), "already there: {again:?}");
    insert_at(&t.db, &[("2026-03-31T23:59:59Z", 1)]).await;
    assert!(
        rows_per_partition(&t.db)
            .await
            .contains(&("api_logs_2026_03".to_owned(), 1))
    );
    t.cleanup().await;
}

#[tokio::test]
async fn the_postgres_only_partition_statements_prepare() {
    let t = TestDb::new(Engine::Postgres).await;
    let renum_db::Db::Postgres(pool) = &t.db else {
        unreachable!()
    };
    for s in renum_db::catalogue::postgres_only::ALL {
        use sqlx::{Executor, SqlSafeStr};
        pool.prepare(s.sql.into_sql_str())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", s.name));
    }
    t.cleanup().await;
}

async fn ids(db: &renum_db::Db) -> Vec<i64> {
    let sql = "SELECT id FROM api_logs ORDER BY id";
    match db {
        renum_db::Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
        renum_db::Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
    }
}

both_engines! {
    async fn purge_drops_whole_old_partitions_and_deletes_the_rest_in_bounded_batches(t) {
        retention::ensure_partitions(&t.db, at("2026-01-15T00:00:00Z"), 5).await.unwrap();
        insert_at(&t.db, &[
            ("2025-12-31T23:59:59Z", 1), // default partition, old
            ("2026-01-10T00:00:00Z", 4),
            ("2026-02-10T00:00:00Z", 4),
            ("2026-03-05T00:00:00Z", 3), // boundary month, before the cutoff
            ("2026-03-25T00:00:00Z", 2), // boundary month, kept
            ("2026-04-02T00:00:00Z", 2),
        ]).await;

        let mut counted = Vec::new();
        let mut batches = Vec::new();
        let report = retention::purge(&t.db, at("2026-03-15T00:00:00Z"), 2, &mut |p| match p {
            PurgeProgress::Counted(n) => counted.push(n),
            PurgeProgress::Deleted(n) => batches.push(n),
        }).await.unwrap();

        let (dropped, deleted): (&[&str], u64) = match t.engine() {
            Engine::Postgres => (&["api_logs_2026_01", "api_logs_2026_02"], 4),
            Engine::Sqlite => (&[], 12),
        };
        assert_eq!(report.partitions_dropped, dropped);
        assert_eq!(report.rows_deleted, deleted);
        assert_eq!(counted, [deleted]);
        assert_eq!(batches.iter().sum::<u64>(), deleted);
        assert!(batches.iter().all(|&n| n <= 2), "bounded batches: {batches:?}");
        assert_eq!(report.batches, batches.len() as u64);
        assert_eq!(count(&t.db).await, 4);

        let again = retention::purge(&t.db, at("2026-03-15T00:00:00Z"), 2, &mut |_| {}).await.unwrap();
        assert_eq!(again, PurgeReport::default());
        if t.engine() == Engine::Postgres {
            assert!(!retention::partitions(&t.db).await.unwrap().contains(&"api_logs_2026_01".to_owned()));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_maintenance_from_two_processes_creates_and_drops_each_partition_once() {
    let t = TestDb::new(Engine::Postgres).await;
    let other = Db::connect(&t.url).await.unwrap();
    let now = at("2026-01-15T00:00:00Z");
    let (a, b) = tokio::join!(
        retention::ensure_partitions(&t.db, now, 3),
        retention::ensure_partitions(&other, now, 3)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.len() + b.len(), 4, "{a:?} {b:?}");
    insert_at(
        &t.db,
        &[("2026-01-10T00:00:00Z", 2), ("2026-02-10T00:00:00Z", 2)],
    )
    .await;

    let cutoff = at("2026-03-01T00:00:00Z");
    let (a, b) = tokio::join!(
        retention::drop_partitions_before(&t.db, cutoff),
        retention::drop_partitions_before(&other, cutoff)
    );
    let mut dropped = [a.unwrap(), b.unwrap()].concat();
    dropped.sort();
    assert_eq!(dropped, ["api_logs_2026_01", "api_logs_2026_02"]);
    assert_eq!(count(&t.db).await, 0);
    other.close().await;
    t.cleanup().await;
}
