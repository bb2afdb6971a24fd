//! [`Vm`]: one guest program from ELF bytes to exit status. Loads the
//! program (ELF validation, segments, stack), then runs the interpreter in
//! budgeted slices, answering `ecall`s from the syscall table and turning
//! faults into the signals Linux would send.

use crate::elf::{self, ElfError};
use crate::host::Host;
use crate::layout;
use crate::loader;
use crate::signal::{self, SigInfo, SIGBUS, SIGILL, SIGSEGV, SIGTRAP};
use crate::stack::{self, AuxInfo, StackError};
use crate::syscall::{self, strace, table, Ctx};
use crate::task::{Process, Thread};
use crate::Errno;
use core::fmt;
use nanovm::interp::{Exit, Interp};
use nanovm::mem::{AddressSpace, FaultKind, Perms};

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
}

/// Why a program could not be loaded. Displays as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The file is not a runnable riscv64 ELF executable.
    Elf(ElfError),
    /// A segment could not be placed in guest memory.
    Map {
        /// Address of the segment.
        addr: u64,
    },
    /// Arguments and environment are too large for the stack.
    ArgsTooLong,
    /// The initial stack could not be written (memory limit too small).
    OutOfMemory,
    /// The file system described by [`Options::fs`] could not be built
    /// (a bad `--root`/`--mount`/`--cwd`); a usage error, exit status 2.
    FileSystem(String),
}

impl LoadError {
    /// The shell-style exit status for this failure: 127 when something
    /// needed is missing (the dynamic loader), 126 when the file is there but
    /// cannot be run. (A missing program file is 127 too; the caller that
    /// reads files decides that.)
    pub fn exit_code(&self) -> i32 {
        match self {
            LoadError::Elf(ElfError::Dynamic { .. }) => 127,
            LoadError::FileSystem(_) => 2,
            _ => 126,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Elf(e) => e.fmt(f),
            LoadError::Map { addr } => write!(
                f,
                "cannot map the segment at {addr:#x} (not enough guest memory?)"
            ),
            LoadError::ArgsTooLong => write!(f, "argument list too long"),
            LoadError::OutOfMemory => {
                write!(f, "not enough guest memory to set up the program")
            }
            LoadError::FileSystem(m) => f.write_str(m),
        }
    }
}

impl From<ElfError> for LoadError {
    fn from(e: ElfError) -> Self {
        LoadError::Elf(e)
    }
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

/// Kill note when guest memory runs out.
const OOM: &str = "out of guest memory";

/// A loaded guest program.
pub struct Vm {
    proc: Process,
    thread: Thread,
    interp: Interp,
    state: RunState,
    strace: bool,
    /// Where AT_RANDOM's bytes go; filled from the host at the first run.
    random_pending: Option<u64>,
    /// Unknown syscall numbers already reported under `--strace`.
    reported: Vec<u64>,
    syscalls: u64,
    kill: Option<KillInfo>,
}

impl Vm {
    /// Validates and loads a static riscv64 ELF program with its arguments
    /// and environment.
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
        let file = elf::parse(bytes)?;
        let mut mem = AddressSpace::new();
        if let Some(limit) = opts.memory_limit {
            mem.set_limit(limit);
        }
        mem.set_mmap_top(layout::MMAP_TOP);
        let img =
            loader::load(&mut mem, &file, bytes).map_err(|e| LoadError::Map { addr: e.addr })?;
        let stack_perms = if img.exec_stack {
            Perms::RWX
        } else {
            Perms::RW
        };
        mem.map_fixed(layout::STACK_BOTTOM, layout::STACK_SIZE, stack_perms)
            .map_err(|_| LoadError::OutOfMemory)?;
        let execfn = if opts.exe_name.is_empty() {
            argv.first().cloned().unwrap_or_default()
        } else {
            opts.exe_name.clone()
        };
        let mut proc = Process::new(mem, img.brk, &execfn);
        proc.memory_limit = opts.memory_limit;
        proc.fs = fs;
        let aux = AuxInfo {
            phdr: img.phdr,
            phnum: img.phnum,
            entry: img.entry,
            uid: proc.uid as u64,
            gid: proc.gid as u64,
        };
        let st = stack::build(&mut proc.mem, layout::STACK_TOP, argv, envp, &execfn, &aux)
            .map_err(|e| match e {
                StackError::TooBig => LoadError::ArgsTooLong,
                StackError::Fault(_) => LoadError::OutOfMemory,
            })?;
        let mut thread = Thread::new(proc.pid, img.entry);
        thread.cpu.x[2] = st.sp;
        Ok(Vm {
            proc,
            thread,
            interp: Interp::new(),
            state: RunState::Running,
            strace: opts.strace,
            random_pending: Some(st.random),
            reported: Vec::new(),
            syscalls: 0,
            kill: None,
        })
    }

    /// Runs about `budget` instructions (whole blocks), or until the program
    /// exits or is killed. Returns at once if it already has.
    pub fn run(&mut self, host: &mut dyn Host, budget: u64) -> RunState {
        if self.state != RunState::Running {
            return self.state;
        }
        let state = self.run_slice(host, budget);
        if self.strace {
            // strace's closing line.
            match state {
                RunState::Exited(c) => host.log(&format!("+++ exited with {c} +++")),
                RunState::Killed(s) => host.log(&format!("+++ killed by {} +++", signal::name(s))),
                RunState::Running => {}
            }
        }
        state
    }

    fn run_slice(&mut self, host: &mut dyn Host, budget: u64) -> RunState {
        if let Some(addr) = self.random_pending.take() {
            let mut r = [0u8; 16];
            host.random(&mut r);
            if self.proc.mem.write_bytes_unchecked(addr, &r).is_err() {
                self.die(SIGSEGV, Some(addr));
                return self.state;
            }
        }
        let mut left = budget;
        loop {
            if self.deliver_signals(host, None) {
                return self.state;
            }
            let before = self.thread.cpu.instret;
            let exit = self
                .interp
                .run(&mut self.thread.cpu, &mut self.proc.mem, left.max(1));
            left = left.saturating_sub(self.thread.cpu.instret - before);
            match exit {
                Exit::Ecall => {
                    let (nr, orig_a0) = (self.thread.cpu.x[17], self.thread.cpu.x[10]);
                    self.syscall(host);
                    if self.state == RunState::Running {
                        self.deliver_signals(host, Some((nr, orig_a0)));
                    }
                    if self.state != RunState::Running || left == 0 {
                        return self.state;
                    }
                }
                Exit::Budget => return self.state,
                Exit::Fault { pc, fault } => {
                    let info = match fault.kind {
                        // Linux reports the AMO's pc (traps.c: do_trap_error(.., epc)).
                        FaultKind::Misaligned => SigInfo::fault(SIGBUS, signal::BUS_ADRALN, pc),
                        // What the Linux OOM killer does.
                        FaultKind::OutOfMemory => {
                            self.die_note(signal::SIGKILL, OOM);
                            return self.state;
                        }
                        FaultKind::Unmapped => {
                            SigInfo::fault(SIGSEGV, signal::SEGV_MAPERR, fault.addr)
                        }
                        FaultKind::Protection => {
                            SigInfo::fault(SIGSEGV, signal::SEGV_ACCERR, fault.addr)
                        }
                    };
                    if self.fault(host, info) {
                        return self.state;
                    }
                }
                Exit::Illegal { pc, .. } => {
                    if self.fault(host, SigInfo::fault(SIGILL, signal::ILL_ILLOPC, pc)) {
                        return self.state;
                    }
                }
                Exit::Ebreak => {
                    let pc = self.thread.cpu.pc;
                    if self.fault(host, SigInfo::fault(SIGTRAP, signal::TRAP_BRKPT, pc)) {
                        return self.state;
                    }
                }
            }
        }
    }

    /// Signal hook: delivers pending signals (see `signal::deliver_pending`);
    /// true when one killed the program.
    fn deliver_signals(&mut self, host: &mut dyn Host, syscall: Option<(u64, u64)>) -> bool {
        let fatal = signal::deliver_pending(&mut self.proc, &mut self.thread, host, syscall);
        fatal.map(|f| self.die(f.sig, f.addr)).is_some()
    }

    /// Signal hook for a synchronous fault; true when it killed the program.
    fn fault(&mut self, host: &mut dyn Host, info: SigInfo) -> bool {
        let fatal = signal::force_fault(&mut self.proc, &mut self.thread, host, info);
        fatal.map(|f| self.die(f.sig, f.addr)).is_some()
    }

    fn die(&mut self, signal: i32, addr: Option<u64>) {
        self.state = RunState::Killed(signal);
        self.kill = Some(KillInfo {
            signal,
            addr,
            note: None,
        });
    }

    fn die_note(&mut self, signal: i32, note: &'static str) {
        self.state = RunState::Killed(signal);
        self.kill = Some(KillInfo {
            signal,
            addr: None,
            note: Some(note),
        });
    }

    fn syscall(&mut self, host: &mut dyn Host) {
        self.syscalls += 1;
        let x = &self.thread.cpu.x;
        let nr = x[17];
        let args = [x[10], x[11], x[12], x[13], x[14], x[15]];
        let mut ctx = Ctx {
            proc: &mut self.proc,
            thread: &mut self.thread,
            host,
            stop: None,
            code_changed: false,
            note: None,
        };
        let res = syscall::dispatch(&mut ctx, nr, &args);
        let (stop, code_changed, note) = (ctx.stop, ctx.code_changed, ctx.note);
        if self.strace {
            let line = match table::lookup(nr) {
                Some(s) => strace::format(&mut self.proc.mem, s.name, &args, s.args, s.ret, res),
                None => {
                    let name = format!("syscall_{nr}");
                    let spec = [strace::Arg::X; 6];
                    strace::format(
                        &mut self.proc.mem,
                        &name,
                        &args,
                        &spec,
                        strace::Ret::Dec,
                        res,
                    )
                }
            };
            host.log(&line);
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
            self.interp.flush();
        }
        match stop {
            Some(RunState::Killed(sig)) => match note {
                Some(n) => self.die_note(sig, n),
                None => self.die(sig, None),
            },
            Some(s) => self.state = s,
            None => self.thread.cpu.x[10] = syscall::encode(res),
        }
    }

    /// The current state.
    pub fn state(&self) -> RunState {
        self.state
    }

    /// Why the program was killed, once it has been.
    pub fn kill_info(&self) -> Option<KillInfo> {
        self.kill
    }

    /// Run counters.
    pub fn stats(&self) -> VmStats {
        let s = self.interp.stats();
        VmStats {
            instructions: self.thread.cpu.instret,
            syscalls: self.syscalls,
            blocks_built: s.blocks_built,
            block_runs: s.block_runs,
        }
    }

    /// The main thread's registers.
    pub fn cpu(&self) -> &nanovm::cpu::Cpu {
        &self.thread.cpu
    }

    /// Guest memory.
    pub fn memory(&mut self) -> &mut AddressSpace {
        &mut self.proc.mem
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elf::tests::tiny_elf;

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
        let dynamic = LoadError::Elf(ElfError::Dynamic {
            interpreter: "/lib/ld.so".into(),
        });
        assert_eq!(dynamic.exit_code(), 127);
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
