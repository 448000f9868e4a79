//! Text from body bytes, by the `charset` parameter of `Content-Type` (RFC 9110 §8.3.1, §8.3.2).
//!
//! | charset | decoded by |
//! |---|---|
//! | none, `utf-8` (and its aliases) | the standard library, strictly |
//! | `iso-8859-1`, `latin1`, `l1`, `iso_8859-1` | byte = code point (every byte is valid) |
//! | `us-ascii` | bytes 0–127 only |
//! | any other label of the WHATWG Encoding Standard | encoding_rs, with the `charset` feature |
//!
//! Text that is not valid in its declared charset is an [`ErrorKind::Decode`] error: nothing is
//! ever replaced by U+FFFD behind the caller's back (encoding_rs is used through its
//! decode-*without-replacement* API). A charset this build cannot decode is an error too, rather
//! than a guess: reading windows-1252 bytes as UTF-8 can succeed and give the wrong text. The
//! bytes are always there with [`Response::bytes`](crate::Response::bytes).

use crate::error::{Error, ErrorKind, Result, Step};

/// The value of the `charset` parameter of a `Content-Type` value (RFC 9110 §5.6.6: names are
/// case-insensitive, the value may be a quoted string).
pub fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').trim())
    })
}

fn is_utf8_label(label: &str) -> bool {
    [
        "utf-8",
        "utf8",
        "unicode-1-1-utf-8",
        "unicode11utf8",
        "unicode20utf8",
        "x-unicode20utf8",
    ]
    .iter()
    .any(|l| label.eq_ignore_ascii_case(l))
}

fn is_latin1_label(label: &str) -> bool {
    [
        "iso-8859-1",
        "latin1",
        "iso_8859-1",
        "iso8859-1",
        "l1",
        "iso-ir-100",
        "csisolatin1",
    ]
    .iter()
    .any(|l| label.eq_ignore_ascii_case(l))
}

fn decode_error(message: String) -> Error {
    Error::new(ErrorKind::Decode, Step::ReceiveBody, message)
}

/// Decodes `bytes` as text in `charset` (`None`: UTF-8).
pub fn decode(bytes: Vec<u8>, charset: Option<&str>) -> Result<String> {
    let label = charset.unwrap_or("utf-8");
    if is_utf8_label(label) || label.is_empty() {
        return String::from_utf8(bytes).map_err(|e| {
            decode_error(format!(
                "the body is not valid UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ))
        });
    }
    if is_latin1_label(label) {
        return Ok(bytes.iter().map(|&b| char::from(b)).collect());
    }
    if label.eq_ignore_ascii_case("us-ascii") || label.eq_ignore_ascii_case("ascii") {
        if let Some((at, byte)) = bytes.iter().enumerate().find(|(_, b)| !b.is_ascii()) {
            return Err(decode_error(format!(
                "the body is not valid US-ASCII (byte 0x{byte:02x} at offset {at})"
            )));
        }
        // ASCII is valid UTF-8.
        return String::from_utf8(bytes).map_err(|_| decode_error("the body is not valid US-ASCII".into()));
    }
    decode_other(&bytes, label)
}

/// Decodes `bytes` as text in `charset` like [`decode`], replacing what is not valid with
/// U+FFFD instead of failing; a charset this build does not know is read as UTF-8.
pub fn decode_lossy(bytes: Vec<u8>, charset: Option<&str>) -> String {
    let label = charset.unwrap_or("utf-8");
    if is_latin1_label(label) {
        return bytes.iter().map(|&b| char::from(b)).collect();
    }
    if label.eq_ignore_ascii_case("us-ascii") || label.eq_ignore_ascii_case("ascii") {
        return bytes
            .iter()
            .map(|&b| {
                if b.is_ascii() {
                    char::from(b)
                } else {
                    char::REPLACEMENT_CHARACTER
                }
            })
            .collect();
    }
    #[cfg(feature = "charset")]
    if let Some(encoding) = encoding_rs::Encoding::for_label(label.as_bytes()) {
        return encoding.decode_without_bom_handling(&bytes).0.into_owned();
    }
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

#[cfg(feature = "charset")]
fn decode_other(bytes: &[u8], label: &str) -> Result<String> {
    let encoding = encoding_rs::Encoding::for_label(label.as_bytes())
        .ok_or_else(|| decode_error(format!("unknown charset {label:?}")))?;
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
        .ok_or_else(|| decode_error(format!("the body is not valid {}", encoding.name())))
}

#[cfg(not(feature = "charset"))]
fn decode_other(_bytes: &[u8], label: &str) -> Result<String> {
    Err(decode_error(format!(
        "the charset {label:?} needs the `charset` feature (the bytes are available with bytes())"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lossy_decoding_replaces_what_is_invalid() {
        assert_eq!(decode_lossy(b"ab\xffc".to_vec(), None), "ab\u{fffd}c");
        assert_eq!(decode_lossy(b"caf\xe9".to_vec(), Some("ISO-8859-1")), "café");
        assert_eq!(decode_lossy(b"a\xe9".to_vec(), Some("us-ascii")), "a\u{fffd}");
        assert_eq!(decode_lossy("fine".into(), Some("no-such-charset")), "fine");
        #[cfg(feature = "charset")]
        assert_eq!(decode_lossy(b"\x82\xa0".to_vec(), Some("shift_jis")), "あ");
    }

    #[test]
    fn charset_parameter() {
        assert_eq!(charset_param("text/plain; charset=ISO-8859-1"), Some("ISO-8859-1"));
        assert_eq!(charset_param("text/html;CharSet=\"latin1\""), Some("latin1"));
        assert_eq!(charset_param("text/plain; format=flowed; charset=utf-8"), Some("utf-8"));
        assert_eq!(charset_param("text/plain"), None);
        assert_eq!(charset_param("text/plain; charsets=x"), None);
    }

    #[test]
    fn builtin_charsets() {
        assert_eq!(decode("é".into(), None).unwrap(), "é");
        assert_eq!(decode(b"caf\xe9".to_vec(), Some("ISO-8859-1")).unwrap(), "café");
        assert_eq!(decode(b"caf\xe9".to_vec(), Some("latin1")).unwrap(), "café");
        assert_eq!(decode(b"plain".to_vec(), Some("us-ascii")).unwrap(), "plain");
        for (bytes, charset) in [
            (&b"caf\xe9"[..], None),
            (b"caf\xe9", Some("utf-8")),
            (b"\xc3", Some("UTF8")),
            (b"caf\xe9", Some("us-ascii")),
        ] {
            let e = decode(bytes.to_vec(), charset).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Decode, "{charset:?}");
        }
    }

    #[cfg(feature = "charset")]
    #[test]
    fn other_charsets_are_strict() {
        assert_eq!(
            decode(b"\x93hi\x94".to_vec(), Some("windows-1252")).unwrap(),
            "\u{201c}hi\u{201d}"
        );
        assert_eq!(decode(b"\x82\xa0".to_vec(), Some("Shift_JIS")).unwrap(), "あ");
        assert_eq!(decode(b"h\0i\0".to_vec(), Some("utf-16le")).unwrap(), "hi");
        assert_eq!(decode(b"\xa4\xa2".to_vec(), Some("euc-jp")).unwrap(), "あ");
        for (bytes, charset) in [
            (&b"\x82"[..], "shift_jis"), // a lead byte without its trail byte
            (b"\x81", "gbk"),            // a lead byte at the end
            (b"h\0i", "utf-16le"),       // an odd number of bytes
            (b"abc", "iso-2022-kr"),     // the replacement encoding: never decodable
            (b"abc", "no-such-charset"),
        ] {
            let e = decode(bytes.to_vec(), Some(charset)).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Decode, "{charset}");
        }
    }

    #[cfg(not(feature = "charset"))]
    #[test]
    fn other_charsets_need_the_feature() {
        let e = decode(b"abc".to_vec(), Some("windows-1252")).unwrap_err();
        assert!(e.to_string().contains("`charset` feature"), "{e}");
    }
}
