//! The RV64GC decoder: one entry point, [`decode`], for 32-bit and compressed
//! encodings alike, producing the shared [`Insn`] type.
//!
//! Accepts exactly RV64IMAFDC + Zicsr + Zifencei as a Linux user program
//! sees them: privileged instructions (`wfi`, `mret`, ...), other extensions
//! (V, B, Zfh, Q, Zfa, ...), reserved rounding modes (5, 6), nonzero
//! must-be-zero fields and encodings longer than 32 bits are illegal;
//! HINT encodings decode as the instruction they extend. Files: `rv32.rs`
//! (32-bit formats), `rv32fp.rs` (OP-FP), `rvc.rs` (compressed, expanded),
//! `disasm.rs` (GNU syntax). The `objdump_check` tests compare everything
//! against GNU objdump and list where objdump departs from the specification.

pub mod disasm;
mod insn;
mod rv32;
mod rv32fp;
mod rvc;

#[cfg(test)]
mod objdump_check;
#[cfg(test)]
mod tests;

pub use insn::{Insn, Op};

/// An encoding that is illegal or reserved in RV64GC (as Linux user programs
/// see it). The caller knows the pc and reports it with this.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IllegalInstruction {
    /// The instruction bits (only the low 16 for a compressed encoding).
    pub bits: u32,
}

/// Length in bytes of the instruction whose first halfword is `low`: 2 for
/// compressed, 4 otherwise. (Encodings longer than 32 bits do not exist in
/// RV64GC; [`decode`] rejects them.)
#[inline]
pub fn insn_len(low: u16) -> u8 {
    if low & 3 == 3 {
        4
    } else {
        2
    }
}

/// Decodes one instruction. If `bits & 3 != 3` only the low 16 bits are
/// looked at and the result has `len == 2`.
#[inline]
pub fn decode(bits: u32) -> Result<Insn, IllegalInstruction> {
    if bits & 3 == 3 {
        rv32::decode32(bits)
    } else {
        rvc::decode16(bits as u16)
    }
}
