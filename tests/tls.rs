//! HTTPS: rustls with webpki-roots, secure by default.
//!
//! Every test runs a rustls server on loopback with certificates made at test time (see
//! `support/tls.rs`), and checks one behaviour: what is trusted and what is refused (with the
//! reason in the message and the `rustls::Error` as the source), what goes into the ClientHello
//! (SNI per RFC 6066 §3, ALPN per RFC 7301), which connections may be reused, and when the end
//! of a TLS connection proves the end of a body (RFC 8446 §6.1, RFC 9112 §9.8).

mod support;
#[path = "support/tls.rs"]
mod tls_support;

use h1client::rustls;
use h1client::{Agent, AgentBuilder, Error, ErrorKind, Event, Step};
use rustls::CertificateError;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{ok, resp, Act, Server};
use tls_support::{certs, server_config, tsend, Leaf, ServerOpts, TAct, TlsServer, Versions};

/// An agent trusting only the test CA (what `--cacert ca.pem` does).
fn trusting_ca() -> AgentBuilder {
    Agent::builder()
        .add_root_certificates_pem(certs().ca_pem.as_bytes())
        .only_added_roots(true)
        .timeout(Duration::from_secs(10))
}

/// A server answering one request with `secure`, then closing properly.
fn one_shot(leaf: &Leaf) -> TlsServer {
    TlsServer::conns(
        server_config(leaf),
        vec![vec![TAct::Read, tsend(ok("secure")), TAct::Close]],
    )
}

/// Events of interest, as owned strings.
fn recorder() -> (Arc<Mutex<Vec<String>>>, impl Fn(&Event<'_>) + Send + Sync + 'static) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = log.clone();
    let f = move |e: &Event<'_>| {
        let line = match e {
            Event::TlsHandshake { version, cipher, alpn } => format!("tls {version} {cipher} {}", alpn.unwrap_or("-")),
            Event::Reused { .. } => "reused".to_string(),
            Event::Connected { .. } => "connected".to_string(),
            Event::Pooled => "pooled".to_string(),
            Event::Closed { reason } => format!("closed: {reason}"),
            _ => return,
        };
        sink.lock().unwrap().push(line);
    };
    (log, f)
}

/// The rustls error behind a TLS failure.
fn rustls_source(e: &Error) -> &rustls::Error {
    std::error::Error::source(e)
        .and_then(|s| s.downcast_ref::<rustls::Error>())
        .unwrap_or_else(|| panic!("the source of {e:?} is a rustls::Error"))
}

#[test]
fn valid_certificate_trusted_through_added_root() {
    let server = one_shot(&certs().localhost);
    let resp = trusting_ca().build().get(server.url("/p?q=1")).call().unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().unwrap(), "secure");
    let log = server.log();
    assert_eq!(log.len(), 1);
    assert!(log[0].handshake_done);
    let req = &server.requests()[0];
    assert_eq!(req.method, "GET");
    assert_eq!(req.target, "/p?q=1");
    assert_eq!(
        req.header("host"),
        Some(format!("localhost:{}", server.addr.port()).as_str())
    );
}

#[test]
fn valid_certificate_trusted_through_own_client_config() {
    let server = one_shot(&certs().localhost);
    let config = Arc::new(tls_support::client_config_trusting_ca());
    let agent = Agent::builder().tls_config(config).build();
    assert_eq!(agent.get(server.url("/")).call().unwrap().text().unwrap(), "secure");
    // a user's config is used as given: it offers no ALPN, so none is sent
    assert_eq!(server.log()[0].alpn, None);
}

#[test]
fn the_default_agent_verifies_against_webpki_roots() {
    // Secure by default: the test CA is not among the webpki roots.
    let server = one_shot(&certs().localhost);
    let err = h1client::get(server.url("/")).call().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert!(
        matches!(
            rustls_source(&err),
            rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)
        ),
        "{err:?}"
    );
    assert!(
        server.requests().is_empty(),
        "nothing is sent over an unverified connection"
    );
}

/// The certificate problems, each refused with its reason.
#[test]
fn bad_certificates_are_refused_with_the_reason() {
    let c = certs();
    let unknown = "the server's certificate is not trusted: its issuer is not among the trusted roots (a private CA, a self-signed certificate, or a server that does not send its intermediate certificates); trust its CA (or the certificate itself) with AgentBuilder::add_root_certificates_pem, or --cacert on the command line";
    let ca_as_leaf = "the server presented a CA certificate as its own (a self-signed certificate, as `openssl req -x509` makes) that is not among the trusted roots; trust its CA (or the certificate itself) with AgentBuilder::add_root_certificates_pem, or --cacert on the command line";
    #[rustfmt::skip]
    let cases: &[(&str, &Leaf, &str, &str, fn(&CertificateError) -> bool)] = &[
        ("untrusted issuer",               &c.untrusted,      &c.ca_pem,       unknown,    |e| matches!(e, CertificateError::UnknownIssuer)),
        ("trusting another CA",            &c.localhost,      &c.other_ca_pem, unknown,    |e| matches!(e, CertificateError::UnknownIssuer)),
        ("self-signed",                    &c.self_signed,    &c.ca_pem,       unknown,    |e| matches!(e, CertificateError::UnknownIssuer)),
        ("self-signed CA-like, not added", &c.self_signed_ca, &c.ca_pem,       ca_as_leaf, |e| matches!(e, CertificateError::Other(_))),
        ("expired",                        &c.expired,        &c.ca_pem,       "the server's certificate expired on 2020-01-01 00:00:00 UTC", |e| matches!(e, CertificateError::Expired | CertificateError::ExpiredContext {.. })),
        ("name mismatch",                  &c.wrong_name,     &c.ca_pem,       "the server's certificate is not valid for the name \"localhost\": it is for other.example", |e| matches!(e, CertificateError::NotValidForName | CertificateError::NotValidForNameContext {.. })),
    ];
    for (name, leaf, trusted, reason, is_expected) in cases {
        let server = one_shot(leaf);
        let agent = Agent::builder()
            .add_root_certificates_pem(trusted.as_bytes())
            .only_added_roots(true)
            .build();
        let err = agent.get(server.url("/")).call().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Tls, "{name}: {err}");
        assert_eq!(err.step(), Step::TlsHandshake, "{name}");
        let want = format!("tls handshake with localhost:{}: {reason}", server.addr.port());
        assert!(err.to_string().starts_with(&want), "{name}: {err}");
        let source = rustls_source(&err);
        match source {
            rustls::Error::InvalidCertificate(ce) => assert!(is_expected(ce), "{name}: {ce:?}"),
            other => panic!("{name}: {other:?}"),
        }
        assert!(err.is_certificate_error(), "{name}");
        assert!(
            server.requests().is_empty(),
            "{name}: nothing is sent over an unverified connection"
        );
    }
}

#[test]
fn a_server_presenting_exactly_an_added_root_is_trusted() {
    // curl's --cacert server.pem: a self-signed certificate marked as a CA (what
    // `openssl req -x509` makes), or a leaf given as its own root. The name is still checked.
    let c = certs();
    for (what, leaf) in [
        ("self-signed CA-like", &c.self_signed_ca),
        ("leaf as root", &c.localhost),
    ] {
        let server = one_shot(leaf);
        let agent = Agent::builder()
            .add_root_certificates_pem(leaf.pem.as_bytes())
            .only_added_roots(true)
            .build();
        let body = agent.get(server.url("/")).call().map(|r| r.text().unwrap());
        assert_eq!(body.as_deref().ok(), Some("secure"), "{what}: {body:?}");
    }
    // by IP address: the self-signed certificate names 127.0.0.1 too; a leaf for localhost only
    // is still refused for the address
    let server = one_shot(&c.localhost_only);
    let agent = Agent::builder()
        .add_root_certificates_pem(c.localhost_only.pem.as_bytes())
        .only_added_roots(true)
        .build();
    let err = agent.get(server.ip_url("/")).call().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert!(err.to_string().contains("not valid for"), "{err}");
    // presenting a different certificate than the one added is refused as before
    let server = one_shot(&c.self_signed);
    let agent = Agent::builder()
        .add_root_certificates_pem(c.self_signed_ca.pem.as_bytes())
        .only_added_roots(true)
        .build();
    assert_eq!(agent.get(server.url("/")).call().unwrap_err().kind(), ErrorKind::Tls);
}

#[test]
fn danger_accept_invalid_certs_accepts_them_all() {
    let c = certs();
    for (name, leaf) in [
        ("valid", &c.localhost),
        ("untrusted issuer", &c.untrusted),
        ("self-signed", &c.self_signed),
        ("expired", &c.expired),
        ("name mismatch", &c.wrong_name),
    ] {
        let server = one_shot(leaf);
        let agent = Agent::builder()
            .danger_accept_invalid_certs(true)
            .timeout(Duration::from_secs(10))
            .build();
        let body = agent.get(server.url("/")).call().and_then(|r| r.text());
        assert_eq!(body.unwrap_or_else(|e| panic!("{name}: {e}")), "secure", "{name}");
        assert_eq!(server.requests().len(), 1, "{name}");
        // still SNI and ALPN as usual
        assert_eq!(server.log()[0].sni.as_deref(), Some("localhost"), "{name}");
        assert_eq!(server.log()[0].alpn, Some(vec!["http/1.1".to_string()]), "{name}");
    }
}

#[test]
fn sni_is_the_host_name_and_never_an_ip_literal() {
    let expect = |server: &TlsServer, url: String, sni: Option<&str>| {
        let got = trusting_ca().build().get(&url).call().and_then(|r| r.text());
        assert_eq!(got.unwrap_or_else(|e| panic!("{url}: {e}")), "secure");
        let log = server.log();
        assert_eq!(log[0].sni.as_deref(), sni, "{url}");
        assert_eq!(
            log[0].alpn,
            Some(vec!["http/1.1".to_string()]),
            "{url}: ALPN offers exactly http/1.1"
        );
    };
    let server = one_shot(&certs().localhost);
    expect(&server, server.url("/"), Some("localhost"));
    let server = one_shot(&certs().localhost);
    expect(&server, server.ip_url("/"), None);
    let script = vec![vec![TAct::Read, tsend(ok("secure")), TAct::Close]];
    match TlsServer::conns_v6(server_config(&certs().localhost), script) {
        Some(server) => expect(&server, server.ip_url("/"), None),
        None => eprintln!("skipping [::1]: IPv6 loopback unavailable"),
    }
}

#[test]
fn tls12_only_and_tls13_only_servers_both_work() {
    for (versions, want) in [
        (Versions::Tls12, "TLSv1_2"),
        (Versions::Tls13, "TLSv1_3"),
        (Versions::Both, "TLSv1_3"),
    ] {
        let config = ServerOpts::new(&certs().localhost).versions(versions).build();
        let server = TlsServer::conns(config, vec![vec![TAct::Read, tsend(ok("secure")), TAct::Close]]);
        let (events, trace) = recorder();
        let agent = trusting_ca().trace(trace).build();
        assert_eq!(
            agent.get(server.url("/")).call().unwrap().text().unwrap(),
            "secure",
            "{versions:?}"
        );
        let events = events.lock().unwrap();
        let tls: Vec<&String> = events.iter().filter(|e| e.starts_with("tls ")).collect();
        assert_eq!(tls.len(), 1, "{versions:?}: {events:?}");
        assert!(tls[0].starts_with(&format!("tls {want} ")), "{versions:?}: {}", tls[0]);
        assert!(tls[0].ends_with(" http/1.1"), "{versions:?}: ALPN agreed: {}", tls[0]);
        assert_eq!(server.log()[0].version.as_deref(), Some(want), "{versions:?}");
    }
}

#[test]
fn version_mismatch_is_a_handshake_error_not_a_certificate_error() {
    let config = ServerOpts::new(&certs().localhost).versions(Versions::Tls13).build();
    let server = TlsServer::conns(config, vec![vec![TAct::Read, tsend(ok("secure")), TAct::Close]]);
    let mut roots = rustls::RootCertStore::empty();
    roots.add(certs().ca.clone()).unwrap();
    let client = rustls::ClientConfig::builder_with_provider(tls_support::provider())
        .with_protocol_versions(&[&rustls::version::TLS12])
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let err = Agent::builder()
        .tls_config(Arc::new(client))
        .build()
        .get(server.url("/"))
        .call()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert!(err.to_string().contains("alert"), "{err}");
    assert!(!err.is_certificate_error(), "{err:?}");
}

#[test]
fn mutual_tls_with_a_client_certificate() {
    let c = certs();
    let config = ServerOpts::new(&c.localhost).client_auth().build();
    let server = TlsServer::conns(config, vec![vec![TAct::Read, tsend(ok("hello client")), TAct::Close]]);
    let mut roots = rustls::RootCertStore::empty();
    roots.add(c.ca.clone()).unwrap();
    let mut client = rustls::ClientConfig::builder_with_provider(tls_support::provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_client_auth_cert(vec![c.client.cert.clone()], c.client.key())
        .unwrap();
    client.alpn_protocols = vec![b"http/1.1".to_vec()];
    let agent = Agent::builder().tls_config(Arc::new(client)).build();
    assert_eq!(
        agent.get(server.url("/")).call().unwrap().text().unwrap(),
        "hello client"
    );
    assert_eq!(server.log()[0].client_certs, 1);
}

#[test]
fn mutual_tls_without_the_client_certificate_fails() {
    // TLS 1.3: the client's handshake is over before the server has checked it, so the refusal
    // (an alert) arrives while the response is awaited. It must still be a TLS error.
    for versions in [Versions::Tls13, Versions::Tls12] {
        let config = ServerOpts::new(&certs().localhost)
            .versions(versions)
            .client_auth()
            .build();
        let server = TlsServer::conns(config, vec![vec![TAct::Read, tsend(ok("hello client")), TAct::Close]]);
        let err = trusting_ca().build().get(server.url("/")).call().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Tls, "{versions:?}: {err}");
        assert!(err.to_string().contains("alert"), "{versions:?}: {err}");
        assert!(server.requests().is_empty(), "{versions:?}");
    }
}

#[test]
fn two_requests_reuse_one_tls_connection() {
    let server = TlsServer::always(server_config(&certs().localhost), "again");
    let (events, trace) = recorder();
    let agent = trusting_ca().trace(trace).build();
    for _ in 0..3 {
        assert_eq!(agent.get(server.url("/")).call().unwrap().text().unwrap(), "again");
    }
    assert_eq!(server.connections(), 1);
    assert_eq!(server.handshakes(), 1);
    assert_eq!(server.requests().len(), 3);
    let events = events.lock().unwrap();
    assert_eq!(events.iter().filter(|e| *e == "reused").count(), 2, "{events:?}");
}

#[test]
fn closing_a_tls_connection_sends_close_notify_first() {
    // RFC 8446 §6.1: each party MUST send close_notify before closing its write side. One
    // connection is closed idle from the pool, the other with its body unread.
    let drain = TAct::Drain(Duration::from_secs(10));
    let long = "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\nstart";
    let server = TlsServer::conns(
        server_config(&certs().localhost),
        vec![
            vec![TAct::Read, tsend(ok("bye")), drain.clone()],
            vec![TAct::Read, tsend(long), drain],
        ],
    );
    let agent = trusting_ca().build();
    assert_eq!(agent.get(server.url("/")).call().unwrap().text().unwrap(), "bye");
    agent.close_idle_connections();
    let mut reader = agent.get(server.url("/long")).call().unwrap().into_reader();
    let mut start = [0u8; 5];
    reader.read_exact(&mut start).unwrap();
    drop(reader);
    let deadline = Instant::now() + Duration::from_secs(10);
    let ends = loop {
        let ends: Vec<_> = server.log().into_iter().map(|c| c.end).collect();
        if (ends.len() == 2 && ends.iter().all(Option::is_some)) || Instant::now() > deadline {
            break ends;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let close_notify = Some("close_notify".to_string());
    assert_eq!(ends, vec![close_notify.clone(), close_notify]);
}

#[test]
fn the_pool_key_includes_the_host_name_verified_for() {
    // The certificate is valid for `localhost` only. `localhost` and `127.0.0.1` reach the same
    // socket address, but a connection verified for one name must never carry a request for the
    // other: that one needs its own handshake, which fails.
    let server = TlsServer::always(server_config(&certs().localhost_only), "named");
    let agent = trusting_ca().build();
    assert_eq!(agent.get(server.url("/")).call().unwrap().text().unwrap(), "named");
    assert_eq!(agent.idle_connections(), 1);
    let err = agent.get(server.ip_url("/")).call().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert!(
        err.to_string().contains("not valid for the name \"127.0.0.1\""),
        "{err}"
    );
    assert_eq!(server.connections(), 2);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn an_insecure_agent_never_lends_a_connection_to_a_verifying_one() {
    // The pool belongs to one Agent (and its clones), and an Agent has exactly one TLS
    // configuration, so its `tls_id` is the same for all its https connections: a verifying
    // agent can never see a connection an insecure agent made, by construction. This checks that
    // construction from the outside; the keys that *can* differ within one agent (host, scheme)
    // are tested by `the_pool_key_includes_the_host_name_verified_for` and
    // `http_and_https_to_one_port_never_share_a_connection`.
    let server = TlsServer::always(server_config(&certs().self_signed), "self-signed");
    let insecure = Agent::builder().danger_accept_invalid_certs(true).build();
    assert_eq!(
        insecure.get(server.url("/")).call().unwrap().text().unwrap(),
        "self-signed"
    );
    assert_eq!(insecure.idle_connections(), 1);
    let verifying = trusting_ca().build();
    let err = verifying.get(server.url("/")).call().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert_eq!(server.connections(), 2);
    // the insecure agent's clone still shares its pool
    let clone = insecure.clone();
    assert_eq!(
        clone.get(server.url("/")).call().unwrap().text().unwrap(),
        "self-signed"
    );
    assert_eq!(server.connections(), 2);
}

#[test]
fn http_and_https_to_one_port_never_share_a_connection() {
    // The server answers plain text or TLS on the same port, whichever the client speaks.
    let server = TlsServer::always(server_config(&certs().localhost), "either");
    let plain = format!("http://127.0.0.1:{}/", server.addr.port());
    let agent = trusting_ca().build();
    assert_eq!(agent.get(&plain).call().unwrap().text().unwrap(), "either");
    assert_eq!(agent.get(server.ip_url("/")).call().unwrap().text().unwrap(), "either");
    assert_eq!(agent.get(&plain).call().unwrap().text().unwrap(), "either");
    assert_eq!(agent.get(server.ip_url("/")).call().unwrap().text().unwrap(), "either");
    let log = server.log();
    assert_eq!(log.len(), 2, "one plain and one TLS connection, each reused once");
    assert_eq!(log.iter().filter(|c| c.tls).count(), 1);
    assert!(log.iter().all(|c| c.requests.len() == 2));
}

/// How a TLS connection ends decides whether a body is complete.
#[test]
fn truncation_over_tls_is_an_error_unless_framing_or_close_notify_ends_the_body() {
    let head_cl = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789".to_vec();
    let head_close = b"HTTP/1.1 200 OK\r\n\r\ncomplete body".to_vec();
    let chunked_cut = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n".to_vec();
    let chunked_done = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n0\r\n\r\n".to_vec();
    type Want = Result<&'static [u8], &'static str>;
    #[rustfmt::skip]
    let cases: Vec<(&str, Vec<u8>, TAct, Want)> = vec![
        ("cl_cut_without_close_notify",           head_cl.clone(),                  TAct::CloseNoNotify, Err("after 10 of 100 body bytes")),
        ("cl_cut_with_close_notify",              head_cl,                          TAct::Close,         Err("connection closed after 10 of 100 body bytes")),
        ("close_delimited_without_close_notify",  head_close.clone(),               TAct::CloseNoNotify, Err("close_notify")),
        ("close_delimited_with_close_notify",     head_close,                       TAct::Close,         Ok(b"complete body")),
        ("cl_complete_without_close_notify",      resp("200 OK", &[], b"complete"), TAct::CloseNoNotify, Ok(b"complete")),
        ("chunked_cut_without_close_notify",      chunked_cut,                      TAct::CloseNoNotify, Err("in the middle of the chunked body")),
        ("chunked_complete_without_close_notify", chunked_done,                     TAct::CloseNoNotify, Ok(b"0123456789")),
    ];
    for (name, raw, end, want) in cases {
        let server = TlsServer::conns(
            server_config(&certs().localhost),
            vec![vec![
                TAct::Read,
                TAct::Send(raw),
                TAct::Sleep(Duration::from_millis(100)),
                end,
            ]],
        );
        let agent = trusting_ca().build();
        let got = agent.get(server.url("/")).call().and_then(|r| r.bytes());
        match (want, got) {
            (Ok(body), Ok(got)) => assert_eq!(got, body, "{name}"),
            (Err(needle), Err(e)) => {
                assert_eq!(e.kind(), ErrorKind::Io, "{name}: {e}");
                assert_eq!(e.step(), Step::ReceiveBody, "{name}: {e}");
                assert_eq!(e.io_kind(), Some(std::io::ErrorKind::UnexpectedEof), "{name}: {e:?}");
                assert!(e.to_string().contains(needle), "{name}: {e} should say {needle:?}");
                assert!(
                    e.to_string().contains(&format!("localhost:{}", server.addr.port())),
                    "{name}: {e}"
                );
            }
            (want, got) => panic!("{name}: want {want:?}, got {got:?}"),
        }
    }
}

#[test]
fn truncated_body_delivers_the_bytes_then_an_unexpected_eof() {
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
    let mut reader = trusting_ca().build().get(server.url("/")).call().unwrap().into_reader();
    let mut got = Vec::new();
    let err = reader.read_to_end(&mut got).unwrap_err();
    assert_eq!(got, b"0123456789");
    assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    let err = Error::from(err);
    assert_eq!(err.kind(), ErrorKind::Io);
}

#[test]
fn bytes_after_a_body_are_never_read_as_the_next_response() {
    // A large body (its end read straight into the caller's buffer), then bytes that look like a
    // response: in the same flight, where they may sit inside the TLS layer and not in the
    // connection's own buffer; or a moment later, while the connection is idle in the pool. The
    // connection must not be reused with them, whatever the next request's method.
    let body = vec![b'x'; 100_000];
    let stray = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nWRONG".to_vec();
    let mut flight = resp("200 OK", &[], &body);
    flight.extend_from_slice(&stray);
    #[rustfmt::skip]
    let cases: Vec<(&str, Vec<TAct>)> = vec![
        ("same flight", vec![TAct::Send(flight)]),
        ("while idle",  vec![TAct::Send(resp("200 OK", &[], &body)), TAct::Sleep(Duration::from_millis(100)), TAct::Send(stray)]),
    ];
    for (name, first) in cases {
        for method in ["GET", "POST"] {
            let server = TlsServer::responses(
                server_config(&certs().localhost),
                vec![first.clone(), vec![tsend(ok("RIGHT"))]],
            );
            let agent = trusting_ca().build();
            let mut reader = agent.get(server.url("/a")).call().unwrap().into_reader();
            let mut got = Vec::new();
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = reader.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
            }
            assert_eq!(got.len(), body.len(), "{name}");
            std::thread::sleep(Duration::from_millis(300));
            let second = agent.request(method, server.url("/b")).call().and_then(|r| r.text());
            assert_eq!(
                second.as_deref().ok(),
                Some("RIGHT"),
                "{name} {method}: the answer must come on a new connection: {second:?}"
            );
        }
    }
}

#[test]
fn plain_http_on_the_https_port_is_a_tls_error() {
    let server = Server::conns(vec![vec![
        Act::Drain(Duration::from_millis(200)),
        Act::Send(resp("400 Bad Request", &[], b"not tls")),
        Act::Close,
    ]]);
    let url = format!("https://localhost:{}/", server.addr.port());
    let err = trusting_ca().build().get(&url).call().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert!(err.to_string().contains("did not answer with TLS"), "{err}");
    assert!(!err.is_certificate_error(), "{err:?}");
}

#[test]
fn server_closing_during_the_handshake_is_a_tls_error() {
    let server = Server::conns(vec![vec![Act::Close]]);
    let url = format!("https://localhost:{}/", server.addr.port());
    let err = trusting_ca().build().get(&url).call().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert!(
        err.to_string()
            .contains(&format!("tls handshake with localhost:{}", server.addr.port())),
        "{err}"
    );
}

#[test]
fn a_silent_server_times_the_handshake_out() {
    // Accepts TCP, never answers the ClientHello.
    let server = Server::conns(vec![vec![Act::Drain(Duration::from_secs(6))]]);
    let url = format!("https://localhost:{}/", server.addr.port());
    let agent = Agent::builder()
        .add_root_certificates_pem(certs().ca_pem.as_bytes())
        .timeout(Duration::from_millis(800))
        .build();
    let start = Instant::now();
    let err = agent.get(&url).call().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(err.step(), Step::TlsHandshake, "{err}");
    assert!(start.elapsed() < Duration::from_secs(3), "{:?}", start.elapsed());
}

#[test]
fn a_trickling_server_cannot_stretch_the_handshake_past_the_deadline() {
    // A TLS record header announcing a ServerHello, then its bytes one every 250 ms: each read
    // gets something, so only a limit on the whole handshake stops it.
    let mut record = vec![0x16, 0x03, 0x03, 0x00, 0x40];
    record.extend_from_slice(&[0x02; 0x40]);
    for agent in [
        trusting_ca().timeout(Duration::from_secs(1)).build(),
        trusting_ca().timeout_connect(Duration::from_secs(1)).build(),
    ] {
        let server = Server::conns(vec![vec![
            Act::Sleep(Duration::from_millis(50)),
            Act::Trickle(record.clone(), Duration::from_millis(250)),
            Act::Drain(Duration::from_secs(5)),
        ]]);
        let url = format!("https://localhost:{}/", server.addr.port());
        let start = Instant::now();
        let err = agent.get(&url).call().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
        assert!(err.to_string().contains("timeout of 1s expired"), "{err}");
        assert!(
            start.elapsed() < Duration::from_millis(2500),
            "the handshake took {:?}",
            start.elapsed()
        );
    }
}

#[test]
fn an_alpn_protocol_other_than_http11_is_refused() {
    // A user config offering h2 to a server that picks it: speaking HTTP/1.1 on an h2
    // connection would fail in confusing ways, so the handshake result is checked.
    let config = ServerOpts::new(&certs().localhost).alpn(&[b"h2"]).build();
    let server = TlsServer::conns(config, vec![vec![TAct::Read, tsend(ok("secure")), TAct::Close]]);
    let mut client = tls_support::client_config_trusting_ca();
    client.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let err = Agent::builder()
        .tls_config(Arc::new(client))
        .build()
        .get(server.url("/"))
        .call()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert!(err.to_string().contains("h2"), "{err}");
    assert!(server.requests().is_empty());
}

#[test]
fn invalid_root_pem_is_reported_by_the_first_request() {
    let server = one_shot(&certs().localhost);
    let agent = Agent::builder().add_root_certificates_pem(b"not a certificate").build();
    let err = agent.get(server.url("/")).call().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
}

#[cfg(feature = "native-roots")]
#[test]
fn native_roots_do_not_get_in_the_way_of_added_roots() {
    let server = one_shot(&certs().localhost);
    let agent = Agent::builder()
        .native_roots(true)
        .add_root_certificates_pem(certs().ca_pem.as_bytes())
        .timeout(Duration::from_secs(10))
        .build();
    assert_eq!(agent.get(server.url("/")).call().unwrap().text().unwrap(), "secure");
}

#[test]
fn client_certificate_pem_enables_mutual_tls_and_bad_pem_is_a_tls_error() {
    let c = certs();
    let config = ServerOpts::new(&c.localhost).client_auth().build();
    let server = TlsServer::conns(config, vec![vec![TAct::Read, tsend(ok("hello client")), TAct::Close]]);
    let agent = trusting_ca()
        .client_certificate_pem(c.client.pem.as_bytes(), c.client.key_pem.as_bytes())
        .build();
    assert_eq!(
        agent.get(server.url("/")).call().unwrap().text().unwrap(),
        "hello client"
    );
    assert_eq!(server.log()[0].client_certs, 1);

    #[rustfmt::skip]
    let bad_pems = [
        ("no key",                        c.client.pem.as_str(),     c.client.pem.as_str(),        "no private key found"),
        ("no certificate",                c.client.key_pem.as_str(), c.client.key_pem.as_str(),    "no certificate found"),
        ("a key for another certificate", c.client.pem.as_str(),     c.localhost.key_pem.as_str(), "does not belong to the certificate"),
    ];
    for (what, chain, key, expected) in bad_pems {
        let server = one_shot(&c.localhost);
        let agent = trusting_ca()
            .client_certificate_pem(chain.as_bytes(), key.as_bytes())
            .build();
        let err = agent.get(server.url("/")).call().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Tls, "{what}: {err}");
        assert!(err.to_string().contains(expected), "{what}: {err}");
    }
}

#[rustfmt::skip]
#[test]
fn tls_versions_offered_are_the_ones_asked_for() {
    use h1client::TlsVersion::{Tls12, Tls13};
    // (server speaks, client offers oldest..=newest, connects?)
    let cases = [
        (Versions::Tls12, (Tls12, Tls13), true),
        (Versions::Tls13, (Tls12, Tls13), true),
        (Versions::Tls12, (Tls13, Tls13), false), // curl's --tlsv1.3 against a 1.2-only server
        (Versions::Tls13, (Tls12, Tls12), false), // curl's --tls-max 1.2 against a 1.3-only server
        (Versions::Both,  (Tls12, Tls12), true),
    ];
    for (server_speaks, (oldest, newest), connects) in cases {
        let config = ServerOpts::new(&certs().localhost).versions(server_speaks).build();
        let server = TlsServer::conns(config, vec![vec![TAct::Read, tsend(ok("secure")), TAct::Close]]);
        let agent = trusting_ca().tls_versions(oldest, newest).build();
        let got = agent.get(server.url("/")).call();
        match (connects, got) {
            (true, Ok(resp)) => assert_eq!(resp.text().unwrap(), "secure"),
            (false, Err(e)) => assert_eq!((e.kind(), e.step()), (ErrorKind::Tls, Step::TlsHandshake), "{e}"),
            (want, got) => panic!("{server_speaks:?} vs {oldest:?}..={newest:?}: want {want}, got {got:?}"),
        }
    }
    let err = trusting_ca().tls_versions(Tls13, Tls12).build().get("https://localhost:1/").call().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls);
    assert!(err.to_string().contains("no TLS version is both"), "{err}");
}
