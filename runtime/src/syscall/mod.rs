//! System calls of the Linux personality: the dispatcher, the call context
//! handlers work on, and one module per family. [`table`] maps numbers to
//! handlers; [`strace`] formats calls for `--strace`.
//!
//! A handler is `fn(&mut Ctx, &Args) -> SysResult`. It reads its arguments
//! from `Args`, guest memory through `ctx.proc.mem` (a bad pointer becomes
//! `EFAULT` via `?`), talks to the host through `ctx.host`, and returns the
//! value for `a0` or an errno. A call that ends the run (exit, a fatal
//! signal) sets `ctx.stop`.

pub mod cred;
pub mod exec;
pub mod fs;
pub mod fs_fd;
pub mod fs_ioctl;
pub mod fs_path;
pub mod fs_pipe;
pub mod fs_poll;
pub mod fs_stat;
pub mod fs_stdio;
pub mod futex;
pub mod mm;
pub mod names;
pub mod prio;
pub mod process;
pub mod random;
pub mod signal;
pub mod strace;
pub mod table;
pub mod thread;
pub mod time;
pub mod tty;
pub mod tty_ioctl;
pub mod wait;

use crate::host::Host;
use crate::kernel::Kernel;
use crate::task::{Process, Thread};
use crate::{Errno, RunState};

/// The six syscall arguments (`a0`..`a5`).
pub type Args = [u64; 6];

/// A handler's result: the value for `a0`, or an errno (returned negated).
pub type SysResult = Result<u64, Errno>;

/// A syscall handler.
pub type Handler = fn(&mut Ctx, &Args) -> SysResult;

/// Everything a handler may look at or change.
pub struct Ctx<'a> {
    /// The calling process.
    pub proc: &'a mut Process,
    /// The calling thread.
    pub thread: &'a mut Thread,
    /// The host (I/O, clocks, randomness, log).
    pub host: &'a mut dyn Host,
    /// Set when the call ends the run (exit, fatal signal).
    pub stop: Option<RunState>,
    /// Set when mappings that may hold decoded code changed (the caller
    /// flushes its block cache).
    pub code_changed: bool,
    /// Why the emulator kills the process, when it is not an ordinary signal.
    pub note: Option<&'static str>,
    /// Every other process and thread (the caller is out of the tables
    /// while its syscall runs), and the requests a handler leaves for the
    /// scheduler (parking, thread exit).
    pub kernel: &'a mut Kernel,
}

impl Ctx<'_> {
    /// Kills the process with `sig` (the run stops after this call).
    pub fn kill(&mut self, sig: i32) {
        self.stop = Some(RunState::Killed(sig));
    }

    /// Copies `data` to guest memory at `addr` (user permissions).
    pub fn put(&mut self, addr: u64, data: &[u8]) -> Result<(), Errno> {
        Ok(self.proc.mem.write_bytes(addr, data)?)
    }

    /// Stores little-endian 64-bit words at `addr`.
    pub fn put_u64s(&mut self, addr: u64, words: &[u64]) -> Result<(), Errno> {
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        self.put(addr, &bytes)
    }

    /// Reads a 64-bit word at `addr`.
    pub fn get_u64(&mut self, addr: u64) -> Result<u64, Errno> {
        let mut b = [0u8; 8];
        self.proc.mem.read_bytes(addr, &mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    /// The live thread `tid` (0: the caller), wherever it is kept: the
    /// caller is out of the kernel's tables during its syscall.
    pub fn thread_by_tid(&mut self, tid: i32) -> Option<&mut crate::task::Thread> {
        if tid == 0 || tid == self.thread.tid {
            Some(&mut *self.thread)
        } else {
            self.kernel.threads.get_mut(&tid).map(|t| &mut **t)
        }
    }

    /// Reads a NUL-terminated path (at most `PATH_MAX` bytes).
    pub fn get_path(&mut self, addr: u64) -> Result<Vec<u8>, Errno> {
        const PATH_MAX: usize = 4096;
        let s = self.proc.mem.read_cstr(addr, PATH_MAX + 1)?;
        if s.len() > PATH_MAX - 1 {
            return Err(Errno::ENAMETOOLONG);
        }
        Ok(s)
    }
}

/// The outcome of one syscall as the guest sees it in `a0`.
pub fn encode(res: SysResult) -> u64 {
    match res {
        Ok(v) => v,
        Err(e) => (-(e.0 as i64)) as u64,
    }
}

/// `fd` if it is an open descriptor (any file; the name is historical).
pub fn stdio_fd(ctx: &Ctx, fd: u64) -> Option<i32> {
    let fd = fd as i32;
    ctx.proc.fs.fds.get(fd).is_ok().then_some(fd)
}

/// Runs syscall `nr` with `args`: the table's handler, or `ENOSYS`.
pub fn dispatch(ctx: &mut Ctx, nr: u64, args: &Args) -> SysResult {
    let procfs = &ctx.proc.fs.kernel.procfs;
    procfs.set_current_thread(ctx.proc.pid, ctx.thread.tid);
    let res = match table::lookup(nr) {
        Some(s) => (s.handler)(ctx, args),
        None => Err(Errno::ENOSYS),
    };
    crate::procview::sync(ctx.proc);
    res
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::host::CaptureHost;
    use nanovm::mem::{AddressSpace, Perms};

    const DATA: u64 = 0x10_0000;

    /// A process with a 1 MiB scratch data area, for calling handlers directly.
    pub(crate) struct TestVm {
        pub proc: Process,
        pub thread: Thread,
        pub host: CaptureHost,
        pub kernel: Kernel,
        next: u64,
    }

    impl TestVm {
        pub fn new() -> Self {
            let mut mem = AddressSpace::new();
            mem.map_fixed(DATA, 0x10_0000, Perms::RW).unwrap();
            let proc = Process::new(mem, 0x40_0000, b"/bin/test");
            let thread = Thread::new(proc.pid, 0x1000);
            TestVm {
                proc,
                thread,
                host: CaptureHost::default(),
                kernel: Kernel::new(),
                next: DATA,
            }
        }

        /// Copies `bytes` into the data area (16-byte aligned, at least 64 bytes apart).
        pub fn data(&mut self, bytes: &[u8]) -> u64 {
            let a = self.next;
            self.proc.mem.write_bytes(a, bytes).unwrap();
            self.next += (bytes.len() as u64).max(64).next_multiple_of(16);
            a
        }

        pub fn words(&mut self, addr: u64, w: &[u64]) {
            for (i, v) in w.iter().enumerate() {
                self.proc.mem.store_u64(addr + 8 * i as u64, *v).unwrap();
            }
        }

        pub fn read(&mut self, addr: u64, n: usize) -> Vec<u8> {
            let mut b = vec![0; n];
            self.proc.mem.read_bytes(addr, &mut b).unwrap();
            b
        }

        pub fn call_stop(&mut self, nr: u64, args: Args) -> (SysResult, Option<RunState>) {
            let mut ctx = Ctx {
                proc: &mut self.proc,
                thread: &mut self.thread,
                host: &mut self.host,
                stop: None,
                code_changed: false,
                note: None,
                kernel: &mut self.kernel,
            };
            let r = dispatch(&mut ctx, nr, &args);
            (r, ctx.stop)
        }

        pub fn call(&mut self, nr: u64, args: Args) -> SysResult {
            self.call_stop(nr, args).0
        }
    }

    #[test]
    fn unknown_is_enosys_and_encoding() {
        let mut t = TestVm::new();
        assert_eq!(t.call(9999, [0; 6]), Err(Errno::ENOSYS));
        assert_eq!(encode(Err(Errno::ENOENT)), (-2i64) as u64);
        assert_eq!(encode(Ok(5)), 5);
    }
}

#[cfg(test)]
mod robustness {
    use super::tests::TestVm;
    use super::*;

    /// Every table entry, called with hostile argument mixes, returns a
    /// value or an errno and never panics.
    #[test]
    fn no_syscall_panics_on_hostile_arguments() {
        let nasty = [
            0,
            1,
            2,
            8,
            24,
            0xfff,
            0x1000,
            0x10_0000,
            0x10_0ff8,
            0x1f_fffc,
            0x20_0000,
            i32::MAX as u64,
            u32::MAX as u64,
            1 << 47,
            i64::MAX as u64,
            i64::MIN as u64,
            u64::MAX - 4095,
            u64::MAX,
        ];
        let mut rng = 0x1234_5678_9abc_def1u64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        for s in table::TABLE {
            for _ in 0..300 {
                let mut t = TestVm::new();
                t.data(b"/some/path\0");
                let mut args = [0u64; 6];
                for a in &mut args {
                    *a = nasty[(next() % nasty.len() as u64) as usize];
                }
                let _ = t.call(s.nr, args);
            }
        }
    }
}
