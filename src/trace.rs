//! Watching a request as it runs: structured [`Event`]s for every step, from resolving the name
//! to returning the connection to the pool.
//!
//! Install a callback with [`AgentBuilder::trace`](crate::AgentBuilder::trace); it is called on
//! the requesting thread, in order, with events that borrow the exact bytes exchanged. Without a
//! callback no event is even constructed. The command-line `-v` output is made from these events.
//!
//! ```
//! # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
//! use h1client::Event;
//! use std::sync::{Arc, Mutex};
//!
//! let seen = Arc::new(Mutex::new(Vec::new()));
//! let log = seen.clone();
//! let agent = h1client::Agent::builder()
//!     .trace(move |event: &Event<'_>| {
//!         if let Event::ResponseHead { bytes, .. } = event {
//!             log.lock().unwrap().push(String::from_utf8_lossy(bytes).into_owned());
//!         }
//!     })
//!     .build();
//! agent.get(&server.url("/")).call()?;
//! assert_eq!(seen.lock().unwrap()[0], "HTTP/1.1 204 No Content\r\n\r\n");
//! # Ok::<(), h1client::Error>(())
//! ```
//!
//! The events follow the exchange as RFC 9112 describes it: the connection (§9), the request
//! head (§3), the response head (§4) and interim responses (RFC 9110 §15.2), the framing
//! decision (§6.3) and its reason, the body bytes as transferred (§6, §7), and the connection's
//! fate afterwards (§9.3); plus redirects (RFC 9110 §15.4) and TLS (RFC 8446).

use crate::proto::framing::{BodyKind, Rule};
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// One step of a request, as it happens.
///
/// ```
/// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"]);
/// use h1client::Event;
/// use std::sync::{Arc, Mutex};
///
/// let steps = Arc::new(Mutex::new(Vec::new()));
/// let log = steps.clone();
/// let agent = h1client::Agent::builder()
///     .trace(move |event: &Event<'_>| {
///         let step = match event {
///             Event::Connected { .. } => "connected".to_string(),
///             Event::RequestHead { .. } => "request sent".to_string(),
///             Event::Framing { kind, .. } => format!("body framed as {kind:?}"),
///             Event::BodyDone { bytes } => format!("{bytes} bytes received"),
///             Event::Pooled => "connection kept".to_string(),
///             _ => return,
///         };
///         log.lock().unwrap().push(step);
///     })
///     .build();
/// agent.get(&server.url("/")).call()?.text()?;
/// assert_eq!(
///     *steps.lock().unwrap(),
///     ["connected", "request sent", "body framed as Length(5)", "5 bytes received", "connection kept"]
/// );
/// # Ok::<(), h1client::Error>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event<'a> {
    /// A host name was resolved to these addresses (in the order they will be tried).
    Resolved {
        /// The name.
        host: &'a str,
        /// Its addresses.
        addrs: &'a [SocketAddr],
    },
    /// A connection attempt starts.
    Connecting {
        /// The address tried.
        addr: SocketAddr,
    },
    /// A connection attempt succeeded.
    Connected {
        /// The address connected to.
        addr: SocketAddr,
        /// How long connecting took.
        elapsed: Duration,
    },
    /// The TLS handshake completed.
    TlsHandshake {
        /// The protocol version (`TLSv1_3`).
        version: &'a str,
        /// The cipher suite.
        cipher: &'a str,
        /// The application protocol agreed by ALPN.
        alpn: Option<&'a str>,
    },
    /// An idle pooled connection is used for this request.
    Reused {
        /// The origin (`host:port`).
        origin: &'a str,
        /// How long it had been idle.
        idle: Duration,
    },
    /// The request head was sent: these exact bytes.
    RequestHead {
        /// The head, request line to empty line.
        bytes: &'a [u8],
    },
    /// Request body bytes were sent: these exact bytes, transfer framing (chunk sizes) included.
    BodySent {
        /// The bytes, as written to the connection.
        bytes: &'a [u8],
    },
    /// Response body bytes were received: these exact bytes, before any decoding (chunk framing
    /// and compressed data as they came).
    BodyReceived {
        /// The bytes, as read from the connection.
        bytes: &'a [u8],
    },
    /// A response head was received: these exact bytes.
    ResponseHead {
        /// The head, status line to empty line.
        bytes: &'a [u8],
        /// An interim (1xx) response, to be followed by another head.
        interim: bool,
    },
    /// A request with `Expect: 100-continue` stopped waiting (RFC 9110 §10.1.1).
    ExpectContinue {
        /// What happened: the go-ahead came, the wait passed, or a final response came first.
        outcome: &'a str,
    },
    /// The length of the body was decided.
    Framing {
        /// How the body is delimited.
        kind: BodyKind,
        /// The RFC 9112 §6.3 rule that decided it.
        rule: Rule,
    },
    /// The body was read to its end.
    BodyDone {
        /// Body bytes received (after transfer decoding).
        bytes: u64,
    },
    /// The connection went back to the pool for reuse.
    Pooled,
    /// The connection was closed.
    Closed {
        /// Why it was not kept.
        reason: &'a str,
    },
    /// A request failed on a reused connection before any response byte, and is sent again on a
    /// new one (RFC 9112 §9.3.1).
    Retry {
        /// What went wrong the first time.
        reason: &'a str,
    },
    /// A redirect is being followed.
    Redirect {
        /// The status of the redirect response.
        status: u16,
        /// From this URL…
        from: &'a str,
        /// …to this one.
        to: &'a str,
        /// Headers not sent to the new location (credentials on an origin change).
        dropped: &'a [&'a str],
    },
}

/// The type of a trace callback.
pub(crate) type TraceFn = dyn Fn(&Event<'_>) + Send + Sync;

/// A handle on the (optional) trace callback; cheap to clone.
#[derive(Clone, Default)]
pub(crate) struct Tracer(Option<Arc<TraceFn>>);

impl Tracer {
    /// A tracer that ignores everything.
    pub(crate) fn none() -> Tracer {
        Tracer(None)
    }

    /// A tracer calling `f`.
    pub(crate) fn new(f: Arc<TraceFn>) -> Tracer {
        Tracer(Some(f))
    }

    /// Is a callback installed?
    pub(crate) fn is_on(&self) -> bool {
        self.0.is_some()
    }

    /// Calls the callback with the event made by `make`; `make` runs only when a callback is
    /// installed.
    pub(crate) fn emit<'a>(&self, make: impl FnOnce() -> Event<'a>) {
        if let Some(f) = &self.0 {
            f(&make());
        }
    }
}

impl fmt::Debug for Tracer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "Tracer(on)" } else { "Tracer(off)" })
    }
}
