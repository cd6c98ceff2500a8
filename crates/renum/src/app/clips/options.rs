//! The options of a clip project: what the API accepts, what the row stores, and the
//! provider's create command they become. Apart from the pipeline because they are the one
//! part shaped by the provider's vocabulary (durations, genres, aspect ratios) rather than by
//! renum's state machine, and they change when the provider's API does.

use serde::{Deserialize, Serialize};

use crate::app::{AppError, validate};
use crate::opusclip::CreateClipProject;
use crate::opusclip::types::{
    AspectRatio, CLIP_DURATIONS, ConclusionAction, ConclusionActionType, CurationPref, GENRES,
    ImportPref, RenderPref,
};

/// The options of a clip project, as the API takes them and the row stores them.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClipOptions {
    /// Clip length range in seconds: one of [0,90], [0,30], [30,60], [60,90], [90,180].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clip_duration: Option<[u32; 2]>,
    /// `portrait`, `landscape` or `square`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub aspect_ratio: Option<AspectRatio>,
    /// ISO-639 code of the spoken language, or `auto`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Topics the clips should be about.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// The provider's curation genre (`Auto`, `Podcast`, `Q&A`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_template_id: Option<String>,
}

impl ClipOptions {
    pub(super) fn validate(&self) -> Result<(), AppError> {
        if let Some(range) = self.clip_duration
            && !CLIP_DURATIONS.contains(&range)
        {
            return Err(AppError::invalid(
                "clip_duration",
                "must be one of [0,90], [0,30], [30,60], [60,90], [90,180]",
            ));
        }
        if let Some(lang) = &self.language
            && !(lang == "auto"
                || ((2..=3).contains(&lang.len()) && lang.chars().all(|c| c.is_ascii_lowercase())))
        {
            return Err(AppError::invalid(
                "language",
                "must be an ISO-639 code or auto",
            ));
        }
        for keyword in &self.keywords {
            validate::line("keywords", keyword.as_str())?;
        }
        validate::line("brand_template_id", self.brand_template_id.as_deref())?;
        if self.keywords.len() > 20
            || self
                .keywords
                .iter()
                .any(|k| k.trim().is_empty() || k.len() > 100)
        {
            return Err(AppError::invalid(
                "keywords",
                "at most 20 keywords of 1 to 100 characters",
            ));
        }
        if let Some(genre) = &self.genre
            && !GENRES.contains(&genre.as_str())
        {
            return Err(AppError::invalid(
                "genre",
                format!("must be one of {GENRES:?}"),
            ));
        }
        if let Some(t) = &self.brand_template_id
            && (t.trim().is_empty() || t.len() > 200)
        {
            return Err(AppError::invalid(
                "brand_template_id",
                "must be 1 to 200 characters",
            ));
        }
        Ok(())
    }

    pub(super) fn command(&self, video_url: String, callback: Option<String>) -> CreateClipProject {
        let curation = CurationPref {
            clip_durations: self.clip_duration.into_iter().collect(),
            topic_keywords: self.keywords.clone(),
            genre: self.genre.clone(),
            ..Default::default()
        };
        CreateClipProject {
            video_url,
            conclusion_actions: callback
                .map(|url| ConclusionAction {
                    kind: ConclusionActionType::Webhook,
                    notify_failure: Some(true),
                    email: None,
                    url: Some(url),
                })
                .into_iter()
                .collect(),
            curation_pref: (curation != CurationPref::default()).then_some(curation),
            import_pref: self.language.clone().map(|l| ImportPref {
                source_lang: Some(l),
                ..Default::default()
            }),
            render_pref: self.aspect_ratio.map(|a| RenderPref {
                layout_aspect_ratio: Some(a),
                ..Default::default()
            }),
            brand_template_id: self.brand_template_id.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_become_the_providers_command() {
        let options = ClipOptions {
            clip_duration: Some([30, 60]),
            aspect_ratio: Some(AspectRatio::Portrait),
            language: Some("en".into()),
            keywords: vec!["pricing".into()],
            genre: Some("Podcast".into()),
            brand_template_id: None,
        };
        options.validate().unwrap();
        let cmd = options.command("https://v.example/a.mp4".into(), Some("https://cb".into()));
        let body = serde_json::to_value(&cmd).unwrap();
        assert_eq!(
            body["curationPref"]["clipDurations"],
            serde_json::json!([[30, 60]])
        );
        assert_eq!(body["importPref"]["sourceLang"], "en");
        assert_eq!(body["renderPref"]["layoutAspectRatio"], "portrait");
        assert_eq!(body["conclusionActions"][0]["type"], "WEBHOOK");
        let bad = ClipOptions {
            clip_duration: Some([10, 20]),
            ..ClipOptions::default()
        };
        assert!(bad.validate().is_err());
    }
}
