//! The virtual file system: Linux file semantics over pluggable file systems.
//!
//! Layers, bottom up:
//! - [`FileSystem`] (this file): what a concrete file system offers, inode
//!   based like Linux's `inode_operations` (lookup a name in a directory
//!   inode, create, unlink, rename, read/write at an offset...). It knows
//!   nothing of paths, mounts, credentials or file descriptors. [`memfs`] is
//!   the in-memory implementation, [`devfs`] the guest's `/dev` (its
//!   `read`/`write` are the devices), `hostfs` (native builds) a host
//!   directory confined to itself, [`procfs`] the guest's `/proc`.
//! - [`mount`]: the mount table ([`Vfs`]) and [`Vnode`], a counted reference
//!   to an inode of a mounted file system.
//! - [`path`]: `namei`, path resolution (root/cwd, `..`, symlinks, mounts,
//!   permission to search).
//! - [`ops`]: the syscall-shaped operations (`open`, `mkdir`, `unlink`,
//!   `rename`, `chmod`...) with Linux's permission and error rules.
//! - [`file`](mod@file): open file descriptions; [`fdtable`]: per-process fd tables.
//! - [`abi`]: guest byte layouts (`struct stat`, `statx`, `linux_dirent64`).
//!
//! # Ownership rules
//! - A file system owns its inodes. An inode lives while a directory entry
//!   names it (`nlink > 0`) **or** a [`Vnode`] references it
//!   ([`FileSystem::grab`]/[`FileSystem::put`], Linux's `i_count`). So an
//!   unlinked file stays readable through an open file, and a removed cwd stays
//!   a valid (empty, dead) directory.
//! - A [`Vnode`] holds an `Rc` of its file system; cloning grabs the inode,
//!   dropping puts it. Open files, cwd, root and mount points are `Vnode`s.
//! - An [`file::OpenFile`] (Linux's `struct file`) owns one `Vnode` plus the
//!   offset and status flags; fd tables share descriptions through
//!   `Rc<OpenFile>` (so `dup` and `fork` share the offset, as on Linux).
//! - The [`Vfs`] owns the mount table; a mount holds its file system and a
//!   `Vnode` of the covered directory.
//!
//! Single-threaded by design: `Rc` + interior mutability (`RefCell`/`Cell`)
//! rather than `Arc<Mutex>`, because NanoVM runs guest threads on one host
//! thread and a host-directory fs in wasm holds `!Send` JS values. Callbacks
//! handed to a file system (readdir sinks) must not call back into it.
//!
//! # Wiring into syscalls
//! A process holds `root: Vnode`, `cwd: Vnode`, `cred: Cred`, `umask` and an
//! [`fdtable::FdTable`]; the kernel holds one [`Vfs`]. A `*at` syscall builds
//! `Ctx { root: &root, cred: &cred }` and passes `&cwd` (AT_FDCWD) or the
//! dirfd's `file.vnode()` as the start directory, then e.g.
//! `vfs.open(&ctx, start, path, flags, mode & !umask)` and
//! `fds.alloc(Rc::new(file), flags & O_CLOEXEC != 0)`. `read`/`write`/`lseek`/
//! `pread64`/`ftruncate`/`fstat` go to the [`file::OpenFile`]; `getdents64` is
//! [`abi::getdents64`]; path `chmod`/`chown`/`truncate`/`utimensat` first
//! `vfs.lookup` then call the `Vnode` operation; `getcwd` is
//! [`Vfs::path_of`]; `chdir`/`chroot` use [`Vfs::chdir`]; `execve` uses
//! [`Vfs::open_exec`]. Errors are `Errno`; return `-errno`.
//!
//! Names and paths are byte strings (`&[u8]`), never UTF-8 `str`: Linux file
//! names are arbitrary bytes except `/` and NUL.

pub mod abi;
pub mod devfs;
pub mod errno;
pub mod fdtable;
pub mod file;
pub mod hostdir;
#[cfg(not(target_arch = "wasm32"))]
pub mod hostfs;
#[cfg(target_arch = "wasm32")]
pub mod jsfs;
pub mod memfs;
pub mod mount;
pub mod ops;
pub mod path;
pub mod procfs;
mod procfs_state;
mod procfs_text;
mod sparse;
#[cfg(test)]
mod tests;

pub use errno::{Errno, VfsResult};
pub use mount::{MountFlags, MountId, Vfs, Vnode};

/// An inode number, unique within one file system.
pub type Ino = u64;

/// Longest file name component (`NAME_MAX`).
pub const NAME_MAX: usize = 255;
/// Longest path, excluding the NUL (`PATH_MAX - 1`).
pub const PATH_MAX: usize = 4095;
/// Most symlinks followed in one resolution (`MAXSYMLINKS`).
pub const MAX_SYMLINKS: u32 = 40;

/// `st_mode` file type bits and permission bits (Linux values).
pub mod mode {
    /// Mask of the file type bits.
    pub const S_IFMT: u32 = 0o170000;
    /// Socket.
    pub const S_IFSOCK: u32 = 0o140000;
    /// Symbolic link.
    pub const S_IFLNK: u32 = 0o120000;
    /// Regular file.
    pub const S_IFREG: u32 = 0o100000;
    /// Block device.
    pub const S_IFBLK: u32 = 0o060000;
    /// Directory.
    pub const S_IFDIR: u32 = 0o040000;
    /// Character device.
    pub const S_IFCHR: u32 = 0o020000;
    /// FIFO.
    pub const S_IFIFO: u32 = 0o010000;
    /// Set-user-id.
    pub const S_ISUID: u32 = 0o4000;
    /// Set-group-id.
    pub const S_ISGID: u32 = 0o2000;
    /// Sticky (restricted deletion in directories).
    pub const S_ISVTX: u32 = 0o1000;
    /// All permission bits including suid/sgid/sticky.
    pub const PERM_MASK: u32 = 0o7777;
}

/// The type of an inode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileType {
    /// Regular file.
    Regular,
    /// Directory.
    Directory,
    /// Symbolic link.
    Symlink,
    /// Character device (`rdev` says which).
    CharDevice,
    /// Block device.
    BlockDevice,
    /// Named pipe.
    Fifo,
    /// Unix socket node.
    Socket,
}

impl FileType {
    /// The `S_IF*` bits of this type.
    pub fn mode_bits(self) -> u32 {
        use mode::*;
        match self {
            FileType::Regular => S_IFREG,
            FileType::Directory => S_IFDIR,
            FileType::Symlink => S_IFLNK,
            FileType::CharDevice => S_IFCHR,
            FileType::BlockDevice => S_IFBLK,
            FileType::Fifo => S_IFIFO,
            FileType::Socket => S_IFSOCK,
        }
    }

    /// The type encoded in `mode`'s `S_IFMT` bits, if valid.
    pub fn from_mode(m: u32) -> Option<FileType> {
        use mode::*;
        Some(match m & S_IFMT {
            S_IFREG => FileType::Regular,
            S_IFDIR => FileType::Directory,
            S_IFLNK => FileType::Symlink,
            S_IFCHR => FileType::CharDevice,
            S_IFBLK => FileType::BlockDevice,
            S_IFIFO => FileType::Fifo,
            S_IFSOCK => FileType::Socket,
            _ => return None,
        })
    }

    /// The `d_type` value getdents64 reports (`DT_REG` = 8...).
    pub fn dirent_type(self) -> u8 {
        (self.mode_bits() >> 12) as u8
    }
}

/// A point in time, as `struct timespec` (seconds and nanoseconds since the epoch).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timespec {
    /// Seconds.
    pub sec: i64,
    /// Nanoseconds, `0..1_000_000_000`.
    pub nsec: u32,
}

impl Timespec {
    /// A timespec from seconds and nanoseconds.
    pub const fn new(sec: i64, nsec: u32) -> Timespec {
        Timespec { sec, nsec }
    }
}

/// Where file systems get the time from (the caller decides: host clock, a
/// virtual deterministic clock, or a test's manual clock).
pub trait Clock {
    /// The current time.
    fn now(&self) -> Timespec;
}

impl<F: Fn() -> Timespec> Clock for F {
    fn now(&self) -> Timespec {
        self()
    }
}

/// Who is asking: the filesystem credentials of the calling task.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cred {
    /// Filesystem user id (0 is root: bypasses permission bits).
    pub uid: u32,
    /// Filesystem group id.
    pub gid: u32,
    /// Supplementary groups.
    pub groups: Vec<u32>,
}

impl Cred {
    /// The superuser.
    pub fn root() -> Cred {
        Cred::default()
    }

    /// An ordinary user with no supplementary groups.
    pub fn user(uid: u32, gid: u32) -> Cred {
        Cred {
            uid,
            gid,
            groups: Vec::new(),
        }
    }

    /// Whether this credential is in group `gid`.
    pub fn in_group(&self, gid: u32) -> bool {
        self.gid == gid || self.groups.contains(&gid)
    }
}

/// Inode attributes, as `stat`/`statx` report them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stat {
    /// Device of the containing file system (filled in by the mount layer).
    pub dev: u64,
    /// Inode number.
    pub ino: Ino,
    /// Type and permission bits.
    pub mode: u32,
    /// Number of hard links.
    pub nlink: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Device number for device nodes.
    pub rdev: u64,
    /// Size in bytes (apparent size; sparse holes count).
    pub size: u64,
    /// Preferred I/O block size.
    pub blksize: u32,
    /// Allocated 512-byte blocks (holes cost nothing).
    pub blocks: u64,
    /// Last access.
    pub atime: Timespec,
    /// Last data modification.
    pub mtime: Timespec,
    /// Last status change.
    pub ctime: Timespec,
    /// Creation (birth).
    pub btime: Timespec,
}

impl Stat {
    /// The file type, from `mode`.
    pub fn file_type(&self) -> Option<FileType> {
        FileType::from_mode(self.mode)
    }

    /// Whether this is a directory.
    pub fn is_dir(&self) -> bool {
        self.mode & mode::S_IFMT == mode::S_IFDIR
    }
}

/// A timestamp to set: the file system's current time or an explicit one
/// (`utimensat`'s `UTIME_NOW` or a value; `UTIME_OMIT` is `None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetTime {
    /// The file system clock's now.
    Now,
    /// This time.
    At(Timespec),
}

/// A set of attribute changes (`setattr`); `None` leaves a field alone.
/// Any change also sets ctime to now; a size change sets mtime too.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SetAttr {
    /// New permission bits (`& 0o7777`; the type never changes).
    pub mode: Option<u32>,
    /// New owner.
    pub uid: Option<u32>,
    /// New group.
    pub gid: Option<u32>,
    /// New size (regular files only: EISDIR for directories, EINVAL otherwise).
    pub size: Option<u64>,
    /// New access time.
    pub atime: Option<SetTime>,
    /// New modification time.
    pub mtime: Option<SetTime>,
}

/// One directory entry handed to a readdir sink.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DirEntry<'a> {
    /// Inode number.
    pub ino: Ino,
    /// Entry type.
    pub kind: FileType,
    /// Name (no `/`, no NUL).
    pub name: &'a [u8],
    /// The position to resume after this entry (getdents64's `d_off`).
    pub next: u64,
}

/// Emits a directory's `.` (position 0, `dir`) and `..` (position 1,
/// `parent`) from `pos` on, as every file system's `readdir` starts; false
/// when the sink is full (stop listing). Positions from 2 are the file
/// system's own entries.
pub fn emit_dots(
    dir: Ino,
    parent: Ino,
    pos: u64,
    sink: &mut dyn FnMut(DirEntry<'_>) -> bool,
) -> bool {
    let dots = [(dir, &b"."[..]), (parent, &b".."[..])];
    for (i, (ino, name)) in dots.into_iter().enumerate() {
        let next = i as u64 + 1;
        if pos < next {
            let kind = FileType::Directory;
            if !sink(DirEntry {
                ino,
                kind,
                name,
                next,
            }) {
                return false;
            }
        }
    }
    true
}

/// File system statistics, as `statfs` reports them (block counts in `bsize` units).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatFs {
    /// The file system type magic (`TMPFS_MAGIC`, `PROC_SUPER_MAGIC`...).
    pub fs_type: u64,
    /// Block size.
    pub bsize: u64,
    /// Total blocks.
    pub blocks: u64,
    /// Free blocks.
    pub bfree: u64,
    /// Free blocks for unprivileged users.
    pub bavail: u64,
    /// Total inodes.
    pub files: u64,
    /// Free inodes.
    pub ffree: u64,
    /// Longest name.
    pub namelen: u64,
}

/// What a new inode is made as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewNode {
    /// Type and permission bits (`S_IF*` | perms; the caller applied the umask).
    pub mode: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Device number (device nodes only).
    pub rdev: u64,
}

/// `rename` flag: fail with EEXIST rather than replace (`RENAME_NOREPLACE`).
pub const RENAME_NOREPLACE: u32 = 1;
/// `rename` flag: atomically swap the two names (`RENAME_EXCHANGE`).
pub const RENAME_EXCHANGE: u32 = 2;

/// The namespace methods of a [`FileSystem`] whose tree the guest cannot
/// change (pipes, standard streams, devpts): every create, link, unlink,
/// rename is EPERM and nothing is a symlink (EINVAL), as in Linux's
/// pseudo file systems. Expands inside an `impl FileSystem for ...` block.
macro_rules! fixed_tree_ops {
    () => {
        fn create(&self, _: Ino, _: &[u8], _: &NewNode) -> VfsResult<Ino> {
            Err(Errno::EPERM)
        }
        fn mkdir(&self, _: Ino, _: &[u8], _: &NewNode) -> VfsResult<Ino> {
            Err(Errno::EPERM)
        }
        fn symlink(&self, _: Ino, _: &[u8], _: &[u8], _: &NewNode) -> VfsResult<Ino> {
            Err(Errno::EPERM)
        }
        fn link(&self, _: Ino, _: Ino, _: &[u8]) -> VfsResult<()> {
            Err(Errno::EPERM)
        }
        fn unlink(&self, _: Ino, _: &[u8]) -> VfsResult<()> {
            Err(Errno::EPERM)
        }
        fn rmdir(&self, _: Ino, _: &[u8]) -> VfsResult<()> {
            Err(Errno::EPERM)
        }
        fn rename(&self, _: Ino, _: &[u8], _: Ino, _: &[u8], _: u32) -> VfsResult<()> {
            Err(Errno::EPERM)
        }
        fn readlink(&self, _: Ino) -> VfsResult<Vec<u8>> {
            Err(Errno::EINVAL)
        }
    };
}
pub(crate) use fixed_tree_ops;

/// A concrete file system, addressed by inode numbers.
///
/// Implementations check *semantics* (ENOENT, EEXIST, ENOTEMPTY, EISDIR,
/// ENOTDIR, rename's EINVAL for a directory moved into itself, ENOSPC, EFBIG)
/// but not permissions, credentials, read-only mounts or path syntax: the
/// [`Vfs`] does those before calling. Names passed in are never empty, `.`
/// or `..` except for `lookup`, which must resolve `.` and `..` (`..` of the
/// root is the root). Operations on an inode that no longer exists return
/// ENOENT. Directory operations on a non-directory return ENOTDIR. Methods
/// take `&self`: implementations use interior mutability.
pub trait FileSystem {
    /// A short type name (`"memfs"`, `"proc"`...), for `/proc/mounts`.
    fn name(&self) -> &str;
    /// The root directory's inode.
    fn root(&self) -> Ino;
    /// Take a reference to `ino` (it stays alive, even unlinked, until `put`).
    fn grab(&self, ino: Ino);
    /// Drop a reference taken with `grab`; frees the inode if it was the
    /// last one and no name links to it.
    fn put(&self, ino: Ino);
    /// The inode named `name` in directory `dir`.
    fn lookup(&self, dir: Ino, name: &[u8]) -> VfsResult<Ino>;
    /// Attributes (`dev` is left 0: the mount layer fills it).
    fn getattr(&self, ino: Ino) -> VfsResult<Stat>;
    /// Change attributes (see [`SetAttr`]).
    fn setattr(&self, ino: Ino, attr: &SetAttr) -> VfsResult<()>;
    /// Create a non-directory, non-symlink node (regular, device, FIFO, socket).
    fn create(&self, dir: Ino, name: &[u8], node: &NewNode) -> VfsResult<Ino>;
    /// Create a directory (`node.mode` type bits are ignored).
    fn mkdir(&self, dir: Ino, name: &[u8], node: &NewNode) -> VfsResult<Ino>;
    /// Create a symlink holding `target` (`node.mode` is ignored: 0o777).
    fn symlink(&self, dir: Ino, name: &[u8], target: &[u8], node: &NewNode) -> VfsResult<Ino>;
    /// Add a hard link `name` in `dir` to `ino` (EPERM for directories).
    fn link(&self, ino: Ino, dir: Ino, name: &[u8]) -> VfsResult<()>;
    /// Remove a non-directory entry (EISDIR for a directory).
    fn unlink(&self, dir: Ino, name: &[u8]) -> VfsResult<()>;
    /// Remove an empty directory (ENOTDIR, ENOTEMPTY).
    fn rmdir(&self, dir: Ino, name: &[u8]) -> VfsResult<()>;
    /// Rename with Linux's rules; `flags` is `RENAME_NOREPLACE`/`RENAME_EXCHANGE`.
    fn rename(&self, odir: Ino, oname: &[u8], ndir: Ino, nname: &[u8], flags: u32)
        -> VfsResult<()>;
    /// The target of a symlink (EINVAL for other types).
    fn readlink(&self, ino: Ino) -> VfsResult<Vec<u8>>;
    /// `open` of `ino` (not O_PATH) passed the VFS's checks; the file system
    /// may still refuse (a device with no backing, as `/dev/tty` without a
    /// controlling terminal: ENXIO) or prepare I/O (a host file handle).
    /// `flags` are the open flags. The default accepts.
    fn open(&self, ino: Ino, flags: u32) -> VfsResult<()> {
        let _ = (ino, flags);
        Ok(())
    }
    /// For a *magic* symlink (`/proc/<pid>/fd/N`, `cwd`, `root`): the inode
    /// it stands for and where that was opened, which path resolution jumps
    /// to instead of resolving the text `readlink` shows (Linux's
    /// `nd_jump_link`). The default (and every ordinary symlink) is `None`.
    fn follow_link(&self, ino: Ino) -> VfsResult<Option<(Vnode, Option<file::Origin>)>> {
        let _ = ino;
        Ok(None)
    }
    /// Read at `off`; returns bytes read (0 at or past end of file).
    fn read(&self, ino: Ino, off: u64, buf: &mut [u8]) -> VfsResult<usize>;
    /// Write at `off`, growing the file; returns bytes written.
    fn write(&self, ino: Ino, off: u64, buf: &[u8]) -> VfsResult<usize>;
    /// Append atomically at the current end; returns (bytes written, new size).
    fn append(&self, ino: Ino, buf: &[u8]) -> VfsResult<(usize, u64)> {
        let size = self.getattr(ino)?.size;
        let n = self.write(ino, size, buf)?;
        Ok((n, size + n as u64))
    }
    /// Set the size of a regular file (growing makes a hole).
    fn truncate(&self, ino: Ino, size: u64) -> VfsResult<()> {
        self.setattr(
            ino,
            &SetAttr {
                size: Some(size),
                ..SetAttr::default()
            },
        )
    }
    /// File system statistics (`statfs`); the default describes an empty,
    /// unlimited file system of unknown type.
    fn statfs(&self) -> VfsResult<StatFs> {
        Ok(StatFs {
            bsize: 4096,
            namelen: NAME_MAX as u64,
            ..StatFs::default()
        })
    }
    /// List `dir` from position `pos` (0 = start, then an entry's `next`),
    /// calling `sink` per entry in a stable order until it returns false.
    /// Includes `.` and `..`. Positions stay valid across unlinks. A
    /// removed directory is ENOENT (Linux's `IS_DEADDIR`).
    fn readdir(
        &self,
        dir: Ino,
        pos: u64,
        sink: &mut dyn FnMut(DirEntry<'_>) -> bool,
    ) -> VfsResult<()>;
}
