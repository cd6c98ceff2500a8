//! The audit trail (`auth_events`): reading an organization's events (owners and admins), and
//! its retention, run by the server's daily maintenance: events past `RENUM_AUDIT_RETENTION`
//! are deleted, and the address of an event 30 days old is cut to its network
//! (`addresses.rs`), both in bounded batches.

use std::time::Duration;

use renum_db::enums::Role;
use renum_db::models::{AuthEventRow, Page};
use renum_db::repo::{AuthEventFilter, AuthEventKey};
use renum_db::sql_types::Timestamp;
use renum_db::{Access, Conn, Db};

use super::auth::{Caller, ago};
use super::organization::require;
use super::{AppError, addresses};

/// How long an event keeps its whole address.
pub const WHOLE_IP_FOR: Duration = Duration::from_secs(30 * 24 * 3600);

/// A page of the caller's organization's trail, newest first. Owners and admins only: it shows
/// what every member did and from where.
pub async fn list(
    conn: &mut Conn,
    caller: &Caller,
    filter: &AuthEventFilter,
    after: Option<AuthEventKey>,
    limit: i64,
) -> Result<Page<AuthEventRow, AuthEventKey>, AppError> {
    require(
        caller,
        &[Role::Owner, Role::Admin],
        "only the owner or an admin can read the audit trail",
    )?;
    Ok(conn
        .auth_events_of(&caller.scope)
        .list(filter, after, limit)
        .await?)
}

/// What one retention pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AuditRetention {
    pub deleted: u64,
    pub ips_cut: u64,
}

/// Deletes the events older than `keep` and cuts the addresses of those older than
/// [`WHOLE_IP_FOR`], `batch` rows per statement (per transaction for the cuts), so no
/// statement holds its locks for long however far behind the trail is.
pub async fn apply_retention(
    db: &Db,
    now: Timestamp,
    keep: Duration,
    batch: i64,
) -> Result<AuditRetention, renum_db::Error> {
    let batch = batch.max(1);
    let mut done = AuditRetention::default();
    let delete_before = ago(now, keep);
    loop {
        let deleted = db
            .conn()
            .await?
            .auth_events()
            .delete_older_batch(delete_before, batch)
            .await?;
        done.deleted += deleted;
        if deleted < batch.unsigned_abs() {
            break;
        }
    }
    let cut_before = ago(now, WHOLE_IP_FOR);
    loop {
        let mut tx = db.begin().await?;
        let whole = tx.auth_events().whole_ips_older(cut_before, batch).await?;
        for (id, ip) in &whole {
            // Text that is no address is cleared: kept, it would come back every pass.
            let cut = addresses::stored_prefix(ip);
            tx.auth_events().set_ip(*id, cut.as_deref()).await?;
        }
        tx.commit().await?;
        done.ips_cut += u64::try_from(whole.len()).unwrap_or(u64::MAX);
        if whole.len() < usize::try_from(batch).unwrap_or(usize::MAX) {
            break;
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use renum_db::enums::AuthEventKind;
    use renum_db::ids::AuthEventId;
    use renum_db::models::AuthEventInsert;

    use super::*;

    const DAY: i64 = 86_400;

    /// Inserts an event `days` old with `ip`; returns its id.
    async fn event_aged(db: &Db, now: Timestamp, days: i64, ip: Option<&str>) -> AuthEventId {
        let id = AuthEventId::new();
        let at = ago(now, Duration::from_secs(u64::try_from(days * DAY).unwrap()));
        db.conn()
            .await
            .unwrap()
            .auth_events()
            .insert(&AuthEventInsert {
                id,
                organization_id: None,
                user_id: None,
                actor_id: None,
                kind: AuthEventKind::SigninFailure,
                email_hash: None,
                ip: ip.map(str::to_owned),
                detail: None,
                created_at: at,
            })
            .await
            .unwrap();
        id
    }

    /// Every event's (id, ip), read with the test's own statement.
    async fn ips(db: &Db) -> Vec<(AuthEventId, Option<String>)> {
        let sql = "SELECT id, ip FROM auth_events ORDER BY created_at, id";
        match db {
            Db::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
            Db::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
        }
    }

    renum_db::both_engines! {
        async fn retention_deletes_old_events_and_cuts_addresses_30_days_old_only(t) {
            let now = Timestamp::now();
            let keep = Duration::from_secs(u64::try_from(365 * DAY).unwrap());
            // Past the window: deleted, five of them so batches of two take three statements.
            for _ in 0..5 {
                event_aged(&t.db, now, 400, Some("198.51.100.4")).await;
            }
            let old_v4 = event_aged(&t.db, now, 40, Some("203.0.113.7")).await;
            let old_v6 = event_aged(&t.db, now, 31, Some("2001:db8:1:2::5")).await;
            let old_mapped = event_aged(&t.db, now, 300, Some("::ffff:192.0.2.9")).await;
            let old_garbage = event_aged(&t.db, now, 60, Some("unknown")).await;
            let old_none = event_aged(&t.db, now, 60, None).await;
            let recent = event_aged(&t.db, now, 29, Some("203.0.113.8")).await;
            let today = event_aged(&t.db, now, 0, Some("2001:db8::1")).await;

            let done = apply_retention(&t.db, now, keep, 2).await.unwrap();
            assert_eq!(done, AuditRetention { deleted: 5, ips_cut: 4 });
            let left = ips(&t.db).await;
            let expected = vec![
                (old_mapped, Some("192.0.2.0/24".to_owned())),
                (old_garbage, None),
                (old_none, None),
                (old_v4, Some("203.0.113.0/24".to_owned())),
                (old_v6, Some("2001:db8:1::/48".to_owned())),
                (recent, Some("203.0.113.8".to_owned())),
                (today, Some("2001:db8::1".to_owned())),
            ];
            assert_eq!(left, expected, "older than 30 days cut, newer whole, past the window gone");

            // Nothing left to do: a second pass changes nothing.
            let again = apply_retention(&t.db, now, keep, 2).await.unwrap();
            assert_eq!(again, AuditRetention::default());
            assert_eq!(ips(&t.db).await, expected);
        }
    }
}
