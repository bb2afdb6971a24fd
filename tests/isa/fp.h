/* Floating-point case macros shared by rv64f.S and rv64d.S (include after isa.h).
 *
 * FP inputs live in tables of 8-byte raw register images (singles are written NaN-boxed, so a
 * table can also hold deliberately unboxed values) and are loaded with fld, which moves the
 * 64 bits unchanged. Each case clears fflags, sets frm, runs one instruction, reads fflags, and
 * prints the inputs, the raw 64-bit destination (showing NaN-boxing of single results) and the
 * flags. The name carries the static rounding mode, or "dyn" with the frm value in force.
 * frm is also set (to a mode unlike the static one) for static-rm cases, so a static mode that
 * wrongly follows frm shows up.
 */

/* .dword entries for NaN-boxed single bit patterns */
.macro SGL vals:vararg
    .irp v, \vals
    .dword 0xffffffff00000000 | (\v)
    .endr
.endm

.macro FPROLOGUE frm
    fsrmi \frm
    fsflags zero
.endm

.macro FEPILOGUE flagreg
    frflags \flagreg
    fsrmi 0
.endm

/* f,f -> f with rounding mode over a table of pairs (16 bytes per case) */
.macro FBIN op, rm, frm, tab, n
    FOR s1, .Li\@
    lla t1, \tab
    slli t0, s1, 4
    add t0, t0, t1
    fld fa1, 0(t0)
    fld fa2, 8(t0)
    FPROLOGUE \frm
    \op fa0, fa1, fa2, \rm
    FEPILOGUE a3
    FSAVE 0, fa1
    FSAVE 1, fa2
    FSAVE 2, fa0
    SAVE 3, a3
    REPORT "\op \rm frm=\frm (a, b -> res, fflags)", 2, 2
    NEXT s1, \n, .Li\@
.endm

/* f,f,f -> f with rounding mode over a table of triples (24 bytes per case) */
.macro FTRI op, rm, frm, tab, n
    FOR s1, .Li\@
    lla t1, \tab
    li t0, 24
    mul t0, t0, s1
    add t0, t0, t1
    fld fa1, 0(t0)
    fld fa2, 8(t0)
    fld fa3, 16(t0)
    FPROLOGUE \frm
    \op fa0, fa1, fa2, fa3, \rm
    FEPILOGUE a3
    FSAVE 0, fa1
    FSAVE 1, fa2
    FSAVE 2, fa3
    FSAVE 3, fa0
    SAVE 4, a3
    REPORT "\op \rm frm=\frm (a, b, c -> res, fflags)", 3, 2
    NEXT s1, \n, .Li\@
.endm

/* every ordered pair from a value table; kind ff: f,f->f (no rm), fx: f,f->x */
.macro FALL op, kind, tab, n
    FOR s1, .Li\@
    FOR s2, .Lj\@
    lla t1, \tab
    ELEM t0, t1, s1
    fld fa1, 0(t0)
    ELEM t0, t1, s2
    fld fa2, 0(t0)
    FPROLOGUE 0
    .ifc \kind, ff
    \op fa0, fa1, fa2
    FEPILOGUE a3
    FSAVE 2, fa0
    .else
    .ifc \kind, ffr
    \op fa0, fa1, fa2, rne
    FEPILOGUE a3
    FSAVE 2, fa0
    .else
    \op a4, fa1, fa2
    FEPILOGUE a3
    SAVE 2, a4
    .endif
    .endif
    FSAVE 0, fa1
    FSAVE 1, fa2
    SAVE 3, a3
    REPORT "\op (a, b -> res, fflags)", 2, 2
    NEXT s2, \n, .Lj\@
    NEXT s1, \n, .Li\@
.endm

/* one-operand op over a value table. kind: ff (f->f), fx (f->x), xf (x->f). rm may be blank. */
.macro FUN op, kind, rm, frm, tab, n
    FOR s1, .Li\@
    lla t1, \tab
    ELEM t0, t1, s1
    ld a1, 0(t0)
    fld fa1, 0(t0)
    FPROLOGUE \frm
    .ifc \kind, ff
    .ifb \rm
    \op fa0, fa1
    .else
    \op fa0, fa1, \rm
    .endif
    FEPILOGUE a3
    fmv.x.d a4, fa0
    .endif
    .ifc \kind, fx
    .ifb \rm
    \op a4, fa1
    .else
    \op a4, fa1, \rm
    .endif
    FEPILOGUE a3
    .endif
    .ifc \kind, xf
    .ifb \rm
    \op fa0, a1
    .else
    \op fa0, a1, \rm
    .endif
    FEPILOGUE a3
    fmv.x.d a4, fa0
    .endif
    SAVE 0, a1
    SAVE 1, a4
    SAVE 2, a3
    REPORT "\op \rm frm=\frm (a -> res, fflags)", 1, 2
    NEXT s1, \n, .Li\@
.endm

/* Run a rounding-sensitive macro in the five static modes (with a contrary frm) and in dyn
 * mode under each of the five frm values. */
.macro ALLRM mac, op, args:vararg
    \mac \op, rne, 3, \args
    \mac \op, rtz, 2, \args
    \mac \op, rdn, 3, \args
    \mac \op, rup, 2, \args
    \mac \op, rmm, 1, \args
    \mac \op, dyn, 0, \args
    \mac \op, dyn, 1, \args
    \mac \op, dyn, 2, \args
    \mac \op, dyn, 3, \args
    \mac \op, dyn, 4, \args
.endm

/* same for FUN, whose kind comes before rm */
.macro ALLRM_UN op, kind, args:vararg
    FUN \op, \kind, rne, 3, \args
    FUN \op, \kind, rtz, 2, \args
    FUN \op, \kind, rdn, 3, \args
    FUN \op, \kind, rup, 2, \args
    FUN \op, \kind, rmm, 1, \args
    FUN \op, \kind, dyn, 0, \args
    FUN \op, \kind, dyn, 1, \args
    FUN \op, \kind, dyn, 2, \args
    FUN \op, \kind, dyn, 3, \args
    FUN \op, \kind, dyn, 4, \args
.endm
