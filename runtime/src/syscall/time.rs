//! Clocks and sleeping.
//!
//! Wall and monotonic clocks come from the host. CPU-time clocks count
//! retired instructions as nanoseconds (a nominal 1 GHz machine), so they
//! are deterministic.
//!
//! Sleeping is real: `nanosleep`/`clock_nanosleep` park the thread until
//! the host's monotonic clock passes the deadline (`crate::sched`); other
//! threads run meanwhile and, when all are parked, the run returns
//! `RunState::Idle` so the host sleeps (or sets a timer) itself.

use super::{Args, Ctx, SysResult};
use crate::Errno;

const CLOCK_REALTIME: u64 = 0;
const CLOCK_MONOTONIC: u64 = 1;
const CLOCK_PROCESS_CPUTIME_ID: u64 = 2;
const CLOCK_THREAD_CPUTIME_ID: u64 = 3;
const CLOCK_MONOTONIC_RAW: u64 = 4;
const CLOCK_REALTIME_COARSE: u64 = 5;
const CLOCK_MONOTONIC_COARSE: u64 = 6;
const CLOCK_BOOTTIME: u64 = 7;
const CLOCK_REALTIME_ALARM: u64 = 8;
const CLOCK_BOOTTIME_ALARM: u64 = 9;
const CLOCK_TAI: u64 = 11;
const TIMER_ABSTIME: u64 = 1;
const NS: u64 = 1_000_000_000;
/// Clock ticks per second (`AT_CLKTCK`, `times`).
const HZ: u64 = 100;

/// Reads the clock `clk` in nanoseconds.
pub fn now(ctx: &mut Ctx, clk: u64) -> Result<u64, Errno> {
    let off = ctx.proc.sleep_offset_ns;
    Ok(match clk {
        CLOCK_REALTIME | CLOCK_REALTIME_COARSE | CLOCK_REALTIME_ALARM | CLOCK_TAI => {
            ctx.host.realtime_ns().saturating_add(off)
        }
        CLOCK_MONOTONIC
        | CLOCK_MONOTONIC_RAW
        | CLOCK_MONOTONIC_COARSE
        | CLOCK_BOOTTIME
        | CLOCK_BOOTTIME_ALARM => ctx.host.monotonic_ns().saturating_add(off),
        CLOCK_PROCESS_CPUTIME_ID | CLOCK_THREAD_CPUTIME_ID => ctx.thread.cpu.instret,
        _ => return Err(Errno::EINVAL),
    })
}

fn put_timespec(ctx: &mut Ctx, addr: u64, ns: u64) -> Result<(), Errno> {
    ctx.put_u64s(addr, &[ns / NS, ns % NS])
}

/// Reads a `struct timespec` as nanoseconds (`EINVAL` if malformed).
pub fn read_timespec(ctx: &mut Ctx, addr: u64) -> Result<u64, Errno> {
    let sec = ctx.get_u64(addr)? as i64;
    let nsec = ctx.get_u64(addr.wrapping_add(8))? as i64;
    if sec < 0 || !(0..NS as i64).contains(&nsec) {
        return Err(Errno::EINVAL);
    }
    Ok((sec as u64).saturating_mul(NS).saturating_add(nsec as u64))
}

/// `clock_gettime(clockid, tp)`.
pub fn clock_gettime(ctx: &mut Ctx, a: &Args) -> SysResult {
    let t = now(ctx, a[0])?;
    put_timespec(ctx, a[1], t)?;
    Ok(0)
}

/// `clock_getres(clockid, res)`: 1 ns, or one tick for the coarse clocks.
pub fn clock_getres(ctx: &mut Ctx, a: &Args) -> SysResult {
    now(ctx, a[0])?;
    let res = match a[0] {
        CLOCK_REALTIME_COARSE | CLOCK_MONOTONIC_COARSE => NS / HZ,
        _ => 1,
    };
    if a[1] != 0 {
        put_timespec(ctx, a[1], res)?;
    }
    Ok(0)
}

/// `gettimeofday(tv, tz)`; the time zone is UTC.
pub fn gettimeofday(ctx: &mut Ctx, a: &Args) -> SysResult {
    if a[0] != 0 {
        let t = now(ctx, CLOCK_REALTIME)?;
        ctx.put_u64s(a[0], &[t / NS, t % NS / 1000])?;
    }
    if a[1] != 0 {
        ctx.put_u64s(a[1], &[0])?;
    }
    Ok(0)
}

/// Parks the caller until the host monotonic clock passes `deadline`.
fn sleep_until(ctx: &mut Ctx, deadline: u64) {
    if deadline > ctx.host.monotonic_ns() {
        crate::sched::block(ctx, crate::sched::Wait::Sleep { deadline });
    }
}

/// `nanosleep(req, rem)`: parks the thread for the duration (real time:
/// other threads run meanwhile, the host is never blocked). A signal ends
/// it early with EINTR (or restarts it, with the whole duration, when no
/// handler runs, until the same deadline) and the time left goes to `rem`
/// (`kernel::interrupt`, `signal::deliver_pending`).
pub fn nanosleep(ctx: &mut Ctx, a: &Args) -> SysResult {
    let ns = read_timespec(ctx, a[0])?;
    let deadline = ctx.host.monotonic_ns().saturating_add(ns);
    let deadline = ctx.thread.sig.sleep_deadline.take().unwrap_or(deadline);
    sleep_until(ctx, deadline);
    Ok(0)
}

/// `clock_nanosleep(clockid, flags, req, rem)`: like `nanosleep`; an
/// absolute time is converted to a host monotonic deadline; CPU-time
/// clocks are `EINVAL`.
pub fn clock_nanosleep(ctx: &mut Ctx, a: &Args) -> SysResult {
    if matches!(a[0], CLOCK_PROCESS_CPUTIME_ID | CLOCK_THREAD_CPUTIME_ID) {
        return Err(Errno::EINVAL);
    }
    let t = now(ctx, a[0])?;
    let req = read_timespec(ctx, a[2])?;
    let ns = if a[1] & TIMER_ABSTIME != 0 {
        req.saturating_sub(t)
    } else {
        req
    };
    let deadline = ctx.host.monotonic_ns().saturating_add(ns);
    // A restarted relative sleep keeps its first deadline.
    let resumed = ctx.thread.sig.sleep_deadline.take();
    let deadline = match resumed {
        Some(d) if a[1] & TIMER_ABSTIME == 0 => d,
        _ => deadline,
    };
    sleep_until(ctx, deadline);
    Ok(0)
}

/// `times(buf)`: user time from instructions; returns monotonic ticks.
pub fn times(ctx: &mut Ctx, a: &Args) -> SysResult {
    if a[0] != 0 {
        let user = ctx.thread.cpu.instret / (NS / HZ);
        ctx.put_u64s(a[0], &[user, 0, 0, 0])?;
    }
    Ok(now(ctx, CLOCK_MONOTONIC)? / (NS / HZ))
}

#[cfg(test)]
mod tests {
    use super::super::tests::TestVm;
    use super::*;
    use crate::syscall::table::nr;

    fn ts(t: &mut TestVm, addr: u64) -> u64 {
        let b = t.read(addr, 16);
        let s = u64::from_le_bytes(b[..8].try_into().unwrap());
        let n = u64::from_le_bytes(b[8..].try_into().unwrap());
        s * NS + n
    }

    #[test]
    fn clocks_and_sleep_parks() {
        let mut t = TestVm::new();
        let buf = t.data(&[0; 16]);
        assert_eq!(t.call(nr::CLOCK_GETTIME, [1, buf, 0, 0, 0, 0]), Ok(0));
        let a = ts(&mut t, buf);
        assert_eq!(t.call(nr::CLOCK_GETTIME, [1, buf, 0, 0, 0, 0]), Ok(0));
        let b = ts(&mut t, buf);
        assert!(b > a);
        t.words(buf, &[2, 500]);
        assert_eq!(t.call(nr::NANOSLEEP, [buf, 0, 0, 0, 0, 0]), Ok(0));
        // The thread is parked until the host clock passes the deadline.
        match t.kernel.block.take() {
            Some(crate::sched::Wait::Sleep { deadline }) => assert!(deadline >= b + 2 * NS + 500),
            w => panic!("nanosleep parked on {w:?}"),
        }
        t.words(buf, &[0, NS]);
        assert_eq!(
            t.call(nr::NANOSLEEP, [buf, 0, 0, 0, 0, 0]),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            t.call(nr::CLOCK_GETTIME, [99, buf, 0, 0, 0, 0]),
            Err(Errno::EINVAL)
        );
        t.thread.cpu.instret = 1_500_000_000;
        assert_eq!(t.call(nr::CLOCK_GETTIME, [2, buf, 0, 0, 0, 0]), Ok(0));
        assert_eq!(ts(&mut t, buf), 1_500_000_000);
        assert_eq!(t.call(nr::CLOCK_GETRES, [6, buf, 0, 0, 0, 0]), Ok(0));
        assert_eq!(ts(&mut t, buf), NS / HZ);
        assert_eq!(t.call(nr::GETTIMEOFDAY, [buf, 0, 0, 0, 0, 0]), Ok(0));
        assert!(t.read(buf, 8) != [0; 8]);
    }
}
