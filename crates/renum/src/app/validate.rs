//! Input normalization and validation ("parse, don't validate"): each function returns the
//! value in the form the database stores, or an error naming the field.
//!
//! Every free-text field a client writes passes [`line`] or [`text`] (or [`name`] and
//! [`email`], which include it): control characters are refused with a 400 naming the field.
//! They have no place in a title, a name or a URL, some break what displays or forwards them,
//! and PostgreSQL cannot store a NUL at all, so without this rule the same request would be a
//! 500 on one engine and stored on the other (docs/SECURITY.md).

use super::AppError;

/// Trimmed and lowercased; the schema stores emails only in this form.
pub fn email(raw: &str) -> Result<String, AppError> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        };
    if valid {
        Ok(email)
    } else {
        Err(AppError::invalid(
            "email",
            "must be an email address such as ada@example.com",
        ))
    }
}

/// A display name: trimmed, 1..=max characters.
pub fn name(field: &'static str, raw: &str, max: usize) -> Result<String, AppError> {
    let name = raw.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > max {
        return Err(AppError::invalid(
            field,
            format!("must be 1 to {max} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(name.to_owned())
}

/// A one-line text field (a URL, a hashtag, a keyword, a key): no control character (C0,
/// DEL, C1; see the module documentation). `None` passes.
pub fn line<'a>(field: &'static str, value: impl Into<Option<&'a str>>) -> Result<(), AppError> {
    refuse_controls(field, value.into(), |_| false)
}

/// Multi-line text (a script, a caption): as [`line`], but line breaks and tabs are allowed.
pub fn text<'a>(field: &'static str, value: impl Into<Option<&'a str>>) -> Result<(), AppError> {
    refuse_controls(field, value.into(), |c| matches!(c, '\n' | '\r' | '\t'))
}

fn refuse_controls(
    field: &'static str,
    value: Option<&str>,
    allowed: impl Fn(char) -> bool,
) -> Result<(), AppError> {
    match value
        .into_iter()
        .flat_map(str::chars)
        .find(|&c| c.is_control() && !allowed(c))
    {
        Some(c) => Err(AppError::invalid(
            field,
            format!(
                "must not contain control characters (found U+{:04X})",
                u32::from(c)
            ),
        )),
        None => Ok(()),
    }
}

/// A URL slug derived from a name: lowercase ASCII letters and digits separated by single
/// hyphens (the schema's `organizations_slug_check`), at most 60 characters.
pub fn slug_from(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 60 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "org".to_owned()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        assert_eq!(email("  Ada@Example.COM ").unwrap(), "ada@example.com");
    }

    #[test]
    fn malformed_emails_are_refused_naming_the_field() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@c.com",
        ] {
            let err = email(bad).unwrap_err();
            assert!(
                matches!(err, AppError::Invalid { field: "email", .. }),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(name("full_name", "  Ada  ", 200).unwrap(), "Ada");
        assert!(name("full_name", "   ", 200).is_err());
        assert!(name("full_name", &"x".repeat(201), 200).is_err());
        assert!(name("full_name", "a\u{0}b", 200).is_err());
    }

    #[test]
    fn control_characters_are_refused_naming_the_field_and_line_breaks_only_in_text() {
        for bad in ["a\u{0}b", "\u{1b}[31m", "x\u{7f}", "\u{85}", "\u{9f}"] {
            for result in [line("hashtags", bad), text("script", bad)] {
                let err = result.unwrap_err();
                assert!(
                    matches!(
                        err,
                        AppError::Invalid {
                            field: "hashtags" | "script",
                            ..
                        }
                    ),
                    "{bad:?}"
                );
            }
            assert!(email(&format!("ada{bad}@example.com")).is_err(), "{bad:?}");
        }
        assert!(text("script", "one\r\ntwo\tthree\n").is_ok());
        assert!(line("video_raw_url", "https://x.example/a\nb").is_err());
        assert!(line("video_raw_url", None).is_ok());
        assert!(text("script", "é ü 你好 🎬").is_ok());
    }

    #[test]
    fn slugs_satisfy_the_schema_pattern() {
        assert_eq!(slug_from("Acme, Inc."), "acme-inc");
        assert_eq!(slug_from("  --Ünïcode Café--  "), "n-code-caf");
        assert_eq!(slug_from("!!!"), "org");
        assert!(slug_from(&"ab ".repeat(100)).len() <= 60);
    }
}
