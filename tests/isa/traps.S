/* Instructions that must end the process with a signal, one per run, selected by the first
 * character of argv[1]: the program prints the case name and then executes it. The harness
 * compares the fatal signal (and the output before it) with qemu's.
 *   e ebreak (SIGTRAP)          c c.ebreak (SIGTRAP)       z all-zero halfword (SIGILL)
 *   u write to read-only cycle (SIGILL)                    h rdcycleh, absent on RV64 (SIGILL)
 *   m mstatus from user mode (SIGILL)                      r reserved static rm 5 (SIGILL)
 *   d dyn rm with frm = 5 (SIGILL)                         l load from address 0 (SIGSEGV)
 *   w store into .text (SIGSEGV)                           x jump into non-executable data (SIGSEGV)
 *   a misaligned amoadd.w (SIGBUS)                         s misaligned lr.d (SIGBUS)
 *   L load into x0 from address 0 (SIGSEGV: rd = x0 does not skip the access)
 *   A amoadd.w on read-only data (SIGSEGV)                 f jump to address 0 (SIGSEGV)
 */
#include "isa.h"

    .data
    .balign 16
tdata:
    .dword 0x0000000000008067, 0    /* "ret" as data: executing it must fault */

    .section .rodata.tables, "a"
    .balign 8
rodata_word:
    .dword 5

    .text
    .globl test_main
test_main:
    lla s11, res
    ld t0, 0(a0)                /* argc */
    li t1, 2
    blt t0, t1, .Lusage
    ld t0, 16(a0)               /* argv[1] */
    lbu s1, 0(t0)
    li t0, 101
    beq s1, t0, .Lcase_e
    li t0, 99
    beq s1, t0, .Lcase_c
    li t0, 122
    beq s1, t0, .Lcase_z
    li t0, 117
    beq s1, t0, .Lcase_u
    li t0, 104
    beq s1, t0, .Lcase_h
    li t0, 109
    beq s1, t0, .Lcase_m
    li t0, 114
    beq s1, t0, .Lcase_r
    li t0, 100
    beq s1, t0, .Lcase_d
    li t0, 108
    beq s1, t0, .Lcase_l
    li t0, 119
    beq s1, t0, .Lcase_w
    li t0, 120
    beq s1, t0, .Lcase_x
    li t0, 97
    beq s1, t0, .Lcase_a
    li t0, 115
    beq s1, t0, .Lcase_s
    li t0, 76
    beq s1, t0, .Lcase_L
    li t0, 65
    beq s1, t0, .Lcase_A
    li t0, 102
    beq s1, t0, .Lcase_f
.Lusage:
    SAY "usage: traps CASE"
    li a0, 2
    call sys_exit

.Lcase_e:
    SAY "trap e: ebreak"
    ebreak
    j .Lsurvived
.Lcase_c:
    SAY "trap c: c.ebreak"
    .option push
    .option rvc
    c.ebreak
    .option pop
    j .Lsurvived
.Lcase_z:
    SAY "trap z: all-zero halfword"
    .hword 0
    j .Lsurvived
.Lcase_u:
    SAY "trap u: csrw cycle"
    csrw cycle, zero
    j .Lsurvived
.Lcase_h:
    SAY "trap h: rdcycleh"
    csrr a0, 0xc80
    j .Lsurvived
.Lcase_m:
    SAY "trap m: csrr mstatus"
    csrr a0, mstatus
    j .Lsurvived
.Lcase_r:
    SAY "trap r: fadd.s with rm=5"
    .insn r OP_FP, 5, 0, fa0, fa1, fa2
    j .Lsurvived
.Lcase_d:
    SAY "trap d: fadd.s dyn with frm=5"
    fsrmi 5
    fadd.s fa0, fa1, fa2, dyn
    j .Lsurvived
.Lcase_l:
    SAY "trap l: load from 0"
    ld a0, 0(zero)
    j .Lsurvived
.Lcase_w:
    SAY "trap w: store into .text"
    lla a0, test_main
    sw zero, 0(a0)
    j .Lsurvived
.Lcase_x:
    SAY "trap x: jump into data"
    lla a0, tdata
    jalr a0
    j .Lsurvived
.Lcase_a:
    SAY "trap a: misaligned amoadd.w"
    lla a0, tdata + 2
    amoadd.w a1, a1, (a0)
    j .Lsurvived
.Lcase_s:
    SAY "trap s: misaligned lr.d"
    lla a0, tdata + 4
    lr.d a1, (a0)
    j .Lsurvived

.Lcase_L:
    SAY "trap L: lw x0 from 0"
    lw x0, 0(zero)
    j .Lsurvived
.Lcase_A:
    SAY "trap A: amoadd.w on read-only data"
    lla a0, rodata_word
    amoadd.w a1, a1, (a0)
    j .Lsurvived
.Lcase_f:
    SAY "trap f: jump to address 0"
    jr zero
    j .Lsurvived

.Lsurvived:
    SAY "survived"
    li a0, 0
    call sys_exit
