//! Process and identity calls: ids, process groups and sessions, `execve`,
//! `uname`, resource limits, the thread bookkeeping calls glibc makes at
//! start-up (`set_tid_address`, `set_robust_list`) and `prctl` names.
//! (Creating and ending tasks is in `thread`, futexes in `futex`, reaping
//! in `wait`.)

use super::{Args, Ctx, SysResult};
use crate::task::{Rlimit, RLIM_INFINITY, RLIM_NLIMITS};
use crate::Errno;

/// `uname` fields: sysname, nodename, release, version, machine, domainname.
pub const UTSNAME: [&[u8]; 6] = [
    b"Linux",
    b"nanovm",
    b"6.1.0",
    b"#1 SMP PREEMPT_DYNAMIC NanoVM",
    b"riscv64",
    b"(none)",
];

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

/// The process group and session of `pid` (0: the caller).
fn ids_of(ctx: &Ctx, pid: i32) -> Result<(i32, i32), Errno> {
    if pid == 0 || pid == ctx.proc.pid {
        return Ok((ctx.proc.pgid, ctx.proc.sid));
    }
    if pid < 0 {
        return Err(Errno::ESRCH);
    }
    match ctx.kernel.procs.get(&pid) {
        Some(p) => Ok((p.pgid, p.sid)),
        None => match ctx.kernel.zombies.get(&pid) {
            Some(z) => Ok((z.pgid, ctx.proc.sid)),
            None => Err(Errno::ESRCH),
        },
    }
}

/// `getpgid(pid)`.
pub fn getpgid(ctx: &mut Ctx, a: &Args) -> SysResult {
    Ok(ids_of(ctx, a[0] as i32)?.0 as u64)
}

/// `getsid(pid)`.
pub fn getsid(ctx: &mut Ctx, a: &Args) -> SysResult {
    Ok(ids_of(ctx, a[0] as i32)?.1 as u64)
}

/// `setsid()`: a new session and group led by the caller (`EPERM` if it
/// already leads a group).
pub fn setsid(ctx: &mut Ctx, _: &Args) -> SysResult {
    let pid = ctx.proc.pid;
    let leads = ctx.proc.pgid == pid || ctx.kernel.procs.values().any(|p| p.pgid == pid);
    if leads {
        return Err(Errno::EPERM);
    }
    ctx.proc.pgid = pid;
    ctx.proc.sid = pid;
    Ok(pid as u64)
}

/// `setpgid(pid, pgid)`: the caller or one of its children (before it
/// execs, same session) joins or creates a group in the caller's session.
pub fn setpgid(ctx: &mut Ctx, a: &Args) -> SysResult {
    let me = ctx.proc.pid;
    let pid = match a[0] as i32 {
        0 => me,
        p if p < 0 => return Err(Errno::EINVAL),
        p => p,
    };
    let pgid = match a[1] as i32 {
        0 => pid,
        g if g < 0 => return Err(Errno::EINVAL),
        g => g,
    };
    let sid = ctx.proc.sid;
    let target = if pid == me {
        (ctx.proc.pid, ctx.proc.sid)
    } else {
        let p = ctx.kernel.procs.get(&pid).ok_or(Errno::ESRCH)?;
        if p.ppid != me {
            return Err(Errno::ESRCH);
        }
        if p.sid != sid {
            return Err(Errno::EPERM);
        }
        if p.did_exec {
            return Err(Errno::EACCES);
        }
        (p.pid, p.sid)
    };
    if target.1 == target.0 {
        return Err(Errno::EPERM); // a session leader
    }
    if pgid != pid {
        let exists = (ctx.proc.pgid == pgid && ctx.proc.sid == sid)
            || ctx
                .kernel
                .procs
                .values()
                .any(|p| p.pgid == pgid && p.sid == sid);
        if !exists {
            return Err(Errno::EPERM);
        }
    }
    if pid == me {
        ctx.proc.pgid = pgid;
    } else if let Some(p) = ctx.kernel.procs.get_mut(&pid) {
        p.pgid = pgid;
    }
    Ok(0)
}

/// `sched_yield()`: lets the other runnable threads run first.
pub fn sched_yield(ctx: &mut Ctx, _: &Args) -> SysResult {
    crate::sched::block(ctx, crate::sched::Wait::Sleep { deadline: 0 });
    Ok(0)
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

/// `getrusage(who, usage)`: user time from retired instructions (1 ns
/// each); `RUSAGE_CHILDREN` sums the reaped children.
pub fn getrusage(ctx: &mut Ctx, a: &Args) -> SysResult {
    let who = a[0] as i32;
    if !(-1..=1).contains(&who) {
        return Err(Errno::EINVAL);
    }
    let mut words = [0u64; 18];
    let (ns, rss) = if who == -1 {
        // RUSAGE_CHILDREN: the reaped children.
        (ctx.proc.children_instret, ctx.proc.children_maxrss_kib)
    } else {
        let rss = ctx.proc.mem.resident_bytes() / 1024;
        (ctx.thread.cpu.instret, rss)
    };
    words[0] = ns / 1_000_000_000;
    words[1] = ns % 1_000_000_000 / 1000;
    words[4] = rss; // ru_maxrss (KiB)
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
        // RLIMIT_NOFILE: 1024 soft, 65536 hard, as on a default Linux.
        assert_eq!(t.call(nr::PRLIMIT64, [0, 7, 0, buf, 0, 0]), Ok(0));
        assert_eq!(
            t.read(buf, 16),
            [1024u64.to_le_bytes(), 65536u64.to_le_bytes()].concat()
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
        assert_eq!(t.call(nr::GETPGID, [0; 6]), Ok(1000));
        assert_eq!(t.call(nr::GETSID, [0; 6]), Ok(1000));
        assert_eq!(t.call(nr::SETSID, [0; 6]), Err(Errno::EPERM));
        assert_eq!(t.call(nr::GETPGID, [77, 0, 0, 0, 0, 0]), Err(Errno::ESRCH));
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
