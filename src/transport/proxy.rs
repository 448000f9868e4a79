//! Proxies: which one a URL goes through, and the SOCKS5 handshake.
//!
//! - **HTTP proxies** (`http://[user:pass@]host:port`): a plain `http` request is sent to the
//!   proxy with the absolute URL as its target (RFC 9112 §3.2.2) and `Proxy-Authorization`
//!   (RFC 9110 §11.7.2); an `https` request first asks the proxy for a tunnel with
//!   `CONNECT host:port` (RFC 9110 §9.3.6) and runs TLS inside it, so the proxy sees neither the
//!   request nor the credentials meant for the origin. Both exchanges are HTTP, so the client
//!   layer performs them.
//! - **SOCKS5 proxies** (`socks5://`, `socks5h://`): the byte-level handshake of RFC 1928, with
//!   username/password authentication (RFC 1929), lives here. `socks5` resolves the origin's
//!   name locally and sends an address; `socks5h` sends the name for the proxy to resolve.
//! - **The environment**, as curl and Python `requests` read it: `http_proxy` for `http` URLs
//!   (lower case only: an upper-case `HTTP_PROXY` can be set by a CGI request's `Proxy:` header,
//!   the "httpoxy" hole), `HTTPS_PROXY`/`https_proxy` for `https`, `ALL_PROXY`/`all_proxy` for
//!   both, and `NO_PROXY`/`no_proxy` for exceptions: a comma list of host names (matching the
//!   name and its subdomains, a leading dot optional), IP addresses, CIDR blocks, or `*`.

use crate::error::{Error, ErrorKind, Result, Step};
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr};

/// The protocol spoken to a proxy: the scheme of its URL.
///
/// ```
/// use h1client::{Proxy, ProxyKind};
/// assert_eq!(Proxy::new("socks5h://127.0.0.1:1080")?.kind(), ProxyKind::Socks5h);
/// assert_eq!(Proxy::new("127.0.0.1:3128")?.kind(), ProxyKind::Http);
/// # Ok::<(), h1client::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProxyKind {
    /// An HTTP proxy: absolute-form requests, CONNECT tunnels for https.
    Http,
    /// SOCKS5, the origin's name resolved locally.
    Socks5,
    /// SOCKS5, the origin's name resolved by the proxy.
    Socks5h,
}

/// A proxy server, parsed from a URL such as `http://user:pass@proxy:3128` or
/// `socks5h://127.0.0.1:1080`. Give it to [`AgentBuilder::proxy`](crate::AgentBuilder::proxy).
///
/// ```
/// # let proxy_server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"]);
/// # let proxy_url = proxy_server.base.clone();
/// use h1client::Proxy;
/// let agent = h1client::Agent::builder().proxy(Proxy::new(&proxy_url)?).build(); // http://127.0.0.1:…
/// assert_eq!(agent.get("http://127.0.0.1:9/page").call()?.text()?, "ok");
/// // an HTTP proxy is sent the whole URL (RFC 9112 §3.2.2)
/// assert!(proxy_server.requests()[0].starts_with("GET http://127.0.0.1:9/page HTTP/1.1\r\n"));
/// # Ok::<(), h1client::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    kind: ProxyKind,
    host: String,
    port: u16,
    credentials: Option<(String, String)>,
    /// The identity used in pool keys: kind, host, port and credentials.
    key: String,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // never print the password
        f.debug_struct("Proxy")
            .field("kind", &self.kind)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.credentials.as_ref().map(|(u, _)| u))
            .finish()
    }
}

fn invalid(url: &str, why: &str) -> Error {
    Error::new(
        ErrorKind::InvalidUrl,
        Step::Url,
        format!("proxy {:?}: {why}", redact(url)),
    )
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            format!(
                "{}://***@{}",
                url.get(..s).unwrap_or_default(),
                url.get(at.saturating_add(1)..).unwrap_or_default()
            )
        }
        _ => url.to_string(),
    }
}

impl Proxy {
    /// Parses a proxy URL. Without a scheme, `http://` is assumed (as curl does); the default
    /// port is 1080 for SOCKS and 80 for HTTP (curl uses 1080 for HTTP proxies too, which
    /// nothing else does).
    ///
    /// ```
    /// use h1client::{ErrorKind, Proxy};
    /// let proxy = Proxy::new("127.0.0.1")?;
    /// assert_eq!(proxy.authority(), "127.0.0.1:80"); // http://, port 80
    /// let err = Proxy::new("https://127.0.0.1:3128").unwrap_err(); // TLS to the proxy: not supported
    /// assert_eq!(err.kind(), ErrorKind::InvalidUrl);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn new(url: &str) -> Result<Proxy> {
        // The URL parser drops tabs and line breaks without a word; refuse them instead, as for
        // request URLs: a proxy URL holding them (in its credentials, say) is not what it looks
        // like, and may be an injection attempt.
        if let Some(c) = url.chars().find(|c| c.is_control()) {
            return Err(invalid(url, &format!("contains the control character {c:?}")));
        }
        let with_scheme = if url.contains("://") {
            url.to_string()
        } else {
            format!("http://{url}")
        };
        let parsed = url::Url::parse(&with_scheme).map_err(|e| invalid(url, &e.to_string()))?;
        let (kind, default_port) = match parsed.scheme() {
            "http" => (ProxyKind::Http, 80),
            "socks5" => (ProxyKind::Socks5, 1080),
            "socks5h" => (ProxyKind::Socks5h, 1080),
            "https" => {
                return Err(invalid(
                    url,
                    "https proxies are not supported (use http:// for CONNECT tunnels)",
                ))
            }
            other => return Err(invalid(url, &format!("unsupported proxy scheme {other:?}"))),
        };
        let host = match parsed.host() {
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            Some(h) => h.to_string(),
            None => return Err(invalid(url, "no host")),
        };
        let port = parsed.port().unwrap_or(default_port);
        let credentials = (!parsed.username().is_empty()).then(|| {
            (
                percent_decode(parsed.username()),
                percent_decode(parsed.password().unwrap_or("")),
            )
        });
        let key = match &credentials {
            Some((u, p)) => format!("{}://{u}:{p}@{host}:{port}", parsed.scheme()),
            None => format!("{}://{host}:{port}", parsed.scheme()),
        };
        Ok(Proxy {
            kind,
            host,
            port,
            credentials,
            key,
        })
    }

    /// The protocol spoken to the proxy.
    ///
    /// ```
    /// use h1client::{Proxy, ProxyKind};
    /// assert_eq!(Proxy::new("socks5://127.0.0.1:1080")?.kind(), ProxyKind::Socks5);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn kind(&self) -> ProxyKind {
        self.kind
    }

    /// The proxy's host (an IPv6 address without brackets).
    ///
    /// ```
    /// use h1client::Proxy;
    /// assert_eq!(Proxy::new("http://[::1]:3128")?.host(), "::1");
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The proxy's port: the URL's, else 1080 for SOCKS and 80 for HTTP.
    ///
    /// ```
    /// use h1client::Proxy;
    /// assert_eq!(Proxy::new("http://127.0.0.1:3128")?.port(), 3128);
    /// assert_eq!(Proxy::new("socks5h://127.0.0.1")?.port(), 1080);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The user name and password for the proxy, if any, percent-decoded. `Debug` never shows
    /// the password.
    ///
    /// ```
    /// use h1client::Proxy;
    /// let proxy = Proxy::new("http://alice:p%40ss@127.0.0.1:3128")?;
    /// assert_eq!(proxy.credentials(), Some(("alice", "p@ss")));
    /// assert!(!format!("{proxy:?}").contains("p@ss"));
    /// assert_eq!(Proxy::new("127.0.0.1:3128")?.credentials(), None);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn credentials(&self) -> Option<(&str, &str)> {
        self.credentials.as_ref().map(|(u, p)| (u.as_str(), p.as_str()))
    }

    /// The identity that goes into pool keys (with the password: never shown).
    pub(crate) fn key(&self) -> &str {
        &self.key
    }

    /// `host:port` of the proxy, for messages (IPv6 bracketed).
    ///
    /// ```
    /// use h1client::Proxy;
    /// assert_eq!(Proxy::new("socks5h://[::1]:1080")?.authority(), "[::1]:1080");
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// Decodes `%XX` escapes: the user name and password in a URL are percent-encoded (RFC 3986
/// §3.2.1, §2.1) and are sent decoded. Invalid escapes are kept as they are.
pub fn percent_decode(s: &str) -> String {
    let hex = |b: Option<&u8>| b.and_then(|b| char::from(*b).to_digit(16));
    let mut out = Vec::with_capacity(s.len());
    let mut rest = s.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        match (first, hex(tail.first()), hex(tail.get(1))) {
            (b'%', Some(h), Some(l)) => {
                // two hex digits: at most 0xff
                out.push(((h << 4) | l) as u8);
                rest = tail.get(2..).unwrap_or_default();
            }
            (b, _, _) => {
                out.push(b);
                rest = tail;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Hosts that bypass the proxy (`NO_PROXY`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoProxy {
    all: bool,
    entries: Vec<NoProxyEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum NoProxyEntry {
    Name(String),
    Ip(IpAddr),
    Cidr(IpAddr, u8),
}

impl NoProxy {
    /// Parses a comma-separated list: names (`example.com`, `.example.com`), IPs, CIDR blocks
    /// (`10.0.0.0/8`), `*` for everything. Ports after a name are ignored.
    pub fn parse(list: &str) -> NoProxy {
        let mut out = NoProxy::default();
        for raw in list.split([',', ' ']).map(str::trim).filter(|e| !e.is_empty()) {
            if raw == "*" {
                out.all = true;
                continue;
            }
            let entry = raw
                .trim_start_matches("*.")
                .trim_start_matches('.')
                .to_ascii_lowercase();
            let entry = entry.trim_start_matches('[').to_string();
            if let Some((ip, bits)) = entry.split_once('/') {
                if let (Ok(ip), Ok(bits)) = (ip.parse::<IpAddr>(), bits.parse::<u8>()) {
                    out.entries.push(NoProxyEntry::Cidr(ip, bits));
                }
                continue;
            }
            if let Ok(ip) = entry.trim_end_matches(']').parse::<IpAddr>() {
                out.entries.push(NoProxyEntry::Ip(ip));
                continue;
            }
            let name = match entry.rsplit_once(':') {
                Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name.to_string(),
                _ => entry,
            };
            out.entries.push(NoProxyEntry::Name(name));
        }
        out
    }

    /// Does `host` (as in a URL; IPv6 may be bracketed) bypass the proxy?
    pub fn matches(&self, host: &str) -> bool {
        if self.all {
            return true;
        }
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let ip = host.parse::<IpAddr>().ok();
        self.entries.iter().any(|e| match (e, ip) {
            (NoProxyEntry::Ip(a), Some(b)) => *a == b,
            (NoProxyEntry::Cidr(net, bits), Some(b)) => in_cidr(b, *net, *bits),
            (NoProxyEntry::Name(n), None) => host == *n || host.ends_with(&format!(".{n}")),
            _ => false,
        })
    }
}

fn in_cidr(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) if bits <= 32 => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX.checked_shl(32u32.saturating_sub(u32::from(bits))).unwrap_or(0)
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) if bits <= 128 => {
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX
                    .checked_shl(128u32.saturating_sub(u32::from(bits)))
                    .unwrap_or(0)
            };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// The proxies configured by the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvProxies {
    /// For `http` URLs. `Err` when the variable holds something that is no proxy URL (the
    /// message says which variable and why): requests that would use it fail rather than
    /// silently bypass the proxy the environment asked for.
    pub http: Option<std::result::Result<Proxy, String>>,
    /// For `https` URLs, likewise.
    pub https: Option<std::result::Result<Proxy, String>>,
    /// Exceptions.
    pub no_proxy: NoProxy,
}

impl EnvProxies {
    /// Reads the environment through `var` (a parameter so that tests need not change the
    /// process environment). A value that is no proxy URL is kept as an error, which the
    /// requests it applies to report (curl stops too, with its exit 5).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> EnvProxies {
        let get = |names: &[&'static str]| {
            names
                .iter()
                .find_map(|n| var(n).filter(|v| !v.trim().is_empty()).map(|v| (*n, v)))
        };
        let all = get(&["all_proxy", "ALL_PROXY"]);
        let parse = |v: Option<(&str, String)>| {
            v.or_else(|| all.clone()).map(|(name, v)| {
                Proxy::new(v.trim()).map_err(|e| format!("the environment's {name} is not a usable proxy: {e}"))
            })
        };
        EnvProxies {
            http: parse(get(&["http_proxy"])),
            https: parse(get(&["https_proxy", "HTTPS_PROXY"])),
            no_proxy: get(&["no_proxy", "NO_PROXY"])
                .map(|(_, v)| NoProxy::parse(&v))
                .unwrap_or_default(),
        }
    }

    /// Reads the process environment.
    pub fn from_env() -> EnvProxies {
        EnvProxies::from_vars(|n| std::env::var(n).ok())
    }
}

/// Where the SOCKS5 proxy should connect: an address (`socks5`) or a name (`socks5h`).
#[derive(Debug, Clone, Copy)]
pub enum SocksTarget<'a> {
    /// Resolved locally.
    Addr(SocketAddr),
    /// Resolved by the proxy.
    Name(&'a str, u16),
}

fn socks_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Proxy, Step::Tunnel, message.into())
}

fn socks_io(e: std::io::Error) -> Error {
    Error::io(Step::Tunnel, e)
}

/// The SOCKS5 handshake (RFC 1928 §3–§6, RFC 1929) on a connection to the proxy; afterwards the
/// stream carries bytes to and from the target.
///
/// ```text
/// → 05 01 00                      version 5, one method: no authentication (§3)
/// ← 05 00                         the method chosen
/// → 05 01 00 03 0b "example.com" 01 bb     CONNECT (1) to a name (3), port 443 (§4)
/// ← 05 00 00 01 0a 00 00 01 c3 50          succeeded (0), bound to 10.0.0.1:50000 (§6)
/// ```
pub fn socks5_handshake(
    stream: &mut (impl Read + Write),
    target: SocksTarget<'_>,
    credentials: Option<(&str, &str)>,
) -> Result<()> {
    socks5_authenticate(stream, credentials)?;
    socks5_connect(stream, target)?;
    socks5_reply(stream)
}

/// The method negotiation (RFC 1928 §3) and, when the proxy picks it, username/password
/// authentication (RFC 1929).
fn socks5_authenticate(stream: &mut (impl Read + Write), credentials: Option<(&str, &str)>) -> Result<()> {
    // Greeting: version 5, the methods we offer: 0 (none), and 2 (user/password) with credentials.
    let greeting: &[u8] = if credentials.is_some() {
        &[5, 2, 0, 2]
    } else {
        &[5, 1, 0]
    };
    stream.write_all(greeting).map_err(socks_io)?;
    let mut choice = [0u8; 2];
    stream.read_exact(&mut choice).map_err(socks_io)?;
    if choice[0] != 5 {
        return Err(socks_error(format!("not a SOCKS5 proxy (version byte {})", choice[0])));
    }
    match (choice[1], credentials) {
        (0, _) => Ok(()),
        (2, Some((user, pass))) => {
            if user.len() > 255 || pass.len() > 255 {
                return Err(socks_error(
                    "SOCKS5 user name and password are limited to 255 bytes each",
                ));
            }
            let mut auth = vec![1, user.len() as u8];
            auth.extend_from_slice(user.as_bytes());
            auth.push(pass.len() as u8);
            auth.extend_from_slice(pass.as_bytes());
            stream.write_all(&auth).map_err(socks_io)?;
            let mut status = [0u8; 2];
            stream.read_exact(&mut status).map_err(socks_io)?;
            if status[1] != 0 {
                return Err(socks_error("the SOCKS5 proxy rejected the user name and password"));
            }
            Ok(())
        }
        (0xff, _) => Err(socks_error(
            "the SOCKS5 proxy accepts none of the offered authentication methods",
        )),
        (m, _) => Err(socks_error(format!(
            "the SOCKS5 proxy chose an authentication method not offered ({m})"
        ))),
    }
}

/// The CONNECT request (RFC 1928 §4): to an IPv4 or IPv6 address, or to a name.
fn socks5_connect(stream: &mut impl Write, target: SocksTarget<'_>) -> Result<()> {
    let mut req = vec![5, 1, 0];
    let port = match target {
        SocksTarget::Addr(SocketAddr::V4(a)) => {
            req.push(1);
            req.extend_from_slice(&a.ip().octets());
            a.port()
        }
        SocksTarget::Addr(SocketAddr::V6(a)) => {
            req.push(4);
            req.extend_from_slice(&a.ip().octets());
            a.port()
        }
        SocksTarget::Name(name, port) => {
            if name.len() > 255 {
                return Err(socks_error("host name longer than 255 bytes cannot go through SOCKS5"));
            }
            req.push(3);
            req.push(name.len() as u8);
            req.extend_from_slice(name.as_bytes());
            port
        }
    };
    req.extend_from_slice(&port.to_be_bytes());
    stream.write_all(&req).map_err(socks_io)
}

/// The proxy's reply (RFC 1928 §6): success, or why not; the bound address it names is read
/// and dropped.
fn socks5_reply(stream: &mut impl Read) -> Result<()> {
    let mut reply = [0u8; 4];
    stream.read_exact(&mut reply).map_err(socks_io)?;
    if reply[0] != 5 {
        return Err(socks_error(format!(
            "malformed SOCKS5 reply (version byte {})",
            reply[0]
        )));
    }
    if reply[1] != 0 {
        let why = match reply[1] {
            1 => "general failure",
            2 => "connection not allowed by ruleset",
            3 => "network unreachable",
            4 => "host unreachable",
            5 => "connection refused",
            6 => "TTL expired",
            7 => "command not supported",
            8 => "address type not supported",
            _ => "unknown error",
        };
        return Err(socks_error(format!(
            "the SOCKS5 proxy could not connect: {why} (reply {})",
            reply[1]
        )));
    }
    let skip = match reply[3] {
        1 => 4 + 2,
        4 => 16 + 2,
        3 => {
            let mut len = [0u8; 1];
            stream.read_exact(&mut len).map_err(socks_io)?;
            usize::from(len[0]) + 2
        }
        t => return Err(socks_error(format!("malformed SOCKS5 reply (address type {t})"))),
    };
    let mut rest = [0u8; 258];
    let bound = rest
        .get_mut(..skip)
        .ok_or_else(|| socks_error("malformed SOCKS5 reply"))?;
    stream.read_exact(bound).map_err(socks_io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_of_userinfo() {
        assert_eq!(percent_decode("us%3Aer"), "us:er");
        assert_eq!(percent_decode("p%40ss%20w"), "p@ss w");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }

    #[test]
    fn proxy_urls() {
        let p = Proxy::new("http://u%40x:p%3Aw@proxy.example:3128").unwrap();
        assert_eq!((p.kind(), p.host(), p.port()), (ProxyKind::Http, "proxy.example", 3128));
        assert_eq!(p.credentials(), Some(("u@x", "p:w")));
        assert!(!format!("{p:?}").contains("p:w"), "Debug must not show the password");
        assert_eq!(Proxy::new("127.0.0.1:8080").unwrap().kind(), ProxyKind::Http);
        assert_eq!(Proxy::new("socks5h://[::1]").unwrap().authority(), "[::1]:1080");
        assert_eq!(Proxy::new("http://p").unwrap().port(), 80);
        for bad in ["ftp://p:1", "https://p:1", "http://", "http://p:99999"] {
            let e = Proxy::new(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidUrl, "{bad}");
        }
        let e = Proxy::new("gopher://user:secret@p:1").unwrap_err();
        assert!(!e.to_string().contains("secret"), "{e}");
    }

    #[test]
    fn no_proxy_table() {
        let np = NoProxy::parse("example.com, .internal,10.0.0.0/8, 192.168.1.5 ,::1, fd00::/8, host:8080");
        let cases = [
            ("example.com", true),
            ("www.example.com", true),
            ("notexample.com", false),
            ("a.internal", true),
            ("internal", true),
            ("10.1.2.3", true),
            ("11.0.0.1", false),
            ("192.168.1.5", true),
            ("192.168.1.6", false),
            ("[::1]", true),
            ("[fd12::1]", true),
            ("[fe80::1]", false),
            ("host", true),
            ("EXAMPLE.COM.", true),
        ];
        for (host, want) in cases {
            assert_eq!(np.matches(host), want, "{host}");
        }
        assert!(NoProxy::parse("*").matches("anything"));
        assert!(!NoProxy::parse("").matches("anything"));
    }

    #[test]
    fn environment_table() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            EnvProxies::from_vars(move |n| pairs.iter().find(|(k, _)| *k == n).map(|(_, v)| v.to_string()))
        };
        let e = env(&[
            ("http_proxy", "http://h:1"),
            ("HTTPS_PROXY", "http://s:2"),
            ("NO_PROXY", "local"),
        ]);
        assert_eq!(e.http.unwrap().unwrap().port(), 1);
        assert_eq!(e.https.unwrap().unwrap().port(), 2);
        assert!(e.no_proxy.matches("local"));
        // upper-case HTTP_PROXY is ignored (httpoxy)
        assert!(env(&[("HTTP_PROXY", "http://h:1")]).http.is_none());
        // ALL_PROXY fills both gaps; specific ones win
        let e = env(&[("ALL_PROXY", "socks5h://a:3"), ("https_proxy", "http://s:2")]);
        assert_eq!(e.http.unwrap().unwrap().kind(), ProxyKind::Socks5h);
        assert_eq!(e.https.unwrap().unwrap().port(), 2);
        assert_eq!(env(&[]), EnvProxies::default());
        // an unusable value is kept as an error naming the variable, not dropped
        let e = env(&[("http_proxy", "gopher://h:1")]);
        assert!(e.http.unwrap().unwrap_err().contains("http_proxy"));
    }

    /// A scripted SOCKS5 peer in memory: what it reads is recorded, what it answers is given.
    struct Peer {
        input: std::io::Cursor<Vec<u8>>,
        written: Vec<u8>,
    }
    impl Read for Peer {
        fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
            self.input.read(b)
        }
    }
    impl Write for Peer {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.written.extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn socks5_handshake_bytes() {
        let mut peer = Peer {
            input: std::io::Cursor::new(vec![5, 2, 1, 0, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
            written: vec![],
        };
        socks5_handshake(&mut peer, SocksTarget::Name("example.com", 443), Some(("u", "pw"))).unwrap();
        let mut want = vec![5, 2, 0, 2, 1, 1, b'u', 2, b'p', b'w', 5, 1, 0, 3, 11];
        want.extend_from_slice(b"example.com");
        want.extend_from_slice(&[1, 187]);
        assert_eq!(peer.written, want);

        let mut peer = Peer {
            input: std::io::Cursor::new(vec![
                5, 0, 5, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            ]),
            written: vec![],
        };
        socks5_handshake(&mut peer, SocksTarget::Addr("[::1]:80".parse().unwrap()), None).unwrap();
        assert_eq!(&peer.written[..7], &[5, 1, 0, 5, 1, 0, 4]);
    }

    #[test]
    fn socks5_failures() {
        let cases: &[(&[u8], &str)] = &[
            (&[4, 0], "not a SOCKS5 proxy"),
            (&[5, 0xff], "none of the offered"),
            (&[5, 0, 5, 5, 0, 1], "connection refused (reply 5)"),
            (&[5, 0, 5, 0, 0, 9], "address type 9"),
            (&[5, 0, 5], "unexpectedly"),
        ];
        for (answer, needle) in cases {
            let mut peer = Peer {
                input: std::io::Cursor::new(answer.to_vec()),
                written: vec![],
            };
            let e = socks5_handshake(&mut peer, SocksTarget::Name("h", 1), None).unwrap_err();
            assert!(e.to_string().contains(needle), "{answer:?}: {e}");
        }
    }
}
