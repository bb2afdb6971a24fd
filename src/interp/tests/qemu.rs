//! Differential test against qemu-riscv64 (the project's oracle): random
//! straight-line programs of integer, M and F/D instructions are assembled
//! with the cross toolchain, run under qemu and under this interpreter, and
//! the register files they print must be identical byte for byte.
//!
//! Skipped (with a note on stderr) when the cross toolchain or qemu is not
//! installed.

use std::fmt::Write as _;
use std::process::Command;

use crate::cpu::Cpu;
use crate::interp::{Exit, Interp};
use crate::mem::{AddressSpace, Perms};

/// A small deterministic PRNG (xorshift64*).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len() as u64) as usize]
    }
}

/// Interesting 64-bit values: edge cases and random bits.
fn value(r: &mut Rng) -> u64 {
    const SPECIAL: &[u64] = &[
        0,
        1,
        u64::MAX,
        i64::MIN as u64,
        i64::MAX as u64,
        0x8000_0000,
        0x7fff_ffff,
        0xffff_ffff,
        0xffff_ffff_8000_0000,
        0x3ff0_0000_0000_0000, // 1.0
        0xbff8_0000_0000_0000, // -1.5
        0x7ff0_0000_0000_0000, // inf
        0x7ff8_0000_0000_0000, // qNaN
        0x7ff0_0000_0000_0001, // sNaN
        0x0000_0000_0000_0001, // denormal
        0xffff_ffff_3fc0_0000, // boxed 1.5f
        0xffff_ffff_ff80_0000, // boxed -inf f
        0xffff_ffff_7f80_0001, // boxed sNaN f
        0xffff_ffff_4f00_0000, // boxed 2^31 f
    ];
    if r.below(3) == 0 {
        r.next()
    } else {
        SPECIAL[r.below(SPECIAL.len() as u64) as usize]
    }
}

/// Assembly for one random program (`seed`); its output is 30 integer
/// registers, 32 FP registers and fcsr, 8 bytes each, then its 4 KiB data
/// area.
fn program(seed: u64, len: usize) -> String {
    let mut r = Rng(seed | 1);
    let mut s = String::from(".globl _start\n_start:\n");
    for x in 1..31 {
        let _ = writeln!(s, "li x{x}, {}", value(&mut r) as i64);
    }
    for f in 0..32 {
        let _ = writeln!(s, "li x31, {}\nfmv.d.x f{f}, x31", value(&mut r) as i64);
    }
    let _ = writeln!(s, "li x31, {}\ncsrw frm, x31", r.below(5));
    // x30 is the base of a 4 KiB data area for loads, stores and atomics.
    s.push_str("la x30, data\n");
    let int_r = [
        "add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and", "addw", "subw",
        "sllw", "srlw", "sraw", "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu",
        "mulw", "divw", "divuw", "remw", "remuw",
    ];
    let int_i = ["addi", "slti", "sltiu", "xori", "ori", "andi", "addiw"];
    let shifts = [
        ("slli", 64),
        ("srli", 64),
        ("srai", 64),
        ("slliw", 32),
        ("srliw", 32),
        ("sraiw", 32),
    ];
    let fp_r = ["fadd", "fsub", "fmul", "fdiv"];
    let fp_nr = ["fsgnj", "fsgnjn", "fsgnjx", "fmin", "fmax"];
    let fp_cmp = ["feq", "flt", "fle"];
    let fma = ["fmadd", "fmsub", "fnmsub", "fnmadd"];
    let rms = ["rne", "rtz", "rdn", "rup", "rmm", "dyn"];
    for _ in 0..len {
        let (d, a, b, c) = (
            1 + r.below(29),
            1 + r.below(29),
            1 + r.below(29),
            r.below(32),
        );
        let (fd, fa, fb) = (r.below(32), r.below(32), r.below(32));
        let p = if r.below(2) == 0 { "s" } else { "d" };
        let rm = r.pick(&rms);
        let off = r.below(2040);
        let line = match r.below(15) {
            12 => {
                let (op, size) = [
                    ("lb", 1),
                    ("lh", 2),
                    ("lw", 4),
                    ("ld", 8),
                    ("lbu", 1),
                    ("lhu", 2),
                    ("lwu", 4),
                ][r.below(7) as usize];
                format!("{op} x{d}, {}(x30)", off & !(size - 1))
            }
            13 => {
                let (op, size) = [
                    ("sb", 1),
                    ("sh", 2),
                    ("sw", 4),
                    ("sd", 8),
                    ("fsw", 4),
                    ("fsd", 8),
                ][r.below(6) as usize];
                let reg = if op.starts_with('f') {
                    format!("f{fb}")
                } else {
                    format!("x{b}")
                };
                format!("{op} {reg}, {}(x30)", off & !(size - 1))
            }
            14 => {
                let w = r.pick(&["w", "d"]);
                match r.below(3) {
                    0 => format!("lr.{w} x{d}, (x30)\nsc.{w} x{a}, x{b}, (x30)"),
                    1 => format!("sc.{w} x{a}, x{b}, (x30)"),
                    _ => format!(
                        "amo{}.{w} x{d}, x{b}, (x30)",
                        r.pick(&["swap", "add", "xor", "and", "or", "min", "max", "minu", "maxu"])
                    ),
                }
            }
            0..=3 => format!("{} x{d}, x{a}, x{b}", r.pick(&int_r)),
            4 => format!(
                "{} x{d}, x{a}, {}",
                r.pick(&int_i),
                r.below(4096) as i64 - 2048
            ),
            5 => {
                let (op, w) = shifts[r.below(6) as usize];
                format!("{op} x{d}, x{a}, {}", r.below(w))
            }
            6 => format!("{}.{p} f{fd}, f{fa}, f{fb}, {rm}", r.pick(&fp_r)),
            7 => format!("{}.{p} f{fd}, f{fa}, f{fb}", r.pick(&fp_nr)),
            8 => format!("{}.{p} x{d}, f{fa}, f{fb}", r.pick(&fp_cmp)),
            9 => format!("{}.{p} f{fd}, f{fa}, f{fb}, f{c}, {rm}", r.pick(&fma)),
            10 => match r.below(8) {
                0 => format!("fsqrt.{p} f{fd}, f{fa}, {rm}"),
                1 => format!("fclass.{p} x{d}, f{fa}"),
                2 => format!(
                    "fcvt.{}.{p} x{d}, f{fa}, {rm}",
                    r.pick(&["w", "wu", "l", "lu"])
                ),
                3 => match (p, r.pick(&["w", "wu", "l", "lu"])) {
                    // Exact: the assembler takes no rounding mode.
                    ("d", t @ ("w" | "wu")) => format!("fcvt.d.{t} f{fd}, x{a}"),
                    (_, t) => format!("fcvt.{p}.{t} f{fd}, x{a}, {rm}"),
                },
                4 => format!("fcvt.s.d f{fd}, f{fa}, {rm}"),
                5 => format!("fcvt.d.s f{fd}, f{fa}"),
                6 => format!("fmv.x.{} x{d}, f{fa}", if p == "s" { "w" } else { "d" }),
                _ => format!("fmv.{}.x f{fd}, x{a}", if p == "s" { "w" } else { "d" }),
            },
            _ => format!("lui x{d}, {}", r.below(1 << 20)),
        };
        s.push_str(&line);
        s.push('\n');
    }
    s.push_str("la x31, buf\n");
    for x in 1..31 {
        let _ = writeln!(s, "sd x{x}, {}(x31)", (x - 1) * 8);
    }
    for f in 0..32 {
        let _ = writeln!(s, "fsd f{f}, {}(x31)", 240 + f * 8);
    }
    s.push_str("frcsr x1\nsd x1, 496(x31)\n");
    s.push_str("li a0, 1\nmv a1, x31\nli a2, 504\nli a7, 64\necall\n");
    s.push_str(
        "li a0, 1\nla a1, data\nli a2, 4096\nli a7, 64\necall\nli a0, 0\nli a7, 93\necall\n",
    );
    s.push_str(".bss\n.balign 8\nbuf: .space 512\ndata: .space 4096\n");
    s
}

/// Loads a static ELF into a fresh address space; returns it and the entry.
fn load_elf(elf: &[u8]) -> (AddressSpace, u64) {
    let u16_at = |o: usize| u16::from_le_bytes(elf[o..o + 2].try_into().unwrap()) as usize;
    let u64_at = |o: usize| u64::from_le_bytes(elf[o..o + 8].try_into().unwrap());
    let mut mem = AddressSpace::new();
    let (phoff, phentsize, phnum) = (u64_at(0x20) as usize, u16_at(0x36), u16_at(0x38));
    for k in 0..phnum {
        let ph = phoff + k * phentsize;
        if u32::from_le_bytes(elf[ph..ph + 4].try_into().unwrap()) != 1 {
            continue;
        }
        let (off, vaddr, filesz, memsz) = (
            u64_at(ph + 8),
            u64_at(ph + 0x10),
            u64_at(ph + 0x20),
            u64_at(ph + 0x28),
        );
        let start = vaddr & !0xfff;
        let end = (vaddr + memsz + 0xfff) & !0xfff;
        mem.map_fixed(start, end - start, Perms::RWX).unwrap();
        mem.write_bytes_unchecked(vaddr, &elf[off as usize..(off + filesz) as usize])
            .unwrap();
    }
    (mem, u64_at(0x18))
}

/// Runs the ELF under the interpreter, returning what it wrote to stdout.
fn run_here(elf: &[u8]) -> Vec<u8> {
    let (mut mem, entry) = load_elf(elf);
    mem.map_fixed(0x7000_0000, 0x10000, Perms::RW).unwrap();
    let mut cpu = Cpu::new(entry);
    cpu.x[2] = 0x7001_0000;
    let mut interp = Interp::new();
    let mut out = Vec::new();
    loop {
        match interp.run(&mut cpu, &mut mem, 1_000_000) {
            Exit::Ecall => match cpu.x[17] {
                64 => {
                    let mut buf = vec![0; cpu.x[12] as usize];
                    mem.read_bytes(cpu.x[11], &mut buf).unwrap();
                    out.extend_from_slice(&buf);
                    cpu.x[10] = buf.len() as u64;
                }
                93 | 94 => return out,
                n => panic!("unexpected syscall {n}"),
            },
            Exit::Budget => {}
            e => panic!("unexpected exit {e:?} at {:#x}", cpu.pc),
        }
    }
}

#[test]
fn random_programs_match_qemu() {
    let have = |c: &str| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !have("riscv64-linux-gnu-gcc") || !have("qemu-riscv64") {
        eprintln!("random_programs_match_qemu: skipped (cross toolchain or qemu-riscv64 missing)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("nanovm-interp-qemu-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for seed in 1..=24u64 {
        let src = dir.join(format!("p{seed}.S"));
        let exe = dir.join(format!("p{seed}"));
        std::fs::write(&src, program(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15), 800)).unwrap();
        let cc = Command::new("riscv64-linux-gnu-gcc")
            .args(["-nostdlib", "-static", "-march=rv64gc", "-o"])
            .arg(&exe)
            .arg(&src)
            .output()
            .unwrap();
        assert!(
            cc.status.success(),
            "{}",
            String::from_utf8_lossy(&cc.stderr)
        );
        let want = Command::new("qemu-riscv64").arg(&exe).output().unwrap();
        assert!(want.status.success());
        assert_eq!(want.stdout.len(), 504 + 4096);
        let got = run_here(&std::fs::read(&exe).unwrap());
        if got != want.stdout {
            let names: Vec<String> = (1..31)
                .map(|x| format!("x{x}"))
                .chain((0..32).map(|f| format!("f{f}")))
                .chain(["fcsr".into()])
                .collect();
            for (k, name) in names.iter().enumerate() {
                let (a, b) = (&got[k * 8..k * 8 + 8], &want.stdout[k * 8..k * 8 + 8]);
                if a != b {
                    eprintln!(
                        "{name}: got {:#018x} want {:#018x}",
                        u64::from_le_bytes(a.try_into().unwrap()),
                        u64::from_le_bytes(b.try_into().unwrap())
                    );
                }
            }
            if got[504..] != want.stdout[504..] {
                eprintln!("data area differs");
            }
            panic!(
                "seed {seed}: state differs from qemu (program kept at {})",
                src.display()
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
