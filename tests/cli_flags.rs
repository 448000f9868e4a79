//! The `h1client` command line against local servers: curl's flags beyond the basics
//! (`tests/cli.rs`), and how the CLI holds up against slow inputs, huge values, endless
//! redirects and transfers cut short.

#[path = "support/cli.rs"]
mod cli_support;
#[path = "support/proxy.rs"]
mod proxy_support;
mod support;
#[path = "support/tls.rs"]
mod tls_support;

use cli_support::*;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};
use support::{ok, resp, send, Act, Server};

/// The names in a directory, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Waits for a child at most `limit`; kills it and fails the test if it runs longer.
fn wait_at_most(child: &mut Child, limit: Duration) -> ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after {limit:?}");
        }
        thread::sleep(Duration::from_millis(20));
    }
}

// ---------------------------------------------------------------------------------------------
// -m bounds reading the upload source

#[test]
fn max_time_bounds_reading_an_upload_from_a_silent_stdin() {
    for (args, first) in [
        (&["-T", "-"][..], &b""[..]),
        (&["-T", "-"], b"abc"),
        (&["-d", "@-"], b""),
        (&["--data-binary", "@-"], b"part"),
        (&["--json", "@-"], b""),
        (&["-F", "f=@-"], b""),
    ] {
        let server = Server::conns(vec![vec![Act::Drain(Duration::from_secs(10))]]);
        let url = server.url("/up");
        let mut child = command(None, &["-s", "-m", "1.5"])
            .args(args)
            .arg(&url)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // stdin stays open and silent (after `first`) until the client is gone
        let mut input = child.stdin.take().unwrap();
        input.write_all(first).unwrap();
        input.flush().unwrap();
        let started = Instant::now();
        let status = wait_at_most(&mut child, Duration::from_secs(10));
        let took = started.elapsed();
        drop(input);
        assert_eq!(status.code(), Some(28), "{args:?}");
        assert!(
            took >= Duration::from_millis(1400) && took < Duration::from_secs(5),
            "{args:?}: took {took:?}"
        );
    }
}

#[test]
fn other_upload_read_failures_exit_26() {
    // a directory opens, but reading it fails: curl's read error, not a timeout
    let dir = temp_dir("updir");
    let server = Server::conns(vec![vec![Act::Drain(Duration::from_secs(5))]]);
    let out = cli(&["-s", "-m", "5", "-T", dir.to_str().unwrap(), &server.url("/up")]);
    assert_eq!(code(&out), Some(26), "{}", stderr(&out));
    let out = cli(&["-s", "-d", "@/nonexistent/h1client", &server.url("/")]);
    assert_eq!(code(&out), Some(26));
}

// ---------------------------------------------------------------------------------------------
// duration flags at the edges

#[test]
fn duration_flags_take_zero_tiny_and_huge_values_and_refuse_negative_and_garbage() {
    // (flag, value, the exit codes allowed); every other flag of the line is fine
    let cases: &[(&str, &str, &[i32])] = &[
        ("-m", "0", &[0]),
        ("-m", "1e-300", &[28]),
        ("-m", "1e20", &[0]),
        ("-m", "1e300", &[0]),
        ("-m", "inf", &[0]),
        ("--connect-timeout", "0", &[0]),
        // a nanosecond may or may not be enough to connect on loopback
        ("--connect-timeout", "1e-300", &[0, 28]),
        ("--connect-timeout", "1e300", &[0]),
        ("--expect100-timeout", "0", &[0]),
        ("--expect100-timeout", "1e-300", &[0]),
        ("--expect100-timeout", "1e300", &[0]),
        ("--retry-delay", "0", &[0]),
        ("--retry-delay", "1e-300", &[0]),
        ("--retry-delay", "1e300", &[0]),
        ("--retry-max-time", "0", &[0]),
        ("--retry-max-time", "1e-300", &[0]),
        ("--retry-max-time", "1e300", &[0]),
    ];
    for (flag, value, allowed) in cases {
        // the server answers at once, before any 100 Continue: nothing waits on the flag
        let server = Server::conns(vec![vec![Act::ReadHead, Act::Send(ok("fine")), Act::Close]]);
        let out = cli(&[
            "-s",
            "-H",
            "Expect: 100-continue",
            "-d",
            "x",
            flag,
            value,
            &server.url("/"),
        ]);
        assert!(
            out.status.code().is_some_and(|c| allowed.contains(&c)),
            "{flag} {value}: {:?} {}",
            out.status,
            stderr(&out)
        );
        if out.status.code() == Some(0) {
            assert_eq!(out.stdout, b"fine", "{flag} {value}");
        }
    }
    for flag in [
        "-m",
        "--connect-timeout",
        "--expect100-timeout",
        "--retry-delay",
        "--retry-max-time",
    ] {
        for value in ["-1", "-0.5", "soon", "", "nan", "1s"] {
            let out = cli(&["-s", flag, value, "http://127.0.0.1:9/"]);
            assert_eq!(code(&out), Some(2), "{flag} {value:?}");
            assert!(stderr(&out).contains(flag), "{flag} {value:?}: {}", stderr(&out));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// -i -L on an endless redirect loop with large heads

/// A server redirecting every request to the next one, with a 40 KiB field in each head.
fn endless_redirects() -> (String, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/0", listener.local_addr().unwrap());
    let pad = "x".repeat(40 * 1024);
    let handle = thread::spawn(move || {
        let Ok((mut conn, _)) = listener.accept() else { return };
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        for n in 1u64.. {
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match conn.read(&mut chunk) {
                    Ok(0) | Err(_) => return,
                    Ok(k) => buf.extend_from_slice(&chunk[..k]),
                }
            }
            let end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
            buf.drain(..end);
            let head = format!("HTTP/1.1 302 Found\r\nLocation: /{n}\r\nX-Pad: {pad}\r\nContent-Length: 0\r\n\r\n");
            if conn.write_all(head.as_bytes()).is_err() {
                return;
            }
        }
    });
    (url, handle)
}

/// The process's peak resident memory (VmHWM in /proc/PID/status), in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn include_with_endless_redirects_writes_each_head_as_it_arrives_in_constant_memory() {
    let (url, server) = endless_redirects();
    let mut child = command(None, &["-s", "-i", "-L", "--max-redirs", "-1", &url])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let started = Instant::now();
    let mut seen = 0usize;
    let mut buf = vec![0u8; 1 << 16];
    let mut first = Vec::new();
    // 48 MiB of heads (some 1200 of them) while the transfer is still going on
    while seen < 48 << 20 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "only {seen} bytes of heads in a minute"
        );
        let n = out.read(&mut buf).unwrap();
        assert!(n > 0, "the output ended after {seen} bytes");
        if first.len() < 200 {
            first.extend_from_slice(&buf[..n.min(200)]);
        }
        seen += n;
    }
    let peak = peak_rss_kib(child.id());
    assert!(child.try_wait().unwrap().is_none(), "the transfer is still running");
    child.kill().unwrap();
    child.wait().unwrap();
    drop(server);
    assert!(first.starts_with(b"HTTP/1.1 302 Found\r\nLocation: /1\r\nX-Pad: xxx"));
    // (keeping the heads until the end, as before, took 784 MB in 4 s)
    assert!(peak < 32 * 1024, "peak RSS {peak} KiB after {seen} bytes of heads");
}

// ---------------------------------------------------------------------------------------------
// -o: an existing file is replaced only by a transfer that succeeds

#[test]
fn failed_transfers_leave_an_existing_output_file_as_it_was_and_no_temporary() {
    let dir = temp_dir("keep");
    let path = dir.join("out.bin");
    let p = path.to_str().unwrap();
    let cut_short = || one(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".to_vec());
    let chunked_cut = || one(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n".to_vec());
    let too_big = || one(resp("200 OK", &[], b"0123456789"));
    let not_found = || one(resp("404 Not Found", &[], b"nope"));
    for (what, server, extra, want) in [
        ("cut short", cut_short(), &[][..], 18),
        ("chunked cut short", chunked_cut(), &[], 18),
        ("max-filesize", too_big(), &["--max-filesize", "5"], 63),
        ("-f and a 404", not_found(), &["-f"], 22),
        ("-i and cut short", cut_short(), &["-i"], 18),
    ] {
        std::fs::write(&path, b"precious").unwrap();
        let mut args = vec!["-s", "-o", p];
        args.extend_from_slice(extra);
        let url = server.url("/");
        args.push(&url);
        let out = cli(&args);
        assert_eq!(code(&out), Some(want), "{what}: {}", stderr(&out));
        assert_eq!(std::fs::read(&path).unwrap(), b"precious", "{what}");
        assert_eq!(listing(&dir), ["out.bin"], "{what}: no temporary left behind");
    }
    // success: the new content, no temporary, and the old file's permissions
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let server = one(ok("new content"));
    let out = cli(&["-s", "-o", p, &server.url("/")]);
    assert_eq!(code(&out), Some(0));
    assert_eq!(std::fs::read(&path).unwrap(), b"new content");
    assert_eq!(listing(&dir), ["out.bin"]);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    // a file that did not exist is not created by a failure
    let missing = dir.join("never.bin");
    let server = cut_short();
    cli(&["-s", "-o", missing.to_str().unwrap(), &server.url("/")]);
    assert!(!missing.exists());
    assert_eq!(listing(&dir), ["out.bin"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn output_through_a_symlink_replaces_the_file_and_keeps_the_link() {
    let dir = temp_dir("link");
    let real = dir.join("real.txt");
    let link = dir.join("link.txt");
    std::fs::write(&real, b"old").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let server = one(ok("through the link"));
    let out = cli(&["-s", "-o", link.to_str().unwrap(), &server.url("/")]);
    assert_eq!(code(&out), Some(0));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read(&real).unwrap(), b"through the link");
    assert_eq!(listing(&dir), ["link.txt", "real.txt"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn outputs_that_are_no_regular_file_are_written_directly() {
    let server = one(ok("to the void"));
    let out = cli(&["-s", "-o", "/dev/null", &server.url("/")]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    // a FIFO: the reader sees the bytes as they come
    let dir = temp_dir("fifo");
    let fifo = dir.join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let server = one(ok("through a pipe"));
    let out = cli(&["-s", "-o", fifo.to_str().unwrap(), &server.url("/")]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(reader.join().unwrap(), b"through a pipe");
    assert_eq!(listing(&dir), ["pipe"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------------
// request flags

#[test]
fn http1_1_url_and_disable_flags_are_accepted() {
    let server = Server::responses(vec![vec![send(ok("one"))], vec![send(ok("two"))]]);
    let out = cli(&[
        "-q",
        "-s",
        "--http1.1",
        "--disable",
        "--url",
        &server.url("/a"),
        &server.url("/b"),
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(out.stdout, b"onetwo");
    let reqs = server.requests();
    assert_eq!((reqs[0].target.as_str(), reqs[1].target.as_str()), ("/a", "/b"));
    assert!(reqs[0].head.starts_with(b"GET /a HTTP/1.1\r\n"));
}

#[test]
fn range_flag_asks_for_bytes() {
    for (range, want, warned) in [
        ("0-99", "bytes=0-99", false),
        ("-500", "bytes=-500", false),
        ("0-0,-1", "bytes=0-0,-1", false),
        ("9500", "bytes=9500-", true),
    ] {
        let server = one(resp("206 Partial Content", &["Content-Range: bytes 0-1/10"], b"ab"));
        let out = cli(&["-r", range, &server.url("/")]);
        assert_eq!(code(&out), Some(0));
        assert_eq!(out.stdout, b"ab");
        assert_eq!(server.requests()[0].header("range"), Some(want), "{range}");
        assert_eq!(
            stderr(&out).contains("Warning: A specified range MUST include"),
            warned,
            "{range}"
        );
    }
    // the user's own Range header wins
    let server = one(ok("x"));
    cli(&["-s", "-r", "1-2", "-H", "Range: bytes=5-6", &server.url("/")]);
    assert_eq!(server.requests()[0].header_all("range"), ["bytes=5-6"]);
}

#[test]
fn json_flag_posts_json_with_its_headers() {
    let dir = temp_dir("json");
    let file = dir.join("body.json");
    std::fs::write(&file, b"{\"from\":\"file\"}\n").unwrap();
    let server = one(ok("ok"));
    let out = cli(&["-s", "--json", "{\"a\":", "--json", "1}", &server.url("/j")]);
    assert_eq!(code(&out), Some(0));
    let r = &server.requests()[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.body, b"{\"a\":1}", "several --json are concatenated");
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header_all("accept"), ["application/json"]);
    // @file as it is (newline kept), and -H wins over both headers
    let server = one(ok("ok"));
    cli(&[
        "-s",
        "--json",
        &format!("@{}", file.display()),
        "-H",
        "Content-Type: application/vnd.x+json",
        "-H",
        "Accept: */*",
        &server.url("/j"),
    ]);
    let r = &server.requests()[0];
    assert_eq!(r.body, b"{\"from\":\"file\"}\n");
    assert_eq!(r.header_all("content-type"), ["application/vnd.x+json"]);
    assert_eq!(r.header_all("accept"), ["*/*"]);
    // from stdin
    let server = one(ok("ok"));
    cli_stdin(&["-s", "--json", "@-", &server.url("/j")], b"[1,2]");
    assert_eq!(server.requests()[0].body, b"[1,2]");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn data_urlencode_in_curl_five_forms() {
    let dir = temp_dir("urlencode");
    let file = dir.join("v.txt");
    std::fs::write(&file, b"line one\nx&y=z").unwrap();
    let f = file.display();
    let server = one(ok("ok"));
    let out = cli(&[
        "-s",
        "--data-urlencode",
        "a b&c",
        "--data-urlencode",
        "=d e=f",
        "--data-urlencode",
        "name=g h/é",
        "--data-urlencode",
        &format!("@{f}"),
        "--data-urlencode",
        &format!("file@{f}"),
        "-d",
        "raw=1",
        &server.url("/u"),
    ]);
    assert_eq!(code(&out), Some(0));
    let r = &server.requests()[0];
    assert_eq!(
        String::from_utf8_lossy(&r.body),
        "a+b%26c&d+e%3Df&name=g+h%2F%C3%A9&line+one%0Ax%26y%3Dz&file=line+one%0Ax%26y%3Dz&raw=1"
    );
    assert_eq!(r.header("content-type"), Some("application/x-www-form-urlencoded"));
    // with -G it goes into the query
    let server = one(ok("ok"));
    cli(&["-s", "-G", "--data-urlencode", "q=a b", &server.url("/s")]);
    assert_eq!(server.requests()[0].target, "/s?q=a+b");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn referer_flag_sets_the_referer() {
    let server = one(ok("ok"));
    cli(&["-s", "-e", "http://from.example/page", &server.url("/")]);
    assert_eq!(server.requests()[0].header("referer"), Some("http://from.example/page"));
    // ';auto' cannot follow redirects here: the given part is sent, with a warning
    let server = one(ok("ok"));
    let out = cli(&["--referer", "http://from.example/;auto", &server.url("/")]);
    assert_eq!(server.requests()[0].header("referer"), Some("http://from.example/"));
    assert!(stderr(&out).contains("Warning: --referer ';auto'"), "{}", stderr(&out));
    // ';auto' alone sends none; -H wins
    let server = one(ok("ok"));
    cli(&["-s", "-e", ";auto", &server.url("/")]);
    assert_eq!(server.requests()[0].header("referer"), None);
    let server = one(ok("ok"));
    cli(&["-s", "-e", "http://a/", "-H", "Referer: http://b/", &server.url("/")]);
    assert_eq!(server.requests()[0].header_all("referer"), ["http://b/"]);
}

#[test]
fn oauth2_bearer_sends_the_token() {
    let server = one(ok("ok"));
    cli(&["-s", "--oauth2-bearer", "t0k.en", &server.url("/")]);
    assert_eq!(server.requests()[0].header("authorization"), Some("Bearer t0k.en"));
    // the user's own Authorization header wins
    let server = one(ok("ok"));
    cli(&[
        "-s",
        "--oauth2-bearer",
        "t",
        "-H",
        "Authorization: Custom x",
        &server.url("/"),
    ]);
    assert_eq!(server.requests()[0].header_all("authorization"), ["Custom x"]);
}

#[test]
fn proxy_user_gives_credentials_to_an_http_proxy() {
    let proxy = Server::responses(vec![vec![send(ok("proxied"))], vec![send(ok("again"))]]);
    let px = format!("http://{}", proxy.addr);
    let out = cli(&["-s", "-x", &px, "-U", "pu:p@ss:w", "http://origin.invalid/p"]);
    assert_eq!(out.stdout, b"proxied");
    // "pu:p@ss:w", base64
    assert_eq!(
        proxy.requests()[0].header("proxy-authorization"),
        Some("Basic cHU6cEBzczp3")
    );
    // credentials in the -x URL win, as in curl
    let px = format!("http://in:url@{}", proxy.addr);
    cli(&["-s", "-x", &px, "--proxy-user", "pu:pp", "http://origin.invalid/p"]);
    assert_eq!(
        proxy.requests()[1].header("proxy-authorization"),
        Some("Basic aW46dXJs")
    );
}

#[test]
fn proxy_user_gives_credentials_to_a_socks5_proxy() {
    let origin = one(ok("via socks"));
    let (addr, targets) = proxy_support::socks5(Some(("su", "s p")));
    let px = format!("socks5://{addr}");
    let out = cli(&["-s", "-x", &px, "-U", "su:s p", &origin.url("/s")]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(out.stdout, b"via socks");
    assert_eq!(targets.lock().unwrap().len(), 1);
    // wrong credentials: the SOCKS proxy refuses, curl's 97
    let (addr, _) = proxy_support::socks5(Some(("su", "right")));
    let px = format!("socks5://{addr}");
    let out = cli(&["-s", "-x", &px, "-U", "su:wrong", "http://127.0.0.1:9/"]);
    assert_eq!(code(&out), Some(97));
}

// ---------------------------------------------------------------------------------------------
// .netrc

#[test]
fn netrc_gives_credentials_to_the_matching_host_only() {
    let dir = temp_dir("netrc");
    let netrc = dir.join("netrc");
    let server = Server::responses(vec![vec![send(ok("a"))]; 8]);
    std::fs::write(
        &netrc,
        "# test file\nmachine other.example login no password no\nmachine 127.0.0.1\n  login alice\n  password \"se cret\"\ndefault login anon password guest\n",
    )
    .unwrap();
    let n = netrc.to_str().unwrap();
    let url = server.url("/");
    let basic = |u: &str, p: &str| {
        // base64 by hand would obscure the test: ask the CLI's own -u for the reference
        let probe = Server::conns(vec![vec![Act::Read, Act::Send(ok("")), Act::Close]]);
        cli(&["-s", "-u", &format!("{u}:{p}"), &probe.url("/")]);
        probe.requests()[0].header("authorization").unwrap().to_string()
    };
    let alice = basic("alice", "se cret");
    cli(&["-s", "--netrc-file", n, &url]);
    // -u wins over .netrc
    cli(&["-s", "--netrc-file", n, "-u", "bob:pw", &url]);
    // --netrc: the URL's password gives way to the file's for that login
    let with_user = url.replace("http://", "http://alice:wrong@");
    cli(&["-s", "--netrc-file", n, "--netrc", &with_user]);
    // --netrc-optional: a URL with user and password keeps them
    cli(&["-s", "--netrc-file", n, "--netrc-optional", &with_user]);
    // a user named in the URL: only an entry for that login (none here, not even default)
    let carol = url.replace("http://", "http://carol@");
    cli(&["-s", "--netrc-file", n, &carol]);
    let auth: Vec<Option<String>> = server
        .requests()
        .iter()
        .map(|r| r.header("authorization").map(str::to_string))
        .collect();
    assert_eq!(
        auth,
        [
            Some(alice.clone()),
            Some(basic("bob", "pw")),
            Some(alice.clone()),
            Some(basic("alice", "wrong")),
            Some(basic("carol", "")),
        ]
    );
    // -n reads $NETRC (or ~/.netrc); a missing file is curl's 26, optional is fine
    let server = one(ok("ok"));
    let mut c = command(None, &["-s", "-n", &server.url("/")]);
    c.env("NETRC", &netrc);
    let out = run_with(c, b"");
    assert_eq!(code(&out), Some(0));
    assert_eq!(server.requests()[0].header("authorization"), Some(alice.as_str()));
    let missing = dir.join("missing");
    let out = cli(&["--netrc-file", missing.to_str().unwrap(), "http://127.0.0.1:9/"]);
    assert_eq!(code(&out), Some(26));
    assert!(stderr(&out).contains(".netrc error"), "{}", stderr(&out));
    let server = one(ok("fine"));
    let out = cli(&[
        "-s",
        "--netrc-optional",
        "--netrc-file",
        missing.to_str().unwrap(),
        &server.url("/"),
    ]);
    assert_eq!((code(&out), out.stdout.as_slice()), (Some(0), &b"fine"[..]));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn netrc_credentials_are_not_sent_to_another_host_on_redirect() {
    let dir = temp_dir("netrc-redirect");
    let netrc = dir.join("netrc");
    std::fs::write(&netrc, "machine 127.0.0.1 login alice password secret\n").unwrap();
    // the same port under the name localhost: another host
    let server = Server::responses_for(|addr| {
        vec![
            vec![send(resp(
                "302 Found",
                &[&format!("Location: http://localhost:{}/next", addr.port())],
                b"",
            ))],
            vec![send(ok("landed"))],
        ]
    });
    let out = cli(&[
        "-s",
        "-L",
        "--netrc-file",
        netrc.to_str().unwrap(),
        &server.url("/first"),
    ]);
    assert_eq!(out.stdout, b"landed");
    let reqs = server.requests();
    assert!(reqs[0].header("authorization").is_some());
    assert_eq!(reqs[1].header("authorization"), None);
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------------
// where the body goes: -O, -J, --create-dirs

#[test]
fn remote_name_writes_to_the_last_segment_of_the_url() {
    let dir = temp_dir("remote-name");
    let server = Server::responses(vec![
        vec![send(ok("file"))],
        vec![send(ok("dir"))],
        vec![send(ok("none"))],
        vec![send(ok("second"))],
    ]);
    let out = cli_in(&dir, &["-s", "-O", &server.url("/a/report.txt?x=1#f")]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    // a path ending in / names its last directory; no path at all, curl's default name
    cli_in(&dir, &["-s", "-O", &server.url("/a/sub/")]);
    let out = cli_in(&dir, &["-O", &server.url("/")]);
    assert!(stderr(&out).contains("Warning: No remote filename, uses \"curl_response\""));
    assert_eq!(listing(&dir), ["curl_response", "report.txt", "sub"]);
    assert_eq!(std::fs::read(dir.join("report.txt")).unwrap(), b"file");
    assert_eq!(std::fs::read(dir.join("sub")).unwrap(), b"dir");
    assert_eq!(std::fs::read(dir.join("curl_response")).unwrap(), b"none");
    // -O pairs with one URL, as -o does: the next goes to stdout
    std::fs::remove_file(dir.join("report.txt")).unwrap();
    let server = Server::responses(vec![vec![send(ok("first"))], vec![send(ok("second"))]]);
    let out = cli_in(&dir, &["-s", "-O", &server.url("/report.txt"), &server.url("/b")]);
    assert_eq!(out.stdout, b"second");
    assert_eq!(std::fs::read(dir.join("report.txt")).unwrap(), b"first");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn remote_header_name_takes_the_server_name_without_any_directory() {
    let dir = temp_dir("remote-header-name");
    let cd = |value: &str| one(resp("200 OK", &[&format!("Content-Disposition: {value}")], b"payload"));
    for (value, name) in [
        ("attachment; filename=\"../../escape.txt\"", "escape.txt"),
        ("attachment; filename=/etc/cron.d/job", "job"),
        (
            "attachment; filename=\"plain.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt",
            "€ rates.txt",
        ),
        ("attachment; filename*=UTF-8''..%2F..%2Fup.txt", "up.txt"),
    ] {
        let server = cd(value);
        let out = cli_in(&dir, &["-s", "-OJ", &server.url("/from-url.bin")]);
        assert_eq!(code(&out), Some(0), "{value}: {}", stderr(&out));
        assert_eq!(listing(&dir), [name], "{value}");
        assert_eq!(std::fs::read(dir.join(name)).unwrap(), b"payload");
        std::fs::remove_file(dir.join(name)).unwrap();
    }
    // nothing usable, or no Content-Disposition at all: the URL's name
    for value in ["attachment; filename=\"..\"", "inline"] {
        let server = cd(value);
        let out = cli_in(&dir, &["-s", "-O", "-J", &server.url("/from-url.bin")]);
        assert_eq!(code(&out), Some(0), "{value}");
        assert_eq!(listing(&dir), ["from-url.bin"], "{value}");
        std::fs::remove_file(dir.join("from-url.bin")).unwrap();
    }
    // an existing file of the server's name is not overwritten: curl's 23
    std::fs::write(dir.join("taken.txt"), b"mine").unwrap();
    let server = cd("attachment; filename=taken.txt");
    let out = cli_in(&dir, &["-s", "-O", "-J", &server.url("/x")]);
    assert_eq!(code(&out), Some(23));
    assert_eq!(std::fs::read(dir.join("taken.txt")).unwrap(), b"mine");
    assert_eq!(listing(&dir), ["taken.txt"]);
    // without -O, -J does nothing
    let server = cd("attachment; filename=ignored.txt");
    let out = cli_in(&dir, &["-s", "-J", &server.url("/x")]);
    assert_eq!(out.stdout, b"payload");
    assert_eq!(listing(&dir), ["taken.txt"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn create_dirs_makes_the_directories_of_the_output_path() {
    let dir = temp_dir("create-dirs");
    let path = dir.join("a/b/c/out.txt");
    let server = one(ok("deep"));
    let out = cli(&["-s", "-o", path.to_str().unwrap(), &server.url("/")]);
    assert_eq!(code(&out), Some(23), "without --create-dirs");
    assert!(!dir.join("a").exists());
    let server = one(ok("deep"));
    let out = cli(&["-s", "--create-dirs", "-o", path.to_str().unwrap(), &server.url("/")]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read(&path).unwrap(), b"deep");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.join("a/b")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o750 & !umask());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The process's file mode creation mask.
fn umask() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
    u32::from_str_radix(line.split_whitespace().nth(1).unwrap(), 8).unwrap()
}

// ---------------------------------------------------------------------------------------------
// -D, -i and -v: heads and trailers

#[test]
fn dump_header_writes_every_head_received() {
    let dir = temp_dir("dump");
    let dump = dir.join("heads.txt");
    let first = resp("302 Found", &["Location: /b"], b"");
    let second = resp("200 OK", &["X-Final: yes"], b"body");
    let server = Server::responses(vec![vec![send(&first)], vec![send(&second)]]);
    let out = cli(&["-s", "-L", "-D", dump.to_str().unwrap(), &server.url("/a")]);
    assert_eq!(out.stdout, b"body");
    let heads = [&first[..], &second[..second.len() - 4]].concat();
    assert_eq!(std::fs::read(&dump).unwrap(), heads);
    // '-': on stdout, before the body; a failed transfer still makes the (empty) file
    let server = one(resp("200 OK", &[], b"body"));
    let out = cli(&["-s", "-D", "-", &server.url("/")]);
    assert_eq!(stdout(&out), "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody");
    let out = cli(&["-s", "-D", dump.to_str().unwrap(), "http://127.0.0.1:9/"]);
    assert_eq!(code(&out), Some(7));
    assert_eq!(std::fs::read(&dump).unwrap(), b"");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn include_dump_and_verbose_show_trailers_after_the_body() {
    let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n5\r\nhello\r\n0\r\nX-Sum: 42\r\nX-More: yes\r\n\r\n";
    let server = one(raw.to_vec());
    let out = cli(&["-s", "-i", &server.url("/")]);
    assert_eq!(
        stdout(&out),
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\nhelloX-Sum: 42\r\nX-More: yes\r\n"
    );
    let server = one(raw.to_vec());
    let out = cli(&["-s", "-D", "-", "-o", "/dev/null", &server.url("/")]);
    assert!(
        stdout(&out).ends_with("\r\n\r\nX-Sum: 42\r\nX-More: yes\r\n"),
        "{}",
        stdout(&out)
    );
    let server = one(raw.to_vec());
    let out = cli(&["-v", &server.url("/")]);
    assert_eq!(out.stdout, b"hello");
    let err = stderr(&out);
    let sum = err.find("< X-Sum: 42\n").expect(&err);
    assert!(err[sum..].starts_with("< X-Sum: 42\n< X-More: yes\n"), "{err}");
    assert!(err.find("< Trailer: X-Sum").unwrap() < sum);
    // without -i, the output is the body alone
    let server = one(raw.to_vec());
    assert_eq!(cli(&["-s", &server.url("/")]).stdout, b"hello");
}

// ---------------------------------------------------------------------------------------------
// -w

#[test]
fn write_out_reports_curl_variables_after_the_transfer() {
    let first = resp("303 See Other", &["Location: /final"], b"");
    let second = resp(
        "201 Created",
        &["Content-Type: text/plain; charset=utf-8"],
        b"twelve bytes",
    );
    let heads = first.len() + second.len() - 12;
    let server = Server::responses(vec![vec![send(&first)], vec![send(&second)]]);
    let format = "%{http_code}|%{response_code}|%{size_download}|%{size_header}|%{url_effective}|%{num_redirects}|%{content_type}|%{remote_ip}|%{remote_port}|%{exitcode}|[%{errormsg}]|%{method}|%{scheme}|%%|\\t|\\\\|%{nope}\\n";
    let out = cli(&["-s", "-L", "-d", "x=1", "-w", format, &server.url("/start")]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let want = format!(
        "twelve bytes201|201|12|{heads}|{}|1|text/plain; charset=utf-8|127.0.0.1|{}|0|[]|GET|http|%|\t|\\\\|\n",
        server.url("/final"),
        server.addr.port()
    );
    assert_eq!(stdout(&out), want);
    assert_eq!(stderr(&out), "h1client: unknown --write-out variable: 'nope'\n");
    // times: seconds with six decimals, in the order things happen
    let server = Server::conns(vec![vec![
        Act::Read,
        Act::Sleep(Duration::from_millis(300)),
        send(ok("x")),
        Act::Close,
    ]]);
    let out = cli(&[
        "-s",
        "-o",
        "/dev/null",
        "-w",
        "%{time_namelookup} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total}",
        &server.url("/"),
    ]);
    let times: Vec<f64> = stdout(&out)
        .split(' ')
        .map(|t| {
            let (whole, frac) = t.split_once('.').unwrap();
            assert!(whole.bytes().all(|b| b.is_ascii_digit()) && frac.len() == 6, "{t}");
            t.parse().unwrap()
        })
        .collect();
    let [lookup, connect, tls, start, total] = times[..] else {
        panic!("{times:?}")
    };
    assert_eq!(tls, 0.0, "no TLS on http");
    assert!(lookup <= connect && connect <= start && start <= total, "{times:?}");
    assert!(start >= 0.3 && total < 10.0, "{times:?}");
}

#[test]
fn write_out_reports_failures_and_reads_its_format_from_a_file() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/x", closed.local_addr().unwrap());
    drop(closed);
    let out = cli(&[
        "-s",
        "-w",
        "%{http_code} %{exitcode} %{remote_ip}|%{remote_port} %{url_effective} %{onerror}failed: %{errormsg}",
        &url,
    ]);
    assert_eq!(code(&out), Some(7));
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!("000 7 |0 {url} failed: connect to ")),
        "{text}"
    );
    assert!(text.contains("connection refused"), "{text}");
    let server = one(ok("ok"));
    let out = cli(&["-s", "-w", "%{onerror}not shown", &server.url("/")]);
    assert_eq!(out.stdout, b"ok");
    // @file and @-; %{stderr} switches the destination
    let dir = temp_dir("write-out");
    let format = dir.join("format.txt");
    std::fs::write(&format, "code %{http_code}%{stderr} to stderr\n").unwrap();
    let server = one(ok("ok"));
    let out = cli(&["-s", "-w", &format!("@{}", format.display()), &server.url("/")]);
    assert_eq!(
        (stdout(&out).as_str(), stderr(&out).as_str()),
        ("okcode 200", " to stderr\n")
    );
    let server = one(ok("ok"));
    let out = cli_stdin(&["-s", "-w", "@-", &server.url("/")], b"from stdin %{http_code}");
    assert_eq!(stdout(&out), "okfrom stdin 200");
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------------
// --fail-with-body, --max-filesize

#[test]
fn fail_with_body_writes_the_body_and_exits_22() {
    let server = one(resp("503 Service Unavailable", &[], b"the reason"));
    let out = cli(&["-s", "--fail-with-body", &server.url("/")]);
    assert_eq!(code(&out), Some(22));
    assert_eq!(out.stdout, b"the reason");
    // to a file too: the body is kept
    let dir = temp_dir("fail-with-body");
    let path = dir.join("error.html");
    std::fs::write(&path, b"old").unwrap();
    let server = one(resp("404 Not Found", &[], b"missing"));
    let out = cli(&["-s", "--fail-with-body", "-o", path.to_str().unwrap(), &server.url("/")]);
    assert_eq!(code(&out), Some(22));
    assert_eq!(std::fs::read(&path).unwrap(), b"missing");
    assert_eq!(listing(&dir), ["error.html"]);
    // below 400 it changes nothing; with -f it is a usage error, as in curl
    let server = one(ok("fine"));
    assert_eq!(cli(&["-s", "--fail-with-body", &server.url("/")]).stdout, b"fine");
    assert_eq!(
        code(&cli(&["-s", "-f", "--fail-with-body", "http://127.0.0.1:9/"])),
        Some(2)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn max_filesize_refuses_a_large_body_at_once_and_stops_a_growing_one() {
    // Content-Length over the limit: refused before any of the body is read
    let server = Server::conns(vec![vec![
        Act::Read,
        send(b"HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n"),
        Act::Drain(Duration::from_secs(5)),
    ]]);
    let started = Instant::now();
    let out = cli(&["-s", "--max-filesize", "1k", &server.url("/")]);
    assert_eq!(code(&out), Some(63));
    assert!(out.stdout.is_empty());
    assert!(started.elapsed() < Duration::from_secs(3));
    // a body without a length: stopped once it grows past the limit
    let mut endless = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..64 {
        endless.extend_from_slice(b"400\r\n");
        endless.extend_from_slice(&[b'z'; 1024]);
        endless.extend_from_slice(b"\r\n");
    }
    let server = Server::conns(vec![vec![
        Act::Read,
        Act::Send(endless),
        Act::Drain(Duration::from_secs(5)),
    ]]);
    let out = cli(&["-s", "--max-filesize", "10000", &server.url("/")]);
    assert_eq!(code(&out), Some(63));
    assert!(out.stdout.len() <= 10_000, "{} bytes written", out.stdout.len());
    // exactly at the limit is fine; 0 is no limit
    let server = one(resp("200 OK", &[], &[b'a'; 100]));
    assert_eq!(code(&cli(&["-s", "--max-filesize", "100", &server.url("/")])), Some(0));
    let server = one(resp("200 OK", &[], &[b'a'; 100]));
    assert_eq!(code(&cli(&["-s", "--max-filesize", "0", &server.url("/")])), Some(0));
}

// ---------------------------------------------------------------------------------------------
// --retry and its companions

#[test]
fn retry_tries_again_on_transient_http_statuses_honouring_retry_after() {
    let dir = temp_dir("retry");
    let path = dir.join("out.txt");
    let server = Server::responses(vec![
        vec![send(resp("503 Service Unavailable", &["Retry-After: 1"], b"busy"))],
        vec![send(resp("429 Too Many Requests", &[], b"slow down"))],
        vec![send(ok("done"))],
    ]);
    let started = Instant::now();
    let out = cli(&[
        "--retry",
        "3",
        "--retry-delay",
        "0.2",
        "-o",
        path.to_str().unwrap(),
        &server.url("/"),
    ]);
    let took = started.elapsed();
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read(&path).unwrap(), b"done");
    assert_eq!(listing(&dir), ["out.txt"]);
    assert_eq!(server.requests().len(), 3);
    assert_eq!(
        stderr(&out),
        "Warning: Problem : HTTP error. Will retry in 1 seconds. 3 retries left.\nThrowing away 4 bytes\n\
         Warning: Problem : HTTP error. Will retry in 0.200 seconds. 2 retries left.\nThrowing away 9 bytes\n"
    );
    assert!(took >= Duration::from_millis(1200), "{took:?}");
    // on stdout every body is written, as curl does; -s keeps quiet
    let server = Server::responses(vec![
        vec![send(resp("500 Oops", &[], b"oops "))],
        vec![send(ok("fine"))],
    ]);
    let out = cli(&["-s", "--retry", "1", "--retry-delay", "0.1", &server.url("/")]);
    assert_eq!((stdout(&out).as_str(), stderr(&out).as_str()), ("oops fine", ""));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn retry_waits_one_second_then_doubles_and_stops_at_retry_max_time() {
    let busy = || vec![send(resp("502 Bad Gateway", &[], b""))];
    let server = Server::responses(vec![busy(), busy(), busy()]);
    let started = Instant::now();
    let out = cli(&["--retry", "2", &server.url("/")]);
    assert_eq!(code(&out), Some(0), "a 502 is no error without -f");
    assert!(started.elapsed() >= Duration::from_secs(3), "1 s then 2 s");
    let err = stderr(&out);
    assert!(err.contains("Will retry in 1 seconds. 2 retries left."), "{err}");
    assert!(err.contains("Will retry in 2 seconds. 1 retries left."), "{err}");
    assert_eq!(server.requests().len(), 3);
    // a Retry-After that would run past --retry-max-time ends the tries at once
    let server = Server::responses(vec![vec![send(resp("503 Busy", &["Retry-After: 30"], b""))], busy()]);
    let started = Instant::now();
    let out = cli(&["-f", "--retry", "3", "--retry-max-time", "5", &server.url("/")]);
    assert_eq!(code(&out), Some(22));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(stderr(&out).contains("The Retry-After: time would make this command line exceed"));
    assert_eq!(server.requests().len(), 1);
}

/// An HTTP date (IMF-fixdate) `secs` after the epoch.
fn http_date(secs: u64) -> String {
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // civil from days (Howard Hinnant)
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][m as usize - 1];
    format!(
        "{weekday}, {d:02} {month} {y} {:02}:{:02}:{:02} GMT",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[test]
fn retry_after_may_be_an_http_date() {
    assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let when = format!("Retry-After: {}", http_date(now + 3));
    let server = Server::responses(vec![
        vec![send(resp("429 Slow Down", &[&when], b""))],
        vec![send(ok("ok"))],
    ]);
    let started = Instant::now();
    let out = cli(&["--retry", "1", &server.url("/")]);
    assert_eq!(out.stdout, b"ok");
    let err = stderr(&out);
    assert!(
        ["2", "3"]
            .iter()
            .any(|s| err.contains(&format!("Will retry in {s} seconds"))),
        "{err}"
    );
    assert!(started.elapsed() >= Duration::from_secs(2));
}

#[test]
fn retry_on_timeouts_and_refused_connections_only_when_asked() {
    // a server that does not answer in time, then one that does
    let server = Server::conns(vec![
        vec![Act::Read, Act::Drain(Duration::from_secs(5))],
        vec![Act::Read, send(ok("second")), Act::Close],
    ]);
    let out = cli(&["--retry", "1", "--retry-delay", "0.1", "-m", "1", &server.url("/")]);
    assert_eq!(
        (code(&out), out.stdout.as_slice()),
        (Some(0), &b"second"[..]),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("Warning: Problem : timeout. Will retry in 0.100 seconds. 1 retries left."));
    // a refused connection: tried again only with --retry-connrefused
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let out = cli(&["--retry", "2", "--retry-delay", "0.1", &url]);
    assert_eq!(code(&out), Some(7));
    assert!(!stderr(&out).contains("Warning"), "{}", stderr(&out));
    let out = cli(&["--retry", "2", "--retry-delay", "0.1", "--retry-connrefused", &url]);
    assert_eq!(code(&out), Some(7));
    assert_eq!(
        stderr(&out).matches("Warning: Problem : connection refused.").count(),
        2
    );
    // other errors (an empty reply) and other statuses: only with --retry-all-errors
    let empty = || vec![Act::Read, Act::Close];
    let server = Server::conns(vec![empty(), empty()]);
    let out = cli(&["--retry", "1", "--retry-delay", "0.1", &server.url("/")]);
    assert_eq!((code(&out), server.connections()), (Some(52), 1));
    let server = Server::conns(vec![empty(), vec![Act::Read, send(ok("at last")), Act::Close]]);
    let out = cli(&[
        "--retry",
        "1",
        "--retry-delay",
        "0.1",
        "--retry-all-errors",
        &server.url("/"),
    ]);
    assert_eq!(out.stdout, b"at last");
    assert!(stderr(&out).contains("Warning: Problem (retrying all errors). Will retry in"));
    let server = one(resp("404 Not Found", &[], b""));
    let out = cli(&["--retry", "3", &server.url("/")]);
    assert_eq!((code(&out), stderr(&out).as_str()), (Some(0), ""));
}

#[test]
fn retry_with_fail_and_never_for_an_upload_from_stdin() {
    let server = Server::responses(vec![
        vec![send(resp("500 Oops", &[], b""))],
        vec![send(resp("500 Oops", &[], b""))],
    ]);
    let out = cli(&["-s", "-f", "--retry", "1", "--retry-delay", "0.1", &server.url("/")]);
    assert_eq!((code(&out), server.requests().len()), (Some(22), 2));
    // standard input cannot be read twice
    let server = Server::responses(vec![vec![send(resp("503 Busy", &[], b""))], vec![send(ok("no"))]]);
    let out = cli_stdin(&["--retry", "2", "-T", "-", &server.url("/up")], b"once");
    assert_eq!(server.requests().len(), 1);
    assert!(stderr(&out).contains("cannot be sent again"), "{}", stderr(&out));
    // -d @- is read once, into memory: it can
    let server = Server::responses(vec![vec![send(resp("503 Busy", &[], b""))], vec![send(ok("yes"))]]);
    let out = cli_stdin(
        &[
            "-s",
            "--retry",
            "1",
            "--retry-delay",
            "0.1",
            "-d",
            "@-",
            &server.url("/"),
        ],
        b"a=1",
    );
    assert_eq!(out.stdout, b"yes");
    let reqs = server.requests();
    assert_eq!(
        (reqs[0].body.as_slice(), reqs[1].body.as_slice()),
        (&b"a=1"[..], &b"a=1"[..])
    );
}

// ---------------------------------------------------------------------------------------------
// -C: resuming a download

#[test]
fn continue_at_appends_the_rest_from_where_the_file_ends() {
    let dir = temp_dir("resume");
    let path = dir.join("part.txt");
    let p = path.to_str().unwrap();
    std::fs::write(&path, b"hello ").unwrap();
    let server = one(resp("206 Partial Content", &["Content-Range: bytes 6-10/11"], b"world"));
    let out = cli(&["-s", "-C", "-", "-o", p, &server.url("/f")]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read(&path).unwrap(), b"hello world");
    assert_eq!(server.requests()[0].header("range"), Some("bytes=6-"));
    // an explicit offset
    let server = one(resp("206 Partial Content", &["Content-Range: bytes 3-4/5"], b"!!"));
    cli(&["-s", "--continue-at", "3", "-o", p, &server.url("/f")]);
    assert_eq!(server.requests()[0].header("range"), Some("bytes=3-"));
    assert_eq!(std::fs::read(&path).unwrap(), b"hello world!!");
    // no file yet: from the start, no Range; and on stdout -C - has nothing to measure
    let fresh = dir.join("fresh.txt");
    let server = one(ok("all of it"));
    cli(&["-s", "-C", "-", "-o", fresh.to_str().unwrap(), &server.url("/f")]);
    assert_eq!(server.requests()[0].header("range"), None);
    assert_eq!(std::fs::read(&fresh).unwrap(), b"all of it");
    let server = one(ok("x"));
    cli(&["-s", "-C", "-", &server.url("/f")]);
    assert_eq!(server.requests()[0].header("range"), None);
    // a cut-short resumed transfer keeps what it had, not what it appended
    let server =
        one(b"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 13-20/21\r\nContent-Length: 8\r\n\r\nabc".to_vec());
    let out = cli(&["-s", "-C", "-", "-o", p, &server.url("/f")]);
    assert_eq!(code(&out), Some(18));
    assert_eq!(std::fs::read(&path).unwrap(), b"hello world!!");
    // and one that made the file removes it again
    let never = dir.join("never.txt");
    let server = one(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".to_vec());
    let out = cli(&["-s", "-C", "-", "-o", never.to_str().unwrap(), &server.url("/f")]);
    assert_eq!(code(&out), Some(18));
    assert_eq!(listing(&dir), ["fresh.txt", "part.txt"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn continue_at_against_a_server_that_ignores_the_range() {
    let dir = temp_dir("resume-ignored");
    let path = dir.join("part.txt");
    let p = path.to_str().unwrap();
    std::fs::write(&path, b"hello ").unwrap();
    // the whole document again: curl's 33, the file as it was
    let server = one(ok("hello world"));
    let out = cli(&["-s", "-C", "-", "-o", p, &server.url("/f")]);
    assert_eq!(code(&out), Some(33));
    assert_eq!(std::fs::read(&path).unwrap(), b"hello ");
    // a whole document as long as the file: already complete, fine
    let server = one(ok("HELLO "));
    let out = cli(&["-s", "-C", "-", "-o", p, &server.url("/f")]);
    assert_eq!(code(&out), Some(0));
    assert_eq!(std::fs::read(&path).unwrap(), b"hello ");
    // 416, the range starts at the end: complete, even with -f
    let server = one(resp(
        "416 Range Not Satisfiable",
        &["Content-Range: bytes */6"],
        b"error page",
    ));
    let out = cli(&["-s", "-f", "-C", "-", "-o", p, &server.url("/f")]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read(&path).unwrap(), b"hello ");
    assert_eq!(listing(&dir), ["part.txt"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------------
// --limit-rate, -#

#[test]
fn limit_rate_keeps_downloads_and_uploads_to_the_average() {
    let body = vec![b'd'; 60 * 1024];
    let server = one(resp("200 OK", &[], &body));
    let started = Instant::now();
    let out = cli(&["-s", "--limit-rate", "40k", &server.url("/")]);
    let took = started.elapsed();
    assert!(out.stdout == body);
    assert!(
        took >= Duration::from_millis(1200) && took < Duration::from_secs(10),
        "{took:?}"
    );
    // uploads: a file (seekable, with its length) and -d data
    let dir = temp_dir("limit-rate");
    let file = dir.join("up.bin");
    std::fs::write(&file, &body).unwrap();
    for args in [
        vec!["-T".to_string(), file.display().to_string()],
        vec!["--data-binary".to_string(), format!("@{}", file.display())],
    ] {
        let server = one(ok("ok"));
        let started = Instant::now();
        let mut argv = vec!["-s", "--limit-rate", "40K"];
        argv.extend(args.iter().map(String::as_str));
        let url = server.url("/up");
        argv.push(&url);
        let out = cli(&argv);
        let took = started.elapsed();
        assert_eq!(code(&out), Some(0), "{args:?}: {}", stderr(&out));
        let r = &server.requests()[0];
        assert!(r.body == body && !r.chunked, "{args:?}");
        assert_eq!(r.header("content-length"), Some("61440"));
        assert!(took >= Duration::from_millis(1200), "{args:?}: {took:?}");
    }
    // the rate never stretches a transfer past -m
    let server = one(resp("200 OK", &[], &body));
    let started = Instant::now();
    let out = cli(&["-s", "--limit-rate", "1k", "-m", "1", &server.url("/")]);
    assert_eq!(code(&out), Some(28));
    assert!(started.elapsed() < Duration::from_secs(3));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn progress_bar_flag_draws_a_line_of_hashes() {
    let dir = temp_dir("progress-bar");
    let path = dir.join("down.bin");
    let body = vec![b'd'; 200 * 1024];
    let server = one(resp("200 OK", &[], &body));
    let (code, screen) = cli_on_terminal(&["-#", "-o", path.to_str().unwrap(), &server.url("/")]);
    assert_eq!(code, Some(0), "{screen}");
    assert!(screen.contains("100.0%") && screen.contains("#####"), "{screen:?}");
    assert!(!screen.contains("KiB"), "the plain style: {screen:?}");
    assert_eq!(std::fs::read(&path).unwrap(), body);
    // -s still silences it
    let server = one(resp("200 OK", &[], &body));
    let (code, screen) = cli_on_terminal(&["-s", "--progress-bar", "-o", path.to_str().unwrap(), &server.url("/")]);
    assert_eq!((code, screen.as_str()), (Some(0), ""));
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------------
// --http1.0

#[test]
fn http1_0_sends_http_1_0_requests_and_refuses_a_body_of_unknown_length() {
    let server = Server::responses((0..5).map(|_| vec![send(ok("x"))]).collect());
    let out = cli(&["-sS", "-0", &server.url("/zero"), &server.url("/again")]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let out = cli(&["-sS", "--http1.0", "-d", "a=1", &server.url("/post")]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    // the last of --http1.0 and --http1.1 wins
    let out = cli(&["-sS", "--http1.0", "--http1.1", &server.url("/last")]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let reqs = server.requests();
    assert!(reqs[0].head.starts_with(b"GET /zero HTTP/1.0\r\n"), "{reqs:?}");
    assert_eq!(reqs[0].header("connection"), None, "as curl: no Connection header");
    assert!(reqs[1].head.starts_with(b"GET /again HTTP/1.0\r\n"));
    assert_ne!(reqs[0].conn, reqs[1].conn, "an HTTP/1.0 connection is not kept");
    assert!(reqs[2].head.starts_with(b"POST /post HTTP/1.0\r\n"));
    assert_eq!(
        (reqs[2].header("content-length"), reqs[2].body.as_slice()),
        (Some("3"), &b"a=1"[..])
    );
    assert!(reqs[3].head.starts_with(b"GET /last HTTP/1.1\r\n"));

    // a body of unknown length (standard input) cannot be framed: curl's exit 25, and nothing
    // is sent; a file has its length
    let server = Server::responses(vec![vec![send(ok("put"))]]);
    let out = cli_stdin(&["-sS", "-0", "-T", "-", &server.url("/up")], b"data");
    assert_eq!(code(&out), Some(25), "{}", stderr(&out));
    assert_eq!(server.connections(), 0);
    let dir = temp_dir("http10");
    let file = dir.join("f.txt");
    std::fs::write(&file, "file").unwrap();
    let out = cli(&["-sS", "-0", "-T", file.to_str().unwrap(), &server.url("/up")]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let req = &server.requests()[0];
    assert!(req.head.starts_with(b"PUT /up HTTP/1.0\r\n"));
    assert_eq!(req.body, b"file");
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------------
// --resolve, --connect-to, -4, -6

#[test]
fn resolve_gives_a_name_the_addresses_given() {
    let server = Server::always("hi");
    let port = server.addr.port();
    let url = format!("http://name.invalid:{port}/r");
    let entry = format!("name.invalid:{port}:127.0.0.1");
    for entries in [
        vec![entry.clone()],
        // several addresses (an IPv6 one in brackets), the '+' form, upper case
        vec![format!("+NAME.invalid:{port}:[::1],127.0.0.1")],
        // a later entry replaces an earlier one
        vec![format!("name.invalid:{port}:192.0.2.1"), entry.clone()],
        // a wildcard for the port
        vec![format!("*:{port}:127.0.0.1")],
        vec![format!("*:{port}:192.0.2.1"), entry.clone()],
    ] {
        let mut args = vec!["-sS", "--connect-timeout", "5"];
        for e in &entries {
            args.extend(["--resolve", e.as_str()]);
        }
        args.push(&url);
        let out = cli(&args);
        assert_eq!(
            (code(&out), stdout(&out).as_str()),
            (Some(0), "hi"),
            "{entries:?}: {}",
            stderr(&out)
        );
    }
    let reqs = server.requests();
    assert!(reqs
        .iter()
        .all(|r| r.header("host") == Some(format!("name.invalid:{port}").as_str())));
    // -v tells
    let out = cli(&["-v", "--resolve", &entry, &url]);
    assert!(
        stderr(&out).contains(&format!("* Added name.invalid:{port}:127.0.0.1 to DNS cache")),
        "{}",
        stderr(&out)
    );
    // -HOST:PORT drops the entry: the name is looked up (.invalid never resolves)
    let out = cli(&[
        "-s",
        "--resolve",
        &entry,
        "--resolve",
        &format!("-name.invalid:{port}"),
        &url,
    ]);
    assert_eq!(code(&out), Some(6));
    // entries curl cannot read: its exit 49, before anything is sent
    let before = server.connections();
    for bad in [
        format!("name.invalid:{port}:not-an-address"),
        format!("name.invalid:{port}"),
        format!("name.invalid:{port}:"),
        "name.invalid:99999:127.0.0.1".to_string(),
    ] {
        let out = cli(&["-sS", "--resolve", &bad, &url]);
        assert_eq!(code(&out), Some(49), "{bad}");
        assert!(
            stderr(&out).contains(&format!("Couldn't parse CURLOPT_RESOLVE entry '{bad}'")),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(server.connections(), before);
}

#[test]
fn connect_to_connects_elsewhere_and_keeps_the_host() {
    let server = Server::always("to");
    let port = server.addr.port();
    let ok_with = |rules: &[String], url: &str, host: &str| {
        let mut args = vec!["-sS".to_string(), "--connect-timeout".into(), "5".into()];
        for r in rules {
            args.extend(["--connect-to".to_string(), r.clone()]);
        }
        args.push(url.into());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = cli(&args);
        assert_eq!(
            (code(&out), stdout(&out).as_str()),
            (Some(0), "to"),
            "{rules:?}: {}",
            stderr(&out)
        );
        assert_eq!(
            server.requests().last().unwrap().header("host"),
            Some(host),
            "{rules:?}"
        );
    };
    ok_with(
        &[format!("elsewhere.invalid:80:127.0.0.1:{port}")],
        "http://elsewhere.invalid/c",
        "elsewhere.invalid",
    );
    // empty HOST1 and PORT1 match any; an empty HOST2 keeps the host, an empty PORT2 the port
    ok_with(
        &[format!("::127.0.0.1:{port}")],
        "http://any.invalid:1234/",
        "any.invalid:1234",
    );
    ok_with(&[format!("127.0.0.1:1::{port}")], "http://127.0.0.1:1/", "127.0.0.1:1");
    ok_with(&["::127.0.0.1".into()], &server.url("/"), &format!("127.0.0.1:{port}"));
    // the first rule that matches, skipping those that change nothing or cannot match
    ok_with(
        &[
            "garbage".into(),
            "other.invalid:80:192.0.2.1:1".into(),
            "elsewhere.invalid:80:".into(),
            "nomatch.invalid:80:x:bad-port".into(),
            format!("elsewhere.invalid:80:127.0.0.1:{port}"),
            "elsewhere.invalid:80:192.0.2.1:2".into(),
        ],
        "http://elsewhere.invalid/",
        "elsewhere.invalid",
    );
    // the new host's name goes through --resolve
    let out = cli(&[
        "-sS",
        "--connect-to",
        &format!("a.invalid:80:b.invalid:{port}"),
        "--resolve",
        &format!("b.invalid:{port}:127.0.0.1"),
        "http://a.invalid/",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(server.requests().last().unwrap().header("host"), Some("a.invalid"));
    // the rule that applies has a target curl cannot use: exit 49, nothing sent
    let before = server.connections();
    let out = cli(&["-sS", "--connect-to", "a.invalid:80:127.0.0.1:bad", "http://a.invalid/"]);
    assert_eq!(code(&out), Some(49));
    assert!(
        stderr(&out).contains("No valid port number in connect to host string (bad)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(server.connections(), before);
}

/// A server on `[::1]` answering `n` connections with `response`; `None` without IPv6 loopback.
fn v6_server(n: usize, response: Vec<u8>) -> Option<(u16, thread::JoinHandle<Vec<String>>)> {
    let listener = TcpListener::bind("[::1]:0").ok()?;
    let port = listener.local_addr().ok()?.port();
    let handle = thread::spawn(move || {
        let mut heads = Vec::new();
        for _ in 0..n {
            let (mut stream, _) = listener.accept().unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            stream.write_all(&response).unwrap();
            heads.push(String::from_utf8_lossy(&head).into_owned());
        }
        heads
    });
    Some((port, handle))
}

#[test]
fn ipv4_and_ipv6_flags_keep_to_one_address_family() {
    let server = Server::always("v4");
    let port = server.addr.port();
    let name = format!("http://name.invalid:{port}/");
    let both = format!("name.invalid:{port}:::1,127.0.0.1");
    let v4_only = format!("name.invalid:{port}:127.0.0.1");
    let literal = server.url("/");
    for (args, want) in [
        (vec!["-4", &literal], 0),
        (vec!["--ipv4", "--resolve", &both, &name], 0),
        // an address of the other family: curl fails to connect (7)
        (vec!["-6", &literal], 7),
        // a name without an address of the family: curl's "could not resolve" (6)
        (vec!["--ipv6", "--resolve", &v4_only, &name], 6),
        // the last of -4 and -6 wins
        (vec!["-6", "-4", &name, "--resolve", &v4_only], 0),
    ] {
        let out = cli(&[&["-sS"][..], args.as_slice()].concat());
        assert_eq!(code(&out), Some(want), "{args:?}: {}", stderr(&out));
        if want == 0 {
            assert_eq!(stdout(&out), "v4");
        }
    }
    let Some((port6, handle)) = v6_server(2, ok("v6")) else {
        eprintln!("no IPv6 loopback: the -6 half is skipped");
        return;
    };
    let v6_url = format!("http://[::1]:{port6}/");
    let out = cli(&["-sS", "-4", &v6_url]);
    assert_eq!(code(&out), Some(7), "{}", stderr(&out));
    let out = cli(&["-sS", "-6", &v6_url]);
    assert_eq!((code(&out), stdout(&out).as_str()), (Some(0), "v6"), "{}", stderr(&out));
    let named = format!("http://name.invalid:{port6}/");
    let out = cli(&[
        "-sS",
        "-6",
        "--resolve",
        &format!("name.invalid:{port6}:127.0.0.1,[::1]"),
        &named,
    ]);
    assert_eq!((code(&out), stdout(&out).as_str()), (Some(0), "v6"), "{}", stderr(&out));
    let heads = handle.join().unwrap();
    assert!(
        heads[1].contains(&format!("\r\nHost: name.invalid:{port6}\r\n")),
        "{heads:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// --tlsv1.x, --tls-max

#[test]
fn tls_version_flags_bound_the_versions_offered() {
    use tls_support::{certs, tsend, ServerOpts, TlsServer, Versions};
    let dir = temp_dir("tls-versions");
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, &certs().ca_pem).unwrap();
    let ca = ca.to_str().unwrap();
    let serve = |v: Versions| {
        let config = ServerOpts::new(&certs().localhost).versions(v).build();
        TlsServer::responses(config, (0..4).map(|_| vec![tsend(ok("tls"))]).collect())
    };
    for (versions, flags, want, negotiated) in [
        (Versions::Both, &[][..], 0, Some("TLSv1_3")),
        (Versions::Both, &["--tls-max", "1.2"], 0, Some("TLSv1_2")),
        (Versions::Both, &["--tlsv1.3"], 0, Some("TLSv1_3")),
        (Versions::Both, &["--tlsv1.2", "--tls-max", "1.3"], 0, Some("TLSv1_3")),
        // a minimum below 1.2 is raised to 1.2, as curl built with rustls does
        (Versions::Tls12, &["-1"], 0, Some("TLSv1_2")),
        (Versions::Tls12, &["--tlsv1"], 0, Some("TLSv1_2")),
        (Versions::Tls12, &["--tlsv1.0"], 0, Some("TLSv1_2")),
        (
            Versions::Tls12,
            &["--tlsv1.1", "--tls-max", "default"],
            0,
            Some("TLSv1_2"),
        ),
        (Versions::Tls12, &["--tlsv1.3"], 35, None),
        (Versions::Tls13, &["--tls-max", "1.2"], 35, None),
    ] {
        let server = serve(versions);
        let url = server.url("/");
        let out = cli(&[&["-sS", "-m", "10", "--cacert", ca][..], flags, &[url.as_str()]].concat());
        assert_eq!(code(&out), Some(want), "{versions:?} {flags:?}: {}", stderr(&out));
        assert_eq!(server.log()[0].version.as_deref(), negotiated, "{versions:?} {flags:?}");
    }
    // nothing left to offer: exit 35 before connecting, for https only
    for flags in [
        &["--tls-max", "1.1"][..],
        &["--tls-max", "1.0"],
        &["--tlsv1.3", "--tls-max", "1.2"],
    ] {
        let server = serve(Versions::Both);
        let url = server.url("/");
        let out = cli(&[&["-sS", "--cacert", ca][..], flags, &[url.as_str()]].concat());
        assert_eq!(code(&out), Some(35), "{flags:?}");
        assert!(stderr(&out).contains("--tls-max"), "{}", stderr(&out));
        assert_eq!(server.connections(), 0, "{flags:?}");
        let plain = Server::always("plain");
        let url = plain.url("/");
        let out = cli(&[&["-sS"][..], flags, &[url.as_str()]].concat());
        assert_eq!((code(&out), stdout(&out).as_str()), (Some(0), "plain"), "{flags:?}");
    }
    assert_eq!(code(&cli(&["-s", "--tls-max", "1.4", "https://localhost/"])), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------------
// -b, -c, -j

/// The cookies of every kind a server sets (for a host `www.example.test`).
fn cookie_variety() -> Vec<u8> {
    resp(
        "200 OK",
        &[
            "Set-Cookie: host=1",
            "Set-Cookie: tail=2; Domain=example.test; Path=/",
            "Set-Cookie: sess=3; Path=/",
            "Set-Cookie: ho=5; HttpOnly",
            "Set-Cookie: persist=6; Max-Age=3600; Path=/p",
            "Set-Cookie: exp=7; Expires=Wed, 01 Jan 2031 00:00:00 GMT",
            "Set-Cookie: quoted=\"q v\"",
            "Set-Cookie: gone=8; Max-Age=0",
            "Set-Cookie: other=9; Domain=elsewhere.test",
        ],
        b"set",
    )
}

/// A secure cookie: http to 127.0.0.1 is a secure context for curl and the jar alike.
fn secure_cookie() -> Vec<u8> {
    resp("200 OK", &["Set-Cookie: sec=4; Secure; Path=/"], b"sec")
}

/// A cookie file's lines without the comments (`#HttpOnly_` lines are cookies), the expiry
/// of `persist` (set with `Max-Age=3600`) checked to be an hour after `start` and replaced by
/// `T`.
fn cookie_lines(text: &str, start: u64) -> Vec<String> {
    let now = unix_now();
    let mut lines: Vec<String> = text
        .lines()
        .filter(|l| !l.is_empty() && (!l.starts_with('#') || l.starts_with("#HttpOnly_")))
        .map(|l| {
            let mut fields: Vec<&str> = l.split('\t').collect();
            if fields.get(5) == Some(&"persist") {
                let at: u64 = fields[4].parse().unwrap();
                assert!((start + 3600..=now + 3601).contains(&at), "{l}: {start}");
                fields[4] = "T";
            }
            fields.join("\t")
        })
        .collect();
    lines.sort();
    lines
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

const JAR_HEADER: &str = "# Netscape HTTP Cookie File\n\
                          # https://curl.se/docs/http-cookies.html\n\
                          # This file was generated by h1client! Edit at your own risk.\n\n";

#[test]
fn cookie_jar_is_written_in_the_netscape_format() {
    let server = Server::responses(vec![vec![send(cookie_variety())], vec![send(secure_cookie())]]);
    let port = server.addr.port();
    let dir = temp_dir("cookie-jar");
    let jar = dir.join("jar.txt");
    let start = unix_now();
    let out = cli(&[
        "-sS",
        "-c",
        jar.to_str().unwrap(),
        "--resolve",
        &format!("www.example.test:{port}:127.0.0.1"),
        &format!("http://www.example.test:{port}/set"),
        &server.url("/secure"),
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&jar).unwrap();
    let persist = text.lines().find(|l| l.contains("\tpersist\t")).unwrap();
    let at: u64 = persist.split('\t').nth(4).unwrap().parse().unwrap();
    assert!((start + 3600..=unix_now() + 3601).contains(&at), "{persist}");
    // sorted by domain, path and name
    let want = format!(
        "{JAR_HEADER}\
         127.0.0.1\tFALSE\t/\tTRUE\t0\tsec\t4\n\
         .example.test\tTRUE\t/\tFALSE\t0\ttail\t2\n\
         www.example.test\tFALSE\t/\tFALSE\t1924992000\texp\t7\n\
         #HttpOnly_www.example.test\tFALSE\t/\tFALSE\t0\tho\t5\n\
         www.example.test\tFALSE\t/\tFALSE\t0\thost\t1\n\
         www.example.test\tFALSE\t/\tFALSE\t0\tquoted\t\"q v\"\n\
         www.example.test\tFALSE\t/\tFALSE\t0\tsess\t3\n\
         www.example.test\tFALSE\t/p\tFALSE\t{at}\tpersist\t6\n"
    );
    assert_eq!(text, want);

    // -c -: standard output, after the body; with no cookie, the header alone
    let server = Server::responses(vec![vec![send(secure_cookie())], vec![send(ok("none"))]]);
    let out = cli(&["-sS", "-c", "-", &server.url("/")]);
    assert_eq!(
        stdout(&out),
        format!("sec{JAR_HEADER}127.0.0.1\tFALSE\t/\tTRUE\t0\tsec\t4\n")
    );
    let out = cli(&["-sS", "-c", "-", &server.url("/")]);
    assert_eq!(stdout(&out), format!("none{JAR_HEADER}"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A cookie file with every kind of line curl reads, or skips, for 127.0.0.1.
const COOKIE_FILE: &str = "# Netscape HTTP Cookie File\n\
    127.0.0.1\tFALSE\t/\tFALSE\t0\tsess\ts1\n\
    #HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t2000000000\tho\th1\n\
    127.0.0.1\tFALSE\t/\tFALSE\t1000\told\tgone\n\
    127.0.0.1\tFALSE\t/\tFALSE\t0\tempty\n\
    127.0.0.1\tFALSE\tFALSE\t0\tnopath\tnp\r\n\
    .127.0.0.1\tTRUE\t/\tFALSE\t0\ttailip\tt\n\
    127.0.0.1\tFALSE\t/other\tFALSE\t0\telsewhere\te\n\
    127.0.0.1\tFALSE\t/\tTRUE\t0\tsecure\ts\n\
    Set-Cookie: hdr=h; Domain=127.0.0.1\n\
    Set-Cookie: hdr2=h2\n\
    other.test\tFALSE\t/\tFALSE\t0\tother\to\n\
    127.0.0.1\tFALSE\t/\tFALSE\t0\ttoo\tmany\tfields\n\
    bad line\n";

/// The `name=value` pairs of a request's Cookie header, sorted.
fn cookie_pairs(req: &support::Req) -> Vec<String> {
    let mut pairs: Vec<String> = req
        .header("cookie")
        .unwrap_or_default()
        .split(';')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    pairs.sort();
    pairs
}

#[test]
fn cookie_files_are_read_as_curl_reads_them_and_round_trip() {
    let dir = temp_dir("cookie-file");
    let file = dir.join("cookies.txt");
    std::fs::write(&file, COOKIE_FILE).unwrap();
    let path = file.to_str().unwrap();
    let server = Server::responses(vec![
        vec![send(resp("200 OK", &["Set-Cookie: new=n; Path=/"], b""))],
        vec![send(ok(""))],
        vec![send(ok(""))],
        vec![send(ok(""))],
    ]);
    let out = cli(&["-sS", "-b", path, "-c", path, &server.url("/x")]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let reqs = server.requests();
    assert_eq!(
        cookie_pairs(&reqs[0]),
        // not hdr2: a Set-Cookie line without Domain is never sent, as curl documents
        [
            "empty=",
            "hdr=h",
            "ho=h1",
            "nopath=np",
            "secure=s",
            "sess=s1",
            "tailip=t"
        ]
    );
    let written = std::fs::read_to_string(&file).unwrap();
    let want = format!(
        "{JAR_HEADER}\
         127.0.0.1\tFALSE\t/\tFALSE\t0\tempty\t\n\
         127.0.0.1\tFALSE\t/\tFALSE\t0\thdr\th\n\
         #HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t2000000000\tho\th1\n\
         127.0.0.1\tFALSE\t/\tFALSE\t0\tnew\tn\n\
         127.0.0.1\tFALSE\t/\tFALSE\t0\tnopath\tnp\n\
         127.0.0.1\tFALSE\t/\tTRUE\t0\tsecure\ts\n\
         127.0.0.1\tFALSE\t/\tFALSE\t0\tsess\ts1\n\
         .127.0.0.1\tTRUE\t/\tFALSE\t0\ttailip\tt\n\
         127.0.0.1\tFALSE\t/other\tFALSE\t0\telsewhere\te\n\
         other.test\tFALSE\t/\tFALSE\t0\tother\to\n"
    );
    assert_eq!(written, want);
    // the file written reads back the same
    let out = cli(&["-sS", "-b", path, "-c", path, &server.url("/x")]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), want);
    assert_eq!(cookie_pairs(&server.requests()[1]).len(), 8, "with new=n");

    // -j: the session cookies of the files are dropped (those that arrive later are kept)
    std::fs::write(&file, COOKIE_FILE).unwrap();
    let out = cli(&["-sS", "-j", "-b", path, "-c", "-", &server.url("/x")]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(cookie_pairs(&server.requests()[2]), ["ho=h1"]);
    assert_eq!(
        stdout(&out),
        format!("{JAR_HEADER}#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t2000000000\tho\th1\n")
    );
    // from standard input
    let out = cli_stdin(&["-sS", "-b", "-", &server.url("/x")], COOKIE_FILE.as_bytes());
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(cookie_pairs(&server.requests()[3]).len(), 7);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A redirect chain over two names of one server: a.test sets cookies on two redirects, the
/// second to b.test, which sets its own.
fn redirect_chain(port: u16) -> Vec<Vec<Act>> {
    vec![
        vec![send(resp(
            "302 Found",
            &["Location: /next", "Set-Cookie: r1=1; Path=/"],
            b"",
        ))],
        vec![send(resp(
            "302 Found",
            &[&format!("Location: http://b.test:{port}/other"), "Set-Cookie: r2=2"],
            b"",
        ))],
        vec![send(resp("200 OK", &["Set-Cookie: b=3"], b"b"))],
        vec![send(ok("again"))],
    ]
}

#[test]
fn the_cookie_engine_keeps_cookies_across_redirects_and_urls() {
    let dir = temp_dir("cookie-redirects");
    let jar = dir.join("jar.txt");
    let run = |extra: &[&str]| {
        let server = Server::responses_for(|addr| redirect_chain(addr.port()));
        let port = server.addr.port();
        let resolve_a = format!("a.test:{port}:127.0.0.1");
        let resolve_b = format!("b.test:{port}:127.0.0.1");
        let start = format!("http://a.test:{port}/start");
        let again = format!("http://a.test:{port}/again");
        let args = [
            &["-sS", "-L", "--resolve", &resolve_a, "--resolve", &resolve_b][..],
            extra,
            &[start.as_str(), again.as_str()],
        ]
        .concat();
        let out = cli(&args);
        assert_eq!(code(&out), Some(0), "{extra:?}: {}", stderr(&out));
        // in the order sent (the requests are kept per connection)
        let reqs = server.requests();
        ["/start", "/next", "/other", "/again"].map(|t| cookie_pairs(reqs.iter().find(|r| r.target == t).unwrap()))
    };
    // a -b file that does not exist is no error, and turns the engine on
    let missing = dir.join("missing.txt");
    for extra in [
        &["-b", missing.to_str().unwrap()][..],
        &["-b", ""],
        &["-c", jar.to_str().unwrap()],
    ] {
        let sent = run(extra);
        let none: Vec<String> = Vec::new();
        assert_eq!(sent[0], none, "{extra:?}");
        assert_eq!(sent[1], ["r1=1"], "{extra:?}");
        assert_eq!(sent[2], none, "{extra:?}: a.test's cookies stay on a.test");
        assert_eq!(sent[3], ["r1=1", "r2=2"], "{extra:?}");
    }
    let text = std::fs::read_to_string(&jar).unwrap();
    assert_eq!(
        text,
        format!(
            "{JAR_HEADER}\
             a.test\tFALSE\t/\tFALSE\t0\tr1\t1\n\
             a.test\tFALSE\t/\tFALSE\t0\tr2\t2\n\
             b.test\tFALSE\t/\tFALSE\t0\tb\t3\n"
        )
    );
    // without the engine, no cookie is kept
    let sent = run(&[]);
    assert!(sent.iter().all(Vec::is_empty), "{sent:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn cookie_data_is_sent_as_given_after_the_jar_cookies() {
    let dir = temp_dir("cookie-data");
    let file = dir.join("cookies.txt");
    std::fs::write(&file, "127.0.0.1\tFALSE\t/\tFALSE\t0\tjar\tj\n").unwrap();
    let server = Server::always("");
    let url = server.url("/");
    let header = |args: &[&str]| {
        let out = cli(&[args, &[url.as_str()]].concat());
        assert_eq!(code(&out), Some(0), "{args:?}: {}", stderr(&out));
        server.requests().last().unwrap().header("cookie").map(str::to_string)
    };
    // several -b data are joined with ';', as curl joins them
    assert_eq!(
        header(&["-b", "a=1; b=2", "-b", "c=3"]).as_deref(),
        Some("a=1; b=2;c=3")
    );
    assert_eq!(
        header(&["-b", "x=9", "-b", file.to_str().unwrap()]).as_deref(),
        Some("jar=j; x=9")
    );
    // a Cookie header given with -H wins
    assert_eq!(
        header(&["-b", "x=9", "-H", "Cookie: mine=1"]).as_deref(),
        Some("mine=1")
    );
    // '@' names a file even with '='
    let odd = dir.join("a=b");
    std::fs::write(&odd, "127.0.0.1\tFALSE\t/\tFALSE\t0\tfrom\tfile\n").unwrap();
    let at = format!("@{}", odd.to_str().unwrap());
    assert_eq!(header(&["-b", &at]).as_deref(), Some("from=file"));

    // after a redirect: to the same origin the data goes again; to another origin it does not
    // (RFC 9110 §15.4: the library drops Cookie there; curl would send it)
    let server = Server::responses_for(|addr| redirect_chain(addr.port()));
    let port = server.addr.port();
    let out = cli(&[
        "-sS",
        "-L",
        "-b",
        "d=4",
        "--resolve",
        &format!("a.test:{port}:127.0.0.1"),
        "--resolve",
        &format!("b.test:{port}:127.0.0.1"),
        &format!("http://a.test:{port}/start"),
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let reqs = server.requests();
    let headers = ["/start", "/next", "/other"].map(|t| reqs.iter().find(|r| r.target == t).unwrap().header("cookie"));
    assert_eq!(headers, [Some("d=4"), Some("d=4"), None]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_cookie_jar_is_written_even_when_the_transfer_fails() {
    let dir = temp_dir("cookie-fail");
    let file = dir.join("in.txt");
    std::fs::write(&file, "127.0.0.1\tFALSE\t/\tFALSE\t0\tkept\tk\n").unwrap();
    let jar = dir.join("out.txt");
    let refused = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", l.local_addr().unwrap())
    };
    let out = cli(&[
        "-s",
        "-b",
        file.to_str().unwrap(),
        "-c",
        jar.to_str().unwrap(),
        &refused,
    ]);
    assert_eq!(code(&out), Some(7));
    assert_eq!(
        std::fs::read_to_string(&jar).unwrap(),
        format!("{JAR_HEADER}127.0.0.1\tFALSE\t/\tFALSE\t0\tkept\tk\n")
    );
    // a jar that cannot be written: a warning, the exit code unchanged (as curl)
    let server = Server::always("ok");
    let unwritable = dir.join("no-such-dir").join("jar.txt");
    let out = cli(&["-c", unwritable.to_str().unwrap(), &server.url("/")]);
    assert_eq!(code(&out), Some(0));
    assert!(stderr(&out).contains("failed to save cookies"), "{}", stderr(&out));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// curl on the PATH, if it is there.
fn curl_available() -> bool {
    Command::new("curl")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn cookie_files_match_those_curl_writes() {
    if !curl_available() {
        eprintln!("curl is not installed: the comparison is skipped");
        return;
    }
    let dir = temp_dir("cookie-curl");
    let input = dir.join("in.txt");
    // curl 7.88 sends a domain-less Set-Cookie line to address hosts (not documented)
    std::fs::write(&input, COOKIE_FILE.replace("Set-Cookie: hdr2=h2\n", "")).unwrap();
    let input = input.to_str().unwrap();
    // each tool against its own server giving the same answers
    let run = |tool: &str, flags: &[&str], jar: &Path| -> Vec<support::Req> {
        let server = Server::responses(vec![
            vec![send(cookie_variety())],
            vec![send(secure_cookie())],
            vec![send(resp("200 OK", &["Set-Cookie: new=n; Path=/"], b""))],
        ]);
        let port = server.addr.port();
        let resolve = format!("www.example.test:{port}:127.0.0.1");
        let set = format!("http://www.example.test:{port}/set");
        let (secure, plain) = (server.url("/secure"), server.url("/x"));
        let args = [
            &["-s", "-c", jar.to_str().unwrap(), "--resolve", &resolve][..],
            flags,
            &[set.as_str(), secure.as_str(), plain.as_str()],
        ]
        .concat();
        let mut c = if tool == "curl" {
            Command::new("curl")
        } else {
            command(None, &[])
        };
        let out = c.args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{tool} {args:?}");
        server.requests()
    };
    for flags in [&[][..], &["-b", input], &["-j", "-b", input]] {
        let start = unix_now();
        let (curl_jar, our_jar) = (dir.join("curl.txt"), dir.join("ours.txt"));
        let curl_sent = run("curl", flags, &curl_jar);
        let our_sent = run("h1client", flags, &our_jar);
        let read = |p: &Path| cookie_lines(&std::fs::read_to_string(p).unwrap(), start);
        assert_eq!(read(&our_jar), read(&curl_jar), "{flags:?}");
        for (ours, theirs) in our_sent.iter().zip(&curl_sent) {
            assert_eq!(cookie_pairs(ours), cookie_pairs(theirs), "{flags:?} {}", ours.target);
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
