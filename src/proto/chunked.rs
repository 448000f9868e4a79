//! The chunked transfer coding (RFC 9112 §7.1): decoding what servers send, framing what we send.
//!
//! ```text
//! chunked-body   = *chunk last-chunk trailer-section CRLF
//! chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//! chunk-size     = 1*HEXDIG
//! last-chunk     = 1*("0") [ chunk-ext ] CRLF
//! trailer-section = *( field-line CRLF )
//! ```
//!
//! For example `5\r\nhello\r\n6;a=b\r\n world\r\n0\r\nX-Sum: 1\r\n\r\n` carries `hello world`
//! and one trailer field.
//!
//! [`ChunkedDecoder`] is a byte-driven state machine with no I/O: feed it input, it fills your
//! output, and it can be fed any split of the input (one byte at a time or all at once) with the
//! same result. Data bytes are copied in runs, not byte by byte. Rules enforced, each violation a
//! `Protocol` error:
//!
//! - a chunk size is 1 to 16 hex digits (no sign, no `0x`, no leading space), computed with
//!   checked arithmetic: `10000000000000005` cannot wrap around to 5;
//! - after the size: optional whitespace and extensions (`;name=value`), which are ignored but
//!   capped at [`MAX_CHUNK_LINE`] bytes so a server cannot stream an endless extension;
//! - every line ends in CRLF, and chunk data is followed by exactly CRLF;
//! - the trailer section is kept (readable after the body) and counted against the head limit.

use crate::error::{Error, ErrorKind, Result, Step};

/// Most bytes a chunk-size line may hold (size, extensions, CRLF).
pub const MAX_CHUNK_LINE: usize = 4096;

/// Most hex digits in a chunk size: 16 digits are 64 bits.
const MAX_SIZE_DIGITS: u8 = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading the hex digits of a chunk size.
    Size { value: u64, digits: u8 },
    /// After the digits: whitespace or extensions, up to CR.
    SizeRest { value: u64 },
    /// Saw the CR of a size line; need LF.
    SizeLf { value: u64 },
    /// Inside chunk data, this many bytes to go.
    Data(u64),
    /// Chunk data done; need CR.
    DataCr,
    /// Need the LF after chunk data.
    DataLf,
    /// At the start of a trailer line (or of the final empty line).
    TrailerStart,
    /// Inside a trailer field line.
    TrailerLine,
    /// Saw CR of a trailer line; need LF.
    TrailerLf,
    /// Saw the CR of the final empty line; need LF.
    EndLf,
    /// The chunked body is complete.
    Done,
}

/// Decodes a chunked body (see the module documentation).
#[derive(Debug, Clone)]
pub struct ChunkedDecoder {
    state: State,
    line_len: usize,
    trailers: Vec<u8>,
    max_trailer_bytes: usize,
}

fn protocol(message: impl Into<std::borrow::Cow<'static, str>>) -> Error {
    Error::new(ErrorKind::Protocol, Step::ReceiveBody, message)
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        // The arms bound `b`, so the subtractions cannot wrap.
        b'0'..=b'9' => Some(b.wrapping_sub(b'0')),
        b'a'..=b'f' => Some(b.wrapping_sub(b'a').wrapping_add(10)),
        b'A'..=b'F' => Some(b.wrapping_sub(b'A').wrapping_add(10)),
        _ => None,
    }
}

impl ChunkedDecoder {
    /// A decoder for one body; the trailer section may take at most `max_trailer_bytes`.
    pub fn new(max_trailer_bytes: usize) -> ChunkedDecoder {
        ChunkedDecoder {
            state: State::Size { value: 0, digits: 0 },
            line_len: 0,
            trailers: Vec::new(),
            max_trailer_bytes,
        }
    }

    /// Has the whole chunked body, trailers included, been decoded?
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Bytes of chunk data that can be taken straight from the input without framing in
    /// between (0 when the decoder is not inside chunk data). Lets a reader receive data directly
    /// into the caller's buffer and then report it with [`ChunkedDecoder::consume_data`].
    pub fn data_remaining(&self) -> u64 {
        match self.state {
            State::Data(n) => n,
            _ => 0,
        }
    }

    /// Records that `n` bytes of chunk data (at most [`data_remaining`](Self::data_remaining))
    /// were taken directly.
    pub fn consume_data(&mut self, n: u64) {
        if let State::Data(left) = self.state {
            let left = left.saturating_sub(n);
            self.state = if left == 0 { State::DataCr } else { State::Data(left) };
        }
    }

    /// The trailer section as received (`Name: value\r\n` lines ending with an empty line), empty
    /// if there were none. Complete once [`is_done`](Self::is_done).
    pub fn trailers(&self) -> &[u8] {
        &self.trailers
    }

    /// Decodes from `input` into `output`. Returns `(consumed, produced)`: how many input bytes
    /// were used and how many data bytes were written.
    ///
    /// Stops when the input is used up, when the output is full and the next byte is data, or at
    /// the end of the body. Framing after the last data byte is consumed even when the output is
    /// full, so the end of the body is seen as soon as its bytes are in.
    pub fn decode(&mut self, input: &[u8], output: &mut [u8]) -> Result<(usize, usize)> {
        self.run(&mut Split { input, output })
    }

    /// Decodes `buf` in place: the data bytes are moved to its front. Returns `(consumed,
    /// produced)` as [`decode`](Self::decode) does; bytes after `consumed` were not part of the
    /// body (they follow its end). Lets a reader receive raw chunked bytes straight into the
    /// caller's buffer with one read and strip the framing there, instead of one read per chunk.
    pub fn decode_in_place(&mut self, buf: &mut [u8]) -> Result<(usize, usize)> {
        self.run(&mut InPlace(buf))
    }

    fn run(&mut self, bufs: &mut impl Buffers) -> Result<(usize, usize)> {
        let (mut i, mut o) = (0, 0);
        let input_len = bufs.input_len();
        while i < input_len {
            if let State::Data(left) = self.state {
                let room = bufs.output_len().saturating_sub(o);
                let take = (left.min(input_len.saturating_sub(i) as u64) as usize).min(room);
                if take == 0 {
                    break;
                }
                bufs.copy(i, o, take);
                i = i.saturating_add(take);
                o = o.saturating_add(take);
                self.consume_data(take as u64);
                continue;
            }
            if self.state == State::Done {
                break;
            }
            // Fast path for the common framing, a bare `CRLF SIZE CRLF` between chunks, when
            // all of it is in: skipped in one go instead of byte by byte. Anything else (an
            // extension, an error, a line cut by the end of the input) takes the byte path,
            // which gives the same result.
            if let Some(used) = self.skip_simple_framing(bufs.input().get(i..).unwrap_or_default()) {
                i = i.saturating_add(used);
                continue;
            }
            self.step(bufs.input_byte(i))?;
            i = i.saturating_add(1);
        }
        Ok((i, o))
    }

    /// Consumes `\r\n` after chunk data and/or a size line `HEX\r\n` (1 to 16 digits, no
    /// extension) at the start of `input`, if complete. Returns the bytes consumed.
    fn skip_simple_framing(&mut self, input: &[u8]) -> Option<usize> {
        let mut used = 0;
        if self.state == State::DataCr {
            if input.get(..2)? != b"\r\n" {
                return None;
            }
            self.state = State::Size { value: 0, digits: 0 };
            used = 2;
        }
        if self.state != (State::Size { value: 0, digits: 0 }) {
            return (used > 0).then_some(used);
        }
        let line = input.get(used..)?;
        let digits = line
            .iter()
            .take(usize::from(MAX_SIZE_DIGITS))
            .take_while(|b| hex_value(**b).is_some())
            .count();
        if digits == 0 || line.get(digits..digits.saturating_add(2)) != Some(b"\r\n") {
            return (used > 0).then_some(used);
        }
        // At most 16 hex digits: the value fits in 64 bits.
        let value = line
            .get(..digits)?
            .iter()
            .fold(0u64, |v, b| (v << 4) | u64::from(hex_value(*b).unwrap_or(0)));
        self.line_len = 0;
        self.state = if value == 0 {
            State::TrailerStart
        } else {
            State::Data(value)
        };
        Some(used.saturating_add(digits).saturating_add(2))
    }

    /// Advances the state machine by one framing byte.
    fn step(&mut self, b: u8) -> Result<()> {
        self.state = match self.state {
            State::Size { value, digits } => {
                self.line_len = self.line_len.saturating_add(1);
                match hex_value(b) {
                    Some(d) => {
                        if digits == MAX_SIZE_DIGITS {
                            return Err(protocol("chunk size has more than 16 hex digits"));
                        }
                        let value = value
                            .checked_mul(16)
                            .and_then(|v| v.checked_add(u64::from(d)))
                            .ok_or_else(|| protocol("chunk size overflows 64 bits"))?;
                        State::Size {
                            value,
                            digits: digits.saturating_add(1),
                        }
                    }
                    None if digits == 0 => return Err(protocol(format!("chunk size expected, found byte 0x{b:02x}"))),
                    None => match b {
                        b'\r' => State::SizeLf { value },
                        b' ' | b'\t' | b';' => State::SizeRest { value },
                        _ => return Err(protocol(format!("invalid byte 0x{b:02x} after chunk size"))),
                    },
                }
            }
            State::SizeRest { value } => {
                self.line_len = self.line_len.saturating_add(1);
                if self.line_len > MAX_CHUNK_LINE {
                    return Err(protocol(format!("chunk size line longer than {MAX_CHUNK_LINE} bytes")));
                }
                match b {
                    b'\r' => State::SizeLf { value },
                    b'\n' => return Err(protocol("bare LF in chunk size line (CRLF required)")),
                    b'\t' => State::SizeRest { value },
                    0..=0x1f | 0x7f => return Err(protocol(format!("control byte 0x{b:02x} in chunk extension"))),
                    _ => State::SizeRest { value },
                }
            }
            State::SizeLf { value } => {
                if b != b'\n' {
                    return Err(protocol("chunk size line not terminated by CRLF"));
                }
                self.line_len = 0;
                if value == 0 {
                    State::TrailerStart
                } else {
                    State::Data(value)
                }
            }
            State::DataCr => match b {
                b'\r' => State::DataLf,
                _ => return Err(protocol("chunk data not followed by CRLF")),
            },
            State::DataLf => match b {
                b'\n' => State::Size { value: 0, digits: 0 },
                _ => return Err(protocol("chunk data not followed by CRLF")),
            },
            State::TrailerStart => match b {
                b'\r' => State::EndLf,
                b'\n' => return Err(protocol("bare LF in trailer section (CRLF required)")),
                _ => {
                    self.push_trailer(b)?;
                    State::TrailerLine
                }
            },
            State::TrailerLine => {
                self.push_trailer(b)?;
                match b {
                    b'\r' => State::TrailerLf,
                    b'\n' => return Err(protocol("bare LF in trailer section (CRLF required)")),
                    _ => State::TrailerLine,
                }
            }
            State::TrailerLf => {
                if b != b'\n' {
                    return Err(protocol("trailer line not terminated by CRLF"));
                }
                self.push_trailer(b)?;
                State::TrailerStart
            }
            State::EndLf => {
                if b != b'\n' {
                    return Err(protocol("chunked body not terminated by CRLF"));
                }
                if !self.trailers.is_empty() {
                    self.trailers.extend_from_slice(b"\r\n");
                }
                State::Done
            }
            State::Data(_) | State::Done => self.state,
        };
        Ok(())
    }

    fn push_trailer(&mut self, b: u8) -> Result<()> {
        if self.trailers.len() >= self.max_trailer_bytes {
            return Err(protocol(format!(
                "trailer section exceeds the limit of {} bytes",
                self.max_trailer_bytes
            )));
        }
        self.trailers.push(b);
        Ok(())
    }
}

/// Where [`ChunkedDecoder::run`] reads framing and moves data: two buffers, or one (in place,
/// where the write position never passes the read position).
trait Buffers {
    fn input(&self) -> &[u8];
    fn input_len(&self) -> usize;
    fn output_len(&self) -> usize;
    fn input_byte(&self, i: usize) -> u8;
    fn copy(&mut self, from: usize, to: usize, n: usize);
}

struct Split<'a> {
    input: &'a [u8],
    output: &'a mut [u8],
}

impl Buffers for Split<'_> {
    fn input(&self) -> &[u8] {
        self.input
    }
    fn input_len(&self) -> usize {
        self.input.len()
    }
    fn output_len(&self) -> usize {
        self.output.len()
    }
    fn input_byte(&self, i: usize) -> u8 {
        self.input.get(i).copied().unwrap_or(0)
    }
    fn copy(&mut self, from: usize, to: usize, n: usize) {
        let dst = self.output.get_mut(to..to.saturating_add(n));
        if let (Some(dst), Some(src)) = (dst, self.input.get(from..from.saturating_add(n))) {
            dst.copy_from_slice(src);
        }
    }
}

struct InPlace<'a>(&'a mut [u8]);

impl Buffers for InPlace<'_> {
    fn input(&self) -> &[u8] {
        self.0
    }
    fn input_len(&self) -> usize {
        self.0.len()
    }
    fn output_len(&self) -> usize {
        self.0.len()
    }
    fn input_byte(&self, i: usize) -> u8 {
        self.0.get(i).copied().unwrap_or(0)
    }
    fn copy(&mut self, from: usize, to: usize, n: usize) {
        let len = self.0.len();
        if from.saturating_add(n) <= len && to.saturating_add(n) <= len {
            self.0.copy_within(from..from.saturating_add(n), to);
        }
    }
}

/// The end of a chunked body we send: the last chunk and an empty trailer section.
pub const LAST_CHUNK: &[u8] = b"0\r\n\r\n";

/// Writes the size line for a chunk of `len` bytes (`1a2b\r\n`) into `out`, returning the part
/// used.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // our own length, into a fixed array: at most 16 digits fit in 16 slots
pub fn chunk_size_line(len: usize, out: &mut [u8; 18]) -> &[u8] {
    let mut i = 16;
    out[16] = b'\r';
    out[17] = b'\n';
    let mut n = len;
    loop {
        i -= 1;
        out[i] = b"0123456789abcdef"[n % 16];
        n /= 16;
        if n == 0 {
            break;
        }
    }
    &out[i..]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes all of `input` at once, then fed in pieces of every size from 1 to 7; all
    /// feedings must agree. Returns the body and the trailers, or the error message.
    fn decode_all(input: &[u8]) -> std::result::Result<(Vec<u8>, Vec<u8>), String> {
        let whole = decode_in_pieces(input, input.len().max(1), 1 << 20);
        for piece in 1..8 {
            for out_size in [1, 3, 1 << 20] {
                let split = decode_in_pieces(input, piece, out_size);
                assert_eq!(split, whole, "piece {piece} out {out_size} differs for {input:?}");
            }
        }
        whole
    }

    fn decode_in_pieces(
        input: &[u8],
        piece: usize,
        out_size: usize,
    ) -> std::result::Result<(Vec<u8>, Vec<u8>), String> {
        let mut d = ChunkedDecoder::new(1024);
        let mut body = Vec::new();
        let mut out = vec![0; out_size];
        let mut pending = Vec::new();
        for chunk in input.chunks(piece) {
            pending.extend_from_slice(chunk);
            loop {
                let (used, produced) = d.decode(&pending, &mut out).map_err(|e| e.to_string())?;
                body.extend_from_slice(&out[..produced]);
                pending.drain(..used);
                if d.is_done() || (used == 0 && produced == 0) {
                    break;
                }
            }
            if d.is_done() {
                return Ok((body, d.trailers().to_vec()));
            }
        }
        Err("incomplete".into())
    }

    #[test]
    fn chunked_decoding_table() {
        let ok: &[(&[u8], &[u8], &[u8])] = &[
            (b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", b"hello world", b""),
            (
                b"5;name=value\r\nhello\r\n6;a=\"q;uo\\\"ted\";b\r\n world\r\n0;last=1\r\n\r\n",
                b"hello world",
                b"",
            ),
            (b"5 \r\nhello\r\n0 ; x\r\n\r\n", b"hello", b""),
            (b"A\r\n0123456789\r\n0\r\n\r\n", b"0123456789", b""),
            (b"0000000000000001\r\nx\r\n0\r\n\r\n", b"x", b""),
            (b"0\r\n\r\n", b"", b""),
            (
                b"5\r\nhello\r\n0\r\nX-Trailer: yes\r\nX-Other: 1\r\n\r\n",
                b"hello",
                b"X-Trailer: yes\r\nX-Other: 1\r\n\r\n",
            ),
        ];
        for (input, body, trailers) in ok {
            let (b, t) = decode_all(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(b, *body, "{input:?}");
            assert_eq!(t, *trailers, "{input:?}");
        }
    }

    #[test]
    fn in_place_decoding_agrees_with_split_decoding() {
        let inputs: &[&[u8]] = &[
            b"5\r\nhello\r\n6;x=1\r\n world\r\n0\r\nT: 1\r\n\r\nNEXT",
            b"1\r\na\r\n1\r\nb\r\n0\r\n\r\n",
            b"3\r\nabc\r\nzz",
        ];
        for input in inputs {
            for piece in 1..=input.len() {
                let (mut whole, mut inplace) = (ChunkedDecoder::new(64), ChunkedDecoder::new(64));
                let (mut a, mut b) = (Vec::new(), Vec::new());
                let mut out = vec![0u8; 1024];
                for chunk in input.chunks(piece) {
                    let ra = whole.decode(chunk, &mut out).map(|(used, n)| {
                        a.extend_from_slice(&out[..n]);
                        used
                    });
                    let mut buf = chunk.to_vec();
                    let rb = inplace.decode_in_place(&mut buf).map(|(used, n)| {
                        b.extend_from_slice(&buf[..n]);
                        used
                    });
                    assert_eq!(
                        ra.as_ref().map_err(ToString::to_string),
                        rb.as_ref().map_err(ToString::to_string)
                    );
                    if ra.is_err() || whole.is_done() {
                        break;
                    }
                }
                assert_eq!(a, b, "{input:?} in pieces of {piece}");
                assert_eq!(whole.trailers(), inplace.trailers());
            }
        }
    }

    #[test]
    fn chunked_errors_table() {
        let bad: &[(&[u8], &str)] = &[
            (b"10000000000000005\r\nhello\r\n0\r\n\r\n", "more than 16 hex digits"),
            (b"+5\r\nhello\r\n0\r\n\r\n", "chunk size expected"),
            (b"-5\r\nhello\r\n0\r\n\r\n", "chunk size expected"),
            (b"0x5\r\nhello\r\n0\r\n\r\n", "invalid byte 0x78 after chunk size"),
            (b"\r\nhello\r\n0\r\n\r\n", "chunk size expected"),
            (b" 5\r\nhello\r\n0\r\n\r\n", "chunk size expected"),
            (b"5\r\nhelloXX0\r\n\r\n", "not followed by CRLF"),
            (b"5\r\nhello\n0\r\n\r\n", "not followed by CRLF"),
            (b"5\nhello\r\n0\r\n\r\n", "invalid byte 0x0a after chunk size"),
            (b"5;a\nhello\r\n0\r\n\r\n", "bare LF"),
            (b"5;a\0b\r\nhello\r\n0\r\n\r\n", "control byte 0x00"),
            (b"5\rhello", "not terminated by CRLF"),
            (b"0\r\nX: 1\nY: 2\r\n\r\n", "bare LF in trailer"),
            (b"0\r\n\rX", "not terminated by CRLF"),
            (b"FFFFFFFFFFFFFFFFF\r\n", "more than 16 hex digits"),
        ];
        for (input, needle) in bad {
            let e = decode_all(input).unwrap_err();
            assert!(e.contains(needle), "{input:?}: {e} lacks {needle}");
        }
    }

    #[test]
    fn chunk_size_of_2_pow_64_is_refused() {
        // 2^64 is 1 followed by 16 zeros in hex: 17 digits.
        let e = decode_all(b"10000000000000000\r\n").unwrap_err();
        assert!(e.contains("more than 16 hex digits"), "{e}");
    }

    #[test]
    fn endless_extension_is_capped() {
        let mut input = b"5;".to_vec();
        input.resize(MAX_CHUNK_LINE + 10, b'x');
        let e = decode_all(&input).unwrap_err();
        assert!(e.contains("longer than 4096 bytes"), "{e}");
    }

    #[test]
    fn trailers_are_capped() {
        let mut input = b"0\r\n".to_vec();
        for i in 0..100 {
            input.extend_from_slice(format!("X-{i}: aaaaaaaaaaaaaaaaaaaaa\r\n").as_bytes());
        }
        input.extend_from_slice(b"\r\n");
        let e = decode_all(&input).unwrap_err();
        assert!(e.contains("trailer section exceeds the limit of 1024 bytes"), "{e}");
    }

    #[test]
    fn truncated_body_is_not_done() {
        for input in [
            &b"5\r\nhel"[..],
            b"5\r\nhello\r\n",
            b"5\r\nhello\r\n0\r\n",
            b"0\r\nX: y\r\n",
        ] {
            assert_eq!(decode_all(input).unwrap_err(), "incomplete", "{input:?}");
        }
    }

    #[test]
    fn direct_data_consumption() {
        let mut d = ChunkedDecoder::new(64);
        let mut out = [0u8; 0];
        let (used, produced) = d.decode(b"1000\r\n", &mut out).unwrap();
        assert_eq!((used, produced), (6, 0));
        assert_eq!(d.data_remaining(), 0x1000);
        d.consume_data(0x1000);
        assert_eq!(d.data_remaining(), 0);
        d.decode(b"\r\n0\r\n\r\n", &mut out).unwrap();
        assert!(d.is_done());
    }

    #[test]
    fn size_lines_for_sending() {
        let mut buf = [0u8; 18];
        assert_eq!(chunk_size_line(0, &mut buf), b"0\r\n");
        assert_eq!(chunk_size_line(255, &mut buf), b"ff\r\n");
        assert_eq!(chunk_size_line(16384, &mut buf), b"4000\r\n");
        assert_eq!(chunk_size_line(usize::MAX, &mut buf), b"ffffffffffffffff\r\n");
    }
}
