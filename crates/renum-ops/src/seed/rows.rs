//! Row streams, one per table, in the column order of `crate::seed_catalogue`.
//!
//! Organizations, users, videos and clip projects are read from the in-memory [`World`];
//! posts and api_logs are generated on the fly from their own PRNG streams, so ten million
//! log rows never sit in memory. Rows come out parents first and grouped by organization and
//! video, which keeps the foreign-key checks of a bulk load on hot pages.

use std::sync::Arc;

use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;

use super::value::{DAY, MINUTE, Micros, SECOND, Value};
use super::words;
use super::world::{self, Stream, World, pick, scramble, uuid_at, weighted};

/// A stream of rows for one table.
pub trait Rows: Send {
    /// Writes the next row's values into `row` (which is empty); false when done.
    fn next_row(&mut self, row: &mut Vec<Value>) -> bool;
}

/// Walks `(organization, item)` pairs of the world in order.
struct Cursor {
    org: usize,
    item: usize,
}

impl Cursor {
    fn new() -> Self {
        Cursor { org: 0, item: 0 }
    }

    /// The next pair, where `len(org)` is how many items organization `org` has.
    fn advance(&mut self, orgs: usize, len: impl Fn(usize) -> usize) -> Option<(usize, usize)> {
        while self.org < orgs {
            if self.item < len(self.org) {
                self.item += 1;
                return Some((self.org, self.item - 1));
            }
            self.org += 1;
            self.item = 0;
        }
        None
    }
}

pub struct Organizations {
    world: Arc<World>,
    next: usize,
}

impl Organizations {
    pub fn new(world: Arc<World>) -> Self {
        Organizations { world, next: 0 }
    }
}

impl Rows for Organizations {
    fn next_row(&mut self, row: &mut Vec<Value>) -> bool {
        let Some(o) = self.world.orgs.get(self.next) else {
            return false;
        };
        self.next += 1;
        row.extend([
            Value::Uuid(o.id),
            Value::Text(o.name.clone()),
            Value::Text(o.slug.clone()),
            Value::Str(o.plan),
            Value::Time(o.created_at),
            Value::Time(o.created_at),
        ]);
        true
    }
}

pub struct Users {
    world: Arc<World>,
    cursor: Cursor,
    password_hash: Arc<str>,
}

impl Users {
    pub fn new(world: Arc<World>, password_hash: Arc<str>) -> Self {
        Users {
            world,
            cursor: Cursor::new(),
            password_hash,
        }
    }
}

impl Rows for Users {
    fn next_row(&mut self, row: &mut Vec<Value>) -> bool {
        let orgs = &self.world.orgs;
        let Some((o, u)) = self.cursor.advance(orgs.len(), |o| orgs[o].users.len()) else {
            return false;
        };
        let (org, user) = (&orgs[o], &orgs[o].users[u]);
        row.extend([
            Value::Uuid(user.id),
            Value::Uuid(org.id),
            Value::Text(user.email.clone()),
            Value::Text(self.password_hash.to_string()),
            Value::Text(user.full_name.clone()),
            Value::Str(user.role),
            Value::opt_time(user.last_login_at),
            Value::Time(user.created_at),
            Value::Time(user.deleted_at.unwrap_or(user.created_at)),
            Value::opt_time(user.deleted_at),
            // Seeded accounts verified their address when they signed up.
            Value::Time(user.created_at),
        ]);
        true
    }
}

pub struct Videos {
    world: Arc<World>,
    cursor: Cursor,
}

impl Videos {
    pub fn new(world: Arc<World>) -> Self {
        Videos {
            world,
            cursor: Cursor::new(),
        }
    }
}

impl Rows for Videos {
    fn next_row(&mut self, row: &mut Vec<Value>) -> bool {
        let orgs = &self.world.orgs;
        let Some((o, i)) = self.cursor.advance(orgs.len(), |o| orgs[o].videos.len()) else {
            return false;
        };
        let (org, v) = (&orgs[o], &orgs[o].videos[i]);
        let media = |kind: &str, ext: &str| {
            format!(
                "https://media.renum.example/{}/{kind}/{}.{ext}",
                org.slug, v.id
            )
        };
        let raw = (v.module_type == "upload").then(|| media("raw", "mp4"));
        let ready = matches!(v.status, "ready" | "posted");
        let processed = ready.then(|| media("processed", "mp4"));
        let thumbnail = (v.status != "draft").then(|| media("thumbnails", "jpg"));
        row.extend([
            Value::Uuid(v.id),
            Value::Uuid(org.id),
            Value::Uuid(org.users[v.user].id),
            Value::Text(v.title.clone()),
            Value::opt_text(v.script.clone()),
            Value::opt_text(raw),
            Value::opt_text(processed),
            Value::opt_text(thumbnail),
            Value::Str(v.status),
            Value::Str(v.module_type),
            Value::Float(v.duration_seconds),
            Value::Int(v.size_bytes),
            v.captions.clone().map_or(Value::Null, Value::Json),
            Value::opt_uuid(v.parent),
            Value::opt_text(v.opusclip_clip_id.clone()),
            Value::opt_float(v.score),
            Value::Time(v.created_at),
            Value::Time(v.updated_at),
        ]);
        true
    }
}

pub struct ClipProjects {
    world: Arc<World>,
    cursor: Cursor,
}

impl ClipProjects {
    pub fn new(world: Arc<World>) -> Self {
        ClipProjects {
            world,
            cursor: Cursor::new(),
        }
    }
}

impl Rows for ClipProjects {
    fn next_row(&mut self, row: &mut Vec<Value>) -> bool {
        let orgs = &self.world.orgs;
        let Some((o, i)) = self.cursor.advance(orgs.len(), |o| orgs[o].projects.len()) else {
            return false;
        };
        let (org, p) = (&orgs[o], &orgs[o].projects[i]);
        row.extend([
            Value::Uuid(p.id),
            Value::Uuid(org.id),
            Value::Uuid(p.video_id),
            Value::Text(p.opusclip_project_id.clone()),
            Value::Str(p.stage),
            Value::Str(p.status),
            Value::Json(p.options.clone()),
            Value::Int(p.attempts),
            Value::opt_time(p.next_poll_at),
            p.last_error.map_or(Value::Null, Value::Str),
            Value::opt_time(p.completed_at),
            Value::Time(p.created_at),
            Value::Time(p.updated_at),
        ]);
        true
    }
}

/// `posts_per_video` posts per video on average, spread over the ready and posted videos of
/// each organization (drafts and failures are not posted), scheduled across the year around
/// the anchor: the past mostly published, the future scheduled.
pub struct Posts {
    world: Arc<World>,
    rng: Xoshiro256PlusPlus,
    posts_per_video: u64,
    org: usize,
    /// Position in the current organization's `postable` list, and posts left for it.
    video: usize,
    left: u64,
    published: u64,
}

impl Posts {
    pub fn new(world: Arc<World>, seed: u64, posts_per_video: u32) -> Self {
        let mut posts = Posts {
            world,
            rng: world::rng(seed, Stream::Posts),
            posts_per_video: u64::from(posts_per_video),
            org: 0,
            video: 0,
            left: 0,
            published: 0,
        };
        posts.left = posts.share(0, 0);
        posts
    }

    /// Posts of the `k`-th postable video of organization `o`: the organization's total split
    /// as evenly as possible, so totals are exactly videos x posts_per_video.
    fn share(&self, o: usize, k: usize) -> u64 {
        let Some(org) = self.world.orgs.get(o) else {
            return 0;
        };
        let n = org.postable.len() as u64;
        if n == 0 {
            return 0;
        }
        let total = org.videos.len() as u64 * self.posts_per_video;
        total / n + u64::from((k as u64) < total % n)
    }

    /// Total rows this stream will produce.
    pub fn total(world: &World, posts_per_video: u32) -> u64 {
        world
            .orgs
            .iter()
            .filter(|o| !o.postable.is_empty())
            .map(|o| o.videos.len() as u64 * u64::from(posts_per_video))
            .sum()
    }
}

impl Rows for Posts {
    fn next_row(&mut self, row: &mut Vec<Value>) -> bool {
        while self.left == 0 {
            let orgs = &self.world.orgs;
            if self.org >= orgs.len() {
                return false;
            }
            self.video += 1;
            if self.video >= orgs[self.org].postable.len() {
                self.org += 1;
                self.video = 0;
            }
            self.left = self.share(self.org, self.video);
        }
        self.left -= 1;
        let world = &self.world;
        let org = &world.orgs[self.org];
        let video = &org.videos[org.postable[self.video]];
        let rng = &mut self.rng;

        let platform = weighted(
            rng,
            &[
                ("instagram", 25),
                ("tiktok", 25),
                ("youtube", 15),
                ("facebook", 12),
                ("linkedin", 13),
                ("x", 10),
            ],
        );
        let author = &org.users[rng.random_range(0..org.users.len())];
        let created_at = video.updated_at + rng.random_range(5 * MINUTE..3 * DAY);
        let scheduled_at = created_at + rng.random_range(10 * MINUTE..30 * DAY);
        let status = if scheduled_at > world.anchor {
            weighted(rng, &[("scheduled", 85), ("draft", 15)])
        } else {
            weighted(
                rng,
                &[
                    ("published", 82),
                    ("failed", 6),
                    ("cancelled", 5),
                    ("draft", 7),
                ],
            )
        };
        let published_at = (status == "published")
            .then(|| scheduled_at + rng.random_range(2 * SECOND..2 * MINUTE));
        let external_post_id = published_at.map(|_| {
            self.published += 1;
            external_post_id(platform, scramble(self.published))
        });
        let (attempts, last_error) = match status {
            "published" => (if rng.random_ratio(1, 10) { 2 } else { 1 }, None),
            "failed" => (3, Some(pick(rng, words::PUBLISH_ERRORS))),
            _ => (0, None),
        };
        let description = pick(rng, words::DESCRIPTIONS);
        let hashtags = (0..rng.random_range(0..6))
            .map(|_| pick(rng, words::HASHTAGS))
            .collect();
        let updated_at = published_at.unwrap_or(match status {
            "failed" | "cancelled" => scheduled_at,
            _ => created_at,
        });
        row.extend([
            Value::Uuid(uuid_at(rng, created_at)),
            Value::Uuid(org.id),
            Value::Uuid(video.id),
            Value::Uuid(author.id),
            Value::Str(platform),
            Value::Str(description),
            Value::Words(hashtags),
            Value::Time(scheduled_at),
            Value::Str(status),
            Value::opt_time(published_at),
            Value::opt_text(external_post_id),
            Value::Int(attempts),
            last_error.map_or(Value::Null, Value::Str),
            Value::Time(created_at),
            Value::Time(updated_at),
        ]);
        true
    }
}

/// A platform's post id in that platform's style; unique per `n`.
fn external_post_id(platform: &str, n: u64) -> String {
    match platform {
        "instagram" => format!("179{n:020}"),
        "tiktok" => format!("7{n:020}"),
        "youtube" => format!("yt{n:016x}"),
        "facebook" => format!("1000{n:020}"),
        "linkedin" => format!("urn:li:share:7{n:020}"),
        _ => format!("18{n:020}"),
    }
}

/// Six months of API traffic before the anchor, in time order: inbound requests of the
/// organizations' members, anonymous sign-ins and health checks (no organization), and
/// outbound calls to OpusClip and the social platforms, with their errors and timeouts.
///
/// The rows are made in consecutive stretches of time ([`ApiLogs::halves`]), each from its own
/// PRNG stream, so the stretches could be generated or loaded side by side with the same
/// data; both engines load them one after the other, so ids follow time.
pub struct ApiLogs {
    world: Arc<World>,
    rng: Xoshiro256PlusPlus,
    next: u64,
    end: u64,
    total: u64,
    start: Micros,
    span: Micros,
}

impl ApiLogs {
    pub const SPAN: Micros = 182 * DAY;
    /// Stretch `part` of `parts` of the `total` rows.
    pub fn part(world: Arc<World>, seed: u64, total: u64, part: u64, parts: u64) -> Self {
        let start = world.anchor - Self::SPAN;
        let bound = |p: u64| (u128::from(total) * u128::from(p) / u128::from(parts)) as u64;
        ApiLogs {
            world,
            rng: world::rng_part(seed, Stream::ApiLogs, part),
            next: bound(part),
            end: bound(part + 1),
            total,
            start,
            span: Self::SPAN,
        }
    }

    /// The `total` rows as two stretches of time.
    pub fn halves(world: &Arc<World>, seed: u64, total: u64) -> [ApiLogs; 2] {
        [0, 1].map(|p| Self::part(world.clone(), seed, total, p, 2))
    }
}

impl Rows for ApiLogs {
    fn next_row(&mut self, row: &mut Vec<Value>) -> bool {
        if self.next >= self.end {
            return false;
        }
        let i = self.next;
        self.next += 1;
        let rng = &mut self.rng;
        // Row i falls in the i-th slice of the span, so created_at only grows.
        let slice = (self.span as u128 * u128::from(i) / u128::from(self.total)) as Micros;
        let width = (self.span as u128 / u128::from(self.total)).max(1) as Micros;
        let created_at = self.start + slice + rng.random_range(0..width);

        let orgs = &self.world.orgs;
        let org = rng
            .random_ratio(88, 100)
            .then(|| &orgs[rng.random_range(0..orgs.len())]);
        let request_id =
            |rng: &mut Xoshiro256PlusPlus| Value::Text(format!("req_{:016x}", rng.random::<u64>()));
        match org {
            Some(org) if rng.random_ratio(3, 4) => {
                let (method, path, with_id) = pick(rng, words::INBOUND_ROUTES);
                let endpoint = if with_id {
                    let made_at = created_at - rng.random_range(0..90 * DAY);
                    let id = uuid_at(rng, made_at);
                    Value::Text(format!("{path}{id}"))
                } else {
                    Value::Str(path)
                };
                let status = weighted(
                    rng,
                    &[
                        (if method == "POST" { 201 } else { 200 }, 880),
                        (204, 20),
                        (400, 25),
                        (401, 10),
                        (403, 5),
                        (404, 30),
                        (409, 8),
                        (422, 12),
                        (429, 6),
                        (500, 4),
                    ],
                );
                let user = &org.users[rng.random_range(0..org.users.len())];
                let duration = if rng.random_ratio(95, 100) {
                    rng.random_range(800..60_000)
                } else {
                    rng.random_range(60_000..2_000_000)
                };
                row.extend([
                    Value::Uuid(org.id),
                    Value::Str("inbound"),
                    Value::Str("renum-api"),
                    endpoint,
                    Value::Str(method),
                    Value::Int(status),
                    Value::Float(f64::from(duration) / 1000.0),
                    request_id(rng),
                    Value::Uuid(user.id),
                    Value::Null,
                    error_body(status),
                    Value::Time(created_at),
                ]);
            }
            Some(org) => {
                let (service, method, endpoint) = pick(rng, words::OUTBOUND_CALLS);
                let timed_out = rng.random_ratio(1, 100);
                let status = (!timed_out).then(|| {
                    weighted(
                        rng,
                        &[
                            (if method == "POST" { 201 } else { 200 }, 900),
                            (202, 30),
                            (400, 15),
                            (401, 10),
                            (429, 25),
                            (500, 10),
                            (502, 5),
                            (503, 5),
                        ],
                    )
                });
                let duration = if timed_out {
                    30_000_000
                } else {
                    rng.random_range(40_000..3_000_000)
                };
                let request_body = match service {
                    "opusclip" if method == "POST" => {
                        Value::Str(r#"{"videoUrl":"https://media.renum.example/...","lang":"en"}"#)
                    }
                    _ => Value::Null,
                };
                row.extend([
                    Value::Uuid(org.id),
                    Value::Str("outbound"),
                    Value::Str(service),
                    Value::Str(endpoint),
                    Value::Str(method),
                    status.map_or(Value::Null, Value::Int),
                    Value::Float(f64::from(duration) / 1000.0),
                    if rng.random_ratio(1, 2) {
                        request_id(rng)
                    } else {
                        Value::Null
                    },
                    Value::Null,
                    request_body,
                    status.map_or(Value::Null, error_body),
                    Value::Time(created_at),
                ]);
            }
            None => {
                let (method, endpoint) = pick(rng, words::ANONYMOUS_ROUTES);
                let status = match endpoint {
                    "/healthz" => 200,
                    _ => weighted(rng, &[(200, 80), (401, 15), (429, 5)]),
                };
                row.extend([
                    Value::Null,
                    Value::Str("inbound"),
                    Value::Str("renum-api"),
                    Value::Str(endpoint),
                    Value::Str(method),
                    Value::Int(status),
                    // Sign-in verifies an argon2id hash: tens of milliseconds by design.
                    Value::Float(if endpoint == "/healthz" {
                        f64::from(rng.random_range(100_i32..2_000)) / 1000.0
                    } else {
                        f64::from(rng.random_range(25_000_i32..90_000)) / 1000.0
                    }),
                    request_id(rng),
                    Value::Null,
                    Value::Null,
                    error_body(status),
                    Value::Time(created_at),
                ]);
            }
        }
        true
    }
}

/// Response bodies are logged for errors only (successful bodies may carry user content).
fn error_body(status: i64) -> Value {
    Value::Str(match status {
        400 => r#"{"error":{"code":"bad_request","message":"invalid request body"}}"#,
        401 => r#"{"error":{"code":"unauthorized","message":"sign in first"}}"#,
        403 => r#"{"error":{"code":"forbidden","message":"not allowed for your role"}}"#,
        404 => r#"{"error":{"code":"not_found","message":"no such resource"}}"#,
        409 => r#"{"error":{"code":"conflict","message":"already exists"}}"#,
        422 => r#"{"error":{"code":"invalid","message":"a field is out of range"}}"#,
        429 => r#"{"error":{"code":"rate_limited","message":"too many requests"}}"#,
        500..=599 => r#"{"error":{"code":"internal","message":"upstream failure"}}"#,
        _ => return Value::Null,
    })
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::seed::Sizes;

    fn world(seed: u64) -> Arc<World> {
        let sizes = Sizes {
            organizations: 4,
            users_per_org: 3,
            videos_per_org: 20,
            posts_per_video: 2,
            api_logs: 500,
        };
        Arc::new(World::build(&sizes, seed, 20_000 * DAY, false))
    }

    fn drain(mut rows: impl Rows) -> Vec<Vec<Value>> {
        let mut out = Vec::new();
        let mut row = Vec::new();
        while rows.next_row(&mut row) {
            out.push(std::mem::take(&mut row));
        }
        out
    }

    #[test]
    fn posts_total_is_exactly_videos_times_posts_per_video() {
        let w = world(5);
        let posts = drain(Posts::new(w.clone(), 5, 2));
        assert_eq!(posts.len() as u64, Posts::total(&w, 2));
        assert_eq!(posts.len(), 4 * 20 * 2);
    }

    #[test]
    fn api_logs_come_out_in_time_order_within_six_months() {
        let w = world(5);
        let logs = drain(ApiLogs::part(w.clone(), 5, 500, 0, 1));
        assert_eq!(logs.len(), 500);
        let times: Vec<Micros> = logs
            .iter()
            .map(|r| match r[11] {
                Value::Time(t) => t,
                _ => panic!("created_at is the last column"),
            })
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        assert!(times[0] >= w.anchor - ApiLogs::SPAN && times[499] < w.anchor);
        assert!(
            logs.iter().any(|r| r[0] == Value::Null),
            "some logs have no organization"
        );
    }

    #[test]
    fn the_same_seed_streams_the_same_rows_and_another_seed_does_not() {
        let logs = |seed| {
            let parts = ApiLogs::halves(&world(seed), seed, 50);
            parts.into_iter().flat_map(drain).collect::<Vec<_>>()
        };
        let a = logs(1);
        assert_eq!(a.len(), 50);
        assert_eq!(a, logs(1));
        assert_ne!(a, logs(2));
    }

    #[test]
    fn uuids_carry_the_row_timestamp() {
        let id: Uuid = uuid_at(&mut world::rng(1, Stream::World), 1_700_000_000_123_456);
        let (secs, nanos) = id.get_timestamp().unwrap().to_unix();
        assert_eq!((secs, nanos / 1_000_000), (1_700_000_000, 123));
    }
}
