//! Correctly rounded square root in every rounding mode (the slow path
//! behind the host-float fast path): an exact integer square root with a
//! sticky bit, rounded once by [`round_pack`].

use super::arith::nan_result;
use super::soft::{is_nan, round_pack, sign, unpack, Format};
use super::{Rm, NV};

/// `sqrt(a)`.
#[inline(never)]
pub(crate) fn sqrt<F: Format>(a: u64, rm: Rm, fl: &mut u32) -> u64 {
    if is_nan::<F>(a) {
        return nan_result::<F>(&[a], fl);
    }
    if a & !F::SIGN == 0 {
        return a;
    }
    if sign::<F>(a) {
        *fl |= NV;
        return F::NAN;
    }
    if a == F::INF {
        return a;
    }
    let (ea, ma) = unpack::<F>(a);
    // a = ma * 2^(ea - M) = (ma << k) * 2^(ea - M - k) with an even exponent
    // and ma << k in [2^124, 2^126): the root has 62 or 63 bits.
    let mut k = 124 - F::M as i32;
    if (ea - F::M as i32 - k) & 1 != 0 {
        k += 1;
    }
    let n = (ma as u128) << k;
    let r = isqrt(n);
    let sticky = (r as u128 * r as u128 != n) as u64;
    round_pack::<F>(false, (ea - F::M as i32 - k) / 2, r | sticky, rm, fl)
}

/// `floor(sqrt(n))` for `n < 2^126`.
fn isqrt(n: u128) -> u64 {
    // The host root is within ~2^11 of the true one (53-bit estimate of a
    // 63-bit root); one Newton correction computed in f64 from the exact
    // residual brings it within a unit (the quadratic term is ~2^-40), and
    // an exact fix-up finishes. No u128 division: that is a slow libcall on
    // wasm.
    let g = ((n as f64).sqrt() as u128).max(1);
    let residual = n as i128 - (g * g) as i128;
    let step = residual as f64 / (2.0 * g as f64);
    let mut g = (g as i128 + step as i128) as u128;
    while g * g > n {
        g -= 1;
    }
    while (g + 1) * (g + 1) <= n {
        g += 1;
    }
    g as u64
}

#[cfg(test)]
mod tests {
    use super::super::soft::{D, S};
    use super::*;

    fn d(x: f64) -> u64 {
        x.to_bits()
    }

    #[test]
    fn isqrt_exact() {
        for n in [
            1u128,
            2,
            3,
            4,
            15,
            16,
            17,
            (1 << 125) + 12345,
            (1u128 << 126) - 1,
        ] {
            let r = isqrt(n) as u128;
            assert!(r * r <= n && (r + 1) * (r + 1) > n, "{n}");
        }
    }

    #[test]
    fn sqrt_values() {
        let mut fl = 0;
        assert_eq!(sqrt::<D>(d(4.0), Rm::Rne, &mut fl), d(2.0));
        assert_eq!(sqrt::<D>(d(2.0), Rm::Rne, &mut fl), d(2f64.sqrt()));
        assert_eq!(
            sqrt::<S>(2f32.to_bits() as u64, Rm::Rne, &mut fl),
            2f32.sqrt().to_bits() as u64
        );
        assert_eq!(sqrt::<D>(d(-0.0), Rm::Rne, &mut fl), d(-0.0));
        assert_eq!(sqrt::<D>(1, Rm::Rne, &mut fl), d(f64::from_bits(1).sqrt()));
    }
}
