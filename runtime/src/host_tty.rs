//! The native CLI's console ([`Console`]): when the process's stdin and
//! stdout are a terminal, the guest gets a terminal of its own
//! ([`crate::tty`]) and this module is its host side:
//!
//! - the host terminal is put in raw mode for the run (no echo, no line
//!   editing, no signal characters: the guest's line discipline does all
//!   that) and restored on every way out: the normal end ([`Drop`]), a
//!   panic (a panic hook; release builds abort on panic, so `Drop` would not
//!   run), and SIGTERM, SIGHUP or SIGQUIT sent to the emulator from outside
//!   (a handler restores, then dies of the signal as before; a SIGINT from
//!   outside is the CLI's: it interrupts the guest's foreground group, see
//!   [`Console::run`]);
//! - a thread reads the host's stdin and hands the bytes to the run loop,
//!   which feeds them to the guest between slices ([`crate::Vm::console_input`])
//!   and, when every guest thread waits, sleeps until input arrives or the
//!   guest's next deadline (the VM itself never blocks);
//! - the window size comes from `TIOCGWINSZ`; SIGWINCH sets a flag the loop
//!   checks, and the guest's foreground group gets SIGWINCH in turn.
//!
//! The `libc` crate is used for `termios` and the signal handlers (std has
//! neither).

use crate::signal::SIGINT;
use crate::tty::ConsoleConfig;
use crate::{Host, RunState, Vm};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::OnceLock;
use std::time::Duration;

/// The settings to restore (written once, before any handler is installed).
static SAVED: OnceLock<libc::termios> = OnceLock::new();
/// Set by the SIGWINCH handler.
static WINCH: AtomicBool = AtomicBool::new(false);

/// Instructions per slice while a console is attached: short enough that
/// keystrokes reach the guest promptly while it computes.
pub const CONSOLE_SLICE: u64 = 1 << 20;

/// Puts the saved settings back (async-signal-safe: one `tcsetattr`).
fn restore() {
    if let Some(t) = SAVED.get() {
        // SAFETY: tcsetattr on fd 0 with a valid termios; async-signal-safe.
        unsafe {
            libc::tcsetattr(0, libc::TCSANOW, t);
        }
    }
}

extern "C" fn on_fatal_signal(sig: libc::c_int) {
    restore();
    // SAFETY: resetting the disposition and re-raising are async-signal-safe;
    // the process then ends as the signal's default action says.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
        libc::raise(sig);
    }
}

extern "C" fn on_winch(_: libc::c_int) {
    WINCH.store(true, Ordering::Relaxed);
}

/// The host terminal's size (rows, cols), if it can be read.
pub fn window_size() -> Option<(u16, u16)> {
    // SAFETY: winsize is plain data; TIOCGWINSZ fills it or fails.
    let mut w: libc::winsize = unsafe { std::mem::zeroed() };
    // SAFETY: fd 1 and a pointer to a live winsize.
    let r = unsafe { libc::ioctl(1, libc::TIOCGWINSZ, &mut w) };
    (r == 0).then_some((w.ws_row, w.ws_col))
}

/// The host side of a console (see the module doc).
pub struct Console {
    input: Receiver<Vec<u8>>,
    config: ConsoleConfig,
    eof: bool,
}

impl Console {
    /// A console if stdin and stdout are a terminal (the terminal is then in
    /// raw mode until the `Console` is dropped); `None` otherwise.
    pub fn open() -> Option<Console> {
        if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
            return None;
        }
        // SAFETY: termios is plain data; tcgetattr fills it or fails.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: fd 0 and a pointer to a live termios.
        if unsafe { libc::tcgetattr(0, &mut t) } != 0 {
            return None;
        }
        if SAVED.set(t).is_err() {
            // A second console in one process: the first one's settings stay.
            return None;
        }
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            prev(info);
        }));
        let fatal = on_fatal_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        let winch = on_winch as extern "C" fn(libc::c_int) as libc::sighandler_t;
        // SAFETY: installing handlers that only do async-signal-safe work.
        unsafe {
            for sig in [libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
                libc::signal(sig, fatal);
            }
            libc::signal(libc::SIGWINCH, winch);
        }
        let mut raw = t;
        // SAFETY: cfmakeraw edits the struct in place.
        unsafe { libc::cfmakeraw(&mut raw) };
        // No output post-processing either: the guest's line discipline
        // already turned its NLs into CR NL, and full-screen programs need
        // their bytes unchanged.
        raw.c_oflag = t.c_oflag & !libc::OPOST;
        // SAFETY: fd 0 and a valid termios.
        unsafe { libc::tcsetattr(0, libc::TCSANOW, &raw) };
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            use std::io::Read;
            let mut buf = [0u8; 4096];
            loop {
                match std::io::stdin().lock().read(&mut buf) {
                    Ok(0) | Err(_) => {
                        let _ = tx.send(Vec::new());
                        return;
                    }
                    Ok(n) => {
                        if tx.send(buf[..n].to_vec()).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        let (rows, cols) = window_size().unwrap_or((24, 80));
        let config = ConsoleConfig {
            rows,
            cols,
            fds: [true, true, std::io::stderr().is_terminal()],
        };
        Some(Console {
            input: rx,
            config,
            eof: false,
        })
    }

    /// What the VM needs to know ([`crate::Options::console`]).
    pub fn config(&self) -> ConsoleConfig {
        self.config
    }

    /// Hands pending input, window changes and host interrupts to the guest.
    fn pump(
        &mut self,
        vm: &mut Vm,
        host: &mut dyn Host,
        first: Option<Vec<u8>>,
        interrupt: &AtomicBool,
    ) {
        if interrupt.swap(false, Ordering::SeqCst) {
            vm.interrupt(SIGINT);
        }
        if WINCH.swap(false, Ordering::Relaxed) {
            if let Some((r, c)) = window_size() {
                vm.console_resize(r, c);
            }
        }
        let mut chunk = first;
        loop {
            match chunk {
                Some(b) if b.is_empty() => self.eof = true,
                Some(b) => {
                    vm.console_input(host, &b);
                }
                None => {}
            }
            match self.input.try_recv() {
                Ok(b) => chunk = Some(b),
                Err(_) => break,
            }
        }
    }

    /// Runs `vm` to its end, feeding it the host's input. `interrupt` is
    /// the CLI's SIGINT flag (a `kill -INT` from outside: with the terminal
    /// raw, Ctrl-C is a keystroke): set, the guest's foreground group gets
    /// SIGINT.
    pub fn run(&mut self, vm: &mut Vm, host: &mut dyn Host, interrupt: &AtomicBool) -> RunState {
        let mut crlf = CrLfLog(host);
        let host: &mut dyn Host = if self.config.fds[2] {
            &mut crlf
        } else {
            crlf.0
        };
        loop {
            match vm.run(host, CONSOLE_SLICE) {
                RunState::Running => self.pump(vm, host, None, interrupt),
                RunState::Idle { until } => {
                    let now = host.monotonic_ns();
                    // Wake at the deadline, and now and then for SIGWINCH.
                    let wait = until.map_or(50_000_000, |u| u.saturating_sub(now).min(50_000_000));
                    let got = if self.eof {
                        std::thread::sleep(Duration::from_nanos(wait));
                        None
                    } else {
                        match self.input.recv_timeout(Duration::from_nanos(wait)) {
                            Ok(b) => Some(b),
                            Err(RecvTimeoutError::Timeout) => None,
                            Err(RecvTimeoutError::Disconnected) => {
                                self.eof = true;
                                None
                            }
                        }
                    };
                    self.pump(vm, host, got, interrupt);
                }
                s => return s,
            }
        }
    }
}

/// A host whose diagnostics (`--strace` lines) end in CR NL: stderr is the
/// raw terminal, which no longer turns NL into CR NL.
struct CrLfLog<'a>(&'a mut dyn Host);

impl Host for CrLfLog<'_> {
    fn write(&mut self, fd: i32, data: &[u8]) -> Result<usize, i32> {
        self.0.write(fd, data)
    }
    fn read(&mut self, fd: i32, buf: &mut [u8]) -> Result<usize, i32> {
        self.0.read(fd, buf)
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
        self.0.log(&format!("{line}\r"))
    }
    fn read_file(&mut self, path: &[u8]) -> Result<Vec<u8>, i32> {
        self.0.read_file(path)
    }
    fn stdio_kind(&mut self, fd: i32) -> crate::StdioKind {
        self.0.stdio_kind(fd)
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        restore();
    }
}
