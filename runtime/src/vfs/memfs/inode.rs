//! MemFs internals: the inode table, inodes and directories.
//!
//! Kept apart from the [`FileSystem`] impl so each file has one job; every
//! item is `pub(super)` for `memfs/mod.rs` only.

use super::super::sparse::{SparseData, MAX_FILE_SIZE};
use super::super::*;
use std::collections::{BTreeMap, HashMap};

/// First readdir position of real entries (0 is `.`, 1 is `..`).
pub(super) const FIRST_POS: u64 = 2;

/// The whole file system state (behind the `RefCell` in `MemFs`).
pub(super) struct Inner {
    /// Live inodes (named or referenced).
    pub(super) inodes: HashMap<Ino, Inode>,
    /// The next inode number to hand out (never reused).
    pub(super) next_ino: Ino,
    /// Allocated 4 KiB data chunks, over all files.
    pub(super) chunks_used: u64,
    /// Chunk limit (ENOSPC past it).
    pub(super) max_chunks: u64,
    /// Inode limit (ENOSPC past it).
    pub(super) max_inodes: u64,
}

/// One inode: attributes and contents.
pub(super) struct Inode {
    /// Type and permission bits.
    pub(super) mode: u32,
    /// Owner.
    pub(super) uid: u32,
    /// Group.
    pub(super) gid: u32,
    /// Names linking here (directories: 2 + subdirectories; 0 once removed).
    pub(super) nlink: u32,
    /// Device number of device nodes.
    pub(super) rdev: u64,
    /// Access time.
    pub(super) atime: Timespec,
    /// Modification time.
    pub(super) mtime: Timespec,
    /// Status change time.
    pub(super) ctime: Timespec,
    /// Birth time.
    pub(super) btime: Timespec,
    /// References held by `Vnode`s (open files, cwd...).
    pub(super) refs: u32,
    /// Contents by type.
    pub(super) body: Body,
}

/// What an inode holds, by type.
pub(super) enum Body {
    /// Regular file data.
    File(SparseData),
    /// Directory entries.
    Dir(Dir),
    /// Symlink target.
    Symlink(Vec<u8>),
    /// Device node, FIFO or socket: attributes only.
    Special,
}

/// A directory: entries by name and by stable readdir position.
#[derive(Default)]
pub(super) struct Dir {
    /// The parent directory (`..`; the root is its own parent).
    pub(super) parent: Ino,
    /// Name -> (inode, position).
    pub(super) names: HashMap<Vec<u8>, (Ino, u64)>,
    /// Position -> name, in creation order.
    pub(super) order: BTreeMap<u64, Vec<u8>>,
    /// The position the next entry gets (monotonic: positions are never reused).
    pub(super) next_pos: u64,
}

impl Dir {
    /// Add an entry at a fresh position.
    pub(super) fn insert(&mut self, name: &[u8], ino: Ino) {
        let pos = self.next_pos;
        self.next_pos += 1;
        self.names.insert(name.to_vec(), (ino, pos));
        self.order.insert(pos, name.to_vec());
    }

    /// Remove an entry, returning its inode.
    pub(super) fn remove(&mut self, name: &[u8]) -> Option<Ino> {
        let (ino, pos) = self.names.remove(name)?;
        self.order.remove(&pos);
        Some(ino)
    }

    /// The inode an entry names.
    pub(super) fn get(&self, name: &[u8]) -> Option<Ino> {
        self.names.get(name).map(|e| e.0)
    }

    /// Point the existing entry `name` at `ino`, keeping its position.
    fn repoint(&mut self, name: &[u8], ino: Ino) {
        if let Some(e) = self.names.get_mut(name) {
            e.0 = ino;
        }
    }
}

impl Inode {
    /// The inode's type.
    pub(super) fn kind(&self) -> FileType {
        FileType::from_mode(self.mode).unwrap_or(FileType::Regular)
    }

    /// The directory contents (ENOTDIR otherwise).
    pub(super) fn dir(&self) -> VfsResult<&Dir> {
        match &self.body {
            Body::Dir(d) => Ok(d),
            _ => Err(Errno::ENOTDIR),
        }
    }

    /// The directory contents, mutably (ENOTDIR otherwise).
    pub(super) fn dir_mut(&mut self) -> VfsResult<&mut Dir> {
        match &mut self.body {
            Body::Dir(d) => Ok(d),
            _ => Err(Errno::ENOTDIR),
        }
    }

    /// Relatime: move atime only if it is not newer than mtime/ctime or is a day old.
    pub(super) fn touch_atime(&mut self, now: Timespec) {
        if self.atime <= self.mtime || self.atime <= self.ctime || now.sec - self.atime.sec >= 86400
        {
            self.atime = now;
        }
    }
}

impl Inner {
    /// An inode (ENOENT if gone).
    pub(super) fn get(&self, ino: Ino) -> VfsResult<&Inode> {
        self.inodes.get(&ino).ok_or(Errno::ENOENT)
    }

    /// An inode, mutably (ENOENT if gone).
    pub(super) fn get_mut(&mut self, ino: Ino) -> VfsResult<&mut Inode> {
        self.inodes.get_mut(&ino).ok_or(Errno::ENOENT)
    }

    /// A live directory (a removed one accepts no new entries: ENOENT).
    pub(super) fn live_dir(&self, ino: Ino) -> VfsResult<&Dir> {
        let i = self.get(ino)?;
        let d = i.dir()?;
        if i.nlink == 0 {
            return Err(Errno::ENOENT);
        }
        Ok(d)
    }

    /// A directory's contents changed: mtime and ctime are now.
    pub(super) fn touch_dir(&mut self, ino: Ino, now: Timespec) {
        if let Some(i) = self.inodes.get_mut(&ino) {
            i.mtime = now;
            i.ctime = now;
        }
    }

    /// Allocate an unnamed inode (ENOSPC past the inode limit).
    pub(super) fn new_inode(
        &mut self,
        node: &NewNode,
        body: Body,
        now: Timespec,
    ) -> VfsResult<Ino> {
        if self.inodes.len() as u64 >= self.max_inodes {
            return Err(Errno::ENOSPC);
        }
        let ino = self.next_ino;
        self.next_ino += 1;
        let nlink = if matches!(body, Body::Dir(_)) { 2 } else { 1 };
        let (atime, mtime, ctime, btime) = (now, now, now, now);
        let (mode, uid, gid, rdev) = (node.mode, node.uid, node.gid, node.rdev);
        let inode = Inode {
            mode,
            uid,
            gid,
            nlink,
            rdev,
            atime,
            mtime,
            ctime,
            btime,
            refs: 0,
            body,
        };
        self.inodes.insert(ino, inode);
        Ok(ino)
    }

    /// Create `name` in `dir` as a new inode, with the usual checks.
    pub(super) fn add(
        &mut self,
        dir: Ino,
        name: &[u8],
        node: &NewNode,
        body: Body,
        now: Timespec,
    ) -> VfsResult<Ino> {
        if self.live_dir(dir)?.get(name).is_some() {
            return Err(Errno::EEXIST);
        }
        let is_dir = matches!(body, Body::Dir(_));
        let ino = self.new_inode(node, body, now)?;
        let parent = self.get_mut(dir)?;
        if is_dir {
            parent.nlink += 1;
        }
        parent.dir_mut()?.insert(name, ino);
        self.touch_dir(dir, now);
        Ok(ino)
    }

    /// Free `ino` if nothing names or references it any more.
    pub(super) fn maybe_free(&mut self, ino: Ino) {
        let dead = matches!(self.inodes.get(&ino), Some(i) if i.nlink == 0 && i.refs == 0);
        if dead {
            if let Some(Inode {
                body: Body::File(d),
                ..
            }) = self.inodes.remove(&ino)
            {
                self.chunks_used -= d.chunks();
            }
        }
    }

    /// Whether `anc` is `ino` or one of its ancestors.
    pub(super) fn is_ancestor(&self, anc: Ino, mut ino: Ino) -> bool {
        loop {
            if ino == anc {
                return true;
            }
            match self.inodes.get(&ino).map(|i| i.dir()) {
                Some(Ok(d)) if d.parent != ino => ino = d.parent,
                _ => return false,
            }
        }
    }

    /// Write into a regular file: EFBIG past the size limit, ENOSPC (all
    /// or nothing) past the space limit; mtime and ctime become now.
    pub(super) fn write(
        &mut self,
        ino: Ino,
        off: u64,
        buf: &[u8],
        now: Timespec,
    ) -> VfsResult<usize> {
        let free = self.max_chunks.saturating_sub(self.chunks_used);
        let inode = self.get_mut(ino)?;
        let data = match &mut inode.body {
            Body::File(d) => d,
            Body::Dir(_) => return Err(Errno::EISDIR),
            Body::Symlink(_) => return Err(Errno::EINVAL),
            Body::Special => return Err(Errno::ENXIO),
        };
        if buf.is_empty() {
            return Ok(0);
        }
        if off >= MAX_FILE_SIZE {
            return Err(Errno::EFBIG);
        }
        let buf = &buf[..(buf.len() as u64).min(MAX_FILE_SIZE - off) as usize];
        let need = data.chunks_needed(off, buf.len());
        if need > free {
            return Err(Errno::ENOSPC);
        }
        data.write(off, buf);
        inode.mtime = now;
        inode.ctime = now;
        self.chunks_used += need;
        Ok(buf.len())
    }

    /// `RENAME_EXCHANGE`: swap what `oname` in `odir` and `nname` in `ndir`
    /// name (both must exist; a directory may not end up inside itself).
    pub(super) fn exchange(
        &mut self,
        odir: Ino,
        oname: &[u8],
        ndir: Ino,
        nname: &[u8],
        now: Timespec,
    ) -> VfsResult<()> {
        let a = self.get(odir)?.dir()?.get(oname).ok_or(Errno::ENOENT)?;
        let b = self.live_dir(ndir)?.get(nname).ok_or(Errno::ENOENT)?;
        if a == b {
            return Ok(());
        }
        let a_dir = matches!(self.get(a)?.body, Body::Dir(_));
        let b_dir = matches!(self.get(b)?.body, Body::Dir(_));
        if (a_dir && self.is_ancestor(a, ndir)) || (b_dir && self.is_ancestor(b, odir)) {
            return Err(Errno::EINVAL);
        }
        self.get_mut(odir)?.dir_mut()?.repoint(oname, b);
        self.get_mut(ndir)?.dir_mut()?.repoint(nname, a);
        if odir != ndir {
            if a_dir != b_dir {
                let (from, to) = if a_dir { (odir, ndir) } else { (ndir, odir) };
                let f = self.get_mut(from)?;
                f.nlink = f.nlink.saturating_sub(1);
                self.get_mut(to)?.nlink += 1;
            }
            if a_dir {
                self.get_mut(a)?.dir_mut()?.parent = ndir;
            }
            if b_dir {
                self.get_mut(b)?.dir_mut()?.parent = odir;
            }
        }
        self.get_mut(a)?.ctime = now;
        self.get_mut(b)?.ctime = now;
        self.touch_dir(odir, now);
        self.touch_dir(ndir, now);
        Ok(())
    }
}
