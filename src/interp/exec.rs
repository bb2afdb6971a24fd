//! The hot loop: runs pre-decoded blocks back to back.
//!
//! One `match` on `insn.op` per instruction over the block's slice (a
//! `br_table` in wasm, a jump table natively; Rust has no computed goto, and
//! a table of handler function pointers was rejected because an indirect call
//! per instruction cannot inline the register accesses). Integer arms are a
//! single expression each; loads and stores call the memory's inlined fast
//! path; atomics, FP arithmetic and CSRs are out-of-line calls so they do not
//! bloat the hot function. Register indices are masked with `& 31`, which
//! proves them in bounds without a check. Pure ALU ops writing `x0` were
//! turned into no-ops by the block builder ([`writes_only_rd`]), so they write
//! their `rd` unconditionally; loads and jumps re-zero `x[0]` after writing.
//!
//! No pc is tracked per instruction: the instructions that need one are
//! last in their block (control transfers: `end - len`), carry their block
//! offset (`auipc`), or are on a slow path that recomputes it from the
//! instruction's position (faults, CSRs). The pc reaches [`Cpu::pc`] only at
//! exits, and `cpu.instret` is bumped once per block (by the retired count
//! only, when a block stops early).

use crate::block::{BlockCache, BuildError, Stat};
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

/// True for the ops whose only effect is writing `rd` (no memory access,
/// no trap, no other state). With `rd == 0` they are no-ops, and the block
/// builder stores them as such, which lets the dispatch loop skip re-zeroing
/// `x0` after every ALU op.
pub fn writes_only_rd(op: Op) -> bool {
    use Op::*;
    matches!(
        op,
        Lui | Auipc
            | Addi
            | Slti
            | Sltiu
            | Xori
            | Ori
            | Andi
            | Slli
            | Srli
            | Srai
            | Add
            | Sub
            | Sll
            | Slt
            | Sltu
            | Xor
            | Srl
            | Sra
            | Or
            | And
            | Addiw
            | Slliw
            | Srliw
            | Sraiw
            | Addw
            | Subw
            | Sllw
            | Srlw
            | Sraw
            | Mul
            | Mulh
            | Mulhsu
            | Mulhu
            | Div
            | Divu
            | Rem
            | Remu
            | Mulw
            | Divw
            | Divuw
            | Remw
            | Remuw
    )
}

/// The offset of an `auipc` from its block's start, which the block builder
/// stores in the otherwise unused `rs1` (low byte) and `rs2` (high byte).
#[inline(always)]
pub fn auipc_offset(i: &Insn) -> u64 {
    i.rs1 as u64 | (i.rs2 as u64) << 8
}

/// The pc of `i`, an element of `insns` whose block starts at `start`.
/// Out of line and cold so that the dispatch loop does not keep (or
/// speculatively compute) the instruction index.
#[cold]
#[inline(never)]
fn pc_at(insns: &[Insn], start: u64, i: &Insn) -> u64 {
    let idx = (i as *const Insn as usize - insns.as_ptr() as usize) / core::mem::size_of::<Insn>();
    insns[..idx]
        .iter()
        .fold(start, |pc, i| pc.wrapping_add(i.len as u64))
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

/// Why [`run_blocks`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Out {
    /// `cpu.instret` reached the limit; the next pc.
    Budget(u64),
    /// Guest stores hit decoded code; the next pc. The caller drops the
    /// written pages' blocks and continues.
    CodeWrites(u64),
    /// No block can be built at this pc.
    Build(u64, BuildError),
    /// The instruction at this pc stopped its block; `cpu.instret` counts
    /// the instructions before it.
    Stop(u64, Stop),
}

/// Runs blocks from `pc` until `cpu.instret >= until` (checked after each
/// block), a code write, or a stop.
///
/// Block-to-block transfer stays inside this function (jump-cache lookup,
/// no call per block). Within a block the pc is not tracked per
/// instruction: control transfers are always the last instruction (so their
/// pc is `end - len`), `auipc` carries its offset in the block (see
/// [`Block::insns`](crate::block::Block::insns)), and the rare paths that
/// need the pc of another instruction (faults, CSRs) recompute it from its
/// position in the slice.
#[inline(never)]
pub(crate) fn run_blocks(
    cpu: &mut Cpu,
    mem: &mut AddressSpace,
    cache: &mut BlockCache,
    mut pc: u64,
    until: u64,
    mut clock: Option<&mut (dyn FnMut() -> u64 + 'static)>,
) -> Out {
    loop {
        let idx = match cache.lookup(pc) {
            Some(idx) => idx,
            None => match cache.build(pc, mem) {
                Ok(idx) => idx,
                Err(e) => return Out::Build(pc, e),
            },
        };
        cache.counters.bump(Stat::BlockRuns);
        let block = cache.block_mut(idx);
        block.count += 1;
        let block = &*block;
        let (start, end) = (pc, block.end);
        let insns: &[Insn] = &block.insns;
        // The pc of `i`, an element of `insns` (slow paths only).
        let pc_of = |i: &Insn| pc_at(insns, start, i);
        macro_rules! x {
            ($r:expr) => {
                cpu.x[($r & 31) as usize]
            };
        }
        // Register write of a pure op: the block builder replaced such ops
        // writing x0 by no-ops (see `writes_only_rd`), so rd is never 0 here.
        macro_rules! set {
            ($r:expr, $v:expr) => {{
                let v = $v;
                debug_assert!($r != 0);
                cpu.x[($r & 31) as usize] = v;
            }};
        }
        // Register write of any other op (loads, jumps): undo a write to x0.
        macro_rules! setz {
            ($r:expr, $v:expr) => {{
                let v = $v;
                cpu.x[($r & 31) as usize] = v;
                cpu.x[0] = 0;
            }};
        }
        // The pc of the control transfer `$i` (always last in its block).
        macro_rules! last_pc {
            ($i:expr) => {{
                debug_assert!(core::ptr::eq($i, insns.last().unwrap()));
                end.wrapping_sub($i.len as u64)
            }};
        }
        macro_rules! step {
        ($blk:lifetime, $i:expr) => {{
            let i: &Insn = $i;
            macro_rules! try_mem {
                ($e:expr) => {
                    match $e {
                        Ok(v) => v,
                        Err(f) => return stop(cpu, insns, start, i, Stop::Fault(f)),
                    }
                };
            }
            let imm = i.imm as i64 as u64;
            match i.op {
                // ---- upper immediates, jumps, branches ----
                Op::Lui => set!(i.rd, imm),
                Op::Auipc => set!(i.rd, start.wrapping_add(auipc_offset(i)).wrapping_add(imm)),
                Op::Jal => {
                    let pc = last_pc!(i);
                    setz!(i.rd, end);
                    break $blk pc.wrapping_add(imm);
                }
                Op::Jalr => {
                    let target = x!(i.rs1).wrapping_add(imm) & !1;
                    setz!(i.rd, end);
                    break $blk target;
                }
                Op::Beq => {
                    if x!(i.rs1) == x!(i.rs2) {
                        break $blk last_pc!(i).wrapping_add(imm);
                    }
                    break $blk end;
                }
                Op::Bne => {
                    if x!(i.rs1) != x!(i.rs2) {
                        break $blk last_pc!(i).wrapping_add(imm);
                    }
                    break $blk end;
                }
                Op::Blt => {
                    if (x!(i.rs1) as i64) < (x!(i.rs2) as i64) {
                        break $blk last_pc!(i).wrapping_add(imm);
                    }
                    break $blk end;
                }
                Op::Bge => {
                    if (x!(i.rs1) as i64) >= (x!(i.rs2) as i64) {
                        break $blk last_pc!(i).wrapping_add(imm);
                    }
                    break $blk end;
                }
                Op::Bltu => {
                    if x!(i.rs1) < x!(i.rs2) {
                        break $blk last_pc!(i).wrapping_add(imm);
                    }
                    break $blk end;
                }
                Op::Bgeu => {
                    if x!(i.rs1) >= x!(i.rs2) {
                        break $blk last_pc!(i).wrapping_add(imm);
                    }
                    break $blk end;
                }
                // ---- loads and stores ----
                Op::Lb => setz!(
                    i.rd,
                    try_mem!(mem.load_u8(x!(i.rs1).wrapping_add(imm))) as i8 as i64 as u64
                ),
                Op::Lh => setz!(
                    i.rd,
                    try_mem!(mem.load_u16(x!(i.rs1).wrapping_add(imm))) as i16 as i64 as u64
                ),
                Op::Lw => setz!(
                    i.rd,
                    sext32(try_mem!(mem.load_u32(x!(i.rs1).wrapping_add(imm))))
                ),
                Op::Ld => setz!(i.rd, try_mem!(mem.load_u64(x!(i.rs1).wrapping_add(imm)))),
                Op::Lbu => setz!(i.rd, try_mem!(mem.load_u8(x!(i.rs1).wrapping_add(imm)))),
                Op::Lhu => setz!(i.rd, try_mem!(mem.load_u16(x!(i.rs1).wrapping_add(imm)))),
                Op::Lwu => setz!(i.rd, try_mem!(mem.load_u32(x!(i.rs1).wrapping_add(imm)))),
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
                Op::FenceI => return stop(cpu, insns, start, i, Stop::FenceI),
                Op::Ecall => return stop(cpu, insns, start, i, Stop::Ecall),
                Op::Ebreak => return stop(cpu, insns, start, i, Stop::Ebreak),
                Op::Csrrw | Op::Csrrs | Op::Csrrc | Op::Csrrwi | Op::Csrrsi | Op::Csrrci => {
                    let ctx = Ctx {
                        clock: clock.as_deref_mut(),
                        insns,
                        start,
                    };
                    if csr::exec(cpu, *i, pc_of(i), ctx).is_err() {
                        return stop(cpu, insns, start, i, Stop::Illegal);
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
                | Op::AmomaxuD => try_mem!(amo::exec(cpu, mem, *i)),
                // ---- F and D arithmetic ----
                _ => {
                    if fp::exec(cpu, *i).is_err() {
                        return stop(cpu, insns, start, i, Stop::Illegal);
                    }
                }
            }
        }};
    }
        // Four dispatch sites per loop iteration: a quarter of the loop
        // back-edges (each carries an interrupt check in V8's wasm code), and
        // more indirect jumps for the branch predictor to tell apart (measured
        // with interp_bench: 4 beats 2 and 8 both natively and in wasm). No end-of-slice check: the
        // last instruction of every block leaves the loop.
        let n = block.n;
        pc = 'blk: {
            let mut p = insns.as_ptr();
            loop {
                debug_assert!(p < insns.as_ptr_range().end);
                // SAFETY: `p` points into `insns`: it starts at the first
                // element and advances by one per executed instruction, and
                // the block builder guarantees the last element ends the
                // block (a control transfer or stop that breaks out of
                // 'blk or returns, or the END_MARKER jump), so no instruction
                // past the last is ever read. Blocks are never empty.
                step!('blk, unsafe { &*p });
                p = p.wrapping_add(1);
                debug_assert!(p < insns.as_ptr_range().end);
                // SAFETY: as above.
                step!('blk, unsafe { &*p });
                p = p.wrapping_add(1);
                debug_assert!(p < insns.as_ptr_range().end);
                // SAFETY: as above.
                step!('blk, unsafe { &*p });
                p = p.wrapping_add(1);
                debug_assert!(p < insns.as_ptr_range().end);
                // SAFETY: as above.
                step!('blk, unsafe { &*p });
                p = p.wrapping_add(1);
            }
        };
        cpu.instret += n;
        if mem.code_writes_pending() {
            return Out::CodeWrites(pc);
        }
        if cpu.instret >= until {
            return Out::Budget(pc);
        }
    }
}

/// Stops the block `insns` (starting at `start`) at its element `i`:
/// counts the instructions before `i` as retired and returns the stop.
#[cold]
#[inline(never)]
fn stop(cpu: &mut Cpu, insns: &[Insn], start: u64, i: &Insn, why: Stop) -> Out {
    let idx = (i as *const Insn as usize - insns.as_ptr() as usize) / core::mem::size_of::<Insn>();
    cpu.instret += idx as u64;
    Out::Stop(pc_at(insns, start, i), why)
}
