//! Differential fuzzing: random RV64GC programs from `nanovm-fuzzgen`, run under qemu-riscv64
//! (the oracle) and under NanoVM, must produce byte-identical register/memory dumps.
//!
//! Environment:
//! - `NANOVM_FUZZ_SEQUENCES=<n>`: sequences to run (default 100000; 0 skips the test).
//! - `NANOVM_FUZZ_SEED=<s>`: run seed (default [`DEFAULT_SEED`], fixed so CI is reproducible).
//! - `NANOVM_FUZZ_LEN=<n>`: items per sequence (default [`DEFAULT_LEN`]).
//! - `NANOVM_FUZZ_OUT=<dir>`: keep every binary (`fuzz-<seed>-<first>`), its source (`.S`) and
//!   qemu's stdout (`.expected`) there, for the wasm build's node tests.
//! - `NANOVM_FUZZ_JOBS=<n>`: worker threads (default: available parallelism, at most 4).
//!
//! On a divergence the test prints the seed, sequence index and differing registers, then
//! minimises the sequence and prints the smallest failing one as assembly.

use nanovm_fuzzgen::dump::{first_divergence, Divergence};
use nanovm_fuzzgen::seq::RECORD;
use nanovm_fuzzgen::tools::{self, RunOutput};
use nanovm_fuzzgen::{asm, gen, generate, shrink, Sequence, DEFAULT_LEN, DEFAULT_SEED};
use nanovm_runtime::{Host, Options, RunState, Vm};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

/// Sequences per generated binary.
const PER_BINARY: u64 = 1000;
/// Instruction budget per `Vm::run` call.
const BUDGET: u64 = 1 << 20;
/// Instructions a sequence may take at most, beyond its items (load + dump routines ~140);
/// a run exceeding 8x this per sequence has hung (generated code has no loops).
const SEQUENCE_OVERHEAD: u64 = 200;

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => {
            let v = v.trim();
            let parsed = match v.strip_prefix("0x") {
                Some(h) => u64::from_str_radix(h, 16),
                None => v.parse(),
            };
            parsed.unwrap_or_else(|_| panic!("{name}={v} is not a number"))
        }
        Err(_) => default,
    }
}

/// A host that captures stdout and provides nothing else.
#[derive(Default)]
struct Capture {
    stdout: Vec<u8>,
}

impl Host for Capture {
    fn write(&mut self, fd: i32, data: &[u8]) -> Result<usize, i32> {
        match fd {
            1 => self.stdout.extend_from_slice(data),
            2 => {}
            _ => return Err(9), // EBADF
        }
        Ok(data.len())
    }
    fn read(&mut self, _fd: i32, _buf: &mut [u8]) -> Result<usize, i32> {
        Ok(0)
    }
    fn realtime_ns(&mut self) -> u64 {
        0
    }
    fn monotonic_ns(&mut self) -> u64 {
        0
    }
    fn random(&mut self, buf: &mut [u8]) {
        buf.fill(0);
    }
    fn log(&mut self, _line: &str) {}
}

/// Runs a guest executable of `sequences` sequences of `len` items under NanoVM. A panic
/// inside NanoVM is reported as signal -1 (its message goes to stderr), a hang as neither
/// exit code nor signal, so both show up as divergences with the failing sequence.
fn run_nanovm(exe: &Path, sequences: u64, len: usize) -> RunOutput {
    let elf = std::fs::read(exe).expect("read generated binary");
    let opts = Options::default();
    let mut vm = match Vm::load(&elf, &[b"fuzz".to_vec()], &[], &opts) {
        Ok(vm) => vm,
        Err(e) => panic!("NanoVM cannot load {}: {e}", exe.display()),
    };
    let mut host = Capture::default();
    let max_slices = (8 * sequences * (len as u64 * 4 + SEQUENCE_OVERHEAD)).div_ceil(BUDGET) + 1;
    let ended = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        for _ in 0..max_slices {
            match vm.run(&mut host, BUDGET) {
                RunState::Running | RunState::Idle { .. } => continue,
                RunState::Exited(code) => return (Some(code), None),
                RunState::Killed(sig) => return (None, Some(sig)),
            }
        }
        (None, None)
    }));
    let (code, signal) = ended.unwrap_or((None, Some(-1)));
    RunOutput {
        stdout: host.stdout,
        code,
        signal,
    }
}

/// Runs a single-sequence program under both; true when they disagree.
fn sequence_diverges(seq: &Sequence, dir: &Path) -> bool {
    let exe = match tools::build(&asm::program(std::slice::from_ref(seq)), dir, "min") {
        Ok(exe) => exe,
        Err(e) => panic!("minimiser produced a program that does not build: {e}"),
    };
    let q = tools::run_qemu(&exe).expect("run qemu");
    let n = run_nanovm(&exe, 1, seq.items.len());
    q != n
}

struct Failure {
    first: u64,
    exe: PathBuf,
    divergence: Option<Divergence>,
    expected: RunOutput,
    got: RunOutput,
}

/// Generates, builds and runs batch `first..first+count`; `Some` on divergence.
fn run_batch(
    seed: u64,
    len: usize,
    first: u64,
    count: u64,
    dir: &Path,
    keep: bool,
) -> Option<Failure> {
    let name = format!("fuzz-{seed}-{first:07}");
    let seqs = generate(seed, first, count, len);
    let exe = tools::build(&asm::program(&seqs), dir, &name).unwrap_or_else(|e| panic!("{e}"));
    let expected = tools::run_qemu(&exe).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        expected.code == Some(0) && expected.stdout.len() == count as usize * RECORD,
        "generator bug: {} under qemu exited {:?}/signal {:?} after {} bytes (seed {seed}, first {first})",
        exe.display(),
        expected.code,
        expected.signal,
        expected.stdout.len()
    );
    if keep {
        std::fs::write(dir.join(format!("{name}.expected")), &expected.stdout)
            .expect("write expected output");
    }
    let got = run_nanovm(&exe, count, len);
    if got == expected {
        if !keep {
            let _ = std::fs::remove_file(&exe);
            let _ = std::fs::remove_file(dir.join(format!("{name}.S")));
        }
        return None;
    }
    let divergence = first_divergence(&expected.stdout, &got.stdout);
    Some(Failure {
        first,
        exe,
        divergence,
        expected,
        got,
    })
}

/// Prints everything about a failure and the minimised sequence; returns the report.
fn report(seed: u64, len: usize, f: &Failure, dir: &Path) -> String {
    let mut msg = format!(
        "NanoVM diverges from qemu-riscv64: seed {seed:#x} (NANOVM_FUZZ_SEED={seed:#x}), len {len}, binary {}\n",
        f.exe.display()
    );
    match &f.divergence {
        Some(d) => msg += &d.to_string(),
        None => msg += "outputs identical but exit status differs\n",
    }
    msg += &format!(
        "exit: expected code {:?} signal {:?}, got code {:?} signal {:?}\n",
        f.expected.code, f.expected.signal, f.got.code, f.got.signal
    );
    let index = f
        .divergence
        .as_ref()
        .and_then(|d| d.index())
        .unwrap_or(f.first);
    msg += &format!(
        "reproduce: cargo run -p nanovm-fuzzgen -- --seed {seed:#x} --first {index} --count 1 --len {len} --out seq.S\n"
    );
    let seq = gen::sequence(seed, index, len);
    let mdir = dir.join(format!("min-{index}"));
    if sequence_diverges(&seq, &mdir) {
        let min = shrink::minimise(&seq, |s| sequence_diverges(s, &mdir));
        // rebuild the minimal program so its files and dump are what is shown
        let exe = tools::build(&asm::program(std::slice::from_ref(&min)), &mdir, "min")
            .unwrap_or_else(|e| panic!("{e}"));
        let (q, n) = (
            tools::run_qemu(&exe).expect("run qemu"),
            run_nanovm(&exe, 1, min.items.len()),
        );
        msg += &format!(
            "minimised to {} of {} items ({} instructions); program at {}.S:\n{}{}",
            min.items.len(),
            seq.items.len(),
            min.insn_count(),
            exe.display(),
            min.init_comment(),
            asm::sequence_text(&min)
        );
        match first_divergence(&q.stdout, &n.stdout) {
            Some(d) => msg += &format!("minimised run: {d}"),
            None => {
                msg += &format!(
                    "minimised run: exit {:?}/{:?} vs {:?}/{:?}\n",
                    q.code, q.signal, n.code, n.signal
                )
            }
        }
    } else {
        msg +=
            "the sequence alone does not diverge (depends on earlier sequences?); full sequence:\n";
        msg += &asm::sequence_text(&seq);
    }
    msg
}

#[test]
fn differential_fuzz_against_qemu() {
    let total = env_u64("NANOVM_FUZZ_SEQUENCES", 100_000);
    if total == 0 {
        return;
    }
    assert!(
        tools::tools_available(),
        "differential fuzzing needs {} and {} (set NANOVM_FUZZ_SEQUENCES=0 to skip)",
        tools::cc(),
        tools::qemu()
    );
    let seed = env_u64("NANOVM_FUZZ_SEED", DEFAULT_SEED);
    let len = env_u64("NANOVM_FUZZ_LEN", DEFAULT_LEN as u64) as usize;
    let (dir, keep) = match std::env::var_os("NANOVM_FUZZ_OUT") {
        Some(d) => (PathBuf::from(d), true),
        None => (tools::temp_dir("diff"), false),
    };
    let jobs = env_u64(
        "NANOVM_FUZZ_JOBS",
        std::thread::available_parallelism().map_or(2, |n| n.get().min(4) as u64),
    )
    .max(1);
    let batches = total.div_ceil(PER_BINARY);
    let next = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let failures: Mutex<Vec<Failure>> = Mutex::new(Vec::new());
    let start = std::time::Instant::now();
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let b = next.fetch_add(1, Ordering::Relaxed);
                    if b >= batches {
                        break;
                    }
                    let first = b * PER_BINARY;
                    let count = PER_BINARY.min(total - first);
                    if let Some(f) = run_batch(seed, len, first, count, &dir, keep) {
                        stop.store(true, Ordering::Relaxed);
                        failures.lock().unwrap().push(f);
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    if let Some(f) = failures.iter().min_by_key(|f| f.first) {
        panic!("{}", report(seed, len, f, &dir));
    }
    eprintln!(
        "fuzz: {total} sequences (seed {seed:#x}, len {len}) agree with qemu in {:.1}s",
        start.elapsed().as_secs_f64()
    );
    if !keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
