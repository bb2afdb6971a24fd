//! RV64GC ISA conformance suite: differential tests against qemu-riscv64.
//!
//! Each guest program in `tests/isa/` (assembly or C, built with the runtime `rt.c`, static and
//! without libc) prints one line per case: a name, the inputs and the resulting register values
//! and fflags in hex. This test compiles a program with `riscv64-linux-gnu-gcc` into the cargo
//! target directory, runs it under `qemu-riscv64` (the oracle) and under NanoVM
//! (`nanovm_runtime::Vm` with a capturing [`Host`]), and requires the same exit status and
//! byte-identical stdout. On a mismatch it prints the first differing lines, which start with the
//! case name. One `#[test]` per program keeps failures readable.
//!
//! The alternative of checking in expected-output files was rejected: qemu is the reference, so
//! the expectations cannot go stale when a program gains cases, and the guest sources stay the
//! only thing to review. Missing tools are a test failure with an explanation, not a skip, so
//! a machine without them cannot report a green suite that tested nothing.
//!
//! Two more checks keep the suite honest: lines worked out by hand from the specification
//! (`tests/isa/spec/*.txt`) must appear in qemu's output, and the disassembled programs must
//! contain every RV64GC mnemonic (`isa_suite_covers_rv64gc`).
//!
//! Environment overrides: `NANOVM_RISCV_CC` (compiler), `NANOVM_QEMU` (qemu-riscv64 binary),
//! `NANOVM_RISCV_OBJDUMP` (for the coverage check).

use nanovm_runtime::{Host, Options, RunState, Vm};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Instructions per `Vm::run` call.
const SLICE: u64 = 10_000_000;
/// Upper bound on instructions before a run is declared hung (the programs need about ten
/// million; the cap keeps a hung guest from stalling a debug-build test run for minutes).
const MAX_INSNS: u64 = 500_000_000;

/// How a guest process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Exited(i32),
    Killed(i32),
}

/// What a run produced.
struct Outcome {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    status: Status,
}

/// A [`Host`] that records output and answers everything else deterministically.
#[derive(Default)]
struct Capture {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    clock: u64,
    rng: u64,
}

impl Host for Capture {
    fn write(&mut self, fd: i32, data: &[u8]) -> Result<usize, i32> {
        match fd {
            1 => self.stdout.extend_from_slice(data),
            2 => self.stderr.extend_from_slice(data),
            _ => return Err(9), // EBADF
        }
        Ok(data.len())
    }

    fn read(&mut self, _fd: i32, _buf: &mut [u8]) -> Result<usize, i32> {
        Ok(0)
    }

    fn realtime_ns(&mut self) -> u64 {
        self.clock += 1000;
        1_700_000_000_000_000_000 + self.clock
    }

    fn monotonic_ns(&mut self) -> u64 {
        self.clock += 1000;
        self.clock
    }

    fn random(&mut self, buf: &mut [u8]) {
        for b in buf {
            self.rng = self
                .rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            *b = (self.rng >> 56) as u8;
        }
    }

    fn log(&mut self, line: &str) {
        self.stderr.extend_from_slice(line.as_bytes());
        self.stderr.push(b'\n');
    }
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/isa")
}

fn out_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("isa");
    std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("cannot create {}: {e}", d.display()));
    d
}

fn tool(var: &str, default: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| default.to_string())
}

/// Compiles `tests/isa/<source>` together with `rt.c` into the target dir; returns the binary.
fn build(source: &str) -> PathBuf {
    build_as(source, "")
}

/// [`build`] with a suffix on the output name (tests running in parallel never share a file).
fn build_as(source: &str, suffix: &str) -> PathBuf {
    let cc = tool("NANOVM_RISCV_CC", "riscv64-linux-gnu-gcc");
    let src = src_dir();
    let stem = source.split('.').next().unwrap_or(source);
    let out = out_dir().join(format!("{stem}{suffix}"));
    let result = Command::new(&cc)
        .args([
            "-march=rv64gc",
            "-mabi=lp64d",
            "-static",
            "-nostdlib",
            "-ffreestanding",
            "-O2",
        ])
        .arg(format!("-I{}", src.display()))
        .arg("-o")
        .arg(&out)
        .arg(src.join("rt.c"))
        .arg(src.join(source))
        .output();
    let output = match result {
        Ok(o) => o,
        Err(e) => panic!(
            "FAIL: cannot run the RISC-V cross compiler `{cc}` ({e}).\n\
             Install it (Debian: apt-get install gcc-riscv64-linux-gnu) or set NANOVM_RISCV_CC."
        ),
    };
    assert!(
        output.status.success(),
        "compiling {source} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

/// Runs the binary under qemu-riscv64 (core dumps disabled, so fatal signals leave no files).
fn run_qemu(bin: &Path, args: &[&str]) -> Outcome {
    use std::os::unix::process::ExitStatusExt;
    let qemu = tool("NANOVM_QEMU", "qemu-riscv64");
    let result = Command::new("sh")
        .arg("-c")
        .arg("ulimit -c 0; exec \"$0\" \"$@\"")
        .arg(&qemu)
        .arg(bin)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output();
    let output = match result {
        Ok(o) => o,
        Err(e) => panic!("FAIL: cannot run sh to start `{qemu}`: {e}"),
    };
    if output.status.code() == Some(127) {
        panic!(
            "FAIL: the oracle `{qemu}` was not found ({}).\n\
             Install it (Debian: apt-get install qemu-user) or set NANOVM_QEMU.",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let status = match (output.status.code(), output.status.signal()) {
        (Some(c), _) => Status::Exited(c),
        (None, Some(s)) => Status::Killed(s),
        (None, None) => panic!("qemu ended without status or signal"),
    };
    Outcome {
        stdout: output.stdout,
        stderr: output.stderr,
        status,
    }
}

/// Runs the binary under NanoVM with a capturing host, `slice` instructions per `Vm::run`.
fn run_nanovm(bin: &Path, args: &[&str], slice: u64) -> Outcome {
    let elf = std::fs::read(bin).unwrap_or_else(|e| panic!("cannot read {}: {e}", bin.display()));
    let name = bin
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut argv: Vec<Vec<u8>> = vec![bin.to_string_lossy().into_owned().into_bytes()];
    argv.extend(args.iter().map(|a| a.as_bytes().to_vec()));
    let opts = Options {
        exe_name: name.clone().into_bytes(),
        ..Default::default()
    };
    let mut vm = match Vm::load(&elf, &argv, &[], &opts) {
        Ok(vm) => vm,
        Err(e) => panic!("NanoVM could not load {name}: {e}"),
    };
    let mut host = Capture::default();
    // Each call retires at least `slice` instructions unless the guest stops, so this bounds
    // the run; very small slices are capped by call count instead.
    let max_calls = (MAX_INSNS / slice.max(1)).clamp(50, 20_000_000);
    let mut calls = 0;
    let status = loop {
        match vm.run(&mut host, slice) {
            RunState::Running | RunState::Idle { .. } => {
                calls += 1;
                assert!(
                    calls < max_calls,
                    "{name} under NanoVM did not finish within {max_calls} runs of {slice} \
                     instructions; output so far:\n{}",
                    tail(&host.stdout, 10)
                );
            }
            RunState::Exited(c) => break Status::Exited(c),
            RunState::Killed(s) => break Status::Killed(s),
        }
    };
    Outcome {
        stdout: host.stdout,
        stderr: host.stderr,
        status,
    }
}

/// The last `n` lines of an output, for diagnostics.
fn tail(out: &[u8], n: usize) -> String {
    let text = String::from_utf8_lossy(out);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Describes the first difference between the two outputs (None when identical).
fn first_difference(oracle: &[u8], ours: &[u8]) -> Option<String> {
    if oracle == ours {
        return None;
    }
    let a = String::from_utf8_lossy(oracle);
    let b = String::from_utf8_lossy(ours);
    let la: Vec<&str> = a.split_inclusive('\n').collect();
    let lb: Vec<&str> = b.split_inclusive('\n').collect();
    let i = la.iter().zip(&lb).take_while(|(x, y)| x == y).count();
    let mut msg = format!(
        "stdout differs at line {} (qemu printed {} lines, NanoVM {}):\n",
        i + 1,
        la.len(),
        lb.len()
    );
    for l in &la[i.saturating_sub(2)..i] {
        msg += &format!("   same  : {}", l.trim_end_matches('\n'));
        msg.push('\n');
    }
    for k in i..(i + 5) {
        let (x, y) = (la.get(k), lb.get(k));
        if x.is_none() && y.is_none() {
            break;
        }
        if x == y {
            continue;
        }
        let show = |s: Option<&&str>| s.map_or("<no line>".to_string(), |s| s.trim_end().into());
        msg += &format!("   qemu  : {}\n   nanovm: {}\n", show(x), show(y));
    }
    Some(msg)
}

/// Builds `source` and checks it with no arguments, expecting qemu to see it exit with 0.
fn check(source: &str) {
    let bin = build(source);
    compare(&bin, source, &[], Status::Exited(0));
}

/// Asserts that every line of `tests/isa/spec/<stem>.txt` (values worked out by hand from the
/// specification; `//` starts a comment) occurs as a whole line of the oracle's output. This
/// keeps the oracle honest and shows the suite's expectations are more than "whatever qemu does".
fn check_spec_samples(source: &str, oracle_stdout: &[u8]) {
    let stem = source.split('.').next().unwrap_or(source);
    let path = src_dir().join("spec").join(format!("{stem}.txt"));
    let Ok(spec) = std::fs::read_to_string(&path) else {
        return;
    };
    let out = String::from_utf8_lossy(oracle_stdout);
    let lines: std::collections::HashSet<&str> = out.lines().collect();
    let missing: Vec<&str> = spec
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .filter(|l| !lines.contains(l))
        .collect();
    assert!(
        missing.is_empty(),
        "{source}: qemu's output lacks these hand-checked lines from {} \
         (the program, the expectation or qemu is wrong):\n{}",
        path.display(),
        missing.join("\n")
    );
}

/// Runs `bin` under both and asserts identical status and output. `expect` is the status qemu
/// must report (guards against comparing two equally broken runs).
fn compare(bin: &Path, label: &str, args: &[&str], expect: Status) {
    compare_sliced(bin, label, args, expect, SLICE);
}

/// [`compare`] with NanoVM stopping every `slice` instructions (budget exits mid-program must
/// resume exactly where they left off).
fn compare_sliced(bin: &Path, label: &str, args: &[&str], expect: Status, slice: u64) {
    let oracle = run_qemu(bin, args);
    assert_eq!(
        oracle.status,
        expect,
        "{label} {args:?} misbehaves under qemu itself (the guest program is wrong); \
         stderr:\n{}\nlast output:\n{}",
        String::from_utf8_lossy(&oracle.stderr),
        tail(&oracle.stdout, 5)
    );
    assert!(
        oracle.stdout.starts_with(b"# ") || oracle.stdout.starts_with(b"trap "),
        "{label}: unexpected oracle output header:\n{}",
        tail(&oracle.stdout, 5)
    );
    check_spec_samples(label, &oracle.stdout);
    let ours = run_nanovm(bin, args, slice);
    let mut problems = Vec::new();
    if ours.status != oracle.status {
        problems.push(format!(
            "exit status: qemu {:?}, NanoVM {:?}",
            oracle.status, ours.status
        ));
    }
    if let Some(d) = first_difference(&oracle.stdout, &ours.stdout) {
        problems.push(d);
    }
    assert!(
        problems.is_empty(),
        "{label} {args:?}: NanoVM disagrees with qemu-riscv64\n{}\nNanoVM stderr/log (last lines):\n{}",
        problems.join("\n"),
        tail(&ours.stderr, 10)
    );
}

#[test]
fn isa_rv64i() {
    check("rv64i.S");
}

#[test]
fn isa_rv64m() {
    check("rv64m.S");
}

#[test]
fn isa_rv64a() {
    check("rv64a.S");
}

#[test]
fn isa_rv64f() {
    check("rv64f.S");
}

#[test]
fn isa_rv64d() {
    check("rv64d.S");
}

#[test]
fn isa_rv64c() {
    check("rv64c.S");
}

#[test]
fn isa_zicsr() {
    check("zicsr.S");
}

#[test]
fn isa_misaligned() {
    check("misaligned.S");
}

#[test]
fn isa_regs() {
    check("regs.S");
}

#[test]
fn isa_control() {
    check("control.c");
}

/// The same programs with tiny instruction budgets: every `Vm::run` returns after (at least)
/// one block, so resumption after a budget exit is exercised at thousands of points, including
/// inside loops and around self-modifying code.
#[test]
fn isa_tiny_budgets() {
    for (source, slice) in [
        ("control.c", 1),
        ("selfmod.c", 1),
        ("rv64a.S", 7),
        ("rv64c.S", 1),
        ("rv64i.S", 997),
    ] {
        let bin = build_as(source, "-sliced");
        let label = format!("{source} (budget {slice})");
        compare_sliced(&bin, &label, &[], Status::Exited(0), slice);
    }
}

#[test]
fn isa_selfmod() {
    check("selfmod.c");
}

/// Each trap case must end the process with the same signal under both (SIGTRAP 5, SIGILL 4,
/// SIGBUS 7, SIGSEGV 11), after the same output. All cases run; failures are reported together.
#[test]
fn isa_traps() {
    const CASES: &[(&str, i32)] = &[
        ("e", 5),
        ("c", 5),
        ("z", 4),
        ("u", 4),
        ("h", 4),
        ("m", 4),
        ("r", 4),
        ("d", 4),
        ("l", 11),
        ("w", 11),
        ("x", 11),
        ("a", 7),
        ("s", 7),
        ("L", 11),
        ("A", 11),
        ("f", 11),
    ];
    let bin = build("traps.S");
    let mut failures = Vec::new();
    for &(case, sig) in CASES {
        let label = format!("traps.S case {case}");
        let r = std::panic::catch_unwind(|| compare(&bin, &label, &[case], Status::Killed(sig)));
        if let Err(e) = r {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(msg);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every RV64GC instruction (canonical mnemonics, as `objdump -M no-aliases` prints them).
const RV64GC: &str = "
    lui auipc jal jalr beq bne blt bge bltu bgeu lb lh lw ld lbu lhu lwu sb sh sw sd addi slti
    sltiu xori ori andi slli srli srai add sub sll slt sltu xor srl sra or and addiw slliw srliw
    sraiw addw subw sllw srlw sraw fence fence.tso fence.i ecall ebreak
    csrrw csrrs csrrc csrrwi csrrsi csrrci
    mul mulh mulhsu mulhu div divu rem remu mulw divw divuw remw remuw
    lr.w sc.w lr.d sc.d amoswap.w amoadd.w amoxor.w amoand.w amoor.w amomin.w amomax.w amominu.w
    amomaxu.w amoswap.d amoadd.d amoxor.d amoand.d amoor.d amomin.d amomax.d amominu.d amomaxu.d
    flw fsw fmadd.s fmsub.s fnmsub.s fnmadd.s fadd.s fsub.s fmul.s fdiv.s fsqrt.s fsgnj.s fsgnjn.s
    fsgnjx.s fmin.s fmax.s fcvt.w.s fcvt.wu.s fmv.x.w feq.s flt.s fle.s fclass.s fcvt.s.w
    fcvt.s.wu fmv.w.x fcvt.l.s fcvt.lu.s fcvt.s.l fcvt.s.lu
    fld fsd fmadd.d fmsub.d fnmsub.d fnmadd.d fadd.d fsub.d fmul.d fdiv.d fsqrt.d fsgnj.d
    fsgnjn.d fsgnjx.d fmin.d fmax.d fcvt.s.d fcvt.d.s feq.d flt.d fle.d fclass.d fcvt.w.d
    fcvt.wu.d fcvt.d.w fcvt.d.wu fcvt.l.d fcvt.lu.d fmv.x.d fcvt.d.l fcvt.d.lu fmv.d.x
    c.addi4spn c.fld c.lw c.ld c.fsd c.sw c.sd c.addi c.addiw c.li c.addi16sp c.lui c.srli
    c.srai c.andi c.sub c.xor c.or c.and c.subw c.addw c.j c.beqz c.bnez c.slli c.fldsp c.lwsp
    c.ldsp c.jr c.mv c.ebreak c.jalr c.add c.fsdsp c.swsp c.sdsp";

/// The suite's own coverage: every RV64GC instruction occurs in the programs (checked in the
/// disassembly, so a mnemonic the assembler silently compressed or dropped does not count).
#[test]
fn isa_suite_covers_rv64gc() {
    let objdump = tool("NANOVM_RISCV_OBJDUMP", "riscv64-linux-gnu-objdump");
    let mut seen = std::collections::HashSet::new();
    for source in [
        "rv64i.S",
        "rv64m.S",
        "rv64a.S",
        "rv64f.S",
        "rv64d.S",
        "rv64c.S",
        "zicsr.S",
        "misaligned.S",
        "traps.S",
        "regs.S",
        "selfmod.c",
    ] {
        let bin = build_as(source, "-cov");
        let out = Command::new(&objdump)
            .args(["-d", "-M", "no-aliases"])
            .arg(&bin)
            .output()
            .unwrap_or_else(|e| {
                panic!("FAIL: cannot run `{objdump}` ({e}); set NANOVM_RISCV_OBJDUMP")
            });
        assert!(out.status.success(), "{objdump} failed on {source}");
        let text = String::from_utf8_lossy(&out.stdout);
        // Only count the program's own code (test_main onwards), not rt.c's compiled C.
        let own = text.split("<test_main>:").nth(1).unwrap_or("");
        for line in own.lines() {
            if let Some(m) = line.split('\t').nth(2) {
                seen.insert(m.trim().to_string());
            }
        }
    }
    let missing: Vec<&str> = RV64GC
        .split_whitespace()
        .filter(|m| !seen.contains(*m))
        .collect();
    assert!(
        missing.is_empty(),
        "instructions not exercised by the ISA suite: {missing:?}"
    );
}

#[cfg(test)]
mod tests {
    use super::first_difference;

    #[test]
    fn difference_report_names_the_case() {
        let a = b"# t\nadd 1 2 -> 3\nsub 1 2 -> f\n";
        let b = b"# t\nadd 1 2 -> 3\nsub 1 2 -> e\n";
        let d = first_difference(a, b).expect("outputs differ");
        assert!(d.contains("line 3"), "{d}");
        assert!(d.contains("qemu  : sub 1 2 -> f"), "{d}");
        assert!(d.contains("nanovm: sub 1 2 -> e"), "{d}");
        assert!(first_difference(a, a).is_none());
    }

    #[test]
    fn difference_report_handles_truncation() {
        let d = first_difference(b"a\nb\n", b"a\n").expect("outputs differ");
        assert!(d.contains("<no line>"), "{d}");
    }
}
