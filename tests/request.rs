//! What goes on the wire: request lines, headers, bodies and their framing (RFC 9112 §3, §6,
//! §7; RFC 9110 §5), as received by a server that parses independently of the client. And what
//! never goes on the wire: requests that would be corrupted by CR, LF or NUL.

mod support;

use h1client::{Agent, ErrorKind};
use std::io::{Read, Write};
use std::time::Duration;
use support::{send, Act, Req, Server};

/// Runs `f` against a server answering one request with 200 "ok", returns what it received.
fn capture(f: impl FnOnce(&Agent, &Server) -> h1client::Result<h1client::Response>) -> Req {
    let server = Server::conns(vec![vec![Act::Read, send(support::ok("ok")), Act::Close]]);
    let agent = Agent::new();
    let resp = f(&agent, &server).expect("request succeeds");
    assert_eq!(resp.text().unwrap(), "ok");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1, "exactly one request");
    reqs.into_iter().next().unwrap()
}

#[test]
fn get_head_is_exactly_the_default_fields_in_order() {
    let r = capture(|a, s| a.get(s.url("/p?q=1")).call());
    // with the gzip or brotli feature the agent asks for what it can decode
    let codings = match (cfg!(feature = "gzip"), cfg!(feature = "brotli")) {
        (true, true) => "Accept-Encoding: gzip, deflate, br\r\n",
        (true, false) => "Accept-Encoding: gzip, deflate\r\n",
        (false, true) => "Accept-Encoding: br\r\n",
        (false, false) => "",
    };
    let accept_encoding = codings.to_string();
    let expected = format!(
        "GET /p?q=1 HTTP/1.1\r\nHost: {}\r\nUser-Agent: h1client/{}\r\nAccept: */*\r\n{accept_encoding}\r\n",
        r.header("host").unwrap(),
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(String::from_utf8(r.head.clone()).unwrap(), expected);
    assert!(r.body_raw.is_empty());
}

#[test]
fn request_target_is_the_normalized_path_and_query_without_the_fragment() {
    // (URL path part, request-target on the wire)
    let cases = [
        ("", "/"),
        ("/", "/"),
        ("?x=1", "/?x=1"),
        ("/p?a=1&b=%2F%20x&c=&d", "/p?a=1&b=%2F%20x&c=&d"),
        ("/a/./b/../c", "/a/c"),
        ("/a%2Fb", "/a%2Fb"),
        ("/caf%C3%A9", "/caf%C3%A9"),
        ("/sp ace", "/sp%20ace"),
        ("/p#fragment", "/p"),
        ("/ümlaut?ä=ö", "/%C3%BCmlaut?%C3%A4=%C3%B6"),
    ];
    for (path, target) in cases {
        let r = capture(|a, s| a.get(format!("http://{}{path}", s.addr)).call());
        assert_eq!(r.target, target, "URL path {path:?}");
    }
}

#[test]
fn host_header_is_the_urls_host_and_port_unless_the_caller_sets_one() {
    let mut port = 0;
    let r = capture(|a, s| {
        port = s.addr.port();
        a.get(format!("http://localhost:{port}/")).call()
    });
    assert_eq!(r.header("host"), Some(format!("localhost:{port}").as_str()));
    // a user Host header replaces the default, and there is exactly one
    let r = capture(|a, s| a.get(s.url("/")).header("Host", "example.com").call());
    assert_eq!(r.header_all("host"), ["example.com"]);
}

#[test]
fn ipv6_host_is_bracketed() {
    let Ok(listener) = std::net::TcpListener::bind("[::1]:0") else {
        eprintln!("skipped: IPv6 loopback unavailable");
        return;
    };
    let port = listener.local_addr().unwrap().port();
    let t = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = vec![0u8; 4096];
        let n = s.read(&mut buf).unwrap();
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .unwrap();
        String::from_utf8_lossy(&buf[..n]).into_owned()
    });
    h1client::get(format!("http://[::1]:{port}/")).call().unwrap();
    let head = t.join().unwrap();
    assert!(head.contains(&format!("\r\nHost: [::1]:{port}\r\n")), "{head}");
}

#[test]
fn default_headers_can_be_replaced_and_removed() {
    let r = capture(|a, s| {
        a.get(s.url("/"))
            .header("user-agent", "custom/1")
            .header("Accept", "text/plain")
            .call()
    });
    assert_eq!(r.header_all("User-Agent"), ["custom/1"]);
    assert_eq!(r.header_all("Accept"), ["text/plain"]);
    let r = capture(|a, s| {
        a.get(s.url("/"))
            .remove_header("User-Agent")
            .remove_header("accept")
            .call()
    });
    assert!(r.header("User-Agent").is_none() && r.header("Accept").is_none());
    let r = capture(|_, s| {
        Agent::builder()
            .user_agent(Some("agent/2"))
            .build()
            .get(s.url("/"))
            .call()
    });
    assert_eq!(r.header("User-Agent"), Some("agent/2"));
    let r = capture(|_, s| Agent::builder().user_agent(None).build().get(s.url("/")).call());
    assert!(r.header("User-Agent").is_none());
}

#[test]
fn custom_headers_keep_order_duplicates_and_inner_spaces() {
    let r = capture(|a, s| {
        a.get(s.url("/"))
            .header("X-A", "1")
            .header("X-B", "  two  words ")
            .header("X-A", "2")
            .call()
    });
    let user: Vec<_> = r
        .headers
        .iter()
        .filter(|(n, _)| n.starts_with("X-"))
        .map(|(n, v)| format!("{n}={v}"))
        .collect();
    assert_eq!(user, ["X-A=1", "X-B=two  words", "X-A=2"]);
}

#[test]
fn query_builder_appends_encoded_pairs() {
    let r = capture(|a, s| a.get(s.url("/s?x=1")).query("q", "rust lang").query("a&b", "ü").call());
    assert_eq!(r.target, "/s?x=1&q=rust+lang&a%26b=%C3%BC");
}

#[test]
fn bodies_and_their_framing() {
    let r = capture(|a, s| a.post(s.url("/")).call());
    assert_eq!(
        (r.header("content-length"), r.body.len()),
        (Some("0"), 0),
        "POST without body says 0"
    );
    let r = capture(|a, s| a.get(s.url("/")).call());
    assert!(r.header("content-length").is_none() && r.header("transfer-encoding").is_none());
    let r = capture(|a, s| a.delete(s.url("/")).call());
    assert!(r.header("content-length").is_none());

    let r = capture(|a, s| {
        a.post(s.url("/"))
            .header("Content-Type", "application/json")
            .send(br#"{"k":1}"#)
    });
    assert_eq!(r.header("content-length"), Some("7"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.body, br#"{"k":1}"#);

    let big = vec![7u8; 100_000];
    let r = capture(|a, s| a.put(s.url("/")).send(&big));
    assert_eq!((r.header("content-length"), r.body.len()), (Some("100000"), 100_000));

    let r = capture(|a, s| {
        a.post(s.url("/"))
            .send_form(&[("a", "1"), ("b", "two words"), ("c", "&=")])
    });
    assert_eq!(r.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(r.body, b"a=1&b=two+words&c=%26%3D");

    let r = capture(|a, s| a.patch(s.url("/")).send(b""));
    assert_eq!(r.header("content-length"), Some("0"));
}

#[test]
fn reader_bodies_are_chunked_and_well_framed() {
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 256) as u8).collect();
    let r = capture(|a, s| a.put(s.url("/")).send_reader(&data[..]));
    assert!(r.chunked, "chunked framing");
    assert!(r.header("content-length").is_none());
    assert_eq!(r.body, data);
    // the last chunk and an empty trailer section end it
    assert!(r.body_raw.ends_with(b"\r\n0\r\n\r\n"));

    let r = capture(|a, s| a.put(s.url("/")).send_reader(std::io::empty()));
    assert!(r.chunked);
    assert_eq!(r.body_raw, b"0\r\n\r\n");
}

#[test]
fn sized_readers_use_content_length_and_must_match() {
    let r = capture(|a, s| a.put(s.url("/")).send_reader_sized(&b"exactly"[..], 7));
    assert_eq!((r.header("content-length"), r.chunked), (Some("7"), false));
    assert_eq!(r.body, b"exactly");
    let r = capture(|a, s| a.put(s.url("/")).header("Content-Length", "3").send_reader(&b"abc"[..]));
    assert_eq!(
        (r.header("content-length"), r.body.as_slice()),
        (Some("3"), &b"abc"[..])
    );

    for (data, len) in [(&b"short"[..], 10u64), (&b"too long"[..], 3)] {
        let server = Server::conns(vec![vec![Act::Drain(Duration::from_secs(2))]]);
        let err = Agent::new()
            .put(server.url("/"))
            .send_reader_sized(data, len)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
        assert!(err.to_string().contains("Content-Length"), "{err}");
    }
}

#[test]
fn files_are_sent_with_their_length() {
    let dir = std::env::temp_dir().join(format!("h1client-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("upload.bin");
    std::fs::write(&path, vec![b'f'; 70_000]).unwrap();
    let r = capture(|a, s| a.put(s.url("/")).send_file(std::fs::File::open(&path).unwrap()));
    assert_eq!((r.header("content-length"), r.body.len()), (Some("70000"), 70_000));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn seekable_readers_are_sent_from_their_position_and_replayed_on_307() {
    let data: Vec<u8> = (0..50_000u32).map(|i| (i % 256) as u8).collect();
    let mut cursor = std::io::Cursor::new(data.clone());
    cursor.set_position(1000);
    let server = Server::responses(vec![
        vec![send(support::resp(
            "307 Temporary Redirect",
            &["Location: /again"],
            b"",
        ))],
        vec![send(support::ok("ok"))],
    ]);
    let resp = Agent::new().put(server.url("/")).send_seekable(cursor).unwrap();
    assert_eq!(resp.text().unwrap(), "ok");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert_eq!(r.header("content-length"), Some("49000"));
        assert!(r.body == data[1000..]);
    }
    assert_eq!(reqs[1].target, "/again");
}

#[test]
fn small_request_goes_out_in_one_segment() {
    // The head and a small body are written together: the server sees them in one read.
    let server = Server::conns(vec![vec![Act::Read, send(support::ok("ok")), Act::Close]]);
    Agent::new()
        .post(server.url("/"))
        .send(b"payload")
        .unwrap()
        .text()
        .unwrap();
    let raw = server.raw(0);
    assert!(raw.ends_with(b"\r\n\r\npayload"));
}

#[test]
fn basic_and_bearer_auth_and_userinfo_become_one_authorization_header() {
    let r = capture(|a, s| a.get(s.url("/")).basic_auth("Aladdin", "open sesame").call());
    assert_eq!(r.header("authorization"), Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
    let r = capture(|a, s| a.get(s.url("/")).bearer_auth("t0k3n").call());
    assert_eq!(r.header("authorization"), Some("Bearer t0k3n"));
    // userinfo becomes Basic auth, percent-decoded, and never appears in the target
    let r = capture(|a, s| a.get(format!("http://u%40ser:p%3Ass@{}/x", s.addr)).call());
    assert_eq!(r.target, "/x");
    // base64("u@ser:p:ss")
    assert_eq!(r.header("authorization"), Some("Basic dUBzZXI6cDpzcw=="));
    assert!(!String::from_utf8_lossy(&r.head).contains("p%3Ass"));
}

#[test]
fn methods_are_sent_as_given() {
    for method in ["PROPFIND", "OPTIONS", "PURGE", "M-SEARCH"] {
        let r = capture(|a, s| a.request(method, s.url("/")).call());
        assert_eq!(r.method, method);
    }
}

/// Every user input that reaches the wire is checked: nothing is sent, not even a connection.
#[test]
fn injection_attempts_are_refused_before_connecting() {
    type Build = fn(&Agent, &str) -> h1client::RequestBuilder;
    #[rustfmt::skip]
    let cases: &[(&str, Build)] = &[
        ("method with CRLF",           |a, u| a.request("GET / HTTP/1.1\r\nX-Injected: yes\r\nX-Pad:", u)),
        ("method with space",          |a, u| a.request("GET /", u)),
        ("empty method",               |a, u| a.request("", u)),
        ("header value CRLF",          |a, u| a.get(u).header("X-A", "v\r\nX-Injected: yes")),
        ("header value LF",            |a, u| a.get(u).header("X-A", "v\nX-Injected: yes")),
        ("header value NUL",           |a, u| a.get(u).header("X-A", "v\0")),
        ("header name CRLF",           |a, u| a.get(u).header("X-A\r\nX-Injected", "yes")),
        ("header name space",          |a, u| a.get(u).header("X A", "v")),
        ("header name colon",          |a, u| a.get(u).header("X:A", "v")),
        ("user agent CRLF",            |a, u| a.get(u).header("User-Agent", "ua\r\nX-Injected: yes")),
        ("basic auth user CRLF",       |a, u| a.get(u).basic_auth("u\r\nX-Injected: yes", "p")),
        ("basic auth user with colon", |a, u| a.get(u).basic_auth("u:x", "p")),
        ("basic auth password NUL",    |a, u| a.get(u).basic_auth("u", "p\0")),
        ("bearer token CRLF",          |a, u| a.get(u).bearer_auth("t\r\nX-Injected: yes")),
        ("host header CRLF",           |a, u| a.get(u).header("Host", "h\r\nX-Injected: yes")),
    ];
    let server = Server::conns(vec![]);
    for (name, build) in cases {
        let err = build(&Agent::new(), &server.url("/")).call().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{name}: {err}");
    }
    assert_eq!(server.connections(), 0, "nothing may be sent");
}

#[test]
fn urls_with_control_characters_are_refused() {
    let server = Server::conns(vec![]);
    for url in [
        format!("{}\r\nX-Injected: yes", server.url("/a")),
        format!("{}\t", server.url("/a")),
        server.url("/a\0"),
    ] {
        let err = Agent::new().get(&url).call().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidUrl, "{url:?}");
    }
    assert_eq!(server.connections(), 0);
}

#[test]
fn http10_requests_say_so_refuse_chunked_bodies_and_do_not_keep_the_connection() {
    let server = Server::always("old");
    let agent = h1client::Agent::builder()
        .http_version(h1client::HttpVersion::Http10)
        .build();
    for _ in 0..2 {
        assert_eq!(
            agent.post(server.url("/p")).send(b"body").unwrap().text().unwrap(),
            "old"
        );
    }
    let reqs = server.requests();
    assert!(
        reqs[0].head.starts_with(b"POST /p HTTP/1.0\r\n"),
        "{:?}",
        String::from_utf8_lossy(&reqs[0].head)
    );
    assert_eq!(reqs[0].body, b"body");
    assert_eq!(
        server.connections(),
        2,
        "an HTTP/1.0 request does not keep its connection"
    );
    let err = agent
        .put(server.url("/s"))
        .send_reader(&b"unknown length"[..])
        .unwrap_err();
    assert_eq!(err.kind(), h1client::ErrorKind::InvalidRequest, "{err}");
    assert_eq!(err.protocol_error(), Some(&h1client::proto::Error::ChunkedInHttp10));
}
