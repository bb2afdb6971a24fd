//! Scenario tests about files: unlink while open, rename edge cases,
//! permissions, getdents stability, EMFILE, sparse files, timestamps.

use super::super::fdtable::FdTable;
use super::super::file::{flags::*, SEEK_END, SEEK_SET};
use super::super::*;
use super::{list, World};
use std::rc::Rc;

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
    w.vfs
        .mknod(&ctx, r, b"/sock", mode::S_IFSOCK | 0o666, 0)
        .unwrap();
    assert_eq!(w.open("/sock", O_RDWR).unwrap_err(), Errno::ENXIO);
    assert_eq!(
        w.vfs.mknod(&ctx, r, b"/dd", mode::S_IFDIR, 0),
        Err(Errno::EPERM)
    );
    let lnk = w.vfs.mknod(&ctx, r, b"/dl", mode::S_IFLNK, 0);
    assert_eq!(lnk, Err(Errno::EINVAL));
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
    let noatime = w.open("/rootfile", O_RDONLY | O_NOATIME).unwrap_err();
    assert_eq!(noatime, Errno::EPERM, "O_NOATIME needs ownership");
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

#[test]
fn exec_and_chdir_checks() {
    let mut w = World::new();
    w.mkdir("/bin").unwrap();
    w.write_file("/bin/prog", b"\x7fELF");
    w.write_file("/bin/data", b"");
    let prog = w.lookup("/bin/prog").unwrap();
    w.vfs.chmod(&w.cred, &prog, 0o711).unwrap();
    let (r, ctx) = (&w.root, w.ctx());
    assert_eq!(
        w.vfs.open_exec(&ctx, r, b"/bin").unwrap_err(),
        Errno::EACCES
    );
    assert_eq!(
        w.vfs.open_exec(&ctx, r, b"/bin/data").unwrap_err(),
        Errno::EACCES
    );
    let f = w.vfs.open_exec(&ctx, r, b"/bin/prog").unwrap();
    let mut magic = [0u8; 4];
    assert_eq!(f.pread(&mut magic, 0), Ok(4));
    assert_eq!(&magic, b"\x7fELF");
    let cwd = w.vfs.chdir(&ctx, r, b"/bin").unwrap();
    assert_eq!(
        w.vfs.stat(&ctx, &cwd, b"prog", true).unwrap().ino,
        prog.ino()
    );
    assert_eq!(
        w.vfs.chdir(&ctx, r, b"/bin/prog").unwrap_err(),
        Errno::ENOTDIR
    );
    let bin = w.lookup("/bin").unwrap();
    w.vfs.chmod(&w.cred, &bin, 0o700).unwrap();
    w.cred = Cred::user(1000, 1000);
    let (r, ctx) = (&w.root, w.ctx());
    assert_eq!(w.vfs.chdir(&ctx, r, b"/bin").unwrap_err(), Errno::EACCES);
    assert_eq!(
        w.vfs.open_exec(&ctx, &bin, b"prog").unwrap_err(),
        Errno::EACCES
    );
}
