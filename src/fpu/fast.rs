//! Host-float fast paths for round-to-nearest-even, used when they are
//! provably exact; `None` sends the caller to the integer slow path.
//!
//! Host `f32`/`f64` arithmetic (and wasm's `f32.add`, `f64.mul`, ...) is
//! IEEE round-to-nearest-even with subnormals, so the *value* is right; what
//! must be derived is the flags. Each path accepts only finite operands and a
//! finite result that is certainly not tiny (`|r| > min normal`, hence the
//! exact value is above the smallest normal too), so the only possible flag
//! is NX, detected exactly:
//! - add/sub: TwoSum error term (exact whenever the sum does not overflow;
//!   tiny sums are always exact, so any finite sum is accepted);
//! - double mul/div/sqrt: odd parts of the significands (a product is exact
//!   iff the odd parts' product fits 53 bits; a quotient iff the divisor's
//!   odd part divides the dividend's; a root iff its odd part squares to the
//!   operand's);
//! - single mul/div/sqrt/fma: computed in f64 (products of singles are exact
//!   in f64; a double-precision quotient or root rounded again to single is
//!   correctly rounded since 53 >= 2*24 + 2), exactness checked in f64;
//!   single fma adds with TwoSum and declines the one double-rounding hazard
//!   (the f64 sum exactly on a single midpoint with a non-zero error).
//!
//! Rejected alternative: Dekker/Veltkamp TwoProduct for the double checks;
//! the integer odd-part tests need no range restrictions for splitting and
//! cost less.

use super::NX;

const D_MIN_NORMAL: u64 = 0x0010_0000_0000_0000;
const S_MIN_NORMAL: u32 = 0x0080_0000;

/// Significand of a finite double as an integer (implicit bit included).
#[inline(always)]
fn sig_d(x: u64) -> u64 {
    let frac = x & ((1 << 52) - 1);
    if (x >> 52) & 0x7ff == 0 {
        frac
    } else {
        frac | (1 << 52)
    }
}

/// Odd part of a non-zero integer.
#[inline(always)]
fn odd(x: u64) -> u64 {
    x >> x.trailing_zeros()
}

/// Bit length of a non-zero integer.
#[inline(always)]
fn bitlen(x: u64) -> u32 {
    64 - x.leading_zeros()
}

/// TwoSum in f64: whether `x + y` rounded to `s` is inexact.
#[inline(always)]
fn two_sum_err_d(x: f64, y: f64, s: f64) -> f64 {
    let bb = s - x;
    (x - (s - bb)) + (y - bb)
}

/// `a + b` on doubles.
#[inline(always)]
pub(crate) fn add_d(a: u64, b: u64, fl: &mut u32) -> Option<u64> {
    let (x, y) = (f64::from_bits(a), f64::from_bits(b));
    let s = x + y;
    // A finite sum implies finite operands.
    if !s.is_finite() {
        return None;
    }
    if two_sum_err_d(x, y, s) != 0.0 {
        *fl |= NX;
    }
    Some(s.to_bits())
}

/// `a * b` on doubles.
#[inline(always)]
pub(crate) fn mul_d(a: u64, b: u64, fl: &mut u32) -> Option<u64> {
    let (x, y) = (f64::from_bits(a), f64::from_bits(b));
    let p = x * y;
    // A finite product implies finite operands (inf * 0 is NaN).
    if !p.is_finite() {
        return None;
    }
    if x == 0.0 || y == 0.0 {
        return Some(p.to_bits());
    }
    if p.to_bits() << 1 <= D_MIN_NORMAL << 1 {
        return None;
    }
    let (oa, ob) = (odd(sig_d(a)), odd(sig_d(b)));
    let n = bitlen(oa) + bitlen(ob);
    let exact = n <= 53 || (n == 54 && oa * ob < 1 << 53);
    if !exact {
        *fl |= NX;
    }
    Some(p.to_bits())
}

/// `a / b` on doubles.
#[inline(always)]
pub(crate) fn div_d(a: u64, b: u64, fl: &mut u32) -> Option<u64> {
    let (x, y) = (f64::from_bits(a), f64::from_bits(b));
    if !x.is_finite() || !y.is_finite() || y == 0.0 {
        return None;
    }
    let q = x / y;
    if x == 0.0 {
        return Some(q.to_bits());
    }
    if !q.is_finite() || q.to_bits() << 1 <= D_MIN_NORMAL << 1 {
        return None;
    }
    // (`checked_rem`: the divisor is never zero, but a plain `%` would
    // keep a panic call in the interpreter's call-free loop.)
    if odd(sig_d(a)).checked_rem(odd(sig_d(b))) != Some(0) {
        *fl |= NX;
    }
    Some(q.to_bits())
}

/// `sqrt(a)` on doubles.
#[inline(always)]
pub(crate) fn sqrt_d(a: u64, fl: &mut u32) -> Option<u64> {
    let x = f64::from_bits(a);
    if x == 0.0 {
        return Some(a);
    }
    if x.is_sign_negative() || !x.is_finite() {
        return None;
    }
    let r = x.sqrt();
    let or = odd(sig_d(r.to_bits()));
    if bitlen(or) > 27 || or * or != odd(sig_d(a)) {
        *fl |= NX;
    }
    Some(r.to_bits())
}

/// Whether single `r` is finite and certainly not tiny.
#[inline(always)]
fn safe_s(r: f32) -> bool {
    r.is_finite() && r.to_bits() << 1 > S_MIN_NORMAL << 1
}

/// `a + b` on singles.
#[inline(always)]
pub(crate) fn add_s(a: u32, b: u32, fl: &mut u32) -> Option<u32> {
    let (x, y) = (f32::from_bits(a), f32::from_bits(b));
    let s = x + y;
    if !s.is_finite() {
        return None;
    }
    let bb = s - x;
    if (x - (s - bb)) + (y - bb) != 0.0 {
        *fl |= NX;
    }
    Some(s.to_bits())
}

/// `a * b` on singles.
#[inline(always)]
pub(crate) fn mul_s(a: u32, b: u32, fl: &mut u32) -> Option<u32> {
    let (x, y) = (f32::from_bits(a) as f64, f32::from_bits(b) as f64);
    let p = x * y; // exact: 48 bits, exponent within f64's range
    let r = p as f32;
    if !r.is_finite() {
        return None;
    }
    if x == 0.0 || y == 0.0 {
        return Some(r.to_bits());
    }
    if !safe_s(r) {
        return None;
    }
    if r as f64 != p {
        *fl |= NX;
    }
    Some(r.to_bits())
}

/// `a / b` on singles.
#[inline(always)]
pub(crate) fn div_s(a: u32, b: u32, fl: &mut u32) -> Option<u32> {
    let (x, y) = (f32::from_bits(a) as f64, f32::from_bits(b) as f64);
    if !x.is_finite() || !y.is_finite() || y == 0.0 {
        return None;
    }
    let r = (x / y) as f32;
    if x == 0.0 {
        return Some(r.to_bits());
    }
    if !safe_s(r) {
        return None;
    }
    if r as f64 * y != x {
        *fl |= NX;
    }
    Some(r.to_bits())
}

/// `sqrt(a)` on singles.
#[inline(always)]
pub(crate) fn sqrt_s(a: u32, fl: &mut u32) -> Option<u32> {
    let x = f32::from_bits(a) as f64;
    if x == 0.0 {
        return Some(a);
    }
    if x.is_sign_negative() || !x.is_finite() {
        return None;
    }
    let r = x.sqrt() as f32;
    let r64 = r as f64;
    if r64 * r64 != x {
        *fl |= NX;
    }
    Some(r.to_bits())
}

/// `a * b + c` on singles.
#[inline(always)]
pub(crate) fn fma_s(a: u32, b: u32, c: u32, fl: &mut u32) -> Option<u32> {
    let (x, y, z) = (
        f32::from_bits(a) as f64,
        f32::from_bits(b) as f64,
        f32::from_bits(c) as f64,
    );
    if !x.is_finite() || !y.is_finite() || !z.is_finite() {
        return None;
    }
    let p = x * y; // exact
    let s = p + z;
    let err = two_sum_err_d(p, z, s);
    if s == 0.0 {
        // TwoSum: a zero sum is exact, and its sign follows IEEE's rule.
        return Some((s as f32).to_bits());
    }
    let r = s as f32;
    if !safe_s(r) {
        return None;
    }
    if err != 0.0 {
        // The f64 sum sits exactly on a single-precision midpoint: the error
        // term decides the direction, which `as f32` cannot see.
        if s.to_bits() & 0x1fff_ffff == 0x1000_0000 {
            return None;
        }
        *fl |= NX;
    } else if r as f64 != s {
        *fl |= NX;
    }
    Some(r.to_bits())
}

/// Veltkamp split of `x` (|x| < 2^996) into 26- and 27-bit halves.
#[inline(always)]
fn split(x: f64) -> (f64, f64) {
    let c = 134_217_729.0 * x; // 2^27 + 1
    let hi = c - (c - x);
    (hi, x - hi)
}

/// Dekker's TwoProduct: `(p, e)` with `p = fl(x*y)` and `p + e == x*y`
/// exactly, given no overflow in the splits and no underflow in `e`.
#[inline(always)]
fn two_prod(x: f64, y: f64) -> (f64, f64) {
    let p = x * y;
    let (xh, xl) = split(x);
    let (yh, yl) = split(y);
    (p, ((xh * yh - p) + xh * yl + xl * yh) + xl * yl)
}

/// Whether `|x|` lies in `[2^-450, 2^450]`: the range in which every
/// intermediate of [`fma_d`] is exact and normal.
#[inline(always)]
fn fma_range(x: u64) -> bool {
    let e = (x >> 52) & 0x7ff;
    (1023 - 450..=1023 + 449).contains(&e)
}

/// `a * b + c` on doubles: Boldo and Melquiond's FMA emulation with
/// round-to-odd (IEEE TC 2008): `(uh, ul) = a*b` exactly, `(th, tl) = c + uh`
/// exactly, `v = odd(tl + ul)`, result `fl(th + v)`. With all operands in
/// [`fma_range`] every partial product and error term is a normal double, so
/// the transformations are exact. Exactness of the result: `r - c` split
/// exactly as `(dh, dl)` equals the exact product `(uh, ul)` iff `r` is the
/// exact value (both pairs are the unique round-to-nearest expansions).
#[inline(always)]
pub(crate) fn fma_d(a: u64, b: u64, c: u64, fl: &mut u32) -> Option<u64> {
    if !fma_range(a) || !fma_range(b) {
        return None;
    }
    let (x, y) = (f64::from_bits(a), f64::from_bits(b));
    if c << 1 == 0 {
        // a*b + ±0 with a non-zero product is just the product.
        return mul_d(a, b, fl);
    }
    if !fma_range(c) {
        return None;
    }
    let z = f64::from_bits(c);
    let (uh, ul) = two_prod(x, y);
    let th = z + uh;
    let tl = two_sum_err_d(z, uh, th);
    let v = tl + ul;
    let ve = two_sum_err_d(tl, ul, v);
    let v = if ve != 0.0 && v.to_bits() & 1 == 0 {
        // Round to odd: step to the odd neighbour on the side of the error.
        let step = if (ve > 0.0) == (v > 0.0) { 1 } else { u64::MAX };
        f64::from_bits(v.to_bits().wrapping_add(step))
    } else {
        v
    };
    let r = th + v;
    // Zero and tiny results (only possible through cancellation) and
    // overflow go to the slow path.
    if !r.is_finite() || r.to_bits() << 1 <= D_MIN_NORMAL << 1 {
        return None;
    }
    let dh = r - z;
    let dl = two_sum_err_d(r, -z, dh);
    if dh != uh || dl != ul {
        *fl |= NX;
    }
    Some(r.to_bits())
}

#[cfg(test)]
#[path = "fast_tests.rs"]
mod tests;
