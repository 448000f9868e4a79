//! The body given with `-d`, `--data-binary`, `--data-raw`, `--data-urlencode` and `--json`,
//! assembled as curl does: the pieces in order, joined with `&` — except that a `--json` piece
//! is joined to what comes before it without one (curl concatenates `--json` pieces).
//!
//! `@file` reads a file, `@-` standard input; reading stdin is bounded by `-m` (see
//! [`crate::stdin`]), which curl does not do (it reads stdin before any transfer, for as long
//! as it takes).

use crate::args::Data;
use crate::stdin::StdinReader;
use std::io;
use std::time::Instant;

/// Why the data could not be read: curl's exit 26, or 28 when `-m` passed while reading stdin.
pub struct DataError {
    pub code: i32,
    pub message: String,
}

/// The assembled body, `None` without data flags. `stdin_deadline` bounds reading `@-`.
pub fn assemble(data: &[Data], stdin_deadline: Option<Instant>) -> Result<Option<Vec<u8>>, DataError> {
    if data.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for (i, d) in data.iter().enumerate() {
        if i > 0 && !matches!(d, Data::Json(_)) {
            out.push(b'&');
        }
        let piece = match d {
            Data::Raw(s) => s.as_bytes().to_vec(),
            Data::Ascii(s) => match s.strip_prefix('@') {
                None => s.as_bytes().to_vec(),
                Some(path) => {
                    let mut bytes = read_source(path, stdin_deadline)?;
                    bytes.retain(|&b| b != b'\r' && b != b'\n');
                    bytes
                }
            },
            Data::Binary(s) | Data::Json(s) => match s.strip_prefix('@') {
                None => s.as_bytes().to_vec(),
                Some(path) => read_source(path, stdin_deadline)?,
            },
            Data::UrlEncode(s) => url_encoded(s, stdin_deadline)?,
        };
        out.extend_from_slice(&piece);
    }
    Ok(Some(out))
}

/// Does the data include a `--json` piece (which sets the JSON headers)?
pub fn has_json(data: &[Data]) -> bool {
    data.iter().any(|d| matches!(d, Data::Json(_)))
}

/// A file's bytes, or standard input's for `-`.
fn read_source(path: &str, stdin_deadline: Option<Instant>) -> Result<Vec<u8>, DataError> {
    let read = if path == "-" {
        StdinReader::read_all(stdin_deadline)
    } else {
        std::fs::read(path)
    };
    let name = if path == "-" { "standard input" } else { path };
    read.map_err(|e| DataError {
        code: if e.kind() == io::ErrorKind::TimedOut { 28 } else { 26 },
        message: format!("cannot read {name}: {e}"),
    })
}

/// One `--data-urlencode` argument, in curl's five forms:
///
/// | form | sends |
/// |---|---|
/// | `content` | `content`, encoded |
/// | `=content` | `content`, encoded |
/// | `name=content` | `name=` and `content`, encoded (the name as it is) |
/// | `@file` | the file's content, encoded |
/// | `name@file` | `name=` and the file's content, encoded |
///
/// The first `=` decides; without one, the first `@`. Encoding keeps only the unreserved
/// characters of RFC 3986 §2.3 and writes a space as `+`, as curl does.
fn url_encoded(arg: &str, stdin_deadline: Option<Instant>) -> Result<Vec<u8>, DataError> {
    let split = arg.find('=').or_else(|| arg.find('@'));
    let (name, content) = match split {
        None => ("", arg.as_bytes().to_vec()),
        Some(i) if arg.as_bytes()[i] == b'@' => (&arg[..i], read_source(&arg[i + 1..], stdin_deadline)?),
        Some(i) => (&arg[..i], arg.as_bytes()[i + 1..].to_vec()),
    };
    let mut out = Vec::with_capacity(name.len() + 1 + content.len() * 3);
    if !name.is_empty() {
        out.extend_from_slice(name.as_bytes());
        out.push(b'=');
    }
    for &b in &content {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(b),
            b' ' => out.push(b'+'),
            _ => out.extend_from_slice(format!("%{b:02X}").as_bytes()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(arg: &str) -> String {
        match url_encoded(arg, None) {
            Ok(b) => String::from_utf8(b).unwrap(),
            Err(e) => panic!("{}", e.message),
        }
    }

    #[test]
    fn data_urlencode_forms() {
        assert_eq!(encoded("a b&c"), "a+b%26c");
        assert_eq!(encoded("=a b=c@d"), "a+b%3Dc%40d");
        assert_eq!(encoded("na me=a b"), "na me=a+b");
        assert_eq!(encoded("plain/ü"), "plain%2F%C3%BC");
        assert_eq!(encoded("name=x~y.z_-"), "name=x~y.z_-");
    }

    #[test]
    fn json_pieces_are_concatenated_and_others_joined() {
        let data = [
            Data::Json("{\"a\":".into()),
            Data::Json("1}".into()),
            Data::Raw("x".into()),
        ];
        let body = assemble(&data, None).ok().flatten().unwrap();
        assert_eq!(body, b"{\"a\":1}&x");
        assert!(has_json(&data));
    }
}
