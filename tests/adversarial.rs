//! Hostile peers: a client reads bytes from servers it does not control, so no byte sequence may
//! panic it, hang it past its deadlines, make it misframe a response, or leak a credential.
//!
//! Every case runs over real loopback sockets and ends in a typed error or a correct response,
//! within a bounded time; none returns a short body as a success. Some threats are also tested
//! elsewhere (`framing.rs`, `keepalive.rs`, `redirect.rs`, `tls.rs`, …); this file is the one
//! place that maps each threat to the test that proves it:
//!
//! | threat | test (case names in its table) |
//! |---|---|
//! | TE + CL, both orders: chunked wins, connection not reused | `framing_attacks_get_the_rfc_answer_and_only_clean_responses_keep_the_connection`: `te_then_cl`, `cl_then_te`, `te_with_invalid_cl`, `te_with_cl_longer_than_body`, `te_in_http10` |
//! | `chunked, chunked`; `xchunked`; `chunked` in odd case and whitespace; non-final or unknown codings | `framing_attacks_get_the_rfc_answer_and_only_clean_responses_keep_the_connection`: `te_*` |
//! | Content-Length with a sign, spaces, a differing list (`5, 6`), differing duplicates, overflow | `framing_attacks_get_the_rfc_answer_and_only_clean_responses_keep_the_connection`: `cl_*` |
//! | bytes after the body never read as the next response (a second request, same agent) | `framing_attacks_get_the_rfc_answer_and_only_clean_responses_keep_the_connection`: `extra_*`, `body_on_interim_response`, `switching_protocols_unasked` |
//! | bytes sent after a response in a write of their own, waiting in the socket when the next request is ready | `stray_bytes_waiting_in_the_socket_are_never_the_next_answer` |
//! | a response before the request was fully sent (large upload answered early, with and without a close) | `early_answers_to_uploads_are_returned_and_keep_the_connection_in_step` |
//! | endless head (value, lines, status line, empty lines), endless 1xx, endless chunk extension, size digits and trailers, chunk size 2^64, endless bodies; floods of small heads in linear time | `resource_attacks_stop_at_the_limits_without_reading_on` |
//! | 10,000 header fields | `many_headers_fail_past_the_limit_and_are_read_within_a_raised_one` |
//! | a byte per second against the read timeout and the deadline: head, 1xx, body, trailers, TLS handshake, TLS records, CONNECT and SOCKS5 proxies, uploads | `slow_peers_meet_every_deadline` |
//! | CR/LF/NUL in the method, URL (path, query, host, userinfo), header names and values, basic auth, bearer token, cookies (header and jar), the user agent, proxy credentials, multipart content type | `injection_is_refused_before_anything_is_sent`, `raw_control_characters_in_a_proxy_url_are_refused` |
//! | percent-encoded CR/LF stays encoded (path, query, query builder, fragment) | `encoded_injection_stays_encoded` |
//! | CR/LF/NUL in multipart field names and file names | `multipart_names_cannot_break_the_part_head` |
//! | CR/LF in a redirect `Location`, raw and percent-encoded | `injection_through_location_is_refused_raw_and_stays_encoded_when_encoded` |
//! | Authorization, Cookie, Proxy-Authorization (headers, basic/bearer auth, userinfo) on redirects to another host, port or scheme; https -> http refused by default | `credentials_stay_with_their_origin` |
//! | jar cookies on redirects (feature `cookies`) | `jar_cookies_follow_their_scope_on_redirects` |
//! | Proxy-Authorization never reaches an origin (CONNECT tunnel, SOCKS5, NO_PROXY, no proxy, a redirect past the proxy) | `proxy_credentials_never_reach_the_origin` |
//! | truncation in every framing (head, Content-Length, chunked at every point, until close), over TCP and TLS with and without close_notify; gzip cut short (feature `gzip`) | `truncation_in_every_framing_is_an_error_over_tcp_and_tls` |

#[path = "support/proxy.rs"]
mod proxy_support;
mod support;
#[path = "support/tls.rs"]
mod tls_support;

use h1client::{Agent, AgentBuilder, Error, ErrorKind, Step};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;
use std::time::{Duration, Instant};
use support::{ok, resp, send, Act, Server};
use tls_support::{certs, server_config, tsend, TAct, TlsServer};

/// No case may take longer than this, whatever the peer does.
const CASE_LIMIT: Duration = Duration::from_secs(5);

/// Keep the connection open (and record what arrives) after the script.
const KEEP: Act = Act::Drain(Duration::from_secs(5));

/// The agent most cases use: every wait is bounded, so a bug shows up as a wrong error kind or a
/// case over [`CASE_LIMIT`], never as a hung test.
fn bounded() -> AgentBuilder {
    Agent::builder()
        .timeout_read(Duration::from_secs(3))
        .timeout(Duration::from_secs(4))
}

#[derive(Debug, Clone, Copy)]
enum Want {
    /// A response with exactly this body.
    Body(&'static [u8]),
    /// An error of this kind whose message contains this text.
    Fail(ErrorKind, &'static str),
}
use Want::{Body, Fail};

/// Checks an outcome against what the case wants, and that it came in time.
fn check(name: &str, got: Result<Vec<u8>, Error>, want: Want, started: Instant) {
    let took = started.elapsed();
    assert!(took < CASE_LIMIT, "{name}: took {took:?}");
    match (want, got) {
        (Body(want), Ok(body)) => assert!(
            body == want,
            "{name}: body {:?}, want {:?}",
            String::from_utf8_lossy(&body),
            String::from_utf8_lossy(want)
        ),
        (Fail(kind, needle), Err(e)) => {
            assert_eq!(e.kind(), kind, "{name}: {e}");
            assert!(e.to_string().contains(needle), "{name}: {e:?} should say {needle:?}");
        }
        (want, got) => panic!(
            "{name}: want {want:?}, got {:?}",
            got.map(|b| String::from_utf8_lossy(&b).into_owned())
        ),
    }
}

/// How many requests (by their request line) are in raw bytes a server received.
fn request_lines(raw: &[u8]) -> usize {
    raw.windows(5).filter(|w| w == b"GET /" || w == b"HEAD ").count()
}

// ---------------------------------------------------------------------------------------------
// framing

struct Framing {
    name: &'static str,
    method: &'static str,
    raw: &'static [u8],
    /// The server closes after the response (else it keeps the connection and would answer a
    /// second request on it).
    close: bool,
    want: Want,
    /// Must the connection carry the next request (a clean, well-framed response), or must it
    /// be discarded?
    reuse: bool,
}

const fn get(name: &'static str, raw: &'static [u8], close: bool, want: Want, reuse: bool) -> Framing {
    Framing {
        name,
        method: "GET",
        raw,
        close,
        want,
        reuse,
    }
}

const CHUNKED_HELLO: &[u8] = b"5\r\nhello\r\n0\r\n\r\n";

#[rustfmt::skip]
const FRAMING: &[Framing] = &[
    // Transfer-Encoding and Content-Length together: a request smuggling classic. Chunked wins
    // (RFC 9112 §6.3 #3) and the connection is closed afterwards, whatever the order.
    get("te_then_cl", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false, Body(b"hello"), false),
    get("cl_then_te", b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false, Body(b"hello"), false),
    get("te_with_invalid_cl", b"HTTP/1.1 200 OK\r\nContent-Length: 3x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false, Body(b"hello"), false),
    get("te_with_cl_longer_than_body", b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false, Body(b"hello"), false),
    get("te_in_http10", b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false, Body(b"hello"), false),
    // chunked applied twice, in one field or two: refused (RFC 9112 §6.1)
    get("te_chunked_chunked", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false, Fail(ErrorKind::Protocol, "more than once"), false),
    get("te_chunked_in_two_fields", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false, Fail(ErrorKind::Protocol, "more than once"), false),
    get("te_empty", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: \r\n\r\n5\r\nhello\r\n0\r\n\r\n", false, Fail(ErrorKind::Protocol, "empty Transfer-Encoding"), false),
    // not chunked, or chunked but not last: the body runs until the close (RFC 9112 §6.3 #4), and
    // a transfer coding that cannot be undone is refused rather than handed over (§6.1)
    get("te_xchunked", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", true, Fail(ErrorKind::Decode, "\"xchunked\" is not supported"), false),
    get("te_chunked_with_parameter", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked;q=1\r\n\r\n5\r\nhello\r\n0\r\n\r\n", true, Fail(ErrorKind::Decode, "\"chunked;q=1\" is not supported"), false),
    get("te_chunked_not_last", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n", true, Fail(ErrorKind::Decode, "\"chunked\" is not the final one"), false),
    get("te_identity", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\nContent-Length: 2\r\n\r\n5\r\nhello\r\n0\r\n\r\n", true, Body(CHUNKED_HELLO), false),
    get("te_chunked_with_vertical_tab", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: \x0bchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", true, Fail(ErrorKind::Protocol, "malformed response head"), false),
    // chunked in any case, with whitespace around it, folded, or last after another coding:
    // still chunked, and a clean end lets the connection be reused
    get("te_upper_case", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: CHUNKED\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false, Body(b"hello"), true),
    get("te_mixed_case", b"HTTP/1.1 200 OK\r\ntransfer-ENCODING: ChUnKeD\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false, Body(b"hello"), true),
    get("te_spaces_and_tabs", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: \t chunked \t\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false, Body(b"hello"), true),
    get("te_empty_list_elements", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: ,chunked,\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false, Body(b"hello"), true),
    get("te_obs_folded", b"HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\n chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false, Body(b"hello"), true),
    get("te_space_before_colon", b"HTTP/1.1 200 OK\r\nTransfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\nhello", false, Fail(ErrorKind::Protocol, "invalid header name"), false),
    // Content-Length must be digits; several values must agree (RFC 9110 §8.6, RFC 9112 §6.3 #5)
    get("cl_plus_sign", b"HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello", false, Fail(ErrorKind::Protocol, "invalid Content-Length"), false),
    get("cl_minus_sign", b"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nhello", false, Fail(ErrorKind::Protocol, "invalid Content-Length"), false),
    get("cl_inner_space", b"HTTP/1.1 200 OK\r\nContent-Length: 5 6\r\n\r\nhello", false, Fail(ErrorKind::Protocol, "invalid Content-Length"), false),
    get("cl_list_differing", b"HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello!", false, Fail(ErrorKind::Protocol, "conflicting Content-Length"), false),
    get("cl_duplicates_differing", b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nContent-Length: 5\r\n\r\nhello!", false, Fail(ErrorKind::Protocol, "conflicting Content-Length"), false),
    get("cl_hex", b"HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\nhello", false, Fail(ErrorKind::Protocol, "invalid Content-Length"), false),
    get("cl_decimal_point", b"HTTP/1.1 200 OK\r\nContent-Length: 5.0\r\n\r\nhello", false, Fail(ErrorKind::Protocol, "invalid Content-Length"), false),
    get("cl_overflow", b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551621\r\n\r\nhello", false, Fail(ErrorKind::Protocol, "invalid Content-Length"), false),
    get("cl_empty", b"HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\nhello", false, Fail(ErrorKind::Protocol, "empty Content-Length"), false),
    get("cl_space_before_colon", b"HTTP/1.1 200 OK\r\nContent-Length : 500\r\nContent-Length: 5\r\n\r\nhello", false, Fail(ErrorKind::Protocol, "invalid header name"), false),
    get("cl_list_same", b"HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello", false, Body(b"hello"), true),
    get("cl_duplicates_same", b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\nhello", false, Body(b"hello"), true),
    get("cl_leading_zeros_and_spaces", b"HTTP/1.1 200 OK\r\nContent-Length:   0005  \r\n\r\nhello", false, Body(b"hello"), true),
    get("cl_largest", b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\nhello", true, Fail(ErrorKind::Io, "after 5 of 18446744073709551615"), false),
    // bytes after the end of the body: never the answer to the next request
    get("extra_response_after_cl_body", b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled", false, Body(b"hello"), false),
    get("extra_bytes_after_cl_body", b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello world", false, Body(b"hello"), false),
    get("extra_crlf_after_cl_body", b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello\r\n", false, Body(b"hello"), false),
    get("extra_response_after_chunked_body", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled", false, Body(b"hello"), false),
    get("extra_body_after_204", b"HTTP/1.1 204 No Content\r\nContent-Length: 8\r\n\r\nsmuggled", false, Body(b""), false),
    get("extra_body_after_304", b"HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n8\r\nsmuggled\r\n0\r\n\r\n", false, Body(b""), false),
    Framing { name: "extra_body_after_head_response", method: "HEAD", raw: b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled", close: false, want: Body(b""), reuse: false },
    get("body_on_interim_response", b"HTTP/1.1 100 Continue\r\nContent-Length: 8\r\n\r\nsmuggledHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false, Fail(ErrorKind::Protocol, "the reply is not HTTP"), false),
    get("switching_protocols_unasked", b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: evil\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled", false, Body(b""), false),
];

/// Each case: the response, then a second request on the same agent, which must go on a new
/// connection unless the first response was clean.
#[test]
fn framing_attacks_get_the_rfc_answer_and_only_clean_responses_keep_the_connection() {
    for c in FRAMING {
        let first = if c.close {
            vec![Act::Read, send(c.raw), Act::Close]
        } else {
            vec![Act::Read, send(c.raw), Act::Read, send(ok("second")), KEEP]
        };
        let server = Server::conns(vec![first, vec![Act::Read, send(ok("second")), KEEP]]);
        let agent = bounded().build();
        let started = Instant::now();
        let got = agent
            .request(c.method, server.url("/first"))
            .call()
            .and_then(|r| r.bytes());
        check(c.name, got, c.want, started);
        let second = agent.get(server.url("/second")).call().and_then(|r| r.text());
        assert_eq!(second.as_deref().ok(), Some("second"), "{}: {second:?}", c.name);
        let on_first = request_lines(&server.raw(0));
        if c.reuse {
            assert_eq!(on_first, 2, "{}: a clean response keeps its connection", c.name);
        } else {
            assert_eq!(on_first, 1, "{}: the connection must not carry another request", c.name);
            assert_eq!(server.connections(), 2, "{}", c.name);
        }
        assert!(
            started.elapsed() < CASE_LIMIT,
            "{}: took {:?}",
            c.name,
            started.elapsed()
        );
    }
}

/// Bytes a server sends after a response, in a write of their own, that are in the socket by the
/// time the next request is ready (here: they came while the caller still held the first
/// response), are never taken as its answer, however soon that request follows the first and
/// whatever its method. (Bytes that arrive only after the next request went out cannot be told
/// from its answer by any HTTP/1.1 client: there is nothing to match an answer to a request.)
#[test]
fn stray_bytes_waiting_in_the_socket_are_never_the_next_answer() {
    let stray = resp("200 OK", &[], b"STRAY");
    let later = Duration::from_millis(30);
    for method in ["GET", "HEAD", "PUT", "DELETE", "POST"] {
        for tls in [false, true] {
            let name = format!("{method} (tls: {tls})");
            let url;
            let (_plain, _secure);
            if tls {
                let first = vec![
                    TAct::Read,
                    tsend(ok("first")),
                    TAct::Sleep(later),
                    TAct::Send(stray.clone()),
                    TAct::Read,
                    tsend(ok("worse")),
                ];
                let server = TlsServer::conns(
                    server_config(&certs().localhost),
                    vec![first, vec![TAct::Read, tsend(ok("RIGHT"))]],
                );
                url = server.url("/");
                _secure = Some(server);
            } else {
                let first = vec![
                    Act::Read,
                    send(ok("first")),
                    Act::Sleep(later),
                    Act::Send(stray.clone()),
                    Act::Read,
                    send(ok("worse")),
                    KEEP,
                ];
                let server = Server::conns(vec![first, vec![Act::Read, send(ok("RIGHT")), KEEP]]);
                url = server.url("/");
                _plain = Some(server);
            }
            let agent = bounded().add_root_certificates_pem(certs().ca_pem.as_bytes()).build();
            let first = agent.get(&url).call().unwrap();
            thread::sleep(later * 3); // the stray bytes come in meanwhile
            assert_eq!(first.text().unwrap(), "first", "{name}");
            let started = Instant::now();
            let want: &[u8] = if method == "HEAD" { b"" } else { b"RIGHT" };
            let got = agent.request(method, &url).call().and_then(|r| r.bytes());
            check(&name, got, Body(want), started);
        }
    }
}

/// A large upload that the server answers before reading it: the client gets the answer (or a
/// typed error when the server destroys it with a reset), never a hang, and the connection is
/// never reused out of step.
#[test]
fn early_answers_to_uploads_are_returned_and_keep_the_connection_in_step() {
    let refused = || resp("413 Content Too Large", &["Connection: close"], b"too large");
    let early_ok = || ok("early");
    struct Early {
        name: &'static str,
        script: Vec<Act>,
        /// Bytes to upload: more than the socket buffers hold, unless the server reads them.
        upload: usize,
        want: Result<(u16, &'static str), ErrorKind>,
    }
    #[rustfmt::skip]
    let cases = vec![
        // the usual server: answers, then closes (and reads what is still coming, so the
        // close is a FIN and the answer survives)
        Early { name: "answer_then_close", script: vec![Act::ReadHead, Act::Send(refused()), Act::Close], upload: 32 << 20, want: Ok((413, "too large")) },
        // answers, then closes without reading: the unread upload turns the close into a
        // reset, which may destroy the answer before the client reads it
        Early { name: "answer_then_reset", script: vec![Act::ReadHead, Act::Send(refused()), Act::Sleep(Duration::from_millis(100)), Act::Reset], upload: 32 << 20, want: Ok((413, "too large")) },
        // answers, keeps the connection, and reads the body afterwards: in step again
        Early { name: "answer_then_read_body", script: vec![Act::ReadHead, Act::Send(early_ok()), Act::ReadBody, Act::Read, send(ok("second")), KEEP], upload: 4 << 20, want: Ok((200, "early")) },
        // answers, keeps the connection open, never reads: the upload cannot finish, the
        // write timeout ends it, and the answer that came is what the caller gets
        Early { name: "answer_then_silence", script: vec![Act::ReadHead, Act::Send(resp("413 Content Too Large", &[], b"too large")), Act::Sleep(Duration::from_secs(6))], upload: 32 << 20, want: Ok((413, "too large")) },
    ];
    for c in cases {
        let upload = vec![b'u'; c.upload];
        for streamed in [false, true] {
            let name = format!("{} (streamed: {streamed})", c.name);
            let server = Server::conns(vec![c.script.clone(), vec![Act::Read, send(ok("second")), KEEP]]);
            let agent = Agent::builder()
                .timeout_read(Duration::from_secs(2))
                .timeout_write(Duration::from_secs(1))
                .timeout(Duration::from_secs(4))
                .build();
            let started = Instant::now();
            let req = agent.put(server.url("/upload"));
            let got = if streamed {
                req.send_reader(&upload[..])
            } else {
                req.send(&upload)
            };
            let got = got.and_then(|r| Ok((r.status(), r.text()?)));
            let took = started.elapsed();
            assert!(took < CASE_LIMIT, "{name}: took {took:?}");
            match (&c.want, got) {
                (Ok((status, body)), Ok((got_status, got_body))) => {
                    assert_eq!((*status, *body), (got_status, got_body.as_str()), "{name}")
                }
                (Err(kind), Err(e)) => assert_eq!(*kind, e.kind(), "{name}: {e}"),
                (want, got) => panic!("{name}: want {want:?}, got {got:?}"),
            }
            let second = agent.get(server.url("/second")).call().and_then(|r| r.text());
            assert_eq!(second.as_deref().ok(), Some("second"), "{name}: {second:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// resources

/// A server for one connection: reads the request head, sends `prefix`, then `unit` again and
/// again until the client goes away. Its thread returns how many bytes it got to send: a client
/// that stops at its limits closes the connection after a bounded amount (its limit plus what
/// the socket buffers hold), one that does not would make it run into the cap.
fn endless(prefix: &[u8], unit: &[u8]) -> (String, thread::JoinHandle<u64>) {
    const CAP: u64 = 256 << 20;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let (prefix, unit) = (prefix.to_vec(), unit.repeat((16384 / unit.len()).max(1)));
    let handle = thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            match s.read(&mut byte) {
                Ok(1) => head.push(byte[0]),
                _ => return 0,
            }
        }
        let mut sent = 0u64;
        if s.write_all(&prefix).is_err() {
            return sent;
        }
        sent += prefix.len() as u64;
        while sent < CAP {
            if s.write_all(&unit).is_err() {
                break;
            }
            sent += unit.len() as u64;
        }
        sent
    });
    (url, handle)
}

const CHUNKED_HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

#[test]
fn resource_attacks_stop_at_the_limits_without_reading_on() {
    let kib = vec![b'k'; 1024];
    let mut chunk = b"400\r\n".to_vec();
    chunk.extend_from_slice(&kib);
    chunk.extend_from_slice(b"\r\n");
    // (name, what the server sends first, what it then sends again and again, the outcome)
    #[rustfmt::skip]
    let cases: Vec<(&str, Vec<u8>, Vec<u8>, Want)> = vec![
        // the head: never more than the head limit (64 KiB) is kept
        ("endless_header_value",                b"HTTP/1.1 200 OK\r\nX-A: ".to_vec(), b"a".to_vec(),          Fail(ErrorKind::Protocol, "exceeds the limit of 65536 bytes")),
        // the head is parsed when it reaches the size limit, and the count limit is met first
        ("endless_header_lines",                b"HTTP/1.1 200 OK\r\n".to_vec(),      b"X-A: b\r\n".to_vec(), Fail(ErrorKind::Protocol, "more than 100 header fields")),
        ("endless_status_line",                 b"HTTP/1.1 200 ".to_vec(),            b"O".to_vec(),          Fail(ErrorKind::Protocol, "exceeds the limit of 65536 bytes")),
        ("endless_empty_lines",                 Vec::new(),                           b"\r\n".to_vec(),       Fail(ErrorKind::Protocol, "exceeds the limit of 65536 bytes")),
        ("endless_100_continue",                Vec::new(),                           b"HTTP/1.1 100 Continue\r\n\r\n".to_vec(), Fail(ErrorKind::Protocol, "interim (1xx) responses exceed")),
        ("endless_103_early_hints",             Vec::new(),                           b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n".to_vec(), Fail(ErrorKind::Protocol, "interim (1xx) responses exceed")),
        // chunked framing: every line has a limit
        ("endless_chunk_extension",             [CHUNKED_HEAD, b"5;ext="].concat(),   b"x".to_vec(),          Fail(ErrorKind::Protocol, "chunk size line longer than 4096")),
        ("endless_whitespace_after_chunk_size", [CHUNKED_HEAD, b"5"].concat(),        b" ".to_vec(),          Fail(ErrorKind::Protocol, "chunk size line longer than 4096")),
        ("endless_chunk_size",                  CHUNKED_HEAD.to_vec(),                b"0".to_vec(),          Fail(ErrorKind::Protocol, "more than 16 hex digits")),
        ("endless_trailer_lines",               [CHUNKED_HEAD, b"5\r\nhello\r\n0\r\n"].concat(), b"X-T: v\r\n".to_vec(), Fail(ErrorKind::Protocol, "trailer section exceeds the limit")),
        ("endless_trailer_value",               [CHUNKED_HEAD, b"5\r\nhello\r\n0\r\nX-T: "].concat(), b"v".to_vec(),          Fail(ErrorKind::Protocol, "trailer section exceeds the limit")),
        // sizes: 2^64 does not fit; 2^64 - 1 does, and the body limit stops reading it whole
        ("chunk_size_2_pow_64",                 [CHUNKED_HEAD, b"10000000000000000\r\n"].concat(), kib.clone(),            Fail(ErrorKind::Protocol, "more than 16 hex digits")),
        ("chunk_size_2_pow_64_minus_1",         [CHUNKED_HEAD, b"ffffffffffffffff\r\n"].concat(), kib.clone(),            Fail(ErrorKind::BodyTooLarge, "larger than the limit of 1048576 bytes")),
        ("content_length_2_pow_64_minus_1",     b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n".to_vec(), kib.clone(),            Fail(ErrorKind::BodyTooLarge, "larger than the limit")),
        ("endless_chunks",                      CHUNKED_HEAD.to_vec(),                chunk,                  Fail(ErrorKind::BodyTooLarge, "larger than the limit")),
        ("endless_until_close",                 b"HTTP/1.1 200 OK\r\n\r\n".to_vec(),  kib,                    Fail(ErrorKind::BodyTooLarge, "larger than the limit")),
    ];
    for (name, prefix, unit, want) in cases {
        let (url, server) = endless(&prefix, &unit);
        let agent = bounded().body_limit(1 << 20).build();
        let started = Instant::now();
        let got = agent.get(&url).call().and_then(|r| r.bytes());
        check(name, got, want, started);
        drop(agent);
        let sent = server.join().unwrap();
        assert!(sent < 64 << 20, "{name}: the client kept reading ({sent} bytes)");
    }
    // Floods of small heads against a head limit raised to 1 MiB: the work must grow with the
    // bytes, not with their square (a quadratic scan once took seconds here).
    #[rustfmt::skip]
    let floods: [(&str, &[u8], &[u8], &str); 2] = [
        ("100_continue_flood", b"",                    b"HTTP/1.1 100 Continue\r\n\r\n", "interim (1xx) responses exceed the limit of 1048576 bytes"),
        // parsed when the buffer reaches the size limit: the count limit is met first
        ("header_line_flood",  b"HTTP/1.1 200 OK\r\n", b"X: y\r\n",                      "more than 100 header fields"),
    ];
    for (name, prefix, unit, needle) in floods {
        let (url, server) = endless(prefix, unit);
        let agent = bounded().max_head_size(1 << 20).build();
        let started = Instant::now();
        let got = agent.get(&url).call().and_then(|r| r.bytes());
        check(name, got, Fail(ErrorKind::Protocol, needle), started);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{name}: {:?}",
            started.elapsed()
        );
        drop(agent);
        server.join().unwrap();
    }
}

/// 10,000 header fields: over the default limit of 100, an error; within a raised limit, read.
#[test]
fn many_headers_fail_past_the_limit_and_are_read_within_a_raised_one() {
    let mut head = b"HTTP/1.1 200 OK\r\n".to_vec();
    for _ in 0..10_000 {
        head.extend_from_slice(b"A: b\r\n");
    }
    head.extend_from_slice(b"Content-Length: 2\r\n\r\nok");
    #[rustfmt::skip]
    let agents = [
        (bounded().build(),                                            Fail(ErrorKind::Protocol, "more than 100 header fields")),
        (bounded().max_headers(20_000).max_head_size(1 << 20).build(), Body(b"ok")),
    ];
    for (agent, want) in agents {
        let server = Server::conns(vec![vec![Act::Read, Act::Send(head.clone()), KEEP]]);
        let started = Instant::now();
        let got = agent.get(server.url("/")).call().and_then(|r| {
            assert_eq!(r.headers().count(), 10_001);
            r.bytes()
        });
        check("10000_headers", got, want, started);
    }
}

// ---------------------------------------------------------------------------------------------
// time

/// The pace of a trickling server: one byte per second, which no per-read timeout longer than
/// a second notices.
const PACE: Duration = Duration::from_secs(1);

/// A slow-peer case: what it does, and the error it must end in, at about `after`.
struct Slow {
    name: &'static str,
    after: Duration,
    kind: ErrorKind,
    step: Step,
    needle: &'static str,
    /// Runs the case: its outcome, and how long the request took (the servers' shutdown after
    /// it is not counted).
    run: Box<dyn FnOnce() -> (h1client::Result<Vec<u8>>, Duration) + Send>,
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    (f(), started.elapsed())
}

fn trickle(bytes: &[u8]) -> Act {
    Act::Trickle(bytes.to_vec(), PACE)
}

/// A server running one script, kept alive until the case ends.
fn fetch_from(
    script: Vec<Act>,
    agent: Agent,
    url_of: impl FnOnce(&Server) -> String,
) -> (h1client::Result<Vec<u8>>, Duration) {
    let server = Server::conns(vec![script]);
    let url = url_of(&server);
    timed(|| agent.get(&url).call().and_then(|r| r.bytes()))
}

#[test]
fn slow_peers_meet_every_deadline() {
    let ca = certs().ca_pem.as_bytes();
    let read_500ms = || Agent::builder().timeout_read(Duration::from_millis(500));
    // per read 1.5 s: a byte per second passes every read; only the deadline can stop it
    let deadline_2s = || {
        Agent::builder()
            .timeout_read(Duration::from_millis(1500))
            .timeout(Duration::from_secs(2))
    };
    let head = b"HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n";
    let mut tls_record = vec![0x16, 0x03, 0x03, 0x00, 0x40];
    tls_record.extend_from_slice(&[0x02; 0x40]);
    let tls_record2 = tls_record.clone();
    let tls_record3 = tls_record.clone();
    let https = |s: &Server| format!("https://localhost:{}/", s.addr.port());
    let cases: Vec<Slow> = vec![
        Slow {
            name: "read_timeout_in_head",
            after: Duration::from_millis(500),
            kind: ErrorKind::Timeout,
            step: Step::ReceiveHead,
            needle: "read timeout of 500ms expired",
            run: Box::new(move || fetch_from(vec![Act::Read, trickle(head)], read_500ms().build(), |s| s.url("/"))),
        },
        Slow {
            name: "read_timeout_in_body",
            after: Duration::from_millis(500),
            kind: ErrorKind::Timeout,
            step: Step::ReceiveBody,
            needle: "read timeout of 500ms expired",
            run: Box::new(move || {
                fetch_from(
                    vec![Act::Read, send(head), trickle(b"0123456789")],
                    read_500ms().build(),
                    |s| s.url("/"),
                )
            }),
        },
        Slow {
            name: "deadline_in_head",
            after: Duration::from_secs(2),
            kind: ErrorKind::Timeout,
            step: Step::ReceiveHead,
            needle: "request timeout of 2s expired",
            run: Box::new(move || fetch_from(vec![Act::Read, trickle(head)], deadline_2s().build(), |s| s.url("/"))),
        },
        Slow {
            name: "deadline_in_interim_responses",
            after: Duration::from_secs(2),
            kind: ErrorKind::Timeout,
            step: Step::ReceiveHead,
            needle: "request timeout of 2s expired",
            run: Box::new(move || {
                let interim = b"HTTP/1.1 100 Continue\r\n\r\n".repeat(3);
                fetch_from(vec![Act::Read, trickle(&interim)], deadline_2s().build(), |s| {
                    s.url("/")
                })
            }),
        },
        Slow {
            name: "deadline_in_body",
            after: Duration::from_secs(2),
            kind: ErrorKind::Timeout,
            step: Step::ReceiveBody,
            needle: "request timeout of 2s expired",
            run: Box::new(move || {
                fetch_from(
                    vec![Act::Read, send(head), trickle(b"0123456789")],
                    deadline_2s().build(),
                    |s| s.url("/"),
                )
            }),
        },
        Slow {
            name: "deadline_in_chunked_trailers",
            after: Duration::from_secs(2),
            kind: ErrorKind::Timeout,
            step: Step::ReceiveBody,
            needle: "request timeout of 2s expired",
            run: Box::new(move || {
                let script = vec![
                    Act::Read,
                    send([CHUNKED_HEAD, b"5\r\nhello\r\n0\r\n"].concat()),
                    trickle(b"X-Trailer: 1\r\n\r\n"),
                ];
                fetch_from(script, deadline_2s().build(), |s| s.url("/"))
            }),
        },
        Slow {
            name: "deadline_in_tls_head",
            after: Duration::from_secs(2),
            kind: ErrorKind::Timeout,
            step: Step::ReceiveHead,
            needle: "request timeout of 2s expired",
            run: Box::new(move || {
                let server = TlsServer::conns(
                    server_config(&certs().localhost),
                    vec![vec![TAct::Read, TAct::Trickle(head.to_vec(), PACE)]],
                );
                let agent = deadline_2s().add_root_certificates_pem(ca).build();
                timed(|| agent.get(server.url("/")).call().and_then(|r| r.bytes()))
            }),
        },
        Slow {
            name: "deadline_in_tls_body",
            after: Duration::from_secs(2),
            kind: ErrorKind::Timeout,
            step: Step::ReceiveBody,
            needle: "request timeout of 2s expired",
            run: Box::new(move || {
                let script = vec![TAct::Read, tsend(head), TAct::Trickle(b"0123456789".to_vec(), PACE)];
                let server = TlsServer::conns(server_config(&certs().localhost), vec![script]);
                let agent = deadline_2s().add_root_certificates_pem(ca).build();
                timed(|| agent.get(server.url("/")).call().and_then(|r| r.bytes()))
            }),
        },
        Slow {
            name: "read_timeout_in_tls_body",
            after: Duration::from_millis(500),
            kind: ErrorKind::Timeout,
            step: Step::ReceiveBody,
            needle: "read timeout of 500ms expired",
            run: Box::new(move || {
                let script = vec![TAct::Read, tsend(head), TAct::Trickle(b"0123456789".to_vec(), PACE)];
                let server = TlsServer::conns(server_config(&certs().localhost), vec![script]);
                let agent = read_500ms().add_root_certificates_pem(ca).build();
                timed(|| agent.get(server.url("/")).call().and_then(|r| r.bytes()))
            }),
        },
        Slow {
            name: "deadline_while_uploading_over_tls_to_a_server_that_does_not_read",
            after: Duration::from_secs(2),
            kind: ErrorKind::Timeout,
            step: Step::Send,
            needle: "request timeout of 2s expired",
            run: Box::new(move || {
                let script = vec![TAct::Sleep(Duration::from_secs(6))];
                let server = TlsServer::conns(server_config(&certs().localhost), vec![script]);
                let upload = vec![0u8; 64 << 20];
                let agent = Agent::builder()
                    .timeout(Duration::from_secs(2))
                    .add_root_certificates_pem(ca)
                    .build();
                timed(|| agent.put(server.url("/")).send(&upload).and_then(|r| r.bytes()))
            }),
        },
        Slow {
            name: "read_timeout_in_tls_handshake",
            after: Duration::from_millis(500),
            kind: ErrorKind::Timeout,
            step: Step::TlsHandshake,
            needle: "read timeout of 500ms expired",
            run: Box::new(move || {
                let agent = read_500ms().add_root_certificates_pem(ca).build();
                fetch_from(vec![Act::Trickle(tls_record, PACE)], agent, https)
            }),
        },
        Slow {
            name: "deadline_in_tls_handshake",
            after: Duration::from_secs(2),
            kind: ErrorKind::Timeout,
            step: Step::TlsHandshake,
            needle: "request timeout of 2s expired",
            run: Box::new(move || {
                let agent = deadline_2s().add_root_certificates_pem(ca).build();
                fetch_from(vec![Act::Trickle(tls_record2, PACE)], agent, https)
            }),
        },
        Slow {
            name: "connect_timeout_in_tls_handshake",
            after: Duration::from_secs(2),
            kind: ErrorKind::Timeout,
            step: Step::TlsHandshake,
            needle: "connect timeout of 2s expired",
            run: Box::new(move || {
                let agent = Agent::builder()
                    .timeout_connect(Duration::from_secs(2))
                    .add_root_certificates_pem(ca)
                    .build();
                fetch_from(vec![Act::Trickle(tls_record3, PACE)], agent, https)
            }),
        },
        Slow {
            name: "deadline_in_connect_proxy_answer",
            after: Duration::from_secs(2),
            kind: ErrorKind::Timeout,
            step: Step::Tunnel,
            needle: "request timeout of 2s expired",
            run: Box::new(move || {
                let proxy = Server::conns(vec![vec![
                    Act::ReadHead,
                    trickle(b"HTTP/1.1 200 Connection established\r\n\r\n"),
                ]]);
                let agent = deadline_2s()
                    .proxy(h1client::Proxy::new(&proxy.url("")).unwrap())
                    .add_root_certificates_pem(ca)
                    .build();
                timed(|| agent.get("https://origin.invalid/").call().and_then(|r| r.bytes()))
            }),
        },
        Slow {
            name: "deadline_in_socks5_handshake",
            after: Duration::from_secs(2),
            kind: ErrorKind::Timeout,
            step: Step::Tunnel,
            needle: "request timeout of 2s expired",
            run: Box::new(move || {
                // method "no authentication", then a success reply for 127.0.0.1:80, slowly
                let proxy = Server::conns(vec![vec![trickle(&[5, 0, 5, 0, 0, 1, 127, 0, 0, 1, 0, 80])]]);
                let agent = deadline_2s()
                    .proxy(h1client::Proxy::new(&format!("socks5h://{}", proxy.addr)).unwrap())
                    .build();
                timed(|| agent.get("http://origin.invalid/").call().and_then(|r| r.bytes()))
            }),
        },
        Slow {
            name: "connect_timeout_in_connect_proxy_answer",
            after: Duration::from_secs(2),
            kind: ErrorKind::Timeout,
            step: Step::Tunnel,
            needle: "connect timeout of 2s expired",
            run: Box::new(move || {
                let proxy = Server::conns(vec![vec![
                    Act::ReadHead,
                    trickle(b"HTTP/1.1 200 Connection established\r\n\r\n"),
                ]]);
                let agent = Agent::builder()
                    .timeout_connect(Duration::from_secs(2))
                    .proxy(h1client::Proxy::new(&proxy.url("")).unwrap())
                    .add_root_certificates_pem(ca)
                    .build();
                timed(|| agent.get("https://origin.invalid/").call().and_then(|r| r.bytes()))
            }),
        },
        Slow {
            name: "connect_timeout_in_socks5_handshake",
            after: Duration::from_secs(2),
            kind: ErrorKind::Timeout,
            step: Step::Tunnel,
            needle: "connect timeout of 2s expired",
            run: Box::new(move || {
                let proxy = Server::conns(vec![vec![trickle(&[5, 0, 5, 0, 0, 1, 127, 0, 0, 1, 0, 80])]]);
                let agent = Agent::builder()
                    .timeout_connect(Duration::from_secs(2))
                    .proxy(h1client::Proxy::new(&format!("socks5h://{}", proxy.addr)).unwrap())
                    .build();
                timed(|| agent.get("http://origin.invalid/").call().and_then(|r| r.bytes()))
            }),
        },
        Slow {
            name: "deadline_while_uploading_to_a_server_that_does_not_read",
            after: Duration::from_secs(2),
            kind: ErrorKind::Timeout,
            step: Step::Send,
            needle: "request timeout of 2s expired",
            run: Box::new(move || {
                let server = Server::conns(vec![vec![Act::Sleep(Duration::from_secs(6))]]);
                let upload = vec![0u8; 64 << 20];
                let agent = Agent::builder().timeout(Duration::from_secs(2)).build();
                timed(|| agent.put(server.url("/")).send(&upload).and_then(|r| r.bytes()))
            }),
        },
    ];
    // In parallel: each case waits on a clock, not on the processor.
    let running: Vec<_> = cases
        .into_iter()
        .map(|c| {
            let (name, after, kind, step, needle) = (c.name, c.after, c.kind, c.step, c.needle);
            let handle = thread::spawn(c.run);
            (name, after, kind, step, needle, handle)
        })
        .collect();
    for (name, after, kind, step, needle, handle) in running {
        let (got, took) = handle.join().unwrap();
        let e = match got {
            Ok(body) => panic!("{name}: got a body of {} bytes", body.len()),
            Err(e) => e,
        };
        assert_eq!((e.kind(), e.step()), (kind, step), "{name}: {e}");
        assert!(e.to_string().contains(needle), "{name}: {e} should say {needle:?}");
        assert!(
            took + Duration::from_millis(50) >= after && took <= after + Duration::from_millis(1500),
            "{name}: ended after {took:?}, the limit was {after:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// injection

/// What a request must never carry to the server: a header line smuggled in by a CR/LF in some
/// user input.
const INJECTED: &str = "X-Injected";

type Build = Box<dyn Fn(&Server) -> h1client::Result<h1client::Response>>;

/// Every user input that reaches the wire, carrying CR, LF or NUL: the request is refused and
/// not a byte (not even a connection) reaches the server.
#[test]
fn injection_is_refused_before_anything_is_sent() {
    use ErrorKind::{InvalidRequest, InvalidUrl};
    fn a() -> Agent {
        bounded().build()
    }
    #[rustfmt::skip]
    #[cfg_attr(not(feature = "cookies"), allow(unused_mut))]
    let mut cases: Vec<(&str, ErrorKind, Build)> = vec![
        ("method_crlf",                    InvalidRequest, Box::new(|s| a().request("GET / HTTP/1.1\r\nX-Injected: yes\r\nX:", s.url("/")).call())),
        ("method_lf",                      InvalidRequest, Box::new(|s| a().request("GET\nX-Injected:", s.url("/")).call())),
        ("method_nul",                     InvalidRequest, Box::new(|s| a().request("GET\0", s.url("/")).call())),
        ("url_path_crlf",                  InvalidUrl,     Box::new(|s| a().get(s.url("/a\r\nX-Injected: yes")).call())),
        ("url_path_nul",                   InvalidUrl,     Box::new(|s| a().get(s.url("/a\0")).call())),
        ("url_query_crlf",                 InvalidUrl,     Box::new(|s| a().get(s.url("/?q=\r\nX-Injected: yes")).call())),
        ("url_query_lf",                   InvalidUrl,     Box::new(|s| a().get(s.url("/?q=\nX-Injected: yes")).call())),
        ("url_host_crlf",                  InvalidUrl,     Box::new(|s| a().get(format!("http://127.0.0.1\r\nX-Injected: yes:{}/", s.addr.port())).call())),
        ("url_host_encoded_crlf",          InvalidUrl,     Box::new(|s| a().get(format!("http://a%0d%0aX-Injected:{}/", s.addr.port())).call())),
        ("url_userinfo_encoded_crlf",      InvalidRequest, Box::new(|s| a().get(format!("http://u%0d%0aX-Injected%3a%20yes:p@{}/", s.addr)).call())),
        ("url_password_encoded_lf",        InvalidRequest, Box::new(|s| a().get(format!("http://u:p%0aX-Injected%3a%20yes@{}/", s.addr)).call())),
        ("url_password_encoded_nul",       InvalidRequest, Box::new(|s| a().get(format!("http://u:p%00@{}/", s.addr)).call())),
        ("header_name_crlf",               InvalidRequest, Box::new(|s| a().get(s.url("/")).header("X-A\r\nX-Injected", "yes").call())),
        ("header_name_nul",                InvalidRequest, Box::new(|s| a().get(s.url("/")).header("X-A\0", "v").call())),
        ("header_value_crlf",              InvalidRequest, Box::new(|s| a().get(s.url("/")).header("X-A", "v\r\nX-Injected: yes").call())),
        ("header_value_lf",                InvalidRequest, Box::new(|s| a().get(s.url("/")).header("X-A", "v\nX-Injected: yes").call())),
        ("header_value_cr",                InvalidRequest, Box::new(|s| a().get(s.url("/")).header("X-A", "v\rX-Injected: yes").call())),
        ("header_value_nul",               InvalidRequest, Box::new(|s| a().get(s.url("/")).header("X-A", "v\0w").call())),
        ("removed_header_name_crlf",       InvalidRequest, Box::new(|s| a().get(s.url("/")).remove_header("X-A\r\nX-Injected: yes").call())),
        ("host_header_crlf",               InvalidRequest, Box::new(|s| a().get(s.url("/")).header("Host", "h\r\nX-Injected: yes").call())),
        ("user_agent_setting_crlf",        InvalidRequest, Box::new(|s| bounded().user_agent(Some("ua\r\nX-Injected: yes")).build().get(s.url("/")).call())),
        ("basic_auth_user_crlf",           InvalidRequest, Box::new(|s| a().get(s.url("/")).basic_auth("u\r\nX-Injected: yes", "p").call())),
        ("basic_auth_password_lf",         InvalidRequest, Box::new(|s| a().get(s.url("/")).basic_auth("u", "p\nX-Injected: yes").call())),
        ("basic_auth_password_nul",        InvalidRequest, Box::new(|s| a().get(s.url("/")).basic_auth("u", "p\0").call())),
        ("bearer_token_crlf",              InvalidRequest, Box::new(|s| a().get(s.url("/")).bearer_auth("t\r\nX-Injected: yes").call())),
        ("bearer_token_nul",               InvalidRequest, Box::new(|s| a().get(s.url("/")).bearer_auth("t\0").call())),
        ("cookie_header_crlf",             InvalidRequest, Box::new(|s| a().get(s.url("/")).header("Cookie", "a=1\r\nX-Injected: yes").call())),
        ("multipart_content_type_crlf",    InvalidRequest, Box::new(|s| { let form = h1client::Multipart::new().part("f", h1client::Part::text("v").content_type("text/plain\r\nX-Injected: yes")); a().post(s.url("/")).send_multipart(form) })),
        // the proxy is this server too: it must receive nothing either
        ("proxy_credentials_encoded_crlf", InvalidRequest, Box::new(|s| { let proxy = h1client::Proxy::new(&format!("http://u%0d%0aX-Injected%3a%20yes:p@{}", s.addr)).unwrap(); bounded().proxy(proxy).build().get("http://origin.invalid/").call() })),
        ("proxy_password_encoded_nul",     InvalidRequest, Box::new(|s| { let proxy = h1client::Proxy::new(&format!("http://u:p%00@{}", s.addr)).unwrap(); bounded().proxy(proxy).build().get("http://origin.invalid/").call() })),
    ];
    #[cfg(feature = "cookies")]
    cases.push((
        "jar_cookie_crlf",
        InvalidRequest,
        Box::new(|s| {
            let agent = a();
            let url = h1client::Url::parse(&s.url("/")).unwrap();
            let cookie = cookie_store::RawCookie::new("sid", "1\r\nX-Injected: yes");
            agent
                .with_cookie_store(|jar| jar.insert_raw(&cookie, &url).unwrap())
                .unwrap();
            agent.get(s.url("/")).call()
        }),
    ));
    let server = Server::conns(vec![]);
    for (name, kind, build) in &cases {
        let started = Instant::now();
        let got = build(&server).and_then(|r| r.bytes());
        check(name, got, Fail(*kind, ""), started);
    }
    assert_eq!(server.connections(), 0, "nothing may be sent, not even a connection");
}

/// Raw CR or LF in a proxy URL is refused, not silently dropped (which the URL parser does,
/// and which would hide an injection attempt, as for request URLs).
#[test]
fn raw_control_characters_in_a_proxy_url_are_refused() {
    for url in [
        "http://u\r\nX-Injected: yes:p@127.0.0.1:3128",
        "http://127.0.0.1:31\n28",
        "http://u:p\t@127.0.0.1:3128",
        "socks5h://u:p\0@127.0.0.1:1080",
    ] {
        let err = h1client::Proxy::new(url).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidUrl, "{url:?}: {err}");
    }
}

/// The encoded forms of CR/LF (percent-encoded in a URL, or escaped by the client) reach the
/// server as they are: still encoded, never as line breaks.
#[test]
fn encoded_injection_stays_encoded() {
    type Send = Box<dyn Fn(&Agent, &Server) -> h1client::Result<h1client::Response>>;
    #[rustfmt::skip]
    let cases: Vec<(&str, Send, &str)> = vec![
        ("path_percent_encoded",  Box::new(|a, s| a.get(s.url("/a%0d%0aX-Injected:%20yes")).call()),              "/a%0d%0aX-Injected:%20yes"),
        ("query_percent_encoded", Box::new(|a, s| a.get(s.url("/?q=%0D%0AX-Injected:%20yes%00")).call()),         "/?q=%0D%0AX-Injected:%20yes%00"),
        ("query_builder",         Box::new(|a, s| a.get(s.url("/")).query("q", "v\r\nX-Injected: yes\0").call()), "/?q=v%0D%0AX-Injected%3A+yes%00"),
        ("fragment_never_sent",   Box::new(|a, s| a.get(s.url("/p#%0d%0aX-Injected:%20yes")).call()),             "/p"),
        ("space_in_path",         Box::new(|a, s| a.get(s.url("/a b")).call()),                                   "/a%20b"),
    ];
    let server = Server::responses(vec![vec![send(ok("ok"))]; 16]);
    let agent = bounded().build();
    for (name, build, target) in &cases {
        let started = Instant::now();
        check(
            name,
            build(&agent, &server).and_then(|r| r.bytes()),
            Body(b"ok"),
            started,
        );
        let req = server.requests().pop().unwrap();
        assert_eq!(req.target, *target, "{name}");
        assert!(req.headers.iter().all(|(n, _)| n != INJECTED), "{name}: {req:?}");
    }
    assert_eq!(
        server.requests().len(),
        cases.len(),
        "one request each, nothing smuggled"
    );
}

/// Multipart field names and file names are inside a header section of the body: CR, LF, NUL
/// and quotes in them are escaped, never written raw.
#[test]
fn multipart_names_cannot_break_the_part_head() {
    let server = Server::responses(vec![vec![send(ok("ok"))]]);
    let form = h1client::Multipart::new()
        .text("a\"b\r\nX-Injected: yes\0c", "value")
        .part(
            "file\r\n\r\nbody",
            h1client::Part::bytes(b"data".to_vec()).file_name("f\".txt\r\nX-Injected: yes\0"),
        );
    bounded()
        .build()
        .post(server.url("/"))
        .send_multipart(form)
        .unwrap()
        .text()
        .unwrap();
    let req = &server.requests()[0];
    let parts = support::parse_multipart(req.header("content-type").unwrap(), &req.body);
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].name, "a%22b%0D%0AX-Injected: yes%00c");
    assert_eq!(parts[0].data, b"value");
    assert_eq!(parts[1].name, "file%0D%0A%0D%0Abody");
    assert_eq!(parts[1].file_name.as_deref(), Some("f%22.txt%0D%0AX-Injected: yes%00"));
    assert_eq!(parts[1].data, b"data");
    for part in &parts {
        for line in &part.headers {
            assert!(!line.contains('\0') && !line.starts_with(INJECTED), "{line:?}");
        }
    }
}

/// A `Location` carrying CR/LF: raw, the head is malformed (httparse refuses a bare CR, and a
/// CRLF simply ends the field); percent-encoded, it stays encoded in the next request target.
#[test]
fn injection_through_location_is_refused_raw_and_stays_encoded_when_encoded() {
    #[rustfmt::skip]
    let cases: Vec<(&str, Vec<u8>, Result<&str, ErrorKind>)> = vec![
        ("raw_cr",                  b"HTTP/1.1 302 Found\r\nLocation: /a\rX-Injected: yes\r\nContent-Length: 0\r\n\r\n".to_vec(), Err(ErrorKind::Protocol)),
        ("raw_nul",                 b"HTTP/1.1 302 Found\r\nLocation: /a\0b\r\nContent-Length: 0\r\n\r\n".to_vec(), Err(ErrorKind::Protocol)),
        ("raw_crlf_ends_the_field", b"HTTP/1.1 302 Found\r\nLocation: /a\r\nX-Injected: yes\r\nContent-Length: 0\r\n\r\n".to_vec(), Ok("/a")),
        ("encoded_crlf_in_path",    resp("302 Found", &["Location: /a%0d%0aX-Injected:%20yes"], b""), Ok("/a%0d%0aX-Injected:%20yes")),
        ("encoded_crlf_in_query",   resp("302 Found", &["Location: /b?x=%0D%0AX-Injected:%20yes"], b""), Ok("/b?x=%0D%0AX-Injected:%20yes")),
        ("encoded_crlf_in_host",    resp("302 Found", &["Location: http://a%0d%0aX-Injected:%20yes/"], b""), Err(ErrorKind::InvalidUrl)),
        ("tab_in_location",         resp("302 Found", &["Location: /c\td"], b""), Ok("/cd")),
    ];
    for (name, first, want) in cases {
        let server = Server::responses(vec![vec![Act::Send(first)], vec![send(ok("landed"))]]);
        let started = Instant::now();
        let got = bounded().build().get(server.url("/")).call().and_then(|r| r.text());
        assert!(started.elapsed() < CASE_LIMIT, "{name}");
        let requests = server.requests();
        match (want, got) {
            (Ok(target), Ok(body)) => {
                assert_eq!(body, "landed", "{name}");
                assert_eq!(requests.len(), 2, "{name}");
                assert_eq!(requests[1].target, target, "{name}");
                assert!(requests[1].headers.iter().all(|(n, _)| n != INJECTED), "{name}");
            }
            (Err(kind), Err(e)) => {
                assert_eq!(e.kind(), kind, "{name}: {e}");
                assert_eq!(requests.len(), 1, "{name}: not followed");
            }
            (want, got) => panic!("{name}: want {want:?}, got {got:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// credentials

/// The secret in every credential below; the raw bytes a foreign origin receives must not
/// contain it, in clear or in base64 (`u:s3cret`).
const SECRET: &str = "s3cret";
const SECRET_B64: &str = "dTpzM2NyZXQ=";

fn leaks(raw: &[u8]) -> bool {
    let raw = String::from_utf8_lossy(raw);
    raw.contains(SECRET) || raw.contains(SECRET_B64)
}

/// How a request was given its credentials.
type Give = fn(h1client::RequestBuilder) -> h1client::RequestBuilder;

const GIVERS: &[(&str, Give)] = &[
    ("headers", |r| {
        r.header("Authorization", format!("Bearer {SECRET}"))
            .header("Cookie", format!("sid={SECRET}"))
            .header("Proxy-Authorization", format!("Basic {SECRET_B64}"))
    }),
    ("basic_auth", |r| r.basic_auth("u", SECRET)),
    ("bearer_auth", |r| r.bearer_auth(SECRET)),
    ("userinfo", |r| r),
];

/// With credentials given each way, a redirect to `to` (from `from`): does the request after
/// the redirect carry them? `from` gets `u:s3cret@` for the userinfo way.
fn redirected_with_credentials(
    from: &str,
    give: (&str, Give),
    agent: &Agent,
    requests: impl Fn() -> Vec<support::Req>,
) -> (bool, bool) {
    let (name, give) = give;
    let from = if name == "userinfo" {
        from.replacen("://", &format!("://u:{SECRET}@"), 1)
    } else {
        from.to_string()
    };
    let started = Instant::now();
    let got = give(agent.get(&from)).call().and_then(|r| r.text());
    assert!(started.elapsed() < CASE_LIMIT, "{name}: {from}");
    assert_eq!(got.as_deref().ok(), Some("there"), "{name}: {from}: {got:?}");
    let requests = requests();
    assert_eq!(requests.len(), 2, "{name}: {from}");
    (leaks(&requests[0].head), leaks(&requests[1].head))
}

fn redirect_to(to: &str) -> Vec<u8> {
    resp("302 Found", &[&format!("Location: {to}")], b"")
}

/// Redirects to another origin (host, port, or scheme, RFC 6454) leave Authorization, Cookie and
/// Proxy-Authorization behind, however they were given (RFC 9110 §15.4); a redirect within the
/// origin keeps them; https -> http is refused unless allowed.
#[test]
fn credentials_stay_with_their_origin() {
    let ca = certs().ca_pem.as_bytes();
    let agent = || {
        bounded()
            .add_root_certificates_pem(ca)
            .allow_https_downgrade(true)
            .build()
    };
    for &give in GIVERS {
        let name = give.0;
        // the same origin: kept
        let server = Server::responses(vec![vec![Act::Send(redirect_to("/b"))], vec![send(ok("there"))]]);
        let sent = redirected_with_credentials(&server.url("/a"), give, &agent(), || server.requests());
        assert_eq!(sent, (true, true), "{name}: the same origin keeps them");

        // another host on the same port: the same server under another name
        let server = Server::responses_for(|addr| {
            let to = format!("http://localhost:{}/b", addr.port());
            vec![vec![Act::Send(redirect_to(&to))], vec![send(ok("there"))]]
        });
        let sent = redirected_with_credentials(&server.url("/a"), give, &agent(), || server.requests());
        assert_eq!(sent, (true, false), "{name}: leaked to another host");

        // another port on the same host
        let other = Server::responses(vec![vec![send(ok("there"))]]);
        let server = Server::responses(vec![vec![Act::Send(redirect_to(&other.url("/b")))]]);
        let requests = || [server.requests(), other.requests()].concat();
        let sent = redirected_with_credentials(&server.url("/a"), give, &agent(), requests);
        assert_eq!(sent, (true, false), "{name}: leaked to another port");

        // https -> http on the same host and port (the server answers both), when allowed
        let server = TlsServer::responses_for(server_config(&certs().localhost), |addr| {
            let to = format!("http://localhost:{}/b", addr.port());
            vec![vec![TAct::Send(redirect_to(&to))], vec![tsend(ok("there"))]]
        });
        let sent = redirected_with_credentials(&server.url("/a"), give, &agent(), || server.requests());
        assert_eq!(sent, (true, false), "{name}: leaked to http");
        assert_eq!(server.log().iter().map(|c| c.tls).collect::<Vec<_>>(), [true, false]);
    }

    // https -> http is refused by default: nothing reaches the http origin
    let plain = Server::responses(vec![vec![send(ok("plain"))]]);
    let tls = TlsServer::responses(
        server_config(&certs().localhost),
        vec![vec![TAct::Send(redirect_to(&plain.url("/b")))]],
    );
    let started = Instant::now();
    let got = GIVERS[0].1(bounded().add_root_certificates_pem(ca).build().get(tls.url("/a")))
        .call()
        .and_then(|r| r.bytes());
    check(
        "https_to_http_by_default",
        got,
        Fail(ErrorKind::RedirectRefused, "downgrade"),
        started,
    );
    assert_eq!(plain.connections(), 0);
}

/// The cookie jar is asked again for every request of a redirect chain (RFC 9110 §15.4 lists
/// the jar's `Cookie` among the fields to regenerate for the new request), so what reaches
/// another origin is what RFC 6265 scopes to it: nothing of a host-only cookie on another host.
/// Cookies are not isolated by port or scheme (RFC 6265 §8.5: "if a cookie is readable by a
/// service running on one port, the cookie is also readable by a service running on another
/// port of the same server"; only `Secure` ones stay off plain http, §5.4): a jar cookie does go
/// to another port of its host, on a redirect as on any request, so holding it back on
/// redirects alone would protect nothing. (`Secure` cannot be shown over loopback: the jar,
/// like browsers, counts `localhost` and loopback addresses as secure contexts.) A `Cookie`
/// header the caller set is a credential for its origin only, and stays behind on every change
/// of origin (see [`credentials_stay_with_their_origin`]).
#[cfg(feature = "cookies")]
#[test]
fn jar_cookies_follow_their_scope_on_redirects() {
    let set = |to: &str| {
        resp(
            "302 Found",
            &[
                &format!("Location: {to}"),
                &format!("Set-Cookie: sid={SECRET}"),
                "Set-Cookie: plain=visible",
            ],
            b"",
        )
    };
    let cookies_of = |r: &support::Req| {
        let mut all: Vec<String> = r
            .header("cookie")
            .unwrap_or("")
            .split("; ")
            .map(str::to_string)
            .collect();
        all.retain(|c| !c.is_empty());
        all.sort_unstable();
        all
    };
    let ca = certs().ca_pem.as_bytes();
    let agent = || {
        bounded()
            .add_root_certificates_pem(ca)
            .allow_https_downgrade(true)
            .build()
    };
    let host_cookies = ["plain=visible".to_string(), format!("sid={SECRET}")];

    // another host: none (host-only cookies of 127.0.0.1), while the jar keeps them for their host
    let server = Server::responses_for(|addr| {
        let to = format!("http://localhost:{}/b", addr.port());
        vec![
            vec![Act::Send(set(&to))],
            vec![send(ok("there"))],
            vec![send(ok("again"))],
        ]
    });
    let a = agent();
    assert_eq!(a.get(server.url("/a")).call().unwrap().text().unwrap(), "there");
    assert_eq!(a.get(server.url("/c")).call().unwrap().text().unwrap(), "again");
    let by_target = |t: &str| server.requests().into_iter().find(|r| r.target == t).unwrap();
    assert_eq!(cookies_of(&by_target("/b")), Vec::<String>::new(), "another host");
    assert_eq!(cookies_of(&by_target("/c")), host_cookies, "back on their host");

    // another port of the same host: the host's cookies (RFC 6265 §8.5)
    let other = Server::responses(vec![vec![send(ok("there"))]]);
    let server = Server::responses(vec![vec![Act::Send(set(&other.url("/b")))]]);
    assert_eq!(agent().get(server.url("/a")).call().unwrap().text().unwrap(), "there");
    assert_eq!(cookies_of(&other.requests()[0]), host_cookies, "another port");

    // https -> http on the same host and port: the host's cookies that are not Secure
    let server = TlsServer::responses_for(server_config(&certs().localhost), |addr| {
        let to = format!("http://localhost:{}/b", addr.port());
        vec![vec![TAct::Send(set(&to))], vec![tsend(ok("there"))]]
    });
    assert_eq!(agent().get(server.url("/a")).call().unwrap().text().unwrap(), "there");
    assert_eq!(cookies_of(&server.requests()[1]), host_cookies, "https -> http");
}

/// Proxy credentials are for the proxy: never sent to an origin, whatever the route.
#[test]
fn proxy_credentials_never_reach_the_origin() {
    use proxy_support::{socks5, ConnectProxy};
    let ca = certs().ca_pem.as_bytes();
    let https_origin = || TlsServer::responses(server_config(&certs().localhost), vec![vec![tsend(ok("there"))]; 2]);
    let http_origin = || Server::responses(vec![vec![send(ok("there"))]; 2]);
    let proxy_header = format!("Basic {SECRET_B64}");

    // an HTTP proxy with credentials, https: a CONNECT tunnel; the credentials go on the CONNECT
    let origin = https_origin();
    let proxy = ConnectProxy::start("HTTP/1.1 200 Connection established\r\n\r\n");
    let agent = bounded()
        .proxy(h1client::Proxy::new(&format!("http://u:{SECRET}@{}", proxy.addr)).unwrap())
        .add_root_certificates_pem(ca)
        .build();
    let got = agent
        .get(origin.url("/"))
        .header("Proxy-Authorization", &proxy_header)
        .call();
    assert_eq!(got.and_then(|r| r.text()).unwrap(), "there");
    assert!(proxy.heads.lock().unwrap()[0].contains(&format!("Proxy-Authorization: Basic {SECRET_B64}")));
    assert!(!leaks(&origin.log()[0].raw), "through a CONNECT tunnel");

    // a user's Proxy-Authorization header on a tunnelled request, the proxy without credentials
    let origin = https_origin();
    let proxy = ConnectProxy::start("HTTP/1.1 200 Connection established\r\n\r\n");
    let agent = bounded()
        .proxy(h1client::Proxy::new(&format!("http://{}", proxy.addr)).unwrap())
        .add_root_certificates_pem(ca)
        .build();
    let got = agent
        .get(origin.url("/"))
        .header("Proxy-Authorization", &proxy_header)
        .call();
    assert_eq!(got.and_then(|r| r.text()).unwrap(), "there");
    assert!(
        !leaks(&origin.log()[0].raw),
        "a Proxy-Authorization header went into a tunnel"
    );

    // SOCKS5 with credentials: they are in the SOCKS handshake, never in HTTP
    let origin = http_origin();
    let (addr, _) = socks5(Some(("u", SECRET)));
    let agent = bounded()
        .proxy(h1client::Proxy::new(&format!("socks5h://u:{SECRET}@{addr}")).unwrap())
        .build();
    let got = agent
        .get(origin.url("/"))
        .header("Proxy-Authorization", &proxy_header)
        .call();
    assert_eq!(got.and_then(|r| r.text()).unwrap(), "there");
    assert!(!leaks(&origin.raw(0)), "through SOCKS5");

    // a proxy with credentials that NO_PROXY bypasses: a direct request carries none
    let origin = http_origin();
    let proxy = Server::responses(vec![vec![send(ok("proxied"))]]);
    let agent = bounded()
        .proxy(h1client::Proxy::new(&format!("http://u:{SECRET}@{}", proxy.addr)).unwrap())
        .no_proxy("127.0.0.1")
        .build();
    let got = agent
        .get(origin.url("/"))
        .header("Proxy-Authorization", &proxy_header)
        .call();
    assert_eq!(got.and_then(|r| r.text()).unwrap(), "there");
    assert!(!leaks(&origin.raw(0)), "direct, past NO_PROXY");
    assert_eq!(proxy.connections(), 0);

    // no proxy at all: a Proxy-Authorization header has no proxy to go to
    let origin = http_origin();
    let got = bounded()
        .build()
        .get(origin.url("/"))
        .header("Proxy-Authorization", &proxy_header)
        .call();
    assert_eq!(got.and_then(|r| r.text()).unwrap(), "there");
    assert!(!leaks(&origin.raw(0)), "direct, no proxy");

    // through an HTTP proxy (absolute-form), then redirected to an origin NO_PROXY lets through
    // directly: the proxy got the credentials, the origin does not
    let origin = http_origin();
    let proxy = Server::responses(vec![vec![Act::Send(redirect_to(&origin.url("/b")))]]);
    let agent = bounded()
        .proxy(h1client::Proxy::new(&format!("http://u:{SECRET}@{}", proxy.addr)).unwrap())
        .no_proxy("127.0.0.1")
        .build();
    let got = agent.get("http://origin.invalid/a").call();
    assert_eq!(got.and_then(|r| r.text()).unwrap(), "there");
    assert!(leaks(&proxy.requests()[0].head), "the proxy gets its credentials");
    assert!(!leaks(&origin.raw(0)), "redirected past the proxy");
}

// ---------------------------------------------------------------------------------------------
// truncation

/// How a server ends the connection after its bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum End {
    /// Plain TCP, FIN.
    Plain,
    /// TLS, close_notify then FIN.
    TlsNotify,
    /// TLS, FIN without close_notify (a truncation attack, or a careless server).
    TlsBare,
}

/// Sends `raw`, then ends the connection as `end` says; reads the body with `bytes()`.
fn cut(raw: Vec<u8>, end: End) -> h1client::Result<Vec<u8>> {
    let pause = Duration::from_millis(50);
    let agent = bounded().add_root_certificates_pem(certs().ca_pem.as_bytes()).build();
    if end == End::Plain {
        let server = Server::conns(vec![vec![Act::Read, Act::Send(raw), Act::Sleep(pause), Act::Close]]);
        return agent.get(server.url("/")).call().and_then(|r| r.bytes());
    }
    let close = if end == End::TlsNotify {
        TAct::Close
    } else {
        TAct::CloseNoNotify
    };
    let script = vec![TAct::Read, TAct::Send(raw), TAct::Sleep(pause), close];
    let server = TlsServer::conns(server_config(&certs().localhost), vec![script]);
    agent.get(server.url("/")).call().and_then(|r| r.bytes())
}

/// A body cut short is an error in every framing, over TCP and TLS, whichever way the server
/// closes; a close proves the end only for a close-delimited body, and over TLS only with
/// close_notify (RFC 8446 §6.1, RFC 9112 §9.8).
#[test]
fn truncation_in_every_framing_is_an_error_over_tcp_and_tls() {
    const CHUNKED_CUT: Want = Fail(ErrorKind::Io, "in the middle of the chunked body");
    let chunked = |rest: &[u8]| [CHUNKED_HEAD, rest].concat();
    // (name, bytes, want over plain TCP, with close_notify, without close_notify)
    #[rustfmt::skip]
    #[cfg_attr(not(feature = "gzip"), allow(unused_mut))]
    let mut cases: Vec<(&str, Vec<u8>, [Want; 3])> = vec![
        ("head_cut",                       b"HTTP/1.1 200 OK\r\nContent-Len".to_vec(),        [Fail(ErrorKind::Protocol, "in the middle of the response head"); 3]),
        ("content_length_cut",             b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789".to_vec(), [Fail(ErrorKind::Io, "after 10 of 100 body bytes"); 3]),
        ("content_length_no_body",         b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".to_vec(), [Fail(ErrorKind::Io, "after 0 of 100 body bytes"); 3]),
        ("chunked_cut_in_size_line",       chunked(b"a"),                                     [CHUNKED_CUT; 3]),
        ("chunked_cut_in_extension",       chunked(b"a;name=val"),                            [CHUNKED_CUT; 3]),
        ("chunked_cut_after_size_cr",      chunked(b"a\r"),                                   [CHUNKED_CUT; 3]),
        ("chunked_cut_in_data",            chunked(b"a\r\n01234"),                            [CHUNKED_CUT; 3]),
        ("chunked_cut_before_data_crlf",   chunked(b"a\r\n0123456789"),                       [CHUNKED_CUT; 3]),
        ("chunked_cut_in_data_crlf",       chunked(b"a\r\n0123456789\r"),                     [CHUNKED_CUT; 3]),
        ("chunked_cut_before_last_chunk",  chunked(b"a\r\n0123456789\r\n"),                   [CHUNKED_CUT; 3]),
        ("chunked_cut_in_last_chunk",      chunked(b"a\r\n0123456789\r\n0"),                  [CHUNKED_CUT; 3]),
        ("chunked_cut_before_trailers",    chunked(b"a\r\n0123456789\r\n0\r\n"),              [CHUNKED_CUT; 3]),
        ("chunked_cut_in_trailer_line",    chunked(b"a\r\n0123456789\r\n0\r\nX-Sum: 4"),      [CHUNKED_CUT; 3]),
        ("chunked_cut_after_trailer_line", chunked(b"a\r\n0123456789\r\n0\r\nX-Sum: 42\r\n"), [CHUNKED_CUT; 3]),
        ("chunked_cut_in_final_crlf",      chunked(b"a\r\n0123456789\r\n0\r\n\r"),            [CHUNKED_CUT; 3]),
        // complete bodies, for contrast: the same bytes with their end
        ("content_length_complete",        resp("200 OK", &[], b"0123456789"),                [Body(b"0123456789"); 3]),
        ("chunked_complete",               chunked(b"a\r\n0123456789\r\n0\r\nX-Sum: 42\r\n\r\n"), [Body(b"0123456789"); 3]),
        // until close: the close is the end, but over TLS only a close_notify proves it
        ("until_close",                    b"HTTP/1.1 200 OK\r\n\r\n0123456789".to_vec(),     [Body(b"0123456789"), Body(b"0123456789"), Fail(ErrorKind::Io, "without TLS close_notify")]),
        ("until_close_empty",              b"HTTP/1.1 200 OK\r\n\r\n".to_vec(),               [Body(b""), Body(b""), Fail(ErrorKind::Io, "without TLS close_notify")]),
    ];
    #[cfg(feature = "gzip")]
    {
        use std::io::Write as _;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&b"0123456789".repeat(1000)).unwrap();
        let gz = e.finish().unwrap();
        let half = &gz[..gz.len() / 2];
        let head = |framing: &str| format!("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n{framing}\r\n").into_bytes();
        const GZIP_CUT: Want = Fail(ErrorKind::Decode, "gzip stream is cut short");
        const TRUNCATED: Want = Fail(ErrorKind::Io, "connection closed");
        #[rustfmt::skip]
        let gzip_cases = [
            // a complete frame around an incomplete gzip stream: the decoder sees it
            ("gzip_cut_inside_complete_content_length", [head(&format!("Content-Length: {}\r\n", half.len())), half.to_vec()].concat(), [GZIP_CUT; 3]),
            ("gzip_cut_inside_complete_chunked",        [head("Transfer-Encoding: chunked\r\n"), format!("{:x}\r\n", half.len()).into_bytes(), half.to_vec(), b"\r\n0\r\n\r\n".to_vec()].concat(), [GZIP_CUT; 3]),
            ("gzip_cut_until_close",                    [head(""), half.to_vec()].concat(), [GZIP_CUT, GZIP_CUT, Fail(ErrorKind::Io, "without TLS close_notify")]),
            // the frame itself cut short
            ("gzip_content_length_cut",                 [head(&format!("Content-Length: {}\r\n", gz.len())), half.to_vec()].concat(), [TRUNCATED; 3]),
            ("gzip_trailer_missing",                    [head(&format!("Content-Length: {}\r\n", gz.len() - 8)), gz[..gz.len() - 8].to_vec()].concat(), [GZIP_CUT; 3]),
        ];
        cases.extend(gzip_cases);
    }
    for (name, raw, wants) in cases {
        for (end, want) in [End::Plain, End::TlsNotify, End::TlsBare].into_iter().zip(wants) {
            let started = Instant::now();
            let got = cut(raw.clone(), end);
            check(&format!("{name} ({end:?})"), got, want, started);
        }
    }
}
