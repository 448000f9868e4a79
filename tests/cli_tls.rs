//! The command line over HTTPS: `--cacert`, `-k`, `-v`, `--cert`/`--key`, and curl's exit codes
//! for TLS failures (35 handshake, 58 unusable client certificate, 60 certificate not trusted).

mod support;
#[path = "support/tls.rs"]
mod tls_support;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support::{ok, resp, Act, Server};
use tls_support::{certs, server_config, tsend, Leaf, ServerOpts, TAct, TlsServer, Versions};

/// A directory of its own for one test, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "h1client-cli-tls-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn file(&self, name: &str, content: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, content).unwrap();
        path.to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_h1client"))
        .args(["-s", "-S", "-m", "10"])
        .args(args)
        .output()
        .unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn one_shot(leaf: &Leaf) -> TlsServer {
    TlsServer::conns(
        server_config(leaf),
        vec![vec![TAct::Read, tsend(ok("secure")), TAct::Close]],
    )
}

#[test]
fn cacert_accepts_a_certificate_from_that_ca() {
    let dir = TempDir::new();
    let ca = dir.file("ca.pem", &certs().ca_pem);
    let server = one_shot(&certs().localhost);
    let out = run(&["--cacert", &ca, &server.url("/")]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout, b"secure");
    assert_eq!(server.log()[0].sni.as_deref(), Some("localhost"));
}

#[test]
fn untrusted_certificates_exit_60() {
    let dir = TempDir::new();
    let ca = dir.file("ca.pem", &certs().ca_pem);
    let other = dir.file("other.pem", &certs().other_ca_pem);
    let c = certs();
    #[rustfmt::skip]
    let cases = [
        ("expired",                &c.expired,        &ca,    "certificate expired on 2020-01-01"),
        ("self-signed",            &c.self_signed,    &ca,    "its issuer is not among the trusted roots"),
        ("self-signed CA-like",    &c.self_signed_ca, &ca,    "a CA certificate as its own"),
        ("other CA's certificate", &c.untrusted,      &ca,    "its issuer is not among the trusted roots"),
        ("--cacert of another CA", &c.localhost,      &other, "its issuer is not among the trusted roots"),
        ("name mismatch",          &c.wrong_name,     &ca,    "not valid for the name"),
    ];
    for (name, leaf, trusted, reason) in cases {
        let server = one_shot(leaf);
        let out = run(&["--cacert", trusted, &server.url("/")]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(code(&out), 60, "{name}: {stderr}");
        assert!(stderr.contains(reason), "{name}: {stderr}");
        assert!(out.stdout.is_empty(), "{name}");
        assert!(server.requests().is_empty(), "{name}");
    }
}

#[test]
fn insecure_flag_accepts_every_bad_certificate() {
    let c = certs();
    for (name, leaf) in [
        ("expired", &c.expired),
        ("self-signed", &c.self_signed),
        ("name mismatch", &c.wrong_name),
    ] {
        let server = one_shot(leaf);
        let out = run(&["-k", &server.url("/")]);
        assert_eq!(code(&out), 0, "{name}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.stdout, b"secure", "{name}");
    }
}

#[test]
fn plain_http_server_exits_35() {
    let dir = TempDir::new();
    let ca = dir.file("ca.pem", &certs().ca_pem);
    let server = Server::conns(vec![vec![
        Act::Drain(Duration::from_millis(200)),
        Act::Send(resp("400 Bad Request", &[], b"not tls")),
        Act::Close,
    ]]);
    let out = run(&["--cacert", &ca, &format!("https://localhost:{}/", server.addr.port())]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(code(&out), 35, "{stderr}");
    assert!(stderr.contains("did not answer with TLS"), "{stderr}");
}

#[test]
fn stalled_handshake_exits_28() {
    let dir = TempDir::new();
    let ca = dir.file("ca.pem", &certs().ca_pem);
    let server = Server::conns(vec![vec![Act::Drain(Duration::from_secs(5))]]);
    let out = run(&[
        "-m",
        "1",
        "--cacert",
        &ca,
        &format!("https://localhost:{}/", server.addr.port()),
    ]);
    assert_eq!(code(&out), 28, "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn truncated_body_without_close_notify_exits_18() {
    let dir = TempDir::new();
    let ca = dir.file("ca.pem", &certs().ca_pem);
    let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789".to_vec();
    let server = TlsServer::conns(
        server_config(&certs().localhost),
        vec![vec![
            TAct::Read,
            TAct::Send(raw),
            TAct::Sleep(Duration::from_millis(100)),
            TAct::CloseNoNotify,
        ]],
    );
    let out = run(&["--cacert", &ca, &server.url("/")]);
    assert_eq!(code(&out), 18, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout, b"0123456789");
}

#[test]
fn verbose_shows_version_cipher_and_alpn() {
    let dir = TempDir::new();
    let ca = dir.file("ca.pem", &certs().ca_pem);
    for (versions, want) in [(Versions::Tls13, "TLSv1_3"), (Versions::Tls12, "TLSv1_2")] {
        let config = ServerOpts::new(&certs().localhost).versions(versions).build();
        let server = TlsServer::conns(config, vec![vec![TAct::Read, tsend(ok("secure")), TAct::Close]]);
        let out = run(&["-v", "--cacert", &ca, &server.url("/")]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(code(&out), 0, "{stderr}");
        let line = stderr
            .lines()
            .find(|l| l.starts_with("* TLS connection using "))
            .unwrap_or_else(|| panic!("{stderr}"));
        assert!(line.starts_with(&format!("* TLS connection using {want} / ")), "{line}");
        assert!(line.ends_with(", ALPN: http/1.1"), "{line}");
    }
}

#[test]
fn two_urls_share_one_tls_connection() {
    let dir = TempDir::new();
    let ca = dir.file("ca.pem", &certs().ca_pem);
    let server = TlsServer::responses(
        server_config(&certs().localhost),
        vec![vec![tsend(ok("first"))], vec![tsend(ok("second"))]],
    );
    let out = run(&["--cacert", &ca, &server.url("/a"), &server.url("/b")]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout, b"firstsecond");
    assert_eq!(server.handshakes(), 1);
}

#[test]
fn cert_and_key_present_a_client_certificate_and_bad_ones_exit_58() {
    let c = certs();
    let dir = TempDir::new();
    let ca = dir.file("ca.pem", &c.ca_pem);
    let cert = dir.file("client.pem", &c.client.pem);
    let key = dir.file("client.key", &c.client.key_pem);
    let other_key = dir.file("other.key", &c.localhost.key_pem);
    let both = dir.file("both.pem", &format!("{}{}", c.client.pem, c.client.key_pem));
    let mtls = || {
        TlsServer::conns(
            ServerOpts::new(&c.localhost).client_auth().build(),
            vec![vec![TAct::Read, tsend(ok("hello client")), TAct::Close]],
        )
    };
    for args in [vec!["--cert", &cert, "--key", &key], vec!["-E", &both]] {
        let server = mtls();
        let out = run(&[&["--cacert", ca.as_str()], &args[..], &[&server.url("/")]].concat());
        assert_eq!(code(&out), 0, "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.stdout, b"hello client");
        assert_eq!(server.log()[0].client_certs, 1, "{args:?}");
    }
    // without a certificate the server refuses: a TLS failure, not a success
    let server = mtls();
    let out = run(&["--cacert", &ca, &server.url("/")]);
    assert!(
        [35, 56].contains(&code(&out)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let missing = dir.0.join("missing.pem").to_string_lossy().into_owned();
    #[rustfmt::skip]
    let bad_flags = [
        ("unreadable certificate file",               vec!["--cert", missing.as_str()]),
        ("a certificate without its key",             vec!["--cert", cert.as_str()]),
        ("a key file holding no key",                 vec!["--cert", cert.as_str(), "--key", ca.as_str()]),
        ("another certificate's key",                 vec!["--cert", cert.as_str(), "--key", other_key.as_str()]),
        ("a certificate file holding no certificate", vec!["--cert", key.as_str()]),
    ];
    for (what, args) in bad_flags {
        let out = run(&[&args[..], &["https://127.0.0.1:9/"]].concat());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(code(&out), 58, "{what}: {stderr}");
        assert!(
            stderr.contains("certificate") || stderr.contains("missing.pem"),
            "{what}: {stderr}"
        );
    }
}

#[test]
fn cacert_problems_exit_77_and_certificates_are_read_only_for_https() {
    let dir = TempDir::new();
    let garbage = dir.file("garbage.pem", "this is no certificate\n");
    let missing = dir.0.join("missing.pem").to_string_lossy().into_owned();
    let server = one_shot(&certs().localhost);
    for cacert in [&garbage, &missing] {
        let out = run(&["--cacert", cacert, &server.url("/")]);
        assert_eq!(code(&out), 77, "{}", String::from_utf8_lossy(&out.stderr));
    }
    // with -k the CA file is not even read
    let out = run(&["-k", "--cacert", &garbage, &server.url("/")]);
    assert_eq!(
        (code(&out), out.stdout),
        (0, b"secure".to_vec()),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // plain http never reads them, as curl loads certificates only for TLS
    let plain = Server::conns(vec![vec![Act::Read, Act::Send(ok("plain")), Act::Close]]);
    let out = run(&["--cacert", &missing, "--cert", &missing, &plain.url("/")]);
    assert_eq!(
        (code(&out), out.stdout),
        (0, b"plain".to_vec()),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn cacert_of_the_servers_own_self_signed_certificate_is_trusted() {
    // what `openssl req -x509` makes: self-signed, marked as a CA; curl accepts it as --cacert
    let c = certs();
    let dir = TempDir::new();
    let pinned = dir.file("server.pem", &c.self_signed_ca.pem);
    let server = one_shot(&c.self_signed_ca);
    let out = run(&["--cacert", &pinned, &server.url("/")]);
    assert_eq!(
        (code(&out), out.stdout),
        (0, b"secure".to_vec()),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
