//! Terminal I/O for the syscall layer (the core is [`crate::tty`]): which
//! open files are terminals, opening them (`/dev/ptmx` makes a pty,
//! `/dev/tty` is the caller's controlling terminal, a session leader opening
//! a terminal without `O_NOCTTY` acquires it), reads that park until a line
//! (or VMIN bytes, or VTIME) is there, writes through output processing,
//! job control (a background process group reading gets SIGTTIN, writing
//! under TOSTOP or changing settings SIGTTOU), `poll` readiness and the
//! console's host side. The `ioctl`s are in [`super::tty_ioctl`].
//!
//! Waiting: a read with nothing to return parks on
//! [`Wait::Io`](crate::sched::Wait::Io) and runs again after any progress
//! elsewhere (another syscall completing), or when host input arrives for
//! the console ([`console_input`]), like pipes (see
//! [`super::fs::would_block`]). With VMIN = 0, VTIME's timeout is the wait's
//! deadline, at which the read completes with 0, as Linux's does with no
//! byte; with VMIN > 0 it times the gap since the last byte (the wait's
//! deadline re-runs the read, which then returns what came).

use super::fs::would_block;
use super::fs_fd::install;
use super::Ctx;
use crate::fsctx::FsCtx;
use crate::host::Host;
use crate::kernel::Kernel;
use crate::sched::Wait;
use crate::signal::{self, SigInfo, ERESTARTSYS};
use crate::tty::devpts::{self, End, PtsFs, MASTER, PTMX, SLAVE0};
use crate::tty::termios::{cc, lflag};
use crate::tty::{ConsoleConfig, Event, TtyRef, OUTPUT_MAX};
use crate::vfs::devfs::makedev;
use crate::vfs::file::{flags::*, OpenFile};
use crate::vfs::{FileSystem, FileType, Vnode};
use crate::Errno;
use std::rc::Rc;

pub use crate::signal::{SIGTTIN, SIGTTOU};

use super::fs_poll::{POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM};

/// Whether `fs` is the very devpts `pts` (data pointer identity).
fn is_pts(fs: &Rc<dyn FileSystem>, pts: &Rc<PtsFs>) -> bool {
    std::ptr::eq(Rc::as_ptr(fs) as *const u8, Rc::as_ptr(pts) as *const u8)
}

/// The terminal and end behind `f`, if it is one.
pub fn tty_of(fs: &FsCtx, f: &OpenFile) -> Option<(TtyRef, End)> {
    let pts = fs.kernel.pts();
    let v = f.vnode();
    if !is_pts(v.fs(), pts) {
        return None;
    }
    let e = devpts::end(v.ino())?;
    let n = match e {
        End::Master(n) | End::Slave(n) => n,
    };
    Some((pts.get(n)?, e))
}

/// A description of slave `n` (through the devpts mount, when mounted),
/// recorded as opened as `/dev/pts/N` (what `/proc/<pid>/fd` shows).
fn slave_file(fs: &FsCtx, n: u32, flags: u32) -> OpenFile {
    let pts = fs.kernel.pts().clone();
    let (mnt, dev) = pts.mount();
    let sfs: Rc<dyn FileSystem> = pts;
    let v = Vnode::new(mnt, dev, sfs.clone(), SLAVE0 + n as u64);
    let dir = Vnode::new(mnt, dev, sfs, 1);
    OpenFile::new(v, FileType::CharDevice, flags).with_origin(Some((dir, n.to_string().into())))
}

/// Whether the caller's session has `tty` as its controlling terminal.
fn is_ctty(ctx: &Ctx, tty: &TtyRef) -> bool {
    tty.borrow().session == ctx.proc.sid
}

/// A session leader without a controlling terminal acquires `tty` if it
/// belongs to no session.
fn maybe_acquire(ctx: &Ctx, tty: &TtyRef) {
    let (pid, sid, pgid) = (ctx.proc.pid, ctx.proc.sid, ctx.proc.pgid);
    if pid != sid || ctx.proc.fs.kernel.pts().of_session(sid).is_some() {
        return;
    }
    let mut t = tty.borrow_mut();
    if t.session == 0 {
        t.session = sid;
        t.fg_pgrp = pgid;
    }
}

/// Makes `tty` the controlling terminal of the caller's session (TIOCSCTTY
/// rules: the caller leads its session and has no other terminal; the
/// terminal is free or already the caller's).
pub fn set_ctty(ctx: &Ctx, tty: &TtyRef) -> Result<(), Errno> {
    if is_ctty(ctx, tty) {
        return Ok(());
    }
    let sid = ctx.proc.sid;
    if ctx.proc.pid != sid || ctx.proc.fs.kernel.pts().of_session(sid).is_some() {
        return Err(Errno::EPERM);
    }
    let mut t = tty.borrow_mut();
    if t.session != 0 {
        return Err(Errno::EPERM);
    }
    t.session = sid;
    t.fg_pgrp = ctx.proc.pgid;
    Ok(())
}

/// `openat`'s terminal cases, for a character device `f` just opened with
/// `flags`: `ptmx` becomes a new master, `/dev/tty` (5:0) the caller's
/// controlling terminal (ENXIO without one), and a slave opened by a
/// session leader without `O_NOCTTY` may become its controlling terminal.
pub fn open_hook(ctx: &mut Ctx, f: OpenFile, flags: u32) -> Result<OpenFile, Errno> {
    if flags & O_PATH != 0 {
        return Ok(f);
    }
    let pts = ctx.proc.fs.kernel.pts().clone();
    let v = f.vnode().clone();
    if is_pts(v.fs(), &pts) {
        if v.ino() == PTMX {
            let tty = pts.allocate()?;
            let n = {
                let mut t = tty.borrow_mut();
                t.uid = ctx.proc.fs.cred.uid;
                t.index
            };
            let sfs: Rc<dyn FileSystem> = pts;
            let m = Vnode::new(v.mnt(), v.dev(), sfs, MASTER | n as u64);
            let origin = f.origin().cloned();
            return Ok(OpenFile::new(m, FileType::CharDevice, f.flags()).with_origin(origin));
        }
        if let Some((tty, End::Slave(_))) = tty_of(&ctx.proc.fs, &f) {
            if flags & O_NOCTTY == 0 {
                maybe_acquire(ctx, &tty);
            }
        }
        return Ok(f);
    }
    if f.stat()?.rdev == makedev(5, 0) {
        let tty = pts.of_session(ctx.proc.sid).ok_or(Errno::ENXIO)?;
        let n = tty.borrow().index;
        if tty.borrow().hung_up && !tty.borrow().console {
            return Err(Errno::EIO);
        }
        // (`/proc/<pid>/fd` shows `/dev/tty`, the path opened, as on Linux.)
        let origin = f.origin().cloned();
        return Ok(slave_file(&ctx.proc.fs, n, f.flags()).with_origin(origin));
    }
    Ok(f)
}

/// `TIOCGPTPEER`: opens the slave of master `tty` with `flags` (without
/// looking up its name) and returns the new descriptor.
pub fn open_peer(ctx: &mut Ctx, tty: &TtyRef, flags: u32) -> Result<u64, Errno> {
    let allowed = O_ACCMODE | O_NOCTTY | O_NONBLOCK | O_CLOEXEC;
    if flags & !allowed != 0 {
        return Err(Errno::EINVAL);
    }
    let n = tty.borrow().index;
    ctx.proc.fs.kernel.pts().open(SLAVE0 + n as u64, flags)?;
    let f = slave_file(&ctx.proc.fs, n, (flags & !O_CLOEXEC) | O_LARGEFILE);
    install(ctx, f, flags & O_CLOEXEC != 0)
}

/// Whether the caller's process group is orphaned: no member has a parent
/// in another group of the same session (job-control stops would then
/// never be undone).
fn orphaned(ctx: &Ctx, pgid: i32) -> bool {
    let sid = ctx.proc.sid;
    let k = &ctx.kernel;
    let parent_ok = |ppid: i32| {
        let pp = if ppid == ctx.proc.pid {
            Some((ctx.proc.pgid, ctx.proc.sid))
        } else {
            k.procs.get(&ppid).map(|p| (p.pgid, p.sid))
        };
        pp.is_some_and(|(g, s)| g != pgid && s == sid)
    };
    let me = ctx.proc.pgid == pgid && parent_ok(ctx.proc.ppid);
    !me && !k
        .procs
        .values()
        .any(|p| p.pgid == pgid && p.sid == sid && parent_ok(p.ppid))
}

/// Linux's `tty_check_change`: a process of a background group using its
/// controlling terminal (reading: SIGTTIN; writing under TOSTOP or changing
/// settings: SIGTTOU). Ok when the caller may go on; EIO when the signal is
/// ignored or blocked (for SIGTTIN) or the group is orphaned; otherwise the
/// group gets the signal and the call parks, to run again after the stop.
pub fn check_change(ctx: &mut Ctx, tty: &TtyRef, sig: i32) -> Result<(), Errno> {
    let fg = {
        let t = tty.borrow();
        if t.session != ctx.proc.sid || t.fg_pgrp == 0 {
            return Ok(());
        }
        t.fg_pgrp
    };
    let pgid = ctx.proc.pgid;
    if pgid == fg {
        return Ok(());
    }
    let blocked = ctx.thread.sigmask & signal::bit(sig) != 0;
    if blocked || signal::action(ctx.proc, sig).handler == signal::SIG_IGN {
        return if sig == SIGTTIN {
            Err(Errno::EIO)
        } else {
            Ok(())
        };
    }
    if orphaned(ctx, pgid) {
        return Err(Errno::EIO);
    }
    // The signal is settled (the group stopped) after this call; the call
    // parks and runs again once the process goes on.
    ctx.kernel.post_signal(ctx.proc.pid, SigInfo::kernel(sig));
    crate::tty::signal_group(ctx.kernel, pgid, sig);
    crate::sched::block(ctx, crate::sched::Wait::Io { deadline: None });
    Err(ERESTARTSYS)
}

/// Reads terminal input or master output into `buf` (see the module doc).
pub fn read(
    ctx: &mut Ctx,
    f: &OpenFile,
    tty: &TtyRef,
    end: End,
    buf: &mut [u8],
) -> Result<usize, Errno> {
    let r = read_inner(ctx, f, tty, end, buf);
    if matches!(r, Ok(n) if n > 0) && !tty.borrow().pending.is_empty() {
        // Room again: console input that had to wait goes in now.
        let now = ctx.host.monotonic_ns();
        let (fx, fg) = {
            let mut t = tty.borrow_mut();
            (t.console_feed(&[], now), t.fg_pgrp)
        };
        if !fx.echo.is_empty() {
            let _ = ctx.host.write(1, &fx.echo);
        }
        let pts = ctx.proc.fs.kernel.pts();
        for sig in fx.signals {
            pts.push_event(Event::Signal { pgrp: fg, sig });
        }
    }
    r
}

fn read_inner(
    ctx: &mut Ctx,
    f: &OpenFile,
    tty: &TtyRef,
    end: End,
    buf: &mut [u8],
) -> Result<usize, Errno> {
    if !f.readable() {
        return Err(Errno::EBADF);
    }
    if let End::Master(_) = end {
        let mut t = tty.borrow_mut();
        if !t.output.is_empty() {
            let n = buf.len().min(t.output.len());
            for (d, s) in buf.iter_mut().zip(t.output.drain(..n)) {
                *d = s;
            }
            return Ok(n);
        }
        if t.slave_opened && t.slaves == 0 {
            return Err(Errno::EIO);
        }
        drop(t);
        return would_block(ctx, f, Errno::EAGAIN);
    }
    check_change(ctx, tty, SIGTTIN)?;
    let tid = ctx.thread.tid;
    let mut t = tty.borrow_mut();
    // A read that was waiting when the master went away fails with EIO
    // (Linux's TTY_OTHER_CLOSED); later ones see end of file.
    let was_waiting = match t.readers.iter().position(|&r| r == tid) {
        Some(i) => {
            t.readers.swap_remove(i);
            true
        }
        None => false,
    };
    let hung_up = || if was_waiting { Err(Errno::EIO) } else { Ok(0) };
    let term = t.termios;
    let wait = if term.canon() {
        if let Some(n) = t.ldisc.read(&term, buf) {
            return Ok(n);
        }
        if t.hung_up {
            return hung_up();
        }
        Wait::Io { deadline: None }
    } else {
        let (vmin, vtime) = (term.cc(cc::VMIN) as usize, term.cc(cc::VTIME) as u64);
        let vtime_ns = vtime * 100_000_000;
        let avail = t.ldisc.available(&term);
        let now = ctx.host.monotonic_ns();
        // VMIN > 0 and VTIME > 0: once a byte is there, VTIME is the most
        // time allowed between bytes.
        let gap_over =
            vmin > 0 && vtime > 0 && avail > 0 && now >= t.last_input_ns.saturating_add(vtime_ns);
        let enough = avail >= vmin.max(1).min(buf.len()) || (vmin == 0 && avail > 0);
        if enough || gap_over || (vmin == 0 && vtime == 0) {
            return Ok(t.ldisc.read(&term, buf).unwrap_or(0));
        }
        if t.hung_up {
            return hung_up();
        }
        match (vmin, vtime) {
            // VTIME alone: a byte, or 0 at the deadline.
            (0, _) => Wait::Io {
                deadline: Some(now.saturating_add(vtime_ns)),
            },
            (_, 0) => Wait::Io { deadline: None },
            _ if avail > 0 => Wait::IoRetry {
                deadline: t.last_input_ns.saturating_add(vtime_ns),
            },
            _ => Wait::Io { deadline: None },
        }
    };
    if f.flags() & O_NONBLOCK != 0 {
        return Err(Errno::EAGAIN);
    }
    t.readers.push(tid);
    drop(t);
    crate::sched::block(ctx, wait);
    Err(Errno::EAGAIN)
}

/// Writes `data` to the terminal: a slave's output (processed, then to the
/// master's queue or, for the console, to the host); a master's becomes
/// the slave's input.
pub fn write(
    ctx: &mut Ctx,
    f: &OpenFile,
    tty: &TtyRef,
    end: End,
    data: &[u8],
) -> Result<usize, Errno> {
    if !f.writable() {
        return Err(Errno::EBADF);
    }
    if let End::Master(_) = end {
        let now = ctx.host.monotonic_ns();
        let (n, fx, fg) = {
            let mut t = tty.borrow_mut();
            let (n, fx) = t.input(data, now);
            (n, fx, t.fg_pgrp)
        };
        let pts = ctx.proc.fs.kernel.pts().clone();
        for sig in fx.signals {
            pts.push_event(Event::Signal { pgrp: fg, sig });
        }
        if n == 0 && !data.is_empty() {
            return would_block(ctx, f, Errno::EAGAIN);
        }
        return Ok(n);
    }
    if tty.borrow().hung_up {
        return Err(Errno::EIO);
    }
    if tty.borrow().termios.lflag() & lflag::TOSTOP != 0 {
        check_change(ctx, tty, SIGTTOU)?;
    }
    let mut t = tty.borrow_mut();
    if !t.console && t.output.len() >= OUTPUT_MAX {
        drop(t);
        return would_block(ctx, f, Errno::EAGAIN);
    }
    let out = t.process_output(data);
    if t.console {
        drop(t);
        let mut done = 0;
        while done < out.len() {
            match ctx.host.write(1, &out[done..]) {
                Ok(0) => return Err(Errno::EIO),
                Ok(n) => done += n.min(out.len() - done),
                Err(e) => return Err(Errno(e)),
            }
        }
    } else {
        t.output.extend(out);
    }
    Ok(data.len())
}

/// `poll` events of a terminal end.
pub fn poll(tty: &TtyRef, end: End) -> u16 {
    let t = tty.borrow();
    match end {
        End::Master(_) => {
            let mut ev = POLLOUT | POLLWRNORM;
            if !t.output.is_empty() {
                ev |= POLLIN | POLLRDNORM;
            }
            if t.slave_opened && t.slaves == 0 {
                ev |= POLLIN | POLLHUP;
            }
            ev
        }
        End::Slave(_) => {
            if t.hung_up {
                return POLLIN | POLLRDNORM | POLLHUP;
            }
            let mut ev = 0;
            let term = t.termios;
            if t.ldisc.readable(&term) {
                ev |= POLLIN | POLLRDNORM;
            }
            if t.console || t.output.len() < OUTPUT_MAX {
                ev |= POLLOUT | POLLWRNORM;
            }
            ev
        }
    }
}

/// Makes the guest's standard descriptors that `cfg.fds` names the slave of
/// a new console pty (number 0 in a fresh tree), the controlling terminal
/// of session `sid` with `sid` in the foreground.
pub fn install_console(fs: &mut FsCtx, sid: i32, cfg: &ConsoleConfig) -> Result<(), Errno> {
    let pts = fs.kernel.pts().clone();
    let tty = pts.allocate()?;
    let n = {
        let mut t = tty.borrow_mut();
        t.console = true;
        t.locked = false;
        t.slave_opened = true;
        t.winsize = [cfg.rows, cfg.cols, 0, 0];
        t.session = sid;
        t.fg_pgrp = sid;
        t.index
    };
    for (fd, on) in cfg.fds.iter().enumerate() {
        if !on {
            continue;
        }
        let f = slave_file(fs, n, O_RDWR | O_LARGEFILE);
        let _ = fs.fds.close(fd as i32);
        fs.fds.alloc_from(fd, Rc::new(f), false)?;
    }
    Ok(())
}

/// Host input for the console: through the line discipline, echo to the
/// host's stdout, signal characters to the foreground group (queued in the
/// kernel: the caller settles it). Returns whether there was a console.
pub fn console_input(k: &mut Kernel, pts: &PtsFs, host: &mut dyn Host, data: &[u8]) -> bool {
    let Some(tty) = pts.all().into_iter().find(|t| t.borrow().console) else {
        return false;
    };
    let now = host.monotonic_ns();
    let (fx, fg) = {
        let mut t = tty.borrow_mut();
        let fx = t.console_feed(data, now);
        (fx, t.fg_pgrp)
    };
    if !fx.echo.is_empty() {
        let _ = host.write(1, &fx.echo);
    }
    for sig in fx.signals {
        crate::tty::signal_group(k, fg, sig);
    }
    true
}

/// The console's new window size: SIGWINCH to its foreground group if it
/// changed.
pub fn console_resize(k: &mut Kernel, pts: &PtsFs, rows: u16, cols: u16) {
    let Some(tty) = pts.all().into_iter().find(|t| t.borrow().console) else {
        return;
    };
    let (changed, fg) = {
        let mut t = tty.borrow_mut();
        let w = t.winsize;
        (t.set_winsize([rows, cols, w[2], w[3]]), t.fg_pgrp)
    };
    if changed {
        crate::tty::signal_group(k, fg, crate::tty::SIGWINCH);
    }
}
