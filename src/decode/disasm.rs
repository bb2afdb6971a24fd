//! Disassembly of decoded instructions, in the syntax of GNU objdump with
//! `-M no-aliases,numeric`: `addi x10,x0,42`, `lw x5,8(x2)`,
//! `fadd.d f1,f2,f3,rne`, branch and jump targets as absolute hex addresses.
//!
//! Compressed instructions print as their 32-bit expansion (objdump would
//! print `c.*` names), since that is what [`Insn`] holds. CSRs print by name
//! only for the unprivileged ones (`fflags`, `frm`, `fcsr`, `cycle`, `time`,
//! `instret`, `hpmcounterN`); others as hex numbers, where objdump knows
//! every privileged name too. Used for traces and diagnostics, not on a hot
//! path.

use super::{Insn, Op};
use core::fmt::Write;

/// The name objdump gives a rounding mode (`None` for dynamic, which it
/// omits).
fn rm_name(rm: u8) -> Option<&'static str> {
    match rm {
        0 => Some("rne"),
        1 => Some("rtz"),
        2 => Some("rdn"),
        3 => Some("rup"),
        4 => Some("rmm"),
        _ => None,
    }
}

/// The unprivileged CSR names; `None` for any other number.
fn csr_name(csr: u32) -> Option<&'static str> {
    const HPM: [&str; 29] = [
        "hpmcounter3",
        "hpmcounter4",
        "hpmcounter5",
        "hpmcounter6",
        "hpmcounter7",
        "hpmcounter8",
        "hpmcounter9",
        "hpmcounter10",
        "hpmcounter11",
        "hpmcounter12",
        "hpmcounter13",
        "hpmcounter14",
        "hpmcounter15",
        "hpmcounter16",
        "hpmcounter17",
        "hpmcounter18",
        "hpmcounter19",
        "hpmcounter20",
        "hpmcounter21",
        "hpmcounter22",
        "hpmcounter23",
        "hpmcounter24",
        "hpmcounter25",
        "hpmcounter26",
        "hpmcounter27",
        "hpmcounter28",
        "hpmcounter29",
        "hpmcounter30",
        "hpmcounter31",
    ];
    match csr {
        0x001 => Some("fflags"),
        0x002 => Some("frm"),
        0x003 => Some("fcsr"),
        0xc00 => Some("cycle"),
        0xc01 => Some("time"),
        0xc02 => Some("instret"),
        0xc03..=0xc1f => Some(HPM[(csr - 0xc03) as usize]),
        _ => None,
    }
}

/// The `iorw` set of a fence operand (`unknown` when empty, as objdump says).
fn fence_set(out: &mut String, v: i32) {
    if v & 0xf == 0 {
        out.push_str("unknown");
        return;
    }
    for (mask, c) in [(8, 'i'), (4, 'o'), (2, 'r'), (1, 'w')] {
        if v & mask != 0 {
            out.push(c);
        }
    }
}

/// The operand shapes, named after which register files they use.
enum Shape {
    /// No operands.
    None,
    /// `rd,imm20` (lui, auipc).
    Upper,
    /// `rd,target`.
    Jump,
    /// `rd,imm(rs1)`.
    Jalr,
    /// `rs1,rs2,target`.
    Branch,
    /// `rd,imm(rs1)` with an integer (false) or FP (true) `rd`.
    Load(bool),
    /// `rs2,imm(rs1)` with an integer or FP `rs2`.
    Store(bool),
    /// `rd,rs1,imm` (decimal).
    Imm,
    /// `rd,rs1,0xshamt`.
    Shift,
    /// `rd,rs1,rs2` integer.
    Reg,
    /// `rd,rs2,(rs1)` with the `.aq`/`.rl` suffix; lr has no `rs2`.
    Amo(bool),
    /// `rd,csr,rs1` or `rd,csr,uimm`.
    Csr(bool),
    /// `fd,fs1,fs2[,rm]`.
    FpRm3,
    /// `fd,fs1,fs2,fs3[,rm]`.
    Fma,
    /// `fd,fs1[,rm]`.
    FpRm1,
    /// `fd,fs1,fs2`.
    Fp3,
    /// `xd,fs1,fs2`.
    FpCmp,
    /// `xd,fs1[,rm]`.
    FpToInt,
    /// `fd,xs1[,rm]`; `true` when the conversion is exact and objdump omits
    /// the mode when it is 0.
    IntToFp(bool),
    /// `fd,fs1[,rm]` for an exact conversion.
    FpExact,
    /// `xd,fs1`.
    FpToIntNoRm,
    /// `fd,xs1`.
    IntToFpNoRm,
    /// `fence pred,succ`.
    Fence,
}

fn shape(op: Op) -> Shape {
    use Op::*;
    match op {
        Lui | Auipc => Shape::Upper,
        Jal => Shape::Jump,
        Jalr => Shape::Jalr,
        Beq | Bne | Blt | Bge | Bltu | Bgeu => Shape::Branch,
        Lb | Lh | Lw | Ld | Lbu | Lhu | Lwu => Shape::Load(false),
        Flw | Fld => Shape::Load(true),
        Sb | Sh | Sw | Sd => Shape::Store(false),
        Fsw | Fsd => Shape::Store(true),
        Addi | Slti | Sltiu | Xori | Ori | Andi | Addiw => Shape::Imm,
        Slli | Srli | Srai | Slliw | Srliw | Sraiw => Shape::Shift,
        Add | Sub | Sll | Slt | Sltu | Xor | Srl | Sra | Or | And | Addw | Subw | Sllw | Srlw
        | Sraw | Mul | Mulh | Mulhsu | Mulhu | Div | Divu | Rem | Remu | Mulw | Divw | Divuw
        | Remw | Remuw => Shape::Reg,
        Fence => Shape::Fence,
        FenceI | Ecall | Ebreak => Shape::None,
        Csrrw | Csrrs | Csrrc => Shape::Csr(false),
        Csrrwi | Csrrsi | Csrrci => Shape::Csr(true),
        LrW | LrD => Shape::Amo(false),
        ScW | AmoswapW | AmoaddW | AmoxorW | AmoandW | AmoorW | AmominW | AmomaxW | AmominuW
        | AmomaxuW | ScD | AmoswapD | AmoaddD | AmoxorD | AmoandD | AmoorD | AmominD | AmomaxD
        | AmominuD | AmomaxuD => Shape::Amo(true),
        FmaddS | FmsubS | FnmsubS | FnmaddS | FmaddD | FmsubD | FnmsubD | FnmaddD => Shape::Fma,
        FaddS | FsubS | FmulS | FdivS | FaddD | FsubD | FmulD | FdivD => Shape::FpRm3,
        FsqrtS | FsqrtD | FcvtSD => Shape::FpRm1,
        FcvtDS => Shape::FpExact,
        FsgnjS | FsgnjnS | FsgnjxS | FminS | FmaxS | FsgnjD | FsgnjnD | FsgnjxD | FminD | FmaxD => {
            Shape::Fp3
        }
        FeqS | FltS | FleS | FeqD | FltD | FleD => Shape::FpCmp,
        FcvtWS | FcvtWuS | FcvtLS | FcvtLuS | FcvtWD | FcvtWuD | FcvtLD | FcvtLuD => Shape::FpToInt,
        FcvtDW | FcvtDWu => Shape::IntToFp(true),
        FcvtSW | FcvtSWu | FcvtSL | FcvtSLu | FcvtDL | FcvtDLu => Shape::IntToFp(false),
        FmvXW | FmvXD | FclassS | FclassD => Shape::FpToIntNoRm,
        FmvWX | FmvDX => Shape::IntToFpNoRm,
    }
}

/// Appends `,rm` unless the mode is dynamic (or, for exact conversions, 0).
fn push_rm(out: &mut String, rm: u8, exact: bool) {
    if exact && rm == 0 {
        return;
    }
    if let Some(n) = rm_name(rm) {
        out.push(',');
        out.push_str(n);
    }
}

/// Formats `insn` (located at `pc`) as assembly text.
pub fn disasm(insn: &Insn, pc: u64) -> String {
    let mut o = String::with_capacity(32);
    let i = insn;
    let (rd, rs1, rs2, rs3) = (i.rd, i.rs1, i.rs2, i.rs3);
    let target = pc.wrapping_add(i.imm as i64 as u64);
    let sh = shape(i.op);
    if let Shape::Amo(_) = sh {
        o.push_str(i.op.mnemonic());
        o.push_str(match i.rm & 3 {
            0 => "",
            1 => ".rl",
            2 => ".aq",
            _ => ".aqrl",
        });
    } else if i.op == Op::Fence && i.imm >> 8 == 8 && i.imm & 0xff == 0x33 {
        o.push_str("fence.tso");
        return o;
    } else {
        o.push_str(i.op.mnemonic());
    }
    if !matches!(sh, Shape::None) {
        o.push(' ');
    }
    // `write!` into a String cannot fail.
    let _ = match sh {
        Shape::None => Ok(()),
        Shape::Upper => write!(o, "x{rd},0x{:x}", (i.imm as u32) >> 12),
        Shape::Jump => write!(o, "x{rd},0x{target:x}"),
        Shape::Jalr => write!(o, "x{rd},{}(x{rs1})", i.imm),
        Shape::Branch => write!(o, "x{rs1},x{rs2},0x{target:x}"),
        Shape::Load(fp) => write!(o, "{}{rd},{}(x{rs1})", if fp { 'f' } else { 'x' }, i.imm),
        Shape::Store(fp) => write!(o, "{}{rs2},{}(x{rs1})", if fp { 'f' } else { 'x' }, i.imm),
        Shape::Imm => write!(o, "x{rd},x{rs1},{}", i.imm),
        Shape::Shift => write!(o, "x{rd},x{rs1},0x{:x}", i.imm),
        Shape::Reg => write!(o, "x{rd},x{rs1},x{rs2}"),
        Shape::Amo(true) => write!(o, "x{rd},x{rs2},(x{rs1})"),
        Shape::Amo(false) => write!(o, "x{rd},(x{rs1})"),
        Shape::Csr(uimm) => {
            let csr = i.imm as u32 & 0xfff;
            let _ = write!(o, "x{rd},");
            match csr_name(csr) {
                Some(n) => o.push_str(n),
                None => {
                    let _ = write!(o, "0x{csr:x}");
                }
            }
            if uimm {
                write!(o, ",{rs1}")
            } else {
                write!(o, ",x{rs1}")
            }
        }
        Shape::Fence => {
            fence_set(&mut o, i.imm >> 4);
            o.push(',');
            fence_set(&mut o, i.imm);
            Ok(())
        }
        Shape::FpRm3 => {
            let _ = write!(o, "f{rd},f{rs1},f{rs2}");
            push_rm(&mut o, i.rm, false);
            Ok(())
        }
        Shape::Fma => {
            let _ = write!(o, "f{rd},f{rs1},f{rs2},f{rs3}");
            push_rm(&mut o, i.rm, false);
            Ok(())
        }
        Shape::FpRm1 | Shape::FpExact => {
            let _ = write!(o, "f{rd},f{rs1}");
            push_rm(&mut o, i.rm, matches!(sh, Shape::FpExact));
            Ok(())
        }
        Shape::Fp3 => write!(o, "f{rd},f{rs1},f{rs2}"),
        Shape::FpCmp => write!(o, "x{rd},f{rs1},f{rs2}"),
        Shape::FpToInt => {
            let _ = write!(o, "x{rd},f{rs1}");
            push_rm(&mut o, i.rm, false);
            Ok(())
        }
        Shape::IntToFp(exact) => {
            let _ = write!(o, "f{rd},x{rs1}");
            push_rm(&mut o, i.rm, exact);
            Ok(())
        }
        Shape::FpToIntNoRm => write!(o, "x{rd},f{rs1}"),
        Shape::IntToFpNoRm => write!(o, "f{rd},x{rs1}"),
    };
    o
}
