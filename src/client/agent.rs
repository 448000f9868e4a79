//! The [`Agent`]: shared configuration, the pool of idle connections, and the request loop that
//! ties the protocol core to the transport.
//!
//! One request, as the loop runs it:
//!
//! 1. **Prepare** the head (RFC 9112 §3): origin-form target from the URL, `Host`, the defaults,
//!    the user's headers, framing from the body — and validate all of it, so that an invalid
//!    request fails before any connection is made.
//! 2. **Get a connection**: an idle one from the pool for the same origin, or a new one
//!    (resolve, connect, TLS). An idle connection is first checked for a close, or for bytes
//!    the server sent after its last response: they would be taken as the next response.
//! 3. **Send** the head and body; small requests go out in one system call.
//! 4. **Receive** the head, skipping interim 1xx responses, and decide the body's framing
//!    (RFC 9112 §6.3).
//! 5. **Retry** once, on a new connection, if a *reused* connection failed before a single
//!    response byte arrived and the request is idempotent (RFC 9110 §9.2.2) or carries an
//!    `Idempotency-Key`, and its body can be replayed (RFC 9112 §9.3.1).
//! 6. **Redirect**: see [`super::redirect`]; the deadline covers the whole chain.
//!
//! The [`Response`] then owns the connection; its body reader gives it back to the pool.

use super::conn::{HttpConn, IoLimits};
use super::expect::{self, Sent};
use super::redirect;
use super::request::{Body, RequestBuilder};
use crate::error::{redact_url, Error, ErrorKind, Result, Step};
use crate::proto::framing::{self, CloseReason, RequestFacts};
use crate::proto::request::{expects_body, is_idempotent, BodyFraming, HostHeader, RequestHead};
use crate::proto::response::Limits;
use crate::trace::{Event, TraceFn, Tracer};
use crate::transport::connect::{self, Deadline, Host};
use crate::transport::pool::{Pool, PoolLimits};
use crate::transport::proxy::{self, percent_decode, EnvProxies, NoProxy, Proxy, ProxyKind, SocksTarget};
use crate::transport::{write_all_vectored, PoolKeyRef, Stream};
use crate::{BodyReader, Response};
use std::borrow::Cow;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// The default `User-Agent`: `h1client/<version>`.
pub const DEFAULT_USER_AGENT: &str = concat!("h1client/", env!("CARGO_PKG_VERSION"));

/// Bodies up to this size are copied behind the head and sent in the same write.
const SMALL_BODY: usize = 16 * 1024;

/// Chunk size when streaming a body from a reader.
const UPLOAD_CHUNK: usize = 16 * 1024;

/// Where the proxy settings come from.
#[derive(Clone, Debug)]
pub(crate) enum ProxySetting {
    /// Read from the environment when the agent is built (the default).
    FromEnv,
    /// As read from the environment.
    Env(EnvProxies),
    /// Set on the builder (`None`: no proxy at all).
    Explicit(Option<Proxy>),
}

#[derive(Clone)]
pub(crate) struct Config {
    pub timeout_connect: Option<Duration>,
    pub timeout_read: Option<Duration>,
    pub timeout_write: Option<Duration>,
    pub timeout: Option<Duration>,
    pub max_redirects: u32,
    pub allow_https_downgrade: bool,
    pub limits: Limits,
    pub pool: PoolLimits,
    pub body_limit: u64,
    pub user_agent: Option<Cow<'static, str>>,
    pub tracer: Tracer,
    pub proxy: ProxySetting,
    pub no_proxy: Option<NoProxy>,
    pub unix_socket: Option<std::path::PathBuf>,
    #[cfg(feature = "cookies")]
    pub cookies: Option<cookie_store::CookieStore>,
    pub decompress: bool,
    pub expect_timeout: Duration,
    #[cfg(feature = "tls")]
    pub trust: crate::transport::tls::TrustSettings,
    #[cfg(feature = "tls")]
    pub tls_config: Option<Arc<rustls::ClientConfig>>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            timeout_connect: Some(Duration::from_secs(30)),
            timeout_read: None,
            timeout_write: None,
            timeout: None,
            max_redirects: 10,
            allow_https_downgrade: false,
            limits: Limits::default(),
            pool: PoolLimits::default(),
            body_limit: 10 * 1024 * 1024,
            user_agent: Some(Cow::Borrowed(DEFAULT_USER_AGENT)),
            tracer: Tracer::none(),
            proxy: ProxySetting::FromEnv,
            no_proxy: None,
            unix_socket: None,
            #[cfg(feature = "cookies")]
            cookies: Some(cookie_store::CookieStore::default()),
            decompress: true,
            expect_timeout: Duration::from_secs(1),
            #[cfg(feature = "tls")]
            trust: Default::default(),
            #[cfg(feature = "tls")]
            tls_config: None,
        }
    }
}

/// Configures and builds an [`Agent`]. Every setting has a default (see each method).
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
    pub fn timeout_connect(mut self, t: Duration) -> Self {
        self.config.timeout_connect = Some(t);
        self
    }

    /// Limits each read: how long the server may stay silent. Default: none. A server that
    /// sends a byte now and then never trips it; [`timeout`](Self::timeout) bounds the whole.
    /// `Duration::ZERO` leaves no time (every read fails with a timeout); a huge value is no
    /// limit.
    pub fn timeout_read(mut self, t: Duration) -> Self {
        self.config.timeout_read = Some(t);
        self
    }

    /// Limits each write: how long the server may stop taking bytes. Default: none.
    /// `Duration::ZERO` leaves no time (every write fails with a timeout); a huge value is no
    /// limit.
    pub fn timeout_write(mut self, t: Duration) -> Self {
        self.config.timeout_write = Some(t);
        self
    }

    /// One deadline for the whole request: resolving, connecting, TLS, sending, the head,
    /// redirects, and reading the body after `call()` returned. Default: none.
    /// `Duration::ZERO` fails every request at once with a timeout; a duration too long to add
    /// to the clock is a year. It cannot interrupt a read of your own upload source (a
    /// [`send_reader`](crate::RequestBuilder::send_reader) reader that blocks): bound that
    /// reader yourself.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.config.timeout = Some(t);
        self
    }

    /// How many redirects to follow; 0 returns 3xx responses as they are. Default 10.
    pub fn max_redirects(mut self, n: u32) -> Self {
        self.config.max_redirects = n;
        self
    }

    /// Follow redirects from `https` to `http` (refused by default: it would expose the request
    /// to the network).
    pub fn allow_https_downgrade(mut self, allow: bool) -> Self {
        self.config.allow_https_downgrade = allow;
        self
    }

    /// Most bytes a response head may take (and a chunked trailer section). Default 64 KiB.
    pub fn max_head_size(mut self, bytes: usize) -> Self {
        self.config.limits.max_head_bytes = bytes.max(64);
        self
    }

    /// Most header fields a response may have. Default 100.
    pub fn max_headers(mut self, n: usize) -> Self {
        self.config.limits.max_headers = n.max(1);
        self
    }

    /// Most idle connections kept per origin. Default 8; 0 disables keep-alive reuse.
    pub fn max_idle_per_host(mut self, n: usize) -> Self {
        self.config.pool.max_idle_per_host = n;
        self
    }

    /// Most idle connections kept in all. Default 64.
    pub fn max_idle(mut self, n: usize) -> Self {
        self.config.pool.max_idle = n;
        self
    }

    /// How long an idle connection is kept. Default 90 s; `Duration::ZERO` keeps none. A server's
    /// `Keep-Alive: timeout=N` hint shortens it for that connection (see [`Agent`]).
    pub fn idle_timeout(mut self, t: Duration) -> Self {
        self.config.pool.idle_timeout = t;
        self
    }

    /// Most bytes [`Response::text`] and [`Response::bytes`] accept. Default 10 MiB.
    pub fn body_limit(mut self, bytes: u64) -> Self {
        self.config.body_limit = bytes;
        self
    }

    /// Whether to ask for compressed bodies and decode them (RFC 9110 §8.4, §12.5.3). Default
    /// true, which does something only with the `gzip` or `brotli` feature: every request then
    /// carries `Accept-Encoding` with the codings this build decodes (`gzip, deflate`, `br`) —
    /// a default header that a request's own `Accept-Encoding` replaces — and response bodies
    /// in those codings are decoded as they are read (see [`Response`] for
    /// what the headers then say). False sends no `Accept-Encoding` and gives bodies as they
    /// arrive.
    pub fn decompress(mut self, on: bool) -> Self {
        self.config.decompress = on;
        self
    }

    /// How long a request with `Expect: 100-continue` (see
    /// [`RequestBuilder::expect_continue`](crate::RequestBuilder::expect_continue)) waits for
    /// the server's `100 Continue` before sending its body anyway. Default 1 s.
    /// `Duration::ZERO` sends the body at once; a huge value waits until the server answers (or
    /// the request's deadline passes).
    pub fn expect_continue_timeout(mut self, t: Duration) -> Self {
        self.config.expect_timeout = t;
        self
    }

    /// The default `User-Agent`; `None` sends none. Default `h1client/<version>`.
    pub fn user_agent(mut self, ua: Option<&str>) -> Self {
        self.config.user_agent = ua.map(|ua| Cow::Owned(ua.to_string()));
        self
    }

    /// Calls `f` with an [`Event`] at every step of every request.
    pub fn trace(mut self, f: impl Fn(&Event<'_>) + Send + Sync + 'static) -> Self {
        let f: Arc<TraceFn> = Arc::new(f);
        self.config.tracer = Tracer::new(f);
        self
    }

    /// Uses this rustls configuration for `https` (your roots, client certificates for mTLS,
    /// versions). Its ALPN list is used as given.
    #[cfg(feature = "tls")]
    pub fn tls_config(mut self, config: Arc<rustls::ClientConfig>) -> Self {
        self.config.tls_config = Some(config);
        self
    }

    /// Trusts the certificates in this PEM text as roots, in addition to the default ones.
    /// Invalid PEM is reported by the first `https` request.
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

    /// Presents this client certificate when a server asks for one (mutual TLS, curl's
    /// `--cert` and `--key`): `chain_pem` holds the certificate (then any intermediates),
    /// `key_pem` its unencrypted private key; both may be the same text. Unusable PEM is
    /// reported by the first `https` request. For more control, give a whole configuration to
    /// [`tls_config`](Self::tls_config).
    #[cfg(feature = "tls")]
    pub fn client_certificate_pem(mut self, chain_pem: &[u8], key_pem: &[u8]) -> Self {
        let cert = crate::transport::tls::ClientCert::from_pem(chain_pem, key_pem).map_err(|e| e.message().to_string());
        self.config.trust.client_cert = Some(cert);
        self
    }

    /// Presents this client certificate, already parsed with
    /// [`ClientCert::from_pem`](crate::transport::tls::ClientCert::from_pem) (which reports
    /// unusable PEM at once), when a server asks for one.
    #[cfg(feature = "tls")]
    pub fn client_certificate(mut self, cert: crate::transport::tls::ClientCert) -> Self {
        self.config.trust.client_cert = Some(Ok(cert));
        self
    }

    /// Trusts only the roots added with
    /// [`add_root_certificates_pem`](Self::add_root_certificates_pem), not the built-in
    /// webpki-roots set (what curl's `--cacert` does).
    #[cfg(feature = "tls")]
    pub fn only_added_roots(mut self, only: bool) -> Self {
        self.config.trust.only_extra_roots = only;
        self
    }

    /// Trusts the operating system's certificate store as well.
    #[cfg(feature = "native-roots")]
    pub fn native_roots(mut self, on: bool) -> Self {
        self.config.trust.native_roots = on;
        self
    }

    /// **Dangerous.** Accepts any server certificate: expired, self-signed, for another name.
    /// Anyone on the path can then read and change the traffic. For tests against servers you
    /// control (curl's `-k`). Connections made this way are never reused for verified requests.
    #[cfg(feature = "tls")]
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.config.trust.accept_invalid_certs = accept;
        self
    }

    /// Sends every request through this proxy (`http://`, `socks5://` or `socks5h://`),
    /// instead of the environment's. Build one with [`Proxy::new`].
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.config.proxy = ProxySetting::Explicit(Some(proxy));
        self
    }

    /// Whether to read `http_proxy`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` from the
    /// environment when the agent is built. Default true; false means no proxy unless
    /// [`proxy`](Self::proxy) sets one.
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
    pub fn no_proxy(mut self, list: &str) -> Self {
        self.config.no_proxy = Some(NoProxy::parse(list));
        self
    }

    /// Sends every request over this unix domain socket (the URL still gives `Host` and the
    /// target): a sync program can talk to the Docker engine at `/var/run/docker.sock`.
    #[cfg(unix)]
    pub fn unix_socket(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.config.unix_socket = Some(path.into());
        self
    }

    /// Starts the agent's cookie jar with these cookies (`Some`), or turns the jar off (`None`).
    /// By default (feature `cookies`) every agent keeps an empty jar: it stores `Set-Cookie`
    /// values and sends matching cookies back (RFC 6265).
    #[cfg(feature = "cookies")]
    pub fn cookie_store(mut self, store: Option<cookie_store::CookieStore>) -> Self {
        self.config.cookies = store;
        self
    }

    /// Builds the agent.
    pub fn build(mut self) -> Agent {
        if let ProxySetting::FromEnv = self.config.proxy {
            self.config.proxy = ProxySetting::Env(EnvProxies::from_env());
        }
        Agent {
            inner: Arc::new(AgentInner {
                pool: Pool::new(self.config.pool),
                unix_key: self
                    .config
                    .unix_socket
                    .as_ref()
                    .map(|p| format!("unix:{}", p.display())),
                #[cfg(feature = "cookies")]
                jar: self.config.cookies.take().map(super::cookies::Jar::new),
                config: self.config,
                #[cfg(feature = "tls")]
                tls: std::sync::OnceLock::new(),
            }),
        }
    }
}

struct AgentInner {
    config: Config,
    pool: Pool<HttpConn>,
    /// The pool key part for a unix socket.
    unix_key: Option<String>,
    #[cfg(feature = "cookies")]
    jar: Option<super::cookies::Jar>,
    #[cfg(feature = "tls")]
    tls: std::sync::OnceLock<std::result::Result<Arc<rustls::ClientConfig>, String>>,
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
    inner: Arc<AgentInner>,
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
        pub fn $name(&self, url: &str) -> RequestBuilder {
            RequestBuilder::new(self.clone(), Cow::Borrowed($method), url)
        }
    )*};
}

impl Agent {
    /// An agent with the default configuration.
    pub fn new() -> Agent {
        AgentBuilder::default().build()
    }

    /// A builder to configure an agent.
    pub fn builder() -> AgentBuilder {
        AgentBuilder::default()
    }

    /// A request with any method (a token: `PROPFIND`, `PURGE`, …).
    pub fn request(&self, method: &str, url: &str) -> RequestBuilder {
        let method = match method {
            "GET" => Cow::Borrowed("GET"),
            "POST" => Cow::Borrowed("POST"),
            other => Cow::Owned(other.to_string()),
        };
        RequestBuilder::new(self.clone(), method, url)
    }

    method_shortcuts! {
        /// A GET request.
        get => "GET",
        /// A HEAD request.
        head => "HEAD",
        /// A POST request.
        post => "POST",
        /// A PUT request.
        put => "PUT",
        /// A DELETE request.
        delete => "DELETE",
        /// A PATCH request.
        patch => "PATCH",
    }

    /// How many idle connections the pool holds now.
    pub fn idle_connections(&self) -> usize {
        self.inner.pool.count(None)
    }

    /// Parks a connection whose response ended cleanly; gives it back if the pool will not keep
    /// it.
    pub(crate) fn return_to_pool(&self, conn: HttpConn) -> Option<HttpConn> {
        self.inner.pool.put(conn)
    }

    /// Closes every idle connection.
    pub fn close_idle_connections(&self) {
        self.inner.pool.clear();
    }

    /// Runs `f` with the agent's cookie jar, to read, add or remove cookies; `None` when the
    /// jar was turned off with [`AgentBuilder::cookie_store`]. Requests on other threads wait
    /// while `f` runs; a request on this agent from inside `f` (which would wait for ever for
    /// the jar `f` holds) fails with [`ErrorKind::InvalidRequest`] instead.
    #[cfg(feature = "cookies")]
    pub fn with_cookie_store<R>(&self, f: impl FnOnce(&mut cookie_store::CookieStore) -> R) -> Option<R> {
        self.inner.jar.as_ref().map(|jar| jar.with(f))
    }

    fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Runs a request: the redirect loop around [`Agent::exchange`].
    pub(crate) fn run(self, req: RequestBuilder, mut body: Body<'_>) -> Result<Response> {
        let RequestBuilder {
            method,
            url,
            mut headers,
            timeout,
            mut content_type,
            invalid,
            ..
        } = req;
        let mut url = url?;
        if let Some(e) = invalid {
            return Err(e.with_host(host_port(&url)));
        }
        #[cfg(feature = "cookies")]
        if self
            .inner
            .jar
            .as_ref()
            .is_some_and(super::cookies::Jar::held_by_this_thread)
        {
            let message = "a request from inside with_cookie_store's closure would wait for ever for the jar it holds";
            return Err(Error::new(ErrorKind::InvalidRequest, Step::Request, message));
        }
        let mut method = method;
        let config = self.config();
        let io = IoLimits {
            read: config.timeout_read,
            write: config.timeout_write,
            deadline: timeout
                .or(config.timeout)
                .map(|t| Deadline::after(t, "request timeout")),
        };
        let mut followed = 0u32;
        loop {
            let reader = self.exchange(&method, &url, &headers, content_type, &mut body, &io)?;
            #[cfg(feature = "cookies")]
            if let Some(jar) = &self.inner.jar {
                jar.store(&url, reader.header_values("set-cookie"));
            }
            if expect::retry_without_expect(&reader, &mut headers) {
                drop(reader); // its body is not needed: see BodyReader's Drop
                continue;
            }
            let next = match reader.conn_head() {
                Some((status, location)) if config.max_redirects > 0 && redirect::is_redirect(status) => {
                    redirect::next(
                        status,
                        &method,
                        location,
                        &url,
                        body.replayable() || reader.body_unsent,
                        config.allow_https_downgrade,
                    )
                    .map_err(|e| e.with_host(host_port(&url)))?
                    .map(|n| (status, n))
                }
                _ => None,
            };
            let Some((status, next)) = next else {
                return Ok(Response::new(url, config.body_limit, config.decompress, reader));
            };
            if followed == config.max_redirects {
                let message = format!("stopped after {followed} redirects (the limit)");
                return Err(Error::new(ErrorKind::TooManyRedirects, Step::Redirect, message).with_host(host_port(&url)));
            }
            followed = followed.saturating_add(1);
            drop(reader); // the body of a followed redirect is not needed
            let mut dropped: Vec<&str> = Vec::new();
            if !redirect::same_origin(&url, &next.url) {
                for name in redirect::CREDENTIAL_HEADERS {
                    if headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
                        dropped.push(name);
                    }
                    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
                }
            }
            if next.drop_body {
                body = Body::Empty;
                content_type = None;
                headers.retain(|(n, _)| !redirect::is_content_header(n));
            }
            if config.tracer.is_on() {
                let (from, to) = (redact_url(url.as_str()), redact_url(next.url.as_str()));
                config.tracer.emit(|| Event::Redirect {
                    status,
                    from: &from,
                    to: &to,
                    dropped: &dropped,
                });
            }
            url = next.url;
            method = next.method;
        }
    }

    /// One request/response exchange on one connection (with one retry on a fresh connection
    /// when a reused one turns out to be dead). Returns the body reader holding the connection,
    /// its head parsed.
    fn exchange(
        &self,
        method: &str,
        url: &Url,
        headers: &[(String, Option<String>)],
        content_type: Option<&'static str>,
        body: &mut Body<'_>,
        io: &IoLimits,
    ) -> Result<BodyReader> {
        let config = self.config();
        let origin = || host_port(url);
        let host = url.host_str().unwrap_or_default();
        let port = url.port_or_known_default().unwrap_or(80);
        let https = url.scheme() == "https";
        let proxy = self.proxy_for(url).map_err(|e| e.with_host(origin()))?;
        // Through an HTTP proxy a plain http request names the whole URL (absolute-form,
        // RFC 9112 §3.2.2), without userinfo or fragment; otherwise the path and query
        // (origin-form, §3.2.1).
        let path_query = crate::proto::request::origin_form(url);
        let target: Cow<'_, str> = match proxy {
            Some(p) if p.kind() == ProxyKind::Http && !https => Cow::Owned(format!(
                "{}://{}{}{path_query}",
                url.scheme(),
                host,
                url.port().map(|p| format!(":{p}")).unwrap_or_default()
            )),
            _ => Cow::Borrowed(path_query),
        };
        let proxy_auth = match proxy {
            Some(p) if p.kind() == ProxyKind::Http && !https => p
                .credentials()
                .map(|(u, pw)| super::auth::basic(u, pw))
                .transpose()
                .map_err(|why| Error::new(ErrorKind::InvalidRequest, Step::Request, why).with_host(origin()))?,
            _ => None,
        };

        let userinfo_auth = match (!url.username().is_empty() || url.password().is_some()).then(|| {
            super::auth::basic(
                &percent_decode(url.username()),
                &percent_decode(url.password().unwrap_or("")),
            )
        }) {
            Some(Err(why)) => return Err(Error::new(ErrorKind::InvalidRequest, Step::Request, why).with_host(origin())),
            Some(Ok(v)) => Some(v),
            None => None,
        };
        #[cfg(feature = "cookies")]
        let jar_cookies = self.inner.jar.as_ref().and_then(|jar| jar.header_for(url));
        let user_agent = config.user_agent.as_deref();
        let accept_encoding = super::decode::ACCEPT_ENCODING.filter(|_| config.decompress);
        #[cfg(not(feature = "cookies"))]
        let jar_cookies: Option<String> = None;
        let candidates = [
            ("User-Agent", user_agent),
            ("Accept", Some("*/*")),
            ("Accept-Encoding", accept_encoding),
            ("Authorization", userinfo_auth.as_deref()),
            ("Proxy-Authorization", proxy_auth.as_deref()),
            ("Content-Type", content_type),
            ("Cookie", jar_cookies.as_deref()),
        ];
        // The defaults that apply, in order, in a fixed array: no allocation per request.
        let mut defaults: [(&str, &str); 7] = [("", ""); 7];
        let mut n = 0usize;
        for (slot, (name, value)) in defaults
            .iter_mut()
            .zip(candidates.iter().filter_map(|(n, v)| Some((*n, (*v)?))))
        {
            *slot = (name, value);
            n = n.saturating_add(1);
        }
        let framing = body_framing(method, headers, body).map_err(|e| e.with_host(origin()))?;
        // Proxy-Authorization is for the proxy the request goes to (RFC 9110 §11.7.1): sent
        // only to an HTTP proxy in absolute form. Anywhere else (straight to the origin, over
        // SOCKS, inside a CONNECT tunnel, where the origin reads every header) it would hand
        // the proxy's credentials to the origin.
        let to_http_proxy = proxy.is_some_and(|p| p.kind() == ProxyKind::Http) && !https;
        let head = RequestHead {
            method,
            target: &target,
            host: Some(HostHeader { host, port: url.port() }),
            defaults: defaults.get(..n).unwrap_or_default(),
            user: headers
                .iter()
                .filter(move |(n, _)| to_http_proxy || !n.eq_ignore_ascii_case("proxy-authorization"))
                .map(|(n, v)| (n.as_str(), v.as_deref())),
            body: framing,
        };
        head.validate()
            .map_err(|e| Error::from_proto(Step::Request, e).with_host(origin()))?;

        let has_header = |name: &str| headers.iter().any(|(n, v)| v.is_some() && n.eq_ignore_ascii_case(name));
        let retryable = (is_idempotent(method) || has_header("idempotency-key")) && body.replayable();
        let asked_close = headers.iter().any(|(n, v)| {
            n.eq_ignore_ascii_case("connection")
                && v.as_deref()
                    .is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("close")))
        });
        let facts = RequestFacts {
            head: method == "HEAD",
            connect: false,
        };
        let expect_continue = expect::wanted(headers, framing);
        let tls_id = self.tls_id(https);
        // A forward proxy connection carries plain http requests for any origin, and so does a
        // unix socket: key them by the route alone. Tunnels (CONNECT, SOCKS) lead to one origin
        // and are keyed by both.
        let forward = (proxy.is_some_and(|p| p.kind() == ProxyKind::Http) && !https) || self.inner.unix_key.is_some();
        let key = PoolKeyRef {
            scheme: if https { "https" } else { "http" },
            host: if forward { "" } else { host },
            port: if forward { 0 } else { port },
            proxy: self.route_key(proxy),
            tls_id,
        };

        let mut fresh_only = false;
        loop {
            let mut conn = self.connection(&key, url, proxy, io, fresh_only)?;
            conn.wbuf.clear();
            head.write_validated(&mut conn.wbuf);
            config.tracer.emit(|| Event::RequestHead { bytes: &conn.wbuf });
            let reused = conn.reused;
            let sent = if expect_continue {
                let (wait, limits, tracer) = (config.expect_timeout, &config.limits, &config.tracer);
                expect::send(&mut conn, body, framing, io, wait, limits, tracer)
            } else {
                send(&mut conn, body, framing, io, &config.tracer).map(|()| Sent::Body)
            };
            let mut answered_early = false;
            let mut body_unsent = false;
            if let Err(e) = sent {
                if reused && retryable && !fresh_only && e.kind() == ErrorKind::Io {
                    let reason = e.to_string();
                    config.tracer.emit(|| Event::Retry { reason: &reason });
                    fresh_only = true;
                    continue;
                }
                // A failed write may mean the server answered before taking the whole body, and
                // then closed, or stopped reading (so the write timed out): read that answer if
                // there is one. RFC 9112 §9.3: a client sending content SHOULD watch for an
                // error response while it sends. After a timeout, only when bytes are already
                // here, and each read waits no longer than a write could (the bytes may be TLS
                // records that are no answer, a session ticket); a passed deadline stops it.
                let answer_io = match (e.kind(), e.step()) {
                    (ErrorKind::Io, Step::Send) => Some(*io),
                    (ErrorKind::Timeout, Step::Send) if conn.stream.has_pending_input() => Some(IoLimits {
                        read: [io.read, io.write].into_iter().flatten().min(),
                        ..*io
                    }),
                    _ => None,
                };
                let Some(answer_io) = answer_io else {
                    return Err(e);
                };
                if conn.read_head(&config.limits, &answer_io, &config.tracer).is_err() {
                    return Err(e);
                }
                answered_early = true;
            } else if let Ok(Sent::Answered { in_sync }) = sent {
                answered_early = !in_sync;
                body_unsent = true;
            } else if let Err((e, received)) = conn.read_head(&config.limits, io, &config.tracer) {
                if reused && retryable && !fresh_only && received == 0 && e.kind() == ErrorKind::Io {
                    let reason = e.to_string();
                    config.tracer.emit(|| Event::Retry { reason: &reason });
                    fresh_only = true;
                    continue;
                }
                return Err(e);
            }
            let head_buf = conn.head_buf();
            let mut decided = framing::decide(
                facts,
                conn.head.status,
                conn.head.minor_version,
                conn.head.raw_headers(head_buf),
            )
            .map_err(|e| Error::from_proto(Step::ReceiveHead, e).with_host(origin()))?;
            if asked_close {
                decided.reuse = decided.reuse.or_close(CloseReason::RequestAskedClose);
            }
            if answered_early {
                decided.reuse = decided.reuse.or_close(CloseReason::AnsweredBeforeBody);
            }
            config.tracer.emit(|| Event::Framing {
                kind: decided.kind,
                rule: decided.rule,
            });
            let pool = Some(self.clone());
            let mut reader = BodyReader::new(
                conn,
                pool,
                decided,
                config.limits.max_head_bytes,
                *io,
                config.tracer.clone(),
            );
            reader.body_unsent = body_unsent;
            return Ok(reader);
        }
    }

    /// An idle connection for `key`, or a new one.
    fn connection(
        &self,
        key: &PoolKeyRef<'_>,
        url: &Url,
        proxy: Option<&Proxy>,
        io: &IoLimits,
        fresh_only: bool,
    ) -> Result<HttpConn> {
        let tracer = &self.config().tracer;
        if !fresh_only {
            while let Some((conn, idle)) = self.inner.pool.take(key) {
                // Bytes the server sent after the last response (a 408 before closing, a stray
                // response right behind the real one) would be read as this request's answer,
                // and a retry cannot undo that, so every reuse is probed first, however briefly
                // the connection was idle: bytes sent microseconds after a response, in a TCP
                // segment of their own, are in by the time the next request is ready. A close is
                // seen too. It costs three system calls (about a microsecond on loopback).
                if conn.stream.has_buffered_input() || !conn.stream.is_idle_usable() {
                    tracer.emit(|| Event::Closed {
                        reason: "the server closed or wrote to the idle connection",
                    });
                    continue;
                }
                tracer.emit(|| Event::Reused { origin: key.host, idle });
                return Ok(conn);
            }
        }
        let stream = self.open(url, key.port, proxy, io)?;
        Ok(HttpConn::new(stream, key.to_owned()))
    }

    /// The proxy a request to `url` goes through, if any: the explicit one, or the
    /// environment's (never for loopback hosts, which a proxy could not reach), minus the
    /// `NO_PROXY` exceptions.
    fn proxy_for(&self, url: &Url) -> Result<Option<&Proxy>> {
        let config = self.config();
        if config.unix_socket.is_some() {
            return Ok(None);
        }
        let (proxy, env_no_proxy) = match &config.proxy {
            ProxySetting::Explicit(p) => (p.as_ref().map(Ok), None),
            ProxySetting::FromEnv => (None, None),
            ProxySetting::Env(env) => {
                if is_loopback(url) {
                    return Ok(None);
                }
                let from_env = if url.scheme() == "https" { &env.https } else { &env.http };
                (from_env.as_ref().map(|p| p.as_ref()), Some(&env.no_proxy))
            }
        };
        let no_proxy = config.no_proxy.as_ref().or(env_no_proxy);
        if no_proxy.is_some_and(|np| np.matches(url.host_str().unwrap_or_default())) {
            return Ok(None);
        }
        // an unusable proxy from the environment fails the request rather than being bypassed
        proxy
            .transpose()
            .map_err(|why| Error::new(ErrorKind::Proxy, Step::ResolveProxy, why.clone()))
    }

    /// What besides the origin distinguishes a connection: the proxy, or the unix socket.
    fn route_key<'a>(&'a self, proxy: Option<&'a Proxy>) -> Option<&'a str> {
        match (&self.inner.unix_key, proxy) {
            (Some(k), _) => Some(k),
            (None, p) => p.map(Proxy::key),
        }
    }

    /// Opens a new connection for `url`: directly, through a proxy or over a unix socket, then
    /// TLS for https.
    fn open(&self, url: &Url, port: u16, proxy: Option<&Proxy>, io: &IoLimits) -> Result<Stream> {
        let config = self.config();
        let origin = || host_port(url);
        let host = match url.host() {
            Some(url::Host::Domain(d)) => Host::Name(d),
            Some(url::Host::Ipv4(ip)) => Host::Ip(ip.into()),
            Some(url::Host::Ipv6(ip)) => Host::Ip(ip.into()),
            None => return Err(Error::new(ErrorKind::InvalidUrl, Step::Url, "the URL has no host")),
        };
        let https = url.scheme() == "https";
        #[cfg(unix)]
        if let Some(path) = &config.unix_socket {
            let display = || format!("unix:{}", path.display());
            if https {
                let msg = "https over a unix socket is not supported";
                return Err(Error::new(ErrorKind::InvalidUrl, Step::Connect, msg).with_host(display()));
            }
            let stream = std::os::unix::net::UnixStream::connect(path)
                .map_err(|e| Error::io(Step::Connect, e).with_host(display()))?;
            return Ok(Stream::Unix(stream));
        }
        // One deadline for connecting as a whole: resolving, the TCP connection, and the
        // handshakes on it (proxy, TLS).
        let connecting = self.connect_deadline(io);
        let tcp = match proxy {
            None => self
                .open_tcp(host, port, connecting, Step::Resolve, Step::Connect)
                .map_err(|e| e.with_host(origin()))?,
            Some(p) => {
                let at_proxy = |e: Error| e.with_host(p.authority());
                let proxy_host = match p.host().parse() {
                    Ok(ip) => Host::Ip(ip),
                    Err(_) => Host::Name(p.host()),
                };
                let tcp = self
                    .open_tcp(proxy_host, p.port(), connecting, Step::ResolveProxy, Step::ConnectProxy)
                    .map_err(at_proxy)?;
                match p.kind() {
                    ProxyKind::Http if https => {
                        let limits = IoLimits {
                            deadline: connecting,
                            ..*io
                        };
                        self.tunnel(tcp, url, port, p, &limits)
                            .map_err(|e| e.with_host(origin()))?
                    }
                    ProxyKind::Http => tcp,
                    kind => {
                        let target = match (kind, host) {
                            (ProxyKind::Socks5h, Host::Name(name)) => SocksTarget::Name(name, port),
                            _ => {
                                let addrs = connect::resolve(host, port, connecting, Step::Resolve)
                                    .map_err(|e| e.with_host(origin()))?;
                                // One address goes to the proxy: IPv4 when there is one, which
                                // every SOCKS proxy can reach (and curl's choice too).
                                let first = addrs
                                    .iter()
                                    .find(|a| a.is_ipv4())
                                    .or(addrs.first())
                                    .copied()
                                    .ok_or_else(|| {
                                        Error::new(ErrorKind::Dns, Step::Resolve, "the name has no addresses")
                                            .with_host(origin())
                                    })?;
                                SocksTarget::Addr(first)
                            }
                        };
                        // Each read and write is limited by the time left, so a proxy that
                        // trickles its answers cannot stretch the handshake past the deadline.
                        let mut bounded = connect::DeadlineStream::new(&tcp, connecting, io.read);
                        proxy::socks5_handshake(&mut bounded, target, p.credentials())
                            .map_err(|e| past_deadline(e, connecting, Step::Tunnel).with_host(origin()))?;
                        tcp
                    }
                }
            }
        };
        if https {
            self.tls_handshake(tcp, host, connecting, io.read)
                .map_err(|e| e.with_host(origin()))
        } else {
            // the handshakes above may have left timeouts on the socket; start clean
            set_handshake_timeouts(&tcp, None).map_err(|e| Error::io(Step::Connect, e).with_host(origin()))?;
            Ok(Stream::Tcp(tcp))
        }
    }

    /// Resolves and connects (`steps`: for the origin or for the proxy), by `connecting`.
    fn open_tcp(
        &self,
        host: Host<'_>,
        port: u16,
        connecting: Option<Deadline>,
        resolve: Step,
        connect: Step,
    ) -> Result<TcpStream> {
        let tracer = &self.config().tracer;
        let name = match host {
            // an address literal needs no list
            Host::Ip(ip) => return connect::connect(&[SocketAddr::new(ip, port)], connecting, connect, tracer),
            Host::Name(name) => name,
        };
        let addrs = connect::resolve(host, port, connecting, resolve)?;
        tracer.emit(|| Event::Resolved {
            host: name,
            addrs: &addrs,
        });
        connect::connect(&addrs, connecting, connect, tracer)
    }

    /// The deadline for connecting, from now: the connect timeout, or the request's deadline
    /// when that comes first. It bounds resolving, connecting and the handshakes (TLS, SOCKS5,
    /// CONNECT) as a whole, as curl's `--connect-timeout` does: a limit on each would let a
    /// slow proxy and a slow TLS server add up, and a peer that trickles a byte per read never
    /// trips a per-read timeout.
    fn connect_deadline(&self, io: &IoLimits) -> Option<Deadline> {
        let connect = self
            .config()
            .timeout_connect
            .map(|t| Deadline::after(t, "connect timeout"));
        Deadline::earliest(io.deadline, connect)
    }

    /// Asks an HTTP proxy for a tunnel to the origin (`CONNECT host:port`, RFC 9110 §9.3.6) and
    /// returns the connection, now a byte pipe to the origin.
    fn tunnel(&self, tcp: TcpStream, url: &Url, port: u16, proxy: &Proxy, io: &IoLimits) -> Result<TcpStream> {
        let config = self.config();
        let authority = format!("{}:{port}", url.host_str().unwrap_or_default());
        let proxy_auth = match proxy.credentials() {
            Some((u, p)) => {
                Some(super::auth::basic(u, p).map_err(|why| Error::new(ErrorKind::InvalidRequest, Step::Tunnel, why))?)
            }
            None => None,
        };
        let mut defaults: Vec<(&str, &str)> = vec![("Host", &authority)];
        if let Some(ua) = &config.user_agent {
            defaults.push(("User-Agent", ua));
        }
        if let Some(auth) = &proxy_auth {
            defaults.push(("Proxy-Authorization", auth));
        }
        let head = RequestHead {
            method: "CONNECT",
            target: &authority,
            host: None,
            defaults: &defaults,
            user: std::iter::empty(),
            body: BodyFraming::None,
        };
        let key = PoolKeyRef {
            scheme: "http",
            host: proxy.host(),
            port: proxy.port(),
            proxy: None,
            tls_id: 0,
        };
        let mut conn = HttpConn::new(Stream::Tcp(tcp), key.to_owned());
        head.write(&mut conn.wbuf)
            .map_err(|e| Error::from_proto(Step::Tunnel, e))?;
        config.tracer.emit(|| Event::RequestHead { bytes: &conn.wbuf });
        send(&mut conn, &mut Body::Empty, BodyFraming::None, io, &config.tracer).map_err(|e| retag(e, Step::Tunnel))?;
        conn.read_head(&config.limits, io, &config.tracer)
            .map_err(|(e, _)| retag(e, Step::Tunnel))?;
        let facts = RequestFacts {
            head: false,
            connect: true,
        };
        let status = conn.head.status;
        let decided = framing::decide(
            facts,
            status,
            conn.head.minor_version,
            conn.head.raw_headers(conn.head_buf()),
        )
        .map_err(|e| Error::from_proto(Step::Tunnel, e))?;
        if decided.rule != framing::Rule::ConnectTunnel {
            let reason = conn.head.reason(conn.head_buf()).to_string();
            let message = format!("the proxy {} refused the tunnel: {status} {reason}", proxy.authority());
            return Err(Error::new(ErrorKind::Proxy, Step::Tunnel, message).with_status(status));
        }
        if !conn.buffered().is_empty() {
            let message = "the proxy sent bytes after its CONNECT answer, before TLS started";
            return Err(Error::new(ErrorKind::Proxy, Step::Tunnel, message));
        }
        match conn.into_stream() {
            Stream::Tcp(tcp) => Ok(tcp),
            _ => Err(Error::new(
                ErrorKind::Proxy,
                Step::Tunnel,
                "tunnel over a non-TCP stream",
            )),
        }
    }

    #[cfg(feature = "tls")]
    fn tls_config(&self) -> Result<Arc<rustls::ClientConfig>> {
        if let Some(c) = &self.config().tls_config {
            return Ok(c.clone());
        }
        let built = self.inner.tls.get_or_init(|| {
            crate::transport::tls::build_config(&self.config().trust).map_err(|e| e.message().to_string())
        });
        built
            .clone()
            .map_err(|m| Error::new(ErrorKind::Tls, Step::TlsHandshake, m))
    }

    #[cfg(feature = "tls")]
    fn tls_id(&self, https: bool) -> u64 {
        if !https {
            return 0;
        }
        // The configuration's address identifies it while the agent holds it.
        match self.tls_config() {
            Ok(c) => Arc::as_ptr(&c) as usize as u64,
            Err(_) => u64::MAX,
        }
    }

    #[cfg(not(feature = "tls"))]
    fn tls_id(&self, _https: bool) -> u64 {
        0
    }

    #[cfg(feature = "tls")]
    fn tls_handshake(
        &self,
        tcp: std::net::TcpStream,
        host: Host<'_>,
        connecting: Option<Deadline>,
        per_read: Option<Duration>,
    ) -> Result<Stream> {
        use crate::transport::tls;
        let config = self.tls_config()?;
        let stream = tls::handshake(tcp, host, config, connecting, per_read)?;
        // The handshake left its timeouts on the socket; start from a known state.
        let _ = stream.sock.set_read_timeout(None);
        let _ = stream.sock.set_write_timeout(None);
        let tracer = &self.config().tracer;
        if tracer.is_on() {
            let (version, cipher, alpn) = tls::negotiated(&stream);
            tracer.emit(|| Event::TlsHandshake {
                version: &version,
                cipher: &cipher,
                alpn: alpn.as_deref(),
            });
        }
        Ok(Stream::Tls(Box::new(stream)))
    }

    #[cfg(not(feature = "tls"))]
    fn tls_handshake(
        &self,
        _tcp: std::net::TcpStream,
        _host: Host<'_>,
        _connecting: Option<Deadline>,
        _per_read: Option<Duration>,
    ) -> Result<Stream> {
        Err(Error::new(
            ErrorKind::InvalidUrl,
            Step::Url,
            "https needs the `tls` feature",
        ))
    }
}

/// Is the URL's host a loopback name or address? Environment proxies never apply to it.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Sets both socket timeouts (for a handshake, or `None` to clear them).
fn set_handshake_timeouts(tcp: &TcpStream, limit: Option<Duration>) -> std::io::Result<()> {
    tcp.set_read_timeout(limit)?;
    tcp.set_write_timeout(limit)
}

/// A timeout after `deadline` passed is that deadline's error (naming it); any other error is
/// left as it is.
fn past_deadline(e: Error, deadline: Option<Deadline>, step: Step) -> Error {
    match deadline {
        Some(d) if e.is_timeout() && d.remaining().is_none() => d.error(step),
        _ => e,
    }
}

/// Moves an error made while talking to a proxy to the tunnel step (timeouts stay timeouts).
fn retag(e: Error, step: Step) -> Error {
    let kind = if e.kind() == ErrorKind::Timeout {
        ErrorKind::Timeout
    } else {
        ErrorKind::Proxy
    };
    e.reclassify(kind, step)
}

/// `host:port` of a URL, for messages.
fn host_port(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// Decides the request body's framing and reconciles it with a user-supplied
/// `Content-Length` (which must match) or `Transfer-Encoding`.
fn body_framing(method: &str, headers: &[(String, Option<String>)], body: &Body<'_>) -> Result<BodyFraming> {
    let invalid = |m: String| Error::new(ErrorKind::InvalidRequest, Step::Request, m);
    let mut user_length = None;
    for (name, value) in headers {
        let Some(value) = value else { continue };
        if name.eq_ignore_ascii_case("content-length") {
            let n = framing::parse_digits(value.trim().as_bytes())
                .ok_or_else(|| invalid(format!("Content-Length {value:?} is not a number")))?;
            if user_length.is_some_and(|m| m != n) {
                return Err(invalid("two different Content-Length headers".into()));
            }
            user_length = Some(n);
        } else if name.eq_ignore_ascii_case("transfer-encoding") && !matches!(body, Body::Reader(_, None)) {
            return Err(invalid(
                "Transfer-Encoding is set by the client for streamed bodies only".into(),
            ));
        }
    }
    Ok(match body {
        Body::Empty => match user_length {
            Some(0) => BodyFraming::Length(0),
            Some(n) => return Err(invalid(format!("Content-Length {n} given but there is no body"))),
            None if expects_body(method) => BodyFraming::Length(0),
            None => BodyFraming::None,
        },
        Body::Bytes(b) => {
            let len = b.len() as u64;
            if user_length.is_some_and(|n| n != len) {
                return Err(invalid(format!(
                    "Content-Length {} does not match the {len}-byte body",
                    user_length.unwrap_or(0)
                )));
            }
            BodyFraming::Length(len)
        }
        Body::Reader(_, len) => match len.or(user_length) {
            Some(n) => BodyFraming::Length(n),
            None => BodyFraming::Chunked,
        },
        Body::Seekable(_, _, len) => {
            if user_length.is_some_and(|n| n != *len) {
                return Err(invalid(format!("Content-Length does not match the {len}-byte file")));
            }
            BodyFraming::Length(*len)
        }
    })
}

/// Writes the head (already in `conn.wbuf`) and the body.
pub(crate) fn send(
    conn: &mut HttpConn,
    body: &mut Body<'_>,
    framing: BodyFraming,
    io: &IoLimits,
    tracer: &Tracer,
) -> Result<()> {
    let (mut w, wbuf) = conn.writer(io);
    let result = match body {
        Body::Empty => w.write_all(wbuf),
        Body::Bytes(b) if b.len() <= SMALL_BODY => {
            tracer.emit(|| Event::BodySent { bytes: b });
            wbuf.extend_from_slice(b);
            w.write_all(wbuf)
        }
        Body::Bytes(b) => {
            tracer.emit(|| Event::BodySent { bytes: b });
            write_all_vectored(&mut w, &[wbuf, b])
        }
        Body::Reader(reader, _) => return send_reader(conn, &mut **reader, framing, io, tracer),
        Body::Seekable(reader, start, _) => {
            if let Err(e) = reader.seek(std::io::SeekFrom::Start(*start)) {
                let message = format!("rewinding the request body failed: {}", crate::error::io_phrase(&e));
                return Err(Error::new(ErrorKind::LocalIo, Step::ReadUpload, message).with_source(e));
            }
            return send_reader(conn, &mut **reader, framing, io, tracer);
        }
    };
    result.map_err(|e| conn.write_error(e, io))
}

fn read_body_source(reader: &mut dyn Read, buf: &mut [u8]) -> Result<usize> {
    loop {
        match reader.read(buf) {
            // (a reader claiming more than it was given is not believed)
            Ok(n) => return Ok(n.min(buf.len())),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            // an h1client error (the source is another response's body) stays what it was
            Err(e) => return Err(Error::recover(e).unwrap_or_else(|e| Error::local(Step::ReadUpload, e))),
        }
    }
}

/// Streams a reader: chunked (each read becomes one chunk, sent with its size line in one
/// write), or raw with a known length that the reader must match exactly.
fn send_reader(
    conn: &mut HttpConn,
    reader: &mut dyn Read,
    framing: BodyFraming,
    io: &IoLimits,
    tracer: &Tracer,
) -> Result<()> {
    let head_len = conn.wbuf.len();
    conn.wbuf.resize(head_len.saturating_add(UPLOAD_CHUNK), 0);
    let mut head_pending = head_len;
    let mut sent: u64 = 0;
    let origin = conn.origin().to_string();
    loop {
        let (mut w, wbuf) = conn.writer(io);
        let (head, data) = wbuf.split_at_mut(head_len);
        let want = match framing {
            BodyFraming::Length(total) => total.saturating_sub(sent).min(data.len() as u64) as usize,
            _ => data.len(),
        };
        let n = if want == 0 {
            0
        } else {
            let room = data.get_mut(..want).unwrap_or_default();
            read_body_source(reader, room).map_err(|e| e.with_host(&origin))?
        };
        let head = head.get(..head_pending).unwrap_or_default();
        let chunk = data.get(..n).unwrap_or_default();
        let mut line = [0u8; 18];
        let pieces: [&[u8]; 3] = match framing {
            BodyFraming::Chunked if n == 0 => [crate::proto::chunked::LAST_CHUNK, b"", b""],
            BodyFraming::Chunked => [crate::proto::chunked::chunk_size_line(n, &mut line), chunk, b"\r\n"],
            _ => [chunk, b"", b""],
        };
        if tracer.is_on() {
            let bytes = pieces.concat();
            tracer.emit(|| Event::BodySent { bytes: &bytes });
        }
        let result = write_all_vectored(&mut w, &[head, pieces[0], pieces[1], pieces[2]]);
        result.map_err(|e| conn.write_error(e, io))?;
        head_pending = 0;
        sent = sent.saturating_add(n as u64);
        if n == 0 {
            break;
        }
    }
    conn.wbuf.truncate(head_len);
    if let BodyFraming::Length(total) = framing {
        let mut probe = [0u8; 1];
        let extra = read_body_source(reader, &mut probe).map_err(|e| e.with_host(&origin))?;
        if sent != total || extra != 0 {
            let message = if sent < total {
                format!("the body reader ended after {sent} of the {total} bytes announced by Content-Length")
            } else {
                format!("the body reader gave more than the {total} bytes announced by Content-Length")
            };
            return Err(Error::new(ErrorKind::InvalidRequest, Step::Send, message).with_host(origin));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_framing_table() {
        let h = |pairs: &[(&str, &str)]| -> Vec<(String, Option<String>)> {
            pairs
                .iter()
                .map(|(n, v)| (n.to_string(), Some(v.to_string())))
                .collect()
        };
        let mut reader: &[u8] = b"abc";
        assert_eq!(body_framing("GET", &[], &Body::Empty).unwrap(), BodyFraming::None);
        assert_eq!(body_framing("POST", &[], &Body::Empty).unwrap(), BodyFraming::Length(0));
        assert_eq!(
            body_framing("POST", &[], &Body::Bytes(b"abc")).unwrap(),
            BodyFraming::Length(3)
        );
        assert_eq!(
            body_framing("POST", &h(&[("content-length", "3")]), &Body::Bytes(b"abc")).unwrap(),
            BodyFraming::Length(3)
        );
        assert_eq!(
            body_framing("PUT", &[], &Body::Reader(&mut reader, None)).unwrap(),
            BodyFraming::Chunked
        );
        assert_eq!(
            body_framing("PUT", &h(&[("Content-Length", "3")]), &Body::Reader(&mut reader, None)).unwrap(),
            BodyFraming::Length(3)
        );
        for (headers, body) in [
            (h(&[("Content-Length", "4")]), Body::Bytes(b"abc")),
            (h(&[("Content-Length", "x")]), Body::Bytes(b"abc")),
            (h(&[("Content-Length", "1")]), Body::Empty),
            (h(&[("Transfer-Encoding", "chunked")]), Body::Bytes(b"abc")),
        ] {
            let e = body_framing("POST", &headers, &body).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{headers:?}");
        }
    }
}
