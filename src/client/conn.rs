//! One HTTP/1.1 connection: a [`Stream`] with one reused read buffer, one reused write buffer,
//! and the timeouts that apply to each blocking call.
//!
//! The read buffer holds the response head while the [`Response`](crate::Response) is looked at
//! (headers are offsets into it, nothing is copied), then serves as read-ahead for the body.
//! Reads bigger than what is buffered go straight from the socket into the caller's memory.
//!
//! It implements the reading side of RFC 9112 §2.2 (message parsing: heads end at the first
//! empty line; bare LF line ends are accepted; CRLFs before a status line are discarded, as
//! §9.2 allows a client to do with them),
//! RFC 9110 §15.2 (interim 1xx responses are read and skipped, 101 ends the exchange), and the
//! connection management of RFC 9112 §9 (one exchange at a time, §9.3; no pipelining, §9.3.2).

use crate::error::{Error, ErrorKind, Result, Step};
use crate::proto::response::{check_start, may_be_complete, HeadLimits, ResponseHead};
use crate::trace::{Event, Tracer};
use crate::transport::pool::Pooled;
pub(crate) use crate::transport::timeouts::Timeouts;
use crate::transport::timeouts::{Armer, SocketState};
use crate::transport::{PoolKey, Stream};
use std::io;
use std::sync::Arc;
use std::time::Duration;

/// Initial size of a connection's read buffer (it grows, up to the head limit, only for heads).
const READ_BUF: usize = 16 * 1024;

/// The origin (`host:port`) a connection's current request goes to, for messages. For a direct
/// connection it is the pool key's (shared, not copied); a connection to a forward proxy or over
/// a unix socket carries requests for any origin, and is told each one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The host as in the URL (IPv6 bracketed).
    pub host: Arc<str>,
    /// The port, explicit or the scheme's default.
    pub port: u16,
}

impl Origin {
    /// The origin of a URL.
    pub(crate) fn of(url: &url::Url) -> Origin {
        Origin {
            host: Arc::from(url.host_str().unwrap_or_default()),
            port: url.port_or_known_default().unwrap_or(0),
        }
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

/// A connection with its buffers; what the pool keeps.
pub struct HttpConn {
    pub(crate) stream: Stream,
    key: PoolKey,
    origin: Origin,
    /// Bytes written to the stream so far (to tell whether anything of a request went out).
    pub(crate) written: u64,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// The request head (and small bodies) are written here, then sent in one call.
    pub(crate) wbuf: Vec<u8>,
    /// The last response head parsed; offsets into `buf` at `head_at`.
    pub(crate) head: ResponseHead,
    head_at: usize,
    /// What the socket's timeouts are set to.
    socket: SocketState,
    /// Has this connection carried a request before the current one?
    pub(crate) reused: bool,
    /// How long it may stay idle, when the server said (`Keep-Alive: timeout`), margin deducted.
    pub(crate) idle_limit: Option<Duration>,
    /// The peer closed a TLS connection without `close_notify` (reads then return 0): the
    /// close proves nothing about the end of the data (RFC 8446 §6.1).
    pub(crate) unclean_close: bool,
}

impl Pooled for HttpConn {
    fn key(&self) -> &PoolKey {
        &self.key
    }

    fn idle_limit(&self) -> Option<Duration> {
        self.idle_limit
    }
}

impl HttpConn {
    /// Wraps an opened stream, for requests to `origin` (which shares the key's host when it is
    /// the same); `socket` is what the socket's timeouts are set to.
    pub fn new(stream: Stream, key: PoolKey, origin: Origin, socket: SocketState) -> HttpConn {
        let origin = if *key.host == *origin.host {
            Origin {
                host: key.host.clone(),
                port: origin.port,
            }
        } else {
            origin
        };
        HttpConn {
            stream,
            key,
            origin,
            written: 0,
            buf: vec![0; READ_BUF],
            start: 0,
            end: 0,
            wbuf: Vec::with_capacity(1024),
            head: ResponseHead::default(),
            head_at: 0,
            socket,
            reused: false,
            idle_limit: None,
            unclean_close: false,
        }
    }

    /// The origin of the request the connection carries, for messages.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// Records the origin of the next request (a forward-proxy or unix-socket connection carries
    /// requests for any origin); no allocation when it is the same.
    pub(crate) fn set_origin(&mut self, url: &url::Url) {
        let (host, port) = (
            url.host_str().unwrap_or_default(),
            url.port_or_known_default().unwrap_or(0),
        );
        if *self.origin.host != *host || self.origin.port != port {
            self.origin = Origin::of(url);
        }
    }

    fn err(&self, e: Error) -> Error {
        e.with_host(&self.origin)
    }

    fn io_err(&self, e: io::Error, io: &Timeouts, per_call: Option<Duration>, what: &str, step: Step) -> Error {
        let e = match e.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => io.timeout_error(per_call, what, step),
            _ => tls_failure(step, &e, &self.origin.host).unwrap_or_else(|| Error::io(step, e)),
        };
        self.err(e)
    }

    /// The stream as a writer under `io`'s limits (each system call armed with the time left),
    /// and the write buffer beside it.
    pub(crate) fn writer<'s>(&'s mut self, io: &'s Timeouts) -> (Writer<'s>, &'s mut Vec<u8>) {
        let writer = Writer {
            stream: &mut self.stream,
            written: &mut self.written,
            armer: Armer::new(io, &mut self.socket),
        };
        (writer, &mut self.wbuf)
    }

    /// The error for a failed write.
    pub fn write_error(&self, e: io::Error, io: &Timeouts) -> Error {
        self.io_err(e, io, io.write, "write", Step::Send)
    }

    /// Bytes received but not yet consumed.
    pub fn buffered(&self) -> &[u8] {
        // start <= end <= buf.len() always holds; `get` keeps even a broken invariant from panicking
        self.buf.get(self.start..self.end).unwrap_or_default()
    }

    /// Marks `n` buffered bytes as consumed.
    pub fn consume(&mut self, n: usize) {
        self.start = self.start.saturating_add(n).min(self.end);
    }

    /// Reads more bytes from the socket into the buffer; returns how many (0 at end of stream).
    /// The head, if still buffered, may be moved or overwritten.
    pub fn fill(&mut self, io: &Timeouts, step: Step) -> Result<usize> {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        } else if self.end == self.buf.len() {
            self.compact();
        }
        let mut armer = Armer::new(io, &mut self.socket);
        let end = self.end;
        match read_stream(
            &mut self.stream,
            &mut self.unclean_close,
            self.buf.get_mut(end..).unwrap_or_default(),
            &mut armer,
        ) {
            Ok(n) => {
                self.end = self.end.saturating_add(n).min(self.buf.len());
                Ok(n)
            }
            Err(e) => Err(self.io_err(e, io, io.read, "read", step)),
        }
    }

    /// Moves the unread bytes to the front of the buffer.
    fn compact(&mut self) {
        if self.start > 0 && self.start <= self.end && self.end <= self.buf.len() {
            self.buf.copy_within(self.start..self.end, 0);
            self.end = self.end.saturating_sub(self.start);
            self.start = 0;
        }
    }

    /// Puts bytes received outside the buffer back into it (the buffer must be empty), so they
    /// are seen as unread input.
    pub fn push_back(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.start = 0;
        self.end = 0;
        if self.buf.len() < bytes.len() {
            self.buf.resize(bytes.len(), 0);
        }
        if let Some(front) = self.buf.get_mut(..bytes.len()) {
            front.copy_from_slice(bytes);
            self.end = bytes.len();
        }
    }

    /// Reads straight from the socket into `out` (the buffer must be empty).
    pub fn read_direct(&mut self, out: &mut [u8], io: &Timeouts, step: Step) -> Result<usize> {
        debug_assert!(self.start == self.end);
        let mut armer = Armer::new(io, &mut self.socket);
        read_stream(&mut self.stream, &mut self.unclean_close, out, &mut armer)
            .map_err(|e| self.io_err(e, io, io.read, "read", step))
    }

    /// Reads the next final response head (skipping and reporting interim 1xx heads) into
    /// `self.head`. Returns how many response bytes arrived before an error, so the caller can
    /// tell "nothing came back" (retry on a fresh connection) from "a response broke off".
    pub fn read_head(
        &mut self,
        limits: &HeadLimits,
        io: &Timeouts,
        tracer: &Tracer,
    ) -> std::result::Result<(), (Error, usize)> {
        self.read_head_until(limits, io, tracer, false)
    }

    /// Reads the next response head, interim (1xx) or final, into `self.head` (waiting for
    /// `100 Continue`, RFC 9110 §10.1.1). Errors as [`read_head`](Self::read_head).
    pub fn read_any_head(
        &mut self,
        limits: &HeadLimits,
        io: &Timeouts,
        tracer: &Tracer,
    ) -> std::result::Result<(), (Error, usize)> {
        self.read_head_until(limits, io, tracer, true)
    }

    /// The loop behind [`read_head`](Self::read_head) and [`read_any_head`](Self::read_any_head):
    /// parse what is buffered, else make room and read more, until a head (final, or any with
    /// `stop_at_interim`) is in.
    fn read_head_until(
        &mut self,
        limits: &HeadLimits,
        io: &Timeouts,
        tracer: &Tracer,
        stop_at_interim: bool,
    ) -> std::result::Result<(), (Error, usize)> {
        let mut scan = HeadScan {
            received: self.buffered().len(),
            ..HeadScan::default()
        };
        if self.start > 0 && self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        loop {
            match self.parse_buffered(&mut scan, limits, tracer) {
                Ok(Some(interim)) if !interim || stop_at_interim => return Ok(()),
                Ok(Some(_)) => continue, // an interim head, skipped: the next may be buffered
                Ok(None) => {}
                Err(e) => return Err((self.err(e), scan.received)),
            }
            scan.scanned = self.buffered().len();
            self.make_room_for_head(limits);
            match self.fill(io, Step::ReceiveHead) {
                Ok(0) => {
                    let e = closed_before_head(scan.received, self.buffered().is_empty());
                    return Err((self.err(e), scan.received));
                }
                Ok(n) => scan.received = scan.received.saturating_add(n),
                Err(e) => return Err((e, scan.received)),
            }
        }
    }

    /// Parses a head from the buffered bytes if they can hold one: `Some(interim?)` when a head
    /// was parsed (and consumed), `None` when more bytes are needed.
    fn parse_buffered(&mut self, scan: &mut HeadScan, limits: &HeadLimits, tracer: &Tracer) -> Result<Option<bool>> {
        let buffered = self.buffered();
        // Empty lines before a status line are skipped (RFC 9112 §2.2, §9.2; httparse skips them
        // too), so they must not count as the empty line that ends a head. Otherwise "\r\n\r\nX…"
        // would be refused at once when it arrives in one read, but only at the close or at the
        // head limit when "\r\n\r\n" arrives alone: the outcome would depend on how the bytes
        // were split. Counted incrementally, so linear in the input.
        let unseen = buffered.get(scan.blank..).unwrap_or_default();
        scan.blank = scan
            .blank
            .saturating_add(unseen.iter().take_while(|&&b| b == b'\r' || b == b'\n').count());
        // A head that reached the limit without an empty line is parsed all the same: the parser
        // names what is wrong with its start, or refuses it for its size, so the error is the
        // same however the bytes were split.
        let full = buffered.len() >= limits.max_head_bytes;
        let unseen = buffered.get(scan.blank..).unwrap_or_default();
        // Bytes that cannot start a status line are refused as they arrive: a peer that is not
        // speaking HTTP may never send the empty line that would end a head.
        check_start(unseen).map_err(|e| Error::from_proto(Step::ReceiveHead, e))?;
        if !full && !may_be_complete(unseen, scan.scanned.saturating_sub(scan.blank)) {
            return Ok(None);
        }
        let (start, end) = (self.start, self.end);
        let window = self.buf.get_mut(start..end).unwrap_or_default();
        // (ResponseHead::parse refuses a partial head as long as the limit.)
        let parsed = self.head.parse(window, limits);
        let Some(len) = parsed.map_err(|e| Error::from_proto(Step::ReceiveHead, e))? else {
            return Ok(None);
        };
        let interim = self.head.is_interim();
        let head_end = start.saturating_add(len);
        tracer.emit(|| Event::ResponseHead {
            bytes: self.buf.get(start..head_end).unwrap_or_default(),
            interim,
        });
        self.start = head_end.min(self.end);
        self.head_at = start;
        (scan.scanned, scan.blank) = (0, 0);
        if interim {
            scan.interim_bytes = scan.interim_bytes.saturating_add(len);
            if scan.interim_bytes > limits.max_head_bytes {
                let limit = limits.max_head_bytes;
                return Err(Error::from_proto(
                    Step::ReceiveHead,
                    crate::proto::Error::InterimTooLarge { limit },
                ));
            }
        }
        Ok(Some(interim))
    }

    /// Makes room for more of a head: moves a partial head to the front, or grows a full buffer
    /// (up to the head limit and one read more).
    fn make_room_for_head(&mut self, limits: &HeadLimits) {
        if self.end < self.buf.len() {
            return;
        }
        if self.start > 0 {
            self.compact();
        } else {
            let len = self.buf.len();
            let grown = len
                .saturating_mul(2)
                .min(limits.max_head_bytes.saturating_add(READ_BUF))
                .max(len.saturating_add(1));
            self.buf.resize(grown, 0);
        }
    }

    /// The bytes of the last response head, as received (obs-folds replaced by spaces).
    pub fn head_bytes(&self) -> &[u8] {
        self.buf
            .get(self.head_at..self.head_at.saturating_add(self.head.len))
            .unwrap_or_default()
    }

    /// Is the response head still in the buffer (no body read has overwritten it)?
    pub fn head_buf(&self) -> &[u8] {
        self.buf.get(self.head_at..).unwrap_or_default()
    }

    /// The stream and its timeouts' state, for a connection that stops speaking HTTP (a
    /// CONNECT tunnel).
    pub fn into_stream(self) -> (Stream, SocketState) {
        (self.stream, self.socket)
    }
}

/// Where reading a head has got to, carried from one read to the next.
#[derive(Debug, Default)]
struct HeadScan {
    /// Response bytes received so far (to tell "nothing came" from "a head broke off").
    received: usize,
    /// Bytes of interim (1xx) heads so far, bounded by the head limit.
    interim_bytes: usize,
    /// Buffered bytes already searched for the end of the head.
    scanned: usize,
    /// Empty-line bytes before the status line.
    blank: usize,
}

/// The error for a connection closed before a whole final head arrived: nothing at all, or
/// only interim (1xx) heads, is an empty reply (curl's 52); part of a head is a broken one.
fn closed_before_head(received: usize, nothing_pending: bool) -> Error {
    let empty = match (received, nothing_pending) {
        (0, _) => Some("connection closed before any response byte (empty reply)"),
        (_, true) => Some("connection closed after interim (1xx) responses, before the final response (empty reply)"),
        _ => None,
    };
    match empty {
        Some(message) => Error::new(ErrorKind::Io, Step::ReceiveHead, message)
            .with_source(io::Error::from(io::ErrorKind::UnexpectedEof)),
        None => {
            let message = format!("connection closed in the middle of the response head, after {received} bytes");
            Error::new(ErrorKind::Protocol, Step::ReceiveHead, message)
        }
    }
}

/// The connection's stream as a `Write` whose every system call is armed (see [`Armer`]), and
/// which counts what it wrote.
pub(crate) struct Writer<'s> {
    stream: &'s mut Stream,
    written: &'s mut u64,
    armer: Armer<'s>,
}

impl Writer<'_> {
    fn count(&mut self, n: usize) -> usize {
        *self.written = self.written.saturating_add(n as u64);
        n
    }
}

impl io::Write for Writer<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.stream.armed(&mut self.armer).write(buf)?;
        Ok(self.count(n))
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        let n = self.stream.armed(&mut self.armer).write_vectored(bufs)?;
        Ok(self.count(n))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.armed(&mut self.armer).flush()
    }
}

/// One read from the stream, each system call armed. A TLS close without `close_notify` reads
/// as the end (0), and sets `unclean`: only a body delimited by the close needs to tell the
/// difference; every other framing knows where its end is.
fn read_stream(stream: &mut Stream, unclean: &mut bool, buf: &mut [u8], armer: &mut Armer<'_>) -> io::Result<usize> {
    loop {
        match stream.read_armed(buf, armer) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof && stream.is_tls() => {
                *unclean = true;
                return Ok(0);
            }
            r => return r,
        }
    }
}

/// A TLS failure after the handshake (an alert, a record that does not decrypt), as an
/// [`ErrorKind::Tls`] error.
#[cfg(feature = "tls")]
fn tls_failure(step: Step, e: &io::Error, host: &str) -> Option<Error> {
    crate::transport::tls::io_failure(step, e, host)
}

#[cfg(not(feature = "tls"))]
fn tls_failure(_step: Step, _e: &io::Error, _host: &str) -> Option<Error> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::Error as Rule;
    use crate::transport::PoolKey;
    use std::collections::VecDeque;

    /// Hands out the input in pieces of the given sizes (the last size repeats), then the end.
    struct Pieces {
        data: VecDeque<u8>,
        sizes: Vec<usize>,
        reads: usize,
    }

    impl io::Read for Pieces {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let size = self.sizes.get(self.reads).or(self.sizes.last()).copied().unwrap_or(1);
            self.reads += 1;
            let n = size.min(buf.len()).min(self.data.len());
            for (slot, byte) in buf.iter_mut().zip(self.data.drain(..n)) {
                *slot = byte;
            }
            Ok(n)
        }
    }

    fn conn(input: &[u8], sizes: &[usize]) -> HttpConn {
        let key = PoolKey {
            scheme: "http",
            host: "test.invalid".into(),
            port: 80,
            proxy: None,
            tls_id: 0,
        };
        let origin = Origin {
            host: key.host.clone(),
            port: 80,
        };
        let pieces = Pieces {
            data: input.iter().copied().collect(),
            sizes: sizes.to_vec(),
            reads: 0,
        };
        HttpConn::new(Stream::Memory(Box::new(pieces)), key, origin, SocketState::fresh())
    }

    fn read_head(input: &[u8], sizes: &[usize], limits: &HeadLimits) -> std::result::Result<(u16, Vec<u8>), Error> {
        let mut c = conn(input, sizes);
        c.read_head(limits, &Timeouts::default(), &Tracer::none())
            .map_err(|(e, _)| e)?;
        Ok((c.head.status, c.buffered().to_vec()))
    }

    #[rustfmt::skip]
    #[test]
    fn heads_are_read_whole_however_the_bytes_come() {
        let input = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody";
        for sizes in [&[1][..], &[2], &[7], &[4096], &[3, 1, 100], &[30, 1]] {
            let (status, rest) = read_head(input, sizes, &HeadLimits::default()).unwrap();
            assert_eq!(status, 200, "{sizes:?}: interim heads skipped");
            // what was read past the head is the start of the body, nothing else
            assert!(b"body".starts_with(&rest), "{sizes:?}: {rest:?}");
        }
    }

    #[rustfmt::skip]
    #[test]
    fn what_ends_a_head_early_is_typed() {
        let small = HeadLimits { max_head_bytes: 64, max_headers: 100 };
        let long_head = [&b"HTTP/1.1 200 OK\r\nX: "[..], &[b'a'; 100], b"\r\n\r\n"].concat();
        let interim_flood = b"HTTP/1.1 103 Early Hints\r\n\r\n".repeat(10);
        // (input, limits, the rule broken, or None for an I/O error)
        let cases: &[(&[u8], &HeadLimits, Option<Rule>)] = &[
            (b"SSH-2.0-OpenSSH_9.2\r\n",        &HeadLimits::default(), Some(Rule::NotHttp { start: b"SSH-2.0-OpenSSH_".to_vec() })),
            (&long_head,                       &small,                 Some(Rule::HeadTooLarge { limit: 64 })),
            (&interim_flood,                   &small,                 Some(Rule::InterimTooLarge { limit: 64 })),
            (b"HTTP/1.1 200 OK\r\nContent-Le", &HeadLimits::default(), None),
            (b"",                              &HeadLimits::default(), None),
        ];
        for (input, limits, rule) in cases {
            for sizes in [&[1][..], &[4096]] {
                let err = read_head(input, sizes, limits).unwrap_err();
                let (got, want) = (err.protocol_error().map(std::mem::discriminant), rule.as_ref().map(std::mem::discriminant));
                assert_eq!(got, want, "{:?} in {sizes:?}: {err}", String::from_utf8_lossy(input));
            }
        }
        // the cut-short cases: a broken head, and an empty reply
        let err = read_head(b"HTTP/1.1 200 OK\r\nContent-Le", &[5], &HeadLimits::default()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
        let err = read_head(b"", &[5], &HeadLimits::default()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Io, "{err}");
        assert!(err.to_string().contains("empty reply"), "{err}");
    }

    #[test]
    fn the_buffer_grows_for_a_long_head_and_no_further() {
        let mut input = b"HTTP/1.1 200 OK\r\n".to_vec();
        for i in 0..900 {
            input.extend_from_slice(format!("X-Field-{i}: {}\r\n", "v".repeat(20)).as_bytes());
        }
        input.extend_from_slice(b"\r\n");
        let limits = HeadLimits {
            max_head_bytes: 64 * 1024,
            max_headers: 1000,
        };
        let mut c = conn(&input, &[4096]);
        c.read_head(&limits, &Timeouts::default(), &Tracer::none()).unwrap();
        assert_eq!(c.head.field_count(), 900);
        assert!(c.buf.len() > READ_BUF, "grown past the initial {READ_BUF} bytes");
        assert!(
            c.buf.len() <= limits.max_head_bytes + READ_BUF,
            "bounded by the head limit"
        );
    }

    #[test]
    fn bytes_after_the_head_stay_buffered_for_the_body() {
        let mut c = conn(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloNEXT", &[4096]);
        c.read_head(&HeadLimits::default(), &Timeouts::default(), &Tracer::none())
            .unwrap();
        assert_eq!(c.buffered(), b"helloNEXT");
        assert_eq!(c.head_bytes(), b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
    }
}
