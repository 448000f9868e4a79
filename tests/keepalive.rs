//! Connection reuse (RFC 9112 §9.3): when a connection goes back to the pool, when it must not,
//! and the one retry of a request that died on a stale connection (RFC 9112 §9.3.1).

mod support;

use h1client::{Agent, ErrorKind, Event};
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{ok, send, Act, Server};

const KEEP: Act = Act::Drain(Duration::from_secs(5));

fn body(agent: &Agent, url: &str) -> String {
    agent.get(url).call().unwrap().text().unwrap()
}

#[test]
fn mixed_framings_share_one_connection() {
    let server = Server::responses(vec![
        vec![send(ok("a"))],
        vec![send(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nb\r\n0\r\n\r\n",
        )],
        vec![send(ok(""))],
        vec![send(b"HTTP/1.1 204 No Content\r\n\r\n")],
        vec![send(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n")],
        vec![send(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\r\n\r\n",
        )],
        vec![send(ok("h"))],
    ]);
    let agent = Agent::new();
    let got: String = (0..7).map(|i| body(&agent, &server.url(&format!("/{i}")))).collect();
    assert_eq!(got, "abh");
    assert_eq!(server.connections(), 1);
    assert_eq!(agent.idle_connections(), 1);
}

#[test]
fn head_responses_do_not_desync_the_connection() {
    let server = Server::responses(vec![
        vec![send(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")],
        vec![send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")],
        vec![send(ok("after"))],
    ]);
    let agent = Agent::new();
    assert_eq!(agent.head(server.url("/a")).call().unwrap().content_length(), Some(0));
    agent.head(server.url("/b")).call().unwrap();
    assert_eq!(body(&agent, &server.url("/c")), "after");
    assert_eq!(server.connections(), 1);
}

/// Cases where the connection must be closed after the response, and the next request must
/// go on a new one: (name, first response).
#[test]
fn responses_that_end_the_connection() {
    #[rustfmt::skip]
    let cases: &[(&str, &[u8])] = &[
        ("connection_close",          b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na"),
        ("connection_close_in_list",  b"HTTP/1.1 200 OK\r\nConnection: foo, Close\r\nContent-Length: 1\r\n\r\na"),
        ("http10_without_keep_alive", b"HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\na"),
        ("te_and_cl",                 b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n"),
        ("te_in_http10",              b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n1\r\na\r\n0\r\n\r\n"),
        ("excess_bytes_after_body",   b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled"),
        ("204_with_excess_bytes",     b"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled"),
    ];
    for (name, first) in cases {
        // The first connection would answer a second request with "wrong"; it must not get one.
        let server = Server::conns(vec![
            vec![Act::Read, send(first), Act::Read, send(ok("wrong")), KEEP],
            vec![Act::Read, send(ok("second")), KEEP],
        ]);
        let agent = Agent::builder().timeout_read(Duration::from_secs(3)).build();
        let first_body = body(&agent, &server.url("/1"));
        assert!(first_body == "a" || first_body.is_empty(), "{name}: {first_body}");
        assert_eq!(body(&agent, &server.url("/2")), "second", "{name}");
        assert_eq!(
            server.requests_on(0),
            1,
            "{name}: the first connection carried one request"
        );
        assert_eq!(server.connections(), 2, "{name}");
    }
}

#[test]
fn http10_keep_alive_is_reused() {
    let server = Server::responses(vec![
        vec![send(
            b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\na",
        )],
        vec![send(ok("b"))],
    ]);
    let agent = Agent::new();
    assert_eq!(body(&agent, &server.url("/1")) + &body(&agent, &server.url("/2")), "ab");
    assert_eq!(server.connections(), 1);
}

#[test]
fn request_connection_close_is_honoured() {
    let server = Server::conns(vec![
        vec![Act::Read, send(ok("a")), Act::Read, send(ok("wrong")), KEEP],
        vec![Act::Read, send(ok("b")), KEEP],
    ]);
    let agent = Agent::new();
    agent
        .get(server.url("/1"))
        .header("Connection", "close")
        .call()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body(&agent, &server.url("/2")), "b");
    assert_eq!(server.connections(), 2);
}

#[test]
fn close_delimited_body_ends_the_connection() {
    let server = Server::conns(vec![
        vec![Act::Read, send(b"HTTP/1.1 200 OK\r\n\r\nfirst"), Act::Close],
        vec![Act::Read, send(ok("second")), KEEP],
    ]);
    let agent = Agent::new();
    assert_eq!(
        body(&agent, &server.url("/1")) + &body(&agent, &server.url("/2")),
        "firstsecond"
    );
    assert_eq!(agent.idle_connections(), 1);
}

#[test]
fn stale_connection_is_retried_for_idempotent_requests() {
    // The server reads the second request on the reused connection and closes without a word.
    for (method, idempotency_key) in [("GET", false), ("PUT", false), ("DELETE", false), ("POST", true)] {
        let server = Server::conns(vec![
            vec![Act::Read, send(ok("first")), Act::Read, Act::Close],
            vec![Act::Read, send(ok("second")), KEEP],
        ]);
        let events = Arc::new(Mutex::new(Vec::new()));
        let log = events.clone();
        let agent = Agent::builder()
            .trace(move |e| {
                if let Event::Retry { reason } = e {
                    log.lock().unwrap().push(reason.to_string());
                }
            })
            .build();
        assert_eq!(body(&agent, &server.url("/1")), "first");
        let mut req = agent.request(method, server.url("/2"));
        if idempotency_key {
            req = req.header("Idempotency-Key", "k1");
        }
        assert_eq!(req.send(b"x").unwrap().text().unwrap(), "second", "{method}");
        assert_eq!(
            server.requests().len(),
            3,
            "{method}: sent twice, once on each connection"
        );
        assert_eq!(events.lock().unwrap().len(), 1, "{method}: one retry");
    }
}

#[test]
fn stale_connection_is_not_retried_for_post() {
    let server = Server::conns(vec![
        vec![Act::Read, send(ok("first")), Act::Read, Act::Close],
        vec![Act::Read, send(ok("must not be reached")), KEEP],
    ]);
    let agent = Agent::new();
    assert_eq!(body(&agent, &server.url("/1")), "first");
    let err = agent.post(server.url("/2")).send(b"once").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert_eq!(server.connections(), 1, "the POST was not sent again");
}

#[test]
fn streamed_body_is_not_retried() {
    let server = Server::conns(vec![
        vec![Act::Read, send(ok("first")), Act::Read, Act::Close],
        vec![Act::Read, send(ok("must not be reached")), KEEP],
    ]);
    let agent = Agent::new();
    assert_eq!(body(&agent, &server.url("/1")), "first");
    let err = agent.put(server.url("/2")).send_reader(&b"stream"[..]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert_eq!(server.connections(), 1);
}

#[test]
fn idle_connection_closed_by_server_is_not_used_for_post() {
    // The server closes the idle connection right after the first response; a POST must then
    // go on a fresh connection instead of failing on the dead one.
    let server = Server::conns(vec![
        vec![Act::Read, send(ok("first")), Act::Close],
        vec![Act::Read, send(ok("second")), KEEP],
    ]);
    let agent = Agent::new();
    assert_eq!(body(&agent, &server.url("/1")), "first");
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        agent.post(server.url("/2")).send(b"x").unwrap().text().unwrap(),
        "second"
    );
}

#[test]
fn unread_body_closes_and_read_body_returns_to_the_pool() {
    let big = vec![b'x'; 200_000];
    let server = Server::responses(vec![
        vec![Act::Send(support::resp("200 OK", &[], &big))],
        vec![send(ok("small"))],
    ]);
    let agent = Agent::new();
    drop(agent.get(server.url("/big")).call().unwrap());
    assert_eq!(agent.idle_connections(), 0, "an unfinished body closes its connection");

    let server = Server::responses(vec![vec![send(ok("a"))], vec![send(ok("b"))]]);
    let mut r = agent.get(server.url("/1")).call().unwrap().into_reader();
    let mut s = String::new();
    r.read_to_string(&mut s).unwrap();
    assert_eq!(agent.idle_connections(), 1, "back in the pool at EOF");
    drop(r);
    // a body already fully buffered also lets the connection go back when dropped unread
    drop(agent.get(server.url("/2")).call().unwrap());
    assert_eq!(agent.idle_connections(), 1);
    assert_eq!(server.connections(), 1);
}

#[test]
fn pool_limits_and_idle_timeout_bound_which_connections_are_reused() {
    let server = Server::always("x");
    let agent = Agent::builder()
        .max_idle_per_host(2)
        .idle_timeout(Duration::from_millis(300))
        .build();
    let readers: Vec<_> = (0..4)
        .map(|_| agent.get(server.url("/")).call().unwrap().into_reader())
        .collect();
    for mut r in readers {
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
    }
    assert_eq!(agent.idle_connections(), 2, "at most 2 idle per host");
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(body(&agent, &server.url("/")), "x");
    assert_eq!(server.connections(), 5, "expired idle connections are not reused");

    let off = Agent::builder().max_idle_per_host(0).build();
    body(&off, &server.url("/"));
    assert_eq!(off.idle_connections(), 0);
}

#[test]
fn no_pipelining_second_request_waits_for_the_first_response() {
    let server = Server::conns(vec![vec![
        Act::Read,
        Act::Sleep(Duration::from_millis(300)),
        send(ok("first")),
        Act::Read,
        send(ok("second")),
        KEEP,
    ]]);
    let agent = Agent::new();
    let url = server.url("/");
    let t0 = std::time::Instant::now();
    assert_eq!(body(&agent, &url) + &body(&agent, &url), "firstsecond");
    assert!(t0.elapsed() >= Duration::from_millis(300));
    let raw = server.raw(0);
    assert_eq!(raw.windows(4).filter(|w| w == b"GET ").count(), 2);
}

#[test]
fn agent_is_shared_between_threads_over_few_connections() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Agent>();
    assert_send_sync::<h1client::BodyReader>();
    let server = Server::always("t");
    let agent = Agent::new();
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let (agent, url) = (agent.clone(), server.url("/"));
            std::thread::spawn(move || (0..20).map(|_| body(&agent, &url)).collect::<String>())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), "t".repeat(20));
    }
    assert!(
        server.connections() <= 8,
        "{} connections for 8 threads",
        server.connections()
    );
}

#[test]
fn stray_bytes_after_a_large_body_keep_the_connection_out_of_the_pool() {
    // The end of a large body is read straight into the caller's buffer; bytes that follow it in
    // the same flight must still be noticed, even when the next request goes out at once.
    let body = vec![b'x'; 100_000];
    let mut flight = support::resp("200 OK", &[], &body);
    flight.extend_from_slice(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nWRONG");
    for chunked in [false, true] {
        let first = if chunked {
            let mut c = format!(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n",
                body.len()
            )
            .into_bytes();
            c.extend_from_slice(&body);
            c.extend_from_slice(b"\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nWRONG");
            c
        } else {
            flight.clone()
        };
        let server = Server::conns(vec![
            vec![Act::Read, Act::Send(first), Act::Read, send(ok("worse")), KEEP],
            vec![Act::Read, send(ok("RIGHT")), KEEP],
        ]);
        let agent = Agent::new();
        let mut reader = agent.get(server.url("/a")).call().unwrap().into_reader();
        let mut got = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = reader.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got.len(), body.len());
        assert_eq!(body_of(&agent, &server.url("/b")), "RIGHT", "chunked: {chunked}");
    }
}

fn body_of(agent: &Agent, url: &str) -> String {
    agent.get(url).call().unwrap().text().unwrap()
}

#[test]
fn post_is_resent_on_a_stale_connection_only_when_the_agent_is_told_it_is_safe() {
    // the server reads the POST on the reused connection and closes without a word
    let script = || {
        Server::conns(vec![
            vec![Act::Read, send(ok("first")), Act::Read, Act::Close],
            vec![Act::Read, send(ok("second")), KEEP],
        ])
    };
    let server = script();
    let curl_like = Agent::builder().retry_non_idempotent(true).build();
    assert_eq!(body(&curl_like, &server.url("/1")), "first");
    let resp = curl_like.post(server.url("/2")).send(b"safe to repeat").unwrap();
    assert_eq!(resp.text().unwrap(), "second");
    assert_eq!(server.requests().len(), 3, "the POST went out twice");
    // a streamed body still cannot be sent twice, whatever the agent is told
    let server = script();
    assert_eq!(body(&curl_like, &server.url("/1")), "first");
    let err = curl_like.post(server.url("/2")).send_reader(&b"once"[..]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert_eq!(server.connections(), 1);
}

#[test]
fn keep_alive_timeout_hint_keeps_connections_out_of_reuse_before_the_server_closes() {
    // `Keep-Alive: timeout=2`: reused within a second, not once the hint minus a second passed
    let hinted = |body: &str| support::resp("200 OK", &["Keep-Alive: timeout=2, max=100"], body.as_bytes());
    let server = Server::responses(vec![
        vec![Act::Send(hinted("a"))],
        vec![Act::Send(hinted("b"))],
        vec![Act::Send(hinted("c"))],
    ]);
    let agent = Agent::new();
    assert_eq!(body(&agent, &server.url("/a")), "a");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(body(&agent, &server.url("/b")), "b");
    assert_eq!(server.connections(), 1, "reused within the hint");
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(body(&agent, &server.url("/c")), "c");
    assert_eq!(server.connections(), 2, "not reused after timeout=2 minus a second");
    // timeout=1 leaves nothing to reuse: the connection is closed at once
    let server = Server::responses(vec![
        vec![Act::Send(support::resp("200 OK", &["Keep-Alive: timeout=1"], b"x"))],
        vec![send(ok("y"))],
    ]);
    let agent = Agent::new();
    assert_eq!(body(&agent, &server.url("/x")), "x");
    assert_eq!(agent.idle_connections(), 0);
}

#[test]
fn an_early_answer_on_a_reused_connection_is_returned_not_retried() {
    // The server answers a large PUT with 413 and closes without reading the body: the write
    // fails, and the answer waiting on the connection is the response — not a reason to send
    // the PUT again on a fresh connection.
    let server = Server::conns(vec![
        vec![
            Act::Read,
            send(ok("first")),
            Act::ReadHead,
            send(support::resp(
                "413 Content Too Large",
                &["Connection: close"],
                b"too big",
            )),
            Act::Reset,
        ],
        vec![Act::Read, send(ok("must not be reached")), KEEP],
    ]);
    let agent = Agent::new();
    assert_eq!(body(&agent, &server.url("/1")), "first");
    let big = vec![0u8; 32 << 20];
    let resp = agent.put(server.url("/2")).send(&big).unwrap();
    assert_eq!(resp.status(), 413);
    assert_eq!(server.connections(), 1, "not sent again");
}
