//! Content codings over loopback (RFC 9110 §8.4): compressed bodies in, decoded bytes or typed
//! errors out, in every framing; what the request asks for (`Accept-Encoding`); limits on what a
//! small body may expand to; and that the connection survives a decoded body.

mod support;

use h1client::{Agent, ErrorKind};
use std::io::{Read, Write};
use std::time::Duration;
use support::{send, Act, Server};

/// `n` bytes of text made of words in a pseudo-random order (it compresses, but not to nothing).
fn text(n: usize) -> Vec<u8> {
    let words = [
        "alpha ", "bravo ", "charlie ", "delta ", "echo ", "foxtrot ", "golf ", "hotel ",
    ];
    let mut out = Vec::with_capacity(n + 8);
    let mut x: u32 = 12345;
    while out.len() < n {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        out.extend_from_slice(words[(x >> 16) as usize % words.len()].as_bytes());
        if x % 7 == 0 {
            out.extend_from_slice(format!("{} ", x % 1000).as_bytes());
        }
    }
    out.truncate(n);
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn raw_deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn br(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
        w.write_all(data).unwrap();
    }
    out
}

/// A response with these headers and body, framed with Content-Length.
fn cl(headers: &[&str], body: &[u8]) -> Vec<u8> {
    support::resp("200 OK", headers, body)
}

/// A chunked response cutting the body into pieces of `size` bytes, with a trailer.
fn chunked(headers: &[&str], body: &[u8], size: usize) -> Vec<u8> {
    let mut out = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n".to_vec();
    for h in headers {
        out.extend_from_slice(format!("{h}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    for piece in body.chunks(size) {
        out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        out.extend_from_slice(piece);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\nX-Checksum: 42\r\n\r\n");
    out
}

/// A chunked response whose `Transfer-Encoding` is `te` (ending in `chunked`).
fn te_chunked(te: &str, body: &[u8], size: usize) -> Vec<u8> {
    let raw = chunked(&[], body, size);
    let rest = &raw[b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked".len()..];
    [format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: {te}").as_bytes(), rest].concat()
}

fn agent() -> Agent {
    Agent::builder().timeout_read(Duration::from_secs(5)).build()
}

#[derive(Debug)]
enum Want {
    Body(Vec<u8>),
    Fail(ErrorKind, &'static str),
}

/// Fetches `raw` (the server keeps the connection open unless `close`) and reads the body.
fn fetch(method: &str, raw: Vec<u8>, close: bool) -> h1client::Result<Vec<u8>> {
    let then = if close {
        Act::Close
    } else {
        Act::Drain(Duration::from_secs(5))
    };
    let server = Server::conns(vec![vec![Act::Read, Act::Send(raw), then]]);
    let mut body = Vec::new();
    let mut reader = agent().request(method, server.url("/")).call()?.into_reader();
    // an odd buffer size: decoded output never lines up with the input
    let mut buf = [0u8; 3001];
    loop {
        match reader.read_body(&mut buf)? {
            0 => return Ok(body),
            n => body.extend_from_slice(&buf[..n]),
        }
    }
}

#[test]
fn decoding_every_coding_gives_the_body_or_a_typed_error() {
    let t = text(50_000);
    let gz = gzip(&t);
    let mut gz_bad_crc = gz.clone();
    let n = gz_bad_crc.len();
    gz_bad_crc[n - 6] ^= 0xff;
    let mut gz_bad_data = gz.clone();
    gz_bad_data[20] ^= 0x55;
    let mut gz_bad_len = gz.clone();
    gz_bad_len[n - 2] ^= 0x01;
    let mut two_members = gzip(b"first ");
    two_members.extend_from_slice(&gzip(b"second"));
    let mut garbage = gz.clone();
    garbage.extend_from_slice(b"\r\n");
    let mut zeros_after = gz.clone();
    zeros_after.extend_from_slice(&[0; 8]);
    let gz_br = br(&gz);
    let br_gz = gzip(&br(&t));
    let mut br_garbage = br(&t);
    br_garbage.push(b'x');
    let mut zlib_garbage = zlib(&t);
    zlib_garbage.push(0);

    #[rustfmt::skip]
    let cases: Vec<(&str, &str, Vec<u8>, bool, Want)> = vec![
        ("gzip", "GET", cl(&["Content-Encoding: gzip"], &gz), false, Want::Body(t.clone())),
        ("x-gzip alias", "GET", cl(&["Content-Encoding: x-gzip"], &gz), false, Want::Body(t.clone())),
        ("gzip upper case", "GET", cl(&["Content-Encoding: GZIP"], &gz), false, Want::Body(t.clone())),
        ("gzip chunked in 1-byte pieces", "GET", chunked(&["Content-Encoding: gzip"], &gz, 1), false, Want::Body(t.clone())),
        ("gzip chunked, cut short", "GET", chunked(&["Content-Encoding: gzip"], &gz[..300], 7), false, Want::Fail(ErrorKind::Decode, "cut short")),
        ("gzip chunked in odd pieces", "GET", chunked(&["Content-Encoding: gzip"], &gz, 777), false, Want::Body(t.clone())),
        ("gzip until close", "GET", [b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec(), gz.clone()].concat(), true, Want::Body(t.clone())),
        ("two gzip members", "GET", cl(&["Content-Encoding: gzip"], &two_members), false, Want::Body(b"first second".to_vec())),
        ("deflate is zlib", "GET", cl(&["Content-Encoding: deflate"], &zlib(&t)), false, Want::Body(t.clone())),
        ("raw deflate labelled deflate", "GET", cl(&["Content-Encoding: deflate"], &raw_deflate(&t)), false, Want::Body(t.clone())),
        ("br", "GET", cl(&["Content-Encoding: br"], &br(&t)), false, Want::Body(t.clone())),
        ("br chunked", "GET", chunked(&["Content-Encoding: br"], &br(&t), 100), false, Want::Body(t.clone())),
        ("gzip then br, one line", "GET", cl(&["Content-Encoding: gzip, br"], &gz_br), false, Want::Body(t.clone())),
        ("br then gzip, two lines", "GET", cl(&["Content-Encoding: br", "Content-Encoding: gzip"], &br_gz), false, Want::Body(t.clone())),
        ("identity is nothing", "GET", cl(&["Content-Encoding: identity"], b"plain"), false, Want::Body(b"plain".to_vec())),
        ("identity around gzip", "GET", cl(&["Content-Encoding: identity, gzip, identity"], &gz), false, Want::Body(t.clone())),
        ("unknown coding is left alone", "GET", cl(&["Content-Encoding: zstd"], b"\x28\xb5\x2f\xfd"), false, Want::Body(b"\x28\xb5\x2f\xfd".to_vec())),
        ("a list with an unknown coding is left alone", "GET", cl(&["Content-Encoding: gzip, zstd"], b"zz"), false, Want::Body(b"zz".to_vec())),
        ("three codings are refused", "GET", cl(&["Content-Encoding: gzip, gzip, gzip"], &gzip(&gzip(&gz))), false, Want::Fail(ErrorKind::Decode, "3 content codings")),
        ("empty gzip body", "GET", cl(&["Content-Encoding: gzip"], b""), false, Want::Body(Vec::new())),
        ("empty chunked gzip body", "GET", chunked(&["Content-Encoding: gzip"], b"", 1), false, Want::Body(Vec::new())),
        ("HEAD is not decoded", "HEAD", b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 100\r\n\r\n".to_vec(), false, Want::Body(Vec::new())),
        ("204 is not decoded", "GET", b"HTTP/1.1 204 No Content\r\nContent-Encoding: gzip\r\n\r\n".to_vec(), false, Want::Body(Vec::new())),
        ("304 is not decoded", "GET", b"HTTP/1.1 304 Not Modified\r\nContent-Encoding: gzip\r\nContent-Length: 20\r\n\r\n".to_vec(), false, Want::Body(Vec::new())),
        ("206 is a piece: not decoded", "GET", support::resp("206 Partial Content", &["Content-Encoding: gzip", "Content-Range: bytes 0-3/100"], &gz[..4]), false, Want::Body(gz[..4].to_vec())),
        ("gzip with a bad CRC", "GET", cl(&["Content-Encoding: gzip"], &gz_bad_crc), false, Want::Fail(ErrorKind::Decode, "CRC-32")),
        ("gzip with a bad length", "GET", cl(&["Content-Encoding: gzip"], &gz_bad_len), false, Want::Fail(ErrorKind::Decode, "length")),
        ("gzip with corrupt data", "GET", cl(&["Content-Encoding: gzip"], &gz_bad_data), false, Want::Fail(ErrorKind::Decode, "corrupt gzip body")),
        ("not gzip at all", "GET", cl(&["Content-Encoding: gzip"], b"<html>hello</html>"), false, Want::Fail(ErrorKind::Decode, "magic bytes")),
        ("gzip cut short, framing complete", "GET", cl(&["Content-Encoding: gzip"], &gz[..gz.len() / 2]), false, Want::Fail(ErrorKind::Decode, "cut short")),
        ("gzip missing its trailer", "GET", cl(&["Content-Encoding: gzip"], &gz[..gz.len() - 8]), false, Want::Fail(ErrorKind::Decode, "cut short")),
        ("gzip cut short by the connection", "GET", [format!("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n", gz.len()).into_bytes(), gz[..100].to_vec()].concat(), true, Want::Fail(ErrorKind::Io, "connection closed after 100")),
        ("garbage after gzip", "GET", cl(&["Content-Encoding: gzip"], &garbage), false, Want::Fail(ErrorKind::Decode, "after the end of the gzip data")),
        ("zero padding after gzip", "GET", cl(&["Content-Encoding: gzip"], &zeros_after), false, Want::Fail(ErrorKind::Decode, "after the end of the gzip data")),
        ("garbage after br", "GET", cl(&["Content-Encoding: br"], &br_garbage), false, Want::Fail(ErrorKind::Decode, "after the end of the brotli data")),
        ("garbage after zlib", "GET", cl(&["Content-Encoding: deflate"], &zlib_garbage), false, Want::Fail(ErrorKind::Decode, "after the end of the deflate data")),
        ("corrupt br", "GET", cl(&["Content-Encoding: br"], b"\xff\xff\xff\xff not brotli"), false, Want::Fail(ErrorKind::Decode, "corrupt br body")),
        ("br cut short", "GET", cl(&["Content-Encoding: br"], &br(&t)[..50]), false, Want::Fail(ErrorKind::Decode, "cut short")),
        ("gzip transfer coding", "GET", te_chunked("gzip, chunked", &gz, 500), false, Want::Body(t.clone())),
        ("deflate transfer coding, two lines", "GET", te_chunked("deflate\r\nTransfer-Encoding: chunked", &zlib(&t), 500), false, Want::Body(t.clone())),
        ("gzip transfer coding under gzip content", "GET", te_chunked("gzip, chunked\r\nContent-Encoding: gzip", &gzip(&gz), 500), false, Want::Body(t.clone())),
        ("unknown transfer coding is refused", "GET", te_chunked("foo, chunked", b"hello", 5), false, Want::Fail(ErrorKind::Decode, "transfer coding \"foo\" is not supported")),
        ("br is not a transfer coding", "GET", te_chunked("br, chunked", &br(&t), 500), false, Want::Fail(ErrorKind::Decode, "not supported")),
        ("transfer and content codings count together", "GET", te_chunked("gzip, gzip, chunked\r\nContent-Encoding: gzip", &gzip(&gzip(&gz)), 500), false, Want::Fail(ErrorKind::Decode, "3 content codings")),
        ("corrupt gzip transfer coding", "GET", te_chunked("gzip, chunked", &gz_bad_crc, 500), false, Want::Fail(ErrorKind::Decode, "CRC-32")),
        ("gzip transfer coding alone, body until close", "GET", [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n".to_vec(), gz.clone()].concat(), true, Want::Body(t.clone())),
        ("compress transfer coding alone is refused", "GET", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: compress\r\n\r\n\x1f\x9d\x90".to_vec(), true, Want::Fail(ErrorKind::Decode, "transfer coding \"compress\" is not supported")),
    ];
    for (name, method, raw, close, want) in cases {
        match (fetch(method, raw, close), want) {
            (Ok(got), Want::Body(want)) => assert!(got == want, "{name}: {} bytes, want {}", got.len(), want.len()),
            (Err(e), Want::Fail(kind, needle)) => {
                assert_eq!(e.kind(), kind, "{name}: {e}");
                assert!(e.to_string().contains(needle), "{name}: {e} should say {needle:?}");
                assert!(
                    e.host().is_some_and(|h| h.starts_with("127.0.0.1:")),
                    "{name}: {e} names the host"
                );
            }
            (got, want) => panic!("{name}: want {want:?}, got {got:?}"),
        }
    }
}

#[test]
fn accept_encoding_is_a_replaceable_default() {
    let server = Server::always("ok");
    agent().get(server.url("/")).call().unwrap().text().unwrap();
    agent()
        .get(server.url("/"))
        .header("accept-encoding", "identity")
        .call()
        .unwrap()
        .text()
        .unwrap();
    agent()
        .get(server.url("/"))
        .remove_header("Accept-Encoding")
        .call()
        .unwrap()
        .text()
        .unwrap();
    let off = Agent::builder().decompress(false).build();
    off.get(server.url("/")).call().unwrap().text().unwrap();
    let reqs = server.requests();
    assert_eq!(reqs[0].header_all("Accept-Encoding"), ["gzip, deflate, br"]);
    assert_eq!(reqs[1].header_all("Accept-Encoding"), ["identity"]);
    assert!(reqs[2].header("Accept-Encoding").is_none());
    assert!(reqs[3].header("Accept-Encoding").is_none());
    // the default comes after Accept, in the head's fixed order
    let head = String::from_utf8(reqs[0].head.clone()).unwrap();
    assert!(
        head.contains("\r\nAccept: */*\r\nAccept-Encoding: gzip, deflate, br\r\n"),
        "{head}"
    );
}

#[test]
fn without_decompression_the_body_is_as_sent() {
    let t = text(1000);
    let gz = gzip(&t);
    let server = Server::conns(vec![vec![
        Act::Read,
        send(cl(&["Content-Encoding: gzip"], &gz)),
        Act::Drain(Duration::from_secs(5)),
    ]]);
    let resp = Agent::builder()
        .decompress(false)
        .build()
        .get(server.url("/"))
        .call()
        .unwrap();
    assert!(!resp.is_decoded());
    assert_eq!(resp.content_length(), Some(gz.len() as u64));
    assert_eq!(resp.bytes().unwrap(), gz);

    // a transfer coding is part of the message, not the content: undone all the same
    let server = Server::conns(vec![vec![
        Act::Read,
        send(te_chunked("gzip, chunked\r\nContent-Encoding: gzip", &gzip(&gz), 100)),
        Act::Drain(Duration::from_secs(5)),
    ]]);
    let resp = Agent::builder()
        .decompress(false)
        .build()
        .get(server.url("/"))
        .call()
        .unwrap();
    assert_eq!(
        resp.bytes().unwrap(),
        gz,
        "the transfer coding undone, the content coding kept"
    );
}

#[test]
fn headers_progress_and_trailers_of_a_decoded_body() {
    let t = text(200_000);
    let gz = gzip(&t);
    let server = Server::conns(vec![vec![
        Act::Read,
        send(chunked(&["Content-Encoding: gzip", "Trailer: X-Checksum"], &gz, 1000)),
        Act::Read,
        send(cl(&["Content-Encoding: gzip"], &gz)),
        Act::Drain(Duration::from_secs(5)),
    ]]);
    let agent = agent();

    // chunked: trailers after the end, reached through the decoding reader
    let resp = agent.get(server.url("/1")).call().unwrap();
    assert!(resp.is_decoded());
    assert_eq!(
        resp.header("content-encoding"),
        Some("gzip"),
        "headers are kept as received"
    );
    let mut reader = resp.into_reader();
    assert!(reader.trailers().is_empty());
    let mut got = Vec::new();
    reader.read_to_end(&mut got).unwrap();
    assert!(got == t);
    assert!(reader.is_done());
    assert_eq!(reader.trailers(), [("X-Checksum".to_string(), "42".to_string())]);
    assert_eq!(reader.delivered(), t.len() as u64);
    assert_eq!(reader.received(), gz.len() as u64);
    assert_eq!(reader.expected_len(), None);
    drop(reader);

    // Content-Length: it counts the compressed bytes; the response says the decoded length is
    // unknown, the reader tells both sides
    let resp = agent.get(server.url("/2")).call().unwrap();
    assert_eq!(resp.header("content-length"), Some(gz.len().to_string().as_str()));
    assert_eq!(resp.content_length(), None);
    let mut reader = resp.into_reader();
    assert_eq!(reader.expected_len(), Some(gz.len() as u64));
    let mut buf = [0u8; 10_000];
    let mut total = 0;
    loop {
        let n = reader.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        total += n;
        assert_eq!(reader.delivered(), total as u64);
        assert!(reader.received() <= gz.len() as u64);
    }
    assert_eq!(reader.received(), reader.expected_len().unwrap());
    assert_eq!(total, t.len());
    drop(reader);
    // both decoded bodies ended cleanly: one connection for both
    assert_eq!(server.connections(), 1);
    assert_eq!(agent.idle_connections(), 1);
}

#[test]
fn decoded_size_counts_against_the_body_limit() {
    // 20 MiB of zeros in about 20 KiB of gzip: bytes() refuses, into_reader() streams it
    let zeros = vec![0u8; 20 << 20];
    let gz = gzip(&zeros);
    assert!(gz.len() < 100_000);
    let server = Server::always_raw(cl(&["Content-Encoding: gzip"], &gz));
    let e = agent().get(server.url("/")).call().unwrap().bytes().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BodyTooLarge, "{e}");
    let e = agent().get(server.url("/")).call().unwrap().text().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BodyTooLarge, "{e}");
    let n = std::io::copy(
        &mut agent().get(server.url("/")).call().unwrap().into_reader(),
        &mut std::io::sink(),
    )
    .unwrap();
    assert_eq!(n, 20 << 20);

    // a small limit: the compressed body fits, the decoded one does not
    let small = text(5000);
    let server = Server::always_raw(cl(&["Content-Encoding: br"], &br(&small)));
    let limited = Agent::builder().body_limit(4999).build();
    let e = limited.get(server.url("/")).call().unwrap().bytes().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BodyTooLarge);
    let fits = Agent::builder().body_limit(5000).build();
    assert_eq!(fits.get(server.url("/")).call().unwrap().bytes().unwrap(), small);
}

#[test]
fn text_decodes_the_charset_after_the_coding() {
    let server = Server::always_raw(cl(
        &["Content-Encoding: gzip", "Content-Type: text/plain; charset=iso-8859-1"],
        &gzip(b"caf\xe9"),
    ));
    assert_eq!(agent().get(server.url("/")).call().unwrap().text().unwrap(), "café");
}

#[test]
fn a_failed_decode_stays_failed_and_the_connection_follows_the_framing() {
    let big = vec![b'x'; 200_000];
    let server = Server::conns(vec![
        vec![
            Act::Read,
            send(cl(&["Content-Encoding: gzip"], b"definitely not gzip")),
            Act::Read,
            send(cl(&["Content-Encoding: gzip"], &big)),
            Act::Drain(Duration::from_secs(5)),
        ],
        vec![
            Act::Read,
            send(support::ok("fresh")),
            Act::Drain(Duration::from_secs(5)),
        ],
    ]);
    let agent = agent();
    // the whole (small) body arrived before the decoder saw it was not gzip: HTTP framing is
    // intact, the connection is reused
    let mut reader = agent.get(server.url("/1")).call().unwrap().into_reader();
    let mut buf = [0u8; 100];
    let e = reader.read(&mut buf).unwrap_err();
    assert_eq!(h1client::Error::from(e).kind(), ErrorKind::Decode);
    assert!(reader.read(&mut buf).is_err(), "no Ok(0) after a failure");
    drop(reader);
    assert_eq!(agent.idle_connections(), 1);
    // a large body fails early: the rest is not read, the connection is closed
    let e = agent.get(server.url("/2")).call().unwrap().bytes().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert_eq!(agent.idle_connections(), 0);
    assert_eq!(agent.get(server.url("/3")).call().unwrap().text().unwrap(), "fresh");
    assert_eq!(server.connections(), 2);
    assert_eq!(server.requests_on(0), 2);
}

/// A chunked response head with these headers, and `body` sent in 64 KiB chunks, the connection
/// left open after it.
fn chunked_stream(headers: &[&str], body: &[u8]) -> Server {
    let mut raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n".to_vec();
    for h in headers {
        raw.extend_from_slice(format!("{h}\r\n").as_bytes());
    }
    raw.extend_from_slice(b"\r\n");
    for piece in body.chunks(64 * 1024) {
        raw.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        raw.extend_from_slice(piece);
        raw.extend_from_slice(b"\r\n");
    }
    Server::conns(vec![vec![
        Act::Read,
        Act::Send(raw),
        Act::Drain(Duration::from_secs(10)),
    ]])
}

#[test]
fn encoded_input_that_decodes_to_nothing_fails_within_one_read() {
    // 8 MiB of empty gzip members, then of empty deflate stored blocks (a zlib header, then
    // `00 0000 ffff` again and again), never a decoded byte: one read must not take it all
    let empty_member = gzip(b"");
    let members: Vec<u8> = empty_member.iter().copied().cycle().take(8 << 20).collect();
    let mut stored = vec![0x78, 0x01];
    stored.extend([0u8, 0, 0, 0xff, 0xff].iter().cycle().take(8 << 20));
    for (coding, body) in [
        ("Content-Encoding: gzip", &members),
        ("Content-Encoding: deflate", &stored),
    ] {
        let server = chunked_stream(&[coding], body);
        let mut reader = agent().get(server.url("/")).call().unwrap().into_reader();
        let started = std::time::Instant::now();
        let e = h1client::Error::from(reader.read(&mut [0u8; 4096]).unwrap_err());
        assert_eq!(e.kind(), ErrorKind::Decode, "{coding}: {e}");
        assert!(e.to_string().contains("decoded to nothing"), "{e}");
        assert!(
            reader.received() <= 256 * 1024,
            "{coding}: read {} bytes",
            reader.received()
        );
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{coding}: {:?}",
            started.elapsed()
        );
    }
    // a transfer coding is undone even with decompression off: bounded the same way
    let body = te_chunked("gzip, chunked", &members, 64 * 1024);
    let server = Server::conns(vec![vec![
        Act::Read,
        Act::Send(body),
        Act::Drain(Duration::from_secs(10)),
    ]]);
    let off = Agent::builder()
        .decompress(false)
        .timeout(Duration::from_secs(10))
        .build();
    let e = off.get(server.url("/")).call().unwrap().bytes().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
}

#[test]
fn encoded_bytes_count_against_the_body_limit() {
    // gzip members of one byte each: about 21 bytes on the wire per byte of body. With a
    // 100 KiB limit, bytes() stops near 100 KiB of encoded input, not at 100 KiB of output
    let one = gzip(b"a");
    let body: Vec<u8> = one.iter().copied().cycle().take(one.len() * 50_000).collect();
    let server = chunked_stream(&["Content-Encoding: gzip"], &body);
    let limited = Agent::builder()
        .body_limit(100 * 1024)
        .timeout(Duration::from_secs(10))
        .build();
    let e = limited.get(server.url("/")).call().unwrap().bytes().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BodyTooLarge, "{e}");
    assert!(e.to_string().contains("encoded body is larger than"), "{e}");
}

#[test]
fn text_of_a_body_still_encoded_names_the_coding() {
    // a coding nobody here decodes, and a known one with decompression off: text() and json()
    // say so instead of "not valid UTF-8"; bytes() gives the body as received
    let zstd = b"\x28\xb5\x2f\xfd\x00\x58\x31\x00\x00binary";
    let server = Server::always_raw(cl(&["Content-Encoding: zstd"], zstd));
    let e = agent().get(server.url("/")).call().unwrap().text().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
    assert!(
        e.to_string().contains("still encoded (zstd, per Content-Encoding)"),
        "{e}"
    );
    assert_eq!(agent().get(server.url("/")).call().unwrap().bytes().unwrap(), zstd);
    let server = Server::always_raw(cl(&["Content-Encoding: gzip"], &gzip(b"{\"a\":1}")));
    let off = Agent::builder().decompress(false).build();
    let e = off.get(server.url("/")).call().unwrap().text().unwrap_err();
    assert!(e.to_string().contains("decompression is turned off"), "{e}");
    #[cfg(feature = "json")]
    {
        let e = off
            .get(server.url("/"))
            .call()
            .unwrap()
            .json::<serde_json::Value>()
            .unwrap_err();
        assert!(e.to_string().contains("decompression is turned off"), "{e}");
    }
}
