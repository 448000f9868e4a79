//! Writing a request head: the request line, the header section and the framing header
//! (RFC 9112 §3 *Request Line*, §3.2 *Request Target*, RFC 9110 §5 *Fields*, §7.2 *Host*).
//!
//! ```text
//! GET /search?q=rust HTTP/1.1\r\n        request-line = method SP request-target SP HTTP-version
//! Host: example.com:8080\r\n              Host comes first (RFC 9110 §7.2)
//! User-Agent: h1client/0.1.0\r\n          defaults, each replaceable by a user header of that name
//! Accept: */*\r\n
//! X-Trace: 1\r\n                          the user's headers, in their order
//! Content-Length: 7\r\n                   framing, derived from the body (RFC 9112 §6.2, §6.1)
//! \r\n
//! ```
//!
//! Rules enforced, before a single byte is produced:
//! - the method is a token (RFC 9110 §9.1), so `GET / HTTP/1.1\r\nX: y` cannot smuggle a header;
//! - the request target is visible ASCII only (RFC 9112 §3.2: no spaces, no control bytes);
//! - header names are tokens (RFC 9110 §5.1) and header values contain no control byte but HTAB
//!   (RFC 9110 §5.5: CR, LF and NUL are forbidden; they would split or truncate the field);
//! - values are trimmed of surrounding whitespace, which is not part of a field value
//!   (RFC 9110 §5.5);
//! - `Content-Length` and `Transfer-Encoding` are written from the body's framing only; the caller
//!   has already reconciled any user-supplied value with the body.
//!
//! A violation is a request-side [`proto::Error`](super::Error) (the client reports it as an
//! [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) error) and the output buffer
//! is left as it was.
//!
//! ```
//! use h1client::proto::{request::*, Error};
//! let user = [("X-Note", Some("a\r\nInjected: 1"))];
//! let head = RequestHead {
//!     method: "GET",
//!     target: "/",
//!     version: Version::Http11,
//!     host: Some(HostHeader { host: "127.0.0.1", port: None }),
//!     defaults: [].into_iter(),
//!     user: user.iter().copied(),
//!     body: BodyFraming::Empty,
//! };
//! let mut out = Vec::new();
//! let err = head.write(&mut out).unwrap_err();
//! assert_eq!(err, Error::ControlInHeaderValue { name: "X-Note".into(), byte: b'\r' });
//! assert!(out.is_empty());
//! ```

use super::{is_token, push_decimal, trim_ows, Error};
use url::Url;

type Result<T> = std::result::Result<T, Error>;

/// The HTTP version a request is sent with (RFC 9112 §2.3). Also exported as
/// [`h1client::HttpVersion`](crate::HttpVersion), for
/// [`AgentBuilder::http_version`](crate::AgentBuilder::http_version).
///
/// ```
/// use h1client::proto::{request::*, Error};
/// let mut head = RequestHead {
///     method: "POST",
///     target: "/upload",
///     version: Version::Http10,
///     host: None,
///     defaults: [].into_iter(),
///     user: [].into_iter(),
///     body: BodyFraming::Length(3),
/// };
/// let mut out = Vec::new();
/// head.write(&mut out)?;
/// assert!(out.starts_with(b"POST /upload HTTP/1.0\r\n"));
/// head.body = BodyFraming::Chunked; // HTTP/1.0 has no chunked coding
/// assert_eq!(head.validate(), Err(Error::ChunkedInHttp10));
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Version {
    /// `HTTP/1.0`: no chunked body, and the connection is not kept (curl's `--http1.0`).
    Http10,
    /// `HTTP/1.1`, the default.
    #[default]
    Http11,
}

/// How the request body is framed on the wire (RFC 9112 §6).
///
/// ```
/// use h1client::proto::request::*;
/// let head = |body| RequestHead {
///     method: "PUT",
///     target: "/f",
///     version: Version::Http11,
///     host: None,
///     defaults: [].into_iter(),
///     user: [].into_iter(),
///     body,
/// };
/// let mut sized = Vec::new();
/// head(BodyFraming::Length(7)).write(&mut sized)?;
/// assert!(sized.ends_with(b"\r\nContent-Length: 7\r\n\r\n"));
/// let mut streamed = Vec::new();
/// head(BodyFraming::Chunked).write(&mut streamed)?;
/// assert!(streamed.ends_with(b"\r\nTransfer-Encoding: chunked\r\n\r\n"));
/// # Ok::<(), h1client::proto::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFraming {
    /// No body and no framing header (a GET, a HEAD).
    Empty,
    /// `Content-Length: n` followed by exactly `n` bytes.
    Length(u64),
    /// `Transfer-Encoding: chunked`: the length is not known in advance.
    Chunked,
}

/// The `Host` header's default value: the URL's host (IPv6 literals bracketed) and its port when
/// it is not the scheme's default (RFC 9110 §7.2, RFC 3986 §3.2.2).
///
/// ```
/// use h1client::proto::request::*;
/// let head = RequestHead {
///     method: "GET",
///     target: "/",
///     version: Version::Http11,
///     host: Some(HostHeader { host: "[::1]", port: Some(8080) }),
///     defaults: [].into_iter(),
///     user: [].into_iter(),
///     body: BodyFraming::Empty,
/// };
/// let mut out = Vec::new();
/// head.write(&mut out)?;
/// assert_eq!(out, b"GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n");
/// # Ok::<(), h1client::proto::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct HostHeader<'a> {
    /// The host as it appears in a URL: `example.com`, `127.0.0.1`, `[::1]`.
    pub host: &'a str,
    /// The port, when it differs from the scheme's default.
    pub port: Option<u16>,
}

/// Everything needed to write one request head: `D` and `U` iterate over `(name, value)` pairs
/// (for example `slice.iter().copied()`), and are walked more than once, so they are `Clone`.
///
/// ```
/// use h1client::proto::request::{BodyFraming, HostHeader, RequestHead};
///
/// let defaults = [("User-Agent", "demo/1"), ("Accept", "*/*")];
/// let user = [("Accept", Some("text/plain")), ("X-Trace", Some("1"))];
/// let head = RequestHead {
///     method: "GET",
///     target: "/hello?lang=en",
///     version: Default::default(), // HTTP/1.1
///     host: Some(HostHeader { host: "example.com", port: None }),
///     defaults: defaults.iter().copied(),
///     user: user.iter().copied(),
///     body: BodyFraming::Empty,
/// };
/// let mut out = Vec::new();
/// head.write(&mut out).unwrap();
/// assert_eq!(
///     out,
///     b"GET /hello?lang=en HTTP/1.1\r\nHost: example.com\r\nUser-Agent: demo/1\r\n\
///       Accept: text/plain\r\nX-Trace: 1\r\n\r\n"
/// );
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RequestHead<'a, D, U> {
    /// The method, a token: `GET`, `POST`, `PROPFIND`.
    pub method: &'a str,
    /// The request target: origin-form `/path?query`, absolute-form `http://h/p` (to a proxy),
    /// or authority-form `host:port` (CONNECT).
    pub target: &'a str,
    /// The version on the request line.
    pub version: Version,
    /// The default `Host` header, unless a user header replaces it.
    pub host: Option<HostHeader<'a>>,
    /// Default headers after `Host` (`User-Agent`, `Accept`, …), each replaced by a user header
    /// of the same name.
    pub defaults: D,
    /// The user's headers, in order. A `None` value removes the default of that name without
    /// sending anything (curl's `-H 'Name:'`).
    pub user: U,
    /// The body's framing, which decides `Content-Length` / `Transfer-Encoding`.
    pub body: BodyFraming,
}

fn is_framing_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("content-length") || name.eq_ignore_ascii_case("transfer-encoding")
}

/// Checks a field value (RFC 9110 §5.5): no control bytes except HTAB. Returns it trimmed.
///
/// ```
/// use h1client::proto::{request::check_value, Error};
/// assert_eq!(check_value("Accept", " text/html\t"), Ok(&b"text/html"[..]));
/// assert_eq!(
///     check_value("X-Id", "1\r\nX-Admin: yes"),
///     Err(Error::ControlInHeaderValue { name: "X-Id".into(), byte: b'\r' })
/// );
/// ```
pub fn check_value<'v>(name: &str, value: &'v str) -> Result<&'v [u8]> {
    let bytes = value.as_bytes();
    if let Some(&byte) = bytes.iter().find(|&&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(Error::ControlInHeaderValue {
            name: name.to_string(),
            byte,
        });
    }
    Ok(trim_ows(bytes))
}

/// Checks a field name: a token (RFC 9110 §5.1).
///
/// ```
/// use h1client::proto::request::check_name;
/// assert!(check_name("X-Request-Id").is_ok());
/// assert!(check_name("X-Request-Id:").is_err());
/// ```
pub fn check_name(name: &str) -> Result<()> {
    if is_token(name.as_bytes()) {
        Ok(())
    } else {
        Err(Error::InvalidHeaderName { name: name.to_string() })
    }
}

/// Checks a method: a token (RFC 9110 §9.1).
///
/// ```
/// use h1client::proto::request::check_method;
/// assert!(check_method("PROPFIND").is_ok());
/// assert!(check_method("GET / HTTP/1.1\r\nX: y\r\n\r\nGET").is_err());
/// ```
pub fn check_method(method: &str) -> Result<()> {
    if is_token(method.as_bytes()) {
        Ok(())
    } else {
        Err(Error::InvalidMethod {
            method: method.to_string(),
        })
    }
}

/// Checks a request target: one or more visible ASCII bytes (RFC 9112 §3.2).
///
/// ```
/// use h1client::proto::request::check_target;
/// assert!(check_target("/search?q=a%20b").is_ok());
/// assert!(check_target("/search?q=a b").is_err());
/// assert!(check_target("").is_err());
/// ```
pub fn check_target(target: &str) -> Result<()> {
    let ok = !target.is_empty() && target.bytes().all(|b| (0x21..0x7f).contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidTarget {
            target: target.to_string(),
        })
    }
}

/// The origin-form request target of a URL (RFC 9112 §3.2.1): its path and query, without
/// userinfo or fragment — `/search?q=rust` for `http://u@example.com/search?q=rust#top`.
///
/// The URL parser percent-encodes spaces, controls and non-ASCII in the path and the query, so
/// the target of an `http` or `https` URL always passes [`check_target`] (the `request_head` fuzz
/// target checks this).
///
/// ```
/// use h1client::proto::request::origin_form;
/// let url = h1client::Url::parse("http://user@127.0.0.1:8080/search?q=rust#top").unwrap();
/// assert_eq!(origin_form(&url), "/search?q=rust");
/// ```
pub fn origin_form(url: &Url) -> &str {
    &url[url::Position::BeforePath..url::Position::AfterQuery]
}

fn push_field(out: &mut Vec<u8>, name: &str, value: &[u8]) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
}

impl<'a, 'd, 'u, D, U> RequestHead<'a, D, U>
where
    D: Iterator<Item = (&'d str, &'d str)> + Clone,
    U: Iterator<Item = (&'u str, Option<&'u str>)> + Clone,
{
    /// Validates everything, then appends the head (ending with the empty line) to `out`.
    /// On error `out` is unchanged. A user header replaces the default of the same name; a
    /// `None` value removes it.
    ///
    /// ```
    /// use h1client::proto::request::*;
    /// let defaults = [("User-Agent", "demo/1"), ("Accept", "*/*")];
    /// let user = [("User-Agent", None), ("Accept", Some("application/json"))];
    /// let head = RequestHead {
    ///     method: "GET",
    ///     target: "/items",
    ///     version: Version::Http11,
    ///     host: Some(HostHeader { host: "127.0.0.1", port: Some(8080) }),
    ///     defaults: defaults.iter().copied(),
    ///     user: user.iter().copied(),
    ///     body: BodyFraming::Empty,
    /// };
    /// let mut out = Vec::new();
    /// head.write(&mut out)?;
    /// assert_eq!(out, b"GET /items HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: application/json\r\n\r\n");
    /// # Ok::<(), h1client::proto::Error>(())
    /// ```
    pub fn write(&self, out: &mut Vec<u8>) -> Result<()> {
        self.validate()?;
        self.write_validated(out);
        Ok(())
    }

    /// Checks every rule of the module documentation without writing anything.
    ///
    /// ```
    /// use h1client::proto::{request::*, Error};
    /// let user = [("Host", Some("a.test")), ("Host", Some("b.test"))];
    /// let head = RequestHead {
    ///     method: "GET",
    ///     target: "/",
    ///     version: Version::Http11,
    ///     host: None,
    ///     defaults: [].into_iter(),
    ///     user: user.iter().copied(),
    ///     body: BodyFraming::Empty,
    /// };
    /// assert_eq!(head.validate(), Err(Error::DuplicateHost));
    /// ```
    pub fn validate(&self) -> Result<()> {
        check_method(self.method)?;
        check_target(self.target)?;
        let mut hosts = 0u32;
        for (name, value) in self.user.clone() {
            check_name(name)?;
            if let Some(v) = value {
                check_value(name, v)?;
            }
            if name.eq_ignore_ascii_case("host") && value.is_some() {
                hosts = hosts.saturating_add(1);
            }
        }
        if hosts > 1 {
            return Err(Error::DuplicateHost);
        }
        if self.version == Version::Http10 && self.body == BodyFraming::Chunked {
            return Err(Error::ChunkedInHttp10);
        }
        for (name, value) in self.defaults.clone() {
            check_name(name)?;
            check_value(name, value)?;
        }
        if let Some(h) = self.host {
            check_value("Host", h.host)?;
        }
        Ok(())
    }

    /// Appends the head to `out` without checking it: for callers that have called
    /// [`validate`](Self::validate) on this same head (the request loop validates once, before
    /// connecting, and writes on each attempt).
    ///
    /// ```
    /// use h1client::proto::request::*;
    /// let head = RequestHead {
    ///     method: "GET",
    ///     target: "/",
    ///     version: Version::Http11,
    ///     host: Some(HostHeader { host: "127.0.0.1", port: None }),
    ///     defaults: [].into_iter(),
    ///     user: [].into_iter(),
    ///     body: BodyFraming::Empty,
    /// };
    /// head.validate()?; // once
    /// for _attempt in 0..2 {
    ///     let mut out = Vec::new();
    ///     head.write_validated(&mut out); // on each connection tried
    ///     assert_eq!(out, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    /// }
    /// # Ok::<(), h1client::proto::Error>(())
    /// ```
    pub fn write_validated(&self, out: &mut Vec<u8>) {
        out.reserve(256);
        out.extend_from_slice(self.method.as_bytes());
        out.push(b' ');
        out.extend_from_slice(self.target.as_bytes());
        out.extend_from_slice(match self.version {
            Version::Http10 => b" HTTP/1.0\r\n",
            Version::Http11 => b" HTTP/1.1\r\n",
        });

        // Host first, then the other defaults: a user header of the same name takes the
        // default's place (all of its values), a user `None` removes it.
        if self.overridden("host") {
            self.push_user_values(out, "host");
        } else if let Some(h) = self.host {
            out.extend_from_slice(b"Host: ");
            out.extend_from_slice(h.host.as_bytes());
            if let Some(port) = h.port {
                out.push(b':');
                push_decimal(out, u64::from(port));
            }
            out.extend_from_slice(b"\r\n");
        }
        for (name, value) in self.defaults.clone() {
            if self.overridden(name) {
                self.push_user_values(out, name);
            } else {
                push_field(out, name, trim_ows(value.as_bytes()));
            }
        }
        for (name, value) in self.user.clone() {
            let Some(value) = value else { continue };
            let is_default =
                name.eq_ignore_ascii_case("host") || self.defaults.clone().any(|(d, _)| d.eq_ignore_ascii_case(name));
            if !is_default && !is_framing_header(name) {
                push_field(out, name, trim_ows(value.as_bytes()));
            }
        }
        match self.body {
            BodyFraming::Empty => {}
            BodyFraming::Length(n) => {
                out.extend_from_slice(b"Content-Length: ");
                push_decimal(out, n);
                out.extend_from_slice(b"\r\n");
            }
            BodyFraming::Chunked => out.extend_from_slice(b"Transfer-Encoding: chunked\r\n"),
        }
        out.extend_from_slice(b"\r\n");
    }

    fn overridden(&self, name: &str) -> bool {
        self.user.clone().any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    fn push_user_values(&self, out: &mut Vec<u8>, name: &str) {
        for (n, v) in self.user.clone() {
            if let (true, Some(v)) = (n.eq_ignore_ascii_case(name), v) {
                push_field(out, n, trim_ows(v.as_bytes()));
            }
        }
    }
}

/// Is the method idempotent (RFC 9110 §9.2.2), so that a request that got no answer may be sent
/// again automatically?
///
/// ```
/// use h1client::proto::request::is_idempotent;
/// assert!(is_idempotent("PUT") && is_idempotent("DELETE"));
/// assert!(!is_idempotent("POST") && !is_idempotent("PATCH"));
/// ```
pub fn is_idempotent(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "TRACE")
}

/// Does the method define a meaning for enclosed content, so that an empty body should still be
/// announced with `Content-Length: 0` (RFC 9110 §8.6)?
///
/// ```
/// use h1client::proto::request::expects_body;
/// assert!(expects_body("POST"));
/// assert!(!expects_body("GET"));
/// ```
pub fn expects_body(method: &str) -> bool {
    matches!(method, "POST" | "PUT" | "PATCH")
}

#[cfg(test)]
mod tests {
    use super::*;

    type User<'a> = std::iter::Copied<std::slice::Iter<'a, (&'a str, Option<&'a str>)>>;
    type Defaults<'a> = std::iter::Copied<std::slice::Iter<'a, (&'a str, &'a str)>>;
    const TEST_DEFAULTS: [(&str, &str); 2] = [("User-Agent", "h1client/test"), ("Accept", "*/*")];

    fn head<'a>(
        method: &'a str,
        target: &'a str,
        user: &'a [(&'a str, Option<&'a str>)],
        body: BodyFraming,
    ) -> RequestHead<'a, Defaults<'a>, User<'a>> {
        RequestHead {
            method,
            target,
            version: Version::Http11,
            host: Some(HostHeader {
                host: "example.com",
                port: Some(8080),
            }),
            defaults: TEST_DEFAULTS.iter().copied(),
            user: user.iter().copied(),
            body,
        }
    }

    fn write(h: RequestHead<'_, Defaults<'_>, User<'_>>) -> Result<String> {
        let mut out = b"previous".to_vec();
        let r = h.write(&mut out);
        if r.is_err() {
            assert_eq!(out, b"previous", "output must be unchanged on error");
        }
        r.map(|()| String::from_utf8(out[8..].to_vec()).unwrap())
    }

    #[test]
    fn writes_request_line_host_defaults_and_blank_line() {
        let s = write(head("GET", "/p?q=1", &[], BodyFraming::Empty)).unwrap();
        assert_eq!(
            s,
            "GET /p?q=1 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: h1client/test\r\nAccept: */*\r\n\r\n"
        );
    }

    #[test]
    fn host_without_port_and_ipv6_brackets() {
        let mut h = head("GET", "/", &[], BodyFraming::Empty);
        h.host = Some(HostHeader {
            host: "[::1]",
            port: None,
        });
        assert!(write(h).unwrap().contains("\r\nHost: [::1]\r\n"));
    }

    #[test]
    fn user_header_replaces_default_in_place_case_insensitively() {
        let user = [
            ("X-A", Some("1")),
            ("user-agent", Some("mine/2")),
            ("HOST", Some("other")),
        ];
        let s = write(head("GET", "/", &user, BodyFraming::Empty)).unwrap();
        assert_eq!(
            s,
            "GET / HTTP/1.1\r\nHOST: other\r\nuser-agent: mine/2\r\nAccept: */*\r\nX-A: 1\r\n\r\n"
        );
    }

    #[test]
    fn user_none_removes_default() {
        let user = [("User-Agent", None), ("Accept", None)];
        let s = write(head("GET", "/", &user, BodyFraming::Empty)).unwrap();
        assert_eq!(s, "GET / HTTP/1.1\r\nHost: example.com:8080\r\n\r\n");
    }

    #[test]
    fn framing_headers_come_from_the_body_only() {
        let user = [("Content-Length", Some("99")), ("Transfer-Encoding", Some("gzip"))];
        let s = write(head("POST", "/", &user, BodyFraming::Length(3))).unwrap();
        assert!(s.ends_with("Accept: */*\r\nContent-Length: 3\r\n\r\n"), "{s}");
        let s = write(head("PUT", "/", &[], BodyFraming::Chunked)).unwrap();
        assert!(s.ends_with("Transfer-Encoding: chunked\r\n\r\n"), "{s}");
    }

    #[test]
    fn values_are_trimmed_inner_spaces_kept() {
        let user = [("X-B", Some("  two  words \t"))];
        let s = write(head("GET", "/", &user, BodyFraming::Empty)).unwrap();
        assert!(s.contains("\r\nX-B: two  words\r\n"), "{s}");
    }

    #[rustfmt::skip]
    #[test]
    fn invalid_inputs_are_refused_and_nothing_written() {
        let s = |v: &str| v.to_string();
        let cases: &[(&str, &str, &[(&str, Option<&str>)], Error)] = &[
            ("GET / HTTP/1.1\r\nX: y", "/", &[], Error::InvalidMethod { method: s("GET / HTTP/1.1\r\nX: y") }),
            ("", "/", &[], Error::InvalidMethod { method: s("") }),
            ("GET", "/a b", &[], Error::InvalidTarget { target: s("/a b") }),
            ("GET", "/a\r\nX: y", &[], Error::InvalidTarget { target: s("/a\r\nX: y") }),
            ("GET", "", &[], Error::InvalidTarget { target: s("") }),
            ("GET", "/", &[("X-A", Some("v\r\nX-Injected: yes"))], Error::ControlInHeaderValue { name: s("X-A"), byte: 0x0d }),
            ("GET", "/", &[("X-A", Some("v\nX: y"))], Error::ControlInHeaderValue { name: s("X-A"), byte: 0x0a }),
            ("GET", "/", &[("X-A", Some("v\0"))], Error::ControlInHeaderValue { name: s("X-A"), byte: 0 }),
            ("GET", "/", &[("X A", Some("v"))], Error::InvalidHeaderName { name: s("X A") }),
            ("GET", "/", &[("X:A", Some("v"))], Error::InvalidHeaderName { name: s("X:A") }),
            ("GET", "/", &[("", Some("v"))], Error::InvalidHeaderName { name: s("") }),
            ("GET", "/", &[("Host", Some("a")), ("host", Some("b"))], Error::DuplicateHost),
        ];
        for (method, target, user, want) in cases {
            let err = write(head(method, target, user, BodyFraming::Empty)).unwrap_err();
            assert_eq!(err, *want, "{method:?} {target:?} {user:?}");
            assert!(err.is_request_error());
        }
    }

    #[test]
    fn htab_and_obs_text_are_valid_in_values() {
        let user = [("X-A", Some("a\tb é"))];
        assert!(write(head("GET", "/", &user, BodyFraming::Empty)).is_ok());
    }

    #[test]
    fn origin_form_is_path_and_query() {
        for (url, target) in [
            ("http://u:p@example.com/search?q=rust#top", "/search?q=rust"),
            ("http://example.com", "/"),
            ("https://example.com:8443/a%20b/?", "/a%20b/?"),
            ("http://example.com/a b?c d", "/a%20b?c%20d"),
            ("http://example.com/é?é", "/%C3%A9?%C3%A9"),
        ] {
            let url = Url::parse(url).unwrap();
            assert_eq!(origin_form(&url), target, "{url}");
            check_target(origin_form(&url)).unwrap();
        }
    }

    #[test]
    fn idempotent_methods() {
        for m in ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"] {
            assert!(is_idempotent(m));
        }
        for m in ["POST", "PATCH", "CONNECT", "get"] {
            assert!(!is_idempotent(m));
        }
    }
}
