//! # h1client
//!
//! A small, fast, correct blocking HTTP/1.1 client, written from the RFCs on `std::net`, with
//! rustls for HTTPS.
//!
//! ```no_run
//! # fn main() -> h1client::Result<()> {
//! let resp = h1client::get("http://127.0.0.1:8080/data").call()?;
//! assert_eq!(resp.status(), 200);
//! let text: String = resp.text()?;
//! # Ok(()) }
//! ```
//!
//! The code has three layers, and a request travels through them top to bottom:
//!
//! - [`client`]: the [`Agent`], requests and responses, redirects and retries;
//! - [`proto`]: pure HTTP/1.1 — request heads to bytes, bytes to response heads, body framing,
//!   chunked coding — with no I/O at all (RFC 9112, RFC 9110);
//! - [`transport`]: resolving, connecting, TLS, and the pool of idle connections.
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
#![deny(missing_docs)]

pub mod client;
pub mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod proto;
pub mod trace;
pub mod transport;

pub use client::agent::{Agent, AgentBuilder};
pub use client::multipart::{self, Multipart, Part};
pub use client::request::RequestBuilder;
pub use client::response::{BodyReader, Response};
pub use error::{Error, ErrorKind, Result, Step};
pub use trace::Event;
pub use transport::proxy::Proxy;
pub use url::Url;

#[cfg(feature = "tls")]
pub use rustls;

use std::sync::OnceLock;

/// The agent behind [`get`], [`post`] and the other one-off functions, built on first use.
fn default_agent() -> &'static Agent {
    static AGENT: OnceLock<Agent> = OnceLock::new();
    AGENT.get_or_init(Agent::new)
}

/// A request with any method, on the default agent.
pub fn request(method: &str, url: &str) -> RequestBuilder {
    default_agent().request(method, url)
}

/// A GET request on the default agent.
pub fn get(url: &str) -> RequestBuilder {
    default_agent().get(url)
}

/// A HEAD request on the default agent.
pub fn head(url: &str) -> RequestBuilder {
    default_agent().head(url)
}

/// A POST request on the default agent.
pub fn post(url: &str) -> RequestBuilder {
    default_agent().post(url)
}

/// A PUT request on the default agent.
pub fn put(url: &str) -> RequestBuilder {
    default_agent().put(url)
}

/// A DELETE request on the default agent.
pub fn delete(url: &str) -> RequestBuilder {
    default_agent().delete(url)
}

/// A PATCH request on the default agent.
pub fn patch(url: &str) -> RequestBuilder {
    default_agent().patch(url)
}
