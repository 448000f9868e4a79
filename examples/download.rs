//! Download a URL to a file, with progress on standard error.
//!
//! ```text
//! cargo run --example download -- http://127.0.0.1:8000/big.iso big.iso
//! ```
//!
//! The body streams to `FILE.part`, which becomes `FILE` only once the whole body has arrived:
//! a 4xx or 5xx status, a dropped connection, a full disk or Ctrl-C never leave a file that
//! looks complete, and an existing `FILE` is replaced only by a complete download. Exit code 0
//! on success, 1 on any failure (with one line saying what failed).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, path] = args.as_slice() else {
        eprintln!("usage: download URL FILE");
        return ExitCode::from(2);
    };
    match download(url, Path::new(path)) {
        Ok(bytes) => {
            eprintln!("saved {bytes} bytes to {path}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("download: {e}");
            ExitCode::FAILURE
        }
    }
}

fn download(url: &str, dest: &Path) -> h1client::Result<u64> {
    let agent = h1client::Agent::builder()
        .timeout_connect(Duration::from_secs(10))
        .timeout_read(Duration::from_secs(60)) // a stalled server fails; a slow one does not
        .decompress(false) // the bytes as served: a .gz stays a .gz
        .build();
    let resp = agent.get(url).call()?.error_for_status()?;
    let mut body = resp.into_reader();

    let mut part = dest.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    let result = save(&mut body, &part, dest);
    if result.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    result
}

fn save(body: &mut h1client::BodyReader, part: &Path, dest: &Path) -> h1client::Result<u64> {
    let mut file = File::create(part)?; // a local failure: ErrorKind::LocalIo
    let started = Instant::now();
    let mut last_report = started;
    let stderr = std::io::stderr();
    let written = body.copy_to_with_progress(&mut file, |p| {
        // at most ten lines a second
        if last_report.elapsed() < Duration::from_millis(100) {
            return;
        }
        last_report = Instant::now();
        let rate = p.received as f64 / started.elapsed().as_secs_f64().max(0.001) / 1e6;
        let mut err = stderr.lock();
        let _ = match p.expected {
            Some(total) if total > 0 => write!(
                err,
                "\r{:5.1}%  {} of {} bytes  {rate:.1} MB/s",
                p.received as f64 * 100.0 / total as f64,
                p.received,
                total
            ),
            _ => write!(err, "\r{} bytes  {rate:.1} MB/s", p.received),
        };
    })?;
    eprintln!("\r100.0%  {written} bytes in {:.2} s", started.elapsed().as_secs_f64());
    file.sync_all()?;
    std::fs::rename(part, dest)?;
    Ok(written)
}
