//! The exact integer engine shared by every operation: format parameters,
//! unpacking, and the single rounding routine [`round_pack`].
//!
//! Every slow-path result, for singles and doubles alike, goes through
//! `round_pack`, which rounds an exact (or sticky-jammed) significand in any
//! of the five modes and raises NX/UF/OF the RISC-V way: tininess is detected
//! *after* rounding (as if the exponent range were unbounded), UF only when
//! the result is also inexact. `rustc_apfloat` was the first candidate for
//! this engine and was rejected: it reports underflow from the rounding at
//! subnormal precision (so a value that rounds to the smallest normal at
//! subnormal precision, but not at full precision, misses UF), it has no
//! sqrt, and its limb arithmetic is several times slower than these u64/u128
//! routines.

use super::{Rm, NX, OF, UF};

/// Parameters of an IEEE binary format (stored in the low bits of a `u64`).
pub(crate) trait Format {
    /// Exponent field width.
    const E: u32;
    /// Fraction field width (precision minus one).
    const M: u32;
    /// Exponent bias; also the largest unbiased exponent.
    const BIAS: i32 = (1 << (Self::E - 1)) - 1;
    /// The sign bit.
    const SIGN: u64 = 1 << (Self::E + Self::M);
    /// The fraction field mask.
    const FRAC: u64 = (1 << Self::M) - 1;
    /// +infinity (also the exponent field mask, in place).
    const INF: u64 = ((1 << Self::E) - 1) << Self::M;
    /// The quiet bit of a NaN.
    const QUIET: u64 = 1 << (Self::M - 1);
    /// The canonical quiet NaN.
    const NAN: u64 = Self::INF | Self::QUIET;
}

/// IEEE binary32.
pub(crate) struct S;
/// IEEE binary64.
pub(crate) struct D;

impl Format for S {
    const E: u32 = 8;
    const M: u32 = 23;
}

impl Format for D {
    const E: u32 = 11;
    const M: u32 = 52;
}

/// Whether `x` is a NaN.
#[inline]
pub(crate) fn is_nan<F: Format>(x: u64) -> bool {
    x & !F::SIGN > F::INF
}

/// Whether `x` is a signalling NaN.
#[inline]
pub(crate) fn is_snan<F: Format>(x: u64) -> bool {
    is_nan::<F>(x) && x & F::QUIET == 0
}

/// Whether the sign bit of `x` is set.
#[inline]
pub(crate) fn sign<F: Format>(x: u64) -> bool {
    x & F::SIGN != 0
}

/// Splits a finite non-zero `x` into `(exp, sig)` with `sig` normalised to
/// `[2^M, 2^(M+1))` and `|x| = sig * 2^(exp - M)`.
#[inline]
pub(crate) fn unpack<F: Format>(x: u64) -> (i32, u64) {
    let field = ((x >> F::M) & ((1 << F::E) - 1)) as i32;
    let frac = x & F::FRAC;
    if field == 0 {
        // Subnormal: shift the leading one up to bit M.
        let shift = frac.leading_zeros() - (63 - F::M);
        (1 - F::BIAS - shift as i32, frac << shift)
    } else {
        (field - F::BIAS, frac | (1 << F::M))
    }
}

/// `x >> n` with every shifted-out one ORed into bit 0 (any `n`).
#[inline]
pub(crate) fn shr_jam64(x: u64, n: u32) -> u64 {
    if n == 0 {
        x
    } else if n >= 64 {
        (x != 0) as u64
    } else {
        (x >> n) | ((x << (64 - n)) != 0) as u64
    }
}

/// `x >> n` with every shifted-out one ORed into bit 0 (any `n`).
#[inline]
pub(crate) fn shr_jam128(x: u128, n: u32) -> u128 {
    if n == 0 {
        x
    } else if n >= 128 {
        (x != 0) as u128
    } else {
        (x >> n) | ((x << (128 - n)) != 0) as u128
    }
}

/// Signed zero: `-0` when `neg`.
#[inline]
pub(crate) fn zero<F: Format>(neg: bool) -> u64 {
    if neg {
        F::SIGN
    } else {
        0
    }
}

/// Whether rounding the integer `sig >> shift` (discarding the low `shift`
/// bits) must add one, for a value of sign `neg`.
#[inline]
fn round_up(rm: Rm, neg: bool, sig: u64, shift: u32) -> bool {
    let rbits = sig & ((1 << shift) - 1);
    let half = 1u64 << (shift - 1);
    match rm {
        // Above half, or exactly half with an odd result (branch-free).
        Rm::Rne => rbits + ((sig >> shift) & 1) > half,
        Rm::Rmm => rbits >= half,
        Rm::Rtz => false,
        Rm::Rdn => neg && rbits != 0,
        Rm::Rup => !neg && rbits != 0,
    }
}

/// Rounds the value `(-1)^neg * sig * 2^e` to format `F` in mode `rm`,
/// raising NX, UF (tiny after rounding and inexact) and OF into `fl`.
///
/// `sig` may carry a sticky bit in bit 0 provided the caller kept at least
/// two bits of precision beyond the format's (all callers keep far more).
pub(crate) fn round_pack<F: Format>(neg: bool, e: i32, sig: u64, rm: Rm, fl: &mut u32) -> u64 {
    if sig == 0 {
        return zero::<F>(neg);
    }
    // Normalise the leading one to bit 62; `exp` is then its unbiased exponent.
    let lz = sig.leading_zeros();
    let (mut sig, mut exp) = if lz == 0 {
        (shr_jam64(sig, 1), e + 63)
    } else {
        (sig << (lz - 1), e + 62 - (lz as i32 - 1))
    };
    let shift = 62 - F::M;
    let emin = 1 - F::BIAS;
    let mut tiny = false;
    if exp < emin {
        // Tiny after rounding: unless the full-precision rounding of a value
        // just below 2^emin carries up to 2^emin.
        tiny = exp < emin - 1
            || (sig >> shift) + (round_up(rm, neg, sig, shift) as u64) < (1 << (F::M + 1));
        sig = shr_jam64(sig, (emin - exp) as u32);
        exp = emin;
    }
    if sig & ((1 << shift) - 1) != 0 {
        *fl |= NX;
        if tiny {
            *fl |= UF;
        }
    }
    let mut m = (sig >> shift) + round_up(rm, neg, sig, shift) as u64;
    if m >> (F::M + 1) != 0 {
        m >>= 1;
        exp += 1;
    }
    let sign = if neg { F::SIGN } else { 0 };
    if exp > F::BIAS {
        *fl |= OF | NX;
        let to_inf = match rm {
            Rm::Rne | Rm::Rmm => true,
            Rm::Rtz => false,
            Rm::Rdn => neg,
            Rm::Rup => !neg,
        };
        return sign | if to_inf { F::INF } else { F::INF - 1 };
    }
    let field = if m >> F::M == 0 {
        0
    } else {
        (exp + F::BIAS) as u64
    };
    sign | (field << F::M) | (m & F::FRAC)
}

/// [`round_pack`] for a 128-bit significand: `(-1)^neg * sig * 2^e`.
pub(crate) fn round_pack128<F: Format>(neg: bool, e: i32, sig: u128, rm: Rm, fl: &mut u32) -> u64 {
    if sig >> 64 == 0 {
        return round_pack::<F>(neg, e, sig as u64, rm, fl);
    }
    let lz = sig.leading_zeros();
    let top = sig << lz;
    let narrow = (top >> 64) as u64 | (top as u64 != 0) as u64;
    round_pack::<F>(neg, e + 64 - lz as i32, narrow, rm, fl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpack_normal_and_subnormal() {
        assert_eq!(unpack::<D>(1.0f64.to_bits()), (0, 1 << 52));
        assert_eq!(unpack::<S>(1), (-149, 1 << 23));
        assert_eq!(unpack::<D>(1), (-1074, 1 << 52));
    }

    #[test]
    fn round_pack_tininess_after_rounding() {
        // Just below 2^-126 by a quarter ulp (at full precision): rounds up to
        // the smallest normal at full precision, so not tiny: NX only.
        let mut fl = 0;
        let sig = (1u64 << 26) - 1; // 0.11..1 (26 ones) * 2^-126
        let r = round_pack::<S>(false, -126 - 26, sig, Rm::Rne, &mut fl);
        assert_eq!(r, 0x0080_0000);
        assert_eq!(fl, NX);
        // 2^-126 - 2^-150: exact at full precision (so tiny), a tie at
        // subnormal precision that rounds up to 2^-126: UF and NX.
        let mut fl = 0;
        let sig = (1u64 << 25) - 2;
        let r = round_pack::<S>(false, -126 - 25, sig, Rm::Rne, &mut fl);
        assert_eq!(r, 0x0080_0000);
        assert_eq!(fl, NX | UF);
    }

    #[test]
    fn round_pack_overflow_modes() {
        let mut fl = 0;
        let big = round_pack::<D>(true, 2000, 1, Rm::Rtz, &mut fl);
        assert_eq!(big, f64::MIN.to_bits());
        assert_eq!(fl, OF | NX);
        let mut fl = 0;
        assert_eq!(
            round_pack::<D>(true, 2000, 1, Rm::Rdn, &mut fl),
            f64::NEG_INFINITY.to_bits()
        );
    }
}
