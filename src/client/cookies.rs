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

use cookie_store::CookieStore;
use std::sync::{Mutex, MutexGuard};
use url::Url;

/// The agent's cookie jar.
#[derive(Debug, Default)]
pub(crate) struct Jar(Mutex<CookieStore>);

impl Jar {
    pub(crate) fn new(store: CookieStore) -> Jar {
        Jar(Mutex::new(store))
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, CookieStore> {
        // Cookie operations cannot leave the store half-changed, so a poisoned lock is usable.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The `Cookie` header value for a request to `url`, if any cookie applies.
    pub(crate) fn header_for(&self, url: &Url) -> Option<String> {
        let store = self.lock();
        let mut value = String::new();
        for (name, val) in store.get_request_values(url) {
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
    /// (RFC 6265 §5.2: "the user agent MUST ignore the set-cookie-string entirely").
    pub(crate) fn store<'a>(&self, url: &Url, set_cookies: impl Iterator<Item = &'a str>) {
        let mut store = self.lock();
        for value in set_cookies {
            let _ = store.parse(value, url);
        }
    }
}
