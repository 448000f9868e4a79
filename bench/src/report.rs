//! The report: a markdown table per scenario and an SVG bar chart of the ratios.

use crate::harness::{ClientRuns, Kind, Sample, ScenarioResult, PEERS};
use crate::hello::Build;
use std::fmt::Write;
use std::path::Path;

const MIB: f64 = 1024.0 * 1024.0;

/// Where and how the benchmark ran.
pub struct RunInfo {
    invocation: String,
    runs: usize,
    quick: bool,
    pinned: bool,
    date: String,
    machine: String,
    versions: String,
}

fn command_line(cmd: &str, args: &[&str]) -> String {
    std::process::Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_else(|| format!("{cmd}: unknown"))
}

/// Today's UTC date from the system clock (civil-from-days, H. Hinnant).
fn utc_date() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

impl RunInfo {
    /// Gathers the machine, toolchain and crate versions.
    pub fn collect(bench: &Path, invocation: &str, runs: usize, quick: bool, pinned: bool) -> RunInfo {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split(':').nth(1))
                    .map(|m| m.trim().to_string())
            })
            .unwrap_or_else(|| "unknown CPU".into());
        let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        let machine = format!(
            "{cores} cores ({cpu}), Linux {kernel}; {}; {}",
            command_line("rustc", &["--version"]),
            command_line("curl", &["--version"])
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ")
        );
        let lock = std::fs::read_to_string(bench.join("Cargo.lock")).unwrap_or_default();
        let version = |name: &str| {
            let key = format!("name = \"{name}\"\nversion = \"");
            lock.find(&key)
                .map(|i| lock[i + key.len()..].split('"').next().unwrap_or("?").to_string())
                .unwrap_or_else(|| "?".into())
        };
        let versions = ["h1client", "ureq", "minreq", "attohttpc", "reqwest", "rustls", "ring"]
            .iter()
            .map(|n| format!("{n} {}", version(n)))
            .collect::<Vec<_>>()
            .join(", ");
        RunInfo {
            invocation: invocation.to_string(),
            runs,
            quick,
            pinned,
            date: utc_date(),
            machine,
            versions,
        }
    }
}

/// Median, min and max of some figures.
#[derive(Clone, Copy)]
struct Stat {
    median: f64,
    min: f64,
    max: f64,
}

fn stat(mut v: Vec<f64>) -> Option<Stat> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    Some(Stat {
        median,
        min: v[0],
        max: v[n - 1],
    })
}

fn of(runs: &ClientRuns, f: impl Fn(&Sample) -> f64) -> Option<Stat> {
    stat(runs.samples.iter().map(f).collect())
}

/// A number with a sensible count of digits.
fn num(x: f64) -> String {
    match x.abs() {
        a if a >= 1000.0 => format!("{x:.0}"),
        a if a >= 100.0 => format!("{x:.1}"),
        a if a >= 10.0 => format!("{x:.2}"),
        _ => format!("{x:.3}"),
    }
}

fn range(s: &Stat) -> String {
    format!("{} – {}", num(s.min), num(s.max))
}

fn ratio(x: f64, base: Option<f64>) -> Option<f64> {
    base.filter(|b| *b > 0.0).map(|b| x / b)
}

fn fmt_ratio(r: Option<f64>) -> String {
    r.map_or_else(|| "–".to_string(), |r| format!("{r:.2}×"))
}

/// The median of the client named `name`, if it has one.
fn median_of(sr: &ScenarioResult, name: &str, f: &dyn Fn(&Sample) -> f64) -> Option<f64> {
    sr.clients
        .iter()
        .find(|c| c.client == name)
        .and_then(|c| of(c, f))
        .map(|s| s.median)
}

/// The lowest median among the library clients.
fn best_peer(sr: &ScenarioResult, f: &dyn Fn(&Sample) -> f64) -> Option<f64> {
    sr.clients
        .iter()
        .filter(|c| PEERS.contains(&c.client))
        .filter_map(|c| of(c, f))
        .map(|s| s.median)
        .min_by(f64::total_cmp)
}

fn conns(runs: &ClientRuns) -> String {
    let lo = runs.samples.iter().map(|s| s.conns).min();
    let hi = runs.samples.iter().map(|s| s.conns).max();
    match (lo, hi) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => "–".into(),
    }
}

fn failure_note(out: &mut String, sr: &ScenarioResult) {
    for c in &sr.clients {
        if let Some(first) = c.failures.first() {
            let _ = writeln!(
                out,
                "- **{}** failed {} of {} runs: {first}",
                c.label,
                c.failures.len(),
                c.failures.len() + c.samples.len()
            );
        }
    }
}

/// Throughput in MiB/s of one sample.
fn throughput(sr: &ScenarioResult) -> impl Fn(&Sample) -> f64 {
    let bytes = sr.scenario.bytes() as f64;
    move |s: &Sample| bytes / MIB / s.wall
}

fn per_request(sr: &ScenarioResult, f: fn(&Sample) -> f64) -> impl Fn(&Sample) -> f64 {
    let n = sr.scenario.count as f64;
    move |s: &Sample| f(s) * 1e6 / n
}

fn bulk_table(out: &mut String, sr: &ScenarioResult) {
    let base = sr.scenario.baseline();
    let tp = throughput(sr);
    let cpu = |s: &Sample| s.cpu;
    let base_tp = median_of(sr, base, &tp);
    let base_cpu = median_of(sr, base, &cpu);
    let _ = writeln!(
        out,
        "| client | MiB/s | min – max | × {base} | client CPU s | min – max | CPU × {base} | server CPU s | connections |\n\
         |---|--:|--:|--:|--:|--:|--:|--:|--:|"
    );
    for c in &sr.clients {
        let (Some(t), Some(u)) = (of(c, &tp), of(c, cpu)) else {
            let _ = writeln!(out, "| {} | failed | | | | | | | |", c.label);
            continue;
        };
        let server = of(c, |s| s.server_cpu).map_or("–".into(), |s| num(s.median));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {server} | {} |",
            c.label,
            num(t.median),
            range(&t),
            fmt_ratio(ratio(t.median, base_tp)),
            num(u.median),
            range(&u),
            fmt_ratio(ratio(u.median, base_cpu)),
            conns(c)
        );
    }
}

fn resumed(runs: &ClientRuns) -> String {
    let lo = runs.samples.iter().map(|s| s.resumed).min();
    let hi = runs.samples.iter().map(|s| s.resumed).max();
    match (lo, hi) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => "–".into(),
    }
}

fn request_table(out: &mut String, sr: &ScenarioResult) {
    let sc = &sr.scenario;
    let wall = per_request(sr, |s| s.wall);
    let cpu = per_request(sr, |s| s.cpu);
    let allocs = per_request(sr, |s| s.allocs as f64 / 1e6);
    let raw = sc.baseline();
    let (time_base, time_base_name) = if sc.versus_raw {
        (median_of(sr, raw, &wall), raw)
    } else {
        (best_peer(sr, &wall), "best peer")
    };
    let raw_cpu = median_of(sr, raw, &cpu);
    let best_cpu = best_peer(sr, &cpu);
    let unit = sc.unit;
    let conns_title = if unit == "process" {
        "connections"
    } else {
        "connections used"
    };
    let _ = write!(
        out,
        "| client | µs / {unit} | min – max | × {time_base_name} | CPU µs / {unit} | min – max | CPU × {raw} | CPU × best peer |"
    );
    let mut rule = String::from("|---|--:|--:|--:|--:|--:|--:|--:|");
    if !sc.children {
        let _ = write!(out, " allocations / {unit} |");
        rule.push_str("--:|");
    }
    let _ = write!(out, " {conns_title} |");
    rule.push_str("--:|");
    if sc.tls() {
        out.push_str(" resumed handshakes |");
        rule.push_str("--:|");
    }
    let _ = writeln!(out, "\n{rule}");
    for c in &sr.clients {
        let (Some(t), Some(u), Some(a)) = (of(c, &wall), of(c, &cpu), of(c, &allocs)) else {
            let _ = writeln!(out, "| {} | failed | | | | | | | | |", c.label);
            continue;
        };
        let _ = write!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            c.label,
            num(t.median),
            range(&t),
            fmt_ratio(ratio(t.median, time_base)),
            num(u.median),
            range(&u),
            fmt_ratio(ratio(u.median, raw_cpu)),
            fmt_ratio(ratio(u.median, best_cpu)),
        );
        if !sc.children {
            let _ = write!(out, " {} |", num(a.median));
        }
        let _ = write!(out, " {} |", conns(c));
        if sc.tls() {
            let _ = write!(out, " {} |", resumed(c));
        }
        out.push('\n');
    }
}

fn alloc_table(out: &mut String, sr: &ScenarioResult) {
    let allocs = per_request(sr, |s| s.allocs as f64 / 1e6);
    let bytes = per_request(sr, |s| s.alloc_bytes as f64 / 1e6);
    let best = best_peer(sr, &allocs);
    let _ = writeln!(
        out,
        "| client | allocations / request | bytes allocated / request | × best peer |\n|---|--:|--:|--:|"
    );
    for c in &sr.clients {
        let (Some(a), Some(b)) = (of(c, &allocs), of(c, &bytes)) else {
            let _ = writeln!(out, "| {} | failed | | |", c.label);
            continue;
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            c.label,
            num(a.median),
            num(b.median),
            fmt_ratio(ratio(a.median, best))
        );
    }
}

fn rss_table(out: &mut String, sr: &ScenarioResult) {
    let rss = |s: &Sample| s.maxrss_kib as f64 / 1024.0;
    let base = median_of(sr, "raw", &rss);
    let best = best_peer(sr, &rss);
    let _ = writeln!(
        out,
        "| client | peak RSS MiB | min – max | × raw | × best peer |\n|---|--:|--:|--:|--:|"
    );
    for c in &sr.clients {
        let Some(r) = of(c, rss) else {
            let _ = writeln!(out, "| {} | failed | | | |", c.label);
            continue;
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            c.label,
            num(r.median),
            range(&r),
            fmt_ratio(ratio(r.median, base)),
            fmt_ratio(ratio(r.median, best))
        );
    }
}

/// The peers for size and build time: the libraries built with TLS (minreq is built without it,
/// its rustls feature needing aws-lc, so its program is not comparable).
const TLS_PEERS: [&str; 4] = ["h1client", "ureq", "attohttpc", "reqwest"];

fn build_best(builds: &[Build], f: fn(&crate::hello::Figures) -> f64) -> Option<f64> {
    builds
        .iter()
        .filter(|b| TLS_PEERS.contains(&b.client))
        .filter_map(|b| b.result.as_ref().ok().map(f))
        .min_by(f64::total_cmp)
}

fn build_table(out: &mut String, builds: &[Build]) {
    let best_size = build_best(builds, |f| f.stripped as f64);
    let best_time = build_best(builds, |f| f.build_secs);
    let _ = writeln!(
        out,
        "| client | stripped binary KiB | × best TLS peer | as built KiB | clean build s | × best TLS peer |\n\
         |---|--:|--:|--:|--:|--:|"
    );
    for b in builds {
        match &b.result {
            Ok(f) => {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    b.client,
                    f.stripped / 1024,
                    fmt_ratio(ratio(f.stripped as f64, best_size)),
                    f.size / 1024,
                    num(f.build_secs),
                    fmt_ratio(ratio(f.build_secs, best_time))
                );
            }
            Err(e) => {
                let _ = writeln!(out, "| {} | failed: {e} | | | | |", b.client);
            }
        }
    }
}

/// The whole report as markdown.
pub fn markdown(info: &RunInfo, results: &[ScenarioResult], builds: &[Build]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# h1client loopback comparison\n\n\
         `cargo run --release --manifest-path bench/Cargo.toml --{}{}`, {}.\n\n\
         - Machine: {}.\n- Crates: {}.\n\
         - {} runs per client{}; medians, with min – max. Every client runs in a process of its own; \
         the server is another process on 127.0.0.1{}. CPU is the client process's user + system \
         time (all threads) for the measured part. \"× raw\" compares with the raw socket client (the \
         physical limit); \"× best peer\" with the best of the libraries (h1client, ureq, minreq, \
         attohttpc, reqwest). See README.md for what each scenario does.\n",
        if info.invocation.is_empty() { "" } else { " " },
        info.invocation,
        info.date,
        info.machine,
        info.versions,
        info.runs,
        if info.quick { " (--quick: small sizes)" } else { "" },
        if info.pinned {
            "; the server is pinned to CPU 0 and each client process to CPU 1"
        } else {
            "; nothing pinned"
        },
    );
    for sr in results {
        let _ = writeln!(out, "## {} (`{}`)\n", sr.scenario.title, sr.scenario.id);
        if !sr.scenario.note.is_empty() {
            let _ = writeln!(out, "{}\n", sr.scenario.note);
        }
        match sr.scenario.kind {
            Kind::Bulk => bulk_table(&mut out, sr),
            Kind::PerRequest => request_table(&mut out, sr),
            Kind::Alloc => alloc_table(&mut out, sr),
        }
        failure_note(&mut out, sr);
        out.push('\n');
        if sr.scenario.id == "bulk-cl" {
            let _ = writeln!(out, "## Peak RSS of the client process during that download (`rss`)\n");
            rss_table(&mut out, sr);
            out.push('\n');
        }
    }
    if !builds.is_empty() {
        let _ = writeln!(
            out,
            "## Hello-world binary (one GET), release profile, clean build (`build`)\n\n\
             `raw` is std::net alone, and minreq is built without TLS (its rustls feature needs \
             aws-lc): neither counts as a peer here, the others all carry rustls with ring and the \
             webpki-roots. Build times depend on whatever else the machine was doing.\n"
        );
        build_table(&mut out, builds);
        out.push('\n');
    }
    out
}

/// One group of bars in the chart: a scenario, each client a row, each series a bar.
struct Panel {
    title: String,
    series: Vec<&'static str>,
    rows: Vec<(&'static str, Vec<Option<f64>>)>,
}

fn panels(results: &[ScenarioResult], builds: &[Build]) -> Vec<Panel> {
    let mut panels = Vec::new();
    for sr in results {
        let cpu = |s: &Sample| s.cpu;
        let (series, rows) = match sr.scenario.kind {
            Kind::Bulk => {
                let base = sr.scenario.baseline();
                let wall = |s: &Sample| s.wall;
                let (bw, bc) = (median_of(sr, base, &wall), median_of(sr, base, &cpu));
                let rows = sr
                    .clients
                    .iter()
                    .map(|c| {
                        let w = of(c, wall).and_then(|s| ratio(s.median, bw));
                        let u = of(c, cpu).and_then(|s| ratio(s.median, bc));
                        (c.label, vec![w, u])
                    })
                    .collect();
                let series = if sr.scenario.baseline() == "raw" {
                    vec!["time × raw", "CPU × raw"]
                } else {
                    vec!["time × raw-tls", "CPU × raw-tls"]
                };
                (series, rows)
            }
            Kind::PerRequest if sr.scenario.versus_raw => {
                let base = sr.scenario.baseline();
                let wall = |s: &Sample| s.wall;
                let (bw, bc) = (median_of(sr, base, &wall), median_of(sr, base, &cpu));
                let rows = sr
                    .clients
                    .iter()
                    .map(|c| {
                        let w = of(c, wall).and_then(|s| ratio(s.median, bw));
                        let u = of(c, cpu).and_then(|s| ratio(s.median, bc));
                        (c.label, vec![w, u])
                    })
                    .collect();
                let series = if base == "raw" {
                    vec!["time × raw", "CPU × raw"]
                } else {
                    vec!["time × raw-tls", "CPU × raw-tls"]
                };
                (series, rows)
            }
            Kind::PerRequest => {
                let wall = |s: &Sample| s.wall;
                let (bw, bc) = (best_peer(sr, &wall), best_peer(sr, &cpu));
                let rows = sr
                    .clients
                    .iter()
                    .map(|c| {
                        let w = of(c, wall).and_then(|s| ratio(s.median, bw));
                        let u = of(c, cpu).and_then(|s| ratio(s.median, bc));
                        (c.label, vec![w, u])
                    })
                    .collect();
                (vec!["time × best peer", "CPU × best peer"], rows)
            }
            Kind::Alloc => {
                let allocs = |s: &Sample| s.allocs as f64;
                let best = best_peer(sr, &allocs);
                let rows = sr
                    .clients
                    .iter()
                    .map(|c| (c.label, vec![of(c, allocs).and_then(|s| ratio(s.median, best))]))
                    .collect();
                (vec!["allocations × best peer"], rows)
            }
        };
        panels.push(Panel {
            title: sr.scenario.title.clone(),
            series,
            rows,
        });
        if sr.scenario.id == "bulk-cl" {
            let rss = |s: &Sample| s.maxrss_kib as f64;
            let base = median_of(sr, "raw", &rss);
            panels.push(Panel {
                title: format!("Peak RSS during: {}", sr.scenario.title),
                series: vec!["peak RSS × raw"],
                rows: sr
                    .clients
                    .iter()
                    .map(|c| (c.label, vec![of(c, rss).and_then(|s| ratio(s.median, base))]))
                    .collect(),
            });
        }
    }
    if !builds.is_empty() {
        let best_size = build_best(builds, |f| f.stripped as f64);
        let best_time = build_best(builds, |f| f.build_secs);
        panels.push(Panel {
            title: "Hello-world binary: stripped size and clean build time".into(),
            series: vec!["size × best TLS peer", "build time × best TLS peer"],
            rows: builds
                .iter()
                .map(|b| {
                    let f = b.result.as_ref().ok();
                    (
                        b.client,
                        vec![
                            f.and_then(|f| ratio(f.stripped as f64, best_size)),
                            f.and_then(|f| ratio(f.build_secs, best_time)),
                        ],
                    )
                })
                .collect(),
        });
    }
    panels
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The chart: one panel per scenario, horizontal bars, all ratios "lower is better", a dashed line
/// at 1.
pub fn svg(info: &RunInfo, results: &[ScenarioResult], builds: &[Build]) -> String {
    const WIDTH: f64 = 960.0;
    const LABEL: f64 = 140.0;
    const BAR_MAX: f64 = WIDTH - LABEL - 90.0;
    const BAR: f64 = 11.0;
    const CAP: f64 = 10.0;
    const COLORS: [&str; 2] = ["#4e79a7", "#f28e2b"];
    let panels = panels(results, builds);
    let mut body = String::new();
    let mut y = 56.0;
    for p in &panels {
        let scale_max = p
            .rows
            .iter()
            .flat_map(|(_, v)| v.iter().flatten().copied())
            .fold(1.2f64, f64::max)
            .min(CAP)
            * 1.05;
        let x_of = |r: f64| LABEL + BAR_MAX * (r.min(scale_max) / scale_max);
        let _ = writeln!(
            body,
            r#"<text x="8" y="{:.1}" font-weight="bold">{}</text>"#,
            y + 14.0,
            escape(&p.title)
        );
        let mut lx = WIDTH - 8.0;
        for (i, s) in p.series.iter().enumerate().rev() {
            lx -= 7.5 * s.len() as f64 + 24.0;
            let _ = writeln!(
                body,
                r#"<rect x="{lx:.1}" y="{:.1}" width="10" height="10" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="11">{}</text>"#,
                y + 5.0,
                COLORS[i % 2],
                lx + 14.0,
                y + 14.0,
                escape(s)
            );
        }
        y += 24.0;
        let top = y;
        for (client, values) in &p.rows {
            let row_h = p.series.len() as f64 * (BAR + 2.0) + 6.0;
            let _ = writeln!(
                body,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                LABEL - 8.0,
                y + row_h / 2.0 + 1.0,
                escape(client)
            );
            for (i, v) in values.iter().enumerate() {
                let by = y + i as f64 * (BAR + 2.0);
                match v {
                    Some(r) => {
                        let x1 = x_of(*r);
                        let clipped = if *r > scale_max { " ▶" } else { "" };
                        let _ = writeln!(
                            body,
                            r#"<rect x="{LABEL}" y="{by:.1}" width="{:.1}" height="{BAR}" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="10">{r:.2}×{clipped}</text>"#,
                            (x1 - LABEL).max(1.0),
                            COLORS[i % 2],
                            x1 + 4.0,
                            by + BAR - 1.5
                        );
                    }
                    None => {
                        let _ = writeln!(
                            body,
                            r##"<text x="{:.1}" y="{:.1}" font-size="10" fill="#b00">n/a (failed or no baseline)</text>"##,
                            LABEL + 4.0,
                            by + BAR - 1.5
                        );
                    }
                }
            }
            y += row_h;
        }
        let one = x_of(1.0);
        let _ = writeln!(
            body,
            r##"<line x1="{one:.1}" y1="{:.1}" x2="{one:.1}" y2="{:.1}" stroke="#333" stroke-dasharray="4,3"/><text x="{one:.1}" y="{:.1}" font-size="10" text-anchor="middle">1×</text>"##,
            top - 3.0,
            y,
            y + 11.0
        );
        y += 26.0;
    }
    let height = y + 10.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0}" viewBox="0 0 {WIDTH} {height:.0}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(
        out,
        r#"<rect width="100%" height="100%" fill="white"/><text x="8" y="22" font-size="16" font-weight="bold">h1client loopback comparison: ratios, lower is better</text>"#
    );
    let _ = writeln!(
        out,
        r#"<text x="8" y="40" font-size="11">{} · {} runs{}, medians{} · {}</text>"#,
        escape(&info.date),
        info.runs,
        if info.quick { " (--quick)" } else { "" },
        if info.pinned {
            ", server and client pinned to one core each"
        } else {
            ""
        },
        escape(&info.machine)
    );
    out.push_str(&body);
    out.push_str("</svg>\n");
    out
}
