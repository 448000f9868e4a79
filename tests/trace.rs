//! The trace hook: which events a request produces, in which order, with which bytes.

mod support;
#[path = "support/tls.rs"]
mod tls_support;

use h1client::{Agent, AgentBuilder, Event};
use std::sync::{Arc, Mutex};
use support::{ok, resp, send, Act, Server};

/// An agent builder recording a short name per event (and the bytes of the byte-carrying ones).
fn recording() -> (AgentBuilder, Arc<Mutex<Vec<String>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = log.clone();
    let builder = Agent::builder().trace(move |e| {
        let name = match e {
            Event::Resolved { .. } => "resolved".to_string(),
            Event::Connecting { .. } => "connecting".to_string(),
            Event::Connected { .. } => "connected".to_string(),
            Event::TlsHandshake { version, alpn, .. } => format!("tls {version} {}", alpn.unwrap_or("-")),
            Event::Reused { .. } => "reused".to_string(),
            Event::RequestHead { bytes } => format!(
                "request head {}",
                String::from_utf8_lossy(bytes).lines().next().unwrap_or("")
            ),
            Event::BodySent { bytes } => format!("body sent {}", String::from_utf8_lossy(bytes)),
            Event::ResponseHead { bytes, interim } => {
                format!(
                    "response head {}{}",
                    String::from_utf8_lossy(bytes).lines().next().unwrap_or(""),
                    if *interim { " (interim)" } else { "" }
                )
            }
            Event::Framing { kind, .. } => format!("framing {kind:?}"),
            Event::BodyReceived { bytes } => format!("body received {}", String::from_utf8_lossy(bytes)),
            Event::BodyDone { bytes } => format!("body done {bytes}"),
            Event::Pooled => "pooled".to_string(),
            Event::Closed { reason } => format!("closed: {reason}"),
            Event::Retry { .. } => "retry".to_string(),
            Event::Redirect { status, dropped, .. } => format!("redirect {status} dropping {dropped:?}"),
            other => format!("{other:?}"),
        };
        sink.lock().unwrap().push(name);
    });
    (builder, log)
}

#[test]
fn plain_request_then_a_reused_connection_trace_every_step_in_order() {
    let server = Server::responses(vec![
        vec![send(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
        )],
        vec![send(ok("again"))],
    ]);
    let (builder, log) = recording();
    let agent = builder.build();
    assert_eq!(agent.post(server.url("/a")).send(b"x=1").unwrap().text().unwrap(), "hi");
    assert_eq!(agent.get(server.url("/b")).call().unwrap().text().unwrap(), "again");
    let got = log.lock().unwrap().clone();
    assert_eq!(
        got,
        [
            "connecting",
            "connected",
            "request head POST /a HTTP/1.1",
            "body sent x=1",
            "response head HTTP/1.1 100 Continue (interim)",
            "response head HTTP/1.1 200 OK",
            "framing Chunked",
            "body received 2\r\nhi\r\n0\r\n\r\n",
            "body done 2",
            "pooled",
            "reused",
            "request head GET /b HTTP/1.1",
            "response head HTTP/1.1 200 OK",
            "framing Length(5)",
            "body received again",
            "body done 5",
            "pooled",
        ]
    );
}

#[test]
fn redirect_events_name_the_dropped_credentials() {
    let other = Server::responses(vec![vec![send(ok("there"))]]);
    let location = format!("http://localhost:{}/y", other.addr.port());
    let server = Server::responses(vec![vec![Act::Send(resp(
        "302 Found",
        &[&format!("Location: {location}")],
        b"",
    ))]]);
    let (builder, log) = recording();
    builder
        .build()
        .get(server.url("/x"))
        .header("Authorization", "Bearer t")
        .call()
        .unwrap()
        .text()
        .unwrap();
    let got = log.lock().unwrap().clone();
    let at = got
        .iter()
        .position(|e| e.starts_with("redirect"))
        .expect("a redirect event");
    assert_eq!(got[at], "redirect 302 dropping [\"Authorization\"]");
    // the redirect response was read to its end and pooled before the next hop started
    assert_eq!(&got[at - 3..at], ["framing Length(0)", "body done 0", "pooled"]);
    assert!(got[at + 1..].iter().any(|e| e == "resolved"), "{got:?}");
    assert_eq!(got.last().unwrap(), "pooled");
}

#[test]
fn tls_request_reports_the_handshake() {
    use tls_support::{certs, server_config, tsend, TlsServer};
    let server = TlsServer::responses(server_config(&certs().localhost), vec![vec![tsend(ok("secure"))]]);
    let (builder, log) = recording();
    let agent = builder
        .add_root_certificates_pem(certs().ca_pem.as_bytes())
        .only_added_roots(true)
        .build();
    assert_eq!(agent.get(server.url("/")).call().unwrap().text().unwrap(), "secure");
    let got = log.lock().unwrap().clone();
    let head = got.iter().position(|e| e.starts_with("request head")).unwrap();
    assert_eq!(got[head - 1], "tls TLSv1_3 http/1.1", "{got:?}");
    assert_eq!(got[head - 2], "connected");
}

#[test]
fn closing_is_explained_by_the_closed_event() {
    let server = Server::conns(vec![vec![
        Act::Read,
        send(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"),
        Act::Close,
    ]]);
    let (builder, log) = recording();
    builder.build().get(server.url("/")).call().unwrap().text().unwrap();
    assert_eq!(
        log.lock().unwrap().last().unwrap(),
        "closed: the server sent Connection: close"
    );
}

#[test]
fn a_stale_connection_is_closed_then_the_request_retried_on_a_new_one() {
    // The server reads the second request on the kept connection and closes it unanswered: a
    // GET may go again (RFC 9112 §9.3.1), and the trace says the old connection went first.
    let server = Server::conns(vec![
        vec![Act::Read, send(ok("one")), Act::Read, Act::Close],
        vec![Act::Read, send(ok("two"))],
    ]);
    let (builder, log) = recording();
    let agent = builder.build();
    assert_eq!(agent.get(server.url("/1")).call().unwrap().text().unwrap(), "one");
    assert_eq!(agent.get(server.url("/2")).call().unwrap().text().unwrap(), "two");
    let got = log.lock().unwrap().clone();
    let at = got
        .iter()
        .position(|e| e == "reused")
        .expect("the connection was reused");
    let next: Vec<&str> = got[at + 1..at + 6]
        .iter()
        .map(|e| e.split(':').next().unwrap_or(e))
        .collect();
    assert_eq!(
        next,
        [
            "request head GET /2 HTTP/1.1",
            "closed",
            "retry",
            "connecting",
            "connected"
        ],
        "{got:#?}"
    );
}
