//! Fault and error values of guest memory: [`MemFault`] for accesses,
//! [`MapError`] for mapping operations. Guest-controlled addresses never
//! panic the emulator; they produce one of these.

use super::perms::Access;
use core::fmt;

/// Why an access faulted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// No mapping covers the address (SIGSEGV `SEGV_MAPERR`).
    Unmapped,
    /// A mapping exists but lacks the needed permission (SIGSEGV `SEGV_ACCERR`).
    Protection,
    /// A misaligned atomic (reported by the interpreter; never by `AddressSpace`).
    Misaligned,
    /// The page had to be allocated (first touch or copy-on-write) but the
    /// resident-memory limit set with `set_limit` was reached.
    OutOfMemory,
    /// The page lies wholly past the end of the file behind its mapping
    /// (`map_past_eof`, or a shared object's `set_size_pages`): Linux's
    /// SIGBUS `BUS_ADRERR`.
    PastEof,
}

/// A failed guest memory access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemFault {
    /// The faulting guest address: the first inaccessible byte (for an access
    /// that crosses into an inaccessible page, the start of that page).
    pub addr: u64,
    /// What the access was.
    pub access: Access,
    /// Why it failed.
    pub kind: FaultKind,
}

impl fmt::Display for MemFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} fault ({:?}) at {:#x}",
            self.access, self.kind, self.addr
        )
    }
}

/// A failed mapping operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MapError {
    /// Bad arguments: unaligned address, zero length, or a range outside the
    /// user address space (Linux `EINVAL`).
    Invalid,
    /// Part of the range is not mapped (for `protect`, Linux `ENOMEM`).
    NoMemory,
    /// `map_fixed_noreplace` hit an existing mapping (Linux `EEXIST`).
    Exists,
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            MapError::Invalid => "invalid mapping arguments",
            MapError::NoMemory => "range not mapped",
            MapError::Exists => "range already mapped",
        };
        f.write_str(s)
    }
}
