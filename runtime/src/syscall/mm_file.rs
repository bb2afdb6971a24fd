//! File-backed `mmap`: `MAP_PRIVATE` and `MAP_SHARED` mappings of regular
//! files, and the write-back of shared ones (`msync`, `munmap`).
//!
//! * `MAP_PRIVATE`: the file's bytes are copied into a fresh private
//!   anonymous mapping at map time (written with unchecked stores, so a
//!   `PROT_READ` mapping can be filled). Later changes to the file are not
//!   seen by the mapping (Linux shows them until the page is first written);
//!   the dynamic loader and nearly every program cannot tell.
//! * `MAP_SHARED`: every mapping of one file (in any process, and across
//!   `fork`) maps the same [`SharedMem`] object, found in a per-host-thread
//!   registry keyed by (file system, inode), so a store through one mapping
//!   is seen at once through all others. Pages are filled from the file when
//!   the object first gets them. Stores reach the file on `msync` and
//!   `munmap`. Gap (documented, not hidden): a process that exits
//!   without `msync`/`munmap` loses its stores to the file once the last
//!   mapping of the object is gone.
//! * `write` and `pwrite64` (routed here by the syscall table) copy what they
//!   wrote into the live shared pages, so mappings see them; `writev`,
//!   `pwritev`, `truncate` do not. `ftruncate` (routed here too) moves the
//!   end of the file for its shared mappings.
//! * Pages wholly past the end of the file raise `SIGBUS` (`BUS_ADRERR`)
//!   when touched, as on Linux; bytes past the end in the last page read as
//!   zero. The end is the file's size at `mmap` time; for `MAP_SHARED` it
//!   moves with `write`/`pwrite64` past it and `ftruncate` (not `truncate`,
//!   `writev`, `pwritev`), and a shorter end does not take away pages
//!   already touched.
//!
//! Rejected: a real page cache shared with the VFS (every `read`/`write` of a
//! regular file consulting the mapped frames) — full coherence, but it means
//! changing every file system's I/O path.

use super::{map_err, Args, Ctx, SysResult, PROT_WRITE};
use crate::layout::PAGE;
use crate::vfs::devfs::makedev;
use crate::vfs::file::OpenFile;
use crate::vfs::{FileType, Vnode};
use crate::Errno;
use nanovm::mem::{AddressSpace, Perms, SharedMem};
use std::cell::RefCell;
use std::rc::Rc;

/// What an `mmap` of a descriptor maps.
pub enum Source {
    /// `/dev/zero`: plain anonymous memory.
    Zero,
    /// A regular file.
    File(Rc<OpenFile>),
}

/// One file's shared object.
struct Entry {
    vnode: Vnode,
    obj: SharedMem,
}

thread_local! {
    /// Shared objects of mapped files. Guest processes all run on one host
    /// thread; entries nobody maps any more are dropped on the next lookup.
    static SHARED: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

fn same_file(a: &Vnode, b: &Vnode) -> bool {
    Rc::ptr_eq(a.fs(), b.fs()) && a.ino() == b.ino()
}

/// Checks that `fd` may be mapped with `prot` (`shared`: `MAP_SHARED`).
pub fn source(ctx: &Ctx, fd: u64, prot: u64, shared: bool) -> Result<Source, Errno> {
    let f = ctx.proc.fs.fds.get(fd as i32)?.clone();
    match f.kind() {
        FileType::Regular => {}
        FileType::CharDevice if f.stat().map(|s| s.rdev) == Ok(makedev(1, 5)) => {
            return Ok(Source::Zero)
        }
        _ => return Err(Errno::ENODEV),
    }
    if !f.readable() || (shared && prot & PROT_WRITE != 0 && !f.writable()) {
        return Err(Errno::EACCES);
    }
    Ok(Source::File(f))
}

/// Reads one page of `f` at `off` into `buf` (zero past the end); returns
/// the bytes read.
fn read_page(f: &OpenFile, off: u64, buf: &mut [u8]) -> Result<usize, Errno> {
    buf.fill(0);
    let mut done = 0;
    while done < buf.len() {
        let n = f.pread(&mut buf[done..], off + done as u64)?;
        if n == 0 {
            break;
        }
        done += n;
    }
    Ok(done)
}

/// Maps `[start, start+len)` of `f` from file offset `off` (page aligned).
pub fn map(
    ctx: &mut Ctx,
    f: &OpenFile,
    start: u64,
    len: u64,
    perms: Perms,
    shared: bool,
    off: u64,
) -> Result<(), Errno> {
    let mem = &mut ctx.proc.mem;
    let first = off / PAGE;
    let size = f.stat()?.size;
    let obj = if shared {
        let obj = object_for(f.vnode());
        obj.set_size_pages(size.div_ceil(PAGE));
        mem.map_shared_obj(start, len, perms, &obj, first)
            .map_err(map_err)?;
        Some(obj)
    } else {
        // Pages wholly past the end of the file raise SIGBUS when touched.
        let in_file = (size.saturating_sub(off).div_ceil(PAGE) * PAGE).min(len);
        if in_file > 0 {
            mem.map_fixed(start, in_file, perms).map_err(map_err)?;
        }
        if in_file < len {
            mem.map_past_eof(start + in_file, len - in_file, perms)
                .map_err(map_err)?;
        }
        None
    };
    let mut buf = vec![0u8; PAGE as usize];
    for i in 0..len / PAGE {
        if obj.as_ref().is_some_and(|o| o.has_page(first + i)) {
            continue;
        }
        let n = read_page(f, off + i * PAGE, &mut buf)?;
        if n == 0 {
            // Wholly past the end of the file: left to zero fill on touch.
            continue;
        }
        mem.write_bytes_unchecked(start + i * PAGE, &buf)
            .map_err(|_| Errno::ENOMEM)?;
    }
    Ok(())
}

/// The shared object of the file `v`, created if no mapping has one.
fn object_for(v: &Vnode) -> SharedMem {
    SHARED.with(|s| {
        let mut s = s.borrow_mut();
        s.retain(|e| e.obj.users() > 1);
        if let Some(e) = s.iter().find(|e| same_file(&e.vnode, v)) {
            return e.obj.clone();
        }
        let obj = SharedMem::new();
        s.push(Entry {
            vnode: v.clone(),
            obj: obj.clone(),
        });
        obj
    })
}

/// The file behind shared object `obj`, if it is a file's.
fn file_of(obj: &SharedMem) -> Option<Vnode> {
    SHARED.with(|s| {
        s.borrow()
            .iter()
            .find(|e| e.obj.same(obj))
            .map(|e| e.vnode.clone())
    })
}

/// Writes the pages of shared file mappings inside `[start, end)` back to
/// their files (never past the current end of file).
pub fn write_back(mem: &mut AddressSpace, start: u64, end: u64) -> Result<(), Errno> {
    let mut buf = vec![0u8; PAGE as usize];
    for r in mem.regions() {
        let (s, e) = (r.start.max(start), r.end.min(end));
        if s >= e || !r.shared {
            continue;
        }
        let Some((obj, _)) = mem.shared_at(s) else {
            continue;
        };
        let Some(v) = file_of(&obj) else {
            continue;
        };
        let size = v.stat()?.size;
        let mut a = s & !(PAGE - 1);
        while a < e {
            if let Some((_, idx)) = mem.shared_at(a) {
                let off = idx * PAGE;
                if off < size && obj.has_page(idx) {
                    let n = (size - off).min(PAGE) as usize;
                    mem.read_bytes_unchecked(a, &mut buf[..n])
                        .map_err(|_| Errno::EFAULT)?;
                    v.fs().write(v.ino(), off, &buf[..n])?;
                }
            }
            a += PAGE;
        }
    }
    Ok(())
}

/// `write(fd, buf, count)`, then [`refresh`] of the written range.
pub fn write(ctx: &mut Ctx, a: &Args) -> SysResult {
    let n = super::super::fs::write(ctx, a)?;
    if let Ok(f) = ctx.proc.fs.fds.get(a[0] as i32).cloned() {
        refresh(&mut ctx.proc.mem, &f, f.offset().saturating_sub(n), n);
    }
    Ok(n)
}

/// `pwrite64(fd, buf, count, offset)`, then [`refresh`] of the written range.
pub fn pwrite64(ctx: &mut Ctx, a: &Args) -> SysResult {
    let n = super::super::fs::pwrite64(ctx, a)?;
    if let Ok(f) = ctx.proc.fs.fds.get(a[0] as i32).cloned() {
        refresh(&mut ctx.proc.mem, &f, a[3], n);
    }
    Ok(n)
}

/// `ftruncate(fd, length)`, then the new end of the file for its shared
/// mappings: pages up to a longer end read as zero, as on Linux (pages a
/// shorter end cuts off keep the frames they have).
pub fn ftruncate(ctx: &mut Ctx, a: &Args) -> SysResult {
    let r = super::super::fs_fd::ftruncate(ctx, a)?;
    if let Ok(f) = ctx.proc.fs.fds.get(a[0] as i32) {
        if let (Some(obj), Ok(st)) = (shared_of(f), f.stat()) {
            obj.set_size_pages(st.size.div_ceil(PAGE));
        }
    }
    Ok(r)
}

/// The shared object of `f`'s file, if a mapping has one.
fn shared_of(f: &OpenFile) -> Option<SharedMem> {
    if f.kind() != FileType::Regular {
        return None;
    }
    SHARED.with(|s| {
        s.borrow()
            .iter()
            .find(|e| same_file(&e.vnode, f.vnode()))
            .map(|e| e.obj.clone())
    })
}

/// After `n` bytes were written to `f` at `off`: copies them into the pages
/// of the file's shared object that exist, so live `MAP_SHARED` mappings see
/// `write`/`pwrite64` (other write paths — `writev`, `pwritev`, `sendfile` —
/// do not refresh them). Written pages past the object's old end get frames
/// (in `mem`'s pool) and the end moves, so mappings that reach there see the
/// new bytes instead of SIGBUS.
fn refresh(mem: &mut AddressSpace, f: &OpenFile, off: u64, n: u64) {
    if n == 0 {
        return;
    }
    let Some(obj) = shared_of(f) else {
        return;
    };
    let v = f.vnode();
    let old_end = obj.size_pages();
    let mut buf = vec![0u8; PAGE as usize];
    for idx in off / PAGE..=(off + n - 1) / PAGE {
        if v.fs().read(v.ino(), idx * PAGE, &mut buf).is_ok() {
            if obj.has_page(idx) {
                // A short read leaves the old bytes past EOF: they were
                // zero or written back, both still right.
                obj.write_page(idx, &buf);
            } else if idx >= old_end {
                mem.fill_shared_page(&obj, idx, &buf);
            }
        }
        buf.fill(0);
    }
    if let Ok(st) = v.stat() {
        obj.set_size_pages(st.size.div_ceil(PAGE));
    }
}

#[cfg(test)]
mod tests {
    use super::super::{MAP_FIXED, MAP_PRIVATE, MAP_SHARED, PROT_READ};
    use super::*;
    use crate::syscall::table::nr;
    use crate::syscall::tests::TestVm;
    use nanovm::mem::FaultKind;

    const RW: u64 = PROT_READ | PROT_WRITE;
    const CWD: u64 = -100i64 as u64;

    fn open(t: &mut TestVm, path: &str, flags: u64) -> u64 {
        let p = t.data(format!("{path}\0").as_bytes());
        t.call(nr::OPENAT, [CWD, p, flags, 0o644, 0, 0]).unwrap()
    }

    fn pread(t: &mut TestVm, fd: u64, n: usize, off: u64) -> Vec<u8> {
        let b = t.data(&vec![0; n]);
        let got = t.call(nr::PREAD64, [fd, b, n as u64, off, 0, 0]).unwrap() as usize;
        t.read(b, got)
    }

    /// A file of `PAGE + 100` bytes: byte `i` is `i % 251`.
    fn setup(t: &mut TestVm) -> u64 {
        let fd = open(t, "/tmp/m", 0o102); // O_RDWR | O_CREAT
        let data: Vec<u8> = (0..PAGE + 100).map(|i| (i % 251) as u8).collect();
        let b = t.data(&data);
        let n = t.call(nr::WRITE, [fd, b, data.len() as u64, 0, 0, 0]);
        assert_eq!(n, Ok(PAGE + 100));
        fd
    }

    #[test]
    fn private_file_map_copies_and_stays_private() {
        let mut t = TestVm::new();
        let fd = setup(&mut t);
        let m = t
            .call(nr::MMAP, [0, 3 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0])
            .unwrap();
        assert_eq!(t.proc.mem.load_u8(m + 5).unwrap(), 5);
        assert_eq!(
            t.proc.mem.load_u8(m + PAGE + 99).unwrap(),
            (PAGE + 99) % 251
        );
        assert_eq!(t.proc.mem.load_u8(m + PAGE + 100).unwrap(), 0);
        let past = t.proc.mem.load_u8(m + 2 * PAGE + 8).unwrap_err();
        assert_eq!(
            (past.kind, past.addr),
            (FaultKind::PastEof, m + 2 * PAGE + 8)
        );
        assert!(t.proc.mem.store_u8(m, 1).is_err());
        // From an offset, writable: stores stay in the mapping.
        let w = t
            .call(nr::MMAP, [0, PAGE, RW, MAP_PRIVATE, fd, PAGE])
            .unwrap();
        assert_eq!(t.proc.mem.load_u8(w).unwrap(), PAGE % 251);
        t.proc.mem.store_u8(w, 0xee).unwrap();
        assert_eq!(t.call(nr::MSYNC, [w, PAGE, 4, 0, 0, 0]), Ok(0));
        assert_eq!(t.call(nr::MUNMAP, [w, PAGE, 0, 0, 0, 0]), Ok(0));
        assert_eq!(pread(&mut t, fd, 1, PAGE), vec![(PAGE % 251) as u8]);
        // Errors.
        let args = |fd, off| [0, PAGE, PROT_READ, MAP_PRIVATE, fd, off];
        assert_eq!(t.call(nr::MMAP, args(fd, 1)), Err(Errno::EINVAL));
        assert_eq!(t.call(nr::MMAP, args(77, 0)), Err(Errno::EBADF));
        let wo = open(&mut t, "/tmp/m", 1); // O_WRONLY
        assert_eq!(t.call(nr::MMAP, args(wo, 0)), Err(Errno::EACCES));
        let ro = open(&mut t, "/tmp/m", 0);
        let sh = [0, PAGE, RW, MAP_SHARED, ro, 0];
        assert_eq!(t.call(nr::MMAP, sh), Err(Errno::EACCES));
        let dir = open(&mut t, "/tmp", 0);
        assert_eq!(t.call(nr::MMAP, args(dir, 0)), Err(Errno::ENODEV));
        let zero = open(&mut t, "/dev/zero", 0);
        let z = t.call(nr::MMAP, args(zero, 0)).unwrap();
        assert_eq!(t.proc.mem.load_u64(z).unwrap(), 0);
    }

    #[test]
    fn shared_file_maps_share_frames_and_write_back() {
        let mut t = TestVm::new();
        let fd = setup(&mut t);
        let a = t
            .call(nr::MMAP, [0, 2 * PAGE, RW, MAP_SHARED, fd, 0])
            .unwrap();
        let b = t
            .call(nr::MMAP, [0, PAGE, RW, MAP_SHARED, fd, PAGE])
            .unwrap();
        t.proc.mem.store_u8(a + PAGE + 3, 0xab).unwrap();
        assert_eq!(t.proc.mem.load_u8(b + 3).unwrap(), 0xab);
        // Not yet in the file; msync writes it back (never past EOF).
        assert_eq!(
            pread(&mut t, fd, 1, PAGE + 3),
            vec![((PAGE + 3) % 251) as u8]
        );
        assert_eq!(t.call(nr::MSYNC, [a, 2 * PAGE, 4, 0, 0, 0]), Ok(0));
        assert_eq!(pread(&mut t, fd, 1, PAGE + 3), vec![0xab]);
        assert_eq!(pread(&mut t, fd, 200, PAGE).len(), 100);
        // A fork shares the frames too; munmap writes back.
        let mut child = t.proc.mem.fork();
        child.store_u8(b + 4, 0xcd).unwrap();
        assert_eq!(t.proc.mem.load_u8(a + PAGE + 4).unwrap(), 0xcd);
        assert_eq!(t.call(nr::MUNMAP, [a, 2 * PAGE, 0, 0, 0, 0]), Ok(0));
        assert_eq!(pread(&mut t, fd, 2, PAGE + 3), vec![0xab, 0xcd]);
        // pwrite64 and write reach the live shared pages.
        let d = t.data(b"XY");
        assert_eq!(t.call(nr::PWRITE64, [fd, d, 2, PAGE + 6, 0, 0]), Ok(2));
        assert_eq!(t.proc.mem.load_u8(b + 7).unwrap(), b'Y' as u64);
        assert_eq!(t.call(nr::LSEEK, [fd, 1, 0, 0, 0, 0]), Ok(1));
        assert_eq!(t.call(nr::WRITE, [fd, d, 1, 0, 0, 0]), Ok(1));
        let c = t.call(nr::MMAP, [0, PAGE, RW, MAP_SHARED, fd, 0]).unwrap();
        assert_eq!(t.proc.mem.load_u8(c + 1).unwrap(), b'X' as u64);
        assert_eq!(t.proc.mem.load_u8(c + PAGE - 1).unwrap(), (PAGE - 1) % 251);
        // Past the end of the file (2 pages): SIGBUS; once the file grew,
        // a new mapping sets the new end for all.
        let e = t
            .call(nr::MMAP, [0, 3 * PAGE, RW, MAP_SHARED, fd, 0])
            .unwrap();
        let past = t.proc.mem.load_u8(e + 2 * PAGE).unwrap_err();
        assert_eq!(past.kind, FaultKind::PastEof);
        let f = t
            .call(nr::MMAP, [0, 5 * PAGE, RW, MAP_SHARED, fd, 0])
            .unwrap();
        assert_eq!(t.call(nr::PWRITE64, [fd, d, 2, 2 * PAGE + 1, 0, 0]), Ok(2));
        assert_eq!(t.proc.mem.load_u8(e + 2 * PAGE + 2).unwrap(), b'Y' as u64);
        assert_eq!(t.proc.mem.load_u8(f + 2 * PAGE + 1).unwrap(), b'X' as u64);
        assert_eq!(t.proc.mem.load_u8(f + 2 * PAGE + 3).unwrap(), 0);
        let past = t.proc.mem.load_u8(f + 3 * PAGE).unwrap_err();
        assert_eq!(past.kind, FaultKind::PastEof);
        // ftruncate to 5 pages: the new pages read as zero.
        assert_eq!(t.call(nr::FTRUNCATE, [fd, 5 * PAGE, 0, 0, 0, 0]), Ok(0));
        assert_eq!(t.proc.mem.load_u8(f + 4 * PAGE + 9).unwrap(), 0);
        drop(child);
        // MAP_FIXED over a shared file map writes it back first.
        t.proc.mem.store_u8(b + 5, 0xef).unwrap();
        let anon = MAP_PRIVATE | MAP_FIXED | super::super::MAP_ANONYMOUS;
        assert_eq!(t.call(nr::MMAP, [b, PAGE, RW, anon, !0, 0]), Ok(b));
        assert_eq!(pread(&mut t, fd, 1, PAGE + 5), vec![0xef]);
    }
}
