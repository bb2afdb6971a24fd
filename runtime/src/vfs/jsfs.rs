//! `JsFs`: the host directory file system of wasm builds (`--root DIR`, `--mount
//! HOST:GUEST[:ro]` under Node), [`HostDirFs`] over [`JsCalls`], the primitive host calls
//! made through the JavaScript host object's synchronous `fs*` methods ([`JsFsHost`];
//! `js/lib/nodefs.mjs` implements them over Node's `fs`). Every rule (confinement,
//! read-only, ownership, inode table) is `HostDirFs`'s (`hostdir.rs`); this file only
//! translates calls, results and errors.
//!
//! The host object reaches the file systems through [`with_host`]: `FsCtx::build` runs inside
//! it (from `wasm.rs`) and builds JsFs for the file-system options.
//!
//! Rejected alternative: one host method per `FileSystem` operation (the JS side doing the
//! sequencing): the confinement rules would then live in JavaScript as well as in Rust.

use super::hostdir::{Access, HostCalls, HostDirFs, HostMeta};
use super::*;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The file functions of the JS host object. Paths are byte strings (`Uint8Array`), host
    /// paths built by `HostDirFs`. Each returns `>= 0` or `-errno` and never throws; results
    /// that carry bytes (`fsRealpath`, `fsReaddir`, `fsReadlink`) are `[0, bytes...]` on
    /// success or `[1, errno]` (errno as one byte) on failure; `fsReaddir`'s bytes are the
    /// names, each followed by a NUL. `fsLstat`/`fsFstat` fill [`STAT_FIELDS`] values: dev,
    /// ino, mode, nlink, rdev, size, blksize, blocks, then seconds and nanoseconds of atime,
    /// mtime, ctime, birthtime. `fsOpen(path, access, create, mode)`: access 0/1/2 (read,
    /// write, both), create = `O_CREAT | O_EXCL`; always `O_NOFOLLOW | O_NONBLOCK`. Times for
    /// `fsFutimes` are seconds (`NaN`: now). `fsFchmod(fd, mode)` and `fsChmod(path, mode)`
    /// set permission bits.
    pub type JsFsHost;

    #[wasm_bindgen(method, js_name = fsRealpath)]
    fn fs_realpath(this: &JsFsHost, path: &[u8]) -> Vec<u8>;
    #[wasm_bindgen(method, js_name = fsLstat)]
    fn fs_lstat(this: &JsFsHost, path: &[u8], out: &mut [i64]) -> i32;
    #[wasm_bindgen(method, js_name = fsFstat)]
    fn fs_fstat(this: &JsFsHost, fd: i32, out: &mut [i64]) -> i32;
    #[wasm_bindgen(method, js_name = fsOpen)]
    fn fs_open(this: &JsFsHost, path: &[u8], access: i32, create: bool, mode: u32) -> i32;
    #[wasm_bindgen(method, js_name = fsClose)]
    fn fs_close(this: &JsFsHost, fd: i32) -> i32;
    #[wasm_bindgen(method, js_name = fsPread)]
    fn fs_pread(this: &JsFsHost, fd: i32, buf: &mut [u8], pos: f64) -> i32;
    #[wasm_bindgen(method, js_name = fsPwrite)]
    fn fs_pwrite(this: &JsFsHost, fd: i32, data: &[u8], pos: f64) -> i32;
    #[wasm_bindgen(method, js_name = fsFtruncate)]
    fn fs_ftruncate(this: &JsFsHost, fd: i32, len: f64) -> i32;
    #[wasm_bindgen(method, js_name = fsFutimes)]
    fn fs_futimes(this: &JsFsHost, fd: i32, atime: f64, mtime: f64) -> i32;
    #[wasm_bindgen(method, js_name = fsFchmod)]
    fn fs_fchmod(this: &JsFsHost, fd: i32, mode: u32) -> i32;
    #[wasm_bindgen(method, js_name = fsChmod)]
    fn fs_chmod(this: &JsFsHost, path: &[u8], mode: u32) -> i32;
    #[wasm_bindgen(method, js_name = fsMkdir)]
    fn fs_mkdir(this: &JsFsHost, path: &[u8], mode: u32) -> i32;
    #[wasm_bindgen(method, js_name = fsSymlink)]
    fn fs_symlink(this: &JsFsHost, target: &[u8], path: &[u8]) -> i32;
    #[wasm_bindgen(method, js_name = fsLink)]
    fn fs_link(this: &JsFsHost, from: &[u8], to: &[u8]) -> i32;
    #[wasm_bindgen(method, js_name = fsUnlink)]
    fn fs_unlink(this: &JsFsHost, path: &[u8]) -> i32;
    #[wasm_bindgen(method, js_name = fsRmdir)]
    fn fs_rmdir(this: &JsFsHost, path: &[u8]) -> i32;
    #[wasm_bindgen(method, js_name = fsRename)]
    fn fs_rename(this: &JsFsHost, from: &[u8], to: &[u8]) -> i32;
    #[wasm_bindgen(method, js_name = fsReaddir)]
    fn fs_readdir(this: &JsFsHost, path: &[u8]) -> Vec<u8>;
    #[wasm_bindgen(method, js_name = fsReadlink)]
    fn fs_readlink(this: &JsFsHost, path: &[u8]) -> Vec<u8>;
}

thread_local! {
    /// The host object while [`with_host`] runs.
    static CURRENT: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// Runs `f` with `host` as the host object file systems are built over.
pub fn with_host<T>(host: &JsValue, f: impl FnOnce() -> T) -> T {
    let prev = CURRENT.with(|c| c.replace(Some(host.clone())));
    let out = f();
    CURRENT.with(|c| *c.borrow_mut() = prev);
    out
}

/// A host directory served through the JS host.
pub type JsFs = HostDirFs<JsCalls>;

impl HostDirFs<JsCalls> {
    /// Serve the host directory `root` through the host object set by [`with_host`] (ENOSYS
    /// outside it), every file presented as owned by `owner`; see [`HostDirFs::with_calls`].
    pub fn new(root: &[u8], read_only: bool, owner: (u32, u32)) -> VfsResult<JsFs> {
        let host = CURRENT.with(|c| c.borrow().clone()).ok_or(Errno::ENOSYS)?;
        let calls = JsCalls {
            host: Rc::new(host.unchecked_into()),
        };
        HostDirFs::with_calls(calls, root, read_only, owner)
    }
}

/// Values `fsLstat`/`fsFstat` fill.
const STAT_FIELDS: usize = 16;

/// A count or `-errno` as a result.
fn ok(n: i32) -> VfsResult<usize> {
    if n < 0 {
        Err(Errno(-n))
    } else {
        Ok(n as usize)
    }
}

/// A `-errno` or success as a result.
fn done(n: i32) -> VfsResult<()> {
    ok(n).map(|_| ())
}

/// A `[0, bytes...]` / `[1, errno]` answer as a result.
fn bytes(v: Vec<u8>) -> VfsResult<Vec<u8>> {
    match v.first() {
        Some(0) => Ok(v[1..].to_vec()),
        Some(1) => Err(Errno(i32::from(v.get(1).copied().unwrap_or(5)))),
        _ => Err(Errno::EIO),
    }
}

/// Host metadata from the `fsLstat` fields.
fn meta(m: &[i64; STAT_FIELDS]) -> HostMeta {
    let time = |i: usize| Timespec::new(m[8 + 2 * i], m[9 + 2 * i].clamp(0, 999_999_999) as u32);
    HostMeta {
        dev: m[0] as u64,
        ino: m[1] as u64,
        mode: m[2] as u32,
        nlink: m[3] as u64,
        rdev: m[4] as u64,
        size: m[5] as u64,
        blksize: m[6] as u64,
        blocks: m[7] as u64,
        atime: time(0),
        mtime: time(1),
        ctime: time(2),
        btime: time(3),
    }
}

/// The host calls through the JS host object.
pub struct JsCalls {
    host: Rc<JsFsHost>,
}

/// An open host file descriptor, closed when dropped.
pub struct Fd {
    host: Rc<JsFsHost>,
    fd: i32,
}

impl Drop for Fd {
    fn drop(&mut self) {
        self.host.fs_close(self.fd);
    }
}

impl HostCalls for JsCalls {
    type File = Fd;

    fn realpath(&self, path: &[u8]) -> VfsResult<Vec<u8>> {
        bytes(self.host.fs_realpath(path))
    }

    fn lstat(&self, path: &[u8]) -> VfsResult<HostMeta> {
        let mut m = [0i64; STAT_FIELDS];
        ok(self.host.fs_lstat(path, &mut m))?;
        Ok(meta(&m))
    }

    fn fstat(&self, f: &Fd) -> VfsResult<HostMeta> {
        let mut m = [0i64; STAT_FIELDS];
        ok(self.host.fs_fstat(f.fd, &mut m))?;
        Ok(meta(&m))
    }

    fn open(&self, path: &[u8], access: Access, create: Option<u32>) -> VfsResult<Fd> {
        let acc = match access {
            Access::Read => 0,
            Access::Write => 1,
            Access::ReadWrite => 2,
        };
        let fd = self
            .host
            .fs_open(path, acc, create.is_some(), create.unwrap_or(0));
        Ok(Fd {
            host: self.host.clone(),
            fd: ok(fd)? as i32,
        })
    }

    fn pread(&self, f: &Fd, buf: &mut [u8], off: u64) -> VfsResult<usize> {
        ok(self.host.fs_pread(f.fd, buf, off as f64))
    }

    fn pwrite(&self, f: &Fd, buf: &[u8], off: u64) -> VfsResult<usize> {
        ok(self.host.fs_pwrite(f.fd, buf, off as f64))
    }

    fn ftruncate(&self, f: &Fd, len: u64) -> VfsResult<()> {
        done(self.host.fs_ftruncate(f.fd, len as f64))
    }

    fn futimens(&self, f: &Fd, atime: Option<SetTime>, mtime: Option<SetTime>) -> VfsResult<()> {
        // Node's `futimesSync` sets both: an unchanged time is passed as it is now.
        let cur = self.fstat(f)?;
        let secs = |t: Timespec| t.sec as f64 + f64::from(t.nsec) / 1e9;
        let at = |t: Option<SetTime>, keep: Timespec| match t {
            None => secs(keep),
            Some(SetTime::Now) => f64::NAN,
            Some(SetTime::At(t)) => secs(t),
        };
        let (a, m) = (at(atime, cur.atime), at(mtime, cur.mtime));
        done(self.host.fs_futimes(f.fd, a, m))
    }

    fn fchmod(&self, f: &Fd, mode: u32) -> VfsResult<()> {
        done(self.host.fs_fchmod(f.fd, mode))
    }

    fn chmod(&self, path: &[u8], mode: u32) -> VfsResult<()> {
        done(self.host.fs_chmod(path, mode))
    }

    fn mkdir(&self, path: &[u8], mode: u32) -> VfsResult<()> {
        done(self.host.fs_mkdir(path, mode))
    }

    fn symlink(&self, target: &[u8], path: &[u8]) -> VfsResult<()> {
        done(self.host.fs_symlink(target, path))
    }

    fn link(&self, from: &[u8], to: &[u8]) -> VfsResult<()> {
        done(self.host.fs_link(from, to))
    }

    fn unlink(&self, path: &[u8]) -> VfsResult<()> {
        done(self.host.fs_unlink(path))
    }

    fn rmdir(&self, path: &[u8]) -> VfsResult<()> {
        done(self.host.fs_rmdir(path))
    }

    fn rename(&self, from: &[u8], to: &[u8]) -> VfsResult<()> {
        done(self.host.fs_rename(from, to))
    }

    fn readdir(&self, path: &[u8]) -> VfsResult<Vec<Vec<u8>>> {
        let listing = bytes(self.host.fs_readdir(path))?;
        Ok(listing
            .split(|&b| b == 0)
            .filter(|n| !n.is_empty())
            .map(<[u8]>::to_vec)
            .collect())
    }

    fn readlink(&self, path: &[u8]) -> VfsResult<Vec<u8>> {
        bytes(self.host.fs_readlink(path))
    }
}
