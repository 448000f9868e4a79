//! TLS fixtures for the integration tests: certificates made at test time with rcgen (a CA and
//! every kind of good and bad server certificate, plus a client certificate for mTLS), and a
//! scripted rustls server on loopback.
//!
//! The server records what a client cannot fake and a test wants to see: the SNI and the ALPN
//! list of each ClientHello, the negotiated version, whether a client certificate came, the
//! decrypted request bytes; and it counts connections and completed handshakes. It ends a
//! connection either properly (`close_notify`, then FIN) or the way a truncation attack or a
//! careless server does (flush, then FIN with no `close_notify`).
//!
//! A connection whose first byte is not a TLS handshake record is served in plain text with the
//! same script, so one port can answer both `http://` and `https://`.
#![allow(dead_code)]

use crate::support::{parse_request, Req};
use h1client::rustls;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{Acceptor, WebPkiClientVerifier};
use rustls::{RootCertStore, ServerConfig, ServerConnection};
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// certificates

/// A certificate with its private key.
pub struct Leaf {
    pub cert: CertificateDer<'static>,
    pub pem: String,
    key_der: Vec<u8>,
    pub key_pem: String,
}

impl Leaf {
    pub fn key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone()))
    }
}

/// Everything a test needs, made once per test binary.
pub struct Certs {
    /// The test CA (PEM), the one a client is told to trust.
    pub ca_pem: String,
    pub ca: CertificateDer<'static>,
    /// Another CA, valid but trusted by nobody here.
    pub other_ca_pem: String,
    /// Signed by the CA for `localhost`, `127.0.0.1` and `::1`.
    pub localhost: Leaf,
    /// Signed by the CA for `localhost` only (not for the IP addresses).
    pub localhost_only: Leaf,
    /// Signed by the CA for the right names, but expired in 2020.
    pub expired: Leaf,
    /// Signed by the CA for `other.example` only.
    pub wrong_name: Leaf,
    /// Self-signed, for the right names.
    pub self_signed: Leaf,
    /// Self-signed for the right names and marked as a CA, as `openssl req -x509` makes them.
    pub self_signed_ca: Leaf,
    /// Signed by the other CA, for the right names.
    pub untrusted: Leaf,
    /// A client certificate (clientAuth) signed by the CA.
    pub client: Leaf,
}

pub const NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

fn leaf_params(names: &[&str], eku: ExtendedKeyUsagePurpose) -> CertificateParams {
    let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    let mut params = CertificateParams::new(names.clone()).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, names.first().cloned().unwrap_or_default());
    params.extended_key_usages = vec![eku];
    params.use_authority_key_identifier_extension = true;
    params
}

fn signed(params: CertificateParams, issuer: &CertifiedIssuer<'static, KeyPair>) -> Leaf {
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, issuer).unwrap();
    Leaf {
        cert: cert.der().clone(),
        pem: cert.pem(),
        key_der: key.serialize_der(),
        key_pem: key.serialize_pem(),
    }
}

/// The certificates, generated on first use.
pub fn certs() -> &'static Certs {
    static CERTS: OnceLock<Certs> = OnceLock::new();
    CERTS.get_or_init(|| {
        let ca = ca("h1client test CA");
        let other = ca_other();
        let server = || leaf_params(&NAMES, ExtendedKeyUsagePurpose::ServerAuth);
        let mut expired = server();
        expired.not_before = rcgen::date_time_ymd(2019, 1, 1);
        expired.not_after = rcgen::date_time_ymd(2020, 1, 1);
        let self_signed_from = |params: CertificateParams| {
            let key = KeyPair::generate().unwrap();
            let cert = params.self_signed(&key).unwrap();
            Leaf {
                cert: cert.der().clone(),
                pem: cert.pem(),
                key_der: key.serialize_der(),
                key_pem: key.serialize_pem(),
            }
        };
        let self_signed = self_signed_from(server());
        let mut ca_like = server();
        ca_like.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let self_signed_ca = self_signed_from(ca_like);
        Certs {
            ca_pem: ca.pem(),
            ca: ca.der().clone(),
            other_ca_pem: other.pem(),
            localhost: signed(server(), &ca),
            localhost_only: signed(leaf_params(&["localhost"], ExtendedKeyUsagePurpose::ServerAuth), &ca),
            expired: signed(expired, &ca),
            wrong_name: signed(
                leaf_params(&["other.example"], ExtendedKeyUsagePurpose::ServerAuth),
                &ca,
            ),
            self_signed,
            self_signed_ca,
            untrusted: signed(server(), &other),
            client: signed(
                leaf_params(&["client.example"], ExtendedKeyUsagePurpose::ClientAuth),
                &ca,
            ),
        }
    })
}

fn ca_other() -> CertifiedIssuer<'static, KeyPair> {
    ca("some other CA")
}

// ---------------------------------------------------------------------------------------------
// configurations

pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Which TLS versions a server speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Versions {
    Both,
    Tls12,
    Tls13,
}

impl Versions {
    fn list(self) -> &'static [&'static rustls::SupportedProtocolVersion] {
        static BOTH: [&rustls::SupportedProtocolVersion; 2] = [&rustls::version::TLS13, &rustls::version::TLS12];
        static TLS12: [&rustls::SupportedProtocolVersion; 1] = [&rustls::version::TLS12];
        static TLS13: [&rustls::SupportedProtocolVersion; 1] = [&rustls::version::TLS13];
        match self {
            Versions::Both => &BOTH,
            Versions::Tls12 => &TLS12,
            Versions::Tls13 => &TLS13,
        }
    }
}

/// A server configuration.
pub struct ServerOpts<'a> {
    pub leaf: &'a Leaf,
    pub versions: Versions,
    /// Require a client certificate signed by the test CA.
    pub client_auth: bool,
    /// The protocols the server is willing to agree to by ALPN.
    pub alpn: Vec<Vec<u8>>,
}

impl<'a> ServerOpts<'a> {
    pub fn new(leaf: &'a Leaf) -> ServerOpts<'a> {
        ServerOpts {
            leaf,
            versions: Versions::Both,
            client_auth: false,
            alpn: vec![b"http/1.1".to_vec()],
        }
    }

    pub fn versions(mut self, v: Versions) -> Self {
        self.versions = v;
        self
    }

    pub fn client_auth(mut self) -> Self {
        self.client_auth = true;
        self
    }

    pub fn alpn(mut self, protocols: &[&[u8]]) -> Self {
        self.alpn = protocols.iter().map(|p| p.to_vec()).collect();
        self
    }

    pub fn build(self) -> Arc<ServerConfig> {
        let builder = ServerConfig::builder_with_provider(provider())
            .with_protocol_versions(self.versions.list())
            .unwrap();
        let builder = if self.client_auth {
            let mut roots = RootCertStore::empty();
            roots.add(certs().ca.clone()).unwrap();
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
                .build()
                .unwrap();
            builder.with_client_cert_verifier(verifier)
        } else {
            builder.with_no_client_auth()
        };
        let mut config = builder
            .with_single_cert(vec![self.leaf.cert.clone()], self.leaf.key())
            .unwrap();
        config.alpn_protocols = self.alpn;
        Arc::new(config)
    }
}

/// The usual server configuration for a leaf certificate.
pub fn server_config(leaf: &Leaf) -> Arc<ServerConfig> {
    ServerOpts::new(leaf).build()
}

/// A client configuration trusting the test CA (the way a user builds one for `tls_config`).
pub fn client_config_trusting_ca() -> rustls::ClientConfig {
    let mut roots = RootCertStore::empty();
    roots.add(certs().ca.clone()).unwrap();
    rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth()
}

// ---------------------------------------------------------------------------------------------
// the server

/// One step of a connection script (after the handshake).
#[derive(Clone, Debug)]
pub enum TAct {
    /// Read one complete request (decrypted).
    Read,
    /// Send these bytes (encrypted, as one write).
    Send(Vec<u8>),
    /// Send these bytes encrypted, the TLS records written one byte at a time with a pause
    /// between bytes (a peer that dribbles a record so that every socket read gets something).
    Trickle(Vec<u8>, Duration),
    /// Wait.
    Sleep(Duration),
    /// Read and record until the peer closes or the time passes.
    Drain(Duration),
    /// Send `close_notify`, then FIN.
    Close,
    /// Flush what is pending, then FIN without `close_notify` (an unclean close).
    CloseNoNotify,
}

/// `TAct::Send` from anything byte-like.
pub fn tsend(b: impl AsRef<[u8]>) -> TAct {
    TAct::Send(b.as_ref().to_vec())
}

/// What the server saw of one connection.
#[derive(Clone, Debug, Default)]
pub struct TlsConnLog {
    /// False when the client spoke plain text.
    pub tls: bool,
    /// The ClientHello arrived.
    pub hello: bool,
    /// SNI host name sent by the client (`None`: no server_name extension).
    pub sni: Option<String>,
    /// The ALPN protocols offered (`None`: no ALPN extension).
    pub alpn: Option<Vec<String>>,
    /// The handshake completed.
    pub handshake_done: bool,
    /// Why the handshake failed, when it did.
    pub handshake_error: Option<String>,
    /// `TLSv1_3` / `TLSv1_2`.
    pub version: Option<String>,
    /// How many certificates the client presented.
    pub client_certs: usize,
    /// Decrypted bytes received.
    pub raw: Vec<u8>,
    /// How the client's side ended, when a read saw it: `close_notify` (a clean TLS close),
    /// `eof` (the end of a plain connection) or the read error (a TLS close without the alert).
    pub end: Option<String>,
    pub requests: Vec<Req>,
}

#[derive(Default)]
struct Shared {
    conns: Vec<TlsConnLog>,
}

enum Mode {
    Conns(std::vec::IntoIter<Vec<TAct>>),
    Responses(Arc<Mutex<std::vec::IntoIter<Vec<TAct>>>>),
}

/// The TLS server: dropped, it stops.
pub struct TlsServer {
    pub addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl TlsServer {
    /// One script per connection, in accept order; connections beyond the scripts are closed.
    pub fn conns(config: Arc<ServerConfig>, scripts: Vec<Vec<TAct>>) -> TlsServer {
        TlsServer::start("127.0.0.1:0", config, Mode::Conns(scripts.into_iter())).unwrap()
    }

    /// Every connection loops "read a request, run the next response script"; scripts are used
    /// in global request order, and a connection is closed (with close_notify) when they run out.
    pub fn responses(config: Arc<ServerConfig>, scripts: Vec<Vec<TAct>>) -> TlsServer {
        TlsServer::start(
            "127.0.0.1:0",
            config,
            Mode::Responses(Arc::new(Mutex::new(scripts.into_iter()))),
        )
        .unwrap()
    }

    /// Like [`TlsServer::responses`], with scripts that may name the server's own address (a
    /// redirect to `http://` on the same port, which this server also answers).
    pub fn responses_for(config: Arc<ServerConfig>, make: impl FnOnce(SocketAddr) -> Vec<Vec<TAct>>) -> TlsServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let scripts = make(listener.local_addr().unwrap());
        TlsServer::start_on(
            listener,
            config,
            Mode::Responses(Arc::new(Mutex::new(scripts.into_iter()))),
        )
    }

    /// Answers every request with `200 OK` and this body.
    pub fn always(config: Arc<ServerConfig>, body: &str) -> TlsServer {
        let one = vec![tsend(crate::support::ok(body))];
        TlsServer::responses(config, std::iter::repeat_n(one, 10_000).collect())
    }

    /// Like [`TlsServer::conns`] on `[::1]`; `None` when IPv6 loopback is unavailable.
    pub fn conns_v6(config: Arc<ServerConfig>, scripts: Vec<Vec<TAct>>) -> Option<TlsServer> {
        TlsServer::start("[::1]:0", config, Mode::Conns(scripts.into_iter())).ok()
    }

    fn start(bind: &str, config: Arc<ServerConfig>, mode: Mode) -> io::Result<TlsServer> {
        Ok(TlsServer::start_on(TcpListener::bind(bind)?, config, mode))
    }

    fn start_on(listener: TcpListener, config: Arc<ServerConfig>, mut mode: Mode) -> TlsServer {
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
                    s.conns.push(TlsConnLog::default());
                    s.conns.len() - 1
                };
                let (sh, st, config) = (sh.clone(), st.clone(), config.clone());
                let scripts = match &mut mode {
                    Mode::Conns(scripts) => match scripts.next() {
                        Some(script) => Scripts::One(script),
                        None => {
                            drop(stream);
                            continue;
                        }
                    },
                    Mode::Responses(scripts) => Scripts::Shared(scripts.clone()),
                };
                workers.push(thread::spawn(move || serve(stream, config, scripts, index, &sh, &st)));
            }
            for w in workers {
                let _ = w.join();
            }
        });
        TlsServer {
            addr,
            shared,
            stop,
            accept: Some(accept),
        }
    }

    /// `https://localhost:PORT` + path.
    pub fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{}", self.addr.port(), path)
    }

    /// `https://` + the address literal (`127.0.0.1:PORT` or `[::1]:PORT`) + path.
    pub fn ip_url(&self, path: &str) -> String {
        format!("https://{}{}", self.addr, path)
    }

    /// What the server saw, per connection in accept order.
    pub fn log(&self) -> Vec<TlsConnLog> {
        self.shared.lock().unwrap().conns.clone()
    }

    /// Connections accepted.
    pub fn connections(&self) -> usize {
        self.shared.lock().unwrap().conns.len()
    }

    /// Handshakes completed.
    pub fn handshakes(&self) -> usize {
        self.shared
            .lock()
            .unwrap()
            .conns
            .iter()
            .filter(|c| c.handshake_done)
            .count()
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
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

enum Scripts {
    One(Vec<TAct>),
    Shared(Arc<Mutex<std::vec::IntoIter<Vec<TAct>>>>),
}

/// The connection, TLS or plain.
enum Io {
    Tls(Box<rustls::StreamOwned<ServerConnection, TcpStream>>),
    Plain(TcpStream),
}

impl Io {
    fn tcp(&self) -> &TcpStream {
        match self {
            Io::Tls(s) => &s.sock,
            Io::Plain(s) => s,
        }
    }
}

struct Conn<'a> {
    io: Io,
    buf: Vec<u8>,
    index: usize,
    shared: &'a Mutex<Shared>,
    stop: &'a AtomicBool,
}

impl Conn<'_> {
    fn record(&self, f: impl FnOnce(&mut TlsConnLog)) {
        f(&mut self.shared.lock().unwrap().conns[self.index]);
    }

    /// Reads more bytes (recording them); false at EOF, on error, when the deadline passes or
    /// when the server stops.
    fn more(&mut self, deadline: Instant) -> bool {
        let mut chunk = [0u8; 65536];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || self.stop.load(Ordering::SeqCst) {
                return false;
            }
            let _ = self
                .io
                .tcp()
                .set_read_timeout(Some(left.min(Duration::from_millis(50))));
            let r = match &mut self.io {
                Io::Tls(s) => s.read(&mut chunk),
                Io::Plain(s) => s.read(&mut chunk),
            };
            match r {
                Ok(0) => {
                    let end = if matches!(self.io, Io::Tls(_)) {
                        "close_notify"
                    } else {
                        "eof"
                    };
                    self.record(|c| c.end = Some(end.to_string()));
                    return false;
                }
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    self.record(|c| c.raw.extend_from_slice(&chunk[..n]));
                    return true;
                }
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => continue,
                Err(e) => {
                    self.record(|c| c.end = Some(e.to_string()));
                    return false;
                }
            }
        }
    }

    fn read_request(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match parse_request(&self.buf, false) {
                Some((mut req, used)) => {
                    self.buf.drain(..used);
                    req.conn = self.index;
                    self.record(|c| c.requests.push(req));
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

    fn write_all(&mut self, b: &[u8]) -> bool {
        let _ = self.io.tcp().set_write_timeout(Some(Duration::from_secs(10)));
        match &mut self.io {
            Io::Tls(s) => s.write_all(b).and_then(|()| s.flush()).is_ok(),
            Io::Plain(s) => s.write_all(b).is_ok(),
        }
    }

    /// Encrypts `b` (plain text on a plain connection) and writes the bytes one at a time.
    fn trickle(&mut self, b: &[u8], pause: Duration) -> bool {
        let wire = match &mut self.io {
            Io::Tls(s) => {
                if s.conn.writer().write_all(b).is_err() {
                    return false;
                }
                let mut wire = Vec::new();
                while s.conn.wants_write() {
                    if s.conn.write_tls(&mut wire).is_err() {
                        return false;
                    }
                }
                wire
            }
            Io::Plain(_) => b.to_vec(),
        };
        let mut tcp = self.io.tcp();
        for byte in wire {
            if self.stop.load(Ordering::SeqCst) || tcp.write_all(&[byte]).is_err() {
                return false;
            }
            thread::sleep(pause);
        }
        true
    }

    /// Ends the connection: with `close_notify` or without, then FIN; then reads what the client
    /// still sends for a moment (so that unread data does not turn the FIN into a reset).
    fn close(&mut self, notify: bool) {
        if let Io::Tls(s) = &mut self.io {
            if notify {
                s.conn.send_close_notify();
            }
            while s.conn.wants_write() {
                if s.conn.write_tls(&mut s.sock).is_err() {
                    break;
                }
            }
        }
        let _ = self.io.tcp().shutdown(Shutdown::Write);
        let deadline = Instant::now() + Duration::from_secs(2);
        while self.more(deadline) {}
    }
}

/// Runs actions; false when the connection is finished.
fn run_acts(c: &mut Conn<'_>, script: Vec<TAct>) -> bool {
    for act in script {
        if c.stop.load(Ordering::SeqCst) {
            return false;
        }
        match act {
            TAct::Read => {
                if !c.read_request() {
                    return false;
                }
            }
            TAct::Send(b) => {
                if !c.write_all(&b) {
                    return false;
                }
            }
            TAct::Trickle(b, pause) => {
                if !c.trickle(&b, pause) {
                    return false;
                }
            }
            TAct::Sleep(d) => thread::sleep(d),
            TAct::Drain(d) => {
                let deadline = Instant::now() + d;
                while c.more(deadline) {}
            }
            TAct::Close => {
                c.close(true);
                return false;
            }
            TAct::CloseNoNotify => {
                c.close(false);
                return false;
            }
        }
    }
    true
}

/// Reads the ClientHello (recording SNI and ALPN), then completes the handshake.
fn handshake(
    mut tcp: TcpStream,
    config: Arc<ServerConfig>,
    index: usize,
    shared: &Mutex<Shared>,
) -> Option<rustls::StreamOwned<ServerConnection, TcpStream>> {
    let record = |f: &dyn Fn(&mut TlsConnLog)| f(&mut shared.lock().unwrap().conns[index]);
    let mut acceptor = Acceptor::default();
    let accepted = loop {
        match acceptor.read_tls(&mut tcp) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        match acceptor.accept() {
            Ok(Some(a)) => break a,
            Ok(None) => continue,
            Err((e, mut alert)) => {
                let _ = alert.write_all(&mut tcp);
                record(&|c| c.handshake_error = Some(e.to_string()));
                return None;
            }
        }
    };
    let hello = accepted.client_hello();
    let sni = hello.server_name().map(str::to_string);
    let alpn = hello.alpn().map(|list| {
        list.map(|p| String::from_utf8_lossy(p).into_owned())
            .collect::<Vec<_>>()
    });
    record(&|c| {
        c.hello = true;
        c.sni = sni.clone();
        c.alpn = alpn.clone();
    });
    let mut conn = match accepted.into_connection(config) {
        Ok(conn) => conn,
        Err((e, mut alert)) => {
            let _ = alert.write_all(&mut tcp);
            record(&|c| c.handshake_error = Some(e.to_string()));
            return None;
        }
    };
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(&mut tcp) {
            record(&|c| c.handshake_error = Some(e.to_string()));
            return None;
        }
    }
    let version = conn.protocol_version().map(|v| format!("{v:?}"));
    let client_certs = conn.peer_certificates().map_or(0, <[_]>::len);
    record(&|c| {
        c.handshake_done = true;
        c.version = version.clone();
        c.client_certs = client_certs;
    });
    Some(rustls::StreamOwned::new(conn, tcp))
}

fn serve(
    tcp: TcpStream,
    config: Arc<ServerConfig>,
    scripts: Scripts,
    index: usize,
    shared: &Mutex<Shared>,
    stop: &AtomicBool,
) {
    let _ = tcp.set_nodelay(true);
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = tcp.set_write_timeout(Some(Duration::from_secs(10)));
    // A TLS connection starts with a handshake record (content type 22).
    let mut first = [0u8; 1];
    let is_tls = matches!(tcp.peek(&mut first), Ok(1) if first[0] == 0x16);
    shared.lock().unwrap().conns[index].tls = is_tls;
    let io = if is_tls {
        match handshake(tcp, config, index, shared) {
            Some(s) => Io::Tls(Box::new(s)),
            None => return,
        }
    } else {
        Io::Plain(tcp)
    };
    let mut c = Conn {
        io,
        buf: Vec::new(),
        index,
        shared,
        stop,
    };
    match scripts {
        Scripts::One(script) => {
            if run_acts(&mut c, script) {
                let deadline = Instant::now() + Duration::from_secs(30);
                while c.more(deadline) {}
            }
        }
        Scripts::Shared(scripts) => loop {
            if !c.read_request() {
                return;
            }
            let next = scripts.lock().unwrap().next();
            let Some(script) = next else {
                c.close(true);
                return;
            };
            if !run_acts(&mut c, script) {
                return;
            }
        },
    }
}
