//! The OP-FP major opcode (F and D arithmetic, compares, conversions, moves).
//!
//! `funct7` selects the operation and format (bit 25: 0 = single, 1 =
//! double; formats 2 and 3, half and quad, are not RV64GC). Ops with a
//! rounding mode reject the reserved modes 5 and 6 here, so the interpreter
//! only has to resolve 7 (dynamic) against `frm`; ops without one check
//! `funct3` exactly. The `rs2` field is checked wherever it is a selector.

use super::{IllegalInstruction, Insn, Op};

/// Decodes an OP-FP encoding (`bits & 0x7f == 0x53`).
pub(super) fn op_fp(b: u32) -> Result<Insn, IllegalInstruction> {
    let bad = Err(IllegalInstruction { bits: b });
    let f3 = (b >> 12) & 7;
    let rs2 = (b >> 20) & 31;
    let f7 = b >> 25;
    // The op, and whether its funct3 is a rounding mode.
    let (op, has_rm) = match f7 {
        0x00 => (Op::FaddS, true),
        0x01 => (Op::FaddD, true),
        0x04 => (Op::FsubS, true),
        0x05 => (Op::FsubD, true),
        0x08 => (Op::FmulS, true),
        0x09 => (Op::FmulD, true),
        0x0c => (Op::FdivS, true),
        0x0d => (Op::FdivD, true),
        0x2c if rs2 == 0 => (Op::FsqrtS, true),
        0x2d if rs2 == 0 => (Op::FsqrtD, true),
        0x10 | 0x11 => {
            let d = f7 == 0x11;
            let op = match (f3, d) {
                (0, false) => Op::FsgnjS,
                (1, false) => Op::FsgnjnS,
                (2, false) => Op::FsgnjxS,
                (0, true) => Op::FsgnjD,
                (1, true) => Op::FsgnjnD,
                (2, true) => Op::FsgnjxD,
                _ => return bad,
            };
            (op, false)
        }
        0x14 | 0x15 => {
            let op = match (f3, f7 == 0x15) {
                (0, false) => Op::FminS,
                (1, false) => Op::FmaxS,
                (0, true) => Op::FminD,
                (1, true) => Op::FmaxD,
                _ => return bad,
            };
            (op, false)
        }
        0x20 if rs2 == 1 => (Op::FcvtSD, true),
        0x21 if rs2 == 0 => (Op::FcvtDS, true),
        0x50 | 0x51 => {
            let op = match (f3, f7 == 0x51) {
                (2, false) => Op::FeqS,
                (1, false) => Op::FltS,
                (0, false) => Op::FleS,
                (2, true) => Op::FeqD,
                (1, true) => Op::FltD,
                (0, true) => Op::FleD,
                _ => return bad,
            };
            (op, false)
        }
        0x60 | 0x61 => {
            let op = match (rs2, f7 == 0x61) {
                (0, false) => Op::FcvtWS,
                (1, false) => Op::FcvtWuS,
                (2, false) => Op::FcvtLS,
                (3, false) => Op::FcvtLuS,
                (0, true) => Op::FcvtWD,
                (1, true) => Op::FcvtWuD,
                (2, true) => Op::FcvtLD,
                (3, true) => Op::FcvtLuD,
                _ => return bad,
            };
            (op, true)
        }
        0x68 | 0x69 => {
            let op = match (rs2, f7 == 0x69) {
                (0, false) => Op::FcvtSW,
                (1, false) => Op::FcvtSWu,
                (2, false) => Op::FcvtSL,
                (3, false) => Op::FcvtSLu,
                (0, true) => Op::FcvtDW,
                (1, true) => Op::FcvtDWu,
                (2, true) => Op::FcvtDL,
                (3, true) => Op::FcvtDLu,
                _ => return bad,
            };
            (op, true)
        }
        0x70 | 0x71 if rs2 == 0 => {
            let op = match (f3, f7 == 0x71) {
                (0, false) => Op::FmvXW,
                (1, false) => Op::FclassS,
                (0, true) => Op::FmvXD,
                (1, true) => Op::FclassD,
                _ => return bad,
            };
            (op, false)
        }
        0x78 if rs2 == 0 && f3 == 0 => (Op::FmvWX, false),
        0x79 if rs2 == 0 && f3 == 0 => (Op::FmvDX, false),
        _ => return bad,
    };
    let rm = if has_rm {
        if f3 == 5 || f3 == 6 {
            return bad;
        }
        f3 as u8
    } else {
        0
    };
    // Binary ops (arithmetic, sign injection, min/max, compares) read rs2;
    // for the unary ones it was a selector, now encoded in `op`: zero it, as
    // every field an op does not use is.
    let binary = f7 < 0x18 || f7 & !1 == 0x50;
    Ok(Insn {
        op,
        rd: ((b >> 7) & 31) as u8,
        rs1: ((b >> 15) & 31) as u8,
        rs2: if binary { rs2 as u8 } else { 0 },
        rs3: 0,
        rm,
        len: 4,
        imm: 0,
    })
}
