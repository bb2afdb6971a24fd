//! HostDirFs internals: the inode table, the confinement walk and stable readdir positions.
//!
//! Every inode is a host `(dev, ino)` pair given a small stable number, plus the path
//! (components relative to the served root) it was last reached by. A path is only ever
//! used after [`Table::resolve`] has re-checked it component by component with `lstat`
//! (never following a host symlink): every intermediate component must still be a real
//! directory and the last one must still be the same `(dev, ino)`. Components are single
//! names checked by [`check_name`] (no `/`, no NUL, never `.` or `..`), so a path built from
//! them cannot leave the served directory. Anything that no longer matches (the host tree
//! changed under us) is ENOENT rather than a guess. Files are opened with `O_NOFOLLOW` and
//! re-checked with `fstat` ([`open_file`]).

use super::{check_name, join, Access, HostCalls, HostMeta};
use crate::vfs::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

/// The served root's inode number.
pub const ROOT: Ino = 1;

/// A host file's identity.
pub(super) type Key = (u64, u64);

/// Open the regular file `p` without following a symlink, and check it is still `want`
/// (ENOENT otherwise: the host tree changed).
pub(super) fn open_file<H: HostCalls>(
    h: &H,
    p: &[u8],
    want: Key,
    access: Access,
) -> VfsResult<H::File> {
    let f = h.open(p, access, None)?;
    let md = h.fstat(&f)?;
    if md.key() != want || !md.is_file() {
        return Err(Errno::ENOENT);
    }
    Ok(f)
}

/// One inode; `F` is the host's open-file type.
pub(super) struct Node<F> {
    /// Host identity.
    pub(super) key: Key,
    /// Components from the root, as last seen (None: unknown, e.g. removed).
    pub(super) path: Option<Vec<Vec<u8>>>,
    /// References held by `Vnode`s.
    pub(super) refs: u32,
    /// Read handle (regular files, while referenced).
    pub(super) rd: Option<Rc<F>>,
    /// Write handle (regular files, while referenced).
    pub(super) wr: Option<Rc<F>>,
    /// A directory's readdir positions (while referenced).
    pub(super) dirents: Option<Dirents>,
}

impl<F> Node<F> {
    fn new(key: Key, path: Vec<Vec<u8>>) -> Node<F> {
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

/// The inode table.
pub(super) struct Table<F> {
    /// The served directory (a canonical host path).
    pub(super) root: Vec<u8>,
    /// Host identity -> inode number (kept forever: numbers are stable).
    pub(super) by_key: HashMap<Key, Ino>,
    /// Inodes.
    pub(super) nodes: HashMap<Ino, Node<F>>,
    /// Next number to hand out.
    pub(super) next: Ino,
    /// The read-write handle of the file `create` just made, for the `open` that follows
    /// (its mode may not allow reopening, as `O_CREAT` with 0444).
    pub(super) fresh: Option<(Ino, Rc<F>)>,
}

impl<F> Table<F> {
    /// A table whose root is the host directory `root` (ENOTDIR if it is not one).
    pub(super) fn new<H: HostCalls<File = F>>(h: &H, root: Vec<u8>) -> VfsResult<Table<F>> {
        let md = h.lstat(&root)?;
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
        t.by_key.insert(md.key(), ROOT);
        t.nodes.insert(ROOT, Node::new(md.key(), Vec::new()));
        Ok(t)
    }

    /// A node (ENOENT if unknown).
    pub(super) fn node(&self, ino: Ino) -> VfsResult<&Node<F>> {
        self.nodes.get(&ino).ok_or(Errno::ENOENT)
    }

    /// A node, mutably (ENOENT if unknown).
    pub(super) fn node_mut(&mut self, ino: Ino) -> VfsResult<&mut Node<F>> {
        self.nodes.get_mut(&ino).ok_or(Errno::ENOENT)
    }

    /// The path components of `ino` from the root (ENOENT if unknown).
    pub(super) fn comps(&self, ino: Ino) -> VfsResult<Vec<Vec<u8>>> {
        self.node(ino)?.path.clone().ok_or(Errno::ENOENT)
    }

    /// The host path of `ino`, re-verified (see the module doc), with its metadata.
    pub(super) fn resolve<H: HostCalls>(&self, h: &H, ino: Ino) -> VfsResult<(Vec<u8>, HostMeta)> {
        let n = self.node(ino)?;
        let comps = n.path.as_ref().ok_or(Errno::ENOENT)?;
        let (md, p) = self.walk(h, comps)?;
        if md.key() != n.key {
            return Err(Errno::ENOENT);
        }
        Ok((p, md))
    }

    /// Walk `comps` from the root with `lstat`: every component but the last must be a real
    /// directory. Returns the last one's metadata and path.
    pub(super) fn walk<H: HostCalls>(
        &self,
        h: &H,
        comps: &[Vec<u8>],
    ) -> VfsResult<(HostMeta, Vec<u8>)> {
        let mut p = self.root.clone();
        let mut md = h.lstat(&p)?;
        for c in comps {
            if !md.is_dir() {
                return Err(Errno::ENOENT);
            }
            check_name(c)?;
            p = join(&p, c);
            md = h.lstat(&p)?;
        }
        Ok((md, p))
    }

    /// The inode for host file `md` reached by `comps`: the known one (its path refreshed)
    /// or a new one.
    pub(super) fn intern(&mut self, md: &HostMeta, comps: Vec<Vec<u8>>) -> Ino {
        let k = md.key();
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
        let mut c = self.comps(dir)?;
        c.push(name.to_vec());
        Ok(c)
    }

    /// The host file at `comps` was removed (or replaced): forget that path and every path
    /// under it.
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

/// Stable readdir positions for a host directory, like memfs's: each name gets a position
/// when first seen (the first listing in sorted order, later arrivals after it, sorted
/// among themselves) and keeps it while it exists, so a resumed `getdents` neither skips
/// nor repeats entries when others are added or removed, and concurrent readers do not
/// disturb each other.
pub(super) struct Dirents {
    by_pos: BTreeMap<u64, Vec<u8>>,
    by_name: HashMap<Vec<u8>, u64>,
    next: u64,
}

impl Dirents {
    /// Empty; real entries start at position `first` (after `.` and `..`).
    pub(super) fn new(first: u64) -> Dirents {
        Dirents {
            by_pos: BTreeMap::new(),
            by_name: HashMap::new(),
            next: first,
        }
    }

    /// Bring the positions up to date with the host's current `names`.
    pub(super) fn refresh(&mut self, mut names: Vec<Vec<u8>>) {
        let present: HashSet<&[u8]> = names.iter().map(|n| &n[..]).collect();
        let gone: Vec<u64> = self
            .by_pos
            .iter()
            .filter(|(_, n)| !present.contains(&n[..]))
            .map(|(&p, _)| p)
            .collect();
        for p in gone {
            if let Some(n) = self.by_pos.remove(&p) {
                self.by_name.remove(&n);
            }
        }
        names.sort();
        for n in names {
            if !self.by_name.contains_key(&n) {
                self.by_name.insert(n.clone(), self.next);
                self.by_pos.insert(self.next, n);
                self.next += 1;
            }
        }
    }

    /// Entries at positions `>= pos`, in position order.
    pub(super) fn from(&self, pos: u64) -> Vec<(u64, Vec<u8>)> {
        self.by_pos
            .range(pos..)
            .map(|(&p, n)| (p, n.clone()))
            .collect()
    }
}
