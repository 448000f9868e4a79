//! Entry points for the fuzz targets in `fuzz/` and for `tests/fuzz_corpus.rs`, which replays
//! their corpus on the stable toolchain. Compiled only with the `fuzzing` feature; not a stable
//! API.
//!
//! The pure protocol core ([`proto`](crate::proto)) is public and fuzzed directly. What is not
//! reachable from outside is the code a response goes through on a connection: the buffered
//! reader of `HttpConn` (interim 1xx heads, the head size limit, heads and bodies split
//! anywhere across reads) and the [`BodyReader`]. [`receive`] runs exactly that code, as the
//! agent does after sending a request, over an in-memory stream that reads from any
//! [`Read`] — the fuzz target's own reader, which hands out the input in arbitrary pieces with
//! `Interrupted` and `WouldBlock` in between.
//!
//! What the targets hold the code to: RFC 9112 §4–§5 (heads), §6.3 (framing), §7.1 (chunked
//! coding), §9.3 (reuse), RFC 9110 §5.5 and §9.1 (what may be sent).

use crate::client::body::BodyReader;
use crate::client::conn::{HttpConn, Origin, Timeouts};
use crate::error::Result;
use crate::proto::framing::{self, Framing, RequestFacts};
use crate::proto::response::HeadLimits;
use crate::trace::{Event, Tracer};
use crate::transport::{PoolKey, Stream};
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use url::Url;

/// A response whose final head has been read: what the agent knows when it returns a
/// [`Response`](crate::Response).
pub struct Received {
    /// The status code of the final head.
    pub status: u16,
    /// `0` for HTTP/1.0, `1` for HTTP/1.1.
    pub minor_version: u8,
    /// The final head as received (obs-folds replaced by spaces), status line to empty line.
    pub head: Vec<u8>,
    /// Its header fields, `(name, raw value)`, in order.
    pub headers: Vec<(String, Vec<u8>)>,
    /// How many interim (1xx) heads were skipped before it.
    pub interim: usize,
    /// The framing decision for the body.
    pub framing: Framing,
    /// The body, read through the connection's buffer and then the stream.
    pub body: BodyReader,
}

/// Reads a response to a `method` request from `input` with the agent's own code:
/// `HttpConn::read_head`, [`framing::decide`], then a [`BodyReader`] over the same connection
/// (with `limits.max_head_bytes` as the trailer limit, as the agent sets it).
pub fn receive(method: &str, input: impl Read + Send + Sync + 'static, limits: &HeadLimits) -> Result<Received> {
    let key = PoolKey {
        scheme: "http",
        host: "fuzz.invalid".into(),
        port: 80,
        proxy: None,
        tls_id: 0,
    };
    let origin = Origin {
        host: key.host.clone(),
        port: key.port,
    };
    let socket = crate::transport::timeouts::SocketState::fresh();
    let mut conn = HttpConn::new(Stream::Memory(Box::new(input)), key, origin, socket);
    let interim = Arc::new(AtomicUsize::new(0));
    let counter = interim.clone();
    // A tracer that is on, so the events' construction runs as well.
    let tracer = Tracer::new(Arc::new(move |event: &Event<'_>| {
        if let Event::ResponseHead { interim: true, .. } = event {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }));
    let io = Timeouts::default();
    conn.read_head(limits, &io, &tracer).map_err(|(e, _)| e)?;
    let facts = RequestFacts {
        head: method == "HEAD",
        connect: method == "CONNECT",
    };
    let head_buf = conn.head_buf();
    let framing = framing::decide(
        facts,
        conn.head.status,
        conn.head.minor_version,
        conn.head.raw_headers(head_buf),
    )
    .map_err(|e| crate::Error::from_proto(crate::Step::ReceiveHead, e))?;
    let headers = conn
        .head
        .raw_headers(head_buf)
        .map(|(n, v)| (n.to_string(), v.to_vec()))
        .collect();
    let (status, minor_version, head) = (conn.head.status, conn.head.minor_version, conn.head_bytes().to_vec());
    let body = BodyReader::new(Box::new(conn), None, framing, limits.max_head_bytes, io, tracer);
    Ok(Received {
        status,
        minor_version,
        head,
        headers,
        interim: interim.load(Ordering::Relaxed),
        framing,
        body,
    })
}

/// The agent's URL check: what `agent.request(method, url)` accepts (an `InvalidUrl` error
/// otherwise).
pub fn parse_url(input: &str) -> Result<Url> {
    crate::client::request::parse_url(input)
}
