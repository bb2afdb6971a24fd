//! File-system calls, part 4: attributes and listings (`fstat`,
//! `newfstatat`, `statx`, `statfs`, `fstatfs`, `getdents64`). The byte
//! layouts come from [`crate::vfs::abi`].

use super::fs::file;
use super::fs_path::{resolve, AT_EMPTY_PATH, AT_NO_AUTOMOUNT, AT_SYMLINK_NOFOLLOW};
use super::{Args, Ctx, SysResult};
use crate::vfs::abi;
use crate::vfs::Vnode;
use crate::Errno;

/// `AT_STATX_SYNC_TYPE` (statx's sync-mode bits).
const AT_STATX_SYNC_TYPE: u64 = 0x6000;
/// `STATX__RESERVED`.
const STATX_RESERVED: u64 = 0x8000_0000;
/// Largest `getdents64` buffer honoured per call.
const DENTS_MAX: u64 = 1 << 20;

/// The inode of a `*stat*at` call: `path` from `dirfd`, or with an empty path
/// and `AT_EMPTY_PATH` the descriptor's own inode.
fn stat_target(ctx: &mut Ctx, dirfd: u64, path_addr: u64, flags: u64) -> Result<Vnode, Errno> {
    let path = ctx.get_path(path_addr)?;
    if path.is_empty() && flags & AT_EMPTY_PATH != 0 && dirfd as i32 != super::fs::AT_FDCWD {
        return Ok(file(ctx, dirfd)?.vnode().clone());
    }
    resolve(ctx, dirfd, &path, flags, flags & AT_SYMLINK_NOFOLLOW == 0)
}

/// `fstat(fd, statbuf)`.
pub fn fstat(ctx: &mut Ctx, a: &Args) -> SysResult {
    let f = file(ctx, a[0])?;
    super::fs_stdio::refresh(ctx, f.vnode());
    let st = f.stat()?;
    ctx.put(a[1], &abi::encode_stat(&st))?;
    Ok(0)
}

/// `newfstatat(dirfd, path, statbuf, flags)`.
pub fn newfstatat(ctx: &mut Ctx, a: &Args) -> SysResult {
    if a[3] & !(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let v = stat_target(ctx, a[0], a[1], a[3])?;
    super::fs_stdio::refresh(ctx, &v);
    let st = v.stat()?;
    ctx.put(a[2], &abi::encode_stat(&st))?;
    Ok(0)
}

/// `statx(dirfd, path, flags, mask, statxbuf)`: every basic field is
/// filled whatever the mask asks.
pub fn statx(ctx: &mut Ctx, a: &Args) -> SysResult {
    let flags = a[2];
    let known = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE;
    if flags & !known != 0 || flags & AT_STATX_SYNC_TYPE == AT_STATX_SYNC_TYPE {
        return Err(Errno::EINVAL);
    }
    if a[3] & STATX_RESERVED != 0 {
        return Err(Errno::EINVAL);
    }
    let v = stat_target(ctx, a[0], a[1], flags)?;
    super::fs_stdio::refresh(ctx, &v);
    let st = v.stat()?;
    ctx.put(a[4], &abi::encode_statx(&st, v.mnt().0 as u64))?;
    Ok(0)
}

/// `struct statfs` (riscv64, 120 bytes) for the file system of `v`.
fn statfs_of(ctx: &Ctx, v: &Vnode) -> Result<[u8; 120], Errno> {
    let s = v.fs().statfs()?;
    let ro = ctx.proc.fs.kernel.vfs.flags(v.mnt()).read_only;
    let flags: u64 = 0x20 | ro as u64 | 0x400; // ST_VALID | ST_RDONLY? | ST_RELATIME
    let fsid = v.dev();
    let words = [
        s.fs_type, s.bsize, s.blocks, s.bfree, s.bavail, s.files, s.ffree, fsid, s.namelen,
        s.bsize, flags,
    ];
    let mut b = [0u8; 120];
    for (i, w) in words.iter().enumerate() {
        b[i * 8..i * 8 + 8].copy_from_slice(&w.to_le_bytes());
    }
    Ok(b)
}

/// `statfs(path, buf)`.
pub fn statfs(ctx: &mut Ctx, a: &Args) -> SysResult {
    let path = ctx.get_path(a[0])?;
    let v = resolve(ctx, super::fs::AT_FDCWD as u64, &path, 0, true)?;
    let b = statfs_of(ctx, &v)?;
    ctx.put(a[1], &b)?;
    Ok(0)
}

/// `fstatfs(fd, buf)`.
pub fn fstatfs(ctx: &mut Ctx, a: &Args) -> SysResult {
    let f = file(ctx, a[0])?;
    let b = statfs_of(ctx, f.vnode())?;
    ctx.put(a[1], &b)?;
    Ok(0)
}

/// `getdents64(fd, dirp, count)`: as many `linux_dirent64` records as fit;
/// 0 at the end; EINVAL if the first does not fit; ENOTDIR for files.
pub fn getdents64(ctx: &mut Ctx, a: &Args) -> SysResult {
    let f = file(ctx, a[0])?;
    let recs = abi::getdents64(&f, a[2].min(DENTS_MAX) as usize)?;
    ctx.put(a[1], &recs)?;
    Ok(recs.len() as u64)
}
