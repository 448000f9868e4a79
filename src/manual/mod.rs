//! # The h1client manual
//!
//! The API documentation says what each item does; this manual says how the pieces work together,
//! what goes over the wire, and why. It is meant to be read in order, by someone who knows Rust and
//! wants to learn how an HTTP/1.1 client works.
//!
//! 1. [The life of a request](_01_life_of_a_request): one `get(url).call()` followed from the URL
//!    to the bytes on the wire and back, in thirteen steps, with the RFC behind each. The one
//!    complete list of the steps.
//! 2. [The code, file by file](_02_the_code): the source files in the order a request meets them,
//!    with the types and functions that do the work.
//! 3. [Concepts](_03_concepts): the message and the content (transfer and content codings), chunks
//!    and trailers, idempotency, smuggling and desync, persistent and stale connections, HTTPS and
//!    what a certificate check proves, proxies (an `https` request through one, byte by byte),
//!    redirects, cookies.
//! 4. [When it goes wrong](_04_when_it_goes_wrong): retries, truncation, early answers and
//!    `100-continue`, timeouts, and every [`ErrorKind`](crate::ErrorKind) and
//!    [`Step`](crate::Step) on the wire, with curl's exit code for each.
//! 5. [Threats](_05_threats): what a hostile server or hostile input can try, a real precedent for
//!    each, the defence, and the test that proves it.
//! 6. [Defaults](_06_defaults): every limit and switch, its default, and why.
//! 7. [What is left out](_07_left_out), deliberately.
//! 8. [Recipes](_08_recipes): downloading with progress, a JSON API client with typed errors,
//!    retries with backoff, uploads, proxies, client certificates, calling from async code,
//!    timeouts for unattended programs — each a runnable example.
//! 9. [Migrating](_09_migrating) from Python `requests`, ureq 2, ureq 3 and `reqwest::blocking`:
//!    the calls side by side, and the differences in behaviour to know.
//!
//! ## Where to find the answers
//!
//! | question | answered in |
//! |---|---|
//! | What are the bytes of a GET? | [1, step 4](_01_life_of_a_request#4-the-request-head-validated-before-connecting), and the example at its end, which checks them |
//! | Where does a body end? | [1, step 9](_01_life_of_a_request#9-how-long-is-the-body); [3.4](_03_concepts#4-smuggling-and-desync-two-parsers-disagreeing-on-where-a-message-ends) for why it matters |
//! | What are chunks and trailers? | [3.2](_03_concepts#2-chunks-and-trailers) |
//! | Transfer coding or content coding? | [3.1](_03_concepts#1-the-message-and-the-content) |
//! | When is a connection reused, and what is a stale one? | [1, steps 5 and 13](_01_life_of_a_request#5-a-connection); [3.5](_03_concepts#5-persistent-connections-and-stale-ones); [4, retries](_04_when_it_goes_wrong#retries) |
//! | What does `100-continue` do? | [4, early answers](_04_when_it_goes_wrong#early-answers-and-100-continue) |
//! | What does HTTPS look like on the wire: SNI, ALPN, what is verified? | [3.6](_03_concepts#6-https-what-tls-adds-and-what-the-certificate-check-proves), [3.7](_03_concepts#7-proxies-and-https-through-a-proxy-byte-by-byte) |
//! | How do proxies work? | [3.7](_03_concepts#7-proxies-and-https-through-a-proxy-byte-by-byte) |
//! | What is request smuggling? | [3.4](_03_concepts#4-smuggling-and-desync-two-parsers-disagreeing-on-where-a-message-ends), [5](_05_threats) |
//! | How are redirects followed, and what is dropped? | [3.8](_03_concepts#8-redirects) |
//! | What does each timeout bound? | [4, timeouts](_04_when_it_goes_wrong#timeouts) |
//! | What does this error mean? | [4, every kind and step](_04_when_it_goes_wrong#every-kind-and-step-on-the-wire) |
//! | Which file and function does what? | [2](_02_the_code) |
//! | What attack is each limit for, and which test shows it holds? | [5](_05_threats) |
//! | What is each limit's default, and why? | [6](_06_defaults) |
//! | How do I download a large file with progress, or upload one? | [8, download](_08_recipes#download-a-file-with-progress), [8, upload](_08_recipes#upload-a-file) |
//! | Which failures are worth retrying, and with what backoff? | [8, retry](_08_recipes#retry-with-backoff); [4, retries](_04_when_it_goes_wrong#retries) for the one retry the client makes itself |
//! | How do I call it from async code, or bound an unattended program? | [8, async](_08_recipes#calling-h1client-from-async-code), [8, timeouts](_08_recipes#timeouts-for-unattended-programs) |
//! | How do proxies and client certificates look in code? | [8, proxies](_08_recipes#proxies), [8, mutual TLS](_08_recipes#client-certificates-mutual-tls) |
//! | I use `requests`, ureq or `reqwest`: what is the same, what differs? | [9](_09_migrating), and its [differences in behaviour](_09_migrating#behaviour-side-by-side) |
//!
//! The RFCs are the authority throughout: RFC 9110 (HTTP semantics), RFC 9112 (HTTP/1.1),
//! RFC 8446 (TLS 1.3), RFC 6066 (SNI), RFC 7301 (ALPN), RFC 5280 and RFC 9525 (certificates and
//! the names in them), RFC 6265 (cookies), RFC 8305 (Happy Eyeballs), RFC 1928 and RFC 1929
//! (SOCKS5). A passage in quotation marks is an RFC's exact words.

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
#[path = "recipes.rs"]
pub mod _08_recipes;
#[path = "migrating.rs"]
pub mod _09_migrating;
