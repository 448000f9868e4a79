//! The harness: starts the server, runs each client of each scenario in a process of its own,
//! checks what every run received, and hands the figures to the report.

use crate::{cold, hello, report, tlsutil};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;

/// Longest a single client run may take before it is killed and counted as failed.
const RUN_LIMIT: Duration = Duration::from_secs(600);

/// With `--pin` (on a quiet machine with two cores or more), the server runs on this CPU…
const SERVER_CPU: usize = 0;
/// …and each client process (with its threads and children) on this one.
const CLIENT_CPU: usize = 1;

/// What a scenario's figures mean, and so how they are compared.
#[derive(Clone, Copy, PartialEq)]
pub enum Kind {
    /// One big body: throughput and CPU as ratios to the raw socket.
    Bulk,
    /// Many small exchanges: time and CPU per request as ratios to the best peer.
    PerRequest,
    /// Heap allocations per request, as a ratio to the best peer.
    Alloc,
}

/// One benchmark scenario.
pub struct Scenario {
    /// Name for `--only`.
    pub id: &'static str,
    pub title: String,
    pub kind: Kind,
    /// The client operation (see `clients.rs`).
    op: &'static str,
    tls: bool,
    path: String,
    /// Body bytes each response must have.
    pub expect: u64,
    /// Requests measured.
    pub count: u64,
    /// Requests made before measuring.
    warmup: u64,
    pub clients: Vec<&'static str>,
    /// Request body bytes of each request (upload scenarios): the bulk figures are about these.
    pub upload: u64,
    /// More `key=value` words for the client process.
    extra: Vec<String>,
    /// What a per-request figure is per: "request" or "process".
    pub unit: &'static str,
    /// Per-request time ratios against the raw client rather than the best peer (and so the chart).
    pub versus_raw: bool,
    /// The figures are child processes' (`RUSAGE_CHILDREN`): no allocation counts.
    pub children: bool,
    /// Said under the table: how the clients do it, who sits out.
    pub note: &'static str,
}

impl Scenario {
    /// The client the bulk ratios (and "× raw") are taken against.
    pub fn baseline(&self) -> &'static str {
        if self.tls {
            "raw-tls"
        } else {
            "raw"
        }
    }

    /// Body bytes moved per run: uploaded, or downloaded.
    pub fn bytes(&self) -> u64 {
        if self.upload > 0 {
            self.upload * self.count
        } else {
            self.expect * self.count
        }
    }

    /// Is this scenario on TLS?
    pub fn tls(&self) -> bool {
        self.tls
    }

    /// The program the client process of `client` starts, if any (see `cold.rs`).
    fn program(&self, client: &str) -> Option<&'static str> {
        match (self.op, client) {
            ("cli-upload", "raw") => Some("raw-put"),
            ("cli-upload", "h1client-cli") => Some("h1client-cli"),
            ("cold-start", "curl") => None,
            ("cold-start", c) => cold_program(c),
            _ => None,
        }
    }
}

/// The `cold.rs` program of a client in `cold-start`.
fn cold_program(client: &str) -> Option<&'static str> {
    ["raw-tls", "h1client", "ureq", "attohttpc", "reqwest", "h1client-cli"]
        .into_iter()
        .find(|&p| p == client)
}

/// The library clients (the "peers"; raw sockets and curl are references, not peers).
pub const PEERS: [&str; 5] = ["h1client", "ureq", "minreq", "attohttpc", "reqwest"];

fn human(bytes: u64) -> String {
    if bytes >= GIB && bytes.is_multiple_of(GIB) {
        format!("{} GiB", bytes / GIB)
    } else if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} B")
    }
}

const UPLOAD_CL_NOTE: &str = "Every client reads the body from the same in-memory `Read` (a 1 MiB pattern, \
copied into whatever buffer the client reads with). raw: the head in one write, then 64 KiB reads, \
each one `write`. h1client: `send_reader_sized`. ureq: `SendBody::from_reader` with a \
`Content-Length` header. minreq: **buffered** (it takes bytes only: the reader is read into a \
`Vec` first, in the measured part). attohttpc: its `Body` trait, `KnownLength` and `io::copy`. \
reqwest: `blocking::Body::sized`. curl: `curl -T file` (the same bytes in a file in the page \
cache; its figures include its start-up).";

const UPLOAD_CHUNKED_NOTE: &str = "The same reader, its length not told. raw: 64 KiB reads, each one \
`writev` of size line, data and CRLF. h1client: `send_reader`. ureq: `SendBody::from_reader`. \
attohttpc: its `Body` trait with `BodyKind::Chunked` (a chunk per write of its 8 KiB `BufWriter`). \
reqwest: `blocking::Body::new`. curl: `curl -T -`, its standard input a pipe fed from memory \
by the measuring process (not counted). minreq: **n/a**, it cannot send a body of unknown length \
(it would have to buffer it and send it with Content-Length: the `upload-cl` row).";

const CLI_UPLOAD_NOTE: &str = "Each a process of its own, measured with `RUSAGE_CHILDREN` (start-up \
included): `h1client -sS --fail -T FILE URL` (the CLI built from this repository with \
`--features cli`), `curl -sS --fail --http1.1 -T FILE URL`, and raw: a std-only program that \
writes the head, then 64 KiB reads of the file, each one `write`.";

const CONCURRENT_NOTE: &str = "One client (agent, session, client) made before the threads \
start, cloned into each thread (the clones share one pool); each thread makes its share of the \
requests one after the other. raw: each thread a keep-alive socket of its own. ureq's idle pool is \
set to 8 per host (its default is 3), the others' defaults keep 8 or more. minreq has no agent and \
attohttpc no pool: a new connection per request.";

const TLS_RESUME_NOTE: &str = "One client, every request with `Connection: close` (the same for \
all: a new connection each time, on the same TLS configuration and session cache), after one \
warm-up request that leaves a session ticket. \"resumed\" counts the handshakes the server saw \
resumed (rustls `HandshakeKind::Resumed`), warm-up included in the connection count. raw-tls: one \
rustls `ClientConfig` (its default in-memory session cache) for every connection.";

const COLD_START_NOTE: &str = "Each run a new process: a hello-world program per library (one HTTPS \
GET, trusting only the benchmark's CA, the body to standard output; `cargo build --release`, \
see `cold.rs`), the h1client CLI (`--cacert`), and `curl --cacert`. raw-tls: a program on \
rustls alone (ring), with just enough HTTP to read the answer. Time and CPU per process, \
start-up included (`RUSAGE_CHILDREN`). minreq has no TLS here.";

fn scenarios(quick: bool) -> Vec<Scenario> {
    let pick = |full: u64, small: u64| if quick { small } else { full };
    let http = vec!["raw", "h1client", "ureq", "minreq", "attohttpc", "reqwest"];
    let with_curl = |mut v: Vec<&'static str>| {
        v.push("curl");
        v
    };
    let tls = vec!["raw-tls", "h1client", "ureq", "attohttpc", "reqwest"];
    let bulk = pick(GIB, 64 * MIB);
    let small_chunks = pick(64 * MIB, 8 * MIB);
    let tls_bulk = pick(256 * MIB, 32 * MIB);
    let gets = pick(20_000, 2_000);
    let posts = pick(10_000, 1_000);
    let handshakes = pick(300, 30);
    let upload = pick(256 * MIB, 32 * MIB);
    let (threads, per_thread) = (8u64, pick(5_000, 500));
    let cold_runs = pick(30, 5);
    let (alloc_warmup, alloc_count) = (pick(1_000, 100), pick(5_000, 500));
    let small = crate::server::SMALL_BODY as u64;
    let one = |id, title: String, kind, op, tls, path: String, expect, count, clients| Scenario {
        id,
        title,
        kind,
        op,
        tls,
        path,
        expect,
        count,
        warmup: 0,
        clients,
        upload: 0,
        extra: Vec::new(),
        unit: "request",
        versus_raw: false,
        children: false,
        note: "",
    };
    let upload_one = |id, title: String, framing: &str, clients: Vec<&'static str>, op, note| Scenario {
        upload,
        extra: vec![format!("upload={upload}"), format!("framing={framing}")],
        note,
        children: op == "cli-upload",
        ..one(
            id,
            title,
            Kind::Bulk,
            op,
            false,
            format!("/upload?size={upload}&framing={framing}"),
            small,
            1,
            clients,
        )
    };
    vec![
        one(
            "bulk-cl",
            format!("Download {}, Content-Length", human(bulk)),
            Kind::Bulk,
            "get-body",
            false,
            format!("/cl?size={bulk}"),
            bulk,
            1,
            with_curl(http.clone()),
        ),
        one(
            "bulk-chunked",
            format!("Download {}, chunked in 16 KiB chunks", human(bulk)),
            Kind::Bulk,
            "get-body",
            false,
            format!("/chunked?size={bulk}&chunk=16384"),
            bulk,
            1,
            with_curl(http.clone()),
        ),
        one(
            "chunked-128",
            format!("Download {}, chunked in 128-byte chunks", human(small_chunks)),
            Kind::Bulk,
            "get-body",
            false,
            format!("/chunked?size={small_chunks}&chunk=128"),
            small_chunks,
            1,
            with_curl(http.clone()),
        ),
        upload_one(
            "upload-cl",
            format!("Upload (PUT) {} from a reader, Content-Length", human(upload)),
            "cl",
            with_curl(http.clone()),
            "upload",
            UPLOAD_CL_NOTE,
        ),
        upload_one(
            "upload-chunked",
            format!(
                "Upload (PUT) {} from a reader of unknown length, chunked",
                human(upload)
            ),
            "chunked",
            with_curl(http.iter().copied().filter(|&c| c != "minreq").collect()),
            "upload",
            UPLOAD_CHUNKED_NOTE,
        ),
        upload_one(
            "cli-upload",
            format!("Command line: upload (PUT) a {} file with -T", human(upload)),
            "cl",
            vec!["raw", "h1client-cli", "curl"],
            "cli-upload",
            CLI_UPLOAD_NOTE,
        ),
        one(
            "small-get",
            format!("{gets} sequential GETs of {small} bytes on one agent"),
            Kind::PerRequest,
            "get-many",
            false,
            "/small".into(),
            small,
            gets,
            http.clone(),
        ),
        one(
            "post",
            format!("{posts} sequential 1 KiB POSTs on one agent (100-byte answers)"),
            Kind::PerRequest,
            "post-many",
            false,
            "/post".into(),
            small,
            posts,
            http.clone(),
        ),
        Scenario {
            extra: vec![format!("threads={threads}")],
            versus_raw: true,
            note: CONCURRENT_NOTE,
            ..one(
                "concurrent",
                format!(
                    "{threads} threads × {per_thread} small GETs on one shared agent ({} in all)",
                    threads * per_thread
                ),
                Kind::PerRequest,
                "concurrent",
                false,
                "/small".into(),
                small,
                threads * per_thread,
                http.clone(),
            )
        },
        one(
            "tls-bulk",
            format!("TLS download {}, Content-Length", human(tls_bulk)),
            Kind::Bulk,
            "get-body",
            true,
            format!("/cl?size={tls_bulk}"),
            tls_bulk,
            1,
            with_curl(tls.clone()),
        ),
        one(
            "tls-handshake",
            format!("{handshakes} fresh TLS connections (new agent each), one small GET each"),
            Kind::PerRequest,
            "handshake",
            true,
            "/small".into(),
            small,
            handshakes,
            tls.clone(),
        ),
        Scenario {
            warmup: 1,
            versus_raw: true,
            note: TLS_RESUME_NOTE,
            ..one(
                "tls-resume",
                format!("{handshakes} new TLS connections on one agent (sessions resumed), one small GET each"),
                Kind::PerRequest,
                "resume",
                true,
                "/small".into(),
                small,
                handshakes,
                tls.clone(),
            )
        },
        Scenario {
            unit: "process",
            versus_raw: true,
            children: true,
            note: COLD_START_NOTE,
            ..one(
                "cold-start",
                format!("Cold start: {cold_runs} processes, one HTTPS GET each"),
                Kind::PerRequest,
                "cold-start",
                true,
                "/small".into(),
                small,
                cold_runs,
                {
                    let mut v = tls.clone();
                    v.extend(["h1client-cli", "curl"]);
                    v
                },
            )
        },
        Scenario {
            warmup: alloc_warmup,
            ..one(
                "alloc",
                format!("Heap allocations per pooled small GET ({alloc_count} after {alloc_warmup} warm-up)"),
                Kind::Alloc,
                "alloc",
                false,
                "/small".into(),
                small,
                alloc_count,
                http,
            )
        },
    ]
}

/// One client run, as measured by the client and checked against the server's counters.
#[derive(Clone, Copy, Default)]
pub struct Sample {
    /// Seconds of wall time for the measured part.
    pub wall: f64,
    /// Seconds of client CPU (user + system, all threads) for the measured part.
    pub cpu: f64,
    /// Peak RSS of the client process, KiB.
    pub maxrss_kib: u64,
    pub allocs: u64,
    pub alloc_bytes: u64,
    /// Connections the server accepted during the run.
    pub conns: u64,
    /// Server CPU seconds during the run.
    pub server_cpu: f64,
    /// TLS handshakes the server saw resumed during the run.
    pub resumed: u64,
}

/// All runs of one client in one scenario.
pub struct ClientRuns {
    pub client: &'static str,
    /// The name shown in the tables and the chart (says when a client does it differently).
    pub label: &'static str,
    pub samples: Vec<Sample>,
    pub failures: Vec<String>,
}

/// Everything one scenario produced.
pub struct ScenarioResult {
    pub scenario: Scenario,
    pub clients: Vec<ClientRuns>,
}

/// The server process, driven through its stdin/stdout.
struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    http: u16,
    https: u16,
}

impl Server {
    fn start(exe: &Path, certs: &tlsutil::CertFiles, pin: bool) -> Result<Server, String> {
        let mut command = Command::new(exe);
        if pin {
            command.arg(format!("cpu={SERVER_CPU}"));
        }
        let mut child = command
            .arg("server")
            .arg(format!("cert={}", certs.cert.display()))
            .arg(format!("key={}", certs.key.display()))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting the server: {e}"))?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut server = Server {
            child,
            stdin,
            stdout,
            http: 0,
            https: 0,
        };
        let ready = server.read_line()?;
        let port = |key: &str| -> Result<u16, String> {
            ready
                .split_whitespace()
                .find_map(|w| w.strip_prefix(key))
                .and_then(|p| p.parse().ok())
                .ok_or_else(|| format!("server said {ready:?}"))
        };
        server.http = port("http=")?;
        server.https = port("https=")?;
        Ok(server)
    }

    fn read_line(&mut self) -> Result<String, String> {
        let mut line = String::new();
        match self.stdout.read_line(&mut line) {
            Ok(0) | Err(_) => Err("the server stopped".to_string()),
            Ok(_) => Ok(line.trim().to_string()),
        }
    }

    fn command(&mut self, cmd: &str) -> Result<String, String> {
        writeln!(self.stdin, "{cmd}").map_err(|e| format!("server: {e}"))?;
        self.read_line()
    }

    /// Counters since the last reset.
    fn stats(&mut self) -> Result<Stats, String> {
        let line = self.command("stats")?;
        let field = |key: &str| {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(key))
                .ok_or_else(|| format!("server said {line:?}"))
        };
        let num =
            |key: &str| -> Result<u64, String> { field(key)?.parse().map_err(|_| format!("server said {line:?}")) };
        Ok(Stats {
            conns: num("conns=")?,
            reqs: num("reqs=")?,
            cpu: field("cpu=")?.parse().unwrap_or(0.0),
            uploaded: num("up=")?,
            resumed: num("resumed=")?,
        })
    }
}

/// What the server counted.
struct Stats {
    conns: u64,
    reqs: u64,
    /// CPU seconds.
    cpu: f64,
    /// Request body bytes received on `/upload`.
    uploaded: u64,
    /// Resumed TLS handshakes.
    resumed: u64,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `key=value` fields of a `RESULT` line.
fn result_field(line: &str, key: &str) -> Result<f64, String> {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("no {key} in {line:?}"))
}

/// Runs one client process and checks it against the server's counters. `extra` are more
/// `key=value` words for it (the program to start, the file to upload).
fn run_client(
    exe: &Path,
    server: &mut Server,
    sc: &Scenario,
    client: &str,
    (ca, extra): (&Path, &[String]),
    pin: bool,
) -> Result<Sample, String> {
    let (scheme, port) = if sc.tls {
        ("https", server.https)
    } else {
        ("http", server.http)
    };
    let url = format!("{scheme}://127.0.0.1:{port}{}", sc.path);
    server.command("reset")?;
    let mut command = Command::new(exe);
    if pin {
        command.arg(format!("cpu={CLIENT_CPU}"));
    }
    let mut child = command
        .args(["client", client, sc.op])
        .arg(format!("url={url}"))
        .arg(format!("expect={}", sc.expect))
        .arg(format!("count={}", sc.count))
        .arg(format!("warmup={}", sc.warmup))
        .arg(format!("ca={}", ca.display()))
        .args(&sc.extra)
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("starting the client: {e}"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("killed after {} s", RUN_LIMIT.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let (mut out, mut err) = (String::new(), String::new());
    let _ = child.stdout.take().expect("piped").read_to_string(&mut out);
    let _ = child.stderr.take().expect("piped").read_to_string(&mut err);
    if !status.success() {
        let err = err.trim();
        let err = err.lines().last().unwrap_or(err);
        return Err(format!("{status}: {err}"));
    }
    let line = out
        .lines()
        .find(|l| l.starts_with("RESULT "))
        .ok_or_else(|| format!("no RESULT line; stderr: {}", err.trim()))?;
    let bytes = result_field(line, "bytes")? as u64;
    if bytes != sc.expect * sc.count {
        return Err(format!(
            "received {bytes} body bytes, expected {}",
            sc.expect * sc.count
        ));
    }
    let Stats {
        conns,
        reqs: served,
        cpu: server_cpu,
        uploaded,
        resumed,
    } = server.stats()?;
    if served != sc.count + sc.warmup {
        return Err(format!(
            "the server served {served} requests, expected {}",
            sc.count + sc.warmup
        ));
    }
    if uploaded != sc.upload * sc.count {
        return Err(format!(
            "the server received {uploaded} request body bytes, expected {}",
            sc.upload * sc.count
        ));
    }
    Ok(Sample {
        wall: result_field(line, "wall")?,
        cpu: result_field(line, "cpu")?,
        maxrss_kib: result_field(line, "maxrss")? as u64,
        allocs: result_field(line, "allocs")? as u64,
        alloc_bytes: result_field(line, "alloc_bytes")? as u64,
        conns,
        server_cpu,
        resumed,
    })
}

fn progress(sc: &Scenario, run: usize, runs: usize, client: &str, r: &Result<Sample, String>) {
    let what = match r {
        Err(e) => format!("FAILED: {e}"),
        Ok(s) => match sc.kind {
            Kind::Bulk => format!(
                "{:.0} MiB/s, CPU {:.3} s, RSS {} MiB",
                sc.bytes() as f64 / MIB as f64 / s.wall,
                s.cpu,
                s.maxrss_kib / 1024
            ),
            Kind::PerRequest => format!(
                "{:.1} µs/{unit}, CPU {:.1} µs/{unit}, {} connections{}",
                s.wall * 1e6 / sc.count as f64,
                s.cpu * 1e6 / sc.count as f64,
                s.conns,
                if sc.tls {
                    format!(", {} resumed", s.resumed)
                } else {
                    String::new()
                },
                unit = if sc.unit == "process" { "proc" } else { "req" },
            ),
            Kind::Alloc => format!(
                "{:.2} allocations/req, {:.0} bytes/req",
                s.allocs as f64 / sc.count as f64,
                s.alloc_bytes as f64 / sc.count as f64
            ),
        },
    };
    eprintln!("[{}] run {}/{runs} {client:>9}: {what}", sc.id, run + 1);
}

struct Options {
    runs: usize,
    quick: bool,
    only: Option<Vec<String>>,
    clients: Option<Vec<String>>,
    with_build: bool,
    pin_cores: bool,
    out: Option<PathBuf>,
}

const USAGE: &str = "usage: h1client-bench [--runs N] [--quick] [--only SCENARIO,...] \
[--clients NAME,...] [--with-build] [--pin] [--out DIR]
scenarios: bulk-cl bulk-chunked chunked-128 upload-cl upload-chunked cli-upload small-get post \
concurrent tls-bulk tls-handshake tls-resume cold-start alloc (rss comes with bulk-cl; build needs \
--with-build)
clients: raw raw-tls h1client ureq minreq attohttpc reqwest h1client-cli curl";

fn parse_options(args: Vec<String>) -> Result<Options, String> {
    let mut o = Options {
        runs: 0,
        quick: false,
        only: None,
        clients: None,
        with_build: false,
        pin_cores: false,
        out: None,
    };
    let mut it = args.into_iter();
    let list = |v: Option<String>| -> Result<Vec<String>, String> {
        let v = v.ok_or(USAGE)?;
        Ok(v.split(',').map(str::to_string).collect())
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => o.runs = it.next().and_then(|n| n.parse().ok()).filter(|&n| n > 0).ok_or(USAGE)?,
            "--quick" => o.quick = true,
            "--only" => o.only = Some(list(it.next())?),
            "--clients" => o.clients = Some(list(it.next())?),
            "--with-build" => o.with_build = true,
            "--pin" => o.pin_cores = true,
            "--out" => o.out = Some(it.next().ok_or(USAGE)?.into()),
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    if o.runs == 0 {
        o.runs = if o.quick { 2 } else { 5 };
    }
    Ok(o)
}

/// Writes `len` bytes of the server's body pattern to `path` (the file that the command-line
/// uploads send).
fn write_pattern_file(path: &Path, len: u64) -> Result<(), String> {
    let block: Vec<u8> = (0..MIB as usize).map(crate::server::body_byte).collect();
    let io = |e: std::io::Error| format!("{}: {e}", path.display());
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
    let mut left = len;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        f.write_all(&block[..n]).map_err(io)?;
        left -= n as u64;
    }
    f.flush().map_err(io)
}

/// The harness entry point.
pub fn main(args: Vec<String>) -> Result<(), String> {
    let invocation = args.join(" ");
    let opts = parse_options(args)?;
    let bench_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let partial = opts.quick || opts.only.is_some() || opts.clients.is_some();
    let out_dir = opts.out.clone().unwrap_or_else(|| match partial {
        false => bench_dir.clone(),
        true if opts.quick => bench_dir.join("target/quick"),
        true => bench_dir.join("target/partial"),
    });
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let work = bench_dir.join("target/bench-run");
    let certs = tlsutil::generate(&work)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pin = opts.pin_cores && cores >= 2;
    let mut server = Server::start(&exe, &certs, pin)?;
    eprintln!(
        "server: http on 127.0.0.1:{}, https on 127.0.0.1:{}; {} runs per client; {}",
        server.http,
        server.https,
        opts.runs,
        if pin {
            format!("server pinned to CPU {SERVER_CPU}, clients to CPU {CLIENT_CPU}")
        } else {
            "not pinned".to_string()
        }
    );

    let wanted = |id: &str| opts.only.as_ref().is_none_or(|o| o.iter().any(|x| x == id));
    if let Some(only) = &opts.only {
        let known: Vec<&str> = scenarios(true).iter().map(|s| s.id).collect();
        for id in only {
            if !known.contains(&id.as_str()) && id != "build" && id != "rss" {
                return Err(format!("unknown scenario {id}\n{USAGE}"));
            }
        }
    }
    for name in opts.clients.iter().flatten() {
        if !crate::clients::ALL.contains(&name.as_str()) {
            return Err(format!("unknown client {name}\n{USAGE}"));
        }
    }
    let mut selected = Vec::new();
    for mut sc in scenarios(opts.quick) {
        if !(wanted(sc.id) || (sc.id == "bulk-cl" && wanted("rss"))) {
            continue;
        }
        if let Some(c) = &opts.clients {
            sc.clients.retain(|name| c.iter().any(|x| x == name));
        }
        selected.push(sc);
    }
    // The programs some scenarios start, and the file the command-line uploads send.
    let mut wanted_programs: Vec<&str> = selected
        .iter()
        .flat_map(|sc| sc.clients.iter().filter_map(|c| sc.program(c)))
        .collect();
    wanted_programs.sort_unstable();
    wanted_programs.dedup();
    let programs = if wanted_programs.is_empty() {
        cold::Programs::new()
    } else {
        cold::build(&bench_dir, &wanted_programs)
    };
    let upload_file = |sc: &Scenario| -> Result<Option<PathBuf>, String> {
        let uses_file =
            sc.op == "cli-upload" || (sc.op == "upload" && !sc.extra.iter().any(|w| w == "framing=chunked"));
        if !uses_file || !sc.clients.iter().any(|&c| c == "curl" || sc.program(c).is_some()) {
            return Ok(None);
        }
        let path = work.join(format!("upload-{}.bin", sc.upload));
        if std::fs::metadata(&path).map(|m| m.len()).ok() != Some(sc.upload) {
            write_pattern_file(&path, sc.upload)?;
        }
        Ok(Some(path))
    };

    let mut results = Vec::new();
    for sc in selected {
        eprintln!("== {}: {}", sc.id, sc.title);
        let mut clients: Vec<ClientRuns> = sc
            .clients
            .iter()
            .map(|&client| ClientRuns {
                client,
                label: match (sc.id, client) {
                    ("upload-cl", "minreq") => "minreq (buffered)",
                    _ => client,
                },
                samples: Vec::new(),
                failures: Vec::new(),
            })
            .collect();
        let file = upload_file(&sc)?;
        // Per client: the program it starts, the file it uploads.
        let extra = |client: &str| -> Result<Vec<String>, String> {
            let mut words = Vec::new();
            if let Some(p) = sc.program(client) {
                match programs.get(p) {
                    Some(Ok(path)) => words.push(format!("bin={}", path.display())),
                    Some(Err(e)) => return Err(e.clone()),
                    None => return Err(format!("no program {p}")),
                }
            }
            if let Some(f) = &file {
                words.push(format!("file={}", f.display()));
            }
            Ok(words)
        };
        // Rounds: every client once, then again, so that slow drift of the machine spreads
        // over all clients alike.
        for run in 0..opts.runs {
            for c in clients.iter_mut() {
                let r = extra(c.client)
                    .and_then(|extra| run_client(&exe, &mut server, &sc, c.client, (&certs.ca, &extra), pin));
                progress(&sc, run, opts.runs, c.client, &r);
                match r {
                    Ok(s) => c.samples.push(s),
                    Err(e) => c.failures.push(e),
                }
            }
        }
        results.push(ScenarioResult { scenario: sc, clients });
    }

    let builds = if opts.with_build || opts.only.as_ref().is_some_and(|o| o.iter().any(|x| x == "build")) {
        let url = format!("http://127.0.0.1:{}/small", server.http);
        hello::run(&bench_dir, &url, opts.clients.as_deref())
    } else {
        Vec::new()
    };
    drop(server);

    let info = report::RunInfo::collect(&bench_dir, &invocation, opts.runs, opts.quick, pin);
    let markdown = report::markdown(&info, &results, &builds);
    let svg = report::svg(&info, &results, &builds);
    println!("{markdown}");
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    for (name, text) in [("results.md", &markdown), ("results.svg", &svg)] {
        let path = out_dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
