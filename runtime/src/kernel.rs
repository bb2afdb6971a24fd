//! [`Kernel`]: the process and thread tables of one NanoVM instance, id
//! allocation, zombies, futex wake-ups and the bookkeeping of process exit
//! (reparenting, `SIGCHLD`, vfork hand-back).
//!
//! While a syscall runs, the calling process and thread are *taken out* of
//! the tables (they are the handler's `ctx.proc` and `ctx.thread`), so a
//! handler can hold them and the rest of the kernel at the same time without
//! aliasing. Anything that must see every process (signals to other
//! processes, kills) is queued and settled by the scheduler once the caller
//! is back in the tables ([`Kernel::settle`]).

use crate::sched::Wait;
use crate::signal::{self, SigInfo, SIGCHLD, SIGKILL, SIG_IGN};
use crate::task::{Process, Thread, GUEST_PID};
use crate::RunState;
use nanovm::block::Stats;
use std::collections::BTreeMap;

/// Pid that orphans are reparented to (the virtual `init`, which reaps them
/// at once).
pub const REAPER: i32 = 1;

/// `SA_NOCLDWAIT`: children of a process with this flag on `SIGCHLD` are
/// reaped at once.
const SA_NOCLDWAIT: u64 = 2;

/// An exited process whose parent has not waited for it yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zombie {
    /// Its pid.
    pub pid: i32,
    /// Its parent.
    pub ppid: i32,
    /// Its process group.
    pub pgid: i32,
    /// How it ended.
    pub status: RunState,
    /// Instructions it retired (its CPU time, 1 ns each).
    pub instret: u64,
    /// Its peak resident memory in KiB (`ru_maxrss`), at least that of its
    /// reaped children.
    pub maxrss_kib: u64,
}

impl Zombie {
    /// The `wait4` status word: `code << 8`, or the signal number.
    pub fn wstatus(&self) -> i32 {
        match self.status {
            RunState::Exited(c) => (c & 0xff) << 8,
            RunState::Killed(s) => s & 0x7f,
            _ => 0,
        }
    }
}

/// The tables of processes and threads.
pub struct Kernel {
    /// Live processes by pid (less the one in a running syscall).
    pub procs: BTreeMap<i32, Box<Process>>,
    /// Live threads by tid (less the one in a running syscall).
    pub threads: BTreeMap<i32, Box<Thread>>,
    /// Exited, unreaped processes by pid.
    pub zombies: BTreeMap<i32, Zombie>,
    /// Set by a handler that parks its thread (see [`crate::sched::block`]).
    pub block: Option<Wait>,
    /// Set by `exit`: the calling thread ends (with this code) after the call.
    pub exit_thread: Option<i32>,
    /// Signals to post once the caller is back in the tables: `(pid, info)`.
    pub signals: Vec<(i32, SigInfo)>,
    /// Thread-directed signals to post then: `(tid, info)`.
    pub thread_signals: Vec<(i32, SigInfo)>,
    /// Processes to kill once the caller is back in the tables.
    pub kills: Vec<(i32, i32)>,
    /// Order of futex waits.
    pub futex_seq: u64,
    /// Block cache counters of processes that are gone.
    pub dead_stats: Stats,
    /// Instructions retired by threads that are gone.
    pub dead_instret: u64,
    /// The first process (its end is the end of the run).
    pub init_pid: i32,
    /// The first process once it has ended (kept for `Vm::memory`).
    pub init_done: Option<Box<Process>>,
    /// `execve` may read programs from the host (no `--root` was given).
    pub host_exec: bool,
    /// Set when a syscall completed or a process ended: parked I/O waits
    /// (pipes) try again, as what they wait for may have changed.
    pub io_progress: bool,
    next_id: i32,
}

impl Default for Kernel {
    fn default() -> Self {
        Self::new()
    }
}

impl Kernel {
    /// Empty tables; the first id handed out is [`GUEST_PID`].
    pub fn new() -> Self {
        Kernel {
            procs: BTreeMap::new(),
            threads: BTreeMap::new(),
            zombies: BTreeMap::new(),
            block: None,
            exit_thread: None,
            signals: Vec::new(),
            thread_signals: Vec::new(),
            kills: Vec::new(),
            futex_seq: 0,
            dead_stats: Stats::default(),
            dead_instret: 0,
            init_pid: GUEST_PID,
            init_done: None,
            host_exec: true,
            io_progress: false,
            next_id: GUEST_PID,
        }
    }

    /// A fresh pid/tid: increasing, like Linux's, skipping ids in use.
    pub fn alloc_id(&mut self) -> i32 {
        loop {
            let id = self.next_id;
            self.next_id = if self.next_id >= 4_194_303 {
                300
            } else {
                self.next_id + 1
            };
            let used = self.procs.contains_key(&id)
                || self.threads.contains_key(&id)
                || self.zombies.contains_key(&id);
            if !used {
                return id;
            }
        }
    }

    /// Tasks counted against `RLIMIT_NPROC` (all run as the same user):
    /// threads in the tables plus zombies, plus `running` callers outside.
    pub fn nproc(&self, running: usize) -> usize {
        self.threads.len() + self.zombies.len() + running
    }

    /// True if any thread of process `pid` other than the caller exists.
    pub fn has_other_threads(&self, pid: i32) -> bool {
        self.threads.values().any(|t| t.pid == pid)
    }

    /// Wakes up to `n` threads waiting on the futex word `addr` of process
    /// `pid` whose bitset meets `bitset` (oldest first); returns how many.
    pub fn futex_wake(&mut self, pid: i32, addr: u64, n: u32, bitset: u32) -> u32 {
        let mut waiters: Vec<(u64, i32)> = self
            .threads
            .values()
            .filter_map(|t| match t.wait {
                Some(Wait::Futex {
                    pid: p,
                    addr: a,
                    bitset: b,
                    seq,
                    ..
                }) if p == pid && a == addr && b & bitset != 0 => Some((seq, t.tid)),
                _ => None,
            })
            .collect();
        waiters.sort_unstable();
        let mut woken = 0;
        for &(_, tid) in waiters.iter().take(n as usize) {
            if let Some(t) = self.threads.get_mut(&tid) {
                complete(t, 0);
                woken += 1;
            }
        }
        woken
    }

    /// Moves up to `n` waiters of `(pid, from)` to wait on `to` instead.
    pub fn futex_requeue(&mut self, pid: i32, from: u64, to: u64, n: u32) -> u32 {
        let mut moved = 0;
        for t in self.threads.values_mut() {
            if moved >= n {
                break;
            }
            if let Some(Wait::Futex {
                pid: p,
                ref mut addr,
                ..
            }) = t.wait
            {
                if p == pid && *addr == from {
                    *addr = to;
                    moved += 1;
                }
            }
        }
        moved
    }

    /// Restarts the threads of process `pid` parked in `wait4`/`waitid`.
    pub fn wake_child_waiters(&mut self, pid: i32) {
        for t in self.threads.values_mut() {
            if t.pid == pid && t.wait == Some(Wait::Child) {
                restart(t);
            }
        }
    }

    /// Queues signal `info` for process `pid` (posted by
    /// [`Kernel::settle`]). SIGKILL kills at once there.
    pub fn post_signal(&mut self, pid: i32, info: SigInfo) {
        self.signals.push((pid, info));
    }

    /// Queues signal `info` for thread `tid` (`tgkill`).
    pub fn post_thread_signal(&mut self, tid: i32, info: SigInfo) {
        self.thread_signals.push((tid, info));
    }

    /// Posts queued signals and performs queued kills. Call with every
    /// process and thread back in the tables.
    pub fn settle(&mut self) {
        for (tid, info) in std::mem::take(&mut self.thread_signals) {
            let Some(t) = self.threads.get_mut(&tid) else {
                continue;
            };
            let pid = t.pid;
            let sig = info.signo();
            // Stops, continues and SIGKILL act on the whole process.
            if sig == SIGKILL || matches!(sig, signal::SIGSTOP | signal::SIGCONT | 20..=22) {
                self.signals.push((pid, info));
                continue;
            }
            if let Some(p) = self.procs.get(&pid) {
                signal::post(p, t, info);
                wake_for_signals(t);
            }
        }
        while !self.kills.is_empty() || !self.signals.is_empty() {
            for (pid, sig) in std::mem::take(&mut self.kills) {
                if let Some(p) = self.procs.remove(&pid) {
                    let p = self.exit_process(p, RunState::Killed(sig));
                    self.keep_if_init(p);
                }
            }
            for (pid, info) in std::mem::take(&mut self.signals) {
                let sig = info.signo();
                if sig == SIGKILL {
                    self.kills.push((pid, sig));
                    continue;
                }
                if self.job_control(pid, sig) {
                    continue;
                }
                let Some(p) = self.procs.get(&pid) else {
                    continue;
                };
                // A process-directed signal goes to the main thread unless
                // it blocks the signal and another thread does not.
                let bit = signal::bit(sig);
                let tid = match self.threads.get(&pid) {
                    Some(t) if t.sigmask & bit == 0 => Some(pid),
                    main => self
                        .threads
                        .values()
                        .find(|t| t.pid == pid && t.sigmask & bit == 0)
                        .map(|t| t.tid)
                        .or(main.map(|t| t.tid)),
                };
                let Some(t) = tid.and_then(|tid| self.threads.get_mut(&tid)) else {
                    continue;
                };
                signal::post(p, t, info);
                wake_for_signals(t);
            }
        }
    }

    /// Stops and continues (the default actions of SIGSTOP, SIGTSTP,
    /// SIGTTIN, SIGTTOU; SIGCONT): true if the signal was consumed here.
    fn job_control(&mut self, pid: i32, sig: i32) -> bool {
        const SIGCONT: i32 = signal::SIGCONT;
        let Some(p) = self.procs.get_mut(&pid) else {
            return false;
        };
        let stop = match sig {
            signal::SIGSTOP => true,
            20..=22 => p.actions[sig as usize - 1].handler == signal::SIG_DFL,
            _ => false,
        };
        let (ppid, uid) = (p.ppid, p.uid);
        if stop {
            if p.stopped.is_none() {
                p.stopped = Some(sig);
                p.stop_report = Some(sig);
                self.notify_parent(ppid, pid, uid, 5, sig); // CLD_STOPPED
            }
            return true;
        }
        if sig == SIGCONT && p.stopped.take().is_some() {
            p.stop_report = Some(SIGCONT);
            self.notify_parent(ppid, pid, uid, 6, SIGCONT); // CLD_CONTINUED
        }
        false
    }

    /// SIGCHLD for a stop or continue (unless the parent set
    /// `SA_NOCLDSTOP`), and a wake-up for its waits.
    fn notify_parent(&mut self, ppid: i32, pid: i32, uid: u32, code: i32, sig: i32) {
        const SA_NOCLDSTOP: u64 = 1;
        let Some(pp) = self.procs.get(&ppid) else {
            return;
        };
        if pp.actions[SIGCHLD as usize - 1].flags & SA_NOCLDSTOP == 0 {
            self.signals
                .push((ppid, SigInfo::child(pid, uid, code, sig)));
        }
        self.wake_child_waiters(ppid);
    }

    /// True if thread `t`'s process is stopped.
    pub fn stopped(&self, t: &Thread) -> bool {
        self.procs.get(&t.pid).is_some_and(|p| p.stopped.is_some())
    }

    fn keep_if_init(&mut self, p: Box<Process>) {
        if p.pid == self.init_pid {
            self.init_done = Some(p);
        }
    }

    /// Gives a vfork child's borrowed memory back to its parent and wakes
    /// the parent with the child's pid. `child` keeps an empty space.
    pub fn vfork_release(&mut self, child: &mut Process) {
        let Some((ppid, ptid)) = child.vfork_parent.take() else {
            return;
        };
        if let Some(parent) = self.procs.get_mut(&ppid) {
            if parent.mem.regions().is_empty() {
                // The parent's memory was lent (not copied): hand it back.
                std::mem::swap(&mut parent.mem, &mut child.mem);
                std::mem::swap(&mut parent.interp, &mut child.interp);
            }
        }
        if let Some(t) = self.threads.get_mut(&ptid) {
            if t.wait == Some(Wait::Vfork { child: child.pid }) {
                complete(t, child.pid as u64);
            }
        }
    }

    /// Ends process `p` (already out of `procs`) with `status`: drops its
    /// threads, hands vfork memory back, reparents its children, leaves a
    /// zombie (unless nobody will wait) and tells the parent. Returns the
    /// process for the caller to drop (or keep, for the first process).
    pub fn exit_process(&mut self, mut p: Box<Process>, status: RunState) -> Box<Process> {
        let pid = p.pid;
        self.io_progress = true;
        let mut instret = 0;
        self.threads.retain(|_, t| {
            if t.pid == pid {
                instret += t.cpu.instret;
                false
            } else {
                true
            }
        });
        self.dead_instret += instret;
        self.vfork_release(&mut p);
        p.fs.kernel.procfs.remove(pid);
        let s = p.interp.stats();
        self.dead_stats.blocks_built += s.blocks_built;
        self.dead_stats.block_runs += s.block_runs;
        // Orphans go to the reaper; their zombies vanish.
        for c in self.procs.values_mut() {
            if c.ppid == pid {
                c.ppid = REAPER;
            }
        }
        self.zombies.retain(|_, z| z.ppid != pid);
        let ppid = p.ppid;
        let (parent_ignores, parent_exists) = match self.procs.get(&ppid) {
            Some(pp) => {
                let act = pp.actions[SIGCHLD as usize - 1];
                (
                    act.handler == SIG_IGN || act.flags & SA_NOCLDWAIT != 0,
                    true,
                )
            }
            None => (true, false),
        };
        if pid == self.init_pid || (parent_exists && !parent_ignores) {
            self.zombies.insert(
                pid,
                Zombie {
                    pid,
                    ppid,
                    pgid: p.pgid,
                    status,
                    instret: instret + p.children_instret,
                    maxrss_kib: (p.mem.resident_bytes() / 1024).max(p.children_maxrss_kib),
                },
            );
        }
        if parent_exists {
            if p.exit_signal != 0 {
                let (code, st) = match status {
                    RunState::Killed(s) => (if signal::dumps_core(s) { 3 } else { 2 }, s),
                    RunState::Exited(c) => (1, c),
                    _ => (1, 0),
                };
                let mut info = SigInfo::child(pid, p.uid, code, st);
                info.0[0..4].copy_from_slice(&p.exit_signal.to_le_bytes());
                self.post_signal(ppid, info);
            }
            self.wake_child_waiters(ppid);
        }
        p
    }

    /// The state of the run: that of the first process once it ended.
    pub fn init_status(&self) -> Option<RunState> {
        self.zombies.get(&self.init_pid).map(|z| z.status)
    }
}

/// Ends a parked thread's wait early when a signal it does not block is
/// pending (a vfork parent keeps waiting): the call returns the
/// `ERESTART*` code Linux's would (`signal::interrupt_wait`), which the next
/// signal delivery turns into `EINTR` or a restart.
pub fn interrupt(t: &mut Thread) {
    let Some(w) = t.wait else { return };
    if matches!(w, Wait::Vfork { .. }) || !signal::interrupted(t) {
        return;
    }
    if let Wait::Sleep { deadline } = w {
        // For the remaining time `nanosleep` writes to `rem`.
        t.sig.sleep_deadline = Some(deadline);
    }
    signal::interrupt_wait(t, w.restarts());
    t.wait = None;
}

/// After a signal was posted to `t`: ends a signal wait it satisfies
/// (restart), or interrupts another wait ([`interrupt`]).
pub fn wake_for_signals(t: &mut Thread) {
    match t.wait {
        Some(Wait::SigWait { want, .. }) => {
            if t.pending & want != 0 {
                restart(t);
            }
        }
        _ => interrupt(t),
    }
}

/// Ends a restarting wait: the syscall runs again before any signal is
/// delivered (its result decides about EINTR or restart).
pub fn restart(t: &mut Thread) {
    t.wait = None;
    t.rerun = true;
}

/// Ends `t`'s wait with syscall result `val` in `a0`.
pub fn complete(t: &mut Thread, val: u64) {
    t.wait = None;
    t.cpu.x[10] = val;
}

#[cfg(test)]
mod tests {
    use super::*;
    use nanovm::mem::AddressSpace;

    fn proc(k: &mut Kernel, ppid: i32) -> i32 {
        let pid = k.alloc_id();
        let mut p = Process::new(AddressSpace::new(), 0x1000, b"p");
        p.pid = pid;
        p.ppid = ppid;
        k.procs.insert(pid, Box::new(p));
        k.threads.insert(pid, Box::new(Thread::new(pid, 0)));
        pid
    }

    fn park(k: &mut Kernel, tid: i32, addr: u64) {
        k.futex_seq += 1;
        let seq = k.futex_seq;
        k.threads.get_mut(&tid).unwrap().wait = Some(Wait::Futex {
            pid: k.threads[&tid].pid,
            addr,
            bitset: u32::MAX,
            deadline: None,
            seq,
        });
    }

    #[test]
    fn ids_increase_and_skip_used() {
        let mut k = Kernel::new();
        assert_eq!(proc(&mut k, 1), GUEST_PID);
        assert_eq!(k.alloc_id(), GUEST_PID + 1);
        assert_eq!(k.nproc(0), 1);
    }

    #[test]
    fn futex_wakes_oldest_first_and_requeues() {
        let mut k = Kernel::new();
        let pid = proc(&mut k, 1);
        let tids: Vec<i32> = (0..3)
            .map(|_| {
                let tid = k.alloc_id();
                k.threads.insert(tid, Box::new(Thread::new(pid, 0)));
                k.threads.get_mut(&tid).unwrap().tid = tid;
                tid
            })
            .collect();
        park(&mut k, tids[2], 0x100);
        park(&mut k, tids[0], 0x100);
        park(&mut k, tids[1], 0x100);
        assert_eq!(k.futex_wake(pid, 0x104, 5, u32::MAX), 0);
        assert_eq!(k.futex_wake(pid, 0x100, 1, u32::MAX), 1);
        assert!(
            k.threads[&tids[2]].wait.is_none(),
            "the first to wait wakes first"
        );
        assert_eq!(k.threads[&tids[2]].cpu.x[10], 0);
        assert_eq!(k.futex_requeue(pid, 0x100, 0x200, 1), 1);
        assert_eq!(k.futex_wake(pid, 0x200, 9, u32::MAX), 1);
        assert_eq!(k.futex_wake(pid, 0x100, 9, u32::MAX), 1);
    }

    #[test]
    fn exit_leaves_zombie_reparents_and_signals() {
        let mut k = Kernel::new();
        let parent = proc(&mut k, 999);
        let child = proc(&mut k, parent);
        let grandchild = proc(&mut k, child);
        k.threads.get_mut(&parent).unwrap().wait = Some(Wait::Child);
        k.procs.get_mut(&parent).unwrap().actions[SIGCHLD as usize - 1].handler = 0x1234;
        let p = k.procs.remove(&child).unwrap();
        k.exit_process(p, RunState::Killed(9));
        let z = k.zombies[&child];
        assert_eq!((z.ppid, z.wstatus()), (parent, 9));
        assert_eq!(k.procs[&grandchild].ppid, REAPER);
        assert!(!k.threads.contains_key(&child));
        assert!(
            k.threads[&parent].wait.is_none(),
            "the waiting parent is woken"
        );
        k.settle();
        assert_ne!(k.threads[&parent].pending & (1 << (SIGCHLD - 1)), 0);
        assert_eq!(k.threads[&parent].sig.queue[0].code(), 2, "CLD_KILLED");
        // An orphan's exit leaves no zombie.
        let g = k.procs.remove(&grandchild).unwrap();
        k.exit_process(g, RunState::Exited(3));
        assert!(!k.zombies.contains_key(&grandchild));
        let exited = Zombie {
            status: RunState::Exited(3),
            ..z
        };
        assert_eq!(exited.wstatus(), 3 << 8);
    }
}
