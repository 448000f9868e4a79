//! Redirects (RFC 9110 §15.4): how many, with which method and body, to where, and which
//! credentials stay behind when the origin changes.

mod support;
#[path = "support/tls.rs"]
mod tls_support;

use h1client::{Agent, ErrorKind, Event, Step};
use std::sync::{Arc, Mutex};
use support::{ok, resp, send, Act, Server};

fn redirect(status: &str, location: &str) -> Vec<u8> {
    resp(status, &[&format!("Location: {location}")], b"redirect body")
}

#[test]
fn follows_up_to_the_limit_and_reports_the_final_url() {
    let hops: Vec<Vec<Act>> = (1..=10)
        .map(|i| vec![Act::Send(redirect("302 Found", &format!("/{}", i + 1)))])
        .chain([vec![send(ok("landed"))]])
        .collect();
    let server = Server::responses(hops);
    let resp = Agent::new().get(server.url("/1")).call().unwrap();
    assert_eq!(resp.url().as_str(), server.url("/11"));
    assert_eq!(resp.text().unwrap(), "landed");
    assert_eq!(server.requests().len(), 11);
    assert_eq!(
        server.connections(),
        1,
        "redirect bodies are drained and the connection reused"
    );

    let server = Server::responses(
        (0..12)
            .map(|i| vec![Act::Send(redirect("302 Found", &format!("/{i}")))])
            .collect(),
    );
    let err = Agent::builder()
        .max_redirects(3)
        .build()
        .get(server.url("/"))
        .call()
        .unwrap_err();
    assert_eq!((err.kind(), err.step()), (ErrorKind::TooManyRedirects, Step::Redirect));
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn max_redirects_zero_returns_the_redirect() {
    let server = Server::responses(vec![vec![Act::Send(redirect("301 Moved Permanently", "/b"))]]);
    let resp = Agent::builder()
        .max_redirects(0)
        .build()
        .get(server.url("/a"))
        .call()
        .unwrap();
    assert_eq!(resp.status(), 301);
    assert_eq!(resp.header("location"), Some("/b"));
    assert_eq!(resp.text().unwrap(), "redirect body");
}

/// (status, method, body kind, next method, next body)
#[test]
fn method_and_body_rewrite_on_the_wire() {
    #[derive(Clone, Copy, Debug)]
    enum B {
        Bytes,
        Form,
        File,
    }
    let cases: &[(&str, &str, B, &str, &[u8])] = &[
        ("301 Moved Permanently", "POST", B::Form, "GET", b""),
        ("302 Found", "POST", B::Bytes, "GET", b""),
        ("303 See Other", "POST", B::Bytes, "GET", b""),
        ("303 See Other", "PUT", B::File, "GET", b""),
        ("302 Found", "PUT", B::Bytes, "PUT", b"payload"),
        ("307 Temporary Redirect", "POST", B::Bytes, "POST", b"payload"),
        ("307 Temporary Redirect", "POST", B::Form, "POST", b"a=1&b=two+words"),
        ("308 Permanent Redirect", "PUT", B::File, "PUT", b"file body\n"),
        ("307 Temporary Redirect", "DELETE", B::Bytes, "DELETE", b"payload"),
    ];
    let dir = std::env::temp_dir().join(format!("h1client-redir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("body.txt");
    std::fs::write(&path, b"file body\n").unwrap();
    for (status, method, body, next_method, next_body) in cases {
        let server = Server::responses(vec![vec![Act::Send(redirect(status, "/next"))], vec![send(ok("done"))]]);
        let req = Agent::new()
            .request(method, server.url("/start"))
            .header("Content-Type", "text/plain");
        let resp = match body {
            B::Bytes => req.send(b"payload"),
            B::Form => req.send_form(&[("a", "1"), ("b", "two words")]),
            B::File => req.send_file(std::fs::File::open(&path).unwrap()),
        }
        .unwrap();
        assert_eq!(resp.text().unwrap(), "done", "{status} {method}");
        let second = &server.requests()[1];
        assert_eq!(second.method, *next_method, "{status} {method} {body:?}");
        assert_eq!(second.body, *next_body, "{status} {method} {body:?}");
        if next_body.is_empty() {
            for h in ["content-length", "content-type", "transfer-encoding"] {
                assert!(
                    second.header(h).is_none(),
                    "{status} {method}: {h} must go with the body"
                );
            }
        } else {
            assert_eq!(
                second.header("content-length"),
                Some(next_body.len().to_string().as_str())
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn streamed_body_cannot_be_replayed_so_307_is_returned() {
    let server = Server::responses(vec![vec![Act::Send(redirect("307 Temporary Redirect", "/next"))]]);
    let resp = Agent::new().post(server.url("/")).send_reader(&b"stream"[..]).unwrap();
    assert_eq!(resp.status(), 307);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn head_stays_head_after_303() {
    let server = Server::responses(vec![
        vec![Act::Send(redirect("303 See Other", "/b"))],
        vec![send(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n")],
    ]);
    Agent::new().head(server.url("/a")).call().unwrap();
    assert_eq!(server.requests()[1].method, "HEAD");
}

#[test]
fn location_forms_resolve_against_the_request_url() {
    // (request path, Location, path the next request asks for)
    let cases = [
        ("/a/b/c", "d/e", "/a/b/d/e"),
        ("/a/b/c", "../x?y=1", "/a/x?y=1"),
        ("/a", "/abs", "/abs"),
        ("/s", "/a b", "/a%20b"),
        ("/s", "?q=only", "/s?q=only"),
    ];
    for (from, location, to) in cases {
        let server = Server::responses(vec![
            vec![Act::Send(redirect("302 Found", location))],
            vec![send(ok("ok"))],
        ]);
        Agent::new().get(server.url(from)).call().unwrap().text().unwrap();
        assert_eq!(server.requests()[1].target, to, "{from} + {location}");
    }
    // protocol-relative and absolute locations to another origin; the fragment is carried over
    let target = Server::responses(vec![vec![send(ok("there"))]]);
    let location = format!("//localhost:{}/y", target.addr.port());
    let server = Server::responses(vec![vec![Act::Send(redirect("302 Found", &location))]]);
    let resp = Agent::new().get(format!("{}#frag", server.url("/x"))).call().unwrap();
    assert_eq!(
        resp.url().as_str(),
        format!("http://localhost:{}/y#frag", target.addr.port())
    );
    assert_eq!(
        target.requests()[0].header("host"),
        Some(format!("localhost:{}", target.addr.port()).as_str())
    );
    assert_eq!(target.requests()[0].header_all("host").len(), 1);
}

#[test]
fn empty_or_missing_location_is_not_followed() {
    for raw in [
        resp("302 Found", &["Location: "], b"body"),
        resp("302 Found", &[], b"body"),
    ] {
        let server = Server::responses(vec![vec![Act::Send(raw)]]);
        let resp = Agent::new().get(server.url("/")).call().unwrap();
        assert_eq!((resp.status(), resp.text().unwrap().as_str()), (302, "body"));
        assert_eq!(server.requests().len(), 1);
    }
}

#[test]
fn non_http_locations_are_refused() {
    for location in [
        "file:///etc/passwd",
        "ftp://127.0.0.1/x",
        "javascript:alert(1)",
        "data:text/plain,hi",
    ] {
        let server = Server::responses(vec![vec![Act::Send(redirect("302 Found", location))]]);
        let err = Agent::new().get(server.url("/")).call().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::RedirectRefused, "{location}: {err}");
        assert_eq!(server.requests().len(), 1);
    }
}

#[test]
fn https_to_http_downgrade_is_refused_unless_allowed() {
    use tls_support::{certs, server_config, tsend, TlsServer};
    let plain = Server::responses(vec![vec![send(ok("plain"))]]);
    let location = plain.url("/insecure");
    let make = || {
        TlsServer::responses(
            server_config(&certs().localhost),
            vec![vec![tsend(redirect("302 Found", &location))]],
        )
    };
    let agent = |allow: bool| {
        Agent::builder()
            .add_root_certificates_pem(certs().ca_pem.as_bytes())
            .only_added_roots(true)
            .allow_https_downgrade(allow)
            .build()
    };
    let tls = make();
    let err = agent(false).get(tls.url("/")).call().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RedirectRefused);
    assert!(err.to_string().contains("downgrade"), "{err}");
    assert_eq!(plain.connections(), 0);
    let tls = make();
    assert_eq!(agent(true).get(tls.url("/")).call().unwrap().text().unwrap(), "plain");
}

/// Credentials never reach another origin (scheme, host and port), however they were given.
#[test]
fn credentials_stay_with_their_origin() {
    let other = Server::responses(vec![vec![send(ok("other"))]; 4]);
    let origins = [
        format!("http://localhost:{}/b", other.addr.port()), // other host, other port
        other.url("/b"),                                     // same host, other port
    ];
    for location in &origins {
        let server = Server::responses(vec![vec![Act::Send(redirect("302 Found", location))]]);
        let agent = Agent::new();
        agent
            .get(server.url("/a"))
            .header("Authorization", "Bearer s3cret")
            .header("Cookie", "sid=42")
            .header("Proxy-Authorization", "Basic cHJveHk=")
            .header("X-Other", "kept")
            .call()
            .unwrap()
            .text()
            .unwrap();
        let first = &server.requests()[0];
        assert_eq!(first.header("authorization"), Some("Bearer s3cret"));
        let last = other.requests().pop().unwrap();
        for h in ["authorization", "cookie", "proxy-authorization"] {
            assert!(last.header(h).is_none(), "{h} leaked to {location}");
        }
        assert_eq!(last.header("x-other"), Some("kept"));
    }
    // userinfo credentials and basic_auth() likewise
    let server = Server::responses(vec![vec![Act::Send(redirect("302 Found", &origins[0]))]]);
    let url = format!("http://user:pw@{}/a", server.addr);
    Agent::new().get(&url).call().unwrap().text().unwrap();
    assert!(server.requests()[0].header("authorization").is_some());
    assert!(other.requests().pop().unwrap().header("authorization").is_none());
    let server = Server::responses(vec![vec![Act::Send(redirect("302 Found", &origins[1]))]]);
    Agent::new()
        .get(server.url("/a"))
        .basic_auth("u", "p")
        .call()
        .unwrap()
        .text()
        .unwrap();
    assert!(other.requests().pop().unwrap().header("authorization").is_none());
}

#[test]
fn credentials_are_kept_on_the_same_origin_and_the_trace_says_what_was_dropped() {
    let server = Server::responses(vec![vec![Act::Send(redirect("302 Found", "/b"))], vec![send(ok("ok"))]]);
    Agent::new()
        .get(server.url("/a"))
        .basic_auth("user", "pass")
        .call()
        .unwrap()
        .text()
        .unwrap();
    let requests = server.requests();
    // base64("user:pass")
    assert_eq!(requests[0].header("authorization"), Some("Basic dXNlcjpwYXNz"));
    assert_eq!(requests[1].header("authorization"), Some("Basic dXNlcjpwYXNz"));

    let other = Server::responses(vec![vec![send(ok("other"))]]);
    let location = format!("http://localhost:{}/", other.addr.port());
    let server = Server::responses(vec![vec![Act::Send(redirect("302 Found", &location))]]);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let agent = Agent::builder()
        .trace(move |e| {
            if let Event::Redirect {
                status, to, dropped, ..
            } = e
            {
                log.lock().unwrap().push(format!("{status} {to} {dropped:?}"));
            }
        })
        .build();
    agent
        .get(server.url("/"))
        .header("Cookie", "a=1")
        .call()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), [format!("302 {location} [\"Cookie\"]")]);
}

#[test]
fn large_redirect_body_closes_instead_of_draining() {
    let big = vec![b'r'; 1 << 20];
    let server = Server::responses(vec![
        vec![Act::Send(resp("302 Found", &["Location: /b"], &big))],
        vec![send(ok("fresh"))],
    ]);
    assert_eq!(
        Agent::new().get(server.url("/a")).call().unwrap().text().unwrap(),
        "fresh"
    );
    assert_eq!(server.connections(), 2);
}

/// A redirect with this head, then its body trickling (100 bytes, one every 300 ms, the
/// connection kept open): waiting for that body would delay the redirect by 30 s; it is not
/// needed, so the connection is closed instead and the redirect followed at once.
fn a_redirect_with_a_slow_body_is_followed_at_once(head: &[u8]) {
    let server = Server::conns(vec![
        vec![
            Act::Read,
            send(head),
            Act::Trickle(vec![b'x'; 100], std::time::Duration::from_millis(300)),
        ],
        vec![
            Act::Read,
            send(ok("next")),
            Act::Drain(std::time::Duration::from_secs(5)),
        ],
    ]);
    let started = std::time::Instant::now();
    let body = Agent::new().get(server.url("/")).call().unwrap().text().unwrap();
    assert_eq!(body, "next");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn a_redirect_with_a_slow_close_delimited_body_is_followed_at_once() {
    // no length: the body runs until the close
    a_redirect_with_a_slow_body_is_followed_at_once(b"HTTP/1.1 302 Found\r\nLocation: /next\r\n\r\n");
}

#[test]
fn a_redirect_with_a_slow_framed_body_is_followed_at_once() {
    // the head announces 100 bytes that then trickle: not at hand, so not waited for
    a_redirect_with_a_slow_body_is_followed_at_once(
        b"HTTP/1.1 307 Temporary Redirect\r\nLocation: /next\r\nContent-Length: 100\r\n\r\n",
    );
}

#[test]
fn a_redirect_body_already_at_hand_keeps_the_connection() {
    let chunked = b"HTTP/1.1 302 Found\r\nLocation: /b\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nmove\r\n0\r\n\r\n";
    let server = Server::responses(vec![
        vec![send(redirect("301 Moved Permanently", "/a"))],
        vec![send(chunked)],
        vec![send(ok("landed"))],
    ]);
    let agent = Agent::new();
    assert_eq!(agent.get(server.url("/")).call().unwrap().text().unwrap(), "landed");
    assert_eq!(server.connections(), 1, "both redirect bodies were in the buffer");
    assert_eq!(server.requests().len(), 3);
}
