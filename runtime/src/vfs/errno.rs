//! `Errno`: a Linux error number as a value.
//!
//! The VFS returns `Result<T, Errno>` everywhere; the syscall layer turns an
//! `Err(e)` into `-e.0` in `a0`. The numbers are Linux's asm-generic ones,
//! which is what RISC-V uses. The type is the runtime's own
//! [`crate::errno::Errno`], re-exported, so VFS errors reach the guest
//! without conversion (one errno type in the whole crate).

pub use crate::errno::{Errno, VfsResult};

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
