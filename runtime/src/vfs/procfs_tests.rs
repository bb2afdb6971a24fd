//! ProcFs tests: the tree, the mirror (`fd/`, `cwd`, `task/`), snapshots,
//! and the exact text formats, through the VFS path and open/read layers.

use super::super::file::{flags::*, OpenFile};
use super::super::tests::{list, World};
use super::*;

/// A world with `/proc` mounted; processes 1000 (`/bin/sh -c x`) and 1001
/// (forked from it), the caller is 1001.
fn world() -> (World, Rc<ProcState>) {
    let mut w = World::new();
    w.mkdir("/proc").unwrap();
    let st = Rc::new(ProcState::default());
    st.set(
        1000,
        ProcInfo {
            ppid: 999,
            pgid: 1000,
            sid: 1000,
            uid: 1000,
            ..ProcInfo::default()
        },
    );
    st.exec(
        1000,
        b"/bin/sh",
        &[b"sh".to_vec(), b"-c".to_vec(), b"x".to_vec()],
    );
    st.exec_env(1000, &[b"A=1".to_vec(), b"B=".to_vec()], vec![0; 16]);
    st.fork(1000, 1001, 1000, 1000);
    st.set_current(1001);
    let fs = Rc::new(ProcFs::new(st.clone(), Box::new(|| Timespec::new(7, 0))));
    let at = w.lookup("/proc").unwrap();
    w.vfs.mount(&at, fs, MountFlags::default()).unwrap();
    (w, st)
}

fn readlink(w: &World, path: &str) -> VfsResult<Vec<u8>> {
    w.vfs.readlink(&w.ctx(), &w.root, path.as_bytes())
}

/// Names files by where they were opened (`/` + name), pipes as `pipe`.
struct FakeHost;

impl ProcHost for FakeHost {
    fn describe(&self, file: &OpenFile, _root: &Vnode) -> Vec<u8> {
        match file.origin() {
            Some((_, name)) => [&b"/"[..], name].concat(),
            None => b"anon".to_vec(),
        }
    }
    fn dir_path(&self, dir: &Vnode, _root: &Vnode) -> VfsResult<Vec<u8>> {
        Ok(format!("/dir{}", dir.ino()).into_bytes())
    }
    fn mounts(&self, _root: &Vnode, info: bool) -> Vec<u8> {
        if info {
            b"21 1 0:1 / / rw - tmpfs tmpfs rw\n".to_vec()
        } else {
            b"tmpfs / tmpfs rw 0 0\n".to_vec()
        }
    }
}

#[test]
fn self_and_exe() {
    let (w, st) = world();
    assert_eq!(readlink(&w, "/proc/self").unwrap(), b"1001");
    assert_eq!(readlink(&w, "/proc/self/exe").unwrap(), b"/bin/sh");
    st.set_current_thread(1000, 1005);
    assert_eq!(readlink(&w, "/proc/self").unwrap(), b"1000");
    assert_eq!(
        readlink(&w, "/proc/thread-self").unwrap(),
        b"1000/task/1005"
    );
    assert_eq!(readlink(&w, "/proc/mounts").unwrap(), b"self/mounts");
    assert_eq!(w.read_file("/proc/self/cmdline").unwrap(), b"sh\0-c\0x\0");
    assert_eq!(w.read_file("/proc/1000/environ").unwrap(), b"A=1\0B=\0");
    assert_eq!(w.read_file("/proc/1000/auxv").unwrap(), [0; 16]);
    assert_eq!(w.read_file("/proc/1001/comm").unwrap(), b"sh\n");
    assert_eq!(w.lookup("/proc/1002").err(), Some(Errno::ENOENT));
    assert_eq!(w.lookup("/proc/01000").err(), Some(Errno::ENOENT));
    st.remove(1001);
    assert_eq!(w.lookup("/proc/1001").err(), Some(Errno::ENOENT));
}

#[test]
fn stat_and_status_without_kernel_data() {
    let (w, _) = world();
    let stat = String::from_utf8(w.read_file("/proc/1001/stat").unwrap()).unwrap();
    assert!(stat.starts_with("1001 (sh) R 1000 1000 1000 "), "{stat}");
    assert_eq!(stat.trim_end().split(' ').count(), 52);
    let status = String::from_utf8(w.read_file("/proc/1001/status").unwrap()).unwrap();
    assert!(status.contains("\nPid:\t1001\n"), "{status}");
    assert!(status.contains("\nPPid:\t1000\n"), "{status}");
    assert!(status.starts_with("Name:\tsh\n"), "{status}");
}

#[test]
fn global_and_sys_files() {
    let (w, _) = world();
    let cpu = String::from_utf8(w.read_file("/proc/cpuinfo").unwrap()).unwrap();
    assert!(cpu.contains("isa\t\t: rv64imafdc"), "{cpu}");
    let mem = String::from_utf8(w.read_file("/proc/meminfo").unwrap()).unwrap();
    assert!(mem.starts_with("MemTotal:"), "{mem}");
    assert_eq!(w.read_file("/proc/uptime").unwrap(), b"0.00 0.00\n");
    assert!(w
        .read_file("/proc/filesystems")
        .unwrap()
        .ends_with(b"\text4\n"));
    assert_eq!(
        w.read_file("/proc/sys/kernel/osrelease").unwrap(),
        b"6.1.0\n"
    );
    assert_eq!(w.read_file("/proc/sys/kernel/ostype").unwrap(), b"Linux\n");
    assert_eq!(
        w.read_file("/proc/sys/kernel/hostname").unwrap(),
        b"nanovm\n"
    );
    assert_eq!(
        w.read_file("/proc/sys/kernel/pid_max").unwrap(),
        b"4194304\n"
    );
    assert_eq!(
        w.read_file("/proc/sys/vm/overcommit_memory").unwrap(),
        b"0\n"
    );
    let d = w.open("/proc/sys", O_RDONLY | O_DIRECTORY).unwrap();
    assert_eq!(list(&d, 10), [".", "..", "kernel", "vm"]);
    assert_eq!(
        w.lookup("/proc/sys/kernel/..").unwrap().ino(),
        d.vnode().ino()
    );
}

#[test]
fn listing_modes_and_read_only() {
    let (w, _) = world();
    let d = w.open("/proc", O_RDONLY | O_DIRECTORY).unwrap();
    let names = list(&d, 100);
    for n in ["self", "thread-self", "mounts", "sys", "1000", "1001"] {
        assert!(names.contains(&n.to_string()), "{n} in {names:?}");
    }
    let d = w.open("/proc/self", O_RDONLY | O_DIRECTORY).unwrap();
    assert_eq!(list(&d, 3), [".", "..", "exe"]);
    let mode = |p: &str| w.stat(p).unwrap().mode & 0o7777;
    assert_eq!(mode("/proc/self/status"), 0o444);
    assert_eq!(mode("/proc/self/fd"), 0o500);
    assert_eq!(mode("/proc/self/fdinfo"), 0o555);
    assert_eq!(mode("/proc/self/environ"), 0o400);
    assert_eq!(w.stat("/proc/self/environ").unwrap().uid, 1000);
    assert_eq!(w.stat("/proc/cpuinfo").unwrap().uid, 0);
    assert!(w.open("/proc/x", O_WRONLY | O_CREAT).is_err());
    assert_eq!(w.unlink("/proc/cpuinfo"), Err(Errno::EPERM));
}

#[test]
fn fd_links_resolve_to_the_open_file() {
    let (w, st) = world();
    let host: Rc<dyn ProcHost> = Rc::new(FakeHost);
    st.set_host(Rc::downgrade(&host));
    w.mkdir("/d").unwrap();
    w.write_file("/d/f", b"data");
    let f = Rc::new(w.open("/d/f", O_RDWR).unwrap());
    let r = Rc::new(w.open("/d/f", O_RDONLY).unwrap());
    let cwd = w.lookup("/d").unwrap();
    st.set_files(
        1001,
        Files {
            fds: vec![
                FdEntry {
                    fd: 3,
                    file: Rc::downgrade(&f),
                    cloexec: true,
                },
                FdEntry {
                    fd: 7,
                    file: Rc::downgrade(&r),
                    cloexec: false,
                },
            ],
            cwd: Some(cwd.clone()),
            root: Some(w.root.clone()),
        },
    );
    let d = w.open("/proc/self/fd", O_RDONLY | O_DIRECTORY).unwrap();
    assert_eq!(list(&d, 10), [".", "..", "3", "7"]);
    assert_eq!(readlink(&w, "/proc/self/fd/3").unwrap(), b"/f");
    assert_eq!(
        readlink(&w, "/proc/self/cwd").unwrap(),
        format!("/dir{}", cwd.ino()).as_bytes()
    );
    // Magic links: the inode itself, not the text.
    let fino = w.stat("/d/f").unwrap().ino;
    assert_eq!(w.stat("/proc/self/fd/3").unwrap().ino, fino);
    assert_eq!(w.read_file("/proc/1001/fd/7").unwrap(), b"data");
    let o = w.open("/proc/1001/fd/7", O_RDONLY).unwrap();
    assert_eq!(o.origin().map(|o| o.1.clone()), Some(b"f".to_vec()));
    assert_eq!(w.stat("/proc/self/cwd/f").unwrap().ino, fino);
    // O_CREAT through a magic link opens the file too (shell `> /dev/stdout`),
    // and the new description knows where the file is.
    let c = w
        .open("/proc/self/fd/3", O_WRONLY | O_CREAT | O_TRUNC)
        .unwrap();
    assert_eq!(c.stat().unwrap().ino, fino);
    assert_eq!(c.origin().map(|o| o.1.clone()), Some(b"f".to_vec()));
    assert_eq!(c.write(b"new!"), Ok(4));
    assert_eq!(w.read_file("/d/f").unwrap(), b"new!");
    assert_eq!(w.lookup("/proc/self/root").unwrap().ino(), w.root.ino());
    // Link modes follow the access mode; fd 8 does not exist.
    let lmode = |p: &str| {
        w.vfs
            .stat(&w.ctx(), &w.root, p.as_bytes(), false)
            .unwrap()
            .mode
    };
    assert_eq!(lmode("/proc/self/fd/3"), mode::S_IFLNK | 0o700);
    assert_eq!(lmode("/proc/self/fd/7"), mode::S_IFLNK | 0o500);
    assert_eq!(w.lookup("/proc/self/fd/8").err(), Some(Errno::ENOENT));
    // fdinfo: position, flags with O_CLOEXEC, mount id.
    f.seek(2, 0).unwrap();
    let info = String::from_utf8(w.read_file("/proc/self/fdinfo/3").unwrap()).unwrap();
    assert!(
        info.starts_with("pos:\t2\nflags:\t02000002\nmnt_id:\t"),
        "{info}"
    );
    // A closed file vanishes even though the mirror still lists it.
    drop(f);
    assert_eq!(w.lookup("/proc/self/fd/3").err(), Some(Errno::ENOENT));
    assert_eq!(readlink(&w, "/proc/self/fd/3").err(), Some(Errno::ENOENT));
    assert_eq!(
        w.read_file("/proc/self/mounts").unwrap(),
        b"tmpfs / tmpfs rw 0 0\n"
    );
}

#[test]
fn task_dir_follows_threads() {
    let (w, st) = world();
    st.thread_start(1001, 1003);
    st.thread_start(1001, 1002);
    let d = w.open("/proc/1001/task", O_RDONLY | O_DIRECTORY).unwrap();
    assert_eq!(list(&d, 10), [".", "..", "1001", "1002", "1003"]);
    let t = w
        .open("/proc/1001/task/1002", O_RDONLY | O_DIRECTORY)
        .unwrap();
    assert_eq!(list(&t, 10), [".", "..", "comm", "stat", "status"]);
    let status = String::from_utf8(w.read_file("/proc/1001/task/1002/status").unwrap()).unwrap();
    assert!(
        status.contains("\nTgid:\t1001\n") && status.contains("\nPid:\t1002\n"),
        "{status}"
    );
    let status = String::from_utf8(w.read_file("/proc/1002/status").unwrap()).unwrap();
    assert!(status.contains("\nPid:\t1002\n"), "{status}");
    let d = w.open("/proc", O_RDONLY | O_DIRECTORY).unwrap();
    assert!(
        !list(&d, 100).contains(&"1002".to_string()),
        "threads are not listed"
    );
    st.thread_exit(1001, 1002);
    assert_eq!(w.lookup("/proc/1002").err(), Some(Errno::ENOENT));
    assert_eq!(w.lookup("/proc/1001/task/1002").err(), Some(Errno::ENOENT));
    st.exec(1001, b"/bin/true", &[b"true".to_vec()]);
    let d = w.open("/proc/1001/task", O_RDONLY | O_DIRECTORY).unwrap();
    assert_eq!(list(&d, 10), [".", "..", "1001"]);
}

#[test]
fn snapshots_read_the_kernel_data_and_stat_as_the_file() {
    let (w, st) = world();
    let f = w.open("/proc/1001/maps", O_RDONLY).unwrap();
    assert_eq!(ProcFs::wants_data(f.vnode()), Some(1001));
    assert_eq!(
        ProcFs::wants_data(w.lookup("/proc/1001/cmdline").as_ref().unwrap()),
        None
    );
    let data = ProcData {
        maps: vec![MapLine {
            start: 0x1000,
            end: 0x2000,
            perms: *b"rw-p",
            name: b"[heap]".to_vec(),
            ..MapLine::default()
        }],
        ..ProcData::default()
    };
    let v = ProcFs::snapshot(&st, f.vnode(), &data).unwrap();
    let snap = OpenFile::new(v, FileType::Regular, O_RDONLY);
    let mut buf = [0u8; 200];
    let n = snap.read(&mut buf).unwrap();
    let line = std::str::from_utf8(&buf[..n]).unwrap();
    assert_eq!(line.len(), 73 + 6 + 1, "{line:?}");
    assert!(line.ends_with(" [heap]\n"));
    assert_eq!(snap.stat().unwrap().ino, f.stat().unwrap().ino);
    // Read once: the next read from 0 renders again (seq_file).
    assert_eq!(ProcFs::stale_snapshot_pid(&st, snap.vnode()), None, "fresh");
    assert_eq!(ProcFs::stale_snapshot_pid(&st, snap.vnode()), Some(1001));
    ProcFs::refresh(&st, snap.vnode(), &ProcData::default());
    assert_eq!(snap.pread(&mut buf, 0), Ok(0), "no mappings any more");
    assert_eq!(st.snapshots.borrow().len(), 1);
    drop(snap);
    assert!(
        st.snapshots.borrow().is_empty(),
        "freed with its last open file"
    );
}

#[test]
fn maps_text_is_linux_s() {
    let lines = [
        MapLine {
            start: 0x10000,
            end: 0x71000,
            perms: *b"r-xp",
            offset: 0,
            dev: 0x801,
            ino: 10011015,
            name: b"/tmp/maps".to_vec(),
        },
        MapLine {
            start: 0x3f_ff80_0000,
            end: 0x40_0000_0000,
            perms: *b"rw-p",
            ..MapLine::default()
        },
    ];
    let t = String::from_utf8(text::maps(&lines)).unwrap();
    assert_eq!(
        t,
        "00010000-00071000 r-xp 00000000 08:01 10011015                           /tmp/maps\n\
         3fff800000-4000000000 rw-p 00000000 00:00 0 \n"
    );
}

#[test]
fn status_and_stat_from_kernel_data() {
    let d = ProcData {
        comm: b"prog".to_vec(),
        umask: 0o022,
        ppid: 999,
        pgid: 1000,
        sid: 1000,
        uid: 1000,
        gid: 1000,
        threads: vec![
            TaskData {
                tid: 1000,
                state: b'R',
                blocked: 1 << 9,
                pending: 0,
                instret: 2_000_000_000,
            },
            TaskData {
                tid: 1001,
                state: b'S',
                ..TaskData::default()
            },
        ],
        ignored: 1 << 12,
        caught: 1 << 1,
        sigq: (0, 63000),
        fd_size: 64,
        vm: VmSizes {
            size: 8192,
            peak: 8192,
            rss: 400,
            ..VmSizes::default()
        },
        ..ProcData::default()
    };
    let s = String::from_utf8(text::status(1000, None, &d)).unwrap();
    for want in [
        "Name:\tprog\nUmask:\t0022\nState:\tR (running)\nTgid:\t1000\n",
        "\nUid:\t1000\t1000\t1000\t1000\n",
        "\nVmSize:\t    8192 kB\n",
        "\nVmRSS:\t     400 kB\n",
        "\nThreads:\t2\n",
        "\nSigQ:\t0/63000\n",
        "\nSigBlk:\t0000000000000200\n",
        "\nSigIgn:\t0000000000001000\n",
        "\nSigCgt:\t0000000000000002\n",
        "\nCpus_allowed_list:\t0\n",
    ] {
        assert!(s.contains(want), "{want:?} in {s}");
    }
    let t = String::from_utf8(text::status(1000, Some(1001), &d)).unwrap();
    assert!(
        t.contains("\nState:\tS (sleeping)\n") && t.contains("\nPid:\t1001\n"),
        "{t}"
    );
    let st = String::from_utf8(text::stat(1000, None, &d)).unwrap();
    let f: Vec<&str> = st.trim_end().split(' ').collect();
    assert_eq!(f.len(), 52);
    assert_eq!((f[0], f[1], f[2], f[3]), ("1000", "(prog)", "R", "999"));
    assert_eq!(f[13], "200", "utime in ticks");
    assert_eq!(f[19], "2", "num_threads");
    assert_eq!(f[22], (8192 * 1024).to_string(), "vsize");
    assert_eq!(f[23], "100", "rss in pages");
    assert_eq!(text::statm(&d), b"2048 100 0 0 0 0 0\n");
}
