//! Row streams for what signing in leaves behind: sessions and the auth_events trail, and
//! the account mail: email_tokens and mail_outbox.
//!
//! Fixed counts per user, so the totals are known before the load (progress bars, and the
//! seed's tests): [`SESSIONS_PER_USER`] sessions over the last two months,
//! [`EVENTS_PER_USER`] events: joining (signup for the owner, member_added for the others),
//! sign-ins, and one failed sign-in; and [`MAILS_PER_USER`] mailed links, each a token and
//! its message: the email verification followed when the user joined (seeded users are
//! verified) and a password reset, half of them spent; and [`INVITATIONS_PER_USER`]
//! invitation: each member's own, sent by the owner and accepted when the member joined, and
//! for each owner one still pending to an address that has not joined. Each stream has its
//! own PRNG, so these tables do not reshuffle the others.

use std::sync::Arc;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, RngExt};
use sha2::{Digest, Sha256};

use super::rows::Rows;
use super::value::{DAY, HOUR, MINUTE, Micros, SECOND, Value};
use super::world::{self, Org, Stream, User, World, pick, uuid_at};

pub const SESSIONS_PER_USER: u64 = 2;
pub const EVENTS_PER_USER: u64 = 5;
pub const MAILS_PER_USER: u64 = 2;
pub const INVITATIONS_PER_USER: u64 = 1;

/// How long an invitation works (the server's default).
const INVITATION_LIFETIME: Micros = 7 * DAY;

/// How long the mailed links work (the server's lifetimes).
const VERIFICATION_LIFETIME: Micros = 48 * HOUR;
const RESET_LIFETIME: Micros = HOUR;

/// How long a session lives (the server's absolute expiry is of this order).
const SESSION_LIFETIME: Micros = 30 * DAY;

const USER_AGENTS: &[&str] = &[
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "renum-react/1.4.2",
];

/// Walks every user of every organization, `per_user` rows each.
struct UserRows {
    world: Arc<World>,
    rng: Xoshiro256PlusPlus,
    per_user: u64,
    org: usize,
    user: usize,
    done: u64,
}

impl UserRows {
    fn new(world: Arc<World>, seed: u64, stream: Stream, per_user: u64) -> Self {
        UserRows {
            world,
            rng: world::rng(seed, stream),
            per_user,
            org: 0,
            user: 0,
            done: 0,
        }
    }

    /// The organization and user of the next row and its index among the user's rows.
    fn next(&mut self) -> Option<(usize, usize, u64)> {
        let orgs = &self.world.orgs;
        while self.org < orgs.len() {
            if self.user < orgs[self.org].users.len() {
                if self.done < self.per_user {
                    self.done += 1;
                    return Some((self.org, self.user, self.done - 1));
                }
                self.user += 1;
                self.done = 0;
                continue;
            }
            self.org += 1;
            self.user = 0;
        }
        None
    }
}

/// One row of a per-user stream: the `k`th row of user `u` of organization `o`.
type RowFn = fn(&mut Xoshiro256PlusPlus, &World, usize, usize, u64, &mut Vec<Value>);

/// A stream of rows per user: [`UserRows`] walks the users, `make` spells each row.
pub struct PerUser {
    users: UserRows,
    make: RowFn,
}

impl PerUser {
    fn new(world: Arc<World>, seed: u64, stream: Stream, per_user: u64, make: RowFn) -> Self {
        PerUser {
            users: UserRows::new(world, seed, stream, per_user),
            make,
        }
    }
}

impl Rows for PerUser {
    fn next_row(&mut self, row: &mut Vec<Value>) -> bool {
        let Some((o, u, k)) = self.users.next() else {
            return false;
        };
        (self.make)(&mut self.users.rng, &self.users.world, o, u, k, row);
        true
    }
}

/// Rows of a stream in total.
pub fn total(world: &World, per_user: u64) -> u64 {
    world.orgs.iter().map(|o| o.users.len() as u64).sum::<u64>() * per_user
}

/// A plausible client address: mostly IPv4, some IPv6 (documentation ranges).
fn ip(rng: &mut Xoshiro256PlusPlus) -> Value {
    Value::Text(if rng.random_ratio(1, 5) {
        format!(
            "2001:db8:{:x}::{:x}",
            rng.random::<u16>(),
            rng.random::<u16>()
        )
    } else {
        format!("198.51.{}.{}", rng.random::<u8>(), rng.random_range(1..255))
    })
}

/// A time in `[from, to)`, or `from` when the span is empty.
fn between(rng: &mut Xoshiro256PlusPlus, from: Micros, to: Micros) -> Micros {
    if to > from {
        rng.random_range(from..to)
    } else {
        from
    }
}

pub fn sessions(world: Arc<World>, seed: u64) -> PerUser {
    PerUser::new(
        world,
        seed,
        Stream::Sessions,
        SESSIONS_PER_USER,
        sessions_row,
    )
}

fn sessions_row(
    rng: &mut Xoshiro256PlusPlus,
    world: &World,
    o: usize,
    u: usize,
    _: u64,
    row: &mut Vec<Value>,
) {
    let user: &User = &world.orgs[o].users[u];
    let end = user.deleted_at.unwrap_or(world.anchor);
    let created_at = between(rng, (end - 60 * DAY).max(user.created_at), end);
    let expires_at = created_at + SESSION_LIFETIME;
    let last_seen_at = between(
        rng,
        created_at,
        expires_at.min(world.anchor).max(created_at),
    );
    // A removed member's sessions were revoked with the removal; some others signed out.
    let revoked_at = user
        .deleted_at
        .or_else(|| rng.random_ratio(1, 4).then_some(last_seen_at + MINUTE));
    let mut token_hash = vec![0u8; 32];
    rng.fill_bytes(&mut token_hash);
    row.extend([
        Value::Uuid(uuid_at(rng, created_at)),
        Value::Uuid(user.id),
        Value::Bytes(token_hash),
        Value::Time(expires_at),
        Value::Time(last_seen_at),
        Value::opt_time(revoked_at),
        ip(rng),
        Value::Str(pick(rng, USER_AGENTS)),
        Value::Time(created_at),
    ]);
}

pub fn auth_events(world: Arc<World>, seed: u64) -> PerUser {
    PerUser::new(
        world,
        seed,
        Stream::AuthEvents,
        EVENTS_PER_USER,
        auth_events_row,
    )
}

fn auth_events_row(
    rng: &mut Xoshiro256PlusPlus,
    world: &World,
    o: usize,
    u: usize,
    k: u64,
    row: &mut Vec<Value>,
) {
    let org: &Org = &world.orgs[o];
    let user = &org.users[u];
    let owner = &org.users[0];
    let end = user.deleted_at.unwrap_or(world.anchor);
    let (kind, actor, created_at) = match k {
        0 if u == 0 => ("signup", None, user.created_at),
        0 => ("member_added", Some(owner.id), user.created_at),
        1 => ("signin_failure", None, between(rng, user.created_at, end)),
        _ => ("signin_success", None, between(rng, user.created_at, end)),
    };
    // Failed sign-ins carry the typed email's hash (the per-account throttle's key).
    let email_hash = (kind == "signin_failure")
        .then(|| Value::Bytes(Sha256::digest(user.email.as_bytes()).to_vec()));
    row.extend([
        Value::Uuid(uuid_at(rng, created_at)),
        Value::Uuid(org.id),
        Value::Uuid(user.id),
        Value::opt_uuid(actor),
        Value::Str(kind),
        email_hash.unwrap_or(Value::Null),
        ip(rng),
        Value::Null,
        Value::Time(created_at),
    ]);
}

/// The `k`th mailed link of a user: its purpose, when it was mailed, and when it was spent.
/// The verification link was followed when the user joined (`users.email_verified_at`); a
/// reset link was followed minutes later, or never.
fn mailed_link(rng: &mut Xoshiro256PlusPlus, user: &User, end: Micros, k: u64) -> MailedLink {
    if k == 0 {
        return MailedLink {
            purpose: "email_verification",
            subject: "Confirm your email address for renum",
            created_at: user.created_at,
            lifetime: VERIFICATION_LIFETIME,
            used_at: Some(user.created_at),
        };
    }
    let created_at = between(rng, user.created_at, end);
    MailedLink {
        purpose: "password_reset",
        subject: "Reset your renum password",
        created_at,
        lifetime: RESET_LIFETIME,
        used_at: rng
            .random_ratio(1, 2)
            .then(|| created_at + rng.random_range(MINUTE..RESET_LIFETIME)),
    }
}

struct MailedLink {
    purpose: &'static str,
    subject: &'static str,
    created_at: Micros,
    lifetime: Micros,
    used_at: Option<Micros>,
}

pub fn email_tokens(world: Arc<World>, seed: u64) -> PerUser {
    PerUser::new(
        world,
        seed,
        Stream::EmailTokens,
        MAILS_PER_USER,
        email_tokens_row,
    )
}

fn email_tokens_row(
    rng: &mut Xoshiro256PlusPlus,
    world: &World,
    o: usize,
    u: usize,
    k: u64,
    row: &mut Vec<Value>,
) {
    let user = &world.orgs[o].users[u];
    let link = mailed_link(rng, user, user.deleted_at.unwrap_or(world.anchor), k);
    let mut token_hash = vec![0u8; 32];
    rng.fill_bytes(&mut token_hash);
    row.extend([
        Value::Uuid(uuid_at(rng, link.created_at)),
        Value::Uuid(user.id),
        Value::Str(link.purpose),
        Value::Bytes(token_hash),
        Value::Time(link.created_at + link.lifetime),
        Value::opt_time(link.used_at),
        Value::Time(link.created_at),
    ]);
}

/// The messages of the mailed links, all delivered at the first attempt: their bodies were
/// cleared once sent, as the sender does.
pub fn mail_outbox(world: Arc<World>, seed: u64) -> PerUser {
    PerUser::new(
        world,
        seed,
        Stream::MailOutbox,
        MAILS_PER_USER,
        mail_outbox_row,
    )
}

fn mail_outbox_row(
    rng: &mut Xoshiro256PlusPlus,
    world: &World,
    o: usize,
    u: usize,
    k: u64,
    row: &mut Vec<Value>,
) {
    let user = &world.orgs[o].users[u];
    let link = mailed_link(rng, user, user.deleted_at.unwrap_or(world.anchor), k);
    let sent_at = link.created_at + rng.random_range(SECOND..30 * SECOND);
    row.extend([
        Value::Uuid(uuid_at(rng, link.created_at)),
        Value::Str(link.purpose),
        Value::Text(user.email.clone()),
        Value::Str(link.subject),
        Value::Str(""),
        Value::Str(""),
        Value::Str("sent"),
        Value::Int(1),
        Value::Time(link.created_at),
        Value::Null,
        Value::Null,
        Value::Null,
        Value::Time(sent_at),
        Value::Time(link.created_at),
    ]);
}

/// Invitations: a member's own (accepted when it joined), or for the owner, who signed up, one
/// pending to an address that has not joined yet.
pub fn invitations(world: Arc<World>, seed: u64) -> PerUser {
    PerUser::new(
        world,
        seed,
        Stream::Invitations,
        INVITATIONS_PER_USER,
        invitations_row,
    )
}

fn invitations_row(
    rng: &mut Xoshiro256PlusPlus,
    world: &World,
    o: usize,
    u: usize,
    _: u64,
    row: &mut Vec<Value>,
) {
    let org: &Org = &world.orgs[o];
    let user = &org.users[u];
    let owner = &org.users[0];
    let (email, role, created_at, accepted_at) = if u == 0 {
        let created_at = between(
            rng,
            (world.anchor - 3 * DAY).max(org.created_at),
            world.anchor,
        );
        (
            format!("invited.{o}@example.org"),
            "member",
            created_at,
            None,
        )
    } else {
        let created_at = between(
            rng,
            (user.created_at - 2 * DAY).max(org.created_at),
            user.created_at,
        );
        (
            user.email.clone(),
            user.role,
            created_at,
            Some(user.created_at),
        )
    };
    let mut token_hash = vec![0u8; 32];
    rng.fill_bytes(&mut token_hash);
    row.extend([
        Value::Uuid(uuid_at(rng, created_at)),
        Value::Uuid(org.id),
        Value::Text(email),
        Value::Str(role),
        Value::Uuid(owner.id),
        Value::Bytes(token_hash),
        Value::Time(created_at + INVITATION_LIFETIME),
        Value::opt_time(accepted_at),
        Value::Null,
        Value::Time(created_at),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::Sizes;

    #[test]
    fn every_user_gets_its_sessions_and_events_with_distinct_token_hashes() {
        let sizes = Sizes {
            organizations: 3,
            users_per_org: 4,
            videos_per_org: 0,
            posts_per_video: 0,
            api_logs: 0,
        };
        let world = Arc::new(World::build(&sizes, 7, 20_000 * DAY, false));
        let drain = |mut rows: Box<dyn Rows>| {
            let mut out = Vec::new();
            let mut row = Vec::new();
            while rows.next_row(&mut row) {
                out.push(std::mem::take(&mut row));
            }
            out
        };
        let sessions = drain(Box::new(sessions(world.clone(), 7)));
        assert_eq!(sessions.len() as u64, total(&world, SESSIONS_PER_USER));
        assert_eq!(sessions.len(), 3 * 4 * 2);
        let hashes: std::collections::HashSet<Vec<u8>> = sessions
            .iter()
            .map(|r| match &r[2] {
                Value::Bytes(b) => b.clone(),
                other => panic!("token_hash is bytes: {other:?}"),
            })
            .collect();
        assert_eq!(hashes.len(), sessions.len());
        assert!(sessions.iter().all(|r| match (&r[4], &r[8]) {
            (Value::Time(seen), Value::Time(created)) => seen >= created,
            _ => false,
        }));

        let events = drain(Box::new(auth_events(world.clone(), 7)));
        assert_eq!(events.len() as u64, total(&world, EVENTS_PER_USER));
        let kinds = |kind: &'static str| events.iter().filter(|r| r[4] == Value::Str(kind)).count();
        assert_eq!(kinds("signup"), 3);
        assert_eq!(kinds("member_added"), 3 * 3);
        assert_eq!(kinds("signin_failure"), 3 * 4);

        // Each user's two links: the verification, spent when the user joined, and a reset.
        let tokens = drain(Box::new(email_tokens(world.clone(), 7)));
        let mails = drain(Box::new(mail_outbox(world.clone(), 7)));
        assert_eq!(tokens.len() as u64, total(&world, MAILS_PER_USER));
        assert_eq!(mails.len(), tokens.len());
        let verifications = tokens
            .iter()
            .filter(|r| r[2] == Value::Str("email_verification"))
            .collect::<Vec<_>>();
        assert_eq!(verifications.len(), 3 * 4);
        assert!(verifications.iter().all(|r| r[5] == r[6]));
        assert!(mails.iter().all(|r| r[6] == Value::Str("sent")));

        // One invitation per user: each member's, accepted; each owner's, pending.
        let invitations = drain(Box::new(invitations(world.clone(), 7)));
        assert_eq!(
            invitations.len() as u64,
            total(&world, INVITATIONS_PER_USER)
        );
        let pending = invitations.iter().filter(|r| r[7] == Value::Null).count();
        assert_eq!(pending, 3);
        assert!(invitations.iter().all(|r| r[3] != Value::Str("owner")));
    }
}
