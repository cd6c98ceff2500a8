//! Invitations: an owner or admin invites an address with a role; the invitee follows the
//! mailed single-use link and creates their own account, with their own password.
//!
//! Inviting never looks at whether an account uses the address, here or in any other
//! organization: the answer is the same either way, so the route is no oracle of who has an
//! account. A clash is found only at acceptance, by the holder of the mailbox.

use renum_db::enums::{AuthEventKind, Role};
use renum_db::ids::{InvitationId, UserId};
use renum_db::models::{InvitationInsert, InvitationRow, Page, UserInsert, UserRow};
use renum_db::sql_types::Timestamp;
use renum_db::{Access, Conn, OrgScope};
use serde_json::json;

use super::{AccountService, invalid_token, later};
use crate::app::auth::{AuditEvent, Auth, Caller, ClientMeta, SignedIn, audit};
use crate::app::organization::{MANAGERS, require};
use crate::app::{AppError, passwords, tokens, validate};
use crate::mail::INVITATION;

/// The page of the web app an invitation link opens.
const ACCEPT_PAGE: &str = "accept-invitation";

pub struct NewInvitation {
    pub email: String,
    pub role: Role,
}

pub struct Acceptance {
    pub token: String,
    pub password: String,
    pub full_name: String,
}

impl AccountService {
    /// `POST /v1/organization/invitations`: stores the invitation (revoking the address's
    /// pending one) and enqueues its mail in one transaction. Owner or admin with a verified
    /// address, like adding a member; throttled per inviter.
    pub async fn invite(
        &self,
        caller: &Caller,
        new: NewInvitation,
        meta: &ClientMeta,
    ) -> Result<InvitationRow, AppError> {
        require(
            caller,
            MANAGERS,
            "only the owner or an admin can invite members",
        )?;
        if new.role == Role::Owner {
            return Err(AppError::invalid(
                "role",
                "a new member cannot be the owner; transfer ownership instead",
            ));
        }
        let email = validate::email(&new.email)?;
        super::require_verified(&self.db, caller).await?;
        self.invite_user.check(&caller.user_id)?;
        let now = Timestamp::now();
        let (token, token_hash) = tokens::generate();
        let mut tx = self.db.begin().await?;
        let inviter = tx.users(&caller.scope).get(caller.user_id).await?;
        let organization = tx.organization(&caller.scope).get().await?;
        tx.invitations(&caller.scope).supersede(&email, now).await?;
        let invitation = tx
            .invitations(&caller.scope)
            .insert(&InvitationInsert {
                id: InvitationId::new(),
                email,
                role: new.role,
                invited_by: caller.user_id,
                token_hash,
                expires_at: later(now, self.config.invitation_lifetime),
            })
            .await?;
        let link = self.config.links.to(ACCEPT_PAGE, &token);
        let mail = INVITATION.render(
            &invitation.email,
            &[
                ("inviter", &inviter.full_name),
                ("organization", &organization.name),
                ("role", invitation.role.as_str()),
                ("link", &link),
            ],
        );
        tx.mail_outbox().enqueue(&mail).await?;
        // About no user yet: the address is kept as its hash, like a failed sign-in's.
        let event = AuditEvent {
            organization_id: Some(caller.scope.organization_id()),
            actor: Some(caller.user_id),
            email: Some(&invitation.email),
            detail: Some(json!({"invitation_id": invitation.id, "role": invitation.role})),
            ..AuditEvent::default()
        };
        audit(&mut tx, AuthEventKind::InvitationSent, event, meta).await?;
        tx.commit().await?;
        Ok(invitation)
    }

    /// `GET /v1/organization/invitations`: pending, unexpired invitations, oldest first.
    pub async fn invitations(
        &self,
        conn: &mut Conn,
        caller: &Caller,
        after: Option<(Timestamp, InvitationId)>,
        limit: i64,
    ) -> Result<Page<InvitationRow, (Timestamp, InvitationId)>, AppError> {
        require(
            caller,
            MANAGERS,
            "only the owner or an admin can see invitations",
        )?;
        Ok(conn
            .invitations(&caller.scope)
            .list_pending(Timestamp::now(), after, limit)
            .await?)
    }

    /// `DELETE /v1/organization/invitations/{id}`: its link stops working; 404 when the
    /// organization has no such pending invitation.
    pub async fn revoke_invitation(
        &self,
        caller: &Caller,
        id: InvitationId,
        meta: &ClientMeta,
    ) -> Result<(), AppError> {
        require(
            caller,
            MANAGERS,
            "only the owner or an admin can revoke invitations",
        )?;
        let mut tx = self.db.begin().await?;
        tx.invitations(&caller.scope)
            .revoke(id, Timestamp::now())
            .await?;
        let event = AuditEvent {
            organization_id: Some(caller.scope.organization_id()),
            actor: Some(caller.user_id),
            detail: Some(json!({"invitation_id": id})),
            ..AuditEvent::default()
        };
        audit(&mut tx, AuthEventKind::InvitationRevoked, event, meta).await?;
        tx.commit().await?;
        Ok(())
    }

    /// `POST /v1/invitations/accept`: spends the invitation, creates the member with its role
    /// and a verified address (following the link proved the mailbox), and signs them in, in
    /// one transaction. A used, revoked, superseded, expired or unknown token is refused with
    /// one answer; an address that already has an account is refused without spending it.
    pub async fn accept_invitation(
        &self,
        auth: &Auth,
        acceptance: Acceptance,
        meta: &ClientMeta,
    ) -> Result<SignedIn, AppError> {
        if let Some(ip) = meta.ip {
            self.confirm_ip.check(ip)?;
        }
        passwords::check_policy("password", &acceptance.password)?;
        let full_name = validate::name("full_name", &acceptance.full_name, 200)?;
        if !tokens::well_formed(&acceptance.token) {
            return Err(invalid_token());
        }
        let password_hash = self.hasher.hash(acceptance.password).await?;
        let now = Timestamp::now();
        let mut tx = self.db.begin().await?;
        let invitation = tx
            .invitation_tokens()
            .accept(&tokens::hash(&acceptance.token), now)
            .await?
            .ok_or_else(invalid_token)?;
        // The token is a bearer credential for joining this one organization.
        let scope = OrgScope::trusted(invitation.organization_id);
        let inserted = tx
            .users(&scope)
            .insert(&UserInsert {
                id: UserId::new(),
                email: invitation.email.clone(),
                password_hash,
                full_name,
                role: invitation.role,
            })
            .await;
        let user = match inserted {
            Err(err) if err.constraint() == Some("users_email_key") => {
                return Err(AppError::conflict(
                    "email_taken",
                    "an account already uses this email address: sign in to it instead",
                ));
            }
            other => other?,
        };
        tx.users(&scope).set_email_verified(user.id, now).await?;
        let organization = tx.organization(&scope).get().await?;
        let session = auth.issue_session(&mut tx, &user, meta, now).await?;
        let event = AuditEvent {
            actor: Some(invitation.invited_by),
            detail: Some(json!({"role": user.role, "invitation_id": invitation.id})),
            ..AuditEvent::about(&user)
        };
        audit(&mut tx, AuthEventKind::MemberAdded, event, meta).await?;
        tx.commit().await?;
        Ok(SignedIn {
            user: UserRow {
                email_verified_at: Some(now),
                ..user
            },
            organization,
            session,
        })
    }
}
