//! Loopback comparison benchmark for h1client. See README.md.
//!
//! One binary, three roles:
//! - no subcommand: the harness, which starts the server, runs every client in turn and writes
//!   the report (`--runs N`, `--quick`, `--only LIST`, `--clients LIST`, `--with-build`);
//! - `server cert=PATH key=PATH`: the loopback server, in a process of its own;
//! - `client NAME OP key=value...`: one client run, in a process of its own.

mod alloc;
mod clients;
mod cold;
mod harness;
mod hello;
mod raw;
mod report;
mod server;
mod tlsutil;
mod usage;

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

/// Command-line words: positional ones and `key=value` pairs.
pub struct Args {
    positional: Vec<String>,
    pairs: Vec<(String, String)>,
}

impl Args {
    fn parse(words: impl Iterator<Item = String>) -> Args {
        let mut args = Args {
            positional: Vec::new(),
            pairs: Vec::new(),
        };
        for w in words {
            match w.split_once('=') {
                Some((k, v)) if !k.starts_with('-') => args.pairs.push((k.to_string(), v.to_string())),
                _ => args.positional.push(w),
            }
        }
        args
    }

    /// The `i`-th positional word (0 is the subcommand).
    pub fn positional(&self, i: usize) -> Result<&str, String> {
        self.positional
            .get(i)
            .map(String::as_str)
            .ok_or_else(|| format!("missing argument {i}"))
    }

    /// The value of `key=...`.
    pub fn get(&self, key: &str) -> Result<&str, String> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| format!("missing {key}=..."))
    }

    /// A numeric `key=N`.
    pub fn num(&self, key: &str) -> Result<u64, String> {
        let v = self.get(key)?;
        v.parse().map_err(|_| format!("{key}={v}: not a number"))
    }

    /// A numeric `key=N`, or `default` when absent.
    pub fn num_or(&self, key: &str, default: u64) -> Result<u64, String> {
        match self.get(key) {
            Ok(_) => self.num(key),
            Err(_) => Ok(default),
        }
    }
}

fn main() {
    let args = Args::parse(std::env::args().skip(1));
    let result = match args.positional.first().map(String::as_str) {
        Some("server") => server::main(&args),
        Some("client") => clients::main(&args),
        _ => harness::main(std::env::args().skip(1).collect()),
    };
    if let Err(e) = result {
        eprintln!("h1client-bench: {e}");
        std::process::exit(1);
    }
}
