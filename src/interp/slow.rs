//! The interpreter's out-of-line path for the ops the dispatch loop does not
//! handle inline ([`XOp::Generic`](super::lower::XOp::Generic)): system ops,
//! CSRs, atomics, FP arithmetic and loads into `x0`; and for the inline ones
//! that left the fast path (a TLB miss, FP outside the host-float fast path). It works on the shared
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
    let rs2 = cpu.x[(i.rs2 & 31) as usize];
    let r = match i.op {
        Op::FenceI => Err(Stop::FenceI),
        Op::Ecall => Err(Stop::Ecall),
        Op::Ebreak => Err(Stop::Ebreak),
        Op::Fence => Ok(()),
        // Loads and stores whose TLB lookup missed (and loads into x0,
        // whose value `x[0] = 0` below drops).
        Op::Lb | Op::Lbu | Op::Lh | Op::Lhu | Op::Lw | Op::Lwu | Op::Ld => load(cpu, mem, i, addr),
        Op::Sb => mem.store_u8(addr, rs2).map_err(Stop::Fault),
        Op::Sh => mem.store_u16(addr, rs2).map_err(Stop::Fault),
        Op::Sw => mem.store_u32(addr, rs2).map_err(Stop::Fault),
        Op::Sd => mem.store_u64(addr, rs2).map_err(Stop::Fault),
        Op::Flw => mem
            .load_u32(addr)
            .map(|v| cpu.f[(i.rd & 31) as usize] = fp::box_s(v as u32))
            .map_err(Stop::Fault),
        Op::Fld => mem
            .load_u64(addr)
            .map(|v| cpu.f[(i.rd & 31) as usize] = v)
            .map_err(Stop::Fault),
        Op::Fsw => mem
            .store_u32(addr, cpu.f[(i.rs2 & 31) as usize])
            .map_err(Stop::Fault),
        Op::Fsd => mem
            .store_u64(addr, cpu.f[(i.rs2 & 31) as usize])
            .map_err(Stop::Fault),
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

/// A load through the full memory path, written to `rd` with its extension.
fn load(cpu: &mut Cpu, mem: &mut AddressSpace, i: &Insn, addr: u64) -> Result<(), Stop> {
    let v = match i.op {
        Op::Lb => mem.load_u8(addr).map(|v| v as i8 as i64 as u64),
        Op::Lbu => mem.load_u8(addr),
        Op::Lh => mem.load_u16(addr).map(|v| v as i16 as i64 as u64),
        Op::Lhu => mem.load_u16(addr),
        Op::Lw => mem.load_u32(addr).map(|v| v as i32 as i64 as u64),
        Op::Lwu => mem.load_u32(addr),
        _ => mem.load_u64(addr),
    };
    cpu.x[(i.rd & 31) as usize] = v.map_err(Stop::Fault)?;
    Ok(())
}
