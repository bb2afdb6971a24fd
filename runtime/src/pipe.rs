//! Pipes: an unmounted file system ([`PipeFs`], one per emulator, in the
//! [`Kernel`](crate::kernel::Kernel)) whose inodes are pipe ends. Pipe `k`
//! has its read end at inode `2k` and its write end at `2k+1`; the open
//! file descriptions of `pipe2` hold a vnode of one end each, so the
//! reference counts the VFS keeps (`grab`/`put`) are the counts of readers
//! and writers: the last writer gone means end of file, the last reader
//! gone means `EPIPE`.
//!
//! The file system never blocks: an empty pipe with writers (or a full one
//! with readers) answers `EAGAIN`, and the syscall layer parks a blocking
//! caller on `Wait::Io` (see [`would_block`]); every change of a pipe sets a
//! flag the scheduler checks to restart the parked calls.

use crate::vfs::file::{flags::O_NONBLOCK, OpenFile};
use crate::vfs::mode;
use crate::vfs::*;
use crate::Errno;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};

/// Default (and `F_GETPIPE_SZ`) capacity, as on Linux.
pub const PIPE_CAPACITY: usize = 64 << 10;
/// Writes up to this size are atomic (`PIPE_BUF`).
pub const PIPE_BUF: usize = 4096;
/// The device number pipes `stat` with.
pub const PIPE_DEV: u64 = 0xd;

#[derive(Default)]
struct Pipe {
    buf: VecDeque<u8>,
    cap: usize,
    readers: usize,
    writers: usize,
}

/// The pipe file system (see the module doc).
#[derive(Default)]
pub struct PipeFs {
    pipes: RefCell<HashMap<u64, Pipe>>,
    next: Cell<u64>,
    changed: Cell<bool>,
}

impl PipeFs {
    /// A new pipe: the inodes of its read and write ends.
    pub fn create(&self) -> (Ino, Ino) {
        let k = self.next.get() + 1;
        self.next.set(k);
        self.pipes.borrow_mut().insert(
            k,
            Pipe {
                cap: PIPE_CAPACITY,
                ..Pipe::default()
            },
        );
        (2 * k, 2 * k + 1)
    }

    /// True (once) if some pipe changed since the last call.
    pub fn take_changed(&self) -> bool {
        self.changed.replace(false)
    }

    /// Bytes waiting in the pipe of end `ino` (`FIONREAD`).
    pub fn available(&self, ino: Ino) -> Option<usize> {
        self.pipes.borrow().get(&(ino / 2)).map(|p| p.buf.len())
    }

    /// The capacity of the pipe of end `ino` (`F_GETPIPE_SZ`).
    pub fn capacity(&self, ino: Ino) -> Option<usize> {
        self.pipes.borrow().get(&(ino / 2)).map(|p| p.cap)
    }

    /// Sets the capacity (`F_SETPIPE_SZ`): rounded up to a power of two
    /// pages, at least the bytes held; returns the new capacity.
    pub fn set_capacity(&self, ino: Ino, want: usize) -> Result<usize, Errno> {
        let mut pipes = self.pipes.borrow_mut();
        let p = pipes.get_mut(&(ino / 2)).ok_or(Errno::EBADF)?;
        if want > 1 << 20 {
            return Err(Errno::EPERM);
        }
        let cap = want.max(4096).next_power_of_two();
        if cap < p.buf.len() {
            return Err(Errno::EBUSY);
        }
        p.cap = cap;
        Ok(cap)
    }
}

/// True if `res` from `f` means a blocking caller must wait (a pipe end
/// opened without `O_NONBLOCK` answered `EAGAIN`).
pub fn would_block<T>(f: &OpenFile, res: &Result<T, Errno>) -> bool {
    matches!(res, Err(e) if *e == Errno::EAGAIN)
        && f.flags() & O_NONBLOCK == 0
        && f.vnode().fs().name() == "pipefs"
}

impl FileSystem for PipeFs {
    fn name(&self) -> &str {
        "pipefs"
    }
    fn root(&self) -> Ino {
        1
    }
    fn grab(&self, ino: Ino) {
        if let Some(p) = self.pipes.borrow_mut().get_mut(&(ino / 2)) {
            match ino % 2 {
                0 => p.readers += 1,
                _ => p.writers += 1,
            }
        }
    }
    fn put(&self, ino: Ino) {
        let mut pipes = self.pipes.borrow_mut();
        if let Some(p) = pipes.get_mut(&(ino / 2)) {
            match ino % 2 {
                0 => p.readers = p.readers.saturating_sub(1),
                _ => p.writers = p.writers.saturating_sub(1),
            }
            if p.readers == 0 && p.writers == 0 {
                pipes.remove(&(ino / 2));
            }
            self.changed.set(true);
        }
    }
    fn lookup(&self, _: Ino, _: &[u8]) -> VfsResult<Ino> {
        Err(Errno::ENOTDIR)
    }
    fn getattr(&self, ino: Ino) -> VfsResult<Stat> {
        let size = self.available(ino).ok_or(Errno::ENOENT)?;
        Ok(Stat {
            ino,
            mode: mode::S_IFIFO | 0o600,
            nlink: 1,
            uid: crate::task::GUEST_UID,
            gid: crate::task::GUEST_UID,
            size: size as u64,
            blksize: PIPE_BUF as u32,
            ..Stat::default()
        })
    }
    fn setattr(&self, ino: Ino, _: &SetAttr) -> VfsResult<()> {
        self.getattr(ino).map(|_| ())
    }
    fn create(&self, _: Ino, _: &[u8], _: &NewNode) -> VfsResult<Ino> {
        Err(Errno::ENOTDIR)
    }
    fn mkdir(&self, _: Ino, _: &[u8], _: &NewNode) -> VfsResult<Ino> {
        Err(Errno::ENOTDIR)
    }
    fn symlink(&self, _: Ino, _: &[u8], _: &[u8], _: &NewNode) -> VfsResult<Ino> {
        Err(Errno::ENOTDIR)
    }
    fn link(&self, _: Ino, _: Ino, _: &[u8]) -> VfsResult<()> {
        Err(Errno::ENOTDIR)
    }
    fn unlink(&self, _: Ino, _: &[u8]) -> VfsResult<()> {
        Err(Errno::ENOTDIR)
    }
    fn rmdir(&self, _: Ino, _: &[u8]) -> VfsResult<()> {
        Err(Errno::ENOTDIR)
    }
    fn rename(&self, _: Ino, _: &[u8], _: Ino, _: &[u8], _: u32) -> VfsResult<()> {
        Err(Errno::ENOTDIR)
    }
    fn readlink(&self, _: Ino) -> VfsResult<Vec<u8>> {
        Err(Errno::EINVAL)
    }
    fn read(&self, ino: Ino, _: u64, buf: &mut [u8]) -> VfsResult<usize> {
        let mut pipes = self.pipes.borrow_mut();
        let p = pipes.get_mut(&(ino / 2)).ok_or(Errno::EBADF)?;
        if ino % 2 != 0 {
            return Err(Errno::EBADF);
        }
        if p.buf.is_empty() {
            return if p.writers == 0 {
                Ok(0)
            } else {
                Err(Errno::EAGAIN)
            };
        }
        let n = buf.len().min(p.buf.len());
        for (d, s) in buf.iter_mut().zip(p.buf.drain(..n)) {
            *d = s;
        }
        self.changed.set(true);
        Ok(n)
    }
    fn write(&self, ino: Ino, _: u64, buf: &[u8]) -> VfsResult<usize> {
        let mut pipes = self.pipes.borrow_mut();
        let p = pipes.get_mut(&(ino / 2)).ok_or(Errno::EBADF)?;
        if ino % 2 != 1 {
            return Err(Errno::EBADF);
        }
        if p.readers == 0 {
            return Err(Errno::EPIPE);
        }
        let space = p.cap.saturating_sub(p.buf.len());
        if space == 0 || (buf.len() <= PIPE_BUF && space < buf.len()) {
            return Err(Errno::EAGAIN);
        }
        let n = buf.len().min(space);
        p.buf.extend(&buf[..n]);
        self.changed.set(true);
        Ok(n)
    }
    fn readdir(&self, _: Ino, _: u64, _: &mut dyn FnMut(DirEntry<'_>) -> bool) -> VfsResult<()> {
        Err(Errno::ENOTDIR)
    }
}

/// The end of a read or write on `f` (syscall layer): a blocking pipe call
/// that would block parks the thread and runs again when a pipe changes; a
/// write to a pipe without readers raises SIGPIPE (and fails with EPIPE).
pub fn finish(
    ctx: &mut crate::syscall::Ctx,
    f: &OpenFile,
    r: crate::syscall::SysResult,
) -> crate::syscall::SysResult {
    if would_block(f, &r) {
        crate::sched::block(ctx, crate::sched::Wait::Io { deadline: None });
    } else if r == Err(Errno::EPIPE) && f.vnode().fs().name() == "pipefs" {
        crate::syscall::signal::send_to_self(ctx, crate::signal::SIGPIPE);
    }
    r
}

/// `fcntl(F_GETPIPE_SZ/F_SETPIPE_SZ)` and `ioctl(FIONREAD)` on a pipe end:
/// `None` if `f` is not a pipe or `cmd` not one of these.
pub fn control(
    ctx: &mut crate::syscall::Ctx,
    f: &OpenFile,
    cmd: u32,
    arg: u64,
    ioctl: bool,
) -> Option<crate::syscall::SysResult> {
    const F_SETPIPE_SZ: u32 = 1031;
    const F_GETPIPE_SZ: u32 = 1032;
    const FIONREAD: u32 = 0x541b;
    if f.vnode().fs().name() != "pipefs" {
        return None;
    }
    let ino = f.vnode().ino();
    let pipes = ctx.kernel.pipes.clone();
    Some(match (ioctl, cmd) {
        (false, F_GETPIPE_SZ) => pipes.capacity(ino).map(|c| c as u64).ok_or(Errno::EBADF),
        (false, F_SETPIPE_SZ) => pipes.set_capacity(ino, arg as usize).map(|c| c as u64),
        (true, FIONREAD) => {
            let n = pipes.available(ino).unwrap_or(0) as i32;
            ctx.put(arg, &n.to_le_bytes()).map(|_| 0)
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_count_readers_and_writers() {
        let fs = PipeFs::default();
        let (r, w) = fs.create();
        fs.grab(r);
        fs.grab(w);
        let mut buf = [0u8; 8];
        assert_eq!(fs.read(r, 0, &mut buf), Err(Errno::EAGAIN));
        assert_eq!(fs.write(w, 0, b"abc"), Ok(3));
        assert!(fs.take_changed());
        assert_eq!(fs.available(r), Some(3));
        assert_eq!(fs.read(r, 0, &mut buf[..2]), Ok(2));
        assert_eq!(&buf[..2], b"ab");
        assert_eq!(fs.read(w, 0, &mut buf), Err(Errno::EBADF));
        // Full: small writes are atomic.
        let big = vec![7u8; PIPE_CAPACITY];
        assert_eq!(fs.write(w, 0, &big), Ok(PIPE_CAPACITY - 1));
        assert_eq!(fs.write(w, 0, b"x"), Err(Errno::EAGAIN));
        assert_eq!(fs.set_capacity(w, 5000), Err(Errno::EBUSY));
        // The last writer gone: the rest, then end of file.
        fs.put(w);
        let mut all = vec![0u8; PIPE_CAPACITY];
        assert_eq!(fs.read(r, 0, &mut all), Ok(PIPE_CAPACITY));
        assert_eq!(fs.read(r, 0, &mut buf), Ok(0));
        // No reader: EPIPE.
        let (r2, w2) = fs.create();
        fs.grab(r2);
        fs.grab(w2);
        fs.put(r2);
        assert_eq!(fs.write(w2, 0, b"x"), Err(Errno::EPIPE));
        assert_eq!(fs.set_capacity(w2, 5000), Ok(8192));
        fs.put(w2);
        assert_eq!(fs.available(w2), None, "both ends gone: the pipe is freed");
    }
}
