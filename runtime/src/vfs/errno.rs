//! `Errno`: a Linux error number as a value.
//!
//! The VFS returns `Result<T, Errno>` everywhere; the syscall layer turns an
//! `Err(e)` into `-e.0` in `a0`. The numbers are Linux's asm-generic ones,
//! which is what RISC-V uses. This is a small self-contained type so the VFS
//! depends on nothing else in the runtime; the runtime may adopt it as its
//! own errno type or convert with `Errno::0`.

/// A Linux error number (positive, e.g. `ENOENT` = 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Errno(pub i32);

/// The result type of every VFS operation.
pub type VfsResult<T> = Result<T, Errno>;

macro_rules! errnos {
    ($($name:ident = $val:expr, $doc:expr;)*) => {
        impl Errno {
            $(#[doc = $doc] pub const $name: Errno = Errno($val);)*

            /// The symbolic name (`"ENOENT"`), or `"E?"` for numbers not listed here.
            pub fn name(self) -> &'static str {
                match self.0 {
                    $($val => stringify!($name),)*
                    _ => "E?",
                }
            }
        }
    };
}

errnos! {
    EPERM = 1, "Operation not permitted";
    ENOENT = 2, "No such file or directory";
    EIO = 5, "I/O error";
    ENXIO = 6, "No such device or address";
    EBADF = 9, "Bad file descriptor";
    EAGAIN = 11, "Try again";
    ENOMEM = 12, "Out of memory";
    EACCES = 13, "Permission denied";
    EFAULT = 14, "Bad address";
    EBUSY = 16, "Device or resource busy";
    EEXIST = 17, "File exists";
    EXDEV = 18, "Cross-device link";
    ENODEV = 19, "No such device";
    ENOTDIR = 20, "Not a directory";
    EISDIR = 21, "Is a directory";
    EINVAL = 22, "Invalid argument";
    ENFILE = 23, "File table overflow";
    EMFILE = 24, "Too many open files";
    ENOTTY = 25, "Not a typewriter";
    EFBIG = 27, "File too large";
    ENOSPC = 28, "No space left on device";
    ESPIPE = 29, "Illegal seek";
    EROFS = 30, "Read-only file system";
    EMLINK = 31, "Too many links";
    ERANGE = 34, "Math result not representable";
    ENAMETOOLONG = 36, "File name too long";
    ENOSYS = 38, "Function not implemented";
    ENOTEMPTY = 39, "Directory not empty";
    ELOOP = 40, "Too many symbolic links encountered";
    EOVERFLOW = 75, "Value too large for defined data type";
    EOPNOTSUPP = 95, "Operation not supported";
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linux_numbers() {
        assert_eq!(Errno::ENOENT.0, 2);
        assert_eq!(Errno::EMFILE.0, 24);
        assert_eq!(Errno::ENAMETOOLONG.0, 36);
        assert_eq!(Errno::ENOTEMPTY.0, 39);
        assert_eq!(Errno::ELOOP.0, 40);
        assert_eq!(Errno::ELOOP.name(), "ELOOP");
        assert_eq!(Errno(9999).name(), "E?");
        assert_eq!(Errno::EBADF.to_ret(), -9);
    }
}
