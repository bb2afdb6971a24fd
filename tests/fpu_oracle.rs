//! Oracle test for `nanovm::fpu`: every F/D operation, in every static
//! rounding mode, against real RISC-V semantics as implemented by qemu.
//!
//! `tests/oracle/fpu_vectors.c` is compiled with `riscv64-linux-gnu-gcc -O2
//! -static` and run under `qemu-riscv64`; it prints `op rm a b c result
//! fflags` (hex) for ~750k deterministic cases (specials crossed with
//! pseudo-random values biased to edge exponents). Each line is recomputed
//! with `nanovm::fpu` and must match bit for bit, flags included. Missing
//! tools fail the test: the check is never silently skipped.

use nanovm::fpu::{self, Rm};
use std::path::Path;
use std::process::Command;

/// Runs `op` through `nanovm::fpu`: `(result, fflags)`, `None` if unknown.
fn compute(op: &str, rm: Rm, a: u64, b: u64, c: u64) -> Option<(u64, u32)> {
    let mut fl = 0u32;
    let f = &mut fl;
    let (sa, sb, sc) = (a as u32, b as u32, c as u32);
    const SD: u64 = 1 << 63;
    const SS: u32 = 1 << 31;
    let r: u64 = match op {
        "fadd.d" => fpu::add_d(a, b, rm, f),
        "fsub.d" => fpu::sub_d(a, b, rm, f),
        "fmul.d" => fpu::mul_d(a, b, rm, f),
        "fdiv.d" => fpu::div_d(a, b, rm, f),
        "fadd.s" => fpu::add_s(sa, sb, rm, f) as u64,
        "fsub.s" => fpu::sub_s(sa, sb, rm, f) as u64,
        "fmul.s" => fpu::mul_s(sa, sb, rm, f) as u64,
        "fdiv.s" => fpu::div_s(sa, sb, rm, f) as u64,
        "fmadd.d" => fpu::fma_d(a, b, c, rm, f),
        "fmsub.d" => fpu::fma_d(a, b, c ^ SD, rm, f),
        "fnmsub.d" => fpu::fma_d(a ^ SD, b, c, rm, f),
        "fnmadd.d" => fpu::fma_d(a ^ SD, b, c ^ SD, rm, f),
        "fmadd.s" => fpu::fma_s(sa, sb, sc, rm, f) as u64,
        "fmsub.s" => fpu::fma_s(sa, sb, sc ^ SS, rm, f) as u64,
        "fnmsub.s" => fpu::fma_s(sa ^ SS, sb, sc, rm, f) as u64,
        "fnmadd.s" => fpu::fma_s(sa ^ SS, sb, sc ^ SS, rm, f) as u64,
        "fsqrt.d" => fpu::sqrt_d(a, rm, f),
        "fsqrt.s" => fpu::sqrt_s(sa, rm, f) as u64,
        "fcvt.s.d" => fpu::d_to_s(a, rm, f) as u64,
        "fcvt.d.s" => fpu::s_to_d(sa, f),
        // 32-bit integer results are sign-extended into the register.
        "fcvt.w.d" => fpu::to_i32_d(a, rm, f) as i64 as u64,
        "fcvt.wu.d" => fpu::to_u32_d(a, rm, f) as i32 as i64 as u64,
        "fcvt.l.d" => fpu::to_i64_d(a, rm, f) as u64,
        "fcvt.lu.d" => fpu::to_u64_d(a, rm, f),
        "fcvt.w.s" => fpu::to_i32_s(sa, rm, f) as i64 as u64,
        "fcvt.wu.s" => fpu::to_u32_s(sa, rm, f) as i32 as i64 as u64,
        "fcvt.l.s" => fpu::to_i64_s(sa, rm, f) as u64,
        "fcvt.lu.s" => fpu::to_u64_s(sa, rm, f),
        "fcvt.d.w" => fpu::from_i32_d(a as i32, rm, f),
        "fcvt.d.wu" => fpu::from_u32_d(a as u32, rm, f),
        "fcvt.d.l" => fpu::from_i64_d(a as i64, rm, f),
        "fcvt.d.lu" => fpu::from_u64_d(a, rm, f),
        "fcvt.s.w" => fpu::from_i32_s(a as i32, rm, f) as u64,
        "fcvt.s.wu" => fpu::from_u32_s(a as u32, rm, f) as u64,
        "fcvt.s.l" => fpu::from_i64_s(a as i64, rm, f) as u64,
        "fcvt.s.lu" => fpu::from_u64_s(a, rm, f) as u64,
        "fmin.d" => fpu::min_d(a, b, f),
        "fmax.d" => fpu::max_d(a, b, f),
        "fmin.s" => fpu::min_s(sa, sb, f) as u64,
        "fmax.s" => fpu::max_s(sa, sb, f) as u64,
        "feq.d" => fpu::eq_d(a, b, f) as u64,
        "flt.d" => fpu::lt_d(a, b, f) as u64,
        "fle.d" => fpu::le_d(a, b, f) as u64,
        "feq.s" => fpu::eq_s(sa, sb, f) as u64,
        "flt.s" => fpu::lt_s(sa, sb, f) as u64,
        "fle.s" => fpu::le_s(sa, sb, f) as u64,
        "fclass.d" => fpu::class_d(a),
        "fclass.s" => fpu::class_s(sa),
        _ => return None,
    };
    Some((r, fl))
}

fn tool_missing(tool: &str) -> ! {
    panic!(
        "the FPU oracle needs `{tool}` on PATH (Debian: gcc-riscv64-linux-gnu, qemu-user); \
         it is the reference this test compares against, so it cannot be skipped"
    )
}

/// Compiles the guest program and returns its qemu output.
fn oracle_output() -> String {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/fpu_vectors.c");
    let exe = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fpu_vectors");
    let status = Command::new("riscv64-linux-gnu-gcc")
        .args(["-O2", "-static", "-o"])
        .arg(&exe)
        .arg(&src)
        .status()
        .unwrap_or_else(|_| tool_missing("riscv64-linux-gnu-gcc"));
    assert!(status.success(), "compiling {} failed", src.display());
    let out = Command::new("qemu-riscv64")
        .arg(&exe)
        .output()
        .unwrap_or_else(|_| tool_missing("qemu-riscv64"));
    assert!(
        out.status.success(),
        "qemu-riscv64 {} failed: {}",
        exe.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("oracle output is ASCII")
}

#[test]
fn fpu_matches_qemu() {
    let text = oracle_output();
    let mut checked = 0usize;
    let mut mismatches = Vec::new();
    let mut bad_count = 0usize;
    for line in text.lines() {
        let mut it = line.split(' ');
        let op = it.next().expect("op");
        let mut num = || u64::from_str_radix(it.next().expect("field"), 16).expect("hex");
        let (rm_bits, a, b, c, want, want_fl) = (num(), num(), num(), num(), num(), num());
        let rm = Rm::from_bits(rm_bits as u32).expect("static rm");
        let (got, got_fl) =
            compute(op, rm, a, b, c).unwrap_or_else(|| panic!("unknown op in oracle: {op}"));
        checked += 1;
        if (got, got_fl as u64) != (want, want_fl) {
            bad_count += 1;
            if mismatches.len() < 40 {
                mismatches.push(format!(
                    "{op} rm={rm:?} a={a:#x} b={b:#x} c={c:#x}: expected {want:#x} fl={want_fl:#x}, \
                     got {got:#x} fl={got_fl:#x}"
                ));
            }
        }
    }
    assert!(checked > 500_000, "oracle produced only {checked} cases");
    assert!(
        mismatches.is_empty(),
        "{bad_count} of {checked} cases differ from qemu; first ones:\n{}",
        mismatches.join("\n")
    );
}
