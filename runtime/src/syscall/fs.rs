//! File-system and descriptor calls, answered as for an EMPTY file system
//! whose only open files are the standard descriptors 0, 1, 2 (character
//! devices backed by the host): path lookups fail with `ENOENT`, stdio is
//! read and written through [`crate::Host`], the working directory is `/`.
//! A real VFS with an fd table replaces this in a later step.

use super::{stdio_fd, Args, Ctx, SysResult};
use crate::Errno;

/// Largest chunk copied between guest and host per step.
const CHUNK: usize = 64 * 1024;
/// `AT_EMPTY_PATH`.
const AT_EMPTY_PATH: u64 = 0x1000;
/// `S_IFCHR | 0620`: what the standard descriptors are.
const STDIO_MODE: u32 = 0o020_620;
/// Device number of the (virtual) terminal's file system.
const STDIO_DEV: u64 = 0x16;
/// `IOV_MAX`.
const IOV_MAX: u64 = 1024;

/// Writes `len` guest bytes at `buf` to host fd `fd`; a fault after some
/// bytes were written returns the short count, as Linux does.
fn write_out(ctx: &mut Ctx, fd: i32, buf: u64, len: u64) -> SysResult {
    let mut done = 0u64;
    let mut chunk = vec![0u8; len.min(CHUNK as u64) as usize];
    while done < len {
        let n = (len - done).min(CHUNK as u64) as usize;
        if ctx
            .proc
            .mem
            .read_bytes(buf.wrapping_add(done), &mut chunk[..n])
            .is_err()
        {
            return if done > 0 {
                Ok(done)
            } else {
                Err(Errno::EFAULT)
            };
        }
        match ctx.host.write(fd, &chunk[..n]) {
            Ok(w) => {
                // Never trust the host to report more than it was given.
                let w = w.min(n);
                done += w as u64;
                if w < n {
                    break;
                }
            }
            Err(e) if done == 0 => {
                if Errno(e) == Errno::EPIPE {
                    // The reader went away: Linux raises SIGPIPE (fatal by default).
                    super::signal::send_to_self(ctx, crate::signal::SIGPIPE);
                }
                return Err(Errno(e));
            }
            Err(_) => break,
        }
    }
    Ok(done)
}

/// Reads up to `len` bytes from host fd `fd` into guest memory at `buf`
/// (one host read, like a read from a pipe or terminal).
fn read_in(ctx: &mut Ctx, fd: i32, buf: u64, len: u64) -> SysResult {
    let mut tmp = vec![0u8; len.min(CHUNK as u64) as usize];
    if tmp.is_empty() {
        return Ok(0);
    }
    let n = ctx.host.read(fd, &mut tmp).map_err(Errno)?.min(tmp.len());
    ctx.put(buf, &tmp[..n])?;
    Ok(n as u64)
}

/// `read(fd, buf, count)`.
pub fn read(ctx: &mut Ctx, a: &Args) -> SysResult {
    let fd = stdio_fd(ctx, a[0]).ok_or(Errno::EBADF)?;
    read_in(ctx, fd, a[1], a[2])
}

/// `write(fd, buf, count)`.
pub fn write(ctx: &mut Ctx, a: &Args) -> SysResult {
    let fd = stdio_fd(ctx, a[0]).ok_or(Errno::EBADF)?;
    write_out(ctx, fd, a[1], a[2])
}

fn iovecs(ctx: &mut Ctx, iov: u64, cnt: u64) -> Result<Vec<(u64, u64)>, Errno> {
    if cnt > IOV_MAX {
        return Err(Errno::EINVAL);
    }
    let mut v = Vec::with_capacity(cnt as usize);
    let mut total = 0u64;
    for i in 0..cnt {
        let base = ctx.get_u64(iov.wrapping_add(i * 16))?;
        let len = ctx.get_u64(iov.wrapping_add(i * 16 + 8))?;
        total = total.checked_add(len).ok_or(Errno::EINVAL)?;
        if total > i64::MAX as u64 {
            return Err(Errno::EINVAL);
        }
        v.push((base, len));
    }
    Ok(v)
}

/// `writev(fd, iov, iovcnt)`.
pub fn writev(ctx: &mut Ctx, a: &Args) -> SysResult {
    let fd = stdio_fd(ctx, a[0]).ok_or(Errno::EBADF)?;
    let mut done = 0;
    for (base, len) in iovecs(ctx, a[1], a[2])? {
        match write_out(ctx, fd, base, len) {
            Ok(n) => {
                done += n;
                if n < len {
                    break;
                }
            }
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(done)
}

/// `readv(fd, iov, iovcnt)`: fills the first non-empty buffer from one host read.
pub fn readv(ctx: &mut Ctx, a: &Args) -> SysResult {
    let fd = stdio_fd(ctx, a[0]).ok_or(Errno::EBADF)?;
    match iovecs(ctx, a[1], a[2])?.into_iter().find(|v| v.1 > 0) {
        Some((base, len)) => read_in(ctx, fd, base, len),
        None => Ok(0),
    }
}

/// `pread64`/`pwrite64`/`lseek`: stdio descriptors are not seekable.
pub fn not_seekable(ctx: &mut Ctx, a: &Args) -> SysResult {
    stdio_fd(ctx, a[0]).ok_or(Errno::EBADF)?;
    Err(Errno::ESPIPE)
}

/// `close(fd)`.
pub fn close(ctx: &mut Ctx, a: &Args) -> SysResult {
    let fd = stdio_fd(ctx, a[0]).ok_or(Errno::EBADF)?;
    ctx.proc.stdio_open[fd as usize] = false;
    Ok(0)
}

/// Path calls on the empty file system (`openat`, `readlinkat`,
/// `faccessat`, `unlinkat`, `mkdirat`, `chdir`, ...): the path is read (so a
/// bad pointer is `EFAULT` and an overlong one `ENAMETOOLONG`), then nothing
/// is found.
fn no_such_path(ctx: &mut Ctx, path: u64) -> SysResult {
    ctx.get_path(path)?;
    Err(Errno::ENOENT)
}

/// `openat(dirfd, path, flags, mode)`: nothing exists.
pub fn openat(ctx: &mut Ctx, a: &Args) -> SysResult {
    no_such_path(ctx, a[1])
}

/// `readlinkat`, `faccessat`, `faccessat2`, `unlinkat`, `mkdirat`: nothing exists.
pub fn path_at(ctx: &mut Ctx, a: &Args) -> SysResult {
    no_such_path(ctx, a[1])
}

/// `chdir(path)`: nothing exists.
pub fn chdir(ctx: &mut Ctx, a: &Args) -> SysResult {
    no_such_path(ctx, a[0])
}

/// `execve(path, argv, envp)`: no program file can exist yet.
pub fn execve(ctx: &mut Ctx, a: &Args) -> SysResult {
    no_such_path(ctx, a[0])
}

/// `getcwd(buf, size)`: always `/`.
pub fn getcwd(ctx: &mut Ctx, a: &Args) -> SysResult {
    if a[1] < 2 {
        return Err(Errno::ERANGE);
    }
    ctx.put(a[0], b"/\0")?;
    Ok(2)
}

/// A `struct stat` (riscv64 / asm-generic layout, 128 bytes) for stdio descriptor `fd`.
///
/// The descriptors look like a pseudo-terminal slave (character device
/// 136:0), so glibc line-buffers stdout as in an interactive shell and a
/// guest's output appears as it is produced; but there is no termios yet,
/// so `ioctl(TCGETS)` (hence `isatty`) still says `ENOTTY`.
fn stdio_stat(fd: i32, uid: u32, now_s: u64) -> [u8; 128] {
    let mut b = [0u8; 128];
    let mut put = |off: usize, bytes: &[u8]| b[off..off + bytes.len()].copy_from_slice(bytes);
    put(0, &STDIO_DEV.to_le_bytes()); // st_dev
    put(8, &(3 + fd as u64).to_le_bytes()); // st_ino
    put(16, &STDIO_MODE.to_le_bytes()); // st_mode
    put(20, &1u32.to_le_bytes()); // st_nlink
    put(24, &uid.to_le_bytes()); // st_uid
    put(28, &5u32.to_le_bytes()); // st_gid (tty)
    put(32, &0x8800u64.to_le_bytes()); // st_rdev: (136, 0), /dev/pts/0
    put(56, &1024u32.to_le_bytes()); // st_blksize
    for off in [72, 88, 104] {
        put(off, &now_s.to_le_bytes()); // st_[amc]time
    }
    b
}

fn fstat_into(ctx: &mut Ctx, fd: u64, buf: u64) -> SysResult {
    let fd = stdio_fd(ctx, fd).ok_or(Errno::EBADF)?;
    let now = ctx.host.realtime_ns() / 1_000_000_000;
    let st = stdio_stat(fd, ctx.proc.uid, now);
    ctx.put(buf, &st)?;
    Ok(0)
}

/// `fstat(fd, statbuf)`.
pub fn fstat(ctx: &mut Ctx, a: &Args) -> SysResult {
    fstat_into(ctx, a[0], a[1])
}

/// `newfstatat(dirfd, path, statbuf, flags)`: `AT_EMPTY_PATH` on stdio works, paths do not exist.
pub fn newfstatat(ctx: &mut Ctx, a: &Args) -> SysResult {
    let path = ctx.get_path(a[1])?;
    if path.is_empty() && a[3] & AT_EMPTY_PATH != 0 {
        return fstat_into(ctx, a[0], a[2]);
    }
    Err(Errno::ENOENT)
}

/// `statx(dirfd, path, flags, mask, statxbuf)`.
pub fn statx(ctx: &mut Ctx, a: &Args) -> SysResult {
    let path = ctx.get_path(a[1])?;
    if !(path.is_empty() && a[2] & AT_EMPTY_PATH != 0) {
        return Err(Errno::ENOENT);
    }
    let fd = stdio_fd(ctx, a[0]).ok_or(Errno::EBADF)?;
    let now = ctx.host.realtime_ns() / 1_000_000_000;
    let mut b = [0u8; 256];
    let mut put = |off: usize, bytes: &[u8]| b[off..off + bytes.len()].copy_from_slice(bytes);
    put(0, &0x7ffu32.to_le_bytes()); // stx_mask: STATX_BASIC_STATS
    put(4, &1024u32.to_le_bytes()); // stx_blksize
    put(16, &1u32.to_le_bytes()); // stx_nlink
    put(20, &ctx.proc.uid.to_le_bytes()); // stx_uid
    put(24, &5u32.to_le_bytes()); // stx_gid
    put(28, &(STDIO_MODE as u16).to_le_bytes()); // stx_mode
    put(32, &(3 + fd as u64).to_le_bytes()); // stx_ino
    for off in [64, 96, 112] {
        put(off, &now.to_le_bytes()); // stx_atime, stx_ctime, stx_mtime
    }
    put(128, &136u32.to_le_bytes()); // stx_rdev_major
    put(140, &(STDIO_DEV as u32).to_le_bytes()); // stx_dev_minor
    ctx.put(a[4], &b)?;
    Ok(0)
}

/// `ioctl(fd, request, arg)`: the standard descriptors are not terminals
/// (no tty notion yet), so every request is `ENOTTY`.
pub fn ioctl(ctx: &mut Ctx, a: &Args) -> SysResult {
    stdio_fd(ctx, a[0]).ok_or(Errno::EBADF)?;
    Err(Errno::ENOTTY)
}

/// `fcntl(fd, cmd, arg)`: flag queries on stdio.
pub fn fcntl(ctx: &mut Ctx, a: &Args) -> SysResult {
    let fd = stdio_fd(ctx, a[0]).ok_or(Errno::EBADF)?;
    match a[1] {
        1 | 2 => Ok(0), // F_GETFD, F_SETFD (no CLOEXEC bookkeeping needed yet)
        3 => Ok(if fd == 0 { 0 } else { 1 }), // F_GETFL: O_RDONLY / O_WRONLY
        4 => Ok(0),     // F_SETFL
        _ => Err(Errno::EINVAL),
    }
}

/// `getdents64(fd, ...)`: no directory can be open.
pub fn getdents64(ctx: &mut Ctx, a: &Args) -> SysResult {
    stdio_fd(ctx, a[0]).ok_or(Errno::EBADF)?;
    Err(Errno::ENOTDIR)
}

/// `umask(mask)`.
pub fn umask(ctx: &mut Ctx, a: &Args) -> SysResult {
    let old = ctx.proc.umask;
    ctx.proc.umask = (a[0] & 0o777) as u32;
    Ok(old as u64)
}

#[cfg(test)]
mod tests {
    use super::super::tests::TestVm;
    use crate::syscall::table::nr;
    use crate::Errno;

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
    fn empty_file_system() {
        let mut t = TestVm::new();
        let path = t.data(b"/etc/passwd\0");
        let buf = t.data(&[0; 256]);
        let cwd = (-100i64) as u64;
        assert_eq!(
            t.call(nr::OPENAT, [cwd, path, 0, 0, 0, 0]),
            Err(Errno::ENOENT)
        );
        assert_eq!(t.call(nr::OPENAT, [cwd, 8, 0, 0, 0, 0]), Err(Errno::EFAULT));
        assert_eq!(
            t.call(nr::NEWFSTATAT, [cwd, path, buf, 0, 0, 0]),
            Err(Errno::ENOENT)
        );
        assert_eq!(
            t.call(nr::READLINKAT, [cwd, path, buf, 64, 0, 0]),
            Err(Errno::ENOENT)
        );
        assert_eq!(
            t.call(nr::FACCESSAT, [cwd, path, 0, 0, 0, 0]),
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
    }

    #[test]
    fn fstat_stdio_is_a_char_device_and_close_works() {
        let mut t = TestVm::new();
        let buf = t.data(&[0; 256]);
        assert_eq!(t.call(nr::FSTAT, [1, buf, 0, 0, 0, 0]), Ok(0));
        let mode = u32::from_le_bytes(t.read(buf + 16, 4).try_into().unwrap());
        assert_eq!(mode & 0o170000, 0o020000);
        let empty = t.data(b"\0");
        assert_eq!(t.call(nr::NEWFSTATAT, [2, empty, buf, 0x1000, 0, 0]), Ok(0));
        assert_eq!(t.call(nr::STATX, [0, empty, 0x1000, 0x7ff, buf, 0]), Ok(0));
        assert_eq!(t.call(nr::CLOSE, [1, 0, 0, 0, 0, 0]), Ok(0));
        assert_eq!(t.call(nr::CLOSE, [1, 0, 0, 0, 0, 0]), Err(Errno::EBADF));
        assert_eq!(t.call(nr::WRITE, [1, buf, 1, 0, 0, 0]), Err(Errno::EBADF));
        assert_eq!(t.call(nr::FSTAT, [1, buf, 0, 0, 0, 0]), Err(Errno::EBADF));
    }
}
