//! What `-v` and `--trace-ascii` show, both made from the library's trace events.
//!
//! `-v` prints curl's three kinds of line on stderr: `*` notes, `>` head lines sent, `<` head
//! lines received. `--trace-ascii FILE` writes everything exchanged, bodies included, in curl's
//! layout: a header line per block (`=> Send header, 78 bytes (0x4e)`), then the bytes as text
//! with their offset, one line per line of the protocol, non-printable bytes as `.`.
//!
//! The `Send`/`Recv` blocks are exactly what crosses the connection: heads (RFC 9112 §3, §4),
//! then bodies with their transfer framing (§6, §7.1), before any content decoding.

use h1client::Event;
use std::io::{self, Write};
use std::sync::Mutex;

/// One event, as the command line shows it.
pub enum Part<'a> {
    /// A note about what the client did.
    Note(String),
    /// Bytes of a request head.
    SentHead(&'a [u8]),
    /// Bytes of a request body (transfer framing included).
    SentData(&'a [u8]),
    /// Bytes of a response head.
    ReceivedHead(&'a [u8]),
    /// Bytes of a response body (as received, before decoding).
    ReceivedData(&'a [u8]),
}

/// Sorts an event into what is shown.
pub fn classify<'a>(event: &Event<'a>) -> Option<Part<'a>> {
    let note = |s: String| Some(Part::Note(s));
    match *event {
        Event::Resolved { host, addrs } => {
            let list: Vec<String> = addrs.iter().map(ToString::to_string).collect();
            note(format!("Resolved {host} to {}", list.join(", ")))
        }
        Event::Connecting { addr } => note(format!("  Trying {addr}...")),
        Event::Connected { addr, elapsed } => note(format!("Connected to {addr} in {elapsed:.1?}")),
        Event::TlsHandshake { version, cipher, alpn } => note(format!(
            "TLS connection using {version} / {cipher}, ALPN: {}",
            alpn.unwrap_or("none")
        )),
        Event::Reused { origin, idle } => note(format!("Re-using the connection to {origin} (idle {idle:.1?})")),
        Event::RequestHead { bytes } => Some(Part::SentHead(bytes)),
        Event::BodySent { bytes } => Some(Part::SentData(bytes)),
        Event::ResponseHead { bytes, .. } => Some(Part::ReceivedHead(bytes)),
        Event::BodyReceived { bytes } => Some(Part::ReceivedData(bytes)),
        Event::Framing { rule, .. } => note(format!("Body length: {rule}")),
        Event::ExpectContinue { outcome } => note(outcome.to_string()),
        Event::BodyDone { bytes } => note(format!("Body complete: {bytes} bytes")),
        Event::Pooled => note("Connection left open for reuse".into()),
        Event::Closed { reason } => note(format!("Closing connection: {reason}")),
        Event::Retry { reason } => note(format!("{reason}; retrying on a new connection")),
        Event::Redirect {
            status,
            to,
            dropped: [],
            ..
        } => note(format!("{status} redirect to {to}")),
        Event::Redirect {
            status, to, dropped, ..
        } => note(format!(
            "{status} redirect to {to} (not sending {} to the new origin)",
            dropped.join(", ")
        )),
        _ => None,
    }
}

/// `-v`: notes and head lines on stderr.
pub fn verbose(event: &Event<'_>) {
    match classify(event) {
        Some(Part::Note(n)) if !n.starts_with("Body complete") => {
            let _ = writeln!(io::stderr().lock(), "* {n}");
        }
        Some(Part::SentHead(b)) => verbose_lines(">", b),
        Some(Part::ReceivedHead(b)) => verbose_lines("<", b),
        _ => {}
    }
}

/// Head lines (or trailer fields) on stderr, each after `prefix` and a space, as `-v` shows
/// them.
pub fn verbose_lines(prefix: &str, bytes: &[u8]) {
    let mut err = io::stderr().lock();
    let text = String::from_utf8_lossy(bytes.strip_suffix(b"\r\n").unwrap_or(bytes));
    for line in text.split('\n') {
        let _ = writeln!(err, "{prefix} {}", line.strip_suffix('\r').unwrap_or(line));
    }
}

/// `--trace-ascii`: every byte exchanged, annotated, to a file (or stdout for `-`).
pub struct TraceAscii {
    out: Mutex<Box<dyn Write + Send>>,
}

impl TraceAscii {
    /// Opens the trace file.
    pub fn create(path: &str) -> io::Result<TraceAscii> {
        let out: Box<dyn Write + Send> = match path {
            "-" => Box::new(io::stdout()),
            "%" => Box::new(io::stderr()),
            p => Box::new(io::BufWriter::new(std::fs::File::create(p)?)),
        };
        Ok(TraceAscii { out: Mutex::new(out) })
    }

    /// Writes one event.
    pub fn record(&self, event: &Event<'_>) {
        let Some(part) = classify(event) else { return };
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        let _ = match part {
            Part::Note(n) => writeln!(out, "== Info: {n}"),
            Part::SentHead(b) => block(&mut *out, "=> Send header", b),
            Part::SentData(b) => block(&mut *out, "=> Send data", b),
            Part::ReceivedHead(b) => block(&mut *out, "<= Recv header", b),
            Part::ReceivedData(b) => block(&mut *out, "<= Recv data", b),
        };
        let _ = out.flush();
    }
}

/// One block: `label, N bytes (0xN)`, then `offset: text` lines. A line ends after LF or at 64
/// bytes; CR and LF are not printed, other non-printable bytes are shown as `.`.
fn block(out: &mut dyn Write, label: &str, bytes: &[u8]) -> io::Result<()> {
    writeln!(out, "{label}, {} bytes (0x{:x})", bytes.len(), bytes.len())?;
    let mut offset = 0usize;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        for piece in line.chunks(64) {
            let text: String = piece
                .iter()
                .filter(|&&b| b != b'\r' && b != b'\n')
                .map(|&b| if (0x20..0x7f).contains(&b) { char::from(b) } else { '.' })
                .collect();
            writeln!(out, "{offset:04x}: {text}")?;
            offset = offset.saturating_add(piece.len());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_break_at_line_ends_and_64_bytes() {
        let mut out = Vec::new();
        let long = [b'x'; 70];
        let bytes = [&b"GET / HTTP/1.1\r\nHost: h\r\n\r\n"[..], &long, b"\x01\xff"].concat();
        block(&mut out, "=> Send header", &bytes).unwrap();
        let text = String::from_utf8(out).unwrap();
        let want = format!(
            "=> Send header, 99 bytes (0x63)\n0000: GET / HTTP/1.1\n0010: Host: h\n0019: \n001b: {}\n005b: {}..\n",
            "x".repeat(64),
            "x".repeat(6)
        );
        assert_eq!(text, want);
    }
}
