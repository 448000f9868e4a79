//! `h1client`: a curl-compatible command line on top of the library.
//!
//! Everything HTTP is a library call a program could make; this file only turns flags into
//! builder calls, writes bytes where curl would write them, and maps errors to curl's exit codes.
//!
//! Where curl and the RFCs differ, the RFCs win (the conformance suite's `curl_differs` cases):
//! no `Content-Length` with a sign (RFC 9110 §8.6), no CR/LF in `-H`, `-A` or `-X` values
//! (RFC 9110 §5.5, §9.1), no automatic re-send of a POST (RFC 9112 §9.3.1), and an empty host
//! is an invalid URL (RFC 9110 §4.2.1).

#![forbid(unsafe_code)]

mod args;
mod form;
mod progress;
mod trace;

use args::{Args, Data, Parsed};
use h1client::{Agent, Error, ErrorKind, Event, Response, Step};
use std::fs::File;
use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex};

fn main() {
    let code = match args::parse(std::env::args_os().skip(1)) {
        Parsed::Exit(code, message) => {
            if code == 0 {
                println!("{message}");
            } else {
                eprintln!("h1client: {message}");
            }
            code
        }
        Parsed::Run(a) => run(&a),
    };
    std::process::exit(code);
}

/// Where response heads wait to be written (`-i`, `-I`): they arrive through trace events while
/// the library works, and are written before the body of the transfer they belong to.
type Heads = Arc<Mutex<Vec<u8>>>;

fn run(a: &Args) -> i32 {
    let heads: Heads = Arc::default();
    let agent = match build_agent(a, heads.clone()) {
        Ok(agent) => agent,
        Err((code, message)) => return report(a, code, &message),
    };
    let data = match request_data(a) {
        Ok(d) => d,
        Err(message) => return report(a, 26, &message),
    };
    let mut last = 0;
    for (i, url) in a.urls.iter().enumerate() {
        heads.lock().unwrap_or_else(|p| p.into_inner()).clear();
        let upload = a.upload.as_ref().filter(|_| i == 0);
        last = match transfer(&agent, a, url, a.outputs.get(i), (data.as_deref(), upload), &heads) {
            Ok(()) => 0,
            Err((code, message)) => report(a, code, &message),
        };
    }
    last
}

fn report(a: &Args, code: i32, message: &str) -> i32 {
    if !a.silent || a.show_error {
        eprintln!("h1client: ({code}) {message}");
    }
    code
}

fn build_agent(a: &Args, heads: Heads) -> Result<Agent, (i32, String)> {
    let mut b = Agent::builder()
        .max_redirects(if a.location { a.max_redirs.unwrap_or(50) } else { 0 })
        // curl's --compressed: only then is Accept-Encoding sent and the body decoded
        .decompress(a.compressed);
    if let Some(t) = a.expect100_timeout {
        b = b.expect_continue_timeout(t);
    }
    if let Some(t) = a.max_time {
        b = b.timeout(t);
    }
    if let Some(t) = a.connect_timeout {
        b = b.timeout_connect(t);
    }
    // Certificates are read only when TLS may be spoken, as curl loads them only then.
    let tls_possible = a.location
        || a.urls.iter().any(|u| {
            u.trim_start()
                .get(..8)
                .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
        });
    // with -k nothing is verified, and curl does not look at the CA file at all
    if let Some(path) = a.cacert.as_ref().filter(|_| tls_possible && !a.insecure) {
        // curl's exit 77: a problem with the CA file
        let pem = std::fs::read(path).map_err(|e| (77, format!("cannot read the CA file {path}: {e}")))?;
        b = b
            .try_add_root_certificates_pem(&pem)
            .map_err(|e| (77, format!("cannot use the CA file {path}: {e}")))?
            .only_added_roots(true);
    }
    if let Some(cert_path) = a.cert.as_ref().filter(|_| tls_possible) {
        // curl's exit 58: a problem with the local client certificate
        let read = |path: &str| std::fs::read(path).map_err(|e| (58, format!("cannot read {path}: {e}")));
        let cert = read(cert_path)?;
        let key = match &a.key {
            Some(key_path) => read(key_path)?,
            None => cert.clone(),
        };
        let cert = h1client::ClientCert::from_pem(&cert, &key).map_err(|e| (58, e.to_string()))?;
        b = b.client_certificate(cert);
    }
    if a.insecure {
        b = b.danger_accept_invalid_certs(true);
    }
    if let Some(proxy) = &a.proxy {
        if proxy.is_empty() {
            b = b.proxy_from_env(false);
        } else {
            let proxy = with_default_proxy_port(proxy);
            b = b.proxy(h1client::Proxy::new(&proxy).map_err(|e| (5, e.to_string()))?);
        }
    }
    // --noproxy, else the environment's no_proxy, which curl applies to -x proxies too
    let env_no_proxy = || {
        ["no_proxy", "NO_PROXY"]
            .iter()
            .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
    };
    if let Some(list) = a
        .noproxy
        .clone()
        .or_else(|| a.proxy.as_ref().and_then(|_| env_no_proxy()))
    {
        b = b.no_proxy(&list);
    }
    if let Some(path) = &a.unix_socket {
        b = b.unix_socket(path);
    }
    let verbose = a.verbose;
    let keep_heads = a.include || a.head;
    let trace_file = match &a.trace_ascii {
        Some(path) => Some(trace::TraceAscii::create(path).map_err(|e| (23, format!("cannot create {path}: {e}")))?),
        None => None,
    };
    if verbose || keep_heads || trace_file.is_some() {
        b = b.trace(move |event| {
            if keep_heads {
                if let Event::ResponseHead { bytes, .. } = event {
                    heads.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(bytes);
                }
            }
            if verbose {
                trace::verbose(event);
            }
            if let Some(t) = &trace_file {
                t.record(event);
            }
        });
    }
    Ok(b.build())
}

/// curl's `-x`: a proxy given without a port is on port 1080, whatever its scheme.
fn with_default_proxy_port(proxy: &str) -> String {
    let start = proxy.find("://").map_or(0, |i| i + 3);
    let end = proxy[start..].find(['/', '?', '#']).map_or(proxy.len(), |i| start + i);
    let host_port = &proxy[start..end];
    let host_port = host_port.rsplit_once('@').map_or(host_port, |(_, hp)| hp);
    let has_port = match host_port.strip_prefix('[') {
        Some(v6) => v6.contains("]:"),
        None => host_port.contains(':'),
    };
    if has_port || host_port.is_empty() {
        return proxy.to_string();
    }
    format!("{}:1080{}", &proxy[..end], &proxy[end..])
}

/// The body given with `-d`, `--data-binary`, `--data-raw`: the parts joined with `&`.
fn request_data(a: &Args) -> Result<Option<Vec<u8>>, String> {
    if a.data.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for (i, d) in a.data.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        match d {
            Data::Raw(s) => out.extend_from_slice(s.as_bytes()),
            Data::Ascii(s) | Data::Binary(s) => match s.strip_prefix('@') {
                None => out.extend_from_slice(s.as_bytes()),
                Some(path) => {
                    let mut bytes = Vec::new();
                    let read = if path == "-" {
                        io::stdin().lock().read_to_end(&mut bytes)
                    } else {
                        File::open(path).and_then(|mut f| f.read_to_end(&mut bytes))
                    };
                    read.map_err(|e| format!("cannot read {path}: {e}"))?;
                    if matches!(d, Data::Ascii(_)) {
                        bytes.retain(|&b| b != b'\r' && b != b'\n');
                    }
                    out.extend_from_slice(&bytes);
                }
            },
        }
    }
    Ok(Some(out))
}

/// curl's reading of a URL argument: no scheme means `http://`; only http and https are spoken.
fn normalize_url(input: &str) -> Result<String, (i32, String)> {
    let scheme_end = input.find("://").filter(|&i| {
        let s = &input[..i];
        !s.is_empty()
            && s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    match scheme_end {
        None => Ok(format!("http://{input}")),
        Some(i) => {
            let scheme = input[..i].to_ascii_lowercase();
            if scheme == "http" || scheme == "https" {
                Ok(input.to_string())
            } else {
                Err((1, format!("protocol \"{scheme}\" not supported")))
            }
        }
    }
}

/// `-T file` to a URL without a file part (ending in `/`, or with no path at all) uploads
/// under the file's name, as curl does.
fn upload_url(url: String, path: &str) -> String {
    let after_authority = url.find("://").map_or(0, |i| i + 3);
    let has_path = url[after_authority..].contains(['/', '?', '#']);
    if path == "-" || (has_path && !url.ends_with('/')) {
        return url;
    }
    let name = std::path::Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    let slash = if has_path { "" } else { "/" };
    format!("{url}{slash}{}", encoded.replace('+', "%20"))
}

/// `-G`: the data goes into the query, before any fragment, joined with `&` to a query that is
/// already there.
fn url_with_query(url: &str, data: &[u8]) -> String {
    let (base, fragment) = url.split_at(url.find('#').unwrap_or(url.len()));
    let sep = match base.find('?') {
        None => "?",
        Some(i) if i + 1 == base.len() => "",
        Some(_) => "&",
    };
    format!("{base}{sep}{}{fragment}", String::from_utf8_lossy(data))
}

/// One URL's transfer. `upload` is the `-T` file, which goes with the first URL only (as curl
/// pairs each `-T` with one URL).
fn transfer(
    agent: &Agent,
    a: &Args,
    url: &str,
    output: Option<&String>,
    (data, upload): (Option<&[u8]>, Option<&String>),
    heads: &Heads,
) -> Result<(), (i32, String)> {
    let mut url = normalize_url(url)?;
    if let Some(path) = upload {
        url = upload_url(url, path);
    }
    let mut body = data;
    if a.get {
        if let Some(d) = body.take() {
            url = url_with_query(&url, d);
        }
    }
    let method = match (&a.method, a.head, upload, body) {
        (Some(m), ..) => m.clone(),
        (None, true, ..) => "HEAD".into(),
        (None, false, Some(_), _) => "PUT".into(),
        (None, false, None, Some(_)) => "POST".into(),
        _ if !a.form.is_empty() => "POST".into(),
        _ => "GET".into(),
    };
    let mut req = agent.request(&method, &url);
    let mut has_content_type = false;
    let mut has_authorization = false;
    for h in &a.headers {
        if let Some((name, value)) = h.split_once(':') {
            let value = value.trim();
            has_content_type |= name.trim().eq_ignore_ascii_case("content-type");
            has_authorization |= name.trim().eq_ignore_ascii_case("authorization");
            req = if value.is_empty() {
                req.remove_header(name.trim())
            } else {
                req.header(name.trim(), value)
            };
        } else if let Some(name) = h.strip_suffix(';') {
            req = req.header(name.trim(), "");
        }
    }
    if let Some(ua) = &a.user_agent {
        req = if ua.is_empty() {
            req.remove_header("User-Agent")
        } else {
            req.remove_header("User-Agent").header("User-Agent", ua)
        };
    }
    // an Authorization header of the user's own wins over -u, as in curl
    if let (Some(user), false) = (&a.user, has_authorization) {
        let (name, password) = user.split_once(':').unwrap_or((user, ""));
        req = req.basic_auth(name, password);
    }
    let progress = progress::wanted(a.silent, a.verbose);
    let result = match (upload, body) {
        (None, None) if !a.form.is_empty() => {
            let mut warn = |m: String| {
                if !a.silent {
                    eprintln!("Warning: {m}");
                }
            };
            req.send_multipart(form::build(&a.form, &mut warn)?)
        }
        (Some(path), _) if path == "-" && progress => {
            let bar = progress::bar(None);
            let result = req.send_reader(progress::Counting::new(io::stdin().lock(), bar.clone(), 0));
            bar.finish();
            result
        }
        (Some(path), _) if path == "-" => req.send_reader(io::stdin().lock()),
        (Some(path), _) => {
            let file = File::open(path).map_err(|e| (26, format!("cannot open {path}: {e}")))?;
            match file.metadata() {
                Ok(meta) if progress && meta.is_file() => {
                    let bar = progress::bar(Some(meta.len()));
                    let result = req.send_seekable(progress::Counting::new(file, bar.clone(), 0));
                    bar.finish();
                    result
                }
                _ => req.send_file(file),
            }
        }
        (None, Some(d)) => {
            if !has_content_type {
                req = req.header("Content-Type", "application/x-www-form-urlencoded");
            }
            req.send(d)
        }
        (None, None) => req.call(),
    };
    let mut out = Output::new(output)?;
    let resp = result.map_err(|e| {
        let _ = write_heads(heads, &mut out, a);
        (exit_code_for(a, &e), e.to_string())
    })?;
    let write_failed = |e: io::Error| (23, format!("failed writing the output: {e}"));
    if a.fail && resp.status() >= 400 {
        write_heads(heads, &mut out, a).map_err(write_failed)?;
        return Err((22, format!("The requested URL returned error: {}", resp.status())));
    }
    if a.location && a.max_redirs == Some(0) && is_followable(&resp) {
        return Err((47, "Maximum (0) redirects followed".into()));
    }
    if let Some(codings) = undecodable_coding(&resp, &method).filter(|_| a.compressed) {
        write_heads(heads, &mut out, a).map_err(write_failed)?;
        return Err((61, format!("Unrecognized content encoding type: {codings}")));
    }
    write_heads(heads, &mut out, a).map_err(write_failed)?;
    let to_file = output.is_some_and(|o| o != "-");
    copy_body(a, resp, &mut out, progress && to_file)?;
    out.finish().map_err(write_failed)
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

/// curl's exit code for an error in this transfer: [`exit_code`], and what depends on the
/// flags — a SOCKS proxy's failure is 97, and with `-f` a proxy refusing the tunnel with an
/// error status is 22.
fn exit_code_for(a: &Args, e: &Error) -> i32 {
    let socks = a
        .proxy
        .as_deref()
        .is_some_and(|p| p.get(..5).is_some_and(|s| s.eq_ignore_ascii_case("socks")));
    match e.kind() {
        ErrorKind::Proxy | ErrorKind::Io if socks && e.step() == Step::Tunnel => 97,
        ErrorKind::Proxy if a.fail && e.status().is_some_and(|s| s >= 400) => 22,
        _ => exit_code(e),
    }
}

fn is_followable(resp: &Response) -> bool {
    matches!(resp.status(), 301 | 302 | 303 | 307 | 308)
        && resp.header("location").is_some_and(|l| !l.trim().is_empty())
}

fn write_heads(heads: &Heads, out: &mut impl Write, a: &Args) -> io::Result<()> {
    if !(a.include || a.head) {
        return Ok(());
    }
    let mut heads = heads.lock().unwrap_or_else(|p| p.into_inner());
    let r = out.write_all(&heads);
    heads.clear();
    r
}

/// Where a transfer's output goes: standard output as an unbuffered file (the body is written
/// in large pieces), or the `-o` file, created (or emptied) only when the first bytes for it
/// come, or when the transfer ends well: a failed transfer leaves an existing file as it was,
/// and creates none (as curl).
struct Output {
    file: Option<File>,
    path: Option<String>,
}

impl Output {
    fn new(path: Option<&String>) -> Result<Output, (i32, String)> {
        match path.map(String::as_str) {
            None | Some("-") => {
                use std::os::fd::AsFd;
                let stdout = io::stdout()
                    .as_fd()
                    .try_clone_to_owned()
                    .map(File::from)
                    .map_err(|e| (23, format!("cannot use standard output: {e}")))?;
                Ok(Output {
                    file: Some(stdout),
                    path: None,
                })
            }
            Some(p) => Ok(Output {
                file: None,
                path: Some(p.to_string()),
            }),
        }
    }

    fn file(&mut self) -> io::Result<&mut File> {
        if let (None, Some(p)) = (&self.file, &self.path) {
            let created = File::create(p).map_err(|e| io::Error::new(e.kind(), format!("cannot create {p}: {e}")))?;
            self.file = Some(created);
        }
        self.file.as_mut().ok_or_else(|| io::Error::other("no output"))
    }

    /// The transfer succeeded: an empty body still makes an (empty) file.
    fn finish(&mut self) -> io::Result<()> {
        self.file().map(drop)
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.file()?.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

fn copy_body(a: &Args, resp: Response, out: &mut Output, show_progress: bool) -> Result<(), (i32, String)> {
    let mut reader = resp.into_reader();
    let bar = show_progress.then(|| progress::bar(reader.expected_len()));
    let mut buf = vec![0u8; 64 * 1024];
    let result = loop {
        let n = match reader.read_body(&mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => n,
            Err(e) => break Err((exit_code_for(a, &e), e.to_string())),
        };
        if let Some(bar) = &bar {
            bar.set_position(reader.received());
        }
        if let Err(e) = out.write_all(&buf[..n]) {
            break Err((23, format!("failed writing the body: {e}")));
        }
    };
    match (&bar, &result) {
        (Some(bar), Ok(())) => bar.finish(),
        (Some(bar), Err(_)) => bar.abandon(),
        _ => {}
    }
    result
}

/// curl's exit code for a library error.
fn exit_code(e: &Error) -> i32 {
    let eof = e.io_kind() == Some(io::ErrorKind::UnexpectedEof);
    match e.kind() {
        ErrorKind::InvalidUrl => 3,
        ErrorKind::InvalidRequest if e.step() == Step::Send => 26,
        ErrorKind::InvalidRequest => 2,
        ErrorKind::Dns | ErrorKind::Proxy if e.step() == Step::ResolveProxy => 5,
        ErrorKind::Dns => 6,
        ErrorKind::Connect => 7,
        ErrorKind::Tls if is_certificate_problem(e) => 60,
        // after the handshake (an alert while reading the response): curl's receive error
        ErrorKind::Tls if e.step() != Step::TlsHandshake => 56,
        ErrorKind::Tls => 35,
        ErrorKind::Timeout => 28,
        ErrorKind::Io => match e.step() {
            Step::ReadUpload => 26,
            Step::Send => 55,
            Step::ReceiveHead if eof => 52,
            Step::ReceiveBody if eof => 18,
            _ => 56,
        },
        ErrorKind::Protocol if e.step() == Step::ReceiveBody => 56,
        ErrorKind::Protocol => 8,
        ErrorKind::TooManyRedirects => 47,
        ErrorKind::RedirectRefused => 1,
        ErrorKind::Status => 22,
        ErrorKind::BodyTooLarge => 63,
        ErrorKind::Proxy => 56,
        ErrorKind::Decode => 61,
        ErrorKind::LocalIo if e.step() == Step::ReadUpload => 26,
        ErrorKind::LocalIo => 23,
        _ => 1,
    }
}

fn is_certificate_problem(e: &Error) -> bool {
    e.is_certificate_error()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxy_without_a_port_is_on_1080() {
        for (given, want) in [
            ("127.0.0.1", "127.0.0.1:1080"),
            ("http://p", "http://p:1080"),
            ("http://u:pw@p/", "http://u:pw@p:1080/"),
            ("http://[::1]", "http://[::1]:1080"),
            ("http://p:80", "http://p:80"),
            ("http://[::1]:3128", "http://[::1]:3128"),
            ("socks5h://u:p@h:9050", "socks5h://u:p@h:9050"),
        ] {
            assert_eq!(with_default_proxy_port(given), want, "{given}");
        }
    }

    #[test]
    fn get_data_goes_into_the_query() {
        for (url, want) in [
            ("http://h/p", "http://h/p?a=1"),
            ("http://h/p?x", "http://h/p?x&a=1"),
            ("http://h/p?", "http://h/p?a=1"),
            ("http://h/p#f", "http://h/p?a=1#f"),
        ] {
            assert_eq!(url_with_query(url, b"a=1"), want, "{url}");
        }
    }
}
