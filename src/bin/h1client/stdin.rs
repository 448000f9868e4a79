//! Standard input as an upload source that respects `-m`.
//!
//! A blocking read of stdin cannot be interrupted, and the library cannot time out a read of
//! the caller's reader (it is the caller's code). So stdin is read on a helper thread, which
//! passes what it reads through a small bounded channel (constant memory: at most
//! [`QUEUED`] chunks of [`CHUNK`] bytes wait); a [`StdinReader`] takes them with
//! `recv_timeout` until its deadline, then fails with an `io::Error` of kind `TimedOut`. The
//! library reports that as an error at `Step::ReadUpload` with that `io::Error` as its
//! source, which the command line turns into curl's exit 28.
//!
//! The thread starts on the first use and lives until the process exits; every reader shares
//! it, so a second reader continues where the first stopped (and sees the end of input once
//! stdin is exhausted, as a second `read` of stdin would).

use std::io::{self, Read};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

/// Bytes per read of stdin.
const CHUNK: usize = 64 * 1024;
/// Chunks read ahead.
const QUEUED: usize = 4;

/// The helper thread's side of the channel; an empty chunk never travels (the end of input is
/// the channel closing).
fn feed() -> &'static Mutex<Receiver<io::Result<Vec<u8>>>> {
    static FEED: OnceLock<Mutex<Receiver<io::Result<Vec<u8>>>>> = OnceLock::new();
    FEED.get_or_init(|| {
        let (tx, rx) = mpsc::sync_channel(QUEUED);
        std::thread::spawn(move || pump(&tx));
        Mutex::new(rx)
    })
}

fn pump(tx: &SyncSender<io::Result<Vec<u8>>>) {
    let mut stdin = io::stdin().lock();
    loop {
        let mut chunk = vec![0u8; CHUNK];
        match stdin.read(&mut chunk) {
            Ok(0) => return,
            Ok(n) => {
                chunk.truncate(n);
                if tx.send(Ok(chunk)).is_err() {
                    return;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        }
    }
}

/// Reads standard input until `deadline` (`None`: for as long as it takes).
pub struct StdinReader {
    deadline: Option<Instant>,
    chunk: Vec<u8>,
    at: usize,
    ended: bool,
}

impl StdinReader {
    pub fn new(deadline: Option<Instant>) -> StdinReader {
        StdinReader {
            deadline,
            chunk: Vec::new(),
            at: 0,
            ended: false,
        }
    }

    /// Reads everything up to the end of input (for `-d @-`): the deadline applies to the whole.
    pub fn read_all(deadline: Option<Instant>) -> io::Result<Vec<u8>> {
        let mut all = Vec::new();
        StdinReader::new(deadline).read_to_end(&mut all)?;
        Ok(all)
    }

    /// The next chunk from the helper thread; `false` at the end of input.
    fn next_chunk(&mut self) -> io::Result<bool> {
        let feed = feed().lock().unwrap_or_else(|p| p.into_inner());
        let received = match self.deadline {
            None => feed.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(d) => feed.recv_timeout(d.saturating_duration_since(Instant::now())),
        };
        match received {
            Ok(Ok(chunk)) => {
                self.chunk = chunk;
                self.at = 0;
                Ok(true)
            }
            Ok(Err(e)) => Err(e),
            Err(RecvTimeoutError::Disconnected) => Ok(false),
            Err(RecvTimeoutError::Timeout) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "standard input gave nothing more before the -m deadline",
            )),
        }
    }
}

impl Read for StdinReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.chunk.len() {
            if self.ended || buf.is_empty() {
                return Ok(0);
            }
            if !self.next_chunk()? {
                self.ended = true;
            }
        }
        let rest = &self.chunk[self.at..];
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.at += n;
        Ok(n)
    }
}
