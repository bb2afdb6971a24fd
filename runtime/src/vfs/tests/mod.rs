//! Scenario tests: the VFS end to end through the syscall-shaped API
//! (trees, symlinks, chroot, mounts, permissions, open files, fd tables).
//! This file holds the shared test world; the tests are in `paths.rs` and
//! `files.rs`.

mod files;
mod paths;

use super::file::{flags::*, OpenFile};
use super::memfs::MemFs;
use super::path::Ctx;
use super::*;
use std::cell::Cell;
use std::rc::Rc;

pub(super) struct World {
    pub(super) vfs: Vfs,
    pub(super) fs: Rc<MemFs>,
    pub(super) root: Vnode,
    pub(super) cred: Cred,
    pub(super) clock: Rc<Cell<i64>>,
}

impl World {
    pub(super) fn new() -> World {
        let clock = Rc::new(Cell::new(100));
        let c = clock.clone();
        let fs = Rc::new(MemFs::new(Box::new(move || Timespec::new(c.get(), 0))));
        let vfs = Vfs::new(fs.clone());
        let root = vfs.root();
        World {
            vfs,
            fs,
            root,
            cred: Cred::root(),
            clock,
        }
    }

    pub(super) fn ctx(&self) -> Ctx<'_> {
        Ctx {
            root: &self.root,
            cred: &self.cred,
        }
    }

    pub(super) fn open(&self, path: &str, flags: u32) -> VfsResult<OpenFile> {
        self.vfs
            .open(&self.ctx(), &self.root, path.as_bytes(), flags, 0o644)
    }

    pub(super) fn mkdir(&self, path: &str) -> VfsResult<()> {
        self.vfs
            .mkdir(&self.ctx(), &self.root, path.as_bytes(), 0o755)
    }

    pub(super) fn write_file(&self, path: &str, data: &[u8]) {
        let f = self.open(path, O_WRONLY | O_CREAT | O_TRUNC).unwrap();
        assert_eq!(f.write(data), Ok(data.len()));
    }

    pub(super) fn read_file(&self, path: &str) -> VfsResult<Vec<u8>> {
        let f = self.open(path, O_RDONLY)?;
        let mut out = vec![0u8; 256];
        let n = f.read(&mut out)?;
        out.truncate(n);
        Ok(out)
    }

    pub(super) fn stat(&self, path: &str) -> VfsResult<Stat> {
        self.vfs
            .stat(&self.ctx(), &self.root, path.as_bytes(), true)
    }

    pub(super) fn lookup(&self, path: &str) -> VfsResult<Vnode> {
        self.vfs
            .lookup(&self.ctx(), &self.root, path.as_bytes(), true)
    }

    pub(super) fn symlink(&self, target: &str, path: &str) {
        self.vfs
            .symlink(&self.ctx(), target.as_bytes(), &self.root, path.as_bytes())
            .unwrap();
    }

    pub(super) fn unlink(&self, path: &str) -> VfsResult<()> {
        self.vfs.unlink(&self.ctx(), &self.root, path.as_bytes())
    }

    pub(super) fn rename(&self, a: &str, b: &str) -> VfsResult<()> {
        let (r, ctx) = (&self.root, self.ctx());
        self.vfs.rename(&ctx, r, a.as_bytes(), r, b.as_bytes(), 0)
    }
}

pub(super) fn list(f: &OpenFile, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    f.readdir(&mut |e| {
        if out.len() == max {
            return false;
        }
        out.push(String::from_utf8_lossy(e.name).into_owned());
        true
    })
    .unwrap();
    out
}
