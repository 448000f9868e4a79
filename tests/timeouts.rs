//! Deadlines: per connect attempt, per read, per write, and one for the whole request including
//! the body read after `call()` returned and every redirect. Expiry is `ErrorKind::Timeout`
//! naming the step.

mod support;

use h1client::{Agent, ErrorKind, Step};
use std::io::Read;
use std::time::{Duration, Instant};
use support::{ok, send, Act, Server};

fn elapsed_between(t0: Instant, min_ms: u64, max_ms: u64) {
    let ms = t0.elapsed().as_millis() as u64;
    assert!(
        (min_ms..=max_ms).contains(&ms),
        "took {ms} ms, want {min_ms}..={max_ms}"
    );
}

#[test]
fn read_timeout_when_the_server_is_silent() {
    let server = Server::conns(vec![vec![Act::Read, Act::Drain(Duration::from_secs(5))]]);
    let agent = Agent::builder().timeout_read(Duration::from_millis(300)).build();
    let t0 = Instant::now();
    let err = agent.get(&server.url("/")).call().unwrap_err();
    elapsed_between(t0, 250, 2000);
    assert_eq!((err.kind(), err.step()), (ErrorKind::Timeout, Step::ReceiveHead));
    assert!(err.to_string().contains("read timeout of 300ms expired"), "{err}");
}

#[test]
fn overall_deadline_covers_a_trickling_body_after_call_returned() {
    let server = Server::conns(vec![vec![
        Act::Read,
        send(b"HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n"),
        Act::Trickle(vec![b'x'; 20], Duration::from_millis(100)),
    ]]);
    let agent = Agent::builder().timeout(Duration::from_millis(700)).build();
    let t0 = Instant::now();
    let mut reader = agent.get(&server.url("/")).call().unwrap().into_reader();
    let mut sink = Vec::new();
    let err = h1client::Error::from(reader.read_to_end(&mut sink).unwrap_err());
    elapsed_between(t0, 600, 2000);
    assert_eq!((err.kind(), err.step()), (ErrorKind::Timeout, Step::ReceiveBody));
    assert!(err.to_string().contains("request timeout of 700ms expired"), "{err}");
    assert!(sink.len() < 20);
}

#[test]
fn per_request_timeout_overrides_the_agent() {
    let server = Server::conns(vec![vec![Act::Read, Act::Drain(Duration::from_secs(5))]]);
    let t0 = Instant::now();
    let err = Agent::new()
        .get(&server.url("/"))
        .timeout(Duration::from_millis(300))
        .call()
        .unwrap_err();
    elapsed_between(t0, 250, 2000);
    assert_eq!(err.kind(), ErrorKind::Timeout);
}

#[test]
fn read_timeout_is_per_read_not_per_body() {
    // 10 bytes at 100 ms each: 1 s in all, but never 300 ms of silence.
    let server = Server::conns(vec![vec![
        Act::Read,
        send(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"),
        Act::Trickle(vec![b'y'; 10], Duration::from_millis(100)),
        Act::Drain(Duration::from_secs(5)),
    ]]);
    let agent = Agent::builder().timeout_read(Duration::from_millis(300)).build();
    assert_eq!(
        agent.get(&server.url("/")).call().unwrap().text().unwrap(),
        "y".repeat(10)
    );
}

#[test]
fn connect_timeout_does_not_limit_the_transfer() {
    let server = Server::conns(vec![vec![
        Act::Read,
        Act::Sleep(Duration::from_millis(600)),
        send(ok("late")),
        Act::Close,
    ]]);
    let agent = Agent::builder().timeout_connect(Duration::from_millis(300)).build();
    assert_eq!(agent.get(&server.url("/")).call().unwrap().text().unwrap(), "late");
}

#[test]
fn deadline_covers_redirects() {
    let server = Server::responses(vec![
        vec![
            Act::Sleep(Duration::from_millis(300)),
            send(support::resp("302 Found", &["Location: /2"], b"")),
        ],
        vec![
            Act::Sleep(Duration::from_millis(300)),
            send(support::resp("302 Found", &["Location: /3"], b"")),
        ],
        vec![Act::Sleep(Duration::from_millis(300)), send(ok("late"))],
    ]);
    let agent = Agent::builder().timeout(Duration::from_millis(750)).build();
    let t0 = Instant::now();
    let err = agent.get(&server.url("/1")).call().unwrap_err();
    elapsed_between(t0, 700, 2000);
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
}

#[test]
fn write_timeout_when_the_server_does_not_read() {
    // The server never reads: a large upload fills the socket buffers and the write blocks.
    let server = Server::conns(vec![vec![Act::Sleep(Duration::from_secs(5))]]);
    let agent = Agent::builder().timeout_write(Duration::from_millis(300)).build();
    let body = vec![0u8; 64 << 20];
    let t0 = Instant::now();
    let err = agent.put(&server.url("/")).send(&body).unwrap_err();
    elapsed_between(t0, 250, 3000);
    assert_eq!((err.kind(), err.step()), (ErrorKind::Timeout, Step::Send), "{err}");
    assert!(err.to_string().contains("write timeout of 300ms expired"), "{err}");
}
