//! Creating and ending tasks: `clone` (fork, vfork, threads), `exit`,
//! `exit_group`; `clone3` is `ENOSYS` (glibc falls back to `clone`).
//!
//! fork copies the address space copy-on-write (`AddressSpace::fork`, same
//! frame pool, so `--memory` covers every process). vfork *lends* the
//! parent's address space and block cache to the child (they move, nothing
//! is copied) and parks the parent until the child execs or exits, when
//! they move back; a parent with other threads gets a copy instead, so its
//! threads keep running. Threads share their process (memory, files,
//! signal handlers) and get their own `Cpu`.

use super::{Args, Ctx, SysResult};
use crate::sched::{block, Wait};
use crate::signal::SigInfo;
use crate::Errno;

const CSIGNAL: u64 = 0xff;
const CLONE_VM: u64 = 0x100;
const CLONE_FS: u64 = 0x200;
const CLONE_FILES: u64 = 0x400;
const CLONE_SIGHAND: u64 = 0x800;
const CLONE_PIDFD: u64 = 0x1000;
const CLONE_PTRACE: u64 = 0x2000;
const CLONE_VFORK: u64 = 0x4000;
const CLONE_PARENT: u64 = 0x8000;
const CLONE_THREAD: u64 = 0x10000;
const CLONE_NEWNS: u64 = 0x20000;
const CLONE_SYSVSEM: u64 = 0x40000;
const CLONE_SETTLS: u64 = 0x80000;
const CLONE_PARENT_SETTID: u64 = 0x100000;
const CLONE_CHILD_CLEARTID: u64 = 0x200000;
const CLONE_DETACHED: u64 = 0x400000;
const CLONE_UNTRACED: u64 = 0x800000;
const CLONE_CHILD_SETTID: u64 = 0x1000000;
/// Namespace and cgroup flags: need privileges we do not have.
const CLONE_NAMESPACES: u64 = 0x7e02_0000 | CLONE_NEWNS;

const SUPPORTED: u64 = CSIGNAL
    | CLONE_VM
    | CLONE_FS
    | CLONE_FILES
    | CLONE_SIGHAND
    | CLONE_PTRACE
    | CLONE_VFORK
    | CLONE_PARENT
    | CLONE_THREAD
    | CLONE_SYSVSEM
    | CLONE_SETTLS
    | CLONE_PARENT_SETTID
    | CLONE_CHILD_CLEARTID
    | CLONE_DETACHED
    | CLONE_UNTRACED
    | CLONE_CHILD_SETTID;

/// `exit(code)`: ends the calling thread; the last one ends the process.
pub fn exit(ctx: &mut Ctx, a: &Args) -> SysResult {
    ctx.kernel.exit_thread = Some((a[0] & 0xff) as i32);
    Ok(0)
}

/// `exit_group(code)`: ends every thread of the process.
pub fn exit_group(ctx: &mut Ctx, a: &Args) -> SysResult {
    ctx.stop = Some(crate::RunState::Exited((a[0] & 0xff) as i32));
    Ok(0)
}

/// `clone3(args, size)`: not provided; glibc falls back to `clone`.
pub fn clone3(_: &mut Ctx, _: &Args) -> SysResult {
    Err(Errno::ENOSYS)
}

fn put_tid(mem: &mut nanovm::mem::AddressSpace, addr: u64, tid: i32) -> Result<(), Errno> {
    Ok(mem.write_bytes(addr, &tid.to_le_bytes())?)
}

/// `clone(flags, stack, parent_tid, tls, child_tid)` (riscv64 uses the
/// `CLONE_BACKWARDS` argument order: tls before child_tid).
pub fn clone(ctx: &mut Ctx, a: &Args) -> SysResult {
    let [flags, stack, ptid, tls, ctid, _] = *a;
    if flags & CLONE_NAMESPACES != 0 {
        return Err(Errno::EPERM);
    }
    if flags & CLONE_PIDFD != 0 || flags & !SUPPORTED != 0 {
        return Err(Errno::EINVAL);
    }
    if flags & CLONE_SIGHAND != 0 && flags & CLONE_VM == 0 {
        return Err(Errno::EINVAL);
    }
    if flags & CLONE_THREAD != 0 && flags & CLONE_SIGHAND == 0 {
        return Err(Errno::EINVAL);
    }
    let limit = ctx.proc.rlimits[6].cur; // RLIMIT_NPROC
    if ctx.kernel.nproc(1) as u64 >= limit {
        return Err(Errno::EAGAIN);
    }
    if flags & CLONE_THREAD != 0 {
        return new_thread(ctx, flags, stack, ptid, tls, ctid);
    }
    if flags & CLONE_VM != 0 && flags & CLONE_VFORK == 0 {
        // A second process on the same memory that runs concurrently: not
        // supported (nothing common needs it; posix_spawn uses vfork).
        return Err(Errno::EINVAL);
    }
    let pid = ctx.kernel.alloc_id();
    let lend = flags & CLONE_VFORK != 0 && !ctx.kernel.has_other_threads(ctx.proc.pid);
    let mem = if lend {
        let empty = ctx.proc.mem.new_sibling();
        std::mem::replace(&mut ctx.proc.mem, empty)
    } else {
        ctx.proc.mem.fork()
    };
    let mut child = Box::new(ctx.proc.fork_child(mem, pid));
    if lend {
        std::mem::swap(&mut child.interp, &mut ctx.proc.interp);
    }
    child.exit_signal = (flags & CSIGNAL) as i32;
    if flags & CLONE_PARENT != 0 {
        child.ppid = ctx.proc.ppid;
    }
    let mut t = Box::new(ctx.thread.clone_from(pid, pid));
    t.altstack = ctx.thread.altstack;
    crate::signal::on_fork_child(&mut t);
    t.cpu.x[10] = 0;
    if stack != 0 {
        t.cpu.x[2] = stack;
    }
    if flags & CLONE_SETTLS != 0 {
        t.cpu.x[4] = tls;
    }
    if flags & CLONE_CHILD_CLEARTID != 0 {
        t.clear_child_tid = ctid;
    }
    if flags & CLONE_CHILD_SETTID != 0 {
        // Faults are ignored, as Linux ignores them here.
        let _ = put_tid(&mut child.mem, ctid, pid);
    }
    if flags & CLONE_PARENT_SETTID != 0 {
        let m = if lend {
            &mut child.mem
        } else {
            &mut ctx.proc.mem
        };
        let _ = put_tid(m, ptid, pid);
    }
    if flags & CLONE_VFORK != 0 {
        child.vfork_parent = Some((ctx.proc.pid, ctx.thread.tid));
        block(ctx, Wait::Vfork { child: pid });
    }
    ctx.kernel.procs.insert(pid, child);
    ctx.kernel.threads.insert(pid, t);
    Ok(pid as u64)
}

fn new_thread(ctx: &mut Ctx, flags: u64, stack: u64, ptid: u64, tls: u64, ctid: u64) -> SysResult {
    let tid = ctx.kernel.alloc_id();
    let mut t = Box::new(ctx.thread.clone_from(tid, ctx.proc.pid));
    crate::signal::on_fork_child(&mut t);
    t.cpu.x[10] = 0;
    if stack != 0 {
        t.cpu.x[2] = stack;
    }
    if flags & CLONE_SETTLS != 0 {
        t.cpu.x[4] = tls;
    }
    if flags & CLONE_CHILD_CLEARTID != 0 {
        t.clear_child_tid = ctid;
    }
    if flags & CLONE_PARENT_SETTID != 0 {
        put_tid(&mut ctx.proc.mem, ptid, tid)?;
    }
    if flags & CLONE_CHILD_SETTID != 0 {
        put_tid(&mut ctx.proc.mem, ctid, tid)?;
    }
    ctx.kernel.threads.insert(tid, t);
    ctx.proc.fs.kernel.procfs.thread_start(ctx.proc.pid, tid);
    Ok(tid as u64)
}

/// Replaces the calling process's image after a successful `execve`'s
/// load: other threads end, a vfork parent gets its memory back, the
/// calling thread becomes the leader (tid = pid).
pub fn exec_cleanup(ctx: &mut Ctx) {
    let pid = ctx.proc.pid;
    ctx.kernel.threads.retain(|_, t| t.pid != pid);
    ctx.kernel.vfork_release(ctx.proc);
    ctx.thread.tid = pid;
    ctx.thread.clear_child_tid = 0;
    ctx.thread.robust_list = (0, 0);
    ctx.proc.did_exec = true;
}

/// For `kill(pid, sig)`: queues `sig` for the *other* processes `pid`
/// names (a pid, 0: the caller's group, -1: all, < -1: group -pid).
/// Returns (some other process matched, the caller is in the target group).
pub fn kill_targets(ctx: &mut Ctx, pid: i32, sig: u64) -> Result<(bool, bool), Errno> {
    if sig > crate::task::NSIG as u64 || pid == i32::MIN {
        return Err(Errno::EINVAL);
    }
    let group = match pid {
        0 => Some(ctx.proc.pgid),
        p if p < -1 => Some(-p),
        _ => None,
    };
    let me = ctx.proc.pid;
    let targets: Vec<i32> = ctx
        .kernel
        .procs
        .values()
        .filter(|p| match (pid, group) {
            (-1, _) => true,
            (_, Some(g)) => p.pgid == g,
            (pid, None) => p.pid == pid,
        })
        .map(|p| p.pid)
        .collect();
    let zombie = pid > 0 && ctx.kernel.zombies.contains_key(&pid);
    if sig != 0 {
        let info = SigInfo::user(sig as i32, crate::signal::SI_USER, me, ctx.proc.uid);
        for &t in &targets {
            ctx.kernel.post_signal(t, info);
        }
    }
    let in_group = group.is_some_and(|g| g == ctx.proc.pgid);
    Ok((!targets.is_empty() || zombie, in_group))
}

/// `tgkill(tgid, tid, sig)`/`tkill(tid, sig)` (`tgid` 0) for a thread other
/// than the caller: queued for it through the kernel.
pub fn tgkill_other(ctx: &mut Ctx, tgid: i32, tid: i32, sig: u64) -> SysResult {
    if sig > crate::task::NSIG as u64 {
        return Err(Errno::EINVAL);
    }
    let t = ctx.kernel.threads.get(&tid).ok_or(Errno::ESRCH)?;
    if tgid != 0 && t.pid != tgid {
        return Err(Errno::ESRCH);
    }
    if sig != 0 {
        let info = SigInfo::user(
            sig as i32,
            crate::signal::SI_TKILL,
            ctx.proc.pid,
            ctx.proc.uid,
        );
        ctx.kernel.post_thread_signal(tid, info);
    }
    Ok(0)
}
