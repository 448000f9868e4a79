//! Everything an agent is configured with, in one value that all its requests share. The
//! builder methods that set each field, with their defaults and meanings, are on
//! [`AgentBuilder`](crate::AgentBuilder); the reasons for the defaults are in
//! [`manual::_06_defaults`](crate::manual::_06_defaults).

use crate::proto::request::Version;
use crate::proto::response::HeadLimits;
use crate::trace::Tracer;
use crate::transport::connect::IpVersion;
use crate::transport::pool::PoolLimits;
use crate::transport::proxy::{EnvProxies, NoProxy, Proxy};
use std::borrow::Cow;
use std::net::IpAddr;
use std::time::Duration;

/// The default `User-Agent`: `h1client/<version>`.
pub(crate) const DEFAULT_USER_AGENT: &str = concat!("h1client/", env!("CARGO_PKG_VERSION"));

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

/// A connection to `host:port` made to `to_host:to_port` instead (curl's `--connect-to`); an
/// empty host or a port 0 on the left matches any, on the right keeps the original.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ConnectTo {
    pub host: String,
    pub port: u16,
    pub to_host: String,
    pub to_port: u16,
}

impl ConnectTo {
    /// Where a connection to `host:port` goes, if this rule applies to it.
    pub(crate) fn apply<'a>(&'a self, host: &'a str, port: u16) -> Option<(&'a str, u16)> {
        let host_matches = self.host.is_empty() || self.host.eq_ignore_ascii_case(host);
        let port_matches = self.port == 0 || self.port == port;
        (host_matches && port_matches).then(|| {
            let to_host = if self.to_host.is_empty() {
                host
            } else {
                self.to_host.as_str()
            };
            let to_port = if self.to_port == 0 { port } else { self.to_port };
            (to_host, to_port)
        })
    }
}

/// An agent's settings (see [`AgentBuilder`](crate::AgentBuilder) for each).
#[derive(Clone)]
pub(crate) struct Config {
    pub timeout_connect: Option<Duration>,
    pub timeout_read: Option<Duration>,
    pub timeout_write: Option<Duration>,
    pub timeout: Option<Duration>,
    pub max_redirects: u32,
    pub allow_https_downgrade: bool,
    pub limits: HeadLimits,
    pub pool: PoolLimits,
    pub body_limit: u64,
    pub user_agent: Option<Cow<'static, str>>,
    /// Headers sent with every request unless the request has its own of the same name.
    pub default_headers: Vec<(String, String)>,
    pub tracer: Tracer,
    pub proxy: ProxySetting,
    pub no_proxy: Option<NoProxy>,
    pub unix_socket: Option<std::path::PathBuf>,
    #[cfg(feature = "cookies")]
    pub cookies: Option<cookie_store::CookieStore>,
    pub decompress: bool,
    pub expect_timeout: Duration,
    /// Re-send requests that are not idempotent too, when a reused connection fails before
    /// any answer (curl's behaviour).
    pub retry_non_idempotent: bool,
    /// The version requests are sent with.
    pub http_version: Version,
    /// Which address families to connect with.
    pub ip_version: IpVersion,
    /// Addresses to use for `(host, port)` instead of resolving the name (curl's `--resolve`).
    pub resolve: Vec<(String, u16, Vec<IpAddr>)>,
    /// Where to connect instead of `(host, port)` (curl's `--connect-to`).
    pub connect_to: Vec<ConnectTo>,
    #[cfg(feature = "tls")]
    pub trust: crate::transport::tls::TrustSettings,
    #[cfg(feature = "tls")]
    pub tls_config: Option<std::sync::Arc<rustls::ClientConfig>>,
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
            limits: HeadLimits::default(),
            pool: PoolLimits::default(),
            body_limit: 10 * 1024 * 1024,
            user_agent: Some(Cow::Borrowed(DEFAULT_USER_AGENT)),
            default_headers: Vec::new(),
            tracer: Tracer::none(),
            proxy: ProxySetting::FromEnv,
            no_proxy: None,
            unix_socket: None,
            #[cfg(feature = "cookies")]
            cookies: Some(cookie_store::CookieStore::default()),
            decompress: true,
            expect_timeout: Duration::from_secs(1),
            retry_non_idempotent: false,
            http_version: Version::Http11,
            ip_version: IpVersion::Any,
            resolve: Vec::new(),
            connect_to: Vec::new(),
            #[cfg(feature = "tls")]
            trust: Default::default(),
            #[cfg(feature = "tls")]
            tls_config: None,
        }
    }
}
