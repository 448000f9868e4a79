//! One exchange — a request and the head of its response — in four named steps:
//!
//! 1. **prepare** (once): the route (direct, proxy, unix socket), the request head with its
//!    default headers and credentials, the body's framing — all validated before any
//!    connection exists, so a bad request fails without a byte sent (RFC 9112 §3, RFC 9110 §5);
//! 2. **attempt**: a connection (pooled and probed, or new), the head and body written, the
//!    response head read, interim 1xx skipped (RFC 9112 §4) — or the server's early answer
//!    found after a failed write (RFC 9112 §9.5);
//! 3. **decide**: a failed attempt on a stale connection may be made once more on a fresh one
//!    ([`retry::may_resend`], RFC 9112 §9.3.1, RFC 9110 §9.2.2);
//! 4. **finish**: the body's framing decided (RFC 9112 §6.3), whether the connection may be
//!    reused after it ([`reuse_after`]), and a [`BodyReader`] holding the connection.

use super::body::BodyReader;
use super::conn::{HttpConn, Timeouts};
use super::engine::{host_port, Engine, Route};
use super::expect::{self, Sent};
use super::open;
use super::retry::{self, Failure, Policy};
use super::send::{self, Body};
use crate::error::{Error, ErrorKind, Result, Step};
use crate::proto::framing::{self, CloseReason, RequestFacts, Reuse};
use crate::proto::request::{is_idempotent, BodyFraming, HostHeader, RequestHead};
use crate::trace::Event;
use std::borrow::Cow;
use std::time::Duration;
use url::Url;

/// What a request is, apart from its body: everything the builder gathered.
#[derive(Debug)]
pub(crate) struct Request {
    pub method: Cow<'static, str>,
    pub url: Url,
    /// The caller's headers in order; `None` removes a default header of that name.
    pub headers: Vec<(String, Option<String>)>,
    /// The `Content-Type` a body-sending call implies (a form, JSON), unless a header sets one.
    pub content_type: Option<&'static str>,
    pub timeout: Option<Duration>,
    pub body_limit: Option<u64>,
    /// The HTTP version to send, when not the agent's.
    pub version: Option<crate::HttpVersion>,
}

impl Request {
    /// The HTTP version this request is sent with.
    fn version(&self, engine: &Engine) -> crate::HttpVersion {
        self.version.unwrap_or(engine.config.http_version)
    }
}

/// What every attempt of one request shares, decided once.
#[derive(Debug, Clone, Copy)]
struct Plan {
    framing: BodyFraming,
    policy: Policy,
    /// The request asked for `Connection: close`.
    asked_close: bool,
    /// It waits for `100 Continue` before its body.
    expect_continue: bool,
    facts: RequestFacts,
}

/// A response head read on a connection.
struct Answer {
    conn: Box<HttpConn>,
    /// It came before the request body was all sent (the two sides may disagree on where the
    /// request ended).
    early: bool,
    /// The body was not sent at all (after `Expect: 100-continue`).
    body_unsent: bool,
}

/// Runs one exchange for `request` (see the module documentation). Returns the body reader
/// holding the connection, the response head parsed.
///
/// (It keeps the four steps in one place, and the head is built here because it borrows from
/// the request, the route and the credentials alike.)
pub(crate) fn exchange(engine: &Engine, request: &Request, body: &mut Body<'_>, io: &Timeouts) -> Result<BodyReader> {
    let url = &request.url;
    let with_origin = |e: Error| e.with_host(host_port(url));
    // 1. prepare
    let route = engine.route(url).map_err(with_origin)?;
    let credentials = Credentials::for_request(url, &route).map_err(with_origin)?;
    #[cfg(feature = "cookies")]
    let cookie = engine.jar.as_ref().and_then(|jar| jar.header_for(url));
    #[cfg(not(feature = "cookies"))]
    let cookie: Option<String> = None;
    let config = &engine.config;
    let accept_encoding = super::decode::ACCEPT_ENCODING.filter(|_| config.decompress);
    let general = [
        ("User-Agent", config.user_agent.as_deref()),
        ("Accept", Some("*/*")),
        ("Accept-Encoding", accept_encoding),
    ];
    let derived = [
        ("Authorization", credentials.origin.as_deref()),
        ("Proxy-Authorization", credentials.proxy.as_deref()),
        ("Content-Type", request.content_type),
        ("Cookie", cookie.as_deref()),
    ];
    let framing = send::framing_for(&request.method, &request.headers, body).map_err(with_origin)?;
    let head = RequestHead {
        method: &request.method,
        target: &route.target,
        version: request.version(engine),
        host: Some(HostHeader {
            host: url.host_str().unwrap_or_default(),
            port: url.port(),
        }),
        defaults: defaults(&general, &derived, &config.default_headers),
        user: request
            .headers
            .iter()
            // Proxy-Authorization is for the proxy the request goes to (RFC 9110 §11.7.2): sent
            // only to an HTTP proxy in absolute form. Anywhere else (straight to the origin, over
            // SOCKS, inside a CONNECT tunnel, where the origin reads every header) it would hand
            // the proxy's credentials to the origin.
            .filter(|(n, _)| route.to_http_proxy || !n.eq_ignore_ascii_case("proxy-authorization"))
            .map(|(n, v)| (n.as_str(), v.as_deref())),
        body: framing,
    };
    head.validate()
        .map_err(|e| with_origin(Error::from_proto(Step::Request, e)))?;
    let plan = plan(engine, request, body, framing);
    // 2. attempt, 3. decide
    let mut fresh_only = false;
    loop {
        match attempt(engine, &route, url, &head, body, &plan, io, fresh_only) {
            Ok(answer) => return finish(engine, answer, &plan, io).map_err(with_origin),
            Err((e, failure)) if !fresh_only && retry::may_resend(plan.policy, failure) => {
                let reason = e.to_string();
                config.tracer.emit(|| Event::Closed { reason: &reason });
                config.tracer.emit(|| Event::Retry { reason: &reason });
                fresh_only = true;
            }
            Err((e, _)) => return Err(e),
        }
    }
}

/// The default headers, in order: the general ones (each replaced by an agent default header of
/// the same name), the ones the request implies (credentials in the URL or the proxy's, the
/// jar's cookies, a form's content type), then the agent's other default headers. A request
/// header of the same name replaces any of them (see [`RequestHead`]).
fn defaults<'a>(
    general: &'a [(&'a str, Option<&'a str>)],
    derived: &'a [(&'a str, Option<&'a str>)],
    agent: &'a [(String, String)],
) -> impl Iterator<Item = (&'a str, &'a str)> + Clone + 'a {
    let set = |list: &'a [(&'a str, Option<&'a str>)]| list.iter().filter_map(|(n, v)| Some((*n, (*v)?)));
    let in_agent = move |name: &str| agent.iter().any(|(a, _)| a.eq_ignore_ascii_case(name));
    let in_derived = move |name: &str| set(derived).any(|(d, _)| d.eq_ignore_ascii_case(name));
    set(general)
        .filter(move |(n, _)| !in_agent(n))
        .chain(set(derived))
        .chain(
            agent
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .filter(move |(n, _)| !in_derived(n)),
        )
}

/// The facts about the request that decide retries, reuse and 100-continue.
fn plan(engine: &Engine, request: &Request, body: &Body<'_>, framing: BodyFraming) -> Plan {
    let headers = &request.headers;
    let has_header = |name: &str| headers.iter().any(|(n, v)| v.is_some() && n.eq_ignore_ascii_case(name));
    let connection_option = |option: &[u8]| {
        headers.iter().any(|(n, v)| {
            n.eq_ignore_ascii_case("connection")
                && v.as_deref()
                    .is_some_and(|v| crate::proto::list_elements(v.as_bytes()).any(|t| t.eq_ignore_ascii_case(option)))
        })
    };
    // An HTTP/1.0 request without `keep-alive` ends its connection (RFC 9112 §9.3).
    let http10 = request.version(engine) == crate::HttpVersion::Http10;
    let asked_close = connection_option(b"close") || (http10 && !connection_option(b"keep-alive"));
    Plan {
        framing,
        policy: Policy {
            idempotent: is_idempotent(&request.method) || has_header("idempotency-key"),
            replayable: body.replayable(),
            any_method: engine.config.retry_non_idempotent,
        },
        asked_close,
        expect_continue: expect::wanted(headers, framing),
        facts: RequestFacts {
            head: request.method == "HEAD",
            connect: false,
        },
    }
}

/// The `Authorization` and `Proxy-Authorization` values a request carries by itself: Basic
/// credentials from the URL's userinfo (RFC 7617, RFC 3986 §3.2.1), and the proxy's when the
/// request goes to an HTTP proxy in absolute form.
struct Credentials {
    origin: Option<String>,
    proxy: Option<String>,
}

impl Credentials {
    fn for_request(url: &Url, route: &Route<'_>) -> Result<Credentials> {
        let invalid = |why: String| Error::new(ErrorKind::InvalidRequest, Step::Request, why);
        let origin = if url.username().is_empty() && url.password().is_none() {
            None
        } else {
            let user = crate::transport::proxy::percent_decode(url.username());
            let password = crate::transport::proxy::percent_decode(url.password().unwrap_or(""));
            Some(super::auth::basic(&user, &password).map_err(invalid)?)
        };
        let proxy = match route.proxy.and_then(|p| p.credentials()) {
            Some((user, password)) if route.to_http_proxy => Some(super::auth::basic(user, password).map_err(invalid)?),
            _ => None,
        };
        Ok(Credentials { origin, proxy })
    }
}

/// One attempt: a connection, the request written, the response head read. On failure, the
/// error and the facts [`retry::may_resend`] decides on.
#[allow(clippy::too_many_arguments)] // each is a separate input of the attempt; a struct would only rename them
fn attempt<'d, 'u, D, U>(
    engine: &Engine,
    route: &Route<'_>,
    url: &Url,
    head: &RequestHead<'_, D, U>,
    body: &mut Body<'_>,
    plan: &Plan,
    io: &Timeouts,
    fresh_only: bool,
) -> std::result::Result<Answer, (Error, Failure)>
where
    D: Iterator<Item = (&'d str, &'d str)> + Clone,
    U: Iterator<Item = (&'u str, Option<&'u str>)> + Clone,
{
    let config = &engine.config;
    let mut conn = open::connection(engine, route, url, io, fresh_only).map_err(|e| {
        let failure = Failure::new(&e, false, false, false);
        (e, failure)
    })?;
    conn.wbuf.clear();
    head.write_validated(&mut conn.wbuf);
    config.tracer.emit(|| Event::RequestHead { bytes: &conn.wbuf });
    let (reused, written_before) = (conn.reused, conn.written);
    let sent = if plan.expect_continue {
        let (wait, limits, tracer) = (config.expect_timeout, &config.limits, &config.tracer);
        expect::send(&mut conn, body, plan.framing, io, wait, limits, tracer)
    } else {
        send::send(&mut conn, body, plan.framing, io, &config.tracer).map(|()| Sent::Body)
    };
    match sent {
        Ok(Sent::Body) => match conn.read_head(&config.limits, io, &config.tracer) {
            Ok(()) => Ok(Answer {
                conn,
                early: false,
                body_unsent: false,
            }),
            Err((e, received)) => {
                let failure = Failure::new(&e, reused, true, received > 0);
                Err((e, failure))
            }
        },
        Ok(Sent::Answered { in_sync }) => Ok(Answer {
            conn,
            early: !in_sync,
            body_unsent: true,
        }),
        Err(e) => {
            let written = conn.written > written_before;
            early_answer(engine, conn, e, io, plan, written, fresh_only)
        }
    }
}

/// After a failed write: a server may answer before taking the whole body (a 413, a 401) and
/// then close, or stop reading so that the write times out. RFC 9112 §9.5: a client sending a
/// body "SHOULD monitor the network connection for an error response while it is transmitting
/// the request". That answer is read when bytes of it are here; after a connection error it is
/// also waited for when the request will not be sent again. Each read then waits no longer
/// than a write could (after a timeout the bytes may be TLS records that are no answer, a
/// session ticket); a passed deadline stops it.
fn early_answer(
    engine: &Engine,
    mut conn: Box<HttpConn>,
    e: Error,
    io: &Timeouts,
    plan: &Plan,
    written: bool,
    fresh_only: bool,
) -> std::result::Result<Answer, (Error, Failure)> {
    let pending = conn.stream.has_pending_input();
    let failure = Failure::new(&e, conn.reused, written, pending);
    let resend = !fresh_only && retry::may_resend(plan.policy, failure);
    let answer_io = match (e.kind(), e.step()) {
        (ErrorKind::Io, Step::Send) if pending || !resend => *io,
        (ErrorKind::Timeout, Step::Send) if pending => Timeouts {
            read: [io.read, io.write].into_iter().flatten().min(),
            ..*io
        },
        _ => return Err((e, failure)),
    };
    let config = &engine.config;
    match conn.read_head(&config.limits, &answer_io, &config.tracer) {
        Ok(()) => Ok(Answer {
            conn,
            early: true,
            body_unsent: false,
        }),
        Err(_) => Err((e, failure)),
    }
}

/// Decides the body's framing and the connection's fate, and hands the connection to a body
/// reader.
fn finish(engine: &Engine, answer: Answer, plan: &Plan, io: &Timeouts) -> Result<BodyReader> {
    let Answer {
        conn,
        early,
        body_unsent,
    } = answer;
    let head = &conn.head;
    let mut decided = framing::decide(
        plan.facts,
        head.status,
        head.minor_version,
        head.raw_headers(conn.head_buf()),
    )
    .map_err(|e| Error::from_proto(Step::ReceiveHead, e))?;
    decided.reuse = reuse_after(decided.reuse, plan.asked_close, early);
    let config = &engine.config;
    config.tracer.emit(|| Event::Framing {
        kind: decided.kind,
        rule: decided.rule,
    });
    let pool = Some(engine.pool.clone());
    let trailer_limit = config.limits.max_head_bytes;
    let mut reader = BodyReader::new(conn, pool, decided, trailer_limit, *io, config.tracer.clone());
    reader.body_unsent = body_unsent;
    Ok(reader)
}

/// May the connection carry another request after this exchange? What the response's framing
/// says, unless the request asked to close (RFC 9112 §9.6) or the answer came before the body
/// was all sent.
fn reuse_after(framing: Reuse, asked_close: bool, early: bool) -> Reuse {
    let reuse = if asked_close {
        framing.or_close(CloseReason::RequestAskedClose)
    } else {
        framing
    };
    if early {
        reuse.or_close(CloseReason::AnsweredBeforeBody)
    } else {
        reuse
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rustfmt::skip]
    #[test]
    fn reuse_table() {
        use CloseReason::*;
        let keep = Reuse::Keep;
        let close = Reuse::Close;
        // (framing's answer, request asked close, answered early) -> reuse
        let cases = [
            (keep,            false, false, keep),
            (keep,            true,  false, close(RequestAskedClose)),
            (keep,            false, true,  close(AnsweredBeforeBody)),
            (keep,            true,  true,  close(RequestAskedClose)),
            (close(Http10),   true,  true,  close(Http10)),
            (close(Tunnel),   false, false, close(Tunnel)),
        ];
        for (framing, asked_close, early, want) in cases {
            assert_eq!(reuse_after(framing, asked_close, early), want, "{framing:?} {asked_close} {early}");
        }
    }

    #[test]
    fn agent_defaults_replace_general_ones_and_yield_to_derived_ones() {
        let general = [
            ("User-Agent", Some("h1client/x")),
            ("Accept", Some("*/*")),
            ("Accept-Encoding", None),
        ];
        let derived = [("Authorization", Some("Basic abc")), ("Cookie", None)];
        let agent = [
            ("user-agent".to_string(), "mine/1".to_string()),
            ("X-Team".to_string(), "blue".to_string()),
            ("Authorization".to_string(), "Bearer t".to_string()),
        ];
        let got: Vec<(&str, &str)> = defaults(&general, &derived, &agent).collect();
        assert_eq!(
            got,
            [
                ("Accept", "*/*"),
                ("Authorization", "Basic abc"),
                ("user-agent", "mine/1"),
                ("X-Team", "blue")
            ]
        );
    }
}
