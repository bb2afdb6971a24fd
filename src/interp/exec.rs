//! The hot loop: runs one pre-decoded block.
//!
//! One `match` on `insn.op` per instruction over the block's slice (a
//! `br_table` in wasm, a jump table natively; Rust has no computed goto, and
//! a table of handler function pointers was rejected because an indirect call
//! per instruction cannot inline the register accesses). Integer arms are a
//! single expression each; loads and stores call the memory's inlined fast
//! path; atomics, FP arithmetic and CSRs are out-of-line calls so they do not
//! bloat the hot function. Register indices are masked with `& 31`, which
//! proves them in bounds without a check; a write to `x0` is undone by
//! re-zeroing `x[0]` after every register write.
//!
//! The pc is tracked in a local and only stored to [`Cpu::pc`] at exits.
//! Instructions that end a block are always last in their block, so they
//! `return` the next pc directly.

use crate::cpu::Cpu;
use crate::decode::{Insn, Op};
use crate::mem::{AddressSpace, MemFault};

use super::int::*;
use super::{amo, csr, fp};

/// Why a block stopped before (or at) its last instruction, other than
/// completing normally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// A memory access of the instruction at the stop pc faulted.
    Fault(MemFault),
    /// The instruction at the stop pc is illegal (bad CSR, reserved rm).
    Illegal,
    /// `ecall` at the stop pc (last in block; retired).
    Ecall,
    /// `ebreak` at the stop pc (not retired).
    Ebreak,
    /// `fence.i` at the stop pc (last in block; retired); the caller flushes.
    FenceI,
}

/// Per-run context the rare instructions need.
pub(crate) struct Ctx<'a> {
    /// Source of the `time` CSR, if set.
    pub clock: Option<&'a mut (dyn FnMut() -> u64 + 'static)>,
    /// The block's instructions and start pc, to count instructions retired
    /// before a given pc (for the `cycle`/`instret` CSRs).
    pub insns: &'a [Insn],
    /// The block's start pc.
    pub start: u64,
}

/// Number of instructions of `insns` (starting at `start`) before `pc`.
pub(crate) fn retired_before(insns: &[Insn], start: u64, pc: u64) -> u64 {
    let mut at = start;
    let mut n = 0;
    for i in insns {
        if at == pc {
            break;
        }
        at = at.wrapping_add(i.len as u64);
        n += 1;
    }
    n
}

/// Runs the block `insns` starting at `pc`. Returns the next pc when the
/// whole block retired, or the pc of the instruction that stopped it.
#[inline(never)]
pub(crate) fn run_block(
    cpu: &mut Cpu,
    mem: &mut AddressSpace,
    insns: &[Insn],
    mut pc: u64,
    clock: Option<&mut (dyn FnMut() -> u64 + 'static)>,
) -> Result<u64, (u64, Stop)> {
    let start = pc;
    let mut clock = clock;
    macro_rules! x {
        ($r:expr) => {
            cpu.x[($r & 31) as usize]
        };
    }
    macro_rules! set {
        ($r:expr, $v:expr) => {{
            let v = $v;
            cpu.x[($r & 31) as usize] = v;
            cpu.x[0] = 0;
        }};
    }
    macro_rules! try_mem {
        ($e:expr) => {
            match $e {
                Ok(v) => v,
                Err(f) => return Err((pc, Stop::Fault(f))),
            }
        };
    }
    for insn in insns {
        let i = *insn;
        let imm = i.imm as i64 as u64;
        match i.op {
            // ---- upper immediates, jumps, branches ----
            Op::Lui => set!(i.rd, imm),
            Op::Auipc => set!(i.rd, pc.wrapping_add(imm)),
            Op::Jal => {
                set!(i.rd, pc.wrapping_add(i.len as u64));
                return Ok(pc.wrapping_add(imm));
            }
            Op::Jalr => {
                let target = x!(i.rs1).wrapping_add(imm) & !1;
                set!(i.rd, pc.wrapping_add(i.len as u64));
                return Ok(target);
            }
            Op::Beq => {
                if x!(i.rs1) == x!(i.rs2) {
                    return Ok(pc.wrapping_add(imm));
                }
            }
            Op::Bne => {
                if x!(i.rs1) != x!(i.rs2) {
                    return Ok(pc.wrapping_add(imm));
                }
            }
            Op::Blt => {
                if (x!(i.rs1) as i64) < (x!(i.rs2) as i64) {
                    return Ok(pc.wrapping_add(imm));
                }
            }
            Op::Bge => {
                if (x!(i.rs1) as i64) >= (x!(i.rs2) as i64) {
                    return Ok(pc.wrapping_add(imm));
                }
            }
            Op::Bltu => {
                if x!(i.rs1) < x!(i.rs2) {
                    return Ok(pc.wrapping_add(imm));
                }
            }
            Op::Bgeu => {
                if x!(i.rs1) >= x!(i.rs2) {
                    return Ok(pc.wrapping_add(imm));
                }
            }
            // ---- loads and stores ----
            Op::Lb => set!(
                i.rd,
                try_mem!(mem.load_u8(x!(i.rs1).wrapping_add(imm))) as i8 as i64 as u64
            ),
            Op::Lh => set!(
                i.rd,
                try_mem!(mem.load_u16(x!(i.rs1).wrapping_add(imm))) as i16 as i64 as u64
            ),
            Op::Lw => set!(
                i.rd,
                sext32(try_mem!(mem.load_u32(x!(i.rs1).wrapping_add(imm))))
            ),
            Op::Ld => set!(i.rd, try_mem!(mem.load_u64(x!(i.rs1).wrapping_add(imm)))),
            Op::Lbu => set!(i.rd, try_mem!(mem.load_u8(x!(i.rs1).wrapping_add(imm)))),
            Op::Lhu => set!(i.rd, try_mem!(mem.load_u16(x!(i.rs1).wrapping_add(imm)))),
            Op::Lwu => set!(i.rd, try_mem!(mem.load_u32(x!(i.rs1).wrapping_add(imm)))),
            Op::Sb => try_mem!(mem.store_u8(x!(i.rs1).wrapping_add(imm), x!(i.rs2))),
            Op::Sh => try_mem!(mem.store_u16(x!(i.rs1).wrapping_add(imm), x!(i.rs2))),
            Op::Sw => try_mem!(mem.store_u32(x!(i.rs1).wrapping_add(imm), x!(i.rs2))),
            Op::Sd => try_mem!(mem.store_u64(x!(i.rs1).wrapping_add(imm), x!(i.rs2))),
            // ---- register-immediate ----
            Op::Addi => set!(i.rd, x!(i.rs1).wrapping_add(imm)),
            Op::Slti => set!(i.rd, ((x!(i.rs1) as i64) < imm as i64) as u64),
            Op::Sltiu => set!(i.rd, (x!(i.rs1) < imm) as u64),
            Op::Xori => set!(i.rd, x!(i.rs1) ^ imm),
            Op::Ori => set!(i.rd, x!(i.rs1) | imm),
            Op::Andi => set!(i.rd, x!(i.rs1) & imm),
            Op::Slli => set!(i.rd, x!(i.rs1) << (i.imm & 63)),
            Op::Srli => set!(i.rd, x!(i.rs1) >> (i.imm & 63)),
            Op::Srai => set!(i.rd, ((x!(i.rs1) as i64) >> (i.imm & 63)) as u64),
            // ---- register-register ----
            Op::Add => set!(i.rd, x!(i.rs1).wrapping_add(x!(i.rs2))),
            Op::Sub => set!(i.rd, x!(i.rs1).wrapping_sub(x!(i.rs2))),
            Op::Sll => set!(i.rd, x!(i.rs1) << (x!(i.rs2) & 63)),
            Op::Slt => set!(i.rd, ((x!(i.rs1) as i64) < (x!(i.rs2) as i64)) as u64),
            Op::Sltu => set!(i.rd, (x!(i.rs1) < x!(i.rs2)) as u64),
            Op::Xor => set!(i.rd, x!(i.rs1) ^ x!(i.rs2)),
            Op::Srl => set!(i.rd, x!(i.rs1) >> (x!(i.rs2) & 63)),
            Op::Sra => set!(i.rd, ((x!(i.rs1) as i64) >> (x!(i.rs2) & 63)) as u64),
            Op::Or => set!(i.rd, x!(i.rs1) | x!(i.rs2)),
            Op::And => set!(i.rd, x!(i.rs1) & x!(i.rs2)),
            // ---- 32-bit ----
            Op::Addiw => set!(i.rd, sext32(x!(i.rs1).wrapping_add(imm))),
            Op::Slliw => set!(i.rd, sext32(((x!(i.rs1) as u32) << (i.imm & 31)) as u64)),
            Op::Srliw => set!(i.rd, sext32(((x!(i.rs1) as u32) >> (i.imm & 31)) as u64)),
            Op::Sraiw => set!(i.rd, ((x!(i.rs1) as i32) >> (i.imm & 31)) as i64 as u64),
            Op::Addw => set!(i.rd, sext32(x!(i.rs1).wrapping_add(x!(i.rs2)))),
            Op::Subw => set!(i.rd, sext32(x!(i.rs1).wrapping_sub(x!(i.rs2)))),
            Op::Sllw => set!(
                i.rd,
                sext32(((x!(i.rs1) as u32) << (x!(i.rs2) & 31)) as u64)
            ),
            Op::Srlw => set!(
                i.rd,
                sext32(((x!(i.rs1) as u32) >> (x!(i.rs2) & 31)) as u64)
            ),
            Op::Sraw => set!(i.rd, ((x!(i.rs1) as i32) >> (x!(i.rs2) & 31)) as i64 as u64),
            // ---- M ----
            Op::Mul => set!(i.rd, x!(i.rs1).wrapping_mul(x!(i.rs2))),
            Op::Mulh => set!(i.rd, mulh(x!(i.rs1), x!(i.rs2))),
            Op::Mulhsu => set!(i.rd, mulhsu(x!(i.rs1), x!(i.rs2))),
            Op::Mulhu => set!(i.rd, mulhu(x!(i.rs1), x!(i.rs2))),
            Op::Div => set!(i.rd, div(x!(i.rs1), x!(i.rs2))),
            Op::Divu => set!(i.rd, divu(x!(i.rs1), x!(i.rs2))),
            Op::Rem => set!(i.rd, rem(x!(i.rs1), x!(i.rs2))),
            Op::Remu => set!(i.rd, remu(x!(i.rs1), x!(i.rs2))),
            Op::Mulw => set!(i.rd, sext32(x!(i.rs1).wrapping_mul(x!(i.rs2)))),
            Op::Divw => set!(i.rd, divw(x!(i.rs1), x!(i.rs2))),
            Op::Divuw => set!(i.rd, divuw(x!(i.rs1), x!(i.rs2))),
            Op::Remw => set!(i.rd, remw(x!(i.rs1), x!(i.rs2))),
            Op::Remuw => set!(i.rd, remuw(x!(i.rs1), x!(i.rs2))),
            // ---- system ----
            Op::Fence => {}
            Op::FenceI => return Err((pc, Stop::FenceI)),
            Op::Ecall => return Err((pc, Stop::Ecall)),
            Op::Ebreak => return Err((pc, Stop::Ebreak)),
            Op::Csrrw | Op::Csrrs | Op::Csrrc | Op::Csrrwi | Op::Csrrsi | Op::Csrrci => {
                let ctx = Ctx {
                    clock: clock.as_deref_mut(),
                    insns,
                    start,
                };
                if csr::exec(cpu, i, pc, ctx).is_err() {
                    return Err((pc, Stop::Illegal));
                }
            }
            // ---- FP loads and stores (inline: as hot as integer ones in FP code) ----
            Op::Flw => {
                let v = try_mem!(mem.load_u32(x!(i.rs1).wrapping_add(imm)));
                cpu.f[(i.rd & 31) as usize] = fp::box_s(v as u32);
            }
            Op::Fld => {
                cpu.f[(i.rd & 31) as usize] = try_mem!(mem.load_u64(x!(i.rs1).wrapping_add(imm)))
            }
            Op::Fsw => {
                try_mem!(mem.store_u32(x!(i.rs1).wrapping_add(imm), cpu.f[(i.rs2 & 31) as usize]))
            }
            Op::Fsd => {
                try_mem!(mem.store_u64(x!(i.rs1).wrapping_add(imm), cpu.f[(i.rs2 & 31) as usize]))
            }
            // ---- A ----
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
            | Op::AmomaxuD => try_mem!(amo::exec(cpu, mem, i)),
            // ---- F and D arithmetic ----
            _ => {
                if fp::exec(cpu, i).is_err() {
                    return Err((pc, Stop::Illegal));
                }
            }
        }
        pc = pc.wrapping_add(i.len as u64);
    }
    Ok(pc)
}
