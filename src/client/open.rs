//! A connection for a request: an idle one from the pool, probed first, or a new one — resolved,
//! connected (RFC 8305 racing), through a proxy if the route has one (a CONNECT tunnel, RFC 9110
//! §9.3.6; a SOCKS5 handshake, RFC 1928), and TLS for `https` (RFC 8446).
//!
//! Connecting as a whole — resolving, every address tried, the proxy's handshake and the TLS
//! handshake — is bounded by one deadline: the connect timeout, or the request's deadline when
//! that comes first, as curl's `--connect-timeout` does.

use super::conn::{HttpConn, Origin, Timeouts};
use super::engine::{host_port, Engine, Route};
use super::send::{send, Body};
use crate::error::{Error, ErrorKind, Result, Step};
use crate::proto::framing::{self, RequestFacts};
use crate::proto::request::{BodyFraming, RequestHead, Version};
use crate::trace::Event;
use crate::transport::connect::{self, Host};
use crate::transport::proxy::{self, Proxy, ProxyKind, SocksTarget};
use crate::transport::timeouts::{ArmedTcp, Armer, Deadline, SocketState};
use crate::transport::{PoolKeyRef, Stream};
use std::net::{SocketAddr, TcpStream};
use url::Url;

/// An idle connection for the route, probed, or a new one (`fresh_only`: a new one).
pub(crate) fn connection(
    engine: &Engine,
    route: &Route<'_>,
    url: &Url,
    io: &Timeouts,
    fresh_only: bool,
) -> Result<Box<HttpConn>> {
    let tracer = &engine.config.tracer;
    if !fresh_only {
        while let Some((mut conn, idle)) = engine.pool.take(&route.key) {
            // Bytes the server sent after the last response (a 408 before closing, a stray
            // response right behind the real one) would be read as this request's answer, and a
            // retry cannot undo that, so every reuse is probed first, however briefly the
            // connection was idle: bytes sent microseconds after a response, in a TCP segment of
            // their own, are in by the time the next request is ready. A close is seen too. It
            // costs three system calls (about a microsecond on loopback).
            if conn.stream.has_buffered_input() || !conn.stream.is_idle_usable() {
                tracer.emit(|| Event::Closed {
                    reason: "the server closed or wrote to the idle connection",
                });
                continue;
            }
            conn.set_origin(url);
            tracer.emit(|| Event::Reused {
                origin: &conn.origin().host,
                idle,
            });
            return Ok(conn);
        }
    }
    let (stream, socket) = open(engine, route, url, io)?;
    Ok(Box::new(HttpConn::new(
        stream,
        route.key.owned(),
        Origin::of(url),
        socket,
    )))
}

/// The host of a URL, for connecting.
fn host_of(url: &Url) -> Result<Host<'_>> {
    match url.host() {
        Some(url::Host::Domain(d)) => Ok(Host::Name(d)),
        Some(url::Host::Ipv4(ip)) => Ok(Host::Ip(ip.into())),
        Some(url::Host::Ipv6(ip)) => Ok(Host::Ip(ip.into())),
        None => Err(Error::new(ErrorKind::InvalidUrl, Step::Url, "the URL has no host")),
    }
}

/// Where a connection for `url` goes: its host and port, unless a `connect_to` rule sends it
/// elsewhere (the `Host` header, SNI and the certificate check still name the URL's host).
fn target_of<'a>(engine: &'a Engine, url: &'a Url) -> Result<(Host<'a>, u16)> {
    let port = url.port_or_known_default().unwrap_or(80);
    let host = url.host_str().unwrap_or_default();
    let Some((to_host, to_port)) = engine.config.connect_to.iter().find_map(|rule| rule.apply(host, port)) else {
        return Ok((host_of(url)?, port));
    };
    let bare = to_host.trim_start_matches('[').trim_end_matches(']');
    let to = match bare.parse() {
        Ok(ip) => Host::Ip(ip),
        Err(_) if to_host == host => host_of(url)?,
        Err(_) => Host::Name(to_host),
    };
    Ok((to, to_port))
}

/// Opens a new connection for `url` along its route, then TLS for https. Returns it with what
/// its socket's timeouts are set to (the handshakes arm them).
fn open(engine: &Engine, route: &Route<'_>, url: &Url, io: &Timeouts) -> Result<(Stream, SocketState)> {
    let at_origin = |e: Error| e.with_host(host_port(url));
    let https = url.scheme() == "https";
    let mut socket = SocketState::fresh();
    #[cfg(unix)]
    if let Some(path) = &engine.config.unix_socket {
        return Ok((open_unix(path, https)?, socket));
    }
    let (target, port) = target_of(engine, url)?;
    let connecting = connect_timeouts(engine, io);
    let deadline = connecting.deadline;
    let tcp = match route.proxy {
        None => open_tcp(engine, target, port, deadline, Step::Resolve, Step::Connect).map_err(at_origin)?,
        Some(p) => through_proxy(engine, p, url, (target, port), &connecting, &mut socket)?,
    };
    if https {
        let host = host_of(url)?;
        let stream = tls_handshake(engine, tcp, host, &connecting, &mut socket).map_err(at_origin)?;
        Ok((stream, socket))
    } else {
        Ok((Stream::Tcp(tcp), socket))
    }
}

#[cfg(unix)]
fn open_unix(path: &std::path::Path, https: bool) -> Result<Stream> {
    let display = || format!("unix:{}", path.display());
    if https {
        let msg = "https over a unix socket is not supported";
        return Err(Error::new(ErrorKind::InvalidUrl, Step::Connect, msg).with_host(display()));
    }
    let stream =
        std::os::unix::net::UnixStream::connect(path).map_err(|e| Error::io(Step::Connect, e).with_host(display()))?;
    Ok(Stream::Unix(stream))
}

/// Connects to the proxy and asks it for the way on: nothing more for an HTTP proxy carrying a
/// plain request, a CONNECT tunnel for https, a SOCKS5 handshake.
fn through_proxy(
    engine: &Engine,
    p: &Proxy,
    url: &Url,
    (host, port): (Host<'_>, u16),
    connecting: &Timeouts,
    socket: &mut SocketState,
) -> Result<TcpStream> {
    let at_origin = |e: Error| e.with_host(host_port(url));
    let proxy_host = match p.host().parse() {
        Ok(ip) => Host::Ip(ip),
        Err(_) => Host::Name(p.host()),
    };
    let tcp = open_tcp(
        engine,
        proxy_host,
        p.port(),
        connecting.deadline,
        Step::ResolveProxy,
        Step::ConnectProxy,
    )
    .map_err(|e| e.with_host(p.authority()))?;
    match p.kind() {
        ProxyKind::Http if url.scheme() == "https" => {
            tunnel(engine, tcp, url, (host, port), p, connecting, socket).map_err(at_origin)
        }
        ProxyKind::Http => Ok(tcp),
        kind => {
            let target = match (kind, host) {
                (ProxyKind::Socks5h, Host::Name(name)) => SocksTarget::Name(name, port),
                _ => SocksTarget::Addr(socks_address(engine, host, port, connecting.deadline).map_err(at_origin)?),
            };
            // Each read and write is limited by the time left, so a proxy that trickles its
            // answers cannot stretch the handshake past the deadline.
            let mut armed = ArmedTcp::new(&tcp, Armer::new(connecting, socket));
            proxy::socks5_handshake(&mut armed, target, p.credentials())
                .map_err(|e| at_origin(past_deadline(e, connecting.deadline, Step::Tunnel)))?;
            Ok(tcp)
        }
    }
}

/// The address a `socks5://` proxy is asked to connect to: resolved here, IPv4 when there is
/// one, which every SOCKS proxy can reach (curl's choice too).
fn socks_address(engine: &Engine, host: Host<'_>, port: u16, connecting: Option<Deadline>) -> Result<SocketAddr> {
    let addrs = addresses(engine, host, port, connecting, Step::Resolve)?;
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .copied()
        .ok_or_else(|| Error::new(ErrorKind::Dns, Step::Resolve, "the name has no addresses"))
}

/// The addresses of `host:port`: the literal, the agent's `resolve` override, or the resolver's
/// answer — kept to the agent's IP version.
fn addresses(
    engine: &Engine,
    host: Host<'_>,
    port: u16,
    connecting: Option<Deadline>,
    step: Step,
) -> Result<Vec<SocketAddr>> {
    let config = &engine.config;
    let mut addrs = match host {
        Host::Ip(ip) => vec![SocketAddr::new(ip, port)],
        Host::Name(name) => {
            let given = config
                .resolve
                .iter()
                .find(|(h, p, _)| h.eq_ignore_ascii_case(name) && *p == port);
            let addrs = match given {
                // ordered as a resolver's answer is (RFC 8305 §4)
                Some((_, _, ips)) => connect::interleave(ips.iter().map(|ip| SocketAddr::new(*ip, port)).collect()),
                None => connect::resolve(host, port, connecting, step)?,
            };
            config.tracer.emit(|| Event::Resolved {
                host: name,
                addrs: &addrs,
            });
            addrs
        }
    };
    addrs.retain(|a| config.ip_version.allows(a));
    if addrs.is_empty() {
        // An address of the other family cannot be connected to (curl's exit 7); a name
        // without an address of the family has none to give (curl's 6).
        let (kind, step, message) = match host {
            Host::Ip(ip) => (
                ErrorKind::Connect,
                connect_step(step),
                format!(
                    "{ip} is not an address of the {:?} family the agent keeps to",
                    config.ip_version
                ),
            ),
            Host::Name(_) => (
                ErrorKind::Dns,
                step,
                format!("no address of the {:?} family was found", config.ip_version),
            ),
        };
        return Err(Error::new(kind, step, message));
    }
    Ok(addrs)
}

/// The connect step that follows a resolve step.
fn connect_step(resolve: Step) -> Step {
    match resolve {
        Step::ResolveProxy => Step::ConnectProxy,
        _ => Step::Connect,
    }
}

/// Resolves and connects (`steps`: for the origin or for the proxy), by `connecting`.
fn open_tcp(
    engine: &Engine,
    host: Host<'_>,
    port: u16,
    connecting: Option<Deadline>,
    resolve: Step,
    connect: Step,
) -> Result<TcpStream> {
    let addrs = addresses(engine, host, port, connecting, resolve)?;
    let Host::Name(name) = host else {
        return connect::connect(&addrs, connecting, connect, &engine.config.tracer).map(|(tcp, _)| tcp);
    };
    let addrs = engine.families.order(name, addrs);
    let (tcp, winner) = connect::connect(&addrs, connecting, connect, &engine.config.tracer)?;
    if let Some(&first) = addrs.first() {
        engine.families.learn(name, first, winner);
    }
    Ok(tcp)
}

/// The limits of connecting, from now: each read and write as the request's, and the whole by
/// the connect timeout, or the request's deadline when that comes first. The deadline bounds
/// resolving, connecting and the handshakes (TLS, SOCKS5, CONNECT) as a whole, as curl's
/// `--connect-timeout` does: a limit on each would let a slow proxy and a slow TLS server add
/// up, and a peer that trickles a byte per read never trips a per-read timeout.
fn connect_timeouts(engine: &Engine, io: &Timeouts) -> Timeouts {
    let connect = engine
        .config
        .timeout_connect
        .map(|t| Deadline::after(t, "connect timeout"));
    Timeouts {
        deadline: Deadline::earliest(io.deadline, connect),
        ..*io
    }
}

/// Asks an HTTP proxy for a tunnel to the origin (`CONNECT host:port`, RFC 9110 §9.3.6) and
/// returns the connection, now a byte pipe to the origin.
fn tunnel(
    engine: &Engine,
    tcp: TcpStream,
    url: &Url,
    (host, port): (Host<'_>, u16),
    proxy: &Proxy,
    io: &Timeouts,
    socket: &mut SocketState,
) -> Result<TcpStream> {
    let config = &engine.config;
    let key = PoolKeyRef {
        scheme: "http",
        host: proxy.host(),
        port: proxy.port(),
        proxy: None,
        tls_id: 0,
    };
    let mut conn = HttpConn::new(Stream::Tcp(tcp), key.owned(), Origin::of(url), *socket);
    write_connect_head(engine, &mut conn.wbuf, (host, port), proxy)?;
    config.tracer.emit(|| Event::RequestHead { bytes: &conn.wbuf });
    let tracer = &config.tracer;
    send(&mut conn, &mut Body::Empty, BodyFraming::Empty, io, tracer).map_err(to_tunnel)?;
    conn.read_head(&config.limits, io, tracer)
        .map_err(|(e, _)| to_tunnel(e))?;
    check_connect_answer(&conn, proxy)?;
    let (stream, state) = conn.into_stream();
    *socket = state;
    match stream {
        Stream::Tcp(tcp) => Ok(tcp),
        _ => Err(Error::new(
            ErrorKind::Proxy,
            Step::Tunnel,
            "tunnel over a non-TCP stream",
        )),
    }
}

/// `CONNECT host:port HTTP/1.1` in authority form (RFC 9112 §3.2.3), with `Host`, the
/// `User-Agent` and the proxy's credentials.
fn write_connect_head(engine: &Engine, out: &mut Vec<u8>, (host, port): (Host<'_>, u16), proxy: &Proxy) -> Result<()> {
    let authority = match host {
        Host::Ip(std::net::IpAddr::V6(ip)) => format!("[{ip}]:{port}"),
        host => format!("{host}:{port}"),
    };
    let proxy_auth = match proxy.credentials() {
        Some((u, p)) => {
            Some(super::auth::basic(u, p).map_err(|why| Error::new(ErrorKind::InvalidRequest, Step::Tunnel, why))?)
        }
        None => None,
    };
    let defaults = [
        ("Host", Some(authority.as_str())),
        ("User-Agent", engine.config.user_agent.as_deref()),
        ("Proxy-Authorization", proxy_auth.as_deref()),
    ];
    let head = RequestHead {
        method: "CONNECT",
        target: &authority,
        version: Version::Http11,
        host: None,
        defaults: defaults.iter().filter_map(|(n, v)| Some((*n, (*v)?))),
        user: std::iter::empty(),
        body: BodyFraming::Empty,
    };
    head.write(out).map_err(|e| Error::from_proto(Step::Tunnel, e))
}

/// Did the proxy open the tunnel? Any 2xx does (RFC 9110 §9.3.6); anything else is its refusal,
/// and bytes already sent after the answer would be taken for TLS.
fn check_connect_answer(conn: &HttpConn, proxy: &Proxy) -> Result<()> {
    let facts = RequestFacts {
        head: false,
        connect: true,
    };
    let head = &conn.head;
    let status = head.status;
    let decided = framing::decide(facts, status, head.minor_version, head.raw_headers(conn.head_buf()))
        .map_err(|e| Error::from_proto(Step::Tunnel, e))?;
    if decided.rule != framing::Rule::ConnectTunnel {
        let reason = head.reason(conn.head_buf());
        let message = format!("the proxy {} refused the tunnel: {status} {reason}", proxy.authority());
        return Err(Error::new(ErrorKind::Proxy, Step::Tunnel, message).with_status(status));
    }
    if !conn.buffered().is_empty() {
        let message = "the proxy sent bytes after its CONNECT answer, before TLS started";
        return Err(Error::new(ErrorKind::Proxy, Step::Tunnel, message));
    }
    Ok(())
}

#[cfg(feature = "tls")]
fn tls_handshake(
    engine: &Engine,
    tcp: TcpStream,
    host: Host<'_>,
    connecting: &Timeouts,
    socket: &mut SocketState,
) -> Result<Stream> {
    use crate::transport::tls;
    let config = engine.tls_config()?;
    let stream = tls::handshake(tcp, host, config, connecting, socket)?;
    let tracer = &engine.config.tracer;
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
    _engine: &Engine,
    _tcp: TcpStream,
    _host: Host<'_>,
    _connecting: &Timeouts,
    _socket: &mut SocketState,
) -> Result<Stream> {
    Err(Error::new(
        ErrorKind::InvalidUrl,
        Step::Url,
        "https needs the `tls` feature",
    ))
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
fn to_tunnel(e: Error) -> Error {
    let kind = if e.kind() == ErrorKind::Timeout {
        ErrorKind::Timeout
    } else {
        ErrorKind::Proxy
    };
    e.reclassify(kind, Step::Tunnel)
}
