//! The loopback server, run as its own process (`h1client-bench server ...`).
//!
//! std only, plus rustls for the TLS port: one thread per connection, keep-alive, response bodies
//! written from blocks built once at start-up. It counts connections accepted and requests
//! served; the harness reads and resets the counters through the server's stdin/stdout:
//! `stats` answers `conns=N reqs=N cpu=SECONDS up=BYTES resumed=N`, `reset` zeroes them, end of input ends it.
//!
//! Endpoints:
//! - `GET /small`: 100 bytes, Content-Length.
//! - `POST /post`: reads the request body (must be 1 KiB), answers 100 bytes.
//! - `GET /cl?size=N`: N bytes, Content-Length.
//! - `GET /chunked?size=N&chunk=C`: N bytes in chunks of C bytes.
//! - `PUT /upload?size=N&framing=cl|chunked`: reads and drops the request body, answers the
//!   100-byte body if it had exactly N bytes in the framing asked for, 400 otherwise. Body bytes
//!   received are counted (`up=` in `stats`).
//!
//! A request with `Expect: 100-continue` gets its `100 Continue` before the body is read (curl
//! sends one with its uploads). On the TLS port, the kind of each connection's handshake is
//! counted: `resumed=` in `stats` is the number of resumed ones. The TLS configuration is rustls'
//! default for a server: two TLS 1.3 session tickets after each handshake, kept in a 256-entry
//! in-memory cache (stateful resumption).

use crate::raw::{find, header, parse_u64, ChunkScanner};
use crate::tlsutil;
use rustls::{ServerConnection, StreamOwned};
use std::collections::HashMap;
use std::io::{self, BufRead, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;

/// Size of the small bodies.
pub const SMALL_BODY: usize = 100;
/// Size of the POST request bodies.
pub const POST_BODY: usize = 1024;
/// The chunk sizes whose blocks are built at start-up.
const CHUNK_SIZES: [usize; 2] = [16 * 1024, 128];
/// Body bytes in one pre-built block.
const BLOCK: usize = 1024 * 1024;

static CONNECTIONS: AtomicU64 = AtomicU64::new(0);
static REQUESTS: AtomicU64 = AtomicU64::new(0);
static UPLOADED: AtomicU64 = AtomicU64::new(0);
static RESUMED: AtomicU64 = AtomicU64::new(0);

/// What the server wants to know about the stream a request came on.
trait Handshake {
    /// Was this a resumed TLS handshake?
    fn resumed(&self) -> bool;
}

impl Handshake for std::net::TcpStream {
    fn resumed(&self) -> bool {
        false
    }
}

impl Handshake for StreamOwned<ServerConnection, std::net::TcpStream> {
    fn resumed(&self) -> bool {
        self.conn.handshake_kind() == Some(rustls::HandshakeKind::Resumed)
    }
}

/// The byte at offset `i` of every body: printable, and not periodic on any power of two.
pub fn body_byte(i: usize) -> u8 {
    b'a' + (i % 23) as u8
}

/// Everything the handlers write, built once.
struct Bodies {
    small: Vec<u8>,
    post_answer: Vec<u8>,
    data: Vec<u8>,
    /// Chunk size → a block of whole chunks (size line, data, CRLF) carrying about [`BLOCK`] bytes.
    chunked: HashMap<usize, Vec<u8>>,
}

fn small_response() -> Vec<u8> {
    let mut r =
        format!("HTTP/1.1 200 OK\r\nContent-Length: {SMALL_BODY}\r\nContent-Type: text/plain\r\n\r\n").into_bytes();
    r.extend((0..SMALL_BODY).map(body_byte));
    r
}

impl Bodies {
    fn new() -> Bodies {
        let data: Vec<u8> = (0..BLOCK).map(body_byte).collect();
        let chunked = CHUNK_SIZES
            .iter()
            .map(|&c| {
                let mut block = Vec::new();
                for i in 0..(BLOCK / c).max(1) {
                    block.extend(format!("{c:x}\r\n").as_bytes());
                    block.extend((i * c..(i + 1) * c).map(body_byte));
                    block.extend(b"\r\n");
                }
                (c, block)
            })
            .collect();
        Bodies {
            small: small_response(),
            post_answer: small_response(),
            data,
            chunked,
        }
    }
}

/// The value of `key` in the query string of `target`.
fn query_str<'a>(target: &'a [u8], key: &str) -> Option<&'a [u8]> {
    let q = &target[target.iter().position(|&b| b == b'?')? + 1..];
    q.split(|&b| b == b'&').find_map(|pair| {
        let eq = pair.iter().position(|&b| b == b'=')?;
        (&pair[..eq] == key.as_bytes()).then(|| &pair[eq + 1..])
    })
}

/// A numeric `key=N` of the query string of `target`.
fn query_u64(target: &[u8], key: &str) -> Option<u64> {
    query_str(target, key).and_then(parse_u64)
}

fn write_length_body(out: &mut impl Write, bodies: &Bodies, size: u64) -> io::Result<()> {
    let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {size}\r\nContent-Type: application/octet-stream\r\n\r\n");
    out.write_all(head.as_bytes())?;
    let mut left = size;
    while left > 0 {
        let n = left.min(bodies.data.len() as u64) as usize;
        out.write_all(&bodies.data[..n])?;
        left -= n as u64;
    }
    Ok(())
}

fn write_chunked_body(out: &mut impl Write, bodies: &Bodies, size: u64, chunk: u64) -> io::Result<()> {
    let Some(block) = bodies.chunked.get(&(chunk as usize)) else {
        return out.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    };
    out.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/octet-stream\r\n\r\n")?;
    let chunks_per_block = (BLOCK as u64 / chunk).max(1);
    let frame = block.len() as u64 / chunks_per_block; // size line + data + CRLF
    let per_block = chunks_per_block * chunk;
    let mut left = size;
    while left >= per_block {
        out.write_all(block)?;
        left -= per_block;
    }
    let whole = left / chunk;
    out.write_all(&block[..(whole * frame) as usize])?;
    left -= whole * chunk;
    if left > 0 {
        out.write_all(format!("{left:x}\r\n").as_bytes())?;
        out.write_all(&bodies.data[..left as usize])?;
        out.write_all(b"\r\n")?;
    }
    out.write_all(b"0\r\n\r\n")
}

/// Serves requests on one connection until the client closes it.
fn serve<S: Read + Write + Handshake>(mut stream: S, bodies: &Bodies) -> io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    let (mut start, mut end) = (0, 0);
    let mut first = true;
    loop {
        // The request head.
        let head_end = loop {
            if let Some(p) = find(&buf[start..end], b"\r\n\r\n") {
                break start + p + 4;
            }
            if start > 0 {
                buf.copy_within(start..end, 0);
                end -= start;
                start = 0;
            }
            if end == buf.len() {
                return Err(io::Error::other("request head too large"));
            }
            match stream.read(&mut buf[end..]) {
                Ok(0) => return Ok(()),
                Ok(n) => end += n,
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => return Ok(()),
                Err(e) => return Err(e),
            }
        };
        if std::mem::take(&mut first) && stream.resumed() {
            // (by the first request the handshake is over)
            RESUMED.fetch_add(1, Relaxed);
        }
        let head = buf[start..head_end].to_vec();
        start = head_end;
        let line_end = find(&head, b"\r\n").unwrap_or(head.len());
        let mut parts = head[..line_end].split(|&b| b == b' ');
        let method = parts.next().unwrap_or_default();
        let target = parts.next().unwrap_or_default();
        let version = parts.next().unwrap_or_default();
        let connection = header(&head, "connection").map(<[u8]>::to_ascii_lowercase);
        let close = match version {
            b"HTTP/1.0" => connection.as_deref() != Some(b"keep-alive"),
            _ => connection.as_deref() == Some(b"close"),
        };

        if header(&head, "expect").is_some_and(|v| v.eq_ignore_ascii_case(b"100-continue")) {
            stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
            stream.flush()?;
        }

        // The request body, read and dropped (counted for the POST and upload checks).
        let mut body_len = 0u64;
        let chunked = header(&head, "transfer-encoding").is_some();
        if chunked {
            let mut scanner = ChunkScanner::default();
            loop {
                start += scanner.scan(&buf[start..end])?;
                if scanner.done() {
                    break;
                }
                start = 0;
                end = stream.read(&mut buf)?;
                if end == 0 {
                    return Ok(());
                }
            }
            body_len = scanner.data;
        } else if let Some(n) = header(&head, "content-length").and_then(parse_u64) {
            let buffered = n.min((end - start) as u64);
            start += buffered as usize;
            let mut left = n - buffered;
            while left > 0 {
                let want = left.min(buf.len() as u64) as usize;
                match stream.read(&mut buf[..want])? {
                    0 => return Ok(()),
                    got => left -= got as u64,
                }
                start = 0;
                end = 0;
            }
            body_len = n;
        }

        let path = &target[..target.iter().position(|&b| b == b'?').unwrap_or(target.len())];
        match (method, path) {
            (b"GET", b"/small") => stream.write_all(&bodies.small)?,
            (b"POST", b"/post") if body_len == POST_BODY as u64 => stream.write_all(&bodies.post_answer)?,
            (b"PUT", b"/upload") => {
                UPLOADED.fetch_add(body_len, Relaxed);
                let framing_ok = match query_str(target, "framing") {
                    Some(b"cl") => !chunked,
                    Some(b"chunked") => chunked,
                    _ => true,
                };
                if framing_ok && Some(body_len) == query_u64(target, "size") {
                    stream.write_all(&bodies.small)?
                } else {
                    stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")?
                }
            }
            (b"GET", b"/cl") => write_length_body(&mut stream, bodies, query_u64(target, "size").unwrap_or(0))?,
            (b"GET", b"/chunked") => write_chunked_body(
                &mut stream,
                bodies,
                query_u64(target, "size").unwrap_or(0),
                query_u64(target, "chunk").unwrap_or(16384),
            )?,
            _ => stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")?,
        }
        stream.flush()?;
        REQUESTS.fetch_add(1, Relaxed);
        if close {
            return Ok(());
        }
    }
}

fn accept_loop(listener: TcpListener, bodies: Arc<Bodies>, tls: Option<Arc<rustls::ServerConfig>>) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        CONNECTIONS.fetch_add(1, Relaxed);
        let _ = stream.set_nodelay(true);
        let bodies = bodies.clone();
        let tls = tls.clone();
        std::thread::spawn(move || {
            let result = match tls {
                None => serve(stream, &bodies),
                Some(config) => ServerConnection::new(config)
                    .map_err(io::Error::other)
                    .and_then(|conn| serve(StreamOwned::new(conn, stream), &bodies)),
            };
            // Errors are the client's doing (a reset, a handshake it gave up); the harness
            // checks what the client received.
            drop(result);
        });
    }
}

/// `server cert=PATH key=PATH [cpu=N]`: pins itself to CPU N if given, prints `READY http=PORT https=PORT`, then serves until stdin ends.
pub fn main(args: &crate::Args) -> Result<(), String> {
    if let Ok(cpu) = args.num("cpu") {
        crate::usage::pin_to_cpu(cpu as usize)?;
    }
    let tls = tlsutil::server_config(Path::new(args.get("cert")?), Path::new(args.get("key")?))?;
    let bodies = Arc::new(Bodies::new());
    let http = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let https = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let ports = (
        http.local_addr().map_err(|e| e.to_string())?.port(),
        https.local_addr().map_err(|e| e.to_string())?.port(),
    );
    let b = bodies.clone();
    std::thread::spawn(move || accept_loop(http, b, None));
    std::thread::spawn(move || accept_loop(https, bodies, Some(tls)));

    let mut out = io::stdout().lock();
    let say = |out: &mut io::StdoutLock, line: String| {
        writeln!(out, "{line}")
            .and_then(|()| out.flush())
            .map_err(|e| e.to_string())
    };
    say(&mut out, format!("READY http={} https={}", ports.0, ports.1))?;
    let mut cpu_base = crate::usage::this_process().cpu;
    for line in io::stdin().lock().lines() {
        match line.map_err(|e| e.to_string())?.trim() {
            "stats" => {
                let cpu = crate::usage::this_process().cpu - cpu_base;
                let (c, r) = (CONNECTIONS.load(Relaxed), REQUESTS.load(Relaxed));
                let (up, resumed) = (UPLOADED.load(Relaxed), RESUMED.load(Relaxed));
                say(
                    &mut out,
                    format!("conns={c} reqs={r} cpu={cpu:.6} up={up} resumed={resumed}"),
                )?;
            }
            "reset" => {
                CONNECTIONS.store(0, Relaxed);
                REQUESTS.store(0, Relaxed);
                UPLOADED.store(0, Relaxed);
                RESUMED.store(0, Relaxed);
                cpu_base = crate::usage::this_process().cpu;
                say(&mut out, "ok".to_string())?;
            }
            other => say(&mut out, format!("unknown command {other:?}"))?,
        }
    }
    Ok(())
}
