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
    let err = agent.get(server.url("/")).call().unwrap_err();
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
    let mut reader = agent.get(server.url("/")).call().unwrap().into_reader();
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
        .get(server.url("/"))
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
        agent.get(server.url("/")).call().unwrap().text().unwrap(),
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
    assert_eq!(agent.get(server.url("/")).call().unwrap().text().unwrap(), "late");
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
    let err = agent.get(server.url("/1")).call().unwrap_err();
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
    let err = agent.put(server.url("/")).send(&body).unwrap_err();
    elapsed_between(t0, 250, 3000);
    assert_eq!((err.kind(), err.step()), (ErrorKind::Timeout, Step::Send), "{err}");
    assert!(err.to_string().contains("write timeout of 300ms expired"), "{err}");
}

/// A CONNECT proxy that answers `200` after `delay`, then never relays anything: a TLS
/// handshake through it waits for ever.
#[cfg(feature = "tls")]
fn slow_silent_connect_proxy(delay: Duration) -> std::net::SocketAddr {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                std::thread::sleep(delay);
                let _ = stream.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                std::thread::sleep(Duration::from_secs(10));
            });
        }
    });
    addr
}

#[cfg(feature = "tls")]
#[test]
fn connect_timeout_limits_connecting_as_a_whole() {
    // the proxy takes 600 ms of the 1 s, the TLS handshake gets only what is left
    let proxy = slow_silent_connect_proxy(Duration::from_millis(600));
    let agent = Agent::builder()
        .timeout_connect(Duration::from_secs(1))
        .proxy(h1client::Proxy::new(&format!("http://{proxy}")).unwrap())
        .build();
    let t0 = Instant::now();
    let err = agent.get("https://localhost:9/").call().unwrap_err();
    elapsed_between(t0, 900, 1450);
    assert_eq!(
        (err.kind(), err.step()),
        (ErrorKind::Timeout, Step::TlsHandshake),
        "{err}"
    );
    assert!(err.to_string().contains("connect timeout of 1s expired"), "{err}");
}

#[test]
fn zero_durations_leave_no_time_and_fail_at_once() {
    let silent = || Server::conns(vec![vec![Act::Read, Act::Drain(Duration::from_secs(5))]]);
    #[rustfmt::skip]
    let cases: [(&str, fn() -> Agent, Step); 4] = [
        ("timeout",         || Agent::builder().timeout(Duration::ZERO).build(),         Step::Connect),
        ("timeout_connect", || Agent::builder().timeout_connect(Duration::ZERO).build(), Step::Connect),
        ("timeout_read",    || Agent::builder().timeout_read(Duration::ZERO).build(),    Step::ReceiveHead),
        ("timeout_write",   || Agent::builder().timeout_write(Duration::ZERO).build(),   Step::Send),
    ];
    for (name, agent, step) in cases {
        let server = silent();
        let t0 = Instant::now();
        let err = agent().post(server.url("/")).send(b"body").unwrap_err();
        elapsed_between(t0, 0, 500);
        assert_eq!((err.kind(), err.step()), (ErrorKind::Timeout, step), "{name}: {err}");
    }
    let server = silent();
    let err = Agent::new()
        .get(server.url("/"))
        .timeout(Duration::ZERO)
        .call()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
}

#[test]
fn huge_durations_are_no_limit_and_never_overflow() {
    let server = Server::always("fine");
    let agent = Agent::builder()
        .timeout(Duration::MAX)
        .timeout_connect(Duration::MAX)
        .timeout_read(Duration::MAX)
        .timeout_write(Duration::MAX)
        .idle_timeout(Duration::MAX)
        .expect_continue_timeout(Duration::MAX)
        .build();
    for _ in 0..2 {
        let resp = agent.get(server.url("/")).timeout(Duration::MAX).call().unwrap();
        assert_eq!(resp.text().unwrap(), "fine");
    }
    assert_eq!(
        server.connections(),
        1,
        "an idle timeout of Duration::MAX keeps the connection"
    );
}

#[test]
fn a_huge_expect_continue_wait_still_waits_for_100_continue() {
    // Duration::MAX once overflowed into "do not wait": the body went out before the server's
    // go-ahead. The server waits 300 ms, then reads what has come — head and body together
    // from a client that did not wait — notes what it has, then says 100.
    let server = Server::conns(vec![vec![
        Act::Sleep(Duration::from_millis(300)),
        Act::ReadHead,
        Act::Mark,
        send(b"HTTP/1.1 100 Continue\r\n\r\n"),
        Act::ReadBody,
        send(ok("done")),
        Act::Drain(Duration::from_secs(5)),
    ]]);
    let agent = Agent::builder()
        .expect_continue_timeout(Duration::MAX)
        .timeout(Duration::from_secs(5))
        .build();
    let resp = agent.put(server.url("/")).expect_continue().send(b"payload").unwrap();
    assert_eq!(resp.text().unwrap(), "done");
    let head_len = server.requests()[0].head.len();
    assert_eq!(server.marks(0), [head_len], "no body byte before 100 Continue");
    assert_eq!(server.requests()[0].body, b"payload");
}

#[test]
fn a_zero_expect_continue_wait_sends_the_body_at_once() {
    // The server reads only after 300 ms, so a client that did not wait has sent head and body
    // by then and the first read takes both (reading at once could take the head alone).
    let server = Server::conns(vec![vec![
        Act::Sleep(Duration::from_millis(300)),
        Act::ReadHead,
        Act::Mark,
        Act::ReadBody,
        send(ok("done")),
        Act::Drain(Duration::from_secs(5)),
    ]]);
    let agent = Agent::builder().expect_continue_timeout(Duration::ZERO).build();
    let resp = agent.put(server.url("/")).expect_continue().send(b"payload").unwrap();
    assert_eq!(resp.text().unwrap(), "done");
    let head_len = server.requests()[0].head.len();
    assert_eq!(server.marks(0), [head_len + 7], "the body came without waiting");
}

#[test]
fn a_zero_idle_timeout_keeps_no_connection() {
    let server = Server::always("fine");
    let agent = Agent::builder().idle_timeout(Duration::ZERO).build();
    for _ in 0..2 {
        assert_eq!(agent.get(server.url("/")).call().unwrap().text().unwrap(), "fine");
    }
    assert_eq!(server.connections(), 2);
}
