//! 32-bit encodings of RV64GC (I, M, A, F, D, Zicsr, Zifencei).
//!
//! A `match` on the major opcode, then on the function fields. Every field the
//! specification fixes (funct3/funct7 of ops without a rounding mode, the rs2
//! selector of conversions, must-be-zero fields) is checked exactly, so that
//! encodings of extensions we do not implement (V, B, Zfh, Q, privileged
//! instructions, ...) come out illegal instead of as something else.
//! Rejected alternative: a generated mask/match table scanned linearly (as
//! binutils does); it is slower and hides the field checks in data.

use super::{IllegalInstruction, Insn, Op};

/// Major opcodes (bits 6..0).
mod opc {
    pub const LOAD: u32 = 0x03;
    pub const LOAD_FP: u32 = 0x07;
    pub const MISC_MEM: u32 = 0x0f;
    pub const OP_IMM: u32 = 0x13;
    pub const AUIPC: u32 = 0x17;
    pub const OP_IMM_32: u32 = 0x1b;
    pub const STORE: u32 = 0x23;
    pub const STORE_FP: u32 = 0x27;
    pub const AMO: u32 = 0x2f;
    pub const OP: u32 = 0x33;
    pub const LUI: u32 = 0x37;
    pub const OP_32: u32 = 0x3b;
    pub const MADD: u32 = 0x43;
    pub const MSUB: u32 = 0x47;
    pub const NMSUB: u32 = 0x4b;
    pub const NMADD: u32 = 0x4f;
    pub const OP_FP: u32 = 0x53;
    pub const BRANCH: u32 = 0x63;
    pub const JALR: u32 = 0x67;
    pub const JAL: u32 = 0x6f;
    pub const SYSTEM: u32 = 0x73;
}

#[inline(always)]
fn rd(b: u32) -> u8 {
    ((b >> 7) & 31) as u8
}
#[inline(always)]
fn rs1(b: u32) -> u8 {
    ((b >> 15) & 31) as u8
}
#[inline(always)]
fn rs2(b: u32) -> u8 {
    ((b >> 20) & 31) as u8
}
#[inline(always)]
fn funct3(b: u32) -> u32 {
    (b >> 12) & 7
}
#[inline(always)]
fn imm_i(b: u32) -> i32 {
    (b as i32) >> 20
}
#[inline(always)]
fn imm_s(b: u32) -> i32 {
    ((b as i32) >> 25 << 5) | ((b >> 7) & 31) as i32
}
#[inline(always)]
fn imm_b(b: u32) -> i32 {
    ((b as i32) >> 31 << 12)
        | (((b >> 7) & 1) << 11) as i32
        | (((b >> 25) & 0x3f) << 5) as i32
        | (((b >> 8) & 0xf) << 1) as i32
}
#[inline(always)]
fn imm_j(b: u32) -> i32 {
    ((b as i32) >> 31 << 20)
        | (b & 0xff000) as i32
        | (((b >> 20) & 1) << 11) as i32
        | (((b >> 21) & 0x3ff) << 1) as i32
}

/// An instruction with `rd`, `rs1`, `rs2` taken from their standard places.
#[inline(always)]
fn r(op: Op, b: u32) -> Insn {
    Insn {
        op,
        rd: rd(b),
        rs1: rs1(b),
        rs2: rs2(b),
        rs3: 0,
        rm: 0,
        len: 4,
        imm: 0,
    }
}

/// I-type: `rd`, `rs1`, `imm`.
#[inline(always)]
fn i(op: Op, b: u32, imm: i32) -> Insn {
    Insn {
        op,
        rd: rd(b),
        rs1: rs1(b),
        rs2: 0,
        rs3: 0,
        rm: 0,
        len: 4,
        imm,
    }
}

/// S/B-type: `rs1`, `rs2`, `imm`.
#[inline(always)]
fn s(op: Op, b: u32, imm: i32) -> Insn {
    Insn {
        op,
        rd: 0,
        rs1: rs1(b),
        rs2: rs2(b),
        rs3: 0,
        rm: 0,
        len: 4,
        imm,
    }
}

/// U/J-type: `rd`, `imm`.
#[inline(always)]
fn u(op: Op, b: u32, imm: i32) -> Insn {
    Insn {
        op,
        rd: rd(b),
        rs1: 0,
        rs2: 0,
        rs3: 0,
        rm: 0,
        len: 4,
        imm,
    }
}

/// Decodes a 32-bit encoding (`bits & 3 == 3`).
pub(super) fn decode32(b: u32) -> Result<Insn, IllegalInstruction> {
    let bad = Err(IllegalInstruction { bits: b });
    let f3 = funct3(b);
    let f7 = b >> 25;
    let insn = match b & 0x7f {
        opc::LUI => u(Op::Lui, b, (b & 0xffff_f000) as i32),
        opc::AUIPC => u(Op::Auipc, b, (b & 0xffff_f000) as i32),
        opc::JAL => u(Op::Jal, b, imm_j(b)),
        opc::JALR if f3 == 0 => i(Op::Jalr, b, imm_i(b)),
        opc::BRANCH => {
            let op = match f3 {
                0 => Op::Beq,
                1 => Op::Bne,
                4 => Op::Blt,
                5 => Op::Bge,
                6 => Op::Bltu,
                7 => Op::Bgeu,
                _ => return bad,
            };
            s(op, b, imm_b(b))
        }
        opc::LOAD => {
            let op = match f3 {
                0 => Op::Lb,
                1 => Op::Lh,
                2 => Op::Lw,
                3 => Op::Ld,
                4 => Op::Lbu,
                5 => Op::Lhu,
                6 => Op::Lwu,
                _ => return bad,
            };
            i(op, b, imm_i(b))
        }
        opc::STORE => {
            let op = match f3 {
                0 => Op::Sb,
                1 => Op::Sh,
                2 => Op::Sw,
                3 => Op::Sd,
                _ => return bad,
            };
            s(op, b, imm_s(b))
        }
        opc::LOAD_FP => match f3 {
            2 => i(Op::Flw, b, imm_i(b)),
            3 => i(Op::Fld, b, imm_i(b)),
            _ => return bad,
        },
        opc::STORE_FP => match f3 {
            2 => s(Op::Fsw, b, imm_s(b)),
            3 => s(Op::Fsd, b, imm_s(b)),
            _ => return bad,
        },
        opc::OP_IMM => {
            let shamt = ((b >> 20) & 63) as i32;
            let funct6 = b >> 26;
            match f3 {
                0 => i(Op::Addi, b, imm_i(b)),
                1 if funct6 == 0 => i(Op::Slli, b, shamt),
                2 => i(Op::Slti, b, imm_i(b)),
                3 => i(Op::Sltiu, b, imm_i(b)),
                4 => i(Op::Xori, b, imm_i(b)),
                5 if funct6 == 0 => i(Op::Srli, b, shamt),
                5 if funct6 == 0x10 => i(Op::Srai, b, shamt),
                6 => i(Op::Ori, b, imm_i(b)),
                7 => i(Op::Andi, b, imm_i(b)),
                _ => return bad,
            }
        }
        opc::OP_IMM_32 => {
            let shamt = ((b >> 20) & 31) as i32;
            match (f3, f7) {
                (0, _) => i(Op::Addiw, b, imm_i(b)),
                (1, 0) => i(Op::Slliw, b, shamt),
                (5, 0) => i(Op::Srliw, b, shamt),
                (5, 0x20) => i(Op::Sraiw, b, shamt),
                _ => return bad,
            }
        }
        opc::OP => {
            let op = match (f7, f3) {
                (0, 0) => Op::Add,
                (0, 1) => Op::Sll,
                (0, 2) => Op::Slt,
                (0, 3) => Op::Sltu,
                (0, 4) => Op::Xor,
                (0, 5) => Op::Srl,
                (0, 6) => Op::Or,
                (0, 7) => Op::And,
                (0x20, 0) => Op::Sub,
                (0x20, 5) => Op::Sra,
                (1, 0) => Op::Mul,
                (1, 1) => Op::Mulh,
                (1, 2) => Op::Mulhsu,
                (1, 3) => Op::Mulhu,
                (1, 4) => Op::Div,
                (1, 5) => Op::Divu,
                (1, 6) => Op::Rem,
                (1, 7) => Op::Remu,
                _ => return bad,
            };
            r(op, b)
        }
        opc::OP_32 => {
            let op = match (f7, f3) {
                (0, 0) => Op::Addw,
                (0, 1) => Op::Sllw,
                (0, 5) => Op::Srlw,
                (0x20, 0) => Op::Subw,
                (0x20, 5) => Op::Sraw,
                (1, 0) => Op::Mulw,
                (1, 4) => Op::Divw,
                (1, 5) => Op::Divuw,
                (1, 6) => Op::Remw,
                (1, 7) => Op::Remuw,
                _ => return bad,
            };
            r(op, b)
        }
        opc::AMO => return amo(b),
        opc::MISC_MEM => match f3 {
            // rd and rs1 are reserved for finer-grained fences: the spec
            // says implementations ignore them, and treat reserved `fm`
            // values as a normal fence. `imm` is the raw fm/pred/succ field.
            0 => u(Op::Fence, 0, (b >> 20) as i32),
            // fence.i's imm/rs1/rd are likewise reserved and ignored.
            1 => Insn::new(Op::FenceI, 4),
            _ => return bad,
        },
        opc::SYSTEM => {
            let op = match f3 {
                0 => {
                    return match b {
                        0x0000_0073 => Ok(Insn::new(Op::Ecall, 4)),
                        0x0010_0073 => Ok(Insn::new(Op::Ebreak, 4)),
                        _ => bad,
                    }
                }
                1 => Op::Csrrw,
                2 => Op::Csrrs,
                3 => Op::Csrrc,
                5 => Op::Csrrwi,
                6 => Op::Csrrsi,
                7 => Op::Csrrci,
                _ => return bad,
            };
            i(op, b, (b >> 20) as i32)
        }
        opc::MADD | opc::MSUB | opc::NMSUB | opc::NMADD => return fma(b),
        opc::OP_FP => return super::rv32fp::op_fp(b),
        _ => return bad,
    };
    Ok(insn)
}

/// The A extension (major opcode AMO).
fn amo(b: u32) -> Result<Insn, IllegalInstruction> {
    let bad = Err(IllegalInstruction { bits: b });
    let d = match funct3(b) {
        2 => false,
        3 => true,
        _ => return bad,
    };
    let pick = |w: Op, dw: Op| if d { dw } else { w };
    let op = match b >> 27 {
        0x02 if rs2(b) == 0 => pick(Op::LrW, Op::LrD),
        0x03 => pick(Op::ScW, Op::ScD),
        0x01 => pick(Op::AmoswapW, Op::AmoswapD),
        0x00 => pick(Op::AmoaddW, Op::AmoaddD),
        0x04 => pick(Op::AmoxorW, Op::AmoxorD),
        0x0c => pick(Op::AmoandW, Op::AmoandD),
        0x08 => pick(Op::AmoorW, Op::AmoorD),
        0x10 => pick(Op::AmominW, Op::AmominD),
        0x14 => pick(Op::AmomaxW, Op::AmomaxD),
        0x18 => pick(Op::AmominuW, Op::AmominuD),
        0x1c => pick(Op::AmomaxuW, Op::AmomaxuD),
        _ => return bad,
    };
    let mut insn = r(op, b);
    insn.rm = ((b >> 25) & 3) as u8;
    Ok(insn)
}

/// The fused multiply-add opcodes (single and double; half and quad are
/// not RV64GC).
fn fma(b: u32) -> Result<Insn, IllegalInstruction> {
    let bad = Err(IllegalInstruction { bits: b });
    let rm = funct3(b) as u8;
    if rm == 5 || rm == 6 {
        return bad;
    }
    let d = match (b >> 25) & 3 {
        0 => false,
        1 => true,
        _ => return bad,
    };
    let op = match (b & 0x7f, d) {
        (opc::MADD, false) => Op::FmaddS,
        (opc::MADD, true) => Op::FmaddD,
        (opc::MSUB, false) => Op::FmsubS,
        (opc::MSUB, true) => Op::FmsubD,
        (opc::NMSUB, false) => Op::FnmsubS,
        (opc::NMSUB, true) => Op::FnmsubD,
        (opc::NMADD, false) => Op::FnmaddS,
        _ => Op::FnmaddD,
    };
    let mut insn = r(op, b);
    insn.rs3 = (b >> 27) as u8;
    insn.rm = rm;
    Ok(insn)
}
