//! Scenario tests: the VFS end to end through the syscall-shaped API
//! (trees, symlinks, chroot, mounts, permissions, open files, fd tables).

use super::fdtable::FdTable;
use super::file::{flags::*, OpenFile, SEEK_END, SEEK_HOLE, SEEK_SET};
use super::memfs::MemFs;
use super::path::Ctx;
use super::*;
use std::cell::Cell;
use std::rc::Rc;

struct World {
    vfs: Vfs,
    fs: Rc<MemFs>,
    root: Vnode,
    cred: Cred,
    clock: Rc<Cell<i64>>,
}

impl World {
    fn new() -> World {
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

    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            root: &self.root,
            cred: &self.cred,
        }
    }

    fn open(&self, path: &str, flags: u32) -> VfsResult<OpenFile> {
        self.vfs
            .open(&self.ctx(), &self.root, path.as_bytes(), flags, 0o644)
    }

    fn mkdir(&self, path: &str) -> VfsResult<()> {
        self.vfs
            .mkdir(&self.ctx(), &self.root, path.as_bytes(), 0o755)
    }

    fn write_file(&self, path: &str, data: &[u8]) {
        let f = self.open(path, O_WRONLY | O_CREAT | O_TRUNC).unwrap();
        assert_eq!(f.write(data), Ok(data.len()));
    }

    fn read_file(&self, path: &str) -> VfsResult<Vec<u8>> {
        let f = self.open(path, O_RDONLY)?;
        let mut out = vec![0u8; 256];
        let n = f.read(&mut out)?;
        out.truncate(n);
        Ok(out)
    }

    fn stat(&self, path: &str) -> VfsResult<Stat> {
        self.vfs
            .stat(&self.ctx(), &self.root, path.as_bytes(), true)
    }

    fn lookup(&self, path: &str) -> VfsResult<Vnode> {
        self.vfs
            .lookup(&self.ctx(), &self.root, path.as_bytes(), true)
    }

    fn symlink(&self, target: &str, path: &str) {
        self.vfs
            .symlink(&self.ctx(), target.as_bytes(), &self.root, path.as_bytes())
            .unwrap();
    }

    fn unlink(&self, path: &str) -> VfsResult<()> {
        self.vfs.unlink(&self.ctx(), &self.root, path.as_bytes())
    }

    fn rename(&self, a: &str, b: &str) -> VfsResult<()> {
        let (r, ctx) = (&self.root, self.ctx());
        self.vfs.rename(&ctx, r, a.as_bytes(), r, b.as_bytes(), 0)
    }
}

fn list(f: &OpenFile, max: usize) -> Vec<String> {
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

#[test]
fn small_tree_and_open_flags() {
    let w = World::new();
    w.mkdir("/etc").unwrap();
    w.mkdir("/home").unwrap();
    w.mkdir("/home/user/").unwrap();
    assert_eq!(w.mkdir("/etc"), Err(Errno::EEXIST));
    assert_eq!(w.mkdir("/"), Err(Errno::EEXIST));
    assert_eq!(w.mkdir("/nope/x"), Err(Errno::ENOENT));
    w.write_file("/etc/passwd", b"root:x:0:0\n");
    assert_eq!(w.read_file("/etc/passwd").unwrap(), b"root:x:0:0\n");
    assert_eq!(w.stat("/etc/passwd").unwrap().size, 11);
    assert_eq!(w.stat("/etc/passwd").unwrap().dev, 1);
    assert_eq!(
        w.open("/etc/passwd", O_CREAT | O_EXCL).unwrap_err(),
        Errno::EEXIST
    );
    assert_eq!(
        w.open("/etc/passwd", O_DIRECTORY).unwrap_err(),
        Errno::ENOTDIR
    );
    assert_eq!(w.open("/etc", O_WRONLY).unwrap_err(), Errno::EISDIR);
    assert_eq!(w.open("/etc/", O_CREAT).unwrap_err(), Errno::EISDIR);
    assert_eq!(w.open("/etc/new/", O_CREAT).unwrap_err(), Errno::EISDIR);
    assert_eq!(w.open("/etc/passwd", O_ACCMODE).unwrap_err(), Errno::EINVAL);
    let ro = w.open("/etc/passwd", O_RDONLY).unwrap();
    assert_eq!(ro.write(b"x"), Err(Errno::EBADF));
    assert_eq!(ro.truncate(0), Err(Errno::EINVAL));
    let wo = w.open("/etc/passwd", O_WRONLY).unwrap();
    assert_eq!(wo.read(&mut [0; 4]), Err(Errno::EBADF));
    let path = w.open("/etc/passwd", O_PATH).unwrap();
    assert_eq!(path.read(&mut [0; 4]), Err(Errno::EBADF));
    assert_eq!(path.stat().unwrap().size, 11);
    let d = w.open("/etc", O_RDONLY | O_DIRECTORY).unwrap();
    assert_eq!(d.read(&mut [0; 4]), Err(Errno::EISDIR));
    assert_eq!(list(&d, 10), [".", "..", "passwd"]);
    // O_TRUNC, O_APPEND from two descriptions, lseek, pwrite.
    let a = w
        .open("/etc/passwd", O_WRONLY | O_APPEND | O_TRUNC)
        .unwrap();
    let b = w.open("/etc/passwd", O_WRONLY | O_APPEND).unwrap();
    a.write(b"one ").unwrap();
    b.write(b"two ").unwrap();
    a.write(b"three").unwrap();
    assert_eq!(w.read_file("/etc/passwd").unwrap(), b"one two three");
    assert_eq!(a.offset(), 13);
    let rw = w.open("/etc/passwd", O_RDWR).unwrap();
    assert_eq!(rw.seek(-5, SEEK_END), Ok(8));
    assert_eq!(rw.pwrite(b"ONE", 0), Ok(3));
    assert_eq!(rw.offset(), 8);
    let mut buf = [0u8; 16];
    assert_eq!(rw.read(&mut buf), Ok(5));
    assert_eq!(&buf[..5], b"three");
    assert_eq!(rw.seek(0, SEEK_HOLE), Ok(13));
    assert_eq!(rw.seek(-1, SEEK_SET), Err(Errno::EINVAL));
    assert_eq!(w.read_file("/etc/passwd").unwrap(), b"ONE two three");
}

#[test]
fn symlink_loops_and_limits() {
    let w = World::new();
    w.symlink("b", "/a");
    w.symlink("a", "/b");
    w.symlink("self", "/self");
    assert_eq!(w.lookup("/a").unwrap_err(), Errno::ELOOP);
    assert_eq!(w.lookup("/self/x").unwrap_err(), Errno::ELOOP);
    assert_eq!(w.open("/a", O_RDONLY).unwrap_err(), Errno::ELOOP);
    assert_eq!(w.open("/a", O_CREAT | O_WRONLY).unwrap_err(), Errno::ELOOP);
    // A chain of exactly 40 links resolves; 41 is too many.
    w.mkdir("/d").unwrap();
    w.symlink("/d", "/l0");
    for i in 1..=40 {
        w.symlink(&format!("l{}", i - 1), &format!("/l{i}"));
    }
    assert!(w.lookup("/l39").unwrap().stat().unwrap().is_dir());
    assert_eq!(w.lookup("/l40").unwrap_err(), Errno::ELOOP);
    // O_NOFOLLOW on a symlink, O_PATH|O_NOFOLLOW opens the link itself.
    w.write_file("/d/f", b"x");
    w.symlink("/d/f", "/lf");
    assert_eq!(
        w.open("/lf", O_RDONLY | O_NOFOLLOW).unwrap_err(),
        Errno::ELOOP
    );
    let p = w.open("/lf", O_PATH | O_NOFOLLOW).unwrap();
    assert_eq!(p.kind(), FileType::Symlink);
    let vfs_readlink = w.vfs.readlink(&w.ctx(), &w.root, b"/lf").unwrap();
    assert_eq!(vfs_readlink, b"/d/f");
    assert_eq!(
        w.vfs.readlink(&w.ctx(), &w.root, b"/d/f"),
        Err(Errno::EINVAL)
    );
    // O_CREAT through a dangling symlink creates its target; O_EXCL refuses.
    w.symlink("/d/created", "/dangling");
    assert_eq!(
        w.open("/dangling", O_CREAT | O_EXCL).unwrap_err(),
        Errno::EEXIST
    );
    w.open("/dangling", O_CREAT | O_WRONLY)
        .unwrap()
        .write(b"hi")
        .unwrap();
    assert_eq!(w.read_file("/d/created").unwrap(), b"hi");
    let link = w.vfs.stat(&w.ctx(), &w.root, b"/dangling", false).unwrap();
    assert_eq!(link.file_type(), Some(FileType::Symlink));
    assert_eq!(
        w.vfs.symlink(&w.ctx(), b"", &w.root, b"/empty"),
        Err(Errno::ENOENT)
    );
}

#[test]
fn dotdot_at_root_never_escapes() {
    let w = World::new();
    w.mkdir("/jail").unwrap();
    w.mkdir("/jail/etc").unwrap();
    w.write_file("/jail/etc/motd", b"inside");
    w.write_file("/secret", b"outside");
    w.symlink("/etc/motd", "/jail/abs");
    w.symlink("../../../../secret", "/jail/rel");
    assert_eq!(w.lookup("/..").unwrap().ino(), w.root.ino());
    assert_eq!(w.lookup("/../../jail/..").unwrap().ino(), w.root.ino());
    let jail = w.lookup("/jail").unwrap();
    let ctx = Ctx {
        root: &jail,
        cred: &w.cred,
    };
    let r = |p: &str| w.vfs.lookup(&ctx, &jail, p.as_bytes(), true);
    assert_eq!(
        r("/../../etc/motd").unwrap().ino(),
        w.lookup("/jail/etc/motd").unwrap().ino()
    );
    assert_eq!(r("etc/../..").unwrap().ino(), jail.ino());
    assert_eq!(
        r("abs").unwrap().ino(),
        w.lookup("/jail/etc/motd").unwrap().ino()
    );
    assert_eq!(
        r("rel").unwrap_err(),
        Errno::ENOENT,
        "the jail has no /secret"
    );
    assert_eq!(w.vfs.rmdir(&ctx, &jail, b"/"), Err(Errno::EBUSY));
    let etc = r("etc").unwrap();
    assert_eq!(w.vfs.path_of(&ctx, &etc).unwrap(), b"/etc");
    assert_eq!(w.vfs.path_of(&ctx, &jail).unwrap(), b"/");
    assert_eq!(w.vfs.path_of(&w.ctx(), &etc).unwrap(), b"/jail/etc");
    let outside = w.lookup("/").unwrap();
    assert_eq!(w.vfs.path_of(&ctx, &outside), Err(Errno::ENOENT));
    assert_eq!(w.vfs.rmdir(&ctx, &jail, b"etc/."), Err(Errno::EINVAL));
    assert_eq!(w.vfs.rmdir(&ctx, &jail, b"etc/.."), Err(Errno::ENOTEMPTY));
}

#[test]
fn mounts_exdev_erofs() {
    let mut w = World::new();
    w.mkdir("/mnt").unwrap();
    w.mkdir("/ro").unwrap();
    w.write_file("/f", b"root fs");
    let other = Rc::new(MemFs::new(Box::new(|| Timespec::new(5, 0))));
    let at = w.lookup("/mnt").unwrap();
    let id = w
        .vfs
        .mount(&at, other.clone(), MountFlags::default())
        .unwrap();
    assert_eq!(
        w.vfs.mount(&at, other.clone(), MountFlags::default()),
        Err(Errno::EBUSY)
    );
    let file = w.lookup("/f").unwrap();
    assert_eq!(
        w.vfs.mount(&file, other.clone(), MountFlags::default()),
        Err(Errno::ENOTDIR)
    );
    w.write_file("/mnt/inside", b"other fs");
    assert_eq!(other.inode_count(), 2, "the file went to the mounted fs");
    let mroot = w.lookup("/mnt").unwrap();
    assert_eq!((mroot.mnt(), mroot.ino()), (id, other.root()));
    assert_ne!(
        w.stat("/mnt/inside").unwrap().dev,
        w.stat("/f").unwrap().dev
    );
    assert_eq!(w.lookup("/mnt/..").unwrap().ino(), w.root.ino());
    assert_eq!(w.lookup("/mnt/../f").unwrap().ino(), file.ino());
    assert_eq!(w.rename("/f", "/mnt/f"), Err(Errno::EXDEV));
    let (root, cred) = (w.root.clone(), w.cred.clone());
    let (r, ctx) = (
        &root,
        Ctx {
            root: &root,
            cred: &cred,
        },
    );
    assert_eq!(
        w.vfs.link(&ctx, r, b"/f", r, b"/mnt/f", false),
        Err(Errno::EXDEV)
    );
    assert_eq!(w.vfs.rmdir(&ctx, r, b"/mnt"), Err(Errno::EBUSY));
    assert_eq!(w.rename("/mnt", "/mnt2"), Err(Errno::EBUSY));
    // A read-only mount.
    let ro_fs = Rc::new(MemFs::new(Box::new(|| Timespec::new(5, 0))));
    let ro_at = w.lookup("/ro").unwrap();
    let ro_id = w.vfs.mount(&ro_at, ro_fs, MountFlags::default()).unwrap();
    w.write_file("/ro/x", b"data");
    let ro = MountFlags {
        read_only: true,
        ..MountFlags::default()
    };
    w.vfs.remount(ro_id, ro).unwrap();
    assert_eq!(w.read_file("/ro/x").unwrap(), b"data");
    assert_eq!(w.open("/ro/x", O_WRONLY).unwrap_err(), Errno::EROFS);
    assert_eq!(
        w.open("/ro/y", O_CREAT | O_WRONLY).unwrap_err(),
        Errno::EROFS
    );
    assert_eq!(
        w.open("/ro/x", O_CREAT | O_EXCL).unwrap_err(),
        Errno::EEXIST
    );
    assert_eq!(w.mkdir("/ro/d"), Err(Errno::EROFS));
    assert_eq!(w.unlink("/ro/x"), Err(Errno::EROFS));
    assert_eq!(w.rename("/ro/x", "/ro/z"), Err(Errno::EROFS));
    let x = w.lookup("/ro/x").unwrap();
    assert_eq!(w.vfs.chmod(&w.cred, &x, 0o600), Err(Errno::EROFS));
    assert_eq!(w.vfs.truncate(&w.cred, &x, 0), Err(Errno::EROFS));
    assert_eq!(w.vfs.access(&ctx, r, b"/ro/x", 2, true), Err(Errno::EROFS));
    assert_eq!(w.vfs.access(&ctx, r, b"/ro/x", 4, true), Ok(()));
    drop((x, mroot, at, ro_at));
    assert_eq!(w.vfs.mounts().len(), 3);
    assert_eq!(w.vfs.umount(MountId(0)), Err(Errno::EINVAL));
    let deep = w.vfs.lookup(&w.ctx(), &w.root, b"/mnt", true).unwrap();
    w.mkdir("/mnt/sub").unwrap();
    let sub = w.lookup("/mnt/sub").unwrap();
    assert_eq!(w.vfs.path_of(&w.ctx(), &sub).unwrap(), b"/mnt/sub");
    assert_eq!(w.vfs.path_of(&w.ctx(), &deep).unwrap(), b"/mnt");
    drop((deep, sub));
    w.vfs.umount(id).unwrap();
    assert_eq!(w.stat("/mnt/inside").unwrap_err(), Errno::ENOENT);
    assert!(w.stat("/mnt").unwrap().is_dir());
}

#[test]
fn unlink_while_open_and_hard_links() {
    let w = World::new();
    w.write_file("/f", b"still here");
    let (r, ctx) = (&w.root, w.ctx());
    w.vfs.link(&ctx, r, b"/f", r, b"/g", false).unwrap();
    assert_eq!(w.stat("/g").unwrap().nlink, 2);
    assert_eq!(
        w.vfs.link(&ctx, r, b"/", r, b"/rootlink", false),
        Err(Errno::EPERM)
    );
    assert_eq!(
        w.vfs.link(&ctx, r, b"/f", r, b"/h/", false),
        Err(Errno::ENOENT)
    );
    let f = w.open("/f", O_RDWR).unwrap();
    let before = w.fs.inode_count();
    w.unlink("/f").unwrap();
    w.unlink("/g").unwrap();
    assert_eq!(w.stat("/f").unwrap_err(), Errno::ENOENT);
    assert_eq!(f.stat().unwrap().nlink, 0);
    let mut buf = [0u8; 32];
    assert_eq!(f.read(&mut buf), Ok(10));
    assert_eq!(&buf[..10], b"still here");
    f.write(b"!").unwrap();
    assert_eq!(f.stat().unwrap().size, 11);
    assert_eq!(w.fs.inode_count(), before);
    drop(f);
    assert_eq!(
        w.fs.inode_count(),
        before - 1,
        "closing the last fd frees the inode"
    );
    assert_eq!(w.fs.bytes_used(), 0);
}

#[test]
fn rename_and_unlink_edge_cases() {
    let w = World::new();
    w.mkdir("/a").unwrap();
    w.mkdir("/a/b").unwrap();
    w.mkdir("/e").unwrap();
    w.write_file("/f", b"f");
    assert_eq!(w.rename("/a", "/a/b/c"), Err(Errno::EINVAL));
    assert_eq!(w.rename("/", "/x"), Err(Errno::EBUSY));
    assert_eq!(w.rename("/a/.", "/x"), Err(Errno::EBUSY));
    assert_eq!(w.rename("/f/", "/g"), Err(Errno::ENOTDIR));
    assert_eq!(w.rename("/f", "/g/"), Err(Errno::ENOTDIR));
    assert_eq!(w.rename("/f", "/a"), Err(Errno::EISDIR));
    assert_eq!(w.rename("/e", "/f"), Err(Errno::ENOTDIR));
    assert_eq!(w.rename("/e", "/a"), Err(Errno::ENOTEMPTY));
    assert_eq!(w.rename("/missing", "/x"), Err(Errno::ENOENT));
    w.rename("/a", "/e/").unwrap();
    assert!(w.stat("/e/b").unwrap().is_dir());
    let cwd = w.lookup("/e/b").unwrap();
    assert_eq!(w.vfs.path_of(&w.ctx(), &cwd).unwrap(), b"/e/b");
    w.vfs.rmdir(&w.ctx(), &w.root, b"/e/b").unwrap();
    assert_eq!(
        w.vfs.path_of(&w.ctx(), &cwd),
        Err(Errno::ENOENT),
        "getcwd of a removed dir"
    );
    assert_eq!(w.vfs.mkdir(&w.ctx(), &cwd, b"x", 0o755), Err(Errno::ENOENT));
    w.mkdir("/e/b").unwrap();
    // RENAME_EXCHANGE swaps a file and a directory.
    w.write_file("/x", b"x");
    let (r, ctx, xc) = (&w.root, w.ctx(), RENAME_EXCHANGE);
    assert_eq!(
        w.vfs.rename(&ctx, r, b"/x", r, b"/none", xc),
        Err(Errno::ENOENT)
    );
    assert_eq!(
        w.vfs.rename(&ctx, r, b"/x", r, b"/e", xc | 1),
        Err(Errno::EINVAL)
    );
    w.vfs.rename(&ctx, r, b"/x", r, b"/e", xc).unwrap();
    assert!(w.stat("/x/b").unwrap().is_dir());
    assert_eq!(w.read_file("/e").unwrap(), b"x");
    w.vfs.rename(&ctx, r, b"/x", r, b"/e", xc).unwrap();
    let (r, ctx) = (&w.root, w.ctx());
    let nr = RENAME_NOREPLACE;
    w.write_file("/g", b"g");
    assert_eq!(
        w.vfs.rename(&ctx, r, b"/f", r, b"/g", nr),
        Err(Errno::EEXIST)
    );
    w.rename("/f", "/g").unwrap();
    assert_eq!(w.read_file("/g").unwrap(), b"f");
    assert_eq!(w.unlink("/e"), Err(Errno::EISDIR));
    assert_eq!(w.unlink("/e/"), Err(Errno::EISDIR));
    assert_eq!(w.unlink("/g/"), Err(Errno::ENOTDIR));
    assert_eq!(w.unlink("/."), Err(Errno::EISDIR));
    assert_eq!(w.vfs.rmdir(&ctx, r, b"/g"), Err(Errno::ENOTDIR));
    assert_eq!(w.vfs.rmdir(&ctx, r, b"/e"), Err(Errno::ENOTEMPTY));
    assert_eq!(w.vfs.mknod(&ctx, r, b"/n/", 0o644, 0), Err(Errno::ENOENT));
    w.vfs
        .mknod(&ctx, r, b"/null", mode::S_IFCHR | 0o666, 0x103)
        .unwrap();
    assert_eq!(w.stat("/null").unwrap().rdev, 0x103);
    assert_eq!(
        w.vfs.mknod(&ctx, r, b"/dd", mode::S_IFDIR, 0),
        Err(Errno::EINVAL)
    );
}

#[test]
fn permissions_for_users() {
    let mut w = World::new();
    w.mkdir("/tmp").unwrap();
    let tmp = w.lookup("/tmp").unwrap();
    w.vfs.chmod(&w.cred, &tmp, 0o1777).unwrap();
    w.write_file("/rootfile", b"r");
    let rf = w.lookup("/rootfile").unwrap();
    w.vfs.chmod(&w.cred, &rf, 0o444).unwrap();
    assert!(
        w.open("/rootfile", O_WRONLY).is_ok(),
        "root ignores permission bits"
    );
    let (r, ctx) = (&w.root, w.ctx());
    assert_eq!(
        w.vfs.access(&ctx, r, b"/rootfile", 1, true),
        Err(Errno::EACCES)
    );
    w.cred = Cred::user(1000, 100);
    assert_eq!(w.open("/rootfile", O_WRONLY).unwrap_err(), Errno::EACCES);
    assert_eq!(
        w.open("/new", O_CREAT | O_WRONLY).unwrap_err(),
        Errno::EACCES
    );
    assert_eq!(w.vfs.chmod(&w.cred, &rf, 0o777), Err(Errno::EPERM));
    assert_eq!(
        w.vfs.chown(&w.cred, &rf, Some(1000), None),
        Err(Errno::EPERM)
    );
    assert_eq!(w.vfs.truncate(&w.cred, &rf, 0), Err(Errno::EACCES));
    let now = Some(SetTime::Now);
    assert_eq!(w.vfs.utimens(&w.cred, &rf, now, now), Err(Errno::EACCES));
    w.write_file("/tmp/mine", b"1000's");
    let st = w.stat("/tmp/mine").unwrap();
    assert_eq!((st.uid, st.gid, st.mode & 0o777), (1000, 100, 0o644));
    let mine = w.lookup("/tmp/mine").unwrap();
    w.vfs.chmod(&w.cred, &mine, 0o2755).unwrap();
    let perms = |w: &World| w.stat("/tmp/mine").unwrap().mode & 0o7777;
    assert_eq!(
        perms(&w),
        0o2755,
        "a member of the file's group keeps S_ISGID"
    );
    assert_eq!(
        w.vfs.chown(&w.cred, &mine, None, Some(5)),
        Err(Errno::EPERM)
    );
    w.vfs.chown(&w.cred, &mine, Some(1000), Some(100)).unwrap();
    w.vfs.chown(&Cred::root(), &mine, None, Some(5)).unwrap();
    assert_eq!(
        perms(&w),
        0o755,
        "chown clears S_ISGID of a group-executable file"
    );
    w.vfs.chmod(&w.cred, &mine, 0o2755).unwrap();
    assert_eq!(perms(&w), 0o755, "a non-member loses S_ISGID");
    w.cred = Cred::user(2000, 100);
    assert_eq!(w.unlink("/tmp/mine"), Err(Errno::EPERM), "sticky /tmp");
    assert_eq!(w.rename("/tmp/mine", "/tmp/stolen"), Err(Errno::EPERM));
    let at = Some(SetTime::At(Timespec::new(1, 0)));
    assert_eq!(w.vfs.utimens(&w.cred, &mine, at, None), Err(Errno::EPERM));
    w.cred = Cred::user(1000, 100);
    w.unlink("/tmp/mine").unwrap();
    w.mkdir("/tmp/private").unwrap();
    let p = w.lookup("/tmp/private").unwrap();
    w.vfs.chmod(&w.cred, &p, 0o700).unwrap();
    w.write_file("/tmp/private/f", b"x");
    w.cred = Cred::user(2000, 100);
    assert_eq!(w.stat("/tmp/private/f").unwrap_err(), Errno::EACCES);
}

#[test]
fn getdents_stable_while_unlinking() {
    let w = World::new();
    w.mkdir("/d").unwrap();
    for i in 0..20 {
        w.write_file(&format!("/d/f{i:02}"), b"");
    }
    let d = w.open("/d", O_RDONLY | O_DIRECTORY).unwrap();
    let first = list(&d, 7);
    assert_eq!(first[..3], [".", "..", "f00"]);
    for i in 0..20 {
        if i % 2 == 0 {
            w.unlink(&format!("/d/f{i:02}")).unwrap();
        }
    }
    let rest = list(&d, 100);
    let expect: Vec<String> = (5..20)
        .filter(|i| i % 2 == 1)
        .map(|i| format!("f{i:02}"))
        .collect();
    assert_eq!(rest, expect, "no duplicates, no skipped survivors");
    assert!(list(&d, 100).is_empty());
    d.seek(0, SEEK_SET).unwrap();
    assert_eq!(list(&d, 100).len(), 2 + 10);
}

#[test]
fn emfile_at_the_limit_and_fork_shares_offsets() {
    let w = World::new();
    w.write_file("/f", b"0123456789");
    let mut t = FdTable::new();
    t.set_limit(8);
    for i in 0..8 {
        let f = Rc::new(w.open("/f", O_RDONLY).unwrap());
        assert_eq!(t.alloc(f, false), Ok(i));
    }
    let f = Rc::new(w.open("/f", O_RDONLY).unwrap());
    assert_eq!(t.alloc(f, false), Err(Errno::EMFILE));
    let child = t.clone();
    let mut buf = [0u8; 4];
    child.get(3).unwrap().read(&mut buf).unwrap();
    assert_eq!(
        t.get(3).unwrap().offset(),
        4,
        "fork shares the description's offset"
    );
    t.dup2(3, 5).unwrap();
    t.get(5).unwrap().read(&mut buf).unwrap();
    assert_eq!(&buf, b"4567");
    assert_eq!(
        child.get(5).unwrap().offset(),
        0,
        "the child's fd 5 is still its own"
    );
}

#[test]
fn sparse_terabyte_through_open_file() {
    let w = World::new();
    let f = w.open("/big", O_RDWR | O_CREAT).unwrap();
    f.truncate(1 << 40).unwrap();
    assert_eq!(f.seek(-3, SEEK_END), Ok((1 << 40) - 3));
    f.write(b"end").unwrap();
    let st = f.stat().unwrap();
    assert_eq!((st.size, st.blocks), (1 << 40, 8));
    assert_eq!(w.fs.bytes_used(), 4096);
    let mut buf = [1u8; 8];
    assert_eq!(f.pread(&mut buf, 1 << 30), Ok(8));
    assert_eq!(buf, [0; 8]);
}

#[test]
fn timestamps_through_ops() {
    let w = World::new();
    w.write_file("/f", b"abc");
    w.clock.set(500);
    let f = w.lookup("/f").unwrap();
    w.vfs.chmod(&w.cred, &f, 0o600).unwrap();
    let st = f.stat().unwrap();
    assert_eq!((st.mtime.sec, st.ctime.sec), (100, 500));
    w.clock.set(600);
    w.open("/f", O_WRONLY | O_TRUNC).unwrap();
    let st = f.stat().unwrap();
    assert_eq!((st.size, st.mtime.sec, st.ctime.sec), (0, 600, 600));
    w.clock.set(700);
    w.rename("/f", "/g").unwrap();
    let st = f.stat().unwrap();
    assert_eq!((st.mtime.sec, st.ctime.sec), (600, 700));
    assert_eq!(w.stat("/").unwrap().mtime.sec, 700);
}
