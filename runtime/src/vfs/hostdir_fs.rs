//! [`HostDirFs`]: the [`FileSystem`] of a host directory, generic over the host calls (see
//! `hostdir.rs` for the rules and the design). Each operation re-verifies the host paths it
//! needs through the inode table (`hostdir_table.rs`), checks the guest-visible rules
//! (read-only, file types, owner), makes the host call, then brings the table up to date.

use super::table::{open_file, Dirents, Table, ROOT};
use super::{check_name, join, Access, HostCalls, HostMeta};
use crate::vfs::*;
use std::cell::RefCell;
use std::rc::Rc;

/// Permission bits a guest may set on a host file (no suid/sgid).
const HOST_PERMS: u32 = 0o1777;

/// A host directory as a file system, over host calls `H`. Wrap it in an `Rc` to mount it.
pub struct HostDirFs<H: HostCalls> {
    h: H,
    t: RefCell<Table<H::File>>,
    read_only: bool,
    owner: (u32, u32),
}

impl<H: HostCalls> HostDirFs<H> {
    /// Serve the host directory `root` through `h` (ENOENT/ENOTDIR if it is not one), with
    /// every file presented as owned by `owner` (uid, gid). The root path itself may go
    /// through host symlinks (it is the host user's choice); it is canonicalized once, here.
    pub fn with_calls(
        h: H,
        root: &[u8],
        read_only: bool,
        owner: (u32, u32),
    ) -> VfsResult<HostDirFs<H>> {
        let root = h.realpath(root)?;
        let t = Table::new(&h, root)?;
        Ok(HostDirFs {
            h,
            t: RefCell::new(t),
            read_only,
            owner,
        })
    }

    /// Whether this file system refuses modifications.
    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// The host calls this file system makes.
    pub fn calls(&self) -> &H {
        &self.h
    }

    fn writable(&self) -> VfsResult<()> {
        if self.read_only {
            return Err(Errno::EROFS);
        }
        Ok(())
    }

    fn to_stat(&self, ino: Ino, md: &HostMeta) -> Stat {
        Stat {
            dev: 0,
            ino,
            mode: md.mode,
            nlink: u32::try_from(md.nlink).unwrap_or(u32::MAX),
            uid: self.owner.0,
            gid: self.owner.1,
            rdev: md.rdev,
            size: md.size,
            blksize: u32::try_from(md.blksize).unwrap_or(4096),
            blocks: md.blocks,
            atime: md.atime,
            mtime: md.mtime,
            ctime: md.ctime,
            btime: md.btime,
        }
    }

    /// The verified host path of directory `dir` and of `name` in it, with the child's path
    /// components.
    fn child(&self, dir: Ino, name: &[u8]) -> VfsResult<(Vec<u8>, Vec<Vec<u8>>)> {
        check_name(name)?;
        let t = self.t.borrow();
        let (dp, md) = t.resolve(&self.h, dir)?;
        if !md.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        Ok((join(&dp, name), t.child_comps(dir, name)?))
    }

    /// Record a host file just created at `p`/`comps`.
    fn created(&self, p: &[u8], comps: Vec<Vec<u8>>) -> VfsResult<Ino> {
        let md = self.h.lstat(p)?;
        Ok(self.t.borrow_mut().intern(&md, comps))
    }

    /// A handle for I/O on regular file `ino` (cached while referenced).
    fn handle(&self, ino: Ino, write: bool) -> VfsResult<Rc<H::File>> {
        let mut t = self.t.borrow_mut();
        if let Some((_, f)) = t.fresh.take_if(|(i, _)| *i == ino) {
            let n = t.node_mut(ino)?;
            if n.refs > 0 {
                n.rd.get_or_insert_with(|| f.clone());
                n.wr.get_or_insert_with(|| f.clone());
            } else {
                t.fresh = Some((ino, f.clone()));
            }
            return Ok(f);
        }
        let n = t.node(ino)?;
        if let Some(f) = if write { &n.wr } else { &n.rd } {
            return Ok(f.clone());
        }
        let (p, md) = t.resolve(&self.h, ino)?;
        if md.is_dir() {
            return Err(Errno::EISDIR);
        }
        if md.is_symlink() {
            return Err(Errno::EINVAL);
        }
        if !md.is_file() {
            return Err(Errno::ENXIO);
        }
        let access = if write { Access::Write } else { Access::Read };
        let f = Rc::new(open_file(&self.h, &p, md.key(), access)?);
        let n = t.node_mut(ino)?;
        if n.refs > 0 {
            if write {
                n.wr = Some(f.clone());
            } else {
                n.rd = Some(f.clone());
            }
        }
        Ok(f)
    }

    /// Host metadata of `ino`: through an open handle if there is one (so an unlinked open
    /// file still stats), else by verified path.
    fn metadata(&self, ino: Ino) -> VfsResult<HostMeta> {
        let t = self.t.borrow();
        let n = t.node(ino)?;
        if let Some(f) = n.rd.as_ref().or(n.wr.as_ref()) {
            return self.h.fstat(f);
        }
        Ok(t.resolve(&self.h, ino)?.1)
    }

    fn set_times(&self, p: &[u8], md: &HostMeta, a: &SetAttr) -> VfsResult<()> {
        if a.atime.is_none() && a.mtime.is_none() {
            return Ok(());
        }
        if !md.is_file() && !md.is_dir() {
            return Err(Errno::EOPNOTSUPP);
        }
        let f = self.h.open(p, Access::Read, None)?;
        if self.h.fstat(&f)?.key() != md.key() {
            return Err(Errno::ENOENT);
        }
        self.h.futimens(&f, a.atime, a.mtime)
    }

    /// Removes `name` from `dir`: a directory if `want_dir` (rmdir), else anything else (unlink).
    fn remove(&self, dir: Ino, name: &[u8], want_dir: bool) -> VfsResult<()> {
        self.writable()?;
        let (p, comps) = self.child(dir, name)?;
        let is_dir = self.h.lstat(&p)?.is_dir();
        if want_dir {
            if !is_dir {
                return Err(Errno::ENOTDIR);
            }
            self.h.rmdir(&p)?;
        } else {
            if is_dir {
                return Err(Errno::EISDIR);
            }
            self.h.unlink(&p)?;
        }
        self.t.borrow_mut().forget(&comps);
        Ok(())
    }
}

impl<H: HostCalls> FileSystem for HostDirFs<H> {
    fn name(&self) -> &str {
        "hostfs"
    }

    fn root(&self) -> Ino {
        ROOT
    }

    fn grab(&self, ino: Ino) {
        if let Some(n) = self.t.borrow_mut().nodes.get_mut(&ino) {
            n.refs = n.refs.saturating_add(1);
        }
    }

    fn put(&self, ino: Ino) {
        if let Some(n) = self.t.borrow_mut().nodes.get_mut(&ino) {
            n.refs = n.refs.saturating_sub(1);
            if n.refs == 0 {
                n.rd = None;
                n.wr = None;
                n.dirents = None;
            }
        }
    }

    fn lookup(&self, dir: Ino, name: &[u8]) -> VfsResult<Ino> {
        match name {
            b"." => {
                self.t.borrow().node(dir)?;
                Ok(dir)
            }
            b".." => {
                let mut t = self.t.borrow_mut();
                let mut comps = t.comps(dir)?;
                if comps.pop().is_none() {
                    return Ok(ROOT);
                }
                let (md, _) = t.walk(&self.h, &comps)?;
                if !md.is_dir() {
                    return Err(Errno::ENOENT);
                }
                Ok(t.intern(&md, comps))
            }
            _ => {
                let (p, comps) = self.child(dir, name)?;
                self.created(&p, comps)
            }
        }
    }

    fn getattr(&self, ino: Ino) -> VfsResult<Stat> {
        let md = self.metadata(ino)?;
        Ok(self.to_stat(ino, &md))
    }

    fn setattr(&self, ino: Ino, a: &SetAttr) -> VfsResult<()> {
        self.writable()?;
        let (p, md) = self.t.borrow().resolve(&self.h, ino)?;
        let other_owner =
            a.uid.is_some_and(|u| u != self.owner.0) || a.gid.is_some_and(|g| g != self.owner.1);
        if other_owner {
            return Err(Errno::EPERM);
        }
        if let Some(size) = a.size {
            if md.is_dir() {
                return Err(Errno::EISDIR);
            }
            if !md.is_file() {
                return Err(Errno::EINVAL);
            }
            let f = self.handle(ino, true)?;
            self.h.ftruncate(&f, size)?;
        }
        if let Some(m) = a.mode {
            if md.is_symlink() {
                return Err(Errno::EOPNOTSUPP);
            }
            self.h.chmod(&p, m & HOST_PERMS)?;
        }
        self.set_times(&p, &md, a)
    }

    fn create(&self, dir: Ino, name: &[u8], node: &NewNode) -> VfsResult<Ino> {
        self.writable()?;
        if node.mode & mode::S_IFMT != mode::S_IFREG {
            return Err(Errno::EPERM);
        }
        let (p, comps) = self.child(dir, name)?;
        let f = self
            .h
            .open(&p, Access::ReadWrite, Some(node.mode & 0o777))?;
        self.h.fchmod(&f, node.mode & HOST_PERMS)?;
        let ino = self.created(&p, comps)?;
        self.t.borrow_mut().fresh = Some((ino, Rc::new(f)));
        Ok(ino)
    }

    fn mkdir(&self, dir: Ino, name: &[u8], node: &NewNode) -> VfsResult<Ino> {
        self.writable()?;
        let (p, comps) = self.child(dir, name)?;
        self.h.mkdir(&p, node.mode & 0o777)?;
        if self.h.lstat(&p)?.is_dir() {
            self.h.chmod(&p, node.mode & HOST_PERMS)?;
        }
        self.created(&p, comps)
    }

    fn symlink(&self, dir: Ino, name: &[u8], target: &[u8], _: &NewNode) -> VfsResult<Ino> {
        self.writable()?;
        let (p, comps) = self.child(dir, name)?;
        if target.contains(&0) {
            return Err(Errno::EINVAL);
        }
        self.h.symlink(target, &p)?;
        self.created(&p, comps)
    }

    fn link(&self, ino: Ino, dir: Ino, name: &[u8]) -> VfsResult<()> {
        self.writable()?;
        let (src, md) = self.t.borrow().resolve(&self.h, ino)?;
        if md.is_dir() {
            return Err(Errno::EPERM);
        }
        let (p, _) = self.child(dir, name)?;
        self.h.link(&src, &p)
    }

    fn unlink(&self, dir: Ino, name: &[u8]) -> VfsResult<()> {
        self.remove(dir, name, false)
    }

    fn rmdir(&self, dir: Ino, name: &[u8]) -> VfsResult<()> {
        self.remove(dir, name, true)
    }

    fn rename(
        &self,
        odir: Ino,
        oname: &[u8],
        ndir: Ino,
        nname: &[u8],
        flags: u32,
    ) -> VfsResult<()> {
        self.writable()?;
        if flags & !RENAME_NOREPLACE != 0 {
            return Err(Errno::EINVAL);
        }
        let (op, ocomps) = self.child(odir, oname)?;
        let (np, ncomps) = self.child(ndir, nname)?;
        let old = self.h.lstat(&op)?;
        let victim = match self.h.lstat(&np) {
            Ok(md) => Some(md),
            Err(Errno::ENOENT) => None,
            Err(e) => return Err(e),
        };
        if let Some(v) = &victim {
            if flags & RENAME_NOREPLACE != 0 {
                return Err(Errno::EEXIST);
            }
            if v.key() == old.key() {
                return Ok(());
            }
        }
        self.h.rename(&op, &np)?;
        let mut t = self.t.borrow_mut();
        if victim.is_some() {
            t.forget(&ncomps);
        }
        t.moved(&ocomps, &ncomps);
        Ok(())
    }

    fn readlink(&self, ino: Ino) -> VfsResult<Vec<u8>> {
        let (p, md) = self.t.borrow().resolve(&self.h, ino)?;
        if !md.is_symlink() {
            return Err(Errno::EINVAL);
        }
        self.h.readlink(&p)
    }

    fn open(&self, ino: Ino, flags: u32) -> VfsResult<()> {
        let md = self.metadata(ino)?;
        if md.is_dir() {
            return Ok(());
        }
        if !md.is_file() {
            return Err(Errno::ENXIO);
        }
        let acc = flags & file::flags::O_ACCMODE;
        if acc != file::flags::O_WRONLY {
            self.handle(ino, false)?;
        }
        if acc != file::flags::O_RDONLY {
            self.writable()?;
            self.handle(ino, true)?;
        }
        Ok(())
    }

    fn read(&self, ino: Ino, off: u64, buf: &mut [u8]) -> VfsResult<usize> {
        let f = self.handle(ino, false)?;
        // Never trust the host to stay within the buffer.
        let n = self.h.pread(&f, buf, off)?;
        Ok(n.min(buf.len()))
    }

    fn write(&self, ino: Ino, off: u64, buf: &[u8]) -> VfsResult<usize> {
        self.writable()?;
        if off
            .checked_add(buf.len() as u64)
            .is_none_or(|e| e > i64::MAX as u64)
        {
            return Err(Errno::EFBIG);
        }
        let f = self.handle(ino, true)?;
        let n = self.h.pwrite(&f, buf, off)?;
        Ok(n.min(buf.len()))
    }

    fn append(&self, ino: Ino, buf: &[u8]) -> VfsResult<(usize, u64)> {
        self.writable()?;
        let f = self.handle(ino, true)?;
        let size = self.h.fstat(&f)?.size;
        let n = self.h.pwrite(&f, buf, size)?.min(buf.len());
        Ok((n, size + n as u64))
    }

    fn readdir(
        &self,
        dir: Ino,
        pos: u64,
        sink: &mut dyn FnMut(DirEntry<'_>) -> bool,
    ) -> VfsResult<()> {
        let (dp, md) = self.t.borrow().resolve(&self.h, dir)?;
        if !md.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        let parent = self.lookup(dir, b"..")?;
        let names = self.h.readdir(&dp)?;
        let entries = {
            let mut t = self.t.borrow_mut();
            let n = t.node_mut(dir)?;
            let d = n.dirents.get_or_insert_with(|| Dirents::new(2));
            d.refresh(names);
            let entries = d.from(pos);
            if n.refs == 0 {
                n.dirents = None;
            }
            entries
        };
        if !emit_dots(dir, parent, pos, sink) {
            return Ok(());
        }
        let dcomps = self.t.borrow().comps(dir)?;
        for (p, name) in entries {
            if check_name(&name).is_err() {
                continue;
            }
            // Removed since the listing: skip.
            let Ok(md) = self.h.lstat(&join(&dp, &name)) else {
                continue;
            };
            let mut comps = dcomps.clone();
            comps.push(name.clone());
            let ino = self.t.borrow_mut().intern(&md, comps);
            let kind = FileType::from_mode(md.mode).unwrap_or(FileType::Regular);
            if !sink(DirEntry {
                ino,
                kind,
                name: &name,
                next: p + 1,
            }) {
                break;
            }
        }
        Ok(())
    }
}
