//! `renum purge-deleted`: soft-deleted tenants vanish with all their rows after the grace
//! period; members are deleted or anonymized; live data is untouched.

use indicatif::ProgressBar;
use renum_db::enums::{ModuleType, Platform, PostStatus, Role};
use renum_db::ids::{PostId, UserId};
use renum_db::models::{PostInsert, UserInsert, VideoInsert};
use renum_db::sql_types::{StringList, Timestamp};
use renum_db::testing::{self, Tenant, TestDb};
use renum_db::{Access, Db, Engine, OrgScope};
use renum_ops::cli::purge_deleted::purge;

/// A tenant with a row at every FK level below it.
async fn tenant(db: &Db, slug: &str) -> (OrgScope, UserId) {
    let Tenant { owner, scope, .. } = testing::tenant(db, slug).await;
    let mut tx = db.begin().await.unwrap();
    // A source video, a clip of it, a clip of the clip, and a post: every FK level.
    let source = tx
        .videos(&scope)
        .insert(&VideoInsert::new(owner.id, "source"))
        .await
        .unwrap();
    let mut parent = source.id;
    for title in ["clip", "clip of clip"] {
        let mut clip = VideoInsert::new(owner.id, title);
        clip.module_type = Some(ModuleType::Clip);
        clip.parent_video_id = Some(parent);
        parent = tx.videos(&scope).insert(&clip).await.unwrap().id;
    }
    tx.posts(&scope)
        .insert(&PostInsert {
            id: PostId::new(),
            video_id: parent,
            created_by: owner.id,
            platform: Platform::Tiktok,
            description: String::new(),
            hashtags: StringList::default(),
            scheduled_at: Timestamp::now(),
            status: PostStatus::Draft,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (scope, owner.id)
}

async fn count(db: &Db, sql: &'static str) -> i64 {
    match db {
        Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
    }
}

async fn age(db: &Db, sql: &'static str, id: uuid::Uuid) {
    let long_ago: Timestamp = (chrono::Utc::now() - chrono::Duration::days(40)).into();
    match db {
        Db::Postgres(p) => sqlx::query(sql)
            .bind(long_ago)
            .bind(id)
            .execute(p)
            .await
            .unwrap()
            .rows_affected(),
        Db::Sqlite(p) => sqlx::query(sql)
            .bind(long_ago)
            .bind(renum_db::ids::UserId(id))
            .execute(p)
            .await
            .unwrap()
            .rows_affected(),
    };
}

#[tokio::test]
async fn soft_deleted_tenants_and_members_are_purged_after_the_grace_period() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = TestDb::new(engine).await;
        let (gone, _) = tenant(&t.db, "gone").await;
        let (recent, _) = tenant(&t.db, "recent").await;
        let (live, live_owner) = tenant(&t.db, "live").await;
        let mut conn = t.db.conn().await.unwrap();
        conn.organization(&gone)
            .soft_delete(Timestamp::now())
            .await
            .unwrap();
        conn.organization(&recent)
            .soft_delete(Timestamp::now())
            .await
            .unwrap();
        age(
            &t.db,
            "UPDATE organizations SET deleted_at = $1 WHERE id = $2",
            gone.organization_id().0,
        )
        .await;

        // Two removed members of the live organization: one authored a video, one nothing.
        let mut members = Vec::new();
        for (i, authored) in [true, false].into_iter().enumerate() {
            let m = conn
                .users(&live)
                .insert(&UserInsert {
                    id: UserId::new(),
                    email: format!("m{i}@live.example"),
                    password_hash: "h".into(),
                    full_name: "Member".into(),
                    role: Role::Member,
                })
                .await
                .unwrap();
            if authored {
                conn.videos(&live)
                    .insert(&VideoInsert::new(m.id, "by member"))
                    .await
                    .unwrap();
            }
            conn.users(&live)
                .soft_delete(m.id, Timestamp::now())
                .await
                .unwrap();
            age(
                &t.db,
                "UPDATE users SET deleted_at = $1 WHERE id = $2",
                m.id.0,
            )
            .await;
            members.push(m.id);
        }
        drop(conn);

        let cutoff: Timestamp = (chrono::Utc::now() - chrono::Duration::days(30)).into();
        let purged = purge(&t.db, cutoff, 1, &ProgressBar::hidden())
            .await
            .unwrap();
        assert_eq!(
            purged.organizations, 1,
            "{engine:?}: only the one past the grace period"
        );
        assert_eq!(
            purged.rows,
            [
                ("posts", 1),
                ("clip_projects", 0),
                ("videos", 3),
                ("users", 1)
            ]
        );
        assert_eq!((purged.users_deleted, purged.users_anonymized), (1, 1));

        assert_eq!(count(&t.db, "SELECT count(*) FROM organizations").await, 2);
        assert_eq!(
            count(&t.db, "SELECT count(*) FROM videos").await,
            7,
            "recent's 3, live's 3 + the member's"
        );
        assert_eq!(
            count(
                &t.db,
                "SELECT count(*) FROM users WHERE email LIKE 'deleted+%'"
            )
            .await,
            1
        );
        assert_eq!(
            count(
                &t.db,
                "SELECT count(*) FROM users WHERE email LIKE 'm%@live.example'"
            )
            .await,
            0
        );
        let mut conn = t.db.conn().await.unwrap();
        assert_eq!(
            conn.users(&live).get(live_owner).await.unwrap().role,
            Role::Owner,
            "live data untouched"
        );
        drop(conn);

        let again = purge(&t.db, cutoff, 1, &ProgressBar::hidden())
            .await
            .unwrap();
        assert_eq!(
            (
                again.organizations,
                again.users_deleted,
                again.users_anonymized
            ),
            (0, 0, 0),
            "idempotent"
        );
        t.cleanup().await;
    }
}
