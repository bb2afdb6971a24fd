//! The WebAssembly entry point: a `WasmVm` class for JavaScript (via wasm-bindgen).
//!
//! JavaScript hands over the ELF bytes, argv, envp and options, plus a *host object* whose
//! methods carry out the guest's I/O (`write`, `read`), clocks, randomness and diagnostics; this
//! module adapts that object to the runtime's [`Host`] trait. The caller then drives the guest in
//! slices with [`WasmVm::run`], yielding to its event loop between slices, so a long-running
//! guest never blocks Node or a browser tab for long.
//!
//! Rejected alternative: having Rust call Node's `fs` directly (`--target nodejs` with
//! `#[wasm_bindgen(module = "fs")]` imports). That ties the module to Node; with a host object
//! the same `--target web` glue serves Node and browsers, and tests can pass a fake host.
//!
//! Host methods must not throw: a JavaScript exception unwinding through wasm would leave the
//! `WasmVm` borrowed forever. Errors travel as negative errno values instead.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use crate::fsctx::{FsCtx, MountSpec};
use crate::{Errno, Host, Options, RunState, Vm};

#[wasm_bindgen]
extern "C" {
    /// The JavaScript host object (see `js/lib/host.mjs`). Methods:
    /// `write(fd, Uint8Array) -> number` (bytes written or `-errno`),
    /// `read(fd, Uint8Array) -> number` (bytes read, 0 at end of file, or `-errno`),
    /// `realtimeNs() -> bigint`, `monotonicNs() -> bigint`, `random(Uint8Array)` (fills it with
    /// cryptographically secure bytes), `log(string)` (one diagnostic line, no newline).
    /// For `--root`/`--mount` it also needs the file functions `fsLstat`, `fsOpen`, ... that
    /// `crate::vfs::jsfs` documents (`js/lib/nodefs.mjs` implements them over Node's `fs`).
    #[derive(Clone)]
    pub type JsHost;

    #[wasm_bindgen(method)]
    fn write(this: &JsHost, fd: i32, data: &[u8]) -> i32;
    #[wasm_bindgen(method)]
    fn read(this: &JsHost, fd: i32, buf: &mut [u8]) -> i32;
    #[wasm_bindgen(method, js_name = realtimeNs)]
    fn realtime_ns(this: &JsHost) -> u64;
    #[wasm_bindgen(method, js_name = monotonicNs)]
    fn monotonic_ns(this: &JsHost) -> u64;
    #[wasm_bindgen(method)]
    fn random(this: &JsHost, buf: &mut [u8]);
    #[wasm_bindgen(method)]
    fn log(this: &JsHost, line: &str);
    /// `stdioKind(fd) -> number`: what host fd 0-2 is: 0 something else (`/dev/null`),
    /// 1 a pipe or socket, 2 a regular file, 3 a terminal. Optional: without it, a pipe.
    #[wasm_bindgen(method, catch, js_name = stdioKind)]
    fn stdio_kind(this: &JsHost, fd: i32) -> Result<i32, JsValue>;
    /// `stdioInfo(fd) -> number`: for a regular file its size in bytes, for a terminal
    /// `rows * 65536 + cols` (0 when unknown).
    #[wasm_bindgen(method, catch, js_name = stdioInfo)]
    fn stdio_info(this: &JsHost, fd: i32) -> Result<f64, JsValue>;
}

/// Adapts the JavaScript host object to the runtime's [`Host`] trait.
struct HostAdapter(JsHost);

/// Turns a JS `count or -errno` answer into the trait's `Result`.
fn count_or_errno(n: i32) -> Result<usize, i32> {
    if n < 0 {
        Err(-n)
    } else {
        Ok(n as usize)
    }
}

impl Host for HostAdapter {
    fn write(&mut self, fd: i32, data: &[u8]) -> Result<usize, i32> {
        count_or_errno(self.0.write(fd, data))
    }
    fn read(&mut self, fd: i32, buf: &mut [u8]) -> Result<usize, i32> {
        // Never trust the host to stay within the buffer.
        count_or_errno(self.0.read(fd, buf)).map(|n| n.min(buf.len()))
    }
    fn realtime_ns(&mut self) -> u64 {
        self.0.realtime_ns()
    }
    fn monotonic_ns(&mut self) -> u64 {
        self.0.monotonic_ns()
    }
    fn random(&mut self, buf: &mut [u8]) {
        self.0.random(buf)
    }
    fn log(&mut self, line: &str) {
        self.0.log(line)
    }
    fn stdio_kind(&mut self, fd: i32) -> crate::StdioKind {
        use crate::StdioKind;
        let info = || self.0.stdio_info(fd).unwrap_or(0.0);
        match self.0.stdio_kind(fd) {
            Ok(0) => StdioKind::Null,
            Ok(2) => StdioKind::File {
                size: info().max(0.0) as u64,
            },
            Ok(3) => {
                let v = info().max(0.0) as u64;
                StdioKind::Tty {
                    rows: (v >> 16) as u16,
                    cols: v as u16,
                }
            }
            _ => StdioKind::Pipe,
        }
    }
}

/// [`WasmVm::run`] result: the guest can run further.
pub const STATE_RUNNING: i32 = 0;
/// [`WasmVm::run`] result: the guest exited; see [`WasmVm::exit_code`].
pub const STATE_EXITED: i32 = 1;
/// [`WasmVm::run`] result: the guest was killed by a signal; see [`WasmVm::signal`].
pub const STATE_KILLED: i32 = 2;
/// [`WasmVm::run`] result: every guest thread is parked; call `run` again
/// once the host's monotonic clock reaches [`WasmVm::idle_until_ms`].
pub const STATE_IDLE: i32 = 3;

thread_local! {
    /// The message of the last Rust panic, for [`last_panic`].
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Records panic messages so JavaScript can print one line instead of a bare
/// `RuntimeError: unreachable` after the wasm instance traps.
fn install_panic_hook() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let msg = info.to_string().replace('\n', " ");
            LAST_PANIC.with(|p| *p.borrow_mut() = msg);
        }));
    });
}

/// The message of the last internal panic ("" if none). After a panic the wasm instance has
/// trapped; the `WasmVm` must not be used again.
#[wasm_bindgen(js_name = lastPanic)]
pub fn last_panic() -> String {
    LAST_PANIC.with(|p| p.borrow().clone())
}

/// Why a guest program could not be loaded: thrown by the [`WasmVm`] constructor.
#[wasm_bindgen]
pub struct WasmLoadError {
    message: String,
    exit_code: i32,
    about_program: bool,
}

#[wasm_bindgen]
impl WasmLoadError {
    /// One line such as "not an ELF file" (without the file name).
    #[wasm_bindgen(getter)]
    pub fn message(&self) -> String {
        self.message.clone()
    }
    /// The exit status a shell would use (126 or 127).
    #[wasm_bindgen(getter, js_name = exitCode)]
    pub fn exit_code(&self) -> i32 {
        self.exit_code
    }
    /// Whether the message is about the program file (the CLI prefixes its name, exit 126 or
    /// 127) rather than the file-system options (`--root DIR: Not a directory`, exit 2).
    #[wasm_bindgen(getter, js_name = aboutProgram)]
    pub fn about_program(&self) -> bool {
        self.about_program
    }
}

/// Everything [`WasmVm::load`] takes besides the program, argv and env: the native CLI's
/// options (`--strace`, `--memory`, `--root`, `--mount`, `--cwd`), set one by one from
/// JavaScript.
#[wasm_bindgen]
#[derive(Default)]
pub struct WasmOptions(Options);

#[wasm_bindgen]
impl WasmOptions {
    /// The defaults: no strace, the runtime's memory limit, an in-memory file system, cwd `/`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> WasmOptions {
        WasmOptions::default()
    }
    /// Log every system call through the host's `log`.
    #[wasm_bindgen(js_name = setStrace)]
    pub fn set_strace(&mut self, on: bool) {
        self.0.strace = on;
    }
    /// Caps guest memory at `bytes` (0 = the runtime's default).
    #[wasm_bindgen(js_name = setMemoryLimit)]
    pub fn set_memory_limit(&mut self, bytes: f64) {
        self.0.memory_limit = (bytes >= 1.0).then_some(bytes as u64);
    }
    /// The path the guest sees as its executable (`AT_EXECFN`).
    #[wasm_bindgen(js_name = setExeName)]
    pub fn set_exe_name(&mut self, name: String) {
        self.0.exe_name = name.into_bytes();
    }
    /// The guest's initial working directory (an absolute guest path).
    #[wasm_bindgen(js_name = setCwd)]
    pub fn set_cwd(&mut self, dir: String) {
        self.0.fs.cwd = dir.into_bytes();
    }
    /// `--root DIR`: the host directory `dir` (served by the host object's file functions, see
    /// `crate::vfs::jsfs`) is the guest's read-only root.
    #[wasm_bindgen(js_name = setRoot)]
    pub fn set_root(&mut self, dir: String) {
        self.0.fs.root = Some(dir.into());
    }
    /// Builds the file system these options describe and throws it away: `undefined` when it
    /// builds, else the one-line error (`--cwd /x: No such file or directory`). The CLI checks
    /// this before reading a host program file, the native CLI's order of errors.
    #[wasm_bindgen(js_name = checkFs)]
    pub fn check_fs(&self, host: &JsHost) -> Option<String> {
        let host: &JsValue = host.as_ref();
        crate::vfs::jsfs::with_host(host, || FsCtx::build(&self.0.fs)).err()
    }
    /// A console (see `crate::tty`): the guest's fds 0 and 1 (and 2 when `stderr` is true) are
    /// a terminal of `rows` x `cols` whose input the host feeds with [`WasmVm::console_input`]
    /// (the host's terminal should be in raw mode meanwhile).
    #[wasm_bindgen(js_name = setConsole)]
    pub fn set_console(&mut self, rows: u16, cols: u16, stderr: bool) {
        self.0.console = Some(crate::tty::ConsoleConfig {
            rows,
            cols,
            fds: [true, true, stderr],
        });
    }
    /// `--mount HOST:GUEST[:ro]`.
    #[wasm_bindgen(js_name = addMount)]
    pub fn add_mount(&mut self, host: String, guest: String, read_only: bool) {
        self.0.fs.mounts.push(MountSpec {
            host: host.into(),
            guest: guest.into_bytes(),
            read_only,
        });
    }
}

/// One guest process, driven from JavaScript.
#[wasm_bindgen]
pub struct WasmVm {
    vm: Vm,
    host: HostAdapter,
    state: RunState,
}

#[wasm_bindgen]
impl WasmVm {
    /// Loads `elf` with `argv` (argv[0] included) and `env` (`NAME=value` strings).
    /// `memory_limit_bytes` caps guest memory (0 = the runtime's default). `exe_name` is the
    /// path the guest sees as its executable. Throws a [`WasmLoadError`] if the file cannot run.
    #[wasm_bindgen(constructor)]
    pub fn new(
        elf: &[u8],
        argv: Vec<String>,
        env: Vec<String>,
        exe_name: String,
        strace: bool,
        memory_limit_bytes: f64,
        host: JsHost,
    ) -> Result<WasmVm, WasmLoadError> {
        let mut opts = WasmOptions::new();
        opts.set_strace(strace);
        opts.set_memory_limit(memory_limit_bytes);
        opts.set_exe_name(exe_name);
        Self::load(Some(elf.to_vec()), argv, env, &opts, host)
    }

    /// Loads a guest with every option: `elf` is the program's bytes, or `undefined` to read
    /// `argv[0]` through the guest's own file system (what `--root` does: the program is then a
    /// guest path). Throws a [`WasmLoadError`]; see [`WasmLoadError::about_program`].
    pub fn load(
        elf: Option<Vec<u8>>,
        argv: Vec<String>,
        env: Vec<String>,
        opts: &WasmOptions,
        host: JsHost,
    ) -> Result<WasmVm, WasmLoadError> {
        install_panic_hook();
        let argv: Vec<Vec<u8>> = argv.into_iter().map(String::into_bytes).collect();
        let env: Vec<Vec<u8>> = env.into_iter().map(String::into_bytes).collect();
        let fs_host: JsValue = host.clone().into();
        let built = crate::vfs::jsfs::with_host(&fs_host, || FsCtx::build(&opts.0.fs));
        let mut fs = built.map_err(|message| WasmLoadError {
            message,
            exit_code: 2,
            about_program: false,
        })?;
        let bytes = match elf {
            Some(b) => b,
            None => {
                let path = argv.first().cloned().unwrap_or_default();
                fs.open_exec(&path).map_err(|e| WasmLoadError {
                    message: e.message().to_string(),
                    exit_code: if e == Errno::ENOENT { 127 } else { 126 },
                    about_program: true,
                })?
            }
        };
        match Vm::load_with_fs(&bytes, &argv, &env, &opts.0, fs) {
            Ok(vm) => Ok(WasmVm {
                vm,
                host: HostAdapter(host),
                state: RunState::Running,
            }),
            Err(e) => Err(WasmLoadError {
                message: e.to_string(),
                exit_code: e.exit_code(),
                about_program: !matches!(e, crate::vm::LoadError::FileSystem(_)),
            }),
        }
    }

    /// Runs about `budget` guest instructions (stops early at exit or death) and returns
    /// [`STATE_RUNNING`], [`STATE_EXITED`] or [`STATE_KILLED`]. Once finished, further calls do
    /// nothing and return the same state.
    pub fn run(&mut self, budget: u32) -> i32 {
        if matches!(self.state, RunState::Running | RunState::Idle { .. }) {
            self.state = self.vm.run(&mut self.host, u64::from(budget));
        }
        match self.state {
            RunState::Running => STATE_RUNNING,
            RunState::Idle { .. } => STATE_IDLE,
            RunState::Exited(_) => STATE_EXITED,
            RunState::Killed(_) => STATE_KILLED,
        }
    }

    /// Host keystrokes for the console (see [`WasmOptions::set_console`]): echoed, edited and
    /// turned into signals by the guest's line discipline; parked reads run again. Returns
    /// false without a console.
    #[wasm_bindgen(js_name = consoleInput)]
    pub fn console_input(&mut self, data: &[u8]) -> bool {
        let ok = self.vm.console_input(&mut self.host, data);
        if ok && matches!(self.state, RunState::Idle { .. }) {
            self.state = RunState::Running;
        }
        ok
    }

    /// The host terminal's new size: SIGWINCH for the console's foreground group if it changed.
    #[wasm_bindgen(js_name = consoleResize)]
    pub fn console_resize(&mut self, rows: u16, cols: u16) {
        self.vm.console_resize(rows, cols);
        if matches!(self.state, RunState::Idle { .. }) {
            self.state = RunState::Running;
        }
    }

    /// Sends signal `sig` to guest process `pid` from the host, with `kill(2)`'s addressing
    /// (`-pgid` for a group, 0 the first process's group, -1 all): 0, or `-errno` (-3 ESRCH
    /// when nothing matches, -22 EINVAL for a bad signal or once the guest has ended). It takes
    /// effect at the next [`WasmVm::run`]: a guest looping forever stays killable. (The JS
    /// library's `killGuest` also wakes a run loop waiting on an idle guest's timer.)
    pub fn kill(&mut self, pid: i32, sig: i32) -> i32 {
        match self.vm.kill(pid, sig) {
            Ok(()) => 0,
            Err(e) => -e.0,
        }
    }

    /// Sends `sig` to the guest's foreground process group, as a terminal does for Ctrl-C
    /// (SIGINT, 2); returns how many processes it reached.
    pub fn interrupt(&mut self, sig: i32) -> u32 {
        self.vm.interrupt(sig) as u32
    }

    /// After [`STATE_IDLE`]: the host monotonic time (ms, the clock of
    /// `monotonicNs` / 1e6) at which to call `run` again; -1 if none.
    #[wasm_bindgen(getter, js_name = idleUntilMs)]
    pub fn idle_until_ms(&self) -> f64 {
        match self.state {
            RunState::Idle { until: Some(ns) } => ns as f64 / 1e6,
            _ => -1.0,
        }
    }

    /// The guest's exit status (0..=255) once `run` returned [`STATE_EXITED`], else -1.
    #[wasm_bindgen(getter, js_name = exitCode)]
    pub fn exit_code(&self) -> i32 {
        match self.state {
            RunState::Exited(code) => code,
            _ => -1,
        }
    }

    /// The signal that killed the guest once `run` returned [`STATE_KILLED`], else 0.
    #[wasm_bindgen(getter)]
    pub fn signal(&self) -> i32 {
        match self.state {
            RunState::Killed(sig) => sig,
            _ => 0,
        }
    }

    /// Why the guest was killed, one line such as `Segmentation fault (SIGSEGV at 0x0)`;
    /// `undefined` unless `run` returned [`STATE_KILLED`] with a known cause.
    #[wasm_bindgen(getter, js_name = killInfo)]
    pub fn kill_info(&self) -> Option<String> {
        match self.state {
            RunState::Killed(_) => self.vm.kill_info().map(|k| k.to_string()),
            _ => None,
        }
    }

    /// Guest instructions retired so far (exact below 2^53).
    #[wasm_bindgen(getter)]
    pub fn instructions(&self) -> f64 {
        self.vm.stats().instructions as f64
    }

    /// System calls made so far.
    #[wasm_bindgen(getter)]
    pub fn syscalls(&self) -> f64 {
        self.vm.stats().syscalls as f64
    }

    /// Basic blocks decoded into the block cache so far.
    #[wasm_bindgen(getter, js_name = blocksBuilt)]
    pub fn blocks_built(&self) -> f64 {
        self.vm.stats().blocks_built as f64
    }

    /// Block executions so far.
    #[wasm_bindgen(getter, js_name = blockRuns)]
    pub fn block_runs(&self) -> f64 {
        self.vm.stats().block_runs as f64
    }
}

/// The C library's message for Linux errno `n` ("No such file or directory" for 2), the same
/// text the native CLI prints.
#[wasm_bindgen(js_name = errnoMessage)]
pub fn errno_message(n: i32) -> String {
    Errno(n).message().to_string()
}
