//! Connecting through the agent: `localhost` (RFC 6761 §6.3), `resolve`, `connect_to`, the IP
//! version and the remembered address family. The racing (RFC 8305) and the connect deadlines on
//! an address that does not answer are tested inside the crate, in `src/transport/connect.rs`,
//! beside the black-hole listener they need.

use h1client::{Agent, ErrorKind, Step};
use std::net::TcpListener;

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

/// A server answering every request with its own name, for routing tests.
fn named_server(name: &'static str) -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepting = listener.try_clone().unwrap();
    std::thread::spawn(move || {
        for stream in accepting.incoming().flatten() {
            std::thread::spawn(move || {
                use std::io::{Read, Write};
                let mut stream = stream;
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let host = String::from_utf8_lossy(&head)
                    .lines()
                    .find_map(|l| l.strip_prefix("Host: ").map(str::to_string))
                    .unwrap_or_default();
                let body = format!("{name} for {host}");
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes());
            });
        }
    });
    (listener, port)
}

#[test]
fn resolve_overrides_the_resolver_and_keeps_the_name() {
    let (_server, port) = named_server("loopback");
    let agent = Agent::builder()
        .resolve("api.example.invalid", port, &["127.0.0.1".parse().unwrap()])
        .build();
    let body = agent
        .get(format!("http://api.example.invalid:{port}/"))
        .call()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, format!("loopback for api.example.invalid:{port}"));
    // another port of the same name is not covered: the resolver is asked, and knows nothing
    let err = agent.get("http://api.example.invalid:1/").call().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Dns, "{err}");
}

#[test]
fn connect_to_sends_the_connection_elsewhere_and_keeps_the_name() {
    let (_a, port_a) = named_server("a");
    let (_b, port_b) = named_server("b");
    let agent = Agent::builder()
        .connect_to("site.invalid", 80, "127.0.0.1", port_a)
        .connect_to("", port_b, "", 0) // any host on port_b: kept as it is
        .connect_to("", 0, "127.0.0.1", port_b) // everything else to b
        .build();
    let text = |url: &str| agent.get(url).call().unwrap().text().unwrap();
    assert_eq!(text("http://site.invalid/"), "a for site.invalid");
    assert_eq!(text("http://other.invalid:81/"), "b for other.invalid:81");
    assert_eq!(
        text(&format!("http://127.0.0.1:{port_b}/")),
        format!("b for 127.0.0.1:{port_b}")
    );
}

#[test]
fn ip_version_keeps_connections_to_one_family() {
    let (_server, port) = named_server("v4");
    let v4 = Agent::builder().ip_version(h1client::IpVersion::V4).build();
    // localhost is both loopback addresses: -4 takes 127.0.0.1 and never tries ::1
    assert_eq!(
        v4.get(format!("http://localhost:{port}/"))
            .call()
            .unwrap()
            .text()
            .unwrap(),
        format!("v4 for localhost:{port}")
    );
    let v6 = Agent::builder().ip_version(h1client::IpVersion::V6).build();
    let err = v6.get(format!("http://127.0.0.1:{port}/")).call().unwrap_err();
    assert_eq!((err.kind(), err.step()), (ErrorKind::Connect, Step::Connect), "{err}");
    assert!(
        err.to_string().contains("127.0.0.1 is not an address of the V6 family"),
        "{err}"
    );
}

#[test]
fn the_family_that_connected_second_is_tried_first_next_time() {
    // RFC 8305 §4: `fam.test` has an IPv6 address where nothing listens and an IPv4 one where
    // the server is. The first request tries IPv6 first and falls back; the next one, on a new
    // connection (the server closes each), starts with IPv4.
    let (_server, port) = named_server("v4");
    let tried = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = tried.clone();
    let agent = Agent::builder()
        .resolve(
            "fam.test",
            port,
            &["::1".parse().unwrap(), "127.0.0.1".parse().unwrap()],
        )
        .trace(move |e| {
            if let h1client::Event::Connecting { addr } = e {
                sink.lock().unwrap().push(addr.is_ipv4());
            }
        })
        .build();
    let url = format!("http://fam.test:{port}/");
    for _ in 0..2 {
        assert_eq!(
            agent.get(&url).call().unwrap().text().unwrap(),
            format!("v4 for fam.test:{port}")
        );
    }
    // false = IPv6, true = IPv4
    assert_eq!(*tried.lock().unwrap(), [false, true, true]);
    let fresh = Agent::builder()
        .resolve(
            "fam.test",
            port,
            &["::1".parse().unwrap(), "127.0.0.1".parse().unwrap()],
        )
        .build();
    assert!(
        fresh.get(&url).call().is_ok(),
        "another agent remembers nothing, and still connects"
    );
}
