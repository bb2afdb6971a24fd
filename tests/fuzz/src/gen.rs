//! Random sequence generation: initial state, then `len` random items drawn from weighted
//! classes (integer, compressed, memory, atomics, FP, CSR, control flow).
//!
//! Every sequence draws from its own RNG stream derived from `(seed, index)`, so one sequence
//! can be regenerated alone (the minimiser and bug reports rely on that). Control flow only
//! goes forward inside the sequence, so every sequence terminates. Alternative rejected:
//! generating raw machine words (maximal coverage of encodings) — most would be illegal and
//! the output could not be read or minimised as assembly.

use crate::gen_fp;
use crate::rng::Rng;
use crate::seq::{Item, Sequence, BASE, SCRATCH};
use crate::values;

/// Builds items for one sequence.
pub(crate) struct Ctx<'a> {
    pub r: &'a mut Rng,
    pub rvc: bool,
    /// id of the item being generated.
    pub id: usize,
    /// Total number of items (the id of "the end").
    pub len: usize,
    /// A few writable x registers (and f registers) preferred half of the time, so results
    /// feed later instructions instead of being overwritten unread.
    pub hot_x: [u8; 4],
    /// Preferred FP registers.
    pub hot_f: [u8; 4],
}

/// Integer registers random code may write, x0 included (writes are discarded).
const X_WRITABLE: [u8; 27] = [
    0, 1, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
    29, 30,
];
/// x31 is writable too (kept out of the table above so x0 stays rarer; see `xw`).
const X_LAST: u8 = 31;

impl Ctx<'_> {
    /// A readable integer register (anything but sp/gp/tp).
    pub fn xr(&mut self) -> u8 {
        match self.r.below(30) {
            0 => 0,
            1 => BASE,
            _ => self.xw_nz(),
        }
    }

    /// A writable integer register, occasionally x0.
    pub fn xw(&mut self) -> u8 {
        if self.r.chance(1, 25) {
            0
        } else {
            self.xw_nz()
        }
    }

    /// A writable non-zero integer register.
    pub fn xw_nz(&mut self) -> u8 {
        if self.r.chance(1, 2) {
            return self.r.pick(&self.hot_x);
        }
        self.xw_nz_uniform()
    }

    fn xw_nz_uniform(&mut self) -> u8 {
        let i = self.r.below(X_WRITABLE.len() as u64) as usize;
        if i == 0 {
            X_LAST
        } else {
            X_WRITABLE[i]
        }
    }

    /// A compressed-form register (x8..x15) that may be read.
    pub fn xcr(&mut self) -> u8 {
        self.r.range(8, 15) as u8
    }

    /// A compressed-form register that may be written (x9..x15).
    pub fn xcw(&mut self) -> u8 {
        self.r.range(9, 15) as u8
    }

    /// Any FP register.
    pub fn f(&mut self) -> u8 {
        if self.r.chance(1, 2) {
            self.r.pick(&self.hot_f)
        } else {
            self.r.below(32) as u8
        }
    }

    /// A rounding-mode operand: a static mode or `dyn`.
    pub fn rm(&mut self) -> &'static str {
        self.r
            .pick(&["rne", "rtz", "rdn", "rup", "rmm", "dyn", "dyn"])
    }

    /// A 12-bit signed immediate biased to edges.
    pub fn imm12(&mut self) -> i64 {
        if self.r.chance(1, 3) {
            self.r
                .pick(&[0, 1, -1, 2047, -2048, 31, 32, 63, 64, -32, 0x7ff, 255])
        } else {
            self.r.range(-2048, 2047)
        }
    }

    /// A forward target id: the end or an item 1..=`max` ahead.
    pub fn target(&mut self, max: usize) -> usize {
        let ahead = self.r.range(1, max as i64) as usize;
        (self.id + ahead).min(self.len)
    }

    fn item(&self, asm: String, target: Option<usize>) -> Item {
        Item {
            id: self.id,
            asm,
            target,
        }
    }
}

/// Generates sequence `index` of run `seed` with `len` items.
pub fn sequence(seed: u64, index: u64, len: usize) -> Sequence {
    let mut r = Rng::for_sequence(seed, index);
    let mut init_x = [0u64; 32];
    for (i, v) in init_x.iter_mut().enumerate() {
        let val = values::int_value(&mut r);
        if i != 0 && i != BASE as usize && !(2..=4).contains(&i) {
            *v = val;
        }
    }
    let mut init_f = [0u64; 32];
    for v in init_f.iter_mut() {
        *v = values::freg_value(&mut r);
    }
    let init_fcsr = (r.below(5) << 5) | r.below(32);
    let mut scratch = [0u64; SCRATCH / 8];
    for v in scratch.iter_mut() {
        *v = match r.below(3) {
            0 => values::int_value(&mut r),
            1 => values::freg_value(&mut r),
            _ => r.next_u64(),
        };
    }
    let rvc = r.chance(3, 4);
    let mut items = Vec::with_capacity(len);
    let mut ctx = Ctx {
        r: &mut r,
        rvc,
        id: 0,
        len,
        hot_x: [0; 4],
        hot_f: [0; 4],
    };
    for i in 0..4 {
        ctx.hot_x[i] = ctx.xw_nz_uniform();
        ctx.hot_f[i] = ctx.r.below(32) as u8;
    }
    for id in 0..len {
        ctx.id = id;
        let (asm, target) = one_item(&mut ctx);
        items.push(ctx.item(asm, target));
    }
    Sequence {
        seed,
        index,
        rvc,
        init_x,
        init_f,
        init_fcsr,
        scratch,
        items,
    }
}

/// Item classes and their weights.
const CLASS_WEIGHTS: [u32; 8] = [
    30, // integer ALU
    12, // compressed (skipped when !rvc)
    12, // loads/stores
    5,  // atomics
    28, // FP
    5,  // CSR
    8,  // control flow
    3,  // compressed memory (skipped when !rvc)
];

fn one_item(c: &mut Ctx) -> (String, Option<usize>) {
    loop {
        let class = c.r.weighted(&CLASS_WEIGHTS);
        let out = match class {
            0 => (int_op(c), None),
            1 if c.rvc => (compressed_op(c), None),
            2 => (mem_op(c), None),
            3 => (atomic_op(c), None),
            4 => (gen_fp::fp_op(c), None),
            5 => (gen_fp::csr_op(c), None),
            6 => control_op(c),
            7 if c.rvc => (compressed_mem_op(c), None),
            _ => continue,
        };
        return out;
    }
}

const R_OPS: [&str; 28] = [
    "add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and", "addw", "subw", "sllw",
    "srlw", "sraw", "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu", "mulw", "divw",
    "divuw", "remw", "remuw",
];
const I_OPS: [&str; 7] = ["addi", "slti", "sltiu", "xori", "ori", "andi", "addiw"];

fn int_op(c: &mut Ctx) -> String {
    let rd = c.xw();
    match c.r.below(41) {
        40 => {
            c.r.pick(&[
                "fence",
                "fence rw, rw",
                "fence.tso",
                "fence r, w",
                "fence iorw, o",
            ])
            .into()
        }
        0..=19 => {
            let op = c.r.pick(&R_OPS);
            let (a, b) = (c.xr(), c.xr());
            format!("{op} x{rd}, x{a}, x{b}")
        }
        20..=27 => {
            let op = c.r.pick(&I_OPS);
            let a = c.xr();
            format!("{op} x{rd}, x{a}, {}", c.imm12())
        }
        28..=33 => {
            let a = c.xr();
            if c.r.chance(1, 2) {
                let op = c.r.pick(&["slli", "srli", "srai"]);
                let any = c.r.below(64);
                format!("{op} x{rd}, x{a}, {}", c.r.pick(&[0, 1, 31, 32, 63, any]))
            } else {
                let op = c.r.pick(&["slliw", "srliw", "sraiw"]);
                let any = c.r.below(32);
                format!("{op} x{rd}, x{a}, {}", c.r.pick(&[0, 1, 31, any]))
            }
        }
        34..=36 => {
            let any = c.r.below(1 << 20);
            let imm = c.r.pick(&[0, 1, 0x7ffff, 0x80000, 0xfffff, any]);
            format!("lui x{rd}, {imm:#x}")
        }
        _ => format!("auipc x{rd}, {:#x}", c.r.below(1 << 20)),
    }
}

fn nz_imm6(c: &mut Ctx) -> i64 {
    let v = c.r.range(-32, 30);
    if v >= 0 {
        v + 1
    } else {
        v
    }
}

fn compressed_op(c: &mut Ctx) -> String {
    match c.r.below(14) {
        0 => format!("c.li x{}, {}", c.xw_nz(), c.r.range(-32, 31)),
        1 => format!("c.addi x{}, {}", c.xw_nz(), nz_imm6(c)),
        2 => format!("c.addiw x{}, {}", c.xw_nz(), c.r.range(-32, 31)),
        3 => {
            let imm = if c.r.chance(1, 2) {
                c.r.range(1, 31)
            } else {
                c.r.range(0xfffe0, 0xfffff)
            };
            format!("c.lui x{}, {imm:#x}", c.xw_nz())
        }
        4 => format!("c.slli x{}, {}", c.xw_nz(), c.r.range(1, 63)),
        5 => format!("c.srli x{}, {}", c.xcw(), c.r.range(1, 63)),
        6 => format!("c.srai x{}, {}", c.xcw(), c.r.range(1, 63)),
        7 => format!("c.andi x{}, {}", c.xcw(), c.r.range(-32, 31)),
        8 => {
            let rs = loop {
                let r = c.xr();
                if r != 0 {
                    break r;
                }
            };
            format!("c.mv x{}, x{rs}", c.xw_nz())
        }
        9 => {
            let rs = loop {
                let r = c.xr();
                if r != 0 {
                    break r;
                }
            };
            format!("c.add x{}, x{rs}", c.xw_nz())
        }
        10 | 11 => {
            let op =
                c.r.pick(&["c.and", "c.or", "c.xor", "c.sub", "c.addw", "c.subw"]);
            format!("{op} x{}, x{}", c.xcw(), c.xcr())
        }
        12 => "c.nop".to_string(),
        _ => format!("c.addi x{}, {}", c.xcw(), nz_imm6(c)),
    }
}

/// A scratch offset for a `width`-byte access, aligned or not.
fn offset(c: &mut Ctx, width: usize) -> i64 {
    let max = (SCRATCH - width) as i64;
    if c.r.chance(1, 2) {
        c.r.range(0, max / width as i64) * width as i64
    } else {
        c.r.range(0, max)
    }
}

const LOADS: [(&str, usize, bool); 9] = [
    ("lb", 1, false),
    ("lh", 2, false),
    ("lw", 4, false),
    ("ld", 8, false),
    ("lbu", 1, false),
    ("lhu", 2, false),
    ("lwu", 4, false),
    ("flw", 4, true),
    ("fld", 8, true),
];
const STORES: [(&str, usize, bool); 6] = [
    ("sb", 1, false),
    ("sh", 2, false),
    ("sw", 4, false),
    ("sd", 8, false),
    ("fsw", 4, true),
    ("fsd", 8, true),
];

fn mem_op(c: &mut Ctx) -> String {
    let load = c.r.chance(1, 2);
    let (op, width, fp) = if load {
        c.r.pick(&LOADS)
    } else {
        c.r.pick(&STORES)
    };
    let reg = match (load, fp) {
        (_, true) => format!("f{}", c.f()),
        (true, false) => format!("x{}", c.xw()),
        (false, false) => format!("x{}", c.xr()),
    };
    let off = offset(c, width);
    if c.r.chance(2, 3) {
        format!("{op} {reg}, {off}(x{BASE})")
    } else {
        // through another base register with a displacement of either sign
        let t = c.xw_nz();
        let imm = c.r.range(-1000, 1000);
        format!("addi x{t}, x{BASE}, {}\n{op} {reg}, {imm}(x{t})", off - imm)
    }
}

fn compressed_mem_op(c: &mut Ctx) -> String {
    let (op, width) = c.r.pick(&[
        ("c.lw", 4),
        ("c.ld", 8),
        ("c.sw", 4),
        ("c.sd", 8),
        ("c.fld", 8),
        ("c.fsd", 8),
    ]);
    let reg = match op {
        "c.lw" | "c.ld" => format!("x{}", c.xcw()),
        "c.sw" | "c.sd" => format!("x{}", c.xcr()),
        _ => format!("f{}", c.r.range(8, 15)),
    };
    let off = c.r.range(0, (SCRATCH - width) as i64 / width as i64) * width as i64;
    if c.r.chance(3, 4) {
        format!("{op} {reg}, {off}(x{BASE})")
    } else {
        let t = c.xcw();
        let shift = c.r.range(0, off / width as i64) * width as i64;
        format!(
            "addi x{t}, x{BASE}, {shift}\n{op} {reg}, {}(x{t})",
            off - shift
        )
    }
}

const AMOS: [&str; 9] = [
    "amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin", "amomax", "amominu", "amomaxu",
];

fn atomic_op(c: &mut Ctx) -> String {
    let width = if c.r.chance(1, 2) { 4 } else { 8 };
    let sfx = if width == 4 { "w" } else { "d" };
    let ord = c.r.pick(&["", ".aq", ".rl", ".aqrl"]);
    let off = c.r.range(0, (SCRATCH / width) as i64 - 1) * width as i64;
    let t = c.xw_nz();
    let mut s = format!("addi x{t}, x{BASE}, {off}\n");
    match c.r.below(10) {
        0..=5 => {
            let op = c.r.pick(&AMOS);
            s += &format!("{op}.{sfx}{ord} x{}, x{}, (x{t})", c.xw(), c.xr());
        }
        6..=8 => {
            // LR/SC pair (succeeds); sometimes a second SC, which must fail.
            let rd1 = loop {
                let r = c.xw();
                if r != t {
                    break r;
                }
            };
            s += &format!("lr.{sfx}{ord} x{rd1}, (x{t})\n");
            let twice = c.r.chance(1, 3);
            let rd2 = loop {
                let r = c.xw();
                if !twice || r != t {
                    break r;
                }
            };
            s += &format!(
                "sc.{sfx}{} x{rd2}, x{}, (x{t})",
                c.r.pick(&["", ".rl", ".aqrl"]),
                c.xr()
            );
            if twice {
                s += &format!("\nsc.{sfx} x{}, x{}, (x{t})", c.xw(), c.xr());
            }
        }
        _ => {
            // SC without a reservation: fails, memory untouched.
            s += &format!("sc.{sfx}{ord} x{}, x{}, (x{t})", c.xw(), c.xr());
        }
    }
    s
}

fn control_op(c: &mut Ctx) -> (String, Option<usize>) {
    let kinds = if c.rvc { 7 } else { 4 };
    match c.r.below(kinds) {
        0 | 1 => {
            let op = c.r.pick(&["beq", "bne", "blt", "bge", "bltu", "bgeu"]);
            let (a, b) = if c.r.chance(1, 8) {
                let a = c.xr();
                (a, a)
            } else {
                (c.xr(), c.xr())
            };
            (format!("{op} x{a}, x{b}, %T"), Some(c.target(8)))
        }
        2 => (format!("jal x{}, %T", c.xw()), Some(c.target(6))),
        3 => {
            let t = c.xw_nz();
            let rd = c.xw();
            let asm = match c.r.below(3) {
                0 => format!("lla x{t}, %T\njalr x{rd}, 0(x{t})"),
                1 => format!("lla x{t}, %T-8\njalr x{rd}, 8(x{t})"),
                // odd sum: jalr clears bit 0 of the target
                _ => format!("lla x{t}, %T\njalr x{rd}, 1(x{t})"),
            };
            (asm, Some(c.target(6)))
        }
        4 => {
            let op = c.r.pick(&["c.beqz", "c.bnez"]);
            (format!("{op} x{}, %T", c.xcr()), Some(c.target(8)))
        }
        5 => ("c.j %T".to_string(), Some(c.target(6))),
        _ => {
            let t = c.xw_nz();
            let op = c.r.pick(&["c.jr", "c.jalr"]);
            (format!("lla x{t}, %T\n{op} x{t}"), Some(c.target(6)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seq::x_untouchable;

    #[test]
    fn same_seed_and_index_give_same_sequence() {
        assert_eq!(sequence(42, 7, 50), sequence(42, 7, 50));
        assert_ne!(sequence(42, 7, 50), sequence(42, 8, 50));
        assert_ne!(sequence(42, 7, 50), sequence(43, 7, 50));
    }

    const NOT_DEST_FIRST: [&str; 13] = [
        "sb", "sh", "sw", "sd", "fsw", "fsd", "c.sw", "c.sd", "c.fsd", "c.beqz", "c.bnez", "c.j",
        "c.jr",
    ];

    #[test]
    fn never_writes_reserved_registers() {
        for i in 0..300 {
            let s = sequence(1, i, 60);
            assert!(s.init_fcsr >> 5 <= 4);
            for it in &s.items {
                for line in it.asm.lines() {
                    let mut words = line.split([' ', ',', '(']);
                    let op = words.next().unwrap();
                    let operands: Vec<&str> = words.filter(|w| !w.is_empty()).collect();
                    for w in &operands {
                        if let Some(n) = w
                            .strip_prefix('x')
                            .and_then(|n| n.trim_end_matches(')').parse::<u8>().ok())
                        {
                            assert!(!x_untouchable(n), "{line}");
                        }
                    }
                    // destination is the first operand, except for stores and jumps
                    let is_dest_first = !NOT_DEST_FIRST.contains(&op) && !op.starts_with('b');
                    if is_dest_first {
                        if let Some(first) = operands.first() {
                            assert_ne!(*first, "x8", "{line}");
                        }
                    }
                }
            }
        }
    }
}
