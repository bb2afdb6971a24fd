//! The guest address-space layout: where the program, its heap, the mmap
//! area and the stack go.
//!
//! We reproduce what Linux does on a riscv64 machine with Sv39 paging (the
//! common case on real hardware) when address randomisation is off
//! (`setarch -R`, or `personality(ADDR_NO_RANDOMIZE)`):
//!
//! | what | where |
//! |---|---|
//! | user space end (`TASK_SIZE`) | `0x40_0000_0000` (256 GiB) |
//! | stack | 8 MiB (`RLIMIT_STACK`) right below `STACK_TOP = TASK_SIZE` |
//! | mmap area | top-down from `MMAP_TOP = STACK_TOP - 128 MiB` (Linux's minimum stack gap) |
//! | PIE base (`ELF_ET_DYN_BASE`) | `0x2a_aaaa_a000` = two thirds of `TASK_SIZE`, page aligned |
//! | heap (`brk`) | starts at the first page after the program's highest segment |
//!
//! Fixed mappings and hints may still use addresses up to
//! [`crate::elf::ADDR_LIMIT`] (2^47, as on Sv48 hardware): the guest memory is
//! sparse, so the wider space costs nothing.

/// End of the default user address space (Sv39 `TASK_SIZE`).
pub const TASK_SIZE: u64 = 0x40_0000_0000;
/// One past the highest stack byte.
pub const STACK_TOP: u64 = TASK_SIZE;
/// Size of the stack mapping (the default `RLIMIT_STACK`).
pub const STACK_SIZE: u64 = 8 << 20;
/// Lowest stack address.
pub const STACK_BOTTOM: u64 = STACK_TOP - STACK_SIZE;
/// Gap Linux keeps between the stack top and the mmap area.
pub const STACK_GAP: u64 = 128 << 20;
/// Top of the top-down mmap area.
pub const MMAP_TOP: u64 = STACK_TOP - STACK_GAP;
/// Base at which position-independent executables are loaded.
pub const PIE_BASE: u64 = (TASK_SIZE / 3 * 2) & !(PAGE - 1);
/// Lowest address `mmap` hands out or accepts with `MAP_FIXED` (`mmap_min_addr`).
pub const MMAP_MIN_ADDR: u64 = 0x1000;
/// Highest address (exclusive) a mapping may reach.
pub const USER_LIMIT: u64 = crate::elf::ADDR_LIMIT;
/// The guest page size.
pub const PAGE: u64 = nanovm::mem::PAGE_SIZE as u64;

/// Rounds up to a page boundary; `None` on overflow.
pub fn page_up(x: u64) -> Option<u64> {
    Some(x.checked_add(PAGE - 1)? & !(PAGE - 1))
}

/// Rounds down to a page boundary.
pub fn page_down(x: u64) -> u64 {
    x & !(PAGE - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_consistent() {
        assert_eq!(PIE_BASE, 0x2a_aaaa_a000);
        assert_eq!(MMAP_TOP, 0x3f_f800_0000);
        const { assert!(PIE_BASE < MMAP_TOP && MMAP_TOP < STACK_BOTTOM) };
        assert_eq!(page_up(1), Some(PAGE));
        assert_eq!(page_up(u64::MAX), None);
        assert_eq!(page_down(0x1fff), 0x1000);
    }
}
