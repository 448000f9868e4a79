//! # The life of a request
//!
//! This chapter follows one call, `h1client::get(url).call()?.text()?`, from the URL you typed to
//! the bytes on the wire and back to your `String`. Each step names the code that does it and the
//! RFC section behind it. You need to know Rust; you do not need to know HTTP.
//!
//! The exchange below is real: the example at the end of this page runs it against a loopback
//! server and checks every byte, so the text cannot drift away from the code.
//!
//! ## 1. The URL
//!
//! `h1client::get("http://127.0.0.1:8080/hello?lang=en")` hands the text to the shared default
//! [`Agent`](crate::Agent), which parses it with the `url` crate
//! ([`client::request`](crate::client::request)). Three things are checked before anything
//! else happens: the scheme is `http` or `https`, there is a host (RFC 9110 §4.2.1: an `http`
//! URI always names one), and the text holds no control characters — the URL standard would
//! quietly drop a tab or a newline, which would hide an attempt to smuggle a header through a
//! URL, so they are refused instead. Nothing has touched the network yet; a bad URL is an
//! [`ErrorKind::InvalidUrl`](crate::ErrorKind::InvalidUrl) error.
//!
//! ## 2. The request head, validated before connecting
//!
//! [`call`](crate::RequestBuilder::call) enters the request loop in
//! [`client::agent`](crate::client::agent). The first thing it does is to build the request
//! *head* — the text that precedes any body — and to check every part of it:
//!
//! ```text
//! GET /hello?lang=en HTTP/1.1\r\n      request-line: method, request-target, version (RFC 9112 §3)
//! Host: 127.0.0.1:8080\r\n             which site we mean; the port because it is not 80 (RFC 9110 §7.2)
//! User-Agent: h1client/0.1.0\r\n       who is asking (RFC 9110 §10.1.5), replaceable
//! Accept: */*\r\n                      any media type will do (RFC 9110 §12.5.1), replaceable
//! \r\n                                 an empty line ends the head
//! ```
//!
//! (With the `gzip` or `brotli` feature, `Accept-Encoding: gzip, deflate, br` joins the defaults,
//! RFC 9110 §12.5.3.)
//!
//! - The *request-target* is the URL's path and query only, the "origin form" (RFC 9112 §3.2.1):
//!   the host travels in `Host`, and the fragment (`#…`) and any `user:password@` never leave the
//!   machine ([`proto::request::origin_form`](crate::proto::request::origin_form)).
//! - The method must be a *token* (RFC 9110 §9.1), header names too, and no header value may hold
//!   CR, LF or NUL (RFC 9110 §5.5): otherwise a value like `"x\r\nEvil: 1"` would write a second
//!   header. [`RequestHead::validate`](crate::proto::request::RequestHead::validate) refuses all
//!   of these, and it runs before a connection is even opened, so a refused request sends nothing
//!   at all.
//! - A GET has no body, so no `Content-Length` and no `Transfer-Encoding` are sent. A body would
//!   bring exactly one of them, decided from the body alone (RFC 9112 §6.2, §6.1).
//!
//! ## 3. A connection
//!
//! The agent keeps idle connections in a [pool](crate::transport::pool), keyed by origin —
//! scheme, host, port — and by whatever else makes two connections different (a proxy, the TLS
//! settings). If one is waiting, it is taken; a connection that sat idle a while is first probed
//! for a close the server sent meanwhile (its answer would otherwise be read as ours).
//!
//! Otherwise a new one is opened ([`transport::connect`](crate::transport::connect)): the name is
//! resolved (here it is an IP address, so there is nothing to resolve), the addresses are ordered
//! IPv6 first and raced 250 ms apart (RFC 8305, "Happy Eyeballs"), and for `https` a TLS handshake
//! follows ([`transport::tls`](crate::transport::tls): rustls, SNI per RFC 6066 §3, ALPN
//! `http/1.1` per RFC 7301).
//!
//! ## 4. Sending
//!
//! The head is written into the connection's own, reused buffer and sent in one system call
//! (a small body would join it in that same write). HTTP/1.1 allows only one request at a time
//! on a connection unless both sides agree to pipelining (RFC 9112 §9.3.2); this client never
//! pipelines, so it now waits for the answer.
//!
//! ## 5. The response head
//!
//! ```text
//! HTTP/1.1 200 OK\r\n                         status-line: version, status code, reason (RFC 9112 §4)
//! Content-Type: text/plain; charset=utf-8\r\n
//! Transfer-Encoding: chunked\r\n              the body comes in sized pieces (RFC 9112 §7.1)
//! \r\n
//! ```
//!
//! [`HttpConn::read_head`](crate::client::conn::HttpConn::read_head) reads until an empty line
//! appears, then hands the bytes to httparse through
//! [`ResponseHead::parse`](crate::proto::response::ResponseHead::parse). Nothing is copied: the
//! parsed head is a list of positions in the connection's buffer. Limits apply (64 KiB and 100
//! fields by default), because a server that never sends the empty line must not make the client
//! grow its memory forever. Interim responses — `100 Continue`, `103 Early Hints` — are read and
//! skipped (RFC 9110 §15.2).
//!
//! ## 6. How long is the body?
//!
//! HTTP/1.1 has no end-of-message marker. The client must *decide* where the body ends, from the
//! request method, the status and the headers, and
//! [`proto::framing::decide`](crate::proto::framing::decide) applies RFC 9112 §6.3 in order: a
//! response to HEAD, a 1xx, 204 or 304 has no body; `Transfer-Encoding` ending in `chunked` means
//! chunked; otherwise a valid `Content-Length` gives the length; otherwise the body runs until
//! the server closes. Getting this wrong is how one response's bytes get read as the next one
//! (response splitting, request smuggling), so every doubtful case is an error or a closed
//! connection: two different `Content-Length` values, a sign or a space in one, both framings at
//! once. Here the answer is: chunked.
//!
//! `call()` returns now, with the [`Response`](crate::Response): the status and headers are
//! readable, and the body is still on the connection.
//!
//! ## 7. The body
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
//! [`text`](crate::Response::text) reads through the [`BodyReader`](crate::BodyReader), which
//! feeds the bytes to the [`ChunkedDecoder`](crate::proto::chunked::ChunkedDecoder), a small state
//! machine (RFC 9112 §7.1): at most 16 hex digits per size, checked arithmetic, exactly CRLF
//! after every chunk. If the connection ended before the last chunk, `read()` would return an
//! error — never a short body dressed up as a complete one. The text is then decoded as UTF-8
//! (the `charset` of `Content-Type`, RFC 9110 §8.3).
//!
//! ## 8. Back to the pool
//!
//! The body was read to its clean end, the response is HTTP/1.1 without `Connection: close`,
//! and not one byte arrived past the end of the body: the connection may carry another request
//! (RFC 9112 §9.3), so it goes back into the pool. The next `get` to the same origin skips steps
//! 3's connecting entirely.
//!
//! ## The exchange, run
//!
//! The [`trace`](crate::trace) hook shows each step as it happens; here it records the events,
//! and the server checks the bytes it received:
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
//!             Event::Connected { .. } => "connected",
//!             Event::Reused { .. } => "reused",
//!             Event::RequestHead { .. } => "request head sent",
//!             Event::ResponseHead { .. } => "response head received",
//!             Event::Framing { .. } => "framing decided",
//!             Event::BodyDone { .. } => "body done",
//!             Event::Pooled => "back to the pool",
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
//! // the same origin again: the pooled connection is reused
//! assert_eq!(agent.get(&server.url("/again")).call()?.text()?, "again");
//! assert_eq!(
//!     *steps.lock().unwrap(),
//!     [
//!         "connected", "request head sent", "response head received", "framing decided",
//!         "body done", "back to the pool",
//!         "reused", "request head sent", "response head received", "framing decided",
//!         "body done", "back to the pool",
//!     ]
//! );
//! # Ok::<(), h1client::Error>(())
//! ```
