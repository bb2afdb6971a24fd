//! Guest memory: a sparse 64-bit address space with per-page permissions.
//!
//! * Regions (VMAs) live in a `BTreeMap` (`vma.rs`); frames are allocated on
//!   first touch, so reserving gigabytes costs nothing (`space.rs`).
//! * Frames are reference-counted 4 KiB blocks that never move (`frame.rs`);
//!   `fork` shares them copy-on-write, `MAP_SHARED` regions share them for good.
//! * Every access goes through a direct-mapped software TLB ([`tlb`]) whose hit
//!   path is a handful of instructions; misses take the cold `translate` path
//!   (`access.rs`).
//! * Faults are values ([`MemFault`]), never panics.
//!
//! See `docs/memory.md` for the design, its costs and the rejected alternatives.

mod access;
mod fault;
mod frame;
mod perms;
mod space;
pub mod tlb;
mod vma;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_model;

pub use fault::{FaultKind, MapError, MemFault};
pub use perms::{Access, Perms};
pub use space::{AddressSpace, SharedMem, DEFAULT_MMAP_TOP, MMAP_MIN, USER_TOP};
pub use tlb::Tlb;
pub use vma::Region;

/// Size of a guest page in bytes.
pub const PAGE_SIZE: usize = 4096;
/// log2 of [`PAGE_SIZE`].
pub const PAGE_SHIFT: u32 = 12;
/// Mask of the offset-in-page bits of an address.
pub const PAGE_MASK: u64 = PAGE_SIZE as u64 - 1;
