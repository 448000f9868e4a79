//! From a host name to an open TCP connection: resolution, address ordering, racing.
//!
//! - **Resolution** uses the system resolver (`getaddrinfo`, through std). It blocks and has no
//!   timeout of its own, so when a deadline applies it runs on a helper thread and the caller
//!   stops waiting when the deadline passes. IP literals skip it, and so do `localhost` and
//!   the names under it (`app.localhost`), which are the loopback addresses `[::1]` and
//!   `127.0.0.1` without asking anyone (RFC 6761 §6.3, as curl does).
//! - **Ordering** (RFC 8305 §4): IPv6 first, then the families alternate, so one broken family
//!   costs one attempt, not all of them.
//! - **Racing** (RFC 8305 §5, simplified): the addresses are tried one after another on the
//!   calling thread as long as each answers within 250 ms — it connects, or refuses at once —
//!   so the common case costs no thread. An address that stays silent hands over to a race: it
//!   starts again alongside the next address, a new one joins every 250 ms (or as soon as one
//!   fails), the first connection wins, and the others are closed as they finish.
//! - **Memory** (RFC 8305 §4 allows it): the agent remembers, per host, the address family that
//!   connected when the first one tried did not, and tries that family first for ten minutes —
//!   a broken IPv6 route costs one slow connection, not one per request.
//! - **Timeouts**: one deadline for connecting as a whole — the connect timeout or the request's
//!   deadline, whichever is sooner — bounds resolving, every attempt, and then the handshakes
//!   on the new connection (proxy, TLS), as curl's `--connect-timeout` does.
//!
//! Errors list every address tried: `connect to localhost:8080: connection refused (tried
//! [::1]:8080, 127.0.0.1:8080)`.

use super::timeouts::Deadline;
use crate::error::{io_phrase, Error, ErrorKind, Result, Step};
use crate::trace::{Event, Tracer};
use std::io;
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long an attempt may go unanswered before the next address is tried alongside it
/// (RFC 8305 §5 recommends 250 ms).
pub const ATTEMPT_DELAY: Duration = Duration::from_millis(250);

/// Which address families to connect with (curl's `-4` and `-6`), set with
/// [`AgentBuilder::ip_version`](crate::AgentBuilder::ip_version).
///
/// ```
/// # let server = h1client::doc_server::DocServer::start(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
/// use h1client::{Agent, ErrorKind, IpVersion};
/// let v6_only = Agent::builder().ip_version(IpVersion::V6).build();
/// let err = v6_only.get(&server.url("/")).call().unwrap_err(); // http://127.0.0.1:…
/// assert_eq!(err.kind(), ErrorKind::Connect); // an IPv4 address cannot be reached over IPv6
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum IpVersion {
    /// IPv6 and IPv4, raced (RFC 8305). The default.
    #[default]
    Any,
    /// IPv4 only.
    V4,
    /// IPv6 only.
    V6,
}

impl IpVersion {
    /// Does this setting allow connecting to `addr`?
    ///
    /// ```
    /// use h1client::IpVersion;
    /// let v4: std::net::SocketAddr = "127.0.0.1:80".parse().unwrap();
    /// let v6: std::net::SocketAddr = "[::1]:80".parse().unwrap();
    /// assert!(IpVersion::V4.allows(&v4) && !IpVersion::V4.allows(&v6));
    /// assert!(IpVersion::Any.allows(&v6));
    /// ```
    pub fn allows(self, addr: &SocketAddr) -> bool {
        match self {
            IpVersion::Any => true,
            IpVersion::V4 => addr.is_ipv4(),
            IpVersion::V6 => addr.is_ipv6(),
        }
    }
}

/// The host part of a connection target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host<'a> {
    /// A name to resolve.
    Name(&'a str),
    /// An address literal.
    Ip(IpAddr),
}

impl std::fmt::Display for Host<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Host::Name(name) => f.write_str(name),
            Host::Ip(ip) => ip.fmt(f),
        }
    }
}

/// Resolves `host:port` to addresses, ordered for connecting (RFC 8305 §4). Runs off-thread
/// when `deadline` is set, so the deadline bounds it.
pub fn resolve(host: Host<'_>, port: u16, deadline: Option<Deadline>, step: Step) -> Result<Vec<SocketAddr>> {
    let name = match host {
        Host::Ip(ip) => return Ok(vec![SocketAddr::new(ip, port)]),
        Host::Name(name) if is_localhost(name) => {
            let loopback = [
                IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
                IpAddr::from(std::net::Ipv4Addr::LOCALHOST),
            ];
            return Ok(loopback.map(|ip| SocketAddr::new(ip, port)).to_vec());
        }
        Host::Name(name) => name,
    };
    let lookup = move |name: &str| -> io::Result<Vec<SocketAddr>> { Ok((name, port).to_socket_addrs()?.collect()) };
    let found = match deadline {
        None => lookup(name),
        Some(deadline) => {
            let (tx, rx) = mpsc::channel();
            let owned = name.to_string();
            std::thread::Builder::new()
                .name("h1client-resolve".into())
                .spawn(move || {
                    let _ = tx.send(lookup(&owned));
                })
                .map_err(|e| Error::io(step, e))?;
            let wait = deadline.remaining().ok_or_else(|| deadline.error(step))?;
            match rx.recv_timeout(wait) {
                Ok(found) => found,
                Err(_) => return Err(deadline.error(step)),
            }
        }
    };
    let addrs = found.map_err(|e| {
        let msg = io_phrase(&e);
        let msg = if msg.contains("failed to lookup") || msg.contains("Name or service") || msg.contains("not known") {
            "no such host".to_string()
        } else {
            msg
        };
        Error::new(ErrorKind::Dns, step, msg).with_source(e)
    })?;
    if addrs.is_empty() {
        return Err(Error::new(ErrorKind::Dns, step, "the name has no addresses"));
    }
    Ok(interleave(addrs))
}

/// Is `name` `localhost` or a name under it (RFC 6761 §6.3), a trailing dot allowed?
pub fn is_localhost(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    let tail = name.len().checked_sub(".localhost".len()).and_then(|at| name.get(at..));
    name.eq_ignore_ascii_case("localhost") || tail.is_some_and(|t| t.eq_ignore_ascii_case(".localhost"))
}

/// IPv6 first, then alternate families, each keeping the resolver's order (RFC 8305 §4).
pub fn interleave(addrs: Vec<SocketAddr>) -> Vec<SocketAddr> {
    let (v6, v4): (Vec<_>, Vec<_>) = addrs.into_iter().partition(SocketAddr::is_ipv6);
    alternate(v6, v4)
}

/// One of `first`, one of `second`, and so on; the rest of the longer one at the end.
fn alternate(first: Vec<SocketAddr>, second: Vec<SocketAddr>) -> Vec<SocketAddr> {
    let mut out = Vec::with_capacity(first.len().saturating_add(second.len()));
    let (mut a, mut b) = (first.into_iter(), second.into_iter());
    loop {
        match (a.next(), b.next()) {
            (None, None) => return out,
            (x, y) => out.extend(x.into_iter().chain(y)),
        }
    }
}

/// How long a host's remembered address family is kept.
const REMEMBER_FOR: Duration = Duration::from_secs(600);

/// Most hosts remembered at once; the oldest is forgotten first.
const REMEMBER_HOSTS: usize = 32;

/// The address family that connected to a host when the first one tried did not (RFC 8305 §4
/// allows remembering it): the next connection tries that family first, so a broken IPv6 route
/// costs one slow connection, not one per request. One per agent.
#[derive(Debug, Default)]
pub struct FamilyMemory {
    hosts: std::sync::Mutex<Vec<Remembered>>,
}

#[derive(Debug)]
struct Remembered {
    host: String,
    ipv4: bool,
    at: Instant,
}

impl FamilyMemory {
    /// Puts the family remembered for `host` first in `addrs`, keeping the alternation.
    pub fn order(&self, host: &str, addrs: Vec<SocketAddr>) -> Vec<SocketAddr> {
        let ipv4_first = self.with_hosts(|hosts| {
            hosts
                .iter()
                .find(|r| r.host.eq_ignore_ascii_case(host) && r.at.elapsed() < REMEMBER_FOR)
                .is_some_and(|r| r.ipv4)
        });
        if !ipv4_first {
            return addrs;
        }
        let (v4, v6): (Vec<_>, Vec<_>) = addrs.into_iter().partition(SocketAddr::is_ipv4);
        alternate(v4, v6)
    }

    /// Learns from a connection to `host` at `winner`, where `first` was tried first: a
    /// different family is remembered from now on; the same one changes nothing, so what is
    /// remembered is still forgotten in time and the preferred family tried again.
    pub fn learn(&self, host: &str, first: SocketAddr, winner: SocketAddr) {
        if first.is_ipv4() == winner.is_ipv4() {
            return;
        }
        self.with_hosts(|hosts| {
            hosts.retain(|r| !r.host.eq_ignore_ascii_case(host) && r.at.elapsed() < REMEMBER_FOR);
            if hosts.len() >= REMEMBER_HOSTS {
                hosts.remove(0);
            }
            hosts.push(Remembered {
                host: host.to_string(),
                ipv4: winner.is_ipv4(),
                at: Instant::now(),
            });
        });
    }

    fn with_hosts<T>(&self, f: impl FnOnce(&mut Vec<Remembered>) -> T) -> T {
        // a panic elsewhere while holding the lock leaves a list that is still valid
        let mut hosts = self.hosts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut hosts)
    }
}

fn attempt(addr: SocketAddr, deadline: Option<Deadline>) -> io::Result<TcpStream> {
    let stream = match deadline {
        None => TcpStream::connect(addr)?,
        Some(d) => {
            // `remaining` is never zero, which `connect_timeout` would refuse
            let left = d.remaining().ok_or(io::ErrorKind::TimedOut)?;
            TcpStream::connect_timeout(&addr, left)?
        }
    };
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Connects to the first address that answers (see the module documentation), every attempt by
/// `deadline` (connecting as a whole: the connect timeout or the request's deadline, whichever
/// is sooner). `step` is [`Step::Connect`] or [`Step::ConnectProxy`]. Returns the connection
/// and the address it went to.
pub fn connect(
    addrs: &[SocketAddr],
    deadline: Option<Deadline>,
    step: Step,
    tracer: &Tracer,
) -> Result<(TcpStream, SocketAddr)> {
    let started = Instant::now();
    let mut failures = Failures::new();
    let won = match in_turn(addrs, deadline, tracer, &mut failures) {
        Turn::Connected(stream, addr) => Some((stream, addr)),
        Turn::Silent(at) => race(addrs.get(at..).unwrap_or_default(), deadline, tracer, &mut failures),
        Turn::AllFailed => None,
    };
    match won {
        Some((stream, addr)) => {
            tracer.emit(|| Event::Connected {
                addr,
                elapsed: started.elapsed(),
            });
            Ok((stream, addr))
        }
        None => {
            // Raced attempts report in the order they end, which two attempts timing out
            // together can swap: the message lists the addresses in the order they were given.
            failures.sort_by_key(|(a, _, _)| addrs.iter().position(|x| x == a));
            Err(connect_error(failures, addrs.len(), step))
        }
    }
}

/// How trying the addresses one by one ended.
enum Turn {
    Connected(TcpStream, SocketAddr),
    /// The address at this index did not answer within the attempt delay: race from it on.
    Silent(usize),
    AllFailed,
}

/// Tries the addresses one after another on this thread, each but the last for at most
/// [`ATTEMPT_DELAY`]: the common case — the first address answers, or refuses at once, as a
/// closed IPv6 loopback does — costs no thread.
fn in_turn(addrs: &[SocketAddr], deadline: Option<Deadline>, tracer: &Tracer, failures: &mut Failures) -> Turn {
    for (i, &addr) in addrs.iter().enumerate() {
        let last = i.saturating_add(1) == addrs.len();
        tracer.emit(|| Event::Connecting { addr });
        let limit = if last {
            deadline
        } else {
            Deadline::earliest(
                deadline,
                Some(Deadline::after(ATTEMPT_DELAY, "connection attempt delay")),
            )
        };
        match attempt(addr, limit) {
            Ok(stream) => return Turn::Connected(stream, addr),
            Err(e)
                if !last && e.kind() == io::ErrorKind::TimedOut && deadline.is_none_or(|d| d.remaining().is_some()) =>
            {
                return Turn::Silent(i)
            }
            Err(e) => failures.push((addr, e, deadline)),
        }
    }
    Turn::AllFailed
}

type Failures = Vec<(SocketAddr, io::Error, Option<Deadline>)>;

fn connect_error(failures: Failures, tried: usize, step: Step) -> Error {
    let list = failures
        .iter()
        .map(|(a, _, _)| a.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let suffix = if tried > 1 {
        format!(" (tried {list})")
    } else {
        String::new()
    };
    let timed_out = failures
        .iter()
        .find_map(|(_, e, d)| (e.kind() == io::ErrorKind::TimedOut).then_some(*d));
    if let Some(deadline) = timed_out {
        let message = match deadline {
            Some(d) => format!("{} of {:?} expired{suffix}", d.what, d.total),
            None => format!("timed out{suffix}"),
        };
        return Error::new(ErrorKind::Timeout, step, message);
    }
    match failures.into_iter().next() {
        Some((_, first, _)) => {
            let message = format!("{}{suffix}", io_phrase(&first));
            Error::new(ErrorKind::Connect, step, message).with_source(first)
        }
        None => Error::new(ErrorKind::Connect, step, "no address to connect to"),
    }
}

/// Staggered parallel attempts (RFC 8305 §5), from an address that stayed silent on: it starts
/// again at once alongside the next one, each further one after [`ATTEMPT_DELAY`] or as soon as an attempt fails; the
/// first connection wins, the others are closed as they finish. An attempt that loses is bounded
/// by the same deadline as the request's connecting, so its thread does not outlive that.
fn race(
    addrs: &[SocketAddr],
    deadline: Option<Deadline>,
    tracer: &Tracer,
    failures: &mut Failures,
) -> Option<(TcpStream, SocketAddr)> {
    let mut race = Race {
        addrs,
        deadline,
        next: 0,
        in_flight: 0,
        results: mpsc::channel(),
    };
    // The silent address has had its attempt delay: it starts again with the next one at once.
    race.start_next(tracer, failures);
    race.start_next(tracer, failures);
    loop {
        if race.in_flight == 0 {
            if race.next == addrs.len() {
                return None;
            }
            race.start_next(tracer, failures);
            continue;
        }
        let wait = if race.next < addrs.len() {
            ATTEMPT_DELAY
        } else {
            Duration::from_secs(3600)
        };
        let wait = match deadline.map(|d| d.remaining()) {
            None => wait,
            Some(Some(left)) => wait.min(left),
            Some(None) => {
                race.all_timed_out(failures);
                return None;
            }
        };
        match race.results.1.recv_timeout(wait) {
            Ok((addr, Ok(stream))) => return Some((stream, addr)),
            Ok((addr, Err(e))) => {
                race.in_flight = race.in_flight.saturating_sub(1);
                failures.push((addr, e, deadline));
                // a failed attempt hands over to the next address at once
                race.start_next(tracer, failures);
            }
            Err(_) => race.start_next(tracer, failures),
        }
    }
}

/// The state of a race: which address starts next, how many attempts are running, and where
/// their results come in.
struct Race<'a> {
    addrs: &'a [SocketAddr],
    deadline: Option<Deadline>,
    next: usize,
    in_flight: usize,
    results: (
        mpsc::Sender<(SocketAddr, io::Result<TcpStream>)>,
        mpsc::Receiver<(SocketAddr, io::Result<TcpStream>)>,
    ),
}

impl Race<'_> {
    /// Starts an attempt on the next address, on a thread of its own.
    fn start_next(&mut self, tracer: &Tracer, failures: &mut Failures) {
        let Some(&addr) = self.addrs.get(self.next) else {
            return;
        };
        self.next = self.next.saturating_add(1);
        tracer.emit(|| Event::Connecting { addr });
        let (tx, deadline) = (self.results.0.clone(), self.deadline);
        let spawned = std::thread::Builder::new()
            .name("h1client-connect".into())
            .spawn(move || {
                // If the race is over, the receiver is gone and the stream is dropped (closed).
                let _ = tx.send((addr, attempt(addr, deadline)));
            });
        match spawned {
            Ok(_) => self.in_flight = self.in_flight.saturating_add(1),
            Err(e) => failures.push((addr, e, deadline)),
        }
    }

    /// The deadline passed: every attempt still in flight ran out of time.
    fn all_timed_out(&self, failures: &mut Failures) {
        for &addr in self.addrs.get(..self.next).unwrap_or_default() {
            if !failures.iter().any(|(a, _, _)| *a == addr) {
                failures.push((addr, io::ErrorKind::TimedOut.into(), self.deadline));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn interleave_puts_ipv6_first_and_alternates() {
        let a: Vec<SocketAddr> = ["1.1.1.1:80", "2.2.2.2:80", "[::1]:80", "3.3.3.3:80", "[::2]:80"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let got: Vec<String> = interleave(a).iter().map(ToString::to_string).collect();
        assert_eq!(got, ["[::1]:80", "1.1.1.1:80", "[::2]:80", "2.2.2.2:80", "3.3.3.3:80"]);
    }

    #[test]
    fn a_family_that_connected_second_goes_first_until_it_fails_or_is_forgotten() {
        let v6: SocketAddr = "[::1]:80".parse().unwrap();
        let v4: SocketAddr = "127.0.0.1:80".parse().unwrap();
        let v4b: SocketAddr = "127.0.0.2:80".parse().unwrap();
        let order = |m: &FamilyMemory, host| m.order(host, vec![v6, v4, v4b]);
        let memory = FamilyMemory::default();
        assert_eq!(
            order(&memory, "a.test"),
            [v6, v4, v4b],
            "nothing remembered: as resolved"
        );
        memory.learn("a.test", v6, v4);
        assert_eq!(order(&memory, "A.test"), [v4, v6, v4b], "IPv4 first, still alternating");
        assert_eq!(order(&memory, "b.test"), [v6, v4, v4b], "only for that host");
        memory.learn("a.test", v4, v4);
        assert_eq!(order(&memory, "a.test"), [v4, v6, v4b], "the same family again: kept");
        memory.learn("a.test", v4, v6);
        assert_eq!(
            order(&memory, "a.test"),
            [v6, v4, v4b],
            "IPv6 connected after IPv4 failed"
        );
        for i in 0..=REMEMBER_HOSTS {
            memory.learn(&format!("h{i}.test"), v6, v4);
        }
        assert_eq!(order(&memory, "h0.test"), [v6, v4, v4b], "the oldest host is forgotten");
        assert_eq!(order(&memory, "h1.test"), [v4, v6, v4b]);
    }

    #[test]
    fn ip_literals_are_not_resolved() {
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        assert_eq!(
            resolve(Host::Ip(ip), 8, None, Step::Resolve).unwrap(),
            ["127.0.0.1:8".parse().unwrap()]
        );
    }

    #[test]
    fn refused_connection_names_the_cause() {
        let closed = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = closed.local_addr().unwrap();
        drop(closed);
        let e = connect(&[addr], None, Step::Connect, &Tracer::none()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Connect);
        assert_eq!(e.to_string(), "connect: connection refused");
    }

    #[test]
    fn race_falls_through_to_the_address_that_listens() {
        let open = TcpListener::bind("127.0.0.1:0").unwrap();
        let closed = TcpListener::bind("127.0.0.1:0").unwrap();
        let dead = closed.local_addr().unwrap();
        drop(closed);
        let addrs = [dead, open.local_addr().unwrap()];
        let started = Instant::now();
        let (s, _) = connect(&addrs, None, Step::Connect, &Tracer::none()).unwrap();
        assert_eq!(s.peer_addr().unwrap(), open.local_addr().unwrap());
        assert!(
            started.elapsed() < ATTEMPT_DELAY,
            "a refused attempt must not wait for the delay"
        );
    }

    #[test]
    fn all_refused_lists_every_address() {
        let listeners = [
            TcpListener::bind("127.0.0.1:0").unwrap(),
            TcpListener::bind("127.0.0.1:0").unwrap(),
        ];
        let addrs: Vec<SocketAddr> = listeners.iter().map(|l| l.local_addr().unwrap()).collect();
        drop(listeners);
        let e = connect(&addrs, None, Step::Connect, &Tracer::none()).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("connection refused (tried "), "{text}");
        for a in &addrs {
            assert!(text.contains(&a.to_string()), "{text}");
        }
    }

    // Moved from tests/connect.rs: they test the racing directly.
    use socket2::{Domain, Socket, Type};
    use std::net::TcpStream;

    /// A listener whose accept queue is full: connection attempts to it hang (SYNs are dropped),
    /// like a host that does not answer, without leaving loopback. `None` where the kernel answers
    /// anyway.
    fn black_hole(addr: &str) -> Option<(Socket, Vec<Socket>, SocketAddr)> {
        let addr: SocketAddr = addr.parse().unwrap();
        let s = Socket::new(Domain::for_address(addr), Type::STREAM, None).ok()?;
        s.bind(&addr.into()).ok()?;
        s.listen(0).ok()?;
        let local = s.local_addr().ok()?.as_socket()?;
        let fillers: Vec<Socket> = (0..8)
            .filter_map(|_| {
                let c = Socket::new(Domain::for_address(local), Type::STREAM, None).ok()?;
                c.set_nonblocking(true).ok()?;
                let _ = c.connect(&local.into());
                Some(c)
            })
            .collect();
        std::thread::sleep(Duration::from_millis(50));
        // check that a new attempt really hangs
        let probe = TcpStream::connect_timeout(&local, Duration::from_millis(300));
        if probe.is_ok() {
            return None;
        }
        Some((s, fillers, local))
    }

    #[test]
    fn a_silent_address_is_raced_after_the_attempt_delay() {
        let Some((_hole, _fillers, silent)) = black_hole("127.0.0.1:0") else {
            eprintln!("skipped: this kernel answers connections to a full accept queue");
            return;
        };
        let good = TcpListener::bind("127.0.0.1:0").unwrap();
        let t0 = Instant::now();
        let (stream, _) = connect(
            &[silent, good.local_addr().unwrap()],
            None,
            Step::Connect,
            &Tracer::none(),
        )
        .unwrap();
        let took = t0.elapsed();
        assert_eq!(stream.peer_addr().unwrap(), good.local_addr().unwrap());
        assert!(
            took >= ATTEMPT_DELAY,
            "the second attempt starts after {ATTEMPT_DELAY:?}, took {took:?}"
        );
        assert!(
            took < ATTEMPT_DELAY * 2,
            "and does not wait for the first to time out, nor a second delay: {took:?}"
        );
    }

    #[test]
    fn connect_timeout_bounds_all_attempts_together_and_lists_addresses() {
        let Some((_hole, _fillers, silent)) = black_hole("127.0.0.1:0") else {
            eprintln!("skipped: this kernel answers connections to a full accept queue");
            return;
        };
        let deadline = Some(Deadline::after(Duration::from_millis(300), "connect timeout"));
        let t0 = Instant::now();
        let err = connect(&[silent], deadline, Step::Connect, &Tracer::none()).unwrap_err();
        assert!(t0.elapsed() < Duration::from_secs(2));
        assert_eq!(err.kind(), ErrorKind::Timeout);
        assert!(err.to_string().contains("connect timeout of 300ms expired"), "{err}");

        let Some((_hole2, _fillers2, silent2)) = black_hole("127.0.0.1:0") else {
            eprintln!("skipped: this kernel answers connections to a full accept queue");
            return;
        };
        let err = connect(
            &[silent, silent2],
            Some(Deadline::after(Duration::from_millis(300), "connect timeout")),
            Step::Connect,
            &Tracer::none(),
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout);
        assert!(
            err.to_string().contains(&format!("(tried {silent}, {silent2})")),
            "{err}"
        );
    }

    #[test]
    fn ipv6_is_tried_first_and_falls_back_to_ipv4() {
        // "localhost" may resolve to ::1 and 127.0.0.1 or only to 127.0.0.1; a server on IPv4 only
        // must be reached quickly either way (a refused ::1 hands over at once).
        let good = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = good.local_addr().unwrap().port();
        let v6 = SocketAddr::from(([0, 0, 0, 0, 0, 0, 0, 1], port));
        let t0 = Instant::now();
        let stream = connect(&[v6, good.local_addr().unwrap()], None, Step::Connect, &Tracer::none());
        assert_eq!(stream.unwrap().1, good.local_addr().unwrap());
        assert!(t0.elapsed() < ATTEMPT_DELAY);
    }

    #[test]
    fn localhost_names_are_both_loopback_addresses_without_a_lookup() {
        // RFC 6761 §6.3: `localhost` and names under it are the loopback addresses, whatever the
        // hosts file says (here it may list 127.0.0.1 only), as in curl.
        let want: Vec<SocketAddr> = vec!["[::1]:8080".parse().unwrap(), "127.0.0.1:8080".parse().unwrap()];
        for name in ["localhost", "LocalHost", "localhost.", "app.localhost", "a.b.localhost"] {
            assert_eq!(
                resolve(Host::Name(name), 8080, None, Step::Resolve).unwrap(),
                want,
                "{name}"
            );
        }
        for name in ["localhost.example", "notlocalhost"] {
            assert!(!is_localhost(name), "{name}");
        }
    }

    #[test]
    fn agent_connect_timeout_and_deadline_stop_a_connect_that_hangs() {
        let Some((_hole, _fillers, silent)) = black_hole("127.0.0.1:0") else {
            eprintln!("skipped: a full accept queue did not leave a connect hanging here");
            return;
        };
        let url = format!("http://{silent}/");
        let t0 = Instant::now();
        let err = crate::Agent::builder()
            .timeout_connect(Duration::from_millis(300))
            .build()
            .get(&url)
            .call()
            .unwrap_err();
        assert!(t0.elapsed() < Duration::from_secs(2));
        assert_eq!((err.kind(), err.step()), (ErrorKind::Timeout, Step::Connect));
        let err = crate::Agent::builder()
            .timeout(Duration::from_millis(300))
            .build()
            .get(&url)
            .call()
            .unwrap_err();
        assert_eq!((err.kind(), err.step()), (ErrorKind::Timeout, Step::Connect));
        assert!(err.to_string().contains("request timeout of 300ms expired"), "{err}");
    }
}
