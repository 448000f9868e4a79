//! curl's exit code for each way a transfer fails.

use crate::args::Args;
use h1client::proto::Error as ProtoError;
use h1client::{Error, ErrorKind, Step};
use std::io;

/// curl's exit code for an error in this transfer: [`exit_code`], and what depends on the
/// flags — a SOCKS proxy's failure is 97, with `-f` a proxy refusing the tunnel with an error
/// status is 22, an upload source that ran past `-m` is 28, and with `-4`/`-6` an address of
/// the other family is 7 (curl tries to connect to it; a name without an address of the family
/// stays 6).
pub fn for_error(a: &Args, e: &Error) -> i32 {
    let socks = a
        .proxy
        .as_deref()
        .is_some_and(|p| p.get(..5).is_some_and(|s| s.eq_ignore_ascii_case("socks")));
    // The upload's reader (standard input, or one kept to --limit-rate) gives up at the -m
    // deadline with a TimedOut io::Error. The library reports a failing reader at
    // Step::ReadUpload with the io::Error as the source; its kind may change, the step not.
    if e.step() == Step::ReadUpload {
        return if e.io_kind() == Some(io::ErrorKind::TimedOut) && a.max_time.is_some() {
            28
        } else {
            26
        };
    }
    match e.kind() {
        ErrorKind::Dns if a.ip_version.is_some() && e.url().is_some_and(|u| connects_to_address(a, u)) => 7,
        ErrorKind::Proxy | ErrorKind::Io if socks && e.step() == Step::Tunnel => 97,
        ErrorKind::Proxy if (a.fail || a.fail_with_body) && e.status().is_some_and(|s| s >= 400) => 22,
        _ => exit_code(e),
    }
}

/// Is a connection for `url` made to an address literal (the URL's host, or a `--connect-to`
/// target), rather than to a name?
fn connects_to_address(a: &Args, url: &h1client::Url) -> bool {
    let literal = |h: &str| {
        h.trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok()
    };
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(0);
    match crate::routes::rule_for(&crate::routes::connect_rules(&a.connect_to), host, port) {
        Some(crate::routes::ConnectTo {
            to: Ok((to_host, _)), ..
        }) if !to_host.is_empty() => literal(to_host),
        _ => literal(host),
    }
}

/// curl's exit code for a library error.
pub fn exit_code(e: &Error) -> i32 {
    let eof = e.io_kind() == Some(io::ErrorKind::UnexpectedEof);
    match e.kind() {
        ErrorKind::InvalidUrl => 3,
        // a body of unknown length with --http1.0: curl's "Chunky upload is not supported"
        ErrorKind::InvalidRequest if matches!(e.protocol_error(), Some(ProtoError::ChunkedInHttp10)) => 25,
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

/// Was the connection refused (what `--retry-connrefused` retries)?
pub fn is_refused(e: &Error) -> bool {
    e.kind() == ErrorKind::Connect && e.io_kind() == Some(io::ErrorKind::ConnectionRefused)
}

fn is_certificate_problem(e: &Error) -> bool {
    e.is_certificate_error()
}
