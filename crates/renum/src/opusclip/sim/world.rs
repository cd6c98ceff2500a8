//! The simulator's projects: the stage a project is in at a given moment, and the clips a
//! completed project exposes, generated deterministically from the project id so every
//! listing of the same project returns the same clips in the same order.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::opusclip::types::{CreateClipProject, Stage};

/// The stage a stalled project stops in (the provider gives up while curating).
const STALL_AT: usize = 3;
pub const STALL_REASON: &str = "The video could not be processed: no speech was detected";

pub struct Project {
    pub id: String,
    /// The key that created it; other keys do not see it.
    pub key: String,
    pub created: Instant,
    pub created_at: DateTime<Utc>,
    pub command: CreateClipProject,
    pub stalls: bool,
    pub clips: usize,
}

impl Project {
    /// The stage at `now`: one stage per `interval` from creation.
    pub fn stage(&self, now: Instant, interval: Duration) -> Stage {
        let elapsed = now.saturating_duration_since(self.created);
        let step = if interval.is_zero() {
            usize::MAX
        } else {
            (elapsed.as_nanos() / interval.as_nanos()).min(usize::MAX as u128) as usize
        };
        if self.stalls && step >= STALL_AT {
            return Stage::Stalled;
        }
        Stage::SEQUENCE[step.min(Stage::SEQUENCE.len() - 1)].clone()
    }

    /// When the project reaches its final stage.
    pub fn concludes_after(&self, interval: Duration) -> Duration {
        let steps = if self.stalls {
            STALL_AT
        } else {
            Stage::SEQUENCE.len() - 1
        };
        interval * steps as u32
    }

    /// `ClipProjectRepresentation`.
    pub fn representation(&self, stage: &Stage) -> Value {
        let cmd = &self.command;
        let stalled = *stage == Stage::Stalled;
        json!({
            "id": self.id,
            "userId": "sim|user",
            "orgId": "org_Simulator",
            "isDeleted": false,
            "isPurged": false,
            "projectId": self.id,
            "sourcePlatform": "YTDLP_LINK",
            "sourceId": format!("SIM_{}", self.id),
            "sourceUri": cmd.video_url,
            "labels": [],
            "productTier": "PRO",
            "stage": stage.as_str(),
            "model": "ClipBasic",
            "error": if stalled { Value::from(STALL_REASON) } else { Value::Null },
            "stallCount": if stalled { 1 } else { 0 },
            "curationPref": cmd.curation_pref.as_ref().map_or(json!({"clipDurations": [[0, 90]], "genre": "Auto"}), |c| json!(c)),
            "importPref": cmd.import_pref.as_ref().map_or(json!({"sourceLang": "auto"}), |c| json!(c)),
            "renderPref": cmd.render_pref.as_ref().map_or(json!({"layoutAspectRatio": "portrait"}), |c| json!(c)),
            "brandTemplateId": cmd.brand_template_id,
            "storageSize": 0,
            "storageStatus": "TEMPORARY",
            "storageExpireAt": (self.created_at + chrono::Duration::days(30)).to_rfc3339(),
            "createdAt": self.created_at.to_rfc3339(),
            "updatedAt": Utc::now().to_rfc3339(),
            "clusterJobId": format!("FP.{}:{}.FP", self.id, self.created_at.format("%Y%m%d%H%M%S%3f")),
            "cluster": "simulator",
            "visibility": "DEFAULT",
            "permissions": ["PROJECT_SHARE", "PROJECT_EDIT", "PROJECT_VIEW"],
            "promptRecommendations": [],
        })
    }

    /// `ExportableClipRepresentation`s of the completed project, in the provider's order.
    pub fn clips(&self, seed: u64, media_base: &str) -> Vec<Value> {
        let digest = Sha256::digest(self.id.as_bytes());
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(
            seed ^ u64::from_le_bytes(digest[..8].try_into().expect("8 bytes")),
        );
        let pref = self.command.curation_pref.clone().unwrap_or_default();
        let [lo, hi] = pref.clip_durations.first().copied().unwrap_or([0, 90]);
        let (lo, hi) = (lo.max(5), hi.max(lo.max(5) + 1));
        let genre = pref.genre.clone().unwrap_or_else(|| "Auto".into());
        let mut start_ms: u64 = 12_000;
        (0..self.clips)
            .map(|i| {
                let curation_id = format!("CU{:04}{:06x}", i + 1, rng.random_range(0..0xFF_FFFFu32));
                let duration_ms = u64::from(rng.random_range(lo..hi)) * 1000 + rng.random_range(0..1000u64);
                let subject = pick(&mut rng, &SUBJECTS);
                let title = format!("{} {} {}", pick(&mut rng, &OPENERS), subject, pick(&mut rng, &ENDINGS));
                let keywords: Vec<String> = if pref.topic_keywords.is_empty() {
                    vec![subject.to_owned(), pick(&mut rng, &SUBJECTS).to_owned()]
                } else {
                    pref.topic_keywords.clone()
                };
                let hashtags = keywords
                    .iter()
                    .chain([&"Shorts".to_owned()])
                    .map(|k| format!("#{}", k.split_whitespace().collect::<String>()))
                    .collect::<Vec<_>>()
                    .join(" ");
                let range = [start_ms, start_ms + duration_ms];
                start_ms += duration_ms + u64::from(rng.random_range(5_000..60_000u32));
                let media = format!("{media_base}/media/{}/c.{curation_id}", self.id);
                json!({
                    "id": format!("{}.{curation_id}", self.id),
                    "projectId": self.id,
                    "runId": format!("{}.FP", self.created_at.format("%Y%m%d%H%M%S%3f")),
                    "curationId": curation_id,
                    "orgId": "org_Simulator",
                    "userId": "sim|user",
                    "uriForPreview": format!("{media}/esd.mp4"),
                    "uriForExport": format!("{media}/ehd.mp4"),
                    "storageUsed": duration_ms * 800,
                    "durationMs": duration_ms,
                    "timeRanges": [range],
                    "keywords": keywords,
                    "promptName": genre,
                    "title": title,
                    "description": format!("{title}: the moment everyone asks about, in under {} seconds.", duration_ms / 1000 + 1),
                    "hashtags": hashtags,
                    "text": format!("So here is the thing about {subject}."),
                    "genre": genre,
                    "subgenre": "general",
                    "createdAt": self.created_at.to_rfc3339(),
                    "updatedAt": self.created_at.to_rfc3339(),
                    "productTier": "PRO",
                    "renderPref": {
                        "layoutAspectRatio": self.command.render_pref.as_ref()
                            .and_then(|r| r.layout_aspect_ratio)
                            .map_or(json!("portrait"), |a| json!(a)),
                        "enableCaption": true
                    },
                })
            })
            .collect()
    }
}

fn pick<'a>(rng: &mut Xoshiro256PlusPlus, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

const OPENERS: [&str; 6] = [
    "Why",
    "The truth about",
    "How we rebuilt",
    "Nobody talks about",
    "Three lessons from",
    "Stop ignoring",
];
const SUBJECTS: [&str; 8] = [
    "pricing",
    "remote teams",
    "cold outreach",
    "product launches",
    "hiring",
    "burnout",
    "customer interviews",
    "open source",
];
const ENDINGS: [&str; 5] = [
    "in 2026",
    "before it is too late",
    "the hard way",
    "(with real numbers)",
    "in one minute",
];
