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
//! One `h1client::get(url).call()` takes thirteen steps, from checking the URL to giving the
//! connection back to the pool, and [`call`](RequestBuilder::call) returns the [`Response`] with
//! the body still on the wire. The manual's [life of a request](manual::_01_life_of_a_request) is
//! the one list of them, with the code and the RFC section behind each; the
//! [`AgentBuilder::trace`] hook lets you watch them happen.
//!
//! New to HTTP? The [concepts](manual::_03_concepts) chapter explains message and content, chunks
//! and trailers, idempotency, smuggling, stale connections, HTTPS and proxies byte by byte,
//! redirects and cookies. The [manual] also has [the code, file by file](manual::_02_the_code),
//! [when it goes wrong](manual::_04_when_it_goes_wrong), the [threats](manual::_05_threats), the
//! [defaults](manual::_06_defaults), what is [left out](manual::_07_left_out),
//! [recipes](manual::_08_recipes) and a guide to [migrating](manual::_09_migrating) from other
//! clients.
//!
//! The code is in three layers (see [the code, file by file](manual::_02_the_code)): the client
//! (the [`Agent`], requests and responses, redirects and retries), the protocol core
//! ([`proto`]: request heads to bytes, bytes to response heads, body framing, chunked coding,
//! with no I/O at all — public, so that you can drive it over your own I/O), and the transport
//! (resolving, connecting, TLS, the pool of idle connections).
//!
//! ## Errors
//!
//! Every failure is one [`Error`] with a [`kind`](Error::kind) (what to do about it: retry on
//! [`ErrorKind::Timeout`], report [`ErrorKind::Tls`] differently, …), a [`step`](Error::step)
//! (where in the exchange: resolving, connecting, the TLS handshake, sending, receiving) and a
//! message naming the host: `connect to 127.0.0.1:9: connection refused`. A 4xx or 5xx status
//! is a normal [`Response`]; [`Response::error_for_status`] makes it an error.
//!
//! ## Features
//!
//! | feature | default | adds |
//! |---|---|---|
//! | `tls` | yes | HTTPS with rustls (ring) and the webpki-roots trust anchors |
//! | `native-roots` | no | the operating system's certificate store as well |
//! | `cookies` | no | a cookie jar in each [`Agent`] (cookie_store, RFC 6265) |
//! | `gzip` | no | `Accept-Encoding: gzip, deflate` and decoding of such bodies |
//! | `brotli` | no | `Accept-Encoding: br` and decoding of such bodies |
//! | `charset` | no | [`Response::text`] in any WHATWG charset |
//! | `json` | no | `RequestBuilder::send_json` and `Response::json` |
//! | `http` | no | `Agent::run` for an `http::Request`, and `http::Response` from a [`Response`] (the `http` crate, re-exported) |
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
#![cfg_attr(docsrs, feature(doc_cfg))]

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
#[cfg(feature = "http")]
pub use client::http_interop::SendBody;
pub use client::multipart::{self, Multipart, Part};
pub use client::request::{IntoUrl, RequestBuilder};
pub use client::response::{Hop, Response};
pub use error::{Error, ErrorKind, Result, Step};
#[cfg(feature = "http")]
pub use http;
pub use proto::request::Version as HttpVersion;
pub use trace::Event;
pub use transport::connect::IpVersion;
pub use transport::proxy::{Proxy, ProxyKind};
pub use url::Url;

/// TLS configuration: the rustls crate this build uses (to build a
/// [`ClientConfig`](rustls::ClientConfig) for [`AgentBuilder::tls_config`]), and a client
/// certificate for mutual TLS.
#[cfg(feature = "tls")]
pub use rustls;
#[cfg(feature = "tls")]
pub use transport::tls::{ClientCert, TlsVersion};

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

/// The README's Rust blocks, compiled as doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
