//! Test proxies on loopback: an HTTP CONNECT proxy and a SOCKS5 proxy (RFC 1928, RFC 1929),
//! each relaying to the loopback address it is asked for and recording what it was asked.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

/// A CONNECT proxy that relays to the requested loopback address, recording the CONNECT heads.
pub struct ConnectProxy {
    pub addr: SocketAddr,
    pub heads: Arc<Mutex<Vec<String>>>,
}

impl ConnectProxy {
    pub fn start(answer: &'static str) -> ConnectProxy {
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

pub fn relay(a: TcpStream, b: TcpStream) {
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

/// A SOCKS5 proxy (RFC 1928/1929) relaying to loopback, recording the target it was asked for.
pub fn socks5(credentials: Option<(&'static str, &'static str)>) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
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
