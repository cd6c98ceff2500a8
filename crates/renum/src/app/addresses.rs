//! The client address as renum shows it, and keeps it once the whole address is no longer
//! needed: the /24 network of an IPv4 address, the /48 of an IPv6 one (an IPv4-mapped IPv6
//! address counts as its IPv4 address). Enough to tell a user's networks apart, not to single
//! out a host (docs/SECURITY.md, "Sessions" and "Audit trail").

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// `203.0.113.0/24` for 203.0.113.7, `2001:db8:1::/48` for 2001:db8:1:2::5.
pub fn prefix(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{}/24", Ipv4Addr::new(a, b, c, 0))
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{}/48", Ipv6Addr::new(s[0], s[1], s[2], 0, 0, 0, 0, 0))
        }
    }
}

/// The prefix of an address as stored (`sessions.ip`, `auth_events.ip`): a stored prefix is
/// already one and stays as it is; text that is neither is not shown (`None`).
pub fn stored_prefix(stored: &str) -> Option<String> {
    if is_prefix(stored) {
        return Some(stored.to_owned());
    }
    stored.parse().ok().map(prefix)
}

/// Whether stored text is already a prefix (what retention leaves), not a whole address.
fn is_prefix(stored: &str) -> bool {
    stored.contains('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_keeps_its_24_and_ipv6_its_48() {
        assert_eq!(prefix("203.0.113.7".parse().unwrap()), "203.0.113.0/24");
        assert_eq!(
            prefix("2001:db8:1:2::5".parse().unwrap()),
            "2001:db8:1::/48"
        );
        assert_eq!(
            prefix("::ffff:198.51.100.9".parse().unwrap()),
            "198.51.100.0/24"
        );
        assert_eq!(stored_prefix("10.1.2.3").as_deref(), Some("10.1.2.0/24"));
        assert_eq!(stored_prefix("10.1.2.0/24").as_deref(), Some("10.1.2.0/24"));
        assert_eq!(stored_prefix("not an address"), None);
    }
}
