//! Running the `h1client` binary in the CLI tests: with the proxy and netrc variables of the
//! environment removed, with a standard input, in a directory, or on a pseudo-terminal.
#![allow(dead_code)]

use super::support::{Act, Server};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_h1client");

/// The CLI without the environment's proxies or .netrc, in `dir` when given.
pub fn command(dir: Option<&Path>, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args);
    for var in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
        "NETRC",
    ] {
        c.env_remove(var);
    }
    if let Some(dir) = dir {
        c.current_dir(dir);
    }
    c
}

pub fn run_with(mut c: Command, stdin: &[u8]) -> Output {
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Err(e) = child.stdin.take().unwrap().write_all(stdin) {
        // The program may end without reading its input (it refused the request first).
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "writing standard input: {e}");
    }
    child.wait_with_output().unwrap()
}

pub fn cli(args: &[&str]) -> Output {
    run_with(command(None, args), b"")
}

pub fn cli_in(dir: &Path, args: &[&str]) -> Output {
    run_with(command(Some(dir), args), b"")
}

pub fn cli_stdin(args: &[&str], stdin: &[u8]) -> Output {
    run_with(command(None, args), stdin)
}

pub fn code(o: &Output) -> Option<i32> {
    o.status.code()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// One connection: read a request, send `response`, close.
pub fn one(response: Vec<u8>) -> Server {
    Server::conns(vec![vec![Act::Read, Act::Send(response), Act::Close]])
}

/// An empty directory of this test's own.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("h1client-flags-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the CLI on a pseudo-terminal (Python's pty module); returns what the terminal showed.
pub fn cli_on_terminal(args: &[&str]) -> (Option<i32>, String) {
    const RUN: &str = r#"
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    out += data
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(RUN)
        .arg(BIN)
        .args(args)
        .env("TERM", "xterm")
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .output()
        .expect("python3 runs");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}
