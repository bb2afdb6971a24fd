//! `MemFs`: an in-memory file system (the guest's tmpfs and root fs).
//!
//! Inodes live in a map keyed by inode number. Regular files hold
//! `SparseData` (4 KiB chunks, holes free), directories an insertion-ordered
//! entry list with stable positions (a monotonically increasing cookie per
//! entry: getdents64 offsets stay valid while other entries are unlinked, and
//! the listing order is deterministic), symlinks their target, device nodes
//! and FIFOs only attributes (`rdev`): their I/O belongs to drivers.
//!
//! Rejected alternative: directories ordered by name. Then a resumed
//! getdents could not have a small stable cookie when names are inserted in
//! the middle; insertion order gives that for free and is just as
//! deterministic.
//!
//! Timestamps follow Linux: creation sets all four; write and truncate set
//! mtime+ctime; chmod/chown/link/unlink/rename set ctime; directory changes
//! set the directory's mtime+ctime; reads use relatime (atime only moves if it
//! is older than mtime/ctime or a day old). Limits on bytes and inodes make a
//! guest hit ENOSPC instead of exhausting host memory.

mod inode;
#[cfg(test)]
mod tests;

use super::sparse::{SparseData, CHUNK, MAX_FILE_SIZE};
use super::*;
use inode::{Body, Dir, Inner, FIRST_POS};
use std::cell::RefCell;
use std::collections::HashMap;

/// Size a directory reports per entry (as tmpfs's `BOGO_DIRENT_SIZE`).
const DIRENT_SIZE: u64 = 20;

/// `statfs` type magic of memfs (that of Linux's tmpfs).
pub const TMPFS_MAGIC: u64 = 0x0102_1994;

/// An in-memory file system. Wrap it in an `Rc` to mount it.
pub struct MemFs {
    inner: RefCell<Inner>,
    clock: Box<dyn Clock>,
}

impl MemFs {
    /// An empty file system whose root is a directory with mode `0o755`
    /// owned by root, with no size limits, timestamps from `clock`.
    pub fn new(clock: Box<dyn Clock>) -> MemFs {
        let now = clock.now();
        let mut inner = Inner {
            inodes: HashMap::new(),
            next_ino: 1,
            chunks_used: 0,
            max_chunks: u64::MAX,
            max_inodes: u64::MAX,
        };
        let node = NewNode {
            mode: mode::S_IFDIR | 0o755,
            uid: 0,
            gid: 0,
            rdev: 0,
        };
        let root = inner.new_inode(&node, Body::Dir(Dir::default()), now);
        let root = root.expect("an empty file system has room for its root");
        let d = inner
            .get_mut(root)
            .and_then(|i| i.dir_mut())
            .expect("root is a directory");
        d.parent = root;
        d.next_pos = FIRST_POS;
        MemFs {
            inner: RefCell::new(inner),
            clock,
        }
    }

    /// Cap file data at `max_bytes` (rounded up to 4 KiB chunks) and the
    /// number of inodes at `max_inodes`; past them operations fail with ENOSPC.
    pub fn set_limits(&self, max_bytes: u64, max_inodes: u64) {
        let mut s = self.inner.borrow_mut();
        s.max_chunks = max_bytes.div_ceil(CHUNK as u64);
        s.max_inodes = max_inodes;
    }

    /// Bytes of file data actually allocated (holes excluded).
    pub fn bytes_used(&self) -> u64 {
        self.inner.borrow().chunks_used * CHUNK as u64
    }

    /// Number of live inodes (including unlinked-but-open ones).
    pub fn inode_count(&self) -> usize {
        self.inner.borrow().inodes.len()
    }

    fn now(&self) -> Timespec {
        self.clock.now()
    }
}

impl FileSystem for MemFs {
    fn name(&self) -> &str {
        "memfs"
    }

    fn statfs(&self) -> VfsResult<StatFs> {
        let s = self.inner.borrow();
        let cap = |max: u64| if max == u64::MAX { 1 << 40 } else { max };
        let (blocks, files) = (cap(s.max_chunks), cap(s.max_inodes));
        let bfree = blocks.saturating_sub(s.chunks_used);
        let ffree = files.saturating_sub(s.inodes.len() as u64);
        Ok(StatFs {
            fs_type: TMPFS_MAGIC,
            bsize: CHUNK as u64,
            blocks,
            bfree,
            bavail: bfree,
            files,
            ffree,
            namelen: NAME_MAX as u64,
        })
    }

    fn root(&self) -> Ino {
        1
    }

    fn grab(&self, ino: Ino) {
        if let Some(i) = self.inner.borrow_mut().inodes.get_mut(&ino) {
            i.refs = i.refs.saturating_add(1);
        }
    }

    fn put(&self, ino: Ino) {
        let mut s = self.inner.borrow_mut();
        if let Some(i) = s.inodes.get_mut(&ino) {
            i.refs = i.refs.saturating_sub(1);
        }
        s.maybe_free(ino);
    }

    fn lookup(&self, dir: Ino, name: &[u8]) -> VfsResult<Ino> {
        let s = self.inner.borrow();
        let d = s.get(dir)?.dir()?;
        match name {
            b"." => Ok(dir),
            b".." => Ok(d.parent),
            _ => d.get(name).ok_or(Errno::ENOENT),
        }
    }

    fn getattr(&self, ino: Ino) -> VfsResult<Stat> {
        let s = self.inner.borrow();
        let i = s.get(ino)?;
        let (size, blocks) = match &i.body {
            Body::File(d) => (d.size(), d.chunks() * (CHUNK as u64 / 512)),
            Body::Dir(d) => ((d.names.len() as u64 + 2) * DIRENT_SIZE, 0),
            Body::Symlink(t) => (t.len() as u64, 0),
            Body::Special => (0, 0),
        };
        Ok(Stat {
            dev: 0,
            ino,
            mode: i.mode,
            nlink: i.nlink,
            uid: i.uid,
            gid: i.gid,
            rdev: i.rdev,
            size,
            blksize: CHUNK as u32,
            blocks,
            atime: i.atime,
            mtime: i.mtime,
            ctime: i.ctime,
            btime: i.btime,
        })
    }

    fn setattr(&self, ino: Ino, a: &SetAttr) -> VfsResult<()> {
        let now = self.now();
        let mut s = self.inner.borrow_mut();
        let s = &mut *s;
        let i = s.inodes.get_mut(&ino).ok_or(Errno::ENOENT)?;
        if let Some(size) = a.size {
            let d = match &mut i.body {
                Body::File(d) => d,
                Body::Dir(_) => return Err(Errno::EISDIR),
                _ => return Err(Errno::EINVAL),
            };
            if size > MAX_FILE_SIZE {
                return Err(Errno::EFBIG);
            }
            if size != d.size() {
                s.chunks_used -= d.set_size(size);
                i.mtime = now;
            }
        }
        if let Some(m) = a.mode {
            i.mode = (i.mode & mode::S_IFMT) | (m & mode::PERM_MASK);
        }
        if let Some(uid) = a.uid {
            i.uid = uid;
        }
        if let Some(gid) = a.gid {
            i.gid = gid;
        }
        let resolve = |t: SetTime| match t {
            SetTime::Now => now,
            SetTime::At(t) => t,
        };
        if let Some(t) = a.atime {
            i.atime = resolve(t);
        }
        if let Some(t) = a.mtime {
            i.mtime = resolve(t);
        }
        i.ctime = now;
        Ok(())
    }

    fn create(&self, dir: Ino, name: &[u8], node: &NewNode) -> VfsResult<Ino> {
        let body = match FileType::from_mode(node.mode) {
            Some(FileType::Regular) => Body::File(SparseData::default()),
            Some(FileType::Directory | FileType::Symlink) | None => return Err(Errno::EINVAL),
            Some(_) => Body::Special,
        };
        let now = self.now();
        self.inner.borrow_mut().add(dir, name, node, body, now)
    }

    fn mkdir(&self, dir: Ino, name: &[u8], node: &NewNode) -> VfsResult<Ino> {
        let now = self.now();
        let node = NewNode {
            mode: mode::S_IFDIR | (node.mode & mode::PERM_MASK),
            ..*node
        };
        let d = Dir {
            parent: dir,
            next_pos: FIRST_POS,
            ..Dir::default()
        };
        self.inner
            .borrow_mut()
            .add(dir, name, &node, Body::Dir(d), now)
    }

    fn symlink(&self, dir: Ino, name: &[u8], target: &[u8], node: &NewNode) -> VfsResult<Ino> {
        let now = self.now();
        let node = NewNode {
            mode: mode::S_IFLNK | 0o777,
            ..*node
        };
        let body = Body::Symlink(target.to_vec());
        self.inner.borrow_mut().add(dir, name, &node, body, now)
    }

    fn link(&self, ino: Ino, dir: Ino, name: &[u8]) -> VfsResult<()> {
        let now = self.now();
        let mut s = self.inner.borrow_mut();
        let i = s.get(ino)?;
        if matches!(i.body, Body::Dir(_)) {
            return Err(Errno::EPERM);
        }
        if i.nlink == 0 {
            return Err(Errno::ENOENT);
        }
        if i.nlink == u32::MAX {
            return Err(Errno::EMLINK);
        }
        if s.live_dir(dir)?.get(name).is_some() {
            return Err(Errno::EEXIST);
        }
        s.get_mut(dir)?.dir_mut()?.insert(name, ino);
        s.touch_dir(dir, now);
        let i = s.get_mut(ino)?;
        i.nlink += 1;
        i.ctime = now;
        Ok(())
    }

    fn unlink(&self, dir: Ino, name: &[u8]) -> VfsResult<()> {
        let now = self.now();
        let mut s = self.inner.borrow_mut();
        let ino = s.get(dir)?.dir()?.get(name).ok_or(Errno::ENOENT)?;
        if matches!(s.get(ino)?.body, Body::Dir(_)) {
            return Err(Errno::EISDIR);
        }
        s.get_mut(dir)?.dir_mut()?.remove(name);
        s.touch_dir(dir, now);
        let i = s.get_mut(ino)?;
        i.nlink = i.nlink.saturating_sub(1);
        i.ctime = now;
        s.maybe_free(ino);
        Ok(())
    }

    fn rmdir(&self, dir: Ino, name: &[u8]) -> VfsResult<()> {
        let now = self.now();
        let mut s = self.inner.borrow_mut();
        let ino = s.get(dir)?.dir()?.get(name).ok_or(Errno::ENOENT)?;
        if !s.get(ino)?.dir()?.names.is_empty() {
            return Err(Errno::ENOTEMPTY);
        }
        s.get_mut(dir)?.dir_mut()?.remove(name);
        s.touch_dir(dir, now);
        let p = s.get_mut(dir)?;
        p.nlink = p.nlink.saturating_sub(1);
        let i = s.get_mut(ino)?;
        i.nlink = 0;
        i.ctime = now;
        s.maybe_free(ino);
        Ok(())
    }

    fn rename(
        &self,
        odir: Ino,
        oname: &[u8],
        ndir: Ino,
        nname: &[u8],
        flags: u32,
    ) -> VfsResult<()> {
        let now = self.now();
        if flags == RENAME_EXCHANGE {
            return self
                .inner
                .borrow_mut()
                .exchange(odir, oname, ndir, nname, now);
        }
        if flags & !RENAME_NOREPLACE != 0 {
            return Err(Errno::EINVAL);
        }
        let mut s = self.inner.borrow_mut();
        let ino = s.get(odir)?.dir()?.get(oname).ok_or(Errno::ENOENT)?;
        let victim = s.live_dir(ndir)?.get(nname);
        let moving_dir = matches!(s.get(ino)?.body, Body::Dir(_));
        if victim == Some(ino) {
            return Ok(());
        }
        if moving_dir && s.is_ancestor(ino, ndir) {
            return Err(Errno::EINVAL);
        }
        if let Some(v) = victim {
            if flags & RENAME_NOREPLACE != 0 {
                return Err(Errno::EEXIST);
            }
            let empty_dir = match &s.get(v)?.body {
                Body::Dir(d) => Some(d.names.is_empty()),
                _ => None,
            };
            match (moving_dir, empty_dir) {
                (true, None) => return Err(Errno::ENOTDIR),
                (true, Some(false)) => return Err(Errno::ENOTEMPTY),
                (false, Some(_)) => return Err(Errno::EISDIR),
                _ => {}
            }
        }
        if let Some(v) = victim {
            s.get_mut(ndir)?.dir_mut()?.remove(nname);
            let vi = s.get_mut(v)?;
            vi.ctime = now;
            if moving_dir {
                vi.nlink = 0;
                let p = s.get_mut(ndir)?;
                p.nlink = p.nlink.saturating_sub(1);
            } else {
                vi.nlink = vi.nlink.saturating_sub(1);
            }
        }
        s.get_mut(odir)?.dir_mut()?.remove(oname);
        s.get_mut(ndir)?.dir_mut()?.insert(nname, ino);
        if moving_dir && odir != ndir {
            let o = s.get_mut(odir)?;
            o.nlink = o.nlink.saturating_sub(1);
            s.get_mut(ndir)?.nlink += 1;
            s.get_mut(ino)?.dir_mut()?.parent = ndir;
        }
        s.get_mut(ino)?.ctime = now;
        s.touch_dir(odir, now);
        s.touch_dir(ndir, now);
        if let Some(v) = victim {
            s.maybe_free(v);
        }
        Ok(())
    }

    fn readlink(&self, ino: Ino) -> VfsResult<Vec<u8>> {
        match &self.inner.borrow().get(ino)?.body {
            Body::Symlink(t) => Ok(t.clone()),
            _ => Err(Errno::EINVAL),
        }
    }

    fn read(&self, ino: Ino, off: u64, buf: &mut [u8]) -> VfsResult<usize> {
        let now = self.now();
        let mut s = self.inner.borrow_mut();
        let i = s.get_mut(ino)?;
        let n = match &i.body {
            Body::File(d) => d.read(off, buf),
            Body::Dir(_) => return Err(Errno::EISDIR),
            Body::Symlink(_) => return Err(Errno::EINVAL),
            Body::Special => return Err(Errno::ENXIO),
        };
        i.touch_atime(now);
        Ok(n)
    }

    fn write(&self, ino: Ino, off: u64, buf: &[u8]) -> VfsResult<usize> {
        let now = self.now();
        self.inner.borrow_mut().write(ino, off, buf, now)
    }

    fn append(&self, ino: Ino, buf: &[u8]) -> VfsResult<(usize, u64)> {
        let now = self.now();
        let mut s = self.inner.borrow_mut();
        let size = match &s.get(ino)?.body {
            Body::File(d) => d.size(),
            _ => 0,
        };
        let n = s.write(ino, size, buf, now)?;
        Ok((n, size + n as u64))
    }

    fn readdir(
        &self,
        dir: Ino,
        pos: u64,
        sink: &mut dyn FnMut(DirEntry<'_>) -> bool,
    ) -> VfsResult<()> {
        let now = self.now();
        let mut s = self.inner.borrow_mut();
        let d = s.live_dir(dir)?;
        let kind_of = |ino: Ino| s.inodes.get(&ino).map_or(FileType::Regular, |i| i.kind());
        if emit_dots(dir, d.parent, pos, sink) {
            for (&p, name) in d.order.range(pos.max(FIRST_POS)..) {
                let ino = d.names.get(name).map_or(0, |e| e.0);
                if !sink(DirEntry {
                    ino,
                    kind: kind_of(ino),
                    name,
                    next: p + 1,
                }) {
                    break;
                }
            }
        }
        s.get_mut(dir)?.touch_atime(now);
        Ok(())
    }
}
