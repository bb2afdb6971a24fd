/*
 * FPU oracle: runs every RISC-V F/D arithmetic instruction in every static
 * rounding mode on a deterministic operand list (special values crossed with
 * pseudo-random values biased toward edge exponents, from a fixed seed) and
 * prints one line per case:
 *
 *     <op> <rm> <a> <b> <c> <result> <fflags>      (hex, unused operands 0)
 *
 * Each instruction runs in its own inline-asm block that moves raw bits into
 * FP registers (fmv.d.x / fmv.w.x, so singles are NaN-boxed by hardware),
 * clears fflags, executes the instruction with an explicit rounding-mode
 * operand, and reads fflags back. tests/fpu_oracle.rs runs this under
 * qemu-riscv64 and recomputes every line with nanovm::fpu.
 *
 * Build: riscv64-linux-gnu-gcc -O2 -static -o fpu_vectors fpu_vectors.c
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t u64;

/* ---- output: a hand-rolled buffered hex printer (printf is slow under qemu) */

static char obuf[1 << 16];
static size_t olen;

static void flush_out(void) {
    fwrite(obuf, 1, olen, stdout);
    olen = 0;
}

static void put_str(const char *s) {
    while (*s) obuf[olen++] = *s++;
}

static void put_hex(u64 v) {
    char tmp[16];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    while (n) obuf[olen++] = tmp[--n];
}

static void emit(const char *op, int rm, u64 a, u64 b, u64 c, u64 r, u64 fl) {
    if (olen > sizeof obuf - 256) flush_out();
    put_str(op);
    obuf[olen++] = ' ';
    put_hex((u64)rm);
    obuf[olen++] = ' ';
    put_hex(a);
    obuf[olen++] = ' ';
    put_hex(b);
    obuf[olen++] = ' ';
    put_hex(c);
    obuf[olen++] = ' ';
    put_hex(r);
    obuf[olen++] = ' ';
    put_hex(fl);
    obuf[olen++] = '\n';
}

/* ---- instruction wrappers ------------------------------------------------ */

#define CLR "csrw fflags, zero\n\t"
#define GETFL "\n\tfrflags %1\n\t"

/* Dispatch the runtime rm to an instruction with that static rm. */
#define CASES(BODY, insn)                          \
    switch (rm) {                                  \
    case 0: BODY(insn, "rne"); break;              \
    case 1: BODY(insn, "rtz"); break;              \
    case 2: BODY(insn, "rdn"); break;              \
    case 3: BODY(insn, "rup"); break;              \
    default: BODY(insn, "rmm"); break;             \
    }

/* Binary op with rm: D = double, S = single. */
#define B2(mv_in, mv_out, insn, rms)                                          \
    __asm__ volatile(mv_in " ft0, %2\n\t" mv_in " ft1, %3\n\t" CLR insn        \
                     " ft2, ft0, ft1, " rms GETFL mv_out " %0, ft2"            \
                     : "=r"(r), "=r"(f)                                        \
                     : "r"(a), "r"(b)                                          \
                     : "ft0", "ft1", "ft2")
#define B2D(insn, rms) B2("fmv.d.x", "fmv.x.d", insn, rms)
#define B2S(insn, rms) B2("fmv.w.x", "fmv.x.w", insn, rms)

/* Ternary (fused multiply-add family). */
#define B3(mv_in, mv_out, insn, rms)                                          \
    __asm__ volatile(mv_in " ft0, %2\n\t" mv_in " ft1, %3\n\t" mv_in           \
                     " ft2, %4\n\t" CLR insn " ft3, ft0, ft1, ft2, " rms GETFL \
                     mv_out " %0, ft3"                                         \
                     : "=r"(r), "=r"(f)                                        \
                     : "r"(a), "r"(b), "r"(c)                                  \
                     : "ft0", "ft1", "ft2", "ft3")
#define B3D(insn, rms) B3("fmv.d.x", "fmv.x.d", insn, rms)
#define B3S(insn, rms) B3("fmv.w.x", "fmv.x.w", insn, rms)

/* Unary FP -> FP with rm. */
#define U1(mv_in, mv_out, insn, rms)                                          \
    __asm__ volatile(mv_in " ft0, %2\n\t" CLR insn " ft2, ft0, " rms GETFL     \
                     mv_out " %0, ft2"                                         \
                     : "=r"(r), "=r"(f)                                        \
                     : "r"(a)                                                  \
                     : "ft0", "ft2")
#define U1DD(insn, rms) U1("fmv.d.x", "fmv.x.d", insn, rms)
#define U1SS(insn, rms) U1("fmv.w.x", "fmv.x.w", insn, rms)
#define U1DS(insn, rms) U1("fmv.d.x", "fmv.x.w", insn, rms)

/* FP -> integer with rm (fcvt.w.d etc.). */
#define TOI(mv_in, insn, rms)                                                  \
    __asm__ volatile(mv_in " ft0, %2\n\t" CLR insn " %0, ft0, " rms            \
                     "\n\tfrflags %1"                                          \
                     : "=r"(r), "=r"(f)                                        \
                     : "r"(a)                                                  \
                     : "ft0")
#define TOID(insn, rms) TOI("fmv.d.x", insn, rms)
#define TOIS(insn, rms) TOI("fmv.w.x", insn, rms)

/* Integer -> FP with rm. */
#define FROMI(mv_out, insn, rms)                                               \
    __asm__ volatile(CLR insn " ft2, %2, " rms GETFL mv_out " %0, ft2"        \
                     : "=r"(r), "=r"(f)                                        \
                     : "r"(a)                                                  \
                     : "ft2")
#define FROMID(insn, rms) FROMI("fmv.x.d", insn, rms)
#define FROMIS(insn, rms) FROMI("fmv.x.w", insn, rms)
/* fcvt.d.w/wu are exact and the assembler takes no rm for them. */
#define FROMID_EXACT(insn, rms)                                                \
    __asm__ volatile(CLR insn " ft2, %2" GETFL "fmv.x.d %0, ft2"              \
                     : "=r"(r), "=r"(f)                                        \
                     : "r"(a)                                                  \
                     : "ft2")

/* Ops without rm: binary FP -> FP (fmin/fmax), FP compare, fclass, fcvt.d.s. */
#define N2(mv_in, mv_out, insn)                                                \
    __asm__ volatile(mv_in " ft0, %2\n\t" mv_in " ft1, %3\n\t" CLR insn        \
                     " ft2, ft0, ft1" GETFL mv_out " %0, ft2"                  \
                     : "=r"(r), "=r"(f)                                        \
                     : "r"(a), "r"(b)                                          \
                     : "ft0", "ft1", "ft2")
#define CMP(mv_in, insn)                                                       \
    __asm__ volatile(mv_in " ft0, %2\n\t" mv_in " ft1, %3\n\t" CLR insn        \
                     " %0, ft0, ft1\n\tfrflags %1"                             \
                     : "=r"(r), "=r"(f)                                        \
                     : "r"(a), "r"(b)                                          \
                     : "ft0", "ft1")
#define CLASS(mv_in, insn)                                                     \
    __asm__ volatile(mv_in " ft0, %2\n\t" CLR insn " %0, ft0\n\tfrflags %1"   \
                     : "=r"(r), "=r"(f)                                        \
                     : "r"(a)                                                  \
                     : "ft0")

enum kind { K_B2D, K_B2S, K_B3D, K_B3S, K_U1D, K_U1S, K_TOID, K_TOIS,
            K_FROMI, K_N2, K_N1 };

/* Executes op `id` on (a, b, c) in mode rm; returns result, sets *fl. */
static u64 run_op(int id, int rm, u64 a, u64 b, u64 c, u64 *fl) {
    u64 r = 0, f = 0;
    (void)b;
    (void)c;
    switch (id) {
    case 0: CASES(B2D, "fadd.d") break;
    case 1: CASES(B2D, "fsub.d") break;
    case 2: CASES(B2D, "fmul.d") break;
    case 3: CASES(B2D, "fdiv.d") break;
    case 4: CASES(B2S, "fadd.s") break;
    case 5: CASES(B2S, "fsub.s") break;
    case 6: CASES(B2S, "fmul.s") break;
    case 7: CASES(B2S, "fdiv.s") break;
    case 8: CASES(B3D, "fmadd.d") break;
    case 9: CASES(B3D, "fmsub.d") break;
    case 10: CASES(B3D, "fnmsub.d") break;
    case 11: CASES(B3D, "fnmadd.d") break;
    case 12: CASES(B3S, "fmadd.s") break;
    case 13: CASES(B3S, "fmsub.s") break;
    case 14: CASES(B3S, "fnmsub.s") break;
    case 15: CASES(B3S, "fnmadd.s") break;
    case 16: CASES(U1DD, "fsqrt.d") break;
    case 17: CASES(U1DS, "fcvt.s.d") break;
    case 18: CASES(U1SS, "fsqrt.s") break;
    case 19: CASES(TOID, "fcvt.w.d") break;
    case 20: CASES(TOID, "fcvt.wu.d") break;
    case 21: CASES(TOID, "fcvt.l.d") break;
    case 22: CASES(TOID, "fcvt.lu.d") break;
    case 23: CASES(TOIS, "fcvt.w.s") break;
    case 24: CASES(TOIS, "fcvt.wu.s") break;
    case 25: CASES(TOIS, "fcvt.l.s") break;
    case 26: CASES(TOIS, "fcvt.lu.s") break;
    case 27: CASES(FROMID_EXACT, "fcvt.d.w") break;
    case 28: CASES(FROMID_EXACT, "fcvt.d.wu") break;
    case 29: CASES(FROMID, "fcvt.d.l") break;
    case 30: CASES(FROMID, "fcvt.d.lu") break;
    case 31: CASES(FROMIS, "fcvt.s.w") break;
    case 32: CASES(FROMIS, "fcvt.s.wu") break;
    case 33: CASES(FROMIS, "fcvt.s.l") break;
    case 34: CASES(FROMIS, "fcvt.s.lu") break;
    case 35: N2("fmv.d.x", "fmv.x.d", "fmin.d"); break;
    case 36: N2("fmv.d.x", "fmv.x.d", "fmax.d"); break;
    case 37: N2("fmv.w.x", "fmv.x.w", "fmin.s"); break;
    case 38: N2("fmv.w.x", "fmv.x.w", "fmax.s"); break;
    case 39: CMP("fmv.d.x", "feq.d"); break;
    case 40: CMP("fmv.d.x", "flt.d"); break;
    case 41: CMP("fmv.d.x", "fle.d"); break;
    case 42: CMP("fmv.w.x", "feq.s"); break;
    case 43: CMP("fmv.w.x", "flt.s"); break;
    case 44: CMP("fmv.w.x", "fle.s"); break;
    case 45: CLASS("fmv.d.x", "fclass.d"); break;
    case 46: CLASS("fmv.w.x", "fclass.s"); break;
    case 47:
        __asm__ volatile("fmv.w.x ft0, %2\n\t" CLR "fcvt.d.s ft2, ft0" GETFL
                         "fmv.x.d %0, ft2"
                         : "=r"(r), "=r"(f)
                         : "r"(a)
                         : "ft0", "ft2");
        break;
    }
    *fl = f;
    return r;
}

struct opdesc {
    const char *name;
    enum kind kind;
    int single; /* result is a single: keep the low 32 bits */
};

static const struct opdesc OPS[] = {
    {"fadd.d", K_B2D, 0},    {"fsub.d", K_B2D, 0},    {"fmul.d", K_B2D, 0},
    {"fdiv.d", K_B2D, 0},    {"fadd.s", K_B2S, 1},    {"fsub.s", K_B2S, 1},
    {"fmul.s", K_B2S, 1},    {"fdiv.s", K_B2S, 1},    {"fmadd.d", K_B3D, 0},
    {"fmsub.d", K_B3D, 0},   {"fnmsub.d", K_B3D, 0},  {"fnmadd.d", K_B3D, 0},
    {"fmadd.s", K_B3S, 1},   {"fmsub.s", K_B3S, 1},   {"fnmsub.s", K_B3S, 1},
    {"fnmadd.s", K_B3S, 1},  {"fsqrt.d", K_U1D, 0},   {"fcvt.s.d", K_U1D, 1},
    {"fsqrt.s", K_U1S, 1},   {"fcvt.w.d", K_TOID, 0}, {"fcvt.wu.d", K_TOID, 0},
    {"fcvt.l.d", K_TOID, 0}, {"fcvt.lu.d", K_TOID, 0}, {"fcvt.w.s", K_TOIS, 0},
    {"fcvt.wu.s", K_TOIS, 0}, {"fcvt.l.s", K_TOIS, 0}, {"fcvt.lu.s", K_TOIS, 0},
    {"fcvt.d.w", K_FROMI, 0}, {"fcvt.d.wu", K_FROMI, 0}, {"fcvt.d.l", K_FROMI, 0},
    {"fcvt.d.lu", K_FROMI, 0}, {"fcvt.s.w", K_FROMI, 1}, {"fcvt.s.wu", K_FROMI, 1},
    {"fcvt.s.l", K_FROMI, 1}, {"fcvt.s.lu", K_FROMI, 1}, {"fmin.d", K_N2, 0},
    {"fmax.d", K_N2, 0},     {"fmin.s", K_N2, 1},     {"fmax.s", K_N2, 1},
    {"feq.d", K_N2, 0},      {"flt.d", K_N2, 0},      {"fle.d", K_N2, 0},
    {"feq.s", K_N2, 0},      {"flt.s", K_N2, 0},      {"fle.s", K_N2, 0},
    {"fclass.d", K_N1, 0},   {"fclass.s", K_N1, 0},   {"fcvt.d.s", K_N1, 0},
};
#define NOPS ((int)(sizeof OPS / sizeof OPS[0]))

static void check(int id, int rm, u64 a, u64 b, u64 c) {
    u64 fl;
    u64 r = run_op(id, rm, a, b, c, &fl);
    if (OPS[id].single) r &= 0xffffffffu;
    emit(OPS[id].name, rm, a, b, c, r, fl);
}

/* ---- deterministic operands ---------------------------------------------- */

static u64 rng = 0x243f6a8885a308d3ull;

static u64 rnd(void) { /* splitmix64 */
    u64 z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static u64 rnd_range(u64 lo, u64 hi) { return lo + rnd() % (hi - lo + 1); }

/* Parameters of a format: exponent bits and fraction bits. */
struct fmt {
    int e, m;
};
static const struct fmt FD = {11, 52}, FS = {8, 23};

static u64 bits_of(double x) {
    u64 u;
    memcpy(&u, &x, 8);
    return u;
}

static double dbl(u64 u) {
    double x;
    memcpy(&x, &u, 8);
    return x;
}

static u64 fbits_of(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    return u;
}

static float flt(u64 u) {
    uint32_t v = (uint32_t)u;
    float x;
    memcpy(&x, &v, 4);
    return x;
}

static u64 make(struct fmt f, u64 sign, u64 exp, u64 frac) {
    u64 emax = (1ull << f.e) - 1;
    if (exp > emax) exp = emax;
    return (sign << (f.e + f.m)) | (exp << f.m) | (frac & ((1ull << f.m) - 1));
}

/* A fraction: random, short (few leading bits), all ones, or near-ones. */
static u64 rnd_frac(struct fmt f) {
    u64 mask = (1ull << f.m) - 1;
    switch (rnd() % 6) {
    case 0:
    case 1: return rnd() & mask;
    case 2: { /* top k bits random: exact results and ties */
        int k = (int)rnd_range(0, f.m);
        return k ? (rnd() & mask) >> (f.m - k) << (f.m - k) : 0;
    }
    case 3: { /* about half the bits: products land near ties */
        int k = (int)rnd_range(f.m / 2 - 2, f.m / 2 + 3);
        return (rnd() & mask) >> (f.m - k) << (f.m - k);
    }
    case 4: return mask - rnd_range(0, 3);
    default: return rnd_range(0, 3);
    }
}

/* A random value biased toward edge exponents. */
static u64 rnd_val(struct fmt f) {
    u64 bias = (1ull << (f.e - 1)) - 1, emax = (1ull << f.e) - 1, exp;
    switch (rnd() % 8) {
    case 0: return rnd() & ((1ull << (f.e + f.m + 1)) - 1);
    case 1: exp = rnd_range(0, 3); break;                /* subnormal / tiny */
    case 2: exp = rnd_range(emax - 3, emax); break;       /* huge / inf / NaN */
    case 3: exp = rnd_range(0, emax); break;
    case 4: exp = rnd_range(bias - 3, bias + 3); break;    /* near 1 */
    default: exp = rnd_range(bias - 40, bias + 70); break; /* integers etc. */
    }
    return make(f, rnd() & 1, exp, rnd_frac(f));
}

static u64 fmask(struct fmt f) { return f.m == 52 ? ~0ull : 0xffffffffull; }

static u64 exp_of(struct fmt f, u64 x) { return (x >> f.m) & ((1ull << f.e) - 1); }

/* A second operand related to the first: results near the subnormal
 * boundary, near overflow, or cancelling. `op` 0 add/sub, 1 mul, 2 div. */
static u64 rnd_partner(struct fmt f, u64 a, int op) {
    long bias = (1l << (f.e - 1)) - 1, emax = (1l << f.e) - 2;
    long ea = (long)exp_of(f, a), t = (long)rnd_range(0, 6) - 3, eb;
    switch (rnd() % 4) {
    case 0: return rnd_val(f);
    case 1: /* land near 2^emin (t) or 2^emax */
        if (rnd() & 1) t += emax;
        eb = op == 2 ? ea + bias - t : op == 1 ? bias + t - ea : ea + t;
        if (eb < 0) eb = 0;
        if (eb > emax) eb = emax;
        return make(f, rnd() & 1, (u64)eb, rnd_frac(f));
    case 2: /* same magnitude, tweaked: cancellation / exact quotients */
        return (a ^ ((rnd() & 1) << (f.e + f.m))) + rnd_range(0, 4) - 2;
    default:
        eb = ea + t;
        if (eb < 0) eb = 0;
        if (eb > emax) eb = emax;
        return make(f, rnd() & 1, (u64)eb, rnd_frac(f));
    }
}

static const u64 SPECIAL_D[] = {
    0x0000000000000000, 0x8000000000000000, 0x7ff0000000000000, 0xfff0000000000000,
    0x7ff8000000000000, 0x7ff8000000000123, 0xfff8000000000000, 0x7ff0000000000001,
    0x7ff4000000000000, 0xfff0000000000abc, 0x0000000000000001, 0x8000000000000001,
    0x000fffffffffffff, 0x0010000000000000, 0x8010000000000000, 0x0010000000000001,
    0x0008000000000000, 0x7fefffffffffffff, 0xffefffffffffffff, 0x7feffffffffffffe,
    0x3ff0000000000000, 0xbff0000000000000, 0x3ff0000000000001, 0x3fefffffffffffff,
    0x4000000000000000, 0x3fe0000000000000, 0xbfe0000000000000, 0x3ff8000000000000,
    0x4004000000000000, 0xc004000000000000, 0x4008000000000000, 0x3fb999999999999a,
    0x3fd5555555555555, 0x41e0000000000000, 0x41dfffffffc00000, 0x41f0000000000000,
    0x43e0000000000000, 0x43f0000000000000, 0x43efffffffffffff, 0xc3e0000000000000,
    0xc1e0000000000000, 0xc1e0000000200000, 0x4340000000000000, 0x4340000000000001,
    0x3ff6a09e667f3bcd, 0x400921fb54442d18, 0x7e37e43c8800759c, 0x01a56e1fc2f8f359,
    0x800fffffffffffff, 0x3690000000000000, 0x36a0000000000000, 0x47efffffe0000000,
    0x47f0000000000000, 0x3810000000000000, 0x380fffffffffffff,
};
static const u64 SPECIAL_S[] = {
    0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fc00123,
    0xffc00000, 0x7f800001, 0x7fa00000, 0xff800abc, 0x00000001, 0x80000001,
    0x007fffff, 0x00800000, 0x80800000, 0x00800001, 0x00400000, 0x7f7fffff,
    0xff7fffff, 0x7f7ffffe, 0x3f800000, 0xbf800000, 0x3f800001, 0x3f7fffff,
    0x40000000, 0x3f000000, 0xbf000000, 0x3fc00000, 0x40200000, 0xc0200000,
    0x40400000, 0x3dcccccd, 0x3eaaaaab, 0x4f000000, 0x4effffff, 0x4f800000,
    0x5f000000, 0x5f800000, 0x5f7fffff, 0xdf000000, 0xcf000000, 0xcf000001,
    0x4b800000, 0x4b800001, 0x3fb504f3, 0x40490fdb, 0x0c000000, 0x34000000,
    0x807fffff, 0x1f800000, 0x20000000, 0x5e800000, 0x3b800000, 0x3b7fffff,
};
#define NSD ((int)(sizeof SPECIAL_D / sizeof SPECIAL_D[0]))
#define NSS ((int)(sizeof SPECIAL_S / sizeof SPECIAL_S[0]))

/* Operand lists per format. */
#define MAXV 8192
static u64 vals[MAXV];
static int nvals;

/* Specials, conversion boundaries (integers +-0, +-1/4, +-1/2, +-3/4 and
 * neighbours), then random values. */
static void build_unary(struct fmt f, int nrand) {
    static const double bounds[] = {0, 1, 2, 3, 2147483647.0, 2147483648.0,
                                    4294967295.0, 4294967296.0,
                                    9223372036854775807.0, 18446744073709551615.0,
                                    4503599627370496.0, 16777216.0};
    nvals = 0;
    for (int i = 0; i < (f.m == 52 ? NSD : NSS); i++)
        vals[nvals++] = f.m == 52 ? SPECIAL_D[i] : SPECIAL_S[i];
    for (int i = 0; i < (int)(sizeof bounds / sizeof bounds[0]); i++)
        for (int k = -4; k <= 4; k++)
            for (int s = 0; s < 2; s++) {
                double x = (bounds[i] + k * 0.25) * (s ? -1 : 1);
                u64 u = f.m == 52 ? bits_of(x) : fbits_of((float)x);
                vals[nvals++] = u;
                vals[nvals++] = (u + 1) & fmask(f);
                vals[nvals++] = (u - 1) & fmask(f);
            }
    for (int i = 0; i < nrand; i++) vals[nvals++] = rnd_val(f);
    if (f.m == 52) /* fcvt.s.d edges: single subnormals/min normal, overflow */
        for (int i = 0; i < nrand / 2; i++) {
            u64 e = i & 1 ? rnd_range(1023 - 126 - 26, 1023 - 126 + 1)
                          : rnd_range(1023 + 126, 1023 + 128);
            vals[nvals++] = make(f, rnd() & 1, e, rnd_frac(f) | (rnd() & 1 ? rnd() & 0xfffffff : 0));
        }
}

static void unary_ops(struct fmt f, int nrand) {
    int dbl_fmt = f.m == 52;
    build_unary(f, nrand);
    for (int i = 0; i < nvals; i++) {
        u64 a = vals[i];
        for (int rm = 0; rm < 5; rm++) {
            if (dbl_fmt) {
                for (int id = 16; id <= 17; id++) check(id, rm, a, 0, 0);
                for (int id = 19; id <= 22; id++) check(id, rm, a, 0, 0);
            } else {
                check(18, rm, a, 0, 0);
                for (int id = 23; id <= 26; id++) check(id, rm, a, 0, 0);
            }
        }
        if (dbl_fmt) {
            check(45, 0, a, 0, 0);
        } else {
            check(46, 0, a, 0, 0);
            check(47, 0, a, 0, 0);
        }
    }
}

static void int_ops(int nrand) {
    static const u64 ints[] = {
        0, 1, 2, 3, 0xffffffffffffffffull, 0x7fffffff, 0x80000000, 0xffffffff,
        0xffffffff80000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
        0x1000001, 0x1000003, 0xffffffffff000001ull, 0x20000000000001ull,
        0x20000000000003ull, 0xffdfffffffffffffull, 0xfffffff0ull, 0xffffff80ull,
        0xffffffffffffff80ull, 0x7fffffc0, 0x7fffffbf, 0x7fffff40,
    };
    int n = (int)(sizeof ints / sizeof ints[0]);
    for (int i = 0; i < n + nrand; i++) {
        u64 v;
        if (i < n) {
            v = ints[i];
        } else { /* random bit length, random low-bit patterns */
            int len = (int)rnd_range(1, 64);
            v = rnd() >> (64 - len);
            if (rnd() & 1) v |= 1ull << (len - 1);
            if (rnd() % 4 == 0) v = (v >> 8 << 8) | (rnd() & 1 ? 0x80 : 0x7f);
        }
        for (int rm = 0; rm < 5; rm++)
            for (int id = 27; id <= 34; id++) check(id, rm, v, 0, 0);
    }
}

static void binary_ops(struct fmt f, int nrand) {
    int dbl_fmt = f.m == 52;
    int ns = dbl_fmt ? NSD : NSS;
    const u64 *sp = dbl_fmt ? SPECIAL_D : SPECIAL_S;
    int base = dbl_fmt ? 0 : 4;
    for (int i = 0; i < ns * ns + nrand; i++) {
        u64 a, b;
        int op = i % 3;
        if (i < ns * ns) {
            a = sp[i / ns];
            b = sp[i % ns];
        } else {
            a = rnd_val(f);
            b = rnd_partner(f, a, op) & fmask(f);
        }
        for (int rm = 0; rm < 5; rm++)
            for (int id = base; id < base + 4; id++) check(id, rm, a, b, 0);
        if (dbl_fmt) {
            for (int id = 35; id <= 36; id++) check(id, 0, a, b, 0);
            for (int id = 39; id <= 41; id++) check(id, 0, a, b, 0);
        } else {
            for (int id = 37; id <= 38; id++) check(id, 0, a, b, 0);
            for (int id = 42; id <= 44; id++) check(id, 0, a, b, 0);
        }
    }
}

static void fma_ops(struct fmt f, int nrand) {
    int dbl_fmt = f.m == 52;
    /* A subset of specials for the full cube. */
    static const int pick_d[] = {0, 1, 2, 3, 4, 7, 10, 13, 17, 20, 21, 25, 31};
    static const int pick_s[] = {0, 1, 2, 3, 4, 7, 10, 13, 17, 20, 21, 25, 31};
    const int *pick = dbl_fmt ? pick_d : pick_s;
    int np = 13;
    const u64 *sp = dbl_fmt ? SPECIAL_D : SPECIAL_S;
    int base = dbl_fmt ? 8 : 12;
    for (int i = 0; i < np * np * np + nrand; i++) {
        u64 a, b, c;
        if (i < np * np * np) {
            a = sp[pick[i / (np * np)]];
            b = sp[pick[i / np % np]];
            c = sp[pick[i % np]];
        } else {
            a = rnd_val(f);
            b = rnd_partner(f, a, 1);
            switch (rnd() % 3) {
            case 0: c = rnd_val(f); break;
            case 1: /* c near -(a*b): massive cancellation */
                if (dbl_fmt)
                    c = bits_of(-(dbl(a) * dbl(b)));
                else
                    c = fbits_of(-(flt(a) * flt(b)));
                c += rnd_range(0, 4) - 2;
                break;
            default: c = rnd_partner(f, a, 0); break;
            }
            b &= fmask(f);
            c &= fmask(f);
        }
        for (int rm = 0; rm < 5; rm++)
            for (int id = base; id < base + 4; id++) check(id, rm, a, b, c);
    }
}

int main(void) {
    (void)NOPS;
    binary_ops(FD, 6000);
    binary_ops(FS, 6000);
    fma_ops(FD, 5000);
    fma_ops(FS, 5000);
    unary_ops(FD, 4000);
    unary_ops(FS, 4000);
    int_ops(2500);
    flush_out();
    return 0;
}
