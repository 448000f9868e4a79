//! The values flags take: seconds (`-m 2.5`), byte counts with curl's suffixes
//! (`--limit-rate 200k`), plain counts (`--retry 3`).
//!
//! Bad input is a usage error (exit 2) with a message naming the flag; no value panics.

use std::time::Duration;

/// A limit too far away to ever be reached: 100 years. Durations larger than this (up to
/// `1e300` or `inf`) mean "no limit" and become this value, which can still be added to an
/// `Instant` without overflow.
pub const FOREVER: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// A number of seconds, as curl reads it: a decimal number (`2`, `0.5`, `1e3`), never negative.
///
/// `0` is zero (each flag says what zero means); a positive value too small for a nanosecond is
/// one nanosecond, so that it stays a limit; a value of [`FOREVER`] or more (including `inf`)
/// is [`FOREVER`].
pub fn seconds(v: &str, opt: &str) -> Result<Duration, String> {
    let bad = || format!("option {opt}: expected a number of seconds (0 or more), got {v:?}");
    let s: f64 = v.trim().parse().map_err(|_| bad())?;
    if s.is_nan() || s < 0.0 {
        return Err(bad());
    }
    if s == 0.0 {
        return Ok(Duration::ZERO);
    }
    if s >= FOREVER.as_secs_f64() {
        return Ok(FOREVER);
    }
    Ok(Duration::from_secs_f64(s).max(Duration::from_nanos(1)))
}

/// A byte count with curl's optional unit suffix, 1024-based: `k`, `m`, `g`, `t`, `p` (either
/// case), or `b` for plain bytes; a fraction is allowed (`2.5M`). Values beyond `u64` saturate.
pub fn size(v: &str, opt: &str) -> Result<u64, String> {
    let bad = || format!("option {opt}: expected a size in bytes (like 200k, 3m or 1G), got {v:?}");
    let t = v.trim();
    let (number, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c.to_ascii_lowercase()),
        _ => (t, 'b'),
    };
    let shift = match unit {
        'b' => 0,
        'k' => 10,
        'm' => 20,
        'g' => 30,
        't' => 40,
        'p' => 50,
        _ => return Err(bad()),
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(bad());
    }
    let n: f64 = number.parse().map_err(|_| bad())?;
    let bytes = n * 2f64.powi(shift);
    // `as` saturates at u64::MAX for values too large
    Ok(bytes as u64)
}

/// A count: decimal digits, never negative; values beyond `u64` saturate.
pub fn count(v: &str, opt: &str) -> Result<u64, String> {
    let t = v.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("option {opt}: expected a number (0 or more), got {v:?}"));
    }
    Ok(t.parse().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_at_the_edges() {
        assert_eq!(seconds("0", "-m"), Ok(Duration::ZERO));
        assert_eq!(seconds("-0", "-m"), Ok(Duration::ZERO));
        assert_eq!(seconds("2.5", "-m"), Ok(Duration::from_millis(2500)));
        assert_eq!(seconds("1e-300", "-m"), Ok(Duration::from_nanos(1)));
        for huge in ["1e20", "1e300", "inf", "3153600000"] {
            assert_eq!(seconds(huge, "-m"), Ok(FOREVER), "{huge}");
        }
        for bad in ["-1", "-1e-300", "nan", "soon", "", "1s", "-inf"] {
            assert!(seconds(bad, "-m").is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes_with_units() {
        assert_eq!(size("200", "x"), Ok(200));
        assert_eq!(size("200B", "x"), Ok(200));
        assert_eq!(size("1k", "x"), Ok(1024));
        assert_eq!(size("2.5M", "x"), Ok(2_621_440));
        assert_eq!(size("1G", "x"), Ok(1 << 30));
        assert_eq!(size("1P", "x"), Ok(1 << 50));
        assert_eq!(size("99999999999999999999999p", "x"), Ok(u64::MAX));
        for bad in ["", "k", "-1k", "1kb", "1x", "1e3", "nan"] {
            assert!(size(bad, "x").is_err(), "{bad}");
        }
    }

    #[test]
    fn counts() {
        assert_eq!(count("3", "x"), Ok(3));
        assert_eq!(count("+3", "x"), Ok(3));
        assert_eq!(count("99999999999999999999999", "x"), Ok(u64::MAX));
        for bad in ["", "-1", "1.5", "x"] {
            assert!(count(bad, "x").is_err(), "{bad}");
        }
    }
}
