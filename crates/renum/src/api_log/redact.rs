//! Redaction of API log bodies: what may be stored of a request or response (docs/SECURITY.md).
//!
//! Every body goes through [`RedactionPolicy`] before it reaches the queue, so nothing
//! downstream (queue, writer, database, `GET /v1/api-logs`) ever holds a secret. The policy
//! errs on the side of hiding: a key that merely *contains* a sensitive word is masked.

use std::borrow::Cow;

use serde_json::{Value, json};

/// What replaces a sensitive value, and a bearer/basic credential found in a string.
pub const MASK: &str = "[REDACTED]";
/// What replaces an email address found in a string.
pub const EMAIL_MASK: &str = "[EMAIL]";

/// What happens to the value of a sensitive key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyAction {
    /// Keep the key, replace its value (whatever its shape) with [`MASK`]: the log still shows
    /// that the field was sent.
    Mask,
    /// Remove the key and its value.
    Drop,
}

/// Which inbound responses keep their body in the log. A successful read's body is a copy of
/// rows the database already holds (a feed page is 18 KB), so by default only errors, the
/// responses someone debugs, keep theirs. Outbound calls always keep both bodies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ResponseBodies {
    /// Responses with a status of 400 or more.
    Errors,
    All,
    None,
}

/// The redaction policy. `Default` is the documented policy; every field can be changed.
#[derive(Clone, Debug)]
pub struct RedactionPolicy {
    /// Key fragments, compared against each object key lowercased with everything but ASCII
    /// letters and digits removed, so `x-api-key`, `API_KEY` and `apiKey` all match `apikey`
    /// and `access_token` matches `token`. Write them in that normalized form.
    pub sensitive_keys: Vec<String>,
    pub key_action: KeyAction,
    /// Replace `local@domain.tld` inside string values with [`EMAIL_MASK`].
    pub mask_emails: bool,
    /// Replace the credential after `Bearer ` / `Basic ` inside string values with [`MASK`].
    pub mask_credentials: bool,
    /// Routes (prefixes of the route template) whose bodies are never stored, in either
    /// direction: sign-up, sign-in, password changes and accepting an invitation carry
    /// credentials both ways.
    pub bodyless_routes: Vec<String>,
    /// Serialized size above which a body is replaced by a truncation marker holding the first
    /// `max_body_bytes` bytes of its (already redacted) JSON text.
    pub max_body_bytes: usize,
    /// Which inbound responses keep their body (request bodies are kept, as above).
    pub inbound_response_bodies: ResponseBodies,
}

/// Default size limit of a stored body.
pub const DEFAULT_MAX_BODY_BYTES: usize = 8 * 1024;

impl Default for RedactionPolicy {
    fn default() -> Self {
        Self {
            sensitive_keys: [
                "password",
                "passwd",
                "token",
                "authorization",
                "apikey",
                "secret",
                "cookie",
                "credential",
                "privatekey",
            ]
            .map(String::from)
            .to_vec(),
            key_action: KeyAction::Mask,
            mask_emails: true,
            mask_credentials: true,
            bodyless_routes: vec![
                "/v1/auth/".to_owned(),
                "/v1/me/password".to_owned(),
                "/v1/invitations/".to_owned(),
            ],
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            inbound_response_bodies: ResponseBodies::Errors,
        }
    }
}

impl RedactionPolicy {
    /// The body of a call to `route` (a route template such as `/v1/videos/{id}`, or an
    /// outbound endpoint), redacted and truncated; `None` for bodyless routes.
    pub fn body(&self, route: &str, body: Option<Value>) -> Option<Value> {
        if self.is_bodyless(route) {
            return None;
        }
        body.map(|b| self.truncate(self.redact(b)))
    }

    /// True when the body of an inbound response with `status` is stored (before
    /// [`RedactionPolicy::body`]'s own rules): the logging middleware asks first, so it never
    /// buffers or parses a body it would drop.
    pub fn keeps_inbound_response_body(&self, status: u16) -> bool {
        match self.inbound_response_bodies {
            ResponseBodies::All => true,
            ResponseBodies::Errors => status >= 400,
            ResponseBodies::None => false,
        }
    }

    /// True when bodies of `route` are never stored.
    pub fn is_bodyless(&self, route: &str) -> bool {
        let route = route.trim_end_matches('/');
        self.bodyless_routes
            .iter()
            .any(|p| route.starts_with(p.as_str()) || p.trim_end_matches('/') == route)
    }

    /// Masks sensitive keys at any depth and sensitive text inside every string.
    pub fn redact(&self, mut value: Value) -> Value {
        self.redact_in_place(&mut value);
        value
    }

    /// [`RedactionPolicy::redact`] without rebuilding the document: every inbound response
    /// passes here, and a list page holds hundreds of keys and strings, almost none of which
    /// change (docs/BENCHMARKS.md).
    fn redact_in_place(&self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                // A key is itself masked (an email used as a key), and judged both as sent
                // and as masked: masking a credential inside a key (`Bearer password`) must
                // not hide the word that makes its value sensitive.
                if map.keys().any(|k| self.masked(k).is_some()) {
                    let old = std::mem::take(map);
                    for (key, mut v) in old {
                        let masked = self.masked(&key);
                        let sensitive = self.is_sensitive_key(&key)
                            || masked.as_deref().is_some_and(|m| self.is_sensitive_key(m));
                        if sensitive && self.key_action == KeyAction::Drop {
                            continue;
                        }
                        if sensitive {
                            v = Value::String(MASK.to_owned());
                        } else {
                            self.redact_in_place(&mut v);
                        }
                        map.insert(masked.unwrap_or(key), v);
                    }
                    return;
                }
                if self.key_action == KeyAction::Drop {
                    map.retain(|key, _| !self.is_sensitive_key(key));
                }
                for (key, v) in map.iter_mut() {
                    if self.is_sensitive_key(key) {
                        *v = Value::String(MASK.to_owned());
                    } else {
                        self.redact_in_place(v);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.redact_in_place(v)),
            Value::String(s) => {
                if let Some(masked) = self.masked(s) {
                    *s = masked;
                }
            }
            _ => {}
        }
    }

    pub fn is_sensitive_key(&self, key: &str) -> bool {
        // Normalized on the stack: this runs for every key of every logged body.
        let mut stack = [0u8; 64];
        let heap: Vec<u8>;
        let normalized: &[u8] = if key.len() <= stack.len() {
            let mut n = 0;
            for b in key.bytes().filter(u8::is_ascii_alphanumeric) {
                stack[n] = b.to_ascii_lowercase();
                n += 1;
            }
            &stack[..n]
        } else {
            heap = key
                .bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| b.to_ascii_lowercase())
                .collect();
            &heap
        };
        // ASCII letters and digits only, so always UTF-8; `str::contains` is a linear-time
        // substring search (Two-Way), where comparing every window costs length × key.
        let normalized = std::str::from_utf8(normalized).unwrap_or_default();
        self.sensitive_keys
            .iter()
            .any(|k| normalized.contains(k.as_str()))
    }

    /// `s` with credentials and emails masked, or `None` when nothing in it is sensitive.
    fn masked(&self, s: &str) -> Option<String> {
        let s = if self.mask_credentials {
            mask_credentials(s)
        } else {
            Cow::Borrowed(s)
        };
        let out = if self.mask_emails {
            match mask_emails(&s) {
                Cow::Owned(masked) => Cow::Owned(masked),
                Cow::Borrowed(_) => s,
            }
        } else {
            s
        };
        match out {
            Cow::Owned(masked) => Some(masked),
            Cow::Borrowed(_) => None,
        }
    }

    /// Bodies over the limit become `{"_truncated": true, "original_bytes": N, "prefix": "..."}`:
    /// still valid JSON for the jsonb column, and visibly not the original.
    fn truncate(&self, value: Value) -> Value {
        let text = value.to_string();
        if text.len() <= self.max_body_bytes {
            return value;
        }
        let mut cut = self.max_body_bytes;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        json!({ "_truncated": true, "original_bytes": text.len(), "prefix": &text[..cut] })
    }
}

/// Characters of an email's local part and domain (ASCII; enough to catch real addresses).
fn is_local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_domain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')
}

/// Replaces every `local@domain.tld` in `s` with [`EMAIL_MASK`].
pub fn mask_emails(s: &str) -> Cow<'_, str> {
    if !s.contains('@') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'@' {
            i += 1;
            continue;
        }
        let mut start = i;
        while start > copied && is_local_byte(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = i + 1;
        while end < bytes.len() && is_domain_byte(bytes[end]) {
            end += 1;
        }
        // A sentence may end right after the address.
        while end > i + 1 && bytes[end - 1] == b'.' {
            end -= 1;
        }
        let domain = &s[i + 1..end];
        let is_email = start < i
            && domain
                .rsplit_once('.')
                .is_some_and(|(host, tld)| !host.is_empty() && tld.len() >= 2);
        if is_email {
            out.push_str(&s[copied..start]);
            out.push_str(EMAIL_MASK);
            copied = end;
            i = end;
        } else {
            i += 1;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(s);
    }
    out.push_str(&s[copied..]);
    Cow::Owned(out)
}

/// Replaces the credential after `Bearer` or `Basic` (any case, then whitespace) with [`MASK`].
///
/// One forward pass: every byte is looked at a bounded number of times, whatever the input.
/// Bodies come from unauthenticated clients and are redacted on a request thread, so a body of
/// a megabyte of `bearer ` must cost a linear scan, not one rescan of the rest per match.
pub fn mask_credentials(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut from = 0;
    while let Some((at, scheme_len)) = find_scheme(bytes, from) {
        let after = at + scheme_len;
        let mut token_start = after;
        while token_start < bytes.len() && bytes[token_start].is_ascii_whitespace() {
            token_start += 1;
        }
        if token_start == after {
            // `bearerbearer...`: no credential follows; the token is not scanned, so a run
            // of schemes without spaces is not read once per scheme.
            from = after;
            continue;
        }
        let mut token_end = token_start;
        while token_end < bytes.len() && is_token_byte(bytes[token_end]) {
            token_end += 1;
        }
        if is_scheme(&bytes[token_start..token_end]) {
            // `bearer Bearer abc`: the word after a scheme is a scheme, whose credential
            // follows; masking the word would leave `abc` in clear.
            from = token_start;
        } else if token_end > token_start {
            out.push_str(&s[copied..token_start]);
            out.push_str(MASK);
            copied = token_end;
            from = token_end;
        } else {
            from = after;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(s);
    }
    out.push_str(&s[copied..]);
    Cow::Owned(out)
}

const SCHEMES: [&[u8]; 2] = [b"bearer", b"basic"];

fn is_scheme(word: &[u8]) -> bool {
    SCHEMES.iter().any(|w| word.eq_ignore_ascii_case(w))
}

/// The next `bearer` or `basic` (any case) at or after `from`, with its length: the first
/// position where either starts, found by looking at each position once.
fn find_scheme(bytes: &[u8], from: usize) -> Option<(usize, usize)> {
    let rest = bytes.get(from..)?;
    rest.iter().enumerate().find_map(|(i, b)| {
        if !b.eq_ignore_ascii_case(&b'b') {
            return None;
        }
        SCHEMES
            .iter()
            .find(|w| {
                rest[i..]
                    .get(..w.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(w))
            })
            .map(|w| (from + i, w.len()))
    })
}

/// RFC 6750 token68 characters.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=')
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    #[test]
    fn sensitive_keys_are_masked_at_any_depth_whatever_their_case_or_decoration() {
        let p = RedactionPolicy::default();
        let out = p.redact(json!({
            "user": {"Password": "hunter2", "name": "Ada"},
            "headers": [{"X-Api-Key": "k1", "Set-Cookie": "sid=1", "accept": "json"}],
            "access_token": {"nested": "t"},
            "clientSecret": 42,
        }));
        assert_eq!(
            out,
            json!({
                "user": {"Password": MASK, "name": "Ada"},
                "headers": [{"X-Api-Key": MASK, "Set-Cookie": MASK, "accept": "json"}],
                "access_token": MASK,
                "clientSecret": MASK,
            })
        );
    }

    #[test]
    fn the_drop_action_removes_sensitive_keys() {
        let p = RedactionPolicy {
            key_action: KeyAction::Drop,
            ..Default::default()
        };
        assert_eq!(
            p.redact(json!({"authorization": "x", "ok": 1})),
            json!({"ok": 1})
        );
    }

    #[test]
    fn emails_and_bearer_tokens_inside_strings_are_masked() {
        let p = RedactionPolicy::default();
        let out = p.redact(json!([
            "contact ada.l+x@example.co.uk.",
            "Authorization: Bearer eyJhbGci.eyJzdWIi.sig==",
            "basic   dXNlcjpwYXNz and more",
            "not an email: a@b, @handle, user@localhost",
        ]));
        assert_eq!(
            out,
            json!([
                "contact [EMAIL].",
                "Authorization: Bearer [REDACTED]",
                "basic   [REDACTED] and more",
                "not an email: a@b, @handle, user@localhost",
            ])
        );
    }

    #[test]
    fn auth_routes_store_no_body_in_either_direction() {
        let p = RedactionPolicy::default();
        let body = Some(json!({"email": "a@b.example"}));
        assert_eq!(p.body("/v1/auth/login", body.clone()), None);
        assert_eq!(p.body("/v1/auth/", body.clone()), None);
        assert_eq!(p.body("/v1/auth", body.clone()), None);
        assert!(p.body("/v1/authors", body.clone()).is_some());
        // Password changes and resets carry passwords and tokens.
        assert_eq!(p.body("/v1/me/password", body.clone()), None);
        assert_eq!(
            p.body("/v1/auth/password-reset/confirm", body.clone()),
            None
        );
        // Accepting an invitation carries its token, a password and signs in.
        assert_eq!(p.body("/v1/invitations/accept", body.clone()), None);
        let reset =
            json!({"token": "rnm_SEKRIT", "new_password": "SEKRIT", "current_password": "SEKRIT"});
        assert!(!p.redact(reset).to_string().contains("SEKRIT"));
    }

    #[test]
    fn bodies_over_the_limit_become_a_marker_with_a_prefix() {
        let p = RedactionPolicy {
            max_body_bytes: 16,
            ..Default::default()
        };
        let out = p
            .body("/v1/videos", Some(json!({"title": "é".repeat(40)})))
            .unwrap();
        assert_eq!(out["_truncated"], json!(true));
        assert_eq!(out["original_bytes"], json!(92));
        let prefix = out["prefix"].as_str().unwrap();
        assert!(
            prefix.len() <= 16 && prefix.starts_with("{\"title\":\""),
            "{prefix}"
        );
        let small = json!({"a": 1});
        assert_eq!(p.body("/v1/videos", Some(small.clone())), Some(small));
    }

    #[test]
    fn truncation_happens_after_redaction() {
        let p = RedactionPolicy {
            max_body_bytes: 40,
            ..Default::default()
        };
        let out = p
            .body(
                "/v1/x",
                Some(json!({"password": "hunter2hunter2", "pad": "x".repeat(100)})),
            )
            .unwrap();
        assert!(!out.to_string().contains("hunter2"), "{out}");
    }

    #[test]
    fn schemes_without_a_separated_credential_are_left_alone() {
        assert_eq!(mask_credentials("bearerbearer basic"), "bearerbearer basic");
        assert_eq!(
            mask_credentials("BEARERbasic abc.def bearer\t\tx"),
            "BEARERbasic [REDACTED] bearer\t\t[REDACTED]"
        );
        assert_eq!(mask_credentials("bearer   !"), "bearer   !");
        assert_eq!(
            mask_credentials("bearer Bearer abc basic BASIC xyz"),
            "bearer Bearer [REDACTED] basic BASIC [REDACTED]"
        );
    }

    #[test]
    fn a_key_is_judged_as_sent_even_when_masking_changes_it() {
        let out = RedactionPolicy::default().redact(json!({
            "Bearer password": "hunter2",
            "ada@example.com": {"token": "t"},
        }));
        assert_eq!(
            out,
            json!({"Bearer [REDACTED]": MASK, "[EMAIL]": {"token": MASK}})
        );
    }

    /// A mebibyte of adversarial text, in a string value and as a key: each body costs one
    /// linear pass. Release builds take milliseconds for all of them (docs/SECURITY.md); the
    /// bound of 2 s per body holds in a debug build on a slow machine, while the quadratic
    /// scheme search this replaced (one search of the rest of the text per `bearer` found)
    /// took far longer on the first body alone.
    #[test]
    fn redacting_a_mebibyte_of_adversarial_text_takes_linear_time() {
        const MIB: usize = 1 << 20;
        let fill = |unit: &str| unit.repeat(MIB / unit.len());
        let policy = RedactionPolicy::default();
        let drop = RedactionPolicy {
            key_action: KeyAction::Drop,
            ..Default::default()
        };
        let units = [
            "bearer ",
            "basic ",
            "token=",
            "Bearer",
            "BASIC\t",
            "bearer basic token= ",
            "a@",
            "a.",
            "x@y.",
            "passwor",
        ];
        for unit in units {
            for body in [
                json!({ "text": fill(unit) }),
                json!({ fill(unit): fill(unit) }),
            ] {
                for p in [&policy, &drop] {
                    let started = std::time::Instant::now();
                    let out = p.redact(body.clone());
                    let elapsed = started.elapsed();
                    println!("redact 1 MiB of {unit:?}: {elapsed:?}");
                    assert!(out.is_object());
                    assert!(
                        elapsed < std::time::Duration::from_secs(2),
                        "{unit:?}: {elapsed:?}"
                    );
                }
            }
        }
    }

    /// Words that can never form a sensitive key, an email or a credential.
    fn safe_text() -> impl Strategy<Value = String> {
        "[a-d0-9 ]{0,12}"
    }

    fn random_case(word: &'static str) -> impl Strategy<Value = String> {
        proptest::collection::vec(any::<bool>(), word.len()).prop_map(move |upper| {
            word.chars()
                .zip(upper)
                .map(|(c, u)| if u { c.to_ascii_uppercase() } else { c })
                .collect()
        })
    }

    /// A sensitive key as clients spell it: any case, with a prefix and separator around it.
    fn sensitive_key() -> impl Strategy<Value = String> {
        let word = prop_oneof![
            random_case("password"),
            random_case("token"),
            random_case("authorization"),
            random_case("api_key"),
            random_case("api-key"),
            random_case("secret"),
            random_case("cookie"),
            random_case("set-cookie"),
        ];
        (
            prop_oneof![
                Just(""),
                Just("x-"),
                Just("access_"),
                Just("client"),
                Just("new_"),
                Just("current_")
            ],
            word,
            prop_oneof![Just(""), Just("_id"), Just("Hash")],
        )
            .prop_map(|(pre, w, post)| format!("{pre}{w}{post}"))
    }

    /// Every planted secret carries a marker that must not survive redaction.
    fn planted() -> impl Strategy<Value = Value> {
        prop_oneof![
            (sensitive_key(), "[a-z0-9]{1,8}")
                .prop_map(|(k, v)| json!({ k: format!("SEKRIT{v}") })),
            (sensitive_key(), "[a-z0-9]{1,8}")
                .prop_map(|(k, v)| json!({ k: {"inner": [format!("SEKRIT{v}")]} })),
            (
                safe_text(),
                "[a-z0-9._+-]{0,8}",
                "[a-z0-9]{1,8}",
                safe_text()
            )
                .prop_map(|(a, local, domain, b)| json!(format!(
                    "{a} zSEKRIT{local}@{domain}.example {b}"
                ))),
            (
                safe_text(),
                prop_oneof![random_case("bearer"), random_case("basic")],
                "[A-Za-z0-9._~+/=-]{0,20}",
                safe_text()
            )
                .prop_map(|(a, scheme, t, b)| json!(format!("{a} {scheme} SEKRIT{t} {b}"))),
        ]
    }

    /// Units an attacker repeats to slow redaction down or hide a secret in the noise.
    /// Without `@`: the main property also checks that no `@` survives.
    fn run() -> impl Strategy<Value = &'static str> {
        prop_oneof![
            Just("bearer "),
            Just("Basic "),
            Just("bearer"),
            Just("token="),
            Just("passwor"),
            Just("x.y."),
        ]
    }

    /// Long runs of schemes, key fragments and `@` around a planted email and credential
    /// (a credential's token may end at an `@`, which then stays: only secrets are checked).
    fn at_runs() -> impl Strategy<Value = String> {
        (
            prop_oneof![
                run(),
                Just("a@"),
                Just("x.y@"),
                Just("@."),
                Just("bearer @")
            ],
            1..2_000usize,
            "[a-z0-9]{1,8}",
        )
            .prop_map(|(unit, n, v)| {
                format!(
                    "{}zSEKRIT{v}@mail.example {} Bearer SEKRIT{v}",
                    unit.repeat(n),
                    unit.repeat(n)
                )
            })
    }

    /// What an attacker sends to slow redaction down or slip past it: long runs around a
    /// planted secret, huge keys holding a sensitive word, deep nesting.
    fn adversarial() -> impl Strategy<Value = Value> {
        prop_oneof![
            (run(), 1..2_000usize, "[a-z0-9]{1,8}").prop_map(|(unit, n, v)| {
                json!(format!(
                    "{} Bearer SEKRIT{v} {}",
                    unit.repeat(n),
                    unit.repeat(n)
                ))
            }),
            (run(), 1..2_000usize, sensitive_key(), "[a-z0-9]{1,8}").prop_map(
                |(unit, n, key, v)| {
                    let huge = format!("{}{key}{}", unit.repeat(n), unit.repeat(n));
                    json!({ huge: format!("SEKRIT{v}") })
                }
            ),
            (planted(), 1..100usize).prop_map(|(secret, depth)| {
                (0..depth).fold(secret, |inner, d| {
                    if d % 2 == 0 {
                        json!([inner])
                    } else {
                        json!({ "n": inner })
                    }
                })
            }),
        ]
    }

    fn json_with_secrets() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            4 => Just(Value::Null),
            4 => any::<bool>().prop_map(Value::from),
            4 => any::<i32>().prop_map(Value::from),
            4 => safe_text().prop_map(Value::from),
            4 => planted(),
            1 => adversarial(),
        ];
        leaf.prop_recursive(6, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map("[a-d]{1,6}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn no_planted_secret_survives_redaction(value in json_with_secrets()) {
            let out = RedactionPolicy::default().redact(value).to_string();
            prop_assert!(!out.contains("SEKRIT"), "a secret survived: {}", out);
            prop_assert!(!out.contains('@'), "an email survived: {}", out);
        }

        #[test]
        fn no_planted_secret_survives_runs_of_at_signs(text in at_runs()) {
            let out = RedactionPolicy::default().redact(json!({ "t": text })).to_string();
            prop_assert!(!out.contains("SEKRIT"), "a secret survived: {}", out);
        }

        #[test]
        fn no_planted_secret_survives_the_drop_policy_either(value in json_with_secrets()) {
            let policy = RedactionPolicy { key_action: KeyAction::Drop, ..Default::default() };
            let out = policy.redact(value).to_string();
            prop_assert!(!out.contains("SEKRIT"), "a secret survived: {}", out);
        }
    }
}
