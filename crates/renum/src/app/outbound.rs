//! Outbound URLs: the rule for every URL that renum, or a provider on renum's behalf, fetches
//! (a video's media URLs, the publish webhook, the OpusClip API, a clip download). Such a URL is
//! `http(s)` without credentials to a public host, so a tenant cannot aim renum or OpusClip at
//! loopback, the private network or a cloud metadata service (SSRF). A literal address is
//! judged here; a name is judged again after resolution by `crate::net`'s resolver.
//! `--allow-private-urls` lifts the host rule (not the scheme and credentials rules) for
//! local development against the OpusClip simulator.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use super::AppError;

/// Whether private hosts are allowed; the default refuses them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutboundPolicy {
    pub allow_private: bool,
}

/// Why a URL was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    Unparsable,
    Scheme,
    Credentials,
    PrivateHost,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Refusal::Unparsable => "must be an absolute http(s) URL",
            Refusal::Scheme => "must be an http or https URL",
            Refusal::Credentials => "must not carry credentials (user:password@)",
            Refusal::PrivateHost => {
                "must point at a public host, not loopback, a private or link-local network, \
                 or a metadata service"
            }
        })
    }
}

impl std::error::Error for Refusal {}

impl OutboundPolicy {
    /// The URL, parsed, if renum may fetch it.
    pub fn check(&self, raw: &str) -> Result<Url, Refusal> {
        let url = Url::parse(raw).map_err(|_| Refusal::Unparsable)?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Refusal::Scheme);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Refusal::Credentials);
        }
        let public = match url.host() {
            None => return Err(Refusal::Unparsable),
            Some(Host::Domain(name)) => !is_reserved_name(name),
            Some(Host::Ipv4(ip)) => is_public_ip(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => is_public_ip(IpAddr::V6(ip)),
        };
        if !public && !self.allow_private {
            return Err(Refusal::PrivateHost);
        }
        Ok(url)
    }

    /// A tenant's URL field: its normalized form (what was checked is what is stored), or a
    /// 400 naming the field.
    pub fn field(&self, field: &'static str, raw: &str) -> Result<String, AppError> {
        self.check(raw)
            .map(String::from)
            .map_err(|refusal| AppError::invalid(field, refusal.to_string()))
    }

    /// [`OutboundPolicy::field`] over a nullable value.
    pub fn optional(
        &self,
        field: &'static str,
        raw: Option<String>,
    ) -> Result<Option<String>, AppError> {
        raw.map(|raw| self.field(field, &raw)).transpose()
    }

    /// [`OutboundPolicy::optional`] over a patch (`Some(None)` clears the field).
    pub fn patched(
        &self,
        field: &'static str,
        raw: Option<Option<String>>,
    ) -> Result<Option<Option<String>>, AppError> {
        raw.map(|raw| self.optional(field, raw)).transpose()
    }

    /// An operator's URL (the value of `flag`), checked at start-up: the refusal is one line
    /// naming the flag, with the URL shown without its secrets.
    pub fn operator_url(&self, flag: &str, raw: &str) -> anyhow::Result<()> {
        self.check(raw).map(drop).map_err(|refusal| {
            let hint = match refusal {
                Refusal::PrivateHost => " (--allow-private-urls admits it, for development)",
                _ => "",
            };
            anyhow::anyhow!("{flag} {}: {refusal}{hint}", shown(raw))
        })
    }

    /// Whether a resolved address may be connected to.
    pub fn allows(&self, ip: IpAddr) -> bool {
        self.allow_private || is_public_ip(ip)
    }
}

/// Names that always mean this machine or a cloud metadata service, whatever DNS says.
fn is_reserved_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name == "metadata.google.internal"
        || name == "metadata"
}

/// Whether an address is globally reachable: not unspecified, loopback, private (RFC 1918,
/// fc00::/7), link-local (169.254/16 with the metadata address, fe80::/10), CGNAT
/// (100.64/10), multicast, broadcast, reserved, benchmarking or documentation; IPv6 forms
/// that embed an IPv4 address (mapped, compatible, NAT64) are judged by that address.
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0 // "this network", 0.0.0.0 included
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments 192.0.0/24
        || (a == 198 && (b == 18 || b == 19)) // benchmarking 198.18/15
        || ip.is_documentation()
        || ip.is_multicast()
        || a >= 240) // reserved 240/4 and the broadcast address
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_unique_local() // fc00::/7, fd00:ec2::254 included
        || ip.is_unicast_link_local() // fe80::/10
        || (segments[0] & 0xffc0) == 0xfec0 // deprecated site-local fec0::/10
        || ip.is_multicast()
        || (segments[0] == 0x2001 && segments[1] == 0x0db8) // documentation 2001:db8::/32
        || (segments[0] & 0xfff0) == 0x3ff0) // documentation 3fff::/20
}

/// The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) or
/// NAT64 (64:ff9b::a.b.c.d) address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let [.., a, b, c, d] = ip.octets();
    let tail = Ipv4Addr::new(a, b, c, d);
    match ip.segments() {
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(tail),
        // :: and ::1 are themselves, not IPv4 0.0.0.0 and 0.0.0.1 (both refused either way).
        [0, 0, 0, 0, 0, 0, _, _] if !ip.is_unspecified() && !ip.is_loopback() => Some(tail),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(tail),
        _ => None,
    }
}

/// A URL as it may be shown in an error or a log: without user information, query and
/// fragment (where tokens travel). Unparsable text is not shown at all.
pub fn shown(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(mut url) => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.set_query(None);
            url.set_fragment(None);
            url.into()
        }
        Err(_) => "(unparsable URL)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DENY: OutboundPolicy = OutboundPolicy {
        allow_private: false,
    };
    const ALLOW: OutboundPolicy = OutboundPolicy {
        allow_private: true,
    };

    #[test]
    fn public_http_urls_pass_normalized() {
        assert_eq!(
            DENY.check("https://Media.Example/talk.mp4?sig=1")
                .unwrap()
                .as_str(),
            "https://media.example/talk.mp4?sig=1"
        );
        assert!(DENY.check("http://93.184.215.14:8080/a").is_ok());
        assert!(
            DENY.check("http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/")
                .is_ok()
        );
    }

    #[test]
    fn schemes_credentials_and_garbage_are_refused_even_when_private_is_allowed() {
        for (raw, why) in [
            ("ftp://media.example/a", Refusal::Scheme),
            ("file:///etc/passwd", Refusal::Scheme),
            ("gopher://media.example/", Refusal::Scheme),
            ("javascript:alert(1)", Refusal::Scheme),
            ("https://user:pass@media.example/a", Refusal::Credentials),
            ("https://user@media.example/a", Refusal::Credentials),
            ("media.example/a", Refusal::Unparsable),
            ("", Refusal::Unparsable),
        ] {
            assert_eq!(DENY.check(raw).unwrap_err(), why, "{raw}");
            assert_eq!(ALLOW.check(raw).unwrap_err(), why, "{raw}");
        }
    }

    #[test]
    fn private_hosts_are_refused_unless_allowed() {
        for raw in [
            "http://127.0.0.1/",
            "http://127.1/",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0.0.0.0/",
            "http://10.1.2.3/",
            "http://172.16.0.1/",
            "http://192.168.1.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://100.64.0.1/",
            "http://224.0.0.1/",
            "http://255.255.255.255/",
            "http://192.0.2.1/",
            "http://198.51.100.1/",
            "http://203.0.113.1/",
            "http://198.18.0.1/",
            "http://[::]/",
            "http://[::1]/",
            "http://[fc00::1]/",
            "http://[fd00:ec2::254]/",
            "http://[fe80::1]/",
            "http://[ff02::1]/",
            "http://[2001:db8::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:169.254.169.254]/",
            "http://[::ffff:10.0.0.1]/",
            "http://[::127.0.0.1]/",
            "http://[64:ff9b::a9fe:a9fe]/",
            "http://localhost:8080/",
            "http://LOCALHOST./",
            "http://api.localhost/",
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://metadata/",
        ] {
            assert_eq!(DENY.check(raw).unwrap_err(), Refusal::PrivateHost, "{raw}");
            assert!(ALLOW.check(raw).is_ok(), "{raw}");
        }
    }

    #[test]
    fn resolved_addresses_are_judged_by_the_same_ranges() {
        assert!(!DENY.allows("127.0.0.1".parse().unwrap()));
        assert!(!DENY.allows("::ffff:192.168.0.1".parse().unwrap()));
        assert!(DENY.allows("93.184.215.14".parse().unwrap()));
        assert!(ALLOW.allows("127.0.0.1".parse().unwrap()));
    }

    #[test]
    fn shown_urls_lose_userinfo_query_and_fragment() {
        assert_eq!(
            shown("https://bot:s3cret@hooks.example/p/x?token=abc#frag"),
            "https://hooks.example/p/x"
        );
        assert_eq!(shown("not a url"), "(unparsable URL)");
    }

    #[test]
    fn fields_are_named_in_the_refusal() {
        let err = DENY
            .field("thumbnail_url", "http://10.0.0.1/t.png")
            .unwrap_err();
        assert!(matches!(
            err,
            AppError::Invalid {
                field: "thumbnail_url",
                ..
            }
        ));
        assert_eq!(DENY.optional("video_raw_url", None).unwrap(), None);
    }
}
