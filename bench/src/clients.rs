//! The clients under test, each run in a process of its own (`h1client-bench client NAME OP
//! key=value...`), which prints one `RESULT key=value...` line for the harness.
//!
//! Every client reads every response body to its end through its own streaming `Read` API, into
//! the same 64 KiB buffer, and the byte counts are checked: nobody gets away without reading.

use crate::raw::{RawConn, BUF_SIZE};
use crate::{alloc, tlsutil, usage, Args};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Instant;

/// The body every POST sends.
static POST_BODY: [u8; crate::server::POST_BODY] = [b'p'; crate::server::POST_BODY];

/// Every client name the harness knows, in table order.
pub const ALL: [&str; 8] = [
    "raw",
    "raw-tls",
    "h1client",
    "ureq",
    "minreq",
    "attohttpc",
    "reqwest",
    "curl",
];

type Res<T> = Result<T, String>;

/// One HTTP client library, configured to trust the benchmark's CA.
trait Client {
    /// GETs `url`; returns the number of body bytes read.
    fn get(&mut self, url: &str, buf: &mut [u8]) -> Res<u64>;
    /// POSTs the 1 KiB body to `url`; returns the number of answer bytes read.
    fn post(&mut self, url: &str, buf: &mut [u8]) -> Res<u64>;
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
fn make(name: &str, ca_pem: &[u8]) -> Res<Box<dyn Client>> {
    Ok(match name {
        "raw" | "raw-tls" => Box::new(Raw::new(ca_pem)),
        "h1client" => Box::new(H1::new(ca_pem)),
        "ureq" => Box::new(Ureq::new(ca_pem)?),
        "minreq" => Box::new(Minreq),
        "attohttpc" => Box::new(Atto::new(ca_pem)),
        "reqwest" => Box::new(Reqwest::new(ca_pem)?),
        other => return Err(format!("no client named {other:?}")),
    })
}

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
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// One connection, a request written in one piece, a response parsed just enough to find its
/// end. The request bytes are built once per (method, URL).
struct Raw {
    ca_pem: Vec<u8>,
    conn: Option<RawConn<Stream>>,
    key: (String, &'static str),
    request: Vec<u8>,
}

impl Raw {
    fn new(ca_pem: &[u8]) -> Raw {
        Raw {
            ca_pem: ca_pem.to_vec(),
            conn: None,
            key: (String::new(), ""),
            request: Vec::new(),
        }
    }

    fn exchange(&mut self, method: &'static str, url: &str) -> Res<u64> {
        let (tls, rest) = match url.split_once("://") {
            Some(("http", rest)) => (false, rest),
            Some(("https", rest)) => (true, rest),
            _ => return Err(format!("unsupported URL {url}")),
        };
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if self.key.0 != url || self.key.1 != method {
            let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {authority}\r\n");
            if method == "POST" {
                head.push_str(&format!("Content-Length: {}\r\n", POST_BODY.len()));
            }
            head.push_str("\r\n");
            self.request = head.into_bytes();
            if method == "POST" {
                self.request.extend_from_slice(&POST_BODY);
            }
            self.key = (url.to_string(), method);
        }
        if self.conn.is_none() {
            let tcp = TcpStream::connect(authority).map_err(|e| format!("connect: {e}"))?;
            tcp.set_nodelay(true).map_err(|e| e.to_string())?;
            let stream = if tls {
                let host = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
                let name = rustls::pki_types::ServerName::try_from(host.to_string()).map_err(|e| e.to_string())?;
                let config = tlsutil::client_config(&self.ca_pem);
                let conn = rustls::ClientConnection::new(config, name).map_err(|e| e.to_string())?;
                Stream::Tls(Box::new(rustls::StreamOwned::new(conn, tcp)))
            } else {
                Stream::Tcp(tcp)
            };
            self.conn = Some(RawConn::new(stream));
        }
        let conn = self.conn.as_mut().expect("connected above");
        conn.exchange(&self.request).map_err(|e| e.to_string())
    }
}

impl Client for Raw {
    fn get(&mut self, url: &str, _buf: &mut [u8]) -> Res<u64> {
        self.exchange("GET", url)
    }
    fn post(&mut self, url: &str, _buf: &mut [u8]) -> Res<u64> {
        self.exchange("POST", url)
    }
}

// ---------------------------------------------------------------------------------------------
// h1client

struct H1 {
    agent: h1client::Agent,
}

impl H1 {
    fn new(ca_pem: &[u8]) -> H1 {
        let agent = h1client::Agent::builder()
            .add_root_certificates_pem(ca_pem)
            .only_added_roots(true)
            .build();
        H1 { agent }
    }
}

impl Client for H1 {
    fn get(&mut self, url: &str, buf: &mut [u8]) -> Res<u64> {
        let resp = self.agent.get(url).call().map_err(|e| e.to_string())?;
        status_ok(resp.status())?;
        drain(resp.into_reader(), buf)
    }
    fn post(&mut self, url: &str, buf: &mut [u8]) -> Res<u64> {
        let resp = self.agent.post(url).send(&POST_BODY[..]).map_err(|e| e.to_string())?;
        status_ok(resp.status())?;
        drain(resp.into_reader(), buf)
    }
}

// ---------------------------------------------------------------------------------------------
// ureq 3

struct Ureq {
    agent: ureq::Agent,
}

impl Ureq {
    fn new(ca_pem: &[u8]) -> Res<Ureq> {
        use ureq::tls::{Certificate, RootCerts, TlsConfig};
        let ca = Certificate::from_pem(ca_pem).map_err(|e| e.to_string())?;
        let tls = TlsConfig::builder()
            .root_certs(RootCerts::Specific(Arc::new(vec![ca])))
            .build();
        let agent = ureq::Agent::config_builder().tls_config(tls).build().new_agent();
        Ok(Ureq { agent })
    }
}

impl Client for Ureq {
    fn get(&mut self, url: &str, buf: &mut [u8]) -> Res<u64> {
        let mut resp = self.agent.get(url).call().map_err(|e| e.to_string())?;
        status_ok(resp.status().as_u16())?;
        drain(resp.body_mut().as_reader(), buf)
    }
    fn post(&mut self, url: &str, buf: &mut [u8]) -> Res<u64> {
        let mut resp = self.agent.post(url).send(&POST_BODY[..]).map_err(|e| e.to_string())?;
        status_ok(resp.status().as_u16())?;
        drain(resp.body_mut().as_reader(), buf)
    }
}

// ---------------------------------------------------------------------------------------------
// minreq 3 (plain HTTP: its rustls feature would build aws-lc)

struct Minreq;

impl Client for Minreq {
    fn get(&mut self, url: &str, buf: &mut [u8]) -> Res<u64> {
        let resp = minreq::get(url).send_lazy().map_err(|e| e.to_string())?;
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
}

// ---------------------------------------------------------------------------------------------
// attohttpc (rustls on ring)

struct Atto {
    session: attohttpc::Session,
}

impl Atto {
    fn new(ca_pem: &[u8]) -> Atto {
        let mut session = attohttpc::Session::new();
        session.add_root_certificate(tlsutil::ca_der(ca_pem));
        Atto { session }
    }
}

impl Client for Atto {
    fn get(&mut self, url: &str, buf: &mut [u8]) -> Res<u64> {
        let resp = self.session.get(url).send().map_err(|e| e.to_string())?;
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
}

// ---------------------------------------------------------------------------------------------
// reqwest, blocking (rustls on ring, handed in ready-made)

struct Reqwest {
    client: reqwest::blocking::Client,
}

impl Reqwest {
    fn new(ca_pem: &[u8]) -> Res<Reqwest> {
        // reqwest is built without a provider of its own; make ring the process default too.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let tls = (*tlsutil::client_config(ca_pem)).clone();
        let client = reqwest::blocking::Client::builder()
            .http1_only()
            .timeout(None)
            .tls_backend_preconfigured(tls)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Reqwest { client })
    }
}

impl Client for Reqwest {
    fn get(&mut self, url: &str, buf: &mut [u8]) -> Res<u64> {
        let resp = self.client.get(url).send().map_err(|e| e.to_string())?;
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

fn run(name: &str, op: &str, args: &Args) -> Res<Outcome> {
    let url = args.get("url")?;
    let expect = args.num("expect")?;
    let count = args.num_or("count", 1)?;
    let warmup = args.num_or("warmup", 0)?;
    let ca_path = args.get("ca")?;
    if name == "curl" {
        return match op {
            "get-body" => run_curl(url, expect, ca_path),
            _ => Err(format!("curl runs only get-body, not {op}")),
        };
    }
    let ca_pem = std::fs::read(ca_path).map_err(|e| format!("{ca_path}: {e}"))?;
    let mut buf = vec![0u8; BUF_SIZE];
    let mut client = make(name, &ca_pem)?;
    let one = |client: &mut Box<dyn Client>, buf: &mut [u8]| -> Res<u64> {
        let got = match op {
            "post-many" => client.post(url, buf)?,
            _ => client.get(url, buf)?,
        };
        expect_len(got, expect, url)?;
        Ok(got)
    };
    for _ in 0..warmup {
        one(&mut client, &mut buf)?;
    }
    let mut bytes = 0u64;
    let (allocs0, alloc_bytes0) = alloc::snapshot();
    let cpu0 = usage::this_process().cpu;
    let start = Instant::now();
    match op {
        "get-body" | "get-many" | "post-many" | "alloc" => {
            for _ in 0..count {
                bytes += one(&mut client, &mut buf)?;
            }
        }
        "handshake" => {
            for _ in 0..count {
                let mut fresh = make(name, &ca_pem)?;
                bytes += one(&mut fresh, &mut buf)?;
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

/// `client NAME OP url=URL expect=BYTES [count=N] [warmup=N] ca=PATH [cpu=N]`
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
