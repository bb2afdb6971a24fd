//! Conversions: float to integer (rounded per mode, saturating), integer to
//! float, and between single and double.

use super::soft::{is_nan, is_snan, round_pack, sign, unpack, zero, Format};
use super::{Rm, NV, NX};

/// Converts `a` to an integer of `bits` bits (32 or 64), signed or not, in
/// mode `rm`. Returns the result's two's-complement bits (zero-extended).
///
/// RISC-V rules: NaN and +out-of-range give the largest value, -out-of-range
/// the smallest, both with NV only; an in-range inexact result raises NX.
/// An unsigned conversion of a negative value that rounds to zero is NX, not
/// NV.
#[inline(never)]
pub(crate) fn to_int<F: Format>(a: u64, rm: Rm, signed: bool, bits: u32, fl: &mut u32) -> u64 {
    let umax = if bits == 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    };
    let (max, min) = if signed {
        (umax >> 1, 1u64 << (bits - 1))
    } else {
        (umax, 0)
    };
    if is_nan::<F>(a) {
        *fl |= NV;
        return max;
    }
    let neg = sign::<F>(a);
    let invalid = |fl: &mut u32| {
        *fl |= NV;
        if neg {
            min
        } else {
            max
        }
    };
    let abs = a & !F::SIGN;
    if abs == F::INF {
        return invalid(fl);
    }
    if abs == 0 {
        return 0;
    }
    let (e, m) = unpack::<F>(a);
    if e >= 64 {
        return invalid(fl);
    }
    // Magnitude rounded to an integer (fits u64 here: |a| < 2^64).
    let (mag, inexact) = if e >= F::M as i32 {
        (m << (e - F::M as i32), false)
    } else {
        let shift = (F::M as i32 - e) as u32;
        if shift >= 64 {
            // |a| < 2^-10: rounds to 0 or 1 (directed away), never a tie.
            let up = matches!((rm, neg), (Rm::Rdn, true) | (Rm::Rup, false));
            (up as u64, true)
        } else {
            let int = m >> shift;
            let rbits = m & ((1 << shift) - 1);
            let half = 1u64 << (shift - 1);
            let up = match rm {
                Rm::Rne => rbits + (int & 1) > half,
                Rm::Rmm => rbits >= half,
                Rm::Rtz => false,
                Rm::Rdn => neg && rbits != 0,
                Rm::Rup => !neg && rbits != 0,
            };
            (int + up as u64, rbits != 0)
        }
    };
    let in_range = if neg {
        if signed {
            mag <= min
        } else {
            mag == 0
        }
    } else {
        mag <= max
    };
    if !in_range {
        return invalid(fl);
    }
    if inexact {
        *fl |= NX;
    }
    if neg {
        mag.wrapping_neg() & umax
    } else {
        mag
    }
}

/// Converts the integer `(-1)^neg * mag` to format `F`.
#[inline(never)]
pub(crate) fn from_int<F: Format>(neg: bool, mag: u64, rm: Rm, fl: &mut u32) -> u64 {
    if mag == 0 {
        return 0;
    }
    round_pack::<F>(neg, 0, mag, rm, fl)
}

/// Converts between formats (`T` from `F`); exact when widening.
#[inline(never)]
pub(crate) fn convert<F: Format, T: Format>(a: u64, rm: Rm, fl: &mut u32) -> u64 {
    if is_nan::<F>(a) {
        if is_snan::<F>(a) {
            *fl |= NV;
        }
        return T::NAN;
    }
    let neg = sign::<F>(a);
    let abs = a & !F::SIGN;
    if abs == F::INF {
        return zero::<T>(neg) | T::INF;
    }
    if abs == 0 {
        return zero::<T>(neg);
    }
    let (e, m) = unpack::<F>(a);
    round_pack::<T>(neg, e - F::M as i32, m, rm, fl)
}

#[cfg(test)]
mod tests {
    use super::super::soft::{D, S};
    use super::*;

    fn cvt(x: f64, rm: Rm, signed: bool, bits: u32) -> (u64, u32) {
        let mut fl = 0;
        (to_int::<D>(x.to_bits(), rm, signed, bits, &mut fl), fl)
    }

    #[test]
    fn to_int_rules() {
        assert_eq!(cvt(-0.5, Rm::Rtz, false, 32), (0, NX));
        assert_eq!(cvt(-1.0, Rm::Rtz, false, 32), (0, NV));
        assert_eq!(cvt(f64::NAN, Rm::Rtz, true, 32), (0x7fff_ffff, NV));
        assert_eq!(cvt(-1e30, Rm::Rtz, true, 64), (1 << 63, NV));
        assert_eq!(cvt(2.5, Rm::Rne, true, 64), (2, NX));
        assert_eq!(cvt(2.5, Rm::Rmm, true, 64), (3, NX));
        assert_eq!(cvt(-2.5, Rm::Rdn, true, 32), (0xffff_fffd, NX));
        assert_eq!(cvt(-2147483648.0, Rm::Rne, true, 32), (0x8000_0000, 0));
        assert_eq!(cvt(2147483648.0, Rm::Rne, true, 32), (0x7fff_ffff, NV));
        assert_eq!(
            cvt(18446744073709549568.0, Rm::Rne, false, 64),
            (0xffff_ffff_ffff_f800, 0)
        );
        assert_eq!(cvt(1e-300, Rm::Rup, false, 64), (1, NX));
    }

    #[test]
    fn widen_and_narrow() {
        let mut fl = 0;
        let s = 1.5f32.to_bits() as u64;
        assert_eq!(convert::<S, D>(s, Rm::Rne, &mut fl), 1.5f64.to_bits());
        assert_eq!(
            convert::<S, D>(1, Rm::Rne, &mut fl),
            (f32::from_bits(1) as f64).to_bits()
        );
        assert_eq!(fl, 0);
        assert_eq!(convert::<S, D>(0x7f80_0001, Rm::Rne, &mut fl), D::NAN);
        assert_eq!(fl, NV);
        let mut fl = 0;
        let r = convert::<D, S>(0.1f64.to_bits(), Rm::Rne, &mut fl);
        assert_eq!((r, fl), (0.1f32.to_bits() as u64, NX));
    }

    #[test]
    fn from_int_rounds() {
        let mut fl = 0;
        assert_eq!(
            from_int::<S>(false, 16_777_217, Rm::Rne, &mut fl),
            16_777_216f32.to_bits() as u64
        );
        assert_eq!(fl, NX);
        let mut fl = 0;
        assert_eq!(
            from_int::<D>(true, 1 << 63, Rm::Rne, &mut fl),
            (-9.223372036854776e18f64).to_bits()
        );
        assert_eq!(fl, 0);
    }
}
