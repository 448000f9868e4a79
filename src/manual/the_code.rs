//! # 2. The code, file by file
//!
//! Every file under `src/`, in the order a request meets them, with the types and functions that
//! do the work in each. Public items are links; private ones are named in plain text: open the
//! file next to this page. The step numbers are those of
//! [the life of a request](super::_01_life_of_a_request). Start with `cargo doc --open
//! --all-features` and its examples, which run as tests against a loopback server.
//!
//! The code has three layers, and bytes only ever cross between them in one direction at a time:
//!
//! - `src/client/`: what you call — the [`Agent`](crate::Agent), requests and responses — and the
//!   policies between "I asked for a URL" and "here is the response": redirects, retries,
//!   credentials, cookies, decoding. Each file does one job and uses only the files below it in
//!   the table of `src/client/mod.rs`;
//! - `src/proto/` ([`proto`](crate::proto)): pure HTTP/1.1, with no I/O at all — request heads to
//!   bytes, bytes to response heads, body framing, the chunked coding (RFC 9112, RFC 9110), so
//!   every rule can be tested byte for byte and fuzzed;
//! - `src/transport/`: bytes on the wire — resolving, connecting, proxies, TLS, time limits, and
//!   the pool of idle connections.
//!
//! ## The library
//!
//! | # | file | what happens there | main types and functions | step | RFC |
//! |--:|---|---|---|--:|---|
//! | 1 | `src/lib.rs` | [`h1client::get(url)`](crate::get) and its kin on a shared default agent that keeps no cookies; the crate's lint policy (no panicking shortcuts on network bytes); the re-exports | [`get`](crate::get), [`post`](crate::post), [`request`](crate::request), …, `default_agent` | | |
//! | 2 | `src/client/agent.rs` | the handle a program keeps, and the builder of every setting | [`AgentBuilder`](crate::AgentBuilder) (one method per setting, [`build`](crate::AgentBuilder::build)), [`Agent`](crate::Agent) ([`request`](crate::Agent::request), [`get`](crate::Agent::get), …, [`idle_connections`](crate::Agent::idle_connections), [`close_idle_connections`](crate::Agent::close_idle_connections), `with_cookie_store`) | | |
//! | 3 | `src/client/config.rs` | every setting in one value, with its default | `Config` (its `Default` is the list of defaults), `ProxySetting`, `ConnectTo::apply`, `DEFAULT_USER_AGENT` | | |
//! | 4 | `src/client/request.rs` | the request builder; the URL checked as the parser will read it | [`RequestBuilder`](crate::RequestBuilder) ([`header`](crate::RequestBuilder::header), [`query`](crate::RequestBuilder::query), [`basic_auth`](crate::RequestBuilder::basic_auth), [`timeout`](crate::RequestBuilder::timeout), [`call`](crate::RequestBuilder::call), [`send`](crate::RequestBuilder::send), [`send_reader`](crate::RequestBuilder::send_reader), [`send_file`](crate::RequestBuilder::send_file), [`send_multipart`](crate::RequestBuilder::send_multipart), …), [`IntoUrl`](crate::IntoUrl), `parse_url`, `check_authority`, `check_url` | 1 | RFC 9110 §4.2 |
//! | 5 | `src/client/run.rs` | one exchange after another under one deadline: cookies into the jar, `417`, redirects | `run`, `next_hop`, `follow` | 2, 10 | RFC 9110 §15.4, §10.1.1 |
//! | 6 | `src/client/engine.rs` | what an agent's requests share (configuration, pool, jar, TLS configuration, family memory), and each request's route | `Engine` (`new`, `route`, `proxy_for`, `tls_config`), `Route`, `host_port` | 3 | RFC 9112 §3.2.1, §3.2.2 |
//! | 7 | `src/client/exchange.rs` | one exchange in four named steps: prepare, attempt, decide, finish | `Request`, `exchange`, `defaults`, `plan`, `Credentials::for_request`, `attempt`, `early_answer`, `finish`, `reuse_after` | 4, 6–9 | RFC 9112 §3, §9.3, §9.5 |
//! | 8 | `src/proto/request.rs` | the request head's bytes; non-tokens and CR, LF, NUL refused before connecting | [`RequestHead`](crate::proto::request::RequestHead) ([`validate`](crate::proto::request::RequestHead::validate), [`write_validated`](crate::proto::request::RequestHead::write_validated)), [`BodyFraming`](crate::proto::request::BodyFraming), [`Version`](crate::proto::request::Version), [`origin_form`](crate::proto::request::origin_form), [`check_value`](crate::proto::request::check_value), [`is_idempotent`](crate::proto::request::is_idempotent), [`expects_body`](crate::proto::request::expects_body) | 4 | RFC 9112 §3, §6.3, RFC 9110 §5, §7.2, §9.1 |
//! | 9 | `src/client/auth.rs` | `Authorization: Basic` from a user and a password | `basic`, `base64` | 4 | RFC 7617 |
//! | 10 | `src/client/cookies.rs` | the cookie jar (feature `cookies`): `Cookie` out, `Set-Cookie` in, within limits ([concepts: cookies](super::_03_concepts#9-cookies)) | `Jar` (`header_for`, `store`, `with`, `held_by_this_thread`), `make_room` | 4, 10 | RFC 6265 §5, §6.1 |
//! | 11 | `src/client/multipart.rs` | `multipart/form-data` bodies, streamed | [`Multipart`](crate::Multipart), [`Part`](crate::Part), [`MultipartReader`](crate::multipart::MultipartReader), `random_boundary`, `escape_name` | 4, 6 | RFC 7578, RFC 2046 §5.1 |
//! | 12 | `src/client/send.rs` | the body's framing, decided before connecting; the head and body on the wire | `Body` (`replayable`), `framing_for`, `send`, `send_reader`, `UPLOAD_CHUNK` | 4, 6 | RFC 9112 §6.2, §6.3, §7.1 |
//! | 13 | `src/client/open.rs` | a pooled connection, probed, or a new one: one connect deadline, proxies, TLS | `connection`, `open`, `connect_timeouts`, `open_tcp`, `addresses`, `through_proxy`, `tunnel`, `check_connect_answer`, `tls_handshake` | 5 | RFC 9110 §9.3.6, RFC 9112 §3.2.3 |
//! | 14 | `src/transport/pool.rs` | idle connections, per key, within limits and the idle timeout (or the server's `Keep-Alive` hint) | `Pool` (`take`, `put`), `PoolLimits`, `Pooled::idle_limit` | 5, 13 | RFC 9112 §9.3, §9.4 |
//! | 15 | `src/transport/mod.rs` | a connection's stream (TCP, TLS, unix socket); the probe before reuse; every call armed | `Stream` (`has_buffered_input`, `is_idle_usable`, `has_pending_input`, `read_armed`, `write_vectored_armed`), `PoolKey`, `write_all_vectored` | 5, 6, 12 | RFC 6454 §4 |
//! | 16 | `src/transport/timeouts.rs` | the one time-limit mechanism: each system call armed with its per-call limit or the time left, whichever is shorter | `Deadline` (`after`, `remaining`, `earliest`), `call_limit`, `Timeouts`, `Armer` (`before_read`, `before_write`), `ArmedTcp`, `SocketState` | all | |
//! | 17 | `src/transport/connect.rs` | resolve, order the addresses, try them in turn and then race them, remember a family that worked | `resolve`, `is_localhost`, `interleave`, `connect`, `in_turn`, `race`, `FamilyMemory` (`order`, `learn`), [`IpVersion`](crate::IpVersion), `ATTEMPT_DELAY` | 5 | RFC 8305 §4, §5, RFC 6761 §6.3 |
//! | 18 | `src/transport/proxy.rs` | which proxy a URL goes through (environment, `NO_PROXY`), and the SOCKS5 handshake | [`Proxy`](crate::Proxy), [`ProxyKind`](crate::ProxyKind), `EnvProxies::from_env`, `NoProxy` (`parse`, `matches`), `socks5_handshake` | 3, 5 | RFC 1928, RFC 1929, RFC 9112 §3.2.2 |
//! | 19 | `src/transport/tls.rs` | for `https`: roots, the handshake (SNI, ALPN), certificate checks and what their errors mean, `close_notify` | `build_config`, `handshake`, `TlsStream`, `WebPkiOrRoot`, [`ClientCert`](crate::ClientCert), [`TlsVersion`](crate::TlsVersion), `describe` | 5 | RFC 8446, RFC 6066 §3, RFC 7301, RFC 9110 §4.3.4 |
//! | 20 | `src/client/expect.rs` | `Expect: 100-continue`: wait for the go-ahead, or end the request without its body | `wanted`, `send`, `Sent`, `end_unsent`, `retry_without_expect` | 6, 10 | RFC 9110 §10.1.1 |
//! | 21 | `src/client/conn.rs` | one connection's buffers; reading heads, skipping 1xx, refusing a non-HTTP reply at its first bytes | `HttpConn` (`read_head`, `read_any_head`, `read_head_until`, `parse_buffered`, `fill`, `read_direct`), `Origin`, `closed_before_head` | 6, 7, 12 | RFC 9112 §2.2, §4, §9 |
//! | 22 | `src/proto/response.rs` | the response head parsed in place with httparse, within limits | [`ResponseHead`](crate::proto::response::ResponseHead) ([`parse`](crate::proto::response::ResponseHead::parse), [`keep_alive_timeout`](crate::proto::response::ResponseHead::keep_alive_timeout)), [`HeadLimits`](crate::proto::response::HeadLimits), [`check_start`](crate::proto::response::check_start), [`may_be_complete`](crate::proto::response::may_be_complete) | 7 | RFC 9112 §2.2, §4, §5 |
//! | 23 | `src/client/retry.rs` | may a failed request be sent again? A pure decision, tested as a table | `Policy`, `Failure`, `may_resend` | 8 | RFC 9112 §9.3.1, RFC 9110 §9.2.2 |
//! | 24 | `src/proto/framing.rs` | how long is the body, by RFC 9112 §6.3's rules #1–#8; may the connection be reused | [`decide`](crate::proto::framing::decide), [`Framing`](crate::proto::framing::Framing), [`BodyKind`](crate::proto::framing::BodyKind), [`Rule`](crate::proto::framing::Rule), [`Reuse`](crate::proto::framing::Reuse), [`CloseReason`](crate::proto::framing::CloseReason), [`parse_digits`](crate::proto::framing::parse_digits) | 9 | RFC 9112 §6.1, §6.3, §9.3 |
//! | 25 | `src/client/redirect.rs` | the next hop: where, with which method and body, which credentials stay behind | `is_redirect`, `next`, `same_origin`, `CREDENTIAL_HEADERS`, `is_content_header` | 10 | RFC 9110 §15.4, §10.2.2 |
//! | 26 | `src/client/response.rs` | the [`Response`](crate::Response): status and headers in place, the redirects behind it, the body read whole | `Response::new`, [`bytes`](crate::Response::bytes), [`text`](crate::Response::text), [`into_reader`](crate::Response::into_reader), [`error_for_status`](crate::Response::error_for_status), [`Hop`](crate::Hop) | 11, 12 | RFC 9110 §15 |
//! | 27 | `src/client/body.rs` | the streaming [`BodyReader`](crate::BodyReader): framing applied, truncation an error, encoded input bounded, the connection given back | `read_body`, `read_framed`, `read_length`, `read_chunked`, `read_until_close`, `finish`, `finish_from_buffer`, [`copy_to`](crate::BodyReader::copy_to), [`Progress`](crate::Progress), `MAX_ENCODED_WITHOUT_OUTPUT` | 12, 13 | RFC 9112 §6.3, §7.1, §8, §9.8 |
//! | 28 | `src/proto/chunked.rs` | the chunked decoder, a byte-driven state machine with one function per state; trailers; size lines for sending | [`ChunkedDecoder`](crate::proto::chunked::ChunkedDecoder) ([`decode`](crate::proto::chunked::ChunkedDecoder::decode), [`decode_in_place`](crate::proto::chunked::ChunkedDecoder::decode_in_place); `on_size`, `on_size_end`, `on_extension`, `on_size_lf`, `on_data_end`, `on_trailer`), [`chunk_size_line`](crate::proto::chunked::chunk_size_line), [`FREE_EXTENSION_BYTES`](crate::proto::chunked::FREE_EXTENSION_BYTES) | 6, 12 | RFC 9112 §7.1 |
//! | 29 | `src/client/decode.rs` | transfer and content codings undone as the body streams: `gzip`, `deflate`, `br` | `plan_transfer`, `plan`, `Plan::then`, `Decoder`, `pull`, `gzip::Gzip`, `gzip::Deflate`, `brotli::Brotli`, `still_encoded`, `ACCEPT_ENCODING` | 4, 11, 12 | RFC 9112 §6.1, §7, RFC 9110 §8.4, RFC 1950–1952, RFC 7932 |
//! | 30 | `src/client/charset.rs` | text from bytes, by the `charset` of `Content-Type` | `charset_param`, `decode`, `decode_lossy` | 12 | RFC 9110 §8.3 |
//! | 31 | `src/proto/error.rs` | what the protocol core refuses, one variant per rule | [`proto::Error`](crate::proto::Error) ([`is_request_error`](crate::proto::Error::is_request_error)) | all | |
//! | 32 | `src/proto/mod.rs` | the grammar shared by the core: tokens, whitespace, lists | [`is_token`](crate::proto::is_token), [`trim_ows`](crate::proto::trim_ows), [`list_elements`](crate::proto::list_elements) | | RFC 9110 §5.6 |
//! | 33 | `src/client/mod.rs` | the client layer's table of files, in the order they depend on each other | | | |
//! | 34 | `src/error.rs` | what can go wrong: [`Error`](crate::Error), [`ErrorKind`](crate::ErrorKind), [`Step`](crate::Step); credentials in URLs shown as `***@` | [`kind`](crate::Error::kind), [`step`](crate::Error::step), [`host`](crate::Error::host), [`io_kind`](crate::Error::io_kind), `redact_url`, `io_phrase`, the conversions to and from `io::Error` | all | |
//! | 35 | `src/trace.rs` | what you can watch: an [`Event`](crate::Event) at every step, with the exact bytes | [`Event`](crate::Event), `Tracer` (`emit`) | all | |
//! | 36 | `src/doc_server.rs` | the loopback server behind this documentation's examples (hidden, not an API) | `DocServer` | | RFC 9112 §2.2 |
//! | 37 | `src/fuzzing.rs` | entry points for the fuzz targets (feature `fuzzing`, not an API) | `receive`, `parse_url` | | |
//! | 38 | `src/manual/` | this manual: `mod.rs`, then one file per chapter (`life_of_a_request.rs`, `the_code.rs`, `concepts.rs`, `when_it_goes_wrong.rs`, `threats.rs`, `defaults.rs`, `left_out.rs`, `recipes.rs`, `migrating.rs`) | | | |
//!
//! ## The command line
//!
//! `src/bin/h1client/` is the curl-compatible program (feature `cli`): flags in, library calls,
//! curl's exit codes out. Everything HTTP is a library call that any program could make.
//!
//! | file | what happens there | main functions |
//! |---|---|---|
//! | `main.rs` | the program: parse, run, exit with curl's code | `main`, `run`, `report`, `warn` |
//! | `args.rs`, `units.rs` | the flags as curl parses them (`-sSf`, `-XPOST`, `--opt=value`), and their values | `parse`, `long_name`, `check`; `seconds`, `size`, `count` |
//! | `session.rs` | one run: the agent and what every transfer shares, then for each URL its tries, its output, its `-w` line and its exit code | `Session` (`new`, `run_url`, `save_cookies`) |
//! | `retry.rs` | `--retry` and its companions, with curl's rules | `retry_after`, `http_date` |
//! | `agent.rs`, `routes.rs` | the [`Agent`](crate::Agent) the flags describe; `--resolve` and `--connect-to` | `build`, `shows`, `tls`, `routes`; `resolve_entries`, `connect_rules`, `rule_for` |
//! | `cookies.rs` | curl's cookie engine on the library's jar: `-b`, `-c`, `-j` | `engine`, `load`, `jar_header`, `netscape_file` |
//! | `request.rs`, `data.rs`, `form.rs`, `netrc.rs` | the request: URL, method, headers, credentials, and the body of `-d`, `--json`, `-F` | `target`, `builder`, `normalize_url`; `assemble`; `build`; `path`, `lookup` |
//! | `transfer.rs` | one try: send, check the response as curl does (`-f`, `-C`, `--max-filesize`, `-J`), copy the body | `attempt`, `send`, `check_response`, `copy_body` |
//! | `record.rs`, `trace.rs` | the trace callback: heads as they arrive, `-D`, `-v`, `--trace-ascii`, what `-w` reports | `Recorder` (`event`, `begin`, `end`); `classify`, `verbose` |
//! | `output.rs` | the body's destination: stdout, or a file replaced only on success | `create`, `stdout_file`, `remote_name`, `disposition_name` |
//! | `write_out.rs`, `exit_codes.rs` | `-w` lines; curl's exit code for each way a transfer fails | `load`, `write`; `for_error`, `exit_code` |
//! | `stdin.rs`, `rate.rs`, `progress.rs` | stdin within `-m`; `--limit-rate`; progress bars | `StdinReader`; `Throttle`, `Throttled`; `wanted`, `bar`, `Counting` |
//!
//! Beside the source: `tests/` (one file per area; `tests/adversarial.rs` for the
//! [threats](super::_05_threats)), `fuzz/` (four cargo-fuzz targets, their corpus replayed by
//! `tests/fuzz_corpus.rs`), `bench/` (the benchmark against other clients and curl), `examples/`
//! (small programs that CI runs against a local server), and `SECURITY.md` (the promises, the
//! limits, the tests that prove them).
