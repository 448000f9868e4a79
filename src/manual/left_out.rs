//! # 7. What is deliberately left out
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
//! - **An async API.** There are good async clients; this one is for synchronous programs (the
//!   [async recipe](super::_08_recipes#calling-h1client-from-async-code) shows how to call it from
//!   one).
//! - **Transfer codings other than `chunked`, `gzip` and `deflate`** (`compress`, anything
//!   unregistered). A body that uses one fails with a `Decode` error naming it, since a transfer
//!   coding belongs to the message and must be undone before the body is the content
//!   ([the rule](super::_03_concepts#1-the-message-and-the-content)). `Content-Encoding` (gzip,
//!   deflate, br) is supported; other content codings are handed over as they came.
//! - **zstd** content coding, **HTTP digest and NTLM authentication**, **connection-level
//!   authentication to proxies other than Basic**. They can be added as optional features if
//!   needed; each would bring a dependency.
//! - **Automatic retries of requests that may have been applied.** The client sends a request a
//!   second time only after a reused connection failed before any answer, and only when doing it
//!   twice cannot hurt ([retries](super::_04_when_it_goes_wrong#retries)); a POST that reached the
//!   server is resent only if you say that your requests are safe to repeat
//!   ([`retry_non_idempotent`](crate::AgentBuilder::retry_non_idempotent)). Retrying after a
//!   timeout, a `503` or a `429`, with backoff, is a policy of your program:
//!   [the retry recipe](super::_08_recipes#retry-with-backoff) has one.
//! - **The rest of Happy Eyeballs** (RFC 8305). The system resolver answers with both address
//!   families at once, so the client cannot start connecting on the IPv6 answer while the IPv4
//!   one is still pending, as RFC 8305 §3 would have it; round-trip times are not measured; and
//!   what is remembered is only the family that connected when the first did not, per host, for
//!   ten minutes (see [defaults](super::_06_defaults)). Doing more would take a DNS resolver of
//!   the client's own, a large dependency.
//! - **A public suffix list for cookies.** `cookie_store` can use one, at the cost of a large
//!   list that must be kept up to date; without it a host can set a cookie for a parent domain
//!   even if that parent is a public suffix such as `co.uk`
//!   ([concepts: cookies](super::_03_concepts#9-cookies)).
//! - **TLS over a unix socket, `https://` proxies** (TLS to the proxy itself), **encrypted
//!   private keys** for client certificates (decrypt the key first, or give a whole
//!   configuration to [`tls_config`](crate::AgentBuilder::tls_config)).
//! - **Reading the response while the request body is still being sent.** A server may answer
//!   early (a `413`) and stop reading; this client notices the answer only when a write fails or
//!   the body is done. Use `Expect: 100-continue` for large uploads to servers that may refuse.
