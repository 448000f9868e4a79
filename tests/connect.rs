//! Connecting: Happy Eyeballs racing (RFC 8305), per-attempt connect timeouts, and error
//! messages that list every address tried.

use h1client::trace::Tracer;
use h1client::transport::connect::{connect, Deadline, ATTEMPT_DELAY};
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
fn a_silent_address_is_raced_after_the_attempt_delay() {
    let Some((_hole, _fillers, silent)) = black_hole("127.0.0.1:0") else {
        return;
    };
    let good = TcpListener::bind("127.0.0.1:0").unwrap();
    let t0 = Instant::now();
    let stream = connect(
        &[silent, good.local_addr().unwrap()],
        None,
        Step::Connect,
        &Tracer::none(),
    )
    .unwrap();
    let took = t0.elapsed();
    assert_eq!(stream.peer_addr().unwrap(), good.local_addr().unwrap());
    assert!(
        took >= ATTEMPT_DELAY,
        "the second attempt starts after {ATTEMPT_DELAY:?}, took {took:?}"
    );
    assert!(
        took < ATTEMPT_DELAY * 4,
        "and does not wait for the first to time out: {took:?}"
    );
}

#[test]
fn connect_timeout_bounds_all_attempts_together_and_lists_addresses() {
    let Some((_hole, _fillers, silent)) = black_hole("127.0.0.1:0") else {
        return;
    };
    let deadline = Some(Deadline::after(Duration::from_millis(300), "connect timeout"));
    let t0 = Instant::now();
    let err = connect(&[silent], deadline, Step::Connect, &Tracer::none()).unwrap_err();
    assert!(t0.elapsed() < Duration::from_secs(2));
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.to_string().contains("connect timeout of 300ms expired"), "{err}");

    let Some((_hole2, _fillers2, silent2)) = black_hole("127.0.0.1:0") else {
        return;
    };
    let err = connect(
        &[silent, silent2],
        Some(Deadline::after(Duration::from_millis(300), "connect timeout")),
        Step::Connect,
        &Tracer::none(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(
        err.to_string().contains(&format!("(tried {silent}, {silent2})")),
        "{err}"
    );
}

#[test]
fn agent_connect_timeout_and_deadline() {
    let Some((_hole, _fillers, silent)) = black_hole("127.0.0.1:0") else {
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
fn ipv6_is_tried_first_and_falls_back_to_ipv4() {
    // "localhost" may resolve to ::1 and 127.0.0.1 or only to 127.0.0.1; a server on IPv4 only
    // must be reached quickly either way (a refused ::1 hands over at once).
    let good = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = good.local_addr().unwrap().port();
    let v6 = SocketAddr::from(([0, 0, 0, 0, 0, 0, 0, 1], port));
    let t0 = Instant::now();
    let stream = connect(&[v6, good.local_addr().unwrap()], None, Step::Connect, &Tracer::none());
    assert_eq!(stream.unwrap().peer_addr().unwrap(), good.local_addr().unwrap());
    assert!(t0.elapsed() < ATTEMPT_DELAY);
}

#[test]
fn localhost_names_are_both_loopback_addresses_without_a_lookup() {
    // RFC 6761 §6.3: `localhost` and names under it are the loopback addresses, whatever the
    // hosts file says (here it may list 127.0.0.1 only), as in curl.
    use h1client::transport::connect::{resolve, Host};
    let want: Vec<SocketAddr> = vec!["[::1]:8080".parse().unwrap(), "127.0.0.1:8080".parse().unwrap()];
    for name in ["localhost", "LocalHost", "localhost.", "app.localhost", "a.b.localhost"] {
        assert_eq!(
            resolve(Host::Name(name), 8080, None, Step::Resolve).unwrap(),
            want,
            "{name}"
        );
    }
    for name in ["localhost.example", "notlocalhost"] {
        assert!(!h1client::transport::connect::is_localhost(name), "{name}");
    }
    // a server on [::1] only is reached through "localhost"
    if let Ok(v6) = TcpListener::bind("[::1]:0") {
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
}
