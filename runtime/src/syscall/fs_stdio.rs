//! [`StdioFs`]: the inodes behind the standard descriptors 0, 1, 2, which
//! are host streams (see [`crate::fsctx`] for how their I/O reaches the host).

use crate::vfs::devfs::makedev;
use crate::vfs::*;
use std::cell::Cell;
use std::rc::Rc;

/// A file system of three character devices standing for host descriptors
/// 0, 1, 2 (inodes 2, 3, 4; inode 1 is an empty directory). Never mounted:
/// its inodes are only reachable through the descriptors made at start.
/// Its `read`/`write` are never used: the syscall layer sends host-stream
/// I/O to the host (they return EIO).
pub struct StdioFs {
    uid: u32,
    clock: Rc<Cell<Timespec>>,
}

impl StdioFs {
    /// The three host streams, owned by `uid`, with times from `clock`.
    pub fn new(uid: u32, clock: Rc<Cell<Timespec>>) -> StdioFs {
        StdioFs { uid, clock }
    }
}

impl FileSystem for StdioFs {
    fn name(&self) -> &str {
        "devpts"
    }
    fn root(&self) -> Ino {
        1
    }
    fn grab(&self, _: Ino) {}
    fn put(&self, _: Ino) {}
    fn lookup(&self, dir: Ino, name: &[u8]) -> VfsResult<Ino> {
        match (dir, name) {
            (1, b"." | b"..") => Ok(1),
            (1, _) => Err(Errno::ENOENT),
            _ => Err(Errno::ENOTDIR),
        }
    }
    fn getattr(&self, ino: Ino) -> VfsResult<Stat> {
        let now = self.clock.get();
        let (mode, rdev) = match ino {
            1 => (mode::S_IFDIR | 0o755, 0),
            2..=4 => (mode::S_IFCHR | 0o620, makedev(136, 0)),
            _ => return Err(Errno::ENOENT),
        };
        Ok(Stat {
            ino: ino + 1,
            mode,
            nlink: 1,
            uid: self.uid,
            gid: 5, // tty
            rdev,
            blksize: 1024,
            atime: now,
            mtime: now,
            ctime: now,
            ..Stat::default()
        })
    }
    fn setattr(&self, ino: Ino, _: &SetAttr) -> VfsResult<()> {
        self.getattr(ino).map(|_| ())
    }
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
    fn read(&self, _: Ino, _: u64, _: &mut [u8]) -> VfsResult<usize> {
        Err(Errno::EIO)
    }
    fn write(&self, _: Ino, _: u64, _: &[u8]) -> VfsResult<usize> {
        Err(Errno::EIO)
    }
    fn readdir(&self, dir: Ino, _: u64, _: &mut dyn FnMut(DirEntry<'_>) -> bool) -> VfsResult<()> {
        self.lookup(dir, b".").map(|_| ())
    }
}
