//! Unit tests of the file calls, calling handlers directly on a process
//! with the default in-memory tree.

use super::AT_FDCWD;
use crate::syscall::table::nr;
use crate::syscall::tests::TestVm;
use crate::Errno;

const O_RDWR: u64 = 2;
const O_CREAT: u64 = 0o100;
const O_EXCL: u64 = 0o200;
const O_TRUNC: u64 = 0o1000;
const O_APPEND: u64 = 0o2000;
const O_DIRECTORY: u64 = 0o200000;
const O_CLOEXEC: u64 = 0o2000000;
const CWD: u64 = AT_FDCWD as i64 as u64;

fn open(t: &mut TestVm, path: &str, flags: u64, mode: u64) -> Result<u64, Errno> {
    let p = t.data(format!("{path}\0").as_bytes());
    t.call(nr::OPENAT, [CWD, p, flags, mode, 0, 0])
}

fn write_str(t: &mut TestVm, fd: u64, s: &str) -> Result<u64, Errno> {
    let b = t.data(s.as_bytes());
    t.call(nr::WRITE, [fd, b, s.len() as u64, 0, 0, 0])
}

fn read_str(t: &mut TestVm, fd: u64, n: usize) -> String {
    let b = t.data(&vec![0; n.max(1)]);
    let got = t.call(nr::READ, [fd, b, n as u64, 0, 0, 0]).unwrap() as usize;
    String::from_utf8(t.read(b, got)).unwrap()
}

fn mode_of(t: &mut TestVm, path: &str) -> Result<u32, Errno> {
    let p = t.data(format!("{path}\0").as_bytes());
    let st = t.data(&[0; 128]);
    t.call(nr::NEWFSTATAT, [CWD, p, st, 0x100, 0, 0])?;
    Ok(u32::from_le_bytes(t.read(st + 16, 4).try_into().unwrap()))
}

#[test]
fn create_write_seek_read_in_tmp() {
    let mut t = TestVm::new();
    let fd = open(&mut t, "/tmp/a", O_RDWR | O_CREAT | O_EXCL, 0o666).unwrap();
    assert_eq!(fd, 3, "lowest free descriptor after stdio");
    assert_eq!(mode_of(&mut t, "/tmp/a"), Ok(0o100644), "umask 022 applied");
    assert_eq!(write_str(&mut t, fd, "hello world"), Ok(11));
    assert_eq!(t.call(nr::LSEEK, [fd, 6, 0, 0, 0, 0]), Ok(6));
    assert_eq!(read_str(&mut t, fd, 64), "world");
    let b = t.data(&[0; 8]);
    assert_eq!(t.call(nr::PREAD64, [fd, b, 5, 0, 0, 0]), Ok(5));
    assert_eq!(t.read(b, 5), b"hello");
    assert_eq!(
        t.call(nr::PREAD64, [fd, b, 5, u64::MAX, 0, 0]),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        open(&mut t, "/tmp/a", O_RDWR | O_CREAT | O_EXCL, 0o666),
        Err(Errno::EEXIST)
    );
    let app = open(&mut t, "/tmp/a", 1 | O_APPEND, 0).unwrap();
    assert_eq!(write_str(&mut t, app, "!"), Ok(1));
    assert_eq!(t.call(nr::LSEEK, [fd, 0, 2, 0, 0, 0]), Ok(12));
    let tr = open(&mut t, "/tmp/a", 1 | O_TRUNC, 0).unwrap();
    assert_eq!(t.call(nr::LSEEK, [fd, 0, 2, 0, 0, 0]), Ok(0));
    assert_eq!(t.call(nr::CLOSE, [tr, 0, 0, 0, 0, 0]), Ok(0));
    let ro = open(&mut t, "/etc/passwd", 0, 0).unwrap();
    assert_eq!(write_str(&mut t, ro, "x"), Err(Errno::EBADF));
    assert!(read_str(&mut t, ro, 5).starts_with("root:"));
    assert_eq!(open(&mut t, "/etc/passwd", O_RDWR, 0), Err(Errno::EACCES));
    assert_eq!(
        open(&mut t, "/nope", O_RDWR | O_CREAT, 0o644),
        Err(Errno::EACCES)
    );
}

#[test]
fn directories_links_and_listing() {
    let mut t = TestVm::new();
    let d = t.data(b"/tmp/d\0");
    assert_eq!(t.call(nr::MKDIRAT, [CWD, d, 0o777, 0, 0, 0]), Ok(0));
    assert_eq!(mode_of(&mut t, "/tmp/d"), Ok(0o040755));
    assert_eq!(t.call(nr::CHDIR, [d, 0, 0, 0, 0, 0]), Ok(0));
    let f = open(&mut t, "f", O_CREAT | 1, 0o600).unwrap();
    assert_eq!(write_str(&mut t, f, "abc"), Ok(3));
    let (target, link) = (t.data(b"f\0"), t.data(b"s\0"));
    assert_eq!(t.call(nr::SYMLINKAT, [target, CWD, link, 0, 0, 0]), Ok(0));
    let buf = t.data(&[0; 64]);
    assert_eq!(t.call(nr::READLINKAT, [CWD, link, buf, 64, 0, 0]), Ok(1));
    assert_eq!(mode_of(&mut t, "s"), Ok(0o120777));
    let hard = t.data(b"h\0");
    assert_eq!(t.call(nr::LINKAT, [CWD, target, CWD, hard, 0, 0]), Ok(0));
    let g = t.data(b"g\0");
    assert_eq!(t.call(nr::RENAMEAT2, [CWD, hard, CWD, g, 0, 0]), Ok(0));
    assert_eq!(
        t.call(nr::RENAMEAT2, [CWD, g, CWD, target, 1, 0]),
        Err(Errno::EEXIST)
    );
    let dir = open(&mut t, ".", O_DIRECTORY, 0).unwrap();
    assert_eq!(
        t.call(nr::GETDENTS64, [dir, buf, 8, 0, 0, 0]),
        Err(Errno::EINVAL)
    );
    let big = t.data(&[0; 4096]);
    let n = t.call(nr::GETDENTS64, [dir, big, 4096, 0, 0, 0]).unwrap() as usize;
    let recs = t.read(big, n);
    let mut names = Vec::new();
    let mut off = 0;
    while off < recs.len() {
        let len = u16::from_le_bytes([recs[off + 16], recs[off + 17]]) as usize;
        let name = &recs[off + 19..off + len];
        names.push(
            String::from_utf8_lossy(&name[..name.iter().position(|&b| b == 0).unwrap()])
                .into_owned(),
        );
        off += len;
    }
    names.sort();
    assert_eq!(names, [".", "..", "f", "g", "s"]);
    assert_eq!(t.call(nr::GETCWD, [buf, 64, 0, 0, 0, 0]), Ok(7));
    assert_eq!(t.read(buf, 7), b"/tmp/d\0");
    assert_eq!(
        t.call(nr::UNLINKAT, [CWD, d, 0x200, 0, 0, 0]),
        Err(Errno::ENOTEMPTY)
    );
    for name in [g, link, target] {
        assert_eq!(t.call(nr::UNLINKAT, [CWD, name, 0, 0, 0, 0]), Ok(0));
    }
    assert_eq!(write_str(&mut t, f, "d"), Ok(1), "unlinked but open");
    assert_eq!(t.call(nr::UNLINKAT, [CWD, d, 0x200, 0, 0, 0]), Ok(0));
    assert_eq!(
        t.call(nr::GETCWD, [buf, 64, 0, 0, 0, 0]),
        Err(Errno::ENOENT)
    );
    assert_eq!(t.call(nr::FCHDIR, [f, 0, 0, 0, 0, 0]), Err(Errno::ENOTDIR));
    let root = t.data(b"/\0");
    assert_eq!(t.call(nr::CHROOT, [root, 0, 0, 0, 0, 0]), Err(Errno::EPERM));
}

#[test]
fn descriptor_table_calls() {
    let mut t = TestVm::new();
    let fd = open(&mut t, "/dev/null", O_RDWR | O_CLOEXEC, 0).unwrap();
    assert_eq!(t.call(nr::FCNTL, [fd, 1, 0, 0, 0, 0]), Ok(1), "FD_CLOEXEC");
    assert_eq!(
        t.call(nr::FCNTL, [fd, 3, 0, 0, 0, 0]),
        Ok(0o100002),
        "O_RDWR|O_LARGEFILE"
    );
    assert_eq!(t.call(nr::DUP, [fd, 0, 0, 0, 0, 0]), Ok(4));
    assert_eq!(t.call(nr::FCNTL, [4, 1, 0, 0, 0, 0]), Ok(0));
    assert_eq!(t.call(nr::DUP3, [fd, 9, O_CLOEXEC, 0, 0, 0]), Ok(9));
    assert_eq!(t.call(nr::FCNTL, [fd, 1030, 20, 0, 0, 0]), Ok(20));
    assert_eq!(t.call(nr::FCNTL, [fd, 4, 0o4000, 0, 0, 0]), Ok(0));
    assert_eq!(
        t.call(nr::FCNTL, [9, 3, 0, 0, 0, 0]),
        Ok(0o104002),
        "O_NONBLOCK shared"
    );
    assert_eq!(t.call(nr::CLOSE_RANGE, [4, 30, 0, 0, 0, 0]), Ok(0));
    assert_eq!(t.call(nr::FCNTL, [9, 1, 0, 0, 0, 0]), Err(Errno::EBADF));
    // RLIMIT_NOFILE follows setrlimit.
    let lim = t.data(&[0; 16]);
    t.words(lim, &[6, 6]);
    assert_eq!(t.call(nr::PRLIMIT64, [0, 7, lim, 0, 0, 0]), Ok(0));
    assert_eq!(t.call(nr::DUP, [fd, 0, 0, 0, 0, 0]), Ok(4));
    assert_eq!(t.call(nr::DUP, [fd, 0, 0, 0, 0, 0]), Ok(5));
    assert_eq!(t.call(nr::DUP, [fd, 0, 0, 0, 0, 0]), Err(Errno::EMFILE));
    assert_eq!(t.call(nr::DUP3, [fd, 6, 0, 0, 0, 0]), Err(Errno::EBADF));
    // flock: a second description conflicts, the same one does not.
    let other = open(&mut t, "/dev/null", 0, 0);
    assert_eq!(other, Err(Errno::EMFILE));
    t.call(nr::CLOSE, [5, 0, 0, 0, 0, 0]).unwrap();
    let other = open(&mut t, "/dev/null", 0, 0).unwrap();
    assert_eq!(t.call(nr::FLOCK, [fd, 2, 0, 0, 0, 0]), Ok(0));
    assert_eq!(
        t.call(nr::FLOCK, [4, 2, 0, 0, 0, 0]),
        Ok(0),
        "dup shares the lock"
    );
    assert_eq!(
        t.call(nr::FLOCK, [other, 1 | 4, 0, 0, 0, 0]),
        Err(Errno::EAGAIN)
    );
    assert_eq!(t.call(nr::FLOCK, [fd, 8, 0, 0, 0, 0]), Ok(0));
    assert_eq!(t.call(nr::FLOCK, [other, 1, 0, 0, 0, 0]), Ok(0));
}

#[test]
fn devices_and_random_come_from_the_host() {
    let mut t = TestVm::new();
    let fd = open(&mut t, "/dev/urandom", 0, 0).unwrap();
    let b = t.data(&[0; 32]);
    assert_eq!(t.call(nr::READ, [fd, b, 32, 0, 0, 0]), Ok(32));
    let mut expect = crate::host::CaptureHost::default();
    let mut want = [0u8; 32];
    crate::Host::random(&mut expect, &mut want);
    assert_eq!(t.read(b, 32), want, "the host's random stream");
    let null = open(&mut t, "/dev/null", O_RDWR, 0).unwrap();
    assert_eq!(write_str(&mut t, null, "gone"), Ok(4));
    assert_eq!(t.call(nr::READ, [null, b, 32, 0, 0, 0]), Ok(0));
    assert_eq!(open(&mut t, "/dev/tty", O_RDWR, 0), Err(Errno::ENXIO));
    let st = t.data(&[0; 256]);
    assert_eq!(t.call(nr::FSTAT, [null, st, 0, 0, 0, 0]), Ok(0));
    assert_eq!(
        u32::from_le_bytes(t.read(st + 16, 4).try_into().unwrap()),
        0o020666
    );
    let dev = t.data(b"/dev\0");
    let sfs = t.data(&[0; 120]);
    assert_eq!(t.call(nr::STATFS, [dev, sfs, 0, 0, 0, 0]), Ok(0));
    assert_eq!(
        u64::from_le_bytes(t.read(sfs, 8).try_into().unwrap()),
        0x0102_1994
    );
}

#[test]
fn write_and_writev_reach_the_host() {
    let mut t = TestVm::new();
    let buf = t.data(b"hello world");
    assert_eq!(t.call(nr::WRITE, [1, buf, 5, 0, 0, 0]), Ok(5));
    assert_eq!(t.call(nr::WRITE, [2, buf + 6, 5, 0, 0, 0]), Ok(5));
    let iov = t.data(&[]);
    t.words(iov, &[buf, 6, buf + 6, 5]);
    assert_eq!(t.call(nr::WRITEV, [1, iov, 2, 0, 0, 0]), Ok(11));
    assert_eq!(t.host.stdout, b"hellohello world");
    assert_eq!(t.host.stderr, b"world");
    assert_eq!(t.call(nr::WRITE, [1, 0x10, 5, 0, 0, 0]), Err(Errno::EFAULT));
    assert_eq!(t.call(nr::WRITE, [7, buf, 5, 0, 0, 0]), Err(Errno::EBADF));
    assert_eq!(
        t.call(nr::WRITEV, [1, iov, 5000, 0, 0, 0]),
        Err(Errno::EINVAL)
    );
}

/// A host whose stdout reader has gone away.
struct ClosedPipe;

impl crate::Host for ClosedPipe {
    fn write(&mut self, _: i32, _: &[u8]) -> Result<usize, i32> {
        Err(Errno::EPIPE.0)
    }
    fn read(&mut self, _: i32, _: &mut [u8]) -> Result<usize, i32> {
        Ok(0)
    }
    fn realtime_ns(&mut self) -> u64 {
        0
    }
    fn monotonic_ns(&mut self) -> u64 {
        0
    }
    fn random(&mut self, _: &mut [u8]) {}
    fn log(&mut self, _: &str) {}
}

#[test]
fn broken_pipe_raises_sigpipe() {
    let mut t = TestVm::new();
    let buf = t.data(b"data");
    let mut host = ClosedPipe;
    let mut ctx = crate::syscall::Ctx {
        proc: &mut t.proc,
        thread: &mut t.thread,
        host: &mut host,
        stop: None,
        code_changed: false,
        note: None,
        kernel: &mut t.kernel,
    };
    let r = crate::syscall::dispatch(&mut ctx, nr::WRITE, &[1, buf, 4, 0, 0, 0]);
    assert_eq!(r, Err(Errno::EPIPE));
    assert_eq!(ctx.stop, Some(crate::RunState::Killed(13)));
}

#[test]
fn read_from_stdin() {
    let mut t = TestVm::new();
    t.host.stdin = b"input".to_vec();
    let buf = t.data(&[0; 16]);
    assert_eq!(t.call(nr::READ, [0, buf, 16, 0, 0, 0]), Ok(5));
    assert_eq!(t.read(buf, 5), b"input");
    assert_eq!(t.call(nr::READ, [0, buf, 16, 0, 0, 0]), Ok(0));
}

#[test]
fn default_tree_and_stdio_errors() {
    let mut t = TestVm::new();
    let path = t.data(b"/etc/nope\0");
    let buf = t.data(&[0; 256]);
    let cwd = AT_FDCWD as i64 as u64;
    assert_eq!(
        t.call(nr::OPENAT, [cwd, path, 0, 0, 0, 0]),
        Err(Errno::ENOENT)
    );
    assert_eq!(t.call(nr::OPENAT, [cwd, 8, 0, 0, 0, 0]), Err(Errno::EFAULT));
    assert_eq!(
        t.call(nr::NEWFSTATAT, [cwd, path, buf, 0, 0, 0]),
        Err(Errno::ENOENT)
    );
    assert_eq!(t.call(nr::GETCWD, [buf, 64, 0, 0, 0, 0]), Ok(2));
    assert_eq!(t.read(buf, 2), b"/\0");
    assert_eq!(t.call(nr::GETCWD, [buf, 1, 0, 0, 0, 0]), Err(Errno::ERANGE));
    assert_eq!(
        t.call(nr::IOCTL, [1, 0x5401, buf, 0, 0, 0]),
        Err(Errno::ENOTTY)
    );
    assert_eq!(t.call(nr::LSEEK, [1, 0, 0, 0, 0, 0]), Err(Errno::ESPIPE));
    assert_eq!(t.call(nr::LSEEK, [5, 0, 0, 0, 0, 0]), Err(Errno::EBADF));
    let passwd = t.data(b"/etc/passwd\0");
    assert_eq!(t.call(nr::FACCESSAT, [cwd, passwd, 4, 0, 0, 0]), Ok(0));
    assert_eq!(
        t.call(nr::FACCESSAT, [cwd, passwd, 2, 0, 0, 0]),
        Err(Errno::EACCES)
    );
}

#[test]
fn fstat_stdio_follows_the_host_and_close_works() {
    let mut t = TestVm::new();
    let buf = t.data(&[0; 256]);
    // The capturing host's descriptors are pipes by default.
    assert_eq!(t.call(nr::FSTAT, [1, buf, 0, 0, 0, 0]), Ok(0));
    let mode = u32::from_le_bytes(t.read(buf + 16, 4).try_into().unwrap());
    assert_eq!(mode & 0o170000, 0o010000);
    assert_eq!(
        t.call(nr::IOCTL, [1, 0x5401, buf, 0, 0, 0]),
        Err(Errno::ENOTTY)
    );
    t.host.stdio = crate::StdioKind::File { size: 1234 };
    assert_eq!(t.call(nr::FSTAT, [1, buf, 0, 0, 0, 0]), Ok(0));
    let mode = u32::from_le_bytes(t.read(buf + 16, 4).try_into().unwrap());
    let size = u64::from_le_bytes(t.read(buf + 48, 8).try_into().unwrap());
    assert_eq!((mode & 0o170000, size), (0o100000, 1234));
    t.host.stdio = crate::StdioKind::Tty { rows: 3, cols: 4 };
    assert_eq!(t.call(nr::FSTAT, [1, buf, 0, 0, 0, 0]), Ok(0));
    let mode = u32::from_le_bytes(t.read(buf + 16, 4).try_into().unwrap());
    assert_eq!(mode & 0o170000, 0o020000);
    assert_eq!(t.call(nr::IOCTL, [1, 0x5401, buf, 0, 0, 0]), Ok(0));
    assert_eq!(t.call(nr::IOCTL, [1, 0x5413, buf, 0, 0, 0]), Ok(0));
    assert_eq!(t.read(buf, 4), [3, 0, 4, 0]);
    // TIOCSWINSZ overrides the host's size.
    let ws = t.data(&[7, 0, 8, 0, 0, 0, 0, 0]);
    assert_eq!(t.call(nr::IOCTL, [1, 0x5414, ws, 0, 0, 0]), Ok(0));
    assert_eq!(t.call(nr::IOCTL, [1, 0x5413, buf, 0, 0, 0]), Ok(0));
    assert_eq!(t.read(buf, 4), [7, 0, 8, 0]);
    let empty = t.data(b"\0");
    assert_eq!(t.call(nr::NEWFSTATAT, [2, empty, buf, 0x1000, 0, 0]), Ok(0));
    assert_eq!(t.call(nr::STATX, [0, empty, 0x1000, 0x7ff, buf, 0]), Ok(0));
    assert_eq!(t.call(nr::CLOSE, [1, 0, 0, 0, 0, 0]), Ok(0));
    assert_eq!(t.call(nr::CLOSE, [1, 0, 0, 0, 0, 0]), Err(Errno::EBADF));
    assert_eq!(t.call(nr::WRITE, [1, buf, 1, 0, 0, 0]), Err(Errno::EBADF));
    assert_eq!(t.call(nr::FSTAT, [1, buf, 0, 0, 0, 0]), Err(Errno::EBADF));
}

#[test]
fn poll_reports_open_files_ready() {
    let mut t = TestVm::new();
    let p = t.data(&[0; 32]);
    // {fd 1, POLLOUT}, {fd 9 (closed), POLLIN}, {fd -1, POLLIN}
    let mut raw = Vec::new();
    for (fd, ev) in [(1i32, 4u16), (9, 1), (-1, 1)] {
        raw.extend_from_slice(&fd.to_le_bytes());
        raw.extend_from_slice(&ev.to_le_bytes());
        raw.extend_from_slice(&0xffffu16.to_le_bytes());
    }
    t.proc.mem.write_bytes(p, &raw).unwrap();
    assert_eq!(t.call(nr::PPOLL, [p, 3, 0, 0, 8, 0]), Ok(2));
    let r = t.read(p, 24);
    assert_eq!(u16::from_le_bytes([r[6], r[7]]), 4, "POLLOUT");
    assert_eq!(u16::from_le_bytes([r[14], r[15]]), 0x20, "POLLNVAL");
    assert_eq!(u16::from_le_bytes([r[22], r[23]]), 0);
    let ts = t.data(&[0; 16]);
    t.words(ts, &[2, 0]);
    let before = t.proc.sleep_offset_ns;
    assert_eq!(
        t.call(nr::PPOLL, [p + 16, 1, ts, 0, 8, 0]),
        Ok(0),
        "nothing ready"
    );
    let _ = before;
    // kproc: the thread parks until the deadline (2 s ahead).
    match t.kernel.block.take() {
        Some(crate::sched::Wait::Io { deadline: Some(d) }) => {
            assert!(d >= 2_000_000_000)
        }
        w => panic!("ppoll parked on {w:?}"),
    }
    let set = t.data(&[0b101, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(t.call(nr::PSELECT6, [3, set, 0, 0, 0, 0]), Ok(2));
    let bad = t.data(&[0b1000, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(
        t.call(nr::PSELECT6, [4, bad, 0, 0, 0, 0]),
        Err(Errno::EBADF)
    );
}

#[test]
fn pipes_buffer_eof_and_epipe() {
    let mut t = TestVm::new();
    let fds = t.data(&[0; 8]);
    assert_eq!(t.call(nr::PIPE2, [fds, 0o4000, 0, 0, 0, 0]), Ok(0));
    let v = t.read(fds, 8);
    let (r, w) = (
        i32::from_le_bytes(v[..4].try_into().unwrap()) as u64,
        i32::from_le_bytes(v[4..].try_into().unwrap()) as u64,
    );
    assert_eq!((r, w), (3, 4));
    let b = t.data(&[0; 16]);
    assert_eq!(t.call(nr::READ, [r, b, 16, 0, 0, 0]), Err(Errno::EAGAIN));
    assert_eq!(write_str(&mut t, w, "ping"), Ok(4));
    assert_eq!(write_str(&mut t, r, "x"), Err(Errno::EBADF));
    let n = t.data(&[0; 4]);
    assert_eq!(t.call(nr::IOCTL, [r, 0x541b, n, 0, 0, 0]), Ok(0));
    assert_eq!(t.read(n, 4), 4i32.to_le_bytes());
    assert_eq!(t.call(nr::LSEEK, [r, 0, 0, 0, 0, 0]), Err(Errno::ESPIPE));
    assert_eq!(t.call(nr::PREAD64, [r, b, 1, 0, 0, 0]), Err(Errno::ESPIPE));
    let st = t.data(&[0; 128]);
    assert_eq!(t.call(nr::FSTAT, [w, st, 0, 0, 0, 0]), Ok(0));
    assert_eq!(
        u32::from_le_bytes(t.read(st + 16, 4).try_into().unwrap()),
        0o010600
    );
    let d = t.call(nr::DUP, [w, 0, 0, 0, 0, 0]).unwrap();
    assert_eq!(read_str(&mut t, r, 16), "ping");
    t.call(nr::CLOSE, [w, 0, 0, 0, 0, 0]).unwrap();
    assert_eq!(
        t.call(nr::READ, [r, b, 16, 0, 0, 0]),
        Err(Errno::EAGAIN),
        "dup keeps a writer"
    );
    t.call(nr::CLOSE, [d, 0, 0, 0, 0, 0]).unwrap();
    assert_eq!(
        t.call(nr::READ, [r, b, 16, 0, 0, 0]),
        Ok(0),
        "no writer: end of file"
    );
    assert_eq!(t.call(nr::PIPE2, [fds, 0, 0, 0, 0, 0]), Ok(0));
    let r2 = u32::from_le_bytes(t.read(fds, 4).try_into().unwrap()) as u64;
    t.call(nr::CLOSE, [r2, 0, 0, 0, 0, 0]).unwrap();
    let w2 = u32::from_le_bytes(t.read(fds + 4, 4).try_into().unwrap()) as u64;
    assert_eq!(
        t.call_stop(nr::WRITE, [w2, b, 1, 0, 0, 0]),
        (Err(Errno::EPIPE), Some(crate::RunState::Killed(13)))
    );
    assert_eq!(t.call(nr::PIPE2, [fds, 1, 0, 0, 0, 0]), Err(Errno::EINVAL));
    assert_eq!(t.call(nr::FCNTL, [w2, 1032, 0, 0, 0, 0]), Ok(65536));
    assert_eq!(t.call(nr::FCNTL, [w2, 1031, 10000, 0, 0, 0]), Ok(16384));
    assert_eq!(t.call(nr::FCNTL, [w2, 1032, 0, 0, 0, 0]), Ok(16384));
    assert_eq!(
        t.call(nr::FCNTL, [w2, 1031, 2 << 20, 0, 0, 0]),
        Err(Errno::EPERM)
    );
}

#[test]
fn named_fifos_are_pipes() {
    let mut t = TestVm::new();
    let p = t.data(b"/tmp/fifo\0");
    assert_eq!(t.call(nr::MKNODAT, [CWD, p, 0o010644, 0, 0, 0]), Ok(0));
    let w = open(&mut t, "/tmp/fifo", 1, 0).unwrap();
    assert_eq!(
        write_str(&mut t, w, "x"),
        Err(Errno::EAGAIN),
        "no reader yet: wait"
    );
    let r = open(&mut t, "/tmp/fifo", 0, 0).unwrap();
    assert_eq!(write_str(&mut t, w, "through"), Ok(7));
    assert_eq!(read_str(&mut t, r, 64), "through");
    t.call(nr::CLOSE, [w, 0, 0, 0, 0, 0]).unwrap();
    assert_eq!(read_str(&mut t, r, 64), "", "last writer gone: end of file");
    // A reader that comes first waits for a writer rather than seeing EOF.
    t.call(nr::CLOSE, [r, 0, 0, 0, 0, 0]).unwrap();
    let r = open(&mut t, "/tmp/fifo", 0, 0).unwrap();
    let b = t.data(&[0; 8]);
    assert_eq!(t.call(nr::READ, [r, b, 8, 0, 0, 0]), Err(Errno::EAGAIN));
    assert_eq!(mode_of(&mut t, "/tmp/fifo"), Ok(0o010644));
}
