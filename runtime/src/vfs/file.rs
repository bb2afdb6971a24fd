//! Open file descriptions (Linux's `struct file`): an inode reference, the
//! file offset and the status flags, shared by every fd that `dup`s or
//! inherits it (hence `Cell`s: descriptions live in `Rc<OpenFile>`).
//!
//! Access checks happen here: reading a description not opened for reading
//! (or opened `O_PATH`) is EBADF, likewise writing. `O_APPEND` writes go to
//! the end of the file atomically (one file-system call computes the end and
//! writes). Positional I/O on FIFOs and sockets is ESPIPE.

use super::*;
use std::cell::Cell;

/// `open` flags (Linux asm-generic values, as on RISC-V).
pub mod flags {
    /// Read only.
    pub const O_RDONLY: u32 = 0;
    /// Write only.
    pub const O_WRONLY: u32 = 1;
    /// Read and write.
    pub const O_RDWR: u32 = 2;
    /// Mask of the access mode.
    pub const O_ACCMODE: u32 = 3;
    /// Create if missing.
    pub const O_CREAT: u32 = 0o100;
    /// With O_CREAT: fail if it exists.
    pub const O_EXCL: u32 = 0o200;
    /// Do not become the controlling terminal.
    pub const O_NOCTTY: u32 = 0o400;
    /// Truncate to 0.
    pub const O_TRUNC: u32 = 0o1000;
    /// Writes go to the end.
    pub const O_APPEND: u32 = 0o2000;
    /// Non-blocking I/O.
    pub const O_NONBLOCK: u32 = 0o4000;
    /// Synchronous data writes.
    pub const O_DSYNC: u32 = 0o10000;
    /// Signal-driven I/O.
    pub const O_ASYNC: u32 = 0o20000;
    /// Direct I/O.
    pub const O_DIRECT: u32 = 0o40000;
    /// Large file (always implied on 64-bit).
    pub const O_LARGEFILE: u32 = 0o100000;
    /// Must be a directory.
    pub const O_DIRECTORY: u32 = 0o200000;
    /// Do not follow a final symlink.
    pub const O_NOFOLLOW: u32 = 0o400000;
    /// Do not update atime.
    pub const O_NOATIME: u32 = 0o1000000;
    /// Close on exec (a per-fd flag, not kept in the description).
    pub const O_CLOEXEC: u32 = 0o2000000;
    /// Synchronous writes (includes O_DSYNC).
    pub const O_SYNC: u32 = 0o4010000;
    /// A location only: no I/O.
    pub const O_PATH: u32 = 0o10000000;
    /// An unnamed temporary file in a directory (includes O_DIRECTORY).
    pub const O_TMPFILE: u32 = 0o20200000;
    /// Flags `fcntl(F_SETFL)` may change.
    pub const SETFL_MASK: u32 = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;
    /// Flags that only matter at open time and are not kept.
    pub const OPEN_ONLY: u32 = O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC;
}

/// `lseek` whence: absolute.
pub const SEEK_SET: u32 = 0;
/// `lseek` whence: relative to the offset.
pub const SEEK_CUR: u32 = 1;
/// `lseek` whence: relative to the end.
pub const SEEK_END: u32 = 2;
/// `lseek` whence: next data at or after the offset.
pub const SEEK_DATA: u32 = 3;
/// `lseek` whence: next hole at or after the offset.
pub const SEEK_HOLE: u32 = 4;

use flags::*;

/// Where a file was opened: the directory and the name in it.
pub type Origin = (Vnode, Vec<u8>);

/// An open file description.
pub struct OpenFile {
    vnode: Vnode,
    kind: FileType,
    flags: Cell<u32>,
    offset: Cell<u64>,
    /// Where it was opened: directory and name (Linux's `f_path`, for
    /// `/proc/<pid>/fd` and `maps`; see [`super::Vfs::origin_path`]).
    origin: Option<Origin>,
}

impl OpenFile {
    /// A description of `vnode` with status `flags` (open-only flags are
    /// dropped). The caller (`Vfs::open`) did the permission checks.
    pub fn new(vnode: Vnode, kind: FileType, flags: u32) -> OpenFile {
        let flags = Cell::new(flags & !OPEN_ONLY);
        OpenFile {
            vnode,
            kind,
            flags,
            offset: Cell::new(0),
            origin: None,
        }
    }

    /// This description, recorded as opened as `origin` (directory, name).
    pub fn with_origin(mut self, origin: Option<Origin>) -> OpenFile {
        self.origin = origin;
        self
    }

    /// Where it was opened (directory, name), if by a name.
    pub fn origin(&self) -> Option<&Origin> {
        self.origin.as_ref()
    }

    /// The inode.
    pub fn vnode(&self) -> &Vnode {
        &self.vnode
    }

    /// The inode's type.
    pub fn kind(&self) -> FileType {
        self.kind
    }

    /// Status flags and access mode (`fcntl(F_GETFL)`).
    pub fn flags(&self) -> u32 {
        self.flags.get()
    }

    /// `fcntl(F_SETFL)`: change only the changeable flags.
    pub fn set_flags(&self, f: u32) {
        let old = self.flags.get();
        self.flags.set((old & !SETFL_MASK) | (f & SETFL_MASK));
    }

    /// The file offset (for directories: the readdir position).
    pub fn offset(&self) -> u64 {
        self.offset.get()
    }

    /// Opened for reading?
    pub fn readable(&self) -> bool {
        let f = self.flags();
        f & O_PATH == 0 && matches!(f & O_ACCMODE, O_RDONLY | O_RDWR)
    }

    /// Opened for writing?
    pub fn writable(&self) -> bool {
        let f = self.flags();
        f & O_PATH == 0 && matches!(f & O_ACCMODE, O_WRONLY | O_RDWR)
    }

    fn seekable(&self) -> bool {
        !matches!(self.kind, FileType::Fifo | FileType::Socket)
    }

    /// `stat` through the description (`fstat`).
    pub fn stat(&self) -> VfsResult<Stat> {
        self.vnode.stat()
    }

    /// `read`: at the offset, advancing it.
    pub fn read(&self, buf: &mut [u8]) -> VfsResult<usize> {
        let n = self.pread(buf, self.offset.get())?;
        self.offset.set(self.offset.get() + n as u64);
        Ok(n)
    }

    /// `pread64`: at `off`, offset unchanged.
    pub fn pread(&self, buf: &mut [u8], off: u64) -> VfsResult<usize> {
        if !self.readable() {
            return Err(Errno::EBADF);
        }
        if off > i64::MAX as u64 {
            return Err(Errno::EINVAL);
        }
        self.vnode.fs().read(self.vnode.ino(), off, buf)
    }

    /// `write`: at the offset (or the end with O_APPEND), advancing it.
    pub fn write(&self, buf: &[u8]) -> VfsResult<usize> {
        if !self.writable() {
            return Err(Errno::EBADF);
        }
        let fs = self.vnode.fs();
        if self.flags() & O_APPEND != 0 {
            let (n, end) = fs.append(self.vnode.ino(), buf)?;
            self.offset.set(end);
            return Ok(n);
        }
        let n = fs.write(self.vnode.ino(), self.offset.get(), buf)?;
        self.offset.set(self.offset.get() + n as u64);
        Ok(n)
    }

    /// `pwrite64`: at `off`, offset unchanged (with O_APPEND Linux appends).
    pub fn pwrite(&self, buf: &[u8], off: u64) -> VfsResult<usize> {
        if !self.writable() {
            return Err(Errno::EBADF);
        }
        if !self.seekable() {
            return Err(Errno::ESPIPE);
        }
        if off > i64::MAX as u64 {
            return Err(Errno::EINVAL);
        }
        let fs = self.vnode.fs();
        if self.flags() & O_APPEND != 0 {
            return fs.append(self.vnode.ino(), buf).map(|r| r.0);
        }
        fs.write(self.vnode.ino(), off, buf)
    }

    /// `lseek`. Directories accept SEEK_SET/SEEK_CUR (positions are readdir
    /// cookies); SEEK_DATA/SEEK_HOLE treat the whole file as data. A result
    /// that is negative (or overflows, as Linux's wrapping sum) is EINVAL.
    pub fn seek(&self, off: i64, whence: u32) -> VfsResult<u64> {
        if !self.seekable() {
            return Err(Errno::ESPIPE);
        }
        let cur = self.offset.get() as i64;
        let new = match whence {
            SEEK_SET => off,
            SEEK_CUR => cur.wrapping_add(off),
            SEEK_END | SEEK_DATA | SEEK_HOLE if self.kind == FileType::Directory => {
                return Err(Errno::EINVAL)
            }
            SEEK_END => (self.stat()?.size as i64).wrapping_add(off),
            SEEK_DATA | SEEK_HOLE => {
                let size = self.stat()?.size as i64;
                if off < 0 {
                    return Err(Errno::EINVAL);
                }
                if off >= size {
                    return Err(Errno::ENXIO);
                }
                if whence == SEEK_DATA {
                    off
                } else {
                    size
                }
            }
            _ => return Err(Errno::EINVAL),
        };
        if new < 0 {
            return Err(Errno::EINVAL);
        }
        self.offset.set(new as u64);
        Ok(new as u64)
    }

    /// `getdents64` core: feed entries from the offset to `sink` until it
    /// returns false (buffer full); the offset advances past the entries it
    /// accepted. ENOTDIR for non-directories, EBADF for O_PATH.
    pub fn readdir(&self, sink: &mut dyn FnMut(&DirEntry<'_>) -> bool) -> VfsResult<()> {
        if self.flags() & O_PATH != 0 {
            return Err(Errno::EBADF);
        }
        if self.kind != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        let mut pos = self.offset.get();
        self.vnode.fs().readdir(self.vnode.ino(), pos, &mut |e| {
            if sink(&e) {
                pos = e.next;
                true
            } else {
                false
            }
        })?;
        self.offset.set(pos);
        Ok(())
    }

    /// `ftruncate`: EINVAL unless a regular file opened for writing.
    pub fn truncate(&self, size: u64) -> VfsResult<()> {
        if self.flags() & O_PATH != 0 {
            return Err(Errno::EBADF);
        }
        if !self.writable() || self.kind != FileType::Regular {
            return Err(Errno::EINVAL);
        }
        if size > i64::MAX as u64 {
            return Err(Errno::EINVAL);
        }
        self.vnode.fs().truncate(self.vnode.ino(), size)
    }
}

impl core::fmt::Debug for OpenFile {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "OpenFile({:?}, flags {:#o}, off {})",
            self.vnode,
            self.flags(),
            self.offset()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::memfs::MemFs;
    use std::rc::Rc;

    fn setup() -> (Vfs, Rc<MemFs>) {
        let fs = Rc::new(MemFs::new(Box::new(|| Timespec::new(1, 0))));
        (Vfs::new(fs.clone()), fs)
    }

    fn node(mode: u32) -> NewNode {
        NewNode {
            mode,
            uid: 0,
            gid: 0,
            rdev: 0,
        }
    }

    #[test]
    fn flags_and_access_modes() {
        let (vfs, fs) = setup();
        let ino = fs.create(1, b"f", &node(mode::S_IFREG | 0o644)).unwrap();
        let v = vfs.root().with_ino(ino);
        let f = OpenFile::new(
            v,
            FileType::Regular,
            O_RDWR | O_CREAT | O_CLOEXEC | O_NONBLOCK,
        );
        assert_eq!(
            f.flags(),
            O_RDWR | O_NONBLOCK,
            "open-only flags are not kept"
        );
        assert!(f.readable() && f.writable());
        f.set_flags(O_APPEND | O_WRONLY);
        assert_eq!(
            f.flags(),
            O_RDWR | O_APPEND,
            "F_SETFL cannot change the access mode"
        );
        f.write(b"abc").unwrap();
        assert_eq!(f.pwrite(b"de", 0), Ok(2));
        assert_eq!(f.offset(), 3, "pwrite leaves the offset alone");
        let mut buf = [0u8; 8];
        assert_eq!(f.pread(&mut buf, 0), Ok(5));
        assert_eq!(
            &buf[..5],
            b"abcde",
            "pwrite with O_APPEND appends, as on Linux"
        );
        assert_eq!(f.readdir(&mut |_| true), Err(Errno::ENOTDIR));
        assert_eq!(f.seek(0, 9), Err(Errno::EINVAL));
        assert_eq!(f.seek(5, SEEK_DATA), Err(Errno::ENXIO));
        assert_eq!(f.seek(i64::MAX, SEEK_SET), Ok(i64::MAX as u64));
        assert_eq!(
            f.seek(1, SEEK_CUR),
            Err(Errno::EINVAL),
            "overflow wraps negative"
        );
    }

    #[test]
    fn fifo_is_not_seekable_and_dirs_seek_by_cookie() {
        let (vfs, fs) = setup();
        let p = fs.create(1, b"p", &node(mode::S_IFIFO | 0o644)).unwrap();
        let f = OpenFile::new(vfs.root().with_ino(p), FileType::Fifo, O_RDWR);
        assert_eq!(f.seek(0, SEEK_SET), Err(Errno::ESPIPE));
        assert_eq!(f.pwrite(b"x", 0), Err(Errno::ESPIPE));
        let d = OpenFile::new(vfs.root(), FileType::Directory, O_RDONLY);
        assert_eq!(d.seek(0, SEEK_END), Err(Errno::EINVAL));
        let mut seen = Vec::new();
        d.readdir(&mut |e| {
            seen.push(e.name.to_vec());
            seen.len() < 2
        })
        .unwrap();
        assert_eq!(d.offset(), 1, "only the accepted entry advances the offset");
        assert_eq!(d.seek(0, SEEK_CUR), Ok(1));
        let mut next = Vec::new();
        d.readdir(&mut |e| {
            next.push(e.name.to_vec());
            true
        })
        .unwrap();
        assert_eq!(next, [b"..".to_vec(), b"p".to_vec()]);
        let path = OpenFile::new(vfs.root(), FileType::Directory, O_PATH);
        assert_eq!(path.readdir(&mut |_| true), Err(Errno::EBADF));
    }
}
