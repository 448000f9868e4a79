//! The properties the fuzz targets check, as plain functions of the input bytes.
//!
//! The fuzz targets (`fuzz_targets/*.rs`, nightly and libFuzzer) are one line each: they call
//! these functions. `tests/fuzz_corpus.rs` in the library includes this file by path and replays
//! every file of `corpus/` through the same functions on the stable toolchain, so CI checks the
//! corpus without nightly. Every function panics when a property does not hold.
//!
//! Only the library's public API is used, plus its hidden `fuzzing` module (feature `fuzzing`),
//! which runs the connection's real buffered reader over an in-memory stream.

use h1client::fuzzing::{self, Received};
use h1client::proto::framing::{self, BodyKind, Framing, RequestFacts, Rule};
use h1client::proto::request::{self, BodyFraming, HostHeader, RequestHead};
use h1client::proto::response::{HeadLimits, ResponseHead};
use h1client::proto::{self, chunked::ChunkedDecoder};
use h1client::ErrorKind;
use std::io::{self, Read};
use std::sync::{Arc, Mutex};

// ---------------------------------------------------------------------------------------------
// Shared helpers

/// A small deterministic generator (xorshift64*), seeded from the input, that chooses piece and
/// buffer sizes: the fuzzer steers it through the seed bytes.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// A size from 1 up: mostly small (splits in the middle of every token), sometimes large
    /// (whole heads, direct reads of 4 KiB and more).
    fn size(&mut self) -> usize {
        match self.below(8) {
            0..=2 => 1,
            3 | 4 => 1 + self.below(8),
            5 => 1 + self.below(100),
            6 => 1 + self.below(1000),
            _ => 4096 + self.below(12 * 1024),
        }
    }
}

fn protocol_or(e: &h1client::Error, kinds: &[ErrorKind]) {
    assert!(kinds.contains(&e.kind()), "unexpected error kind {:?}: {e}", e.kind());
}

/// `OWS` trimming, written here independently of the library's.
fn trim(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|b| !matches!(b, b' ' | b'\t')).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t'))
        .map_or(start, |i| i + 1);
    &s[start..end]
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

// ---------------------------------------------------------------------------------------------
// response_head

/// The limits the head target parses with: the defaults, and two small ones that make every
/// limit reachable with short inputs.
const HEAD_LIMITS: [HeadLimits; 3] = [
    HeadLimits {
        max_head_bytes: 64 * 1024,
        max_headers: 100,
    },
    HeadLimits {
        max_head_bytes: 128,
        max_headers: 4,
    },
    HeadLimits {
        max_head_bytes: 19,
        max_headers: 0,
    },
];

const HEAD: RequestFacts = RequestFacts {
    head: true,
    connect: false,
};
const GET: RequestFacts = RequestFacts {
    head: false,
    connect: false,
};
const CONNECT: RequestFacts = RequestFacts {
    head: false,
    connect: true,
};

/// Arbitrary bytes as a response head: [`ResponseHead::parse`] with each of [`HEAD_LIMITS`],
/// then, for a parsed head, [`framing::decide`] for HEAD, GET and CONNECT requests.
pub fn response_head(data: &[u8]) {
    let results: Vec<_> = HEAD_LIMITS.iter().map(|limits| parse_head(data, limits)).collect();
    let default = &results[0];
    for (limits, result) in HEAD_LIMITS.iter().zip(&results).skip(1) {
        match (default, result) {
            // A head within the small limits is a head within the default ones, the same one.
            (Ok(Some((d, _))), Ok(Some((s, _)))) => {
                assert_eq!((d.len, d.status), (s.len, s.status));
                assert_eq!(d.field_count(), s.field_count());
            }
            (_, Ok(Some(_))) => panic!("{limits:?} accept a head the default limits refuse"),
            // What the default limits refuse, smaller ones refuse too.
            (Err(_), r) => assert!(r.is_err(), "{limits:?}: {r:?}"),
            _ => {}
        }
    }
    if let Ok(Some((head, buf))) = default {
        for facts in [HEAD, GET, CONNECT] {
            check_framing(facts, head, buf);
        }
    }
}

type Parsed = Option<(ResponseHead, Vec<u8>)>;

fn parse_head(data: &[u8], limits: &HeadLimits) -> Result<Parsed, proto::Error> {
    let mut buf = data.to_vec();
    let mut head = ResponseHead::default();
    let len = match head.parse(&mut buf, limits) {
        Ok(Some(len)) => len,
        Ok(None) => {
            assert!(
                data.len() < limits.max_head_bytes,
                "a partial head over the limit must be refused"
            );
            return Ok(None);
        }
        Err(e) => {
            assert!(!e.is_request_error(), "{e}");
            return Err(e);
        }
    };
    assert_eq!(head.len, len);
    assert!(
        len > 0 && len <= data.len() && len <= limits.max_head_bytes,
        "len {len}"
    );
    assert!((100..=999).contains(&head.status), "status {}", head.status);
    assert!(head.minor_version <= 1);
    assert!(head.field_count() <= limits.max_headers);
    // Only obs-folds (CR, LF inside values) may have changed, and only into spaces.
    for (a, b) in data.iter().zip(&buf) {
        assert!(a == b || (matches!(a, b'\r' | b'\n') && *b == b' '));
    }
    check_accessors(&head, &buf);

    // The head delimits itself: the same bytes alone parse to the same head, and one byte less
    // is a partial head, never an error.
    let mut alone = data[..len].to_vec();
    let mut again = ResponseHead::default();
    assert_eq!(again.parse(&mut alone, limits).unwrap(), Some(len));
    assert_eq!(again.status, head.status);
    assert!(again.headers(&alone).eq(head.headers(&buf)));
    let mut shorter = data[..len - 1].to_vec();
    let r = ResponseHead::default().parse(&mut shorter, limits);
    assert!(matches!(r, Ok(None)), "a prefix of a head: {r:?}");
    Ok(Some((head, buf)))
}

fn check_accessors(head: &ResponseHead, buf: &[u8]) {
    let reason = head.reason(buf);
    assert!(!reason.contains(['\r', '\n']), "reason {reason:?}");
    let text: Vec<(&str, &str)> = head.headers(buf).collect();
    let raw: Vec<(&str, &[u8])> = head.raw_headers(buf).collect();
    assert_eq!(text.len(), head.field_count());
    assert_eq!(raw.len(), head.field_count());
    for ((name, value), (raw_name, raw_value)) in text.iter().zip(&raw) {
        assert_eq!(name, raw_name);
        assert!(is_token(name.as_bytes()), "name {name:?}");
        assert!(!value.contains(['\r', '\n']), "{name}: {value:?} keeps a line break");
        assert_eq!(
            trim(value.as_bytes()),
            value.as_bytes(),
            "{name}: {value:?} is not trimmed"
        );
        // The text is the raw bytes, read as ISO-8859-1 when they are not UTF-8.
        let decoded = match std::str::from_utf8(raw_value) {
            Ok(s) => s.to_string(),
            Err(_) => latin1(raw_value),
        };
        assert_eq!(*value, decoded, "{name}: raw {raw_value:?}");
        let first = text.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| *v);
        assert_eq!(head.header(buf, name), first);
        let first_raw = raw.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| *v);
        assert_eq!(head.header_bytes(buf, name), first_raw);
    }
    assert_eq!(head.header(buf, ""), None);
    let _ = head.is_interim();
}

/// The `Content-Length` fields, judged independently of the library: `None` when there is none,
/// `Some(Err)` when one is not a list of equal `1*DIGIT` elements.
fn content_length(headers: &[(&str, &[u8])]) -> Option<Result<u64, ()>> {
    let mut seen: Option<Result<u64, ()>> = None;
    for (_, value) in headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case("content-length")) {
        let mut elements = value
            .split(|&b| b == b',')
            .map(trim)
            .filter(|e| !e.is_empty())
            .peekable();
        if elements.peek().is_none() {
            seen = Some(Err(()));
        }
        for e in elements {
            let n = std::str::from_utf8(e)
                .ok()
                .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|s| s.parse::<u64>().ok())
                .ok_or(());
            seen = match (seen, n) {
                (None, n) => Some(n),
                (Some(Ok(a)), Ok(b)) if a == b => Some(Ok(a)),
                _ => Some(Err(())),
            };
        }
    }
    seen
}

fn check_framing(facts: RequestFacts, head: &ResponseHead, buf: &[u8]) {
    let headers: Vec<(&str, &[u8])> = head.raw_headers(buf).collect();
    let result = framing::decide(facts, head.status, head.minor_version, headers.iter().copied());
    let status = head.status;
    let bodiless = (100..200).contains(&status) || status == 204 || status == 304;
    let tunnel = facts.connect && (200..300).contains(&status);
    let has = |name: &str| headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    let f: Framing = match result {
        Ok(f) => f,
        Err(e) => {
            assert!(!e.is_request_error(), "{e}");
            assert!(!facts.head && !bodiless && !tunnel, "{status}: {e}");
            assert!(has("transfer-encoding") || has("content-length"), "{e}");
            return;
        }
    };
    let reusable = f.reuse.is_keep();
    if status == 101 {
        // Switching protocols: whatever the request, the connection is no longer HTTP.
        assert_eq!((f.kind, reusable), (BodyKind::Empty, false));
    } else if facts.head {
        assert_eq!((f.kind, f.rule), (BodyKind::Empty, Rule::HeadRequest));
    } else if tunnel {
        // Any 2xx answer to CONNECT opens a tunnel, 204 included (RFC 9110 §9.3.6).
        assert_eq!((f.kind, f.rule), (BodyKind::Empty, Rule::ConnectTunnel));
    } else if bodiless {
        assert_eq!(f.kind, BodyKind::Empty, "{status}");
    }
    if tunnel || status == 101 {
        assert!(!reusable);
    }
    if f.kind == BodyKind::UntilClose {
        assert!(!reusable);
    }
    let close = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("connection") && v.split(|&b| b == b',').any(|o| trim(o).eq_ignore_ascii_case(b"close"))
    });
    if close {
        assert!(!reusable, "Connection: close");
    }
    // Content-Length framing agrees with the raw header, both ways.
    if let BodyKind::Length(n) = f.kind {
        assert!(!has("transfer-encoding"));
        assert_eq!(content_length(&headers), Some(Ok(n)));
    }
    if !facts.head && !bodiless && !tunnel && !has("transfer-encoding") {
        match content_length(&headers) {
            Some(Ok(n)) => assert_eq!(f.kind, BodyKind::Length(n)),
            Some(Err(())) => panic!("an invalid Content-Length was accepted: {f:?}"),
            None => assert_eq!((f.kind, f.rule), (BodyKind::UntilClose, Rule::NoLengthUntilClose)),
        }
    }
    if f.kind == BodyKind::Chunked {
        let last = headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding"))
            .flat_map(|(_, v)| v.split(|&b| b == b',').map(trim).filter(|e| !e.is_empty()))
            .last();
        assert!(last.is_some_and(|c| c.eq_ignore_ascii_case(b"chunked")), "{last:?}");
        if has("content-length") || head.minor_version == 0 {
            assert!(!reusable, "suspicious chunked framing must not be reused");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// chunked

/// How a chunked body ended.
#[derive(Debug, PartialEq, Eq)]
enum Decoded {
    /// Complete: the body, the trailers, and how many input bytes the chunked body took.
    Done(Vec<u8>, Vec<u8>, usize),
    /// The input ran out first; the data decoded up to there.
    Incomplete(Vec<u8>),
    /// A framing error (the message). The data before it may differ between feedings: a decode
    /// call that fails reports none of the data it copied.
    Failed(String),
}

/// Input: one configuration byte (the trailer limit), one seed byte, then a chunked body. The
/// body is decoded whole, then in pieces of random sizes into buffers of random sizes (zero
/// included), taking chunk data directly (`data_remaining`/`consume_data`) at random; both must
/// give the same data, trailers and end, or the same error.
pub fn chunked(data: &[u8]) {
    let [config, seed, ref body @ ..] = *data else {
        return;
    };
    let max_trailer = [0, 8, 64, 64 * 1024][usize::from(config & 3)];
    let whole = decode_whole(body, max_trailer);
    let split = decode_split(
        body,
        max_trailer,
        &mut Rng::new(u64::from(seed) << 8 | u64::from(config)),
    );
    match (&whole, &split) {
        (Decoded::Failed(a), Decoded::Failed(b)) => assert_eq!(a, b),
        _ => assert_eq!(whole, split),
    }
    if let Decoded::Done(_, trailers, end) = &whole {
        assert!(*end <= body.len());
        check_trailers(trailers, max_trailer);
    }
}

fn check_trailers(trailers: &[u8], max: usize) {
    if trailers.is_empty() {
        return;
    }
    // The limit counts the field lines; the final CRLF comes on top of it.
    assert!(trailers.len() <= max + 2, "{} trailer bytes over {max}", trailers.len());
    assert!(
        trailers.ends_with(b"\r\n\r\n") && !trailers.starts_with(b"\r"),
        "{trailers:?}"
    );
    let lines = &trailers[..trailers.len() - 2];
    for line in lines.strip_suffix(b"\r\n").unwrap().split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        assert!(!line.is_empty() && !line.contains(&b'\r'), "{trailers:?}");
    }
}

fn decode_whole(input: &[u8], max_trailer: usize) -> Decoded {
    let mut d = ChunkedDecoder::new(max_trailer);
    let mut out = vec![0; input.len()];
    match d.decode(input, &mut out) {
        Err(e) => {
            assert!(!e.is_request_error(), "{e}");
            Decoded::Failed(e.to_string())
        }
        Ok((used, produced)) => {
            assert!(used <= input.len() && produced <= used);
            out.truncate(produced);
            if d.is_done() {
                // Done is final: nothing more is taken.
                assert_eq!(d.decode(&input[used..], &mut [0; 8]).unwrap(), (0, 0));
                Decoded::Done(out, d.trailers().to_vec(), used)
            } else {
                assert_eq!(used, input.len(), "stopped early without being done");
                Decoded::Incomplete(out)
            }
        }
    }
}

fn decode_split(input: &[u8], max_trailer: usize, rng: &mut Rng) -> Decoded {
    let mut d = ChunkedDecoder::new(max_trailer);
    let mut body = Vec::new();
    let mut out = vec![0; 16 * 1024 + 8];
    let mut fed = 0; // input bytes handed to the decoder's caller so far
    let mut pending: Vec<u8> = Vec::new();
    let mut consumed = 0;
    let mut zero_out_last = false;
    let mut steps = 0;
    loop {
        steps += 1;
        assert!(steps <= 4 * input.len() + 16, "no progress");
        if d.is_done() {
            assert_eq!(d.data_remaining(), 0);
            return Decoded::Done(body, d.trailers().to_vec(), consumed);
        }
        if pending.is_empty() || rng.below(4) == 0 {
            if fed == input.len() && pending.is_empty() {
                return Decoded::Incomplete(body);
            }
            let n = rng.size().min(input.len() - fed);
            pending.extend_from_slice(&input[fed..fed + n]);
            fed += n;
        }
        let remaining = d.data_remaining();
        if remaining > 0 && !pending.is_empty() && rng.below(3) == 0 {
            // Take data directly, as the body reader does for large chunks.
            let k = (rng.size() as u64).min(remaining).min(pending.len() as u64) as usize;
            body.extend_from_slice(&pending[..k]);
            pending.drain(..k);
            consumed += k;
            d.consume_data(k as u64);
            assert_eq!(d.data_remaining(), remaining - k as u64);
            continue;
        }
        let out_size = if !zero_out_last && rng.below(10) == 0 {
            0
        } else {
            rng.size().min(out.len())
        };
        zero_out_last = out_size == 0;
        let (used, produced) = match d.decode(&pending, &mut out[..out_size]) {
            Ok(r) => r,
            Err(e) => {
                assert!(!e.is_request_error(), "{e}");
                return Decoded::Failed(e.to_string());
            }
        };
        assert!(used <= pending.len() && produced <= out_size && produced <= used);
        if used == 0 && produced == 0 {
            // Stuck only for want of input or of output room for data.
            assert!(
                pending.is_empty() || d.is_done() || (out_size == 0 && d.data_remaining() > 0),
                "no progress with {} bytes pending",
                pending.len()
            );
        }
        body.extend_from_slice(&out[..produced]);
        pending.drain(..used);
        consumed += used;
    }
}

// ---------------------------------------------------------------------------------------------
// response_stream

/// What the scripted stream did, shared with the test after the stream moved into the library.
#[derive(Debug, Default)]
struct StreamLog {
    reads: usize,
    would_block: bool,
}

/// A stream that hands out `data` in pieces of random sizes, with `Interrupted` (retried by the
/// reader) and, when allowed, `WouldBlock` (a read timeout) in between, then end of stream.
struct Scripted {
    data: Vec<u8>,
    pos: usize,
    rng: Option<Rng>,
    would_block: bool,
    log: Arc<Mutex<StreamLog>>,
}

impl Read for Scripted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut log = self.log.lock().unwrap();
        log.reads += 1;
        assert!(log.reads <= 3 * self.data.len() + 64, "the reader keeps reading");
        let n = match &mut self.rng {
            None => buf.len(),
            Some(rng) => match rng.below(16) {
                0 => return Err(io::ErrorKind::Interrupted.into()),
                1 if self.would_block => {
                    log.would_block = true;
                    return Err(io::ErrorKind::WouldBlock.into());
                }
                _ => rng.size(),
            },
        };
        let n = n.min(buf.len()).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// `message` without the bytes a non-HTTP reply is quoted by: a reply refused at its first
/// bytes quotes what had arrived by then, which depends on how the bytes came.
fn quote_removed(message: &str) -> String {
    const FROM: &str = "it begins with ";
    const TO: &str = " where a status line";
    match (message.find(FROM), message.find(TO)) {
        (Some(a), Some(b)) if a < b => format!("{}{FROM}…{}", &message[..a], &message[b..]),
        _ => message.to_string(),
    }
}

/// A response as the test sees it: everything but the reader.
#[derive(Debug, PartialEq, Eq)]
struct Got {
    status: u16,
    interim: usize,
    framing: Framing,
    head: Vec<u8>,
    body: Vec<u8>,
    trailers: Vec<(String, String)>,
}

const METHODS: [&str; 4] = ["GET", "HEAD", "CONNECT", "POST"];

/// Input: a configuration byte (bits 0–1 the method: GET, HEAD, CONNECT, POST; bit 2 small
/// limits; bit 3 allow `WouldBlock`), a seed byte, then the bytes the server sends. The response
/// is read with the agent's own code ([`fuzzing::receive`], then the `BodyReader`) twice: from a
/// stream that gives everything at once into large buffers, and from a scripted stream that
/// gives it in random pieces with `Interrupted` and `WouldBlock` in between, into buffers of
/// random sizes. Both must agree (a `WouldBlock` must end in a timeout error); the body must
/// match its framing; and, with the default limits, the result must match a model that slices
/// the input by [`ResponseHead::parse`], [`framing::decide`] and [`ChunkedDecoder`] directly.
pub fn response_stream(data: &[u8]) {
    let [config, seed, ref wire @ ..] = *data else {
        return;
    };
    let method = METHODS[usize::from(config & 3)];
    let limits = if config & 4 != 0 {
        HeadLimits {
            max_head_bytes: 64 + usize::from(seed & 0x3f),
            max_headers: usize::from(seed >> 6) * 2,
        }
    } else {
        HeadLimits::default()
    };
    let whole = read_response(method, wire, &limits, None, false);
    let mut rng = Rng::new(u64::from(seed) << 8 | u64::from(config));
    let split = read_response(method, wire, &limits, Some(&mut rng), config & 8 != 0);
    match (&whole, &split) {
        (_, Err((ErrorKind::Timeout, _))) => {} // a WouldBlock was met
        (Err((a, x)), Err((b, y))) => assert_eq!((a, quote_removed(x)), (b, quote_removed(y))),
        (a, b) => assert_eq!(a, b),
    }
    if limits == HeadLimits::default() {
        let expected = model(method, wire, &limits);
        match (&whole, &expected) {
            (Ok(a), Ok(b)) => assert_eq!(a, b),
            (Err((a, _)), Err(b)) => assert_eq!(a, b, "{whole:?}"),
            _ => panic!("the reader says {whole:?}, the model {expected:?}"),
        }
    }
}

fn read_response(
    method: &str,
    wire: &[u8],
    limits: &HeadLimits,
    rng: Option<&mut Rng>,
    would_block: bool,
) -> Result<Got, (ErrorKind, String)> {
    let log = Arc::new(Mutex::new(StreamLog::default()));
    let stream = Scripted {
        data: wire.to_vec(),
        pos: 0,
        rng: rng.as_ref().map(|r| Rng::new(r.0)),
        would_block,
        log: log.clone(),
    };
    let mut sizes = rng;
    let result = receive_body(method, stream, limits, &mut sizes);
    // A WouldBlock from the stream is a read timeout, and nothing else is.
    let timed_out = matches!(result, Err((ErrorKind::Timeout, _)));
    assert_eq!(log.lock().unwrap().would_block, timed_out, "{result:?}");
    result
}

fn receive_body(
    method: &str,
    stream: Scripted,
    limits: &HeadLimits,
    sizes: &mut Option<&mut Rng>,
) -> Result<Got, (ErrorKind, String)> {
    let fail = |e: h1client::Error| (e.kind(), e.to_string());
    let wire_len = stream.data.len();
    let Received {
        status,
        minor_version,
        head,
        headers,
        interim,
        framing,
        mut body,
    } = fuzzing::receive(method, stream, limits).map_err(fail)?;
    assert!((100..=999).contains(&status) && status != 100 && minor_version <= 1);
    assert!(
        !(100..200).contains(&status) || status == 101,
        "interim {status} returned as final"
    );
    assert!(head.len() <= limits.max_head_bytes && head.len() <= wire_len);
    assert!(headers.len() <= limits.max_headers);
    assert_eq!(body.expected_len(), body_len(framing.kind));
    let mut out = vec![0; 16 * 1024 + 8];
    let mut got = Vec::new();
    loop {
        let size = sizes.as_mut().map_or(out.len(), |r| r.size().min(out.len()));
        match body.read_body(&mut out[..size]) {
            Ok(0) => break,
            Ok(n) => {
                assert!(n <= size);
                got.extend_from_slice(&out[..n]);
                assert!(got.len() <= wire_len, "more body than input");
            }
            Err(e) => {
                protocol_or(&e, &[ErrorKind::Protocol, ErrorKind::Io, ErrorKind::Timeout]);
                let again = body.read_body(&mut out).expect_err("a failed body stays failed");
                assert_eq!(again.kind(), e.kind());
                return Err(fail(e));
            }
        }
    }
    // Ok(0) from a non-empty buffer is the end, and only the end.
    assert!(body.is_done());
    assert_eq!(body.read_body(&mut out).unwrap(), 0);
    assert_eq!(body.delivered(), got.len() as u64);
    match framing.kind {
        BodyKind::Empty => assert!(got.is_empty()),
        BodyKind::Length(n) => assert_eq!(got.len() as u64, n, "Content-Length body of another length"),
        BodyKind::Chunked | BodyKind::UntilClose => {}
    }
    if method == "HEAD" {
        assert!(got.is_empty());
    }
    if framing.kind != BodyKind::Chunked {
        assert!(body.trailers().is_empty());
    }
    Ok(Got {
        status,
        interim,
        framing,
        head,
        body: got,
        trailers: body.trailers().to_vec(),
    })
}

fn body_len(kind: BodyKind) -> Option<u64> {
    match kind {
        BodyKind::Empty => Some(0),
        BodyKind::Length(n) => Some(n),
        BodyKind::Chunked | BodyKind::UntilClose => None,
    }
}

/// What the response should read as, found by slicing the input with the protocol core alone:
/// interim heads skipped, the final head, the framing, the body cut from what follows.
fn model(method: &str, wire: &[u8], limits: &HeadLimits) -> Result<Got, ErrorKind> {
    let mut pos = 0;
    let mut interim = 0;
    let (head, buf, len) = loop {
        let mut buf = wire[pos..].to_vec();
        let mut head = ResponseHead::default();
        match head.parse(&mut buf, limits) {
            Ok(Some(len)) if head.is_interim() => {
                interim += 1;
                pos += len;
                if pos > limits.max_head_bytes {
                    return Err(ErrorKind::Protocol); // interim heads over the head limit
                }
            }
            Ok(Some(len)) => break (head, buf, len),
            // The stream ends: nothing at all, or nothing after interim heads, is an empty
            // reply; anything else a broken head.
            Ok(None) if pos == wire.len() => return Err(ErrorKind::Io),
            Ok(None) => return Err(ErrorKind::Protocol),
            Err(_) => return Err(ErrorKind::Protocol),
        }
    };
    let facts = RequestFacts {
        head: method == "HEAD",
        connect: method == "CONNECT",
    };
    let framing = framing::decide(facts, head.status, head.minor_version, head.raw_headers(&buf))
        .map_err(|_| ErrorKind::Protocol)?;
    let rest = &wire[pos + len..];
    let (body, trailers) = match framing.kind {
        BodyKind::Empty => (Vec::new(), Vec::new()),
        BodyKind::UntilClose => (rest.to_vec(), Vec::new()),
        BodyKind::Length(n) => match rest.get(..usize::try_from(n).unwrap_or(usize::MAX)) {
            Some(body) => (body.to_vec(), Vec::new()),
            None => return Err(ErrorKind::Io),
        },
        BodyKind::Chunked => match decode_whole(rest, limits.max_head_bytes) {
            Decoded::Done(body, trailers, _) => (body, parse_trailers(&trailers)),
            Decoded::Incomplete(_) => return Err(ErrorKind::Io),
            Decoded::Failed(_) => return Err(ErrorKind::Protocol),
        },
    };
    Ok(Got {
        status: head.status,
        interim,
        framing,
        head: buf[..len].to_vec(),
        body,
        trailers,
    })
}

/// Trailer fields as the body reader should report them, worked out here without the library's
/// code: every line of the section is looked at on its own; one with a colon after a non-empty
/// token is a field (its value without surrounding blanks, read as UTF-8 or else as
/// ISO-8859-1), any other line is dropped alone (RFC 9112 §7.1.2).
fn parse_trailers(raw: &[u8]) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let mut rest = raw;
    while !rest.is_empty() {
        let end = rest.iter().position(|&b| b == b'\n').map_or(rest.len(), |i| i + 1);
        let (line, tail) = rest.split_at(end);
        rest = tail;
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let name = &line[..colon];
        if !is_token(name) {
            continue;
        }
        let value = trim(&line[colon + 1..]);
        let value = match std::str::from_utf8(value) {
            Ok(text) => text.to_string(),
            Err(_) => latin1(value),
        };
        fields.push((String::from_utf8_lossy(name).into_owned(), value));
    }
    fields
}

// ---------------------------------------------------------------------------------------------
// request_head

/// Structured values drawn from the input bytes.
struct Source<'a>(&'a [u8]);

impl Source<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    /// A string of up to 31 characters. With the length byte's top bit clear it is made of
    /// token characters and spaces (valid names and values, so the round trip is reached);
    /// with it set, of any ASCII byte, controls included, and a few non-ASCII characters.
    fn string(&mut self) -> String {
        const TOKEN: &[u8] = b"abcXYZ019!#$%&'*+-.^_`|~ ";
        const WIDE: [char; 8] = ['é', 'ü', '€', '\u{85}', '\u{a0}', '\u{2028}', '😀', '\u{ff}'];
        let len = self.byte();
        let raw = len & 0x80 != 0;
        (0..len & 31)
            .map(|_| {
                let b = self.byte();
                if !raw {
                    char::from(TOKEN[usize::from(b) % TOKEN.len()])
                } else if b < 0x80 {
                    char::from(b)
                } else {
                    WIDE[usize::from(b) % WIDE.len()]
                }
            })
            .collect()
    }

    fn u64(&mut self) -> u64 {
        (0..8).fold(0, |n, _| n << 8 | u64::from(self.byte()))
    }
}

const DEFAULT_NAMES: [&str; 5] = [
    "User-Agent",
    "Accept",
    "Authorization",
    "Proxy-Authorization",
    "Content-Type",
];
const URL_PREFIXES: [&str; 6] = ["http://", "https://", "HTTP://", "http:/", "ftp://", ""];

/// Input: a method, a URL (or a raw request target), default headers and user headers, and a
/// body framing, drawn from the bytes by [`Source`]. The head is either refused with
/// `InvalidRequest` — exactly when some part breaks a rule, judged here independently — leaving
/// the output untouched, or it is one that httparse's request parser reads back to the same
/// method, target and the expected header fields, and nothing else. A URL is either refused
/// with `InvalidUrl` or yields an origin-form target that the serializer accepts.
pub fn request_head(data: &[u8]) {
    let mut src = Source(data);
    let method = src.string();
    let mode = src.byte();
    let url_text = format!(
        "{}{}",
        URL_PREFIXES[usize::from(mode >> 1) % URL_PREFIXES.len()],
        src.string()
    );
    let (target, host_text, port) = if mode & 1 == 0 {
        let url = match fuzzing::parse_url(&url_text) {
            Ok(url) => url,
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::InvalidUrl, "{e}");
                return;
            }
        };
        let target = request::origin_form(&url).to_string();
        assert!(target.starts_with('/'), "{url}: {target:?}");
        if let Err(e) = request::check_target(&target) {
            panic!("the target of the valid URL {url} is refused: {e}");
        }
        (target, url.host_str().unwrap_or_default().to_string(), url.port())
    } else {
        let target = src.string();
        let host = src.string();
        (target, host, (src.byte() & 1 == 1).then(|| src.byte().into()))
    };
    let host = (src.byte() & 7 != 0).then_some(HostHeader { host: &host_text, port });
    let defaults: Vec<(&str, String)> = (0..src.byte() % 4)
        .map(|_| {
            (
                DEFAULT_NAMES[usize::from(src.byte()) % DEFAULT_NAMES.len()],
                src.string(),
            )
        })
        .collect();
    let user: Vec<(String, Option<String>)> = (0..src.byte() % 6)
        .map(|_| {
            let name = src.string();
            (name, (src.byte() & 3 != 0).then(|| src.string()))
        })
        .collect();
    let body = match src.byte() % 3 {
        0 => BodyFraming::Empty,
        1 => BodyFraming::Length(src.u64()),
        _ => BodyFraming::Chunked,
    };
    let defaults_ref: Vec<(&str, &str)> = defaults.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let head = RequestHead {
        version: request::Version::Http11,
        method: &method,
        target: &target,
        host,
        defaults: defaults_ref.iter().copied(),
        user: user.iter().map(|(n, v)| (n.as_str(), v.as_deref())),
        body,
    };

    let valid = is_token(method.as_bytes())
        && !target.is_empty()
        && target.bytes().all(|b| (0x21..0x7f).contains(&b))
        && user
            .iter()
            .all(|(n, v)| is_token(n.as_bytes()) && v.as_deref().is_none_or(value_ok))
        && user
            .iter()
            .filter(|(n, v)| v.is_some() && n.eq_ignore_ascii_case("host"))
            .count()
            <= 1
        && defaults.iter().all(|(_, v)| value_ok(v))
        && host.is_none_or(|h| value_ok(h.host));
    let mut out = b"before".to_vec();
    let validated = head.validate();
    match head.write(&mut out) {
        Err(e) => {
            assert!(e.is_request_error(), "{e}");
            assert!(!valid, "a valid head was refused: {e}");
            assert_eq!(out, b"before", "output written on error");
            assert!(validated.is_err());
            return;
        }
        Ok(()) => assert!(valid && validated.is_ok(), "an invalid head was written: {out:?}"),
    }
    let written = &out[6..];

    // Read it back.
    let mut slots = [httparse::EMPTY_HEADER; 32];
    let mut req = httparse::Request::new(&mut slots);
    let parsed = req.parse(written);
    assert!(
        matches!(parsed, Ok(httparse::Status::Complete(n)) if n == written.len()),
        "httparse reads {parsed:?} from {:?}",
        String::from_utf8_lossy(written)
    );
    assert_eq!(req.method, Some(method.as_str()));
    assert_eq!(req.path, Some(target.as_str()));
    assert_eq!(req.version, Some(1));
    let got: Vec<(&str, &[u8])> = req.headers.iter().map(|h| (h.name, h.value)).collect();
    let expected = expected_fields(host, &defaults, &user, body);
    let expected: Vec<(&str, &[u8])> = expected.iter().map(|(n, v)| (*n, v.as_slice())).collect();
    assert_eq!(got, expected);
    let count = |name: &str| got.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).count();
    assert!(count("host") <= 1);
    let framing_fields = count("content-length") + count("transfer-encoding");
    assert_eq!(framing_fields, usize::from(body != BodyFraming::Empty));
}

/// A field value (RFC 9110 §5.5): no control byte but HTAB.
fn value_ok(v: &str) -> bool {
    v.bytes().all(|b| (b >= 0x20 || b == b'\t') && b != 0x7f)
}

/// The header fields the head should carry, from the rules of `proto::request`: `Host` first,
/// then each default (replaced in place by the user's fields of that name, all of them, or
/// removed by a `None`), then the user's other fields in order, then the framing field. User
/// `Content-Length` and `Transfer-Encoding` are never written: the body decides.
fn expected_fields<'a>(
    host: Option<HostHeader<'_>>,
    defaults: &'a [(&'a str, String)],
    user: &'a [(String, Option<String>)],
    body: BodyFraming,
) -> Vec<(&'a str, Vec<u8>)> {
    let overridden = |name: &str| user.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    let values = |name: &str| -> Vec<(&'a str, Vec<u8>)> {
        user.iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .filter_map(|(n, v)| Some((n.as_str(), trim(v.as_deref()?.as_bytes()).to_vec())))
            .collect()
    };
    let mut fields = Vec::new();
    if overridden("host") {
        fields.extend(values("host"));
    } else if let Some(h) = host {
        let port = h.port.map(|p| format!(":{p}")).unwrap_or_default();
        // Whitespace around a field value is not part of it (RFC 9110 §5.5).
        fields.push(("Host", trim(format!("{}{port}", h.host).as_bytes()).to_vec()));
    }
    for (name, value) in defaults {
        if overridden(name) {
            fields.extend(values(name));
        } else {
            fields.push((*name, trim(value.as_bytes()).to_vec()));
        }
    }
    for (name, value) in user {
        let Some(value) = value else { continue };
        let special = ["host", "content-length", "transfer-encoding"]
            .iter()
            .any(|s| name.eq_ignore_ascii_case(s))
            || defaults.iter().any(|(d, _)| d.eq_ignore_ascii_case(name));
        if !special {
            fields.push((name.as_str(), trim(value.as_bytes()).to_vec()));
        }
    }
    match body {
        BodyFraming::Empty => {}
        BodyFraming::Length(n) => fields.push(("Content-Length", n.to_string().into_bytes())),
        BodyFraming::Chunked => fields.push(("Transfer-Encoding", b"chunked".to_vec())),
    }
    fields
}
