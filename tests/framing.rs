//! Response framing over real loopback sockets: raw response bytes in, body or typed error out
//! (RFC 9112 §4–§7). Each case also checks that a complete body is delivered without waiting for
//! the server to close, and that a cut-short body is an error, never a short success.

mod support;

use h1client::{proto, Agent, ErrorKind};
use std::io::Read;
use std::time::Duration;
use support::{send, Act, Server};

#[derive(Debug)]
enum Want {
    Body(&'static [u8]),
    Fail(ErrorKind, &'static str),
    /// A `Protocol` error for this rule.
    Proto(proto::Error),
}
use Want::*;

struct Case {
    name: &'static str,
    method: &'static str,
    raw: &'static [u8],
    /// The server closes after sending (else it keeps the connection open).
    close: bool,
    want: Want,
}

fn case(name: &'static str, raw: &'static [u8], close: bool, want: Want) -> Case {
    Case {
        name,
        method: "GET",
        raw,
        close,
        want,
    }
}

#[rustfmt::skip]
fn cases() -> Vec<Case> {
    use proto::Error::*;
    vec![
    // Content-Length
    case("cl_exact_without_close", b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false, Body(b"hello")),
    case("cl_zero", b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, Body(b"")),
    case("cl_short_then_close_is_truncation", b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", true, Fail(ErrorKind::Io, "connection closed after 5 of 10 body bytes")),
    case("cl_duplicate_same_is_folded", b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", false, Body(b"hello")),
    case("cl_list_same_is_folded", b"HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello", false, Body(b"hello")),
    case("cl_differing_is_protocol_error", b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", false, Proto(ConflictingContentLength { first: 5, second: 6 })),
    case("cl_plus_sign_is_protocol_error", b"HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello", false, Proto(InvalidContentLength { value: "+5".into() })),
    case("cl_negative_is_protocol_error", b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nhello", true, Proto(InvalidContentLength { value: "-1".into() })),
    case("cl_hex_is_protocol_error", b"HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\nhello", true, Proto(InvalidContentLength { value: "0x5".into() })),
    case("cl_overflow_is_protocol_error", b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", true, Proto(ContentLengthTooLarge { value: "99999999999999999999".into() })),
    case("cl_inner_space_is_protocol_error", b"HTTP/1.1 200 OK\r\nContent-Length: 1 0\r\n\r\nhello", true, Proto(InvalidContentLength { value: "1 0".into() })),
    // until close
    case("no_length_reads_until_close", b"HTTP/1.1 200 OK\r\n\r\nuntil the end", true, Body(b"until the end")),
    case("unknown_te_is_read_until_close_and_refused", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", true, Fail(ErrorKind::Decode, "transfer coding \"xchunked\" is not supported")),
    case("chunked_not_final_is_read_until_close_and_refused", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nraw", true, Fail(ErrorKind::Decode, "\"chunked\" is not the final one")),
    // chunked
    case("chunked_basic", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", false, Body(b"hello world")),
    case("chunked_with_extensions", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\"q;x\"\r\nhello\r\n0;last\r\n\r\n", false, Body(b"hello")),
    case("chunked_te_with_ows", b"HTTP/1.1 200 OK\r\nTransfer-Encoding:   chunked  \r\n\r\n5\r\nhello\r\n0\r\n\r\n", false, Body(b"hello")),
    case("chunked_wins_over_content_length", b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false, Body(b"hello")),
    case("chunked_size_overflow_is_protocol_error", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000005\r\nhello\r\n0\r\n\r\n", true, Proto(ChunkSizeTooLong)),
    case("chunked_size_2_pow_64_is_protocol_error", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n", true, Proto(ChunkSizeTooLong)),
    case("chunked_size_plus_sign_is_protocol_error", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n0\r\n\r\n", true, Proto(ChunkSizeMissing { found: b'+' })),
    case("chunked_size_0x_is_protocol_error", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", true, Proto(InvalidAfterChunkSize { found: b'x' })),
    case("chunked_size_empty_is_protocol_error", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\nhello\r\n0\r\n\r\n", true, Proto(ChunkSizeMissing { found: b'\r' })),
    case("chunked_data_without_crlf_is_protocol_error", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n", true, Proto(ChunkDataNotCrlf)),
    case("chunked_bare_lf_is_protocol_error", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\n0\n\n", false, Proto(ChunkLineNotCrlf)),
    case("unknown_coding_before_chunked_is_decode_error", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: foo, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false, Fail(ErrorKind::Decode, "transfer coding \"foo\" is not supported")),
    case("chunked_twice_is_protocol_error", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false, Proto(ChunkedTwice)),
    case("chunked_cut_in_data_is_truncation", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nhello", true, Fail(ErrorKind::Io, "in the middle of the chunked body")),
    case("chunked_cut_before_last_chunk_is_truncation", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", true, Fail(ErrorKind::Io, "in the middle of the chunked body")),
    case("chunked_cut_in_trailers_is_truncation", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n", true, Fail(ErrorKind::Io, "in the middle of the chunked body")),
    // bodiless
    case("204_ignores_content_length", b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", false, Body(b"")),
    case("304_ignores_content_length", b"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", false, Body(b"")),
    Case { name: "head_ignores_content_length", method: "HEAD", raw: b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", close: false, want: Body(b"") },
    Case { name: "head_ignores_chunked", method: "HEAD", raw: b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", close: false, want: Body(b"") },
    // interim responses
    case("interim_responses_are_skipped", b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false, Body(b"ok")),
    case("interim_content_length_is_ignored", b"HTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false, Body(b"ok")),
    // head syntax
    case("obs_fold_is_accepted", b"HTTP/1.1 200 OK\r\nX-Folded: a\r\n  b\r\nContent-Length: 2\r\n\r\nok", false, Body(b"ok")),
    case("bare_lf_head_is_accepted", b"HTTP/1.1 200 OK\nContent-Length: 2\n\nok", false, Body(b"ok")),
    case("http10_response", b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", false, Body(b"ok")),
    case("status_http2_is_protocol_error", b"HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok", true, Proto(InvalidVersion)),
    case("status_icy_is_protocol_error", b"ICY 200 OK\r\n\r\n", true, Proto(NotHttp { start: b"ICY 200 OK\r\n\r\n".to_vec() })),
    case("status_600_is_kept_as_an_error_status", b"HTTP/1.1 600 Odd\r\nContent-Length: 2\r\n\r\nok", false, Body(b"ok")),
    case("status_099_is_protocol_error", b"HTTP/1.1 099 Low\r\nContent-Length: 2\r\n\r\nok", true, Proto(StatusBelow100 { status: 99 })),
    case("close_after_interim_responses_is_an_empty_reply", b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n\r\n", true, Fail(ErrorKind::Io, "before the final response (empty reply)")),
    case("status_two_digits_is_protocol_error", b"HTTP/1.1 20 OK\r\n\r\n", true, Proto(InvalidStatusCode)),
    case("http09_reply_is_protocol_error", b"hello world\n\n", true, Proto(NotHttp { start: b"hello world\n\n".to_vec() })),
    case("head_cut_short_is_protocol_error", b"HTTP/1.1 200 OK\r\nContent-Le", true, Fail(ErrorKind::Protocol, "in the middle of the response head")),
    case("empty_reply_is_io_error", b"", true, Fail(ErrorKind::Io, "empty reply")),
    case("space_before_colon_is_protocol_error", b"HTTP/1.1 200 OK\r\nContent-Length : 100\r\nContent-Length: 2\r\n\r\nok", false, Proto(InvalidFieldName)),
    ]
}

fn agent() -> Agent {
    Agent::builder().timeout_read(Duration::from_secs(3)).build()
}

#[test]
fn framing_table_rows_give_their_body_or_a_typed_error_naming_the_host() {
    for c in cases() {
        let then = if c.close {
            Act::Close
        } else {
            Act::Drain(Duration::from_secs(5))
        };
        let server = Server::conns(vec![vec![Act::Read, send(c.raw), then]]);
        let got = agent()
            .request(c.method, server.url("/"))
            .call()
            .and_then(|r| r.bytes());
        match (&c.want, got) {
            (Body(want), Ok(body)) => assert_eq!(body, *want, "{}", c.name),
            (Proto(rule), Err(e)) => {
                assert_eq!(e.kind(), ErrorKind::Protocol, "{}: {e}", c.name);
                assert_eq!(e.protocol_error(), Some(rule), "{}: {e}", c.name);
                assert!(
                    e.to_string().contains(&server.addr.to_string()),
                    "{}: {e} names the host",
                    c.name
                );
            }
            (Fail(kind, needle), Err(e)) => {
                assert_eq!(e.kind(), *kind, "{}: {e}", c.name);
                assert!(
                    e.to_string().contains(needle),
                    "{}: {e:?} should say {needle:?}",
                    c.name
                );
                assert!(
                    e.to_string().contains(&server.addr.to_string()),
                    "{}: {e} names the host",
                    c.name
                );
            }
            (want, got) => panic!("{}: want {want:?}, got {got:?}", c.name),
        }
    }
}

#[test]
fn large_bodies_arrive_intact_in_every_framing() {
    let body: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let mut chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    let sizes = [1usize, 2, 7, 100, 4096, 65536, 1000, 16384];
    let (mut i, mut k) = (0, 0);
    while i < body.len() {
        let n = sizes[k % sizes.len()].min(body.len() - i);
        chunked.extend_from_slice(format!("{n:x}\r\n").as_bytes());
        chunked.extend_from_slice(&body[i..i + n]);
        chunked.extend_from_slice(b"\r\n");
        i += n;
        k += 1;
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let mut until_close = b"HTTP/1.1 200 OK\r\n\r\n".to_vec();
    until_close.extend_from_slice(&body);
    for (raw, close) in [
        (support::resp("200 OK", &[], &body), false),
        (chunked, false),
        (until_close, true),
    ] {
        let then = if close {
            Act::Close
        } else {
            Act::Drain(Duration::from_secs(5))
        };
        let server = Server::conns(vec![vec![Act::Read, Act::Send(raw), then]]);
        let mut reader = agent().get(server.url("/")).call().unwrap().into_reader();
        let mut got = Vec::new();
        // an odd read size exercises partial chunks and buffered leftovers
        let mut buf = [0u8; 5003];
        loop {
            let n = reader.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        assert!(got == body, "body differs ({} bytes vs {})", got.len(), body.len());
    }
}

#[test]
fn head_trickled_byte_by_byte_is_read() {
    let server = Server::conns(vec![vec![
        Act::Read,
        Act::Trickle(support::ok("hello"), Duration::from_millis(2)),
        Act::Drain(Duration::from_secs(5)),
    ]]);
    assert_eq!(agent().get(server.url("/")).call().unwrap().text().unwrap(), "hello");
}

#[test]
fn truncated_body_error_comes_from_read_after_partial_data() {
    let server = Server::conns(vec![vec![
        Act::Read,
        send(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"),
        Act::Sleep(Duration::from_millis(100)),
        Act::Close,
    ]]);
    let mut reader = agent().get(server.url("/")).call().unwrap().into_reader();
    let mut buf = [0u8; 64];
    assert_eq!(reader.read(&mut buf).unwrap(), 5);
    let err = reader.read(&mut buf).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    let err = h1client::Error::from(err);
    assert_eq!(err.kind(), ErrorKind::Io);
    assert_eq!(err.step(), h1client::Step::ReceiveBody);
    // and it stays an error: no silent Ok(0) afterwards
    assert!(reader.read(&mut buf).is_err());
}

#[test]
fn connection_reset_mid_body_is_an_error() {
    let server = Server::conns(vec![vec![
        Act::Read,
        send(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"),
        Act::Sleep(Duration::from_millis(100)),
        Act::Reset,
    ]]);
    let err = agent().get(server.url("/")).call().unwrap().bytes().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
}

#[test]
fn head_limits_are_enforced_and_configurable() {
    let mut many = b"HTTP/1.1 200 OK\r\n".to_vec();
    for i in 0..150 {
        many.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
    }
    many.extend_from_slice(b"Content-Length: 2\r\n\r\nok");
    let server = Server::conns(vec![vec![Act::Read, Act::Send(many.clone()), Act::Close]]);
    let err = agent().get(server.url("/")).call().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol);
    assert!(err.to_string().contains("more than 100 header fields"), "{err}");

    let server = Server::conns(vec![vec![Act::Read, Act::Send(many), Act::Close]]);
    let relaxed = Agent::builder().max_headers(200).build();
    assert_eq!(relaxed.get(server.url("/")).call().unwrap().text().unwrap(), "ok");

    let mut huge = b"HTTP/1.1 200 OK\r\nX-Huge: ".to_vec();
    huge.resize(200_000, b'b');
    let server = Server::conns(vec![vec![Act::Read, Act::Send(huge), Act::Close]]);
    let err = agent().get(server.url("/")).call().unwrap_err();
    assert!(err.to_string().contains("exceeds the limit of 65536 bytes"), "{err}");

    let server = Server::conns(vec![vec![
        Act::Read,
        send(support::resp(
            "200 OK",
            &["X-Big: 0123456789012345678901234567890123456789012345678901234567890123456789"],
            b"ok",
        )),
        Act::Close,
    ]]);
    let err = Agent::builder()
        .max_head_size(64)
        .build()
        .get(server.url("/"))
        .call()
        .unwrap_err();
    assert!(err.to_string().contains("exceeds the limit of 64 bytes"), "{err}");
}

#[test]
fn response_head_accessors_give_status_reason_version_and_headers() {
    let raw = b"HTTP/1.1 201 Created\r\nX-A: 1\r\nset-cookie: a=1\r\nSet-Cookie: b=2\r\nX-Latin: caf\xe9\r\nContent-Length: 2\r\n\r\nok";
    let server = Server::conns(vec![vec![Act::Read, send(raw), Act::Close]]);
    let resp = agent().get(server.url("/p?q=1")).call().unwrap();
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.reason(), "Created");
    assert_eq!(resp.http_version(), "HTTP/1.1");
    assert_eq!(resp.header("x-a"), Some("1"));
    assert_eq!(resp.header_all("Set-Cookie").collect::<Vec<_>>(), ["a=1", "b=2"]);
    assert_eq!(resp.header("x-latin"), Some("café"));
    assert_eq!(resp.header_bytes("x-latin"), Some(&b"caf\xe9"[..]));
    assert_eq!(resp.headers().count(), 5);
    assert_eq!(resp.content_length(), Some(2));
    assert_eq!(resp.url().as_str(), server.url("/p?q=1"));
    assert!(resp.raw_head().starts_with(b"HTTP/1.1 201 Created\r\n") && resp.raw_head().ends_with(b"\r\n\r\n"));
    assert_eq!(resp.text().unwrap(), "ok");
}

#[test]
fn trailers_are_readable_after_the_body() {
    let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n";
    let server = Server::conns(vec![vec![Act::Read, send(raw), Act::Drain(Duration::from_secs(5))]]);
    let mut reader = agent().get(server.url("/")).call().unwrap().into_reader();
    assert!(reader.trailers().is_empty());
    let mut body = String::new();
    reader.read_to_string(&mut body).unwrap();
    assert_eq!(body, "hello");
    assert_eq!(reader.trailers()[0], ("X-Checksum".to_string(), "abc".to_string()));
    assert_eq!(reader.trailers().len(), 2);
}

#[test]
fn endless_trailers_hit_the_head_limit() {
    let mut raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n".to_vec();
    for i in 0..5000 {
        raw.extend_from_slice(format!("X-T{i}: vvvvvvvvvvvvvvvvvvvv\r\n").as_bytes());
    }
    let server = Server::conns(vec![vec![Act::Read, Act::Send(raw), Act::Close]]);
    let err = agent().get(server.url("/")).call().unwrap().bytes().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol);
    assert!(err.to_string().contains("trailer section exceeds"), "{err}");
}

#[test]
fn body_limit_applies_to_bytes_and_text_but_not_the_reader() {
    let body = vec![b'x'; 5000];
    let make = || {
        Server::conns(vec![vec![
            Act::Read,
            Act::Send(support::resp("200 OK", &[], &body)),
            Act::Close,
        ]])
    };
    let limited = Agent::builder().body_limit(4096).build();
    let server = make();
    let err = limited.get(server.url("/")).call().unwrap().bytes().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyTooLarge);
    let server = make();
    assert_eq!(
        limited.get(server.url("/")).call().unwrap().text().unwrap_err().kind(),
        ErrorKind::BodyTooLarge
    );
    let server = make();
    let mut all = Vec::new();
    limited
        .get(server.url("/"))
        .call()
        .unwrap()
        .into_reader()
        .read_to_end(&mut all)
        .unwrap();
    assert_eq!(all.len(), 5000);
}

#[test]
fn text_decoding_is_strict_utf8_unless_a_charset_is_declared() {
    #[rustfmt::skip]
    let cases: &[(&[&str], &[u8], Result<&str, ErrorKind>)] = &[
        (&[],                                               "héllo".as_bytes(), Ok("héllo")),
        (&["Content-Type: text/plain; charset=ISO-8859-1"], b"h\xe9llo",        Ok("héllo")),
        (&[],                                               b"h\xe9llo",        Err(ErrorKind::Decode)),
    ];
    for (headers, body, want) in cases {
        let server = Server::conns(vec![vec![
            Act::Read,
            Act::Send(support::resp("200 OK", headers, body)),
            Act::Close,
        ]]);
        let got = agent().get(server.url("/")).call().unwrap().text();
        match (got, want) {
            (Ok(t), Ok(w)) => assert_eq!(t, *w),
            (Err(e), Err(k)) => assert_eq!(e.kind(), *k),
            (got, want) => panic!("{headers:?}: got {got:?}, want {want:?}"),
        }
    }
}
