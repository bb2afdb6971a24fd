//! Bit-exact RISC-V F and D arithmetic on raw bit patterns.
//!
//! Every operation takes operands as bits (`u32` for single, `u64` for
//! double), a resolved static rounding mode [`Rm`], and ORs the IEEE exception
//! flags it raises into `fl` (the `fflags` bit layout). Results follow the
//! RISC-V rules exactly: canonical NaNs, tininess after rounding, fcvt
//! saturation, fmin/fmax NaN handling. NaN-boxing is the caller's business:
//! single operands arrive already unboxed.
//!
//! Structure:
//! - `soft.rs`: the exact engine's core: format parameters,
//!   unpacking, and `round_pack`, the one rounding routine (all five modes,
//!   tininess after rounding, overflow per mode);
//! - `arith.rs`: add/mul/div/fma in u64/u128 integer arithmetic;
//! - `sqrt.rs`: square root via an exact integer root with a sticky bit;
//! - `convert.rs`: float <-> integer and single <-> double;
//! - `compare.rs`: fmin/fmax, feq/flt/fle, fclass (pure bit logic);
//! - `fast.rs`: host-float paths for round-to-nearest-even that are provably
//!   exact (flags derived with error-free transformations), tried first.
//!
//! `rustc_apfloat` was considered as the engine and rejected (its underflow
//! flag uses tininess at subnormal precision, it raises no OF when a directed
//! mode overflows to the largest finite value, it has no sqrt, and it is
//! 10-100x slower); it remains a dev-dependency as an independent
//! cross-check (tests/fpu_apfloat.rs). The reference is qemu: see
//! tests/fpu_oracle.rs.

/// Inexact.
pub const NX: u32 = 1;
/// Underflow.
pub const UF: u32 = 2;
/// Overflow.
pub const OF: u32 = 4;
/// Divide by zero.
pub const DZ: u32 = 8;
/// Invalid operation.
pub const NV: u32 = 16;

/// The canonical single NaN.
pub const CANONICAL_NAN_S: u32 = 0x7fc0_0000;
/// The canonical double NaN.
pub const CANONICAL_NAN_D: u64 = 0x7ff8_0000_0000_0000;

/// A static rounding mode (the `rm` field values 0..=4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rm {
    /// Round to nearest, ties to even.
    Rne = 0,
    /// Round towards zero.
    Rtz = 1,
    /// Round down (towards -inf).
    Rdn = 2,
    /// Round up (towards +inf).
    Rup = 3,
    /// Round to nearest, ties to max magnitude.
    Rmm = 4,
}

impl Rm {
    /// The mode for an `rm` field / `frm` value; `None` for the reserved 5, 6
    /// and for 7 (dynamic, which the caller resolves through `frm` first).
    pub fn from_bits(bits: u32) -> Option<Rm> {
        Some(match bits {
            0 => Rm::Rne,
            1 => Rm::Rtz,
            2 => Rm::Rdn,
            3 => Rm::Rup,
            4 => Rm::Rmm,
            _ => return None,
        })
    }
}

mod arith;
mod compare;
mod convert;
pub(crate) mod fast;
mod soft;
mod sqrt;

use soft::{D, S};

macro_rules! binop {
    ($(#[$doc:meta])* $name:ident, $t:ty, $slow:expr, $fast:expr) => {
        $(#[$doc])*
        #[inline]
        pub fn $name(a: $t, b: $t, rm: Rm, fl: &mut u32) -> $t {
            if rm == Rm::Rne {
                if let Some(r) = $fast(a, b, fl) {
                    return r;
                }
            }
            $slow(a as u64, b as u64, rm, fl) as $t
        }
    };
}

binop!(
    /// `fadd.s`.
    add_s, u32, arith::add::<S>, fast::add_s
);
binop!(
    /// `fsub.s`.
    sub_s, u32, sub::<S>, |a: u32, b: u32, fl: &mut u32| fast::add_s(a, b ^ 0x8000_0000, fl)
);
binop!(
    /// `fmul.s`.
    mul_s, u32, arith::mul::<S>, fast::mul_s
);
binop!(
    /// `fdiv.s`.
    div_s, u32, arith::div::<S>, fast::div_s
);
binop!(
    /// `fadd.d`.
    add_d, u64, arith::add::<D>, fast::add_d
);
binop!(
    /// `fsub.d`.
    sub_d, u64, sub::<D>, |a: u64, b: u64, fl: &mut u32| fast::add_d(a, b ^ (1 << 63), fl)
);
binop!(
    /// `fmul.d`.
    mul_d, u64, arith::mul::<D>, fast::mul_d
);
binop!(
    /// `fdiv.d`.
    div_d, u64, arith::div::<D>, fast::div_d
);

/// `a - b` on the slow path: NaN checks see `b` unchanged, so flipping its
/// sign bit is harmless (NaN results are canonical).
fn sub<F: soft::Format>(a: u64, b: u64, rm: Rm, fl: &mut u32) -> u64 {
    arith::add::<F>(a, b ^ F::SIGN, rm, fl)
}

/// `fsqrt.s`.
#[inline]
pub fn sqrt_s(a: u32, rm: Rm, fl: &mut u32) -> u32 {
    if rm == Rm::Rne {
        if let Some(r) = fast::sqrt_s(a, fl) {
            return r;
        }
    }
    sqrt::sqrt::<S>(a as u64, rm, fl) as u32
}

/// `fsqrt.d`.
#[inline]
pub fn sqrt_d(a: u64, rm: Rm, fl: &mut u32) -> u64 {
    if rm == Rm::Rne {
        if let Some(r) = fast::sqrt_d(a, fl) {
            return r;
        }
    }
    sqrt::sqrt::<D>(a, rm, fl)
}

/// `fmadd.s`: `a * b + c` with one rounding (fmsub, fnmsub, fnmadd: the
/// caller flips the sign bits of `a` and/or `c`).
#[inline]
pub fn fma_s(a: u32, b: u32, c: u32, rm: Rm, fl: &mut u32) -> u32 {
    if rm == Rm::Rne {
        if let Some(r) = fast::fma_s(a, b, c, fl) {
            return r;
        }
    }
    arith::fma::<S>(a as u64, b as u64, c as u64, rm, fl) as u32
}

/// `fmadd.d`: `a * b + c` with one rounding (see [`fma_s`]).
#[inline]
pub fn fma_d(a: u64, b: u64, c: u64, rm: Rm, fl: &mut u32) -> u64 {
    if rm == Rm::Rne {
        if let Some(r) = fast::fma_d(a, b, c, fl) {
            return r;
        }
    }
    arith::fma::<D>(a, b, c, rm, fl)
}

/// `fmin.s`.
#[inline]
pub fn min_s(a: u32, b: u32, fl: &mut u32) -> u32 {
    compare::min_max::<S>(a as u64, b as u64, false, fl) as u32
}

/// `fmax.s`.
#[inline]
pub fn max_s(a: u32, b: u32, fl: &mut u32) -> u32 {
    compare::min_max::<S>(a as u64, b as u64, true, fl) as u32
}

/// `fmin.d`.
#[inline]
pub fn min_d(a: u64, b: u64, fl: &mut u32) -> u64 {
    compare::min_max::<D>(a, b, false, fl)
}

/// `fmax.d`.
#[inline]
pub fn max_d(a: u64, b: u64, fl: &mut u32) -> u64 {
    compare::min_max::<D>(a, b, true, fl)
}

/// `feq.s` (quiet).
#[inline]
pub fn eq_s(a: u32, b: u32, fl: &mut u32) -> bool {
    compare::eq::<S>(a as u64, b as u64, fl)
}

/// `flt.s` (signalling).
#[inline]
pub fn lt_s(a: u32, b: u32, fl: &mut u32) -> bool {
    compare::less::<S>(a as u64, b as u64, false, fl)
}

/// `fle.s` (signalling).
#[inline]
pub fn le_s(a: u32, b: u32, fl: &mut u32) -> bool {
    compare::less::<S>(a as u64, b as u64, true, fl)
}

/// `feq.d` (quiet).
#[inline]
pub fn eq_d(a: u64, b: u64, fl: &mut u32) -> bool {
    compare::eq::<D>(a, b, fl)
}

/// `flt.d` (signalling).
#[inline]
pub fn lt_d(a: u64, b: u64, fl: &mut u32) -> bool {
    compare::less::<D>(a, b, false, fl)
}

/// `fle.d` (signalling).
#[inline]
pub fn le_d(a: u64, b: u64, fl: &mut u32) -> bool {
    compare::less::<D>(a, b, true, fl)
}

/// `fclass.s`.
#[inline]
pub fn class_s(a: u32) -> u64 {
    compare::class::<S>(a as u64)
}

/// `fclass.d`.
#[inline]
pub fn class_d(a: u64) -> u64 {
    compare::class::<D>(a)
}

/// `fcvt.w.s`.
#[inline]
pub fn to_i32_s(a: u32, rm: Rm, fl: &mut u32) -> i32 {
    convert::to_int::<S>(a as u64, rm, true, 32, fl) as u32 as i32
}

/// `fcvt.wu.s` (the caller sign-extends the 32-bit result, per the spec).
#[inline]
pub fn to_u32_s(a: u32, rm: Rm, fl: &mut u32) -> u32 {
    convert::to_int::<S>(a as u64, rm, false, 32, fl) as u32
}

/// `fcvt.l.s`.
#[inline]
pub fn to_i64_s(a: u32, rm: Rm, fl: &mut u32) -> i64 {
    convert::to_int::<S>(a as u64, rm, true, 64, fl) as i64
}

/// `fcvt.lu.s`.
#[inline]
pub fn to_u64_s(a: u32, rm: Rm, fl: &mut u32) -> u64 {
    convert::to_int::<S>(a as u64, rm, false, 64, fl)
}

/// `fcvt.w.d`.
#[inline]
pub fn to_i32_d(a: u64, rm: Rm, fl: &mut u32) -> i32 {
    convert::to_int::<D>(a, rm, true, 32, fl) as u32 as i32
}

/// `fcvt.wu.d` (the caller sign-extends the 32-bit result, per the spec).
#[inline]
pub fn to_u32_d(a: u64, rm: Rm, fl: &mut u32) -> u32 {
    convert::to_int::<D>(a, rm, false, 32, fl) as u32
}

/// `fcvt.l.d`.
#[inline]
pub fn to_i64_d(a: u64, rm: Rm, fl: &mut u32) -> i64 {
    convert::to_int::<D>(a, rm, true, 64, fl) as i64
}

/// `fcvt.lu.d`.
#[inline]
pub fn to_u64_d(a: u64, rm: Rm, fl: &mut u32) -> u64 {
    convert::to_int::<D>(a, rm, false, 64, fl)
}

/// `fcvt.s.w`.
#[inline]
pub fn from_i32_s(v: i32, rm: Rm, fl: &mut u32) -> u32 {
    convert::from_int::<S>(v < 0, v.unsigned_abs() as u64, rm, fl) as u32
}

/// `fcvt.s.wu`.
#[inline]
pub fn from_u32_s(v: u32, rm: Rm, fl: &mut u32) -> u32 {
    convert::from_int::<S>(false, v as u64, rm, fl) as u32
}

/// `fcvt.s.l`.
#[inline]
pub fn from_i64_s(v: i64, rm: Rm, fl: &mut u32) -> u32 {
    convert::from_int::<S>(v < 0, v.unsigned_abs(), rm, fl) as u32
}

/// `fcvt.s.lu`.
#[inline]
pub fn from_u64_s(v: u64, rm: Rm, fl: &mut u32) -> u32 {
    convert::from_int::<S>(false, v, rm, fl) as u32
}

/// `fcvt.d.w` (always exact).
#[inline]
pub fn from_i32_d(v: i32, _rm: Rm, _fl: &mut u32) -> u64 {
    (v as f64).to_bits()
}

/// `fcvt.d.wu` (always exact).
#[inline]
pub fn from_u32_d(v: u32, _rm: Rm, _fl: &mut u32) -> u64 {
    (v as f64).to_bits()
}

/// `fcvt.d.l`.
#[inline]
pub fn from_i64_d(v: i64, rm: Rm, fl: &mut u32) -> u64 {
    if v.unsigned_abs() <= 1 << 53 {
        return (v as f64).to_bits();
    }
    convert::from_int::<D>(v < 0, v.unsigned_abs(), rm, fl)
}

/// `fcvt.d.lu`.
#[inline]
pub fn from_u64_d(v: u64, rm: Rm, fl: &mut u32) -> u64 {
    if v <= 1 << 53 {
        return (v as f64).to_bits();
    }
    convert::from_int::<D>(false, v, rm, fl)
}

/// `fcvt.d.s` (exact; a signalling NaN raises NV; NaNs become canonical).
#[inline]
pub fn s_to_d(a: u32, fl: &mut u32) -> u64 {
    let x = f32::from_bits(a);
    if x.is_finite() {
        return (x as f64).to_bits();
    }
    convert::convert::<S, D>(a as u64, Rm::Rne, fl)
}

/// `fcvt.s.d`.
#[inline]
pub fn d_to_s(a: u64, rm: Rm, fl: &mut u32) -> u32 {
    convert::convert::<D, S>(a, rm, fl) as u32
}
