//! Reading bodies as text and JSON, and sending JSON: charsets (RFC 9110 §8.3), strict decoding,
//! the body limit, and the exact bytes on the wire.

mod support;

use h1client::{Agent, ErrorKind};
use std::time::Duration;
use support::Server;

fn agent() -> Agent {
    Agent::builder().timeout_read(Duration::from_secs(5)).build()
}

fn text_of(content_type: &str, body: &[u8]) -> h1client::Result<String> {
    let ct = format!("Content-Type: {content_type}");
    let server = Server::always_raw(support::resp("200 OK", &[&ct], body));
    agent().get(server.url("/")).call()?.text()
}

#[test]
fn text_follows_the_declared_charset() {
    #[rustfmt::skip]
    let ok: &[(&str, &[u8], &str)] = &[
        ("text/plain", "naïve ✓".as_bytes(), "naïve ✓"),
        ("text/plain; charset=UTF-8", "naïve".as_bytes(), "naïve"),
        ("text/plain; charset=\"iso-8859-1\"", b"na\xefve", "naïve"),
        ("text/html;charset=latin1", b"\xa9", "©"),
        ("text/plain; charset=us-ascii", b"plain", "plain"),
    ];
    for (ct, body, want) in ok {
        assert_eq!(text_of(ct, body).unwrap(), *want, "{ct}");
    }
    #[rustfmt::skip]
    let bad: &[(&str, &[u8])] = &[
        ("text/plain", b"na\xefve"),                  // latin1 bytes, no charset: not UTF-8
        ("text/plain; charset=utf-8", b"\xed\xa0\x80"), // an encoded surrogate
        ("text/plain; charset=us-ascii", b"\xe9"),
    ];
    for (ct, body) in bad {
        let e = text_of(ct, body).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode, "{ct}: {e}");
        assert!(e.host().is_some(), "{e} names the host");
    }
}

#[cfg(feature = "charset")]
#[test]
fn other_charsets_with_the_charset_feature() {
    assert_eq!(
        text_of("text/plain; charset=windows-1252", b"\x93q\x94").unwrap(),
        "\u{201c}q\u{201d}"
    );
    assert_eq!(
        text_of("text/plain; charset=Shift_JIS", b"\x93\xfa\x96\x7b").unwrap(),
        "日本"
    );
    assert_eq!(text_of("text/plain; charset=koi8-r", b"\xf0\xd2\xc9").unwrap(), "При");
    for (ct, body) in [
        ("text/plain; charset=shift_jis", &b"\x93"[..]),
        ("text/plain; charset=euc-kr", b"\xb0"),
        ("text/plain; charset=x-unknown-thing", b"abc"),
    ] {
        let e = text_of(ct, body).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode, "{ct}: {e}");
    }
}

#[cfg(not(feature = "charset"))]
#[test]
fn other_charsets_without_the_feature_are_an_error_not_a_guess() {
    let e = text_of("text/plain; charset=windows-1252", b"abc").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
}

#[cfg(feature = "json")]
mod json {
    use super::*;
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;
    use support::Act;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Item {
        id: u32,
        name: String,
        tags: Vec<String>,
    }

    #[test]
    fn json_request_bytes_and_response_value() {
        let server = Server::conns(vec![vec![
            Act::Read,
            Act::Send(support::resp(
                "200 OK",
                &["Content-Type: application/json"],
                br#"{"id":7,"name":"caf\u00e9","tags":["a","b"]}"#,
            )),
            Act::Drain(Duration::from_secs(5)),
        ]]);
        let item = Item {
            id: 7,
            name: "café".into(),
            tags: vec!["a".into(), "b".into()],
        };
        let got: Item = agent()
            .post(server.url("/items"))
            .send_json(&item)
            .unwrap()
            .json()
            .unwrap();
        assert_eq!(got, item);
        let req = &server.requests()[0];
        let body = r#"{"id":7,"name":"café","tags":["a","b"]}"#;
        assert_eq!(req.body, body.as_bytes());
        assert_eq!(req.header_all("Content-Type"), ["application/json"]);
        assert_eq!(req.header("Content-Length"), Some(body.len().to_string().as_str()));
        assert!(!req.chunked);
    }

    #[test]
    fn the_callers_content_type_wins() {
        let server = Server::always("{}");
        let _: BTreeMap<String, u8> = agent()
            .put(server.url("/"))
            .header("Content-Type", "application/merge-patch+json")
            .send_json(&[1, 2, 3])
            .unwrap()
            .json()
            .unwrap();
        let req = &server.requests()[0];
        assert_eq!(req.header_all("Content-Type"), ["application/merge-patch+json"]);
        assert_eq!(req.body, b"[1,2,3]");
    }

    #[test]
    fn unserializable_value_sends_nothing() {
        let server = Server::always("{}");
        let mut map = BTreeMap::new();
        map.insert(vec![1u8], 1u8); // JSON object keys must be strings
        let e = agent().post(server.url("/")).send_json(&map).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{e}");
        assert!(e.to_string().contains("JSON"), "{e}");
        assert_eq!(server.connections(), 0);
    }

    #[test]
    fn bad_json_and_large_json_are_errors() {
        let server = Server::always_raw(support::resp("200 OK", &[], br#"{"id": 1, "name": "x""#));
        let e = agent().get(server.url("/")).call().unwrap().json::<Item>().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
        let server = Server::always_raw(support::resp("200 OK", &[], br#"{"id": "seven"}"#));
        let e = agent().get(server.url("/")).call().unwrap().json::<Item>().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
        let big = format!("[{}0]", "0,".repeat(1000));
        let server = Server::always_raw(support::resp("200 OK", &[], big.as_bytes()));
        let small = Agent::builder().body_limit(1000).build();
        let e = small
            .get(server.url("/"))
            .call()
            .unwrap()
            .json::<Vec<u8>>()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BodyTooLarge, "{e}");
        let v: Vec<u8> = agent().get(server.url("/")).call().unwrap().json().unwrap();
        assert_eq!(v.len(), 1001);
    }
}
