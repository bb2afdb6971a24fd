//! The mount table ([`Vfs`]) and [`Vnode`], a counted inode reference.
//!
//! A mount puts the root of a file system over a directory of another: path
//! resolution steps *down* into the mounted root after a lookup lands on a
//! covered directory, and *up* to the covered directory when `..` is taken at
//! a mounted root. Mounting over an already covered directory is EBUSY (no
//! stacking); unmounting a file system that still has mounts inside is EBUSY,
//! while open files keep an unmounted file system alive (lazy unmount).

use super::*;
use std::collections::HashMap;
use std::rc::Rc;

/// Index of a mount in the table (0 is the root mount).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MountId(pub u32);

/// Per-mount options.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MountFlags {
    /// Every modification fails with EROFS (`MS_RDONLY`).
    pub read_only: bool,
    /// Ignore set-user/group-id bits on exec (`MS_NOSUID`, for the loader).
    pub nosuid: bool,
    /// Refuse exec (`MS_NOEXEC`, for the loader).
    pub noexec: bool,
}

/// A counted reference to an inode of a mounted file system: the inode lives
/// as long as this does (see the ownership rules in the module doc).
pub struct Vnode {
    mnt: MountId,
    dev: u64,
    fs: Rc<dyn FileSystem>,
    ino: Ino,
}

impl Vnode {
    /// Take a reference to `ino` of `fs` as mounted at `mnt` with device `dev`.
    pub fn new(mnt: MountId, dev: u64, fs: Rc<dyn FileSystem>, ino: Ino) -> Vnode {
        fs.grab(ino);
        Vnode { mnt, dev, fs, ino }
    }

    /// Which mount this inode was reached through.
    pub fn mnt(&self) -> MountId {
        self.mnt
    }

    /// The inode number.
    pub fn ino(&self) -> Ino {
        self.ino
    }

    /// The device number `stat` reports.
    pub fn dev(&self) -> u64 {
        self.dev
    }

    /// The file system the inode belongs to.
    pub fn fs(&self) -> &Rc<dyn FileSystem> {
        &self.fs
    }

    /// Whether both name the same inode through the same mount.
    pub fn same(&self, other: &Vnode) -> bool {
        self.mnt == other.mnt && self.ino == other.ino
    }

    /// A sibling reference to `ino` in the same file system and mount.
    pub fn with_ino(&self, ino: Ino) -> Vnode {
        Vnode::new(self.mnt, self.dev, self.fs.clone(), ino)
    }

    /// `stat` of this inode, with `dev` filled in.
    pub fn stat(&self) -> VfsResult<Stat> {
        let mut st = self.fs.getattr(self.ino)?;
        st.dev = self.dev;
        Ok(st)
    }
}

impl Clone for Vnode {
    fn clone(&self) -> Vnode {
        Vnode::new(self.mnt, self.dev, self.fs.clone(), self.ino)
    }
}

impl Drop for Vnode {
    fn drop(&mut self) {
        self.fs.put(self.ino);
    }
}

impl core::fmt::Debug for Vnode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "Vnode({}:{} mnt {})",
            self.fs.name(),
            self.ino,
            self.mnt.0
        )
    }
}

struct Mount {
    fs: Rc<dyn FileSystem>,
    /// The covered directory (None for the root mount).
    at: Option<Vnode>,
    flags: MountFlags,
    dev: u64,
}

/// A summary of one mount, for `/proc/mounts`-like listings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountInfo {
    /// This mount.
    pub id: MountId,
    /// The mount holding the covered directory, and that directory's inode.
    pub parent: Option<(MountId, Ino)>,
    /// The file system's type name.
    pub fs_name: String,
    /// Options.
    pub flags: MountFlags,
    /// Device number.
    pub dev: u64,
}

/// The virtual file system: the mount table. Path resolution and the
/// syscall-shaped operations are methods too (see [`super::path`], [`super::ops`]).
pub struct Vfs {
    mounts: Vec<Option<Mount>>,
    covered: HashMap<(MountId, Ino), MountId>,
}

impl Vfs {
    /// A VFS whose root mount is `root_fs`.
    pub fn new(root_fs: Rc<dyn FileSystem>) -> Vfs {
        let m = Mount {
            fs: root_fs,
            at: None,
            flags: MountFlags::default(),
            dev: 1,
        };
        Vfs {
            mounts: vec![Some(m)],
            covered: HashMap::new(),
        }
    }

    fn get(&self, mnt: MountId) -> VfsResult<&Mount> {
        self.mounts
            .get(mnt.0 as usize)
            .and_then(|m| m.as_ref())
            .ok_or(Errno::EINVAL)
    }

    /// The root directory of the whole tree.
    pub fn root(&self) -> Vnode {
        self.mount_root(MountId(0))
            .expect("the root mount always exists")
    }

    /// The root directory of mount `mnt` (EINVAL if there is no such mount).
    pub fn mount_root(&self, mnt: MountId) -> VfsResult<Vnode> {
        let m = self.get(mnt)?;
        Ok(Vnode::new(mnt, m.dev, m.fs.clone(), m.fs.root()))
    }

    /// Mount `fs` over the directory `at` (ENOTDIR if it is not one, EBUSY if
    /// already covered).
    pub fn mount(
        &mut self,
        at: &Vnode,
        fs: Rc<dyn FileSystem>,
        flags: MountFlags,
    ) -> VfsResult<MountId> {
        if !at.stat()?.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        if self.covered.contains_key(&(at.mnt, at.ino)) {
            return Err(Errno::EBUSY);
        }
        let slot = self
            .mounts
            .iter()
            .position(|m| m.is_none())
            .unwrap_or(self.mounts.len());
        let id = MountId(u32::try_from(slot).map_err(|_| Errno::ENOMEM)?);
        let m = Mount {
            fs,
            at: Some(at.clone()),
            flags,
            dev: slot as u64 + 1,
        };
        if slot == self.mounts.len() {
            self.mounts.push(Some(m));
        } else {
            self.mounts[slot] = Some(m);
        }
        self.covered.insert((at.mnt, at.ino), id);
        Ok(id)
    }

    /// Unmount `mnt` (EINVAL for the root mount or no such mount, EBUSY if
    /// something is mounted inside it).
    pub fn umount(&mut self, mnt: MountId) -> VfsResult<()> {
        let m = self.get(mnt)?;
        let Some(at) = &m.at else {
            return Err(Errno::EINVAL);
        };
        if self.covered.keys().any(|(parent, _)| *parent == mnt) {
            return Err(Errno::EBUSY);
        }
        self.covered.remove(&(at.mnt, at.ino));
        self.mounts[mnt.0 as usize] = None;
        Ok(())
    }

    /// Change a mount's options.
    pub fn remount(&mut self, mnt: MountId, flags: MountFlags) -> VfsResult<()> {
        self.get(mnt)?;
        if let Some(Some(m)) = self.mounts.get_mut(mnt.0 as usize) {
            m.flags = flags;
        }
        Ok(())
    }

    /// A mount's options (default flags for an unmounted id).
    pub fn flags(&self, mnt: MountId) -> MountFlags {
        self.get(mnt).map(|m| m.flags).unwrap_or_default()
    }

    /// EROFS if `v`'s mount is read-only.
    pub fn check_writable(&self, v: &Vnode) -> VfsResult<()> {
        if self.flags(v.mnt).read_only {
            return Err(Errno::EROFS);
        }
        Ok(())
    }

    /// The mount whose root covers the directory `at`, if any.
    pub fn mounted_on(&self, at: &Vnode) -> Option<MountId> {
        self.covered.get(&(at.mnt, at.ino)).copied()
    }

    /// All mounts, in id order.
    pub fn mounts(&self) -> Vec<MountInfo> {
        let mut v = Vec::new();
        for (i, m) in self.mounts.iter().enumerate() {
            if let Some(m) = m {
                v.push(MountInfo {
                    id: MountId(i as u32),
                    parent: m.at.as_ref().map(|a| (a.mnt, a.ino)),
                    fs_name: m.fs.name().to_string(),
                    flags: m.flags,
                    dev: m.dev,
                });
            }
        }
        v
    }

    /// Step into whatever is mounted on `v` (repeatedly).
    pub(crate) fn cross_down(&self, mut v: Vnode) -> Vnode {
        while let Some(&child) = self.covered.get(&(v.mnt, v.ino)) {
            match self.mount_root(child) {
                Ok(r) => v = r,
                Err(_) => break,
            }
        }
        v
    }

    /// For `..`: while `v` is the root of a mount (and not `root`), step to
    /// the directory that mount covers.
    pub(crate) fn cross_up(&self, mut v: Vnode, root: &Vnode) -> Vnode {
        while !v.same(root) {
            let Ok(m) = self.get(v.mnt) else { break };
            match &m.at {
                Some(at) if v.ino == m.fs.root() => v = at.clone(),
                _ => break,
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::memfs::MemFs;

    fn memfs() -> Rc<MemFs> {
        Rc::new(MemFs::new(Box::new(|| Timespec::new(1, 0))))
    }

    fn dir() -> NewNode {
        NewNode {
            mode: 0o755,
            uid: 0,
            gid: 0,
            rdev: 0,
        }
    }

    #[test]
    fn vnodes_pin_inodes() {
        let fs = memfs();
        let vfs = Vfs::new(fs.clone());
        let d = fs.mkdir(1, b"d", &dir()).unwrap();
        let v = vfs.root().with_ino(d);
        let v2 = v.clone();
        fs.rmdir(1, b"d").unwrap();
        drop(v);
        assert!(v2.stat().is_ok(), "a clone still holds the inode");
        drop(v2);
        assert_eq!(fs.getattr(d), Err(Errno::ENOENT));
    }

    #[test]
    fn mount_table() {
        let (a, b, c) = (memfs(), memfs(), memfs());
        let mut vfs = Vfs::new(a.clone());
        let m = a.mkdir(1, b"m", &dir()).unwrap();
        let at = vfs.root().with_ino(m);
        let mb = vfs.mount(&at, b.clone(), MountFlags::default()).unwrap();
        let n = b.mkdir(1, b"n", &dir()).unwrap();
        let at2 = vfs.mount_root(mb).unwrap().with_ino(n);
        let mc = vfs.mount(&at2, c, MountFlags::default()).unwrap();
        assert_eq!(vfs.mounted_on(&at), Some(mb));
        assert_eq!(
            vfs.umount(mb),
            Err(Errno::EBUSY),
            "something is mounted inside"
        );
        let down = vfs.cross_down(at.clone());
        assert_eq!((down.mnt(), down.ino()), (mb, 1));
        let croot = vfs.mount_root(mc).unwrap();
        let up = vfs.cross_up(croot, &vfs.root());
        assert_eq!((up.mnt(), up.ino()), (mb, n));
        let info = vfs.mounts();
        assert_eq!(info[2].parent, Some((mb, n)));
        assert_eq!(info[1].fs_name, "memfs");
        assert_eq!(vfs.umount(mc), Ok(()));
        assert_eq!(vfs.umount(mc), Err(Errno::EINVAL));
        assert_eq!(vfs.umount(mb), Ok(()));
        assert_eq!(vfs.mounted_on(&at), None);
        let again = vfs.mount(&at, b, MountFlags::default()).unwrap();
        assert_eq!(again, mb, "slots are reused");
    }
}
