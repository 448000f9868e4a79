//! May a request that failed be sent again, on a fresh connection? A pure decision over facts,
//! tested as a table.
//!
//! A connection kept for reuse can be closed by the server at any moment — typically when it
//! has been idle for the server's keep-alive limit — and the client learns it only when it
//! writes or reads. RFC 9112 §9.3.1 leaves the conditions for a retry to RFC 9110 §9.2.2:
//! idempotent requests "can be repeated automatically if a communication failure occurs before
//! the client is able to read the server's response", and a client "SHOULD NOT automatically
//! retry a request with a
//! non-idempotent method unless it has some means to know that the request semantics are
//! actually idempotent, regardless of the method, or some means to detect that the original
//! request was never applied". So a request is sent again, once, when all of these hold:
//!
//! 1. it failed on a **reused** connection (a fresh one failing says something about the
//!    server, not about a stale connection), with a connection error (not a timeout, not a
//!    malformed answer), and
//! 2. **no byte of an answer** arrived (an answer, even a broken one, means the server saw the
//!    request), and
//! 3. its **body can be sent again** (bytes in memory, a seekable file; not a stream already
//!    partly read), and
//! 4. the server **cannot have applied it**: nothing of the request was written — the first
//!    write failed, the means to know RFC 9110 asks for (Go's rule) — or else the request is
//!    idempotent (GET, HEAD, PUT, DELETE, OPTIONS, TRACE, or an `Idempotency-Key` header),
//!    or the agent was told that its requests are safe to repeat
//!    ([`AgentBuilder::retry_non_idempotent`](crate::AgentBuilder::retry_non_idempotent), what
//!    curl does).

use crate::error::{Error, ErrorKind};

/// What is known of a request, before it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Policy {
    /// The method is idempotent (RFC 9110 §9.2.2) or the request has an `Idempotency-Key`.
    pub idempotent: bool,
    /// The body can be sent again.
    pub replayable: bool,
    /// The agent re-sends requests of any method (opt-in).
    pub any_method: bool,
}

/// What is known of one failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Failure {
    /// The connection had carried a request before.
    pub reused: bool,
    /// Some bytes of the request were written to the connection.
    pub request_written: bool,
    /// Some bytes of an answer arrived.
    pub answer_started: bool,
    /// The connection failed (reset, closed); not a timeout, not a protocol error.
    pub connection_lost: bool,
}

impl Failure {
    /// The facts of an attempt that ended with `error`.
    pub(crate) fn new(error: &Error, reused: bool, request_written: bool, answer_started: bool) -> Failure {
        Failure {
            reused,
            request_written,
            answer_started,
            connection_lost: error.kind() == ErrorKind::Io,
        }
    }
}

/// May the request be sent again on a fresh connection? (See the module documentation.)
pub(crate) fn may_resend(policy: Policy, failure: Failure) -> bool {
    let stale = failure.reused && failure.connection_lost && !failure.answer_started;
    let unapplied = !failure.request_written || policy.idempotent || policy.any_method;
    stale && policy.replayable && unapplied
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rustfmt::skip]
    #[test]
    fn resend_table() {
        // (idempotent, replayable, any method, reused, written, answer started, connection lost) -> resend
        let cases = [
            ((true,  true,  false), (true,  true,  false, true),  true),  // stale keep-alive, GET
            ((false, true,  false), (true,  true,  false, true),  false), // POST written: may have been applied
            ((false, true,  false), (true,  false, false, true),  true),  // POST, first write failed: never applied
            ((false, true,  true),  (true,  true,  false, true),  true),  // POST, the agent says it is safe
            ((true,  true,  false), (false, true,  false, true),  false), // a fresh connection failed
            ((true,  true,  false), (true,  true,  true,  true),  false), // an answer had begun
            ((true,  true,  false), (true,  true,  false, false), false), // a timeout or a bad answer
            ((true,  false, false), (true,  true,  false, true),  false), // a stream cannot be sent twice
            ((true,  false, false), (true,  false, false, true),  false), // ... even unwritten: it was read
            ((false, false, true),  (true,  false, false, true),  false),
        ];
        for ((idempotent, replayable, any_method), (reused, written, started, lost), want) in cases {
            let policy = Policy { idempotent, replayable, any_method };
            let failure = Failure { reused, request_written: written, answer_started: started, connection_lost: lost };
            assert_eq!(may_resend(policy, failure), want, "{policy:?} {failure:?}");
        }
    }
}
