//! Bytes on the wire: name resolution, connecting, TLS, and keeping idle connections.
//!
//! This layer knows nothing of HTTP beyond "a connection to this origin": it gives the client
//! layer a [`Stream`] that reads and writes bytes, under timeouts, and a [`pool::Pool`] to park
//! it in between requests.
//!
//! | module | does | standard |
//! |---|---|---|
//! | [`connect`] | resolves names (off-thread when a deadline applies); tries the addresses in turn, IPv6 and IPv4 alternating, racing them once one stays silent; remembers the family that worked | RFC 8305 §4, §5 (Happy Eyeballs v2, simplified), RFC 6761 §6.3 |
//! | [`timeouts`] | deadlines, and the socket timeouts armed from them before each read and write | |
//! | [`pool`] | idle connections keyed by origin, per-host limit, idle timeout | RFC 9112 §9.3, §9.4 |
//! | [`proxy`] | proxy settings, `NO_PROXY`, the SOCKS5 handshake | RFC 1928, RFC 1929 |
//! | `tls` | rustls glue: roots, SNI, ALPN `http/1.1`, close_notify | RFC 8446, RFC 6066 §3, RFC 7301 |

pub mod connect;
pub mod pool;
pub mod proxy;
pub mod timeouts;
#[cfg(feature = "tls")]
pub mod tls;

use std::io::{self, IoSlice, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use timeouts::Armer;

/// An open connection: plain TCP, TLS over TCP, or a unix domain socket.
pub enum Stream {
    /// Plain TCP.
    Tcp(TcpStream),
    /// TLS (rustls) over TCP.
    #[cfg(feature = "tls")]
    Tls(Box<tls::TlsStream>),
    /// A unix domain socket (`AgentBuilder::unix_socket`).
    #[cfg(unix)]
    Unix(std::os::unix::net::UnixStream),
    /// Bytes from memory, for the fuzz targets (feature `fuzzing`, not a stable API): reads come
    /// from the reader, writes are discarded.
    #[cfg(any(test, feature = "fuzzing"))]
    #[doc(hidden)]
    Memory(Box<dyn Read + Send + Sync>),
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stream::Tcp(s) => write!(f, "Tcp({:?})", s.peer_addr().ok()),
            #[cfg(feature = "tls")]
            Stream::Tls(s) => write!(f, "Tls({:?})", s.sock.peer_addr().ok()),
            #[cfg(unix)]
            Stream::Unix(_) => f.write_str("Unix"),
            #[cfg(any(test, feature = "fuzzing"))]
            Stream::Memory(_) => f.write_str("Memory"),
        }
    }
}

impl Stream {
    fn tcp(&self) -> Option<&TcpStream> {
        match self {
            Stream::Tcp(s) => Some(s),
            #[cfg(feature = "tls")]
            Stream::Tls(s) => Some(&s.sock),
            #[cfg(unix)]
            Stream::Unix(_) => None,
            #[cfg(any(test, feature = "fuzzing"))]
            Stream::Memory(_) => None,
        }
    }

    /// Is this a TLS connection?
    pub fn is_tls(&self) -> bool {
        #[cfg(feature = "tls")]
        if let Stream::Tls(_) = self {
            return true;
        }
        false
    }

    /// Does the stream hold input above the socket that was not read yet? Only TLS does:
    /// decrypted bytes, or a `close_notify`, that rustls took from the socket along with the
    /// bytes asked for. No system call.
    pub fn has_buffered_input(&self) -> bool {
        #[cfg(feature = "tls")]
        if let Stream::Tls(s) = self {
            return tls::has_buffered_input(s);
        }
        false
    }

    /// Checks, without blocking, whether an idle connection is still usable: the peer has not
    /// closed it and has not sent anything unasked (a server's `408` before closing, say).
    /// Costs three system calls.
    pub fn is_idle_usable(&self) -> bool {
        if self.has_buffered_input() {
            return false;
        }
        matches!(self.peek_now(), Err(e) if e.kind() == io::ErrorKind::WouldBlock)
    }

    /// Checks, without blocking, whether the peer has sent bytes not read yet (a close alone
    /// does not count): after a write failed, to find an answer the server sent early. Always
    /// false on a unix socket, which cannot be peeked at.
    pub fn has_pending_input(&self) -> bool {
        #[cfg(unix)]
        if let Stream::Unix(_) = self {
            return false;
        }
        self.has_buffered_input() || matches!(self.peek_now(), Ok(n) if n > 0)
    }

    /// Peeks at one byte without blocking: `Ok(0)` at the end of the stream, `WouldBlock` when
    /// nothing came. (A unix socket has no stable peek: its byte is read, which is as good for
    /// the callers, who never use the connection again when something came.)
    fn peek_now(&self) -> io::Result<usize> {
        let mut probe = [0u8; 1];
        let peeked = match self {
            #[cfg(unix)]
            Stream::Unix(s) => {
                // No stable peek on unix sockets: a byte read here would make the connection
                // unusable anyway, so reading is as good as peeking.
                s.set_nonblocking(true)?;
                let r = (&*s).read(&mut probe);
                let _ = s.set_nonblocking(false);
                r
            }
            _ => match self.tcp() {
                Some(s) => {
                    s.set_nonblocking(true)?;
                    let r = s.peek(&mut probe);
                    let _ = s.set_nonblocking(false);
                    r
                }
                None => Err(io::ErrorKind::Unsupported.into()),
            },
        };
        peeked
    }
}

impl Stream {
    /// One read, as [`Read::read`], with `arm` called before each system call.
    pub fn read_armed(&mut self, buf: &mut [u8], arm: &mut Armer<'_>) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => {
                arm.before_read(s)?;
                s.read(buf)
            }
            #[cfg(feature = "tls")]
            Stream::Tls(s) => tls::read_armed(s, buf, arm),
            #[cfg(unix)]
            Stream::Unix(s) => {
                arm.before_read(s)?;
                s.read(buf)
            }
            #[cfg(any(test, feature = "fuzzing"))]
            Stream::Memory(r) => r.read(buf),
        }
    }

    /// One write of some of `bufs`, as [`Write::write_vectored`], with `arm` called before each
    /// system call.
    pub fn write_vectored_armed(&mut self, bufs: &[IoSlice<'_>], arm: &mut Armer<'_>) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => {
                arm.before_write(s)?;
                s.write_vectored(bufs)
            }
            #[cfg(feature = "tls")]
            Stream::Tls(s) => tls::write_vectored_armed(s, bufs, arm),
            #[cfg(unix)]
            Stream::Unix(s) => {
                arm.before_write(s)?;
                s.write_vectored(bufs)
            }
            #[cfg(any(test, feature = "fuzzing"))]
            Stream::Memory(_) => Ok(bufs.iter().map(|b| b.len()).sum()),
        }
    }

    /// Sends what a layer above the socket still holds (TLS records), arming each system call.
    pub fn flush_armed(&mut self, arm: &mut Armer<'_>) -> io::Result<()> {
        match self {
            #[cfg(feature = "tls")]
            Stream::Tls(s) => tls::flush_armed(s, arm),
            _ => {
                let _ = arm; // plain streams hold nothing back
                Ok(())
            }
        }
    }

    /// The stream as a writer whose system calls are each armed by `arm`.
    pub fn armed<'s, 'a>(&'s mut self, arm: &'s mut Armer<'a>) -> Armed<'s, 'a> {
        Armed { stream: self, arm }
    }
}

/// A [`Stream`] whose every system call is armed first (see [`timeouts`]): `Read` and `Write`.
pub struct Armed<'s, 'a> {
    stream: &'s mut Stream,
    arm: &'s mut Armer<'a>,
}

impl Read for Armed<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.read_armed(buf, self.arm)
    }
}

impl Write for Armed<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.write_vectored_armed(&[IoSlice::new(buf)], self.arm)
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.stream.write_vectored_armed(bufs, self.arm)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush_armed(self.arm)
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            #[cfg(feature = "tls")]
            Stream::Tls(s) => s.read(buf),
            #[cfg(unix)]
            Stream::Unix(s) => s.read(buf),
            #[cfg(any(test, feature = "fuzzing"))]
            Stream::Memory(r) => r.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            #[cfg(feature = "tls")]
            Stream::Tls(s) => s.write(buf),
            #[cfg(unix)]
            Stream::Unix(s) => s.write(buf),
            #[cfg(any(test, feature = "fuzzing"))]
            Stream::Memory(_) => Ok(buf.len()),
        }
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write_vectored(bufs),
            #[cfg(feature = "tls")]
            Stream::Tls(s) => s.write_vectored(bufs),
            #[cfg(unix)]
            Stream::Unix(s) => s.write_vectored(bufs),
            #[cfg(any(test, feature = "fuzzing"))]
            Stream::Memory(_) => Ok(bufs.iter().map(|b| b.len()).sum()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.flush(),
            #[cfg(feature = "tls")]
            Stream::Tls(s) => s.flush(),
            #[cfg(unix)]
            Stream::Unix(s) => s.flush(),
            #[cfg(any(test, feature = "fuzzing"))]
            Stream::Memory(_) => Ok(()),
        }
    }
}

/// Writes all of `bufs` (several slices in as few system calls as possible).
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // our own buffers; `n` never exceeds what was offered
pub fn write_all_vectored(w: &mut impl Write, bufs: &[&[u8]]) -> io::Result<()> {
    let mut index = 0; // first slice not fully written
    let mut offset = 0; // bytes of it already written
    loop {
        while index < bufs.len() && bufs[index].len() == offset {
            index += 1;
            offset = 0;
        }
        if index == bufs.len() {
            return Ok(());
        }
        let mut slices: [IoSlice<'_>; 4] = [IoSlice::new(&[]); 4];
        let mut count = 0;
        for (k, b) in bufs[index..].iter().take(4).enumerate() {
            slices[k] = IoSlice::new(if k == 0 { &b[offset..] } else { b });
            count += 1;
        }
        let mut n = match w.write_vectored(&slices[..count]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        while index < bufs.len() && n >= bufs[index].len() - offset {
            n -= bufs[index].len() - offset;
            index += 1;
            offset = 0;
        }
        offset += n;
    }
}

/// What identifies a connection for reuse (cheap to clone: its strings are shared): the origin (RFC 6454: scheme, host, port), and
/// everything else that makes two connections to it different — the proxy in between and the
/// TLS configuration (trust roots, client certificate, verification on or off), so that a
/// connection made with verification off is never handed to a request that verifies.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PoolKey {
    /// `http` or `https`.
    pub scheme: &'static str,
    /// The host, as in the URL (lower-case; IPv6 in brackets).
    pub host: Arc<str>,
    /// The port (explicit or the scheme's default).
    pub port: u16,
    /// The proxy's identity, credentials included, when the connection goes through one.
    pub proxy: Option<Arc<str>>,
    /// The identity of the TLS configuration (0 for plain connections).
    pub tls_id: u64,
}

/// A borrowed [`PoolKey`], to look up the pool without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolKeyRef<'a> {
    /// `http` or `https`.
    pub scheme: &'static str,
    /// The host.
    pub host: &'a str,
    /// The port.
    pub port: u16,
    /// The proxy's identity.
    pub proxy: Option<&'a str>,
    /// The TLS configuration's identity.
    pub tls_id: u64,
}

impl PoolKey {
    /// Does this key equal the borrowed one?
    pub fn matches(&self, other: &PoolKeyRef<'_>) -> bool {
        self.port == other.port
            && self.tls_id == other.tls_id
            && self.scheme == other.scheme
            && *self.host == *other.host
            && self.proxy.as_deref() == other.proxy
    }
}

impl PoolKeyRef<'_> {
    /// An owned copy.
    pub fn owned(self) -> PoolKey {
        PoolKey {
            scheme: self.scheme,
            host: Arc::from(self.host),
            port: self.port,
            proxy: self.proxy.map(Arc::from),
            tls_id: self.tls_id,
        }
    }
}

impl std::fmt::Display for PoolKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that accepts at most `max` bytes per call, recording everything.
    struct Trickle {
        max: usize,
        out: Vec<u8>,
        calls: usize,
    }

    impl Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.write_vectored(&[IoSlice::new(buf)])
        }
        fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
            self.calls += 1;
            let mut n = 0;
            for b in bufs {
                let take = b.len().min(self.max - n);
                self.out.extend_from_slice(&b[..take]);
                n += take;
            }
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn write_all_vectored_survives_partial_writes() {
        let parts: [&[u8]; 5] = [b"head\r\n", b"", b"4\r\n", b"data", b"\r\n"];
        for max in 1..20 {
            let mut w = Trickle {
                max,
                out: Vec::new(),
                calls: 0,
            };
            write_all_vectored(&mut w, &parts).unwrap();
            assert_eq!(w.out, b"head\r\n4\r\ndata\r\n", "max {max}");
        }
        let mut w = Trickle {
            max: 1000,
            out: Vec::new(),
            calls: 0,
        };
        write_all_vectored(&mut w, &parts[..4]).unwrap();
        assert_eq!(w.calls, 1, "one system call when the writer takes everything");
    }

    #[test]
    fn pool_key_matches_borrowed_form() {
        let r = PoolKeyRef {
            scheme: "https",
            host: "a.example",
            port: 443,
            proxy: None,
            tls_id: 7,
        };
        let k = r.owned();
        assert!(k.matches(&r));
        assert!(!k.matches(&PoolKeyRef { tls_id: 8, ..r }));
        assert!(!k.matches(&PoolKeyRef { port: 444, ..r }));
        assert!(!k.matches(&PoolKeyRef { proxy: Some("p"), ..r }));
        assert!(!k.matches(&PoolKeyRef { scheme: "http", ..r }));
    }
}
