//! MemFs unit tests: the file system alone, without paths or permissions.

use super::*;
use crate::vfs::file::OpenFile;
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
    assert_eq!(fs.readdir(b, 0, &mut |_| true), Err(Errno::ENOENT));
    assert_eq!(
        fs.lookup(b, b".."),
        Ok(a),
        "`..` of a removed cwd still works"
    );
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

/// Check memfs's internal bookkeeping: directory link counts, file link
/// counts against the entries naming them, `..` pointers, chunk accounting.
/// With `all_reachable`, every inode must be reachable from the root (no
/// leaks once nothing holds a reference).
fn check_invariants(fs: &MemFs, all_reachable: bool) {
    let s = fs.inner.borrow();
    let mut names_of: HashMap<Ino, u32> = HashMap::new();
    let mut chunks = 0;
    for (&ino, i) in &s.inodes {
        match &i.body {
            Body::Dir(d) => {
                let subdirs = d.names.values().filter(|(c, _)| {
                    matches!(s.inodes.get(c).map(|i| &i.body), Some(Body::Dir(_)))
                });
                let subdirs = subdirs.count() as u32;
                if i.nlink != 0 {
                    assert_eq!(i.nlink, 2 + subdirs, "dir {ino} nlink");
                }
                assert_eq!(d.names.len(), d.order.len());
                for (name, &(c, pos)) in &d.names {
                    assert_eq!(d.order.get(&pos), Some(name));
                    assert!(s.inodes.contains_key(&c), "entry to a freed inode");
                    *names_of.entry(c).or_default() += 1;
                    if let Some(Body::Dir(cd)) = s.inodes.get(&c).map(|i| &i.body) {
                        assert_eq!(cd.parent, ino, "`..` of {c}");
                    }
                }
            }
            Body::File(d) => chunks += d.chunks(),
            _ => {}
        }
        if i.nlink == 0 {
            assert!(i.refs > 0, "inode {ino} is neither named nor referenced");
        }
    }
    assert_eq!(chunks, s.chunks_used);
    for (&ino, i) in &s.inodes {
        let named = names_of.get(&ino).copied().unwrap_or(0);
        if !matches!(i.body, Body::Dir(_)) {
            assert_eq!(i.nlink, named, "file {ino} nlink");
        } else if ino != 1 {
            assert_eq!(named.min(1), i.nlink.min(1), "dir {ino} named iff alive");
        }
    }
    if all_reachable {
        assert_eq!(names_of.len() + 1, s.inodes.len(), "leaked inodes");
    }
}

#[test]
fn random_operations_keep_invariants() {
    use crate::vfs::file::flags::*;
    use crate::vfs::path::Ctx;
    let fs = Rc::new(MemFs::new(Box::new(|| Timespec::new(1, 0))));
    fs.set_limits(64 * 4096, 200);
    let vfs = Vfs::new(fs.clone());
    let root = vfs.root();
    let cred = Cred::root();
    let ctx = Ctx {
        root: &root,
        cred: &cred,
    };
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut rnd = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut held = Vec::new();
    let mut errors = 0;
    for step in 0..4000 {
        let mut random_path = || {
            let mut p = Vec::new();
            for _ in 0..=rnd(3) {
                p.push(b'/');
                p.push(b"abcd"[rnd(4) as usize]);
            }
            p
        };
        let (path, other) = (random_path(), random_path());
        let r = match rnd(10) {
            0 => vfs.mkdir(&ctx, &root, &path, 0o755),
            1 => vfs.rmdir(&ctx, &root, &path),
            2 => vfs.unlink(&ctx, &root, &path),
            3 => vfs.rename(&ctx, &root, &path, &root, &other, rnd(3) as u32),
            4 => vfs.link(&ctx, &root, &path, &root, &other, false),
            5 => vfs.symlink(&ctx, b"../a", &root, &path),
            6 | 7 => vfs
                .open(&ctx, &root, &path, O_RDWR | O_CREAT, 0o644)
                .and_then(|f| {
                    let off = rnd(1 << 20);
                    f.seek(off as i64, 0)?;
                    f.write(&[step as u8; 100])?;
                    if rnd(2) == 0 {
                        f.truncate(rnd(1 << 16))?;
                    }
                    if rnd(3) == 0 {
                        held.push(f);
                    }
                    Ok(())
                }),
            8 => {
                if !held.is_empty() {
                    held.swap_remove(rnd(held.len() as u64) as usize);
                }
                Ok(())
            }
            _ => vfs.lookup(&ctx, &root, &path, true).map(|v| {
                held.push(OpenFile::new(v, FileType::Directory, O_PATH));
            }),
        };
        errors += r.is_err() as u32;
        if step % 97 == 0 {
            check_invariants(&fs, false);
        }
    }
    assert!(
        errors > 100 && errors < 3900,
        "the mix exercises both paths: {errors}"
    );
    assert!(fs.inode_count() > 10 && !held.is_empty());
    check_invariants(&fs, false);
    drop(held);
    check_invariants(&fs, true);
}
