//! # 4. When it goes wrong
//!
//! Networks drop connections, servers close idle ones, uploads meet servers that stop reading,
//! peers go silent. This chapter says what the client does in each case and why: which failures
//! it retries, how it tells a complete body from a truncated one, what it does when a server
//! answers before the upload is done, what each timeout means on the wire — and, in one table,
//! what every [`ErrorKind`](crate::ErrorKind) and [`Step`](crate::Step) means in bytes.
//!
//! Every failure is one [`Error`](crate::Error): its [`kind`](crate::Error::kind) says what went
//! wrong, its [`step`](crate::Error::step) where, and its `Display` is a sentence naming the host,
//! `connect to 127.0.0.1:9: connection refused`. A 4xx or 5xx status is not an error (HTTP
//! worked) unless you ask for one with
//! [`error_for_status`](crate::Response::error_for_status).
//!
//! ## Retries
//!
//! A pooled connection can die between two requests: the server closes it after its idle
//! timeout, and the close is still on its way when the next request is written ([concepts:
//! stale connections](super::_03_concepts#5-persistent-connections-and-stale-ones)). The request
//! then fails without a single byte of answer. Was it processed? The client cannot know. RFC 9112
//! §9.3.1: "Connections can be closed at any time, with or without intention. Implementations
//! ought to anticipate the need to recover from asynchronous close events. The conditions under
//! which a client can automatically retry a sequence of outstanding requests are defined in
//! Section 9.2.2 of \[HTTP\]." And RFC 9110 §9.2.2 allows it for idempotent requests only: "if a
//! client sends a PUT request and the underlying connection is closed before any response is
//! received, then the client can establish a new connection and retry the idempotent request"
//! ([concepts: idempotency](super::_03_concepts#3-idempotency-and-why-it-decides-retries)).
//!
//! So `exchange` in `src/client/exchange.rs` sends a request a second time when `may_resend` in
//! `src/client/retry.rs` (a pure function over these facts, tested as a table) says that all of
//! these hold:
//!
//! | condition | why |
//! |---|---|
//! | the connection was reused from the pool | a fresh connection that fails is no stale connection: the server or the network is at fault, and trying again would hide it |
//! | the failure is an I/O error ([`ErrorKind::Io`](crate::ErrorKind::Io)): a reset, a broken pipe, or the connection closed | what a stale connection looks like; a timeout, a TLS alert or malformed bytes are answers of a kind |
//! | it happened while sending, or before the first byte of the response head | after a byte of answer, the server has seen the request |
//! | the request cannot have been applied, or applying it twice does no harm: not one byte of it was written (the first write failed); or the method is idempotent (GET, HEAD, PUT, DELETE, OPTIONS, TRACE), or the request has an `Idempotency-Key` header; or the agent was built with [`retry_non_idempotent(true)`](crate::AgentBuilder::retry_non_idempotent) (what curl does) | RFC 9110 §9.2.2: "A client SHOULD NOT automatically retry a request with a non-idempotent method unless it has some means to know that the request semantics are actually idempotent, regardless of the method, or some means to detect that the original request was never applied" — a write that failed at its first byte is such a means |
//! | the body can be sent again: none, bytes in memory, a file or a seekable reader (rewound); not a plain reader, which was consumed | the same request, byte for byte |
//! | it is the first retry | RFC 9110 §9.2.2: "A client SHOULD NOT automatically retry a failed automatic retry" |
//!
//! The retry goes on a new connection (never another pooled one), and
//! [`Event::Retry`](crate::Event::Retry) tells you it happened and why. If any condition fails,
//! the error is returned: for a POST written to a stale connection that is an `Io` error at
//! [`Step::Send`](crate::Step::Send) or [`Step::ReceiveHead`](crate::Step::ReceiveHead), and the
//! decision to send it again is yours ([the retry recipe](super::_08_recipes#retry-with-backoff)
//! helps make it). Before a pooled connection is used at all, it is probed
//! for a close that already arrived, so most stale connections never reach this point; the retry
//! covers the close that is still in flight.
//!
//! The example stages that race: a server that reads the second request on a kept connection and
//! closes it without a word.
//!
//! ```
//! # use std::io::{Read, Write};
//! # use std::net::TcpListener;
//! # let listener = TcpListener::bind("127.0.0.1:0").unwrap();
//! # let url = format!("http://{}", listener.local_addr().unwrap());
//! # std::thread::spawn(move || {
//! #     let read_head = |c: &mut std::net::TcpStream| {
//! #         let (mut head, mut b) = (Vec::new(), [0u8; 1]);
//! #         while !head.ends_with(b"\r\n\r\n") { c.read_exact(&mut b).unwrap(); head.push(b[0]); }
//! #     };
//! #     let (mut first, _) = listener.accept().unwrap();
//! #     read_head(&mut first);
//! #     first.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst").unwrap();
//! #     read_head(&mut first); // the second request arrives on the kept connection…
//! #     drop(first); // …and the server closes without answering
//! #     let (mut second, _) = listener.accept().unwrap();
//! #     read_head(&mut second);
//! #     second.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond").unwrap();
//! # });
//! use h1client::{Agent, Event};
//! use std::sync::{Arc, Mutex};
//!
//! let retries = Arc::new(Mutex::new(Vec::new()));
//! let log = retries.clone();
//! let agent = Agent::builder()
//!     .trace(move |e| {
//!         if let Event::Retry { reason } = e {
//!             log.lock().unwrap().push(reason.to_string());
//!         }
//!     })
//!     .build();
//! assert_eq!(agent.get(&format!("{url}/1")).call()?.text()?, "first");
//! // a GET may be sent twice: the client does it, on a new connection
//! assert_eq!(agent.get(&format!("{url}/2")).call()?.text()?, "second");
//! assert_eq!(retries.lock().unwrap().len(), 1);
//! # Ok::<(), h1client::Error>(())
//! ```
//!
//! A `417 Expectation Failed` answered before the body of an `Expect: 100-continue` request is
//! the other case where a request goes twice: once more, without `Expect` (RFC 9110 §10.1.1, see
//! below). Redirects are new requests, not retries.
//!
//! ## Truncation
//!
//! A body cut short must not pass for a complete one: a truncated file, a half JSON document, a
//! configuration missing its last lines are worse than an error. HTTP/1.1 framing makes the
//! difference visible, and RFC 9112 §8 says how: "A message body that uses the chunked transfer
//! coding is incomplete if the zero-sized chunk that terminates the encoding has not been
//! received. A message that uses a valid Content-Length is incomplete if the size of the message
//! body received (in octets) is less than the value given by Content-Length." A client "MUST
//! record the message as incomplete", and of a `Content-Length` body §6.3 says: "If the sender
//! closes the connection or the recipient times out before the indicated number of octets are
//! received, the recipient MUST consider the message to be incomplete and close the connection."
//!
//! | framing | complete when | cut short: what `read()` returns |
//! |---|---|---|
//! | `Content-Length: n` | `n` bytes arrived | `Io` error, source `UnexpectedEof`: `connection closed after 5 of 10 body bytes` |
//! | chunked | the last chunk and the trailer section's empty line arrived | `Io` error, `UnexpectedEof`: `connection closed in the middle of the chunked body, after 3 bytes` |
//! | until close, plain TCP | the connection closed | — (nothing can tell; RFC 9112 §6.3: a server "SHOULD generate encoding or length-delimited messages whenever possible") |
//! | until close, TLS | the connection closed after a `close_notify` | `Io` error: `connection closed without TLS close_notify: the body may be truncated` |
//! | a compressed body | the compressed stream's own end arrived | `Decode` error, even if the framing ended cleanly |
//!
//! The error comes from `read()` (and so from [`text`](crate::Response::text),
//! [`bytes`](crate::Response::bytes), `io::copy` …), never an `Ok(0)` that would end a copy as
//! if all were well; it reaches you through `std::io::Read` and comes back typed with
//! `Error::from(io_error)`. Over TLS, RFC 9112 §9.8 draws the same line: "A response that has
//! neither chunked transfer coding nor Content-Length is complete only if a valid closure alert
//! has been received. Treating an incomplete message as complete could expose implementations to
//! attack", while a client "SHOULD treat as completed all requests for which it has received
//! either as much data as specified in the Content-Length header field or the terminal
//! zero-length chunk", with or without `close_notify`. A head cut short is an error too (a
//! `Protocol` error: `connection closed in the middle of the response head, after 27 bytes`), and
//! a connection closed before any byte of the head is an `Io` error, the "empty reply".
//!
//! ```
//! # use std::io::{Read, Write};
//! # use std::net::TcpListener;
//! # let listener = TcpListener::bind("127.0.0.1:0").unwrap();
//! # let url = format!("http://{}/", listener.local_addr().unwrap());
//! # std::thread::spawn(move || {
//! #     let (mut conn, _) = listener.accept().unwrap();
//! #     let (mut head, mut b) = (Vec::new(), [0u8; 1]);
//! #     while !head.ends_with(b"\r\n\r\n") { conn.read_exact(&mut b).unwrap(); head.push(b[0]); }
//! #     // ten bytes promised, five sent, then the close
//! #     conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello").unwrap();
//! # });
//! let resp = h1client::get(&url).call()?; // the head is complete: call() succeeds
//! let err = resp.text().unwrap_err(); // the body is not
//! assert_eq!(err.kind(), h1client::ErrorKind::Io);
//! assert_eq!(err.io_kind(), Some(std::io::ErrorKind::UnexpectedEof));
//! assert!(err.to_string().ends_with("connection closed after 5 of 10 body bytes"));
//! # Ok::<(), h1client::Error>(())
//! ```
//!
//! ## Early answers, and 100-continue
//!
//! A server may answer before it has read the whole request: a `413 Content Too Large` for a
//! large upload, a `401` for missing credentials, a redirect. It may then close the connection,
//! or keep it and stop reading. A client that only reads once its upload is done would then be
//! stuck writing to a server that no longer reads, or would lose the answer in a reset. RFC 9112
//! §9.5: "A client sending a message body SHOULD monitor the network connection for an error
//! response while it is transmitting the request. If the client sees a response that indicates the
//! server does not wish to receive the message body and is closing the connection, the client
//! SHOULD immediately cease transmitting the body and close its side of the connection."
//!
//! This client is blocking and writes the whole body before it reads (it does not watch the
//! connection while a write succeeds), so it notices an early answer when a write fails:
//!
//! | what the server does | what the client sees | what you get |
//! |---|---|---|
//! | answers, then closes | a write fails (`broken pipe`, `reset`) | the answer, read after the failed write |
//! | answers, closes without reading the rest | a reset, which may destroy the answer before it is read | the answer if it survived, else the `Io` error at `Step::Send` |
//! | answers, keeps reading the body | nothing unusual: the upload completes | the answer; the connection is reused if the framing allows |
//! | answers, keeps the connection, stops reading | the write blocks until [`timeout_write`](crate::AgentBuilder::timeout_write) or the deadline expires (without either, forever) | the answer, if its bytes are already there; else the `Timeout` error |
//!
//! After a failed write, `early_answer` in `src/client/exchange.rs` looks for the answer: one
//! already waiting on the connection is returned, never taken for a reason to send the request
//! again. With nothing waiting, a failed write on a connection taken from the pool looks like a
//! stale connection, and a request that may be sent twice is [retried](#retries) on a new one,
//! where the server answers again. A connection that answered before the body was sent is never reused: client and server may
//! disagree on where the request ended. (Over a unix socket the early answer is not looked for
//! after a timeout, since such a socket cannot be peeked at without reading.)
//!
//! **`Expect: 100-continue`** avoids sending a large body for nothing. The client sends the head
//! with `Expect: 100-continue` and waits for the server's go-ahead before the body: "A
//! 100-continue expectation informs recipients that the client is about to send (presumably large)
//! content in this request and wishes to receive a 100 (Continue) interim response if the method,
//! target URI, and header fields are not sufficient to cause an immediate success, redirect, or
//! error response" (RFC 9110 §10.1.1). Ask for it with
//! [`RequestBuilder::expect_continue`](crate::RequestBuilder::expect_continue) (or your own
//! `Expect` header); only a request with a body waits ("A client MUST NOT generate a 100-continue
//! expectation in a request that does not include content").
//!
//! ```text
//! PUT /big HTTP/1.1\r\n
//! Host: example.com\r\n
//! Content-Length: 1073741824\r\n
//! Expect: 100-continue\r\n
//! \r\n
//!                          <----  HTTP/1.1 100 Continue\r\n\r\n          go ahead: the body follows
//!                          <----  HTTP/1.1 413 Content Too Large\r\n…   or: not one byte of body is sent
//! ```
//!
//! `src/client/expect.rs` waits for the first of:
//!
//! | what comes | what the client does |
//! |---|---|
//! | `100 Continue` | sends the body, then reads the final response |
//! | another 1xx (`103 Early Hints`) | keeps waiting |
//! | nothing within [`expect_continue_timeout`](crate::AgentBuilder::expect_continue_timeout) (1 s) | sends the body anyway: "such a client SHOULD NOT wait for an indefinite period before sending the content" (RFC 9110 §10.1.1), since an HTTP/1.0 server or proxy on the path never answers `100` |
//! | a final status | does not send the body and returns that response. A chunked body is ended at once with an empty last chunk (`0\r\n\r\n`), so the request is complete and the connection may be reused; a `Content-Length` body cannot be ended, so the connection is closed |
//! | `417 Expectation Failed` | sends the request again once, without `Expect`: "A client that receives a 417 (Expectation Failed) status code in response to a request containing a 100-continue expectation SHOULD repeat that request without a 100-continue expectation" |
//!
//! A redirect answered before the body can be followed even with a streamed body, since none of
//! it was sent.
//!
//! ```
//! # use std::io::{Read, Write};
//! # use std::net::TcpListener;
//! # let listener = TcpListener::bind("127.0.0.1:0").unwrap();
//! # let url = format!("http://{}/upload", listener.local_addr().unwrap());
//! # std::thread::spawn(move || {
//! #     let (mut conn, _) = listener.accept().unwrap();
//! #     let (mut head, mut b) = (Vec::new(), [0u8; 1]);
//! #     while !head.ends_with(b"\r\n\r\n") { conn.read_exact(&mut b).unwrap(); head.push(b[0]); }
//! #     assert!(String::from_utf8_lossy(&head).contains("Expect: 100-continue\r\n"));
//! #     conn.write_all(b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 9\r\n\r\ntoo large").unwrap();
//! #     std::thread::sleep(std::time::Duration::from_millis(200));
//! # });
//! let big = vec![0u8; 8 << 20]; // 8 MiB the server does not want
//! let resp = h1client::put(&url).expect_continue().send(&big)?;
//! assert_eq!(resp.status(), 413); // and not one byte of the body was sent
//! assert_eq!(resp.text()?, "too large");
//! # Ok::<(), h1client::Error>(())
//! ```
//!
//! ## Timeouts
//!
//! A timeout is a promise that a call returns within a bound however the peer behaves. Each limit
//! bounds something different on the wire, and they are enforced below the TLS layer: before every
//! system call the socket's timeout is set to the per-call limit or to the time left before the
//! deadline, whichever is shorter. One mechanism does it for every read and write of the crate
//! (`src/transport/timeouts.rs`: `call_limit` computes the limit, an `Armer` sets it, and
//! `Stream::read_armed` and its kin in `src/transport/mod.rs` call it, below the TLS layer for
//! `https`); a socket whose timeout is already set to the wanted limit, or at most 10 ms more, is
//! left as it is, to spare a system call. A limit set once per transfer would not do: a peer
//! that sends a byte before each timeout expires would stretch a transfer forever, and one TLS
//! record may take many socket reads. A limit of zero leaves no time at all (the call fails at
//! once: a socket cannot wait for no time); a deadline too far away to add to the clock is a
//! year.
//!
//! | limit | default | bounds, on the wire | when it expires |
//! |---|---|---|---|
//! | [`timeout_connect`](crate::AgentBuilder::timeout_connect) | 30 s | connecting as a whole, one deadline from the start of a new connection: resolving the name, every address tried (a `SYN` unanswered), the proxy's `CONNECT` answer or SOCKS5 exchange, the TLS handshake (`connect_timeouts` in `src/client/open.rs`) | `Timeout` at `Resolve`, `ResolveProxy`, `Connect`, `ConnectProxy`, `Tunnel` or `TlsHandshake`: `connect timeout of 30s expired` |
//! | [`timeout_read`](crate::AgentBuilder::timeout_read) | none | each read: how long the server may stay silent, during a handshake, the head or the body | `Timeout` at the step: `read timeout of 5s expired` |
//! | [`timeout_write`](crate::AgentBuilder::timeout_write) | none | each write: how long the server may leave the send buffer full without reading (its TCP window stays closed) | `Timeout` at `Send`: `write timeout of 5s expired` (an answer already there is returned instead, see above) |
//! | [`timeout`](crate::AgentBuilder::timeout), or [`RequestBuilder::timeout`](crate::RequestBuilder::timeout) | none | everything from name resolution to the last byte of the body, redirects included, even the body read after `call()` returned | `Timeout` at whichever step was running: `request timeout of 30s expired` |
//! | [`expect_continue_timeout`](crate::AgentBuilder::expect_continue_timeout) | 1 s | the wait for `100 Continue` | not an error: the body is sent |
//! | [`idle_timeout`](crate::AgentBuilder::idle_timeout) | 90 s | how long an idle connection stays in the pool | not an error: the connection is closed |
//!
//! Name resolution has no timeout of its own in the system resolver; it runs on a helper thread,
//! and the request stops waiting for it at the connect deadline (or the request's, when that
//! comes first). RFC 9112 sets no
//! timeouts ("The use of persistent connections places no requirements on the length (or
//! existence) of this timeout for either the client or the server", §9.5), and without `timeout`
//! and `timeout_read`, which are off by default as in curl and Python `requests`, a server that
//! accepts the connection and never answers holds the request forever: set
//! [`timeout`](crate::AgentBuilder::timeout) for anything unattended. curl exits with 28 for all of
//! them.
//!
//! ```
//! # use std::net::TcpListener;
//! # let listener = TcpListener::bind("127.0.0.1:0").unwrap();
//! # let url = format!("http://{}/", listener.local_addr().unwrap());
//! # std::thread::spawn(move || {
//! #     let (_conn, _) = listener.accept().unwrap(); // accepts, reads nothing, answers nothing
//! #     std::thread::sleep(std::time::Duration::from_secs(2));
//! # });
//! use std::time::Duration;
//!
//! let agent = h1client::Agent::builder().timeout_read(Duration::from_millis(100)).build();
//! let err = agent.get(&url).call().unwrap_err();
//! assert_eq!(err.kind(), h1client::ErrorKind::Timeout);
//! assert_eq!(err.step(), h1client::Step::ReceiveHead);
//! assert!(err.to_string().ends_with("read timeout of 100ms expired"));
//! ```
//!
//! ## Every kind and step, on the wire
//!
//! Each row is a combination the code produces: the [`ErrorKind`](crate::ErrorKind), the
//! [`Step`](crate::Step), a message as `Display` prints it (hosts and ports are examples), what
//! happened in bytes, and the exit code of curl (and of the `h1client` command line) for it.
//!
//! | kind | step | example message | what happened on the wire | curl |
//! |---|---|---|---|---|
//! | `InvalidUrl` | `Url` | `invalid URL: "http:///x": empty host` | nothing: the URL was refused before anything was sent | 3 |
//! | `InvalidUrl` | `Redirect` | `redirect from example.com:80: invalid Location "http://[::1": invalid IPv6 address` | a 3xx arrived whose `Location` is no URL | 3 |
//! | `InvalidRequest` | `Request` | `invalid request to example.com:80: the value of header "X-Evil" contains the control byte 0x0d (CR, LF and NUL would corrupt the request)` | nothing: the head was refused before connecting | 2 (a usage error in curl's terms) |
//! | `InvalidRequest` | `Send` | `send request to example.com:80: the body reader ended after 3 of the 10 bytes announced by Content-Length` | the head and part of the body went out; the request cannot be completed, the connection is closed | 26 |
//! | `Dns` | `Resolve` | `resolve nonexistent.invalid:80: no such host` | name resolution failed; no connection was attempted | 6 |
//! | `Dns` | `ResolveProxy` | `resolve proxy proxy.invalid:3128: no such host` | the proxy's name did not resolve | 5 |
//! | `Proxy` | `ResolveProxy` | `resolve proxy example.com:443: the environment's HTTPS_PROXY is not a usable proxy: …` | nothing: the environment names a proxy that cannot be used | 5 |
//! | `Connect` | `Connect` | `connect to 127.0.0.1:9: connection refused` | the `SYN` was answered with a reset (or the network was unreachable); with several addresses, all are listed | 7 |
//! | `Connect` | `ConnectProxy` | `connect to proxy 127.0.0.1:3128: connection refused` | the same, to the proxy | 7 |
//! | `Timeout` | `Resolve`, `ResolveProxy`, `Connect`, `ConnectProxy`, `Tunnel`, `TlsHandshake` | `connect to 10.0.0.1:80: connect timeout of 30s expired` | connecting took longer than the connect timeout (or the request's deadline): the resolver did not answer, the `SYN` went unanswered, a proxy or a TLS server answered too slowly | 28 |
//! | `Proxy` | `Tunnel` | `tunnel through proxy to example.com:443: the proxy 127.0.0.1:3128 refused the tunnel: 407 Proxy Authentication Required` | the proxy answered the `CONNECT` with a non-2xx status ([`Error::status`](crate::Error::status) has it), or sent bytes after its `200`, or the SOCKS5 handshake failed | 56 (22 with `-f` and a status of 400 or more; 97 for SOCKS) |
//! | `Tls` | `TlsHandshake` | `tls handshake with example.com:443: certificate expired` | the server's certificate was refused: expired, not yet valid, an unknown issuer, another name | 60 |
//! | `Tls` | `TlsHandshake` | `tls handshake with 127.0.0.1:8080: the server did not answer with TLS (is it plain HTTP?)` | the handshake failed otherwise: not TLS, an alert, no common version or cipher, another ALPN protocol, a close | 35 |
//! | `Tls` | `ReceiveHead`, `ReceiveBody`, `Send` | `read response from example.com:443: the server sent the alert …` | after the handshake: an alert, or a record that does not decrypt | 56 |
//! | `Io` | `Send` | `send request to example.com:80: connection reset by peer` | a write failed: the server reset or closed the connection, and no answer could be read | 55 |
//! | `Timeout` | `Send` | `send request to example.com:80: write timeout of 300ms expired` | the server stopped reading; the send buffer stayed full | 28 |
//! | `LocalIo` | `ReadUpload` | `read request body for example.com:80: …` | your reader or file failed while the body was being sent | 26 |
//! | `Io` | `ReceiveHead` | `read response from example.com:80: connection closed before any response byte (empty reply)` | the connection closed (or reset) before the first byte of the answer, or after only 1xx heads | 52 |
//! | `Protocol` | `ReceiveHead` | `read response from example.com:80: malformed response head: invalid status code, three digits expected (RFC 9112 §4)`; `the reply is not HTTP: it begins with "SSH-2.0-OpenSSH_9" where a status line (HTTP/1.x NNN) must start (RFC 9112 §4)`; `conflicting Content-Length values 5 and 6 (RFC 9112 §6.3)`; `response head exceeds the limit of 65536 bytes` | the head is not HTTP/1.x (refused at its first bytes when they cannot start a status line), is cut short, is over a limit, or frames its body ambiguously | 8 |
//! | `Timeout` | `ReceiveHead` | `read response from example.com:80: read timeout of 300ms expired` | the server said nothing for that long | 28 |
//! | `Io` | `ReceiveBody` | `read response body from example.com:80: connection closed after 5 of 10 body bytes` | the body was cut short ([truncation](#truncation)) | 18 |
//! | `Protocol` | `ReceiveBody` | `read response body from example.com:80: chunk data not followed by CRLF (RFC 9112 §7.1)`; `invalid byte 0x36 after chunk size: only whitespace and ;extensions may follow it (RFC 9112 §7.1.1)`; `chunk extensions exceed their budget of 65541 bytes (ignored bytes may not outweigh the data)` | the chunked framing is broken, or its extensions are over their budget | 56 |
//! | `Timeout` | `ReceiveBody` | `read response body from example.com:80: request timeout of 30s expired` | the body did not finish in time | 28 |
//! | `Decode` | `ReceiveBody` | `read response body from example.com:80: corrupt gzip body: not gzip data (the magic bytes 1f 8b are missing)`; `the transfer coding "zstd" is not supported`; `262144 bytes of encoded body decoded to nothing (a stream of empty blocks?)` | a compressed body is corrupt or cut short, more than two codings are stacked, a transfer coding cannot be undone, encoded input yields nothing, `text()` or `json()` met a body still content-coded, or text is invalid in its charset | 61 |
//! | `BodyTooLarge` | `ReceiveBody` | `read response body from example.com:80: the body is larger than the limit of 10 bytes (use into_reader to stream it)` | `text()`, `bytes()` or `json()` met more than [`body_limit`](crate::AgentBuilder::body_limit) bytes (decoded), or too many encoded bytes for that limit | 63 |
//! | `TooManyRedirects` | `Redirect` | `redirect from example.com:80: stopped after 10 redirects (the limit)` | one 3xx too many | 47 |
//! | `RedirectRefused` | `Redirect` | `redirect from example.com:80: refusing to follow a redirect to "ftp": only http and https are followed` | a 3xx to another scheme, or from `https` to `http` | 1 |
//! | `Status` | `Status` | `status from example.com:80: HTTP 404 Not Found for http://example.com/` | a complete 4xx or 5xx (or 600–999) response, made an error by `error_for_status` | 22 (with `-f`) |
//! | `LocalIo` | `Local` | `local I/O (not the network): could not write the body: no space left on device` | nothing went wrong on the wire: your own I/O around the request failed (writing to your sink in [`BodyReader::copy_to`](crate::BodyReader::copy_to), an `io::Error` of yours converted with `?`) | 23 |
//!
//! The steps, in the order a request meets them ([life of a request](super::_01_life_of_a_request)):
//!
//! | step | the phase | bytes exchanged before it |
//! |---|---|---|
//! | `Url` | reading the URL you gave | none |
//! | `Request` | building and validating the head and the body's framing | none |
//! | `ResolveProxy`, `Resolve` | resolving the proxy's, or the origin's, name | DNS only |
//! | `ConnectProxy`, `Connect` | opening TCP (or the unix socket) | TCP handshake |
//! | `Tunnel` | the proxy's `CONNECT` exchange, or the SOCKS5 handshake | to the proxy |
//! | `TlsHandshake` | the TLS handshake with the origin | TLS handshake records |
//! | `Send` | writing the head and the body | the request, or part of it |
//! | `ReadUpload` | reading your body source while sending | part of the request |
//! | `ReceiveHead` | reading the status line and headers (and 1xx heads) | the whole request |
//! | `ReceiveBody` | reading the body, after `call()` returned | the request and the response head |
//! | `Redirect` | deciding to follow a 3xx | a complete 3xx head |
//! | `Status` | `error_for_status` | a complete response head |
//! | `Local` | your own I/O around the exchange, not a step of it | any |
