/* Misaligned ordinary loads and stores (which Linux user space supports): every integer and FP
 * load/store width at every byte offset of a 16-byte window, inside a page and straddling a
 * page boundary, checking sign/zero extension and that stores touch exactly their bytes. */
#include "isa.h"

    .data
    .balign 4096
    .skip 4096 - 16
window:                 /* 32 bytes straddling a page boundary at window + 16 */
    .skip 32
    .balign 16
pattern:
    .byte 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87
    .byte 0x08, 0x79, 0xfa, 0x7b, 0xfc, 0x7d, 0xfe, 0x7f
    .byte 0x10, 0x91, 0x12, 0x93, 0x14, 0x95, 0x16, 0x97
    .byte 0x18, 0x99, 0x1a, 0x9b, 0x1c, 0x9d, 0x1e, 0x9f
    .text

/* fill window with pattern */
.macro FILL
    lla t1, pattern
    lla t2, window
    ld t0, 0(t1)
    sd t0, 0(t2)
    ld t0, 8(t1)
    sd t0, 8(t2)
    ld t0, 16(t1)
    sd t0, 16(t2)
    ld t0, 24(t1)
    sd t0, 24(t2)
.endm

.macro MLOAD op, off
    FILL
    lla a1, window
    \op a3, \off(a1)
    SAVE 0, a3
    REPORT "\op window+\off", 0, 1
.endm

.macro MFLOAD op, off
    FILL
    lla a1, window
    \op fa3, \off(a1)
    fmv.x.d a3, fa3
    SAVE 0, a3
    REPORT "\op window+\off", 0, 1
.endm

/* store then print the 32-byte window */
.macro MSTORE op, off
    FILL
    lla a1, window
    li a2, 0x0123456789abcdef
    .ifc \op, fsw
    fmv.d.x fa2, a2
    .endif
    .ifc \op, fsd
    fmv.d.x fa2, a2
    .endif
    .ifc \op, fsw
    fsw fa2, \off(a1)
    .else
    .ifc \op, fsd
    fsd fa2, \off(a1)
    .else
    \op a2, \off(a1)
    .endif
    .endif
    ld a3, 0(a1)
    ld a4, 8(a1)
    ld a5, 16(a1)
    ld a6, 24(a1)
    SAVE 0, a3
    SAVE 1, a4
    SAVE 2, a5
    SAVE 3, a6
    REPORT "\op window+\off", 0, 4
.endm

    TEST_BEGIN
    SAY "# misaligned"
    /* offsets 1..7 are within the first page; 9..15 straddle the page boundary at +16 for wide
     * accesses */
    .irp off, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15
    MLOAD lh, \off
    MLOAD lhu, \off
    MLOAD lw, \off
    MLOAD lwu, \off
    MLOAD ld, \off
    MFLOAD flw, \off
    MFLOAD fld, \off
    MSTORE sh, \off
    MSTORE sw, \off
    MSTORE sd, \off
    MSTORE fsw, \off
    MSTORE fsd, \off
    .endr
    TEST_END
