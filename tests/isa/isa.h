/* Assembler macros shared by the ISA conformance programs (preprocessed by gcc, used by GAS).
 *
 * Conventions: s11 holds &res (the array rt.c's report() prints from); a test saves inputs and
 * outputs with SAVE/FSAVE into res[i] and then calls REPORT "name", nin, nout, which prints
 * "name in... -> out..." in hex. report() is an ordinary C call: it clobbers every caller-saved
 * register, so loop state lives in s1..s10.
 *
 * .option norvc: the assembler must not silently compress the 32-bit instructions under test;
 * rv64c.S turns RVC back on for its explicit c. mnemonics.
 */
    .option norvc

/* Start of the program: test_main never returns; TEST_END exits with status 0. */
.macro TEST_BEGIN
    .text
    .globl test_main
test_main:
    lla s11, res
.endm

.macro TEST_END
    li a0, 0
    call sys_exit
.endm

.macro SAVE i, reg
    sd \reg, (8*(\i))(s11)
.endm

.macro FSAVE i, freg
    fsd \freg, (8*(\i))(s11)
.endm

/* Print res[0..nin) as inputs and res[nin..nin+nout) as outputs under the given name. */
.macro REPORT name, nin, nout
    .pushsection .rodata.names, "a"
.Lname\@:
    .asciz "\name"
    .popsection
    lla a0, .Lname\@
    li a1, \nin
    li a2, \nout
    call report
.endm

/* Print a plain line. */
.macro SAY text
    .pushsection .rodata.names, "a"
.Lsay\@:
    .asciz "\text"
    .popsection
    lla a0, .Lsay\@
    call say
.endm

/* t0 = &table[idx] for a table of 8-byte entries (idx register, base register). */
.macro ELEM dst, base, idx
    slli \dst, \idx, 3
    add \dst, \dst, \base
.endm

/* Loop helpers: FOR reg, count ... NEXT reg, count (reg counts 0..count-1; reg is an s register). */
.macro FOR reg, lbl
    li \reg, 0
\lbl:
.endm

.macro NEXT reg, count, lbl
    addi \reg, \reg, 1
    li t0, \count
    blt \reg, t0, \lbl
.endm

/* Integer register-register op over every pair (a from tabA[nA], b from tabB[nB]). */
.macro RR op, tabA, nA, tabB, nB
    FOR s1, .Li\@
    FOR s2, .Lj\@
    lla t1, \tabA
    ELEM t0, t1, s1
    ld a1, 0(t0)
    lla t1, \tabB
    ELEM t0, t1, s2
    ld a2, 0(t0)
    \op a3, a1, a2
    SAVE 0, a1
    SAVE 1, a2
    SAVE 2, a3
    REPORT "\op", 2, 1
    NEXT s2, \nB, .Lj\@
    NEXT s1, \nA, .Li\@
.endm

/* Integer register-immediate op over every value of tab[n]. */
.macro RI op, imm, tab, n
    FOR s1, .Li\@
    lla t1, \tab
    ELEM t0, t1, s1
    ld a1, 0(t0)
    \op a3, a1, \imm
    SAVE 0, a1
    SAVE 1, a3
    REPORT "\op imm=\imm", 1, 1
    NEXT s1, \n, .Li\@
.endm

/* Standard integer value table (12 entries) and shift amounts (12 entries). */
.macro INT_TABLES
    .section .rodata.tables, "a"
    .balign 8
ivals:
    .dword 0, 1, 2, -1, -2
    .dword 0x7fffffffffffffff, 0x8000000000000000
    .dword 0x7fffffff, 0x80000000, 0xffffffff, 0xffffffff80000000
    .dword 0x123456789abcdef0
    .equ NIVALS, 12
shamts:
    .dword 0, 1, 31, 32, 33, 63, 64, 65, 127, -1, 0x100000020, 0x8000000000000001
    .equ NSHAMTS, 12
/* small table for comparisons/branches (6 entries) */
cvals:
    .dword 0, 1, -1, 0x8000000000000000, 0x7fffffffffffffff, 0x80000000
    .equ NCVALS, 6
    .text
.endm
