//! # 2. The code, file by file
//!
//! The files in the order a request meets them, with the types and functions that do the work in
//! each (named in plain text: open the file next to this page). The step numbers are those of
//! [the life of a request](super::_01_life_of_a_request). Start with `cargo doc --open
//! --all-features` and its examples, which run as tests against a loopback server.
//!
//! The code has three layers, and bytes only ever cross between them in one direction at a time:
//!
//! - `src/client/`: what you call — the [`Agent`](crate::Agent), requests and responses — and the
//!   policies between "I asked for a URL" and "here is the response": redirects, retries,
//!   credentials, cookies, decoding;
//! - `src/proto/`: pure HTTP/1.1, with no I/O at all — request heads to bytes, bytes to response
//!   heads, body framing, the chunked coding (RFC 9112, RFC 9110), so every rule can be tested byte
//!   for byte and fuzzed;
//! - `src/transport/`: bytes on the wire — resolving, connecting, proxies, TLS, and the pool of
//!   idle connections.
//!
//! | # | file | what happens there | main types and functions | step | RFC |
//! |--:|---|---|---|--:|---|
//! | 1 | `src/lib.rs` | `h1client::get(url)` on a shared default agent; the crate's lint policy (no panicking shortcuts on network bytes) | `get`, `post`, `request`, `default_agent` | | |
//! | 2 | `src/client/request.rs` | the request builder: the URL checked, headers, query, credentials, the body sources | `RequestBuilder`, `parse_url`, `Body` | 1 | RFC 9110 §4.2, §8.6 |
//! | 3 | `src/client/agent.rs` | configuration, and the request loop: route, head, connection, send, receive, retry, redirect | `AgentBuilder`, `Agent`, `Agent::run`, `exchange`, `proxy_for`, `body_framing`, `connection`, `open`, `open_tcp`, `tunnel`, `send`, `send_reader`, `discard` | 2–10 | RFC 9112 §9.3, RFC 9110 §9.2.2 |
//! | 4 | `src/proto/request.rs` | the request head's bytes; non-tokens and CR, LF, NUL refused before connecting | `RequestHead` (`validate`, `write_validated`), `origin_form`, `check_method`, `check_name`, `check_value`, `check_target`, `BodyFraming`, `is_idempotent`, `expects_body` | 4 | RFC 9112 §3, RFC 9110 §5, §7.2 |
//! | 5 | `src/client/auth.rs` | `Authorization: Basic` from a user and a password | `basic`, `base64` | 4 | RFC 7617 |
//! | 6 | `src/client/cookies.rs` | the cookie jar (feature `cookies`): `Cookie` out, `Set-Cookie` in, within limits | `Jar` (`header_for`, `store`) | 4, 10 | RFC 6265 |
//! | 7 | `src/client/multipart.rs` | `multipart/form-data` bodies, streamed | [`Multipart`](crate::Multipart), `Part`, `MultipartReader` | 4, 6 | RFC 7578, RFC 2046 §5.1 |
//! | 8 | `src/transport/proxy.rs` | which proxy a URL goes through (environment, `NO_PROXY`), and the SOCKS5 handshake | [`Proxy`](crate::Proxy), `ProxyKind`, `EnvProxies`, `NoProxy`, `socks5_handshake` | 3, 5 | RFC 1928, RFC 1929, RFC 9112 §3.2.2 |
//! | 9 | `src/transport/pool.rs` | idle connections, per key, within limits and the idle timeout | `Pool` (`take`, `put`), `PoolLimits` | 5, 13 | RFC 9112 §9.3, §9.4 |
//! | 10 | `src/transport/mod.rs` | a connection's stream (TCP, TLS, unix socket); the probe before reuse; per-call timeouts | `Stream` (`is_idle_usable`, `has_pending_input`, `read_armed`), `Arm`, `PoolKey`, `write_all_vectored` | 5, 6 | RFC 6454 §4 |
//! | 11 | `src/transport/connect.rs` | resolve, order and race the addresses, connect, within deadlines | `resolve`, `connect`, `race`, `Deadline`, `DeadlineStream`, `ATTEMPT_DELAY` | 5 | RFC 8305, RFC 6761 §6.3 |
//! | 12 | `src/transport/tls.rs` | for `https`: roots, the handshake (SNI, ALPN), certificate checks and what their errors mean, `close_notify` | `build_config`, `handshake`, `TlsStream`, `WebPkiOrRoot`, `ClientCert`, `describe` | 5 | RFC 8446, RFC 6066 §3, RFC 7301, RFC 9110 §4.3.4 |
//! | 13 | `src/client/expect.rs` | `Expect: 100-continue`: wait for the go-ahead, or end the request without its body | `wanted`, `send`, `end_unsent`, `retry_without_expect` | 6, 10 | RFC 9110 §10.1.1 |
//! | 14 | `src/client/conn.rs` | one connection's buffers; reading the head, skipping 1xx; arming each system call with its timeout | `HttpConn` (`read_head`, `read_any_head`, `fill`, `read_direct`), `IoLimits`, `Armer` | 6, 7, 12 | RFC 9112 §2.2, §9 |
//! | 15 | `src/proto/response.rs` | the response head parsed in place with httparse, within limits | `ResponseHead` (`parse`), `HeadLimits`, `may_be_complete` | 7 | RFC 9112 §4, §5 |
//! | 16 | `src/proto/framing.rs` | how long is the body; may the connection be reused | `decide`, `Framing`, `BodyKind`, `Rule`, `parse_digits` | 9 | RFC 9112 §6.3, §9.3 |
//! | 17 | `src/client/redirect.rs` | the next hop: where, with which method and body, which credentials stay behind | `is_redirect`, `next`, `same_origin`, `CREDENTIAL_HEADERS` | 10 | RFC 9110 §15.4, §10.2.2 |
//! | 18 | `src/client/response.rs` | the [`Response`](crate::Response) and the streaming [`BodyReader`](crate::BodyReader): framing applied, truncation an error, the connection given back | `Response::new`, `BodyReader` (`read_length`, `read_chunked`, `read_until_close`, `finish`), `parse_trailers` | 11–13 | RFC 9112 §6.3, §8, §9.8 |
//! | 19 | `src/proto/chunked.rs` | the chunked decoder, a byte-driven state machine; trailers; chunk size lines for sending | `ChunkedDecoder` (`decode`, `decode_in_place`, `trailers`), `chunk_size_line`, `LAST_CHUNK` | 6, 12 | RFC 9112 §7.1 |
//! | 20 | `src/client/decode.rs` | transfer and content codings undone as the body streams: `gzip`, `deflate`, `br` | `plan_transfer`, `plan`, `Plan`, `Decoder`, `Coding`, `ACCEPT_ENCODING` | 11, 12 | RFC 9112 §6.1, §7, RFC 9110 §8.4, RFC 1950–1952, RFC 7932 |
//! | 21 | `src/client/charset.rs` | text from bytes, by the `charset` of `Content-Type` | `charset_param`, `decode` | 12 | RFC 9110 §8.3 |
//! | 22 | `src/trace.rs` | what you can watch: an [`Event`](crate::Event) at every step, with the exact bytes | `Event`, `Tracer` | all | |
//! | 23 | `src/error.rs` | what can go wrong: [`Error`](crate::Error), [`ErrorKind`](crate::ErrorKind), [`Step`](crate::Step) | `Error` (`kind`, `step`, `host`, `io_kind`), `io_phrase` | all | |
//! | 24 | `src/bin/h1client/` | the curl-compatible command line (feature `cli`): flags in, library calls, curl's exit codes out | `args.rs` (`parse`), `main.rs` (`run`, `exit_code`), `trace.rs` (`-v`, `--trace-ascii`), `form.rs` (`-F`), `progress.rs` | | |
//! | 25 | `src/doc_server.rs` | the loopback server behind this documentation's examples (hidden, not an API) | `DocServer` | | RFC 9112 §2.2 |
//!
//! Beside the source: `tests/` (one file per area; `tests/adversarial.rs` for the
//! [threats](super::_05_threats)), `fuzz/` (four cargo-fuzz targets, their corpus replayed by
//! `tests/fuzz_corpus.rs`), `bench/` (the benchmark against other clients and curl), and
//! `SECURITY.md` (the promises, the limits, the tests that prove them).
