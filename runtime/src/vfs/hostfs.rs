//! `HostFs`: the host directory file system of native builds, [`HostDirFs`] over
//! [`StdCalls`], the primitive host calls made with `std::fs` (plus `O_NOFOLLOW` and
//! `O_NONBLOCK` as raw open flags). Every rule (confinement, read-only, ownership, inode
//! table) is `HostDirFs`'s (`hostdir.rs`); this file only translates calls and errors.
//!
//! Wiring: `--root DIR` is `Vfs::new(Rc::new(HostFs::new(dir, false, owner)?))`;
//! `--mount HOST:GUEST[:ro]` is `vfs.mount(&guest_dir, Rc::new(HostFs::new(host, ro,
//! owner)?), MountFlags { read_only: ro, .. })`.
//!
//! Rejected alternative: the `libc` crate for the flags and calls; `std` has every call
//! needed and the two flag values are fixed per target.

use super::hostdir::{Access, HostCalls, HostDirFs, HostMeta};
use super::*;
use std::ffi::OsStr;
use std::fs::{File, Metadata, OpenOptions};
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{DirBuilderExt, FileExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Linux's `O_NOFOLLOW` (arch-dependent value; 0 elsewhere, where the fstat check after
/// opening still catches a swapped-in symlink).
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "aarch64",
        target_arch = "arm",
        target_arch = "powerpc",
        target_arch = "powerpc64"
    )
))]
const O_NOFOLLOW: i32 = 0o100000;
#[cfg(all(
    target_os = "linux",
    not(any(
        target_arch = "aarch64",
        target_arch = "arm",
        target_arch = "powerpc",
        target_arch = "powerpc64"
    ))
))]
const O_NOFOLLOW: i32 = 0o400000;
#[cfg(target_vendor = "apple")]
const O_NOFOLLOW: i32 = 0x100;
#[cfg(not(any(target_os = "linux", target_vendor = "apple")))]
const O_NOFOLLOW: i32 = 0;

/// Linux's `O_NONBLOCK` (so a FIFO swapped in by the host cannot block an open); 0
/// elsewhere.
#[cfg(target_os = "linux")]
const O_NONBLOCK: i32 = 0o4000;
#[cfg(not(target_os = "linux"))]
const O_NONBLOCK: i32 = 0;

/// A host directory served through `std::fs`.
pub type HostFs = HostDirFs<StdCalls>;

impl HostDirFs<StdCalls> {
    /// Serve the directory `root` (ENOENT/ENOTDIR if it is not one), with every file
    /// presented as owned by `owner` (uid, gid); see [`HostDirFs::with_calls`].
    pub fn new(root: &Path, read_only: bool, owner: (u32, u32)) -> VfsResult<HostFs> {
        HostDirFs::with_calls(StdCalls, root.as_os_str().as_bytes(), read_only, owner)
    }
}

/// The host calls over `std::fs`.
pub struct StdCalls;

/// A host I/O error as a guest errno (Linux hosts share the numbers).
fn errno(e: io::Error) -> Errno {
    #[cfg(target_os = "linux")]
    if let Some(raw) = e.raw_os_error() {
        return Errno(raw);
    }
    use io::ErrorKind::*;
    match e.kind() {
        NotFound => Errno::ENOENT,
        PermissionDenied => Errno::EACCES,
        AlreadyExists => Errno::EEXIST,
        DirectoryNotEmpty => Errno::ENOTEMPTY,
        IsADirectory => Errno::EISDIR,
        NotADirectory => Errno::ENOTDIR,
        ReadOnlyFilesystem => Errno::EROFS,
        StorageFull => Errno::ENOSPC,
        InvalidInput => Errno::EINVAL,
        FileTooLarge => Errno::EFBIG,
        _ => Errno::EIO,
    }
}

fn host(p: &[u8]) -> &Path {
    Path::new(OsStr::from_bytes(p))
}

fn ts(sec: i64, nsec: i64) -> Timespec {
    Timespec::new(sec, nsec.clamp(0, 999_999_999) as u32)
}

fn meta(md: &Metadata) -> HostMeta {
    let btime = md
        .created()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(Timespec::default(), |d| {
            Timespec::new(d.as_secs() as i64, d.subsec_nanos())
        });
    HostMeta {
        dev: md.dev(),
        ino: md.ino(),
        mode: md.mode(),
        nlink: md.nlink(),
        rdev: md.rdev(),
        size: md.size(),
        blksize: md.blksize(),
        blocks: md.blocks(),
        atime: ts(md.atime(), md.atime_nsec()),
        mtime: ts(md.mtime(), md.mtime_nsec()),
        ctime: ts(md.ctime(), md.ctime_nsec()),
        btime,
    }
}

/// A guest time as a host time (EINVAL if the host cannot represent it).
fn to_system_time(t: Timespec) -> VfsResult<SystemTime> {
    let secs = Duration::from_secs(t.sec.unsigned_abs());
    let whole = if t.sec >= 0 {
        UNIX_EPOCH.checked_add(secs)
    } else {
        UNIX_EPOCH.checked_sub(secs)
    };
    whole
        .and_then(|w| w.checked_add(Duration::from_nanos(t.nsec as u64)))
        .ok_or(Errno::EINVAL)
}

impl HostCalls for StdCalls {
    type File = File;

    fn realpath(&self, path: &[u8]) -> VfsResult<Vec<u8>> {
        let p = std::fs::canonicalize(host(path)).map_err(errno)?;
        Ok(p.into_os_string().into_vec())
    }

    fn lstat(&self, path: &[u8]) -> VfsResult<HostMeta> {
        Ok(meta(&std::fs::symlink_metadata(host(path)).map_err(errno)?))
    }

    fn fstat(&self, f: &File) -> VfsResult<HostMeta> {
        Ok(meta(&f.metadata().map_err(errno)?))
    }

    fn open(&self, path: &[u8], access: Access, create: Option<u32>) -> VfsResult<File> {
        let mut o = OpenOptions::new();
        o.read(access != Access::Write)
            .write(access != Access::Read)
            .custom_flags(O_NOFOLLOW | O_NONBLOCK);
        if let Some(m) = create {
            o.create_new(true).mode(m);
        }
        o.open(host(path)).map_err(errno)
    }

    fn pread(&self, f: &File, buf: &mut [u8], off: u64) -> VfsResult<usize> {
        f.read_at(buf, off).map_err(errno)
    }

    fn pwrite(&self, f: &File, buf: &[u8], off: u64) -> VfsResult<usize> {
        f.write_at(buf, off).map_err(errno)
    }

    fn ftruncate(&self, f: &File, len: u64) -> VfsResult<()> {
        f.set_len(len).map_err(errno)
    }

    fn futimens(&self, f: &File, atime: Option<SetTime>, mtime: Option<SetTime>) -> VfsResult<()> {
        let at = |t: SetTime| match t {
            SetTime::Now => Ok(SystemTime::now()),
            SetTime::At(t) => to_system_time(t),
        };
        let mut times = std::fs::FileTimes::new();
        if let Some(t) = atime {
            times = times.set_accessed(at(t)?);
        }
        if let Some(t) = mtime {
            times = times.set_modified(at(t)?);
        }
        f.set_times(times).map_err(errno)
    }

    fn fchmod(&self, f: &File, mode: u32) -> VfsResult<()> {
        f.set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(errno)
    }

    fn chmod(&self, path: &[u8], mode: u32) -> VfsResult<()> {
        std::fs::set_permissions(host(path), std::fs::Permissions::from_mode(mode)).map_err(errno)
    }

    fn mkdir(&self, path: &[u8], mode: u32) -> VfsResult<()> {
        std::fs::DirBuilder::new()
            .mode(mode)
            .create(host(path))
            .map_err(errno)
    }

    fn symlink(&self, target: &[u8], path: &[u8]) -> VfsResult<()> {
        std::os::unix::fs::symlink(host(target), host(path)).map_err(errno)
    }

    fn link(&self, from: &[u8], to: &[u8]) -> VfsResult<()> {
        std::fs::hard_link(host(from), host(to)).map_err(errno)
    }

    fn unlink(&self, path: &[u8]) -> VfsResult<()> {
        std::fs::remove_file(host(path)).map_err(errno)
    }

    fn rmdir(&self, path: &[u8]) -> VfsResult<()> {
        std::fs::remove_dir(host(path)).map_err(errno)
    }

    fn rename(&self, from: &[u8], to: &[u8]) -> VfsResult<()> {
        std::fs::rename(host(from), host(to)).map_err(errno)
    }

    fn readdir(&self, path: &[u8]) -> VfsResult<Vec<Vec<u8>>> {
        let mut names = Vec::new();
        for e in std::fs::read_dir(host(path)).map_err(errno)? {
            names.push(e.map_err(errno)?.file_name().into_vec());
        }
        Ok(names)
    }

    fn readlink(&self, path: &[u8]) -> VfsResult<Vec<u8>> {
        let target = std::fs::read_link(host(path)).map_err(errno)?;
        Ok(target.into_os_string().into_vec())
    }
}
