//! Table tests of the decoder: encodings (produced by `riscv64-linux-gnu-as
//! -march=rv64gc`, the source line in the comment) and the exact `Insn` they
//! must decode to, including the fields the disassembly does not show.

use super::{decode, disasm::disasm, insn_len, Insn, Op};

/// An instruction from its fields (`rs3` and `rm` zero, `len` 4).
fn ins(op: Op, rd: u8, rs1: u8, rs2: u8, imm: i32) -> Insn {
    Insn {
        op,
        rd,
        rs1,
        rs2,
        rs3: 0,
        rm: 0,
        len: 4,
        imm,
    }
}

/// The same with a rounding mode / aq-rl field.
fn rm(mut i: Insn, rm: u8) -> Insn {
    i.rm = rm;
    i
}

/// The same, compressed.
fn c(mut i: Insn) -> Insn {
    i.len = 2;
    i
}

#[test]
fn table_32bit() {
    use Op::*;
    let table: Vec<(u32, Insn)> = vec![
        (0x800002b7, ins(Lui, 5, 0, 0, i32::MIN)), // lui x5,0x80000
        (0xfffff317, ins(Auipc, 6, 0, 0, -4096)),  // auipc x6,0xfffff
        (0xffdff0ef, ins(Jal, 1, 0, 0, -4)),       // jal x1,.-4
        (0xfff28067, ins(Jalr, 0, 5, 0, -1)),      // jalr x0,-1(x5)
        (0x80b55063, ins(Bge, 0, 10, 11, -4096)),  // bge x10,x11,.-4096
        (0x7e066fe3, ins(Bltu, 0, 12, 0, 4094)),   // bltu x12,x0,.+4094
        (0x80046383, ins(Lwu, 7, 8, 0, -2048)),    // lwu x7,-2048(x8)
        (0x7e913fa3, ins(Sd, 0, 2, 9, 2047)),      // sd x9,2047(x2)
        (0x01013087, ins(Fld, 1, 2, 0, 16)),       // fld f1,16(x2)
        (0xffffae27, ins(Fsw, 0, 31, 31, -4)),     // fsw f31,-4(x31)
        (0x43f25193, ins(Srai, 3, 4, 0, 63)),      // srai x3,x4,63
        (0x41f2519b, ins(Sraiw, 3, 4, 0, 31)),     // sraiw x3,x4,31
        (0xfff13093, ins(Sltiu, 1, 2, 0, -1)),     // sltiu x1,x2,-1
        (0x407302bb, ins(Subw, 5, 6, 7, 0)),       // subw x5,x6,x7
        (0x027372bb, ins(Remuw, 5, 6, 7, 0)),      // remuw x5,x6,x7
        (0x023120b3, ins(Mulhsu, 1, 2, 3, 0)),     // mulhsu x1,x2,x3
        (0x160130af, rm(ins(LrD, 1, 2, 0, 0), 3)), // lr.d.aqrl x1,(x2)
        (0x1a42a1af, rm(ins(ScW, 3, 5, 4, 0), 1)), // sc.w.rl x3,x4,(x5)
        (0xe474332f, rm(ins(AmomaxuD, 6, 8, 7, 0), 2)), // amomaxu.d.aq x6,x7,(x8)
        (
            0x223140c3,
            Insn {
                rs3: 4,
                ..rm(ins(FmaddD, 1, 2, 3, 0), 4)
            },
        ), // fmadd.d f1,f2,f3,f4,rmm
        (
            0x407372cb,
            Insn {
                rs3: 8,
                ..rm(ins(FnmsubS, 5, 6, 7, 0), 7)
            },
        ), // fnmsub.s f5,f6,f7,f8
        (0x580120d3, rm(ins(FsqrtS, 1, 2, 0, 0), 2)), // fsqrt.s f1,f2,rdn
        (0x223120d3, ins(FsgnjxD, 1, 2, 3, 0)),    // fsgnjx.d f1,f2,f3
        (0x28629253, ins(FmaxS, 4, 5, 6, 0)),      // fmax.s f4,f5,f6
        (0xc23110d3, rm(ins(FcvtLuD, 1, 2, 0, 0), 1)), // fcvt.lu.d x1,f2,rtz
        (0xd03231d3, rm(ins(FcvtSLu, 3, 4, 0, 0), 3)), // fcvt.s.lu f3,x4,rup
        (0x401170d3, rm(ins(FcvtSD, 1, 2, 0, 0), 7)), // fcvt.s.d f1,f2
        (0xf20280d3, ins(FmvDX, 1, 5, 0, 0)),      // fmv.d.x f1,x5
        (0xe20211d3, ins(FclassD, 3, 4, 0, 0)),    // fclass.d x3,f4
        (0xa23110d3, ins(FltD, 1, 2, 3, 0)),       // flt.d x1,f2,f3
        (0x003110f3, ins(Csrrw, 1, 2, 0, 3)),      // csrrw x1,fcsr,x2
        (0xfffff1f3, ins(Csrrci, 3, 31, 0, 4095)), // csrrci x3,0xfff,31
        (0x0310000f, ins(Fence, 0, 0, 0, 0x031)),  // fence rw,w
        (0x8330000f, ins(Fence, 0, 0, 0, 0x833)),  // fence.tso
        (0x0000100f, ins(FenceI, 0, 0, 0, 0)),     // fence.i
        (0x00000073, ins(Ecall, 0, 0, 0, 0)),      // ecall
        (0x00100073, ins(Ebreak, 0, 0, 0, 0)),     // ebreak
    ];
    for (bits, want) in table {
        assert_eq!(decode(bits), Ok(want), "{bits:#010x}");
        assert_eq!(insn_len(bits as u16), 4);
    }
}

#[test]
fn table_compressed() {
    use Op::*;
    let table: Vec<(u16, Insn)> = vec![
        (0x1fe0, c(ins(Addi, 8, 2, 0, 1020))), // c.addi4spn x8,x2,1020
        (0x3fe4, c(ins(Fld, 9, 15, 0, 248))),  // c.fld f9,248(x15)
        (0x5de8, c(ins(Lw, 10, 11, 0, 124))),  // c.lw x10,124(x11)
        (0xe690, c(ins(Sd, 0, 13, 12, 8))),    // c.sd x12,8(x13)
        (0x1081, c(ins(Addi, 1, 1, 0, -32))),  // c.addi x1,-32
        (0x217d, c(ins(Addiw, 2, 2, 0, 31))),  // c.addiw x2,31
        (0x51fd, c(ins(Addi, 3, 0, 0, -1))),   // c.li x3,-1
        (0x7101, c(ins(Addi, 2, 2, 0, -512))), // c.addi16sp x2,-512
        (0x7201, c(ins(Lui, 4, 0, 0, -0x20000))), // c.lui x4,0xfffe0
        (0x947d, c(ins(Srai, 8, 8, 0, 63))),   // c.srai x8,63
        (0x9881, c(ins(Andi, 9, 9, 0, -32))),  // c.andi x9,-32
        (0x9d0d, c(ins(Subw, 10, 10, 11, 0))), // c.subw x10,x11
        (0xb001, c(ins(Jal, 0, 0, 0, -2048))), // c.j .-2048
        (0xce7d, c(ins(Beq, 0, 12, 0, 254))),  // c.beqz x12,.+254
        (0xf281, c(ins(Bne, 0, 13, 0, -256))), // c.bnez x13,.-256
        (0x0706, c(ins(Slli, 14, 14, 0, 1))),  // c.slli x14,1
        (0x37fe, c(ins(Fld, 15, 2, 0, 504))),  // c.fldsp f15,504(x2)
        (0x587e, c(ins(Lw, 16, 2, 0, 252))),   // c.lwsp x16,252(x2)
        (0x78fe, c(ins(Ld, 17, 2, 0, 504))),   // c.ldsp x17,504(x2)
        (0x8902, c(ins(Jalr, 0, 18, 0, 0))),   // c.jr x18
        (0x89d2, c(ins(Add, 19, 0, 20, 0))),   // c.mv x19,x20
        (0x9002, c(ins(Ebreak, 0, 0, 0, 0))),  // c.ebreak
        (0x9a82, c(ins(Jalr, 1, 21, 0, 0))),   // c.jalr x21
        (0x9b5e, c(ins(Add, 22, 22, 23, 0))),  // c.add x22,x23
        (0xbfe2, c(ins(Fsd, 0, 2, 24, 504))),  // c.fsdsp f24,504(x2)
        (0xdfe6, c(ins(Sw, 0, 2, 25, 252))),   // c.swsp x25,252(x2)
        (0xe06a, c(ins(Sd, 0, 2, 26, 0))),     // c.sdsp x26,0(x2)
        (0x0001, c(ins(Addi, 0, 0, 0, 0))),    // c.nop
        (0x8001, c(ins(Srli, 8, 8, 0, 0))),    // c.srli64 x8 (a HINT)
    ];
    for (h, want) in table {
        assert_eq!(decode(h as u32), Ok(want), "{h:#06x}");
        // The upper halfword is ignored for compressed encodings.
        assert_eq!(decode(0xdead_0000 | h as u32), Ok(want), "{h:#06x}");
        assert_eq!(insn_len(h), 2);
    }
}

#[test]
fn reserved_encodings_are_illegal() {
    let illegal32 = [
        0x0000_7003u32, // LOAD funct3 7
        0x0200_109b,    // slliw x1,x0,32 (shamt[5] = 1)
        0x4200_509b,    // sraiw with shamt[5] = 1
        0x0800_1093,    // slli with funct6 = 2
        0x1051_20af,    // lr.w x1,(x2) with rs2 = 5
        0x0211_50d3,    // fadd.d rm = 5
        0x0211_60d3,    // fadd.d rm = 6
        0x0211_5043,    // fmadd.s rm = 5
        0x5811_00d3,    // fsqrt.s with rs2 = 1
        0xc241_00d3,    // fcvt.w.d with rs2 = 4
        0x4021_00d3,    // fcvt.s.d with rs2 = 2
        0x2031_30d3,    // fsgnj.s with funct3 = 3
        0x2831_20d3,    // fmin.s with funct3 = 2
        0xa231_30d3,    // feq.d with funct3 = 3
        0xe001_20d3,    // fmv.x.w with funct3 = 2
        0xf011_00d3,    // fmv.w.x with rs2 = 1
        0x0431_00d3,    // fadd.h (format 2)
        0x0631_00d3,    // fadd.q (format 3)
        0x0611_70c3,    // fmadd.q
        0x1050_0073,    // wfi
        0x3020_0073,    // mret
        0x1020_0073,    // sret
        0x1200_0073,    // sfence.vma
        0x0000_00f3,    // ecall with rd = 1
        0x0011_0073,    // ebreak with rs1 = 2
        0x0000_4073,    // SYSTEM funct3 4 (hypervisor loads)
        0x0000_0007,    // LOAD-FP funct3 0 (vector load)
        0x0000_4007,    // flq
        0x0000_2067,    // jalr with funct3 2
        0x0000_2063,    // branch funct3 2
        0x2000_2033,    // sh1add (Zba)
        0x4000_7033,    // andn (Zbb)
        0x0000_0057,    // OP-V
        0x0000_201b,    // OP-IMM-32 funct3 2
        0x0000_003f,    // 64-bit encoding
        0x0000_001f,    // 48-bit encoding
    ];
    for &w in &illegal32 {
        assert!(
            decode(w).is_err(),
            "{w:#010x} should be illegal, got {:?}",
            decode(w)
        );
    }
    let illegal16 = [
        0x0000u16, // all zero
        0x0004,    // c.addi4spn nzuimm = 0
        0x2001,    // c.addiw rd = 0
        0x6101,    // c.addi16sp imm = 0
        0x6081,    // c.lui x1,0 (imm = 0)
        0x4002,    // c.lwsp rd = 0
        0x6002,    // c.ldsp rd = 0
        0x8002,    // c.jr x0
        0x8000,    // quadrant 0 funct3 4
        0x9c41,    // quadrant 1 reserved (c.subw-space 10)
        0x9c61,    // quadrant 1 reserved (c.subw-space 11)
    ];
    for &h in &illegal16 {
        assert!(
            decode(h as u32).is_err(),
            "{h:#06x} should be illegal, got {:?}",
            decode(h as u32)
        );
    }
}

#[test]
fn disasm_matches_gnu_syntax() {
    let cases: [(u32, u64, &str); 8] = [
        (0x02a00513, 0, "addi x10,x0,42"),
        (0x00812283, 0, "lw x5,8(x2)"),
        (0x023100d3, 0, "fadd.d f1,f2,f3,rne"),
        (0x80b55063, 0x2000, "bge x10,x11,0x1000"),
        (0x8330000f, 0, "fence.tso"),
        (0x0012d073, 0, "csrrwi x0,fflags,5"),
        (0x0621a0af, 0, "amoadd.w.aqrl x1,x2,(x3)"),
        (0xb001, 0x1000, "jal x0,0x800"),
    ];
    for (bits, pc, text) in cases {
        assert_eq!(disasm(&decode(bits).unwrap(), pc), text);
    }
}
