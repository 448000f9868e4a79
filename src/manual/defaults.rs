//! # Defaults, and why
//!
//! Every limit and switch of [`AgentBuilder`](crate::AgentBuilder), with its default and the
//! reason for it. The principle: safe without configuration, never silently lossy, and no
//! surprise for someone who knows curl or Python `requests`.
//!
//! | setting | default | why |
//! |---|---|---|
//! | certificate verification | on; off only with `danger_accept_invalid_certs(true)` | a client that does not verify talks to whoever is on the path |
//! | trust roots | webpki-roots (Mozilla's set) | the same everywhere, no OS dependency; `native-roots` and your own PEM roots are options |
//! | TLS versions | 1.3 and 1.2 | rustls has nothing older; both are still needed in the field |
//! | `timeout_connect` | 30 s per attempt | an unreachable address must not hang a program for the OS's 2 minutes |
//! | `timeout_read`, `timeout_write`, `timeout` | none | as curl and `requests`: a slow download is not an error unless you say so. Set `timeout` for anything unattended |
//! | `max_redirects` | 10 | enough for real chains, bounded against loops (curl's `-L` allows 50; the CLI keeps that) |
//! | `allow_https_downgrade` | false | following https → http would expose the next request to the network |
//! | credentials on redirect | dropped when the origin changes | `Authorization`, `Cookie`, `Proxy-Authorization` are meant for one origin (RFC 9110 §15.4) |
//! | `max_head_size` | 64 KiB (trailers count too) | a server that never ends its head must not grow memory without bound |
//! | `max_headers` | 100 | the same, for the number of fields; httparse parses them on the stack |
//! | chunk size line | 16 hex digits, 4096 bytes with extensions | a 64-bit size at most; extensions are ignored but capped |
//! | `body_limit` | 10 MiB for `text()`, `bytes()`, `json()` | reading a body whole is for small bodies; `into_reader()` streams without limit |
//! | stacked content codings | at most 2 | more is a decompression bomb in disguise; decoded bytes count against `body_limit` |
//! | `decompress` | on (features `gzip`, `brotli`) | what `requests` does; the CLI keeps curl's behaviour (only with `--compressed`) |
//! | `max_idle_per_host`, `max_idle`, `idle_timeout` | 8, 64, 90 s | enough for parallel use; servers close idle connections after a minute or so |
//! | retry | once, on a fresh connection, only when a *reused* connection failed before any response byte, for idempotent methods or with `Idempotency-Key`, with a replayable body | RFC 9112 §9.3.1: the request may not have been seen; anything else could do it twice |
//! | `Expect: 100-continue` | off; 1 s wait when asked for | most servers answer it, some never do |
//! | proxies | from the environment (`http_proxy`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`) | as curl and `requests`; upper-case `HTTP_PROXY` is ignored (httpoxy), and loopback never goes through an environment proxy |
//! | cookies | a jar per agent (feature `cookies`), at most 50 cookies per domain and 3000 in all | as a `requests` session, with RFC 6265 §6.1's limits so a server cannot grow it without end; the CLI has none |
//! | `User-Agent`, `Accept` | `h1client/<version>`, `*/*` | servers expect both; each is replaced by a header of the same name |
