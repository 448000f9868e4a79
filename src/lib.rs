//! # h1client
//!
//! A small, fast, correct blocking HTTP/1.1 client, written from the RFCs on `std::net`, with
//! rustls for HTTPS.
//!
//! ```
//! # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"]);
//! # let url = server.url("/data");
//! // url: "http://127.0.0.1:PORT/data"
//! let resp = h1client::get(&url).call()?;
//! assert_eq!(resp.status(), 200);
//! let text: String = resp.text()?;
//! assert_eq!(text, "hello");
//! # Ok::<(), h1client::Error>(())
//! ```
//!
//! (Every example in this documentation runs as a test against a server on loopback, so what it
//! shows is what the code does.)
//!
//! ## The life of a request
//!
//! What happens between `h1client::get(url).call()` and the `String` in your hand, in eight
//! steps; the [manual](manual::life_of_a_request) walks through each at length, and the
//! [`trace`] hook lets you watch them happen.
//!
//! 1. **The URL** is parsed and checked: `http` or `https`, a host, no control characters
//!    ([`client::request`], RFC 9110 §4.2).
//! 2. **The request head** is built and validated before any connection exists: methods and
//!    header names are tokens, values hold no CR, LF or NUL ([`proto::request`], RFC 9112 §3,
//!    RFC 9110 §5):
//!    ```text
//!    GET /hello?lang=en HTTP/1.1\r\n
//!    Host: 127.0.0.1:8080\r\n
//!    User-Agent: h1client/0.1.0\r\n
//!    Accept: */*\r\n
//!    \r\n
//!    ```
//! 3. **A connection** comes from the [pool](transport::pool), or is opened: resolve, race the
//!    addresses (RFC 8305), TLS for `https` ([`transport`]).
//! 4. **The head is sent** in one write ([`client::agent`]); the client waits for the answer
//!    (no pipelining, RFC 9112 §9.3.2).
//! 5. **The response head** is parsed in place, within limits, 1xx responses skipped
//!    ([`proto::response`], RFC 9112 §4):
//!    ```text
//!    HTTP/1.1 200 OK\r\n
//!    Content-Type: text/plain; charset=utf-8\r\n
//!    Transfer-Encoding: chunked\r\n
//!    \r\n
//!    ```
//! 6. **The body's length is decided** by RFC 9112 §6.3 — here: chunked ([`proto::framing`]).
//!    `call()` returns the [`Response`] now; the body is still on the wire.
//! 7. **The body is read** through the [`BodyReader`] and the chunked decoder
//!    ([`proto::chunked`], RFC 9112 §7.1): `5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n` becomes
//!    `hello, world`. A body cut short is an error, never a short success.
//! 8. **The connection goes back to the pool**, since the body ended cleanly and nobody asked
//!    to close (RFC 9112 §9.3).
//!
//! The code follows the same path, in three layers:
//!
//! - [`client`]: the [`Agent`], requests and responses, redirects and retries;
//! - [`proto`]: pure HTTP/1.1 — request heads to bytes, bytes to response heads, body framing,
//!   chunked coding — with no I/O at all (RFC 9112, RFC 9110);
//! - [`transport`]: resolving, connecting, TLS, and the pool of idle connections.
//!
//! The [manual] also covers the [threats](manual::threats) a client faces and the defence
//! against each, the [defaults](manual::defaults) and why, and what is
//! [left out](manual::left_out).
//!
//! ## Features
//!
//! | feature | default | adds |
//! |---|---|---|
//! | `tls` | yes | HTTPS with rustls (ring) and the webpki-roots trust anchors |
//! | `native-roots` | no | the operating system's certificate store as well |
//! | `gzip` | no | `Accept-Encoding: gzip, deflate` and decoding of such bodies ([`client::decode`]) |
//! | `brotli` | no | `Accept-Encoding: br` and decoding of such bodies |
//! | `charset` | no | [`Response::text`] in any WHATWG charset ([`client::charset`]) |
//! | `json` | no | `RequestBuilder::send_json` and `Response::json` |
//! | `cli` | no | the `h1client` command-line program |
//!
//! Without default features the only dependencies are `url` and `httparse`.

#![forbid(unsafe_code)]
// Bytes from the network reach most of this crate: no panicking shortcut may be taken on them.
// Each exception is allowed where it stands, with the reason. (Unit tests may unwrap.)
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::unreachable
    )
)]
#![deny(missing_docs)]
#![warn(rustdoc::broken_intra_doc_links)]

mod client;
#[doc(hidden)]
pub mod doc_server;
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod manual;
pub mod proto;
pub mod trace;
mod transport;

pub use client::agent::{Agent, AgentBuilder};
pub use client::body::{BodyReader, Progress};
pub use client::multipart::{self, Multipart, Part};
pub use client::request::{IntoUrl, RequestBuilder};
pub use client::response::{Hop, Response};
pub use error::{Error, ErrorKind, Result, Step};
pub use trace::Event;
pub use transport::proxy::Proxy;
pub use url::Url;

/// TLS configuration: the rustls crate this build uses (to build a
/// [`ClientConfig`](rustls::ClientConfig) for [`AgentBuilder::tls_config`]), and a client
/// certificate for mutual TLS.
#[cfg(feature = "tls")]
pub use rustls;
#[cfg(feature = "tls")]
pub use transport::tls::ClientCert;

use std::sync::OnceLock;

/// The agent behind [`get`], [`post`] and the other one-off functions, built on first use. It
/// keeps idle connections, but no cookies: one-off calls share nothing else, as Python's
/// `requests.get` and ureq's functions do (and the `cookies` feature, which any crate in a
/// program can turn on, must not make one site's cookies reach another call).
fn default_agent() -> &'static Agent {
    static AGENT: OnceLock<Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        let builder = Agent::builder();
        #[cfg(feature = "cookies")]
        let builder = builder.cookie_store(None);
        builder.build()
    })
}

/// A request with any method, on the default agent.
///
/// ```
/// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\nAllow: GET, POST\r\n\r\n"]);
/// let resp = h1client::request("OPTIONS", &server.url("/")).call()?;
/// assert_eq!(resp.header("allow"), Some("GET, POST"));
/// # Ok::<(), h1client::Error>(())
/// ```
pub fn request(method: &str, url: impl IntoUrl) -> RequestBuilder {
    default_agent().request(method, url)
}

/// A GET request on the default agent (see the crate documentation).
///
/// ```
/// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"]);
/// let text = h1client::get(&server.url("/hello")).call()?.text()?;
/// assert_eq!(text, "hello");
/// # Ok::<(), h1client::Error>(())
/// ```
pub fn get(url: impl IntoUrl) -> RequestBuilder {
    default_agent().get(url)
}

/// A HEAD request on the default agent.
///
/// ```
/// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 123\r\n\r\n"]);
/// let resp = h1client::head(&server.url("/file")).call()?;
/// assert_eq!(resp.header("content-length"), Some("123"));
/// # Ok::<(), h1client::Error>(())
/// ```
pub fn head(url: impl IntoUrl) -> RequestBuilder {
    default_agent().head(url)
}

/// A POST request on the default agent.
///
/// ```
/// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"]);
/// let resp = h1client::post(&server.url("/items")).send_form(&[("name", "ada")])?;
/// assert_eq!(resp.status(), 201);
/// # Ok::<(), h1client::Error>(())
/// ```
pub fn post(url: impl IntoUrl) -> RequestBuilder {
    default_agent().post(url)
}

/// A PUT request on the default agent.
///
/// ```
/// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
/// h1client::put(&server.url("/items/1")).send("new value")?;
/// # Ok::<(), h1client::Error>(())
/// ```
pub fn put(url: impl IntoUrl) -> RequestBuilder {
    default_agent().put(url)
}

/// A DELETE request on the default agent.
///
/// ```
/// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
/// assert!(h1client::delete(&server.url("/items/1")).call()?.is_success());
/// # Ok::<(), h1client::Error>(())
/// ```
pub fn delete(url: impl IntoUrl) -> RequestBuilder {
    default_agent().delete(url)
}

/// A PATCH request on the default agent.
///
/// ```
/// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
/// h1client::patch(&server.url("/items/1")).send(r#"{"done":true}"#)?;
/// # Ok::<(), h1client::Error>(())
/// ```
pub fn patch(url: impl IntoUrl) -> RequestBuilder {
    default_agent().patch(url)
}
