//! The decoded-instruction type shared by the interpreter, the translator and
//! the disassembler.
//!
//! Every RV64GC instruction, 32-bit or compressed, decodes to one [`Insn`]: an
//! [`Op`] plus register numbers and a sign-extended immediate. Compressed
//! encodings expand to the [`Op`] of their 32-bit equivalent (with `len == 2`),
//! so no consumer ever handles RVC separately. The struct is 12 bytes so that
//! a block of them stays cache-friendly in the interpreter.

macro_rules! ops {
    ($($(#[$m:meta])* $name:ident = $mn:literal,)*) => {
        /// An RV64GC operation. The mnemonic is [`Op::mnemonic`].
        #[repr(u8)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Op {
            $($(#[$m])* #[doc = $mn] $name,)*
        }

        impl Op {
            /// Every operation, in declaration order.
            pub const ALL: &'static [Op] = &[$(Op::$name,)*];

            /// The assembler mnemonic (`"addi"`, `"fmadd.d"`, ...).
            pub fn mnemonic(self) -> &'static str {
                match self {
                    $(Op::$name => $mn,)*
                }
            }
        }
    };
}

ops! {
    // ---- RV64I ----
    Lui = "lui", Auipc = "auipc", Jal = "jal", Jalr = "jalr",
    Beq = "beq", Bne = "bne", Blt = "blt", Bge = "bge", Bltu = "bltu", Bgeu = "bgeu",
    Lb = "lb", Lh = "lh", Lw = "lw", Ld = "ld", Lbu = "lbu", Lhu = "lhu", Lwu = "lwu",
    Sb = "sb", Sh = "sh", Sw = "sw", Sd = "sd",
    Addi = "addi", Slti = "slti", Sltiu = "sltiu", Xori = "xori", Ori = "ori", Andi = "andi",
    Slli = "slli", Srli = "srli", Srai = "srai",
    Add = "add", Sub = "sub", Sll = "sll", Slt = "slt", Sltu = "sltu", Xor = "xor",
    Srl = "srl", Sra = "sra", Or = "or", And = "and",
    Addiw = "addiw", Slliw = "slliw", Srliw = "srliw", Sraiw = "sraiw",
    Addw = "addw", Subw = "subw", Sllw = "sllw", Srlw = "srlw", Sraw = "sraw",
    Fence = "fence", FenceI = "fence.i", Ecall = "ecall", Ebreak = "ebreak",
    // ---- Zicsr ----
    Csrrw = "csrrw", Csrrs = "csrrs", Csrrc = "csrrc",
    Csrrwi = "csrrwi", Csrrsi = "csrrsi", Csrrci = "csrrci",
    // ---- M ----
    Mul = "mul", Mulh = "mulh", Mulhsu = "mulhsu", Mulhu = "mulhu",
    Div = "div", Divu = "divu", Rem = "rem", Remu = "remu",
    Mulw = "mulw", Divw = "divw", Divuw = "divuw", Remw = "remw", Remuw = "remuw",
    // ---- A ----
    LrW = "lr.w", ScW = "sc.w", AmoswapW = "amoswap.w", AmoaddW = "amoadd.w",
    AmoxorW = "amoxor.w", AmoandW = "amoand.w", AmoorW = "amoor.w",
    AmominW = "amomin.w", AmomaxW = "amomax.w", AmominuW = "amominu.w", AmomaxuW = "amomaxu.w",
    LrD = "lr.d", ScD = "sc.d", AmoswapD = "amoswap.d", AmoaddD = "amoadd.d",
    AmoxorD = "amoxor.d", AmoandD = "amoand.d", AmoorD = "amoor.d",
    AmominD = "amomin.d", AmomaxD = "amomax.d", AmominuD = "amominu.d", AmomaxuD = "amomaxu.d",
    // ---- F ----
    Flw = "flw", Fsw = "fsw",
    FmaddS = "fmadd.s", FmsubS = "fmsub.s", FnmsubS = "fnmsub.s", FnmaddS = "fnmadd.s",
    FaddS = "fadd.s", FsubS = "fsub.s", FmulS = "fmul.s", FdivS = "fdiv.s", FsqrtS = "fsqrt.s",
    FsgnjS = "fsgnj.s", FsgnjnS = "fsgnjn.s", FsgnjxS = "fsgnjx.s",
    FminS = "fmin.s", FmaxS = "fmax.s",
    FcvtWS = "fcvt.w.s", FcvtWuS = "fcvt.wu.s", FcvtLS = "fcvt.l.s", FcvtLuS = "fcvt.lu.s",
    FmvXW = "fmv.x.w", FclassS = "fclass.s",
    FeqS = "feq.s", FltS = "flt.s", FleS = "fle.s",
    FcvtSW = "fcvt.s.w", FcvtSWu = "fcvt.s.wu", FcvtSL = "fcvt.s.l", FcvtSLu = "fcvt.s.lu",
    FmvWX = "fmv.w.x",
    // ---- D ----
    Fld = "fld", Fsd = "fsd",
    FmaddD = "fmadd.d", FmsubD = "fmsub.d", FnmsubD = "fnmsub.d", FnmaddD = "fnmadd.d",
    FaddD = "fadd.d", FsubD = "fsub.d", FmulD = "fmul.d", FdivD = "fdiv.d", FsqrtD = "fsqrt.d",
    FsgnjD = "fsgnj.d", FsgnjnD = "fsgnjn.d", FsgnjxD = "fsgnjx.d",
    FminD = "fmin.d", FmaxD = "fmax.d",
    FcvtSD = "fcvt.s.d", FcvtDS = "fcvt.d.s",
    FeqD = "feq.d", FltD = "flt.d", FleD = "fle.d", FclassD = "fclass.d",
    FcvtWD = "fcvt.w.d", FcvtWuD = "fcvt.wu.d", FcvtLD = "fcvt.l.d", FcvtLuD = "fcvt.lu.d",
    FmvXD = "fmv.x.d",
    FcvtDW = "fcvt.d.w", FcvtDWu = "fcvt.d.wu", FcvtDL = "fcvt.d.l", FcvtDLu = "fcvt.d.lu",
    FmvDX = "fmv.d.x",
}

/// One decoded instruction.
///
/// Field use by format:
/// - `rd`, `rs1`, `rs2`, `rs3`: register numbers (integer or FP as the op says).
/// - `imm`: the sign-extended immediate (I/S/B/U/J formats; U already shifted
///   left by 12; branch and jump offsets in bytes); the shift amount for
///   shifts-by-immediate; the CSR number (0..=4095) for Zicsr ops (whose
///   `rs1` holds the 5-bit uimm for the `*i` forms); the raw 12-bit
///   `fm << 8 | pred << 4 | succ` field for `fence`.
/// - `rm`: the FP rounding-mode field (0..=7, 7 = dynamic) for FP ops; the
///   `aq << 1 | rl` bits for A ops.
/// - `len`: 4, or 2 for a compressed encoding.
///
/// Fields an op does not use are 0 (so equal instructions compare equal).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Insn {
    /// The operation.
    pub op: Op,
    /// Destination register.
    pub rd: u8,
    /// First source register (or Zicsr uimm).
    pub rs1: u8,
    /// Second source register.
    pub rs2: u8,
    /// Third source register (fused multiply-add only).
    pub rs3: u8,
    /// Rounding mode (FP) or aq/rl bits (A).
    pub rm: u8,
    /// Encoded length in bytes: 2 or 4.
    pub len: u8,
    /// Immediate, see the type's documentation.
    pub imm: i32,
}

impl Insn {
    /// An instruction with every field zero but `op` and `len`.
    pub const fn new(op: Op, len: u8) -> Self {
        Insn {
            op,
            rd: 0,
            rs1: 0,
            rs2: 0,
            rs3: 0,
            rm: 0,
            len,
            imm: 0,
        }
    }

    /// True if this instruction ends a basic block: it may transfer control
    /// (jumps, branches), leave to the runtime (`ecall`, `ebreak`) or change
    /// what code means (`fence.i`).
    pub fn ends_block(&self) -> bool {
        matches!(
            self.op,
            Op::Jal
                | Op::Jalr
                | Op::Beq
                | Op::Bne
                | Op::Blt
                | Op::Bge
                | Op::Bltu
                | Op::Bgeu
                | Op::Ecall
                | Op::Ebreak
                | Op::FenceI
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insn_is_small() {
        assert_eq!(core::mem::size_of::<Insn>(), 12);
    }

    #[test]
    fn mnemonics_are_unique() {
        let mut names: Vec<_> = Op::ALL.iter().map(|o| o.mnemonic()).collect();
        names.sort();
        let n = names.len();
        names.dedup();
        assert_eq!(n, names.len());
    }
}
