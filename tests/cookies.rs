//! The cookie jar (feature `cookies`, RFC 6265): `Set-Cookie` kept per domain and path, sent
//! back only where it applies, preloadable and readable.
#![cfg(feature = "cookies")]

mod support;

use h1client::{Agent, ErrorKind};
use support::{ok, resp, send, Act, Server};

#[test]
fn cookies_are_stored_and_sent_back_where_they_apply() {
    let server = Server::responses(vec![
        vec![Act::Send(resp(
            "200 OK",
            &["Set-Cookie: sid=42; Path=/", "Set-Cookie: scoped=1; Path=/app"],
            b"",
        ))],
        vec![send(ok("root"))],
        vec![send(ok("app"))],
        vec![Act::Send(resp("200 OK", &["Set-Cookie: sid=; Max-Age=0; Path=/"], b""))],
        vec![send(ok("after delete"))],
    ]);
    let agent = Agent::new();
    for path in ["/login", "/", "/app/page", "/logout", "/"] {
        agent.get(server.url(path)).call().unwrap().text().unwrap();
    }
    let reqs = server.requests();
    assert!(reqs[0].header("cookie").is_none());
    assert_eq!(reqs[1].header("cookie"), Some("sid=42"));
    let app: Vec<&str> = reqs[2].header("cookie").unwrap().split("; ").collect();
    assert!(app.contains(&"sid=42") && app.contains(&"scoped=1"), "{app:?}");
    assert!(reqs[4].header("cookie").is_none(), "Max-Age=0 removes the cookie");
}

#[test]
fn cookies_set_during_redirects_count_and_other_hosts_get_none() {
    let other = Server::responses(vec![vec![send(ok("other"))]]);
    let location = format!("http://localhost:{}/x", other.addr.port());
    let server = Server::responses(vec![
        vec![Act::Send(resp(
            "302 Found",
            &["Set-Cookie: hop=1", "Location: /next"],
            b"",
        ))],
        vec![Act::Send(resp("302 Found", &[&format!("Location: {location}")], b""))],
    ]);
    Agent::new().get(server.url("/start")).call().unwrap().text().unwrap();
    assert_eq!(
        server.requests()[1].header("cookie"),
        Some("hop=1"),
        "set on the redirect, sent on the next hop"
    );
    assert!(
        other.requests()[0].header("cookie").is_none(),
        "127.0.0.1's cookie never goes to localhost"
    );
}

#[test]
fn cookies_for_foreign_domains_are_refused() {
    // (Secure cookies: cookie_store treats loopback as a secure context, as RFC 6265bis does, so
    // a loopback test cannot show them being withheld from plain http.)
    let server = Server::responses(vec![
        vec![Act::Send(resp(
            "200 OK",
            &["Set-Cookie: evil=1; Domain=example.com", "Set-Cookie: good=1"],
            b"",
        ))],
        vec![send(ok("x"))],
    ]);
    let agent = Agent::new();
    agent.get(server.url("/")).call().unwrap().text().unwrap();
    agent.get(server.url("/")).call().unwrap().text().unwrap();
    assert_eq!(server.requests()[1].header("cookie"), Some("good=1"));
    let evil = agent.with_cookie_store(|jar| jar.iter_any().filter(|c| c.name() == "evil").count());
    assert_eq!(evil, Some(0));
}

#[test]
fn the_jar_can_be_preloaded_read_replaced_by_a_header_or_turned_off() {
    let server = Server::responses(vec![
        vec![send(ok("a"))],
        vec![send(ok("b"))],
        vec![Act::Send(resp("200 OK", &["Set-Cookie: n=1"], b""))],
    ]);
    let url = h1client::Url::parse(&server.url("/")).unwrap();
    let mut store = cookie_store::CookieStore::default();
    store.parse("pre=loaded", &url).unwrap();
    let agent = Agent::builder().cookie_store(Some(store)).build();
    agent.get(server.url("/")).call().unwrap().text().unwrap();
    agent
        .get(server.url("/"))
        .header("Cookie", "mine=1")
        .call()
        .unwrap()
        .text()
        .unwrap();
    let off = Agent::builder().cookie_store(None).build();
    off.get(server.url("/")).call().unwrap().text().unwrap();
    let reqs = server.requests();
    assert_eq!(reqs[0].header("cookie"), Some("pre=loaded"));
    assert_eq!(
        reqs[1].header_all("cookie"),
        ["mine=1"],
        "a request header replaces the jar's"
    );
    assert!(off.with_cookie_store(|_| ()).is_none());
    assert_eq!(
        agent.with_cookie_store(|jar| jar.get("127.0.0.1", "/", "pre").is_some()),
        Some(true)
    );
}

#[test]
fn a_request_inside_with_cookie_store_fails_instead_of_deadlocking() {
    let server = Server::always("x");
    let agent = Agent::new();
    let inside = agent.with_cookie_store(|_| agent.get(server.url("/")).call().map(|_| ()));
    let err = inside.unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert!(err.to_string().contains("with_cookie_store"), "{err}");
    // another agent, or the same one afterwards, is fine
    let other = Agent::new();
    let fine = agent.with_cookie_store(|_| other.get(server.url("/")).call().map(|r| r.status()));
    assert_eq!(fine.unwrap().unwrap(), 200);
    assert_eq!(agent.get(server.url("/")).call().unwrap().status(), 200);
}

#[test]
fn one_off_calls_share_no_cookies() {
    // requests.get and ureq's functions keep nothing between one-off calls; neither do these,
    // even with the `cookies` feature on
    let server = Server::responses(vec![
        vec![Act::Send(resp("200 OK", &["Set-Cookie: session=secret"], b""))],
        vec![send(ok("second"))],
    ]);
    h1client::get(server.url("/a")).call().unwrap().text().unwrap();
    h1client::get(server.url("/b")).call().unwrap().text().unwrap();
    assert_eq!(server.requests()[1].header("cookie"), None);
}

#[test]
fn a_server_cannot_grow_the_jar_past_the_rfc_6265_limits() {
    // RFC 6265 §6.1: 4096 bytes per cookie, 50 cookies per domain. New cookies beyond are
    // ignored; updates and deletions of kept cookies still work and free room.
    let many: Vec<String> = (0..60).map(|i| format!("Set-Cookie: c{i}=v; Path=/")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let big = format!("Set-Cookie: big={}; Path=/", "x".repeat(4096));
    let fits = format!("Set-Cookie: fits={}", "y".repeat(4000));
    let server = Server::responses(vec![
        vec![Act::Send(resp("200 OK", &many, b""))],
        vec![Act::Send(resp(
            "200 OK",
            &["Set-Cookie: c0=updated; Path=/", "Set-Cookie: c1=; Max-Age=0; Path=/"],
            b"",
        ))],
        vec![Act::Send(resp(
            "200 OK",
            &["Set-Cookie: c55=late; Path=/", "Set-Cookie: c56=later; Path=/"],
            b"",
        ))],
        vec![send(ok("look"))],
    ]);
    let agent = Agent::new();
    for path in ["/flood", "/update", "/late", "/look"] {
        agent.get(server.url(path)).call().unwrap().text().unwrap();
    }
    let sent = |i: usize| -> Vec<String> {
        let reqs = server.requests();
        let header = reqs[i].header("cookie").unwrap_or_default();
        header.split("; ").map(str::to_string).collect()
    };
    let first = sent(1);
    assert_eq!(first.len(), 50, "{first:?}");
    assert!(first.contains(&"c49=v".to_string()) && !first.iter().any(|c| c.starts_with("c50=")));
    let after_update = sent(2);
    assert_eq!(after_update.len(), 49, "c1 deleted: {after_update:?}");
    assert!(after_update.contains(&"c0=updated".to_string()));
    let last = sent(3);
    assert_eq!(last.len(), 50, "{last:?}");
    assert!(last.contains(&"c55=late".to_string()), "the freed place is taken");
    assert!(
        !last.iter().any(|c| c.starts_with("c56=")),
        "and then the jar is full again"
    );

    let sizes = Server::responses(vec![
        vec![Act::Send(resp("200 OK", &[&big, &fits], b""))],
        vec![send(ok("look"))],
    ]);
    let agent = Agent::new();
    for path in ["/set", "/look"] {
        agent.get(sizes.url(path)).call().unwrap().text().unwrap();
    }
    let header = sizes.requests()[1].header("cookie").unwrap_or_default().to_string();
    assert!(
        header.starts_with("fits=yyy") && !header.contains("big="),
        "{}",
        &header[..20]
    );
}

#[test]
fn cookies_go_longest_path_first_in_the_same_order_every_time() {
    // RFC 6265 §5.4 step 2: longer paths first; equal paths by name, so the header is stable.
    let server = Server::responses(vec![
        vec![Act::Send(resp(
            "200 OK",
            &[
                "Set-Cookie: z=1; Path=/",
                "Set-Cookie: deep=2; Path=/app/deep",
                "Set-Cookie: mid=3; Path=/app",
                "Set-Cookie: a=4; Path=/",
            ],
            b"",
        ))],
        vec![send(ok(""))],
    ]);
    let agent = Agent::new();
    agent.get(server.url("/login")).call().unwrap();
    agent.get(server.url("/app/deep/page")).call().unwrap();
    assert_eq!(server.requests()[1].header("cookie"), Some("deep=2; mid=3; a=4; z=1"));
}

#[test]
fn a_secure_cookie_over_plain_http_is_refused_except_from_loopback() {
    // RFC 6265bis §5.7: a `Secure` cookie set over http could replace one an https page relies
    // on. `shop.test` is not loopback by name (it is resolved to 127.0.0.1 here).
    let server = Server::responses(vec![
        vec![Act::Send(resp(
            "200 OK",
            &["Set-Cookie: sec=1; Secure", "Set-Cookie: plain=2"],
            b"",
        ))],
        vec![send(ok(""))],
        vec![Act::Send(resp("200 OK", &["Set-Cookie: sec=1; Secure"], b""))],
    ]);
    let port = server.addr.port();
    let agent = Agent::builder()
        .resolve("shop.test", port, &["127.0.0.1".parse().unwrap()])
        .build();
    agent.get(format!("http://shop.test:{port}/")).call().unwrap();
    agent.get(format!("http://shop.test:{port}/")).call().unwrap();
    assert_eq!(server.requests()[1].header("cookie"), Some("plain=2"));
    let names: Vec<String> = agent
        .with_cookie_store(|store| store.iter_any().map(|c| c.name().to_string()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["plain"], "the Secure one was not kept");
    agent.get(server.url("/")).call().unwrap();
    let kept = agent.with_cookie_store(|store| store.iter_any().any(|c| c.name() == "sec"));
    assert_eq!(kept, Some(true), "from 127.0.0.1 it is kept");
}
