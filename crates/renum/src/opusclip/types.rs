//! The OpusClip API's request and response bodies, spelled as its OpenAPI description spells
//! them (camelCase fields, upper-case stages). Responses keep every field renum does not
//! model in `extra`, so a provider that adds fields never breaks parsing and nothing is lost
//! when a body is stored or forwarded.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// A project's stage. The provider runs PENDING → QUEUED → IMPORT → CURATE → REFINE → RENDER
/// → UPLOAD → COMPLETE, or ends in STALLED; a stage it adds later is kept as `Other`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    Pending,
    Queued,
    Import,
    Curate,
    Refine,
    Render,
    Upload,
    Complete,
    Stalled,
    Other(String),
}

impl Stage {
    /// The stages of a project that succeeds, in order.
    pub const SEQUENCE: [Stage; 8] = [
        Stage::Pending,
        Stage::Queued,
        Stage::Import,
        Stage::Curate,
        Stage::Refine,
        Stage::Render,
        Stage::Upload,
        Stage::Complete,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            Stage::Pending => "PENDING",
            Stage::Queued => "QUEUED",
            Stage::Import => "IMPORT",
            Stage::Curate => "CURATE",
            Stage::Refine => "REFINE",
            Stage::Render => "RENDER",
            Stage::Upload => "UPLOAD",
            Stage::Complete => "COMPLETE",
            Stage::Stalled => "STALLED",
            Stage::Other(s) => s,
        }
    }

    pub fn parse(s: &str) -> Stage {
        match s {
            "PENDING" => Stage::Pending,
            "QUEUED" => Stage::Queued,
            "IMPORT" => Stage::Import,
            "CURATE" => Stage::Curate,
            "REFINE" => Stage::Refine,
            "RENDER" => Stage::Render,
            "UPLOAD" => Stage::Upload,
            "COMPLETE" => Stage::Complete,
            "STALLED" => Stage::Stalled,
            other => Stage::Other(other.to_owned()),
        }
    }

    /// COMPLETE or STALLED: the project will not change any more.
    pub fn is_final(&self) -> bool {
        matches!(self, Stage::Complete | Stage::Stalled)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Stage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Stage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| Stage::parse(&s))
    }
}

/// `LayoutAspectRatio`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AspectRatio {
    Portrait,
    Landscape,
    Square,
}

/// `Genre`: the curation model the provider applies.
pub const GENRES: [&str; 18] = [
    "Auto",
    "Q&A",
    "Commentary",
    "Marketing",
    "Webinar",
    "Motivational speech",
    "Podcast",
    "Academic",
    "Listicle",
    "Product reviews",
    "How-to",
    "Comedy",
    "Sports commentary",
    "Church",
    "News",
    "Vlog",
    "Gaming",
    "Others",
];

/// `CurationPreferenceDto.clipDurations`: the ranges (seconds) the provider offers.
pub const CLIP_DURATIONS: [[u32; 2]; 5] = [[0, 90], [0, 30], [30, 60], [60, 90], [90, 180]];

/// `ConclusionActionDto.type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ConclusionActionType {
    Email,
    Webhook,
}

/// `ConclusionActionDto`: what the provider does when the project concludes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConclusionAction {
    #[serde(rename = "type")]
    pub kind: ConclusionActionType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_failure: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// `CurationRangeDto`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurationRange {
    pub start_sec: f64,
    pub end_sec: f64,
}

/// `CurationPreferenceDto`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurationPref {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clip_durations: Vec<[u32; 2]>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topic_keywords: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<CurationRange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `ImportPreferenceDto`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportPref {
    /// ISO-639 code, or `auto`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_lang: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `RenderPreferenceDto`, of which renum sets only the aspect ratio. The create command's
/// schema does not list it, but the project representation carries it: the provider takes it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderPref {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout_aspect_ratio: Option<AspectRatio>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `CreateClipProjectCommand`: the body of `POST /api/clip-projects`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateClipProject {
    pub video_url: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conclusion_actions: Vec<ConclusionAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curation_pref: Option<CurationPref>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_pref: Option<ImportPref>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub render_pref: Option<RenderPref>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_template_id: Option<String>,
}

/// `ClipProjectRepresentation`, with what renum reads typed and the rest in `extra`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClipProject {
    pub id: String,
    pub project_id: String,
    pub stage: Stage,
    /// The provider's reason when the project stalled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `ExportableClipRepresentation`: one clip of a project, `id` being
/// `{projectId}.{curationId}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportableClip {
    pub id: String,
    pub project_id: String,
    pub curation_id: String,
    pub duration_ms: f64,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri_for_preview: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri_for_export: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// One string of space-separated `#tags`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hashtags: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ExportableClip {
    /// The hashtags as a list, without the leading `#`.
    pub fn hashtag_list(&self) -> Vec<String> {
        self.hashtags
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .map(|t| t.trim_start_matches('#').to_owned())
            .filter(|t| !t.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::opusclip::sim::sample_command;

    #[test]
    fn unknown_fields_and_stages_are_kept() {
        let body = json!({
            "id": "P1", "projectId": "P1", "stage": "TRANSCODE", "productTier": "PRO",
            "curationPref": {"genre": "Auto"}
        });
        let p: ClipProject = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(p.stage, Stage::Other("TRANSCODE".into()));
        assert_eq!(p.extra["productTier"], "PRO");
        assert_eq!(serde_json::to_value(&p).unwrap(), body);
    }

    #[test]
    fn the_create_command_uses_the_api_spelling() {
        let cmd = CreateClipProject {
            conclusion_actions: vec![ConclusionAction {
                kind: ConclusionActionType::Webhook,
                notify_failure: Some(true),
                email: None,
                url: Some("https://h.example/cb".into()),
            }],
            render_pref: Some(RenderPref {
                layout_aspect_ratio: Some(AspectRatio::Portrait),
                ..Default::default()
            }),
            brand_template_id: Some("preset-fancy-Karaoke".into()),
            ..sample_command()
        };
        assert_eq!(
            serde_json::to_value(&cmd).unwrap(),
            json!({
                "videoUrl": "https://media.example/talk.mp4",
                "conclusionActions": [{"type": "WEBHOOK", "notifyFailure": true, "url": "https://h.example/cb"}],
                "curationPref": {"clipDurations": [[30, 60]], "topicKeywords": ["pricing"], "genre": "Podcast"},
                "importPref": {"sourceLang": "en"},
                "renderPref": {"layoutAspectRatio": "portrait"},
                "brandTemplateId": "preset-fancy-Karaoke"
            })
        );
    }

    #[test]
    fn hashtags_split_into_a_list() {
        let clip: ExportableClip = serde_json::from_value(json!({
            "id": "P1.CU1", "projectId": "P1", "curationId": "CU1", "durationMs": 19478,
            "title": "t", "hashtags": "#Music  #Cello #"
        }))
        .unwrap();
        assert_eq!(clip.hashtag_list(), ["Music", "Cello"]);
    }
}
