//! The caller's organization: settings, members and roles, the OpusClip integration, and
//! deletion. Role rules: members manage nothing; admins manage members and admins but never
//! touch the owner; only the owner changes the plan or name, transfers ownership or deletes
//! the organization; the owner cannot be removed.

use renum_db::enums::{AuthEventKind, Plan, Role};
use renum_db::ids::UserId;
use renum_db::models::{
    OrganizationRow, OrganizationUpdate, Page, UserInsert, UserRow, UserUpdate,
};
use renum_db::sql_types::Timestamp;
use renum_db::{Access, Conn, Db};
use serde_json::json;

use super::auth::{AuditEvent, Caller, ClientMeta, audit};
use super::crypto::MasterKey;
use super::passwords::Hasher;
use super::{AppError, passwords, validate};

pub(crate) fn require(
    caller: &Caller,
    allowed: &[Role],
    what: &'static str,
) -> Result<(), AppError> {
    if allowed.contains(&caller.role) {
        Ok(())
    } else {
        Err(AppError::Forbidden(what))
    }
}

pub(crate) const MANAGERS: &[Role] = &[Role::Owner, Role::Admin];
const CONFIGURE_INTEGRATIONS: &str = "only the owner or an admin can configure integrations";

pub async fn get(conn: &mut Conn, caller: &Caller) -> Result<OrganizationRow, AppError> {
    Ok(conn.organization(&caller.scope).get().await?)
}

pub struct OrganizationPatch {
    pub name: Option<String>,
    pub plan: Option<Plan>,
}

pub async fn update(
    db: &Db,
    caller: &Caller,
    patch: OrganizationPatch,
) -> Result<OrganizationRow, AppError> {
    require(
        caller,
        &[Role::Owner],
        "only the owner can change the organization's name or plan",
    )?;
    let name = patch
        .name
        .map(|n| validate::name("name", &n, 200))
        .transpose()?;
    let update = OrganizationUpdate {
        name,
        plan: patch.plan,
    };
    Ok(db
        .conn()
        .await?
        .organization(&caller.scope)
        .update(&update)
        .await?)
}

/// Soft-deletes the organization after the owner retyped its slug: in one transaction its
/// sessions are revoked, its scheduled posts cancelled and its clip projects stopped. The
/// rows themselves go with `renum purge-deleted` after the grace period.
pub async fn delete(
    db: &Db,
    caller: &Caller,
    confirm_slug: &str,
    meta: &ClientMeta,
) -> Result<(), AppError> {
    require(
        caller,
        &[Role::Owner],
        "only the owner can delete the organization",
    )?;
    let mut tx = db.begin().await?;
    let org = tx.organization(&caller.scope).get().await?;
    if org.slug != confirm_slug {
        return Err(AppError::invalid(
            "confirm_slug",
            "must equal the organization's slug",
        ));
    }
    let now = Timestamp::now();
    let mut scoped = tx.organization(&caller.scope);
    scoped.soft_delete(now).await?;
    let sessions = scoped.revoke_all_sessions(now).await?;
    let posts = scoped.cancel_scheduled_posts(now).await?;
    let projects = scoped.fail_processing_clip_projects(now).await?;
    let detail = json!({"sessions_revoked": sessions, "posts_cancelled": posts, "clip_projects_stopped": projects});
    let event = AuditEvent {
        detail: Some(detail),
        ..AuditEvent::of(caller)
    };
    audit(&mut tx, AuthEventKind::OrganizationDeleted, event, meta).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn members(
    conn: &mut Conn,
    caller: &Caller,
    after: Option<(Timestamp, UserId)>,
    limit: i64,
) -> Result<Page<UserRow, (Timestamp, UserId)>, AppError> {
    Ok(conn.users(&caller.scope).list(after, limit).await?)
}

pub struct NewMember {
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub temporary_password: String,
}

/// Adds a member with a password the owner chose (`--allow-member-passwords` only; members
/// otherwise join by invitation). Owner only: that password reaches another person's account.
/// An email in use answers 409 here: the caller is the authenticated owner, not an anonymous
/// prober.
pub async fn add_member(
    db: &Db,
    hasher: &Hasher,
    caller: &Caller,
    new: NewMember,
    meta: &ClientMeta,
) -> Result<UserRow, AppError> {
    require(
        caller,
        &[Role::Owner],
        "only the owner can add a member with a chosen password; invite them instead",
    )?;
    super::account::require_verified(db, caller).await?;
    if new.role == Role::Owner {
        return Err(AppError::invalid(
            "role",
            "a new member cannot be the owner; transfer ownership instead",
        ));
    }
    let email = validate::email(&new.email)?;
    let full_name = validate::name("full_name", &new.full_name, 200)?;
    passwords::check_policy("temporary_password", &new.temporary_password)?;
    let password_hash = hasher.hash(new.temporary_password).await?;
    let mut tx = db.begin().await?;
    let user = tx
        .users(&caller.scope)
        .insert(&UserInsert {
            id: UserId::new(),
            email,
            password_hash,
            full_name,
            role: new.role,
        })
        .await?;
    let event = AuditEvent {
        actor: Some(caller.user_id),
        detail: Some(json!({"role": user.role})),
        ..AuditEvent::about(&user)
    };
    audit(&mut tx, AuthEventKind::MemberAdded, event, meta).await?;
    tx.commit().await?;
    Ok(user)
}

/// Changes a member's role. Making someone the owner is an ownership transfer: only the owner
/// may do it, and the old owner becomes an admin in the same transaction.
pub async fn set_role(
    db: &Db,
    caller: &Caller,
    member_id: UserId,
    role: Role,
    meta: &ClientMeta,
) -> Result<UserRow, AppError> {
    require(
        caller,
        MANAGERS,
        "only the owner or an admin can change roles",
    )?;
    let mut tx = db.begin().await?;
    let member = tx.users(&caller.scope).get(member_id).await?;
    if member.role == Role::Owner && caller.role != Role::Owner {
        return Err(AppError::Forbidden("admins cannot change the owner"));
    }
    if member.id == caller.user_id && caller.role == Role::Owner {
        return Err(AppError::conflict(
            "owner_required",
            "the owner keeps the role until ownership is transferred to another member",
        ));
    }
    let kind = if role == Role::Owner {
        require(
            caller,
            &[Role::Owner],
            "only the owner can transfer ownership",
        )?;
        // Demote first: the partial unique index allows one owner at a time.
        tx.users(&caller.scope)
            .update(
                caller.user_id,
                &UserUpdate {
                    role: Some(Role::Admin),
                    ..UserUpdate::default()
                },
            )
            .await?;
        AuthEventKind::OwnershipTransfer
    } else {
        AuthEventKind::RoleChange
    };
    let updated = tx
        .users(&caller.scope)
        .update(
            member_id,
            &UserUpdate {
                role: Some(role),
                ..UserUpdate::default()
            },
        )
        .await?;
    let event = AuditEvent {
        actor: Some(caller.user_id),
        detail: Some(json!({"from": member.role, "to": role})),
        ..AuditEvent::about(&updated)
    };
    audit(&mut tx, kind, event, meta).await?;
    tx.commit().await?;
    Ok(updated)
}

/// Soft-deletes a member and revokes its sessions in one transaction.
pub async fn remove_member(
    db: &Db,
    caller: &Caller,
    member_id: UserId,
    meta: &ClientMeta,
) -> Result<(), AppError> {
    require(
        caller,
        MANAGERS,
        "only the owner or an admin can remove members",
    )?;
    let mut tx = db.begin().await?;
    let member = tx.users(&caller.scope).get(member_id).await?;
    if member.role == Role::Owner {
        return Err(AppError::Forbidden(
            "the owner cannot be removed; transfer ownership first",
        ));
    }
    let now = Timestamp::now();
    tx.users(&caller.scope).soft_delete(member_id, now).await?;
    tx.sessions().revoke_all_for_user(member_id, now).await?;
    let event = AuditEvent {
        actor: Some(caller.user_id),
        ..AuditEvent::about(&member)
    };
    audit(&mut tx, AuthEventKind::MemberRemoved, event, meta).await?;
    tx.commit().await?;
    Ok(())
}

/// Stores the OpusClip API key encrypted, bound to this organization.
pub async fn set_opusclip_key(
    db: &Db,
    key: &MasterKey,
    caller: &Caller,
    api_key: &str,
    meta: &ClientMeta,
) -> Result<(), AppError> {
    require(caller, MANAGERS, CONFIGURE_INTEGRATIONS)?;
    super::account::require_verified(db, caller).await?;
    let api_key = api_key.trim();
    validate::line("api_key", api_key)?;
    if api_key.is_empty() || api_key.len() > 512 {
        return Err(AppError::invalid("api_key", "must be 1 to 512 characters"));
    }
    let org_id = caller.scope.organization_id();
    let ciphertext = key.encrypt(api_key.as_bytes(), org_id.0.as_bytes());
    store_opusclip_key(db, caller, Some(&ciphertext), meta).await
}

pub async fn remove_opusclip_key(
    db: &Db,
    caller: &Caller,
    meta: &ClientMeta,
) -> Result<(), AppError> {
    require(caller, MANAGERS, CONFIGURE_INTEGRATIONS)?;
    store_opusclip_key(db, caller, None, meta).await
}

/// Sets (`Some`) or removes (`None`) the key's ciphertext and audits which it was, in one
/// transaction: setting and removing differ only in the value and the event.
async fn store_opusclip_key(
    db: &Db,
    caller: &Caller,
    ciphertext: Option<&[u8]>,
    meta: &ClientMeta,
) -> Result<(), AppError> {
    let kind = match ciphertext {
        Some(_) => AuthEventKind::OpusclipKeySet,
        None => AuthEventKind::OpusclipKeyRemoved,
    };
    let mut tx = db.begin().await?;
    tx.organization(&caller.scope)
        .set_opusclip_key_ciphertext(ciphertext)
        .await?;
    audit(&mut tx, kind, AuditEvent::of(caller), meta).await?;
    tx.commit().await?;
    Ok(())
}
