//! `--limit-rate`: keep the average transfer speed at or under a rate, as curl does, by waiting
//! between the pieces the command line reads (the body of a download, the source of an upload).
//!
//! Pieces are small (a quarter of a second's worth), so the speed stays near the average all
//! along, and TCP flow control slows a sender that writes faster than the client reads. A wait
//! never runs past the `-m` deadline: it ends there with a `TimedOut` error instead.

use std::io::{self, Read, Seek, SeekFrom};
use std::time::{Duration, Instant};

/// The pace of one transfer direction.
pub struct Throttle {
    rate: u64,
    start: Instant,
    moved: u64,
    deadline: Option<Instant>,
}

impl Throttle {
    /// `rate` bytes per second (at least 1).
    pub fn new(rate: u64, deadline: Option<Instant>) -> Throttle {
        Throttle {
            rate: rate.max(1),
            start: Instant::now(),
            moved: 0,
            deadline,
        }
    }

    /// The largest piece to move at once: a quarter of a second's worth, between 16 bytes and
    /// 64 KiB.
    pub fn piece(&self) -> usize {
        usize::try_from(self.rate / 4)
            .unwrap_or(usize::MAX)
            .clamp(16, 64 * 1024)
    }

    /// Counts `n` bytes moved, and waits until the average is back down to the rate.
    pub fn account(&mut self, n: usize) -> io::Result<()> {
        self.moved = self.moved.saturating_add(n as u64);
        let due = Duration::try_from_secs_f64(self.moved as f64 / self.rate as f64).unwrap_or(Duration::MAX);
        let Some(wait) = due.checked_sub(self.start.elapsed()) else {
            return Ok(());
        };
        match self.deadline {
            Some(d) if Instant::now().checked_add(wait).is_none_or(|end| end >= d) => {
                std::thread::sleep(d.saturating_duration_since(Instant::now()));
                Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the -m deadline passed while keeping to --limit-rate",
                ))
            }
            _ => {
                std::thread::sleep(wait);
                Ok(())
            }
        }
    }
}

/// A reader kept to a rate (an upload's source).
pub struct Throttled<R> {
    inner: R,
    throttle: Throttle,
}

impl<R> Throttled<R> {
    pub fn new(inner: R, throttle: Throttle) -> Throttled<R> {
        Throttled { inner, throttle }
    }
}

impl<R: Read> Read for Throttled<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let max = buf.len().min(self.throttle.piece());
        let n = self.inner.read(&mut buf[..max])?;
        self.throttle.account(n)?;
        Ok(n)
    }
}

impl<R: Seek> Seek for Throttled<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        self.inner.seek(to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_average_stays_at_the_rate() {
        let data = vec![7u8; 3000];
        let started = Instant::now();
        let mut r = Throttled::new(&data[..], Throttle::new(10_000, None));
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, data);
        assert!(
            started.elapsed() >= Duration::from_millis(290),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_wait_ends_at_the_deadline() {
        let mut t = Throttle::new(100, Some(Instant::now() + Duration::from_millis(100)));
        let started = Instant::now();
        let e = t.account(1000).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}
