//! Tests of the fast paths: each one against the exact integer slow path,
//! on random bit patterns biased toward the edges the fast paths must reject
//! or get right: subnormals, the smallest normal, overflow, ties, exact
//! results.
//! `NANOVM_FPU_FUZZ=<n>` multiplies the case count (default 1).

use super::super::soft::{Format, D, S};
use super::super::{arith, convert, sqrt, Rm};

/// splitmix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    fn frac<F: Format>(&mut self) -> u64 {
        let r = self.next() & F::FRAC;
        match self.next() % 6 {
            0 | 1 => r,
            2 => {
                let k = self.range(0, F::M as i64) as u32;
                if k == 0 {
                    0
                } else {
                    r >> (F::M - k) << (F::M - k)
                }
            }
            3 => {
                let k = self.range(F::M as i64 / 2 - 2, F::M as i64 / 2 + 3) as u32;
                r >> (F::M - k) << (F::M - k)
            }
            4 => F::FRAC - self.next() % 4,
            _ => self.next() % 4,
        }
    }

    fn make<F: Format>(&mut self, exp: i64) -> u64 {
        let emax = (1i64 << F::E) - 1;
        let exp = exp.clamp(0, emax) as u64;
        ((self.next() & 1) << (F::E + F::M)) | (exp << F::M) | self.frac::<F>()
    }

    /// A value biased toward edge exponents.
    fn val<F: Format>(&mut self) -> u64 {
        let emax = (1i64 << F::E) - 1;
        let bias = F::BIAS as i64;
        let exp = match self.next() % 8 {
            0 => return self.next() & (F::SIGN | (F::SIGN - 1)),
            1 => self.range(0, 3),
            2 => self.range(emax - 3, emax),
            3 => self.range(0, emax),
            4 => self.range(bias - 3, bias + 3),
            _ => self.range(bias - 40, bias + 70),
        };
        self.make::<F>(exp)
    }

    /// A partner for `a` such that `a op b` lands near the smallest
    /// normal, near overflow, or cancels (`op`: 0 add, 1 mul, 2 div).
    fn partner<F: Format>(&mut self, a: u64, op: u32) -> u64 {
        let bias = F::BIAS as i64;
        let ea = ((a >> F::M) & ((1 << F::E) - 1)) as i64;
        let mut t = self.range(-3, 3);
        match self.next() % 4 {
            0 => self.val::<F>(),
            1 => {
                if self.next() & 1 == 1 {
                    t += 2 * bias;
                }
                let eb = match op {
                    2 => ea + bias - t,
                    1 => bias + t - ea,
                    _ => ea + t,
                };
                self.make::<F>(eb)
            }
            2 => {
                let flip = (self.next() & 1) << (F::E + F::M);
                ((a ^ flip).wrapping_add(self.next() % 5).wrapping_sub(2))
                    & (F::SIGN | (F::SIGN - 1))
            }
            _ => self.make::<F>(ea + t),
        }
    }
}

fn cases(base: usize) -> usize {
    let scale = std::env::var("NANOVM_FPU_FUZZ")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(1);
    base * scale
}

/// Compares `fast` with `slow` on `n` operand pairs; fast declining is fine.
fn check2<F: Format>(
    name: &str,
    op: u32,
    n: usize,
    fast: impl Fn(u64, u64, &mut u32) -> Option<u64>,
    slow: impl Fn(u64, u64, &mut u32) -> u64,
) {
    let mut rng = Rng(0x1234_5678 ^ op as u64 ^ (F::M as u64) << 8);
    let mut taken = 0;
    for _ in 0..n {
        let a = rng.val::<F>();
        let b = rng.partner::<F>(a, op);
        let (mut ff, mut fs) = (0, 0);
        if let Some(r) = fast(a, b, &mut ff) {
            taken += 1;
            let want = slow(a, b, &mut fs);
            assert_eq!((r, ff), (want, fs), "{name} {a:#x} {b:#x}");
        }
    }
    assert!(
        taken > n / 5,
        "{name}: fast path taken only {taken} of {n} times"
    );
}

#[test]
fn add_mul_div_match_slow_path() {
    let n = cases(150_000);
    let rne = Rm::Rne;
    check2::<D>("add_d", 0, n, super::add_d, |a, b, f| {
        arith::add::<D>(a, b, rne, f)
    });
    check2::<D>("mul_d", 1, n, super::mul_d, |a, b, f| {
        arith::mul::<D>(a, b, rne, f)
    });
    check2::<D>("div_d", 2, n, super::div_d, |a, b, f| {
        arith::div::<D>(a, b, rne, f)
    });
    let s = |r: Option<u32>| r.map(u64::from);
    check2::<S>(
        "add_s",
        0,
        n,
        |a, b, f| s(super::add_s(a as u32, b as u32, f)),
        |a, b, f| arith::add::<S>(a, b, rne, f),
    );
    check2::<S>(
        "mul_s",
        1,
        n,
        |a, b, f| s(super::mul_s(a as u32, b as u32, f)),
        |a, b, f| arith::mul::<S>(a, b, rne, f),
    );
    check2::<S>(
        "div_s",
        2,
        n,
        |a, b, f| s(super::div_s(a as u32, b as u32, f)),
        |a, b, f| arith::div::<S>(a, b, rne, f),
    );
}

#[test]
fn sqrt_and_fma_match_slow_path() {
    let n = cases(150_000);
    let rne = Rm::Rne;
    let mut rng = Rng(77);
    let (mut taken_d, mut taken_s, mut taken_fma) = (0, 0, 0);
    for _ in 0..n {
        let a = rng.val::<D>() & !D::SIGN;
        let (mut ff, mut fs) = (0, 0);
        if let Some(r) = super::sqrt_d(a, &mut ff) {
            taken_d += 1;
            assert_eq!(
                (r, ff),
                (sqrt::sqrt::<D>(a, rne, &mut fs), fs),
                "sqrt_d {a:#x}"
            );
        }
        let a = rng.val::<S>() & !S::SIGN;
        let (mut ff, mut fs) = (0, 0);
        if let Some(r) = super::sqrt_s(a as u32, &mut ff) {
            taken_s += 1;
            let want = sqrt::sqrt::<S>(a, rne, &mut fs);
            assert_eq!((r as u64, ff), (want, fs), "sqrt_s {a:#x}");
        }
        let a = rng.val::<S>();
        let b = rng.partner::<S>(a, 1);
        let c = if rng.next() % 2 == 0 {
            rng.partner::<S>(a, 0)
        } else {
            // Near -(a*b): cancellation and midpoints.
            let p = -(f32::from_bits(a as u32) * f32::from_bits(b as u32));
            (p.to_bits() as u64)
                .wrapping_add(rng.next() % 5)
                .wrapping_sub(2)
                & 0xffff_ffff
        };
        let (mut ff, mut fs) = (0, 0);
        if let Some(r) = super::fma_s(a as u32, b as u32, c as u32, &mut ff) {
            taken_fma += 1;
            let want = arith::fma::<S>(a, b, c, rne, &mut fs);
            assert_eq!((r as u64, ff), (want, fs), "fma_s {a:#x} {b:#x} {c:#x}");
        }
    }
    assert!(taken_d > n / 5 && taken_s > n / 5 && taken_fma > n / 5);
}

#[test]
fn fma_d_matches_slow_path() {
    let n = cases(300_000);
    let mut rng = Rng(4242);
    let mut taken = 0;
    for i in 0..n {
        // Mostly in-range operands (where the fast path applies), some
        // anywhere (where it must decline).
        let near = |rng: &mut Rng| {
            let e = rng.range(1023 - 460, 1023 + 460);
            rng.make::<D>(e)
        };
        let a = if i % 4 == 0 {
            rng.val::<D>()
        } else {
            near(&mut rng)
        };
        let b = if i % 3 == 0 {
            rng.partner::<D>(a, 1)
        } else {
            near(&mut rng)
        };
        let c = match rng.next() % 4 {
            0 => rng.val::<D>(),
            1 => near(&mut rng),
            2 => rng.partner::<D>(a, 0),
            _ => {
                // Near -(a*b): cancellation, exact results, ties.
                let p = -(f64::from_bits(a) * f64::from_bits(b));
                p.to_bits().wrapping_add(rng.next() % 5).wrapping_sub(2)
            }
        };
        let (mut ff, mut fs) = (0, 0);
        if let Some(r) = super::fma_d(a, b, c, &mut ff) {
            taken += 1;
            let want = arith::fma::<D>(a, b, c, Rm::Rne, &mut fs);
            assert_eq!((r, ff), (want, fs), "fma_d {a:#x} {b:#x} {c:#x}");
        }
    }
    assert!(taken > n / 4, "fma_d fast path taken only {taken} of {n}");
}

#[test]
fn public_conversion_shortcuts_match_slow_path() {
    use super::super::{from_i64_d, from_u64_d, s_to_d};
    let mut rng = Rng(99);
    for _ in 0..cases(100_000) {
        let len = rng.range(1, 64) as u32;
        let v = rng.next() >> (64 - len);
        for rm in [Rm::Rne, Rm::Rtz, Rm::Rdn, Rm::Rup, Rm::Rmm] {
            let (mut ff, mut fs) = (0, 0);
            let r = from_u64_d(v, rm, &mut ff);
            assert_eq!((r, ff), (convert::from_int::<D>(false, v, rm, &mut fs), fs));
            let (mut ff, mut fs) = (0, 0);
            let r = from_i64_d(v as i64, rm, &mut ff);
            let (neg, mag) = ((v as i64) < 0, (v as i64).unsigned_abs());
            assert_eq!((r, ff), (convert::from_int::<D>(neg, mag, rm, &mut fs), fs));
        }
        let a = rng.val::<S>();
        let (mut ff, mut fs) = (0, 0);
        let r = s_to_d(a as u32, &mut ff);
        assert_eq!((r, ff), (convert::convert::<S, D>(a, Rm::Rne, &mut fs), fs));
    }
}
