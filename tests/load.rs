//! Load: synchronous programs share one `Agent` between threads. One agent, 32 threads, 500
//! requests each, against two loopback origins whose server (written here: a thread per
//! connection) now and then answers slowly, closes a connection once it is idle, closes it or
//! resets it instead of answering, with every framing. What must hold:
//!
//! - every response is the right one (its body names the request) or a typed error, and each
//!   error is one the server caused on a connection that could not be retried;
//! - no connection carries two requests at once: the server counts any byte of a next request
//!   that arrives before its response was fully sent (HTTP/1.1 without pipelining);
//! - the idle pool stays within `max_idle` (sampled all along) and `max_idle_per_host`;
//! - nothing deadlocks (a watchdog bounds the whole run) and no file descriptor leaks.
//!
//! The counts are printed (`cargo test --test load -- --nocapture`).

mod support;

use h1client::{Agent, ErrorKind, Event, Step};
use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};
use support::{Loopback, Slot};

const THREADS: usize = 32;
const REQUESTS: usize = 500;
const MAX_IDLE_PER_HOST: usize = 4;
/// Below twice the per-host limit, so that with two origins the total limit is the one that
/// binds.
const MAX_IDLE: usize = 6;
/// The whole test, or it is taken to be deadlocked.
const WATCHDOG: Duration = Duration::from_secs(120);

// `Agent` is shared between threads: checked when this file compiles.
const _: () = {
    const fn shared<T: Send + Sync + 'static>() {}
    shared::<Agent>();
    shared::<h1client::Error>();
};

/// splitmix64: the server's and the clients' deterministic dice.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn dice(s: &str, salt: u64) -> u64 {
    // FNV-1a, then mixed
    let h = s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    mix(h ^ salt)
}

/// What the server does with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Behaviour {
    /// Answers at once.
    Answer,
    /// Answers after a few milliseconds.
    Slow,
    /// Answers (keeping the connection by the headers), then closes the connection once it has
    /// been idle a moment: the client may have pooled it, and may be sending on it already.
    AnswerThenCloseIdle,
    /// Answers with `Connection: close`, and closes.
    AnswerAndClose,
    /// Closes without answering (FIN).
    CloseInstead,
    /// Resets the connection without answering (RST).
    ResetInstead,
}

impl Behaviour {
    /// Does it leave the request without an answer?
    fn fails(self) -> bool {
        matches!(self, Behaviour::CloseInstead | Behaviour::ResetInstead)
    }
}

/// How the answer's body is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    Length,
    Chunked,
    UntilClose,
}

/// The plan for the `attempt`-th time (from 0) the server sees the request for `path`. A request
/// the client sends again gets an answer: only first attempts fail.
fn plan(path: &str, attempt: usize) -> (Behaviour, Framing, Duration) {
    if !path.starts_with("/t") {
        // the warm-up and the requests that check the pool afterwards
        return (Behaviour::Answer, Framing::Length, Duration::ZERO);
    }
    let d = dice(path, attempt as u64);
    let behaviour = match (attempt, d % 100) {
        (_, 0..=69) => Behaviour::Answer,
        (_, 70..=79) => Behaviour::Slow,
        (_, 80..=87) => Behaviour::AnswerThenCloseIdle,
        (_, 88..=90) => Behaviour::AnswerAndClose,
        (0, 91..=95) => Behaviour::ResetInstead,
        (0, _) => Behaviour::CloseInstead,
        (_, _) => Behaviour::Answer,
    };
    let framing = match (d >> 8) % 10 {
        0..=5 => Framing::Length,
        6..=8 => Framing::Chunked,
        _ => Framing::UntilClose,
    };
    let delay = Duration::from_micros((d >> 16) % 8000);
    (behaviour, framing, delay)
}

/// What the servers saw.
#[derive(Default)]
struct Stats {
    connections: AtomicUsize,
    requests: AtomicUsize,
    /// Bytes of a request that arrived before the answer to the previous one was complete.
    overlaps: AtomicUsize,
    /// Per path, each time it came: what the server did, and whether the connection was new
    /// (its first request).
    seen: Mutex<HashMap<String, Vec<(Behaviour, bool)>>>,
    behaviours: Mutex<BTreeMap<Behaviour, usize>>,
}

/// One loopback origin: a thread per connection (on the scripted servers' accept loop, with
/// nothing logged per connection: the shared [`Stats`] say what happened).
struct LoadServer {
    addr: SocketAddr,
    _accepting: Loopback<()>,
}

impl LoadServer {
    fn start(stats: Arc<Stats>) -> LoadServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let accepting = Loopback::start(listener, move || {
            stats.connections.fetch_add(1, Ordering::SeqCst);
            let stats = stats.clone();
            Some(move |stream, slot: Slot<()>| serve(stream, &stats, &slot))
        });
        LoadServer {
            addr: accepting.addr,
            _accepting: accepting,
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Has the peer sent bytes not read yet? (Without blocking; a close alone does not count.)
fn pending(s: &TcpStream) -> bool {
    let mut b = [0u8; 1];
    s.set_nonblocking(true).unwrap();
    let r = s.peek(&mut b);
    s.set_nonblocking(false).unwrap();
    matches!(r, Ok(n) if n > 0)
}

/// Reads what the client still sends until it closes (briefly), so that a close is a FIN.
fn linger(s: &mut TcpStream) {
    let _ = s.shutdown(Shutdown::Write);
    let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
    let mut sink = [0u8; 4096];
    while matches!(s.read(&mut sink), Ok(n) if n > 0) {}
}

fn answer(body: &str, framing: Framing, close: bool) -> Vec<u8> {
    let mut out = b"HTTP/1.1 200 OK\r\n".to_vec();
    if close {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    match framing {
        Framing::Length => {
            out.extend_from_slice(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
        }
        Framing::Chunked => {
            out.extend_from_slice(b"Transfer-Encoding: chunked\r\n\r\n");
            for piece in body.as_bytes().chunks(7) {
                out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
                out.extend_from_slice(piece);
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(b"0\r\n\r\n");
        }
        Framing::UntilClose => out.extend_from_slice(format!("\r\n{body}").as_bytes()),
    }
    out
}

fn serve(mut s: TcpStream, stats: &Stats, slot: &Slot<()>) {
    s.set_nodelay(true).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16384];
    for served in 0.. {
        let req = loop {
            if let Some((req, used)) = support::parse_request(&buf, false) {
                buf.drain(..used);
                break req;
            }
            if slot.stopped() {
                return;
            }
            match s.read(&mut chunk) {
                Ok(0) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(_) => return,
            }
        };
        stats.requests.fetch_add(1, Ordering::SeqCst);
        if !buf.is_empty() {
            // the next request came with this one, before any answer: pipelined
            stats.overlaps.fetch_add(1, Ordering::SeqCst);
        }
        let (behaviour, framing, delay) = {
            let mut seen = stats.seen.lock().unwrap();
            let attempts = seen.entry(req.target.clone()).or_default();
            let planned = plan(&req.target, attempts.len());
            attempts.push((planned.0, served == 0));
            planned
        };
        *stats.behaviours.lock().unwrap().entry(behaviour).or_default() += 1;
        match behaviour {
            Behaviour::ResetInstead => {
                let _ = socket2::SockRef::from(&s).set_linger(Some(Duration::ZERO));
                return;
            }
            Behaviour::CloseInstead => {
                linger(&mut s);
                return;
            }
            Behaviour::Slow => thread::sleep(delay),
            _ => {}
        }
        let body = format!("{} {} {}", req.method, req.target, String::from_utf8_lossy(&req.body));
        let close = behaviour == Behaviour::AnswerAndClose;
        let bytes = answer(&body, framing, close);
        // All but the last byte, then a look: a client that does not pipeline cannot have sent
        // anything yet, since it cannot have the whole answer.
        let (most, last) = bytes.split_at(bytes.len() - 1);
        if s.write_all(most).is_err() {
            return;
        }
        if pending(&s) {
            stats.overlaps.fetch_add(1, Ordering::SeqCst);
        }
        if s.write_all(last).is_err() {
            return;
        }
        if close || framing == Framing::UntilClose {
            linger(&mut s);
            return;
        }
        if behaviour == Behaviour::AnswerThenCloseIdle {
            thread::sleep(delay / 4);
            return; // dropped: FIN, or RST if a request came in the meantime
        }
    }
}

/// Open file descriptors of this process.
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// One client thread's results.
#[derive(Default)]
struct Outcome {
    ok: usize,
    wrong: Vec<String>,
    /// (path, method, kind, step, message)
    errors: Vec<(String, &'static str, ErrorKind, Step, String)>,
}

/// The method client thread `t` uses for its `i`-th request.
fn method_of(t: usize, i: usize) -> &'static str {
    match mix((t * REQUESTS + i) as u64) % 10 {
        0 => "POST",
        1 => "PUT",
        _ => "GET",
    }
}

/// The method of the request for `/t{t}/r{i}`.
fn method_of_path(path: &str) -> &'static str {
    let mut numbers = path.trim_start_matches("/t").split("/r").map(|n| n.parse::<usize>());
    match (numbers.next(), numbers.next()) {
        (Some(Ok(t)), Some(Ok(i))) => method_of(t, i),
        _ => "",
    }
}

fn client(agent: &Agent, origins: &[String; 2], t: usize, stats: &Stats) -> Outcome {
    let mut out = Outcome::default();
    for i in 0..REQUESTS {
        if stats.overlaps.load(Ordering::SeqCst) > 0 {
            // a connection was shared: fail now (below), not after every request timed out
            break;
        }
        let method = method_of(t, i);
        let path = format!("/t{t}/r{i}");
        let url = format!("{}{path}", origins[(t + i) % 2]);
        let body = if method == "GET" {
            String::new()
        } else {
            format!("body of {t}.{i}")
        };
        let result = match method {
            "GET" => agent.get(&url).call(),
            m => agent.request(m, &url).send(&body),
        };
        match result.and_then(|r| Ok((r.status(), r.text()?))) {
            Ok((200, text)) if text == format!("{method} {path} {body}") => out.ok += 1,
            Ok((status, text)) => out.wrong.push(format!("{method} {path}: {status} {text:?}")),
            Err(e) => out.errors.push((path, method, e.kind(), e.step(), e.to_string())),
        }
    }
    out
}

#[test]
fn one_agent_many_threads_against_a_flaky_server() {
    // Lazily made process-wide resources (thread-local buffers and the like) are made by a
    // first round, before the descriptors are counted.
    {
        let stats = Arc::new(Stats::default());
        let server = LoadServer::start(stats);
        let agent = Agent::builder().timeout_read(Duration::from_secs(5)).build();
        let _ = agent
            .get(format!("{}/warm-up", server.url()))
            .call()
            .and_then(|r| r.text());
    }
    let fds_before = open_fds();

    let (done_tx, done_rx) = mpsc::channel();
    let run = thread::spawn(move || {
        run_load();
        done_tx.send(()).unwrap();
    });
    match done_rx.recv_timeout(WATCHDOG) {
        // done, or failed (then the join below reports why)
        Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => {}
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("the load did not finish within {WATCHDOG:?}: a deadlock or a hang")
        }
    }
    run.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));

    let fds_after = open_fds();
    println!("file descriptors: {fds_before} before, {fds_after} after");
    assert!(
        fds_after <= fds_before,
        "file descriptors leaked: {fds_before} before, {fds_after} after"
    );
}

/// Runs the load, prints what happened, and checks it. Servers and agent are gone when it
/// returns.
fn run_load() {
    let stats = Arc::new(Stats::default());
    let servers = [LoadServer::start(stats.clone()), LoadServer::start(stats.clone())];
    let origins = [servers[0].url(), servers[1].url()];
    let retries = Arc::new(AtomicUsize::new(0));
    let connects = Arc::new(AtomicUsize::new(0));
    let reuses = Arc::new(AtomicUsize::new(0));
    let stale = Arc::new(AtomicUsize::new(0));
    let (r, c, u, st) = (retries.clone(), connects.clone(), reuses.clone(), stale.clone());
    let agent = Agent::builder()
        .max_idle_per_host(MAX_IDLE_PER_HOST)
        .max_idle(MAX_IDLE)
        .timeout_read(Duration::from_secs(3))
        .timeout(Duration::from_secs(10))
        .trace(move |e| match e {
            Event::Retry { .. } => {
                r.fetch_add(1, Ordering::Relaxed);
            }
            Event::Connected { .. } => {
                c.fetch_add(1, Ordering::Relaxed);
            }
            Event::Reused { .. } => {
                u.fetch_add(1, Ordering::Relaxed);
            }
            Event::Closed { reason } if reason.contains("idle connection") => {
                st.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        })
        .build();

    // the pool's size, sampled all along
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (agent, sampling) = (agent.clone(), sampling.clone());
        thread::spawn(move || {
            let (mut max, mut samples) = (0, 0);
            while sampling.load(Ordering::Relaxed) {
                max = max.max(agent.idle_connections());
                samples += 1;
                thread::sleep(Duration::from_micros(500));
            }
            (max, samples)
        })
    };

    let started = Instant::now();
    let clients: Vec<_> = (0..THREADS)
        .map(|t| {
            let (agent, origins, stats) = (agent.clone(), origins.clone(), stats.clone());
            thread::spawn(move || client(&agent, &origins, t, &stats))
        })
        .collect();
    let outcomes: Vec<Outcome> = clients.into_iter().map(|h| h.join().unwrap()).collect();
    let took = started.elapsed();
    sampling.store(false, Ordering::Relaxed);
    let (max_idle_seen, samples) = sampler.join().unwrap();
    let idle_after = agent.idle_connections();

    // The per-host limit, alone: 8 answers held at once on one origin, then all read to the end.
    agent.close_idle_connections();
    let held: Vec<_> = (0..8)
        .map(|i| agent.get(format!("{}/held/{i}", origins[0])).call().unwrap())
        .collect();
    for r in held {
        r.text().unwrap();
    }
    let idle_one_host = agent.idle_connections();

    let ok: usize = outcomes.iter().map(|o| o.ok).sum();
    let wrong: Vec<&String> = outcomes.iter().flat_map(|o| &o.wrong).collect();
    let errors: Vec<_> = outcomes.iter().flat_map(|o| &o.errors).collect();
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for (_, method, kind, step, message) in &errors {
        let what = message.rsplit(": ").next().unwrap_or("");
        *by_kind
            .entry(format!("{method} {kind:?} {step:?}: {what}"))
            .or_default() += 1;
    }
    let seen = stats.seen.lock().unwrap().clone();
    let behaviours = stats.behaviours.lock().unwrap().clone();
    // idempotent requests that failed, by where their last attempt was: on a new connection
    // (not retried, by design) or a reused one (should have been retried)
    let (mut idempotent_new, mut idempotent_reused) = (0, 0);
    for (path, method, ..) in &errors {
        if *method != "POST" {
            match seen.get(path).and_then(|a| a.last()) {
                Some((_, true)) => idempotent_new += 1,
                _ => idempotent_reused += 1,
            }
        }
    }
    let report = format!(
        "{} requests from {THREADS} threads in {took:.2?}: {ok} answered correctly, {} wrong, {} errors\n\
         errors by kind: {by_kind:#?}\n\
         GET and PUT errors: {idempotent_new} on a new connection, {idempotent_reused} on a reused one\n\
         retries on a fresh connection: {}; idle connections found closed before use: {}\n\
         connections: {} opened by the client, {} accepted by the servers, {} reuses; requests seen: {}\n\
         server behaviours: {behaviours:?}\n\
         overlapping requests on one connection: {}\n\
         idle connections: at most {max_idle_seen} in {samples} samples (limit {MAX_IDLE}), {idle_after} after; \
         {idle_one_host} on one host (limit {MAX_IDLE_PER_HOST})",
        ok + wrong.len() + errors.len(),
        wrong.len(),
        errors.len(),
        retries.load(Ordering::Relaxed),
        stale.load(Ordering::Relaxed),
        connects.load(Ordering::Relaxed),
        stats.connections.load(Ordering::SeqCst),
        reuses.load(Ordering::Relaxed),
        stats.requests.load(Ordering::SeqCst),
        stats.overlaps.load(Ordering::SeqCst),
    );
    println!("{report}");

    assert_eq!(
        stats.overlaps.load(Ordering::SeqCst),
        0,
        "a connection carried two requests at once"
    );
    assert!(wrong.is_empty(), "wrong answers: {wrong:#?}");
    assert!(
        max_idle_seen <= MAX_IDLE,
        "{max_idle_seen} idle connections (limit {MAX_IDLE})"
    );
    assert!(idle_after <= MAX_IDLE);
    assert_eq!(idle_one_host, MAX_IDLE_PER_HOST, "the per-host limit");
    assert_eq!(ok + errors.len(), THREADS * REQUESTS);
    // A POST is never sent again: the server sees each at most once.
    let posts_twice: Vec<_> = seen
        .iter()
        .filter(|(path, attempts)| attempts.len() > 1 && method_of_path(path) == "POST")
        .collect();
    assert!(posts_twice.is_empty(), "POST requests sent twice: {posts_twice:?}");
    // Every error is one the server caused, where the client may not retry: the request was
    // left unanswered on a new connection (a retry is only for reused ones), or it was not
    // idempotent (a POST on a connection the server closed or reset), or it never reached the
    // server (sent on a connection being closed: a POST, whose retry is not allowed).
    for (path, method, kind, step, message) in &errors {
        assert_eq!(*kind, ErrorKind::Io, "{method} {path}: {message}");
        let attempts = seen.get(path).cloned().unwrap_or_default();
        let legit = match attempts.last() {
            None => *method == "POST",
            Some(&(behaviour, fresh)) => behaviour.fails() && (fresh || *method == "POST"),
        };
        assert!(
            legit,
            "{method} {path} failed ({step:?}: {message}) but should have been answered or retried; the server saw {attempts:?}"
        );
    }
    drop(agent);
    drop(servers);
}
