//! `ioctl` on terminals (pty masters and slaves, the console), after
//! Linux's `tty_ioctl`/`n_tty_ioctl`/`pty_unix98_ioctl`:
//!
//! - settings: `TCGETS`/`TCGETS2`, `TCSETS*` (`W` drains, which is
//!   immediate here; `F` also flushes input; a background group gets
//!   SIGTTOU), `TCFLSH`, `TCSBRK`/`TCSBRKP` (drain: 0), `TCXONC`;
//! - window size: `TIOCGWINSZ`, `TIOCSWINSZ` (SIGWINCH to the foreground
//!   group when it changes);
//! - job control: `TIOCGPGRP`, `TIOCSPGRP` (a group of the caller's
//!   session; on the slave only for its controlling terminal), `TIOCGSID`,
//!   `TIOCSCTTY`, `TIOCNOTTY` (the session leader hangs up the foreground
//!   group: SIGHUP and SIGCONT);
//! - queues: `FIONREAD`/`TIOCINQ`, `TIOCOUTQ`;
//! - ptys (master only): `TIOCGPTN`, `TIOCSPTLCK`, `TIOCGPTLCK`,
//!   `TIOCGPTPEER`.
//!
//! A master's settings requests act on its slave's settings (Linux gives a
//! master its own, rarely used, termios). Anything else is ENOTTY, as for
//! a terminal driver that does not know the request.

use super::tty::{check_change, open_peer, set_ctty, tty_of, SIGTTOU};
use super::{Ctx, SysResult};
use crate::tty::devpts::End;
use crate::tty::termios::{Termios, TERMIOS2_LEN, TERMIOS_LEN};
use crate::tty::{Event, TtyRef, SIGCONT, SIGHUP, SIGWINCH};
use crate::vfs::file::OpenFile;
use crate::Errno;

// The requests, shared with the host-stream terminals of `fs_ioctl`.
pub(super) const TCGETS: u32 = 0x5401;
pub(super) const TCSETS: u32 = 0x5402;
pub(super) const TCSETSW: u32 = 0x5403;
pub(super) const TCSETSF: u32 = 0x5404;
pub(super) const TCSBRK: u32 = 0x5409;
pub(super) const TCXONC: u32 = 0x540a;
pub(super) const TCFLSH: u32 = 0x540b;
pub(super) const TIOCSCTTY: u32 = 0x540e;
pub(super) const TIOCGPGRP: u32 = 0x540f;
pub(super) const TIOCSPGRP: u32 = 0x5410;
pub(super) const TIOCOUTQ: u32 = 0x5411;
pub(super) const TIOCGWINSZ: u32 = 0x5413;
pub(super) const TIOCSWINSZ: u32 = 0x5414;
pub(super) const FIONREAD: u32 = 0x541b;
pub(super) const TIOCNOTTY: u32 = 0x5422;
pub(super) const TCSBRKP: u32 = 0x5425;
pub(super) const TIOCGSID: u32 = 0x5429;
pub(super) const TCGETS2: u32 = 0x802c_542a;
pub(super) const TCSETS2: u32 = 0x402c_542b;
pub(super) const TCSETSW2: u32 = 0x402c_542c;
pub(super) const TCSETSF2: u32 = 0x402c_542d;
pub(super) const TIOCGPTN: u32 = 0x8004_5430;
pub(super) const TIOCSPTLCK: u32 = 0x4004_5431;
pub(super) const TIOCGPTLCK: u32 = 0x8004_5439;
pub(super) const TIOCGPTPEER: u32 = 0x5441;

pub(super) fn get_i32(ctx: &mut Ctx, addr: u64) -> Result<i32, Errno> {
    let mut b = [0u8; 4];
    ctx.proc.mem.read_bytes(addr, &mut b)?;
    Ok(i32::from_le_bytes(b))
}

/// Writes a `struct winsize` (rows, columns, x and y pixels) at `addr`.
pub(super) fn put_winsize(ctx: &mut Ctx, addr: u64, w: [u16; 4]) -> Result<(), Errno> {
    let mut b = [0u8; 8];
    for (i, v) in w.iter().enumerate() {
        b[i * 2..i * 2 + 2].copy_from_slice(&v.to_le_bytes());
    }
    ctx.put(addr, &b)
}

/// Reads a `struct winsize` at `addr`.
pub(super) fn get_winsize(ctx: &mut Ctx, addr: u64) -> Result<[u16; 4], Errno> {
    let mut b = [0u8; 8];
    ctx.proc.mem.read_bytes(addr, &mut b)?;
    Ok([0, 2, 4, 6].map(|i| u16::from_le_bytes([b[i], b[i + 1]])))
}

/// The terminal request `req` on `f`; `None` when `f` is not a terminal or
/// the request is a generic file one (the caller handles those).
pub fn ioctl(ctx: &mut Ctx, f: &OpenFile, req: u32, arg: u64) -> Option<SysResult> {
    let (tty, end) = tty_of(&ctx.proc.fs, f)?;
    Some(request(ctx, &tty, end, req, arg))
}

fn request(ctx: &mut Ctx, tty: &TtyRef, end: End, req: u32, arg: u64) -> SysResult {
    let master = matches!(end, End::Master(_));
    // On the slave, job-control queries need it to be the caller's
    // controlling terminal.
    let mine = tty.borrow().session == ctx.proc.sid;
    match req {
        TCGETS | TCGETS2 => {
            let n = if req == TCGETS {
                TERMIOS_LEN
            } else {
                TERMIOS2_LEN
            };
            let t = tty.borrow().termios;
            ctx.put(arg, &t.0[..n])?;
        }
        TCSETS | TCSETSW | TCSETSF | TCSETS2 | TCSETSW2 | TCSETSF2 => {
            let two = matches!(req, TCSETS2 | TCSETSW2 | TCSETSF2);
            let mut t = tty.borrow().termios;
            let n = if two { TERMIOS2_LEN } else { TERMIOS_LEN };
            ctx.proc.mem.read_bytes(arg, &mut t.0[..n])?;
            if !master {
                check_change(ctx, tty, SIGTTOU)?;
            }
            let mut tt = tty.borrow_mut();
            if matches!(req, TCSETSF | TCSETSF2) {
                tt.ldisc.flush_input();
            }
            tt.set_termios(Termios(t.0));
        }
        TCFLSH => {
            let (input, output) = match arg {
                0 => (true, false),
                1 => (false, true),
                2 => (true, true),
                _ => return Err(Errno::EINVAL),
            };
            // On the master the directions swap: its input is the slave's output.
            let (input, output) = if master {
                (output, input)
            } else {
                (input, output)
            };
            let mut t = tty.borrow_mut();
            if input {
                t.ldisc.flush_input();
            }
            if output {
                t.output.clear();
            }
        }
        TCSBRK | TCSBRKP => {}
        TCXONC => {
            if arg > 3 {
                return Err(Errno::EINVAL);
            }
        }
        TIOCGWINSZ => {
            let w = tty.borrow().winsize;
            put_winsize(ctx, arg, w)?;
        }
        TIOCSWINSZ => {
            let w = get_winsize(ctx, arg)?;
            let (changed, fg) = {
                let mut t = tty.borrow_mut();
                (t.set_winsize(w), t.fg_pgrp)
            };
            if changed {
                let ev = Event::Signal {
                    pgrp: fg,
                    sig: SIGWINCH,
                };
                ctx.proc.fs.kernel.pts().push_event(ev);
            }
        }
        TIOCGPGRP => {
            if !master && !mine {
                return Err(Errno::ENOTTY);
            }
            let pg = tty.borrow().fg_pgrp;
            ctx.put(arg, &pg.to_le_bytes())?;
        }
        TIOCSPGRP => {
            if !mine {
                return Err(Errno::ENOTTY);
            }
            match check_change(ctx, tty, SIGTTOU) {
                Err(Errno::EIO) => return Err(Errno::ENOTTY),
                r => r?,
            }
            let pg = get_i32(ctx, arg)?;
            if pg < 0 {
                return Err(Errno::EINVAL);
            }
            let sid = ctx.proc.sid;
            let session_of = if ctx.proc.pgid == pg {
                Some(sid)
            } else {
                ctx.kernel
                    .procs
                    .values()
                    .find(|p| p.pgid == pg)
                    .map(|p| p.sid)
            };
            match session_of {
                None => return Err(Errno::ESRCH),
                Some(s) if s != sid => return Err(Errno::EPERM),
                Some(_) => tty.borrow_mut().fg_pgrp = pg,
            }
        }
        TIOCGSID => {
            let s = tty.borrow().session;
            if (!master && !mine) || s == 0 {
                return Err(Errno::ENOTTY);
            }
            ctx.put(arg, &s.to_le_bytes())?;
        }
        TIOCSCTTY => set_ctty(ctx, tty)?,
        TIOCNOTTY => {
            if !mine || master {
                return Err(Errno::ENOTTY);
            }
            if ctx.proc.pid == ctx.proc.sid {
                let fg = {
                    let mut t = tty.borrow_mut();
                    t.session = 0;
                    std::mem::take(&mut t.fg_pgrp)
                };
                let pts = ctx.proc.fs.kernel.pts();
                for sig in [SIGHUP, SIGCONT] {
                    pts.push_event(Event::Signal { pgrp: fg, sig });
                }
            }
        }
        FIONREAD | TIOCOUTQ => {
            let t = tty.borrow();
            let term = t.termios;
            let n = match (req == FIONREAD, master) {
                (true, false) | (false, true) => t.ldisc.available(&term),
                (true, true) | (false, false) => t.output.len(),
            };
            drop(t);
            ctx.put(arg, &(n.min(i32::MAX as usize) as i32).to_le_bytes())?;
        }
        TIOCGPTN if master => {
            let n = tty.borrow().index;
            ctx.put(arg, &n.to_le_bytes())?;
        }
        TIOCSPTLCK if master => {
            let on = get_i32(ctx, arg)? != 0;
            tty.borrow_mut().locked = on;
        }
        TIOCGPTLCK if master => {
            let on = tty.borrow().locked as i32;
            ctx.put(arg, &on.to_le_bytes())?;
        }
        TIOCGPTPEER if master => return open_peer(ctx, tty, arg as u32),
        _ => return Err(Errno::ENOTTY),
    }
    Ok(0)
}
