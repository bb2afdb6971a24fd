//! The generated program model: one [`Sequence`] = initial register/memory state + a list of
//! [`Item`]s (one instruction, or a few that only make sense together such as `addi`+`amo*`),
//! and the fixed per-sequence data layout the generated code relies on.
//!
//! Register convention (documented in docs/testing.md):
//! - `x8` (`s0`) is the **base register**: it points at the sequence's data block for the whole
//!   sequence. It is never written by random code, which is what lets loads/stores (including
//!   the compressed `c.ld`/`c.sd`/`c.fld`/... forms, which need a base in x8..x15) target the
//!   scratch buffer. The dump uses it too, so no second reserved register is needed.
//! - `x2`/`x3`/`x4` (`sp`/`gp`/`tp`) are neither read nor written (`sp` differs between qemu
//!   and NanoVM, so reading it would be a false divergence).
//! - Every other integer register, all 32 FP registers and `fcsr` are randomised.

/// Bytes of scratch memory per sequence (at offset 0 of the data block, addressed off `x8`).
pub const SCRATCH: usize = 128;
/// Offset of the integer register dump (`x0` slot holds the sequence index; x2..x4 stay 0).
pub const DUMP_X: usize = SCRATCH;
/// Offset of the FP register dump.
pub const DUMP_F: usize = DUMP_X + 32 * 8;
/// Offset of the `fcsr` dump.
pub const DUMP_FCSR: usize = DUMP_F + 32 * 8;
/// Length of one dump record written to stdout: scratch + x + f + fcsr.
pub const RECORD: usize = DUMP_FCSR + 8;
/// Offset of the initial integer register values.
pub const INIT_X: usize = RECORD;
/// Offset of the initial FP register values.
pub const INIT_F: usize = INIT_X + 32 * 8;
/// Offset of the initial `fcsr` value.
pub const INIT_FCSR: usize = INIT_F + 32 * 8;
/// Size of one sequence's data block (all offsets fit a 12-bit immediate).
pub const DATA: usize = INIT_FCSR + 8;

/// The integer base register (see the module doc).
pub const BASE: u8 = 8;

/// One unit of random code. Units are kept or dropped as a whole by the minimiser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// Position in the originally generated sequence (stable across minimisation).
    pub id: usize,
    /// Assembly lines separated by `\n`; `%T` stands for this item's branch target label.
    pub asm: String,
    /// For branches/jumps: the `id` of the item to land on (`items.len()` of the original
    /// sequence = the end). When that item has been dropped the next surviving one is used.
    pub target: Option<usize>,
}

/// One generated test sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sequence {
    /// The run seed.
    pub seed: u64,
    /// The sequence index within the run; `(seed, index, len)` determines everything else.
    pub index: u64,
    /// Whether the assembler may emit compressed instructions in the body (and explicit `c.`
    /// forms were generated).
    pub rvc: bool,
    /// Initial integer registers (entries 0, 2, 3, 4 and [`BASE`] are unused).
    pub init_x: [u64; 32],
    /// Initial FP registers (raw bits; singles boxed or deliberately not).
    pub init_f: [u64; 32],
    /// Initial `fcsr` (frm 0..=4, random fflags).
    pub init_fcsr: u64,
    /// Initial scratch memory as little-endian doublewords.
    pub scratch: [u64; SCRATCH / 8],
    /// The random code.
    pub items: Vec<Item>,
}

/// ABI names of the integer registers.
pub const X_NAMES: [&str; 32] = [
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4",
    "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
    "t5", "t6",
];

/// ABI names of the FP registers.
pub const F_NAMES: [&str; 32] = [
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1", "fa2",
    "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9",
    "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
];

/// True for integer registers the random code may not touch at all.
pub fn x_untouchable(r: u8) -> bool {
    (2..=4).contains(&r)
}

impl Sequence {
    /// The same sequence keeping only the items whose `id` satisfies `keep`.
    pub fn retain(&self, mut keep: impl FnMut(usize) -> bool) -> Sequence {
        let mut s = self.clone();
        s.items.retain(|it| keep(it.id));
        s
    }

    /// The body as assembly text: items in order with branch labels resolved.
    pub fn body_asm(&self) -> String {
        let mut out = String::new();
        // (label, target id) of branches whose label is not placed yet.
        let mut pending: Vec<(String, usize)> = Vec::new();
        for it in &self.items {
            pending.retain(|(label, t)| {
                if *t <= it.id {
                    out.push_str(label);
                    out.push_str(":\n");
                    false
                } else {
                    true
                }
            });
            let label = format!(".Lfz_{}_{}", self.index, it.id);
            for line in it.asm.lines() {
                out.push('\t');
                out.push_str(&line.replace("%T", &label));
                out.push('\n');
            }
            if let Some(t) = it.target {
                pending.push((label, t));
            }
        }
        for (label, _) in pending {
            out.push_str(&label);
            out.push_str(":\n");
        }
        out
    }

    /// Which integer registers (other than x0, sp/gp/tp and the base) and which FP registers
    /// the body mentions.
    pub fn used_registers(&self) -> ([bool; 32], [bool; 32]) {
        let mut xs = [false; 32];
        let mut fs = [false; 32];
        for it in &self.items {
            for tok in it.asm.split(|c: char| !c.is_ascii_alphanumeric()) {
                let (table, num) = match tok.split_at_checked(1) {
                    Some(("x", n)) => (&mut xs, n),
                    Some(("f", n)) => (&mut fs, n),
                    _ => continue,
                };
                if let Ok(i) = num.parse::<usize>() {
                    if i < 32 {
                        table[i] = true;
                    }
                }
            }
        }
        for (i, used) in xs.iter_mut().enumerate() {
            *used &= i != 0 && !x_untouchable(i as u8) && i != BASE as usize;
        }
        (xs, fs)
    }

    /// Assembly comments giving the initial value of every register the body mentions (and
    /// `fcsr`), so a printed minimal sequence can be read on its own.
    pub fn init_comment(&self) -> String {
        let (xs, fs) = self.used_registers();
        let mut out = format!("# initial fcsr = {:#x}\n", self.init_fcsr);
        for i in (1..32).filter(|&i| xs[i]) {
            out += &format!(
                "# initial x{i} ({}) = {:#018x}\n",
                X_NAMES[i], self.init_x[i]
            );
        }
        for i in (0..32).filter(|&i| fs[i]) {
            out += &format!(
                "# initial f{i} ({}) = {:#018x}\n",
                F_NAMES[i], self.init_f[i]
            );
        }
        out
    }

    /// Number of machine instructions in the body (multi-instruction items count fully;
    /// `lla` counts as two).
    pub fn insn_count(&self) -> usize {
        self.items
            .iter()
            .flat_map(|it| it.asm.lines())
            .map(|l| {
                if l.trim_start().starts_with("lla") {
                    2
                } else {
                    1
                }
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: usize, asm: &str, target: Option<usize>) -> Item {
        Item {
            id,
            asm: asm.into(),
            target,
        }
    }

    #[test]
    fn layout_fits_immediates() {
        const { assert!(DATA <= 2047 && DATA % 8 == 0) };
        assert_eq!(RECORD, 648);
    }

    #[test]
    fn labels_move_to_next_survivor() {
        let s = Sequence {
            seed: 0,
            index: 5,
            rvc: true,
            init_x: [0; 32],
            init_f: [0; 32],
            init_fcsr: 0,
            scratch: [0; SCRATCH / 8],
            items: vec![
                item(0, "beq x1, x5, %T", Some(2)),
                item(1, "add x1, x1, x1", None),
                item(2, "sub x1, x1, x1", None),
                item(3, "jal x0, %T", Some(4)),
            ],
        };
        let full = s.body_asm();
        assert!(full.contains("\tbeq x1, x5, .Lfz_5_0\n\tadd x1, x1, x1\n.Lfz_5_0:\n\tsub"));
        assert!(full.ends_with("\tjal x0, .Lfz_5_3\n.Lfz_5_3:\n"));
        let cut = s.retain(|id| id != 2);
        assert!(cut.body_asm().contains("add x1, x1, x1\n.Lfz_5_0:\n\tjal"));
        assert_eq!(s.insn_count(), 4);
        let c = s.init_comment();
        assert!(c.contains("# initial x5 (t0) = 0x0000000000000000\n"));
        assert!(!c.contains("x8"));
    }
}
