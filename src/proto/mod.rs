//! The HTTP/1.1 protocol core: pure functions from values to bytes and from bytes to values.
//!
//! Nothing in here opens a socket, reads a clock or allocates per header on the hot path.
//! Every rule of RFC 9112 (HTTP/1.1 message syntax) and the parts of RFC 9110 (HTTP semantics)
//! that decide how bytes are framed lives here, so it can be tested byte for byte and fuzzed:
//!
//! | module | does | RFC |
//! |---|---|---|
//! | [`request`] | writes a request head; refuses tokens and values that would corrupt it | RFC 9112 §3, RFC 9110 §5 |
//! | [`response`] | parses a response head with httparse, within size and count limits | RFC 9112 §4, §5 |
//! | [`framing`] | decides how long a response body is and whether the connection survives it | RFC 9112 §6.3, §9.3 |
//! | [`chunked`] | decodes the chunked transfer coding, keeps trailers; frames chunks for sending | RFC 9112 §7.1 |
//!
//! The client layer ([`crate::Agent`]) feeds these functions with bytes read from the
//! transport and acts on their answers.

pub mod chunked;
pub mod error;
pub mod framing;
pub mod request;
pub mod response;

pub use error::Error;

/// Is `b` a `tchar`, a byte allowed in a token (RFC 9110 §5.6.2)?
///
/// ```text
/// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
///         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
/// ```
pub fn is_tchar(b: u8) -> bool {
    matches!(b,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' |
        b'^' | b'_' | b'`' | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

/// Is `s` a token: one or more `tchar`s (RFC 9110 §5.6.2)? Methods and field names are tokens.
pub fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

/// Trims optional whitespace (`OWS = *( SP / HTAB )`, RFC 9110 §5.6.3) from both ends.
pub fn trim_ows(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| b != b' ' && b != b'\t').unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(start, |i| i.saturating_add(1));
    s.get(start..end).unwrap_or_default()
}

/// Iterates over the elements of a comma-separated list field value (RFC 9110 §5.6.1), trimmed
/// of whitespace, skipping empty elements (`a, , b` is `a`, `b`).
pub fn list_elements(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value.split(|&b| b == b',').map(trim_ows).filter(|e| !e.is_empty())
}

/// Appends the decimal digits of `n` to `out` (no allocation, no formatting machinery).
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // our own number into a fixed array: u64 has at most 20 digits
pub fn push_decimal(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_accept_tchars_only() {
        for ok in ["GET", "PROPFIND", "X-Custom_1", "!#$%&'*+-.^_`|~"] {
            assert!(is_token(ok.as_bytes()), "{ok}");
        }
        for bad in ["", "GET /", "A:B", "a\r\nb", "é", "a\0", "(x)", "a\"b"] {
            assert!(!is_token(bad.as_bytes()), "{bad:?}");
        }
    }

    #[test]
    fn trim_ows_strips_spaces_and_tabs_only() {
        assert_eq!(trim_ows(b"  a b\t "), b"a b");
        assert_eq!(trim_ows(b"   "), b"");
        assert_eq!(trim_ows(b""), b"");
        assert_eq!(trim_ows(b"\ra\r"), b"\ra\r");
    }

    #[test]
    fn list_elements_skip_empty_ones() {
        let v: Vec<&[u8]> = list_elements(b" a ,, b,\tc ,").collect();
        assert_eq!(v, [&b"a"[..], b"b", b"c"]);
    }

    #[test]
    fn push_decimal_writes_digits() {
        for n in [0u64, 7, 10, 1234567890, u64::MAX] {
            let mut out = Vec::new();
            push_decimal(&mut out, n);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }
}
