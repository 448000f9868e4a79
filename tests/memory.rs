//! Bodies of any size in constant memory: 200 MiB uploads from a generated reader (chunked, with
//! Content-Length, inside a multipart form) and a 200 MiB download decoded from gzip, each
//! checked byte for byte on the other side while the process's peak resident memory is watched.
//!
//! Linux only (it reads `/proc/self/status`). One test function, so that no other test of this
//! binary runs at the same time and muddies the measurement.

#![cfg(target_os = "linux")]

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::thread;
use std::time::{Duration, Instant};

const SIZE: u64 = 200 << 20;

/// Peak growth allowed per transfer. Buffering a body would take 200 MiB; the transfers use a
/// few buffers of 16–64 KiB each, decoder state and thread stacks.
const ALLOWED: u64 = 8 << 20;

/// The byte at `pos` of the generated body.
fn pattern(pos: u64) -> u8 {
    (pos % 251) as u8 ^ (pos >> 20) as u8
}

/// `len` bytes of `pattern`, generated as they are read (no file, nothing held).
struct Generated {
    pos: u64,
    len: u64,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = (self.len - self.pos).min(buf.len() as u64) as usize;
        for (i, b) in buf[..n].iter_mut().enumerate() {
            *b = pattern(self.pos + i as u64);
        }
        self.pos += n as u64;
        Ok(n)
    }
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Runs `f` and returns how far the peak resident size rose above the size before it, in bytes.
/// The peak is reset first (`clear_refs` 5, Linux 4.0+); where that is refused, the peak since
/// the start of the process is used, which can only make the check stricter.
fn peak_growth(f: impl FnOnce()) -> u64 {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = status_kib("VmRSS:");
    f();
    status_kib("VmHWM:").saturating_sub(before) * 1024
}

/// An HTTP/1.1 request body as a server reads it: by Content-Length, or chunked.
enum Framing {
    Length(u64),
    Chunked,
}

/// A server for one request: reads the head, streams the body through `check` (as it comes, in
/// pieces), answers `200` with the body's length.
fn upload_server(check: impl FnMut(&[u8]) + Send + 'static) -> (String, thread::JoinHandle<u64>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/upload", listener.local_addr().unwrap());
    let handle = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut reader = BufReader::with_capacity(64 * 1024, stream.try_clone().unwrap());
        let framing = read_head(&mut reader);
        let total = read_body(&mut reader, framing, check);
        let mut stream = stream;
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{total}",
            total.to_string().len()
        );
        stream.write_all(answer.as_bytes()).unwrap();
        total
    });
    (url, handle)
}

fn read_line(r: &mut impl BufRead) -> String {
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    line.trim_end().to_string()
}

fn read_head(r: &mut impl BufRead) -> Framing {
    let mut framing = Framing::Length(0);
    loop {
        let line = read_line(r);
        if line.is_empty() {
            return framing;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            framing = Framing::Length(v.trim().parse().unwrap());
        } else if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            framing = Framing::Chunked;
        }
    }
}

fn read_body(r: &mut impl BufRead, framing: Framing, mut check: impl FnMut(&[u8])) -> u64 {
    let mut total = 0;
    let mut copy = |r: &mut dyn BufRead, mut n: u64, total: &mut u64| {
        while n > 0 {
            let buf = r.fill_buf().unwrap();
            assert!(!buf.is_empty(), "the body ended early");
            let take = buf.len().min(n as usize);
            check(&buf[..take]);
            r.consume(take);
            n -= take as u64;
            *total += take as u64;
        }
    };
    match framing {
        Framing::Length(n) => copy(r, n, &mut total),
        Framing::Chunked => loop {
            let size = u64::from_str_radix(read_line(r).split(';').next().unwrap(), 16).unwrap();
            if size == 0 {
                assert_eq!(read_line(r), "", "no trailers, then the end");
                break;
            }
            copy(r, size, &mut total);
            assert_eq!(read_line(r), "");
        },
    }
    total
}

/// A check that the bytes are `pattern` from position 0 on.
fn pattern_check() -> impl FnMut(&[u8]) + Send {
    let mut pos = 0u64;
    move |piece| {
        for &b in piece {
            assert_eq!(b, pattern(pos), "byte {pos}");
            pos += 1;
        }
    }
}

#[test]
fn bodies_of_any_size_use_constant_memory() {
    let agent = h1client::Agent::builder().timeout(Duration::from_secs(300)).build();
    // warm up: the first request builds what every later one reuses
    {
        let (url, server) = upload_server(|_| {});
        agent.post(&url).send(b"warm").unwrap().text().unwrap();
        server.join().unwrap();
    }
    let mut report = Vec::new();

    // 1. a reader of unknown length: chunked
    let (url, server) = upload_server(pattern_check());
    let started = Instant::now();
    let growth = peak_growth(|| {
        let resp = agent.put(&url).send_reader(Generated { pos: 0, len: SIZE }).unwrap();
        assert_eq!(resp.text().unwrap(), SIZE.to_string());
    });
    assert_eq!(server.join().unwrap(), SIZE);
    report.push(("upload, chunked", growth, started.elapsed()));

    // 2. a reader of known length: Content-Length
    let (url, server) = upload_server(pattern_check());
    let started = Instant::now();
    let growth = peak_growth(|| {
        let resp = agent
            .put(&url)
            .send_reader_sized(Generated { pos: 0, len: SIZE }, SIZE)
            .unwrap();
        assert_eq!(resp.text().unwrap(), SIZE.to_string());
    });
    assert_eq!(server.join().unwrap(), SIZE);
    report.push(("upload, Content-Length", growth, started.elapsed()));

    // 3. the same inside a multipart form (the server checks the file part's bytes)
    let form = h1client::Multipart::new().text("name", "big").part(
        "file",
        h1client::Part::reader_sized(Generated { pos: 0, len: SIZE }, SIZE).file_name("big.bin"),
    );
    let head_len = {
        // everything before the file's first byte: the text part and the file part's head
        let probe = h1client::Multipart::new().text("name", "big");
        probe.content_length().unwrap() - format!("--{}--\r\n", probe.boundary()).len() as u64
            + format!(
                "--{}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\r\n",
                form.boundary()
            )
            .len() as u64
    };
    let expected_len = form.content_length().unwrap();
    let mut pos = 0u64;
    let mut inner = pattern_check();
    let (url, server) = upload_server(move |piece| {
        let start = head_len.saturating_sub(pos).min(piece.len() as u64) as usize;
        let end = (head_len + SIZE).saturating_sub(pos).min(piece.len() as u64) as usize;
        if start < end {
            inner(&piece[start..end]);
        }
        pos += piece.len() as u64;
    });
    let started = Instant::now();
    let growth = peak_growth(|| {
        let resp = agent.post(&url).send_multipart(form).unwrap();
        assert_eq!(resp.text().unwrap(), expected_len.to_string());
    });
    assert_eq!(server.join().unwrap(), expected_len);
    report.push(("upload, multipart", growth, started.elapsed()));

    // 4. a 200 MiB body decoded from about 200 KiB of gzip, through into_reader()
    #[cfg(feature = "gzip")]
    {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..(SIZE >> 20) {
            gz.write_all(&zeros).unwrap();
        }
        let gz = gz.finish().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let server = thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            read_head(&mut reader);
            let mut stream = stream;
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
                gz.len()
            );
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(&gz).unwrap();
            gz.len()
        });
        let started = Instant::now();
        let growth = peak_growth(|| {
            let mut body = agent.get(&url).call().unwrap().into_reader();
            let mut buf = vec![0u8; 64 * 1024];
            let mut total = 0u64;
            loop {
                let n = body.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                assert!(buf[..n].iter().all(|&b| b == 0));
                total += n as u64;
            }
            assert_eq!(total, SIZE);
            assert_eq!(body.received(), body.expected_len().unwrap());
        });
        let sent = server.join().unwrap();
        report.push(("download, gzip-decoded", growth, started.elapsed()));
        eprintln!("(the gzip body was {sent} bytes)");
    }

    for (what, growth, took) in &report {
        eprintln!(
            "{what:>24}: 200 MiB, peak RSS +{:.2} MiB, {took:.2?}",
            *growth as f64 / (1 << 20) as f64
        );
    }
    for (what, growth, _) in report {
        assert!(
            growth < ALLOWED,
            "{what}: peak RSS grew by {growth} bytes for a {SIZE}-byte body"
        );
    }
}
