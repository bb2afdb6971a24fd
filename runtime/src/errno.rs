//! Linux error numbers (the asm-generic values riscv64 uses) with their
//! names and messages, for syscall results and `--strace` output. The VFS
//! uses this same type (`vfs::Errno` is a re-export), so file-system errors
//! pass to the guest unchanged.

/// A Linux errno value; syscalls return it negated in `a0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Errno(pub i32);

/// The result type of every VFS operation (the VFS shares this errno type).
pub type VfsResult<T> = Result<T, Errno>;

macro_rules! errnos {
    ($($name:ident = $val:expr, $msg:expr;)*) => {
        impl Errno {
            $(
                #[doc = $msg]
                pub const $name: Errno = Errno($val);
            )*

            /// The symbolic name (`"ENOENT"`), or `"E?"` for an unknown value.
            pub fn name(self) -> &'static str {
                match self.0 { $($val => stringify!($name),)* _ => "E?" }
            }

            /// The C library's message (`"No such file or directory"`).
            pub fn message(self) -> &'static str {
                match self.0 { $($val => $msg,)* _ => "Unknown error" }
            }
        }
    };
}

errnos! {
    EPERM = 1, "Operation not permitted";
    ENOENT = 2, "No such file or directory";
    ESRCH = 3, "No such process";
    EINTR = 4, "Interrupted system call";
    EIO = 5, "Input/output error";
    ENXIO = 6, "No such device or address";
    E2BIG = 7, "Argument list too long";
    ENOEXEC = 8, "Exec format error";
    EBADF = 9, "Bad file descriptor";
    ECHILD = 10, "No child processes";
    EAGAIN = 11, "Resource temporarily unavailable";
    ENOMEM = 12, "Cannot allocate memory";
    EACCES = 13, "Permission denied";
    EFAULT = 14, "Bad address";
    EBUSY = 16, "Device or resource busy";
    EEXIST = 17, "File exists";
    EXDEV = 18, "Invalid cross-device link";
    ENODEV = 19, "No such device";
    ENOTDIR = 20, "Not a directory";
    EISDIR = 21, "Is a directory";
    EINVAL = 22, "Invalid argument";
    ENFILE = 23, "Too many open files in system";
    EMFILE = 24, "Too many open files";
    ENOTTY = 25, "Inappropriate ioctl for device";
    ETXTBSY = 26, "Text file busy";
    EFBIG = 27, "File too large";
    ENOSPC = 28, "No space left on device";
    ESPIPE = 29, "Illegal seek";
    EROFS = 30, "Read-only file system";
    EMLINK = 31, "Too many links";
    EPIPE = 32, "Broken pipe";
    ERANGE = 34, "Numerical result out of range";
    EDEADLK = 35, "Resource deadlock avoided";
    ENAMETOOLONG = 36, "File name too long";
    ENOLCK = 37, "No locks available";
    ENOSYS = 38, "Function not implemented";
    ENOTEMPTY = 39, "Directory not empty";
    ELOOP = 40, "Too many levels of symbolic links";
    EOVERFLOW = 75, "Value too large for defined data type";
    EOPNOTSUPP = 95, "Operation not supported";
    ETIMEDOUT = 110, "Connection timed out";
}

impl Errno {
    /// The value a syscall returns in `a0` for this error (`-errno`).
    pub fn to_ret(self) -> i64 {
        -(self.0 as i64)
    }
}

impl core::fmt::Display for Errno {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} ({})", self.name(), self.0)
    }
}

impl From<nanovm::mem::MemFault> for Errno {
    /// A guest pointer a syscall could not follow is `EFAULT`. One that
    /// could not get a frame (out of memory) is also noted for the OOM
    /// killer ([`take_oom`]).
    fn from(f: nanovm::mem::MemFault) -> Errno {
        if f.kind == nanovm::mem::FaultKind::OutOfMemory {
            OOM.with(|o| o.set(true));
        }
        Errno::EFAULT
    }
}

std::thread_local! {
    static OOM: core::cell::Cell<bool> = const { core::cell::Cell::new(false) };
}

/// True (once) if a guest access converted to `EFAULT` since the last call
/// failed for lack of memory: the scheduler then runs the OOM killer for
/// the calling process.
pub fn take_oom() -> bool {
    OOM.with(|o| o.replace(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_messages() {
        assert_eq!(Errno::ENOENT.name(), "ENOENT");
        assert_eq!(Errno(38).message(), "Function not implemented");
        assert_eq!(Errno(9999).name(), "E?");
    }
}
