//! Time limits on blocking socket calls — one mechanism for every read and write of the crate:
//! the request's, the TLS handshake's and a proxy handshake's.
//!
//! A socket timeout (`SO_RCVTIMEO`, `SO_SNDTIMEO`) limits one system call, and a call that makes
//! any progress starts the next with a fresh timeout: a peer that reads or writes a byte at a
//! time would stretch a transfer far past its deadline if the timeout were set once. So an
//! [`Armer`] sets the socket's timeout before *each* call to the call's limit — the per-read or
//! per-write timeout, or the time left before the [`Deadline`] when that is shorter — and
//! remembers what the socket is set to ([`SocketState`]), so that a limit that does not change
//! costs no system call. Over TLS one read of plain text may take many socket reads (a record
//! must be whole before it yields anything), so the arming happens below the TLS layer.

use crate::error::{Error, ErrorKind, Step};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A point in time by which something must be done, and the duration it was set from (for
/// error messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// When it expires.
    pub at: Instant,
    /// The configured duration, for messages.
    pub total: Duration,
    /// What it limits, for messages: "request timeout", "connect timeout", …
    pub what: &'static str,
}

impl Deadline {
    /// A deadline `total` from now.
    pub fn after(total: Duration, what: &'static str) -> Deadline {
        Deadline {
            at: far(Instant::now(), total),
            total,
            what,
        }
    }

    /// Time left, or `None` when it has passed.
    pub fn remaining(&self) -> Option<Duration> {
        self.at.checked_duration_since(Instant::now()).filter(|d| !d.is_zero())
    }

    /// The error for having passed it.
    pub fn error(&self, step: Step) -> Error {
        Error::new(
            ErrorKind::Timeout,
            step,
            format!("{} of {:?} expired", self.what, self.total),
        )
    }

    /// The earlier of two optional deadlines.
    pub fn earliest(a: Option<Deadline>, b: Option<Deadline>) -> Option<Deadline> {
        match (a, b) {
            (Some(a), Some(b)) => Some(if a.at <= b.at { a } else { b }),
            (a, b) => a.or(b),
        }
    }
}

/// The timeout for one blocking call on a socket: `per_call`, or the time left before
/// `deadline` when that is shorter. No time at all — a passed deadline, or a per-call limit of
/// zero — is `TimedOut` at once: a socket cannot wait for no time (std refuses a zero timeout).
pub fn call_limit(per_call: Option<Duration>, deadline: Option<Deadline>) -> io::Result<Option<Duration>> {
    if per_call.is_some_and(|p| p.is_zero()) {
        return Err(io::ErrorKind::TimedOut.into());
    }
    match deadline {
        None => Ok(per_call),
        Some(d) => {
            let left = d.remaining().ok_or(io::ErrorKind::TimedOut)?;
            Ok(Some(per_call.map_or(left, |p| p.min(left))))
        }
    }
}

/// `now + d`, or a year from now if `d` is too large to add (a "forever" deadline).
fn far(now: Instant, d: Duration) -> Instant {
    now.checked_add(d)
        .or_else(|| now.checked_add(Duration::from_secs(365 * 86_400)))
        .unwrap_or(now)
}

/// The time limits of one request's blocking calls: per read, per write, and a deadline for
/// all of them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timeouts {
    /// Each read may wait this long.
    pub read: Option<Duration>,
    /// Each write may wait this long.
    pub write: Option<Duration>,
    /// Everything must be done by then.
    pub deadline: Option<Deadline>,
}

impl Timeouts {
    /// The error for a blocking call that timed out (`per_call`: the limit of that kind of
    /// call, `what` its name in messages): the deadline's when it passed, else the call's.
    pub fn timeout_error(&self, per_call: Option<Duration>, what: &str, step: Step) -> Error {
        if let Some(d) = self.deadline {
            if d.remaining().is_none() {
                return d.error(step);
            }
        }
        match per_call {
            Some(t) => Error::new(ErrorKind::Timeout, step, format!("{what} timeout of {t:?} expired")),
            None => Error::new(ErrorKind::Timeout, step, "timed out"),
        }
    }
}

/// What a socket's timeouts are set to, as far as this process knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SocketState {
    read: Option<Duration>,
    write: Option<Duration>,
}

impl SocketState {
    /// A new socket's: no timeouts.
    pub fn fresh() -> SocketState {
        SocketState {
            read: None,
            write: None,
        }
    }
}

/// A socket whose timeouts can be set (TCP or unix).
pub trait SocketTimeouts {
    /// Sets the timeout of the next blocking reads (`None`: wait forever).
    fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()>;
    /// Sets the timeout of the next blocking writes (`None`: wait forever).
    fn set_write_timeout(&self, t: Option<Duration>) -> io::Result<()>;
}

impl SocketTimeouts for TcpStream {
    fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        TcpStream::set_read_timeout(self, t)
    }
    fn set_write_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        TcpStream::set_write_timeout(self, t)
    }
}

#[cfg(unix)]
impl SocketTimeouts for std::os::unix::net::UnixStream {
    fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        std::os::unix::net::UnixStream::set_read_timeout(self, t)
    }
    fn set_write_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        std::os::unix::net::UnixStream::set_write_timeout(self, t)
    }
}

/// Arms each system call with its limit (see the module documentation): hand one to
/// [`Stream::read_armed`](super::Stream::read_armed) and its kin, or wrap a bare TCP stream in
/// an [`ArmedTcp`].
pub struct Armer<'a> {
    timeouts: &'a Timeouts,
    state: &'a mut SocketState,
}

impl<'a> Armer<'a> {
    /// An armer applying `timeouts` to a socket whose timeouts are `state`.
    pub fn new(timeouts: &'a Timeouts, state: &'a mut SocketState) -> Armer<'a> {
        Armer { timeouts, state }
    }

    /// Sets `sock`'s read timeout for the next read; `TimedOut` when no time is left (which
    /// [`Timeouts::timeout_error`] names).
    pub fn before_read(&mut self, sock: &dyn SocketTimeouts) -> io::Result<()> {
        let want = call_limit(self.timeouts.read, self.timeouts.deadline)?;
        if !close_enough(self.state.read, want) {
            sock.set_read_timeout(want)?;
            self.state.read = want;
        }
        Ok(())
    }

    /// Sets `sock`'s write timeout for the next write, as [`before_read`](Self::before_read).
    pub fn before_write(&mut self, sock: &dyn SocketTimeouts) -> io::Result<()> {
        let want = call_limit(self.timeouts.write, self.timeouts.deadline)?;
        if !close_enough(self.state.write, want) {
            sock.set_write_timeout(want)?;
            self.state.write = want;
        }
        Ok(())
    }
}

/// How much longer than wanted a socket's timeout may stay set, to spare a system call: a
/// deadline's time left shrinks between any two calls, and setting the socket before each of
/// them (eight times for a TLS handshake) costs more than the deadline's precision is worth.
const SLACK: Duration = Duration::from_millis(10);

/// Can a socket whose timeout is `set` make a call that may wait `want`? Never shorter (the
/// call would time out early), at most [`SLACK`] longer (a deadline is kept to within it).
fn close_enough(set: Option<Duration>, want: Option<Duration>) -> bool {
    match (set, want) {
        (Some(set), Some(want)) => set >= want && set.saturating_sub(want) <= SLACK,
        (set, want) => set == want,
    }
}

/// A bare TCP stream whose every read and write is armed: for the proxy handshakes (SOCKS5),
/// byte exchanges of their own before the connection is a [`Stream`](super::Stream).
pub struct ArmedTcp<'a> {
    tcp: &'a TcpStream,
    armer: Armer<'a>,
}

impl<'a> ArmedTcp<'a> {
    /// `tcp`, armed by `armer`.
    pub fn new(tcp: &'a TcpStream, armer: Armer<'a>) -> ArmedTcp<'a> {
        ArmedTcp { tcp, armer }
    }
}

impl Read for ArmedTcp<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.armer.before_read(self.tcp)?;
        (&*self.tcp).read(buf)
    }
}

impl Write for ArmedTcp<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.armer.before_write(self.tcp)?;
        (&*self.tcp).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rustfmt::skip]
    #[test]
    fn a_timeout_is_set_again_only_when_it_would_be_wrong() {
        let ms = |n| Some(Duration::from_millis(n));
        // (set on the socket, wanted for the next call) -> can stay
        let cases = [
            (None,       None,        true),
            (None,       ms(100),     false), // no timeout where one is wanted
            (ms(100),    None,        false), // a timeout where none is wanted
            (ms(100),    ms(100),     true),
            (ms(100),    ms(95),      true),  // 5 ms longer than the time left: within the slack
            (ms(100),    ms(89),      false), // 11 ms longer: set again
            (ms(100),    ms(101),     false), // shorter than wanted: the call would time out early
        ];
        for (set, want, stays) in cases {
            assert_eq!(close_enough(set, want), stays, "{set:?} for {want:?}");
        }
    }
}
