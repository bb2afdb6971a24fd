//! The software TLB: a direct-mapped cache from guest page number to host
//! address, in front of the page table.
//!
//! A hit costs two shifts, a mask, one compare of the tag and an add:
//!
//! ```text
//! e   = &tlb.read[(addr >> 12) & TLB_MASK]   // or .write / .exec
//! if e.tag == (addr + size - 1) >> 12 {      // the page of the last byte
//!     host = addr + e.addend                 // wrapping; truncated to usize
//! }
//! ```
//!
//! Comparing the tag with the last byte's page checks that the entry is the
//! right page and that the access does not cross into the next one with a
//! single compare (QEMU's softmmu does the same); crossing accesses take the
//! slow path.
//!
//! There are three arrays so one tag compare also checks the permission: an
//! entry in `read` means "readable", in `write` "writable without further
//! work", in `exec` "executable". Writes to copy-on-write frames and to pages
//! marked as code never get a `write` entry, so they always reach the slow path.
//!
//! # Layout (for compiled code)
//! `Tlb` is `#[repr(C)]` and boxed inside the `AddressSpace`, so its address
//! is stable for the life of the space (`AddressSpace::tlb`). It is three
//! consecutive arrays of [`TLB_ENTRIES`] entries of 16 bytes; the byte offsets
//! are in [`offsets`]. An entry is `{ tag: u64, addend: u64 }`; `tag ==
//! INVALID_TAG` (all ones, never a real page number) marks an empty slot. The
//! host address is `(guest_addr + addend) mod 2^64`, truncated to the host
//! pointer width (on wasm32 the low 32 bits: the linear-memory offset).
//!
//! Rejected: a single array with permission bits in the entry (one more load
//! and test per access) and a set-associative TLB (a second compare on every
//! hit; a 1024-entry direct-mapped table already covers 4 MiB per kind).

/// log2 of the number of entries per array.
pub const TLB_BITS: u32 = 10;
/// Entries per array (read, write, exec).
pub const TLB_ENTRIES: usize = 1 << TLB_BITS;
/// Mask applied to the page number to select an entry.
pub const TLB_MASK: u64 = TLB_ENTRIES as u64 - 1;
/// Tag of an empty entry (no guest page number has all bits set).
pub const INVALID_TAG: u64 = u64::MAX;

/// Byte offsets inside [`Tlb`] and [`TlbEntry`].
pub mod offsets {
    use super::TLB_ENTRIES;
    /// Size of one entry.
    pub const ENTRY_SIZE: u32 = 16;
    /// Offset of `tag` inside an entry.
    pub const TAG: u32 = 0;
    /// Offset of `addend` inside an entry.
    pub const ADDEND: u32 = 8;
    /// Offset of the `read` array.
    pub const READ: u32 = 0;
    /// Offset of the `write` array.
    pub const WRITE: u32 = ENTRY_SIZE * TLB_ENTRIES as u32;
    /// Offset of the `exec` array.
    pub const EXEC: u32 = 2 * ENTRY_SIZE * TLB_ENTRIES as u32;
    /// Size of the whole struct.
    pub const SIZE: u32 = 3 * ENTRY_SIZE * TLB_ENTRIES as u32;
}

/// One TLB slot.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TlbEntry {
    /// Guest page number (`addr >> 12`) or [`INVALID_TAG`].
    pub tag: u64,
    /// Host address of the page minus the guest address of the page (wrapping).
    pub addend: u64,
}

impl TlbEntry {
    /// An empty slot.
    pub const EMPTY: TlbEntry = TlbEntry {
        tag: INVALID_TAG,
        addend: 0,
    };
}

/// The software TLB of one address space.
#[repr(C)]
pub struct Tlb {
    /// Pages that may be read.
    pub read: [TlbEntry; TLB_ENTRIES],
    /// Pages that may be written directly (private and unshared, or a shared
    /// mapping; never copy-on-write or code pages).
    pub write: [TlbEntry; TLB_ENTRIES],
    /// Pages that may be executed.
    pub exec: [TlbEntry; TLB_ENTRIES],
}

impl Tlb {
    /// A boxed, empty TLB.
    pub fn new_boxed() -> Box<Tlb> {
        Box::new(Tlb {
            read: [TlbEntry::EMPTY; TLB_ENTRIES],
            write: [TlbEntry::EMPTY; TLB_ENTRIES],
            exec: [TlbEntry::EMPTY; TLB_ENTRIES],
        })
    }

    /// Slot index of page `vpn`.
    #[inline(always)]
    pub fn index(vpn: u64) -> usize {
        (vpn & TLB_MASK) as usize
    }

    /// Empties every slot.
    pub fn flush_all(&mut self) {
        self.read.fill(TlbEntry::EMPTY);
        self.write.fill(TlbEntry::EMPTY);
        self.exec.fill(TlbEntry::EMPTY);
    }

    /// Empties the write slots only (after `fork`: the frames stay valid for
    /// reading but became copy-on-write).
    pub fn flush_writes(&mut self) {
        self.write.fill(TlbEntry::EMPTY);
    }

    /// Drops any entry of page `vpn`.
    #[inline]
    pub fn flush_page(&mut self, vpn: u64) {
        let i = Self::index(vpn);
        for arr in [&mut self.read, &mut self.write, &mut self.exec] {
            if arr[i].tag == vpn {
                arr[i] = TlbEntry::EMPTY;
            }
        }
    }

    /// Drops the write entry of page `vpn`, if any.
    #[inline]
    pub fn flush_page_write(&mut self, vpn: u64) {
        let i = Self::index(vpn);
        if self.write[i].tag == vpn {
            self.write[i] = TlbEntry::EMPTY;
        }
    }

    /// Drops every entry for pages in `[start_vpn, end_vpn)`.
    pub fn flush_range(&mut self, start_vpn: u64, end_vpn: u64) {
        if end_vpn.saturating_sub(start_vpn) >= TLB_ENTRIES as u64 {
            self.flush_all();
        } else {
            for vpn in start_vpn..end_vpn {
                self.flush_page(vpn);
            }
        }
    }

    /// Installs page `vpn` at host address `host` in the chosen arrays (and
    /// removes it from the others, so a permission can only shrink here).
    #[inline]
    pub fn fill(&mut self, vpn: u64, host: *mut u8, read: bool, write: bool, exec: bool) {
        let i = Self::index(vpn);
        let e = TlbEntry {
            tag: vpn,
            addend: (host as usize as u64).wrapping_sub(vpn << super::PAGE_SHIFT),
        };
        for (arr, ok) in [
            (&mut self.read, read),
            (&mut self.write, write),
            (&mut self.exec, exec),
        ] {
            if ok {
                arr[i] = e;
            } else if arr[i].tag == vpn {
                arr[i] = TlbEntry::EMPTY;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};

    #[test]
    fn layout_matches_offsets() {
        assert_eq!(size_of::<TlbEntry>() as u32, offsets::ENTRY_SIZE);
        assert_eq!(offset_of!(TlbEntry, tag) as u32, offsets::TAG);
        assert_eq!(offset_of!(TlbEntry, addend) as u32, offsets::ADDEND);
        assert_eq!(offset_of!(Tlb, read) as u32, offsets::READ);
        assert_eq!(offset_of!(Tlb, write) as u32, offsets::WRITE);
        assert_eq!(offset_of!(Tlb, exec) as u32, offsets::EXEC);
        assert_eq!(size_of::<Tlb>() as u32, offsets::SIZE);
    }

    #[test]
    fn fill_and_flush() {
        let mut t = Tlb::new_boxed();
        let mut page = [0u8; 16];
        t.fill(5, page.as_mut_ptr(), true, false, true);
        assert_eq!(t.read[5].tag, 5);
        assert_eq!(t.write[5].tag, INVALID_TAG);
        assert_eq!(t.exec[5].tag, 5);
        // The addend maps the page's guest address to the host buffer.
        let host = (5u64 << 12).wrapping_add(t.read[5].addend) as usize;
        assert_eq!(host, page.as_mut_ptr() as usize);
        // Flushing another page that shares the slot leaves the entry alone.
        t.flush_page(5 + TLB_ENTRIES as u64);
        assert_eq!(t.read[5].tag, 5);
        t.flush_range(4, 6);
        assert_eq!(t.read[5].tag, INVALID_TAG);
        assert_eq!(t.exec[5].tag, INVALID_TAG);
    }
}
