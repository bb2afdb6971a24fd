//! Terminals: one core ([`Tty`]: settings, window size, line discipline,
//! output queue, foreground process group and session) behind both kinds
//! of terminal the guest can have:
//!
//! - pseudo-terminals: `/dev/ptmx` (a symlink to `/dev/pts/ptmx`) opens a
//!   new master; its slave is `/dev/pts/N` ([`devpts::PtsFs`], mounted on
//!   `/dev/pts`), present while the master is open. What the slave writes
//!   (after output processing) queues for the master to read; what the master
//!   writes is the slave's input, through the line discipline.
//! - the console: when the host's stdin and stdout are a terminal and the
//!   embedder asks for it ([`ConsoleConfig`]), the guest's standard
//!   descriptors are the slave of a pty whose master is the host: host input
//!   bytes are fed through the line discipline ([`crate::Vm::console_input`]),
//!   and output goes to the host's stdout. The host terminal is in raw mode
//!   meanwhile, so echo, line editing and the signal characters are the
//!   guest's (`stty` in the guest works).
//!
//! The syscall side (reads that park, job control, ioctls, `/dev/tty`,
//! controlling terminals) is [`crate::syscall::tty`]. A terminal's session
//! is the controlling-terminal link: a process's controlling terminal is the
//! terminal whose session is the process's session (Linux keeps the link in
//! both directions; one direction is enough while no process drops its
//! terminal without its session doing so: `TIOCNOTTY` by a process that does
//! not lead its session is accepted but changes nothing).
//!
//! Things that happen outside a syscall's context (a master closed by the
//! last descriptor's drop, signal characters typed at the console) become
//! [`Event`]s, which the scheduler settles once every process is back in the
//! tables ([`settle`]).

pub mod devpts;
pub mod ldisc;
pub mod termios;

use crate::kernel::Kernel;
use crate::signal::SigInfo;
use ldisc::{Effects, Ldisc};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use termios::Termios;

/// Most bytes a pty's output queue (slave to master) holds.
pub const OUTPUT_MAX: usize = 64 * 1024;

pub use crate::signal::{SIGCONT, SIGHUP, SIGWINCH};

/// The console the embedder asks for (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConsoleConfig {
    /// Window size (0 when unknown).
    pub rows: u16,
    /// Window size (0 when unknown).
    pub cols: u16,
    /// Which of the guest's fds 0, 1, 2 are the console (the others stay
    /// host streams: a redirected stderr keeps going to its file).
    pub fds: [bool; 3],
}

/// A shared terminal.
pub type TtyRef = Rc<RefCell<Tty>>;

/// One terminal (see the module doc).
#[derive(Debug)]
pub struct Tty {
    /// Its number (`/dev/pts/N`).
    pub index: u32,
    /// Settings.
    pub termios: Termios,
    /// rows, cols, xpixel, ypixel.
    pub winsize: [u16; 4],
    /// The line discipline (input side).
    pub ldisc: Ldisc,
    /// Output waiting for the master (unused by the console: its output
    /// goes to the host at once).
    pub output: VecDeque<u8>,
    /// The foreground process group (0: none).
    pub fg_pgrp: i32,
    /// The session it is the controlling terminal of (0: none).
    pub session: i32,
    /// `TIOCSPTLCK`: the slave cannot be opened while locked.
    pub locked: bool,
    /// The master is the host.
    pub console: bool,
    /// Open master descriptions.
    pub masters: u32,
    /// References to the slave inode (open descriptions, plus lookups in
    /// progress).
    pub slaves: u32,
    /// The slave was opened at least once (a master read sees EIO only
    /// after the last slave is closed, not before the first open).
    pub slave_opened: bool,
    /// The master has been closed: slave reads see end of file, writes EIO.
    pub hung_up: bool,
    /// The slave's owner and permission bits (`/dev/pts/N`).
    pub uid: u32,
    /// Permission bits of the slave inode.
    pub mode: u32,
    /// Threads parked reading the slave (a hangup fails their read with EIO).
    pub readers: Vec<i32>,
    /// Host monotonic time of the last input byte (VTIME's gap timer).
    pub last_input_ns: u64,
    /// Console input the line discipline could not take yet (its raw queue
    /// was full): fed again after reads, in order.
    pub pending: VecDeque<u8>,
}

impl Tty {
    /// A new terminal `index` owned by `uid`, with Linux's default settings
    /// and an unknown (0x0) window size.
    pub fn new(index: u32, uid: u32) -> Tty {
        Tty {
            index,
            termios: Termios::default(),
            winsize: [0; 4],
            ldisc: Ldisc::default(),
            output: VecDeque::new(),
            fg_pgrp: 0,
            session: 0,
            locked: true,
            console: false,
            masters: 0,
            slaves: 0,
            slave_opened: false,
            hung_up: false,
            uid,
            mode: 0o620,
            readers: Vec::new(),
            last_input_ns: 0,
            pending: VecDeque::new(),
        }
    }

    /// Feeds input (master writes, host keystrokes) to the line discipline:
    /// returns how many bytes were taken and what it produced. A pty's echo
    /// joins its output queue (the console's caller writes it to the host).
    /// `now` is the host's monotonic time.
    pub fn input(&mut self, data: &[u8], now: u64) -> (usize, Effects) {
        let mut fx = Effects::default();
        let t = self.termios;
        let n = self.ldisc.input(&t, data, &mut fx);
        if n > 0 {
            self.last_input_ns = now;
        }
        if !self.console {
            self.output.extend(fx.echo.drain(..));
        }
        (n, fx)
    }

    /// Console input: queued behind what is pending, then fed as far as the
    /// line discipline takes it (the rest waits for a reader).
    pub fn console_feed(&mut self, data: &[u8], now: u64) -> Effects {
        self.pending.extend(data);
        let all: Vec<u8> = self.pending.drain(..).collect();
        let (n, fx) = self.input(&all, now);
        self.pending.extend(&all[n..]);
        fx
    }

    /// Output processing of `data` written to the slave.
    pub fn process_output(&mut self, data: &[u8]) -> Vec<u8> {
        let t = self.termios;
        let mut out = Vec::with_capacity(data.len());
        self.ldisc.output(&t, data, &mut out);
        out
    }

    /// New settings (TCSETS*): pending input adapts to a mode change.
    pub fn set_termios(&mut self, new: Termios) {
        let old = self.termios;
        self.ldisc.set_mode(&old, &new);
        self.termios = new;
    }

    /// Sets the window size; true if it changed (SIGWINCH is then due).
    pub fn set_winsize(&mut self, w: [u16; 4]) -> bool {
        let changed = self.winsize != w;
        self.winsize = w;
        changed
    }
}

/// Something that must be done once every process is back in the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Send `sig` to process group `pgrp`.
    Signal {
        /// The group.
        pgrp: i32,
        /// The signal.
        sig: i32,
    },
    /// The master of the terminal whose controlling session is `session` was
    /// closed: SIGHUP and SIGCONT to the session leader.
    Hangup {
        /// The session.
        session: i32,
    },
}

/// The console's foreground process group, if there is a console.
pub fn console_fg(pts: &devpts::PtsFs) -> Option<i32> {
    pts.all()
        .into_iter()
        .find(|t| t.borrow().console)
        .map(|t| t.borrow().fg_pgrp)
}

/// Sends `sig` to every process of group `pgrp` (queued in the kernel, for
/// [`Kernel::settle`]).
pub fn signal_group(k: &mut Kernel, pgrp: i32, sig: i32) {
    if pgrp <= 0 {
        return;
    }
    let pids: Vec<i32> = k
        .procs
        .values()
        .filter(|p| p.pgid == pgrp)
        .map(|p| p.pid)
        .collect();
    for pid in pids {
        k.post_signal(pid, SigInfo::kernel(sig));
    }
}

/// Performs the queued [`Event`]s of `pts`, and detaches terminals whose
/// session leader is gone (Linux's `disassociate_ctty` at exit: the terminal
/// belongs to no session any more; the console's foreground group gets
/// SIGHUP, a pty's gets nothing, as Linux spares pty slaves). Call with
/// every process in the tables, then settle the kernel.
pub fn settle(k: &mut Kernel, pts: &devpts::PtsFs) {
    for ev in pts.take_events() {
        match ev {
            Event::Signal { pgrp, sig } => signal_group(k, pgrp, sig),
            Event::Hangup { session } => {
                if k.procs.get(&session).is_some_and(|p| p.sid == session) {
                    k.post_signal(session, SigInfo::kernel(SIGHUP));
                    k.post_signal(session, SigInfo::kernel(SIGCONT));
                }
            }
        }
    }
    if !pts.any_session() {
        return;
    }
    for tty in pts.all() {
        let (session, fg, console) = {
            let t = tty.borrow();
            (t.session, t.fg_pgrp, t.console)
        };
        if session == 0 || k.procs.get(&session).is_some_and(|p| p.sid == session) {
            continue;
        }
        {
            let mut t = tty.borrow_mut();
            t.session = 0;
            t.fg_pgrp = 0;
        }
        if console {
            signal_group(k, fg, SIGHUP);
        }
    }
}
