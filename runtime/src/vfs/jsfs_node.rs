//! JsFs internals (the counterpart of `hostfs_node.rs`): the host object's file functions,
//! host metadata, open host descriptors, and the inode table with its confinement rules (see
//! `jsfs.rs` and `hostfs_node.rs`: paths of single checked names from the served root,
//! re-verified with `lstat` component by component before every use).

use super::hostdir::{check_name, Dirents};
use super::*;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The file functions of the JS host object. Paths are byte strings (`Uint8Array`), host
    /// paths built here. Each returns `>= 0` or `-errno` and never throws; results that carry
    /// bytes (`fsRealpath`, `fsReaddir`, `fsReadlink`) are `[0, bytes...]` on success or
    /// `[1, errno]` (errno as one byte) on failure; `fsReaddir`'s bytes are the names, each
    /// followed by a NUL. `fsLstat`/`fsFstat` fill [`STAT_FIELDS`] values: dev, ino, mode,
    /// nlink, rdev, size, blksize, blocks, then seconds and nanoseconds of atime, mtime,
    /// ctime, birthtime. `fsOpen(path, access, create, mode)`: access 0/1/2 (read, write,
    /// both), create = `O_CREAT | O_EXCL`; always `O_NOFOLLOW | O_NONBLOCK`. Times for
    /// `fsFutimes` are seconds (`NaN`: now).
    pub type JsFsHost;

    #[wasm_bindgen(method, js_name = fsRealpath)]
    pub(super) fn fs_realpath(this: &JsFsHost, path: &[u8]) -> Vec<u8>;
    #[wasm_bindgen(method, js_name = fsLstat)]
    pub(super) fn fs_lstat(this: &JsFsHost, path: &[u8], out: &mut [i64]) -> i32;
    #[wasm_bindgen(method, js_name = fsFstat)]
    pub(super) fn fs_fstat(this: &JsFsHost, fd: i32, out: &mut [i64]) -> i32;
    #[wasm_bindgen(method, js_name = fsOpen)]
    pub(super) fn fs_open(
        this: &JsFsHost,
        path: &[u8],
        access: i32,
        create: bool,
        mode: u32,
    ) -> i32;
    #[wasm_bindgen(method, js_name = fsClose)]
    pub(super) fn fs_close(this: &JsFsHost, fd: i32) -> i32;
    #[wasm_bindgen(method, js_name = fsPread)]
    pub(super) fn fs_pread(this: &JsFsHost, fd: i32, buf: &mut [u8], pos: f64) -> i32;
    #[wasm_bindgen(method, js_name = fsPwrite)]
    pub(super) fn fs_pwrite(this: &JsFsHost, fd: i32, data: &[u8], pos: f64) -> i32;
    #[wasm_bindgen(method, js_name = fsFtruncate)]
    pub(super) fn fs_ftruncate(this: &JsFsHost, fd: i32, len: f64) -> i32;
    #[wasm_bindgen(method, js_name = fsFutimes)]
    pub(super) fn fs_futimes(this: &JsFsHost, fd: i32, atime: f64, mtime: f64) -> i32;
    #[wasm_bindgen(method, js_name = fsChmod)]
    pub(super) fn fs_chmod(this: &JsFsHost, path: &[u8], mode: u32) -> i32;
    #[wasm_bindgen(method, js_name = fsMkdir)]
    pub(super) fn fs_mkdir(this: &JsFsHost, path: &[u8], mode: u32) -> i32;
    #[wasm_bindgen(method, js_name = fsSymlink)]
    pub(super) fn fs_symlink(this: &JsFsHost, target: &[u8], path: &[u8]) -> i32;
    #[wasm_bindgen(method, js_name = fsLink)]
    pub(super) fn fs_link(this: &JsFsHost, from: &[u8], to: &[u8]) -> i32;
    #[wasm_bindgen(method, js_name = fsUnlink)]
    pub(super) fn fs_unlink(this: &JsFsHost, path: &[u8]) -> i32;
    #[wasm_bindgen(method, js_name = fsRmdir)]
    pub(super) fn fs_rmdir(this: &JsFsHost, path: &[u8]) -> i32;
    #[wasm_bindgen(method, js_name = fsRename)]
    pub(super) fn fs_rename(this: &JsFsHost, from: &[u8], to: &[u8]) -> i32;
    #[wasm_bindgen(method, js_name = fsReaddir)]
    pub(super) fn fs_readdir(this: &JsFsHost, path: &[u8]) -> Vec<u8>;
    #[wasm_bindgen(method, js_name = fsReadlink)]
    pub(super) fn fs_readlink(this: &JsFsHost, path: &[u8]) -> Vec<u8>;
}

/// Values `fsLstat`/`fsFstat` fill.
pub(super) const STAT_FIELDS: usize = 16;

/// A count or `-errno` as a result.
pub(super) fn ok(n: i32) -> VfsResult<usize> {
    if n < 0 {
        Err(Errno(-n))
    } else {
        Ok(n as usize)
    }
}

/// A `[0, bytes...]` / `[1, errno]` answer as a result.
pub(super) fn bytes(v: Vec<u8>) -> VfsResult<Vec<u8>> {
    match v.first() {
        Some(0) => Ok(v[1..].to_vec()),
        Some(1) => Err(Errno(i32::from(v.get(1).copied().unwrap_or(5)))),
        _ => Err(Errno::EIO),
    }
}

/// Host metadata (the `fsLstat` fields).
#[derive(Clone, Copy)]
pub(super) struct Meta(pub(super) [i64; STAT_FIELDS]);

impl Meta {
    pub(super) fn key(&self) -> Key {
        (self.0[0] as u64, self.0[1] as u64)
    }
    pub(super) fn mode(&self) -> u32 {
        self.0[2] as u32
    }
    pub(super) fn fmt(&self) -> u32 {
        self.mode() & mode::S_IFMT
    }
    pub(super) fn is_dir(&self) -> bool {
        self.fmt() == mode::S_IFDIR
    }
    pub(super) fn is_file(&self) -> bool {
        self.fmt() == mode::S_IFREG
    }
    pub(super) fn is_symlink(&self) -> bool {
        self.fmt() == mode::S_IFLNK
    }
    pub(super) fn size(&self) -> u64 {
        self.0[5] as u64
    }
    pub(super) fn time(&self, i: usize) -> Timespec {
        Timespec::new(
            self.0[8 + 2 * i],
            self.0[9 + 2 * i].clamp(0, 999_999_999) as u32,
        )
    }
}

/// A host file's identity.
pub(super) type Key = (u64, u64);

/// The served root's inode number.
pub(super) const ROOT: Ino = 1;

/// Permission bits a guest may set on a host file (no suid/sgid).
pub(super) const HOST_PERMS: u32 = 0o1777;

/// An open host file descriptor, closed when dropped.
pub(super) struct Fd {
    pub(super) host: Rc<JsFsHost>,
    pub(super) fd: i32,
}

impl Drop for Fd {
    fn drop(&mut self) {
        self.host.fs_close(self.fd);
    }
}

impl Fd {
    pub(super) fn stat(&self) -> VfsResult<Meta> {
        let mut m = [0i64; STAT_FIELDS];
        ok(self.host.fs_fstat(self.fd, &mut m))?;
        Ok(Meta(m))
    }
}

/// One inode (see `hostfs_node.rs`'s `Node`).
pub(super) struct Node {
    pub(super) key: Key,
    pub(super) path: Option<Vec<Vec<u8>>>,
    pub(super) refs: u32,
    pub(super) rd: Option<Rc<Fd>>,
    pub(super) wr: Option<Rc<Fd>>,
    pub(super) dirents: Option<Dirents>,
}

impl Node {
    pub(super) fn new(key: Key, path: Vec<Vec<u8>>) -> Node {
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

/// The inode table (see `hostfs_node.rs`'s `Table`).
pub(super) struct Table {
    pub(super) host: Rc<JsFsHost>,
    pub(super) root: Vec<u8>,
    pub(super) by_key: HashMap<Key, Ino>,
    pub(super) nodes: HashMap<Ino, Node>,
    pub(super) next: Ino,
    pub(super) fresh: Option<(Ino, Rc<Fd>)>,
}

/// `a/b` as host path bytes.
pub(super) fn join(dir: &[u8], name: &[u8]) -> Vec<u8> {
    let mut p = dir.to_vec();
    if !p.ends_with(b"/") {
        p.push(b'/');
    }
    p.extend_from_slice(name);
    p
}

impl Table {
    pub(super) fn lstat(&self, p: &[u8]) -> VfsResult<Meta> {
        let mut m = [0i64; STAT_FIELDS];
        ok(self.host.fs_lstat(p, &mut m))?;
        Ok(Meta(m))
    }

    pub(super) fn node(&self, ino: Ino) -> VfsResult<&Node> {
        self.nodes.get(&ino).ok_or(Errno::ENOENT)
    }

    pub(super) fn node_mut(&mut self, ino: Ino) -> VfsResult<&mut Node> {
        self.nodes.get_mut(&ino).ok_or(Errno::ENOENT)
    }

    /// The host path of `ino`, re-verified, with its metadata.
    pub(super) fn resolve(&self, ino: Ino) -> VfsResult<(Vec<u8>, Meta)> {
        let n = self.node(ino)?;
        let comps = n.path.as_ref().ok_or(Errno::ENOENT)?;
        let (md, p) = self.walk(comps)?;
        if md.key() != n.key {
            return Err(Errno::ENOENT);
        }
        Ok((p, md))
    }

    /// Walk `comps` from the root with `lstat`: every component but the last must be a real
    /// directory.
    pub(super) fn walk(&self, comps: &[Vec<u8>]) -> VfsResult<(Meta, Vec<u8>)> {
        let mut p = self.root.clone();
        let mut md = self.lstat(&p)?;
        for c in comps {
            if !md.is_dir() {
                return Err(Errno::ENOENT);
            }
            check_name(c)?;
            p = join(&p, c);
            md = self.lstat(&p)?;
        }
        Ok((md, p))
    }

    pub(super) fn intern(&mut self, md: &Meta, comps: Vec<Vec<u8>>) -> Ino {
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

    pub(super) fn child_comps(&self, dir: Ino, name: &[u8]) -> VfsResult<Vec<Vec<u8>>> {
        let mut c = self.node(dir)?.path.clone().ok_or(Errno::ENOENT)?;
        c.push(name.to_vec());
        Ok(c)
    }

    pub(super) fn forget(&mut self, comps: &[Vec<u8>]) {
        for n in self.nodes.values_mut() {
            if matches!(&n.path, Some(p) if p.starts_with(comps)) {
                n.path = None;
            }
        }
    }

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

    /// Opens regular file `p` (never following a symlink) and checks it is still `want`.
    pub(super) fn open_file(&self, p: &[u8], want: Key, access: i32) -> VfsResult<Fd> {
        let fd = ok(self.host.fs_open(p, access, false, 0))? as i32;
        let f = Fd {
            host: self.host.clone(),
            fd,
        };
        let md = f.stat()?;
        if md.key() != want || !md.is_file() {
            return Err(Errno::ENOENT);
        }
        Ok(f)
    }
}
