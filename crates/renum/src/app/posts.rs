//! Posts of the caller's organization: scheduling a video on a platform, the calendar, edits,
//! cancel and retry, the per-platform limits, and the user-facing rules of the post state
//! machine (the scheduler owns scheduled → publishing → published / failed).

use renum_db::enums::{Platform, PostStatus};
use renum_db::ids::{PostId, VideoId};
use renum_db::models::{Page, PostInsert, PostUpdate, PostWithVideo};
use renum_db::repo::PostFilter;
use renum_db::sql_types::{StringList, Timestamp};
use renum_db::{Access, Conn, Db, Tx};

use super::auth::Caller;
use super::{AppError, validate};

/// What a platform accepts: description length in characters and number of hashtags.
/// Sources: each platform's published caption limits (2026); X counts 280 characters for a
/// standard account, YouTube ignores every hashtag of a video that has more than 15.
pub struct PlatformLimits {
    pub description_chars: usize,
    pub hashtags: usize,
}

pub fn limits(platform: Platform) -> PlatformLimits {
    let (description_chars, hashtags) = match platform {
        Platform::X => (280, 10),
        Platform::Instagram => (2_200, 30),
        Platform::Tiktok => (2_200, 30),
        Platform::Linkedin => (3_000, 30),
        Platform::Facebook => (63_206, 30),
        Platform::Youtube => (5_000, 15),
    };
    PlatformLimits {
        description_chars,
        hashtags,
    }
}

/// Checks the description and hashtags against the platform; hashtags are stored without
/// the leading `#`, each one word of 1 to 100 characters.
fn content(
    platform: Platform,
    description: &str,
    hashtags: Vec<String>,
) -> Result<StringList, AppError> {
    validate::text("description", description)?;
    let limit = limits(platform);
    let chars = description.chars().count();
    if chars > limit.description_chars {
        return Err(AppError::invalid(
            "description",
            format!(
                "{chars} characters; {platform} allows at most {}",
                limit.description_chars
            ),
        ));
    }
    if hashtags.len() > limit.hashtags {
        return Err(AppError::invalid(
            "hashtags",
            format!(
                "{} hashtags; {platform} allows at most {}",
                hashtags.len(),
                limit.hashtags
            ),
        ));
    }
    let mut tags = Vec::with_capacity(hashtags.len());
    for tag in hashtags {
        let tag = tag.trim().trim_start_matches('#').to_owned();
        validate::line("hashtags", tag.as_str())?;
        let len = tag.chars().count();
        if len == 0 || len > 100 || tag.chars().any(|c| c.is_whitespace() || c == '#') {
            return Err(AppError::invalid(
                "hashtags",
                format!("{tag:?} is not one word of 1 to 100 characters"),
            ));
        }
        tags.push(tag);
    }
    Ok(StringList(tags))
}

fn in_future(scheduled_at: Timestamp) -> Result<(), AppError> {
    if scheduled_at > Timestamp::now() {
        Ok(())
    } else {
        Err(AppError::invalid(
            "scheduled_at",
            "must be in the future to schedule a post",
        ))
    }
}

fn illegal(from: PostStatus, to: PostStatus) -> AppError {
    AppError::conflict(
        "illegal_transition",
        format!("a post cannot go from {from} to {to}"),
    )
}

/// Statuses a user may set or leave through the API: a post being published, published,
/// failed or cancelled is not edited (retry and cancel have their own routes).
fn editable(status: PostStatus) -> bool {
    matches!(status, PostStatus::Draft | PostStatus::Scheduled)
}

pub struct NewPost {
    pub video_id: VideoId,
    pub platform: Platform,
    pub description: String,
    pub hashtags: Vec<String>,
    pub scheduled_at: Timestamp,
    /// `draft` or `scheduled`.
    pub status: PostStatus,
}

pub async fn create(db: &Db, caller: &Caller, new: NewPost) -> Result<PostWithVideo, AppError> {
    if !editable(new.status) {
        return Err(AppError::invalid(
            "status",
            "a new post is draft or scheduled",
        ));
    }
    let hashtags = content(new.platform, &new.description, new.hashtags)?;
    if new.status == PostStatus::Scheduled {
        in_future(new.scheduled_at)?;
    }
    let mut tx = db.begin().await?;
    // Another organization's video is as absent as a missing one.
    tx.videos(&caller.scope).get(new.video_id).await?;
    let insert = PostInsert {
        id: PostId::new(),
        video_id: new.video_id,
        created_by: caller.user_id,
        platform: new.platform,
        description: new.description,
        hashtags,
        scheduled_at: new.scheduled_at,
        status: new.status,
    };
    let row = tx.posts(&caller.scope).insert(&insert).await?;
    let post = tx.posts(&caller.scope).get_with_video(row.id).await?;
    tx.commit().await?;
    Ok(post)
}

pub async fn get(conn: &mut Conn, caller: &Caller, id: PostId) -> Result<PostWithVideo, AppError> {
    Ok(conn.posts(&caller.scope).get_with_video(id).await?)
}

/// The calendar: one statement per page, whatever the page size (posts.LIST_WITH_VIDEO).
pub async fn list(
    conn: &mut Conn,
    caller: &Caller,
    filter: &PostFilter,
    after: Option<(Timestamp, PostId)>,
    limit: i64,
) -> Result<Page<PostWithVideo, (Timestamp, PostId)>, AppError> {
    Ok(conn
        .posts(&caller.scope)
        .list_with_video(filter, after, limit)
        .await?)
}

#[derive(Default)]
pub struct PostPatch {
    pub description: Option<String>,
    pub hashtags: Option<Vec<String>>,
    pub scheduled_at: Option<Timestamp>,
    /// `draft` or `scheduled`.
    pub status: Option<PostStatus>,
}

/// Edits a draft or scheduled post. The row is read with a lock (`posts.GET_FOR_UPDATE`), so
/// the scheduler cannot claim it half-edited.
pub async fn update(
    db: &Db,
    caller: &Caller,
    id: PostId,
    patch: PostPatch,
) -> Result<PostWithVideo, AppError> {
    let mut tx = db.begin().await?;
    let current = tx.posts(&caller.scope).get_for_update(id).await?;
    let to = patch.status.unwrap_or(current.status);
    if !editable(current.status) || !editable(to) {
        return Err(illegal(current.status, to));
    }
    let description = patch.description.unwrap_or(current.description);
    let hashtags = patch.hashtags.unwrap_or(current.hashtags.0);
    let hashtags = content(current.platform, &description, hashtags)?;
    let scheduled_at = patch.scheduled_at.unwrap_or(current.scheduled_at);
    if to == PostStatus::Scheduled && (current.status != to || scheduled_at != current.scheduled_at)
    {
        in_future(scheduled_at)?;
    }
    let update = PostUpdate {
        description: Some(description),
        hashtags: Some(hashtags),
        scheduled_at: Some(scheduled_at),
        status: Some(to),
        ..PostUpdate::default()
    };
    finish(tx, caller, id, &update).await
}

/// Draft, scheduled or failed → cancelled; it will not be published.
pub async fn cancel(db: &Db, caller: &Caller, id: PostId) -> Result<PostWithVideo, AppError> {
    let mut tx = db.begin().await?;
    let current = tx.posts(&caller.scope).get_for_update(id).await?;
    if !matches!(
        current.status,
        PostStatus::Draft | PostStatus::Scheduled | PostStatus::Failed
    ) {
        return Err(illegal(current.status, PostStatus::Cancelled));
    }
    let update = PostUpdate {
        status: Some(PostStatus::Cancelled),
        ..PostUpdate::default()
    };
    finish(tx, caller, id, &update).await
}

/// Failed → scheduled, due now if its time has passed, with a fresh attempt budget.
pub async fn retry(db: &Db, caller: &Caller, id: PostId) -> Result<PostWithVideo, AppError> {
    let mut tx = db.begin().await?;
    let current = tx.posts(&caller.scope).get_for_update(id).await?;
    if current.status != PostStatus::Failed {
        return Err(illegal(current.status, PostStatus::Scheduled));
    }
    let update = PostUpdate {
        status: Some(PostStatus::Scheduled),
        scheduled_at: Some(current.scheduled_at.max(Timestamp::now())),
        attempts: Some(0),
        last_error: Some(None),
        ..PostUpdate::default()
    };
    finish(tx, caller, id, &update).await
}

async fn finish(
    mut tx: Tx,
    caller: &Caller,
    id: PostId,
    update: &PostUpdate,
) -> Result<PostWithVideo, AppError> {
    tx.posts(&caller.scope).update(id, update).await?;
    let post = tx.posts(&caller.scope).get_with_video(id).await?;
    tx.commit().await?;
    Ok(post)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_platform_refuses_one_character_and_one_hashtag_over_its_limit() {
        for &platform in Platform::ALL {
            let limit = limits(platform);
            let at = "a".repeat(limit.description_chars);
            let tags = |n: usize| (0..n).map(|i| format!("t{i}")).collect::<Vec<_>>();
            assert!(
                content(platform, &at, tags(limit.hashtags)).is_ok(),
                "{platform}"
            );
            assert!(
                content(platform, &format!("{at}é"), vec![]).is_err(),
                "{platform}"
            );
            assert!(
                content(platform, "", tags(limit.hashtags + 1)).is_err(),
                "{platform}"
            );
        }
        assert_eq!(limits(Platform::X).description_chars, 280);
    }

    #[test]
    fn hashtags_lose_their_hash_and_must_be_one_word() {
        let tags = content(Platform::X, "", vec!["#rust".into(), "db".into()]).unwrap();
        assert_eq!(tags.0, ["rust", "db"]);
        assert!(content(Platform::X, "", vec!["two words".into()]).is_err());
        assert!(content(Platform::X, "", vec!["#".into()]).is_err());
    }
}
