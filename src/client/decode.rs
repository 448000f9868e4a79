//! Content codings (RFC 9110 §8.4): undoing `gzip`, `deflate` and `br` while the body streams.
//!
//! A server may compress a representation and say so with `Content-Encoding` (RFC 9110 §8.4),
//! listing the codings in the order it applied them; the client undoes them in reverse order.
//! With the `gzip` feature this module decodes
//!
//! - `gzip` (and its alias `x-gzip`, RFC 9110 §8.4.1.3): the gzip file format of RFC 1952 —
//!   a header, a deflate stream (RFC 1951), and a trailer whose CRC-32 and length are checked.
//!   RFC 1952 §2.2 defines a gzip file as a *series* of members, so a member may be followed by
//!   another one (what `cat a.gz b.gz` makes); any other byte after a member is an error: it is
//!   not part of any gzip stream, so the body is not what the server said it is;
//! - `deflate` (RFC 9110 §8.4.1.2): the zlib format of RFC 1950 — a deflate stream with a
//!   two-byte header and an Adler-32 trailer. Some servers send a raw deflate stream under this
//!   name; the two are told apart by the zlib header (its check bits make a raw stream that
//!   looks like one a 1-in-500 chance, and then decoding fails with an error, never garbage);
//!
//! and with the `brotli` feature
//!
//! - `br` (RFC 7932), with the brotli-decompressor crate.
//!
//! `identity` means nothing was done and is skipped.
//!
//! The same decoders undo **transfer codings** (`Transfer-Encoding: gzip, chunked`, or `gzip`
//! alone on a body that ends with the connection; RFC 9112 §6.1, §7): those are part of the
//! message, not of the content, so they are undone whether or not decompression is on, and a
//! transfer coding that cannot be undone is an [`ErrorKind::Decode`] error rather than bytes that
//! are not the content (see [`plan_transfer`], the one rule).
//!
//! Rules:
//!
//! - A list with a coding this build cannot decode (`zstd`, `compress`, a `gzip` without the
//!   feature) is left alone: the body is delivered as received, `Content-Encoding` still tells
//!   what it is. The agent only asks for codings it can decode (`Accept-Encoding`), so this
//!   happens only when a server ignores that, or the caller replaced the header.
//! - At most two codings are undone (`Content-Encoding: gzip, br`); more is an
//!   [`ErrorKind::Decode`] error on the first read: no server needs that, and each layer
//!   multiplies what a small body can expand to.
//! - Corrupt data, a checksum that does not match, bytes after the end of the compressed
//!   stream, and a compressed stream cut short (the body ended cleanly, but the stream did not)
//!   are all [`ErrorKind::Decode`] errors. An empty body decodes to an empty body.
//!
//! Memory stays constant whatever the sizes: each layer has one 16 KiB input buffer and its
//! decoder's state (32 KiB window for deflate, up to the stream's declared window — 16 MiB at
//! most — for brotli); output goes straight into the caller's buffer. How much a body may expand
//! is limited by whoever reads it: [`Response::bytes`](crate::Response::bytes) and
//! [`Response::text`](crate::Response::text) count decoded bytes against the body limit.

use crate::error::{Error, ErrorKind, Result, Step};

/// Most codings undone on one body.
pub const MAX_CODINGS: usize = 2;

/// Size of each decoding layer's input buffer.
const LAYER_BUF: usize = 16 * 1024;

/// The `Accept-Encoding` value for what this build can decode, or `None` when it decodes
/// nothing (no `gzip` or `brotli` feature).
pub const ACCEPT_ENCODING: Option<&str> = if cfg!(all(feature = "gzip", feature = "brotli")) {
    Some("gzip, deflate, br")
} else if cfg!(feature = "gzip") {
    Some("gzip, deflate")
} else if cfg!(feature = "brotli") {
    Some("br")
} else {
    None
};

/// A content coding this build can decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// `gzip`, `x-gzip` (RFC 1952).
    Gzip,
    /// `deflate`: zlib (RFC 1950), or a raw deflate stream (RFC 1951) mislabelled so.
    Deflate,
    /// `br` (RFC 7932).
    Brotli,
}

impl Coding {
    /// The coding's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Coding::Gzip => "gzip",
            Coding::Deflate => "deflate",
            Coding::Brotli => "br",
        }
    }

    /// The coding for a `Content-Encoding` element (case-insensitive), if this build decodes it.
    fn parse(token: &str) -> Option<Coding> {
        let known = if token.eq_ignore_ascii_case("gzip") || token.eq_ignore_ascii_case("x-gzip") {
            Coding::Gzip
        } else if token.eq_ignore_ascii_case("deflate") {
            Coding::Deflate
        } else if token.eq_ignore_ascii_case("br") {
            Coding::Brotli
        } else {
            return None;
        };
        let enabled = match known {
            Coding::Gzip | Coding::Deflate => cfg!(feature = "gzip"),
            Coding::Brotli => cfg!(feature = "brotli"),
        };
        enabled.then_some(known)
    }
}

/// What to do with a body, given its `Content-Encoding` values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Deliver it as received: no coding, only `identity`, or one this build cannot decode.
    AsIs,
    /// Undo these codings, in this order (the reverse of the header's).
    Decode(Vec<Coding>),
    /// More codings than [`MAX_CODINGS`]: refuse.
    TooMany(usize),
    /// A transfer coding this build cannot undo: refuse (the message says which).
    Unsupported(String),
}

impl Plan {
    /// The transfer codings' plan (undone first), then the content codings'.
    pub fn then(self, content: Plan) -> Plan {
        match (self, content) {
            (refused @ (Plan::Unsupported(_) | Plan::TooMany(_)), _) | (Plan::AsIs, refused) => refused,
            (transfer, Plan::AsIs) => transfer,
            (Plan::Decode(mut first), Plan::Decode(then)) => {
                first.extend(then);
                match first.len() {
                    n if n > MAX_CODINGS => Plan::TooMany(n),
                    _ => Plan::Decode(first),
                }
            }
            (Plan::Decode(_), refused) => refused,
        }
    }
}

/// Reads the `Transfer-Encoding` field values of a response and decides how to undo its
/// transfer codings — the one rule for them (RFC 9112 §6.1, §6.3, §7): every transfer coding is
/// part of the message, not of the content, and is undone before the body is handed over,
/// whatever the framing and whether or not decompression is on. A final `chunked` is undone by
/// the framing (`chunked_final`); `gzip`, `x-gzip` and `deflate` by the decoders (with the
/// `gzip` feature); a body with any other coding — `compress`, an unknown token, or `chunked`
/// that is not final — is refused rather than handed over still encoded as if it were the
/// content.
pub fn plan_transfer<'a>(values: impl IntoIterator<Item = &'a str>, chunked_final: bool) -> Plan {
    let mut tokens: Vec<&[u8]> = values
        .into_iter()
        .flat_map(|v| crate::proto::list_elements(v.as_bytes()))
        .collect();
    if chunked_final {
        tokens.pop(); // the final `chunked`, which the framing has undone
    }
    let mut codings = Vec::new();
    for token in tokens {
        let token = String::from_utf8_lossy(token);
        if token.eq_ignore_ascii_case("identity") {
            continue;
        }
        match Coding::parse(&token) {
            Some(c @ (Coding::Gzip | Coding::Deflate)) => codings.push(c),
            _ if token.eq_ignore_ascii_case("chunked") => {
                let why = "the transfer coding \"chunked\" is not the final one, so the body cannot be decoded (RFC 9112 §6.1)";
                return Plan::Unsupported(why.to_string());
            }
            _ => {
                let hint = match token.to_ascii_lowercase().as_str() {
                    "gzip" | "x-gzip" | "deflate" => " (it needs h1client's `gzip` feature)",
                    _ => "",
                };
                return Plan::Unsupported(format!("the transfer coding {token:?} is not supported{hint}"));
            }
        }
    }
    codings.reverse();
    match codings.len() {
        0 => Plan::AsIs,
        n if n > MAX_CODINGS => Plan::TooMany(n),
        _ => Plan::Decode(codings),
    }
}

/// Reads the `Content-Encoding` field values (all lines, in order; RFC 9110 §5.3 joins them into
/// one list) and decides what to do.
pub fn plan<'a>(values: impl IntoIterator<Item = &'a str>) -> Plan {
    let mut codings = Vec::new();
    for value in values {
        for token in crate::proto::list_elements(value.as_bytes()) {
            let token = std::str::from_utf8(token).unwrap_or("");
            if token.eq_ignore_ascii_case("identity") {
                continue;
            }
            match Coding::parse(token) {
                Some(c) => codings.push(c),
                None => return Plan::AsIs,
            }
        }
    }
    match codings.len() {
        0 => Plan::AsIs,
        n if n > MAX_CODINGS => Plan::TooMany(n),
        _ => {
            codings.reverse();
            Plan::Decode(codings)
        }
    }
}

/// Why a body with these `Content-Encoding` values is still encoded when it is handed over
/// (`decompress`: whether the agent decodes), naming the coding and what would decode it; `None`
/// when nothing is left encoded. For [`Response::text`](crate::Response::text) and `json`,
/// whose "not valid UTF-8" would otherwise hide the reason.
pub(crate) fn still_encoded<'a>(values: impl IntoIterator<Item = &'a str>, decompress: bool) -> Option<String> {
    let codings: Vec<&str> = values
        .into_iter()
        .flat_map(|v| crate::proto::list_elements(v.as_bytes()))
        .filter_map(|t| std::str::from_utf8(t).ok())
        .filter(|t| !t.eq_ignore_ascii_case("identity"))
        .collect();
    if codings.is_empty() {
        return None;
    }
    let list = codings.join(", ");
    let feature = |t: &str| match t.to_ascii_lowercase().as_str() {
        "gzip" | "x-gzip" | "deflate" => Some(("gzip", cfg!(feature = "gzip"))),
        "br" => Some(("brotli", cfg!(feature = "brotli"))),
        _ => None,
    };
    let remedy = match codings.iter().find_map(|t| match feature(t) {
        None => Some(Err(*t)),
        Some((name, false)) => Some(Ok(name)),
        Some((_, true)) => None,
    }) {
        Some(Err(unknown)) => format!("h1client cannot decode {unknown:?}"),
        Some(Ok(name)) => format!("this build cannot decode it: enable h1client's `{name}` feature"),
        None if !decompress => "decompression is turned off (AgentBuilder::decompress)".to_string(),
        None => return None,
    };
    Some(format!(
        "the body is still encoded ({list}, per Content-Encoding): {remedy}; bytes() gives it as received"
    ))
}

/// Where a layer's input comes from: the next layer down, or the transfer-decoded body.
pub(crate) type Source<'s> = dyn FnMut(&mut [u8]) -> Result<usize> + 's;

/// A stack of decoding layers over a body.
pub(crate) struct Decoder {
    /// In decoding order: `layers[0]` reads the body as received.
    layers: Vec<Layer>,
    /// Why the body cannot be decoded at all (too many codings).
    refused: Option<String>,
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.layers.iter().map(|l| l.codec.coding().name()).collect();
        f.debug_struct("Decoder")
            .field("layers", &names)
            .finish_non_exhaustive()
    }
}

impl Decoder {
    /// A decoder for `plan`, or `None` when the body is delivered as it is.
    pub(crate) fn new(plan: Plan) -> Option<Decoder> {
        match plan {
            Plan::AsIs => None,
            Plan::TooMany(n) => Some(Decoder {
                layers: Vec::new(),
                refused: Some(format!(
                    "the body has {n} content codings; at most {MAX_CODINGS} are decoded"
                )),
            }),
            Plan::Unsupported(why) => Some(Decoder {
                layers: Vec::new(),
                refused: Some(why),
            }),
            Plan::Decode(codings) => Some(Decoder {
                layers: codings.into_iter().map(Layer::new).collect(),
                refused: None,
            }),
        }
    }

    /// Has the last layer reached its clean end (the last read returned 0)?
    pub(crate) fn is_done(&self) -> bool {
        self.layers.last().is_some_and(|l| l.done)
    }

    /// Reads decoded bytes into `out` (not empty), pulling the body from `source`.
    pub(crate) fn read(&mut self, source: &mut Source<'_>, out: &mut [u8]) -> Result<usize> {
        if let Some(why) = &self.refused {
            return Err(Error::new(ErrorKind::Decode, Step::ReceiveBody, why.clone()));
        }
        pull(&mut self.layers, source, out)
    }
}

/// One layer: a codec with its input buffer.
struct Layer {
    codec: Codec,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    /// The layer below has ended.
    eof: bool,
    /// At least one input byte arrived (an empty body decodes to nothing).
    seen_input: bool,
    /// The codec ended and so did its input: reads return 0.
    done: bool,
}

impl Layer {
    fn new(coding: Coding) -> Layer {
        Layer {
            codec: Codec::new(coding),
            buf: vec![0; LAYER_BUF].into_boxed_slice(),
            start: 0,
            end: 0,
            eof: false,
            seen_input: false,
            done: false,
        }
    }

    /// Reads more input from below into the free end of the buffer.
    fn fill(&mut self, below: &mut [Layer], source: &mut Source<'_>) -> Result<()> {
        let free = self.buf.get_mut(self.end..).unwrap_or_default();
        let n = pull(below, source, free)?;
        if n == 0 {
            self.eof = true;
        } else {
            self.end = self.end.saturating_add(n).min(self.buf.len());
            self.seen_input = true;
        }
        Ok(())
    }

    fn error(&self, why: impl std::fmt::Display) -> Error {
        let name = self.codec.coding().name();
        Error::new(
            ErrorKind::Decode,
            Step::ReceiveBody,
            format!("corrupt {name} body: {why}"),
        )
    }
}

/// Fills `out` from the top layer of `layers` (or straight from `source` when there is none).
fn pull(layers: &mut [Layer], source: &mut Source<'_>, out: &mut [u8]) -> Result<usize> {
    let Some((layer, below)) = layers.split_last_mut() else {
        return source(out);
    };
    loop {
        if layer.done {
            return Ok(0);
        }
        if layer.start == layer.end && !layer.eof {
            layer.start = 0;
            layer.end = 0;
            layer.fill(below, source)?;
            continue;
        }
        // With the input at its end the codec still runs: it may hold output back.
        let input = layer.buf.get(layer.start..layer.end).unwrap_or_default();
        let (used, produced) = layer.codec.run(input, out).map_err(|why| layer.error(why))?;
        layer.start = layer.start.saturating_add(used).min(layer.end);
        if produced > 0 {
            return Ok(produced);
        }
        if used > 0 {
            continue;
        }
        // No progress: the codec needs more input than is buffered, or this is the end.
        if layer.eof {
            if layer.start == layer.end && (layer.codec.finished() || !layer.seen_input) {
                layer.done = true;
                return Ok(0);
            }
            let name = layer.codec.coding().name();
            return Err(Error::new(
                ErrorKind::Decode,
                Step::ReceiveBody,
                format!("the {name} stream is cut short: the body ended before the compressed data did"),
            ));
        }
        if layer.start > 0 && layer.end <= layer.buf.len() {
            layer.buf.copy_within(layer.start..layer.end, 0);
            layer.end = layer.end.saturating_sub(layer.start);
            layer.start = 0;
        }
        if layer.end == layer.buf.len() {
            return Err(layer.error("the decoder made no progress"));
        }
        layer.fill(below, source)?;
    }
}

/// The decoders.
enum Codec {
    #[cfg(feature = "gzip")]
    Gzip(Box<gzip::Gzip>),
    #[cfg(feature = "gzip")]
    Deflate(Box<gzip::Deflate>),
    #[cfg(feature = "brotli")]
    Brotli(Box<brotli::Brotli>),
}

impl Codec {
    fn new(coding: Coding) -> Codec {
        match coding {
            #[cfg(feature = "gzip")]
            Coding::Gzip => Codec::Gzip(Box::default()),
            #[cfg(feature = "gzip")]
            Coding::Deflate => Codec::Deflate(Box::default()),
            #[cfg(feature = "brotli")]
            Coding::Brotli => Codec::Brotli(Box::default()),
            // `Coding::parse` only makes codings whose feature is on: no network byte leads here.
            #[allow(unreachable_patterns, clippy::unreachable)]
            _ => unreachable!("coding {coding:?} without its feature"),
        }
    }

    fn coding(&self) -> Coding {
        match *self {
            #[cfg(feature = "gzip")]
            Codec::Gzip(_) => Coding::Gzip,
            #[cfg(feature = "gzip")]
            Codec::Deflate(_) => Coding::Deflate,
            #[cfg(feature = "brotli")]
            Codec::Brotli(_) => Coding::Brotli,
        }
    }

    /// Decodes from `input` into `out` (not empty): (input bytes used, output bytes made).
    /// `(0, 0)` means "more input needed" (or, at the end of the input, "nothing more").
    #[cfg_attr(not(any(feature = "gzip", feature = "brotli")), allow(unused_variables))]
    fn run(&mut self, input: &[u8], out: &mut [u8]) -> std::result::Result<(usize, usize), String> {
        match *self {
            #[cfg(feature = "gzip")]
            Codec::Gzip(ref mut c) => c.run(input, out),
            #[cfg(feature = "gzip")]
            Codec::Deflate(ref mut c) => c.run(input, out),
            #[cfg(feature = "brotli")]
            Codec::Brotli(ref mut c) => c.run(input, out),
        }
    }

    /// Is the stream complete, so that the input may end here?
    fn finished(&self) -> bool {
        match *self {
            #[cfg(feature = "gzip")]
            Codec::Gzip(ref c) => c.finished(),
            #[cfg(feature = "gzip")]
            Codec::Deflate(ref c) => c.finished(),
            #[cfg(feature = "brotli")]
            Codec::Brotli(ref c) => c.finished(),
        }
    }
}

#[cfg(feature = "gzip")]
mod gzip {
    //! gzip (RFC 1952) and zlib (RFC 1950) around flate2's streaming inflater (miniz_oxide).

    use flate2::{Crc, Decompress, FlushDecompress, Status};

    /// Most bytes a gzip header may take (its optional file name and comment included).
    const MAX_HEADER: usize = 64 * 1024;

    const FHCRC: u8 = 0x02;
    const FEXTRA: u8 = 0x04;
    const FNAME: u8 = 0x08;
    const FCOMMENT: u8 = 0x10;

    /// Runs the inflater: (input used, output made, stream ended).
    fn inflate(d: &mut Decompress, input: &[u8], out: &mut [u8]) -> std::result::Result<(usize, usize, bool), String> {
        let (in0, out0) = (d.total_in(), d.total_out());
        let status = d
            .decompress(input, out, FlushDecompress::None)
            .map_err(|e| e.to_string())?;
        let used = d.total_in().saturating_sub(in0) as usize;
        let made = d.total_out().saturating_sub(out0) as usize;
        Ok((used, made, status == Status::StreamEnd))
    }

    /// Parses a gzip member header (RFC 1952 §2.3) at the start of `h`: its length, `None` when
    /// more bytes are needed.
    pub(super) fn parse_header(h: &[u8]) -> std::result::Result<Option<usize>, String> {
        let magic = [0x1f, 0x8b];
        if h.iter().zip(magic).any(|(a, b)| *a != b) {
            return Err("not gzip data (the magic bytes 1f 8b are missing)".into());
        }
        if let Some(&method) = h.get(2).filter(|&&m| m != 8) {
            return Err(format!("unknown compression method {method} (only 8, deflate, exists)"));
        }
        let (Some(&flags), true) = (h.get(3), h.len() >= 10) else {
            return Ok(None);
        };
        if flags & 0xe0 != 0 {
            return Err(format!("reserved header flags are set (0x{flags:02x})"));
        }
        let mut pos: usize = 10;
        if flags & FEXTRA != 0 {
            let Some(&[lo, hi]) = h.get(pos..pos.saturating_add(2)) else {
                return Ok(None);
            };
            pos = pos
                .saturating_add(2)
                .saturating_add(usize::from(u16::from_le_bytes([lo, hi])));
        }
        for flag in [FNAME, FCOMMENT] {
            if flags & flag != 0 {
                // a zero-terminated string
                match h.get(pos..).and_then(|rest| rest.iter().position(|&b| b == 0)) {
                    Some(i) => pos = pos.saturating_add(i).saturating_add(1),
                    None => return Ok(None),
                }
            }
        }
        if flags & FHCRC != 0 {
            let (Some(&[lo, hi]), Some(covered)) = (h.get(pos..pos.saturating_add(2)), h.get(..pos)) else {
                return Ok(None);
            };
            let mut crc = Crc::new();
            crc.update(covered);
            if u16::from_le_bytes([lo, hi]) != (crc.sum() & 0xffff) as u16 {
                return Err("the header checksum does not match".into());
            }
            pos = pos.saturating_add(2);
        }
        Ok((h.len() >= pos).then_some(pos))
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum State {
        Header,
        Body,
        Trailer,
        /// Between members (or at the end).
        End,
    }

    /// A gzip decoder: members, each header + deflate + CRC-32/ISIZE trailer (RFC 1952 §2).
    pub(crate) struct Gzip {
        state: State,
        inflater: Decompress,
        crc: Crc,
        header: Vec<u8>,
        trailer: [u8; 8],
        trailer_len: usize,
        members: u64,
    }

    impl Default for Gzip {
        fn default() -> Gzip {
            Gzip {
                state: State::Header,
                inflater: Decompress::new(false),
                crc: Crc::new(),
                header: Vec::new(),
                trailer: [0; 8],
                trailer_len: 0,
                members: 0,
            }
        }
    }

    impl Gzip {
        pub(crate) fn finished(&self) -> bool {
            self.state == State::End
        }

        /// Decodes from `input` into `out`: one arm per part of a member (header, deflate data,
        /// trailer), which read best side by side.
        pub(crate) fn run(&mut self, input: &[u8], out: &mut [u8]) -> std::result::Result<(usize, usize), String> {
            match self.state {
                State::End if input.is_empty() => Ok((0, 0)),
                State::Header | State::End => {
                    if input.is_empty() {
                        return Ok((0, 0));
                    }
                    self.state = State::Header;
                    let before = self.header.len();
                    let take = input.len().min((MAX_HEADER.saturating_add(1)).saturating_sub(before));
                    self.header.extend_from_slice(input.get(..take).unwrap_or_default());
                    match parse_header(&self.header) {
                        Ok(Some(len)) => {
                            self.header.clear();
                            self.state = State::Body;
                            self.inflater.reset(false);
                            self.crc.reset();
                            Ok((len.saturating_sub(before), 0))
                        }
                        Ok(None) if self.header.len() > MAX_HEADER => {
                            Err(format!("the gzip header is longer than {MAX_HEADER} bytes"))
                        }
                        Ok(None) => Ok((take, 0)),
                        Err(why) if self.members > 0 => {
                            Err(format!("unexpected bytes after the end of the gzip data: {why}"))
                        }
                        Err(why) => Err(why),
                    }
                }
                State::Body => {
                    let (used, made, end) = inflate(&mut self.inflater, input, out)?;
                    self.crc.update(out.get(..made).unwrap_or_default());
                    if end {
                        self.state = State::Trailer;
                        self.trailer_len = 0;
                    }
                    Ok((used, made))
                }
                State::Trailer => {
                    let take = input.len().min(8usize.saturating_sub(self.trailer_len));
                    let end = self.trailer_len.saturating_add(take);
                    if let (Some(dst), Some(src)) = (self.trailer.get_mut(self.trailer_len..end), input.get(..take)) {
                        dst.copy_from_slice(src);
                    }
                    self.trailer_len = end;
                    if self.trailer_len == 8 {
                        let t = self.trailer;
                        let crc = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
                        let size = u32::from_le_bytes([t[4], t[5], t[6], t[7]]);
                        if crc != self.crc.sum() {
                            return Err("the CRC-32 of the decompressed data does not match".into());
                        }
                        if size != self.crc.amount() {
                            return Err("the length of the decompressed data does not match".into());
                        }
                        self.state = State::End;
                        self.members = self.members.saturating_add(1);
                    }
                    Ok((take, 0))
                }
            }
        }
    }

    /// Does this look like a zlib header (RFC 1950 §2.2): method 8, a window of at most 32 KiB,
    /// and the check bits making the first two bytes a multiple of 31?
    pub(super) fn is_zlib_header(cmf: u8, flg: u8) -> bool {
        cmf & 0x0f == 8 && cmf >> 4 <= 7 && (u16::from(cmf) << 8 | u16::from(flg)) % 31 == 0
    }

    /// `deflate`: zlib, or raw deflate when the first two bytes are not a zlib header.
    #[derive(Default)]
    pub(crate) struct Deflate {
        inflater: Option<Decompress>,
        done: bool,
    }

    impl Deflate {
        pub(crate) fn finished(&self) -> bool {
            self.done
        }

        pub(crate) fn run(&mut self, input: &[u8], out: &mut [u8]) -> std::result::Result<(usize, usize), String> {
            if self.done {
                if input.is_empty() {
                    return Ok((0, 0));
                }
                return Err("unexpected bytes after the end of the deflate data".into());
            }
            let inflater = match &mut self.inflater {
                Some(d) => d,
                None => {
                    let [cmf, flg, ..] = *input else {
                        return Ok((0, 0));
                    };
                    self.inflater.insert(Decompress::new(is_zlib_header(cmf, flg)))
                }
            };
            let (used, made, end) = inflate(inflater, input, out)?;
            self.done = end;
            Ok((used, made))
        }
    }
}

#[cfg(feature = "brotli")]
mod brotli {
    //! brotli (RFC 7932) with brotli-decompressor's streaming state machine.

    use brotli_decompressor::{BrotliDecompressStream, BrotliResult, BrotliState, StandardAlloc};

    pub(crate) struct Brotli {
        state: BrotliState<StandardAlloc, StandardAlloc, StandardAlloc>,
        done: bool,
    }

    impl Default for Brotli {
        fn default() -> Brotli {
            Brotli {
                state: BrotliState::new(
                    StandardAlloc::default(),
                    StandardAlloc::default(),
                    StandardAlloc::default(),
                ),
                done: false,
            }
        }
    }

    impl Brotli {
        pub(crate) fn finished(&self) -> bool {
            self.done
        }

        pub(crate) fn run(&mut self, input: &[u8], out: &mut [u8]) -> std::result::Result<(usize, usize), String> {
            if self.done {
                if input.is_empty() {
                    return Ok((0, 0));
                }
                return Err("unexpected bytes after the end of the brotli data".into());
            }
            let (mut avail_in, mut in_offset) = (input.len(), 0);
            let (mut avail_out, mut out_offset) = (out.len(), 0);
            let mut total_out = 0;
            let result = BrotliDecompressStream(
                &mut avail_in,
                &mut in_offset,
                input,
                &mut avail_out,
                &mut out_offset,
                out,
                &mut total_out,
                &mut self.state,
            );
            match result {
                BrotliResult::ResultFailure => Err("invalid brotli data".into()),
                BrotliResult::ResultSuccess => {
                    self.done = true;
                    if in_offset < input.len() {
                        return Err("unexpected bytes after the end of the brotli data".into());
                    }
                    Ok((in_offset, out_offset))
                }
                BrotliResult::NeedsMoreInput | BrotliResult::NeedsMoreOutput => Ok((in_offset, out_offset)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans() {
        let gz = cfg!(feature = "gzip");
        let br = cfg!(feature = "brotli");
        assert_eq!(plan([]), Plan::AsIs);
        assert_eq!(plan(["identity"]), Plan::AsIs);
        assert_eq!(plan(["zstd"]), Plan::AsIs);
        assert_eq!(plan(["gzip, zstd"]), Plan::AsIs);
        if gz {
            assert_eq!(plan(["GZip"]), Plan::Decode(vec![Coding::Gzip]));
            assert_eq!(plan(["x-gzip"]), Plan::Decode(vec![Coding::Gzip]));
            assert_eq!(plan(["identity, deflate"]), Plan::Decode(vec![Coding::Deflate]));
            assert_eq!(plan(["gzip", "gzip"]), Plan::Decode(vec![Coding::Gzip, Coding::Gzip]));
            assert_eq!(plan(["gzip, gzip, gzip"]), Plan::TooMany(3));
        } else {
            assert_eq!(plan(["gzip"]), Plan::AsIs);
        }
        if gz && br {
            // applied gzip then br: undone br then gzip
            assert_eq!(plan(["gzip, br"]), Plan::Decode(vec![Coding::Brotli, Coding::Gzip]));
            assert_eq!(
                plan(["gzip", "identity", "br"]),
                Plan::Decode(vec![Coding::Brotli, Coding::Gzip])
            );
        }
    }

    #[test]
    fn what_is_still_encoded_says_why() {
        assert_eq!(still_encoded([], true), None);
        assert_eq!(still_encoded(["identity"], false), None);
        let zstd = still_encoded(["zstd"], true).unwrap();
        assert!(
            zstd.contains("(zstd, per Content-Encoding): h1client cannot decode \"zstd\""),
            "{zstd}"
        );
        let gz = still_encoded(["gzip"], false).unwrap();
        if cfg!(feature = "gzip") {
            assert!(gz.contains("decompression is turned off"), "{gz}");
            assert_eq!(still_encoded(["gzip"], true), None);
        } else {
            assert!(gz.contains("enable h1client's `gzip` feature"), "{gz}");
        }
        let br = still_encoded(["br"], true);
        assert_eq!(br.is_none(), cfg!(feature = "brotli"), "{br:?}");
    }

    #[cfg(feature = "gzip")]
    #[test]
    fn gzip_headers() {
        use gzip::parse_header;
        let base = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
        assert_eq!(parse_header(&base), Ok(Some(10)));
        assert_eq!(parse_header(&base[..4]), Ok(None));
        assert!(parse_header(b"\x1f\x8c").is_err());
        assert!(parse_header(b"PK").is_err());
        assert!(parse_header(&[0x1f, 0x8b, 7]).is_err());
        let mut named = base.to_vec();
        named[3] = 0x08 | 0x04; // FNAME | FEXTRA
        named.extend_from_slice(&[3, 0, b'a', b'b', b'c']);
        assert_eq!(parse_header(&named), Ok(None));
        named.extend_from_slice(b"file.txt");
        assert_eq!(parse_header(&named), Ok(None));
        named.push(0);
        assert_eq!(parse_header(&named), Ok(Some(named.len())));
        let mut reserved = base;
        reserved[3] = 0x20;
        assert!(parse_header(&reserved).is_err());
        // FHCRC: the low 16 bits of the CRC-32 of the header before it
        let mut with_crc = base.to_vec();
        with_crc[3] = 0x02;
        let mut crc = flate2::Crc::new();
        crc.update(&with_crc);
        with_crc.extend_from_slice(&((crc.sum() & 0xffff) as u16).to_le_bytes());
        assert_eq!(parse_header(&with_crc), Ok(Some(12)));
        let last = with_crc.len() - 1;
        with_crc[last] ^= 1;
        assert!(parse_header(&with_crc).is_err());
    }

    #[cfg(feature = "gzip")]
    #[test]
    fn zlib_header_detection() {
        assert!(gzip::is_zlib_header(0x78, 0x9c));
        assert!(gzip::is_zlib_header(0x78, 0x01));
        assert!(gzip::is_zlib_header(0x78, 0xda));
        assert!(!gzip::is_zlib_header(0x78, 0x9d));
        // a raw deflate stream starting with a fixed-Huffman final block
        assert!(!gzip::is_zlib_header(0x0b, 0xc9));
    }

    /// Decodes `body` through the layers with a source giving `step` bytes at a time and reads
    /// into buffers of `out` bytes.
    #[cfg(feature = "gzip")]
    fn decode_all(codings: &[&str], body: &[u8], step: usize, out: usize) -> Result<Vec<u8>> {
        let mut d = Decoder::new(plan(codings.iter().copied())).expect("decodes");
        let mut pos = 0;
        let mut source = |buf: &mut [u8]| -> Result<usize> {
            let n = step.min(buf.len()).min(body.len() - pos);
            buf[..n].copy_from_slice(&body[pos..pos + n]);
            pos += n;
            Ok(n)
        };
        let mut result = Vec::new();
        let mut buf = vec![0u8; out];
        loop {
            match d.read(&mut source, &mut buf)? {
                0 => return Ok(result),
                n => result.extend_from_slice(&buf[..n]),
            }
        }
    }

    #[cfg(feature = "gzip")]
    #[test]
    fn gzip_in_any_pieces() {
        use std::io::Write;
        let text: Vec<u8> = (0..100_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&text).unwrap();
        let gz = e.finish().unwrap();
        for (step, out) in [(1, 7), (3, 1), (4096, 100_000), (usize::MAX, 1 << 20), (17, 3)] {
            assert_eq!(
                decode_all(&["gzip"], &gz, step, out).unwrap(),
                text,
                "step {step} out {out}"
            );
        }
        // two members
        let mut two = gz.clone();
        two.extend_from_slice(&gz);
        assert_eq!(decode_all(&["gzip"], &two, 1000, 4096).unwrap().len(), text.len() * 2);
        // cut anywhere: an error, never a short success
        for cut in [1, 5, 10, 11, gz.len() / 2, gz.len() - 8, gz.len() - 1] {
            let e = decode_all(&["gzip"], &gz[..cut], 100, 4096).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Decode, "cut at {cut}: {e}");
        }
        // empty body: empty
        assert_eq!(decode_all(&["gzip"], b"", 1, 1).unwrap(), b"");
    }
}
