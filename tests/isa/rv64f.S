/* RV64F conformance cases. Arithmetic over all pairs of special values (zeros, normals,
 * subnormals, max, infinities, quiet/signalling/negative/payload NaNs); rounding-sensitive
 * pairs and triples (ties, overflow, underflow with tininess after rounding, exact zero sums)
 * in every static rounding mode and in dyn under every frm; fsqrt; fused multiply-adds;
 * conversions to/from w/wu/l/lu with saturation; fmin/fmax; feq/flt/fle flags; the fsgnj
 * family; fclass of every class; fmv.x.w sign extension and fmv.w.x boxing; flw/fsw; and
 * NaN-boxing: a single-precision op on a register that is not a valid NaN-boxed single reads
 * the canonical NaN, while fmv.x.w and fsw move the low 32 bits unchanged. */
#include "isa.h"
#include "fp.h"

    .section .rodata.tables, "a"
    .balign 8
specials:
    SGL 0, 0x80000000, 0x3f800000, 0xbfc00000, 1, 0x00800000, 0x7f7fffff
    SGL 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x7fc12345
    .equ NSPECIALS, 13
rpairs:
    SGL 0x3f800000, 0x33800001,  0xbf800000, 0x33800001
    SGL 0x3eaaaaab, 0x40400000,  0xbeaaaaab, 0x40400000
    SGL 0x7f7fffff, 0x7f7fffff,  0xff7fffff, 0x7f7fffff
    SGL 0x00800001, 0x3f000000,  0x00800000, 0x3f7fffff
    SGL 0x40490fdb, 0x402df854,  0x4b800000, 0x3f800000
    SGL 0x4b800000, 0x40400000,  0x3f800000, 0x00000001
    SGL 0x3f800000, 0x3f800000,  0x3f800001, 0x007fffff
    .equ NRPAIRS, 14
triples:
    SGL 0x3eaaaaab, 0x40400000, 0xbf800000
    SGL 0x3f800001, 0x3f800001, 0xbf800002
    SGL 0x7f800000, 0x00000000, 0x7fc00000
    SGL 0x7f800000, 0x00000000, 0x3f800000
    SGL 0x7f800000, 0x3f800000, 0xff800000
    SGL 0x7f7fffff, 0x40000000, 0xff7fffff
    SGL 0x00000001, 0x3f000000, 0x00000000
    SGL 0x3f800000, 0x3f800000, 0xbf800000
    SGL 0x7f800001, 0x3f800000, 0x3f800000
    SGL 0x3f800000, 0x3eaaaaab, 0x3eaaaaab
    SGL 0x80000000, 0x00000000, 0x80000000
    SGL 0x7f7fffff, 0x7f7fffff, 0xff800000
    .equ NTRIPLES, 12
sqrtv:
    SGL 0, 0x80000000, 0x3f800000, 0x40000000, 0x40400000, 0xbf800000, 0x7f800000
    SGL 0xff800000, 0x7fc00000, 0x7f800001, 1, 0x7f7fffff, 0x00800000, 0x3eaaaaab
    .equ NSQRTV, 14
cvtv:
    SGL 0, 0x80000000, 0x3f000000, 0xbf000000, 0x3fc00000, 0xbfc00000, 0x40200000
    SGL 0xc0200000, 0xbf800000, 0x4effffff, 0x4f000000, 0xcf000000, 0xcf000001, 0x4f800000
    SGL 0x5effffff, 0x5f000000, 0xdf000000, 0x5f800000, 0x7f800000, 0xff800000, 0x7fc00000
    SGL 0x7f800001, 1, 0x80000001
    .equ NCVTV, 24
intv:
    .dword 0, 1, -1, 0x7fffffff, 0x80000000, 0xffffffff80000000, 0xffffffff
    .dword 0x7fffffffffffffff, 0x8000000000000000, 0x1000001, 0x20000000000001
    .dword 0x123456789abcdef1, 0x100000005, 0xfffffffffffffffe
    .equ NINTV, 14
classv:
    SGL 0xff800000, 0xbf800000, 0x80000001, 0x80000000, 0, 1, 0x3f800000, 0x7f800000
    SGL 0x7f800001, 0x7fc00000, 0xff800001, 0xffc00000
    .dword 0x000000003f800000, 0xfffffffe3f800000
    .equ NCLASSV, 14
/* register images that are not valid NaN-boxed singles */
unboxed:
    .dword 0x000000003f800000, 0xfffffffe3f800000, 0x7ff8000000000000, 0x3ff0000000000000
    .dword 0x7fffffff7f800001
    .equ NUNBOXED, 5
unboxed_pairs:
    .dword 0x000000003f800000, 0xffffffff3f800000
    .dword 0xffffffff3f800000, 0x000000003f800000
    .dword 0x7ff0000000000000, 0xffffffff40000000
    .dword 0xfffffffe7f800001, 0xffffffffbf800000
    .equ NUNBOXED_PAIRS, 4
unboxed_triples:
    .dword 0x000000003f800000, 0xffffffff3f800000, 0xffffffff3f800000
    .dword 0xffffffff3f800000, 0x3ff0000000000000, 0xffffffff3f800000
    .dword 0xffffffff3f800000, 0xffffffff3f800000, 0x00000000bf800000
    .equ NUNBOXED_TRIPLES, 3
mvxv:
    .dword 0xffffffff3f800000, 0xffffffff80000000, 0xffffffffff800000, 0xffffffff7fffffff
    .dword 0x123456789abcdef0, 0x0000000080000001
    .equ NMVXV, 6

    .data
    .balign 16
fbuf:
    .dword 0, 0
    .text

    TEST_BEGIN
    SAY "# rv64f"

    /* all special pairs, rne */
    .irp op, fadd.s, fsub.s, fmul.s, fdiv.s
    FALL \op, ffr, specials, NSPECIALS
    .endr
    .irp op, fmin.s, fmax.s, fsgnj.s, fsgnjn.s, fsgnjx.s
    FALL \op, ff, specials, NSPECIALS
    .endr
    .irp op, feq.s, flt.s, fle.s
    FALL \op, fx, specials, NSPECIALS
    .endr

    /* rounding-sensitive cases in every rounding mode */
    .irp op, fadd.s, fsub.s, fmul.s, fdiv.s
    ALLRM FBIN, \op, rpairs, NRPAIRS
    .endr
    .irp op, fmadd.s, fmsub.s, fnmsub.s, fnmadd.s
    ALLRM FTRI, \op, triples, NTRIPLES
    .endr
    ALLRM_UN fsqrt.s, ff, sqrtv, NSQRTV

    /* conversions */
    .irp op, fcvt.w.s, fcvt.wu.s, fcvt.l.s, fcvt.lu.s
    ALLRM_UN \op, fx, cvtv, NCVTV
    .endr
    .irp op, fcvt.s.w, fcvt.s.wu, fcvt.s.l, fcvt.s.lu
    ALLRM_UN \op, xf, intv, NINTV
    .endr

    /* classification and moves */
    FUN fclass.s, fx, , 0, classv, NCLASSV
    FUN fmv.x.w, fx, , 0, mvxv, NMVXV
    FUN fmv.w.x, xf, , 0, mvxv, NMVXV

    /* NaN-boxing: single ops on invalid boxes see the canonical NaN */
    FUN fclass.s, fx, , 0, unboxed, NUNBOXED
    FUN fmv.x.w, fx, , 0, unboxed, NUNBOXED
    FUN fsqrt.s, ff, rne, 0, unboxed, NUNBOXED
    FUN fcvt.w.s, fx, rtz, 0, unboxed, NUNBOXED
    FUN fcvt.d.s, ff, , 0, unboxed, NUNBOXED
    FUN fmv.s, ff, , 0, unboxed, NUNBOXED
    FUN fneg.s, ff, , 0, unboxed, NUNBOXED
    FUN fabs.s, ff, , 0, unboxed, NUNBOXED
    .irp op, fadd.s, fmul.s
    FBIN \op, rne, 0, unboxed_pairs, NUNBOXED_PAIRS
    .endr
    .irp op, fmin.s, fmax.s, fsgnj.s, fsgnjn.s, fsgnjx.s
    FALL \op, ff, unboxed_pairs, 2*NUNBOXED_PAIRS
    .endr
    .irp op, feq.s, flt.s, fle.s
    FALL \op, fx, unboxed_pairs, 2*NUNBOXED_PAIRS
    .endr
    FTRI fmadd.s, rne, 0, unboxed_triples, NUNBOXED_TRIPLES

    /* fsw stores the low 32 bits of any register image; flw boxes without touching the bits */
    FOR s1, .Lfsw
    lla t1, unboxed
    ELEM t0, t1, s1
    fld fa1, 0(t0)
    lla a0, fbuf
    li t2, -1
    sd t2, 0(a0)
    sd t2, 8(a0)
    fsw fa1, 4(a0)
    ld a2, 0(a0)
    ld a3, 8(a0)
    flw fa2, 4(a0)
    fmv.x.d a4, fa2
    FSAVE 0, fa1
    SAVE 1, a2
    SAVE 2, a3
    SAVE 3, a4
    REPORT "fsw +4 then flw +4 (reg -> mem0, mem1, flw image)", 1, 3
    NEXT s1, NUNBOXED, .Lfsw
    /* flw of a signalling NaN keeps its bits; flw with negative offset */
    lla a0, fbuf + 8
    li t2, 0x7f800001ff800001
    sd t2, -8(a0)
    flw fa1, -8(a0)
    flw fa2, -4(a0)
    fmv.x.d a2, fa1
    fmv.x.d a3, fa2
    SAVE 0, a2
    SAVE 1, a3
    REPORT "flw sNaN images (off -8, -4)", 0, 2

    TEST_END
