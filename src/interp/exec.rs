//! The hot loop: runs pre-decoded blocks back to back.
//!
//! One `match` on the op per instruction over the block's
//! [interpreter form](super::lower) (a `br_table` in wasm, a jump table
//! natively; Rust has no computed goto, and a table of handler function
//! pointers was rejected because an indirect call per instruction cannot
//! inline the register accesses). Integer arms are a single expression each;
//! loads and stores use the memory's inlined TLB-hit path. The loop itself
//! (`hot`) calls nothing: a TLB miss, a rare instruction or floating point
//! outside the host-float fast path hands the slot back to
//! `run_blocks_in`, which runs it out of line ([`super::slow`]) and
//! resumes the block at the next slot. The loop is built twice, for
//! integer code and for FP code (see [`hot`]). Register fields are byte offsets
//! into `Cpu::x` (< 256 by construction), so an access is one add and one
//! load, with no mask, shift or bounds check. No arm writes `x0` (the
//! lowering chose other forms for those), so nothing re-zeroes it.
//!
//! No pc is tracked per instruction: control transfers are last in their
//! block and carry their target relative to the block end, `auipc` its value
//! relative to the block start, and the slow paths that need the pc of
//! another instruction (faults, CSRs) recompute it from its position. The pc
//! reaches [`Cpu::pc`] only at exits. The budget is counted down in a local
//! by each block's length and `cpu.instret` written back when the loop
//! leaves (by the retired count only, when a block stops early). What the
//! loop reads of a block besides its slots is in the tail after them
//! ([`super::code`]).

use crate::block::{Block, BlockCache, BuildError};
use crate::cpu::Cpu;
use crate::decode::{Insn, Op};
use crate::fpu::{fast, Rm};
use crate::mem::{AddressSpace, MemFault};

/// The sign bit of a double.
const SIGN_D: u64 = 1 << 63;

use super::code::{block_index, tail_after, tail_of, Tail};
use super::int::*;
use super::lower::{XInsn, XOp};
use super::{fp, slow};

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

/// The pc of `insns[idx]`, in a block that starts at `start`.
/// Out of line and cold so that the dispatch loop does not keep (or
/// speculatively compute) the instruction index.
#[cold]
#[inline(never)]
fn pc_at(insns: &[Insn], start: u64, idx: usize) -> u64 {
    insns[..idx.min(insns.len())]
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

/// The target of the taken closing jump or branch of the block whose tail
/// is `t`, read by a volatile load. The load cannot be speculated, so the
/// compiler keeps the branch as a branch instead of turning it into a
/// conditional move (LLVM does so for `if c { taken } else { end }`, in wasm
/// as a `select`): with a conditional move the next block's lookup waits for
/// the guest registers the condition reads, a serial chain across blocks,
/// instead of running ahead on the host's branch prediction (measured: byte
/// sieve about 15% slower natively with the `select`).
///
/// # Safety
/// `t` must point at a live block's tail.
#[inline(always)]
unsafe fn taken(t: *const Tail) -> u64 {
    // SAFETY: the caller's promise.
    unsafe { core::ptr::read_volatile(&(*t).taken) }
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
/// no call per block). Within a block the pc is not tracked (see the module
/// docs).
#[inline(never)]
pub(crate) fn run_blocks(
    cpu: &mut Cpu,
    mem: &mut AddressSpace,
    cache: &mut BlockCache,
    pc: u64,
    until: u64,
    clock: Option<&mut (dyn FnMut() -> u64 + 'static)>,
) -> Out {
    super::active::with_active(cpu, |cpu| run_blocks_in(cpu, mem, cache, pc, until, clock))
}

/// Why [`hot`] handed control back to [`run_blocks_in`].
enum Hot {
    /// The instruction at this slot needs the out-of-line
    /// path (a TLB miss, an [`XOp::Generic`] op, FP outside the host-float
    /// fast path); the block goes on at the next slot.
    Slow(*const XInsn),
    /// The instruction at this slot stops its block.
    Stop(*const XInsn, Stop),
    /// The next block is not in the jump cache.
    Miss(u64),
    /// The budget is spent (or zeroed by a code write); the next pc.
    Budget(u64),
    /// The integer loop met an FP op at this slot: the FP loop takes over
    /// there.
    Fp(*const XInsn),
}

/// [`run_blocks`] on the active CPU (see [`super::active`]): everything
/// that calls out (block building, the memory slow path, rare ops) around
/// the call-free [`hot`] loop.
#[inline(always)]
fn run_blocks_in(
    cpu: &mut Cpu,
    mem: &mut AddressSpace,
    cache: &mut BlockCache,
    pc: u64,
    until: u64,
    mut clock: Option<&mut (dyn FnMut() -> u64 + 'static)>,
) -> Out {
    let mut p: *const XInsn = match cache.enter(pc, mem) {
        Ok(b) => b.code.entry(),
        Err(e) => return Out::Build(pc, e),
    };
    // (Every slot here came from `cache.enter` or from `hot`, which got its
    // blocks from the cache; nothing touches the cache between that and
    // their use, so no block's code is dropped while in use.)
    // Only the out-of-line path can write code (pages with decoded code
    // never get a TLB write entry), so `hot` does not check for code
    // writes: after a slow instruction that wrote code, the rest of the
    // block runs with a zero budget, and its end reports the writes.
    let mut limit = until;
    let mut fp = false;
    loop {
        let out = if fp {
            hot::<true>(cpu, mem, cache, p, limit)
        } else {
            hot::<false>(cpu, mem, cache, p, limit)
        };
        match out {
            Hot::Fp(at) => {
                fp = true;
                p = at;
            }
            Hot::Slow(at) => {
                // SAFETY: a slot of a live block (see above).
                let block = cache.block(unsafe { block_index(tail_of(at)) });
                let k = slot_index(block, at);
                let (insns, start) = (&block.insns[..], block.pc);
                let ctx = Ctx {
                    clock: clock.as_deref_mut(),
                    insns,
                    start,
                };
                if let Err(why) = slow::exec(cpu, mem, &insns[k], || pc_at(insns, start, k), ctx) {
                    return stop(cpu, cache, at, why);
                }
                if mem.code_writes_pending() {
                    limit = 0;
                }
                // SAFETY: a slow instruction never ends its block (control
                // transfers are inline; an `ecall` or `fence.i` stops), so
                // the next slot exists.
                p = unsafe { at.add(1) };
            }
            Hot::Stop(at, why) => return stop(cpu, cache, at, why),
            Hot::Miss(pc) => {
                fp = false;
                p = match cache.enter(pc, mem) {
                    Ok(b) => b.code.entry(),
                    Err(e) => return Out::Build(pc, e),
                };
            }
            Hot::Budget(pc) if mem.code_writes_pending() => return Out::CodeWrites(pc),
            Hot::Budget(pc) => return Out::Budget(pc),
        }
    }
}

/// The index of slot `at` in `block.code` (and of its `Insn` in `insns`).
#[inline(always)]
fn slot_index(block: &Block, at: *const XInsn) -> usize {
    debug_assert!(block.code.slots().as_ptr_range().contains(&at));
    (at as usize - block.code.slots().as_ptr() as usize) / core::mem::size_of::<XInsn>()
}

/// The dispatch loop proper: runs from slot `p` to its block's end, then block after
/// block while the next one is in the jump cache, until the budget, a stop
/// or an instruction it leaves to [`run_blocks_in`].
///
/// It comes in two builds. `hot::<false>`, the integer loop, runs until the
/// first FP op, which it hands to `hot::<true>` ([`Hot::Fp`]); that one has
/// the FP arms inline and keeps running until the next block lookup that
/// misses the jump cache. The integer loop also leaves the M ops out of its
/// four dispatch sites: they break out to one site of their own after them.
/// V8 allocates registers for a whole function at once, and the FP and M
/// arms, copied into four sites, made it keep the slot pointer in a stack
/// slot, stored and reloaded around every dispatch; without them it stays
/// in a register (callgrind, docs/performance.md: the ALU loop 17.9 -> 15.9
/// host instructions per guest instruction, sha256 16.5 -> 15.6).
///
/// It calls nothing. V8's register allocator (wasm has no callee-saved
/// registers) spills every value live across any call in a loop, and
/// reloads them where paths merge, on the hot paths too; with the calls
/// outside, the loop state stays in registers (measured with callgrind on
/// the interpreter benchmark, see docs/performance.md).
#[inline(never)]
fn hot<const FP: bool>(
    cpu: &mut Cpu,
    mem: &mut AddressSpace,
    cache: &mut BlockCache,
    mut p: *const XInsn,
    until: u64,
) -> Hot {
    // The budget left, counted down by each block's length: a subtraction
    // in a register per block instead of updating `cpu.instret` in memory.
    // `cpu.instret` is `base - left`, written back at the exit.
    let mut left = until.saturating_sub(cpu.instret).min(i64::MAX as u64) as i64;
    let base = cpu.instret.wrapping_add(left as u64);
    // Every exit breaks out of this one loop, so that `cpu.instret` is
    // written back at one place (V8 spills a value used at many places).
    let h = 'out: loop {
        // Leaves the loop with `$h` (see above).
        macro_rules! leave {
            ($h:expr) => {
                break 'out $h
            };
        }
        // Everything the loop needs of a block besides its slots is in the
        // tail after its last slot (see `super::code`), read where needed
        // through `p`: in wasm every extra live value in this loop costs
        // spills in V8's register allocator (a block pointer was kept in a
        // stack slot and reloaded at every block end).
        // `p` points into a live block's code (the caller's block, or one
        // from the jump cache below; nothing in this loop changes the
        // cache).
        macro_rules! end {
            ($last:expr) => {
                // SAFETY: `$last` is the first slot of the closing unit.
                unsafe { (*tail_after($last)).end }
            };
        }
        macro_rules! taken {
            ($last:expr) => {
                // SAFETY: as for `end!`.
                unsafe { taken(tail_after($last)) }
            };
        }
        // Register access by byte offset. SAFETY (all uses): every register
        // field of an `XInsn` is `(r & 31) << 3` (see `lower::reg`), a
        // multiple of 8 below 256, so the access is one whole element of
        // the 32-element array.
        macro_rules! x {
            ($r:expr) => {
                // SAFETY: register offset < 256 and a multiple of 8 (see above).
                unsafe { *cpu.x.as_ptr().byte_add($r as usize) }
            };
        }
        macro_rules! set {
            ($r:expr, $v:expr) => {{
                let v = $v;
                debug_assert!($r != 0 && $r % 8 == 0);
                // SAFETY: register offset < 256 and a multiple of 8 (see above).
                unsafe { *cpu.x.as_mut_ptr().byte_add($r as usize) = v }
            }};
        }
        macro_rules! f {
            ($r:expr) => {
                // SAFETY: register offset < 256 and a multiple of 8 (see above).
                unsafe { *cpu.f.as_ptr().byte_add($r as usize) }
            };
        }
        macro_rules! set_f {
            ($r:expr, $v:expr) => {{
                let v = $v;
                // SAFETY: register offset < 256 and a multiple of 8 (see above).
                unsafe { *cpu.f.as_mut_ptr().byte_add($r as usize) = v }
            }};
        }
        // Leaves slot `$q` to the out-of-line path.
        macro_rules! slow {
            ($q:expr) => {
                leave!(Hot::Slow($q))
            };
        }
        // A TLB hit, or the slot goes out of line (which also raises
        // any fault).
        macro_rules! try_mem {
            ($q:expr, $e:expr) => {
                match $e {
                    Some(v) => v,
                    None => slow!($q),
                }
            };
        }
        // The pairs `ld; ld` and `sd; sd` at slot `$p`, which steps to the
        // second slot; a TLB miss in either half leaves that slot out of
        // line. The integer loop runs them at the M ops' site (`m_op!`), the
        // FP loop inline.
        macro_rules! ld_ld {
            ($p:ident) => {{
                // SAFETY: `$p` is a slot of the block (see `step!`).
                let i: &XInsn = unsafe { &*$p };
                let a = x!(i.rs1).wrapping_add(i.imm as i64 as u64);
                set!(i.rd, try_mem!($p, mem.load_fast_u64(a)));
                // SAFETY: a fused pair's second slot exists (see `lower::fuse`).
                $p = unsafe { $p.add(1) };
                // SAFETY: as above.
                let i: &XInsn = unsafe { &*$p };
                let a = x!(i.rs1).wrapping_add(i.imm as i64 as u64);
                set!(i.rd, try_mem!($p, mem.load_fast_u64(a)));
            }};
        }
        macro_rules! sd_sd {
            ($p:ident) => {{
                // SAFETY: `$p` is a slot of the block (see `step!`).
                let i: &XInsn = unsafe { &*$p };
                let a = x!(i.rs1).wrapping_add(i.imm as i64 as u64);
                try_mem!($p, mem.store_fast_u64(a, x!(i.rs2)));
                // SAFETY: a fused pair's second slot exists (see `lower::fuse`).
                $p = unsafe { $p.add(1) };
                // SAFETY: as above.
                let i: &XInsn = unsafe { &*$p };
                let a = x!(i.rs1).wrapping_add(i.imm as i64 as u64);
                try_mem!($p, mem.store_fast_u64(a, x!(i.rs2)));
            }};
        }
        // The ops the integer loop runs at a dispatch site of their own,
        // after the four (see `hot`): the M ops, which the FP loop runs
        // inline, and the pairs of loads or of stores.
        macro_rules! m_op {
            ($p:ident) => {{
                // SAFETY: `$p` is a slot of the block (see `step!`).
                let i: &XInsn = unsafe { &*$p };
                match i.op {
                    XOp::Mul => set!(i.rd, x!(i.rs1).wrapping_mul(x!(i.rs2))),
                    XOp::Mulh => set!(i.rd, mulh(x!(i.rs1), x!(i.rs2), i.imm as u32 as u64)),
                    XOp::Mulhsu => set!(i.rd, mulhsu(x!(i.rs1), x!(i.rs2), i.imm as u32 as u64)),
                    XOp::Mulhu => set!(i.rd, mulhu(x!(i.rs1), x!(i.rs2), i.imm as u32 as u64)),
                    XOp::Div => set!(i.rd, div(x!(i.rs1), x!(i.rs2))),
                    XOp::Divu => set!(i.rd, divu(x!(i.rs1), x!(i.rs2))),
                    XOp::Rem => set!(i.rd, rem(x!(i.rs1), x!(i.rs2))),
                    XOp::Remu => set!(i.rd, remu(x!(i.rs1), x!(i.rs2))),
                    XOp::Mulw => set!(i.rd, sext32(x!(i.rs1).wrapping_mul(x!(i.rs2)))),
                    XOp::Divw => set!(i.rd, divw(x!(i.rs1), x!(i.rs2))),
                    XOp::Divuw => set!(i.rd, divuw(x!(i.rs1), x!(i.rs2))),
                    XOp::Remw => set!(i.rd, remw(x!(i.rs1), x!(i.rs2))),
                    XOp::Remuw => set!(i.rd, remuw(x!(i.rs1), x!(i.rs2))),
                    XOp::LdLd => ld_ld!($p),
                    XOp::SdSd => sd_sd!($p),
                    _ => slow!($p),
                }
            }};
        }
        macro_rules! step {
        ($blk:lifetime, $m:lifetime, $p:ident) => {{
            // SAFETY: `$p` points into `code`: it starts at the first
            // element and advances by one per executed slot (two for a fused
            // pair, whose second slot exists by construction), and the last
            // element ends the block (a control transfer or stop that
            // breaks out of 'blk or returns, or the end-marker jump), so no
            // slot past the last is ever read. Blocks are never empty.
            // SAFETY: see above.
            debug_assert!(unsafe { (*$p).op } != XOp::Tail);
            // SAFETY: see above.
            let i: &XInsn = unsafe { &*$p };
            // Stops the block at slot `$q`.
            macro_rules! stop_at {
                ($q:expr, $why:expr) => {
                    leave!(Hot::Stop($q, $why))
                };
            }
            // The immediate is read in the arms that use it, not before the
            // dispatch: a value computed before the `br_table` stays live
            // across every arm, and V8 spills it.
            macro_rules! imm {
                () => {
                    (i.imm as i64 as u64)
                };
            }
            // First half `rd = $v`, then the branch in the next slot if
            // `$c(x[branch.rs1], x[branch.rs2])`, both read after the write.
            macro_rules! fused_br {
                ($b:lifetime, $v:expr, |$x:ident, $y:ident| $c:expr) => {{
                    set!(i.rd, $v);
                    // SAFETY: a fused pair's second slot exists (see `lower::fuse`).
                    let b = unsafe { &*$p.add(1) };
                    let ($x, $y): (u64, u64) = (x!(b.rs1), x!(b.rs2));
                    if $c {
                        break $b taken!($p);
                    }
                    break $b end!($p);
                }};
            }
            // Steps `$p` to a fused pair's second slot and gives its single
            // form, to be bound to a new `i` (which `imm!()` does not see).
            macro_rules! second {
                ($q:ident) => {{
                    // SAFETY: a fused pair's second slot exists (see `lower::fuse`).
                    $q = unsafe { $q.add(1) };
                    // SAFETY: as above.
                    unsafe { &*$q }
                }};
            }
            // In the integer loop (`FP` false), an FP op hands the block over
            // to the FP loop at this slot.
            macro_rules! fp_only {
                () => {
                    if !FP {
                        leave!(Hot::Fp($p));
                    }
                };
            }
            // A double op on the host-float fast path: in round to nearest
            // even (static, or dynamic with `frm` so), when the fast path
            // can give the exact result and flags; writes `rd` and
            // accumulates the flags as `fp::exec` does. Anything else (other
            // modes, reserved modes, operands the fast path declines) goes
            // out of line, to the exact engine.
            macro_rules! fp_d {
                (|$a:ident, $b:ident, $c:ident, $fl:ident| $e:expr) => {{
                    fp_only!();
                    let bits = (i.imm >> 8) as u32 & 7;
                    let bits = if bits == 7 { cpu.frm() } else { bits };
                    if bits != Rm::Rne as u32 {
                        slow!($p)
                    }
                    let ($a, $b, $c): (u64, u64, u64) = (f!(i.rs1), f!(i.rs2), f!(i.imm as u8));
                    let mut flags = 0u32;
                    let $fl = &mut flags;
                    let Some(v) = $e else { slow!($p) };
                    set_f!(i.rd, v);
                    cpu.fcsr |= (flags & 0x1f) as u64;
                }};
            }
            match i.op {
                XOp::Nop => {}
                XOp::Li => set!(i.rd, imm!()),
                XOp::Mv => set!(i.rd, x!(i.rs1)),
                XOp::SextW => set!(i.rd, sext32(x!(i.rs1))),
                // SAFETY: `rs1` is the distance to the tail (see `Code::new`).
                XOp::Auipc => set!(i.rd, unsafe { (*$p.add(i.rs1 as usize).cast::<Tail>()).pc }.wrapping_add(imm!())),
                // ---- jumps and branches (always last in their block) ----
                XOp::J => break $blk taken!($p),
                XOp::Jal => {
                    set!(i.rd, end!($p));
                    break $blk taken!($p);
                }
                XOp::Jr => break $blk x!(i.rs1).wrapping_add(imm!()) & !1,
                XOp::Jalr => {
                    let t = x!(i.rs1).wrapping_add(imm!()) & !1;
                    set!(i.rd, end!($p));
                    break $blk t;
                }
                XOp::Beqz => { if x!(i.rs1) == 0 { break $blk taken!($p); } break $blk end!($p); },
                XOp::Bnez => { if x!(i.rs1) != 0 { break $blk taken!($p); } break $blk end!($p); },
                XOp::Beq => { if x!(i.rs1) == x!(i.rs2) { break $blk taken!($p); } break $blk end!($p); },
                XOp::Bne => { if x!(i.rs1) != x!(i.rs2) { break $blk taken!($p); } break $blk end!($p); },
                XOp::Blt => {
                    { if (x!(i.rs1) as i64) < (x!(i.rs2) as i64) { break $blk taken!($p); } break $blk end!($p); }
                }
                XOp::Bge => {
                    { if (x!(i.rs1) as i64) >= (x!(i.rs2) as i64) { break $blk taken!($p); } break $blk end!($p); }
                }
                XOp::Bltu => { if x!(i.rs1) < x!(i.rs2) { break $blk taken!($p); } break $blk end!($p); },
                XOp::Bgeu => { if x!(i.rs1) >= x!(i.rs2) { break $blk taken!($p); } break $blk end!($p); },
                // ---- loads and stores ----
                XOp::Lb => set!(
                    i.rd,
                    try_mem!($p, mem.load_fast_u8(x!(i.rs1).wrapping_add(imm!()))) as i8 as i64 as u64
                ),
                XOp::Lh => set!(
                    i.rd,
                    try_mem!($p, mem.load_fast_u16(x!(i.rs1).wrapping_add(imm!()))) as i16 as i64 as u64
                ),
                XOp::Lw => set!(
                    i.rd,
                    sext32(try_mem!($p, mem.load_fast_u32(x!(i.rs1).wrapping_add(imm!()))))
                ),
                XOp::Ld => set!(i.rd, try_mem!($p, mem.load_fast_u64(x!(i.rs1).wrapping_add(imm!())))),
                XOp::Lbu => set!(i.rd, try_mem!($p, mem.load_fast_u8(x!(i.rs1).wrapping_add(imm!())))),
                XOp::Lhu => set!(i.rd, try_mem!($p, mem.load_fast_u16(x!(i.rs1).wrapping_add(imm!())))),
                XOp::Lwu => set!(i.rd, try_mem!($p, mem.load_fast_u32(x!(i.rs1).wrapping_add(imm!())))),
                XOp::Sb => try_mem!($p, mem.store_fast_u8(x!(i.rs1).wrapping_add(imm!()), x!(i.rs2))),
                XOp::Sh => try_mem!($p, mem.store_fast_u16(x!(i.rs1).wrapping_add(imm!()), x!(i.rs2))),
                XOp::Sw => try_mem!($p, mem.store_fast_u32(x!(i.rs1).wrapping_add(imm!()), x!(i.rs2))),
                XOp::Sd => try_mem!($p, mem.store_fast_u64(x!(i.rs1).wrapping_add(imm!()), x!(i.rs2))),
                // ---- register-immediate ----
                XOp::Addi => set!(i.rd, x!(i.rs1).wrapping_add(imm!())),
                XOp::Slti => set!(i.rd, ((x!(i.rs1) as i64) < imm!() as i64) as u64),
                XOp::Sltiu => set!(i.rd, (x!(i.rs1) < imm!()) as u64),
                XOp::Xori => set!(i.rd, x!(i.rs1) ^ imm!()),
                XOp::Ori => set!(i.rd, x!(i.rs1) | imm!()),
                XOp::Andi => set!(i.rd, x!(i.rs1) & imm!()),
                // Shift amounts were masked by the lowering.
                XOp::Slli => set!(i.rd, x!(i.rs1) << (i.imm & 63)),
                XOp::Srli => set!(i.rd, x!(i.rs1) >> (i.imm & 63)),
                XOp::Srai => set!(i.rd, ((x!(i.rs1) as i64) >> (i.imm & 63)) as u64),
                // ---- register-register ----
                XOp::Add => set!(i.rd, x!(i.rs1).wrapping_add(x!(i.rs2))),
                XOp::Sub => set!(i.rd, x!(i.rs1).wrapping_sub(x!(i.rs2))),
                XOp::Sll => set!(i.rd, x!(i.rs1) << (x!(i.rs2) & 63)),
                XOp::Slt => set!(i.rd, ((x!(i.rs1) as i64) < (x!(i.rs2) as i64)) as u64),
                XOp::Sltu => set!(i.rd, (x!(i.rs1) < x!(i.rs2)) as u64),
                XOp::Xor => set!(i.rd, x!(i.rs1) ^ x!(i.rs2)),
                XOp::Srl => set!(i.rd, x!(i.rs1) >> (x!(i.rs2) & 63)),
                XOp::Sra => set!(i.rd, ((x!(i.rs1) as i64) >> (x!(i.rs2) & 63)) as u64),
                XOp::Or => set!(i.rd, x!(i.rs1) | x!(i.rs2)),
                XOp::And => set!(i.rd, x!(i.rs1) & x!(i.rs2)),
                // ---- 32-bit ----
                XOp::Addiw => set!(i.rd, sext32(x!(i.rs1).wrapping_add(imm!()))),
                XOp::Slliw => set!(i.rd, sext32(((x!(i.rs1) as u32) << (i.imm & 31)) as u64)),
                XOp::Srliw => set!(i.rd, sext32(((x!(i.rs1) as u32) >> (i.imm & 31)) as u64)),
                XOp::Sraiw => set!(i.rd, ((x!(i.rs1) as i32) >> (i.imm & 31)) as i64 as u64),
                XOp::Addw => set!(i.rd, sext32(x!(i.rs1).wrapping_add(x!(i.rs2)))),
                XOp::Subw => set!(i.rd, sext32(x!(i.rs1).wrapping_sub(x!(i.rs2)))),
                XOp::Sllw => set!(
                    i.rd,
                    sext32(((x!(i.rs1) as u32) << (x!(i.rs2) & 31)) as u64)
                ),
                XOp::Srlw => set!(
                    i.rd,
                    sext32(((x!(i.rs1) as u32) >> (x!(i.rs2) & 31)) as u64)
                ),
                XOp::Sraw => set!(i.rd, ((x!(i.rs1) as i32) >> (x!(i.rs2) & 31)) as i64 as u64),
                // ---- M (see `m_op!`) ----
                XOp::Mul | XOp::Mulh | XOp::Mulhsu | XOp::Mulhu | XOp::Div | XOp::Divu
                | XOp::Rem | XOp::Remu | XOp::Mulw | XOp::Divw | XOp::Divuw | XOp::Remw
                | XOp::Remuw => {
                    if !FP {
                        break $m $p;
                    }
                    m_op!($p);
                }
                // ---- FP loads and stores (inline: as hot as integer ones in FP code) ----
                XOp::Flw => {
                    fp_only!();
                    let v = try_mem!($p, mem.load_fast_u32(x!(i.rs1).wrapping_add(imm!())));
                    set_f!(i.rd, fp::box_s(v as u32));
                }
                XOp::Fld => {
                    fp_only!();
                    set_f!(i.rd, try_mem!($p, mem.load_fast_u64(x!(i.rs1).wrapping_add(imm!()))));
                }
                XOp::Fsw => {
                    fp_only!();
                    try_mem!($p, mem.store_fast_u32(x!(i.rs1).wrapping_add(imm!()), f!(i.rs2)));
                }
                XOp::Fsd => {
                    fp_only!();
                    try_mem!($p, mem.store_fast_u64(x!(i.rs1).wrapping_add(imm!()), f!(i.rs2)));
                }
                XOp::Ecall => stop_at!($p, Stop::Ecall),
                // ---- double arithmetic (inline: see `XOp::FaddD`) ----
                XOp::FaddD => fp_d!(|a, b, _c, fl| fast::add_d(a, b, fl)),
                XOp::FsubD => fp_d!(|a, b, _c, fl| fast::add_d(a, b ^ SIGN_D, fl)),
                XOp::FmulD => fp_d!(|a, b, _c, fl| fast::mul_d(a, b, fl)),
                XOp::FdivD => fp_d!(|a, b, _c, fl| fast::div_d(a, b, fl)),
                XOp::FmaddD => fp_d!(|a, b, c, fl| fast::fma_d(a, b, c, fl)),
                XOp::FmsubD => fp_d!(|a, b, c, fl| fast::fma_d(a, b, c ^ SIGN_D, fl)),
                XOp::FnmsubD => fp_d!(|a, b, c, fl| fast::fma_d(a ^ SIGN_D, b, c, fl)),
                XOp::FnmaddD => fp_d!(|a, b, c, fl| fast::fma_d(a ^ SIGN_D, b, c ^ SIGN_D, fl)),
                // ---- fused pairs: the second half is the next slot ----
                XOp::AddiBnez => {
                    let v = x!(i.rs1).wrapping_add(imm!());
                    set!(i.rd, v);
                    if v != 0 {
                        break $blk taken!($p);
                    }
                    break $blk end!($p);
                }
                // An add/addi, then the branch in the next slot.
                XOp::AddiBeq => fused_br!($blk, x!(i.rs1).wrapping_add(imm!()), |u, w| u == w),
                XOp::AddiBne => fused_br!($blk, x!(i.rs1).wrapping_add(imm!()), |u, w| u != w),
                XOp::AddiBlt => fused_br!($blk, x!(i.rs1).wrapping_add(imm!()), |u, w| (u as i64) < (w as i64)),
                XOp::AddiBge => fused_br!($blk, x!(i.rs1).wrapping_add(imm!()), |u, w| (u as i64) >= (w as i64)),
                XOp::AddiBltu => fused_br!($blk, x!(i.rs1).wrapping_add(imm!()), |u, w| u < w),
                XOp::AddiBgeu => fused_br!($blk, x!(i.rs1).wrapping_add(imm!()), |u, w| u >= w),
                XOp::AddBeq => fused_br!($blk, x!(i.rs1).wrapping_add(x!(i.rs2)), |u, w| u == w),
                XOp::AddBne => fused_br!($blk, x!(i.rs1).wrapping_add(x!(i.rs2)), |u, w| u != w),
                XOp::AddBlt => fused_br!($blk, x!(i.rs1).wrapping_add(x!(i.rs2)), |u, w| (u as i64) < (w as i64)),
                XOp::AddBge => fused_br!($blk, x!(i.rs1).wrapping_add(x!(i.rs2)), |u, w| (u as i64) >= (w as i64)),
                XOp::AddBltu => fused_br!($blk, x!(i.rs1).wrapping_add(x!(i.rs2)), |u, w| u < w),
                XOp::AddBgeu => fused_br!($blk, x!(i.rs1).wrapping_add(x!(i.rs2)), |u, w| u >= w),
                XOp::AddLbu => {
                    let a = x!(i.rs1).wrapping_add(x!(i.rs2));
                    set!(i.rd, a);
                    // SAFETY: a fused pair's second slot exists (see `lower::fuse`).
                    $p = unsafe { $p.add(1) };
                    // SAFETY: as above.
                    let b = unsafe { &*$p };
                    let v = try_mem!($p, mem.load_fast_u8(a.wrapping_add(b.imm as i64 as u64)));
                    set!(b.rd, v);
                }
                XOp::AddSb => {
                    let a = x!(i.rs1).wrapping_add(x!(i.rs2));
                    set!(i.rd, a);
                    // SAFETY: a fused pair's second slot exists (see `lower::fuse`).
                    $p = unsafe { $p.add(1) };
                    // SAFETY: as above.
                    let b = unsafe { &*$p };
                    try_mem!($p, mem.store_fast_u8(a.wrapping_add(b.imm as i64 as u64), x!(b.rs2)));
                }
                // ---- pairs of independent ops: the second slot's single
                // form runs right after the first, reading registers anew ----
                XOp::SextWSextW => {
                    set!(i.rd, sext32(x!(i.rs1)));
                    let i = second!($p);
                    set!(i.rd, sext32(x!(i.rs1)));
                }
                XOp::AddAdd => {
                    set!(i.rd, x!(i.rs1).wrapping_add(x!(i.rs2)));
                    let i = second!($p);
                    set!(i.rd, x!(i.rs1).wrapping_add(x!(i.rs2)));
                }
                XOp::AddwAddw => {
                    set!(i.rd, sext32(x!(i.rs1).wrapping_add(x!(i.rs2))));
                    let i = second!($p);
                    set!(i.rd, sext32(x!(i.rs1).wrapping_add(x!(i.rs2))));
                }
                XOp::SlliAdd => {
                    set!(i.rd, x!(i.rs1) << (i.imm & 63));
                    let i = second!($p);
                    set!(i.rd, x!(i.rs1).wrapping_add(x!(i.rs2)));
                }
                XOp::SbAdd => {
                    try_mem!($p, mem.store_fast_u8(x!(i.rs1).wrapping_add(imm!()), x!(i.rs2)));
                    let i = second!($p);
                    set!(i.rd, x!(i.rs1).wrapping_add(x!(i.rs2)));
                }
                XOp::LbuAddi => {
                    let v = try_mem!($p, mem.load_fast_u8(x!(i.rs1).wrapping_add(imm!())));
                    set!(i.rd, v);
                    let i = second!($p);
                    set!(i.rd, x!(i.rs1).wrapping_add(i.imm as i64 as u64));
                }
                XOp::LdLd => {
                    if !FP {
                        break $m $p;
                    }
                    ld_ld!($p);
                }
                XOp::SdSd => {
                    if !FP {
                        break $m $p;
                    }
                    sd_sd!($p);
                }
                // (`Tail` is never dispatched: the last slot leaves first.)
                XOp::Generic | XOp::Tail => slow!($p),
            }
        }};
    }
        // Four dispatch sites per loop iteration: a quarter of the loop
        // back-edges (each carries an interrupt check in V8's wasm code), and
        // more indirect jumps for the branch predictor to tell apart
        // (measured with interp_bench: 4 beats 2 and 8 both natively and in
        // wasm). No end-of-slice check: the last slot of every block leaves
        // the loop.

        let pc = 'blk: {
            // `add` rather than `wrapping_add`: an in-bounds step lets LLVM
            // fold the 8-byte advance into the next slot's field loads (the
            // wasm `offset` immediate), which saves V8 an address add per
            // field. SAFETY (each `add`): `p` points at a slot of `code` that
            // did not leave the block, so the slot after it exists (the last
            // slot always leaves, see `step!`).
            loop {
                p = 'm: {
                    loop {
                        step!('blk, 'm, p);
                        // SAFETY: see above.
                        p = unsafe { p.add(1) };
                        step!('blk, 'm, p);
                        // SAFETY: see above.
                        p = unsafe { p.add(1) };
                        step!('blk, 'm, p);
                        // SAFETY: see above.
                        p = unsafe { p.add(1) };
                        step!('blk, 'm, p);
                        // SAFETY: see above.
                        p = unsafe { p.add(1) };
                    }
                };
                m_op!(p);
                // SAFETY: see above (these ops are never last in their block).
                p = unsafe { p.add(1) };
            }
        };
        // `p` is at the block's closing unit, which the tail follows.
        // SAFETY: see `end!`.
        let t: &mut Tail = unsafe { &mut *tail_after(p) };
        t.count += 1;
        left -= t.n as i64;
        if left <= 0 {
            leave!(Hot::Budget(pc));
        }
        // A block that loops to itself (the inner loops of copies, scans
        // and counters) is re-entered without a lookup.
        p = if pc == t.pc {
            t.start
        } else {
            match cache.enter_cached(pc) {
                Some(code) => code,
                None => leave!(Hot::Miss(pc)),
            }
        };
    };
    cpu.instret = base.wrapping_sub(left as u64);
    h
}

/// Stops the block of slot `at` there: counts the block's run and the
/// instructions before `at` as retired, and returns the stop.
#[cold]
#[inline(never)]
fn stop(cpu: &mut Cpu, cache: &mut BlockCache, at: *const XInsn, why: Stop) -> Out {
    // SAFETY: `at` is a slot of a live block (see `run_blocks_in`).
    let t = unsafe { tail_of(at) };
    // SAFETY: as above: `t` is that block's tail.
    unsafe { (*t).count += 1 };
    // SAFETY: as above.
    let block = cache.block(unsafe { block_index(t) });
    let idx = slot_index(block, at);
    cpu.instret += idx as u64;
    // `ecall` and `fence.i` are last in their block: their pc is the block
    // end minus their length, without walking the block.
    let pc = match block.insns.get(idx) {
        // (`n` equals the length when no end marker follows the last one.)
        Some(i) if idx + 1 == block.insns.len() && block.n() == idx as u64 + 1 => {
            block.end().wrapping_sub(i.len as u64)
        }
        _ => pc_at(&block.insns, block.pc, idx),
    };
    Out::Stop(pc, why)
}
