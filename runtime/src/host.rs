//! The host side of the emulator: where guest I/O, time and randomness come
//! from. The runtime never touches the OS directly; the native CLI passes a
//! [`StdHost`], the wasm entry point a JS-backed host, tests a [`CaptureHost`].

/// Services the embedding environment provides to the guest.
pub trait Host {
    /// Writes guest output for host descriptor `fd` (1 stdout, 2 stderr).
    /// Returns the bytes taken, or an errno such as `EPIPE`/`EBADF`.
    fn write(&mut self, fd: i32, data: &[u8]) -> Result<usize, i32>;
    /// Reads guest input (fd 0 is stdin). `Ok(0)` is end of file.
    fn read(&mut self, fd: i32, buf: &mut [u8]) -> Result<usize, i32>;
    /// Wall-clock time, nanoseconds since the Unix epoch.
    fn realtime_ns(&mut self) -> u64;
    /// A clock that never goes backwards, nanoseconds from an arbitrary origin.
    fn monotonic_ns(&mut self) -> u64;
    /// Fills `buf` from a cryptographically secure source.
    fn random(&mut self, buf: &mut [u8]);
    /// One line of diagnostics (`--strace` output, warnings), without newline.
    fn log(&mut self, line: &str);
    /// The contents of the host file `path`, for `execve` until programs
    /// come from the guest file system; `Err(errno)` if unreadable. The
    /// default has no files (`ENOENT`).
    fn read_file(&mut self, path: &[u8]) -> Result<Vec<u8>, i32> {
        let _ = path;
        Err(crate::Errno::ENOENT.0)
    }
    /// What host descriptor `fd` (0, 1 or 2) really is, so the guest's
    /// standard descriptors look like it (as under qemu-user, which passes
    /// host descriptors through): glibc line-buffers stdout on a terminal and
    /// fully buffers it into a pipe or file. Asked on every `fstat` and
    /// terminal `ioctl` of fds 0/1/2, so it should be cheap. The default is
    /// [`StdioKind::Pipe`]: output that is collected rather than shown.
    fn stdio_kind(&mut self, fd: i32) -> StdioKind {
        let _ = fd;
        StdioKind::Pipe
    }
}

/// What a host standard descriptor is (see [`Host::stdio_kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StdioKind {
    /// A terminal of `rows` x `cols` characters (0 when unknown).
    Tty {
        /// Lines.
        rows: u16,
        /// Columns.
        cols: u16,
    },
    /// A pipe or socket.
    #[default]
    Pipe,
    /// A regular file of `size` bytes.
    File {
        /// Current size in bytes.
        size: u64,
    },
    /// A character device that is not a terminal (`/dev/null`), a closed
    /// descriptor or anything else.
    Null,
}

/// Reads host file `path` (native builds), mapping failures to errnos.
#[cfg(not(target_arch = "wasm32"))]
pub fn read_host_file(path: &[u8]) -> Result<Vec<u8>, i32> {
    use std::os::unix::ffi::OsStrExt;
    let p = std::path::Path::new(std::ffi::OsStr::from_bytes(path));
    std::fs::read(p).map_err(io_errno)
}

/// A host that keeps everything in memory: stdin from a buffer, stdout,
/// stderr and log lines captured, a deterministic clock (each reading
/// advances 1 µs) and a deterministic pseudo-random stream. For tests and
/// embedders that want to inspect a run.
#[derive(Debug, Default, Clone)]
pub struct CaptureHost {
    /// Bytes the guest will read from stdin.
    pub stdin: Vec<u8>,
    /// How much of `stdin` has been consumed.
    pub stdin_pos: usize,
    /// Everything written to fd 1.
    pub stdout: Vec<u8>,
    /// Everything written to fd 2.
    pub stderr: Vec<u8>,
    /// Every [`Host::log`] line.
    pub log: Vec<String>,
    /// The current clock value in nanoseconds.
    pub clock_ns: u64,
    /// State of the pseudo-random generator.
    pub rng: u64,
    /// What fds 0, 1 and 2 claim to be (default [`StdioKind::Pipe`], like
    /// qemu run with its output captured through pipes).
    pub stdio: StdioKind,
}

impl CaptureHost {
    /// A host with the given stdin contents.
    pub fn with_stdin(stdin: &[u8]) -> Self {
        CaptureHost {
            stdin: stdin.to_vec(),
            ..Default::default()
        }
    }
}

impl Host for CaptureHost {
    fn write(&mut self, fd: i32, data: &[u8]) -> Result<usize, i32> {
        match fd {
            1 => self.stdout.extend_from_slice(data),
            2 => self.stderr.extend_from_slice(data),
            _ => return Err(crate::Errno::EBADF.0),
        }
        Ok(data.len())
    }

    fn read(&mut self, fd: i32, buf: &mut [u8]) -> Result<usize, i32> {
        if fd != 0 {
            return Err(crate::Errno::EBADF.0);
        }
        let rest = self.stdin.get(self.stdin_pos..).unwrap_or(&[]);
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.stdin_pos += n;
        Ok(n)
    }

    fn realtime_ns(&mut self) -> u64 {
        // 2024-01-01T00:00:00Z plus the monotonic clock.
        1_704_067_200_000_000_000 + self.monotonic_ns()
    }

    fn monotonic_ns(&mut self) -> u64 {
        self.clock_ns += 1000;
        self.clock_ns
    }

    fn random(&mut self, buf: &mut [u8]) {
        for b in buf {
            // xorshift64*: deterministic, never zero state.
            if self.rng == 0 {
                self.rng = 0x9e37_79b9_7f4a_7c15;
            }
            self.rng ^= self.rng >> 12;
            self.rng ^= self.rng << 25;
            self.rng ^= self.rng >> 27;
            *b = (self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8;
        }
    }

    fn log(&mut self, line: &str) {
        self.log.push(line.to_string());
    }

    fn stdio_kind(&mut self, fd: i32) -> StdioKind {
        match fd {
            0..=2 => self.stdio,
            _ => StdioKind::Null,
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn read_file(&mut self, path: &[u8]) -> Result<Vec<u8>, i32> {
        read_host_file(path)
    }
}

/// The native host: the process's own stdin/stdout/stderr, the system
/// clocks and the OS random source (via the `getrandom` crate).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug)]
pub struct StdHost {
    start: std::time::Instant,
}

#[cfg(not(target_arch = "wasm32"))]
impl Default for StdHost {
    fn default() -> Self {
        StdHost {
            start: std::time::Instant::now(),
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn io_errno(e: std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(crate::Errno::EIO.0)
}

#[cfg(not(target_arch = "wasm32"))]
impl Host for StdHost {
    fn write(&mut self, fd: i32, data: &[u8]) -> Result<usize, i32> {
        use std::io::Write;
        // The guest's C library already buffers: pass each write straight on.
        let res = match fd {
            1 => {
                let mut out = std::io::stdout().lock();
                out.write_all(data).and_then(|_| out.flush())
            }
            2 => std::io::stderr().lock().write_all(data),
            _ => return Err(crate::Errno::EBADF.0),
        };
        res.map(|_| data.len()).map_err(io_errno)
    }

    fn read(&mut self, fd: i32, buf: &mut [u8]) -> Result<usize, i32> {
        use std::io::Read;
        if fd != 0 {
            return Err(crate::Errno::EBADF.0);
        }
        std::io::stdin().lock().read(buf).map_err(io_errno)
    }

    fn realtime_ns(&mut self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
    }

    fn monotonic_ns(&mut self) -> u64 {
        // Offset by one second so the guest never sees a zero clock.
        1_000_000_000 + self.start.elapsed().as_nanos() as u64
    }

    fn random(&mut self, buf: &mut [u8]) {
        if getrandom::getrandom(buf).is_err() {
            // No OS entropy: there is nothing secure to fall back on.
            buf.fill(0);
            self.log("nanovm: warning: the host random source failed");
        }
    }

    fn log(&mut self, line: &str) {
        use std::io::Write;
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{line}");
    }

    fn read_file(&mut self, path: &[u8]) -> Result<Vec<u8>, i32> {
        read_host_file(path)
    }

    fn stdio_kind(&mut self, fd: i32) -> StdioKind {
        native_stdio_kind(fd)
    }
}

/// [`Host::stdio_kind`] for this process's fds 0-2, with std means only:
/// `IsTerminal` for terminals, `fstat` (through a duplicated descriptor's
/// `File::metadata`) for the rest. std has no `TIOCGWINSZ`, so the window
/// size comes from `$LINES`/`$COLUMNS`, else 24x80 (rejected alternative:
/// the `libc` crate for one ioctl).
#[cfg(not(target_arch = "wasm32"))]
pub fn native_stdio_kind(fd: i32) -> StdioKind {
    use std::io::IsTerminal;
    use std::os::fd::{AsFd, BorrowedFd};
    use std::os::unix::fs::FileTypeExt;
    fn kind_of(fd: BorrowedFd<'_>) -> StdioKind {
        if fd.is_terminal() {
            let env = |k: &str, d: u16| {
                std::env::var(k)
                    .ok()
                    .and_then(|v| v.trim().parse::<u16>().ok())
                    .filter(|&n| n > 0)
                    .unwrap_or(d)
            };
            return StdioKind::Tty {
                rows: env("LINES", 24),
                cols: env("COLUMNS", 80),
            };
        }
        let meta = fd
            .try_clone_to_owned()
            .and_then(|o| std::fs::File::from(o).metadata());
        match meta {
            Ok(m) if m.file_type().is_file() => StdioKind::File { size: m.len() },
            Ok(m) if m.file_type().is_fifo() || m.file_type().is_socket() => StdioKind::Pipe,
            _ => StdioKind::Null,
        }
    }
    match fd {
        0 => kind_of(std::io::stdin().as_fd()),
        1 => kind_of(std::io::stdout().as_fd()),
        2 => kind_of(std::io::stderr().as_fd()),
        _ => StdioKind::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_host_roundtrip() {
        let mut h = CaptureHost::with_stdin(b"abc");
        let mut buf = [0u8; 2];
        assert_eq!(h.read(0, &mut buf), Ok(2));
        assert_eq!(&buf, b"ab");
        assert_eq!(h.read(0, &mut buf), Ok(1));
        assert_eq!(h.read(0, &mut buf), Ok(0));
        assert_eq!(h.write(1, b"out"), Ok(3));
        assert_eq!(h.write(7, b"x"), Err(9));
        assert_eq!(h.stdout, b"out");
        let a = h.monotonic_ns();
        assert!(h.monotonic_ns() > a);
        let mut r = [0u8; 16];
        h.random(&mut r);
        assert!(r.iter().any(|&b| b != 0));
        assert_eq!(h.stdio_kind(1), StdioKind::Pipe);
        h.stdio = StdioKind::Tty { rows: 5, cols: 9 };
        assert_eq!(h.stdio_kind(2), StdioKind::Tty { rows: 5, cols: 9 });
        assert_eq!(h.stdio_kind(3), StdioKind::Null);
    }

    #[test]
    fn native_stdio_kind_only_knows_stdio() {
        assert_eq!(native_stdio_kind(7), StdioKind::Null);
        assert_eq!(native_stdio_kind(-1), StdioKind::Null);
    }
}
