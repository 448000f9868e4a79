//! The opt-in `build` scenario: a hello-world program per client (one GET), built from clean in
//! release mode; its build time and binary size.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// What building one hello-world program gave.
pub struct Build {
    pub client: &'static str,
    pub result: Result<Figures, String>,
}

/// Size and build time of one hello-world program.
pub struct Figures {
    /// Release binary as built, bytes.
    pub size: u64,
    /// The same after `strip`, bytes.
    pub stripped: u64,
    /// Wall seconds of the clean `cargo build --release`.
    pub build_secs: f64,
}

const MAIN_HEAD: &str = "fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or(\"usage: hello URL\")?;
";

/// (client, dependency lines, body of main after `url` is known). The dependency lines use the
/// same versions and features as bench/Cargo.toml, and the bench's Cargo.lock is copied in.
fn projects(repo: &Path) -> Vec<(&'static str, String, &'static str)> {
    vec![
        (
            "raw",
            String::new(),
            r#"    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").ok_or("http only")?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut s = std::net::TcpStream::connect(authority)?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n")?;
    let mut response = Vec::new();
    s.read_to_end(&mut response)?;
    let body = response.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no head")? + 4;
    println!("{}", response.len() - body);
"#,
        ),
        (
            "h1client",
            format!("h1client = {{ path = {:?} }}\n", repo.display().to_string()),
            r#"    let body = h1client::get(&url).call()?.bytes()?;
    println!("{}", body.len());
"#,
        ),
        (
            "ureq",
            "ureq = { version = \"3\", default-features = false, features = [\"rustls\"] }\n".into(),
            r#"    let body = ureq::get(&url).call()?.body_mut().read_to_vec()?;
    println!("{}", body.len());
"#,
        ),
        (
            "minreq",
            "minreq = { version = \"3\", default-features = false }\n".into(),
            r#"    let resp = minreq::get(&url).send()?;
    println!("{}", resp.as_bytes().len());
"#,
        ),
        (
            "attohttpc",
            "attohttpc = { version = \"0.31\", default-features = false, features = [\"tls-rustls-webpki-roots-ring\"] }\n".into(),
            r#"    let body = attohttpc::get(&url).send()?.bytes()?;
    println!("{}", body.len());
"#,
        ),
        (
            "reqwest",
            "reqwest = { version = \"0.13\", default-features = false, features = [\"blocking\", \"rustls-no-provider\"] }\n\
             rustls = { version = \"0.23\", default-features = false, features = [\"ring\", \"std\", \"tls12\"] }\n"
                .into(),
            r#"    let _ = rustls::crypto::ring::default_provider().install_default();
    let body = reqwest::blocking::get(&url)?.bytes()?;
    println!("{}", body.len());
"#,
        ),
    ]
}

/// Writes a cargo project for one program: `dir/Cargo.toml` (with the bench's versions: its
/// `Cargo.lock` is copied in) and `dir/src/main.rs`.
pub fn write_project(bench: &Path, dir: &Path, name: &str, deps: &str, main_rs: &str) -> Result<(), String> {
    let io = |e: std::io::Error| format!("{}: {e}", dir.display());
    std::fs::create_dir_all(dir.join("src")).map_err(io)?;
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\n{deps}"
    );
    // (unchanged files keep their times, so that a build in a kept target directory is a no-op)
    let write = |path: std::path::PathBuf, text: &str| -> Result<(), String> {
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
            std::fs::write(&path, text).map_err(io)?;
        }
        Ok(())
    };
    write(dir.join("Cargo.toml"), &manifest)?;
    write(dir.join("src/main.rs"), main_rs)?;
    let lock = std::fs::read_to_string(bench.join("Cargo.lock")).map_err(io)?;
    write(dir.join("Cargo.lock"), &lock)
}

/// `cargo build --release --offline` of the project in `dir`, into `target`.
pub fn cargo_build(dir: &Path, target: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["build", "--release", "--offline", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "build failed: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .take(5)
                .collect::<Vec<_>>()
                .join(" / ")
        ));
    }
    Ok(())
}

fn build_one(bench: &Path, client: &str, deps: &str, body: &str, url: &str) -> Result<Figures, String> {
    let dir = bench.join("target/hello").join(client);
    let io = |e: std::io::Error| format!("{}: {e}", dir.display());
    let target = dir.join("target");
    if target.exists() {
        std::fs::remove_dir_all(&target).map_err(io)?;
    }
    let name = format!("hello-{client}");
    write_project(bench, &dir, &name, deps, &format!("{MAIN_HEAD}{body}    Ok(())\n}}\n"))?;
    let start = Instant::now();
    cargo_build(&dir, &target)?;
    let build_secs = start.elapsed().as_secs_f64();
    let binary = target.join("release").join(&name);
    let size = std::fs::metadata(&binary).map_err(io)?.len();
    let stripped_path = target.join("release").join(format!("{name}.stripped"));
    std::fs::copy(&binary, &stripped_path).map_err(io)?;
    let strip = Command::new("strip").arg(&stripped_path).status();
    if !strip.is_ok_and(|s| s.success()) {
        return Err("strip failed".into());
    }
    let stripped = std::fs::metadata(&stripped_path).map_err(io)?.len();

    // It must also work: one GET to the benchmark server.
    let run = Command::new(&binary).arg(url).output().map_err(io)?;
    let said = String::from_utf8_lossy(&run.stdout).trim().to_string();
    if !run.status.success() || said != crate::server::SMALL_BODY.to_string() {
        return Err(format!(
            "the program printed {said:?}: {}",
            String::from_utf8_lossy(&run.stderr).trim()
        ));
    }
    Ok(Figures {
        size,
        stripped,
        build_secs,
    })
}

/// Builds every hello-world program (or those of `only`), one after the other.
pub fn run(bench: &Path, url: &str, only: Option<&[String]>) -> Vec<Build> {
    let repo = bench.parent().unwrap_or(bench).to_path_buf();
    projects(&repo)
        .into_iter()
        .filter(|(client, _, _)| only.is_none_or(|o| o.iter().any(|c| c == client)))
        .map(|(client, deps, body)| {
            eprintln!("[build] {client}: clean release build...");
            let result = build_one(bench, client, &deps, body, url);
            match &result {
                Ok(f) => eprintln!(
                    "[build] {client}: {:.1} s, {} KiB ({} KiB stripped)",
                    f.build_secs,
                    f.size / 1024,
                    f.stripped / 1024
                ),
                Err(e) => eprintln!("[build] {client}: FAILED: {e}"),
            }
            Build { client, result }
        })
        .collect()
}
