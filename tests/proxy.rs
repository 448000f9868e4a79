//! Proxies: HTTP forward proxies (absolute-form), CONNECT tunnels for https, SOCKS5 with local or
//! remote name resolution, the environment variables, NO_PROXY, and pooling per route.

mod support;
#[path = "support/tls.rs"]
mod tls_support;

use h1client::{Agent, AgentBuilder, ErrorKind, Proxy, Step};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
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

/// A CONNECT proxy that relays to the requested loopback address, recording the CONNECT heads.
struct ConnectProxy {
    addr: SocketAddr,
    heads: Arc<Mutex<Vec<String>>>,
}

impl ConnectProxy {
    fn start(answer: &'static str) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let log = heads.clone();
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(mut client) = client else { return };
                let log = log.clone();
                thread::spawn(move || {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        if client.read(&mut byte).unwrap_or(0) == 0 {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    log.lock().unwrap().push(head.clone());
                    if !answer.starts_with("HTTP/1.1 200") {
                        let _ = client.write_all(answer.as_bytes());
                        return;
                    }
                    let target = head.split(' ').nth(1).unwrap().replace("localhost", "127.0.0.1");
                    let upstream = TcpStream::connect(target).unwrap();
                    client.write_all(answer.as_bytes()).unwrap();
                    relay(client, upstream);
                });
            }
        });
        ConnectProxy { addr, heads }
    }
}

fn relay(a: TcpStream, b: TcpStream) {
    let (mut a2, mut b2) = (a.try_clone().unwrap(), b.try_clone().unwrap());
    let t = thread::spawn(move || {
        let _ = std::io::copy(&mut b2, &mut a2);
        let _ = a2.shutdown(std::net::Shutdown::Write);
    });
    let (mut a, mut b) = (a, b);
    let _ = std::io::copy(&mut a, &mut b);
    let _ = b.shutdown(std::net::Shutdown::Write);
    let _ = t.join();
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
        .get(&origin.url("/"))
        .call()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
}

/// A SOCKS5 proxy (RFC 1928/1929) relaying to loopback, recording the target it was asked for.
fn socks5(credentials: Option<(&'static str, &'static str)>) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let targets = Arc::new(Mutex::new(Vec::new()));
    let log = targets.clone();
    thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut c) = client else { return };
            let log = log.clone();
            thread::spawn(move || {
                let mut b = [0u8; 2];
                c.read_exact(&mut b).unwrap();
                let mut methods = vec![0u8; usize::from(b[1])];
                c.read_exact(&mut methods).unwrap();
                if let Some((user, pass)) = credentials {
                    assert!(methods.contains(&2));
                    c.write_all(&[5, 2]).unwrap();
                    let mut v = [0u8; 2];
                    c.read_exact(&mut v).unwrap();
                    let mut u = vec![0u8; usize::from(v[1])];
                    c.read_exact(&mut u).unwrap();
                    let mut l = [0u8; 1];
                    c.read_exact(&mut l).unwrap();
                    let mut p = vec![0u8; usize::from(l[0])];
                    c.read_exact(&mut p).unwrap();
                    let good = u == user.as_bytes() && p == pass.as_bytes();
                    c.write_all(&[1, if good { 0 } else { 1 }]).unwrap();
                    if !good {
                        return;
                    }
                } else {
                    c.write_all(&[5, 0]).unwrap();
                }
                let mut req = [0u8; 4];
                c.read_exact(&mut req).unwrap();
                let target = match req[3] {
                    1 => {
                        let mut a = [0u8; 6];
                        c.read_exact(&mut a).unwrap();
                        format!(
                            "{}.{}.{}.{}:{}",
                            a[0],
                            a[1],
                            a[2],
                            a[3],
                            u16::from_be_bytes([a[4], a[5]])
                        )
                    }
                    3 => {
                        let mut l = [0u8; 1];
                        c.read_exact(&mut l).unwrap();
                        let mut n = vec![0u8; usize::from(l[0]) + 2];
                        c.read_exact(&mut n).unwrap();
                        let port = u16::from_be_bytes([n[n.len() - 2], n[n.len() - 1]]);
                        format!("{}:{port}", String::from_utf8_lossy(&n[..n.len() - 2]))
                    }
                    t => panic!("address type {t}"),
                };
                log.lock().unwrap().push(target.clone());
                let Ok(upstream) = TcpStream::connect(target.replace("localhost", "127.0.0.1")) else {
                    let _ = c.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]);
                    return;
                };
                c.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0]).unwrap();
                relay(c, upstream);
            });
        }
    });
    (addr, targets)
}

#[test]
fn socks5_resolves_locally_and_socks5h_remotely() {
    let origin = Server::responses(vec![vec![send(ok("socks"))]; 4]);
    let url = format!("http://localhost:{}/s", origin.addr.port());
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
    assert_eq!(agent.get(&origin.url("/")).call().unwrap().text().unwrap(), "socks tls");

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
    assert_eq!(agent.get(&origin.url("/")).call().unwrap().text().unwrap(), "direct");
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

#[test]
fn loopback_is_never_sent_to_an_environment_proxy() {
    // The environment is read through the CLI child process so this test does not change the
    // test process's own environment.
    #[cfg(feature = "cli")]
    {
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
}
