//! curl's cookie engine on the library's jar: `-b`, `-c`, `-j`.
//!
//! The engine is on when a `-b` file is named (even one that does not exist, or `-b ''`) or
//! `-c` is given: the agent then keeps a jar, every `Set-Cookie` (redirects included) goes into
//! it, and each request carries its cookies. Without it no cookie is kept, as in curl.
//!
//! Files are read in the Netscape format curl reads (tab-separated domain, subdomains flag,
//! path, secure flag, expiry in seconds since 1970 with 0 for a session cookie, name, value;
//! `#HttpOnly_` before the domain marks an HttpOnly cookie; other `#` lines are comments), and
//! `Set-Cookie:` lines as a server sends them. A `Set-Cookie:` line without `Domain` is never
//! sent, as curl documents (curl 7.88 sends it to hosts that are IP addresses, by accident of
//! its hash table). Expired cookies are dropped, and with `-j` session cookies too.
//!
//! `-c` writes every live cookie at the end of the run, whether the transfers succeeded or not,
//! in the same format under curl's header comment. The lines are sorted by domain, path and
//! name (curl writes the newest first; the jar does not keep the order cookies came in).
//!
//! `-b NAME=VALUE` data is sent as it is, after the jar's cookies, in the request's `Cookie`
//! header (several `-b` data are joined with `;`, as curl joins them); with the engine off it
//! is the whole header. It is set on the request, so the library drops it on a redirect to
//! another origin (curl sends it there too), and on a redirect within the origin it goes
//! as it was built for the first request, without cookies set in between.

use crate::args::Args;
use cookie_store::{Cookie, CookieDomain, CookieExpiration, CookieStore, RawCookie};
use h1client::{Agent, Url};
use std::io::{self, Read, Write};

/// Is curl's cookie engine on?
pub fn engine(a: &Args) -> bool {
    !a.cookie_files.is_empty() || a.cookie_jar.is_some()
}

/// Reads the `-b` files in order (a later cookie replaces an earlier one of the same domain,
/// path and name). A file that cannot be read is skipped, as curl skips it (`-v` says so).
pub fn load(a: &Args) -> CookieStore {
    let mut store = CookieStore::default();
    for file in &a.cookie_files {
        let text = match read(file) {
            Ok(Some(text)) => text,
            Ok(None) => continue,
            Err(e) => {
                crate::note(a, &format!("WARNING: failed to open cookie file \"{file}\": {e}"));
                continue;
            }
        };
        for line in String::from_utf8_lossy(&text).split('\n') {
            if let Some((cookie, url)) = parse_line(line, a.junk_session_cookies) {
                let _ = store.insert(cookie, &url);
            }
        }
    }
    store
}

/// The bytes of a `-b` file: `-` is standard input, an empty name is no file.
fn read(file: &str) -> io::Result<Option<Vec<u8>>> {
    match file {
        "" => Ok(None),
        "-" => {
            let mut buf = Vec::new();
            io::stdin().lock().read_to_end(&mut buf)?;
            Ok(Some(buf))
        }
        path => std::fs::read(path).map(Some),
    }
}

/// One line of a cookie file: a cookie, and the URL it is as if it came from.
fn parse_line(line: &str, junk_session: bool) -> Option<(Cookie<'static>, Url)> {
    // curl stops a line at its first CR
    let line = line.split('\r').next().unwrap_or_default();
    let header = line
        .get(..11)
        .filter(|p| p.eq_ignore_ascii_case("Set-Cookie:"))
        .map(|_| &line[11..]);
    match header {
        Some(value) => set_cookie_line(value.trim_start_matches([' ', '\t']), junk_session),
        None => netscape_line(line.trim_start_matches([' ', '\t']), junk_session),
    }
}

/// A `Set-Cookie:` line in a file: its `Domain` says where it goes (none: nowhere).
fn set_cookie_line(value: &str, junk_session: bool) -> Option<(Cookie<'static>, Url)> {
    let raw = RawCookie::parse(value.to_string()).ok()?;
    let session = raw.max_age().is_none() && raw.expires().is_none();
    if junk_session && session {
        return None;
    }
    let domain = raw.domain()?.trim_start_matches('.').to_string();
    let url = host_url(&domain)?;
    let mut cookie = Cookie::try_from_raw_cookie(&raw, &url).ok()?.into_owned();
    // curl does not match subdomains of an address
    if domain.parse::<std::net::IpAddr>().is_ok() {
        cookie.domain = CookieDomain::host_only(&url).ok()?;
    }
    Some((cookie, url))
}

/// A Netscape cookie-file line, read as curl reads it.
fn netscape_line(line: &str, junk_session: bool) -> Option<(Cookie<'static>, Url)> {
    let (http_only, line) = match line.strip_prefix("#HttpOnly_") {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    if line.starts_with('#') {
        return None;
    }
    // curl splits with strtok: runs of tabs are one separator
    let mut fields: Vec<&str> = line.split('\t').filter(|f| !f.is_empty()).collect();
    // old files may leave the path out: a third field that is a flag is the secure flag
    if fields.get(2).is_some_and(|f| *f == "TRUE" || *f == "FALSE") {
        fields.insert(2, "/");
    }
    if fields.len() == 6 {
        fields.push("");
    }
    let [domain, tail, path, secure, expires, name, value] = fields[..] else {
        return None;
    };
    let expires = expiry(expires)?;
    if junk_session && expires == 0 {
        return None;
    }
    let domain = domain.strip_prefix('.').unwrap_or(domain);
    let url = host_url(domain)?;
    let mut raw = RawCookie::new(name.to_string(), value.to_string());
    raw.set_path(path.to_string());
    if secure.eq_ignore_ascii_case("TRUE") {
        raw.set_secure(true);
    }
    if http_only {
        raw.set_http_only(true);
    }
    if tail.eq_ignore_ascii_case("TRUE") {
        raw.set_domain(domain.to_string());
    }
    let mut cookie = Cookie::try_from_raw_cookie(&raw, &url).ok()?.into_owned();
    cookie.expires = match expires {
        0 => CookieExpiration::SessionEnd,
        at => expiration_at(at),
    };
    Some((cookie, url))
}

/// The expiry field: the leading digits (curl's `strtoofft`); no number, a sign or an
/// overflow make the line unusable.
fn expiry(field: &str) -> Option<u64> {
    let digits = field.trim_start_matches([' ', '\t']);
    let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
    digits[..end].parse().ok()
}

/// The latest time the jar keeps (9999-12-31T23:59:59Z).
const LATEST: u64 = 253_402_300_799;

/// The expiration `secs` seconds after 1970. (`CookieExpiration::from(0)` is the epoch: a
/// `Max-Age` of 0.)
fn expiration_at(secs: u64) -> CookieExpiration {
    match CookieExpiration::from(0u64) {
        CookieExpiration::AtUtc(epoch) => {
            CookieExpiration::from(epoch + std::time::Duration::from_secs(secs.min(LATEST)))
        }
        session => session,
    }
}

/// `http://HOST/`: where a cookie for `host` is as if it came from.
fn host_url(host: &str) -> Option<Url> {
    if host.is_empty() {
        return None;
    }
    let url = if host.contains(':') {
        format!("http://[{host}]/")
    } else {
        format!("http://{host}/")
    };
    Url::parse(&url).ok()
}

/// The jar's cookies for `url`, as the library would send them.
pub fn jar_header(agent: &Agent, url: &str) -> Option<String> {
    let url = Url::parse(url).ok()?;
    let pairs = agent.with_cookie_store(|jar| {
        jar.get_request_values(&url)
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
    })?;
    (!pairs.is_empty()).then(|| pairs.join("; "))
}

/// curl's header comment (the last line names this program).
const HEADER: &str = "# Netscape HTTP Cookie File\n\
                      # https://curl.se/docs/http-cookies.html\n\
                      # This file was generated by h1client! Edit at your own risk.\n\n";

/// The jar in the Netscape format, under curl's header comment.
pub fn netscape_file(agent: &Agent) -> String {
    let mut cookies: Vec<(String, String, String, String)> = agent
        .with_cookie_store(|jar| {
            jar.iter_unexpired()
                .filter_map(|c| {
                    let line = netscape(c)?;
                    Some((domain_key(c), String::from(&c.path), c.name().to_string(), line))
                })
                .collect()
        })
        .unwrap_or_default();
    cookies.sort();
    let mut text = HEADER.to_string();
    for (.., line) in cookies {
        text.push_str(&line);
        text.push('\n');
    }
    text
}

fn domain_key(c: &Cookie<'_>) -> String {
    c.domain.as_cow().map(|d| d.into_owned()).unwrap_or_default()
}

/// One cookie as a Netscape line; `None` for one without a domain.
fn netscape(c: &Cookie<'_>) -> Option<String> {
    let (domain, tail) = match &c.domain {
        // curl writes an IPv6 address without brackets
        CookieDomain::HostOnly(h) => (h.trim_start_matches('[').trim_end_matches(']').to_string(), false),
        CookieDomain::Suffix(s) => (format!(".{s}"), true),
        _ => return None,
    };
    let expires = match &c.expires {
        CookieExpiration::AtUtc(at) => at.unix_timestamp().max(1),
        CookieExpiration::SessionEnd => 0,
    };
    let flag = |on: bool| if on { "TRUE" } else { "FALSE" };
    Some(format!(
        "{}{domain}\t{}\t{}\t{}\t{expires}\t{}\t{}",
        if c.http_only().unwrap_or(false) {
            "#HttpOnly_"
        } else {
            ""
        },
        flag(tail),
        String::from(&c.path),
        flag(c.secure().unwrap_or(false)),
        c.name(),
        c.value(),
    ))
}

/// `-c FILE`: the jar, written at the end of the run (`-`: standard output). A file is replaced
/// whole (written beside it, then renamed), as curl does.
pub fn save(agent: &Agent, path: &str) -> io::Result<()> {
    let text = netscape_file(agent);
    let mut out = if path == "-" {
        crate::output::Output::stdout()?
    } else {
        crate::output::Output::file(std::path::Path::new(path), false)
    };
    out.write_all(text.as_bytes())?;
    out.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jar_of(text: &str, junk: bool) -> CookieStore {
        let mut store = CookieStore::default();
        for (c, url) in text.split('\n').filter_map(|line| parse_line(line, junk)) {
            let _ = store.insert(c, &url);
        }
        store
    }

    fn lines(store: &CookieStore) -> Vec<String> {
        let mut v: Vec<String> = store.iter_unexpired().filter_map(|c| netscape(c)).collect();
        v.sort();
        v
    }

    #[test]
    fn expirations_are_exact_seconds() {
        for secs in [1, 1_000_000_000, 1_924_992_000, LATEST] {
            let CookieExpiration::AtUtc(at) = expiration_at(secs) else {
                panic!("{secs}: a session cookie")
            };
            assert_eq!(at.unix_timestamp(), secs as i64);
        }
        let CookieExpiration::AtUtc(at) = expiration_at(u64::MAX) else {
            panic!("a session cookie")
        };
        assert_eq!(at.unix_timestamp(), LATEST as i64);
    }

    #[test]
    fn netscape_lines_round_trip_as_curl_writes_them() {
        let text = "# Netscape HTTP Cookie File\n\
                    127.0.0.1\tFALSE\t/\tFALSE\t0\tsess\ts1\n\
                    #HttpOnly_example.test\tFALSE\t/p\tTRUE\t2000000000\tho\th 1\n\
                    .example.test\tTRUE\t/\tFALSE\t2000000000\ttail\t\"quoted\"\n\
                    ::1\tFALSE\t/\tFALSE\t0\tsix\tv6\n";
        let store = jar_of(text, false);
        assert_eq!(
            lines(&store),
            [
                "#HttpOnly_example.test\tFALSE\t/p\tTRUE\t2000000000\tho\th 1",
                ".example.test\tTRUE\t/\tFALSE\t2000000000\ttail\t\"quoted\"",
                "127.0.0.1\tFALSE\t/\tFALSE\t0\tsess\ts1",
                "::1\tFALSE\t/\tFALSE\t0\tsix\tv6",
            ]
        );
    }

    #[test]
    fn odd_lines_are_read_or_skipped_as_curl_does() {
        let text = "h.test\tFALSE\t/\tFALSE\t0\tempty\n\
                    h.test\tFALSE\tFALSE\t0\tnopath\tnp\n\
                    \x20\t h.test\tFALSE\t/\tFALSE\t0\tlead\tl\r\n\
                    h.test\tfalse\t/\tFALSE\t0\tseven\tplus\tone\n\
                    h.test\tFALSE\t/\tFALSE\tabc\tbadexp\tb\n\
                    h.test\tFALSE\t/\tFALSE\t-5\tnegexp\tn\n\
                    h.test\tFALSE\t/\tFALSE\t1000\texpired\te\n\
                    h.test\tFALSE\t/\tFALSE\t42x\tdigits\td\n\
                    h.test\t\tFALSE\t/\tFALSE\t0\ttabs\tt\n\
                    # comment\n\
                    \n\
                    bad line\n";
        let store = jar_of(text, false);
        let names: std::collections::BTreeSet<&str> = store.iter_any().map(|c| c.name()).collect();
        // "digits" is read (expiry 42) but long expired
        assert_eq!(
            names.iter().copied().collect::<Vec<_>>(),
            ["empty", "lead", "nopath", "tabs"]
        );
        assert!(lines(&store).contains(&"h.test\tFALSE\t/\tFALSE\t0\tempty\t".to_string()));
    }

    #[test]
    fn set_cookie_lines_and_junking_session_cookies() {
        let text = "Set-Cookie: a=1; Domain=example.test; Path=/x\n\
                    set-cookie:b=2\n\
                    Set-Cookie: ip=3; Domain=127.0.0.1; Max-Age=100\n\
                    Set-Cookie: gone=4; Max-Age=0\n\
                    h.test\tFALSE\t/\tFALSE\t0\tsess\ts\n\
                    h.test\tFALSE\t/\tFALSE\t2000000000\tkept\tk\n";
        let store = jar_of(text, false);
        let all = lines(&store);
        assert!(
            all.contains(&".example.test\tTRUE\t/x\tFALSE\t0\ta\t1".to_string()),
            "{all:?}"
        );
        assert!(
            all.iter().any(|l| l.starts_with("127.0.0.1\tFALSE\t/\tFALSE\t")),
            "{all:?}"
        );
        assert_eq!(all.len(), 4);
        let store = jar_of(text, true);
        let kept: Vec<&str> = store
            .iter_any()
            .map(|c| c.name())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(kept, ["ip", "kept"]);
    }
}
