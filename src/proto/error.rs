//! What the protocol core refuses, as data: one variant per rule, each naming its RFC section.
//!
//! The core knows nothing of connections, hosts or steps of an exchange; it says only *which
//! rule* the bytes (or the values of a request) break. The client layer wraps a `proto::Error`
//! into the crate's [`Error`](crate::Error), adding the step and the host; the variant stays
//! reachable through [`Error::protocol_error`](crate::Error::protocol_error), so a program (or a
//! test) can match on the rule instead of on a message.
//!
//! ```
//! use h1client::proto::{chunked::ChunkedDecoder, Error};
//!
//! let mut decoder = ChunkedDecoder::new(1024);
//! let mut out = [0u8; 16];
//! // `5 6` could be read as 5 by one parser and refused by another: refused here
//! let err = decoder.decode(b"5 6\r\nhello\r\n", &mut out).unwrap_err();
//! assert_eq!(err, Error::InvalidAfterChunkSize { found: b'6' });
//! assert!(err.to_string().contains("RFC 9112 §7.1"));
//! ```

use std::fmt;

/// A rule of RFC 9112 / RFC 9110 that bytes received, or a request about to be sent, break.
///
/// Response-side variants (a head, its framing, a chunked body) mean the peer's bytes are not
/// valid HTTP/1.1; request-side variants (the last group) mean a request cannot be written as
/// given. `Display` is one sentence ending with the RFC section.
///
/// ```
/// use h1client::proto::{framing, Error};
/// let get = framing::RequestFacts { head: false, connect: false };
/// let headers = [("Content-Length", &b"5"[..]), ("Content-Length", &b"6"[..])];
/// let err = framing::decide(get, 200, 1, headers.into_iter()).unwrap_err();
/// assert_eq!(err, Error::ConflictingContentLength { first: 5, second: 6 });
/// assert_eq!(err.to_string(), "conflicting Content-Length values 5 and 6 (RFC 9112 §6.3)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    // ---- the response head (RFC 9112 §2.2, §4, §5; RFC 9110 §5, §15)
    /// The bytes received cannot be the start of a status line (`HTTP/1.1 200 …`, RFC 9112 §4):
    /// the peer is not speaking HTTP (an SSH or SMTP banner, TLS on an `http://` URL, garbage).
    /// `start` holds the first bytes as received.
    NotHttp {
        /// Up to the first 16 bytes that were received, as they came.
        start: Vec<u8>,
    },
    /// The status line names a version other than HTTP/1.0 or HTTP/1.1 (RFC 9112 §2.3, §4).
    InvalidVersion,
    /// The status code is not three digits (RFC 9112 §4).
    InvalidStatusCode,
    /// The status code is below 100 (RFC 9110 §15: 1xx to 5xx; 600 and above are kept).
    StatusBelow100 {
        /// The code received.
        status: u16,
    },
    /// A field name is not a token, or is followed by whitespace before the colon (RFC 9112 §5,
    /// RFC 9110 §5.1).
    InvalidFieldName,
    /// A field value holds a byte no field value may hold (RFC 9110 §5.5).
    InvalidFieldValue,
    /// A line of the head does not end in CRLF or LF (RFC 9112 §2.2).
    InvalidLineEnding,
    /// A token of the status line is malformed (RFC 9112 §4).
    InvalidToken,
    /// The head is longer than the configured limit (RFC 9110 §5.4 lets a recipient limit it).
    HeadTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The head has more fields than the configured limit (RFC 9110 §5.4).
    TooManyFields {
        /// The limit.
        limit: usize,
    },
    /// Interim (1xx) responses before the final one took more than the head limit in all
    /// (RFC 9110 §15.2 allows any number; a limit keeps a flood bounded).
    InterimTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },

    // ---- framing (RFC 9112 §6; RFC 9110 §8.6)
    /// A `Content-Length` element is not `1*DIGIT` (RFC 9110 §8.6).
    InvalidContentLength {
        /// The field value as received (lossy UTF-8).
        value: String,
    },
    /// A `Content-Length` is too large for 64 bits (RFC 9110 §8.6 asks a recipient to expect
    /// large numbers and refuse what it cannot hold).
    ContentLengthTooLarge {
        /// The field value as received (lossy UTF-8).
        value: String,
    },
    /// Two `Content-Length` values differ (RFC 9112 §6.3 item 5: unrecoverable).
    ConflictingContentLength {
        /// The first value.
        first: u64,
        /// A different later one.
        second: u64,
    },
    /// A `Content-Length` field without any value (RFC 9110 §8.6).
    EmptyContentLength,
    /// A `Transfer-Encoding` field without any coding (RFC 9112 §6.1).
    EmptyTransferEncoding,
    /// `chunked` applied more than once (RFC 9112 §6.1: a sender MUST NOT).
    ChunkedTwice,

    // ---- the chunked coding (RFC 9112 §7.1)
    /// A chunk-size line that does not start with a hex digit (RFC 9112 §7.1).
    ChunkSizeMissing {
        /// The byte found instead.
        found: u8,
    },
    /// A chunk size of more than 16 hex digits: more than 64 bits (RFC 9112 §7.1 asks a
    /// recipient to guard against overflow).
    ChunkSizeTooLong,
    /// A byte after the chunk size that is neither whitespace, `;` nor the line's end
    /// (RFC 9112 §7.1.1): `5 6` or `5 junk`.
    InvalidAfterChunkSize {
        /// The byte found.
        found: u8,
    },
    /// A chunk extension that is not `;name` or `;name=value` with a token or quoted-string
    /// value (RFC 9112 §7.1.1).
    InvalidChunkExtension {
        /// The byte where the grammar broke.
        found: u8,
    },
    /// A chunk-size line longer than [`MAX_CHUNK_LINE`](super::chunked::MAX_CHUNK_LINE) bytes.
    ChunkLineTooLong {
        /// The limit, in bytes.
        limit: usize,
    },
    /// Chunk extensions took more bytes than the body's budget for them (see
    /// [`chunked`](super::chunked)): ignored bytes must not cost more than the data.
    ChunkExtensionsTooLarge {
        /// The bytes of extension allowed so far.
        limit: u64,
    },
    /// A chunk-size line not ended by CRLF (RFC 9112 §7.1; §2.2 allows bare LF only in the
    /// head).
    ChunkLineNotCrlf,
    /// Chunk data not followed by CRLF (RFC 9112 §7.1).
    ChunkDataNotCrlf,
    /// A trailer line not ended by CRLF (RFC 9112 §7.1.2).
    TrailerLineNotCrlf,
    /// The trailer section is longer than the configured limit (RFC 9112 §7.1.2, RFC 9110
    /// §5.4).
    TrailersTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },

    // ---- a request about to be sent (RFC 9112 §3; RFC 9110 §5, §9)
    /// The method is not a token (RFC 9110 §9.1).
    InvalidMethod {
        /// The method given.
        method: String,
    },
    /// The request target holds a space, a control or a non-ASCII byte (RFC 9112 §3.2).
    InvalidTarget {
        /// The target given.
        target: String,
    },
    /// A header name is not a token (RFC 9110 §5.1).
    InvalidHeaderName {
        /// The name given.
        name: String,
    },
    /// A header value holds a control byte other than HTAB: CR, LF and NUL would split or cut
    /// the field (RFC 9110 §5.5).
    ControlInHeaderValue {
        /// The header's name.
        name: String,
        /// The control byte.
        byte: u8,
    },
    /// More than one `Host` header (RFC 9110 §7.2, RFC 9112 §3.2).
    DuplicateHost,
    /// A chunked body in an HTTP/1.0 request, which has no chunked coding (RFC 9112 §6.1: a
    /// client must not send Transfer-Encoding unless it knows the server handles HTTP/1.1).
    ChunkedInHttp10,
}

/// Shows bytes as text, escaping what is not printable ASCII.
fn escaped(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

// One arm per variant, each a sentence with its RFC section: a table in code, kept whole.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotHttp { start } => write!(
                f,
                "the reply is not HTTP: it begins with \"{}\" where a status line (HTTP/1.x NNN) must start (RFC 9112 §4)",
                escaped(start)
            ),
            Error::InvalidVersion => f.write_str("malformed response head: not an HTTP/1.0 or HTTP/1.1 status line (RFC 9112 §4)"),
            Error::InvalidStatusCode => f.write_str("malformed response head: invalid status code, three digits expected (RFC 9112 §4)"),
            Error::StatusBelow100 { status } => {
                write!(f, "status code {status:03} is below 100 (RFC 9110 §15)")
            }
            Error::InvalidFieldName => f.write_str("malformed response head: invalid header name (RFC 9112 §5.1)"),
            Error::InvalidFieldValue => f.write_str("malformed response head: invalid header value (RFC 9110 §5.5)"),
            Error::InvalidLineEnding => f.write_str("malformed response head: invalid line ending (RFC 9112 §2.2)"),
            Error::InvalidToken => f.write_str("malformed response head: invalid token in the status line (RFC 9112 §4)"),
            Error::HeadTooLarge { limit } => write!(f, "response head exceeds the limit of {limit} bytes"),
            Error::TooManyFields { limit } => {
                write!(f, "response has more than {limit} header fields (the configured limit)")
            }
            Error::InterimTooLarge { limit } => {
                write!(f, "interim (1xx) responses exceed the limit of {limit} bytes")
            }
            Error::InvalidContentLength { value } => {
                write!(f, "invalid Content-Length {value:?}: must be decimal digits only (RFC 9110 §8.6)")
            }
            Error::ContentLengthTooLarge { value } => {
                write!(f, "invalid Content-Length {value:?}: too large for 64 bits (RFC 9110 §8.6)")
            }
            Error::ConflictingContentLength { first, second } => {
                write!(f, "conflicting Content-Length values {first} and {second} (RFC 9112 §6.3)")
            }
            Error::EmptyContentLength => f.write_str("empty Content-Length (RFC 9110 §8.6)"),
            Error::EmptyTransferEncoding => f.write_str("empty Transfer-Encoding (RFC 9112 §6.1)"),
            Error::ChunkedTwice => f.write_str("chunked transfer coding applied more than once (RFC 9112 §6.1)"),
            Error::ChunkSizeMissing { found } => {
                write!(f, "chunk size expected, found byte 0x{found:02x} (RFC 9112 §7.1)")
            }
            Error::ChunkSizeTooLong => f.write_str("chunk size has more than 16 hex digits (RFC 9112 §7.1)"),
            Error::InvalidAfterChunkSize { found } => write!(
                f,
                "invalid byte 0x{found:02x} after chunk size: only whitespace and ;extensions may follow it (RFC 9112 §7.1.1)"
            ),
            Error::InvalidChunkExtension { found } => {
                write!(f, "malformed chunk extension at byte 0x{found:02x} (RFC 9112 §7.1.1)")
            }
            Error::ChunkLineTooLong { limit } => write!(f, "chunk size line longer than {limit} bytes"),
            Error::ChunkExtensionsTooLarge { limit } => write!(
                f,
                "chunk extensions exceed their budget of {limit} bytes (ignored bytes may not outweigh the data)"
            ),
            Error::ChunkLineNotCrlf => f.write_str("chunk size line not terminated by CRLF (RFC 9112 §7.1)"),
            Error::ChunkDataNotCrlf => f.write_str("chunk data not followed by CRLF (RFC 9112 §7.1)"),
            Error::TrailerLineNotCrlf => {
                f.write_str("trailer line or chunked body not terminated by CRLF (RFC 9112 §7.1.2)")
            }
            Error::TrailersTooLarge { limit } => write!(f, "trailer section exceeds the limit of {limit} bytes"),
            Error::InvalidMethod { method } => write!(f, "method {method:?} is not a token (RFC 9110 §9.1)"),
            Error::InvalidTarget { target } => write!(
                f,
                "request target {target:?} contains a space, a control or a non-ASCII byte (RFC 9112 §3.2)"
            ),
            Error::InvalidHeaderName { name } => write!(f, "header name {name:?} is not a token (RFC 9110 §5.1)"),
            Error::ControlInHeaderValue { name, byte } => write!(
                f,
                "the value of header {name:?} contains the control byte 0x{byte:02x} (CR, LF and NUL would corrupt the request; RFC 9110 §5.5)"
            ),
            Error::DuplicateHost => f.write_str("more than one Host header (RFC 9110 §7.2)"),
            Error::ChunkedInHttp10 => f.write_str(
                "an HTTP/1.0 request cannot carry a body of unknown length: chunked is HTTP/1.1 (RFC 9112 §6.1); give the length",
            ),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// Is this about a request to be sent (the caller's input), rather than bytes received?
    ///
    /// ```
    /// use h1client::proto::{request::check_name, response, Error};
    /// assert!(check_name("X Bad").unwrap_err().is_request_error());
    /// let not_http = response::check_start(b"SSH-2.0-OpenSSH_9.2\r\n").unwrap_err();
    /// assert!(!not_http.is_request_error());
    /// ```
    pub fn is_request_error(&self) -> bool {
        matches!(
            self,
            Error::InvalidMethod { .. }
                | Error::InvalidTarget { .. }
                | Error::InvalidHeaderName { .. }
                | Error::ControlInHeaderValue { .. }
                | Error::DuplicateHost
                | Error::ChunkedInHttp10
        )
    }
}
