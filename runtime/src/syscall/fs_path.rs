//! File-system calls, part 3: the calls that take a path (`openat`,
//! `mkdirat`, `unlinkat`, `renameat2`, `linkat`, `symlinkat`, `readlinkat`,
//! `faccessat`, `fchmodat`, `fchownat`, `utimensat`, `truncate`, `chdir`,
//! `chroot`...), their descriptor forms (`fchdir`, `fchmod`, `fchown`), and
//! `getcwd`, `umask`.
//!
//! Each reads its path (EFAULT, ENAMETOOLONG), picks the start directory
//! (cwd or dirfd, see [`super::fs::start_dir`]) and calls the VFS operation,
//! whose errors go to the guest unchanged. Modes are masked with the umask
//! here, as the VFS expects.

use super::fs::{file, start_dir, tick};
use super::fs_fd::install;
use super::{Args, Ctx, SysResult};
use crate::vfs::file::flags::*;
use crate::vfs::{SetTime, Timespec, Vnode, RENAME_EXCHANGE, RENAME_NOREPLACE};
use crate::Errno;

/// `AT_SYMLINK_NOFOLLOW`.
pub(crate) const AT_SYMLINK_NOFOLLOW: u64 = 0x100;
/// `AT_REMOVEDIR`.
const AT_REMOVEDIR: u64 = 0x200;
/// `AT_EACCESS` (faccessat).
const AT_EACCESS: u64 = 0x200;
/// `AT_SYMLINK_FOLLOW` (linkat).
const AT_SYMLINK_FOLLOW: u64 = 0x400;
/// `AT_NO_AUTOMOUNT`.
pub(crate) const AT_NO_AUTOMOUNT: u64 = 0x800;
/// `AT_EMPTY_PATH`.
pub(crate) const AT_EMPTY_PATH: u64 = 0x1000;
/// Open flags Linux knows (others are ignored by `open`, as Linux does).
const VALID_OPEN: u32 = O_ACCMODE
    | O_CREAT
    | O_EXCL
    | O_NOCTTY
    | O_TRUNC
    | O_APPEND
    | O_NONBLOCK
    | O_DSYNC
    | O_ASYNC
    | O_DIRECT
    | O_LARGEFILE
    | O_DIRECTORY
    | O_NOFOLLOW
    | O_NOATIME
    | O_CLOEXEC
    | O_SYNC
    | O_PATH
    | O_TMPFILE;

/// The inode `path` names from `dirfd` (`follow`: a final symlink is
/// followed); with `AT_EMPTY_PATH` in `flags` an empty path is `dirfd`'s own
/// inode (or the cwd for `AT_FDCWD`).
pub(crate) fn resolve(
    ctx: &Ctx,
    dirfd: u64,
    path: &[u8],
    flags: u64,
    follow: bool,
) -> Result<Vnode, Errno> {
    let start = start_dir(ctx, dirfd, path)?;
    if path.is_empty() && flags & AT_EMPTY_PATH != 0 {
        return Ok(start);
    }
    let fs = &ctx.proc.fs;
    fs.kernel.vfs.lookup(&fs.path_ctx(), &start, path, follow)
}

/// `openat(dirfd, path, flags, mode)`.
pub fn openat(ctx: &mut Ctx, a: &Args) -> SysResult {
    let path = ctx.get_path(a[1])?;
    let flags = (a[2] as u32 & VALID_OPEN) | O_LARGEFILE;
    let mode = if flags & O_CREAT != 0 || flags & O_TMPFILE == O_TMPFILE {
        a[3] as u32 & 0o7777 & !ctx.proc.umask
    } else {
        0
    };
    if flags & (O_CREAT | O_TRUNC) != 0 {
        tick(ctx);
    }
    let start = start_dir(ctx, a[0], &path)?;
    let fs = &ctx.proc.fs;
    let mut f = fs
        .kernel
        .vfs
        .open(&fs.path_ctx(), &start, &path, flags, mode)?;
    if f.kind() == crate::vfs::FileType::Fifo
        && flags & O_PATH == 0
        && fs.kernel.pipe_ino(&f).is_none()
        && fs.kernel.host_fd(&f).is_none()
    {
        f = fs.kernel.open_fifo(f);
    }
    if f.kind() == crate::vfs::FileType::CharDevice {
        f = super::tty::open_hook(ctx, f, flags)?;
    }
    let f = crate::procview::open_hook(ctx, f);
    install(ctx, f, flags & O_CLOEXEC != 0)
}

/// `mkdirat(dirfd, path, mode)`.
pub fn mkdirat(ctx: &mut Ctx, a: &Args) -> SysResult {
    let path = ctx.get_path(a[1])?;
    let mode = a[2] as u32 & 0o7777 & !ctx.proc.umask;
    tick(ctx);
    let start = start_dir(ctx, a[0], &path)?;
    let fs = &ctx.proc.fs;
    fs.kernel.vfs.mkdir(&fs.path_ctx(), &start, &path, mode)?;
    Ok(0)
}

/// `mknodat(dirfd, path, mode, dev)`: regular files, FIFOs and sockets;
/// device nodes need root (EPERM).
pub fn mknodat(ctx: &mut Ctx, a: &Args) -> SysResult {
    let path = ctx.get_path(a[1])?;
    let m = a[2] as u32;
    let mode = (m & crate::vfs::mode::S_IFMT) | (m & 0o7777 & !ctx.proc.umask);
    tick(ctx);
    let start = start_dir(ctx, a[0], &path)?;
    let fs = &ctx.proc.fs;
    let dev = a[3] as u32 as u64;
    let rdev = crate::vfs::devfs::makedev((dev >> 8) as u32 & 0xfff, (dev & 0xff) as u32);
    fs.kernel
        .vfs
        .mknod(&fs.path_ctx(), &start, &path, mode, rdev)?;
    Ok(0)
}

/// `unlinkat(dirfd, path, flags)` (`AT_REMOVEDIR`: rmdir).
pub fn unlinkat(ctx: &mut Ctx, a: &Args) -> SysResult {
    let path = ctx.get_path(a[1])?;
    if a[2] & !AT_REMOVEDIR != 0 {
        return Err(Errno::EINVAL);
    }
    tick(ctx);
    let start = start_dir(ctx, a[0], &path)?;
    let fs = &ctx.proc.fs;
    let pc = fs.path_ctx();
    if a[2] & AT_REMOVEDIR != 0 {
        fs.kernel.vfs.rmdir(&pc, &start, &path)?;
    } else {
        fs.kernel.vfs.unlink(&pc, &start, &path)?;
    }
    Ok(0)
}

/// `renameat2(olddirfd, oldpath, newdirfd, newpath, flags)`.
pub fn renameat2(ctx: &mut Ctx, a: &Args) -> SysResult {
    let old = ctx.get_path(a[1])?;
    let new = ctx.get_path(a[3])?;
    let flags = a[4];
    if flags & !((RENAME_NOREPLACE | RENAME_EXCHANGE) as u64) != 0 {
        return Err(Errno::EINVAL);
    }
    tick(ctx);
    let os = start_dir(ctx, a[0], &old)?;
    let ns = start_dir(ctx, a[2], &new)?;
    let fs = &ctx.proc.fs;
    fs.kernel
        .vfs
        .rename(&fs.path_ctx(), &os, &old, &ns, &new, flags as u32)?;
    Ok(0)
}

/// `linkat(olddirfd, oldpath, newdirfd, newpath, flags)`.
pub fn linkat(ctx: &mut Ctx, a: &Args) -> SysResult {
    let old = ctx.get_path(a[1])?;
    let new = ctx.get_path(a[3])?;
    let flags = a[4];
    if flags & !(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    tick(ctx);
    let ns = start_dir(ctx, a[2], &new)?;
    let fs = &ctx.proc.fs;
    let pc = fs.path_ctx();
    if old.is_empty() && flags & AT_EMPTY_PATH != 0 {
        // Linking an open file by descriptor needs CAP_DAC_READ_SEARCH.
        if fs.cred.uid != 0 {
            return Err(Errno::ENOENT);
        }
        let v = resolve(ctx, a[0], &old, flags, false)?;
        let p = fs.kernel.vfs.lookup_parent(&pc, &ns, &new)?;
        if v.mnt() != p.dir.mnt() {
            return Err(Errno::EXDEV);
        }
        v.fs().link(v.ino(), p.dir.ino(), &p.name)?;
        return Ok(0);
    }
    let os = start_dir(ctx, a[0], &old)?;
    let follow = flags & AT_SYMLINK_FOLLOW != 0;
    fs.kernel.vfs.link(&pc, &os, &old, &ns, &new, follow)?;
    Ok(0)
}

/// `symlinkat(target, newdirfd, linkpath)`.
pub fn symlinkat(ctx: &mut Ctx, a: &Args) -> SysResult {
    let target = ctx.get_path(a[0])?;
    let path = ctx.get_path(a[2])?;
    tick(ctx);
    let start = start_dir(ctx, a[1], &path)?;
    let fs = &ctx.proc.fs;
    fs.kernel
        .vfs
        .symlink(&fs.path_ctx(), &target, &start, &path)?;
    Ok(0)
}

/// `readlinkat(dirfd, path, buf, bufsiz)`: the target, truncated to `bufsiz`.
pub fn readlinkat(ctx: &mut Ctx, a: &Args) -> SysResult {
    let path = ctx.get_path(a[1])?;
    if a[3] as i32 <= 0 {
        return Err(Errno::EINVAL);
    }
    let target = if path.is_empty() {
        // An empty path reads the symlink open at dirfd (O_PATH|O_NOFOLLOW).
        let v = start_dir(ctx, a[0], &path)?;
        v.fs().readlink(v.ino()).map_err(|_| Errno::ENOENT)?
    } else {
        let start = start_dir(ctx, a[0], &path)?;
        let fs = &ctx.proc.fs;
        fs.kernel.vfs.readlink(&fs.path_ctx(), &start, &path)?
    };
    let n = target.len().min(a[3] as u32 as usize);
    ctx.put(a[2], &target[..n])?;
    Ok(n as u64)
}

/// `faccessat2(dirfd, path, mode, flags)` (and `faccessat` with flags 0).
/// The guest's real and effective ids are equal, so `AT_EACCESS` changes nothing.
pub fn faccessat2(ctx: &mut Ctx, a: &Args) -> SysResult {
    let path = ctx.get_path(a[1])?;
    let (mask, flags) = (a[2], a[3]);
    if mask & !7 != 0 || flags & !(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let follow = flags & AT_SYMLINK_NOFOLLOW == 0;
    let start = start_dir(ctx, a[0], &path)?;
    let fs = &ctx.proc.fs;
    if path.is_empty() && flags & AT_EMPTY_PATH != 0 {
        let st = start.stat()?;
        crate::vfs::path::check_access(&fs.cred, &st, mask as u32)?;
        return Ok(0);
    }
    fs.kernel
        .vfs
        .access(&fs.path_ctx(), &start, &path, mask as u32, follow)?;
    Ok(0)
}

/// `faccessat(dirfd, path, mode)`.
pub fn faccessat(ctx: &mut Ctx, a: &Args) -> SysResult {
    faccessat2(ctx, &[a[0], a[1], a[2], 0, 0, 0])
}

/// `chdir(path)`.
pub fn chdir(ctx: &mut Ctx, a: &Args) -> SysResult {
    let path = ctx.get_path(a[0])?;
    let fs = &ctx.proc.fs;
    let v = fs.kernel.vfs.chdir(&fs.path_ctx(), &fs.cwd, &path)?;
    ctx.proc.fs.cwd = v;
    Ok(0)
}

/// `fchdir(fd)`: a directory the caller may search.
pub fn fchdir(ctx: &mut Ctx, a: &Args) -> SysResult {
    let f = file(ctx, a[0])?;
    let fs = &ctx.proc.fs;
    fs.kernel.vfs.may_lookup(&fs.cred, f.vnode())?;
    ctx.proc.fs.cwd = f.vnode().clone();
    Ok(0)
}

/// `chroot(path)`: the path is checked first (ENOENT, ENOTDIR, EACCES),
/// then privilege: EPERM for the unprivileged guest.
pub fn chroot(ctx: &mut Ctx, a: &Args) -> SysResult {
    let path = ctx.get_path(a[0])?;
    let fs = &ctx.proc.fs;
    let v = fs.kernel.vfs.chdir(&fs.path_ctx(), &fs.cwd, &path)?;
    if fs.cred.uid != 0 {
        return Err(Errno::EPERM);
    }
    ctx.proc.fs.root = v;
    Ok(0)
}

/// `getcwd(buf, size)`: the cwd's path from the process root, with its
/// NUL; ERANGE if it does not fit, ENOENT if the cwd was removed.
pub fn getcwd(ctx: &mut Ctx, a: &Args) -> SysResult {
    let fs = &ctx.proc.fs;
    let mut p = fs.kernel.vfs.path_of(&fs.path_ctx(), &fs.cwd)?;
    p.push(0);
    if (a[1] as usize) < p.len() {
        return Err(Errno::ERANGE);
    }
    ctx.put(a[0], &p)?;
    Ok(p.len() as u64)
}

/// `umask(mask)`.
pub fn umask(ctx: &mut Ctx, a: &Args) -> SysResult {
    let old = ctx.proc.umask;
    ctx.proc.umask = (a[0] & 0o777) as u32;
    Ok(old as u64)
}

/// `truncate(path, length)`.
pub fn truncate(ctx: &mut Ctx, a: &Args) -> SysResult {
    let path = ctx.get_path(a[0])?;
    if (a[1] as i64) < 0 {
        return Err(Errno::EINVAL);
    }
    tick(ctx);
    let v = resolve(ctx, super::fs::AT_FDCWD as u64, &path, 0, true)?;
    let fs = &ctx.proc.fs;
    fs.kernel.vfs.truncate(&fs.cred, &v, a[1])?;
    Ok(0)
}

/// `fchmod(fd, mode)`.
pub fn fchmod(ctx: &mut Ctx, a: &Args) -> SysResult {
    let f = file(ctx, a[0])?;
    if f.flags() & O_PATH != 0 {
        return Err(Errno::EBADF);
    }
    tick(ctx);
    let fs = &ctx.proc.fs;
    fs.kernel.vfs.chmod(&fs.cred, f.vnode(), a[1] as u32)?;
    Ok(0)
}

/// `fchmodat(dirfd, path, mode)` (symlinks followed).
pub fn fchmodat(ctx: &mut Ctx, a: &Args) -> SysResult {
    let path = ctx.get_path(a[1])?;
    tick(ctx);
    let v = resolve(ctx, a[0], &path, 0, true)?;
    let fs = &ctx.proc.fs;
    fs.kernel.vfs.chmod(&fs.cred, &v, a[2] as u32)?;
    Ok(0)
}

/// An id argument of chown: -1 means unchanged.
fn id(x: u64) -> Option<u32> {
    (x as u32 != u32::MAX).then_some(x as u32)
}

/// `fchown(fd, owner, group)`.
pub fn fchown(ctx: &mut Ctx, a: &Args) -> SysResult {
    let f = file(ctx, a[0])?;
    if f.flags() & O_PATH != 0 {
        return Err(Errno::EBADF);
    }
    tick(ctx);
    let fs = &ctx.proc.fs;
    fs.kernel
        .vfs
        .chown(&fs.cred, f.vnode(), id(a[1]), id(a[2]))?;
    Ok(0)
}

/// `fchownat(dirfd, path, owner, group, flags)`.
pub fn fchownat(ctx: &mut Ctx, a: &Args) -> SysResult {
    let path = ctx.get_path(a[1])?;
    let flags = a[4];
    if flags & !(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    tick(ctx);
    let v = resolve(ctx, a[0], &path, flags, flags & AT_SYMLINK_NOFOLLOW == 0)?;
    let fs = &ctx.proc.fs;
    fs.kernel.vfs.chown(&fs.cred, &v, id(a[2]), id(a[3]))?;
    Ok(0)
}

/// One `utimensat` time: `UTIME_NOW`, `UTIME_OMIT` (None) or a value.
fn utime(ctx: &mut Ctx, addr: u64) -> Result<Option<SetTime>, Errno> {
    const UTIME_NOW: u64 = (1 << 30) - 1;
    const UTIME_OMIT: u64 = (1 << 30) - 2;
    let sec = ctx.get_u64(addr)? as i64;
    let nsec = ctx.get_u64(addr.wrapping_add(8))?;
    Ok(match nsec {
        UTIME_NOW => Some(SetTime::Now),
        UTIME_OMIT => None,
        n if n < 1_000_000_000 => Some(SetTime::At(Timespec::new(sec, n as u32))),
        _ => return Err(Errno::EINVAL),
    })
}

/// `utimensat(dirfd, path, times[2], flags)`: a NULL path means `dirfd`
/// itself; NULL times mean now.
pub fn utimensat(ctx: &mut Ctx, a: &Args) -> SysResult {
    let flags = a[3];
    if flags & !(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let (at, mt) = if a[2] == 0 {
        (Some(SetTime::Now), Some(SetTime::Now))
    } else {
        (utime(ctx, a[2])?, utime(ctx, a[2].wrapping_add(16))?)
    };
    tick(ctx);
    let v = if a[1] == 0 {
        if a[0] as i32 == super::fs::AT_FDCWD {
            return Err(Errno::EFAULT);
        }
        file(ctx, a[0])?.vnode().clone()
    } else {
        let path = ctx.get_path(a[1])?;
        resolve(ctx, a[0], &path, flags, flags & AT_SYMLINK_NOFOLLOW == 0)?
    };
    let fs = &ctx.proc.fs;
    fs.kernel.vfs.utimens(&fs.cred, &v, at, mt)?;
    Ok(0)
}

/// `execve(path, argv, envp)`: the program file is checked through the VFS
/// ([`crate::fsctx::FsCtx::open_exec`]: ENOENT, EACCES...); replacing the
/// process image belongs to the process layer, so a runnable file is
/// ENOSYS until that lands.
pub fn execve(ctx: &mut Ctx, a: &Args) -> SysResult {
    let path = ctx.get_path(a[0])?;
    ctx.proc.fs.open_exec(&path)?;
    Err(Errno::ENOSYS)
}
