//! ELF parsing and validation: turns the bytes of a program into an
//! [`ElfFile`] (type, entry, program headers, loadable segments, the
//! PT_INTERP path of a dynamically linked program) or one clear [`ElfError`]
//! saying what is wrong with it. The same parser validates the dynamic
//! loader itself. PT_TLS and PT_GNU_RELRO need nothing from the kernel (the
//! C library and the dynamic loader handle them), so they are skipped.
//!
//! Parsing is done by hand rather than with the `object` crate: a static
//! program needs only the 64-byte file header and the 56-byte program
//! headers, a few dozen lines of little-endian reads, and hand parsing lets
//! every check produce its own precise message (`object` would report most of
//! these as one generic parse error) without a dependency to keep building
//! for wasm32.

use core::fmt;

/// `e_machine` of RISC-V.
pub const EM_RISCV: u16 = 243;
/// `e_type` of a fixed-address executable.
pub const ET_EXEC: u16 = 2;
/// `e_type` of a position-independent executable (or shared object).
pub const ET_DYN: u16 = 3;
/// Loadable segment.
pub const PT_LOAD: u32 = 1;
/// Program interpreter (dynamic linking).
pub const PT_INTERP: u32 = 3;
/// The program header table itself.
pub const PT_PHDR: u32 = 6;
/// Stack executability.
pub const PT_GNU_STACK: u32 = 0x6474_e551;
/// Longest PT_INTERP path accepted (Linux's `PATH_MAX`, with its NUL).
pub const INTERP_MAX: u64 = 4096;
/// Size of an ELF64 file header.
pub const EHDR_SIZE: usize = 64;
/// Size of an ELF64 program header.
pub const PHDR_SIZE: usize = 56;
/// Addresses at or past this are absurd (the 47-bit user half of Sv48).
pub const ADDR_LIMIT: u64 = 1 << 47;
/// Lowest address a fixed segment may use (Linux's `mmap_min_addr`).
pub const MIN_ADDR: u64 = 0x1000;

/// Segment permission bits as in `p_flags`.
pub const PF_X: u32 = 1;
/// Writable segment.
pub const PF_W: u32 = 2;
/// Readable segment.
pub const PF_R: u32 = 4;

/// Why a file cannot be run. Each displays as one line without the file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ElfError {
    /// Zero-length file.
    Empty,
    /// Shorter than the ELF magic.
    TooShort,
    /// Does not start with `\x7fELF`.
    BadMagic,
    /// ELFCLASS32.
    Class32,
    /// An `EI_CLASS` that is neither 32 nor 64 bit.
    BadClass(u8),
    /// Big-endian or unknown data encoding.
    NotLittleEndian,
    /// Another architecture; holds its name.
    WrongMachine(String),
    /// Not ET_EXEC/ET_DYN; holds a description of the type.
    NotExecutable(&'static str),
    /// Headers or segment data past the end of the file.
    Truncated(String),
    /// Program headers of an unexpected size or count.
    BadHeaders(String),
    /// Two PT_LOAD segments share bytes.
    Overlap { first: u64, second: u64 },
    /// A segment with `p_filesz > p_memsz`.
    FileszExceedsMemsz { vaddr: u64 },
    /// A segment address or size that overflows or lies outside user space.
    AbsurdSegment { vaddr: u64, memsz: u64 },
    /// No PT_LOAD segment at all.
    NoLoadSegments,
    /// A PT_INTERP that is empty, too long or not NUL terminated.
    BadInterp,
}

impl fmt::Display for ElfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ElfError::Empty => write!(f, "not an ELF file (empty file)"),
            ElfError::TooShort => write!(f, "not an ELF file (too short)"),
            ElfError::BadMagic => write!(f, "not an ELF file (bad magic number)"),
            ElfError::Class32 => write!(
                f,
                "32-bit ELF file; only 64-bit RISC-V (riscv64) programs are supported"
            ),
            ElfError::BadClass(c) => write!(f, "invalid ELF class {c}"),
            ElfError::NotLittleEndian => {
                write!(f, "big-endian ELF file; riscv64 programs are little-endian")
            }
            ElfError::WrongMachine(m) => write!(
                f,
                "wrong architecture: {m} ELF file; only riscv64 programs are supported"
            ),
            ElfError::NotExecutable(t) => write!(f, "not an executable ({t})"),
            ElfError::Truncated(what) => write!(f, "truncated ELF file ({what})"),
            ElfError::BadHeaders(what) => write!(f, "invalid ELF program headers ({what})"),
            ElfError::Overlap { first, second } => write!(
                f,
                "overlapping PT_LOAD segments (at {first:#x} and {second:#x})"
            ),
            ElfError::FileszExceedsMemsz { vaddr } => write!(
                f,
                "invalid PT_LOAD segment at {vaddr:#x} (file size larger than memory size)"
            ),
            ElfError::AbsurdSegment { vaddr, memsz } => write!(
                f,
                "PT_LOAD segment out of the address space (address {vaddr:#x}, size {memsz:#x})"
            ),
            ElfError::NoLoadSegments => write!(f, "no loadable segments"),
            ElfError::BadInterp => write!(f, "invalid PT_INTERP (interpreter path)"),
        }
    }
}

/// One PT_LOAD segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// Link-time virtual address (add the load bias for ET_DYN).
    pub vaddr: u64,
    /// Bytes of memory the segment occupies.
    pub memsz: u64,
    /// Bytes taken from the file (the rest up to `memsz` is zero, the bss).
    pub filesz: u64,
    /// File offset of the segment data.
    pub offset: u64,
    /// `p_flags` (`PF_R | PF_W | PF_X`).
    pub flags: u32,
}

/// A validated ELF64 RISC-V executable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfFile {
    /// `ET_EXEC` or `ET_DYN`.
    pub e_type: u16,
    /// Link-time entry point.
    pub entry: u64,
    /// File offset of the program headers.
    pub phoff: u64,
    /// Number of program headers.
    pub phnum: u16,
    /// Link-time address of the program headers if PT_PHDR gives it.
    pub phdr_vaddr: Option<u64>,
    /// PT_LOAD segments sorted by address.
    pub segments: Vec<Segment>,
    /// PT_GNU_STACK asked for an executable stack.
    pub exec_stack: bool,
    /// PT_INTERP: the dynamic loader's path (without the NUL).
    pub interp: Option<Vec<u8>>,
}

impl ElfFile {
    /// Whether the program is position independent (loaded at a base).
    pub fn is_pie(&self) -> bool {
        self.e_type == ET_DYN
    }

    /// Lowest segment address.
    pub fn min_vaddr(&self) -> u64 {
        self.segments.first().map_or(0, |s| s.vaddr)
    }

    /// One past the highest segment byte.
    pub fn max_vaddr(&self) -> u64 {
        self.segments
            .iter()
            .map(|s| s.vaddr + s.memsz)
            .max()
            .unwrap_or(0)
    }

    /// Link-time address of the program headers in memory: PT_PHDR if
    /// present, else the PT_LOAD whose file bytes contain them.
    pub fn phdr_addr(&self) -> u64 {
        if let Some(a) = self.phdr_vaddr {
            return a;
        }
        for s in &self.segments {
            if self.phoff >= s.offset && self.phoff < s.offset + s.filesz {
                return s.vaddr + (self.phoff - s.offset);
            }
        }
        // Older kernels' rule: relative to the first segment's file mapping.
        self.segments.first().map_or(0, |s| {
            s.vaddr.wrapping_sub(s.offset).wrapping_add(self.phoff)
        })
    }
}

fn u16_at(b: &[u8], off: usize) -> u16 {
    u16::from_le_bytes([b[off], b[off + 1]])
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}

fn u64_at(b: &[u8], off: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[off..off + 8]);
    u64::from_le_bytes(a)
}

/// Human name of an `e_machine` value.
pub fn machine_name(m: u16) -> String {
    match m {
        2 => "SPARC".into(),
        3 => "x86 (i386)".into(),
        8 => "MIPS".into(),
        20 => "PowerPC".into(),
        21 => "PowerPC64".into(),
        22 => "IBM S/390".into(),
        40 => "ARM".into(),
        43 => "SPARC V9".into(),
        50 => "IA-64".into(),
        62 => "x86-64".into(),
        183 => "AArch64".into(),
        247 => "BPF".into(),
        258 => "LoongArch".into(),
        _ => format!("machine {m}"),
    }
}

fn type_name(t: u16) -> &'static str {
    match t {
        0 => "ELF type NONE",
        1 => "relocatable object file",
        4 => "core dump",
        _ => "unknown ELF type",
    }
}

/// Parses and validates `bytes` as a riscv64 executable (or shared object:
/// a dynamic loader).
pub fn parse(bytes: &[u8]) -> Result<ElfFile, ElfError> {
    if bytes.is_empty() {
        return Err(ElfError::Empty);
    }
    if bytes.len() < 4 {
        return Err(ElfError::TooShort);
    }
    if &bytes[..4] != b"\x7fELF" {
        return Err(ElfError::BadMagic);
    }
    if bytes.len() < 6 {
        return Err(ElfError::Truncated("file header".into()));
    }
    match bytes[4] {
        2 => {}
        1 => return Err(ElfError::Class32),
        c => return Err(ElfError::BadClass(c)),
    }
    if bytes[5] != 1 {
        return Err(ElfError::NotLittleEndian);
    }
    if bytes.len() < EHDR_SIZE {
        return Err(ElfError::Truncated("file header".into()));
    }
    let e_type = u16_at(bytes, 16);
    let machine = u16_at(bytes, 18);
    if machine != EM_RISCV {
        return Err(ElfError::WrongMachine(machine_name(machine)));
    }
    if e_type != ET_EXEC && e_type != ET_DYN {
        return Err(ElfError::NotExecutable(type_name(e_type)));
    }
    let entry = u64_at(bytes, 24);
    let phoff = u64_at(bytes, 32);
    let phentsize = u16_at(bytes, 54) as usize;
    let phnum = u16_at(bytes, 56);
    if phnum == 0 {
        return Err(ElfError::NoLoadSegments);
    }
    if phentsize != PHDR_SIZE {
        return Err(ElfError::BadHeaders(format!(
            "entry size {phentsize}, expected {PHDR_SIZE}"
        )));
    }
    if phnum == 0xffff {
        return Err(ElfError::BadHeaders("extended numbering".into()));
    }
    let table_len = phnum as u64 * PHDR_SIZE as u64;
    let table_end = phoff.checked_add(table_len);
    if table_end.is_none_or(|end| end > bytes.len() as u64) {
        return Err(ElfError::Truncated(
            "program headers past end of file".into(),
        ));
    }
    let file_len = bytes.len() as u64;
    let mut segments = Vec::new();
    let mut interp = None;
    let mut phdr_vaddr = None;
    let mut exec_stack = false;
    for i in 0..phnum as usize {
        let h = &bytes[phoff as usize + i * PHDR_SIZE..][..PHDR_SIZE];
        let p_type = u32_at(h, 0);
        let flags = u32_at(h, 4);
        let offset = u64_at(h, 8);
        let vaddr = u64_at(h, 16);
        let filesz = u64_at(h, 32);
        let memsz = u64_at(h, 40);
        let file_end = offset.checked_add(filesz);
        match p_type {
            PT_LOAD => {
                if file_end.is_none_or(|end| end > file_len) {
                    return Err(ElfError::Truncated(format!(
                        "segment at {vaddr:#x} past end of file"
                    )));
                }
                if filesz > memsz {
                    return Err(ElfError::FileszExceedsMemsz { vaddr });
                }
                let end = vaddr.checked_add(memsz);
                let low_ok = e_type == ET_DYN || vaddr >= MIN_ADDR;
                if end.is_none_or(|e| e > ADDR_LIMIT) || !low_ok {
                    return Err(ElfError::AbsurdSegment { vaddr, memsz });
                }
                if memsz > 0 {
                    segments.push(Segment {
                        vaddr,
                        memsz,
                        filesz,
                        offset,
                        flags,
                    });
                }
            }
            PT_INTERP => {
                let Some(end) = file_end.filter(|&e| e <= file_len) else {
                    return Err(ElfError::Truncated(
                        "interpreter name past end of file".into(),
                    ));
                };
                // As Linux: 2..=PATH_MAX bytes, NUL terminated.
                if !(2..=INTERP_MAX).contains(&filesz) || bytes[end as usize - 1] != 0 {
                    return Err(ElfError::BadInterp);
                }
                if interp.is_none() {
                    let raw = &bytes[offset as usize..end as usize - 1];
                    let name = raw.split(|&b| b == 0).next().unwrap_or(&[]);
                    interp = Some(name.to_vec());
                }
            }
            PT_PHDR => phdr_vaddr = Some(vaddr),
            PT_GNU_STACK => exec_stack = flags & PF_X != 0,
            _ => {}
        }
    }
    if segments.is_empty() {
        return Err(ElfError::NoLoadSegments);
    }
    segments.sort_by_key(|s| s.vaddr);
    for w in segments.windows(2) {
        if w[0].vaddr + w[0].memsz > w[1].vaddr {
            return Err(ElfError::Overlap {
                first: w[0].vaddr,
                second: w[1].vaddr,
            });
        }
    }
    Ok(ElfFile {
        e_type,
        entry,
        phoff,
        phnum,
        phdr_vaddr,
        segments,
        exec_stack,
        interp,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal valid static executable: one RX segment holding the headers
    /// and `code`, entry at the code.
    pub(crate) fn tiny_elf(code: &[u8]) -> Vec<u8> {
        let mut b = vec![0u8; EHDR_SIZE + PHDR_SIZE];
        b[..4].copy_from_slice(b"\x7fELF");
        b[4] = 2;
        b[5] = 1;
        b[6] = 1;
        b[16..18].copy_from_slice(&ET_EXEC.to_le_bytes());
        b[18..20].copy_from_slice(&EM_RISCV.to_le_bytes());
        b[20..24].copy_from_slice(&1u32.to_le_bytes());
        let base = 0x10000u64;
        let entry = base + (EHDR_SIZE + PHDR_SIZE) as u64;
        b[24..32].copy_from_slice(&entry.to_le_bytes());
        b[32..40].copy_from_slice(&(EHDR_SIZE as u64).to_le_bytes());
        b[52..54].copy_from_slice(&(EHDR_SIZE as u16).to_le_bytes());
        b[54..56].copy_from_slice(&(PHDR_SIZE as u16).to_le_bytes());
        b[56..58].copy_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(code);
        let len = b.len() as u64;
        set_phdr(&mut b, 0, PT_LOAD, PF_R | PF_X, 0, base, len, len);
        b
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn set_phdr(
        b: &mut [u8],
        i: usize,
        ty: u32,
        flags: u32,
        off: u64,
        vaddr: u64,
        filesz: u64,
        memsz: u64,
    ) {
        let h = &mut b[EHDR_SIZE + i * PHDR_SIZE..][..PHDR_SIZE];
        h[0..4].copy_from_slice(&ty.to_le_bytes());
        h[4..8].copy_from_slice(&flags.to_le_bytes());
        h[8..16].copy_from_slice(&off.to_le_bytes());
        h[16..24].copy_from_slice(&vaddr.to_le_bytes());
        h[24..32].copy_from_slice(&vaddr.to_le_bytes());
        h[32..40].copy_from_slice(&filesz.to_le_bytes());
        h[40..48].copy_from_slice(&memsz.to_le_bytes());
        h[48..56].copy_from_slice(&0x1000u64.to_le_bytes());
    }

    /// `tiny_elf` with a second program header slot (phnum = 2).
    fn two_phdrs() -> Vec<u8> {
        let mut b = tiny_elf(&[]);
        b.truncate(EHDR_SIZE + PHDR_SIZE);
        b.extend_from_slice(&[0u8; PHDR_SIZE]);
        b.extend_from_slice(&[0u8; 64]);
        b[56..58].copy_from_slice(&2u16.to_le_bytes());
        let len = b.len() as u64;
        set_phdr(&mut b, 0, PT_LOAD, PF_R | PF_X, 0, 0x10000, len, len);
        b
    }

    #[test]
    fn accepts_tiny() {
        let e = parse(&tiny_elf(&[0x73, 0, 0, 0])).unwrap();
        assert_eq!(e.entry, 0x10000 + 120);
        assert_eq!(e.segments.len(), 1);
        assert_eq!(e.phdr_addr(), 0x10040);
        assert!(!e.is_pie());
    }

    #[test]
    fn rejects_non_elf() {
        assert_eq!(parse(b""), Err(ElfError::Empty));
        assert_eq!(parse(b"\x7fE"), Err(ElfError::TooShort));
        assert_eq!(parse(b"#!/bin/sh\necho hi\n"), Err(ElfError::BadMagic));
        let mut b = tiny_elf(&[]);
        b.truncate(40);
        assert!(matches!(parse(&b), Err(ElfError::Truncated(_))));
    }

    #[test]
    fn rejects_class_machine_type() {
        let mut b = tiny_elf(&[]);
        b[4] = 1;
        assert_eq!(parse(&b), Err(ElfError::Class32));
        let mut b = tiny_elf(&[]);
        b[18..20].copy_from_slice(&62u16.to_le_bytes());
        let err = parse(&b).unwrap_err();
        assert_eq!(err, ElfError::WrongMachine("x86-64".into()));
        assert!(err.to_string().contains("x86-64"));
        let mut b = tiny_elf(&[]);
        b[16] = 1;
        assert_eq!(
            parse(&b),
            Err(ElfError::NotExecutable("relocatable object file"))
        );
        let mut b = tiny_elf(&[]);
        b[5] = 2;
        assert_eq!(parse(&b), Err(ElfError::NotLittleEndian));
    }

    #[test]
    fn rejects_truncated_segments() {
        let mut b = tiny_elf(&[1, 2, 3, 4]);
        let len = b.len() as u64;
        set_phdr(&mut b, 0, PT_LOAD, PF_R, 0, 0x10000, len + 1, len + 1);
        assert!(matches!(parse(&b), Err(ElfError::Truncated(_))));
        let mut b = tiny_elf(&[]);
        b[56..58].copy_from_slice(&50u16.to_le_bytes());
        assert!(matches!(parse(&b), Err(ElfError::Truncated(_))));
        let mut b = tiny_elf(&[]);
        set_phdr(&mut b, 0, PT_LOAD, PF_R, u64::MAX, 0x10000, 2, 2);
        assert!(matches!(parse(&b), Err(ElfError::Truncated(_))));
    }

    #[test]
    fn rejects_bad_sizes_and_addresses() {
        let mut b = tiny_elf(&[]);
        set_phdr(&mut b, 0, PT_LOAD, PF_R, 0, 0x10000, 0x40, 0x20);
        assert_eq!(
            parse(&b),
            Err(ElfError::FileszExceedsMemsz { vaddr: 0x10000 })
        );
        let mut b = tiny_elf(&[]);
        set_phdr(&mut b, 0, PT_LOAD, PF_R, 0, u64::MAX - 10, 0x40, 0x40);
        assert!(matches!(parse(&b), Err(ElfError::AbsurdSegment { .. })));
        let mut b = tiny_elf(&[]);
        set_phdr(&mut b, 0, PT_LOAD, PF_R, 0, 1 << 47, 0x40, 0x40);
        assert!(matches!(parse(&b), Err(ElfError::AbsurdSegment { .. })));
        let mut b = tiny_elf(&[]);
        set_phdr(&mut b, 0, PT_LOAD, PF_R, 0, 0x10000, 0x40, 1 << 50);
        assert!(matches!(parse(&b), Err(ElfError::AbsurdSegment { .. })));
    }

    #[test]
    fn rejects_overlap_and_interp() {
        let mut b = two_phdrs();
        set_phdr(&mut b, 1, PT_LOAD, PF_R | PF_W, 0, 0x10040, 0x10, 0x1000);
        assert_eq!(
            parse(&b),
            Err(ElfError::Overlap {
                first: 0x10000,
                second: 0x10040
            })
        );
        let mut b = two_phdrs();
        let off = (EHDR_SIZE + 2 * PHDR_SIZE) as u64;
        let name = b"/lib/ld-linux-riscv64-lp64d.so.1\0";
        b[off as usize..off as usize + name.len()].copy_from_slice(name);
        set_phdr(&mut b, 1, PT_INTERP, PF_R, off, 0, name.len() as u64, 0);
        let e = parse(&b).unwrap();
        assert_eq!(
            e.interp.as_deref(),
            Some(&b"/lib/ld-linux-riscv64-lp64d.so.1"[..])
        );
        // Not NUL terminated, or empty: invalid.
        set_phdr(&mut b, 1, PT_INTERP, PF_R, off, 0, name.len() as u64 - 1, 0);
        assert_eq!(parse(&b), Err(ElfError::BadInterp));
        set_phdr(&mut b, 1, PT_INTERP, PF_R, off, 0, 0, 0);
        assert_eq!(parse(&b), Err(ElfError::BadInterp));
    }

    #[test]
    fn adjacent_segments_sharing_a_page_are_fine() {
        let mut b = two_phdrs();
        set_phdr(&mut b, 1, PT_LOAD, PF_R | PF_W, 0, 0x10000 + 0xf0, 0, 0x100);
        let e = parse(&b).unwrap();
        assert_eq!(e.segments.len(), 2);
        assert_eq!(e.max_vaddr(), 0x101f0);
    }
}

#[cfg(test)]
mod robustness {
    use super::tests::tiny_elf;
    use super::*;

    /// Random corruptions of the headers never panic the parser or the
    /// loader; whatever parses also loads or fails cleanly.
    #[test]
    fn corrupted_headers_never_panic() {
        let base = tiny_elf(&[0x73, 0, 0, 0, 0, 0, 0, 0]);
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let specials = [0u64, 1, 0x38, 0x40, 0xffff, 1 << 47, u64::MAX];
        for _ in 0..3000 {
            let mut b = base.clone();
            for _ in 0..1 + next() % 4 {
                let off = (next() % (EHDR_SIZE + PHDR_SIZE) as u64) as usize;
                if next() % 3 == 0 && off + 8 <= b.len() {
                    let v = specials[(next() % specials.len() as u64) as usize];
                    b[off..off + 8].copy_from_slice(&v.to_le_bytes());
                } else {
                    b[off] = next() as u8;
                }
            }
            let cut = if next() % 4 == 0 {
                (next() % b.len() as u64) as usize
            } else {
                b.len()
            };
            if let Ok(e) = parse(&b[..cut]) {
                let mut mem = nanovm::mem::AddressSpace::new();
                let _ = crate::loader::load(&mut mem, &e, &b[..cut]);
            }
        }
    }
}
