//! A host directory served to the guest (`--root DIR`, `--mount HOST:GUEST[:ro]`), read-only
//! or read-write: [`HostDirFs`], one file system generic over [`HostCalls`], the primitive
//! host calls (`lstat`, `open`, `pread`, `mkdir`, `rename`...). Two implementations exist:
//! `hostfs.rs` over `std::fs`/`libc` (native builds, [`HostFs`](super::hostfs::HostFs)) and
//! `jsfs.rs` over the JavaScript host object's synchronous `fs*` methods (wasm builds, `JsFs`;
//! `js/lib/nodefs.mjs` implements them over Node's `fs`). Every rule lives here, once; the
//! implementations only translate calls.
//!
//! Files: this one (the trait, [`HostMeta`], name rules); `hostdir_fs.rs` (the
//! `FileSystem` operations: sequencing and guest-visible rules); `hostdir_table.rs` (inode
//! table, re-verifying walk, identity-checked open, readdir positions); `hostdir_mem.rs`
//! (tests only: an in-memory host); `hostdir_tests.rs` (every test runs on both the real
//! host through `StdCalls` and the in-memory host) and `hostdir_mem_tests.rs` (races and
//! host FIFOs, which only the in-memory host can stage).
//!
//! Confinement is the point: no guest path may reach outside the served directory. The VFS
//! resolves paths one component at a time through `lookup`, so HostDirFs only ever joins
//! single checked names ([`check_name`]: never `.`, `..`, or anything with `/` or NUL) to
//! paths it has verified, and never follows a host symlink itself: `lstat` everywhere,
//! `O_NOFOLLOW` plus an `fstat` identity check when opening (`hostdir_table.rs`). A host
//! symlink is shown to the guest as a symlink; the VFS resolves its target in the guest
//! namespace, so `../../etc/passwd` stops at the served root and `/etc/passwd` restarts
//! there. `..` of the root is the root (and the mount layer steps above it only into the
//! guest's own tree).
//!
//! Choices:
//! - Ownership: every file is presented as owned by the `owner` given at construction (the
//!   runtime passes the guest's uid/gid, so a guest user owns the files the host user owns);
//!   `chown` to that owner succeeds and changes nothing, to anyone else it is EPERM.
//!   Permission bits are the host's. New files get the guest's mode, without
//!   set-user/group-id bits (a guest must not plant setuid files on the host).
//! - Inode numbers: host `(dev, ino)` pairs mapped to small numbers in order of discovery,
//!   stable for the life of the file system (root is 1).
//! - Directory listings are sorted by name, with positions that stay valid while other
//!   entries come and go (names seen later are listed after the first ones).
//! - Only regular files, directories and symlinks are created (device nodes, FIFOs and
//!   sockets: EPERM); host FIFOs/devices/sockets exist in listings and `stat` but opening
//!   them is ENXIO (their I/O is not proxied). `RENAME_EXCHANGE` is EINVAL.
//! - A read-only HostDirFs refuses every modification with EROFS by itself, in addition to
//!   the mount's read-only flag (mount it with both so the VFS's EEXIST-before-EROFS
//!   ordering holds).
//! - Guest symlinks are stored verbatim, absolute targets included: they mean guest paths
//!   (a host process following them is on its own).
//! - Open files hold host file handles, so an unlinked file stays readable; a removed
//!   directory, unlike memfs, is simply gone (ENOENT).
//!
//! Cost: every operation by path re-checks the inode's host path with one `lstat` per
//! component (the price of confinement without `openat`); I/O on open files goes straight
//! to the cached host handle.
//!
//! Rejected alternatives:
//! - Two file systems, one per host (the former `HostFs` over `std::fs` types and `JsFs`
//!   over the JS host), sharing only the name check: the sequencing of host calls, where the
//!   security rules actually are (re-verify, then act, then update the table), was written
//!   twice and could drift. The trait costs nothing measurable: host calls dominate.
//! - A trait over richer types (`std::fs::Metadata`, `File`): the JS host has neither, so
//!   the trait speaks [`HostMeta`], byte paths and an associated open-file type.
//! - `openat`-style resolution holding a host directory descriptor per inode (immune to
//!   host-side races, but it needs one descriptor per visited directory and has no Node
//!   equivalent). Here a host process racing to swap a verified directory for a symlink
//!   between our `lstat` and our use is the remaining window; guest operations cannot create
//!   it (they are serialised and keep the table's paths up to date), and the post-open
//!   `fstat` check still stops file I/O through a swapped path.

use super::*;

#[path = "hostdir_fs.rs"]
mod fs;
#[cfg(test)]
#[path = "hostdir_mem.rs"]
mod mem;
#[path = "hostdir_table.rs"]
mod table;
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "hostdir_tests.rs"]
mod tests;

pub use fs::HostDirFs;
pub use table::ROOT;

/// Host metadata, as `lstat`/`fstat` report it (the fields a guest `Stat` is made of).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HostMeta {
    /// Device of the file system holding the file.
    pub dev: u64,
    /// Host inode number.
    pub ino: u64,
    /// Type and permission bits (Linux `st_mode` values).
    pub mode: u32,
    /// Link count.
    pub nlink: u64,
    /// Device number (device nodes).
    pub rdev: u64,
    /// Size in bytes.
    pub size: u64,
    /// Preferred I/O size.
    pub blksize: u64,
    /// 512-byte blocks allocated.
    pub blocks: u64,
    /// Last access.
    pub atime: Timespec,
    /// Last modification.
    pub mtime: Timespec,
    /// Last status change.
    pub ctime: Timespec,
    /// Creation (zero when the host does not know it).
    pub btime: Timespec,
}

impl HostMeta {
    /// The host file's identity, `(dev, ino)`.
    pub fn key(&self) -> (u64, u64) {
        (self.dev, self.ino)
    }

    fn fmt(&self) -> u32 {
        self.mode & mode::S_IFMT
    }

    /// A directory.
    pub fn is_dir(&self) -> bool {
        self.fmt() == mode::S_IFDIR
    }

    /// A regular file.
    pub fn is_file(&self) -> bool {
        self.fmt() == mode::S_IFREG
    }

    /// A symbolic link.
    pub fn is_symlink(&self) -> bool {
        self.fmt() == mode::S_IFLNK
    }
}

/// How a host file is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// `O_RDONLY`.
    Read,
    /// `O_WRONLY`.
    Write,
    /// `O_RDWR`.
    ReadWrite,
}

/// The primitive host calls a [`HostDirFs`] is built on. They do exactly what the Linux
/// call of the same name does on the host path given (a byte string built by HostDirFs from
/// verified, checked components), nothing more: no rule is enforced here, every check and
/// every decision is HostDirFs's. Errors are the host's errno.
pub trait HostCalls {
    /// An open host file; dropping it closes it.
    type File;

    /// `realpath`: the canonical form of `path` (follows symlinks; only used for the root
    /// the host user chose).
    fn realpath(&self, path: &[u8]) -> VfsResult<Vec<u8>>;
    /// `lstat` (never follows the last component).
    fn lstat(&self, path: &[u8]) -> VfsResult<HostMeta>;
    /// `fstat` of an open file.
    fn fstat(&self, f: &Self::File) -> VfsResult<HostMeta>;
    /// `open(path, access | O_NOFOLLOW | O_NONBLOCK)`, with `O_CREAT | O_EXCL` and permission
    /// bits `mode` (less the host umask) when `create` is `Some(mode)`.
    fn open(&self, path: &[u8], access: Access, create: Option<u32>) -> VfsResult<Self::File>;
    /// `pread`: reads at `off`, returns the count (short at the end of the file).
    fn pread(&self, f: &Self::File, buf: &mut [u8], off: u64) -> VfsResult<usize>;
    /// `pwrite`: writes at `off`, returns the count.
    fn pwrite(&self, f: &Self::File, buf: &[u8], off: u64) -> VfsResult<usize>;
    /// `ftruncate`.
    fn ftruncate(&self, f: &Self::File, len: u64) -> VfsResult<()>;
    /// `futimens`: sets the access and/or modification time (`None`: unchanged).
    fn futimens(
        &self,
        f: &Self::File,
        atime: Option<SetTime>,
        mtime: Option<SetTime>,
    ) -> VfsResult<()>;
    /// `fchmod`.
    fn fchmod(&self, f: &Self::File, mode: u32) -> VfsResult<()>;
    /// `chmod` by path.
    fn chmod(&self, path: &[u8], mode: u32) -> VfsResult<()>;
    /// `mkdir` with permission bits `mode` (less the host umask).
    fn mkdir(&self, path: &[u8], mode: u32) -> VfsResult<()>;
    /// `symlink(target, path)`.
    fn symlink(&self, target: &[u8], path: &[u8]) -> VfsResult<()>;
    /// `link(from, to)` (a symlink `from` is linked itself, not followed).
    fn link(&self, from: &[u8], to: &[u8]) -> VfsResult<()>;
    /// `unlink`.
    fn unlink(&self, path: &[u8]) -> VfsResult<()>;
    /// `rmdir`.
    fn rmdir(&self, path: &[u8]) -> VfsResult<()>;
    /// `rename(from, to)`.
    fn rename(&self, from: &[u8], to: &[u8]) -> VfsResult<()>;
    /// The names in directory `path`, without `.` and `..`, in any order.
    fn readdir(&self, path: &[u8]) -> VfsResult<Vec<Vec<u8>>>;
    /// `readlink`.
    fn readlink(&self, path: &[u8]) -> VfsResult<Vec<u8>>;
}

/// A name that may be joined to a host path: one component, not `.`/`..`.
pub fn check_name(name: &[u8]) -> VfsResult<()> {
    if name.is_empty() || name == b"." || name == b".." || name.contains(&b'/') {
        return Err(Errno::EINVAL);
    }
    if name.contains(&0) {
        return Err(Errno::EINVAL);
    }
    if name.len() > NAME_MAX {
        return Err(Errno::ENAMETOOLONG);
    }
    Ok(())
}

/// `dir/name` as host path bytes.
pub fn join(dir: &[u8], name: &[u8]) -> Vec<u8> {
    let mut p = dir.to_vec();
    if !p.ends_with(b"/") {
        p.push(b'/');
    }
    p.extend_from_slice(name);
    p
}
