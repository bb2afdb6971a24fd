//! Exact add, multiply, divide and fused multiply-add on raw bits, in any
//! rounding mode (the slow path behind the host-float fast paths).
//!
//! Special operands (NaN, infinity, zero) are resolved here with the RISC-V
//! rules; finite operands are combined exactly in u64/u128 integer arithmetic
//! (with sticky jamming where bits fall far below the result's precision) and
//! rounded once by [`round_pack`].

use super::soft::{
    is_nan, is_snan, round_pack, round_pack128, shr_jam128, shr_jam64, sign, unpack, zero, Format,
};
use super::{Rm, DZ, NV};

/// The result of an operation with a NaN operand: canonical NaN, NV if any
/// operand signals.
#[inline]
fn nan_result<F: Format>(ops: &[u64], fl: &mut u32) -> u64 {
    if ops.iter().any(|&x| is_snan::<F>(x)) {
        *fl |= NV;
    }
    F::NAN
}

/// `a + b`.
#[inline(never)]
pub(crate) fn add<F: Format>(a: u64, b: u64, rm: Rm, fl: &mut u32) -> u64 {
    if is_nan::<F>(a) || is_nan::<F>(b) {
        return nan_result::<F>(&[a, b], fl);
    }
    let (aa, ab) = (a & !F::SIGN, b & !F::SIGN);
    if aa == F::INF {
        if ab == F::INF && a != b {
            *fl |= NV;
            return F::NAN;
        }
        return a;
    }
    if ab == F::INF {
        return b;
    }
    if aa == 0 {
        if ab == 0 && a != b {
            return zero::<F>(rm == Rm::Rdn);
        }
        return b;
    }
    if ab == 0 {
        return a;
    }
    // |x| >= |y|: the integer order of magnitudes is the numeric order.
    let (x, y) = if aa >= ab { (a, b) } else { (b, a) };
    let (ex, mx) = unpack::<F>(x);
    let (ey, my) = unpack::<F>(y);
    // Leading ones at bit 61: room for the carry, and >= 9 bits below the
    // result's precision, so the jam of a far-shifted `my` never matters.
    let mx = mx << (61 - F::M);
    let my = shr_jam64(my << (61 - F::M), (ex - ey) as u32);
    let neg = sign::<F>(x);
    if sign::<F>(x) == sign::<F>(y) {
        round_pack::<F>(neg, ex - 61, mx + my, rm, fl)
    } else {
        let d = mx - my;
        if d == 0 {
            return zero::<F>(rm == Rm::Rdn);
        }
        round_pack::<F>(neg, ex - 61, d, rm, fl)
    }
}

/// `a * b`.
#[inline(never)]
pub(crate) fn mul<F: Format>(a: u64, b: u64, rm: Rm, fl: &mut u32) -> u64 {
    if is_nan::<F>(a) || is_nan::<F>(b) {
        return nan_result::<F>(&[a, b], fl);
    }
    let neg = sign::<F>(a) != sign::<F>(b);
    let (aa, ab) = (a & !F::SIGN, b & !F::SIGN);
    if aa == F::INF || ab == F::INF {
        if aa == 0 || ab == 0 {
            *fl |= NV;
            return F::NAN;
        }
        return zero::<F>(neg) | F::INF;
    }
    if aa == 0 || ab == 0 {
        return zero::<F>(neg);
    }
    let (ea, ma) = unpack::<F>(a);
    let (eb, mb) = unpack::<F>(b);
    let prod = ma as u128 * mb as u128;
    round_pack128::<F>(neg, ea + eb - 2 * F::M as i32, prod, rm, fl)
}

/// `a / b`.
#[inline(never)]
pub(crate) fn div<F: Format>(a: u64, b: u64, rm: Rm, fl: &mut u32) -> u64 {
    if is_nan::<F>(a) || is_nan::<F>(b) {
        return nan_result::<F>(&[a, b], fl);
    }
    let neg = sign::<F>(a) != sign::<F>(b);
    let (aa, ab) = (a & !F::SIGN, b & !F::SIGN);
    if aa == F::INF {
        if ab == F::INF {
            *fl |= NV;
            return F::NAN;
        }
        return zero::<F>(neg) | F::INF;
    }
    if ab == F::INF {
        return zero::<F>(neg);
    }
    if ab == 0 {
        if aa == 0 {
            *fl |= NV;
            return F::NAN;
        }
        *fl |= DZ;
        return zero::<F>(neg) | F::INF;
    }
    if aa == 0 {
        return zero::<F>(neg);
    }
    let (ea, ma) = unpack::<F>(a);
    let (eb, mb) = unpack::<F>(b);
    // ma / mb is in (1/2, 2): the quotient scaled by 2^62 has 61..63 bits.
    let num = (ma as u128) << 62;
    let q = num / mb as u128;
    let sticky = (q * mb as u128 != num) as u64;
    round_pack::<F>(neg, ea - eb - 62, q as u64 | sticky, rm, fl)
}

/// `a * b + c` with a single rounding.
#[inline(never)]
pub(crate) fn fma<F: Format>(a: u64, b: u64, c: u64, rm: Rm, fl: &mut u32) -> u64 {
    let (aa, ab, ac) = (a & !F::SIGN, b & !F::SIGN, c & !F::SIGN);
    let inf_times_zero = (aa == F::INF && ab == 0) || (aa == 0 && ab == F::INF);
    if is_nan::<F>(a) || is_nan::<F>(b) || is_nan::<F>(c) {
        // 0 * inf is invalid even when the addend is a quiet NaN.
        if inf_times_zero {
            *fl |= NV;
        }
        return nan_result::<F>(&[a, b, c], fl);
    }
    if inf_times_zero {
        *fl |= NV;
        return F::NAN;
    }
    let np = sign::<F>(a) != sign::<F>(b);
    let nc = sign::<F>(c);
    if aa == F::INF || ab == F::INF {
        if ac == F::INF && nc != np {
            *fl |= NV;
            return F::NAN;
        }
        return zero::<F>(np) | F::INF;
    }
    if ac == F::INF {
        return c;
    }
    if aa == 0 || ab == 0 {
        if ac == 0 {
            return zero::<F>(if np == nc { np } else { rm == Rm::Rdn });
        }
        return c;
    }
    let (ea, ma) = unpack::<F>(a);
    let (eb, mb) = unpack::<F>(b);
    let prod = ma as u128 * mb as u128;
    let ep0 = ea + eb - 2 * F::M as i32;
    if ac == 0 {
        return round_pack128::<F>(np, ep0, prod, rm, fl);
    }
    let (ec, mc) = unpack::<F>(c);
    // Product leading one at bit 124 or 125, addend's at 124: the low
    // 124 - 2M (>= 20) bits of both are zero, so a shift that jams is at
    // least that long and the jammed operand is far smaller.
    let p = prod << (124 - 2 * F::M);
    let ep = ep0 - (124 - 2 * F::M as i32);
    let cc = (mc as u128) << (124 - F::M);
    let ecc = ec - 124;
    let (p, cc, e) = if ep >= ecc {
        (p, shr_jam128(cc, (ep - ecc) as u32), ep)
    } else {
        (shr_jam128(p, (ecc - ep) as u32), cc, ecc)
    };
    if np == nc {
        round_pack128::<F>(np, e, p + cc, rm, fl)
    } else if p > cc {
        round_pack128::<F>(np, e, p - cc, rm, fl)
    } else if cc > p {
        round_pack128::<F>(nc, e, cc - p, rm, fl)
    } else {
        zero::<F>(rm == Rm::Rdn)
    }
}

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
    fn add_basic_and_zero_signs() {
        let mut fl = 0;
        assert_eq!(add::<D>(d(1.0), d(2.0), Rm::Rne, &mut fl), d(3.0));
        assert_eq!(fl, 0);
        assert_eq!(add::<D>(d(1.0), d(-1.0), Rm::Rne, &mut fl), d(0.0));
        assert_eq!(add::<D>(d(1.0), d(-1.0), Rm::Rdn, &mut fl), d(-0.0));
        assert_eq!(add::<D>(d(-0.0), d(-0.0), Rm::Rne, &mut fl), d(-0.0));
        assert_eq!(fl, 0);
        assert_eq!(
            add::<D>(d(1.0), d(f64::EPSILON / 4.0), Rm::Rup, &mut fl),
            d(1.0 + f64::EPSILON)
        );
        assert_eq!(fl, super::super::NX);
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

    #[test]
    fn fma_inf_zero_qnan_is_invalid() {
        let mut fl = 0;
        let r = fma::<D>(d(0.0), d(f64::INFINITY), D::NAN, Rm::Rne, &mut fl);
        assert_eq!((r, fl), (D::NAN, NV));
    }
}
