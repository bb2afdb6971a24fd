//! F and D arithmetic, conversions, compares, moves and sign injection.
//!
//! The bit-exact arithmetic is [`crate::fpu`]'s; this module does what the
//! interface leaves to the interpreter: NaN-boxing (a single read from a
//! register whose upper 32 bits are not all ones is the canonical NaN, single
//! results are written with the upper 32 bits set), sign injection, the raw
//! `fmv` moves, resolving `rm == 7` through `frm`, rejecting reserved rounding
//! modes, and accumulating exception flags into `fcsr`.

use crate::cpu::Cpu;
use crate::decode::{Insn, Op};
use crate::fpu::{self, Rm, CANONICAL_NAN_S};

/// Marker error: the instruction is illegal (reserved rounding mode, or not
/// an FP op at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Illegal;

const BOX: u64 = 0xffff_ffff_0000_0000;
const SIGN_S: u32 = 0x8000_0000;
const SIGN_D: u64 = 0x8000_0000_0000_0000;

/// NaN-boxes a single.
#[inline(always)]
pub(crate) fn box_s(v: u32) -> u64 {
    BOX | v as u64
}

/// Unboxes a single: the canonical NaN unless the upper half is all ones.
#[inline(always)]
pub(crate) fn unbox_s(v: u64) -> u32 {
    if v & BOX == BOX {
        v as u32
    } else {
        CANONICAL_NAN_S
    }
}

/// The static rounding mode of `i` (`rm` 7 resolved through `frm`).
#[inline]
fn rm(cpu: &Cpu, i: Insn) -> Result<Rm, Illegal> {
    let r = if i.rm == 7 { cpu.frm() } else { i.rm as u32 };
    Rm::from_bits(r).ok_or(Illegal)
}

/// Executes one F/D instruction other than loads and stores. On `Err`
/// nothing changed.
#[inline(never)]
pub(crate) fn exec(cpu: &mut Cpu, i: Insn) -> Result<(), Illegal> {
    let (rd, r1, r2, r3) = (
        (i.rd & 31) as usize,
        (i.rs1 & 31) as usize,
        (i.rs2 & 31) as usize,
        (i.rs3 & 31) as usize,
    );
    let mut fl = 0u32;
    // Single operands, unboxed; double operands raw; integer source.
    let (s1, s2, s3) = (unbox_s(cpu.f[r1]), unbox_s(cpu.f[r2]), unbox_s(cpu.f[r3]));
    let (d1, d2, d3) = (cpu.f[r1], cpu.f[r2], cpu.f[r3]);
    let xs = cpu.x[r1];
    enum Out {
        S(u32),
        D(u64),
        X(u64),
    }
    let out = match i.op {
        Op::FaddS => Out::S(fpu::add_s(s1, s2, rm(cpu, i)?, &mut fl)),
        Op::FsubS => Out::S(fpu::sub_s(s1, s2, rm(cpu, i)?, &mut fl)),
        Op::FmulS => Out::S(fpu::mul_s(s1, s2, rm(cpu, i)?, &mut fl)),
        Op::FdivS => Out::S(fpu::div_s(s1, s2, rm(cpu, i)?, &mut fl)),
        Op::FsqrtS => Out::S(fpu::sqrt_s(s1, rm(cpu, i)?, &mut fl)),
        Op::FmaddS => Out::S(fpu::fma_s(s1, s2, s3, rm(cpu, i)?, &mut fl)),
        Op::FmsubS => Out::S(fpu::fma_s(s1, s2, s3 ^ SIGN_S, rm(cpu, i)?, &mut fl)),
        Op::FnmsubS => Out::S(fpu::fma_s(s1 ^ SIGN_S, s2, s3, rm(cpu, i)?, &mut fl)),
        Op::FnmaddS => Out::S(fpu::fma_s(
            s1 ^ SIGN_S,
            s2,
            s3 ^ SIGN_S,
            rm(cpu, i)?,
            &mut fl,
        )),
        Op::FsgnjS => Out::S((s1 & !SIGN_S) | (s2 & SIGN_S)),
        Op::FsgnjnS => Out::S((s1 & !SIGN_S) | (!s2 & SIGN_S)),
        Op::FsgnjxS => Out::S(s1 ^ (s2 & SIGN_S)),
        Op::FminS => Out::S(fpu::min_s(s1, s2, &mut fl)),
        Op::FmaxS => Out::S(fpu::max_s(s1, s2, &mut fl)),
        Op::FcvtWS => Out::X(fpu::to_i32_s(s1, rm(cpu, i)?, &mut fl) as i64 as u64),
        Op::FcvtWuS => Out::X(fpu::to_u32_s(s1, rm(cpu, i)?, &mut fl) as i32 as i64 as u64),
        Op::FcvtLS => Out::X(fpu::to_i64_s(s1, rm(cpu, i)?, &mut fl) as u64),
        Op::FcvtLuS => Out::X(fpu::to_u64_s(s1, rm(cpu, i)?, &mut fl)),
        Op::FmvXW => Out::X(cpu.f[r1] as u32 as i32 as i64 as u64),
        Op::FclassS => Out::X(fpu::class_s(s1)),
        Op::FeqS => Out::X(fpu::eq_s(s1, s2, &mut fl) as u64),
        Op::FltS => Out::X(fpu::lt_s(s1, s2, &mut fl) as u64),
        Op::FleS => Out::X(fpu::le_s(s1, s2, &mut fl) as u64),
        Op::FcvtSW => Out::S(fpu::from_i32_s(xs as i32, rm(cpu, i)?, &mut fl)),
        Op::FcvtSWu => Out::S(fpu::from_u32_s(xs as u32, rm(cpu, i)?, &mut fl)),
        Op::FcvtSL => Out::S(fpu::from_i64_s(xs as i64, rm(cpu, i)?, &mut fl)),
        Op::FcvtSLu => Out::S(fpu::from_u64_s(xs, rm(cpu, i)?, &mut fl)),
        Op::FmvWX => Out::S(xs as u32),

        Op::FaddD => Out::D(fpu::add_d(d1, d2, rm(cpu, i)?, &mut fl)),
        Op::FsubD => Out::D(fpu::sub_d(d1, d2, rm(cpu, i)?, &mut fl)),
        Op::FmulD => Out::D(fpu::mul_d(d1, d2, rm(cpu, i)?, &mut fl)),
        Op::FdivD => Out::D(fpu::div_d(d1, d2, rm(cpu, i)?, &mut fl)),
        Op::FsqrtD => Out::D(fpu::sqrt_d(d1, rm(cpu, i)?, &mut fl)),
        Op::FmaddD => Out::D(fpu::fma_d(d1, d2, d3, rm(cpu, i)?, &mut fl)),
        Op::FmsubD => Out::D(fpu::fma_d(d1, d2, d3 ^ SIGN_D, rm(cpu, i)?, &mut fl)),
        Op::FnmsubD => Out::D(fpu::fma_d(d1 ^ SIGN_D, d2, d3, rm(cpu, i)?, &mut fl)),
        Op::FnmaddD => Out::D(fpu::fma_d(
            d1 ^ SIGN_D,
            d2,
            d3 ^ SIGN_D,
            rm(cpu, i)?,
            &mut fl,
        )),
        Op::FsgnjD => Out::D((d1 & !SIGN_D) | (d2 & SIGN_D)),
        Op::FsgnjnD => Out::D((d1 & !SIGN_D) | (!d2 & SIGN_D)),
        Op::FsgnjxD => Out::D(d1 ^ (d2 & SIGN_D)),
        Op::FminD => Out::D(fpu::min_d(d1, d2, &mut fl)),
        Op::FmaxD => Out::D(fpu::max_d(d1, d2, &mut fl)),
        Op::FcvtSD => Out::S(fpu::d_to_s(d1, rm(cpu, i)?, &mut fl)),
        Op::FcvtDS => {
            rm(cpu, i)?;
            Out::D(fpu::s_to_d(s1, &mut fl))
        }
        Op::FeqD => Out::X(fpu::eq_d(d1, d2, &mut fl) as u64),
        Op::FltD => Out::X(fpu::lt_d(d1, d2, &mut fl) as u64),
        Op::FleD => Out::X(fpu::le_d(d1, d2, &mut fl) as u64),
        Op::FclassD => Out::X(fpu::class_d(d1)),
        Op::FcvtWD => Out::X(fpu::to_i32_d(d1, rm(cpu, i)?, &mut fl) as i64 as u64),
        Op::FcvtWuD => Out::X(fpu::to_u32_d(d1, rm(cpu, i)?, &mut fl) as i32 as i64 as u64),
        Op::FcvtLD => Out::X(fpu::to_i64_d(d1, rm(cpu, i)?, &mut fl) as u64),
        Op::FcvtLuD => Out::X(fpu::to_u64_d(d1, rm(cpu, i)?, &mut fl)),
        Op::FmvXD => Out::X(d1),
        Op::FcvtDW => Out::D(fpu::from_i32_d(xs as i32, rm(cpu, i)?, &mut fl)),
        Op::FcvtDWu => Out::D(fpu::from_u32_d(xs as u32, rm(cpu, i)?, &mut fl)),
        Op::FcvtDL => Out::D(fpu::from_i64_d(xs as i64, rm(cpu, i)?, &mut fl)),
        Op::FcvtDLu => Out::D(fpu::from_u64_d(xs, rm(cpu, i)?, &mut fl)),
        Op::FmvDX => Out::D(xs),
        _ => return Err(Illegal),
    };
    match out {
        Out::S(v) => cpu.f[rd] = box_s(v),
        Out::D(v) => cpu.f[rd] = v,
        Out::X(v) => {
            cpu.x[rd] = v;
            cpu.x[0] = 0;
        }
    }
    cpu.fcsr |= (fl & 0x1f) as u64;
    Ok(())
}
