//! The interpreter's out-of-line path for the ops the dispatch loop does not
//! handle inline ([`XOp::Generic`](super::lower::XOp::Generic)): system ops,
//! CSRs, atomics, FP arithmetic and loads into `x0`. It works on the shared
//! decoded [`Insn`], so these ops need no private form of their own.

use crate::cpu::Cpu;
use crate::decode::{Insn, Op};
use crate::mem::AddressSpace;

use super::exec::{Ctx, Stop};
use super::{amo, csr, fp};

/// Executes the rare instruction `i` at `pc`. `Err` stops the block at `i`
/// (nothing of `i` happened, except that `ecall`/`fence.i` are retired by
/// the caller).
#[inline(never)]
pub(crate) fn exec(
    cpu: &mut Cpu,
    mem: &mut AddressSpace,
    i: &Insn,
    pc: impl FnOnce() -> u64,
    ctx: Ctx<'_>,
) -> Result<(), Stop> {
    let addr = cpu.x[(i.rs1 & 31) as usize].wrapping_add(i.imm as i64 as u64);
    let r = match i.op {
        Op::FenceI => Err(Stop::FenceI),
        Op::Ecall => Err(Stop::Ecall),
        Op::Ebreak => Err(Stop::Ebreak),
        Op::Fence => Ok(()),
        // Loads into x0: the access happens (and may fault), the value is dropped.
        Op::Lb | Op::Lbu => mem.load_u8(addr).map(drop).map_err(Stop::Fault),
        Op::Lh | Op::Lhu => mem.load_u16(addr).map(drop).map_err(Stop::Fault),
        Op::Lw | Op::Lwu => mem.load_u32(addr).map(drop).map_err(Stop::Fault),
        Op::Ld => mem.load_u64(addr).map(drop).map_err(Stop::Fault),
        Op::Csrrw | Op::Csrrs | Op::Csrrc | Op::Csrrwi | Op::Csrrsi | Op::Csrrci => {
            csr::exec(cpu, *i, pc(), ctx).map_err(|_| Stop::Illegal)
        }
        Op::LrW
        | Op::ScW
        | Op::AmoswapW
        | Op::AmoaddW
        | Op::AmoxorW
        | Op::AmoandW
        | Op::AmoorW
        | Op::AmominW
        | Op::AmomaxW
        | Op::AmominuW
        | Op::AmomaxuW
        | Op::LrD
        | Op::ScD
        | Op::AmoswapD
        | Op::AmoaddD
        | Op::AmoxorD
        | Op::AmoandD
        | Op::AmoorD
        | Op::AmominD
        | Op::AmomaxD
        | Op::AmominuD
        | Op::AmomaxuD => amo::exec(cpu, mem, *i).map_err(Stop::Fault),
        _ => fp::exec(cpu, *i).map_err(|_| Stop::Illegal),
    };
    cpu.x[0] = 0;
    r
}
