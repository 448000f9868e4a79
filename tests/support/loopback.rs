//! The one accept loop behind every test server on loopback, and the connection it hands a
//! scripted server.
//!
//! [`Loopback`] owns the listener and an accept thread; each accepted connection gets a log entry
//! (in accept order) and, if the server wants it, a worker thread of its own that records into
//! that entry through its [`Slot`]. Dropped, it stops: the stop flag is set, the accept loop is
//! woken and every worker is joined. A worker that panicked (a server-side check failed) fails
//! the test there, instead of being lost in a thread nobody joins.
//!
//! The scripted servers (`Server` in `mod.rs`, `TlsServer` in `tls.rs`) run their scripts on a
//! [`Conn`], which reads and records what the client sends; `tests/load.rs` runs its own
//! plan-driven connections on a `Loopback<()>`.

use super::{parse_body, parse_request, Req};
use std::any::Any;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// What a panicking thread left behind.
type Panic = Box<dyn Any + Send>;

/// A listener on loopback with its accept thread, and a log entry `L` per accepted connection.
pub struct Loopback<L> {
    pub addr: SocketAddr,
    logs: Arc<Mutex<Vec<L>>>,
    stop: Arc<AtomicBool>,
    /// Returns the first panic of a worker.
    accept: Option<JoinHandle<Option<Panic>>>,
}

/// A worker's hold on its connection's log entry, and on the server's stop flag.
pub struct Slot<L> {
    index: usize,
    logs: Arc<Mutex<Vec<L>>>,
    stop: Arc<AtomicBool>,
}

impl<L: Default + Send + 'static> Loopback<L> {
    /// Accepts on `listener` until dropped. For every connection it adds a log entry, then asks
    /// `worker_for` what to run on it: `Some(work)` runs `work` on a thread of its own, `None`
    /// closes the connection at once.
    pub fn start<W>(listener: TcpListener, mut worker_for: impl FnMut() -> Option<W> + Send + 'static) -> Loopback<L>
    where
        W: FnOnce(TcpStream, Slot<L>) + Send + 'static,
    {
        let addr = listener.local_addr().unwrap();
        let logs = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (lg, st) = (logs.clone(), stop.clone());
        let accept = thread::spawn(move || {
            let mut workers = Vec::new();
            let mut panic = None;
            for stream in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break; // woken by the drop
                }
                let Ok(stream) = stream else { continue };
                let index = {
                    let mut logs = lock(&lg);
                    logs.push(L::default());
                    logs.len() - 1
                };
                match worker_for() {
                    Some(work) => {
                        let slot = Slot {
                            index,
                            logs: lg.clone(),
                            stop: st.clone(),
                        };
                        workers.push(thread::spawn(move || work(stream, slot)));
                    }
                    None => drop(stream),
                }
                join(&mut workers, &mut panic, JoinHandle::is_finished);
            }
            join(&mut workers, &mut panic, |_| true);
            panic
        });
        Loopback {
            addr,
            logs,
            stop,
            accept: Some(accept),
        }
    }
}

impl<L> Loopback<L> {
    /// The log entries, one per accepted connection in accept order.
    pub fn logs(&self) -> MutexGuard<'_, Vec<L>> {
        lock(&self.logs)
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.logs().len()
    }
}

impl<L> Drop for Loopback<L> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        let Some(accept) = self.accept.take() else { return };
        let panic = accept.join().unwrap_or_else(Some);
        if let Some(panic) = panic {
            if !thread::panicking() {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                panic!("a connection of the test server on {} failed: {message}", self.addr);
            }
        }
    }
}

/// Joins the workers `done` says are done, keeping the first panic.
fn join(workers: &mut Vec<JoinHandle<()>>, panic: &mut Option<Panic>, done: fn(&JoinHandle<()>) -> bool) {
    let mut i = 0;
    while i < workers.len() {
        if done(&workers[i]) {
            if let Err(p) = workers.swap_remove(i).join() {
                panic.get_or_insert(p);
            }
        } else {
            i += 1;
        }
    }
}

/// The logs even after a worker panicked holding them (its panic is what the test reports).
fn lock<L>(logs: &Mutex<Vec<L>>) -> MutexGuard<'_, Vec<L>> {
    logs.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<L> Slot<L> {
    /// The connection's place in accept order.
    pub fn index(&self) -> usize {
        self.index
    }

    /// Changes the connection's log entry.
    pub fn record<R>(&self, f: impl FnOnce(&mut L) -> R) -> R {
        f(&mut lock(&self.logs)[self.index])
    }

    /// Is the server stopping?
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Waits `d`, or less when the server stops.
    pub fn sleep(&self, d: Duration) {
        let end = Instant::now() + d;
        while !self.stopped() {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            thread::sleep(left.min(Duration::from_millis(10)));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// the scripted connection

/// A connection's byte stream: TCP itself, or TLS over it.
pub trait Wire: Read + Write {
    /// The socket underneath.
    fn tcp(&self) -> &TcpStream;
    /// How a clean end of what the client sends is logged.
    fn eof_name(&self) -> &'static str {
        "eof"
    }
}

impl Wire for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

/// What a scripted server logs of every connection.
pub trait Recorded: Default + Send + 'static {
    /// The bytes received (decrypted, over TLS).
    fn raw(&mut self) -> &mut Vec<u8>;
    /// The requests parsed from them.
    fn requests(&mut self) -> &mut Vec<Req>;
    /// How the client's side ended: `eof`, `close_notify` or a read error.
    fn ended(&mut self, _how: String) {}
}

/// One connection of a scripted server: reads (recording every byte and every request it
/// parses) and writes.
pub struct Conn<S, L> {
    pub io: S,
    /// Received, not yet parsed.
    buf: Vec<u8>,
    pub slot: Slot<L>,
}

/// How long a read for a request waits.
const REQUEST_WAIT: Duration = Duration::from_secs(10);

impl<S: Wire, L: Recorded> Conn<S, L> {
    pub fn new(io: S, slot: Slot<L>) -> Self {
        Conn {
            io,
            buf: Vec::new(),
            slot,
        }
    }

    /// Reads more bytes (recording them); false at the end of the stream, on an error, when the
    /// deadline passes or when the server stops.
    pub fn more(&mut self, deadline: Instant) -> bool {
        let mut chunk = [0u8; 65536];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || self.slot.stopped() {
                return false;
            }
            let wait = left.min(Duration::from_millis(50));
            let _ = self.io.tcp().set_read_timeout(Some(wait));
            match self.io.read(&mut chunk) {
                Ok(0) => {
                    let how = self.io.eof_name().to_string();
                    self.slot.record(|log| log.ended(how));
                    return false;
                }
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    self.slot.record(|log| log.raw().extend_from_slice(&chunk[..n]));
                    return true;
                }
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => continue,
                Err(e) => {
                    self.slot.record(|log| log.ended(e.to_string()));
                    return false;
                }
            }
        }
    }

    /// Reads one request (only its head with `head_only`) and logs it; false if none came.
    pub fn read_request(&mut self, head_only: bool) -> bool {
        let deadline = Instant::now() + REQUEST_WAIT;
        loop {
            if let Some((mut req, used)) = parse_request(&self.buf, head_only) {
                self.buf.drain(..used);
                req.conn = self.slot.index();
                req.head_at = Some(Instant::now());
                if !head_only {
                    req.body_at = req.head_at;
                }
                self.slot.record(|log| log.requests().push(req));
                return true;
            }
            if !self.more(deadline) {
                return false;
            }
        }
    }

    /// Reads the body of the last request, whose head `read_request(true)` read, by its
    /// framing, and adds it to that request.
    pub fn read_body(&mut self) -> bool {
        let deadline = Instant::now() + REQUEST_WAIT;
        let Some(mut req) = self.slot.record(|log| log.requests().last().cloned()) else {
            return false;
        };
        loop {
            if let Some((body, used)) = parse_body(&req, &self.buf) {
                req.body_raw = self.buf[..used].to_vec();
                req.body = body;
                req.body_at = Some(Instant::now());
                self.buf.drain(..used);
                self.slot.record(|log| *log.requests().last_mut().unwrap() = req);
                return true;
            }
            if !self.more(deadline) {
                return false;
            }
        }
    }

    /// Sends the bytes (encrypted, over TLS, as one write); false if the client is gone.
    pub fn send(&mut self, b: &[u8]) -> bool {
        self.io.write_all(b).and_then(|()| self.io.flush()).is_ok()
    }

    /// Writes these bytes to the socket one at a time with a pause after each; false if the
    /// client is gone or the server stops.
    pub fn trickle_raw(&mut self, bytes: &[u8], pause: Duration) -> bool {
        let mut tcp = self.io.tcp();
        for byte in bytes {
            if self.slot.stopped() || tcp.write_all(&[*byte]).is_err() {
                return false;
            }
            thread::sleep(pause);
        }
        true
    }

    /// Reads and records until the client closes, `d` passes or the server stops.
    pub fn drain(&mut self, d: Duration) {
        let deadline = Instant::now() + d;
        while self.more(deadline) {}
    }

    /// Sends FIN, then reads what the client still sends for a moment (so that unread data does
    /// not turn the close into a reset).
    pub fn shutdown(&mut self) {
        let _ = self.io.tcp().shutdown(Shutdown::Write);
        self.drain(Duration::from_secs(2));
    }
}

/// The scripts of a server, and how it hands them out.
pub enum Scripts<A> {
    /// One script per connection, in accept order; connections beyond them are closed at once.
    PerConnection(std::vec::IntoIter<Vec<A>>),
    /// Every connection loops "read a request, run the next script", the scripts taken in
    /// global request order.
    PerRequest(Arc<Mutex<std::vec::IntoIter<Vec<A>>>>),
}

/// What one connection runs.
pub enum ConnScript<A> {
    /// This script, then reading until the client leaves.
    Whole(Vec<A>),
    /// A script per request, from the server's shared ones.
    Responses(Arc<Mutex<std::vec::IntoIter<Vec<A>>>>),
}

impl<A> Scripts<A> {
    pub fn per_connection(scripts: Vec<Vec<A>>) -> Self {
        Scripts::PerConnection(scripts.into_iter())
    }

    pub fn per_request(scripts: Vec<Vec<A>>) -> Self {
        Scripts::PerRequest(Arc::new(Mutex::new(scripts.into_iter())))
    }

    /// What the next connection runs; `None`: it is closed at once.
    pub fn next_connection(&mut self) -> Option<ConnScript<A>> {
        match self {
            Scripts::PerConnection(scripts) => scripts.next().map(ConnScript::Whole),
            Scripts::PerRequest(scripts) => Some(ConnScript::Responses(scripts.clone())),
        }
    }
}

impl<A> ConnScript<A> {
    /// Runs the script on `c`: `run` runs a list of steps and says whether the connection is
    /// still open; `out_of_scripts` ends a connection that has a request and no script left.
    pub fn serve<S: Wire, L: Recorded>(
        self,
        c: &mut Conn<S, L>,
        run: impl Fn(&mut Conn<S, L>, Vec<A>) -> bool,
        out_of_scripts: impl FnOnce(&mut Conn<S, L>),
    ) {
        match self {
            ConnScript::Whole(script) => {
                if run(c, script) {
                    c.drain(Duration::from_secs(30));
                }
            }
            ConnScript::Responses(scripts) => loop {
                if !c.read_request(false) {
                    return;
                }
                let next = scripts.lock().unwrap().next();
                let Some(script) = next else {
                    out_of_scripts(c);
                    return;
                };
                if !run(c, script) {
                    return;
                }
            },
        }
    }
}
