//! Scheduling attributes: nice values, policies, CPU affinity, `getcpu`.
//!
//! The scheduler runs one guest thread at a time on one virtual CPU, by
//! instruction budget, and does not weigh threads by these attributes; they
//! are kept and checked as Linux does so that programs that set and read
//! them see consistent answers. The guest user is unprivileged (no
//! CAP_SYS_NICE, RLIMIT_NICE and RLIMIT_RTPRIO 0): it may raise its nice
//! value but not lower it, and may not choose a real-time policy.

use super::{Args, Ctx, SysResult};
use crate::task::Process;
use crate::Errno;

const PRIO_PROCESS: u64 = 0;
const PRIO_PGRP: u64 = 1;
const PRIO_USER: u64 = 2;

const SCHED_OTHER: u32 = 0;
const SCHED_FIFO: u32 = 1;
const SCHED_RR: u32 = 2;
const SCHED_BATCH: u32 = 3;
const SCHED_IDLE: u32 = 5;
/// `sched_setscheduler` flag: children start with the default policy.
const SCHED_RESET_ON_FORK: u32 = 0x4000_0000;

/// The pids and nice values of the processes `which`/`who` selects (who
/// 0: the caller's own pid, group or user).
fn selected(ctx: &Ctx, which: u64, who: u64) -> Result<Vec<(i32, i32)>, Errno> {
    let me = &*ctx.proc;
    let who = who as u32;
    let id = |mine: u32| if who == 0 { mine } else { who };
    let (pid, pgid, uid) = (id(me.pid as u32), id(me.pgid as u32), id(me.uid));
    let matches = |p: &Process| match which {
        PRIO_PROCESS => p.pid as u32 == pid,
        PRIO_PGRP => p.pgid as u32 == pgid,
        _ => p.uid == uid,
    };
    if which > PRIO_USER {
        return Err(Errno::EINVAL);
    }
    let out: Vec<(i32, i32)> = std::iter::once(me)
        .chain(ctx.kernel.procs.values().map(|p| &**p))
        .filter(|p| matches(p))
        .map(|p| (p.pid, p.nice))
        .collect();
    if out.is_empty() {
        return Err(Errno::ESRCH);
    }
    Ok(out)
}

/// `getpriority(which, who)`: `20 - nice` of the highest-priority match
/// (the raw syscall's encoding; glibc turns it back into a nice value).
pub fn getpriority(ctx: &mut Ctx, a: &Args) -> SysResult {
    let best = selected(ctx, a[0], a[1])?
        .iter()
        .map(|&(_, n)| n)
        .min()
        .unwrap_or(0);
    Ok((20 - best) as u64)
}

/// `setpriority(which, who, prio)`: the nice value (clamped to -20..=19)
/// of every match; lowering it needs RLIMIT_NICE room (EACCES).
pub fn setpriority(ctx: &mut Ctx, a: &Args) -> SysResult {
    let nice = (a[2] as i32).clamp(-20, 19);
    let targets = selected(ctx, a[0], a[1])?;
    let rlim = ctx.proc.rlimits[13].cur; // RLIMIT_NICE: 20 - rlim is the floor
    for &(_, old) in &targets {
        if nice < old && (20 - nice) as u64 > rlim {
            return Err(Errno::EACCES);
        }
    }
    for (pid, _) in targets {
        if pid == ctx.proc.pid {
            ctx.proc.nice = nice;
        } else if let Some(p) = ctx.kernel.procs.get_mut(&pid) {
            p.nice = nice;
        }
    }
    Ok(0)
}

/// The policy of thread `pid` (0: the caller), or ESRCH/EINVAL.
fn policy_of(ctx: &mut Ctx, pid: u64) -> Result<u32, Errno> {
    if (pid as i32) < 0 {
        return Err(Errno::EINVAL);
    }
    let t = ctx.thread_by_tid(pid as i32).ok_or(Errno::ESRCH)?;
    Ok(t.sched_policy)
}

/// `sched_getscheduler(pid)`.
pub fn sched_getscheduler(ctx: &mut Ctx, a: &Args) -> SysResult {
    Ok(policy_of(ctx, a[0])? as u64)
}

/// `sched_getparam(pid, param)`: the static priority, 0 for the
/// non-real-time policies (the only ones a thread can have here).
pub fn sched_getparam(ctx: &mut Ctx, a: &Args) -> SysResult {
    if a[1] == 0 {
        return Err(Errno::EINVAL);
    }
    policy_of(ctx, a[0])?;
    ctx.put(a[1], &0i32.to_le_bytes())?;
    Ok(0)
}

/// Reads `struct sched_param` (one int) at `addr`.
fn read_param(ctx: &mut Ctx, addr: u64) -> Result<i32, Errno> {
    if addr == 0 {
        return Err(Errno::EINVAL);
    }
    let mut b = [0u8; 4];
    ctx.proc.mem.read_bytes(addr, &mut b)?;
    Ok(i32::from_le_bytes(b))
}

/// Sets thread `pid`'s policy after Linux's checks: the priority must fit
/// the policy (EINVAL), real-time policies need privilege (EPERM).
fn set_policy(ctx: &mut Ctx, pid: u64, policy: u32, prio: i32) -> SysResult {
    policy_of(ctx, pid)?;
    match policy {
        SCHED_OTHER | SCHED_BATCH | SCHED_IDLE if prio == 0 => {}
        SCHED_FIFO | SCHED_RR if (1..=99).contains(&prio) => return Err(Errno::EPERM),
        _ => return Err(Errno::EINVAL),
    }
    if let Some(t) = ctx.thread_by_tid(pid as i32) {
        t.sched_policy = policy;
    }
    Ok(0)
}

/// `sched_setscheduler(pid, policy, param)`.
pub fn sched_setscheduler(ctx: &mut Ctx, a: &Args) -> SysResult {
    let policy = a[1] as u32 & !SCHED_RESET_ON_FORK;
    if (a[1] as i32) < 0 {
        return Err(Errno::EINVAL);
    }
    let prio = read_param(ctx, a[2])?;
    set_policy(ctx, a[0], policy, prio)
}

/// `sched_setparam(pid, param)`: the priority for the current policy.
pub fn sched_setparam(ctx: &mut Ctx, a: &Args) -> SysResult {
    let prio = read_param(ctx, a[1])?;
    let policy = policy_of(ctx, a[0])?;
    set_policy(ctx, a[0], policy, prio)
}

/// `sched_get_priority_max(policy)`.
pub fn sched_get_priority_max(_: &mut Ctx, a: &Args) -> SysResult {
    match a[0] as u32 {
        SCHED_FIFO | SCHED_RR => Ok(99),
        SCHED_OTHER | SCHED_BATCH | SCHED_IDLE => Ok(0),
        _ => Err(Errno::EINVAL),
    }
}

/// `sched_get_priority_min(policy)`.
pub fn sched_get_priority_min(_: &mut Ctx, a: &Args) -> SysResult {
    match a[0] as u32 {
        SCHED_FIFO | SCHED_RR => Ok(1),
        SCHED_OTHER | SCHED_BATCH | SCHED_IDLE => Ok(0),
        _ => Err(Errno::EINVAL),
    }
}

/// `getcpu(cpu, node, cache)`: CPU 0 of node 0, the only ones.
pub fn getcpu(ctx: &mut Ctx, a: &Args) -> SysResult {
    for p in [a[0], a[1]] {
        if p != 0 {
            ctx.put(p, &0u32.to_le_bytes())?;
        }
    }
    Ok(0)
}

/// The CPU mask every thread has: the guest sees one CPU (`/proc/cpuinfo`
/// lists processor 0 only), and the scheduler runs one thread at a time.
const CPU_MASK: u64 = 1;

/// The size of the kernel's CPU mask in bytes (one word: up to 64 CPUs).
const CPU_MASK_BYTES: u64 = 8;

/// `sched_getaffinity(pid, len, mask)`: the one CPU, for any live thread;
/// returns the mask size as Linux does.
pub fn sched_getaffinity(ctx: &mut Ctx, a: &Args) -> SysResult {
    if a[1] < CPU_MASK_BYTES || a[1] % 8 != 0 {
        return Err(Errno::EINVAL);
    }
    if ctx.thread_by_tid(a[0] as i32).is_none() {
        return Err(Errno::ESRCH);
    }
    ctx.put_u64s(a[2], &[CPU_MASK])?;
    Ok(CPU_MASK_BYTES)
}

/// `sched_setaffinity(pid, len, mask)`: reads the mask (bytes past `len`
/// count as zero, past the kernel's mask are ignored) and, as Linux does,
/// refuses a mask without an available CPU (EINVAL). With one CPU, every
/// accepted mask leaves the thread where it is.
pub fn sched_setaffinity(ctx: &mut Ctx, a: &Args) -> SysResult {
    let n = a[1].min(CPU_MASK_BYTES) as usize;
    let mut b = [0u8; 8];
    ctx.proc.mem.read_bytes(a[2], &mut b[..n])?;
    if ctx.thread_by_tid(a[0] as i32).is_none() {
        return Err(Errno::ESRCH);
    }
    if u64::from_le_bytes(b) & CPU_MASK == 0 {
        return Err(Errno::EINVAL);
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::super::tests::TestVm;
    use super::*;

    const SETPRIORITY: u64 = 140;
    const GETPRIORITY: u64 = 141;
    const SCHED_SETPARAM: u64 = 118;
    const SCHED_SETSCHEDULER: u64 = 119;
    const SCHED_GETSCHEDULER: u64 = 120;
    const SCHED_GETPARAM: u64 = 121;
    const SCHED_GET_PRIORITY_MAX: u64 = 125;
    const SCHED_GET_PRIORITY_MIN: u64 = 126;

    fn a(v: &[u64]) -> Args {
        let mut a = [0u64; 6];
        a[..v.len()].copy_from_slice(v);
        a
    }

    #[test]
    fn nice_goes_up_not_down() {
        let mut t = TestVm::new();
        assert_eq!(t.call(GETPRIORITY, a(&[PRIO_PROCESS, 0])), Ok(20));
        assert_eq!(t.call(SETPRIORITY, a(&[PRIO_PROCESS, 0, 5])), Ok(0));
        assert_eq!(t.call(GETPRIORITY, a(&[PRIO_PROCESS, 0])), Ok(15));
        // Back down needs RLIMIT_NICE room; 19 is the ceiling.
        assert_eq!(
            t.call(SETPRIORITY, a(&[PRIO_PROCESS, 0, 4])),
            Err(Errno::EACCES)
        );
        assert_eq!(t.call(SETPRIORITY, a(&[PRIO_PGRP, 0, 40])), Ok(0));
        assert_eq!(t.call(GETPRIORITY, a(&[PRIO_USER, 0])), Ok(1));
        assert_eq!(
            t.call(GETPRIORITY, a(&[PRIO_PROCESS, 4242])),
            Err(Errno::ESRCH)
        );
        assert_eq!(t.call(GETPRIORITY, a(&[7, 0])), Err(Errno::EINVAL));
    }

    #[test]
    fn policies_without_privilege() {
        let mut t = TestVm::new();
        let p = t.data(&0i32.to_le_bytes());
        let rt = t.data(&10i32.to_le_bytes());
        assert_eq!(t.call(SCHED_GETSCHEDULER, a(&[0])), Ok(0));
        assert_eq!(t.call(SCHED_SETSCHEDULER, a(&[0, 3, p])), Ok(0));
        assert_eq!(t.call(SCHED_GETSCHEDULER, a(&[0])), Ok(3));
        assert_eq!(
            t.call(SCHED_SETSCHEDULER, a(&[0, 1, rt])),
            Err(Errno::EPERM)
        );
        assert_eq!(
            t.call(SCHED_SETSCHEDULER, a(&[0, 0, rt])),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            t.call(SCHED_SETSCHEDULER, a(&[0, 9, p])),
            Err(Errno::EINVAL)
        );
        assert_eq!(t.call(SCHED_SETPARAM, a(&[0, p])), Ok(0));
        assert_eq!(t.call(SCHED_SETPARAM, a(&[0, rt])), Err(Errno::EINVAL));
        assert_eq!(t.call(SCHED_GETPARAM, a(&[0, p])), Ok(0));
        assert_eq!(t.call(SCHED_GETPARAM, a(&[4242, p])), Err(Errno::ESRCH));
        assert_eq!(t.call(SCHED_GET_PRIORITY_MAX, a(&[1])), Ok(99));
        assert_eq!(t.call(SCHED_GET_PRIORITY_MIN, a(&[2])), Ok(1));
        assert_eq!(t.call(SCHED_GET_PRIORITY_MAX, a(&[0])), Ok(0));
        assert_eq!(t.call(SCHED_GET_PRIORITY_MIN, a(&[8])), Err(Errno::EINVAL));
    }
}
