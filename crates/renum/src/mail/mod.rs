//! Mail: the messages renum sends and how they leave.
//!
//! A message is rendered from a template kept in the repository (`templates/`, plain text and
//! HTML) and written to `mail_outbox` in the transaction of the action that causes it
//! ([`Template::render`], then `tx.mail_outbox().enqueue`): a committed action always has its
//! mail, a rolled-back one never does. The sender ([`sender`]) delivers the outbox over SMTP
//! in `renum serve` and `renum worker`; without `RENUM_SMTP_URL` messages wait in the outbox,
//! where `renum mail outbox` shows them to a developer.

pub mod sender;

use renum_db::enums::MailKind;
use renum_db::ids::MailId;
use renum_db::models::MailInsert;

pub use sender::{MailArgs, MailSender, SenderConfig};

/// A message's subject and bodies, with `{{name}}` placeholders.
pub struct Template {
    kind: MailKind,
    subject: &'static str,
    text: &'static str,
    html: &'static str,
}

pub const PASSWORD_RESET: Template = Template {
    kind: MailKind::PasswordReset,
    subject: "Reset your renum password",
    text: include_str!("templates/password_reset.txt"),
    html: include_str!("templates/password_reset.html"),
};

pub const EMAIL_VERIFICATION: Template = Template {
    kind: MailKind::EmailVerification,
    subject: "Confirm your email address for renum",
    text: include_str!("templates/email_verification.txt"),
    html: include_str!("templates/email_verification.html"),
};

pub const INVITATION: Template = Template {
    kind: MailKind::Invitation,
    subject: "You are invited to join a team on renum",
    text: include_str!("templates/invitation.txt"),
    html: include_str!("templates/invitation.html"),
};

impl Template {
    /// The message to `recipient` with every `{{key}}` replaced by its value: as is in the
    /// text body, HTML-escaped in the HTML body (a user's name is theirs to choose).
    pub fn render(&self, recipient: &str, values: &[(&str, &str)]) -> MailInsert {
        MailInsert {
            id: MailId::new(),
            kind: self.kind,
            recipient: recipient.to_owned(),
            subject: self.subject.to_owned(),
            body_text: substitute(self.text, values, |v| v.to_owned()),
            body_html: substitute(self.html, values, escape_html),
        }
    }
}

fn substitute(template: &str, values: &[(&str, &str)], encode: impl Fn(&str) -> String) -> String {
    let mut out = template.to_owned();
    for (key, value) in values {
        out = out.replace(&format!("{{{{{key}}}}}"), &encode(value));
    }
    out
}

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Where a message's links point: the web app (`RENUM_APP_URL`). The token travels in the
/// fragment, which browsers never send to a server, so it stays out of access logs and
/// `Referer` headers; the app posts it to the API.
#[derive(Clone, Debug)]
pub struct Links {
    pub app_url: String,
}

impl Links {
    pub fn to(&self, page: &str, token: &str) -> String {
        format!(
            "{}/{page}#token={token}",
            self.app_url.trim_end_matches('/')
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_substitute_every_placeholder_and_escape_html() {
        let mail = PASSWORD_RESET.render(
            "ada@example.com",
            &[
                ("name", "<b>Ada</b> & \"co\""),
                ("link", "https://app/x#token=t"),
            ],
        );
        assert!(mail.body_text.contains("Hello <b>Ada</b> & \"co\","));
        assert!(
            mail.body_html
                .contains("Hello &lt;b&gt;Ada&lt;/b&gt; &amp; &quot;co&quot;,")
        );
        assert!(
            mail.body_html
                .contains(r#"<a href="https://app/x#token=t">"#)
        );
        for body in [&mail.body_text, &mail.body_html] {
            assert!(!body.contains("{{"), "{body}");
        }
        let mail = EMAIL_VERIFICATION.render("a@b.c", &[("name", "A"), ("link", "L")]);
        assert!(!mail.body_text.contains("{{") && !mail.body_html.contains("{{"));
    }
}
