//! The [`Agent`] the flags describe: timeouts, redirects, TLS trust and versions, proxy, where
//! to connect (`--resolve`, `--connect-to`, `-4`/`-6`), HTTP/1.0, the cookie jar, trace callback.

use crate::args::{Args, TlsVer};
use crate::record::{Recorder, Shows};
use crate::trace::TraceAscii;
use h1client::Agent;
use std::sync::Arc;

/// The agent. `jar`: the cookies to start with when curl's cookie engine is on (`None`: no
/// cookie is kept, as in curl without `-b FILE` or `-c`).
pub fn build(
    a: &Args,
    recorder: Option<Arc<Recorder>>,
    jar: Option<cookie_store::CookieStore>,
) -> Result<Agent, (i32, String)> {
    let mut b = Agent::builder()
        .max_redirects(if a.location { a.max_redirs.unwrap_or(50) } else { 0 })
        // curl's --compressed: only then is Accept-Encoding sent and the body decoded
        .decompress(a.compressed)
        .cookie_store(jar);
    if a.http10 {
        b = b.http_version(h1client::HttpVersion::Http10);
    }
    if let Some(v) = a.ip_version {
        b = b.ip_version(v);
    }
    b = routes(a, b)?;
    if let Some(t) = a.expect100_timeout {
        b = b.expect_continue_timeout(t);
    }
    if let Some(t) = a.max_time {
        b = b.timeout(t);
    }
    if let Some(t) = a.connect_timeout {
        b = b.timeout_connect(t);
    }
    b = tls(a, b)?;
    if let Some(proxy) = &a.proxy {
        if proxy.is_empty() {
            b = b.proxy_from_env(false);
        } else {
            let proxy = with_credentials(&with_default_proxy_port(proxy), a.proxy_user.as_deref());
            b = b.proxy(h1client::Proxy::new(&proxy).map_err(|e| (5, e.to_string()))?);
        }
    }
    // --noproxy, else the environment's no_proxy, which curl applies to -x proxies too
    let env_no_proxy = || {
        ["no_proxy", "NO_PROXY"]
            .iter()
            .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
    };
    if let Some(list) = a
        .noproxy
        .clone()
        .or_else(|| a.proxy.as_ref().and_then(|_| env_no_proxy()))
    {
        b = b.no_proxy(&list);
    }
    if let Some(path) = &a.unix_socket {
        b = b.unix_socket(path);
    }
    if let Some(recorder) = recorder {
        b = b.trace(move |event| recorder.event(event));
    }
    Ok(b.build())
}

/// What the trace callback has to do; `None` when nothing needs it (no callback at all then:
/// the library does not even make the events).
pub fn shows(a: &Args) -> Result<Option<Shows>, (i32, String)> {
    let trace = match &a.trace_ascii {
        Some(path) => Some(TraceAscii::create(path).map_err(|e| (23, format!("cannot create {path}: {e}")))?),
        None => None,
    };
    let dump = match a.dump_header.as_deref() {
        None => None,
        Some("-") => Some(crate::output::stdout_file().map_err(|e| (23, e.to_string()))?),
        Some("%") => Some(stderr_file().map_err(|e| (23, format!("cannot use standard error: {e}")))?),
        Some(path) => {
            let options = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .clone();
            Some(
                crate::output::create(std::path::Path::new(path), a.create_dirs, &options)
                    .map_err(|e| (23, e.to_string()))?,
            )
        }
    };
    let heads = a.include || a.head;
    let wanted = heads || a.verbose || trace.is_some() || dump.is_some() || a.write_out.is_some();
    Ok(wanted.then_some(Shows {
        heads,
        verbose: a.verbose,
        dump,
        trace,
    }))
}

fn stderr_file() -> std::io::Result<std::fs::File> {
    use std::os::fd::AsFd;
    std::io::stderr().as_fd().try_clone_to_owned().map(std::fs::File::from)
}

/// `--cacert`, `-E`/`--key`, `-k`.
fn tls(a: &Args, mut b: h1client::AgentBuilder) -> Result<h1client::AgentBuilder, (i32, String)> {
    // Certificates are read only when TLS may be spoken, as curl loads them only then.
    let tls_possible = a.location
        || a.urls.iter().any(|u| {
            u.trim_start()
                .get(..8)
                .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
        });
    // with -k nothing is verified, and curl does not look at the CA file at all
    if let Some(path) = a.cacert.as_ref().filter(|_| tls_possible && !a.insecure) {
        // curl's exit 77: a problem with the CA file
        let pem = std::fs::read(path).map_err(|e| (77, format!("cannot read the CA file {path}: {e}")))?;
        b = b
            .try_add_root_certificates_pem(&pem)
            .map_err(|e| (77, format!("cannot use the CA file {path}: {e}")))?
            .only_added_roots(true);
    }
    if let Some(cert_path) = a.cert.as_ref().filter(|_| tls_possible) {
        // curl's exit 58: a problem with the local client certificate
        let read = |path: &str| std::fs::read(path).map_err(|e| (58, format!("cannot read {path}: {e}")));
        let cert = read(cert_path)?;
        let key = match &a.key {
            Some(key_path) => read(key_path)?,
            None => cert.clone(),
        };
        let cert = h1client::ClientCert::from_pem(&cert, &key).map_err(|e| (58, e.to_string()))?;
        b = b.client_certificate(cert);
    }
    if a.insecure {
        b = b.danger_accept_invalid_certs(true);
    }
    if a.tls_min.is_some() || a.tls_max.is_some() {
        let (oldest, newest) = tls_range(a);
        b = b.tls_versions(oldest, newest);
    }
    Ok(b)
}

/// The TLS versions to offer. rustls speaks 1.2 and 1.3: an older minimum (`--tlsv1`,
/// `--tlsv1.0`, `--tlsv1.1`) is raised to 1.2, as curl built with rustls does; an older maximum
/// (`--tls-max 1.0`, `1.1`) leaves nothing to offer, and then so does a minimum above the
/// maximum: the library fails the first `https` request before it connects (curl's exit 35).
fn tls_range(a: &Args) -> (h1client::TlsVersion, h1client::TlsVersion) {
    use h1client::TlsVersion::{Tls12, Tls13};
    let oldest = if a.tls_min == Some(TlsVer::V13) { Tls13 } else { Tls12 };
    match a.tls_max {
        None | Some(TlsVer::V13) => (oldest, Tls13),
        Some(TlsVer::V12) => (oldest, Tls12),
        Some(TlsVer::V10 | TlsVer::V11) => (Tls13, Tls12),
    }
}

/// Why no TLS version can be offered, when none can.
pub fn tls_range_problem(a: &Args) -> Option<String> {
    let name = |v: TlsVer| match v {
        TlsVer::V10 => "1.0",
        TlsVer::V11 => "1.1",
        TlsVer::V12 => "1.2",
        TlsVer::V13 => "1.3",
    };
    match (a.tls_min, a.tls_max) {
        (_, Some(max @ (TlsVer::V10 | TlsVer::V11))) => Some(format!(
            "--tls-max {}: TLS versions before 1.2 are not spoken here (rustls)",
            name(max)
        )),
        (Some(min), Some(max)) if min > max => Some(format!(
            "--tls-max {} is older than the minimum, TLS {}",
            name(max),
            name(min)
        )),
        _ => None,
    }
}

/// `--resolve` and `--connect-to`. The wildcard `--resolve '*:PORT:…'` applies to the hosts
/// of the URLs given and of the `-x` proxy.
fn routes(a: &Args, mut b: h1client::AgentBuilder) -> Result<h1client::AgentBuilder, (i32, String)> {
    let mut hosts: Vec<(String, u16)> = Vec::new();
    if a.resolve.iter().any(|r| r.trim_start_matches('+').starts_with("*:")) {
        let proxy = a.proxy.as_deref().filter(|p| !p.is_empty()).map(|p| {
            if p.contains("://") {
                with_default_proxy_port(p)
            } else {
                format!("http://{}", with_default_proxy_port(p))
            }
        });
        for url in a
            .urls
            .iter()
            .cloned()
            .filter_map(|u| crate::request::normalize_url(&u).ok())
            .chain(proxy)
        {
            if let Ok(url) = h1client::Url::parse(&url) {
                if let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) {
                    hosts.push((host.to_string(), port));
                }
            }
        }
    }
    for entry in crate::routes::resolve_entries(&a.resolve, &hosts)? {
        let addrs: Vec<String> = entry.addrs.iter().map(ToString::to_string).collect();
        crate::note(
            a,
            &format!("Added {}:{}:{} to DNS cache", entry.host, entry.port, addrs.join(",")),
        );
        b = b.resolve(&entry.host, entry.port, &entry.addrs);
    }
    for rule in crate::routes::connect_rules(&a.connect_to) {
        // a rule whose target is unusable fails the transfers it matches (transfer.rs)
        if let Ok((to_host, to_port)) = &rule.to {
            b = b.connect_to(&rule.host, rule.port, to_host, *to_port);
        }
    }
    Ok(b)
}

/// curl's `-x`: a proxy given without a port is on port 1080, whatever its scheme.
pub fn with_default_proxy_port(proxy: &str) -> String {
    let start = proxy.find("://").map_or(0, |i| i + 3);
    let end = proxy[start..].find(['/', '?', '#']).map_or(proxy.len(), |i| start + i);
    let host_port = &proxy[start..end];
    let host_port = host_port.rsplit_once('@').map_or(host_port, |(_, hp)| hp);
    let has_port = match host_port.strip_prefix('[') {
        Some(v6) => v6.contains("]:"),
        None => host_port.contains(':'),
    };
    if has_port || host_port.is_empty() {
        return proxy.to_string();
    }
    format!("{}:1080{}", &proxy[..end], &proxy[end..])
}

/// `-U user:password`: the credentials go into the proxy URL's userinfo, percent-encoded (the
/// library reads them there: Basic for an HTTP proxy, RFC 1929 for SOCKS5). Credentials
/// already in the `-x` URL win, as in curl.
pub fn with_credentials(proxy: &str, user: Option<&str>) -> String {
    let Some(user) = user else {
        return proxy.to_string();
    };
    let (scheme, rest) = match proxy.find("://") {
        Some(i) => (&proxy[..i + 3], &proxy[i + 3..]),
        None => ("http://", proxy),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    if rest[..authority_end].contains('@') {
        return proxy.to_string();
    }
    let (name, password) = user.split_once(':').unwrap_or((user, ""));
    format!("{scheme}{}:{}@{rest}", encode_userinfo(name), encode_userinfo(password))
}

fn encode_userinfo(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxy_without_a_port_is_on_1080() {
        for (given, want) in [
            ("127.0.0.1", "127.0.0.1:1080"),
            ("http://p", "http://p:1080"),
            ("http://u:pw@p/", "http://u:pw@p:1080/"),
            ("http://[::1]", "http://[::1]:1080"),
            ("http://p:80", "http://p:80"),
            ("http://[::1]:3128", "http://[::1]:3128"),
            ("socks5h://u:p@h:9050", "socks5h://u:p@h:9050"),
        ] {
            assert_eq!(with_default_proxy_port(given), want, "{given}");
        }
    }

    #[test]
    fn proxy_user_goes_into_the_userinfo() {
        for (proxy, user, want) in [
            ("http://p:3128", "u:pw", "http://u:pw@p:3128"),
            ("p:3128", "a b:p@ss:w", "http://a%20b:p%40ss%3Aw@p:3128"),
            ("socks5://p:1080/", "u", "socks5://u:@p:1080/"),
            ("http://x:y@p:3128", "u:pw", "http://x:y@p:3128"),
        ] {
            assert_eq!(with_credentials(proxy, Some(user)), want, "{proxy} {user}");
        }
    }
}
