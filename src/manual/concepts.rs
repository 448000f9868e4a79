//! # 3. Concepts
//!
//! The ideas an HTTP/1.1 client is built on, one section each: a paragraph or three, the bytes on
//! the wire, the RFC sections, and what this client does. Quotes are the RFCs' exact words. The
//! [life of a request](super::_01_life_of_a_request) shows where each idea meets the code.
//!
//! 1. [The message and the content](#1-the-message-and-the-content): `Transfer-Encoding` versus
//!    `Content-Encoding`.
//! 2. [Chunks and trailers](#2-chunks-and-trailers).
//! 3. [Idempotency, and why it decides retries](#3-idempotency-and-why-it-decides-retries).
//! 4. [Smuggling and desync: two parsers disagreeing on where a message ends](#4-smuggling-and-desync-two-parsers-disagreeing-on-where-a-message-ends).
//! 5. [Persistent connections, and stale ones](#5-persistent-connections-and-stale-ones).
//! 6. [HTTPS: what TLS adds, and what the certificate check proves](#6-https-what-tls-adds-and-what-the-certificate-check-proves).
//! 7. [Proxies, and HTTPS through a proxy, byte by byte](#7-proxies-and-https-through-a-proxy-byte-by-byte).
//! 8. [Redirects](#8-redirects).
//! 9. [Cookies](#9-cookies).
//!
//! ## 1. The message and the content
//!
//! HTTP separates *what* is sent from *how it travels*. The **content** is the data the sender
//! means: a page, a file, the result of a POST. A **representation** of a resource may be stored
//! and sent in a coded form, compressed for instance, and `Content-Encoding` says so: "the codings
//! listed in Content-Encoding are a characteristic of the representation" (RFC 9110 §8.4). The
//! **message body** is what crosses this one connection: "The message body is identical to the
//! content unless a transfer coding has been applied" (RFC 9112 §6), and `Transfer-Encoding` says
//! which: "Transfer-Encoding is a property of the message, not of the representation" (RFC 9112
//! §6.1). A transfer coding is applied by one hop and removed by the next; a content coding stays
//! with the data wherever it goes, into caches and files.
//!
//! ```text
//! HTTP/1.1 200 OK\r\n
//! Content-Type: text/plain\r\n
//! Content-Encoding: gzip\r\n            the content is gzip data: a .txt.gz, decoded by whoever uses it
//! Transfer-Encoding: chunked\r\n        this message carries it in chunks: undone by the receiver
//! \r\n
//! 1a\r\n                                26 bytes of gzip data, chunked…
//! \x1f\x8b\x08\x00…\r\n
//! 0\r\n
//! \r\n
//! ```
//!
//! Both lists are in the order the codings were applied, so they are undone from the last one
//! back: `Transfer-Encoding: gzip, chunked` "indicates that the content has been compressed using
//! the gzip coding and then chunked using the chunked coding while forming the message body" (RFC
//! 9112 §6.1). `chunked` is the only transfer coding that frames a message, and in a response it
//! must come last or the body runs until the server closes the connection (RFC 9112 §6.3, item 4).
//! The names `gzip`, `deflate` and `compress` exist as both kinds of coding (RFC 9112 §7.2, RFC
//! 9110 §8.4.1).
//!
//! What this client does (`Response::new` in `src/client/response.rs` makes the plan, with
//! `plan_transfer` and `plan` in `src/client/decode.rs`; the decoders there run as the body is
//! read):
//!
//! - **Transfer codings: every one listed is undone, or the body is refused.** They are part of
//!   the message, not of the content, so each is undone before the body is handed over, whether
//!   or not decompression is on and whatever the framing — `gzip, chunked`, or `gzip` alone on a
//!   body that then runs until the server closes (RFC 9112 §6.1, §6.3 item 4). A final `chunked`
//!   is undone by the framing; `gzip`, `x-gzip` and `deflate` by the decoders (feature `gzip`);
//!   `identity` is skipped. A body with any other transfer coding — `compress`, an unknown name,
//!   `gzip` without the feature, a `chunked` that is not the last — fails on its first read with
//!   a [`Decode`](crate::ErrorKind::Decode) error naming the coding, rather than being handed over
//!   as if its bytes were the content. This is the one rule; the other chapters point here.
//! - **Content codings** `gzip`, `deflate` and `br` are undone only with the `gzip` or `brotli`
//!   feature and [`decompress`](crate::AgentBuilder::decompress) on (the default); those are the
//!   codings the agent then asks for with `Accept-Encoding` (RFC 9110 §12.5.3). The content of a
//!   `206 Partial Content` is left alone (a range of a compressed stream cannot be decoded on its
//!   own). A coding the agent cannot undo leaves the body as it came, `Content-Encoding` still
//!   saying what it is: [`bytes`](crate::Response::bytes) and the reader give those bytes, while
//!   [`text`](crate::Response::text) and `json` fail with a `Decode` error that names the coding
//!   and what would decode it, rather than "not valid UTF-8". The headers stay as received, so
//!   [`Response::content_length`](crate::Response::content_length) is `None` for a decoded body
//!   and [`Response::is_decoded`](crate::Response::is_decoded) says it was decoded.
//! - **Bounds.** At most two codings are undone on one body, transfer and content codings
//!   together, and decoded bytes count against the body limit: each layer of compression
//!   multiplies what a small body can become. The encoded input is bounded too: one read may take
//!   at most 256 KiB of it without producing a decoded byte (endless empty gzip members or empty
//!   deflate blocks are a `Decode` error, `MAX_ENCODED_WITHOUT_OUTPUT` in `src/client/body.rs`);
//!   a gzip header, with its optional name and comment, may take 64 KiB; and `bytes()`, `text()`
//!   and `json()` stop taking encoded bytes a little past the body limit (1/64 of it and 4 KiB
//!   more, for what incompressible data gains by encoding).
//!
//! ## 2. Chunks and trailers
//!
//! A server that does not know how long its content will be (it is still producing it) can send
//! it in chunks, each preceded by its size in hexadecimal; a chunk of size zero ends the body
//! (RFC 9112 §7.1). "Chunked enables content streams of unknown size to be transferred as a
//! sequence of length-delimited buffers, which enables the sender to retain connection
//! persistence and the recipient to know when it has received the entire message."
//!
//! ```text
//! chunked-body   = *chunk last-chunk trailer-section CRLF
//! chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//! chunk-size     = 1*HEXDIG
//! last-chunk     = 1*("0") [ chunk-ext ] CRLF
//! chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//! chunk-ext-name = token
//! chunk-ext-val  = token / quoted-string
//! trailer-section = *( field-line CRLF )
//! ```
//!
//! ```text
//! HTTP/1.1 200 OK\r\n
//! Transfer-Encoding: chunked\r\n
//! Trailer: Digest-Sha1\r\n                  announces a trailer field (RFC 9110 §6.6.2), optional
//! \r\n
//! 5\r\n                                     5 bytes…
//! hello\r\n
//! 6;name=value\r\n                          6 bytes, with a chunk extension (ignored, RFC 9112 §7.1.1)
//!  world\r\n
//! 0\r\n                                     the last chunk
//! Digest-Sha1: 2aae6c35c94fcfb415dbe95f408b9ce91ee846ed\r\n   the trailer section
//! \r\n                                      the end of the message
//! ```
//!
//! **Trailers** are fields sent after the content. They exist for what the sender only knows at
//! the end: "a message integrity check, digital signature, or post-processing status" (RFC 9112
//! §7.1.2); RFC 9110 §6.5 adds "delivery metrics". They come with limits: "A sender MUST NOT
//! generate a trailer field unless the sender knows the corresponding header field name's
//! definition permits the field to be sent in trailers", a recipient "MUST NOT merge a trailer
//! field into a header section unless the recipient understands the corresponding header field
//! definition" (RFC 9110 §6.5.1), and since intermediaries may drop them, "a server SHOULD NOT
//! generate trailer fields that it believes are necessary for the user agent to receive". A
//! response framed by `Content-Length` or by the close cannot have any.
//!
//! This client decodes chunks with [`ChunkedDecoder`](crate::proto::chunked::ChunkedDecoder)
//! (`src/proto/chunked.rs`, one small function per state of the machine): 1 to 16 hex digits with
//! checked arithmetic; after them only whitespace, then extensions that follow the grammar above,
//! or the line's end — `5 6`, `5 junk` and `0x5` are errors; exactly CRLF after every line and
//! every chunk's data. Extensions are then ignored ("A recipient MUST ignore unrecognized chunk
//! extensions", RFC 9112 §7.1.1), but not read without end: a size line may take 4 KiB, and the
//! extensions of a body in all may take 64 KiB
//! ([`FREE_EXTENSION_BYTES`](crate::proto::chunked::FREE_EXTENSION_BYTES)) plus as many bytes as
//! its chunk data so far, so a server cannot make the client read megabytes of nothing for each
//! byte of body. (RFC 9112 §7.1.1 asks the same of servers: "A server ought to limit the total
//! length of chunk extensions received in a request to an amount reasonable for the services
//! provided".) The trailer section counts against the head limit, is kept apart from the
//! headers, and is readable once the body has been read to its end:
//!
//! ```
//! # let server = h1client::doc_server::DocServer::start(&[
//! #     b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;name=value\r\n world\r\n0\r\nDigest-Sha1: 2aae6c35c94fcfb415dbe95f408b9ce91ee846ed\r\n\r\n",
//! # ]);
//! use std::io::Read;
//!
//! let mut body = h1client::get(&server.url("/")).call()?.into_reader();
//! let mut text = String::new();
//! body.read_to_string(&mut text)?;
//! assert_eq!(text, "hello world");
//! assert_eq!(
//!     body.trailers(),
//!     [("Digest-Sha1".to_string(), "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed".to_string())]
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## 3. Idempotency, and why it decides retries
//!
//! "A request method is considered idempotent if the intended effect on the server of multiple
//! identical requests with that method is the same as the effect for a single such request. Of
//! the request methods defined by this specification, PUT, DELETE, and safe request methods are
//! idempotent" (RFC 9110 §9.2.2); the safe ones are GET, HEAD, OPTIONS and TRACE (§9.2.1).
//! Deleting a file twice leaves it deleted; posting an order twice makes two orders.
//!
//! This matters because a client often cannot know whether a request it sent was processed. The
//! connection can close after the request left and before any answer came: was the request lost
//! on the way, or processed and the answer lost? For an idempotent request the question does not
//! matter: "the request can be repeated automatically if a communication failure occurs before
//! the client is able to read the server's response" (RFC 9110 §9.2.2). For the others, "A client
//! SHOULD NOT automatically retry a request with a non-idempotent method unless it has some means
//! to know that the request semantics are actually idempotent, regardless of the method, or some
//! means to detect that the original request was never applied." And in any case, "A client
//! SHOULD NOT automatically retry a failed automatic retry." RFC 9112 §9.3.1 points to these
//! rules: "Connections can be closed at any time, with or without intention."
//!
//! ```text
//! PUT /files/a HTTP/1.1\r\n ...  ---->  sent on a pooled connection
//!                               <----  (nothing: the connection closes)
//! PUT /files/a HTTP/1.1\r\n ...  ---->  sent again on a new connection: harmless, PUT is idempotent
//!
//! POST /orders HTTP/1.1\r\n ...  ---->  sent on a pooled connection
//!                               <----  (nothing: the connection closes)
//!                                      not sent again: the order may exist already
//! ```
//!
//! So this client retries once, on a fresh connection, only when the body can be sent a second
//! time and the request cannot do harm twice: its method is idempotent
//! ([`is_idempotent`](crate::proto::request::is_idempotent): GET, HEAD, PUT, DELETE, OPTIONS,
//! TRACE), or it has an `Idempotency-Key` header, by which the server can recognise a repeat, or
//! not one byte of it was written (the first write failed: the "means to detect that the
//! original request was never applied"), or you said that your requests are safe to repeat with
//! [`retry_non_idempotent`](crate::AgentBuilder::retry_non_idempotent). The details are in
//! [retries](super::_04_when_it_goes_wrong#retries).
//!
//! ## 4. Smuggling and desync: two parsers disagreeing on where a message ends
//!
//! HTTP/1.1 has no end-of-message marker: each recipient *computes* where a message ends from its
//! headers (RFC 9112 §6.3). When two programs read the same bytes — a proxy and the server behind
//! it, a cache and a client — and compute different ends, the bytes one takes for the end of a
//! message the other takes for the start of the next. That is a **desync**. In a request it is
//! **request smuggling**: "a technique that exploits differences in protocol parsing among various
//! recipients to hide additional requests (which might otherwise be blocked or disabled by policy)
//! within an apparently harmless request" (RFC 9112 §11.2, after Linhart, Klein, Heled and Orrin,
//! "HTTP Request Smuggling", 2005). In a response it is **response splitting**, which "exploits the
//! line-based nature of HTTP message framing and the ordered association of requests to responses
//! on persistent connections" (RFC 9112 §11.1, after Klein, "Divide and Conquer", 2004): the
//! client takes the attacker's bytes for the answer to its next request.
//!
//! The classic: `Content-Length` and `Transfer-Encoding` in one message.
//!
//! ```text
//! HTTP/1.1 200 OK\r\n
//! Content-Length: 5\r\n           a reader that believes this takes "0\r\n\r\n" as the body…
//! Transfer-Encoding: chunked\r\n  …one that believes this reads an empty chunked body,
//! \r\n
//! 0\r\n
//! \r\n
//! HTTP/1.1 200 OK\r\n ...        …and the two disagree on whether this is the next response
//! ```
//!
//! RFC 9112 §6.3 settles it ("the Transfer-Encoding overrides the Content-Length. Such a message
//! might indicate an attempt to perform request smuggling (Section 11.2) or response splitting
//! (Section 11.1) and ought to be handled as an error"), but not every program follows the rule,
//! and the rule's own ambiguities are where new attacks come from. Each one is a place where two
//! careful parsers can read the same bytes differently:
//!
//! | bytes | two readings | RFC | this client | precedents |
//! |---|---|---|---|---|
//! | `Content-Length` and `Transfer-Encoding` | length or chunks | RFC 9112 §6.3 item 3, §6.1 | chunked, and the connection is not reused | Linhart et al. 2005; ktor GHSA-xrr9-rh8p-433v |
//! | `Content-Length: 5` and `Content-Length: 6`, or `5, 6` | first or last value | RFC 9112 §6.3 item 5 | error | — |
//! | `Content-Length: +5`, `5 5`, `0x5` | 5, or invalid | RFC 9110 §8.6: `1*DIGIT` | error | hyper RUSTSEC-2021-0078 and GHSA-f3pg-qwvg-p99c (the `+`), Jetty CVE-2023-40167 |
//! | `Transfer-Encoding: chunked, chunked`, `xchunked`, an empty value | chunked or not | RFC 9112 §6.1 | error, or (not final `chunked`) read until close | Node.js CVE-2022-32213, hyper RUSTSEC-2021-0020 |
//! | a chunk size of `10000000000000005` | wraps to 5 in 64 bits, or huge | RFC 9112 §7.1: "recipients MUST anticipate potentially large hexadecimal numerals and prevent parsing errors due to integer conversion overflows" | error: at most 16 digits, checked arithmetic | hyper CVE-2021-32714 |
//! | a chunk size line `5 6` | 5, or invalid | RFC 9112 §7.1, §7.1.1: `chunk-size [ chunk-ext ] CRLF`, and a `chunk-ext` starts with whitespace and `;` | error: only whitespace, then `;` extensions or the line's end, may follow the size | — |
//! | a field folded onto the next line: `Transfer-Encoding:\r\n chunked` (obs-fold) | a field `chunked`, or an empty field and a bad line | RFC 9112 §5.2: a user agent "MUST replace each received obs-fold with one or more SP octets prior to interpreting the field value" | unfolded, as required: chunked | Node.js CVE-2022-32215, CVE-2024-27982 |
//! | a line ending in a bare LF | a line end, or part of a value | RFC 9112 §2.2: "a recipient MAY recognize a single LF as a line terminator"; the chunked grammar says CRLF | accepted in heads; an error in chunked framing | Node.js CVE-2022-32214; Go CVE-2025-22871 (bare LF in chunk-size lines); ASP.NET Core CVE-2025-55315 (LF in chunk extensions) |
//! | bytes after a complete response | nothing, or the next response | RFC 9112 §6.3: "A client MUST NOT process, cache, or forward such extra data as a separate response" | the connection is closed, never reused | Klein 2004 |
//!
//! The defence is in `decide` (`src/proto/framing.rs`), the chunked decoder and `ResponseHead::parse`:
//! every doubtful case is an error or a connection that is not reused, so that whatever another
//! program made of the bytes, this client never reads one response's bytes as another's. Two of
//! these, run:
//!
//! ```
//! # let server = h1client::doc_server::DocServer::start(&[
//! #     b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
//! #     b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
//! # ]);
//! use h1client::{Agent, ErrorKind, Event};
//! use std::sync::{Arc, Mutex};
//!
//! let closed = Arc::new(Mutex::new(Vec::new()));
//! let log = closed.clone();
//! let agent = Agent::builder()
//!     .trace(move |e| {
//!         if let Event::Closed { reason } = e {
//!             log.lock().unwrap().push(reason.to_string());
//!         }
//!     })
//!     .build();
//!
//! // both framings: chunked wins, and the connection is not kept
//! assert_eq!(agent.get(&server.url("/a")).call()?.text()?, "hello");
//! assert!(closed.lock().unwrap()[0].contains("both Transfer-Encoding and Content-Length"));
//!
//! // two lengths: no way to know which one the server meant
//! let err = agent.get(&server.url("/b")).call().unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::Protocol);
//! assert!(err.to_string().contains("conflicting Content-Length values 5 and 6"));
//! # Ok::<(), h1client::Error>(())
//! ```
//!
//! The request side matters too: a client that lets CR or LF into a header value writes a second
//! header, or a second request, for whoever controls the value (CRLF injection). This client
//! refuses them before connecting ([life of a request, step 4](super::_01_life_of_a_request#4-the-request-head-validated-before-connecting));
//! [threats](super::_05_threats) lists the precedents.
//!
//! ## 5. Persistent connections, and stale ones
//!
//! Opening a connection costs round trips (TCP, then TLS), so HTTP/1.1 keeps connections open:
//! "HTTP/1.1 defaults to the use of persistent connections, allowing multiple requests and
//! responses to be carried over a single connection" (RFC 9112 §9.3). A connection persists unless
//! the `close` connection option was sent (`Connection: close`, by either side, §9.6), or the
//! response was HTTP/1.0 without `Connection: keep-alive`. And it can carry another request only
//! if both sides agree on where the last response ended: "In order to remain persistent, all
//! messages on a connection need to have a self-defined message length (i.e., one not defined by
//! closure of the connection)", and "a client MUST read the entire response message body if it
//! intends to reuse the same connection for a subsequent request" (§9.3).
//!
//! ```text
//! GET /a HTTP/1.1\r\nHost: example.com\r\n\r\n            ---->
//!                      <----   HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst
//! GET /b HTTP/1.1\r\nHost: example.com\r\n\r\n            ---->   the same connection
//!                      <----   HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond
//! ```
//!
//! An idle connection is **stale** when the server has closed it while it sat in the pool;
//! servers close idle connections after a while (RFC 9112 §9.5: "Servers will usually have some
//! timeout value beyond which they will no longer maintain an inactive connection"). If the close
//! arrived before the client looks, the client sees it and opens a new connection. If it is still
//! on its way, the request crosses it: "a client might have started to send a new request at the
//! same time that the server has decided to close the "idle" connection. From the server's point
//! of view, the connection is being closed while it was idle, but from the client's point of view,
//! a request is in progress" (§9.5).
//!
//! ```text
//! client                                      server
//!   (connection idle in the pool)
//!                                      <----  FIN: the server's idle timeout
//!   GET /b HTTP/1.1 ...                ---->  arrives at a closed socket: RST
//!   read() returns 0, or "connection reset": not one byte of a response
//! ```
//!
//! This client probes every pooled connection before reusing it, however briefly it was idle —
//! bytes the TLS layer holds, then a non-blocking one-byte peek at the socket — and drops it on a
//! close or on any byte the server sent unasked. A server that says how long it keeps an idle
//! connection (`Keep-Alive: timeout=5`, as Apache and Node send) closes it then: such a connection
//! is not reused after one second less, so that no request is sent into a close. What the probe cannot see is a close still in flight; for that case, and only
//! for requests that may be sent twice, there is [one retry](super::_04_when_it_goes_wrong#retries).
//! The pool itself: 8 idle connections per origin, 64 in all, each for at most 90 s
//! ([defaults](super::_06_defaults)). One request at a time per connection: no pipelining
//! (RFC 9112 §9.3.2 allows it — "A client that supports persistent connections MAY pipeline its
//! requests" — and [what is left out](super::_07_left_out) says why not).
//!
//! ## 6. HTTPS: what TLS adds, and what the certificate check proves
//!
//! An `https` URL means the same HTTP messages inside a TLS connection: "Conceptually, HTTP/TLS is
//! simply sending HTTP messages over a connection secured via TLS" (RFC 9112 §9.7). The client
//! opens TCP to port 443, sends a TLS `ClientHello`, finishes the handshake, and only then writes
//! the request, which travels encrypted in TLS records. The scheme promises something: "A client
//! MUST ensure that its HTTP requests for an "https" resource are secured, prior to being
//! communicated, and that it only accepts secured responses to those requests" (RFC 9110 §4.2.2).
//!
//! **In the ClientHello** (RFC 8446 §4.1.2), sent in the clear, two extensions matter to HTTP:
//!
//! - **SNI**, `server_name` (RFC 6066 §3): the host name from the URL, so that a server with many
//!   sites at one address picks the right certificate. It is visible to anyone on the path. "HostName"
//!   is "the fully qualified DNS hostname of the server, as understood by the client" and
//!   "Literal IPv4 and IPv6 addresses are not permitted in "HostName"", so for `https://127.0.0.1/`
//!   no SNI is sent.
//! - **ALPN**, `application_layer_protocol_negotiation` (RFC 7301): the protocols the client
//!   speaks, "in descending order of preference". This client offers only `http/1.1`; a server
//!   that selects anything else is refused.
//!
//! **The certificate check** (`src/transport/tls.rs`, rustls with webpki) establishes that the
//! server may speak for the host in the URL; RFC 9110 §4.3.4: "a client MUST verify that the
//! service's identity is an acceptable match for the URI's origin server. Certificate
//! verification is used to prevent server impersonation by an on-path attacker or by an attacker
//! that controls name resolution." It verifies that:
//!
//! - the certificate chains, signature by signature, to one of the trust roots (Mozilla's set from
//!   `webpki-roots` by default; your own with
//!   [`add_root_certificates_pem`](crate::AgentBuilder::add_root_certificates_pem)), the
//!   certificates above it being CAs (RFC 5280 §6, §4.2.1.9);
//! - every certificate of the chain is within its validity dates (RFC 5280 §4.1.2.5);
//! - the URL's host is one of the names in the certificate's subjectAltName extension (RFC 5280
//!   §4.2.1.6; the matching rules of RFC 6125, now RFC 9525). For a name, the reference identity
//!   is a DNS-ID; for an IP literal, "A reference identity of type IP-ID matches if the address is
//!   identical to an iPAddress value of the subjectAltName extension of the certificate" (RFC 9110
//!   §4.3.5). The subject's common name is never used: "A reference identity of type CN-ID MUST
//!   NOT be used by clients" (§4.3.4);
//! - the certificate may serve a TLS server: an extended key usage, when present, includes
//!   `id-kp-serverAuth` (RFC 5280 §4.2.1.12);
//! - and, in the handshake itself, that the server holds the private key of that certificate: it
//!   signs the handshake (`CertificateVerify`, RFC 8446 §4.4.3).
//!
//! It does **not** verify: whether the certificate was revoked (no revocation lists are given to
//! the verifier, so a revoked certificate is accepted until it expires); that the host in the URL
//! is the site you meant (a valid certificate for a look-alike name is valid); anything about the
//! server's conduct once the connection is up. With
//! [`danger_accept_invalid_certs`](crate::AgentBuilder::danger_accept_invalid_certs) nothing of
//! the certificate is checked (the handshake signatures still are), and such connections are never
//! given to requests that verify. One allowance, as curl makes: a server presenting exactly a
//! certificate you added as a root (a self-signed one) is accepted, its dates and name still
//! checked. A failure is an [`ErrorKind::Tls`](crate::ErrorKind::Tls) error that says why
//! (`certificate expired`, `certificate is not valid for the name "…"`).
//!
//! **After the handshake** every byte of HTTP travels in TLS records (RFC 8446 §5.1, §5.2): a
//! 5-byte header — type `0x17` ("application_data", whatever is inside), version `0x03 0x03`, a
//! 2-byte length — then the encrypted data, at most 2^14 bytes of it per record. In TLS 1.3 the
//! encrypted part holds the plaintext, one byte of real content type, and a 16-byte
//! authentication tag (for the AES-GCM and ChaCha20-Poly1305 suites):
//!
//! ```text
//! GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: h1client/0.1.0\r\nAccept: */*\r\n\r\n
//!                                                             78 bytes of HTTP, then on the wire:
//! 17 03 03 00 5f  <95 bytes: the 78 bytes encrypted, 1 content type byte, 16 bytes of tag>
//! ```
//!
//! An observer sees the server's address, the SNI name, the sizes and timing of records; not the
//! method, the path, the headers or the body. The end of the connection is protected too: each
//! side sends a `close_notify` alert before closing ("Each party MUST send a "close_notify" alert
//! before closing its write side of the connection, unless it has already sent some error alert",
//! RFC 8446 §6.1), and "If a transport-level close is received prior to a "close_notify", the
//! receiver cannot know that all the data that was sent has been received". Hence
//! [truncation](super::_04_when_it_goes_wrong#truncation): a body delimited by the close is
//! complete only with `close_notify` (RFC 9112 §9.8).
//!
//! ## 7. Proxies, and HTTPS through a proxy, byte by byte
//!
//! **An HTTP proxy and a plain `http` URL.** The client connects to the proxy and sends it the
//! request with the whole URL as its target, the absolute-form: "When making a request to a proxy,
//! other than a CONNECT or server-wide OPTIONS request (as detailed below), a client MUST send the
//! target URI in absolute-form as the request-target" (RFC 9112 §3.2.2). The proxy reads
//! everything, may answer from its cache, and makes the request itself. Its credentials travel as
//! `Proxy-Authorization`, which "applies only to the next inbound proxy that demanded
//! authentication" (RFC 9110 §11.7.2). One connection to the proxy can carry requests for any
//! origin.
//!
//! ```text
//! GET http://example.com/page HTTP/1.1\r\n
//! Host: example.com\r\n
//! User-Agent: h1client/0.1.0\r\n
//! Accept: */*\r\n
//! Proxy-Authorization: Basic dXNlcjpwYXNz\r\n      user:pass, base64 (RFC 7617)
//! \r\n
//! ```
//!
//! **An HTTP proxy and an `https` URL.** The proxy must not see the request, so the client asks
//! it for a tunnel, a raw byte pipe to the origin, with `CONNECT` and the authority-form target
//! `host:port` (RFC 9112 §3.2.3; RFC 9110 §9.3.6: "There is no default port; a client MUST send
//! the port number"). Here is one request to `https://example.com/` through the proxy
//! `http://user:pass@proxy:3128`, in order:
//!
//! ```text
//! 1. client -> proxy, in the clear:
//! CONNECT example.com:443 HTTP/1.1\r\n
//! Host: example.com:443\r\n
//! User-Agent: h1client/0.1.0\r\n
//! Proxy-Authorization: Basic dXNlcjpwYXNz\r\n      the proxy's credentials, on the CONNECT only
//! \r\n
//!
//! 2. proxy -> client, in the clear:
//! HTTP/1.1 200 Connection established\r\n         any 2xx: from the next byte on, a tunnel
//! \r\n
//!
//! 3. client -> (proxy) -> server: the TLS ClientHello, in the clear
//! 16 03 01 00 f8                                  record: handshake (22), version 3.1, 248 bytes (this build)
//!    01 00 00 f4                                  handshake: ClientHello (1), 244 bytes
//!    03 03 <32 random bytes> <session id> <cipher suites> 01 00 <extensions>:
//!    00 00 00 10 00 0e 00 00 0b 65 78 61 6d 70 6c 65 2e 63 6f 6d
//!          server_name (0), 16 bytes: a list of 14 bytes, host_name (0), 11 bytes, "example.com"
//!    00 10 00 0b 00 09 08 68 74 74 70 2f 31 2e 31
//!          ALPN (16), 11 bytes: a list of 9 bytes, one name of 8 bytes, "http/1.1"
//!    00 2b 00 05 04 03 04 03 03
//!          supported_versions (43): TLS 1.3 (03 04), TLS 1.2 (03 03)
//!    … key_share, signature_algorithms, supported_groups, …
//!
//! 4. the rest of the handshake, then the HTTP request, in records the proxy cannot read:
//! 17 03 03 00 5f <95 encrypted bytes>             GET / HTTP/1.1\r\nHost: example.com\r\n…
//! ```
//!
//! The version numbers in step 3 are historical: "a record containing an initial ClientHello
//! SHOULD have version 0x0301 (reflecting TLS 1.0)" (RFC 8446 §5.1), the ClientHello's own
//! `legacy_version` is `03 03` (TLS 1.2, §4.1.2), and the versions really offered are those of
//! `supported_versions` (§4.2.1). After the handshake every record says `17 03 03` (section 6).
//!
//! The bytes above are what this client sends, and the example below checks them against a
//! "proxy" on loopback that answers the `CONNECT` and keeps the `ClientHello` (there is no server
//! behind it, so the handshake then fails). Step 1 is written by `tunnel` (with
//! `write_connect_head`) in `src/client/open.rs`, and its answer is judged by the same framing
//! rules as any response (`check_connect_answer`, with [`decide`](crate::proto::framing::decide)
//! and RFC 9112 §6.3 item 2: "Any 2xx (Successful) response to a CONNECT request implies that the
//! connection will become a tunnel immediately after the empty line that concludes the header
//! fields"). A refusal (`407 Proxy Authentication Required`) is an
//! [`ErrorKind::Proxy`](crate::ErrorKind::Proxy) error at [`Step::Tunnel`](crate::Step::Tunnel)
//! that carries the status; bytes the proxy sends after its `200` and before the server's TLS
//! answer are refused too, since they cannot come from the server. Inside the tunnel the origin
//! reads every header, so `Proxy-Authorization` is never sent there.
//!
//! ```
//! # #[cfg(feature = "tls")]
//! # {
//! use std::io::{Read, Write};
//! use std::net::TcpListener;
//!
//! let listener = TcpListener::bind("127.0.0.1:0").unwrap();
//! let proxy_addr = listener.local_addr().unwrap();
//! let proxy = std::thread::spawn(move || {
//!     let (mut conn, _) = listener.accept().unwrap();
//!     // 1. the CONNECT request, up to its empty line
//!     let mut connect = Vec::new();
//!     let mut byte = [0u8; 1];
//!     while !connect.ends_with(b"\r\n\r\n") {
//!         conn.read_exact(&mut byte).unwrap();
//!         connect.push(byte[0]);
//!     }
//!     // 2. the answer
//!     conn.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").unwrap();
//!     // 3. one TLS record: 5 bytes of header, then as many as its length says
//!     let mut hello = vec![0u8; 5];
//!     conn.read_exact(&mut hello).unwrap();
//!     let len = u16::from_be_bytes([hello[3], hello[4]]) as usize;
//!     hello.resize(5 + len, 0);
//!     conn.read_exact(&mut hello[5..]).unwrap();
//!     (connect, hello) // and the connection closes: no server here
//! });
//!
//! let agent = h1client::Agent::builder()
//!     .proxy(h1client::Proxy::new(&format!("http://user:pass@{proxy_addr}"))?)
//!     .build();
//! let err = agent.get("https://example.com/").call().unwrap_err();
//! assert_eq!(err.kind(), h1client::ErrorKind::Tls); // the handshake could not finish
//!
//! let (connect, hello) = proxy.join().unwrap();
//! assert_eq!(
//!     String::from_utf8(connect).unwrap(),
//!     format!(
//!         "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nUser-Agent: h1client/{}\r\n\
//!          Proxy-Authorization: Basic dXNlcjpwYXNz\r\n\r\n",
//!         env!("CARGO_PKG_VERSION")
//!     )
//! );
//! assert_eq!(hello[..3], [0x16, 0x03, 0x01]); // a handshake record
//! assert_eq!(hello[5], 0x01); // holding a ClientHello
//! let has = |needle: &[u8]| hello.windows(needle.len()).any(|w| w == needle);
//! assert!(has(b"\x00\x00\x00\x10\x00\x0e\x00\x00\x0bexample.com")); // SNI
//! assert!(has(b"\x00\x10\x00\x0b\x00\x09\x08http/1.1")); // ALPN
//! assert!(!has(b"user:pass") && !has(b"dXNlcjpwYXNz")); // the proxy's credentials stay outside
//! # }
//! # Ok::<(), h1client::Error>(())
//! ```
//!
//! **A SOCKS5 proxy** (`socks5://`, `socks5h://`) is not HTTP: a short binary handshake (RFC 1928)
//! asks it to connect to the origin, and then the connection is a byte pipe, for `http` and
//! `https` alike (`socks5_handshake` in `src/transport/proxy.rs`):
//!
//! ```text
//! client -> proxy  05 02 00 02               version 5, 2 methods: none (0), user/password (2)   RFC 1928 §3
//! proxy -> client  05 02                     user/password, please
//! client -> proxy  01 04 75 73 65 72 04 70 61 73 73     version 1, "user", "pass"            RFC 1929 §2
//! proxy -> client  01 00                     accepted
//! client -> proxy  05 01 00 03 0b 65 78 61 6d 70 6c 65 2e 63 6f 6d 01 bb
//!                  version 5, CONNECT (1), reserved, a domain name (3) of 11 bytes, port 443   RFC 1928 §4, §5
//! proxy -> client  05 00 00 01 <4 bytes of address> <2 bytes of port>   succeeded (0)            RFC 1928 §6
//! ```
//!
//! With `socks5h://` the proxy resolves the name, as above; with `socks5://` the client resolves
//! it and sends an address (type 1, an IPv4 address when there is one). Without credentials the
//! client offers method 0 only: `05 01 00`.
//!
//! Which proxy applies is decided once per request: the one set on the builder, else the
//! environment's (`http_proxy`, `HTTPS_PROXY`, `ALL_PROXY`, minus `NO_PROXY`; the upper-case
//! `HTTP_PROXY` is ignored, since a CGI program's environment can receive it from a request's
//! `Proxy:` header). A loopback host never goes through an environment proxy.
//!
//! ## 8. Redirects
//!
//! A `3xx` response with a `Location` asks the client to make the request again somewhere else:
//! "the user agent MAY automatically redirect its request to the URI referenced by the Location
//! field value" (RFC 9110 §15.4). The `Location` may be relative; it is resolved against the URL
//! of the request (RFC 9110 §10.2.2, RFC 3986 §5), and "If the Location value provided in a 3xx
//! (Redirection) response does not have a fragment component, a user agent MUST process the
//! redirection as if the value inherits the fragment component" of the original.
//!
//! ```text
//! POST /login HTTP/1.1\r\n ...                       ---->
//!                      <----  HTTP/1.1 303 See Other\r\nLocation: /welcome\r\nContent-Length: 0\r\n\r\n
//! GET /welcome HTTP/1.1\r\n ...                      ---->   the same origin: the same connection
//! ```
//!
//! The status decides the next method (`next` in `src/client/redirect.rs`):
//!
//! | status | next request | RFC 9110 |
//! |---|---|---|
//! | 301, 302 | the same method, except POST becomes GET without its body ("For historical reasons, a user agent MAY change the request method from POST to GET") | §15.4.2, §15.4.3 |
//! | 303 | GET without a body, except that HEAD stays HEAD | §15.4.4 |
//! | 307, 308 | the same method and the same body ("the user agent MUST NOT change the request method"); a streamed body cannot be sent twice, so the 3xx is returned to you instead | §15.4.8, §15.4.9 |
//!
//! When the method becomes GET, the body and the headers that describe it go too ("If the request
//! method has been changed to GET or HEAD, remove content-specific header fields", RFC 9110
//! §15.4). Credentials are the delicate part. RFC 9110 §15.4 asks a user agent, when it follows a
//! redirect, to remove the fields it generated itself that belong to the old target — among them
//! "Header fields specific to the client's proxy configuration, including (but not limited to)
//! Proxy-Authorization" and "Resource-specific header fields, including (but not limited to)
//! Referer, Origin, Authorization, and Cookie" — and to "Consider removing header fields that were
//! not automatically generated by the implementation (i.e., those present in the request because
//! they were added by the calling context) where there are security implications; this includes
//! but is not limited to Authorization and Cookie."
//!
//! This client's rule: when the origin (scheme, host, port) changes, `Authorization`, `Cookie`
//! and `Proxy-Authorization` are not sent to the new one, whoever set them; cookies from the jar
//! follow the jar's own rules (RFC 6265). A redirect from `https` to `http` is refused unless
//! [`allow_https_downgrade`](crate::AgentBuilder::allow_https_downgrade) is set, since everything
//! after it would cross the network in the clear. Only `http` and `https` targets are followed, at
//! most [`max_redirects`](crate::AgentBuilder::max_redirects) (10) times in a row ("A client SHOULD
//! detect and intervene in cyclical redirections", §15.4). Each hop is told by
//! [`Event::Redirect`](crate::Event::Redirect), with the headers it left behind.
//!
//! ```
//! # let target = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"]);
//! # let redirect = format!("HTTP/1.1 302 Found\r\nLocation: {}\r\nContent-Length: 0\r\n\r\n", target.url("/there"));
//! # let origin = h1client::doc_server::DocServer::start(&[redirect.as_bytes()]);
//! // `origin` answers 302 with a Location on `target`: another port, so another origin
//! let resp = h1client::get(&origin.url("/here"))
//!     .header("Authorization", "Bearer secret")
//!     .call()?;
//! assert_eq!(resp.text()?, "ok");
//! assert!(origin.requests()[0].contains("Authorization: Bearer secret\r\n"));
//! assert!(!target.requests()[0].contains("Authorization"));
//! # Ok::<(), h1client::Error>(())
//! ```
//!
//! The precedents for each of these rules, from curl, Python's requests and urllib3 and others,
//! are in [threats: credential leaks](super::_05_threats#credential-leaks).
//!
//! ## 9. Cookies
//!
//! HTTP keeps no state from one request to the next. A cookie lets a server keep some on the
//! client: it sends `Set-Cookie` with a name, a value and attributes (RFC 6265 §4.1), and the
//! client sends the pair back in a `Cookie` header on later requests to the places the attributes
//! allow (§4.2).
//!
//! ```text
//! HTTP/1.1 200 OK\r\n
//! Set-Cookie: session=abc123; Path=/; Secure; HttpOnly; Max-Age=3600\r\n
//! ...
//! GET /account HTTP/1.1\r\n
//! Host: example.com\r\n
//! Cookie: session=abc123; theme=dark\r\n     every cookie that applies, in one field
//! ```
//!
//! With the `cookies` feature every [`Agent`](crate::Agent) keeps a jar, the
//! [`cookie_store`](https://docs.rs/cookie_store) crate's, which applies RFC 6265's rules
//! (`src/client/cookies.rs` holds it, within the limits below):
//!
//! - the `Set-Cookie` fields of every response go in, those of redirects included;
//! - a cookie whose `Domain` the host that sent it does not domain-match is ignored (§5.3); one
//!   without `Domain` goes back to that host only;
//! - `Path` scopes a cookie to that path and the paths under it (§5.1.4);
//! - a `Secure` cookie is sent only over `https` (§5.4);
//! - `Max-Age` and `Expires` end a cookie (§5.2.1, §5.2.2, §5.3); `Max-Age=0` deletes it;
//! - each request carries the cookies that apply in one `Cookie` header ("the user agent MUST NOT
//!   attach more than one Cookie header field", §5.4); a `Cookie` header set on the request
//!   replaces the jar's.
//!
//! **Limits.** RFC 6265 §6.1 asks general-use user agents to "provide each of the following
//! minimum capabilities": at least 4096 bytes per cookie, at least 50 cookies per domain, at
//! least 3000 cookies in all. They are minimums a browser should support, not limits; this jar
//! uses them as its maximums, so that a server cannot grow an agent's memory without bound, one
//! response at a time. A `Set-Cookie` value longer than 4096 bytes is ignored, and so is a new
//! cookie for a domain that already has 50, or for a jar that holds 3000, once the expired cookies
//! have been dropped; updating or deleting a cookie the jar holds always works.
//!
//! **No public suffix list.** RFC 6265 §5.3 refuses a cookie for a public suffix such as `co.uk`
//! only "If the user agent is configured to reject "public suffixes"", which needs a list of
//! them; the jar has none (an optional part of `cookie_store`, not enabled here), so a host can
//! set a cookie for its parent domain even when that parent is a public suffix
//! ([left out](super::_07_left_out)).
//!
//! **Which agents keep one.** An agent built with the feature starts with an empty jar;
//! `AgentBuilder::cookie_store(Some(store))` starts it with cookies of your own,
//! `cookie_store(None)` turns it off, and `Agent::with_cookie_store` reads and changes it (all
//! three exist with the feature only). A request on the same agent from inside that closure
//! fails with `InvalidRequest` rather than wait for ever for the jar the closure holds. The
//! one-off functions ([`h1client::get`](crate::get), …) keep no cookies, even with the feature
//! on: any crate in a program can turn a feature on, and one site's cookies must not reach
//! another call. A `Cookie` set by hand is dropped on a redirect to another origin
//! ([section 8](#8-redirects)); the jar's cookies follow the jar's rules.
//!
//! ```
//! # #[cfg(feature = "cookies")]
//! # {
//! # let server = h1client::doc_server::DocServer::start(&[
//! #     b"HTTP/1.1 200 OK\r\nSet-Cookie: session=abc123; Path=/\r\nContent-Length: 0\r\n\r\n",
//! #     b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
//! #     b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
//! # ]);
//! let agent = h1client::Agent::new(); // with the `cookies` feature: an empty jar
//! agent.post(&server.url("/login")).call()?; // Set-Cookie: session=abc123; Path=/
//! agent.get(&server.url("/account")).call()?;
//! assert!(server.requests()[1].contains("\r\nCookie: session=abc123\r\n"));
//!
//! h1client::get(&server.url("/account")).call()?; // a one-off call: no jar
//! assert!(!server.requests()[2].contains("Cookie"));
//! # }
//! # Ok::<(), h1client::Error>(())
//! ```
