//! The interpreter's private instruction form, built once per block from the
//! shared [`Insn`]s.
//!
//! An [`XInsn`] is 8 bytes (op, three register fields, a 32-bit immediate)
//! instead of 12, and is shaped for the dispatch loop rather than for every
//! consumer:
//! - register fields hold byte offsets into `Cpu::x` (or `Cpu::f`), i.e. the
//!   register number times 8, always `< 256`: no shift and no mask per access;
//! - control transfers carry their offset from the block's *end* address
//!   (`imm - len`), and `auipc` its value relative to the block's *start*, so
//!   the loop needs no instruction length or pc;
//! - forms are chosen at build time so that no arm has to re-zero `x0`:
//!   pure ops writing `x0` become [`XOp::Nop`], jumps without a link become
//!   [`XOp::J`]/[`XOp::Jr`], and the rare loads into `x0` go to
//!   [`XOp::Generic`];
//! - common special cases get their own op (`li`, branch against zero), and
//!   a few common adjacent pairs are fused (see [`fuse`]).
//!
//! Everything rare (system, CSR, atomics, FP arithmetic) is [`XOp::Generic`],
//! whose `imm` is the index of the original [`Insn`] in the block, so one
//! out-of-line function handles it with the full decoded form.
//!
//! The block keeps both forms, index for index (a fused pair occupies the
//! slot of its first half; the second slot keeps its single form), so a
//! fault at slot `k` is reported at the pc of `insns[k]`.
//!
//! Rejected: rewriting the shared `Insn`s in place (the translator and
//! disassembler read them) and a wider form with an embedded pc (a 16-byte
//! instruction costs cache footprint for a field the loop does not need).

use crate::decode::{Insn, Op};

use super::exec::auipc_offset;

macro_rules! xops {
    ($($(#[$m:meta])* $name:ident,)*) => {
        /// An operation of the interpreter's private form.
        #[repr(u8)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum XOp {
            $($(#[$m])* $name,)*
        }
    };
}

xops! {
    /// Does nothing (`fence`, pure ops writing `x0`).
    Nop,
    /// Anything else: `imm` is the index of the `Insn` in the block.
    Generic,
    /// `rd = imm` (`lui`, `addi rd, x0, imm`).
    Li,
    /// `rd = rs1` (`mv`: `addi rd, rs1, 0`).
    Mv,
    /// `rd = sext(rs1[31:0])` (`sext.w`: `addiw rd, rs1, 0`).
    SextW,
    /// `rd = start + imm` (`auipc`; `imm` = offset in block + immediate);
    /// `rs1` is the distance in slots to the block's [`Tail`](super::code::Tail),
    /// which holds the start pc.
    Auipc,
    /// `rd = end; goto end + imm`.
    Jal,
    /// `goto end + imm` (`jal x0`, and the end marker with imm 0).
    J,
    /// `t = (rs1 + imm) & !1; rd = end; goto t`.
    Jalr,
    /// `goto (rs1 + imm) & !1`.
    Jr,
    Beq, Bne, Blt, Bge, Bltu, Bgeu,
    /// `if rs1 == 0 goto end + imm`.
    Beqz,
    /// `if rs1 != 0 goto end + imm`.
    Bnez,
    Lb, Lh, Lw, Ld, Lbu, Lhu, Lwu,
    Sb, Sh, Sw, Sd,
    Addi, Slti, Sltiu, Xori, Ori, Andi, Slli, Srli, Srai,
    Add, Sub, Sll, Slt, Sltu, Xor, Srl, Sra, Or, And,
    Addiw, Slliw, Srliw, Sraiw, Addw, Subw, Sllw, Srlw, Sraw,
    /// `mulh`, `mulhsu`, `mulhu`: `imm` is [`MULH_MASK`].
    Mul, Mulh, Mulhsu, Mulhu, Div, Divu, Rem, Remu,
    Mulw, Divw, Divuw, Remw, Remuw,
    /// `f[rd] = box(load32(rs1 + imm))`.
    Flw,
    /// `f[rd] = load64(rs1 + imm)`.
    Fld,
    /// `store32(rs1 + imm, f[rs2])`.
    Fsw,
    /// `store64(rs1 + imm, f[rs2])`.
    Fsd,
    /// `ecall`: stops the block for the runtime (inline: one per syscall,
    /// which would otherwise pay [`XOp::Generic`]'s out-of-line call).
    Ecall,
    /// `f[rd] = f[rs1] op f[rs2]` in double precision, `imm` = the
    /// instruction's `rm` field << 8 (7: dynamic). The common double
    /// arithmetic runs inline rather than through [`XOp::Generic`]'s two
    /// out-of-line dispatches (about 2x on FP kernels).
    FaddD,
    FsubD,
    FmulD,
    FdivD,
    /// `f[rd] = ±(f[rs1] * f[rs2]) ± f[rs3]` with one rounding; `imm` =
    /// `rm << 8 | offset of rs3`.
    FmaddD,
    FmsubD,
    FnmsubD,
    FnmaddD,
    /// Fused `addi rd, rd, imm; bne rd, x0, end + off` where the next slot
    /// is the `bnez` (its `imm` is the branch offset): the loop-counter idiom.
    AddiBnez,
    /// Fused `addi rd, rs1, imm; beq r1, r2, off`: the next slot is the
    /// branch (its single form), whose registers are read after the `addi`
    /// wrote `rd`, whichever they are. Compilers put the induction
    /// variable's update right before a loop's closing branch.
    AddiBeq,
    AddiBne,
    AddiBlt,
    AddiBge,
    AddiBltu,
    AddiBgeu,
    /// Fused `add rd, rs1, rs2; b<cond> r1, r2, off` (as `AddiBeq`).
    AddBeq,
    AddBne,
    AddBlt,
    AddBge,
    AddBltu,
    AddBgeu,
    /// Fused `add rd, rs1, rs2; lbu r, off(rd)` (next slot is the `lbu`).
    AddLbu,
    /// Fused `add rd, rs1, rs2; sb r, off(rd)` (next slot is the `sb`).
    AddSb,
    /// Pairs of the same or related ops, the second reading its registers
    /// after the first wrote: the commonest adjacent pairs in compiled code
    /// (measured on BusyBox and the benchmarks: `ld; ld` and `sd; sd` in
    /// prologues, epilogues and copies, `sext.w` chains and 32-bit adds in
    /// `int` code, `slli; add` indexing). The next slot keeps the second's
    /// single form.
    SextWSextW,
    AddAdd,
    AddwAddw,
    SlliAdd,
    LdLd,
    SdSd,
    /// `lbu; addi` (the byte loop's load and pointer step).
    LbuAddi,
    /// `sb; add` (a byte store and a strided index or pointer step).
    SbAdd,
    /// Not an instruction: the marker of the [`Tail`](super::code::Tail)
    /// after a block's last slot.
    Tail,
}

/// The immediate of the high multiplies: all ones, which the arm passes to
/// [`int::mulhu`](super::int::mulhu) as its low-half mask (`0xffff_ffff`
/// once zero-extended from 32 bits). Being data rather than a constant, it
/// keeps LLVM from recognising the 32-bit partial products as a 128-bit
/// multiply, which in wasm is a call to `__multi3` (see `mulhu`).
pub const MULH_MASK: i32 = -1;

/// One instruction in the interpreter's form. Register fields are byte
/// offsets (`8 * number`, so `< 256`) into the register file the op uses.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct XInsn {
    /// The operation.
    pub op: XOp,
    /// Destination register offset.
    pub rd: u8,
    /// First source register offset.
    pub rs1: u8,
    /// Second source register offset.
    pub rs2: u8,
    /// Immediate (meaning depends on `op`, see [`XOp`]).
    pub imm: i32,
}

/// Byte offset of register number `r` (masked, so always `< 256`).
#[inline(always)]
fn reg(r: u8) -> u8 {
    (r & 31) << 3
}

impl XInsn {
    /// `op` with every other field zero.
    pub(crate) const fn bare(op: XOp) -> Self {
        XInsn {
            op,
            rd: 0,
            rs1: 0,
            rs2: 0,
            imm: 0,
        }
    }

    fn new(op: XOp, rd: u8, rs1: u8, rs2: u8, imm: i32) -> Self {
        XInsn {
            op,
            rd: reg(rd),
            rs1: reg(rs1),
            rs2: reg(rs2),
            imm,
        }
    }
}

/// The single (unfused) form of `i`, the `idx`-th instruction of its block.
fn single(i: &Insn, idx: usize) -> XInsn {
    use XOp as X;
    let generic = XInsn::new(X::Generic, 0, 0, 0, idx as i32);
    let rel = i.imm.wrapping_sub(i.len as i32); // offset from the block end
    let shamt = i.imm & 63;
    let shamtw = i.imm & 31;
    let (rd, rs1, rs2) = (i.rd, i.rs1, i.rs2);
    let op = match i.op {
        Op::Fence => return XInsn::new(X::Nop, 0, 0, 0, 0),
        Op::Lui => return XInsn::new(X::Li, rd, 0, 0, i.imm),
        Op::Addi if rs1 == 0 => return XInsn::new(X::Li, rd, 0, 0, i.imm),
        Op::Addi if i.imm == 0 => return XInsn::new(X::Mv, rd, rs1, 0, 0),
        Op::Addiw if i.imm == 0 => return XInsn::new(X::SextW, rd, rs1, 0, 0),
        Op::Auipc => {
            let v = i.imm.wrapping_add(auipc_offset(i) as i32);
            return XInsn::new(X::Auipc, rd, 0, 0, v);
        }
        Op::Jal if rd == 0 => return XInsn::new(X::J, 0, 0, 0, rel),
        Op::Jal => return XInsn::new(X::Jal, rd, 0, 0, rel),
        Op::Jalr if rd == 0 => X::Jr,
        Op::Jalr => X::Jalr,
        Op::Beq if rs2 == 0 => return XInsn::new(X::Beqz, 0, rs1, 0, rel),
        Op::Bne if rs2 == 0 => return XInsn::new(X::Bnez, 0, rs1, 0, rel),
        Op::Beq => return XInsn::new(X::Beq, 0, rs1, rs2, rel),
        Op::Bne => return XInsn::new(X::Bne, 0, rs1, rs2, rel),
        Op::Blt => return XInsn::new(X::Blt, 0, rs1, rs2, rel),
        Op::Bge => return XInsn::new(X::Bge, 0, rs1, rs2, rel),
        Op::Bltu => return XInsn::new(X::Bltu, 0, rs1, rs2, rel),
        Op::Bgeu => return XInsn::new(X::Bgeu, 0, rs1, rs2, rel),
        // Loads into x0 still access memory (and may fault), but are rare.
        Op::Lb | Op::Lh | Op::Lw | Op::Ld | Op::Lbu | Op::Lhu | Op::Lwu if rd == 0 => {
            return generic
        }
        Op::Lb => X::Lb,
        Op::Lh => X::Lh,
        Op::Lw => X::Lw,
        Op::Ld => X::Ld,
        Op::Lbu => X::Lbu,
        Op::Lhu => X::Lhu,
        Op::Lwu => X::Lwu,
        Op::Sb => X::Sb,
        Op::Sh => X::Sh,
        Op::Sw => X::Sw,
        Op::Sd => X::Sd,
        Op::Ecall => return XInsn::new(X::Ecall, 0, 0, 0, 0),
        Op::FaddD => return XInsn::new(X::FaddD, rd, rs1, rs2, (i.rm as i32) << 8),
        Op::FsubD => return XInsn::new(X::FsubD, rd, rs1, rs2, (i.rm as i32) << 8),
        Op::FmulD => return XInsn::new(X::FmulD, rd, rs1, rs2, (i.rm as i32) << 8),
        Op::FdivD => return XInsn::new(X::FdivD, rd, rs1, rs2, (i.rm as i32) << 8),
        Op::FmaddD | Op::FmsubD | Op::FnmsubD | Op::FnmaddD => {
            let op = match i.op {
                Op::FmaddD => X::FmaddD,
                Op::FmsubD => X::FmsubD,
                Op::FnmsubD => X::FnmsubD,
                _ => X::FnmaddD,
            };
            return XInsn::new(op, rd, rs1, rs2, (i.rm as i32) << 8 | reg(i.rs3) as i32);
        }
        Op::Flw => X::Flw,
        Op::Fld => X::Fld,
        Op::Fsw => X::Fsw,
        Op::Fsd => X::Fsd,
        // Pure ops writing x0 were stored as `fence` by the block builder;
        // this keeps the invariant "pure ops never write x0" on its own.
        op if rd == 0 && super::exec::writes_only_rd(op) => return XInsn::new(X::Nop, 0, 0, 0, 0),
        Op::Addi => X::Addi,
        Op::Slti => X::Slti,
        Op::Sltiu => X::Sltiu,
        Op::Xori => X::Xori,
        Op::Ori => X::Ori,
        Op::Andi => X::Andi,
        Op::Slli => return XInsn::new(X::Slli, rd, rs1, 0, shamt),
        Op::Srli => return XInsn::new(X::Srli, rd, rs1, 0, shamt),
        Op::Srai => return XInsn::new(X::Srai, rd, rs1, 0, shamt),
        Op::Add => X::Add,
        Op::Sub => X::Sub,
        Op::Sll => X::Sll,
        Op::Slt => X::Slt,
        Op::Sltu => X::Sltu,
        Op::Xor => X::Xor,
        Op::Srl => X::Srl,
        Op::Sra => X::Sra,
        Op::Or => X::Or,
        Op::And => X::And,
        Op::Addiw => X::Addiw,
        Op::Slliw => return XInsn::new(X::Slliw, rd, rs1, 0, shamtw),
        Op::Srliw => return XInsn::new(X::Srliw, rd, rs1, 0, shamtw),
        Op::Sraiw => return XInsn::new(X::Sraiw, rd, rs1, 0, shamtw),
        Op::Addw => X::Addw,
        Op::Subw => X::Subw,
        Op::Sllw => X::Sllw,
        Op::Srlw => X::Srlw,
        Op::Sraw => X::Sraw,
        Op::Mul => X::Mul,
        // The unused immediate carries the low-half mask of `int::mulhu`.
        Op::Mulh => return XInsn::new(X::Mulh, rd, rs1, rs2, MULH_MASK),
        Op::Mulhsu => return XInsn::new(X::Mulhsu, rd, rs1, rs2, MULH_MASK),
        Op::Mulhu => return XInsn::new(X::Mulhu, rd, rs1, rs2, MULH_MASK),
        Op::Div => X::Div,
        Op::Divu => X::Divu,
        Op::Rem => X::Rem,
        Op::Remu => X::Remu,
        Op::Mulw => X::Mulw,
        Op::Divw => X::Divw,
        Op::Divuw => X::Divuw,
        Op::Remw => X::Remw,
        Op::Remuw => X::Remuw,
        _ => return generic,
    };
    XInsn::new(op, rd, rs1, rs2, i.imm)
}

/// The fused form of the pair `a; b` (already in single form), if any. The
/// second slot keeps `b`'s single form: the fused arm reads its operands
/// from there and skips it.
fn fuse(a: &XInsn, b: &XInsn) -> Option<XOp> {
    match (a.op, b.op) {
        // addi r, r, k; bnez r
        (XOp::Addi, XOp::Bnez) if a.rd == a.rs1 && b.rs1 == a.rd => Some(XOp::AddiBnez),
        // addi/add; any conditional branch (`beqz`/`bnez` are `beq`/`bne`
        // with `rs2` = x0, offset 0)
        (XOp::Addi, XOp::Beq | XOp::Beqz) => Some(XOp::AddiBeq),
        (XOp::Addi, XOp::Bne | XOp::Bnez) => Some(XOp::AddiBne),
        (XOp::Addi, XOp::Blt) => Some(XOp::AddiBlt),
        (XOp::Addi, XOp::Bge) => Some(XOp::AddiBge),
        (XOp::Addi, XOp::Bltu) => Some(XOp::AddiBltu),
        (XOp::Addi, XOp::Bgeu) => Some(XOp::AddiBgeu),
        (XOp::Add, XOp::Beq | XOp::Beqz) => Some(XOp::AddBeq),
        (XOp::Add, XOp::Bne | XOp::Bnez) => Some(XOp::AddBne),
        (XOp::Add, XOp::Blt) => Some(XOp::AddBlt),
        (XOp::Add, XOp::Bge) => Some(XOp::AddBge),
        (XOp::Add, XOp::Bltu) => Some(XOp::AddBltu),
        (XOp::Add, XOp::Bgeu) => Some(XOp::AddBgeu),
        // add r, s, t; lbu d, off(r)
        (XOp::Add, XOp::Lbu) if b.rs1 == a.rd => Some(XOp::AddLbu),
        // add r, s, t; sb v, off(r)
        (XOp::Add, XOp::Sb) if b.rs1 == a.rd => Some(XOp::AddSb),
        (XOp::SextW, XOp::SextW) => Some(XOp::SextWSextW),
        (XOp::Add, XOp::Add) => Some(XOp::AddAdd),
        (XOp::Addw, XOp::Addw) => Some(XOp::AddwAddw),
        (XOp::Slli, XOp::Add) => Some(XOp::SlliAdd),
        (XOp::Lbu, XOp::Addi) => Some(XOp::LbuAddi),
        (XOp::Sb, XOp::Add) => Some(XOp::SbAdd),
        (XOp::Ld, XOp::Ld) => Some(XOp::LdLd),
        (XOp::Sd, XOp::Sd) => Some(XOp::SdSd),
        _ => None,
    }
}

/// Whether `op` is the first half of a fused pair whose second half is a
/// conditional branch (which closes its block).
pub(crate) fn is_fused_branch(op: XOp) -> bool {
    use XOp::*;
    matches!(
        op,
        AddiBnez
            | AddiBeq
            | AddiBne
            | AddiBlt
            | AddiBge
            | AddiBltu
            | AddiBgeu
            | AddBeq
            | AddBne
            | AddBlt
            | AddBge
            | AddBltu
            | AddBgeu
    )
}

/// Whether `op` is a conditional branch (a block's closing branch, which
/// pairs with the op before it first: a block's last two slots are tried
/// before the greedy pass).
pub(crate) fn is_cond_branch(op: XOp) -> bool {
    use XOp::*;
    matches!(op, Beq | Bne | Blt | Bge | Bltu | Bgeu | Beqz | Bnez)
}

/// Builds the interpreter form of a block's instructions (same length,
/// index for index; see the module docs).
pub(crate) fn lower(insns: &[Insn]) -> Vec<XInsn> {
    let mut out: Vec<XInsn> = insns
        .iter()
        .enumerate()
        .map(|(k, i)| single(i, k))
        .collect();
    // The block's closing branch pairs with what precedes it first (it
    // saves a dispatch on every run of the block), then pairs form greedily
    // from the start.
    let mut end = out.len();
    if end >= 2 && is_cond_branch(out[end - 1].op) {
        if let Some(op) = fuse(&out[end - 2], &out[end - 1]) {
            out[end - 2].op = op;
            end -= 2;
        }
    }
    let mut k = 0;
    while k + 1 < end {
        if let Some(op) = fuse(&out[k], &out[k + 1]) {
            out[k].op = op;
            k += 2;
        } else {
            k += 1;
        }
    }
    out
}
