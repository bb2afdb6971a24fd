//! 32-bit encodings.
use super::{IllegalInstruction, Insn};

pub(super) fn decode32(bits: u32) -> Result<Insn, IllegalInstruction> {
    Err(IllegalInstruction { bits })
}
