//! File-system calls, part 5: `ioctl` on files.
//!
//! There is no terminal: every terminal request (`TCGETS`, `TCGETS2`,
//! `TIOCGWINSZ`, `TIOCGPGRP`...) is ENOTTY, on the standard descriptors too,
//! so `isatty` is 0 as before. The generic requests work on every file:
//! `FIONBIO` and `FIOASYNC` (status flags), `FIOCLEX`/`FIONCLEX`
//! (close-on-exec), `FIONREAD` (bytes left before end of file for regular
//! files; 0 for host streams, whose pending input is unknown).

use super::fs::file;
use super::{Args, Ctx, SysResult};
use crate::vfs::file::flags::{O_ASYNC, O_NONBLOCK, O_PATH};
use crate::vfs::FileType;
use crate::Errno;

const FIONREAD: u32 = 0x541b;
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
        _ => Err(Errno::ENOTTY),
    }
}
