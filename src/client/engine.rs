//! What all the requests of one agent share — its configuration, the pool of idle connections,
//! the cookie jar, the TLS configuration — and the route each request takes to its origin:
//! directly, through a proxy (absolute-form or a CONNECT tunnel, RFC 9112 §3.2.2, RFC 9110
//! §9.3.6; SOCKS5, RFC 1928), or over a unix socket.
//!
//! [`Agent`](crate::Agent) is a cheap handle on an `Arc<Engine>`; so is every
//! [`RequestBuilder`](crate::RequestBuilder). A [`BodyReader`](crate::BodyReader) holds only
//! the pool, to give its connection back.

use super::config::{Config, ProxySetting};
use super::conn::HttpConn;
use crate::error::{Error, ErrorKind, Result, Step};
use crate::transport::pool::Pool;
use crate::transport::proxy::{EnvProxies, Proxy, ProxyKind};
use crate::transport::PoolKeyRef;
use std::borrow::Cow;
use std::sync::Arc;
use url::Url;

/// An agent's shared state.
pub(crate) struct Engine {
    pub(crate) config: Config,
    pub(crate) pool: Arc<Pool<Box<HttpConn>>>,
    /// Which address family connected to a host when the first tried did not.
    pub(crate) families: crate::transport::connect::FamilyMemory,
    /// The pool key part for a unix socket.
    unix_key: Option<String>,
    #[cfg(feature = "cookies")]
    pub(crate) jar: Option<super::cookies::Jar>,
    #[cfg(feature = "tls")]
    tls: std::sync::OnceLock<std::result::Result<Arc<rustls::ClientConfig>, String>>,
}

/// How a request reaches its origin.
#[derive(Debug)]
pub(crate) struct Route<'a> {
    /// The proxy in between, if any.
    pub proxy: Option<&'a Proxy>,
    /// The request target: origin-form `/path?query`, or absolute-form `http://host/path`
    /// through an HTTP proxy (RFC 9112 §3.2.1, §3.2.2).
    pub target: Cow<'a, str>,
    /// Sent in absolute form to an HTTP proxy: the only case where `Proxy-Authorization`
    /// goes out with the request (RFC 9110 §11.7.2).
    pub to_http_proxy: bool,
    /// Which idle connections can carry it.
    pub key: PoolKeyRef<'a>,
}

impl Engine {
    /// The shared state for `config` (the environment's proxies read now, when asked for).
    pub(crate) fn new(mut config: Config) -> Engine {
        if let ProxySetting::FromEnv = config.proxy {
            config.proxy = ProxySetting::Env(EnvProxies::from_env());
        }
        Engine {
            pool: Arc::new(Pool::new(config.pool)),
            families: Default::default(),
            unix_key: config.unix_socket.as_ref().map(|p| format!("unix:{}", p.display())),
            #[cfg(feature = "cookies")]
            jar: config.cookies.take().map(super::cookies::Jar::new),
            config,
            #[cfg(feature = "tls")]
            tls: std::sync::OnceLock::new(),
        }
    }

    /// The route of a request to `url`.
    pub(crate) fn route<'a>(&'a self, url: &'a Url) -> Result<Route<'a>> {
        let proxy = self.proxy_for(url)?;
        let https = url.scheme() == "https";
        let to_http_proxy = proxy.is_some_and(|p| p.kind() == ProxyKind::Http) && !https;
        let path_query = crate::proto::request::origin_form(url);
        // Through an HTTP proxy a plain http request names the whole URL (absolute-form), without
        // userinfo or fragment; otherwise the path and query (origin-form).
        let target = if to_http_proxy {
            let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
            let host = url.host_str().unwrap_or_default();
            Cow::Owned(format!("{}://{host}{port}{path_query}", url.scheme()))
        } else {
            Cow::Borrowed(path_query)
        };
        // A forward proxy connection carries plain http requests for any origin, and so does a
        // unix socket: key them by the route alone. Tunnels (CONNECT, SOCKS) lead to one origin
        // and are keyed by both.
        let forward = to_http_proxy || self.unix_key.is_some();
        let key = PoolKeyRef {
            scheme: if https { "https" } else { "http" },
            host: if forward {
                ""
            } else {
                url.host_str().unwrap_or_default()
            },
            port: if forward {
                0
            } else {
                url.port_or_known_default().unwrap_or(80)
            },
            proxy: self.unix_key.as_deref().or(proxy.map(Proxy::key)),
            tls_id: self.tls_id(https)?,
        };
        Ok(Route {
            proxy,
            target,
            to_http_proxy,
            key,
        })
    }

    /// The proxy a request to `url` goes through, if any: the explicit one, or the
    /// environment's (never for loopback hosts, which a proxy could not reach), minus the
    /// `NO_PROXY` exceptions.
    fn proxy_for(&self, url: &Url) -> Result<Option<&Proxy>> {
        let config = &self.config;
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

    /// The TLS configuration: the one given, or one built from the trust settings (once).
    #[cfg(feature = "tls")]
    pub(crate) fn tls_config(&self) -> Result<Arc<rustls::ClientConfig>> {
        if let Some(c) = &self.config.tls_config {
            return Ok(c.clone());
        }
        let built = self.tls.get_or_init(|| {
            crate::transport::tls::build_config(&self.config.trust).map_err(|e| e.message().to_string())
        });
        built
            .clone()
            .map_err(|m| Error::new(ErrorKind::Tls, Step::TlsHandshake, m))
    }

    /// What identifies the TLS configuration in pool keys: its address, while the agent holds
    /// it (0 for plain connections). A configuration that cannot be built fails the request
    /// here, before anything is connected.
    #[cfg(feature = "tls")]
    fn tls_id(&self, https: bool) -> Result<u64> {
        if !https {
            return Ok(0);
        }
        Ok(Arc::as_ptr(&self.tls_config()?) as usize as u64)
    }

    #[cfg(not(feature = "tls"))]
    fn tls_id(&self, _https: bool) -> Result<u64> {
        Ok(0)
    }
}

/// Is the URL's host a loopback name or address? Environment proxies never apply to it.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => crate::transport::connect::is_localhost(d),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// `host:port` of a URL, for messages.
pub(crate) fn host_port(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(0)
    )
}
