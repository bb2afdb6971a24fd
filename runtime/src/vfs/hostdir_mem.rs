//! `MemHost` (tests only): an in-memory host for [`HostDirFs`](super::HostDirFs), so the
//! shared rules are tested against a second implementation of [`HostCalls`] with no real
//! files. It behaves like a Linux host where it matters to confinement: intermediate
//! symlinks *are* followed (including absolute ones, from the host's own root, and `..`), so
//! only HostDirFs's own checks keep the guest inside; `O_NOFOLLOW` refuses a final symlink
//! (ELOOP); an open file outlives its unlinking; files are opened with an unprivileged
//! user's permission checks (a 0444 file cannot be reopened for writing: EACCES), unlike
//! tests on a real host that may run as root. A test can also make the host change between
//! two of HostDirFs's calls ([`MemHost::before_open`]), the race a real host can only lose
//! by chance.
//!
//! Rejected alternative: a mock that records calls and replays canned answers; it would test
//! the order of calls, not that the rules hold against a host that behaves like one.

use super::{Access, HostCalls, HostMeta};
use crate::vfs::*;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, VecDeque};

/// The host root's inode number.
const HOST_ROOT: u64 = 1;

enum Kind {
    Dir(BTreeMap<Vec<u8>, u64>),
    File(Vec<u8>),
    Link(Vec<u8>),
    Fifo,
}

struct Inode {
    mode: u32,
    nlink: u64,
    kind: Kind,
    atime: Timespec,
    mtime: Timespec,
    ctime: Timespec,
}

struct State {
    inodes: HashMap<u64, Inode>,
    next: u64,
    clock: i64,
}

/// An in-memory host file tree; `/` is its root.
pub struct MemHost {
    st: RefCell<State>,
    /// Run (once) at the start of the next `open`.
    hook: RefCell<Option<Hook>>,
}

/// Something another host process does.
type Hook = Box<dyn FnOnce(&MemHost)>;

/// An open file of a [`MemHost`].
pub struct MemFile {
    ino: u64,
    read: bool,
    write: bool,
}

/// Where a path leads: the directory holding the last component, its name, and the inode
/// it names (`None`: no such entry).
struct Found {
    dir: u64,
    name: Vec<u8>,
    ino: Option<u64>,
    /// The canonical path of `dir` (names from the root).
    dir_path: Vec<Vec<u8>>,
}

impl Default for MemHost {
    fn default() -> MemHost {
        MemHost::new()
    }
}

impl MemHost {
    /// A host with an empty root directory.
    pub fn new() -> MemHost {
        let mut inodes = HashMap::new();
        inodes.insert(
            HOST_ROOT,
            Inode::new(mode::S_IFDIR | 0o755, Kind::Dir(BTreeMap::new())),
        );
        MemHost {
            st: RefCell::new(State {
                inodes,
                next: HOST_ROOT + 1,
                clock: 1_000,
            }),
            hook: RefCell::new(None),
        }
    }

    /// Runs `f` on this host at the start of the next `open`, as another host process
    /// racing with the file system would.
    pub fn before_open(&self, f: impl FnOnce(&MemHost) + 'static) {
        *self.hook.borrow_mut() = Some(Box::new(f));
    }

    /// Adds a FIFO at `path` (there is no `mkfifo` host call).
    pub fn mkfifo(&self, path: &[u8]) -> VfsResult<()> {
        self.make(path, mode::S_IFIFO | 0o644, Kind::Fifo)
            .map(|_| ())
    }

    fn make(&self, path: &[u8], mode: u32, kind: Kind) -> VfsResult<u64> {
        let f = self.find(path, false)?;
        if f.ino.is_some() || f.name.is_empty() {
            return Err(Errno::EEXIST);
        }
        let mut st = self.st.borrow_mut();
        let now = st.tick();
        let ino = st.next;
        st.next += 1;
        let mut node = Inode::new(mode, kind);
        (node.atime, node.mtime, node.ctime) = (now, now, now);
        st.inodes.insert(ino, node);
        st.entries(f.dir)?.insert(f.name, ino);
        st.touch(f.dir, now);
        Ok(ino)
    }

    /// Resolves `path` (absolute) as Linux does: every symlink met before the last component
    /// is followed, the last one only if `follow`.
    fn find(&self, path: &[u8], follow: bool) -> VfsResult<Found> {
        if path.first() != Some(&b'/') {
            return Err(Errno::ENOENT);
        }
        let st = self.st.borrow();
        let split = |p: &[u8]| -> VecDeque<Vec<u8>> {
            p.split(|&b| b == b'/')
                .filter(|c| !c.is_empty() && *c != b".")
                .map(<[u8]>::to_vec)
                .collect()
        };
        let mut todo = split(path);
        // The directories walked through, each with its name (the host root first).
        let mut stack: Vec<(u64, Vec<u8>)> = vec![(HOST_ROOT, Vec::new())];
        let names = |s: &[(u64, Vec<u8>)]| s.iter().skip(1).map(|d| d.1.clone()).collect();
        let mut links = 0;
        loop {
            let Some(comp) = todo.pop_front() else {
                // The path ends at a directory walked into ("/", "a/..", a link to ".").
                let (ino, name) = if stack.len() > 1 {
                    stack.pop().unwrap_or_default()
                } else {
                    (HOST_ROOT, Vec::new())
                };
                return Ok(Found {
                    dir: stack.last().map_or(HOST_ROOT, |d| d.0),
                    name,
                    ino: Some(ino),
                    dir_path: names(&stack),
                });
            };
            let is_last = todo.is_empty();
            if comp == b".." {
                if stack.len() > 1 {
                    stack.pop();
                }
                continue;
            }
            let dir = stack.last().map_or(HOST_ROOT, |d| d.0);
            let ino = match &st.node(dir)?.kind {
                Kind::Dir(e) => e.get(&comp).copied(),
                _ => return Err(Errno::ENOTDIR),
            };
            let Some(ino) = ino else {
                if !is_last {
                    return Err(Errno::ENOENT);
                }
                return Ok(Found {
                    dir,
                    name: comp,
                    ino: None,
                    dir_path: names(&stack),
                });
            };
            if let Kind::Link(target) = &st.node(ino)?.kind {
                if !is_last || follow {
                    links += 1;
                    if links > MAX_SYMLINKS {
                        return Err(Errno::ELOOP);
                    }
                    if target.first() == Some(&b'/') {
                        stack.truncate(1);
                    }
                    let mut t = split(target);
                    t.extend(todo.drain(..));
                    todo = t;
                    continue;
                }
            }
            if is_last {
                return Ok(Found {
                    dir,
                    name: comp,
                    ino: Some(ino),
                    dir_path: names(&stack),
                });
            }
            stack.push((ino, comp));
        }
    }

    /// The inode `path` names (ENOENT if none).
    fn ino(&self, path: &[u8], follow: bool) -> VfsResult<u64> {
        self.find(path, follow)?.ino.ok_or(Errno::ENOENT)
    }

    fn meta(&self, ino: u64) -> VfsResult<HostMeta> {
        let st = self.st.borrow();
        let n = st.node(ino)?;
        let size = match &n.kind {
            Kind::File(d) => d.len() as u64,
            Kind::Link(t) => t.len() as u64,
            Kind::Dir(_) => 4096,
            Kind::Fifo => 0,
        };
        Ok(HostMeta {
            dev: 7,
            ino,
            mode: n.mode,
            nlink: n.nlink,
            rdev: 0,
            size,
            blksize: 4096,
            blocks: size.div_ceil(512),
            atime: n.atime,
            mtime: n.mtime,
            ctime: n.ctime,
            btime: Timespec::default(),
        })
    }

    /// Removes entry `name` of `dir` naming `ino`.
    fn drop_entry(&self, dir: u64, name: &[u8], ino: u64) -> VfsResult<()> {
        let mut st = self.st.borrow_mut();
        let now = st.tick();
        st.entries(dir)?.remove(name);
        st.touch(dir, now);
        let n = st.node_mut(ino)?;
        n.nlink = n.nlink.saturating_sub(1);
        n.ctime = now;
        Ok(())
    }
}

impl Inode {
    fn new(mode: u32, kind: Kind) -> Inode {
        let nlink = if matches!(kind, Kind::Dir(_)) { 2 } else { 1 };
        Inode {
            mode,
            nlink,
            kind,
            atime: Timespec::default(),
            mtime: Timespec::default(),
            ctime: Timespec::default(),
        }
    }
}

impl State {
    fn tick(&mut self) -> Timespec {
        self.clock += 1;
        Timespec::new(self.clock, 0)
    }

    fn node(&self, ino: u64) -> VfsResult<&Inode> {
        self.inodes.get(&ino).ok_or(Errno::ENOENT)
    }

    fn node_mut(&mut self, ino: u64) -> VfsResult<&mut Inode> {
        self.inodes.get_mut(&ino).ok_or(Errno::ENOENT)
    }

    fn entries(&mut self, dir: u64) -> VfsResult<&mut BTreeMap<Vec<u8>, u64>> {
        match &mut self.node_mut(dir)?.kind {
            Kind::Dir(e) => Ok(e),
            _ => Err(Errno::ENOTDIR),
        }
    }

    fn touch(&mut self, ino: u64, now: Timespec) {
        if let Some(n) = self.inodes.get_mut(&ino) {
            (n.mtime, n.ctime) = (now, now);
        }
    }
}

impl HostCalls for MemHost {
    type File = MemFile;

    fn realpath(&self, path: &[u8]) -> VfsResult<Vec<u8>> {
        let f = self.find(path, true)?;
        f.ino.ok_or(Errno::ENOENT)?;
        let mut out = Vec::new();
        for c in f.dir_path.iter().chain(std::iter::once(&f.name)) {
            if !c.is_empty() {
                out.push(b'/');
                out.extend_from_slice(c);
            }
        }
        if out.is_empty() {
            out.push(b'/');
        }
        Ok(out)
    }

    fn lstat(&self, path: &[u8]) -> VfsResult<HostMeta> {
        self.meta(self.ino(path, false)?)
    }

    fn fstat(&self, f: &MemFile) -> VfsResult<HostMeta> {
        self.meta(f.ino)
    }

    fn open(&self, path: &[u8], access: Access, create: Option<u32>) -> VfsResult<MemFile> {
        let hook = self.hook.borrow_mut().take();
        if let Some(f) = hook {
            f(self);
        }
        let (read, write) = (access != Access::Write, access != Access::Read);
        let ino = match (self.find(path, false)?.ino, create) {
            (Some(_), Some(_)) => return Err(Errno::EEXIST),
            (None, Some(m)) => {
                let ino = self.make(path, mode::S_IFREG | (m & 0o7777), Kind::File(Vec::new()))?;
                return Ok(MemFile { ino, read, write });
            }
            (None, None) => return Err(Errno::ENOENT),
            (Some(ino), None) => ino,
        };
        let st = self.st.borrow();
        let n = st.node(ino)?;
        match n.kind {
            Kind::Link(_) => return Err(Errno::ELOOP),
            Kind::Dir(_) if write => return Err(Errno::EISDIR),
            _ => {}
        }
        if (read && n.mode & 0o400 == 0) || (write && n.mode & 0o200 == 0) {
            return Err(Errno::EACCES);
        }
        Ok(MemFile { ino, read, write })
    }

    fn pread(&self, f: &MemFile, buf: &mut [u8], off: u64) -> VfsResult<usize> {
        if !f.read {
            return Err(Errno::EBADF);
        }
        let st = self.st.borrow();
        let Kind::File(d) = &st.node(f.ino)?.kind else {
            return Err(Errno::EISDIR);
        };
        let start = usize::try_from(off).unwrap_or(usize::MAX).min(d.len());
        let n = buf.len().min(d.len() - start);
        buf[..n].copy_from_slice(&d[start..start + n]);
        Ok(n)
    }

    fn pwrite(&self, f: &MemFile, buf: &[u8], off: u64) -> VfsResult<usize> {
        if !f.write {
            return Err(Errno::EBADF);
        }
        let mut st = self.st.borrow_mut();
        let now = st.tick();
        let n = st.node_mut(f.ino)?;
        let Kind::File(d) = &mut n.kind else {
            return Err(Errno::EISDIR);
        };
        let start = usize::try_from(off).map_err(|_| Errno::EFBIG)?;
        let end = start.checked_add(buf.len()).ok_or(Errno::EFBIG)?;
        if d.len() < end {
            d.resize(end, 0);
        }
        d[start..end].copy_from_slice(buf);
        (n.mtime, n.ctime) = (now, now);
        Ok(buf.len())
    }

    fn ftruncate(&self, f: &MemFile, len: u64) -> VfsResult<()> {
        if !f.write {
            return Err(Errno::EINVAL);
        }
        let mut st = self.st.borrow_mut();
        let now = st.tick();
        let n = st.node_mut(f.ino)?;
        let Kind::File(d) = &mut n.kind else {
            return Err(Errno::EINVAL);
        };
        d.resize(usize::try_from(len).map_err(|_| Errno::EFBIG)?, 0);
        (n.mtime, n.ctime) = (now, now);
        Ok(())
    }

    fn futimens(
        &self,
        f: &MemFile,
        atime: Option<SetTime>,
        mtime: Option<SetTime>,
    ) -> VfsResult<()> {
        let mut st = self.st.borrow_mut();
        let now = st.tick();
        let at = |t: SetTime| match t {
            SetTime::Now => now,
            SetTime::At(t) => t,
        };
        let n = st.node_mut(f.ino)?;
        if let Some(t) = atime {
            n.atime = at(t);
        }
        if let Some(t) = mtime {
            n.mtime = at(t);
        }
        n.ctime = now;
        Ok(())
    }

    fn fchmod(&self, f: &MemFile, mode: u32) -> VfsResult<()> {
        let mut st = self.st.borrow_mut();
        let now = st.tick();
        let n = st.node_mut(f.ino)?;
        n.mode = (n.mode & mode::S_IFMT) | (mode & 0o7777);
        n.ctime = now;
        Ok(())
    }

    fn chmod(&self, path: &[u8], mode: u32) -> VfsResult<()> {
        let ino = self.ino(path, true)?;
        self.fchmod(
            &MemFile {
                ino,
                read: false,
                write: false,
            },
            mode,
        )
    }

    fn mkdir(&self, path: &[u8], mode: u32) -> VfsResult<()> {
        let dir = self.find(path, false)?.dir;
        self.make(
            path,
            mode::S_IFDIR | (mode & 0o7777),
            Kind::Dir(BTreeMap::new()),
        )?;
        let mut st = self.st.borrow_mut();
        let n = st.node_mut(dir)?;
        n.nlink += 1;
        Ok(())
    }

    fn symlink(&self, target: &[u8], path: &[u8]) -> VfsResult<()> {
        let kind = Kind::Link(target.to_vec());
        self.make(path, mode::S_IFLNK | 0o777, kind).map(|_| ())
    }

    fn link(&self, from: &[u8], to: &[u8]) -> VfsResult<()> {
        let ino = self.ino(from, false)?;
        let t = self.find(to, false)?;
        if t.ino.is_some() {
            return Err(Errno::EEXIST);
        }
        let mut st = self.st.borrow_mut();
        let now = st.tick();
        let n = st.node_mut(ino)?;
        if matches!(n.kind, Kind::Dir(_)) {
            return Err(Errno::EPERM);
        }
        n.nlink += 1;
        n.ctime = now;
        st.entries(t.dir)?.insert(t.name, ino);
        st.touch(t.dir, now);
        Ok(())
    }

    fn unlink(&self, path: &[u8]) -> VfsResult<()> {
        let f = self.find(path, false)?;
        let ino = f.ino.ok_or(Errno::ENOENT)?;
        if matches!(self.st.borrow().node(ino)?.kind, Kind::Dir(_)) {
            return Err(Errno::EISDIR);
        }
        self.drop_entry(f.dir, &f.name, ino)
    }

    fn rmdir(&self, path: &[u8]) -> VfsResult<()> {
        let f = self.find(path, false)?;
        let ino = f.ino.ok_or(Errno::ENOENT)?;
        if ino == HOST_ROOT {
            return Err(Errno::EBUSY);
        }
        match &self.st.borrow().node(ino)?.kind {
            Kind::Dir(e) if !e.is_empty() => return Err(Errno::ENOTEMPTY),
            Kind::Dir(_) => {}
            _ => return Err(Errno::ENOTDIR),
        }
        self.drop_entry(f.dir, &f.name, ino)?;
        let mut st = self.st.borrow_mut();
        st.node_mut(ino)?.nlink = 0;
        let d = st.node_mut(f.dir)?;
        d.nlink = d.nlink.saturating_sub(1);
        Ok(())
    }

    fn rename(&self, from: &[u8], to: &[u8]) -> VfsResult<()> {
        let f = self.find(from, false)?;
        let ino = f.ino.ok_or(Errno::ENOENT)?;
        let t = self.find(to, false)?;
        let is_dir = |i: u64| -> VfsResult<bool> {
            Ok(matches!(self.st.borrow().node(i)?.kind, Kind::Dir(_)))
        };
        if is_dir(ino)? {
            let mut inside = t.dir_path.clone();
            inside.push(t.name.clone());
            let mut me = f.dir_path.clone();
            me.push(f.name.clone());
            if inside.len() > me.len() && inside.starts_with(&me) {
                return Err(Errno::EINVAL);
            }
        }
        if let Some(victim) = t.ino {
            if victim == ino {
                return Ok(());
            }
            match (is_dir(ino)?, is_dir(victim)?) {
                (true, false) => return Err(Errno::ENOTDIR),
                (false, true) => return Err(Errno::EISDIR),
                (true, true) => self.rmdir(to)?,
                (false, false) => self.unlink(to)?,
            }
        }
        let mut st = self.st.borrow_mut();
        let now = st.tick();
        st.entries(f.dir)?.remove(&f.name);
        st.entries(t.dir)?.insert(t.name, ino);
        st.touch(f.dir, now);
        st.touch(t.dir, now);
        Ok(())
    }

    fn readdir(&self, path: &[u8]) -> VfsResult<Vec<Vec<u8>>> {
        let ino = self.ino(path, true)?;
        match &self.st.borrow().node(ino)?.kind {
            Kind::Dir(e) => Ok(e.keys().cloned().collect()),
            _ => Err(Errno::ENOTDIR),
        }
    }

    fn readlink(&self, path: &[u8]) -> VfsResult<Vec<u8>> {
        let ino = self.ino(path, false)?;
        match &self.st.borrow().node(ino)?.kind {
            Kind::Link(t) => Ok(t.clone()),
            _ => Err(Errno::EINVAL),
        }
    }
}
