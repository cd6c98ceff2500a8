//! Opaque keyset cursors: base64url of "timestamp|id". Clients pass `next_cursor` back as
//! `cursor`; its content is not part of the API.

use std::str::FromStr;

use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use renum_db::sql_types::Timestamp;

use super::error::ApiError;

pub fn encode<I: std::fmt::Display>(key: &(Timestamp, I)) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{}", key.0, key.1))
}

pub fn decode<I: FromStr>(cursor: &str) -> Result<(Timestamp, I), ApiError> {
    let invalid = || {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "cursor: not a cursor this API issued",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (at, id) = text.split_once('|').ok_or_else(invalid)?;
    let at = chrono::DateTime::parse_from_rfc3339(at)
        .map_err(|_| invalid())?
        .with_timezone(&chrono::Utc);
    Ok((at.into(), id.parse().map_err(|_| invalid())?))
}

/// `limit` query parameter: default 50, at most 200.
pub fn limit(requested: Option<i64>) -> Result<i64, ApiError> {
    match requested {
        None => Ok(50),
        Some(n) if (1..=200).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "limit: must be 1 to 200",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use renum_db::ids::UserId;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let key = (Timestamp::now(), UserId::new());
        assert_eq!(decode::<UserId>(&encode(&key)).unwrap(), key);
        assert!(decode::<UserId>("not-a-cursor").is_err());
        assert!(decode::<UserId>(&URL_SAFE_NO_PAD.encode("2026-01-01T00:00:00Z|nope")).is_err());
    }

    #[test]
    fn limits_default_to_50_and_cap_at_200() {
        assert_eq!(limit(None).unwrap(), 50);
        assert_eq!(limit(Some(200)).unwrap(), 200);
        assert!(limit(Some(201)).is_err());
        assert!(limit(Some(0)).is_err());
    }
}
