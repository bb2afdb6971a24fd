//! Cross-check of `nanovm::fpu` against `rustc_apfloat` (LLVM's APFloat in
//! Rust) on millions of random operands in all five rounding modes: an
//! independent engine, so it catches mistakes in regions the qemu oracle's
//! fixed vectors miss.
//!
//! Known, deliberate differences are normalised away, each for a stated
//! reason: NaN payloads (RISC-V results are canonical NaNs, APFloat
//! propagates payloads) and one underflow case (APFloat decides tininess at
//! subnormal precision; RISC-V after rounding at full precision, which the
//! qemu oracle verifies), and overflow in a directed mode that yields the
//! largest finite number (IEEE and RISC-V raise OF there, APFloat does not).
//! `NANOVM_FPU_FUZZ=<n>` multiplies the case count.

use nanovm::fpu::{self, Rm, DZ, NV, NX, OF, UF};
use rustc_apfloat::ieee::{Double, Single};
use rustc_apfloat::{Float, FloatConvert, Round, Status, StatusAnd};

const RMS: [(Rm, Round); 5] = [
    (Rm::Rne, Round::NearestTiesToEven),
    (Rm::Rtz, Round::TowardZero),
    (Rm::Rdn, Round::TowardNegative),
    (Rm::Rup, Round::TowardPositive),
    (Rm::Rmm, Round::NearestTiesToAway),
];

fn flags(s: Status) -> u32 {
    let mut f = 0;
    for (st, bit) in [
        (Status::INVALID_OP, NV),
        (Status::DIV_BY_ZERO, DZ),
        (Status::OVERFLOW, OF),
        (Status::UNDERFLOW, UF),
        (Status::INEXACT, NX),
    ] {
        if s.contains(st) {
            f |= bit;
        }
    }
    f
}

/// splitmix64 plus an edge-biased float generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Bits of a float with `e` exponent and `m` fraction bits.
    fn val(&mut self, e: u32, m: u32) -> u64 {
        let emax = (1u64 << e) - 1;
        let bias = emax / 2;
        let r = self.next();
        let exp = match r % 6 {
            0 => return self.next() & (u64::MAX >> (63 - e - m)),
            1 => r >> 8 & 3,
            2 => emax - (r >> 8 & 3),
            3 => bias - 30 + (r >> 8) % 100,
            _ => (r >> 8) % (emax + 1),
        };
        let frac_mask = (1u64 << m) - 1;
        let frac = match self.next() % 4 {
            0 => self.next() & frac_mask & !((1 << (self.next() % m as u64)) - 1),
            1 => frac_mask - self.next() % 3,
            _ => self.next() & frac_mask,
        };
        ((self.next() & 1) << (e + m)) | (exp << m) | frac
    }
}

fn cases(base: usize) -> usize {
    base * std::env::var("NANOVM_FPU_FUZZ")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(1)
}

/// Compares one result; `nan` and `min_normal` describe the format.
fn same(
    got: (u64, u32),
    want: (u64, u32),
    nan: impl Fn(u64) -> bool,
    min_normal: u64,
    sign: u64,
) -> bool {
    let (gr, gf) = got;
    let (wr, mut wf) = want;
    if nan(gr) || nan(wr) {
        return nan(gr) && nan(wr) && gf == wf;
    }
    // After-rounding tininess: a result rounded up to the smallest normal may
    // still be tiny at full precision; APFloat never flags that case.
    if wr & !sign == min_normal && gf == wf | UF && wf & NX != 0 {
        wf |= UF;
    }
    // Overflow to the largest finite number (directed modes): IEEE and RISC-V
    // raise OF, APFloat only NX.
    let largest = ((sign - 1) & !(min_normal - 1)) - 1; // infinity minus one
    if wr & !sign == largest && wf == NX && gf == OF | NX {
        wf |= OF;
    }
    gr == wr && gf == wf
}

macro_rules! cross {
    ($name:ident, $ty:ty, $bits:ty, $e:expr, $m:expr) => {
        #[test]
        fn $name() {
            let mut rng = Rng($m as u64 * 7919);
            let sign: u64 = 1 << ($e + $m);
            let nan = |x: u64| x & !sign > ((1u64 << $e) - 1) << $m;
            let min_normal: u64 = 1 << $m;
            let ap = |x: u64| <$ty>::from_bits(x as u128);
            let back = |r: StatusAnd<$ty>| (r.value.to_bits() as u64, flags(r.status));
            let mut bad = Vec::new();
            for _ in 0..cases(20_000) {
                let (a, b, c) = (rng.val($e, $m), rng.val($e, $m), rng.val($e, $m));
                let (xa, xb, xc) = (a as $bits, b as $bits, c as $bits);
                for (rm, round) in RMS {
                    let mut f = 0;
                    let mut run = |op: &str, got: u64, f: &mut u32, want: (u64, u32)| {
                        if !same((got, *f), want, nan, min_normal, sign) && bad.len() < 20 {
                            bad.push(format!(
                                "{op} {rm:?} {a:#x} {b:#x} {c:#x}: got {got:#x}/{:#x} want {:#x}/{:#x}",
                                *f, want.0, want.1
                            ));
                        }
                        *f = 0;
                    };
                    let g = fpu_ops::add(xa, xb, rm, &mut f) as u64;
                    run("add", g, &mut f, back(ap(a).add_r(ap(b), round)));
                    let g = fpu_ops::sub(xa, xb, rm, &mut f) as u64;
                    run("sub", g, &mut f, back(ap(a).sub_r(ap(b), round)));
                    let g = fpu_ops::mul(xa, xb, rm, &mut f) as u64;
                    run("mul", g, &mut f, back(ap(a).mul_r(ap(b), round)));
                    let g = fpu_ops::div(xa, xb, rm, &mut f) as u64;
                    run("div", g, &mut f, back(ap(a).div_r(ap(b), round)));
                    let g = fpu_ops::fma(xa, xb, xc, rm, &mut f) as u64;
                    run("fma", g, &mut f, back(ap(a).mul_add_r(ap(b), ap(c), round)));
                    if !nan(a) {
                        let mut exact = false;
                        let w = ap(a).to_i128_r(64, round, &mut exact);
                        let g = fpu_ops::to_i64(xa, rm, &mut f) as u64;
                        run("to_i64", g, &mut f, (w.value as i64 as u64, flags(w.status)));
                        let w = ap(a).to_i128_r(32, round, &mut exact);
                        let g = fpu_ops::to_i32(xa, rm, &mut f) as u64;
                        run("to_i32", g, &mut f, (w.value as i32 as u64, flags(w.status)));
                    }
                    if !nan(a) && a & sign == 0 {
                        let mut exact = false;
                        let w = ap(a).to_u128_r(64, round, &mut exact);
                        let g = fpu_ops::to_u64(xa, rm, &mut f);
                        run("to_u64", g, &mut f, (w.value as u64, flags(w.status)));
                    }
                    let v = rng.next() >> (rng.next() % 64);
                    let w = <$ty>::from_i128_r(v as i64 as i128, round);
                    let g = fpu_ops::from_i64(v as i64, rm, &mut f) as u64;
                    run("from_i64", g, &mut f, back(w));
                    let w = <$ty>::from_u128_r(v as u128, round);
                    let g = fpu_ops::from_u64(v, rm, &mut f) as u64;
                    run("from_u64", g, &mut f, back(w));
                }
            }
            assert!(bad.is_empty(), "differences from APFloat:\n{}", bad.join("\n"));
        }
    };
}

/// Uniform names over the single and double API, for the macro.
mod fpu_ops {
    pub mod s {
        pub use nanovm::fpu::{
            add_s as add, div_s as div, fma_s as fma, from_i64_s as from_i64,
            from_u64_s as from_u64, mul_s as mul, sub_s as sub, to_i32_s as to_i32,
            to_i64_s as to_i64, to_u64_s as to_u64,
        };
    }
    pub mod d {
        pub use nanovm::fpu::{
            add_d as add, div_d as div, fma_d as fma, from_i64_d as from_i64,
            from_u64_d as from_u64, mul_d as mul, sub_d as sub, to_i32_d as to_i32,
            to_i64_d as to_i64, to_u64_d as to_u64,
        };
    }
}

mod single {
    use super::*;
    use fpu_ops::s as fpu_ops;
    cross!(single_matches_apfloat, Single, u32, 8, 23);
}

mod double {
    use super::*;
    use fpu_ops::d as fpu_ops;
    cross!(double_matches_apfloat, Double, u64, 11, 52);
}

#[test]
fn narrowing_matches_apfloat() {
    let mut rng = Rng(5);
    let mut bad = Vec::new();
    for _ in 0..cases(100_000) {
        let a = rng.val(11, 52);
        for (rm, round) in RMS {
            let mut f = 0;
            let got = fpu::d_to_s(a, rm, &mut f) as u64;
            let mut loses = false;
            let w: StatusAnd<Single> = Double::from_bits(a as u128).convert_r(round, &mut loses);
            let want = (w.value.to_bits() as u64, flags(w.status));
            let nan = |x: u64| x & 0x7fff_ffff > 0x7f80_0000;
            if !same((got, f), want, nan, 1 << 23, 1 << 31) && bad.len() < 20 {
                bad.push(format!(
                    "d_to_s {rm:?} {a:#x}: got {got:#x}/{f:#x} want {want:x?}"
                ));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "differences from APFloat:\n{}",
        bad.join("\n")
    );
}

/// Checks `r = sqrt(x)` (both positive, finite, as `T` after exact
/// widening to the wider `W`) against the defining inequalities of each
/// rounding mode, evaluated exactly in `W`.
fn sqrt_ok<W: Float>(x: W, r: W, lo: W, hi: W, rm: Rm, nx: bool) -> bool {
    let sq = |v: W| (v * v).value;
    let half = |a: W, b: W| ((a + b).value / W::from_u128(2).value).value;
    let exact = sq(r) == x;
    let ok = match rm {
        Rm::Rtz | Rm::Rdn => sq(r) <= x && x < sq(hi),
        Rm::Rup => sq(lo) < x && x <= sq(r),
        Rm::Rne | Rm::Rmm => sq(half(lo, r)) < x && x < sq(half(r, hi)),
    };
    ok && nx != exact
}

#[test]
fn sqrt_satisfies_rounding_inequalities() {
    use rustc_apfloat::ieee::Quad;
    let mut rng = Rng(11);
    let mut bad = Vec::new();
    for _ in 0..cases(20_000) {
        let a = rng.val(11, 52) & !(1 << 63);
        let s = rng.val(8, 23) & 0x7fff_ffff;
        for (rm, _) in RMS {
            if a != 0 && a < 0x7ff0_0000_0000_0000 {
                let mut f = 0;
                let r = fpu::sqrt_d(a, rm, &mut f);
                let q = |bits: u64| -> Quad {
                    let mut loses = false;
                    Double::from_bits(bits as u128).convert(&mut loses).value
                };
                if f & !NX != 0 || !sqrt_ok(q(a), q(r), q(r - 1), q(r + 1), rm, f == NX) {
                    bad.push(format!("sqrt_d {rm:?} {a:#x} -> {r:#x} fl {f:#x}"));
                }
            }
            if s != 0 && s < 0x7f80_0000 {
                let mut f = 0;
                let r = fpu::sqrt_s(s as u32, rm, &mut f) as u64;
                let d = |bits: u64| -> Double {
                    let mut loses = false;
                    Single::from_bits(bits as u128).convert(&mut loses).value
                };
                if f & !NX != 0 || !sqrt_ok(d(s), d(r), d(r - 1), d(r + 1), rm, f == NX) {
                    bad.push(format!("sqrt_s {rm:?} {s:#x} -> {r:#x} fl {f:#x}"));
                }
            }
        }
        if bad.len() > 20 {
            break;
        }
    }
    assert!(
        bad.is_empty(),
        "sqrt results violate rounding:\n{}",
        bad.join("\n")
    );
}
