//! The HTTP/1.1 protocol core: pure functions from values to bytes and from bytes to values.
//!
//! Nothing in here opens a socket, reads a clock or allocates per header on the hot path.
//! Every rule of RFC 9112 (HTTP/1.1 message syntax) and the parts of RFC 9110 (HTTP semantics)
//! that decide how bytes are framed lives here, so it can be tested byte for byte and fuzzed:
//!
//! | module | does | RFC |
//! |---|---|---|
//! | [`request`] | writes a request head; refuses tokens and values that would corrupt it | RFC 9112 §3, RFC 9110 §5 |
//! | [`response`] | parses a response head with httparse, within size and count limits | RFC 9112 §4, §5 |
//! | [`framing`] | decides how long a response body is and whether the connection survives it | RFC 9112 §6.3, §9.3 |
//! | [`chunked`] | decodes the chunked transfer coding, keeps trailers; frames chunks for sending | RFC 9112 §7.1 |
//!
//! The client layer ([`crate::Agent`]) feeds these functions with bytes read from the
//! transport and acts on their answers. The same steps, on byte strings:
//!
//! ```
//! use h1client::proto::{chunked::ChunkedDecoder, framing, request, response};
//!
//! // 1. the request head, to be written to the connection
//! let head = request::RequestHead {
//!     method: "GET",
//!     target: "/",
//!     version: request::Version::Http11,
//!     host: Some(request::HostHeader { host: "127.0.0.1", port: Some(8080) }),
//!     defaults: [].into_iter(),
//!     user: [].into_iter(),
//!     body: request::BodyFraming::Empty,
//! };
//! let mut out = Vec::new();
//! head.write(&mut out)?;
//! assert_eq!(out, b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n");
//!
//! // 2. the response head, parsed in place from what was read
//! let mut buf = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n".to_vec();
//! let mut resp = response::ResponseHead::default();
//! let len = resp.parse(&mut buf, &response::HeadLimits::default())?.expect("a whole head");
//!
//! // 3. how long the body is, and whether the connection survives it
//! let get = framing::RequestFacts { head: false, connect: false };
//! let framing = framing::decide(get, resp.status, resp.minor_version, resp.raw_headers(&buf))?;
//! assert_eq!(framing.kind, framing::BodyKind::Chunked);
//!
//! // 4. the body, decoded in place
//! let body = &mut buf[len..];
//! let (_, n) = ChunkedDecoder::new(1024).decode_in_place(body)?;
//! assert_eq!(&body[..n], b"hello");
//! # Ok::<(), h1client::proto::Error>(())
//! ```
//!
//! ## Over your own connection
//!
//! This module is public on purpose and is part of the crate's API, kept as stable as
//! [`Agent`](crate::Agent)'s (its items are listed in `public-api.txt` with the rest): it does no
//! I/O, so a program with a connection of its own — a socket it set up itself, a transport the
//! crate does not know, a test harness — can speak HTTP/1.1 over it with these functions alone.
//! One GET over a `std::net::TcpStream`, reading until the head is whole, then the body by the
//! framing `decide` chose:
//!
//! ```
//! # let server = h1client::doc_server::DocServer::start(&[
//! #     b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
//! # ]);
//! # let addr = server.url("").trim_start_matches("http://").trim_end_matches('/').to_string();
//! use h1client::proto::{framing, request, response};
//! use std::io::{Read, Write};
//!
//! let mut conn = std::net::TcpStream::connect(&addr)?; // "127.0.0.1:PORT"
//! let (host, port) = addr.rsplit_once(':').ok_or("no port")?;
//! let head = request::RequestHead {
//!     method: "GET",
//!     target: "/hello",
//!     version: request::Version::Http11,
//!     host: Some(request::HostHeader { host, port: port.parse().ok() }),
//!     defaults: [("Accept", "*/*")].into_iter(),
//!     user: [].into_iter(),
//!     body: request::BodyFraming::Empty,
//! };
//! let mut out = Vec::new();
//! head.write(&mut out)?;
//! conn.write_all(&out)?;
//!
//! // Read until a final (non-1xx) head is whole; a 1xx head is dropped and the next one read.
//! let limits = response::HeadLimits::default();
//! let mut resp = response::ResponseHead::default();
//! let mut buf = Vec::new();
//! let mut piece = [0u8; 4096];
//! let len = loop {
//!     match resp.parse(&mut buf, &limits)? {
//!         Some(len) if resp.is_interim() => drop(buf.drain(..len)),
//!         Some(len) => break len,
//!         None => match conn.read(&mut piece)? {
//!             0 => return Err("the server closed before the head ended".into()),
//!             n => buf.extend_from_slice(&piece[..n]),
//!         },
//!     }
//! };
//! assert_eq!(resp.status, 200);
//!
//! // The body, by the rule RFC 9112 §6.3 gives for this response.
//! let facts = framing::RequestFacts { head: false, connect: false };
//! let framing = framing::decide(facts, resp.status, resp.minor_version, resp.raw_headers(&buf))?;
//! let framing::BodyKind::Length(n) = framing.kind else {
//!     return Err(format!("{:?} bodies are read as in the example above", framing.kind).into());
//! };
//! let mut body = buf.split_off(len);
//! while (body.len() as u64) < n {
//!     match conn.read(&mut piece)? {
//!         0 => return Err("the body was cut short".into()),
//!         k => body.extend_from_slice(&piece[..k]),
//!     }
//! }
//! assert_eq!(body, b"hello");
//! assert!(framing.reuse.is_keep()); // the connection could carry the next request
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod chunked;
pub mod error;
pub mod framing;
pub mod request;
pub mod response;

pub use error::Error;

/// Is `b` a `tchar`, a byte allowed in a token (RFC 9110 §5.6.2)?
///
/// ```text
/// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
///         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
/// ```
///
/// ```
/// use h1client::proto::is_tchar;
/// assert!(is_tchar(b'-') && is_tchar(b'7'));
/// assert!(!is_tchar(b':') && !is_tchar(b' ') && !is_tchar(b'\r'));
/// ```
pub fn is_tchar(b: u8) -> bool {
    matches!(b,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' |
        b'^' | b'_' | b'`' | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

/// Is `s` a token: one or more `tchar`s (RFC 9110 §5.6.2)? Methods and field names are tokens.
///
/// ```
/// use h1client::proto::is_token;
/// assert!(is_token(b"Content-Type"));
/// assert!(!is_token(b"Content Type"));
/// assert!(!is_token(b""));
/// ```
pub fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

/// Trims optional whitespace (`OWS = *( SP / HTAB )`, RFC 9110 §5.6.3) from both ends.
///
/// ```
/// use h1client::proto::trim_ows;
/// assert_eq!(trim_ows(b" \tgzip "), b"gzip");
/// assert_eq!(trim_ows(b"\rgzip"), b"\rgzip"); // CR is not whitespace here
/// ```
pub fn trim_ows(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| b != b' ' && b != b'\t').unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(start, |i| i.saturating_add(1));
    s.get(start..end).unwrap_or_default()
}

/// Iterates over the elements of a comma-separated list field value (RFC 9110 §5.6.1), trimmed
/// of whitespace, skipping empty elements (`a, , b` is `a`, `b`).
///
/// ```
/// use h1client::proto::list_elements;
/// let codings: Vec<&[u8]> = list_elements(b"gzip, ,chunked ").collect();
/// assert_eq!(codings, [&b"gzip"[..], b"chunked"]);
/// ```
pub fn list_elements(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value.split(|&b| b == b',').map(trim_ows).filter(|e| !e.is_empty())
}

/// Appends the decimal digits of `n` to `out` (no allocation, no formatting machinery).
///
/// ```
/// use h1client::proto::push_decimal;
/// let mut out = b"Content-Length: ".to_vec();
/// push_decimal(&mut out, 1024);
/// assert_eq!(out, b"Content-Length: 1024");
/// ```
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // our own number into a fixed array: u64 has at most 20 digits
pub fn push_decimal(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_accept_tchars_only() {
        for ok in ["GET", "PROPFIND", "X-Custom_1", "!#$%&'*+-.^_`|~"] {
            assert!(is_token(ok.as_bytes()), "{ok}");
        }
        for bad in ["", "GET /", "A:B", "a\r\nb", "é", "a\0", "(x)", "a\"b"] {
            assert!(!is_token(bad.as_bytes()), "{bad:?}");
        }
    }

    #[test]
    fn trim_ows_strips_spaces_and_tabs_only() {
        assert_eq!(trim_ows(b"  a b\t "), b"a b");
        assert_eq!(trim_ows(b"   "), b"");
        assert_eq!(trim_ows(b""), b"");
        assert_eq!(trim_ows(b"\ra\r"), b"\ra\r");
    }

    #[test]
    fn list_elements_skip_empty_ones() {
        let v: Vec<&[u8]> = list_elements(b" a ,, b,\tc ,").collect();
        assert_eq!(v, [&b"a"[..], b"b", b"c"]);
    }

    #[test]
    fn push_decimal_writes_digits() {
        for n in [0u64, 7, 10, 1234567890, u64::MAX] {
            let mut out = Vec::new();
            push_decimal(&mut out, n);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }
}
