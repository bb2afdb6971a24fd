//! HostFs internals: the inode table and the confinement rules.
//!
//! Every inode is a host `(dev, ino)` pair given a small stable number, plus
//! the path (components relative to the served root) it was last reached by.
//! A path is only ever used after [`Table::resolve`] has re-checked it
//! component by component with `lstat` (never following a host symlink):
//! every intermediate component must still be a real directory and the last
//! one must still be the same `(dev, ino)`. Components are single names
//! checked by [`check_name`] (no `/`, no NUL, never `.` or `..`), so a path
//! built from them cannot leave the served directory. Anything that no longer
//! matches (the host tree changed under us) is ENOENT rather than a guess.
//! Files are opened with `O_NOFOLLOW` and re-checked with `fstat`.

pub(super) use super::hostdir::{check_name, Dirents};
use super::*;
use std::collections::HashMap;
use std::fs::{File, Metadata, OpenOptions};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// The served root's inode number.
pub(super) const ROOT: Ino = 1;

/// Linux's `O_NOFOLLOW` (arch-dependent value; 0 elsewhere, where the fstat
/// check after opening still catches a swapped-in symlink).
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "aarch64",
        target_arch = "arm",
        target_arch = "powerpc",
        target_arch = "powerpc64"
    )
))]
pub(super) const O_NOFOLLOW: i32 = 0o100000;
#[cfg(all(
    target_os = "linux",
    not(any(
        target_arch = "aarch64",
        target_arch = "arm",
        target_arch = "powerpc",
        target_arch = "powerpc64"
    ))
))]
pub(super) const O_NOFOLLOW: i32 = 0o400000;
#[cfg(target_vendor = "apple")]
pub(super) const O_NOFOLLOW: i32 = 0x100;
#[cfg(not(any(target_os = "linux", target_vendor = "apple")))]
pub(super) const O_NOFOLLOW: i32 = 0;

/// Linux's `O_NONBLOCK` (so a FIFO swapped in by the host cannot block an
/// open); 0 elsewhere.
#[cfg(target_os = "linux")]
pub(super) const O_NONBLOCK: i32 = 0o4000;
#[cfg(not(target_os = "linux"))]
pub(super) const O_NONBLOCK: i32 = 0;

/// A host file's identity.
pub(super) type Key = (u64, u64);

/// The identity of host metadata.
pub(super) fn key(md: &Metadata) -> Key {
    (md.dev(), md.ino())
}

/// A host I/O error as a guest errno (Linux hosts share the numbers).
pub(super) fn errno(e: io::Error) -> Errno {
    #[cfg(target_os = "linux")]
    if let Some(raw) = e.raw_os_error() {
        return Errno(raw);
    }
    use io::ErrorKind::*;
    match e.kind() {
        NotFound => Errno::ENOENT,
        PermissionDenied => Errno::EACCES,
        AlreadyExists => Errno::EEXIST,
        DirectoryNotEmpty => Errno::ENOTEMPTY,
        IsADirectory => Errno::EISDIR,
        NotADirectory => Errno::ENOTDIR,
        ReadOnlyFilesystem => Errno::EROFS,
        StorageFull => Errno::ENOSPC,
        InvalidInput => Errno::EINVAL,
        FileTooLarge => Errno::EFBIG,
        _ => Errno::EIO,
    }
}

/// `lstat` (never follows the last component).
pub(super) fn lstat(p: &Path) -> VfsResult<Metadata> {
    std::fs::symlink_metadata(p).map_err(errno)
}

/// Open the regular file `p` without following a symlink, and check it is
/// still `want` (ENOENT otherwise: the host tree changed).
pub(super) fn open_file(p: &Path, want: Key, read: bool, write: bool) -> VfsResult<File> {
    let f = OpenOptions::new()
        .read(read)
        .write(write)
        .custom_flags(O_NOFOLLOW | O_NONBLOCK)
        .open(p)
        .map_err(errno)?;
    let md = f.metadata().map_err(errno)?;
    if key(&md) != want || !md.is_file() {
        return Err(Errno::ENOENT);
    }
    Ok(f)
}

/// One inode.
pub(super) struct Node {
    /// Host identity.
    pub(super) key: Key,
    /// Components from the root, as last seen (None: unknown, e.g. removed).
    pub(super) path: Option<Vec<Vec<u8>>>,
    /// References held by `Vnode`s.
    pub(super) refs: u32,
    /// Read handle (regular files, while referenced).
    pub(super) rd: Option<Rc<File>>,
    /// Write handle (regular files, while referenced).
    pub(super) wr: Option<Rc<File>>,
    /// A directory's readdir positions (while referenced).
    pub(super) dirents: Option<Dirents>,
}

/// The inode table.
pub(super) struct Table {
    /// The served directory.
    pub(super) root: PathBuf,
    /// Host identity -> inode number (kept forever: numbers are stable).
    pub(super) by_key: HashMap<Key, Ino>,
    /// Inodes.
    pub(super) nodes: HashMap<Ino, Node>,
    /// Next number to hand out.
    pub(super) next: Ino,
    /// The read-write handle of the file `create` just made, for the `open`
    /// that follows (its mode may not allow reopening, as `O_CREAT` with 0444).
    pub(super) fresh: Option<(Ino, Rc<File>)>,
}

impl Table {
    /// A table whose root is the directory `root`.
    pub(super) fn new(root: PathBuf) -> VfsResult<Table> {
        let md = lstat(&root)?;
        if !md.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        let mut t = Table {
            root,
            by_key: HashMap::new(),
            nodes: HashMap::new(),
            next: ROOT + 1,
            fresh: None,
        };
        t.by_key.insert(key(&md), ROOT);
        t.nodes.insert(ROOT, Node::new(key(&md), Vec::new()));
        Ok(t)
    }

    /// A node (ENOENT if unknown).
    pub(super) fn node(&self, ino: Ino) -> VfsResult<&Node> {
        self.nodes.get(&ino).ok_or(Errno::ENOENT)
    }

    /// A node, mutably (ENOENT if unknown).
    pub(super) fn node_mut(&mut self, ino: Ino) -> VfsResult<&mut Node> {
        self.nodes.get_mut(&ino).ok_or(Errno::ENOENT)
    }

    /// The host path of `ino`, re-verified (see the module doc), with its metadata.
    pub(super) fn resolve(&self, ino: Ino) -> VfsResult<(PathBuf, Metadata)> {
        let n = self.node(ino)?;
        let comps = n.path.as_ref().ok_or(Errno::ENOENT)?;
        let (md, p) = self.walk(comps)?;
        if key(&md) != n.key {
            return Err(Errno::ENOENT);
        }
        Ok((p, md))
    }

    /// Walk `comps` from the root with `lstat`: every component but the last
    /// must be a real directory. Returns the last one's metadata and path.
    pub(super) fn walk(&self, comps: &[Vec<u8>]) -> VfsResult<(Metadata, PathBuf)> {
        let mut p = self.root.clone();
        let mut md = lstat(&p)?;
        for c in comps {
            if !md.is_dir() {
                return Err(Errno::ENOENT);
            }
            check_name(c)?;
            p.push(std::ffi::OsStr::from_bytes(c));
            md = lstat(&p)?;
        }
        Ok((md, p))
    }

    /// The inode for host file `md` reached by `comps`: the known one (its
    /// path refreshed) or a new one.
    pub(super) fn intern(&mut self, md: &Metadata, comps: Vec<Vec<u8>>) -> Ino {
        let k = key(md);
        if let Some(&ino) = self.by_key.get(&k) {
            if ino != ROOT {
                if let Some(n) = self.nodes.get_mut(&ino) {
                    n.path = Some(comps);
                }
            }
            return ino;
        }
        let ino = self.next;
        self.next += 1;
        self.by_key.insert(k, ino);
        self.nodes.insert(ino, Node::new(k, comps));
        ino
    }

    /// The path components of `dir` plus `name`.
    pub(super) fn child_comps(&self, dir: Ino, name: &[u8]) -> VfsResult<Vec<Vec<u8>>> {
        let mut c = self.node(dir)?.path.clone().ok_or(Errno::ENOENT)?;
        c.push(name.to_vec());
        Ok(c)
    }

    /// The host file at `comps` was removed (or replaced): forget that path
    /// and every path under it.
    pub(super) fn forget(&mut self, comps: &[Vec<u8>]) {
        for n in self.nodes.values_mut() {
            if matches!(&n.path, Some(p) if p.starts_with(comps)) {
                n.path = None;
            }
        }
    }

    /// `from` was renamed to `to`: move every path under it.
    pub(super) fn moved(&mut self, from: &[Vec<u8>], to: &[Vec<u8>]) {
        for n in self.nodes.values_mut() {
            let Some(p) = &mut n.path else { continue };
            if p.starts_with(from) {
                let mut np = to.to_vec();
                np.extend_from_slice(&p[from.len()..]);
                *p = np;
            }
        }
    }
}

impl Node {
    fn new(key: Key, path: Vec<Vec<u8>>) -> Node {
        Node {
            key,
            path: Some(path),
            refs: 0,
            rd: None,
            wr: None,
            dirents: None,
        }
    }
}
