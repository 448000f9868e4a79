//! The `h1client` command line: curl's flags, curl's output, curl's exit codes.

#[path = "support/cli.rs"]
mod cli_support;
mod support;

use cli_support::{cli, cli_on_terminal, cli_stdin, one};
use std::io::Write;
use std::process::Command;
use std::time::Duration;
use support::{ok, resp, send, Act, Server};

const KEEP: Act = Act::Drain(Duration::from_secs(5));

#[test]
fn body_goes_to_stdout_unmodified() {
    let body: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    let server = one(resp("200 OK", &[], &body));
    let out = cli(&["-s", &server.url("/")]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout == body);
}

#[test]
fn exit_codes_are_curls_for_every_failure() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_url = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    // (server response or None, extra args, exit code)
    #[rustfmt::skip]
    let cases: &[(Option<&[u8]>, &[&str], i32)] = &[
        (None,                                                                                          &["ftp://127.0.0.1/"],                                   1),
        (None,                                                                                          &[],                                                     2),
        (None,                                                                                          &["--no-such-flag", "http://127.0.0.1/"],                2),
        (None,                                                                                          &["http://127.0.0.1:99999/"],                            3),
        (None,                                                                                          &["http:///path"],                                       3),
        (None,                                                                                          &["http://nonexistent.invalid/"],                        6),
        (Some(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"),                                   &[],                                                     18),
        (Some(b"HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope"),                              &["-f"],                                                 22),
        (Some(b"HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope"),                              &[],                                                     0),
        (Some(b""),                                                                                     &[],                                                     52),
        (Some(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),              &[],                                                     8),
        (Some(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n"),                         &[],                                                     56),
        // only interim heads, then the close: curl's empty reply
        (Some(b"HTTP/1.1 100 Continue\r\n\r\n"),                                                        &[],                                                     52),
        // 600..=999: kept, and an error status (RFC 9110 §15)
        (Some(b"HTTP/1.1 600 Odd\r\nContent-Length: 2\r\n\r\nok"),                                      &[],                                                     0),
        (Some(b"HTTP/1.1 999 Odd\r\nContent-Length: 2\r\n\r\nok"),                                      &["-f"],                                                 22),
        // a Location that is no URL: a malformed URL, as curl says
        (Some(b"HTTP/1.1 302 Found\r\nLocation: http://[bad\r\nContent-Length: 0\r\n\r\n"),             &["-L"],                                                 3),
        (Some(b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:99999/\r\nContent-Length: 0\r\n\r\n"), &["-L"],                                                 3),
        // a transfer coding that cannot be undone: curl's bad content encoding
        (Some(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: foo, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"),       &[],                                                     61),
        // -d with -I or -T: one method only
        (None,                                                                                          &["-I", "-d", "x", "http://127.0.0.1:9/"],               2),
        (None,                                                                                          &["-T", "Cargo.toml", "-d", "x", "http://127.0.0.1:9/"], 2),
    ];
    for (response, args, code) in cases {
        let server = response.map(|r| one(r.to_vec()));
        let mut argv: Vec<String> = vec!["-s".into()];
        argv.extend(args.iter().map(|a| a.to_string()));
        if let Some(s) = &server {
            argv.push(s.url("/"));
        }
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let out = cli(&argv);
        assert_eq!(
            out.status.code(),
            Some(*code),
            "{argv:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(cli(&["-s", &closed_url]).status.code(), Some(7));
}

#[test]
fn errors_are_reported_unless_silent() {
    let out = cli(&["http://127.0.0.1:99999/"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("h1client: (3) invalid URL"),
        "{out:?}"
    );
    let out = cli(&["-s", "http://127.0.0.1:99999/"]);
    assert!(out.stderr.is_empty());
    let out = cli(&["-sS", "http://127.0.0.1:99999/"]);
    assert!(!out.stderr.is_empty());
}

#[test]
fn max_time_exits_28_and_an_unwritable_output_exits_23() {
    let server = Server::conns(vec![vec![Act::Read, Act::Drain(Duration::from_secs(5))]]);
    assert_eq!(cli(&["-s", "-m", "0.5", &server.url("/")]).status.code(), Some(28));
    let server = one(ok("hi"));
    let out = cli(&["-s", "-o", "/nonexistent-dir/out", &server.url("/")]);
    assert_eq!(out.status.code(), Some(23));
}

#[test]
fn include_and_head_show_the_head_as_received() {
    let raw = b"HTTP/1.1 200 OK\r\nX-A:  spaced\r\nContent-Length: 2\r\n\r\nok";
    let server = one(raw.to_vec());
    assert_eq!(cli(&["-s", "-i", &server.url("/")]).stdout, raw);
    let server = Server::conns(vec![vec![
        Act::Read,
        send(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"),
        KEEP,
    ]]);
    let out = cli(&["-s", "-I", &server.url("/")]);
    assert_eq!(out.stdout, b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    assert_eq!(server.requests()[0].method, "HEAD");
}

#[test]
fn include_with_location_shows_every_head_and_the_final_body() {
    let server = Server::responses(vec![
        vec![send(resp("302 Found", &["Location: /b"], b"ignored"))],
        vec![send(ok("final"))],
    ]);
    let out = cli(&["-s", "-i", "-L", &server.url("/a")]);
    let want = b"HTTP/1.1 302 Found\r\nLocation: /b\r\nContent-Length: 7\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal";
    assert_eq!(String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(want));
}

#[test]
fn redirects_only_with_location_and_max_redirs() {
    let make = || {
        Server::responses(vec![
            vec![send(resp("302 Found", &["Location: /2"], b"moved"))],
            vec![send(resp("302 Found", &["Location: /3"], b""))],
            vec![send(ok("final"))],
        ])
    };
    let server = make();
    assert_eq!(cli(&["-s", &server.url("/1")]).stdout, b"moved");
    let server = make();
    assert_eq!(cli(&["-s", "-L", &server.url("/1")]).stdout, b"final");
    let server = make();
    assert_eq!(
        cli(&["-s", "-L", "--max-redirs", "1", &server.url("/1")]).status.code(),
        Some(47)
    );
    let server = make();
    assert_eq!(
        cli(&["-s", "-L", "--max-redirs", "0", &server.url("/1")]).status.code(),
        Some(47)
    );
}

#[test]
fn several_urls_share_one_connection_and_headers() {
    let server = Server::responses(vec![vec![send(ok("1"))], vec![send(ok("22"))], vec![send(ok("333"))]]);
    let out = cli(&[
        "-s",
        "-H",
        "X-All: 1",
        &server.url("/a"),
        &server.url("/b"),
        &server.url("/c"),
    ]);
    assert_eq!(out.stdout, b"122333");
    assert_eq!(server.connections(), 1);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.header("x-all") == Some("1")));
}

#[test]
fn a_post_on_a_connection_that_died_unanswered_is_not_sent_again() {
    // the server reads the second POST on the reused connection and closes without a word;
    // curl would re-send it, RFC 9110 §9.2.2 says a client SHOULD NOT
    let server = Server::conns(vec![
        vec![Act::Read, send(ok("1")), Act::Read, Act::Close],
        vec![Act::Read, send(ok("2"))],
    ]);
    let out = cli(&["-s", "-d", "x=1", &server.url("/a"), &server.url("/b")]);
    assert_eq!((out.status.code(), out.stdout.as_slice()), (Some(52), &b"1"[..]));
    assert_eq!(server.requests().len(), 2, "the second POST went out once");
}

#[test]
fn fail_does_not_stop_the_next_url() {
    let server = Server::responses(vec![
        vec![send(resp("404 Not Found", &[], b"x"))],
        vec![send(ok("second"))],
    ]);
    let out = cli(&["-sf", &server.url("/a"), &server.url("/b")]);
    assert_eq!(out.stdout, b"second");
    assert_eq!(out.status.code(), Some(0), "the last transfer decides, as in curl");
}

#[test]
fn header_flags_replace_remove_and_empty_headers_and_user_agent_wins() {
    let server = one(ok("ok"));
    cli(&[
        "-s",
        "-H",
        "User-Agent:",
        "-H",
        "Accept: text/plain",
        "-H",
        "X-Empty;",
        "-A",
        "ignored",
        &server.url("/"),
    ]);
    let r = &server.requests()[0];
    assert_eq!(r.header("user-agent"), Some("ignored"), "-A wins over the removal");
    assert_eq!(r.header("accept"), Some("text/plain"));
    assert_eq!(r.header("x-empty"), Some(""));

    let server = one(ok("ok"));
    cli(&["-s", "-H", "User-Agent:", &server.url("/")]);
    assert!(server.requests()[0].header("user-agent").is_none());

    let server = one(ok("ok"));
    cli(&["-s", "-A", "probe/1", &server.url("/")]);
    assert_eq!(server.requests()[0].header("user-agent"), Some("probe/1"));
}

#[test]
fn injection_through_flags_sends_nothing() {
    for args in [
        &["-A", "ua\r\nX-Injected: yes"][..],
        &["-H", "X-A: v\r\nX-Injected: yes"],
        &["-X", "GET / HTTP/1.1\r\nX-Injected: yes\r\nX-Pad:"],
    ] {
        let server = Server::conns(vec![]);
        let mut argv = vec!["-s"];
        argv.extend_from_slice(args);
        let url = server.url("/");
        argv.push(&url);
        let out = cli(&argv);
        // refused as an invalid request (and a crash would not pass)
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(server.connections(), 0, "{args:?}: nothing may be sent");
    }
}

#[test]
fn data_flags_post_a_form_from_strings_and_files_or_make_a_query_with_get() {
    let dir = std::env::temp_dir().join(format!("h1client-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let form = dir.join("form.txt");
    std::fs::write(&form, b"a=1\nb=2\r\n").unwrap();
    let bin = dir.join("bin.dat");
    let binary: Vec<u8> = (0..=255u8).chain(*b"\r\n\r\n").collect();
    std::fs::write(&bin, &binary).unwrap();

    let server = one(ok("ok"));
    cli(&["-s", "-d", "a=1", "-d", "b=2", &server.url("/f")]);
    let r = &server.requests()[0];
    assert_eq!((r.method.as_str(), r.body.as_slice()), ("POST", &b"a=1&b=2"[..]));
    assert_eq!(r.header("content-type"), Some("application/x-www-form-urlencoded"));

    let server = one(ok("ok"));
    cli(&["-s", "-d", &format!("@{}", form.display()), &server.url("/f")]);
    assert_eq!(server.requests()[0].body, b"a=1b=2");

    let server = one(ok("ok"));
    cli(&[
        "-s",
        "--data-binary",
        &format!("@{}", bin.display()),
        "-H",
        "Content-Type: application/octet-stream",
        &server.url("/b"),
    ]);
    let r = &server.requests()[0];
    assert_eq!(r.body, binary);
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));

    let server = one(ok("ok"));
    cli(&["-s", "-G", "-d", "q=1", &server.url("/s")]);
    let r = &server.requests()[0];
    assert_eq!((r.method.as_str(), r.target.as_str()), ("GET", "/s?q=1"));

    // -G puts the data before a fragment, and after an empty query without a second `?`
    for (path, target) in [("/s#frag", "/s?q=1"), ("/s?a#f", "/s?a&q=1"), ("/s?", "/s?q=1")] {
        let server = one(ok("ok"));
        cli(&["-s", "-G", "-d", "q=1", &server.url(path)]);
        assert_eq!(server.requests()[0].target, target, "{path}");
    }

    let server = one(ok("ok"));
    cli(&["-s", "-X", "PUT", "-d", "x", &server.url("/")]);
    assert_eq!(server.requests()[0].method, "PUT");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn upload_flags_put_a_file_or_stdin_named_after_the_file() {
    let dir = std::env::temp_dir().join(format!("h1client-cli-up-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("up load.txt");
    std::fs::write(&file, b"upload body\n").unwrap();

    let server = one(ok("ok"));
    cli(&["-s", "-T", file.to_str().unwrap(), &server.url("/put")]);
    let r = &server.requests()[0];
    assert_eq!((r.method.as_str(), r.header("content-length")), ("PUT", Some("12")));
    assert_eq!(r.body, b"upload body\n");

    let server = one(ok("ok"));
    cli(&["-s", "-T", file.to_str().unwrap(), &server.url("/dir/")]);
    assert_eq!(server.requests()[0].target, "/dir/up%20load.txt");

    // no path at all: the file's name is the path
    let server = one(ok("ok"));
    let bare = server.url("/");
    cli(&["-s", "-T", file.to_str().unwrap(), bare.trim_end_matches('/')]);
    assert_eq!(server.requests()[0].target, "/up%20load.txt");

    // -T goes with the first URL; the next one is a plain GET
    let server = Server::responses(vec![vec![send(ok("put"))], vec![send(ok("got"))]]);
    let out = cli(&["-s", "-T", file.to_str().unwrap(), &server.url("/a"), &server.url("/b")]);
    assert_eq!(out.stdout, b"putgot");
    let reqs = server.requests();
    assert_eq!((reqs[0].method.as_str(), reqs[1].method.as_str()), ("PUT", "GET"));
    assert!(reqs[1].body.is_empty() && reqs[1].header("content-length").is_none());

    let server = one(ok("ok"));
    cli_stdin(&["-s", "-T", "-", &server.url("/put")], b"from stdin\n");
    let r = &server.requests()[0];
    assert!(r.chunked);
    assert_eq!(r.body, b"from stdin\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn user_flag_sends_basic_auth() {
    let server = one(ok("ok"));
    cli(&["-s", "-u", "user:pa:ss", &server.url("/")]);
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Basic dXNlcjpwYTpzcw==")
    );
    // the user's own Authorization header wins over -u, as in curl
    let server = one(ok("ok"));
    cli(&["-s", "-u", "a:b", "-H", "Authorization: Bearer t", &server.url("/")]);
    assert_eq!(server.requests()[0].header("authorization"), Some("Bearer t"));
}

#[test]
fn output_file_gets_the_body_and_a_failure_leaves_it_as_it_was() {
    let dir = std::env::temp_dir().join(format!("h1client-cli-o-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("out.bin");
    let server = Server::responses(vec![vec![send(ok("to file"))], vec![send(ok("to stdout"))]]);
    let out = cli(&["-s", "-o", path.to_str().unwrap(), &server.url("/1"), &server.url("/2")]);
    assert_eq!(std::fs::read(&path).unwrap(), b"to file");
    assert_eq!(out.stdout, b"to stdout");

    // a failed transfer leaves an existing file as it was and creates none
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_url = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    // each server fails twice: once over an existing file, once where there is none
    let twice = |raw: Vec<u8>| Server::conns(vec![vec![Act::Read, Act::Send(raw), Act::Close]; 2]);
    let not_found = twice(resp("404 Not Found", &[], b"nope"));
    let empty_reply = twice(Vec::new());
    let missing = dir.join("never.bin");
    for (what, args, code) in [
        ("connection refused", vec![closed_url.clone()], 7),
        ("bad URL", vec!["http://[::1".to_string()], 3),
        ("empty reply", vec![empty_reply.url("/")], 52),
        ("-f and a 404", vec!["-f".to_string(), not_found.url("/")], 22),
    ] {
        std::fs::write(&path, b"precious").unwrap();
        let mut argv = vec!["-s", "-o", path.to_str().unwrap()];
        argv.extend(args.iter().map(String::as_str));
        assert_eq!(cli(&argv).status.code(), Some(code), "{what}");
        assert_eq!(std::fs::read(&path).unwrap(), b"precious", "{what}");
        argv[2] = missing.to_str().unwrap();
        assert_eq!(cli(&argv).status.code(), Some(code), "{what}, no file yet");
        assert!(!missing.exists(), "{what}");
    }
    // an empty body still makes an (empty) file, and a body cut short leaves the file as it was
    let server = one(resp("200 OK", &[], b""));
    assert_eq!(
        cli(&["-s", "-o", missing.to_str().unwrap(), &server.url("/")])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(std::fs::read(&missing).unwrap(), b"");
    let server = one(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".to_vec());
    assert_eq!(
        cli(&["-s", "-o", path.to_str().unwrap(), &server.url("/")])
            .status
            .code(),
        Some(18)
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"precious");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fail_with_include_shows_the_head_then_exits_22() {
    let server = one(resp("404 Not Found", &[], b"nope"));
    let out = cli(&["-s", "-i", "-f", &server.url("/")]);
    assert_eq!(out.status.code(), Some(22));
    assert_eq!(out.stdout, b"HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\n");
}

#[test]
fn verbose_shows_both_heads_on_stderr() {
    let server = one(ok("v"));
    let out = cli(&["-v", &server.url("/")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("> GET / HTTP/1.1"), "{err}");
    assert!(err.contains("> Host: 127.0.0.1:"), "{err}");
    assert!(err.contains("< HTTP/1.1 200 OK"), "{err}");
    assert!(err.contains("< Content-Length: 1"), "{err}");
    assert!(err.contains("*   Trying 127.0.0.1:"), "{err}");
    assert_eq!(out.stdout, b"v");
}

#[test]
fn scheme_less_url_means_http() {
    let server = one(ok("guessed"));
    let out = cli(&["-s", &server.addr.to_string()]);
    assert_eq!(out.stdout, b"guessed");
}

#[test]
fn proxy_flags_route_through_the_proxy_honour_noproxy_and_exit_as_curl() {
    let proxy = Server::responses(vec![vec![send(ok("proxied"))], vec![send(ok("again"))]]);
    let origin = one(ok("direct"));
    let px = format!("http://pu:pp@{}", proxy.addr);
    let out = cli(&["-s", "-x", &px, "http://origin.invalid/p"]);
    assert_eq!(out.stdout, b"proxied");
    assert_eq!(proxy.requests()[0].target, "http://origin.invalid/p");
    assert_eq!(
        proxy.requests()[0].header("proxy-authorization"),
        Some("Basic cHU6cHA=")
    );
    let out = cli(&["-s", "-x", &px, "--noproxy", "127.0.0.1", &origin.url("/")]);
    assert_eq!(out.stdout, b"direct");
    // the environment's no_proxy applies to -x as well, as in curl
    let origin = one(ok("direct too"));
    let out = Command::new(env!("CARGO_BIN_EXE_h1client"))
        .args(["-s", "-x", &px, &origin.url("/")])
        .env("no_proxy", "127.0.0.1")
        .output()
        .unwrap();
    assert_eq!(out.stdout, b"direct too");
    assert_eq!(
        cli(&["-s", "-x", "ftp://p:1", "http://origin.invalid/"]).status.code(),
        Some(5)
    );
    assert_eq!(
        cli(&["-s", "-x", "http://proxy.invalid:1", "http://origin.invalid/"])
            .status
            .code(),
        Some(5)
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    assert_eq!(
        cli(&["-s", "-x", &dead, "http://origin.invalid/"]).status.code(),
        Some(7)
    );

    // a proxy refusing the tunnel: 56, or 22 with -f (as curl)
    for (fail, code) in [(false, 56), (true, 22)] {
        let proxy = one(resp("407 Proxy Authentication Required", &[], b""));
        let px = format!("http://{}", proxy.addr);
        let mut argv = vec!["-s", "-x", &px, "https://origin.invalid/"];
        if fail {
            argv.insert(0, "-f");
        }
        assert_eq!(cli(&argv).status.code(), Some(code), "-f: {fail}");
    }
    // a SOCKS proxy that fails (here: not SOCKS at all) is curl's 97
    let not_socks = Server::conns(vec![vec![Act::Send(resp("400 Bad Request", &[], b"")), Act::Close]]);
    let px = format!("socks5h://{}", not_socks.addr);
    assert_eq!(
        cli(&["-s", "-x", &px, "http://origin.invalid/"]).status.code(),
        Some(97)
    );
}

#[cfg(unix)]
#[test]
fn unix_socket_flag_sends_the_request_over_the_socket() {
    use std::os::unix::net::UnixListener;
    let dir = std::env::temp_dir().join(format!("h1client-cli-unix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("s.sock");
    let listener = UnixListener::bind(&path).unwrap();
    let t = std::thread::spawn(move || {
        use std::io::Read;
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = vec![0u8; 4096];
        let n = s.read(&mut buf).unwrap();
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nunix")
            .unwrap();
        String::from_utf8_lossy(&buf[..n]).into_owned()
    });
    let out = cli(&["-s", "--unix-socket", path.to_str().unwrap(), "http://localhost/_ping"]);
    assert_eq!(out.stdout, b"unix");
    assert!(t
        .join()
        .unwrap()
        .starts_with("GET /_ping HTTP/1.1\r\nHost: localhost\r\n"));
    std::fs::remove_dir_all(&dir).unwrap();
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn compressed_flag_with_a_coding_it_cannot_undo_exits_61() {
    let raw = || resp("200 OK", &["Content-Encoding: zstd"], b"\x28\xb5\x2f\xfd");
    let server = one(raw());
    let out = cli(&["-s", "--compressed", &server.url("/")]);
    assert_eq!(out.status.code(), Some(61));
    assert!(out.stdout.is_empty());
    // without --compressed the body is what was sent, as curl writes it
    let server = one(raw());
    let out = cli(&["-s", &server.url("/")]);
    assert_eq!((out.status.code(), out.stdout), (Some(0), b"\x28\xb5\x2f\xfd".to_vec()));
    // an empty body and a HEAD have nothing to decode
    let server = one(resp("200 OK", &["Content-Encoding: zstd"], b""));
    assert_eq!(cli(&["-s", "--compressed", &server.url("/")]).status.code(), Some(0));
}

#[test]
fn compressed_flag_asks_and_decodes_and_nothing_otherwise() {
    let text = b"compress me please, compress me please, compress me please".repeat(20);
    let gz = gzip(&text);
    let server = Server::responses(vec![
        vec![send(resp("200 OK", &["Content-Encoding: gzip"], &gz))],
        vec![send(resp("200 OK", &["Content-Encoding: gzip"], &gz))],
        vec![send(resp("200 OK", &["Content-Encoding: gzip"], b"not gzip at all"))],
    ]);
    let out = cli(&["-s", "--compressed", &server.url("/1")]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout == text);
    // curl without --compressed: no Accept-Encoding, the body as it came
    let out = cli(&["-s", &server.url("/2")]);
    assert!(out.stdout == gz);
    // a body that does not decode: curl's exit 61
    let out = cli(&["-s", "--compressed", &server.url("/3")]);
    assert_eq!(out.status.code(), Some(61));
    let reqs = server.requests();
    assert_eq!(reqs[0].header("accept-encoding"), Some("gzip, deflate, br"));
    assert_eq!(reqs[1].header("accept-encoding"), None);
}

#[test]
fn form_flags_send_multipart() {
    let dir = std::env::temp_dir().join(format!("h1client-cli-form-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let photo = dir.join("photo.png");
    let notes = dir.join("notes.md");
    std::fs::write(&photo, b"\x89PNG fake image").unwrap();
    std::fs::write(&notes, b"# notes\n").unwrap();
    let server = one(ok("ok"));
    let out = cli(&[
        "-s",
        "-F",
        "title=My holiday",
        "-F",
        &format!("photo=@{}", photo.display()),
        "-F",
        &format!("renamed=@{};type=image/x-test;filename=other.bin", photo.display()),
        "-F",
        &format!("notes=<{}", notes.display()),
        "--form-string",
        "raw=@not-a-file;x",
        "-F",
        "quoted=\"a;b\";type=text/x-quoted",
        &server.url("/upload"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let r = &server.requests()[0];
    assert_eq!(r.method, "POST");
    assert!(!r.chunked, "every length is known");
    let parts = support::parse_multipart(r.header("content-type").unwrap(), &r.body);
    let summary: Vec<(&str, Option<&str>, Option<&str>, &[u8])> = parts
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.file_name.as_deref(),
                p.content_type.as_deref(),
                p.data.as_slice(),
            )
        })
        .collect();
    #[rustfmt::skip]
    let expected = [
        ("title",   None,              None,                  &b"My holiday"[..]),
        ("photo",   Some("photo.png"), Some("image/png"),     b"\x89PNG fake image"),
        ("renamed", Some("other.bin"), Some("image/x-test"),  b"\x89PNG fake image"),
        ("notes",   None,              None,                  b"# notes\n"),
        ("raw",     None,              None,                  b"@not-a-file;x"),
        ("quoted",  None,              Some("text/x-quoted"), b"a;b"),
    ];
    assert_eq!(summary, expected);
    // -F with -d: two methods at once, a usage error; a missing file: curl's 26
    assert_eq!(
        cli(&["-s", "-F", "a=1", "-d", "b=2", &server.url("/")]).status.code(),
        Some(2)
    );
    let out = cli(&["-s", "-F", "f=@/nonexistent/h1client", &server.url("/")]);
    assert_eq!(out.status.code(), Some(26));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn progress_bars_only_on_a_terminal_and_not_with_silent() {
    let dir = std::env::temp_dir().join(format!("h1client-cli-progress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("down.bin");
    let up = dir.join("up.bin");
    std::fs::write(&up, vec![b'u'; 300 * 1024]).unwrap();
    let body = vec![b'd'; 200 * 1024];
    let path_s = path.to_str().unwrap();

    // a download to a file, on a terminal: a bar that reaches 100%
    let server = one(resp("200 OK", &[], &body));
    let (code, screen) = cli_on_terminal(&["-o", path_s, &server.url("/")]);
    assert_eq!(code, Some(0), "{screen}");
    assert!(screen.contains("100%") && screen.contains("200.00 KiB"), "{screen:?}");
    assert_eq!(std::fs::read(&path).unwrap(), body);

    // an upload with -T, on a terminal
    let server = one(ok("ok"));
    let (code, screen) = cli_on_terminal(&["-T", up.to_str().unwrap(), "-o", path_s, &server.url("/")]);
    assert_eq!(code, Some(0), "{screen}");
    assert!(screen.contains("300.00 KiB/300.00 KiB"), "{screen:?}");
    assert_eq!(server.requests()[0].body.len(), 300 * 1024);

    // -s: nothing on the terminal
    let server = one(resp("200 OK", &[], &body));
    let (code, screen) = cli_on_terminal(&["-s", "-o", path_s, &server.url("/")]);
    assert_eq!(code, Some(0));
    assert_eq!(screen, "");

    // not a terminal: nothing on stderr
    let server = one(resp("200 OK", &[], &body));
    let out = cli(&["-o", path_s, &server.url("/")]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn trace_ascii_writes_every_byte_annotated() {
    let dir = std::env::temp_dir().join(format!("h1client-cli-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("trace.txt");
    let server = one(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n".to_vec());
    let out = cli(&[
        "-s",
        "--trace-ascii",
        path.to_str().unwrap(),
        "-d",
        "a=1",
        &server.url("/t"),
    ]);
    assert_eq!(out.stdout, b"hello");
    let trace = std::fs::read_to_string(&path).unwrap();
    for needle in [
        "== Info: Connected to 127.0.0.1:",
        "=> Send header, ",
        "0000: POST /t HTTP/1.1\n",
        "=> Send data, 3 bytes (0x3)\n0000: a=1\n",
        "<= Recv header, 47 bytes (0x2f)\n0000: HTTP/1.1 200 OK\n0011: Transfer-Encoding: chunked\n",
        "== Info: Body length: RFC 9112 §6.3 #4",
        "<= Recv data, 15 bytes (0xf)\n0000: 5\n0003: hello\n000a: 0\n000d: \n",
        "== Info: Body complete: 5 bytes",
    ] {
        assert!(trace.contains(needle), "{needle:?} missing from:\n{trace}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
