//! ProcFs tests: /proc/self, per-process files and the global files,
//! through the VFS path and open/read layers.

use super::super::file::flags::*;
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

#[test]
fn self_and_exe() {
    let (w, st) = world();
    assert_eq!(readlink(&w, "/proc/self").unwrap(), b"1001");
    assert_eq!(readlink(&w, "/proc/self/exe").unwrap(), b"/bin/sh");
    st.set_current(1000);
    assert_eq!(readlink(&w, "/proc/self").unwrap(), b"1000");
    assert_eq!(w.read_file("/proc/self/cmdline").unwrap(), b"sh\0-c\0x\0");
    assert_eq!(w.read_file("/proc/1001/comm").unwrap(), b"sh\n");
    assert_eq!(w.lookup("/proc/1002").err(), Some(Errno::ENOENT));
    assert_eq!(w.lookup("/proc/01000").err(), Some(Errno::ENOENT));
    st.remove(1001);
    assert_eq!(w.lookup("/proc/1001").err(), Some(Errno::ENOENT));
}

#[test]
fn stat_and_status() {
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
fn global_files() {
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
}

#[test]
fn listing_and_read_only() {
    let (w, _) = world();
    let d = w.open("/proc", O_RDONLY | O_DIRECTORY).unwrap();
    let names = list(&d, 100);
    assert!(names.contains(&"self".to_string()));
    assert!(names.contains(&"1000".to_string()));
    assert!(names.contains(&"1001".to_string()));
    let d = w.open("/proc/self", O_RDONLY | O_DIRECTORY).unwrap();
    assert_eq!(list(&d, 3), [".", "..", "exe"]);
    assert!(w.stat("/proc/self/status").unwrap().mode & 0o777 == 0o444);
    assert!(w.open("/proc/x", O_WRONLY | O_CREAT).is_err());
    assert_eq!(w.unlink("/proc/cpuinfo"), Err(Errno::EPERM));
}
