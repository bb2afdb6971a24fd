//! `DevFs`: the guest's `/dev`, a fixed tree of device nodes whose `read`
//! and `write` *are* the devices.
//!
//! Contents (as on Linux, with Linux's `rdev` numbers and modes):
//! - `null` (1,3): reads EOF, writes are swallowed; `zero` (1,5): reads
//!   zeros, writes swallowed; `full` (1,7): reads zeros, writes ENOSPC;
//!   `random` (1,8) and `urandom` (1,9): reads come from the caller's
//!   cryptographic byte source, writes are swallowed (Linux mixes them into
//!   the pool; there is no pool here). All `crw-rw-rw-` root:root.
//! - `tty` (5,0, `crw-rw-rw-` root:tty): the controlling terminal. By default
//!   there is none, so opening it is ENXIO (Linux's answer, which libc's
//!   `getpass` and friends expect and handle). The runtime can redirect it to
//!   a console with [`DevFs::set_tty`], or say that the layer above serves it
//!   ([`DevFs::serve_tty_elsewhere`]: the runtime's syscall layer opens the
//!   caller's controlling terminal instead, see `crate::tty`).
//! - symlink `ptmx` -> `pts/ptmx` (the devpts multiplexer, once devpts is
//!   mounted on `pts/`, as in containers);
//! - symlinks `fd` -> `/proc/self/fd`, `stdin` -> `/proc/self/fd/0`,
//!   `stdout` -> `/proc/self/fd/1`, `stderr` -> `/proc/self/fd/2`.
//! - directories `pts/` (empty until devpts is mounted on it) and `shm/` (`drwxrwxrwt`,
//!   empty: the runtime mounts a memfs on it, as Linux mounts a tmpfs there;
//!   [`mount_devfs`] does both mounts).
//!
//! How device I/O is wired: the VFS sends every `read`/`write` of an open
//! file to its inode's file system, so devfs's own `read`/`write` perform the
//! device behaviour, and its `open` hook refuses `tty` when there is no
//! terminal. Rejected alternative: a device registry keyed by `rdev` in the
//! VFS core (Linux's `chrdev` table), which would also make device nodes
//! created by `mknod` on other file systems work; nothing needs that yet and
//! it would make every file I/O consult the table.
//!
//! The tree is fixed: creating, removing or renaming entries is EPERM.
//! `chmod`/`chown`/`utimensat` work and are remembered. Device sizes are 0
//! and seeking them is harmless, as on Linux.

use super::memfs::TMPFS_MAGIC;
use super::mount::MountId;
use super::*;
use std::cell::RefCell;
use std::rc::Rc;

/// A `dev_t` in the userspace (glibc `makedev`) encoding that [`Stat::rdev`] uses.
pub const fn makedev(major: u32, minor: u32) -> u64 {
    let (ma, mi) = (major as u64, minor as u64);
    ((ma & 0xffff_f000) << 32) | ((ma & 0xfff) << 8) | ((mi & 0xffff_ff00) << 12) | (mi & 0xff)
}

/// A byte-stream device the runtime plugs in (the console behind `/dev/tty`).
pub trait CharDevice {
    /// Read up to `buf.len()` bytes (0 = end of file).
    fn read(&mut self, buf: &mut [u8]) -> VfsResult<usize>;
    /// Write `buf`; returns bytes taken.
    fn write(&mut self, buf: &[u8]) -> VfsResult<usize>;
}

/// Where `/dev/random` and `/dev/urandom` get their bytes: fills the buffer
/// with cryptographically random bytes (the runtime passes its host's source).
pub type RandomSource = Box<dyn FnMut(&mut [u8])>;

/// What an entry of the fixed tree is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Dir,
    Null,
    Zero,
    Full,
    Random,
    Tty,
    Link(&'static [u8]),
}

/// One fixed entry: its name in its directory, kind, parent and initial attributes.
struct Entry {
    name: &'static [u8],
    parent: Ino,
    kind: Kind,
    mode: u32,
    gid: u32,
    rdev: u64,
}

const ROOT: Ino = 1;
const SHM: Ino = 13;

/// `tty`'s group on Debian-like systems.
const TTY_GID: u32 = 5;

const fn dev(name: &'static [u8], kind: Kind, major: u32, minor: u32, gid: u32) -> Entry {
    Entry {
        name,
        parent: ROOT,
        kind,
        mode: mode::S_IFCHR | 0o666,
        gid,
        rdev: makedev(major, minor),
    }
}

const fn link(name: &'static [u8], target: &'static [u8]) -> Entry {
    Entry {
        name,
        parent: ROOT,
        kind: Kind::Link(target),
        mode: mode::S_IFLNK | 0o777,
        gid: 0,
        rdev: 0,
    }
}

const fn dir(name: &'static [u8], parent: Ino, perm: u32) -> Entry {
    Entry {
        name,
        parent,
        kind: Kind::Dir,
        mode: mode::S_IFDIR | perm,
        gid: 0,
        rdev: 0,
    }
}

/// The tree; inode `n` is `TREE[n - 1]`, listed in this order.
const TREE: [Entry; 14] = [
    dir(b"/", ROOT, 0o755),
    dev(b"null", Kind::Null, 1, 3, 0),
    dev(b"zero", Kind::Zero, 1, 5, 0),
    dev(b"full", Kind::Full, 1, 7, 0),
    dev(b"random", Kind::Random, 1, 8, 0),
    dev(b"urandom", Kind::Random, 1, 9, 0),
    dev(b"tty", Kind::Tty, 5, 0, TTY_GID),
    link(b"fd", b"/proc/self/fd"),
    link(b"stdin", b"/proc/self/fd/0"),
    link(b"stdout", b"/proc/self/fd/1"),
    link(b"stderr", b"/proc/self/fd/2"),
    dir(b"pts", ROOT, 0o755),
    dir(b"shm", ROOT, 0o1777),
    link(b"ptmx", b"pts/ptmx"),
];

/// The attributes `chmod`/`chown`/`utimensat` may change, per inode.
#[derive(Clone, Copy)]
struct Attr {
    mode: u32,
    uid: u32,
    gid: u32,
    atime: Timespec,
    mtime: Timespec,
    ctime: Timespec,
}

/// The `/dev` file system. Wrap it in an `Rc` to mount it.
pub struct DevFs {
    attrs: RefCell<Vec<Attr>>,
    btime: Timespec,
    random: RefCell<RandomSource>,
    tty: RefCell<Option<Box<dyn CharDevice>>>,
    /// `/dev/tty` opens succeed here and the layer above swaps them.
    tty_elsewhere: std::cell::Cell<bool>,
    clock: Box<dyn Clock>,
}

impl DevFs {
    /// A `/dev` whose random devices read from `random`, with timestamps
    /// from `clock`, and no terminal.
    pub fn new(random: RandomSource, clock: Box<dyn Clock>) -> DevFs {
        let now = clock.now();
        let attrs = TREE
            .iter()
            .map(|e| Attr {
                mode: e.mode,
                uid: 0,
                gid: e.gid,
                atime: now,
                mtime: now,
                ctime: now,
            })
            .collect();
        DevFs {
            attrs: RefCell::new(attrs),
            btime: now,
            random: RefCell::new(random),
            tty: RefCell::new(None),
            tty_elsewhere: std::cell::Cell::new(false),
            clock,
        }
    }

    /// Redirect `/dev/tty` to `dev` (a console), or make it absent again
    /// (`None`: opening it is ENXIO). The device must not call back into
    /// this file system.
    pub fn set_tty(&self, dev: Option<Box<dyn CharDevice>>) {
        *self.tty.borrow_mut() = dev;
    }

    /// Opening `/dev/tty` succeeds (with no device set): the caller swaps
    /// the description for the opener's controlling terminal (and answers
    /// ENXIO itself when there is none).
    pub fn serve_tty_elsewhere(&self) {
        self.tty_elsewhere.set(true);
    }

    /// The `rdev` of `/dev/tty` (5,0), for a runtime that special-cases it.
    pub const TTY_RDEV: u64 = makedev(5, 0);

    fn entry(ino: Ino) -> VfsResult<&'static Entry> {
        let i = usize::try_from(ino).map_err(|_| Errno::ENOENT)?;
        i.checked_sub(1)
            .and_then(|i| TREE.get(i))
            .ok_or(Errno::ENOENT)
    }

    fn dir(ino: Ino) -> VfsResult<&'static Entry> {
        let e = Self::entry(ino)?;
        if e.kind != Kind::Dir {
            return Err(Errno::ENOTDIR);
        }
        Ok(e)
    }

    /// EPERM for structural changes in a directory of the tree.
    fn fixed(&self, dir: Ino) -> VfsResult<()> {
        Self::dir(dir)?;
        Err(Errno::EPERM)
    }
}

impl FileSystem for DevFs {
    fn name(&self) -> &str {
        "devtmpfs"
    }

    fn root(&self) -> Ino {
        ROOT
    }

    fn grab(&self, _ino: Ino) {}

    fn put(&self, _ino: Ino) {}

    fn statfs(&self) -> VfsResult<StatFs> {
        Ok(StatFs {
            fs_type: TMPFS_MAGIC,
            bsize: 4096,
            files: TREE.len() as u64,
            namelen: NAME_MAX as u64,
            ..StatFs::default()
        })
    }

    fn lookup(&self, dir: Ino, name: &[u8]) -> VfsResult<Ino> {
        let d = Self::dir(dir)?;
        match name {
            b"." => Ok(dir),
            b".." => Ok(d.parent),
            _ => TREE
                .iter()
                .enumerate()
                .skip(1)
                .find(|(_, e)| e.parent == dir && e.name == name)
                .map(|(i, _)| i as Ino + 1)
                .ok_or(Errno::ENOENT),
        }
    }

    fn getattr(&self, ino: Ino) -> VfsResult<Stat> {
        let e = Self::entry(ino)?;
        let a = self.attrs.borrow()[ino as usize - 1];
        let (nlink, size) = match e.kind {
            Kind::Dir => {
                let subdirs = TREE[1..]
                    .iter()
                    .filter(|c| c.parent == ino && c.kind == Kind::Dir)
                    .count();
                let entries = TREE[1..].iter().filter(|c| c.parent == ino).count();
                (2 + subdirs as u32, (entries as u64 + 2) * 20)
            }
            Kind::Link(t) => (1, t.len() as u64),
            _ => (1, 0),
        };
        Ok(Stat {
            dev: 0,
            ino,
            mode: a.mode,
            nlink,
            uid: a.uid,
            gid: a.gid,
            rdev: e.rdev,
            size,
            blksize: 4096,
            blocks: 0,
            atime: a.atime,
            mtime: a.mtime,
            ctime: a.ctime,
            btime: self.btime,
        })
    }

    fn setattr(&self, ino: Ino, attr: &SetAttr) -> VfsResult<()> {
        let e = Self::entry(ino)?;
        if attr.size.is_some() {
            return Err(if e.kind == Kind::Dir {
                Errno::EISDIR
            } else {
                Errno::EINVAL
            });
        }
        let now = self.clock.now();
        let mut attrs = self.attrs.borrow_mut();
        let a = &mut attrs[ino as usize - 1];
        if let Some(m) = attr.mode {
            a.mode = (a.mode & mode::S_IFMT) | (m & mode::PERM_MASK);
        }
        if let Some(uid) = attr.uid {
            a.uid = uid;
        }
        if let Some(gid) = attr.gid {
            a.gid = gid;
        }
        let at = |t: SetTime| match t {
            SetTime::Now => now,
            SetTime::At(t) => t,
        };
        if let Some(t) = attr.atime {
            a.atime = at(t);
        }
        if let Some(t) = attr.mtime {
            a.mtime = at(t);
        }
        a.ctime = now;
        Ok(())
    }

    fn create(&self, dir: Ino, _name: &[u8], _node: &NewNode) -> VfsResult<Ino> {
        self.fixed(dir).map(|_| 0)
    }

    fn mkdir(&self, dir: Ino, _name: &[u8], _node: &NewNode) -> VfsResult<Ino> {
        self.fixed(dir).map(|_| 0)
    }

    fn symlink(&self, dir: Ino, _name: &[u8], _target: &[u8], _n: &NewNode) -> VfsResult<Ino> {
        self.fixed(dir).map(|_| 0)
    }

    fn link(&self, ino: Ino, dir: Ino, _name: &[u8]) -> VfsResult<()> {
        Self::entry(ino)?;
        self.fixed(dir)
    }

    fn unlink(&self, dir: Ino, name: &[u8]) -> VfsResult<()> {
        if Self::entry(self.lookup(dir, name)?)?.kind == Kind::Dir {
            return Err(Errno::EISDIR);
        }
        self.fixed(dir)
    }

    fn rmdir(&self, dir: Ino, name: &[u8]) -> VfsResult<()> {
        Self::dir(self.lookup(dir, name)?)?;
        self.fixed(dir)
    }

    fn rename(&self, odir: Ino, oname: &[u8], ndir: Ino, _: &[u8], _: u32) -> VfsResult<()> {
        self.lookup(odir, oname)?;
        Self::dir(ndir)?;
        self.fixed(odir)
    }

    fn readlink(&self, ino: Ino) -> VfsResult<Vec<u8>> {
        match Self::entry(ino)?.kind {
            Kind::Link(t) => Ok(t.to_vec()),
            _ => Err(Errno::EINVAL),
        }
    }

    fn open(&self, ino: Ino, _flags: u32) -> VfsResult<()> {
        match Self::entry(ino)?.kind {
            Kind::Tty if self.tty.borrow().is_none() && !self.tty_elsewhere.get() => {
                Err(Errno::ENXIO)
            }
            _ => Ok(()),
        }
    }

    fn read(&self, ino: Ino, _off: u64, buf: &mut [u8]) -> VfsResult<usize> {
        match Self::entry(ino)?.kind {
            Kind::Null => Ok(0),
            Kind::Zero | Kind::Full => {
                buf.fill(0);
                Ok(buf.len())
            }
            Kind::Random => {
                (self.random.borrow_mut())(buf);
                Ok(buf.len())
            }
            Kind::Tty => match self.tty.borrow_mut().as_mut() {
                Some(t) => t.read(buf),
                None => Err(Errno::ENXIO),
            },
            Kind::Dir => Err(Errno::EISDIR),
            Kind::Link(_) => Err(Errno::EINVAL),
        }
    }

    fn write(&self, ino: Ino, _off: u64, buf: &[u8]) -> VfsResult<usize> {
        match Self::entry(ino)?.kind {
            Kind::Null | Kind::Zero | Kind::Random => Ok(buf.len()),
            Kind::Full => Err(Errno::ENOSPC),
            Kind::Tty => match self.tty.borrow_mut().as_mut() {
                Some(t) => t.write(buf),
                None => Err(Errno::ENXIO),
            },
            Kind::Dir => Err(Errno::EISDIR),
            Kind::Link(_) => Err(Errno::EINVAL),
        }
    }

    fn append(&self, ino: Ino, buf: &[u8]) -> VfsResult<(usize, u64)> {
        self.write(ino, 0, buf).map(|n| (n, 0))
    }

    fn readdir(
        &self,
        dir: Ino,
        pos: u64,
        sink: &mut dyn FnMut(DirEntry<'_>) -> bool,
    ) -> VfsResult<()> {
        let d = Self::dir(dir)?;
        if !emit_dots(dir, d.parent, pos, sink) {
            return Ok(());
        }
        // Positions 2.. are TREE indices + 2 (index 0 is the root itself).
        for (i, e) in TREE.iter().enumerate().skip(1) {
            let next = i as u64 + 2;
            if pos >= next || e.parent != dir {
                continue;
            }
            let kind = FileType::from_mode(e.mode).unwrap_or(FileType::Regular);
            let ent = DirEntry {
                ino: i as Ino + 1,
                kind,
                name: e.name,
                next,
            };
            if !sink(ent) {
                break;
            }
        }
        Ok(())
    }
}

/// Mount `devfs` on the directory `at` (the guest's `/dev`) and `shm` (a
/// memfs, say) on its `shm/`. Returns the devfs mount.
pub fn mount_devfs(
    vfs: &mut Vfs,
    at: &Vnode,
    devfs: Rc<DevFs>,
    shm: Rc<dyn FileSystem>,
) -> VfsResult<MountId> {
    let id = vfs.mount(at, devfs, MountFlags::default())?;
    let shm_dir = vfs.mount_root(id)?.with_ino(SHM);
    vfs.mount(&shm_dir, shm, MountFlags::default())?;
    Ok(id)
}

#[cfg(test)]
#[path = "devfs_tests.rs"]
mod tests;
