/* RV64I conformance cases: ALU (register and immediate forms, *W forms), shifts by edge and
 * masked amounts, comparisons, lui/auipc, jal/jalr (link values, odd targets, far jumps),
 * branches over signed/unsigned extremes, loads/stores of every width with sign/zero extension,
 * x0 as destination, and the fence family. Link/auipc results are printed relative to labels so
 * the output does not depend on load addresses. */
#include "isa.h"

    INT_TABLES

    .data
    .balign 16
ldata:
    .byte 0x80, 0x7f, 0xff, 0x01, 0x00, 0x80, 0xfe, 0x7f
    .byte 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff
sbuf:
    .dword 0, 0

.macro LOAD op, off
    lla a1, ldata + 8
    \op a3, \off(a1)
    SAVE 0, a3
    REPORT "\op off=\off", 0, 1
.endm

/* store the pattern with op at ldata-relative offset, then print the 16-byte buffer */
.macro STORE op, off
    lla a1, sbuf
    sd zero, 0(a1)
    sd zero, 8(a1)
    li a2, 0x8182838485868788
    addi a1, a1, 8
    \op a2, \off(a1)
    lla a1, sbuf
    ld a3, 0(a1)
    ld a4, 8(a1)
    SAVE 0, a3
    SAVE 1, a4
    REPORT "\op off=\off", 0, 2
.endm

.macro BR op, tab, n
    FOR s1, .Li\@
    FOR s2, .Lj\@
    lla t1, \tab
    ELEM t0, t1, s1
    ld a1, 0(t0)
    ELEM t0, t1, s2
    ld a2, 0(t0)
    li a3, 1
    \op a1, a2, .Ltaken\@
    li a3, 0
.Ltaken\@:
    SAVE 0, a1
    SAVE 1, a2
    SAVE 2, a3
    REPORT "\op taken", 2, 1
    NEXT s2, \n, .Lj\@
    NEXT s1, \n, .Li\@
.endm

.macro CASE_LUI imm
    lui a3, \imm
    SAVE 0, a3
    REPORT "lui \imm", 0, 1
.endm

.macro CASE_AUIPC imm
.Lpc\@:
    auipc a3, \imm
    lla a4, .Lpc\@
    sub a3, a3, a4
    SAVE 0, a3
    REPORT "auipc \imm (minus pc)", 0, 1
.endm

    TEST_BEGIN
    SAY "# rv64i"

    /* --- register-register ALU over all value pairs --- */
    .irp op, add, sub, slt, sltu, xor, or, and, addw, subw
    RR \op, ivals, NIVALS, ivals, NIVALS
    .endr
    .irp op, sll, srl, sra, sllw, srlw, sraw
    RR \op, ivals, NIVALS, shamts, NSHAMTS
    .endr

    /* --- immediate ALU --- */
    .irp imm, 0, 1, -1, 2047, -2048
    RI addi, \imm, ivals, NIVALS
    RI addiw, \imm, ivals, NIVALS
    RI slti, \imm, ivals, NIVALS
    RI sltiu, \imm, ivals, NIVALS
    .endr
    .irp imm, 0, -1, 0x7ff, -2048, 0x555
    RI xori, \imm, ivals, NIVALS
    RI ori, \imm, ivals, NIVALS
    RI andi, \imm, ivals, NIVALS
    .endr
    .irp imm, 0, 1, 31, 32, 63
    RI slli, \imm, ivals, NIVALS
    RI srli, \imm, ivals, NIVALS
    RI srai, \imm, ivals, NIVALS
    .endr
    .irp imm, 0, 1, 31
    RI slliw, \imm, ivals, NIVALS
    RI srliw, \imm, ivals, NIVALS
    RI sraiw, \imm, ivals, NIVALS
    .endr

    /* --- x0 as destination is discarded; rd == rs forms --- */
    li a1, 5
    add zero, a1, a1
    addi zero, a1, 7
    lui zero, 0x12345
    lla a2, ldata
    ld zero, 0(a2)
    mv a3, zero
    SAVE 0, a3
    REPORT "writes to x0", 0, 1
    li a1, 0x40000000
    addw a1, a1, a1
    SAVE 0, a1
    li a2, 7
    sub a2, a2, a2
    SAVE 1, a2
    li a3, -3
    slli a3, a3, 62
    SAVE 2, a3
    REPORT "rd==rs addw/sub/slli", 0, 3

    /* --- lui / auipc --- */
    .irp imm, 0, 1, 0x7ffff, 0x80000, 0xfffff, 0x12345
    CASE_LUI \imm
    CASE_AUIPC \imm
    .endr

    /* --- branches --- */
    .irp op, beq, bne, blt, bge, bltu, bgeu
    BR \op, cvals, NCVALS
    .endr
    /* backward branch loop: sum 1..10 */
    li a1, 0
    li a2, 10
1:  add a1, a1, a2
    addi a2, a2, -1
    bnez a2, 1b
    SAVE 0, a1
    REPORT "backward bnez loop sum", 0, 1
    /* far forward / backward branches (close to the +-4 KiB limit) */
    li a3, 0
    beq zero, zero, .Lfar_fwd
    li a3, 99
    .skip 4000
.Lfar_fwd:
    addi a3, a3, 1
    bnez a3, .Lfar_back_done
    j .Lfar_end
.Lfar_back_target:
    addi a3, a3, 10
    j .Lfar_end
    .skip 3900
.Lfar_back_done:
    bne a3, zero, .Lfar_back_target
.Lfar_end:
    SAVE 0, a3
    REPORT "far branches", 0, 1

    /* --- jal / jalr --- */
    jal ra, .Lj1
.Lj1_ret:
    j .Lj1_done
.Lj1:
    lla a4, .Lj1_ret
    sub a3, ra, a4
    SAVE 0, a3
    REPORT "jal link minus return label", 0, 1
    j .Lj1_ret
.Lj1_done:
    /* jal with rd = x0 and a far target */
    li a3, 1
    jal zero, .Ljfar
    li a3, 2
    .skip 200000
.Ljfar:
    SAVE 0, a3
    REPORT "jal x0 far (+200000)", 0, 1
    /* jalr with odd target: bit 0 is cleared */
    lla t1, .Ljr1
    addi t1, t1, 1
    li a3, 0
    jalr t2, 0(t1)
.Ljr1_link:
    li a3, 77
.Ljr1:
    lla a4, .Ljr1_link
    sub a4, t2, a4
    SAVE 0, a3
    SAVE 1, a4
    REPORT "jalr odd target (skip flag, link-label)", 0, 2
    /* jalr with negative offset and odd sum, rd == rs1 */
    lla t1, .Ljr2 + 16
    jalr t1, -15(t1)
.Ljr2_link:
    nop
.Ljr2:
    lla a4, .Ljr2_link
    sub a4, t1, a4
    SAVE 0, a4
    REPORT "jalr rd==rs1 offset -15 (link-label)", 0, 1
    /* jalr x0 (plain indirect jump) */
    lla t1, .Ljr3
    li a3, 5
    jalr zero, 0(t1)
    li a3, 6
.Ljr3:
    SAVE 0, a3
    REPORT "jalr x0", 0, 1

    /* --- loads --- */
    .irp off, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7
    LOAD lb, \off
    LOAD lbu, \off
    .endr
    .irp off, -8, -6, -4, -2, 0, 2, 4, 6
    LOAD lh, \off
    LOAD lhu, \off
    .endr
    .irp off, -8, -4, 0, 4
    LOAD lw, \off
    LOAD lwu, \off
    .endr
    .irp off, -8, 0
    LOAD ld, \off
    .endr
    /* rd == rs1 load */
    lla a3, ldata
    ld a3, 0(a3)
    SAVE 0, a3
    REPORT "ld rd==rs1", 0, 1

    /* --- stores --- */
    .irp off, -8, -7, -1, 0, 1, 7
    STORE sb, \off
    .endr
    .irp off, -8, -2, 0, 6
    STORE sh, \off
    .endr
    .irp off, -8, -4, 0, 4
    STORE sw, \off
    .endr
    .irp off, -8, 0
    STORE sd, \off
    .endr

    /* --- fences (no observable effect beyond not trapping) --- */
    lla a1, sbuf
    li a2, 42
    sd a2, 0(a1)
    fence
    fence rw, rw
    fence r, r
    fence w, w
    fence i, o
    fence iorw, iorw
    fence.tso
    .word 0x0100000f        /* pause (fence w,0) */
    ld a3, 0(a1)
    SAVE 0, a3
    REPORT "fences", 0, 1

    TEST_END
