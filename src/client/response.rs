//! The response: its status and headers, read in place from the connection's buffer (nothing
//! is copied), the redirects that led to it, and its body — still on the connection, read
//! through a [`BodyReader`] or whole with [`Response::bytes`], [`Response::text`] or `json`.

use super::body::BodyReader;
use super::charset;
use super::decode::{self, Decoder};
use crate::error::{redact_url, Error, ErrorKind, Result, Step};
use crate::proto::framing::BodyKind;
use crate::proto::response::ResponseHead;
use std::io::Read;
use url::Url;

/// An HTTP response whose head has been read; the body is still on the connection.
///
/// A 4xx or 5xx status is a `Response` like any other (see [`Response::error_for_status`]).
///
/// ```
/// # let server = h1client::doc_server::DocServer::start(&[
/// #     b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
/// # ]);
/// let resp = h1client::get(&server.url("/greeting")).call()?;
/// assert!(resp.is_success());
/// assert_eq!(resp.header("content-type"), Some("text/plain"));
/// assert_eq!(resp.text()?, "hello");
/// # Ok::<(), h1client::Error>(())
/// ```
///
/// # Compressed bodies
///
/// When the agent decompresses (the default with the `gzip` or `brotli` feature, see
/// [`AgentBuilder::decompress`](crate::AgentBuilder::decompress)) and the body has a
/// `Content-Encoding` it can undo, every way of reading the body — [`into_reader`](Self::into_reader),
/// [`bytes`](Self::bytes), [`text`](Self::text), `json` — gives the decoded bytes. The headers
/// are kept exactly as received, so `Content-Encoding` and `Content-Length` then describe the
/// bytes that crossed the network, not the ones you read: [`content_length`](Self::content_length)
/// returns `None`, and [`is_decoded`](Self::is_decoded) tells that this happened. Bodies of
/// HEAD requests and of 204, 206 and 304 responses are never decoded (they have no body, or a
/// piece of the encoded one), nor are codings the agent cannot undo (the body comes as it is,
/// and `text`/`json` say which coding is left). For `Range` requests, send
/// `Accept-Encoding: identity` so that the pieces are of the plain representation.
pub struct Response {
    url: Url,
    history: Vec<Hop>,
    status: u16,
    minor_version: u8,
    body_limit: u64,
    body: BodyReader,
    /// Why the body is still content-coded, when it is (see `check_decoded`).
    still_encoded: Option<String>,
}

/// One redirect on the way to a response: the URL that answered with it and its status (see
/// [`Response::history`]).
///
/// ```
/// # let server = h1client::doc_server::DocServer::start(&[
/// #     b"HTTP/1.1 301 Moved Permanently\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n",
/// #     b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
/// # ]);
/// let resp = h1client::get(&server.url("/old")).call()?;
/// let hop: &h1client::Hop = &resp.history()[0];
/// assert_eq!((hop.url.path(), hop.status), ("/old", 301));
/// # Ok::<(), h1client::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Hop {
    /// The URL requested.
    pub url: Url,
    /// The redirect status it answered with (301, 302, 303, 307, 308).
    pub status: u16,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("url", &redact_url(self.url.as_str()))
            .field("status", &self.status)
            .field("reason", &self.reason())
            .finish_non_exhaustive()
    }
}

impl Response {
    pub(crate) fn new(url: Url, history: Vec<Hop>, body_limit: u64, decompress: bool, body: BodyReader) -> Response {
        let (status, minor_version) = body.head().map_or((0, 1), |(h, _)| (h.status, h.minor_version));
        let mut response = Response {
            url,
            history,
            status,
            minor_version,
            body_limit,
            body,
            still_encoded: None,
        };
        let kind = response.body.framing().kind;
        let has_body = !matches!(kind, BodyKind::Empty | BodyKind::Length(0));
        // transfer codings are undone in every framing that has a body (RFC 9112 §6.1)
        let transfer = match kind {
            BodyKind::Chunked => decode::plan_transfer(response.header_all("transfer-encoding"), true),
            BodyKind::UntilClose => decode::plan_transfer(response.header_all("transfer-encoding"), false),
            BodyKind::Empty | BodyKind::Length(_) => decode::Plan::AsIs,
        };
        let content = if decompress && has_body && status != 206 {
            decode::plan(response.header_all("content-encoding"))
        } else {
            decode::Plan::AsIs
        };
        let decoder = Decoder::new(transfer.then(content));
        let decoded = decoder.is_some();
        response.body.set_decoder(decoder);
        if has_body && status != 206 && !decoded {
            response.still_encoded = decode::still_encoded(response.header_all("content-encoding"), decompress);
        }
        response
    }

    /// Fails when the body is still content-coded: text and JSON of compressed bytes are not
    /// what anyone wants, and "not valid UTF-8" would not say why.
    fn check_decoded(&self) -> Result<()> {
        match &self.still_encoded {
            None => Ok(()),
            Some(why) => {
                Err(Error::new(ErrorKind::Decode, Step::ReceiveBody, why.clone()).with_host(self.body.origin()))
            }
        }
    }

    fn head_parts(&self) -> Option<(&ResponseHead, &[u8])> {
        self.body.head()
    }

    /// Every header field with its value's bytes as received.
    #[cfg(feature = "http")]
    pub(crate) fn raw_headers(&self) -> impl Iterator<Item = (&str, &[u8])> + '_ {
        self.head_parts().into_iter().flat_map(|(h, buf)| h.raw_headers(buf))
    }

    /// The status code: `200`, `404`, …
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"]);
    /// assert_eq!(h1client::get(&server.url("/gone")).call()?.status(), 404);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The reason phrase: `OK`, `Not Found`, … (may be empty; it carries no meaning, RFC 9112
    /// §4).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"]);
    /// assert_eq!(h1client::get(&server.url("/gone")).call()?.reason(), "Not Found");
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn reason(&self) -> &str {
        self.head_parts().map_or("", |(h, buf)| h.reason(buf))
    }

    /// Is the status 2xx (success, RFC 9110 §15.3)?
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// assert!(h1client::delete(&server.url("/item/1")).call()?.is_success());
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Is the status 3xx (redirection, RFC 9110 §15.4)? Seen only when redirects are not
    /// followed, or not followable (no `Location`, a 300 or 304).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 304 Not Modified\r\n\r\n"]);
    /// let resp = h1client::get(&server.url("/cached")).header("If-None-Match", "\"v1\"").call()?;
    /// assert!(resp.is_redirect());
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status)
    }

    /// Is the status 4xx (the request was refused, RFC 9110 §15.5)?
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n"]);
    /// assert!(h1client::get(&server.url("/api")).call()?.is_client_error());
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn is_client_error(&self) -> bool {
        (400..500).contains(&self.status)
    }

    /// Is the status 5xx (the server failed, RFC 9110 §15.6), or 600 to 999, which RFC 9110 §15
    /// asks a client to treat as 5xx?
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"]);
    /// assert!(h1client::get(&server.url("/")).call()?.is_server_error());
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn is_server_error(&self) -> bool {
        self.status >= 500
    }

    /// The protocol version of the response: `HTTP/1.1` or `HTTP/1.0`.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"]);
    /// assert_eq!(h1client::get(&server.url("/")).call()?.http_version(), "HTTP/1.0");
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn http_version(&self) -> &'static str {
        if self.minor_version == 0 {
            "HTTP/1.0"
        } else {
            "HTTP/1.1"
        }
    }

    /// The first value of the header `name` (case-insensitive), trimmed of surrounding
    /// whitespace. Values that are not UTF-8 are read as ISO-8859-1 (RFC 9110 §5.5).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nETag: \"v7\"\r\nContent-Length: 0\r\n\r\n"]);
    /// let resp = h1client::get(&server.url("/doc")).call()?;
    /// assert_eq!(resp.header("etag"), Some("\"v7\""));
    /// assert_eq!(resp.header("x-missing"), None);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head_parts().and_then(|(h, buf)| h.header(buf, name))
    }

    /// The raw bytes of the first value of the header `name`.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nX-Name: Andr\xe9\r\nContent-Length: 0\r\n\r\n"]);
    /// let resp = h1client::get(&server.url("/")).call()?;
    /// assert_eq!(resp.header_bytes("x-name"), Some(&b"Andr\xe9"[..]));
    /// assert_eq!(resp.header("x-name"), Some("André")); // read as ISO-8859-1
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn header_bytes(&self, name: &str) -> Option<&[u8]> {
        self.head_parts().and_then(|(h, buf)| h.header_bytes(buf, name))
    }

    /// Every value of the header `name`, in order (repeated headers, such as `Set-Cookie`).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[
    /// #     b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 0\r\n\r\n",
    /// # ]);
    /// let resp = h1client::get(&server.url("/login")).call()?;
    /// let cookies: Vec<&str> = resp.header_all("set-cookie").collect();
    /// assert_eq!(cookies, ["a=1", "b=2"]);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn header_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.head_parts()
            .into_iter()
            .flat_map(move |(h, buf)| h.values(buf, name))
    }

    /// All header fields in the order received, duplicates kept: `(name, value)`.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 0\r\n\r\n"]);
    /// let resp = h1client::get(&server.url("/")).call()?;
    /// let names: Vec<&str> = resp.headers().map(|(name, _)| name).collect();
    /// assert_eq!(names, ["A", "B", "Content-Length"]);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.head_parts().into_iter().flat_map(|(h, buf)| h.headers(buf))
    }

    /// The response head exactly as received, from the status line to the empty line.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n"]);
    /// let resp = h1client::get(&server.url("/")).call()?;
    /// assert_eq!(resp.raw_head(), b"HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n");
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn raw_head(&self) -> &[u8] {
        self.body.head_bytes()
    }

    /// The URL this response came from: the final one, after redirects.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[
    /// #     b"HTTP/1.1 301 Moved Permanently\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n",
    /// #     b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    /// # ]);
    /// let resp = h1client::get(&server.url("/old")).call()?;
    /// assert_eq!(resp.url().path(), "/new");
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The redirects that led to this response, in order (empty when there were none): what
    /// Python `requests` calls `r.history`.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[
    /// #     b"HTTP/1.1 302 Found\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n",
    /// #     b"HTTP/1.1 308 Permanent Redirect\r\nLocation: /c\r\nContent-Length: 0\r\n\r\n",
    /// #     b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    /// # ]);
    /// let resp = h1client::get(&server.url("/a")).call()?;
    /// let hops: Vec<(&str, u16)> = resp.history().iter().map(|h| (h.url.path(), h.status)).collect();
    /// assert_eq!(hops, [("/a", 302), ("/b", 308)]);
    /// assert_eq!(resp.url().path(), "/c");
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn history(&self) -> &[Hop] {
        &self.history
    }

    /// The length of the body you will read, when the framing announces it (`Content-Length`);
    /// `None` when it does not, and when the body is decoded (the header counts the compressed
    /// bytes).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"]);
    /// assert_eq!(h1client::get(&server.url("/")).call()?.content_length(), Some(5));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn content_length(&self) -> Option<u64> {
        if self.is_decoded() {
            return None;
        }
        self.body.expected_len()
    }

    /// Is the body decoded as it is read, from its `Content-Encoding` or from a transfer coding
    /// before `chunked` (see [Compressed bodies](Self#compressed-bodies))?
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nplain"]);
    /// assert!(!h1client::get(&server.url("/")).call()?.is_decoded());
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn is_decoded(&self) -> bool {
        self.body.is_decoded()
    }

    /// The body as a stream: `Read + Send + 'static`, constant memory for any size, no limit.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[
    /// #     b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbig \r\n4\r\nfile\r\n0\r\nX-Sum: 9\r\n\r\n",
    /// # ]);
    /// use std::io::Read;
    /// let mut reader = h1client::get(&server.url("/big")).call()?.into_reader();
    /// let mut out = Vec::new(); // or a File: reader.copy_to(&mut file)
    /// reader.read_to_end(&mut out)?;
    /// assert_eq!(out, b"big file");
    /// assert_eq!(reader.trailers(), [("X-Sum".to_string(), "9".to_string())]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_reader(self) -> BodyReader {
        self.body
    }

    /// Reads the whole body, refusing more than the body limit (the agent's, 10 MiB by default,
    /// or the request's) with [`ErrorKind::BodyTooLarge`]. For a compressed body the limit
    /// applies both to the bytes returned (a small body cannot expand into a large allocation)
    /// and to the bytes received (input that decodes to nothing cannot be read without end),
    /// the latter with 1/64 and 4 KiB of headroom for incompressible data.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n\x89PNG"]);
    /// let bytes = h1client::get(&server.url("/logo.png")).call()?.bytes()?;
    /// assert_eq!(bytes, b"\x89PNG");
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn bytes(self) -> Result<Vec<u8>> {
        let limit = self.body_limit;
        let mut reader = self.into_reader();
        if reader.is_decoded() {
            // The encoded bytes count too, so input that decodes to little or nothing cannot be
            // read without end; the headroom is what an incompressible body gains by encoding.
            reader.limit_received(limit.saturating_add(limit / 64).saturating_add(4096));
        }
        let capacity = reader.expected_len().unwrap_or(0).min(limit).min(16 << 20) as usize;
        let mut out = Vec::with_capacity(capacity);
        let mut limited = (&mut reader).take(limit.saturating_add(1));
        limited.read_to_end(&mut out).map_err(Error::from)?;
        if out.len() as u64 > limit {
            return Err(Error::new(
                ErrorKind::BodyTooLarge,
                Step::ReceiveBody,
                format!("the body is larger than the limit of {limit} bytes (use into_reader to stream it)"),
            )
            .with_host(reader.origin()));
        }
        Ok(out)
    }

    /// Reads the whole body as text, in the charset that `Content-Type` declares: UTF-8 when it
    /// declares none, ISO-8859-1 and US-ASCII built in, any other WHATWG charset with the
    /// `charset` feature (encoding_rs; RFC 9110 §8.3.2). Text that is invalid in its charset is an
    /// [`ErrorKind::Decode`] error, never silently replaced (see [`text_lossy`](Self::text_lossy)
    /// for that). So is a body still content-coded (a coding this build does not decode, or
    /// decompression turned off): the error names the coding and what would decode it. Same
    /// limit as [`bytes`](Response::bytes).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[
    /// #     b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Length: 4\r\n\r\ncaf\xe9",
    /// # ]);
    /// assert_eq!(h1client::get(&server.url("/menu")).call()?.text()?, "café");
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn text(self) -> Result<String> {
        self.check_decoded()?;
        let charset = self.charset();
        let origin = self.body.origin();
        let bytes = self.bytes()?;
        charset::decode(bytes, charset.as_deref()).map_err(|e| e.with_host(origin))
    }

    /// Reads the whole body as text like [`text`](Self::text), but never fails on the text
    /// itself: what is not valid in its charset becomes U+FFFD (`�`). Reading can still fail
    /// (the network, the body limit, a body still content-coded).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab\xffc"]);
    /// assert_eq!(h1client::get(&server.url("/")).call()?.text_lossy()?, "ab\u{fffd}c");
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn text_lossy(self) -> Result<String> {
        self.check_decoded()?;
        let charset = self.charset();
        let bytes = self.bytes()?;
        Ok(charset::decode_lossy(bytes, charset.as_deref()))
    }

    fn charset(&self) -> Option<String> {
        self.header("content-type")
            .and_then(charset::charset_param)
            .map(str::to_string)
    }

    /// Reads the whole body as JSON into a `T` (feature `json`). Same limit as
    /// [`bytes`](Response::bytes); a body that is not valid JSON for `T` is an
    /// [`ErrorKind::Decode`] error, and so is a body still content-coded (as for
    /// [`text`](Response::text)). The `Content-Type` is not checked.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 21\r\n\r\n{\"id\":7,\"name\":\"ada\"}"]);
    /// #[derive(serde::Deserialize)]
    /// struct User { id: u32, name: String }
    /// let user: User = h1client::get(&server.url("/users/7")).call()?.json()?;
    /// assert_eq!((user.id, user.name.as_str()), (7, "ada"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    #[cfg(feature = "json")]
    pub fn json<T: serde::de::DeserializeOwned>(self) -> Result<T> {
        self.check_decoded()?;
        let origin = self.body.origin();
        let bytes = self.bytes()?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::new(
                ErrorKind::Decode,
                Step::ReceiveBody,
                format!("the body is not the expected JSON: {e}"),
            )
            .with_host(origin)
            .with_source(e)
        })
    }

    /// Turns a 4xx or 5xx response (or 600..=999) into an [`ErrorKind::Status`] error; any
    /// other response is returned unchanged. The error keeps the status, the URL and the
    /// response's headers (a 429's `Retry-After` stays readable with
    /// [`Error::response_header`]); its message names the status and the URL.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"]);
    /// let resp = h1client::get(&server.url("/missing")).call()?; // Ok: HTTP worked
    /// assert_eq!(resp.status(), 404);
    /// let err = resp.error_for_status().unwrap_err();
    /// assert_eq!(err.kind(), h1client::ErrorKind::Status);
    /// assert_eq!(err.status(), Some(404));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn error_for_status(self) -> Result<Response> {
        match self.status_error() {
            Some(e) => Err(e),
            None => Ok(self),
        }
    }

    /// [`error_for_status`](Self::error_for_status) without giving the response up: the body
    /// can still be read (an error page, a problem+json document) after checking.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[
    /// #     b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 30\r\nContent-Length: 9\r\n\r\nslow down",
    /// # ]);
    /// let resp = h1client::get(&server.url("/api")).call()?;
    /// if let Err(e) = resp.error_for_status_ref() {
    ///     assert_eq!(e.response_header("retry-after"), Some("30"));
    ///     assert_eq!(resp.text()?, "slow down");
    /// }
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn error_for_status_ref(&self) -> Result<&Response> {
        match self.status_error() {
            Some(e) => Err(e),
            None => Ok(self),
        }
    }

    fn status_error(&self) -> Option<Error> {
        if self.status < 400 {
            return None;
        }
        let message = format!(
            "HTTP {} {} for {}",
            self.status,
            self.reason(),
            redact_url(self.url.as_str())
        );
        let headers = self.headers().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        let e = Error::new(ErrorKind::Status, Step::Status, message)
            .with_host(self.body.origin())
            .with_status(self.status)
            .with_url(&self.url)
            .with_response_headers(headers);
        Some(e)
    }
}
