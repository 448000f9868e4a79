//! `Expect: 100-continue` (RFC 9110 §10.1.1): send the head, wait for the server's go-ahead, and
//! only then the body — so that a large upload the server would refuse (401, 413, a redirect)
//! is not sent for nothing.
//!
//! A request asks for it with
//! [`RequestBuilder::expect_continue`](crate::RequestBuilder::expect_continue) or its own
//! `Expect: 100-continue` header, and only a request with a body waits (§10.1.1: a client MUST
//! NOT send the expectation without content; one set by hand on a bodiless request is sent as
//! given, with nothing to wait for). After the head, the client waits for the first of:
//!
//! | what comes | what the client does |
//! |---|---|
//! | `100 Continue` | sends the body, then reads the final response |
//! | another 1xx (`103 Early Hints`) | keeps waiting |
//! | nothing within the wait ([`AgentBuilder::expect_continue_timeout`](crate::AgentBuilder::expect_continue_timeout), 1 s by default) | sends the body anyway: the server, or a proxy on the way, may not know the expectation (§10.1.1 says a client SHOULD NOT wait indefinitely) |
//! | a final status | does **not** send the body, and returns that response |
//!
//! After a final status with the body unsent, client and server disagree on where the request
//! ends unless the framing lets the client end it at once:
//!
//! - **chunked** body: the client sends the last chunk (`0\r\n\r\n`) — an empty body, and the
//!   request is complete on both sides; the connection may be reused as usual (a server that
//!   answers early "SHOULD indicate whether it intends to close the connection ... or continue
//!   reading the request content", §10.1.1, and what it reads is then nothing);
//! - **`Content-Length`** body: the server either reads the announced bytes (and would take the
//!   next request for them) or never expected them (and would take them for a new request if they
//!   were sent); the client cannot tell, so it closes the connection (RFC 9112 §9.3; what curl
//!   does too).
//!
//! A `417 Expectation Failed` answered before the body says only that something on the path does
//! not support expectations: the request is sent again once without `Expect` (§10.1.1, SHOULD),
//! with its body, which is still unread. The same holds for a redirect answered before the body:
//! even a streamed body can follow a 307 or 308, since none of it was sent.

use super::body::BodyReader;
use super::conn::{HttpConn, Timeouts};
use super::send::{self, Body};
use crate::error::{ErrorKind, Result, Step};
use crate::proto::request::BodyFraming;
use crate::proto::response::HeadLimits;
use crate::trace::{Event, Tracer};
use crate::transport::timeouts::Deadline;
use std::io::Write;
use std::time::Duration;

/// What [`send`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sent {
    /// The head and the body went out; the final response is still to be read.
    Body,
    /// A final response head arrived before the body, which was not sent; the head is parsed in
    /// the connection. `in_sync`: the request still ended cleanly (see the module docs).
    Answered {
        /// May the connection carry another request (if the response allows)?
        in_sync: bool,
    },
}

/// Is `value` the `100-continue` expectation (case-insensitive, RFC 9110 §10.1.1)?
fn is_continue(value: &str) -> bool {
    value.trim().eq_ignore_ascii_case("100-continue")
}

/// Does this request wait for `100 Continue`: an `Expect: 100-continue` header, and a body?
pub(crate) fn wanted(headers: &[(String, Option<String>)], framing: BodyFraming) -> bool {
    let has_body = matches!(framing, BodyFraming::Chunked) || matches!(framing, BodyFraming::Length(n) if n > 0);
    has_body
        && headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("expect") && v.as_deref().is_some_and(is_continue))
}

/// Writes the head (in `conn.wbuf`), waits as the module docs say, and sends the body or not.
pub(crate) fn send(
    conn: &mut HttpConn,
    body: &mut Body<'_>,
    framing: BodyFraming,
    io: &Timeouts,
    wait: Duration,
    limits: &HeadLimits,
    tracer: &Tracer,
) -> Result<Sent> {
    let (mut w, wbuf) = conn.writer(io);
    let written = w.write_all(wbuf);
    written.map_err(|e| conn.write_error(e, io))?;
    conn.wbuf.clear();
    // A wait too long to add to the clock is a year, as for every deadline; zero is no wait.
    let waiting = Deadline::after(wait, "100-continue wait");
    while let Some(left) = waiting.remaining().filter(|left| *left >= Duration::from_millis(1)) {
        if conn.buffered().is_empty() {
            let waiting = Timeouts {
                read: Some(left),
                ..*io
            };
            match conn.fill(&waiting, Step::ReceiveHead) {
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::Timeout && io.deadline.is_none_or(|d| d.remaining().is_some()) => {
                    break
                }
                Err(e) => return Err(e),
            }
        }
        // Something came (or the connection closed, which read_any_head reports).
        conn.read_any_head(limits, io, tracer).map_err(|(e, _)| e)?;
        match conn.head.status {
            100 => {
                tracer.emit(|| Event::ExpectContinue {
                    outcome: "100 Continue received; sending the body",
                });
                send::send(conn, body, framing, io, tracer)?;
                return Ok(Sent::Body);
            }
            101..=199 if conn.head.is_interim() => continue,
            _ => {
                return Ok(Sent::Answered {
                    in_sync: end_unsent(conn, framing, io, tracer),
                })
            }
        }
    }
    tracer.emit(|| Event::ExpectContinue {
        outcome: "no 100 Continue in time; sending the body",
    });
    send::send(conn, body, framing, io, tracer)?;
    Ok(Sent::Body)
}

/// A final status came before the body: end the request without it if the framing allows.
fn end_unsent(conn: &mut HttpConn, framing: BodyFraming, io: &Timeouts, tracer: &Tracer) -> bool {
    let in_sync = match framing {
        BodyFraming::Chunked => conn.writer(io).0.write_all(crate::proto::chunked::LAST_CHUNK).is_ok(),
        BodyFraming::Length(n) => n == 0,
        BodyFraming::Empty => true,
    };
    tracer.emit(|| Event::ExpectContinue {
        outcome: if in_sync {
            "final response before the body; the body is not sent (ended with an empty last chunk)"
        } else {
            "final response before the body; the body is not sent and the connection will be closed"
        },
    });
    in_sync
}

/// After a `417 Expectation Failed` answered before the body: drops the `Expect` headers so that
/// the request goes again without them, and says so. `false` for any other response.
pub(crate) fn retry_without_expect(reader: &BodyReader, headers: &mut Vec<(String, Option<String>)>) -> bool {
    let failed = reader.body_unsent && reader.conn_head().is_some_and(|(status, _)| status == 417);
    if failed {
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case("expect"));
    }
    failed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_requests_with_a_body_wait() {
        let h = |v: &str| vec![("Expect".to_string(), Some(v.to_string()))];
        assert!(wanted(&h("100-continue"), BodyFraming::Length(1)));
        assert!(wanted(&h("100-Continue "), BodyFraming::Chunked));
        assert!(!wanted(&h("100-continue"), BodyFraming::Length(0)));
        assert!(!wanted(&h("100-continue"), BodyFraming::Empty));
        assert!(!wanted(&h("something-else"), BodyFraming::Length(5)));
        assert!(!wanted(&[], BodyFraming::Length(5)));
        assert!(!wanted(&[("Expect".into(), None)], BodyFraming::Length(5)));
    }
}
