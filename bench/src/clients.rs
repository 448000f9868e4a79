//! The clients under test, each run in a process of its own (`h1client-bench client NAME OP
//! key=value...`), which prints one `RESULT key=value...` line for the harness.
//!
//! Every client reads every response body to its end through its own streaming `Read` API, into
//! the same 64 KiB buffer, and the byte counts are checked: nobody gets away without reading.
//! Every upload reads its body from the same in-memory [`Pattern`] reader, through the
//! client's own API for a streamed body.
//!
//! Operations (`OP`): `get-body`, `get-many`, `post-many`, `alloc` (one client, `count`
//! requests), `handshake` (a new client per request), `resume` (one client, a new connection
//! per request: `Connection: close`), `upload` (one PUT of `upload=N` bytes, `framing=cl` or
//! `chunked`), `concurrent` (`threads=T` threads sharing one client, `count` requests in all),
//! `cold-start` (`count` runs of a program, `bin=PATH`, one HTTPS GET each) and `cli-upload`
//! (one run of a program uploading `file=PATH`). The last two measure child processes.

use crate::raw::{RawConn, BUF_SIZE};
use crate::{alloc, tlsutil, usage, Args};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// The body every POST sends.
static POST_BODY: [u8; crate::server::POST_BODY] = [b'p'; crate::server::POST_BODY];

/// Every client name the harness knows, in table order.
pub const ALL: [&str; 9] = [
    "raw",
    "raw-tls",
    "h1client",
    "ureq",
    "minreq",
    "attohttpc",
    "reqwest",
    "h1client-cli",
    "curl",
];

type Res<T> = Result<T, String>;

/// How the client is to be set up.
#[derive(Clone, Copy, Default)]
struct Opts {
    /// Every request says `Connection: close`: a new connection each time, on the same client
    /// (and so the same TLS configuration and session cache).
    close: bool,
}

/// One HTTP client library, configured to trust the benchmark's CA.
trait Client: Send {
    /// GETs `url`; returns the number of body bytes read.
    fn get(&mut self, url: &str, buf: &mut [u8]) -> Res<u64>;
    /// POSTs the 1 KiB body to `url`; returns the number of answer bytes read.
    fn post(&mut self, url: &str, buf: &mut [u8]) -> Res<u64>;
    /// PUTs the bytes of `body`, read as the client goes: with `Content-Length` when `sized`,
    /// else as a stream of unknown length (chunked); returns the number of answer bytes read.
    fn put(&mut self, url: &str, body: Pattern, sized: bool, buf: &mut [u8]) -> Res<u64>;
    /// The same client for another thread: a clone sharing the agent's pool (raw: a client of
    /// its own, with its own connection).
    fn share(&self) -> Box<dyn Client>;
}

/// Bytes of the block the [`Pattern`] reader repeats.
const PATTERN_BLOCK: usize = 1024 * 1024;

/// The repeated block, built once (before any measurement).
fn pattern_block() -> &'static [u8] {
    static BLOCK: OnceLock<Vec<u8>> = OnceLock::new();
    BLOCK.get_or_init(|| (0..PATTERN_BLOCK).map(crate::server::body_byte).collect())
}

/// The upload source: `len` bytes of the server's body pattern, copied out of memory into
/// whatever buffer the client reads with. A `Read` of "unknown" length: nothing tells its size
/// but the caller.
pub struct Pattern {
    left: u64,
    pos: usize,
}

impl Pattern {
    pub fn new(len: u64) -> Pattern {
        pattern_block();
        Pattern { left: len, pos: 0 }
    }

    fn len(&self) -> u64 {
        self.left
    }
}

impl Read for Pattern {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let block = pattern_block();
        let n = (buf.len() as u64).min(self.left).min((block.len() - self.pos) as u64) as usize;
        buf[..n].copy_from_slice(&block[self.pos..self.pos + n]);
        self.pos = (self.pos + n) % block.len();
        self.left -= n as u64;
        Ok(n)
    }
}

/// Reads `r` to its end; returns how many bytes it gave.
fn drain(mut r: impl Read, buf: &mut [u8]) -> Res<u64> {
    let mut total = 0u64;
    loop {
        match r.read(buf) {
            Ok(0) => return Ok(total),
            Ok(n) => total += n as u64,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("reading the body: {e}")),
        }
    }
}

fn status_ok(status: u16) -> Res<()> {
    match status {
        200 => Ok(()),
        other => Err(format!("status {other}")),
    }
}

/// Builds the named client. `ca_pem` is the CA every TLS client must trust (and only it).
fn make(name: &str, ca_pem: &[u8], opts: Opts) -> Res<Box<dyn Client>> {
    Ok(match name {
        "raw" | "raw-tls" => Box::new(Raw::new(ca_pem, opts)),
        "h1client" => Box::new(H1::new(ca_pem, opts)),
        "ureq" => Box::new(Ureq::new(ca_pem, opts)?),
        "minreq" => Box::new(Minreq { opts }),
        "attohttpc" => Box::new(Atto::new(ca_pem, opts)),
        "reqwest" => Box::new(Reqwest::new(ca_pem, opts)?),
        other => return Err(format!("no client named {other:?}")),
    })
}

/// The `(name, value)` of the header that `Opts::close` adds.
const CLOSE: (&str, &str) = ("Connection", "close");

// ---------------------------------------------------------------------------------------------
// raw and raw-tls: the physical limit

enum Stream {
    Tcp(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }
    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write_vectored(bufs),
            Stream::Tls(s) => s.write_vectored(bufs),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// One connection, a request written in one piece, a response parsed just enough to find its
/// end. The request bytes are built once per (method, URL). One TLS configuration per client,
/// made at its first connection (so a new connection of the same client can resume).
struct Raw {
    ca_pem: Vec<u8>,
    opts: Opts,
    config: Option<Arc<rustls::ClientConfig>>,
    conn: Option<RawConn<Stream>>,
    key: (String, &'static str),
    request: Vec<u8>,
}

impl Raw {
    fn new(ca_pem: &[u8], opts: Opts) -> Raw {
        Raw {
            ca_pem: ca_pem.to_vec(),
            opts,
            config: None,
            conn: None,
            key: (String::new(), ""),
            request: Vec::new(),
        }
    }

    /// The head of a request (and the POST body), built once per (method, URL).
    fn request(&mut self, method: &'static str, url: &str, upload: Option<(u64, bool)>) -> Res<()> {
        if self.key.0 == url && self.key.1 == method && upload.is_none() {
            return Ok(());
        }
        let (authority, path) = split_url(url)?.1;
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {authority}\r\n");
        match (method, upload) {
            ("POST", _) => head.push_str(&format!("Content-Length: {}\r\n", POST_BODY.len())),
            (_, Some((len, true))) => head.push_str(&format!("Content-Length: {len}\r\n")),
            (_, Some((_, false))) => head.push_str("Transfer-Encoding: chunked\r\n"),
            _ => {}
        }
        if self.opts.close {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        self.request = head.into_bytes();
        if method == "POST" {
            self.request.extend_from_slice(&POST_BODY);
        }
        self.key = (url.to_string(), method);
        Ok(())
    }

    /// The connection, opened if there is none.
    fn conn(&mut self, url: &str) -> Res<&mut RawConn<Stream>> {
        let (tls, (authority, _)) = split_url(url)?;
        if self.conn.is_none() {
            let tcp = TcpStream::connect(authority).map_err(|e| format!("connect: {e}"))?;
            tcp.set_nodelay(true).map_err(|e| e.to_string())?;
            let stream = if tls {
                let host = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
                let name = rustls::pki_types::ServerName::try_from(host.to_string()).map_err(|e| e.to_string())?;
                let ca_pem = &self.ca_pem;
                let config = self
                    .config
                    .get_or_insert_with(|| tlsutil::client_config(ca_pem))
                    .clone();
                let conn = rustls::ClientConnection::new(config, name).map_err(|e| e.to_string())?;
                Stream::Tls(Box::new(rustls::StreamOwned::new(conn, tcp)))
            } else {
                Stream::Tcp(tcp)
            };
            self.conn = Some(RawConn::new(stream));
        }
        Ok(self.conn.as_mut().expect("connected above"))
    }

    fn exchange(&mut self, method: &'static str, url: &str) -> Res<u64> {
        self.request(method, url, None)?;
        let request = std::mem::take(&mut self.request);
        let result = self
            .conn(url)
            .and_then(|c| c.exchange(&request).map_err(|e| e.to_string()));
        self.request = request;
        if self.opts.close {
            self.conn = None;
        }
        result
    }
}

/// `(https?, (authority, path))` of an `http` or `https` URL.
fn split_url(url: &str) -> Res<(bool, (&str, &str))> {
    let (tls, rest) = match url.split_once("://") {
        Some(("http", rest)) => (false, rest),
        Some(("https", rest)) => (true, rest),
        _ => return Err(format!("unsupported URL {url}")),
    };
    Ok((tls, rest.split_at(rest.find('/').unwrap_or(rest.len()))))
}

impl Client for Raw {
    fn get(&mut self, url: &str, _buf: &mut [u8]) -> Res<u64> {
        self.exchange("GET", url)
    }
    fn post(&mut self, url: &str, _buf: &mut [u8]) -> Res<u64> {
        self.exchange("POST", url)
    }
    fn put(&mut self, url: &str, mut body: Pattern, sized: bool, _buf: &mut [u8]) -> Res<u64> {
        self.request("PUT", url, Some((body.len(), sized)))?;
        let head = std::mem::take(&mut self.request);
        let result = self
            .conn(url)
            .and_then(|c| c.upload(&head, &mut body, !sized).map_err(|e| e.to_string()));
        self.key = (String::new(), "");
        result
    }
    fn share(&self) -> Box<dyn Client> {
        Box::new(Raw::new(&self.ca_pem, self.opts))
    }
}

// ---------------------------------------------------------------------------------------------
// h1client

struct H1 {
    agent: h1client::Agent,
    opts: Opts,
}

impl H1 {
    fn new(ca_pem: &[u8], opts: Opts) -> H1 {
        let agent = h1client::Agent::builder()
            .add_root_certificates_pem(ca_pem)
            .only_added_roots(true)
            .build();
        H1 { agent, opts }
    }
}

impl Client for H1 {
    fn get(&mut self, url: &str, buf: &mut [u8]) -> Res<u64> {
        let mut req = self.agent.get(url);
        if self.opts.close {
            req = req.header(CLOSE.0, CLOSE.1);
        }
        let resp = req.call().map_err(|e| e.to_string())?;
        status_ok(resp.status())?;
        drain(resp.into_reader(), buf)
    }
    fn post(&mut self, url: &str, buf: &mut [u8]) -> Res<u64> {
        let resp = self.agent.post(url).send(&POST_BODY[..]).map_err(|e| e.to_string())?;
        status_ok(resp.status())?;
        drain(resp.into_reader(), buf)
    }
    fn put(&mut self, url: &str, body: Pattern, sized: bool, buf: &mut [u8]) -> Res<u64> {
        let req = self.agent.put(url);
        let len = body.len();
        let resp = if sized {
            req.send_reader_sized(body, len)
        } else {
            req.send_reader(body)
        };
        let resp = resp.map_err(|e| e.to_string())?;
        status_ok(resp.status())?;
        drain(resp.into_reader(), buf)
    }
    fn share(&self) -> Box<dyn Client> {
        Box::new(H1 {
            agent: self.agent.clone(),
            opts: self.opts,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// ureq 3

struct Ureq {
    agent: ureq::Agent,
    opts: Opts,
}

impl Ureq {
    fn new(ca_pem: &[u8], opts: Opts) -> Res<Ureq> {
        use ureq::tls::{Certificate, RootCerts, TlsConfig};
        let ca = Certificate::from_pem(ca_pem).map_err(|e| e.to_string())?;
        let tls = TlsConfig::builder()
            .root_certs(RootCerts::Specific(Arc::new(vec![ca])))
            .build();
        // Its default keeps 3 idle connections per host; 8 as the others, for `concurrent`.
        let agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .max_idle_connections_per_host(8)
            .build()
            .new_agent();
        Ok(Ureq { agent, opts })
    }
}

impl Client for Ureq {
    fn get(&mut self, url: &str, buf: &mut [u8]) -> Res<u64> {
        let mut req = self.agent.get(url);
        if self.opts.close {
            req = req.header(CLOSE.0, CLOSE.1);
        }
        let mut resp = req.call().map_err(|e| e.to_string())?;
        status_ok(resp.status().as_u16())?;
        drain(resp.body_mut().as_reader(), buf)
    }
    fn post(&mut self, url: &str, buf: &mut [u8]) -> Res<u64> {
        let mut resp = self.agent.post(url).send(&POST_BODY[..]).map_err(|e| e.to_string())?;
        status_ok(resp.status().as_u16())?;
        drain(resp.body_mut().as_reader(), buf)
    }
    fn put(&mut self, url: &str, mut body: Pattern, sized: bool, buf: &mut [u8]) -> Res<u64> {
        let mut req = self.agent.put(url);
        if sized {
            // ureq takes the length of a reader from this header (else it sends chunked)
            req = req.header("Content-Length", body.len().to_string());
        }
        let mut resp = req
            .send(ureq::SendBody::from_reader(&mut body))
            .map_err(|e| e.to_string())?;
        status_ok(resp.status().as_u16())?;
        drain(resp.body_mut().as_reader(), buf)
    }
    fn share(&self) -> Box<dyn Client> {
        Box::new(Ureq {
            agent: self.agent.clone(),
            opts: self.opts,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// minreq 3 (plain HTTP: its rustls feature would build aws-lc)

struct Minreq {
    opts: Opts,
}

impl Client for Minreq {
    fn get(&mut self, url: &str, buf: &mut [u8]) -> Res<u64> {
        let mut req = minreq::get(url);
        if self.opts.close {
            req = req.with_header(CLOSE.0, CLOSE.1);
        }
        let resp = req.send_lazy().map_err(|e| e.to_string())?;
        status_ok(resp.status_code as u16)?;
        drain(resp, buf)
    }
    fn post(&mut self, url: &str, buf: &mut [u8]) -> Res<u64> {
        let resp = minreq::post(url)
            .with_body(&POST_BODY[..])
            .send_lazy()
            .map_err(|e| e.to_string())?;
        status_ok(resp.status_code as u16)?;
        drain(resp, buf)
    }
    /// minreq takes a body as bytes only: the reader is read into memory first (in the
    /// measured part), and sent with Content-Length. It has no streamed (chunked) upload.
    fn put(&mut self, url: &str, mut body: Pattern, sized: bool, buf: &mut [u8]) -> Res<u64> {
        if !sized {
            return Err("minreq cannot send a body of unknown length".into());
        }
        let mut bytes = Vec::new();
        body.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
        let resp = minreq::put(url)
            .with_body(bytes)
            .send_lazy()
            .map_err(|e| e.to_string())?;
        status_ok(resp.status_code as u16)?;
        drain(resp, buf)
    }
    fn share(&self) -> Box<dyn Client> {
        Box::new(Minreq { opts: self.opts })
    }
}

// ---------------------------------------------------------------------------------------------
// attohttpc (rustls on ring)

struct Atto {
    session: attohttpc::Session,
    opts: Opts,
}

impl Atto {
    fn new(ca_pem: &[u8], opts: Opts) -> Atto {
        let mut session = attohttpc::Session::new();
        session.add_root_certificate(tlsutil::ca_der(ca_pem));
        Atto { session, opts }
    }
}

/// A streamed body for attohttpc, through its public `Body` trait: the reader copied into the
/// connection's writer (`io::copy`), framed as `kind` says.
struct AttoBody {
    reader: Pattern,
    len: u64,
    sized: bool,
}

impl attohttpc::body::Body for AttoBody {
    fn kind(&mut self) -> io::Result<attohttpc::body::BodyKind> {
        Ok(match self.sized {
            true => attohttpc::body::BodyKind::KnownLength(self.len),
            false => attohttpc::body::BodyKind::Chunked,
        })
    }
    fn write<W: Write>(&mut self, mut writer: W) -> io::Result<()> {
        io::copy(&mut self.reader, &mut writer).map(drop)
    }
}

impl Client for Atto {
    fn get(&mut self, url: &str, buf: &mut [u8]) -> Res<u64> {
        let mut req = self.session.get(url);
        if self.opts.close {
            req = req.header(CLOSE.0, CLOSE.1);
        }
        let resp = req.send().map_err(|e| e.to_string())?;
        let (status, _, reader) = resp.split();
        status_ok(status.as_u16())?;
        drain(reader, buf)
    }
    fn post(&mut self, url: &str, buf: &mut [u8]) -> Res<u64> {
        let resp = self
            .session
            .post(url)
            .bytes(&POST_BODY[..])
            .send()
            .map_err(|e| e.to_string())?;
        let (status, _, reader) = resp.split();
        status_ok(status.as_u16())?;
        drain(reader, buf)
    }
    fn put(&mut self, url: &str, body: Pattern, sized: bool, buf: &mut [u8]) -> Res<u64> {
        let len = body.len();
        let resp = self
            .session
            .put(url)
            .body(AttoBody {
                reader: body,
                len,
                sized,
            })
            .send()
            .map_err(|e| e.to_string())?;
        let (status, _, reader) = resp.split();
        status_ok(status.as_u16())?;
        drain(reader, buf)
    }
    fn share(&self) -> Box<dyn Client> {
        Box::new(Atto {
            session: self.session.clone(),
            opts: self.opts,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// reqwest, blocking (rustls on ring, handed in ready-made)

struct Reqwest {
    client: reqwest::blocking::Client,
    opts: Opts,
}

impl Reqwest {
    fn new(ca_pem: &[u8], opts: Opts) -> Res<Reqwest> {
        // reqwest is built without a provider of its own; make ring the process default too.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let tls = (*tlsutil::client_config(ca_pem)).clone();
        let client = reqwest::blocking::Client::builder()
            .http1_only()
            .timeout(None)
            .tls_backend_preconfigured(tls)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Reqwest { client, opts })
    }
}

impl Client for Reqwest {
    fn get(&mut self, url: &str, buf: &mut [u8]) -> Res<u64> {
        let mut req = self.client.get(url);
        if self.opts.close {
            req = req.header(CLOSE.0, CLOSE.1);
        }
        let resp = req.send().map_err(|e| e.to_string())?;
        status_ok(resp.status().as_u16())?;
        drain(resp, buf)
    }
    fn post(&mut self, url: &str, buf: &mut [u8]) -> Res<u64> {
        let resp = self
            .client
            .post(url)
            .body(&POST_BODY[..])
            .send()
            .map_err(|e| e.to_string())?;
        status_ok(resp.status().as_u16())?;
        drain(resp, buf)
    }
    fn put(&mut self, url: &str, body: Pattern, sized: bool, buf: &mut [u8]) -> Res<u64> {
        let len = body.len();
        let body = match sized {
            true => reqwest::blocking::Body::sized(body, len),
            false => reqwest::blocking::Body::new(body),
        };
        let resp = self.client.put(url).body(body).send().map_err(|e| e.to_string())?;
        status_ok(resp.status().as_u16())?;
        drain(resp, buf)
    }
    fn share(&self) -> Box<dyn Client> {
        Box::new(Reqwest {
            client: self.client.clone(),
            opts: self.opts,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The client process

/// What one client run measured.
struct Outcome {
    wall: f64,
    cpu: f64,
    maxrss_kib: u64,
    bytes: u64,
    requests: u64,
    allocs: u64,
    alloc_bytes: u64,
}

fn expect_len(got: u64, want: u64, what: &str) -> Res<()> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got} body bytes, expected {want}"))
    }
}

/// `curl` downloading to /dev/null, measured as a waited-for child of this process.
fn run_curl(url: &str, expect: u64, ca: &str) -> Res<Outcome> {
    let start = Instant::now();
    let out = std::process::Command::new("curl")
        .args(["-sS", "--fail", "--http1.1", "-o", "/dev/null"])
        .args(["-w", "%{size_download}", "--cacert", ca, url])
        .output()
        .map_err(|e| format!("running curl: {e}"))?;
    let wall = start.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(format!(
            "curl failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let got: u64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .map_err(|_| "curl printed no size".to_string())?;
    expect_len(got, expect, "curl")?;
    let u = usage::children();
    Ok(Outcome {
        wall,
        cpu: u.cpu,
        maxrss_kib: u.maxrss_kib,
        bytes: got,
        requests: 1,
        allocs: 0,
        alloc_bytes: 0,
    })
}

/// Runs one program to its end, its standard input fed with `feed` bytes of the pattern if
/// given (from a thread of this process: not counted); returns what it wrote to its standard
/// output. Its CPU time is read by the caller from `RUSAGE_CHILDREN`.
fn run_child(mut command: Command, feed: Option<u64>) -> Res<Vec<u8>> {
    let what = format!("{:?}", command.get_program());
    command
        .stdin(if feed.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|e| format!("running {what}: {e}"))?;
    let feeder = match (feed, child.stdin.take()) {
        (Some(len), Some(mut stdin)) => Some(std::thread::spawn(move || -> io::Result<()> {
            let block = pattern_block();
            let mut left = len;
            while left > 0 {
                let n = left.min(block.len() as u64) as usize;
                stdin.write_all(&block[..n])?;
                left -= n as u64;
            }
            Ok(())
        })),
        _ => None,
    };
    let out = child.wait_with_output().map_err(|e| format!("{what}: {e}"))?;
    if let Some(f) = feeder {
        f.join()
            .map_err(|_| "the feeding thread panicked".to_string())?
            .map_err(|e| format!("feeding {what}: {e}"))?;
    }
    if !out.status.success() {
        return Err(format!(
            "{what} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

/// The operations that run programs: `count` runs, one after the other, each a process whose
/// standard output must be the `expect`-byte body. Time and CPU include each process's start.
fn run_programs(name: &str, op: &str, args: &Args) -> Res<Outcome> {
    let url = args.get("url")?;
    let expect = args.num("expect")?;
    let count = args.num_or("count", 1)?;
    let ca = args.get("ca")?;
    let bin = || args.get("bin");
    let command = |program: &str, words: &[&str]| {
        let mut c = Command::new(program);
        c.args(words);
        c
    };
    let make = || -> Res<(Command, Option<u64>)> {
        Ok(match (op, name) {
            ("cold-start", "curl") => (
                command("curl", &["-sS", "--fail", "--http1.1", "--cacert", ca, url]),
                None,
            ),
            ("cold-start", "h1client-cli") => (command(bin()?, &["-sS", "--fail", "--cacert", ca, url]), None),
            ("cold-start", _) => (command(bin()?, &[url, ca]), None),
            ("upload", "curl") if args.get("framing") == Ok("chunked") => (
                command("curl", &["-sS", "--fail", "--http1.1", "-T", "-", url]),
                Some(args.num("upload")?),
            ),
            ("upload" | "cli-upload", "curl") => (
                command("curl", &["-sS", "--fail", "--http1.1", "-T", args.get("file")?, url]),
                None,
            ),
            ("cli-upload", "h1client-cli") => (command(bin()?, &["-sS", "--fail", "-T", args.get("file")?, url]), None),
            ("cli-upload", "raw") => (command(bin()?, &[url, args.get("file")?]), None),
            _ => return Err(format!("{name} does not run {op}")),
        })
    };
    let mut bytes = 0;
    let cpu0 = usage::children().cpu;
    let start = Instant::now();
    for _ in 0..count {
        let (command, feed) = make()?;
        let out = run_child(command, feed)?;
        expect_len(out.len() as u64, expect, name)?;
        bytes += out.len() as u64;
    }
    let wall = start.elapsed().as_secs_f64();
    let u = usage::children();
    Ok(Outcome {
        wall,
        cpu: u.cpu - cpu0,
        maxrss_kib: u.maxrss_kib,
        bytes,
        requests: count,
        allocs: 0,
        alloc_bytes: 0,
    })
}

fn run(name: &str, op: &str, args: &Args) -> Res<Outcome> {
    let url = args.get("url")?;
    let expect = args.num("expect")?;
    let count = args.num_or("count", 1)?;
    let warmup = args.num_or("warmup", 0)?;
    let ca_path = args.get("ca")?;
    match (name, op) {
        (_, "cold-start" | "cli-upload") | ("curl", "upload") => return run_programs(name, op, args),
        ("curl", "get-body") => return run_curl(url, expect, ca_path),
        ("curl", _) => return Err(format!("curl does not run {op}")),
        _ => {}
    }
    let upload = args.num_or("upload", 0)?;
    let sized = args.get("framing") != Ok("chunked");
    let threads = args.num_or("threads", 1)?.max(1);
    let ca_pem = std::fs::read(ca_path).map_err(|e| format!("{ca_path}: {e}"))?;
    let opts = Opts { close: op == "resume" };
    let mut buf = vec![0u8; BUF_SIZE];
    let mut client = make(name, &ca_pem, opts)?;
    let one = |client: &mut Box<dyn Client>, buf: &mut [u8]| -> Res<u64> {
        let got = match op {
            "post-many" => client.post(url, buf)?,
            "upload" => client.put(url, Pattern::new(upload), sized, buf)?,
            _ => client.get(url, buf)?,
        };
        expect_len(got, expect, url)?;
        Ok(got)
    };
    for _ in 0..warmup {
        one(&mut client, &mut buf)?;
    }
    // For `concurrent`: a client per thread (sharing one agent), and a buffer each, made now.
    let mut handles: Vec<(Box<dyn Client>, Vec<u8>)> = Vec::new();
    if op == "concurrent" {
        if count % threads != 0 {
            return Err(format!("count={count} is not a multiple of threads={threads}"));
        }
        handles = (0..threads).map(|_| (client.share(), vec![0u8; BUF_SIZE])).collect();
    }
    let mut bytes = 0u64;
    let (allocs0, alloc_bytes0) = alloc::snapshot();
    let cpu0 = usage::this_process().cpu;
    let start = Instant::now();
    match op {
        "get-body" | "get-many" | "post-many" | "alloc" | "resume" | "upload" => {
            for _ in 0..count {
                bytes += one(&mut client, &mut buf)?;
            }
        }
        "handshake" => {
            for _ in 0..count {
                let mut fresh = make(name, &ca_pem, opts)?;
                bytes += one(&mut fresh, &mut buf)?;
            }
        }
        "concurrent" => {
            let per_thread = count / threads;
            let one = &one;
            let results: Vec<Res<u64>> = std::thread::scope(|s| {
                let joins: Vec<_> = handles
                    .drain(..)
                    .map(|(mut c, mut buf)| {
                        s.spawn(move || -> Res<u64> {
                            let mut got = 0;
                            for _ in 0..per_thread {
                                got += one(&mut c, &mut buf)?;
                            }
                            Ok(got)
                        })
                    })
                    .collect();
                joins
                    .into_iter()
                    .map(|j| j.join().unwrap_or_else(|_| Err("a thread panicked".into())))
                    .collect()
            });
            for r in results {
                bytes += r?;
            }
        }
        other => return Err(format!("unknown operation {other:?}")),
    }
    let wall = start.elapsed().as_secs_f64();
    let u = usage::this_process();
    let (allocs1, alloc_bytes1) = alloc::snapshot();
    drop(client);
    Ok(Outcome {
        wall,
        cpu: u.cpu - cpu0,
        maxrss_kib: u.maxrss_kib,
        bytes,
        requests: count,
        allocs: allocs1 - allocs0,
        alloc_bytes: alloc_bytes1 - alloc_bytes0,
    })
}

/// `client NAME OP url=URL expect=BYTES [count=N] [warmup=N] ca=PATH [cpu=N] [upload=N framing=cl|chunked]
/// [threads=N] [bin=PATH] [file=PATH]`
pub fn main(args: &Args) -> Result<(), String> {
    if let Ok(cpu) = args.num("cpu") {
        usage::pin_to_cpu(cpu as usize)?;
    }
    let name = args.positional(1)?;
    let op = args.positional(2)?;
    let o = run(name, op, args)?;
    println!(
        "RESULT wall={:.9} cpu={:.6} maxrss={} bytes={} requests={} allocs={} alloc_bytes={}",
        o.wall, o.cpu, o.maxrss_kib, o.bytes, o.requests, o.allocs, o.alloc_bytes
    );
    Ok(())
}
