//! How long is the response body, and may the connection carry another request after it?
//! (RFC 9112 §6.3 *Message Body Length*, §6.1 *Transfer-Encoding*, §9.3 *Persistence*.)
//!
//! HTTP/1.1 has no end-of-message marker: the receiver must *decide* where a body ends from the
//! request method, the status and the headers — and if two parties decide differently, the
//! bytes of one response are read as the start of the next (response splitting, smuggling).
//! [`decide`] is that decision, as a pure function, applying RFC 9112 §6.3 in order:
//!
//! 1. a response to HEAD, any 1xx, 204 or 304 ends at its head, whatever its headers say;
//! 2. any 2xx response to CONNECT (204 included) is a tunnel: no body, the connection now belongs
//!    to the tunnel;
//! 3. `Transfer-Encoding` whose final coding is `chunked` → chunked; any other
//!    `Transfer-Encoding` → the body runs until the server closes. If `Content-Length` is also
//!    present, Transfer-Encoding wins and the connection is never reused (the message may be an
//!    attempt at smuggling). An HTTP/1.0 response carrying Transfer-Encoding has faulty framing:
//!    it is processed, then the connection is closed (§6.1);
//! 4. otherwise a valid `Content-Length` gives the length. It must be `1*DIGIT`: no sign, no
//!    space, no hex, no overflow. Several equal values (`5, 5`, or two lines of `5`) are folded;
//!    differing values are an unrecoverable error (§6.3 item 5);
//! 5. otherwise the body runs until the server closes the connection.
//!
//! Persistence (§9.3): HTTP/1.1 connections persist unless either side sends `Connection: close`;
//! HTTP/1.0 ones only with `Connection: keep-alive`. A body that runs until close never leaves a
//! reusable connection.

use super::list_elements;
use crate::error::{Error, ErrorKind, Result, Step};
use std::fmt;

/// How the body is delimited.
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
    /// §6.3 #5/#6: a valid Content-Length.
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

/// The framing decision for one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framing {
    /// How the body is delimited.
    pub kind: BodyKind,
    /// Which rule decided it.
    pub rule: Rule,
    /// May the connection carry another request once this body was read to its end? False for
    /// close-delimited bodies, `Connection: close`, HTTP/1.0 without keep-alive, and suspicious
    /// framing (Transfer-Encoding with Content-Length, or in an HTTP/1.0 response).
    pub reusable: bool,
    /// Why the connection cannot be reused, when it cannot.
    pub close_reason: Option<&'static str>,
}

/// The facts about the request that the framing depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestFacts {
    /// The request was a HEAD.
    pub head: bool,
    /// The request was a CONNECT.
    pub connect: bool,
}

fn protocol(message: String) -> Error {
    Error::new(ErrorKind::Protocol, Step::ReceiveHead, message)
}

/// Parses one Content-Length field value: a list of `1*DIGIT` elements that must all be equal
/// (RFC 9110 §8.6, RFC 9112 §6.3 #5).
fn content_length_of(value: &[u8], seen: &mut Option<u64>) -> Result<()> {
    let mut any = false;
    for element in list_elements(value) {
        any = true;
        let n = parse_digits(element).ok_or_else(|| {
            let why = if !element.is_empty() && element.iter().all(u8::is_ascii_digit) {
                "too large for 64 bits"
            } else {
                "must be decimal digits only (RFC 9110 §8.6)"
            };
            protocol(format!(
                "invalid Content-Length {:?}: {why}",
                String::from_utf8_lossy(value)
            ))
        })?;
        match *seen {
            Some(prev) if prev != n => {
                return Err(protocol(format!(
                    "conflicting Content-Length values {prev} and {n} (RFC 9112 §6.3)"
                )))
            }
            _ => *seen = Some(n),
        }
    }
    if any {
        Ok(())
    } else {
        Err(protocol("empty Content-Length (RFC 9110 §8.6)".to_string()))
    }
}

/// `1*DIGIT` as a u64, with checked arithmetic: `None` for empty input, a non-digit, or overflow.
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

/// Decides the framing of a response (see the module documentation for the rules).
///
/// `headers` yields every field as received, in order (`(name, raw value)`).
pub fn decide<'h>(
    request: RequestFacts,
    status: u16,
    minor_version: u8,
    headers: impl Iterator<Item = (&'h str, &'h [u8])>,
) -> Result<Framing> {
    let mut content_length: Option<u64> = None;
    let mut te_present = false;
    let mut te_empty = false;
    let mut chunked_count = 0usize;
    let mut last_coding_chunked = false;
    let mut conn_close = false;
    let mut conn_keep_alive = false;
    let mut cl_error: Option<Error> = None;

    for (name, value) in headers {
        if name.eq_ignore_ascii_case("transfer-encoding") {
            te_present = true;
            let mut any = false;
            for coding in list_elements(value) {
                any = true;
                last_coding_chunked = coding.eq_ignore_ascii_case(b"chunked");
                chunked_count = chunked_count.saturating_add(usize::from(last_coding_chunked));
            }
            te_empty |= !any;
        } else if name.eq_ignore_ascii_case("content-length") {
            if let Err(e) = content_length_of(value, &mut content_length) {
                cl_error.get_or_insert(e);
            }
        } else if name.eq_ignore_ascii_case("connection") {
            for option in list_elements(value) {
                conn_close |= option.eq_ignore_ascii_case(b"close");
                conn_keep_alive |= option.eq_ignore_ascii_case(b"keep-alive");
            }
        }
    }

    let persistent = if minor_version == 0 {
        conn_keep_alive && !conn_close
    } else {
        !conn_close
    };
    let persist_reason = if persistent {
        None
    } else if minor_version == 0 {
        Some("HTTP/1.0 response without keep-alive")
    } else {
        Some("the server sent Connection: close")
    };
    let framing = |kind, rule, reusable: bool, why: Option<&'static str>| {
        let reusable = reusable && persistent;
        let close_reason = if reusable { None } else { why.or(persist_reason) };
        Framing {
            kind,
            rule,
            reusable,
            close_reason,
        }
    };

    // 1. Bodiless by definition, whatever the headers say.
    if status == 101 {
        // The connection now speaks another protocol (RFC 9110 §15.2.2): never reuse it for HTTP,
        // whatever the request was (a HEAD too: the bytes after this head are not HTTP).
        let why = Some("the server switched protocols (101)");
        return Ok(Framing {
            kind: BodyKind::Empty,
            rule: Rule::BodilessStatus,
            reusable: false,
            close_reason: why,
        });
    }
    if request.head {
        return Ok(framing(BodyKind::Empty, Rule::HeadRequest, true, None));
    }
    // 2. CONNECT success: the connection becomes a tunnel. Checked before 204: *any* 2xx answer
    // to CONNECT switches to tunnel mode (RFC 9110 §9.3.6), and a tunnel is never reusable.
    if request.connect && (200..300).contains(&status) {
        return Ok(Framing {
            kind: BodyKind::Empty,
            rule: Rule::ConnectTunnel,
            reusable: false,
            close_reason: Some("the connection is now a tunnel"),
        });
    }
    if (100..200).contains(&status) || status == 204 || status == 304 {
        return Ok(framing(BodyKind::Empty, Rule::BodilessStatus, true, None));
    }
    // 3. Transfer-Encoding overrides Content-Length.
    if te_present {
        if te_empty {
            return Err(protocol("empty Transfer-Encoding (RFC 9112 §6.1)".to_string()));
        }
        if chunked_count > 1 {
            return Err(protocol(
                "chunked transfer coding applied more than once (RFC 9112 §6.1)".to_string(),
            ));
        }
        let suspicious = if minor_version == 0 {
            Some("Transfer-Encoding in an HTTP/1.0 response: faulty framing (RFC 9112 §6.1)")
        } else if content_length.is_some() || cl_error.is_some() {
            Some("both Transfer-Encoding and Content-Length were sent (RFC 9112 §6.3 #3)")
        } else {
            None
        };
        return Ok(if last_coding_chunked {
            framing(BodyKind::Chunked, Rule::Chunked, suspicious.is_none(), suspicious)
        } else {
            framing(
                BodyKind::UntilClose,
                Rule::TransferCodingUntilClose,
                false,
                Some("the body is delimited by closing the connection"),
            )
        });
    }
    // 4. Content-Length, if valid.
    if let Some(e) = cl_error {
        return Err(e);
    }
    if let Some(n) = content_length {
        return Ok(framing(BodyKind::Length(n), Rule::ContentLength, true, None));
    }
    // 5. Until close.
    Ok(framing(
        BodyKind::UntilClose,
        Rule::NoLengthUntilClose,
        false,
        Some("the body is delimited by closing the connection"),
    ))
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

    #[test]
    fn framing_table() {
        use BodyKind::*;
        // (request, status, minor version, headers, kind, reusable)
        let cases: &[(RequestFacts, u16, u8, &[(&str, &str)], BodyKind, bool)] = &[
            (GET, 200, 1, &[("Content-Length", "5")], Length(5), true),
            (GET, 200, 1, &[("Content-Length", "0")], Length(0), true),
            (GET, 200, 1, &[("Content-Length", "5, 5")], Length(5), true),
            (
                GET,
                200,
                1,
                &[("Content-Length", "5"), ("content-length", "5")],
                Length(5),
                true,
            ),
            (
                GET,
                200,
                1,
                &[("Content-Length", "18446744073709551615")],
                Length(u64::MAX),
                true,
            ),
            (GET, 200, 1, &[("Transfer-Encoding", "chunked")], Chunked, true),
            (GET, 200, 1, &[("Transfer-Encoding", "  CHUNKED  ")], Chunked, true),
            (GET, 200, 1, &[("Transfer-Encoding", "gzip, chunked")], Chunked, true),
            (
                GET,
                200,
                1,
                &[("Transfer-Encoding", "gzip"), ("Transfer-Encoding", "chunked")],
                Chunked,
                true,
            ),
            (
                GET,
                200,
                1,
                &[("Transfer-Encoding", "chunked, gzip")],
                UntilClose,
                false,
            ),
            (GET, 200, 1, &[("Transfer-Encoding", "xchunked")], UntilClose, false),
            (
                GET,
                200,
                1,
                &[("Transfer-Encoding", "chunked"), ("Content-Length", "5")],
                Chunked,
                false,
            ),
            (
                GET,
                200,
                1,
                &[("Content-Length", "5"), ("Transfer-Encoding", "chunked")],
                Chunked,
                false,
            ),
            (
                GET,
                200,
                1,
                &[("Transfer-Encoding", "chunked"), ("Content-Length", "x")],
                Chunked,
                false,
            ),
            (GET, 200, 0, &[("Transfer-Encoding", "chunked")], Chunked, false),
            (GET, 200, 1, &[], UntilClose, false),
            (
                GET,
                200,
                1,
                &[("Content-Length", "5"), ("Connection", "close")],
                Length(5),
                false,
            ),
            (
                GET,
                200,
                1,
                &[("Content-Length", "5"), ("Connection", "Upgrade, CLOSE")],
                Length(5),
                false,
            ),
            (GET, 200, 0, &[("Content-Length", "5")], Length(5), false),
            (
                GET,
                200,
                0,
                &[("Content-Length", "5"), ("Connection", "keep-alive")],
                Length(5),
                true,
            ),
            (HEAD, 200, 1, &[("Content-Length", "1000")], Empty, true),
            (HEAD, 200, 1, &[("Transfer-Encoding", "chunked")], Empty, true),
            (GET, 204, 1, &[("Content-Length", "5")], Empty, true),
            (GET, 304, 1, &[("Content-Length", "10")], Empty, true),
            (GET, 100, 1, &[("Content-Length", "5")], Empty, true),
            (GET, 101, 1, &[("Upgrade", "websocket")], Empty, false),
            (HEAD, 101, 1, &[("Upgrade", "websocket")], Empty, false),
            (GET, 205, 1, &[("Content-Length", "0")], Length(0), true),
            (CONNECT, 200, 1, &[("Content-Length", "5")], Empty, false),
            (CONNECT, 204, 1, &[], Empty, false),
            (CONNECT, 407, 1, &[("Content-Length", "5")], Length(5), true),
        ];
        for (req, status, minor, headers, kind, reusable) in cases {
            let f = run(*req, *status, *minor, headers).unwrap_or_else(|e| panic!("{headers:?}: {e}"));
            assert_eq!(f.kind, *kind, "{status} {headers:?}");
            assert_eq!(f.reusable, *reusable, "{status} HTTP/1.{minor} {headers:?}");
            assert_eq!(f.close_reason.is_none(), f.reusable, "{headers:?}");
        }
    }

    #[test]
    fn invalid_framing_is_protocol_error() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (
                &[("Content-Length", "5"), ("Content-Length", "6")],
                "conflicting Content-Length",
            ),
            (&[("Content-Length", "5, 6")], "conflicting Content-Length"),
            (&[("Content-Length", "-1")], "invalid Content-Length"),
            (&[("Content-Length", "+5")], "invalid Content-Length"),
            (&[("Content-Length", "0x5")], "invalid Content-Length"),
            (&[("Content-Length", "5 5")], "invalid Content-Length"),
            (&[("Content-Length", "abc")], "invalid Content-Length"),
            (&[("Content-Length", "18446744073709551616")], "invalid Content-Length"),
            (&[("Content-Length", "")], "empty Content-Length"),
            (&[("Content-Length", " , ")], "empty Content-Length"),
            (&[("Transfer-Encoding", "chunked, chunked")], "more than once"),
            (
                &[("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "chunked")],
                "more than once",
            ),
            (&[("Transfer-Encoding", "")], "empty Transfer-Encoding"),
        ];
        for (headers, needle) in cases {
            let e = run(GET, 200, 1, headers).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Protocol);
            assert!(e.to_string().contains(needle), "{headers:?}: {e}");
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
    fn parse_digits_is_strict() {
        assert_eq!(parse_digits(b"0"), Some(0));
        assert_eq!(parse_digits(b"007"), Some(7));
        for bad in [&b""[..], b"+1", b"-1", b" 1", b"1 ", b"0x1", b"99999999999999999999"] {
            assert_eq!(parse_digits(bad), None, "{bad:?}");
        }
    }
}
