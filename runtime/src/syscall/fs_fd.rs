//! File-system calls, part 2: the descriptor table (`close`, `close_range`,
//! `dup`, `dup3`, `fcntl`), advisory locks (`flock`, `fcntl` record locks),
//! and calls on an open file's inode (`ftruncate`, `fallocate`, `fsync`...).
//!
//! The table's limit follows `RLIMIT_NOFILE`: it is set from the soft limit
//! before every allocation, so `setrlimit`/`prlimit64` take effect at once.
//!
//! Record locks (`F_SETLK`...) are validated and then granted without
//! bookkeeping: with one process nothing can conflict (a process never
//! conflicts with its own locks), so `F_GETLK` always answers `F_UNLCK`.

use super::fs::{file, tick};
use super::{Args, Ctx, SysResult};
use crate::vfs::fdtable::FdTable;
use crate::vfs::file::{flags::*, OpenFile};
use crate::vfs::FileType;
use crate::Errno;
use std::rc::Rc;

/// `RLIMIT_NOFILE`'s index in `Process::rlimits`.
const RLIMIT_NOFILE: usize = 7;
/// `FD_CLOEXEC`.
const FD_CLOEXEC: u64 = 1;

/// The process's table with its limit synced to `RLIMIT_NOFILE`.
pub(crate) fn table<'a>(ctx: &'a mut Ctx) -> &'a mut FdTable {
    let lim = ctx.proc.rlimits[RLIMIT_NOFILE].cur;
    let fds = &mut ctx.proc.fs.fds;
    fds.set_limit(usize::try_from(lim).unwrap_or(usize::MAX));
    fds
}

/// Installs `f` at the lowest free descriptor (EMFILE at the limit).
pub(crate) fn install(ctx: &mut Ctx, f: OpenFile, cloexec: bool) -> SysResult {
    Ok(table(ctx).alloc(Rc::new(f), cloexec)? as u64)
}

/// `close(fd)`.
pub fn close(ctx: &mut Ctx, a: &Args) -> SysResult {
    ctx.proc.fs.fds.close(a[0] as i32)?;
    Ok(0)
}

/// `close_range(first, last, flags)`.
pub fn close_range(ctx: &mut Ctx, a: &Args) -> SysResult {
    let (first, last) = (a[0] as u32, a[1] as u32);
    ctx.proc.fs.fds.close_range(first, last, a[2] as u32)?;
    Ok(0)
}

/// `dup(fd)`.
pub fn dup(ctx: &mut Ctx, a: &Args) -> SysResult {
    Ok(table(ctx).dup(a[0] as i32)? as u64)
}

/// `dup3(old, new, flags)` (glibc's `dup2` is `dup3` with flags 0, or
/// `fcntl(F_GETFD)` when old == new).
pub fn dup3(ctx: &mut Ctx, a: &Args) -> SysResult {
    let (fd, _closed) = table(ctx).dup3(a[0] as i32, a[1] as i32, a[2] as u32)?;
    Ok(fd as u64)
}

/// Validates a `struct flock` for `F_SETLK`/`F_GETLK` on `f`; returns its type.
fn check_flock(ctx: &mut Ctx, f: &OpenFile, addr: u64, set: bool) -> Result<u16, Errno> {
    let mut b = [0u8; 32];
    ctx.proc.mem.read_bytes(addr, &mut b)?;
    let ty = u16::from_le_bytes([b[0], b[1]]);
    let whence = u16::from_le_bytes([b[2], b[3]]);
    if whence > 2 {
        return Err(Errno::EINVAL);
    }
    if f.flags() & O_PATH != 0 {
        return Err(Errno::EBADF);
    }
    match ty {
        0 if set && !f.readable() => Err(Errno::EBADF), // F_RDLCK
        1 if set && !f.writable() => Err(Errno::EBADF), // F_WRLCK
        0..=2 => Ok(ty),
        _ => Err(Errno::EINVAL),
    }
}

/// `fcntl(fd, cmd, arg)`.
pub fn fcntl(ctx: &mut Ctx, a: &Args) -> SysResult {
    let fd = a[0] as i32;
    let f = file(ctx, a[0])?;
    match a[1] as u32 {
        // F_DUPFD, F_DUPFD_CLOEXEC
        0 | 1030 => {
            let min = usize::try_from(a[2] as u32 as i32).map_err(|_| Errno::EINVAL)?;
            let cloexec = a[1] == 1030;
            Ok(table(ctx).alloc_from(min, f, cloexec)? as u64)
        }
        1 => Ok(ctx.proc.fs.fds.cloexec(fd)? as u64), // F_GETFD
        2 => {
            ctx.proc.fs.fds.set_cloexec(fd, a[2] & FD_CLOEXEC != 0)?; // F_SETFD
            Ok(0)
        }
        3 => Ok(f.flags() as u64), // F_GETFL
        4 => {
            // F_SETFL (O_PATH descriptors refuse)
            if f.flags() & O_PATH != 0 {
                return Err(Errno::EBADF);
            }
            f.set_flags(a[2] as u32);
            Ok(0)
        }
        // F_GETLK, F_OFD_GETLK: nothing ever conflicts (see the module doc).
        5 | 36 => {
            check_flock(ctx, &f, a[2], false)?;
            ctx.put(a[2], &2u16.to_le_bytes())?; // l_type = F_UNLCK
            Ok(0)
        }
        // F_SETLK, F_SETLKW, F_OFD_SETLK, F_OFD_SETLKW
        6 | 7 | 37 | 38 => check_flock(ctx, &f, a[2], true).map(|_| 0),
        8 | 9 | 15 | 16 => Ok(0), // F_SETOWN, F_GETOWN, F_SETOWN_EX, F_GETOWN_EX
        1025 => Ok(2),            // F_GETLEASE: F_UNLCK
        // F_SETPIPE_SZ, F_GETPIPE_SZ (EBADF if not a pipe).
        cmd @ (1031 | 1032) => {
            let k = ctx.proc.fs.kernel.clone();
            let ino = k.pipe_ino(&f).ok_or(Errno::EBADF)?;
            if cmd == 1032 {
                return Ok(k.pipes().capacity(ino) as u64);
            }
            Ok(k.pipes().set_capacity(ino, a[2] as u32 as u64)? as u64)
        }
        _ => Err(Errno::EINVAL),
    }
}

/// `flock(fd, operation)`: LOCK_SH 1, LOCK_EX 2, LOCK_UN 8, | LOCK_NB 4.
/// Locks belong to the open file description and go with its last
/// descriptor; a conflict is EAGAIN (see [`crate::fsctx::FsKernel::flock`]).
pub fn flock(ctx: &mut Ctx, a: &Args) -> SysResult {
    let f = file(ctx, a[0])?;
    if f.flags() & O_PATH != 0 {
        return Err(Errno::EBADF);
    }
    let op = a[1] as u32 & !4;
    ctx.proc.fs.kernel.flock(&f, op)?;
    Ok(0)
}

/// `fsync(fd)`, `fdatasync(fd)`: everything is already where it goes;
/// host streams (terminals) are EINVAL as on Linux.
pub fn fsync(ctx: &mut Ctx, a: &Args) -> SysResult {
    let f = file(ctx, a[0])?;
    if f.flags() & O_PATH != 0 {
        return Err(Errno::EBADF);
    }
    if ctx.proc.fs.kernel.host_fd(&f).is_some() || f.kind() == FileType::CharDevice {
        return Err(Errno::EINVAL);
    }
    Ok(0)
}

/// `fadvise64(fd, offset, len, advice)`: access-pattern advice, which
/// Linux may act on or not; here nothing is cached that advice could
/// change, so after Linux's checks (EBADF, ESPIPE for a pipe or FIFO,
/// EINVAL for an unknown advice or negative length) it is accepted.
pub fn fadvise64(ctx: &mut Ctx, a: &Args) -> SysResult {
    let f = file(ctx, a[0])?;
    if f.kind() == FileType::Fifo || ctx.proc.fs.kernel.host_fd(&f).is_some() {
        return Err(Errno::ESPIPE);
    }
    if a[3] > 5 || (a[2] as i64) < 0 {
        return Err(Errno::EINVAL);
    }
    Ok(0)
}

/// `sync()`.
pub fn sync(_ctx: &mut Ctx, _a: &Args) -> SysResult {
    Ok(0)
}

/// `syncfs(fd)`.
pub fn syncfs(ctx: &mut Ctx, a: &Args) -> SysResult {
    file(ctx, a[0])?;
    Ok(0)
}

/// `ftruncate(fd, length)`.
pub fn ftruncate(ctx: &mut Ctx, a: &Args) -> SysResult {
    let f = file(ctx, a[0])?;
    if (a[1] as i64) < 0 {
        return Err(Errno::EINVAL);
    }
    if ctx.proc.fs.kernel.host_fd(&f).is_some() {
        return Err(Errno::EINVAL);
    }
    tick(ctx);
    f.truncate(a[1])?;
    Ok(0)
}

/// `fallocate(fd, mode, offset, len)`: mode 0 only (EOPNOTSUPP otherwise);
/// grows the file to `offset + len` if shorter (files are sparse, so no
/// blocks are reserved).
pub fn fallocate(ctx: &mut Ctx, a: &Args) -> SysResult {
    let f = file(ctx, a[0])?;
    let (off, len) = (a[2] as i64, a[3] as i64);
    if off < 0 || len <= 0 {
        return Err(Errno::EINVAL);
    }
    if !f.writable() {
        return Err(Errno::EBADF);
    }
    if a[1] != 0 {
        return Err(Errno::EOPNOTSUPP);
    }
    match f.kind() {
        FileType::Regular => {}
        FileType::Directory => return Err(Errno::EISDIR),
        FileType::Fifo => return Err(Errno::ESPIPE),
        _ => return Err(Errno::ENODEV),
    }
    let end = off.checked_add(len).ok_or(Errno::EFBIG)? as u64;
    if end > f.stat()?.size {
        tick(ctx);
        let v = f.vnode();
        v.fs().truncate(v.ino(), end)?;
    }
    Ok(0)
}
