//! File-system calls, part 5: `ioctl` on files.
//!
//! Emulated terminals (pty masters and slaves, the console: see
//! [`crate::tty`]) take every request but the generic ones below to
//! [`super::tty_ioctl`]. The rest of this doc is about host streams.
//!
//! Terminal requests work on a standard descriptor whose host descriptor
//! is a terminal ([`crate::Host::stdio_kind`]), and are ENOTTY everywhere
//! else (so `isatty` is 0 for pipes and files, as under qemu):
//! `TCGETS`/`TCGETS2` return the terminal's termios (Linux's defaults until
//! the guest sets others), `TCSETS*` record it (the host terminal itself is
//! not switched: raw mode is a later step, see
//! [`Terminal`](super::fs_stdio::Terminal)), `TIOCGWINSZ` the host's window
//! size (or the one `TIOCSWINSZ` set), `TIOCGPGRP`/`TIOCSPGRP` the
//! foreground process group, `TIOCSCTTY`/`TIOCNOTTY` succeed, `TIOCGSID`
//! the caller's session. The generic requests work on every file:
//! `FIONBIO` and `FIOASYNC` (status flags), `FIOCLEX`/`FIONCLEX`
//! (close-on-exec), `FIONREAD` (bytes left before end of file for regular
//! files; 0 for host streams, whose pending input is unknown).

use super::fs::file;
use super::fs_stdio::{TERMIOS2_LEN, TERMIOS_LEN};
use super::tty_ioctl::{
    get_i32, get_winsize, put_winsize, FIONREAD, TCGETS, TCGETS2, TCSETS, TCSETS2, TCSETSF,
    TCSETSF2, TCSETSW, TCSETSW2, TIOCGPGRP, TIOCGSID, TIOCGWINSZ, TIOCNOTTY, TIOCSCTTY, TIOCSPGRP,
    TIOCSWINSZ,
};
use super::{Args, Ctx, SysResult};
use crate::host::StdioKind;
use crate::vfs::file::flags::{O_ASYNC, O_NONBLOCK, O_PATH};
use crate::vfs::FileType;
use crate::Errno;

const FIONBIO: u32 = 0x5421;
const FIONCLEX: u32 = 0x5450;
const FIOCLEX: u32 = 0x5451;
const FIOASYNC: u32 = 0x5452;

/// `ioctl(fd, request, arg)`.
pub fn ioctl(ctx: &mut Ctx, a: &Args) -> SysResult {
    let f = file(ctx, a[0])?;
    if f.flags() & O_PATH != 0 {
        return Err(Errno::EBADF);
    }
    let fd = a[0] as i32;
    let flag_arg = |ctx: &mut Ctx| -> Result<bool, Errno> {
        let mut b = [0u8; 4];
        ctx.proc.mem.read_bytes(a[2], &mut b)?;
        Ok(i32::from_le_bytes(b) != 0)
    };
    match a[1] as u32 {
        FIOCLEX | FIONCLEX => {
            ctx.proc.fs.fds.set_cloexec(fd, a[1] as u32 == FIOCLEX)?;
            Ok(0)
        }
        req @ (FIONBIO | FIOASYNC) => {
            let bit = if req == FIONBIO { O_NONBLOCK } else { O_ASYNC };
            let on = flag_arg(ctx)?;
            let fl = f.flags();
            f.set_flags(if on { fl | bit } else { fl & !bit });
            Ok(0)
        }
        req if super::tty::tty_of(&ctx.proc.fs, &f).is_some() => {
            super::tty_ioctl::ioctl(ctx, &f, req, a[2]).unwrap_or(Err(Errno::ENOTTY))
        }
        FIONREAD => {
            let k = ctx.proc.fs.kernel.clone();
            let n: u64 = if k.host_fd(&f).is_some() {
                0
            } else if let Some(ino) = k.pipe_ino(&f) {
                k.pipes().pending(ino) as u64
            } else if f.kind() == FileType::Regular {
                f.stat()?.size.saturating_sub(f.offset())
            } else {
                return Err(Errno::ENOTTY);
            };
            ctx.put(a[2], &(n.min(i32::MAX as u64) as i32).to_le_bytes())?;
            Ok(0)
        }
        req => match ctx.proc.fs.kernel.host_fd(&f) {
            Some(hfd) => tty_ioctl(ctx, hfd, req, a[2]),
            None => Err(Errno::ENOTTY),
        },
    }
}

/// A terminal request `req` (argument `arg`) on host stream `hfd`.
fn tty_ioctl(ctx: &mut Ctx, hfd: i32, req: u32, arg: u64) -> SysResult {
    let StdioKind::Tty { rows, cols } = ctx.host.stdio_kind(hfd) else {
        return Err(Errno::ENOTTY);
    };
    let k = ctx.proc.fs.kernel.clone();
    let tty = &k.stdio().tty;
    match req {
        TCGETS | TCGETS2 => {
            let n = if req == TCGETS {
                TERMIOS_LEN
            } else {
                TERMIOS2_LEN
            };
            let t = tty.borrow().termios;
            ctx.put(arg, &t[..n])?;
        }
        TCSETS | TCSETSW | TCSETSF | TCSETS2 | TCSETSW2 | TCSETSF2 => {
            let two = matches!(req, TCSETS2 | TCSETSW2 | TCSETSF2);
            let mut t = tty.borrow().termios;
            let n = if two { TERMIOS2_LEN } else { TERMIOS_LEN };
            ctx.proc.mem.read_bytes(arg, &mut t[..n])?;
            tty.borrow_mut().termios = t;
        }
        TIOCGWINSZ => {
            let w = tty.borrow().winsize.unwrap_or([rows, cols, 0, 0]);
            put_winsize(ctx, arg, w)?;
        }
        TIOCSWINSZ => {
            let w = get_winsize(ctx, arg)?;
            tty.borrow_mut().winsize = Some(w);
        }
        TIOCGPGRP => {
            let pg = match tty.borrow().fg_pgrp {
                0 => ctx.proc.sid,
                pg => pg,
            };
            ctx.put(arg, &pg.to_le_bytes())?;
        }
        TIOCSPGRP => {
            let pg = get_i32(ctx, arg)?;
            if pg < 0 {
                return Err(Errno::EINVAL);
            }
            tty.borrow_mut().fg_pgrp = pg;
        }
        TIOCGSID => ctx.put(arg, &ctx.proc.sid.to_le_bytes())?,
        TIOCSCTTY | TIOCNOTTY => {}
        _ => return Err(Errno::ENOTTY),
    }
    Ok(0)
}
