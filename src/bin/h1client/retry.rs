//! `--retry N` and its companions, with curl's rules.
//!
//! A transfer is tried again, at most N times, when it failed in a way that may pass:
//!
//! - a timeout (exit 28), or a name that did not resolve (6, or 5 for a proxy);
//! - a refused connection, with `--retry-connrefused`;
//! - a response 408, 429, 500, 502, 503, 504, 522 or 524 (a transfer that worked, or one that
//!   `-f` failed);
//! - any error at all, with `--retry-all-errors`.
//!
//! The wait is 1 s, doubling each time up to 10 minutes, or `--retry-delay`; a `Retry-After`
//! field on a response tried again (seconds, or an HTTP date; at most 6 hours) takes
//! precedence, as curl does. No try starts after `--retry-max-time`, nor when `Retry-After`
//! would wait past it. An upload from standard input is never sent again: it cannot be read
//! twice.

use crate::args::Args;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The longest `Retry-After` honoured, as curl.
const RETRY_AFTER_MAX: Duration = Duration::from_secs(6 * 3600);
/// The longest wait of the doubling backoff.
const BACKOFF_MAX: Duration = Duration::from_secs(600);

/// How an attempt ended, as far as trying again is concerned.
pub struct Ended {
    pub code: i32,
    pub status: Option<u16>,
    /// The connection was refused (ECONNREFUSED).
    pub refused: bool,
    /// The response's `Retry-After`, already turned into a wait.
    pub retry_after: Option<Duration>,
    /// The request could be sent again (its body is not standard input).
    pub replayable: bool,
}

/// What to do after an attempt.
pub enum Decision {
    /// Done: report this attempt.
    Stop,
    /// Done, though a retry was due: this is why not.
    Refused(&'static str),
    /// Wait this long, saying this, and try again.
    Again(Duration, String),
}

/// The retry state of one URL.
pub struct Retry {
    left: u32,
    started: Instant,
    next_wait: Duration,
    delay: Option<Duration>,
    max_time: Option<Duration>,
    fail: bool,
    all_errors: bool,
    connrefused: bool,
}

impl Retry {
    pub fn new(a: &Args) -> Retry {
        Retry {
            left: a.retry,
            started: Instant::now(),
            next_wait: Duration::from_secs(1),
            delay: a.retry_delay,
            max_time: a.retry_max_time,
            fail: a.fail || a.fail_with_body,
            all_errors: a.retry_all_errors,
            connrefused: a.retry_connrefused,
        }
    }

    /// Why `e` may pass, as curl words it; `None` when it will not.
    fn reason(&self, e: &Ended) -> Option<&'static str> {
        let worked = e.code == 0 || (self.fail && e.code == 22);
        if matches!(e.code, 28 | 6 | 5) {
            Some(": timeout")
        } else if self.connrefused && e.code == 7 && e.refused {
            Some(": connection refused")
        } else if worked && matches!(e.status, Some(408 | 429 | 500 | 502 | 503 | 504 | 522 | 524)) {
            Some(": HTTP error")
        } else if e.code != 0 && self.all_errors {
            Some("(retrying all errors)")
        } else {
            None
        }
    }

    pub fn next(&mut self, e: &Ended) -> Decision {
        let elapsed = self.started.elapsed();
        if self.left == 0 || self.max_time.is_some_and(|m| elapsed >= m) {
            return Decision::Stop;
        }
        let Some(reason) = self.reason(e) else {
            return Decision::Stop;
        };
        if !e.replayable {
            return Decision::Refused("the upload from standard input cannot be sent again");
        }
        let after = e.retry_after.filter(|d| !d.is_zero() && reason == ": HTTP error");
        if let (Some(after), Some(max)) = (after, self.max_time) {
            if elapsed + after > max {
                return Decision::Refused(
                    "The Retry-After: time would make this command line exceed the maximum allowed time for retries.",
                );
            }
        }
        let wait = after.unwrap_or(match self.delay {
            Some(d) => d,
            None => {
                let w = self.next_wait;
                self.next_wait = (w * 2).min(BACKOFF_MAX);
                w
            }
        });
        let message = format!(
            "Problem {reason}. Will retry in {} seconds. {} retries left.",
            seconds(wait),
            self.left
        );
        self.left -= 1;
        Decision::Again(wait, message)
    }
}

/// Whole seconds as an integer, else with three decimals (`0.500`).
fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        d.as_secs().to_string()
    } else {
        format!("{}.{:03}", d.as_secs(), d.subsec_millis())
    }
}

/// A `Retry-After` value (RFC 9110 §10.2.3): an HTTP date or a number of seconds, as a wait
/// from `now` (a date in the past is no wait); at most 6 hours. `None` when it is neither.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    let whole_secs = |t: SystemTime| t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let wait = match http_date(value) {
        // in whole seconds, as curl counts
        Some(at) => Duration::from_secs(whole_secs(at).saturating_sub(whole_secs(now))),
        None if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
            Duration::from_secs(value.parse().unwrap_or(u64::MAX).min(RETRY_AFTER_MAX.as_secs()))
        }
        None => return None,
    };
    Some(wait.min(RETRY_AFTER_MAX))
}

/// An HTTP date (RFC 9110 §5.6.7) in any of its three forms:
/// `Sun, 06 Nov 1994 08:49:37 GMT`, `Sunday, 06-Nov-94 08:49:37 GMT`, `Sun Nov  6 08:49:37 1994`.
pub fn http_date(s: &str) -> Option<SystemTime> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let cleaned = s.replace([',', '-'], " ");
    let t: Vec<&str> = cleaned.split_whitespace().collect();
    let month_of = |m: &str| MONTHS.iter().position(|x| x.eq_ignore_ascii_case(m));
    // after the weekday: day month year time (GMT), or month day time year (asctime)
    let (day, month, year, time) = match (t.get(1).copied().and_then(month_of), t.len()) {
        (Some(m), 5) => (t[2], m, t[4], t[3]),
        (None, 6) if t[5] == "GMT" => (t[1], month_of(t[2])?, t[3], t[4]),
        _ => return None,
    };
    let num = |v: &str, max_len: usize| -> Option<u64> {
        (!v.is_empty() && v.len() <= max_len && v.bytes().all(|b| b.is_ascii_digit())).then(|| v.parse().ok())?
    };
    let mut year = num(year, 4)?;
    if year < 100 {
        // a two-digit year, as RFC 850 wrote them
        year += if year < 70 { 2000 } else { 1900 };
    }
    let day = num(day, 2)?;
    let mut hms = time.split(':');
    let (h, m, sec) = (num(hms.next()?, 2)?, num(hms.next()?, 2)?, num(hms.next()?, 2)?);
    if hms.next().is_some() || !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 || year < 1970 {
        return None;
    }
    let days = days_from_civil(year, month as u64 + 1, day);
    UNIX_EPOCH.checked_add(Duration::from_secs(days * 86_400 + h * 3600 + m * 60 + sec))
}

/// Days from 1970-01-01 to a date (Howard Hinnant's algorithm, for years from 1970).
fn days_from_civil(y: u64, m: u64, d: u64) -> u64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_in_three_forms() {
        let want = UNIX_EPOCH + Duration::from_secs(784_111_777);
        for s in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(http_date(s), Some(want), "{s}");
        }
        assert_eq!(
            http_date("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(UNIX_EPOCH),
            "the epoch"
        );
        assert_eq!(
            http_date("Tue, 29 Feb 2028 12:00:00 GMT"),
            Some(UNIX_EPOCH + Duration::from_secs(1_835_438_400))
        );
        for bad in [
            "",
            "soon",
            "Sun, 06 Nov 1994 25:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "120",
        ] {
            assert_eq!(http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn retry_after_values() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_770);
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(retry_after("99999999", now), Some(RETRY_AFTER_MAX));
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(retry_after("Sat, 05 Nov 1994 08:49:37 GMT", now), Some(Duration::ZERO));
        assert_eq!(retry_after("-1", now), None);
        assert_eq!(retry_after("soon", now), None);
    }

    fn ended(code: i32, status: Option<u16>) -> Ended {
        Ended {
            code,
            status,
            refused: false,
            retry_after: None,
            replayable: true,
        }
    }

    #[test]
    fn backoff_doubles_and_a_delay_replaces_it() {
        let a = Args {
            retry: 3,
            ..Args::default()
        };
        let mut r = Retry::new(&a);
        let mut waits = Vec::new();
        while let Decision::Again(w, m) = r.next(&ended(28, None)) {
            assert!(m.starts_with("Problem : timeout. Will retry in "), "{m}");
            waits.push(w.as_secs());
        }
        assert_eq!(waits, [1, 2, 4]);
        let a = Args {
            retry: 1,
            retry_delay: Some(Duration::from_millis(500)),
            ..Args::default()
        };
        match Retry::new(&a).next(&ended(0, Some(503))) {
            Decision::Again(w, m) => {
                assert_eq!(w, Duration::from_millis(500));
                assert_eq!(m, "Problem : HTTP error. Will retry in 0.500 seconds. 1 retries left.");
            }
            _ => panic!("503 is retried"),
        }
        for (code, status) in [(0, Some(404)), (0, Some(200)), (22, Some(503)), (7, None), (52, None)] {
            assert!(
                matches!(Retry::new(&a).next(&ended(code, status)), Decision::Stop),
                "{code} {status:?}"
            );
        }
    }
}
