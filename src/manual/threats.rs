//! # 5. Threats, and the defence against each
//!
//! A client reads bytes from servers it does not control and writes bytes built from input it may
//! not control either. These are the attacks this client is built to withstand, a real precedent
//! for each — the same mistake, made and fixed in another HTTP implementation — the defence in the
//! code, and the test that proves it (in `tests/`; `tests/adversarial.rs` maps every threat to its
//! cases, and `fuzz/` throws arbitrary bytes at the parsers).
//!
//! Precedents are named by their CVE, or by their RustSec or GitHub advisory where there is no
//! CVE; "—" means none is cited here. The [concepts](super::_03_concepts) chapter explains the
//! mechanisms: framing and smuggling, trailers, idempotency, TLS, proxies, redirects.
//!
//! ## Misframing: one response read as part of another
//!
//! The end of a response is computed, not marked; two readers that compute it differently let one
//! response's bytes be read as another's ([concepts: smuggling](super::_03_concepts#4-smuggling-and-desync-two-parsers-disagreeing-on-where-a-message-ends)).
//! The rules are RFC 9112 §6.3; the code is `decide` in `src/proto/framing.rs`.
//!
//! | threat | precedents | defence | proof |
//! |---|---|---|---|
//! | `Transfer-Encoding` and `Content-Length` together (request smuggling's favourite) | Linhart et al., "HTTP Request Smuggling" (2005), cited by RFC 9112 §11.2; ktor GHSA-xrr9-rh8p-433v | chunked wins, and the connection is never reused (RFC 9112 §6.3 item 3) | `adversarial::framing_attacks` (`te_then_cl`, `cl_then_te`, …) |
//! | `chunked, chunked`, `xchunked`, an empty `Transfer-Encoding`, a folded one | Node.js CVE-2022-32213 (flawed `Transfer-Encoding` parsing), CVE-2022-32215 (a multi-line `Transfer-Encoding`); hyper RUSTSEC-2021-0020 (several `Transfer-Encoding` fields) | an error, or read until close when `chunked` is not final (RFC 9112 §6.1, §6.3 item 4); folds are unfolded before the value is read (RFC 9112 §5.2) | `adversarial::framing_attacks` (`te_*`), `framing::framing_table` |
//! | `Content-Length: +5`, `5 5`, `5, 6`, two different values, 2^64 | hyper RUSTSEC-2021-0078 and GHSA-f3pg-qwvg-p99c (a `+` accepted), Jetty CVE-2023-40167 (the same) | `1*DIGIT` only, checked arithmetic, equal values only (`parse_digits`; RFC 9110 §8.6, RFC 9112 §6.3 item 5) | `adversarial::framing_attacks` (`cl_*`) |
//! | a chunk size of 2^64 + 5, read as 5 | hyper CVE-2021-32714 | at most 16 hex digits, checked arithmetic (`ChunkedDecoder` in `src/proto/chunked.rs`; RFC 9112 §7.1) | `chunked` unit tests (`chunk_size_of_2_pow_64_is_refused`) |
//! | bare LF in chunk framing | Go CVE-2025-22871, ASP.NET Core CVE-2025-55315 | CRLF required on every chunk line; a bare LF is an error (RFC 9112 §7.1 grammar) | `chunked` unit tests (`chunked_errors_table`) |
//! | bytes after a body (a second, unasked response) | Klein, "Divide and Conquer" (2004), cited by RFC 9112 §11.1 | a connection goes back to the pool only when nothing follows the body: checked in the buffer, in the TLS layer, and by a non-blocking probe of the socket before each reuse (RFC 9112 §6.3: "A client MUST NOT process, cache, or forward such extra data as a separate response") | `adversarial::framing_attacks` (`extra_*`), `adversarial::stray_bytes_waiting_in_the_socket_are_never_the_next_answer`, `keepalive::stray_bytes_after_a_large_body_keep_the_connection_out_of_the_pool` |
//! | a 204, 304, or an answer to HEAD carrying a body | — | those responses end at their head, whatever the headers say (RFC 9112 §6.3 item 1); anything after is stray bytes | `framing::framing_table`, conformance `204-followed-by-smuggled-response` |
//!
//! ## Exhaustion: memory, time
//!
//! | threat | precedents | defence | proof |
//! |---|---|---|---|
//! | an endless head, 10,000 headers, an endless stream of `100 Continue` | curl CVE-2023-38039 ("HTTP headers eat all memory") | 64 KiB and 100 fields by default, interim heads counted against the same limit; finding the end of a head is linear in its bytes | `adversarial::resource_attacks`, `adversarial::many_headers` |
//! | endless chunk extensions or trailers | — | a 4 KiB size line; trailers count against the head limit (`src/proto/chunked.rs`) | `adversarial::resource_attacks`, `chunked` unit tests |
//! | a decompression bomb, or a chain of codings | curl CVE-2022-32206 (an unbounded decompression chain); urllib3 CVE-2025-66418 (the same) and CVE-2025-66471 (streaming decompression); undici CVE-2026-22036 (the same chain) | at most two stacked codings; decoded bytes count against the body limit; each layer decodes into the caller's buffer, in constant memory (`src/client/decode.rs`) | `compression` tests, `adversarial::resource_attacks` |
//! | a server trickling a byte per second | — | every read and write re-arms its socket timeout from the time left before the deadline, below the TLS layer too; handshakes (TLS, SOCKS, CONNECT) are bounded as a whole | `adversarial::slow_peers_meet_every_deadline`, `timeouts` tests |
//! | thousands of `Set-Cookie` fields, response after response | curl CVE-2022-32205 ("Set-Cookie denial of service") | the jar keeps at most 4 KiB per cookie, 50 per domain, 3000 in all — the minimum capabilities RFC 6265 §6.1 asks a user agent to provide, used here as maximums; new cookies beyond are ignored (`src/client/cookies.rs`, feature `cookies`) | `cookies::a_server_cannot_grow_the_jar_past_the_rfc_6265_limits` |
//! | a large upload to a server that stopped reading | — | the write timeout, then the answer the server already sent is read and returned | `adversarial::early_answers_to_uploads` |
//!
//! ## Injection: input that would rewrite the request
//!
//! | threat | precedents | defence | proof |
//! |---|---|---|---|
//! | CR, LF or NUL in a method, header name or value, URL, credentials, proxy URL, cookie | Python CVE-2016-5699 (header values), CVE-2019-9740 and CVE-2019-9947 (URL query and path), CVE-2019-18348 (URL host), CVE-2020-26116 (method); urllib3 CVE-2019-11236 (URL), CVE-2020-26137 (method) | refused before a connection is opened: methods and names must be tokens, values must not hold control bytes but HTAB (RFC 9110 §5.5, §9.1); URLs with control characters are refused rather than cleaned | `adversarial::injection_is_refused_before_anything_is_sent`, `request::injection_attempts_are_refused_before_connecting`, the `request_head` fuzz target |
//! | percent-encoded CR/LF (`%0d%0a`) in a URL or a `Location` | Klein 2004 (response splitting through a decoded `Location`) | stays encoded: the request target is the URL's serialization, never decoded | `adversarial::encoded_injection_stays_encoded`, `adversarial::injection_through_location` |
//! | multipart field and file names | — | quotes, CR, LF and other control bytes are percent-encoded | `adversarial::multipart_names_cannot_break_the_part_head` |
//!
//! ## Credential leaks
//!
//! | threat | precedents | defence | proof |
//! |---|---|---|---|
//! | a redirect to another host, port or scheme collecting `Authorization` or `Cookie` | curl CVE-2018-1000007 (custom `Authorization` sent to another host), CVE-2022-27774 and CVE-2022-27776 (the same to another port or scheme); urllib3 CVE-2018-20060 (`Authorization`), CVE-2023-43804 (`Cookie`) | both are dropped when the origin changes (`src/client/redirect.rs`; RFC 9110 §15.4, [concepts: redirects](super::_03_concepts#8-redirects)) | `adversarial::credentials_stay_with_their_origin`, `redirect::credentials_stay_with_their_origin` |
//! | an `https` page redirecting to `http` | requests CVE-2018-18074 (`Authorization` sent over the downgrade); Guzzle CVE-2022-31043 (the same) | refused unless allowed on the builder | `redirect::https_to_http_downgrade_is_refused_unless_allowed` |
//! | a body kept when a redirect turns the request into a GET | urllib3 CVE-2023-45803 (the body of a `303`) | a 303 (and a POST after 301 or 302) becomes a GET without the body and its headers | `redirect::method_and_body_rewrite_on_the_wire` |
//! | proxy credentials reaching the origin | requests CVE-2023-32681 (through an `https` redirect); follow-redirects CVE-2024-28849; Go CVE-2025-4673; urllib3 CVE-2024-37891 | `Proxy-Authorization` goes only to an HTTP proxy: on the CONNECT, never inside the tunnel; it is dropped on a redirect to another origin (RFC 9110 §11.7.2) | `adversarial::proxy_credentials_never_reach_the_origin`, `proxy::https_goes_through_a_connect_tunnel` |
//! | a connection made without verification, or with other TLS settings, reused for a request that verifies | curl CVE-2022-27782 ("TLS and SSH connection too eager reuse") | pools are per agent, and the pool key carries the TLS configuration's identity | `tls` tests (pooling) |
//! | user name and password in a URL sent in the request target | — | userinfo becomes `Authorization: Basic` and is never part of the target (RFC 9110 §4.2.4: "A sender MUST NOT generate the userinfo subcomponent (and its "@" delimiter) when an "http" or "https" URI reference is generated within a message as a target URI or field value") | `request::basic_and_bearer_auth`, conformance `proxy-userinfo-not-in-target` |
//!
//! ## Truncation: a short body passed off as complete
//!
//! | threat | precedents | defence | proof |
//! |---|---|---|---|
//! | the connection closing inside a `Content-Length` or chunked body | — | `read()` returns an error naming how much came (`connection closed after 5 of 10 body bytes`); never a short `Ok(0)` (RFC 9112 §8, §6.3 item 6) | `adversarial::truncation_in_every_framing`, `framing::truncated_body_error_comes_from_read_after_partial_data` |
//! | a TLS peer (or an attacker) closing TCP without `close_notify` at the end of a close-delimited body | — (RFC 9112 §9.8: "Treating an incomplete message as complete could expose implementations to attack") | an error: only `close_notify` proves such a body complete (RFC 8446 §6.1) | `tls` tests (truncation), conformance `tls-close-no-notify-mid-body` |
//! | a compressed body cut short | — | a `Decode` error | `adversarial::truncation_in_every_framing` (gzip) |
//!
//! See [when it goes wrong: truncation](super::_04_when_it_goes_wrong#truncation).
//!
//! ## Certificates
//!
//! | threat | precedents | defence | proof |
//! |---|---|---|---|
//! | an expired, self-signed, wrongly named or untrusted certificate | Ruby CVE-2007-5770 and mutt CVE-2009-3766 (the name not checked); restkit CVE-2015-2674 (nothing checked); urllib3 CVE-2019-11324 (the wrong set of roots trusted) | refused with the reason (`certificate expired`); verification is off only through `danger_accept_invalid_certs` ([concepts: what the check proves](super::_03_concepts#6-https-what-tls-adds-and-what-the-certificate-check-proves)) | `tls` tests (refusals), conformance `tls-*` |
//! | a server that picks a protocol other than HTTP/1.1 by ALPN | — | refused | `tls` tests |
//!
//! ## Panics on hostile bytes
//!
//! The library denies `unwrap`, `expect`, `panic!`, unchecked indexing and unchecked arithmetic
//! through clippy (declared once at the top of `src/lib.rs`; each exception says why where it
//! stands); four fuzz targets ran for ten minutes each without a crash, and their corpus is
//! replayed by `tests/fuzz_corpus.rs` on every test run. `tests/load.rs` drives one agent from 32
//! threads against a server that resets and closes at random, checking that no connection is ever
//! shared and no file descriptor leaks.
