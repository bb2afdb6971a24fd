//! [`StdioFs`]: the inodes behind the standard descriptors 0, 1, 2, which
//! are host streams (see [`crate::fsctx`] for how their I/O reaches the host).
//!
//! Each inode looks like what its host descriptor really is
//! ([`crate::Host::stdio_kind`], refreshed by [`refresh`] before every
//! stat): a terminal (character device 136:0, `/dev/pts/0`), a FIFO, a
//! regular file with the host file's size, or `/dev/null` (1:3), as under
//! qemu-user, which passes host descriptors through. That is what makes
//! glibc line-buffer stdout on a terminal and fully buffer it otherwise.
//! The terminal's state ([`Terminal`]: termios, window size set by the
//! guest, foreground process group) lives here too, one terminal shared by
//! every standard descriptor that is a tty. This is the host-stream case
//! only (a host terminal the guest writes through, e.g. stdout when stdin
//! is redirected); when the embedder attaches a console the standard
//! descriptors are an emulated terminal instead ([`crate::tty`]).

use crate::host::StdioKind;
use crate::vfs::devfs::makedev;
use crate::vfs::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

pub use crate::tty::termios::{TERMIOS2_LEN, TERMIOS_LEN};

/// The state of the (single) host terminal behind standard descriptors
/// that are host streams. `TCSETS*` only records the settings: without a
/// console ([`crate::tty`]) the host terminal is not switched to raw mode,
/// so a guest that sets raw mode still gets the host's line-edited input.
#[derive(Debug, Clone)]
pub struct Terminal {
    /// The `struct termios2` bytes `TCGETS*` return.
    pub termios: [u8; TERMIOS2_LEN],
    /// A window size set with `TIOCSWINSZ` (rows, cols, xpixel, ypixel),
    /// which overrides the host's from then on.
    pub winsize: Option<[u16; 4]>,
    /// The foreground process group (`TIOCSPGRP`); 0 until set, meaning
    /// the process group of the caller's session leader.
    pub fg_pgrp: i32,
}

impl Default for Terminal {
    /// Linux's `tty_std_termios` ([`crate::tty::termios::Termios`]'s default).
    fn default() -> Self {
        Terminal {
            termios: crate::tty::termios::Termios::default().0,
            winsize: None,
            fg_pgrp: 0,
        }
    }
}

/// A file system of three character devices standing for host descriptors
/// 0, 1, 2 (inodes 2, 3, 4; inode 1 is an empty directory). Never mounted:
/// its inodes are only reachable through the descriptors made at start.
/// Its `read`/`write` are never used: the syscall layer sends host-stream
/// I/O to the host (they return EIO).
pub struct StdioFs {
    uid: u32,
    clock: Rc<Cell<Timespec>>,
    /// What host fds 0, 1, 2 were when last asked.
    kinds: Cell<[StdioKind; 3]>,
    /// The terminal's state.
    pub tty: RefCell<Terminal>,
}

impl StdioFs {
    /// The three host streams, owned by `uid`, with times from `clock`.
    pub fn new(uid: u32, clock: Rc<Cell<Timespec>>) -> StdioFs {
        StdioFs {
            uid,
            clock,
            kinds: Cell::new([StdioKind::Pipe; 3]),
            tty: RefCell::new(Terminal::default()),
        }
    }

    /// Records what host descriptor `fd` (0-2) is, for the next `getattr`.
    pub fn set_kind(&self, fd: i32, kind: StdioKind) {
        if let Some(i) = usize::try_from(fd).ok().filter(|&i| i < 3) {
            let mut k = self.kinds.get();
            k[i] = kind;
            self.kinds.set(k);
        }
    }
}

/// Asks the host what `v` is if it is one of the standard descriptors'
/// inodes, so that stat shows the host descriptor's current type and size.
pub fn refresh(ctx: &mut super::Ctx, v: &Vnode) {
    let k = ctx.proc.fs.kernel.clone();
    if let Some(fd) = k.stdio_vnode_fd(v) {
        let kind = ctx.host.stdio_kind(fd);
        k.stdio().set_kind(fd, kind);
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
        let (mode, rdev, size, gid) = match ino {
            1 => (mode::S_IFDIR | 0o755, 0, 0, 0),
            2..=4 => match self.kinds.get()[ino as usize - 2] {
                // gid 5: tty.
                StdioKind::Tty { .. } => (mode::S_IFCHR | 0o620, makedev(136, 0), 0, 5),
                StdioKind::Pipe => (mode::S_IFIFO | 0o600, 0, 0, 0),
                StdioKind::File { size } => (mode::S_IFREG | 0o644, 0, size, 0),
                StdioKind::Null => (mode::S_IFCHR | 0o666, makedev(1, 3), 0, 0),
            },
            _ => return Err(Errno::ENOENT),
        };
        Ok(Stat {
            ino: ino + 1,
            mode,
            nlink: 1,
            uid: self.uid,
            gid,
            rdev,
            size,
            blocks: size.div_ceil(512),
            blksize: if mode & mode::S_IFMT == mode::S_IFCHR {
                1024
            } else {
                4096
            },
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
