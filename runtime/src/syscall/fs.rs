//! File-system calls, part 1: the plumbing every file call shares (looking
//! up descriptors and start directories, stamping the clock) and the data
//! path: `read`, `write`, their vector and positional forms, `lseek`,
//! `sendfile`, `copy_file_range`.
//!
//! The process's files are in `ctx.proc.fs` ([`crate::fsctx::FsCtx`]). Data
//! moves between guest memory and the open file in chunks of [`CHUNK`]
//! bytes. Host streams (the standard descriptors) and the random devices
//! are served by the [`crate::Host`] (see [`crate::fsctx`]). The other
//! families: [`super::fs_fd`] (descriptor table, fcntl, flock, sync),
//! [`super::fs_path`] (calls taking paths), [`super::fs_stat`] (stat,
//! statfs, getdents64), [`super::fs_ioctl`].

use super::{Args, Ctx, SysResult};
use crate::vfs::file::OpenFile;
use crate::vfs::{Timespec, Vnode};
use crate::Errno;
use std::rc::Rc;

/// Largest chunk copied between guest and file per step.
pub(crate) const CHUNK: usize = 64 * 1024;
/// `IOV_MAX`.
const IOV_MAX: u64 = 1024;
/// Linux's `MAX_RW_COUNT`: the most one read or write transfers.
const MAX_RW: u64 = 0x7fff_f000;
/// `AT_FDCWD`.
pub(crate) const AT_FDCWD: i32 = -100;

/// The description open at `fd` (EBADF if none).
pub(crate) fn file(ctx: &Ctx, fd: u64) -> Result<Rc<OpenFile>, Errno> {
    Ok(ctx.proc.fs.fds.get(fd as i32)?.clone())
}

/// The start directory of a `*at` call: the cwd for `AT_FDCWD`, else the
/// inode open at `dirfd` (EBADF if none; a non-directory fails later with
/// ENOTDIR, but only if the path is relative, as on Linux).
pub(crate) fn start_dir(ctx: &Ctx, dirfd: u64, path: &[u8]) -> Result<Vnode, Errno> {
    let fs = &ctx.proc.fs;
    if dirfd as i32 == AT_FDCWD || path.first() == Some(&b'/') {
        return Ok(fs.cwd.clone());
    }
    Ok(fs.fds.get(dirfd as i32)?.vnode().clone())
}

/// Sets the file-system clock from the guest's `CLOCK_REALTIME`, before a
/// call that may stamp times.
pub(crate) fn tick(ctx: &mut Ctx) {
    let ns = ctx
        .host
        .realtime_ns()
        .saturating_add(ctx.proc.sleep_offset_ns);
    let t = Timespec::new((ns / 1_000_000_000) as i64, (ns % 1_000_000_000) as u32);
    ctx.proc.fs.kernel.clock.set(t);
}

/// Reads from `f` into `buf` (at `off`, or at and advancing the file offset).
/// Host streams read once from the host; the random devices fill `buf`.
pub(crate) fn read_file(
    ctx: &mut Ctx,
    f: &OpenFile,
    buf: &mut [u8],
    off: Option<u64>,
) -> Result<usize, Errno> {
    let k = ctx.proc.fs.kernel.clone();
    if let Some(hfd) = k.host_fd(f) {
        if off.is_some() {
            return Err(Errno::ESPIPE);
        }
        if !f.readable() {
            return Err(Errno::EBADF);
        }
        let n = ctx.host.read(hfd, buf).map_err(Errno)?;
        return Ok(n.min(buf.len()));
    }
    if k.is_random(f) {
        if !f.readable() {
            return Err(Errno::EBADF);
        }
        ctx.host.random(buf);
        return Ok(buf.len());
    }
    if let Some((tty, end)) = super::tty::tty_of(&ctx.proc.fs, f) {
        if off.is_some() {
            return Err(Errno::ESPIPE);
        }
        return super::tty::read(ctx, f, &tty, end, buf);
    }
    if k.pipe_ino(f).is_some() {
        if off.is_some() {
            return Err(Errno::ESPIPE);
        }
        return f.read(buf).or_else(|e| would_block(ctx, f, e));
    }
    crate::procview::before_read(ctx, f, off.unwrap_or(f.offset()));
    match off {
        Some(o) => f.pread(buf, o),
        None => f.read(buf),
    }
}

/// An operation on `f` failed with `e`; when that is EAGAIN on a pipe
/// opened without O_NONBLOCK, the thread parks ([`crate::sched::Wait::Io`])
/// and the call is restarted from scratch when it wakes (the pipe handlers
/// change nothing when they fail, so a restart is safe).
///
/// The scheduler re-runs the call whenever any other syscall completes or a
/// process exits, rather than on a wake-up from the pipe itself: the other
/// end can change through many paths (a write, a close, an exec closing it,
/// a process exit dropping its table), and every one of them is a syscall
/// or an exit. Per-pipe wait queues would be finer; they are not needed for
/// correctness.
pub(crate) fn would_block(ctx: &mut Ctx, f: &OpenFile, e: Errno) -> Result<usize, Errno> {
    if e == Errno::EAGAIN && f.flags() & crate::vfs::file::flags::O_NONBLOCK == 0 {
        // Parked until other tasks make progress (another syscall completes
        // or a process exits); the call then runs again from scratch.
        crate::sched::block(ctx, crate::sched::Wait::Io { deadline: None });
        return Err(Errno::EAGAIN);
    }
    Err(e)
}

/// Writes `data` to `f` (at `off`, or at the file offset). A write to a
/// host stream whose reader has gone (EPIPE) raises SIGPIPE.
pub(crate) fn write_file(
    ctx: &mut Ctx,
    f: &OpenFile,
    data: &[u8],
    off: Option<u64>,
) -> Result<usize, Errno> {
    let k = ctx.proc.fs.kernel.clone();
    if let Some(hfd) = k.host_fd(f) {
        if off.is_some() {
            return Err(Errno::ESPIPE);
        }
        if !f.writable() {
            return Err(Errno::EBADF);
        }
        return match ctx.host.write(hfd, data) {
            // Never trust the host to report more than it was given.
            Ok(n) => Ok(n.min(data.len())),
            Err(e) => {
                if Errno(e) == Errno::EPIPE {
                    super::signal::send_to_self(ctx, crate::signal::SIGPIPE);
                }
                Err(Errno(e))
            }
        };
    }
    if let Some((tty, end)) = super::tty::tty_of(&ctx.proc.fs, f) {
        if off.is_some() {
            return Err(Errno::ESPIPE);
        }
        return super::tty::write(ctx, f, &tty, end, data);
    }
    if k.pipe_ino(f).is_some() {
        if off.is_some() {
            return Err(Errno::ESPIPE);
        }
        return match f.write(data) {
            Err(Errno::EPIPE) => {
                super::signal::send_to_self(ctx, crate::signal::SIGPIPE);
                Err(Errno::EPIPE)
            }
            r => r.or_else(|e| would_block(ctx, f, e)),
        };
    }
    tick(ctx);
    match off {
        Some(o) => f.pwrite(data, o),
        None => f.write(data),
    }
}

/// Reads up to `len` bytes from `f` into guest memory at `buf`. Host
/// streams take one host read (like a terminal or pipe); files are read
/// until the request is met or a short read. A fault after some bytes
/// returns the count so far.
fn read_to_guest(ctx: &mut Ctx, f: &OpenFile, buf: u64, len: u64, off: Option<u64>) -> SysResult {
    let len = len.min(MAX_RW);
    if len == 0 {
        return if f.readable() {
            Ok(0)
        } else {
            Err(Errno::EBADF)
        };
    }
    let k = &ctx.proc.fs.kernel;
    let one_shot = k.host_fd(f).is_some()
        || k.pipe_ino(f).is_some()
        || super::tty::tty_of(&ctx.proc.fs, f).is_some();
    let mut tmp = vec![0u8; len.min(CHUNK as u64) as usize];
    let mut done = 0u64;
    loop {
        let want = (len - done).min(CHUNK as u64) as usize;
        if want == 0 {
            break;
        }
        let n = match read_file(ctx, f, &mut tmp[..want], off.map(|o| o + done)) {
            Ok(n) => n,
            Err(_) if done > 0 => break,
            Err(e) => return Err(e),
        };
        if ctx
            .proc
            .mem
            .write_bytes(buf.wrapping_add(done), &tmp[..n])
            .map_err(Errno::from) // (notes an out-of-memory fault)
            .is_err()
        {
            return if done > 0 {
                Ok(done)
            } else {
                Err(Errno::EFAULT)
            };
        }
        done += n as u64;
        if n < want || one_shot {
            break;
        }
    }
    Ok(done)
}

/// Writes `len` guest bytes at `buf` to `f`; a fault or error after some
/// bytes were written returns the short count, as Linux does.
fn write_from_guest(
    ctx: &mut Ctx,
    f: &OpenFile,
    buf: u64,
    len: u64,
    off: Option<u64>,
) -> SysResult {
    let len = len.min(MAX_RW);
    if len == 0 {
        return if f.writable() {
            Ok(0)
        } else {
            Err(Errno::EBADF)
        };
    }
    let mut chunk = vec![0u8; len.min(CHUNK as u64) as usize];
    let mut done = 0u64;
    loop {
        let n = (len - done).min(CHUNK as u64) as usize;
        if n == 0 {
            break;
        }
        let fault = ctx
            .proc
            .mem
            .read_bytes(buf.wrapping_add(done), &mut chunk[..n])
            .is_err();
        if fault {
            return if done > 0 {
                Ok(done)
            } else {
                Err(Errno::EFAULT)
            };
        }
        match write_file(ctx, f, &chunk[..n], off.map(|o| o + done)) {
            Ok(w) => {
                done += w as u64;
                if w < n {
                    break;
                }
            }
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(done)
}

/// A positional offset argument: negative is EINVAL.
fn pos(off: u64) -> Result<u64, Errno> {
    if (off as i64) < 0 {
        return Err(Errno::EINVAL);
    }
    Ok(off)
}

/// `read(fd, buf, count)`.
pub fn read(ctx: &mut Ctx, a: &Args) -> SysResult {
    let f = file(ctx, a[0])?;
    read_to_guest(ctx, &f, a[1], a[2], None)
}

/// `write(fd, buf, count)`.
pub fn write(ctx: &mut Ctx, a: &Args) -> SysResult {
    let f = file(ctx, a[0])?;
    write_from_guest(ctx, &f, a[1], a[2], None)
}

/// `pread64(fd, buf, count, offset)`.
pub fn pread64(ctx: &mut Ctx, a: &Args) -> SysResult {
    let f = file(ctx, a[0])?;
    let off = pos(a[3])?;
    read_to_guest(ctx, &f, a[1], a[2], Some(off))
}

/// `pwrite64(fd, buf, count, offset)`.
pub fn pwrite64(ctx: &mut Ctx, a: &Args) -> SysResult {
    let f = file(ctx, a[0])?;
    let off = pos(a[3])?;
    write_from_guest(ctx, &f, a[1], a[2], Some(off))
}

fn iovecs(ctx: &mut Ctx, iov: u64, cnt: u64) -> Result<Vec<(u64, u64)>, Errno> {
    if cnt > IOV_MAX {
        return Err(Errno::EINVAL);
    }
    let mut v = Vec::with_capacity(cnt as usize);
    let mut total = 0u64;
    for i in 0..cnt {
        let base = ctx.get_u64(iov.wrapping_add(i * 16))?;
        let len = ctx.get_u64(iov.wrapping_add(i * 16 + 8))?;
        total = total.checked_add(len).ok_or(Errno::EINVAL)?;
        if total > i64::MAX as u64 {
            return Err(Errno::EINVAL);
        }
        v.push((base, len));
    }
    Ok(v)
}

/// The vector read core: buffers are filled in order until one comes back
/// short; a host stream fills only the first non-empty buffer (one read).
fn readv_at(ctx: &mut Ctx, a: &Args, off: Option<u64>) -> SysResult {
    let f = file(ctx, a[0])?;
    let vecs = iovecs(ctx, a[1], a[2])?;
    if ctx.proc.fs.kernel.host_fd(&f).is_some() || super::tty::tty_of(&ctx.proc.fs, &f).is_some() {
        return match vecs.into_iter().find(|v| v.1 > 0) {
            Some((base, len)) => read_to_guest(ctx, &f, base, len, off),
            None => Ok(0),
        };
    }
    vector_io(ctx, &f, vecs, off, read_to_guest)
}

/// Runs `op` over the buffers in order, as Linux's vectored I/O does: stops
/// at a short transfer, and reports an error only when nothing was moved.
fn vector_io(
    ctx: &mut Ctx,
    f: &OpenFile,
    vecs: Vec<(u64, u64)>,
    off: Option<u64>,
    op: fn(&mut Ctx, &OpenFile, u64, u64, Option<u64>) -> SysResult,
) -> SysResult {
    let mut done = 0;
    for (base, len) in vecs {
        match op(ctx, f, base, len, off.map(|o| o + done)) {
            Ok(n) => {
                done += n;
                if n < len {
                    break;
                }
            }
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(done)
}

/// The vector write core: buffers in order, stopping at a short write.
fn writev_at(ctx: &mut Ctx, a: &Args, off: Option<u64>) -> SysResult {
    let f = file(ctx, a[0])?;
    let vecs = iovecs(ctx, a[1], a[2])?;
    vector_io(ctx, &f, vecs, off, write_from_guest)
}

/// `readv(fd, iov, iovcnt)`.
pub fn readv(ctx: &mut Ctx, a: &Args) -> SysResult {
    readv_at(ctx, a, None)
}

/// `writev(fd, iov, iovcnt)`.
pub fn writev(ctx: &mut Ctx, a: &Args) -> SysResult {
    writev_at(ctx, a, None)
}

/// `preadv(fd, iov, iovcnt, pos_l, pos_h)` (on 64-bit, `pos_l` is the offset).
pub fn preadv(ctx: &mut Ctx, a: &Args) -> SysResult {
    let off = pos(a[3])?;
    readv_at(ctx, a, Some(off))
}

/// `pwritev(fd, iov, iovcnt, pos_l, pos_h)`.
pub fn pwritev(ctx: &mut Ctx, a: &Args) -> SysResult {
    let off = pos(a[3])?;
    writev_at(ctx, a, Some(off))
}

/// `lseek(fd, offset, whence)`: ESPIPE on host streams.
pub fn lseek(ctx: &mut Ctx, a: &Args) -> SysResult {
    let f = file(ctx, a[0])?;
    if ctx.proc.fs.kernel.host_fd(&f).is_some() || super::tty::tty_of(&ctx.proc.fs, &f).is_some() {
        return Err(Errno::ESPIPE);
    }
    f.seek(a[1] as i64, a[2] as u32)
}

/// Copies up to `len` bytes from `src` (at `*src_off` or its offset) to
/// `dst` (at `dst_off` or its offset), in chunks, stopping at end of file or
/// a short write. Advances the explicit offsets.
fn copy_between(
    ctx: &mut Ctx,
    src: &OpenFile,
    mut src_off: Option<&mut u64>,
    dst: &OpenFile,
    mut dst_off: Option<&mut u64>,
    len: u64,
) -> SysResult {
    let len = len.min(MAX_RW);
    let mut buf = vec![0u8; len.min(CHUNK as u64) as usize];
    let mut done = 0u64;
    while done < len {
        let want = (len - done).min(CHUNK as u64) as usize;
        let at = src_off.as_deref().copied();
        let n = match read_file(ctx, src, &mut buf[..want], at) {
            Ok(0) => break,
            Ok(n) => n,
            Err(_) if done > 0 => break,
            Err(e) => return Err(e),
        };
        let to = dst_off.as_deref().copied();
        let w = match write_file(ctx, dst, &buf[..n], to) {
            Ok(w) => w,
            Err(_) if done > 0 => break,
            Err(e) => return Err(e),
        };
        if let Some(o) = src_off.as_deref_mut() {
            *o += w as u64;
        }
        if let Some(o) = dst_off.as_deref_mut() {
            *o += w as u64;
        }
        if src_off.is_none() && w < n {
            // Give back what was read but not written.
            let back = -((n - w) as i64);
            let _ = src.seek(back, crate::vfs::file::SEEK_CUR);
        }
        done += w as u64;
        if w < n || n < want {
            break;
        }
    }
    Ok(done)
}

/// `sendfile(out_fd, in_fd, offset*, count)`: `in_fd` must be readable
/// (EBADF) and not a host stream when `offset` is given; `out_fd` writable.
pub fn sendfile(ctx: &mut Ctx, a: &Args) -> SysResult {
    let out = file(ctx, a[0])?;
    let inp = file(ctx, a[1])?;
    if !inp.readable() || !out.writable() {
        return Err(Errno::EBADF);
    }
    if out.flags() & crate::vfs::file::flags::O_APPEND != 0 {
        return Err(Errno::EINVAL);
    }
    if a[2] == 0 {
        return copy_between(ctx, &inp, None, &out, None, a[3]);
    }
    let mut off = pos(ctx.get_u64(a[2])?)?;
    let n = copy_between(ctx, &inp, Some(&mut off), &out, None, a[3])?;
    ctx.put_u64s(a[2], &[off])?;
    Ok(n)
}

/// `copy_file_range(fd_in, off_in*, fd_out, off_out*, len, flags)`:
/// regular files only (EINVAL), flags must be 0, `fd_out` not O_APPEND
/// (EBADF); overlapping ranges of one file are EINVAL.
pub fn copy_file_range(ctx: &mut Ctx, a: &Args) -> SysResult {
    let inp = file(ctx, a[0])?;
    let out = file(ctx, a[2])?;
    if a[5] != 0 {
        return Err(Errno::EINVAL);
    }
    if !inp.readable() || !out.writable() || out.flags() & crate::vfs::file::flags::O_APPEND != 0 {
        return Err(Errno::EBADF);
    }
    let regular = |f: &OpenFile| f.kind() == crate::vfs::FileType::Regular;
    if !regular(&inp) || !regular(&out) {
        return Err(
            if inp.kind() == crate::vfs::FileType::Directory
                || out.kind() == crate::vfs::FileType::Directory
            {
                Errno::EISDIR
            } else {
                Errno::EINVAL
            },
        );
    }
    let mut ioff = if a[1] != 0 {
        pos(ctx.get_u64(a[1])?)?
    } else {
        inp.offset()
    };
    let mut ooff = if a[3] != 0 {
        pos(ctx.get_u64(a[3])?)?
    } else {
        out.offset()
    };
    let len = a[4].min(MAX_RW);
    if inp.vnode().same(out.vnode())
        && ioff < ooff.saturating_add(len)
        && ooff < ioff.saturating_add(len)
    {
        return Err(Errno::EINVAL);
    }
    let n = copy_between(ctx, &inp, Some(&mut ioff), &out, Some(&mut ooff), len)?;
    if a[1] != 0 {
        ctx.put_u64s(a[1], &[ioff])?;
    } else {
        inp.seek(ioff as i64, crate::vfs::file::SEEK_SET)?;
    }
    if a[3] != 0 {
        ctx.put_u64s(a[3], &[ooff])?;
    } else {
        out.seek(ooff as i64, crate::vfs::file::SEEK_SET)?;
    }
    Ok(n)
}

#[cfg(test)]
#[path = "fs_tests.rs"]
mod tests;

/// `execve` lives with the other path calls (the table row names it here).
pub use super::fs_path::execve;
