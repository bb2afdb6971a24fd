//! Scenario tests about names: trees, open flags, symlinks, chroot, mounts.

use super::super::file::{flags::*, SEEK_END, SEEK_HOLE, SEEK_SET};
use super::super::memfs::MemFs;
use super::super::path::Ctx;
use super::super::*;
use super::{list, World};
use std::rc::Rc;

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
    let tmp = w.open("/etc", O_TMPFILE | O_RDWR).unwrap_err();
    assert_eq!(tmp, Errno::EOPNOTSUPP);
    let cd = w.open("/etc/x", O_CREAT | O_DIRECTORY).unwrap_err();
    assert_eq!(cd, Errno::EINVAL);
    let odd = w.open("/etc/passwd", O_ACCMODE).unwrap();
    assert_eq!((odd.readable(), odd.writable()), (false, false));
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
