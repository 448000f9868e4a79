//! Parsing a response head: the status line and the header section (RFC 9112 §4 *Status Line*,
//! §5 *Field Syntax*, §2.2 *Message Parsing*), with httparse doing the byte-level work.
//!
//! ```text
//! HTTP/1.1 200 OK\r\n               status-line = HTTP-version SP status-code SP [ reason-phrase ]
//! Content-Type: text/plain\r\n      field-line  = field-name ":" OWS field-value OWS
//! Content-Length: 5\r\n
//! \r\n                              the empty line ends the head; the body follows
//! hello
//! ```
//!
//! The head is parsed in place from the connection's buffer: [`ResponseHead`] records *where*
//! each name and value is (offsets), so no header is copied or allocated. Rules enforced:
//!
//! - the version is `HTTP/1.0` or `HTTP/1.1` (httparse refuses `HTTP/2.0`, `ICY`, HTTP/0.9
//!   replies); the status code is three digits from 100 to 999. RFC 9110 §15 calls 600..=999
//!   invalid but says a client "SHOULD process the response as if it had a 5xx (Server Error)
//!   status code", so such a response is kept, and counts as an error status;
//! - at most [`HeadLimits::max_headers`] fields and [`HeadLimits::max_head_bytes`] bytes, else a
//!   `Protocol` error naming the limit (RFC 9110 §2.3: a recipient parses "defensively", expecting
//!   elements to "fit within a reasonable buffer size");
//! - a field line folded onto the next (obs-fold) is accepted and the fold replaced by spaces,
//!   as a user agent must (RFC 9112 §5.2);
//! - bare LF line endings are accepted in the head (RFC 9112 §2.2 allows it);
//! - a field value that is not UTF-8 is read as ISO-8859-1, what field text historically was
//!   (RFC 9110 §5.5), so [`ResponseHead::header`] can still give a `&str`; the raw bytes stay
//!   available through [`ResponseHead::header_bytes`].
//!
//! Interim responses (1xx, RFC 9110 §15.2) are parsed like any other head; the caller skips
//! them (except `101 Switching Protocols`).
//!
//! ```
//! use h1client::proto::response::{HeadLimits, ResponseHead};
//! let mut buf = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello".to_vec();
//! let mut head = ResponseHead::default();
//! let len = head.parse(&mut buf, &HeadLimits::default())?.expect("a whole head");
//! assert_eq!((head.status, head.reason(&buf)), (200, "OK"));
//! assert_eq!(head.header(&buf, "content-type"), Some("text/plain"));
//! assert_eq!(&buf[len..], b"hello"); // the body starts after the head
//! # Ok::<(), h1client::proto::Error>(())
//! ```

use super::Error;

type Result<T> = std::result::Result<T, Error>;

/// Limits on the size of a response head (and of a chunked trailer section).
///
/// ```
/// use h1client::proto::{response::{HeadLimits, ResponseHead}, Error};
/// let limits = HeadLimits { max_head_bytes: 64 * 1024, max_headers: 2 };
/// let mut buf = b"HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n".to_vec();
/// let err = ResponseHead::default().parse(&mut buf, &limits).unwrap_err();
/// assert_eq!(err, Error::TooManyFields { limit: 2 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeadLimits {
    /// Most bytes a head may take, status line and blank line included. Default 64 KiB.
    pub max_head_bytes: usize,
    /// Most header fields a head may have. Default 100.
    pub max_headers: usize,
}

impl Default for HeadLimits {
    fn default() -> HeadLimits {
        HeadLimits {
            max_head_bytes: 64 * 1024,
            max_headers: 100,
        }
    }
}

/// Where a value lives: in the parsed buffer, or (ISO-8859-1 values re-encoded as UTF-8) in the
/// head's side buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Span {
    start: u32,
    end: u32,
    transcoded: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Field {
    name: Span,
    /// The value as text: in the buffer, or re-encoded in the side buffer.
    value: Span,
    /// The value's bytes as received, in the buffer (what framing decisions read).
    raw: Span,
}

impl Field {
    /// Is this field named `name` (case-insensitive)? Names are compared as bytes, so a lookup
    /// turns only the value it finds into text.
    fn is_named(&self, buf: &[u8], name: &str) -> bool {
        buf.get(self.name.start as usize..self.name.end as usize)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
    }
}

/// A parsed response head. Names and values are offsets into the buffer it was parsed from, so
/// every accessor takes that buffer back.
///
/// ```
/// use h1client::proto::response::{HeadLimits, ResponseHead};
/// let mut buf = b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_vec();
/// let mut head = ResponseHead::default();
/// head.parse(&mut buf, &HeadLimits::default())?;
/// assert_eq!((head.minor_version, head.status, head.len), (0, 404, buf.len()));
/// assert_eq!(head.reason(&buf), "Not Found");
/// # Ok::<(), h1client::proto::Error>(())
/// ```
#[derive(Debug, Default, Clone)]
pub struct ResponseHead {
    /// The minor version: `1` for HTTP/1.1, `0` for HTTP/1.0.
    pub minor_version: u8,
    /// The status code, 100..=999 (600 and above are to be treated as 5xx, RFC 9110 §15).
    pub status: u16,
    /// How many bytes of the buffer the head took.
    pub len: usize,
    reason: Span,
    fields: Vec<Field>,
    transcoded: Vec<u8>,
}

/// Could `buf` hold a complete head, judging by the bytes from `from` on? True when an empty line
/// (`\n\n` or `\n\r\n`) appears. Lets a reader call the parser once per head instead of once per
/// read, so a head trickled byte by byte costs linear, not quadratic, time.
///
/// ```
/// use h1client::proto::response::may_be_complete;
/// let mut buf = b"HTTP/1.1 204 No Content\r\n".to_vec();
/// assert!(!may_be_complete(&buf, 0)); // no need to call the parser yet
/// let seen = buf.len();
/// buf.extend_from_slice(b"\r\n"); // the next read
/// assert!(may_be_complete(&buf, seen)); // only the new bytes (and two before) are looked at
/// ```
pub fn may_be_complete(buf: &[u8], from: usize) -> bool {
    let start = from.saturating_sub(2);
    let tail = buf.get(start..).unwrap_or_default();
    // One pass that stops at the first empty line. (Looking for `\n\n` everywhere first, then
    // for `\n\r\n`, went through all the buffered bytes for every head when the heads end in
    // CRLF: a flood of small 1xx responses cost time quadratic in the bytes buffered.)
    tail.iter().enumerate().any(|(i, &b)| {
        b == b'\n'
            && match tail.get(i.saturating_add(1)) {
                Some(b'\n') => true,
                Some(b'\r') => tail.get(i.saturating_add(2)) == Some(&b'\n'),
                _ => false,
            }
    })
}

/// How many lines the head at the start of `buf` has at most: the line feeds up to the first
/// empty line (or in all of `buf` when there is none yet). Bounds the number of field slots a
/// parse needs.
fn head_lines(buf: &[u8]) -> usize {
    let mut lines = 0usize;
    let mut previous_was_lf = false;
    for &b in buf {
        match b {
            b'\n' if previous_was_lf => return lines.saturating_add(1),
            b'\n' => {
                lines = lines.saturating_add(1);
                previous_was_lf = true;
            }
            b'\r' => {}
            _ => previous_was_lf = false,
        }
    }
    lines
}

/// The bytes every status line starts with: `HTTP/` DIGIT `.` DIGIT SP (RFC 9112 §4, §2.3);
/// `D` stands for a digit.
const STATUS_LINE_START: &[u8; 9] = b"HTTP/D.D ";

/// Checks that `received` — the bytes of a response that have arrived so far, whole or not —
/// can still be the start of a status line, after any empty lines (which RFC 9112 §2.2 lets a
/// recipient skip). Called as bytes arrive, it refuses a peer that is not speaking HTTP (an SSH
/// or SMTP banner, TLS bytes on an `http://` URL) at its first bytes, instead of waiting for the
/// empty line that ends a head — which such a peer may never send.
///
/// ```
/// use h1client::proto::response::check_start;
/// assert!(check_start(b"HTTP/1.1 2").is_ok());
/// assert!(check_start(b"\r\nHTT").is_ok());
/// assert!(check_start(b"SSH-2.0-OpenSSH_9.2\r\n").is_err());
/// ```
pub fn check_start(received: &[u8]) -> Result<()> {
    let start = received
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(received.len());
    let line = received.get(start..).unwrap_or_default();
    let fits = line.iter().zip(STATUS_LINE_START).all(|(&b, &want)| match want {
        b'D' => b.is_ascii_digit(),
        _ => b == want,
    });
    if fits {
        return Ok(());
    }
    Err(Error::NotHttp {
        start: line.get(..16).unwrap_or(line).to_vec(),
    })
}

fn offset(buf: &[u8], part: &[u8]) -> u32 {
    // Both pointers come from the same buffer (httparse returns sub-slices of its input);
    // heads are limited far below 4 GiB, so the difference fits.
    (part.as_ptr() as usize).wrapping_sub(buf.as_ptr() as usize) as u32
}

fn span_of(buf: &[u8], part: &[u8]) -> Span {
    let start = offset(buf, part);
    Span {
        start,
        end: start.saturating_add(part.len() as u32),
        transcoded: false,
    }
}

const STACK_HEADERS: usize = 128;

impl ResponseHead {
    /// Parses a head at the start of `buf`.
    ///
    /// Returns `Ok(Some(len))` when a complete head of `len` bytes was parsed, `Ok(None)` when
    /// more bytes are needed (and `buf` is still under the size limit), or a `Protocol` error.
    /// `buf` is mutable so that obs-folds can be replaced by spaces in place.
    ///
    /// ```
    /// use h1client::proto::response::{HeadLimits, ResponseHead};
    /// let limits = HeadLimits::default();
    /// let mut head = ResponseHead::default();
    /// let mut buf = b"HTTP/1.1 200 OK\r\nContent-Le".to_vec();
    /// assert_eq!(head.parse(&mut buf, &limits)?, None); // read more
    /// buf.extend_from_slice(b"ngth: 0\r\n\r\n");
    /// assert_eq!(head.parse(&mut buf, &limits)?, Some(buf.len()));
    /// # Ok::<(), h1client::proto::Error>(())
    /// ```
    pub fn parse(&mut self, buf: &mut [u8], limits: &HeadLimits) -> Result<Option<usize>> {
        let window = buf.len().min(limits.max_head_bytes);
        let parsed = self.parse_window(buf.get(..window).unwrap_or_default(), limits)?;
        let Some(len) = parsed else {
            if buf.len() >= limits.max_head_bytes {
                return Err(Error::HeadTooLarge {
                    limit: limits.max_head_bytes,
                });
            }
            return Ok(None);
        };
        // obs-fold, RFC 9112 §5.2: "A user agent that receives an obs-fold in a response message
        // that is not within a "message/http" container MUST replace each received obs-fold with
        // one or more SP octets prior to interpreting the field value."
        for f in &self.fields {
            if let Some(value) = buf.get_mut(f.value.start as usize..f.value.end as usize) {
                for b in value.iter_mut().filter(|b| **b == b'\r' || **b == b'\n') {
                    *b = b' ';
                }
            }
        }
        self.transcode_non_utf8(buf);
        self.len = len;
        Ok(Some(len))
    }

    fn parse_window(&mut self, buf: &[u8], limits: &HeadLimits) -> Result<Option<usize>> {
        let mut stack = [httparse::EMPTY_HEADER; STACK_HEADERS];
        let mut heap;
        // A head has at most one field per line: the slots follow the head's lines, not the
        // setting, so a huge `max_headers` costs nothing for a small head.
        let slots = limits.max_headers.min(head_lines(buf));
        let slots: &mut [httparse::Header<'_>] = if slots <= STACK_HEADERS {
            stack.get_mut(..slots).unwrap_or_default()
        } else {
            heap = vec![httparse::EMPTY_HEADER; slots];
            &mut heap
        };
        let mut resp = httparse::Response::new(slots);
        let status = httparse::ParserConfig::default()
            .allow_obsolete_multiline_headers_in_responses(true)
            .parse_response(&mut resp, buf);
        let len = match status {
            Ok(httparse::Status::Complete(len)) => len,
            Ok(httparse::Status::Partial) => return Ok(None),
            Err(e) => {
                return Err(match e {
                    httparse::Error::TooManyHeaders => Error::TooManyFields {
                        limit: limits.max_headers,
                    },
                    httparse::Error::HeaderName => Error::InvalidFieldName,
                    httparse::Error::HeaderValue => Error::InvalidFieldValue,
                    httparse::Error::NewLine => Error::InvalidLineEnding,
                    httparse::Error::Status => Error::InvalidStatusCode,
                    httparse::Error::Token => Error::InvalidToken,
                    httparse::Error::Version => Error::InvalidVersion,
                })
            }
        };
        let status = resp.code.unwrap_or(0);
        if !(100..=999).contains(&status) {
            return Err(Error::StatusBelow100 { status });
        }
        self.status = status;
        self.minor_version = resp.version.unwrap_or(1);
        self.fields.clear();
        for h in resp.headers.iter() {
            let value = span_of(buf, h.value);
            self.fields.push(Field {
                name: span_of(buf, h.name.as_bytes()),
                value,
                raw: value,
            });
        }
        self.reason = reason_span(buf);
        Ok(Some(len))
    }

    /// Re-encodes values (and the reason) that are not UTF-8 from ISO-8859-1 into the side buffer.
    fn transcode_non_utf8(&mut self, buf: &[u8]) {
        self.transcoded.clear();
        let spans = self
            .fields
            .iter_mut()
            .map(|f| &mut f.value)
            .chain(std::iter::once(&mut self.reason));
        for span in spans {
            let bytes = buf.get(span.start as usize..span.end as usize).unwrap_or_default();
            if std::str::from_utf8(bytes).is_ok() {
                continue;
            }
            let start = self.transcoded.len() as u32;
            for &b in bytes {
                let mut utf8 = [0u8; 2];
                self.transcoded
                    .extend_from_slice(char::from(b).encode_utf8(&mut utf8).as_bytes());
            }
            *span = Span {
                start,
                end: self.transcoded.len() as u32,
                transcoded: true,
            };
        }
    }

    fn text<'b>(&'b self, buf: &'b [u8], span: Span) -> &'b str {
        let source = if span.transcoded { &self.transcoded[..] } else { buf };
        let bytes = source.get(span.start as usize..span.end as usize).unwrap_or_default();
        // Every span was checked (or made) UTF-8 in `transcode_non_utf8`.
        std::str::from_utf8(bytes).unwrap_or_default()
    }

    /// The reason phrase (may be empty).
    ///
    /// ```
    /// use h1client::proto::response::{HeadLimits, ResponseHead};
    /// let mut buf = b"HTTP/1.1 418 I'm a teapot\r\n\r\n".to_vec();
    /// let mut head = ResponseHead::default();
    /// head.parse(&mut buf, &HeadLimits::default())?;
    /// assert_eq!(head.reason(&buf), "I'm a teapot");
    /// # Ok::<(), h1client::proto::Error>(())
    /// ```
    pub fn reason<'b>(&'b self, buf: &'b [u8]) -> &'b str {
        self.text(buf, self.reason)
    }

    /// The first value of the header `name` (case-insensitive), trimmed. A value that is not
    /// UTF-8 is read as ISO-8859-1.
    ///
    /// ```
    /// use h1client::proto::response::{HeadLimits, ResponseHead};
    /// let mut buf = b"HTTP/1.1 200 OK\r\nX-Name: Andr\xe9\r\nETag: \"a\"\r\nETag: \"b\"\r\n\r\n".to_vec();
    /// let mut head = ResponseHead::default();
    /// head.parse(&mut buf, &HeadLimits::default())?;
    /// assert_eq!(head.header(&buf, "etag"), Some("\"a\"")); // the first one
    /// assert_eq!(head.header(&buf, "x-name"), Some("André"));
    /// assert_eq!(head.header(&buf, "x-missing"), None);
    /// # Ok::<(), h1client::proto::Error>(())
    /// ```
    pub fn header<'b>(&'b self, buf: &'b [u8], name: &str) -> Option<&'b str> {
        let field = self.field(buf, name)?;
        Some(self.text(buf, field.value))
    }

    /// The first field named `name` (case-insensitive).
    fn field(&self, buf: &[u8], name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.is_named(buf, name))
    }

    /// Every value of the fields named `name` (case-insensitive), in order, as text.
    pub(crate) fn values<'b>(&'b self, buf: &'b [u8], name: &'b str) -> impl Iterator<Item = &'b str> + 'b {
        self.fields
            .iter()
            .filter(move |f| f.is_named(buf, name))
            .map(move |f| self.text(buf, f.value))
    }

    /// The raw bytes of the first value of the header `name`, as received (not decoded as text),
    /// except that a line fold (obs-fold) in it has been replaced by spaces (RFC 9112 §5.2).
    ///
    /// ```
    /// use h1client::proto::response::{HeadLimits, ResponseHead};
    /// let mut buf = b"HTTP/1.1 200 OK\r\nX-Name: Andr\xe9\r\n\r\n".to_vec();
    /// let mut head = ResponseHead::default();
    /// head.parse(&mut buf, &HeadLimits::default())?;
    /// assert_eq!(head.header_bytes(&buf, "X-NAME"), Some(&b"Andr\xe9"[..]));
    /// # Ok::<(), h1client::proto::Error>(())
    /// ```
    pub fn header_bytes<'b>(&'b self, buf: &'b [u8], name: &str) -> Option<&'b [u8]> {
        let field = self.field(buf, name)?;
        Some(
            buf.get(field.raw.start as usize..field.raw.end as usize)
                .unwrap_or_default(),
        )
    }

    /// All header fields, in order, duplicates kept: `(name, value)`.
    ///
    /// ```
    /// use h1client::proto::response::{HeadLimits, ResponseHead};
    /// let mut buf = b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nVary: Accept\r\nSet-Cookie: b=2\r\n\r\n".to_vec();
    /// let mut head = ResponseHead::default();
    /// head.parse(&mut buf, &HeadLimits::default())?;
    /// let fields: Vec<(&str, &str)> = head.headers(&buf).collect();
    /// assert_eq!(fields, [("Set-Cookie", "a=1"), ("Vary", "Accept"), ("Set-Cookie", "b=2")]);
    /// # Ok::<(), h1client::proto::Error>(())
    /// ```
    pub fn headers<'b>(&'b self, buf: &'b [u8]) -> impl Iterator<Item = (&'b str, &'b str)> + 'b {
        self.fields
            .iter()
            .map(move |f| (self.text(buf, f.name), self.text(buf, f.value)))
    }

    /// All header fields with raw value bytes, in order: `(name, value bytes)`; for framing
    /// decisions, which must see exactly what was received.
    ///
    /// ```
    /// use h1client::proto::response::{HeadLimits, ResponseHead};
    /// let mut buf = b"HTTP/1.1 200 OK\r\nX-Name: Andr\xe9\r\n\r\n".to_vec();
    /// let mut head = ResponseHead::default();
    /// head.parse(&mut buf, &HeadLimits::default())?;
    /// let raw: Vec<(&str, &[u8])> = head.raw_headers(&buf).collect();
    /// assert_eq!(raw, [("X-Name", &b"Andr\xe9"[..])]); // headers() gives "André"
    /// # Ok::<(), h1client::proto::Error>(())
    /// ```
    pub fn raw_headers<'b>(&'b self, buf: &'b [u8]) -> impl Iterator<Item = (&'b str, &'b [u8])> + 'b {
        self.fields.iter().map(move |f| {
            let value = buf.get(f.raw.start as usize..f.raw.end as usize).unwrap_or_default();
            (self.text(buf, f.name), value)
        })
    }

    /// Number of header fields.
    ///
    /// ```
    /// use h1client::proto::response::{HeadLimits, ResponseHead};
    /// let mut buf = b"HTTP/1.1 200 OK\r\nA: 1\r\nA: 2\r\n\r\n".to_vec();
    /// let mut head = ResponseHead::default();
    /// head.parse(&mut buf, &HeadLimits::default())?;
    /// assert_eq!(head.field_count(), 2);
    /// # Ok::<(), h1client::proto::Error>(())
    /// ```
    pub fn field_count(&self) -> usize {
        self.fields.len()
    }

    /// The idle time a server announces with `Keep-Alive: timeout=N` (seconds), if it does.
    ///
    /// The header comes from HTTP/1.0's keep-alive extension (RFC 2068 §19.7.1.1, gone from the
    /// current RFCs) and servers such as Apache and Node still send it: `Keep-Alive: timeout=5,
    /// max=100` says the server closes a connection idle for 5 s. A client that knows it does
    /// not send a request into a connection the server is closing. Parameters are
    /// comma-separated; `timeout` is matched case-insensitively; a malformed value counts as
    /// absent.
    ///
    /// ```
    /// use h1client::proto::response::{HeadLimits, ResponseHead};
    /// let mut buf = b"HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5, max=100\r\n\r\n".to_vec();
    /// let mut head = ResponseHead::default();
    /// head.parse(&mut buf, &HeadLimits::default()).unwrap();
    /// assert_eq!(head.keep_alive_timeout(&buf), Some(5));
    /// ```
    pub fn keep_alive_timeout(&self, buf: &[u8]) -> Option<u64> {
        let value = self.header_bytes(buf, "keep-alive")?;
        super::list_elements(value).find_map(|param| {
            let (name, seconds) = param.split_at(param.iter().position(|&b| b == b'=')?);
            let seconds = super::trim_ows(seconds.get(1..)?);
            let seconds = seconds
                .strip_prefix(b"\"")
                .and_then(|s| s.strip_suffix(b"\""))
                .unwrap_or(seconds);
            super::trim_ows(name)
                .eq_ignore_ascii_case(b"timeout")
                .then(|| super::framing::parse_digits(seconds))?
        })
    }

    /// Is this an interim (1xx) response other than `101 Switching Protocols`, to be skipped?
    ///
    /// ```
    /// use h1client::proto::response::{HeadLimits, ResponseHead};
    /// let mut buf = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".to_vec();
    /// let mut head = ResponseHead::default();
    /// let len = head.parse(&mut buf, &HeadLimits::default())?.unwrap();
    /// assert!(head.is_interim()); // skip it: the final response follows
    /// head.parse(&mut buf[len..], &HeadLimits::default())?;
    /// assert_eq!((head.status, head.is_interim()), (200, false));
    /// # Ok::<(), h1client::proto::Error>(())
    /// ```
    pub fn is_interim(&self) -> bool {
        (100..200).contains(&self.status) && self.status != 101
    }
}

/// The reason phrase: what follows `HTTP/1.x NNN ` on the status line, up to its end.
fn reason_span(buf: &[u8]) -> Span {
    // httparse skipped empty lines before the status line; do the same.
    let start = buf.iter().position(|&b| b != b'\r' && b != b'\n').unwrap_or(0);
    let line = buf.get(start..).unwrap_or_default();
    let end = line
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap_or(line.len());
    // "HTTP/1.1 200 " is 13 bytes; httparse has checked that layout.
    let reason_start = 13.min(end);
    Span {
        start: start.saturating_add(reason_start) as u32,
        end: start.saturating_add(end) as u32,
        transcoded: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &[u8]) -> Result<Option<(ResponseHead, Vec<u8>)>> {
        let mut buf = raw.to_vec();
        let mut head = ResponseHead::default();
        Ok(head.parse(&mut buf, &HeadLimits::default())?.map(|_| (head, buf)))
    }

    #[test]
    fn parses_status_reason_and_headers_in_order() {
        let (h, buf) = parse(b"HTTP/1.1 200 OK\r\nA: 1\r\nb:  two \r\nA: 3\r\n\r\nbody")
            .unwrap()
            .unwrap();
        assert_eq!((h.status, h.minor_version, h.len), (200, 1, 41));
        assert_eq!(h.reason(&buf), "OK");
        let all: Vec<_> = h.headers(&buf).collect();
        assert_eq!(all, [("A", "1"), ("b", "two"), ("A", "3")]);
        assert_eq!(h.header(&buf, "a"), Some("1"));
        assert_eq!(h.header(&buf, "B"), Some("two"));
        assert_eq!(h.header(&buf, "c"), None);
    }

    #[test]
    fn partial_head_needs_more() {
        assert!(parse(b"HTTP/1.1 200 OK\r\nContent-Le").unwrap().is_none());
        assert!(parse(b"").unwrap().is_none());
    }

    /// Table: raw head → Ok(status) or Err(the rule it breaks).
    #[rustfmt::skip]
    #[test]
    fn status_line_table() {
        let cases: &[(&[u8], std::result::Result<u16, Error>)] = &[
            (b"HTTP/1.0 404 Not Found\r\n\r\n",                     Ok(404)),
            (b"HTTP/1.1 200\r\n\r\n",                               Ok(200)),
            (b"HTTP/1.1 200 \xc3\x96k\xff\r\n\r\n",                  Ok(200)),
            (b"HTTP/1.1 200 OK\nContent-Length: 5\n\n",              Ok(200)),
            (b"\r\nHTTP/1.1 204 No Content\r\n\r\n",                 Ok(204)),
            (b"HTTP/2.0 200 OK\r\n\r\n",                            Err(Error::InvalidVersion)),
            (b"ICY 200 OK\r\n\r\n",                                 Err(Error::InvalidVersion)),
            (b"hello world\n\n",                                    Err(Error::InvalidVersion)),
            (b"HTTP/1.1 20 OK\r\n\r\n",                             Err(Error::InvalidStatusCode)),
            (b"HTTP/1.1 099 Low\r\n\r\n",                           Err(Error::StatusBelow100 { status: 99 })),
            (b"HTTP/1.1 600 Odd\r\n\r\n",                           Ok(600)),
            (b"HTTP/1.1 999 Odd\r\n\r\n",                           Ok(999)),
            (b"HTTP/1.1 200 OK\r\nX Bad: y\r\n\r\n",                Err(Error::InvalidFieldName)),
            (b"HTTP/1.1 200 OK\r\n: novalue\r\n\r\n",               Err(Error::InvalidFieldName)),
            (b"HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n",      Err(Error::InvalidFieldName)),
        ];
        for (raw, want) in cases {
            let got = parse(raw).map(|r| r.unwrap().0.status);
            assert_eq!(&got, want, "{raw:?}");
        }
    }

    #[rustfmt::skip]
    #[test]
    fn what_cannot_start_a_status_line_is_refused_at_once() {
        // (bytes received so far, can they still start a status line?)
        let cases: &[(&[u8], bool)] = &[
            (b"",                                   true),
            (b"H",                                  true),
            (b"HTTP/1.",                            true),
            (b"HTTP/1.1 200 OK\r\n",                true),
            (b"\r\n\r\nHTTP/1.1",                   true),
            (b"\n\nHT",                             true),
            (b"HTTP/9.9 ",                          true),
            (b"SSH-2.0-OpenSSH_9.2\r\n",            false),
            (b"220 mail.example ESMTP Postfix\r\n", false),
            (b"Data\nData\n",                       false),
            (b"\x16\x03\x01\x00\xa5",                false),
            (b"http/1.1 200 OK",                    false),
            (b"HTTP/1.1  200",                      true),
            (b"HTTP/11 ",                           false),
            (b"HTTP/1.1\t200",                      false),
            (b"\r\nX",                              false),
            (b" HTTP/1.1",                          false),
        ];
        for (received, ok) in cases {
            let got = check_start(received);
            assert_eq!(got.is_ok(), *ok, "{received:?}: {got:?}");
        }
        assert_eq!(
            check_start(b"SSH-2.0-OpenSSH_9.2\r\n and more"),
            Err(Error::NotHttp { start: b"SSH-2.0-OpenSSH_".to_vec() })
        );
    }

    #[test]
    fn obs_text_reason_is_read_as_latin1() {
        let (h, buf) = parse(b"HTTP/1.1 200 \xd6k\r\n\r\n").unwrap().unwrap();
        assert_eq!(h.reason(&buf), "Ök");
    }

    #[test]
    fn obs_fold_is_replaced_by_spaces() {
        let (h, buf) = parse(b"HTTP/1.1 200 OK\r\nX-Folded: a\r\n  b\r\nC: d\r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(h.header(&buf, "x-folded"), Some("a    b"));
        assert_eq!(h.header(&buf, "c"), Some("d"));
    }

    #[test]
    fn latin1_value_is_transcoded_and_raw_bytes_kept() {
        let (h, buf) = parse(b"HTTP/1.1 200 OK\r\nX-Name: Andr\xe9\r\n\r\n").unwrap().unwrap();
        assert_eq!(h.header(&buf, "x-name"), Some("André"));
        assert_eq!(h.header_bytes(&buf, "x-name"), Some(&b"Andr\xe9"[..]));
        let raw: Vec<_> = h.raw_headers(&buf).collect();
        assert_eq!(raw, [("X-Name", &b"Andr\xe9"[..])]);
    }

    #[test]
    fn latin1_value_after_a_fold_keeps_its_raw_bytes() {
        // The value starts on the continuation line: its raw bytes are found by position, not by
        // searching the line after the name (which ends at once).
        let (h, buf) = parse(b"HTTP/1.1 200 OK\r\nX-Name:\r\n Andr\xe9\r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(h.header(&buf, "x-name"), Some("André"));
        assert_eq!(h.header_bytes(&buf, "x-name"), Some(&b"Andr\xe9"[..]));
    }

    #[test]
    fn header_count_limit_is_named() {
        let mut raw = b"HTTP/1.1 200 OK\r\n".to_vec();
        for i in 0..101 {
            raw.extend_from_slice(format!("X-{i}: v\r\n").as_bytes());
        }
        raw.extend_from_slice(b"\r\n");
        assert_eq!(parse(&raw).unwrap_err(), Error::TooManyFields { limit: 100 });
        // a configured higher limit accepts it
        let mut head = ResponseHead::default();
        let limits = HeadLimits {
            max_headers: 200,
            ..HeadLimits::default()
        };
        assert!(head.parse(&mut raw.clone(), &limits).unwrap().is_some());
    }

    #[test]
    fn field_slots_follow_the_head_not_the_setting() {
        // usize::MAX slots would be "capacity overflow"; the slots follow the head's lines
        let limits = HeadLimits {
            max_headers: usize::MAX,
            ..HeadLimits::default()
        };
        let mut small = b"HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\nbody\n\n\n".to_vec();
        let mut head = ResponseHead::default();
        assert_eq!(head.parse(&mut small, &limits).unwrap(), Some(31));
        assert_eq!(head.field_count(), 2);
        let mut many = b"HTTP/1.1 200 OK\r\n".to_vec();
        for i in 0..500 {
            many.extend_from_slice(format!("X-{i}: v\r\n").as_bytes());
        }
        many.extend_from_slice(b"\r\n");
        assert!(head.parse(&mut many, &limits).unwrap().is_some());
        assert_eq!(head.field_count(), 500);
        assert_eq!(head_lines(b"HTTP/1.1 200 OK\r\nA: 1\r\n\r\nx\n\n"), 3);
        assert_eq!(head_lines(b"HTTP/1.1 200 OK\nA: 1\n"), 2);
    }

    #[test]
    fn head_size_limit_is_named() {
        let mut raw = b"HTTP/1.1 200 OK\r\nX-Huge: ".to_vec();
        raw.resize(70_000, b'b');
        assert_eq!(parse(&raw).unwrap_err(), Error::HeadTooLarge { limit: 65536 });
        // a complete head within the limit followed by a long body is fine
        let mut ok = b"HTTP/1.1 200 OK\r\n\r\n".to_vec();
        ok.resize(70_000, b'x');
        assert_eq!(parse(&ok).unwrap().unwrap().0.len, 19);
    }

    #[test]
    fn may_be_complete_spots_the_empty_line() {
        assert!(!may_be_complete(b"HTTP/1.1 200 OK\r\nA: b\r\n", 0));
        assert!(may_be_complete(b"HTTP/1.1 200 OK\r\nA: b\r\n\r\n", 20));
        assert!(may_be_complete(b"HTTP/1.1 200 OK\n\n", 16));
        // the empty line straddles the previous read
        assert!(may_be_complete(b"HTTP/1.1 200 OK\r\n\r\n", 18));
        assert!(!may_be_complete(b"HTTP/1.1 200 OK\r\n\r", 0));
        assert!(!may_be_complete(b"HTTP/1.1 200 OK\n\r", 0));
        assert!(may_be_complete(b"HTTP/1.1 200 OK\r\nA: b\n\r\n", 0));
        // many heads: the first one's end is enough
        let many = b"HTTP/1.1 100 Continue\r\n\r\n".repeat(1000);
        assert!(may_be_complete(&many, 0));
    }

    #[rustfmt::skip]
    #[test]
    fn keep_alive_hints() {
        let cases: &[(&[u8], Option<u64>)] = &[
            (b"Keep-Alive: timeout=5, max=100",      Some(5)),
            (b"keep-alive: MAX=3, Timeout = 15",     Some(15)),
            (b"Keep-Alive: timeout=\"2\"",           Some(2)),
            (b"Keep-Alive: max=100",                 None),
            (b"Keep-Alive: timeout=soon",            None),
            (b"Keep-Alive: timeout=-1",              None),
            (b"Keep-Alive: timeout",                 None),
            (b"X-Other: timeout=5",                  None),
        ];
        for (field, want) in cases {
            let mut raw = b"HTTP/1.1 200 OK\r\n".to_vec();
            raw.extend_from_slice(field);
            raw.extend_from_slice(b"\r\n\r\n");
            let (head, buf) = parse(&raw).unwrap().unwrap();
            assert_eq!(head.keep_alive_timeout(&buf), *want, "{:?}", String::from_utf8_lossy(field));
        }
    }

    #[test]
    fn interim_detection() {
        for (status, interim) in [(100, true), (103, true), (101, false), (199, true), (200, false)] {
            let h = ResponseHead {
                status,
                ..ResponseHead::default()
            };
            assert_eq!(h.is_interim(), interim, "{status}");
        }
    }
}
