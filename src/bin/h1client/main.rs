//! `h1client`: a curl-compatible command line on top of the library.
//!
//! Everything HTTP is a library call a program could make; the command line only turns flags
//! into builder calls, writes bytes where curl would write them, and maps errors to curl's exit
//! codes. The way through the files:
//!
//! | file | job |
//! |---|---|
//! | `args.rs`, `units.rs` | the flags and their values |
//! | `session.rs` | the run: for each URL, its tries (`retry.rs`), its output kept or not, `-w` |
//! | `agent.rs`, `routes.rs` | the `Agent` the flags describe; `--resolve` and `--connect-to` |
//! | `cookies.rs` | curl's cookie engine on the library's jar: `-b`, `-c`, `-j` |
//! | `request.rs`, `data.rs`, `form.rs`, `netrc.rs` | the request: URL, method, headers, credentials, body |
//! | `transfer.rs` | one try: send, check the response as curl does, copy the body |
//! | `record.rs`, `trace.rs` | the trace callback: heads as they arrive, `-D`, `-v`, `--trace-ascii`, what `-w` reports |
//! | `output.rs` | the body's destination: stdout, or a file replaced only on success |
//! | `write_out.rs`, `exit_codes.rs` | `-w` lines; curl's exit codes |
//! | `stdin.rs`, `rate.rs`, `progress.rs` | stdin within `-m`; `--limit-rate`; progress bars |
//!
//! Where curl and the RFCs differ, the RFCs win (the conformance suite's `curl_differs` cases):
//! no `Content-Length` with a sign (RFC 9110 §8.6), no CR/LF in `-H`, `-A` or `-X` values
//! (RFC 9110 §5.5, §9.1), no automatic re-send of a POST that may have reached the server
//! (RFC 9110 §9.2.2), and an empty host is an invalid URL (RFC 9110 §4.2.1).

#![forbid(unsafe_code)]

mod agent;
mod args;
mod cookies;
mod data;
mod exit_codes;
mod form;
mod netrc;
mod output;
mod progress;
mod rate;
mod record;
mod request;
mod retry;
mod routes;
mod session;
mod stdin;
mod trace;
mod transfer;
mod units;
mod write_out;

use args::{Args, Parsed};

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

/// Every URL in turn; the last one's exit code is the program's, as in curl.
fn run(a: &Args) -> i32 {
    let session = match session::Session::new(a) {
        Ok(s) => s,
        Err((code, message)) => return report(a, code, &message),
    };
    let mut last = 0;
    for (i, url) in a.urls.iter().enumerate() {
        last = session.run_url(i, url);
    }
    // -c: the cookies are written whatever became of the transfers, as curl writes them
    session.save_cookies();
    last
}

/// An error, on stderr unless `-s` (and `-S` shows it again); returns `code`.
pub fn report(a: &Args, code: i32, message: &str) -> i32 {
    if !a.silent || a.show_error {
        eprintln!("h1client: ({code}) {message}");
    }
    code
}

/// A warning, on stderr unless `-s`, as curl's `Warning: ` lines.
pub fn warn(a: &Args, message: &str) {
    if !a.silent {
        eprintln!("Warning: {message}");
    }
}

/// A note for `-v`, as curl's `* ` lines.
pub fn note(a: &Args, message: &str) {
    if a.verbose {
        eprintln!("* {message}");
    }
}
