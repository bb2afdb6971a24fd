//! Comparisons, fmin/fmax (RISC-V 2.2 semantics) and fclass, on raw bits.
//!
//! These need no rounding, so there is no slow path: every case is a few
//! integer operations on the bit patterns.

use super::soft::{is_nan, is_snan, sign, Format};
use super::NV;

/// Maps bits to an integer whose signed order is the numeric order of the
/// (non-NaN) values, with -0 just below +0.
#[inline]
fn key<F: Format>(x: u64) -> i64 {
    let mag = (x & !F::SIGN) as i64;
    if sign::<F>(x) {
        -mag - 1
    } else {
        mag
    }
}

/// Numeric equality of non-NaN values (+0 == -0).
#[inline]
fn equal<F: Format>(a: u64, b: u64) -> bool {
    a == b || (a | b) & !F::SIGN == 0
}

/// `fmin`/`fmax`: `want_max` selects fmax.
#[inline]
pub(crate) fn min_max<F: Format>(a: u64, b: u64, want_max: bool, fl: &mut u32) -> u64 {
    let (na, nb) = (is_nan::<F>(a), is_nan::<F>(b));
    if na || nb {
        if is_snan::<F>(a) || is_snan::<F>(b) {
            *fl |= NV;
        }
        return match (na, nb) {
            (true, true) => F::NAN,
            (true, false) => b,
            _ => a,
        };
    }
    if (key::<F>(a) < key::<F>(b)) != want_max {
        a
    } else {
        b
    }
}

/// `feq`: quiet, NV only for signalling NaNs.
#[inline]
pub(crate) fn eq<F: Format>(a: u64, b: u64, fl: &mut u32) -> bool {
    if is_nan::<F>(a) || is_nan::<F>(b) {
        if is_snan::<F>(a) || is_snan::<F>(b) {
            *fl |= NV;
        }
        return false;
    }
    equal::<F>(a, b)
}

/// `flt` (`or_equal` false) and `fle` (true): signalling, NV for any NaN.
#[inline]
pub(crate) fn less<F: Format>(a: u64, b: u64, or_equal: bool, fl: &mut u32) -> bool {
    if is_nan::<F>(a) || is_nan::<F>(b) {
        *fl |= NV;
        return false;
    }
    if equal::<F>(a, b) {
        return or_equal;
    }
    key::<F>(a) < key::<F>(b)
}

/// The `fclass` mask: bit 0 -inf, 1 -normal, 2 -subnormal, 3 -0, 4 +0,
/// 5 +subnormal, 6 +normal, 7 +inf, 8 signalling NaN, 9 quiet NaN.
#[inline]
pub(crate) fn class<F: Format>(a: u64) -> u64 {
    if is_nan::<F>(a) {
        return if is_snan::<F>(a) { 1 << 8 } else { 1 << 9 };
    }
    let abs = a & !F::SIGN;
    let pos = if abs == F::INF {
        7
    } else if abs == 0 {
        4
    } else if abs & F::INF == 0 {
        5
    } else {
        6
    };
    if sign::<F>(a) {
        1 << (7 - pos)
    } else {
        1 << pos
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
    fn min_max_zero_and_nan() {
        let mut fl = 0;
        assert_eq!(min_max::<D>(d(0.0), d(-0.0), false, &mut fl), d(-0.0));
        assert_eq!(min_max::<D>(d(-0.0), d(0.0), true, &mut fl), d(0.0));
        assert_eq!(min_max::<D>(D::NAN, d(3.0), true, &mut fl), d(3.0));
        assert_eq!(fl, 0);
        assert_eq!(
            min_max::<D>(0x7ff0_0000_0000_0001, d(3.0), false, &mut fl),
            d(3.0)
        );
        assert_eq!(fl, NV);
        assert_eq!(min_max::<D>(d(-1.0), d(-2.0), false, &mut fl), d(-2.0));
        assert_eq!(min_max::<D>(d(-1.0), d(-2.0), true, &mut fl), d(-1.0));
    }

    #[test]
    fn compares() {
        let mut fl = 0;
        assert!(eq::<D>(d(0.0), d(-0.0), &mut fl));
        assert!(!eq::<D>(D::NAN, D::NAN, &mut fl));
        assert_eq!(fl, 0);
        assert!(less::<D>(d(-0.0), d(0.0), true, &mut fl));
        assert!(!less::<D>(d(-0.0), d(0.0), false, &mut fl));
        assert!(less::<D>(d(-3.0), d(-2.0), false, &mut fl));
        assert_eq!(fl, 0);
        assert!(!less::<D>(D::NAN, d(0.0), true, &mut fl));
        assert_eq!(fl, NV);
    }

    #[test]
    fn classes() {
        assert_eq!(class::<D>(d(f64::NEG_INFINITY)), 1);
        assert_eq!(class::<D>(d(-1.0)), 2);
        assert_eq!(class::<D>(d(-0.0)), 8);
        assert_eq!(class::<D>(1), 1 << 5);
        assert_eq!(class::<D>(D::NAN), 1 << 9);
        assert_eq!(class::<D>(0x7ff0_0000_0000_0001), 1 << 8);
    }
}
