//! What users call: the [`Agent`](crate::Agent), the request builder, the response, and the
//! policies between "I asked for a URL" and "here is the response" (redirects, retries,
//! credentials). Each file does one job, and depends only on the files below it in this table:
//!
//! | module | does | RFC |
//! |---|---|---|
//! | `agent` | the `Agent` handle and its builder | |
//! | `config` | every setting, in one value | |
//! | `request` | the request builder; URLs checked as the parser reads them | RFC 9110 §4.2 |
//! | `run` | one exchange after another: redirects, `417`, one deadline | RFC 9110 §15.4 |
//! | `exchange` | one exchange: prepare, attempt, decide, finish | RFC 9112 §3, §9.3 |
//! | `retry` | may a failed request be sent again? (pure) | RFC 9112 §9.3.1, RFC 9110 §9.2.2 |
//! | `engine` | the shared state; the route to the origin | RFC 9112 §3.2 |
//! | `open` | a pooled connection, or a new one through proxies and TLS | RFC 8305, RFC 9110 §9.3.6 |
//! | `send` | the head and body on the wire | RFC 9112 §6, §7.1 |
//! | `expect` | `Expect: 100-continue` | RFC 9110 §10.1.1 |
//! | `conn` | one connection's buffers and socket state; reading heads | RFC 9112 §2.2, §4, §9 |
//! | `response` | the response head, redirect history | RFC 9110 §15 |
//! | `body` | the streaming body reader | RFC 9112 §6.3, §7.1 |
//! | `redirect` | where a redirect goes, with which method and credentials | RFC 9110 §15.4 |
//! | `decode` | content and transfer codings: gzip, deflate, br | RFC 9110 §8.4, RFC 9112 §6.1 |
//! | `charset` | text by the `Content-Type` charset | RFC 9110 §8.3 |
//! | `auth`, `cookies`, `multipart` | Basic credentials; the cookie jar; form uploads | RFC 7617, RFC 6265, RFC 7578 |

pub(crate) mod agent;
pub(crate) mod auth;
pub(crate) mod body;
pub(crate) mod charset;
pub(crate) mod config;
pub(crate) mod conn;
#[cfg(feature = "cookies")]
pub(crate) mod cookies;
pub(crate) mod decode;
pub(crate) mod engine;
pub(crate) mod exchange;
pub(crate) mod expect;
#[cfg(feature = "http")]
pub(crate) mod http_interop;
pub mod multipart;
pub(crate) mod open;
pub(crate) mod redirect;
pub(crate) mod request;
pub(crate) mod response;
pub(crate) mod retry;
pub(crate) mod run;
pub(crate) mod send;
