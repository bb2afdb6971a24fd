//! MemFs unit tests: the file system alone, without paths or permissions.

use super::*;
use std::cell::Cell;
use std::rc::Rc;

/// A memfs whose clock the test sets by hand (seconds).
fn fs_with_clock() -> (MemFs, Rc<Cell<i64>>) {
    let t = Rc::new(Cell::new(1000));
    let c = t.clone();
    (MemFs::new(Box::new(move || Timespec::new(c.get(), 0))), t)
}

fn reg(perm: u32) -> NewNode {
    NewNode {
        mode: mode::S_IFREG | perm,
        uid: 5,
        gid: 6,
        rdev: 0,
    }
}

fn dir() -> NewNode {
    NewNode {
        mode: 0o755,
        uid: 0,
        gid: 0,
        rdev: 0,
    }
}

fn names(fs: &MemFs, d: Ino, pos: u64, max: usize) -> (Vec<String>, u64) {
    let mut out = Vec::new();
    let mut next = pos;
    fs.readdir(d, pos, &mut |e| {
        if out.len() == max {
            return false;
        }
        out.push(String::from_utf8_lossy(e.name).into_owned());
        next = e.next;
        true
    })
    .unwrap();
    (out, next)
}

#[test]
fn create_lookup_attrs() {
    let (fs, _) = fs_with_clock();
    let f = fs.create(1, b"f", &reg(0o640)).unwrap();
    assert_eq!(fs.lookup(1, b"f"), Ok(f));
    assert_eq!(fs.lookup(1, b"."), Ok(1));
    assert_eq!(fs.lookup(1, b".."), Ok(1), "the root is its own parent");
    assert_eq!(fs.lookup(1, b"g"), Err(Errno::ENOENT));
    assert_eq!(fs.lookup(f, b"x"), Err(Errno::ENOTDIR));
    assert_eq!(fs.create(1, b"f", &reg(0o600)), Err(Errno::EEXIST));
    let st = fs.getattr(f).unwrap();
    assert_eq!(
        (st.mode, st.uid, st.gid, st.nlink, st.size),
        (mode::S_IFREG | 0o640, 5, 6, 1, 0)
    );
    assert_eq!(st.btime, Timespec::new(1000, 0));
    let c = fs.create(
        1,
        b"null",
        &NewNode {
            mode: mode::S_IFCHR | 0o666,
            rdev: 0x103,
            ..dir()
        },
    );
    let c = c.unwrap();
    assert_eq!(fs.getattr(c).unwrap().rdev, 0x103);
    assert_eq!(fs.read(c, 0, &mut [0; 4]), Err(Errno::ENXIO));
    let fifo = fs
        .create(
            1,
            b"p",
            &NewNode {
                mode: mode::S_IFIFO | 0o600,
                ..dir()
            },
        )
        .unwrap();
    assert_eq!(fs.getattr(fifo).unwrap().file_type(), Some(FileType::Fifo));
    let l = fs.symlink(1, b"l", b"f", &dir()).unwrap();
    assert_eq!(fs.readlink(l).unwrap(), b"f");
    assert_eq!(fs.getattr(l).unwrap().size, 1);
    assert_eq!(fs.readlink(f), Err(Errno::EINVAL));
    assert_eq!(
        fs.create(
            1,
            b"d",
            &NewNode {
                mode: mode::S_IFDIR,
                ..dir()
            }
        ),
        Err(Errno::EINVAL)
    );
}

#[test]
fn directories_and_nlink() {
    let (fs, _) = fs_with_clock();
    assert_eq!(fs.getattr(1).unwrap().nlink, 2);
    let a = fs.mkdir(1, b"a", &dir()).unwrap();
    let b = fs.mkdir(a, b"b", &dir()).unwrap();
    assert_eq!(fs.getattr(1).unwrap().nlink, 3);
    assert_eq!(fs.getattr(a).unwrap().nlink, 3);
    assert_eq!(fs.lookup(b, b".."), Ok(a));
    assert_eq!(fs.rmdir(1, b"a"), Err(Errno::ENOTEMPTY));
    fs.create(b, b"f", &reg(0o644)).unwrap();
    assert_eq!(fs.unlink(a, b"b"), Err(Errno::EISDIR));
    assert_eq!(fs.rmdir(b, b"f"), Err(Errno::ENOTDIR));
    fs.unlink(b, b"f").unwrap();
    fs.grab(b);
    fs.rmdir(a, b"b").unwrap();
    assert_eq!(fs.getattr(a).unwrap().nlink, 2);
    assert_eq!(
        fs.getattr(b).unwrap().nlink,
        0,
        "a removed dir held open is dead"
    );
    assert_eq!(fs.create(b, b"new", &reg(0o644)), Err(Errno::ENOENT));
    fs.put(b);
    assert_eq!(fs.getattr(b), Err(Errno::ENOENT));
}

#[test]
fn hard_links_and_unlink_while_open() {
    let (fs, _) = fs_with_clock();
    let f = fs.create(1, b"f", &reg(0o644)).unwrap();
    fs.write(f, 0, b"hello").unwrap();
    fs.link(f, 1, b"g").unwrap();
    assert_eq!(fs.getattr(f).unwrap().nlink, 2);
    assert_eq!(fs.link(f, 1, b"g"), Err(Errno::EEXIST));
    assert_eq!(fs.link(1, 1, b"rootlink"), Err(Errno::EPERM));
    fs.unlink(1, b"f").unwrap();
    assert_eq!(fs.getattr(f).unwrap().nlink, 1);
    fs.grab(f);
    fs.unlink(1, b"g").unwrap();
    assert_eq!(fs.getattr(f).unwrap().nlink, 0);
    let mut buf = [0u8; 8];
    assert_eq!(
        fs.read(f, 0, &mut buf),
        Ok(5),
        "an open unlinked file stays readable"
    );
    assert_eq!(&buf[..5], b"hello");
    assert_eq!(fs.link(f, 1, b"again"), Err(Errno::ENOENT));
    assert_eq!(fs.bytes_used(), 4096);
    fs.put(f);
    assert_eq!(fs.getattr(f), Err(Errno::ENOENT));
    assert_eq!(fs.bytes_used(), 0, "the last reference frees the data");
    assert_eq!(fs.inode_count(), 1);
}

#[test]
fn rename_rules() {
    let (fs, _) = fs_with_clock();
    let a = fs.mkdir(1, b"a", &dir()).unwrap();
    let b = fs.mkdir(a, b"b", &dir()).unwrap();
    let e = fs.mkdir(1, b"empty", &dir()).unwrap();
    let f = fs.create(1, b"f", &reg(0o644)).unwrap();
    let g = fs.create(1, b"g", &reg(0o644)).unwrap();
    assert_eq!(fs.rename(1, b"nope", 1, b"x", 0), Err(Errno::ENOENT));
    assert_eq!(
        fs.rename(1, b"a", b, b"x", 0),
        Err(Errno::EINVAL),
        "dir into its own subdir"
    );
    assert_eq!(
        fs.rename(1, b"a", a, b"x", 0),
        Err(Errno::EINVAL),
        "dir into itself"
    );
    assert_eq!(fs.rename(1, b"f", 1, b"a", 0), Err(Errno::EISDIR));
    assert_eq!(fs.rename(1, b"a", 1, b"f", 0), Err(Errno::ENOTDIR));
    assert_eq!(fs.rename(1, b"empty", 1, b"a", 0), Err(Errno::ENOTEMPTY));
    assert_eq!(
        fs.rename(1, b"f", 1, b"g", RENAME_NOREPLACE),
        Err(Errno::EEXIST)
    );
    assert_eq!(
        fs.rename(1, b"f", 1, b"g", RENAME_EXCHANGE | RENAME_NOREPLACE),
        Err(Errno::EINVAL)
    );
    // Hard links to the same inode: a no-op, both names stay.
    fs.link(f, 1, b"f2").unwrap();
    fs.rename(1, b"f", 1, b"f2", 0).unwrap();
    assert_eq!((fs.lookup(1, b"f"), fs.lookup(1, b"f2")), (Ok(f), Ok(f)));
    fs.unlink(1, b"f2").unwrap();
    // File over file: the victim loses its name and is freed.
    fs.rename(1, b"f", 1, b"g", 0).unwrap();
    assert_eq!(fs.lookup(1, b"g"), Ok(f));
    assert_eq!(fs.lookup(1, b"f"), Err(Errno::ENOENT));
    assert_eq!(fs.getattr(g), Err(Errno::ENOENT));
    // Dir over an empty dir in another parent: parents' nlink and `..` follow.
    let root_links = fs.getattr(1).unwrap().nlink;
    fs.rename(a, b"b", 1, b"empty", 0).unwrap();
    assert_eq!(fs.lookup(1, b"empty"), Ok(b));
    assert_eq!(fs.lookup(b, b".."), Ok(1));
    assert_eq!(fs.getattr(e), Err(Errno::ENOENT));
    assert_eq!(fs.getattr(a).unwrap().nlink, 2);
    assert_eq!(fs.getattr(1).unwrap().nlink, root_links);
    // Moving a dir down under a sibling is fine.
    fs.rename(1, b"empty", a, b"b2", 0).unwrap();
    assert_eq!(fs.getattr(a).unwrap().nlink, 3);
    assert_eq!(fs.lookup(b, b".."), Ok(a));
}

#[test]
fn readdir_positions_survive_unlink() {
    let (fs, _) = fs_with_clock();
    for i in 0..10 {
        fs.create(1, format!("f{i}").as_bytes(), &reg(0o644))
            .unwrap();
    }
    let (first, pos) = names(&fs, 1, 0, 5);
    assert_eq!(first, [".", "..", "f0", "f1", "f2"]);
    for n in ["f1", "f3", "f4"] {
        fs.unlink(1, n.as_bytes()).unwrap();
    }
    fs.create(1, b"late", &reg(0o644)).unwrap();
    let (rest, _) = names(&fs, 1, pos, 100);
    assert_eq!(rest, ["f5", "f6", "f7", "f8", "f9", "late"]);
    let (all, _) = names(&fs, 1, 0, 100);
    assert_eq!(all.len(), 2 + 10 - 3 + 1);
    assert_eq!(fs.getattr(1).unwrap().size, 20 * (8 + 2));
}

#[test]
fn sparse_terabyte_costs_nothing() {
    let (fs, _) = fs_with_clock();
    let f = fs.create(1, b"big", &reg(0o644)).unwrap();
    fs.truncate(f, 1 << 40).unwrap();
    let st = fs.getattr(f).unwrap();
    assert_eq!((st.size, st.blocks), (1 << 40, 0));
    assert_eq!(fs.bytes_used(), 0);
    fs.write(f, (1 << 40) - 2, b"xyz").unwrap();
    assert_eq!(fs.getattr(f).unwrap().size, (1 << 40) + 1);
    assert_eq!(
        fs.getattr(f).unwrap().blocks,
        16,
        "the write straddles two chunks"
    );
    let mut buf = [7u8; 4];
    assert_eq!(fs.read(f, 1 << 39, &mut buf), Ok(4));
    assert_eq!(buf, [0; 4]);
    assert_eq!(fs.write(f, i64::MAX as u64, b"x"), Err(Errno::EFBIG));
    assert_eq!(fs.truncate(f, u64::MAX), Err(Errno::EFBIG));
    assert_eq!(fs.truncate(1, 0), Err(Errno::EISDIR));
}

#[test]
fn limits_give_enospc() {
    let (fs, _) = fs_with_clock();
    fs.set_limits(8192, 3);
    let f = fs.create(1, b"f", &reg(0o644)).unwrap();
    assert_eq!(fs.write(f, 0, &[1; 8192]), Ok(8192));
    assert_eq!(fs.write(f, 8192, b"x"), Err(Errno::ENOSPC));
    assert_eq!(fs.write(f, 100, b"overwrite is free"), Ok(17));
    fs.create(1, b"g", &reg(0o644)).unwrap();
    assert_eq!(fs.create(1, b"h", &reg(0o644)), Err(Errno::ENOSPC));
    fs.truncate(f, 4096).unwrap();
    assert_eq!(fs.write(f, 4096, b"x"), Ok(1));
    fs.set_limits(0, 0);
    assert_eq!(
        fs.write(f, 1 << 20, b"x"),
        Err(Errno::ENOSPC),
        "limit below usage"
    );
    assert_eq!(fs.statfs().unwrap().bfree, 0);
    assert_eq!(fs.statfs().unwrap().fs_type, TMPFS_MAGIC);
}

#[test]
fn timestamps_follow_linux() {
    let (fs, t) = fs_with_clock();
    let f = fs.create(1, b"f", &reg(0o644)).unwrap();
    let at = |s: i64| Timespec::new(s, 0);
    t.set(2000);
    fs.write(f, 0, b"data").unwrap();
    let st = fs.getattr(f).unwrap();
    assert_eq!(
        (st.atime, st.mtime, st.ctime, st.btime),
        (at(1000), at(2000), at(2000), at(1000))
    );
    t.set(3000);
    fs.read(f, 0, &mut [0; 4]).unwrap();
    assert_eq!(
        fs.getattr(f).unwrap().atime,
        at(3000),
        "relatime: atime older than mtime"
    );
    t.set(3500);
    fs.read(f, 0, &mut [0; 4]).unwrap();
    assert_eq!(
        fs.getattr(f).unwrap().atime,
        at(3000),
        "relatime: no update within a day"
    );
    t.set(4000);
    fs.setattr(
        f,
        &SetAttr {
            mode: Some(0o600),
            ..SetAttr::default()
        },
    )
    .unwrap();
    let st = fs.getattr(f).unwrap();
    assert_eq!(
        (st.mode & 0o7777, st.mtime, st.ctime),
        (0o600, at(2000), at(4000))
    );
    t.set(5000);
    fs.create(1, b"g", &reg(0o644)).unwrap();
    let root = fs.getattr(1).unwrap();
    assert_eq!((root.mtime, root.ctime), (at(5000), at(5000)));
    t.set(6000);
    fs.link(f, 1, b"h").unwrap();
    assert_eq!(fs.getattr(f).unwrap().ctime, at(6000));
    t.set(7000);
    let times = SetAttr {
        atime: Some(SetTime::At(at(1))),
        mtime: Some(SetTime::Now),
        ..SetAttr::default()
    };
    fs.setattr(f, &times).unwrap();
    let st = fs.getattr(f).unwrap();
    assert_eq!((st.atime, st.mtime, st.ctime), (at(1), at(7000), at(7000)));
    t.set(8000);
    fs.truncate(f, 4).unwrap();
    assert_eq!(
        fs.getattr(f).unwrap().mtime,
        at(7000),
        "same size: no change"
    );
    fs.truncate(f, 2).unwrap();
    assert_eq!(fs.getattr(f).unwrap().mtime, at(8000));
}

#[test]
fn rename_exchange() {
    let (fs, _) = fs_with_clock();
    let a = fs.mkdir(1, b"a", &dir()).unwrap();
    let sub = fs.mkdir(a, b"sub", &dir()).unwrap();
    let f = fs.create(1, b"f", &reg(0o644)).unwrap();
    assert_eq!(
        fs.rename(1, b"f", 1, b"none", RENAME_EXCHANGE),
        Err(Errno::ENOENT)
    );
    assert_eq!(
        fs.rename(1, b"a", a, b"sub", RENAME_EXCHANGE),
        Err(Errno::EINVAL)
    );
    // Swap a file in / with a directory in /a: link counts and `..` move.
    fs.rename(1, b"f", a, b"sub", RENAME_EXCHANGE).unwrap();
    assert_eq!((fs.lookup(1, b"f"), fs.lookup(a, b"sub")), (Ok(sub), Ok(f)));
    assert_eq!(fs.lookup(sub, b".."), Ok(1));
    assert_eq!(fs.getattr(a).unwrap().nlink, 2);
    assert_eq!(fs.getattr(1).unwrap().nlink, 4);
    assert_eq!(fs.getattr(f).unwrap().nlink, 1);
}
