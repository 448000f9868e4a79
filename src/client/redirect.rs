//! Following redirects (RFC 9110 §15.4): where to go next, with which method and body, and which
//! credentials stay behind.
//!
//! | status | next request |
//! |---|---|
//! | 301, 302 | same method, except POST becomes GET without its body (what browsers do, §15.4.2/3) |
//! | 303 | GET without a body, except HEAD stays HEAD (§15.4.4) |
//! | 307, 308 | same method and same body (§15.4.8/9); a streamed body cannot be sent twice, so the 3xx itself is returned |
//!
//! The `Location` is resolved against the current URL (RFC 3986 §5); a fragment of the current
//! URL carries over when the new one has none (RFC 9110 §10.2.2). Only `http` and `https`
//! targets are followed, and an `https` → `http` downgrade is refused unless allowed.
//!
//! When the origin (scheme, host, port) changes, `Authorization`, `Cookie` and
//! `Proxy-Authorization` are not sent to the new one: RFC 9110 §15.4 lists them among the
//! header fields a user agent removes or should "consider removing" when it follows a redirect
//! ("Resource-specific header fields, including (but not limited to) Referer, Origin,
//! Authorization, and Cookie"), and a server must not be able to collect another site's secrets
//! by redirecting to itself.

use crate::error::{redact_url, Error, ErrorKind, Result, Step};
use std::borrow::Cow;
use url::Url;

/// The request to make after a redirect response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Next {
    /// Where to.
    pub url: Url,
    /// With which method.
    pub method: Cow<'static, str>,
    /// Whether the body is dropped (and with it the content headers).
    pub drop_body: bool,
}

/// Is this status one that redirects (and that this client follows)?
pub fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Decides whether and where to follow a redirect. `Ok(None)`: do not follow, return the
/// response as it is. (The checks of RFC 9110 §15.4 in order, in one function.)
pub fn next(
    status: u16,
    method: &str,
    location: Option<&str>,
    current: &Url,
    body_replayable: bool,
    allow_https_downgrade: bool,
) -> Result<Option<Next>> {
    if !is_redirect(status) {
        return Ok(None);
    }
    let Some(location) = location.map(str::trim).filter(|l| !l.is_empty()) else {
        return Ok(None);
    };
    let refused = |why: String| Error::new(ErrorKind::RedirectRefused, Step::Redirect, why);
    let shown = redact_url(location);
    // a Location that is no URL at all is a bad URL (curl's exit 3), not a refusal
    let invalid = |why: String| Error::new(ErrorKind::InvalidUrl, Step::Redirect, why);
    let mut url = current
        .join(location)
        .map_err(|e| invalid(format!("invalid Location {shown:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refused(format!(
            "refusing to follow a redirect to {:?}: only http and https are followed",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid(format!("invalid Location {shown:?}: no host")));
    }
    if current.scheme() == "https" && url.scheme() == "http" && !allow_https_downgrade {
        return Err(refused(format!(
            "refusing to follow a redirect from https to {} (an https -> http downgrade)",
            redact_url(url.as_str())
        )));
    }
    if url.fragment().is_none() {
        url.set_fragment(current.fragment());
    }
    let to_get = match status {
        303 => method != "HEAD",
        301 | 302 => method == "POST",
        _ => false,
    };
    if to_get {
        return Ok(Some(Next {
            url,
            method: Cow::Borrowed("GET"),
            drop_body: true,
        }));
    }
    let keeps_body = !matches!(method, "GET" | "HEAD");
    if keeps_body && !body_replayable {
        return Ok(None);
    }
    Ok(Some(Next {
        url,
        method: Cow::Owned(method.to_string()),
        drop_body: false,
    }))
}

/// Do two URLs have the same origin: scheme, host and port (RFC 6454 §4)?
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

/// Headers that must not follow a redirect to another origin.
pub const CREDENTIAL_HEADERS: [&str; 3] = ["Authorization", "Cookie", "Proxy-Authorization"];

/// Is this a header that describes the body (dropped along with it when a redirect turns the
/// request into a GET)?
pub fn is_content_header(name: &str) -> bool {
    let lower = name.len() >= 8 && name[..8].eq_ignore_ascii_case("content-");
    lower || name.eq_ignore_ascii_case("transfer-encoding") || name.eq_ignore_ascii_case("expect")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn method_rewrite_table() {
        // (status, method, replayable, next method or None, drop body)
        let cases: &[(u16, &str, bool, Option<&str>, bool)] = &[
            (301, "POST", true, Some("GET"), true),
            (302, "POST", true, Some("GET"), true),
            (302, "PUT", true, Some("PUT"), false),
            (302, "GET", true, Some("GET"), false),
            (303, "POST", true, Some("GET"), true),
            (303, "PUT", false, Some("GET"), true),
            (303, "HEAD", true, Some("HEAD"), false),
            (307, "POST", true, Some("POST"), false),
            (308, "PUT", true, Some("PUT"), false),
            (307, "POST", false, None, false),
            (307, "GET", false, Some("GET"), false),
            (300, "GET", true, None, false),
            (304, "GET", true, None, false),
        ];
        for (status, method, replayable, want, drop) in cases {
            let got = next(*status, method, Some("/next"), &u("http://a/x"), *replayable, false).unwrap();
            match (got, want) {
                (None, None) => {}
                (Some(n), Some(m)) => {
                    assert_eq!(n.method, *m, "{status} {method}");
                    assert_eq!(n.drop_body, *drop, "{status} {method}");
                }
                (got, want) => panic!("{status} {method}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn location_resolution_table() {
        let cases = [
            ("http://h/a/b/c", "d/e", "http://h/a/b/d/e"),
            ("http://h/a/b/c", "../x?y=1", "http://h/a/x?y=1"),
            ("http://h/a", "//other:8080/p", "http://other:8080/p"),
            ("https://h/a", "http://h/p", "http://h/p"),
            ("http://h/a#frag", "/b", "http://h/b#frag"),
            ("http://h/a#frag", "/b#new", "http://h/b#new"),
            ("http://h/s", "/a b", "http://h/a%20b"),
        ];
        for (from, location, want) in cases {
            let n = next(302, "GET", Some(location), &u(from), true, true).unwrap().unwrap();
            assert_eq!(n.url.as_str(), want, "{from} + {location}");
        }
    }

    #[test]
    fn refused_redirects() {
        for (from, location, needle) in [
            ("http://h/", "file:///etc/passwd", "only http and https"),
            ("http://h/", "ftp://h/x", "only http and https"),
            ("https://h/", "http://h/", "downgrade"),
            ("http://h/", "http://", "invalid Location"),
            ("http://h/", "http://[bad", "invalid Location"),
            ("http://h/", "http://h:99999/", "invalid Location"),
        ] {
            let e = next(302, "GET", Some(location), &u(from), true, false).unwrap_err();
            let kind = match needle {
                "invalid Location" => ErrorKind::InvalidUrl,
                _ => ErrorKind::RedirectRefused,
            };
            assert_eq!(e.kind(), kind, "{location}");
            assert!(e.to_string().contains(needle), "{e}");
        }
    }

    #[test]
    fn refusals_do_not_show_credentials() {
        for (from, location) in [
            ("https://h/", "http://u:s3cret@h/"),
            ("http://h/", "http://u:s3cret@[bad"),
        ] {
            let e = next(302, "GET", Some(location), &u(from), true, false).unwrap_err();
            assert!(
                !e.to_string().contains("s3cret") && e.to_string().contains("***@"),
                "{e}"
            );
        }
    }

    #[test]
    fn no_location_is_not_followed() {
        assert_eq!(next(302, "GET", None, &u("http://h/"), true, false).unwrap(), None);
        assert_eq!(
            next(302, "GET", Some("  "), &u("http://h/"), true, false).unwrap(),
            None
        );
    }

    #[test]
    fn origins() {
        assert!(same_origin(&u("http://h/a"), &u("http://h:80/b")));
        assert!(!same_origin(&u("http://h/a"), &u("http://h:81/a")));
        assert!(!same_origin(&u("http://h/a"), &u("https://h/a")));
        assert!(!same_origin(&u("http://127.0.0.1/"), &u("http://localhost/")));
    }

    #[test]
    fn content_headers() {
        for h in ["Content-Type", "content-length", "Transfer-Encoding", "Expect"] {
            assert!(is_content_header(h));
        }
        for h in ["Accept", "Authorization", "Content"] {
            assert!(!is_content_header(h));
        }
    }
}
