//! Compressed (RVC) encodings, expanded to their 32-bit equivalents.
use super::{IllegalInstruction, Insn};

pub(super) fn decode16(bits: u16) -> Result<Insn, IllegalInstruction> {
    Err(IllegalInstruction { bits: bits as u32 })
}
