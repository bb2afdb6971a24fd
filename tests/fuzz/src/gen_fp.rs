//! Random F/D instructions and `fcsr`/`frm`/`fflags` CSR accesses.
//!
//! CSR writes are shaped so `frm` always stays a valid mode (0..=4): a dynamic-rounding
//! instruction under a reserved `frm` is an illegal instruction, which would end the test
//! rather than compare results.

use crate::gen::Ctx;

const ARITH: [&str; 4] = ["fadd", "fsub", "fmul", "fdiv"];
const FMA: [&str; 4] = ["fmadd", "fmsub", "fnmsub", "fnmadd"];
const NO_RM: [&str; 5] = ["fmin", "fmax", "fsgnj", "fsgnjn", "fsgnjx"];
const CMP: [&str; 3] = ["feq", "flt", "fle"];
const INTS: [&str; 4] = ["w", "wu", "l", "lu"];

/// Encodes `rm` for `.insn` (dyn = 7).
fn rm_code(rm: &str) -> u8 {
    match rm {
        "rne" => 0,
        "rtz" => 1,
        "rdn" => 2,
        "rup" => 3,
        "rmm" => 4,
        _ => 7,
    }
}

/// One random floating-point instruction.
pub(crate) fn fp_op(c: &mut Ctx) -> String {
    let p = if c.r.chance(1, 2) { "s" } else { "d" };
    match c.r.below(20) {
        0..=4 => {
            let op = c.r.pick(&ARITH);
            format!("{op}.{p} f{}, f{}, f{}, {}", c.f(), c.f(), c.f(), c.rm())
        }
        5 => format!("fsqrt.{p} f{}, f{}, {}", c.f(), c.f(), c.rm()),
        6 | 7 => {
            let op = c.r.pick(&FMA);
            format!(
                "{op}.{p} f{}, f{}, f{}, f{}, {}",
                c.f(),
                c.f(),
                c.f(),
                c.f(),
                c.rm()
            )
        }
        8 | 9 => {
            let op = c.r.pick(&NO_RM);
            format!("{op}.{p} f{}, f{}, f{}", c.f(), c.f(), c.f())
        }
        10 => {
            let op = c.r.pick(&CMP);
            format!("{op}.{p} x{}, f{}, f{}", c.xw(), c.f(), c.f())
        }
        11 => format!("fclass.{p} x{}, f{}", c.xw(), c.f()),
        12 | 13 => {
            let t = c.r.pick(&INTS);
            format!("fcvt.{t}.{p} x{}, f{}, {}", c.xw(), c.f(), c.rm())
        }
        14 | 15 => {
            let t = c.r.pick(&INTS);
            let (fd, xs) = (c.f(), c.xr());
            if p == "d" && (t == "w" || t == "wu") {
                // exact conversions: binutils 2.40 takes no rm operand, so encode one with
                // .insn half of the time (any valid rm must be accepted)
                if c.r.chance(1, 2) {
                    format!("fcvt.d.{t} f{fd}, x{xs}")
                } else {
                    let rs2 = if t == "w" { 0 } else { 1 };
                    format!(
                        ".insn r 0x53, {}, 0x69, f{fd}, x{xs}, x{rs2}",
                        rm_code(c.rm())
                    )
                }
            } else {
                format!("fcvt.{p}.{t} f{fd}, x{xs}, {}", c.rm())
            }
        }
        16 => {
            let (fd, fs) = (c.f(), c.f());
            if p == "s" {
                format!("fcvt.s.d f{fd}, f{fs}, {}", c.rm())
            } else if c.r.chance(1, 2) {
                format!("fcvt.d.s f{fd}, f{fs}")
            } else {
                format!(".insn r 0x53, {}, 0x21, f{fd}, f{fs}, f0", rm_code(c.rm()))
            }
        }
        17 => {
            let w = if p == "s" { "w" } else { "d" };
            format!("fmv.x.{w} x{}, f{}", c.xw(), c.f())
        }
        18 => {
            let w = if p == "s" { "w" } else { "d" };
            format!("fmv.{w}.x f{}, x{}", c.f(), c.xr())
        }
        _ => {
            // sign-injection pseudo forms with repeated operands (fmv/fneg/fabs)
            let op = c.r.pick(&["fsgnj", "fsgnjn", "fsgnjx"]);
            let f = c.f();
            format!("{op}.{p} f{}, f{f}, f{f}", c.f())
        }
    }
}

/// One random access to `fflags`/`frm`/`fcsr`.
pub(crate) fn csr_op(c: &mut Ctx) -> String {
    let rd = c.xw();
    match c.r.below(12) {
        0 => format!("frflags x{rd}"),
        1 => format!("frrm x{rd}"),
        2 => format!("frcsr x{rd}"),
        3 => format!("fsflags x{rd}, x{}", c.xr()),
        4 => format!("fsflagsi x{rd}, {}", c.r.below(32)),
        5 => format!("fsrmi x{rd}, {}", c.r.below(5)),
        6 => format!("csrrwi x{rd}, frm, {}", c.r.below(5)),
        7 => {
            // full fcsr write with junk in the reserved upper bits but a valid frm
            let t = c.xw_nz();
            let src = c.xr();
            format!(
                "andi x{t}, x{src}, -225\nori x{t}, x{t}, {}\nfscsr x{rd}, x{t}",
                c.r.below(5) << 5
            )
        }
        8 => {
            // clearing bits keeps frm a subset of a valid mode's bits, hence valid
            let csr = c.r.pick(&["frm", "fcsr", "fflags"]);
            format!("csrrc x{rd}, {csr}, x{}", c.xr())
        }
        9 => format!("csrrs x{rd}, fflags, x{}", c.xr()),
        10 => {
            let op = c.r.pick(&["csrrsi", "csrrci", "csrrwi"]);
            let csr = c.r.pick(&["fcsr", "fflags"]);
            format!("{op} x{rd}, {csr}, {}", c.r.below(32))
        }
        _ => format!("csrrw x{rd}, fflags, x{}", c.xr()),
    }
}
