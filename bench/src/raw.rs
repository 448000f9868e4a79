//! The "physical limit" client: a fixed request written to a socket, and just enough parsing of
//! the answer to find where it ends. Also the chunked-framing scanner the server uses for request
//! bodies.

use std::io::{self, Read, Write};

/// Size of the read buffer (the other clients are read through a buffer of the same size).
pub const BUF_SIZE: usize = 64 * 1024;

/// Finds the end of a chunked body while counting its data bytes, without copying anything.
#[derive(Default)]
pub struct ChunkScanner {
    state: ChunkState,
    size: u64,
    data_left: u64,
    /// Data bytes seen so far.
    pub data: u64,
}

#[derive(Default, PartialEq)]
enum ChunkState {
    #[default]
    Size,
    Extension,
    SizeLf,
    Data,
    DataCr,
    DataLf,
    TrailerStart,
    TrailerLine,
    FinalLf,
    Done,
}

impl ChunkScanner {
    /// Has the last chunk and the trailer section been seen?
    pub fn done(&self) -> bool {
        self.state == ChunkState::Done
    }

    /// Scans `input`; returns how many bytes belong to the body (all of them unless the end was
    /// found inside `input`).
    pub fn scan(&mut self, input: &[u8]) -> io::Result<usize> {
        let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_string());
        let mut i = 0;
        while i < input.len() && self.state != ChunkState::Done {
            if self.state == ChunkState::Data {
                let n = self.data_left.min((input.len() - i) as u64);
                self.data_left -= n;
                self.data += n;
                i += n as usize;
                if self.data_left == 0 {
                    self.state = ChunkState::DataCr;
                }
                continue;
            }
            let b = input[i];
            i += 1;
            self.state = match self.state {
                ChunkState::Size => match b {
                    b'0'..=b'9' | b'a'..=b'f' | b'A'..=b'F' => {
                        let digit = (b as char).to_digit(16).unwrap_or(0) as u64;
                        self.size = self
                            .size
                            .checked_mul(16)
                            .map(|s| s + digit)
                            .ok_or_else(|| bad("chunk size overflows"))?;
                        ChunkState::Size
                    }
                    b';' | b' ' | b'\t' => ChunkState::Extension,
                    b'\r' => ChunkState::SizeLf,
                    _ => return Err(bad("bad chunk size")),
                },
                ChunkState::Extension => match b {
                    b'\r' => ChunkState::SizeLf,
                    _ => ChunkState::Extension,
                },
                ChunkState::SizeLf if b == b'\n' => {
                    self.data_left = std::mem::take(&mut self.size);
                    if self.data_left == 0 {
                        ChunkState::TrailerStart
                    } else {
                        ChunkState::Data
                    }
                }
                ChunkState::DataCr if b == b'\r' => ChunkState::DataLf,
                ChunkState::DataLf if b == b'\n' => ChunkState::Size,
                ChunkState::TrailerStart => match b {
                    b'\r' => ChunkState::FinalLf,
                    _ => ChunkState::TrailerLine,
                },
                ChunkState::TrailerLine => match b {
                    b'\n' => ChunkState::TrailerStart,
                    _ => ChunkState::TrailerLine,
                },
                ChunkState::FinalLf if b == b'\n' => ChunkState::Done,
                _ => return Err(bad("bad chunked framing")),
            };
        }
        Ok(i)
    }
}

/// Where `needle` first occurs in `hay`.
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The value of header `name` in a head (status or request line first, then `Name: value` lines).
pub fn header<'a>(head: &'a [u8], name: &str) -> Option<&'a [u8]> {
    head.split(|&b| b == b'\n').skip(1).find_map(|line| {
        let colon = line.iter().position(|&b| b == b':')?;
        line[..colon]
            .eq_ignore_ascii_case(name.as_bytes())
            .then(|| line[colon + 1..].trim_ascii())
    })
}

/// Parses a decimal header value.
pub fn parse_u64(value: &[u8]) -> Option<u64> {
    std::str::from_utf8(value).ok()?.parse().ok()
}

/// The size of the writes of the raw upload: 64 KiB, what curl uses for its upload buffer.
pub const UPLOAD_PIECE: usize = 64 * 1024;

/// Writes every byte of `bufs` with `writev`, as many calls as the kernel needs.
pub fn write_all_vectored(w: &mut impl Write, mut bufs: &mut [io::IoSlice<'_>]) -> io::Result<()> {
    io::IoSlice::advance_slices(&mut bufs, 0);
    while !bufs.is_empty() {
        match w.write_vectored(bufs) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => io::IoSlice::advance_slices(&mut bufs, n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// One keep-alive connection with its read buffer.
pub struct RawConn<S> {
    stream: S,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
}

impl<S: Read + Write> RawConn<S> {
    /// Wraps a connected stream.
    pub fn new(stream: S) -> Self {
        RawConn {
            stream,
            buf: vec![0; BUF_SIZE].into_boxed_slice(),
            start: 0,
            end: 0,
        }
    }

    /// Reads more bytes behind the buffered ones; an error at end of stream.
    fn fill(&mut self) -> io::Result<()> {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        } else if self.end == self.buf.len() {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            return Err(io::Error::other("response head too large"));
        }
        match self.stream.read(&mut self.buf[self.end..])? {
            0 => Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                self.end += n;
                Ok(())
            }
        }
    }

    /// Sends `request` (head and body, ready-made) and reads the whole response; returns the
    /// number of body bytes. Anything but a 200 is an error.
    pub fn exchange(&mut self, request: &[u8]) -> io::Result<u64> {
        self.stream.write_all(request)?;
        self.stream.flush()?;
        self.read_response()
    }

    /// Sends `head`, then the body read from `body` in pieces of up to [`UPLOAD_PIECE`] bytes,
    /// each piece one write (chunked: one `writev` of size line, data and CRLF, then the last
    /// chunk on its own); then reads the response as [`exchange`](Self::exchange) does.
    pub fn upload(&mut self, head: &[u8], body: &mut dyn Read, chunked: bool) -> io::Result<u64> {
        self.stream.write_all(head)?;
        let mut piece = vec![0u8; UPLOAD_PIECE];
        loop {
            let n = match body.read(&mut piece) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunked {
                let mut line = [0u8; 20];
                let mut cursor = io::Cursor::new(&mut line[..]);
                write!(cursor, "{n:x}\r\n")?;
                let len = cursor.position() as usize;
                let mut bufs = [
                    io::IoSlice::new(&line[..len]),
                    io::IoSlice::new(&piece[..n]),
                    io::IoSlice::new(b"\r\n"),
                ];
                write_all_vectored(&mut self.stream, &mut bufs)?;
            } else {
                self.stream.write_all(&piece[..n])?;
            }
        }
        if chunked {
            self.stream.write_all(b"0\r\n\r\n")?;
        }
        self.stream.flush()?;
        self.read_response()
    }

    /// Reads one whole response; returns the number of body bytes. Anything but a 200 is an error.
    fn read_response(&mut self) -> io::Result<u64> {
        let head_end = loop {
            if let Some(p) = find(&self.buf[self.start..self.end], b"\r\n\r\n") {
                break self.start + p + 4;
            }
            self.fill()?;
        };
        let head = &self.buf[self.start..head_end];
        if !head.starts_with(b"HTTP/1.1 200 ") {
            let line = head.split(|&b| b == b'\r').next().unwrap_or_default();
            return Err(io::Error::other(format!(
                "unexpected status line {:?}",
                String::from_utf8_lossy(line)
            )));
        }
        let chunked = header(head, "transfer-encoding").is_some_and(|v| v.ends_with(b"chunked"));
        let length = header(head, "content-length").and_then(parse_u64);
        self.start = head_end;
        if chunked {
            let mut scanner = ChunkScanner::default();
            loop {
                self.start += scanner.scan(&self.buf[self.start..self.end])?;
                if scanner.done() {
                    return Ok(scanner.data);
                }
                self.fill()?;
            }
        }
        let total = length.ok_or_else(|| io::Error::other("no Content-Length"))?;
        let buffered = total.min((self.end - self.start) as u64);
        self.start += buffered as usize;
        let mut left = total - buffered;
        while left > 0 {
            let want = left.min(self.buf.len() as u64) as usize;
            match self.stream.read(&mut self.buf[..want])? {
                0 => return Err(io::ErrorKind::UnexpectedEof.into()),
                n => left -= n as u64,
            }
        }
        Ok(total)
    }
}
