//! curl's `-F` syntax, turned into a [`Multipart`] form (the HTTP work is the library's).
//!
//! ```text
//! -F name=value                    a text field
//! -F name=@path                    a file upload: file name from the path, type from the extension
//! -F name=<path                    a text field with the file's content
//! -F 'name=@path;type=image/png;filename=x.png'
//! -F 'name="a;b"'                  a double-quoted word keeps ';' (and \" \\ escapes)
//! --form-string name=value         the value as it is: no @, <, ; or quotes
//! ```
//!
//! `-` as the path reads standard input (within `-m`, see [`crate::stdin`]). Unknown
//! `;key=value` parameters are skipped with a warning, as curl does.
//!
//! The form is `multipart/form-data` (RFC 7578), built and streamed by the library.

use crate::args::Form;
use crate::stdin::StdinReader;
use h1client::{Multipart, Part};
use std::fs::File;
use std::time::Instant;

/// What a field carries.
#[derive(Debug, PartialEq, Eq)]
enum Content {
    Text(String),
    /// `@path`: a file upload.
    File(String),
    /// `<path`: the file's content as a field.
    Inline(String),
}

/// One parsed `-F` argument.
#[derive(Debug, PartialEq, Eq)]
struct Field {
    name: String,
    content: Content,
    content_type: Option<String>,
    file_name: Option<String>,
}

/// Reads one word: a double-quoted string (with `\"` and `\\`), or everything up to `;`.
/// Returns the word and the rest, which is empty or starts with `;`.
fn word(s: &str) -> (String, &str) {
    if let Some(quoted) = s.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, e @ ('"' | '\\'))) => out.push(e),
                    Some((_, e)) => {
                        out.push('\\');
                        out.push(e);
                    }
                    None => out.push('\\'),
                },
                '"' => {
                    let rest = &quoted[i + 1..];
                    let rest = rest.find(';').map_or("", |j| &rest[j..]);
                    return (out, rest);
                }
                c => out.push(c),
            }
        }
        return (out, "");
    }
    match s.find(';') {
        Some(i) => (s[..i].to_string(), &s[i..]),
        None => (s.to_string(), ""),
    }
}

fn parse(arg: &Form, warn: &mut dyn FnMut(String)) -> Result<Field, String> {
    let (raw, literal) = match arg {
        Form::Parsed(s) => (s.as_str(), false),
        Form::Literal(s) => (s.as_str(), true),
    };
    let Some((name, value)) = raw.split_once('=') else {
        return Err(format!("the form field {raw:?} has no '=' (expected name=value)"));
    };
    let mut field = Field {
        name: name.to_string(),
        content: Content::Text(value.to_string()),
        content_type: None,
        file_name: None,
    };
    if literal {
        return Ok(field);
    }
    let (kind, value) = match value.as_bytes().first() {
        Some(b'@') => ('@', &value[1..]),
        Some(b'<') => ('<', &value[1..]),
        _ => ('=', value),
    };
    let (data, mut rest) = word(value);
    field.content = match kind {
        '@' => Content::File(data),
        '<' => Content::Inline(data),
        _ => Content::Text(data),
    };
    while let Some(after) = rest.strip_prefix(';') {
        let after = after.trim_start();
        if let Some(v) = after.strip_prefix("type=") {
            let (t, r) = word(v);
            field.content_type = Some(t);
            rest = r;
        } else if let Some(v) = after.strip_prefix("filename=") {
            let (f, r) = word(v);
            field.file_name = Some(f);
            rest = r;
        } else {
            let (skipped, r) = word(after);
            if !skipped.is_empty() {
                warn(format!("skip unknown form field: {skipped}"));
            }
            rest = r;
        }
    }
    Ok(field)
}

/// Does a field read standard input (so that the form cannot be sent twice)?
pub fn reads_stdin(forms: &[Form]) -> bool {
    forms.iter().any(|f| {
        matches!(
            parse(f, &mut |_| {}).map(|f| f.content),
            Ok(Content::File(p) | Content::Inline(p)) if p == "-"
        )
    })
}

/// Builds the form from the `-F`/`--form-string` arguments; standard input is read until
/// `deadline`. Errors are (exit code, message): 2 for bad syntax, 26 for a file that cannot be
/// read (curl's codes).
pub fn build(
    forms: &[Form],
    deadline: Option<Instant>,
    warn: &mut dyn FnMut(String),
) -> Result<Multipart, (i32, String)> {
    let mut multipart = Multipart::new();
    for arg in forms {
        let field = parse(arg, warn).map_err(|m| (2, m))?;
        let mut part = match &field.content {
            Content::Text(text) => Part::text(text.as_str()),
            Content::File(path) if path == "-" => Part::reader(StdinReader::new(deadline)),
            Content::File(path) => Part::file(path).map_err(|e| (26, e.to_string()))?,
            Content::Inline(path) if path == "-" => Part::reader(StdinReader::new(deadline)),
            Content::Inline(path) => {
                let file = File::open(path).map_err(|e| (26, format!("cannot open {path}: {e}")))?;
                match file.metadata() {
                    Ok(m) if m.is_file() => Part::reader_sized(file, m.len()),
                    _ => Part::reader(file),
                }
            }
        };
        if let Some(t) = field.content_type {
            part = part.content_type(t);
        }
        if let Some(f) = field.file_name {
            part = part.file_name(f);
        }
        multipart = multipart.part(field.name, part);
    }
    Ok(multipart)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(s: &str) -> (Field, Vec<String>) {
        let mut warnings = Vec::new();
        let f = parse(&Form::Parsed(s.into()), &mut |w| warnings.push(w)).unwrap();
        (f, warnings)
    }

    #[test]
    fn curl_form_syntax() {
        let (f, _) = field("a=1");
        assert_eq!((f.name.as_str(), f.content), ("a", Content::Text("1".into())));
        let (f, _) = field("f=@dir/x.png;type=image/png;filename=y.png");
        assert_eq!(f.content, Content::File("dir/x.png".into()));
        assert_eq!(f.content_type.as_deref(), Some("image/png"));
        assert_eq!(f.file_name.as_deref(), Some("y.png"));
        let (f, _) = field("t=<notes.txt;type=text/markdown");
        assert_eq!(f.content, Content::Inline("notes.txt".into()));
        let (f, _) = field("q=\"a;b \\\"c\\\"\";type=text/x");
        assert_eq!(f.content, Content::Text("a;b \"c\"".into()));
        assert_eq!(f.content_type.as_deref(), Some("text/x"));
        let (f, w) = field("a=x;nope=1;type=t/u");
        assert_eq!(f.content, Content::Text("x".into()));
        assert_eq!(f.content_type.as_deref(), Some("t/u"));
        assert_eq!(w, ["skip unknown form field: nope=1"]);
        let (f, _) = field("empty=");
        assert_eq!(f.content, Content::Text(String::new()));
        let lit = parse(&Form::Literal("s=@not;a file".into()), &mut |_| {}).unwrap();
        assert_eq!(lit.content, Content::Text("@not;a file".into()));
        assert!(parse(&Form::Parsed("novalue".into()), &mut |_| {}).is_err());
    }
}
