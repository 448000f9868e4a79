//! What users call: the [`Agent`](crate::Agent), the request builder, the response, and the
//! policies between "I asked for a URL" and "here is the response" (redirects, retries,
//! credentials).
//!
//! | module | does | RFC |
//! |---|---|---|
//! | [`agent`] | configuration, the pool, the request loop, retry of stale connections | RFC 9112 §9.3, RFC 9110 §9.2.2 |
//! | [`request`] | the request builder and body sources | RFC 9110 §8.6, RFC 9112 §6 |
//! | [`response`] | the response head and the streaming body reader | RFC 9112 §6.3, §7.1 |
//! | [`redirect`] | where a redirect goes, with which method, body and credentials | RFC 9110 §15.4 |
//! | [`auth`] | Basic credentials | RFC 7617 |
//! | [`conn`] | one connection's buffers and timeouts | RFC 9112 §9 |
//! | `cookies` | the cookie jar (feature `cookies`) | RFC 6265 |
//! | [`decode`] | undoing content codings while the body streams: gzip, deflate, br | RFC 9110 §8.4, RFC 1950–1952, RFC 7932 |
//! | [`charset`] | text from bytes by the `Content-Type` charset | RFC 9110 §8.3 |
//! | [`multipart`] | `multipart/form-data` bodies, streamed | RFC 7578, RFC 2046 §5.1 |
//! | [`expect`] | `Expect: 100-continue`: wait before sending a body | RFC 9110 §10.1.1 |

pub mod agent;
pub mod auth;
pub mod charset;
pub mod conn;
#[cfg(feature = "cookies")]
pub(crate) mod cookies;
pub mod decode;
pub mod expect;
pub mod multipart;
pub mod redirect;
pub mod request;
pub mod response;
