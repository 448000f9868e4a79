//! The [`Agent`] — what a program keeps to make requests: its configuration, the pool of idle
//! connections, the cookie jar — and the [`AgentBuilder`] that configures it.
//!
//! A request runs through [`run`](super::run) (redirects, one deadline) and
//! [`exchange`](super::exchange) (prepare, attempt, decide, finish); the manual's
//! [life of a request](crate::manual::_01_life_of_a_request) follows it step by step.

use super::config::{Config, ProxySetting};
use super::engine::Engine;
use super::request::{IntoUrl, RequestBuilder};
use crate::trace::{Event, TraceFn, Tracer};
use crate::transport::proxy::{NoProxy, Proxy};
use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

/// Configures and builds an [`Agent`]. Every setting has a default (see each method, and the
/// reasons in [`manual::_06_defaults`](crate::manual::_06_defaults)).
///
/// ```
/// use std::time::Duration;
/// let agent = h1client::Agent::builder()
///     .timeout_connect(Duration::from_secs(5))
///     .timeout(Duration::from_secs(30))
///     .default_header("X-Api-Version", "2")
///     .build();
/// # drop(agent);
/// ```
#[derive(Clone, Default)]
#[must_use]
pub struct AgentBuilder {
    config: Config,
}

impl std::fmt::Debug for AgentBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentBuilder").finish_non_exhaustive()
    }
}

impl AgentBuilder {
    /// Limits connecting as a whole, as curl's `--connect-timeout` does: resolving the name, the
    /// TCP connection (every address tried), a proxy's CONNECT answer or SOCKS5 handshake, and
    /// the TLS handshake, all within this one limit. Default 30 s. `Duration::ZERO` leaves no
    /// time at all (every connection fails with a timeout); a huge value is no limit.
    ///
    /// ```
    /// let agent = h1client::Agent::builder().timeout_connect(std::time::Duration::from_secs(3)).build();
    /// # drop(agent);
    /// ```
    pub fn timeout_connect(mut self, t: Duration) -> Self {
        self.config.timeout_connect = Some(t);
        self
    }

    /// Limits each read: how long the server may stay silent. Default: none. A server that
    /// sends a byte now and then never trips it; [`timeout`](Self::timeout) bounds the whole.
    /// `Duration::ZERO` leaves no time (every read fails with a timeout); a huge value is no
    /// limit.
    ///
    /// ```
    /// let agent = h1client::Agent::builder().timeout_read(std::time::Duration::from_secs(10)).build();
    /// # drop(agent);
    /// ```
    pub fn timeout_read(mut self, t: Duration) -> Self {
        self.config.timeout_read = Some(t);
        self
    }

    /// Limits each write: how long the server may stop taking bytes. Default: none.
    /// `Duration::ZERO` leaves no time (every write fails with a timeout); a huge value is no
    /// limit.
    ///
    /// ```
    /// let agent = h1client::Agent::builder().timeout_write(std::time::Duration::from_secs(10)).build();
    /// # drop(agent);
    /// ```
    pub fn timeout_write(mut self, t: Duration) -> Self {
        self.config.timeout_write = Some(t);
        self
    }

    /// One deadline for the whole request: resolving, connecting, TLS, sending, the head,
    /// redirects, and reading the body after `call()` returned. Default: none (as curl and
    /// `requests`: set it for anything unattended). `Duration::ZERO` fails every request at
    /// once with a timeout; a duration too long to add to the clock is a year. It cannot
    /// interrupt a read of your own upload source (a
    /// [`send_reader`](crate::RequestBuilder::send_reader) reader that blocks): bound that
    /// reader yourself.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"]);
    /// let agent = h1client::Agent::builder().timeout(std::time::Duration::from_secs(30)).build();
    /// assert_eq!(agent.get(&server.url("/")).call()?.text()?, "ok");
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn timeout(mut self, t: Duration) -> Self {
        self.config.timeout = Some(t);
        self
    }

    /// How many redirects to follow; 0 returns 3xx responses as they are. Default 10.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n"]);
    /// let agent = h1client::Agent::builder().max_redirects(0).build();
    /// let resp = agent.get(&server.url("/")).call()?;
    /// assert_eq!((resp.status(), resp.header("location")), (302, Some("/next")));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn max_redirects(mut self, n: u32) -> Self {
        self.config.max_redirects = n;
        self
    }

    /// Follow redirects from `https` to `http` (refused by default: it would expose the request
    /// to the network).
    ///
    /// ```
    /// let agent = h1client::Agent::builder().allow_https_downgrade(true).build();
    /// # drop(agent);
    /// ```
    pub fn allow_https_downgrade(mut self, allow: bool) -> Self {
        self.config.allow_https_downgrade = allow;
        self
    }

    /// Most bytes a response head may take (and a chunked trailer section). Default 64 KiB;
    /// at least 64 bytes.
    ///
    /// ```
    /// let agent = h1client::Agent::builder().max_head_size(16 * 1024).build();
    /// # drop(agent);
    /// ```
    pub fn max_head_size(mut self, bytes: usize) -> Self {
        self.config.limits.max_head_bytes = bytes.max(64);
        self
    }

    /// Most header fields a response may have. Default 100; at least 1. Memory follows the
    /// head received, not this number.
    ///
    /// ```
    /// let agent = h1client::Agent::builder().max_headers(500).build();
    /// # drop(agent);
    /// ```
    pub fn max_headers(mut self, n: usize) -> Self {
        self.config.limits.max_headers = n.max(1);
        self
    }

    /// Most idle connections kept per origin. Default 8; 0 disables keep-alive reuse.
    ///
    /// ```
    /// let agent = h1client::Agent::builder().max_idle_per_host(0).build(); // a new connection each time
    /// # drop(agent);
    /// ```
    pub fn max_idle_per_host(mut self, n: usize) -> Self {
        self.config.pool.max_idle_per_host = n;
        self
    }

    /// Most idle connections kept in all. Default 64.
    ///
    /// ```
    /// let agent = h1client::Agent::builder().max_idle(16).build();
    /// # drop(agent);
    /// ```
    pub fn max_idle(mut self, n: usize) -> Self {
        self.config.pool.max_idle = n;
        self
    }

    /// How long an idle connection is kept. Default 90 s; `Duration::ZERO` keeps none. A
    /// server's `Keep-Alive: timeout=N` hint shortens it for that server's connections to one
    /// second less than N, so that no request is sent into a connection the server is closing.
    ///
    /// ```
    /// let agent = h1client::Agent::builder().idle_timeout(std::time::Duration::from_secs(20)).build();
    /// # drop(agent);
    /// ```
    pub fn idle_timeout(mut self, t: Duration) -> Self {
        self.config.pool.idle_timeout = t;
        self
    }

    /// Most bytes [`Response::bytes`](crate::Response::bytes), `text` and `json` accept.
    /// Default 10 MiB; a request can set its own with
    /// [`RequestBuilder::body_limit`](crate::RequestBuilder::body_limit).
    ///
    /// ```
    /// let agent = h1client::Agent::builder().body_limit(100 * 1024 * 1024).build();
    /// # drop(agent);
    /// ```
    pub fn body_limit(mut self, bytes: u64) -> Self {
        self.config.body_limit = bytes;
        self
    }

    /// Whether to ask for compressed bodies and decode them (RFC 9110 §8.4, §12.5.3). Default
    /// true, which does something only with the `gzip` or `brotli` feature: every request then
    /// carries `Accept-Encoding` with the codings this build decodes (`gzip, deflate`, `br`) —
    /// a default header that a request's own `Accept-Encoding` replaces — and response bodies
    /// in those codings are decoded as they are read (see [`Response`](crate::Response) for
    /// what the headers then say). False sends no `Accept-Encoding` and gives bodies as they
    /// arrive. Transfer codings (`Transfer-Encoding: gzip, chunked`) are undone either way.
    ///
    /// ```
    /// let raw = h1client::Agent::builder().decompress(false).build();
    /// # drop(raw);
    /// ```
    pub fn decompress(mut self, on: bool) -> Self {
        self.config.decompress = on;
        self
    }

    /// How long a request with `Expect: 100-continue` (see
    /// [`RequestBuilder::expect_continue`](crate::RequestBuilder::expect_continue)) waits for
    /// the server's `100 Continue` before sending its body anyway. Default 1 s.
    /// `Duration::ZERO` sends the body at once; a huge value waits until the server answers (or
    /// the request's deadline passes).
    ///
    /// ```
    /// let agent = h1client::Agent::builder().expect_continue_timeout(std::time::Duration::from_secs(3)).build();
    /// # drop(agent);
    /// ```
    pub fn expect_continue_timeout(mut self, t: Duration) -> Self {
        self.config.expect_timeout = t;
        self
    }

    /// The default `User-Agent`; `None` sends none. Default `h1client/<version>`.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// let agent = h1client::Agent::builder().user_agent(Some("backup-tool/2.1")).build();
    /// agent.get(&server.url("/")).call()?;
    /// assert!(server.requests()[0].contains("\r\nUser-Agent: backup-tool/2.1\r\n"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn user_agent(mut self, ua: Option<&str>) -> Self {
        self.config.user_agent = ua.map(|ua| Cow::Owned(ua.to_string()));
        self
    }

    /// A header sent with every request of the agent (a `requests.Session`'s `headers`): it
    /// replaces the built-in default of the same name (`User-Agent`, `Accept`,
    /// `Accept-Encoding`); a header the request sets itself, or implies (credentials in the
    /// URL, the cookie jar's `Cookie`, a form's `Content-Type`), wins over it. Validated when a
    /// request is sent, like any header.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[
    /// #     b"HTTP/1.1 204 No Content\r\n\r\n", b"HTTP/1.1 204 No Content\r\n\r\n",
    /// # ]);
    /// let api = h1client::Agent::builder()
    ///     .default_header("Authorization", "Bearer t0k3n")
    ///     .default_header("Accept", "application/json")
    ///     .build();
    /// api.get(&server.url("/a")).call()?;
    /// api.get(&server.url("/b")).header("Accept", "text/csv").call()?;
    /// let sent = server.requests();
    /// assert!(sent[0].contains("\r\nAccept: application/json\r\n") && sent[0].contains("Bearer t0k3n"));
    /// assert!(sent[1].contains("\r\nAccept: text/csv\r\n") && !sent[1].contains("application/json"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn default_header(mut self, name: impl AsRef<str>, value: impl std::fmt::Display) -> Self {
        let name = name.as_ref();
        self.config
            .default_headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.config.default_headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Calls `f` with an [`Event`] at every step of every request (see [`trace`](crate::trace)).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    /// let heads = Arc::new(AtomicUsize::new(0));
    /// let seen = heads.clone();
    /// let agent = h1client::Agent::builder()
    ///     .trace(move |e| if let h1client::Event::ResponseHead { .. } = e { seen.fetch_add(1, Ordering::Relaxed); })
    ///     .build();
    /// agent.get(&server.url("/")).call()?;
    /// assert_eq!(heads.load(Ordering::Relaxed), 1);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn trace(mut self, f: impl Fn(&Event<'_>) + Send + Sync + 'static) -> Self {
        let f: Arc<TraceFn> = Arc::new(f);
        self.config.tracer = Tracer::new(f);
        self
    }

    /// Re-sends requests of any method — POST and PATCH too — when a reused connection fails
    /// before any answer arrived, as curl does. Off by default: a request whose method is not
    /// idempotent is then sent again only when nothing of it was written (it cannot have been
    /// applied); turn this on only when your requests are safe to repeat (RFC 9110 §9.2.2).
    /// See [`manual::_06_defaults`](crate::manual::_06_defaults).
    ///
    /// ```
    /// let agent = h1client::Agent::builder().retry_non_idempotent(true).build();
    /// # drop(agent);
    /// ```
    pub fn retry_non_idempotent(mut self, on: bool) -> Self {
        self.config.retry_non_idempotent = on;
        self
    }

    /// Sends requests as HTTP/1.0 or HTTP/1.1 (the default). HTTP/1.0 (curl's `--http1.0`) is
    /// for servers that speak nothing else: a body must then have a known length (there is no
    /// chunked coding), and the connection is not kept after the response.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"]);
    /// let old = h1client::Agent::builder().http_version(h1client::HttpVersion::Http10).build();
    /// old.get(&server.url("/")).call()?;
    /// assert!(server.requests()[0].starts_with("GET / HTTP/1.0\r\n"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn http_version(mut self, version: crate::HttpVersion) -> Self {
        self.config.http_version = version;
        self
    }

    /// Connects over IPv4 only, IPv6 only, or both (the default, raced as RFC 8305 says):
    /// curl's `-4` and `-6`. A name with no address of that family is a
    /// [`Dns`](crate::ErrorKind::Dns) error, an address of the other family in the URL a
    /// [`Connect`](crate::ErrorKind::Connect) error.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// let v4 = h1client::Agent::builder().ip_version(h1client::IpVersion::V4).build();
    /// v4.get(&server.url("/")).call()?; // the doc server listens on 127.0.0.1
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn ip_version(mut self, version: crate::IpVersion) -> Self {
        self.config.ip_version = version;
        self
    }

    /// Uses these addresses for `host` on `port` instead of asking the resolver (curl's
    /// `--resolve host:port:addr[,addr]`): to reach a server by its name before DNS knows it,
    /// or one server of several. The URL, the `Host` header and TLS (SNI, the certificate
    /// check) still name `host`. A later call for the same host and port replaces an earlier.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// # let port = server.url("").rsplit(':').next().unwrap().parse::<u16>().unwrap();
    /// let agent = h1client::Agent::builder()
    ///     .resolve("api.example.com", port, &["127.0.0.1".parse().unwrap()])
    ///     .build();
    /// agent.get(format!("http://api.example.com:{port}/")).call()?;
    /// assert!(server.requests()[0].contains(&format!("\r\nHost: api.example.com:{port}\r\n")));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn resolve(mut self, host: &str, port: u16, addrs: &[std::net::IpAddr]) -> Self {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.config.resolve.retain(|(h, p, _)| !(*h == host && *p == port));
        self.config.resolve.push((host, port, addrs.to_vec()));
        self
    }

    /// Makes connections meant for `host:port` to `to_host:to_port` instead (curl's
    /// `--connect-to HOST1:PORT1:HOST2:PORT2`): the URL, the `Host` header and TLS (SNI, the
    /// certificate check) still name `host`. An empty `host` or a `port` of 0 matches any; an
    /// empty `to_host` or a `to_port` of 0 keeps the original. Through a proxy, the proxy is
    /// asked for `to_host:to_port`. The first rule that matches applies.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
    /// # let port = server.url("").rsplit(':').next().unwrap().parse::<u16>().unwrap();
    /// let agent = h1client::Agent::builder().connect_to("www.example.com", 80, "127.0.0.1", port).build();
    /// agent.get("http://www.example.com/").call()?;
    /// assert!(server.requests()[0].contains("\r\nHost: www.example.com\r\n"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn connect_to(mut self, host: &str, port: u16, to_host: &str, to_port: u16) -> Self {
        self.config.connect_to.push(super::config::ConnectTo {
            host: host.to_string(),
            port,
            to_host: to_host.to_string(),
            to_port,
        });
        self
    }

    /// Offers only TLS versions from `oldest` to `newest` (default: 1.2 to 1.3): curl's
    /// `--tlsv1.2`, `--tlsv1.3` and `--tls-max`. A range with no version in it fails the first
    /// `https` request with a [`Tls`](crate::ErrorKind::Tls) error.
    ///
    /// ```
    /// use h1client::TlsVersion;
    /// let modern = h1client::Agent::builder().tls_versions(TlsVersion::Tls13, TlsVersion::Tls13).build();
    /// # drop(modern);
    /// ```
    #[cfg(feature = "tls")]
    pub fn tls_versions(mut self, oldest: crate::TlsVersion, newest: crate::TlsVersion) -> Self {
        self.config.trust.versions = (oldest, newest);
        self
    }

    /// Uses this rustls configuration for `https` (your roots, client certificates for mTLS,
    /// versions). Its ALPN list is used as given.
    ///
    /// ```
    /// use h1client::rustls;
    /// let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    /// let mut roots = rustls::RootCertStore::empty();
    /// roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    /// let config = rustls::ClientConfig::builder_with_provider(provider)
    ///     .with_protocol_versions(&[&rustls::version::TLS13]) // TLS 1.3 only
    ///     .unwrap()
    ///     .with_root_certificates(roots)
    ///     .with_no_client_auth();
    /// let agent = h1client::Agent::builder().tls_config(std::sync::Arc::new(config)).build();
    /// # drop(agent);
    /// ```
    #[cfg(feature = "tls")]
    pub fn tls_config(mut self, config: Arc<rustls::ClientConfig>) -> Self {
        self.config.tls_config = Some(config);
        self
    }

    /// Trusts the certificates in this PEM text as roots, in addition to the default ones.
    /// Invalid PEM is reported by the first `https` request; see
    /// [`try_add_root_certificates_pem`](Self::try_add_root_certificates_pem) to hear of it at
    /// once.
    ///
    /// ```
    /// # let ca_pem = rcgen::generate_simple_self_signed(vec!["ca.test".into()]).unwrap().cert.pem();
    /// // ca_pem: a private CA's certificate, e.g. std::fs::read("ca.pem")?
    /// let agent = h1client::Agent::builder().add_root_certificates_pem(ca_pem.as_bytes()).build();
    /// # drop(agent);
    /// ```
    #[cfg(feature = "tls")]
    pub fn add_root_certificates_pem(mut self, pem: &[u8]) -> Self {
        match crate::transport::tls::parse_pem_certificates(pem) {
            Ok(certs) => self.config.trust.extra_roots.extend(certs),
            Err(_) => self
                .config
                .trust
                .extra_roots
                .push(rustls::pki_types::CertificateDer::from(pem.to_vec())),
        }
        self
    }

    /// [`add_root_certificates_pem`](Self::add_root_certificates_pem), failing at once (an
    /// [`ErrorKind::Tls`](crate::ErrorKind::Tls) error) when the text holds no usable
    /// certificate — curl's exit 77 for a bad `--cacert`.
    ///
    /// ```
    /// let err = h1client::Agent::builder().try_add_root_certificates_pem(b"not pem").unwrap_err();
    /// assert_eq!(err.kind(), h1client::ErrorKind::Tls);
    /// ```
    #[cfg(feature = "tls")]
    pub fn try_add_root_certificates_pem(mut self, pem: &[u8]) -> crate::Result<Self> {
        let certs = crate::transport::tls::parse_pem_certificates(pem)?;
        self.config.trust.extra_roots.extend(certs);
        Ok(self)
    }

    /// Presents this client certificate when a server asks for one (mutual TLS, curl's
    /// `--cert` and `--key`): `chain_pem` holds the certificate (then any intermediates),
    /// `key_pem` its unencrypted private key; both may be the same text. Unusable PEM is
    /// reported by the first `https` request (or at once, through
    /// [`ClientCert::from_pem`](crate::ClientCert::from_pem) and
    /// [`client_certificate`](Self::client_certificate)). For more control, give a whole
    /// configuration to [`tls_config`](Self::tls_config).
    ///
    /// ```
    /// # let key = rcgen::KeyPair::generate().unwrap();
    /// # let cert = rcgen::CertificateParams::new(vec!["client.test".into()]).unwrap().self_signed(&key).unwrap();
    /// # let (cert_pem, key_pem) = (cert.pem(), key.serialize_pem());
    /// let agent = h1client::Agent::builder()
    ///     .client_certificate_pem(cert_pem.as_bytes(), key_pem.as_bytes())
    ///     .build();
    /// # drop(agent);
    /// ```
    #[cfg(feature = "tls")]
    pub fn client_certificate_pem(mut self, chain_pem: &[u8], key_pem: &[u8]) -> Self {
        let cert = crate::transport::tls::ClientCert::from_pem(chain_pem, key_pem).map_err(|e| e.message().to_string());
        self.config.trust.client_cert = Some(cert);
        self
    }

    /// Presents this client certificate, already parsed with
    /// [`ClientCert::from_pem`](crate::ClientCert::from_pem) (which reports unusable PEM at
    /// once), when a server asks for one.
    ///
    /// ```
    /// # let key = rcgen::KeyPair::generate().unwrap();
    /// # let cert = rcgen::CertificateParams::new(vec!["client.test".into()]).unwrap().self_signed(&key).unwrap();
    /// # let (cert_pem, key_pem) = (cert.pem(), key.serialize_pem());
    /// let cert = h1client::ClientCert::from_pem(cert_pem.as_bytes(), key_pem.as_bytes())?;
    /// let agent = h1client::Agent::builder().client_certificate(cert).build();
    /// # drop(agent);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    #[cfg(feature = "tls")]
    pub fn client_certificate(mut self, cert: crate::transport::tls::ClientCert) -> Self {
        self.config.trust.client_cert = Some(Ok(cert));
        self
    }

    /// Trusts only the roots added with
    /// [`add_root_certificates_pem`](Self::add_root_certificates_pem), not the built-in
    /// webpki-roots set (what curl's `--cacert` does).
    ///
    /// ```
    /// # let ca_pem = rcgen::generate_simple_self_signed(vec!["ca.test".into()]).unwrap().cert.pem();
    /// let agent = h1client::Agent::builder()
    ///     .add_root_certificates_pem(ca_pem.as_bytes())
    ///     .only_added_roots(true)
    ///     .build();
    /// # drop(agent);
    /// ```
    #[cfg(feature = "tls")]
    pub fn only_added_roots(mut self, only: bool) -> Self {
        self.config.trust.only_extra_roots = only;
        self
    }

    /// Trusts the operating system's certificate store as well (feature `native-roots`).
    ///
    /// ```
    /// let agent = h1client::Agent::builder().native_roots(true).build();
    /// # drop(agent);
    /// ```
    #[cfg(feature = "native-roots")]
    pub fn native_roots(mut self, on: bool) -> Self {
        self.config.trust.native_roots = on;
        self
    }

    /// **Dangerous.** Accepts any server certificate: expired, self-signed, for another name.
    /// Anyone on the path can then read and change the traffic. For tests against servers you
    /// control (curl's `-k`). Connections made this way are never reused for verified requests.
    ///
    /// ```
    /// let test_only = h1client::Agent::builder().danger_accept_invalid_certs(true).build();
    /// # drop(test_only);
    /// ```
    #[cfg(feature = "tls")]
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.config.trust.accept_invalid_certs = accept;
        self
    }

    /// Sends every request through this proxy (`http://`, `socks5://` or `socks5h://`),
    /// instead of the environment's. Build one with [`Proxy::new`].
    ///
    /// ```
    /// let proxy = h1client::Proxy::new("http://user:secret@proxy.internal:3128")?;
    /// let agent = h1client::Agent::builder().proxy(proxy).build();
    /// # drop(agent);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.config.proxy = ProxySetting::Explicit(Some(proxy));
        self
    }

    /// Whether to read `http_proxy`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` from the
    /// environment when the agent is built. Default true; false means no proxy unless
    /// [`proxy`](Self::proxy) sets one. Loopback hosts never go through an environment proxy.
    ///
    /// ```
    /// let direct = h1client::Agent::builder().proxy_from_env(false).build();
    /// # drop(direct);
    /// ```
    pub fn proxy_from_env(mut self, read: bool) -> Self {
        if read {
            self.config.proxy = ProxySetting::FromEnv;
        } else if matches!(self.config.proxy, ProxySetting::FromEnv | ProxySetting::Env(_)) {
            self.config.proxy = ProxySetting::Explicit(None);
        }
        self
    }

    /// Hosts that never go through a proxy, replacing the environment's `NO_PROXY`: a comma
    /// list of names (matching subdomains too), IP addresses, CIDR blocks, or `*`.
    ///
    /// ```
    /// let agent = h1client::Agent::builder().no_proxy("internal.example, 10.0.0.0/8").build();
    /// # drop(agent);
    /// ```
    pub fn no_proxy(mut self, list: &str) -> Self {
        self.config.no_proxy = Some(NoProxy::parse(list));
        self
    }

    /// Sends every request over this unix domain socket (the URL still gives `Host` and the
    /// target): a sync program can talk to the Docker engine at `/var/run/docker.sock`.
    ///
    /// ```no_run
    /// // needs a Docker engine
    /// let docker = h1client::Agent::builder().unix_socket("/var/run/docker.sock").build();
    /// let version = docker.get("http://localhost/version").call()?.text()?;
    /// # Ok::<(), h1client::Error>(())
    /// ```
    #[cfg(unix)]
    pub fn unix_socket(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.config.unix_socket = Some(path.into());
        self
    }

    /// Starts the agent's cookie jar with these cookies (`Some`), or turns the jar off (`None`).
    /// By default (feature `cookies`) every agent keeps an empty jar; the one-off functions
    /// ([`h1client::get`](crate::get), …) keep none.
    ///
    /// The jar is [`cookie_store`](https://docs.rs/cookie_store)'s, with RFC 6265's rules:
    /// every response's `Set-Cookie` fields (redirects included) go in; a cookie's domain must
    /// match the host that set it (§5.3), `Path` scopes it (§5.1.4), `Secure` cookies go only
    /// over https (§5.4), `Max-Age`/`Expires` end it (§5.3). Each request carries the matching
    /// cookies in one `Cookie` header (§5.4), which a `Cookie` header set on the request
    /// replaces. Without a public suffix list (an optional part of `cookie_store` not enabled
    /// here) a host can set a cookie for a parent domain even when that parent is a public
    /// suffix such as `co.uk`.
    ///
    /// **Limits**: RFC 6265 §6.1 asks a user agent to support at least 4096 bytes per cookie,
    /// 50 cookies per domain and 3000 in all; those minimums are used here as maximums. A longer
    /// `Set-Cookie` value is ignored, and a new cookie for a domain that already has 50, or for
    /// a jar that holds 3000, is ignored after the expired cookies have been dropped; updating or
    /// deleting a kept cookie always works. A server cannot grow an agent's memory without
    /// bound, one response at a time.
    ///
    /// ```
    /// let no_cookies = h1client::Agent::builder().cookie_store(None).build();
    /// # drop(no_cookies);
    /// ```
    #[cfg(feature = "cookies")]
    pub fn cookie_store(mut self, store: Option<cookie_store::CookieStore>) -> Self {
        self.config.cookies = store;
        self
    }

    /// Builds the agent (reading the environment's proxies now, unless told not to).
    ///
    /// ```
    /// let agent = h1client::Agent::builder().build();
    /// # drop(agent);
    /// ```
    pub fn build(self) -> Agent {
        Agent {
            engine: Arc::new(Engine::new(self.config)),
        }
    }
}

/// Makes requests; keeps idle connections for reuse. Cheap to clone (the clones share one pool
/// and configuration) and safe to share between threads.
///
/// ```
/// # let server = h1client::doc_server::DocServer::start(&[
/// #     b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst",
/// #     b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond",
/// # ]);
/// use std::time::Duration;
///
/// let agent = h1client::Agent::builder()
///     .timeout_connect(Duration::from_secs(5))
///     .timeout(Duration::from_secs(30)) // the whole request, body and redirects included
///     .build();
/// let first = agent.get(&server.url("/a")).call()?.text()?;
/// let second = agent.get(&server.url("/b")).query("q", "rust lang").call()?.text()?;
/// assert_eq!((first.as_str(), second.as_str()), ("first", "second"));
/// assert!(server.requests()[1].starts_with("GET /b?q=rust+lang HTTP/1.1\r\n"));
/// assert_eq!(agent.idle_connections(), 1, "both requests went over one connection");
/// # Ok::<(), h1client::Error>(())
/// ```
#[derive(Clone)]
pub struct Agent {
    engine: Arc<Engine>,
}

impl std::fmt::Debug for Agent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Agent")
            .field("idle_connections", &self.idle_connections())
            .finish_non_exhaustive()
    }
}

impl Default for Agent {
    fn default() -> Agent {
        Agent::new()
    }
}

macro_rules! method_shortcuts {
    ($($(#[$doc:meta])* $name:ident => $method:literal),* $(,)?) => {$(
        $(#[$doc])*
        pub fn $name(&self, url: impl IntoUrl) -> RequestBuilder {
            RequestBuilder::new(self.engine.clone(), Cow::Borrowed($method), url)
        }
    )*};
}

impl Agent {
    /// An agent with the default configuration (see [`AgentBuilder`]).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"]);
    /// let agent = h1client::Agent::new();
    /// assert_eq!(agent.get(&server.url("/")).call()?.status(), 200);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn new() -> Agent {
        AgentBuilder::default().build()
    }

    /// A builder to configure an agent.
    ///
    /// ```
    /// let agent = h1client::Agent::builder().max_redirects(3).build();
    /// # drop(agent);
    /// ```
    pub fn builder() -> AgentBuilder {
        AgentBuilder::default()
    }

    /// A request with any method (a token: `PROPFIND`, `PURGE`, …).
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 207 Multi-Status\r\nContent-Length: 0\r\n\r\n"]);
    /// let resp = h1client::Agent::new().request("PROPFIND", &server.url("/dav/")).header("Depth", "1").call()?;
    /// assert_eq!(resp.status(), 207);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn request(&self, method: &str, url: impl IntoUrl) -> RequestBuilder {
        let method = match method {
            "GET" => Cow::Borrowed("GET"),
            "POST" => Cow::Borrowed("POST"),
            other => Cow::Owned(other.to_string()),
        };
        RequestBuilder::new(self.engine.clone(), method, url)
    }

    method_shortcuts! {
        /// A GET request.
        ///
        /// ```
        /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"]);
        /// let body = h1client::Agent::new().get(&server.url("/")).call()?.text()?;
        /// assert_eq!(body, "ok");
        /// # Ok::<(), h1client::Error>(())
        /// ```
        get => "GET",
        /// A HEAD request: the head only (RFC 9110 §9.3.2).
        ///
        /// ```
        /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"]);
        /// let resp = h1client::Agent::new().head(&server.url("/big")).call()?;
        /// assert_eq!(resp.header("content-length"), Some("1000"));
        /// # Ok::<(), h1client::Error>(())
        /// ```
        head => "HEAD",
        /// A POST request.
        ///
        /// ```
        /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"]);
        /// let resp = h1client::Agent::new().post(&server.url("/notes")).send("remember")?;
        /// assert_eq!(resp.status(), 201);
        /// # Ok::<(), h1client::Error>(())
        /// ```
        post => "POST",
        /// A PUT request.
        ///
        /// ```
        /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
        /// h1client::Agent::new().put(&server.url("/notes/1")).send("updated")?;
        /// # Ok::<(), h1client::Error>(())
        /// ```
        put => "PUT",
        /// A DELETE request.
        ///
        /// ```
        /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
        /// let resp = h1client::Agent::new().delete(&server.url("/notes/1")).call()?;
        /// assert!(resp.is_success());
        /// # Ok::<(), h1client::Error>(())
        /// ```
        delete => "DELETE",
        /// A PATCH request.
        ///
        /// ```
        /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
        /// h1client::Agent::new()
        ///     .patch(&server.url("/notes/1"))
        ///     .header("Content-Type", "application/merge-patch+json")
        ///     .send(r#"{"done":true}"#)?;
        /// # Ok::<(), h1client::Error>(())
        /// ```
        patch => "PATCH",
    }

    /// How many idle connections the pool holds now.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"]);
    /// let agent = h1client::Agent::new();
    /// agent.get(&server.url("/")).call()?.text()?; // read to the end: the connection is kept
    /// assert_eq!(agent.idle_connections(), 1);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn idle_connections(&self) -> usize {
        self.engine.pool.count(None)
    }

    /// Closes every idle connection.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"]);
    /// let agent = h1client::Agent::new();
    /// agent.get(&server.url("/")).call()?.text()?;
    /// agent.close_idle_connections();
    /// assert_eq!(agent.idle_connections(), 0);
    /// # Ok::<(), h1client::Error>(())
    /// ```
    pub fn close_idle_connections(&self) {
        self.engine.pool.clear();
    }

    /// Runs `f` with the agent's cookie jar, to read, add or remove cookies; `None` when the
    /// jar was turned off with [`AgentBuilder::cookie_store`]. Requests on other threads wait
    /// while `f` runs; a request on this agent from inside `f` (which would wait for ever for
    /// the jar `f` holds) fails with [`ErrorKind::InvalidRequest`](crate::ErrorKind) instead.
    ///
    /// ```
    /// # let server = h1client::doc_server::DocServer::start(&[
    /// #     b"HTTP/1.1 200 OK\r\nSet-Cookie: session=abc; Path=/\r\nContent-Length: 0\r\n\r\n",
    /// # ]);
    /// let agent = h1client::Agent::new();
    /// agent.post(&server.url("/login")).call()?;
    /// let session = agent.with_cookie_store(|jar| {
    ///     jar.iter_any().find(|c| c.name() == "session").map(|c| c.value().to_string())
    /// });
    /// assert_eq!(session.flatten().as_deref(), Some("abc"));
    /// # Ok::<(), h1client::Error>(())
    /// ```
    #[cfg(feature = "cookies")]
    pub fn with_cookie_store<R>(&self, f: impl FnOnce(&mut cookie_store::CookieStore) -> R) -> Option<R> {
        self.engine.jar.as_ref().map(|jar| jar.with(f))
    }
}
