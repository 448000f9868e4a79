//! The `http` crate's types (feature `http`): `Agent::run` sends an `http::Request` as the
//! builder would, and a `Response` becomes an `http::Response<BodyReader>` losing nothing.
#![cfg(feature = "http")]

mod support;

use h1client::{Agent, ErrorKind, Step};
use std::io::Read;
use support::{ok, resp, send, Act, Server};

#[test]
fn run_sends_the_method_uri_every_header_in_order_and_the_body() {
    let server = Server::responses(vec![vec![send(ok("done"))]]);
    let request = http::Request::post(server.url("/items?x=1"))
        .header("X-Tag", "a")
        .header("Content-Type", "text/plain")
        .header("X-Tag", "b")
        .header("Accept", "text/plain")
        .body("hello")
        .unwrap();
    let resp = Agent::builder()
        .default_header("X-Session", "s1")
        .build()
        .run(request)
        .unwrap();
    assert_eq!(resp.text().unwrap(), "done");
    let got = &server.requests()[0];
    assert_eq!((got.method.as_str(), got.target.as_str()), ("POST", "/items?x=1"));
    assert_eq!(got.header_all("x-tag"), ["a", "b"], "repeated headers all go, in order");
    assert_eq!(got.header("content-type"), Some("text/plain"));
    assert_eq!(got.header("x-session"), Some("s1"), "the agent's defaults apply");
    assert_eq!(
        got.header_all("accept"),
        ["text/plain"],
        "and are replaced by a header of the name"
    );
    assert_eq!(got.header("content-length"), Some("5"));
    assert_eq!(got.body, b"hello");
}

#[test]
fn run_sends_every_body_type_and_none_for_unit() {
    let server = Server::responses((0..5).map(|_| vec![send(ok(""))]).collect());
    let agent = Agent::new();
    let url = server.url("/");
    agent.run(http::Request::get(&url).body(()).unwrap()).unwrap();
    agent
        .run(http::Request::put(&url).body(b"arr".as_slice()).unwrap())
        .unwrap();
    agent.run(http::Request::put(&url).body(b"fixed").unwrap()).unwrap();
    agent.run(http::Request::put(&url).body(vec![1u8, 2]).unwrap()).unwrap();
    agent
        .run(http::Request::put(&url).body(String::from("owned")).unwrap())
        .unwrap();
    let bodies: Vec<Vec<u8>> = server.requests().into_iter().map(|r| r.body).collect();
    let want: [&[u8]; 5] = [b"", b"arr", b"fixed", &[1, 2], b"owned"];
    assert_eq!(bodies, want);
    assert_eq!(
        server.requests()[0].header("content-length"),
        None,
        "no body, no length"
    );
}

#[test]
fn run_sends_an_http_1_0_request_as_http_1_0() {
    let server = Server::responses(vec![vec![send(ok("old"))]]);
    let request = http::Request::get(server.url("/"))
        .version(http::Version::HTTP_10)
        .body(())
        .unwrap();
    assert_eq!(Agent::new().run(request).unwrap().text().unwrap(), "old");
    assert!(server.requests()[0].head.starts_with(b"GET / HTTP/1.0\r\n"));
}

#[test]
fn run_refuses_what_it_cannot_send_before_connecting() {
    let server = Server::responses(vec![vec![send(ok(""))]]);
    let agent = Agent::new();
    let h2 = http::Request::get(server.url("/"))
        .version(http::Version::HTTP_2)
        .body(())
        .unwrap();
    let err = agent.run(h2).unwrap_err();
    assert_eq!(
        (err.kind(), err.step()),
        (ErrorKind::InvalidRequest, Step::Request),
        "{err}"
    );
    assert!(err.to_string().contains("HTTP/2"), "{err}");

    let relative = http::Request::get("/only/a/path").body(()).unwrap();
    let err = agent.run(relative).unwrap_err();
    assert_eq!((err.kind(), err.step()), (ErrorKind::InvalidUrl, Step::Url), "{err}");
    assert!(err.to_string().contains("not absolute"), "{err}");

    let binary = http::Request::get(server.url("/"))
        .header("X-Bin", http::HeaderValue::from_bytes(b"caf\xe9").unwrap())
        .body(())
        .unwrap();
    let err = agent.run(binary).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert!(err.to_string().contains("x-bin"), "{err}");
    assert_eq!(server.connections(), 0, "nothing was sent");
}

#[test]
fn a_response_becomes_an_http_response_losing_nothing() {
    let first = resp(
        "200 Fine",
        &["Set-Cookie: a=1", "X-Name:  Andr\u{e9} ", "Set-Cookie: b=2"],
        b"streamed body",
    );
    // the value's byte 0xE9 is obs-text, sent raw (the helper writes UTF-8; replace it)
    let first = replace(&first, "Andr\u{e9}".as_bytes(), b"Andr\xe9");
    let server = Server::responses(vec![vec![send(first)]]);
    let got: http::Response<h1client::BodyReader> = h1client::get(server.url("/p")).call().unwrap().into();
    assert_eq!(got.status(), http::StatusCode::OK);
    assert_eq!(got.version(), http::Version::HTTP_11);
    let cookies: Vec<&[u8]> = got
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.as_bytes())
        .collect();
    let want: [&[u8]; 2] = [b"a=1", b"b=2"];
    assert_eq!(cookies, want);
    assert_eq!(
        got.headers()["x-name"].as_bytes(),
        b"Andr\xe9",
        "value bytes as received, trimmed"
    );
    assert_eq!(got.headers()["content-length"], "13");
    assert_eq!(got.extensions().get::<h1client::Url>().unwrap().path(), "/p");
    let mut body = String::new();
    got.into_body().read_to_string(&mut body).unwrap();
    assert_eq!(body, "streamed body");
}

#[test]
fn the_final_url_after_redirects_and_an_http_1_0_status_are_kept() {
    let server = Server::responses(vec![
        vec![send(resp("302 Found", &["Location: /next"], b""))],
        vec![send(b"HTTP/1.0 404 Not Found\r\nContent-Length: 4\r\n\r\ngone")],
    ]);
    let got: http::Response<h1client::BodyReader> = h1client::get(server.url("/start")).call().unwrap().into();
    assert_eq!(got.status(), http::StatusCode::NOT_FOUND);
    assert_eq!(got.version(), http::Version::HTTP_10);
    assert_eq!(got.extensions().get::<h1client::Url>().unwrap().path(), "/next");
}

#[test]
fn a_body_cut_short_is_still_an_error_through_the_converted_reader() {
    let server = Server::responses(vec![vec![
        send(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"),
        Act::Close,
    ]]);
    let got: http::Response<h1client::BodyReader> = h1client::get(server.url("/")).call().unwrap().into();
    let mut body = Vec::new();
    let err = got.into_body().read_to_end(&mut body).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof, "{err}");
}

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = haystack.windows(from.len()).position(|w| w == from).unwrap();
    [&haystack[..at], to, &haystack[at + from.len()..]].concat()
}
