//! One error type for everything that can go wrong, saying *what* failed, *where* (the step of the
//! exchange) and *with whom* (the host).
//!
//! Every failure of a request is an [`Error`]. Its [`kind`](Error::kind) classifies it for
//! programs (retry on `Timeout`, report `Tls` differently, …); its [`step`](Error::step) tells in
//! which phase of the exchange it happened (resolving, connecting, the TLS handshake, sending,
//! receiving the head, receiving the body); its `Display` is a sentence for people:
//!
//! ```text
//! connect to 127.0.0.1:9: connection refused
//! read response body from example.com:80: connection closed after 5 of 10 body bytes
//! ```
//!
//! The underlying cause, when there is one (an [`std::io::Error`], a `rustls::Error`), is kept and
//! reachable through [`std::error::Error::source`].
//!
//! A response with a 4xx or 5xx status is *not* an error: HTTP worked. Use
//! [`Response::error_for_status`](crate::Response::error_for_status) to turn it into one.
//!
//! The kinds follow the places where HTTP can fail: the URL (RFC 3986, RFC 9110 §4.2), the
//! request's syntax (RFC 9110 §5.5, §9.1), the connection (RFC 9112 §9), TLS (RFC 8446), the
//! response's syntax and framing (RFC 9112 §4–§7), and a 4xx or 5xx status (RFC 9110 §15.5,
//! §15.6) when you ask for it to be an error.

use std::borrow::Cow;
use std::fmt;
use std::io;

/// A `Result` whose error is this crate's [`Error`].
///
/// ```
/// fn fetch(url: &str) -> h1client::Result<String> {
///     h1client::get(url).call()?.text()
/// }
/// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"]);
/// assert_eq!(fetch(&server.url("/greeting"))?, "hello");
/// # Ok::<(), h1client::Error>(())
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of failure an [`Error`] is: what a program matches on to decide what to do.
///
/// ```
/// # let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
/// # let url = format!("http://{}/", closed.local_addr().unwrap());
/// # drop(closed);
/// use h1client::ErrorKind;
/// let err = h1client::get(&url).call().unwrap_err(); // nobody listens there
/// let advice = match err.kind() {
///     ErrorKind::Connect | ErrorKind::Timeout => "try again later",
///     ErrorKind::InvalidUrl | ErrorKind::InvalidRequest => "fix the request",
///     _ => "give up",
/// };
/// assert_eq!(advice, "try again later");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The URL could not be parsed, has no host, or uses a scheme this client does not speak.
    InvalidUrl,
    /// The request cannot be sent as given: a method or header name that is not a token, a
    /// header value containing CR, LF or NUL, a body that does not match its declared length.
    /// Nothing was sent.
    InvalidRequest,
    /// The host name (or the proxy's) could not be resolved.
    Dns,
    /// No TCP (or unix socket) connection could be made.
    Connect,
    /// The TLS handshake failed, or the server's certificate was not accepted, or TLS failed
    /// later on the connection (an alert from the server, a record that does not decrypt).
    Tls,
    /// A deadline passed: connect, read, write, or the whole request.
    Timeout,
    /// The connection failed while sending or receiving: reset, closed early, truncated body.
    Io,
    /// The server's bytes are not valid HTTP/1.1: a malformed head, bad body framing, a
    /// response head over the size limit.
    Protocol,
    /// More redirects than allowed.
    TooManyRedirects,
    /// A redirect the policy refuses: to a scheme other than http(s), or an https -> http
    /// downgrade. (A `Location` that is not a valid URL is [`ErrorKind::InvalidUrl`] at
    /// [`Step::Redirect`].)
    RedirectRefused,
    /// A 4xx or 5xx status (or 600..=999, treated as 5xx), made an error by [`Response::error_for_status`](crate::Response::error_for_status).
    Status,
    /// A body larger than the configured limit for reading it whole.
    BodyTooLarge,
    /// A proxy refused or failed to set up the connection to the origin.
    Proxy,
    /// The body could not be decoded: text that is not valid in its charset, a corrupt
    /// compressed body.
    Decode,
    /// Your side of the I/O failed, not the network: reading the upload source you gave
    /// ([`Step::ReadUpload`]), writing to your sink in
    /// [`BodyReader::copy_to`](crate::BodyReader::copy_to), or any other `std::io::Error`
    /// converted into this type (with `?`) that did not come from h1client's own connection — a
    /// file that cannot be created, a full disk ([`Step::Local`]). curl's exit codes 26 (read)
    /// and 23 (write).
    LocalIo,
}

/// The phase of the exchange in which an [`Error`] happened.
///
/// ```
/// # let server = h1client::doc_server::DocServer::start_closing(&[b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"]);
/// use h1client::Step;
/// let resp = h1client::get(&server.url("/file")).call()?; // the head came whole
/// let err = resp.text().unwrap_err(); // the body did not: 5 of 10 bytes
/// assert_eq!(err.step(), Step::ReceiveBody);
/// # Ok::<(), h1client::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Step {
    /// Reading the URL given by the user.
    Url,
    /// Building the request (method, headers, body) before anything is sent.
    Request,
    /// Resolving the origin's host name.
    Resolve,
    /// Resolving the proxy's host name.
    ResolveProxy,
    /// Opening the connection to the origin.
    Connect,
    /// Opening the connection to the proxy.
    ConnectProxy,
    /// Asking the proxy for a tunnel (HTTP CONNECT, SOCKS).
    Tunnel,
    /// The TLS handshake.
    TlsHandshake,
    /// Writing the request head and body.
    Send,
    /// Reading the request body from the caller's reader or file.
    ReadUpload,
    /// Reading the response head.
    ReceiveHead,
    /// Reading the response body.
    ReceiveBody,
    /// Following a redirect.
    Redirect,
    /// Checking the response status.
    Status,
    /// Not a step of the exchange: your own I/O around it (writing the body to a file, …).
    Local,
}

impl Step {
    /// The verb and the preposition that introduce the host: ("connect", "to").
    fn phrase(self) -> (&'static str, &'static str) {
        match self {
            Step::Url => ("invalid URL", ""),
            Step::Request => ("invalid request", "to"),
            Step::Resolve => ("resolve", ""),
            Step::ResolveProxy => ("resolve proxy", ""),
            Step::Connect => ("connect", "to"),
            Step::ConnectProxy => ("connect to proxy", ""),
            Step::Tunnel => ("tunnel through proxy", "to"),
            Step::TlsHandshake => ("tls handshake", "with"),
            Step::Send => ("send request", "to"),
            Step::ReadUpload => ("read request body", "for"),
            Step::ReceiveHead => ("read response", "from"),
            Step::ReceiveBody => ("read response body", "from"),
            Step::Redirect => ("redirect", "from"),
            Step::Status => ("status", "from"),
            Step::Local => ("local I/O (not the network)", "for"),
        }
    }
}

/// The error of every fallible operation in this crate.
///
/// ```
/// let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
/// let addr = closed.local_addr().unwrap();
/// drop(closed); // nobody listens there now
/// let err = h1client::get(&format!("http://{addr}/")).call().unwrap_err();
/// assert_eq!(err.kind(), h1client::ErrorKind::Connect);
/// assert_eq!(err.step(), h1client::Step::Connect);
/// assert_eq!(err.to_string(), format!("connect to {addr}: connection refused"));
/// ```
///
/// Cheap to move (one pointer); `Send + Sync + 'static`.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    step: Step,
    host: Option<String>,
    status: Option<u16>,
    url: Option<url::Url>,
    /// The response's header fields, for [`ErrorKind::Status`] errors.
    response_headers: Vec<(String, String)>,
    message: Cow<'static, str>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// A new error of `kind` at `step`, with a human-readable `message`.
    pub(crate) fn new(kind: ErrorKind, step: Step, message: impl Into<Cow<'static, str>>) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                step,
                host: None,
                status: None,
                url: None,
                response_headers: Vec::new(),
                message: message.into(),
                source: None,
            }),
        }
    }

    /// An error caused by an I/O failure; the kind follows the io error (timeouts become
    /// [`ErrorKind::Timeout`]).
    pub(crate) fn io(step: Step, err: io::Error) -> Error {
        let kind = match err.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ErrorKind::Timeout,
            _ => match step {
                Step::Connect | Step::ConnectProxy => ErrorKind::Connect,
                Step::Resolve | Step::ResolveProxy => ErrorKind::Dns,
                _ => ErrorKind::Io,
            },
        };
        let message = io_phrase(&err);
        Error::new(kind, step, message).with_source(err)
    }

    /// The protocol core's refusal of bytes received (kind [`ErrorKind::Protocol`]) or of a
    /// request to be sent (kind [`ErrorKind::InvalidRequest`], at [`Step::Request`]), at `step`.
    pub(crate) fn from_proto(step: Step, e: crate::proto::Error) -> Error {
        let (kind, step) = if e.is_request_error() {
            (ErrorKind::InvalidRequest, Step::Request)
        } else {
            (ErrorKind::Protocol, step)
        };
        Error::new(kind, step, e.to_string()).with_source(e)
    }

    /// Attaches the underlying cause.
    pub(crate) fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Error {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// Names the host (`name:port`) the error concerns, unless one is already named.
    pub(crate) fn with_host(mut self, host: impl fmt::Display) -> Error {
        if self.inner.host.is_none() {
            self.inner.host = Some(host.to_string());
        }
        self
    }

    /// Records the HTTP status that caused the error.
    pub(crate) fn with_status(mut self, status: u16) -> Error {
        self.inner.status = Some(status);
        self
    }

    /// Records the URL of the request that failed, unless one is already recorded.
    pub(crate) fn with_url(mut self, url: &url::Url) -> Error {
        if self.inner.url.is_none() {
            self.inner.url = Some(url.clone());
        }
        self
    }

    /// Keeps the header fields of the response that caused a status error.
    pub(crate) fn with_response_headers(mut self, headers: Vec<(String, String)>) -> Error {
        self.inner.response_headers = headers;
        self
    }

    /// Changes the kind and step (for an error made by a lower layer that does not know what the
    /// exchange was for, such as reading the answer of a proxy).
    pub(crate) fn reclassify(mut self, kind: ErrorKind, step: Step) -> Error {
        self.inner.kind = kind;
        self.inner.step = step;
        self
    }

    /// What went wrong, without the host.
    #[cfg_attr(not(feature = "tls"), allow(dead_code))]
    pub(crate) fn message(&self) -> &str {
        &self.inner.message
    }

    /// What kind of failure this is.
    ///
    /// ```
    /// let err = h1client::get("ftp://127.0.0.1/file").call().unwrap_err();
    /// assert_eq!(err.kind(), h1client::ErrorKind::InvalidUrl);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// In which phase of the exchange it happened.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// let err = h1client::get(&server.url("/"))
    ///     .header("X-Note", "two\r\nlines")
    ///     .call()
    ///     .unwrap_err();
    /// assert_eq!(err.step(), h1client::Step::Request); // refused before anything was sent
    /// assert!(server.requests().is_empty());
    /// ```
    pub fn step(&self) -> Step {
        self.inner.step
    }

    /// The host (`name:port`) the failure concerns, when there is one.
    ///
    /// ```
    /// let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let addr = closed.local_addr().unwrap();
    /// drop(closed);
    /// let err = h1client::get(&format!("http://{addr}/")).call().unwrap_err();
    /// assert_eq!(err.host(), Some(addr.to_string().as_str()));
    /// ```
    pub fn host(&self) -> Option<&str> {
        self.inner.host.as_deref()
    }

    /// The HTTP status, for [`ErrorKind::Status`] errors.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"]);
    /// let err = h1client::get(&server.url("/")).call()?.error_for_status().unwrap_err();
    /// assert_eq!(err.status(), Some(503));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The URL of the request that failed — after redirects, the one being requested when it
    /// failed — when the failure came from a request (not for an invalid URL).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n"]);
    /// let err = h1client::get(&server.url("/report")).call()?.error_for_status().unwrap_err();
    /// assert_eq!(err.url().map(|u| u.path()), Some("/report"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn url(&self) -> Option<&url::Url> {
        self.inner.url.as_ref()
    }

    /// The first value of the header `name` (case-insensitive) of the response that caused an
    /// [`ErrorKind::Status`] error: `Retry-After` of a 429 or 503, `WWW-Authenticate` of a 401.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[
    /// #     b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 120\r\nContent-Length: 0\r\n\r\n",
    /// # ]);
    /// let err = h1client::get(&server.url("/")).call()?.error_for_status().unwrap_err();
    /// let wait: u64 = err.response_header("retry-after").and_then(|s| s.parse().ok()).unwrap_or(1);
    /// assert_eq!(wait, 120);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn response_header(&self, name: &str) -> Option<&str> {
        self.inner
            .response_headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The kind of the underlying [`io::Error`], when the cause is one.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start_closing(&[b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"]);
    /// let err = h1client::get(&server.url("/file")).call()?.bytes().unwrap_err();
    /// assert_eq!(err.io_kind(), Some(std::io::ErrorKind::UnexpectedEof)); // the body was cut short
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        self.inner
            .source
            .as_ref()
            .and_then(|s| s.downcast_ref::<io::Error>())
            .map(io::Error::kind)
    }

    /// The rule of RFC 9112 / RFC 9110 that was broken, for [`ErrorKind::Protocol`] errors (and
    /// [`ErrorKind::InvalidRequest`] errors about the request's syntax): a value to match on.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[
    /// #     b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx",
    /// # ]);
    /// use h1client::proto;
    /// let err = h1client::get(&server.url("/")).call().unwrap_err();
    /// assert_eq!(err.kind(), h1client::ErrorKind::Protocol);
    /// assert_eq!(
    ///     err.protocol_error(),
    ///     Some(&proto::Error::ConflictingContentLength { first: 1, second: 2 })
    /// );
    /// ```
    pub fn protocol_error(&self) -> Option<&crate::proto::Error> {
        self.inner.source.as_ref()?.downcast_ref::<crate::proto::Error>()
    }

    /// Is this a TLS failure about the server's certificate — untrusted, expired, for another
    /// name — rather than about the handshake itself (curl's exit 60 rather than 35)?
    ///
    /// ```
    /// let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let addr = closed.local_addr().unwrap();
    /// drop(closed);
    /// let err = h1client::get(&format!("http://{addr}/")).call().unwrap_err();
    /// assert!(!err.is_certificate_error());
    /// ```
    pub fn is_certificate_error(&self) -> bool {
        #[cfg(feature = "tls")]
        if let Some(tls) = self
            .inner
            .source
            .as_ref()
            .and_then(|s| s.downcast_ref::<rustls::Error>())
        {
            return crate::transport::tls::is_certificate_error(tls);
        }
        false
    }

    /// True when a deadline caused this error.
    ///
    /// ```
    /// # let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// # let url = format!("http://{}/", silent.local_addr().unwrap());
    /// use std::time::Duration;
    /// // a server that takes the connection and never answers
    /// let err = h1client::get(&url).timeout(Duration::from_millis(100)).call().unwrap_err();
    /// assert!(err.is_timeout());
    /// ```
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }
}

/// A URL (or what a user gave as one) for messages: its userinfo — a password, a token in the
/// user name — replaced by `***`, so that no error, trace or log line prints a credential.
///
/// `http://user:s3cret@host/p` is shown as `http://***@host/p`.
pub(crate) fn redact_url(url: &str) -> std::borrow::Cow<'_, str> {
    let Some(start) = url.find("://").map(|i| i.saturating_add(3)) else {
        return url.into();
    };
    let rest = url.get(start..).unwrap_or_default();
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..authority_end).unwrap_or_default();
    match authority.rfind('@') {
        None => url.into(),
        Some(at) => {
            let host_and_after = rest.get(at.saturating_add(1)..).unwrap_or_default();
            format!("{}***@{host_and_after}", url.get(..start).unwrap_or_default()).into()
        }
    }
}

/// A short lower-case phrase for an io error, without the "(os error N)" suffix.
pub(crate) fn io_phrase(err: &io::Error) -> String {
    let phrase = match err.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused",
        io::ErrorKind::ConnectionReset => "connection reset by peer",
        io::ErrorKind::ConnectionAborted => "connection aborted",
        io::ErrorKind::BrokenPipe => "connection closed by peer (broken pipe)",
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => "timed out",
        io::ErrorKind::UnexpectedEof => "connection closed unexpectedly",
        io::ErrorKind::AddrNotAvailable => "address not available",
        io::ErrorKind::NotConnected => "not connected",
        io::ErrorKind::PermissionDenied => "permission denied",
        io::ErrorKind::NotFound => "not found",
        _ => "",
    };
    if !phrase.is_empty() && err.get_ref().is_none() {
        return phrase.to_string();
    }
    let text = err.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_lowercase(),
        None => text,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let (verb, preposition) = i.step.phrase();
        f.write_str(verb)?;
        if let Some(host) = &i.host {
            if !preposition.is_empty() {
                write!(f, " {preposition}")?;
            }
            write!(f, " {host}")?;
        }
        write!(f, ": {}", i.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &i.kind).field("step", &i.step);
        if let Some(host) = &i.host {
            d.field("host", host);
        }
        d.field("message", &i.message);
        if let Some(source) = &i.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|s| &**s as &(dyn std::error::Error + 'static))
    }
}

/// Lets an `Error` travel through `std::io::Read` (the body reader): it comes back out with
/// [`Error::from`]`(io::Error)` unchanged.
impl From<Error> for io::Error {
    fn from(err: Error) -> io::Error {
        let kind = match err.kind() {
            ErrorKind::Timeout => io::ErrorKind::TimedOut,
            ErrorKind::Protocol => io::ErrorKind::InvalidData,
            _ => err.io_kind().unwrap_or(io::ErrorKind::Other),
        };
        io::Error::new(kind, err)
    }
}

/// Recovers an [`Error`] that travelled through `std::io` (see the `From<Error> for io::Error`);
/// any other io error did not come from h1client's connection — it is the caller's own I/O (the
/// file `io::copy` writes to, a file to upload) — and becomes an [`ErrorKind::LocalIo`] error
/// at [`Step::Local`].
///
/// ```
/// let err = h1client::Error::from(std::io::Error::from(std::io::ErrorKind::NotFound));
/// assert_eq!(err.kind(), h1client::ErrorKind::LocalIo);
/// assert_eq!(err.to_string(), "local I/O (not the network): not found");
/// ```
impl From<io::Error> for Error {
    fn from(err: io::Error) -> Error {
        match Error::recover(err) {
            Ok(ours) => ours,
            Err(foreign) => Error::local(Step::Local, foreign),
        }
    }
}

impl Error {
    /// The [`Error`] inside an io error that carries one (see `From<Error> for io::Error`), or
    /// the io error back when it carries none.
    pub(crate) fn recover(err: io::Error) -> std::result::Result<Error, io::Error> {
        if !err.get_ref().is_some_and(|e| e.is::<Error>()) {
            return Err(err);
        }
        // Checked just above: the payload is ours, so the downcast succeeds.
        match err.into_inner().map(|inner| inner.downcast::<Error>()) {
            Some(Ok(ours)) => Ok(*ours),
            _ => Ok(Error::new(ErrorKind::Io, Step::ReceiveBody, "lost error")),
        }
    }

    /// A failure of the caller's own I/O at `step` (their upload source, their sink).
    pub(crate) fn local(step: Step, err: io::Error) -> Error {
        Error::new(ErrorKind::LocalIo, step, io_phrase(&err)).with_source(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_step_host_and_cause() {
        let e = Error::io(Step::Connect, io::Error::from(io::ErrorKind::ConnectionRefused)).with_host("127.0.0.1:9");
        assert_eq!(e.to_string(), "connect to 127.0.0.1:9: connection refused");
        assert_eq!(e.kind(), ErrorKind::Connect);
        assert_eq!(e.io_kind(), Some(io::ErrorKind::ConnectionRefused));
    }

    #[test]
    fn error_survives_a_trip_through_io_error() {
        let e = Error::new(ErrorKind::Protocol, Step::ReceiveBody, "bad chunk").with_host("h:1");
        let io_err: io::Error = e.into();
        assert_eq!(io_err.kind(), io::ErrorKind::InvalidData);
        let back = Error::from(io_err);
        assert_eq!(back.kind(), ErrorKind::Protocol);
        assert_eq!(back.to_string(), "read response body from h:1: bad chunk");
    }

    #[test]
    fn timeouts_are_classified_as_timeout() {
        let e = Error::io(Step::ReceiveHead, io::Error::from(io::ErrorKind::WouldBlock));
        assert!(e.is_timeout());
    }

    #[rustfmt::skip]
    #[test]
    fn urls_are_shown_without_userinfo() {
        for (url, shown) in [
            ("http://user:s3cret@host/p",         "http://***@host/p"),
            ("https://token@host:8443/?q=a@b",    "https://***@host:8443/?q=a@b"),
            ("http://a:b@c@host",                 "http://***@host"),
            ("http://host/path@x",                "http://host/path@x"),
            ("http://host?x=u:p@y",               "http://host?x=u:p@y"),
            ("not a url",                         "not a url"),
            (" http://u:p@host",                  " http://***@host"),
        ] {
            assert_eq!(redact_url(url), shown, "{url}");
        }
    }

    #[test]
    fn error_is_send_sync_static() {
        fn assert_bounds<T: std::error::Error + Send + Sync + 'static>() {}
        assert_bounds::<Error>();
    }
}
