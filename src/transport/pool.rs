//! Idle connections kept for reuse (RFC 9112 §9.3 *Persistence*), one request at a time on each
//! (no pipelining, RFC 9112 §9.3.2), and a bounded number of them (RFC 9112 §9.4 asks a client
//! to limit the connections it keeps open to one server).
//!
//! A connection enters the pool only when the client layer has read its response to a clean end
//! and neither side asked to close; it leaves either to carry the next request to the same
//! [`PoolKey`], or when it has been idle longer than the idle timeout (or than the limit its
//! server announced, see [`Pooled::idle_limit`]), or to make room (the oldest goes first) when
//! its host already has the most idle connections allowed.
//!
//! The pool is a short list behind a mutex: looking up scans it without allocating, and the lock
//! is never held across I/O other than closing a discarded socket.

use super::{PoolKey, PoolKeyRef};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Something that can be parked in the pool: it knows its key.
pub trait Pooled {
    /// The key it was made for.
    fn key(&self) -> &PoolKey;

    /// How long it may stay idle, if less than the pool's idle timeout (a limit the server
    /// announced).
    fn idle_limit(&self) -> Option<Duration> {
        None
    }
}

/// Limits of the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolLimits {
    /// Most idle connections per key. Default 8; 0 disables pooling.
    pub max_idle_per_host: usize,
    /// Most idle connections in all. Default 64.
    pub max_idle: usize,
    /// How long a connection may stay idle. Default 90 s.
    pub idle_timeout: Duration,
}

impl Default for PoolLimits {
    fn default() -> PoolLimits {
        PoolLimits {
            max_idle_per_host: 8,
            max_idle: 64,
            idle_timeout: Duration::from_secs(90),
        }
    }
}

/// A boxed connection is pooled as the connection: the client keeps its connections boxed so
/// that handing one between the pool, the exchange and the body reader moves a pointer, not
/// the few hundred bytes of the connection and its buffers' bookkeeping.
impl<T: Pooled> Pooled for Box<T> {
    fn key(&self) -> &PoolKey {
        (**self).key()
    }

    fn idle_limit(&self) -> Option<Duration> {
        (**self).idle_limit()
    }
}

struct Idle<T> {
    item: T,
    since: Instant,
}

/// The pool of idle connections.
pub struct Pool<T> {
    idle: Mutex<Vec<Idle<T>>>,
    limits: PoolLimits,
}

impl<T: Pooled> Pool<T> {
    /// An empty pool.
    pub fn new(limits: PoolLimits) -> Pool<T> {
        Pool {
            idle: Mutex::new(Vec::new()),
            limits,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Idle<T>>> {
        // A panic while holding the lock cannot leave the list inconsistent (every operation
        // is a single push or remove), so a poisoned lock is still usable.
        self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes the most recently parked connection for `key`, with how long it was idle.
    /// Connections idle for longer than the idle timeout are discarded on the way.
    pub fn take(&self, key: &PoolKeyRef<'_>) -> Option<(T, Duration)> {
        let now = Instant::now();
        let mut idle = self.lock();
        let timeout = self.limits.idle_timeout;
        idle.retain(|c| {
            let limit = c.item.idle_limit().map_or(timeout, |l| l.min(timeout));
            now.saturating_duration_since(c.since) < limit
        });
        let pos = idle.iter().rposition(|c| c.item.key().matches(key))?;
        let c = idle.remove(pos);
        Some((c.item, now.saturating_duration_since(c.since)))
    }

    /// Parks a connection. Returns it back when the pool will not keep it (pooling disabled);
    /// otherwise evicts the oldest idle connection of its key (or of all) beyond the limits.
    pub fn put(&self, item: T) -> Option<T> {
        if self.limits.max_idle_per_host == 0 || self.limits.max_idle == 0 {
            return Some(item);
        }
        let mut idle = self.lock();
        let same = idle.iter().filter(|c| c.item.key() == item.key()).count();
        if same >= self.limits.max_idle_per_host {
            if let Some(oldest) = idle.iter().position(|c| c.item.key() == item.key()) {
                idle.remove(oldest);
            }
        }
        if idle.len() >= self.limits.max_idle {
            idle.remove(0);
        }
        idle.push(Idle {
            item,
            since: Instant::now(),
        });
        None
    }

    /// How many connections are idle, in all and for `key`.
    pub fn count(&self, key: Option<&PoolKeyRef<'_>>) -> usize {
        let idle = self.lock();
        match key {
            None => idle.len(),
            Some(k) => idle.iter().filter(|c| c.item.key().matches(k)).count(),
        }
    }

    /// Closes every idle connection.
    pub fn clear(&self) {
        self.lock().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Item(PoolKey, u32);
    impl Pooled for Item {
        fn key(&self) -> &PoolKey {
            &self.0
        }
    }

    fn key(host: &str) -> PoolKeyRef<'_> {
        PoolKeyRef {
            scheme: "http",
            host,
            port: 80,
            proxy: None,
            tls_id: 0,
        }
    }

    #[test]
    fn takes_most_recent_for_the_key() {
        let pool = Pool::new(PoolLimits::default());
        pool.put(Item(key("a").owned(), 1));
        pool.put(Item(key("b").owned(), 2));
        pool.put(Item(key("a").owned(), 3));
        assert_eq!(pool.take(&key("a")).unwrap().0 .1, 3);
        assert_eq!(pool.take(&key("a")).unwrap().0 .1, 1);
        assert!(pool.take(&key("a")).is_none());
        assert_eq!(pool.count(None), 1);
    }

    #[test]
    fn per_host_limit_evicts_oldest() {
        let pool = Pool::new(PoolLimits {
            max_idle_per_host: 2,
            ..PoolLimits::default()
        });
        for i in 0..5 {
            pool.put(Item(key("a").owned(), i));
        }
        assert_eq!(pool.count(Some(&key("a"))), 2);
        assert_eq!(pool.take(&key("a")).unwrap().0 .1, 4);
        assert_eq!(pool.take(&key("a")).unwrap().0 .1, 3);
    }

    #[test]
    fn total_limit_evicts_oldest() {
        let pool = Pool::new(PoolLimits {
            max_idle: 2,
            ..PoolLimits::default()
        });
        for (i, host) in ["a", "b", "c"].iter().enumerate() {
            pool.put(Item(key(host).owned(), i as u32));
        }
        assert_eq!(pool.count(None), 2);
        assert!(pool.take(&key("a")).is_none());
    }

    #[test]
    fn idle_timeout_discards() {
        let pool = Pool::new(PoolLimits {
            idle_timeout: Duration::from_millis(20),
            ..PoolLimits::default()
        });
        pool.put(Item(key("a").owned(), 1));
        std::thread::sleep(Duration::from_millis(40));
        assert!(pool.take(&key("a")).is_none());
        assert_eq!(pool.count(None), 0);
    }

    #[test]
    fn zero_limit_disables_pooling() {
        let pool = Pool::new(PoolLimits {
            max_idle_per_host: 0,
            ..PoolLimits::default()
        });
        assert!(pool.put(Item(key("a").owned(), 1)).is_some());
    }
}
