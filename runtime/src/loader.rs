//! Maps a validated [`ElfFile`] into an [`AddressSpace`]: every PT_LOAD
//! segment gets its own permissions, its file bytes, and zeroes up to
//! `p_memsz` (the bss, free since fresh anonymous pages read as zero).
//! ET_DYN programs are moved to [`layout::PIE_BASE`] (Linux's riscv64
//! `ELF_ET_DYN_BASE`, two thirds of the address space). The heap starts at
//! the first page past the highest segment, as Linux does without
//! randomisation.
//!
//! A dynamic loader (PT_INTERP) is placed by [`load_interp`] where Linux's
//! `load_elf_interp` puts it: like an `mmap` without an address hint of its
//! whole span, i.e. the highest free range below the mmap top
//! (`mmap_base`: the stack top minus the 128 MiB minimum gap), so later
//! `mmap`s of libraries go just below it.

use crate::elf::{ElfFile, PF_R, PF_W, PF_X};
use crate::layout::{self, page_down, page_up};
use nanovm::mem::{AddressSpace, Perms};

/// Where a program ended up in memory: what the initial stack's auxiliary
/// vector and the heap need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadedImage {
    /// Run-time entry point.
    pub entry: u64,
    /// Run-time address of the program headers (`AT_PHDR`).
    pub phdr: u64,
    /// Number of program headers (`AT_PHNUM`).
    pub phnum: u64,
    /// Load bias added to every link-time address (0 for ET_EXEC).
    pub bias: u64,
    /// Initial program break, page aligned.
    pub brk: u64,
    /// Whether the stack should be executable (PT_GNU_STACK with PF_X).
    pub exec_stack: bool,
}

/// Why a validated program still could not be placed in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MapFailed {
    /// The segment's run-time address.
    pub addr: u64,
}

/// Page permissions for ELF `p_flags`.
pub fn perms_of(flags: u32) -> Perms {
    let mut p = Perms::NONE;
    if flags & PF_R != 0 {
        p = p | Perms::R;
    }
    if flags & PF_W != 0 {
        p = p | Perms::W;
    }
    if flags & PF_X != 0 {
        p = p | Perms::X;
    }
    p
}

/// Loads `elf` (parsed from `bytes`) into `mem`.
pub fn load(mem: &mut AddressSpace, elf: &ElfFile, bytes: &[u8]) -> Result<LoadedImage, MapFailed> {
    let bias = if elf.is_pie() {
        page_down(layout::PIE_BASE.wrapping_sub(page_down(elf.min_vaddr())))
    } else {
        0
    };
    load_at(mem, elf, bytes, bias)
}

/// Loads the dynamic loader `elf` (parsed from `bytes`) into `mem`, which
/// already holds the program: an ET_DYN loader goes to the highest free
/// range below the mmap top that holds all its segments; an ET_EXEC one
/// (Linux accepts those too) at its own addresses. `bias` of the result is
/// the loader's base (`AT_BASE`).
pub fn load_interp(
    mem: &mut AddressSpace,
    elf: &ElfFile,
    bytes: &[u8],
) -> Result<LoadedImage, MapFailed> {
    let bias = if elf.is_pie() {
        let low = page_down(elf.min_vaddr());
        let fail = MapFailed { addr: low };
        let span = page_up(elf.max_vaddr()).ok_or(fail)? - low;
        let base = mem.find_free(0, span).ok_or(fail)?;
        base.wrapping_sub(low)
    } else {
        0
    };
    load_at(mem, elf, bytes, bias)
}

/// The file-backed pages of `elf`'s segments loaded with `bias`:
/// `(start, end, file offset)`, for `/proc/<pid>/maps` (a segment's bss
/// past its last file page is anonymous memory, as on Linux).
pub fn file_ranges(elf: &ElfFile, bias: u64) -> Vec<(u64, u64, u64)> {
    let mut v = Vec::new();
    for s in &elf.segments {
        if s.filesz == 0 {
            continue;
        }
        let start = s.vaddr.wrapping_add(bias);
        let Some(end) = start.checked_add(s.filesz).and_then(page_up) else {
            continue;
        };
        let first = page_down(start);
        v.push((first, end, page_down(s.offset)));
    }
    v
}

/// Loads `elf` with every link-time address moved by `bias`.
fn load_at(
    mem: &mut AddressSpace,
    elf: &ElfFile,
    bytes: &[u8],
    bias: u64,
) -> Result<LoadedImage, MapFailed> {
    // Pages shared by two segments get the union of their permissions.
    let mut prev: Option<(u64, Perms)> = None; // (last page of previous segment, its perms)
    for s in &elf.segments {
        let start = s.vaddr + bias;
        let fail = MapFailed { addr: start };
        let first = page_down(start);
        let end = page_up(start + s.memsz).ok_or(fail)?;
        let mut perms = perms_of(s.flags);
        match prev {
            Some((last, pperms)) if last == first => {
                // Keep the shared page (it holds the previous segment's tail).
                if end > first + layout::PAGE {
                    mem.map_fixed(first + layout::PAGE, end - first - layout::PAGE, perms)
                        .map_err(|_| fail)?;
                }
                mem.protect(first, layout::PAGE, pperms | perms)
                    .map_err(|_| fail)?;
                if end == first + layout::PAGE {
                    perms = pperms | perms;
                }
            }
            _ => mem.map_fixed(first, end - first, perms).map_err(|_| fail)?,
        }
        prev = Some((end - layout::PAGE, perms));
        let data = &bytes[s.offset as usize..(s.offset + s.filesz) as usize];
        mem.write_bytes_unchecked(start, data).map_err(|_| fail)?;
    }
    let brk = page_up(elf.max_vaddr() + bias).ok_or(MapFailed { addr: 0 })?;
    Ok(LoadedImage {
        entry: elf.entry.wrapping_add(bias),
        phdr: elf.phdr_addr().wrapping_add(bias),
        phnum: elf.phnum as u64,
        bias,
        brk,
        exec_stack: elf.exec_stack,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elf::{self, tests::tiny_elf};

    #[test]
    fn loads_static_exec() {
        let bytes = tiny_elf(&[0x73, 0, 0, 0]);
        let e = elf::parse(&bytes).unwrap();
        let mut mem = AddressSpace::new();
        let img = load(&mut mem, &e, &bytes).unwrap();
        assert_eq!(img.bias, 0);
        assert_eq!(img.entry, 0x10000 + 120);
        assert_eq!(img.brk, 0x11000);
        assert_eq!(mem.load_u32(img.entry).unwrap(), 0x73);
        assert_eq!(mem.fetch_u16(img.entry).unwrap(), 0x73);
        // Read-only and executable: stores fault.
        assert!(mem.store_u8(0x10000, 1).is_err());
        // Past the end of the segment but in the page: zero.
        assert_eq!(mem.load_u8(0x10fff).unwrap(), 0);
        assert!(mem.load_u8(0x11000).is_err());
    }

    #[test]
    fn segments_sharing_a_page_get_both_permissions() {
        // Two program headers: RX [0x10000, 0x10100) and RW [0x10100, 0x12100).
        let mut b = tiny_elf(&[]);
        b.truncate(elf::EHDR_SIZE + elf::PHDR_SIZE);
        b.extend_from_slice(&[0u8; elf::PHDR_SIZE]);
        b.resize(0x200, 0xaa);
        b[56..58].copy_from_slice(&2u16.to_le_bytes());
        elf::tests::set_phdr(
            &mut b,
            0,
            elf::PT_LOAD,
            PF_R | PF_X,
            0,
            0x10000,
            0x100,
            0x100,
        );
        elf::tests::set_phdr(
            &mut b,
            1,
            elf::PT_LOAD,
            PF_R | PF_W,
            0x100,
            0x10100,
            0x100,
            0x2000,
        );
        let e = elf::parse(&b).unwrap();
        let mut mem = AddressSpace::new();
        let img = load(&mut mem, &e, &b).unwrap();
        assert_eq!(img.brk, 0x13000);
        // The shared page holds both segments' bytes and allows RWX.
        assert_eq!(mem.load_u8(0x100ff).unwrap(), 0xaa);
        assert_eq!(mem.load_u8(0x10100).unwrap(), 0xaa);
        mem.store_u8(0x10200, 1).unwrap();
        assert!(mem.fetch_u16(0x10000).is_ok());
        // Past the shared page: RW only.
        mem.store_u8(0x11000, 1).unwrap();
        assert!(mem.fetch_u16(0x11000).is_err());
        assert_eq!(mem.load_u8(0x120ff).unwrap(), 0);
    }

    #[test]
    fn loads_pie_at_base_with_bss() {
        let mut bytes = tiny_elf(&[1, 2, 3, 4]);
        bytes[16] = elf::ET_DYN as u8;
        let len = bytes.len() as u64;
        elf::tests::set_phdr(&mut bytes, 0, elf::PT_LOAD, PF_R | PF_W, 0, 0, len, 0x3000);
        let e = elf::parse(&bytes).unwrap();
        let mut mem = AddressSpace::new();
        let img = load(&mut mem, &e, &bytes).unwrap();
        assert_eq!(img.bias, layout::PIE_BASE);
        assert_eq!(img.phdr, layout::PIE_BASE + 64);
        assert_eq!(img.brk, layout::PIE_BASE + 0x3000);
        assert_eq!(mem.load_u8(layout::PIE_BASE + len - 1).unwrap(), 4);
        assert_eq!(mem.load_u64(layout::PIE_BASE + 0x2ff8).unwrap(), 0);
        mem.store_u8(layout::PIE_BASE + 0x2000, 9).unwrap();
    }

    #[test]
    fn interpreter_goes_below_the_mmap_top() {
        let mut bytes = tiny_elf(&[0x73, 0, 0, 0]);
        bytes[16] = elf::ET_DYN as u8;
        let len = bytes.len() as u64;
        elf::tests::set_phdr(&mut bytes, 0, elf::PT_LOAD, PF_R | PF_X, 0, 0, len, 0x2800);
        let e = elf::parse(&bytes).unwrap();
        let mut mem = AddressSpace::new();
        mem.set_mmap_top(layout::MMAP_TOP);
        let img = load_interp(&mut mem, &e, &bytes).unwrap();
        assert_eq!(img.bias, layout::MMAP_TOP - 0x3000);
        assert_eq!(img.entry, img.bias + e.entry);
        assert_eq!(mem.load_u32(img.bias + 120).unwrap(), 0x73);
        // The next mmap goes below it.
        assert_eq!(mem.find_free(0, 0x1000), Some(img.bias - 0x1000));
    }
}
