//! The chunked transfer coding (RFC 9112 §7.1): decoding what servers send, framing what we send.
//!
//! ```text
//! chunked-body    = *chunk last-chunk trailer-section CRLF
//! chunk           = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//! chunk-size      = 1*HEXDIG
//! last-chunk      = 1*("0") [ chunk-ext ] CRLF
//! chunk-ext       = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//! chunk-ext-name  = token
//! chunk-ext-val   = token / quoted-string
//! trailer-section = *( field-line CRLF )
//! ```
//!
//! For example `5\r\nhello\r\n6;a=b\r\n world\r\n0\r\nX-Sum: 1\r\n\r\n` carries `hello world`
//! and one trailer field.
//!
//! [`ChunkedDecoder`] is a byte-driven state machine with no I/O: feed it input, it fills your
//! output, and it can be fed any split of the input (one byte at a time or all at once) with the
//! same result. Data bytes are copied in runs, not byte by byte. Each state has a small function
//! of its own: `on_size`, `on_size_end` (whitespace after the size),
//! `on_extension`, `on_size_lf`, `on_data_end` (the CRLF after data) and `on_trailer`. Rules
//! enforced, each violation a [`proto::Error`](super::Error):
//!
//! - a chunk size is 1 to 16 hex digits (no sign, no `0x`, no leading space): 64 bits at most,
//!   so `10000000000000005` cannot wrap around to 5;
//! - after the size only whitespace, then `;` extensions or the line's end, may follow: `5 6`
//!   and `5 junk` are refused, not read as 5 — two parsers reading one size differently is how
//!   smuggling starts. Extensions must follow the grammar above (a token name, a token or
//!   quoted-string value); they are then ignored (§7.1.1 lets a recipient ignore them);
//! - ignored bytes are budgeted: a size line is at most [`MAX_CHUNK_LINE`] bytes, and
//!   extensions in all may take [`FREE_EXTENSION_BYTES`] plus as many bytes as the data so far,
//!   so a server cannot make the client read megabytes of nothing per byte of body;
//! - every line ends in CRLF, and chunk data is followed by exactly CRLF;
//! - the trailer section is kept (readable after the body) and limited in size.
//!
//! ```
//! use h1client::proto::chunked::{chunk_size_line, ChunkedDecoder, LAST_CHUNK};
//!
//! // framing a body to send
//! let mut wire = Vec::new();
//! for piece in [&b"hello"[..], b" world"] {
//!     wire.extend_from_slice(chunk_size_line(piece.len(), &mut [0; 18]));
//!     wire.extend_from_slice(piece);
//!     wire.extend_from_slice(b"\r\n");
//! }
//! wire.extend_from_slice(LAST_CHUNK);
//! assert_eq!(wire, b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
//!
//! // and decoding it
//! let mut out = [0u8; 32];
//! let (used, n) = ChunkedDecoder::new(1024).decode(&wire, &mut out)?;
//! assert_eq!((used, &out[..n]), (wire.len(), &b"hello world"[..]));
//! # Ok::<(), h1client::proto::Error>(())
//! ```

use super::{is_tchar, Error};

type Result<T> = std::result::Result<T, Error>;

/// Most bytes a chunk-size line may hold (size, extensions, CRLF).
///
/// ```
/// use h1client::proto::{chunked::{ChunkedDecoder, MAX_CHUNK_LINE}, Error};
/// let mut line = b"5;ext=".to_vec();
/// line.resize(MAX_CHUNK_LINE + 1, b'x'); // an extension that never ends
/// let err = ChunkedDecoder::new(1024).decode(&line, &mut [0; 16]).unwrap_err();
/// assert_eq!(err, Error::ChunkLineTooLong { limit: MAX_CHUNK_LINE });
/// ```
pub const MAX_CHUNK_LINE: usize = 4096;

/// Bytes of chunk extensions a body may carry before they count against its data: beyond
/// these, extensions may not outweigh the chunk data received so far.
///
/// ```
/// use h1client::proto::{chunked::{ChunkedDecoder, FREE_EXTENSION_BYTES}, Error};
/// // chunks of one data byte, each carrying 4000 bytes of extension
/// let chunk = format!("1;e={}\r\na\r\n", "x".repeat(4000));
/// let mut decoder = ChunkedDecoder::new(1024);
/// let (mut data, mut refused) = (0, None);
/// for _ in 0..100 {
///     match decoder.decode(chunk.as_bytes(), &mut [0; 8]) {
///         Ok((_, n)) => data += n as u64,
///         Err(e) => {
///             refused = Some(e);
///             break;
///         }
///     }
/// }
/// assert_eq!(refused, Some(Error::ChunkExtensionsTooLarge { limit: FREE_EXTENSION_BYTES + data }));
/// assert_eq!(data, 16); // refused at the 17th chunk
/// ```
pub const FREE_EXTENSION_BYTES: u64 = 64 * 1024;

/// Most hex digits in a chunk size: 16 digits are 64 bits.
const MAX_SIZE_DIGITS: u8 = 16;

/// Where the decoder is inside a chunk extension (RFC 9112 §7.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ext {
    /// After `;`, before the name (BWS allowed).
    NameStart,
    /// In the name (a token).
    Name,
    /// After the name (BWS), before `=`, `;` or the line's end.
    AfterName,
    /// After `=`, before the value (BWS allowed).
    ValueStart,
    /// In a token value.
    Token,
    /// In a quoted-string value.
    Quoted,
    /// After a backslash in a quoted-string.
    QuotedPair,
    /// After the value (BWS), before `;` or the line's end.
    AfterValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading the hex digits of a chunk size.
    Size { value: u64, digits: u8 },
    /// After the digits: whitespace, then `;` or CR.
    SizeEnd { value: u64 },
    /// Inside a chunk extension.
    Extension { value: u64, at: Ext },
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

/// Decodes a chunked body (see the module documentation). Input may come in any pieces.
///
/// ```
/// use h1client::proto::chunked::ChunkedDecoder;
/// let mut decoder = ChunkedDecoder::new(1024);
/// let mut body = Vec::new();
/// for piece in [&b"5\r\nhel"[..], b"lo\r\n0\r", b"\n\r\n"] {
///     let mut out = [0u8; 16];
///     let (used, n) = decoder.decode(piece, &mut out)?;
///     assert_eq!(used, piece.len());
///     body.extend_from_slice(&out[..n]);
/// }
/// assert_eq!(body, b"hello");
/// assert!(decoder.is_done());
/// # Ok::<(), h1client::proto::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ChunkedDecoder {
    state: State,
    /// Bytes of the current size line so far.
    line_len: usize,
    /// Chunk data decoded so far (for the extension budget).
    data_total: u64,
    /// Bytes of extension (everything on size lines after the digits) so far.
    extension_total: u64,
    trailers: Vec<u8>,
    max_trailer_bytes: usize,
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

fn is_bws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `qdtext` of a quoted-string (RFC 9110 §5.6.4): HTAB, SP, visible ASCII but `"` and `\`,
/// obs-text.
fn is_qdtext(b: u8) -> bool {
    matches!(b, b'\t' | b' ' | 0x21 | 0x23..=0x5b | 0x5d..=0x7e | 0x80..=0xff)
}

/// What may follow a backslash in a quoted-string: HTAB, SP, VCHAR, obs-text.
fn is_quotable(b: u8) -> bool {
    matches!(b, b'\t' | b' ' | 0x21..=0x7e | 0x80..=0xff)
}

impl ChunkedDecoder {
    /// A decoder for one body; the trailer section may take at most `max_trailer_bytes`.
    ///
    /// ```
    /// use h1client::proto::{chunked::ChunkedDecoder, Error};
    /// let mut decoder = ChunkedDecoder::new(8);
    /// let body = b"0\r\nX-Signature: 0123456789abcdef\r\n\r\n";
    /// let err = decoder.decode(body, &mut [0; 16]).unwrap_err();
    /// assert_eq!(err, Error::TrailersTooLarge { limit: 8 });
    /// ```
    pub fn new(max_trailer_bytes: usize) -> ChunkedDecoder {
        ChunkedDecoder {
            state: State::Size { value: 0, digits: 0 },
            line_len: 0,
            data_total: 0,
            extension_total: 0,
            trailers: Vec::new(),
            max_trailer_bytes,
        }
    }

    /// Has the whole chunked body, trailers included, been decoded?
    ///
    /// ```
    /// use h1client::proto::chunked::ChunkedDecoder;
    /// let mut decoder = ChunkedDecoder::new(1024);
    /// decoder.decode(b"0\r\n", &mut [])?;
    /// assert!(!decoder.is_done()); // the empty line that ends the trailer section is missing
    /// decoder.decode(b"\r\n", &mut [])?;
    /// assert!(decoder.is_done());
    /// # Ok::<(), h1client::proto::Error>(())
    /// ```
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Bytes of chunk data that can be taken straight from the input without framing in
    /// between (0 when the decoder is not inside chunk data). Lets a reader receive data directly
    /// into the caller's buffer and then report it with [`ChunkedDecoder::consume_data`].
    ///
    /// ```
    /// use h1client::proto::chunked::ChunkedDecoder;
    /// let mut decoder = ChunkedDecoder::new(1024);
    /// assert_eq!(decoder.data_remaining(), 0);
    /// decoder.decode(b"1f4\r\n", &mut [])?; // a chunk of 500 bytes starts
    /// assert_eq!(decoder.data_remaining(), 500);
    /// # Ok::<(), h1client::proto::Error>(())
    /// ```
    pub fn data_remaining(&self) -> u64 {
        match self.state {
            State::Data(n) => n,
            _ => 0,
        }
    }

    /// Records that `n` bytes of chunk data (at most [`data_remaining`](Self::data_remaining))
    /// were taken directly.
    ///
    /// ```
    /// use h1client::proto::chunked::ChunkedDecoder;
    /// let mut decoder = ChunkedDecoder::new(1024);
    /// decoder.decode(b"5\r\n", &mut [])?;
    /// let mut out = [0u8; 5];
    /// out.copy_from_slice(b"hello"); // as if read from the socket straight into `out`
    /// decoder.consume_data(5);
    /// assert_eq!(decoder.data_remaining(), 0);
    /// decoder.decode(b"\r\n0\r\n\r\n", &mut [])?;
    /// assert!(decoder.is_done());
    /// # Ok::<(), h1client::proto::Error>(())
    /// ```
    pub fn consume_data(&mut self, n: u64) {
        if let State::Data(left) = self.state {
            let n = n.min(left);
            self.data_total = self.data_total.saturating_add(n);
            let left = left.saturating_sub(n);
            self.state = if left == 0 { State::DataCr } else { State::Data(left) };
        }
    }

    /// The trailer section as received (`Name: value\r\n` lines ending with an empty line), empty
    /// if there were none. Complete once [`is_done`](Self::is_done).
    ///
    /// ```
    /// use h1client::proto::chunked::{trailer_fields, ChunkedDecoder};
    /// let mut decoder = ChunkedDecoder::new(1024);
    /// decoder.decode(b"2\r\nhi\r\n0\r\nX-Sum: 7\r\n\r\n", &mut [0; 8])?;
    /// assert_eq!(decoder.trailers(), b"X-Sum: 7\r\n\r\n");
    /// assert_eq!(trailer_fields(decoder.trailers()).next(), Some(("X-Sum", &b"7"[..])));
    /// # Ok::<(), h1client::proto::Error>(())
    /// ```
    pub fn trailers(&self) -> &[u8] {
        &self.trailers
    }

    /// Decodes from `input` into `output`. Returns `(consumed, produced)`: how many input bytes
    /// were used and how many data bytes were written.
    ///
    /// Stops when the input is used up, when the output is full and the next byte is data, or at
    /// the end of the body. Framing after the last data byte is consumed even when the output is
    /// full, so the end of the body is seen as soon as its bytes are in.
    ///
    /// ```
    /// use h1client::proto::chunked::ChunkedDecoder;
    /// let mut decoder = ChunkedDecoder::new(1024);
    /// let mut out = [0u8; 64];
    /// let (used, n) = decoder.decode(b"5\r\nhello\r\n0\r\n\r\nNEXT", &mut out).unwrap();
    /// assert_eq!((&out[..n], used), (&b"hello"[..], 15));
    /// assert!(decoder.is_done());
    /// ```
    pub fn decode(&mut self, input: &[u8], output: &mut [u8]) -> Result<(usize, usize)> {
        self.run(&mut Split { input, output })
    }

    /// Decodes `buf` in place: the data bytes are moved to its front. Returns `(consumed,
    /// produced)` as [`decode`](Self::decode) does; bytes after `consumed` were not part of the
    /// body (they follow its end). Lets a reader receive raw chunked bytes straight into the
    /// caller's buffer with one read and strip the framing there, instead of one read per chunk.
    ///
    /// ```
    /// use h1client::proto::chunked::ChunkedDecoder;
    /// let mut buf = *b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nHTTP/1.1 200 OK";
    /// let (used, n) = ChunkedDecoder::new(1024).decode_in_place(&mut buf)?;
    /// assert_eq!(&buf[..n], b"hello world");
    /// assert_eq!(&buf[used..], b"HTTP/1.1 200 OK"); // not part of the body
    /// # Ok::<(), h1client::proto::Error>(())
    /// ```
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
            self.advance(bufs.input_byte(i))?;
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
        self.state = Self::after_size_line(value);
        Some(used.saturating_add(digits).saturating_add(2))
    }

    /// Advances the state machine by one framing byte: each state's function decides the next
    /// state.
    fn advance(&mut self, b: u8) -> Result<()> {
        self.state = match self.state {
            State::Size { value, digits } => self.on_size(b, value, digits)?,
            State::SizeEnd { value } => self.on_size_end(b, value)?,
            State::Extension { value, at } => self.on_extension(b, value, at)?,
            State::SizeLf { value } => self.on_size_lf(b, value)?,
            State::DataCr | State::DataLf => self.on_data_end(b)?,
            State::TrailerStart | State::TrailerLine | State::TrailerLf | State::EndLf => self.on_trailer(b)?,
            State::Data(_) | State::Done => self.state,
        };
        Ok(())
    }

    /// The state after a complete size line: the data, or the trailers after the last chunk.
    fn after_size_line(value: u64) -> State {
        if value == 0 {
            State::TrailerStart
        } else {
            State::Data(value)
        }
    }

    /// Counts one byte of the size line against the line limit.
    fn count_line_byte(&mut self) -> Result<()> {
        self.line_len = self.line_len.saturating_add(1);
        if self.line_len > MAX_CHUNK_LINE {
            return Err(Error::ChunkLineTooLong { limit: MAX_CHUNK_LINE });
        }
        Ok(())
    }

    /// Counts one byte after the size digits (whitespace, extensions) against the budget.
    fn count_extension_byte(&mut self) -> Result<()> {
        self.count_line_byte()?;
        self.extension_total = self.extension_total.saturating_add(1);
        let limit = FREE_EXTENSION_BYTES.saturating_add(self.data_total);
        if self.extension_total > limit {
            return Err(Error::ChunkExtensionsTooLarge { limit });
        }
        Ok(())
    }

    /// `chunk-size = 1*HEXDIG`, and what may end it.
    fn on_size(&mut self, b: u8, value: u64, digits: u8) -> Result<State> {
        let Some(d) = hex_value(b) else {
            if digits == 0 {
                return Err(Error::ChunkSizeMissing { found: b });
            }
            return self.on_size_end(b, value);
        };
        self.count_line_byte()?;
        if digits == MAX_SIZE_DIGITS {
            return Err(Error::ChunkSizeTooLong);
        }
        // 16 digits at most: the shift cannot lose bits.
        let value = (value << 4) | u64::from(d);
        let digits = digits.saturating_add(1);
        Ok(State::Size { value, digits })
    }

    /// After the size: `BWS`, then `;` (an extension) or CR. A digit or anything else is refused.
    fn on_size_end(&mut self, b: u8, value: u64) -> Result<State> {
        match b {
            b'\r' => Ok(State::SizeLf { value }),
            b'\n' => Err(Error::ChunkLineNotCrlf),
            _ if is_bws(b) => {
                self.count_extension_byte()?;
                Ok(State::SizeEnd { value })
            }
            b';' => {
                self.count_extension_byte()?;
                Ok(State::Extension {
                    value,
                    at: Ext::NameStart,
                })
            }
            _ => Err(Error::InvalidAfterChunkSize { found: b }),
        }
    }

    /// `BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ]`, byte by byte.
    fn on_extension(&mut self, b: u8, value: u64, at: Ext) -> Result<State> {
        if b == b'\n' {
            return Err(Error::ChunkLineNotCrlf);
        }
        let ends_here = matches!(at, Ext::Name | Ext::AfterName | Ext::Token | Ext::AfterValue);
        if b == b'\r' && ends_here {
            return Ok(State::SizeLf { value });
        }
        self.count_extension_byte()?;
        let next = match (at, b) {
            (Ext::NameStart | Ext::AfterName | Ext::ValueStart | Ext::AfterValue, _) if is_bws(b) => at,
            (Ext::Name | Ext::Token, _) if is_bws(b) => {
                if at == Ext::Name {
                    Ext::AfterName
                } else {
                    Ext::AfterValue
                }
            }
            (Ext::NameStart | Ext::Name, _) if is_tchar(b) => Ext::Name,
            (Ext::Name | Ext::AfterName | Ext::Token | Ext::AfterValue, b';') => Ext::NameStart,
            (Ext::Name | Ext::AfterName, b'=') => Ext::ValueStart,
            (Ext::ValueStart, b'"') => Ext::Quoted,
            (Ext::ValueStart | Ext::Token, _) if is_tchar(b) => Ext::Token,
            (Ext::Quoted, b'"') => Ext::AfterValue,
            (Ext::Quoted, b'\\') => Ext::QuotedPair,
            (Ext::Quoted, _) if is_qdtext(b) => Ext::Quoted,
            (Ext::QuotedPair, _) if is_quotable(b) => Ext::Quoted,
            _ => return Err(Error::InvalidChunkExtension { found: b }),
        };
        Ok(State::Extension { value, at: next })
    }

    /// The LF that ends a size line.
    fn on_size_lf(&mut self, b: u8, value: u64) -> Result<State> {
        if b != b'\n' {
            return Err(Error::ChunkLineNotCrlf);
        }
        self.line_len = 0;
        Ok(Self::after_size_line(value))
    }

    /// The CRLF after chunk data.
    fn on_data_end(&mut self, b: u8) -> Result<State> {
        match (self.state, b) {
            (State::DataCr, b'\r') => Ok(State::DataLf),
            (State::DataLf, b'\n') => Ok(State::Size { value: 0, digits: 0 }),
            _ => Err(Error::ChunkDataNotCrlf),
        }
    }

    /// The trailer section: field lines kept as received, then the final CRLF.
    fn on_trailer(&mut self, b: u8) -> Result<State> {
        let next = match (self.state, b) {
            (State::TrailerStart, b'\r') => return Ok(State::EndLf),
            (State::EndLf, b'\n') => {
                if !self.trailers.is_empty() {
                    self.trailers.extend_from_slice(b"\r\n");
                }
                return Ok(State::Done);
            }
            (State::TrailerStart | State::TrailerLine, b'\n') => return Err(Error::TrailerLineNotCrlf),
            (State::TrailerLine, b'\r') => State::TrailerLf,
            (State::TrailerStart | State::TrailerLine, _) => State::TrailerLine,
            (State::TrailerLf, b'\n') => State::TrailerStart,
            _ => return Err(Error::TrailerLineNotCrlf),
        };
        if self.trailers.len() >= self.max_trailer_bytes {
            return Err(Error::TrailersTooLarge {
                limit: self.max_trailer_bytes,
            });
        }
        self.trailers.push(b);
        Ok(next)
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

/// The fields of a trailer section as the decoder keeps it (`Name: value\r\n` lines, then the
/// final `\r\n`): `(name, value)` with the value trimmed of whitespace. A line that is not a
/// field (no colon, a name that is not a token, a folded continuation) is skipped on its own:
/// trailers may be discarded selectively (RFC 9112 §7.1.2: a recipient "MAY selectively retain
/// or discard the received trailer fields"), and one bad line does not lose the others.
///
/// ```
/// use h1client::proto::chunked::trailer_fields;
/// let fields: Vec<_> = trailer_fields(b"X-Sum: 9\r\nbroken line\r\nX-Sig:  abc \r\n\r\n").collect();
/// assert_eq!(fields, [("X-Sum", &b"9"[..]), ("X-Sig", &b"abc"[..])]);
/// ```
pub fn trailer_fields(section: &[u8]) -> impl Iterator<Item = (&str, &[u8])> {
    section
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .filter_map(|line| {
            let colon = line.iter().position(|&b| b == b':')?;
            let (name, value) = line.split_at(colon);
            let name = std::str::from_utf8(name)
                .ok()
                .filter(|n| super::is_token(n.as_bytes()))?;
            Some((name, super::trim_ows(value.get(1..).unwrap_or_default())))
        })
}

/// The end of a chunked body we send: the last chunk and an empty trailer section.
///
/// ```
/// use h1client::proto::chunked::{ChunkedDecoder, LAST_CHUNK};
/// let mut decoder = ChunkedDecoder::new(1024);
/// let (used, n) = decoder.decode(LAST_CHUNK, &mut [])?;
/// assert_eq!((used, n), (LAST_CHUNK.len(), 0));
/// assert!(decoder.is_done()); // an empty body, complete
/// # Ok::<(), h1client::proto::Error>(())
/// ```
pub const LAST_CHUNK: &[u8] = b"0\r\n\r\n";

/// Writes the size line for a chunk of `len` bytes (`1a2b\r\n`) into `out`, returning the part
/// used.
///
/// ```
/// use h1client::proto::chunked::chunk_size_line;
/// let mut line = [0u8; 18];
/// assert_eq!(chunk_size_line(4096, &mut line), b"1000\r\n");
/// assert_eq!(chunk_size_line(0, &mut line), b"0\r\n");
/// ```
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

    /// How decoding a whole input ended.
    #[derive(Debug, PartialEq)]
    enum Outcome {
        /// The body and the trailers.
        Done(Vec<u8>, Vec<u8>),
        /// The input ended before the body did.
        Incomplete,
        Failed(Error),
    }

    /// Decodes all of `input` at once, then fed in pieces of every size from 1 to 7 into outputs
    /// of several sizes; all feedings must agree.
    fn decode_all(input: &[u8]) -> Outcome {
        let whole = decode_in_pieces(input, input.len().max(1), 1 << 20);
        for piece in 1..8 {
            for out_size in [1, 3, 1 << 20] {
                let split = decode_in_pieces(input, piece, out_size);
                assert_eq!(split, whole, "piece {piece} out {out_size} differs for {input:?}");
            }
        }
        whole
    }

    fn decode_in_pieces(input: &[u8], piece: usize, out_size: usize) -> Outcome {
        let mut d = ChunkedDecoder::new(1024);
        let mut body = Vec::new();
        let mut out = vec![0; out_size];
        let mut pending = Vec::new();
        for chunk in input.chunks(piece) {
            pending.extend_from_slice(chunk);
            loop {
                let (used, produced) = match d.decode(&pending, &mut out) {
                    Ok(r) => r,
                    Err(e) => return Outcome::Failed(e),
                };
                body.extend_from_slice(&out[..produced]);
                pending.drain(..used);
                if d.is_done() || (used == 0 && produced == 0) {
                    break;
                }
            }
            if d.is_done() {
                return Outcome::Done(body, d.trailers().to_vec());
            }
        }
        Outcome::Incomplete
    }

    fn done(body: &[u8], trailers: &[u8]) -> Outcome {
        Outcome::Done(body.to_vec(), trailers.to_vec())
    }

    #[rustfmt::skip]
    #[test]
    fn chunked_decoding_table() {
        let ok: &[(&[u8], &[u8], &[u8])] = &[
            (b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",                                   b"hello world", b""),
            (b"5;name=value\r\nhello\r\n6;a=\"q;uo\\\"ted\";b\r\n world\r\n0;last=1\r\n\r\n", b"hello world", b""),
            (b"5 \r\nhello\r\n0 ; x\r\n\r\n",                                             b"hello", b""),
            (b"5\t;\tx\t=\ty\t\r\nhello\r\n0\r\n\r\n",                                    b"hello", b""),
            (b"5;a;b=c;d=\"\"\r\nhello\r\n0\r\n\r\n",                                     b"hello", b""),
            (b"5;a=\"\xe9 \\\xff\"\r\nhello\r\n0\r\n\r\n",                                b"hello", b""),
            (b"A\r\n0123456789\r\n0\r\n\r\n",                                             b"0123456789", b""),
            (b"0000000000000001\r\nx\r\n0\r\n\r\n",                                       b"x", b""),
            (b"0\r\n\r\n",                                                                b"", b""),
            (b"5\r\nhello\r\n0\r\nX-Trailer: yes\r\nX-Other: 1\r\n\r\n",                  b"hello", b"X-Trailer: yes\r\nX-Other: 1\r\n\r\n"),
        ];
        for (input, body, trailers) in ok {
            assert_eq!(decode_all(input), done(body, trailers), "{input:?}");
        }
    }

    #[test]
    fn in_place_decoding_agrees_with_split_decoding() {
        let inputs: &[&[u8]] = &[
            b"5\r\nhello\r\n6;x=1\r\n world\r\n0\r\nT: 1\r\n\r\nNEXT",
            b"1\r\na\r\n1\r\nb\r\n0\r\n\r\n",
            b"3\r\nabc\r\nzz",
            b"3 4\r\nabc\r\n",
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
                    assert_eq!(ra, rb);
                    if ra.is_err() || whole.is_done() {
                        break;
                    }
                }
                assert_eq!(a, b, "{input:?} in pieces of {piece}");
                assert_eq!(whole.trailers(), inplace.trailers());
            }
        }
    }

    #[rustfmt::skip]
    #[test]
    fn chunked_errors_table() {
        use Error::*;
        let bad: &[(&[u8], Error)] = &[
            (b"10000000000000005\r\nhello\r\n0\r\n\r\n", ChunkSizeTooLong),
            (b"FFFFFFFFFFFFFFFFF\r\n",                   ChunkSizeTooLong),
            (b"+5\r\nhello\r\n0\r\n\r\n",                ChunkSizeMissing { found: b'+' }),
            (b"-5\r\nhello\r\n0\r\n\r\n",                ChunkSizeMissing { found: b'-' }),
            (b"\r\nhello\r\n0\r\n\r\n",                  ChunkSizeMissing { found: b'\r' }),
            (b" 5\r\nhello\r\n0\r\n\r\n",                ChunkSizeMissing { found: b' ' }),
            (b"0x5\r\nhello\r\n0\r\n\r\n",               InvalidAfterChunkSize { found: b'x' }),
            (b"5 6\r\nhello\r\n0\r\n\r\n",               InvalidAfterChunkSize { found: b'6' }),
            (b"5 junk\r\nhello\r\n0\r\n\r\n",            InvalidAfterChunkSize { found: b'j' }),
            (b"5\t\t7\r\nhello\r\n0\r\n\r\n",            InvalidAfterChunkSize { found: b'7' }),
            (b"5,6\r\nhello\r\n0\r\n\r\n",               InvalidAfterChunkSize { found: b',' }),
            (b"5;\r\nhello\r\n0\r\n\r\n",                InvalidChunkExtension { found: b'\r' }),
            (b"5;a b\r\nhello\r\n0\r\n\r\n",             InvalidChunkExtension { found: b'b' }),
            (b"5;a=b c\r\nhello\r\n0\r\n\r\n",           InvalidChunkExtension { found: b'c' }),
            (b"5;a=\r\nhello\r\n0\r\n\r\n",              InvalidChunkExtension { found: b'\r' }),
            (b"5;a=\"open\r\nhello\r\n0\r\n\r\n",        InvalidChunkExtension { found: b'\r' }),
            (b"5;a=\"q\"x\r\nhello\r\n0\r\n\r\n",        InvalidChunkExtension { found: b'x' }),
            (b"5;a\0b\r\nhello\r\n0\r\n\r\n",            InvalidChunkExtension { found: 0 }),
            (b"5;(a)\r\nhello\r\n0\r\n\r\n",             InvalidChunkExtension { found: b'(' }),
            (b"5\r\nhelloXX0\r\n\r\n",                   ChunkDataNotCrlf),
            (b"5\r\nhello\n0\r\n\r\n",                   ChunkDataNotCrlf),
            (b"5\nhello\r\n0\r\n\r\n",                   ChunkLineNotCrlf),
            (b"5;a\nhello\r\n0\r\n\r\n",                 ChunkLineNotCrlf),
            (b"5 \nhello\r\n0\r\n\r\n",                  ChunkLineNotCrlf),
            (b"5\rhello",                                ChunkLineNotCrlf),
            (b"0\r\nX: 1\nY: 2\r\n\r\n",                 TrailerLineNotCrlf),
            (b"0\r\n\rX",                                TrailerLineNotCrlf),
            (b"0\r\nX: 1\rY",                            TrailerLineNotCrlf),
        ];
        for (input, want) in bad {
            assert_eq!(decode_all(input), Outcome::Failed(want.clone()), "{input:?}");
        }
    }

    #[test]
    fn chunk_size_of_2_pow_64_is_refused() {
        // 2^64 is 1 followed by 16 zeros in hex: 17 digits.
        assert_eq!(
            decode_all(b"10000000000000000\r\n"),
            Outcome::Failed(Error::ChunkSizeTooLong)
        );
    }

    #[test]
    fn endless_extension_is_capped() {
        let mut input = b"5;".to_vec();
        input.resize(MAX_CHUNK_LINE + 10, b'x');
        assert_eq!(
            decode_all(&input),
            Outcome::Failed(Error::ChunkLineTooLong { limit: MAX_CHUNK_LINE })
        );
    }

    #[test]
    fn chunk_extensions_may_not_outweigh_the_data() {
        // 1-byte chunks each carrying 4000 bytes of extension: refused once the free allowance
        // is spent, long before the extensions cost 4000 times the body
        let ext = format!(";e={}", "x".repeat(4000));
        let one = format!("1{ext}\r\na\r\n");
        let mut d = ChunkedDecoder::new(1024);
        let mut out = [0u8; 64];
        let mut data = 0u64;
        let err = loop {
            match d.decode(one.as_bytes(), &mut out) {
                Ok((used, n)) => {
                    assert_eq!(used, one.len());
                    data += n as u64;
                }
                Err(e) => break e,
            }
        };
        assert_eq!(
            err,
            Error::ChunkExtensionsTooLarge {
                limit: FREE_EXTENSION_BYTES + data
            }
        );
        assert!(data < 20, "refused after {data} chunks");
        // extensions no heavier than the data are fine, however long the body
        let mut d = ChunkedDecoder::new(1024);
        let chunk = format!("40;sig={}\r\n{}\r\n", "f".repeat(60), "d".repeat(64));
        for _ in 0..10_000 {
            d.decode(chunk.as_bytes(), &mut [0u8; 128]).unwrap();
        }
    }

    #[test]
    fn trailers_are_capped() {
        let mut input = b"0\r\n".to_vec();
        for i in 0..100 {
            input.extend_from_slice(format!("X-{i}: aaaaaaaaaaaaaaaaaaaaa\r\n").as_bytes());
        }
        input.extend_from_slice(b"\r\n");
        assert_eq!(
            decode_all(&input),
            Outcome::Failed(Error::TrailersTooLarge { limit: 1024 })
        );
    }

    #[test]
    fn truncated_body_is_not_done() {
        for input in [
            &b"5\r\nhel"[..],
            b"5\r\nhello\r\n",
            b"5\r\nhello\r\n0\r\n",
            b"0\r\nX: y\r\n",
        ] {
            assert_eq!(decode_all(input), Outcome::Incomplete, "{input:?}");
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

    #[rustfmt::skip]
    #[test]
    fn trailer_lines_are_kept_or_skipped_one_by_one() {
        let cases: &[(&[u8], &[(&str, &[u8])])] = &[
            (b"",                                         &[]),
            (b"A: 1\r\n\r\n",                             &[("A", b"1")]),
            (b"A: 1\r\nno colon\r\nB:2\r\n\r\n",           &[("A", b"1"), ("B", b"2")]),
            (b"Bad Name: x\r\n C: folded\r\nD: \t4 \r\n\r\n", &[("D", b"4")]),
            (b": empty name\r\nE:\r\n\r\n",               &[("E", b"")]),
        ];
        for (section, want) in cases {
            let got: Vec<(&str, &[u8])> = trailer_fields(section).collect();
            assert_eq!(got, *want, "{section:?}");
        }
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
