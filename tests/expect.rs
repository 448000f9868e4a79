//! `Expect: 100-continue` over loopback (RFC 9110 §10.1.1): when the body goes, when it does not,
//! how long the client waits, and what happens to the connection — checked against the bytes the
//! server received and when it received them.

mod support;

use h1client::{Agent, Event};
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{send, Act, Server};

const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

fn agent(wait: Duration) -> Agent {
    Agent::builder()
        .expect_continue_timeout(wait)
        .timeout_read(Duration::from_secs(5))
        .build()
}

fn drain() -> Act {
    Act::Drain(Duration::from_secs(5))
}

fn payload(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

#[test]
fn the_body_waits_for_100_continue() {
    let body = payload(100_000);
    for streamed in [false, true] {
        let server = Server::conns(vec![vec![
            Act::ReadHead,
            Act::Drain(Duration::from_millis(300)),
            Act::Mark,
            send(CONTINUE),
            Act::ReadBody,
            send(support::ok("stored")),
            drain(),
        ]]);
        let started = Instant::now();
        let req = agent(Duration::from_secs(10)).put(server.url("/f")).expect_continue();
        let resp = if streamed {
            req.send_reader(&body[..]).unwrap()
        } else {
            req.send(&body).unwrap()
        };
        assert_eq!(resp.text().unwrap(), "stored");
        let elapsed = started.elapsed();
        assert!(
            elapsed < Duration::from_secs(3),
            "went on at the 100, not after the wait: {elapsed:?}"
        );
        let r = &server.requests()[0];
        assert_eq!(r.header("Expect"), Some("100-continue"));
        assert!(r.body == body, "streamed={streamed}: body intact");
        assert_eq!(r.chunked, streamed);
        // nothing of the body came in the 300 ms before the server said 100
        assert_eq!(server.marks(0), [r.head.len()]);
        assert_eq!(server.raw(0).len(), r.head.len() + r.body_raw.len());
    }
}

#[test]
fn a_silent_server_gets_the_body_after_the_wait() {
    let server = Server::conns(vec![vec![
        Act::ReadHead,
        Act::ReadBody,
        send(support::ok("ok")),
        drain(),
    ]]);
    let notes = Arc::new(Mutex::new(Vec::new()));
    let seen = notes.clone();
    let agent = Agent::builder()
        .expect_continue_timeout(Duration::from_millis(400))
        .trace(move |e| {
            if let Event::ExpectContinue { outcome } = e {
                seen.lock().unwrap().push(outcome.to_string());
            }
        })
        .build();
    let started = Instant::now();
    let resp = agent
        .post(server.url("/"))
        .header("Expect", "100-continue") // the caller's own header asks for the same
        .send(b"hello")
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(resp.text().unwrap(), "ok");
    let r = &server.requests()[0];
    assert_eq!(r.header_all("Expect"), ["100-continue"]);
    assert_eq!(r.body, b"hello");
    let gap = r.body_at.unwrap() - r.head_at.unwrap();
    assert!(gap >= Duration::from_millis(380), "the body waited: {gap:?}");
    assert!(gap < Duration::from_millis(1500), "but not much longer: {gap:?}");
    assert!(
        elapsed >= Duration::from_millis(400) && elapsed < Duration::from_secs(2),
        "{elapsed:?}"
    );
    assert_eq!(
        notes.lock().unwrap().as_slice(),
        ["no 100 Continue in time; sending the body"]
    );
}

#[test]
fn a_final_status_first_means_no_body_and_a_closed_connection() {
    let body = payload(1 << 20);
    let server = Server::conns(vec![
        vec![
            Act::ReadHead,
            send(support::resp(
                "401 Unauthorized",
                &["WWW-Authenticate: Basic"],
                b"who are you",
            )),
            drain(),
        ],
        vec![Act::Read, send(support::ok("second")), drain()],
    ]);
    let agent = agent(Duration::from_secs(10));
    let started = Instant::now();
    let resp = agent.post(server.url("/up")).expect_continue().send(&body).unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(resp.text().unwrap(), "who are you");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "no waiting: {:?}",
        started.elapsed()
    );
    // Content-Length framing: the server might still expect 1 MiB; the connection is not reused
    assert_eq!(agent.idle_connections(), 0);
    assert_eq!(agent.get(server.url("/next")).call().unwrap().text().unwrap(), "second");
    assert_eq!(server.connections(), 2);
    // the first connection carried the head and not one byte of the body
    let first = &server.requests()[0];
    assert_eq!(server.raw(0), first.head);
}

#[test]
fn a_final_status_first_ends_a_chunked_body_empty_and_keeps_the_connection() {
    let server = Server::conns(vec![vec![
        Act::ReadHead,
        send(support::resp("413 Content Too Large", &[], b"too big")),
        Act::ReadBody,
        Act::Read,
        send(support::ok("second")),
        drain(),
    ]]);
    let agent = agent(Duration::from_secs(10));
    let mut endless = std::io::repeat(b'x').take(1 << 30);
    let resp = agent
        .put(server.url("/up"))
        .expect_continue()
        .send_reader(&mut endless)
        .unwrap();
    assert_eq!(resp.status(), 413);
    assert_eq!(resp.text().unwrap(), "too big");
    assert_eq!(endless.limit(), 1 << 30, "not one byte was read from the body");
    assert_eq!(agent.get(server.url("/next")).call().unwrap().text().unwrap(), "second");
    assert_eq!(server.connections(), 1);
    let reqs = server.requests();
    assert_eq!(reqs[0].body_raw, b"0\r\n\r\n");
    assert_eq!(reqs[1].target, "/next");
}

#[test]
fn expectation_failed_is_retried_without_the_expectation() {
    // Content-Length body: the 417 connection is closed and the request goes again on a new one
    let server = Server::conns(vec![
        vec![
            Act::ReadHead,
            send(support::resp("417 Expectation Failed", &[], b"")),
            drain(),
        ],
        vec![Act::Read, send(support::ok("done")), drain()],
    ]);
    let resp = agent(Duration::from_secs(10))
        .post(server.url("/"))
        .expect_continue()
        .send(b"data")
        .unwrap();
    assert_eq!(resp.text().unwrap(), "done");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].header("Expect"), Some("100-continue"));
    assert_eq!(server.raw(0), reqs[0].head, "no body after the 417");
    assert_eq!(reqs[1].header("Expect"), None);
    assert_eq!(reqs[1].body, b"data");

    // a streamed body, not yet read, goes too — on the same connection (chunked ends in sync)
    let server = Server::conns(vec![vec![
        Act::ReadHead,
        send(support::resp("417 Expectation Failed", &[], b"")),
        Act::ReadBody,
        Act::Read,
        send(support::ok("done")),
        drain(),
    ]]);
    let resp = agent(Duration::from_secs(10))
        .post(server.url("/"))
        .expect_continue()
        .send_reader(&b"streamed data"[..])
        .unwrap();
    assert_eq!(resp.text().unwrap(), "done");
    let reqs = server.requests();
    assert_eq!(server.connections(), 1);
    assert_eq!(reqs[1].header("Expect"), None);
    assert_eq!(reqs[1].body, b"streamed data");
}

#[test]
fn a_redirect_before_the_body_is_followed_even_with_a_stream() {
    let server = Server::conns(vec![vec![
        Act::ReadHead,
        send(support::resp("307 Temporary Redirect", &["Location: /elsewhere"], b"")),
        Act::ReadBody,
        Act::ReadHead,
        send(CONTINUE),
        Act::ReadBody,
        send(support::ok("moved and stored")),
        drain(),
    ]]);
    let resp = agent(Duration::from_secs(10))
        .post(server.url("/upload"))
        .expect_continue()
        .send_reader(&b"the only copy"[..])
        .unwrap();
    assert_eq!(resp.text().unwrap(), "moved and stored");
    let reqs = server.requests();
    assert_eq!(reqs[1].method, "POST");
    assert_eq!(reqs[1].target, "/elsewhere");
    assert_eq!(reqs[1].body, b"the only copy");
}

#[test]
fn other_interim_responses_do_not_end_the_wait() {
    let server = Server::conns(vec![vec![
        Act::ReadHead,
        send([&b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"[..], CONTINUE].concat()),
        Act::ReadBody,
        send(support::ok("ok")),
        drain(),
    ]]);
    let started = Instant::now();
    let resp = agent(Duration::from_secs(10))
        .post(server.url("/"))
        .expect_continue()
        .send(b"abc")
        .unwrap();
    assert_eq!(resp.text().unwrap(), "ok");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(server.requests()[0].body, b"abc");
}

#[test]
fn no_body_means_no_expectation() {
    let server = Server::always("ok");
    let agent = agent(Duration::from_secs(10));
    let started = Instant::now();
    agent
        .post(server.url("/"))
        .expect_continue()
        .call()
        .unwrap()
        .text()
        .unwrap();
    agent
        .post(server.url("/"))
        .expect_continue()
        .send(b"")
        .unwrap()
        .text()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(3));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for r in requests {
        assert_eq!(
            r.header("Expect"),
            None,
            "RFC 9110 §10.1.1: no 100-continue without content"
        );
    }
}
