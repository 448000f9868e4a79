//! The command line, parsed as curl parses it: short flags combine (`-sSf`), values attach
//! (`-XPOST`) or follow (`-X POST`), long options take `--opt value` or `--opt=value`, and
//! options and URLs may come in any order.
//!
//! URLs without a scheme are taken as `http://` (curl's guess); everything else about a URL is
//! RFC 3986 and RFC 9110 §4.2, checked by the library.

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
    pub outputs: Vec<String>,
    pub include: bool,
    pub head: bool,
    pub location: bool,
    pub max_redirs: Option<u32>,
    pub verbose: bool,
    pub trace_ascii: Option<String>,
    pub silent: bool,
    pub show_error: bool,
    pub fail: bool,
    pub max_time: Option<Duration>,
    pub connect_timeout: Option<Duration>,
    pub cacert: Option<String>,
    pub cert: Option<String>,
    pub key: Option<String>,
    pub insecure: bool,
    pub user: Option<String>,
    pub user_agent: Option<String>,
    pub proxy: Option<String>,
    pub noproxy: Option<String>,
    pub unix_socket: Option<String>,
    pub compressed: bool,
    pub form: Vec<Form>,
    pub expect100_timeout: Option<Duration>,
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

/// One `-d`/`--data-binary`/`--data-raw` argument.
#[derive(Debug, Clone)]
pub enum Data {
    /// `-d`: `@file` is read with CR and LF removed.
    Ascii(String),
    /// `--data-binary`: `@file` is read as is.
    Binary(String),
    /// `--data-raw`: no `@` interpretation.
    Raw(String),
}

/// What parsing produced: arguments to run, or a message to print and exit with.
pub enum Parsed {
    Run(Box<Args>),
    Exit(i32, String),
}

pub const USAGE: &str = "\
Usage: h1client [options...] <url>...
 -X, --request METHOD     request method
 -H, --header 'Name: v'   add a header ('Name:' removes a default one)
 -d, --data DATA          send DATA as a form body (@file: from a file, newlines removed)
     --data-binary DATA   send DATA as is (@file: the file's bytes)
     --data-raw DATA      send DATA without @ interpretation
 -F, --form NAME=VALUE    multipart/form-data field (NAME=@FILE: a file, NAME=<FILE: its
                          content as a field; ;type=TYPE and ;filename=NAME may follow)
     --form-string N=V    multipart/form-data field, VALUE taken literally
 -G, --get                put the -d data in the query string and GET
 -T, --upload-file FILE   PUT FILE (streamed; '-' is stdin)
 -o, --output FILE        write the body to FILE (one per URL)
 -i, --include            include the response head in the output
 -I, --head               HEAD request, show the response head
 -L, --location           follow redirects
     --max-redirs N       at most N redirects
 -v, --verbose            show the exchange on stderr
     --trace-ascii FILE   write every byte exchanged, annotated, to FILE ('-': stdout)
 -s, --silent             no error messages
 -S, --show-error         error messages even with -s
 -f, --fail               exit 22 without output on HTTP status >= 400
 -m, --max-time SECS      deadline for the whole transfer
     --connect-timeout SECS   limit for connecting
     --cacert FILE        trust the CA certificates in FILE (PEM)
 -E, --cert FILE          client certificate chain for mutual TLS (PEM; the key too
                          unless --key is given)
     --key FILE           the client certificate's private key (PEM, unencrypted)
 -k, --insecure           do not verify the server certificate
 -u, --user USER:PASS     Basic authentication
 -A, --user-agent UA      User-Agent header
 -x, --proxy URL          use this proxy (http://, socks5://, socks5h://)
     --noproxy LIST       hosts that bypass the proxy (comma list, '*' for all)
     --unix-socket PATH   connect through this unix domain socket
     --compressed         ask for a compressed response (gzip, deflate, br) and decode it
     --expect100-timeout SECS  how long to wait for 100 Continue (with -H 'Expect: 100-continue')
 -h, --help               this text
 -V, --version            version";

fn seconds(v: &str, opt: &str) -> Result<Duration, String> {
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("option {opt}: expected a number of seconds, got {v:?}"))
}

fn string(v: OsString, opt: &str) -> Result<String, String> {
    v.into_string()
        .map_err(|v| format!("option {opt}: the value {v:?} is not valid UTF-8"))
}

/// Parses `args` (without the program name).
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Parsed {
    match parse_inner(args) {
        Ok(Some(a)) => Parsed::Run(Box::new(a)),
        Ok(None) => Parsed::Exit(0, String::new()),
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

fn parse_inner(args: impl IntoIterator<Item = OsString>) -> Result<Option<Args>, Stop> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_args(args);
    p.set_short_equals(false);
    let mut a = Args::default();
    while let Some(arg) = p.next()? {
        match arg {
            Short('X') | Long("request") => a.method = Some(string(p.value()?, "-X")?),
            Short('H') | Long("header") => a.headers.push(string(p.value()?, "-H")?),
            Short('d') | Long("data") | Long("data-ascii") => a.data.push(Data::Ascii(string(p.value()?, "-d")?)),
            Long("data-binary") => a.data.push(Data::Binary(string(p.value()?, "--data-binary")?)),
            Long("data-raw") => a.data.push(Data::Raw(string(p.value()?, "--data-raw")?)),
            Short('G') | Long("get") => a.get = true,
            Short('T') | Long("upload-file") => a.upload = Some(string(p.value()?, "-T")?),
            Short('o') | Long("output") => a.outputs.push(string(p.value()?, "-o")?),
            Short('i') | Long("include") => a.include = true,
            Short('I') | Long("head") => a.head = true,
            Short('L') | Long("location") => a.location = true,
            Long("max-redirs") => {
                let v = string(p.value()?, "--max-redirs")?;
                let n: i64 = v
                    .trim()
                    .parse()
                    .map_err(|_| format!("option --max-redirs: expected a number, got {v:?}"))?;
                a.max_redirs = Some(if n < 0 {
                    u32::MAX
                } else {
                    n.min(i64::from(u32::MAX)) as u32
                });
            }
            Short('v') | Long("verbose") => a.verbose = true,
            Long("trace-ascii") => a.trace_ascii = Some(string(p.value()?, "--trace-ascii")?),
            Short('s') | Long("silent") => a.silent = true,
            Short('S') | Long("show-error") => a.show_error = true,
            Short('f') | Long("fail") => a.fail = true,
            // 0 means no limit, as in curl
            Short('m') | Long("max-time") => {
                a.max_time = Some(seconds(&string(p.value()?, "-m")?, "-m")?).filter(|t| !t.is_zero())
            }
            Long("connect-timeout") => {
                a.connect_timeout = Some(seconds(&string(p.value()?, "--connect-timeout")?, "--connect-timeout")?)
                    .filter(|t| !t.is_zero())
            }
            Long("cacert") => a.cacert = Some(string(p.value()?, "--cacert")?),
            Short('E') | Long("cert") => a.cert = Some(string(p.value()?, "--cert")?),
            Long("key") => a.key = Some(string(p.value()?, "--key")?),
            Short('k') | Long("insecure") => a.insecure = true,
            Short('u') | Long("user") => a.user = Some(string(p.value()?, "-u")?),
            Short('A') | Long("user-agent") => a.user_agent = Some(string(p.value()?, "-A")?),
            Short('x') | Long("proxy") => a.proxy = Some(string(p.value()?, "-x")?),
            Long("noproxy") => a.noproxy = Some(string(p.value()?, "--noproxy")?),
            Long("unix-socket") => a.unix_socket = Some(string(p.value()?, "--unix-socket")?),
            Long("compressed") => a.compressed = true,
            Short('F') | Long("form") => a.form.push(Form::Parsed(string(p.value()?, "-F")?)),
            Long("form-string") => a.form.push(Form::Literal(string(p.value()?, "--form-string")?)),
            Long("expect100-timeout") => {
                let v = string(p.value()?, "--expect100-timeout")?;
                a.expect100_timeout = Some(seconds(&v, "--expect100-timeout")?);
            }
            Short('h') | Long("help") => return Err(Stop::Print(USAGE.to_string())),
            Short('V') | Long("version") => {
                return Err(Stop::Print(format!("h1client {}", env!("CARGO_PKG_VERSION"))));
            }
            Value(v) => a.urls.push(string(v, "URL")?),
            other => return Err(Stop::Usage(format!("{}\n{USAGE}", other.unexpected()))),
        }
    }
    if a.urls.is_empty() {
        return Err(Stop::Usage(format!("no URL specified\n{USAGE}")));
    }
    if !a.form.is_empty() && (!a.data.is_empty() || a.upload.is_some() || a.head) {
        let other = if a.upload.is_some() {
            "PUT (-T, --upload-file)"
        } else if a.head {
            "HEAD (-I, --head)"
        } else {
            "POST (-d, --data)"
        };
        return Err(Stop::Usage(format!(
            "You can only select one HTTP request method! You asked for both {other} and multipart formpost (-F, --form)."
        )));
    }
    // -d makes a POST unless -G moves the data into the query; HEAD and PUT cannot carry it,
    // and a HEAD request has no content (RFC 9110 §9.3.2)
    let posts = !a.data.is_empty() && !a.get;
    let conflict = match (a.head, a.upload.is_some(), posts) {
        (true, true, _) => Some(("HEAD (-I, --head)", "PUT (-T, --upload-file)")),
        (true, _, true) => Some(("HEAD (-I, --head)", "POST (-d, --data)")),
        (_, true, true) => Some(("PUT (-T, --upload-file)", "POST (-d, --data)")),
        _ => None,
    };
    if let Some((one, other)) = conflict {
        return Err(Stop::Usage(format!(
            "You can only select one HTTP request method! You asked for both {one} and {other}."
        )));
    }
    Ok(Some(a))
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

    #[test]
    fn combined_short_flags_and_attached_values() {
        let a = run(&["-sSfL", "-XPOST", "http://h/", "-o", "out", "--max-time=2.5"]);
        assert!(a.silent && a.show_error && a.fail && a.location);
        assert_eq!(a.method.as_deref(), Some("POST"));
        assert_eq!(a.outputs, ["out"]);
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
    fn zero_timeouts_mean_no_limit() {
        let a = run(&["-m", "0", "--connect-timeout", "0.0", "u"]);
        assert_eq!((a.max_time, a.connect_timeout), (None, None));
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
    fn usage_errors_exit_2() {
        for args in [
            &[][..],
            &["--nope", "u"],
            &["-m", "soon", "u"],
            &["-X"],
            &["-F", "a=1", "-d", "b", "u"],
            &["-I", "-d", "x", "u"],
            &["-I", "-T", "f", "u"],
            &["-T", "f", "-d", "x", "u"],
        ] {
            match parse(args.iter().map(OsString::from)) {
                Parsed::Exit(2, _) => {}
                _ => panic!("{args:?} should be a usage error"),
            }
        }
    }
}
