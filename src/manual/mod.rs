//! # The h1client manual
//!
//! The API documentation says what each item does; this manual says how the pieces work
//! together and why they are the way they are.
//!
//! 1. [The life of a request](life_of_a_request): one `get(url).call()` followed from the URL
//!    to the bytes on the wire and back, step by step, with the RFC behind each step.
//! 2. [Threats](threats): what a hostile server or hostile input can try, the defence against
//!    each, and the test that proves it.
//! 3. [Defaults](defaults): every limit and switch, its default, and why.
//! 4. [What is left out](left_out), deliberately.
//!
//! The RFCs are the authority throughout: RFC 9110 (HTTP semantics), RFC 9112 (HTTP/1.1),
//! RFC 8446 (TLS 1.3), RFC 6265 (cookies), RFC 8305 (Happy Eyeballs), RFC 1928/1929 (SOCKS5).

pub mod defaults;
pub mod left_out;
pub mod life_of_a_request;
pub mod threats;
