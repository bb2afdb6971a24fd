//! Reaping children: `wait4` and `waitid`.
//!
//! A call that finds a matching zombie reaps it (or, with `WNOWAIT`, only
//! reports it); with live matching children and no `WNOHANG` it parks the
//! thread on [`Wait::Child`] and runs again when a child of this process
//! changes state; with no matching child at all it is `ECHILD`.
//! Stops and continues of live children are reported with `WUNTRACED`
//! (`WSTOPPED`) and `WCONTINUED` (see `Kernel::job_control`). CPU times in `rusage` are the
//! child's retired instructions at a nominal 1 GHz.

use super::{Args, Ctx, SysResult};
use crate::kernel::Zombie;
use crate::sched::{block, Wait};
use crate::signal::SIGCHLD;
use crate::{Errno, RunState};

const WNOHANG: u64 = 1;
const WUNTRACED: u64 = 2;
const WEXITED: u64 = 4;
const WCONTINUED: u64 = 8;
const WNOWAIT: u64 = 0x0100_0000;
const WNOTHREAD: u64 = 0x2000_0000;
const WALL: u64 = 0x4000_0000;
const WCLONE: u64 = 0x8000_0000;

/// Which children a wait is about.
#[derive(Clone, Copy)]
enum Which {
    Any,
    Pid(i32),
    Group(i32),
}

impl Which {
    fn matches(self, pid: i32, pgid: i32) -> bool {
        match self {
            Which::Any => true,
            Which::Pid(p) => p == pid,
            Which::Group(g) => g == pgid,
        }
    }
}

/// A stop or continue report of a live child: `(pid, signal)`, the
/// signal being SIGCONT for a continue.
fn job_report(
    ctx: &mut Ctx,
    which: Which,
    stops: bool,
    conts: bool,
    peek: bool,
) -> Option<(i32, i32)> {
    let me = ctx.proc.pid;
    let p = ctx.kernel.procs.values_mut().find(|p| {
        p.ppid == me
            && which.matches(p.pid, p.pgid)
            && match p.stop_report {
                Some(crate::signal::SIGCONT) => conts,
                Some(_) => stops,
                None => false,
            }
    })?;
    let sig = p.stop_report?;
    if !peek {
        p.stop_report = None;
    }
    Some((p.pid, sig))
}

/// Finds (and unless `peek`, reaps) a zombie child; `Ok(None)` if none has
/// exited yet but some match; `ECHILD` if none match.
fn find(ctx: &mut Ctx, which: Which, peek: bool) -> Result<Option<Zombie>, Errno> {
    let me = ctx.proc.pid;
    let z = ctx
        .kernel
        .zombies
        .values()
        .find(|z| z.ppid == me && which.matches(z.pid, z.pgid))
        .copied();
    if let Some(z) = z {
        if !peek {
            ctx.kernel.zombies.remove(&z.pid);
            ctx.proc.children_instret += z.instret;
            ctx.proc.children_maxrss_kib = ctx.proc.children_maxrss_kib.max(z.maxrss_kib);
        }
        return Ok(Some(z));
    }
    let live = ctx
        .kernel
        .procs
        .values()
        .any(|p| p.ppid == me && which.matches(p.pid, p.pgid));
    if live {
        Ok(None)
    } else {
        Err(Errno::ECHILD)
    }
}

fn put_rusage(ctx: &mut Ctx, addr: u64, z: &Zombie) -> Result<(), Errno> {
    if addr == 0 {
        return Ok(());
    }
    let mut words = [0u64; 18];
    words[0] = z.instret / 1_000_000_000;
    words[1] = z.instret % 1_000_000_000 / 1000;
    words[4] = z.maxrss_kib;
    ctx.put_u64s(addr, &words)
}

/// `wait4(pid, wstatus, options, rusage)`.
pub fn wait4(ctx: &mut Ctx, a: &Args) -> SysResult {
    let [pid, status, options, rusage, ..] = *a;
    if options & !(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE) != 0 {
        return Err(Errno::EINVAL);
    }
    let pid = pid as i32;
    let which = match pid {
        -1 => Which::Any,
        0 => Which::Group(ctx.proc.pgid),
        i32::MIN => return Err(Errno::ESRCH),
        p if p < 0 => Which::Group(-p),
        p => Which::Pid(p),
    };
    let report = job_report(
        ctx,
        which,
        options & WUNTRACED != 0,
        options & WCONTINUED != 0,
        false,
    );
    if let Some((pid, sig)) = report {
        let st: i32 = if sig == crate::signal::SIGCONT {
            0xffff
        } else {
            (sig << 8) | 0x7f
        };
        if status != 0 {
            ctx.put(status, &st.to_le_bytes())?;
        }
        return Ok(pid as u64);
    }
    match find(ctx, which, false)? {
        Some(z) => {
            if status != 0 {
                ctx.put(status, &z.wstatus().to_le_bytes())?;
            }
            put_rusage(ctx, rusage, &z)?;
            Ok(z.pid as u64)
        }
        None if options & WNOHANG != 0 => Ok(0),
        None => {
            block(ctx, Wait::Child);
            Ok(0)
        }
    }
}

/// `waitid(idtype, id, infop, options, rusage)`.
pub fn waitid(ctx: &mut Ctx, a: &Args) -> SysResult {
    const P_ALL: u64 = 0;
    const P_PID: u64 = 1;
    const P_PGID: u64 = 2;
    let [idtype, id, infop, options, rusage, _] = *a;
    let allowed = WNOHANG | WEXITED | WUNTRACED | WCONTINUED | WNOWAIT | WNOTHREAD | WALL | WCLONE;
    if options & !allowed != 0 || options & (WEXITED | WUNTRACED | WCONTINUED) == 0 {
        return Err(Errno::EINVAL);
    }
    let which = match idtype {
        P_ALL => Which::Any,
        P_PID if (id as i32) > 0 => Which::Pid(id as i32),
        P_PGID if id as i32 == 0 => Which::Group(ctx.proc.pgid),
        P_PGID if (id as i32) > 0 => Which::Group(id as i32),
        _ => return Err(Errno::EINVAL),
    };
    let report = job_report(
        ctx,
        which,
        options & WUNTRACED != 0,
        options & WCONTINUED != 0,
        options & WNOWAIT != 0,
    );
    if let Some((pid, sig)) = report {
        if infop != 0 {
            let code: i32 = if sig == crate::signal::SIGCONT { 6 } else { 5 };
            let mut b = [0u8; 128];
            b[0..4].copy_from_slice(&SIGCHLD.to_le_bytes());
            b[8..12].copy_from_slice(&code.to_le_bytes());
            b[16..20].copy_from_slice(&pid.to_le_bytes());
            b[20..24].copy_from_slice(&ctx.proc.uid.to_le_bytes());
            b[24..28].copy_from_slice(&sig.to_le_bytes());
            ctx.put(infop, &b)?;
        }
        return Ok(0);
    }
    if options & WEXITED == 0 {
        // Only stops/continues asked for, and none to report.
        find(ctx, which, true)?;
        if options & WNOHANG != 0 {
            if infop != 0 {
                ctx.put(infop, &[0u8; 128])?;
            }
            return Ok(0);
        }
        block(ctx, Wait::Child);
        return Ok(0);
    }
    match find(ctx, which, options & WNOWAIT != 0)? {
        Some(z) => {
            if infop != 0 {
                let (code, st): (i32, _) = match z.status {
                    RunState::Exited(c) => (1, c), // CLD_EXITED
                    RunState::Killed(s) => (2, s), // CLD_KILLED
                    _ => (1, 0),
                };
                let mut b = [0u8; 128];
                b[0..4].copy_from_slice(&SIGCHLD.to_le_bytes());
                b[8..12].copy_from_slice(&code.to_le_bytes());
                b[16..20].copy_from_slice(&z.pid.to_le_bytes());
                b[20..24].copy_from_slice(&ctx.proc.uid.to_le_bytes());
                b[24..28].copy_from_slice(&st.to_le_bytes());
                ctx.put(infop, &b)?;
            }
            put_rusage(ctx, rusage, &z)?;
            Ok(0)
        }
        None if options & WNOHANG != 0 => {
            if infop != 0 {
                ctx.put(infop, &[0u8; 128])?;
            }
            Ok(0)
        }
        None => {
            block(ctx, Wait::Child);
            Ok(0)
        }
    }
}
