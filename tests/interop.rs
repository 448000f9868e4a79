//! The library driver of the interop suite: one `Agent` across many requests to real servers
//! (nginx, Apache httpd, lighttpd, httpbin on gunicorn, squid, dante) that
//! `tests/interop/run.py` installs and starts on loopback ports.
//!
//! Every test is `#[ignore]`: plain `cargo test` needs no servers. The orchestrator runs
//! `cargo test --all-features --test interop -- --ignored --test-threads=1` with
//! `H1_INTEROP_MANIFEST` naming the JSON manifest of the servers it started, and
//! `H1_INTEROP_REPORT` naming a file where each test appends JSON lines: a `note` (connection
//! counts, what the servers said) or a `skip` (a server it needs is not running, and why).
//!
//! The keep-alive tests leave idle gaps just below and just above each server's limit and count,
//! from the agent's trace events, how many requests went over a new connection (`N`), a reused
//! one (`R`), or needed a retry (`!`); `?` is a request with none of these events (a unix-socket
//! connection emits no `Connected`).

use h1client::{Agent, AgentBuilder, Event, Proxy};
use serde_json::Value;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::sleep;
use std::time::{Duration, Instant};

// --------------------------------------------------------------------------- the harness

/// The manifest, and where this test reports.
struct Suite {
    m: Value,
    test: &'static str,
    report: Option<std::path::PathBuf>,
}

impl Suite {
    /// The manifest, or `None` (reported as a skip) when the orchestrator did not start this run.
    fn load(test: &'static str) -> Option<Suite> {
        let report = std::env::var_os("H1_INTEROP_REPORT").map(Into::into);
        let Some(path) = std::env::var_os("H1_INTEROP_MANIFEST") else {
            eprintln!("{test}: H1_INTEROP_MANIFEST is not set; run tests/interop/run.py");
            return None;
        };
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path:?}: {e}"));
        let m: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path:?}: {e}"));
        Some(Suite { m, test, report })
    }

    fn record(&self, key: &str, text: &str) {
        eprintln!("{}: {key}: {text}", self.test);
        if let Some(path) = &self.report {
            let line = serde_json::json!({ "test": self.test, key: text }).to_string();
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .expect("report file");
            writeln!(f, "{line}").expect("writing the report");
        }
    }

    fn note(&self, text: &str) {
        self.record("note", text);
    }

    /// The manifest entry of a running server, or `None` after reporting the skip.
    fn server(&self, name: &str) -> Option<&Value> {
        let s = &self.m["servers"][name];
        if s.is_object() {
            return Some(s);
        }
        let why = self.m["unavailable"][name].as_str().unwrap_or("not started");
        self.record("skip", &format!("{name} is not running: {why}"));
        None
    }

    fn file(&self, name: &str) -> Vec<u8> {
        let path = self.m["files"][name]["path"].as_str().expect("file in the manifest");
        std::fs::read(path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
    }

    fn cert(&self, name: &str) -> Vec<u8> {
        let path = self.m["certs"][name].as_str().expect("certificate in the manifest");
        std::fs::read(path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
    }

    /// An agent builder that trusts the suite's CA only, ignores the environment's proxies, and
    /// bounds every request.
    fn builder(&self) -> AgentBuilder {
        Agent::builder()
            .timeout_connect(Duration::from_secs(5))
            .timeout(Duration::from_secs(60))
            .proxy_from_env(false)
            .add_root_certificates_pem(&self.cert("ca"))
            .only_added_roots(true)
    }
}

fn s(v: &Value) -> &str {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string in the manifest, got {v}"))
}

/// Connection events of one agent, from its trace.
#[derive(Default)]
struct Counts {
    connected: AtomicUsize,
    reused: AtomicUsize,
    retry: AtomicUsize,
    closed: AtomicUsize,
    reasons: Mutex<Vec<String>>,
    tls: Mutex<Vec<String>>,
}

impl Counts {
    fn snapshot(&self) -> [usize; 3] {
        [
            self.connected.load(Ordering::SeqCst),
            self.reused.load(Ordering::SeqCst),
            self.retry.load(Ordering::SeqCst),
        ]
    }
}

fn counted(b: AgentBuilder) -> (Agent, Arc<Counts>) {
    let counts = Arc::new(Counts::default());
    let c = counts.clone();
    let agent = b
        .trace(move |e| match e {
            Event::Connected { .. } => {
                c.connected.fetch_add(1, Ordering::SeqCst);
            }
            Event::Reused { .. } => {
                c.reused.fetch_add(1, Ordering::SeqCst);
            }
            Event::Retry { reason } => {
                c.retry.fetch_add(1, Ordering::SeqCst);
                c.reasons.lock().unwrap().push(format!("retry: {reason}"));
            }
            Event::Closed { reason } => {
                c.closed.fetch_add(1, Ordering::SeqCst);
                c.reasons.lock().unwrap().push(format!("closed: {reason}"));
            }
            Event::TlsHandshake { version, alpn, .. } => {
                c.tls
                    .lock()
                    .unwrap()
                    .push(format!("{version} alpn={}", alpn.unwrap_or("none")));
            }
            _ => {}
        })
        .build();
    (agent, counts)
}

/// One agent's run of requests: what each one needed (N new connection, R reused, ! retried),
/// and every problem, reported together at the end.
struct Session<'a> {
    suite: &'a Suite,
    label: String,
    agent: Agent,
    counts: Arc<Counts>,
    seq: String,
    requests: usize,
    failures: Vec<String>,
    started: Instant,
}

impl<'a> Session<'a> {
    fn new(suite: &'a Suite, label: &str, b: AgentBuilder) -> Session<'a> {
        let (agent, counts) = counted(b);
        Session {
            suite,
            label: label.to_string(),
            agent,
            counts,
            seq: String::new(),
            requests: 0,
            failures: Vec::new(),
            started: Instant::now(),
        }
    }

    /// Runs one request (`f` returns the problem, if any) and records how its connection came.
    fn run(&mut self, what: &str, f: impl FnOnce(&Agent) -> Result<(), String>) -> bool {
        let before = self.counts.snapshot();
        let t = Instant::now();
        let result = f(&self.agent);
        let after = self.counts.snapshot();
        self.requests += 1;
        let mark = if after[2] > before[2] {
            '!'
        } else if after[0] > before[0] {
            'N'
        } else if after[1] > before[1] {
            'R'
        } else {
            '?'
        };
        self.seq.push(mark);
        match result {
            Ok(()) => true,
            Err(e) => {
                self.failures
                    .push(format!("{what} (after {:.2}s, {mark}): {e}", t.elapsed().as_secs_f64()));
                self.seq.push('x');
                false
            }
        }
    }

    fn get_body(&mut self, url: &str, want: &[u8]) -> bool {
        let what = format!("GET {url}");
        self.run(&what, |a| {
            let resp = a.get(url).call().map_err(|e| e.to_string())?;
            check_response(resp, 200, want)
        })
    }

    fn post_body(&mut self, url: &str, body: &[u8], check: impl FnOnce(&[u8]) -> Result<(), String>) -> bool {
        let what = format!("POST {url} ({} bytes)", body.len());
        self.run(&what, |a| {
            let resp = a.post(url).send(body).map_err(|e| e.to_string())?;
            if resp.status() != 200 {
                return Err(format!("status {}", resp.status()));
            }
            let got = resp.bytes().map_err(|e| format!("reading the body: {e}"))?;
            check(&got)
        })
    }

    fn idle(&mut self, secs: f64) {
        let _ = write!(self.seq, " ~{secs}s ");
        sleep(Duration::from_secs_f64(secs));
    }

    /// Reports the counts; fails the test with every problem seen.
    fn finish(self) {
        let c = &self.counts;
        let reasons = c.reasons.lock().unwrap();
        let mut closes: Vec<String> = Vec::new();
        for r in reasons.iter() {
            if !closes.contains(r) {
                closes.push(r.clone());
            }
        }
        self.suite.note(&format!(
            "{}: {} requests, {} new connections, {} reused, {} retried, {} closed in {:.1}s: {} [{}]",
            self.label,
            self.requests,
            c.connected.load(Ordering::SeqCst),
            c.reused.load(Ordering::SeqCst),
            c.retry.load(Ordering::SeqCst),
            c.closed.load(Ordering::SeqCst),
            self.started.elapsed().as_secs_f64(),
            self.seq.trim(),
            closes.join("; ")
        ));
        assert!(
            self.failures.is_empty(),
            "{}: {} of {} requests failed: {}",
            self.label,
            self.failures.len(),
            self.requests,
            self.failures.join(" | ")
        );
    }

    fn expect(&mut self, ok: bool, what: impl Into<String>) {
        if !ok {
            self.failures.push(what.into());
        }
    }
}

fn check_response(resp: h1client::Response, status: u16, want: &[u8]) -> Result<(), String> {
    if resp.status() != status {
        return Err(format!("status {}, expected {status}", resp.status()));
    }
    let mut reader = resp.into_reader();
    let mut got = Vec::new();
    reader
        .read_to_end(&mut got)
        .map_err(|e| format!("reading the body after {} bytes: {e}", got.len()))?;
    if got != want {
        return Err(format!(
            "body of {} bytes differs from the expected {} bytes",
            got.len(),
            want.len()
        ));
    }
    Ok(())
}

fn sized_body(n: usize, seed: u8) -> Vec<u8> {
    (0..n).map(|i| b'a' + ((i as u8).wrapping_add(seed) % 26)).collect()
}

/// The CGI echo's `name=value` line.
fn cgi_field(out: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(out);
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")).map(str::to_string))
}

fn sha256_hex(data: &[u8]) -> String {
    // A small SHA-256, so that the driver needs no hashing crate: compared with the CGI echo's
    // sha256sum of what the server received.
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
        0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
        0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
        0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
        0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
        0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
        0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    let bits = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bits.to_be_bytes());
    for block in msg.chunks(64) {
        let mut w = [0u32; 64];
        for i in 0..16 {
            w[i] = u32::from_be_bytes([block[4 * i], block[4 * i + 1], block[4 * i + 2], block[4 * i + 3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..64 {
            let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
            let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
            let t1 = v[7]
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
            let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            let t2 = s0.wrapping_add(maj);
            v = [v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]];
            v[7] = v[6];
            v[6] = v[5];
            v[5] = v[4];
            v[4] = v[3].wrapping_add(t1);
            v[3] = v[2];
            v[2] = v[1];
            v[1] = v[0];
            v[0] = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip(v) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

/// A check for the CGI echo's answer to a POST of `body`.
fn cgi_received(body: &[u8]) -> impl FnOnce(&[u8]) -> Result<(), String> {
    let want = sha256_hex(body);
    let len = body.len().to_string();
    move |out| {
        let got = cgi_field(out, "body_sha256");
        let n = cgi_field(out, "body_bytes");
        if got.as_deref() == Some(want.as_str()) && n.as_deref() == Some(len.as_str()) {
            Ok(())
        } else {
            Err(format!(
                "the CGI received {n:?} bytes with sha256 {got:?}, not {len} bytes"
            ))
        }
    }
}

fn echoed(body: &[u8]) -> impl FnOnce(&[u8]) -> Result<(), String> + '_ {
    move |out| {
        if out == body {
            Ok(())
        } else {
            Err(format!("echoed {} bytes, not the {} sent", out.len(), body.len()))
        }
    }
}

/// Gaps around a server's keep-alive limit `limit` (seconds), where a request and the server's
/// close can cross.
fn edge_gaps(limit: f64) -> Vec<f64> {
    [-0.1, -0.03, -0.01, 0.0, 0.01, 0.03, 0.1]
        .iter()
        .map(|d| limit + d)
        .collect()
}

// --------------------------------------------------------------------------- nginx

#[test]
#[ignore = "needs the servers of tests/interop/run.py"]
fn nginx_keepalive_get() {
    let Some(suite) = Suite::load("nginx_keepalive_get") else {
        return;
    };
    let Some(n) = suite.server("nginx") else { return };
    let base = s(&n["http"]);
    let limit = n["keepalive_timeout"].as_f64().unwrap();
    let max = n["keepalive_requests"].as_u64().unwrap() as usize;
    let mut t = Session::new(&suite, "nginx GET", suite.builder());
    let names = ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "small.txt", "data.json"];
    for name in names {
        t.get_body(&format!("{base}/files/{name}"), &suite.file(name));
    }
    let fresh = t.counts.connected.load(Ordering::SeqCst);
    let want = names.len().div_ceil(max);
    t.expect(
        fresh == want,
        format!(
            "{} back-to-back GETs took {fresh} connections; keepalive_requests {max} allows {want}",
            names.len()
        ),
    );
    t.idle(limit / 2.0);
    let reused = t.counts.reused.load(Ordering::SeqCst);
    t.get_body(&format!("{base}/files/a.txt"), &suite.file("a.txt"));
    let now = t.counts.reused.load(Ordering::SeqCst);
    t.expect(
        now == reused + 1,
        "a GET after half the keep-alive timeout did not reuse the connection",
    );
    t.idle(limit + 0.5);
    t.get_body(&format!("{base}/files/b.txt"), &suite.file("b.txt"));
    t.get_body(&format!("{base}/files/c.txt"), &suite.file("c.txt"));
    // the same server by IPv6 literal and by name (both families listen)
    if let Some(v6) = n["http6"].as_str() {
        t.get_body(&format!("{v6}/files/a.txt"), &suite.file("a.txt"));
    }
    t.get_body(
        &format!("{}/files/a.txt", s(&n["http_localhost"])),
        &suite.file("a.txt"),
    );
    t.finish();
    // and over its unix socket
    let sock = s(&n["unix_socket"]);
    let mut u = Session::new(&suite, "nginx over a unix socket", suite.builder().unix_socket(sock));
    for name in ["a.txt", "b.txt", "small.txt"] {
        u.get_body(&format!("http://localhost/files/{name}"), &suite.file(name));
    }
    u.finish();
}

#[test]
#[ignore = "needs the servers of tests/interop/run.py"]
fn nginx_keepalive_post() {
    let Some(suite) = Suite::load("nginx_keepalive_post") else {
        return;
    };
    let Some(n) = suite.server("nginx") else { return };
    if n["echo"].as_bool() != Some(true) {
        suite.record("skip", "nginx has no echo module");
        return;
    }
    let url = format!("{}/echo", s(&n["http"]));
    let limit = n["keepalive_timeout"].as_f64().unwrap();
    let mut t = Session::new(&suite, "nginx POST", suite.builder());
    for (i, size) in [10, 1000, 70_000, 3, 300_000].into_iter().enumerate() {
        let body = sized_body(size, i as u8);
        t.post_body(&url, &body, echoed(&body));
    }
    let body = sized_body(500, 9);
    t.idle(limit / 2.0);
    t.post_body(&url, &body, echoed(&body));
    t.idle(limit + 0.5);
    t.post_body(&url, &body, echoed(&body));
    t.idle(limit + 0.5);
    t.post_body(&url, &body, echoed(&body));
    t.finish();
}

#[test]
#[ignore = "needs the servers of tests/interop/run.py"]
fn nginx_post_at_keepalive_edge() {
    let Some(suite) = Suite::load("nginx_post_at_keepalive_edge") else {
        return;
    };
    let Some(n) = suite.server("nginx") else { return };
    if n["echo"].as_bool() != Some(true) {
        suite.record("skip", "nginx has no echo module");
        return;
    }
    let url = format!("{}/echo", s(&n["http"]));
    let limit = n["keepalive_timeout"].as_f64().unwrap();
    let mut t = Session::new(&suite, "nginx POST at the keep-alive edge", suite.builder());
    let body = sized_body(2000, 1);
    t.post_body(&url, &body, echoed(&body));
    for gap in edge_gaps(limit) {
        t.idle(gap);
        t.post_body(&url, &body, echoed(&body));
    }
    t.finish();
}

#[test]
#[ignore = "needs the servers of tests/interop/run.py"]
fn nginx_large_download_and_upload() {
    let Some(suite) = Suite::load("nginx_large_download_and_upload") else {
        return;
    };
    let Some(n) = suite.server("nginx") else { return };
    let base = s(&n["http"]);
    let large = suite.file("large.bin");
    let mut t = Session::new(&suite, "nginx large bodies", suite.builder());
    // streamed, compared as it arrives
    t.run("GET large.bin streamed", |a| {
        let resp = a
            .get(format!("{base}/plain/large.bin"))
            .call()
            .map_err(|e| e.to_string())?;
        let mut reader = resp.into_reader();
        let mut buf = vec![0u8; 100_000];
        let mut at = 0usize;
        loop {
            let k = reader.read(&mut buf).map_err(|e| format!("after {at} bytes: {e}"))?;
            if k == 0 {
                break;
            }
            if large.get(at..at + k) != Some(&buf[..k]) {
                return Err(format!("bytes {at}..{} differ", at + k));
            }
            at += k;
        }
        if at == large.len() {
            Ok(())
        } else {
            Err(format!("{at} bytes, expected {}", large.len()))
        }
    });
    let upload = suite.file("upload.bin");
    let path = s(&suite.m["files"]["upload.bin"]["path"]).to_string();
    t.run("PUT upload.bin (send_file)", |a| {
        let f = std::fs::File::open(&path).map_err(|e| e.to_string())?;
        let resp = a
            .put(format!("{base}/upload/lib-upload.bin"))
            .send_file(f)
            .map_err(|e| e.to_string())?;
        match resp.status() {
            201 | 204 => Ok(()),
            s => Err(format!("status {s}")),
        }
    });
    t.get_body(&format!("{base}/upload/lib-upload.bin"), &upload);
    t.run("PUT streamed (chunked)", |a| {
        let resp = a
            .put(format!("{base}/upload/lib-chunked.bin"))
            .send_reader(&upload[..])
            .map_err(|e| e.to_string())?;
        match resp.status() {
            201 | 204 => Ok(()),
            s => Err(format!("status {s}")),
        }
    });
    t.get_body(&format!("{base}/upload/lib-chunked.bin"), &upload);
    // gzip and brotli, decoded by the agent
    for (path, what) in [("/gz/text.txt", "gzip"), ("/files/text.txt", "br or gzip")] {
        let text = suite.file("text.txt");
        let url = format!("{base}{path}");
        t.run(&format!("GET {url} decoded ({what})"), |a| {
            let resp = a.get(&url).call().map_err(|e| e.to_string())?;
            let coding = resp.header("content-encoding").unwrap_or("").to_string();
            if coding.is_empty() {
                return Err("not compressed: no Content-Encoding".into());
            }
            let got = resp.bytes().map_err(|e| e.to_string())?;
            if got != text {
                return Err(format!(
                    "{coding}: {} bytes decoded, expected {}",
                    got.len(),
                    text.len()
                ));
            }
            Ok(())
        });
    }
    if n["echo"].as_bool() == Some(true) {
        t.run("GET /chunked", |a| {
            let resp = a.get(format!("{base}/chunked")).call().map_err(|e| e.to_string())?;
            if resp.header("transfer-encoding") != Some("chunked") {
                return Err(format!("Transfer-Encoding {:?}", resp.header("transfer-encoding")));
            }
            let text = resp.text().map_err(|e| e.to_string())?;
            if text == "first chunk\nsecond chunk\nlast chunk\n" {
                Ok(())
            } else {
                Err(format!("body {text:?}"))
            }
        });
    }
    t.finish();
}

// --------------------------------------------------------------------------- nginx over TLS

#[test]
#[ignore = "needs the servers of tests/interop/run.py"]
fn nginx_tls_keepalive() {
    let Some(suite) = Suite::load("nginx_tls_keepalive") else {
        return;
    };
    let Some(n) = suite.server("nginx") else { return };
    let limit = n["keepalive_timeout"].as_f64().unwrap();
    let mut t = Session::new(&suite, "nginx TLS", suite.builder());
    for name in ["tls", "tls12", "tls13"] {
        let base = s(&n["tls"][name]);
        for f in ["a.txt", "b.txt"] {
            t.get_body(&format!("{base}/files/{f}"), &suite.file(f));
        }
        t.idle(limit / 2.0);
        t.get_body(&format!("{base}/files/c.txt"), &suite.file("c.txt"));
        t.idle(limit + 0.5);
        t.get_body(&format!("{base}/files/d.txt"), &suite.file("d.txt"));
    }
    t.get_body(
        &format!("{}/files/large.bin", s(&n["tls"]["tls"])),
        &suite.file("large.bin"),
    );
    let tls = t.counts.tls.lock().unwrap().clone();
    suite.note(&format!("handshakes: {}", tls.join(", ")));
    let versions: Vec<&str> = tls.iter().map(|v| v.split(' ').next().unwrap_or("")).collect();
    t.expect(
        versions.iter().any(|v| v.contains("1_2")) && versions.iter().any(|v| v.contains("1_3")),
        format!("expected both TLS 1.2 and 1.3 handshakes, saw {versions:?}"),
    );
    t.finish();
}

#[test]
#[ignore = "needs the servers of tests/interop/run.py"]
fn nginx_tls_variants() {
    let Some(suite) = Suite::load("nginx_tls_variants") else {
        return;
    };
    let Some(n) = suite.server("nginx") else { return };
    let small = suite.file("small.txt");
    let mut t = Session::new(&suite, "nginx TLS variants", suite.builder());
    // refused: wrong name, expired, a missing intermediate, no subjectAltName
    for name in ["wrongname", "expired", "nointer", "nosan"] {
        let url = format!("{}/files/small.txt", s(&n["tls"][name]));
        t.run(&format!("GET {url} ({name}) must fail"), |a| match a.get(&url).call() {
            Ok(r) => Err(format!("accepted: status {}", r.status())),
            Err(e) if e.kind() == h1client::ErrorKind::Tls => Ok(()),
            Err(e) => Err(format!("failed, but not as a TLS error: {:?}: {e}", e.kind())),
        });
    }
    t.get_body(&format!("{}/files/small.txt", s(&n["tls"]["fullchain"])), &small);
    // the h2 listener offers h2 and http/1.1 by ALPN: we offer http/1.1 only
    let h2 = format!("{}/files/small.txt", s(&n["tls"]["h2"]));
    t.run(&format!("GET {h2} (h2 listener)"), |a| {
        let resp = a.get(&h2).call().map_err(|e| e.to_string())?;
        if resp.http_version() != "HTTP/1.1" {
            return Err(format!("version {}", resp.http_version()));
        }
        check_response(resp, 200, &small)
    });
    let last = t.counts.tls.lock().unwrap().last().cloned().unwrap_or_default();
    t.expect(
        last.ends_with("alpn=http/1.1"),
        format!("h2 listener handshake: {last}"),
    );
    // -k: everything accepted, and never pooled with verified connections
    let mut k = Session::new(
        &suite,
        "nginx TLS, certificates not verified",
        suite.builder().danger_accept_invalid_certs(true),
    );
    for name in ["wrongname", "expired", "nointer", "nosan"] {
        k.get_body(&format!("{}/files/small.txt", s(&n["tls"][name])), &small);
    }
    k.finish();
    t.finish();
}

#[test]
#[ignore = "needs the servers of tests/interop/run.py"]
fn nginx_client_certificate() {
    let Some(suite) = Suite::load("nginx_client_certificate") else {
        return;
    };
    let Some(n) = suite.server("nginx") else { return };
    let url = format!("{}/files/small.txt", s(&n["tls"]["mtls"]));
    let small = suite.file("small.txt");
    let b = suite
        .builder()
        .client_certificate_pem(&suite.cert("client"), &suite.cert("client_key"));
    let mut t = Session::new(&suite, "nginx mTLS", b);
    t.get_body(&url, &small);
    t.get_body(&url, &small);
    t.finish();
    let mut without = Session::new(&suite, "nginx mTLS without a certificate", suite.builder());
    without.run("GET without a client certificate: nginx answers 400", |a| {
        let resp = a.get(&url).call().map_err(|e| e.to_string())?;
        if resp.status() == 400 {
            Ok(())
        } else {
            Err(format!("status {}", resp.status()))
        }
    });
    without.finish();
}

// --------------------------------------------------------------------------- Apache httpd

#[test]
#[ignore = "needs the servers of tests/interop/run.py"]
fn apache_keepalive() {
    let Some(suite) = Suite::load("apache_keepalive") else {
        return;
    };
    let Some(ap) = suite.server("apache") else { return };
    let base = s(&ap["http"]);
    let cgi = format!("{base}{}", s(&ap["cgi_echo"]));
    let limit = ap["keepalive_timeout"].as_f64().unwrap();
    let max = ap["max_keepalive_requests"].as_u64().unwrap() as usize;
    let mut t = Session::new(&suite, "apache GET+POST", suite.builder());
    let n = 2 * max;
    for i in 0..n {
        let name = ["a.txt", "b.txt", "c.txt"][i % 3];
        t.get_body(&format!("{base}/files/{name}"), &suite.file(name));
    }
    let fresh = t.counts.connected.load(Ordering::SeqCst);
    t.expect(
        fresh == 2,
        format!("{n} back-to-back GETs took {fresh} connections; MaxKeepAliveRequests {max} allows 2"),
    );
    let body = sized_body(3000, 4);
    t.post_body(&cgi, &body, cgi_received(&body));
    t.idle(limit / 2.0);
    t.post_body(&cgi, &body, cgi_received(&body));
    t.idle(limit + 1.0);
    t.get_body(&format!("{base}/files/a.txt"), &suite.file("a.txt"));
    t.idle(limit + 1.0);
    t.post_body(&cgi, &body, cgi_received(&body));
    t.finish();
}

#[test]
#[ignore = "needs the servers of tests/interop/run.py"]
fn apache_keepalive_hint() {
    let Some(suite) = Suite::load("apache_keepalive_hint") else {
        return;
    };
    let Some(ap) = suite.server("apache") else { return };
    let url = format!("{}/files/a.txt", s(&ap["http"]));
    let cgi = format!("{}{}", s(&ap["http"]), s(&ap["cgi_echo"]));
    let limit = ap["keepalive_timeout"].as_u64().unwrap();
    let mut t = Session::new(&suite, "apache Keep-Alive hint", suite.builder());
    // Apache answers with `Keep-Alive: timeout=N, max=M` only to a request that carried
    // `Connection: keep-alive` (ap_set_keepalive): ask for it once without and once with.
    let hints = Arc::new(Mutex::new(Vec::new()));
    for ask in [false, true] {
        let hints = hints.clone();
        t.run(&format!("GET with Connection: keep-alive {ask}"), |a| {
            let mut req = a.get(&url);
            if ask {
                req = req.header("Connection", "keep-alive");
            }
            let resp = req.call().map_err(|e| e.to_string())?;
            hints
                .lock()
                .unwrap()
                .push((ask, resp.header("keep-alive").map(str::to_string)));
            resp.bytes().map(drop).map_err(|e| e.to_string())
        });
    }
    let hints = hints.lock().unwrap().clone();
    suite.note(&format!("Apache's Keep-Alive header: {hints:?}"));
    t.expect(
        hints.first().is_some_and(|h| h.1.is_none()),
        "a Keep-Alive hint without asking for one",
    );
    // the idle gaps come from the hint, as a client honouring it would read it
    let hinted = hints
        .get(1)
        .and_then(|h| h.1.as_deref())
        .and_then(|v| v.split(',').find_map(|p| p.trim().strip_prefix("timeout=")))
        .and_then(|n| n.trim().parse::<u64>().ok());
    t.expect(
        hinted == Some(limit),
        format!("hinted timeout {hinted:?}, configured {limit}"),
    );
    let timeout = hinted.unwrap_or(limit) as f64;
    let body = sized_body(1500, 6);
    // The agent keeps a hinted connection out of reuse one second before the server's
    // timeout (a request sent at the edge would meet the close, and a POST is not re-sent):
    // reused well below the hint, a new connection in the last second, when Apache would
    // still have taken it, and after the hint.
    let gaps = [timeout - 1.5, timeout - 0.5, timeout + 0.5];
    for gap in gaps {
        t.idle(gap);
        let check = cgi_received(&body);
        t.run(&format!("POST with Connection: keep-alive after {gap}s"), |a| {
            let resp = a
                .post(&cgi)
                .header("Connection", "keep-alive")
                .send(&body)
                .map_err(|e| e.to_string())?;
            check(&resp.bytes().map_err(|e| e.to_string())?)
        });
    }
    t.expect(
        t.seq
            .ends_with(&format!("~{}s R ~{}s N ~{}s N", gaps[0], gaps[1], gaps[2])),
        format!(
            "reuse below the hinted timeout less a second, a new connection above it: {}",
            t.seq
        ),
    );
    t.finish();
}

#[test]
#[ignore = "needs the servers of tests/interop/run.py"]
fn apache_post_at_keepalive_edge() {
    let Some(suite) = Suite::load("apache_post_at_keepalive_edge") else {
        return;
    };
    let Some(ap) = suite.server("apache") else { return };
    let cgi = format!("{}{}", s(&ap["http"]), s(&ap["cgi_echo"]));
    let limit = ap["keepalive_timeout"].as_f64().unwrap();
    let mut t = Session::new(&suite, "apache POST at the keep-alive edge", suite.builder());
    let body = sized_body(2000, 2);
    t.post_body(&cgi, &body, cgi_received(&body));
    for gap in edge_gaps(limit) {
        t.idle(gap);
        t.post_body(&cgi, &body, cgi_received(&body));
    }
    t.finish();
}

// --------------------------------------------------------------------------- lighttpd

#[test]
#[ignore = "needs the servers of tests/interop/run.py"]
fn lighttpd_keepalive() {
    let Some(suite) = Suite::load("lighttpd_keepalive") else {
        return;
    };
    let Some(l) = suite.server("lighttpd") else { return };
    let base = s(&l["http"]);
    let cgi = format!("{base}{}", s(&l["cgi_echo"]));
    let limit = l["keepalive_timeout"].as_f64().unwrap();
    let mut t = Session::new(&suite, "lighttpd GET+POST", suite.builder());
    for name in ["a.txt", "b.txt", "c.txt", "text.txt", "medium.bin"] {
        t.get_body(&format!("{base}/files/{name}"), &suite.file(name));
    }
    let body = sized_body(5000, 3);
    t.post_body(&cgi, &body, cgi_received(&body));
    t.idle(limit / 2.0);
    t.post_body(&cgi, &body, cgi_received(&body));
    // lighttpd looks at idle connections once a second: closed between 1 and 2 s
    t.idle(limit + 1.5);
    t.get_body(&format!("{base}/files/a.txt"), &suite.file("a.txt"));
    t.idle(limit + 1.5);
    t.post_body(&cgi, &body, cgi_received(&body));
    t.finish();
}

#[test]
#[ignore = "needs the servers of tests/interop/run.py"]
fn lighttpd_post_at_keepalive_edge() {
    let Some(suite) = Suite::load("lighttpd_post_at_keepalive_edge") else {
        return;
    };
    let Some(l) = suite.server("lighttpd") else { return };
    let cgi = format!("{}{}", s(&l["http"]), s(&l["cgi_echo"]));
    let limit = l["keepalive_timeout"].as_f64().unwrap();
    // lighttpd closes idle connections from a once-a-second check, which the next request's
    // arrival can trigger: a request sent between 1 and 2 s after the last may meet the close.
    let gaps = [limit, limit + 0.2, limit + 0.4, limit + 0.6, limit + 0.8, limit + 0.95];
    let body = sized_body(2000, 5);
    // the control: an agent that drops idle connections before the server does never meets it
    let b = suite.builder().idle_timeout(Duration::from_secs_f64(limit * 0.9));
    let mut c = Session::new(&suite, "lighttpd POST, agent idle timeout below the server's", b);
    c.post_body(&cgi, &body, cgi_received(&body));
    for gap in gaps {
        c.idle(gap);
        c.post_body(&cgi, &body, cgi_received(&body));
    }
    c.finish();
    // GETs meet the same close, and are sent again on a new connection (`!`)
    let url = format!("{}/files/a.txt", s(&l["http"]));
    let a = suite.file("a.txt");
    let mut g = Session::new(&suite, "lighttpd GET at the keep-alive edge", suite.builder());
    g.get_body(&url, &a);
    for gap in gaps {
        g.idle(gap);
        g.get_body(&url, &a);
    }
    g.finish();
    let mut t = Session::new(&suite, "lighttpd POST at the keep-alive edge", suite.builder());
    t.post_body(&cgi, &body, cgi_received(&body));
    for gap in gaps {
        t.idle(gap);
        t.post_body(&cgi, &body, cgi_received(&body));
    }
    t.finish();
}

// --------------------------------------------------------------------------- httpbin on gunicorn

fn json_of(resp: h1client::Response) -> Result<Value, String> {
    let text = resp.text().map_err(|e| e.to_string())?;
    serde_json::from_str(&text).map_err(|e| format!("not JSON ({e}): {text:.200}"))
}

#[test]
#[ignore = "needs the servers of tests/interop/run.py"]
fn httpbin_agent() {
    let Some(suite) = Suite::load("httpbin_agent") else {
        return;
    };
    let Some(h) = suite.server("httpbin") else { return };
    let base = s(&h["http"]).to_string();
    let limit = h["keepalive_timeout"].as_f64().unwrap();
    let mut t = Session::new(&suite, "httpbin", suite.builder());
    let b = base.clone();
    let get = move |a: &Agent, path: &str| -> Result<Value, String> {
        let resp = a.get(format!("{b}{path}")).call().map_err(|e| e.to_string())?;
        if resp.status() != 200 {
            return Err(format!("status {}", resp.status()));
        }
        json_of(resp)
    };
    t.run("GET /get?q=1", |a| {
        let v = get(a, "/get?q=1&w=two+words")?;
        (v["args"]["w"] == "two words")
            .then_some(())
            .ok_or(format!("args {}", v["args"]))
    });
    for (enc, key) in [("gzip", "gzipped"), ("deflate", "deflated"), ("brotli", "brotli")] {
        t.run(&format!("GET /{enc} decoded"), |a| {
            let v = get(a, &format!("/{enc}"))?;
            (v[key] == true).then_some(()).ok_or(format!("{v:.200}"))
        });
    }
    t.run("POST /post form", |a| {
        let resp = a
            .post(format!("{base}/post"))
            .send_form(&[("a", "1"), ("b", "two words & more")])
            .map_err(|e| e.to_string())?;
        let v = json_of(resp)?;
        (v["form"]["b"] == "two words & more")
            .then_some(())
            .ok_or(format!("form {}", v["form"]))
    });
    t.run("POST /anything JSON", |a| {
        let resp = a
            .post(format!("{base}/anything"))
            .send_json(&serde_json::json!({"k": [1, 2, 3]}))
            .map_err(|e| e.to_string())?;
        let v = json_of(resp)?;
        (v["json"]["k"][2] == 3)
            .then_some(())
            .ok_or(format!("json {}", v["json"]))
    });
    t.run("PUT /put streamed (chunked)", |a| {
        let body = sized_body(50_000, 7);
        let resp = a
            .put(format!("{base}/put"))
            .send_reader(&body[..])
            .map_err(|e| e.to_string())?;
        let v = json_of(resp)?;
        (v["data"].as_str().map(str::as_bytes) == Some(&body[..]))
            .then_some(())
            .ok_or(format!("data of {} bytes", v["data"].as_str().map_or(0, str::len)))
    });
    t.run("multipart POST", |a| {
        let file = h1client::Part::bytes(b"file body".to_vec())
            .file_name("f.txt")
            .content_type("text/plain");
        let form = h1client::Multipart::new().text("field", "value").part("file", file);
        let resp = a
            .post(format!("{base}/post"))
            .send_multipart(form)
            .map_err(|e| e.to_string())?;
        let v = json_of(resp)?;
        (v["form"]["field"] == "value" && v["files"]["file"] == "file body")
            .then_some(())
            .ok_or(format!("form {} files {}", v["form"], v["files"]))
    });
    t.run("GET /stream/20 (chunked)", |a| {
        let resp = a.get(format!("{base}/stream/20")).call().map_err(|e| e.to_string())?;
        let text = resp.text().map_err(|e| e.to_string())?;
        let n = text.lines().count();
        (n == 20).then_some(()).ok_or(format!("{n} lines"))
    });
    t.run("GET /drip", |a| {
        let resp = a
            .get(format!("{base}/drip?numbytes=20&duration=0.5&delay=0"))
            .call()
            .map_err(|e| e.to_string())?;
        let got = resp.bytes().map_err(|e| e.to_string())?;
        (got == vec![b'*'; 20])
            .then_some(())
            .ok_or(format!("{} bytes", got.len()))
    });
    t.run("GET /redirect/3 followed", |a| {
        let resp = a.get(format!("{base}/redirect/3")).call().map_err(|e| e.to_string())?;
        let url = resp.url().to_string();
        url.ends_with("/get").then_some(()).ok_or(url)
    });
    t.run("GET /basic-auth", |a| {
        let resp = a
            .get(format!("{base}/basic-auth/u/p"))
            .basic_auth("u", "p")
            .call()
            .map_err(|e| e.to_string())?;
        (resp.status() == 200)
            .then_some(())
            .ok_or(format!("status {}", resp.status()))
    });
    t.run("GET /status/418 is a response", |a| {
        let resp = a.get(format!("{base}/status/418")).call().map_err(|e| e.to_string())?;
        (resp.status() == 418)
            .then_some(())
            .ok_or(format!("status {}", resp.status()))
    });
    t.run("GET /bytes/100000", |a| {
        let resp = a
            .get(format!("{base}/bytes/100000?seed=1"))
            .call()
            .map_err(|e| e.to_string())?;
        let n = resp.bytes().map_err(|e| e.to_string())?.len();
        (n == 100_000).then_some(()).ok_or(format!("{n} bytes"))
    });
    t.idle(limit / 2.0);
    t.run("GET after half the keep-alive", |a| get(a, "/get").map(drop));
    t.idle(limit + 1.0);
    t.run("GET after the keep-alive", |a| get(a, "/get").map(drop));
    t.idle(limit + 1.0);
    t.run("POST after the keep-alive", |a| {
        let resp = a
            .post(format!("{base}/post"))
            .send(b"after idle")
            .map_err(|e| e.to_string())?;
        let v = json_of(resp)?;
        (v["data"] == "after idle")
            .then_some(())
            .ok_or(format!("data {}", v["data"]))
    });
    t.finish();
}

#[test]
#[ignore = "needs the servers of tests/interop/run.py"]
fn httpbin_limits_cookies_errors() {
    let Some(suite) = Suite::load("httpbin_limits_cookies_errors") else {
        return;
    };
    let Some(h) = suite.server("httpbin") else { return };
    let base = s(&h["http"]).to_string();
    let b = suite.builder().timeout(Duration::from_secs(1)).body_limit(50_000);
    let mut t = Session::new(&suite, "httpbin limits, cookies, errors", b);
    t.run("the jar: /cookies/set then its redirect to /cookies", |a| {
        let resp = a
            .get(format!("{base}/cookies/set?k1=v1&k2=v2"))
            .call()
            .map_err(|e| e.to_string())?;
        let v = json_of(resp)?;
        (v["cookies"]["k1"] == "v1" && v["cookies"]["k2"] == "v2")
            .then_some(())
            .ok_or(format!("cookies {}", v["cookies"]))
    });
    t.run("the jar sends them on later requests", |a| {
        let v = json_of(a.get(format!("{base}/cookies")).call().map_err(|e| e.to_string())?)?;
        (v["cookies"]["k2"] == "v2")
            .then_some(())
            .ok_or(format!("cookies {}", v["cookies"]))
    });
    t.run("the whole-request timeout: /delay/3 with 1 s", |a| {
        match a.get(format!("{base}/delay/3")).call() {
            Ok(r) => Err(format!("status {}", r.status())),
            Err(e) if e.is_timeout() => Ok(()),
            Err(e) => Err(format!("{:?}: {e}", e.kind())),
        }
    });
    t.run("the agent still works after a timeout", |a| {
        let v = json_of(
            a.get(format!("{base}/get?after=timeout"))
                .call()
                .map_err(|e| e.to_string())?,
        )?;
        (v["args"]["after"] == "timeout")
            .then_some(())
            .ok_or(format!("args {}", v["args"]))
    });
    t.run("body_limit: /bytes/100000 with a 50000-byte limit", |a| {
        let resp = a
            .get(format!("{base}/bytes/100000"))
            .call()
            .map_err(|e| e.to_string())?;
        match resp.bytes() {
            Ok(b) => Err(format!("{} bytes accepted", b.len())),
            Err(e) if e.kind() == h1client::ErrorKind::BodyTooLarge => Ok(()),
            Err(e) => Err(format!("{:?}: {e}", e.kind())),
        }
    });
    t.run("error_for_status on /status/418", |a| {
        let resp = a.get(format!("{base}/status/418")).call().map_err(|e| e.to_string())?;
        match resp.error_for_status() {
            Ok(r) => Err(format!("status {} passed", r.status())),
            Err(e) if e.status() == Some(418) => Ok(()),
            Err(e) => Err(format!("{:?}: {e}", e.kind())),
        }
    });
    t.run("text() of /encoding/utf8", |a| {
        let text = a
            .get(format!("{base}/encoding/utf8"))
            .call()
            .and_then(|r| r.text())
            .map_err(|e| e.to_string())?;
        text.contains('\u{2200}').then_some(()).ok_or(format!("{text:.80}"))
    });
    t.finish();
}

// --------------------------------------------------------------------------- proxies

#[test]
#[ignore = "needs the servers of tests/interop/run.py"]
fn squid_forward_and_connect() {
    let Some(suite) = Suite::load("squid_forward_and_connect") else {
        return;
    };
    let Some(q) = suite.server("squid") else { return };
    let Some(n) = suite.server("nginx") else { return };
    let proxy = Proxy::new(s(&q["proxy"])).expect("proxy URL");
    let mut t = Session::new(&suite, "squid", suite.builder().proxy(proxy));
    let http = s(&n["http"]);
    let tls = s(&n["tls"]["tls"]);
    for name in ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"] {
        t.get_body(&format!("{http}/files/{name}"), &suite.file(name));
    }
    if let Some(ap) = suite.m["servers"]["apache"].as_object() {
        let cgi = format!("{}{}", ap["http"].as_str().unwrap(), ap["cgi_echo"].as_str().unwrap());
        let body = sized_body(10_000, 8);
        t.post_body(&cgi, &body, cgi_received(&body));
    }
    for name in ["a.txt", "b.txt", "c.txt"] {
        t.get_body(&format!("{tls}/files/{name}"), &suite.file(name));
    }
    t.get_body(&format!("{tls}/files/large.bin"), &suite.file("large.bin"));
    t.idle(1.5);
    t.get_body(&format!("{tls}/files/a.txt"), &suite.file("a.txt"));
    t.get_body(&format!("{http}/files/a.txt"), &suite.file("a.txt"));
    t.finish();
}

#[test]
#[ignore = "needs the servers of tests/interop/run.py"]
fn squid_basic_auth() {
    let Some(suite) = Suite::load("squid_basic_auth") else {
        return;
    };
    let Some(q) = suite.server("squid") else { return };
    let Some(n) = suite.server("nginx") else { return };
    let http = format!("{}/files/small.txt", s(&n["http"]));
    let tls = format!("{}/files/small.txt", s(&n["tls"]["tls"]));
    let small = suite.file("small.txt");
    let with = Proxy::new(s(&q["auth_proxy_with_credentials"])).expect("proxy URL");
    let mut t = Session::new(&suite, "squid with Basic auth", suite.builder().proxy(with));
    t.get_body(&http, &small);
    t.get_body(&tls, &small);
    t.get_body(&http, &small);
    t.finish();
    let without = Proxy::new(s(&q["auth_proxy"])).expect("proxy URL");
    let mut w = Session::new(&suite, "squid without credentials", suite.builder().proxy(without));
    w.run("plain http: the proxy's 407 is the response", |a| {
        let resp = a.get(&http).call().map_err(|e| e.to_string())?;
        (resp.status() == 407)
            .then_some(())
            .ok_or(format!("status {}", resp.status()))
    });
    w.run("https: the tunnel is refused", |a| match a.get(&tls).call() {
        Ok(r) => Err(format!("status {}", r.status())),
        Err(e) if e.kind() == h1client::ErrorKind::Proxy => Ok(()),
        Err(e) => Err(format!("{:?}: {e}", e.kind())),
    });
    w.finish();
}

#[test]
#[ignore = "needs the servers of tests/interop/run.py"]
fn socks5_dante() {
    let Some(suite) = Suite::load("socks5_dante") else {
        return;
    };
    let Some(k) = suite.server("socks") else { return };
    let Some(n) = suite.server("nginx") else { return };
    let small = suite.file("small.txt");
    let http = s(&n["http"]);
    let by_name = s(&n["http_localhost"]);
    let tls = s(&n["tls"]["tls"]);
    let mut proxies = vec![
        (s(&k["socks5"]).to_string(), "socks5"),
        (s(&k["socks5h"]).to_string(), "socks5h"),
    ];
    if let (Some(u), Some(p)) = (k["user"].as_str(), k["password"].as_str()) {
        for (key, label) in [
            ("auth_socks5", "socks5 with a password"),
            ("auth_socks5h", "socks5h with a password"),
        ] {
            proxies.push((s(&k[key]).replacen("://", &format!("://{u}:{p}@"), 1), label));
        }
    } else {
        suite.note(&format!(
            "no SOCKS5 server with a password: {}",
            k["auth_unavailable"].as_str().unwrap_or("?")
        ));
    }
    let mut failures = Vec::new();
    for (url, label) in &proxies {
        let mut t = Session::new(
            &suite,
            label,
            suite.builder().proxy(Proxy::new(url).expect("proxy URL")),
        );
        t.get_body(&format!("{http}/files/small.txt"), &small);
        t.get_body(&format!("{by_name}/files/a.txt"), &suite.file("a.txt"));
        t.get_body(&format!("{tls}/files/b.txt"), &suite.file("b.txt"));
        t.get_body(&format!("{tls}/files/c.txt"), &suite.file("c.txt"));
        t.get_body(&format!("{http}/files/d.txt"), &suite.file("d.txt"));
        if let Err(e) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| t.finish())) {
            failures.push(e.downcast_ref::<String>().cloned().unwrap_or_default());
        }
    }
    if let Some(auth) = k["auth_socks5"].as_str() {
        let mut t = Session::new(
            &suite,
            "socks5 without the password",
            suite.builder().proxy(Proxy::new(auth).unwrap()),
        );
        t.run("refused by the server", |a| {
            match a.get(format!("{http}/files/small.txt")).call() {
                Ok(r) => Err(format!("status {}", r.status())),
                Err(e) if e.kind() == h1client::ErrorKind::Proxy => Ok(()),
                Err(e) => Err(format!("{:?}: {e}", e.kind())),
            }
        });
        if let Err(e) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| t.finish())) {
            failures.push(e.downcast_ref::<String>().cloned().unwrap_or_default());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join(" | "));
}

#[test]
fn sha256_is_right() {
    assert_eq!(
        sha256_hex(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let long = sized_body(1000, 3);
    assert_eq!(sha256_hex(&long).len(), 64);
}
