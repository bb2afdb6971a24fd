//! Syscall-shaped operations on the [`Vfs`]: `open`, `mknod`, `mkdir`,
//! `symlink`, `link`, `unlink`, `rmdir`, `rename`, `readlink`, `stat`,
//! `access`, `chmod`, `chown`, `truncate`, `utimens`.
//!
//! Each takes a [`Ctx`] (root + credentials) and a start directory (the cwd
//! or a dirfd's inode) and applies Linux's rules in Linux's order: path
//! errors, then existence (EEXIST beats EROFS), then read-only mounts
//! (EROFS), then permissions (EACCES; EPERM for the sticky bit and ownership
//! rules), then the file system's own semantics. Cross-mount `link` and
//! `rename` are EXDEV. The caller applies the umask to `mode` beforehand.

use super::file::{flags::*, OpenFile};
use super::path::{check_access, Ctx, LastKind, Parent, MAY_EXEC, MAY_READ, MAY_WRITE};
use super::*;

/// Owner and group of a new inode created by `cred` in directory `dir`
/// (a set-group-id directory passes its group on, and its bit to subdirs).
fn new_node(cred: &Cred, dir: &Stat, mode: u32) -> NewNode {
    let mut node = NewNode {
        mode,
        uid: cred.uid,
        gid: cred.gid,
        rdev: 0,
    };
    if dir.mode & mode::S_ISGID != 0 {
        node.gid = dir.gid;
        if mode & mode::S_IFMT == mode::S_IFDIR {
            node.mode |= mode::S_ISGID;
        }
    }
    node
}

/// Whether a read-only mount forbids writing an inode of this type (device
/// nodes and FIFOs stay writable: their data is not on the file system).
fn ro_applies(st: &Stat) -> bool {
    matches!(
        st.file_type(),
        Some(FileType::Regular | FileType::Directory | FileType::Symlink)
    )
}

impl Vfs {
    /// Checks to create `p.name` in `p.dir`: EEXIST if present, ENOENT for a
    /// trailing slash unless `dir_ok`, EROFS, then write+search permission.
    fn may_create(&self, ctx: &Ctx<'_>, p: &Parent, dir_ok: bool) -> VfsResult<Stat> {
        if p.kind != LastKind::Normal {
            return Err(Errno::EEXIST);
        }
        match self.lookup_child(ctx, &p.dir, &p.name) {
            Ok(_) => return Err(Errno::EEXIST),
            Err(Errno::ENOENT) => {}
            Err(e) => return Err(e),
        }
        if p.trailing_slash && !dir_ok {
            return Err(Errno::ENOENT);
        }
        self.check_writable(&p.dir)?;
        let st = p.dir.stat()?;
        check_access(ctx.cred, &st, MAY_WRITE | MAY_EXEC)?;
        Ok(st)
    }

    /// Checks to remove `victim` from `dir`: EBUSY for a mount point, EROFS,
    /// write+search permission, and the sticky bit (EPERM unless the caller
    /// owns the file or the directory, or is root).
    fn may_delete(&self, cred: &Cred, dir: &Vnode, victim: &Vnode) -> VfsResult<()> {
        if victim.mnt() != dir.mnt() {
            return Err(Errno::EBUSY);
        }
        self.check_writable(dir)?;
        let dst = dir.stat()?;
        check_access(cred, &dst, MAY_WRITE | MAY_EXEC)?;
        let vst = victim.stat()?;
        if dst.mode & mode::S_ISVTX != 0
            && cred.uid != 0
            && cred.uid != vst.uid
            && cred.uid != dst.uid
        {
            return Err(Errno::EPERM);
        }
        Ok(())
    }

    /// `openat`: open (maybe create) `path`. `mode` (umask applied) is used
    /// only when creating. The `O_CLOEXEC` bit is for the fd table. Access
    /// mode 3 needs read+write permission but allows neither (as Linux).
    /// O_TMPFILE is EOPNOTSUPP (libc falls back); O_CREAT|O_DIRECTORY is
    /// EINVAL (Linux 6.4+).
    pub fn open(
        &self,
        ctx: &Ctx<'_>,
        start: &Vnode,
        path: &[u8],
        flags: u32,
        mode: u32,
    ) -> VfsResult<OpenFile> {
        let acc = flags & O_ACCMODE;
        if flags & O_TMPFILE == O_TMPFILE && flags & O_PATH == 0 {
            return Err(Errno::EOPNOTSUPP);
        }
        if flags & (O_CREAT | O_DIRECTORY) == O_CREAT | O_DIRECTORY {
            return Err(Errno::EINVAL);
        }
        let (v, created, origin) = if flags & O_CREAT != 0 && flags & O_PATH == 0 {
            self.open_create(ctx, start, path, flags, mode)?
        } else {
            let (v, origin) = self.lookup_origin(ctx, start, path, flags & O_NOFOLLOW == 0)?;
            (v, false, origin)
        };
        let st = v.stat()?;
        let kind = st.file_type().ok_or(Errno::EINVAL)?;
        if flags & O_DIRECTORY != 0 && kind != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        if flags & O_PATH != 0 {
            return Ok(
                OpenFile::new(v, kind, flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW))
                    .with_origin(origin),
            );
        }
        match kind {
            FileType::Symlink => return Err(Errno::ELOOP),
            FileType::Socket => return Err(Errno::ENXIO),
            _ => {}
        }
        let write = acc != O_RDONLY;
        if kind == FileType::Directory && (write || flags & O_CREAT != 0) {
            return Err(Errno::EISDIR);
        }
        if !created {
            let mut mask = 0;
            if acc != O_WRONLY {
                mask |= MAY_READ;
            }
            if write || flags & O_TRUNC != 0 {
                mask |= MAY_WRITE;
                if ro_applies(&st) {
                    self.check_writable(&v)?;
                }
            }
            check_access(ctx.cred, &st, mask)?;
            if flags & O_NOATIME != 0 && ctx.cred.uid != 0 && ctx.cred.uid != st.uid {
                return Err(Errno::EPERM);
            }
        }
        v.fs().open(v.ino(), flags)?;
        if !created && flags & O_TRUNC != 0 && kind == FileType::Regular {
            let now = Some(SetTime::Now);
            let attr = SetAttr {
                size: Some(0),
                mtime: now,
                ..SetAttr::default()
            };
            v.fs().setattr(v.ino(), &attr)?;
        }
        Ok(OpenFile::new(v, kind, flags).with_origin(origin))
    }

    /// The O_CREAT half of `open`: returns the inode, whether it was
    /// created, and where it was found (as [`Vfs::lookup_origin`]).
    fn open_create(
        &self,
        ctx: &Ctx<'_>,
        start: &Vnode,
        path: &[u8],
        flags: u32,
        mode: u32,
    ) -> VfsResult<(Vnode, bool, Option<super::file::Origin>)> {
        let mut dir = start.clone();
        let mut path = path.to_vec();
        for _ in 0..=MAX_SYMLINKS {
            let p = self.lookup_parent(ctx, &dir, &path)?;
            if p.kind != LastKind::Normal || p.trailing_slash {
                return Err(Errno::EISDIR);
            }
            let v = match self.lookup_child(ctx, &p.dir, &p.name) {
                Ok(v) => v,
                Err(Errno::ENOENT) => {
                    self.check_writable(&p.dir)?;
                    let dst = p.dir.stat()?;
                    check_access(ctx.cred, &dst, MAY_WRITE | MAY_EXEC)?;
                    let m = mode::S_IFREG | (mode & mode::PERM_MASK);
                    let ino =
                        p.dir
                            .fs()
                            .create(p.dir.ino(), &p.name, &new_node(ctx.cred, &dst, m))?;
                    return Ok((p.dir.with_ino(ino), true, Some((p.dir, p.name))));
                }
                Err(e) => return Err(e),
            };
            if flags & O_EXCL != 0 {
                return Err(Errno::EEXIST);
            }
            if v.stat()?.file_type() != Some(FileType::Symlink) {
                return Ok((v, false, Some((p.dir, p.name))));
            }
            if flags & O_NOFOLLOW != 0 {
                return Err(Errno::ELOOP);
            }
            // A magic link (`/proc/self/fd/1`) is the file itself.
            if let Some((to, origin)) = v.fs().follow_link(v.ino())? {
                return Ok((to, false, origin));
            }
            path = v.fs().readlink(v.ino())?;
            dir = p.dir;
        }
        Err(Errno::ELOOP)
    }

    /// `mknodat`: create a regular file, device node, FIFO or socket (`mode`
    /// holds the type, 0 meaning regular; EPERM for a directory, EINVAL for
    /// a symlink or bad type, EPERM for a device unless root).
    pub fn mknod(
        &self,
        ctx: &Ctx<'_>,
        start: &Vnode,
        path: &[u8],
        mode: u32,
        rdev: u64,
    ) -> VfsResult<()> {
        let m = if mode & mode::S_IFMT == 0 {
            mode | mode::S_IFREG
        } else {
            mode
        };
        let kind = FileType::from_mode(m).ok_or(Errno::EINVAL)?;
        match kind {
            FileType::Directory => return Err(Errno::EPERM),
            FileType::Symlink => return Err(Errno::EINVAL),
            _ => {}
        }
        let p = self.lookup_parent(ctx, start, path)?;
        let dst = self.may_create(ctx, &p, false)?;
        let device = matches!(kind, FileType::CharDevice | FileType::BlockDevice);
        if device && ctx.cred.uid != 0 {
            return Err(Errno::EPERM);
        }
        let mut node = new_node(ctx.cred, &dst, m & (mode::S_IFMT | mode::PERM_MASK));
        node.rdev = rdev;
        p.dir.fs().create(p.dir.ino(), &p.name, &node).map(|_| ())
    }

    /// `mkdirat`.
    pub fn mkdir(&self, ctx: &Ctx<'_>, start: &Vnode, path: &[u8], mode: u32) -> VfsResult<()> {
        let p = self.lookup_parent(ctx, start, path)?;
        let dst = self.may_create(ctx, &p, true)?;
        let node = new_node(ctx.cred, &dst, mode::S_IFDIR | (mode & mode::PERM_MASK));
        p.dir.fs().mkdir(p.dir.ino(), &p.name, &node).map(|_| ())
    }

    /// `symlinkat`: create `path` pointing at `target` (stored verbatim).
    pub fn symlink(
        &self,
        ctx: &Ctx<'_>,
        target: &[u8],
        start: &Vnode,
        path: &[u8],
    ) -> VfsResult<()> {
        if target.is_empty() {
            return Err(Errno::ENOENT);
        }
        if target.len() > PATH_MAX {
            return Err(Errno::ENAMETOOLONG);
        }
        let p = self.lookup_parent(ctx, start, path)?;
        let dst = self.may_create(ctx, &p, false)?;
        let node = new_node(ctx.cred, &dst, mode::S_IFLNK | 0o777);
        p.dir
            .fs()
            .symlink(p.dir.ino(), &p.name, target, &node)
            .map(|_| ())
    }

    /// `linkat`: a new name `npath` for `opath` (`follow`: AT_SYMLINK_FOLLOW).
    pub fn link(
        &self,
        ctx: &Ctx<'_>,
        ostart: &Vnode,
        opath: &[u8],
        nstart: &Vnode,
        npath: &[u8],
        follow: bool,
    ) -> VfsResult<()> {
        let old = self.lookup(ctx, ostart, opath, follow)?;
        let p = self.lookup_parent(ctx, nstart, npath)?;
        self.may_create(ctx, &p, false)?;
        if old.mnt() != p.dir.mnt() {
            return Err(Errno::EXDEV);
        }
        if old.stat()?.is_dir() {
            return Err(Errno::EPERM);
        }
        p.dir.fs().link(old.ino(), p.dir.ino(), &p.name)
    }

    /// `unlinkat` without AT_REMOVEDIR.
    pub fn unlink(&self, ctx: &Ctx<'_>, start: &Vnode, path: &[u8]) -> VfsResult<()> {
        let p = self.lookup_parent(ctx, start, path)?;
        if p.kind != LastKind::Normal {
            return Err(Errno::EISDIR);
        }
        let victim = self.lookup_child(ctx, &p.dir, &p.name)?;
        let is_dir = victim.stat()?.is_dir();
        if p.trailing_slash {
            return Err(if is_dir {
                Errno::EISDIR
            } else {
                Errno::ENOTDIR
            });
        }
        self.may_delete(ctx.cred, &p.dir, &victim)?;
        if is_dir {
            return Err(Errno::EISDIR);
        }
        p.dir.fs().unlink(p.dir.ino(), &p.name)
    }

    /// `rmdir` (`unlinkat` with AT_REMOVEDIR).
    pub fn rmdir(&self, ctx: &Ctx<'_>, start: &Vnode, path: &[u8]) -> VfsResult<()> {
        let p = self.lookup_parent(ctx, start, path)?;
        match p.kind {
            LastKind::Normal => {}
            LastKind::Dot => return Err(Errno::EINVAL),
            LastKind::DotDot => return Err(Errno::ENOTEMPTY),
            LastKind::Root => return Err(Errno::EBUSY),
        }
        let victim = self.lookup_child(ctx, &p.dir, &p.name)?;
        if !victim.stat()?.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        if victim.same(ctx.root) {
            return Err(Errno::EBUSY);
        }
        self.may_delete(ctx.cred, &p.dir, &victim)?;
        p.dir.fs().rmdir(p.dir.ino(), &p.name)
    }

    /// `renameat2` (`flags`: RENAME_NOREPLACE or RENAME_EXCHANGE).
    pub fn rename(
        &self,
        ctx: &Ctx<'_>,
        ostart: &Vnode,
        opath: &[u8],
        nstart: &Vnode,
        npath: &[u8],
        flags: u32,
    ) -> VfsResult<()> {
        let exchange = flags & RENAME_EXCHANGE != 0;
        if flags & !(RENAME_NOREPLACE | RENAME_EXCHANGE) != 0
            || (exchange && flags & RENAME_NOREPLACE != 0)
        {
            return Err(Errno::EINVAL);
        }
        let op = self.lookup_parent(ctx, ostart, opath)?;
        let np = self.lookup_parent(ctx, nstart, npath)?;
        if op.dir.mnt() != np.dir.mnt() {
            return Err(Errno::EXDEV);
        }
        if op.kind != LastKind::Normal || np.kind != LastKind::Normal {
            return Err(Errno::EBUSY);
        }
        let old = self.lookup_child(ctx, &op.dir, &op.name)?;
        let ost = old.stat()?;
        let new = match self.lookup_child(ctx, &np.dir, &np.name) {
            Ok(v) => Some(v),
            Err(Errno::ENOENT) if !exchange => None,
            Err(e) => return Err(e),
        };
        let new_is_dir = match &new {
            Some(n) => n.stat()?.is_dir(),
            None => false,
        };
        let slash_bad = if exchange {
            (!ost.is_dir() && op.trailing_slash) || (!new_is_dir && np.trailing_slash)
        } else {
            !ost.is_dir() && (op.trailing_slash || np.trailing_slash)
        };
        if slash_bad {
            return Err(Errno::ENOTDIR);
        }
        if new.is_some() && flags & RENAME_NOREPLACE != 0 {
            return Err(Errno::EEXIST);
        }
        self.may_delete(ctx.cred, &op.dir, &old)?;
        match &new {
            Some(n) => self.may_delete(ctx.cred, &np.dir, n)?,
            None => {
                self.check_writable(&np.dir)?;
                check_access(ctx.cred, &np.dir.stat()?, MAY_WRITE | MAY_EXEC)?;
            }
        }
        if !op.dir.same(&np.dir) {
            if ost.is_dir() {
                check_access(ctx.cred, &ost, MAY_WRITE)?;
            }
            if let Some(n) = new.as_ref().filter(|_| exchange && new_is_dir) {
                check_access(ctx.cred, &n.stat()?, MAY_WRITE)?;
            }
        }
        op.dir
            .fs()
            .rename(op.dir.ino(), &op.name, np.dir.ino(), &np.name, flags)
    }

    /// `chdir`/`chroot` target check: `path` must be a directory (ENOTDIR)
    /// the caller may search (EACCES). Returns the new cwd/root.
    pub fn chdir(&self, ctx: &Ctx<'_>, start: &Vnode, path: &[u8]) -> VfsResult<Vnode> {
        let v = self.lookup(ctx, start, path, true)?;
        self.may_lookup(ctx.cred, &v)?;
        Ok(v)
    }

    /// `execve`'s open: `path` must be a regular file (EACCES otherwise, as
    /// for directories), executable by `ctx.cred` (root needs some `x` bit)
    /// on a mount without `noexec` (EACCES). Read permission is not needed.
    /// The description is readable so the loader can `pread` it.
    pub fn open_exec(&self, ctx: &Ctx<'_>, start: &Vnode, path: &[u8]) -> VfsResult<OpenFile> {
        let v = self.lookup(ctx, start, path, true)?;
        let st = v.stat()?;
        if st.file_type() != Some(FileType::Regular) || self.flags(v.mnt()).noexec {
            return Err(Errno::EACCES);
        }
        check_access(ctx.cred, &st, MAY_EXEC)?;
        Ok(OpenFile::new(v, FileType::Regular, O_RDONLY))
    }

    /// `readlinkat`: the target of the symlink `path` (EINVAL if not one).
    pub fn readlink(&self, ctx: &Ctx<'_>, start: &Vnode, path: &[u8]) -> VfsResult<Vec<u8>> {
        let v = self.lookup(ctx, start, path, false)?;
        v.fs().readlink(v.ino())
    }

    /// `fstatat`/`statx` by path (`follow`: not AT_SYMLINK_NOFOLLOW).
    pub fn stat(&self, ctx: &Ctx<'_>, start: &Vnode, path: &[u8], follow: bool) -> VfsResult<Stat> {
        self.lookup(ctx, start, path, follow)?.stat()
    }

    /// `faccessat`: may `ctx.cred` access `path` for `mask` (R=4 W=2 X=1;
    /// 0 tests existence)? The caller passes the real ids unless AT_EACCESS.
    pub fn access(
        &self,
        ctx: &Ctx<'_>,
        start: &Vnode,
        path: &[u8],
        mask: u32,
        follow: bool,
    ) -> VfsResult<()> {
        let v = self.lookup(ctx, start, path, follow)?;
        let st = v.stat()?;
        if mask & MAY_WRITE != 0 && ro_applies(&st) {
            self.check_writable(&v)?;
        }
        check_access(ctx.cred, &st, mask & 7)
    }

    /// `chmod`/`fchmod`: owner or root only (EPERM); a non-member loses S_ISGID.
    pub fn chmod(&self, cred: &Cred, v: &Vnode, mode: u32) -> VfsResult<()> {
        self.check_writable(v)?;
        let st = v.stat()?;
        if cred.uid != 0 && cred.uid != st.uid {
            return Err(Errno::EPERM);
        }
        let mut m = mode & mode::PERM_MASK;
        if cred.uid != 0 && !cred.in_group(st.gid) {
            m &= !mode::S_ISGID;
        }
        v.fs().setattr(
            v.ino(),
            &SetAttr {
                mode: Some(m),
                ..SetAttr::default()
            },
        )
    }

    /// `chown`/`fchown`/`lchown` (`None` = -1, unchanged). Non-root may only
    /// set the group of its own file to one of its groups. Changing a
    /// non-directory's ids clears S_ISUID (and S_ISGID if group-executable).
    pub fn chown(
        &self,
        cred: &Cred,
        v: &Vnode,
        uid: Option<u32>,
        gid: Option<u32>,
    ) -> VfsResult<()> {
        self.check_writable(v)?;
        let st = v.stat()?;
        if cred.uid != 0 {
            let uid_ok = uid.is_none_or(|u| u == st.uid);
            let gid_ok = gid.is_none_or(|g| g == st.gid || cred.in_group(g));
            if !uid_ok || !gid_ok || (gid.is_some() && cred.uid != st.uid) {
                return Err(Errno::EPERM);
            }
        }
        let mut attr = SetAttr {
            uid,
            gid,
            ..SetAttr::default()
        };
        if !st.is_dir() && (uid.is_some() || gid.is_some()) {
            let mut m = st.mode & !mode::S_ISUID;
            if m & 0o010 != 0 {
                m &= !mode::S_ISGID;
            }
            attr.mode = Some(m);
        }
        v.fs().setattr(v.ino(), &attr)
    }

    /// `truncate` by path (ftruncate is [`OpenFile::truncate`]): EISDIR for
    /// directories, EINVAL for other non-regular files, then EROFS, EACCES.
    pub fn truncate(&self, cred: &Cred, v: &Vnode, size: u64) -> VfsResult<()> {
        let st = v.stat()?;
        match st.file_type() {
            Some(FileType::Directory) => return Err(Errno::EISDIR),
            Some(FileType::Regular) => {}
            _ => return Err(Errno::EINVAL),
        }
        if size > i64::MAX as u64 {
            return Err(Errno::EINVAL);
        }
        self.check_writable(v)?;
        check_access(cred, &st, MAY_WRITE)?;
        v.fs().truncate(v.ino(), size)
    }

    /// `utimensat`: set times (`None` = UTIME_OMIT). Setting both to now
    /// needs ownership or write permission; explicit times need ownership
    /// (EPERM). Both omitted does nothing.
    pub fn utimens(
        &self,
        cred: &Cred,
        v: &Vnode,
        atime: Option<SetTime>,
        mtime: Option<SetTime>,
    ) -> VfsResult<()> {
        if atime.is_none() && mtime.is_none() {
            return Ok(());
        }
        self.check_writable(v)?;
        let st = v.stat()?;
        if cred.uid != 0 && cred.uid != st.uid {
            let explicit =
                matches!(atime, Some(SetTime::At(_))) || matches!(mtime, Some(SetTime::At(_)));
            if explicit {
                return Err(Errno::EPERM);
            }
            check_access(cred, &st, MAY_WRITE)?;
        }
        v.fs().setattr(
            v.ino(),
            &SetAttr {
                atime,
                mtime,
                ..SetAttr::default()
            },
        )
    }
}
