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
//! The rules are RFC 9112 §6.3; the code is [`decide`](crate::proto::framing::decide) in
//! `src/proto/framing.rs`, and the chunked decoder in `src/proto/chunked.rs`.
//!
//! | threat | precedents | defence | proof |
//! |---|---|---|---|
//! | `Transfer-Encoding` and `Content-Length` together (request smuggling's favourite) | Linhart et al., "HTTP Request Smuggling" (2005), cited by RFC 9112 §11.2; ktor GHSA-xrr9-rh8p-433v | chunked wins, and the connection is never reused (RFC 9112 §6.3 item 3) | `adversarial::framing_attacks_get_the_rfc_answer_and_only_clean_responses_keep_the_connection` (`te_then_cl`, `cl_then_te`, …) |
//! | `chunked, chunked`, `xchunked`, an empty `Transfer-Encoding`, a folded one | Node.js CVE-2022-32213 (flawed `Transfer-Encoding` parsing), CVE-2022-32215 (a multi-line `Transfer-Encoding`); hyper RUSTSEC-2021-0020 (several `Transfer-Encoding` fields) | an error, or read until close when `chunked` is not final (RFC 9112 §6.1, §6.3 item 4); folds are unfolded before the value is read (RFC 9112 §5.2) | `adversarial::framing_attacks_get_the_rfc_answer_and_only_clean_responses_keep_the_connection` (`te_*`), `framing::framing_table_rows_give_their_body_or_a_typed_error_naming_the_host` |
//! | `Content-Length: +5`, `5 5`, `5, 6`, two different values, 2^64 | hyper RUSTSEC-2021-0078 and GHSA-f3pg-qwvg-p99c (a `+` accepted), Jetty CVE-2023-40167 (the same) | `1*DIGIT` only, checked arithmetic, equal values only (`parse_digits`; RFC 9110 §8.6, RFC 9112 §6.3 item 5) | `adversarial::framing_attacks_get_the_rfc_answer_and_only_clean_responses_keep_the_connection` (`cl_*`) |
//! | a chunk size of 2^64 + 5, read as 5 | hyper CVE-2021-32714 | at most 16 hex digits, checked arithmetic ([`ChunkedDecoder`](crate::proto::chunked::ChunkedDecoder) in `src/proto/chunked.rs`; RFC 9112 §7.1) | `chunked` unit tests (`chunk_size_of_2_pow_64_is_refused`, `chunked_errors_table`), `adversarial::resource_attacks_stop_at_the_limits_without_reading_on` (`chunk_size_2_pow_64`) |
//! | a chunk size followed by something else: `5 6`, `5 junk`, `0x5`, a malformed extension | — | after the digits only whitespace, then `;` extensions that follow the grammar (a token name, a token or quoted-string value), or the line's end; anything else is an error, not a size read as 5 (RFC 9112 §7.1, §7.1.1) | `chunked` unit tests (`chunked_errors_table`), `framing::framing_table_rows_give_their_body_or_a_typed_error_naming_the_host` (`chunked_size_0x_is_protocol_error`) |
//! | bare LF in chunk framing | Go CVE-2025-22871, ASP.NET Core CVE-2025-55315 | CRLF required on every chunk line; a bare LF is an error (RFC 9112 §7.1 grammar) | `chunked` unit tests (`chunked_errors_table`) |
//! | bytes after a body (a second, unasked response) | Klein, "Divide and Conquer" (2004), cited by RFC 9112 §11.1 | a connection goes back to the pool only when nothing follows the body: checked in the buffer, in the TLS layer, and by a non-blocking probe of the socket before each reuse (RFC 9112 §6.3: "A client MUST NOT process, cache, or forward such extra data as a separate response") | `adversarial::framing_attacks_get_the_rfc_answer_and_only_clean_responses_keep_the_connection` (`extra_*`), `adversarial::stray_bytes_waiting_in_the_socket_are_never_the_next_answer`, `keepalive::stray_bytes_after_a_large_body_keep_the_connection_out_of_the_pool` |
//! | a 204, 304, or an answer to HEAD carrying a body | — | those responses end at their head, whatever the headers say (RFC 9112 §6.3 item 1); anything after is stray bytes | `framing::framing_table_rows_give_their_body_or_a_typed_error_naming_the_host`, the `framing` unit test `framing_table`, conformance `204-followed-by-smuggled-response` |
//!
//! ## Exhaustion: memory, time
//!
//! | threat | precedents | defence | proof |
//! |---|---|---|---|
//! | an endless head, 10,000 headers, an endless stream of `100 Continue` | curl CVE-2023-38039 ("HTTP headers eat all memory") | 64 KiB and 100 fields by default, interim heads counted against the same limit; finding the end of a head is linear in its bytes | `adversarial::resource_attacks_stop_at_the_limits_without_reading_on`, `adversarial::many_headers_fail_past_the_limit_and_are_read_within_a_raised_one` |
//! | a peer that does not speak HTTP (an SSH or SMTP banner, TLS bytes) and never sends the empty line a head waits for | — | the first bytes must be able to start a status line (`HTTP/` digit `.` digit): anything else is a `Protocol` error at once ([`check_start`](crate::proto::response::check_start), called as the bytes arrive) | `errors::a_reply_that_cannot_be_http_fails_at_its_first_bytes`, the `response` unit test `what_cannot_start_a_status_line_is_refused_at_once` |
//! | endless chunk extensions or trailers; megabytes of extensions on one-byte chunks | — | a 4 KiB size line; extensions in all at most 64 KiB plus as many bytes as the chunk data so far ([`FREE_EXTENSION_BYTES`](crate::proto::chunked::FREE_EXTENSION_BYTES)); trailers count against the head limit (`src/proto/chunked.rs`) | `adversarial::resource_attacks_stop_at_the_limits_without_reading_on` (`endless_chunk_extension`, `endless_whitespace_after_chunk_size`, `endless_trailer_*`), `chunked` unit tests (`endless_extension_is_capped`, `chunk_extensions_may_not_outweigh_the_data`, `trailers_are_capped`) |
//! | a decompression bomb, or a chain of codings | curl CVE-2022-32206 (an unbounded decompression chain); urllib3 CVE-2025-66418 (the same) and CVE-2025-66471 (streaming decompression); undici CVE-2026-22036 (the same chain) | at most two stacked codings, transfer and content together; decoded bytes count against the body limit; each layer decodes into the caller's buffer, in constant memory (`src/client/decode.rs`) | `compression::decoded_size_counts_against_the_body_limit`, `compression::decoding_every_coding_gives_the_body_or_a_typed_error` |
//! | encoded input that decodes to nothing: endless empty gzip members, empty deflate blocks | — | one read takes at most 256 KiB of encoded body without a decoded byte, then fails with a `Decode` error (`MAX_ENCODED_WITHOUT_OUTPUT` in `src/client/body.rs`); `bytes()`, `text()` and `json()` take at most the body limit, plus 1/64 and 4 KiB, of encoded bytes; a gzip header at most 64 KiB | `compression::encoded_input_that_decodes_to_nothing_fails_within_one_read`, `compression::encoded_bytes_count_against_the_body_limit` |
//! | a server trickling a byte per second | — | every read and write re-arms its socket timeout from the time left before the deadline, below the TLS layer too (`src/transport/timeouts.rs`); connecting — resolving, every address, the proxy's handshake, TLS — is bounded as a whole by one deadline | `adversarial::slow_peers_meet_every_deadline`, `timeouts::connect_timeout_limits_connecting_as_a_whole`, `connect::agent_connect_timeout_and_deadline_stop_a_connect_that_hangs` |
//! | thousands of `Set-Cookie` fields, response after response | curl CVE-2022-32205 ("Set-Cookie denial of service") | the jar keeps at most 4096 bytes per cookie, 50 per domain, 3000 in all, and ignores new cookies beyond. RFC 6265 §6.1 lists these numbers as the minimum capabilities a general-use user agent should provide, not as limits; the jar uses them as its maximums (`src/client/cookies.rs`, feature `cookies`; [concepts: cookies](super::_03_concepts#9-cookies)) | `cookies::a_server_cannot_grow_the_jar_past_the_rfc_6265_limits` |
//! | a large upload to a server that stopped reading | — | the write timeout, then the answer the server already sent is read and returned | `adversarial::early_answers_to_uploads_are_returned_and_keep_the_connection_in_step` |
//!
//! ## Injection: input that would rewrite the request
//!
//! | threat | precedents | defence | proof |
//! |---|---|---|---|
//! | CR, LF or NUL in a method, header name or value, URL, credentials, proxy URL, cookie | Python CVE-2016-5699 (header values), CVE-2019-9740 and CVE-2019-9947 (URL query and path), CVE-2019-18348 (URL host), CVE-2020-26116 (method); urllib3 CVE-2019-11236 (URL), CVE-2020-26137 (method) | refused before a connection is opened: methods and names must be tokens, values must not hold control bytes but HTAB (RFC 9110 §5.5, §9.1); URLs with control characters are refused rather than cleaned | `adversarial::injection_is_refused_before_anything_is_sent`, `request::injection_attempts_are_refused_before_connecting`, the `request_head` fuzz target |
//! | percent-encoded CR/LF (`%0d%0a`) in a URL or a `Location` | Klein 2004 (response splitting through a decoded `Location`) | stays encoded: the request target is the URL's serialization, never decoded | `adversarial::encoded_injection_stays_encoded`, `adversarial::injection_through_location_is_refused_raw_and_stays_encoded_when_encoded` |
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
//! | a connection made without verification, or with other TLS settings, reused for a request that verifies | curl CVE-2022-27782 ("TLS and SSH connection too eager reuse") | pools are per agent, and the pool key carries the TLS configuration's identity | `tls::an_insecure_agent_never_lends_a_connection_to_a_verifying_one`, `tls::the_pool_key_includes_the_host_name_verified_for` |
//! | user name and password in a URL sent in the request target | — | userinfo becomes `Authorization: Basic` and is never part of the target (RFC 9110 §4.2.4: "A sender MUST NOT generate the userinfo subcomponent (and its "@" delimiter) when an "http" or "https" URI reference is generated within a message as a target URI or field value") | `request::basic_and_bearer_auth_and_userinfo_become_one_authorization_header`, conformance `proxy-userinfo-not-in-target` |
//! | user name and password in a URL printed in an error message, a trace event or `Debug` output, and from there in a log | — | the userinfo is shown as `***@` wherever the crate prints a URL (`redact_url` in `src/error.rs`) | `errors::url_credentials_never_appear_in_messages_or_traces` |
//! | one site's cookies reaching another part of the program through the one-off functions, once some crate turns the `cookies` feature on | — | the agent behind [`h1client::get`](crate::get) and its kin keeps no cookies; only an [`Agent`](crate::Agent) you build has a jar | `cookies::one_off_calls_share_no_cookies` |
//!
//! ## Repetition: a request applied twice
//!
//! | threat | precedents | defence | proof |
//! |---|---|---|---|
//! | a POST (an order, a payment) sent again after its connection broke, though the server had it | — | a request is sent again only once, on a fresh connection, after a reused connection failed before any answer, with a body that can be replayed, and only if doing it twice cannot hurt: an idempotent method or an `Idempotency-Key`, or not one byte of it written (RFC 9110 §9.2.2); other methods only when the agent is told they are safe ([`retry_non_idempotent`](crate::AgentBuilder::retry_non_idempotent)). An answer already waiting after a failed write is returned, not retried (`may_resend` in `src/client/retry.rs`; [when it goes wrong: retries](super::_04_when_it_goes_wrong#retries)) | `keepalive::stale_connection_is_not_retried_for_post`, `keepalive::stale_connection_is_retried_for_idempotent_requests`, `keepalive::post_is_resent_on_a_stale_connection_only_when_the_agent_is_told_it_is_safe`, `keepalive::streamed_body_is_not_retried`, `keepalive::an_early_answer_on_a_reused_connection_is_returned_not_retried`, the `retry` unit test `resend_table` |
//!
//! ## Truncation: a short body passed off as complete
//!
//! | threat | precedents | defence | proof |
//! |---|---|---|---|
//! | the connection closing inside a `Content-Length` or chunked body | — | `read()` returns an error naming how much came (`connection closed after 5 of 10 body bytes`); never a short `Ok(0)` (RFC 9112 §8, §6.3 item 6) | `adversarial::truncation_in_every_framing_is_an_error_over_tcp_and_tls`, `framing::truncated_body_error_comes_from_read_after_partial_data` |
//! | a TLS peer (or an attacker) closing TCP without `close_notify` at the end of a close-delimited body | — (RFC 9112 §9.8: "Treating an incomplete message as complete could expose implementations to attack") | an error: only `close_notify` proves such a body complete (RFC 8446 §6.1) | `tls::truncation_over_tls_is_an_error_unless_framing_or_close_notify_ends_the_body`, conformance `tls-close-no-notify-mid-body` |
//! | a compressed body cut short | — | a `Decode` error | `adversarial::truncation_in_every_framing_is_an_error_over_tcp_and_tls` (gzip) |
//!
//! See [when it goes wrong: truncation](super::_04_when_it_goes_wrong#truncation).
//!
//! ## Certificates
//!
//! | threat | precedents | defence | proof |
//! |---|---|---|---|
//! | an expired, self-signed, wrongly named or untrusted certificate | Ruby CVE-2007-5770 and mutt CVE-2009-3766 (the name not checked); restkit CVE-2015-2674 (nothing checked); urllib3 CVE-2019-11324 (the wrong set of roots trusted) | refused with the reason (`certificate expired`); verification is off only through `danger_accept_invalid_certs` ([concepts: what the check proves](super::_03_concepts#6-https-what-tls-adds-and-what-the-certificate-check-proves)) | `tls::bad_certificates_are_refused_with_the_reason`, conformance `tls-*` |
//! | a server that picks a protocol other than HTTP/1.1 by ALPN | — | refused | `tls::an_alpn_protocol_other_than_http11_is_refused` |
//!
//! ## Panics on hostile bytes
//!
//! The library denies `unwrap`, `expect`, `panic!`, unchecked indexing and unchecked arithmetic
//! through clippy (declared once at the top of `src/lib.rs`; each exception says why where it
//! stands); four fuzz targets ran for ten minutes each without a crash, and their corpus is
//! replayed by `tests/fuzz_corpus.rs` on every test run. `tests/load.rs` drives one agent from 32
//! threads against a server that resets and closes at random, checking that no connection is ever
//! shared and no file descriptor leaks.
