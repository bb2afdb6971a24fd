//! Zicsr: the user-level CSRs Linux programs can touch.
//!
//! `fflags` (0x001), `frm` (0x002), `fcsr` (0x003) read and write; `cycle`
//! (0xC00), `time` (0xC01) and `instret` (0xC02) are read-only. Any other CSR,
//! and any write to a read-only one, is an illegal instruction. `csrrs`/`csrrc`
//! with `rs1 = x0` and the `*i` forms with `uimm = 0` do not write, so reading
//! a counter with them is legal; `csrrw` with `rd = x0` does not read.
//!
//! `cycle` and `instret` read the exact retired count before this
//! instruction (the interpreter only adds a block's count at its end, so the
//! offset within the block is recomputed here, off the hot path).

use super::exec::{retired_before, Ctx};
use crate::cpu::Cpu;
use crate::decode::{Insn, Op};

/// `fflags`.
pub const FFLAGS: u32 = 0x001;
/// `frm`.
pub const FRM: u32 = 0x002;
/// `fcsr`.
pub const FCSR: u32 = 0x003;
/// `cycle`.
pub const CYCLE: u32 = 0xc00;
/// `time`.
pub const TIME: u32 = 0xc01;
/// `instret`.
pub const INSTRET: u32 = 0xc02;

/// Marker error: illegal CSR access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Illegal;

/// Executes one Zicsr instruction at `pc`. On `Err` nothing changed.
#[inline(never)]
pub(crate) fn exec(cpu: &mut Cpu, i: Insn, pc: u64, ctx: Ctx<'_>) -> Result<(), Illegal> {
    let csr = (i.imm as u32) & 0xfff;
    let (src, write) = match i.op {
        Op::Csrrw => (cpu.x[(i.rs1 & 31) as usize], true),
        Op::Csrrs | Op::Csrrc => (cpu.x[(i.rs1 & 31) as usize], i.rs1 != 0),
        Op::Csrrwi => (i.rs1 as u64 & 31, true),
        _ => (i.rs1 as u64 & 31, i.rs1 & 31 != 0),
    };
    let read_only = matches!(csr, CYCLE | TIME | INSTRET);
    let known = read_only || matches!(csr, FFLAGS | FRM | FCSR);
    if !known || (write && read_only) {
        return Err(Illegal);
    }
    let skip_read = matches!(i.op, Op::Csrrw | Op::Csrrwi) && i.rd == 0;
    let old = if skip_read {
        0
    } else {
        match csr {
            FFLAGS => cpu.fcsr & 0x1f,
            FRM => (cpu.fcsr >> 5) & 7,
            FCSR => cpu.fcsr & 0xff,
            _ => {
                let instret = cpu.instret + retired_before(ctx.insns, ctx.start, pc);
                match (csr, ctx.clock) {
                    (TIME, Some(clock)) => clock(),
                    _ => instret,
                }
            }
        }
    };
    if write {
        let new = match i.op {
            Op::Csrrw | Op::Csrrwi => src,
            Op::Csrrs | Op::Csrrsi => old | src,
            _ => old & !src,
        };
        cpu.fcsr = match csr {
            FFLAGS => (cpu.fcsr & !0x1f) | (new & 0x1f),
            FRM => (cpu.fcsr & !0xe0) | ((new & 7) << 5),
            _ => new & 0xff,
        };
    }
    cpu.x[(i.rd & 31) as usize] = old;
    cpu.x[0] = 0;
    Ok(())
}
