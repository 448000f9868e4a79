//! `-w`/`--write-out FORMAT`: a line of facts after each transfer, in curl's syntax.
//!
//! `%{name}` is a variable, `%header{name}` a field of the last response, `%%` a `%`; `\n`,
//! `\r` and `\t` are a newline, a carriage return and a tab (any other `\x` is written as it
//! is, `\\` included, as curl does). An unknown variable writes nothing and a warning on stderr;
//! a `%` that starts nothing known is written as it is. `%{stderr}` and `%{stdout}` switch
//! where the rest goes; `%{onerror}` ends the output unless the transfer failed.
//!
//! Times are seconds with six decimals, counted from the start of the transfer, from the
//! library's trace events as they arrived ([`crate::record`]); a moment not reached is
//! `0.000000`, as in curl.

use crate::record::Stats;
use std::io::{self, Write};
use std::time::Duration;

/// What a transfer leaves for `-w`.
pub struct Report<'a> {
    pub stats: &'a Stats,
    /// The URL as given.
    pub url: &'a str,
    pub total: Duration,
    /// The final status; 0 when no response came.
    pub status: u16,
    pub size_download: u64,
    /// The final response's header fields.
    pub headers: &'a [(String, String)],
    pub exit_code: i32,
    pub error: &'a str,
    /// The method of the request, when no request head was sent.
    pub method: &'a str,
}

/// The format, `@file` and `@-` resolved.
pub fn load(spec: &str) -> io::Result<String> {
    match spec.strip_prefix('@') {
        None => Ok(spec.to_string()),
        Some("-") => io::read_to_string(io::stdin()),
        Some(path) => std::fs::read_to_string(path),
    }
}

/// Writes `format` for `r` to `stdout` (or `stderr` after `%{stderr}`); unknown variables are
/// reported on `stderr`.
pub fn write(format: &str, r: &Report<'_>, stdout: &mut dyn Write, stderr: &mut dyn Write) -> io::Result<()> {
    let mut to_stderr = false;
    let mut rest = format;
    while !rest.is_empty() {
        let (piece, used) = next_piece(rest);
        rest = &rest[used..];
        let out: &mut dyn Write = if to_stderr { &mut *stderr } else { &mut *stdout };
        match piece {
            Piece::Text(t) => out.write_all(t.as_bytes())?,
            Piece::Header(name) => {
                if let Some((_, v)) = r.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                    out.write_all(v.trim().as_bytes())?;
                }
            }
            Piece::Variable("stdout") => to_stderr = false,
            Piece::Variable("stderr") => to_stderr = true,
            Piece::Variable("onerror") if r.exit_code == 0 => break,
            Piece::Variable("onerror") => {}
            Piece::Variable(name) => match variable(name, r) {
                Some(v) => out.write_all(v.as_bytes())?,
                None => writeln!(stderr, "h1client: unknown --write-out variable: '{name}'")?,
            },
        }
    }
    stdout.flush()?;
    stderr.flush()
}

/// One piece of a format.
enum Piece<'a> {
    /// Written as it is.
    Text(&'a str),
    /// `%{name}`.
    Variable(&'a str),
    /// `%header{name}`.
    Header(&'a str),
}

/// The piece at the start of `rest`, and its length in `rest`.
fn next_piece(rest: &str) -> (Piece<'_>, usize) {
    let mut chars = rest.chars();
    let (first, second) = (chars.next(), chars.next());
    let closed = |start: usize| rest.find('}').filter(|&end| end >= start);
    match (first, second) {
        (Some('%'), Some('%')) => (Piece::Text("%"), 2),
        (Some('%'), Some('{')) => match closed(2) {
            Some(end) => (Piece::Variable(&rest[2..end]), end + 1),
            None => (Piece::Text("%{"), 2),
        },
        (Some('%'), _) if rest[1..].starts_with("header{") => match closed(8) {
            Some(end) => (Piece::Header(&rest[8..end]), end + 1),
            None => (Piece::Text("%header{"), 8),
        },
        (Some('\\'), Some('n')) => (Piece::Text("\n"), 2),
        (Some('\\'), Some('r')) => (Piece::Text("\r"), 2),
        (Some('\\'), Some('t')) => (Piece::Text("\t"), 2),
        // a `%` or `\` that starts nothing known is written as it is, with what follows
        (Some('%' | '\\'), Some(c)) => (Piece::Text(&rest[..1 + c.len_utf8()]), 1 + c.len_utf8()),
        (Some('%' | '\\'), None) => (Piece::Text(rest), rest.len()),
        _ => {
            let end = rest.find(['%', '\\']).unwrap_or(rest.len());
            (Piece::Text(&rest[..end]), end)
        }
    }
}

/// One `%{name}`'s text; `None` for a name curl would not know here.
fn variable(name: &str, r: &Report<'_>) -> Option<String> {
    let s = r.stats;
    let time = |t: Option<Duration>| seconds(t.unwrap_or_default());
    Some(match name {
        "http_code" | "response_code" => format!("{:03}", r.status),
        "size_download" => r.size_download.to_string(),
        "size_header" => s.header_bytes.to_string(),
        "time_total" => seconds(r.total),
        "time_namelookup" => time(s.namelookup),
        "time_connect" => time(s.connect),
        "time_appconnect" => time(s.appconnect),
        "time_starttransfer" => time(s.starttransfer),
        "url_effective" => s.url.clone(),
        "url" => r.url.to_string(),
        "num_redirects" => s.redirects.to_string(),
        "content_type" => r
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default(),
        "remote_ip" => s.remote.map(|a| a.ip().to_string()).unwrap_or_default(),
        "remote_port" => s.remote.map_or(0, |a| a.port()).to_string(),
        "exitcode" => r.exit_code.to_string(),
        "errormsg" => r.error.to_string(),
        "method" => s.method.clone().unwrap_or_else(|| r.method.to_string()),
        "scheme" => s
            .url
            .split_once("://")
            .map(|(sc, _)| sc.to_ascii_lowercase())
            .unwrap_or_default(),
        _ => return None,
    })
}

/// Seconds with six decimals, as curl writes times.
fn seconds(d: Duration) -> String {
    format!("{}.{:06}", d.as_secs(), d.subsec_micros())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(format: &str, r: &Report<'_>) -> (String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        write(format, r, &mut out, &mut err).unwrap();
        (String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
    }

    #[test]
    fn curl_syntax() {
        let stats = Stats {
            connect: Some(Duration::from_micros(1_500_002)),
            url: "http://h:8/x".into(),
            ..Stats::default()
        };
        let headers = [("Content-Type".to_string(), "text/plain".to_string())];
        let r = Report {
            stats: &stats,
            url: "h:8/x",
            total: Duration::from_millis(2),
            status: 0,
            size_download: 12,
            headers: &headers,
            exit_code: 7,
            error: "boom",
            method: "GET",
        };
        let (out, err) = render(
            "%{http_code} %{time_connect} %{time_total} %{time_appconnect}\\n%% \\\\ \\t%{nope}%z %header{content-type}|%{method}|%{scheme}%{",
            &r,
        );
        assert_eq!(out, "000 1.500002 0.002000 0.000000\n% \\\\ \t%z text/plain|GET|http%{");
        assert_eq!(err, "h1client: unknown --write-out variable: 'nope'\n");
        let (out, err) = render("a%{stderr}b%{stdout}c%{onerror}d", &r);
        assert_eq!((out.as_str(), err.as_str()), ("acd", "b"));
        let ok = Report { exit_code: 0, ..r };
        assert_eq!(render("c%{onerror}d", &ok).0, "c");
        assert_eq!(render("100%", &ok).0, "100%");
    }
}
