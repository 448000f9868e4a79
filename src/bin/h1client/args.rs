//! The command line, parsed as curl parses it: short flags combine (`-sSf`), values attach
//! (`-XPOST`) or follow (`-X POST`), long options take `--opt value` or `--opt=value`, and
//! options and URLs may come in any order.
//!
//! Each short flag is first turned into its long name ([`long_name`]), so every flag is
//! handled in one place, under its long name.
//!
//! URLs without a scheme are taken as `http://` (curl's guess); everything else about a URL is
//! RFC 3986 and RFC 9110 §4.2, checked by the library.

use crate::units::{self, FOREVER};
use std::ffi::OsString;
use std::time::Duration;

/// Everything the command line asked for.
#[derive(Debug, Default)]
pub struct Args {
    pub urls: Vec<String>,
    pub method: Option<String>,
    pub headers: Vec<String>,
    pub data: Vec<Data>,
    pub get: bool,
    pub upload: Option<String>,
    /// `-o FILE` and `-O`, in order: the n-th goes with the n-th URL.
    pub outputs: Vec<OutputArg>,
    pub remote_header_name: bool,
    pub create_dirs: bool,
    pub dump_header: Option<String>,
    pub write_out: Option<String>,
    pub include: bool,
    pub head: bool,
    pub location: bool,
    pub max_redirs: Option<u32>,
    pub verbose: bool,
    pub trace_ascii: Option<String>,
    pub silent: bool,
    pub show_error: bool,
    pub fail: bool,
    pub fail_with_body: bool,
    pub progress_bar: bool,
    pub max_time: Option<Duration>,
    pub connect_timeout: Option<Duration>,
    pub expect100_timeout: Option<Duration>,
    pub cacert: Option<String>,
    pub cert: Option<String>,
    pub key: Option<String>,
    pub insecure: bool,
    pub user: Option<String>,
    pub oauth2_bearer: Option<String>,
    pub netrc: Option<Netrc>,
    pub netrc_file: Option<String>,
    pub user_agent: Option<String>,
    pub referer: Option<String>,
    pub range: Option<String>,
    pub continue_at: Option<Resume>,
    pub proxy: Option<String>,
    pub proxy_user: Option<String>,
    pub noproxy: Option<String>,
    pub unix_socket: Option<String>,
    pub compressed: bool,
    pub form: Vec<Form>,
    pub limit_rate: Option<u64>,
    pub max_filesize: Option<u64>,
    pub retry: u32,
    pub retry_delay: Option<Duration>,
    pub retry_max_time: Option<Duration>,
    pub retry_all_errors: bool,
    pub retry_connrefused: bool,
    /// `-0`/`--http1.0` (the last of `--http1.0` and `--http1.1` wins).
    pub http10: bool,
    /// `--resolve` entries, in order.
    pub resolve: Vec<String>,
    /// `--connect-to` rules, in order.
    pub connect_to: Vec<String>,
    /// `-4`/`-6` (the last wins).
    pub ip_version: Option<h1client::IpVersion>,
    /// `-1`/`--tlsv1`/`--tlsv1.x`: the oldest TLS version (the last wins).
    pub tls_min: Option<TlsVer>,
    /// `--tls-max`: the newest TLS version (`None`: no maximum, curl's `default`).
    pub tls_max: Option<TlsVer>,
    /// `-b NAME=VALUE…`: strings sent as they are in the `Cookie` header, in order.
    pub cookies: Vec<String>,
    /// `-b FILE`: cookie files to read (`-`: standard input); they turn the cookie engine on.
    pub cookie_files: Vec<String>,
    /// `-c FILE`: where the cookies go at the end (`-`: standard output); turns the engine on.
    pub cookie_jar: Option<String>,
    /// `-j`: session cookies read from `-b` files are dropped.
    pub junk_session_cookies: bool,
}

/// A TLS version as curl's flags name it. rustls speaks 1.2 and 1.3 only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TlsVer {
    V10,
    V11,
    V12,
    V13,
}

/// One `-o`/`-O`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputArg {
    /// `-o FILE` (`-` is standard output).
    File(String),
    /// `-O`: a file in the current directory named after the URL (or, with `-J`, as the
    /// server's `Content-Disposition` says).
    RemoteName,
}

/// `-C`: where to resume a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    /// `-C -`: from the size of the `-o` file.
    Auto,
    /// `-C OFFSET`.
    At(u64),
}

/// `-n`/`--netrc-file` (mandatory) or `--netrc-optional`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Netrc {
    /// The file must be there, and its credentials replace those in the URL.
    Required,
    /// Used when it exists, and only to complete credentials the URL lacks.
    Optional,
}

/// One `-F`/`--form-string` argument.
#[derive(Debug, Clone)]
pub enum Form {
    /// `-F name=value`: `@file` uploads a file, `<file` sends its content as a field,
    /// `;type=` and `;filename=` follow.
    Parsed(String),
    /// `--form-string name=value`: the value as it is.
    Literal(String),
}

/// One `-d`/`--data-binary`/`--data-raw`/`--data-urlencode`/`--json` argument.
#[derive(Debug, Clone)]
pub enum Data {
    /// `-d`: `@file` is read with CR and LF removed.
    Ascii(String),
    /// `--data-binary`: `@file` is read as is.
    Binary(String),
    /// `--data-raw`: no `@` interpretation.
    Raw(String),
    /// `--data-urlencode`: `content`, `=content`, `name=content`, `@file`, `name@file`.
    UrlEncode(String),
    /// `--json`: like `--data-binary`, joined to the previous data without `&`.
    Json(String),
}

/// What parsing produced: arguments to run, or a message to print and exit with.
pub enum Parsed {
    Run(Box<Args>),
    Exit(i32, String),
}

pub const USAGE: &str = "\
Usage: h1client [options...] <url>...
Request:
 -X, --request METHOD     request method
 -H, --header 'Name: v'   add a header ('Name:' removes a default one)
 -d, --data DATA          send DATA as a form body (@file: from a file, newlines removed;
                          @-: standard input)
     --data-binary DATA   send DATA as is (@file: the file's bytes)
     --data-raw DATA      send DATA without @ interpretation
     --data-urlencode D   send D URL-encoded: content, =content, name=content, @file,
                          name@file
     --json DATA          send DATA as JSON (POST, Content-Type and Accept:
                          application/json; @file; several are concatenated)
 -F, --form NAME=VALUE    multipart/form-data field (NAME=@FILE: a file, NAME=<FILE: its
                          content as a field; ;type=TYPE and ;filename=NAME may follow)
     --form-string N=V    multipart/form-data field, VALUE taken literally
 -G, --get                put the -d data in the query string and GET
 -T, --upload-file FILE   PUT FILE (streamed; '-' is stdin)
 -r, --range RANGE        ask for these bytes only (Range: bytes=RANGE)
 -C, --continue-at OFFSET resume at OFFSET ('-': at the size of the -o file, appending)
 -e, --referer URL        Referer header
 -A, --user-agent UA      User-Agent header
 -u, --user USER:PASS     Basic authentication
     --oauth2-bearer TOKEN  Authorization: Bearer TOKEN
 -n, --netrc              credentials for the host from ~/.netrc (or $NETRC)
     --netrc-optional     the same, when the file exists
     --netrc-file FILE    credentials from FILE
     --url URL            a URL (like one given without a flag)
     --http1.1            HTTP/1.1 (the default)
 -0, --http1.0            HTTP/1.0 (a body of unknown length cannot be sent)
 -b, --cookie DATA|FILE   send cookies: DATA with '=' ('N=V; N2=V2') as given, else
                          read FILE (Netscape format; '-': stdin; '@FILE' forces a
                          file), which also turns the cookie engine on
 -c, --cookie-jar FILE    write every cookie to FILE at the end (Netscape format;
                          '-': stdout); turns the cookie engine on
 -j, --junk-session-cookies  drop the session cookies read from -b files
Response:
 -o, --output FILE        write the body to FILE (one per URL; kept as it was on failure)
 -O, --remote-name        write the body to a file named like the URL's last segment
 -J, --remote-header-name with -O: the name from Content-Disposition (never overwrites)
     --create-dirs        create the directories of -o paths
 -i, --include            include the response heads (and trailers) in the output
 -I, --head               HEAD request, show the response head
 -D, --dump-header FILE   write the response heads to FILE ('-': stdout)
 -w, --write-out FORMAT   after each transfer, print FORMAT: %{http_code}, %{time_total},
                          %{size_download}, %{url_effective}, ... (@file, @-: from a file)
 -L, --location           follow redirects
     --max-redirs N       at most N redirects (-1: no limit)
 -f, --fail               exit 22 without output on HTTP status >= 400
     --fail-with-body     exit 22 on HTTP status >= 400, the body written
     --max-filesize SIZE  exit 63 rather than download more than SIZE bytes
     --compressed         ask for a compressed response (gzip, deflate, br) and decode it
Connection:
 -m, --max-time SECS      deadline for each transfer, reading an upload too (0: none)
     --connect-timeout SECS   limit for connecting (0: the default, 30 s)
     --expect100-timeout SECS  how long to wait for 100 Continue
                          (with -H 'Expect: 100-continue')
     --limit-rate RATE    at most RATE bytes per second, on average (200k, 3m, 1g)
     --retry N            try again N times on a transient error (timeout, 408, 429, 5xx)
     --retry-delay SECS   wait SECS between tries (default: 1 s, doubling)
     --retry-max-time SECS  no new try after SECS
     --retry-all-errors   try again on any error
     --retry-connrefused  try again when the connection is refused
     --cacert FILE        trust the CA certificates in FILE (PEM)
 -E, --cert FILE          client certificate chain for mutual TLS (PEM; the key too
                          unless --key is given)
     --key FILE           the client certificate's private key (PEM, unencrypted)
 -k, --insecure           do not verify the server certificate
 -x, --proxy URL          use this proxy (http://, socks5://, socks5h://)
 -U, --proxy-user U:P     credentials for the -x proxy
     --noproxy LIST       hosts that bypass the proxy (comma list, '*' for all)
     --unix-socket PATH   connect through this unix domain socket
     --resolve HOST:PORT:ADDR[,ADDR]...  use these addresses for HOST:PORT
                          ('*' as HOST: any host on PORT; -HOST:PORT drops an entry)
     --connect-to HOST1:PORT1:HOST2:PORT2  connect to HOST2:PORT2 instead of
                          HOST1:PORT1 (empty: any / unchanged)
 -4, --ipv4               connect over IPv4 only
 -6, --ipv6               connect over IPv6 only
 -1, --tlsv1              TLS 1.0 or later (1.2 is the oldest spoken here)
     --tlsv1.0, --tlsv1.1, --tlsv1.2, --tlsv1.3  TLS that version or later
     --tls-max VERSION    the newest TLS version: 1.0, 1.1, 1.2, 1.3 or default
Output on the terminal:
 -v, --verbose            show the exchange on stderr
     --trace-ascii FILE   write every byte exchanged, annotated, to FILE ('-': stdout)
 -s, --silent             no error messages, no progress bar
 -S, --show-error         error messages even with -s
 -#, --progress-bar       a plain bar of '#' for the progress
 -q, --disable            accepted (no configuration file is read anyway)
 -h, --help               this text
 -V, --version            version";

/// The long name of a short flag.
fn long_name(c: char) -> Option<&'static str> {
    Some(match c {
        'X' => "request",
        'H' => "header",
        'd' => "data",
        'F' => "form",
        'G' => "get",
        'T' => "upload-file",
        'r' => "range",
        'C' => "continue-at",
        'e' => "referer",
        'A' => "user-agent",
        'u' => "user",
        'n' => "netrc",
        'o' => "output",
        'O' => "remote-name",
        'J' => "remote-header-name",
        'i' => "include",
        'I' => "head",
        'D' => "dump-header",
        'w' => "write-out",
        'L' => "location",
        'f' => "fail",
        'm' => "max-time",
        'E' => "cert",
        'k' => "insecure",
        'x' => "proxy",
        'U' => "proxy-user",
        'v' => "verbose",
        's' => "silent",
        'S' => "show-error",
        '#' => "progress-bar",
        'q' => "disable",
        '0' => "http1.0",
        '1' => "tlsv1",
        '4' => "ipv4",
        '6' => "ipv6",
        'b' => "cookie",
        'c' => "cookie-jar",
        'j' => "junk-session-cookies",
        'h' => "help",
        'V' => "version",
        _ => return None,
    })
}

/// Parses `args` (without the program name).
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Parsed {
    match parse_inner(args) {
        Ok(a) => Parsed::Run(Box::new(a)),
        Err(Stop::Usage(m)) => Parsed::Exit(2, m),
        Err(Stop::Print(m)) => Parsed::Exit(0, m),
    }
}

enum Stop {
    Usage(String),
    Print(String),
}

impl From<String> for Stop {
    fn from(m: String) -> Stop {
        Stop::Usage(m)
    }
}

impl From<lexopt::Error> for Stop {
    fn from(e: lexopt::Error) -> Stop {
        Stop::Usage(e.to_string())
    }
}

/// The flag being read: its long name, and how it was written (for messages).
struct Flag {
    name: &'static str,
    shown: String,
}

fn parse_inner(args: impl IntoIterator<Item = OsString>) -> Result<Args, Stop> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_args(args);
    p.set_short_equals(false);
    let mut a = Args::default();
    while let Some(arg) = p.next()? {
        let flag = match arg {
            Value(v) => {
                a.urls.push(string(v, "URL")?);
                continue;
            }
            Short(c) => long_name(c).map(|name| Flag {
                name,
                shown: format!("-{c}"),
            }),
            Long(l) => KNOWN.iter().find(|&&k| k == l).map(|&name| Flag {
                name,
                shown: format!("--{l}"),
            }),
        };
        let Some(flag) = flag else {
            return Err(Stop::Usage(format!("{}\n{USAGE}", arg.unexpected())));
        };
        match flag.name {
            "help" => return Err(Stop::Print(USAGE.to_string())),
            "version" => return Err(Stop::Print(format!("h1client {}", env!("CARGO_PKG_VERSION")))),
            _ => {}
        }
        let handled = request_flag(&mut a, &flag, &mut p)?
            || response_flag(&mut a, &flag, &mut p)?
            || connection_flag(&mut a, &flag, &mut p)?
            || terminal_flag(&mut a, &flag, &mut p)?;
        debug_assert!(handled, "{} is listed but not handled", flag.name);
    }
    check(&a)?;
    Ok(a)
}

/// Every long option, as written after `--`.
const KNOWN: &[&str] = &[
    "request",
    "header",
    "data",
    "data-ascii",
    "data-binary",
    "data-raw",
    "data-urlencode",
    "json",
    "form",
    "form-string",
    "get",
    "upload-file",
    "range",
    "continue-at",
    "referer",
    "user-agent",
    "user",
    "oauth2-bearer",
    "netrc",
    "netrc-optional",
    "netrc-file",
    "url",
    "http1.1",
    "http1.0",
    "cookie",
    "cookie-jar",
    "junk-session-cookies",
    "output",
    "remote-name",
    "remote-header-name",
    "create-dirs",
    "include",
    "head",
    "dump-header",
    "write-out",
    "location",
    "max-redirs",
    "fail",
    "fail-with-body",
    "max-filesize",
    "compressed",
    "max-time",
    "connect-timeout",
    "expect100-timeout",
    "limit-rate",
    "retry",
    "retry-delay",
    "retry-max-time",
    "retry-all-errors",
    "retry-connrefused",
    "cacert",
    "cert",
    "key",
    "insecure",
    "proxy",
    "proxy-user",
    "noproxy",
    "unix-socket",
    "resolve",
    "connect-to",
    "ipv4",
    "ipv6",
    "tlsv1",
    "tlsv1.0",
    "tlsv1.1",
    "tlsv1.2",
    "tlsv1.3",
    "tls-max",
    "verbose",
    "trace-ascii",
    "silent",
    "show-error",
    "progress-bar",
    "disable",
    "help",
    "version",
];

fn string(v: OsString, opt: &str) -> Result<String, String> {
    v.into_string()
        .map_err(|v| format!("option {opt}: the value {v:?} is not valid UTF-8"))
}

fn value(p: &mut lexopt::Parser, flag: &Flag) -> Result<String, Stop> {
    Ok(string(p.value()?, &flag.shown)?)
}

/// Flags that shape the request. Returns whether `flag` is one of them.
fn request_flag(a: &mut Args, flag: &Flag, p: &mut lexopt::Parser) -> Result<bool, Stop> {
    match flag.name {
        "request" => a.method = Some(value(p, flag)?),
        "header" => a.headers.push(value(p, flag)?),
        "data" | "data-ascii" => a.data.push(Data::Ascii(value(p, flag)?)),
        "data-binary" => a.data.push(Data::Binary(value(p, flag)?)),
        "data-raw" => a.data.push(Data::Raw(value(p, flag)?)),
        "data-urlencode" => a.data.push(Data::UrlEncode(value(p, flag)?)),
        "json" => a.data.push(Data::Json(value(p, flag)?)),
        "form" => a.form.push(Form::Parsed(value(p, flag)?)),
        "form-string" => a.form.push(Form::Literal(value(p, flag)?)),
        "get" => a.get = true,
        "upload-file" => a.upload = Some(value(p, flag)?),
        "range" => a.range = Some(value(p, flag)?),
        "continue-at" => {
            let v = value(p, flag)?;
            a.continue_at = Some(match v.trim() {
                "-" => Resume::Auto,
                n => Resume::At(units::count(n, &flag.shown)?),
            });
        }
        "referer" => a.referer = Some(value(p, flag)?),
        "user-agent" => a.user_agent = Some(value(p, flag)?),
        "user" => a.user = Some(value(p, flag)?),
        "oauth2-bearer" => a.oauth2_bearer = Some(value(p, flag)?),
        "netrc" => a.netrc = Some(Netrc::Required),
        "netrc-optional" => a.netrc = Some(Netrc::Optional),
        "netrc-file" => a.netrc_file = Some(value(p, flag)?),
        "url" => a.urls.push(value(p, flag)?),
        // the last of --http1.0 and --http1.1 wins, as in curl
        "http1.1" => a.http10 = false,
        "http1.0" => a.http10 = true,
        "cookie" => {
            // curl: a value with '=' is cookie data, anything else (or '@' first) a file
            let v = value(p, flag)?;
            match v.strip_prefix('@') {
                Some(file) => a.cookie_files.push(file.to_string()),
                None if v.contains('=') => a.cookies.push(v),
                None => a.cookie_files.push(v),
            }
        }
        "cookie-jar" => a.cookie_jar = Some(value(p, flag)?),
        "junk-session-cookies" => a.junk_session_cookies = true,
        _ => return Ok(false),
    }
    Ok(true)
}

/// Flags about the response and where it goes.
fn response_flag(a: &mut Args, flag: &Flag, p: &mut lexopt::Parser) -> Result<bool, Stop> {
    match flag.name {
        "output" => a.outputs.push(OutputArg::File(value(p, flag)?)),
        "remote-name" => a.outputs.push(OutputArg::RemoteName),
        "remote-header-name" => a.remote_header_name = true,
        "create-dirs" => a.create_dirs = true,
        "include" => a.include = true,
        "head" => a.head = true,
        "dump-header" => a.dump_header = Some(value(p, flag)?),
        "write-out" => a.write_out = Some(value(p, flag)?),
        "location" => a.location = true,
        "max-redirs" => {
            let v = value(p, flag)?;
            let n: i64 = v
                .trim()
                .parse()
                .map_err(|_| format!("option --max-redirs: expected a number, got {v:?}"))?;
            // -1 (any negative) is no limit
            a.max_redirs = Some(if n < 0 {
                u32::MAX
            } else {
                u32::try_from(n).unwrap_or(u32::MAX)
            });
        }
        "fail" => a.fail = true,
        "fail-with-body" => a.fail_with_body = true,
        // 0 means no limit, as in curl
        "max-filesize" => a.max_filesize = Some(units::size(&value(p, flag)?, &flag.shown)?).filter(|&n| n > 0),
        "compressed" => a.compressed = true,
        _ => return Ok(false),
    }
    Ok(true)
}

/// Flags about connecting, time limits and trying again.
fn connection_flag(a: &mut Args, flag: &Flag, p: &mut lexopt::Parser) -> Result<bool, Stop> {
    let secs =
        |p: &mut lexopt::Parser| -> Result<Duration, Stop> { Ok(units::seconds(&value(p, flag)?, &flag.shown)?) };
    match flag.name {
        // 0, and values too large to be reached, mean no limit, as in curl
        "max-time" => a.max_time = Some(secs(p)?).filter(|t| !t.is_zero() && *t < FOREVER),
        // 0 means the default limit, as in curl
        "connect-timeout" => a.connect_timeout = Some(secs(p)?).filter(|t| !t.is_zero()),
        "expect100-timeout" => a.expect100_timeout = Some(secs(p)?),
        // 0 means no limit, as in curl
        "limit-rate" => a.limit_rate = Some(units::size(&value(p, flag)?, &flag.shown)?).filter(|&n| n > 0),
        "retry" => a.retry = u32::try_from(units::count(&value(p, flag)?, &flag.shown)?).unwrap_or(u32::MAX),
        // 0 means the default backoff, and no limit, as in curl
        "retry-delay" => a.retry_delay = Some(secs(p)?).filter(|t| !t.is_zero()),
        "retry-max-time" => a.retry_max_time = Some(secs(p)?).filter(|t| !t.is_zero()),
        "retry-all-errors" => a.retry_all_errors = true,
        "retry-connrefused" => a.retry_connrefused = true,
        "cacert" => a.cacert = Some(value(p, flag)?),
        "cert" => a.cert = Some(value(p, flag)?),
        "key" => a.key = Some(value(p, flag)?),
        "insecure" => a.insecure = true,
        "proxy" => a.proxy = Some(value(p, flag)?),
        "proxy-user" => a.proxy_user = Some(value(p, flag)?),
        "noproxy" => a.noproxy = Some(value(p, flag)?),
        "unix-socket" => a.unix_socket = Some(value(p, flag)?),
        "resolve" => a.resolve.push(value(p, flag)?),
        "connect-to" => a.connect_to.push(value(p, flag)?),
        "ipv4" => a.ip_version = Some(h1client::IpVersion::V4),
        "ipv6" => a.ip_version = Some(h1client::IpVersion::V6),
        "tlsv1" | "tlsv1.0" => a.tls_min = Some(TlsVer::V10),
        "tlsv1.1" => a.tls_min = Some(TlsVer::V11),
        "tlsv1.2" => a.tls_min = Some(TlsVer::V12),
        "tlsv1.3" => a.tls_min = Some(TlsVer::V13),
        "tls-max" => {
            let v = value(p, flag)?;
            a.tls_max = match v.as_str() {
                "default" => None,
                "1.0" => Some(TlsVer::V10),
                "1.1" => Some(TlsVer::V11),
                "1.2" => Some(TlsVer::V12),
                "1.3" => Some(TlsVer::V13),
                _ => {
                    return Err(Stop::Usage(format!(
                        "option --tls-max: expected 1.0, 1.1, 1.2, 1.3 or default, got {v:?}"
                    )))
                }
            };
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// Flags about what is shown on the terminal.
fn terminal_flag(a: &mut Args, flag: &Flag, p: &mut lexopt::Parser) -> Result<bool, Stop> {
    match flag.name {
        "verbose" => a.verbose = true,
        "trace-ascii" => a.trace_ascii = Some(value(p, flag)?),
        "silent" => a.silent = true,
        "show-error" => a.show_error = true,
        "progress-bar" => a.progress_bar = true,
        // no configuration file is read, so there is nothing to disable
        "disable" => {}
        _ => return Ok(false),
    }
    Ok(true)
}

/// Combinations curl refuses.
fn check(a: &Args) -> Result<(), Stop> {
    if a.urls.is_empty() {
        return Err(Stop::Usage(format!("no URL specified\n{USAGE}")));
    }
    if a.fail && a.fail_with_body {
        return Err(Stop::Usage(
            "You must select either --fail or --fail-with-body, not both.".into(),
        ));
    }
    let one_method = |one: &str, other: &str| {
        Err(Stop::Usage(format!(
            "You can only select one HTTP request method! You asked for both {one} and {other}."
        )))
    };
    if !a.form.is_empty() && (!a.data.is_empty() || a.upload.is_some() || a.head) {
        let other = if a.upload.is_some() {
            "PUT (-T, --upload-file)"
        } else if a.head {
            "HEAD (-I, --head)"
        } else {
            "POST (-d, --data)"
        };
        return one_method(other, "multipart formpost (-F, --form)");
    }
    // -d makes a POST unless -G moves the data into the query; HEAD and PUT cannot carry it,
    // and a HEAD request has no content (RFC 9110 §9.3.2)
    let posts = !a.data.is_empty() && !a.get;
    match (a.head, a.upload.is_some(), posts) {
        (true, true, _) => one_method("HEAD (-I, --head)", "PUT (-T, --upload-file)"),
        (true, _, true) => one_method("HEAD (-I, --head)", "POST (-d, --data)"),
        (_, true, true) => one_method("PUT (-T, --upload-file)", "POST (-d, --data)"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Args {
        match parse(args.iter().map(OsString::from)) {
            Parsed::Run(a) => *a,
            Parsed::Exit(code, m) => panic!("exit {code}: {m}"),
        }
    }

    fn usage_error(args: &[&str]) -> bool {
        matches!(parse(args.iter().map(OsString::from)), Parsed::Exit(2, _))
    }

    #[test]
    fn combined_short_flags_and_attached_values() {
        let a = run(&["-sSfL", "-XPOST", "http://h/", "-o", "out", "--max-time=2.5"]);
        assert!(a.silent && a.show_error && a.fail && a.location);
        assert_eq!(a.method.as_deref(), Some("POST"));
        assert_eq!(a.outputs, [OutputArg::File("out".into())]);
        assert_eq!(a.max_time, Some(Duration::from_millis(2500)));
        assert_eq!(a.urls, ["http://h/"]);
    }

    #[test]
    fn values_may_look_like_options() {
        let a = run(&["-d", "-x", "-H", "User-Agent:", "u"]);
        assert!(matches!(&a.data[0], Data::Ascii(d) if d == "-x"));
        assert_eq!(a.headers, ["User-Agent:"]);
    }

    #[test]
    fn every_known_long_option_is_handled() {
        for name in KNOWN {
            if matches!(*name, "help" | "version") {
                continue;
            }
            let flag = format!("--{name}");
            // each flag with a value, then a URL: a flag without a value takes none
            let value = if *name == "tls-max" { "1.2" } else { "1" };
            let parsed = parse([flag.as_str(), value, "http://h/"].iter().map(OsString::from));
            assert!(matches!(parsed, Parsed::Run(_)), "{flag}");
        }
    }

    #[test]
    fn form_and_compressed_flags() {
        let a = run(&[
            "-F",
            "a=1",
            "--form-string",
            "b=@x",
            "--compressed",
            "--expect100-timeout",
            "0.5",
            "u",
        ]);
        assert!(matches!(&a.form[0], Form::Parsed(f) if f == "a=1"));
        assert!(matches!(&a.form[1], Form::Literal(f) if f == "b=@x"));
        assert!(a.compressed);
        assert_eq!(a.expect100_timeout, Some(Duration::from_millis(500)));
    }

    #[test]
    fn zero_and_huge_timeouts_mean_no_limit() {
        let a = run(&["-m", "0", "--connect-timeout", "0.0", "u"]);
        assert_eq!((a.max_time, a.connect_timeout), (None, None));
        let a = run(&[
            "-m",
            "1e20",
            "--connect-timeout",
            "1e300",
            "--expect100-timeout",
            "1e300",
            "u",
        ]);
        assert_eq!(a.max_time, None);
        assert_eq!(a.connect_timeout, Some(FOREVER));
        assert_eq!(a.expect100_timeout, Some(FOREVER));
    }

    #[test]
    fn outputs_pair_with_urls_in_order() {
        let a = run(&["-O", "-o", "b", "-OJ", "--create-dirs", "u1", "u2", "u3"]);
        assert_eq!(
            a.outputs,
            [
                OutputArg::RemoteName,
                OutputArg::File("b".into()),
                OutputArg::RemoteName
            ]
        );
        assert!(a.remote_header_name && a.create_dirs);
    }

    #[test]
    fn resume_and_retry_values() {
        let a = run(&[
            "-C",
            "-",
            "--retry",
            "3",
            "--retry-delay",
            "0.5",
            "--limit-rate",
            "2k",
            "u",
        ]);
        assert_eq!(a.continue_at, Some(Resume::Auto));
        assert_eq!((a.retry, a.retry_delay), (3, Some(Duration::from_millis(500))));
        assert_eq!(a.limit_rate, Some(2048));
        assert_eq!(run(&["-C", "100", "u"]).continue_at, Some(Resume::At(100)));
        assert_eq!(run(&["--max-filesize", "0", "u"]).max_filesize, None);
    }

    #[test]
    fn data_with_get_goes_with_head_and_put() {
        for args in [&["-G", "-I", "-d", "x", "u"][..], &["-G", "-T", "f", "-d", "x", "u"]] {
            assert!(
                matches!(parse(args.iter().map(OsString::from)), Parsed::Run(_)),
                "{args:?}"
            );
        }
    }

    #[test]
    fn cookie_values_are_data_or_files_as_curl_decides() {
        let a = run(&[
            "-b", "a=1; b=2", "-b", "jar.txt", "-b", "@we=ird", "-b", "", "-cout", "-j", "u",
        ]);
        assert_eq!(a.cookies, ["a=1; b=2"]);
        assert_eq!(a.cookie_files, ["jar.txt", "we=ird", ""]);
        assert_eq!(a.cookie_jar.as_deref(), Some("out"));
        assert!(a.junk_session_cookies);
    }

    #[test]
    fn version_and_address_flags_keep_the_last_one() {
        let a = run(&["-0", "-4", "-6", "--tlsv1.3", "-1", "--tls-max", "1.2", "u"]);
        assert!(a.http10);
        assert_eq!(a.ip_version, Some(h1client::IpVersion::V6));
        assert_eq!((a.tls_min, a.tls_max), (Some(TlsVer::V10), Some(TlsVer::V12)));
        let a = run(&[
            "--http1.0",
            "--http1.1",
            "--tls-max",
            "1.1",
            "--tls-max",
            "default",
            "u",
        ]);
        assert!(!a.http10);
        assert_eq!(a.tls_max, None);
        let a = run(&[
            "--resolve",
            "h:1:127.0.0.1",
            "--connect-to",
            "::x:2",
            "--resolve",
            "-h:1",
            "u",
        ]);
        assert_eq!(a.resolve, ["h:1:127.0.0.1", "-h:1"]);
        assert_eq!(a.connect_to, ["::x:2"]);
    }

    #[test]
    fn usage_errors_exit_2() {
        for args in [
            &[][..],
            &["--nope", "u"],
            &["-m", "soon", "u"],
            &["-m", "-1", "u"],
            &["--retry", "-1", "u"],
            &["-C", "-5", "u"],
            &["--limit-rate", "fast", "u"],
            &["-X"],
            &["-F", "a=1", "-d", "b", "u"],
            &["-I", "-d", "x", "u"],
            &["-I", "-T", "f", "u"],
            &["-T", "f", "-d", "x", "u"],
            &["-f", "--fail-with-body", "u"],
            &["--tls-max", "1.4", "u"],
            &["--tls-max", "", "u"],
        ] {
            assert!(usage_error(args), "{args:?} should be a usage error");
        }
    }
}
