//! Process and identity calls: exit, ids, `uname`, resource limits, the
//! thread bookkeeping calls glibc makes at start-up (`set_tid_address`,
//! `set_robust_list`), `prctl` names and the single-threaded `futex`.

use super::{Args, Ctx, SysResult};
use crate::task::{Rlimit, RLIM_INFINITY, RLIM_NLIMITS};
use crate::{Errno, RunState};

/// `uname` fields: sysname, nodename, release, version, machine, domainname.
pub const UTSNAME: [&[u8]; 6] = [
    b"Linux",
    b"nanovm",
    b"6.1.0",
    b"#1 SMP PREEMPT_DYNAMIC NanoVM",
    b"riscv64",
    b"(none)",
];

/// `exit(code)` and `exit_group(code)`: with one thread both end the process.
pub fn exit(ctx: &mut Ctx, a: &Args) -> SysResult {
    ctx.stop = Some(RunState::Exited((a[0] & 0xff) as i32));
    Ok(0)
}

/// `set_tid_address(tidptr)`: remembered for thread exit; returns the tid.
pub fn set_tid_address(ctx: &mut Ctx, a: &Args) -> SysResult {
    ctx.thread.clear_child_tid = a[0];
    Ok(ctx.thread.tid as u64)
}

/// `set_robust_list(head, len)`.
pub fn set_robust_list(ctx: &mut Ctx, a: &Args) -> SysResult {
    if a[1] != 24 {
        return Err(Errno::EINVAL);
    }
    ctx.thread.robust_list = (a[0], a[1]);
    Ok(0)
}

/// `get_robust_list(pid, head_ptr, len_ptr)`.
pub fn get_robust_list(ctx: &mut Ctx, a: &Args) -> SysResult {
    let pid = a[0] as i32;
    if pid != 0 && pid != ctx.thread.tid {
        return Err(Errno::ESRCH);
    }
    let (head, len) = ctx.thread.robust_list;
    ctx.put_u64s(a[1], &[head])?;
    ctx.put_u64s(a[2], &[len])?;
    Ok(0)
}

/// `getpid()`.
pub fn getpid(ctx: &mut Ctx, _: &Args) -> SysResult {
    Ok(ctx.proc.pid as u64)
}

/// `getppid()`.
pub fn getppid(ctx: &mut Ctx, _: &Args) -> SysResult {
    Ok(ctx.proc.ppid as u64)
}

/// `gettid()`.
pub fn gettid(ctx: &mut Ctx, _: &Args) -> SysResult {
    Ok(ctx.thread.tid as u64)
}

/// `getuid()`/`geteuid()`.
pub fn getuid(ctx: &mut Ctx, _: &Args) -> SysResult {
    Ok(ctx.proc.uid as u64)
}

/// `getgid()`/`getegid()`.
pub fn getgid(ctx: &mut Ctx, _: &Args) -> SysResult {
    Ok(ctx.proc.gid as u64)
}

fn put_ids(ctx: &mut Ctx, a: &Args, id: u32) -> SysResult {
    for &p in &a[..3] {
        ctx.put(p, &id.to_le_bytes())?;
    }
    Ok(0)
}

/// `getresuid(ruid, euid, suid)`.
pub fn getresuid(ctx: &mut Ctx, a: &Args) -> SysResult {
    let id = ctx.proc.uid;
    put_ids(ctx, a, id)
}

/// `getresgid(rgid, egid, sgid)`.
pub fn getresgid(ctx: &mut Ctx, a: &Args) -> SysResult {
    let id = ctx.proc.gid;
    put_ids(ctx, a, id)
}

/// `getpgid(pid)`/`getsid(pid)`: the guest leads its own process group.
pub fn getpgid(ctx: &mut Ctx, a: &Args) -> SysResult {
    let pid = a[0] as i32;
    if pid != 0 && pid != ctx.proc.pid {
        return Err(Errno::ESRCH);
    }
    Ok(ctx.proc.pid as u64)
}

/// `sched_yield()`: nothing else to run.
pub fn sched_yield(_: &mut Ctx, _: &Args) -> SysResult {
    Ok(0)
}

/// `sched_getaffinity(pid, len, mask)`: one CPU.
pub fn sched_getaffinity(ctx: &mut Ctx, a: &Args) -> SysResult {
    let pid = a[0] as i32;
    if pid != 0 && pid != ctx.thread.tid {
        return Err(Errno::ESRCH);
    }
    if a[1] < 8 || a[1] % 8 != 0 {
        return Err(Errno::EINVAL);
    }
    ctx.put_u64s(a[2], &[1])?;
    Ok(8)
}

/// `uname(buf)`: six 65-byte fields.
pub fn uname(ctx: &mut Ctx, a: &Args) -> SysResult {
    let mut buf = [0u8; 6 * 65];
    for (i, f) in UTSNAME.iter().enumerate() {
        buf[i * 65..i * 65 + f.len()].copy_from_slice(f);
    }
    ctx.put(a[0], &buf)?;
    Ok(0)
}

fn get_limit(ctx: &mut Ctx, res: u64, old: u64) -> SysResult {
    if res >= RLIM_NLIMITS as u64 {
        return Err(Errno::EINVAL);
    }
    let r = ctx.proc.rlimits[res as usize];
    if old != 0 {
        ctx.put_u64s(old, &[r.cur, r.max])?;
    }
    Ok(0)
}

fn set_limit(ctx: &mut Ctx, res: u64, new: u64) -> SysResult {
    if res >= RLIM_NLIMITS as u64 {
        return Err(Errno::EINVAL);
    }
    let cur = ctx.get_u64(new)?;
    let max = ctx.get_u64(new.wrapping_add(8))?;
    if cur > max {
        return Err(Errno::EINVAL);
    }
    let old = ctx.proc.rlimits[res as usize];
    // Unprivileged: the hard limit may only go down.
    if max > old.max && old.max != RLIM_INFINITY {
        return Err(Errno::EPERM);
    }
    ctx.proc.rlimits[res as usize] = Rlimit { cur, max };
    Ok(0)
}

/// `prlimit64(pid, resource, new, old)`.
pub fn prlimit64(ctx: &mut Ctx, a: &Args) -> SysResult {
    let pid = a[0] as i32;
    if pid != 0 && pid != ctx.proc.pid {
        return Err(Errno::ESRCH);
    }
    if a[1] >= RLIM_NLIMITS as u64 {
        return Err(Errno::EINVAL);
    }
    let before = ctx.proc.rlimits[a[1] as usize];
    if a[2] != 0 {
        set_limit(ctx, a[1], a[2])?;
    }
    if a[3] != 0 {
        ctx.put_u64s(a[3], &[before.cur, before.max])?;
    }
    Ok(0)
}

/// `getrlimit(resource, rlim)`.
pub fn getrlimit(ctx: &mut Ctx, a: &Args) -> SysResult {
    get_limit(ctx, a[0], a[1])
}

/// `setrlimit(resource, rlim)`.
pub fn setrlimit(ctx: &mut Ctx, a: &Args) -> SysResult {
    set_limit(ctx, a[0], a[1])
}

/// `getrusage(who, usage)`: user time from retired instructions (1 ns each).
pub fn getrusage(ctx: &mut Ctx, a: &Args) -> SysResult {
    let who = a[0] as i32;
    if !(-1..=1).contains(&who) {
        return Err(Errno::EINVAL);
    }
    let mut words = [0u64; 18];
    if who != -1 {
        let ns = ctx.thread.cpu.instret;
        words[0] = ns / 1_000_000_000;
        words[1] = ns % 1_000_000_000 / 1000;
        words[4] = ctx.proc.mem.resident_bytes() / 1024; // ru_maxrss (KiB)
    }
    ctx.put_u64s(a[1], &words)?;
    Ok(0)
}

/// `prctl(option, ...)`: thread names; other options are `EINVAL`.
pub fn prctl(ctx: &mut Ctx, a: &Args) -> SysResult {
    const PR_SET_NAME: u64 = 15;
    const PR_GET_NAME: u64 = 16;
    match a[0] {
        PR_SET_NAME => {
            ctx.proc.comm = ctx.proc.mem.read_cstr(a[1], 15)?;
            Ok(0)
        }
        PR_GET_NAME => {
            let mut name = [0u8; 16];
            name[..ctx.proc.comm.len()].copy_from_slice(&ctx.proc.comm);
            ctx.put(a[1], &name)?;
            Ok(0)
        }
        _ => Err(Errno::EINVAL),
    }
}

/// `futex(uaddr, op, val, timeout, ...)` for a single thread: wakes find
/// nobody; a wait on a changed value is `EAGAIN`, one with a timeout times
/// out at once (the clocks advance by the timeout, see `time`), and one
/// without can never end: the process is a deadlock and is killed (SIGKILL).
pub fn futex(ctx: &mut Ctx, a: &Args) -> SysResult {
    const WAIT: u64 = 0;
    const WAKE: u64 = 1;
    const WAIT_BITSET: u64 = 9;
    const WAKE_BITSET: u64 = 10;
    let [uaddr, op, val, timeout, ..] = *a;
    if uaddr & 3 != 0 {
        return Err(Errno::EINVAL);
    }
    match op & 0x7f {
        WAKE | WAKE_BITSET => Ok(0),
        WAIT | WAIT_BITSET => {
            let mut b = [0u8; 4];
            ctx.proc.mem.read_bytes(uaddr, &mut b)?;
            if u32::from_le_bytes(b) != val as u32 {
                return Err(Errno::EAGAIN);
            }
            if timeout != 0 {
                let t = super::time::read_timespec(ctx, timeout)?;
                if op & 0x7f == WAIT {
                    ctx.proc.sleep_offset_ns = ctx.proc.sleep_offset_ns.saturating_add(t);
                }
                return Err(Errno::ETIMEDOUT);
            }
            ctx.note = Some("deadlock: futex wait with no other thread to wake it");
            ctx.kill(crate::signal::SIGKILL);
            Ok(0)
        }
        _ => Err(Errno::ENOSYS),
    }
}

/// `sysinfo(info)`: uptime from the monotonic clock, RAM from the memory
/// limit (4 GiB when unlimited) minus what the guest has touched, one process.
pub fn sysinfo(ctx: &mut Ctx, a: &Args) -> SysResult {
    const DEFAULT_RAM: u64 = 4 << 30;
    let uptime = super::time::now(ctx, 1)? / 1_000_000_000;
    let total = ctx.proc.memory_limit.unwrap_or(DEFAULT_RAM);
    let free = total.saturating_sub(ctx.proc.mem.resident_bytes());
    let mut b = [0u8; 112];
    let words = [uptime, 0, 0, 0, total, free, 0, 0, 0, 0];
    for (i, w) in words.iter().enumerate() {
        b[i * 8..i * 8 + 8].copy_from_slice(&w.to_le_bytes());
    }
    b[80..82].copy_from_slice(&1u16.to_le_bytes()); // procs
    b[104..108].copy_from_slice(&1u32.to_le_bytes()); // mem_unit
    ctx.put(a[0], &b)?;
    Ok(0)
}

/// `getgroups(size, list)`: no supplementary groups.
pub fn getgroups(_: &mut Ctx, a: &Args) -> SysResult {
    if (a[0] as i32) < 0 {
        return Err(Errno::EINVAL);
    }
    Ok(0)
}

/// `wait4`/`waitid`: the guest has no children (yet).
pub fn wait(_: &mut Ctx, _: &Args) -> SysResult {
    Err(Errno::ECHILD)
}

/// Calls deliberately left unimplemented (glibc copes with `ENOSYS`).
pub fn nosys(_: &mut Ctx, _: &Args) -> SysResult {
    Err(Errno::ENOSYS)
}

#[cfg(test)]
mod tests {
    use super::super::tests::TestVm;
    use crate::syscall::table::nr;
    use crate::{Errno, RunState};

    #[test]
    fn ids_and_uname() {
        let mut t = TestVm::new();
        assert_eq!(t.call(nr::GETPID, [0; 6]), Ok(1000));
        assert_eq!(t.call(nr::GETTID, [0; 6]), Ok(1000));
        assert_eq!(t.call(nr::GETUID, [0; 6]), Ok(1000));
        let buf = t.data(&[0xff; 400]);
        assert_eq!(t.call(nr::UNAME, [buf, 0, 0, 0, 0, 0]), Ok(0));
        assert_eq!(t.read(buf, 6), b"Linux\0");
        assert_eq!(t.read(buf + 4 * 65, 8), b"riscv64\0");
        assert_eq!(
            t.call(nr::SET_TID_ADDRESS, [0x1234, 0, 0, 0, 0, 0]),
            Ok(1000)
        );
        assert_eq!(t.thread.clear_child_tid, 0x1234);
        assert_eq!(t.call(nr::SET_ROBUST_LIST, [buf, 24, 0, 0, 0, 0]), Ok(0));
        assert_eq!(
            t.call(nr::SET_ROBUST_LIST, [buf, 23, 0, 0, 0, 0]),
            Err(Errno::EINVAL)
        );
    }

    #[test]
    fn rlimits() {
        let mut t = TestVm::new();
        let buf = t.data(&[0; 16]);
        assert_eq!(t.call(nr::PRLIMIT64, [0, 3, 0, buf, 0, 0]), Ok(0));
        assert_eq!(t.read(buf, 8), (8u64 << 20).to_le_bytes());
        t.words(buf, &[1 << 20, 2 << 20]);
        assert_eq!(t.call(nr::PRLIMIT64, [0, 3, buf, 0, 0, 0]), Ok(0));
        assert_eq!(t.proc.rlimits[3].cur, 1 << 20);
        // The hard limit may not be raised again.
        t.words(buf, &[1 << 20, 4 << 20]);
        assert_eq!(
            t.call(nr::PRLIMIT64, [0, 3, buf, 0, 0, 0]),
            Err(Errno::EPERM)
        );
        assert_eq!(
            t.call(nr::PRLIMIT64, [0, 99, 0, buf, 0, 0]),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            t.call(nr::PRLIMIT64, [5, 3, 0, buf, 0, 0]),
            Err(Errno::ESRCH)
        );
    }

    #[test]
    fn sysinfo_wait_getgroups() {
        let mut t = TestVm::new();
        let buf = t.data(&[0; 112]);
        assert_eq!(t.call(nr::SYSINFO, [buf, 0, 0, 0, 0, 0]), Ok(0));
        let total = u64::from_le_bytes(t.read(buf + 32, 8).try_into().unwrap());
        assert_eq!(total, 4 << 30);
        assert_eq!(t.read(buf + 104, 4), 1u32.to_le_bytes());
        assert_eq!(
            t.call(nr::WAIT4, [u64::MAX, 0, 0, 0, 0, 0]),
            Err(Errno::ECHILD)
        );
        assert_eq!(t.call(nr::GETGROUPS, [0, 0, 0, 0, 0, 0]), Ok(0));
    }

    #[test]
    fn exit_group_stops() {
        let mut t = TestVm::new();
        let (res, stop) = t.call_stop(nr::EXIT_GROUP, [300, 0, 0, 0, 0, 0]);
        assert_eq!(res, Ok(0));
        assert_eq!(stop, Some(RunState::Exited(300 & 0xff)));
    }
}
