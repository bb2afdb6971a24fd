//! The interpreter: executes pre-decoded basic blocks out of the block cache.
//!
//! [`Interp::run`] hands over to `exec::run_blocks`, which looks the current
//! pc up in the [`BlockCache`] (building the block on a miss), runs the whole
//! block, adds its length to `cpu.instret`, and after each block checks with
//! a single compare whether the budget is spent. Guest stores that hit
//! decoded code go through the memory's slow path, which `run_blocks` sees
//! at once: it lets the block finish and returns. `run` handles everything
//! rare (dropping the written pages' blocks, `fence.i`, exits).
//!
//! Blocks end before an instruction that cannot be fetched or decoded, so a
//! fault always happens at the first instruction of a block or inside the
//! executing block at a known pc: either way it is precise, and the retired
//! count of a block cut short is recomputed from the stopping pc (off the hot
//! path) rather than counted per instruction.

mod active;
mod amo;
pub(crate) mod code;
pub mod csr;
pub mod exec;
mod fp;
mod int;
pub(crate) mod lower;
mod slow;
#[cfg(test)]
mod tests;

use crate::block::{cache::refetch_bits, BlockCache, BuildError, Stats};
use crate::cpu::Cpu;
use crate::mem::{AddressSpace, MemFault};

use exec::{Out, Stop};

/// Why [`Interp::run`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// `ecall`: `cpu.pc` is the address after it; the runtime reads a7/a0..
    /// and writes a0. The ecall is retired.
    Ecall,
    /// `ebreak`: `cpu.pc` is its address; it is not retired.
    Ebreak,
    /// The budget is spent; `cpu.pc` is the next instruction.
    Budget,
    /// A load, store, fetch or AMO faulted; nothing of that instruction
    /// happened and `cpu.pc == pc`.
    Fault {
        /// Address of the faulting instruction.
        pc: u64,
        /// What faulted.
        fault: MemFault,
    },
    /// Illegal or unsupported instruction (including unknown CSRs and
    /// reserved rounding modes); `cpu.pc == pc`.
    Illegal {
        /// Address of the instruction.
        pc: u64,
        /// Its bits (the low 16 for a compressed encoding).
        bits: u32,
    },
}

/// The interpreter tier: a block cache plus the `time` source.
pub struct Interp {
    cache: BlockCache,
    clock: Option<Box<dyn FnMut() -> u64>>,
}

impl Default for Interp {
    fn default() -> Self {
        Self::new()
    }
}

impl Interp {
    /// An interpreter with an empty block cache; `time` reads `instret`.
    pub fn new() -> Self {
        Interp {
            cache: BlockCache::new(),
            clock: None,
        }
    }

    /// Sets the source of the `time` CSR.
    pub fn set_clock(&mut self, f: Box<dyn FnMut() -> u64>) {
        self.clock = Some(f);
    }

    /// Drops all blocks (after `exec`, or `fence.i`).
    pub fn flush(&mut self) {
        self.cache.flush();
    }

    /// Drops the blocks with code on the page at `page_addr`.
    pub fn invalidate_page(&mut self, page_addr: u64) {
        self.cache.invalidate_page(page_addr);
    }

    /// Counters of the block cache.
    pub fn stats(&self) -> Stats {
        self.cache.stats()
    }

    /// The `n` most executed blocks as `(pc, runs)`, hottest first (the JIT
    /// tier's profile).
    pub fn hot_blocks(&self, n: usize) -> Vec<(u64, u64)> {
        self.cache.hot_blocks(n)
    }

    /// The block cache (for the JIT tier and diagnostics).
    pub fn cache(&self) -> &BlockCache {
        &self.cache
    }

    /// Runs whole blocks from `cpu.pc` until at least `budget` instructions
    /// retired, or an exit.
    pub fn run(&mut self, cpu: &mut Cpu, mem: &mut AddressSpace, budget: u64) -> Exit {
        let until = cpu.instret.saturating_add(budget);
        let mut pc = cpu.pc;
        // Code may have been written between calls (syscalls, the loader).
        if mem.code_writes_pending() {
            self.code_writes(mem);
        }
        while cpu.instret < until {
            let out = exec::run_blocks(
                cpu,
                mem,
                &mut self.cache,
                pc,
                until,
                self.clock.as_deref_mut(),
            );
            match out {
                Out::Budget(next) => pc = next,
                Out::CodeWrites(next) => {
                    self.code_writes(mem);
                    pc = next;
                }
                Out::Build(at, e) => {
                    cpu.pc = at;
                    return match e {
                        BuildError::Fault(fault) => Exit::Fault { pc: at, fault },
                        BuildError::Illegal(bits) => Exit::Illegal { pc: at, bits },
                    };
                }
                Out::Stop(at, stop) => {
                    cpu.pc = at;
                    // Leave no stale block behind for the runtime's next call.
                    if mem.code_writes_pending() {
                        self.code_writes(mem);
                    }
                    match stop {
                        Stop::Ecall => {
                            cpu.instret += 1;
                            cpu.pc = at.wrapping_add(4);
                            return Exit::Ecall;
                        }
                        Stop::FenceI => {
                            cpu.instret += 1;
                            pc = at.wrapping_add(4);
                            self.cache.flush();
                        }
                        Stop::Ebreak => return Exit::Ebreak,
                        Stop::Fault(fault) => return Exit::Fault { pc: at, fault },
                        Stop::Illegal => {
                            return Exit::Illegal {
                                pc: at,
                                bits: refetch_bits(mem, at),
                            }
                        }
                    }
                }
            }
        }
        cpu.pc = pc;
        Exit::Budget
    }

    /// Drops the blocks of pages written since the last check.
    #[cold]
    #[inline(never)]
    fn code_writes(&mut self, mem: &mut AddressSpace) {
        if let Some(pages) = mem.take_code_writes() {
            for p in pages {
                self.cache.invalidate_page(p);
            }
        }
    }
}
