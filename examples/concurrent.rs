//! One `Agent` shared by several threads: N threads make M GET requests each to one URL, over
//! the agent's pool of keep-alive connections.
//!
//! ```text
//! cargo run --release --example concurrent -- http://127.0.0.1:8000/README.md 8 100
//! ```
//!
//! Prints how many requests succeeded and failed, the bytes read, the time taken, and how many
//! idle connections the pool holds at the end: at most one per thread, since a connection goes
//! back to the pool when its body has been read to the end and the next request takes it.

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (url, threads, per_thread) = match args.as_slice() {
        [url] => (url.clone(), 4, 25),
        [url, n] => (url.clone(), parse(n), 25),
        [url, n, m] => (url.clone(), parse(n), parse(m)),
        _ => {
            eprintln!("usage: concurrent URL [THREADS] [REQUESTS_PER_THREAD]");
            return ExitCode::from(2);
        }
    };

    // Clone is cheap: the clones share one configuration and one pool
    let agent = h1client::Agent::builder()
        .timeout(Duration::from_secs(30))
        .max_idle_per_host(threads)
        .build();
    let (ok, failed, bytes) = (AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0));
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let agent = agent.clone();
            let (url, ok, failed, bytes) = (&url, &ok, &failed, &bytes);
            scope.spawn(move || {
                for _ in 0..per_thread {
                    // read to the end: that is what returns the connection to the pool
                    match agent.get(url).call().and_then(|r| r.error_for_status()?.bytes()) {
                        Ok(body) => {
                            ok.fetch_add(1, Ordering::Relaxed);
                            bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
                        }
                        Err(e) => {
                            failed.fetch_add(1, Ordering::Relaxed);
                            eprintln!("concurrent: {e}");
                        }
                    }
                }
            });
        }
    });
    let elapsed = started.elapsed();

    let (ok, failed) = (ok.into_inner(), failed.into_inner());
    println!("{threads} threads x {per_thread} requests: {ok} ok, {failed} failed");
    println!(
        "{} bytes in {:.3} s ({:.0} requests/s)",
        bytes.into_inner(),
        elapsed.as_secs_f64(),
        (ok + failed) as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    println!("idle connections: {}", agent.idle_connections());
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn parse(n: &str) -> usize {
    n.parse().unwrap_or_else(|_| {
        eprintln!("concurrent: {n:?} is not a number");
        std::process::exit(2)
    })
}
