//! Every failure is a typed error that says what went wrong, in which step, and with which host.

mod support;

use h1client::{Agent, ErrorKind, Step};
use std::error::Error as _;
use std::net::TcpListener;
use support::{ok, send, Act, Server};

#[test]
fn invalid_urls_fail_at_the_url_step_saying_why() {
    #[rustfmt::skip]
    let cases = [
        ("http://127.0.0.1:99999/", ErrorKind::InvalidUrl, "invalid port"),
        ("http://127.0.0.1:ab/",    ErrorKind::InvalidUrl, "invalid port"),
        ("http://exa mple.com/",    ErrorKind::InvalidUrl, "invalid"),
        ("http:///path",            ErrorKind::InvalidUrl, "empty host"),
        (" http:///localhost:1/",   ErrorKind::InvalidUrl, "empty host"),
        ("  HTTP:///localhost:1/ ", ErrorKind::InvalidUrl, "empty host"),
        ("http:\\\\\\localhost:1/", ErrorKind::InvalidUrl, "empty host"),
        ("http:/\\/localhost:1/",   ErrorKind::InvalidUrl, "empty host"),
        ("https:/localhost:1/",     ErrorKind::InvalidUrl, "no authority"),
        ("http://?q",               ErrorKind::InvalidUrl, "empty host"),
        ("http:path",               ErrorKind::InvalidUrl, "no authority"),
        ("http://",                 ErrorKind::InvalidUrl, "empty host"),
        ("ftp://127.0.0.1/",        ErrorKind::InvalidUrl, "unsupported scheme \"ftp\""),
        ("file:///etc/passwd",      ErrorKind::InvalidUrl, "unsupported scheme \"file\""),
        ("not a url",               ErrorKind::InvalidUrl, "relative URL without a base"),
        ("",                        ErrorKind::InvalidUrl, "relative URL without a base"),
    ];
    for (url, kind, needle) in cases {
        let err = h1client::get(url).call().unwrap_err();
        assert_eq!(err.kind(), kind, "{url}");
        assert_eq!(err.step(), Step::Url, "{url}");
        assert!(err.to_string().contains(needle), "{url}: {err}");
    }
}

#[test]
fn surrounding_spaces_and_backslashes_are_read_as_the_url_parser_reads_them() {
    let server = Server::responses(vec![vec![send(ok("one"))], vec![send(ok("two"))]]);
    let spaced = format!("  {} ", server.url("/"));
    assert_eq!(h1client::get(&spaced).call().unwrap().text().unwrap(), "one");
    let backslashed = server.url("/").replacen("http://", "http:\\\\", 1);
    assert_eq!(h1client::get(&backslashed).call().unwrap().text().unwrap(), "two");
}

#[test]
fn uppercase_scheme_is_accepted() {
    let server = Server::conns(vec![vec![Act::Read, send(ok("ok")), Act::Close]]);
    let url = server.url("/").replacen("http", "HTTP", 1);
    assert_eq!(h1client::get(&url).call().unwrap().text().unwrap(), "ok");
}

#[test]
fn connection_refused_names_step_and_host() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let err = Agent::new().get(format!("http://{addr}/")).call().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect);
    assert_eq!(err.step(), Step::Connect);
    assert_eq!(err.to_string(), format!("connect to {addr}: connection refused"));
    assert_eq!(err.host(), Some(addr.to_string().as_str()));
    let io = err
        .source()
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .expect("io source kept");
    assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused);
}

#[test]
fn unknown_host_is_dns_error() {
    let err = Agent::new().get("http://nonexistent.invalid/").call().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Dns, "{err}");
    assert!(err.to_string().starts_with("resolve nonexistent.invalid:80: "), "{err}");
}

#[test]
fn error_for_status_turns_4xx_and_5xx_into_errors() {
    let server = Server::responses(vec![
        vec![send(support::resp("404 Not Found", &[], b"nope"))],
        vec![send(support::resp("503 Service Unavailable", &[], b""))],
        vec![send(ok("fine"))],
    ]);
    let agent = Agent::new();
    let resp = agent
        .get(server.url("/missing"))
        .call()
        .expect("a 404 is a response, not an error");
    assert_eq!(resp.status(), 404);
    let err = resp.error_for_status().unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Status, Some(404)));
    assert!(err.to_string().contains("HTTP 404 Not Found for http://"), "{err}");
    let err = agent
        .get(server.url("/down"))
        .call()
        .unwrap()
        .error_for_status()
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    let ok = agent.get(server.url("/")).call().unwrap().error_for_status().unwrap();
    assert_eq!(ok.text().unwrap(), "fine");
}

#[test]
fn errors_survive_io_read_and_come_back_typed() {
    use std::io::Read;
    let server = Server::conns(vec![vec![
        Act::Read,
        send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
        Act::Close,
    ]]);
    let mut reader = Agent::new().get(server.url("/")).call().unwrap().into_reader();
    let mut sink = Vec::new();
    let io = reader.read_to_end(&mut sink).unwrap_err();
    assert_eq!(io.kind(), std::io::ErrorKind::InvalidData);
    let err = h1client::Error::from(io);
    assert_eq!((err.kind(), err.step()), (ErrorKind::Protocol, Step::ReceiveBody));
    assert!(
        err.to_string()
            .starts_with(&format!("read response body from {}: ", server.addr)),
        "{err}"
    );
}

#[test]
fn a_reply_that_cannot_be_http_fails_at_its_first_bytes() {
    use std::time::{Duration, Instant};
    let keep = Act::Drain(Duration::from_secs(10));
    // (name, script of a server that keeps the connection open afterwards)
    #[rustfmt::skip]
    let cases: Vec<(&str, Vec<Act>)> = vec![
        ("ssh banner before the request", vec![send(b"SSH-2.0-OpenSSH_9.2\r\n"), keep.clone()]),
        ("smtp greeting",                 vec![send(b"220 mail.example ESMTP Postfix\r\n"), keep.clone()]),
        ("tls on an http url",            vec![Act::Read, send(b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03"), keep.clone()]),
        ("text lines",                    vec![Act::Read, send(b"Data\nData\nData\n"), keep.clone()]),
        ("garbage after 100 Continue",    vec![Act::Read, send(b"HTTP/1.1 100 Continue\r\nFoo: Bar\r\n\r\nData\nData\n"), keep.clone()]),
        ("lowercase version",             vec![Act::Read, send(b"http/1.1 200 OK\r\n"), keep.clone()]),
    ];
    for (name, script) in cases {
        let server = Server::conns(vec![script]);
        let agent = Agent::builder().timeout(Duration::from_secs(5)).build();
        let started = Instant::now();
        let err = agent.get(server.url("/")).call().unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{name}: took {:?}",
            started.elapsed()
        );
        assert_eq!(
            (err.kind(), err.step()),
            (ErrorKind::Protocol, Step::ReceiveHead),
            "{name}: {err}"
        );
        assert!(
            matches!(err.protocol_error(), Some(h1client::proto::Error::NotHttp { .. })),
            "{name}: {err}"
        );
    }
}

/// A writer that fails every write.
struct FullDisk;

impl std::io::Write for FullDisk {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::new(
            std::io::ErrorKind::StorageFull,
            "no space left on device",
        ))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A reader that fails after some bytes.
struct BrokenSource(usize);

impl std::io::Read for BrokenSource {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.0 == 0 {
            return Err(std::io::Error::other("the source broke"));
        }
        let n = buf.len().min(self.0);
        buf[..n].fill(b'u');
        self.0 -= n;
        Ok(n)
    }
}

#[test]
fn local_io_failures_are_not_blamed_on_the_network() {
    // the caller's sink fails: LocalIo, not a network error
    let server = Server::always("some body");
    let mut reader = Agent::new().get(server.url("/")).call().unwrap().into_reader();
    let err = reader.copy_to(&mut FullDisk).unwrap_err();
    assert_eq!((err.kind(), err.step()), (ErrorKind::LocalIo, Step::Local), "{err}");
    assert!(err.to_string().contains("could not write the body"), "{err}");
    // the README's io::copy pattern with `?`: a missing directory is local too
    fn save(url: &str) -> h1client::Result<u64> {
        let mut reader = h1client::get(url).call()?.into_reader();
        let mut file = std::fs::File::create("/nonexistent-h1client-dir/out")?;
        Ok(std::io::copy(&mut reader, &mut file)?)
    }
    let err = save(&server.url("/")).unwrap_err();
    assert_eq!((err.kind(), err.step()), (ErrorKind::LocalIo, Step::Local), "{err}");
    assert_eq!(err.io_kind(), Some(std::io::ErrorKind::NotFound));
    // the upload source fails: LocalIo at ReadUpload
    let err = Agent::new()
        .put(server.url("/"))
        .send_reader(BrokenSource(10))
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.step()),
        (ErrorKind::LocalIo, Step::ReadUpload),
        "{err}"
    );
    assert!(err.to_string().contains("the source broke"), "{err}");
}

#[test]
fn network_failures_stay_network_failures_through_copy_and_uploads() {
    // a body cut short: copy_to reports the network's error, with its kind
    let truncated = Server::conns(vec![vec![
        Act::Read,
        send(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"),
        Act::Close,
    ]]);
    let mut reader = Agent::new().get(truncated.url("/")).call().unwrap().into_reader();
    let err = reader.copy_to(&mut Vec::new()).unwrap_err();
    assert_eq!((err.kind(), err.step()), (ErrorKind::Io, Step::ReceiveBody), "{err}");
    // an upload whose source is that same kind of body keeps the source's error
    let truncated = Server::conns(vec![vec![
        Act::Read,
        send(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"),
        Act::Close,
    ]]);
    let sink = Server::conns(vec![vec![Act::ReadHead, Act::Drain(std::time::Duration::from_secs(5))]]);
    let source = Agent::new().get(truncated.url("/")).call().unwrap().into_reader();
    let err = Agent::new().put(sink.url("/")).send_reader(source).unwrap_err();
    assert_eq!((err.kind(), err.step()), (ErrorKind::Io, Step::ReceiveBody), "{err}");
}

#[test]
fn url_credentials_never_appear_in_messages_or_traces() {
    use std::sync::{Arc, Mutex};
    // an invalid URL
    let err = h1client::get("http://user:s3cret@exa mple.com/").call().unwrap_err();
    assert!(
        !err.to_string().contains("s3cret") && err.to_string().contains("***@"),
        "{err}"
    );
    // a status error, a redirect in the trace, a refused downgrade, Debug output
    let server = Server::responses_for(|addr| {
        vec![
            vec![send(support::resp(
                "302 Found",
                &[&format!("Location: http://u:s3cret@{addr}/next")],
                b"",
            ))],
            vec![send(support::resp("404 Not Found", &[], b""))],
            vec![send(support::resp(
                "302 Found",
                &["Location: http://u:s3cret@127.0.0.1:9/"],
                b"",
            ))],
        ]
    });
    let seen = Arc::new(Mutex::new(String::new()));
    let log = seen.clone();
    let agent = Agent::builder()
        .trace(move |e| {
            if let h1client::Event::Redirect { from, to, .. } = e {
                log.lock().unwrap().push_str(&format!("{from} -> {to}"));
            }
        })
        .build();
    let url = format!("http://user:s3cret@{}/start", server.addr);
    let resp = agent.get(&url).call().unwrap();
    assert!(!format!("{resp:?}").contains("s3cret"), "{resp:?}");
    let err = resp.error_for_status().unwrap_err();
    assert!(!err.to_string().contains("s3cret"), "{err}");
    assert!(err.to_string().contains("http://***@"), "{err}");
    let trace = seen.lock().unwrap().clone();
    assert!(!trace.is_empty() && !trace.contains("s3cret"), "{trace}");
}
