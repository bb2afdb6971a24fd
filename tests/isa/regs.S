/* Register-file cases: every integer and FP register number as destination and source (bit 4
 * of the rd/rs1/rs2/rs3 fields included), sp/gp/tp used as ordinary operands, and writes to x0
 * from every instruction format. All 31 integer and 32 FP registers are seeded with distinct
 * values, combined by a chain of operations, and then dumped. */
#include "isa.h"
    .option norelax     /* gp is clobbered below: no gp-relative relaxation of lla */

    .section .rodata.tables, "a"
    .balign 8
fseed:
    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .dword 0x4000000000000000 + (\i << 48) + (\i * 0x0101)
    .endr

    .data
    .balign 8
saved_sp:
    .dword 0
saved_gp:
    .dword 0
dump:
    .skip 8 * 32
fdump:
    .skip 8 * 32
    .text

/* print table[0..n) 4 per line */
.macro DUMP table, label
    FOR s1, .Ld\@
    lla t1, \table
    slli t0, s1, 5
    add t0, t0, t1
    ld a1, 0(t0)
    ld a2, 8(t0)
    ld a3, 16(t0)
    ld a4, 24(t0)
    SAVE 0, a1
    SAVE 1, a2
    SAVE 2, a3
    SAVE 3, a4
    REPORT "\label", 0, 4
    NEXT s1, 8, .Ld\@
.endm

    TEST_BEGIN
    SAY "# regs"
    lla t0, saved_sp
    sd sp, 0(t0)
    sd gp, 8(t0)

    /* seed x1..x31 with distinct values */
    .irp r, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    li x\r, 0x1000000000000000 * (\r % 8) + 0x010101 * \r + 0x100000000 * \r
    .endr
    /* chains through every register (high numbers as rd, rs1 and rs2) */
    add x31, x30, x29
    sub x30, x31, x1
    xor x29, x2, x3
    or x28, x4, x31
    and x27, x28, x16
    sll x26, x17, x18
    srl x25, x19, x20
    sra x24, x21, x22
    slt x23, x24, x25
    sltu x22, x26, x27
    addw x21, x28, x29
    subw x20, x30, x31
    mul x19, x17, x18
    mulh x18, x16, x31
    div x17, x31, x5
    remu x16, x30, x6
    addi x15, x31, -1
    xori x14, x30, 0x7f
    slli x13, x29, 17
    srai x12, x28, 3
    addiw x11, x27, 2047
    sub x10, x2, x3
    add x9, x4, x2
    xor x8, x3, x4
    mulw x7, x31, x31
    sraw x6, x31, x17
    /* x0 never changes, whatever writes to it */
    add x0, x31, x30
    addi x0, x31, 1
    mul x0, x31, x31
    lui x0, 0x12345
    auipc x0, 1
    add x5, x0, x31
    /* dump x2..x31 with x1 as the base (x1's value already fed x30) */
    lla x1, dump
    .irp r, 2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd x\r, (8 * \r)(x1)
    .endr
    sd x0, 0(x1)
    ld sp, -16(x1)
    ld gp, -8(x1)
    lla s11, res
    DUMP dump, "x0-x31 after chain (x1 = base)"

    /* FP: seed f0..f31 */
    lla t0, fseed
    .irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    fld f\r, (8 * \r)(t0)
    .endr
    fsflags zero
    fadd.d f31, f30, f29, rne
    fsub.d f30, f31, f0, rtz
    fmul.d f29, f28, f16, rdn
    fdiv.d f28, f17, f18, rup
    fmadd.d f27, f26, f25, f24, rne
    fmsub.d f26, f31, f30, f29, rmm
    fnmsub.d f25, f16, f17, f18, rne
    fnmadd.d f24, f19, f20, f31, rtz
    fsqrt.d f23, f22, rne
    fsgnjn.d f22, f21, f31
    fsgnjx.d f21, f30, f22
    fmin.d f20, f19, f31
    fmax.d f19, f18, f17
    fcvt.s.d f18, f31, rne
    fadd.s f17, f18, f18, rne
    fcvt.d.s f16, f17
    fcvt.d.l f15, x30, rne
    fmv.d.x f14, x29
    fmadd.s f13, f18, f17, f18, rne
    fmv.w.x f12, x28
    fcvt.l.d x31, f31, rtz
    fmv.x.d x30, f16
    feq.d x29, f19, f19
    fclass.d x28, f25
    fadd.d f5, f5, f5, rne
    fmadd.d f6, f6, f6, f6, rne
    fsgnjn.d f7, f7, f7
    fmul.s f8, f17, f17, rne
    fnmsub.s f8, f8, f8, f8, rne
    fcvt.w.s x0, f18, rne
    fmv.x.d x0, f31
    frflags x27
    lla x1, fdump
    .irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    fsd f\r, (8 * \r)(x1)
    .endr
    lla x1, dump
    sd x0, 0(x1)
    sd x27, 8(x1)
    sd x28, 16(x1)
    sd x29, 24(x1)
    sd x30, 32(x1)
    sd x31, 40(x1)
    lla s11, res
    DUMP fdump, "f0-f31 after chain"
    lla a0, dump
    ld a1, 0(a0)
    ld a2, 8(a0)
    ld a3, 16(a0)
    ld a4, 24(a0)
    ld a5, 32(a0)
    ld a6, 40(a0)
    SAVE 0, a1
    SAVE 1, a2
    SAVE 2, a3
    SAVE 3, a4
    SAVE 4, a5
    SAVE 5, a6
    REPORT "x0 fflags fclass feq fmv.x.d fcvt.l.d", 0, 6
    TEST_END
