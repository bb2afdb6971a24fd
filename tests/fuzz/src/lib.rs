//! nanovm-fuzzgen: a seeded, reproducible random-program generator for differential testing
//! of NanoVM against qemu-riscv64.
//!
//! A run is `(seed, len)`; sequence `index` of a run is fully determined by
//! `(seed, index, len)` ([`gen::sequence`]). A program ([`asm::program`]) runs many sequences;
//! each loads random values into all usable integer and FP registers, `fcsr` and a scratch
//! buffer, executes `len` random RV64GC items, and writes a [`seq::RECORD`]-byte dump record
//! to stdout. Comparing the stdout of qemu and of NanoVM ([`dump::first_divergence`]) finds
//! divergences; [`shrink::minimise`] reduces a failing sequence.

pub mod asm;
pub mod dump;
pub mod gen;
mod gen_fp;
pub mod rng;
pub mod seq;
pub mod shrink;
pub mod tools;
mod values;

pub use seq::{Item, Sequence};

/// Sequences `first..first+count` of run `(seed, len)`.
pub fn generate(seed: u64, first: u64, count: u64, len: usize) -> Vec<Sequence> {
    (first..first + count)
        .map(|i| gen::sequence(seed, i, len))
        .collect()
}

/// Default fixed seed (CI reproducibility).
pub const DEFAULT_SEED: u64 = 0x5eed_2026;
/// Default number of items per sequence.
pub const DEFAULT_LEN: usize = 32;
