//! # The h1client manual
//!
//! The API documentation says what each item does; this manual says how the pieces work
//! together and why they are the way they are.
//!
//! 1. [The life of a request](_01_life_of_a_request): one `get(url).call()` followed from the URL
//!    to the bytes on the wire and back, step by step, with the RFC behind each step.
//! 2. [The code, file by file](_02_the_code): the source files in the order a request meets them,
//!    with the types and functions that do the work.
//! 3. [Concepts](_03_concepts): the message and the content (transfer and content codings), chunks
//!    and trailers, idempotency, smuggling and desync, persistent and stale connections, HTTPS and
//!    what a certificate check proves, proxies (an `https` request through one, byte by byte),
//!    redirects.
//! 4. [When it goes wrong](_04_when_it_goes_wrong): retries, truncation, early answers and
//!    `100-continue`, timeouts, and every [`ErrorKind`](crate::ErrorKind) and
//!    [`Step`](crate::Step) on the wire, with curl's exit code for each.
//! 5. [Threats](_05_threats): what a hostile server or hostile input can try, the defence against
//!    each, and the test that proves it.
//! 6. [Defaults](_06_defaults): every limit and switch, its default, and why.
//! 7. [What is left out](_07_left_out), deliberately.
//!
//! The RFCs are the authority throughout: RFC 9110 (HTTP semantics), RFC 9112 (HTTP/1.1),
//! RFC 8446 (TLS 1.3), RFC 6265 (cookies), RFC 8305 (Happy Eyeballs), RFC 1928/1929 (SOCKS5).

// Modules render in alphabetical order, so each chapter's module name carries its number; the
// files keep plain names (and `defaults.rs`, `left_out.rs` stay where their editor expects them).
#[path = "life_of_a_request.rs"]
pub mod _01_life_of_a_request;
#[path = "the_code.rs"]
pub mod _02_the_code;
#[path = "concepts.rs"]
pub mod _03_concepts;
#[path = "when_it_goes_wrong.rs"]
pub mod _04_when_it_goes_wrong;
#[path = "threats.rs"]
pub mod _05_threats;
#[path = "defaults.rs"]
pub mod _06_defaults;
#[path = "left_out.rs"]
pub mod _07_left_out;

// The chapters' former names, so that links written before the numbering (`manual::threats`)
// still resolve. Hidden; to be removed once nothing links to them.
#[doc(hidden)]
pub use _01_life_of_a_request as life_of_a_request;
#[doc(hidden)]
pub use _05_threats as threats;
#[doc(hidden)]
pub use _06_defaults as defaults;
#[doc(hidden)]
pub use _07_left_out as left_out;
