//! A loopback server for the examples in this documentation, so that they run as tests against a
//! real socket and cannot go stale. Not part of the API: hidden, and may change at any time.
//!
//! It answers the requests it receives, in order, with the responses it was given (raw bytes),
//! on one or several connections, and keeps the raw bytes of every request it read.
//!
//! It reads requests as RFC 9112 frames them (§2.2 heads, §6.2 `Content-Length`, §7.1 chunked),
//! well enough for the examples, no further.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

/// A server answering with canned responses; see the module documentation.
#[derive(Debug)]
pub struct DocServer {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base: String,
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl DocServer {
    /// Starts a server that answers the n-th request it reads with `responses[n]`, then closes
    /// the connection that asked for one more.
    pub fn start(responses: &[&[u8]]) -> DocServer {
        DocServer::spawn(responses, false)
    }

    /// Like [`start`](Self::start), but closes each connection after writing its response: for
    /// a body that runs until the connection closes, or one the server cuts short.
    pub fn start_closing(responses: &[&[u8]]) -> DocServer {
        DocServer::spawn(responses, true)
    }

    #[allow(clippy::expect_used)] // for the examples only: without a loopback port they cannot run anyway
    fn spawn(responses: &[&[u8]], close: bool) -> DocServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port for the doc server");
        let base = format!("http://{}", listener.local_addr().expect("its address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let responses: Arc<Mutex<Vec<Vec<u8>>>> =
            Arc::new(Mutex::new(responses.iter().rev().map(|r| r.to_vec()).collect()));
        let log = requests.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (log, responses) = (log.clone(), responses.clone());
                thread::spawn(move || serve(stream, &log, &responses, close));
            }
        });
        DocServer { base, requests }
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The raw bytes of each request received so far, as text (lossy).
    pub fn requests(&self) -> Vec<String> {
        let log = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        log.iter().map(|r| String::from_utf8_lossy(r).into_owned()).collect()
    }
}

fn serve(mut stream: TcpStream, log: &Mutex<Vec<Vec<u8>>>, responses: &Mutex<Vec<Vec<u8>>>, close: bool) {
    let mut buf = Vec::new();
    loop {
        let Some(len) = next_request(&mut stream, &mut buf) else {
            return;
        };
        log.lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(buf.drain(..len).collect());
        let Some(response) = responses.lock().unwrap_or_else(|p| p.into_inner()).pop() else {
            return;
        };
        if stream.write_all(&response).is_err() || close {
            return;
        }
    }
}

/// Reads until `buf` holds a whole request (head, and a body framed by Content-Length or
/// chunked); returns its length.
fn next_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<usize> {
    loop {
        if let Some(len) = request_len(buf) {
            return Some(len);
        }
        let mut chunk = [0u8; 8192];
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(chunk.get(..n)?),
        }
    }
}

fn request_len(buf: &[u8]) -> Option<usize> {
    let mut slots = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut slots);
    let head = match req.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        _ => return None,
    };
    let value = |name: &str| {
        req.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value)
    };
    if value("transfer-encoding").is_some() {
        let end = buf.get(head..)?.windows(5).position(|w| w == b"0\r\n\r\n")?;
        return head.checked_add(end)?.checked_add(5);
    }
    let body = value("content-length").and_then(|v| std::str::from_utf8(v).ok()?.trim().parse::<usize>().ok());
    let total = head.checked_add(body.unwrap_or(0))?;
    (buf.len() >= total).then_some(total)
}
