//! Connecting through the agent: the connect timeout and the request deadline on an address
//! that does not answer, and `localhost` (RFC 6761 §6.3). The racing itself (RFC 8305) is tested
//! inside the crate, in `src/transport/connect.rs`.

use h1client::{Agent, ErrorKind, Step};
use socket2::{Domain, Socket, Type};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// A listener whose accept queue is full: connection attempts to it hang (SYNs are dropped),
/// like a host that does not answer, without leaving loopback. `None` where the kernel answers
/// anyway.
fn black_hole(addr: &str) -> Option<(Socket, Vec<Socket>, SocketAddr)> {
    let addr: SocketAddr = addr.parse().unwrap();
    let s = Socket::new(Domain::for_address(addr), Type::STREAM, None).ok()?;
    s.bind(&addr.into()).ok()?;
    s.listen(0).ok()?;
    let local = s.local_addr().ok()?.as_socket()?;
    let fillers: Vec<Socket> = (0..8)
        .filter_map(|_| {
            let c = Socket::new(Domain::for_address(local), Type::STREAM, None).ok()?;
            c.set_nonblocking(true).ok()?;
            let _ = c.connect(&local.into());
            Some(c)
        })
        .collect();
    std::thread::sleep(Duration::from_millis(50));
    // check that a new attempt really hangs
    let probe = TcpStream::connect_timeout(&local, Duration::from_millis(300));
    if probe.is_ok() {
        return None;
    }
    Some((s, fillers, local))
}

#[test]
fn agent_connect_timeout_and_deadline_stop_a_connect_that_hangs() {
    let Some((_hole, _fillers, silent)) = black_hole("127.0.0.1:0") else {
        eprintln!("skipped: a full accept queue did not leave a connect hanging here");
        return;
    };
    let url = format!("http://{silent}/");
    let t0 = Instant::now();
    let err = Agent::builder()
        .timeout_connect(Duration::from_millis(300))
        .build()
        .get(&url)
        .call()
        .unwrap_err();
    assert!(t0.elapsed() < Duration::from_secs(2));
    assert_eq!((err.kind(), err.step()), (ErrorKind::Timeout, Step::Connect));
    let err = Agent::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .get(&url)
        .call()
        .unwrap_err();
    assert_eq!((err.kind(), err.step()), (ErrorKind::Timeout, Step::Connect));
    assert!(err.to_string().contains("request timeout of 300ms expired"), "{err}");
}

#[test]
fn a_server_on_ipv6_loopback_only_is_reached_through_localhost() {
    // RFC 6761 §6.3: `localhost` is both loopback addresses without a lookup, as in curl
    let Ok(v6) = TcpListener::bind("[::1]:0") else {
        eprintln!("skipped: IPv6 loopback unavailable");
        return;
    };
    let port = v6.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut s, _) = v6.accept().unwrap();
        let mut buf = [0u8; 1024];
        let _ = s.read(&mut buf).unwrap();
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nv6")
            .unwrap();
    });
    let url = format!("http://app.localhost:{port}/");
    assert_eq!(Agent::new().get(&url).call().unwrap().text().unwrap(), "v6");
    server.join().unwrap();
}
