/* RVC conformance cases: every RV64C instruction written explicitly with its c. mnemonic
 * (c.ebreak excepted: it traps), at immediate extremes (c.addi16sp -512/+496, c.addi4spn 1020,
 * c.ldsp 504, c.lwsp 252, c.ld 248, c.lw 124, c.li/c.addi -32..31, c.lui negative), with *w
 * sign extension, shifts by 1/31/32/63, link values of c.jalr (pc + 2), taken and untaken
 * c.beqz/c.bnez, and a few HINT encodings (rd = x0) that must execute as no-ops. */
#include "isa.h"
    .option rvc

    .data
    .balign 16
cbuf:
    .skip 256

/* r = (op applied to a0 initialised with val), printed under name */
.macro CI op, val, imm
    li a0, \val
    \op a0, \imm
    SAVE 0, a0
    REPORT "\op \val, \imm", 0, 1
.endm

.macro CR op, v1, v2
    li a0, \v1
    li a1, \v2
    \op a0, a1
    SAVE 0, a0
    REPORT "\op \v1, \v2", 0, 1
.endm

.macro CB op, val
    li a0, \val
    li a3, 1
    \op a0, .Lt\@
    li a3, 0
.Lt\@:
    SAVE 0, a3
    REPORT "\op \val taken", 0, 1
.endm

    .text
    TEST_BEGIN
    SAY "# rv64c"

    /* stack pointer arithmetic */
    mv s2, sp
    c.addi16sp sp, -512
    sub a0, sp, s2
    SAVE 0, a0
    c.addi4spn a0, sp, 1020
    sub a0, a0, sp
    SAVE 1, a0
    c.addi4spn a1, sp, 4
    sub a1, a1, sp
    SAVE 2, a1
    c.addi16sp sp, 496
    c.addi16sp sp, 16
    sub a0, sp, s2
    SAVE 3, a0
    REPORT "c.addi16sp -512; c.addi4spn 1020, 4; c.addi16sp 496+16", 0, 4
    c.addi16sp sp, -512

    /* stack-relative loads and stores */
    li s3, 0x8123456789abcdef
    c.sdsp s3, 504(sp)
    c.ldsp a1, 504(sp)
    c.swsp s3, 252(sp)
    c.lwsp a2, 252(sp)
    c.sdsp s3, 0(sp)
    c.lwsp a3, 4(sp)
    c.lwsp a4, 0(sp)
    SAVE 0, a1
    SAVE 1, a2
    SAVE 2, a3
    SAVE 3, a4
    REPORT "c.sdsp/c.ldsp 504, c.swsp/c.lwsp 252, c.lwsp 4, 0", 0, 4
    li a0, 0x7ff0000000000001
    fmv.d.x fa0, a0
    c.fsdsp fa0, 8(sp)
    c.fsdsp fa0, 504(sp)
    c.fldsp fa1, 504(sp)
    c.fldsp fa2, 8(sp)
    fmv.x.d a1, fa1
    fmv.x.d a2, fa2
    SAVE 0, a1
    SAVE 1, a2
    REPORT "c.fsdsp/c.fldsp 504, 8", 0, 2

    /* register-relative loads and stores (3-bit register fields) */
    lla s0, cbuf
    li a0, 0xfedcba9876543210
    c.sd a0, 248(s0)
    c.ld a1, 248(s0)
    c.sw a0, 124(s0)
    c.lw a2, 124(s0)
    li a0, 0x80000001
    c.sw a0, 0(s0)
    c.lw a3, 0(s0)
    c.ld a4, 0(s0)
    SAVE 0, a1
    SAVE 1, a2
    SAVE 2, a3
    SAVE 3, a4
    REPORT "c.sd/c.ld 248, c.sw/c.lw 124, c.sw/c.lw/c.ld 0", 0, 4
    li a0, 0xfff8000000012345
    fmv.d.x fa0, a0
    c.fsd fa0, 248(s0)
    c.fld fa1, 248(s0)
    c.fsd fa1, 16(s0)
    c.ld a5, 16(s0)
    SAVE 0, a5
    REPORT "c.fsd/c.fld 248, c.fsd 16", 0, 1

    /* constants */
    c.li a0, -32
    c.li a1, 31
    c.li a2, 0
    c.lui a3, 1
    c.lui a4, 0x1f
    c.lui a5, 0xfffe0
    c.lui s0, 0xfffff
    SAVE 0, a0
    SAVE 1, a1
    SAVE 2, a2
    SAVE 3, a3
    SAVE 4, a4
    SAVE 5, a5
    SAVE 6, s0
    REPORT "c.li -32, 31, 0; c.lui 1, 0x1f, 0xfffe0, 0xfffff", 0, 7

    /* immediate ALU */
    CI c.addi, 0x7fffffffffffffff, 1
    CI c.addi, 0, -32
    CI c.addi, 5, 31
    CI c.addiw, 0x7fffffff, 1
    CI c.addiw, 0x123456789abcdef0, 0
    CI c.addiw, 0, -32
    CI c.addiw, 0xffffffff00000000, 31
    .irp sh, 1, 31, 32, 63
    CI c.slli, 0x123456789abcdef1, \sh
    CI c.srli, 0x8000000000000001, \sh
    CI c.srai, 0x8000000000000001, \sh
    .endr
    CI c.andi, -1, -32
    CI c.andi, 0x123456789abcdef0, 31
    CI c.andi, 0x123456789abcdef0, -1

    /* register ALU */
    .irp op, c.sub, c.xor, c.or, c.and, c.subw, c.addw, c.add, c.mv
    CR \op, 0x7fffffff, 1
    CR \op, 0x80000000, 0xffffffff00000001
    CR \op, 0x8000000000000000, -1
    .endr
    li t3, 0x1111
    li s5, 0x2222
    c.add t3, s5
    c.mv s6, t3
    c.add s6, s6
    SAVE 0, t3
    SAVE 1, s6
    REPORT "c.add t3, s5; c.mv s6, t3; c.add s6, s6", 0, 2

    /* nop and HINTs (rd = x0): no architectural effect */
    li a0, 77
    c.nop
    .hword 0x0005           /* c.addi x0, 1 (HINT) */
    .hword 0x4015           /* c.li x0, 5 (HINT) */
    .hword 0x802a           /* c.mv x0, a0 (HINT) */
    .hword 0x902a           /* c.add x0, a0 (HINT) */
    .hword 0x0006           /* c.slli x0, 1 (HINT) */
    mv a1, zero
    SAVE 0, a0
    SAVE 1, a1
    REPORT "c.nop and rd=x0 HINTs", 0, 2

    /* branches */
    .irp v, 0, 1, -1, 0x8000000000000000, 0x100000000
    CB c.beqz, \v
    CB c.bnez, \v
    .endr
    /* backward c.bnez loop */
    li a0, 5
    li a1, 0
.Lcloop:
    c.addi a1, 3
    c.addi a0, -1
    c.bnez a0, .Lcloop
    SAVE 0, a1
    REPORT "c.bnez backward loop", 0, 1

    /* jumps */
    li a3, 0
    c.j .Lcj1
    li a3, 1
.Lcj2:
    c.addi a3, 4
    c.j .Lcj3
.Lcj1:
    c.addi a3, 2
    c.j .Lcj2
.Lcj3:
    SAVE 0, a3
    REPORT "c.j forward and backward", 0, 1
    lla a0, .Lcjr
    li a3, 10
    c.jr a0
    li a3, 11
.Lcjr:
    SAVE 0, a3
    REPORT "c.jr", 0, 1
    /* c.jr / c.jalr clear bit 0 of the target like jalr */
    lla a0, .Lcjr_odd
    addi a0, a0, 1
    li a3, 20
    c.jr a0
    li a3, 21
.Lcjr_odd:
    lla a0, .Lcjalr_odd_target
    addi a0, a0, 1
    c.jalr a0
.Lcjalr_odd_ret:
    j .Lcjalr_odd_done
.Lcjalr_odd_target:
    lla a1, .Lcjalr_odd_ret
    sub a1, ra, a1
    SAVE 0, a3
    SAVE 1, a1
    REPORT "c.jr/c.jalr odd targets (flag, link minus return label)", 0, 2
    lla ra, .Lcjalr_odd_ret
    c.jr ra
.Lcjalr_odd_done:
    lla a0, .Lcjalr_target
    c.jalr a0
.Lcjalr_ret:
    j .Lcjalr_done
.Lcjalr_target:
    lla a1, .Lcjalr_ret
    sub a1, ra, a1
    SAVE 0, a1
    REPORT "c.jalr link minus return label", 0, 1
    lla ra, .Lcjalr_ret
    c.jr ra
.Lcjalr_done:
    /* c.jalr with rs1 = ra: target read before the link is written */
    lla ra, .Lcjalr2_target
    c.jalr ra
.Lcjalr2_ret:
    j .Lcjalr2_done
.Lcjalr2_target:
    lla a1, .Lcjalr2_ret
    sub a1, ra, a1
    SAVE 0, a1
    REPORT "c.jalr ra (link minus return label)", 0, 1
.Lcjalr2_done:

    mv sp, s2
    TEST_END
