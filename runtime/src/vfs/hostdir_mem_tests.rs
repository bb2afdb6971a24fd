//! HostDirFs tests that only the in-memory host (`hostdir_mem.rs`) can run: host FIFOs
//! (no `mkfifo` in `std`), a host that changes between two of HostDirFs's calls, and checks
//! that the fake host is as dangerous as a real one.

use super::*;

#[test]
fn mem_host_fifo_is_listed_but_not_opened() {
    let (h, _, srv, _t) = tree::<MemHost>();
    h.mkfifo(&at(&srv, "fifo")).unwrap();
    let g = Guest::new(h, &srv, false);
    let fifo = g.lookup("/fifo").unwrap();
    let st = fifo.stat().unwrap();
    assert_eq!(st.mode & mode::S_IFMT, mode::S_IFIFO);
    assert_eq!(g.fs.open(fifo.ino(), O_RDONLY), Err(Errno::ENXIO));
    assert_eq!(g.fs.read(fifo.ino(), 0, &mut [0; 4]), Err(Errno::ENXIO));
    let mut kinds = Vec::new();
    g.fs.readdir(ROOT, 0, &mut |e| {
        kinds.push((e.name.to_vec(), e.kind));
        true
    })
    .unwrap();
    assert!(kinds.contains(&(b"fifo".to_vec(), FileType::Fifo)));
}

#[test]
fn mem_host_swap_between_check_and_open_is_caught() {
    let (h, _, srv, _t) = tree::<MemHost>();
    let g = Guest::new(h, &srv, false);
    let f = g.lookup("/a/f").unwrap();
    let (a_f, passwd) = (at(&srv, "a/f"), at(&srv, "etc/passwd"));
    let mtime = g.host().lstat(&passwd).unwrap().mtime;
    // Between HostDirFs's lstat walk and its open, a/f is replaced by another file.
    let swap = move |h: &MemHost| h.rename(&passwd, &a_f).unwrap();
    g.host().before_open(swap.clone());
    assert_eq!(g.fs.open(f.ino(), O_RDONLY), Err(Errno::ENOENT));
    let f = g.lookup("/a/f").unwrap();
    let passwd = at(&srv, "etc/passwd");
    put(g.host(), &passwd, "inside");
    let mtime2 = g.host().lstat(&passwd).unwrap().mtime;
    assert_ne!(mtime, mtime2);
    g.host().before_open(swap);
    let t = SetAttr {
        mtime: Some(SetTime::At(Timespec::new(5, 0))),
        ..SetAttr::default()
    };
    assert_eq!(g.fs.setattr(f.ino(), &t), Err(Errno::ENOENT));
    let now = g.host().lstat(&at(&srv, "a/f")).unwrap().mtime;
    assert_eq!(now, mtime2, "the swapped-in file's times are untouched");
}

#[test]
fn mem_host_is_a_fair_adversary() {
    // The fake host follows intermediate symlinks out of the served tree as Linux does, so
    // the confinement tests that pass on it pass because of HostDirFs's own checks.
    let (h, base, srv, _t) = tree::<MemHost>();
    assert_eq!(get(&h, &at(&srv, "reldir/secret")), b"SECRET");
    assert_eq!(get(&h, &at(&srv, "absdir/secret")), b"SECRET");
    assert_eq!(
        h.lstat(&at(&srv, "a/../../outside_secret")).map(|m| m.size),
        Ok(6)
    );
    assert_eq!(h.realpath(&at(&srv, "reldir")), Ok(at(&base, "outside")));
    assert_eq!(
        h.open(&at(&srv, "esc"), Access::Read, None).err(),
        Some(Errno::ELOOP)
    );
    h.chmod(&at(&srv, "a/f"), 0o444).unwrap();
    let denied = h.open(&at(&srv, "a/f"), Access::Write, None).err();
    assert_eq!(
        denied,
        Some(Errno::EACCES),
        "permissions as an unprivileged user"
    );
}
