//! Path resolution (`namei`) and permission checks.
//!
//! A path is resolved relative to a start directory (the cwd or a dirfd) or,
//! if absolute, from the caller's root (`Ctx::root`, a chroot-like root: `..`
//! there stays there, and absolute symlink targets restart there, so no path
//! escapes it). Every directory walked through needs search (`x`) permission.
//! Symlinks are followed in the middle of a path always and at the end on
//! request (`follow`), at most [`MAX_SYMLINKS`] in one resolution (ELOOP). A
//! trailing slash demands a directory and makes the last symlink be followed.
//! Limits: a component over [`NAME_MAX`] bytes or a path over [`PATH_MAX`] is
//! ENAMETOOLONG; an empty path is ENOENT (AT_EMPTY_PATH is the caller's job).

use super::file::Origin;
use super::*;

/// Read permission bit for [`check_access`].
pub const MAY_READ: u32 = 4;
/// Write permission bit for [`check_access`].
pub const MAY_WRITE: u32 = 2;
/// Execute/search permission bit for [`check_access`].
pub const MAY_EXEC: u32 = 1;

/// Who resolves, and from which root.
#[derive(Clone, Copy, Debug)]
pub struct Ctx<'a> {
    /// The caller's root directory (`/` and the limit of `..`).
    pub root: &'a Vnode,
    /// The caller's filesystem credentials.
    pub cred: &'a Cred,
}

/// What the last component of a path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LastKind {
    /// An ordinary name.
    Normal,
    /// `.`
    Dot,
    /// `..`
    DotDot,
    /// The path was only slashes (`/`).
    Root,
}

/// The result of [`Vfs::lookup_parent`]: the directory holding the last
/// component, and that component (not looked up).
#[derive(Debug)]
pub struct Parent {
    /// The directory (already checked to be one).
    pub dir: Vnode,
    /// The last component (empty for [`LastKind::Root`]).
    pub name: Vec<u8>,
    /// Its kind.
    pub kind: LastKind,
    /// Whether the path ended in `/`.
    pub trailing_slash: bool,
}

/// Linux's `generic_permission`: may `cred` access an inode with `st` for
/// `mask` (`MAY_READ | MAY_WRITE | MAY_EXEC`)? Root may do anything except
/// execute a non-directory with no `x` bit at all.
pub fn check_access(cred: &Cred, st: &Stat, mask: u32) -> VfsResult<()> {
    if cred.uid == 0 {
        if mask & MAY_EXEC == 0 || st.is_dir() || st.mode & 0o111 != 0 {
            return Ok(());
        }
        return Err(Errno::EACCES);
    }
    let bits = if cred.uid == st.uid {
        st.mode >> 6
    } else if cred.in_group(st.gid) {
        st.mode >> 3
    } else {
        st.mode
    } & 7;
    if bits & mask == mask {
        Ok(())
    } else {
        Err(Errno::EACCES)
    }
}

/// Where `path_of` starts scanning a directory (positions 0 and 1 are `.`
/// and `..` in memfs; other file systems may list them anywhere, so names
/// are still compared).
const FIRST_NAME_POS: u64 = 0;

/// Check a path's length and emptiness.
fn check_path(path: &[u8]) -> VfsResult<()> {
    if path.is_empty() {
        return Err(Errno::ENOENT);
    }
    if path.len() > PATH_MAX {
        return Err(Errno::ENAMETOOLONG);
    }
    Ok(())
}

/// Push `path`'s components onto `stack` so the first one is on top.
fn push_components(stack: &mut Vec<Vec<u8>>, path: &[u8]) -> VfsResult<()> {
    let start = stack.len();
    for comp in path.split(|&b| b == b'/').filter(|c| !c.is_empty()) {
        if comp.len() > NAME_MAX {
            stack.truncate(start);
            return Err(Errno::ENAMETOOLONG);
        }
        stack.push(comp.to_vec());
    }
    stack[start..].reverse();
    Ok(())
}

impl Vfs {
    /// The directory `dir` must be searchable by `cred` (ENOTDIR, EACCES).
    pub fn may_lookup(&self, cred: &Cred, dir: &Vnode) -> VfsResult<()> {
        let st = dir.stat()?;
        if !st.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        check_access(cred, &st, MAY_EXEC)
    }

    /// One step from directory `cur` to `name` (`.`, `..` or a name), with
    /// mount crossing, without permission checks and without following.
    fn step(&self, ctx: &Ctx<'_>, cur: &Vnode, name: &[u8]) -> VfsResult<Vnode> {
        match name {
            b"." => Ok(cur.clone()),
            b".." => {
                if cur.same(ctx.root) {
                    return Ok(cur.clone());
                }
                let up = self.cross_up(cur.clone(), ctx.root);
                if up.same(ctx.root) {
                    return Ok(up);
                }
                let ino = up.fs().lookup(up.ino(), b"..")?;
                Ok(self.cross_down(up.with_ino(ino)))
            }
            _ => {
                let ino = cur.fs().lookup(cur.ino(), name)?;
                Ok(self.cross_down(cur.with_ino(ino)))
            }
        }
    }

    /// Look up one component `name` in `dir` (search permission checked, a
    /// final symlink not followed). Used by operations after `lookup_parent`.
    pub fn lookup_child(&self, ctx: &Ctx<'_>, dir: &Vnode, name: &[u8]) -> VfsResult<Vnode> {
        self.may_lookup(ctx.cred, dir)?;
        self.step(ctx, dir, name)
    }

    /// Walk the components on `stack` from `cur`. With `origin`, records
    /// the directory and name of the last step (see [`Vfs::lookup_origin`]).
    fn walk(
        &self,
        ctx: &Ctx<'_>,
        mut cur: Vnode,
        mut stack: Vec<Vec<u8>>,
        follow_last: bool,
        mut must_dir: bool,
        mut origin: Option<&mut Option<Origin>>,
    ) -> VfsResult<Vnode> {
        let mut links = 0u32;
        while let Some(name) = stack.pop() {
            let last = stack.is_empty();
            self.may_lookup(ctx.cred, &cur)?;
            let next = self.step(ctx, &cur, &name)?;
            let is_link = next.stat()?.file_type() == Some(FileType::Symlink);
            if is_link && (!last || follow_last || must_dir) {
                links += 1;
                if links > MAX_SYMLINKS {
                    return Err(Errno::ELOOP);
                }
                // A magic link (`/proc/<pid>/fd/N`, `cwd`...) jumps to its inode.
                if let Some((to, to_origin)) = next.fs().follow_link(next.ino())? {
                    cur = to;
                    if let Some(o) = origin.as_deref_mut() {
                        *o = to_origin;
                    }
                    continue;
                }
                let target = next.fs().readlink(next.ino())?;
                check_path(&target)?;
                if target[0] == b'/' {
                    cur = ctx.root.clone();
                }
                if last && target.ends_with(b"/") {
                    must_dir = true;
                }
                push_components(&mut stack, &target)?;
                continue;
            }
            if let Some(o) = origin.as_deref_mut() {
                *o = (last && name != b"." && name != b"..").then(|| (cur.clone(), name));
            }
            cur = next;
        }
        if must_dir && !cur.stat()?.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        Ok(cur)
    }

    /// Resolve `path` from `start` (or `ctx.root` if absolute) to an inode;
    /// `follow` says whether a final symlink is followed (not: O_NOFOLLOW,
    /// lstat).
    pub fn lookup(
        &self,
        ctx: &Ctx<'_>,
        start: &Vnode,
        path: &[u8],
        follow: bool,
    ) -> VfsResult<Vnode> {
        check_path(path)?;
        let cur = if path[0] == b'/' {
            ctx.root.clone()
        } else {
            start.clone()
        };
        let mut stack = Vec::new();
        push_components(&mut stack, path)?;
        self.walk(ctx, cur, stack, follow, path.ends_with(b"/"), None)
    }

    /// [`Vfs::lookup`] that also returns where the result was found: the
    /// directory and name of the last step, for a result reached by a
    /// name (None for `.`, `..`, `/` and magic links). It is what
    /// [`Vfs::origin_path`] turns into the path `/proc/<pid>/fd/N` shows.
    pub fn lookup_origin(
        &self,
        ctx: &Ctx<'_>,
        start: &Vnode,
        path: &[u8],
        follow: bool,
    ) -> VfsResult<(Vnode, Option<Origin>)> {
        check_path(path)?;
        let cur = if path[0] == b'/' {
            ctx.root.clone()
        } else {
            start.clone()
        };
        let mut stack = Vec::new();
        push_components(&mut stack, path)?;
        let mut origin = None;
        let v = self.walk(
            ctx,
            cur,
            stack,
            follow,
            path.ends_with(b"/"),
            Some(&mut origin),
        )?;
        Ok((v, origin))
    }

    /// Resolve all but the last component of `path` (following symlinks);
    /// the result must be a directory (ENOTDIR). The last component is
    /// returned unresolved, for operations that create or remove it.
    pub fn lookup_parent(&self, ctx: &Ctx<'_>, start: &Vnode, path: &[u8]) -> VfsResult<Parent> {
        check_path(path)?;
        let cur = if path[0] == b'/' {
            ctx.root.clone()
        } else {
            start.clone()
        };
        let mut stack = Vec::new();
        push_components(&mut stack, path)?;
        let trailing_slash = path.ends_with(b"/");
        let Some(name) = (if stack.is_empty() {
            None
        } else {
            Some(stack.remove(0))
        }) else {
            return Ok(Parent {
                dir: cur,
                name: Vec::new(),
                kind: LastKind::Root,
                trailing_slash,
            });
        };
        let dir = if stack.is_empty() {
            cur
        } else {
            self.walk(ctx, cur, stack, true, true, None)?
        };
        if !dir.stat()?.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        let kind = match &name[..] {
            b"." => LastKind::Dot,
            b".." => LastKind::DotDot,
            _ => LastKind::Normal,
        };
        Ok(Parent {
            dir,
            name,
            kind,
            trailing_slash,
        })
    }
}

impl Vfs {
    /// The absolute path of directory `dir` as seen from `ctx.root`
    /// (`getcwd`, `/proc/self/cwd`): walks `..` up, finding each name by
    /// inode number in the parent. ENOENT if `dir` (or an ancestor) was
    /// removed or lies outside `ctx.root`; ENAMETOOLONG past `PATH_MAX`.
    pub fn path_of(&self, ctx: &Ctx<'_>, dir: &Vnode) -> VfsResult<Vec<u8>> {
        let mut names: Vec<Vec<u8>> = Vec::new();
        let mut len = 0usize;
        let mut cur = dir.clone();
        while !cur.same(ctx.root) {
            let st = cur.stat()?;
            if !st.is_dir() {
                return Err(Errno::ENOTDIR);
            }
            if st.nlink == 0 {
                return Err(Errno::ENOENT);
            }
            cur = self.cross_up(cur, ctx.root);
            if cur.same(ctx.root) {
                break;
            }
            let pino = cur.fs().lookup(cur.ino(), b"..")?;
            if pino == cur.ino() {
                return Err(Errno::ENOENT);
            }
            let mut name = None;
            cur.fs().readdir(pino, FIRST_NAME_POS, &mut |e| {
                if e.ino == cur.ino() && e.name != b"." && e.name != b".." {
                    name = Some(e.name.to_vec());
                    return false;
                }
                true
            })?;
            let name = name.ok_or(Errno::ENOENT)?;
            len += name.len() + 1;
            if len > PATH_MAX {
                return Err(Errno::ENAMETOOLONG);
            }
            names.push(name);
            cur = cur.with_ino(pino);
        }
        if names.is_empty() {
            return Ok(b"/".to_vec());
        }
        let mut out = Vec::with_capacity(len);
        for n in names.iter().rev() {
            out.push(b'/');
            out.extend_from_slice(n);
        }
        Ok(out)
    }

    /// The absolute path (from `ctx.root`) of `v`, reached as `name` in
    /// directory `dir` when `origin` says so: what `readlink` of
    /// `/proc/<pid>/fd/N` and the path column of `maps` show. Directories
    /// use [`Vfs::path_of`]; a file whose links are all gone gets Linux's
    /// ` (deleted)` suffix. ENOENT when no path is known.
    pub fn origin_path(
        &self,
        ctx: &Ctx<'_>,
        v: &Vnode,
        origin: Option<&Origin>,
    ) -> VfsResult<Vec<u8>> {
        let st = v.stat()?;
        if st.is_dir() {
            return self.path_of(ctx, v);
        }
        let (dir, name) = origin.ok_or(Errno::ENOENT)?;
        let mut p = self.path_of(ctx, dir)?;
        if p != b"/" {
            p.push(b'/');
        }
        p.extend_from_slice(name);
        if st.nlink == 0 {
            p.extend_from_slice(b" (deleted)");
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::memfs::MemFs;
    use std::rc::Rc;

    fn setup() -> (Vfs, Rc<MemFs>) {
        let fs = Rc::new(MemFs::new(Box::new(|| Timespec::new(100, 0))));
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
    fn permission_bits() {
        let st = Stat {
            mode: mode::S_IFREG | 0o640,
            uid: 10,
            gid: 20,
            ..Stat::default()
        };
        assert_eq!(
            check_access(&Cred::user(10, 1), &st, MAY_READ | MAY_WRITE),
            Ok(())
        );
        assert_eq!(check_access(&Cred::user(11, 20), &st, MAY_READ), Ok(()));
        assert_eq!(
            check_access(&Cred::user(11, 20), &st, MAY_WRITE),
            Err(Errno::EACCES)
        );
        let grp = Cred {
            uid: 11,
            gid: 1,
            groups: vec![20],
        };
        assert_eq!(check_access(&grp, &st, MAY_READ), Ok(()));
        assert_eq!(
            check_access(&Cred::user(12, 1), &st, MAY_READ),
            Err(Errno::EACCES)
        );
        assert_eq!(check_access(&Cred::root(), &st, MAY_WRITE), Ok(()));
        assert_eq!(
            check_access(&Cred::root(), &st, MAY_EXEC),
            Err(Errno::EACCES)
        );
        let x = Stat {
            mode: mode::S_IFREG | 0o001,
            ..st
        };
        assert_eq!(check_access(&Cred::root(), &x, MAY_EXEC), Ok(()));
    }

    #[test]
    fn components_symlinks_and_slashes() {
        let (vfs, fs) = setup();
        let root = vfs.root();
        let cred = Cred::root();
        let ctx = Ctx {
            root: &root,
            cred: &cred,
        };
        let a = fs.mkdir(1, b"a", &node(0o755)).unwrap();
        let f = fs.create(a, b"f", &node(mode::S_IFREG | 0o644)).unwrap();
        fs.symlink(1, b"la", b"a", &node(0)).unwrap();
        fs.symlink(1, b"lf", b"/a/f", &node(0)).unwrap();
        assert_eq!(vfs.lookup(&ctx, &root, b"//a///f", true).unwrap().ino(), f);
        assert_eq!(vfs.lookup(&ctx, &root, b"la/f", false).unwrap().ino(), f);
        assert_eq!(vfs.lookup(&ctx, &root, b"lf", true).unwrap().ino(), f);
        let l = vfs.lookup(&ctx, &root, b"lf", false).unwrap();
        assert_eq!(l.stat().unwrap().file_type(), Some(FileType::Symlink));
        assert_eq!(
            vfs.lookup(&ctx, &root, b"a/f/", true).unwrap_err(),
            Errno::ENOTDIR
        );
        assert_eq!(
            vfs.lookup(&ctx, &root, b"a/f/x", true).unwrap_err(),
            Errno::ENOTDIR
        );
        assert_eq!(vfs.lookup(&ctx, &root, b"la/", false).unwrap().ino(), a);
        assert_eq!(
            vfs.lookup(&ctx, &root, b"", true).unwrap_err(),
            Errno::ENOENT
        );
        assert_eq!(
            vfs.lookup(&ctx, &root, b"a/nope", true).unwrap_err(),
            Errno::ENOENT
        );
        let long = vec![b'x'; 256];
        assert_eq!(
            vfs.lookup(&ctx, &root, &long, true).unwrap_err(),
            Errno::ENAMETOOLONG
        );
        let deep = b"a/".repeat(2048);
        assert_eq!(
            vfs.lookup(&ctx, &root, &deep, true).unwrap_err(),
            Errno::ENAMETOOLONG
        );
        let p = vfs.lookup_parent(&ctx, &root, b"la/new/").unwrap();
        assert_eq!(
            (p.dir.ino(), &p.name[..], p.trailing_slash),
            (a, &b"new"[..], true)
        );
        assert_eq!(
            vfs.lookup_parent(&ctx, &root, b"/").unwrap().kind,
            LastKind::Root
        );
        assert_eq!(
            vfs.lookup_parent(&ctx, &root, b"a/..").unwrap().kind,
            LastKind::DotDot
        );
        assert_eq!(
            vfs.lookup_parent(&ctx, &root, b"a/f/g").unwrap_err(),
            Errno::ENOTDIR
        );
    }

    #[test]
    fn origin_is_the_real_directory_and_name() {
        let (vfs, fs) = setup();
        let root = vfs.root();
        let cred = Cred::root();
        let ctx = Ctx {
            root: &root,
            cred: &cred,
        };
        let a = fs.mkdir(1, b"a", &node(0o755)).unwrap();
        fs.create(a, b"f", &node(mode::S_IFREG | 0o644)).unwrap();
        fs.symlink(1, b"la", b"a", &node(0)).unwrap();
        fs.symlink(a, b"lf", b"f", &node(0)).unwrap();
        // Through a directory link and a final file link: /a/f.
        let (v, fo) = vfs.lookup_origin(&ctx, &root, b"/la/lf", true).unwrap();
        assert_eq!(
            fo.as_ref().map(|o| (o.0.ino(), &o.1[..])),
            Some((a, &b"f"[..]))
        );
        assert_eq!(vfs.origin_path(&ctx, &v, fo.as_ref()).unwrap(), b"/a/f");
        // A directory names itself; `..` has no origin but a path.
        let (d, o) = vfs.lookup_origin(&ctx, &root, b"/a/..", true).unwrap();
        assert!(o.is_none());
        assert_eq!(vfs.origin_path(&ctx, &d, None).unwrap(), b"/");
        // Unlinked: Linux's suffix.
        fs.unlink(a, b"f").unwrap();
        assert_eq!(
            vfs.origin_path(&ctx, &v, fo.as_ref()).unwrap(),
            b"/a/f (deleted)"
        );
        assert_eq!(vfs.origin_path(&ctx, &v, None), Err(Errno::ENOENT));
    }

    #[test]
    fn search_permission_needed() {
        let (vfs, fs) = setup();
        let root = vfs.root();
        let d = fs.mkdir(1, b"d", &node(0o700)).unwrap();
        fs.create(d, b"f", &node(mode::S_IFREG | 0o644)).unwrap();
        let user = Cred::user(1000, 1000);
        let ctx = Ctx {
            root: &root,
            cred: &user,
        };
        assert_eq!(
            vfs.lookup(&ctx, &root, b"/d/f", true).unwrap_err(),
            Errno::EACCES
        );
        assert_eq!(vfs.lookup(&ctx, &root, b"/d", true).unwrap().ino(), d);
        let cred = Cred::root();
        let rctx = Ctx {
            root: &root,
            cred: &cred,
        };
        assert!(vfs.lookup(&rctx, &root, b"/d/f", true).is_ok());
    }
}
