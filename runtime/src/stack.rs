//! The initial process stack, laid out exactly as Linux's `create_elf_tables`
//! does it (without randomisation), from the top down:
//!
//! ```text
//! STACK_TOP      8 zero bytes
//!                exec file name (AT_EXECFN)      \
//!                envp strings, last first          } copied as by copy_strings
//!                argv strings, last first         /
//!                -- aligned down to 16 --
//!                "riscv64\0" (AT_PLATFORM)
//!                16 random bytes (AT_RANDOM)
//!                (padding so that sp is 16-byte aligned)
//!                auxv pairs ... AT_NULL
//!                NULL, envp pointers
//!                NULL, argv pointers
//! sp ->          argc
//! ```
//!
//! The random bytes are filled by the caller (they come from the host, which
//! is only available when the program first runs).

use crate::layout::PAGE;
use nanovm::mem::{AddressSpace, MemFault};

/// Auxiliary vector keys.
pub mod at {
    /// End of vector.
    pub const NULL: u64 = 0;
    /// Program headers address.
    pub const PHDR: u64 = 3;
    /// Size of one program header.
    pub const PHENT: u64 = 4;
    /// Number of program headers.
    pub const PHNUM: u64 = 5;
    /// Page size.
    pub const PAGESZ: u64 = 6;
    /// Interpreter base (0: none).
    pub const BASE: u64 = 7;
    /// Flags (0).
    pub const FLAGS: u64 = 8;
    /// Program entry.
    pub const ENTRY: u64 = 9;
    /// Real uid.
    pub const UID: u64 = 11;
    /// Effective uid.
    pub const EUID: u64 = 12;
    /// Real gid.
    pub const GID: u64 = 13;
    /// Effective gid.
    pub const EGID: u64 = 14;
    /// Platform string address.
    pub const PLATFORM: u64 = 15;
    /// ISA extension bits.
    pub const HWCAP: u64 = 16;
    /// Clock ticks per second.
    pub const CLKTCK: u64 = 17;
    /// Secure mode (setuid).
    pub const SECURE: u64 = 23;
    /// Address of 16 random bytes.
    pub const RANDOM: u64 = 25;
    /// Address of the executed file's name.
    pub const EXECFN: u64 = 31;
    /// Minimal signal stack size.
    pub const MINSIGSTKSZ: u64 = 51;
}

/// `AT_HWCAP` for RV64IMAFDC: one bit per letter (`'a' = bit 0`).
pub const HWCAP_IMAFDC: u64 = 0x112d;
/// `AT_PLATFORM` string.
pub const PLATFORM: &[u8] = b"riscv64";
/// `AT_MINSIGSTKSZ`: glibc's riscv `MINSIGSTKSZ`, enough for a signal frame
/// without the vector extension.
pub const MIN_SIG_STACK: u64 = 2048;
/// Most bytes of argument and environment strings plus pointers accepted
/// (Linux allows a quarter of the 8 MiB stack limit).
pub const ARG_MAX: u64 = 2 << 20;

/// What the auxiliary vector says about the program and its user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuxInfo {
    /// `AT_PHDR`.
    pub phdr: u64,
    /// `AT_PHNUM`.
    pub phnum: u64,
    /// `AT_ENTRY`: the program's entry (not the dynamic loader's).
    pub entry: u64,
    /// `AT_BASE`: where the dynamic loader was loaded (0: none).
    pub base: u64,
    /// `AT_UID`/`AT_EUID`.
    pub uid: u64,
    /// `AT_GID`/`AT_EGID`.
    pub gid: u64,
}

/// Result of building the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InitialStack {
    /// The initial stack pointer (points at argc).
    pub sp: u64,
    /// Where the 16 `AT_RANDOM` bytes go.
    pub random: u64,
}

/// Why the stack could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackError {
    /// Arguments and environment exceed [`ARG_MAX`].
    TooBig,
    /// Writing to the stack mapping failed (not mapped, out of memory).
    Fault(MemFault),
}

impl From<MemFault> for StackError {
    fn from(f: MemFault) -> Self {
        StackError::Fault(f)
    }
}

/// Writes the initial stack below `top` (already mapped writable) and
/// returns the stack pointer.
pub fn build(
    mem: &mut AddressSpace,
    top: u64,
    argv: &[Vec<u8>],
    envp: &[Vec<u8>],
    execfn: &[u8],
    aux: &AuxInfo,
) -> Result<InitialStack, StackError> {
    let strings: u64 = argv
        .iter()
        .chain(envp)
        .chain(core::iter::once(&execfn.to_vec()))
        .map(|s| s.len() as u64 + 1)
        .sum();
    let pointers = (argv.len() as u64 + envp.len() as u64 + 3) * 8;
    if strings + pointers > ARG_MAX {
        return Err(StackError::TooBig);
    }
    // Strings, copied downward from just below the top as copy_strings does.
    let mut p = top - 8;
    mem.write_bytes_unchecked(p, &[0u8; 8])?;
    let mut put_str = |mem: &mut AddressSpace, s: &[u8]| -> Result<u64, MemFault> {
        p -= s.len() as u64 + 1;
        mem.write_bytes_unchecked(p, s)?;
        mem.write_bytes_unchecked(p + s.len() as u64, &[0])?;
        Ok(p)
    };
    let execfn_addr = put_str(mem, execfn)?;
    let mut env_ptrs = vec![0u64; envp.len()];
    for (i, s) in envp.iter().enumerate().rev() {
        env_ptrs[i] = put_str(mem, s)?;
    }
    let mut arg_ptrs = vec![0u64; argv.len()];
    for (i, s) in argv.iter().enumerate().rev() {
        arg_ptrs[i] = put_str(mem, s)?;
    }
    let mut p = p & !15;
    p -= PLATFORM.len() as u64 + 1;
    let platform = p;
    mem.write_bytes_unchecked(platform, PLATFORM)?;
    mem.write_bytes_unchecked(platform + PLATFORM.len() as u64, &[0])?;
    p -= 16;
    let random = p;

    let auxv: [(u64, u64); 19] = [
        (at::MINSIGSTKSZ, MIN_SIG_STACK),
        (at::HWCAP, HWCAP_IMAFDC),
        (at::PAGESZ, PAGE),
        (at::CLKTCK, 100),
        (at::PHDR, aux.phdr),
        (at::PHENT, crate::elf::PHDR_SIZE as u64),
        (at::PHNUM, aux.phnum),
        (at::BASE, aux.base),
        (at::FLAGS, 0),
        (at::ENTRY, aux.entry),
        (at::UID, aux.uid),
        (at::EUID, aux.uid),
        (at::GID, aux.gid),
        (at::EGID, aux.gid),
        (at::SECURE, 0),
        (at::RANDOM, random),
        (at::EXECFN, execfn_addr),
        (at::PLATFORM, platform),
        (at::NULL, 0),
    ];
    let items = (argv.len() + 1 + envp.len() + 1 + 1) as u64;
    let sp = (p - auxv.len() as u64 * 16 - items * 8) & !15;

    let mut words: Vec<u64> = Vec::with_capacity(items as usize + auxv.len() * 2);
    words.push(argv.len() as u64);
    words.extend_from_slice(&arg_ptrs);
    words.push(0);
    words.extend_from_slice(&env_ptrs);
    words.push(0);
    for (k, v) in auxv {
        words.push(k);
        words.push(v);
    }
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    mem.write_bytes_unchecked(sp, &bytes)?;
    Ok(InitialStack { sp, random })
}

#[cfg(test)]
mod tests {
    use super::*;
    use nanovm::mem::Perms;

    fn word(mem: &mut AddressSpace, a: u64) -> u64 {
        mem.load_u64(a).unwrap()
    }

    #[test]
    fn layout_matches_linux() {
        let mut mem = AddressSpace::new();
        let top = 0x40_0000_0000u64;
        mem.map_fixed(top - 0x10000, 0x10000, Perms::RW).unwrap();
        let argv = vec![b"prog".to_vec(), b"a1".to_vec()];
        let envp = vec![b"K=V".to_vec()];
        let aux = AuxInfo {
            phdr: 0x10040,
            phnum: 7,
            entry: 0x10100,
            base: 0x3f_f000_0000,
            uid: 1000,
            gid: 1000,
        };
        let st = build(&mut mem, top, &argv, &envp, b"/bin/prog", &aux).unwrap();
        let sp = st.sp;
        assert_eq!(sp % 16, 0);
        assert_eq!(word(&mut mem, sp), 2);
        let a0 = word(&mut mem, sp + 8);
        let a1 = word(&mut mem, sp + 16);
        assert_eq!(mem.read_cstr(a0, 100).unwrap(), b"prog");
        assert_eq!(mem.read_cstr(a1, 100).unwrap(), b"a1");
        // Strings are contiguous: argv[0], argv[1], envp[0], execfn.
        assert_eq!(a1, a0 + 5);
        assert_eq!(word(&mut mem, sp + 24), 0);
        let e0 = word(&mut mem, sp + 32);
        assert_eq!(e0, a1 + 3);
        assert_eq!(mem.read_cstr(e0, 100).unwrap(), b"K=V");
        assert_eq!(word(&mut mem, sp + 40), 0);
        // The exec name ends 8 bytes below the top.
        assert_eq!(top - 8 - 10, e0 + 4);
        let mut auxv = std::collections::HashMap::new();
        let mut a = sp + 48;
        loop {
            let (k, v) = (word(&mut mem, a), word(&mut mem, a + 8));
            if k == at::NULL {
                break;
            }
            auxv.insert(k, v);
            a += 16;
        }
        assert_eq!(auxv[&at::PHDR], 0x10040);
        assert_eq!(auxv[&at::PHENT], 56);
        assert_eq!(auxv[&at::PHNUM], 7);
        assert_eq!(auxv[&at::ENTRY], 0x10100);
        assert_eq!(auxv[&at::BASE], 0x3f_f000_0000);
        assert_eq!(auxv[&at::PAGESZ], 4096);
        assert_eq!(auxv[&at::HWCAP], 0x112d);
        assert_eq!(auxv[&at::RANDOM], st.random);
        assert_eq!(mem.read_cstr(auxv[&at::EXECFN], 100).unwrap(), b"/bin/prog");
        assert_eq!(mem.read_cstr(auxv[&at::PLATFORM], 100).unwrap(), b"riscv64");
        assert!(a + 16 <= st.random);
        assert!(st.random + 16 <= auxv[&at::PLATFORM]);
    }

    #[test]
    fn too_many_arguments() {
        let mut mem = AddressSpace::new();
        let big = vec![vec![b'x'; 1 << 20]; 3];
        let aux = AuxInfo {
            phdr: 0,
            phnum: 0,
            entry: 0,
            base: 0,
            uid: 0,
            gid: 0,
        };
        assert_eq!(
            build(&mut mem, 0x1000_0000, &big, &[], b"p", &aux),
            Err(StackError::TooBig)
        );
    }
}
