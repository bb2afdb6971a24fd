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
pub(crate) fn nan_result<F: Format>(ops: &[u64], fl: &mut u32) -> u64 {
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

#[cfg(test)]
mod tests {
    use super::super::soft::D;
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
    fn fma_inf_zero_qnan_is_invalid() {
        let mut fl = 0;
        let r = fma::<D>(d(0.0), d(f64::INFINITY), D::NAN, Rm::Rne, &mut fl);
        assert_eq!((r, fl), (D::NAN, NV));
    }
}
