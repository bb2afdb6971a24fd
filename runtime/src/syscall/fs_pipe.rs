//! Pipes: `pipe2`, and [`PipeFs`], the unmounted file system whose inode
//! pairs are the two ends of each pipe (Linux's pipefs).
//!
//! Pipe `n` has the read end at inode `2n + 2` and the write end at `2n + 3`
//! (inode 1 is an empty root directory). Each end's open descriptions hold a
//! `Vnode` of it, so the reference counts the VFS keeps through
//! [`FileSystem::grab`]/[`FileSystem::put`] are the numbers of readers and
//! writers: reading an empty pipe with no writer left is end of file, writing
//! with no reader left is EPIPE (and SIGPIPE, raised by the syscall layer).
//! The buffer holds [`PIPE_CAPACITY`] bytes (`F_SETPIPE_SZ` changes that).
//!
//! An empty pipe (or a full one) answers EAGAIN. The syscall layer turns
//! that into a wait for a descriptor without `O_NONBLOCK`
//! ([`super::fs::would_block`]): the scheduler parks the thread and re-runs
//! the call a moment later.

use super::fs_fd::table;
use super::{Args, Ctx, SysResult};
use crate::vfs::file::{flags::*, OpenFile};
use crate::vfs::*;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

/// Bytes a pipe buffers (Linux's default, 16 pages).
pub const PIPE_CAPACITY: usize = 64 * 1024;
/// Writes up to this size are atomic (`PIPE_BUF`).
pub const PIPE_BUF: usize = 4096;
/// Device number `fstat` shows for pipes.
pub const PIPE_DEV: u64 = 0xc;

struct Pipe {
    buf: VecDeque<u8>,
    readers: u32,
    writers: u32,
    capacity: usize,
    /// Whether a reader / writer ever opened it (a named FIFO's first
    /// reader waits for a writer instead of seeing end of file, and its
    /// first writer waits for a reader instead of EPIPE: what Linux's
    /// blocking `open` of a FIFO achieves).
    had_reader: bool,
    had_writer: bool,
}

/// Largest `F_SETPIPE_SZ` for an unprivileged caller (`pipe-max-size`).
const PIPE_MAX_SIZE: usize = 1 << 20;

/// The pipes of the whole emulator (shared by all processes).
pub struct PipeFs {
    pipes: RefCell<HashMap<u64, Pipe>>,
    next: Cell<u64>,
    uid: u32,
    clock: Rc<Cell<Timespec>>,
}

/// Pipe id and whether `ino` is its write end.
fn end(ino: Ino) -> Option<(u64, bool)> {
    (ino >= 2).then(|| ((ino - 2) / 2, ino % 2 == 1))
}

impl PipeFs {
    /// No pipes yet; inodes owned by `uid`, stamped from `clock`.
    pub fn new(uid: u32, clock: Rc<Cell<Timespec>>) -> PipeFs {
        PipeFs {
            pipes: RefCell::new(HashMap::new()),
            next: Cell::new(0),
            uid,
            clock,
        }
    }

    /// A new pipe: its (read, write) inodes. The pipe lives while a `Vnode`
    /// of either end does.
    pub fn create(&self) -> (Ino, Ino) {
        let id = self.new_pipe(true);
        (2 * id + 2, 2 * id + 3)
    }

    fn new_pipe(&self, anonymous: bool) -> u64 {
        let id = self.next.get();
        self.next.set(id + 1);
        let p = Pipe {
            buf: VecDeque::new(),
            readers: 0,
            writers: 0,
            capacity: PIPE_CAPACITY,
            had_reader: anonymous,
            had_writer: anonymous,
        };
        self.pipes.borrow_mut().insert(id, p);
        id
    }

    /// The pipe behind a named FIFO: `id` if that pipe still exists, else a
    /// new one. Returns its id; the ends are inodes `2id + 2` and `2id + 3`.
    pub fn fifo(&self, id: Option<u64>) -> u64 {
        match id {
            Some(id) if self.pipes.borrow().contains_key(&id) => id,
            _ => self.new_pipe(false),
        }
    }

    /// Bytes waiting in the pipe of `ino` (FIONREAD).
    pub fn pending(&self, ino: Ino) -> usize {
        let pipes = self.pipes.borrow();
        end(ino)
            .and_then(|(id, _)| pipes.get(&id))
            .map_or(0, |p| p.buf.len())
    }

    /// `F_GETPIPE_SZ`: the pipe's capacity.
    pub fn capacity(&self, ino: Ino) -> usize {
        let pipes = self.pipes.borrow();
        end(ino)
            .and_then(|(id, _)| pipes.get(&id))
            .map_or(0, |p| p.capacity)
    }

    /// `F_SETPIPE_SZ`: the capacity becomes `size` rounded up to a power of
    /// two of at least a page; EPERM above 1 MiB, EBUSY below the bytes
    /// already buffered. Returns the new capacity.
    pub fn set_capacity(&self, ino: Ino, size: u64) -> VfsResult<usize> {
        if size > PIPE_MAX_SIZE as u64 {
            return Err(Errno::EPERM);
        }
        let cap = (size as usize).max(4096).next_power_of_two();
        let mut pipes = self.pipes.borrow_mut();
        let p = end(ino)
            .and_then(|(id, _)| pipes.get_mut(&id))
            .ok_or(Errno::EBADF)?;
        if p.buf.len() > cap {
            return Err(Errno::EBUSY);
        }
        p.capacity = cap;
        Ok(cap)
    }

    /// `poll` events of the end `ino`: readable (POLLIN) with data or no
    /// writer (then also POLLHUP); writable (POLLOUT) with room, POLLERR
    /// without a reader.
    pub fn poll(&self, ino: Ino) -> u16 {
        let pipes = self.pipes.borrow();
        let Some((id, write)) = end(ino) else {
            return 0;
        };
        let Some(p) = pipes.get(&id) else { return 0 };
        if write {
            let mut ev = if p.buf.len() < p.capacity {
                0x4 | 0x100
            } else {
                0
            };
            if p.readers == 0 {
                ev |= 0x8;
            }
            ev
        } else {
            let mut ev = if p.buf.is_empty() { 0 } else { 0x1 | 0x40 };
            if p.writers == 0 {
                ev |= 0x10;
            }
            ev
        }
    }
}

impl FileSystem for PipeFs {
    fn name(&self) -> &str {
        "pipefs"
    }
    fn root(&self) -> Ino {
        1
    }
    fn grab(&self, ino: Ino) {
        if let Some((id, w)) = end(ino) {
            if let Some(p) = self.pipes.borrow_mut().get_mut(&id) {
                if w {
                    p.writers += 1;
                    p.had_writer = true;
                } else {
                    p.readers += 1;
                    p.had_reader = true;
                }
            }
        }
    }
    fn put(&self, ino: Ino) {
        let Some((id, w)) = end(ino) else { return };
        let mut pipes = self.pipes.borrow_mut();
        if let Some(p) = pipes.get_mut(&id) {
            let n = if w { &mut p.writers } else { &mut p.readers };
            *n = n.saturating_sub(1);
            if p.readers == 0 && p.writers == 0 {
                pipes.remove(&id);
            }
        }
    }
    fn lookup(&self, dir: Ino, name: &[u8]) -> VfsResult<Ino> {
        match (dir, name) {
            (1, b"." | b"..") => Ok(1),
            (1, _) => Err(Errno::ENOENT),
            _ => Err(Errno::ENOTDIR),
        }
    }
    fn getattr(&self, ino: Ino) -> VfsResult<Stat> {
        let mode = match ino {
            1 => mode::S_IFDIR | 0o700,
            _ if end(ino).is_some_and(|(id, _)| self.pipes.borrow().contains_key(&id)) => {
                mode::S_IFIFO | 0o600
            }
            _ => return Err(Errno::ENOENT),
        };
        let now = self.clock.get();
        Ok(Stat {
            ino,
            mode,
            nlink: 1,
            uid: self.uid,
            gid: self.uid,
            blksize: 4096,
            atime: now,
            mtime: now,
            ctime: now,
            ..Stat::default()
        })
    }
    fn setattr(&self, ino: Ino, _: &SetAttr) -> VfsResult<()> {
        self.getattr(ino).map(|_| ())
    }
    crate::vfs::fixed_tree_ops!();
    fn read(&self, ino: Ino, _: u64, buf: &mut [u8]) -> VfsResult<usize> {
        let (id, write) = end(ino).ok_or(Errno::EISDIR)?;
        let mut pipes = self.pipes.borrow_mut();
        let p = pipes.get_mut(&id).ok_or(Errno::EBADF)?;
        if write {
            return Err(Errno::EBADF);
        }
        if p.buf.is_empty() {
            return if (p.writers == 0 && p.had_writer) || buf.is_empty() {
                Ok(0)
            } else {
                Err(Errno::EAGAIN)
            };
        }
        let n = buf.len().min(p.buf.len());
        for (dst, src) in buf.iter_mut().zip(p.buf.drain(..n)) {
            *dst = src;
        }
        Ok(n)
    }
    fn write(&self, ino: Ino, _: u64, buf: &[u8]) -> VfsResult<usize> {
        let (id, write) = end(ino).ok_or(Errno::EISDIR)?;
        let mut pipes = self.pipes.borrow_mut();
        let p = pipes.get_mut(&id).ok_or(Errno::EBADF)?;
        if !write {
            return Err(Errno::EBADF);
        }
        if p.readers == 0 {
            return Err(if p.had_reader {
                Errno::EPIPE
            } else {
                Errno::EAGAIN
            });
        }
        let room = p.capacity.saturating_sub(p.buf.len());
        // Writes of up to PIPE_BUF bytes are atomic: all or wait.
        if (room == 0 && !buf.is_empty()) || (buf.len() <= PIPE_BUF && room < buf.len()) {
            return Err(Errno::EAGAIN);
        }
        let n = room.min(buf.len());
        p.buf.extend(&buf[..n]);
        Ok(n)
    }
    fn append(&self, ino: Ino, buf: &[u8]) -> VfsResult<(usize, u64)> {
        self.write(ino, 0, buf).map(|n| (n, 0))
    }
    fn readdir(&self, dir: Ino, _: u64, _: &mut dyn FnMut(DirEntry<'_>) -> bool) -> VfsResult<()> {
        self.lookup(dir, b".").map(|_| ())
    }
}

/// `pipe2(fds[2], flags)`: flags O_CLOEXEC, O_NONBLOCK, O_DIRECT (accepted,
/// but reads are not packet-sized).
pub fn pipe2(ctx: &mut Ctx, a: &Args) -> SysResult {
    let flags = a[1] as u32;
    if flags & !(O_CLOEXEC | O_NONBLOCK | O_DIRECT) != 0 {
        return Err(Errno::EINVAL);
    }
    let k = ctx.proc.fs.kernel.clone();
    let fs = k.pipes();
    let (r, w) = fs.create();
    let sfs: Rc<dyn FileSystem> = fs.clone();
    let mnt = MountId(u32::MAX);
    let status = flags & (O_NONBLOCK | O_DIRECT) | O_LARGEFILE;
    let rf = OpenFile::new(
        Vnode::new(mnt, PIPE_DEV, sfs.clone(), r),
        FileType::Fifo,
        status,
    );
    let wf = OpenFile::new(
        Vnode::new(mnt, PIPE_DEV, sfs, w),
        FileType::Fifo,
        status | O_WRONLY,
    );
    let cloexec = flags & O_CLOEXEC != 0;
    let fds = table(ctx);
    let rfd = fds.alloc(Rc::new(rf), cloexec)?;
    let wfd = match fds.alloc(Rc::new(wf), cloexec) {
        Ok(fd) => fd,
        Err(e) => {
            let _ = fds.close(rfd);
            return Err(e);
        }
    };
    let mut b = [0u8; 8];
    b[..4].copy_from_slice(&rfd.to_le_bytes());
    b[4..].copy_from_slice(&wfd.to_le_bytes());
    if let Err(e) = ctx.put(a[0], &b) {
        let _ = ctx.proc.fs.fds.close(rfd);
        let _ = ctx.proc.fs.fds.close(wfd);
        return Err(e);
    }
    Ok(0)
}
