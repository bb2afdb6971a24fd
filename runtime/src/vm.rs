//! [`Vm`]: one guest program from ELF bytes to exit status, with all the
//! processes and threads it creates. Loads the program (ELF validation,
//! segments, stack), then schedules the threads of the [`Kernel`] round
//! robin in slices of [`SLICE`] instructions, answering `ecall`s from the
//! syscall table, parking threads in blocking calls ([`crate::sched`]) and
//! turning faults into the signals Linux would send. It never blocks the
//! host: with every thread parked it returns [`RunState::Idle`].

use crate::host::Host;
use crate::kernel::{complete, restart, wake_for_signals, Kernel};
use crate::sched::{Wait, SLICE};
use crate::signal::{self, SigInfo, SIGBUS, SIGILL, SIGSEGV, SIGTRAP};
use crate::syscall::{self, strace, table, Ctx};
use crate::task::{Process, Thread, GUEST_UID};
use crate::Errno;
use core::fmt;
use nanovm::cpu::NO_RESERVATION;
use nanovm::interp::Exit;
use nanovm::mem::{AddressSpace, FaultKind};

#[path = "vm_signals.rs"]
mod host_signals;
#[path = "vm_load.rs"]
mod load;

pub use load::{load_image, Image, LoadError, OpenExec, ELIBBAD};

/// How to run a program.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Log every syscall through [`Host::log`], strace style.
    pub strace: bool,
    /// Cap on guest memory actually touched, in bytes.
    pub memory_limit: Option<u64>,
    /// The executed file's name as the guest sees it (`AT_EXECFN`); when
    /// empty, `argv[0]` is used.
    pub exe_name: Vec<u8>,
    /// The guest's file system (`--root`, `--mount`, `--cwd`; see
    /// [`crate::fsctx`]). The default is an in-memory tree.
    pub fs: crate::fsctx::FsConfig,
    /// A console: the guest's standard descriptors are a terminal whose
    /// input the host feeds with [`Vm::console_input`] (see [`crate::tty`]).
    pub console: Option<crate::tty::ConsoleConfig>,
}

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    /// Budget spent; call [`Vm::run`] again.
    Running,
    /// The program exited with this status (0..=255).
    Exited(i32),
    /// The program was killed by this signal.
    Killed(i32),
    /// Every thread is parked: call [`Vm::run`] again once the host's
    /// monotonic clock ([`Host::monotonic_ns`]) reaches `until` (sooner is
    /// harmless). `None` (only with a console): when host input arrives.
    Idle {
        /// Host monotonic deadline in nanoseconds.
        until: Option<u64>,
    },
}

/// Counters of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VmStats {
    /// Instructions retired.
    pub instructions: u64,
    /// System calls made.
    pub syscalls: u64,
    /// Blocks decoded by the interpreter.
    pub blocks_built: u64,
    /// Blocks executed.
    pub block_runs: u64,
}

/// Why the program was killed, for the one-line report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KillInfo {
    /// The signal.
    pub signal: i32,
    /// Faulting address (memory faults) or instruction address (illegal
    /// instruction, breakpoint); `None` for signals sent by a syscall.
    pub addr: Option<u64>,
    /// Why the emulator itself killed the program (out of memory, deadlock).
    pub note: Option<&'static str>,
}

impl fmt::Display for KillInfo {
    /// `Segmentation fault (SIGSEGV at 0x0)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (desc, name) = (signal::description(self.signal), signal::name(self.signal));
        match (self.note, self.addr) {
            (Some(n), _) => write!(f, "{desc} ({name}: {n})"),
            (None, Some(a)) => write!(f, "{desc} ({name} at {a:#x})"),
            (None, None) => write!(f, "{desc} ({name})"),
        }
    }
}

/// Most guest memory (frames) a wasm32 build lets the guest touch: the
/// instance's whole heap is at most 4 GiB, and the rest (page tables, TLBs and
/// block caches of up to `RLIMIT_NPROC` processes, in-memory files, the
/// emulator itself) must fit beside it. `--memory` above it is lowered to it.
pub const WASM_MAX_MEMORY: u64 = 2 << 30;

/// The resident-memory cap a run gets: the one asked for, on wasm32 at most
/// [`WASM_MAX_MEMORY`] (and that when none is asked for).
pub fn effective_memory_limit(asked: Option<u64>) -> Option<u64> {
    if cfg!(target_arch = "wasm32") {
        Some(asked.map_or(WASM_MAX_MEMORY, |a| a.min(WASM_MAX_MEMORY)))
    } else {
        asked
    }
}

/// Kill note when guest memory runs out.
const OOM: &str = "out of guest memory";
/// Kill note when every thread waits for something that cannot happen.
const DEADLOCK: &str = "deadlock: every thread is blocked with nothing to wake it";

/// A loaded guest program: the kernel's tables plus the scheduler's state.
pub struct Vm {
    k: Kernel,
    state: RunState,
    strace: bool,
    /// Where AT_RANDOM's bytes go; filled from the host at the first run.
    random_pending: Option<u64>,
    /// Unknown syscall numbers already reported under `--strace`.
    reported: Vec<u64>,
    syscalls: u64,
    kill: Option<KillInfo>,
    /// The thread that ran last (round robin continues after it).
    last_tid: i32,
    /// The first thread's registers once it has exited.
    init_cpu: Option<Box<nanovm::cpu::Cpu>>,
    /// How the calling process ended, set by a syscall that ended it.
    pending_end: Option<(RunState, Option<&'static str>)>,
    /// The terminals (events to settle; the console's input).
    pts: std::rc::Rc<crate::tty::devpts::PtsFs>,
    /// A console is attached: waiting for host input is not a deadlock.
    console: bool,
}

/// How a process ended: state, fault address, note.
type End = (RunState, Option<u64>, Option<&'static str>);

/// What one syscall did to its thread.
enum After {
    /// Keep running.
    Continue,
    /// The thread parked, exited or its process ended: switch.
    Switch,
}

impl Vm {
    /// Validates and loads a riscv64 ELF program (and its PT_INTERP loader,
    /// from the guest file system) with its arguments and environment.
    pub fn load(
        bytes: &[u8],
        argv: &[Vec<u8>],
        envp: &[Vec<u8>],
        opts: &Options,
    ) -> Result<Vm, LoadError> {
        let fs = crate::fsctx::FsCtx::build(&opts.fs).map_err(LoadError::FileSystem)?;
        Self::load_with_fs(bytes, argv, envp, opts, fs)
    }

    /// [`Vm::load`] with an already built file-system context (`opts.fs` is
    /// ignored): for programs read through the guest's own file system
    /// ([`crate::fsctx::FsCtx::open_exec`]).
    pub fn load_with_fs(
        bytes: &[u8],
        argv: &[Vec<u8>],
        envp: &[Vec<u8>],
        opts: &Options,
        fs: crate::fsctx::FsCtx,
    ) -> Result<Vm, LoadError> {
        let mut mem = AddressSpace::new();
        let memory_limit = effective_memory_limit(opts.memory_limit);
        if let Some(limit) = memory_limit {
            mem.set_limit(limit);
        }
        let execfn = if opts.exe_name.is_empty() {
            argv.first().cloned().unwrap_or_default()
        } else {
            opts.exe_name.clone()
        };
        let mut fs = fs;
        if opts.fs.root.is_none() {
            fs.add_program(&fs.exe_path(&execfn), bytes);
        }
        let mut open = |p: &[u8]| fs.open_exec(p);
        let img = load_image(&mut mem, bytes, argv, envp, &execfn, GUEST_UID, &mut open)?;
        let mut proc = Process::new(mem, img.brk, &execfn);
        proc.memory_limit = memory_limit;
        proc.rlimits[crate::task::RLIMIT_NPROC] = crate::task::default_nproc(memory_limit);
        let pts = fs.kernel.pts().clone();
        proc.fs = fs;
        let mut k = Kernel::new();
        k.host_exec = opts.fs.root.is_none();
        let pid = k.alloc_id();
        proc.pid = pid;
        proc.pgid = pid;
        proc.sid = pid;
        k.init_pid = pid;
        if let Some(c) = &opts.console {
            crate::syscall::tty::install_console(&mut proc.fs, pid, c)
                .map_err(|e| LoadError::FileSystem(format!("console: {}", e.message())))?;
        }
        let exe = proc.fs.exe_path(&execfn);
        proc.fs.kernel.procfs.exec(pid, &exe, argv);
        let info = proc.fs.kernel.procfs.get(pid).unwrap_or_default();
        let (ppid, uid) = (proc.ppid, proc.uid);
        proc.fs.kernel.procfs.set(
            pid,
            crate::vfs::procfs::ProcInfo {
                ppid,
                pgid: pid,
                sid: pid,
                uid,
                ..info
            },
        );
        crate::procview::record_exec(&mut proc, envp, img.sp);
        crate::procview::record_image(&mut proc, &execfn, &img.elf_maps);
        let mut thread = Thread::new(pid, img.entry);
        thread.cpu.x[2] = img.sp;
        k.procs.insert(pid, Box::new(proc));
        k.threads.insert(pid, Box::new(thread));
        Ok(Vm {
            k,
            state: RunState::Running,
            strace: opts.strace,
            random_pending: Some(img.random),
            reported: Vec::new(),
            syscalls: 0,
            kill: None,
            last_tid: pid,
            init_cpu: None,
            pending_end: None,
            pts,
            console: opts.console.is_some(),
        })
    }

    /// Runs about `budget` instructions (whole blocks) over all runnable
    /// threads, round robin in slices of [`SLICE`]. Returns `Running` when
    /// the budget is spent, `Idle` when every thread is parked (call again
    /// after the deadline, if any), or the end of the first process.
    pub fn run(&mut self, host: &mut dyn Host, budget: u64) -> RunState {
        if matches!(self.state, RunState::Exited(_) | RunState::Killed(_)) {
            return self.state;
        }
        self.state = RunState::Running;
        let state = self.run_slices(host, budget);
        if self.strace {
            // strace's closing line.
            match state {
                RunState::Exited(c) => host.log(&format!("+++ exited with {c} +++")),
                RunState::Killed(s) => host.log(&format!("+++ killed by {} +++", signal::name(s))),
                RunState::Running | RunState::Idle { .. } => {}
            }
        }
        state
    }

    fn run_slices(&mut self, host: &mut dyn Host, budget: u64) -> RunState {
        if let Some(addr) = self.random_pending.take() {
            let mut r = [0u8; 16];
            host.random(&mut r);
            let init = self.k.init_pid;
            if let Some(p) = self.k.procs.get_mut(&init) {
                if p.mem.write_bytes_unchecked(addr, &r).is_err() {
                    self.kill_process(init, SIGSEGV, Some(addr), None);
                }
            }
        }
        let mut left = budget;
        loop {
            if let Some(s) = self.finished() {
                return s;
            }
            self.wake_timers(host);
            let Some(tid) = self.next_runnable() else {
                let until = self.next_deadline();
                if until.is_some() || self.console {
                    self.state = RunState::Idle { until };
                    return self.state;
                }
                let init = self.k.init_pid;
                self.kill_process(init, signal::SIGKILL, None, Some(DEADLOCK));
                // Nothing else may run either: every thread is parked forever.
                for pid in self.k.procs.keys().copied().collect::<Vec<_>>() {
                    self.kill_process(pid, signal::SIGKILL, None, None);
                }
                continue;
            };
            let slice = left.clamp(1, SLICE);
            let used = self.run_thread(host, tid, slice);
            left = left.saturating_sub(used);
            if left == 0 {
                if let Some(s) = self.finished() {
                    return s;
                }
                return RunState::Running;
            }
        }
    }

    /// The end state, once the first process has ended.
    fn finished(&mut self) -> Option<RunState> {
        let s = self.k.init_status()?;
        self.state = s;
        Some(s)
    }

    /// Completes sleeps and timed waits whose deadline has passed, and
    /// fires the interval timers of processes whose threads are parked.
    fn wake_timers(&mut self, host: &mut dyn Host) {
        let timed = self
            .k
            .threads
            .values()
            .any(|t| t.wait.and_then(|w| w.deadline()).is_some())
            || self.k.procs.values().any(|p| p.itimers.armed());
        if !timed {
            return;
        }
        let now = host.monotonic_ns();
        for t in self.k.threads.values_mut() {
            let Some(w) = t.wait else { continue };
            if w.deadline().is_some_and(|d| d <= now) {
                match w {
                    Wait::Sleep { .. } => complete(t, 0),
                    Wait::Futex { .. } => complete(t, syscall::encode(Err(Errno::ETIMEDOUT))),
                    Wait::Signal { .. } => complete(t, syscall::encode(Err(Errno::EAGAIN))),
                    Wait::SigWait { .. } => {
                        t.cpu.pc = t.cpu.pc.wrapping_add(4);
                        complete(t, syscall::encode(Err(Errno::EAGAIN)));
                    }
                    // A poll's timeout: nothing became ready.
                    Wait::Io { .. } => {
                        t.cpu.pc = t.cpu.pc.wrapping_add(4);
                        complete(t, 0);
                    }
                    _ => restart(t),
                }
            }
        }
        // Interval timers of parked processes (running ones fire their own
        // in `signal::deliver_pending`).
        for p in self.k.procs.values_mut() {
            if !p.itimers.armed() {
                continue;
            }
            let pid = p.pid;
            let parked = self
                .k
                .threads
                .values()
                .filter(|t| t.pid == pid)
                .all(|t| t.wait.is_some());
            if !parked {
                continue;
            }
            let tid = match self.k.threads.contains_key(&pid) {
                true => Some(pid),
                false => self
                    .k
                    .threads
                    .values()
                    .find(|t| t.pid == pid)
                    .map(|t| t.tid),
            };
            if let Some(t) = tid.and_then(|tid| self.k.threads.get_mut(&tid)) {
                let before = t.pending;
                crate::itimer::expire(p, t, host);
                if t.pending != before {
                    wake_for_signals(t);
                }
            }
        }
    }

    /// The earliest host monotonic time at which a parked thread may wake.
    fn next_deadline(&self) -> Option<u64> {
        let waits = self
            .k
            .threads
            .values()
            .filter_map(|t| t.wait.and_then(|w| w.deadline()));
        let timers = self.k.procs.values().filter_map(|p| {
            crate::itimer::next_real(p).map(|d| d.saturating_sub(p.sleep_offset_ns))
        });
        waits.chain(timers).min()
    }

    /// The next runnable thread after the one that ran last.
    fn next_runnable(&self) -> Option<i32> {
        let ready = |t: &&Thread| t.wait.is_none() && !self.k.stopped(t);
        let all = || self.k.threads.values().map(|t| &**t);
        let after = self.k.threads.range(self.last_tid + 1..).map(|(_, t)| &**t);
        after.chain(all()).find(ready).map(|t| t.tid)
    }

    /// Runs thread `tid` for about `slice` instructions; returns how many
    /// it retired.
    fn run_thread(&mut self, host: &mut dyn Host, tid: i32, slice: u64) -> u64 {
        let Some(mut t) = self.k.threads.remove(&tid) else {
            return 0;
        };
        let Some(mut p) = self.k.procs.remove(&t.pid) else {
            return 0;
        };
        if tid != self.last_tid {
            // A reservation never survives a context switch.
            t.cpu.reservation = NO_RESERVATION;
            self.last_tid = tid;
        }
        let start = t.cpu.instret;
        let mut left = slice;
        let mut end: Option<End> = None;
        let mut thread_gone = false;
        // Signals due before the thread resumes user code (after the
        // syscall it re-runs, if woken from a restarting wait).
        let rerun = std::mem::take(&mut t.rerun);
        let due = match rerun {
            true => None,
            false => signal::deliver_pending(&mut p, &mut t, host, None),
        };
        if let Some(f) = due {
            end = Some((RunState::Killed(f.sig), f.addr, None));
        }
        while end.is_none() {
            let before = t.cpu.instret;
            let exit = p.interp.run(&mut t.cpu, &mut p.mem, left.max(1));
            left = left.saturating_sub(t.cpu.instret - before);
            let info = match exit {
                Exit::Ecall => {
                    let sc = (t.cpu.x[17], t.cpu.x[10]);
                    match self.syscall(host, &mut p, &mut t) {
                        Ok(After::Continue) => {
                            if let Some(f) = signal::deliver_pending(&mut p, &mut t, host, Some(sc))
                            {
                                end = Some((RunState::Killed(f.sig), f.addr, None));
                            }
                            if left > 0 {
                                continue;
                            }
                            break;
                        }
                        Ok(After::Switch) => break,
                        Err(Some(code)) => {
                            thread_gone = true;
                            end = self.thread_exit(&mut p, &t, code);
                            break;
                        }
                        Err(None) => {
                            end = self.pending_end.take().map(|(s, n)| (s, None, n));
                            break;
                        }
                    }
                }
                Exit::Budget => break,
                Exit::Fault { pc, fault } => match fault.kind {
                    // Linux reports the AMO's pc (traps.c: do_trap_error(.., epc)).
                    FaultKind::Misaligned => SigInfo::fault(SIGBUS, signal::BUS_ADRALN, pc),
                    // What the Linux OOM killer does: kill the biggest
                    // process; the faulting access runs again if it lives.
                    FaultKind::OutOfMemory => {
                        end = self.oom_kill(host, &p);
                        break;
                    }
                    FaultKind::PastEof => SigInfo::fault(SIGBUS, signal::BUS_ADRERR, fault.addr),
                    FaultKind::Unmapped => SigInfo::fault(SIGSEGV, signal::SEGV_MAPERR, fault.addr),
                    FaultKind::Protection => {
                        SigInfo::fault(SIGSEGV, signal::SEGV_ACCERR, fault.addr)
                    }
                },
                Exit::Illegal { pc, .. } => SigInfo::fault(SIGILL, signal::ILL_ILLOPC, pc),
                Exit::Ebreak => SigInfo::fault(SIGTRAP, signal::TRAP_BRKPT, t.cpu.pc),
            };
            // A synchronous fault: a handler frame, or death.
            if let Some(f) = signal::force_fault(&mut p, &mut t, host, info) {
                end = Some((RunState::Killed(f.sig), f.addr, None));
            }
            if left == 0 {
                break;
            }
        }
        let used = t.cpu.instret - start;
        if thread_gone && end.is_none() {
            p.fs.kernel.procfs.thread_exit(p.pid, t.tid);
            self.k.dead_instret += t.cpu.instret;
            self.stash_init_cpu(t);
            self.k.procs.insert(p.pid, p);
            self.k.settle();
            return used;
        }
        match end {
            Some((state, addr, note)) => {
                self.k.dead_instret += t.cpu.instret;
                self.stash_init_cpu(t);
                if p.pid == self.k.init_pid {
                    if let RunState::Killed(signal) = state {
                        self.kill = Some(KillInfo { signal, addr, note });
                    }
                }
                let p = self.k.exit_process(p, state);
                self.keep_if_init(p);
            }
            None => {
                self.k.threads.insert(t.tid, t);
                self.k.procs.insert(p.pid, p);
            }
        }
        self.k.settle();
        if self.k.io_progress || self.pts.has_events() {
            crate::tty::settle(&mut self.k, &self.pts);
            self.k.settle();
        }
        if std::mem::take(&mut self.k.io_progress) {
            // Others made progress (a pipe may have changed): parked reads
            // and writes try again. (No per-object wait queues yet.)
            for t in self.k.threads.values_mut() {
                if matches!(t.wait, Some(Wait::Io { .. } | Wait::IoRetry { .. })) {
                    restart(t);
                }
            }
        }
        used
    }

    /// Ends thread `t` of `p` with `code` (`exit`): clears and wakes its
    /// `clear_child_tid` word; the last thread ends the process.
    fn thread_exit(&mut self, p: &mut Process, t: &Thread, code: i32) -> Option<End> {
        let addr = t.clear_child_tid;
        if addr != 0 && p.mem.write_bytes(addr, &0u32.to_le_bytes()).is_ok() {
            self.k.futex_wake(p.pid, addr, 1, u32::MAX);
        }
        (!self.k.has_other_threads(p.pid)).then_some((RunState::Exited(code & 0xff), None, None))
    }

    fn stash_init_cpu(&mut self, t: Box<Thread>) {
        if t.tid == self.k.init_pid {
            self.init_cpu = Some(t.cpu);
        }
    }

    fn keep_if_init(&mut self, p: Box<Process>) {
        if p.pid == self.k.init_pid {
            self.k.init_done = Some(p);
        }
    }

    /// The OOM killer, called when process `p` (out of the tables) could
    /// not get a frame: picks the process with the most resident memory
    /// (Linux's `oom_badness` is its RSS plus page tables and swap), logs the
    /// kernel's line (`Out of memory: Killed process N (comm)`, through
    /// [`Host::log`], i.e. on stderr, unless the victim is the first process)
    /// and kills it with SIGKILL. Returns the end of `p` when
    /// `p` is the victim; otherwise the victim's kill is queued for
    /// [`Kernel::settle`] and `p`'s thread retries the access later.
    fn oom_kill(&mut self, host: &mut dyn Host, p: &Process) -> Option<End> {
        let victim = self
            .k
            .procs
            .values()
            .map(|q| &**q)
            .filter(|q| !self.k.kills.iter().any(|&(pid, _)| pid == q.pid))
            .fold(p, |best, q| {
                if q.mem.resident_bytes() > best.mem.resident_bytes() {
                    q
                } else {
                    best
                }
            });
        let pid = victim.pid;
        if pid != self.k.init_pid {
            // The kernel log's line (the first process's death is reported
            // by the CLI's own "Killed (SIGKILL: out of guest memory)").
            host.log(&format!(
                "nanovm: Out of memory: Killed process {} ({}) anon-rss:{}kB",
                pid,
                String::from_utf8_lossy(&victim.comm),
                victim.mem.resident_bytes() / 1024
            ));
        }
        if pid == p.pid {
            return Some((RunState::Killed(signal::SIGKILL), None, Some(OOM)));
        }
        if pid == self.k.init_pid {
            // The run ends with it (its registers are kept for `cpu()`).
            self.kill_process(pid, signal::SIGKILL, None, Some(OOM));
        } else {
            self.k.kills.push((pid, signal::SIGKILL));
        }
        None
    }

    /// Kills process `pid` (in the tables) with `sig`.
    fn kill_process(&mut self, pid: i32, sig: i32, addr: Option<u64>, note: Option<&'static str>) {
        if let Some(p) = self.k.procs.remove(&pid) {
            if pid == self.k.init_pid {
                self.kill = Some(KillInfo {
                    signal: sig,
                    addr,
                    note,
                });
                if let Some(t) = self.k.threads.remove(&pid) {
                    self.stash_init_cpu(t);
                }
            }
            let p = self.k.exit_process(p, RunState::Killed(sig));
            self.keep_if_init(p);
        }
    }

    /// Runs the syscall `t` stopped at. `Err(Some(code))`: the thread
    /// exited; `Err(None)`: the process ended (recorded by the caller
    /// through the returned stop).
    fn syscall(
        &mut self,
        host: &mut dyn Host,
        p: &mut Box<Process>,
        t: &mut Box<Thread>,
    ) -> Result<After, Option<i32>> {
        self.syscalls += 1;
        let x = &t.cpu.x;
        let nr = x[17];
        let args = [x[10], x[11], x[12], x[13], x[14], x[15]];
        let mut ctx = Ctx {
            proc: p,
            thread: t,
            host,
            stop: None,
            code_changed: false,
            note: None,
            kernel: &mut self.k,
        };
        crate::errno::take_oom();
        let res = syscall::dispatch(&mut ctx, nr, &args);
        let (mut stop, code_changed, mut note) = (ctx.stop, ctx.code_changed, ctx.note);
        if crate::errno::take_oom() && stop.is_none() {
            // A copy to or from user memory found no frame: the OOM killer
            // runs (Linux would then retry the copy; here the call fails
            // with EFAULT unless the caller itself is the victim).
            if let Some((state, _, n)) = self.oom_kill(host, p) {
                (stop, note) = (Some(state), n);
            }
        }
        let block = self.k.block.take();
        let exit_thread = self.k.exit_thread.take();
        if self.strace {
            let line = match table::lookup(nr) {
                Some(s) => strace::format(&mut p.mem, s.name, &args, s.args, s.ret, res),
                None => {
                    let name = format!("syscall_{nr}");
                    let spec = [strace::Arg::X; 6];
                    strace::format(&mut p.mem, &name, &args, &spec, strace::Ret::Dec, res)
                }
            };
            let line = match block {
                Some(_) => format!("{line} <blocked>"),
                None => line,
            };
            if t.tid == self.k.init_pid {
                host.log(&line);
            } else {
                host.log(&format!("[pid {}] {line}", t.tid));
            }
            if res == Err(Errno::ENOSYS)
                && table::lookup(nr).is_none()
                && !self.reported.contains(&nr)
            {
                self.reported.push(nr);
                host.log(&format!(
                    "nanovm: unsupported syscall {nr} (answered ENOSYS; reported once)"
                ));
            }
        }
        if code_changed {
            p.interp.flush();
        }
        if let Some(state) = stop {
            self.pending_end = Some((state, note));
            return Err(None);
        }
        if let Some(code) = exit_thread {
            return Err(Some(code));
        }
        if let Some(w) = block {
            if w.restarts() {
                // Back to the ecall: the call runs again on wake-up.
                t.cpu.pc = t.cpu.pc.wrapping_sub(4);
            }
            t.wait = Some(w);
            // A signal already waiting ends the wait at once.
            wake_for_signals(t);
            return Ok(After::Switch);
        }
        t.cpu.x[10] = syscall::encode(res);
        self.k.io_progress = true;
        Ok(After::Continue)
    }

    /// Host input for the console ([`Options::console`]): fed through the
    /// terminal's line discipline (echo is written to the host at once,
    /// signal characters signal the foreground group), and parked reads try
    /// again. Returns false when there is no console.
    pub fn console_input(&mut self, host: &mut dyn Host, data: &[u8]) -> bool {
        if !crate::syscall::tty::console_input(&mut self.k, &self.pts, host, data) {
            return false;
        }
        self.k.settle();
        for t in self.k.threads.values_mut() {
            if matches!(t.wait, Some(Wait::Io { .. } | Wait::IoRetry { .. })) {
                restart(t);
            }
        }
        true
    }

    /// The host terminal's new window size (SIGWINCH for the console's
    /// foreground group when it changed).
    pub fn console_resize(&mut self, rows: u16, cols: u16) {
        crate::syscall::tty::console_resize(&mut self.k, &self.pts, rows, cols);
        self.k.settle();
    }

    /// The current state.
    pub fn state(&self) -> RunState {
        self.state
    }

    /// Why the program was killed, once it has been.
    pub fn kill_info(&self) -> Option<KillInfo> {
        self.kill
    }

    /// Run counters (all processes and threads).
    pub fn stats(&self) -> VmStats {
        let mut s = self.k.dead_stats;
        for p in self.k.procs.values() {
            let ps = p.interp.stats();
            s.blocks_built += ps.blocks_built;
            s.block_runs += ps.block_runs;
        }
        let live: u64 = self.k.threads.values().map(|t| t.cpu.instret).sum();
        VmStats {
            instructions: self.k.dead_instret + live,
            syscalls: self.syscalls,
            blocks_built: s.blocks_built,
            block_runs: s.block_runs,
        }
    }

    /// The first thread's registers.
    pub fn cpu(&self) -> &nanovm::cpu::Cpu {
        match self.k.threads.get(&self.k.init_pid) {
            Some(t) => &t.cpu,
            None => self
                .init_cpu
                .as_deref()
                .expect("the first thread's registers are kept when it exits"),
        }
    }

    /// The first process's memory.
    pub fn memory(&mut self) -> &mut AddressSpace {
        let init = self.k.init_pid;
        match self.k.procs.get_mut(&init) {
            Some(p) => &mut p.mem,
            None => {
                &mut self
                    .k
                    .init_done
                    .as_mut()
                    .expect("the first process is kept")
                    .mem
            }
        }
    }

    /// The kernel's tables (processes, threads, zombies).
    pub fn kernel(&self) -> &Kernel {
        &self.k
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elf::tests::tiny_elf;
    use crate::layout;

    #[test]
    fn load_sets_up_registers_and_stack() {
        let bytes = tiny_elf(&[0x73, 0, 0, 0]);
        let argv = vec![b"prog".to_vec(), b"x".to_vec()];
        let vm = Vm::load(&bytes, &argv, &[], &Options::default()).unwrap();
        assert_eq!(vm.cpu().pc, 0x10000 + 120);
        let sp = vm.cpu().x[2];
        assert_eq!(sp % 16, 0);
        assert!(sp > layout::STACK_BOTTOM && sp < layout::STACK_TOP);
        let mut vm = vm;
        assert_eq!(vm.memory().load_u64(sp).unwrap(), 2);
        assert_eq!(vm.state(), RunState::Running);
    }

    #[test]
    fn load_errors_have_exit_codes() {
        let e = Vm::load(b"", &[], &[], &Options::default()).err().unwrap();
        assert_eq!(e.exit_code(), 126);
        assert_eq!(e.to_string(), "not an ELF file (empty file)");
        let missing = LoadError::Interp {
            path: "/lib/ld.so".into(),
            errno: crate::Errno::ENOENT,
            detail: None,
        };
        assert_eq!(missing.exit_code(), 127);
        assert_eq!(
            missing.to_string(),
            "cannot execute: required file not found (no interpreter /lib/ld.so)"
        );
        let bad = LoadError::Interp {
            path: "/lib/ld.so".into(),
            errno: ELIBBAD,
            detail: Some("not an ELF file (bad magic number)".into()),
        };
        assert_eq!(bad.exit_code(), 126);
        assert_eq!(
            bad.to_string(),
            "bad ELF interpreter /lib/ld.so: not an ELF file (bad magic number)"
        );
    }

    #[test]
    fn kill_info_display() {
        let k = KillInfo {
            signal: SIGSEGV,
            addr: Some(0),
            note: None,
        };
        assert_eq!(k.to_string(), "Segmentation fault (SIGSEGV at 0x0)");
        let k = KillInfo {
            signal: 6,
            addr: None,
            note: None,
        };
        assert_eq!(k.to_string(), "Aborted (SIGABRT)");
        let k = KillInfo {
            signal: 9,
            addr: Some(5),
            note: Some(OOM),
        };
        assert_eq!(k.to_string(), "Killed (SIGKILL: out of guest memory)");
    }
}
