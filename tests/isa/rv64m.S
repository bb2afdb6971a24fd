/* RV64M conformance cases: every multiply/divide over all pairs of the standard value table,
 * which includes 0 (division by zero: quotient all ones, remainder = dividend), INT64_MIN and -1
 * (signed overflow: quotient = dividend, remainder 0), their 32-bit counterparts for the *W forms
 * (results sign-extended from 32 bits, upper input bits ignored), and mixed-sign high products. */
#include "isa.h"

    INT_TABLES

    TEST_BEGIN
    SAY "# rv64m"
    .irp op, mul, mulh, mulhsu, mulhu, div, divu, rem, remu, mulw, divw, divuw, remw, remuw
    RR \op, ivals, NIVALS, ivals, NIVALS
    .endr

    /* rd == rs1 == rs2 and rd = x0 forms */
    li a1, -3
    mul a1, a1, a1
    SAVE 0, a1
    li a2, 7
    div a2, a2, a2
    SAVE 1, a2
    li a3, 5
    mulh zero, a3, a3
    divu zero, a3, zero
    mv a4, zero
    SAVE 2, a4
    REPORT "rd==rs mul/div, rd=x0", 0, 3
    TEST_END
