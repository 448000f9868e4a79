//! # Threats, and the defence against each
//!
//! A client reads bytes from servers it does not control and writes bytes built from input it may
//! not control either. These are the attacks this client is built to withstand, the defence in
//! the code, and the test that proves it (in `tests/`; `tests/adversarial.rs` maps every threat to
//! its cases, and `fuzz/` throws arbitrary bytes at the parsers).
//!
//! ## Misframing: one response read as part of another
//!
//! | threat | defence | proof |
//! |---|---|---|
//! | `Transfer-Encoding` and `Content-Length` together (request smuggling's favourite) | chunked wins, and the connection is never reused ([`proto::framing`](crate::proto::framing), RFC 9112 §6.3 #3) | `adversarial::framing_attacks` (`te_then_cl`, `cl_then_te`, …) |
//! | `chunked, chunked`, `xchunked`, an empty `Transfer-Encoding` | an error, or read until close when chunked is not final (RFC 9112 §6.1) | `adversarial::framing_attacks` (`te_*`), `framing::framing_table` |
//! | `Content-Length: +5`, `5 5`, `5, 6`, two different values, 2^64 | `1*DIGIT` only, checked arithmetic, equal values only ([`parse_digits`](crate::proto::framing::parse_digits), RFC 9110 §8.6) | `adversarial::framing_attacks` (`cl_*`) |
//! | bytes after a body (a second, unasked response) | a connection goes back to the pool only when nothing follows the body: checked in the buffer, in the TLS layer, and by a non-blocking probe of the socket before reuse | `adversarial::framing_attacks` (`extra_*`), `adversarial::stray_bytes_waiting_in_the_socket_are_never_the_next_answer`, `keepalive::stray_bytes_after_a_large_body_keep_the_connection_out_of_the_pool` |
//! | a 204, 304, or an answer to HEAD carrying a body | those responses end at their head, whatever the headers say (RFC 9112 §6.3 #1); anything after is stray bytes | `framing::framing_table`, conformance `204-followed-by-smuggled-response` |
//!
//! ## Exhaustion: memory, time
//!
//! | threat | defence | proof |
//! |---|---|---|
//! | an endless head, 10,000 headers, an endless stream of `100 Continue` | 64 KiB and 100 fields by default, interim heads counted against the same limit; finding the end of a head is linear in its bytes | `adversarial::resource_attacks`, `adversarial::many_headers` |
//! | endless chunk extensions or trailers, a chunk size of 2^64 | at most 16 hex digits and a 4 KiB size line; trailers count against the head limit ([`proto::chunked`](crate::proto::chunked)) | `adversarial::resource_attacks`, `chunked` unit tests |
//! | a decompression bomb | decoded bytes count against the body limit; at most two stacked codings | `compression` tests, `adversarial::resource_attacks` |
//! | a server trickling a byte per second | every read and write re-arms its socket timeout from the time left before the deadline, below the TLS layer too; handshakes (TLS, SOCKS, CONNECT) are bounded as a whole | `adversarial::slow_peers_meet_every_deadline`, `timeouts` tests |
//! | thousands of `Set-Cookie` fields, response after response | the jar keeps 4 KiB per cookie, 50 per domain, 3000 in all (RFC 6265 §6.1); new cookies beyond are ignored ([`client::cookies`](crate::client), feature `cookies`) | `cookies::a_server_cannot_grow_the_jar_past_the_rfc_6265_limits` |
//! | a large upload to a server that stopped reading | the write timeout, then the answer the server already sent is read and returned | `adversarial::early_answers_to_uploads` |
//!
//! ## Injection: input that would rewrite the request
//!
//! | threat | defence | proof |
//! |---|---|---|
//! | CR, LF or NUL in a method, header name or value, URL, credentials, proxy URL, cookie | refused before a connection is opened: methods and names must be tokens, values must not hold control bytes (RFC 9110 §5.5, §9.1); URLs with control characters are refused rather than cleaned | `adversarial::injection_is_refused_before_anything_is_sent`, `request::injection_attempts_are_refused_before_connecting`, the `request_head` fuzz target |
//! | percent-encoded CR/LF (`%0d%0a`) in a URL or a `Location` | stays encoded: the request target is the URL's serialization, never decoded | `adversarial::encoded_injection_stays_encoded`, `adversarial::injection_through_location` |
//! | multipart field and file names | quotes, CR, LF and other control bytes are percent-encoded | `adversarial::multipart_names_cannot_break_the_part_head` |
//!
//! ## Credential leaks
//!
//! | threat | defence | proof |
//! |---|---|---|
//! | a redirect to another host, port or scheme collecting `Authorization` or `Cookie` | both are dropped when the origin changes ([`client::redirect`](crate::client::redirect), RFC 9110 §15.4) | `adversarial::credentials_stay_with_their_origin`, `redirect::credentials_stay_with_their_origin` |
//! | an `https` page redirecting to `http` | refused unless allowed on the builder | `redirect::https_to_http_downgrade_is_refused_unless_allowed` |
//! | proxy credentials reaching the origin | `Proxy-Authorization` goes only to an HTTP proxy: on the CONNECT, never inside the tunnel | `adversarial::proxy_credentials_never_reach_the_origin`, `proxy::https_goes_through_a_connect_tunnel` |
//! | a connection made without verification reused for a request that verifies | pools are per agent, and the pool key carries the TLS configuration's identity | `tls` tests (pooling) |
//! | user name and password in a URL sent in the request target | userinfo becomes `Authorization: Basic` and is never part of the target (RFC 9110 §4.2.4) | `request::basic_and_bearer_auth`, conformance `proxy-userinfo-not-in-target` |
//!
//! ## Truncation: a short body passed off as complete
//!
//! | threat | defence | proof |
//! |---|---|---|
//! | the connection closing inside a `Content-Length` or chunked body | `read()` returns an error naming how much came (`connection closed after 5 of 10 body bytes`); never a short `Ok(0)` | `adversarial::truncation_in_every_framing`, `framing::truncated_body_error_comes_from_read_after_partial_data` |
//! | a TLS peer (or an attacker) closing TCP without `close_notify` at the end of a close-delimited body | an error: only `close_notify` proves such a body complete (RFC 8446 §6.1) | `tls` tests (truncation), conformance `tls-close-no-notify-mid-body` |
//! | a compressed body cut short | a `Decode` error | `adversarial::truncation_in_every_framing` (gzip) |
//!
//! ## Certificates
//!
//! | threat | defence | proof |
//! |---|---|---|
//! | an expired, self-signed, wrongly named or untrusted certificate | refused with the reason (`certificate expired`); verification is off only through `danger_accept_invalid_certs` | `tls` tests (refusals), conformance `tls-*` |
//! | a server that picks a protocol other than HTTP/1.1 by ALPN | refused | `tls` tests |
//!
//! ## Panics on hostile bytes
//!
//! The library denies `unwrap`, `expect`, `panic!`, unchecked indexing and unchecked arithmetic
//! through clippy (declared once at the top of `src/lib.rs`; each exception says why where it
//! stands); four fuzz targets ran for ten
//! minutes each without a crash, and their corpus is replayed by `tests/fuzz_corpus.rs` on every
//! test run. `tests/load.rs` drives one agent from 32 threads against a server that resets and
//! closes at random, checking that no connection is ever shared and no file descriptor leaks.
