//! # 8. Recipes
//!
//! Short programs for the jobs people most often bring to an HTTP client, each one an example
//! that runs as a test against a server on loopback (a canned one, or a real TLS server for the
//! client certificate), so that what you copy is what works. The hidden lines — click the
//! example's "expand" toggle, or read the source — only start that server; everything you would
//! write yourself is visible.
//!
//! | recipe | what it shows |
//! |---|---|
//! | [Download a file, with progress](#download-a-file-with-progress) | [`BodyReader::copy_to_with_progress`](crate::BodyReader::copy_to_with_progress), a temporary `.part` file, no half file left behind |
//! | [A JSON API client with typed errors](#a-json-api-client-with-typed-errors) | `send_json`, `json`, [`error_for_status`](crate::Response::error_for_status), an error enum built from [`ErrorKind`](crate::ErrorKind) and [`Error::status`](crate::Error::status) |
//! | [Retry with backoff](#retry-with-backoff) | which failures are worth another attempt, from [`kind`](crate::Error::kind), [`step`](crate::Error::step), [`status`](crate::Error::status) and `Retry-After` |
//! | [Upload a file](#upload-a-file) | [`send_file`](crate::RequestBuilder::send_file), [`Multipart`](crate::Multipart) and [`Part`](crate::Part) |
//! | [Proxies](#proxies) | [`Proxy::new`](crate::Proxy::new), [`AgentBuilder::proxy`](crate::AgentBuilder::proxy), [`no_proxy`](crate::AgentBuilder::no_proxy), the environment |
//! | [Client certificates (mutual TLS)](#client-certificates-mutual-tls) | `ClientCert::from_pem`, `client_certificate`, `client_certificate_pem`, a private CA |
//! | [Calling h1client from async code](#calling-h1client-from-async-code) | `tokio::task::spawn_blocking`, and why a deadline matters there |
//! | [Timeouts for unattended programs](#timeouts-for-unattended-programs) | [`timeout`](crate::AgentBuilder::timeout), [`timeout_connect`](crate::AgentBuilder::timeout_connect), [`timeout_read`](crate::AgentBuilder::timeout_read): what each bounds, zero and huge values |
//!
//! Coming from another client? The [next chapter](super::_09_migrating) maps Python `requests`,
//! ureq and `reqwest::blocking` calls to these.
//!
//! ## Download a file, with progress
//!
//! A download has three ways to go wrong that a program must not mistake for success: the server
//! answers with an error page (a `404` is an `Ok(Response)`: HTTP worked), the connection drops
//! halfway (the body reader returns an error, never a short `Ok`, see
//! [truncation](super::_04_when_it_goes_wrong#truncation)), and the disk fills up (a
//! [`LocalIo`](crate::ErrorKind::LocalIo) error, so you can tell it from the network's). Writing
//! to `name.part` and renaming it only when the body arrived whole means a crash or an error never
//! leaves a file that looks complete; the body streams through a 64 KiB buffer, whatever its size.
//!
//! ```
//! # let server = h1client::doc_server::DocServer::start(&[
//! #     b"HTTP/1.1 200 OK\r\nContent-Type: application/gzip\r\nContent-Length: 11\r\n\r\nhello world",
//! #     b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nno such x",
//! # ]);
//! # let dir = std::env::temp_dir().join(format!("h1client-recipe-download-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! use std::fs::File;
//! use std::path::{Path, PathBuf};
//!
//! /// Downloads `url` to `dest`, reporting progress on stderr. `dest` appears only when the whole
//! /// body arrived; on any failure there is no `dest` and no `.part` file.
//! fn download(agent: &h1client::Agent, url: &str, dest: &Path) -> h1client::Result<u64> {
//!     let resp = agent.get(url).call()?.error_for_status()?; // a 404 is an error here
//!     let mut body = resp.into_reader();
//!     let mut part = dest.as_os_str().to_owned();
//!     part.push(".part");
//!     let part = PathBuf::from(part);
//!
//!     let result = (|| -> h1client::Result<u64> {
//!         let mut file = File::create(&part)?; // io::Error -> ErrorKind::LocalIo
//!         let mut shown = None;
//!         let written = body.copy_to_with_progress(&mut file, |p| match p.expected {
//!             // `received` and `expected` count the same bytes (those Content-Length counts)
//!             Some(total) if total > 0 => {
//!                 let percent = p.received * 100 / total;
//!                 if shown != Some(percent) {
//!                     eprint!("\r{percent:3}% of {total} bytes");
//!                     shown = Some(percent);
//!                 }
//!             }
//!             _ => eprint!("\r{} bytes", p.received),
//!         })?;
//!         eprintln!();
//!         file.sync_all()?;
//!         std::fs::rename(&part, dest)?;
//!         Ok(written)
//!     })();
//!     if result.is_err() {
//!         let _ = std::fs::remove_file(&part);
//!     }
//!     result
//! }
//!
//! let agent = h1client::Agent::new();
//! let dest = dir.join("tool.tar.gz");
//! assert_eq!(download(&agent, &server.url("/tool.tar.gz"), &dest)?, 11);
//! assert_eq!(std::fs::read(&dest)?, b"hello world");
//!
//! let missing = dir.join("missing.tar.gz");
//! let err = download(&agent, &server.url("/missing.tar.gz"), &missing).unwrap_err();
//! assert_eq!((err.kind(), err.status()), (h1client::ErrorKind::Status, Some(404)));
//! assert!(!missing.exists());
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), h1client::Error>(())
//! ```
//!
//! A body with a `Content-Encoding` the agent decodes (features `gzip`, `brotli`) has no known
//! decoded length: `expected` is then the compressed length, which `received` counts towards,
//! while [`Progress::delivered`](crate::Progress::delivered) counts the bytes written. To store
//! the bytes exactly as served (a `.tar.gz` served with `Content-Encoding: gzip`), build the agent
//! with [`decompress(false)`](crate::AgentBuilder::decompress). The `examples/download.rs`
//! program is this recipe as a command: `cargo run --example download -- URL FILE`.
//!
//! ## A JSON API client with typed errors
//!
//! Feature `json`. A small client for a REST API: one [`Agent`](crate::Agent) with the API's
//! default headers and a deadline, `send_json` to send,
//! [`error_for_status`](crate::Response::error_for_status) to make 4xx and 5xx errors, `json` to
//! read, and one error type for its callers, built by matching on
//! [`ErrorKind`](crate::ErrorKind) and [`Error::status`](crate::Error::status). The error keeps
//! the response's headers, so a `429`'s `Retry-After` is still there.
//!
//! ```
//! # fn reply(status: &str, body: &str) -> Vec<u8> {
//! #     let head = format!("HTTP/1.1 {status}\r\nContent-Type: application/json\r\n");
//! #     let extra = if status.starts_with("429") { "Retry-After: 30\r\n" } else { "" };
//! #     format!("{head}{extra}Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
//! # }
//! # let replies = [
//! #     reply("201 Created", r#"{"id":7,"title":"write the docs","done":false}"#),
//! #     reply("404 Not Found", r#"{"error":"no such todo"}"#),
//! #     reply("200 OK", r#"{"id":"seven"}"#),
//! #     reply("429 Too Many Requests", r#"{"error":"slow down"}"#),
//! # ];
//! # let replies: Vec<&[u8]> = replies.iter().map(|r| r.as_slice()).collect();
//! # let server = h1client::doc_server::DocServer::start(&replies);
//! # #[cfg(feature = "json")]
//! # mod example {
//! use h1client::{Agent, ErrorKind};
//! use serde::{Deserialize, Serialize};
//! use std::time::Duration;
//!
//! #[derive(Serialize)]
//! struct NewTodo<'a> {
//!     title: &'a str,
//! }
//!
//! #[derive(Deserialize, Debug)]
//! struct Todo {
//!     id: u64,
//!     title: String,
//!     done: bool,
//! }
//!
//! /// What the callers of this client need to tell apart, and nothing more.
//! #[derive(Debug)]
//! enum ApiError {
//!     /// 404.
//!     NotFound,
//!     /// 401, 403: the token is wrong or not allowed this; trying again will not help.
//!     Denied,
//!     /// 429, 503: come back later (after this many seconds, when the server says).
//!     Busy { retry_after: Option<u64> },
//!     /// Any other 4xx or 5xx.
//!     Http(u16),
//!     /// The server answered, but not with what this client understands: a bug on one side.
//!     BadResponse(h1client::Error),
//!     /// DNS, connecting, TLS, a timeout, a dropped connection: the way there failed.
//!     Network(h1client::Error),
//! }
//!
//! impl From<h1client::Error> for ApiError {
//!     fn from(e: h1client::Error) -> ApiError {
//!         match (e.kind(), e.status()) {
//!             (ErrorKind::Status, Some(404)) => ApiError::NotFound,
//!             (ErrorKind::Status, Some(401 | 403)) => ApiError::Denied,
//!             (ErrorKind::Status, Some(429 | 503)) => ApiError::Busy {
//!                 retry_after: e.response_header("retry-after").and_then(|s| s.parse().ok()),
//!             },
//!             (ErrorKind::Status, Some(status)) => ApiError::Http(status),
//!             // the body is not the JSON expected, is too large, or is not HTTP at all
//!             (ErrorKind::Decode | ErrorKind::BodyTooLarge | ErrorKind::Protocol, _) => ApiError::BadResponse(e),
//!             _ => ApiError::Network(e),
//!         }
//!     }
//! }
//!
//! struct TodoApi {
//!     agent: Agent,
//!     base: String,
//! }
//!
//! impl TodoApi {
//!     fn new(base: &str, token: &str) -> TodoApi {
//!         let agent = Agent::builder()
//!             .timeout(Duration::from_secs(30)) // every call, body included
//!             .default_header("Authorization", format!("Bearer {token}")) // not sent to another origin after a redirect
//!             .default_header("Accept", "application/json")
//!             .build();
//!         TodoApi { agent, base: base.trim_end_matches('/').to_string() }
//!     }
//!
//!     fn create(&self, title: &str) -> Result<Todo, ApiError> {
//!         let url = format!("{}/todos", self.base);
//!         let resp = self.agent.post(&url).send_json(&NewTodo { title })?;
//!         Ok(resp.error_for_status()?.json()?)
//!     }
//!
//!     fn get(&self, id: u64) -> Result<Todo, ApiError> {
//!         let resp = self.agent.get(&format!("{}/todos/{id}", self.base)).call()?;
//!         Ok(resp.error_for_status()?.json()?)
//!     }
//! }
//! # pub fn run(server: &h1client::doc_server::DocServer) {
//! #     calls(server).unwrap()
//! # }
//! # fn calls(server: &h1client::doc_server::DocServer) -> Result<(), ApiError> {
//!
//! let api = TodoApi::new(&server.url("/api/"), "t0k3n");
//! let todo = api.create("write the docs")?;
//! assert_eq!((todo.id, todo.title.as_str(), todo.done), (7, "write the docs", false));
//!
//! assert!(matches!(api.get(8), Err(ApiError::NotFound)));
//! assert!(matches!(api.get(9), Err(ApiError::BadResponse(e)) if e.kind() == ErrorKind::Decode
//!     && e.to_string().contains("invalid type: string \"seven\", expected u64")));
//! assert!(matches!(api.get(7), Err(ApiError::Busy { retry_after: Some(30) })));
//!
//! let sent = &server.requests()[0];
//! assert!(sent.starts_with("POST /api/todos HTTP/1.1\r\n"));
//! assert!(sent.contains("\r\nAuthorization: Bearer t0k3n\r\n"));
//! assert!(sent.contains("\r\nContent-Type: application/json\r\n"));
//! assert!(sent.ends_with("\r\n\r\n{\"title\":\"write the docs\"}"));
//! # Ok(())
//! # }
//! # }
//! # #[cfg(feature = "json")]
//! # example::run(&server);
//! ```
//!
//! `Decode` covers a body that is not the JSON `T` expects, with serde's message (`the body is not
//! the expected JSON: invalid type: string "seven", expected u64 at line 1 column 13`); `json`
//! does not look at `Content-Type`. To show the server's own error document (an RFC 9457
//! `application/problem+json`), read it before giving the response up:
//! [`error_for_status_ref`](crate::Response::error_for_status_ref) checks without consuming, and
//! the body can then be read with `json` or [`text`](crate::Response::text).
//!
//! ## Retry with backoff
//!
//! The client retries by itself in one case only: a request on a *reused* connection that failed
//! before any byte of answer, when its body can be sent again and sending it twice cannot hurt
//! (an idempotent method, an `Idempotency-Key`, or not one byte of it written) — the stale
//! keep-alive connection, which the request may not even have reached (the rules, and why, are
//! in [when it goes wrong: retries](super::_04_when_it_goes_wrong#retries)). Everything
//! else is returned to you, because whether to try again depends on what the request does and on
//! how long your program may wait. The same question decides both: **could the server have acted
//! on the request?**
//!
//! | failure | worth another attempt? | why |
//! |---|---|---|
//! | [`Dns`](crate::ErrorKind::Dns), [`Connect`](crate::ErrorKind::Connect) | yes, any method, with backoff | nothing was sent; a name that does not exist will keep failing, so bound the attempts |
//! | any failure whose [`step`](crate::Error::step) is before [`Step::Send`](crate::Step::Send) (`Resolve`, `Connect`, `Tunnel`, `TlsHandshake`, …), such as a `Timeout` while connecting | yes, any method | no byte of the request left the machine ([the steps in order](super::_04_when_it_goes_wrong#every-kind-and-step-on-the-wire)) |
//! | `Timeout` or [`Io`](crate::ErrorKind::Io) at `Send`, `ReceiveHead` or `ReceiveBody` | idempotent methods only (GET, HEAD, PUT, DELETE, or with an `Idempotency-Key`) | the server may have processed the request; RFC 9110 §9.2.2 allows repeating only what is safe to repeat |
//! | status `429`, `503` | yes, after `Retry-After` when the server sent it | the server asks you to come back; its answer ([`Error::response_header`](crate::Error::response_header)) beats any guess |
//! | status `502`, `504` | idempotent methods only | a gateway failed; the origin may or may not have seen the request |
//! | status `408` | yes | the server gave up waiting for the request: it did not act on it |
//! | other 4xx, `500`, `501` | no | the same request gets the same answer |
//! | [`Tls`](crate::ErrorKind::Tls) | no | a certificate does not fix itself ([`is_certificate_error`](crate::Error::is_certificate_error) tells those apart) |
//! | `InvalidUrl`, `InvalidRequest`, `Protocol`, `Decode`, `BodyTooLarge`, `TooManyRedirects`, `RedirectRefused`, `LocalIo` | no | a bug on one side, or a local failure: repeating it repeats it |
//!
//! Wait longer after each failure (exponential backoff), with a random part so that many clients
//! that failed together do not come back together, and cap both the wait and the number of
//! attempts.
//!
//! ```
//! # let server = h1client::doc_server::DocServer::start(&[
//! #     b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n",
//! #     b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh",
//! #     b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
//! # ]);
//! use h1client::{Agent, Error, ErrorKind, Response, Step};
//! use std::time::Duration;
//!
//! struct Retries {
//!     attempts: u32,      // in all, the first one included
//!     first_wait: Duration,
//!     max_wait: Duration, // also caps what Retry-After may ask for
//! }
//!
//! /// `Some(wait)` when the failure is worth another attempt (`wait`: what the server asked
//! /// for, if it did), `None` when it is not.
//! fn worth_retrying(err: &Error, idempotent: bool) -> Option<Option<Duration>> {
//!     // before Send, no byte of the request has left the machine
//!     let nothing_sent = matches!(
//!         err.step(),
//!         Step::Resolve | Step::ResolveProxy | Step::Connect | Step::ConnectProxy | Step::Tunnel | Step::TlsHandshake
//!     );
//!     match err.kind() {
//!         ErrorKind::Status => match err.status()? {
//!             429 | 503 => Some(
//!                 // delay-seconds; the HTTP-date form falls back to the backoff
//!                 err.response_header("retry-after").and_then(|s| s.parse().ok()).map(Duration::from_secs),
//!             ),
//!             408 => Some(None),
//!             502 | 504 if idempotent => Some(None),
//!             _ => None,
//!         },
//!         ErrorKind::Dns | ErrorKind::Connect => Some(None),
//!         ErrorKind::Timeout | ErrorKind::Io if nothing_sent || idempotent => Some(None),
//!         _ => None,
//!     }
//! }
//!
//! fn backoff(failures: u32, policy: &Retries) -> Duration {
//!     use std::hash::{BuildHasher, Hasher};
//!     let full = policy.first_wait.saturating_mul(1 << failures.min(16)).min(policy.max_wait);
//!     // a random point between half and all of it ("equal jitter"), from std's random keys
//!     let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
//!     full / 2 + full.mul_f64((random % 1000) as f64 / 2000.0)
//! }
//!
//! fn get_with_retries(agent: &Agent, url: &str, policy: &Retries) -> h1client::Result<Response> {
//!     let mut failures = 0;
//!     loop {
//!         let err = match agent.get(url).call().and_then(Response::error_for_status) {
//!             Ok(resp) => return Ok(resp),
//!             Err(err) => err,
//!         };
//!         failures += 1;
//!         let wait = match worth_retrying(&err, true) {
//!             Some(asked) if failures < policy.attempts => {
//!                 asked.unwrap_or_else(|| backoff(failures, policy)).min(policy.max_wait)
//!             }
//!             _ => return Err(err),
//!         };
//!         eprintln!("{err}; attempt {} in {wait:?}", failures + 1);
//!         std::thread::sleep(wait);
//!     }
//! }
//!
//! let agent = Agent::builder().timeout(Duration::from_secs(30)).build();
//! let policy = Retries {
//!     attempts: 4,
//!     first_wait: Duration::from_millis(200),
//!     max_wait: Duration::from_millis(10), // short for this example; seconds in real life
//! };
//! // a 503 with Retry-After, then the answer
//! assert_eq!(get_with_retries(&agent, &server.url("/report"), &policy)?.text()?, "fresh");
//! // a 404 is final: no second attempt
//! let err = get_with_retries(&agent, &server.url("/nothing"), &policy).unwrap_err();
//! assert_eq!(err.status(), Some(404));
//! assert_eq!(server.requests().len(), 3);
//! # Ok::<(), h1client::Error>(())
//! ```
//!
//! For a POST, pass `idempotent: false`: it is then tried again only when nothing was sent, or
//! when the server asked with `429`/`503`/`408` (it refused the request, so it did not apply
//! it). A body given as a plain reader ([`send_reader`](crate::RequestBuilder::send_reader)) is
//! consumed by the first attempt; keep what you send in memory, in a file
//! ([`send_file`](crate::RequestBuilder::send_file)) or behind `Seek` to send it again.
//!
//! ## Upload a file
//!
//! [`send_file`](crate::RequestBuilder::send_file) streams a file with `Content-Length` (constant
//! memory) and, because a file can seek, can send it again after a `307`/`308` redirect or the
//! client's own retry. A form with files is `multipart/form-data`:
//! [`Multipart`](crate::Multipart) streams each file while the body is sent, and uses
//! `Content-Length` when every part's length is known.
//!
//! ```
//! # let server = h1client::doc_server::DocServer::start(&[
//! #     b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
//! #     b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
//! # ]);
//! # let dir = std::env::temp_dir().join(format!("h1client-recipe-upload-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! # let report = dir.join("report.csv");
//! # std::fs::write(&report, "day,visits\nmon,12\n")?;
//! use h1client::{Multipart, Part};
//! use std::fs::File;
//!
//! // the file as the whole body: PUT, streamed with Content-Length
//! let resp = h1client::put(&server.url("/files/report.csv"))
//!     .header("Content-Type", "text/csv")
//!     .send_file(File::open(&report)?)?;
//! assert_eq!(resp.status(), 201);
//!
//! // the file in a form, with other fields: POST multipart/form-data
//! let log: &'static [u8] = b"line 1\nline 2\n"; // or a pipe, a socket: any Read + Send
//! let form = Multipart::new()
//!     .text("description", "weekly report")
//!     .file("report", &report)? // filename="report.csv"; Content-Type from the extension
//!     .part("log", Part::reader(log).file_name("build.log").content_type("text/plain"));
//! let resp = h1client::post(&server.url("/upload")).send_multipart(form)?;
//! assert_eq!(resp.status(), 201);
//!
//! let sent = server.requests();
//! assert!(sent[0].starts_with("PUT /files/report.csv HTTP/1.1\r\n"));
//! assert!(sent[0].ends_with("Content-Length: 18\r\n\r\nday,visits\nmon,12\n"));
//! assert!(sent[1].contains("Content-Type: multipart/form-data; boundary=h1client-"));
//! assert!(sent[1].contains("Transfer-Encoding: chunked")); // the reader part has no known length
//! assert!(sent[1].contains("Content-Disposition: form-data; name=\"report\"; filename=\"report.csv\"\r\n"));
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), h1client::Error>(())
//! ```
//!
//! [`Part::reader_sized`](crate::Part::reader_sized) gives a stream a known length, so that the
//! form goes with `Content-Length` (some servers refuse chunked uploads). A multipart body is read
//! once: after a `307`/`308` the redirect response is returned to you rather than followed. For
//! large uploads to a server that may refuse them, add
//! [`expect_continue`](crate::RequestBuilder::expect_continue): the server can answer `413` or
//! `401` before a byte of the file is sent.
//!
//! ## Proxies
//!
//! An agent reads the proxy settings of the environment when it is built, as curl and Python
//! `requests` do; [`AgentBuilder::proxy`](crate::AgentBuilder::proxy) names one instead, and
//! [`no_proxy`](crate::AgentBuilder::no_proxy) lists the hosts that go direct (for an explicit
//! proxy too). `http://` proxies get plain `http` requests in absolute form and a `CONNECT` tunnel
//! for `https` (the proxy sees the host name, not the request); `socks5://` and `socks5h://` are
//! SOCKS5 (`socks5h` lets the proxy resolve the name). Credentials in the proxy URL are sent as
//! `Proxy-Authorization: Basic` (percent-decoded), to the proxy only.
//!
//! ```
//! # let proxy_server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nproxied!"]);
//! # let internal = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\ndirect"]);
//! # let proxy_url = proxy_server.base.replace("http://", "http://build%40ci:s3cret@"); // http://build%40ci:s3cret@127.0.0.1:PORT
//! use h1client::{Agent, Proxy};
//!
//! // proxy_url: "http://build%40ci:s3cret@127.0.0.1:PORT" (%40 is an @ in the user name)
//! let proxy = Proxy::new(&proxy_url)?; // checked now: a bad proxy URL is an InvalidUrl error here
//! assert_eq!(proxy.credentials(), Some(("build@ci", "s3cret")));
//! let agent = Agent::builder()
//!     .proxy(proxy)
//!     .no_proxy("127.0.0.1, .internal.example, 10.0.0.0/8") // these go direct
//!     .build();
//!
//! assert_eq!(agent.get("http://example.com/status").call()?.text()?, "proxied!");
//! assert_eq!(agent.get(&internal.url("/health")).call()?.text()?, "direct");
//!
//! let at_proxy = &proxy_server.requests()[0];
//! assert!(at_proxy.starts_with("GET http://example.com/status HTTP/1.1\r\n")); // absolute form
//! assert!(at_proxy.contains("\r\nProxy-Authorization: Basic YnVpbGRAY2k6czNjcmV0\r\n"));
//! assert!(internal.requests()[0].starts_with("GET /health HTTP/1.1\r\n"));
//! # Ok::<(), h1client::Error>(())
//! ```
//!
//! From the environment, read once by [`build`](crate::AgentBuilder::build):
//!
//! ```text
//! http_proxy=http://proxy.corp:3128     for http:// URLs (lower case only: HTTP_PROXY can be set
//!                                       by a CGI request's Proxy: header, the "httpoxy" hole)
//! HTTPS_PROXY=http://proxy.corp:3128    for https:// URLs (https_proxy too)
//! ALL_PROXY=socks5h://127.0.0.1:1080    for both, when the one above is not set
//! NO_PROXY=localhost,.corp,10.0.0.0/8   exceptions: names (and their subdomains), IPs, CIDR blocks, or *
//! ```
//!
//! Loopback hosts never go through an environment proxy. A variable that holds no usable proxy
//! URL makes the requests it applies to fail (an [`ErrorKind::Proxy`](crate::ErrorKind::Proxy)
//! error at [`Step::ResolveProxy`](crate::Step::ResolveProxy)) rather than silently go direct.
//! [`proxy_from_env(false)`](crate::AgentBuilder::proxy_from_env) ignores the environment; the
//! one-off functions ([`h1client::get`](crate::get), …) read it like any agent. `https://`
//! proxies (TLS to the proxy itself) are not supported.
//!
//! ## Client certificates (mutual TLS)
//!
//! Some servers ask the client for a certificate too (RFC 8446 §4.3.2), signed by a CA they trust:
//! service meshes, internal APIs, banks' APIs. Give the agent the certificate chain and its
//! private key, in PEM. [`ClientCert::from_pem`](crate::ClientCert::from_pem) checks them at once
//! (that the key loads and belongs to the certificate), so a wrong file fails at start-up and not
//! at the first request; [`client_certificate_pem`](crate::AgentBuilder::client_certificate_pem)
//! takes the PEM directly and reports a problem with the first `https` request. Such servers often
//! have certificates from a private CA as well:
//! [`add_root_certificates_pem`](crate::AgentBuilder::add_root_certificates_pem) trusts it, and
//! [`only_added_roots`](crate::AgentBuilder::only_added_roots) trusts nothing else.
//!
//! ```
//! # #[cfg(feature = "tls")]
//! # {
//! # use h1client::rustls;
//! # use std::io::{Read, Write};
//! # use std::sync::Arc;
//! # // A private CA, a server certificate for localhost and a client certificate, as a PKI
//! # // would hand them out; then a TLS server on loopback that requires a client certificate.
//! # let ca_key = rcgen::KeyPair::generate().unwrap();
//! # let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
//! # ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
//! # let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
//! # let leaf = |name: &str, usage| {
//! #     let key = rcgen::KeyPair::generate().unwrap();
//! #     let mut params = rcgen::CertificateParams::new(vec![name.to_string()]).unwrap();
//! #     params.extended_key_usages = vec![usage];
//! #     let cert = params.signed_by(&key, &ca).unwrap();
//! #     (cert, key)
//! # };
//! # let (server_cert, server_key) = leaf("localhost", rcgen::ExtendedKeyUsagePurpose::ServerAuth);
//! # let (client_cert, client_key) = leaf("backup-agent", rcgen::ExtendedKeyUsagePurpose::ClientAuth);
//! # let (cert_pem, key_pem, ca_pem) = (client_cert.pem(), client_key.serialize_pem(), ca.pem());
//! # let provider = Arc::new(rustls::crypto::ring::default_provider());
//! # let mut roots = rustls::RootCertStore::empty();
//! # roots.add(ca.der().clone()).unwrap();
//! # let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
//! #     .build()
//! #     .unwrap();
//! # let server_key = rustls::pki_types::PrivatePkcs8KeyDer::from(server_key.serialize_der());
//! # let config = rustls::ServerConfig::builder_with_provider(provider)
//! #     .with_safe_default_protocol_versions()
//! #     .unwrap()
//! #     .with_client_cert_verifier(verifier)
//! #     .with_single_cert(vec![server_cert.der().clone()], server_key.into())
//! #     .unwrap();
//! # let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
//! # let port = listener.local_addr().unwrap().port();
//! # std::thread::spawn(move || {
//! #     let (tcp, _) = listener.accept().unwrap();
//! #     let mut tls = rustls::StreamOwned::new(rustls::ServerConnection::new(Arc::new(config)).unwrap(), tcp);
//! #     let (mut head, mut byte) = (Vec::new(), [0u8; 1]);
//! #     while !head.ends_with(b"\r\n\r\n") {
//! #         tls.read_exact(&mut byte).unwrap();
//! #         head.push(byte[0]);
//! #     }
//! #     let body = format!("client certificates: {}", tls.conn.peer_certificates().map_or(0, |c| c.len()));
//! #     write!(tls, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len()).unwrap();
//! #     tls.conn.send_close_notify();
//! #     tls.flush().unwrap();
//! # });
//! use h1client::{Agent, ClientCert, ErrorKind};
//!
//! // cert_pem, key_pem: the client certificate (then any intermediates) and its unencrypted
//! // private key, e.g. std::fs::read("client.pem")?; ca_pem: the CA that signed the server's
//! let cert = ClientCert::from_pem(cert_pem.as_bytes(), key_pem.as_bytes())?;
//! let agent = Agent::builder()
//!     .client_certificate(cert)
//!     .add_root_certificates_pem(ca_pem.as_bytes())
//!     .only_added_roots(true)
//!     .build();
//! let answer = agent.get(&format!("https://localhost:{port}/whoami")).call()?.text()?;
//! assert_eq!(answer, "client certificates: 1");
//!
//! // a key that does not belong to the certificate is refused before any request
//! let other_key = rcgen::KeyPair::generate().unwrap().serialize_pem();
//! let err = ClientCert::from_pem(cert_pem.as_bytes(), other_key.as_bytes()).unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::Tls);
//! assert!(err.to_string().contains("the private key does not belong to the certificate"));
//! # }
//! # Ok::<(), h1client::Error>(())
//! ```
//!
//! The key must be unencrypted PKCS#8, PKCS#1 (RSA) or SEC1 (EC) PEM; decrypt an encrypted one
//! first (`openssl pkey -in key.pem -out plain.pem`). One file holding both the certificate and
//! the key can be given for both arguments. For anything more (a key in an HSM, choosing the
//! certificate per server), build a [`rustls::ClientConfig`] with
//! the re-exported [`rustls`] and give it to
//! [`tls_config`](crate::AgentBuilder::tls_config).
//!
//! ## Calling h1client from async code
//!
//! Every call of h1client blocks its thread until the network answers: `call()`, and every read
//! of the body. Inside an async task that thread is one of the runtime's few workers, and
//! blocking it stalls every other task scheduled there. Run the whole exchange — the request and
//! the reading of the body — on the runtime's blocking thread pool instead, with tokio's
//! `spawn_blocking` (async-std and smol have `spawn_blocking` and `unblock` for the same job):
//!
//! ```ignore
//! // Not compiled here: tokio is not a dependency of h1client. In your crate:
//! // tokio = { version = "1", features = ["rt-multi-thread", "macros"] }
//! use std::time::Duration;
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//!     // one agent for the program: Clone is cheap, clones share the connection pool
//!     let agent = h1client::Agent::builder()
//!         .timeout(Duration::from_secs(30)) // a blocking task cannot be cancelled: bound it
//!         .build();
//!
//!     let a = agent.clone();
//!     let body: String = tokio::task::spawn_blocking(move || {
//!         // the request *and* the body: reading a body blocks too
//!         a.get("https://example.com/").call()?.error_for_status()?.text()
//!     })
//!     .await??; // first `?`: the task panicked; second: the h1client::Error
//!     println!("{} bytes", body.len());
//!     Ok(())
//! }
//! ```
//!
//! What `spawn_blocking` asks of the closure is what `std::thread::spawn` asks: `FnOnce() -> T +
//! Send + 'static`. [`Agent`](crate::Agent), [`Response`](crate::Response),
//! [`BodyReader`](crate::BodyReader) and [`Error`](crate::Error) are all `Send` (and `Agent` and
//! `Error` `Sync`), so the same code runs on a plain thread, which this example checks:
//!
//! ```
//! # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"]);
//! # let url = server.url("/");
//! fn is_send_static<T: Send + 'static>(_: &T) {}
//!
//! let agent = h1client::Agent::new();
//! let a = agent.clone();
//! let task = move || a.get(&url).call()?.error_for_status()?.text(); // what spawn_blocking gets
//! is_send_static(&task);
//! let body = std::thread::spawn(task).join().expect("the task did not panic")?;
//! assert_eq!(body, "hello");
//! assert_eq!(agent.idle_connections(), 1); // the clone's connection is in the shared pool
//! # Ok::<(), h1client::Error>(())
//! ```
//!
//! Two things differ from an async client. Dropping the future of `spawn_blocking` (a
//! `tokio::time::timeout`, a `select!` that picks another branch) does not stop the request: the
//! thread runs on until h1client returns. So give the agent a
//! [`timeout`](crate::AgentBuilder::timeout): it is the only bound. And each request in flight
//! holds a thread (tokio's blocking pool has 512 by default): for thousands of concurrent
//! requests, an async client fits better; for a few requests now and then from async code, this
//! is simple and cheap.
//!
//! ## Timeouts for unattended programs
//!
//! Like curl and Python `requests`, an agent has only one timeout by default — 30 s to connect —
//! because a download may rightly take an hour. A server that accepts the connection and then
//! never answers holds a request without one for ever. A program nobody watches (a cron job, a
//! daemon, a CI step) should set them:
//!
//! | setting | bounds | default | zero | huge (`Duration::MAX`) |
//! |---|---|---|---|---|
//! | [`timeout`](crate::AgentBuilder::timeout) | the whole request: resolving, connecting, TLS, sending, the head, every redirect, and reading the body after `call()` returned | none | every request fails at once (`Timeout`) | no limit (a year) |
//! | [`RequestBuilder::timeout`](crate::RequestBuilder::timeout) | the same, for one request, replacing the agent's | the agent's | the same | the same |
//! | [`timeout_connect`](crate::AgentBuilder::timeout_connect) | connecting as a whole: resolving the name, every address tried, a proxy's `CONNECT` or SOCKS5 handshake, the TLS handshake | 30 s | every connection fails | no limit |
//! | [`timeout_read`](crate::AgentBuilder::timeout_read) | each read: how long the server may stay silent (a server sending a byte now and then never trips it) | none | every read fails | no limit |
//! | [`timeout_write`](crate::AgentBuilder::timeout_write) | each write: how long the server may stop taking the upload | none | every write fails | no limit |
//!
//! `timeout` is the one that gives a promise — the call returns within this time whatever the
//! peer does; `timeout_read` catches a dead peer sooner in a long transfer; `timeout_connect`
//! catches an unreachable host sooner than the request's deadline would. A timeout is an
//! [`ErrorKind::Timeout`](crate::ErrorKind::Timeout) (also [`Error::is_timeout`](crate::Error::is_timeout)) whose
//! [`step`](crate::Error::step) says what was running and whose message says which limit
//! expired. The limits are re-armed before every system call, so a trickling peer cannot stretch
//! them ([when it goes wrong: timeouts](super::_04_when_it_goes_wrong#timeouts)). One thing no
//! limit can interrupt is your own upload source: a
//! [`send_reader`](crate::RequestBuilder::send_reader) reader that blocks must be bounded by you.
//!
//! ```
//! # use std::net::TcpListener;
//! # let listener = TcpListener::bind("127.0.0.1:0").unwrap();
//! # let url = format!("http://{}/report", listener.local_addr().unwrap());
//! # std::thread::spawn(move || {
//! #     let (_conn, _) = listener.accept().unwrap(); // accepts, then says nothing
//! #     std::thread::sleep(std::time::Duration::from_secs(5));
//! # });
//! use h1client::{Agent, ErrorKind, Step};
//! use std::time::{Duration, Instant};
//!
//! // for a nightly job: fail rather than hang
//! let agent = Agent::builder()
//!     .timeout_connect(Duration::from_secs(10))
//!     .timeout_read(Duration::from_secs(60))
//!     .timeout(Duration::from_millis(300)) // minutes in real life; short for this example
//!     .build();
//!
//! let started = Instant::now();
//! let err = agent.get(&url).call().unwrap_err(); // the server never answers
//! assert!(started.elapsed() < Duration::from_secs(3));
//! assert_eq!((err.kind(), err.step()), (ErrorKind::Timeout, Step::ReceiveHead));
//! assert!(err.to_string().ends_with("request timeout of 300ms expired"));
//!
//! // one request may have its own deadline; zero fails at once, before any connection
//! let err = agent.get(&url).timeout(Duration::ZERO).call().unwrap_err();
//! assert!(err.is_timeout());
//! ```
//!
//! Set `timeout` to what the slowest legitimate transfer may take, and give a long download its
//! own with [`RequestBuilder::timeout`](crate::RequestBuilder::timeout); a download that should
//! go on as long as data flows can use `timeout_read` alone.
