//! `JsFs`: a host directory served to the guest through the JavaScript host object, the wasm
//! build's counterpart of `hostfs.rs` (`--root DIR`, `--mount HOST:GUEST[:ro]` under Node).
//!
//! It keeps exactly HostFs's rules and structure (read `hostfs.rs` and `hostfs_node.rs` first;
//! the shared parts live in `hostdir.rs`): inodes are host `(dev, ino)` pairs reached by paths
//! of single checked names, re-verified component by component with `lstat` before every use,
//! never following a host symlink (files are opened with `O_NOFOLLOW` and re-checked with
//! `fstat`); symlinks are shown to the guest and resolved by the VFS in the guest namespace;
//! a read-only JsFs refuses modifications with EROFS; every file is presented as owned by
//! the given owner. Only the host calls differ: they are the host object's synchronous `fs*`
//! methods (see [`JsFsHost`]; `js/lib/host.mjs` implements them over Node's `fs`).
//!
//! The host object reaches the file systems through [`with_host`]: `FsCtx::build` runs inside
//! it (from `wasm.rs`) and builds JsFs for the file-system options.
//!
//! Rejected alternative: making HostFs generic over a host-call trait. It would share more
//! code, but the native HostFs's `std::fs` types (`Metadata`, `File`) run through all of it;
//! the duplicated part here is the sequencing of calls, with the rules in `hostdir.rs`.

use super::hostdir::{check_name, Dirents};
use super::jsfs_node::{bytes, join, ok, Fd, JsFsHost, Meta, Node, Table, HOST_PERMS, ROOT};
use super::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The host object while [`with_host`] runs.
    static CURRENT: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// Runs `f` with `host` as the host object file systems are built over.
pub fn with_host<T>(host: &JsValue, f: impl FnOnce() -> T) -> T {
    let prev = CURRENT.with(|c| c.replace(Some(host.clone())));
    let out = f();
    CURRENT.with(|c| *c.borrow_mut() = prev);
    out
}

/// A host directory served through the JS host. Wrap it in an `Rc` to mount it.
pub struct JsFs {
    t: RefCell<Table>,
    read_only: bool,
    owner: (u32, u32),
}

impl JsFs {
    /// Serve the host directory `root` through the host object set by [`with_host`] (ENOSYS
    /// outside it), every file presented as owned by `owner`. The root path may go through
    /// host symlinks; it is canonicalized once, here.
    pub fn new(root: &[u8], read_only: bool, owner: (u32, u32)) -> VfsResult<JsFs> {
        let host = CURRENT.with(|c| c.borrow().clone()).ok_or(Errno::ENOSYS)?;
        let host: Rc<JsFsHost> = Rc::new(host.unchecked_into());
        let root = bytes(host.fs_realpath(root))?;
        let mut t = Table {
            host,
            root,
            by_key: HashMap::new(),
            nodes: HashMap::new(),
            next: ROOT + 1,
            fresh: None,
        };
        let md = t.lstat(&t.root)?;
        if !md.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        t.by_key.insert(md.key(), ROOT);
        t.nodes.insert(ROOT, Node::new(md.key(), Vec::new()));
        Ok(JsFs {
            t: RefCell::new(t),
            read_only,
            owner,
        })
    }

    fn writable(&self) -> VfsResult<()> {
        if self.read_only {
            return Err(Errno::EROFS);
        }
        Ok(())
    }

    fn host(&self) -> Rc<JsFsHost> {
        self.t.borrow().host.clone()
    }

    fn to_stat(&self, ino: Ino, md: &Meta) -> Stat {
        let m = &md.0;
        Stat {
            dev: 0,
            ino,
            mode: md.mode(),
            nlink: u32::try_from(m[3]).unwrap_or(u32::MAX),
            uid: self.owner.0,
            gid: self.owner.1,
            rdev: m[4] as u64,
            size: md.size(),
            blksize: u32::try_from(m[6]).unwrap_or(4096),
            blocks: m[7] as u64,
            atime: md.time(0),
            mtime: md.time(1),
            ctime: md.time(2),
            btime: md.time(3),
        }
    }

    fn child(&self, dir: Ino, name: &[u8]) -> VfsResult<(Vec<u8>, Vec<Vec<u8>>)> {
        check_name(name)?;
        let t = self.t.borrow();
        let (dp, md) = t.resolve(dir)?;
        if !md.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        Ok((join(&dp, name), t.child_comps(dir, name)?))
    }

    fn created(&self, p: &[u8], comps: Vec<Vec<u8>>) -> VfsResult<Ino> {
        let md = self.t.borrow().lstat(p)?;
        Ok(self.t.borrow_mut().intern(&md, comps))
    }

    fn handle(&self, ino: Ino, write: bool) -> VfsResult<Rc<Fd>> {
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
        let (p, md) = t.resolve(ino)?;
        if md.is_dir() {
            return Err(Errno::EISDIR);
        }
        if md.is_symlink() {
            return Err(Errno::EINVAL);
        }
        if !md.is_file() {
            return Err(Errno::ENXIO);
        }
        let f = Rc::new(t.open_file(&p, md.key(), if write { 1 } else { 0 })?);
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

    fn metadata(&self, ino: Ino) -> VfsResult<Meta> {
        let t = self.t.borrow();
        let n = t.node(ino)?;
        if let Some(f) = n.rd.as_ref().or(n.wr.as_ref()) {
            return f.stat();
        }
        Ok(t.resolve(ino)?.1)
    }

    fn set_times(&self, p: &[u8], md: &Meta, a: &SetAttr) -> VfsResult<()> {
        if a.atime.is_none() && a.mtime.is_none() {
            return Ok(());
        }
        if !md.is_file() && !md.is_dir() {
            return Err(Errno::EOPNOTSUPP);
        }
        let t = self.t.borrow();
        let fd = ok(t.host.fs_open(p, 0, false, 0))? as i32;
        let f = Fd {
            host: t.host.clone(),
            fd,
        };
        let cur = f.stat()?;
        if cur.key() != md.key() {
            return Err(Errno::ENOENT);
        }
        let secs = |t: Timespec| t.sec as f64 + f64::from(t.nsec) / 1e9;
        let at = |t: Option<SetTime>, keep: Timespec| match t {
            None => secs(keep),
            Some(SetTime::Now) => f64::NAN,
            Some(SetTime::At(t)) => secs(t),
        };
        let (atime, mtime) = (at(a.atime, cur.time(0)), at(a.mtime, cur.time(1)));
        ok(t.host.fs_futimes(f.fd, atime, mtime)).map(|_| ())
    }
}

impl FileSystem for JsFs {
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
                let mut comps = t.node(dir)?.path.clone().ok_or(Errno::ENOENT)?;
                if comps.pop().is_none() {
                    return Ok(ROOT);
                }
                let (md, _) = t.walk(&comps)?;
                if !md.is_dir() {
                    return Err(Errno::ENOENT);
                }
                Ok(t.intern(&md, comps))
            }
            _ => {
                let (p, comps) = self.child(dir, name)?;
                let md = self.t.borrow().lstat(&p)?;
                Ok(self.t.borrow_mut().intern(&md, comps))
            }
        }
    }

    fn getattr(&self, ino: Ino) -> VfsResult<Stat> {
        let md = self.metadata(ino)?;
        Ok(self.to_stat(ino, &md))
    }

    fn setattr(&self, ino: Ino, a: &SetAttr) -> VfsResult<()> {
        self.writable()?;
        let (p, md) = self.t.borrow().resolve(ino)?;
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
            ok(f.host.fs_ftruncate(f.fd, size as f64))?;
        }
        if let Some(m) = a.mode {
            if md.is_symlink() {
                return Err(Errno::EOPNOTSUPP);
            }
            ok(self.host().fs_chmod(&p, m & HOST_PERMS))?;
        }
        self.set_times(&p, &md, a)
    }

    fn create(&self, dir: Ino, name: &[u8], node: &NewNode) -> VfsResult<Ino> {
        self.writable()?;
        if node.mode & mode::S_IFMT != mode::S_IFREG {
            return Err(Errno::EPERM);
        }
        let (p, comps) = self.child(dir, name)?;
        let host = self.host();
        let fd = ok(host.fs_open(&p, 2, true, node.mode & 0o777))? as i32;
        let f = Fd { host, fd };
        ok(f.host.fs_chmod(&p, node.mode & HOST_PERMS))?;
        let ino = self.created(&p, comps)?;
        self.t.borrow_mut().fresh = Some((ino, Rc::new(f)));
        Ok(ino)
    }

    fn mkdir(&self, dir: Ino, name: &[u8], node: &NewNode) -> VfsResult<Ino> {
        self.writable()?;
        let (p, comps) = self.child(dir, name)?;
        let host = self.host();
        ok(host.fs_mkdir(&p, node.mode & 0o777))?;
        if self.t.borrow().lstat(&p)?.is_dir() {
            ok(host.fs_chmod(&p, node.mode & HOST_PERMS))?;
        }
        self.created(&p, comps)
    }

    fn symlink(&self, dir: Ino, name: &[u8], target: &[u8], _: &NewNode) -> VfsResult<Ino> {
        self.writable()?;
        let (p, comps) = self.child(dir, name)?;
        if target.contains(&0) {
            return Err(Errno::EINVAL);
        }
        ok(self.host().fs_symlink(target, &p))?;
        self.created(&p, comps)
    }

    fn link(&self, ino: Ino, dir: Ino, name: &[u8]) -> VfsResult<()> {
        self.writable()?;
        let (src, md) = self.t.borrow().resolve(ino)?;
        if md.is_dir() {
            return Err(Errno::EPERM);
        }
        let (p, _) = self.child(dir, name)?;
        ok(self.host().fs_link(&src, &p)).map(|_| ())
    }

    fn unlink(&self, dir: Ino, name: &[u8]) -> VfsResult<()> {
        self.writable()?;
        let (p, comps) = self.child(dir, name)?;
        if self.t.borrow().lstat(&p)?.is_dir() {
            return Err(Errno::EISDIR);
        }
        ok(self.host().fs_unlink(&p))?;
        self.t.borrow_mut().forget(&comps);
        Ok(())
    }

    fn rmdir(&self, dir: Ino, name: &[u8]) -> VfsResult<()> {
        self.writable()?;
        let (p, comps) = self.child(dir, name)?;
        if !self.t.borrow().lstat(&p)?.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        ok(self.host().fs_rmdir(&p))?;
        self.t.borrow_mut().forget(&comps);
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
        self.writable()?;
        if flags & !RENAME_NOREPLACE != 0 {
            return Err(Errno::EINVAL);
        }
        let (op, ocomps) = self.child(odir, oname)?;
        let (np, ncomps) = self.child(ndir, nname)?;
        let old = self.t.borrow().lstat(&op)?;
        let victim = match self.t.borrow().lstat(&np) {
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
        ok(self.host().fs_rename(&op, &np))?;
        let mut t = self.t.borrow_mut();
        if victim.is_some() {
            t.forget(&ncomps);
        }
        t.moved(&ocomps, &ncomps);
        Ok(())
    }

    fn readlink(&self, ino: Ino) -> VfsResult<Vec<u8>> {
        let (p, md) = self.t.borrow().resolve(ino)?;
        if !md.is_symlink() {
            return Err(Errno::EINVAL);
        }
        bytes(self.host().fs_readlink(&p))
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
        ok(f.host.fs_pread(f.fd, buf, off as f64)).map(|n| n.min(buf.len()))
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
        ok(f.host.fs_pwrite(f.fd, buf, off as f64)).map(|n| n.min(buf.len()))
    }

    fn append(&self, ino: Ino, buf: &[u8]) -> VfsResult<(usize, u64)> {
        self.writable()?;
        let f = self.handle(ino, true)?;
        let size = f.stat()?.size();
        let n = ok(f.host.fs_pwrite(f.fd, buf, size as f64))?.min(buf.len());
        Ok((n, size + n as u64))
    }

    fn readdir(
        &self,
        dir: Ino,
        pos: u64,
        sink: &mut dyn FnMut(DirEntry<'_>) -> bool,
    ) -> VfsResult<()> {
        let (dp, md) = self.t.borrow().resolve(dir)?;
        if !md.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        let parent = self.lookup(dir, b"..")?;
        let listing = bytes(self.host().fs_readdir(&dp))?;
        let names: Vec<Vec<u8>> = listing
            .split(|&b| b == 0)
            .filter(|n| !n.is_empty())
            .map(<[u8]>::to_vec)
            .collect();
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
                    return Ok(());
                }
            }
        }
        let dcomps = self
            .t
            .borrow()
            .node(dir)?
            .path
            .clone()
            .ok_or(Errno::ENOENT)?;
        for (p, name) in entries {
            if check_name(&name).is_err() {
                continue;
            }
            // Removed since the listing: skip.
            let Ok(md) = self.t.borrow().lstat(&join(&dp, &name)) else {
                continue;
            };
            let mut comps = dcomps.clone();
            comps.push(name.clone());
            let ino = self.t.borrow_mut().intern(&md, comps);
            let kind = FileType::from_mode(md.mode()).unwrap_or(FileType::Regular);
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
