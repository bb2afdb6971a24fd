//! Blocking syscalls: what a parked thread waits for, and how it wakes.
//!
//! A handler that must wait calls [`block`]: it records a [`Wait`] in the
//! kernel's request slot and returns. The scheduler (`Vm::run`) then parks
//! the calling thread and runs others. Two kinds of wake-up exist:
//!
//! - *Completion*: the waker decides the syscall's result (a futex wake is
//!   0, a timeout `-ETIMEDOUT`, an elapsed sleep 0, a vfork parent gets the
//!   child's pid) and writes it to `a0`; the thread resumes after the `ecall`.
//! - *Restart*: the thread's pc is rewound to the `ecall` when it parks, so
//!   on wake-up the same syscall runs again from scratch with the same
//!   arguments (waiting for a child re-scans the zombies; a pipe read
//!   re-checks the buffer). Handlers of restartable waits are therefore
//!   idempotent until they succeed.
//!
//! The alternative, saving a continuation per syscall, needs one state
//! machine per blocking call; restarting reuses the handler unchanged and is
//! what Linux itself does for `-ERESTARTSYS`.
//!
//! Deadlines are host monotonic nanoseconds ([`Host::monotonic_ns`]): when
//! every thread is parked, `Vm::run` returns `RunState::Idle` with the
//! earliest deadline so the host can sleep (or `setTimeout`) without ever
//! blocking inside the emulator.
//!
//! [`Host::monotonic_ns`]: crate::host::Host::monotonic_ns

use crate::syscall::Ctx;

/// Instructions a thread runs before the scheduler moves on to the next
/// runnable one. 100k instructions are well under a millisecond at the
/// interpreter's speed, so a thread spinning on a lock held by a preempted
/// one wastes little, while the cost of a switch (two table moves, no TLB
/// flush: each address space keeps its own) stays negligible against it.
pub const SLICE: u64 = 100_000;

/// What a parked thread waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// `futex` wait on `addr` in the address space of process `pid`;
    /// completed with 0 by a matching wake, `-ETIMEDOUT` at `deadline`.
    Futex {
        /// Thread group whose memory holds the word.
        pid: i32,
        /// Guest address of the word.
        addr: u64,
        /// `FUTEX_WAIT_BITSET` mask (all ones for plain waits).
        bitset: u32,
        /// Host monotonic deadline.
        deadline: Option<u64>,
        /// Order of arrival (wakes go first come, first served).
        seq: u64,
    },
    /// A sleep: completed with 0 once the host clock passes `deadline`.
    Sleep {
        /// Host monotonic deadline.
        deadline: u64,
    },
    /// `wait4`/`waitid` without `WNOHANG`: restarted when a child changes
    /// state.
    Child,
    /// A vfork parent: completed with `child` when the child execs or exits.
    Vfork {
        /// The child's pid.
        child: i32,
    },
    /// Waiting for a signal (`pause`, `sigsuspend`, `sigtimedwait`):
    /// completed with `-EINTR` when a signal is posted to the thread
    /// ([`crate::kernel::Kernel::settle`]), or at `deadline` with
    /// `-EAGAIN`.
    Signal {
        /// Host monotonic deadline, if any.
        deadline: Option<u64>,
    },
    /// `rt_sigsuspend`/`rt_sigtimedwait`: restarted when a signal in
    /// `want` is pending; completed with `-EAGAIN` at `deadline`.
    SigWait {
        /// Signals that end the wait (blocked ones included).
        want: u64,
        /// Host monotonic deadline, if any.
        deadline: Option<u64>,
    },
    /// Restarted when the object it waits on changes (pipes), or at
    /// `deadline`.
    Io {
        /// Host monotonic deadline, if any.
        deadline: Option<u64>,
    },
    /// Like `Io`, but at `deadline` the call runs again rather than
    /// returning 0 (a terminal read timing the gap between bytes: VTIME
    /// with VMIN > 0).
    IoRetry {
        /// Host monotonic deadline.
        deadline: u64,
    },
}

impl Wait {
    /// True if waking re-runs the syscall (the pc is rewound at park time).
    pub fn restarts(&self) -> bool {
        matches!(
            self,
            Wait::Child | Wait::Io { .. } | Wait::IoRetry { .. } | Wait::SigWait { .. }
        )
    }

    /// The host monotonic time at which the wait ends by itself.
    pub fn deadline(&self) -> Option<u64> {
        match *self {
            Wait::Futex { deadline, .. }
            | Wait::Io { deadline }
            | Wait::Signal { deadline }
            | Wait::SigWait { deadline, .. } => deadline,
            Wait::Sleep { deadline } | Wait::IoRetry { deadline } => Some(deadline),
            Wait::Child | Wait::Vfork { .. } => None,
        }
    }
}

/// Parks the calling thread on `w` when the handler returns (its return
/// value is then ignored).
pub fn block(ctx: &mut Ctx, w: Wait) {
    ctx.kernel.block = Some(w);
}
