//! File-system calls, part 6: readiness (`ppoll`, `pselect6`) for the files
//! this layer knows. Regular files, directories and devices are always
//! ready for reading and writing (Linux's `DEFAULT_POLLMASK`); host streams
//! are reported ready too (a read then waits on the host, as the blocking
//! read it stands for would). A descriptor that is not open is `POLLNVAL`
//! (ppoll) or EBADF (pselect6). When nothing is ready the call sleeps its
//! timeout virtually (as `nanosleep` does) and returns 0; with no timeout it
//! would wait forever, which with one process is EINTR instead. Pipes and
//! terminals report their real state ([`super::fs_pipe::PipeFs::poll`],
//! [`super::tty::poll`]);
//! waiting for one to change belongs to the scheduler (kproc).

use super::{Args, Ctx, SysResult};
use crate::Errno;

pub(super) const POLLIN: u16 = 0x1;
const POLLPRI: u16 = 0x2;
pub(super) const POLLOUT: u16 = 0x4;
const POLLERR: u16 = 0x8;
pub(super) const POLLHUP: u16 = 0x10;
const POLLNVAL: u16 = 0x20;
pub(super) const POLLRDNORM: u16 = 0x40;
pub(super) const POLLWRNORM: u16 = 0x100;
/// What an always-ready file reports.
const DEFAULT_POLLMASK: u16 = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
/// Most descriptors one call may name (also at most `RLIMIT_NOFILE`).
const MAX_FDS: u64 = 1 << 20;

/// The events file `f` is ready for: pipes and terminals report their
/// state, everything else [`DEFAULT_POLLMASK`].
fn ready_mask(fs: &crate::fsctx::FsCtx, f: &crate::vfs::file::OpenFile) -> u16 {
    let k = &fs.kernel;
    if let Some(i) = k.pipe_ino(f) {
        return k.pipes().poll(i);
    }
    match super::tty::tty_of(fs, f) {
        Some((tty, end)) => super::tty::poll(&tty, end),
        None => DEFAULT_POLLMASK,
    }
}

/// The temporary signal mask of `ppoll`/`pselect6` (`sigmask` at `addr`,
/// `size` bytes; none when `addr` is 0): in force while the call waits, the
/// old one back when it returns or after the handler of a signal that
/// interrupted it (as `rt_sigsuspend` does it; a restarted call keeps the
/// mask saved by its first run).
fn temp_mask(ctx: &mut Ctx, addr: u64, size: u64) -> Result<(), Errno> {
    if addr == 0 {
        return Ok(());
    }
    if size != 8 {
        return Err(Errno::EINVAL);
    }
    let mask = ctx.get_u64(addr)? & !crate::signal::UNBLOCKABLE;
    if ctx.thread.sig.saved_mask.is_none() {
        ctx.thread.sig.saved_mask = Some(ctx.thread.sigmask);
    }
    ctx.thread.sigmask = mask;
    Ok(())
}

/// Reads an optional `struct timespec` timeout in nanoseconds (None: wait forever).
fn timeout(ctx: &mut Ctx, addr: u64) -> Result<Option<u64>, Errno> {
    if addr == 0 {
        return Ok(None);
    }
    super::time::read_timespec(ctx, addr).map(Some)
}

/// Nothing ready: sleep the timeout (virtually) or give up.
fn nothing_ready(ctx: &mut Ctx, t: Option<u64>) -> SysResult {
    // kproc: park; the call runs again after other tasks made progress, and
    // returns 0 at the deadline.
    if t == Some(0) {
        return Ok(0);
    }
    let deadline = t.map(|ns| ctx.host.monotonic_ns().saturating_add(ns));
    crate::sched::block(ctx, crate::sched::Wait::Io { deadline });
    let _ = Errno::EINTR;
    Ok(0)
}

/// `ppoll(fds, nfds, tmo_p, sigmask, sigsetsize)`.
pub fn ppoll(ctx: &mut Ctx, a: &Args) -> SysResult {
    let (fds, n) = (a[0], a[1]);
    if n > MAX_FDS || n > ctx.proc.rlimits[7].cur {
        return Err(Errno::EINVAL);
    }
    let t = timeout(ctx, a[2])?;
    temp_mask(ctx, a[3], a[4])?;
    let mut ready = 0;
    for i in 0..n {
        let at = fds.wrapping_add(i * 8);
        let mut b = [0u8; 8];
        ctx.proc.mem.read_bytes(at, &mut b)?;
        let fd = i32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let events = u16::from_le_bytes([b[4], b[5]]);
        let rev = match ctx.proc.fs.fds.get(fd) {
            _ if fd < 0 => 0,
            Err(_) => POLLNVAL,
            Ok(f) => {
                let mask = ready_mask(&ctx.proc.fs, f);
                mask & (events | POLLERR | POLLHUP) & !POLLPRI
            }
        };
        ctx.put(at + 6, &rev.to_le_bytes())?;
        if rev != 0 {
            ready += 1;
        }
    }
    if ready > 0 {
        return Ok(ready);
    }
    nothing_ready(ctx, t)
}

/// `pselect6(nfds, readfds, writefds, exceptfds, timeout, sigmask)`: the
/// read and write sets come back unchanged (every open file is ready), the
/// exception set empty.
pub fn pselect6(ctx: &mut Ctx, a: &Args) -> SysResult {
    let n = a[0] as i32;
    if n < 0 {
        return Err(Errno::EINVAL);
    }
    let n = (n as u64).min(MAX_FDS);
    let t = timeout(ctx, a[4])?;
    if a[5] != 0 {
        // struct { const sigset_t *ss; size_t ss_len; }
        let ss = ctx.get_u64(a[5])?;
        let len = ctx.get_u64(a[5].wrapping_add(8))?;
        temp_mask(ctx, ss, len)?;
    }
    let bytes = n.div_ceil(64) as usize * 8;
    let mut ready = 0;
    for (k, set) in [a[1], a[2], a[3]].into_iter().enumerate() {
        if set == 0 {
            continue;
        }
        let mut bits = vec![0u8; bytes];
        ctx.proc.mem.read_bytes(set, &mut bits)?;
        for fd in 0..n as usize {
            if bits[fd / 8] & (1 << (fd % 8)) == 0 {
                continue;
            }
            let f = ctx.proc.fs.fds.get(fd as i32)?;
            let ev = ready_mask(&ctx.proc.fs, f);
            let want = [POLLIN | POLLHUP | POLLERR, POLLOUT | POLLERR, 0][k];
            if ev & want == 0 {
                bits[fd / 8] &= !(1 << (fd % 8));
            } else {
                ready += 1;
            }
        }
        ctx.put(set, &bits)?;
    }
    if ready > 0 {
        return Ok(ready);
    }
    nothing_ready(ctx, t)
}
