//! `HostFs`: a host directory served to the guest (`--root DIR`,
//! `--mount HOST:GUEST[:ro]`), read-only or read-write. Native builds only.
//!
//! Confinement is the point: no guest path may reach outside the served
//! directory. The VFS resolves paths one component at a time through
//! `lookup`, so HostFs only ever joins single checked names (never `.`,
//! `..`, or anything with `/`) to paths it has verified, and never follows a
//! host symlink itself: `lstat` everywhere, `O_NOFOLLOW` plus an `fstat`
//! identity check when opening (see `hostfs_node.rs`). A
//! host symlink is shown to the guest as a symlink; the VFS resolves its
//! target in the guest namespace, so `../../etc/passwd` stops at the served
//! root and `/etc/passwd` restarts there. `..` of the root is the root (and
//! the mount layer steps above it only into the guest's own tree).
//!
//! Choices:
//! - Ownership: every file is presented as owned by the `owner` given at
//!   construction (the runtime passes the guest's uid/gid, so a guest user
//!   owns the files the host user owns); `chown` to that owner succeeds and
//!   changes nothing, to anyone else it is EPERM. Permission bits are the
//!   host's. New files get the guest's mode, without set-user/group-id bits
//!   (a guest must not plant setuid files on the host).
//! - Inode numbers: host `(dev, ino)` pairs mapped to small numbers in order
//!   of discovery, stable for the life of the file system (root is 1).
//! - Directory listings are sorted by name, with positions that stay valid
//!   while other entries come and go (names seen later are listed after the
//!   first ones).
//! - Only regular files, directories and symlinks are created (device nodes,
//!   FIFOs and sockets: EPERM); host FIFOs/devices/sockets exist in listings
//!   and `stat` but opening them is ENXIO (their I/O is not proxied).
//!   `RENAME_EXCHANGE` is EINVAL (std has no `renameat2`).
//! - A read-only HostFs refuses every modification with EROFS by itself, in
//!   addition to the mount's read-only flag (mount it with both so the VFS's
//!   EEXIST-before-EROFS ordering holds).
//! - Guest symlinks are stored verbatim, absolute targets included: they
//!   mean guest paths (a host process following them is on its own).
//! - Open files hold host file handles, so an unlinked file stays readable;
//!   a removed directory, unlike memfs, is simply gone (ENOENT).
//!
//! Wiring: `--root DIR` is `Vfs::new(Rc::new(HostFs::new(dir, false, owner)?))`;
//! `--mount HOST:GUEST[:ro]` is `vfs.mount(&guest_dir, Rc::new(HostFs::new(
//! host, ro, owner)?), MountFlags { read_only: ro, .. })`.
//!
//! Cost: every operation by path re-checks the inode's host path with one
//! `lstat` per component (the price of confinement without `openat`); I/O
//! on open files goes straight to the cached host handle.
//!
//! Rejected alternative: `openat`-style resolution holding a host directory
//! descriptor per inode (immune to host-side races, but it needs `libc` and
//! one descriptor per visited directory). Here a host process racing to swap
//! a verified directory for a symlink between our `lstat` and our use is the
//! remaining window; guest operations cannot create it (they are serialised
//! and keep the table's paths up to date), and the post-open `fstat` check
//! still stops file I/O through a swapped path.

use super::hostfs_node::{
    check_name, errno, key, lstat, open_file, Dirents, Table, O_NOFOLLOW, O_NONBLOCK, ROOT,
};
use super::*;
use std::cell::RefCell;
use std::ffi::OsStr;
use std::fs::{File, Metadata};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, FileExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Permission bits a guest may set on a host file (no suid/sgid).
const HOST_PERMS: u32 = 0o1777;

/// A host directory as a file system. Wrap it in an `Rc` to mount it.
pub struct HostFs {
    t: RefCell<Table>,
    read_only: bool,
    owner: (u32, u32),
}

fn ts(sec: i64, nsec: i64) -> Timespec {
    Timespec::new(sec, nsec.clamp(0, 999_999_999) as u32)
}

/// A guest time as a host time (EINVAL if the host cannot represent it).
fn to_system_time(t: Timespec) -> VfsResult<SystemTime> {
    let secs = Duration::from_secs(t.sec.unsigned_abs());
    let whole = if t.sec >= 0 {
        UNIX_EPOCH.checked_add(secs)
    } else {
        UNIX_EPOCH.checked_sub(secs)
    };
    whole
        .and_then(|w| w.checked_add(Duration::from_nanos(t.nsec as u64)))
        .ok_or(Errno::EINVAL)
}

fn host(name: &[u8]) -> &OsStr {
    OsStr::from_bytes(name)
}

impl HostFs {
    /// Serve the directory `root` (ENOENT/ENOTDIR if it is not one), with
    /// every file presented as owned by `owner` (uid, gid).
    /// The root path itself may go through host symlinks (it is the host
    /// user's choice); it is canonicalized once, here.
    pub fn new(root: &Path, read_only: bool, owner: (u32, u32)) -> VfsResult<HostFs> {
        let root = std::fs::canonicalize(root).map_err(errno)?;
        Ok(HostFs {
            t: RefCell::new(Table::new(root)?),
            read_only,
            owner,
        })
    }

    /// Whether this file system refuses modifications.
    pub fn read_only(&self) -> bool {
        self.read_only
    }

    fn writable(&self) -> VfsResult<()> {
        if self.read_only {
            return Err(Errno::EROFS);
        }
        Ok(())
    }

    fn to_stat(&self, ino: Ino, md: &Metadata) -> Stat {
        let btime = md
            .created()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(Timespec::default(), |d| {
                Timespec::new(d.as_secs() as i64, d.subsec_nanos())
            });
        Stat {
            dev: 0,
            ino,
            mode: md.mode(),
            nlink: u32::try_from(md.nlink()).unwrap_or(u32::MAX),
            uid: self.owner.0,
            gid: self.owner.1,
            rdev: md.rdev(),
            size: md.size(),
            blksize: u32::try_from(md.blksize()).unwrap_or(4096),
            blocks: md.blocks(),
            atime: ts(md.atime(), md.atime_nsec()),
            mtime: ts(md.mtime(), md.mtime_nsec()),
            ctime: ts(md.ctime(), md.ctime_nsec()),
            btime,
        }
    }

    /// The verified host path of directory `dir` and of `name` in it, with
    /// the child's path components.
    fn child(&self, dir: Ino, name: &[u8]) -> VfsResult<(PathBuf, Vec<Vec<u8>>)> {
        check_name(name)?;
        let t = self.t.borrow();
        let (dp, md) = t.resolve(dir)?;
        if !md.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        Ok((dp.join(host(name)), t.child_comps(dir, name)?))
    }

    /// Record a host file just created at `p`/`comps`.
    fn created(&self, p: &Path, comps: Vec<Vec<u8>>) -> VfsResult<Ino> {
        let md = lstat(p)?;
        Ok(self.t.borrow_mut().intern(&md, comps))
    }

    /// A handle for I/O on regular file `ino` (cached while referenced).
    fn handle(&self, ino: Ino, write: bool) -> VfsResult<Rc<File>> {
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
        let ft = md.file_type();
        if ft.is_dir() {
            return Err(Errno::EISDIR);
        }
        if ft.is_symlink() {
            return Err(Errno::EINVAL);
        }
        if !ft.is_file() {
            return Err(Errno::ENXIO);
        }
        let f = Rc::new(open_file(&p, key(&md), !write, write)?);
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

    /// Host metadata of `ino`: through an open handle if there is one (so
    /// an unlinked open file still stats), else by verified path.
    fn metadata(&self, ino: Ino) -> VfsResult<Metadata> {
        let t = self.t.borrow();
        let n = t.node(ino)?;
        if let Some(f) = n.rd.as_ref().or(n.wr.as_ref()) {
            return f.metadata().map_err(errno);
        }
        Ok(t.resolve(ino)?.1)
    }

    fn set_times(&self, p: &Path, md: &Metadata, a: &SetAttr) -> VfsResult<()> {
        if a.atime.is_none() && a.mtime.is_none() {
            return Ok(());
        }
        if !md.is_file() && !md.is_dir() {
            return Err(Errno::EOPNOTSUPP);
        }
        let f = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(O_NOFOLLOW | O_NONBLOCK)
            .open(p)
            .map_err(errno)?;
        if key(&f.metadata().map_err(errno)?) != key(md) {
            return Err(Errno::ENOENT);
        }
        let at = |t: SetTime| match t {
            SetTime::Now => Ok(SystemTime::now()),
            SetTime::At(t) => to_system_time(t),
        };
        let mut times = std::fs::FileTimes::new();
        if let Some(t) = a.atime {
            times = times.set_accessed(at(t)?);
        }
        if let Some(t) = a.mtime {
            times = times.set_modified(at(t)?);
        }
        f.set_times(times).map_err(errno)
    }
}

impl FileSystem for HostFs {
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
                let md = lstat(&p)?;
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
        let ft = md.file_type();
        let other_owner =
            a.uid.is_some_and(|u| u != self.owner.0) || a.gid.is_some_and(|g| g != self.owner.1);
        if other_owner {
            return Err(Errno::EPERM);
        }
        if let Some(size) = a.size {
            if ft.is_dir() {
                return Err(Errno::EISDIR);
            }
            if !ft.is_file() {
                return Err(Errno::EINVAL);
            }
            self.handle(ino, true)?.set_len(size).map_err(errno)?;
        }
        if let Some(m) = a.mode {
            if ft.is_symlink() {
                return Err(Errno::EOPNOTSUPP);
            }
            let perms = std::fs::Permissions::from_mode(m & HOST_PERMS);
            std::fs::set_permissions(&p, perms).map_err(errno)?;
        }
        self.set_times(&p, &md, a)
    }

    fn create(&self, dir: Ino, name: &[u8], node: &NewNode) -> VfsResult<Ino> {
        self.writable()?;
        if node.mode & mode::S_IFMT != mode::S_IFREG {
            return Err(Errno::EPERM);
        }
        let (p, comps) = self.child(dir, name)?;
        let f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(node.mode & 0o777)
            .custom_flags(O_NONBLOCK)
            .open(&p)
            .map_err(errno)?;
        let perms = std::fs::Permissions::from_mode(node.mode & HOST_PERMS);
        f.set_permissions(perms).map_err(errno)?;
        let ino = self.created(&p, comps)?;
        self.t.borrow_mut().fresh = Some((ino, Rc::new(f)));
        Ok(ino)
    }

    fn mkdir(&self, dir: Ino, name: &[u8], node: &NewNode) -> VfsResult<Ino> {
        self.writable()?;
        let (p, comps) = self.child(dir, name)?;
        std::fs::DirBuilder::new()
            .mode(node.mode & 0o777)
            .create(&p)
            .map_err(errno)?;
        if lstat(&p)?.is_dir() {
            let perms = std::fs::Permissions::from_mode(node.mode & HOST_PERMS);
            std::fs::set_permissions(&p, perms).map_err(errno)?;
        }
        self.created(&p, comps)
    }

    fn symlink(&self, dir: Ino, name: &[u8], target: &[u8], _: &NewNode) -> VfsResult<Ino> {
        self.writable()?;
        let (p, comps) = self.child(dir, name)?;
        if target.contains(&0) {
            return Err(Errno::EINVAL);
        }
        std::os::unix::fs::symlink(host(target), &p).map_err(errno)?;
        self.created(&p, comps)
    }

    fn link(&self, ino: Ino, dir: Ino, name: &[u8]) -> VfsResult<()> {
        self.writable()?;
        let (src, md) = self.t.borrow().resolve(ino)?;
        if md.is_dir() {
            return Err(Errno::EPERM);
        }
        let (p, _) = self.child(dir, name)?;
        std::fs::hard_link(&src, &p).map_err(errno)
    }

    fn unlink(&self, dir: Ino, name: &[u8]) -> VfsResult<()> {
        self.writable()?;
        let (p, comps) = self.child(dir, name)?;
        if lstat(&p)?.is_dir() {
            return Err(Errno::EISDIR);
        }
        std::fs::remove_file(&p).map_err(errno)?;
        self.t.borrow_mut().forget(&comps);
        Ok(())
    }

    fn rmdir(&self, dir: Ino, name: &[u8]) -> VfsResult<()> {
        self.writable()?;
        let (p, comps) = self.child(dir, name)?;
        if !lstat(&p)?.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        std::fs::remove_dir(&p).map_err(errno)?;
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
        let old = lstat(&op)?;
        let victim = match lstat(&np) {
            Ok(md) => Some(md),
            Err(Errno::ENOENT) => None,
            Err(e) => return Err(e),
        };
        if let Some(v) = &victim {
            if flags & RENAME_NOREPLACE != 0 {
                return Err(Errno::EEXIST);
            }
            if key(v) == key(&old) {
                return Ok(());
            }
        }
        std::fs::rename(&op, &np).map_err(errno)?;
        let mut t = self.t.borrow_mut();
        if victim.is_some() {
            t.forget(&ncomps);
        }
        t.moved(&ocomps, &ncomps);
        Ok(())
    }

    fn readlink(&self, ino: Ino) -> VfsResult<Vec<u8>> {
        let (p, md) = self.t.borrow().resolve(ino)?;
        if !md.file_type().is_symlink() {
            return Err(Errno::EINVAL);
        }
        let target = std::fs::read_link(&p).map_err(errno)?;
        Ok(target.as_os_str().as_bytes().to_vec())
    }

    fn open(&self, ino: Ino, flags: u32) -> VfsResult<()> {
        let md = self.metadata(ino)?;
        let ft = md.file_type();
        if ft.is_dir() {
            return Ok(());
        }
        if !ft.is_file() {
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
        f.read_at(buf, off).map_err(errno)
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
        f.write_at(buf, off).map_err(errno)
    }

    fn append(&self, ino: Ino, buf: &[u8]) -> VfsResult<(usize, u64)> {
        self.writable()?;
        let f = self.handle(ino, true)?;
        let size = f.metadata().map_err(errno)?.len();
        let n = f.write_at(buf, size).map_err(errno)?;
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
        let mut names = Vec::new();
        for e in std::fs::read_dir(&dp).map_err(errno)? {
            names.push(e.map_err(errno)?.file_name().as_bytes().to_vec());
        }
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
            // Removed since `read_dir`: skip.
            let Ok(md) = lstat(&dp.join(host(&name))) else {
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

#[cfg(test)]
#[path = "hostfs_tests.rs"]
mod tests;
