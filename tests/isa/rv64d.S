/* RV64D conformance cases: the double-precision counterparts of rv64f.S (special pairs,
 * rounding-sensitive pairs/triples in every rounding mode, fsqrt, fused multiply-adds,
 * conversions with saturation, min/max, compares, sign injection, fclass), plus fcvt.s.d /
 * fcvt.d.s (narrowing rounds, widening is exact, NaNs become canonical), fmv.x.d/fmv.d.x, and
 * fld/fsd (raw 64-bit moves that never touch NaN payloads). */
#include "isa.h"
#include "fp.h"

    .section .rodata.tables, "a"
    .balign 8
specials:
    .dword 0, 0x8000000000000000, 0x3ff0000000000000, 0xbff8000000000000, 1
    .dword 0x0010000000000000, 0x7fefffffffffffff, 0x7ff0000000000000, 0xfff0000000000000
    .dword 0x7ff8000000000000, 0xfff8000000000000, 0x7ff0000000000001, 0x7ff8000000012345
    .equ NSPECIALS, 13
rpairs:
    .dword 0x3ff0000000000000, 0x3ca0000000000001,  0xbff0000000000000, 0x3ca0000000000001
    .dword 0x3fd5555555555555, 0x4008000000000000,  0xbfd5555555555555, 0x4008000000000000
    .dword 0x7fefffffffffffff, 0x7fefffffffffffff,  0xffefffffffffffff, 0x7fefffffffffffff
    .dword 0x0010000000000001, 0x3fe0000000000000,  0x0010000000000000, 0x3fefffffffffffff
    .dword 0x400921fb54442d18, 0x4005bf0a8b145769,  0x4340000000000000, 0x3ff0000000000000
    .dword 0x4340000000000000, 0x4008000000000000,  0x3ff0000000000000, 0x0000000000000001
    .dword 0x3ff0000000000000, 0x3ff0000000000000,  0x3ff0000000000001, 0x000fffffffffffff
    .equ NRPAIRS, 14
triples:
    .dword 0x3fd5555555555555, 0x4008000000000000, 0xbff0000000000000
    .dword 0x3ff0000000000001, 0x3ff0000000000001, 0xbff0000000000002
    .dword 0x7ff0000000000000, 0x0000000000000000, 0x7ff8000000000000
    .dword 0x7ff0000000000000, 0x0000000000000000, 0x3ff0000000000000
    .dword 0x7ff0000000000000, 0x3ff0000000000000, 0xfff0000000000000
    .dword 0x7fefffffffffffff, 0x4000000000000000, 0xffefffffffffffff
    .dword 0x0000000000000001, 0x3fe0000000000000, 0x0000000000000000
    .dword 0x3ff0000000000000, 0x3ff0000000000000, 0xbff0000000000000
    .dword 0x7ff0000000000001, 0x3ff0000000000000, 0x3ff0000000000000
    .dword 0x3ff0000000000000, 0x3fd5555555555555, 0x3fd5555555555555
    .dword 0x8000000000000000, 0x0000000000000000, 0x8000000000000000
    .dword 0x7fefffffffffffff, 0x7fefffffffffffff, 0xfff0000000000000
    .equ NTRIPLES, 12
sqrtv:
    .dword 0, 0x8000000000000000, 0x3ff0000000000000, 0x4000000000000000, 0x4008000000000000
    .dword 0xbff0000000000000, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000
    .dword 0x7ff0000000000001, 1, 0x7fefffffffffffff, 0x0010000000000000, 0x3fd5555555555555
    .equ NSQRTV, 14
cvtv:
    .dword 0, 0x8000000000000000, 0x3fe0000000000000, 0xbfe0000000000000, 0x3ff8000000000000
    .dword 0xbff8000000000000, 0x4004000000000000, 0xc004000000000000, 0xbff0000000000000
    .dword 0x41dfffffffc00000, 0x41dfffffffe00000, 0x41e0000000000000, 0xc1e0000000000000
    .dword 0xc1e0000000200000, 0xc1e0000000100000, 0x41f0000000000000, 0x41efffffffe00000
    .dword 0x43dfffffffffffff, 0x43e0000000000000, 0xc3e0000000000000, 0x43f0000000000000
    .dword 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0x7ff0000000000001
    .dword 1, 0x8000000000000001
    .equ NCVTV, 27
intv:
    .dword 0, 1, -1, 0x7fffffff, 0x80000000, 0xffffffff80000000, 0xffffffff
    .dword 0x7fffffffffffffff, 0x8000000000000000, 0x1000001, 0x20000000000001
    .dword 0x123456789abcdef1, 0x100000005, 0xfffffffffffffffe
    .equ NINTV, 14
classv:
    .dword 0xfff0000000000000, 0xbff0000000000000, 0x8000000000000001, 0x8000000000000000
    .dword 0, 1, 0x3ff0000000000000, 0x7ff0000000000000, 0x7ff0000000000001
    .dword 0x7ff8000000000000, 0xfff0000000000001, 0xfff8000000000000, 0xffffffff3f800000
    .equ NCLASSV, 13
/* doubles to narrow: rounding, overflow, underflow to single subnormals, NaNs */
narrowv:
    .dword 0x3fd5555555555555, 0xbfd5555555555555, 0x3ff0000010000000, 0x3ff0000010000001
    .dword 0x3ff0000030000000, 0x47efffffe0000000, 0x47efffffefffffff, 0x47f0000000000000
    .dword 0xc7efffffe0000000, 0x7fefffffffffffff, 0x36a0000000000000, 0x3690000000000000
    .dword 0x3690000000000001, 0x380fffffe0000000, 0x7ff0000000000000, 0x7ff8000000012345
    .dword 0x7ff0000000000001, 0x8000000000000000, 1, 0x380ffffff8000000
    .equ NNARROWV, 20
/* singles to widen */
widev:
    SGL 0, 0x80000000, 0x3eaaaaab, 1, 0x80000001, 0x7f7fffff, 0x7f800000, 0xff800000
    SGL 0x7fc12345, 0x7f800001, 0xffc00000
    .dword 0x3ff0000000000000
    .equ NWIDEV, 12
mvv:
    .dword 0x7ff0000000000001, 0x8000000000000000, 0x123456789abcdef0, 0xffffffff7fc00000
    .equ NMVV, 4

    .data
    .balign 16
fbuf:
    .dword 0, 0, 0
    .text

    TEST_BEGIN
    SAY "# rv64d"

    .irp op, fadd.d, fsub.d, fmul.d, fdiv.d
    FALL \op, ffr, specials, NSPECIALS
    .endr
    .irp op, fmin.d, fmax.d, fsgnj.d, fsgnjn.d, fsgnjx.d
    FALL \op, ff, specials, NSPECIALS
    .endr
    .irp op, feq.d, flt.d, fle.d
    FALL \op, fx, specials, NSPECIALS
    .endr

    .irp op, fadd.d, fsub.d, fmul.d, fdiv.d
    ALLRM FBIN, \op, rpairs, NRPAIRS
    .endr
    .irp op, fmadd.d, fmsub.d, fnmsub.d, fnmadd.d
    ALLRM FTRI, \op, triples, NTRIPLES
    .endr
    ALLRM_UN fsqrt.d, ff, sqrtv, NSQRTV

    .irp op, fcvt.w.d, fcvt.wu.d, fcvt.l.d, fcvt.lu.d
    ALLRM_UN \op, fx, cvtv, NCVTV
    .endr
    .irp op, fcvt.d.l, fcvt.d.lu
    ALLRM_UN \op, xf, intv, NINTV
    .endr
    /* int32 -> double is exact: the rounding mode cannot matter */
    FUN fcvt.d.w, xf, , 0, intv, NINTV
    FUN fcvt.d.wu, xf, , 0, intv, NINTV
    ALLRM_UN fcvt.s.d, ff, narrowv, NNARROWV
    FUN fcvt.d.s, ff, , 0, widev, NWIDEV

    FUN fclass.d, fx, , 0, classv, NCLASSV
    FUN fmv.x.d, fx, , 0, mvv, NMVV
    FUN fmv.d.x, xf, , 0, mvv, NMVV

    /* fld/fsd move raw bits, at positive and negative offsets */
    lla a0, fbuf + 8
    li t2, 0x7ff0000000000001
    sd t2, -8(a0)
    li t2, 0xffffffff7f800001
    sd t2, 0(a0)
    fld fa1, -8(a0)
    fld fa2, 0(a0)
    fsd fa2, 8(a0)
    fsd fa1, 0(a0)
    ld a2, 0(a0)
    ld a3, 8(a0)
    SAVE 0, a2
    SAVE 1, a3
    REPORT "fld/fsd raw images (swap)", 0, 2

    TEST_END
