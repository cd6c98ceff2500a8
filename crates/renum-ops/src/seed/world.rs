//! The tenants of a seeded database, built in memory from the seed: organizations with
//! their users, videos (sources and the clips cut from them) and clip projects.
//!
//! Everything is drawn from one PRNG stream in a fixed order, and ids are UUIDv7 built from
//! each row's own timestamp plus PRNG bytes, so the same seed and anchor give the same rows,
//! ids included. Posts and api_logs are too many to hold; `rows` streams them from here.

use std::collections::HashSet;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, RngExt, SeedableRng};
use uuid::Uuid;

use super::Sizes;
use super::value::{DAY, HOUR, MINUTE, Micros, SECOND};
use super::words;

/// The organization and owner a `--demo` database signs in with.
pub const DEMO_ORG_NAME: &str = "Renum Demo";
pub const DEMO_ORG_SLUG: &str = "renum-demo";
pub const DEMO_EMAIL: &str = "demo@renum.example";

/// Independent PRNG streams, so adding a column to one table does not reshuffle another.
#[derive(Clone, Copy)]
pub enum Stream {
    World = 1,
    Password = 2,
    Posts = 3,
    ApiLogs = 4,
    Sessions = 5,
    AuthEvents = 6,
    EmailTokens = 7,
    MailOutbox = 8,
    Invitations = 9,
}

pub fn rng(seed: u64, stream: Stream) -> Xoshiro256PlusPlus {
    rng_part(seed, stream, 0)
}

/// Part `part` of a stream that is generated in several independent stretches.
pub fn rng_part(seed: u64, stream: Stream, part: u64) -> Xoshiro256PlusPlus {
    let tag = stream as u64 | part << 8;
    Xoshiro256PlusPlus::seed_from_u64(seed ^ tag.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// A UUIDv7 for a row created at `at`: deterministic, and time-ordered like production ids.
pub fn uuid_at(rng: &mut impl Rng, at: Micros) -> Uuid {
    let mut bytes = [0u8; 10];
    rng.fill_bytes(&mut bytes);
    uuid::Builder::from_unix_timestamp_millis((at / 1000) as u64, &bytes).into_uuid()
}

/// Picks from `(value, weight)` pairs.
pub fn weighted<T: Copy>(rng: &mut impl Rng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (value, weight) in choices {
        if roll < *weight {
            return *value;
        }
        roll -= weight;
    }
    unreachable!("roll < total")
}

pub fn pick<T: Copy>(rng: &mut impl Rng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

pub struct World {
    /// Midnight UTC of the anchor day: the data ends there.
    pub anchor: Micros,
    pub orgs: Vec<Org>,
}

pub struct Org {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub plan: &'static str,
    pub created_at: Micros,
    pub users: Vec<User>,
    pub videos: Vec<Video>,
    pub projects: Vec<ClipProject>,
    /// Indexes into `videos` of the ones posts can be made of (ready or posted).
    pub postable: Vec<usize>,
}

pub struct User {
    pub id: Uuid,
    pub email: String,
    pub full_name: String,
    pub role: &'static str,
    pub last_login_at: Option<Micros>,
    pub created_at: Micros,
    pub deleted_at: Option<Micros>,
}

pub struct Video {
    pub id: Uuid,
    pub user: usize,
    pub title: String,
    pub script: Option<String>,
    pub status: &'static str,
    pub module_type: &'static str,
    pub duration_seconds: f64,
    pub size_bytes: i64,
    pub captions: Option<String>,
    pub parent: Option<Uuid>,
    pub opusclip_clip_id: Option<String>,
    pub score: Option<f64>,
    pub created_at: Micros,
    pub updated_at: Micros,
}

pub struct ClipProject {
    pub id: Uuid,
    pub video_id: Uuid,
    pub opusclip_project_id: String,
    pub stage: &'static str,
    pub status: &'static str,
    pub options: String,
    pub attempts: i64,
    pub next_poll_at: Option<Micros>,
    pub last_error: Option<&'static str>,
    pub completed_at: Option<Micros>,
    pub created_at: Micros,
    pub updated_at: Micros,
}

impl World {
    pub fn build(sizes: &Sizes, seed: u64, anchor: Micros, demo: bool) -> World {
        let mut rng = rng(seed, Stream::World);
        let mut slugs = HashSet::new();
        slugs.insert(DEMO_ORG_SLUG.to_owned());
        let mut counters = Counters::default();
        let orgs = (0..sizes.organizations)
            .map(|i| {
                let demo_org = demo && i == 0;
                build_org(&mut rng, sizes, anchor, demo_org, &mut slugs, &mut counters)
            })
            .collect();
        World { anchor, orgs }
    }

    /// The account the closing report offers for signing in: the first organization's owner.
    pub fn login_email(&self) -> &str {
        &self.orgs[0].users[0].email
    }
}

/// Sequence numbers behind provider ids, which must be unique across the whole database.
#[derive(Default)]
struct Counters {
    clips: u64,
    projects: u64,
}

fn build_org(
    rng: &mut Xoshiro256PlusPlus,
    sizes: &Sizes,
    anchor: Micros,
    demo: bool,
    slugs: &mut HashSet<String>,
    counters: &mut Counters,
) -> Org {
    // Organizations signed up 13-14 months before the anchor; their year of activity follows.
    let created_at = anchor - 425 * DAY + rng.random_range(0..30 * DAY);
    let (name, slug) = if demo {
        (DEMO_ORG_NAME.to_owned(), DEMO_ORG_SLUG.to_owned())
    } else {
        org_name(rng, slugs)
    };
    let plan = if demo {
        "pro"
    } else {
        weighted(rng, &[("free", 50), ("starter", 30), ("pro", 20)])
    };
    let users = build_users(rng, sizes.users_per_org, &slug, created_at, anchor, demo);
    let mut org = Org {
        id: uuid_at(rng, created_at),
        name,
        slug,
        plan,
        created_at,
        users,
        videos: Vec::new(),
        projects: Vec::new(),
        postable: Vec::new(),
    };
    build_videos(
        rng,
        &mut org,
        sizes.videos_per_org as usize,
        anchor,
        counters,
    );
    org.postable = (0..org.videos.len())
        .filter(|&i| matches!(org.videos[i].status, "ready" | "posted"))
        .collect();
    org
}

/// "Bright Harbor Media" / "bright-harbor-media"; a number is appended on a collision.
fn org_name(rng: &mut Xoshiro256PlusPlus, slugs: &mut HashSet<String>) -> (String, String) {
    let name = format!(
        "{} {} {}",
        pick(rng, words::ORG_FIRST),
        pick(rng, words::ORG_SECOND),
        pick(rng, words::ORG_SUFFIX)
    );
    let base = name.to_lowercase().replace(' ', "-");
    let mut slug = base.clone();
    let mut n = 1;
    while !slugs.insert(slug.clone()) {
        n += 1;
        slug = format!("{base}-{n}");
    }
    let name = if n == 1 { name } else { format!("{name} {n}") };
    (name, slug)
}

fn build_users(
    rng: &mut Xoshiro256PlusPlus,
    count: u32,
    slug: &str,
    org_created_at: Micros,
    anchor: Micros,
    demo: bool,
) -> Vec<User> {
    let admins = if count > 1 { (count / 5).max(1) } else { 0 };
    let mut locals = HashSet::new();
    (0..count)
        .map(|i| {
            let first = pick(rng, words::FIRST_NAMES);
            let last = pick(rng, words::LAST_NAMES);
            let full_name = format!("{first} {last}");
            let base = format!("{}.{}", first.to_lowercase(), last.to_lowercase());
            let mut local = base.clone();
            let mut n = 1;
            while !locals.insert(local.clone()) {
                n += 1;
                local = format!("{base}{n}");
            }
            let (email, full_name) = if demo && i == 0 {
                (DEMO_EMAIL.to_owned(), "Demo Owner".to_owned())
            } else {
                (format!("{local}@{slug}.example"), full_name)
            };
            let role = match i {
                0 => "owner",
                i if i <= admins => "admin",
                _ => "member",
            };
            let created_at = if i == 0 {
                org_created_at + SECOND
            } else {
                org_created_at + rng.random_range(HOUR..30 * DAY)
            };
            // Members leave now and then; the owner never does (one live owner per org).
            let deleted_at = (role == "member" && rng.random_ratio(3, 100))
                .then(|| anchor - rng.random_range(DAY..200 * DAY));
            let last_login_at = (deleted_at.is_none() && rng.random_ratio(85, 100))
                .then(|| anchor - rng.random_range(MINUTE..30 * DAY));
            User {
                id: uuid_at(rng, created_at),
                email,
                full_name,
                role,
                last_login_at,
                created_at,
                deleted_at,
            }
        })
        .collect()
}

/// Source videos spread over the year before the anchor; each ready source has a handful of
/// clips cut from it and the completed clip project that produced them.
fn build_videos(
    rng: &mut Xoshiro256PlusPlus,
    org: &mut Org,
    count: usize,
    anchor: Micros,
    counters: &mut Counters,
) {
    while org.videos.len() < count {
        let first = org.videos.is_empty();
        let created_at = anchor - rng.random_range(2 * DAY..365 * DAY);
        let module_type = weighted(rng, &[("upload", 60), ("research", 25), ("avatar", 15)]);
        let status = if first {
            "ready"
        } else {
            weighted(
                rng,
                &[
                    ("ready", 45),
                    ("posted", 40),
                    ("processing", 5),
                    ("failed", 4),
                    ("draft", 6),
                ],
            )
        };
        let user = rng.random_range(0..org.users.len());
        let duration_seconds = f64::from(rng.random_range(1200_i32..36_000)) / 10.0;
        let processed_at = created_at + rng.random_range(2 * MINUTE..2 * HOUR);
        let script = (module_type != "upload").then(|| {
            (0..rng.random_range(3..6))
                .map(|_| pick(rng, words::SCRIPT_SENTENCES))
                .collect::<Vec<_>>()
                .join(" ")
        });
        let source = Video {
            id: uuid_at(rng, created_at),
            user,
            title: format!(
                "{}: {}",
                pick(rng, words::TOPICS),
                pick(rng, words::SUBJECTS)
            ),
            script,
            status,
            module_type,
            duration_seconds,
            size_bytes: (duration_seconds * rng.random_range(400_000.0..2_500_000.0)) as i64,
            captions: None,
            parent: None,
            opusclip_clip_id: None,
            score: None,
            created_at,
            updated_at: if status == "draft" {
                created_at
            } else {
                processed_at
            },
        };
        let source_id = source.id;
        let source_title = source.title.clone();
        org.videos.push(source);

        let clip_room = count - org.videos.len();
        let project_at = processed_at + rng.random_range(MINUTE..HOUR);
        match status {
            "ready" | "posted" if clip_room > 0 => {
                let clips = rng.random_range(3..=8).min(clip_room);
                let mut at = project_at + rng.random_range(10 * MINUTE..90 * MINUTE);
                for c in 0..clips {
                    at += rng.random_range(SECOND..5 * MINUTE);
                    let video = build_clip(rng, source_id, &source_title, c, user, at, counters);
                    org.videos.push(video);
                }
                org.projects.push(build_project(
                    rng,
                    source_id,
                    "completed",
                    project_at,
                    at,
                    counters,
                ));
            }
            "processing" => {
                let project =
                    build_project(rng, source_id, "processing", project_at, anchor, counters);
                org.projects.push(project);
            }
            "failed" => {
                let done = project_at + rng.random_range(HOUR..24 * HOUR);
                org.projects.push(build_project(
                    rng, source_id, "failed", project_at, done, counters,
                ));
            }
            _ => {}
        }
    }
}

fn build_clip(
    rng: &mut Xoshiro256PlusPlus,
    parent: Uuid,
    parent_title: &str,
    index: usize,
    user: usize,
    created_at: Micros,
    counters: &mut Counters,
) -> Video {
    counters.clips += 1;
    let duration_seconds = f64::from(rng.random_range(150_i32..900)) / 10.0;
    let segments: Vec<String> = (0..rng.random_range(2..4))
        .map(|s| {
            format!(
                r#"{{"start":{:.1},"end":{:.1},"text":"{}"}}"#,
                f64::from(s) * 2.5,
                f64::from(s) * 2.5 + 2.4,
                pick(rng, words::CAPTION_LINES)
            )
        })
        .collect();
    Video {
        id: uuid_at(rng, created_at),
        user,
        title: format!(
            "{} ({}, clip {})",
            pick(rng, words::HOOKS),
            parent_title,
            index + 1
        ),
        script: None,
        status: weighted(rng, &[("ready", 55), ("posted", 45)]),
        module_type: "clip",
        duration_seconds,
        size_bytes: (duration_seconds * rng.random_range(300_000.0..900_000.0)) as i64,
        captions: Some(format!("[{}]", segments.join(","))),
        parent: Some(parent),
        // Spread the sequence over the id space so ids look like the provider's, uniquely.
        opusclip_clip_id: Some(format!("{:016x}", scramble(counters.clips))),
        score: Some(f64::from(rng.random_range(400_i32..1000)) / 10.0),
        created_at,
        updated_at: created_at,
    }
}

fn build_project(
    rng: &mut Xoshiro256PlusPlus,
    video_id: Uuid,
    status: &'static str,
    created_at: Micros,
    until: Micros,
    counters: &mut Counters,
) -> ClipProject {
    counters.projects += 1;
    let (stage, next_poll_at, last_error, completed_at) = match status {
        "completed" => ("COMPLETE", None, None, Some(until)),
        "processing" => (
            weighted(rng, &[("QUEUED", 1), ("IMPORT", 2), ("CLIP", 3)]),
            Some(until + rng.random_range(0..10 * MINUTE)),
            None,
            None,
        ),
        _ => (
            "STALLED",
            None,
            Some("opusclip: project stalled for 24 hours"),
            None,
        ),
    };
    let max_clips = rng.random_range(3..=10);
    ClipProject {
        id: uuid_at(rng, created_at),
        video_id,
        opusclip_project_id: format!("P{:016X}", scramble(counters.projects)),
        stage,
        status,
        options: format!(
            r#"{{"clipDurations":[[15,30],[30,60]],"lang":"en","maxClips":{max_clips}}}"#
        ),
        attempts: rng.random_range(1..12),
        next_poll_at,
        last_error,
        completed_at,
        created_at,
        updated_at: if status == "processing" {
            created_at
        } else {
            until
        },
    }
}

/// A bijection on u64 (odd multiplier): distinct inputs give distinct, random-looking ids.
pub fn scramble(n: u64) -> u64 {
    n.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29)
}
