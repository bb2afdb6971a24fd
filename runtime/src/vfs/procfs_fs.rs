//! The [`FileSystem`] face of [`ProcFs`]: lookups, attributes (Linux's
//! modes), links (text and magic), reads and listings over the inode layout
//! and data sources of the parent module.

use super::*;
use crate::vfs::file::Origin;

impl FileSystem for ProcFs {
    fn name(&self) -> &str {
        "proc"
    }

    fn root(&self) -> Ino {
        ROOT
    }

    fn grab(&self, ino: Ino) {
        if let Some(n) = split(ino).filter(|n| n.kind == Kind::Snap) {
            if let Some(s) = self.state.snapshots.borrow_mut().get_mut(&(n.arg as u64)) {
                s.refs += 1;
            }
        }
    }

    fn put(&self, ino: Ino) {
        if let Some(n) = split(ino).filter(|n| n.kind == Kind::Snap) {
            let mut snaps = self.state.snapshots.borrow_mut();
            let id = n.arg as u64;
            if let Some(s) = snaps.get_mut(&id) {
                s.refs = s.refs.saturating_sub(1);
                if s.refs == 0 {
                    snaps.remove(&id);
                }
            }
        }
    }

    fn statfs(&self) -> VfsResult<StatFs> {
        Ok(StatFs {
            fs_type: PROC_SUPER_MAGIC,
            bsize: 4096,
            namelen: NAME_MAX as u64,
            ..StatFs::default()
        })
    }

    fn lookup(&self, dir: Ino, name: &[u8]) -> VfsResult<Ino> {
        let n = self.decode(dir)?;
        if kind_type(n.kind) != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        match name {
            b"." => return Ok(dir),
            b".." => return Ok(self.parent(n)),
            _ => {}
        }
        let found = match n.kind {
            Kind::Root => match pid_name(name) {
                // A thread id that is not a process's is found (Linux
                // hides it from the listing): it shows that thread.
                Some(t) => match self.state.pid_of_tid(t) {
                    Some(p) if p == t => Some(ino_of(Kind::PidDir, p, 0)),
                    Some(p) => Some(ino_of(Kind::TaskTid, p, t as u32)),
                    None => return Err(Errno::ENOENT),
                },
                None => None,
            },
            Kind::FdDir | Kind::FdinfoDir | Kind::TaskDir => {
                let k = match n.kind {
                    Kind::FdDir => Kind::FdLink,
                    Kind::FdinfoDir => Kind::Fdinfo,
                    _ => Kind::TaskTid,
                };
                let arg = fd_name(name).ok_or(Errno::ENOENT)?;
                let ino = ino_of(k, n.pid, arg);
                self.decode(ino)?;
                return Ok(ino);
            }
            _ => None,
        };
        if let Some(ino) = found {
            return Ok(ino);
        }
        self.entries(n)?
            .into_iter()
            .find(|(_, _, nm)| nm == name)
            .map(|(ino, _, _)| ino)
            .ok_or(Errno::ENOENT)
    }

    fn getattr(&self, ino: Ino) -> VfsResult<Stat> {
        let mut n = self.decode(ino)?;
        let mut shown = ino;
        if n.kind == Kind::Snap {
            let snaps = self.state.snapshots.borrow();
            shown = snaps.get(&(n.arg as u64)).ok_or(Errno::ENOENT)?.source;
            n = split(shown).ok_or(Errno::ENOENT)?;
        }
        let uid = if is_global(n.kind) {
            0
        } else {
            self.info(n.pid)?.uid
        };
        let ty = kind_type(n.kind);
        let mut size = 0;
        let perm = match n.kind {
            Kind::FdDir => 0o500,
            Kind::Environ | Kind::Auxv => 0o400,
            Kind::Hostname | Kind::PidMax | Kind::Overcommit => 0o644,
            Kind::FdLink => {
                size = 64;
                let f = self.state.with(n.pid, |p| {
                    p.files.get(n.arg as i32).and_then(|e| e.file.upgrade())
                });
                match f.flatten() {
                    Some(f) if f.readable() && f.writable() => 0o700,
                    Some(f) if f.writable() => 0o300,
                    _ => 0o500,
                }
            }
            _ => match ty {
                FileType::Directory => 0o555,
                FileType::Symlink => 0o777,
                _ => 0o444,
            },
        };
        let nlink = match n.kind {
            Kind::Root => 2 + self.state.len() as u32,
            _ if ty == FileType::Directory => 2,
            _ => 1,
        };
        Ok(Stat {
            dev: 0,
            ino: shown,
            mode: ty.mode_bits() | perm,
            nlink,
            uid,
            gid: uid,
            rdev: 0,
            size,
            blksize: 1024,
            blocks: 0,
            atime: self.boot,
            mtime: self.boot,
            ctime: self.boot,
            btime: self.boot,
        })
    }

    fn setattr(&self, ino: Ino, _attr: &SetAttr) -> VfsResult<()> {
        self.decode(ino)?;
        Err(Errno::EPERM)
    }

    fn create(&self, dir: Ino, _: &[u8], _: &NewNode) -> VfsResult<Ino> {
        self.decode(dir)?;
        Err(Errno::EPERM)
    }

    fn mkdir(&self, dir: Ino, _: &[u8], _: &NewNode) -> VfsResult<Ino> {
        self.decode(dir)?;
        Err(Errno::EPERM)
    }

    fn symlink(&self, dir: Ino, _: &[u8], _: &[u8], _: &NewNode) -> VfsResult<Ino> {
        self.decode(dir)?;
        Err(Errno::EPERM)
    }

    fn link(&self, _ino: Ino, dir: Ino, _: &[u8]) -> VfsResult<()> {
        self.decode(dir)?;
        Err(Errno::EPERM)
    }

    fn unlink(&self, dir: Ino, _: &[u8]) -> VfsResult<()> {
        self.decode(dir)?;
        Err(Errno::EPERM)
    }

    fn rmdir(&self, dir: Ino, _: &[u8]) -> VfsResult<()> {
        self.decode(dir)?;
        Err(Errno::EPERM)
    }

    fn rename(&self, odir: Ino, _: &[u8], _: Ino, _: &[u8], _: u32) -> VfsResult<()> {
        self.decode(odir)?;
        Err(Errno::EPERM)
    }

    fn readlink(&self, ino: Ino) -> VfsResult<Vec<u8>> {
        let n = self.decode(ino)?;
        match n.kind {
            Kind::SelfLink => {
                let cur = self.state.current();
                self.info(cur)?;
                Ok(cur.to_string().into_bytes())
            }
            Kind::ThreadSelf => {
                let cur = self.state.current();
                self.info(cur)?;
                let tid = self.state.current_tid();
                Ok(format!("{cur}/task/{tid}").into_bytes())
            }
            Kind::MountsLink => Ok(b"self/mounts".to_vec()),
            Kind::Exe => {
                let exe = self.info(n.pid)?.exe;
                if exe.is_empty() {
                    return Err(Errno::ENOENT);
                }
                Ok(exe)
            }
            Kind::Cwd | Kind::RootLink => {
                let p = self.info(n.pid)?;
                let dir = match n.kind {
                    Kind::Cwd => p.files.cwd.clone(),
                    _ => p.files.root.clone(),
                };
                let dir = dir.ok_or(Errno::ENOENT)?;
                let root = self.reader_root(&p).ok_or(Errno::ENOENT)?;
                let host = self.state.host().ok_or(Errno::ENOENT)?;
                host.dir_path(&dir, &root)
            }
            Kind::FdLink => {
                let p = self.info(n.pid)?;
                let e = p.files.get(n.arg as i32).ok_or(Errno::ENOENT)?;
                let f = e.file.upgrade().ok_or(Errno::ENOENT)?;
                let root = self.reader_root(&p).ok_or(Errno::ENOENT)?;
                let host = self.state.host().ok_or(Errno::ENOENT)?;
                Ok(host.describe(&f, &root))
            }
            _ => Err(Errno::EINVAL),
        }
    }

    fn follow_link(&self, ino: Ino) -> VfsResult<Option<(Vnode, Option<Origin>)>> {
        let n = self.decode(ino)?;
        let v = match n.kind {
            Kind::Cwd => self.info(n.pid)?.files.cwd.map(|d| (d, None)),
            Kind::RootLink => self.info(n.pid)?.files.root.map(|d| (d, None)),
            Kind::FdLink => self
                .info(n.pid)?
                .files
                .get(n.arg as i32)
                .and_then(|e| e.file.upgrade())
                .map(|f| (f.vnode().clone(), f.origin().cloned())),
            _ => return Ok(None),
        };
        v.map(Some).ok_or(Errno::ENOENT)
    }

    fn read(&self, ino: Ino, off: u64, buf: &mut [u8]) -> VfsResult<usize> {
        let n = self.decode(ino)?;
        let data = self.content(n)?;
        let start = usize::try_from(off).unwrap_or(usize::MAX).min(data.len());
        let len = buf.len().min(data.len() - start);
        buf[..len].copy_from_slice(&data[start..start + len]);
        Ok(len)
    }

    fn write(&self, ino: Ino, _off: u64, _buf: &[u8]) -> VfsResult<usize> {
        self.decode(ino)?;
        Err(Errno::EACCES)
    }

    fn readdir(
        &self,
        dir: Ino,
        pos: u64,
        sink: &mut dyn FnMut(DirEntry<'_>) -> bool,
    ) -> VfsResult<()> {
        let n = self.decode(dir)?;
        let mut list = vec![
            (dir, FileType::Directory, b".".to_vec()),
            (self.parent(n), FileType::Directory, b"..".to_vec()),
        ];
        list.extend(self.entries(n)?);
        for (i, (ino, kind, name)) in list.iter().enumerate().skip(pos as usize) {
            let e = DirEntry {
                ino: *ino,
                kind: *kind,
                name,
                next: i as u64 + 1,
            };
            if !sink(e) {
                break;
            }
        }
        Ok(())
    }
}
