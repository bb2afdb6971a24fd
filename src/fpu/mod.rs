//! Bit-exact RISC-V F and D arithmetic on raw bit patterns.
//!
//! Every operation takes operands as bits (`u32` for single, `u64` for
//! double), a resolved static rounding mode [`Rm`], and ORs the IEEE exception
//! flags it raises into `flags` (the `fflags` bit layout). Results follow the
//! RISC-V rules exactly: canonical NaNs, tininess after rounding, fcvt
//! saturation, fmin/fmax NaN handling. NaN-boxing is the caller's business:
//! single operands arrive already unboxed.

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
