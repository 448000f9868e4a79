//! Proxies: HTTP forward proxies (absolute-form), CONNECT tunnels for https, SOCKS5 with local or
//! remote name resolution, the environment variables, NO_PROXY, and pooling per route.

#[path = "support/proxy.rs"]
mod proxy_support;
mod support;
#[path = "support/tls.rs"]
mod tls_support;

use h1client::{Agent, AgentBuilder, ErrorKind, Proxy, Step};
use proxy_support::{socks5, ConnectProxy};
use std::net::TcpListener;
use std::time::Duration;
use support::{ok, send, Act, Server};
use tls_support::{certs, server_config, tsend, TlsServer};

fn via(proxy: &str) -> AgentBuilder {
    Agent::builder()
        .proxy(Proxy::new(proxy).unwrap())
        .timeout(Duration::from_secs(10))
}

fn trusting(b: AgentBuilder) -> Agent {
    b.add_root_certificates_pem(certs().ca_pem.as_bytes())
        .only_added_roots(true)
        .build()
}

#[test]
fn http_proxy_gets_absolute_form_and_its_credentials() {
    let proxy = Server::responses(vec![vec![send(ok("via proxy"))]; 3]);
    let agent = via(&format!("http://pu:p%40ss@{}", proxy.addr)).build();
    let body = agent
        .get("http://origin.invalid:8080/p?q=1#frag")
        .call()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, "via proxy");
    agent
        .get("http://user:pw@origin.invalid/")
        .call()
        .unwrap()
        .text()
        .unwrap();
    agent
        .post("http://origin.invalid/f")
        .send(b"a=1")
        .unwrap()
        .text()
        .unwrap();
    let reqs = proxy.requests();
    assert_eq!(reqs[0].target, "http://origin.invalid:8080/p?q=1");
    assert_eq!(reqs[0].header("host"), Some("origin.invalid:8080"));
    assert_eq!(reqs[0].header("proxy-authorization"), Some("Basic cHU6cEBzcw=="));
    assert!(reqs[0].header("authorization").is_none());
    assert_eq!(reqs[1].target, "http://origin.invalid/", "userinfo never in the target");
    assert_eq!(reqs[1].header("authorization"), Some("Basic dXNlcjpwdw=="));
    assert_eq!(
        (reqs[2].method.as_str(), reqs[2].body.as_slice()),
        ("POST", &b"a=1"[..])
    );
    assert_eq!(proxy.connections(), 1, "proxied connections are pooled");
}

#[test]
fn https_goes_through_a_connect_tunnel() {
    let origin = TlsServer::responses(server_config(&certs().localhost), vec![vec![tsend(ok("secure"))]; 2]);
    let proxy = ConnectProxy::start("HTTP/1.1 200 Connection established\r\nContent-Length: 5\r\n\r\n");
    let agent = trusting(via(&format!("http://pu:pp@{}", proxy.addr)));
    let url = origin.url("/t");
    assert_eq!(
        agent.get(&url).basic_auth("o", "x").call().unwrap().text().unwrap(),
        "secure"
    );
    assert_eq!(agent.get(&url).call().unwrap().text().unwrap(), "secure");
    let heads = proxy.heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 1, "the tunnel is pooled and reused");
    let port = url.split(':').nth(2).unwrap().split('/').next().unwrap();
    assert!(
        heads[0].starts_with(&format!(
            "CONNECT localhost:{port} HTTP/1.1\r\nHost: localhost:{port}\r\n"
        )),
        "{}",
        heads[0]
    );
    assert!(
        heads[0].contains("Proxy-Authorization: Basic cHU6cHA="),
        "credentials go on the CONNECT"
    );
    assert!(
        !heads[0].contains("Authorization: Basic bzp4"),
        "origin credentials never go to the proxy"
    );
    let inside = &origin.requests()[0];
    assert_eq!(inside.target, "/t", "origin-form inside the tunnel");
    assert!(
        inside.header("proxy-authorization").is_none(),
        "proxy credentials never go to the origin"
    );
    assert_eq!(inside.header("authorization"), Some("Basic bzp4"));
    assert_eq!(origin.log()[0].sni.as_deref(), Some("localhost"));
}

#[test]
fn refused_tunnel_is_a_proxy_error_with_the_status() {
    let proxy = ConnectProxy::start("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
    let err = trusting(via(&format!("http://{}", proxy.addr)))
        .get("https://localhost:9/")
        .call()
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.step(), err.status()),
        (ErrorKind::Proxy, Step::Tunnel, Some(407))
    );
    assert!(err.to_string().contains("407 Proxy Authentication Required"), "{err}");
}

#[test]
fn untrusted_origin_through_a_tunnel_is_a_tls_error() {
    let origin = TlsServer::responses(server_config(&certs().self_signed), vec![vec![tsend(ok("x"))]]);
    let proxy = ConnectProxy::start("HTTP/1.1 200 OK\r\n\r\n");
    let err = trusting(via(&format!("http://{}", proxy.addr)))
        .get(origin.url("/"))
        .call()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
}

#[test]
fn socks5_resolves_locally_and_socks5h_remotely() {
    let origin = Server::responses(vec![vec![send(ok("socks"))]; 4]);
    let url = format!("http://localhost:{}/s", origin.addr.port());
    // socks5: the client resolves and sends an address, IPv4 when there is one
    let (addr, targets) = socks5(None);
    let agent = via(&format!("socks5://{addr}")).build();
    assert_eq!(agent.get(&url).call().unwrap().text().unwrap(), "socks");
    assert_eq!(agent.get(&url).call().unwrap().text().unwrap(), "socks");
    let (addr_h, targets_h) = socks5(None);
    assert_eq!(
        via(&format!("socks5h://{addr_h}"))
            .build()
            .get(&url)
            .call()
            .unwrap()
            .text()
            .unwrap(),
        "socks"
    );
    assert_eq!(
        *targets.lock().unwrap(),
        [format!("127.0.0.1:{}", origin.addr.port())],
        "one tunnel, pooled"
    );
    assert_eq!(
        *targets_h.lock().unwrap(),
        [format!("localhost:{}", origin.addr.port())]
    );
    assert_eq!(origin.requests()[0].target, "/s", "origin-form through SOCKS");
}

#[test]
fn socks5_with_credentials_and_https_inside() {
    let origin = TlsServer::responses(server_config(&certs().localhost), vec![vec![tsend(ok("socks tls"))]]);
    let (addr, _) = socks5(Some(("user", "secret")));
    let agent = trusting(via(&format!("socks5h://user:secret@{addr}")));
    assert_eq!(agent.get(origin.url("/")).call().unwrap().text().unwrap(), "socks tls");

    let (addr, _) = socks5(Some(("user", "secret")));
    let err = via(&format!("socks5h://user:wrong@{addr}"))
        .build()
        .get("http://localhost:9/")
        .call()
        .unwrap_err();
    assert_eq!((err.kind(), err.step()), (ErrorKind::Proxy, Step::Tunnel));
    assert!(err.to_string().contains("rejected the user name and password"), "{err}");

    let (addr, _) = socks5(None);
    let err = via(&format!("socks5h://{addr}"))
        .build()
        .get("http://localhost:1/")
        .call()
        .unwrap_err();
    assert!(err.to_string().contains("connection refused (reply 5)"), "{err}");
}

#[test]
fn proxy_failures_name_the_proxy() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let err = via(&format!("http://{addr}"))
        .build()
        .get("http://origin.invalid/")
        .call()
        .unwrap_err();
    assert_eq!((err.kind(), err.step()), (ErrorKind::Connect, Step::ConnectProxy));
    assert_eq!(err.to_string(), format!("connect to proxy {addr}: connection refused"));
    let err = via("http://proxy.invalid:3128")
        .build()
        .get("http://origin.invalid/")
        .call()
        .unwrap_err();
    assert_eq!((err.kind(), err.step()), (ErrorKind::Dns, Step::ResolveProxy), "{err}");
}

#[test]
fn no_proxy_list_bypasses_the_proxy() {
    let origin = Server::responses(vec![vec![send(ok("direct"))]]);
    let proxy = Server::responses(vec![vec![send(ok("proxied"))]]);
    let agent = via(&format!("http://{}", proxy.addr))
        .no_proxy("example.com, 127.0.0.0/8")
        .build();
    assert_eq!(agent.get(origin.url("/")).call().unwrap().text().unwrap(), "direct");
    assert_eq!(
        agent.get("http://www.example.org/").call().unwrap().text().unwrap(),
        "proxied"
    );
    assert_eq!(proxy.requests()[0].target, "http://www.example.org/");
}

#[test]
fn proxy_credentials_are_not_sent_to_a_redirected_origin() {
    // Through an HTTP proxy every hop goes to the proxy; a user-set Proxy-Authorization header is
    // dropped when the origin changes, like any credential.
    let proxy = Server::responses(vec![
        vec![Act::Send(support::resp(
            "302 Found",
            &["Location: http://other.invalid/x"],
            b"",
        ))],
        vec![send(ok("final"))],
    ]);
    let agent = via(&format!("http://{}", proxy.addr)).build();
    let body = agent
        .get("http://origin.invalid/a")
        .header("Proxy-Authorization", "Basic dTpw")
        .call()
        .unwrap();
    assert_eq!(body.text().unwrap(), "final");
    let reqs = proxy.requests();
    assert_eq!(reqs[0].header("proxy-authorization"), Some("Basic dTpw"));
    assert_eq!(reqs[1].target, "http://other.invalid/x");
    assert_eq!(reqs[1].header("host"), Some("other.invalid"));
    assert!(reqs[1].header("proxy-authorization").is_none());
}

#[cfg(feature = "cli")]
#[test]
fn loopback_is_never_sent_to_an_environment_proxy() {
    // The environment is read through the CLI child process so this test does not change the
    // test process's own environment.
    let origin = Server::responses(vec![vec![send(ok("direct"))]]);
    let proxy = Server::responses(vec![vec![send(ok("proxied"))]]);
    let run = |url: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_h1client"))
            .args(["-s", url])
            .env("http_proxy", format!("http://{}", proxy.addr))
            .env_remove("no_proxy")
            .env_remove("NO_PROXY")
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run(&origin.url("/")), b"direct");
    assert_eq!(run("http://origin.invalid/"), b"proxied");
    assert_eq!(proxy.requests()[0].target, "http://origin.invalid/");
}

#[cfg(feature = "cli")]
#[test]
fn an_unusable_environment_proxy_is_an_error_not_a_bypass() {
    let run = |no_proxy: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_h1client"))
            .args(["-sS", "http://origin.invalid/"])
            .env("http_proxy", "gopher://proxy.invalid:70")
            .env("no_proxy", no_proxy)
            .env_remove("NO_PROXY")
            .output()
            .unwrap()
    };
    let out = run("");
    assert_eq!(out.status.code(), Some(5), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("http_proxy"));
    // a host the exceptions cover never needed the proxy
    let out = run("origin.invalid");
    assert_eq!(out.status.code(), Some(6), "{}", String::from_utf8_lossy(&out.stderr));
}
