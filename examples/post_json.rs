//! POST a JSON document to a URL and print the reply (feature `json`).
//!
//! ```text
//! cargo run --features json --example post_json -- http://127.0.0.1:8000/echo '{"name": "ada"}'
//! cargo run --features json --example post_json -- http://127.0.0.1:8000/echo   # a built-in document
//! ```
//!
//! The document given on the command line is parsed first, so that invalid JSON is refused
//! before anything is sent. A JSON reply is printed indented; any other reply as text. Exit code
//! 0 for a 2xx or 3xx reply, 1 otherwise.

use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(url) = args.next() else {
        eprintln!("usage: post_json URL [JSON]");
        return ExitCode::from(2);
    };
    let document = match args.next() {
        None => serde_json::json!({ "name": "ada", "languages": ["rust", "python"], "admin": false }),
        Some(text) => match serde_json::from_str(&text) {
            Ok(value) => value,
            Err(e) => {
                eprintln!("post_json: the document is not JSON: {e}");
                return ExitCode::from(2);
            }
        },
    };
    match post(&url, &document) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("post_json: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Sends `document`, prints the reply; whether the status was a success.
fn post(url: &str, document: &serde_json::Value) -> h1client::Result<bool> {
    let agent = h1client::Agent::builder()
        .timeout(Duration::from_secs(30))
        .default_header("Accept", "application/json")
        .build();
    let resp = agent.post(url).send_json(document)?; // Content-Type: application/json
    let status = resp.status();
    println!("{} {}", status, resp.reason());
    let is_json = resp
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/json") || t.contains("+json"));
    if is_json {
        let reply: serde_json::Value = resp.json()?; // at most 10 MiB, like text() and bytes()
        println!("{}", serde_json::to_string_pretty(&reply).unwrap_or_default());
    } else {
        println!("{}", resp.text_lossy()?);
    }
    Ok(status < 400)
}
