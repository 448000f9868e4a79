//! The programs that the process-per-run scenarios start: a hello-world HTTPS GET per library
//! for `cold-start` (the `build` scenario's approach: a small cargo project each, with the
//! bench's versions and features), a raw rustls one, a raw `-T file` upload for `cli-upload`, and
//! the h1client command-line program itself, built from this repository with `--features cli`.
//!
//! They are built (not from clean: a kept target directory, so only the first run pays) before
//! the scenarios that use them.

use crate::hello::{cargo_build, write_project};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every HTTPS hello-world program takes `URL CA_PEM_PATH`, trusts only that CA, GETs the URL
/// once, and writes the body to its standard output.
const HEAD: &str = "use std::io::{Read, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or(\"usage: PROGRAM URL CA\")?;
    let ca = args.next().ok_or(\"usage: PROGRAM URL CA\")?;
";

/// The end of every program: `body` (a `Vec<u8>`) to standard output.
const TAIL: &str = "    std::io::stdout().write_all(&body)?;
    Ok(())
}
";

/// For the raw programs: reads one response from `s` (Content-Length framing only, as the
/// benchmark server answers), returns its body; anything but a 200 is an error.
const READ_RESPONSE: &str = r#"
fn read_response(s: &mut impl std::io::Read) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        match s.read(&mut chunk)? {
            0 => return Err("closed before the head ended".into()),
            n => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = std::str::from_utf8(&buf[..head_end])?;
    if !head.starts_with("HTTP/1.1 200 ") {
        return Err(format!("status line {:?}", head.lines().next()).into());
    }
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse().ok())?
        })
        .ok_or("no Content-Length")?;
    let mut body = buf.split_off(head_end);
    while body.len() < len {
        match s.read(&mut chunk)? {
            0 => return Err("closed before the body ended".into()),
            n => body.extend_from_slice(&chunk[..n]),
        }
    }
    body.truncate(len);
    Ok(body)
}
"#;

const RUSTLS_DEP: &str =
    "rustls = { version = \"0.23\", default-features = false, features = [\"ring\", \"std\", \"tls12\"] }\n";

/// (client, dependency lines, body of main after `url` and `ca` are known, extra items).
fn programs(repo: &Path) -> Vec<(&'static str, String, &'static str, &'static str)> {
    vec![
        (
            "raw-tls",
            RUSTLS_DEP.into(),
            r#"    use rustls::pki_types::{pem::PemObject, CertificateDer, ServerName};
    let rest = url.strip_prefix("https://").ok_or("https only")?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(&ca)? {
        roots.add(cert?)?;
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let conn = rustls::ClientConnection::new(std::sync::Arc::new(config), ServerName::try_from(host.to_string())?)?;
    let tcp = std::net::TcpStream::connect(authority)?;
    tcp.set_nodelay(true)?;
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    tls.write_all(format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\n\r\n").as_bytes())?;
    tls.flush()?;
    let body = read_response(&mut tls)?;
"#,
            READ_RESPONSE,
        ),
        (
            "h1client",
            format!("h1client = {{ path = {:?} }}\n", repo.display().to_string()),
            r#"    let pem = std::fs::read(&ca)?;
    let agent = h1client::Agent::builder()
        .add_root_certificates_pem(&pem)
        .only_added_roots(true)
        .build();
    let mut body = Vec::new();
    agent.get(&url).call()?.into_reader().read_to_end(&mut body)?;
"#,
            "",
        ),
        (
            "ureq",
            "ureq = { version = \"3\", default-features = false, features = [\"rustls\"] }\n".into(),
            r#"    use ureq::tls::{Certificate, RootCerts, TlsConfig};
    let pem = std::fs::read(&ca)?;
    let tls = TlsConfig::builder()
        .root_certs(RootCerts::Specific(std::sync::Arc::new(vec![Certificate::from_pem(&pem)?])))
        .build();
    let agent = ureq::Agent::config_builder().tls_config(tls).build().new_agent();
    let mut body = Vec::new();
    agent.get(&url).call()?.body_mut().as_reader().read_to_end(&mut body)?;
"#,
            "",
        ),
        (
            "attohttpc",
            format!(
                "attohttpc = {{ version = \"0.31\", default-features = false, features = [\"tls-rustls-webpki-roots-ring\"] }}\n{RUSTLS_DEP}"
            ),
            r#"    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let mut session = attohttpc::Session::new();
    session.add_root_certificate(CertificateDer::from_pem_file(&ca)?);
    let (_, _, mut reader) = session.get(&url).send()?.split();
    let mut body = Vec::new();
    reader.read_to_end(&mut body)?;
"#,
            "",
        ),
        (
            "reqwest",
            format!(
                "reqwest = {{ version = \"0.13\", default-features = false, features = [\"blocking\", \"rustls-no-provider\"] }}\n{RUSTLS_DEP}"
            ),
            r#"    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(&ca)? {
        roots.add(cert?)?;
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let client = reqwest::blocking::Client::builder()
        .http1_only()
        .tls_backend_preconfigured(config)
        .build()?;
    let mut body = Vec::new();
    client.get(&url).send()?.read_to_end(&mut body)?;
"#,
            "",
        ),
        (
            // `raw-put URL FILE`: the raw reference of `cli-upload` (the second argument is the
            // file, not a CA).
            "raw-put",
            String::new(),
            r#"    let path = ca;
    let mut file = std::fs::File::open(&path)?;
    let len = file.metadata()?.len();
    let rest = url.strip_prefix("http://").ok_or("http only")?;
    let (authority, target) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut s = std::net::TcpStream::connect(authority)?;
    s.set_nodelay(true)?;
    s.write_all(format!("PUT {target} HTTP/1.1\r\nHost: {authority}\r\nContent-Length: {len}\r\n\r\n").as_bytes())?;
    // 64 KiB reads from the file, each written in one call (what curl does)
    let mut piece = vec![0u8; 64 * 1024];
    loop {
        match file.read(&mut piece)? {
            0 => break,
            n => s.write_all(&piece[..n])?,
        }
    }
    let body = read_response(&mut s)?;
"#,
            READ_RESPONSE,
        ),
    ]
}

/// Where the programs are: client name → path, or why it could not be built.
pub type Programs = HashMap<&'static str, Result<PathBuf, String>>;

/// Builds the programs of `wanted` (client names: `raw-tls`, `h1client`, `ureq`, `attohttpc`,
/// `reqwest`, `raw-put`, `h1client-cli`), one after the other.
pub fn build(bench: &Path, wanted: &[&str]) -> Programs {
    let repo = bench.parent().unwrap_or(bench).to_path_buf();
    let target = bench.join("target/cold/target");
    let mut built = Programs::new();
    for (client, deps, body, extra) in programs(&repo) {
        if !wanted.contains(&client) {
            continue;
        }
        eprintln!("[programs] building {client}...");
        let dir = bench.join("target/cold").join(client);
        let name = format!("cold-{client}");
        let result = write_project(bench, &dir, &name, &deps, &format!("{HEAD}{body}{TAIL}{extra}"))
            .and_then(|()| cargo_build(&dir, &target))
            .map(|()| target.join("release").join(&name));
        if let Err(e) = &result {
            eprintln!("[programs] {client}: {e}");
        }
        built.insert(client, result);
    }
    if wanted.contains(&"h1client-cli") {
        eprintln!("[programs] building the h1client CLI (--features cli)...");
        built.insert("h1client-cli", build_cli(bench, &repo));
    }
    built
}

/// `cargo build --release --features cli --bin h1client` in the repository (its own lock file and
/// release profile), into `bench/target/cli`.
fn build_cli(bench: &Path, repo: &Path) -> Result<PathBuf, String> {
    let target = bench.join("target/cli");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--quiet",
            "--features",
            "cli",
            "--bin",
            "h1client",
        ])
        .current_dir(repo)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .map_err(|e| format!("cargo: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "building the CLI failed: {}",
            err.lines().take(5).collect::<Vec<_>>().join(" / ")
        ));
    }
    Ok(target.join("release/h1client"))
}
