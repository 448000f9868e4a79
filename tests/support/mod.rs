//! A scripted HTTP server on loopback for the integration tests: it sends raw bytes exactly as
//! a script says (valid HTTP or not), and records every byte it receives, parsed into requests
//! by a parser independent of the crate under test.
#![allow(dead_code)]

mod loopback;

// for `tls.rs` and `load.rs`, which build their servers on the same core
#[allow(unused_imports)]
pub use loopback::{Conn, ConnScript, Loopback, Recorded, Scripts, Slot, Wire};
use std::net::{SocketAddr, TcpListener, TcpStream};
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

/// What the server saw of one connection.
#[derive(Default, Debug)]
pub struct ConnLog {
    /// Every byte received, in order.
    pub raw: Vec<u8>,
    pub requests: Vec<Req>,
    pub marks: Vec<usize>,
}

impl Recorded for ConnLog {
    fn raw(&mut self) -> &mut Vec<u8> {
        &mut self.raw
    }
    fn requests(&mut self) -> &mut Vec<Req> {
        &mut self.requests
    }
}

/// The server: dropped, it stops.
pub struct Server {
    pub addr: SocketAddr,
    inner: Loopback<ConnLog>,
}

impl Server {
    /// One script per connection, in accept order. Connections beyond the scripts are closed.
    pub fn conns(scripts: Vec<Vec<Act>>) -> Server {
        Server::start(Scripts::per_connection(scripts))
    }

    /// Every connection loops "read a request, run the next response script"; the scripts are
    /// used in global request order and the connection is closed when they run out.
    pub fn responses(scripts: Vec<Vec<Act>>) -> Server {
        Server::start(Scripts::per_request(scripts))
    }

    /// Like [`Server::responses`], with scripts that may name the server's own address (a
    /// redirect to the same port under another host name, say).
    pub fn responses_for(make: impl FnOnce(SocketAddr) -> Vec<Vec<Act>>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let scripts = make(listener.local_addr().unwrap());
        Server::start_on(listener, Scripts::per_request(scripts))
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

    fn start(scripts: Scripts<Act>) -> Server {
        Server::start_on(TcpListener::bind("127.0.0.1:0").unwrap(), scripts)
    }

    fn start_on(listener: TcpListener, mut scripts: Scripts<Act>) -> Server {
        let inner = Loopback::start(listener, move || {
            let script = scripts.next_connection()?;
            Some(move |tcp: TcpStream, slot| {
                let _ = tcp.set_nodelay(true);
                // out of scripts: the connection is dropped (closed)
                script.serve(&mut Conn::new(tcp, slot), run_acts, |_| {});
            })
        });
        Server {
            addr: inner.addr,
            inner,
        }
    }

    /// `http://127.0.0.1:PORT` + path.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Requests received, over all connections in accept order.
    pub fn requests(&self) -> Vec<Req> {
        self.inner.logs().iter().flat_map(|c| c.requests.clone()).collect()
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.inner.connections()
    }

    /// The raw bytes received on connection `i`.
    pub fn raw(&self, i: usize) -> Vec<u8> {
        self.inner.logs().get(i).map(|c| c.raw.clone()).unwrap_or_default()
    }

    /// The byte counts noted by `Act::Mark` on connection `i`.
    pub fn marks(&self, i: usize) -> Vec<usize> {
        self.inner.logs().get(i).map(|c| c.marks.clone()).unwrap_or_default()
    }

    /// Requests received on connection `i`.
    pub fn requests_on(&self, i: usize) -> usize {
        self.inner.logs().get(i).map_or(0, |c| c.requests.len())
    }
}

/// Runs the steps; false when the connection is finished (closed, reset, or the client left).
fn run_acts(c: &mut Conn<TcpStream, ConnLog>, script: Vec<Act>) -> bool {
    for act in script {
        if c.slot.stopped() {
            return false;
        }
        let open = match act {
            Act::Read => c.read_request(false),
            Act::ReadHead => c.read_request(true),
            Act::ReadBody => c.read_body(),
            Act::Send(b) => c.send(&b),
            Act::Trickle(b, pause) => c.trickle_raw(&b, pause),
            Act::Sleep(d) => {
                c.slot.sleep(d);
                true
            }
            Act::Drain(d) => {
                c.drain(d);
                true
            }
            Act::Mark => {
                c.slot.record(|log| log.marks.push(log.raw.len()));
                true
            }
            Act::Close => {
                c.shutdown();
                false
            }
            Act::Reset => {
                let _ = socket2::SockRef::from(&c.io).set_linger(Some(Duration::ZERO));
                false
            }
        };
        if !open {
            return false;
        }
    }
    true
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
