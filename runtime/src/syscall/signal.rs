//! Signal calls: dispositions (`rt_sigaction`), masks (`rt_sigprocmask`,
//! `rt_sigpending`, `rt_sigsuspend`), waiting (`rt_sigtimedwait`), the
//! alternate stack (`sigaltstack`), returning from a handler
//! (`rt_sigreturn`), and sending (`kill`, `tkill`, `tgkill`,
//! `rt_sigqueueinfo`, `rt_tgsigqueueinfo`).
//!
//! Sending only queues the signal (see [`crate::signal::post`]); the run loop
//! delivers it right after the call returns ([`crate::signal::deliver_pending`]),
//! which is when Linux delivers it too.
//!
//! Limitation until there are other processes and threads: only the guest
//! itself can be a target, and a wait with nothing that could ever end it (no
//! signal pending, no interval timer armed) kills the guest with a deadlock
//! note. Waits jump the virtual clock to the next `ITIMER_REAL` deadline, as
//! sleeps do. [`wait_for_signal`] is the hook a scheduler replaces by parking
//! the thread.

use super::{Args, Ctx, SysResult};
use crate::sigframe;
use crate::signal::{
    self, bit, SigInfo, ERESTARTNOHAND, SIGKILL, SIG_DFL, SIG_IGN, SI_TKILL, SI_USER, UNBLOCKABLE,
};
use crate::task::{SigAction, NSIG};
use crate::Errno;

fn valid(sig: u64) -> Result<i32, Errno> {
    if (1..=NSIG as u64).contains(&sig) {
        Ok(sig as i32)
    } else {
        Err(Errno::EINVAL)
    }
}

/// Queues `sig` for the calling thread as sent by itself (`SI_USER`), e.g.
/// SIGPIPE from a write; it is delivered when the call returns.
pub fn send_to_self(ctx: &mut Ctx, sig: i32) {
    let info = SigInfo::user(sig, SI_USER, ctx.proc.pid, ctx.proc.uid);
    post_to_self(ctx, info);
}

/// Queues `info` for the calling thread. A signal that will kill it (default
/// fatal action, not blocked) ends the run at once, as Linux's
/// `complete_signal` does.
fn post_to_self(ctx: &mut Ctx, info: SigInfo) {
    let sig = info.signo();
    signal::post(ctx.proc, ctx.thread, info);
    let act = signal::action(ctx.proc, sig);
    let fatal = matches!(
        signal::default_action(sig),
        signal::DefaultAction::Terminate | signal::DefaultAction::Core
    );
    if signal::interrupted(ctx.thread)
        && ctx.thread.pending & !ctx.thread.sigmask & bit(sig) != 0
        && (act.handler == SIG_DFL || sig == SIGKILL)
        && fatal
    {
        signal::flush(ctx.thread, sig);
        ctx.kill(sig);
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
        // POSIX: making a pending signal ignored discards it.
        let default_ignored = matches!(
            signal::default_action(sig),
            signal::DefaultAction::Ignore | signal::DefaultAction::Continue
        );
        if new.handler == SIG_IGN || (new.handler == SIG_DFL && default_ignored) {
            signal::flush(ctx.thread, sig);
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
    }
    Ok(0)
}

/// `rt_sigpending(set, sigsetsize)`: the pending signals that are blocked.
pub fn rt_sigpending(ctx: &mut Ctx, a: &Args) -> SysResult {
    if a[1] > 8 {
        return Err(Errno::EINVAL);
    }
    let p = (ctx.thread.pending & ctx.thread.sigmask).to_le_bytes();
    ctx.put(a[0], &p[..a[1] as usize])?;
    Ok(0)
}

/// How a [`wait_for_signal`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitEnd {
    /// A signal in the wanted set is pending.
    Signal,
    /// The deadline passed first.
    Timeout,
    /// Nothing could ever end the wait (the guest has been killed).
    Deadlock,
}

/// Waits until a signal in `want` is pending or the guest monotonic clock
/// reaches `end`. SCHEDULER HOOK: with only one thread, nothing can send a
/// signal while it waits except the interval timers, so the virtual clock
/// jumps to the next `ITIMER_REAL` deadline (or to `end`); with no deadline at
/// all the guest is killed as deadlocked. A scheduler parks the thread here
/// instead.
pub fn wait_for_signal(ctx: &mut Ctx, want: u64, end: Option<u64>) -> WaitEnd {
    // kproc: the scheduler parks the thread; the call runs again when a
    // wanted signal is pending, or ends with EAGAIN at the deadline.
    if ctx.thread.pending & want == 0 {
        let now = crate::itimer::guest_now(ctx.proc, ctx.host);
        if end.is_some_and(|e| e <= now) {
            return WaitEnd::Timeout;
        }
        let off = ctx.proc.sleep_offset_ns;
        let deadline = end.map(|e| e.saturating_sub(off));
        crate::sched::block(ctx, crate::sched::Wait::SigWait { want, deadline });
        return WaitEnd::Deadlock;
    }
    loop {
        if ctx.thread.pending & want != 0 {
            return WaitEnd::Signal;
        }
        let now = crate::itimer::guest_now(ctx.proc, ctx.host);
        let next = crate::itimer::next_real(ctx.proc);
        let until = match (next, end) {
            (Some(d), Some(e)) => d.min(e),
            (Some(d), None) => d,
            (None, Some(e)) => e,
            (None, None) => {
                ctx.note = Some("deadlock: waiting for a signal that nothing can send");
                ctx.kill(SIGKILL);
                return WaitEnd::Deadlock;
            }
        };
        ctx.proc.sleep_offset_ns = ctx
            .proc
            .sleep_offset_ns
            .saturating_add(until.saturating_sub(now));
        crate::itimer::expire(ctx.proc, ctx.thread, ctx.host);
        if ctx.thread.pending & want == 0 && end.is_some_and(|e| until >= e) {
            return WaitEnd::Timeout;
        }
    }
}

/// `rt_sigsuspend(mask, sigsetsize)`: waits with a temporary mask until a
/// signal is delivered; the old mask comes back when the handler returns.
pub fn rt_sigsuspend(ctx: &mut Ctx, a: &Args) -> SysResult {
    if a[1] != 8 {
        return Err(Errno::EINVAL);
    }
    let mask = ctx.get_u64(a[0])? & !UNBLOCKABLE;
    // (A restarted call keeps the mask saved by the first run.)
    if ctx.thread.sig.saved_mask.is_none() {
        ctx.thread.sig.saved_mask = Some(ctx.thread.sigmask);
    }
    ctx.thread.sigmask = mask;
    wait_for_signal(ctx, !mask, None);
    Err(ERESTARTNOHAND)
}

fn read_timeout(ctx: &mut Ctx, addr: u64) -> Result<u64, Errno> {
    let sec = ctx.get_u64(addr)? as i64;
    let nsec = ctx.get_u64(addr.wrapping_add(8))? as i64;
    if sec < 0 || !(0..1_000_000_000).contains(&nsec) {
        return Err(Errno::EINVAL);
    }
    Ok((sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(nsec as u64))
}

/// `rt_sigtimedwait(set, info, timeout, sigsetsize)`: takes a pending
/// signal of `set` (normally blocked) without running its handler.
pub fn rt_sigtimedwait(ctx: &mut Ctx, a: &Args) -> SysResult {
    let [set, uinfo, timeout, size, ..] = *a;
    if size != 8 {
        return Err(Errno::EINVAL);
    }
    let set = ctx.get_u64(set)? & !UNBLOCKABLE;
    let timeout = if timeout != 0 {
        Some(read_timeout(ctx, timeout)?)
    } else {
        None
    };
    let mut info = signal::dequeue(ctx.thread, set);
    if info.is_none() && timeout != Some(0) {
        let now = crate::itimer::guest_now(ctx.proc, ctx.host);
        let end = timeout.map(|t| now.saturating_add(t));
        let want = set | !ctx.thread.sigmask;
        match wait_for_signal(ctx, want, end) {
            WaitEnd::Deadlock => return Ok(0),
            WaitEnd::Timeout => return Err(Errno::EAGAIN),
            WaitEnd::Signal => info = signal::dequeue(ctx.thread, set),
        }
        if info.is_none() {
            return Err(Errno::EINTR);
        }
    }
    let info = info.ok_or(Errno::EAGAIN)?;
    if uinfo != 0 {
        ctx.put(uinfo, &info.0)?;
    }
    Ok(info.signo() as u64)
}

/// `sigaltstack(ss, old_ss)` (`stack_t` is sp, flags, size).
pub fn sigaltstack(ctx: &mut Ctx, a: &Args) -> SysResult {
    let sp = ctx.thread.cpu.x[2];
    let old = ctx.thread.altstack;
    let old_flags = sigframe::alt_flags(old, sp) | (old.1 & sigframe::SS_AUTODISARM);
    if a[0] != 0 {
        let new = (
            ctx.get_u64(a[0])?,
            ctx.get_u64(a[0].wrapping_add(8))? as u32,
            ctx.get_u64(a[0].wrapping_add(16))?,
        );
        sigframe::set_alt_stack(&mut ctx.thread.altstack, sp, new)?;
    }
    if a[1] != 0 {
        ctx.put_u64s(a[1], &[old.0, old_flags as u64, old.2])?;
    }
    Ok(0)
}

/// `rt_sigreturn()`: back from a handler to the context in its frame. The
/// restored `a0` is the result, so the run loop's write of it changes nothing.
pub fn rt_sigreturn(ctx: &mut Ctx, _a: &Args) -> SysResult {
    let t = &mut *ctx.thread;
    match sigframe::restore(&mut ctx.proc.mem, &mut t.cpu, &mut t.altstack) {
        Ok(mask) => {
            t.sigmask = mask;
            Ok(t.cpu.x[10])
        }
        Err(_) => {
            // Linux force_sig(SIGSEGV) (no handler can sensibly run on a bad frame).
            ctx.kill(signal::SIGSEGV);
            Ok(0)
        }
    }
}

fn send(ctx: &mut Ctx, sig: u64, code: i32) -> SysResult {
    if sig == 0 {
        return Ok(0);
    }
    let sig = valid(sig)?;
    let info = SigInfo::user(sig, code, ctx.proc.pid, ctx.proc.uid);
    post_to_self(ctx, info);
    Ok(0)
}

/// `kill(pid, sig)`: only the guest itself (or its group) exists; `-1`
/// means every process but the caller, so none.
pub fn kill(ctx: &mut Ctx, a: &Args) -> SysResult {
    let pid = a[0] as i32;
    // Other processes (kproc): queued through the kernel.
    let me = ctx.proc.pid;
    let others = crate::syscall::thread::kill_targets(ctx, pid, a[1])?;
    let self_too = pid == me || pid == -1 || (pid <= 0 && others.1);
    if !self_too {
        return others.0.then_some(0).ok_or(Errno::ESRCH);
    }
    send(ctx, a[1], SI_USER)
}

/// `tkill(tid, sig)`.
pub fn tkill(ctx: &mut Ctx, a: &Args) -> SysResult {
    if a[0] as i32 != ctx.thread.tid {
        if (a[0] as i32) <= 0 {
            return Err(Errno::EINVAL);
        }
        // Another thread (kproc): queued through the kernel.
        return crate::syscall::thread::tgkill_other(ctx, 0, a[0] as i32, a[1]);
    }
    send(ctx, a[1], SI_TKILL)
}

/// `tgkill(tgid, tid, sig)`.
pub fn tgkill(ctx: &mut Ctx, a: &Args) -> SysResult {
    if (a[0] as i32) <= 0 || (a[1] as i32) <= 0 {
        return Err(Errno::EINVAL);
    }
    if a[0] as i32 != ctx.proc.pid || a[1] as i32 != ctx.thread.tid {
        // Another thread (kproc): queued through the kernel.
        return crate::syscall::thread::tgkill_other(ctx, a[0] as i32, a[1] as i32, a[2]);
    }
    send(ctx, a[2], SI_TKILL)
}

/// Reads a user `siginfo` for `sig` (Linux forces `si_signo`); a process
/// may not forge kernel or `tkill` codes for another process.
fn user_info(ctx: &mut Ctx, sig: u64, uinfo: u64, to_self: bool) -> Result<SigInfo, Errno> {
    let mut b = [0u8; 128];
    ctx.proc.mem.read_bytes(uinfo, &mut b)?;
    let mut info = SigInfo(b);
    let code = info.code();
    if (code >= 0 || code == SI_TKILL) && !to_self {
        return Err(Errno::EPERM);
    }
    info.0[0..4].copy_from_slice(&(sig as i32).to_le_bytes());
    Ok(info)
}

/// `rt_sigqueueinfo(tgid, sig, uinfo)` (what `sigqueue` uses).
pub fn rt_sigqueueinfo(ctx: &mut Ctx, a: &Args) -> SysResult {
    let to_self = a[0] as i32 == ctx.proc.pid;
    let info = user_info(ctx, a[1], a[2], to_self)?;
    queue(ctx, a[1], info, to_self)
}

/// `rt_tgsigqueueinfo(tgid, tid, sig, uinfo)`.
pub fn rt_tgsigqueueinfo(ctx: &mut Ctx, a: &Args) -> SysResult {
    if (a[0] as i32) <= 0 || (a[1] as i32) <= 0 {
        return Err(Errno::EINVAL);
    }
    let to_self = a[0] as i32 == ctx.proc.pid && a[1] as i32 == ctx.thread.tid;
    let info = user_info(ctx, a[2], a[3], to_self)?;
    queue(ctx, a[2], info, to_self)
}

fn queue(ctx: &mut Ctx, sig: u64, info: SigInfo, to_self: bool) -> SysResult {
    if !to_self {
        return Err(Errno::ESRCH);
    }
    if sig != 0 {
        valid(sig)?;
        post_to_self(ctx, info);
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::super::tests::TestVm;
    use crate::signal;
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

    const STACK_TOP: u64 = 0x1f_0000;
    const HANDLER: u64 = 0x40_0000;

    fn handler(t: &mut TestVm, sig: u64, flags: u64, mask: u64) {
        let act = t.data(&[0; 24]);
        t.words(act, &[HANDLER, flags, mask]);
        assert_eq!(t.call(nr::RT_SIGACTION, [sig, act, 0, 8, 0, 0]), Ok(0));
    }

    fn deliver(t: &mut TestVm, syscall: Option<(u64, u64)>) -> Option<signal::Fatal> {
        signal::deliver_pending(&mut t.proc, &mut t.thread, &mut t.host, syscall)
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
        let pend = t.data(&[0; 8]);
        assert_eq!(t.call(nr::RT_SIGPENDING, [pend, 8, 0, 0, 0, 0]), Ok(0));
        assert_eq!(t.read(pend, 8), (1u64 << 5).to_le_bytes());
        assert_eq!(deliver(&mut t, None), None, "still blocked");
        let (r, stop) = t.call_stop(nr::RT_SIGPROCMASK, [1, set, 0, 8, 0, 0]);
        assert_eq!((r, stop), (Ok(0), None));
        let fatal = deliver(&mut t, Some((nr::RT_SIGPROCMASK, 1)));
        assert_eq!(fatal.map(|f| f.sig), Some(6));
    }

    #[test]
    fn handler_runs_with_mask_and_sigreturn_restores() {
        let mut t = TestVm::new();
        t.thread.cpu.x[2] = STACK_TOP;
        t.thread.cpu.pc = 0x1004;
        t.thread.cpu.x[10] = 0; // the tgkill result
        handler(
            &mut t,
            10,
            signal::SA_SIGINFO | signal::SA_RESETHAND,
            1 << 11,
        );
        assert_eq!(t.call(nr::TGKILL, [1000, 1000, 10, 0, 0, 0]), Ok(0));
        assert_eq!(deliver(&mut t, Some((nr::TGKILL, 1000))), None);
        let cpu = t.thread.cpu.clone();
        assert_eq!(cpu.pc, HANDLER);
        assert_eq!(cpu.x[10], 10);
        assert_eq!(cpu.x[1], crate::sigframe::TRAMPOLINE);
        assert_eq!(t.thread.sigmask, (1 << 9) | (1 << 11));
        assert_eq!(t.thread.pending, 0);
        // siginfo: SI_TKILL from pid 1000.
        let info = t.read(cpu.x[11], 24);
        assert_eq!(i32::from_le_bytes(info[8..12].try_into().unwrap()), -6);
        assert_eq!(i32::from_le_bytes(info[16..20].try_into().unwrap()), 1000);
        // SA_RESETHAND: the disposition is back to SIG_DFL.
        assert_eq!(t.proc.actions[9].handler, 0);
        // The trampoline's ecall: rt_sigreturn with sp at the frame.
        assert_eq!(t.call(nr::RT_SIGRETURN, [0; 6]), Ok(0));
        assert_eq!((t.thread.cpu.pc, t.thread.cpu.x[2]), (0x1004, STACK_TOP));
        assert_eq!(t.thread.sigmask, 0);
    }

    #[test]
    fn interrupted_syscalls_restart_or_fail_with_eintr() {
        let restart = signal::ERESTARTSYS;
        for (flags, want_pc, want_a0) in [
            (signal::SA_RESTART, 0x1000, 77u64),
            (0, 0x1004, (-(Errno::EINTR.0 as i64)) as u64),
        ] {
            let mut t = TestVm::new();
            t.thread.cpu.x[2] = STACK_TOP;
            handler(&mut t, 14, flags, 0);
            t.thread.cpu.pc = 0x1004;
            t.thread.cpu.x[10] = super::super::encode(Err(restart));
            signal::post(&t.proc, &mut t.thread, signal::SigInfo::kernel(14));
            assert_eq!(deliver(&mut t, Some((63, 77))), None);
            let frame = t.thread.cpu.x[2];
            let saved_pc = t.proc.mem.load_u64(frame + crate::sigframe::GREGS).unwrap();
            let saved_a0 = t
                .proc
                .mem
                .load_u64(frame + crate::sigframe::GREGS + 80)
                .unwrap();
            assert_eq!((saved_pc, saved_a0), (want_pc, want_a0));
        }
        // No signal to handle: always restarted.
        let mut t = TestVm::new();
        t.thread.cpu.pc = 0x1004;
        t.thread.cpu.x[10] = super::super::encode(Err(signal::ERESTARTNOHAND));
        assert_eq!(deliver(&mut t, Some((63, 5))), None);
        assert_eq!((t.thread.cpu.pc, t.thread.cpu.x[10]), (0x1000, 5));
    }

    #[test]
    fn realtime_signals_queue_in_order_standard_ones_do_not() {
        let mut t = TestVm::new();
        let set = t.data(&[0; 8]);
        t.words(set, &[(1 << 33) | (1 << 9)]);
        assert_eq!(t.call(nr::RT_SIGPROCMASK, [0, set, 0, 8, 0, 0]), Ok(0));
        let si = t.data(&[0; 128]);
        for v in 1..=3u64 {
            t.words(si, &[34, 0xffff_ffff, 1000, v]); // SI_QUEUE, sival_int v
            assert_eq!(t.call(nr::RT_SIGQUEUEINFO, [1000, 34, si, 0, 0, 0]), Ok(0));
            assert_eq!(t.call(nr::KILL, [1000, 10, 0, 0, 0, 0]), Ok(0));
        }
        assert_eq!(t.thread.sig.queue.len(), 4);
        let info = t.data(&[0; 128]);
        assert_eq!(t.call(nr::RT_SIGTIMEDWAIT, [set, info, 0, 8, 0, 0]), Ok(10));
        for v in 1..=3u32 {
            assert_eq!(t.call(nr::RT_SIGTIMEDWAIT, [set, info, 0, 8, 0, 0]), Ok(34));
            let b = t.read(info, 32);
            assert_eq!(u32::from_le_bytes(b[24..28].try_into().unwrap()), v);
        }
        let ts = t.data(&[0; 16]);
        assert_eq!(
            t.call(nr::RT_SIGTIMEDWAIT, [set, info, ts, 8, 0, 0]),
            Err(Errno::EAGAIN)
        );
        // Forging SI_USER for another process is refused.
        t.words(si, &[34, 0, 0]);
        assert_eq!(
            t.call(nr::RT_SIGQUEUEINFO, [4242, 34, si, 0, 0, 0]),
            Err(Errno::EPERM)
        );
    }

    #[test]
    fn interrupted_parked_call_restarts_or_fails_like_a_returning_one() {
        for (flags, rewound, want_pc, want_a0) in [
            (signal::SA_RESTART, true, 0x1000, 3u64),
            (0, true, 0x1004, (-4i64) as u64),
            (signal::SA_RESTART, false, 0x1000, 3),
        ] {
            let mut t = TestVm::new();
            t.thread.cpu.x[2] = STACK_TOP;
            handler(&mut t, 10, flags, 0);
            // Parked in read(3, ...): a7 = 63, a0 = 3.
            t.thread.cpu.x[17] = 63;
            t.thread.cpu.x[10] = 3;
            t.thread.cpu.pc = if rewound { 0x1000 } else { 0x1004 };
            assert_eq!(t.call(nr::TGKILL, [1000, 1000, 10, 0, 0, 0]), Ok(0));
            t.thread.cpu.x[10] = 3; // (the test's call above does not touch cpu)
            assert!(signal::interrupted(&t.thread));
            signal::interrupt_wait(&mut t.thread, rewound);
            assert_eq!(deliver(&mut t, None), None);
            let frame = t.thread.cpu.x[2];
            let saved_pc = t.proc.mem.load_u64(frame + crate::sigframe::GREGS).unwrap();
            let saved_a0 = t
                .proc
                .mem
                .load_u64(frame + crate::sigframe::GREGS + 80)
                .unwrap();
            assert_eq!((saved_pc, saved_a0), (want_pc, want_a0));
        }
    }

    #[test]
    fn parked_sigtimedwait_reruns_for_its_signal_and_fails_for_others() {
        let mut t = TestVm::new();
        t.thread.cpu.x[2] = STACK_TOP;
        t.thread.sigmask = 1 << 11; // SIGUSR2 blocked, awaited
        t.thread.sig.waiting = 1 << 11;
        t.thread.cpu.x[17] = nr::RT_SIGTIMEDWAIT;
        t.thread.cpu.x[10] = 0x5000;
        t.thread.cpu.pc = 0x1004;
        assert!(!signal::interrupted(&t.thread));
        assert_eq!(t.call(nr::TGKILL, [1000, 1000, 12, 0, 0, 0]), Ok(0));
        assert!(signal::interrupted(&t.thread));
        signal::interrupt_wait(&mut t.thread, false);
        assert_eq!(deliver(&mut t, None), None);
        assert_eq!((t.thread.cpu.pc, t.thread.cpu.x[10]), (0x1000, 0x5000));
        // Woken by a handled signal it does not wait for: EINTR, even with SA_RESTART.
        handler(&mut t, 10, signal::SA_RESTART, 0);
        t.thread.sig.waiting = 1 << 11;
        t.thread.pending = 0;
        t.thread.sig.queue.clear();
        t.thread.cpu.pc = 0x1004;
        assert_eq!(t.call(nr::TGKILL, [1000, 1000, 10, 0, 0, 0]), Ok(0));
        signal::interrupt_wait(&mut t.thread, false);
        assert_eq!(deliver(&mut t, None), None);
        let frame = t.thread.cpu.x[2];
        let saved_a0 = t
            .proc
            .mem
            .load_u64(frame + crate::sigframe::GREGS + 80)
            .unwrap();
        assert_eq!(saved_a0 as i64, -4);
    }

    #[test]
    fn sigsuspend_wakes_on_the_timer_or_reports_deadlock() {
        let mut t = TestVm::new();
        let mask = t.data(&[0; 8]);
        let (_, stop) = t.call_stop(nr::RT_SIGSUSPEND, [mask, 8, 0, 0, 0, 0]);
        // The scheduler parks the thread until a signal comes.
        assert_eq!(stop, None);
        assert!(matches!(
            t.kernel.block.take(),
            Some(crate::sched::Wait::SigWait {
                want: u64::MAX,
                deadline: None
            })
        ));
        let mut t = TestVm::new();
        t.thread.cpu.x[2] = STACK_TOP;
        handler(&mut t, 14, 0, 0);
        t.thread.sigmask = 1 << 13;
        let it = t.data(&[0; 32]);
        t.words(it, &[0, 0, 5, 0]); // 5 s
        assert_eq!(t.call(nr::SETITIMER, [0, it, 0, 0, 0, 0]), Ok(0));
        let (_, stop) = t.call_stop(nr::RT_SIGSUSPEND, [mask, 8, 0, 0, 0, 0]);
        assert_eq!(stop, None);
        assert!(t.kernel.block.take().is_some(), "parked");
        // The timer fires (the scheduler does this for parked threads) and
        // the call runs again.
        t.host.clock_ns += 6_000_000_000;
        crate::itimer::expire(&mut t.proc, &mut t.thread, &mut t.host);
        let (r, stop) = t.call_stop(nr::RT_SIGSUSPEND, [mask, 8, 0, 0, 0, 0]);
        assert_eq!((r, stop), (Err(signal::ERESTARTNOHAND), None));
        assert!(t.kernel.block.is_none());
        t.thread.cpu.x[10] = super::super::encode(r);
        assert_eq!(deliver(&mut t, Some((nr::RT_SIGSUSPEND, mask))), None);
        assert_eq!(t.thread.cpu.pc, HANDLER);
        let frame = t.thread.cpu.x[2];
        let saved_mask = t
            .proc
            .mem
            .load_u64(frame + crate::sigframe::UC_SIGMASK)
            .unwrap();
        assert_eq!(saved_mask, 1 << 13, "the pre-sigsuspend mask comes back");
        let saved_a0 = t
            .proc
            .mem
            .load_u64(frame + crate::sigframe::GREGS + 80)
            .unwrap();
        assert_eq!(saved_a0 as i64, -4, "EINTR");
    }

    #[test]
    fn faults_while_blocked_kill_and_handled_ones_get_siginfo() {
        let mut t = TestVm::new();
        t.thread.cpu.x[2] = STACK_TOP;
        handler(&mut t, 11, signal::SA_SIGINFO, 0);
        t.thread.sigmask = 1 << 10;
        let info = signal::SigInfo::fault(11, signal::SEGV_MAPERR, 0x10);
        let f = signal::force_fault(&mut t.proc, &mut t.thread, &mut t.host, info);
        assert_eq!(
            f,
            Some(signal::Fatal {
                sig: 11,
                addr: Some(0x10)
            })
        );
        let mut t = TestVm::new();
        t.thread.cpu.x[2] = STACK_TOP;
        t.thread.cpu.pc = 0x1234;
        handler(&mut t, 11, signal::SA_SIGINFO, 0);
        let info = signal::SigInfo::fault(11, signal::SEGV_ACCERR, 0x77);
        let f = signal::force_fault(&mut t.proc, &mut t.thread, &mut t.host, info);
        assert_eq!(f, None);
        let si = t.read(t.thread.cpu.x[11], 24);
        assert_eq!(si[8], 2);
        assert_eq!(u64::from_le_bytes(si[16..24].try_into().unwrap()), 0x77);
        let frame = t.thread.cpu.x[2];
        assert_eq!(
            t.proc.mem.load_u64(frame + crate::sigframe::GREGS).unwrap(),
            0x1234
        );
    }

    #[test]
    fn sigaltstack_rules() {
        let mut t = TestVm::new();
        let ss = t.data(&[0; 24]);
        let old = t.data(&[0xff; 24]);
        t.words(ss, &[0x18_0000, 0, 1000]);
        assert_eq!(
            t.call(nr::SIGALTSTACK, [ss, 0, 0, 0, 0, 0]),
            Err(Errno::ENOMEM)
        );
        t.words(ss, &[0x18_0000, 0, 0x1_0000]);
        assert_eq!(t.call(nr::SIGALTSTACK, [ss, old, 0, 0, 0, 0]), Ok(0));
        assert_eq!(t.read(old + 8, 4), 2u32.to_le_bytes(), "was SS_DISABLE");
        t.thread.cpu.x[2] = 0x18_8000; // running on it
        assert_eq!(t.call(nr::SIGALTSTACK, [0, old, 0, 0, 0, 0]), Ok(0));
        assert_eq!(t.read(old + 8, 4), 1u32.to_le_bytes(), "SS_ONSTACK");
        assert_eq!(
            t.call(nr::SIGALTSTACK, [ss, 0, 0, 0, 0, 0]),
            Err(Errno::EPERM)
        );
        t.words(ss, &[0, 7, 0]);
        t.thread.cpu.x[2] = STACK_TOP;
        assert_eq!(
            t.call(nr::SIGALTSTACK, [ss, 0, 0, 0, 0, 0]),
            Err(Errno::EINVAL)
        );
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
