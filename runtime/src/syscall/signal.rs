//! Signal calls: dispositions (`rt_sigaction`), masks (`rt_sigprocmask`,
//! `rt_sigpending`), `sigaltstack`, and sending to oneself (`kill`, `tkill`,
//! `tgkill`).
//!
//! What is real: dispositions, masks, pending sets and the alternate stack
//! are stored and reported back exactly; a signal sent to a blocked mask
//! stays pending until unblocked; ignored signals vanish; a signal with a
//! terminating default action kills the process.
//!
//! What is missing (a later step): delivery to a guest handler. A signal
//! whose disposition is a handler kills the process as if it had its default
//! action (a diagnostic line says so). Signals from faults (SIGSEGV, SIGILL,
//! ...) are never delivered to handlers either.

use super::{Args, Ctx, SysResult};
use crate::signal::{self, DefaultAction, SIGKILL, SIGSTOP, SIG_DFL, SIG_IGN};
use crate::task::{SigAction, NSIG};
use crate::Errno;

fn bit(sig: i32) -> u64 {
    1u64 << (sig - 1)
}

/// Signals that can be neither caught, blocked nor ignored.
const UNBLOCKABLE: u64 = (1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1));

fn valid(sig: u64) -> Result<i32, Errno> {
    if (1..=NSIG as u64).contains(&sig) {
        Ok(sig as i32)
    } else {
        Err(Errno::EINVAL)
    }
}

/// Acts on `sig` arriving at the calling thread.
pub fn send_to_self(ctx: &mut Ctx, sig: i32) {
    let act = ctx.proc.actions[sig as usize - 1];
    let unblockable = bit(sig) & UNBLOCKABLE != 0;
    if !unblockable {
        if act.handler == SIG_IGN {
            return;
        }
        if act.handler == SIG_DFL && signal::default_action(sig) != DefaultAction::Terminate {
            return;
        }
        if ctx.thread.sigmask & bit(sig) != 0 {
            ctx.thread.pending |= bit(sig);
            return;
        }
        if act.handler != SIG_DFL {
            let line = format!(
                "nanovm: {} handler at {:#x} not run (signal delivery is not supported yet); \
                 terminating",
                signal::name(sig),
                act.handler
            );
            ctx.host.log(&line);
        }
    }
    ctx.kill(sig);
}

/// Delivers the lowest pending signal that is no longer blocked.
fn deliver_unblocked(ctx: &mut Ctx) {
    let ready = ctx.thread.pending & !ctx.thread.sigmask;
    if ready != 0 {
        let sig = ready.trailing_zeros() as i32 + 1;
        ctx.thread.pending &= !bit(sig);
        send_to_self(ctx, sig);
    }
}

/// `rt_sigaction(sig, act, oldact, sigsetsize)`; the kernel struct on
/// riscv64 is `{ handler, flags, mask }` (no `sa_restorer`).
pub fn rt_sigaction(ctx: &mut Ctx, a: &Args) -> SysResult {
    let [sig, act, oact, size, ..] = *a;
    if size != 8 {
        return Err(Errno::EINVAL);
    }
    let sig = valid(sig)?;
    if act != 0 && bit(sig) & UNBLOCKABLE != 0 {
        return Err(Errno::EINVAL);
    }
    let new = if act != 0 {
        Some(SigAction {
            handler: ctx.get_u64(act)?,
            flags: ctx.get_u64(act.wrapping_add(8))?,
            mask: ctx.get_u64(act.wrapping_add(16))? & !UNBLOCKABLE,
        })
    } else {
        None
    };
    let old = ctx.proc.actions[sig as usize - 1];
    if oact != 0 {
        ctx.put_u64s(oact, &[old.handler, old.flags, old.mask])?;
    }
    if let Some(new) = new {
        ctx.proc.actions[sig as usize - 1] = new;
        if new.handler == SIG_IGN {
            ctx.thread.pending &= !bit(sig);
        }
    }
    Ok(0)
}

/// `rt_sigprocmask(how, set, oldset, sigsetsize)`.
pub fn rt_sigprocmask(ctx: &mut Ctx, a: &Args) -> SysResult {
    let [how, set, oset, size, ..] = *a;
    if size != 8 {
        return Err(Errno::EINVAL);
    }
    let old = ctx.thread.sigmask;
    let new = if set != 0 {
        let s = ctx.get_u64(set)?;
        Some(match how {
            0 => old | s,  // SIG_BLOCK
            1 => old & !s, // SIG_UNBLOCK
            2 => s,        // SIG_SETMASK
            _ => return Err(Errno::EINVAL),
        })
    } else {
        None
    };
    if oset != 0 {
        ctx.put_u64s(oset, &[old])?;
    }
    if let Some(new) = new {
        ctx.thread.sigmask = new & !UNBLOCKABLE;
        deliver_unblocked(ctx);
    }
    Ok(0)
}

/// `rt_sigpending(set, sigsetsize)`.
pub fn rt_sigpending(ctx: &mut Ctx, a: &Args) -> SysResult {
    if a[1] > 8 {
        return Err(Errno::EINVAL);
    }
    let p = ctx.thread.pending.to_le_bytes();
    ctx.put(a[0], &p[..a[1] as usize])?;
    Ok(0)
}

/// `sigaltstack(ss, old_ss)`: stored (`stack_t` is sp, flags, size).
pub fn sigaltstack(ctx: &mut Ctx, a: &Args) -> SysResult {
    const SS_DISABLE: u32 = 2;
    const MINSIGSTKSZ: u64 = 2048;
    let old = ctx.thread.altstack;
    if a[0] != 0 {
        let sp = ctx.get_u64(a[0])?;
        let flags = ctx.get_u64(a[0].wrapping_add(8))? as u32;
        let size = ctx.get_u64(a[0].wrapping_add(16))?;
        if flags & !(SS_DISABLE | 0x8000_0000) != 0 {
            return Err(Errno::EINVAL);
        }
        if flags & SS_DISABLE == 0 && size < MINSIGSTKSZ {
            return Err(Errno::ENOMEM);
        }
        ctx.thread.altstack = (sp, flags, size);
    }
    if a[1] != 0 {
        ctx.put_u64s(a[1], &[old.0, old.1 as u64, old.2])?;
    }
    Ok(0)
}

fn send(ctx: &mut Ctx, sig: u64) -> SysResult {
    if sig == 0 {
        return Ok(0);
    }
    let sig = valid(sig)?;
    send_to_self(ctx, sig);
    Ok(0)
}

/// `kill(pid, sig)`: only the guest itself (or its group) exists.
pub fn kill(ctx: &mut Ctx, a: &Args) -> SysResult {
    let pid = a[0] as i32;
    if pid != ctx.proc.pid && pid != 0 && pid != -1 && pid != -ctx.proc.pid {
        return Err(Errno::ESRCH);
    }
    send(ctx, a[1])
}

/// `tkill(tid, sig)`.
pub fn tkill(ctx: &mut Ctx, a: &Args) -> SysResult {
    if a[0] as i32 != ctx.thread.tid {
        return Err(if (a[0] as i32) <= 0 {
            Errno::EINVAL
        } else {
            Errno::ESRCH
        });
    }
    send(ctx, a[1])
}

/// `tgkill(tgid, tid, sig)`.
pub fn tgkill(ctx: &mut Ctx, a: &Args) -> SysResult {
    if (a[0] as i32) <= 0 || (a[1] as i32) <= 0 {
        return Err(Errno::EINVAL);
    }
    if a[0] as i32 != ctx.proc.pid || a[1] as i32 != ctx.thread.tid {
        return Err(Errno::ESRCH);
    }
    send(ctx, a[2])
}

#[cfg(test)]
mod tests {
    use super::super::tests::TestVm;
    use crate::syscall::table::nr;
    use crate::{Errno, RunState};

    #[test]
    fn sigaction_roundtrip() {
        let mut t = TestVm::new();
        let act = t.data(&[0; 24]);
        let old = t.data(&[0xff; 24]);
        t.words(act, &[0x1234, 0x4, 0x2]);
        assert_eq!(t.call(nr::RT_SIGACTION, [10, act, 0, 8, 0, 0]), Ok(0));
        assert_eq!(t.call(nr::RT_SIGACTION, [10, 0, old, 8, 0, 0]), Ok(0));
        assert_eq!(t.read(old, 8), 0x1234u64.to_le_bytes());
        assert_eq!(
            t.call(nr::RT_SIGACTION, [9, act, 0, 8, 0, 0]),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            t.call(nr::RT_SIGACTION, [65, 0, old, 8, 0, 0]),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            t.call(nr::RT_SIGACTION, [10, 0, old, 4, 0, 0]),
            Err(Errno::EINVAL)
        );
    }

    #[test]
    fn blocked_abort_is_pending_until_unblocked() {
        let mut t = TestVm::new();
        let set = t.data(&[0; 8]);
        t.words(set, &[1 << 5]); // SIGABRT
        assert_eq!(t.call(nr::RT_SIGPROCMASK, [0, set, 0, 8, 0, 0]), Ok(0));
        let (r, stop) = t.call_stop(nr::TGKILL, [1000, 1000, 6, 0, 0, 0]);
        assert_eq!((r, stop), (Ok(0), None));
        assert_eq!(t.thread.pending, 1 << 5);
        let (r, stop) = t.call_stop(nr::RT_SIGPROCMASK, [1, set, 0, 8, 0, 0]);
        assert_eq!((r, stop), (Ok(0), Some(RunState::Killed(6))));
    }

    #[test]
    fn ignored_and_default_ignored_signals_vanish() {
        let mut t = TestVm::new();
        let (r, stop) = t.call_stop(nr::KILL, [1000, 17, 0, 0, 0, 0]); // SIGCHLD
        assert_eq!((r, stop), (Ok(0), None));
        let act = t.data(&[0; 24]);
        t.words(act, &[1, 0, 0]); // SIG_IGN
        assert_eq!(t.call(nr::RT_SIGACTION, [15, act, 0, 8, 0, 0]), Ok(0));
        let (r, stop) = t.call_stop(nr::KILL, [1000, 15, 0, 0, 0, 0]);
        assert_eq!((r, stop), (Ok(0), None));
        assert_eq!(t.call(nr::KILL, [4242, 15, 0, 0, 0, 0]), Err(Errno::ESRCH));
        let (r, stop) = t.call_stop(nr::KILL, [1000, 9, 0, 0, 0, 0]);
        assert_eq!((r, stop), (Ok(0), Some(RunState::Killed(9))));
    }
}
