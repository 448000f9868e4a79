//! What the trace callback does while a transfer runs.
//!
//! The library reports every step as an [`Event`] on the requesting thread. From them:
//!
//! - response heads go to the output as they arrive (`-i`, `-I`), so a long redirect chain
//!   with large heads never piles up in memory, and to the `-D` file;
//! - the moments and facts `-w` reports are noted: when the name was resolved, the connection
//!   made, TLS done, the first response head in; the address connected to; the redirects, the
//!   head bytes, the method of the last request;
//! - `-v` and `--trace-ascii` show the exchange ([`crate::trace`]).
//!
//! The transfer's [`Output`] lives here while the transfer runs, so heads and body go through
//! the same writer, in order. The lock is never held while the library runs.

use crate::output::Output;
use crate::trace::{self, TraceAscii};
use h1client::Event;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The moments and facts of one transfer that `-w` reports. Times count from the start of the
/// transfer; those of a connection are the last request's (after redirects).
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub namelookup: Option<Duration>,
    pub connect: Option<Duration>,
    pub appconnect: Option<Duration>,
    pub starttransfer: Option<Duration>,
    pub remote: Option<SocketAddr>,
    pub redirects: u32,
    pub header_bytes: u64,
    pub method: Option<String>,
    /// The URL of the last request (the transfer's URL, or where the last redirect led).
    pub url: String,
}

/// What to do with events besides noting the stats.
pub struct Shows {
    /// `-i`/`-I`: heads into the output.
    pub heads: bool,
    /// `-v`.
    pub verbose: bool,
    /// `-D`.
    pub dump: Option<File>,
    /// `--trace-ascii`.
    pub trace: Option<TraceAscii>,
}

pub struct Recorder {
    state: Mutex<State>,
}

struct State {
    shows: Shows,
    output: Option<Output>,
    /// A failed write of a head, reported once the library returns (curl's exit 23).
    write_error: Option<io::Error>,
    started: Instant,
    stats: Stats,
    /// The address each origin (`scheme://host:port`) was last connected to, for a transfer
    /// that reuses a connection.
    addrs: HashMap<String, SocketAddr>,
}

impl Recorder {
    pub fn new(shows: Shows) -> Recorder {
        Recorder {
            state: Mutex::new(State {
                shows,
                output: None,
                write_error: None,
                started: Instant::now(),
                stats: Stats::default(),
                addrs: HashMap::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A transfer of `url` starts, writing to `output`.
    pub fn begin(&self, url: &str, output: Output, started: Instant) {
        let mut s = self.lock();
        s.output = Some(output);
        s.write_error = None;
        s.started = started;
        s.stats = Stats {
            url: url.to_string(),
            ..Stats::default()
        };
    }

    /// The URL really requested: scheme added, `-G` data and `-T` name in it.
    pub fn set_url(&self, url: &str) {
        self.lock().stats.url = url.to_string();
    }

    /// The transfer is over: its output and stats.
    pub fn end(&self) -> (Option<Output>, Stats) {
        let mut s = self.lock();
        (s.output.take(), std::mem::take(&mut s.stats))
    }

    /// A head that could not be written, if any.
    pub fn take_write_error(&self) -> Option<io::Error> {
        self.lock().write_error.take()
    }

    /// Runs `f` on the output (the body's bytes, a rename for `-J`).
    pub fn with_output<T>(&self, f: impl FnOnce(&mut Output) -> T) -> Option<T> {
        self.lock().output.as_mut().map(f)
    }

    /// Trailer fields after the body (RFC 9112 §7.1.2), shown as curl shows them: `Name: value`
    /// lines in the output with `-i` and in the `-D` file, `< ` lines on stderr with `-v`.
    pub fn trailers(&self, fields: &[(String, String)]) -> io::Result<()> {
        if fields.is_empty() {
            return Ok(());
        }
        let text: String = fields.iter().map(|(n, v)| format!("{n}: {v}\r\n")).collect();
        let mut s = self.lock();
        if s.shows.verbose {
            trace::verbose_lines("<", text.as_bytes());
        }
        if let Some(d) = s.shows.dump.as_mut() {
            let _ = d.write_all(text.as_bytes());
        }
        match (s.shows.heads, s.output.as_mut()) {
            (true, Some(out)) => out.write_all(text.as_bytes()),
            _ => Ok(()),
        }
    }

    /// The trace callback.
    pub fn event(&self, event: &Event<'_>) {
        let mut s = self.lock();
        let State {
            shows,
            output,
            write_error,
            started,
            stats,
            addrs,
        } = &mut *s;
        if shows.verbose {
            trace::verbose(event);
        }
        if let Some(t) = &shows.trace {
            t.record(event);
        }
        stats.note(event, started.elapsed(), addrs);
        if let Event::ResponseHead { bytes, .. } = *event {
            if let Some(d) = shows.dump.as_mut() {
                let _ = d.write_all(bytes);
            }
            if let (true, Some(out), None) = (shows.heads, output.as_mut(), &write_error) {
                *write_error = out.write_all(bytes).err();
            }
        }
    }
}

impl Stats {
    /// Notes what `event`, `now` into the transfer, tells (`addrs`: where each origin was last
    /// connected to).
    fn note(&mut self, event: &Event<'_>, now: Duration, addrs: &mut HashMap<String, SocketAddr>) {
        match *event {
            Event::Resolved { .. } => self.namelookup = Some(now),
            Event::Connecting { .. } => {
                // an address literal is not looked up: done at once, as curl counts it
                self.namelookup.get_or_insert(now);
            }
            Event::Connected { addr, .. } => {
                self.connect = Some(now);
                self.remote = Some(addr);
                addrs.insert(origin(&self.url), addr);
            }
            Event::TlsHandshake { .. } => self.appconnect = Some(now),
            Event::Reused { .. } => {
                self.namelookup.get_or_insert(now);
                self.connect.get_or_insert(now);
                if self.url.starts_with("https:") {
                    self.appconnect.get_or_insert(now);
                }
                self.remote = addrs.get(&origin(&self.url)).copied().or(self.remote);
            }
            Event::RequestHead { bytes } => {
                let method = bytes.split(|&b| b == b' ').next().unwrap_or_default();
                self.method = Some(String::from_utf8_lossy(method).into_owned());
            }
            Event::ResponseHead { bytes, .. } => {
                self.header_bytes += bytes.len() as u64;
                self.starttransfer.get_or_insert(now);
            }
            Event::Redirect { to, .. } => {
                self.redirects += 1;
                self.url = to.to_string();
                self.namelookup = None;
                self.connect = None;
                self.appconnect = None;
                self.starttransfer = None;
            }
            _ => {}
        }
    }
}

/// `scheme://host:port` of a URL, the key of its connection.
fn origin(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!(
            "{}://{}:{}",
            u.scheme(),
            u.host_str().unwrap_or_default(),
            u.port_or_known_default().unwrap_or(0)
        ),
        Err(_) => url.to_string(),
    }
}
