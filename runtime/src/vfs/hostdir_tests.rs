//! HostDirFs tests, each run twice: on real temporary host trees through `StdCalls` (the
//! native `HostFs`) and on the in-memory `MemHost` (`hostdir_mem.rs`), a second host that
//! follows intermediate symlinks as Linux does and checks permissions as an unprivileged
//! user would. Confinement (symlinks out, `..`, host-side swaps), read-only mounts leave the
//! host byte-identical, read-write operations round-trip to the host. The tests set up and
//! inspect the host through the same primitive calls ([`HostCalls`]).

use super::super::file::{flags::*, OpenFile};
use super::super::hostfs::StdCalls;
use super::super::mount::MountId;
use super::super::path::Ctx;
use super::mem::MemHost;
use super::*;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;

#[path = "hostdir_mem_tests.rs"]
mod mem_only;

/// A temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        thread_local!(static N: Cell<u32> = const { Cell::new(0) });
        let n = N.with(|n| {
            n.set(n.get() + 1);
            n.get()
        });
        let name = format!(
            "nanovm-hostfs-{}-{:?}-{n}",
            std::process::id(),
            std::thread::current().id()
        );
        let p = std::env::temp_dir().join(name.replace(['(', ')'], ""));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A host the tests can run on.
trait TestHost: HostCalls + Sized + 'static {
    /// The host, the path of an empty directory on it, and what keeps that directory.
    fn scratch() -> (Self, Vec<u8>, Option<TempDir>);
}

impl TestHost for StdCalls {
    fn scratch() -> (Self, Vec<u8>, Option<TempDir>) {
        use std::os::unix::ffi::OsStrExt;
        let t = TempDir::new();
        let base = t.0.as_os_str().as_bytes().to_vec();
        (StdCalls, base, Some(t))
    }
}

impl TestHost for MemHost {
    fn scratch() -> (Self, Vec<u8>, Option<TempDir>) {
        let h = MemHost::new();
        h.mkdir(b"/tmp", 0o755).unwrap();
        (h, b"/tmp".to_vec(), None)
    }
}

/// Runs each test function on both hosts.
macro_rules! on_both_hosts {
    ($($name:ident),* $(,)?) => {
        mod std_host {
            $(#[test]
            fn $name() {
                super::$name::<super::StdCalls>()
            })*
        }
        mod mem_host {
            $(#[test]
            fn $name() {
                super::$name::<super::MemHost>()
            })*
        }
    };
}

on_both_hosts!(
    symlinks_and_dotdot_stay_inside,
    host_side_swap_is_not_followed,
    stale_paths_are_not_walked_through_host_symlinks,
    read_only_mount_changes_nothing,
    read_write_round_trips_to_the_host,
    created_read_only_file_is_writable_through_its_open,
    mounted_below_a_guest_root,
);

/// `base/rel` as a host path.
fn at(base: &[u8], rel: &str) -> Vec<u8> {
    join(base, rel.as_bytes())
}

/// Writes `data` as the whole content of host file `p` (made 0644 if new).
fn put<H: HostCalls>(h: &H, p: &[u8], data: &str) {
    let f = match h.lstat(p) {
        Ok(_) => h.open(p, Access::Write, None).unwrap(),
        Err(_) => h.open(p, Access::Write, Some(0o644)).unwrap(),
    };
    h.ftruncate(&f, 0).unwrap();
    assert_eq!(h.pwrite(&f, data.as_bytes(), 0), Ok(data.len()));
}

/// The content of host file `p`.
fn get<H: HostCalls>(h: &H, p: &[u8]) -> Vec<u8> {
    let f = h.open(p, Access::Read, None).unwrap();
    let mut buf = vec![0u8; h.fstat(&f).unwrap().size as usize];
    assert_eq!(h.pread(&f, &mut buf, 0), Ok(buf.len()));
    buf
}

/// `base/` holds `outside_secret`, `outside/secret` and the served `srv/`:
/// `srv/etc/passwd` ("inside"), `srv/a/f` ("hello") and symlinks trying to
/// get out. Returns the host, `base`, `srv` and the directory's keeper.
fn tree<H: TestHost>() -> (H, Vec<u8>, Vec<u8>, Option<TempDir>) {
    let (h, base, keep) = H::scratch();
    put(&h, &at(&base, "outside_secret"), "SECRET");
    h.mkdir(&at(&base, "outside"), 0o755).unwrap();
    put(&h, &at(&base, "outside/secret"), "SECRET");
    let srv = at(&base, "srv");
    for d in ["srv", "srv/etc", "srv/a"] {
        h.mkdir(&at(&base, d), 0o755).unwrap();
    }
    put(&h, &at(&srv, "etc/passwd"), "inside");
    put(&h, &at(&srv, "a/f"), "hello");
    let links = [
        ("../../etc/passwd", "up"),
        ("../../../../../../../etc/passwd", "a/up"),
        ("/etc/passwd", "abs"),
        ("../outside_secret", "esc"),
        ("../outside", "reldir"),
    ];
    for (target, name) in links {
        h.symlink(target.as_bytes(), &at(&srv, name)).unwrap();
    }
    h.symlink(&at(&base, "outside"), &at(&srv, "absdir"))
        .unwrap();
    (h, base, srv, keep)
}

/// A VFS whose root is `srv` served by HostDirFs (read-only if `ro`).
struct Guest<H: HostCalls> {
    vfs: Vfs,
    fs: Rc<HostDirFs<H>>,
    root: Vnode,
    cred: Cred,
}

impl<H: HostCalls + 'static> Guest<H> {
    fn new(h: H, srv: &[u8], ro: bool) -> Guest<H> {
        let fs = Rc::new(HostDirFs::with_calls(h, srv, ro, (0, 0)).unwrap());
        let mut vfs = Vfs::new(fs.clone());
        let flags = MountFlags {
            read_only: ro,
            ..MountFlags::default()
        };
        vfs.remount(MountId(0), flags).unwrap();
        let root = vfs.root();
        Guest {
            vfs,
            fs,
            root,
            cred: Cred::root(),
        }
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            root: &self.root,
            cred: &self.cred,
        }
    }

    fn open(&self, path: &str, flags: u32) -> VfsResult<OpenFile> {
        let (ctx, r) = (self.ctx(), &self.root);
        self.vfs.open(&ctx, r, path.as_bytes(), flags, 0o644)
    }

    fn read(&self, path: &str) -> VfsResult<Vec<u8>> {
        let f = self.open(path, O_RDONLY)?;
        let mut buf = vec![0u8; 64];
        let n = f.read(&mut buf)?;
        buf.truncate(n);
        Ok(buf)
    }

    fn lookup(&self, path: &str) -> VfsResult<Vnode> {
        let (ctx, r) = (self.ctx(), &self.root);
        self.vfs.lookup(&ctx, r, path.as_bytes(), true)
    }

    /// The host calls, to act behind the guest's back.
    fn host(&self) -> &H {
        self.fs.calls()
    }
}

fn symlinks_and_dotdot_stay_inside<H: TestHost>() {
    let (h, _, srv, _t) = tree::<H>();
    let g = Guest::new(h, &srv, false);
    for p in ["/up", "/a/up", "/abs", "/a/../up", "/../../etc/passwd"] {
        assert_eq!(g.read(p).unwrap(), b"inside", "{p} resolves in the guest");
    }
    for p in [
        "/esc",
        "/reldir/secret",
        "/absdir/secret",
        "/../outside_secret",
    ] {
        assert_eq!(g.read(p).unwrap_err(), Errno::ENOENT, "{p} must not escape");
    }
    let (ctx, r) = (g.ctx(), &g.root);
    assert_eq!(g.vfs.readlink(&ctx, r, b"/abs").unwrap(), b"/etc/passwd");
    let esc = g.vfs.lookup(&ctx, r, b"/esc", false).unwrap();
    assert_eq!(esc.stat().unwrap().mode & mode::S_IFMT, mode::S_IFLNK);
    assert_eq!(
        g.lookup("/..").unwrap().ino(),
        g.root.ino(),
        "`..` of the root stays"
    );
    // The file system itself refuses anything but single names.
    let fs = &g.fs;
    assert_eq!(fs.lookup(ROOT, b".."), Ok(ROOT));
    assert_eq!(fs.lookup(ROOT, b"../outside_secret"), Err(Errno::EINVAL));
    assert_eq!(fs.lookup(ROOT, b"a/f"), Err(Errno::EINVAL));
    assert_eq!(fs.lookup(ROOT, b"x\0y"), Err(Errno::EINVAL));
    assert_eq!(fs.create(ROOT, b"../x", &reg(0o644)), Err(Errno::EINVAL));
    assert_eq!(
        fs.read(esc.ino(), 0, &mut [0; 8]),
        Err(Errno::EINVAL),
        "never follows"
    );
    assert_eq!(fs.open(esc.ino(), O_RDONLY), Err(Errno::ENXIO));
}

fn host_side_swap_is_not_followed<H: TestHost>() {
    let (h, base, srv, _t) = tree::<H>();
    let g = Guest::new(h, &srv, false);
    let h = g.host();
    let a = g.lookup("/a").unwrap();
    let f = g.open("/a/f", O_RDONLY).unwrap();
    // Behind the guest's back: a/ becomes a symlink to the outside.
    h.rename(&at(&srv, "a"), &at(&srv, "a2")).unwrap();
    h.symlink(&at(&base, "outside"), &at(&srv, "a")).unwrap();
    assert_eq!(g.fs.lookup(a.ino(), b"secret"), Err(Errno::ENOENT));
    let (ctx, cwd) = (g.ctx(), &a);
    assert!(g.vfs.lookup(&ctx, cwd, b"secret", true).is_err());
    assert_eq!(g.fs.readdir(a.ino(), 0, &mut |_| true), Err(Errno::ENOENT));
    assert_eq!(g.read("/a/secret").unwrap_err(), Errno::ENOENT);
    let mut buf = [0u8; 8];
    assert_eq!(
        f.read(&mut buf),
        Ok(5),
        "an open file keeps its host handle"
    );
    assert_eq!(&buf[..5], b"hello");
    assert_eq!(g.read("/a2/f").unwrap(), b"hello");
}

fn stale_paths_are_not_walked_through_host_symlinks<H: TestHost>() {
    let (h, _, srv, _t) = tree::<H>();
    let g = Guest::new(h, &srv, false);
    let f = g.lookup("/a/f").unwrap();
    // Behind the guest's back: a/ moves to b/ and a/ becomes a symlink to it, so the host
    // still reaches the same file by the old path, but only through a symlink.
    let h = g.host();
    h.rename(&at(&srv, "a"), &at(&srv, "b")).unwrap();
    h.symlink(b"b", &at(&srv, "a")).unwrap();
    assert_eq!(
        h.lstat(&at(&srv, "a/f")).map(|m| m.size),
        Ok(5),
        "the host follows"
    );
    assert_eq!(g.fs.getattr(f.ino()), Err(Errno::ENOENT));
    assert_eq!(g.fs.read(f.ino(), 0, &mut [0; 8]), Err(Errno::ENOENT));
    assert_eq!(
        g.fs.setattr(f.ino(), &SetAttr::default()),
        Err(Errno::ENOENT)
    );
    // The guest resolves the symlink itself; the inode is found again at its new path.
    assert_eq!(g.read("/a/f").unwrap(), b"hello");
    assert_eq!(g.lookup("/b/f").unwrap().ino(), f.ino());
    assert_eq!(g.fs.getattr(f.ino()).map(|st| st.size), Ok(5));
}

fn reg(perm: u32) -> NewNode {
    NewNode {
        mode: mode::S_IFREG | perm,
        uid: 0,
        gid: 0,
        rdev: 0,
    }
}

/// Everything about a host tree, without following symlinks.
fn snapshot<H: HostCalls>(h: &H, root: &[u8]) -> BTreeMap<Vec<u8>, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_vec()];
    while let Some(p) = stack.pop() {
        let md = h.lstat(&p).unwrap();
        let what = if md.is_dir() {
            for n in h.readdir(&p).unwrap() {
                stack.push(join(&p, &n));
            }
            String::from("dir")
        } else if md.is_symlink() {
            format!("-> {:?}", h.readlink(&p).unwrap())
        } else {
            format!("{:?}", get(h, &p))
        };
        let line = format!(
            "{what} mode {:o} nlink {} mtime {:?}",
            md.mode, md.nlink, md.mtime
        );
        out.insert(p, line);
    }
    out
}

fn read_only_mount_changes_nothing<H: TestHost>() {
    let (h, _, srv, _t) = tree::<H>();
    let before = snapshot(&h, &srv);
    let g = Guest::new(h, &srv, true);
    assert_eq!(g.read("/a/f").unwrap(), b"hello", "reading works");
    let (ctx, r, c) = (g.ctx(), &g.root, &g.cred);
    let rofs = Err(Errno::EROFS);
    assert_eq!(g.open("/a/f", O_WRONLY).map(|_| ()), rofs);
    assert_eq!(g.open("/a/f", O_RDONLY | O_TRUNC).map(|_| ()), rofs);
    assert_eq!(g.open("/new", O_WRONLY | O_CREAT).map(|_| ()), rofs);
    assert_eq!(g.vfs.mkdir(&ctx, r, b"/d", 0o755), rofs);
    assert_eq!(g.vfs.unlink(&ctx, r, b"/a/f"), rofs);
    assert_eq!(g.vfs.unlink(&ctx, r, b"/esc"), rofs);
    assert_eq!(g.vfs.rmdir(&ctx, r, b"/etc"), rofs);
    assert_eq!(g.vfs.rename(&ctx, r, b"/a/f", r, b"/g", 0), rofs);
    assert_eq!(g.vfs.symlink(&ctx, b"x", r, b"/l"), rofs);
    assert_eq!(g.vfs.link(&ctx, r, b"/a/f", r, b"/h", false), rofs);
    let f = g.lookup("/a/f").unwrap();
    assert_eq!(g.vfs.truncate(c, &f, 0), rofs);
    assert_eq!(g.vfs.chmod(c, &f, 0o777), rofs);
    assert_eq!(g.vfs.chown(c, &f, Some(0), None), rofs);
    assert_eq!(g.vfs.utimens(c, &f, Some(SetTime::Now), None), rofs);
    // The file system refuses on its own too (say, mounted without MS_RDONLY).
    let (fs, fi) = (&g.fs, f.ino());
    let a = g.lookup("/a").unwrap().ino();
    assert_eq!(fs.create(ROOT, b"n", &reg(0o644)), Err(Errno::EROFS));
    assert_eq!(fs.mkdir(ROOT, b"n", &reg(0o755)), Err(Errno::EROFS));
    assert_eq!(fs.symlink(ROOT, b"n", b"t", &reg(0)), Err(Errno::EROFS));
    assert_eq!(fs.link(fi, ROOT, b"n"), rofs);
    assert_eq!(fs.unlink(a, b"f"), rofs);
    assert_eq!(fs.rmdir(ROOT, b"etc"), rofs);
    assert_eq!(fs.rename(a, b"f", ROOT, b"f", 0), rofs);
    assert_eq!(
        fs.setattr(
            fi,
            &SetAttr {
                mode: Some(0o777),
                ..SetAttr::default()
            }
        ),
        rofs
    );
    assert_eq!(fs.truncate(fi, 0), rofs);
    assert_eq!(fs.write(fi, 0, b"x"), Err(Errno::EROFS));
    assert_eq!(fs.append(fi, b"x").map(|_| ()), rofs);
    assert_eq!(fs.open(fi, O_RDWR), rofs);
    let rd = g.open("/a/f", O_RDONLY).unwrap();
    assert_eq!(rd.write(b"x"), Err(Errno::EBADF));
    drop((rd, f));
    assert_eq!(
        snapshot(g.host(), &srv),
        before,
        "the host tree is byte-identical"
    );
}

fn read_write_round_trips_to_the_host<H: TestHost>() {
    let (h, _, srv, _t) = tree::<H>();
    let g = Guest::new(h, &srv, false);
    let hs = g.host();
    let host = |rel: &str| at(&srv, rel);
    let (ctx, r, c) = (g.ctx(), &g.root, &g.cred);
    let f = g.open("/new", O_RDWR | O_CREAT | O_EXCL).unwrap();
    assert_eq!(f.write(b"hello host"), Ok(10));
    assert_eq!(f.pwrite(b"H", 0), Ok(1));
    assert_eq!(get(hs, &host("new")), b"Hello host");
    assert_eq!(hs.lstat(&host("new")).unwrap().mode & 0o7777, 0o644);
    let st = f.stat().unwrap();
    assert_eq!((st.size, st.uid, st.nlink), (10, 0, 1));
    g.vfs.mkdir(&ctx, r, b"/d", 0o750).unwrap();
    g.vfs.mkdir(&ctx, r, b"/d/e", 0o755).unwrap();
    assert!(hs.lstat(&host("d/e")).unwrap().is_dir());
    g.vfs.rename(&ctx, r, b"/new", r, b"/d/e/moved", 0).unwrap();
    assert_eq!(get(hs, &host("d/e/moved")), b"Hello host");
    assert_eq!(hs.lstat(&host("new")), Err(Errno::ENOENT));
    assert_eq!(f.write(b"!"), Ok(1), "the open file moved with it");
    assert_eq!(get(hs, &host("d/e/moved")), b"Hello host!");
    // A cwd inside a renamed directory keeps working, and getcwd follows.
    let cwd = g.lookup("/d/e").unwrap();
    let ino = g.lookup("/d/e/moved").unwrap().ino();
    g.vfs.rename(&ctx, r, b"/d", r, b"/d2", 0).unwrap();
    assert_eq!(g.vfs.lookup(&ctx, &cwd, b"moved", true).unwrap().ino(), ino);
    assert_eq!(g.vfs.path_of(&ctx, &cwd).unwrap(), b"/d2/e");
    assert_eq!(
        g.lookup("/d2/e/moved").unwrap().ino(),
        ino,
        "inode numbers are stable"
    );
    // Links, symlinks, truncate, chmod, chown, utimens.
    g.vfs
        .link(&ctx, r, b"/d2/e/moved", r, b"/hard", false)
        .unwrap();
    assert_eq!(g.lookup("/hard").unwrap().ino(), ino);
    assert_eq!(g.lookup("/hard").unwrap().stat().unwrap().nlink, 2);
    g.vfs.symlink(&ctx, b"/d2/e/moved", r, b"/sym").unwrap();
    assert_eq!(hs.readlink(&host("sym")).unwrap(), b"/d2/e/moved");
    assert_eq!(g.read("/sym").unwrap(), b"Hello host!");
    let h = g.lookup("/hard").unwrap();
    g.vfs.truncate(c, &h, 5).unwrap();
    assert_eq!(get(hs, &host("hard")), b"Hello");
    g.vfs.chmod(c, &h, 0o4600).unwrap();
    assert_eq!(hs.lstat(&host("hard")).unwrap().mode & 0o7777, 0o600);
    assert_eq!(g.vfs.chown(c, &h, Some(0), Some(0)), Ok(()));
    assert_eq!(g.vfs.chown(c, &h, Some(5), None), Err(Errno::EPERM));
    let t = Timespec::new(1_000_000, 5);
    g.vfs.utimens(c, &h, None, Some(SetTime::At(t))).unwrap();
    assert_eq!(h.stat().unwrap().mtime, t);
    assert_eq!(hs.lstat(&host("hard")).unwrap().mtime.sec, 1_000_000);
    for sec in [i64::MAX, i64::MIN] {
        let far = Some(SetTime::At(Timespec::new(sec, 999_999_999)));
        let r = g.vfs.utimens(c, &h, far, None);
        assert!(matches!(r, Ok(()) | Err(Errno::EINVAL)), "{r:?}: no panic");
    }
    let early = Timespec::new(-86_400, 250);
    g.vfs
        .utimens(c, &h, Some(SetTime::At(early)), None)
        .unwrap();
    assert_eq!(h.stat().unwrap().atime, early);
    assert_eq!(
        g.vfs.mknod(&ctx, r, b"/fifo", mode::S_IFIFO | 0o644, 0),
        Err(Errno::EPERM)
    );
    // Unlink while open, rmdir, listings.
    let open = g.open("/hard", O_RDONLY).unwrap();
    g.vfs.unlink(&ctx, r, b"/hard").unwrap();
    g.vfs.unlink(&ctx, r, b"/d2/e/moved").unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(open.read(&mut buf), Ok(5));
    assert_eq!(open.stat().unwrap().nlink, 0);
    assert_eq!(g.vfs.rmdir(&ctx, r, b"/d2"), Err(Errno::ENOTEMPTY));
    g.vfs.rmdir(&ctx, r, b"/d2/e").unwrap();
    assert_eq!(g.lookup("/d2/e").unwrap_err(), Errno::ENOENT);
    // Listings: sorted, with positions that survive removals; names that
    // appear later are listed after the ones already seen.
    hs.mkdir(&host("l"), 0o755).unwrap();
    for n in ["b", "c", "e"] {
        put(hs, &host(&format!("l/{n}")), n);
    }
    let list = crate::vfs::tests::list;
    let d = g.open("/l", O_RDONLY | O_DIRECTORY).unwrap();
    assert_eq!(list(&d, 3), [".", "..", "b"]);
    put(hs, &host("l/d"), "");
    put(hs, &host("l/a"), "");
    hs.unlink(&host("l/c")).unwrap();
    assert_eq!(list(&d, 100), ["e", "a", "d"]);
    assert_eq!(d.seek(0, file::SEEK_SET), Ok(0));
    assert_eq!(list(&d, 100), [".", "..", "b", "e", "a", "d"]);
    drop(d);
    let d = g.open("/l", O_RDONLY | O_DIRECTORY).unwrap();
    assert_eq!(
        list(&d, 100),
        [".", "..", "a", "b", "d", "e"],
        "fresh: sorted"
    );
    put(hs, &host("zz"), "");
    let mut kinds = Vec::new();
    g.fs.readdir(ROOT, 0, &mut |e| {
        kinds.push((e.name.to_vec(), e.kind));
        true
    })
    .unwrap();
    assert!(kinds.contains(&(b"sym".to_vec(), FileType::Symlink)));
    assert!(kinds.contains(&(b"zz".to_vec(), FileType::Regular)));
    assert!(kinds.contains(&(b"etc".to_vec(), FileType::Directory)));
}

fn created_read_only_file_is_writable_through_its_open<H: TestHost>() {
    let (h, _, srv, _t) = tree::<H>();
    let g = Guest::new(h, &srv, false);
    let (h, host) = (g.host(), |rel: &str| at(&srv, rel));
    let (ctx, r) = (g.ctx(), &g.root);
    let f = g
        .vfs
        .open(&ctx, r, b"/ro", O_RDWR | O_CREAT | O_EXCL, 0o444)
        .unwrap();
    assert_eq!(f.write(b"data"), Ok(4));
    assert_eq!(f.pread(&mut [0; 4], 0), Ok(4));
    assert_eq!(get(h, &host("ro")), b"data");
    assert_eq!(h.lstat(&host("ro")).unwrap().mode & 0o7777, 0o444);
}

fn mounted_below_a_guest_root<H: TestHost>() {
    let (h, _, srv, _t) = tree::<H>();
    let mem = Rc::new(super::super::memfs::MemFs::new(Box::new(|| {
        Timespec::new(1, 0)
    })));
    let mut vfs = Vfs::new(mem.clone());
    let dir = NewNode {
        mode: mode::S_IFDIR | 0o755,
        uid: 0,
        gid: 0,
        rdev: 0,
    };
    let etc = mem.mkdir(1, b"etc", &dir).unwrap();
    let pw = mem.create(etc, b"passwd", &reg(0o644)).unwrap();
    mem.write(pw, 0, b"guest root").unwrap();
    let mnt = mem.mkdir(1, b"mnt", &dir).unwrap();
    let host = Rc::new(HostDirFs::with_calls(h, &srv, true, (1000, 1000)).unwrap());
    let ro = MountFlags {
        read_only: true,
        ..MountFlags::default()
    };
    vfs.mount(&vfs.root().with_ino(mnt), host, ro).unwrap();
    let (root, cred) = (vfs.root(), Cred::user(1000, 1000));
    let ctx = Ctx {
        root: &root,
        cred: &cred,
    };
    let read = |p: &[u8]| -> VfsResult<Vec<u8>> {
        let f = vfs.open(&ctx, &root, p, O_RDONLY, 0)?;
        let mut buf = vec![0u8; 32];
        let n = f.read(&mut buf)?;
        buf.truncate(n);
        Ok(buf)
    };
    assert_eq!(read(b"/mnt/a/f").unwrap(), b"hello");
    assert_eq!(
        read(b"/mnt/abs").unwrap(),
        b"guest root",
        "absolute: the guest's root"
    );
    assert_eq!(
        read(b"/mnt/up").unwrap(),
        b"guest root",
        "`..` leaves the mount upward"
    );
    assert_eq!(read(b"/mnt/esc").unwrap_err(), Errno::ENOENT);
    let st = vfs.stat(&ctx, &root, b"/mnt/a/f", true).unwrap();
    assert_eq!((st.uid, st.gid), (1000, 1000), "owned by the given owner");
    assert_eq!(
        vfs.open(&ctx, &root, b"/mnt/x", O_WRONLY | O_CREAT, 0o644)
            .unwrap_err(),
        Errno::EROFS
    );
}
