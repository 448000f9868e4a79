//! CPU time and peak memory of this process (or of its waited-for children), from getrusage(2).

use nix::sys::resource::{getrusage, UsageWho};
use nix::sys::time::TimeVal;

/// What getrusage reports that the benchmark uses.
#[derive(Clone, Copy, Debug)]
pub struct Usage {
    /// User + system CPU time in seconds.
    pub cpu: f64,
    /// Peak resident set size in KiB.
    pub maxrss_kib: u64,
}

fn seconds(t: TimeVal) -> f64 {
    t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6
}

fn get(who: UsageWho) -> Usage {
    let u = getrusage(who).expect("getrusage");
    Usage {
        cpu: seconds(u.user_time()) + seconds(u.system_time()),
        maxrss_kib: u.max_rss().max(0) as u64,
    }
}

/// This process, all its threads.
pub fn this_process() -> Usage {
    get(UsageWho::RUSAGE_SELF)
}

/// The children this process has waited for (used to measure the `curl` command).
pub fn children() -> Usage {
    get(UsageWho::RUSAGE_CHILDREN)
}

/// Keeps this process (its threads, and the threads and children it starts from now on) on one
/// CPU, so that every client meets the same placement: client on one core, server on the other.
pub fn pin_to_cpu(cpu: usize) -> Result<(), String> {
    use nix::sched::{sched_setaffinity, CpuSet};
    let mut set = CpuSet::new();
    set.set(cpu).map_err(|e| format!("CPU {cpu}: {e}"))?;
    sched_setaffinity(nix::unistd::Pid::from_raw(0), &set).map_err(|e| format!("pinning to CPU {cpu}: {e}"))
}
