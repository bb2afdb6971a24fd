//! Compressed (RVC) encodings, expanded to their 32-bit equivalents.
//!
//! Only RV64C is accepted: the RV32-only `c.jal` and `c.flw`/`c.fsw` slots
//! are `c.addiw` and `c.ld`/`c.sd` here, and the RV128 `c.lq`/`c.sq` slots
//! are `c.fld`/`c.fsd`. Reserved encodings (listed in the RVC chapter) are
//! illegal; HINTs (rd = x0, shift by 0, ...) decode as the instruction they
//! would be, which is harmless. Rejected alternative: a 64K-entry lookup
//! table of pre-decoded halfwords: 768 KiB of memory (and wasm start-up
//! work) to speed up something that only runs when a block is built.

use super::{IllegalInstruction, Insn, Op};

/// Bit `i` of `h`, placed at bit `to`.
#[inline(always)]
fn bit(h: u32, i: u32, to: u32) -> u32 {
    ((h >> i) & 1) << to
}

/// Bits `hi..=lo` of `h`, placed starting at bit `to`.
#[inline(always)]
fn bits(h: u32, hi: u32, lo: u32, to: u32) -> u32 {
    ((h >> lo) & ((1 << (hi - lo + 1)) - 1)) << to
}

/// Sign-extends the low `n` bits of `v`.
#[inline(always)]
fn sext(v: u32, n: u32) -> i32 {
    ((v << (32 - n)) as i32) >> (32 - n)
}

/// The 6-bit immediate `imm[5] = h[12]`, `imm[4:0] = h[6:2]`, sign-extended.
#[inline(always)]
fn imm6(h: u32) -> i32 {
    sext(bit(h, 12, 5) | bits(h, 6, 2, 0), 6)
}

/// A compressed register field (`x8..x15`) at bits `lo+2..=lo`.
#[inline(always)]
fn creg(h: u32, lo: u32) -> u8 {
    (((h >> lo) & 7) + 8) as u8
}

#[inline(always)]
fn mk(op: Op, rd: u8, rs1: u8, rs2: u8, imm: i32) -> Insn {
    Insn {
        op,
        rd,
        rs1,
        rs2,
        rs3: 0,
        rm: 0,
        len: 2,
        imm,
    }
}

/// Decodes a compressed encoding (`bits & 3 != 3`).
pub(super) fn decode16(bits16: u16) -> Result<Insn, IllegalInstruction> {
    let h = bits16 as u32;
    let bad = Err(IllegalInstruction { bits: h });
    let f3 = h >> 13;
    let rd_full = ((h >> 7) & 31) as u8;
    let rs2_full = ((h >> 2) & 31) as u8;
    let insn = match (h & 3, f3) {
        // ---- quadrant 0 ----
        (0, 0) => {
            // c.addi4spn; nzuimm == 0 (including the all-zero halfword) is reserved.
            let imm = bits(h, 12, 11, 4) | bits(h, 10, 7, 6) | bit(h, 6, 2) | bit(h, 5, 3);
            if imm == 0 {
                return bad;
            }
            mk(Op::Addi, creg(h, 2), 2, 0, imm as i32)
        }
        (0, 1) => mk(Op::Fld, creg(h, 2), creg(h, 7), 0, uimm_d(h)),
        (0, 2) => mk(Op::Lw, creg(h, 2), creg(h, 7), 0, uimm_w(h)),
        (0, 3) => mk(Op::Ld, creg(h, 2), creg(h, 7), 0, uimm_d(h)),
        (0, 5) => mk(Op::Fsd, 0, creg(h, 7), creg(h, 2), uimm_d(h)),
        (0, 6) => mk(Op::Sw, 0, creg(h, 7), creg(h, 2), uimm_w(h)),
        (0, 7) => mk(Op::Sd, 0, creg(h, 7), creg(h, 2), uimm_d(h)),
        // ---- quadrant 1 ----
        (1, 0) => mk(Op::Addi, rd_full, rd_full, 0, imm6(h)),
        (1, 1) => {
            if rd_full == 0 {
                return bad;
            }
            mk(Op::Addiw, rd_full, rd_full, 0, imm6(h))
        }
        (1, 2) => mk(Op::Addi, rd_full, 0, 0, imm6(h)),
        (1, 3) => {
            if rd_full == 2 {
                let imm = sext(
                    bit(h, 12, 9) | bit(h, 6, 4) | bit(h, 5, 6) | bits(h, 4, 3, 7) | bit(h, 2, 5),
                    10,
                );
                if imm == 0 {
                    return bad;
                }
                mk(Op::Addi, 2, 2, 0, imm)
            } else {
                let imm = imm6(h);
                if imm == 0 {
                    return bad;
                }
                mk(Op::Lui, rd_full, 0, 0, imm << 12)
            }
        }
        (1, 4) => {
            let r = creg(h, 7);
            let shamt = (bit(h, 12, 5) | bits(h, 6, 2, 0)) as i32;
            match (h >> 10) & 3 {
                0 => mk(Op::Srli, r, r, 0, shamt),
                1 => mk(Op::Srai, r, r, 0, shamt),
                2 => mk(Op::Andi, r, r, 0, imm6(h)),
                _ => {
                    let op = match (bit(h, 12, 2) | bits(h, 6, 5, 0)) as u8 {
                        0 => Op::Sub,
                        1 => Op::Xor,
                        2 => Op::Or,
                        3 => Op::And,
                        4 => Op::Subw,
                        5 => Op::Addw,
                        _ => return bad,
                    };
                    mk(op, r, r, creg(h, 2), 0)
                }
            }
        }
        (1, 5) => {
            let imm = bit(h, 12, 11)
                | bit(h, 11, 4)
                | bits(h, 10, 9, 8)
                | bit(h, 8, 10)
                | bit(h, 7, 6)
                | bit(h, 6, 7)
                | bits(h, 5, 3, 1)
                | bit(h, 2, 5);
            mk(Op::Jal, 0, 0, 0, sext(imm, 12))
        }
        (1, 6) | (1, 7) => {
            let imm = bit(h, 12, 8)
                | bits(h, 11, 10, 3)
                | bits(h, 6, 5, 6)
                | bits(h, 4, 3, 1)
                | bit(h, 2, 5);
            let op = if f3 == 6 { Op::Beq } else { Op::Bne };
            mk(op, 0, creg(h, 7), 0, sext(imm, 9))
        }
        // ---- quadrant 2 ----
        (2, 0) => {
            let shamt = (bit(h, 12, 5) | bits(h, 6, 2, 0)) as i32;
            mk(Op::Slli, rd_full, rd_full, 0, shamt)
        }
        (2, 1) => mk(Op::Fld, rd_full, 2, 0, uimm_dsp(h)),
        (2, 2) => {
            if rd_full == 0 {
                return bad;
            }
            let imm = bit(h, 12, 5) | bits(h, 6, 4, 2) | bits(h, 3, 2, 6);
            mk(Op::Lw, rd_full, 2, 0, imm as i32)
        }
        (2, 3) => {
            if rd_full == 0 {
                return bad;
            }
            mk(Op::Ld, rd_full, 2, 0, uimm_dsp(h))
        }
        (2, 4) => match (h >> 12 & 1, rd_full, rs2_full) {
            (0, 0, 0) => return bad,
            (0, rs1, 0) => mk(Op::Jalr, 0, rs1, 0, 0),
            (0, rd, rs2) => mk(Op::Add, rd, 0, rs2, 0),
            (_, 0, 0) => mk(Op::Ebreak, 0, 0, 0, 0),
            (_, rs1, 0) => mk(Op::Jalr, 1, rs1, 0, 0),
            (_, rd, rs2) => mk(Op::Add, rd, rd, rs2, 0),
        },
        (2, 5) => mk(Op::Fsd, 0, 2, rs2_full, uimm_dss(h)),
        (2, 6) => {
            let imm = bits(h, 12, 9, 2) | bits(h, 8, 7, 6);
            mk(Op::Sw, 0, 2, rs2_full, imm as i32)
        }
        (2, 7) => mk(Op::Sd, 0, 2, rs2_full, uimm_dss(h)),
        // (0, 4) is reserved; quadrant 3 never reaches here.
        _ => return bad,
    };
    Ok(insn)
}

/// Offset of `c.lw`/`c.sw`: `uimm[5:3] = h[12:10]`, `uimm[2] = h[6]`, `uimm[6] = h[5]`.
#[inline(always)]
fn uimm_w(h: u32) -> i32 {
    (bits(h, 12, 10, 3) | bit(h, 6, 2) | bit(h, 5, 6)) as i32
}

/// Offset of `c.ld`/`c.sd`/`c.fld`/`c.fsd`: `uimm[5:3] = h[12:10]`, `uimm[7:6] = h[6:5]`.
#[inline(always)]
fn uimm_d(h: u32) -> i32 {
    (bits(h, 12, 10, 3) | bits(h, 6, 5, 6)) as i32
}

/// Offset of `c.ldsp`/`c.fldsp`: `uimm[5] = h[12]`, `uimm[4:3] = h[6:5]`, `uimm[8:6] = h[4:2]`.
#[inline(always)]
fn uimm_dsp(h: u32) -> i32 {
    (bit(h, 12, 5) | bits(h, 6, 5, 3) | bits(h, 4, 2, 6)) as i32
}

/// Offset of `c.sdsp`/`c.fsdsp`: `uimm[5:3] = h[12:10]`, `uimm[8:6] = h[9:7]`.
#[inline(always)]
fn uimm_dss(h: u32) -> i32 {
    (bits(h, 12, 10, 3) | bits(h, 9, 7, 6)) as i32
}
