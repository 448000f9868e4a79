//! TLS with rustls: the trust roots, the handshake, and what its failures mean.
//!
//! - **Roots**: the Mozilla set from `webpki-roots` by default; your own with
//!   [`AgentBuilder::add_root_certificates_pem`](crate::AgentBuilder::add_root_certificates_pem)
//!   or a whole [`rustls::ClientConfig`] with
//!   [`AgentBuilder::tls_config`](crate::AgentBuilder::tls_config).
//! - **Versions**: TLS 1.3 and TLS 1.2 only (rustls has nothing older).
//! - **SNI** (RFC 6066 §3): the URL's host name; never for an IP literal, which rustls handles by
//!   sending no `server_name` extension for an IP address.
//! - **ALPN** (RFC 7301): `http/1.1` is offered, the only protocol spoken here. A server that
//!   picks anything but HTTP/1.x (possible with a user's configuration offering `h2`) is refused.
//! - **Verification** is always on, unless the one loudly named switch
//!   [`AgentBuilder::danger_accept_invalid_certs`](crate::AgentBuilder::danger_accept_invalid_certs)
//!   turns it off (curl's `-k`). Handshake signatures are still checked then.
//! - **Client certificates** (mutual TLS): a PEM chain and key given to
//!   [`AgentBuilder::client_certificate_pem`](crate::AgentBuilder::client_certificate_pem)
//!   (curl's `--cert`/`--key`), checked to belong together before any connection uses them.
//! - **Timeouts**: the handshake as a whole must end before its deadline (the connect timeout or
//!   the request's, whichever comes first); each read of it is also limited by the read timeout.
//! - **Truncation**: rustls reports a TCP close without `close_notify` as `UnexpectedEof`. The
//!   connection reads it as the end, remembering that it was unclean; a body delimited by the
//!   close is then reported as truncated (RFC 8446 §6.1, RFC 9112 §9.8), while a
//!   `Content-Length` or chunked body knows its own end and is judged by it.
//! - **Closing**: a dropped [`TlsStream`] sends `close_notify` first, as RFC 8446 §6.1 requires
//!   of each party, without waiting for the peer's.
//! - **Buffered input**: rustls may take more from the socket than was asked for; what it holds
//!   counts as input still pending, so a connection with stray bytes is never reused.

use crate::error::{Error, ErrorKind, Result, Step};
use crate::transport::connect::Host;
use crate::transport::timeouts::{Armer, SocketState, Timeouts};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct, InvalidMessage, RootCertStore,
    SignatureScheme,
};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

/// A TLS connection over TCP: rustls's [`StreamOwned`](rustls::StreamOwned) (reached through
/// `Deref`), which says goodbye when dropped.
///
/// RFC 8446 §6.1: "Each party MUST send a \"close_notify\" alert before closing its write side
/// of the connection". Dropping a `TlsStream` queues that alert and hands it to the socket
/// without blocking (best effort: a full send buffer or a dead peer only loses the goodbye),
/// so a server reading to the end sees a clean close, not a truncation.
pub struct TlsStream(rustls::StreamOwned<ClientConnection, TcpStream>);

impl std::ops::Deref for TlsStream {
    type Target = rustls::StreamOwned<ClientConnection, TcpStream>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for TlsStream {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Drop for TlsStream {
    fn drop(&mut self) {
        let s = &mut self.0;
        s.conn.send_close_notify();
        if s.sock.set_nonblocking(true).is_ok() {
            while s.conn.wants_write() {
                if !matches!(s.conn.write_tls(&mut s.sock), Ok(n) if n > 0) {
                    break;
                }
            }
        }
    }
}

/// The ring crypto provider (never aws-lc).
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Parses PEM text into certificates.
pub fn parse_pem_certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::new(ErrorKind::Tls, Step::Request, format!("invalid PEM certificate: {e}")))?;
    if certs.is_empty() {
        return Err(Error::new(
            ErrorKind::Tls,
            Step::Request,
            "no certificate found in the PEM data",
        ));
    }
    Ok(certs)
}

/// Parses PEM text into a private key (PKCS #8, PKCS #1 or SEC1; the first one found).
/// Encrypted keys are not supported.
pub fn parse_pem_private_key(pem: &[u8]) -> Result<PrivateKeyDer<'static>> {
    PrivateKeyDer::from_pem_slice(pem).map_err(|e| {
        let message = match e {
            rustls::pki_types::pem::Error::NoItemsFound => "no private key found in the PEM data".to_string(),
            e => format!("invalid PEM private key: {e}"),
        };
        Error::new(ErrorKind::Tls, Step::Request, message)
    })
}

/// A client certificate chain and its key, for mutual TLS: give it to
/// [`AgentBuilder::client_certificate`](crate::AgentBuilder::client_certificate).
///
/// ```
/// # let key = rcgen::KeyPair::generate().unwrap();
/// # let cert = rcgen::CertificateParams::new(vec!["client.test".into()]).unwrap().self_signed(&key).unwrap();
/// # let (chain_pem, key_pem) = (cert.pem(), key.serialize_pem());
/// let cert = h1client::ClientCert::from_pem(chain_pem.as_bytes(), key_pem.as_bytes())?;
/// assert_eq!(cert.chain.len(), 1); // the client's own certificate, no intermediate
/// let agent = h1client::Agent::builder().client_certificate(cert).build();
/// # drop(agent);
/// # Ok::<(), h1client::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ClientCert {
    /// The certificate chain, the client's own certificate first.
    pub chain: Vec<CertificateDer<'static>>,
    /// Its private key.
    pub key: Arc<PrivateKeyDer<'static>>,
}

impl ClientCert {
    /// Parses a PEM certificate chain and a PEM private key (which may be the same text). A
    /// key that does not belong to the first certificate is a [`Tls`](crate::ErrorKind::Tls)
    /// error.
    ///
    /// ```
    /// # let key = rcgen::KeyPair::generate().unwrap();
    /// # let cert = rcgen::CertificateParams::new(vec!["client.test".into()]).unwrap().self_signed(&key).unwrap();
    /// # let (chain_pem, key_pem) = (cert.pem(), key.serialize_pem());
    /// # let other_key_pem = rcgen::KeyPair::generate().unwrap().serialize_pem();
    /// use h1client::{ClientCert, ErrorKind};
    /// let both = format!("{chain_pem}{key_pem}"); // one file holding both
    /// assert!(ClientCert::from_pem(both.as_bytes(), both.as_bytes()).is_ok());
    ///
    /// let err = ClientCert::from_pem(chain_pem.as_bytes(), other_key_pem.as_bytes()).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Tls);
    /// ```
    pub fn from_pem(chain_pem: &[u8], key_pem: &[u8]) -> Result<ClientCert> {
        let in_client_cert = |e: Error| {
            Error::new(
                ErrorKind::Tls,
                Step::Request,
                format!("client certificate: {}", e.message()),
            )
        };
        let chain = parse_pem_certificates(chain_pem).map_err(in_client_cert)?;
        let key = parse_pem_private_key(key_pem).map_err(in_client_cert)?;
        // the key must load, and belong to the first certificate
        rustls::sign::CertifiedKey::from_der(chain.clone(), key.clone_key(), &provider()).map_err(|e| {
            let message = match e {
                rustls::Error::InconsistentKeys(_) => "the private key does not belong to the certificate".to_string(),
                e => e.to_string(),
            };
            Error::new(ErrorKind::Tls, Step::Request, format!("client certificate: {message}"))
        })?;
        Ok(ClientCert {
            chain,
            key: Arc::new(key),
        })
    }
}

/// What to trust and which versions to speak, as configured on the builder.
#[derive(Debug, Clone)]
pub struct TrustSettings {
    /// Extra root certificates (DER), trusted in addition to (or instead of) the defaults.
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// Trust only `extra_roots`, not the webpki-roots set (curl's `--cacert` replaces the default
    /// bundle).
    pub only_extra_roots: bool,
    /// Trust the operating system's store too (feature `native-roots`).
    #[cfg_attr(not(feature = "native-roots"), allow(dead_code))]
    pub native_roots: bool,
    /// Accept any certificate (`danger_accept_invalid_certs`).
    pub accept_invalid_certs: bool,
    /// The certificate to present when a server asks for one (mutual TLS), or why the PEM
    /// given for it could not be used (reported by the first `https` request).
    pub client_cert: Option<std::result::Result<ClientCert, String>>,
    /// The oldest and newest TLS versions to offer (default: 1.2 and 1.3).
    pub versions: (TlsVersion, TlsVersion),
}

/// A TLS protocol version (RFC 5246, RFC 8446); rustls speaks no older one. Versions are
/// ordered, for [`AgentBuilder::tls_versions`](crate::AgentBuilder::tls_versions).
///
/// ```
/// use h1client::{Agent, ErrorKind, TlsVersion};
/// assert!(TlsVersion::Tls12 < TlsVersion::Tls13);
/// let backwards = Agent::builder().tls_versions(TlsVersion::Tls13, TlsVersion::Tls12).build();
/// let err = backwards.get("https://127.0.0.1:9/").call().unwrap_err(); // fails before connecting
/// assert_eq!(err.kind(), ErrorKind::Tls);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
#[non_exhaustive]
pub enum TlsVersion {
    /// TLS 1.2 (RFC 5246).
    #[default]
    Tls12,
    /// TLS 1.3 (RFC 8446).
    Tls13,
}

impl Default for TrustSettings {
    fn default() -> TrustSettings {
        TrustSettings {
            extra_roots: Vec::new(),
            only_extra_roots: false,
            native_roots: false,
            accept_invalid_certs: false,
            client_cert: None,
            versions: (TlsVersion::Tls12, TlsVersion::Tls13),
        }
    }
}

/// (One chain of rustls' typed builder, from the versions to the client certificate: kept whole.)
///
/// Builds the client configuration for these settings: the versions asked for (TLS 1.2 and
/// 1.3 by default), ALPN `http/1.1`.
pub fn build_config(trust: &TrustSettings) -> Result<Arc<ClientConfig>> {
    let provider = provider();
    let (oldest, newest) = trust.versions;
    let versions: Vec<&'static rustls::SupportedProtocolVersion> = [
        (TlsVersion::Tls13, &rustls::version::TLS13),
        (TlsVersion::Tls12, &rustls::version::TLS12),
    ]
    .into_iter()
    .filter(|(v, _)| (oldest..=newest).contains(v))
    .map(|(_, version)| version)
    .collect();
    if versions.is_empty() {
        let message = format!("no TLS version is both at least {oldest:?} and at most {newest:?}");
        return Err(Error::new(ErrorKind::Tls, Step::Request, message));
    }
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions)
        .map_err(|e| Error::new(ErrorKind::Tls, Step::Request, format!("tls configuration: {e}")))?;
    let builder = if trust.accept_invalid_certs {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
    } else {
        let mut roots = RootCertStore::empty();
        if !trust.only_extra_roots {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        #[cfg(feature = "native-roots")]
        if trust.native_roots {
            for cert in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(cert);
            }
        }
        for cert in &trust.extra_roots {
            // a borrowed view: the store keeps its own parsed copy, no need for a second one
            roots
                .add(CertificateDer::from(&cert[..]))
                .map_err(|e| Error::new(ErrorKind::Tls, Step::Request, format!("unusable root certificate: {e}")))?;
        }
        if trust.extra_roots.is_empty() {
            builder.with_root_certificates(roots)
        } else {
            let roots = Arc::new(roots);
            let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(roots.clone(), provider)
                .build()
                .map_err(|e| Error::new(ErrorKind::Tls, Step::Request, format!("tls configuration: {e}")))?;
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(WebPkiOrRoot { webpki, roots }))
        }
    };
    let mut config = match &trust.client_cert {
        None => builder.with_no_client_auth(),
        Some(Err(message)) => return Err(Error::new(ErrorKind::Tls, Step::Request, message.clone())),
        Some(Ok(cert)) => builder
            .with_client_auth_cert(cert.chain.clone(), cert.key.clone_key())
            .map_err(|e| Error::new(ErrorKind::Tls, Step::Request, format!("client certificate: {e}")))?,
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Performs the TLS handshake on `tcp` for `host` (a name, or an address). (The loop and its
/// error mapping read best together.)
///
/// `timeouts` limits each read and write of the handshake and, by its deadline, the whole of
/// it: a server that trickles its handshake a byte at a time cannot stretch it past the
/// deadline. `state` is what the socket's timeouts are set to, kept up to date.
///
/// The server must agree to HTTP/1.x by ALPN or not use ALPN at all: a configuration given with
/// [`AgentBuilder::tls_config`](crate::AgentBuilder::tls_config) may offer `h2`, which this client
/// cannot speak.
pub fn handshake(
    tcp: TcpStream,
    host: Host<'_>,
    config: Arc<ClientConfig>,
    timeouts: &Timeouts,
    state: &mut SocketState,
) -> Result<TlsStream> {
    // an address is no text to copy (RFC 6066 §3: and is never sent as SNI)
    let name = match host {
        Host::Ip(ip) => Ok(ServerName::IpAddress(ip.into())),
        Host::Name(name) => ServerName::try_from(name.to_string()),
    };
    let name = name.map_err(|_| {
        Error::new(
            ErrorKind::InvalidUrl,
            Step::TlsHandshake,
            format!("{:?} is not a valid TLS server name", host.to_string()),
        )
    })?;
    let mut conn = ClientConnection::new(config, name)
        .map_err(|e| Error::new(ErrorKind::Tls, Step::TlsHandshake, e.to_string()).with_source(e))?;
    let mut tcp = tcp;
    let mut armer = Armer::new(timeouts, state);
    // Step by step (not `complete_io`, which loops on its own as long as bytes trickle in),
    // until the handshake is over and the client Finished is flushed.
    while conn.is_handshaking() || conn.wants_write() {
        let result = if conn.wants_write() {
            armer
                .before_write(&tcp)
                .and_then(|()| conn.write_tls(&mut tcp))
                .map(drop)
        } else {
            match armer.before_read(&tcp).and_then(|()| conn.read_tls(&mut tcp)) {
                Ok(0) => Err(io::ErrorKind::UnexpectedEof.into()),
                Ok(_) => conn.process_new_packets().map(drop).map_err(|e| {
                    // Tell the server why, if rustls has an alert for it (best effort).
                    let _ = conn.write_tls(&mut tcp);
                    io::Error::new(io::ErrorKind::InvalidData, e)
                }),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => Err(e),
            }
        };
        if let Err(e) = result {
            return Err(match timeouts.deadline {
                Some(d) if is_timeout(&e) && d.remaining().is_none() => d.error(Step::TlsHandshake).with_source(e),
                _ => handshake_error(e, &host.to_string(), timeouts.read),
            });
        }
    }
    if let Some(protocol) = conn.alpn_protocol() {
        if protocol != b"http/1.1" && protocol != b"http/1.0" {
            let message = format!(
                "the server chose the application protocol {:?} (ALPN); only HTTP/1.1 is spoken here",
                String::from_utf8_lossy(protocol)
            );
            return Err(Error::new(ErrorKind::Tls, Step::TlsHandshake, message));
        }
    }
    Ok(TlsStream(rustls::StreamOwned::new(conn, tcp)))
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

/// One read of plain text, as rustls's `Stream::read` does it (flush what is pending, then read
/// records until plain text, a clean close or the end comes), but with `arm` called before each
/// system call, so that a peer dribbling a record a byte at a time meets the deadline.
pub(crate) fn read_armed(s: &mut TlsStream, buf: &mut [u8], arm: &mut Armer<'_>) -> io::Result<usize> {
    loop {
        flush_armed(s, arm)?;
        let s = &mut s.0;
        match s.conn.reader().read(buf) {
            // no plain text yet: read more records
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            // plain text, `Ok(0)` after close_notify, `UnexpectedEof` after a bare TCP close
            other => return other,
        }
        arm.before_read(&s.sock)?;
        // 0 (the TCP end) is recorded by rustls, and the reader reports it above
        s.conn.read_tls(&mut s.sock)?;
        if let Err(e) = s.conn.process_new_packets() {
            // Tell the server why, if rustls has an alert for it (best effort).
            let _ = s.conn.write_tls(&mut s.sock);
            return Err(io::Error::new(io::ErrorKind::InvalidData, e));
        }
    }
}

/// Encrypts some of `bufs` and sends the records (all of them), arming each system call.
pub(crate) fn write_vectored_armed(
    s: &mut TlsStream,
    bufs: &[io::IoSlice<'_>],
    arm: &mut Armer<'_>,
) -> io::Result<usize> {
    flush_armed(s, arm)?;
    let n = s.conn.writer().write_vectored(bufs)?;
    flush_armed(s, arm)?;
    Ok(n)
}

/// Sends the records rustls holds, arming each system call.
pub(crate) fn flush_armed(s: &mut TlsStream, arm: &mut Armer<'_>) -> io::Result<()> {
    let s = &mut s.0;
    while s.conn.wants_write() {
        arm.before_write(&s.sock)?;
        match s.conn.write_tls(&mut s.sock) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Does the TLS layer hold input the reader has not taken yet: decrypted bytes, or the peer's
/// `close_notify`? Such bytes are invisible to a look at the socket. No system call.
pub fn has_buffered_input(s: &TlsStream) -> bool {
    // Once the handshake is done, rustls wants to read unless it has plaintext waiting or the
    // peer has closed.
    !s.conn.is_handshaking() && !s.conn.wants_read()
}

/// A TLS failure after the handshake (an alert from the server, a record that does not
/// decrypt) comes out of a read or write as an `io::Error` wrapping a `rustls::Error`: this is
/// that failure as a [`ErrorKind::Tls`] error, or `None` for any other io error.
pub fn io_failure(step: Step, e: &io::Error, host: &str) -> Option<Error> {
    let tls = e.get_ref()?.downcast_ref::<rustls::Error>()?.clone();
    Some(Error::new(ErrorKind::Tls, step, describe(&tls, host)).with_source(tls))
}

/// The negotiated parameters, for tracing: (version, cipher suite, ALPN protocol).
pub fn negotiated(s: &TlsStream) -> (String, String, Option<String>) {
    let version = s
        .conn
        .protocol_version()
        .map_or_else(|| "unknown".into(), |v| format!("{v:?}"));
    let cipher = s
        .conn
        .negotiated_cipher_suite()
        .map_or_else(|| "unknown".into(), |c| format!("{:?}", c.suite()));
    let alpn = s.conn.alpn_protocol().map(|p| String::from_utf8_lossy(p).into_owned());
    (version, cipher, alpn)
}

/// Is this rustls error about the server's certificate (as opposed to the handshake itself)?
pub fn is_certificate_error(e: &rustls::Error) -> bool {
    matches!(
        e,
        rustls::Error::InvalidCertificate(_)
            | rustls::Error::NoCertificatesPresented
            | rustls::Error::InvalidCertRevocationList(_)
    )
}

fn handshake_error(e: io::Error, host: &str, per_io: Option<Duration>) -> Error {
    if is_timeout(&e) {
        let message = match per_io {
            Some(t) => format!("read timeout of {t:?} expired during the handshake"),
            None => "timed out during the handshake".to_string(),
        };
        return Error::new(ErrorKind::Timeout, Step::TlsHandshake, message).with_source(e);
    }
    let rustls_error = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .cloned();
    match rustls_error {
        Some(tls) => Error::new(ErrorKind::Tls, Step::TlsHandshake, describe(&tls, host)).with_source(tls),
        None => {
            let message = match e.kind() {
                io::ErrorKind::UnexpectedEof => "the server closed the connection during the handshake".to_string(),
                _ => crate::error::io_phrase(&e),
            };
            Error::new(ErrorKind::Tls, Step::TlsHandshake, message).with_source(e)
        }
    }
}

/// How to trust a server whose certificate is not trusted, for messages.
const TRUST_REMEDY: &str = "trust its CA (or the certificate itself) with AgentBuilder::add_root_certificates_pem, or --cacert on the command line";

/// The webpki error inside a rustls "other" certificate error, when there is one.
fn webpki_error(e: &CertificateError) -> Option<&webpki::Error> {
    match e {
        CertificateError::Other(other) => other.0.downcast_ref::<webpki::Error>(),
        _ => None,
    }
}

/// A rustls failure in words, with the remedy where there is one.
fn describe(e: &rustls::Error, host: &str) -> String {
    match e {
        rustls::Error::InvalidCertificate(c) => describe_certificate(c, host),
        // What a record header that is not TLS at all (`HTTP/1.1 400 …`) makes of it.
        rustls::Error::InvalidMessage(InvalidMessage::InvalidContentType | InvalidMessage::UnknownProtocolVersion) => {
            "the server did not answer with TLS (is it plain HTTP?)".into()
        }
        rustls::Error::InvalidMessage(m) => {
            format!("the server sent an invalid TLS message ({m:?})")
        }
        rustls::Error::AlertReceived(alert) => format!("the server sent the alert {alert:?}"),
        other => other.to_string(),
    }
}

fn describe_certificate(c: &CertificateError, host: &str) -> String {
    match c {
        CertificateError::UnknownIssuer => format!(
            "the server's certificate is not trusted: its issuer is not among the trusted roots (a private CA, a self-signed certificate, or a server that does not send its intermediate certificates); {TRUST_REMEDY}"
        ),
        CertificateError::ExpiredContext { time, not_after } => format!(
            "the server's certificate expired on {} (it is now {})",
            utc_date(not_after.as_secs()),
            utc_date(time.as_secs())
        ),
        CertificateError::Expired => "the server's certificate has expired".into(),
        CertificateError::NotValidYetContext { time, not_before } => format!(
            "the server's certificate is not valid before {} (it is now {})",
            utc_date(not_before.as_secs()),
            utc_date(time.as_secs())
        ),
        CertificateError::NotValidYet => "the server's certificate is not valid yet".into(),
        CertificateError::NotValidForNameContext { presented, .. } if !presented.is_empty() => {
            let names: Vec<&str> = presented.iter().map(|n| presented_name(n)).collect();
            format!(
                "the server's certificate is not valid for the name {host:?}: it is for {}",
                names.join(", ")
            )
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            format!("the server's certificate is not valid for the name {host:?}")
        }
        CertificateError::BadSignature => "the server's certificate has a bad signature".into(),
        CertificateError::Revoked => "the server's certificate has been revoked".into(),
        CertificateError::BadEncoding => "the server's certificate is malformed".into(),
        other => match webpki_error(other) {
            Some(webpki::Error::CaUsedAsEndEntity) => format!(
                "the server presented a CA certificate as its own (a self-signed certificate, as `openssl req -x509` makes) that is not among the trusted roots; {TRUST_REMEDY}"
            ),
            Some(w) => format!("the server's certificate was refused ({w:?})"),
            None => format!("the server's certificate was refused ({other:?})"),
        },
    }
}

/// A name a certificate presents, as webpki describes it (`DnsName("a.example")`,
/// `IpAddress(127.0.0.1)`), without the wrapping.
fn presented_name(described: &str) -> &str {
    let inner = ["DnsName(\"", "IpAddress("]
        .iter()
        .find_map(|prefix| described.strip_prefix(prefix))
        .map(|rest| rest.trim_end_matches(')').trim_end_matches('"'));
    inner.unwrap_or(described)
}

/// A time as `YYYY-MM-DD HH:MM:SS UTC`, from seconds since 1970 (the civil-from-days
/// algorithm of the proleptic Gregorian calendar).
#[allow(clippy::arithmetic_side_effects)] // days since 1970 from a u64 / 86400: far from i64's limits, every divisor a constant
fn utc_date(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rest = secs % 86_400;
    // days since 0000-03-01
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// webpki's verification, with one allowance that curl (OpenSSL's partial chains) makes and
/// its users rely on: a server presenting a certificate that is itself a trusted root (curl's
/// `--cacert server.pem`) is trusted even though no chain can be built — a leaf given as its
/// own root (`UnknownIssuer`), or the self-signed certificate `openssl req -x509` makes, which
/// calls itself a CA (`CaUsedAsEndEntity`). "Is a root" means its public key is a root's: the
/// handshake signature, verified as always, proves the server holds that root's private key,
/// which is all a root vouches for. Its dates were checked before either error (webpki checks
/// validity first), and its name is checked here.
#[derive(Debug)]
struct WebPkiOrRoot {
    webpki: Arc<rustls::client::WebPkiServerVerifier>,
    roots: Arc<RootCertStore>,
}

impl WebPkiOrRoot {
    /// Is the certificate's key one of the roots' keys?
    fn is_root(&self, cert: &rustls::server::ParsedCertificate<'_>) -> bool {
        // A trust anchor keeps the contents of the SubjectPublicKeyInfo SEQUENCE; the parsed
        // certificate gives the whole SEQUENCE (tag and length first).
        let spki = cert.subject_public_key_info();
        let spki = spki.as_ref();
        self.roots.roots.iter().any(|anchor| {
            let key = anchor.subject_public_key_info.as_ref();
            spki.len()
                .checked_sub(key.len())
                .is_some_and(|head| (1..=6).contains(&head))
                && spki.ends_with(key)
        })
    }
}

impl ServerCertVerifier for WebPkiOrRoot {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self
            .webpki
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(e) if no_chain(&e) => {
                let parsed = rustls::server::ParsedCertificate::try_from(end_entity)?;
                if !self.is_root(&parsed) {
                    return Err(e);
                }
                rustls::client::verify_server_name(&parsed, server_name)?;
                Ok(ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// Did verification fail only for want of a chain to a root?
fn no_chain(e: &rustls::Error) -> bool {
    match e {
        rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer) => true,
        rustls::Error::InvalidCertificate(c) => matches!(webpki_error(c), Some(webpki::Error::CaUsedAsEndEntity)),
        _ => false,
    }
}

/// The verifier behind `danger_accept_invalid_certs`: any certificate chain is accepted, but
/// handshake signatures are still verified with the certificate's key.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_shown_in_utc() {
        assert_eq!(utc_date(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc_date(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc_date(1_796_083_199), "2026-11-30 23:59:59 UTC");
        assert_eq!(utc_date(4_102_444_800), "2100-01-01 00:00:00 UTC");
    }
}
