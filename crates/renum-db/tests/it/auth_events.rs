//! An organization's audit trail through `OrgAuthEvents`: keyset pages cover every event once,
//! filters narrow it, and another organization's events never appear.

use std::collections::BTreeSet;

use renum_db::Access;
use renum_db::enums::AuthEventKind;
use renum_db::ids::{AuthEventId, OrganizationId, UserId};
use renum_db::models::AuthEventInsert;
use renum_db::repo::AuthEventFilter;
use renum_db::sql_types::Timestamp;

use crate::harness::tenant;

fn event(
    org: OrganizationId,
    user: UserId,
    actor: Option<UserId>,
    kind: AuthEventKind,
    at: Timestamp,
) -> AuthEventInsert {
    AuthEventInsert {
        id: AuthEventId::new(),
        organization_id: Some(org),
        user_id: Some(user),
        actor_id: actor,
        kind,
        email_hash: None,
        ip: Some("192.0.2.1".into()),
        detail: None,
        created_at: at,
    }
}

fn seconds_ago(n: i64) -> Timestamp {
    (chrono::Utc::now() - chrono::Duration::seconds(n)).into()
}

both_engines! {
    async fn the_trail_pages_cover_every_event_once_filter_and_stay_in_their_organization(t) {
        let a = tenant(&t.db, "acme").await;
        let b = tenant(&t.db, "bolt").await;
        let admin = UserId::new();
        let mut conn = t.db.conn().await.unwrap();
        let mut mine = BTreeSet::new();
        // 23 events, several sharing a timestamp, so the id breaks ties across page edges.
        for i in 0..23_i64 {
            let (actor, kind) = match i % 3 {
                0 => (Some(admin), AuthEventKind::RoleChange),
                1 => (None, AuthEventKind::SigninSuccess),
                _ => (None, AuthEventKind::Signout),
            };
            let e = event(a.org.id, a.owner.id, actor, kind, seconds_ago(100 - i / 4));
            mine.insert(e.id);
            conn.auth_events().insert(&e).await.unwrap();
        }
        for _ in 0..5 {
            let e = event(b.org.id, b.owner.id, Some(admin), AuthEventKind::RoleChange, seconds_ago(50));
            conn.auth_events().insert(&e).await.unwrap();
        }

        for limit in [1, 4, 23, 200] {
            let mut seen = Vec::new();
            let mut after = None;
            loop {
                let page = conn.auth_events_of(&a.scope).list(&AuthEventFilter::default(), after, limit).await.unwrap();
                assert!(i64::try_from(page.items.len()).unwrap() <= limit);
                seen.extend(page.items.iter().map(|e| (e.created_at, e.id, e.organization_id)));
                match page.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            assert!(seen.iter().all(|(_, _, org)| *org == Some(a.org.id)), "only A's events");
            let ids: BTreeSet<_> = seen.iter().map(|(_, id, _)| *id).collect();
            assert_eq!(seen.len(), 23, "limit {limit}: each event once");
            assert_eq!(ids, mine, "limit {limit}: every event");
            let mut sorted = seen.clone();
            sorted.sort_by_key(|x| std::cmp::Reverse((x.0, x.1)));
            assert_eq!(seen, sorted, "limit {limit}: newest first, id breaking ties");
        }

        let kind = AuthEventFilter { kind: Some(AuthEventKind::RoleChange), ..Default::default() };
        let page = conn.auth_events_of(&a.scope).list(&kind, None, 200).await.unwrap();
        assert_eq!(page.items.len(), 8);
        assert!(page.items.iter().all(|e| e.kind == AuthEventKind::RoleChange));
        // The actor: actor_id when set, else the user the event is about.
        let by_admin = AuthEventFilter { actor: Some(admin), ..Default::default() };
        let page = conn.auth_events_of(&a.scope).list(&by_admin, None, 200).await.unwrap();
        assert_eq!(page.items.len(), 8, "only A's events, though B's name the same actor");
        let by_owner = AuthEventFilter { actor: Some(a.owner.id), ..Default::default() };
        let page = conn.auth_events_of(&a.scope).list(&by_owner, None, 200).await.unwrap();
        assert_eq!(page.items.len(), 15);
        assert!(page.items.iter().all(|e| e.actor_id.is_none()));
        let both = AuthEventFilter { kind: Some(AuthEventKind::Signout), actor: Some(a.owner.id) };
        assert_eq!(conn.auth_events_of(&a.scope).list(&both, None, 200).await.unwrap().items.len(), 7);
        // Each filter's statement pages like the whole trail: small pages give the same list.
        for filter in [kind, by_admin, by_owner, both] {
            let whole = conn.auth_events_of(&a.scope).list(&filter, None, 200).await.unwrap().items;
            let mut paged = Vec::new();
            let mut after = None;
            loop {
                let page = conn.auth_events_of(&a.scope).list(&filter, after, 3).await.unwrap();
                paged.extend(page.items);
                match page.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            assert_eq!(paged, whole, "{filter:?}");
        }
        let nobody = AuthEventFilter { actor: Some(b.owner.id), ..Default::default() };
        assert!(conn.auth_events_of(&a.scope).list(&nobody, None, 200).await.unwrap().items.is_empty());
        assert_eq!(conn.auth_events_of(&b.scope).list(&AuthEventFilter::default(), None, 200).await.unwrap().items.len(), 5);
    }
}
