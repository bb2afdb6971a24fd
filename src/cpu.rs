//! The architectural state of one hart, laid out for compiled code.
//!
//! [`Cpu`] is `#[repr(C)]` and lives in a `Box` owned by the thread that runs
//! it, so its address is stable for the life of the thread: compiled wasm (the
//! translator tier) receives that address and loads/stores registers at the
//! fixed offsets in [`offsets`]. Nothing else about the hart (block cache,
//! statistics) is kept here, so the struct stays small and its layout never
//! has to change for the interpreter's sake.

/// Value of [`Cpu::reservation`] when no LR reservation is held.
pub const NO_RESERVATION: u64 = u64::MAX;

/// The register state of one RV64GC hart.
#[repr(C)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cpu {
    /// Integer registers x0..x31. `x[0]` is kept at zero by every writer.
    pub x: [u64; 32],
    /// FP registers f0..f31 as raw bits. Singles are NaN-boxed (upper 32 bits all ones).
    pub f: [u64; 32],
    /// Address of the next instruction to execute.
    pub pc: u64,
    /// `fcsr`: bits 0..5 are `fflags` (NX UF OF DZ NV), bits 5..8 are `frm`.
    pub fcsr: u64,
    /// Address reserved by the last LR (aligned to its size), or [`NO_RESERVATION`].
    pub reservation: u64,
    /// Instructions retired by this hart (the `instret` CSR).
    pub instret: u64,
}

/// Byte offsets of the [`Cpu`] fields, for code that addresses them directly.
pub mod offsets {
    /// Offset of `x[i]` is `X + 8 * i`.
    pub const X: u32 = 0;
    /// Offset of `f[i]` is `F + 8 * i`.
    pub const F: u32 = 256;
    /// Offset of `pc`.
    pub const PC: u32 = 512;
    /// Offset of `fcsr`.
    pub const FCSR: u32 = 520;
    /// Offset of `reservation`.
    pub const RESERVATION: u32 = 528;
    /// Offset of `instret`.
    pub const INSTRET: u32 = 536;
    /// Size of the struct.
    pub const SIZE: u32 = 544;
}

impl Cpu {
    /// A hart with all registers zero, about to execute at `pc`.
    pub fn new(pc: u64) -> Self {
        Cpu {
            x: [0; 32],
            f: [0; 32],
            pc,
            fcsr: 0,
            reservation: NO_RESERVATION,
            instret: 0,
        }
    }

    /// The accrued exception flags (`fflags`).
    pub fn fflags(&self) -> u32 {
        (self.fcsr & 0x1f) as u32
    }

    /// The dynamic rounding mode (`frm`).
    pub fn frm(&self) -> u32 {
        ((self.fcsr >> 5) & 7) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};

    #[test]
    fn layout_matches_offsets() {
        assert_eq!(offset_of!(Cpu, x) as u32, offsets::X);
        assert_eq!(offset_of!(Cpu, f) as u32, offsets::F);
        assert_eq!(offset_of!(Cpu, pc) as u32, offsets::PC);
        assert_eq!(offset_of!(Cpu, fcsr) as u32, offsets::FCSR);
        assert_eq!(offset_of!(Cpu, reservation) as u32, offsets::RESERVATION);
        assert_eq!(offset_of!(Cpu, instret) as u32, offsets::INSTRET);
        assert_eq!(size_of::<Cpu>() as u32, offsets::SIZE);
    }
}
