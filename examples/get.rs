//! GET a URL and print what came back: the status line, the headers, a blank line, the body.
//!
//! ```text
//! cargo run --example get -- http://127.0.0.1:8000/README.md
//! ```
//!
//! The body is streamed to standard output as it arrives (constant memory, any size). Errors go
//! to standard error with the exit code 1; a 4xx or 5xx status is printed like any response and
//! also exits with 1, as `curl --fail-with-body` does.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let Some(url) = std::env::args().nth(1) else {
        eprintln!("usage: get URL");
        return ExitCode::from(2);
    };
    match run(&url) {
        Ok(status) if status < 400 => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            // one line, naming what failed and with whom: "connect to 127.0.0.1:9: connection refused"
            eprintln!("get: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(url: &str) -> h1client::Result<u16> {
    let agent = h1client::Agent::builder()
        .timeout_connect(Duration::from_secs(10))
        .timeout_read(Duration::from_secs(30))
        .build();
    let resp = agent.get(url).call()?;

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "{} {} {}", resp.http_version(), resp.status(), resp.reason())?;
    for (name, value) in resp.headers() {
        writeln!(out, "{name}: {value}")?;
    }
    writeln!(out)?;

    let status = resp.status();
    resp.into_reader().copy_to(&mut out)?;
    out.flush()?;
    Ok(status)
}
