//! # What is deliberately left out
//!
//! A small client is one that says no. Each of these was considered and left out, and why:
//!
//! - **HTTP/2 and HTTP/3.** Multiplexing pays off for many concurrent requests to one origin,
//!   which is what async clients are for. A blocking client serves programs that make one request
//!   at a time per thread, where HTTP/1.1 with keep-alive is as fast and far simpler. ALPN offers
//!   only `http/1.1`; a server that picks something else is refused.
//! - **Pipelining** (RFC 9112 §9.3.2). Several requests in flight on one connection break on
//!   many servers and proxies and make a failure ambiguous (which requests were processed?).
//!   Browsers abandoned it; so did this client.
//! - **An async API.** There are good async clients; this one is for synchronous programs.
//! - **Transfer codings other than `chunked`, `gzip` and `deflate`** (`compress`, anything
//!   unregistered). Transfer codings are part of the message, so every one is undone before the
//!   body is handed over, in whatever framing it comes (`gzip, chunked`, or `gzip` alone on a
//!   body that ends with the connection, RFC 9112 §6.1, §6.3); a body with a coding that cannot
//!   be undone fails with a `Decode` error naming it, rather than being handed over as if it
//!   were the content. `Content-Encoding` (gzip, deflate, br) is supported.
//! - **zstd** content coding, **HTTP digest and NTLM authentication**, **connection-level
//!   authentication to proxies other than Basic**. They can be added as optional features if
//!   needed; each would bring a dependency.
//! - **A public suffix list for cookies.** `cookie_store` can use one, at the cost of a large
//!   list that must be kept up to date; without it a host can set a cookie for a parent domain
//!   even if that parent is a public suffix such as `co.uk`. See
//!   [`AgentBuilder::cookie_store`](crate::AgentBuilder) (feature `cookies`).
//! - **TLS over a unix socket, `https://` proxies** (TLS to the proxy itself), **encrypted
//!   private keys** for client certificates (decrypt the key first, or give a whole
//!   configuration to [`tls_config`](crate::AgentBuilder::tls_config)).
//! - **Reading the response while the request body is still being sent.** A server may answer
//!   early (a `413`) and stop reading; this client notices the answer only when a write fails or
//!   the body is done. Use `Expect: 100-continue` for large uploads to servers that may refuse.
