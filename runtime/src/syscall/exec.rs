//! `execve` and `execveat`: a new program in the calling process.
//!
//! The program file is read through the guest file system
//! (`FsCtx::open_exec`); without `--root`, a path missing there is read from
//! the host ([`Host::read_file`]), as the CLI reads the first program. `#!` scripts follow Linux's rules: the first line
//! (up to 256 bytes) names the interpreter and at most one argument (the
//! rest of the line, trimmed); the new argv is interpreter, argument if
//! any, script path, then the original `argv[1..]`; up to 4 levels.
//!
//! A dynamically linked program's loader (PT_INTERP) is opened through the
//! guest file system as the program is (ENOENT when it is missing, ELIBBAD
//! when it is not a riscv64 ELF file; see `vm::load_image`).
//!
//! The image is loaded into a fresh address space from
//! `AddressSpace::new_sibling` (same frame pool and memory limit), so a
//! failed exec leaves the caller intact. On success: other threads end, a
//! vfork parent gets its memory back, handlers reset to the default
//! (ignored signals stay ignored), the block cache starts empty, the pid
//! stays.
//!
//! [`Host::read_file`]: crate::host::Host::read_file

use super::{Args, Ctx, SysResult};
use crate::task::Brk;
use crate::vm::{load_image, LoadError};
use crate::Errno;
use nanovm::cpu::Cpu;
use nanovm::interp::Interp;

/// Largest total size of arguments and environment (Linux: a quarter of
/// the 8 MiB stack limit).
const ARG_MAX: usize = 2 << 20;
/// `BINPRM_BUF_SIZE`: how much of a `#!` line is looked at.
const BINPRM_BUF: usize = 256;
const AT_EMPTY_PATH: u64 = 0x1000;
const AT_SYMLINK_NOFOLLOW: u64 = 0x100;

/// Reads a NULL-terminated array of string pointers.
fn read_strings(ctx: &mut Ctx, mut addr: u64, total: &mut usize) -> Result<Vec<Vec<u8>>, Errno> {
    let mut v = Vec::new();
    if addr == 0 {
        return Ok(v);
    }
    loop {
        let p = ctx.get_u64(addr)?;
        if p == 0 {
            return Ok(v);
        }
        let s = ctx.proc.mem.read_cstr(p, ARG_MAX)?;
        *total += s.len() + 1 + 8;
        if *total > ARG_MAX {
            return Err(Errno::E2BIG);
        }
        v.push(s);
        addr = addr.wrapping_add(8);
    }
}

/// Splits a `#!` line into interpreter and optional argument.
fn shebang(bytes: &[u8]) -> Option<(Vec<u8>, Option<Vec<u8>>)> {
    let line = bytes.strip_prefix(b"#!")?;
    let line = &line[..line.len().min(BINPRM_BUF - 2)];
    let line = match line.iter().position(|&b| b == b'\n') {
        Some(n) => &line[..n],
        None => line,
    };
    let ws = |b: &u8| *b == b' ' || *b == b'\t';
    let start = line.iter().position(|b| !ws(b))?;
    let line = &line[start..];
    let end = line.iter().position(ws).unwrap_or(line.len());
    let interp = line[..end].to_vec();
    let rest = &line[end..];
    let arg = match (
        rest.iter().position(|b| !ws(b)),
        rest.iter().rposition(|b| !ws(b)),
    ) {
        (Some(a), Some(b)) => Some(rest[a..=b].to_vec()),
        _ => None,
    };
    Some((interp, arg))
}

/// The program file: from the guest file system; without `--root`, a path
/// it does not have is looked up on the host (as the CLI finds the first
/// program).
fn read_program(ctx: &mut Ctx, path: &[u8]) -> Result<Vec<u8>, Errno> {
    match ctx.proc.fs.open_exec(path) {
        Err(Errno::ENOENT) if ctx.kernel.host_exec => ctx.host.read_file(path).map_err(Errno),
        r => r,
    }
}

/// `execve(path, argv, envp)`.
pub fn execve(ctx: &mut Ctx, a: &Args) -> SysResult {
    exec(ctx, a[0], a[1], a[2], 0)
}

/// `execveat(dirfd, path, argv, envp, flags)`: paths are resolved as by
/// `execve` (kvfs: relative to `dirfd`).
pub fn execveat(ctx: &mut Ctx, a: &Args) -> SysResult {
    if a[4] & !(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0 {
        return Err(Errno::EINVAL);
    }
    exec(ctx, a[1], a[2], a[3], a[4])
}

fn exec(ctx: &mut Ctx, path: u64, argv: u64, envp: u64, _flags: u64) -> SysResult {
    let path = ctx.get_path(path)?;
    if path.is_empty() {
        return Err(Errno::ENOENT);
    }
    let mut total = 0;
    let mut argv = read_strings(ctx, argv, &mut total)?;
    let envp = read_strings(ctx, envp, &mut total)?;
    let mut file = path.clone();
    let mut bytes = read_program(ctx, &file)?;
    let mut depth = 0;
    while let Some((interp, arg)) = shebang(&bytes) {
        depth += 1;
        if depth > 4 {
            return Err(Errno(40)); // ELOOP;
        }
        if interp.is_empty() {
            return Err(Errno::ENOEXEC);
        }
        let mut new = vec![interp.clone()];
        new.extend(arg);
        new.push(file.clone());
        new.extend(argv.into_iter().skip(1));
        argv = new;
        file = interp;
        bytes = read_program(ctx, &file)?;
    }
    let mut mem = ctx.proc.mem.new_sibling();
    let uid = ctx.proc.uid;
    // A dynamic loader is read through the guest file system only.
    let fs = &mut ctx.proc.fs;
    let mut open = |p: &[u8]| fs.open_exec(p);
    let loaded = load_image(&mut mem, &bytes, &argv, &envp, &path, uid, &mut open);
    let img = loaded.map_err(|e| match e {
        LoadError::Interp { errno, .. } => errno,
        LoadError::Elf(_) => Errno::ENOEXEC,
        LoadError::ArgsTooLong => Errno::E2BIG,
        LoadError::Map { .. } | LoadError::OutOfMemory => Errno::ENOMEM,
        LoadError::FileSystem(_) => Errno::ENOEXEC,
    })?;
    let mut r = [0u8; 16];
    ctx.host.random(&mut r);
    mem.write_bytes_unchecked(img.random, &r)
        .map_err(|_| Errno::ENOMEM)?;
    // The point of no return.
    super::thread::exec_cleanup(ctx);
    ctx.proc.mem = mem;
    ctx.proc.interp = Interp::new();
    ctx.code_changed = true;
    ctx.proc.brk = Brk {
        start: img.brk,
        cur: img.brk,
    };
    crate::signal::on_exec(ctx.proc, ctx.thread);
    let name = path.rsplit(|&b| b == b'/').next().unwrap_or(&path);
    ctx.proc.comm = name[..name.len().min(15)].to_vec();
    ctx.proc.fs.exec();
    let exe = ctx.proc.fs.exe_path(&file);
    ctx.proc.fs.kernel.procfs.exec(ctx.proc.pid, &exe, &argv);
    crate::procview::record_exec(ctx.proc, &envp, img.sp);
    crate::procview::record_image(ctx.proc, &file, &img.elf_maps);
    let instret = ctx.thread.cpu.instret;
    *ctx.thread.cpu = Cpu::new(img.entry);
    ctx.thread.cpu.instret = instret;
    ctx.thread.cpu.x[2] = img.sp;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::shebang;

    #[test]
    fn shebang_lines() {
        assert_eq!(shebang(b"\x7fELF"), None);
        assert_eq!(
            shebang(b"#!/bin/sh\necho"),
            Some((b"/bin/sh".to_vec(), None))
        );
        assert_eq!(
            shebang(b"#! /usr/bin/env  python3 -u  \nx"),
            Some((b"/usr/bin/env".to_vec(), Some(b"python3 -u".to_vec())))
        );
        assert_eq!(shebang(b"#!   \n"), None);
    }
}
