//! HTTP over a unix domain socket (`AgentBuilder::unix_socket`, curl's `--unix-socket`): the
//! bytes go over the socket, the URL still gives `Host` and the request target.
#![cfg(unix)]

mod support;

use h1client::{Agent, ErrorKind};
use std::io::{Read, Write};
use std::os::unix::net::UnixListener;
use std::thread;

/// Serves `n` requests on one unix socket connection, answering each with its own target.
fn serve(path: &std::path::Path, n: usize) -> thread::JoinHandle<Vec<String>> {
    let listener = UnixListener::bind(path).unwrap();
    thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut heads = Vec::new();
        let mut buf = Vec::new();
        while heads.len() < n {
            let mut chunk = [0u8; 4096];
            let got = s.read(&mut chunk).unwrap();
            if got == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..got]);
            while let Some((req, used)) = support::parse_request(&buf, false) {
                buf.drain(..used);
                let body = format!("target {}", req.target);
                s.write_all(format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len()).as_bytes())
                    .unwrap();
                heads.push(String::from_utf8(req.head).unwrap());
            }
        }
        heads
    })
}

#[test]
fn requests_go_over_the_socket_with_the_urls_host() {
    let dir = std::env::temp_dir().join(format!("h1client-unix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("engine.sock");
    let server = serve(&path, 2);
    let agent = Agent::builder().unix_socket(&path).build();
    let body = agent
        .get("http://localhost/v1.43/containers/json?all=1")
        .call()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, "target /v1.43/containers/json?all=1");
    assert_eq!(
        agent.get("http://docker/_ping").call().unwrap().text().unwrap(),
        "target /_ping"
    );
    let heads = server.join().unwrap();
    assert!(heads[0].contains("\r\nHost: localhost\r\n"), "{}", heads[0]);
    assert!(heads[1].contains("\r\nHost: docker\r\n"), "{}", heads[1]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn missing_socket_is_a_connect_error_naming_it() {
    let err = Agent::builder()
        .unix_socket("/nonexistent/h1client.sock")
        .build()
        .get("http://x/")
        .call()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect);
    assert_eq!(err.to_string(), "connect to unix:/nonexistent/h1client.sock: not found");
}
