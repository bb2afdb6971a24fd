//! DevFs tests: device semantics through the VFS open/read/write path,
//! modes and rdev numbers, symlinks, listing, the fixed tree, /dev/shm.

use super::super::file::flags::*;
use super::super::memfs::MemFs;
use super::super::tests::{list, World};
use super::*;
use std::cell::Cell;

/// A world with `/dev` mounted; the random source yields 1, 2, 3...
fn world() -> (World, Rc<DevFs>) {
    let mut w = World::new();
    w.mkdir("/dev").unwrap();
    let counter = Cell::new(0u8);
    let random: RandomSource = Box::new(move |buf: &mut [u8]| {
        for b in buf {
            counter.set(counter.get().wrapping_add(1));
            *b = counter.get();
        }
    });
    let devfs = Rc::new(DevFs::new(random, Box::new(|| Timespec::new(7, 0))));
    let at = w.lookup("/dev").unwrap();
    let shm = Rc::new(MemFs::new(Box::new(|| Timespec::new(7, 0))));
    mount_devfs(&mut w.vfs, &at, devfs.clone(), shm).unwrap();
    (w, devfs)
}

#[test]
fn null_zero_full_random() {
    let (w, _) = world();
    let mut buf = [0xaau8; 8];
    let null = w.open("/dev/null", O_RDWR | O_CREAT | O_TRUNC).unwrap();
    assert_eq!(null.read(&mut buf), Ok(0), "null reads EOF");
    assert_eq!(null.write(b"gone"), Ok(4));
    assert_eq!(null.read(&mut buf), Ok(0));
    let zero = w.open("/dev/zero", O_RDWR).unwrap();
    assert_eq!(zero.read(&mut buf), Ok(8));
    assert_eq!(buf, [0; 8]);
    assert_eq!(zero.write(b"x"), Ok(1));
    let full = w.open("/dev/full", O_RDWR | O_APPEND).unwrap();
    buf = [0xaa; 8];
    assert_eq!(full.read(&mut buf), Ok(8));
    assert_eq!(buf, [0; 8]);
    assert_eq!(full.write(b"x"), Err(Errno::ENOSPC));
    assert_eq!(full.pwrite(b"x", 3), Err(Errno::ENOSPC));
    let rnd = w.open("/dev/urandom", O_RDONLY).unwrap();
    assert_eq!(rnd.read(&mut buf[..3]), Ok(3));
    assert_eq!(&buf[..3], [1, 2, 3], "bytes come from the caller's source");
    let rnd2 = w.open("/dev/random", O_WRONLY).unwrap();
    assert_eq!(rnd2.write(b"seed"), Ok(4));
    assert_eq!(w.read_file("/dev/random").unwrap()[..2], [4, 5]);
}

#[test]
fn tty_is_enxio_until_redirected() {
    let (w, devfs) = world();
    assert_eq!(w.open("/dev/tty", O_RDWR).unwrap_err(), Errno::ENXIO);
    assert!(w.open("/dev/tty", O_PATH).is_ok(), "O_PATH does not open");
    let st = w.stat("/dev/tty").unwrap();
    assert_eq!((st.rdev, st.gid), (DevFs::TTY_RDEV, 5));
    struct Console(Rc<RefCell<Vec<u8>>>);
    impl CharDevice for Console {
        fn read(&mut self, buf: &mut [u8]) -> VfsResult<usize> {
            buf[0] = b'y';
            Ok(1)
        }
        fn write(&mut self, buf: &[u8]) -> VfsResult<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
    }
    let out = Rc::new(RefCell::new(Vec::new()));
    devfs.set_tty(Some(Box::new(Console(out.clone()))));
    let tty = w.open("/dev/tty", O_RDWR).unwrap();
    assert_eq!(tty.write(b"Password: "), Ok(10));
    assert_eq!(&out.borrow()[..], b"Password: ");
    assert_eq!(w.read_file("/dev/tty").unwrap(), b"y");
    devfs.set_tty(None);
    assert_eq!(tty.write(b"x"), Err(Errno::ENXIO), "the terminal went away");
}

#[test]
fn modes_rdev_and_links() {
    let (w, _) = world();
    let cases = [
        ("null", 1, 3),
        ("zero", 1, 5),
        ("full", 1, 7),
        ("random", 1, 8),
        ("urandom", 1, 9),
        ("tty", 5, 0),
    ];
    for (name, major, minor) in cases {
        let st = w.stat(&format!("/dev/{name}")).unwrap();
        assert_eq!(st.mode, mode::S_IFCHR | 0o666, "{name}");
        assert_eq!(st.rdev, makedev(major, minor), "{name}");
        assert_eq!(abi::dev_major(st.rdev), major);
        assert_eq!(abi::dev_minor(st.rdev), minor);
        assert_eq!((st.size, st.nlink, st.uid), (0, 1, 0));
    }
    assert_eq!(makedev(1, 3), 0x103);
    assert_eq!(makedev(0x1234, 0x56789), 0x0000_1000_5672_3489);
    let (r, ctx) = (&w.root, w.ctx());
    for (l, t) in [
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ] {
        let path = format!("/dev/{l}");
        assert_eq!(
            w.vfs.readlink(&ctx, r, path.as_bytes()).unwrap(),
            t.as_bytes()
        );
        let st = w.vfs.stat(&ctx, r, path.as_bytes(), false).unwrap();
        assert_eq!((st.mode, st.size), (mode::S_IFLNK | 0o777, t.len() as u64));
    }
    let root = w.stat("/dev").unwrap();
    assert_eq!((root.mode, root.nlink), (mode::S_IFDIR | 0o755, 4));
    assert_eq!(w.stat("/dev/pts").unwrap().mode, mode::S_IFDIR | 0o755);
    let shm_dir = w.vfs.stat(&ctx, r, b"/dev/shm/..", false).unwrap();
    assert_eq!(shm_dir.ino, root.ino, "shm/.. is /dev");
    // chmod is remembered; O_TRUNC on a device is harmless.
    let null = w.lookup("/dev/null").unwrap();
    w.vfs.chmod(&w.cred, &null, 0o600).unwrap();
    assert_eq!(w.stat("/dev/null").unwrap().mode, mode::S_IFCHR | 0o600);
    assert_eq!(w.vfs.truncate(&w.cred, &null, 0), Err(Errno::EINVAL));
}

#[test]
fn listing_and_fixed_tree() {
    let (w, _) = world();
    let d = w.open("/dev", O_RDONLY | O_DIRECTORY).unwrap();
    let all = [
        ".", "..", "null", "zero", "full", "random", "urandom", "tty", "fd", "stdin", "stdout",
        "stderr", "pts", "shm", "ptmx",
    ];
    assert_eq!(list(&d, 5), all[..5]);
    assert_eq!(list(&d, 100), all[5..], "getdents resumes where it stopped");
    let pts = w.open("/dev/pts", O_RDONLY | O_DIRECTORY).unwrap();
    assert_eq!(list(&pts, 10), [".", ".."]);
    let mut kinds = Vec::new();
    let fs = w.lookup("/dev").unwrap().fs().clone();
    fs.readdir(1, 0, &mut |e| {
        kinds.push((e.name.to_vec(), e.kind, e.ino));
        true
    })
    .unwrap();
    for (name, kind, ino) in &kinds[2..] {
        assert_eq!(fs.lookup(1, name), Ok(*ino));
        assert_eq!(Some(*kind), fs.getattr(*ino).unwrap().file_type());
    }
    assert_eq!(fs.lookup(1, b"nope"), Err(Errno::ENOENT));
    assert_eq!(fs.lookup(2, b"x"), Err(Errno::ENOTDIR));
    assert_eq!(fs.getattr(99), Err(Errno::ENOENT));
    assert_eq!(fs.read(1, 0, &mut [0; 4]), Err(Errno::EISDIR));
    assert_eq!(
        w.open("/dev/new", O_WRONLY | O_CREAT).unwrap_err(),
        Errno::EPERM
    );
    assert_eq!(w.mkdir("/dev/pts/0"), Err(Errno::EPERM));
    assert_eq!(w.unlink("/dev/null"), Err(Errno::EPERM));
    assert_eq!(w.unlink("/dev/pts"), Err(Errno::EISDIR));
    assert_eq!(w.rename("/dev/zero", "/dev/z"), Err(Errno::EPERM));
    assert_eq!(w.rename("/dev/zero", "/z"), Err(Errno::EXDEV));
    // /dev/shm is a writable tmpfs of its own.
    w.write_file("/dev/shm/seg", b"shared");
    assert_eq!(w.read_file("/dev/shm/seg").unwrap(), b"shared");
    assert_eq!(w.stat("/dev/shm").unwrap().ino, 1, "the memfs root");
}
