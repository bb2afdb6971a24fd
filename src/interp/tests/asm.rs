//! A tiny RV64GC assembler for the interpreter's tests: one function per
//! instruction (or format), returning the encoding.

#![allow(dead_code)]

pub fn r(f7: u32, rs2: u32, rs1: u32, f3: u32, rd: u32, opc: u32) -> u32 {
    f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc
}
pub fn i(imm: i32, rs1: u32, f3: u32, rd: u32, opc: u32) -> u32 {
    ((imm as u32) & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc
}
pub fn s(imm: i32, rs2: u32, rs1: u32, f3: u32, opc: u32) -> u32 {
    let imm = imm as u32;
    ((imm >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (imm & 31) << 7 | opc
}
pub fn b(imm: i32, rs2: u32, rs1: u32, f3: u32) -> u32 {
    let m = imm as u32;
    ((m >> 12) & 1) << 31
        | ((m >> 5) & 0x3f) << 25
        | rs2 << 20
        | rs1 << 15
        | f3 << 12
        | ((m >> 1) & 15) << 8
        | ((m >> 11) & 1) << 7
        | 0x63
}
pub fn u(imm: i32, rd: u32, opc: u32) -> u32 {
    (imm as u32) & 0xffff_f000 | rd << 7 | opc
}
pub fn jal(rd: u32, imm: i32) -> u32 {
    let m = imm as u32;
    ((m >> 20) & 1) << 31
        | ((m >> 1) & 0x3ff) << 21
        | ((m >> 11) & 1) << 20
        | ((m >> 12) & 0xff) << 12
        | rd << 7
        | 0x6f
}
pub fn jalr(rd: u32, rs1: u32, imm: i32) -> u32 {
    i(imm, rs1, 0, rd, 0x67)
}
pub fn lui(rd: u32, imm: i32) -> u32 {
    u(imm, rd, 0x37)
}
pub fn auipc(rd: u32, imm: i32) -> u32 {
    u(imm, rd, 0x17)
}

macro_rules! itype {
    ($($name:ident = $f3:expr, $opc:expr;)*) => {$(
        pub fn $name(rd: u32, rs1: u32, imm: i32) -> u32 { i(imm, rs1, $f3, rd, $opc) }
    )*};
}
itype! {
    addi = 0, 0x13; slti = 2, 0x13; sltiu = 3, 0x13; xori = 4, 0x13; ori = 6, 0x13; andi = 7, 0x13;
    addiw = 0, 0x1b;
    lb = 0, 0x03; lh = 1, 0x03; lw = 2, 0x03; ld = 3, 0x03; lbu = 4, 0x03; lhu = 5, 0x03; lwu = 6, 0x03;
    flw = 2, 0x07; fld = 3, 0x07;
}
pub fn slli(rd: u32, rs1: u32, sh: i32) -> u32 {
    i(sh, rs1, 1, rd, 0x13)
}
pub fn srli(rd: u32, rs1: u32, sh: i32) -> u32 {
    i(sh, rs1, 5, rd, 0x13)
}
pub fn srai(rd: u32, rs1: u32, sh: i32) -> u32 {
    i(sh | 0x400, rs1, 5, rd, 0x13)
}
pub fn slliw(rd: u32, rs1: u32, sh: i32) -> u32 {
    i(sh, rs1, 1, rd, 0x1b)
}
pub fn srliw(rd: u32, rs1: u32, sh: i32) -> u32 {
    i(sh, rs1, 5, rd, 0x1b)
}
pub fn sraiw(rd: u32, rs1: u32, sh: i32) -> u32 {
    i(sh | 0x400, rs1, 5, rd, 0x1b)
}

macro_rules! stype {
    ($($name:ident = $f3:expr, $opc:expr;)*) => {$(
        pub fn $name(rs2: u32, rs1: u32, imm: i32) -> u32 { s(imm, rs2, rs1, $f3, $opc) }
    )*};
}
stype! { sb = 0, 0x23; sh = 1, 0x23; sw = 2, 0x23; sd = 3, 0x23; fsw = 2, 0x27; fsd = 3, 0x27; }

macro_rules! btype {
    ($($name:ident = $f3:expr;)*) => {$(
        pub fn $name(rs1: u32, rs2: u32, imm: i32) -> u32 { b(imm, rs2, rs1, $f3) }
    )*};
}
btype! { beq = 0; bne = 1; blt = 4; bge = 5; bltu = 6; bgeu = 7; }

macro_rules! rtype {
    ($($name:ident = $f7:expr, $f3:expr, $opc:expr;)*) => {$(
        pub fn $name(rd: u32, rs1: u32, rs2: u32) -> u32 { r($f7, rs2, rs1, $f3, rd, $opc) }
    )*};
}
rtype! {
    add = 0, 0, 0x33; sub = 0x20, 0, 0x33; sll = 0, 1, 0x33; slt = 0, 2, 0x33; sltu = 0, 3, 0x33;
    xor = 0, 4, 0x33; srl = 0, 5, 0x33; sra = 0x20, 5, 0x33; or = 0, 6, 0x33; and = 0, 7, 0x33;
    addw = 0, 0, 0x3b; subw = 0x20, 0, 0x3b; sllw = 0, 1, 0x3b; srlw = 0, 5, 0x3b; sraw = 0x20, 5, 0x3b;
    mul = 1, 0, 0x33; mulh = 1, 1, 0x33; mulhsu = 1, 2, 0x33; mulhu = 1, 3, 0x33;
    div = 1, 4, 0x33; divu = 1, 5, 0x33; rem = 1, 6, 0x33; remu = 1, 7, 0x33;
    mulw = 1, 0, 0x3b; divw = 1, 4, 0x3b; divuw = 1, 5, 0x3b; remw = 1, 6, 0x3b; remuw = 1, 7, 0x3b;
}

pub const ECALL: u32 = 0x73;
pub const EBREAK: u32 = 0x0010_0073;
pub const FENCE: u32 = 0x0ff0_000f;
pub const FENCE_I: u32 = 0x0000_100f;
pub const NOP: u32 = 0x13;

/// `csrrw`=1, `csrrs`=2, `csrrc`=3, `csrrwi`=5, `csrrsi`=6, `csrrci`=7.
pub fn csr(f3: u32, rd: u32, csr: u32, rs1: u32) -> u32 {
    csr << 20 | rs1 << 15 | f3 << 12 | rd << 7 | 0x73
}

/// AMO: `f5` funct5, `d` for the doubleword form.
pub fn amo(f5: u32, d: bool, rd: u32, rs1: u32, rs2: u32) -> u32 {
    r(f5 << 2, rs2, rs1, if d { 3 } else { 2 }, rd, 0x2f)
}
pub const LR: u32 = 2;
pub const SC: u32 = 3;
pub const SWAP: u32 = 1;
pub const ADD: u32 = 0;
pub const XOR: u32 = 4;
pub const AND: u32 = 0xc;
pub const OR: u32 = 8;
pub const MIN: u32 = 0x10;
pub const MAX: u32 = 0x14;
pub const MINU: u32 = 0x18;
pub const MAXU: u32 = 0x1c;

/// OP-FP: `f7` selects the operation, `rm` is funct3.
pub fn fp(f7: u32, rd: u32, rs1: u32, rs2: u32, rm: u32) -> u32 {
    r(f7, rs2, rs1, rm, rd, 0x53)
}
/// fmadd family: `opc` 0x43 fmadd, 0x47 fmsub, 0x4b fnmsub, 0x4f fnmadd; `d` double.
pub fn fma(opc: u32, d: bool, rd: u32, rs1: u32, rs2: u32, rs3: u32, rm: u32) -> u32 {
    rs3 << 27 | (d as u32) << 25 | rs2 << 20 | rs1 << 15 | rm << 12 | rd << 7 | opc
}

// Compressed.
/// `c.addi rd, imm`.
pub fn c_addi(rd: u32, imm: i32) -> u16 {
    let m = imm as u32;
    (((m >> 5) & 1) << 12 | rd << 7 | (m & 31) << 2 | 1) as u16
}
/// `c.li rd, imm`.
pub fn c_li(rd: u32, imm: i32) -> u16 {
    c_addi(rd, imm) | 0x4000
}
/// `c.j imm`.
pub fn c_j(imm: i32) -> u16 {
    let m = imm as u32;
    let enc = ((m >> 11) & 1) << 12
        | ((m >> 4) & 1) << 11
        | ((m >> 8) & 3) << 9
        | ((m >> 10) & 1) << 8
        | ((m >> 6) & 1) << 7
        | ((m >> 7) & 1) << 6
        | ((m >> 1) & 7) << 3
        | ((m >> 5) & 1) << 2;
    (0xa000 | enc | 1) as u16
}
/// `c.bnez rs1', imm` (`rs1` in x8..x15).
pub fn c_bnez(rs1: u32, imm: i32) -> u16 {
    let m = imm as u32;
    let enc = ((m >> 8) & 1) << 12
        | ((m >> 3) & 3) << 10
        | ((m >> 6) & 3) << 5
        | ((m >> 1) & 3) << 3
        | ((m >> 5) & 1) << 2;
    (0xe000 | enc | (rs1 - 8) << 7 | 1) as u16
}
/// `c.add rd, rs2`.
pub fn c_add(rd: u32, rs2: u32) -> u16 {
    (0x9002 | rd << 7 | rs2 << 2) as u16
}

/// Machine code under construction.
#[derive(Default)]
pub struct Code(pub Vec<u8>);

impl Code {
    pub fn new() -> Self {
        Code(Vec::new())
    }
    /// Appends 32-bit instructions.
    pub fn w(mut self, insns: &[u32]) -> Self {
        for x in insns {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
        self
    }
    /// Appends compressed instructions.
    pub fn c(mut self, insns: &[u16]) -> Self {
        for x in insns {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
        self
    }
    /// Current offset in bytes.
    pub fn here(&self) -> i32 {
        self.0.len() as i32
    }
}
