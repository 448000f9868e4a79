//! # 1. The life of a request
//!
//! This chapter follows one call, `h1client::get(url).call()?.text()?`, from the URL you typed to
//! the bytes on the wire and back to your `String`. It is the one complete list of the steps: the
//! crate root and the source files point here. Each step names the code that does it (file and
//! function, in plain text when the item is private: read them next to this page) and the RFC
//! section behind it. You need to know Rust; you do not need to know HTTP. Words in *italics* are
//! explained in the [concepts](super::_03_concepts) chapter; what happens when a step fails is in
//! [when it goes wrong](super::_04_when_it_goes_wrong); the files themselves are toured in
//! [the code, file by file](super::_02_the_code).
//!
//! The exchange below is real: the example at the end of this page runs it against a loopback
//! server and checks every byte, so the text cannot drift away from the code.
//!
//! ## The steps at a glance
//!
//! | # | step | where | on failure |
//! |--:|---|---|---|
//! | 1 | [the URL is parsed and checked](#1-the-url) | `src/client/request.rs`: `parse_url`, `check_url` | `InvalidUrl`, `Step::Url` |
//! | 2 | [the clock starts](#2-the-deadline) | `src/client/run.rs`: `run`; `src/transport/timeouts.rs`: `Deadline::after` | |
//! | 3 | [the route is chosen: direct, proxy or unix socket](#3-the-route) | `src/client/engine.rs`: `Engine::route`, `proxy_for` | `Proxy`, `Step::ResolveProxy` |
//! | 4 | [the request head is built and validated, before any connection](#4-the-request-head-validated-before-connecting) | `src/client/exchange.rs`: `exchange` (its *prepare* part), `defaults`; `src/client/send.rs`: `framing_for`; [`RequestHead::validate`](crate::proto::request::RequestHead::validate) | `InvalidRequest`, `Step::Request` |
//! | 5 | [a connection: a pooled one, probed, or a new one](#5-a-connection) | `src/client/open.rs`: `connection`, `open`, `open_tcp`, `through_proxy`, `tls_handshake`; `src/transport/connect.rs`: `resolve`, `connect` | `Dns`, `Connect`, `Proxy`, `Tls`, `Timeout` |
//! | 6 | [the head (and the body) are sent](#6-sending) | `src/client/send.rs`: `send`, `send_reader`; `src/client/expect.rs`: `send` | `Io` or `Timeout`, `Step::Send`; `LocalIo`, `Step::ReadUpload` |
//! | 7 | [the response head is read, interim responses skipped](#7-the-response-head) | `src/client/conn.rs`: `HttpConn::read_head`; [`ResponseHead::parse`](crate::proto::response::ResponseHead::parse) | `Io`, `Protocol`, `Timeout`, `Step::ReceiveHead` |
//! | 8 | [a reused connection that died is replaced, once](#8-one-retry-on-a-fresh-connection) | `src/client/exchange.rs`: `exchange` (its *decide* part); `src/client/retry.rs`: `may_resend` | |
//! | 9 | [the body's length is decided](#9-how-long-is-the-body) | [`proto::framing::decide`](crate::proto::framing::decide); `src/client/exchange.rs`: `finish`, `reuse_after` | `Protocol`, `Step::ReceiveHead` |
//! | 10 | [cookies, `417`, redirects](#10-cookies-417-and-redirects) | `src/client/run.rs`: `run`, `next_hop`, `follow`; `src/client/redirect.rs`: `next` | `TooManyRedirects`, `RedirectRefused`, `Step::Redirect` |
//! | 11 | [`call()` returns the `Response`; the body is still on the wire](#11-call-returns) | `src/client/response.rs`: `Response::new`; `src/client/decode.rs`: `plan_transfer`, `plan` | |
//! | 12 | [the body is read](#12-the-body) | `src/client/body.rs`: [`BodyReader`](crate::BodyReader) (`read_body`, `read_framed`); [`ChunkedDecoder`](crate::proto::chunked::ChunkedDecoder) | `Io`, `Protocol`, `Decode`, `BodyTooLarge`, `Step::ReceiveBody` |
//! | 13 | [the connection goes back to the pool, or is closed](#13-back-to-the-pool) | `src/client/body.rs`: `BodyReader::finish`, its `Drop`; `src/transport/pool.rs`: `Pool::put` | |
//!
//! ## 1. The URL
//!
//! `h1client::get("http://127.0.0.1:8080/hello?lang=en")` hands the text to the shared default
//! [`Agent`](crate::Agent), which parses it with the `url` crate (`parse_url` in
//! `src/client/request.rs`). Three things are checked before anything else happens:
//!
//! - the scheme is `http` or `https` (`check_url`);
//! - there is a non-empty host: RFC 9110 §4.2.1 and §4.2.2 say of `http` and `https` URIs that "A
//!   recipient that processes such a URI reference MUST reject it as invalid" when the host is
//!   empty (the URL standard would read `http:///path` as host `path`; `check_authority` looks at
//!   the text as the parser will);
//! - the text holds no control characters. The URL standard quietly drops a tab or a newline,
//!   which would hide an attempt to smuggle a header through a URL, so they are refused instead.
//!
//! A program that asks for the same URL text again and again (a poller, an API client in a loop)
//! gets a copy of the result its thread kept after the second parse (`last_parsed`): parsing is a
//! pure function of the text and a third of a pooled request's own work. URLs carrying credentials
//! (`user:password@`) are not kept, nor URLs longer than 2 KiB.
//!
//! Nothing has touched the network yet; a bad URL is an
//! [`ErrorKind::InvalidUrl`](crate::ErrorKind::InvalidUrl) error at [`Step::Url`](crate::Step::Url).
//! Its message quotes the URL with any `user:password@` shown as `***@`, as every error, trace
//! event and `Debug` output of this crate does.
//!
//! ## 2. The deadline
//!
//! [`call`](crate::RequestBuilder::call) enters the request loop, `run` in `src/client/run.rs`.
//! If a [`timeout`](crate::AgentBuilder::timeout) is set (on the agent, or on this request with
//! [`RequestBuilder::timeout`](crate::RequestBuilder::timeout)), its clock starts now
//! (`Deadline::after` in `src/transport/timeouts.rs`) and covers everything that follows:
//! resolving, connecting, TLS, sending, redirects, and reading the body after `call()` has
//! returned. `Duration::ZERO` fails the request at once; a duration too long to add to the clock
//! becomes a year. The other limits are of two kinds: per call, the read and write timeouts,
//! set on the socket before each system call (`Armer` in the same file); and for connecting as a
//! whole, [`timeout_connect`](crate::AgentBuilder::timeout_connect), whose clock starts with
//! each new connection (step 5). See [timeouts](super::_04_when_it_goes_wrong#timeouts).
//!
//! ## 3. The route
//!
//! `Engine::route` in `src/client/engine.rs` decides how the request leaves the machine, with
//! `proxy_for`:
//!
//! - through the proxy set with [`AgentBuilder::proxy`](crate::AgentBuilder::proxy), or else the
//!   one from the environment (`http_proxy` for `http`, `HTTPS_PROXY` for `https`, `ALL_PROXY` for
//!   both), unless `NO_PROXY` names the host; a loopback host never goes through an environment
//!   proxy, which could not reach it (the environment is read by `EnvProxies::from_env` in
//!   `src/transport/proxy.rs`);
//! - over a unix socket, if [`AgentBuilder::unix_socket`](crate::AgentBuilder::unix_socket) set
//!   one;
//! - otherwise straight to the host in the URL (or where a
//!   [`connect_to`](crate::AgentBuilder::connect_to) rule sends it; the URL still names the host).
//!
//! The route changes the request itself (the target's form, step 4) and which pooled connections
//! may carry it (its pool key, step 5). How each kind of proxy works on the wire is in
//! [concepts: proxies](super::_03_concepts#7-proxies-and-https-through-a-proxy-byte-by-byte).
//!
//! ## 4. The request head, validated before connecting
//!
//! The request *head* is the text that precedes any body. `exchange` in `src/client/exchange.rs`
//! assembles its parts (the first of its four steps, *prepare*) and
//! [`RequestHead::write_validated`](crate::proto::request::RequestHead::write_validated) writes
//! them:
//!
//! ```text
//! GET /hello?lang=en HTTP/1.1\r\n      request-line: method SP request-target SP HTTP-version (RFC 9112 §3)
//! Host: 127.0.0.1:8080\r\n             which site we mean; the port because it is not 80 (RFC 9110 §7.2)
//! User-Agent: h1client/0.1.0\r\n       who is asking (RFC 9110 §10.1.5), replaceable
//! Accept: */*\r\n                      any media type will do (RFC 9110 §12.5.1), replaceable
//! \r\n                                 an empty line ends the head
//! ```
//!
//! - The *request-target* is the URL's path and query only, the "origin-form" (RFC 9112 §3.2.1):
//!   the host travels in `Host`, and the fragment (`#…`) and any `user:password@` never leave the
//!   machine ([`origin_form`](crate::proto::request::origin_form)). To an HTTP proxy, a plain
//!   `http` request names the whole URL instead, the "absolute-form" (RFC 9112 §3.2.2): `GET
//!   http://example.com/hello HTTP/1.1`.
//! - `Host` comes first: "A user agent that sends Host SHOULD send it as the first field in the
//!   header section of a request" (RFC 9110 §7.2).
//! - Then the defaults that apply (`defaults` in `src/client/exchange.rs`), in this order:
//!   `User-Agent`, `Accept`, `Accept-Encoding` (only with the `gzip` or `brotli` feature, RFC
//!   9110 §12.5.3); then what the request implies: `Authorization: Basic …` from a
//!   `user:password@` in the URL (RFC 7617), `Proxy-Authorization` (only to an HTTP proxy, for a
//!   plain `http` request), `Content-Type` (from the body: a form, JSON, multipart), `Cookie`
//!   (from the agent's jar, feature `cookies`); then the agent's
//!   [`default_header`](crate::AgentBuilder::default_header)s, each of which replaces a built-in
//!   default of its name. A header you set on the request replaces any default of the same name,
//!   in its place; your other headers follow, in your order.
//! - Last comes the framing header, decided from the body alone by `framing_for` in
//!   `src/client/send.rs`: none for a GET without a body, `Content-Length: 0` for an empty POST,
//!   PUT or PATCH (RFC 9110 §8.6), `Content-Length: n` for bytes in memory and files,
//!   `Transfer-Encoding: chunked` for a reader of unknown length (RFC 9112 §6.2, §7.1). A
//!   `Content-Length` you set yourself must match the body; never both headers (RFC 9112 §6.2: "A
//!   sender MUST NOT send a Content-Length header field in any message that contains a
//!   Transfer-Encoding header field").
//! - With [`http_version`](crate::AgentBuilder::http_version) set to HTTP/1.0 the request line
//!   says `HTTP/1.0`, and a body of unknown length is refused rather than chunked: "A client MUST
//!   NOT use the chunked transfer coding unless it knows the server will handle HTTP/1.1 (or
//!   later) requests" (RFC 9112 §6.3).
//!
//! [`RequestHead::validate`](crate::proto::request::RequestHead::validate) checks every part: the
//! method must be a *token* (RFC 9110 §9.1), header names too (RFC 9110 §5.1), and no header
//! value may hold CR, LF, NUL or another control byte but HTAB (RFC 9110 §5.5: "Field values
//! containing CR, LF, or NUL characters are invalid and dangerous"), since a value like
//! `"x\r\nEvil: 1"` would write a second header. This runs before a connection is even opened,
//! so a refused request sends nothing at all: an
//! [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) error at
//! [`Step::Request`](crate::Step::Request).
//!
//! Three more facts about the request are noted here for later (`plan` in the same file): whether
//! it may be sent twice (step 8: an idempotent method or an `Idempotency-Key`, and a body that
//! can be replayed), whether it waits for `100 Continue` (step 6), and whether it ends its
//! connection — it asked for `Connection: close`, or it is an HTTP/1.0 request without
//! `Connection: keep-alive` (RFC 9112 §9.3; steps 9 and 13).
//!
//! ## 5. A connection
//!
//! `connection` in `src/client/open.rs` first asks the agent's pool (`Pool::take` in
//! `src/transport/pool.rs`) for an idle connection with the route's key: origin — scheme, host,
//! port — and whatever else makes two connections different: the proxy and its credentials, the
//! unix socket, the TLS configuration (so a connection made with verification off never carries
//! a request that verifies). Connections idle longer than
//! [`idle_timeout`](crate::AgentBuilder::idle_timeout) (90 s), or than one second less than the
//! `Keep-Alive: timeout=N` their server announced, are dropped on the way; of the others, the one
//! parked last is taken.
//!
//! **Every reuse is probed first**, however briefly the connection was idle
//! (`Stream::has_buffered_input` and `Stream::is_idle_usable` in `src/transport/mod.rs`): bytes
//! that the TLS layer already holds, a close, or bytes waiting in the socket (a `408` the server
//! sent before closing, a stray second response) mean the connection is closed and the next one
//! is tried. Those bytes would otherwise be read as the answer to this request, and a retry
//! cannot undo that. The probe is a non-blocking one-byte `peek`, three system calls in all.
//! What it cannot see is a close that happens after it, while the request is on its way: that
//! is what step 8 is for.
//!
//! Otherwise `open` makes a new connection. All of it — resolving, every address tried, the
//! proxy's handshake and TLS — runs under **one deadline**: the
//! [`timeout_connect`](crate::AgentBuilder::timeout_connect) (30 s) from now, or the request's
//! deadline when that comes first (`connect_timeouts`), as curl's `--connect-timeout` does:
//!
//! 1. **Resolve** the name (`addresses` in `src/client/open.rs`, then `resolve` in
//!    `src/transport/connect.rs`): nothing to do for an IP literal or a name given to
//!    [`resolve`](crate::AgentBuilder::resolve), nor for `localhost` and `*.localhost`, which are
//!    `[::1]` and `127.0.0.1` without a lookup (RFC 6761 §6.3: "Name resolution APIs and
//!    libraries SHOULD recognize localhost names as special");
//!    otherwise the system resolver, on a helper thread so that the deadline bounds it, its
//!    answer ordered IPv6 first, then the families alternating (`interleave`, RFC 8305 §4). Only
//!    the addresses of the agent's [`ip_version`](crate::AgentBuilder::ip_version) are kept.
//! 2. **Connect** (`connect` in `src/transport/connect.rs`, RFC 8305 "Happy Eyeballs",
//!    simplified). The addresses are tried one after another on the calling thread (`in_turn`)
//!    as long as each answers within 250 ms — it connects, or refuses at once — so the common case
//!    costs no thread. An address that stays silent hands over to a race (`race`): it starts
//!    again alongside the next address, a new attempt joins every 250 ms or as soon as one fails
//!    (RFC 8305 §5 recommends 250 ms between attempts), and the first connection wins. When a
//!    host's first address failed and the other family connected, the agent remembers that
//!    family and tries it first for ten minutes (`FamilyMemory`), so a broken IPv6 route costs
//!    one slow connection, not one per request (RFC 8305 §4: "If the client keeps track of which
//!    addresses it used in the past, it SHOULD add another Destination Address Selection rule
//!    between the RTT rule and rule 9, which prefers used addresses over unused ones").
//! 3. **Through a proxy** (`through_proxy` in `src/client/open.rs`), the connection goes to the
//!    proxy instead, and then: nothing more for a plain `http` request to an HTTP proxy; a
//!    `CONNECT host:port` tunnel for an `https` one (`tunnel`, in `open.rs` too); the SOCKS5
//!    handshake for a `socks5://` or `socks5h://` proxy (`socks5_handshake` in
//!    `src/transport/proxy.rs`, RFC 1928, RFC 1929).
//! 4. **TLS** for `https` (`tls_handshake` in `src/client/open.rs`, then `handshake` in
//!    `src/transport/tls.rs`): rustls, TLS 1.3 or 1.2, the host name in SNI (RFC 6066 §3),
//!    `http/1.1` offered by ALPN (RFC 7301), the server's certificate checked against the trust
//!    roots and the host name. The bytes are in
//!    [concepts](super::_03_concepts#7-proxies-and-https-through-a-proxy-byte-by-byte).
//!
//! Each read and write of the handshakes (CONNECT, SOCKS5, TLS) is also held to the per-read
//! and per-write timeouts, but none of them can stretch connecting past its deadline.
//!
//! ## 6. Sending
//!
//! The head is written into the connection's own, reused buffer (`HttpConn` in
//! `src/client/conn.rs`) and sent by `send` in `src/client/send.rs`:
//!
//! - no body, or a body of up to 16 KiB in memory: head and body in one `write`;
//! - a larger body in memory: one vectored write of both;
//! - a reader or a file (`send_reader`): read 64 KiB at a time, each piece handed to one
//!   vectored write (the head with the first); with chunked framing each piece is one chunk, its size line and CRLF
//!   written with it ([`chunk_size_line`](crate::proto::chunked::chunk_size_line)), and
//!   `0\r\n\r\n` ends the body. A reader that gives fewer or more bytes than the
//!   `Content-Length` it was announced with is an error; a reader that fails is a
//!   [`LocalIo`](crate::ErrorKind::LocalIo) error at [`Step::ReadUpload`](crate::Step::ReadUpload).
//!
//! With [`RequestBuilder::expect_continue`](crate::RequestBuilder::expect_continue) the head goes
//! alone and the body waits for `100 Continue`, at most
//! [`expect_continue_timeout`](crate::AgentBuilder::expect_continue_timeout) (1 s):
//! `send` in `src/client/expect.rs`, and [early answers](super::_04_when_it_goes_wrong#early-answers-and-100-continue).
//!
//! HTTP/1.1 lets a client send several requests without waiting ("A client that supports
//! persistent connections MAY pipeline its requests", RFC 9112 §9.3.2); this client never does, so
//! a connection carries one request at a time and the client now waits for the answer. If a
//! write fails, the server may have answered early and closed: the client then reads that answer
//! if there is one (`early_answer` in `src/client/exchange.rs`; RFC 9112 §9.5: "A client sending
//! a message body SHOULD monitor the network connection for an error response while it is
//! transmitting the request").
//!
//! ## 7. The response head
//!
//! ```text
//! HTTP/1.1 200 OK\r\n                         status-line: HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4)
//! Content-Type: text/plain; charset=utf-8\r\n
//! Transfer-Encoding: chunked\r\n              the body comes in sized pieces (RFC 9112 §7.1)
//! \r\n
//! ```
//!
//! `HttpConn::read_head` in `src/client/conn.rs` reads until an empty line appears, then hands the
//! bytes to httparse through [`ResponseHead::parse`](crate::proto::response::ResponseHead::parse)
//! in `src/proto/response.rs`. Nothing is copied: the parsed head is a list of positions in the
//! connection's buffer. The version must be `HTTP/1.0` or `HTTP/1.1`, the status three digits. A
//! field folded onto the next line (obs-fold) is unfolded into spaces, as RFC 9112 §5.2 requires
//! of a user agent, and a bare LF is accepted as a line end (RFC 9112 §2.2: "a recipient MAY
//! recognize a single LF as a line terminator").
//!
//! The first bytes are checked as they arrive: a reply that cannot be the start of a status line
//! (`HTTP/` digit `.` digit, after any empty lines) — an SSH or SMTP banner, TLS bytes from an
//! `https` port — is a `Protocol` error at once
//! ([`check_start`](crate::proto::response::check_start)), rather than a wait for an empty line
//! such a peer may never send.
//!
//! Limits apply: [`max_head_size`](crate::AgentBuilder::max_head_size) (64 KiB) and
//! [`max_headers`](crate::AgentBuilder::max_headers) (100), because a server that never sends the
//! empty line must not make the client grow its memory forever.
//!
//! Interim responses — `100 Continue`, `103 Early Hints`, any 1xx but `101` — are read and
//! skipped: "A client MUST be able to parse one or more 1xx responses received prior to a final
//! response, even if the client does not expect one" (RFC 9110 §15.2). Their bytes count against
//! the head limit, so an endless stream of them is an error too. A `101 Switching Protocols` ends
//! HTTP on that connection.
//!
//! ## 8. One retry, on a fresh connection
//!
//! If the connection came from the pool and the request failed with an I/O error — while sending,
//! or before a single byte of the response arrived — the server most likely closed the idle
//! connection just as the request was sent. `exchange` then asks `may_resend` in
//! `src/client/retry.rs`, and sends the request once more, on a new connection, when its body can
//! be replayed (bytes in memory, a file or a seekable reader) and it cannot do harm twice: its
//! method is idempotent or it has an `Idempotency-Key` header, or not one byte of it was written,
//! or the agent was built with
//! [`retry_non_idempotent(true)`](crate::AgentBuilder::retry_non_idempotent). It says so with
//! [`Event::Retry`](crate::Event::Retry). RFC 9112 §9.3.1 and RFC 9110 §9.2.2 are the rules;
//! [when it goes wrong](super::_04_when_it_goes_wrong#retries) has the details.
//!
//! ## 9. How long is the body?
//!
//! HTTP/1.1 has no end-of-message marker. The client must *decide* where the body ends, from the
//! request method, the status and the headers, and
//! [`decide`](crate::proto::framing::decide) in `src/proto/framing.rs` applies RFC 9112 §6.3 in
//! order; the [`Rule`](crate::proto::framing::Rule) it returns names the rule that applied:
//!
//! 1. a response to HEAD, any 1xx, 204 or 304 ends at its head, whatever its headers say;
//! 2. a 2xx answer to CONNECT turns the connection into a tunnel;
//! 3. `Transfer-Encoding` overrides `Content-Length` (and both at once mean the connection is not
//!    reused);
//! 4. `Transfer-Encoding` whose last coding is `chunked`: the chunked coding says where the end
//!    is; any other `Transfer-Encoding`: the body runs until the server closes;
//! 5. an invalid `Content-Length` (a sign, a space, two different values, more than 64 bits) is
//!    an error; equal values (`5, 5`) count as one;
//! 6. a valid `Content-Length` gives the length;
//! 7. (that rule is for requests);
//! 8. otherwise the body runs until the server closes the connection.
//!
//! Here the answer is: chunked. The same function says whether the connection may carry another
//! request afterwards (RFC 9112 §9.3): not if the server sent `Connection: close`, nor after an
//! HTTP/1.0 response without `Connection: keep-alive` (or one with `Transfer-Encoding`, whose
//! framing RFC 9112 §6.1 calls faulty), a body delimited by the close, or both length headers.
//! `reuse_after` in `src/client/exchange.rs` adds what the request knows: it asked to close
//! (step 4), or the server answered before the body was sent (an
//! [early answer](super::_04_when_it_goes_wrong#early-answers-and-100-continue)). Why every
//! doubtful case is an error:
//! [concepts: smuggling](super::_03_concepts#4-smuggling-and-desync-two-parsers-disagreeing-on-where-a-message-ends).
//!
//! ## 10. Cookies, `417` and redirects
//!
//! Back in `run` (`src/client/run.rs`):
//!
//! - with the `cookies` feature, the response's `Set-Cookie` fields go into the agent's jar (RFC
//!   6265; [concepts: cookies](super::_03_concepts#9-cookies));
//! - a `417 Expectation Failed` that answered an `Expect: 100-continue` before the body was sent
//!   means something on the path does not support expectations: the request goes again, once,
//!   without `Expect` (`retry_without_expect` in `src/client/expect.rs`; RFC 9110 §10.1.1);
//! - a `301`, `302`, `303`, `307` or `308` with a `Location` is followed (`next_hop`, then `next`
//!   in `src/client/redirect.rs`, RFC 9110 §15.4), up to
//!   [`max_redirects`](crate::AgentBuilder::max_redirects) (10) times: the new URL is the
//!   `Location` resolved against the current one; the method and body change as the status says;
//!   `Authorization`, `Cookie` and `Proxy-Authorization` are dropped when the origin changes
//!   (`follow`); an `https` page redirecting to `http` is refused. The old body is not waited
//!   for: if the rest of it is already in the connection's buffer the connection stays usable,
//!   otherwise it is closed. The loop then starts again at step 3 with the new URL. The rules:
//!   [concepts: redirects](super::_03_concepts#8-redirects).
//!
//! ## 11. `call()` returns
//!
//! `call()` returns now, with the [`Response`](crate::Response): the status and headers are
//! readable (in place, in the connection's buffer), and the body is still on the connection.
//! `Response::new` in `src/client/response.rs` plans the decoding: the transfer codings listed
//! in `Transfer-Encoding`, whatever the framing (`plan_transfer` in `src/client/decode.rs`), and,
//! with the `gzip` or `brotli` feature and [`decompress`](crate::AgentBuilder::decompress) on, the
//! `Content-Encoding` too (`plan`). The rule for each kind of coding is in
//! [concepts: message and content](super::_03_concepts#1-the-message-and-the-content).
//!
//! ## 12. The body
//!
//! ```text
//! 5\r\n          a chunk of 5 bytes…
//! hello\r\n      …and the CRLF after it
//! 7\r\n
//! , world\r\n
//! 0\r\n          the last chunk: size zero
//! \r\n           (trailer fields would go here) and the end
//! ```
//!
//! [`text`](crate::Response::text) reads through the [`BodyReader`](crate::BodyReader)
//! (`src/client/body.rs`), which reads by the framing of step 9 (`read_framed`): exactly
//! `Content-Length` bytes (`read_length`), or through the
//! [`ChunkedDecoder`](crate::proto::chunked::ChunkedDecoder) of `src/proto/chunked.rs`
//! (`read_chunked`; a small state machine: at most 16 hex digits per size, checked arithmetic,
//! only whitespace and well-formed extensions after the size, exactly CRLF after every chunk, RFC
//! 9112 §7.1), or until the close (`read_until_close`). If the connection ends before the
//! framing says the body is complete, `read()` returns an error — never a short body dressed up
//! as a complete one ([truncation](super::_04_when_it_goes_wrong#truncation)). Decoding, when
//! planned, happens as the bytes stream (`read_body`). `text()`, `bytes()` and `json()` stop at
//! [`body_limit`](crate::AgentBuilder::body_limit) (10 MiB), counted after decoding (and the
//! encoded bytes they take are bounded too);
//! [`into_reader`](crate::Response::into_reader) streams without a limit. The text is then decoded
//! by the `charset` of `Content-Type`, UTF-8 by default (RFC 9110 §8.3; `decode` in
//! `src/client/charset.rs`).
//!
//! ## 13. Back to the pool
//!
//! At the clean end of the body (`BodyReader::finish` in `src/client/body.rs`), trailer fields,
//! if any, become readable with [`BodyReader::trailers`](crate::BodyReader::trailers), and the
//! connection goes back into the pool (`Pool::put`) only if all of these hold:
//!
//! - the framing allows reuse, and the request did not end its connection (step 9);
//! - not one byte arrived past the end of the body, in the connection's buffer or inside the TLS
//!   layer: such bytes are no answer to anything (RFC 9112 §9.2: "If a client receives data on a
//!   connection that doesn't have outstanding requests, the client MUST NOT consider that data to
//!   be a valid response");
//! - the server's `Keep-Alive: timeout=N`, if it sent one, leaves time to reuse it (N of 1 s or
//!   less does not);
//! - pooling is on: [`max_idle_per_host`](crate::AgentBuilder::max_idle_per_host) (8) and
//!   [`max_idle`](crate::AgentBuilder::max_idle) (64) are not 0. When either is full, the oldest
//!   idle connection makes way.
//!
//! Otherwise it is closed ([`Event::Closed`](crate::Event::Closed) says why). A reader dropped
//! before the end closes the connection too, unless the rest of a `Content-Length` or chunked body
//! is already in the buffer (its `Drop`, `finish_from_buffer`); it never waits for more. The next
//! `get` to the same origin starts step 5 with this connection, probed.
//!
//! ## The exchange, run
//!
//! The [`trace`](crate::AgentBuilder::trace) hook shows each step as an [`Event`](crate::Event)
//! as it happens; here it records them, and the server checks the bytes it received:
//!
//! ```
//! # let server = h1client::doc_server::DocServer::start(&[
//! #     b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n",
//! #     b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain",
//! # ]);
//! use h1client::{Agent, Event};
//! use std::sync::{Arc, Mutex};
//!
//! let steps = Arc::new(Mutex::new(Vec::new()));
//! let log = steps.clone();
//! let agent = Agent::builder()
//!     // with the `gzip` or `brotli` feature an `Accept-Encoding` header would join the head;
//!     // turned off here so the bytes are the same in every build
//!     .decompress(false)
//!     .trace(move |event| {
//!         let step = match event {
//!             Event::Connected { .. } => "5. connected",
//!             Event::Reused { .. } => "5. reused",
//!             Event::RequestHead { .. } => "6. request head sent",
//!             Event::ResponseHead { .. } => "7. response head received",
//!             Event::Framing { .. } => "9. framing decided",
//!             Event::BodyDone { .. } => "12. body done",
//!             Event::Pooled => "13. back to the pool",
//!             _ => return,
//!         };
//!         log.lock().unwrap().push(step);
//!     })
//!     .build();
//!
//! let url = server.url("/hello?lang=en"); // http://127.0.0.1:PORT/hello?lang=en
//! let resp = agent.get(&url).call()?;
//! assert_eq!(resp.status(), 200);
//! assert_eq!(resp.text()?, "hello, world");
//!
//! // the request, byte for byte
//! let port = url.split(':').nth(2).unwrap().split('/').next().unwrap();
//! assert_eq!(
//!     server.requests()[0],
//!     format!(
//!         "GET /hello?lang=en HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: h1client/{}\r\nAccept: */*\r\n\r\n",
//!         env!("CARGO_PKG_VERSION")
//!     )
//! );
//!
//! // the same origin again: the pooled connection is probed and reused
//! assert_eq!(agent.get(&server.url("/again")).call()?.text()?, "again");
//! assert_eq!(
//!     *steps.lock().unwrap(),
//!     [
//!         "5. connected", "6. request head sent", "7. response head received",
//!         "9. framing decided", "12. body done", "13. back to the pool",
//!         "5. reused", "6. request head sent", "7. response head received",
//!         "9. framing decided", "12. body done", "13. back to the pool",
//!     ]
//! );
//! # Ok::<(), h1client::Error>(())
//! ```
