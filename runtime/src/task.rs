//! The guest's process and thread state, split the way Linux splits it so a
//! multi-threaded, multi-process personality can grow from here:
//!
//! - [`Process`] (a thread group): the address space, program break, signal
//!   dispositions, resource limits, credentials, the standard descriptors and
//!   the identity (pid).
//! - [`Thread`]: the register state (`Box<Cpu>`, its address stays fixed for
//!   compiled code), thread id, signal mask and pending set, and the
//!   `set_tid_address`/`set_robust_list` bookkeeping.
//!
//! The [`Kernel`](crate::kernel::Kernel) keeps the tables of both. Ids are
//! chosen to look like an ordinary session started from a shell: the first
//! process gets pid = tid = [`GUEST_PID`] with parent [`GUEST_PPID`], later
//! ones count up from there; user and group are [`GUEST_UID`] (an
//! unprivileged user, so `AT_SECURE` is 0 and privileged calls fail with
//! `EPERM` as they would).

use crate::sched::Wait;
use nanovm::cpu::Cpu;
use nanovm::interp::Interp;
use nanovm::mem::AddressSpace;

/// The guest process id (and its main thread's id).
pub const GUEST_PID: i32 = 1000;
/// The guest's parent process id.
pub const GUEST_PPID: i32 = 999;
/// The guest's uid and gid (real, effective and saved).
pub const GUEST_UID: u32 = 1000;

/// Number of signals (1..=64).
pub const NSIG: usize = 64;

/// `RLIM_INFINITY`.
pub const RLIM_INFINITY: u64 = u64::MAX;
/// Number of resource kinds (`RLIM_NLIMITS`).
pub const RLIM_NLIMITS: usize = 16;

/// `RLIMIT_NPROC`'s index in [`Process::rlimits`].
pub const RLIMIT_NPROC: usize = 6;

/// The default `RLIMIT_NPROC` of a run with guest memory `memory_limit`
/// (none: 4 GiB, what `sysinfo` reports): Linux's `max_threads / 2`, i.e.
/// RAM / 256 KiB on riscv64 (16 KiB kernel stacks), capped at 4096 (a
/// common distribution soft limit) because every process costs the host
/// ~120 KiB (TLB, block cache) outside the guest's memory, and at least 16.
pub fn default_nproc(memory_limit: Option<u64>) -> Rlimit {
    let n = (memory_limit.unwrap_or(4 << 30) >> 18).clamp(16, 4096);
    Rlimit { cur: n, max: n }
}

/// One `struct rlimit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rlimit {
    /// Soft limit.
    pub cur: u64,
    /// Hard limit.
    pub max: u64,
}

/// A signal disposition as given to `rt_sigaction` (riscv64 has no
/// `sa_restorer`: the kernel struct is handler, flags, mask).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SigAction {
    /// `SIG_DFL` (0), `SIG_IGN` (1) or a handler address.
    pub handler: u64,
    /// `SA_*` flags.
    pub flags: u64,
    /// Signals blocked while the handler runs.
    pub mask: u64,
}

/// The program break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Brk {
    /// Initial break (page aligned); the break never goes below it.
    pub start: u64,
    /// Current break (any byte address ≥ `start`).
    pub cur: u64,
}

/// A thread group: everything the threads of one program share.
pub struct Process {
    /// Guest memory.
    pub mem: AddressSpace,
    /// The interpreter's block cache for `mem`: one per address space, it
    /// travels with `mem` (a vfork child borrows both from its parent).
    pub interp: Interp,
    /// Process id.
    pub pid: i32,
    /// Parent process id.
    pub ppid: i32,
    /// Process group id.
    pub pgid: i32,
    /// Session id.
    pub sid: i32,
    /// Signal sent to the parent at exit (`SIGCHLD`, or 0 for none).
    pub exit_signal: i32,
    /// While a vfork child runs on its parent's memory: the parent's pid and
    /// the tid of the parent thread waiting for the exec or exit.
    pub vfork_parent: Option<(i32, i32)>,
    /// True once the process has called `execve` (`setpgid` on it then fails).
    pub did_exec: bool,
    /// Instructions retired by reaped children (`RUSAGE_CHILDREN`).
    pub children_instret: u64,
    /// Largest `ru_maxrss` (KiB) of the reaped children.
    pub children_maxrss_kib: u64,
    /// Stopped by this signal (job control): no thread runs until SIGCONT.
    pub stopped: Option<i32>,
    /// A stop (`Some(sig)`) or continue (`Some(SIGCONT)`) not yet reported
    /// to the parent's `wait4(WUNTRACED/WCONTINUED)`.
    pub stop_report: Option<i32>,
    /// uid = euid = suid.
    pub uid: u32,
    /// gid = egid = sgid.
    pub gid: u32,
    /// The program break.
    pub brk: Brk,
    /// Signal dispositions, index `sig - 1`.
    pub actions: [SigAction; NSIG],
    /// Resource limits (`RLIMIT_*` order).
    pub rlimits: [Rlimit; RLIM_NLIMITS],
    /// Unused: descriptors live in `fs` (kept so merges stay simple).
    pub stdio_open: [bool; 3],
    /// Root, cwd, credentials and descriptors (see [`crate::fsctx`]).
    pub fs: crate::fsctx::FsCtx,
    /// File mode creation mask.
    pub umask: u32,
    /// Name set with `prctl(PR_SET_NAME)` (up to 15 bytes).
    pub comm: Vec<u8>,
    /// Nanoseconds added to every guest clock by sleeps (see `syscall::time`).
    pub sleep_offset_ns: u64,
    /// The guest memory limit, if any (what `sysinfo` reports as RAM).
    pub memory_limit: Option<u64>,
    /// Interval timers (`setitimer`).
    pub itimers: crate::itimer::Timers,
    /// The file-backed ranges of `mem`, for `/proc/<pid>/maps`.
    pub file_maps: crate::procview::maps::FileMaps,
    /// What `/proc`'s mirror last saw of `fs` (see `procview::sync`).
    pub proc_seen: crate::procview::Seen,
    /// The nice value, -20..=19 (Linux keeps one per thread; here the
    /// process shares one).
    pub nice: i32,
}

impl Process {
    /// A fresh process around `mem` with the default limits and dispositions.
    pub fn new(mem: AddressSpace, brk: u64, comm: &[u8]) -> Self {
        let inf = Rlimit {
            cur: RLIM_INFINITY,
            max: RLIM_INFINITY,
        };
        let mut rlimits = [inf; RLIM_NLIMITS];
        rlimits[3] = Rlimit {
            cur: crate::layout::STACK_SIZE,
            max: RLIM_INFINITY,
        }; // RLIMIT_STACK
        rlimits[4] = Rlimit {
            cur: 0,
            max: inf.max,
        }; // RLIMIT_CORE
        rlimits[RLIMIT_NPROC] = default_nproc(None);
        rlimits[7] = Rlimit {
            cur: 1024,
            max: 65536,
        }; // RLIMIT_NOFILE
        rlimits[8] = Rlimit {
            cur: 8 << 20,
            max: 8 << 20,
        }; // RLIMIT_MEMLOCK
        rlimits[11] = Rlimit {
            cur: 63_000,
            max: 63_000,
        }; // RLIMIT_SIGPENDING
        rlimits[12] = Rlimit {
            cur: 819_200,
            max: 819_200,
        }; // RLIMIT_MSGQUEUE
        rlimits[13] = Rlimit { cur: 0, max: 0 }; // RLIMIT_NICE
        rlimits[14] = Rlimit { cur: 0, max: 0 }; // RLIMIT_RTPRIO
        let name = comm.rsplit(|&b| b == b'/').next().unwrap_or(comm);
        Process {
            mem,
            interp: Interp::new(),
            pid: GUEST_PID,
            ppid: GUEST_PPID,
            pgid: GUEST_PID,
            sid: GUEST_PID,
            exit_signal: crate::signal::SIGCHLD,
            vfork_parent: None,
            did_exec: false,
            children_instret: 0,
            children_maxrss_kib: 0,
            stopped: None,
            stop_report: None,
            uid: GUEST_UID,
            gid: GUEST_UID,
            brk: Brk {
                start: brk,
                cur: brk,
            },
            actions: [SigAction::default(); NSIG],
            rlimits,
            stdio_open: [true; 3],
            fs: crate::fsctx::FsCtx::new_default(),
            umask: 0o022,
            comm: name[..name.len().min(15)].to_vec(),
            sleep_offset_ns: 0,
            memory_limit: None,
            itimers: Default::default(),
            file_maps: Default::default(),
            proc_seen: Default::default(),
            nice: 0,
        }
    }
}

/// One thread of a [`Process`].
pub struct Thread {
    /// Registers; boxed so compiled code can keep its address.
    pub cpu: Box<Cpu>,
    /// Thread id.
    pub tid: i32,
    /// Id of the thread group (process) it belongs to.
    pub pid: i32,
    /// What the thread is parked on, if it is blocked in a syscall.
    pub wait: Option<Wait>,
    /// Woken from a restarting wait: its syscall runs again before signals
    /// are delivered.
    pub rerun: bool,
    /// Blocked signals (bit `sig - 1`).
    pub sigmask: u64,
    /// Signals sent while blocked (bit `sig - 1`).
    pub pending: u64,
    /// `set_tid_address` pointer (cleared and futex-woken at thread exit).
    pub clear_child_tid: u64,
    /// `set_robust_list` head and length.
    pub robust_list: (u64, u64),
    /// `sigaltstack`: base, flags, size.
    pub altstack: (u64, u32, u64),
    /// Queued `siginfo`s and the `rt_sigsuspend` saved mask.
    pub sig: crate::signal::ThreadSignals,
    /// Scheduling policy (`SCHED_OTHER`, `SCHED_BATCH` or `SCHED_IDLE`;
    /// the real-time ones need a privilege the guest lacks).
    pub sched_policy: u32,
}

impl Thread {
    /// The main thread of process `pid`, starting at `pc`.
    pub fn new(pid: i32, pc: u64) -> Self {
        Thread {
            cpu: Box::new(Cpu::new(pc)),
            tid: pid,
            pid,
            wait: None,
            rerun: false,
            sigmask: 0,
            pending: 0,
            clear_child_tid: 0,
            robust_list: (0, 0),
            altstack: (0, 2, 0), // SS_DISABLE
            sig: Default::default(),
            sched_policy: 0,
        }
    }
}

impl Process {
    /// The child of a `fork`/`vfork`: a copy of this process's state around
    /// `mem`, with pid `pid` and this process as parent.
    pub fn fork_child(&self, mem: AddressSpace, pid: i32) -> Process {
        let mut c = Process::new(mem, self.brk.start, b"");
        c.pid = pid;
        c.ppid = self.pid;
        c.pgid = self.pgid;
        c.sid = self.sid;
        c.uid = self.uid;
        c.gid = self.gid;
        c.brk = self.brk;
        c.actions = self.actions;
        c.rlimits = self.rlimits;
        c.stdio_open = self.stdio_open;
        c.umask = self.umask;
        c.comm = self.comm.clone();
        c.sleep_offset_ns = self.sleep_offset_ns;
        c.memory_limit = self.memory_limit;
        c.nice = self.nice;
        c.fs = self.fs.clone_for_fork();
        c.file_maps = self.file_maps.clone();
        c.fs.kernel.procfs.fork(self.pid, pid, c.pgid, c.sid);
        c
    }
}

impl Thread {
    /// A new thread `tid` of process `pid` continuing from `cpu`'s state
    /// (the signal mask is inherited, nothing is pending).
    pub fn clone_from(&self, tid: i32, pid: i32) -> Thread {
        let mut t = Thread::new(pid, self.cpu.pc);
        *t.cpu = (*self.cpu).clone();
        t.cpu.reservation = nanovm::cpu::NO_RESERVATION;
        t.tid = tid;
        t.sigmask = self.sigmask;
        t.sched_policy = self.sched_policy;
        t
    }
}
