//! `--resolve` and `--connect-to`, read as curl 7.88 reads them.
//!
//! `--resolve [+]HOST:PORT:ADDR[,ADDR]...` gives the addresses of a name on a port (an address
//! may be in brackets; `+`, curl's "entry that times out", is the same here: a run is short).
//! `-HOST:PORT` drops an earlier entry. `*` as HOST applies to every host on that port that
//! has no entry of its own: here, to the hosts of the URLs on the command line and of the `-x`
//! proxy (a host first reached by a redirect is resolved as usual). An entry curl cannot read is
//! its exit 49 (`CURLE_SETOPT_OPTION_SYNTAX`).
//!
//! `--connect-to HOST1:PORT1:HOST2:PORT2`: connections meant for HOST1:PORT1 go to HOST2:PORT2
//! (empty HOST1 or PORT1: any; empty HOST2 or PORT2: unchanged; an IPv6 address in brackets).
//! As in curl, a rule is only looked at when a URL's host and port match it: a rule that can
//! match nothing is ignored, and one whose target has a bad port fails (49) the transfer it
//! matches. The first matching rule applies; one that names neither a host nor a port to go to
//! is skipped (curl goes on to the next).

use std::net::IpAddr;

/// The exit code of an entry or rule curl cannot use.
pub const SYNTAX: i32 = 49;

/// One name's addresses on one port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolve {
    /// Lowercase, as curl keys its DNS cache.
    pub host: String,
    pub port: u16,
    pub addrs: Vec<IpAddr>,
}

/// The `--resolve` entries in force after reading them all in order, the wildcard (`*`) ones
/// applied to `hosts` (host, port pairs the run will connect to).
pub fn resolve_entries(list: &[String], hosts: &[(String, u16)]) -> Result<Vec<Resolve>, (i32, String)> {
    let mut entries: Vec<Resolve> = Vec::new();
    for item in list {
        if let Some(removal) = item.strip_prefix('-') {
            // "-HOST:PORT"; curl ignores one it cannot read
            if let Some((host, port)) = removal.split_once(':') {
                if let (false, Ok(port)) = (host.is_empty(), leading_int(port)) {
                    let host = host.to_ascii_lowercase();
                    entries.retain(|e| !(e.host == host && i64::from(e.port) == port));
                }
            }
            continue;
        }
        let entry =
            parse_resolve(item).ok_or_else(|| (SYNTAX, format!("Couldn't parse CURLOPT_RESOLVE entry '{item}'")))?;
        entries.retain(|e| !(e.host == entry.host && e.port == entry.port));
        entries.push(entry);
    }
    let (wild, mut specific): (Vec<Resolve>, Vec<Resolve>) = entries.into_iter().partition(|e| e.host == "*");
    for w in wild {
        for (host, port) in hosts {
            let host = host.to_ascii_lowercase();
            let known = specific.iter().any(|e| e.host == host && e.port == *port);
            if *port == w.port && !known && host.parse::<IpAddr>().is_err() {
                specific.push(Resolve {
                    host,
                    port: w.port,
                    addrs: w.addrs.clone(),
                });
            }
        }
    }
    Ok(specific)
}

/// `[+]HOST:PORT:ADDR[,ADDR]...`
fn parse_resolve(item: &str) -> Option<Resolve> {
    let item = item.strip_prefix('+').unwrap_or(item);
    let (host, rest) = item.split_once(':')?;
    let (port, addrs) = rest.split_once(':')?;
    if host.len() >= 256 || port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let port = port.parse::<u16>().ok()?;
    let mut list = Vec::new();
    for a in addrs.split(',') {
        let a = match a.strip_prefix('[') {
            Some(inner) => inner.strip_suffix(']')?,
            None => a,
        };
        if a.is_empty() {
            continue;
        }
        list.push(a.parse::<IpAddr>().ok()?);
    }
    (!list.is_empty()).then(|| Resolve {
        host: host.to_ascii_lowercase(),
        port,
        addrs: list,
    })
}

/// C's `%d`/`strtol`: an optional sign and the digits that follow, the rest ignored.
fn leading_int(s: &str) -> Result<i64, ()> {
    let s = s.trim_start();
    let (sign, digits) = match s.strip_prefix('-') {
        Some(d) => (-1, d),
        None => (1, s.strip_prefix('+').unwrap_or(s)),
    };
    let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
    digits[..end].parse::<i64>().map(|n| sign * n).map_err(|_| ())
}

/// One `--connect-to` rule that can match something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectTo {
    /// As written (an IPv6 address in brackets, as the URL's host is); empty: any.
    pub host: String,
    /// 0: any.
    pub port: u16,
    /// Where to connect (empty host, port 0: unchanged), or why the target is unusable.
    pub to: Result<(String, u16), String>,
}

impl ConnectTo {
    /// Does the rule apply to a URL with this host (as `Url::host_str` gives it) and port?
    pub fn matches(&self, host: &str, port: u16) -> bool {
        (self.host.is_empty() || self.host.eq_ignore_ascii_case(host)) && (self.port == 0 || self.port == port)
    }
}

/// The rules that can match something, in order.
pub fn connect_rules(list: &[String]) -> Vec<ConnectTo> {
    list.iter().filter_map(|s| parse_connect_to(s)).collect()
}

/// `HOST1:PORT1:HOST2:PORT2`; `None` for a rule that never applies (curl compares the URL's
/// host and port with the text and skips what does not match) or that changes nothing.
fn parse_connect_to(s: &str) -> Option<ConnectTo> {
    let (host, rest) = if let Some(rest) = s.strip_prefix(':') {
        ("", rest)
    } else if s.starts_with('[') {
        let end = s.find("]:")?;
        (&s[..=end], &s[end + 2..])
    } else {
        s.split_once(':')?
    };
    let (port, target) = match rest.strip_prefix(':') {
        Some(target) => (0, target),
        None => {
            let (port, target) = rest.split_once(':')?;
            // curl compares the number (all of the text) with the URL's port: one that is no
            // port never matches
            let n = port
                .trim_start()
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=65535).contains(n))?;
            (n as u16, target)
        }
    };
    // a target with neither host nor port changes nothing, and curl goes on to the next rule
    let to = parse_target(target);
    if to.as_ref().is_ok_and(|(h, p)| h.is_empty() && *p == 0) {
        return None;
    }
    Some(ConnectTo {
        host: host.to_string(),
        port,
        to,
    })
}

/// `HOST2:PORT2`, either part empty; HOST2 may be an IPv6 address in brackets.
fn parse_target(s: &str) -> Result<(String, u16), String> {
    let (host, after) = match s.strip_prefix('[') {
        Some(inner) => match inner.find(']') {
            Some(end) => (&inner[..end], &inner[end + 1..]),
            None => {
                let end = inner.find(|c: char| !(c.is_ascii_hexdigit() || c == ':' || c == '.'));
                let end = end.unwrap_or(inner.len());
                (&inner[..end], &inner[end..])
            }
        },
        None => match s.find(':') {
            Some(i) => (&s[..i], &s[i..]),
            None => (s, ""),
        },
    };
    let port = match after.find(':').map(|i| &after[i + 1..]) {
        None | Some("") => 0,
        Some(p) => match p.parse::<u32>() {
            Ok(n) if n <= 65535 && p.bytes().all(|b| b.is_ascii_digit()) => n as u16,
            _ => return Err(format!("No valid port number in connect to host string ({p})")),
        },
    };
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    Ok((host, port))
}

/// The rule that applies to a URL's host and port, as curl picks it: the first that matches.
pub fn rule_for<'a>(rules: &'a [ConnectTo], host: &str, port: u16) -> Option<&'a ConnectTo> {
    rules.iter().find(|r| r.matches(host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn resolve_entries_as_curl_reads_them() {
        let got = resolve_entries(
            &strings(&[
                "Example.COM:443:127.0.0.1,[::1],",
                "+b.test:80:::1",
                "c.test:80:10.0.0.1",
                "-c.test:80",
                "-nonsense",
                "b.test:80:10.0.0.2",
            ]),
            &[],
        )
        .unwrap();
        assert_eq!(
            got,
            [
                Resolve {
                    host: "example.com".into(),
                    port: 443,
                    addrs: vec![ip("127.0.0.1"), ip("::1")]
                },
                Resolve {
                    host: "b.test".into(),
                    port: 80,
                    addrs: vec![ip("10.0.0.2")]
                },
            ]
        );
        for bad in [
            "h:80",
            "h:80:",
            "h:99999:1.2.3.4",
            "h:x:1.2.3.4",
            "h:80:notanip",
            "h:80:[::1",
            "h",
        ] {
            let err = resolve_entries(&strings(&[bad]), &[]).unwrap_err();
            assert_eq!(err.0, 49, "{bad}");
            assert!(err.1.contains(bad), "{}", err.1);
        }
    }

    #[test]
    fn a_wildcard_resolves_the_hosts_without_an_entry_of_their_own() {
        let hosts = [
            ("a.test".to_string(), 80),
            ("b.test".to_string(), 80),
            ("c.test".to_string(), 81),
            ("127.0.0.1".to_string(), 80),
        ];
        let got = resolve_entries(&strings(&["*:80:10.0.0.9", "b.test:80:10.0.0.2"]), &hosts).unwrap();
        let pairs: Vec<(&str, IpAddr)> = got.iter().map(|e| (e.host.as_str(), e.addrs[0])).collect();
        assert_eq!(pairs, [("b.test", ip("10.0.0.2")), ("a.test", ip("10.0.0.9"))]);
    }

    #[test]
    fn connect_to_rules_as_curl_reads_them() {
        let rule = |s: &str| parse_connect_to(s);
        let ok = |host: &str, port: u16, to: &str, to_port: u16| {
            Some(ConnectTo {
                host: host.into(),
                port,
                to: Ok((to.into(), to_port)),
            })
        };
        assert_eq!(rule("a.test:80:127.0.0.1:8080"), ok("a.test", 80, "127.0.0.1", 8080));
        assert_eq!(rule("::b.test:"), ok("", 0, "b.test", 0));
        assert_eq!(rule("a.test:443::8443"), ok("a.test", 443, "", 8443));
        assert_eq!(rule("[::1]:80:[::2]:81"), ok("[::1]", 80, "[::2]", 81));
        assert_eq!(rule(":80:[fe80::1]"), ok("", 80, "[fe80::1]", 0));
        assert_eq!(rule("a.test:+80:b:1"), ok("a.test", 80, "b", 1));
        for never in [
            "garbage",
            "a.test:80",
            "a.test:x:b:1",
            "a.test:0:b:1",
            "a.test:80:",
            "a.test:80::",
            "::",
            ":::",
        ] {
            assert_eq!(rule(never), None, "{never}");
        }
        let bad = rule("a.test:80:b.test:abc").unwrap();
        assert_eq!(
            bad.to,
            Err("No valid port number in connect to host string (abc)".into())
        );
        assert!(rule("a.test:80:b.test:70000").unwrap().to.is_err());
    }

    #[test]
    fn the_first_matching_rule_applies() {
        let rules = connect_rules(&strings(&[
            "a.test:80:",
            "A.test:80:x:1",
            ":80:y:2",
            "::z:3",
            "c.test:::",
        ]));
        assert_eq!(rule_for(&rules, "a.test", 80).unwrap().to, Ok(("x".into(), 1)));
        assert_eq!(rule_for(&rules, "b.test", 80).unwrap().to, Ok(("y".into(), 2)));
        assert_eq!(rule_for(&rules, "b.test", 443).unwrap().to, Ok(("z".into(), 3)));
        assert_eq!(rules.len(), 3, "a rule with nothing to go to is skipped");
    }
}
