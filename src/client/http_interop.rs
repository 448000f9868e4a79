//! The `http` crate's types (feature `http`): the vocabulary of the Rust HTTP ecosystem, which
//! ureq 3, reqwest and hyper speak. A request built as an [`http::Request`] runs through an
//! [`Agent`] with [`Agent::run`], and a [`Response`] becomes an [`http::Response`] whose body
//! is the [`BodyReader`].
//!
//! Nothing is lost on the way: every header goes out and comes back with its bytes and in its
//! order (repeated ones kept), a request the agent cannot send as given (HTTP/2, a relative
//! URI, a header value that is not text) is an [`ErrorKind::InvalidRequest`] error before
//! anything is sent, and the final URL after redirects travels in the response's extensions.

use super::agent::Agent;
use super::body::BodyReader;
use super::request::RequestBuilder;
use super::response::Response;
use crate::error::{Error, ErrorKind, Result, Step};
use crate::HttpVersion;
use url::Url;

/// A body an [`http::Request`] can carry into [`Agent::run`]: none (`()`), or bytes
/// (`Vec<u8>`, `&[u8]`, `&[u8; N]`, `String`, `&str`). Sent with a `Content-Length`, as
/// [`RequestBuilder::send`] sends it.
///
/// ```
/// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
/// let request = http::Request::put(server.url("/note")).body("hello")?;
/// h1client::Agent::new().run(request)?;
/// assert!(server.requests()[0].ends_with("Content-Length: 5\r\n\r\nhello"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait SendBody: sealed::Sealed {
    /// The bytes to send; `None` for no body at all.
    fn body_bytes(&self) -> Option<&[u8]>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for () {}
    impl Sealed for Vec<u8> {}
    impl Sealed for &[u8] {}
    impl<const N: usize> Sealed for &[u8; N] {}
    impl Sealed for String {}
    impl Sealed for &str {}
}

impl SendBody for () {
    fn body_bytes(&self) -> Option<&[u8]> {
        None
    }
}

impl SendBody for Vec<u8> {
    fn body_bytes(&self) -> Option<&[u8]> {
        Some(self)
    }
}

impl SendBody for &[u8] {
    fn body_bytes(&self) -> Option<&[u8]> {
        Some(self)
    }
}

impl<const N: usize> SendBody for &[u8; N] {
    fn body_bytes(&self) -> Option<&[u8]> {
        Some(self.as_slice())
    }
}

impl SendBody for String {
    fn body_bytes(&self) -> Option<&[u8]> {
        Some(self.as_bytes())
    }
}

impl SendBody for &str {
    fn body_bytes(&self) -> Option<&[u8]> {
        Some(self.as_bytes())
    }
}

impl Agent {
    /// Runs a request built with the `http` crate (feature `http`), as ureq 3's `Agent::run`
    /// does: its method, URI, headers (all of them, in order) and body go out as the
    /// [`RequestBuilder`] would send them, with this agent's defaults, redirects and limits.
    /// Header names go in lower case, as the `http` crate keeps them (names are
    /// case-insensitive, RFC 9110 §5.1).
    ///
    /// The URI must be absolute (`http://host/path`). HTTP/1.0 and HTTP/1.1 requests are sent
    /// as such; HTTP/2 and HTTP/3 are an [`ErrorKind::InvalidRequest`] error, as is a header
    /// value that is not text (nothing is sent then).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"]);
    /// let request = http::Request::get(server.url("/items?page=2"))
    ///     .header("Accept", "application/json")
    ///     .body(())?;
    /// let resp = h1client::Agent::new().run(request)?;
    /// assert_eq!(resp.status(), 200);
    /// assert!(server.requests()[0].starts_with("GET /items?page=2 HTTP/1.1\r\n"));
    /// // `http` keeps header names in lower case, and so they go
    /// assert!(server.requests()[0].contains("\r\naccept: application/json\r\n"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn run<B: SendBody>(&self, request: http::Request<B>) -> Result<Response> {
        let (parts, body) = request.into_parts();
        let builder = self.builder_for(&parts)?;
        match body.body_bytes() {
            None => builder.call(),
            Some(bytes) => builder.send(bytes),
        }
    }

    /// The builder for an `http` request's head.
    fn builder_for(&self, parts: &http::request::Parts) -> Result<RequestBuilder> {
        let host = parts.uri.authority().map(|a| a.host()).unwrap_or_default();
        let invalid = |message: String| Error::new(ErrorKind::InvalidRequest, Step::Request, message).with_host(host);
        let version = match parts.version {
            http::Version::HTTP_10 => HttpVersion::Http10,
            http::Version::HTTP_11 => HttpVersion::Http11,
            other => {
                return Err(invalid(format!(
                    "{other:?} is not HTTP/1.x, which is all h1client speaks"
                )))
            }
        };
        if parts.uri.scheme().is_none() || parts.uri.authority().is_none() {
            let message = format!(
                "the URI {:?} is not absolute (scheme://host/path)",
                parts.uri.to_string()
            );
            return Err(Error::new(ErrorKind::InvalidUrl, Step::Url, message));
        }
        let mut builder = self.request(parts.method.as_str(), parts.uri.to_string());
        builder.version = Some(version);
        for (name, value) in &parts.headers {
            let Ok(text) = std::str::from_utf8(value.as_bytes()) else {
                return Err(invalid(format!("the value of header {name} is not UTF-8 text")));
            };
            builder = builder.header(name.as_str(), text);
        }
        Ok(builder)
    }
}

impl From<Response> for http::Response<BodyReader> {
    /// The status, version and headers (every field, in the order received, each value's bytes
    /// as they came), the final URL as an extension ([`Url`]), and the body reader, still
    /// reading from the connection.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[
    /// #     b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 2\r\n\r\nhi",
    /// # ]);
    /// use std::io::Read;
    /// let resp: http::Response<h1client::BodyReader> = h1client::get(server.url("/")).call()?.into();
    /// assert_eq!(resp.status(), http::StatusCode::OK);
    /// assert_eq!(resp.headers().get_all("set-cookie").iter().count(), 2);
    /// assert_eq!(resp.extensions().get::<h1client::Url>().map(|u| u.path()), Some("/"));
    /// let mut body = String::new();
    /// resp.into_body().read_to_string(&mut body)?;
    /// assert_eq!(body, "hi");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn from(resp: Response) -> http::Response<BodyReader> {
        let version = match resp.http_version() {
            "HTTP/1.0" => http::Version::HTTP_10,
            _ => http::Version::HTTP_11,
        };
        // The head parser admits statuses 100 to 999 only, which `http` takes all of.
        let status = http::StatusCode::from_u16(resp.status()).unwrap_or(http::StatusCode::BAD_GATEWAY);
        let mut headers = http::HeaderMap::with_capacity(resp.headers().count());
        for (name, value) in resp.raw_headers() {
            // The head parser admits only token names and values of visible characters, spaces,
            // tabs and obs-text (RFC 9110 §5.1, §5.5), which `http` accepts every one of.
            if let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(name.as_bytes()),
                http::HeaderValue::from_bytes(crate::proto::trim_ows(value)),
            ) {
                headers.append(name, value);
            }
        }
        let url: Url = resp.url().clone();
        let mut converted = http::Response::new(resp.into_reader());
        *converted.version_mut() = version;
        *converted.status_mut() = status;
        *converted.headers_mut() = headers;
        converted.extensions_mut().insert(url);
        converted
    }
}
