//! # 6. Defaults, and why
//!
//! Every limit and switch of [`AgentBuilder`](crate::AgentBuilder), with its default and the
//! reason for it, and the fixed limits the code keeps (named where they live). The principle:
//! safe without configuration, never silently lossy, and no surprise for someone who knows curl
//! or Python `requests`.
//!
//! ## Connecting and time
//!
//! | setting | default | why |
//! |---|---|---|
//! | [`timeout_connect`](crate::AgentBuilder::timeout_connect) | 30 s for connecting as a whole: resolving the name, every address tried, a proxy's `CONNECT` or SOCKS5 handshake, the TLS handshake — one deadline from the start of each new connection (or the request's deadline, when sooner) | an unreachable address must not hang a program for the OS's 2 minutes; one deadline for the whole, as curl's `--connect-timeout`, so that a slow proxy and a slow TLS server cannot add up, and a peer trickling a byte per read cannot stretch a handshake |
//! | [`timeout_read`](crate::AgentBuilder::timeout_read), [`timeout_write`](crate::AgentBuilder::timeout_write), [`timeout`](crate::AgentBuilder::timeout) | none | as curl and `requests`: a slow download is not an error unless you say so. Set `timeout` for anything unattended |
//! | zero and huge durations | `Duration::ZERO` leaves no time: `timeout` fails every request at once, `timeout_connect` every connection, `timeout_read` and `timeout_write` every read or write, `idle_timeout` keeps no connection, `expect_continue_timeout` sends the body at once. A duration too long to add to the clock is a deadline a year away: no limit in practice | a socket cannot wait for no time (std refuses a zero timeout), so zero is a timeout at once rather than no timeout; and no duration may overflow the clock or panic (`call_limit` and `Deadline::after` in `src/transport/timeouts.rs`) |
//! | address order | the resolver's answer IPv6 first, then the families alternating; `localhost` is `[::1]` then `127.0.0.1` without a lookup | RFC 8305 §4 (interleaving), RFC 6761 §6.3: one broken family costs one attempt, not all of them |
//! | connection attempts | one address after another on the calling thread while each answers (connects or refuses) within 250 ms; an address that stays silent hands over to a race, a new attempt joining every 250 ms or as soon as one fails; the first connection wins | RFC 8305 §5 recommends 250 ms between attempts; trying in turn first means the common case costs no thread (`in_turn` and `race` in `src/transport/connect.rs`) |
//! | family memory | when a host's first address failed and the other family connected, that family is tried first for that host for 10 minutes (32 hosts at most, per agent) | RFC 8305 §4 has a client that keeps track of the addresses it used prefer them; a broken IPv6 route then costs one slow connection, not one per request, and is tried again in time (`FamilyMemory`) |
//! | [`ip_version`](crate::AgentBuilder::ip_version) | IPv6 and IPv4 | curl's `-4` and `-6` are there when one family must not be used |
//!
//! ## Requests and responses
//!
//! | setting | default | why |
//! |---|---|---|
//! | [`max_redirects`](crate::AgentBuilder::max_redirects) | 10 | enough for real chains, bounded against loops (curl's `-L` allows 50; the CLI keeps that) |
//! | [`allow_https_downgrade`](crate::AgentBuilder::allow_https_downgrade) | false | following https → http would expose the next request to the network |
//! | credentials on redirect | dropped when the origin changes | `Authorization`, `Cookie`, `Proxy-Authorization` are meant for one origin (RFC 9110 §15.4) |
//! | [`max_head_size`](crate::AgentBuilder::max_head_size) | 64 KiB (interim 1xx heads and trailers count too) | a server that never ends its head must not grow memory without bound |
//! | [`max_headers`](crate::AgentBuilder::max_headers) | 100 | the same, for the number of fields; httparse parses them on the stack |
//! | a reply that is not HTTP | refused at its first bytes | a peer that does not speak HTTP (an SSH banner, a TLS server on an `http://` URL) may never send the empty line that ends a head ([`check_start`](crate::proto::response::check_start)) |
//! | chunk size line | 1 to 16 hex digits, then only whitespace and well-formed `;` extensions; 4096 bytes in all | a 64-bit size at most; `5 6` or `0x5`, which two parsers could read differently, is an error |
//! | chunk extensions | ignored, within 64 KiB per body plus as many bytes as its chunk data so far ([`FREE_EXTENSION_BYTES`](crate::proto::chunked::FREE_EXTENSION_BYTES)) | bytes that are thrown away may not outweigh the data: a server cannot make the client read megabytes of nothing per byte of body |
//! | [`body_limit`](crate::AgentBuilder::body_limit) | 10 MiB for `text()`, `bytes()`, `json()`, counted after decoding | reading a body whole is for small bodies; `into_reader()` streams without limit |
//! | [`decompress`](crate::AgentBuilder::decompress) | on (features `gzip`, `brotli`) | what `requests` does; the CLI keeps curl's behaviour (only with `--compressed`) |
//! | transfer codings | every one listed is undone (`gzip`, `deflate` with the `gzip` feature), whether or not `decompress` is on; any other is a `Decode` error | they belong to the message, not the content: [the rule](super::_03_concepts#1-the-message-and-the-content) |
//! | stacked codings | at most 2 on one body, transfer and content codings together | more is a decompression bomb in disguise; decoded bytes count against `body_limit` |
//! | encoded input | one read takes at most 256 KiB of encoded body without a decoded byte; `text()`, `bytes()` and `json()` take at most `body_limit` plus 1/64 of it and 4 KiB; a gzip header, 64 KiB | input that decodes to nothing (endless empty gzip members or deflate blocks) must fail, not be read for ever (`MAX_ENCODED_WITHOUT_OUTPUT` in `src/client/body.rs`, `Response::bytes`, `MAX_HEADER` in `src/client/decode.rs`) |
//! | uploads | a body of up to 16 KiB in memory goes out with the head in one write; a reader's or a file's, 64 KiB per write (one chunk each when chunked) | writes are what an upload costs: 64 KiB ones take a quarter of the system calls of 16 KiB ones, and the receiver's CPU follows (measured in `bench/`; `UPLOAD_CHUNK` in `src/client/send.rs`) |
//! | [`http_version`](crate::AgentBuilder::http_version) | HTTP/1.1. HTTP/1.0 requests never carry a chunked body (one of unknown length is refused) and do not keep their connection unless they send `Connection: keep-alive` | RFC 9112 §6.3: "A client MUST NOT use the chunked transfer coding unless it knows the server will handle HTTP/1.1 (or later) requests"; RFC 9112 §9.3 for persistence |
//! | `Expect: 100-continue` | off; 1 s wait ([`expect_continue_timeout`](crate::AgentBuilder::expect_continue_timeout)) when asked for | most servers answer it, some never do |
//! | `User-Agent`, `Accept` | `h1client/<version>`, `*/*` | servers expect both; each is replaced by a header of the same name, or by [`default_header`](crate::AgentBuilder::default_header) |
//!
//! ## Connections and retries
//!
//! | setting | default | why |
//! |---|---|---|
//! | [`max_idle_per_host`](crate::AgentBuilder::max_idle_per_host), [`max_idle`](crate::AgentBuilder::max_idle), [`idle_timeout`](crate::AgentBuilder::idle_timeout) | 8, 64, 90 s | enough for parallel use; servers close idle connections after a minute or so |
//! | a server's `Keep-Alive: timeout=N` | honoured: its connections are reused for at most N − 1 seconds (N of 1 or less: not kept) | the server closes them after N seconds, and its clock and ours do not start at the same instant: a request must not be sent into that close (Node's agent keeps the same second) |
//! | the probe before reuse | every reuse, however short the idle time | bytes a server sent after its response, or a close, would otherwise be read as the next answer (RFC 9112 §9.2: "If a client receives data on a connection that doesn't have outstanding requests, the client MUST NOT consider that data to be a valid response") |
//! | retry | once, on a fresh connection, when a *reused* connection failed (an I/O error) before any response byte, the body can be sent again, and the request cannot do harm twice: an idempotent method or an `Idempotency-Key`, or not one byte of it written | RFC 9112 §9.3.1, RFC 9110 §9.2.2: the request may not have been seen; anything else could do it twice (`may_resend` in `src/client/retry.rs`) |
//! | [`retry_non_idempotent`](crate::AgentBuilder::retry_non_idempotent) | false | true resends a POST or PATCH under the same conditions, as curl does: only for requests you know are safe to repeat |
//! | proxies | from the environment (`http_proxy`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`), read when the agent is built | as curl and `requests`; upper-case `HTTP_PROXY` is ignored (httpoxy), and loopback never goes through an environment proxy |
//!
//! ## TLS and cookies
//!
//! | setting | default | why |
//! |---|---|---|
//! | certificate verification | on; off only with [`danger_accept_invalid_certs(true)`](crate::AgentBuilder::danger_accept_invalid_certs) | a client that does not verify talks to whoever is on the path |
//! | trust roots | webpki-roots (Mozilla's set) | the same everywhere, no OS dependency; `native-roots` and your own PEM roots are options |
//! | TLS versions | 1.3 and 1.2 ([`tls_versions`](crate::AgentBuilder::tls_versions) narrows them) | rustls has nothing older; both are still needed in the field |
//! | cookies | none for the one-off functions ([`h1client::get`](crate::get), …); with the feature `cookies`, a jar in every [`Agent`](crate::Agent), off with `cookie_store(None)` | one-off calls share nothing but connections, as `requests.get` does, even when some crate in the program turns the feature on; an agent keeps cookies as a `requests` session does. The CLI keeps none unless asked (`-b`, `-c`) |
//! | cookie jar size | at most 4096 bytes per `Set-Cookie`, 50 cookies per domain, 3000 in all; new cookies beyond are ignored | RFC 6265 §6.1 lists these as the *minimum* capabilities a general-use user agent should provide; used here as maximums, so a server cannot grow the jar without end ([concepts: cookies](super::_03_concepts#9-cookies)) |
