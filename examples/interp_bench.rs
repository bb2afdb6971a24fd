//! Interpreter throughput benchmark: runs hand-assembled integer programs and
//! prints MIPS (retired guest instructions per second of host time).
//!
//! - `alu`: a xorshift/accumulate loop, 9 instructions per iteration, pure
//!   register ALU ops and one backward branch (dispatch cost). It is one
//!   serial dependency chain, so it measures latency, the worst case for an
//!   interpreter whose registers live in memory. `UNROLL=n` in the
//!   environment adds 4*(n-1) independent ALU ops to the loop body (longer
//!   blocks: separates per-instruction from per-block cost).
//! - `sieve`: a byte sieve of Eratosthenes over 1 MiB, repeated (loads,
//!   stores, multiply, short inner loops).
//!
//! Run natively: `cargo run --release --example interp_bench [-- MILLIONS [SIEVE_REPS]]`.
//! For wasm the same code is exported as `bench_alu`/`bench_sieve` (see the
//! bottom of this file) so a JS harness can time it.

use nanovm::cpu::Cpu;
use nanovm::interp::{Exit, Interp};
use nanovm::mem::{AddressSpace, Perms};

const CODE: u64 = 0x10000;
const DATA: u64 = 0x100000;
const SIEVE_N: i32 = 1 << 20;

/// A minimal label-resolving assembler for the few instructions used here.
#[derive(Default)]
struct Asm {
    words: Vec<u32>,
    labels: Vec<(&'static str, usize)>,
    fixups: Vec<(usize, &'static str)>,
}

fn r(f7: u32, rs2: u32, rs1: u32, f3: u32, rd: u32, opc: u32) -> u32 {
    f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc
}
fn i(imm: i32, rs1: u32, f3: u32, rd: u32, opc: u32) -> u32 {
    ((imm as u32) & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc
}
fn b_imm(imm: i32) -> u32 {
    let m = imm as u32;
    ((m >> 12) & 1) << 31 | ((m >> 5) & 0x3f) << 25 | ((m >> 1) & 15) << 8 | ((m >> 11) & 1) << 7
}

impl Asm {
    fn emit(&mut self, w: u32) -> &mut Self {
        self.words.push(w);
        self
    }
    fn label(&mut self, name: &'static str) -> &mut Self {
        self.labels.push((name, self.words.len()));
        self
    }
    /// Branch (`f3`: 0 beq, 1 bne, 6 bltu, 7 bgeu) or, with `f3 == 8`, `jal x0`.
    fn br(&mut self, f3: u32, rs1: u32, rs2: u32, to: &'static str) -> &mut Self {
        self.fixups.push((self.words.len(), to));
        let w = if f3 == 8 {
            0x6f
        } else {
            r(0, rs2, rs1, f3, 0, 0x63)
        };
        self.emit(w)
    }
    fn li(&mut self, rd: u32, v: i32) -> &mut Self {
        let lo = (v << 20) >> 20;
        let hi = v.wrapping_sub(lo);
        self.emit((hi as u32) & 0xffff_f000 | rd << 7 | 0x37);
        self.emit(i(lo, rd, 0, rd, 0x1b))
    }
    fn finish(&self) -> Vec<u8> {
        let mut w = self.words.clone();
        for &(at, name) in &self.fixups {
            let target = self.labels.iter().find(|l| l.0 == name).expect("label").1;
            let off = (target as i32 - at as i32) * 4;
            if w[at] == 0x6f {
                let m = off as u32;
                w[at] |= ((m >> 20) & 1) << 31
                    | ((m >> 1) & 0x3ff) << 21
                    | ((m >> 11) & 1) << 20
                    | ((m >> 12) & 0xff) << 12;
            } else {
                w[at] |= b_imm(off);
            }
        }
        w.iter().flat_map(|x| x.to_le_bytes()).collect()
    }
}

const ADD: (u32, u32) = (0, 0);
const XOR: (u32, u32) = (0, 4);
fn rr(op: (u32, u32), rd: u32, rs1: u32, rs2: u32) -> u32 {
    r(op.0, rs2, rs1, op.1, rd, 0x33)
}
fn addi(rd: u32, rs1: u32, imm: i32) -> u32 {
    i(imm, rs1, 0, rd, 0x13)
}

/// xorshift loop: `iters` iterations of 8 instructions.
fn alu_program(iters: i32) -> Vec<u8> {
    let mut a = Asm::default();
    a.li(5, iters).li(6, 88172645).label("loop");
    for _ in 0..std::env::var("UNROLL")
        .map(|v| v.parse().unwrap())
        .unwrap_or(1)
        - 1
    {
        a.emit(rr(ADD, 9, 9, 6))
            .emit(rr(XOR, 10, 10, 8))
            .emit(addi(11, 11, 3))
            .emit(rr(ADD, 12, 12, 5));
    }
    a.emit(i(13, 6, 1, 7, 0x13)) // slli x7, x6, 13
        .emit(rr(XOR, 6, 6, 7))
        .emit(i(7, 6, 5, 7, 0x13)) // srli x7, x6, 7
        .emit(rr(XOR, 6, 6, 7))
        .emit(i(17, 6, 1, 7, 0x13)) // slli x7, x6, 17
        .emit(rr(XOR, 6, 6, 7))
        .emit(rr(ADD, 8, 8, 6))
        .emit(addi(5, 5, -1))
        .br(1, 5, 0, "loop");
    a.emit(0x73);
    a.finish()
}

/// Sieve of Eratosthenes over `SIEVE_N` bytes, `reps` times; leaves the
/// prime count in x13.
fn sieve_program(reps: i32) -> Vec<u8> {
    let mut a = Asm::default();
    a.li(10, DATA as i32)
        .li(11, SIEVE_N)
        .li(20, reps)
        .emit(addi(12, 0, 1));
    a.label("outer")
        .emit(addi(5, 10, 0))
        .emit(rr(ADD, 6, 10, 11));
    a.label("clr")
        .emit(r(0, 0, 5, 3, 0, 0x23)) // sd x0, 0(x5)
        .emit(addi(5, 5, 8))
        .br(6, 5, 6, "clr");
    a.emit(addi(7, 0, 2));
    a.label("loop_i")
        .emit(r(1, 7, 7, 0, 8, 0x33))
        .br(7, 8, 11, "count"); // mul x8; bgeu
    a.emit(rr(ADD, 9, 10, 7))
        .emit(i(0, 9, 4, 9, 0x03))
        .br(1, 9, 0, "next_i"); // lbu
    a.label("loop_j")
        .emit(rr(ADD, 9, 10, 8))
        .emit(r(0, 12, 9, 0, 0, 0x23)) // sb x12, 0(x9)
        .emit(rr(ADD, 8, 8, 7))
        .br(6, 8, 11, "loop_j");
    a.label("next_i").emit(addi(7, 7, 1)).br(8, 0, 0, "loop_i");
    a.label("count").emit(addi(13, 0, 0)).emit(addi(7, 0, 2));
    a.label("cnt")
        .emit(rr(ADD, 9, 10, 7))
        .emit(i(0, 9, 4, 9, 0x03))
        .emit(i(1, 9, 3, 9, 0x13)) // sltiu x9, x9, 1 (seqz)
        .emit(rr(ADD, 13, 13, 9))
        .emit(addi(7, 7, 1))
        .br(6, 7, 11, "cnt");
    a.emit(addi(20, 20, -1)).br(1, 20, 0, "outer");
    a.emit(0x73);
    a.finish()
}

/// Runs `code` to its ecall; returns (instructions retired, x13, x8).
fn run(code: &[u8]) -> (u64, u64, u64) {
    let mut mem = AddressSpace::new();
    mem.map_fixed(CODE, 0x1000, Perms::RX).unwrap();
    mem.map_fixed(DATA, SIEVE_N as u64, Perms::RW).unwrap();
    mem.write_bytes_unchecked(CODE, code).unwrap();
    let mut cpu = Cpu::new(CODE);
    let mut interp = Interp::new();
    loop {
        match interp.run(&mut cpu, &mut mem, 10_000_000) {
            Exit::Budget => continue,
            Exit::Ecall => break,
            e => panic!("benchmark program stopped: {e:?}"),
        }
    }
    (cpu.instret, cpu.x[13], cpu.x[8])
}

/// Runs the ALU loop for about `millions` million instructions; returns the
/// count retired.
#[no_mangle]
pub extern "C" fn bench_alu(millions: u32) -> u64 {
    run(&alu_program((millions as i32) * 125_000)).0
}

/// Runs the sieve `reps` times; returns the count retired.
#[no_mangle]
pub extern "C" fn bench_sieve(reps: u32) -> u64 {
    let (n, primes, _) = run(&sieve_program(reps as i32));
    assert_eq!(primes, 82025, "primes below 2^20");
    n
}

/// CPU time of this thread in seconds (Linux), so that a busy machine does
/// not skew the figure; wall-clock time if unavailable.
fn cpu_seconds(wall: std::time::Instant) -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map(|ns| ns as f64 / 1e9)
        .unwrap_or_else(|| wall.elapsed().as_secs_f64())
}

fn time(name: &str, f: impl FnOnce() -> u64) {
    let wall = std::time::Instant::now();
    let c0 = cpu_seconds(wall);
    let n = f();
    let cpu = cpu_seconds(wall) - c0;
    let w = wall.elapsed().as_secs_f64();
    println!(
        "{name}: {:>6} M instructions, cpu {cpu:.3} s = {:.0} MIPS (wall {w:.3} s = {:.0} MIPS)",
        n / 1_000_000,
        n as f64 / cpu / 1e6,
        n as f64 / w / 1e6
    );
}

#[allow(dead_code)]
fn main() {
    let millions: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(400);
    time("alu  ", || bench_alu(millions));
    let reps: u32 = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    time("sieve", || bench_sieve(reps));
}
