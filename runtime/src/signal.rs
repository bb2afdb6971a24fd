//! Signals: numbers, names, default actions, the `siginfo` records that
//! travel with them, per-thread pending queues, and delivery: turning the
//! next deliverable signal into a handler frame (see [`crate::sigframe`]),
//! a kill, or nothing, the way Linux's `get_signal` and riscv's
//! `arch_do_signal_or_restart` do.
//!
//! Hooks for the run loop (all take the process/thread pieces, not the VM):
//! - [`deliver_pending`] before resuming a thread and after every syscall
//!   (it also applies the syscall-restart rules for `ERESTART*` results);
//! - [`force_fault`] when the thread faults (SIGSEGV, SIGBUS, SIGILL,
//!   SIGTRAP), which delivers to a handler or kills like Linux's `force_sig`.
//!
//! Blocking syscalls (pipes, waits, futexes) return [`ERESTARTSYS`] (restarted
//! under `SA_RESTART`, else `EINTR`) or [`ERESTARTNOHAND`] (always `EINTR` when
//! a handler runs) when [`interrupted`] says a signal is waiting.
//!
//! Stop signals (`SIGSTOP`, `SIGTSTP`, ...) are a documented limitation:
//! without job control their default action does nothing.

use crate::host::Host;
use crate::task::{Process, SigAction, Thread, NSIG};
use crate::Errno;

/// `SIGHUP`.
pub const SIGHUP: i32 = 1;
/// `SIGINT`.
pub const SIGINT: i32 = 2;
/// `SIGQUIT`.
pub const SIGQUIT: i32 = 3;
/// `SIGILL`.
pub const SIGILL: i32 = 4;
/// `SIGTRAP`.
pub const SIGTRAP: i32 = 5;
/// `SIGABRT`.
pub const SIGABRT: i32 = 6;
/// `SIGBUS`.
pub const SIGBUS: i32 = 7;
/// `SIGFPE`.
pub const SIGFPE: i32 = 8;
/// `SIGKILL`.
pub const SIGKILL: i32 = 9;
/// `SIGUSR1`.
pub const SIGUSR1: i32 = 10;
/// `SIGSEGV`.
pub const SIGSEGV: i32 = 11;
/// `SIGUSR2`.
pub const SIGUSR2: i32 = 12;
/// `SIGPIPE`.
pub const SIGPIPE: i32 = 13;
/// `SIGALRM`.
pub const SIGALRM: i32 = 14;
/// `SIGTERM`.
pub const SIGTERM: i32 = 15;
/// `SIGCHLD`.
pub const SIGCHLD: i32 = 17;
/// `SIGCONT`.
pub const SIGCONT: i32 = 18;
/// `SIGSTOP`.
pub const SIGSTOP: i32 = 19;
/// `SIGTSTP`.
pub const SIGTSTP: i32 = 20;
/// `SIGTTIN`.
pub const SIGTTIN: i32 = 21;
/// `SIGTTOU`.
pub const SIGTTOU: i32 = 22;
/// `SIGURG`.
pub const SIGURG: i32 = 23;
/// `SIGVTALRM`.
pub const SIGVTALRM: i32 = 26;
/// `SIGPROF`.
pub const SIGPROF: i32 = 27;
/// `SIGWINCH`.
pub const SIGWINCH: i32 = 28;
/// `SIGSYS`.
pub const SIGSYS: i32 = 31;

/// `SIG_DFL` handler value.
pub const SIG_DFL: u64 = 0;
/// `SIG_IGN` handler value.
pub const SIG_IGN: u64 = 1;

/// `SA_SIGINFO`.
pub const SA_SIGINFO: u64 = 4;
/// `SA_ONSTACK`.
pub const SA_ONSTACK: u64 = 0x0800_0000;
/// `SA_RESTART`.
pub const SA_RESTART: u64 = 0x1000_0000;
/// `SA_NODEFER`.
pub const SA_NODEFER: u64 = 0x4000_0000;
/// `SA_RESETHAND`.
pub const SA_RESETHAND: u64 = 0x8000_0000;

/// `si_code`: sent by `kill`.
pub const SI_USER: i32 = 0;
/// `si_code`: sent by the kernel.
pub const SI_KERNEL: i32 = 0x80;
/// `si_code`: sent by `sigqueue`.
pub const SI_QUEUE: i32 = -1;
/// `si_code`: sent by `tkill`/`tgkill`.
pub const SI_TKILL: i32 = -6;
/// `si_code` of SIGSEGV: no mapping.
pub const SEGV_MAPERR: i32 = 1;
/// `si_code` of SIGSEGV: mapping without the permission.
pub const SEGV_ACCERR: i32 = 2;
/// `si_code` of SIGBUS: misaligned address.
pub const BUS_ADRALN: i32 = 1;
/// `si_code` of SIGBUS: nonexistent physical address (a file page past the end).
pub const BUS_ADRERR: i32 = 2;
/// `si_code` of SIGILL: illegal opcode.
pub const ILL_ILLOPC: i32 = 1;
/// `si_code` of SIGTRAP: breakpoint.
pub const TRAP_BRKPT: i32 = 1;

/// Kernel-internal "restart if `SA_RESTART`, else `EINTR`" (never seen by the guest).
pub const ERESTARTSYS: Errno = Errno(512);
/// Kernel-internal "always restart" (never seen by the guest).
pub const ERESTARTNOINTR: Errno = Errno(513);
/// Kernel-internal "restart unless a handler runs" (never seen by the guest).
pub const ERESTARTNOHAND: Errno = Errno(514);

/// Signals that can be neither caught, blocked nor ignored.
pub const UNBLOCKABLE: u64 = (1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1));

/// Synchronous (fault) signals, dequeued before the others as Linux does.
const SYNCHRONOUS: u64 = (1 << (SIGSEGV - 1))
    | (1 << (SIGBUS - 1))
    | (1 << (SIGILL - 1))
    | (1 << (SIGTRAP - 1))
    | (1 << (SIGFPE - 1))
    | (1 << (SIGSYS - 1));

/// The mask bit of `sig` (1..=64).
pub fn bit(sig: i32) -> u64 {
    1u64 << (sig - 1)
}

/// What a signal does when it has its default disposition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultAction {
    /// Kill the process.
    Terminate,
    /// Kill the process with a core dump (none is written; the wait status says so).
    Core,
    /// Nothing happens.
    Ignore,
    /// Stop the process (job control; does nothing: there is no job control yet).
    Stop,
    /// Continue a stopped process (otherwise nothing).
    Continue,
}

/// The default action of `sig`.
pub fn default_action(sig: i32) -> DefaultAction {
    match sig {
        SIGCHLD | SIGURG | SIGWINCH => DefaultAction::Ignore,
        SIGCONT => DefaultAction::Continue,
        SIGSTOP | SIGTSTP | 21 | 22 => DefaultAction::Stop,
        SIGQUIT | SIGILL | SIGTRAP | SIGABRT | SIGBUS | SIGFPE | SIGSEGV | 24 | 25 | SIGSYS => {
            DefaultAction::Core
        }
        _ => DefaultAction::Terminate,
    }
}

/// Whether `sig`'s default action dumps core. (With `RLIMIT_CORE` 0, the
/// default here, Linux writes no core and leaves `WCOREDUMP` clear.)
pub fn dumps_core(sig: i32) -> bool {
    default_action(sig) == DefaultAction::Core
}

/// One `siginfo_t` (128 bytes: signo, errno, code, then the union at 16).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SigInfo(pub [u8; 128]);

impl core::fmt::Debug for SigInfo {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "SigInfo({} code {})", self.signo(), self.code())
    }
}

impl SigInfo {
    fn new(signo: i32, code: i32) -> Self {
        let mut b = [0u8; 128];
        b[0..4].copy_from_slice(&signo.to_le_bytes());
        b[8..12].copy_from_slice(&code.to_le_bytes());
        SigInfo(b)
    }

    fn put32(mut self, off: usize, v: u32) -> Self {
        self.0[off..off + 4].copy_from_slice(&v.to_le_bytes());
        self
    }

    fn put64(mut self, off: usize, v: u64) -> Self {
        self.0[off..off + 8].copy_from_slice(&v.to_le_bytes());
        self
    }

    /// Sent by a process (`kill`: `SI_USER`, `tgkill`: `SI_TKILL`) with its pid and uid.
    pub fn user(signo: i32, code: i32, pid: i32, uid: u32) -> Self {
        SigInfo::new(signo, code)
            .put32(16, pid as u32)
            .put32(20, uid)
    }

    /// Sent by the kernel (`SI_KERNEL`, no sender).
    pub fn kernel(signo: i32) -> Self {
        SigInfo::new(signo, SI_KERNEL)
    }

    /// A synchronous fault at `addr` (`si_addr`).
    pub fn fault(signo: i32, code: i32, addr: u64) -> Self {
        SigInfo::new(signo, code).put64(16, addr)
    }

    /// `SIGCHLD` for child `pid` (`code` `CLD_EXITED` 1, `CLD_KILLED` 2,
    /// `CLD_DUMPED` 3; `status` the exit code or signal).
    pub fn child(pid: i32, uid: u32, code: i32, status: i32) -> Self {
        SigInfo::new(SIGCHLD, code)
            .put32(16, pid as u32)
            .put32(20, uid)
            .put32(24, status as u32)
    }

    /// `si_signo`.
    pub fn signo(&self) -> i32 {
        i32::from_le_bytes([self.0[0], self.0[1], self.0[2], self.0[3]])
    }

    /// `si_code`.
    pub fn code(&self) -> i32 {
        i32::from_le_bytes([self.0[8], self.0[9], self.0[10], self.0[11]])
    }

    /// The first union word (`si_addr` for faults).
    pub fn addr(&self) -> u64 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&self.0[16..24]);
        u64::from_le_bytes(w)
    }
}

/// A thread's signal state beyond its mask and pending bits (which stay in
/// [`Thread::sigmask`] / [`Thread::pending`]).
#[derive(Debug, Clone, Default)]
pub struct ThreadSignals {
    /// Queued `siginfo`s in arrival order: at most one per standard signal,
    /// any number per real-time signal. `Thread::pending` has a bit for
    /// each signal that has an entry here (or, set directly, none).
    pub queue: Vec<SigInfo>,
    /// The mask to restore after a temporary one (`rt_sigsuspend`): saved in
    /// the next handler frame, or restored when no handler runs.
    pub saved_mask: Option<u64>,
    /// A parked syscall `(nr, orig_a0)` that [`interrupt_wait`] ended with an
    /// `ERESTART*` code: the next [`deliver_pending`] applies the restart rules.
    pub restart: Option<(u64, u64)>,
    /// Blocked signals that still end a wait (`rt_sigtimedwait`'s set while
    /// it is parked); 0 otherwise.
    pub waiting: u64,
    /// The host monotonic deadline of a `nanosleep`/`clock_nanosleep` a
    /// signal interrupted: the next [`deliver_pending`] writes the time left
    /// to its `rem` argument, and keeps it here when it restarts the call
    /// (no handler ran), for the restarted call to sleep until it.
    pub sleep_deadline: Option<u64>,
}

/// The disposition of `sig` in `proc`.
pub fn action(proc: &Process, sig: i32) -> SigAction {
    proc.actions[sig as usize - 1]
}

/// Whether `sig` would be dropped on arrival (Linux `sig_ignored`): ignored
/// explicitly or by default and not blocked (a blocked signal stays pending
/// because the disposition may change before it is unblocked).
fn ignored(proc: &Process, thread: &Thread, sig: i32) -> bool {
    if bit(sig) & UNBLOCKABLE != 0 || thread.sigmask & bit(sig) != 0 {
        return false;
    }
    let h = action(proc, sig).handler;
    h == SIG_IGN
        || (h == SIG_DFL
            && matches!(
                default_action(sig),
                DefaultAction::Ignore | DefaultAction::Continue
            ))
}

/// Queues `info` for `thread` (Linux `__send_signal`): dropped when ignored,
/// or when a standard signal of that number is already pending.
pub fn post(proc: &Process, thread: &mut Thread, info: SigInfo) {
    let sig = info.signo();
    if !(1..=NSIG as i32).contains(&sig) || ignored(proc, thread, sig) {
        return;
    }
    if sig < 32 && thread.pending & bit(sig) != 0 {
        return;
    }
    thread.pending |= bit(sig);
    thread.sig.queue.push(info);
}

/// Posts a process-directed signal (`kill`) to one of `threads`, the
/// process's live threads with the main thread first: the first that does
/// not block it (Linux `complete_signal`), else the main thread, where it
/// stays pending. Returns the index of the chosen thread (the caller wakes
/// it if it is parked and [`interrupted`] now holds), or `None` when there
/// are no threads or the signal was dropped as ignored.
pub fn post_to_process(
    proc: &Process,
    threads: &mut [&mut Thread],
    info: SigInfo,
) -> Option<usize> {
    let sig = info.signo();
    if !(1..=NSIG as i32).contains(&sig) || threads.is_empty() {
        return None;
    }
    let i = threads
        .iter()
        .position(|t| t.sigmask & bit(sig) == 0)
        .unwrap_or(0);
    let before = threads[i].sig.queue.len();
    post(proc, threads[i], info);
    (threads[i].sig.queue.len() > before || threads[i].pending & bit(sig) != 0).then_some(i)
}

/// Removes and returns the next pending signal among `allowed` (fault
/// signals first, then the lowest number; arrival order within one number).
pub fn dequeue(thread: &mut Thread, allowed: u64) -> Option<SigInfo> {
    let ready = thread.pending & allowed;
    if ready == 0 {
        return None;
    }
    let pick = if ready & SYNCHRONOUS != 0 {
        ready & SYNCHRONOUS
    } else {
        ready
    };
    let sig = pick.trailing_zeros() as i32 + 1;
    let q = &mut thread.sig.queue;
    let info = match q.iter().position(|i| i.signo() == sig) {
        Some(i) => q.remove(i),
        None => SigInfo::kernel(sig),
    };
    if !q.iter().any(|i| i.signo() == sig) {
        thread.pending &= !bit(sig);
    }
    Some(info)
}

/// Drops every pending instance of `sig` (its disposition became "ignore").
pub fn flush(thread: &mut Thread, sig: i32) {
    thread.pending &= !bit(sig);
    thread.sig.queue.retain(|i| i.signo() != sig);
}

/// Whether a signal is waiting that should interrupt a blocking syscall
/// (or end a parked `rt_sigtimedwait`).
pub fn interrupted(thread: &Thread) -> bool {
    thread.pending & (!thread.sigmask | thread.sig.waiting) != 0
}

/// The code a parked syscall `nr` ends with when a signal interrupts it
/// (Linux: most calls `-ERESTARTSYS`; `ERESTARTNOHAND` for those never
/// restarted after a handler; `epoll_pwait` is plain `EINTR`). A parked
/// `rt_sigtimedwait` whose awaited signal arrived re-runs to collect it.
fn interrupt_code(nr: u64, thread: &Thread) -> Errno {
    match nr {
        137 if thread.pending & thread.sig.waiting != 0 => ERESTARTNOINTR,
        137 | 22 => Errno::EINTR,
        // pselect6, ppoll, nanosleep, clock_nanosleep, rt_sigsuspend
        72 | 73 | 101 | 115 | 133 => ERESTARTNOHAND,
        _ => ERESTARTSYS,
    }
}

/// Ends the wait of a thread parked in a syscall because a signal arrived
/// (SCHEDULER HOOK: call it, and clear the wait, when [`interrupted`]
/// becomes true for a parked thread). The call returns the code Linux's
/// would (see `interrupt_code`), and the next [`deliver_pending`] turns an
/// `ERESTART*` code into `EINTR` or a restart (`SA_RESTART`). `rewound` says
/// the pc was already moved back to the `ecall` (a restarting wait).
pub fn interrupt_wait(thread: &mut Thread, rewound: bool) {
    let code = interrupt_code(thread.cpu.x[17], thread);
    thread.sig.waiting = 0;
    let cpu = &mut thread.cpu;
    if rewound {
        cpu.pc = cpu.pc.wrapping_add(4);
    }
    thread.sig.restart = Some((cpu.x[17], cpu.x[10]));
    cpu.x[10] = (-(code.0 as i64)) as u64;
}

/// A signal that ends the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fatal {
    /// The signal.
    pub sig: i32,
    /// The fault address to report, for faults.
    pub addr: Option<u64>,
}

/// The riscv64 `rt_sigreturn` syscall number (the trampoline's).
const NR_RT_SIGRETURN: u64 = 139;

/// Runs the signal work due before `thread` resumes user code: fires
/// expired interval timers, then delivers every deliverable pending signal
/// (a handler frame each, innermost last, as Linux's exit-to-user loop does).
///
/// `syscall` is `Some((nr, orig_a0))` right after syscall `nr` returned (its
/// result already in `a0`): an `ERESTART*` result is then turned into a
/// restart (pc back to the `ecall`, `a0` = `orig_a0`) or `EINTR`.
///
/// Returns the signal that kills the process, if one does.
#[inline]
pub fn deliver_pending(
    proc: &mut Process,
    thread: &mut Thread,
    host: &mut dyn Host,
    syscall: Option<(u64, u64)>,
) -> Option<Fatal> {
    // The common case after a syscall, kept inline and out of the frame of
    // the general path: no timer, nothing deliverable, no restart or saved
    // mask to settle. Only a restartable result needs rewinding.
    if !proc.itimers.armed()
        && thread.pending & !thread.sigmask == 0
        && thread.sig.restart.is_none()
        && thread.sig.saved_mask.is_none()
    {
        if let Some((nr, orig_a0)) = syscall {
            if nr != NR_RT_SIGRETURN && restartable(thread.cpu.x[10]) {
                thread.cpu.x[10] = orig_a0;
                thread.cpu.pc = thread.cpu.pc.wrapping_sub(4);
            }
        }
        return None;
    }
    deliver_pending_slow(proc, thread, host, syscall)
}

/// [`deliver_pending`] when a timer is armed or something is pending.
#[inline(never)]
fn deliver_pending_slow(
    proc: &mut Process,
    thread: &mut Thread,
    host: &mut dyn Host,
    syscall: Option<(u64, u64)>,
) -> Option<Fatal> {
    if proc.itimers.armed() {
        crate::itimer::expire(proc, thread, host);
    }
    let syscall = syscall.or(thread.sig.restart.take());
    let sleep_deadline = thread.sig.sleep_deadline.take();
    if let Some(deadline) = sleep_deadline {
        write_sleep_rem(proc, thread, host, deadline, syscall);
    }
    let mut syscall = syscall.filter(|&(nr, _)| nr != NR_RT_SIGRETURN);
    let mut handled = false;
    while let Some(info) = dequeue(thread, !thread.sigmask) {
        let sig = info.signo();
        let act = action(proc, sig);
        if act.handler == SIG_IGN && sig != SIGKILL {
            continue;
        }
        if act.handler == SIG_DFL || sig == SIGKILL {
            match default_action(sig) {
                DefaultAction::Ignore | DefaultAction::Continue | DefaultAction::Stop => continue,
                DefaultAction::Terminate | DefaultAction::Core => {
                    return Some(Fatal { sig, addr: None })
                }
            }
        }
        if let Some((_, orig_a0)) = syscall.take() {
            let r = thread.cpu.x[10] as i64;
            let restart = r == -(ERESTARTNOINTR.0 as i64)
                || (r == -(ERESTARTSYS.0 as i64) && act.flags & SA_RESTART != 0);
            if restart {
                thread.cpu.x[10] = orig_a0;
                thread.cpu.pc = thread.cpu.pc.wrapping_sub(4);
            } else if r == -(ERESTARTSYS.0 as i64) || r == -(ERESTARTNOHAND.0 as i64) {
                thread.cpu.x[10] = (-(Errno::EINTR.0 as i64)) as u64;
            }
        }
        if let Some(f) = run_handler(proc, thread, &info, act) {
            return Some(f);
        }
        handled = true;
    }
    if let Some((_, orig_a0)) = syscall {
        if restartable(thread.cpu.x[10]) {
            thread.cpu.x[10] = orig_a0;
            thread.cpu.pc = thread.cpu.pc.wrapping_sub(4);
            // A restarted sleep keeps its deadline (Linux's restart_block).
            thread.sig.sleep_deadline = sleep_deadline;
        }
    }
    if !handled {
        if let Some(m) = thread.sig.saved_mask.take() {
            thread.sigmask = m;
        }
    }
    None
}

/// After a signal ended `nanosleep(req, rem)` or a relative
/// `clock_nanosleep(clk, flags, req, rem)` early: writes the time left
/// until `deadline` to `rem` (when not NULL), as Linux does before it
/// returns EINTR (a bad `rem` is ignored here; Linux would return EFAULT).
fn write_sleep_rem(
    proc: &mut Process,
    thread: &Thread,
    host: &mut dyn Host,
    deadline: u64,
    syscall: Option<(u64, u64)>,
) {
    const NR_NANOSLEEP: u64 = 101;
    const NR_CLOCK_NANOSLEEP: u64 = 115;
    const TIMER_ABSTIME: u64 = 1;
    let x = &thread.cpu.x;
    let rem = match syscall {
        Some((NR_NANOSLEEP, _)) => x[11],
        Some((NR_CLOCK_NANOSLEEP, _)) if x[11] & TIMER_ABSTIME == 0 => x[13],
        _ => 0,
    };
    if rem == 0 {
        return;
    }
    let left = deadline.saturating_sub(host.monotonic_ns());
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&(left / 1_000_000_000).to_le_bytes());
    b[8..].copy_from_slice(&(left % 1_000_000_000).to_le_bytes());
    let _ = proc.mem.write_bytes(rem, &b);
}

/// True if a syscall result `a0` asks to run the call again when no
/// handler intervenes (ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND).
fn restartable(a0: u64) -> bool {
    let r = a0 as i64;
    [ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND]
        .iter()
        .any(|e| r == -(e.0 as i64))
}

/// Sets up the handler frame for `info` and updates the mask and
/// disposition (`SA_NODEFER`, `SA_RESETHAND`). A frame that cannot be
/// written kills with SIGSEGV (Linux `force_sigsegv`).
fn run_handler(
    proc: &mut Process,
    thread: &mut Thread,
    info: &SigInfo,
    act: SigAction,
) -> Option<Fatal> {
    let sig = info.signo();
    let saved = thread.sig.saved_mask.take().unwrap_or(thread.sigmask);
    let frame = crate::sigframe::setup(
        &mut proc.mem,
        &mut thread.cpu,
        &mut thread.altstack,
        info,
        act,
        saved,
    );
    if frame.is_err() {
        return Some(Fatal {
            sig: SIGSEGV,
            addr: None,
        });
    }
    let mut mask = thread.sigmask | act.mask;
    if act.flags & SA_NODEFER == 0 {
        mask |= bit(sig);
    }
    thread.sigmask = mask & !UNBLOCKABLE;
    if act.flags & SA_RESETHAND != 0 {
        proc.actions[sig as usize - 1] = SigAction::default();
    }
    None
}

/// A synchronous fault (SIGSEGV, SIGBUS, SIGILL, SIGTRAP with its `siginfo`)
/// at the current pc, which the handler returns to. Like Linux's
/// `force_sig_fault`: a blocked or ignored fault signal is unblocked and reset
/// to its default action, which kills. Returns the killing signal if any.
pub fn force_fault(
    proc: &mut Process,
    thread: &mut Thread,
    host: &mut dyn Host,
    info: SigInfo,
) -> Option<Fatal> {
    let sig = info.signo();
    let blocked = thread.sigmask & bit(sig) != 0;
    if blocked || action(proc, sig).handler == SIG_IGN {
        proc.actions[sig as usize - 1].handler = SIG_DFL;
        thread.sigmask &= !bit(sig);
    }
    if action(proc, sig).handler == SIG_DFL {
        return Some(Fatal {
            sig,
            addr: Some(info.addr()),
        });
    }
    // A standard signal already pending is not queued twice; the fault's
    // own siginfo must still be the one delivered.
    flush(thread, sig);
    post(proc, thread, info);
    deliver_pending(proc, thread, host, None)
}

/// What `execve` does to signal state (Linux `flush_signal_handlers` and
/// friends): handlers go back to `SIG_DFL` (ignored signals stay ignored,
/// flags and masks are cleared), the alternate stack is disabled; the mask
/// and pending signals survive.
pub fn on_exec(proc: &mut Process, thread: &mut Thread) {
    for a in proc.actions.iter_mut() {
        let handler = if a.handler == SIG_IGN {
            SIG_IGN
        } else {
            SIG_DFL
        };
        *a = SigAction {
            handler,
            flags: 0,
            mask: 0,
        };
    }
    thread.altstack = (0, crate::sigframe::SS_DISABLE, 0);
    thread.sig.saved_mask = None;
}

/// What `fork`/`clone` gives the new thread (Linux `copy_process`): the
/// mask and alternate stack are inherited, nothing is pending. (The new
/// process's interval timers start disarmed: `Timers::default()`.)
pub fn on_fork_child(thread: &mut Thread) {
    thread.pending = 0;
    thread.sig = ThreadSignals::default();
}

/// Symbolic name (`"SIGSEGV"`).
pub fn name(sig: i32) -> String {
    const NAMES: [&str; 31] = [
        "SIGHUP",
        "SIGINT",
        "SIGQUIT",
        "SIGILL",
        "SIGTRAP",
        "SIGABRT",
        "SIGBUS",
        "SIGFPE",
        "SIGKILL",
        "SIGUSR1",
        "SIGSEGV",
        "SIGUSR2",
        "SIGPIPE",
        "SIGALRM",
        "SIGTERM",
        "SIGSTKFLT",
        "SIGCHLD",
        "SIGCONT",
        "SIGSTOP",
        "SIGTSTP",
        "SIGTTIN",
        "SIGTTOU",
        "SIGURG",
        "SIGXCPU",
        "SIGXFSZ",
        "SIGVTALRM",
        "SIGPROF",
        "SIGWINCH",
        "SIGIO",
        "SIGPWR",
        "SIGSYS",
    ];
    match sig {
        1..=31 => NAMES[sig as usize - 1].to_string(),
        32..=64 => format!("SIGRT_{}", sig - 32),
        _ => format!("signal {sig}"),
    }
}

/// The shell's description (`"Segmentation fault"`).
pub fn description(sig: i32) -> &'static str {
    match sig {
        SIGHUP => "Hangup",
        SIGINT => "Interrupt",
        SIGQUIT => "Quit",
        SIGILL => "Illegal instruction",
        SIGTRAP => "Trace/breakpoint trap",
        SIGABRT => "Aborted",
        SIGBUS => "Bus error",
        SIGFPE => "Floating point exception",
        SIGKILL => "Killed",
        10 => "User defined signal 1",
        SIGSEGV => "Segmentation fault",
        12 => "User defined signal 2",
        SIGPIPE => "Broken pipe",
        14 => "Alarm clock",
        SIGTERM => "Terminated",
        24 => "CPU time limit exceeded",
        25 => "File size limit exceeded",
        26 => "Virtual timer expired",
        27 => "Profiling timer expired",
        31 => "Bad system call",
        _ => "Killed by a signal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(name(SIGSEGV), "SIGSEGV");
        assert_eq!(name(31), "SIGSYS");
        assert_eq!(name(34), "SIGRT_2");
        assert_eq!(description(SIGILL), "Illegal instruction");
        assert_eq!(default_action(SIGCHLD), DefaultAction::Ignore);
        assert_eq!(default_action(SIGABRT), DefaultAction::Core);
        assert_eq!(default_action(SIGTERM), DefaultAction::Terminate);
        assert_eq!(default_action(SIGCONT), DefaultAction::Continue);
        assert!(dumps_core(SIGSEGV) && !dumps_core(SIGKILL));
    }

    #[test]
    fn process_signals_go_to_a_thread_that_does_not_block_them() {
        use nanovm::mem::AddressSpace;
        let p = Process::new(AddressSpace::new(), 0x1000, b"x");
        let mut main = Thread::new(p.pid, 0);
        let mut other = Thread::new(p.pid, 0);
        other.tid += 1;
        main.sigmask = bit(SIGUSR1);
        let got = post_to_process(&p, &mut [&mut main, &mut other], SigInfo::kernel(SIGUSR1));
        assert_eq!(got, Some(1));
        assert!(interrupted(&other) && !interrupted(&main));
        other.sigmask = bit(SIGUSR1);
        let got = post_to_process(&p, &mut [&mut main, &mut other], SigInfo::kernel(SIGUSR2));
        assert_eq!(got, Some(0));
        // Ignored by default: dropped.
        let got = post_to_process(&p, &mut [&mut main, &mut other], SigInfo::kernel(SIGCHLD));
        assert_eq!(got, None);
    }

    #[test]
    fn exec_resets_handlers_keeps_ignores_and_fork_clears_pending() {
        use nanovm::mem::AddressSpace;
        let mut p = Process::new(AddressSpace::new(), 0x1000, b"x");
        let mut t = Thread::new(p.pid, 0);
        p.actions[9] = SigAction {
            handler: 0x4000,
            flags: SA_SIGINFO,
            mask: 3,
        };
        p.actions[12].handler = SIG_IGN;
        t.sigmask = 1 << 9;
        post(&p, &mut t, SigInfo::kernel(10));
        t.altstack = (0x8000, 0, 0x4000);
        on_exec(&mut p, &mut t);
        assert_eq!(p.actions[9], SigAction::default());
        assert_eq!(p.actions[12].handler, SIG_IGN);
        assert_eq!(t.altstack.2, 0);
        assert_eq!((t.sigmask, t.pending), (1 << 9, 1 << 9));
        on_fork_child(&mut t);
        assert_eq!((t.pending, t.sig.queue.len()), (0, 0));
        assert_eq!(dequeue(&mut t, !0), None);
    }
}
