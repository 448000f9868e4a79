//! The cookie jar (RFC 6265), behind the `cookies` feature, kept by the
//! [`cookie_store`](https://docs.rs/cookie_store) crate.
//!
//! Every response's `Set-Cookie` fields (redirects included) go into the agent's jar, which
//! applies RFC 6265's rules: the cookie's domain must match the host that set it (§5.3), `Path`
//! scopes it (§5.1.4), `Secure` cookies go only over https (§5.4), `Max-Age`/`Expires` end it
//! (§5.3). Each request carries the jar's matching cookies in one `Cookie` header (§5.4), which a
//! `Cookie` header set on the request replaces. Without a public suffix list (an optional part of
//! `cookie_store` that this crate does not enable) a host can set a cookie for its parent domain
//! even when that parent is a public suffix such as `co.uk`.
//!
//! **Limits** (RFC 6265 §6.1 asks a user agent to support at least 4096 bytes per cookie, 50
//! cookies per domain and 3000 in all: minimum capabilities, used here as maximums): a longer
//! `Set-Cookie` value is ignored, and a new cookie for a domain that already has 50, or for a jar that holds 3000, is ignored after
//! the expired cookies have been dropped. Updating or deleting a cookie the jar holds always
//! works. A server thus cannot grow an agent's memory without bound, one response at a time.

use cookie_store::{Cookie, CookieStore};
use std::cell::RefCell;
use std::sync::{Mutex, MutexGuard};
use url::Url;

thread_local! {
    /// The jars (by address) this thread holds inside [`Jar::with`]: a request on one of them
    /// from there would wait for ever for the lock its own thread holds.
    static HELD: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// Marks a jar as held by this thread for as long as it lives (a panic included).
struct Holding(usize);

impl Drop for Holding {
    fn drop(&mut self) {
        HELD.with(|held| held.borrow_mut().retain(|&j| j != self.0));
    }
}

/// The agent's cookie jar.
#[derive(Debug, Default)]
pub(crate) struct Jar(Mutex<CookieStore>);

impl Jar {
    pub(crate) fn new(store: CookieStore) -> Jar {
        Jar(Mutex::new(store))
    }

    fn lock(&self) -> MutexGuard<'_, CookieStore> {
        // Cookie operations cannot leave the store half-changed, so a poisoned lock is usable.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn address(&self) -> usize {
        std::ptr::from_ref(self) as usize
    }

    /// Runs `f` with the store locked. While `f` runs this thread is marked as holding the jar,
    /// so that a request through the same jar from inside `f` fails (see
    /// [`held_by_this_thread`](Self::held_by_this_thread)) instead of waiting for ever.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut CookieStore) -> R) -> R {
        let mut store = self.lock();
        HELD.with(|held| held.borrow_mut().push(self.address()));
        let _holding = Holding(self.address());
        f(&mut store)
    }

    /// Is this thread inside [`with`](Self::with) on this jar?
    pub(crate) fn held_by_this_thread(&self) -> bool {
        HELD.with(|held| held.borrow().contains(&self.address()))
    }

    /// The `Cookie` header value for a request to `url`, if any cookie applies.
    pub(crate) fn header_for(&self, url: &Url) -> Option<String> {
        let store = self.lock();
        let mut cookies = store.matches(url);
        // Longer paths first (RFC 6265 §5.4, step 2); the jar keeps no creation time, so the
        // name orders the rest, and the header is the same from one run to the next.
        cookies.sort_by(|a, b| {
            let path = |c: &Cookie<'_>| String::from(&c.path);
            path(b).len().cmp(&path(a).len()).then_with(|| a.name().cmp(b.name()))
        });
        let mut value = String::new();
        for (name, val) in cookies.iter().map(|c| c.name_value()) {
            if !value.is_empty() {
                value.push_str("; ");
            }
            value.push_str(name);
            value.push('=');
            value.push_str(val);
        }
        (!value.is_empty()).then_some(value)
    }

    /// Stores the `Set-Cookie` values of a response from `url`; invalid ones are ignored
    /// (the parsing algorithm of RFC 6265 §5.2 says to "ignore the set-cookie-string entirely"
    /// when it is malformed), and so
    /// are new cookies beyond the limits (module docs).
    pub(crate) fn store<'a>(&self, url: &Url, set_cookies: impl Iterator<Item = &'a str>) {
        let mut store = self.lock();
        for value in set_cookies {
            if value.len() > MAX_COOKIE_BYTES {
                continue;
            }
            let Ok(cookie) = Cookie::parse(value, url) else {
                continue;
            };
            // A `Secure` cookie set over plain http could overwrite one an https page relies
            // on: refused, except from loopback (RFC 6265bis §5.7, "potentially trustworthy").
            if cookie.secure() == Some(true) && !is_trustworthy(url) {
                continue;
            }
            if is_new(&store, &cookie) && !make_room(&mut store, &domain_of(&cookie)) {
                continue;
            }
            let _ = store.insert(cookie.into_owned(), url);
        }
    }
}

/// Is `url` an origin a `Secure` cookie may come from: https, or a loopback host?
fn is_trustworthy(url: &Url) -> bool {
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => crate::transport::connect::is_localhost(name),
        None => false,
    };
    url.scheme() == "https" || loopback
}

/// The longest `Set-Cookie` value kept (RFC 6265 §6.1).
const MAX_COOKIE_BYTES: usize = 4096;
/// The most cookies kept for one domain (RFC 6265 §6.1).
const MAX_COOKIES_PER_DOMAIN: usize = 50;
/// The most cookies kept in one jar (RFC 6265 §6.1).
const MAX_COOKIES: usize = 3000;

/// The domain a cookie is filed under: the host that set it, or its `Domain` attribute.
fn domain_of<'c>(cookie: &'c Cookie<'_>) -> std::borrow::Cow<'c, str> {
    cookie.domain.as_cow().unwrap_or_default()
}

/// Would storing `cookie` add a cookie rather than update or delete one the jar holds?
fn is_new(store: &CookieStore, cookie: &Cookie<'_>) -> bool {
    !store.contains_any(&domain_of(cookie), &String::from(&cookie.path), cookie.name())
}

/// Is there room for one more cookie for `domain`? Drops expired cookies when there is not.
fn make_room(store: &mut CookieStore, domain: &str) -> bool {
    let fits = |store: &CookieStore| {
        let (mut total, mut here) = (0usize, 0usize);
        for c in store.iter_any() {
            total = total.saturating_add(1);
            here = here.saturating_add(usize::from(domain_of(c) == domain));
        }
        total < MAX_COOKIES && here < MAX_COOKIES_PER_DOMAIN
    };
    if fits(store) {
        return true;
    }
    let expired: Vec<(String, String, String)> = store
        .iter_any()
        .filter(|c| c.is_expired())
        .map(|c| (domain_of(c).into_owned(), String::from(&c.path), c.name().to_string()))
        .collect();
    for (domain, path, name) in expired {
        store.remove(&domain, &path, &name);
    }
    fits(store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_jar_knows_when_this_thread_holds_it() {
        let (a, b) = (Jar::default(), Jar::default());
        assert!(!a.held_by_this_thread());
        a.with(|_| {
            assert!(a.held_by_this_thread());
            assert!(!b.held_by_this_thread(), "another jar is free");
            let other_thread = std::thread::scope(|s| s.spawn(|| a.held_by_this_thread()).join().unwrap());
            assert!(!other_thread, "only this thread holds it");
        });
        assert!(!a.held_by_this_thread());
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| a.with(|_| panic!("in the closure"))));
        assert!(unwound.is_err());
        assert!(!a.held_by_this_thread(), "released by the panic too");
    }

    #[test]
    fn the_jar_holds_at_most_3000_cookies_in_all() {
        let jar = Jar::default();
        let values: Vec<String> = (0..MAX_COOKIES_PER_DOMAIN).map(|i| format!("c{i}=v")).collect();
        for host in 0..61 {
            let url = Url::parse(&format!("http://h{host}.test/")).unwrap();
            jar.store(&url, values.iter().map(String::as_str));
        }
        assert_eq!(jar.lock().iter_any().count(), MAX_COOKIES);
        let last = Url::parse("http://h60.test/").unwrap();
        assert_eq!(jar.header_for(&last), None, "the 61st host found the jar full");
        let first = Url::parse("http://h0.test/").unwrap();
        jar.store(&first, ["c0=; Max-Age=0"].into_iter());
        jar.store(&last, ["now=1"].into_iter());
        assert_eq!(jar.header_for(&last).as_deref(), Some("now=1"), "a deletion made room");
    }
}
