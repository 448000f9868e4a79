//! How long is the response body, and may the connection carry another request after it?
//! (RFC 9112 §6.3 *Message Body Length*, §6.1 *Transfer-Encoding*, §9.3 *Persistence*.)
//!
//! HTTP/1.1 has no end-of-message marker: the receiver must *decide* where a body ends from the
//! request method, the status and the headers — and if two parties decide differently, the
//! bytes of one response are read as the start of the next (response splitting, smuggling).
//! [`decide`] is that decision, as a pure function, applying the numbered rules of RFC 9112
//! §6.3 in order; the [`Rule`] it returns names the one that applied:
//!
//! - **#1** a response to HEAD, any 1xx, 204 or 304 ends at its head, whatever its headers say;
//! - **#2** any 2xx response to CONNECT (204 included) is a tunnel: no body, the connection now
//!   belongs to the tunnel;
//! - **#3** `Transfer-Encoding` and `Content-Length` together: Transfer-Encoding wins, and the
//!   connection is never reused (the message may be an attempt at smuggling);
//! - **#4** `Transfer-Encoding` whose final coding is `chunked` → chunked; any other final
//!   coding → the body runs until the server closes. An HTTP/1.0 response carrying
//!   Transfer-Encoding has faulty framing: it is processed, then the connection is closed
//!   (§6.1);
//! - **#5** a `Content-Length` that is not `1*DIGIT` (a sign, a space, hex, overflow), or
//!   several differing values, is an unrecoverable error; equal values (`5, 5`, or two lines of
//!   `5`) are folded (RFC 9110 §8.6);
//! - **#6** otherwise a valid `Content-Length` gives the length;
//! - **#7** applies to requests only (a request without framing has no body);
//! - **#8** otherwise the body runs until the server closes the connection.
//!
//! Persistence (§9.3): HTTP/1.1 connections persist unless either side sends `Connection: close`
//! (§9.6); HTTP/1.0 ones only with `Connection: keep-alive`. A body that runs until close never
//! leaves a reusable connection. The answer is one value, [`Reuse`]: keep, or close for a
//! [`CloseReason`].
//!
//! ```
//! use h1client::proto::framing::{decide, BodyKind, CloseReason, RequestFacts, Reuse, Rule};
//!
//! let get = RequestFacts { head: false, connect: false };
//! let headers = [("Transfer-Encoding", &b"chunked"[..]), ("Content-Length", &b"5"[..])];
//! let framing = decide(get, 200, 1, headers.into_iter()).unwrap();
//! assert_eq!(framing.kind, BodyKind::Chunked);
//! assert_eq!(framing.rule, Rule::Chunked);
//! assert_eq!(framing.reuse, Reuse::Close(CloseReason::BothLengths));
//! ```

use super::{list_elements, Error};
use std::fmt;

type Result<T> = std::result::Result<T, Error>;

/// How the body is delimited.
///
/// ```
/// use h1client::proto::framing::{decide, BodyKind, RequestFacts};
/// let head = RequestFacts { head: true, connect: false };
/// let headers = [("Content-Length", &b"1000"[..])];
/// // the length a HEAD response announces is that of the GET's body: it has none itself
/// assert_eq!(decide(head, 200, 1, headers.into_iter())?.kind, BodyKind::Empty);
/// # Ok::<(), h1client::proto::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No body: the response ends with its head.
    Empty,
    /// Exactly this many bytes.
    Length(u64),
    /// The chunked transfer coding (RFC 9112 §7.1).
    Chunked,
    /// Everything until the server closes the connection.
    UntilClose,
}

/// Which rule of RFC 9112 §6.3 decided the framing; its `Display` explains it.
///
/// ```
/// use h1client::proto::framing::{decide, RequestFacts, Rule};
/// let get = RequestFacts { head: false, connect: false };
/// let framing = decide(get, 200, 1, std::iter::empty())?; // no Content-Length, no Transfer-Encoding
/// assert_eq!(framing.rule, Rule::NoLengthUntilClose);
/// assert_eq!(framing.rule.to_string(), "RFC 9112 §6.3 #8: no length given, read until close");
/// # Ok::<(), h1client::proto::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// §6.3 #1: a response to a HEAD request has no body.
    HeadRequest,
    /// §6.3 #1: 1xx, 204 and 304 responses have no body.
    BodilessStatus,
    /// §6.3 #2: a 2xx response to CONNECT switches to a tunnel.
    ConnectTunnel,
    /// §6.3 #4: the final transfer coding is chunked.
    Chunked,
    /// §6.3 #4: a transfer coding other than chunked is final: read until close.
    TransferCodingUntilClose,
    /// §6.3 #6: a valid Content-Length.
    ContentLength,
    /// §6.3 #8: no framing header: read until close.
    NoLengthUntilClose,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rule::HeadRequest => "RFC 9112 §6.3 #1: a response to HEAD has no body",
            Rule::BodilessStatus => "RFC 9112 §6.3 #1: 1xx, 204 and 304 responses have no body",
            Rule::ConnectTunnel => "RFC 9112 §6.3 #2: a 2xx response to CONNECT starts a tunnel",
            Rule::Chunked => "RFC 9112 §6.3 #4: final transfer coding is chunked",
            Rule::TransferCodingUntilClose => {
                "RFC 9112 §6.3 #4: final transfer coding is not chunked, read until close"
            }
            Rule::ContentLength => "RFC 9112 §6.3 #6: Content-Length gives the length",
            Rule::NoLengthUntilClose => "RFC 9112 §6.3 #8: no length given, read until close",
        })
    }
}

/// Why a connection cannot carry another request after this exchange.
///
/// ```
/// use h1client::proto::framing::{decide, CloseReason, RequestFacts, Reuse};
/// let get = RequestFacts { head: false, connect: false };
/// let headers = [("Content-Length", &b"5"[..])];
/// let framing = decide(get, 200, 0, headers.into_iter())?; // HTTP/1.0, no keep-alive
/// assert_eq!(framing.reuse, Reuse::Close(CloseReason::Http10));
/// # Ok::<(), h1client::proto::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    /// The server sent `Connection: close` (RFC 9112 §9.6).
    ServerAskedClose,
    /// An HTTP/1.0 response without `Connection: keep-alive` (RFC 9112 §9.3).
    Http10,
    /// The body ends when the connection closes (RFC 9112 §6.3 #4, #8).
    BodyUntilClose,
    /// `Transfer-Encoding` and `Content-Length` together: a possible smuggling attempt
    /// (RFC 9112 §6.3 #3).
    BothLengths,
    /// `Transfer-Encoding` in an HTTP/1.0 response: faulty framing (RFC 9112 §6.1).
    TransferEncodingInHttp10,
    /// `101 Switching Protocols`: the connection speaks another protocol now (RFC 9110 §15.2.2).
    SwitchedProtocols,
    /// A 2xx answer to CONNECT: the connection is a tunnel now (RFC 9110 §9.3.6).
    Tunnel,
    /// The request carried `Connection: close` (RFC 9112 §9.6), or was HTTP/1.0 without
    /// `keep-alive` (§9.3), after which the server closes.
    RequestAskedClose,
    /// The server answered before the request body was sent, so the two sides may disagree on
    /// where the request ends (RFC 9110 §10.1.1).
    AnsweredBeforeBody,
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CloseReason::ServerAskedClose => "the server sent Connection: close",
            CloseReason::Http10 => "HTTP/1.0 response without keep-alive",
            CloseReason::BodyUntilClose => "the body is delimited by closing the connection",
            CloseReason::BothLengths => "both Transfer-Encoding and Content-Length were sent (RFC 9112 §6.3 #3)",
            CloseReason::TransferEncodingInHttp10 => {
                "Transfer-Encoding in an HTTP/1.0 response: faulty framing (RFC 9112 §6.1)"
            }
            CloseReason::SwitchedProtocols => "the server switched protocols (101)",
            CloseReason::Tunnel => "the connection is now a tunnel",
            CloseReason::RequestAskedClose => "the request asked for Connection: close",
            CloseReason::AnsweredBeforeBody => "the server answered before the request body was sent",
        })
    }
}

/// May the connection carry another request once this response's body was read to its end?
///
/// ```
/// use h1client::proto::framing::{decide, RequestFacts, Reuse};
/// let get = RequestFacts { head: false, connect: false };
/// let headers = [("Content-Length", &b"5"[..]), ("Connection", &b"keep-alive"[..])];
/// assert_eq!(decide(get, 200, 0, headers.into_iter())?.reuse, Reuse::Keep); // HTTP/1.0 that asked to stay
/// # Ok::<(), h1client::proto::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reuse {
    /// Yes (RFC 9112 §9.3: HTTP/1.1 connections persist by default).
    Keep,
    /// No, for this reason.
    Close(CloseReason),
}

impl Reuse {
    /// Is it [`Reuse::Keep`]?
    ///
    /// ```
    /// use h1client::proto::framing::{CloseReason, Reuse};
    /// assert!(Reuse::Keep.is_keep());
    /// assert!(!Reuse::Close(CloseReason::ServerAskedClose).is_keep());
    /// ```
    pub fn is_keep(self) -> bool {
        self == Reuse::Keep
    }

    /// Keeps a [`Reuse::Close`] as it is; turns [`Reuse::Keep`] into `Close(reason)`. The first
    /// reason found is the one reported.
    ///
    /// ```
    /// use h1client::proto::framing::{CloseReason, Reuse};
    /// let asked = CloseReason::RequestAskedClose;
    /// assert_eq!(Reuse::Keep.or_close(asked), Reuse::Close(asked));
    /// let first = Reuse::Close(CloseReason::ServerAskedClose);
    /// assert_eq!(first.or_close(asked), first);
    /// ```
    pub fn or_close(self, reason: CloseReason) -> Reuse {
        match self {
            Reuse::Keep => Reuse::Close(reason),
            close => close,
        }
    }
}

/// The framing decision for one response.
///
/// ```
/// use h1client::proto::framing::{decide, BodyKind, CloseReason, Framing, RequestFacts, Reuse, Rule};
/// let get = RequestFacts { head: false, connect: false };
/// let headers = [("Content-Length", &b"5"[..]), ("Connection", &b"close"[..])];
/// let framing = decide(get, 200, 1, headers.into_iter())?;
/// assert_eq!(
///     framing,
///     Framing {
///         kind: BodyKind::Length(5),
///         rule: Rule::ContentLength,
///         reuse: Reuse::Close(CloseReason::ServerAskedClose),
///     }
/// );
/// # Ok::<(), h1client::proto::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framing {
    /// How the body is delimited.
    pub kind: BodyKind,
    /// Which rule decided it.
    pub rule: Rule,
    /// May the connection carry another request once this body was read to its end?
    pub reuse: Reuse,
}

/// The facts about the request that the framing depends on.
///
/// ```
/// use h1client::proto::framing::{decide, BodyKind, CloseReason, RequestFacts, Reuse};
/// let connect = RequestFacts { head: false, connect: true };
/// let framing = decide(connect, 200, 1, std::iter::empty())?;
/// assert_eq!(framing.kind, BodyKind::Empty); // the bytes that follow belong to the tunnel
/// assert_eq!(framing.reuse, Reuse::Close(CloseReason::Tunnel));
/// # Ok::<(), h1client::proto::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestFacts {
    /// The request was a HEAD.
    pub head: bool,
    /// The request was a CONNECT.
    pub connect: bool,
}

/// Parses one Content-Length field value: a list of `1*DIGIT` elements that must all be equal
/// (RFC 9110 §8.6, RFC 9112 §6.3 #5).
fn content_length_of(value: &[u8], seen: &mut Option<u64>) -> Result<()> {
    let mut any = false;
    for element in list_elements(value) {
        any = true;
        let n = parse_digits(element).ok_or_else(|| {
            let value = String::from_utf8_lossy(value).into_owned();
            if element.iter().all(u8::is_ascii_digit) {
                Error::ContentLengthTooLarge { value }
            } else {
                Error::InvalidContentLength { value }
            }
        })?;
        match *seen {
            Some(first) if first != n => return Err(Error::ConflictingContentLength { first, second: n }),
            _ => *seen = Some(n),
        }
    }
    if any {
        Ok(())
    } else {
        Err(Error::EmptyContentLength)
    }
}

/// `1*DIGIT` as a u64, with checked arithmetic: `None` for empty input, a non-digit, or overflow.
///
/// ```
/// use h1client::proto::framing::parse_digits;
/// assert_eq!(parse_digits(b"0042"), Some(42));
/// assert_eq!(parse_digits(b"+5"), None);
/// assert_eq!(parse_digits(b""), None);
/// assert_eq!(parse_digits(b"18446744073709551616"), None); // u64::MAX + 1
/// ```
pub fn parse_digits(s: &[u8]) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.iter().try_fold(0u64, |n, &b| {
        if b.is_ascii_digit() {
            n.checked_mul(10)?.checked_add(u64::from(b.wrapping_sub(b'0')))
        } else {
            None
        }
    })
}

/// What the framing headers of a response say, gathered in one pass.
#[derive(Debug, Default)]
struct Fields {
    content_length: Option<u64>,
    content_length_error: Option<Error>,
    transfer_encoding: bool,
    transfer_encoding_empty: bool,
    chunked_count: usize,
    last_coding_chunked: bool,
    close: bool,
    keep_alive: bool,
}

impl Fields {
    fn gather<'h>(headers: impl Iterator<Item = (&'h str, &'h [u8])>) -> Fields {
        let mut f = Fields::default();
        for (name, value) in headers {
            if name.eq_ignore_ascii_case("transfer-encoding") {
                f.transfer_encoding = true;
                let mut any = false;
                for coding in list_elements(value) {
                    any = true;
                    f.last_coding_chunked = coding.eq_ignore_ascii_case(b"chunked");
                    f.chunked_count = f.chunked_count.saturating_add(usize::from(f.last_coding_chunked));
                }
                f.transfer_encoding_empty |= !any;
            } else if name.eq_ignore_ascii_case("content-length") {
                if let Err(e) = content_length_of(value, &mut f.content_length) {
                    f.content_length_error.get_or_insert(e);
                }
            } else if name.eq_ignore_ascii_case("connection") {
                for option in list_elements(value) {
                    f.close |= option.eq_ignore_ascii_case(b"close");
                    f.keep_alive |= option.eq_ignore_ascii_case(b"keep-alive");
                }
            }
        }
        f
    }

    /// Persistence by version and `Connection` (RFC 9112 §9.3).
    fn persistence(&self, minor_version: u8) -> Reuse {
        match (minor_version, self.close, self.keep_alive) {
            (_, true, _) => Reuse::Close(CloseReason::ServerAskedClose),
            (0, false, false) => Reuse::Close(CloseReason::Http10),
            _ => Reuse::Keep,
        }
    }
}

/// Decides the framing of a response (see the module documentation for the rules).
///
/// (Longer than most functions here on purpose: it is RFC 9112 §6.3's list of rules, in the
/// RFC's order, and reads best as one.)
///
/// `headers` yields every field as received, in order (`(name, raw value)`).
///
/// ```
/// use h1client::proto::framing::{decide, BodyKind, RequestFacts, Rule};
/// let get = RequestFacts { head: false, connect: false };
/// // a 204 has no body, whatever its headers say
/// let framing = decide(get, 204, 1, [("Content-Length", &b"10"[..])].into_iter())?;
/// assert_eq!((framing.kind, framing.rule), (BodyKind::Empty, Rule::BodilessStatus));
/// // equal Content-Length values are folded into one
/// let framing = decide(get, 200, 1, [("Content-Length", &b"5, 5"[..])].into_iter())?;
/// assert_eq!(framing.kind, BodyKind::Length(5));
/// # Ok::<(), h1client::proto::Error>(())
/// ```
pub fn decide<'h>(
    request: RequestFacts,
    status: u16,
    minor_version: u8,
    headers: impl Iterator<Item = (&'h str, &'h [u8])>,
) -> Result<Framing> {
    let f = Fields::gather(headers);
    let persistence = f.persistence(minor_version);
    let framing = |kind, rule, reuse: Reuse| Framing {
        kind,
        rule,
        reuse: match reuse {
            Reuse::Keep => persistence,
            close => close,
        },
    };
    // #1: bodiless by definition, whatever the headers say. After a 101 the bytes that follow
    //    are not HTTP (RFC 9110 §15.2.2), so it is never reused, whatever the request was.
    if status == 101 {
        let reuse = Reuse::Close(CloseReason::SwitchedProtocols);
        return Ok(framing(BodyKind::Empty, Rule::BodilessStatus, reuse));
    }
    if request.head {
        return Ok(framing(BodyKind::Empty, Rule::HeadRequest, Reuse::Keep));
    }
    // #2: CONNECT success: the connection becomes a tunnel. Checked before 204: *any* 2xx answer
    //    to CONNECT switches to tunnel mode (RFC 9110 §9.3.6), and a tunnel is never reusable.
    if request.connect && (200..300).contains(&status) {
        let reuse = Reuse::Close(CloseReason::Tunnel);
        return Ok(framing(BodyKind::Empty, Rule::ConnectTunnel, reuse));
    }
    if (100..200).contains(&status) || status == 204 || status == 304 {
        return Ok(framing(BodyKind::Empty, Rule::BodilessStatus, Reuse::Keep));
    }
    // #3 and #4: Transfer-Encoding overrides Content-Length (#3 is about both at once).
    if f.transfer_encoding {
        if f.transfer_encoding_empty {
            return Err(Error::EmptyTransferEncoding);
        }
        if f.chunked_count > 1 {
            return Err(Error::ChunkedTwice);
        }
        if !f.last_coding_chunked {
            let reuse = Reuse::Close(CloseReason::BodyUntilClose);
            return Ok(framing(BodyKind::UntilClose, Rule::TransferCodingUntilClose, reuse));
        }
        let reuse = if minor_version == 0 {
            Reuse::Close(CloseReason::TransferEncodingInHttp10)
        } else if f.content_length.is_some() || f.content_length_error.is_some() {
            Reuse::Close(CloseReason::BothLengths)
        } else {
            Reuse::Keep
        };
        return Ok(framing(BodyKind::Chunked, Rule::Chunked, reuse));
    }
    // #5 and #6: Content-Length, if valid (an invalid one is an error, #5).
    if let Some(e) = f.content_length_error {
        return Err(e);
    }
    if let Some(n) = f.content_length {
        return Ok(framing(BodyKind::Length(n), Rule::ContentLength, Reuse::Keep));
    }
    // #8: no framing header: until close (#7 is for requests).
    let reuse = Reuse::Close(CloseReason::BodyUntilClose);
    Ok(framing(BodyKind::UntilClose, Rule::NoLengthUntilClose, reuse))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GET: RequestFacts = RequestFacts {
        head: false,
        connect: false,
    };
    const HEAD: RequestFacts = RequestFacts {
        head: true,
        connect: false,
    };
    const CONNECT: RequestFacts = RequestFacts {
        head: false,
        connect: true,
    };

    fn run(req: RequestFacts, status: u16, minor: u8, headers: &[(&str, &str)]) -> Result<Framing> {
        decide(req, status, minor, headers.iter().map(|(n, v)| (*n, v.as_bytes())))
    }

    #[rustfmt::skip]
    #[test]
    fn framing_table() {
        use BodyKind::*;
        use CloseReason::*;
        const KEEP: Reuse = Reuse::Keep;
        let close = Reuse::Close;
        let te = "Transfer-Encoding";
        let cl = "Content-Length";
        // (request, status, minor version, headers, kind, rule, reuse)
        let cases: &[(RequestFacts, u16, u8, &[(&str, &str)], BodyKind, Rule, Reuse)] = &[
            (GET, 200, 1, &[(cl, "5")],                                Length(5),        Rule::ContentLength, KEEP),
            (GET, 200, 1, &[(cl, "0")],                                Length(0),        Rule::ContentLength, KEEP),
            (GET, 200, 1, &[(cl, "5, 5")],                             Length(5),        Rule::ContentLength, KEEP),
            (GET, 200, 1, &[(cl, "5"), ("content-length", "5")],       Length(5),        Rule::ContentLength, KEEP),
            (GET, 200, 1, &[(cl, "18446744073709551615")],             Length(u64::MAX), Rule::ContentLength, KEEP),
            (GET, 200, 1, &[(te, "chunked")],                          Chunked,          Rule::Chunked, KEEP),
            (GET, 200, 1, &[(te, "  CHUNKED  ")],                      Chunked,          Rule::Chunked, KEEP),
            (GET, 200, 1, &[(te, "gzip, chunked")],                    Chunked,          Rule::Chunked, KEEP),
            (GET, 200, 1, &[(te, "gzip"), (te, "chunked")],            Chunked,          Rule::Chunked, KEEP),
            (GET, 200, 1, &[(te, "chunked, gzip")],                    UntilClose,       Rule::TransferCodingUntilClose, close(BodyUntilClose)),
            (GET, 200, 1, &[(te, "xchunked")],                         UntilClose,       Rule::TransferCodingUntilClose, close(BodyUntilClose)),
            (GET, 200, 1, &[(te, "chunked"), (cl, "5")],               Chunked,          Rule::Chunked, close(BothLengths)),
            (GET, 200, 1, &[(cl, "5"), (te, "chunked")],               Chunked,          Rule::Chunked, close(BothLengths)),
            (GET, 200, 1, &[(te, "chunked"), (cl, "x")],               Chunked,          Rule::Chunked, close(BothLengths)),
            (GET, 200, 0, &[(te, "chunked")],                          Chunked,          Rule::Chunked, close(TransferEncodingInHttp10)),
            (GET, 200, 1, &[],                                         UntilClose,       Rule::NoLengthUntilClose, close(BodyUntilClose)),
            (GET, 200, 1, &[(cl, "5"), ("Connection", "close")],       Length(5),        Rule::ContentLength, close(ServerAskedClose)),
            (GET, 200, 1, &[(cl, "5"), ("Connection", "Upgrade, CLOSE")], Length(5),    Rule::ContentLength, close(ServerAskedClose)),
            (GET, 200, 0, &[(cl, "5")],                                Length(5),        Rule::ContentLength, close(Http10)),
            (GET, 200, 0, &[(cl, "5"), ("Connection", "keep-alive")],  Length(5),        Rule::ContentLength, KEEP),
            (HEAD, 200, 1, &[(cl, "1000")],                            Empty,            Rule::HeadRequest, KEEP),
            (HEAD, 200, 1, &[(te, "chunked")],                         Empty,            Rule::HeadRequest, KEEP),
            (GET, 204, 1, &[(cl, "5")],                                Empty,            Rule::BodilessStatus, KEEP),
            (GET, 304, 1, &[(cl, "10")],                               Empty,            Rule::BodilessStatus, KEEP),
            (GET, 100, 1, &[(cl, "5")],                                Empty,            Rule::BodilessStatus, KEEP),
            (GET, 101, 1, &[("Upgrade", "websocket")],                 Empty,            Rule::BodilessStatus, close(SwitchedProtocols)),
            (HEAD, 101, 1, &[("Upgrade", "websocket")],                Empty,            Rule::BodilessStatus, close(SwitchedProtocols)),
            (GET, 205, 1, &[(cl, "0")],                                Length(0),        Rule::ContentLength, KEEP),
            (CONNECT, 200, 1, &[(cl, "5")],                            Empty,            Rule::ConnectTunnel, close(Tunnel)),
            (CONNECT, 204, 1, &[],                                     Empty,            Rule::ConnectTunnel, close(Tunnel)),
            (CONNECT, 407, 1, &[(cl, "5")],                            Length(5),        Rule::ContentLength, KEEP),
        ];
        for (req, status, minor, headers, kind, rule, reuse) in cases {
            let f = run(*req, *status, *minor, headers).unwrap_or_else(|e| panic!("{headers:?}: {e}"));
            assert_eq!((f.kind, f.rule, f.reuse), (*kind, *rule, *reuse), "{status} HTTP/1.{minor} {headers:?}");
        }
    }

    #[rustfmt::skip]
    #[test]
    fn invalid_framing_is_protocol_error() {
        let s = |v: &str| v.to_string();
        let cases: &[(&[(&str, &str)], Error)] = &[
            (&[("Content-Length", "5"), ("Content-Length", "6")], Error::ConflictingContentLength { first: 5, second: 6 }),
            (&[("Content-Length", "5, 6")],                       Error::ConflictingContentLength { first: 5, second: 6 }),
            (&[("Content-Length", "-1")],                         Error::InvalidContentLength { value: s("-1") }),
            (&[("Content-Length", "+5")],                         Error::InvalidContentLength { value: s("+5") }),
            (&[("Content-Length", "0x5")],                        Error::InvalidContentLength { value: s("0x5") }),
            (&[("Content-Length", "5 5")],                        Error::InvalidContentLength { value: s("5 5") }),
            (&[("Content-Length", "abc")],                        Error::InvalidContentLength { value: s("abc") }),
            (&[("Content-Length", "18446744073709551616")],       Error::ContentLengthTooLarge { value: s("18446744073709551616") }),
            (&[("Content-Length", "")],                           Error::EmptyContentLength),
            (&[("Content-Length", " , ")],                        Error::EmptyContentLength),
            (&[("Transfer-Encoding", "chunked, chunked")],        Error::ChunkedTwice),
            (&[("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "chunked")], Error::ChunkedTwice),
            (&[("Transfer-Encoding", "")],                        Error::EmptyTransferEncoding),
        ];
        for (headers, want) in cases {
            assert_eq!(run(GET, 200, 1, headers).unwrap_err(), *want, "{headers:?}");
        }
    }

    #[test]
    fn bodiless_status_ignores_even_bad_content_length() {
        let f = run(GET, 304, 1, &[("Content-Length", "garbage")]).unwrap();
        assert_eq!(f.kind, BodyKind::Empty);
    }

    #[test]
    fn bodiless_responses_ignore_even_empty_transfer_encoding() {
        for (req, status) in [(HEAD, 200), (GET, 304), (GET, 204), (CONNECT, 200)] {
            let f = run(req, status, 1, &[("Transfer-Encoding", "")]).unwrap();
            assert_eq!(f.kind, BodyKind::Empty, "{status}");
        }
    }

    #[test]
    fn rule_is_explained() {
        let f = run(GET, 200, 1, &[("Transfer-Encoding", "chunked")]).unwrap();
        assert_eq!(f.rule, Rule::Chunked);
        assert!(f.rule.to_string().contains("RFC 9112 §6.3"));
    }

    #[test]
    fn the_first_close_reason_is_kept() {
        assert_eq!(
            Reuse::Keep.or_close(CloseReason::RequestAskedClose),
            Reuse::Close(CloseReason::RequestAskedClose)
        );
        let closed = Reuse::Close(CloseReason::Http10);
        assert_eq!(closed.or_close(CloseReason::RequestAskedClose), closed);
    }

    #[test]
    fn parse_digits_is_strict() {
        assert_eq!(parse_digits(b"0"), Some(0));
        assert_eq!(parse_digits(b"007"), Some(7));
        for bad in [&b""[..], b"+1", b"-1", b" 1", b"1 ", b"0x1", b"99999999999999999999"] {
            assert_eq!(parse_digits(bad), None, "{bad:?}");
        }
    }
}
