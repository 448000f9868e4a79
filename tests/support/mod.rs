//! A scripted HTTP server on loopback for the integration tests: it sends raw bytes exactly as
//! a script says (valid HTTP or not), and records every byte it receives, parsed into requests
//! by a parser independent of the crate under test.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// One step of a connection script.
#[derive(Clone, Debug)]
pub enum Act {
    /// Read one complete request (head and body).
    Read,
    /// Read one request head only.
    ReadHead,
    /// Read the body of the request whose head `ReadHead` read (by its framing) and add it to
    /// that request.
    ReadBody,
    /// Send these bytes.
    Send(Vec<u8>),
    /// Send the bytes one at a time with a pause between them.
    Trickle(Vec<u8>, Duration),
    /// Wait.
    Sleep(Duration),
    /// Read and record until the peer closes or the time passes.
    Drain(Duration),
    /// Note how many bytes the connection has received so far (see [`Server::marks`]).
    Mark,
    /// Shut down (FIN) and close.
    Close,
    /// Close with a reset (RST).
    Reset,
}

/// `Act::Send` from anything byte-like.
pub fn send(b: impl AsRef<[u8]>) -> Act {
    Act::Send(b.as_ref().to_vec())
}

/// A complete response with a Content-Length.
pub fn resp(status: &str, headers: &[&str], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n").into_bytes();
    for h in headers {
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
    out
}

/// `200 OK` with this body.
pub fn ok(body: &str) -> Vec<u8> {
    resp("200 OK", &[], body.as_bytes())
}

/// A request as the server received it.
#[derive(Clone, Debug, Default)]
pub struct Req {
    pub head: Vec<u8>,
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    /// The body bytes after transfer decoding.
    pub body: Vec<u8>,
    /// The body bytes as sent.
    pub body_raw: Vec<u8>,
    pub chunked: bool,
    pub conn: usize,
    /// When the head was complete.
    pub head_at: Option<Instant>,
    /// When the body was complete.
    pub body_at: Option<Instant>,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

#[derive(Default, Debug)]
pub struct ConnLog {
    pub raw: Vec<u8>,
    pub requests: Vec<Req>,
    pub marks: Vec<usize>,
}

#[derive(Default)]
struct Shared {
    conns: Vec<ConnLog>,
}

/// The server: dropped, it stops.
pub struct Server {
    pub addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

enum Mode {
    Conns(std::vec::IntoIter<Vec<Act>>),
    Responses(Arc<Mutex<std::vec::IntoIter<Vec<Act>>>>),
}

impl Server {
    /// One script per connection, in accept order. Connections beyond the scripts are closed.
    pub fn conns(scripts: Vec<Vec<Act>>) -> Server {
        Server::start(Mode::Conns(scripts.into_iter()))
    }

    /// Every connection loops "read a request, run the next response script"; the scripts are
    /// used in global request order and the connection is closed when they run out.
    pub fn responses(scripts: Vec<Vec<Act>>) -> Server {
        Server::start(Mode::Responses(Arc::new(Mutex::new(scripts.into_iter()))))
    }

    /// Like [`Server::responses`], with scripts that may name the server's own address (a
    /// redirect to the same port under another host name, say).
    pub fn responses_for(make: impl FnOnce(SocketAddr) -> Vec<Vec<Act>>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let scripts = make(listener.local_addr().unwrap());
        Server::start_on(listener, Mode::Responses(Arc::new(Mutex::new(scripts.into_iter()))))
    }

    /// Answers every request with `200 OK` and this body, keeping connections open.
    pub fn always(body: &str) -> Server {
        let one = vec![send(ok(body))];
        Server::responses(std::iter::repeat_n(one, 100_000).collect())
    }

    /// Answers up to 100 requests with these exact bytes each, keeping connections open.
    pub fn always_raw(raw: Vec<u8>) -> Server {
        Server::responses(std::iter::repeat_n(vec![Act::Send(raw)], 100).collect())
    }

    fn start(mode: Mode) -> Server {
        Server::start_on(TcpListener::bind("127.0.0.1:0").unwrap(), mode)
    }

    fn start_on(listener: TcpListener, mut mode: Mode) -> Server {
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Mutex::new(Shared::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (sh, st) = (shared.clone(), stop.clone());
        let accept = thread::spawn(move || {
            let mut workers = Vec::new();
            for stream in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let index = {
                    let mut s = sh.lock().unwrap();
                    s.conns.push(ConnLog::default());
                    s.conns.len() - 1
                };
                let (sh, st) = (sh.clone(), st.clone());
                match &mut mode {
                    Mode::Conns(scripts) => match scripts.next() {
                        Some(script) => {
                            workers.push(thread::spawn(move || run_script(stream, script, index, &sh, &st)))
                        }
                        None => drop(stream),
                    },
                    Mode::Responses(scripts) => {
                        let scripts = scripts.clone();
                        workers.push(thread::spawn(move || run_responses(stream, &scripts, index, &sh, &st)));
                    }
                }
            }
            for w in workers {
                let _ = w.join();
            }
        });
        Server {
            addr,
            shared,
            stop,
            accept: Some(accept),
        }
    }

    /// `http://127.0.0.1:PORT` + path.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Requests received, over all connections in accept order.
    pub fn requests(&self) -> Vec<Req> {
        self.shared
            .lock()
            .unwrap()
            .conns
            .iter()
            .flat_map(|c| c.requests.clone())
            .collect()
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.shared.lock().unwrap().conns.len()
    }

    /// The raw bytes received on connection `i`.
    pub fn raw(&self, i: usize) -> Vec<u8> {
        self.shared
            .lock()
            .unwrap()
            .conns
            .get(i)
            .map(|c| c.raw.clone())
            .unwrap_or_default()
    }

    /// The byte counts noted by `Act::Mark` on connection `i`.
    pub fn marks(&self, i: usize) -> Vec<usize> {
        self.shared
            .lock()
            .unwrap()
            .conns
            .get(i)
            .map(|c| c.marks.clone())
            .unwrap_or_default()
    }

    /// Requests received on connection `i`.
    pub fn requests_on(&self, i: usize) -> usize {
        self.shared.lock().unwrap().conns.get(i).map_or(0, |c| c.requests.len())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

struct Conn<'a> {
    stream: TcpStream,
    buf: Vec<u8>,
    index: usize,
    shared: &'a Mutex<Shared>,
    stop: &'a AtomicBool,
}

impl Conn<'_> {
    /// Reads more bytes (recording them); false at EOF, on error, when the deadline passes or
    /// when the server stops.
    fn more(&mut self, deadline: Instant) -> bool {
        let mut chunk = [0u8; 65536];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || self.stop.load(Ordering::SeqCst) {
                return false;
            }
            let _ = self.stream.set_read_timeout(Some(left.min(Duration::from_millis(50))));
            match self.stream.read(&mut chunk) {
                Ok(0) => return false,
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    self.shared.lock().unwrap().conns[self.index]
                        .raw
                        .extend_from_slice(&chunk[..n]);
                    return true;
                }
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => continue,
                Err(_) => return false,
            }
        }
    }

    /// Reads the body of the last request read with `head_only`.
    fn read_body(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        let Some(mut req) = self.shared.lock().unwrap().conns[self.index].requests.last().cloned() else {
            return false;
        };
        loop {
            if let Some((body, used)) = parse_body(&req, &self.buf) {
                req.body_raw = self.buf[..used].to_vec();
                req.body = body;
                req.body_at = Some(Instant::now());
                self.buf.drain(..used);
                *self.shared.lock().unwrap().conns[self.index]
                    .requests
                    .last_mut()
                    .unwrap() = req;
                return true;
            }
            if !self.more(deadline) {
                return false;
            }
        }
    }

    fn read_request(&mut self, head_only: bool) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match parse_request(&self.buf, head_only) {
                Some((mut req, used)) => {
                    self.buf.drain(..used);
                    req.conn = self.index;
                    req.head_at = Some(Instant::now());
                    if !head_only {
                        req.body_at = req.head_at;
                    }
                    self.shared.lock().unwrap().conns[self.index].requests.push(req);
                    return true;
                }
                None => {
                    if !self.more(deadline) {
                        return false;
                    }
                }
            }
        }
    }
}

/// Runs actions; false when the connection is finished (closed, reset, or the peer left).
fn run_acts(c: &mut Conn<'_>, script: Vec<Act>, stop: &AtomicBool) -> bool {
    for act in script {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        match act {
            Act::Read => {
                if !c.read_request(false) {
                    return false;
                }
            }
            Act::ReadHead => {
                if !c.read_request(true) {
                    return false;
                }
            }
            Act::ReadBody => {
                if !c.read_body() {
                    return false;
                }
            }
            Act::Send(b) => {
                if c.stream.write_all(&b).is_err() {
                    return false;
                }
            }
            Act::Trickle(b, pause) => {
                for byte in b {
                    if stop.load(Ordering::SeqCst) || c.stream.write_all(&[byte]).is_err() {
                        return false;
                    }
                    thread::sleep(pause);
                }
            }
            Act::Sleep(d) => {
                let end = Instant::now() + d;
                while Instant::now() < end && !stop.load(Ordering::SeqCst) {
                    thread::sleep(Duration::from_millis(10).min(end.saturating_duration_since(Instant::now())));
                }
            }
            Act::Mark => {
                let mut shared = c.shared.lock().unwrap();
                let log = &mut shared.conns[c.index];
                let n = log.raw.len();
                log.marks.push(n);
            }
            Act::Drain(d) => {
                let deadline = Instant::now() + d;
                while c.more(deadline) {}
            }
            Act::Close => {
                let _ = c.stream.shutdown(Shutdown::Write);
                let deadline = Instant::now() + Duration::from_secs(2);
                while c.more(deadline) {}
                return false;
            }
            Act::Reset => {
                let _ = socket2::SockRef::from(&c.stream).set_linger(Some(Duration::ZERO));
                return false;
            }
        }
    }
    true
}

/// After a script: keep reading (and recording) until the client leaves or the server stops.
fn linger(c: &mut Conn<'_>) {
    let end = Instant::now() + Duration::from_secs(30);
    while c.more(end) {}
}

fn run_script(stream: TcpStream, script: Vec<Act>, index: usize, shared: &Mutex<Shared>, stop: &AtomicBool) {
    let _ = stream.set_nodelay(true);
    let mut c = Conn {
        stream,
        buf: Vec::new(),
        index,
        shared,
        stop,
    };
    if run_acts(&mut c, script, stop) {
        linger(&mut c);
    }
}

fn run_responses(
    stream: TcpStream,
    scripts: &Mutex<std::vec::IntoIter<Vec<Act>>>,
    index: usize,
    shared: &Mutex<Shared>,
    stop: &AtomicBool,
) {
    let _ = stream.set_nodelay(true);
    let mut c = Conn {
        stream,
        buf: Vec::new(),
        index,
        shared,
        stop,
    };
    loop {
        if !c.read_request(false) {
            return;
        }
        let Some(script) = scripts.lock().unwrap().next() else {
            return;
        };
        if !run_acts(&mut c, script, stop) {
            return;
        }
    }
}

/// Parses one request at the start of `buf`: `Some((request, bytes used))`, or `None` when
/// more bytes are needed.
pub fn parse_request(buf: &[u8], head_only: bool) -> Option<(Req, usize)> {
    let mut slots = [httparse::EMPTY_HEADER; 128];
    let mut r = httparse::Request::new(&mut slots);
    let head_len = match r.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        _ => return None,
    };
    let mut req = Req {
        head: buf[..head_len].to_vec(),
        method: r.method.unwrap_or("").to_string(),
        target: r.path.unwrap_or("").to_string(),
        headers: r
            .headers
            .iter()
            .map(|h| (h.name.to_string(), String::from_utf8_lossy(h.value).into_owned()))
            .collect(),
        ..Req::default()
    };
    req.chunked = req
        .header("transfer-encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
    if head_only {
        return Some((req, head_len));
    }
    let rest = &buf[head_len..];
    let (body, used) = parse_body(&req, rest)?;
    req.body_raw = rest[..used].to_vec();
    req.body = body;
    Some((req, head_len + used))
}

/// The body of `req` at the start of `buf`, by its framing: `Some((body, bytes used))`, or
/// `None` when more bytes are needed.
pub fn parse_body(req: &Req, buf: &[u8]) -> Option<(Vec<u8>, usize)> {
    if req.chunked {
        return dechunk(buf);
    }
    let len: usize = req
        .header("content-length")
        .map_or(0, |v| v.trim().parse().unwrap_or(0));
    if buf.len() < len {
        return None;
    }
    Some((buf[..len].to_vec(), len))
}

/// A strict, independent chunked decoder: `None` if incomplete; panics on malformed framing
/// (a test failure: the client must frame correctly).
pub fn dechunk(buf: &[u8]) -> Option<(Vec<u8>, usize)> {
    let mut body = Vec::new();
    let mut pos = 0;
    loop {
        let line_end = buf[pos..].windows(2).position(|w| w == b"\r\n")? + pos;
        let line = std::str::from_utf8(&buf[pos..line_end]).expect("chunk size line is ASCII");
        let size = usize::from_str_radix(line.split(';').next().unwrap().trim(), 16).expect("hex chunk size");
        pos = line_end + 2;
        if size == 0 {
            // trailers until an empty line
            loop {
                let end = buf[pos..].windows(2).position(|w| w == b"\r\n")? + pos;
                let empty = end == pos;
                pos = end + 2;
                if empty {
                    return Some((body, pos));
                }
            }
        }
        if buf.len() < pos + size + 2 {
            return None;
        }
        body.extend_from_slice(&buf[pos..pos + size]);
        pos += size;
        assert_eq!(&buf[pos..pos + 2], b"\r\n", "chunk data must end with CRLF");
        pos += 2;
    }
}

/// One part of a `multipart/form-data` body, as a server reads it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FormPart {
    /// The part's header lines, as sent.
    pub headers: Vec<String>,
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// A strict, independent `multipart/form-data` parser (RFC 7578, RFC 2046 §5.1.1): the boundary
/// comes from the Content-Type; panics (a test failure) on anything malformed.
pub fn parse_multipart(content_type: &str, body: &[u8]) -> Vec<FormPart> {
    let (kind, params) = content_type.split_once(';').expect("Content-Type has parameters");
    assert_eq!(kind.trim(), "multipart/form-data");
    let boundary = params
        .trim()
        .strip_prefix("boundary=")
        .expect("boundary parameter")
        .trim_matches('"');
    assert!(!boundary.is_empty() && boundary.len() <= 70, "RFC 2046 boundary length");
    let first = format!("--{boundary}\r\n");
    let delimiter = format!("\r\n--{boundary}");
    assert!(
        body.starts_with(first.as_bytes()),
        "body starts with the first delimiter"
    );
    let find = |hay: &[u8], needle: &[u8], from: usize| {
        hay[from..]
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + from)
    };
    let mut parts = Vec::new();
    let mut pos = first.len();
    loop {
        let head_end = find(body, b"\r\n\r\n", pos).expect("part head ends");
        let headers: Vec<String> = std::str::from_utf8(&body[pos..head_end])
            .expect("part head is UTF-8")
            .split("\r\n")
            .map(str::to_string)
            .collect();
        let data_start = head_end + 4;
        let data_end = find(body, delimiter.as_bytes(), data_start).expect("part ends with a delimiter");
        let mut part = FormPart {
            data: body[data_start..data_end].to_vec(),
            ..FormPart::default()
        };
        for h in &headers {
            let (name, value) = h.split_once(": ").expect("header line");
            if name.eq_ignore_ascii_case("content-disposition") {
                let mut params = value.split("; ");
                assert_eq!(params.next(), Some("form-data"));
                for p in params {
                    let (k, v) = p.split_once('=').expect("parameter");
                    let v = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).expect("quoted");
                    match k {
                        "name" => part.name = v.to_string(),
                        "filename" => part.file_name = Some(v.to_string()),
                        other => panic!("unexpected parameter {other}"),
                    }
                }
            } else if name.eq_ignore_ascii_case("content-type") {
                part.content_type = Some(value.to_string());
            } else {
                panic!("unexpected part header {h}");
            }
        }
        part.headers = headers;
        parts.push(part);
        pos = data_end + delimiter.len();
        if body[pos..].starts_with(b"--\r\n") {
            assert_eq!(pos + 4, body.len(), "nothing after the closing delimiter");
            return parts;
        }
        assert!(body[pos..].starts_with(b"\r\n"), "delimiter line ends with CRLF");
        pos += 2;
    }
}
