//! Interval timers (`setitimer`/`getitimer`; glibc's `alarm` is
//! `setitimer(ITIMER_REAL)` on riscv64, which has no `alarm` syscall).
//!
//! `ITIMER_REAL` counts the guest's monotonic clock (host monotonic time plus
//! the virtual sleep offset, the clock `clock_gettime` reports) and sends
//! SIGALRM; `ITIMER_VIRTUAL`/`ITIMER_PROF` count the thread's CPU time (one
//! nanosecond per retired instruction, as `CLOCK_PROCESS_CPUTIME_ID` does) and
//! send SIGVTALRM/SIGPROF. Timers are checked when the thread is about to run
//! (from [`crate::signal::deliver_pending`]) and by waits that would block,
//! which jump the virtual clock to the next deadline (see [`next_real`]).
//! Rejected: a host timer thread, which the wasm build does not have.

use crate::host::Host;
use crate::signal::{self, SigInfo, SIGALRM, SIGPROF, SIGVTALRM};
use crate::syscall::{Args, Ctx, SysResult};
use crate::task::{Process, Thread};
use crate::Errno;

const NS_PER_US: u64 = 1000;
const US_PER_S: u64 = 1_000_000;

/// One timer: `deadline` 0 means disarmed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timer {
    /// When it fires next (on its clock, ns).
    pub deadline: u64,
    /// Re-arm period (ns); 0 for one-shot.
    pub interval: u64,
}

/// A process's three interval timers (`ITIMER_REAL`, `_VIRTUAL`, `_PROF`).
/// Not inherited across `fork` (a child starts with `Timers::default()`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timers(pub [Timer; 3]);

impl Timers {
    /// Whether any timer is armed.
    #[inline]
    pub fn armed(&self) -> bool {
        self.0.iter().any(|t| t.deadline != 0)
    }
}

/// The guest's monotonic clock (what `CLOCK_MONOTONIC` reads).
pub fn guest_now(proc: &Process, host: &mut dyn Host) -> u64 {
    host.monotonic_ns().saturating_add(proc.sleep_offset_ns)
}

fn clock(which: usize, proc: &Process, thread: &Thread, host: &mut dyn Host) -> u64 {
    if which == 0 {
        guest_now(proc, host)
    } else {
        thread.cpu.instret
    }
}

fn signal_of(which: usize) -> i32 {
    [SIGALRM, SIGVTALRM, SIGPROF][which]
}

/// Fires the timers whose deadline has passed (posting their signal to
/// `thread`) and re-arms periodic ones past the current time.
pub fn expire(proc: &mut Process, thread: &mut Thread, host: &mut dyn Host) {
    for which in 0..3 {
        let t = proc.itimers.0[which];
        if t.deadline == 0 {
            continue;
        }
        let now = clock(which, proc, thread, host);
        if now < t.deadline {
            continue;
        }
        // Missed periods collapse into one signal (Linux counts them as overruns).
        proc.itimers.0[which].deadline = match (now - t.deadline).checked_div(t.interval) {
            None => 0, // one-shot
            Some(missed) => t
                .deadline
                .saturating_add((missed + 1).saturating_mul(t.interval)),
        };
        signal::post(proc, thread, SigInfo::kernel(signal_of(which)));
    }
}

/// The next `ITIMER_REAL` deadline on the guest monotonic clock, if armed:
/// a wait with nothing else to wake it may jump the clock there.
pub fn next_real(proc: &Process) -> Option<u64> {
    Some(proc.itimers.0[0].deadline).filter(|&d| d != 0)
}

fn read_timeval(ctx: &mut Ctx, addr: u64) -> Result<u64, Errno> {
    let sec = ctx.get_u64(addr)? as i64;
    let usec = ctx.get_u64(addr.wrapping_add(8))? as i64;
    if sec < 0 || !(0..US_PER_S as i64).contains(&usec) {
        return Err(Errno::EINVAL);
    }
    Ok((sec as u64)
        .saturating_mul(US_PER_S)
        .saturating_add(usec as u64)
        .saturating_mul(NS_PER_US))
}

fn timeval(ns: u64) -> [u64; 2] {
    let us = ns.div_ceil(NS_PER_US);
    [us / US_PER_S, us % US_PER_S]
}

/// The current value of timer `which` as `struct itimerval` words
/// (interval sec/usec, value sec/usec).
fn current(ctx: &mut Ctx, which: usize) -> [u64; 4] {
    let t = ctx.proc.itimers.0[which];
    let left = if t.deadline == 0 {
        0
    } else {
        let now = clock(which, ctx.proc, ctx.thread, ctx.host);
        // Linux reports at least one microsecond for an armed timer.
        t.deadline.saturating_sub(now).max(NS_PER_US)
    };
    let (i, v) = (timeval(t.interval), timeval(left));
    [i[0], i[1], v[0], v[1]]
}

fn which(a: u64) -> Result<usize, Errno> {
    if a < 3 {
        Ok(a as usize)
    } else {
        Err(Errno::EINVAL)
    }
}

/// `getitimer(which, curr_value)`.
pub fn getitimer(ctx: &mut Ctx, a: &Args) -> SysResult {
    let w = which(a[0])?;
    let cur = current(ctx, w);
    ctx.put_u64s(a[1], &cur)?;
    Ok(0)
}

/// `setitimer(which, new_value, old_value)`: a zero `it_value` disarms.
pub fn setitimer(ctx: &mut Ctx, a: &Args) -> SysResult {
    let w = which(a[0])?;
    let new = if a[1] != 0 {
        Some((
            read_timeval(ctx, a[1])?,
            read_timeval(ctx, a[1].wrapping_add(16))?,
        ))
    } else {
        None
    };
    let old = current(ctx, w);
    if let Some((interval, value)) = new {
        let t = if value == 0 {
            Timer::default()
        } else {
            let now = clock(w, ctx.proc, ctx.thread, ctx.host);
            Timer {
                deadline: now.saturating_add(value).max(1),
                interval,
            }
        };
        ctx.proc.itimers.0[w] = t;
    }
    if a[2] != 0 {
        ctx.put_u64s(a[2], &old)?;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use crate::syscall::table::nr;
    use crate::syscall::tests::TestVm;
    use crate::Errno;

    #[test]
    fn arm_query_fire_and_disarm() {
        let mut t = TestVm::new();
        let it = t.data(&[0; 32]);
        let old = t.data(&[0xff; 32]);
        t.words(it, &[0, 0, 2, 500_000]); // one-shot 2.5 s
        assert_eq!(t.call(nr::SETITIMER, [0, it, old, 0, 0, 0]), Ok(0));
        assert_eq!(t.read(old, 32), vec![0; 32]);
        assert_eq!(t.call(nr::GETITIMER, [0, old, 0, 0, 0, 0]), Ok(0));
        let v = t.read(old, 32);
        let sec = u64::from_le_bytes(v[16..24].try_into().unwrap());
        assert!(sec == 2, "remaining {sec}s");
        // Not yet due.
        super::expire(&mut t.proc, &mut t.thread, &mut t.host);
        assert_eq!(t.thread.pending, 0);
        t.proc.sleep_offset_ns += 3_000_000_000;
        super::expire(&mut t.proc, &mut t.thread, &mut t.host);
        assert_eq!(t.thread.pending, 1 << 13, "SIGALRM pending");
        assert!(!t.proc.itimers.armed(), "one-shot disarms");
        // Invalid microseconds and timer numbers.
        t.words(it, &[0, 0, 0, 1_000_000]);
        assert_eq!(
            t.call(nr::SETITIMER, [0, it, 0, 0, 0, 0]),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            t.call(nr::GETITIMER, [3, old, 0, 0, 0, 0]),
            Err(Errno::EINVAL)
        );
    }

    #[test]
    fn periodic_rearms_past_now() {
        let mut t = TestVm::new();
        let it = t.data(&[0; 32]);
        t.words(it, &[0, 10_000, 0, 10_000]); // every 10 ms
        assert_eq!(t.call(nr::SETITIMER, [0, it, 0, 0, 0, 0]), Ok(0));
        let d0 = t.proc.itimers.0[0].deadline;
        t.proc.sleep_offset_ns += 35_000_000;
        super::expire(&mut t.proc, &mut t.thread, &mut t.host);
        let d1 = t.proc.itimers.0[0].deadline;
        assert_eq!(t.thread.pending, 1 << 13);
        assert_eq!((d1 - d0) % 10_000_000, 0);
        assert!(d1 > super::guest_now(&t.proc, &mut t.host) - 1_000_000);
        t.words(it, &[0, 0, 0, 0]);
        assert_eq!(t.call(nr::SETITIMER, [0, it, 0, 0, 0, 0]), Ok(0));
        assert!(!t.proc.itimers.armed());
    }
}
