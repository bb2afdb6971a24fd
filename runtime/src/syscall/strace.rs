//! `--strace` output: formats one call like strace does,
//! `write(1, "hi\n", 3) = 3` or `openat(AT_FDCWD, "/etc/x", 0) = -1 ENOENT (No such file or directory)`.

use super::{Args, SysResult};
use nanovm::mem::AddressSpace;
use std::fmt::Write;

/// How to show one argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    /// Signed 32-bit decimal (fds, flags that read better as numbers).
    I,
    /// Unsigned decimal.
    U,
    /// Hexadecimal.
    X,
    /// Pointer: `NULL` or hex.
    P,
    /// Directory fd (`AT_FDCWD` for -100).
    Dir,
    /// NUL-terminated string.
    S,
    /// Buffer read by the call; its length is argument `n`.
    In(u8),
    /// Buffer written by the call; its length is the return value.
    Out,
}

/// How to show the return value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ret {
    /// Decimal.
    Dec,
    /// Hexadecimal (addresses).
    Hex,
    /// The call does not return (`= ?`).
    None,
}

const MAX_SHOWN: usize = 32;

fn quote(out: &mut String, bytes: &[u8], more: bool) {
    out.push('"');
    for &b in bytes {
        match b {
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\{b:o}");
            }
        }
    }
    out.push('"');
    if more {
        out.push_str("...");
    }
}

fn buffer(out: &mut String, mem: &mut AddressSpace, addr: u64, len: u64) {
    let shown = len.min(MAX_SHOWN as u64) as usize;
    let mut buf = vec![0u8; shown];
    match mem.read_bytes(addr, &mut buf) {
        Ok(()) => quote(out, &buf, len > shown as u64),
        Err(_) => {
            let _ = write!(out, "{addr:#x}");
        }
    }
}

/// Formats one completed call.
pub fn format(
    mem: &mut AddressSpace,
    name: &str,
    args: &Args,
    spec: &[Arg],
    ret: Ret,
    res: SysResult,
) -> String {
    let mut s = String::with_capacity(64);
    s.push_str(name);
    s.push('(');
    for (i, kind) in spec.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        let v = args[i];
        match *kind {
            Arg::I => {
                let _ = write!(s, "{}", v as i32);
            }
            Arg::U => {
                let _ = write!(s, "{v}");
            }
            Arg::X => {
                let _ = write!(s, "{v:#x}");
            }
            Arg::P if v == 0 => s.push_str("NULL"),
            Arg::P => {
                let _ = write!(s, "{v:#x}");
            }
            Arg::Dir if v as i32 == -100 => s.push_str("AT_FDCWD"),
            Arg::Dir => {
                let _ = write!(s, "{}", v as i32);
            }
            Arg::S => match mem.read_cstr(v, MAX_SHOWN + 1) {
                Ok(b) => quote(&mut s, &b[..b.len().min(MAX_SHOWN)], b.len() > MAX_SHOWN),
                Err(_) => {
                    let _ = write!(s, "{v:#x}");
                }
            },
            Arg::In(n) => buffer(&mut s, mem, v, args[n as usize]),
            Arg::Out => match res {
                Ok(len) => buffer(&mut s, mem, v, len),
                Err(_) => {
                    let _ = write!(s, "{v:#x}");
                }
            },
        }
    }
    s.push_str(") = ");
    match (ret, res) {
        (Ret::None, Ok(_)) => s.push('?'),
        (_, Err(e)) => {
            let _ = write!(s, "-1 {} ({})", e.name(), e.message());
        }
        (Ret::Hex, Ok(v)) => {
            let _ = write!(s, "{v:#x}");
        }
        (_, Ok(v)) => {
            let _ = write!(s, "{}", v as i64);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Errno;
    use nanovm::mem::Perms;

    #[test]
    fn formats_like_strace() {
        let mut mem = AddressSpace::new();
        mem.map_fixed(0x1000, 0x1000, Perms::RW).unwrap();
        mem.write_bytes(0x1000, b"hi\n\x01\0").unwrap();
        let args = [1, 0x1000, 3, 0, 0, 0];
        let line = format(
            &mut mem,
            "write",
            &args,
            &[Arg::I, Arg::In(2), Arg::U],
            Ret::Dec,
            Ok(3),
        );
        assert_eq!(line, "write(1, \"hi\\n\", 3) = 3");
        let args = [(-100i64) as u64, 0x1000, 0, 0, 0, 0];
        let line = format(
            &mut mem,
            "openat",
            &args,
            &[Arg::Dir, Arg::S, Arg::X],
            Ret::Dec,
            Err(Errno::ENOENT),
        );
        assert_eq!(
            line,
            "openat(AT_FDCWD, \"hi\\n\\1\", 0x0) = -1 ENOENT (No such file or directory)"
        );
        let line = format(&mut mem, "exit_group", &[0; 6], &[Arg::I], Ret::None, Ok(0));
        assert_eq!(line, "exit_group(0) = ?");
        let line = format(&mut mem, "brk", &[0; 6], &[Arg::P], Ret::Hex, Ok(0x5000));
        assert_eq!(line, "brk(NULL) = 0x5000");
    }
}
