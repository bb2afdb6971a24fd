/* RV64A conformance cases: every AMO in .w and .d forms over boundary pairs (signed/unsigned
 * min/max at 32- and 64-bit extremes), each ordering variant (.aq/.rl/.aqrl) on a smaller set,
 * with the old value (sign-extended for .w) and the whole memory doubleword printed (a .w AMO
 * must leave the neighbouring word alone). LR/SC: success, failure without a reservation,
 * failure after any SC (an SC always ends the reservation, even one to another address, whose own
 * result the spec leaves open and is not printed), lr.w sign extension, and a retry loop. */
#include "isa.h"

    .section .rodata.tables, "a"
    .balign 8
avals:
    .dword 0, 1, -1, 0x7fffffff, 0x80000000, 0xffffffff, 0x8000000000000000, 0x7fffffffffffffff
    .equ NAVALS, 8
avals_small:
    .dword 0x80000000, -1, 0x7fffffff
    .equ NASMALL, 3

    .data
    .balign 64
slot:
    .dword 0
    .balign 64
other:
    .dword 0
    .text

/* One AMO over all (initial memory, operand) pairs; sz is w or d. */
.macro AMO op, sz, tab, n
    FOR s1, .Li\@
    FOR s2, .Lj\@
    lla t1, \tab
    ELEM t0, t1, s1
    ld a1, 0(t0)
    ELEM t0, t1, s2
    ld a2, 0(t0)
    lla a0, slot
    li t2, 0xa5a5a5a5a5a5a5a5
    sd t2, 0(a0)
    .ifc \sz, w
    sw a1, 0(a0)
    .else
    sd a1, 0(a0)
    .endif
    \op a3, a2, (a0)
    ld a4, 0(a0)
    SAVE 0, a1
    SAVE 1, a2
    SAVE 2, a3
    SAVE 3, a4
    REPORT "\op (mem, rs2 -> rd, mem64)", 2, 2
    NEXT s2, \n, .Lj\@
    NEXT s1, \n, .Li\@
.endm

.macro AMO_ALL op, sz
    AMO \op\().\sz, \sz, avals, NAVALS
    AMO \op\().\sz\().aq, \sz, avals_small, NASMALL
    AMO \op\().\sz\().rl, \sz, avals_small, NASMALL
    AMO \op\().\sz\().aqrl, \sz, avals_small, NASMALL
.endm

    TEST_BEGIN
    SAY "# rv64a"

    .irp sz, w, d
    .irp op, amoswap, amoadd, amoxor, amoand, amoor, amomin, amomax, amominu, amomaxu
    AMO_ALL \op, \sz
    .endr
    .endr

    /* AMO with rd = x0 still writes memory; rd == rs2 */
    lla s3, slot
    li a1, 40
    sd a1, 0(s3)
    li a2, 2
    amoadd.d zero, a2, (s3)
    ld a3, 0(s3)
    SAVE 0, a3
    li a2, 9
    amoswap.d a2, a2, (s3)
    SAVE 1, a2
    ld a3, 0(s3)
    SAVE 2, a3
    REPORT "amoadd.d rd=x0; amoswap.d rd==rs2", 0, 3

    /* rd == rs1: the address is read before rd is written */
    lla s3, slot
    li a1, 0x100
    sd a1, 0(s3)
    mv a0, s3
    li a1, 5
    amoadd.d a0, a1, (a0)
    SAVE 0, a0
    ld a2, 0(s3)
    SAVE 1, a2
    mv a0, s3
    lr.d a0, (a0)
    SAVE 2, a0
    mv a0, s3
    lr.d a1, (a0)
    li a1, 0x77
    sc.d a0, a1, (a0)
    SAVE 3, a0
    ld a2, 0(s3)
    SAVE 4, a2
    mv a0, s3
    amoswap.w a0, a0, (a0)
    sub a0, a0, zero
    SAVE 5, a0
    REPORT "rd==rs1: amoadd.d old, mem; lr.d; sc.d result, mem; amoswap.w old", 0, 6

    /* LR/SC success (.d) */
    lla s3, slot
    li a1, 0x1122334455667788
    sd a1, 0(s3)
    li a2, -5
    lr.d a3, (s3)
    sc.d a4, a2, (s3)
    ld a5, 0(s3)
    SAVE 0, a3
    SAVE 1, a4
    SAVE 2, a5
    REPORT "lr.d/sc.d success (lr, sc, mem)", 0, 3

    /* SC without reservation (the previous SC consumed it): fails with 1, no store */
    li a2, 123
    sc.d a4, a2, (s3)
    ld a5, 0(s3)
    SAVE 0, a4
    SAVE 1, a5
    REPORT "sc.d without reservation (sc, mem)", 0, 2

    /* lr.w sign-extends; sc.w stores only the low word */
    li a1, 0xa5a5a5a580000000
    sd a1, 0(s3)
    li a2, 0x123456787fffffff
    lr.w a3, (s3)
    sc.w a4, a2, (s3)
    ld a5, 0(s3)
    SAVE 0, a3
    SAVE 1, a4
    SAVE 2, a5
    REPORT "lr.w/sc.w success (lr, sc, mem64)", 0, 3
    li a2, 1
    sc.w a4, a2, (s3)
    ld a5, 0(s3)
    SAVE 0, a4
    SAVE 1, a5
    REPORT "sc.w without reservation (sc, mem64)", 0, 2

    /* Any SC ends the reservation: lr A; sc B (result not printed); sc A fails */
    li a1, 7
    sd a1, 0(s3)
    lla a6, other
    lr.d a3, (s3)
    sc.d a4, a1, (a6)
    li a2, 8
    sc.d a4, a2, (s3)
    ld a5, 0(s3)
    SAVE 0, a3
    SAVE 1, a4
    SAVE 2, a5
    REPORT "lr A; sc B; sc A fails (lr, sc A, mem A)", 0, 3

    /* Second SC after a successful one fails */
    li a2, 8
    lr.d a3, (s3)
    sc.d a4, a2, (s3)
    li a2, 9
    sc.d a6, a2, (s3)
    ld a5, 0(s3)
    SAVE 0, a4
    SAVE 1, a6
    SAVE 2, a5
    REPORT "lr; sc ok; sc again fails (sc1, sc2, mem)", 0, 3

    /* Ordering variants */
    li a1, 100
    sd a1, 0(s3)
    lr.d.aq a3, (s3)
    addi a3, a3, 1
    sc.d.rl a4, a3, (s3)
    SAVE 0, a4
    lr.d.aqrl a3, (s3)
    addi a3, a3, 1
    sc.d.aqrl a4, a3, (s3)
    SAVE 1, a4
    lr.w.aq a3, (s3)
    addi a3, a3, 1
    sc.w.rl a4, a3, (s3)
    SAVE 2, a4
    lr.w.aqrl a3, (s3)
    addi a3, a3, 1
    sc.w.aqrl a4, a3, (s3)
    SAVE 3, a4
    ld a5, 0(s3)
    SAVE 4, a5
    REPORT "lr/sc aq/rl/aqrl variants (4 sc results, mem)", 0, 5

    /* Retry loop: atomic increment 100 times */
    sd zero, 0(s3)
    li s1, 100
.Linc:
    lr.w t1, (s3)
    addiw t1, t1, 3
    sc.w t2, t1, (s3)
    bnez t2, .Linc
    addi s1, s1, -1
    bnez s1, .Linc
    ld a5, 0(s3)
    SAVE 0, a5
    REPORT "lr.w/sc.w retry loop x100 (+3)", 0, 1

    TEST_END
