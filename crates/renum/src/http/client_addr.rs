//! The client's address: the TCP peer, or, when the peer is a trusted proxy, the address that
//! proxy says it forwarded for. A forwarded header from anyone else is ignored: believing it
//! would let any client choose its own throttle bucket and audit-trail address.

use std::net::IpAddr;

use axum::http::HeaderMap;
use axum::http::header::FORWARDED;
use ipnet::IpNet;

/// `RENUM_TRUSTED_PROXIES`: the networks whose `X-Forwarded-For` / `Forwarded` is believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>) -> Self {
        Self(networks)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request that arrived from `peer`. Through trusted proxies, the
    /// forwarded chain is read from the nearest hop outwards and the first address that is
    /// not itself a trusted proxy is the client (the leftmost entries are whatever the client
    /// sent, so they are never taken on trust). An unreadable entry stops the walk at the last
    /// trusted hop.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let chain = forwarded_for(headers);
        let mut client = peer;
        for hop in chain.iter().rev() {
            let Some(ip) = hop else { break };
            client = canonical(*ip);
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

/// An IPv4-mapped IPv6 peer (a dual-stack listener) as its IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The forwarded-for chain, client first: `X-Forwarded-For` when present, else the `for=`
/// parameters of `Forwarded` (RFC 7239). `None` for an entry that is not an address
/// (`unknown`, an obfuscated name, garbage).
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let xff: Vec<_> = headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("?").split(','))
        .map(|hop| parse_hop(hop.trim()))
        .collect();
    if !xff.is_empty() {
        return xff;
    }
    headers
        .get_all(FORWARDED)
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("for=?").split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (key, value) = pair.trim().split_once('=')?;
                key.eq_ignore_ascii_case("for").then(|| parse_hop(value))
            })
        })
        .collect()
}

/// `203.0.113.7`, `203.0.113.7:4711`, `2001:db8::1`, `"[2001:db8::1]:4711"`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim().trim_matches('"');
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    let (host, port) = hop.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse().ok()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::new(list.iter().map(|n| n.parse().unwrap()).collect())
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_forwarded_header_from_an_untrusted_peer_is_ignored() {
        let h = headers(&[("x-forwarded-for", "198.51.100.1")]);
        assert_eq!(
            TrustedProxies::default().client_ip(ip("203.0.113.9"), &h),
            ip("203.0.113.9")
        );
        assert_eq!(
            proxies(&["10.0.0.0/8"]).client_ip(ip("203.0.113.9"), &h),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn the_first_untrusted_hop_from_the_right_is_the_client() {
        let p = proxies(&["10.0.0.0/8", "2001:db8:ffff::/48"]);
        // The client prepended a lie; the edge proxy appended the real address.
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4, 198.51.100.7"),
            ("x-forwarded-for", "10.1.1.1"),
        ]);
        assert_eq!(p.client_ip(ip("10.0.0.2"), &h), ip("198.51.100.7"));
        let all_trusted = headers(&[("x-forwarded-for", "10.9.9.9")]);
        assert_eq!(p.client_ip(ip("10.0.0.2"), &all_trusted), ip("10.9.9.9"));
        let garbage = headers(&[("x-forwarded-for", "1.2.3.4, nonsense")]);
        assert_eq!(p.client_ip(ip("10.0.0.2"), &garbage), ip("10.0.0.2"));
        assert_eq!(
            p.client_ip(ip("::ffff:10.0.0.2"), &HeaderMap::new()),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn the_standard_forwarded_header_is_read_too() {
        let p = proxies(&["127.0.0.0/8"]);
        let h = headers(&[(
            "forwarded",
            "for=192.0.2.60;proto=https, for=\"[2001:db8:cafe::17]:4711\"",
        )]);
        assert_eq!(p.client_ip(ip("127.0.0.1"), &h), ip("2001:db8:cafe::17"));
        let v4_port = headers(&[("forwarded", "For=\"198.51.100.3:8080\"")]);
        assert_eq!(p.client_ip(ip("127.0.0.1"), &v4_port), ip("198.51.100.3"));
    }
}
