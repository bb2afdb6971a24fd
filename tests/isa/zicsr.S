/* Zicsr conformance cases on the FP CSRs: csrrw/csrrs/csrrc and their immediate forms on fflags,
 * frm and fcsr (old value returned, new value read back through all three views), masking of
 * bits outside each field (fflags 5 bits, frm 3 bits, fcsr 8 bits), rd = x0 forms, rd == rs1,
 * accumulation of fflags across instructions, and that reading cycle/time/instret does not trap
 * (their values are not printed: they are not deterministic). */
#include "isa.h"

/* print the three FP CSR views after a sequence: fflags, frm, fcsr */
.macro VIEWS name, old
    frflags a5
    frrm a6
    frcsr a7
    SAVE 0, \old
    SAVE 1, a5
    SAVE 2, a6
    SAVE 3, a7
    REPORT "\name (old -> fflags, frm, fcsr)", 0, 4
.endm

.macro CSR_RR op, csr, init, val
    li t0, \init
    fscsr t0
    li a1, \val
    \op a2, \csr, a1
    VIEWS "\op \csr init=\init rs1=\val", a2
.endm

.macro CSR_RI op, csr, init, uimm
    li t0, \init
    fscsr t0
    \op a2, \csr, \uimm
    VIEWS "\op \csr init=\init uimm=\uimm", a2
.endm

    TEST_BEGIN
    SAY "# zicsr"

    .irp csr, fflags, frm, fcsr
    .irp val, 0, 0x1f, 0xff, -1, 0x5a
    CSR_RR csrrw, \csr, 0xa5, \val
    CSR_RR csrrs, \csr, 0x81, \val
    CSR_RR csrrc, \csr, 0xff, \val
    .endr
    .irp uimm, 0, 1, 7, 0x15, 31
    CSR_RI csrrwi, \csr, 0xa5, \uimm
    CSR_RI csrrsi, \csr, 0x81, \uimm
    CSR_RI csrrci, \csr, 0xff, \uimm
    .endr
    .endr

    /* rd = x0 forms (csrw/csrs/csrc and immediates) */
    fscsr zero
    li a1, 0x3
    csrw fflags, a1
    csrs frm, a1
    csrci fflags, 1
    csrsi fcsr, 0x10
    csrwi frm, 4
    li a2, 0
    VIEWS "csrw/csrs/csrci/csrsi/csrwi with rd=x0", a2
    /* rs1 = x0 / uimm = 0 forms read without writing */
    li t0, 0x7e
    fscsr t0
    csrrs a2, fcsr, zero
    csrrc a3, fflags, zero
    csrrsi a4, frm, 0
    csrrci a5, fcsr, 0
    SAVE 0, a2
    SAVE 1, a3
    SAVE 2, a4
    SAVE 3, a5
    frcsr a6
    SAVE 4, a6
    REPORT "reads with rs1=x0 / uimm=0 (fcsr, fflags, frm, fcsr, fcsr after)", 0, 5
    /* rd == rs1 swap */
    li t0, 0x21
    fscsr t0
    li a0, 0xe3
    csrrw a0, fcsr, a0
    VIEWS "csrrw a0, fcsr, a0 (swap)", a0
    /* pseudo-instructions that swap */
    li t0, 0x00
    fscsr t0
    li a1, 0x44
    fscsr a2, a1
    li a1, 2
    fsrm a3, a1
    li a1, 9
    fsflags a4, a1
    SAVE 0, a2
    SAVE 1, a3
    SAVE 2, a4
    frcsr a5
    SAVE 3, a5
    REPORT "fscsr/fsrm/fsflags swapping forms (olds, fcsr)", 0, 4
    fsrmi a2, 3
    fsflagsi a3, 0x1e
    frcsr a4
    SAVE 0, a2
    SAVE 1, a3
    SAVE 2, a4
    REPORT "fsrmi/fsflagsi swapping forms (olds, fcsr)", 0, 3

    /* fflags accumulate: an inexact op then a divide by zero then an invalid op */
    fscsr zero
    li a1, 0x3f800000
    fmv.w.x fa1, a1
    li a1, 0x40400000
    fmv.w.x fa2, a1
    fdiv.s fa0, fa1, fa2
    frflags a2
    fmv.w.x fa3, zero
    fdiv.s fa0, fa1, fa3
    frflags a3
    fsub.d fa0, fa1, fa1
    fsqrt.s fa0, fa1
    fmul.s fa0, fa3, fa1
    frflags a4
    fdiv.s fa0, fa3, fa3
    frflags a5
    feq.s a6, fa1, fa1
    frcsr a7
    SAVE 0, a2
    SAVE 1, a3
    SAVE 2, a4
    SAVE 3, a5
    SAVE 4, a7
    REPORT "fflags accumulate (after inexact, dz, exact ops, nv; fcsr)", 0, 5
    /* an exact op does not clear flags; writing frm keeps flags */
    li a1, 0x1f
    fsflags a1
    fsrmi 4
    fadd.s fa0, fa1, fa1
    frcsr a2
    fscsr zero
    SAVE 0, a2
    REPORT "exact op and frm write keep fflags (fcsr)", 0, 1

    /* counters: reading must not trap */
    rdcycle a1
    rdtime a2
    rdinstret a3
    csrr a4, cycle
    csrr a5, time
    csrr a6, instret
    csrrs a7, instret, zero
    SAY "cycle/time/instret read without trapping"

    TEST_END
