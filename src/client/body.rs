//! The response body as a stream: [`BodyReader`] reads it exactly as its framing says (RFC 9112
//! §6.3), gives the connection back to the pool when it reaches a clean end, and never passes a
//! body cut short off as complete:
//!
//! - `Content-Length`: the connection closing before that many bytes is an `Io` error
//!   (`UnexpectedEof`) naming how many of how many arrived;
//! - chunked: closing anywhere before the last chunk and the end of the trailer section is an
//!   error too; bad chunk framing is a `Protocol` error;
//! - until close: the close is the end. Over TLS only a `close_notify` proves it; a bare TCP close
//!   is reported as truncation (RFC 8446 §6.1, RFC 9112 §9.8).
//!
//! A connection goes back to the pool only when its body was read to that clean end, the
//! framing allows reuse, and no byte beyond the body arrived (extra bytes are never taken as the
//! next response). Dropping a reader before the end keeps the connection only when the rest of
//! the body is already at hand; otherwise it is closed, never waited for.
//!
//! Above the framing, the codings are undone as the body streams, by [`super::decode`]: every
//! transfer coding listed before the final `chunked` (RFC 9112 §6.1), then a `Content-Encoding`
//! the agent can undo (`gzip`, `deflate`, `br`, with the features of those names; RFC 9110
//! §8.4).

use super::conn::{HttpConn, Origin, Timeouts};
use super::decode::Decoder;
use crate::error::{Error, ErrorKind, Result, Step};
use crate::proto::chunked::{trailer_fields, ChunkedDecoder};
use crate::proto::framing::{BodyKind, Framing, Reuse};
use crate::proto::response::ResponseHead;
use crate::trace::{Event, Tracer};
use crate::transport::pool::Pool;
use std::io::{self, Read, Write};
use std::sync::Arc;
use std::time::Duration;

/// How far a download has come, for [`BodyReader::copy_to_with_progress`].
///
/// ```
/// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nfile data"]);
/// let mut body = h1client::get(&server.url("/file")).call()?.into_reader();
/// let mut percent = 0;
/// body.copy_to_with_progress(&mut std::io::sink(), |p: h1client::Progress| {
///     if let Some(total) = p.expected {
///         percent = p.received * 100 / total;
///     }
/// })?;
/// assert_eq!(percent, 100);
/// # Ok::<(), h1client::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Body bytes written so far (decoded, when the body is).
    pub delivered: u64,
    /// Body bytes taken from the connection so far (before content decoding).
    pub received: u64,
    /// The total of `received`, when the server announced it with `Content-Length`.
    pub expected: Option<u64>,
}

enum State {
    Length(u64),
    Chunked(ChunkedDecoder),
    UntilClose,
    Done,
}

/// The response body as a stream of bytes.
///
/// Reads give the body after transfer decoding (chunked), and after content decoding when the
/// response [is decoded](crate::Response::is_decoded). At the clean end the connection goes back to the
/// agent's pool; a failure is an error from `read()` (kind recoverable with
/// [`Error::from`]`(io_error)`), never a silent early end.
///
/// For progress, [`received`](Self::received) and [`expected_len`](Self::expected_len) count the
/// same bytes (those that crossed the network), and so do [`delivered`](Self::delivered) and
/// [`received`](Self::received) when the body is not decoded.
///
/// A body cut short is an error, never a short success:
///
/// ```
/// # let server = h1client::doc_server::DocServer::start_closing(&[b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"]);
/// use std::io::Read;
/// let mut body = h1client::get(&server.url("/file")).call()?.into_reader();
/// let mut out = Vec::new();
/// let err = body.read_to_end(&mut out).unwrap_err(); // 5 of 10 bytes came, then the server closed
/// assert_eq!(out, b"hello");
/// assert_eq!(h1client::Error::from(err).kind(), h1client::ErrorKind::Io);
/// # Ok::<(), h1client::Error>(())
/// ```
pub struct BodyReader {
    conn: Option<Box<HttpConn>>,
    pool: Option<Arc<Pool<Box<HttpConn>>>>,
    state: State,
    framing: Framing,
    io: Timeouts,
    tracer: Tracer,
    /// Body bytes read from the connection (transfer-decoded, still content-coded).
    received: u64,
    /// Bytes given to the caller (content-decoded).
    delivered: u64,
    expected: Option<u64>,
    trailers: Vec<(String, String)>,
    failed: Option<(ErrorKind, String)>,
    decoder: Option<Box<Decoder>>,
    origin: Origin,
    /// The request had `Expect: 100-continue` and the server answered before its body was sent.
    pub(crate) body_unsent: bool,
    /// Most body bytes taken from the connection (before content decoding), when reading whole.
    received_limit: Option<u64>,
}

/// Most bytes of encoded body one read may take from the connection without producing a single
/// decoded byte. Legitimate streams produce output long before (a gzip header is at most
/// 64 KiB here); a stream of empty blocks is refused instead of read for ever, and the work one
/// read does stays bounded.
const MAX_ENCODED_WITHOUT_OUTPUT: usize = 256 * 1024;

/// How much sooner than a server's `Keep-Alive: timeout=N` an idle connection stops being
/// reused (Node's agent uses the same second): the server's timer and ours do not start at the
/// same instant, and a request must not reach the server as it closes.
const KEEP_ALIVE_MARGIN_SECS: u64 = 1;

impl std::fmt::Debug for BodyReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyReader")
            .field("delivered", &self.delivered)
            .field("received", &self.received)
            .field("expected", &self.expected)
            .field("decoder", &self.decoder)
            .field("done", &matches!(self.state, State::Done))
            .finish_non_exhaustive()
    }
}

impl BodyReader {
    pub(crate) fn new(
        conn: Box<HttpConn>,
        pool: Option<Arc<Pool<Box<HttpConn>>>>,
        framing: Framing,
        max_trailer_bytes: usize,
        io: Timeouts,
        tracer: Tracer,
    ) -> BodyReader {
        let mut conn = conn;
        // A server that says how long it keeps an idle connection (`Keep-Alive: timeout=N`,
        // Apache and Node send it) closes it then: it is not reused after one second less, so
        // a request is not sent into a connection being closed.
        conn.idle_limit = conn
            .head
            .keep_alive_timeout(conn.head_buf())
            .map(|secs| Duration::from_secs(secs.saturating_sub(KEEP_ALIVE_MARGIN_SECS)));
        let (state, expected) = match framing.kind {
            BodyKind::Empty => (State::Length(0), Some(0)),
            BodyKind::Length(n) => (State::Length(n), Some(n)),
            BodyKind::Chunked => (State::Chunked(ChunkedDecoder::new(max_trailer_bytes)), None),
            BodyKind::UntilClose => (State::UntilClose, None),
        };
        BodyReader {
            origin: conn.origin().clone(),
            conn: Some(conn),
            pool,
            state,
            framing,
            io,
            tracer,
            received: 0,
            delivered: 0,
            expected,
            trailers: Vec::new(),
            failed: None,
            decoder: None,
            body_unsent: false,
            received_limit: None,
        }
    }

    pub(crate) fn origin(&self) -> Origin {
        self.origin.clone()
    }

    /// The response head and the buffer it was parsed from, while the connection is held.
    pub(crate) fn head(&self) -> Option<(&ResponseHead, &[u8])> {
        self.conn.as_ref().map(|c| (&c.head, c.head_buf()))
    }

    /// The response head exactly as received.
    pub(crate) fn head_bytes(&self) -> &[u8] {
        self.conn.as_ref().map_or(&[][..], |c| c.head_bytes())
    }

    /// How the body is framed.
    pub(crate) fn framing(&self) -> Framing {
        self.framing
    }

    /// Decodes the body as it is read (`None`: delivered as received).
    pub(crate) fn set_decoder(&mut self, decoder: Option<Decoder>) {
        self.decoder = decoder.map(Box::new);
    }

    /// Refuses more than `limit` body bytes from the connection (before content decoding).
    pub(crate) fn limit_received(&mut self, limit: u64) {
        self.received_limit = Some(limit);
    }

    /// The status and `Location` of the response whose head is in the connection's buffer.
    pub(crate) fn conn_head(&self) -> Option<(u16, Option<&str>)> {
        let conn = self.conn.as_ref()?;
        Some((conn.head.status, conn.head.header(conn.head_buf(), "location")))
    }

    /// Every value of the header `name` in the response head, while it is still buffered.
    #[cfg_attr(not(feature = "cookies"), allow(dead_code))]
    pub(crate) fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.conn.iter().flat_map(move |c| {
            c.head
                .headers(c.head_buf())
                .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })
    }

    /// Writes the rest of the body to `out` (a file, a socket, any `Write`) and returns how many
    /// bytes were written. Reading failures are the network's (a truncated body is an error,
    /// never a short success); a failure to write — a full disk, a closed pipe — is an
    /// [`ErrorKind::LocalIo`] error, so a program can tell them apart.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nfile data"]);
    /// let mut body = h1client::get(&server.url("/file")).call()?.into_reader();
    /// let mut file = Vec::new(); // or std::fs::File::create(path)?
    /// let written = body.copy_to(&mut file)?;
    /// assert_eq!((written, file.as_slice()), (9, &b"file data"[..]));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn copy_to<W: Write + ?Sized>(&mut self, out: &mut W) -> Result<u64> {
        self.copy_to_with_progress(out, |_| {})
    }

    /// [`copy_to`](Self::copy_to), calling `progress` after every piece written: for a progress
    /// bar or a log line. [`Progress::expected`] is known when the server sent a
    /// `Content-Length` (for a decoded body it counts the encoded bytes, as
    /// [`Progress::received`] does).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nfile data"]);
    /// let mut body = h1client::get(&server.url("/file")).call()?.into_reader();
    /// let mut last = None;
    /// body.copy_to_with_progress(&mut std::io::sink(), |p| last = Some((p.received, p.expected)))?;
    /// assert_eq!(last, Some((9, Some(9))));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn copy_to_with_progress<W: Write + ?Sized>(
        &mut self,
        out: &mut W,
        mut progress: impl FnMut(Progress),
    ) -> Result<u64> {
        let mut buf = vec![0u8; 64 * 1024];
        let mut written = 0u64;
        loop {
            let n = self.read_body(&mut buf)?;
            if n == 0 {
                return Ok(written);
            }
            out.write_all(buf.get(..n).unwrap_or_default()).map_err(|e| {
                let message = format!("could not write the body: {}", crate::error::io_phrase(&e));
                Error::new(ErrorKind::LocalIo, Step::Local, message).with_source(e)
            })?;
            written = written.saturating_add(n as u64);
            progress(Progress {
                delivered: self.delivered,
                received: self.received,
                expected: self.expected,
            });
        }
    }

    /// Bytes given to the caller so far: the body as you read it (decoded, when it is).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world"]);
    /// use std::io::Read;
    /// let mut body = h1client::get(&server.url("/")).call()?.into_reader();
    /// let mut first = [0u8; 5];
    /// body.read_exact(&mut first)?;
    /// assert_eq!(body.delivered(), 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    /// Body bytes taken from the connection so far: after removing the chunked framing, before
    /// content decoding — the bytes `Content-Length` counts. Equal to
    /// [`delivered`](Self::delivered) when the body is not decoded.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[
    /// #     b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    /// # ]);
    /// let mut body = h1client::get(&server.url("/")).call()?.into_reader();
    /// body.copy_to(&mut std::io::sink())?;
    /// assert_eq!(body.received(), 11); // the data only: chunk sizes and CRLFs are not counted
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn received(&self) -> u64 {
        self.received
    }

    /// The total of [`received`](Self::received) when the framing announced it
    /// (`Content-Length`), else `None`. For a decoded body this is the compressed length: the
    /// decoded length is not known until the end.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[
    /// #     b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    /// #     b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    /// # ]);
    /// let sized = h1client::get(&server.url("/sized")).call()?.into_reader();
    /// assert_eq!(sized.expected_len(), Some(5));
    /// let chunked = h1client::get(&server.url("/chunked")).call()?.into_reader();
    /// assert_eq!(chunked.expected_len(), None);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn expected_len(&self) -> Option<u64> {
        self.expected
    }

    /// Is the body content-decoded as it is read?
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[
    /// #     b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 29\r\n\r\n\
    /// #       \x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xcb\x48\xcd\xc9\xc9\xd7\x51\xc8\x40\xa2\x00\x9f\xa1\xca\x09\x13\x00\x00\x00",
    /// # ]);
    /// let body = h1client::get(&server.url("/")).call()?.into_reader(); // Content-Encoding: gzip
    /// // decoded when h1client is built with the `gzip` feature; given as received otherwise
    /// assert_eq!(body.is_decoded(), cfg!(feature = "gzip"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn is_decoded(&self) -> bool {
        self.decoder.is_some()
    }

    /// Has the body been read to its end (or failed)?
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"]);
    /// let mut body = h1client::get(&server.url("/")).call()?.into_reader();
    /// assert!(!body.is_done());
    /// body.copy_to(&mut std::io::sink())?;
    /// assert!(body.is_done());
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done)
            && self
                .decoder
                .as_ref()
                .is_none_or(|d| d.is_done() || self.failed.is_some())
    }

    /// The trailer fields of a chunked body (RFC 9112 §7.1.2), once the body has been read to its
    /// end (for a decoded body too: its end is the end of the chunked body); empty before, and
    /// for other framings.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[
    /// #     b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Checksum: 42\r\n\r\n",
    /// # ]);
    /// let mut body = h1client::get(&server.url("/")).call()?.into_reader();
    /// assert!(body.trailers().is_empty()); // they follow the body
    /// body.copy_to(&mut std::io::sink())?;
    /// assert_eq!(body.trailers(), [("X-Checksum".to_string(), "42".to_string())]);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn trailers(&self) -> &[(String, String)] {
        &self.trailers
    }

    /// The clean end: report it, and give the connection back to the pool if it may be reused.
    fn finish(&mut self) {
        if let State::Chunked(d) = &self.state {
            self.trailers = parse_trailers(d.trailers());
        }
        self.state = State::Done;
        let received = self.received;
        self.tracer.emit(|| Event::BodyDone { bytes: received });
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        let framing_reason;
        let reason = if let Reuse::Close(why) = self.framing.reuse {
            framing_reason = why.to_string();
            &framing_reason
        } else if !conn.buffered().is_empty() || conn.stream.has_buffered_input() {
            "bytes arrived after the end of the body"
        } else if conn.idle_limit.is_some_and(|limit| limit.is_zero()) {
            "the server keeps idle connections too briefly to reuse (Keep-Alive: timeout)"
        } else {
            conn.reused = true;
            match self.pool.as_ref().map(|pool| pool.put(conn)) {
                Some(None) => {
                    self.tracer.emit(|| Event::Pooled);
                    return;
                }
                _ => "connection pooling is disabled",
            }
        };
        self.tracer.emit(|| Event::Closed { reason });
    }

    fn fail(&mut self, e: Error) -> Error {
        self.failed = Some((e.kind(), e.to_string()));
        self.state = State::Done;
        if let Some(conn) = self.conn.take() {
            let reason = e.to_string();
            self.tracer.emit(|| Event::Closed { reason: &reason });
            drop(conn);
        }
        e
    }

    /// Reads body bytes into `out`; the typed form of `Read::read`. Returns 0 at the end of the
    /// body.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world"]);
    /// let mut body = h1client::get(&server.url("/")).call()?.into_reader();
    /// let mut buf = [0u8; 4];
    /// let mut out = Vec::new();
    /// loop {
    ///     let n = body.read_body(&mut buf)?; // an h1client::Error, not an io::Error
    ///     if n == 0 {
    ///         break;
    ///     }
    ///     out.extend_from_slice(&buf[..n]);
    /// }
    /// assert_eq!(out, b"hello world");
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn read_body(&mut self, out: &mut [u8]) -> Result<usize> {
        if let Some((kind, message)) = &self.failed {
            return Err(Error::new(
                *kind,
                Step::ReceiveBody,
                format!("the body already failed: {message}"),
            ));
        }
        if out.is_empty() {
            return Ok(0);
        }
        let result = match self.decoder.take() {
            None => self.read_raw(out),
            Some(mut decoder) => {
                // Bounded work per read: encoded input that decodes to nothing (endless empty
                // gzip members, empty stored blocks, brotli metadata) must not keep one read
                // going for ever.
                let mut budget = MAX_ENCODED_WITHOUT_OUTPUT;
                let result = decoder.read(
                    &mut |buf| {
                        if budget == 0 {
                            let message = format!(
                                "{MAX_ENCODED_WITHOUT_OUTPUT} bytes of encoded body decoded to nothing (a stream of empty blocks?)"
                            );
                            return Err(Error::new(ErrorKind::Decode, Step::ReceiveBody, message));
                        }
                        let room = buf.len().min(budget);
                        let n = self.read_raw(buf.get_mut(..room).unwrap_or_default())?;
                        budget = budget.saturating_sub(n);
                        Ok(n)
                    },
                    out,
                );
                self.decoder = Some(decoder);
                result.map_err(|e| e.with_host(&self.origin))
            }
        };
        match result {
            Ok(n) => {
                self.delivered = self.delivered.saturating_add(n as u64);
                Ok(n)
            }
            Err(e) => Err(self.fail(e)),
        }
    }

    /// Reads the body as it came (transfer-decoded only).
    fn read_raw(&mut self, out: &mut [u8]) -> Result<usize> {
        let (n, end) = self.read_framed(out)?;
        self.received = self.received.saturating_add(n as u64);
        if let Some(limit) = self.received_limit.filter(|&limit| self.received > limit) {
            let message = format!(
                "the encoded body is larger than {limit} bytes, more than the body limit allows (use into_reader to stream it)"
            );
            return Err(Error::new(ErrorKind::BodyTooLarge, Step::ReceiveBody, message).with_host(&self.origin));
        }
        if end {
            self.finish();
        }
        Ok(n)
    }

    /// One read in the body's framing: (bytes, whether the body is now complete).
    fn read_framed(&mut self, out: &mut [u8]) -> Result<(usize, bool)> {
        let Some(conn) = self.conn.as_mut() else {
            return Ok((0, false));
        };
        if out.is_empty() {
            return Ok((0, false));
        }
        let (n, end) = match &mut self.state {
            State::Done => return Ok((0, false)),
            State::Length(left) => {
                let got = read_length(conn, left, self.expected.unwrap_or(0), out, &self.io)?;
                if got.0 > 0 {
                    self.tracer.emit(|| Event::BodyReceived {
                        bytes: out.get(..got.0).unwrap_or_default(),
                    });
                }
                got
            }
            State::Chunked(decoder) => read_chunked(conn, decoder, self.received, out, &self.io, &self.tracer)?,
            State::UntilClose => {
                let got = read_until_close(conn, out, &self.io)?;
                if got.0 > 0 {
                    self.tracer.emit(|| Event::BodyReceived {
                        bytes: out.get(..got.0).unwrap_or_default(),
                    });
                }
                got
            }
        };
        Ok((n, end))
    }
}

fn truncated(conn: &HttpConn, what: String) -> Error {
    Error::new(ErrorKind::Io, Step::ReceiveBody, what)
        .with_source(io::Error::from(io::ErrorKind::UnexpectedEof))
        .with_host(conn.origin())
}

/// Copies buffered bytes into `out` (at most `max`).
fn take_buffered(conn: &mut HttpConn, out: &mut [u8], max: usize) -> usize {
    let n = max.min(out.len()).min(conn.buffered().len());
    if let (Some(dst), Some(src)) = (out.get_mut(..n), conn.buffered().get(..n)) {
        dst.copy_from_slice(src);
        conn.consume(n);
        return n;
    }
    0
}

/// A `Content-Length` body: `left` bytes to go. Returns (bytes read, body complete).
fn read_length(
    conn: &mut HttpConn,
    left: &mut u64,
    total: u64,
    out: &mut [u8],
    io: &Timeouts,
) -> Result<(usize, bool)> {
    if *left == 0 {
        return Ok((0, true));
    }
    let want = (*left).min(out.len() as u64) as usize;
    let n = if conn.buffered().is_empty() {
        // The last read may take more than is left: whatever arrived after the body (in the same
        // flight) goes back to the connection's buffer, which keeps the connection out of the
        // pool. A read returns what is there, so asking for more never waits for more.
        let n = conn.read_direct(out, io, Step::ReceiveBody)?;
        if n > want {
            conn.push_back(out.get(want..n).unwrap_or_default());
        }
        n.min(want)
    } else {
        take_buffered(conn, out, want)
    };
    if n == 0 {
        let got = total.saturating_sub(*left);
        return Err(truncated(
            conn,
            format!("connection closed after {got} of {total} body bytes"),
        ));
    }
    *left = left.saturating_sub(n as u64);
    Ok((n, *left == 0))
}

/// A chunked body. Decodes whole runs of buffered input at once; large chunk data goes straight
/// from the socket into `out`.
/// Reads into the caller's buffer directly when it has at least this much room.
const DIRECT_READ_MIN: usize = 4096;

fn read_chunked(
    conn: &mut HttpConn,
    decoder: &mut ChunkedDecoder,
    delivered: u64,
    out: &mut [u8],
    io: &Timeouts,
    tracer: &Tracer,
) -> Result<(usize, bool)> {
    loop {
        if !conn.buffered().is_empty() {
            let (used, produced) = decoder
                .decode(conn.buffered(), out)
                .map_err(|e| Error::from_proto(Step::ReceiveBody, e).with_host(conn.origin()))?;
            if used > 0 {
                tracer.emit(|| Event::BodyReceived {
                    bytes: conn.buffered().get(..used).unwrap_or_default(),
                });
            }
            conn.consume(used);
            if decoder.is_done() || produced > 0 {
                return Ok((produced, decoder.is_done()));
            }
            continue;
        }
        // With room for a good read, receive raw chunked bytes straight into `out` and strip
        // the framing there: one read per buffer, not one per chunk. Bytes past the end of the
        // body are unasked for; they go back to the connection's buffer, which then keeps the
        // connection out of the pool.
        let n = if out.len() >= DIRECT_READ_MIN {
            let n = conn.read_direct(out, io, Step::ReceiveBody)?;
            if n > 0 {
                tracer.emit(|| Event::BodyReceived {
                    bytes: out.get(..n).unwrap_or_default(),
                });
                let (used, produced) = decoder
                    .decode_in_place(out.get_mut(..n).unwrap_or_default())
                    .map_err(|e| Error::from_proto(Step::ReceiveBody, e).with_host(conn.origin()))?;
                conn.push_back(out.get(used..n).unwrap_or_default());
                if decoder.is_done() || produced > 0 {
                    return Ok((produced, decoder.is_done()));
                }
                continue;
            }
            n
        } else {
            conn.fill(io, Step::ReceiveBody)?
        };
        if n == 0 {
            return Err(truncated(
                conn,
                format!("connection closed in the middle of the chunked body, after {delivered} bytes"),
            ));
        }
    }
}

/// A body delimited by the end of the connection.
fn read_until_close(conn: &mut HttpConn, out: &mut [u8], io: &Timeouts) -> Result<(usize, bool)> {
    if !conn.buffered().is_empty() {
        return Ok((take_buffered(conn, out, usize::MAX), false));
    }
    match conn.read_direct(out, io, Step::ReceiveBody)? {
        0 if conn.unclean_close => Err(truncated(
            conn,
            "connection closed without TLS close_notify: the body may be truncated".to_string(),
        )),
        n => Ok((n, n == 0)),
    }
}

/// The trailer fields of a section, owned; values that are not UTF-8 are read as ISO-8859-1,
/// as in a head (see [`trailer_fields`] for which lines are kept).
fn parse_trailers(raw: &[u8]) -> Vec<(String, String)> {
    trailer_fields(raw)
        .map(|(name, value)| {
            let value = match std::str::from_utf8(value) {
                Ok(text) => text.to_string(),
                Err(_) => value.iter().map(|&b| char::from(b)).collect(),
            };
            (name.to_string(), value)
        })
        .collect()
}

impl Read for BodyReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.read_body(out).map_err(io::Error::from)
    }
}

impl BodyReader {
    /// Ends the body from the bytes already received, without waiting for more: when the rest
    /// of the body is in the connection's buffer (a `Content-Length` or chunked body, framed and
    /// at hand), it is consumed and the connection can be reused; otherwise nothing is read.
    /// Returns whether the body is complete.
    fn finish_from_buffer(&mut self) -> bool {
        let Some(conn) = self.conn.as_mut() else {
            return false;
        };
        match &mut self.state {
            State::Length(left) if *left <= conn.buffered().len() as u64 => {
                conn.consume(*left as usize);
                self.received = self.received.saturating_add(*left);
                true
            }
            State::Chunked(decoder) => {
                let mut scratch = [0u8; 4096];
                while !decoder.is_done() && !conn.buffered().is_empty() {
                    let Ok((used, produced)) = decoder.decode(conn.buffered(), &mut scratch) else {
                        return false;
                    };
                    conn.consume(used);
                    self.received = self.received.saturating_add(produced as u64);
                }
                decoder.is_done()
            }
            _ => false,
        }
    }
}

/// A body dropped before its end — one nobody needs, such as a followed redirect's — keeps its
/// connection only when the rest is already at hand (see `finish_from_buffer`): a body that is
/// large, slow to come or delimited by the close is never waited for; the connection is closed.
impl Drop for BodyReader {
    fn drop(&mut self) {
        if self.conn.is_none() {
            return;
        }
        if self.finish_from_buffer() {
            self.finish();
        } else {
            self.tracer.emit(|| Event::Closed {
                reason: "the body was not read to its end",
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailers_are_parsed() {
        let t = parse_trailers(b"X-Sum: 1\r\nX-Name: Andr\xe9\r\n\r\n");
        let owned = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(t, [owned("X-Sum", "1"), owned("X-Name", "André")]);
        assert!(parse_trailers(b"").is_empty());
    }
}
