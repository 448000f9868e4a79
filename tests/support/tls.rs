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

use crate::support::{Conn, ConnScript, Loopback, Recorded, Req, Scripts, Slot, Wire};
use h1client::rustls;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{Acceptor, WebPkiClientVerifier};
use rustls::{RootCertStore, ServerConfig, ServerConnection};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

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

impl Recorded for TlsConnLog {
    fn raw(&mut self) -> &mut Vec<u8> {
        &mut self.raw
    }
    fn requests(&mut self) -> &mut Vec<Req> {
        &mut self.requests
    }
    fn ended(&mut self, how: String) {
        self.end = Some(how);
    }
}

/// The TLS server: dropped, it stops.
pub struct TlsServer {
    pub addr: SocketAddr,
    inner: Loopback<TlsConnLog>,
}

impl TlsServer {
    /// One script per connection, in accept order; connections beyond the scripts are closed.
    pub fn conns(config: Arc<ServerConfig>, scripts: Vec<Vec<TAct>>) -> TlsServer {
        TlsServer::start("127.0.0.1:0", config, Scripts::per_connection(scripts)).unwrap()
    }

    /// Every connection loops "read a request, run the next response script"; scripts are used
    /// in global request order, and a connection is closed (with close_notify) when they run out.
    pub fn responses(config: Arc<ServerConfig>, scripts: Vec<Vec<TAct>>) -> TlsServer {
        TlsServer::start("127.0.0.1:0", config, Scripts::per_request(scripts)).unwrap()
    }

    /// Like [`TlsServer::responses`], with scripts that may name the server's own address (a
    /// redirect to `http://` on the same port, which this server also answers).
    pub fn responses_for(config: Arc<ServerConfig>, make: impl FnOnce(SocketAddr) -> Vec<Vec<TAct>>) -> TlsServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let scripts = make(listener.local_addr().unwrap());
        TlsServer::start_on(listener, config, Scripts::per_request(scripts))
    }

    /// Answers every request with `200 OK` and this body.
    pub fn always(config: Arc<ServerConfig>, body: &str) -> TlsServer {
        let one = vec![tsend(crate::support::ok(body))];
        TlsServer::responses(config, std::iter::repeat_n(one, 10_000).collect())
    }

    /// Like [`TlsServer::conns`] on `[::1]`; `None` when IPv6 loopback is unavailable.
    pub fn conns_v6(config: Arc<ServerConfig>, scripts: Vec<Vec<TAct>>) -> Option<TlsServer> {
        TlsServer::start("[::1]:0", config, Scripts::per_connection(scripts)).ok()
    }

    fn start(bind: &str, config: Arc<ServerConfig>, scripts: Scripts<TAct>) -> io::Result<TlsServer> {
        Ok(TlsServer::start_on(TcpListener::bind(bind)?, config, scripts))
    }

    fn start_on(listener: TcpListener, config: Arc<ServerConfig>, mut scripts: Scripts<TAct>) -> TlsServer {
        let inner = Loopback::start(listener, move || {
            let script = scripts.next_connection()?;
            let config = config.clone();
            Some(move |tcp, slot| serve(tcp, config, script, slot))
        });
        TlsServer {
            addr: inner.addr,
            inner,
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
        self.inner.logs().clone()
    }

    /// Connections accepted.
    pub fn connections(&self) -> usize {
        self.inner.connections()
    }

    /// Handshakes completed.
    pub fn handshakes(&self) -> usize {
        self.inner.logs().iter().filter(|c| c.handshake_done).count()
    }

    /// Requests received, over all connections in accept order.
    pub fn requests(&self) -> Vec<Req> {
        self.inner.logs().iter().flat_map(|c| c.requests.clone()).collect()
    }
}

/// The connection, TLS or plain.
pub enum Io {
    Tls(Box<rustls::StreamOwned<ServerConnection, TcpStream>>),
    Plain(TcpStream),
}

impl Read for Io {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Io::Tls(s) => s.read(buf),
            Io::Plain(s) => s.read(buf),
        }
    }
}

impl Write for Io {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Io::Tls(s) => s.write(buf),
            Io::Plain(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Io::Tls(s) => s.flush(),
            Io::Plain(s) => s.flush(),
        }
    }
}

impl Wire for Io {
    fn tcp(&self) -> &TcpStream {
        match self {
            Io::Tls(s) => &s.sock,
            Io::Plain(s) => s,
        }
    }
    fn eof_name(&self) -> &'static str {
        match self {
            Io::Tls(_) => "close_notify",
            Io::Plain(_) => "eof",
        }
    }
}

type TlsConn = Conn<Io, TlsConnLog>;

/// Encrypts `b` (leaves it as it is on a plain connection) and writes the bytes one at a time.
fn trickle(c: &mut TlsConn, b: &[u8], pause: Duration) -> bool {
    let wire = match &mut c.io {
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
    c.trickle_raw(&wire, pause)
}

/// Ends the connection: with `close_notify` or without, then FIN (and reads what the client
/// still sends for a moment).
fn close(c: &mut TlsConn, notify: bool) {
    if let Io::Tls(s) = &mut c.io {
        if notify {
            s.conn.send_close_notify();
        }
        while s.conn.wants_write() {
            if s.conn.write_tls(&mut s.sock).is_err() {
                break;
            }
        }
    }
    c.shutdown();
}

/// Runs the steps; false when the connection is finished.
fn run_acts(c: &mut TlsConn, script: Vec<TAct>) -> bool {
    for act in script {
        if c.slot.stopped() {
            return false;
        }
        let open = match act {
            TAct::Read => c.read_request(false),
            TAct::Send(b) => c.send(&b),
            TAct::Trickle(b, pause) => trickle(c, &b, pause),
            TAct::Sleep(d) => {
                c.slot.sleep(d);
                true
            }
            TAct::Drain(d) => {
                c.drain(d);
                true
            }
            TAct::Close => {
                close(c, true);
                false
            }
            TAct::CloseNoNotify => {
                close(c, false);
                false
            }
        };
        if !open {
            return false;
        }
    }
    true
}

/// Reads the ClientHello (recording SNI and ALPN), then completes the handshake.
fn handshake(
    mut tcp: TcpStream,
    config: Arc<ServerConfig>,
    slot: &Slot<TlsConnLog>,
) -> Option<rustls::StreamOwned<ServerConnection, TcpStream>> {
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
                slot.record(|c| c.handshake_error = Some(e.to_string()));
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
    slot.record(|c| {
        c.hello = true;
        c.sni = sni;
        c.alpn = alpn;
    });
    let mut conn = match accepted.into_connection(config) {
        Ok(conn) => conn,
        Err((e, mut alert)) => {
            let _ = alert.write_all(&mut tcp);
            slot.record(|c| c.handshake_error = Some(e.to_string()));
            return None;
        }
    };
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(&mut tcp) {
            slot.record(|c| c.handshake_error = Some(e.to_string()));
            return None;
        }
    }
    let version = conn.protocol_version().map(|v| format!("{v:?}"));
    let client_certs = conn.peer_certificates().map_or(0, <[_]>::len);
    slot.record(|c| {
        c.handshake_done = true;
        c.version = version;
        c.client_certs = client_certs;
    });
    Some(rustls::StreamOwned::new(conn, tcp))
}

fn serve(tcp: TcpStream, config: Arc<ServerConfig>, script: ConnScript<TAct>, slot: Slot<TlsConnLog>) {
    let _ = tcp.set_nodelay(true);
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = tcp.set_write_timeout(Some(Duration::from_secs(10)));
    // A TLS connection starts with a handshake record (content type 22).
    let mut first = [0u8; 1];
    let is_tls = matches!(tcp.peek(&mut first), Ok(1) if first[0] == 0x16);
    slot.record(|c| c.tls = is_tls);
    let io = if is_tls {
        match handshake(tcp, config, &slot) {
            Some(s) => Io::Tls(Box::new(s)),
            None => return,
        }
    } else {
        Io::Plain(tcp)
    };
    // out of scripts: closed properly, with close_notify
    script.serve(&mut Conn::new(io, slot), run_acts, |c| close(c, true));
}
