//! Running a request: one [exchange](super::exchange) after another, as long as the answers are
//! redirects to follow (RFC 9110 §15.4) or a `417` asking to drop `Expect` (RFC 9110
//! §10.1.1), all under one deadline. Cookies from every answer go into the jar on the way.

use super::body::BodyReader;
use super::conn::Timeouts;
use super::engine::{host_port, Engine};
use super::exchange::{self, Request};
use super::expect;
use super::redirect;
use super::response::{Hop, Response};
use super::send::Body;
use crate::error::{redact_url, Error, ErrorKind, Result, Step};
use crate::trace::Event;
use crate::transport::timeouts::Deadline;
use url::Url;

/// Runs `request` with `body`: exchanges until a response that is not followed.
pub(crate) fn run(engine: &Engine, mut request: Request, mut body: Body<'_>) -> Result<Response> {
    #[cfg(feature = "cookies")]
    if engine
        .jar
        .as_ref()
        .is_some_and(super::cookies::Jar::held_by_this_thread)
    {
        let message = "a request from inside with_cookie_store's closure would wait for ever for the jar it holds";
        return Err(Error::new(ErrorKind::InvalidRequest, Step::Request, message));
    }
    let config = &engine.config;
    let io = Timeouts {
        read: config.timeout_read,
        write: config.timeout_write,
        deadline: request
            .timeout
            .or(config.timeout)
            .map(|t| Deadline::after(t, "request timeout")),
    };
    let mut history = Vec::new();
    loop {
        let reader = exchange::exchange(engine, &request, &mut body, &io).map_err(|e| e.with_url(&request.url))?;
        #[cfg(feature = "cookies")]
        if let Some(jar) = &engine.jar {
            jar.store(&request.url, reader.header_values("set-cookie"));
        }
        if expect::retry_without_expect(&reader, &mut request.headers) {
            continue; // the dropped reader keeps its connection only if the body is at hand
        }
        let Some((status, next)) = next_hop(engine, &request, &body, &reader)? else {
            let limit = request.body_limit.unwrap_or(config.body_limit);
            return Ok(Response::new(request.url, history, limit, config.decompress, reader));
        };
        if history.len() >= config.max_redirects as usize {
            let message = format!("stopped after {} redirects (the limit)", history.len());
            let e = Error::new(ErrorKind::TooManyRedirects, Step::Redirect, message);
            return Err(e.with_host(host_port(&request.url)).with_url(&request.url));
        }
        // The body of a followed redirect is not needed: dropped, it keeps the connection only
        // when the rest is already at hand (see BodyReader's Drop), never waits for it.
        drop(reader);
        let from = follow(engine, &mut request, &mut body, status, next);
        history.push(Hop { url: from, status });
    }
}

/// The redirect to follow after this response, if any (see [`redirect::next`]).
fn next_hop(
    engine: &Engine,
    request: &Request,
    body: &Body<'_>,
    reader: &BodyReader,
) -> Result<Option<(u16, redirect::Next)>> {
    let config = &engine.config;
    let Some((status, location)) = reader.conn_head() else {
        return Ok(None);
    };
    if config.max_redirects == 0 || !redirect::is_redirect(status) {
        return Ok(None);
    }
    let replayable = body.replayable() || reader.body_unsent;
    let url = &request.url;
    let next = redirect::next(
        status,
        &request.method,
        location,
        url,
        replayable,
        config.allow_https_downgrade,
    )
    .map_err(|e| e.with_host(host_port(url)).with_url(url))?;
    Ok(next.map(|n| (status, n)))
}

/// Turns `request` into the next hop's: credentials stay behind when the origin changes, the
/// body goes when the method becomes GET, and the trace says so. Returns the URL left behind.
fn follow(engine: &Engine, request: &mut Request, body: &mut Body<'_>, status: u16, next: redirect::Next) -> Url {
    let mut dropped: Vec<&str> = Vec::new();
    if !redirect::same_origin(&request.url, &next.url) {
        for name in redirect::CREDENTIAL_HEADERS {
            if request.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
                dropped.push(name);
            }
            request.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        }
    }
    if next.drop_body {
        *body = Body::Empty;
        request.content_type = None;
        request.headers.retain(|(n, _)| !redirect::is_content_header(n));
    }
    let tracer = &engine.config.tracer;
    if tracer.is_on() {
        let (from, to) = (redact_url(request.url.as_str()), redact_url(next.url.as_str()));
        tracer.emit(|| Event::Redirect {
            status,
            from: &from,
            to: &to,
            dropped: &dropped,
        });
    }
    request.method = next.method;
    std::mem::replace(&mut request.url, next.url)
}
