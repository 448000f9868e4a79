//! One try of one URL: send the request with its body, check the response as curl would
//! (`-f`, `-C`, `--max-filesize`, `-J`, …), and copy the body to the output.
//!
//! The output itself lives in the [`Recorder`](crate::record::Recorder) while the transfer
//! runs (the trace callback writes the heads into it as they arrive); this file writes the body
//! and the trailers after them.

use crate::args::Args;
use crate::exit_codes;
use crate::progress::{self, Counting};
use crate::rate::{Throttle, Throttled};
use crate::request::{self, Target};
use crate::session::Session;
use crate::stdin::StdinReader;
use h1client::{RequestBuilder, Response};
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::time::{Duration, Instant, SystemTime};

/// What one try ended with.
pub struct Outcome {
    pub result: Result<(), (i32, String)>,
    /// Keep the output although the result is an error (`--fail-with-body`).
    pub keep_output: bool,
    pub status: Option<u16>,
    /// The final response's header fields.
    pub headers: Vec<(String, String)>,
    pub retry_after: Option<Duration>,
    pub refused: bool,
    /// Body bytes received (after the chunked framing, before content decoding).
    pub size_download: u64,
    pub method: String,
    pub replayable: bool,
}

/// Tries the `i`-th URL once. `resume` is the `-C` offset.
pub fn attempt(s: &Session<'_>, i: usize, url: &str, resume: Option<u64>, started: Instant) -> Outcome {
    let mut o = Outcome {
        result: Ok(()),
        keep_output: false,
        status: None,
        headers: Vec::new(),
        retry_after: None,
        refused: false,
        size_download: 0,
        method: String::new(),
        replayable: true,
    };
    o.result = run(s, i, url, resume, started, &mut o);
    o
}

fn run(
    s: &Session<'_>,
    i: usize,
    url: &str,
    resume: Option<u64>,
    started: Instant,
    o: &mut Outcome,
) -> Result<(), (i32, String)> {
    let a = s.args;
    let deadline = a.max_time.map(|t| started + t);
    // -T goes with the first URL only, as curl pairs each -T with one URL
    let upload = a.upload.as_deref().filter(|_| i == 0);
    let target = request::target(a, url, upload, s.data.as_deref())?;
    o.method = target.method.clone();
    s.recorder.set_url(&target.url);
    o.replayable = upload != Some("-") && !crate::form::reads_stdin(&a.form);
    connect_to_check(a, &target.url)?;
    let req = request::builder(s, &target, resume)?;
    let resp = send(s, req, &target, upload, deadline)?.map_err(|e| {
        o.refused = exit_codes::is_refused(&e);
        (exit_codes::for_error(a, &e), message(a, &e))
    })?;
    if let Some(e) = s.recorder.take_write_error() {
        return Err((23, format!("failed writing the output: {e}")));
    }
    o.status = Some(resp.status());
    o.headers = resp.headers().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    o.retry_after = resp
        .header("retry-after")
        .and_then(|v| crate::retry::retry_after(v, SystemTime::now()));
    let remote_name = a.outputs.get(i) == Some(&crate::args::OutputArg::RemoteName);
    if !check_response(s, &resp, &target, resume, remote_name)? {
        return Ok(());
    }
    let failed_with_body = a.fail_with_body && resp.status() >= 400;
    let status = resp.status();
    copy_body(s, resp, deadline, o)?;
    if failed_with_body {
        o.keep_output = true;
        return Err((22, format!("The requested URL returned error: {status}")));
    }
    Ok(())
}

/// The `--connect-to` rule that applies to `url` has a target curl cannot use (exit 49).
fn connect_to_check(a: &Args, url: &str) -> Result<(), (i32, String)> {
    if a.connect_to.is_empty() {
        return Ok(());
    }
    let Ok(url) = h1client::Url::parse(url) else {
        return Ok(());
    };
    let rules = crate::routes::connect_rules(&a.connect_to);
    let host = url.host_str().unwrap_or_default();
    match crate::routes::rule_for(&rules, host, url.port_or_known_default().unwrap_or(0)) {
        Some(crate::routes::ConnectTo { to: Err(why), .. }) => Err((crate::routes::SYNTAX, why.clone())),
        _ => Ok(()),
    }
}

/// The error's message, or why no TLS version could be offered (the library fails the first
/// `https` request then, before connecting: curl's exit 35, which the kind `Tls` gives).
fn message(a: &Args, e: &h1client::Error) -> String {
    match crate::agent::tls_range_problem(a) {
        Some(why) if e.kind() == h1client::ErrorKind::Tls => why,
        _ => e.to_string(),
    }
}

/// Sends the request with its body: `-F`, `-T`, `-d`, or none. The outer error is one found
/// before anything is sent (a file that does not open).
fn send(
    s: &Session<'_>,
    req: RequestBuilder,
    t: &Target,
    upload: Option<&str>,
    deadline: Option<Instant>,
) -> Result<h1client::Result<Response>, (i32, String)> {
    let a = s.args;
    if !a.form.is_empty() && upload.is_none() && !t.body {
        let mut warn = |m: String| crate::warn(a, &m);
        return Ok(req.send_multipart(crate::form::build(&a.form, deadline, &mut warn)?));
    }
    match (upload, s.data.as_deref().filter(|_| t.body)) {
        (Some("-"), _) => Ok(upload_stdin(a, req, deadline)),
        (Some(path), _) => upload_file(a, req, path, deadline),
        (None, Some(d)) => Ok(match a.limit_rate {
            // a seekable body keeps its Content-Length and can be sent again
            Some(rate) => req.send_seekable(Throttled::new(std::io::Cursor::new(d), Throttle::new(rate, deadline))),
            None => req.send(d),
        }),
        (None, None) => Ok(req.call()),
    }
}

/// `-T -`: standard input, streamed (chunked), within `-m` and `--limit-rate`.
fn upload_stdin(a: &Args, req: RequestBuilder, deadline: Option<Instant>) -> h1client::Result<Response> {
    let mut source: Box<dyn Read> = Box::new(StdinReader::new(deadline));
    let bar = progress::wanted(a.silent, a.verbose).then(|| progress::bar(None, a.progress_bar));
    if let Some(bar) = &bar {
        source = Box::new(Counting::new(source, bar.clone(), 0));
    }
    if let Some(rate) = a.limit_rate {
        source = Box::new(Throttled::new(source, Throttle::new(rate, deadline)));
    }
    let result = req.send_reader(source);
    if let Some(bar) = bar {
        bar.finish();
    }
    result
}

/// `-T FILE`: a regular file goes with its length and can be sent again (a 307, a retry);
/// anything else (a FIFO) is streamed.
fn upload_file(
    a: &Args,
    req: RequestBuilder,
    path: &str,
    deadline: Option<Instant>,
) -> Result<h1client::Result<Response>, (i32, String)> {
    let file = File::open(path).map_err(|e| (26, format!("cannot open {path}: {e}")))?;
    let regular_len = file.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
    let bars = progress::wanted(a.silent, a.verbose);
    let throttle = a.limit_rate.map(|rate| Throttle::new(rate, deadline));
    Ok(match (regular_len, throttle) {
        (None, Some(t)) => req.send_reader(Throttled::new(file, t)),
        (Some(len), t) if bars || t.is_some() => {
            let bar = bars.then(|| progress::bar(Some(len), a.progress_bar));
            let mut source: Box<dyn ReadSeek> = Box::new(file);
            if let Some(bar) = &bar {
                source = Box::new(Counting::new(source, bar.clone(), 0));
            }
            if let Some(t) = t {
                source = Box::new(Throttled::new(source, t));
            }
            let result = req.send_seekable(source);
            if let Some(bar) = bar {
                bar.finish();
            }
            result
        }
        _ => req.send_file(file),
    })
}

/// `Read + Seek` as one trait object.
trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

/// curl's checks on the final response head, before the body. `Ok(false)`: the transfer is
/// done and the body is not wanted (a resumed download that is already complete).
fn check_response(
    s: &Session<'_>,
    resp: &Response,
    t: &Target,
    resume: Option<u64>,
    remote_name: bool,
) -> Result<bool, (i32, String)> {
    let a = s.args;
    let status = resp.status();
    let resuming = resume.filter(|&o| o > 0 && t.method == "GET");
    // a 416 to a resumed download: the file is presumably complete, which is no error (curl)
    if resuming.is_some() && status == 416 {
        return Ok(false);
    }
    if a.fail && status >= 400 {
        return Err((22, format!("The requested URL returned error: {status}")));
    }
    if a.location && a.max_redirs == Some(0) && is_followable(resp) {
        return Err((47, "Maximum (0) redirects followed".into()));
    }
    if let Some(codings) = undecodable_coding(resp, &t.method).filter(|_| a.compressed) {
        return Err((61, format!("Unrecognized content encoding type: {codings}")));
    }
    if let Some(offset) = resuming {
        if content_range_start(resp) != Some(offset) {
            if resp.content_length() == Some(offset) {
                crate::note(a, "The entire document is already downloaded");
                return Ok(false);
            }
            return Err((
                33,
                "HTTP server doesn't seem to support byte ranges. Cannot resume.".into(),
            ));
        }
    }
    if let (Some(max), Some(len)) = (a.max_filesize, resp.content_length()) {
        if len > max {
            return Err((63, "Maximum file size exceeded".into()));
        }
    }
    if remote_name && resume.is_none() {
        remote_header_name(s, resp)?;
    }
    Ok(true)
}

/// `-O -J`: the file is named as `Content-Disposition` says (no directory, never `..`); an
/// existing file of that name is not overwritten (curl's exit 23).
fn remote_header_name(s: &Session<'_>, resp: &Response) -> Result<(), (i32, String)> {
    let a = s.args;
    if !a.remote_header_name {
        return Ok(());
    }
    let Some(value) = resp.header("content-disposition") else {
        return Ok(());
    };
    let Some(name) = crate::output::disposition_name(value) else {
        crate::warn(
            a,
            &format!("ignoring the unusable file name in Content-Disposition: {value}"),
        );
        return Ok(());
    };
    let renamed = s.recorder.with_output(|out| {
        out.rename_target(&name);
        out.target().map(|p| p.to_path_buf())
    });
    match renamed.flatten() {
        Some(path) if path.symlink_metadata().is_ok() => {
            Err((23, format!("refusing to overwrite {}: the file exists", path.display())))
        }
        _ => Ok(()),
    }
}

/// The first byte position of a `Content-Range` (`bytes 100-199/200`), read as curl does.
fn content_range_start(resp: &Response) -> Option<u64> {
    let v = resp.header("content-range")?;
    let digits: String = v
        .trim_start_matches(|c: char| !c.is_ascii_digit() && c != '*')
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Copies the body to the output, within `--max-filesize` and `--limit-rate`, then the
/// trailers.
fn copy_body(s: &Session<'_>, resp: Response, deadline: Option<Instant>, o: &mut Outcome) -> Result<(), (i32, String)> {
    let a = s.args;
    let mut reader = resp.into_reader();
    let to_file = s.recorder.with_output(|out| out.target().is_some()).unwrap_or(false);
    let bar = (progress::wanted(a.silent, a.verbose) && to_file)
        .then(|| progress::bar(reader.expected_len(), a.progress_bar));
    let mut throttle = a.limit_rate.map(|r| Throttle::new(r, deadline));
    let mut buf = vec![0u8; 64 * 1024];
    let piece = throttle.as_ref().map_or(buf.len(), Throttle::piece).min(buf.len());
    let mut written = 0u64;
    let result = loop {
        let n = match reader.read_body(&mut buf[..piece]) {
            Ok(0) => break Ok(()),
            Ok(n) => n,
            Err(e) => break Err((exit_codes::for_error(a, &e), e.to_string())),
        };
        o.size_download = reader.received();
        written += n as u64;
        if a.max_filesize.is_some_and(|max| written.max(reader.received()) > max) {
            break Err((63, "Maximum file size exceeded".into()));
        }
        if let Some(bar) = &bar {
            bar.set_position(reader.received());
        }
        let wrote = s.recorder.with_output(|out| out.write_all(&buf[..n]));
        if let Some(Err(e)) = wrote {
            break Err((23, format!("failed writing the body: {e}")));
        }
        if let Some(Err(_)) = throttle.as_mut().map(|t| t.account(n)) {
            break Err((
                28,
                format!(
                    "Operation timed out after {} milliseconds",
                    a.max_time.unwrap_or_default().as_millis()
                ),
            ));
        }
    };
    o.size_download = reader.received();
    match (&bar, &result) {
        (Some(bar), Ok(())) => bar.finish(),
        (Some(bar), Err(_)) => bar.abandon(),
        _ => {}
    }
    result?;
    s.recorder
        .trailers(reader.trailers())
        .map_err(|e| (23, format!("failed writing the trailers: {e}")))
}

/// The content codings of a body that was asked to be decoded (`--compressed`) but could not
/// be, as curl reports them (exit 61); `None` when there is nothing left undone.
fn undecodable_coding(resp: &Response, method: &str) -> Option<String> {
    let bodiless = method == "HEAD" || resp.status() < 200 || matches!(resp.status(), 204 | 206 | 304);
    if bodiless || resp.is_decoded() || resp.content_length() == Some(0) {
        return None;
    }
    let codings: Vec<&str> = resp
        .header_all("content-encoding")
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("identity"))
        .collect();
    (!codings.is_empty()).then(|| codings.join(", "))
}

fn is_followable(resp: &Response) -> bool {
    matches!(resp.status(), 301 | 302 | 303 | 307 | 308)
        && resp.header("location").is_some_and(|l| !l.trim().is_empty())
}
