//! Building a request: method, URL, headers, query, credentials, and the body it carries.
//!
//! A [`RequestBuilder`] is made by [`Agent::request`](crate::Agent::request) (or `get`, `post`,
//! …, or the crate's one-off functions) and finished by one of the sending calls, which run the
//! request and return the [`Response`] head:
//!
//! | call | body on the wire |
//! |---|---|
//! | [`call`](RequestBuilder::call) | none (`Content-Length: 0` for POST, PUT, PATCH, RFC 9110 §8.6) |
//! | [`send`](RequestBuilder::send) | the bytes, with `Content-Length` (RFC 9112 §6.2) |
//! | [`send_form`](RequestBuilder::send_form) | `application/x-www-form-urlencoded` pairs |
//! | [`send_reader`](RequestBuilder::send_reader) | streamed with `Transfer-Encoding: chunked` (RFC 9112 §7.1), or with `Content-Length` when the caller set one |
//! | [`send_reader_sized`](RequestBuilder::send_reader_sized) | streamed with `Content-Length` |
//! | [`send_file`](RequestBuilder::send_file) | streamed with `Content-Length`, replayable by seeking |
//! | [`send_seekable`](RequestBuilder::send_seekable) | the same, from any `Read + Seek` |
//! | [`send_multipart`](RequestBuilder::send_multipart) | `multipart/form-data` (RFC 7578), streamed; `Content-Length` when every part's length is known, else chunked |
//! | `send_json` (feature `json`) | `application/json`, with `Content-Length` |
//!
//! Nothing is checked when a header is added; the whole request is validated before anything is
//! sent (see [`proto::request`](crate::proto::request)), so a bad header is an `InvalidRequest`
//! error from the sending call and no byte leaves the machine.

use super::engine::{host_port, Engine};
use super::exchange::Request;
use super::multipart::Multipart;
use super::run;
use super::send::Body;
use crate::error::{Error, ErrorKind, Result, Step};
use crate::Response;
use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::io::{Read, Seek};
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// What a URL can be given as: `&str`, `String`, `&String`, [`Url`] or `&Url` — so that
/// `get(&format!(…))`, `get(string)` and `get(resp.url())` all compile. Text is parsed and
/// checked (`http` or `https`, a host, no control characters); a `Url` is checked.
///
/// ```
/// # let server = h1client::doc_server::DocServer::start(&[
/// #     b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
/// #     b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
/// # ]);
/// let text: String = server.url("/a");
/// let first = h1client::get(&text).call()?;   // &String
/// h1client::get(first.url()).call()?;         // &Url
/// h1client::get(text).call()?;                // String
/// # Ok::<(), h1client::Error>(())
/// ```
pub trait IntoUrl: sealed::Sealed {
    /// The URL, parsed and checked; an [`ErrorKind::InvalidUrl`] error otherwise.
    ///
    /// ```
    /// use h1client::{ErrorKind, IntoUrl};
    /// let url = "http://127.0.0.1:8080/a b?q=1".into_url()?;
    /// assert_eq!(url.path(), "/a%20b");
    /// assert_eq!("ftp://127.0.0.1/".into_url().unwrap_err().kind(), ErrorKind::InvalidUrl);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    fn into_url(self) -> Result<Url>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for &str {}
    impl Sealed for String {}
    impl Sealed for &String {}
    impl Sealed for url::Url {}
    impl Sealed for &url::Url {}
}

impl IntoUrl for &str {
    fn into_url(self) -> Result<Url> {
        parse_url(self)
    }
}

impl IntoUrl for String {
    fn into_url(self) -> Result<Url> {
        parse_url(&self)
    }
}

impl IntoUrl for &String {
    fn into_url(self) -> Result<Url> {
        parse_url(self)
    }
}

impl IntoUrl for Url {
    fn into_url(self) -> Result<Url> {
        match check_url(&self) {
            Ok(()) => Ok(self),
            Err(why) => {
                let shown = crate::error::redact_url(self.as_str());
                Err(Error::new(
                    ErrorKind::InvalidUrl,
                    Step::Url,
                    format!("{shown:?}: {why}"),
                ))
            }
        }
    }
}

impl IntoUrl for &Url {
    fn into_url(self) -> Result<Url> {
        self.clone().into_url()
    }
}

/// A request being built. Finish it with [`call`](Self::call), [`send`](Self::send),
/// [`send_form`](Self::send_form) or [`send_reader`](Self::send_reader) (see the module
/// documentation for all of them).
///
/// ```
/// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]"]);
/// let resp = h1client::get(&server.url("/search"))
///     .query("q", "rust http")
///     .query("page", 2)
///     .header("Accept", "application/json")
///     .call()?;
/// assert_eq!(resp.text()?, "[]");
/// assert!(server.requests()[0].starts_with("GET /search?q=rust+http&page=2 HTTP/1.1\r\n"));
/// # Ok::<(), h1client::Error>(())
/// ```
#[must_use = "a request does nothing until it is sent with call(), send(), …"]
pub struct RequestBuilder {
    engine: Arc<Engine>,
    method: Cow<'static, str>,
    url: std::result::Result<Url, Error>,
    /// User headers in order; `None` removes a default header of that name.
    headers: Vec<(String, Option<String>)>,
    timeout: Option<Duration>,
    body_limit: Option<u64>,
    content_type: Option<&'static str>,
    /// A problem found while building, reported when the request is sent.
    invalid: Option<Error>,
    /// Send `Expect: 100-continue` if there is a body.
    expect_continue: bool,
    /// The HTTP version, when not the agent's (set from an `http::Request`).
    pub(crate) version: Option<crate::HttpVersion>,
}

impl fmt::Debug for RequestBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("method", &self.method)
            .field(
                "url",
                &self.url.as_ref().ok().map(|u| crate::error::redact_url(u.as_str())),
            )
            .finish_non_exhaustive()
    }
}

/// Parses a URL given by the user: it must be `http` or `https` and have a host. Raw control
/// characters are refused rather than silently dropped (the URL standard strips tabs and
/// newlines, which would hide an injection attempt).
pub(crate) fn parse_url(input: &str) -> Result<Url> {
    if let Some(url) = last_parsed::get(input) {
        return Ok(url);
    }
    let shown = crate::error::redact_url(input);
    let bad = |why: &str| Error::new(ErrorKind::InvalidUrl, Step::Url, format!("{shown:?}: {why}"));
    if let Some(c) = input.chars().find(|c| c.is_control()) {
        return Err(bad(&format!("contains the control character {c:?}")));
    }
    check_authority(input).map_err(&bad)?;
    let url = Url::parse(input).map_err(|e| bad(&e.to_string()))?;
    check_url(&url).map_err(|why| bad(&why))?;
    last_parsed::set(input, &url);
    Ok(url)
}

/// The last URL text this thread parsed and accepted, with its result once it came twice.
///
/// Parsing a URL is a third of the user-space work of a request on a pooled connection
/// (`url::Url::parse` runs the WHATWG host parser and IDNA; see `bench/README.md`), and a
/// program that asks for the same URL again and again — a poller, a health check, an API
/// client — would pay it every time. [`parse_url`] is a pure function of its text, so the same
/// text gets a copy of the same result: nothing else changes. The result is kept only when a
/// text is parsed twice in a row, so a program whose URLs all differ pays a copy of the text
/// (no allocation once the buffer has grown), not a copy of every `Url`. One entry per thread,
/// no lock; URLs with credentials are not kept, nor URLs longer than
/// [`MAX_KEPT`](last_parsed::MAX_KEPT) bytes (a thread that once sent a huge query string does
/// not hold it for ever).
mod last_parsed {
    use std::cell::RefCell;
    use url::Url;

    /// The last text parsed, and its result when that text was parsed twice in a row.
    struct Last {
        text: String,
        url: Option<Url>,
    }

    thread_local! {
        static LAST: RefCell<Last> = const { RefCell::new(Last { text: String::new(), url: None }) };
    }

    /// The longest URL text kept.
    pub(super) const MAX_KEPT: usize = 2048;

    /// A copy of the URL `input` parsed to, if it is the text kept.
    pub(super) fn get(input: &str) -> Option<Url> {
        LAST.try_with(|last| {
            let last = last.try_borrow().ok()?;
            if last.text != input {
                return None;
            }
            last.url.clone()
        })
        .ok()
        .flatten()
    }

    /// Notes that `input` parsed to `url`: the result is kept when the same text came just
    /// before, otherwise only the text is.
    pub(super) fn set(input: &str, url: &Url) {
        if !url.username().is_empty() || url.password().is_some() || input.len() > MAX_KEPT {
            return;
        }
        let _ = LAST.try_with(|last| {
            if let Ok(mut last) = last.try_borrow_mut() {
                if last.text == input {
                    last.url = Some(url.clone());
                } else {
                    last.text.clear();
                    last.text.push_str(input);
                    last.url = None;
                }
            }
        });
    }
}

/// RFC 9110 §4.2.1, §4.2.2: an http(s) URI has an authority with a non-empty host. The URL
/// standard reads `http:///path`, `http:path` and `http:\\\\path` with host `path`; all are
/// refused. The check looks at the input as the URL parser sees it: surrounding spaces trimmed
/// (the parser trims them, so ` http:///x` must not slip through) and, after an http(s)
/// scheme, a backslash read as a slash.
fn check_authority(input: &str) -> std::result::Result<(), &'static str> {
    let seen = input.trim_matches(' ');
    let Some((scheme, rest)) = seen.split_once(':') else {
        return Ok(());
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Ok(());
    }
    let slashes = rest.chars().take_while(|&c| c == '/' || c == '\\').count();
    let after = rest.get(slashes..).unwrap_or_default();
    match slashes {
        0 | 1 => Err("no authority (expected scheme://host)"),
        2 if !after.is_empty() && !after.starts_with(['?', '#']) => Ok(()),
        _ => Err("empty host"),
    }
}

/// Checks that a URL is one this client can fetch: scheme http or https, a non-empty host.
pub(crate) fn check_url(url: &Url) -> std::result::Result<(), String> {
    match url.scheme() {
        "http" | "https" => {}
        other => return Err(format!("unsupported scheme {other:?} (only http and https)")),
    }
    #[cfg(not(feature = "tls"))]
    if url.scheme() == "https" {
        return Err("https needs the `tls` feature".to_string());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("no host".to_string());
    }
    Ok(())
}

impl RequestBuilder {
    pub(crate) fn new(engine: Arc<Engine>, method: Cow<'static, str>, url: impl IntoUrl) -> RequestBuilder {
        RequestBuilder {
            engine,
            method,
            url: url.into_url(),
            headers: Vec::new(),
            timeout: None,
            body_limit: None,
            content_type: None,
            invalid: None,
            expect_continue: false,
            version: None,
        }
    }

    /// Adds a header. Several headers of the same name are all sent, in order; a header named
    /// like a default one (`User-Agent`, `Accept`, `Host`, an agent's
    /// [`default_header`](crate::AgentBuilder::default_header)) replaces that default. The
    /// value is anything that prints (`&str`, `String`, a number). Validated when the request is
    /// sent.
    ///
    /// `Proxy-Authorization` is sent only when the request goes to an HTTP proxy (a plain `http`
    /// request, in absolute form); never to an origin server, not even inside a CONNECT tunnel
    /// (whose credentials come from the proxy URL, see [`Proxy`](crate::Proxy)).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// h1client::get(&server.url("/"))
    ///     .header("X-Request-Id", "abc-123")
    ///     .header("X-Retry", 2)
    ///     .call()?;
    /// assert!(server.requests()[0].contains("\r\nX-Request-Id: abc-123\r\nX-Retry: 2\r\n"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn header(mut self, name: impl AsRef<str>, value: impl fmt::Display) -> Self {
        self.headers.push((name.as_ref().to_string(), Some(value.to_string())));
        self
    }

    /// Removes a header: the user's and the default one of that name (`User-Agent`,
    /// `Accept`, even `Host`) are not sent — curl's `-H 'Name:'`.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// h1client::get(&server.url("/")).remove_header("User-Agent").call()?;
    /// assert!(!server.requests()[0].contains("User-Agent"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn remove_header(mut self, name: impl AsRef<str>) -> Self {
        let name = name.as_ref();
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), None));
        self
    }

    /// Appends `key=value` to the query string, percent-encoded
    /// (`application/x-www-form-urlencoded`, as an HTML form would). The value is anything that
    /// prints.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// h1client::get(&server.url("/items")).query("tag", "a&b").query("limit", 10).call()?;
    /// assert!(server.requests()[0].starts_with("GET /items?tag=a%26b&limit=10 "));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn query(mut self, key: impl AsRef<str>, value: impl fmt::Display) -> Self {
        if let Ok(url) = &mut self.url {
            url.query_pairs_mut().append_pair(key.as_ref(), &value.to_string());
        }
        self
    }

    /// Appends several `key=value` pairs to the query string (see [`query`](Self::query)): from
    /// a slice, a `Vec`, a `HashMap`, any iterator of pairs.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// let params = [("from", "2026-01-01"), ("to", "2026-12-31")];
    /// h1client::get(&server.url("/report")).query_pairs(params).call()?;
    /// assert!(server.requests()[0].starts_with("GET /report?from=2026-01-01&to=2026-12-31 "));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn query_pairs<K: AsRef<str>, V: fmt::Display>(mut self, pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        if let Ok(url) = &mut self.url {
            let mut query = url.query_pairs_mut();
            for (key, value) in pairs {
                query.append_pair(key.as_ref(), &value.to_string());
            }
        }
        self
    }

    /// Sends `Authorization: Basic …` with these credentials (RFC 7617).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// h1client::get(&server.url("/private")).basic_auth("Aladdin", "open sesame").call()?;
    /// assert!(server.requests()[0].contains("\r\nAuthorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn basic_auth(mut self, user: &str, password: &str) -> Self {
        match super::auth::basic(user, password) {
            Ok(value) => self.remove_header("Authorization").header("Authorization", value),
            Err(why) => {
                self.invalid
                    .get_or_insert(Error::new(ErrorKind::InvalidRequest, Step::Request, why));
                self
            }
        }
    }

    /// Sends `Authorization: Bearer <token>` (RFC 6750).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// h1client::get(&server.url("/api/me")).bearer_auth("t0k3n").call()?;
    /// assert!(server.requests()[0].contains("\r\nAuthorization: Bearer t0k3n\r\n"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn bearer_auth(self, token: &str) -> Self {
        self.remove_header("Authorization")
            .header("Authorization", format_args!("Bearer {token}"))
    }

    /// Sends `Expect: 100-continue` and waits for the server's `100 Continue` before sending the
    /// body (RFC 9110 §10.1.1): the server can refuse a large upload (401, 413, a redirect)
    /// before any of it is sent. The wait is the agent's
    /// [`expect_continue_timeout`](crate::AgentBuilder::expect_continue_timeout); a request
    /// without a body sends no expectation. When the server answers first with a final status,
    /// the body is not sent: a chunked body is ended with an empty last chunk (the connection
    /// stays usable), a `Content-Length` one by closing the connection; a `417` makes the
    /// request go again without the expectation; a `307`/`308` can be followed even with a
    /// streamed body, since none of it went out (see the manual's chapter
    /// [when it goes wrong](crate::manual::_04_when_it_goes_wrong)). Setting the header yourself
    /// does the same.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n"]);
    /// let big = vec![0u8; 1 << 20];
    /// let resp = h1client::put(&server.url("/upload")).expect_continue().send(&big)?;
    /// assert_eq!(resp.status(), 413); // refused before the megabyte went out
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn expect_continue(mut self) -> Self {
        self.expect_continue = true;
        self
    }

    /// A deadline for this request only, replacing the agent's `timeout`: everything from
    /// resolving the name to the end of the body. Zero and huge values mean what they mean for
    /// [`AgentBuilder::timeout`](crate::AgentBuilder::timeout).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// use std::time::Duration;
    /// h1client::get(&server.url("/health")).timeout(Duration::from_secs(2)).call()?;
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The most bytes [`Response::bytes`], [`Response::text`] and `json` accept for this
    /// request, replacing the agent's [`body_limit`](crate::AgentBuilder::body_limit).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789"]);
    /// let err = h1client::get(&server.url("/")).body_limit(4).call()?.bytes().unwrap_err();
    /// assert_eq!(err.kind(), h1client::ErrorKind::BodyTooLarge);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn body_limit(mut self, bytes: u64) -> Self {
        self.body_limit = Some(bytes);
        self
    }

    /// Runs the request with `body`.
    fn run(mut self, body: Body<'_>) -> Result<Response> {
        if self.expect_continue && !body.is_empty() {
            self = self.remove_header("Expect").header("Expect", "100-continue");
        }
        let url = self.url?;
        if let Some(e) = self.invalid {
            return Err(e.with_host(host_port(&url)).with_url(&url));
        }
        let request = Request {
            method: self.method,
            url,
            headers: self.headers,
            content_type: self.content_type,
            timeout: self.timeout,
            body_limit: self.body_limit,
            version: self.version,
        };
        run::run(&self.engine, request, body)
    }

    /// Sends the request without a body.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"]);
    /// let resp = h1client::get(&server.url("/")).call()?;
    /// assert_eq!(resp.text()?, "ok");
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn call(self) -> Result<Response> {
        self.run(Body::Empty)
    }

    /// Sends the request with `body`, framed by `Content-Length`.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"]);
    /// let resp = h1client::post(&server.url("/items"))
    ///     .header("Content-Type", "application/json")
    ///     .send(br#"{"k":1}"#)?;
    /// assert_eq!(resp.status(), 201);
    /// assert!(server.requests()[0].ends_with("Content-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"k\":1}"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn send(self, body: impl AsRef<[u8]>) -> Result<Response> {
        self.run(Body::Bytes(body.as_ref()))
    }

    /// Sends the request with a body read from `reader` as it goes (constant memory), framed with
    /// `Transfer-Encoding: chunked` — or, when a `Content-Length` header was set, with that
    /// length, checking that the reader gives exactly that many bytes.
    ///
    /// The request's deadline cannot interrupt a read of `reader` that blocks (a pipe nobody
    /// writes to): bound such a reader yourself.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// let data: &[u8] = b"streamed";
    /// h1client::put(&server.url("/f")).send_reader(data)?;
    /// let sent = &server.requests()[0];
    /// assert!(sent.contains("Transfer-Encoding: chunked\r\n"));
    /// assert!(sent.ends_with("\r\n\r\n8\r\nstreamed\r\n0\r\n\r\n"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn send_reader(self, mut reader: impl Read) -> Result<Response> {
        self.run(Body::Reader(&mut reader, None))
    }

    /// Sends exactly `len` bytes read from `reader`, framed with `Content-Length: len`; an error
    /// if the reader gives fewer or more.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// let data: &[u8] = b"sized";
    /// h1client::put(&server.url("/f")).send_reader_sized(data, 5)?;
    /// assert!(server.requests()[0].ends_with("Content-Length: 5\r\n\r\nsized"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn send_reader_sized(self, mut reader: impl Read, len: u64) -> Result<Response> {
        self.run(Body::Reader(&mut reader, Some(len)))
    }

    /// Sends a file from its current position to its end, framed with `Content-Length`. Unlike a
    /// plain reader it can be sent again — after a 307/308 redirect or a retry — by seeking back.
    /// A file that is not a regular file (a pipe, a device) is streamed chunked instead.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// # let path = std::env::temp_dir().join(format!("h1client-doc-send-file-{}", std::process::id()));
    /// # std::fs::write(&path, b"file body").unwrap();
    /// let file = std::fs::File::open(&path).unwrap();
    /// h1client::put(&server.url("/upload")).send_file(file)?;
    /// assert!(server.requests()[0].ends_with("Content-Length: 9\r\n\r\nfile body"));
    /// # std::fs::remove_file(&path).unwrap();
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn send_file(self, mut file: File) -> Result<Response> {
        let regular = file.metadata().map(|m| m.is_file().then_some(m.len()));
        let start = file.stream_position();
        match (regular, start) {
            (Ok(Some(size)), Ok(start)) => {
                let len = size.saturating_sub(start);
                self.run(Body::Seekable(&mut file, start, len))
            }
            _ => self.send_reader(file),
        }
    }

    /// Sends from `reader`'s current position to its end, framed with `Content-Length`; like
    /// [`send_file`](Self::send_file), it can be sent again by seeking back (a 307/308 redirect,
    /// a retry). For a reader that counts what it gives, or a file already wrapped.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// let body = std::io::Cursor::new(b"seekable".to_vec());
    /// h1client::put(&server.url("/f")).send_seekable(body)?;
    /// assert!(server.requests()[0].ends_with("Content-Length: 8\r\n\r\nseekable"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn send_seekable(self, mut reader: impl Read + Seek) -> Result<Response> {
        let bounds = reader.stream_position().and_then(|start| {
            let end = reader.seek(std::io::SeekFrom::End(0))?;
            reader.seek(std::io::SeekFrom::Start(start))?;
            Ok((start, end))
        });
        match bounds {
            Ok((start, end)) => self.run(Body::Seekable(&mut reader, start, end.saturating_sub(start))),
            Err(e) => {
                let message = format!("cannot find the length of the body: {}", crate::error::io_phrase(&e));
                Err(Error::new(ErrorKind::LocalIo, Step::ReadUpload, message).with_source(e))
            }
        }
    }

    /// Sends a `multipart/form-data` body (RFC 7578), streamed: see
    /// [`multipart`](super::multipart). Sets `Content-Type` with the form's boundary unless the
    /// request has its own.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"]);
    /// use h1client::{Multipart, Part};
    /// let form = Multipart::new()
    ///     .text("title", "notes")
    ///     .part("data", Part::bytes(b"a,b\n".to_vec()).file_name("data.csv"));
    /// let resp = h1client::post(&server.url("/upload")).send_multipart(form)?;
    /// assert_eq!(resp.status(), 201);
    /// assert!(server.requests()[0].contains("Content-Type: multipart/form-data; boundary="));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn send_multipart(mut self, form: Multipart) -> Result<Response> {
        let form = match form.finish() {
            Ok(form) => form,
            Err(e) => {
                self.invalid.get_or_insert(e);
                return self.call();
            }
        };
        if !self.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type")) {
            self = self.header("Content-Type", form.content_type());
        }
        let len = form.content_length();
        let mut reader = form.into_reader();
        self.run(Body::Reader(&mut reader, len))
    }

    /// Sends `value` serialized as JSON, with `Content-Type: application/json` unless the request
    /// has its own (feature `json`). A value that cannot be serialized (a map with non-string
    /// keys) is an [`ErrorKind::InvalidRequest`] error, and nothing is sent.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"]);
    /// #[derive(serde::Serialize)]
    /// struct NewUser<'a> { name: &'a str, admin: bool }
    /// h1client::post(&server.url("/users")).send_json(&NewUser { name: "ada", admin: false })?;
    /// assert!(server.requests()[0].ends_with("Content-Type: application/json\r\nContent-Length: 28\r\n\r\n{\"name\":\"ada\",\"admin\":false}"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    #[cfg(feature = "json")]
    pub fn send_json<T: serde::Serialize + ?Sized>(mut self, value: &T) -> Result<Response> {
        match serde_json::to_vec(value) {
            Ok(body) => {
                self.content_type = Some("application/json");
                self.send(body)
            }
            Err(e) => {
                let message = format!("the value cannot be serialized as JSON: {e}");
                let error = Error::new(ErrorKind::InvalidRequest, Step::Request, message).with_source(e);
                self.invalid.get_or_insert(error);
                self.call()
            }
        }
    }

    /// Sends the pairs as an `application/x-www-form-urlencoded` body (spaces become `+`, other
    /// reserved bytes are percent-encoded).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"]);
    /// h1client::post(&server.url("/form")).send_form(&[("a", "1"), ("b", "two words")])?;
    /// assert!(server.requests()[0].ends_with("Content-Length: 15\r\n\r\na=1&b=two+words"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn send_form<K: AsRef<str>, V: AsRef<str>>(mut self, pairs: &[(K, V)]) -> Result<Response> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))
            .finish();
        self.content_type = Some("application/x-www-form-urlencoded");
        self.send(body.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::{last_parsed, parse_url};

    #[test]
    fn the_same_url_text_parses_to_the_same_url_and_other_texts_to_their_own() {
        for text in [
            "http://127.0.0.1:8080/a?b=1",
            "HTTP://Example.COM:80/x/../y",
            "https://[::1]/",
        ] {
            let first = parse_url(text).unwrap();
            assert_eq!(last_parsed::get(text), None, "{text}: once is not kept");
            assert_eq!(parse_url(text).unwrap(), first, "{text}");
            assert_eq!(last_parsed::get(text).as_ref(), Some(&first), "{text}: twice is");
            assert_eq!(parse_url(text).unwrap(), first, "{text}");
            assert_eq!(first, url::Url::parse(text).unwrap(), "{text}");
        }
        let other = parse_url("http://127.0.0.1:8081/").unwrap();
        assert_eq!(other.port(), Some(8081));
        assert_eq!(
            last_parsed::get("https://[::1]/"),
            None,
            "one entry: the last text only"
        );
    }

    #[test]
    fn a_refused_url_is_refused_every_time_and_leaves_the_last_good_one() {
        parse_url("http://127.0.0.1/ok").unwrap();
        parse_url("http://127.0.0.1/ok").unwrap();
        for bad in ["http:///x", "ftp://127.0.0.1/", "http://127.0.0.1/\n"] {
            assert!(parse_url(bad).is_err(), "{bad:?}");
            assert!(parse_url(bad).is_err(), "{bad:?} again");
        }
        assert!(last_parsed::get("http://127.0.0.1/ok").is_some());
    }

    #[test]
    fn long_urls_are_not_kept() {
        let long = format!("http://127.0.0.1/?q={}", "a".repeat(last_parsed::MAX_KEPT));
        let url = parse_url(&long).unwrap();
        assert_eq!(parse_url(&long).unwrap(), url);
        assert_eq!(last_parsed::get(&long), None);
        assert_eq!(parse_url(&long).unwrap(), url);
    }

    #[test]
    fn urls_with_credentials_are_not_kept() {
        let url = parse_url("http://user:secret@127.0.0.1/").unwrap();
        assert_eq!(parse_url("http://user:secret@127.0.0.1/").unwrap(), url);
        assert_eq!(url.password(), Some("secret"));
        assert_eq!(last_parsed::get("http://user:secret@127.0.0.1/"), None);
        assert_eq!(parse_url("http://user:secret@127.0.0.1/").unwrap(), url);
    }
}
