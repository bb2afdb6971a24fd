//! Disassembly of decoded instructions, in the GNU assembler's syntax.
use super::Insn;

/// Formats `insn` (located at `pc`) as assembly text.
pub fn disasm(insn: &Insn, _pc: u64) -> String {
    insn.op.mnemonic().to_string()
}
