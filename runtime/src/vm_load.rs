//! Loading a program image: the ELF file, its PT_INTERP loader, the stack
//! with arguments, environment and auxiliary vector ([`load_image`], shared
//! by the first load and `execve`), and the one-line errors a shell would
//! print for a program that cannot be run ([`LoadError`]).

use crate::elf::{self, ElfError};
use crate::layout;
use crate::loader;
use crate::stack::{self, AuxInfo, StackError};
use core::fmt;
use nanovm::mem::{AddressSpace, Perms};

/// Why a program could not be loaded. Displays as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The file is not a runnable riscv64 ELF executable.
    Elf(ElfError),
    /// A segment could not be placed in guest memory.
    Map {
        /// Address of the segment.
        addr: u64,
    },
    /// Arguments and environment are too large for the stack.
    ArgsTooLong,
    /// The initial stack could not be written (memory limit too small).
    OutOfMemory,
    /// The file system described by [`Options::fs`] could not be built
    /// (a bad `--root`/`--mount`/`--cwd`); a usage error, exit status 2.
    FileSystem(String),
    /// The dynamic loader named by PT_INTERP cannot be used.
    Interp {
        /// Its path.
        path: String,
        /// What `execve` fails with: the open's error (ENOENT when
        /// missing), or ELIBBAD for a file that is not a riscv64 ELF.
        errno: crate::Errno,
        /// Why it is not usable, for a file that is there.
        detail: Option<String>,
    },
}

/// `ELIBBAD`: "Accessing a corrupted shared library" (a bad interpreter).
pub const ELIBBAD: crate::Errno = crate::Errno(80);

impl LoadError {
    /// The shell-style exit status for this failure: 127 when something
    /// needed is missing (the dynamic loader), 126 when the file is there but
    /// cannot be run. (A missing program file is 127 too; the caller that
    /// reads files decides that.)
    pub fn exit_code(&self) -> i32 {
        match self {
            LoadError::Interp { errno, .. } if *errno == crate::Errno::ENOENT => 127,
            LoadError::FileSystem(_) => 2,
            _ => 126,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Elf(e) => e.fmt(f),
            LoadError::Map { addr } => write!(
                f,
                "cannot map the segment at {addr:#x} (not enough guest memory?)"
            ),
            LoadError::ArgsTooLong => write!(f, "argument list too long"),
            LoadError::OutOfMemory => {
                write!(f, "not enough guest memory to set up the program")
            }
            LoadError::FileSystem(m) => f.write_str(m),
            // As bash words a missing interpreter.
            LoadError::Interp { path, errno, .. } if *errno == crate::Errno::ENOENT => write!(
                f,
                "cannot execute: required file not found (no interpreter {path})"
            ),
            LoadError::Interp {
                path,
                detail: Some(d),
                ..
            } => write!(f, "bad ELF interpreter {path}: {d}"),
            LoadError::Interp { path, errno, .. } => {
                write!(f, "cannot execute: interpreter {path}: {}", errno.message())
            }
        }
    }
}

impl From<ElfError> for LoadError {
    fn from(e: ElfError) -> Self {
        LoadError::Elf(e)
    }
}

/// Where a freshly loaded image starts.
pub struct Image {
    /// Where execution starts: the program's entry, or the dynamic
    /// loader's.
    pub entry: u64,
    /// Initial stack pointer.
    pub sp: u64,
    /// Initial program break.
    pub brk: u64,
    /// Address of the 16 `AT_RANDOM` bytes (to fill from the host).
    pub random: u64,
    /// The file-backed ranges of the program and its loader (for `maps`).
    pub elf_maps: crate::procview::ElfMaps,
}

/// Reads a file to execute by its guest path (`FsCtx::open_exec`).
pub type OpenExec<'a> = dyn FnMut(&[u8]) -> Result<Vec<u8>, crate::Errno> + 'a;

/// Loads ELF `bytes` into the empty space `mem` with its stack, arguments
/// and environment (shared by the first load and `execve`).
///
/// A dynamically linked program (PT_INTERP) is loaded as Linux's
/// `binfmt_elf` does: the program's segments as usual, then the dynamic
/// loader, read by `open_interp` (the guest file system's `open_exec`),
/// below the mmap top ([`loader::load_interp`]); execution starts at the
/// loader's entry with `AT_BASE` = its base and `AT_ENTRY` = the program's.
pub fn load_image(
    mem: &mut AddressSpace,
    bytes: &[u8],
    argv: &[Vec<u8>],
    envp: &[Vec<u8>],
    execfn: &[u8],
    uid: u32,
    open_interp: &mut OpenExec<'_>,
) -> Result<Image, LoadError> {
    let file = elf::parse(bytes)?;
    // The loader first (as Linux: a missing or bad one fails before
    // anything is mapped).
    let interp = match &file.interp {
        None => None,
        Some(path) => {
            let shown = String::from_utf8_lossy(path).into_owned();
            let bad = |errno, detail| LoadError::Interp {
                path: shown.clone(),
                errno,
                detail,
            };
            let ibytes = open_interp(path).map_err(|e| bad(e, None))?;
            let ifile = elf::parse(&ibytes).map_err(|e| bad(ELIBBAD, Some(e.to_string())))?;
            Some((ifile, ibytes))
        }
    };
    mem.set_mmap_top(layout::MMAP_TOP);
    let img = loader::load(mem, &file, bytes).map_err(|e| LoadError::Map { addr: e.addr })?;
    let mut elf_maps = crate::procview::ElfMaps {
        exe: loader::file_ranges(&file, img.bias),
        interp: None,
    };
    let (start, base) = match &interp {
        None => (img.entry, 0),
        Some((ifile, ibytes)) => {
            let i = loader::load_interp(mem, ifile, ibytes)
                .map_err(|e| LoadError::Map { addr: e.addr })?;
            let path = file.interp.clone().unwrap_or_default();
            elf_maps.interp = Some((path, loader::file_ranges(ifile, i.bias)));
            (i.entry, i.bias)
        }
    };
    let stack_perms = if img.exec_stack {
        Perms::RWX
    } else {
        Perms::RW
    };
    mem.map_fixed(layout::STACK_BOTTOM, layout::STACK_SIZE, stack_perms)
        .map_err(|_| LoadError::OutOfMemory)?;
    let aux = AuxInfo {
        phdr: img.phdr,
        phnum: img.phnum,
        entry: img.entry,
        base,
        uid: uid as u64,
        gid: uid as u64,
    };
    let st =
        stack::build(mem, layout::STACK_TOP, argv, envp, execfn, &aux).map_err(|e| match e {
            StackError::TooBig => LoadError::ArgsTooLong,
            StackError::Fault(_) => LoadError::OutOfMemory,
        })?;
    Ok(Image {
        entry: start,
        sp: st.sp,
        brk: img.brk,
        random: st.random,
        elf_maps,
    })
}
