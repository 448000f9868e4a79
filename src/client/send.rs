//! Sending a request: the head and body on the wire, framed as decided (RFC 9112 §6.2
//! `Content-Length`, §7.1 chunked), in as few system calls as possible.
//!
//! - A head with no body, or a body of up to 16 KiB in memory, goes out in **one write**; a
//!   larger body in memory goes out with the head in one vectored write.
//! - A body read from a `Read` is **streamed**: each piece read becomes one chunk (its size
//!   line, the data and the CRLF in one vectored write), or, with a `Content-Length`, raw bytes
//!   that must add up to exactly that length — a reader that gives fewer or more is an error,
//!   never a request whose framing lies.
//! - What the caller's `Content-Length` or `Transfer-Encoding` says is reconciled with the body
//!   before anything is sent ([`framing_for`]).

use super::conn::{HttpConn, Timeouts};
use crate::error::{Error, ErrorKind, Result, Step};
use crate::proto::framing;
use crate::proto::request::{expects_body, BodyFraming};
use crate::trace::{Event, Tracer};
use crate::transport::write_all_vectored;
use std::io::{Read, Seek, Write};

/// A body to send, as the request loop sees it.
pub(crate) enum Body<'a> {
    /// No body.
    Empty,
    /// Bytes in memory: sent with Content-Length, replayable on retry and redirect.
    Bytes(&'a [u8]),
    /// A stream: sent chunked (or with the user's Content-Length), read once, not replayable.
    Reader(&'a mut dyn Read, Option<u64>),
    /// A seekable stream of known length from a start position: replayed by seeking back.
    Seekable(&'a mut dyn ReadSeek, u64, u64),
}

/// `Read + Seek`, as one trait object.
pub(crate) trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

impl Body<'_> {
    /// Can the body be sent again (retry on a fresh connection, 307/308 redirect)?
    pub(crate) fn replayable(&self) -> bool {
        !matches!(self, Body::Reader(..))
    }

    /// Is there anything to send?
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Body::Empty => true,
            Body::Bytes(b) => b.is_empty(),
            Body::Reader(_, len) => *len == Some(0),
            Body::Seekable(_, _, len) => *len == 0,
        }
    }
}

/// Bodies up to this size are copied behind the head and sent in the same write.
const SMALL_BODY: usize = 16 * 1024;

/// Most bytes read from a body's reader for one write (one chunk, when chunked). Writes are what
/// an upload costs: 64 KiB ones cost a quarter of the system calls of 16 KiB ones, and the
/// receiver's CPU follows (measured in `bench/`, scenario `upload-cl`).
const UPLOAD_CHUNK: usize = 64 * 1024;

/// Decides the request body's framing and reconciles it with a user-supplied
/// `Content-Length` (which must match) or `Transfer-Encoding`.
pub(crate) fn framing_for(method: &str, headers: &[(String, Option<String>)], body: &Body<'_>) -> Result<BodyFraming> {
    let invalid = |m: String| Error::new(ErrorKind::InvalidRequest, Step::Request, m);
    let mut user_length = None;
    for (name, value) in headers {
        let Some(value) = value else { continue };
        if name.eq_ignore_ascii_case("content-length") {
            let n = framing::parse_digits(value.trim().as_bytes())
                .ok_or_else(|| invalid(format!("Content-Length {value:?} is not a number")))?;
            if user_length.is_some_and(|m| m != n) {
                return Err(invalid("two different Content-Length headers".into()));
            }
            user_length = Some(n);
        } else if name.eq_ignore_ascii_case("transfer-encoding") && !matches!(body, Body::Reader(_, None)) {
            return Err(invalid(
                "Transfer-Encoding is set by the client for streamed bodies only".into(),
            ));
        }
    }
    Ok(match body {
        Body::Empty => match user_length {
            Some(0) => BodyFraming::Length(0),
            Some(n) => return Err(invalid(format!("Content-Length {n} given but there is no body"))),
            None if expects_body(method) => BodyFraming::Length(0),
            None => BodyFraming::Empty,
        },
        Body::Bytes(b) => {
            let len = b.len() as u64;
            if user_length.is_some_and(|n| n != len) {
                return Err(invalid(format!(
                    "Content-Length {} does not match the {len}-byte body",
                    user_length.unwrap_or(0)
                )));
            }
            BodyFraming::Length(len)
        }
        Body::Reader(_, len) => match len.or(user_length) {
            Some(n) => BodyFraming::Length(n),
            None => BodyFraming::Chunked,
        },
        Body::Seekable(_, _, len) => {
            if user_length.is_some_and(|n| n != *len) {
                return Err(invalid(format!("Content-Length does not match the {len}-byte file")));
            }
            BodyFraming::Length(*len)
        }
    })
}

/// Writes the head (already in `conn.wbuf`) and the body.
pub(crate) fn send(
    conn: &mut HttpConn,
    body: &mut Body<'_>,
    framing: BodyFraming,
    io: &Timeouts,
    tracer: &Tracer,
) -> Result<()> {
    let (mut w, wbuf) = conn.writer(io);
    let result = match body {
        Body::Empty => w.write_all(wbuf),
        Body::Bytes(b) if b.len() <= SMALL_BODY => {
            tracer.emit(|| Event::BodySent { bytes: b });
            wbuf.extend_from_slice(b);
            w.write_all(wbuf)
        }
        Body::Bytes(b) => {
            tracer.emit(|| Event::BodySent { bytes: b });
            write_all_vectored(&mut w, &[wbuf, b])
        }
        Body::Reader(reader, _) => return send_reader(conn, &mut **reader, framing, io, tracer),
        Body::Seekable(reader, start, _) => {
            if let Err(e) = reader.seek(std::io::SeekFrom::Start(*start)) {
                let message = format!("rewinding the request body failed: {}", crate::error::io_phrase(&e));
                return Err(Error::new(ErrorKind::LocalIo, Step::ReadUpload, message).with_source(e));
            }
            return send_reader(conn, &mut **reader, framing, io, tracer);
        }
    };
    result.map_err(|e| conn.write_error(e, io))
}

fn read_body_source(reader: &mut dyn Read, buf: &mut [u8]) -> Result<usize> {
    loop {
        match reader.read(buf) {
            // (a reader claiming more than it was given is not believed)
            Ok(n) => return Ok(n.min(buf.len())),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            // an h1client error (the source is another response's body) stays what it was
            Err(e) => return Err(Error::recover(e).unwrap_or_else(|e| Error::local(Step::ReadUpload, e))),
        }
    }
}

/// Streams a reader: chunked (each read becomes one chunk, sent with its size line in one
/// write), or raw with a known length that the reader must match exactly.
fn send_reader(
    conn: &mut HttpConn,
    reader: &mut dyn Read,
    framing: BodyFraming,
    io: &Timeouts,
    tracer: &Tracer,
) -> Result<()> {
    let head_len = conn.wbuf.len();
    conn.wbuf.resize(head_len.saturating_add(UPLOAD_CHUNK), 0);
    let mut head_pending = head_len;
    let mut sent: u64 = 0;
    let origin = conn.origin().to_string();
    loop {
        let (mut w, wbuf) = conn.writer(io);
        let (head, data) = wbuf.split_at_mut(head_len);
        let want = match framing {
            BodyFraming::Length(total) => total.saturating_sub(sent).min(data.len() as u64) as usize,
            _ => data.len(),
        };
        let n = if want == 0 {
            0
        } else {
            let room = data.get_mut(..want).unwrap_or_default();
            read_body_source(reader, room).map_err(|e| e.with_host(&origin))?
        };
        let head = head.get(..head_pending).unwrap_or_default();
        let chunk = data.get(..n).unwrap_or_default();
        let mut line = [0u8; 18];
        let pieces: [&[u8]; 3] = match framing {
            BodyFraming::Chunked if n == 0 => [crate::proto::chunked::LAST_CHUNK, b"", b""],
            BodyFraming::Chunked => [crate::proto::chunked::chunk_size_line(n, &mut line), chunk, b"\r\n"],
            _ => [chunk, b"", b""],
        };
        if tracer.is_on() {
            let bytes = pieces.concat();
            tracer.emit(|| Event::BodySent { bytes: &bytes });
        }
        let result = write_all_vectored(&mut w, &[head, pieces[0], pieces[1], pieces[2]]);
        result.map_err(|e| conn.write_error(e, io))?;
        head_pending = 0;
        sent = sent.saturating_add(n as u64);
        if n == 0 {
            break;
        }
    }
    conn.wbuf.truncate(head_len);
    // a pooled connection keeps no upload-sized buffer
    conn.wbuf.shrink_to(4096);
    if let BodyFraming::Length(total) = framing {
        let mut probe = [0u8; 1];
        let extra = read_body_source(reader, &mut probe).map_err(|e| e.with_host(&origin))?;
        if sent != total || extra != 0 {
            let message = if sent < total {
                format!("the body reader ended after {sent} of the {total} bytes announced by Content-Length")
            } else {
                format!("the body reader gave more than the {total} bytes announced by Content-Length")
            };
            return Err(Error::new(ErrorKind::InvalidRequest, Step::Send, message).with_host(origin));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_table() {
        let h = |pairs: &[(&str, &str)]| -> Vec<(String, Option<String>)> {
            pairs
                .iter()
                .map(|(n, v)| (n.to_string(), Some(v.to_string())))
                .collect()
        };
        let mut reader: &[u8] = b"abc";
        assert_eq!(framing_for("GET", &[], &Body::Empty).unwrap(), BodyFraming::Empty);
        assert_eq!(framing_for("POST", &[], &Body::Empty).unwrap(), BodyFraming::Length(0));
        assert_eq!(
            framing_for("POST", &[], &Body::Bytes(b"abc")).unwrap(),
            BodyFraming::Length(3)
        );
        let declared = h(&[("content-length", "3")]);
        assert_eq!(
            framing_for("POST", &declared, &Body::Bytes(b"abc")).unwrap(),
            BodyFraming::Length(3)
        );
        let streamed = framing_for("PUT", &[], &Body::Reader(&mut reader, None)).unwrap();
        assert_eq!(streamed, BodyFraming::Chunked);
        let declared = h(&[("Content-Length", "3")]);
        let sized = framing_for("PUT", &declared, &Body::Reader(&mut reader, None)).unwrap();
        assert_eq!(sized, BodyFraming::Length(3));
        for (headers, body) in [
            (h(&[("Content-Length", "4")]), Body::Bytes(b"abc")),
            (h(&[("Content-Length", "x")]), Body::Bytes(b"abc")),
            (h(&[("Content-Length", "1")]), Body::Empty),
            (h(&[("Transfer-Encoding", "chunked")]), Body::Bytes(b"abc")),
        ] {
            let e = framing_for("POST", &headers, &body).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{headers:?}");
        }
    }
}
